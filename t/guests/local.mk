# t/guests: static musl test guests for the bats files, built like the
# examples (examples/local.mk defines GUEST_LINK).
GUESTS += \
	t/guests/args \
	t/guests/env \
	t/guests/alloc \
	t/guests/spin \
	t/guests/signals \
	t/guests/threads \
	t/guests/minos_err \
	t/guests/stackmem \
	t/guests/ckcomp
EXTRA_DIST += \
	t/guests/guest.h \
	t/guests/args.c \
	t/guests/env.c \
	t/guests/alloc.c \
	t/guests/spin.c \
	t/guests/signals.c \
	t/guests/threads.c \
	t/guests/minos_err.c \
	t/guests/stackmem.c \
	t/guests/ckcomp.c

t/guests/args: t/guests/args.c $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)
t/guests/env: t/guests/env.c $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)
t/guests/alloc: t/guests/alloc.c $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)
t/guests/spin: t/guests/spin.c libminos/minos.h $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)
t/guests/signals: t/guests/signals.c $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)
t/guests/threads: t/guests/threads.c t/guests/guest.h $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)
t/guests/minos_err: t/guests/minos_err.c t/guests/guest.h libminos/minos.h $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)

# cnew_rules: the rules of cnew and ckill (t/700-cnew.bats).
GUESTS += t/guests/cnew_rules
EXTRA_DIST += t/guests/cnew_rules.c
t/guests/cnew_rules: t/guests/cnew_rules.c t/guests/guest.h libminos/minos.h $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)

# memhog: the memory verdict (t/620-verdict.bats); t/go: Go programs that
# test builds when go is installed.
GUESTS += t/guests/memhog
EXTRA_DIST += t/guests/memhog.c t/go/hello.go t/go/live.go
t/guests/memhog: t/guests/memhog.c $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)

# fdpark: the supervisor holds nothing for a waiting read (t/940-bounded.bats).
GUESTS += t/guests/fdpark
EXTRA_DIST += t/guests/fdpark.c
t/guests/fdpark: t/guests/fdpark.c t/guests/guest.h libminos/minos.h $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)

# imgpark: pending cnew images are charged to the caller (t/945-charged.bats).
GUESTS += t/guests/imgpark
EXTRA_DIST += t/guests/imgpark.c
t/guests/imgpark: t/guests/imgpark.c t/guests/guest.h libminos/minos.h $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)

# bigimage: an image whose bss does not fit the memory limit (t/945-charged.bats).
GUESTS += t/guests/bigimage
EXTRA_DIST += t/guests/bigimage.c
t/guests/bigimage: t/guests/bigimage.c t/guests/guest.h libminos/minos.h $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)

# fdfull: the supervisor out of descriptors, the caller gets ENFILE (t/945-charged.bats).
GUESTS += t/guests/fdfull
EXTRA_DIST += t/guests/fdfull.c
t/guests/fdfull: t/guests/fdfull.c t/guests/guest.h libminos/minos.h $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)

# nrchild: a child makes one raw system call (t/900-escape.bats).
GUESTS += t/guests/nrchild
EXTRA_DIST += t/guests/nrchild.c
t/guests/nrchild: t/guests/nrchild.c t/guests/guest.h libminos/minos.h libminos/syscall_arch.h $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)

# errflood: a container floods minos-exec's own stderr (t/945-charged.bats).
GUESTS += t/guests/errflood
EXTRA_DIST += t/guests/errflood.c
t/guests/errflood: t/guests/errflood.c t/guests/guest.h libminos/minos.h $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)
t/guests/stackmem: t/guests/stackmem.c $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)
t/guests/ckcomp: t/guests/ckcomp.c libminos/minos.h $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -pthread -o $@ $< $(GUEST_LIBS)

# ckpipe: the stages of a policy pipeline checkpointed with bytes between
# them (t/993-ckpt-multi.bats).
GUESTS += t/guests/ckpipe
EXTRA_DIST += t/guests/ckpipe.c
t/guests/ckpipe: t/guests/ckpipe.c libminos/minos.h $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)

# ckbar: threads, a barrier and a mutex held across a checkpoint
# (t/990-ckpt.bats), one source built with musl (ckbar) and with the host's
# static glibc (ckbar-glibc).  Without a static glibc (Debian libc6-dev's
# libc.a) ckbar-glibc.skip says so and the test skips.
GUESTS += t/guests/ckbar t/guests/ckbar-glibc
EXTRA_DIST += t/guests/ckbar.c
CLEANFILES += t/guests/ckbar-glibc.skip
t/guests/ckbar: t/guests/ckbar.c
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -pthread -o $@ $<
t/guests/ckbar-glibc: t/guests/ckbar.c
	$(AM_V_CC)$(MKDIR_P) $(@D) && rm -f $@.skip && \
	if ! $(CC) -std=gnu11 -O2 -Wall -Wextra -static -pthread -fno-sanitize=all \
		-o $@ $< 2>$@.log; then \
		rm -f $@; echo "no static glibc ($(CC) -static -pthread failed)" >$@.skip; \
	fi; rm -f $@.log
