# t/pass: guests for t/710-pass.bats (wpass and rpass).
GUESTS += t/pass/rpass_basic t/pass/wpass_blocked t/pass/wpass_spinning t/pass/spinner
EXTRA_DIST += t/pass/rpass_basic.c t/pass/wpass_blocked.c t/pass/wpass_spinning.c \
	t/pass/spinner.c
t/pass/rpass_basic: t/pass/rpass_basic.c libminos/minos.h $(GUEST_LIBS)
	$(GUEST_LINK)
t/pass/wpass_blocked: t/pass/wpass_blocked.c libminos/minos.h $(GUEST_LIBS)
	$(GUEST_LINK)
t/pass/wpass_spinning: t/pass/wpass_spinning.c libminos/minos.h $(GUEST_LIBS)
	$(GUEST_LINK)
t/pass/spinner: t/pass/spinner.c $(GUEST_LIBS)
	$(GUEST_LINK)
GUESTS += t/pass/total_memory
EXTRA_DIST += t/pass/total_memory.c
t/pass/total_memory: t/pass/total_memory.c libminos/minos.h $(GUEST_LIBS)
	$(GUEST_LINK)
GUESTS += t/pass/leader_gone
EXTRA_DIST += t/pass/leader_gone.c
t/pass/leader_gone: t/pass/leader_gone.c libminos/minos.h $(GUEST_LIBS)
	$(GUEST_LINK)
GUESTS += t/pass/pass_races
EXTRA_DIST += t/pass/pass_races.c
t/pass/pass_races: t/pass/pass_races.c libminos/minos.h $(GUEST_LIBS)
	$(GUEST_LINK)
# hostile: a child that attacks its parent's wpass (t/935-pass.bats).
GUESTS += t/pass/hostile
EXTRA_DIST += t/pass/hostile.c
t/pass/hostile: t/pass/hostile.c libminos/minos.h $(GUEST_LIBS)
	$(GUEST_LINK)
# pipe_race: Minos pipe against other threads (t/930-pipe.bats).
GUESTS += t/pass/pipe_race
EXTRA_DIST += t/pass/pipe_race.c
t/pass/pipe_race: t/pass/pipe_race.c libminos/minos.h $(GUEST_LIBS)
	$(GUEST_LINK)
# pass_wait: a child that never lends a thread (t/936-pass-wait.bats).
GUESTS += t/pass/pass_wait
EXTRA_DIST += t/pass/pass_wait.c
t/pass/pass_wait: t/pass/pass_wait.c libminos/minos.h $(GUEST_LIBS)
	$(GUEST_LINK)
# thief: a sender's other thread blocked on the rfd it passes away (936).
GUESTS += t/pass/thief
EXTRA_DIST += t/pass/thief.c
t/pass/thief: t/pass/thief.c libminos/minos.h $(GUEST_LIBS)
	$(GUEST_LINK)
# entry_regs: an ELF child's registers at its entry (936); entered at
# regs_entry, which records them, then the C library's _start.
GUESTS += t/pass/entry_regs
EXTRA_DIST += t/pass/entry_regs.c
t/pass/entry_regs: t/pass/entry_regs.c libminos/minos.h $(GUEST_LIBS)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(GUEST_CC) $(GUEST_CFLAGS) -Wl,-e,regs_entry -o $@ $< $(GUEST_LIBS)
