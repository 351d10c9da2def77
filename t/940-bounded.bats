#!/usr/bin/env bats
# Every supervisor resource a container can make it hold is charged to that
# container and bounded by its limits; no container can starve the
# supervisor or fool it into acting on another's behalf (issue 9).

load helpers

# minos-exec under a hard descriptor limit of N (soft = hard), bounded in
# wall time like mx.
mx_nofile() {
	local n=$1
	shift
	timeout -k 5 60 bash -c 'ulimit -n "$0" && exec "$@"' "$n" "$MINOS_EXEC" "$@"
}

@test "waiting multi-rfd reads hold no supervisor descriptor: parked reads of 64 entries cannot starve a later cnew or ckill" {
	need_pidns
	# 120 threads in three children each wait in a read of one rfd listed
	# 64 times (and, were each entry a supervisor copy, smaller reads
	# would fill its last descriptors): 7680 copies under a limit of 4096.
	run --separate-stderr mx_nofile 4096 --wall-time=30s "$G/fdpark" park 3 40 < "$G/fdpark"
	expect_status 0
	expect_exact "cnews 50/50, ckills 3/3"
}

@test "a waiting read keeps no hidden reader: an rfd closed while it waits is gone, its number reused is not read" {
	need_pidns
	run --separate-stderr mx --wall-time=30s "$G/fdpark" stale
	expect_status 0
	expect_exact "stale: ok"
}

@test "a SIGKILL a container sends itself kills it, the signal read as the kernel reads it (an int), and only after the kernel's own checks" {
	need_pidns
	local args
	for args in "tgkill 1 1 9" "tgkill 1 1 0x100000009" "tkill 1 0x100000009"; do
		# shellcheck disable=SC2086 # ARGs are words by design
		run --separate-stderr mx "$PROBE" $args
		expect_status 137
		[ "$stderr" = "minos-exec: container 1 (probe): killed by signal 9 (SIGKILL)" ]
	done
	probe_table <<'ROWS'
-ESRCH tgkill 1 4242 9
-ESRCH tkill 4242 9
-EINVAL tgkill 0 1 9
ROWS
}

@test "the default --fds admits a Minos read of 64 distinct rfds" {
	run --separate-stderr mx "$G/fdpark" wide
	expect_status 0
	expect_exact "wide: 1 byte from the 64th rfd"
}

@test "a full stderr pipe that a container fills never stops minos-exec: its messages are dropped, not waited for" {
	need_pidns
	local fifo="$BATS_TEST_TMPDIR/stderr"
	mkfifo "$fifo"
	# fd 7 holds the pipe open and nobody reads it.
	run bash -c 'exec 7<>"$1" && exec timeout -k 5 30 "$2" "$3" flood 2>"$1"' _ \
		"$fifo" "$MINOS_EXEC" "$G/fdpark"
	expect_status 0
	expect_exact "flood: ckill 0"
}

@test "a PROGRAM name with control characters is escaped in messages: it cannot forge a line" {
	local evil="$BATS_TEST_TMPDIR/"$'x\nminos-exec: forged\e[2J'
	printf 'not an ELF\n' >"$evil"
	chmod +x "$evil"
	run --separate-stderr mx "$evil"
	expect_status 126
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *'x\x0aminos-exec: forged\x1b[2J'* ]]
}

@test "--report's table of refused calls is bounded: 512 numbers by name, then \"other\"" {
	local r="$BATS_TEST_TMPDIR/report.json"
	run --separate-stderr mx --report="$r" "$G/fdpark" refuse 2000
	expect_status 0
	expect_exact "refuse: 0 not ENOSYS"
	[ "$(jq -r '.containers[0].refused | length' "$r")" = 513 ]
	[ "$(jq -r '.containers[0].refused[0].call' "$r")" = syscall_100000 ]
	[ "$(jq -r '.containers[0].refused[512] | "\(.call) \(.count)"' "$r")" = "other 1488" ]
}

@test "a signal reaches a thread waiting in a multi-rfd read: its handler runs, then the read goes on (SA_RESTART) or is EINTR" {
	run --separate-stderr mx --wall-time=30s "$G/fdpark" signal
	expect_status 0
	expect_exact "signal SA_RESTART: handled 10, read 1
signal no restart: handled 10, read -EINTR"
}
