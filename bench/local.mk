# bench: `make bench` (never part of `make all` or `make check`) prints
# start-up, pipeline throughput, traced-call cost and child-start (cnew)
# cost as ratios against native, measured interleaved in the same run, and
# the supervisor's memory with 1000 live containers.  `make bench BENCH_QUICK=1`
# is a fast smoke run with small counts.
#
# Everything here is built on demand by explicit rules, so `make` alone
# builds none of it: hosted helpers with $(CC), guests (static musl, linked
# with libminos) with $(GUEST_CC) as in examples/local.mk.
BENCH_HOSTED = bench/spawnbench bench/forkbench bench/launcher \
	bench/rettrace bench/zeros bench/memcopy
BENCH_GUESTS = bench/true bench/minoscall bench/cnewbench bench/manykids \
	bench/percall bench/ckmem
BENCH_QUICK =

EXTRA_DIST += bench/run bench/ab bench/spawnbench.c bench/forkbench.c \
	bench/launcher.c bench/rettrace.c bench/zeros.c bench/true.c \
	bench/minoscall.c bench/cnewbench.c bench/manykids.c bench/percall.c \
	bench/ckbench bench/ckmem.c bench/memcopy.c
CLEANFILES += $(BENCH_HOSTED) $(BENCH_GUESTS)

# $(@D) may not exist yet in a VPATH build.  Hosted helpers do not get
# AM_CPPFLAGS: its -I supervisor would hide <spawn.h> behind
# supervisor/spawn.h; they include only system headers.
BENCH_HOSTED_LINK = $(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(CC) -D_GNU_SOURCE $(CPPFLAGS) $(AM_CFLAGS) $(CFLAGS) \
	-o $@ $< $(LDFLAGS)
BENCH_GUEST_LINK = $(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)

bench/spawnbench: bench/spawnbench.c
	$(BENCH_HOSTED_LINK)
bench/forkbench: bench/forkbench.c
	$(BENCH_HOSTED_LINK)
bench/launcher: bench/launcher.c
	$(BENCH_HOSTED_LINK)
bench/rettrace: bench/rettrace.c
	$(BENCH_HOSTED_LINK)
bench/zeros: bench/zeros.c
	$(BENCH_HOSTED_LINK)
# memcopy times the checkpoint file's own SHA-256 too.
bench/memcopy: bench/memcopy.c supervisor/sha256.c supervisor/sha256.h
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(CC) -D_GNU_SOURCE -I$(srcdir)/supervisor $(CPPFLAGS) $(AM_CFLAGS) \
	$(CFLAGS) -o $@ $(filter %.c,$^) $(LDFLAGS)
bench/true: bench/true.c
	$(BENCH_GUEST_LINK)
bench/minoscall: bench/minoscall.c libminos/minos.h $(GUEST_LIBS)
	$(BENCH_GUEST_LINK)
# percall makes raw system calls (libminos/syscall_arch.h).
bench/percall: bench/percall.c libminos/syscall_arch.h $(GUEST_LIBS)
	$(BENCH_GUEST_LINK)
bench/ckmem: bench/ckmem.c libminos/minos.h $(GUEST_LIBS)
	$(BENCH_GUEST_LINK)
bench/manykids: bench/manykids.c libminos/minos.h $(GUEST_LIBS)
	$(BENCH_GUEST_LINK)
# cnewbench carries bench/true's image (.incbin of the built file, which
# lives in the build tree), as examples/spawn carries examples/hello.
bench/cnewbench: bench/cnewbench.c bench/true libminos/minos.h $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -DCHILD_PATH='"$(abs_builddir)/bench/true"' \
		-o $@ $< $(GUEST_LIBS)

bench: minos-exec$(EXEEXT) $(BENCH_HOSTED) $(BENCH_GUESTS)
	MINOS_EXEC='$(abs_top_builddir)/minos-exec$(EXEEXT)' \
	BENCH_DIR='$(abs_top_builddir)/bench' BENCH_QUICK='$(BENCH_QUICK)' \
	bash $(srcdir)/bench/run
	MINOS_EXEC='$(abs_top_builddir)/minos-exec$(EXEEXT)' \
	BENCH_DIR='$(abs_top_builddir)/bench' BENCH_QUICK='$(BENCH_QUICK)' \
	bash $(srcdir)/bench/ckbench

# checkpoint and restore alone (also the last part of `make bench`)
bench-ckpt: minos-exec$(EXEEXT) bench/ckmem bench/memcopy
	MINOS_EXEC='$(abs_top_builddir)/minos-exec$(EXEEXT)' \
	BENCH_DIR='$(abs_top_builddir)/bench' BENCH_QUICK='$(BENCH_QUICK)' \
	bash $(srcdir)/bench/ckbench
.PHONY: bench bench-ckpt
