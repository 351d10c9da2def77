#!/usr/bin/env bats
# t/500-errors.bats - a PROGRAM that cannot be run: each kind gets its own
# one-line message, naming the program, and the status of env(1): 127 if
# it is not found, 126 if it cannot be run.

load helpers

# patch_bytes FILE OFFSET BYTES: overwrite FILE at OFFSET with BYTES (a printf
# format such as '\001').
patch_bytes() {
	# shellcheck disable=SC2059 # the format is the bytes
	printf "$3" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}

teardown() {
	if [ -n "${unreadable_dir:-}" ]; then
		rm -rf "$unreadable_dir"
	fi
}

@test "a missing program: status 127 and not found" {
	run -127 mx "$BATS_TEST_TMPDIR/missing"
	expect_exact "minos-exec: $BATS_TEST_TMPDIR/missing: not found"
}

@test "a program not found in PATH: status 127 and not found" {
	run -127 mx minos-no-such-program
	expect_exact "minos-exec: minos-no-such-program: not found"
}

@test "a directory: status 126 and is a directory" {
	run mx "$BATS_TEST_TMPDIR"
	expect_status 126
	expect_exact "minos-exec: $BATS_TEST_TMPDIR: is a directory"
}

@test "an empty file: status 126 and empty" {
	: >"$BATS_TEST_TMPDIR/empty"
	run mx "$BATS_TEST_TMPDIR/empty"
	expect_status 126
	expect_exact "minos-exec: $BATS_TEST_TMPDIR/empty: empty file"
}

@test "a shell script: status 126 and a script, with its interpreter" {
	printf '#!/bin/sh\necho hi\n' >"$BATS_TEST_TMPDIR/run.sh"
	chmod +x "$BATS_TEST_TMPDIR/run.sh"
	run mx "$BATS_TEST_TMPDIR/run.sh"
	expect_status 126
	expect_output "minos-exec: $BATS_TEST_TMPDIR/run.sh: a script (#!/bin/sh)"
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" != *hi* ]]
}

@test "a truncated ELF file: status 126 and truncated" {
	head -c 100 "$EX/hello" >"$BATS_TEST_TMPDIR/trunc"
	run mx "$BATS_TEST_TMPDIR/trunc"
	expect_status 126
	expect_output "minos-exec: $BATS_TEST_TMPDIR/trunc: truncated ELF"
	[ "${#lines[@]}" -eq 1 ]
}

@test "an ELF header cut short: status 126 and truncated" {
	head -c 40 "$EX/hello" >"$BATS_TEST_TMPDIR/trunc"
	run mx "$BATS_TEST_TMPDIR/trunc"
	expect_status 126
	expect_output "minos-exec: $BATS_TEST_TMPDIR/trunc: truncated ELF"
}

@test "a 32-bit i386 ELF: status 126 and 32-bit, with the fix" {
	# EI_CLASS = ELFCLASS32, e_machine = EM_386
	cp "$EX/hello" "$BATS_TEST_TMPDIR/elf32"
	patch_bytes "$BATS_TEST_TMPDIR/elf32" 4 '\001'
	patch_bytes "$BATS_TEST_TMPDIR/elf32" 18 '\003\000'
	run mx "$BATS_TEST_TMPDIR/elf32"
	expect_status 126
	expect_exact "minos-exec: $BATS_TEST_TMPDIR/elf32: 32-bit ELF; build it for x86-64 (-m64) and link it with -static"
}

@test "an x32 ELF: status 126 and x32" {
	# EI_CLASS = ELFCLASS32 with e_machine still EM_X86_64
	cp "$EX/hello" "$BATS_TEST_TMPDIR/x32"
	patch_bytes "$BATS_TEST_TMPDIR/x32" 4 '\001'
	run mx "$BATS_TEST_TMPDIR/x32"
	expect_status 126
	expect_output "minos-exec: $BATS_TEST_TMPDIR/x32: x32 ELF"
}

@test "a dynamically linked program: status 126, its interpreter and the fix" {
	head -c 4096 /bin/true | grep -aq /lib64/ld-linux-x86-64.so.2 ||
		skip "/bin/true here is not a glibc x86-64 dynamic program"
	run mx /bin/true
	expect_status 126
	expect_exact "minos-exec: /bin/true: dynamically linked (needs /lib64/ld-linux-x86-64.so.2); link it with -static"
}

@test "another machine's ELF: status 126 and the machine's name" {
	# e_machine = EM_AARCH64 (183)
	cp "$EX/hello" "$BATS_TEST_TMPDIR/arm64"
	patch_bytes "$BATS_TEST_TMPDIR/arm64" 18 '\267\000'
	run mx "$BATS_TEST_TMPDIR/arm64"
	expect_status 126
	expect_exact "minos-exec: $BATS_TEST_TMPDIR/arm64: ELF for another machine (ARM aarch64); build it for x86-64"
}

@test "a file that is not an ELF at all: status 126 and not an ELF" {
	printf 'just some text\n' >"$BATS_TEST_TMPDIR/text"
	run mx "$BATS_TEST_TMPDIR/text"
	expect_status 126
	expect_output "minos-exec: $BATS_TEST_TMPDIR/text: not an ELF program"
}

@test "an unreadable program: status 126 and why" {
	if [ "$(id -u)" -eq 0 ]; then
		# root reads anything: run minos-exec as nobody instead.
		command -v setpriv >/dev/null || skip "root, and no setpriv to drop it"
		unreadable_dir=$(mktemp -d "${TMPDIR:-/tmp}/minos-t500.XXXXXX")
		chmod 755 "$unreadable_dir"
		as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	else
		unreadable_dir=$(mktemp -d "$BATS_TEST_TMPDIR/unreadable.XXXXXX")
		as_user=()
	fi
	cp "$EX/hello" "$unreadable_dir/hello"
	chmod 000 "$unreadable_dir/hello"
	run timeout -k 5 60 "${as_user[@]}" "$MINOS_EXEC" "$unreadable_dir/hello"
	expect_status 126
	expect_output "minos-exec: $unreadable_dir/hello:"
	expect_output "Permission denied"
	[[ "$output" != *"hello, world"* ]]
}

@test "the program is read once: removing the file while it runs does not matter" {
	# The container echoes a line through FIFOs, so the test knows it is
	# running before it removes the file.
	cp "$EX/cat" "$BATS_TEST_TMPDIR/cat"
	mkfifo "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
	mx "$BATS_TEST_TMPDIR/cat" <"$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/out" &
	exec 7>"$BATS_TEST_TMPDIR/in" 8<"$BATS_TEST_TMPDIR/out"
	echo started >&7
	read -r -t 30 first <&8
	rm "$BATS_TEST_TMPDIR/cat"
	echo "still here" >&7
	exec 7>&-
	rest=$(cat <&8)
	exec 8<&-
	wait $!
	[ "$first" = started ]
	[ "$rest" = "still here" ]
}

@test "a host where minos-exec cannot trace its container is refused with 125 and the reason" {
	command -v strace >/dev/null || skip "strace is not installed"
	# Under strace -f the container is strace's tracee: ptrace is taken,
	# as under a container runtime that blocks it.
	# (LeakSanitizer cannot work under ptrace: off for this one run.)
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
		run timeout -k 5 60 strace -f -o /dev/null "$MINOS_EXEC" "$EX/hello"
	expect_status 125
	expect_output "cannot trace the container: ptrace:"
	[[ "$output" != *"hello, world"* ]]
}

# issue 9 (8), issue 12: the trampoline lifted its descriptors to 1024,
# above the limit under `ulimit -n 1024` -- a common hard limit, and the
# default of runc and Docker -- so nothing started ("placing its
# descriptors: Invalid argument").
@test "under ulimit -n 1024 a container and its children start" {
	run timeout -k 5 60 bash -c 'ulimit -n 1024 &&
		echo "through cat" | "$1" "$2/cat" && "$1" "$2/spawn"' _ \
		"$MINOS_EXEC" "$EX"
	expect_status 0
	expect_output "through cat"
	expect_output "spawn: the child said: hello, world"
	[[ "$output" != *"placing its descriptors"* ]]
}

@test "under a hard descriptor limit just above the container's, it starts" {
	run timeout -k 5 60 bash -c 'ulimit -n 40 &&
		echo small | "$1" --fds=32 "$2/cat"' _ "$MINOS_EXEC" "$EX"
	expect_status 0
	expect_exact "small"
}
