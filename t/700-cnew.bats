#!/usr/bin/env bats
# t/700-cnew.bats - child containers: cnew and ckill (SPEC section 3), the
# examples that use them, and the limits on them.  Most rules are checked by
# t/guests/cnew_rules, one result a line; modes that start an ELF child of
# cnew_rules itself get its image on standard input.
# shellcheck disable=SC2094 # "$R" ... <"$R": a program reading its own image

load helpers

R="$G/cnew_rules"

# ---- the examples ------------------------------------------------------------

@test "examples/spawn starts the image it carries and reads what it says" {
	run mx "$EX/spawn"
	expect_status 0
	expect_exact "spawn: started the child as cid 1
spawn: the child said: hello, world
spawn: ok"
}

@test "examples/pipeline: cat | cat | cat in children copies a mebibyte byte for byte" {
	head -c 1M /dev/urandom >"$BATS_TEST_TMPDIR/in"
	mx "$EX/pipeline" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out"
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "examples/pipeline between shell pipes copies a mebibyte byte for byte" {
	head -c 1M /dev/urandom >"$BATS_TEST_TMPDIR/in"
	# shellcheck disable=SC2002 # a pipe on both sides, not a file
	cat "$BATS_TEST_TMPDIR/in" | mx "$EX/pipeline" | cat >"$BATS_TEST_TMPDIR/out"
	[ "${PIPESTATUS[1]}" -eq 0 ]
	cmp "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
}

@test "examples/fanout starts one flat image 8 times and gathers 8 lines with one read" {
	run mx "$EX/fanout"
	expect_status 0
	expect_exact "worker 1
worker 2
worker 3
worker 4
worker 5
worker 6
worker 7
worker 8
fanout: ok"
}

@test "examples/fanout 50" {
	run mx "$EX/fanout" 50
	expect_status 0
	[ "${#lines[@]}" -eq 51 ]
	[ "${lines[0]}" = "worker 1" ]
	[ "${lines[49]}" = "worker 50" ]
	[ "${lines[50]}" = "fanout: ok" ]
}

# ---- descriptors, cids -------------------------------------------------------

@test "cnew of rfd 0 itself, an image in a file, passing wfd 1 to the child" {
	run mx "$R" stdin <"$EX/hello"
	expect_status 0
	expect_output "parent: before cnew"
	expect_output "hello, world"
	expect_output "parent: cnew of rfd 0 = 1; rfd 0 gone, wfd 1 gone"
	[ "${#lines[@]}" -eq 3 ]
}

@test "cnew of rfd 0 itself, an image in a shell pipe" {
	# shellcheck disable=SC2002 # a pipe, not a file
	run bash -c 'cat "$1" | timeout -k 5 60 "$2" "$3" stdin' sh \
		"$EX/hello" "$MINOS_EXEC" "$R"
	expect_status 0
	expect_output "hello, world"
	expect_output "parent: cnew of rfd 0 = 1; rfd 0 gone, wfd 1 gone"
}

@test "the listed descriptors move to the child, at their slots, in their directions" {
	run mx "$R" slots <"$R"
	expect_status 0
	expect_output "cnew = 1
parent: command rfd gone, out wfd gone, rfd given as 2 gone, rfd given as 3 gone, wfd given as 4 gone, out rfd open
child: fds 0r 1w 2r 3r 4w
child: argc "
	# Linux >= 5.18 makes an empty argv argc 1 with an empty argv[0].
	[[ "$output" == *"child: argc 0, argv[0] none, environment empty"* ||
		"$output" == *"child: argc 1, argv[0] empty, environment empty"* ]]
	expect_output "child: rfd 3 says: abc
parent: the child wrote: to parent"
}

@test "cids start at 1 and count up; failures take none; descriptors move only on success" {
	run mx "$R" moves
	expect_status 0
	expect_exact "pipes: 3 4 5 6; open: 0 1 2 3 4 5 6
cnew = 1; open: 0 1 2 3 6
cnew = 2; open: 0 1 2 3 5 6
its output: \"\"; open: 0 1 2 3 5 6
ckill of the ended child = -ESRCH; open: 0 1 2 3 6
cnew of garbage = -ENOEXEC; open: 0 1 2 3 6
cnew, no descriptors = 3; open: 0 1 2 3 6
cnew, 64 empty rfd slots = 4; open: 0 1 2 3 6
cnew, 64 empty wfd slots = 5; open: 0 1 2 3 6
cnew = 6; open: 0 1 2 3 6
ckill of a cid never given = -ESRCH; open: 0 1 2 3 6"
}

@test "a cnew that closes a range of numbers gives its caller back its argument registers (no key in r9)" {
	run mx "$R" regs
	expect_status 0
	expect_exact "cnew ok, adjacent yes, registers kept, code rfd gone, wfd gone"
}

@test "every failing cnew leaves the caller's table as it was, but for the code rfd" {
	run mx --fds=64 "$R" errors <"$R"
	expect_status 0
	expect_exact "pipes: 3 4 5 6; open: 0 1 2 3 4 5 6
code rfd is a wfd = -EBADF; open: 0 1 2 3 4 5 6 8
code rfd is a pipe's wfd = -EBADF; open: 0 1 2 3 4 5 6 8
code rfd not open = -EBADF; open: 0 1 2 3 4 5 6 8
code rfd -1 = -EBADF; open: 0 1 2 3 4 5 6 8
code rfd 2^31 = -EBADF; open: 0 1 2 3 4 5 6 8
arch 0 = -EINVAL; open: 0 1 2 3 4 5 6
arch 3 = -EINVAL; open: 0 1 2 3 4 5 6
arch 2^32+1 = -EINVAL; open: 0 1 2 3 4 5 6
65 rfds = -EINVAL; open: 0 1 2 3 4 5 6
65 wfds = -EINVAL; open: 0 1 2 3 4 5 6
2^32-1 wfds = -EINVAL; open: 0 1 2 3 4 5 6
2^32-1 of both = -EINVAL; open: 0 1 2 3 4 5 6
slot 0 in both parts = -EINVAL; open: 0 1 2 3 4 5 6
slot 1 in both parts, later = -EINVAL; open: 0 1 2 3 4 5 6
an rfd listed twice = -EINVAL; open: 0 1 2 3 4 5 6
a wfd listed twice = -EINVAL; open: 0 1 2 3 4 5 6
the code rfd listed = -EINVAL; open: 0 1 2 3 4 5 6
a wfd as an rfd = -EBADF; open: 0 1 2 3 4 5 6
an rfd as a wfd = -EBADF; open: 0 1 2 3 4 5 6
a number not open = -EBADF; open: 0 1 2 3 4 5 6
-2 = -EBADF; open: 0 1 2 3 4 5 6
good ones, then a wrong direction = -EBADF; open: 0 1 2 3 4 5 6
fds pointer 8 = -EFAULT; open: 0 1 2 3 4 5 6
fds pointer NULL, 1 wfd = -EFAULT; open: 0 1 2 3 4 5 6
fds pointer -1 = -EFAULT; open: 0 1 2 3 4 5 6
fds array past its mapping = -EFAULT; open: 0 1 2 3 4 5 6
garbage, ELF = -ENOEXEC; open: 0 1 2 3 4 5 6
empty, ELF = -ENOEXEC; open: 0 1 2 3 4 5 6
empty, flat = -ENOEXEC; open: 0 1 2 3 4 5 6
truncated ELF = -ENOEXEC; open: 0 1 2 3 4 5 6
a flat image as an ELF = -ENOEXEC; open: 0 1 2 3 4 5 6
ckill 1 = -ESRCH; open: 0 1 2 3 4 5 6
ckill 0 = -ESRCH; open: 0 1 2 3 4 5 6
ckill -1 = -ESRCH; open: 0 1 2 3 4 5 6"
}

@test "--fds bounds each count: --fds=8 takes 8 slots of each part, not 9" {
	run mx --fds=8 "$R" counts 8
	expect_status 0
	expect_exact "8 rfd slots = 1; open: 0 1 2
8 wfd slots = 2; open: 0 1 2
8 of both = 3; open: 0 1 2"
	run mx --fds=8 "$R" counts 9
	expect_status 0
	expect_exact "9 rfd slots = -EINVAL; open: 0 1 2
9 wfd slots = -EINVAL; open: 0 1 2
9 of both = -EINVAL; open: 0 1 2"
}

# ---- images ------------------------------------------------------------------

@test "a flat child starts at 0x10000 with zero registers, rsp aligned, a MiB of stack" {
	run mx "$R" flat
	expect_status 0
	expect_exact "cnew = 1
flat child: at 0x10000, registers zero, rsp aligned, 1 MiB of stack
the child has ended
the same bytes as an ELF = -ENOEXEC"
}

@test "a child that dies of a signal is reported by name; the run has the first container's status" {
	run mx "$R" crash
	expect_status 0
	expect_output "cnew = 1"
	expect_output "the child has ended"
	expect_output "minos-exec: container 2 (cnew_rules/1): killed by signal 11 (SIGSEGV)"
}

@test "--image-size bounds a child's image: the limit runs, a byte more is E2BIG" {
	run mx --image-size=128K "$R" sizes 131072
	expect_status 0
	expect_exact "the limit = 1; open: 0 1 2 4
its output: \"\"
a byte more = -E2BIG; open: 0 1 2 3 4
four times the limit = -E2BIG; open: 0 1 2 3 4"
}

@test "a code stream that never ends but overflows --image-size is E2BIG, and consumed" {
	run mx --image-size=1M "$R" stdin </dev/zero
	expect_status 0
	expect_exact "parent: before cnew
parent: cnew of rfd 0 = -E2BIG; rfd 0 gone, wfd 1 open"
}

# ---- the number of containers ------------------------------------------------

@test "--containers=2: the first container and one child; the next cnew is EAGAIN" {
	run mx --containers=2 "$R" many
	expect_status 0
	expect_exact "started 1 children, cids 1 to 1
then cnew = -EAGAIN; its rfd open"
}

@test "1000 containers alive at once; the 1001st is EAGAIN; all end when the first does" {
	run timeout -k 5 60 "$MINOS_EXEC" --containers=1000 --fds=1024 "$R" many
	expect_status 0
	expect_exact "started 999 children, cids 1 to 999
then cnew = -EAGAIN; its rfd open"
}

@test "999 children waiting in Minos reads of two rfds all end when the first container does" {
	run timeout -k 5 60 "$MINOS_EXEC" --containers=1000 --fds=1024 "$R" many multi
	expect_status 0
	expect_exact "started 999 children, cids 1 to 999
then cnew = -EAGAIN; its rfd open"
}

@test "ckill ends a child waiting in a Minos read of two rfds" {
	run mx --wall-time=10s "$R" ckillread
	expect_status 0
	expect_output "cnew = 1"
	expect_output "ckill 1 = 0"
	expect_output "minos-exec: container 2 (cnew_rules/1): killed: ckill by container 1"
	[ "${#lines[@]}" -eq 3 ]
}

# ---- a code stream that does not end -----------------------------------------

@test "a code stream that has not ended delays only its own cnew" {
	run mx "$R" slow
	expect_status 0
	expect_exact "other cnew = 1
flat child: at 0x10000, registers zero, rsp aligned, 1 MiB of stack
other work done
slow cnew = 2
flat child: at 0x10000, registers zero, rsp aligned, 1 MiB of stack"
}

@test "a thread waiting in cnew keeps its container alive until the wall time" {
	run mx --wall-time=2s "$R" stuck wall
	expect_status 137
	expect_output "other cnew = 1
flat child: at 0x10000, registers zero, rsp aligned, 1 MiB of stack
other work done"
	expect_output "minos-exec: container 1 (cnew_rules): killed: wall time limit 2s exceeded"
}

# A cnew waits for its code stream to end; when its container dies, the
# container's descriptors close, which may end that very stream.  The cnew
# must then be abandoned, not completed for a caller that is gone.

@test "a cnew waiting on a stream goes with its container's exit_group, starting no child" {
	run mx --wall-time=10s "$R" stuck exit
	expect_status 0
	expect_exact "other cnew = 1
flat child: at 0x10000, registers zero, rsp aligned, 1 MiB of stack
other work done"
}

@test "a cnew whose container is ckilled starts no child" {
	for _ in 1 2 3 4 5; do
		run mx --wall-time=10s "$R" ckillwait <"$R"
		expect_status 0
		expect_output "child: a thread waits in cnew"
		expect_output "ckill 1 = 0"
		expect_output "child's output after ckill: \"\""
	done
}

@test "a cnew whose container is ckilled and then gets its image starts no child" {
	for _ in $(seq 10); do
		run mx --wall-time=10s "$R" ckillfeed <"$R"
		expect_status 0
		expect_output "child: cnew of rfd 0"
		expect_output "ckill 1 = 0"
		expect_output "child's output after ckill: \"\""
		expect_output "minos-exec: container 2 (cnew_rules/1): killed: ckill by container 1"
		[ "${#lines[@]}" -eq 6 ]
	done
}

@test "no container starts after the wall time has ended the run" {
	for _ in 1 2 3 4 5; do
		run timeout -k 5 10 "$MINOS_EXEC" --wall-time=300ms "$R" stuck wallspin
		expect_status 137
		expect_output "minos-exec: container 1 (cnew_rules): killed: wall time limit 300ms exceeded"
		[[ "$output" != *"container 3"* ]]
	done
}

# A descriptor listed by a cnew that waits for its code stream is still in
# the caller's table until the cnew ends; if the caller closes it, or moves
# it to another child, in the meantime, the number may be reused.  When the
# waiting cnew ends it must not close whatever descriptor has that number
# then, and one descriptor cannot move to two children.

# The guest exits 3 when its second thread entered the cnew too late for
# the race (threads are scheduled as they are); then it runs again.
race() {
	for _ in $(seq 20); do
		run mx --wall-time=10s "$R" race "$1"
		[ "$status" -ne 3 ] && return 0
	done
}

@test "a listed rfd closed during a waiting cnew: its reused number is left alone" {
	race close
	expect_status 0
	expect_output "rclose of the listed rfd = 0
a new pipe: takes the listed rfd's number
the waiting cnew = "
	expect_output "the new pipe: wfd open, rfd open"
}

@test "a listed rfd moved by another cnew during a waiting cnew goes to one child only" {
	race move
	expect_status 0
	expect_output "another cnew listing it = "
	[[ "$output" == *"another cnew listing it = 1"*"the waiting cnew = -EBADF"* ||
		"$output" == *"another cnew listing it = -EBADF"*"the waiting cnew = 1"* ]]
	expect_output "the new pipe: wfd open, rfd open"
}

# ---- ckill and the end of a run ----------------------------------------------

@test "ckill ends a spinning child and its spinning child at once; ESRCH for other cids" {
	run mx --wall-time=20s "$R" ckill <"$R"
	expect_status 3
	expect_output "cnew = 1"
	expect_output "child: grandchild cid = 1"
	expect_output "child: ckill 2 = -ESRCH"
	expect_output "ckill 2 (the child's own cid for its child) = -ESRCH"
	expect_output "ckill 0 = -ESRCH"
	expect_output "ckill -1 = -ESRCH"
	expect_output "ckill 1 = 0"
	expect_output "child's output after ckill: \"\""
	expect_output "minos-exec: container 2 (cnew_rules/1): killed: ckill by container 1"
	expect_output "minos-exec: container 3 (cnew_rules/1/1): killed: ckill by container 1"
	[[ "$output" != *"wall time"* ]]
}

@test "ckill of a child just ckilled is ESRCH" {
	for _ in $(seq 20); do
		run mx --wall-time=20s "$R" ckill <"$R"
		expect_status 3
		expect_output "ckill 1 again = -ESRCH"
	done
}

@test "a child just ckilled no longer counts against --containers" {
	for _ in $(seq 20); do
		run mx --containers=2 "$R" respawn
		expect_status 0
		expect_output "cnew = 1"
		expect_output "ckill 1 = 0"
		expect_output "cnew = 2"
		[[ "$output" != *EAGAIN* ]]
	done
}

@test "minos-exec waits for a child that outlives the first container, and has its status" {
	run mx --wall-time=20s "$R" late <"$R"
	expect_status 7
	expect_output "parent: cnew = 1; exiting"
	expect_output "child: the parent has ended; still here"
	[ "${#lines[@]}" -eq 2 ]
}
