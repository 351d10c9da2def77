# examples and the probe: static musl guests linked with libminos.
# They are built with $(GUEST_CC) and $(GUEST_CFLAGS), never the host's
# CFLAGS, by explicit rules; all-local builds everything in GUESTS.
GUESTS += \
	examples/hello \
	examples/cat \
	examples/pipe \
	examples/counter \
	examples/spawn \
	examples/pipeline \
	examples/fanout \
	t/probe/probe \
	t/probe/epollpass
EXTRA_DIST += \
	examples/hello.c \
	examples/cat.c \
	examples/pipe.c \
	examples/counter.c \
	examples/spawn.c \
	examples/pipeline.c \
	examples/fanout.c \
	t/probe/probe.c \
	t/probe/epollpass.c \
	examples/policy/wordcount.yaml

# $(@D) may not exist yet in a VPATH build (make distcheck).
GUEST_LINK = $(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)

examples/hello: examples/hello.c libminos/minos.h $(GUEST_LIBS)
	$(GUEST_LINK)
examples/cat: examples/cat.c libminos/minos.h $(GUEST_LIBS)
	$(GUEST_LINK)
examples/pipe: examples/pipe.c libminos/minos.h $(GUEST_LIBS)
	$(GUEST_LINK)
examples/counter: examples/counter.c $(GUEST_LIBS)
	$(GUEST_LINK)

# spawn and pipeline carry a child's image (.incbin of the built
# examples/hello or examples/cat, which live in the build tree).
examples/spawn: examples/spawn.c examples/hello libminos/minos.h $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -DCHILD_PATH='"$(abs_builddir)/examples/hello"' \
		-o $@ $< $(GUEST_LIBS)
examples/pipeline: examples/pipeline.c examples/cat libminos/minos.h $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -DCHILD_PATH='"$(abs_builddir)/examples/cat"' \
		-o $@ $< $(GUEST_LIBS)
examples/fanout: examples/fanout.c libminos/minos.h $(GUEST_LIBS)
	$(GUEST_LINK)

# The probe also includes libminos/syscall_arch.h for its raw system calls.
t/probe/probe: t/probe/probe.c libminos/minos.h libminos/syscall_arch.h $(GUEST_LIBS)
	$(GUEST_LINK)

# examples/grader: a grader policy, its checker, and submissions that earn
# each verdict (examples/grader/README, t/630-examples.bats).
GUESTS += examples/grader/checker examples/grader/sum \
	examples/grader/wrong examples/grader/slow examples/grader/greedy \
	examples/grader/crash examples/grader/flood
EXTRA_DIST += examples/grader/README examples/grader/grader.yaml \
	examples/grader/grade examples/grader/expected \
	examples/grader/tests/1.in examples/grader/tests/1.out \
	examples/grader/tests/2.in examples/grader/tests/2.out \
	examples/grader/checker.c examples/grader/sum.c examples/grader/wrong.c \
	examples/grader/slow.c examples/grader/greedy.c examples/grader/crash.c \
	examples/grader/flood.c \
	examples/policy/fanin.yaml
examples/grader/checker: examples/grader/checker.c $(GUEST_LIBS)
	$(GUEST_LINK)
examples/grader/sum: examples/grader/sum.c $(GUEST_LIBS)
	$(GUEST_LINK)
examples/grader/wrong: examples/grader/wrong.c $(GUEST_LIBS)
	$(GUEST_LINK)
examples/grader/slow: examples/grader/slow.c $(GUEST_LIBS)
	$(GUEST_LINK)
examples/grader/greedy: examples/grader/greedy.c $(GUEST_LIBS)
	$(GUEST_LINK)
examples/grader/crash: examples/grader/crash.c $(GUEST_LIBS)
	$(GUEST_LINK)
examples/grader/flood: examples/grader/flood.c $(GUEST_LIBS)
	$(GUEST_LINK)
t/probe/epollpass: t/probe/epollpass.c libminos/minos.h libminos/syscall_arch.h $(GUEST_LIBS)
	$(GUEST_LINK)
