#!/usr/bin/env bats
# t/600-trace.bats - --trace: one line on stderr per call the supervisor
# handles or refuses, in the form of minos-exec(1):
#	minos-exec: [CID:TID] CALL(ARGS) = RESULT
#	minos-exec: [CID:TID] refused CALL(ARGS) = -ERRNO

load helpers

# The lines of $stderr that match the extended regex $1, one per line.
trace_lines() {
	grep -E -- "$1" <<<"$stderr" || true
}

@test "--trace shows hello's Minos write with its result" {
	run --separate-stderr mx --trace "$EX/hello"
	expect_status 0
	expect_exact "hello, world"
	[ -n "$(trace_lines '^minos-exec: \[1:[0-9]+\] minos_write\(1, 0x[0-9a-f]+, 13\) = 13$')" ]
}

@test "set_tid_address stops (and is traced) only in a run with --checkpoint, which may need its address" {
	run --separate-stderr mx --trace "$EX/hello"
	expect_status 0
	[ -z "$(trace_lines 'set_tid_address\(')" ]
	run --separate-stderr mx --trace --checkpoint="$BATS_TEST_TMPDIR/h.ck" "$EX/hello"
	expect_status 0
	[ "$(trace_lines '^minos-exec: \[1:[0-9]+\] set_tid_address\(0x[0-9a-f]+\) = [0-9]+$' | wc -l)" -eq 1 ]
}

@test "--trace writes one line per handled call" {
	run --separate-stderr mx --trace "$EX/pipe"
	expect_status 0
	[ "$(trace_lines 'minos_pipe\(' | wc -l)" -eq 2 ]
	[ "$(trace_lines 'minos_wclose\(' | wc -l)" -eq 2 ]
	[ "$(trace_lines 'minos_rclose\(' | wc -l)" -eq 2 ]
	# every line of output came through one Minos write each
	[ "$(trace_lines 'minos_write\(1,' | wc -l)" -eq "${#lines[@]}" ]
}

@test "--trace shows both results of a Minos pipe and a Minos read" {
	run --separate-stderr mx --trace "$EX/pipe"
	expect_status 0
	[ -n "$(trace_lines '\] minos_pipe\(.*\) = 3, 4$')" ]
	[ -n "$(trace_lines '\] minos_pipe\(.*\) = 5, 6$')" ]
	[ -n "$(trace_lines '\] minos_read\(0x[0-9a-f]+, 2, .*\) = 16, 4$')" ]
}

@test "--trace shows a call with its own arguments only" {
	run --separate-stderr mx --trace "$EX/pipe"
	expect_status 0
	[ -n "$(trace_lines '\] minos_wclose\(3\) = 0$')" ]
	[ -n "$(trace_lines '\] minos_rclose\(4\) = 0$')" ]
}

@test "--trace reports a refused call by name with all six argument registers, and the call still fails with ENOSYS" {
	run --separate-stderr mx --trace "$PROBE" socket 2 1 0
	expect_status 0
	expect_exact "socket = -ENOSYS"
	[ -n "$(trace_lines '^minos-exec: \[1:[0-9]+\] refused socket\(2, 1, 0, 0, 0, 0\) = -ENOSYS$')" ]
}

@test "--trace reports a call refused for its form with EPERM" {
	run --separate-stderr mx --trace "$PROBE" clonens
	expect_status 0
	expect_exact "clonens = -EPERM"
	[ -n "$(trace_lines '\] refused clone\(0x[0-9a-f]+, .*\) = -EPERM$')" ]
}

@test "--trace reports calls from the i386 entry point as refused" {
	# A kernel without IA32 emulation kills int 0x80 with SIGSEGV before
	# any filter sees it (then natively too): nothing to trace.
	have_int80 ||
		skip "this kernel has no IA32 emulation (int 0x80 faults natively)"
	run --separate-stderr mx --trace "$PROBE" int80 20
	expect_status 0
	expect_exact "int80 = -ENOSYS"
	[ -n "$(trace_lines '\] refused i386 .* = -ENOSYS$')" ]
}

@test "--trace reports calls from the x32 entry point as refused" {
	run --separate-stderr mx --trace "$PROBE" x32 39
	expect_status 0
	expect_exact "x32 = -ENOSYS"
	[ -n "$(trace_lines '\] refused x32 .* = -ENOSYS$')" ]
}

@test "--trace names a call it has no name for by its number" {
	run --separate-stderr mx --trace "$PROBE" nr:500
	expect_status 0
	expect_exact "nr:500 = -ENOSYS"
	[ -n "$(trace_lines '\] refused [a-z_]*500\(.*\) = -ENOSYS$')" ]
}

@test "--trace does not show calls the kernel allows by itself" {
	run --separate-stderr mx --trace "$PROBE" getpid
	expect_status 0
	[ -z "$(trace_lines 'getpid')" ]
}

@test "without --trace a refused call is silent" {
	run --separate-stderr mx "$PROBE" socket 2 1 0
	expect_status 0
	expect_exact "socket = -ENOSYS"
	[ -z "$stderr" ]
}

@test "without --trace a run that goes well writes nothing on stderr" {
	run --separate-stderr mx "$EX/pipe"
	expect_status 0
	[ -z "$stderr" ]
}

# ---- arguments decoded the way strace(1) shows them -------------------------

BUSYBOX=$(command -v busybox || true)
need_busybox() {
	[ -n "$BUSYBOX" ] || skip "busybox not installed (Debian busybox-static)"
}

@test "--trace shows a path as a quoted string, AT_FDCWD and the open flags by name" {
	need_busybox
	run --separate-stderr mx --trace "$BUSYBOX" cat /etc/passwd
	expect_status 1
	[ -n "$(trace_lines '^minos-exec: \[1:[0-9]+\] (refused )?openat\(AT_FDCWD, "/etc/passwd", O_RDONLY\) = -E[A-Z]+$')" ]
}

@test "--trace shows the mode of an open that creates, and NULL for a null path" {
	run --separate-stderr mx --trace "$PROBE" openat -100 0 0x80241 0644
	expect_status 0
	[ -n "$(trace_lines '\] (refused )?openat\(AT_FDCWD, NULL, O_WRONLY\|O_CREAT\|O_TRUNC\|O_CLOEXEC, 0644\) = -E[A-Z]+$')" ]
}

@test "--trace shows a path it cannot read as its address" {
	run --separate-stderr mx --trace "$PROBE" openat -100 1 0
	expect_status 0
	[ -n "$(trace_lines '\] (refused )?openat\(AT_FDCWD, 0x1, O_RDONLY\) = -E[A-Z]+$')" ]
}

# A container controls the bytes of its paths: they must not end a trace
# line, start a forged one, or reach the terminal as control characters.
@test "--trace escapes a path: no forged line, no control character on stderr" {
	need_busybox
	local evil=$'x\nminos-exec: [1:1] forged() = 0\e[2J\r\t"\\\x7f\xc2\x9b'
	run --separate-stderr mx --trace "$BUSYBOX" test -e "$evil"
	expect_status 1
	[ -z "$(trace_lines 'forged\(\) = 0$' | grep -v newfstatat)" ]
	[ -n "$(trace_lines '\(AT_FDCWD, "x\\nminos-exec: \[1:1\] forged\(\) = 0\\x1b\[2J\\r\\t\\"\\\\\\x7f\\xc2\\x9b", ')" ]
	# nothing below space but the newlines that end lines, nothing above ~
	! LC_ALL=C grep -q $'[\x01-\x09\x0b-\x1f\x7f-\xff]' <<<"$stderr"
}

@test "--trace shows at most 256 bytes of a path, then ..." {
	need_busybox
	local long
	long=$(printf 'a%.0s' {1..1000})
	run --separate-stderr mx --trace "$BUSYBOX" test -e "$long"
	expect_status 1
	local line
	line=$(trace_lines '\(AT_FDCWD, "a')
	[ -n "$line" ]
	[[ "$line" == *"(AT_FDCWD, \"$(printf 'a%.0s' {1..256})\"..., "* ]]
}

@test "--trace does not read the path of an exec that succeeded (the memory is the new program's)" {
	run --separate-stderr mx --trace "$PROBE" getpid
	expect_status 0
	[ -n "$(trace_lines '\] execveat\(3, 0x[0-9a-f]+, 0x[0-9a-f]+, 0x[0-9a-f]+, AT_EMPTY_PATH\) = 0$')" ]
}

@test "--trace names signals" {
	need_pidns
	run --separate-stderr mx --trace "$PROBE" tkill 0 10
	expect_status 0
	[ -n "$(trace_lines '\] tkill\(0, SIGUSR1\) = -EINVAL$')" ]
	run --separate-stderr mx --trace "$PROBE" kill 0 0
	[ -n "$(trace_lines '\] (refused )?kill\(0, 0\) = ')" ]
	run --separate-stderr mx --trace "$PROBE" rt_sigaction 40 0 0 8
	# allowed in the kernel: not traced; a refused one names its signal
	[ -z "$(trace_lines 'rt_sigaction')" ]
}

@test "--trace names fcntl commands and mmap, pipe2 and dup3 flags" {
	run --separate-stderr mx --trace "$PROBE" fcntl 1 6 0
	[ -n "$(trace_lines '\] (refused )?fcntl\(1, F_SETLK, NULL\) = -E[A-Z]+$')" ]
	run --separate-stderr mx --trace "$PROBE" mmap 0 4096 3 1 0 0
	[ -n "$(trace_lines '\] refused mmap\(NULL, 4096, PROT_READ\|PROT_WRITE, MAP_SHARED, 0, 0\) = -EPERM$')" ]
	run --separate-stderr mx --trace "$PROBE" dup3 1 5 0x80000
	[ -n "$(trace_lines '\] (refused )?dup3\(1, 5, O_CLOEXEC\) = ')" ]
}

@test "--trace shows a call without arguments with none" {
	run --separate-stderr mx --trace "$PROBE" setsid
	expect_status 0
	[ -n "$(trace_lines '\] (refused )?setsid\(\) = ')" ]
}

# ioctl requests, epoll_ctl operations and errno names the kernel answers
# itself (ENOTTY, ENOTSOCK) are never traced: t/unit/test-trace has them.
@test "--trace names clocks and the flags of a private object" {
	run --separate-stderr mx --trace "$PROBE" timerfd_create 1 0x80000
	expect_status 0
	[ -n "$(trace_lines '\] timerfd_create\(CLOCK_MONOTONIC, O_CLOEXEC\) = 3$')" ]
}
