# t/storm: the syscall storm, a hostile guest of random calls (t/storm/storm.c).
# t/960-storm.bats runs a few fixed seeds in make check; t/storm/soak.sh
# (not in make check) runs random seeds for as long as asked.
GUESTS += t/storm/storm
EXTRA_DIST += t/storm/storm.c t/storm/soak.sh
t/storm/storm: t/storm/storm.c libminos/minos.h $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)

# faults: the container side of t/950-faults.bats (SIGKILL mid-call).
GUESTS += t/storm/faults
EXTRA_DIST += t/storm/faults.c
t/storm/faults: t/storm/faults.c t/guests/guest.h libminos/minos.h $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -o $@ $< $(GUEST_LIBS)
