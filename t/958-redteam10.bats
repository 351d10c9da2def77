#!/usr/bin/env bats
# Red team 10 against wpass/rpass racing a checkpoint's freeze (7120e67:
# a pass never borrows a thread the freeze holds; one not begun is wound
# back, sys_pass_rewind) and the calls a freeze meets at their stop.  One
# test per finding ("RT10-N"; one still open is skipped, naming it), then
# what held.  t/redteam/rt10.c says what each mode does.

load helpers

RT="$MINOS_BUILD/t/redteam"

setup() {
	D="$BATS_TEST_TMPDIR"
}

# storm N ARGS...: rt10 ARGS (its image on stdin) under --leave-running,
# asked to save N times, 20 ms apart, once it said its first line; $rest
# is what it said after it, $ckn how many checkpoints were made.
storm() {
	local n=$1 pid mxpid line i
	shift
	rm -f "$D/out"
	mkfifo "$D/out"
	timeout -k 5 120 "$MINOS_EXEC" --checkpoint="$D/c.ck" --leave-running \
		"$RT/rt10" "$@" <"$RT/rt10" >"$D/out" 2>"$D/err" &
	pid=$!
	exec 5<"$D/out"
	read -r -t 30 line <&5
	[ -n "$line" ]
	mxpid=$(pgrep -P $pid)
	for i in $(seq "$n"); do
		kill -USR1 "$mxpid" 2>/dev/null || break
		sleep 0.02
	done
	rest=$(cat <&5)
	exec 5<&-
	wait $pid
	grep -v 'ckill by' "$D/err" | sort | uniq -c
	echo "$rest"
	ckn=$(grep -c '^minos-exec: checkpointed' "$D/err" || true)
	no_faults "$(cat "$D/err")"
}

# saved_at AT ARGS...: rt10 ARGS saved (a real checkpoint) AT after its
# start, then restored; $out is the last line the restored run said (the
# run's own when the checkpoint was not made).
saved_at() {
	local at=$1
	shift
	rm -f "$D/c.ck"
	run --separate-stderr timeout -k 5 60 "$MINOS_EXEC" --checkpoint="$D/c.ck" \
		--checkpoint-at="$at" "$RT/rt10" "$@" <"$RT/rt10"
	echo "at $at: $status [$output] $(grep -v 'ckill by' <<<"$stderr")"
	expect_status 0
	no_faults "$stderr"
	out=${output##*$'\n'}
	[ -s "$D/c.ck" ] || return 0
	run --separate-stderr timeout -k 5 60 "$MINOS_EXEC" --restore="$D/c.ck" </dev/null
	echo "restored: $status [$output] $(grep -v 'ckill by' <<<"$stderr")"
	expect_status 0
	no_faults "$stderr"
	out=${output##*$'\n'} # (its first line too if saved before it)
}

# (RT10-1, a descriptor leak under a handler's Minos pipe, was this
# guest's own: minos_pipe answers the wfd, not 0.  Withdrawn.)

@test "RT10-2: a cnew whose code is all in its stream, made as a checkpoint's freeze starts, makes no child the freeze neither holds nor saves (restored, ckill of that cid is ESRCH)" {
	need_pidns
	# The cnew's stop came just after the freeze asked its thread to
	# stop: the child was made, answered, and left out of the file (its
	# parent's count of cids in it): after the restore, "ckill = -3"
	# (about one checkpoint in fifteen on the old build: this test failed
	# 2 runs of 3 there).  Now a cnew,
	# wpass or rpass of a thread the freeze asked is wound back at its
	# stop, made again after the freeze or the restore.
	local i
	for i in $(seq 20); do
		saved_at $((10 + i * 9))ms cnews 600 1
		[ "$out" = "cnews 600 x 1: errors 0" ]
	done
}

@test "RT10-4 (no checkpoint): a Minos pipe a pass interrupts and gives back, then a signal before the pipe is made again: the pipe is made, never ENOSYS" {
	# The same cause without a freeze: the pass restarted the armed
	# pipe as the private install call, the signal's stop disarmed it,
	# and the handler returned to make the private call of its own
	# (the old build: ENOSYS 30 to 112 times in each of 7 runs).
	need_pidns
	run --separate-stderr timeout -k 5 60 "$MINOS_EXEC" "$RT/rt10" pipesig <"$RT/rt10"
	echo "$status [$output] $stderr"
	expect_status 0
	no_faults "$stderr"
	[ "$output" = "pipesig: enosys 0" ]
}

@test "a pipe whose second end finds no room, its lone wfd closed by the supervisor with a signal pending: the pipe is EMFILE, never ENOSYS, and the wfd is closed" {
	# Found with RT10-5, as the test above failed once in the sanitizer
	# build: the close of the lone wfd (pipe_fix) let a signal in before
	# it entered; the handler ran on the close's registers, its sigreturn
	# stop was taken for the close's (not ours), and the thread was given
	# its pipe's registers back at that entry stop, orig_rax the private
	# number: it made the private call again, disarmed (ENOSYS), and the
	# wfd stayed open.  Now signals are held off until the close has
	# entered, and the pipe is no call when it is given back (the old
	# build: "enosys 1, left 1" in 12 runs of 12, both builds).
	need_pidns
	run --separate-stderr timeout -k 5 60 "$MINOS_EXEC" "$RT/rt10" lonesig 2000 <"$RT/rt10"
	echo "$status [$output] $stderr"
	expect_status 0
	no_faults "$stderr"
	[ "$output" = "lonesig 2000: enosys 0, left 0" ]
}

# ---- held ------------------------------------------------------------------

@test "RT10 held: 60 checkpoints (--leave-running) of 4 threads passing pipe ends into one child: every pass arrives exactly once (the child's count), none fails, nothing is left open" {
	need_pidns
	storm 60 passes 40 4 8 0 0
	[ "$rest" = "rounds 40: lost 0, extra 0, errors 0, own 2" ]
	[ "$ckn" -ge 5 ]
}

@test "RT10 held: the same while the child passes pipe ends into a grandchild of its own (ckilled and made again every 32)" {
	need_pidns
	storm 60 passes 40 4 8 0 1
	[ "$rest" = "rounds 40: lost 0, extra 0, errors 0, own 2" ]
	[ "$ckn" -ge 5 ]
}

@test "RT10-3: a passing thread whose handler (SIGUSR2 all the time) closes the number being passed: the descriptor is passed or closed, exactly one, across 60 checkpoints" {
	skip "open: RT10-3, on a quiet machine a sibling's tgkill storm (no pause) keeps the passing thread from its next call: rt10 passes 20 1 8 2 0 runs past 20 s with no checkpoint at all; the supervisor only takes signal-delivery stops (PTRACE_GETREGS, /proc status, PTRACE_CONT: about 4100 a second), each a round trip through the supervisor, so a signal is always pending again when the handler returns (minos.7, Signals; it passed red team 10's runs on a loaded machine)"
	need_pidns
	storm 60 passes 20 1 8 2 0
	[ "$rest" = "rounds 20: lost 0, extra 0, errors 0, own 2" ]
	[ "$ckn" -ge 5 ]
}

@test "RT10-3: threads whose handler (SIGUSR2 all the time) passes a wfd of its own into the child, its thread's own pass perhaps wound back under it, across 60 checkpoints: each arrives once" {
	skip "open: RT10-3 (as above: the signal storm, not the checkpoints)"
	need_pidns
	storm 60 passes 10 2 8 1 0
	[ "$rest" = "rounds 10: lost 0, extra 0, errors 0, own 2" ]
	[ "$ckn" -ge 5 ]
}

@test "RT10-3: the same saved and restored, and a handler that makes and closes a Minos pipe: nothing lost, nothing left open" {
	skip "open: RT10-3 (as above: the restored run does not end within 60 s under the storm)"
	need_pidns
	local at
	for at in 30ms 90ms; do
		saved_at $at passes 10 2 8 1 0
		[ "$out" = "rounds 10: lost 0, extra 0, errors 0, own 2" ]
		saved_at $at passes 10 2 8 3 0
		[ "$out" = "rounds 10: lost 0, extra 0, errors 0, own 2" ]
	done
}

@test "RT10-4: passes (and a child passing into a grandchild) saved at any moment and restored: every pass arrives exactly once, the run ends as the uninterrupted one" {
	# A pass borrowed the child's thread as its interrupt broke the
	# thread's Minos pipe, armed (rewritten into the private install
	# call): the pass gave the call back to restart as that private call,
	# and a freeze's stop just after (asked again once the pass was done)
	# disarmed it and saved it so.  Restored, the thread made the private
	# call of its own: ENOSYS, a pipe "failed" with no numbers, and the
	# child's thread that feeds the grandchild passed its old numbers
	# (the parent's passes by now) into the grandchild: "lost 2" (or 1).
	# Two restores in about 1100 on the old build (the file restores so
	# every time); now an interrupt that breaks an armed pipe disarms it
	# first, whoever takes the stop (loop.c on_stop).
	need_pidns
	local at
	for at in 20 30 40 45 50 55 60 65 70 75 80 90 110 130 160; do
		saved_at ${at}ms passes 30 4 8 0 1
		[ "$out" = "rounds 30: lost 0, extra 0, errors 0, own 2" ]
	done
	for at in 20 45 70 110 160; do
		saved_at ${at}ms passes 30 4 8 0 0
		[ "$out" = "rounds 30: lost 0, extra 0, errors 0, own 2" ]
	done
}
