#!/usr/bin/env bats
# t/300-threads.bats - threads in one container, the thread limit, and the
# container's own signal handling; how a container that dies of a signal
# is reported.

load helpers

@test "examples/counter: 4 threads under a mutex count to 400000" {
	run mx "$EX/counter" 4 100000
	expect_status 0
	expect_exact "400000"
}

@test "a container can run 64 threads by default, the first one included" {
	run mx "$G/threads" create 63
	expect_status 0
	expect_exact "created 63 of 63"
	run mx "$G/threads" create 64
	expect_status 0
	expect_exact "created 63 of 64: EAGAIN"
}

@test "--threads=2 makes the creation of a third thread fail with EAGAIN" {
	run mx --threads=2 "$G/threads" create 3
	expect_status 0
	expect_exact "created 1 of 3: EAGAIN"
}

@test "--threads=1 allows no thread but the first" {
	run mx --threads=1 "$G/threads" create 1
	expect_status 0
	expect_exact "created 0 of 1: EAGAIN"
}

@test "a thread that has been joined no longer counts against --threads" {
	run mx --threads=2 "$G/threads" serial 20
	expect_status 0
	expect_exact "joined 20 one after another"
}

@test "a thread that exits while others run leaves them running" {
	run mx "$G/threads" peer
	expect_status 0
	expect_exact "3 joined"
}

@test "the container runs on after its main thread exits, until the last thread ends it" {
	run mx "$G/threads" mainexit
	expect_status 5
	expect_exact "main thread gone"
}

@test "exit_group from a thread other than the main one ends the container with its status" {
	run mx "$G/threads" exitgroup 9
	expect_status 9
	expect_exact "worker exiting"
}

@test "a signal sent to one of the container's own threads runs its handler" {
	run mx "$G/threads" kill
	expect_status 0
	expect_exact "pthread_kill = 0, handled"
}

@test "a container catches its own SIGSEGV in a handler" {
	run mx "$G/signals" catch
	expect_status 7
	expect_exact "caught SIGSEGV"
}

@test "an uncaught SIGSEGV gives status 139 and names the signal" {
	run mx "$G/signals" segv
	expect_status 139
	expect_exact "minos-exec: container 1 (signals): killed by signal 11 (SIGSEGV)"
}

@test "abort() gives status 134 and names SIGABRT" {
	run mx "$G/signals" abort
	expect_status 134
	expect_exact "minos-exec: container 1 (signals): killed by signal 6 (SIGABRT)"
}
