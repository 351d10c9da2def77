#!/usr/bin/env bats
# Red team 13 against 8425d52 (an interrupt that breaks an armed Minos
# pipe disarms it before a pass borrows the thread) and the arming of the
# Minos pipe around it: pipes from many threads while passes come in,
# signals whose handlers make pipes and call the private install number,
# checkpoints, --trace, ckill.  One test per finding ("RT13-N"), then what
# held.  t/redteam/rt13.c says what each mode does; in every "mix" line
# enosys, errors, bad, leaked, stolen, lost and extra must be 0.

load helpers

RT="$MINOS_BUILD/t/redteam"

setup() {
	D="$BATS_TEST_TMPDIR"
}

# clean LINE: a "mix" line with nothing wrong (EINTR aside: SIG 2).
clean() {
	[[ "$1" =~ ^mix:\ enosys\ 0,\ eintr\ [0-9]+,\ errors\ 0,\ bad\ 0,\ leaked\ 0,\ stolen\ 0,\ lost\ 0,\ extra\ 0,\ passed\ some$ ]]
}

# mix ARGS...: minos-exec ARGS (the last ones rt13's), at most 120 s.
mix() {
	run --separate-stderr timeout -k 5 120 "$MINOS_EXEC" "$@" <"$RT/rt13"
	echo "$status [$output] $(grep -v 'ckill by' <<<"$stderr" | tail -5)"
	expect_status 0
	no_faults "$stderr"
	out=${output##*$'\n'}
}

# storm N ARGS...: rt13 ARGS under --leave-running, asked to save N times,
# 20 ms apart, once it said its first line; $rest is what it said after
# it, $ckn how many checkpoints were made.
storm() {
	local n=$1 pid mxpid line i
	shift
	rm -f "$D/out"
	mkfifo "$D/out"
	timeout -k 5 120 "$MINOS_EXEC" --checkpoint="$D/c.ck" --leave-running \
		"$RT/rt13" "$@" <"$RT/rt13" >"$D/out" 2>"$D/err" &
	pid=$!
	exec 5<"$D/out"
	read -r -t 30 line <&5
	[ "$line" = mix ]
	mxpid=$(pgrep -P $pid)
	for i in $(seq "$n"); do
		kill -USR1 "$mxpid" 2>/dev/null || break
		sleep 0.02
	done
	rest=$(cat <&5)
	exec 5<&-
	wait $pid
	grep -v 'ckill by' "$D/err" | sort | uniq -c | tail -5
	echo "$rest"
	ckn=$(grep -c '^minos-exec: checkpointed' "$D/err" || true)
	no_faults "$(cat "$D/err")"
}

# stopcont N ARGS...: rt13 ARGS, its containers sent SIGSTOP then SIGCONT
# from outside N times once it said its first line (the supervisor
# discards the stop signals: minos.7); $rest is what it said after it.
stopcont() {
	local n=$1 pid mxpid line i
	shift
	rm -f "$D/out"
	mkfifo "$D/out"
	timeout -k 5 120 "$MINOS_EXEC" "$RT/rt13" "$@" <"$RT/rt13" >"$D/out" 2>"$D/err" &
	pid=$!
	exec 5<"$D/out"
	read -r -t 30 line <&5
	[ "$line" = mix ]
	mxpid=$(pgrep -P $pid)
	for i in $(seq "$n"); do
		kill -STOP $(pgrep -P "$mxpid") 2>/dev/null || break
		kill -CONT $(pgrep -P "$mxpid") 2>/dev/null || break
		sleep 0.01
	done
	rest=$(cat <&5)
	exec 5<&-
	wait $pid
	grep -v 'ckill by' "$D/err" | sort | uniq -c | tail -5
	echo "$rest"
	no_faults "$(cat "$D/err")"
}

# saved_at AT ARGS...: rt13 ARGS saved AT after its start, then restored;
# $out is the last line the restored run said (the run's own when the
# checkpoint was not made).
saved_at() {
	local at=$1
	shift
	rm -f "$D/c.ck"
	run --separate-stderr timeout -k 5 60 "$MINOS_EXEC" --checkpoint="$D/c.ck" \
		--checkpoint-at="$at" "$RT/rt13" "$@" <"$RT/rt13"
	echo "at $at: $status [$output] $(grep -v 'ckill by' <<<"$stderr" | tail -3)"
	expect_status 0
	no_faults "$stderr"
	out=${output##*$'\n'}
	[ -s "$D/c.ck" ] || return 0
	run --separate-stderr timeout -k 5 60 "$MINOS_EXEC" --restore="$D/c.ck" </dev/null
	echo "restored: $status [$output] $(grep -v 'ckill by' <<<"$stderr" | tail -3)"
	expect_status 0
	no_faults "$stderr"
	out=${output##*$'\n'}
}

# ---- held ------------------------------------------------------------------

@test "RT13 held: 4 threads make 256 Minos pipes each while the parent passes pipe ends in: every pipe two fresh working numbers, every pass found once, nothing left open" {
	need_pidns
	mix "$RT/rt13" mix 4 256 0 0
	clean "$out"
}

@test "RT13 held: the same with a signal storm whose handler makes a Minos pipe and calls the private install number from the pipe's own instruction (SA_RESTART): never ENOSYS for a pipe, never an install for the private call" {
	# Before 8425d52 (a pass restarted an armed pipe as the private
	# call, a signal before it disarmed it: RT10-4) "mix 1 256 1 0"
	# said enosys 0 to 8 (some in 5 runs of 6, with the storm paced by
	# its target's pipes), "mix 2 128 1 0" 0 to 1.
	need_pidns
	local i
	for i in 1 2 3; do
		mix "$RT/rt13" mix 1 256 1 0
		clean "$out"
		[[ "$out" == *"eintr 0,"* ]] # (restarted)
	done
	mix "$RT/rt13" mix 2 128 1 1
	clean "$out"
	mix "$RT/rt13" mix 4 64 1 1
	clean "$out"
}

@test "RT13 held: the same without SA_RESTART: a broken pipe is EINTR (documented), never ENOSYS, never half made" {
	need_pidns
	mix "$RT/rt13" mix 4 64 2 1
	clean "$out"
}

@test "RT13 held: a thread that calls the private install number all the time beside threads making pipes gets ENOSYS, never a descriptor" {
	need_pidns
	mix "$RT/rt13" mix 4 256 0 1
	clean "$out"
}

@test "RT13 held: under --trace (the pipe's stops taken as syscall stops) with passes, signals and the private call" {
	need_pidns
	mix --trace "$RT/rt13" mix 4 64 1 1
	clean "$out"
	mix --trace "$RT/rt13" mix 3 128 0 1
	clean "$out"
}

@test "RT13 held: 40 checkpoints (--leave-running) of pipes, passes and the private call: all still hold" {
	need_pidns
	storm 40 mix 4 512 0 1
	clean "${rest##*$'\n'}"
	[ "$ckn" -ge 3 ]
}

@test "RT13 held: 30 checkpoints (--leave-running) with the signal storm too" {
	need_pidns
	storm 30 mix 4 96 1 1
	clean "${rest##*$'\n'}"
	[ "$ckn" -ge 3 ]
}

@test "RT13 held: SIGSTOP and SIGCONT from outside, 100 times, while pipes, passes and the private call run" {
	need_pidns
	stopcont 100 mix 4 256 0 1
	clean "${rest##*$'\n'}"
}

@test "RT13 held: saved at 10 points and restored: the restored run's pipes and passes all hold" {
	need_pidns
	local i
	for i in $(seq 10); do
		saved_at $((20 + i * 23))ms mix 4 384 0 1
		clean "$out"
	done
}

@test "RT13 held: the signal storm (handlers making pipes) saved at 6 points and restored: no pipe ENOSYS, no pass lost, before or after the restore" {
	need_pidns
	local i
	for i in $(seq 6); do
		saved_at $((i * 290))ms mix 1 256 1 0
		clean "$out"
	done
}

@test "RT13 held: a child making Minos pipes in 4 threads ckilled while passes come in, 40 times: no descriptor left in the parent" {
	need_pidns
	mix "$RT/rt13" kill 40 4
	[ "$out" = "kill 40: own 0, errors 0" ]
}
