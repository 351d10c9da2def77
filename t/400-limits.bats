#!/usr/bin/env bats
# t/400-limits.bats - the limits: memory, CPU time, wall time, threads (see
# 300-threads.bats), descriptors, image size; and bad option values.

load helpers

@test "--memory=64M makes a 128 MiB allocation fail with ENOMEM" {
	run mx --memory=64M "$G/alloc" 128
	expect_status 0
	expect_exact "alloc 128 MiB: ENOMEM"
}

@test "--memory=64M still allows a 16 MiB allocation" {
	run mx --memory=64M "$G/alloc" 16
	expect_status 0
	expect_exact "alloc 16 MiB: ok"
}

@test "--memory cannot be escaped through memory the kernel counts as stack: MAP_GROWSDOWN is EPERM" {
	# regression: a MAP_GROWSDOWN mapping is stack to the kernel, not data,
	# and 2 GiB of it ran under --memory=64M
	run mx --memory=64M "$G/stackmem" growsdown 256
	expect_status 0
	expect_exact "growsdown 256 MiB: EPERM"
}

@test "--memory cannot be escaped by mremap of the main stack; an ordinary mremap works and is counted" {
	# regression: one stack page mremapped to 512 MiB ran under --memory=64M
	run mx --memory=64M "$G/stackmem" stackremap 256
	expect_status 0
	expect_exact "stackremap 256 MiB: EPERM"
	run mx --memory=64M "$G/stackmem" heapremap 16
	expect_exact "heapremap 16 MiB: ok"
	run mx --memory=64M "$G/stackmem" heapremap 256
	expect_exact "heapremap 256 MiB: ENOMEM"
}

@test "--memory cannot be escaped by making written memory read-only" {
	# regression: 8 x 32 MiB written then made read-only ran under --memory=64M
	run mx --memory=64M "$G/stackmem" readonly 32
	expect_status 0
	expect_exact "readonly: held 64 MiB, then mprotect ENOMEM"
	run mx --memory=256M "$G/stackmem" readonly 16
	expect_exact "readonly: held 128 MiB"
}

@test "the default memory limit allows 128 MiB" {
	run mx "$G/alloc" 128
	expect_status 0
	expect_exact "alloc 128 MiB: ok"
}

@test "--cpu-time=1s ends a busy loop with SIGKILL (137) and says which limit" {
	run mx --cpu-time=1s "$G/spin" busy
	expect_status 137
	expect_output "spinning"
	expect_output "minos-exec: container 1 (spin): killed: CPU time limit 1s exceeded"
}

@test "--cpu-time does not count time spent blocked" {
	# Blocked for the whole run, so only the wall time can end it.
	run mx --cpu-time=1s --wall-time=1500ms "$G/spin" block
	expect_status 137
	expect_output "wall time limit"
	[[ "$output" != *"CPU time"* ]]
}

@test "--wall-time=1s ends a container blocked in a read of its own pipe" {
	run mx --wall-time=1s "$G/spin" block
	expect_status 137
	expect_exact "spinning
minos-exec: container 1 (spin): killed: wall time limit 1s exceeded"
}

@test "--wall-time=1s ends a container waiting on standard input that never comes" {
	# The shell holds the FIFO open for writing (fd 7, not passed on), so
	# the read never sees data or end of stream.
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	exec 7<>"$BATS_TEST_TMPDIR/fifo"
	run mx --wall-time=1s "$EX/cat" <"$BATS_TEST_TMPDIR/fifo" 7>&-
	exec 7>&-
	expect_status 137
	expect_exact "minos-exec: container 1 (cat): killed: wall time limit 1s exceeded"
}

@test "--wall-time takes milliseconds" {
	run mx --wall-time=200ms "$G/spin" block
	expect_status 137
	expect_output "killed: wall time limit"
}

@test "--fds=7 leaves room for exactly two Minos pipes; the third fails with EMFILE" {
	run mx --fds=7 "$G/minos_err" pipes 3
	expect_status 0
	expect_exact "pipe 1 = 3 4
pipe 2 = 5 6
pipe 3 = -EMFILE"
}

@test "--fds=6 is too few for a second pipe: its two numbers must both be below 6" {
	run mx --fds=6 "$G/minos_err" pipes 2
	expect_status 0
	expect_exact "pipe 1 = 3 4
pipe 2 = -EMFILE"
}

@test "--fds=5 leaves room for one Minos pipe" {
	run mx --fds=5 "$G/minos_err" pipes 2
	expect_status 0
	expect_exact "pipe 1 = 3 4
pipe 2 = -EMFILE"
}

@test "--fds=3 runs a program that needs only descriptors 0, 1 and 2" {
	run mx --fds=3 "$EX/hello"
	expect_status 0
	expect_exact "hello, world"
	run mx --fds=3 "$PROBE" minospipe
	expect_status 0
	expect_exact "minospipe = -EMFILE"
}

@test "--image-size=1K refuses hello with 126 and says it is too large" {
	run mx --image-size=1K "$EX/hello"
	expect_status 126
	expect_output "minos-exec: $EX/hello: too large"
	expect_output "--image-size"
}

@test "an image exactly at --image-size runs" {
	size=$(wc -c <"$EX/hello")
	run mx --image-size="$size" "$EX/hello"
	expect_status 0
	expect_exact "hello, world"
	run mx --image-size=$((size - 1)) "$EX/hello"
	expect_status 126
}

@test "a bad size is refused with 125 and a message naming the option" {
	run mx --memory=12Q "$EX/hello"
	expect_status 125
	expect_output "minos-exec: --memory=12Q: bad size"
}

@test "--total-memory below --memory is refused with 125 and one line: the first container reserves its --memory out of it" {
	run mx --memory=64M --total-memory=32M "$EX/hello"
	expect_status 125
	expect_exact "minos-exec: --total-memory=32M: less than --memory=64M, which the first container reserves; raise --total-memory or lower --memory; see 'minos-exec --help'"
	run mx --total-memory=512M "$EX/hello"
	expect_status 125
	expect_output "minos-exec: --total-memory=512M: less than --memory=1G"
	run mx --memory=64M --total-memory=64M "$EX/hello"
	expect_status 0
	expect_output "hello, world"
}

@test "a thread limit of 0 is refused with 125 and a message naming the option" {
	run mx --threads=0 "$EX/hello"
	expect_status 125
	expect_output "minos-exec: --threads=0: out of range"
}

@test "a bad time is refused with 125 and a message naming the option" {
	run mx --cpu-time=abc "$EX/hello"
	expect_status 125
	expect_output "minos-exec: --cpu-time=abc: bad time"
	run mx --wall-time=-1 "$EX/hello"
	expect_status 125
	expect_output "minos-exec: --wall-time=-1: bad time"
}

@test "an unknown option is refused with 125 and no suggestion when none is close" {
	run mx --bogus "$EX/hello"
	expect_status 125
	expect_output "unknown option '--bogus'"
	[[ "$output" != *"did you mean"* ]]
}

@test "an unknown option's message points to --help once" {
	run mx --bogus "$EX/hello"
	expect_status 125
	expect_exact "minos-exec: unknown option '--bogus'; see 'minos-exec --help'"
}

@test "a misspelt option is refused with 125 and the option it resembles" {
	run mx --memroy=1M "$EX/hello"
	expect_status 125
	expect_output "unknown option '--memroy' (did you mean '--memory'?)"
}

@test "nothing runs when an option is bad" {
	run mx --threads=0 "$EX/hello"
	expect_status 125
	[[ "$output" != *"hello, world"* ]]
}

@test "--check without --policy is refused with 125" {
	run mx --check "$EX/hello"
	expect_status 125
	expect_output "--check needs --policy=FILE"
}
