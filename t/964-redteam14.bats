#!/usr/bin/env bats
# Red team 14 against c95d5a2 (a stop that breaks an armed Minos pipe
# also turns rax 0x44ff at the armed call's instruction back into the
# Minos pipe) and 27a9bba (a pipe's lone wfd closed with signals held
# off, given back with orig_rax -1): handlers that rewrite the saved
# ucontext to make the private call, or the pipe again, from the pipe's
# own instruction; siblings calling the private number there; lone ends
# with the table full at small limits, SIGKILL, --trace, checkpoints; a
# sibling that closes numbers it was never given.  One test per finding
# ("RT14-N"), then what held.  t/redteam/rt14.c says what each mode does.

load helpers

RT="$MINOS_BUILD/t/redteam"

setup() {
	D="$BATS_TEST_TMPDIR"
}

# clean LINE: an rt14 summary line with nothing wrong (EMFILE aside).
clean() {
	[[ "$1" =~ ^[a-z]+\ [0-9]+:\ pipes\ [0-9]+,\ enosys\ 0,\ eintr\ 0,\ emfile\ [0-9]+,\ odd\ 0,\ bad\ 0,\ same\ 0,\ forged\ [0-9]+,\ stolen\ 0,\ leaked\ 0$ ]]
}

# rt14 [OPTIONS...] -- ARGS...: minos-exec OPTIONS rt14 ARGS, at most
# 120 s; $out is its last line.
rt14() {
	local opts=()
	while [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	shift
	run --separate-stderr timeout -k 5 120 "$MINOS_EXEC" "${opts[@]}" "$RT/rt14" "$@" </dev/null
	echo "$* (${opts[*]}): $status [$output] $(tail -5 <<<"$stderr")"
	no_faults "$stderr"
	out=${output##*$'\n'}
}

# storm N ARGS...: rt14 ARGS under --leave-running, asked to save N times,
# 20 ms apart, once it said its first line; $rest is what it said after
# it, $ckn how many checkpoints were made.
storm() {
	local n=$1 pid mxpid line i
	shift
	rm -f "$D/out"
	mkfifo "$D/out"
	timeout -k 5 120 "$MINOS_EXEC" --checkpoint="$D/c.ck" --leave-running \
		"$RT/rt14" "$@" </dev/null >"$D/out" 2>"$D/err" &
	pid=$!
	exec 5<"$D/out"
	read -r -t 30 line <&5
	[ "$line" = rt14 ]
	mxpid=$(pgrep -P $pid)
	for i in $(seq "$n"); do
		kill -USR1 "$mxpid" 2>/dev/null || break
		sleep 0.02
	done
	rest=$(cat <&5)
	exec 5<&-
	wait $pid
	tail -3 "$D/err"
	echo "$rest"
	ckn=$(grep -c '^minos-exec: checkpointed' "$D/err" || true)
	no_faults "$(cat "$D/err")"
}

# ---- findings --------------------------------------------------------------

@test "RT14-1: a sibling that closes the wfd's number before the rfd is installed (a number it was never given) never makes a pipe answer one number for both ends" {
	# In a container with other threads the wfd, then the rfd, go at
	# the lowest free number.  A sibling that closed the wfd's number
	# between the two installs let the rfd take it: the pipe answered
	# (255, 255), the wfd gone (Linux reserves both numbers before it
	# installs either).  Now the wfd is installed again at the lowest
	# free number, or, with no room, the rfd is closed as a lone wfd is
	# (EMFILE).  The old build: "same 136", "same 94" in 2 runs of 2.
	need_pidns
	local i
	for i in 1 2 3; do
		rt14 -- reuse 2000
		expect_status 0
		[[ "$out" == *", bad 0, same 0, "* ]]
		[[ "$out" == *", stolen 0, leaked 0" ]]
	done
	rt14 --trace -- reuse 1000
	expect_status 0
	[[ "$out" == *", bad 0, same 0, "* ]]
}

@test "RT14-2: the supervisor's close of a lone end never closes a descriptor a sibling made at that number" {
	# The lone end (a wfd whose rfd found no room) sits at its number
	# from its install until the supervisor's injected close at the
	# thread's next stop.  A sibling may close that number (one it was
	# never given: the close succeeds) and make an eventfd there; the
	# supervisor's close then closes the sibling's eventfd ("lost").
	# A kcmp against a kept copy just before the close stopped some
	# (22 and 52 wrong closes caught in 2 runs) but not all (25 and 8
	# lost): the sibling runs between the check and the close.
	need_pidns
	local i lost=0
	for i in 1 2 3; do
		rt14 -- reuse 2000
		expect_status 0
		[[ "${lines[-2]}" =~ ^reuse:\ reused\ [0-9]+,\ lost\ ([0-9]+)$ ]]
		lost=$((lost + BASH_REMATCH[1]))
	done
	if [ "$lost" -gt 0 ]; then
		skip "open: RT14-2 seen ($lost lost): a lone end's injected close (pipe_fix) closes whatever its number holds then; a sibling that closed the lone end and made a descriptor there loses it (needs the numbers reserved, or the siblings held, while an end is alone)"
	fi
}

# ---- held ------------------------------------------------------------------

@test "RT14 held: a signal storm on a thread making Minos pipes (3 senders): every pipe two working numbers, never ENOSYS, never an odd answer (no restart code), nothing left open" {
	need_pidns
	rt14 -- sig 4000 0
	expect_status 0
	clean "$out"
	[[ "$out" == "sig 4000: pipes 4000,"* ]]
}

@test "RT14 held: a handler that rewrites the saved ucontext to make the private call (0x44ff) from the pipe's own instruction gets ENOSYS, never an install; the pipe is never left armed for it" {
	need_pidns
	rt14 -- sig 3000 1
	expect_status 0
	clean "$out"
	[[ "$out" != *"forged 0,"* ]]
	rt14 --trace -- sig 400 1
	expect_status 0
	clean "$out"
}

@test "RT14 held: a handler that makes the pipe again from its instruction (rax the Minos pipe): a real pipe every time, no 0x44ff ever seen there by a handler" {
	need_pidns
	rt14 -- sig 3000 2
	expect_status 0
	clean "$out"
	[[ "$stderr" == *"armed seen 0"* ]]
}

@test "RT14 held: a sibling calling the private number from the pipe's instruction all the time, while the pipe is armed in another thread, gets ENOSYS" {
	need_pidns
	rt14 -- jump 2000
	expect_status 0
	clean "$out"
}

@test "RT14 held: lone wfds closed with signals pending and forged private calls, the table full at --fds 4, 5, 6, 8 and 256: EMFILE, never ENOSYS, nothing left open" {
	need_pidns
	local f h
	for f in 4 5 6 8 256; do
		for h in 0 1; do
			rt14 --fds=$f -- lone 1500 $h
			expect_status 0
			clean "$out"
		done
	done
}

@test "RT14 held: the same under --trace (the pipe's stops and the lone close taken as syscall stops)" {
	need_pidns
	rt14 --trace -- lone 600 0
	expect_status 0
	clean "$out"
	rt14 --trace --fds=6 -- lone 600 1
	expect_status 0
	clean "$out"
}

@test "RT14 held: SIGKILL (tgkill from a sibling) mid-pipe or mid-close of a lone wfd, 12 points: minos-exec reports the kill, exit 137" {
	need_pidns
	local k
	for k in 1 2 3 5 8 13 21 34 55 89 144 233; do
		rt14 -- lonekill 100000 $k
		expect_status 137
		[[ "$stderr" == *"killed by signal 9 (SIGKILL)"* ]]
		[ "$output" = rt14 ]
	done
}

@test "RT14 held: 30 checkpoints (--leave-running) of lone wfds closed with signals pending and forged private calls: all still hold" {
	need_pidns
	storm 30 lone 3000 1
	clean "${rest##*$'\n'}"
	[ "$ckn" -ge 3 ]
}

@test "RT14 held: 30 checkpoints (--leave-running) of the signal storm on pipes: all still hold" {
	need_pidns
	storm 30 sig 3000 0
	clean "${rest##*$'\n'}"
	[ "$ckn" -ge 3 ]
}

@test "RT14 held: lone wfds saved at 6 points (--checkpoint-at) and restored: the restored run's pipes hold" {
	need_pidns
	local i
	for i in $(seq 6); do
		rm -f "$D/c.ck"
		rt14 --checkpoint="$D/c.ck" --checkpoint-at=$((i * 97))ms -- lone 3000 1
		expect_status 0
		if [ -s "$D/c.ck" ]; then
			run --separate-stderr timeout -k 5 120 "$MINOS_EXEC" --restore="$D/c.ck" </dev/null
			echo "restored: $status [$output] $(tail -3 <<<"$stderr")"
			expect_status 0
			no_faults "$stderr"
			out=${output##*$'\n'}
		fi
		clean "$out"
	done
}
