#!/usr/bin/env bats
# Minos pipe is atomic (issue 9, point 5): both ends or none, at numbers
# the kernel picks as it installs them, so another thread's pipe2 never
# has a descriptor replaced; the private call number is a pipe only for
# the one notification the supervisor armed, disarmed by any signal.

load helpers

P="$MINOS_BUILD/t/pass"

@test "4 threads x 2000 pipes, Minos and Linux mixed: every pipe carries its own byte, none is replaced (3 runs)" {
	for i in 1 2 3; do
		run mx --fds=256 "$P/pipe_race" race 2000
		expect_status 0
		expect_exact "8000 pipes, 0 wrong"
	done
}

@test "Minos pipes under a storm of signals: each a pipe or EINTR, and the private number is always ENOSYS (3 runs x 500)" {
	need_pidns
	for i in 1 2 3; do
		run mx "$P/pipe_race" eintr 500
		expect_status 0
		expect_exact "pipes + EINTR = 500, forged 0, other 0"
	done
}
