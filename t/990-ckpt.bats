#!/usr/bin/env bats
# Checkpoint and restore (issue 13): --checkpoint saves the run, --restore
# resumes it; what a restored run prints and returns is what the run
# would have printed and returned uninterrupted.  Damaged or truncated
# files are refused (125, one line) before anything starts.

load helpers

setup() {
	D="$BATS_TEST_TMPDIR"
}

# The uninterrupted run of a guest, its output in $D/ref.out, its status
# in $D/ref.status.
reference() {
	local s=0
	mx "$@" >"$D/ref.out" 2>/dev/null || s=$?
	echo "$s" >"$D/ref.status"
}

# What `run` caught, as the program wrote it: bats drops the last newline
# (put back), and an empty output is no line at all (a run checkpointed
# before its stdio buffer was first flushed printed nothing).
outputs() {
	[ -z "$output" ] || printf '%s\n' "$output"
}

# The part before a checkpoint and the part after a restore together are
# the uninterrupted run, byte for byte, and end with its status.
expect_whole() { # PARTS... (files), STATUS as $status
	cat "$@" | cmp - "$D/ref.out"
	[ "$status" -eq "$(cat "$D/ref.status")" ] || {
		echo "status $status, uninterrupted $(cat "$D/ref.status")" >&2
		return 1
	}
}

# 32 MiB of state, 400 rounds (about 2 s here): a checkpoint at 100 ms or
# 300 ms falls in the middle.
COMPUTE=(compute 32 400)

@test "a computation checkpointed at two points resumes to the same output and status" {
	need_pidns
	reference "$G/ckcomp" "${COMPUTE[@]}"
	for at in 100ms 300ms; do
		run --separate-stderr mx --checkpoint="$D/$at.ck" --checkpoint-at=$at \
			"$G/ckcomp" "${COMPUTE[@]}"
		expect_status 0
		[ "$stderr" = "minos-exec: checkpointed 1 container to $D/$at.ck" ]
		outputs >"$D/$at.before"
		[ -s "$D/$at.ck" ]
		run --separate-stderr mx --restore="$D/$at.ck"
		outputs >"$D/$at.after"
		[ -z "$stderr" ]
		expect_whole "$D/$at.before" "$D/$at.after"
	done
}

@test "a checkpoint asked for before the program has started is made as it starts" {
	need_pidns
	reference "$G/ckcomp" compute 1 20
	# 1 ms after minos-exec's start is before the program's first
	# instruction about half the time here
	for i in 1 2 3 4 5 6; do
		run --separate-stderr mx --checkpoint="$D/s.ck" --checkpoint-at=1ms \
			"$G/ckcomp" compute 1 20
		expect_status 0
		[ "$stderr" = "minos-exec: checkpointed 1 container to $D/s.ck" ]
		outputs >"$D/s.before"
		run --separate-stderr mx --restore="$D/s.ck"
		outputs >"$D/s.after"
		expect_whole "$D/s.before" "$D/s.after"
	done
}

@test "one file restored twice gives the same run twice" {
	need_pidns
	reference "$G/ckcomp" "${COMPUTE[@]}"
	mx --checkpoint="$D/f.ck" --checkpoint-at=200ms "$G/ckcomp" "${COMPUTE[@]}" \
		>"$D/before" 2>/dev/null
	for i in 1 2; do
		run mx --restore="$D/f.ck"
		outputs >"$D/after$i"
		expect_whole "$D/before" "$D/after$i"
	done
}

@test "checkpoint, restore with --checkpoint, restore again" {
	need_pidns
	reference "$G/ckcomp" "${COMPUTE[@]}"
	mx --checkpoint="$D/1.ck" --checkpoint-at=100ms "$G/ckcomp" "${COMPUTE[@]}" \
		>"$D/part1" 2>/dev/null
	run --separate-stderr mx --restore="$D/1.ck" --checkpoint="$D/2.ck" --checkpoint-at=100ms
	expect_status 0
	outputs >"$D/part2"
	run mx --restore="$D/2.ck"
	outputs >"$D/part3"
	expect_whole "$D/part1" "$D/part2" "$D/part3"
}

@test "--leave-running saves the run and lets it finish as if untouched" {
	need_pidns
	reference "$G/ckcomp" "${COMPUTE[@]}"
	run --separate-stderr mx --checkpoint="$D/f.ck" --checkpoint-at=150ms --leave-running \
		"$G/ckcomp" "${COMPUTE[@]}"
	outputs >"$D/whole"
	expect_whole "$D/whole"
	[ "$stderr" = "minos-exec: checkpointed 1 container to $D/f.ck; the run goes on" ]
	run mx --restore="$D/f.ck"
	[ "$status" -eq "$(cat "$D/ref.status")" ]
	[ "$(printf '%s\n' "$output" | tail -n 1)" = "$(tail -n 1 "$D/ref.out")" ]
}

@test "threads (musl) with a mutex held across the checkpoint all finish after restore" {
	need_pidns
	for at in 30ms 150ms; do
		run --separate-stderr mx --checkpoint="$D/t.ck" --checkpoint-at=$at \
			"$G/ckcomp" threads 4 500
		expect_status 0
		run mx --restore="$D/t.ck"
		expect_status 0
		expect_exact "total 2000"
	done
}

# ckbar: N threads, a mutex held across a sleep and work, two barriers a
# round (t/guests/ckbar.c); built with musl and with static glibc.  1ms
# lands in the C library's start (most of the program's image not yet
# read in: the checkpoint must save it from the file, not as zeros);
# (a checkpoint asked for before the program started is made as it
# starts).  A refusal that says "try again" is tried again, at most 10
# times.
BAR=(4 600)
ckbar_points() { # GUEST
	reference "$1" "${BAR[@]}"
	for at in 1ms 60ms 250ms 600ms; do
		local i ok=
		for i in $(seq 10); do
			rm -f "$D/b.ck"
			run --separate-stderr mx --checkpoint="$D/b.ck" --checkpoint-at=$at \
				"$1" "${BAR[@]}"
			if [ "$stderr" = "minos-exec: checkpointed 1 container to $D/b.ck" ]; then
				ok=1
				break
			fi
			[[ "$stderr" == "minos-exec: checkpoint refused: "*"try again" ]] || {
				echo "at $at: $stderr" >&2
				return 1
			}
			[ ! -e "$D/b.ck" ]
			expect_whole <(printf '%s\n' "$output")
		done
		[ -n "$ok" ]
		expect_status 0
		printf '%s\n' "$output" | sed '/^$/d' >"$D/$at.before"
		run --separate-stderr mx --restore="$D/b.ck"
		printf '%s\n' "$output" | sed '/^$/d' >"$D/$at.after"
		[ -z "$stderr" ]
		expect_whole "$D/$at.before" "$D/$at.after"
	done
}

@test "threads (glibc-static) with a barrier and a mutex held across the checkpoint: same output and status" {
	need_pidns
	[ -x "$G/ckbar-glibc" ] || skip "$(cat "$G/ckbar-glibc.skip" 2>/dev/null || echo "no ckbar-glibc")"
	ckbar_points "$G/ckbar-glibc"
}

@test "threads (musl) with a barrier and a mutex held across the checkpoint: same output and status" {
	need_pidns
	ckbar_points "$G/ckbar"
}

# The guest prints "waiting", then blocks in a Minos read of stdin; its
# own pipe holds "inner\n".  SIGUSR1 saves it there.
save_waiting() { # GUEST-MODE FILE
	mkfifo "$D/in" "$D/out"
	exec 4<>"$D/in" # held open: the read waits, never sees end of stream
	timeout -k 5 60 "$MINOS_EXEC" --checkpoint="$2" "$G/ckcomp" "$1" \
		<"$D/in" >"$D/out" 2>"$D/err" 3>&- &
	pid=$!
	exec 5<"$D/out"
	read -r -t 20 line <&5
	[ "$line" = waiting ]
	sup=$(pgrep -P $pid) # minos-exec itself, below timeout
}

@test "a thread blocked in a Minos read gets its data exactly once after restore; bytes in its pipe are kept" {
	need_pidns
	save_waiting read "$D/r.ck"
	kill -USR1 $sup
	wait $pid
	exec 4>&- 5<&-
	[ "$(cat "$D/err")" = "minos-exec: checkpointed 1 container to $D/r.ck" ]
	run mx --restore="$D/r.ck" <<<"hello"
	expect_status 0
	expect_exact "$(printf 'read 6: hello\npipe 6: inner')"
	run mx --restore="$D/r.ck" <<<"again"
	expect_exact "$(printf 'read 6: again\npipe 6: inner')"
}

@test "a signal handler on an alternate stack still catches a fault after restore" {
	need_pidns
	save_waiting altstack "$D/a.ck"
	kill -USR1 $sup
	wait $pid
	exec 4>&- 5<&-
	run mx --restore="$D/a.ck" <<<"x"
	expect_status 7
	expect_exact "$(printf 'read 2: x\npipe 6: inner\ncaught on the alternate stack')"
}

@test "what cannot be saved is refused with one line, nothing written, and the run goes on" {
	need_pidns
	save_waiting epoll "$D/e.ck"
	kill -USR1 $sup
	for i in $(seq 100); do # bounded: the refusal is written at once
		grep -q checkpoint "$D/err" && break
		sleep 0.1
	done
	echo hi >&4
	wait $pid
	exec 4>&- 5<&-
	[ ! -e "$D/e.ck" ]
	[ "$(wc -l <"$D/err")" -eq 1 ]
	grep -q "checkpoint refused: container 1 (ckcomp): epoll set 4 watches epoll set 3: nested epoll sets cannot be saved" "$D/err"
}

@test "damaged, truncated, empty and foreign files are refused with 125 and one line, nothing started" {
	need_pidns
	mx --checkpoint="$D/f.ck" --checkpoint-at=100ms "$G/ckcomp" "${COMPUTE[@]}" \
		>/dev/null 2>&1
	size=$(stat -c %s "$D/f.ck")
	head -c $((size / 2)) "$D/f.ck" >"$D/half.ck"
	head -c 100 "$D/f.ck" >"$D/head.ck"
	cp "$D/f.ck" "$D/bad.ck"
	printf '\xff' | dd of="$D/bad.ck" bs=1 seek=$((size - 5000)) conv=notrunc 2>/dev/null
	cp "$D/f.ck" "$D/bad2.ck"
	printf 'X' | dd of="$D/bad2.ck" bs=1 seek=200 conv=notrunc 2>/dev/null
	: >"$D/empty.ck"
	cp "$G/ckcomp" "$D/elf.ck"
	for f in half head bad bad2 empty elf; do
		run --separate-stderr mx --restore="$D/$f.ck"
		expect_status 125
		[ -z "$output" ]
		[ "$(printf '%s\n' "$stderr" | wc -l)" -eq 1 ]
		[[ "$stderr" == "minos-exec: $D/$f.ck: "* ]]
	done
}

@test "a restore is bound by the restoring command line's limits" {
	need_pidns
	mx --checkpoint="$D/f.ck" --checkpoint-at=100ms "$G/ckcomp" "${COMPUTE[@]}" \
		>/dev/null 2>&1
	run --separate-stderr mx --restore="$D/f.ck" --memory=16M
	expect_status 125
	[[ "$stderr" == *"over --memory"* ]]
	run --separate-stderr mx --restore="$D/f.ck" --threads=1 --checkpoint="$D/g.ck"
	[ "$status" -ne 125 ]
}

@test "checkpoint options are checked" {
	run --separate-stderr mx --leave-running "$G/ckcomp" read
	expect_status 125
	[[ "$stderr" == *"--leave-running needs --checkpoint=FILE"* ]]
	run --separate-stderr mx --checkpoint-at=1s "$G/ckcomp" read
	expect_status 125
	run --separate-stderr mx --restore="$D/x.ck" "$G/ckcomp"
	expect_status 125
	[[ "$stderr" == *"the saved run has its program"* ]]
	run --separate-stderr mx --checkpoint="$D/x.ck" --checkpoint-at=0 "$G/ckcomp" read
	expect_status 125
}
