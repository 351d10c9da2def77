#!/usr/bin/env bats
# Red team 3: attacks on what RT-17 (a pass winds back a child's epoll_wait
# and writes the rest of its pipe write) and RCK-6 (a checkpoint lets a
# held thread take its pending signal) added.  One test per finding (a
# finding still open is skipped, naming it), then the attacks that held.

load helpers

RT="$MINOS_BUILD/t/redteam"

@test "RT3-1: a wpass that lands on the number a sibling closed under a blocked pipe write never gets the rest of that write" {
	need_pidns
	run mx "$RT/rest" redirect < "$RT/rest"
	expect_status 0
	# Linux goes on writing to the stream the write named; the
	# supervisor cannot, so the write ends with what that stream got.
	expect_output "wpass = 1; passed pipe got 0; the write's result is what the stream got"
}

@test "RT3-2: wpasses made for 1.5 s do not keep a child's epoll_wait(100 ms) from timing out" {
	need_pidns
	# (The bounds are wide: the wait is carried on for what is left of
	# its timeout, never made again whole.)
	run mx "$RT/rest" eptime 1500 < "$RT/rest"
	expect_status 0
	expect_output "child: epoll_wait = 0 after 100 to 1000 ms"
	# epoll_pwait2's timeout is the program's memory, never written
	run mx "$RT/rest" eptime2 1500 < "$RT/rest"
	expect_status 0
	expect_output "child: epoll_wait = 0 after 100 to 1000 ms"
	# the same for an ignored signal (SIGURG) every millisecond
	run mx "$RT/rest" epignt < "$RT/rest"
	expect_status 0
	expect_output "child: epoll_wait = 0 after 100 to 1000 ms"
}

@test "RT3-3: a signal the container ignores (SIGURG) neither makes epoll_wait fail EINTR nor cuts a pipe write short" {
	need_pidns
	run mx "$RT/rest" epign < "$RT/rest"
	expect_status 0
	expect_output "child: epoll_wait = 1, EINTR 0"
	run mx "$RT/rest" ign < "$RT/rest"
	expect_status 0
	expect_output "parent read 1048575 bytes; child: write = 1048576"
}

@test "RT3-4: a wpass that lands on the number of an epoll instance a sibling closed under a wait does not make that wait fail EINVAL" {
	need_pidns
	local i
	# The guest cannot know that its wait has begun: the sibling's close
	# can come before it (EBADF, the child ends, the wpass is ESRCH), or
	# the close and the wpass both can (EINVAL, as on Linux: the number
	# is the passed pipe by then).  Then again, at most 5 times; the old
	# build failed every time (the waiting thread was the one borrowed).
	for i in 1 2 3 4 5; do
		run mx "$RT/rest" epclose < "$RT/rest"
		[[ "$output" == *"EBADF, EINTR 0"* || "$output" == *"EINVAL, EINTR 0"* ]] || break
	done
	expect_status 0
	# Linux's wait goes on with the instance it named: the byte wakes it.
	expect_output "wpass = 5; child: epoll_wait = 1, EINTR 0"
}

@test "RT3-5: an rpass that lands on the number of a pipe a sibling closed under a blocked read does not feed that read from the passed stream" {
	need_pidns
	local i
	# As for RT3-4, the read may not have begun when the sibling closes
	# its number (EBADF) or when the rpass lands ("secret", as on Linux):
	# then again, at most 5 times.
	for i in 1 2 3 4 5; do
		run mx "$RT/rest" rclosed < "$RT/rest"
		[[ "$output" == *"read = -1 ''"* || "$output" == *"'secret'"* ]] || break
	done
	expect_status 0
	# Linux's read goes on with the pipe it named ("x"); the passed
	# stream's "secret" is for the program's later reads of number 3.
	expect_output "rpass = 3; child: read = 1 'x'"
}

# ---- what held ----------------------------------------------------------

@test "RT3 held: 50 wpasses into a child blocked in a 1 MiB pipe write nobody reads: every pass placed, numbers 3..52, the write whole" {
	need_pidns
	run mx "$RT/rest" burst 50 < "$RT/rest"
	expect_status 0
	expect_output "passes placed: 50, last number 52; parent read 1048576 bytes; child: write = 1048576"
}

@test "RT3 held: four threads of the parent making 20 wpasses each at once into a child whose only thread is in its write: 80 placed, numbers 3..82, the write whole" {
	need_pidns
	run mx "$RT/rest" parallel 20 < "$RT/rest"
	expect_status 0
	expect_output "passes placed: 80, last number 82; parent read 1048576 bytes; child: write = 1048576"
}

@test "RT3 held: a write whose count (1 GiB) runs past its buffer into a hole, passed into 5 times, writes up to the hole, as on Linux" {
	need_pidns
	run mx "$RT/rest" huge 5 < "$RT/rest"
	expect_status 0
	expect_output "passes placed: 5, last number 7; parent read 1048576 bytes; child: write = 1048576"
}

@test "RT3 held: a ckill while the child writes the rest of its write ends it; the next child's rests are whole" {
	need_pidns
	run mx "$RT/rest" kill 20 < "$RT/rest"
	expect_status 0
	expect_output "passes placed: 20 of 20, last number 22; ckill = 0; passes placed: 3, last number 5; parent read 1048576 bytes; child: write = 1048576"
}

@test "RT3 held: a sibling unmapping the buffer under the rest ends the write at the hole, as on Linux" {
	need_pidns
	run mx "$RT/rest" unmap < "$RT/rest"
	expect_status 0
	expect_output "parent read 524288 bytes; child: write = 524288"
}

@test "RT3 held: a handler that siglongjmps out of the rest leaves the thread whole (its next write is its own)" {
	need_pidns
	run mx "$RT/rest" jump < "$RT/rest"
	expect_status 0
	expect_output "parent read 65636 bytes; child: jumped, usr1 = 1, then write = 100"
}

@test "RT3 held: --report counts a write carried on by its rest once" {
	need_pidns
	run mx --report="$BATS_TEST_TMPDIR/r.json" "$RT/rest" burst 3 < "$RT/rest"
	expect_status 0
	expect_output "child: write = 1048576"
	# 1 MiB and the child's 23-byte line, nothing twice.
	grep -q '"bytes_written": 1048599' "$BATS_TEST_TMPDIR/r.json"
}

@test "RT3 held: a thread checkpointed in sigsuspend gets its own mask back after it, in the restored run" {
	need_pidns
	local d="$BATS_TEST_TMPDIR"
	mkfifo "$d/hold"
	exec 6<>"$d/hold"
	run mx --checkpoint="$d/s.ck" --checkpoint-at=200ms "$RT/cksig" suspend <"$d/hold"
	exec 6>&-
	expect_status 0
	[ -s "$d/s.ck" ]
	run bash -c 'echo x | timeout -k 5 60 "$0" --restore="$1"' "$MINOS_EXEC" "$d/s.ck"
	expect_status 0
	expect_output "after sigsuspend: got 1, SIGUSR1 blocked"
}

# ck_rounds MODE K: run t/redteam/cksig MODE with --checkpoint=$D/f.ck
# --leave-running and ask for K checkpoints (SIGUSR1), each after the last
# was answered.  Sets $saved, $refused, $ckrest and $ckstatus.
ck_rounds() {
	local d="$BATS_TEST_TMPDIR" line pid mp msg i
	D="$d"
	rm -f "$d/in" "$d/out" "$d/err" "$d/f.ck"
	mkfifo "$d/in" "$d/out" "$d/err"
	timeout -k 5 100 "$MINOS_EXEC" --checkpoint="$d/f.ck" --leave-running \
		"$RT/cksig" "$1" <"$d/in" >"$d/out" 2>"$d/err" &
	pid=$!
	exec 7>"$d/in" 8<"$d/out" 9<"$d/err"
	read -r -t 30 -u 8 line
	[ "$line" = ready ]
	mp=$(pgrep -P "$pid")
	saved=0
	refused=0
	for i in $(seq 1 "$2"); do
		kill -USR1 "$mp"
		while read -r -t 30 -u 9 msg; do
			[[ "$msg" == *"namespaces cannot be made here"* ]] || break
		done
		echo "checkpoint $i: $msg"
		case "$msg" in
		*"checkpointed 1 container"*) saved=$((saved + 1)) ;;
		*"checkpoint refused: "*) refused=$((refused + 1)) ;;
		*) return 1 ;; # no answer, or another one
		esac
		echo x >&7
	done
	exec 7>&-
	ckrest=$(cat <&8)
	exec 8<&- 9<&-
	ckstatus=0
	wait "$pid" || ckstatus=$?
	echo "saved $saved, refused $refused; after: $ckrest (status $ckstatus)"
}

@test "RT3 held: 10 checkpoints of four threads signalling each other (caught, re-raised with SA_NODEFER, or ending their thread) are each answered; the run and the last file go on" {
	need_pidns
	local m
	for m in storm nodefer exiter; do
		ck_rounds $m 10
		[ $((saved + refused)) -eq 10 ]
		[ "$ckrest" = alive ]
		[ "$ckstatus" -eq 0 ]
		if [ "$saved" -gt 0 ]; then
			run --separate-stderr timeout -k 5 60 "$MINOS_EXEC" --restore="$D/f.ck" </dev/null
			expect_status 0
			[ "$output" = alive ]
		fi
	done
}

@test "RT3 held: a container that SIGKILLs itself while a checkpoint freezes it ends with 137, the checkpoint answered in at most one line" {
	need_pidns
	local d="$BATS_TEST_TMPDIR" line pid mp i status
	for i in 1 2 3 4 5; do
		rm -f "$d/in" "$d/out"
		mkfifo "$d/in" "$d/out"
		timeout -k 5 60 "$MINOS_EXEC" --checkpoint="$d/f.ck" --leave-running \
			"$RT/cksig" selfkill <"$d/in" >"$d/out" 2>"$d/err" &
		pid=$!
		exec 7>"$d/in" 8<"$d/out"
		read -r -t 30 -u 8 line
		[ "$line" = ready ]
		mp=$(pgrep -P "$pid")
		kill -USR1 "$mp"
		echo k >&7
		exec 7>&-
		cat <&8 >/dev/null
		exec 8<&-
		status=0
		wait "$pid" || status=$?
		cat "$d/err"
		expect_status 137
		grep -q "killed by signal 9 (SIGKILL)" "$d/err"
		[ "$(grep -c checkpoint "$d/err")" -le 1 ]
	done
}
