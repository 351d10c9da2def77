#!/usr/bin/env bats
# Red team 9: attacks on the first container's lazy vDSO seal (RT6-5,
# RT6-6: tracee_seal_vdso, sys_pass.c seal_then_carry) and on a Minos
# pipe's injected close racing a checkpoint (loop.c pipe_fix).  One test
# per finding (a finding still open is skipped, naming it), then the
# attacks that held.  t/redteam/seal9.c says what each mode does.

load helpers

RT="$MINOS_BUILD/t/redteam"

setup() {
	D="$BATS_TEST_TMPDIR"
}

# seal_runs MODE N: N runs of `seal9 MODE 400` in the first container,
# each bounded by 4 s (a run that never ends is RT9-2's, not counted
# here); $outs has one line per run: its exit status and what it said.
seal_runs() {
	local i out rc
	outs=""
	for i in $(seq "$2"); do
		rc=0
		out=$(timeout -k 2 4 "$MINOS_EXEC" "$RT/seal9" "$1" 400 2>&1 </dev/null) || rc=$?
		outs+="$rc ${out//$'\n'/ }"$'\n'
	done
	echo "$outs"
}

@test "RT9-1: a sibling that flips the vDSO to PROT_NONE while the supervisor seals it (SIGURG, ignored, under epoll_wait) does not get the first container killed by SIGSEGV" {
	need_pidns
	# Natively nothing faults: no thread runs the vDSO's code.
	run "$RT/seal9" prot 400
	expect_exact "waits 4, zeros 4, other 0"
	# The injected mseal ran at the vDSO's syscall instruction with
	# every signal blocked: the fault of a page made PROT_NONE meanwhile
	# was forced (handler reset, unblocked) and ended the container
	# (about one run in two on the old build).
	seal_runs prot 8
	[[ "$outs" != *SIGSEGV* ]]
	[[ "$outs" != *"internal error"* ]]
	! grep -q '^139 ' <<<"$outs"
}

@test "RT9-2: a vDSO a sibling made PROT_NONE as the supervisor sealed it does not keep SIGURG (ignored) every ms from ending the first container's epoll_wait(100)" {
	skip "open: RT9-2, the seal takes on a PROT_NONE vDSO (sealed so for good); its instruction is unusable, and every ignored signal makes the wait again whole (RT6-5 again): the wait never times out; a seal the race made fail makes it again whole too"
	need_pidns
	seal_runs prot 6
	[ "$(grep -cE '^0 waits 4, zeros 4, other 0 ?$' <<<"$outs")" -eq 6 ]
}

@test "RT9-3: a pass and SIGURG (ignored) breaking the same epoll_pwait, whose mask blocks a pending SIGUSR1: 0 at its timeout, then the handler, as on Linux" {
	skip "open: RT9-3, as RT6-8 (main reverted the kept mask, c1d5f87): without it the install and carried wait run under the thread's own mask and the pending SIGUSR1 ends the wait with EINTR; red team 9's fix (redteam9 8916b0d, 0755146) was made on the reverted design and is not merged"
	need_pidns
	# carry pwblock with passes too (the mix RT6-8's fix left untested).
	# Old build: every run "wait = -1 EINTR after early ms": the pending
	# SIGURG counted as a signal taken (eintr_ours), a carried wait's
	# end and a pass given back at SIGURG's stop put the thread's own
	# mask back before SIGURG's stop judged the wait.
	local i
	for i in 1 2 3 4 5; do
		run mx "$RT/carry" pwblock 300 < "$RT/carry"
		expect_status 0
		expect_output "wait = 0 after in time ms, usr1 1"
		[[ "$output" != *"no pass placed"* ]]
	done
}

# ck_pwblock MODE MS: carry MODE MS with 15 checkpoints (--leave-running)
# asked every 20 ms from its start; $rest is what it said.
ck_pwblock() {
	local pid mxpid i blk
	timeout -k 5 60 "$MINOS_EXEC" --checkpoint="$D/c.ck" --leave-running \
		"$RT/carry" "$1" "$2" <"$RT/carry" >"$D/out" 2>"$D/err" &
	pid=$!
	# (Asked only once minos-exec blocks SIGUSR1: before its exec, or
	# its first instruction, SIGUSR1 would end it.)
	for i in $(seq 500); do
		mxpid=$(pgrep -P $pid) && [ -n "$mxpid" ] &&
			blk=$(awk '/^SigBlk/ { print $2 }' "/proc/$mxpid/status" 2>/dev/null) &&
			[ -n "$blk" ] && (( 0x$blk & 0x200 )) && break
		sleep 0.01
	done
	for i in $(seq 15); do
		kill -USR1 "$mxpid" 2>/dev/null || break
		sleep 0.02
	done
	wait $pid
	rest=$(cat "$D/out")
	echo "$1 $2: $rest; $(grep -c checkpointed "$D/err") checkpoints"
	! grep -E 'internal error|runtime error' "$D/err"
}

@test "RT9-3: the same racing checkpoints (--leave-running): the handler of the pending SIGUSR1 still runs after the wait (its mask never left blocking it)" {
	need_pidns
	# RT9-3's first fix owed the thread its mask after any EINTR of a
	# carried wait: a freeze's ended one too, whose stop is no signal's,
	# and SIGUSR1 stayed blocked for good (usr1 0).
	local i
	for i in 1 2 3; do
		ck_pwblock pwblock 300
		[[ "$rest" == *", usr1 1"* ]]
		ck_pwblock pwblockp 300
		[[ "$rest" == *", usr1 1"* ]]
	done
}

@test "RT9-4: a checkpoint's freeze (--leave-running) does not end an epoll_pwait whose mask blocks a pending SIGUSR1 with EINTR" {
	skip "open: RT9-4, the freeze's stop breaks the wait with EINTR and the run goes on with it (the pending signal, blocked by the call's mask Linux's wait goes by, is delivered): old and new builds alike; not found where in ckpt.c by the deadline (eintr_of_freeze judging by the call's mask is not enough)"
	need_pidns
	local i
	for i in 1 2 3; do
		ck_pwblock pwblock 0
		[ "$rest" = "wait = 0 after in time ms, usr1 1" ]
	done
}

# ---- what held ----------------------------------------------------------

@test "RT9 held: a Minos pipe's lone wfd closed by the supervisor's injected close (EMFILE for the rfd) races 60 checkpoints (--leave-running): no number lost or left behind" {
	need_pidns
	local pid mxpid line rest i
	mkfifo "$D/out"
	timeout -k 5 120 "$MINOS_EXEC" --checkpoint="$D/c.ck" --leave-running \
		"$RT/seal9" lone 5000 </dev/null >"$D/out" 2>"$D/err" &
	pid=$!
	exec 5<"$D/out"
	read -r -t 30 line <&5
	[ "$line" = ready ]
	mxpid=$(pgrep -P $pid)
	for i in $(seq 60); do
		kill -USR1 "$mxpid" 2>/dev/null || break
		sleep 0.02
	done
	rest=$(cat <&5)
	exec 5<&-
	wait $pid
	sort "$D/err" | uniq -c
	echo "$rest"
	[ "$rest" = "lone 5000 bad 0" ]
	[ "$(grep -c '^minos-exec: checkpointed' "$D/err")" -ge 5 ]
	! grep -E 'internal error|runtime error|not every thread' "$D/err"
}

@test "RT9 held: the same run checkpointed mid-way (--checkpoint-at) and restored goes on with one number free after every pipe" {
	need_pidns
	local at
	for at in 0.2s 0.35s; do
		run --separate-stderr mx --checkpoint="$D/c.ck" --checkpoint-at=$at \
			"$RT/seal9" lone 2000 </dev/null
		expect_status 0
		[[ "$stderr" == *"checkpointed 1 container"* ]]
		run mx --restore="$D/c.ck" </dev/null
		expect_status 0
		expect_output "lone 2000 bad 0"
	done
}

@test "RT9 held: the seal raced by PROT_NONE flips and 20 checkpoints (--leave-running): every checkpoint is made (or refused in one line once the vDSO is sealed unreadable, RT9-2), nothing faults, no freeze left unfinished" {
	need_pidns
	local pid mxpid i r blk rc
	for r in 1 2 3; do
		timeout -k 2 8 "$MINOS_EXEC" --checkpoint="$D/c.ck" --leave-running \
			"$RT/seal9" prot 400 </dev/null >"$D/out" 2>"$D/err" &
		pid=$!
		for i in $(seq 500); do
			mxpid=$(pgrep -P $pid) && [ -n "$mxpid" ] &&
				blk=$(awk '/^SigBlk/ { print $2 }' "/proc/$mxpid/status" 2>/dev/null) &&
				[ -n "$blk" ] && (( 0x$blk & 0x200 )) && break
			sleep 0.01
		done
		for i in $(seq 20); do
			kill -USR1 "$mxpid" 2>/dev/null || break
			sleep 0.02
		done
		rc=0
		wait $pid || rc=$?
		echo "run $r: $rc $(cat "$D/out"); $(grep -c checkpointed "$D/err") checkpoints"
		# (124: RT9-2's endless wait, not this test's; its vDSO sealed
		# PROT_NONE, a checkpoint is then refused, one line each, as for
		# any container that made its vDSO unreadable.)
		if [ "$rc" -eq 124 ]; then
			! grep -v -e 'cannot read its vDSO' -e 'received SIGTERM' "$D/err"
		else
			[ "$rc" -eq 0 ]
			[ "$(grep -c '^minos-exec: checkpointed' "$D/err")" -ge 3 ]
			[ "$(grep -vc '^minos-exec: checkpointed' "$D/err")" -eq 0 ]
		fi
		! grep -E 'SIGSEGV|internal error|runtime error|not every thread' "$D/err"
	done
}
