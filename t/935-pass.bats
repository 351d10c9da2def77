#!/usr/bin/env bats
# wpass against a hostile child (issue 9, points 2, 3 and 7): a borrowed
# thread only ever runs the one syscall instruction of the child's vDSO,
# sealed before the child ran; a signal that reaches it first gives it
# back; every pass is answered with a number or an error of the contract.
# And a cnew child starts with argc 0.

load helpers

P="$MINOS_BUILD/t/pass"

@test "a cnew child starts with argc 0 and argv[0] NULL" {
	run mx "$P/hostile" argc < "$P/hostile"
	expect_status 0
	expect_exact "child: argc 0, argv[0] NULL"
}

@test "argc 0 also when the child's stack ends close above its start (no random gap: setarch -R)" {
	# regression: the exec stop read 512 bytes above rsp, past the end of
	# a stack whose random gap was small, and left argc 1
	command -v setarch >/dev/null || skip "setarch is not installed"
	run setarch -R timeout -k 5 60 "$MINOS_EXEC" "$P/hostile" argc < "$P/hostile"
	expect_status 0
	expect_exact "child: argc 0, argv[0] NULL"
}

@test "a child cannot make its vDSO writable to hang its parent's wpass: 100 passes answered (--fds=64: 63 placed, 37 EMFILE)" {
	need_pidns
	run mx --fds=64 "$P/hostile" jmp 100 < "$P/hostile"
	expect_status 0
	expect_output "child: mprotect refused"
	expect_output "passes: 63 placed, 37 EMFILE, 0 ESRCH, 0 wrong"
}

@test "a child cannot unmap its vDSO to make its parent's wpass ENOSYS" {
	need_pidns
	run mx --fds=64 "$P/hostile" unmap 100 < "$P/hostile"
	expect_status 0
	expect_output "child: munmap refused"
	expect_output "passes: 63 placed, 37 EMFILE, 0 ESRCH, 0 wrong"
}

@test "wpass into a child whose table is full is EMFILE, and the wfd stays the caller's" {
	need_pidns
	run mx "$P/hostile" full 10 < "$P/hostile"
	expect_status 0
	expect_output "passes: 1 placed, 9 EMFILE, 0 ESRCH, 0 wrong"
}

@test "wpass into a child whose thread takes signals without pause: 3 runs x 100 passes, every one placed or EMFILE" {
	need_pidns
	# Open (issue 9): a child's signal storm can make the passes into it
	# take seconds (up to 35 s for 100 seen, mostly 0.1 s); the bound is
	# for a hang, not a threshold.  The sanitizer build is slower still.
	[ -z "${MINOS_SANITIZER:-}" ] || skip "open: a signal storm slows passes (issue 9); too slow under ASan"
	for i in 1 2 3; do
		run timeout -k 5 170 "$MINOS_EXEC" --fds=64 "$P/hostile" signals 100 < "$P/hostile"
		expect_status 0
		expect_output "passes: 63 placed, 37 EMFILE, 0 ESRCH, 0 wrong"
	done
}
