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

@test "--trace reports calls from the i386 and x32 entry points as refused" {
	if have_int80; then
		run --separate-stderr mx --trace "$PROBE" int80 20
		expect_status 0
		expect_exact "int80 = -ENOSYS"
		[ -n "$(trace_lines '\] refused i386 .* = -ENOSYS$')" ]
	fi
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
