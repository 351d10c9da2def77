# t/redteam: the red team's hostile guests (t/946-redteam.bats: one test
# per finding; the tests of findings still open skip, naming them).
GUESTS += t/redteam/hoard t/redteam/fakeml t/redteam/parked t/redteam/pinfds \
	t/redteam/dupfd t/redteam/pollbuf t/redteam/bigbss t/redteam/churn \
	t/redteam/lockhog t/redteam/highbits t/redteam/passq t/redteam/epstall \
	t/redteam/epleak t/redteam/graveyard t/redteam/growsdown t/redteam/hammer \
	t/redteam/livecost t/redteam/chain t/redteam/pipehole t/redteam/execstop \
	t/redteam/rodata t/redteam/epintr t/redteam/shortw t/redteam/closesig \
	t/redteam/ckvdso t/redteam/closejmp t/redteam/cktree7
EXTRA_DIST += t/redteam/rt.h t/redteam/hoard.c t/redteam/fakeml.c \
	t/redteam/parked.c t/redteam/pinfds.c t/redteam/dupfd.c \
	t/redteam/pollbuf.c t/redteam/bigbss.c t/redteam/churn.c \
	t/redteam/lockhog.c t/redteam/highbits.c t/redteam/passq.c \
	t/redteam/epstall.c t/redteam/epleak.c t/redteam/graveyard.c \
	t/redteam/growsdown.c t/redteam/hammer.c t/redteam/livecost.c \
	t/redteam/chain.c t/redteam/pipehole.c t/redteam/execstop.c t/redteam/rodata.c \
	t/redteam/epintr.c t/redteam/shortw.c t/redteam/closesig.c \
	t/redteam/ckvdso.c t/redteam/ckmut.c t/redteam/closejmp.c \
	t/redteam/cktree7.c t/redteam/ckmut7.c
RT_DEPS = t/redteam/rt.h libminos/minos.h $(GUEST_LIBS)
t/redteam/hoard: t/redteam/hoard.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/fakeml: t/redteam/fakeml.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/parked: t/redteam/parked.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/pinfds: t/redteam/pinfds.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/dupfd: t/redteam/dupfd.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/pollbuf: t/redteam/pollbuf.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/bigbss: t/redteam/bigbss.c $(RT_DEPS)
	$(GUEST_LINK)
# churn and lockhog: attacks that held (rt-findings.md, "what held").
t/redteam/churn: t/redteam/churn.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/lockhog: t/redteam/lockhog.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/highbits: t/redteam/highbits.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/passq: t/redteam/passq.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/epstall: t/redteam/epstall.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/epleak: t/redteam/epleak.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/graveyard: t/redteam/graveyard.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/growsdown: t/redteam/growsdown.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/hammer: t/redteam/hammer.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/livecost: t/redteam/livecost.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/chain: t/redteam/chain.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/pipehole: t/redteam/pipehole.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/execstop: t/redteam/execstop.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/rodata: t/redteam/rodata.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/epintr: t/redteam/epintr.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/shortw: t/redteam/shortw.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/closesig: t/redteam/closesig.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/ckvdso: t/redteam/ckvdso.c $(RT_DEPS)
	$(GUEST_LINK)
# ckmut: a host program (ckfile.c's writer) that makes hostile checkpoint
# files with valid checksums for t/947-redteam-ck.bats.
check_PROGRAMS += t/redteam/ckmut
t_redteam_ckmut_SOURCES = t/redteam/ckmut.c supervisor/ckfile.c \
	supervisor/ckhost.c supervisor/crc32c.c supervisor/sha256.c
t_redteam_ckmut_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS)
t_redteam_ckmut_LDADD =
t/redteam/cktree7: t/redteam/cktree7.c $(RT_DEPS)
	$(GUEST_LINK)
# ckmut7: red team 7's forged files (t/955-redteam7.bats).
check_PROGRAMS += t/redteam/ckmut7
t_redteam_ckmut7_SOURCES = t/redteam/ckmut7.c supervisor/ckfile.c \
	supervisor/ckhost.c supervisor/crc32c.c supervisor/sha256.c
t_redteam_ckmut7_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS)
t_redteam_ckmut7_LDADD =
# sigq: a host program, sigqueue(3) from outside a container.
check_PROGRAMS += t/redteam/sigq
t_redteam_sigq_SOURCES = t/redteam/sigq.c
t_redteam_sigq_LDADD =
t/redteam/closejmp: t/redteam/closejmp.c $(RT_DEPS)
	$(GUEST_LINK)
# t/948-redteam-final.bats
GUESTS += t/redteam/vdsoalias
EXTRA_DIST += t/redteam/vdsoalias.c
t/redteam/vdsoalias: t/redteam/vdsoalias.c $(RT_DEPS)
	$(GUEST_LINK)
# t/949-redteam-rt17.bats
GUESTS += t/redteam/rest t/redteam/cksig
EXTRA_DIST += t/redteam/rest.c t/redteam/cksig.c
t/redteam/rest: t/redteam/rest.c $(RT_DEPS)
	$(GUEST_LINK)
t/redteam/cksig: t/redteam/cksig.c $(RT_DEPS)
	$(GUEST_LINK)
# t/952-redteam-restore.bats
GUESTS += t/redteam/sigflip
EXTRA_DIST += t/redteam/sigflip.c
t/redteam/sigflip: t/redteam/sigflip.c $(RT_DEPS)
	$(GUEST_LINK)
# t/953-redteam5.bats
GUESTS += t/redteam/lonepipe
EXTRA_DIST += t/redteam/lonepipe.c
t/redteam/lonepipe: t/redteam/lonepipe.c $(RT_DEPS)
	$(GUEST_LINK)
# t/954-redteam6.bats
GUESTS += t/redteam/carry
EXTRA_DIST += t/redteam/carry.c
t/redteam/carry: t/redteam/carry.c $(RT_DEPS)
	$(GUEST_LINK)
# t/956-redteam8.bats
GUESTS += t/redteam/rt8
EXTRA_DIST += t/redteam/rt8.c
t/redteam/rt8: t/redteam/rt8.c $(RT_DEPS)
	$(GUEST_LINK)
# ckmut8: red team 8's forged CNEWS records (t/956-redteam8.bats).
check_PROGRAMS += t/redteam/ckmut8
t_redteam_ckmut8_SOURCES = t/redteam/ckmut8.c supervisor/ckfile.c \
	supervisor/ckhost.c supervisor/crc32c.c supervisor/sha256.c
t_redteam_ckmut8_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS)
t_redteam_ckmut8_LDADD =
# t/957-redteam9.bats
GUESTS += t/redteam/seal9
EXTRA_DIST += t/redteam/seal9.c
t/redteam/seal9: t/redteam/seal9.c $(RT_DEPS)
	$(GUEST_LINK)
# t/958-redteam10.bats
GUESTS += t/redteam/rt10
EXTRA_DIST += t/redteam/rt10.c
t/redteam/rt10: t/redteam/rt10.c $(RT_DEPS)
	$(GUEST_LINK)
# t/959-redteam11.bats
GUESTS += t/redteam/orph11
EXTRA_DIST += t/redteam/orph11.c t/redteam/ckmut11.c
t/redteam/orph11: t/redteam/orph11.c $(RT_DEPS)
	$(GUEST_LINK)
# ckmut11: red team 11's forged roots of ended stages (t/959-redteam11.bats).
check_PROGRAMS += t/redteam/ckmut11
t_redteam_ckmut11_SOURCES = t/redteam/ckmut11.c supervisor/ckfile.c \
	supervisor/ckhost.c supervisor/crc32c.c supervisor/sha256.c
t_redteam_ckmut11_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS)
t_redteam_ckmut11_LDADD =
# t/962-redteam12.bats
GUESTS += t/redteam/rt12
EXTRA_DIST += t/redteam/rt12.c t/redteam/rt12key.py
t/redteam/rt12: t/redteam/rt12.c $(RT_DEPS)
	$(GUEST_LINK)
# rt12pass: entered at regs_entry, which records its registers (962).
GUESTS += t/redteam/rt12pass
EXTRA_DIST += t/redteam/rt12pass.c
t/redteam/rt12pass: t/redteam/rt12pass.c $(RT_DEPS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -Wl,-e,regs_entry -o $@ $< $(GUEST_LIBS)
# rt13: Minos pipes against passes, signals, freezes, kills (963).
GUESTS += t/redteam/rt13
EXTRA_DIST += t/redteam/rt13.c
t/redteam/rt13: t/redteam/rt13.c $(RT_DEPS)
	$(GUEST_LINK)
# rt14: armed Minos pipes and lone wfds against signals and forged calls (964).
GUESTS += t/redteam/rt14
EXTRA_DIST += t/redteam/rt14.c
t/redteam/rt14: t/redteam/rt14.c $(RT_DEPS)
	$(GUEST_LINK)
