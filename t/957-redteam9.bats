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
