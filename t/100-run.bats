#!/usr/bin/env bats
# t/100-run.bats - running one program: output, exit status, argv, the
# environment, the three standard descriptors, flat images, PATH, and the
# informational options.

load helpers

@test "hello prints exactly hello, world and exits 0" {
	run mx "$EX/hello"
	expect_status 0
	expect_exact "hello, world"
}

@test "the program's exit status is minos-exec's exit status" {
	run mx "$PROBE" nr:231 3
	expect_status 3
	expect_exact ""
	run mx "$PROBE" nr:231 0
	expect_status 0
	run mx "$PROBE" nr:231 255
	expect_status 255
}

@test "the program gets argv as PROGRAM followed by ARGS, unchanged" {
	run mx "$G/args" "a b" "" --trace -x
	expect_status 0
	expect_exact "argc=5
[$G/args]
[a b]
[]
[--trace]
[-x]"
}

@test "the environment is empty by default" {
	export MINOS_TEST_SECRET=leaked
	run mx "$G/env"
	expect_status 0
	expect_exact "environ: 0"
}

@test "--env=NAME=VALUE sets a variable and --env=NAME copies one of ours" {
	export MINOS_TEST_COPIED="copied value"
	unset MINOS_TEST_UNSET
	run mx --env=A=1 --env=MINOS_TEST_COPIED --env=MINOS_TEST_UNSET \
		--env=EMPTY= "$G/env"
	expect_status 0
	expect_exact "environ: 3
A=1
MINOS_TEST_COPIED=copied value
EMPTY="
}

@test "--help lists every option and exits 0" {
	run "$MINOS_EXEC" --help
	expect_status 0
	for opt in --memory= --cpu-time= --wall-time= --threads= --fds= \
		--containers= --image-size= --flat --trace --report= \
		--policy= --check --env= --help --version; do
		expect_output "$opt"
	done
	run "$MINOS_EXEC" -h
	expect_status 0
	expect_output "--memory="
}

@test "--version prints minos-exec 0.1.0 and exits 0" {
	run "$MINOS_EXEC" --version
	expect_status 0
	expect_exact "minos-exec 0.1.0"
	run "$MINOS_EXEC" -V
	expect_status 0
	expect_exact "minos-exec 0.1.0"
}

@test "the container holds exactly descriptors 0, 1 and 2" {
	run mx "$G/minos_err" fds
	expect_status 0
	expect_exact "open fds: 0 1 2"
	# Not even a descriptor the shell leaves open for minos-exec.
	run mx "$G/minos_err" fds 5</dev/null 7>/dev/null
	expect_status 0
	expect_exact "open fds: 0 1 2"
	run mx "$PROBE" close 3
	expect_exact "close = -EBADF"
}

@test "a read-write standard input is reopened read-only" {
	echo data >"$BATS_TEST_TMPDIR/in"
	run mx "$PROBE" write 0 0 0 <>"$BATS_TEST_TMPDIR/in"
	expect_status 0
	expect_exact "write = -EBADF"
	# ... and still reads from where the shell's descriptor was.
	run mx "$EX/cat" <>"$BATS_TEST_TMPDIR/in"
	expect_status 0
	expect_exact "data"
}

@test "a read-write standard output is reopened write-only" {
	mx "$PROBE" read 1 0 0 1<>"$BATS_TEST_TMPDIR/out"
	run cat "$BATS_TEST_TMPDIR/out"
	expect_exact "read = -EBADF"
}

@test "a closed standard input reads as /dev/null" {
	# Close 0 at the exec itself: inside run, bats' capture pipe would
	# take a descriptor closed earlier (then cat reads its own output).
	run timeout -k 5 60 sh -c 'exec "$@" <&-' sh "$MINOS_EXEC" "$PROBE" read 0 0 0
	expect_status 0
	expect_exact "read = 0"
	run timeout -k 5 60 sh -c 'exec "$@" <&-' sh "$MINOS_EXEC" "$EX/cat"
	expect_status 0
	expect_exact ""
}

@test "a closed standard output or error takes writes and discards them" {
	# `run` would give the command its own stdout: redirect by hand.
	status=0
	mx "$EX/hello" >&- 2>"$BATS_TEST_TMPDIR/err" || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/err")
	expect_status 0
	expect_exact ""
	run mx "$PROBE" write 2 0 0 2>&-
	expect_status 0
	expect_exact "write = 0"
}

@test "--flat runs a flat image at 0x10000" {
	# mov eax, 60; mov edi, 42; syscall
	printf '\xb8\x3c\x00\x00\x00\xbf\x2a\x00\x00\x00\x0f\x05' \
		>"$BATS_TEST_TMPDIR/exit42"
	run mx --flat "$BATS_TEST_TMPDIR/exit42"
	expect_status 42
	expect_exact ""
}

@test "a flat image can make Minos calls" {
	# mov eax, 0x4405; mov edi, 1; lea rsi, [rip + 16]; mov edx, 6;
	# syscall; mov edi, eax; mov eax, 60; syscall; "flat!\n"
	printf '%b' '\xb8\x05\x44\x00\x00\xbf\x01\x00\x00\x00' \
		'\x48\x8d\x35\x10\x00\x00\x00\xba\x06\x00\x00\x00' \
		'\x0f\x05\x89\xc7\xb8\x3c\x00\x00\x00\x0f\x05' \
		'flat!\n' >"$BATS_TEST_TMPDIR/flathello"
	run mx --flat "$BATS_TEST_TMPDIR/flathello"
	expect_status 6
	expect_exact "flat!"
}

@test "a flat image starts with zero registers and an aligned stack" {
	# Exit status bit 0: a general register other than rsp was not zero;
	# bit 1: rsp was not 16-byte aligned; bit 2: rip did not start at
	# 0x10000.  (Assembled from: or every register into rdi, test it;
	# and rsp with 15; lea rsi, [rip - 7] at offset 0x40, compare with
	# 0x10040; exit with the bits.)
	printf '%b' \
		'\x48\x89\xc7\x48\x09\xdf\x48\x09\xcf\x48\x09\xd7\x48\x09\xf7' \
		'\x48\x09\xef\x4c\x09\xc7\x4c\x09\xcf\x4c\x09\xd7\x4c\x09\xdf' \
		'\x4c\x09\xe7\x4c\x09\xef\x4c\x09\xf7\x4c\x09\xff\x31\xc0\x48' \
		'\x85\xff\x0f\x95\xc0\x48\x89\xe7\x83\xe7\x0f\x40\x0f\x95\xc7' \
		'\x01\xff\x09\xc7\x48\x8d\x35\xf9\xff\xff\xff\x31\xc0\x48\xc7' \
		'\xc2\x40\x00\x01\x00\x48\x39\xd6\x0f\x95\xc0\xc1\xe0\x02\x09' \
		'\xc7\xb8\x3c\x00\x00\x00\x0f\x05' >"$BATS_TEST_TMPDIR/regs"
	run mx --flat "$BATS_TEST_TMPDIR/regs"
	expect_status 0
}

@test "without --flat a flat image is refused as not an ELF program" {
	printf '\xb8\x3c\x00\x00\x00\xbf\x2a\x00\x00\x00\x0f\x05' \
		>"$BATS_TEST_TMPDIR/exit42"
	run mx "$BATS_TEST_TMPDIR/exit42"
	expect_status 126
	expect_output "not an ELF"
	expect_output "--flat"
}

@test "a PROGRAM without a slash is looked up in PATH" {
	PATH="$EX:$PATH" run mx hello
	expect_status 0
	expect_exact "hello, world"
}

@test "a PROGRAM without a slash is not taken from the current directory" {
	cd "$EX"
	mkdir "$BATS_TEST_TMPDIR/empty"
	# Not `PATH=... mx`: then timeout(1) itself would not be found.
	run -127 timeout -k 5 60 env PATH="$BATS_TEST_TMPDIR/empty" \
		"$MINOS_EXEC" hello
	expect_output "not found"
}
