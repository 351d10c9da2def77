#!/usr/bin/env bats
# Child containers: wpass and rpass move a descriptor into a running child
# at its lowest free number; the tree's limits (containers, total memory).

load helpers

P="$MINOS_BUILD/t/pass"

@test "rpass moves an rfd into a running child at its lowest free number, and it is gone from the caller" {
	run mx "$P/rpass_basic" < "$EX/cat"
	expect_status 0
	expect_exact "cid 1, rpass -> child fd 2, our rfd now: -EBADF
passed through the child
rpass to a dead child: -ESRCH"
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
	run --separate-stderr mx "$P/wpass_spinning" < "$P/spinner"
	expect_status 0
	expect_exact "20 passes into a spinning child ok; ckill = 0"
	[ "$stderr" = "minos-exec: container 2 (wpass_spinning/1): killed: ckill by container 1" ]
}

@test "--total-memory: each live container reserves its --memory, and a cnew beyond the total fails with ENOMEM" {
	need_pidns
	run --separate-stderr mx --memory=64M --total-memory=192M "$P/total_memory"
	expect_status 0
	expect_exact "cnew 1 = 1
cnew 2 = 2
cnew 3 = -12"
}

@test "--containers counts the live containers of the run, the first included: a cnew beyond fails with EAGAIN" {
	need_pidns
	run --separate-stderr mx --memory=64M --containers=3 "$P/total_memory"
	expect_status 0
	expect_exact "cnew 1 = 1
cnew 2 = 2
cnew 3 = -11"
}

@test "regression: after the first thread leaves with SYS_exit, the other threads' Minos calls still see the descriptors" {
	# The supervisor took descriptors through the leader's pidfd, which
	# loses the table when the leader exits: every call was EBADF.
	run mx "$P/leader_gone"
	expect_status 0
	expect_exact "after the leader left: pipe 3 4, write 1, wclose 0, rclose 0"
}

@test "two threads passing the same wfd at once: one gets a number, the other EBADF, and it is gone from the caller" {
	need_pidns
	run --separate-stderr mx --fds=512 "$P/pass_races" same
	expect_status 0
	expect_exact "one number, one EBADF: yes; our wfd now: gone"
}

@test "a child ckilled while descriptors are being passed to it: each pass moves the wfd or leaves it with the caller" {
	need_pidns
	run --separate-stderr mx --fds=512 "$P/pass_races" kill
	expect_status 0
	expect_exact "ckill = 0
moved 10 or more, kept some, inconsistent 0"
}
