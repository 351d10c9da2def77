#!/usr/bin/env bats
# wpass and rpass: a descriptor moves into a running child, at its lowest
# free number, and leaves the caller.

load helpers

P="$MINOS_BUILD/t/pass"

@test "rpass moves an rfd into a running child at its lowest free number, and it is gone from the caller" {
	run mx "$P/rpass_basic" < "$EX/cat"
	expect_status 0
	expect_exact "cid 1, rpass -> child fd 0, our ir now: -EBADF
passed through a moved descriptor
rpass to a dead child: -ESRCH; wpass of a bad fd: -ESRCH"
}

@test "wpass into a child blocked in a read: 50 passes, and its interrupted read still delivers every byte" {
	run mx --fds=128 "$P/wpass_blocked" < "$EX/cat"
	expect_status 0
	expect_output "line 0
line 1
"
	expect_output "line 49
total 390"
}

@test "wpass into a child spinning in user code, then ckill ends it with a message" {
	need_pidns
	run mx "$P/wpass_spinning" < "$P/spinner"
	expect_status 0
	expect_output "20 passes into a spinning child ok; ckill = 0"
	expect_output "container 2 (wpass_spinning/1): killed: ckill by container 1"
}
