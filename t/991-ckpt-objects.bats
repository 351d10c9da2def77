#!/usr/bin/env bats
# Checkpoint and restore of a container's private objects (issue 13): epoll
# sets with their registrations, eventfds (count, semaphore, non-blocking)
# and timerfds (clock, time left, interval, expirations not yet read) are
# saved and made again at the same numbers; what the restored run prints
# is what the uninterrupted run prints.

load helpers

setup() {
	D="$BATS_TEST_TMPDIR"
}

# The uninterrupted run, then runs checkpointed at each of the times given
# ($AT) and restored: before + after is the uninterrupted output, byte for
# byte, with its status.
whole_at() { # PROGRAM ARGS...
	local s=0
	mx "$@" >"$D/ref.out" 2>/dev/null || s=$?
	for at in $AT; do
		run --separate-stderr mx --checkpoint="$D/$at.ck" --checkpoint-at=$at "$@"
		expect_status 0
		[ "$stderr" = "minos-exec: checkpointed 1 container to $D/$at.ck" ]
		[ -z "$output" ] || printf '%s\n' "$output" >"$D/$at.before"
		touch "$D/$at.before"
		run --separate-stderr mx --restore="$D/$at.ck"
		[ -z "$stderr" ]
		[ -z "$output" ] || printf '%s\n' "$output" >"$D/$at.after"
		touch "$D/$at.after"
		cat "$D/$at.before" "$D/$at.after" | cmp - "$D/ref.out"
		[ "$status" -eq "$s" ]
	done
}

# ckcomp objects: 20 rounds of 20 ms (a periodic timerfd); each prints what
# an epoll set over a pipe and an eventfd (count 5, semaphore) reports, an
# eventfd read every third round, a byte of that pipe or of a second one
# and the timer's interval.  A checkpoint at 150 ms or 250 ms falls in the
# middle, with the eventfd's count at 3 or 2 and bytes left in both pipes.
@test "an epoll set, an eventfd and a timerfd go on after restore as in the uninterrupted run" {
	need_pidns
	AT="150ms 250ms" whole_at "$G/ckcomp" objects 20
	# after the restore at 150 ms: the eventfd still counted down, both
	# pipes still held their bytes, the epoll set still watched both, and
	# the timer kept firing with its interval to the last round
	[ "$(grep -c 'eventfd 1' "$D/ref.out")" -eq 5 ]
	grep -q "eventfd 1" "$D/150ms.after"
	grep -q "ready 1111:1 2222:1" "$D/150ms.after"
	grep -q "other Z" "$D/150ms.after"
	grep -q "round 19: ready 1111:1; .*interval 0.020000000" "$D/250ms.after"
}

@test "one file with private objects restores the same run twice" {
	need_pidns
	mx "$G/ckcomp" objects 20 >"$D/ref.out" 2>/dev/null
	mx --checkpoint="$D/f.ck" --checkpoint-at=200ms "$G/ckcomp" objects 20 \
		>"$D/before" 2>/dev/null
	for i in 1 2; do
		mx --restore="$D/f.ck" >"$D/after$i" 2>/dev/null
		cat "$D/before" "$D/after$i" | cmp - "$D/ref.out"
	done
}

@test "an epoll set inside another is refused with one line, and the run goes on" {
	need_pidns
	mkfifo "$D/in" "$D/out"
	exec 4<>"$D/in"
	timeout -k 5 60 "$MINOS_EXEC" --checkpoint="$D/e.ck" "$G/ckcomp" epoll \
		<"$D/in" >"$D/out" 2>"$D/err" 3>&- &
	pid=$!
	exec 5<"$D/out"
	read -r -t 20 line <&5
	[ "$line" = waiting ]
	kill -USR1 "$(pgrep -P $pid)"
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

# Every Go program has an epoll set and an eventfd (its network poller).
@test "Go: a program checkpointed mid-way prints after restore what it prints uninterrupted" {
	need_pidns
	sh "$MINOS_SRC/t/real/build.sh" >/dev/null 2>&1 || true
	local go="$MINOS_BUILD/t/real-out/realgo"
	[ ! -f "$go.skip" ] || skip "$(cat "$go.skip")"
	[ -x "$go" ]
	AT="60ms 150ms 230ms" whole_at "$go" count
	[ "$(wc -l <"$D/ref.out")" -eq 30 ]
}

# The guest (ckcomp expired) has a timerfd that expired before the
# checkpoint and was never read, and an epoll set whose one-shot
# registration already fired; it waits in a Minos read of stdin.
@test "a timer's unread expiration, a one-shot registration that fired, and an eventfd Minos calls refuse are kept" {
	need_pidns
	mkfifo "$D/in" "$D/out"
	exec 4<>"$D/in"
	timeout -k 5 60 "$MINOS_EXEC" --checkpoint="$D/x.ck" "$G/ckcomp" expired \
		<"$D/in" >"$D/out" 2>"$D/err" 3>&- &
	pid=$!
	exec 5<"$D/out"
	read -r -t 20 line <&5
	[ "$line" = waiting ]
	kill -USR1 "$(pgrep -P $pid)"
	wait $pid
	exec 4>&- 5<&-
	[ "$(cat "$D/err")" = "minos-exec: checkpointed 1 container to $D/x.ck" ]
	run mx --restore="$D/x.ck" <<<"x"
	expect_status 0
	expect_exact "$(printf 'read 2: x\npipe 6: inner\nepoll 0\nminos write to the eventfd -9\ntimer 1')"
}
