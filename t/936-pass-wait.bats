#!/usr/bin/env bats
# A pass waits a bounded time for a thread of the child (issue 9: borrowed
# threads, bounded wait).  A child whose every thread the supervisor holds
# (waiting for a cnew's code) can lend none: its parent's wpass is EAGAIN,
# the wfd still the parent's and not the child's; once the child's call
# returns, the next pass is placed.  Before, the wpass never returned.
# The guest tries fresh wfds until one is refused, so no outcome depends
# on when the child reaches its cnew.  And the sender's other threads: one
# blocked in a read of the rfd that leaves must not read on from the
# stream that is now the child's (issue 9, F4).

load helpers

P="$MINOS_BUILD/t/pass"

@test "wpass into a child whose only thread waits in cnew for code: EAGAIN, the wfd stays the caller's (and only the caller's)" {
	need_pidns
	run mx --wall-time=30s "$P/pass_wait" cnew < "$P/pass_wait"
	expect_status 0
	expect_output "passes: EAGAIN, the wfd still ours"
	expect_output "child: back; holds exactly the placed wfds"
	expect_output "then: placed"
}

@test "wpass into a child whose two threads both wait in cnew: EAGAIN, then placed once one returns" {
	need_pidns
	run mx --wall-time=30s "$P/pass_wait" cnew2 < "$P/pass_wait"
	expect_status 0
	expect_output "passes: EAGAIN, the wfd still ours"
	expect_output "then: placed"
}

@test "a child that sends itself SIGSTOP and SIGTSTP is not stopped: its parent's wpass is placed" {
	need_pidns
	run mx --wall-time=30s "$P/pass_wait" stop < "$P/pass_wait"
	expect_status 0
	expect_output "passes: placed"
	expect_output "child: back (still running)"
	expect_output "then: placed"
}

@test "a one-thread child's Minos pipes (two round trips) never land on a wfd its parent passes in meanwhile" {
	need_pidns
	run mx --wall-time=30s "$P/pass_wait" pipes < "$P/pass_wait"
	expect_status 0
	expect_output "child: back (pipes all right)"
	expect_output "passed 50 of 50, 50 still the child's"
}

@test "a sender's other thread blocked in a Linux read of the rfd it passes away does not take the child's byte (EBADF)" {
	need_pidns
	for i in 1 2 3; do
		run mx --wall-time=30s "$MINOS_BUILD/t/pass/thief" linux < "$MINOS_BUILD/t/pass/thief"
		expect_status 0
		expect_output "rpass = 0"
		expect_output "B: EBADF"
		expect_output "child: got x"
	done
}

@test "the same with the other thread in a Minos read" {
	need_pidns
	for i in 1 2 3; do
		run mx --wall-time=30s "$MINOS_BUILD/t/pass/thief" minos < "$MINOS_BUILD/t/pass/thief"
		expect_status 0
		expect_output "B: EBADF"
		expect_output "child: got x"
	done
}

@test "a sender's other thread blocked writing into the full stream whose wfd it passes away writes nothing into it after the move (EBADF)" {
	need_pidns
	for i in 1 2 3; do
		run mx --wall-time=30s "$MINOS_BUILD/t/pass/thief" write < "$MINOS_BUILD/t/pass/thief"
		expect_status 0
		expect_output "wpass = 0"
		expect_output "drained 65536 bytes, 0 from B"
		expect_output "B: EBADF"
		expect_output "child: closed the wfd"
	done
}

@test "a sender's other thread in epoll_wait (no stream held) is left alone: no EINTR, it wakes with its event" {
	need_pidns
	for i in 1 2 3; do
		run mx --wall-time=30s "$MINOS_BUILD/t/pass/thief" epoll < "$MINOS_BUILD/t/pass/thief"
		expect_status 0
		expect_output "rpass = 0"
		expect_output "B: epoll_wait = 1"
	done
}

@test "an ELF child sealed on its way in starts with rsp aligned and every other register zero (rdx: no atexit function; r9: no key)" {
	# The seal runs at the vDSO's syscall with the run's key in r9 and
	# returns through the vDSO's epilogue, which zeroes it
	# (tracee_start_sealed); the vDSO is sealed all the same (t/935).
	run mx "$MINOS_BUILD/t/pass/entry_regs" < "$MINOS_BUILD/t/pass/entry_regs"
	expect_status 0
	expect_exact "child: rax 0, rdx 0, rsp aligned, others 0; rdi, rsi: zero"
}

@test "with --trace (the seal's result said) every register is zero" {
	run mx --trace "$MINOS_BUILD/t/pass/entry_regs" < "$MINOS_BUILD/t/pass/entry_regs"
	expect_status 0
	expect_output "child: rax 0, rdx 0, rsp aligned, others 0; rdi, rsi: zero"
}
