#!/usr/bin/env bats
# t/200-stream.bats - descriptors as byte streams: the data path, Minos
# pipes, end of stream and EPIPE, and the Minos calls' error cases.

load helpers

@test "cat copies a mebibyte of binary data byte for byte" {
	head -c 1M /dev/urandom >"$BATS_TEST_TMPDIR/in"
	mx "$EX/cat" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "cat copies binary data between shell pipes byte for byte" {
	head -c 1M /dev/urandom >"$BATS_TEST_TMPDIR/in"
	# shellcheck disable=SC2002 # a pipe on both sides, not a file
	cat "$BATS_TEST_TMPDIR/in" | mx "$EX/cat" | cat >"$BATS_TEST_TMPDIR/out"
	[ "${PIPESTATUS[1]}" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "two containers in a shell pipeline pass data through" {
	# shellcheck disable=SC2016 # expanded by the inner shell
	run timeout -k 5 60 bash -c '"$1" "$2" | "$1" "$3"' sh \
		"$MINOS_EXEC" "$EX/hello" "$EX/cat"
	expect_status 0
	expect_exact "hello, world"
}

@test "examples/pipe makes two Minos pipes and reads both through one read" {
	run mx "$EX/pipe"
	expect_status 0
	expect_output "pipe 1: wfd 3, rfd 4"
	expect_output "pipe 2: wfd 5, rfd 6"
	expect_output "rfd 4: end of stream"
	expect_output "rfd 6: end of stream"
	[ "${lines[-1]}" = "pipe: ok" ]
}

@test "a Minos pipe in a fresh container is wfd 3 and rfd 4" {
	run mx "$PROBE" minospipe
	expect_status 0
	expect_exact "minospipe = 3 4"
}

@test "a writer whose reader has gone gets EPIPE, not death by SIGPIPE" {
	head -c 1M /dev/zero >"$BATS_TEST_TMPDIR/in"
	# head exits after 10 bytes; cat's next write has no reader.  The
	# file is far larger than a pipe, so cat is still writing then.
	mx "$EX/cat" <"$BATS_TEST_TMPDIR/in" 2>"$BATS_TEST_TMPDIR/err" |
		head -c 10 >/dev/null
	status=${PIPESTATUS[0]}
	output=$(cat "$BATS_TEST_TMPDIR/err")
	expect_status 1
	expect_exact "cat: cannot write wfd 1: Broken pipe"
}

@test "the Minos calls' error cases return the documented errors" {
	run mx "$G/minos_err"
	expect_status 0
	expect_exact "read no rfds = -EINVAL
read 65 rfds = -EINVAL
read bad rfds pointer = -EFAULT
read a wfd = -EBADF
read a closed number = -EBADF
write an rfd = -EBADF
write a closed number = -EBADF
wclose an rfd = -EBADF
rclose a wfd = -EBADF
wclose a closed number = -EBADF
rclose a closed number = -EBADF
pipe = 3 4
write from a bad pointer = -EFAULT
write 1 byte = 1
read into a bad pointer = -EFAULT
read 64 rfds = 1
wclose the wfd = 0
read at end of stream = 0
rclose the rfd = 0
pipe again = 3 4
rclose its rfd = 0
write with no reader = -EPIPE
cnew = -ENOEXEC
ckill = -ESRCH
wpass = -ESRCH
rpass = -ESRCH"
}

@test "Linux read and write on the container's descriptors work as on Linux" {
	run mx "$PROBE" write 1 0 0
	expect_status 0
	expect_exact "write = 0"
	run mx "$PROBE" read 0 0 0 </dev/null
	expect_exact "read = 0"
	run mx "$PROBE" read 9 0 0
	expect_exact "read = -EBADF"
}

# A socket as a standard descriptor is relayed through a pipe.  bash cannot
# make a socket, so a few lines of python3 hand one over.
socket_run() {
	command -v python3 >/dev/null || skip "python3 is needed to make a socket"
	run timeout -k 5 60 python3 -c '
import socket, subprocess, sys
mode, argv = sys.argv[1], sys.argv[2:]
a, b = socket.socketpair()
if mode == "in":
    b.sendall(b"through a socket\n")
    b.shutdown(socket.SHUT_WR)
    sys.exit(subprocess.call(argv, stdin=a))
r = subprocess.call(argv, stdout=a)
a.close()
sys.stdout.write(b.makefile().read())
sys.exit(r)
' "$@"
}

@test "a socket as standard input is relayed to the container" {
	socket_run in "$MINOS_EXEC" "$EX/cat"
	expect_status 0
	expect_exact "through a socket"
}

@test "a socket as standard output is relayed from the container" {
	socket_run out "$MINOS_EXEC" "$EX/hello"
	expect_status 0
	expect_exact "hello, world"
}
