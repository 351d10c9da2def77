#!/usr/bin/env bats
# Red-team findings against the integrated supervisor (issue 9).
# One test per finding: each fails on the build it was found on and passes
# once the finding is fixed.  Findings still open are skipped, naming
# the finding; their guests stay so that the fix has its test ready.

load helpers

RT="$MINOS_BUILD/t/redteam"

@test "RT-1: pending cnew images are charged to their container: 16 x 40 MiB under --memory=64M are not all held" {
	[ -z "${MINOS_SANITIZER:-}" ] || skip "the supervisor's memory, measured: not the sanitizer build's"
	need_pidns
	local d="$BATS_TEST_TMPDIR" line mp rss rest
	mkfifo "$d/in" "$d/out"
	timeout -k 5 120 "$MINOS_EXEC" --memory=64M "$RT/hoard" 16 40 <"$d/in" >"$d/out" 2>"$d/err" &
	local pid=$!
	exec 8>"$d/in" 9<"$d/out"
	read -r -t 100 -u 9 line # "hoarded ...": every byte written
	echo "$line"
	mp=$(pgrep -P "$pid")
	rss=$(awk '/^VmHWM:/ { print $2 }' "/proc/$mp/status")
	echo "minos-exec VmHWM: $rss kB"
	echo x >&8
	exec 8>&-
	rest=$(cat <&9)
	exec 9<&-
	wait "$pid" || true
	echo "$rest"
	cat "$d/err"
	# The supervisor's peak stays under the container's limit plus slack,
	# and some cnew was refused for it.
	[ "$rss" -lt $((128 * 1024)) ]
	[[ "$rest" =~ cnew:\ [0-9]+\ ENOEXEC,\ [1-9][0-9]*\ ENOMEM ]]
}

@test "RT-2: --report's ML verdict: an address-space ENOMEM is not the memory limit; mremap and mprotect over it are" {
	need_pidns
	local m
	for m in huge mremap mprotect; do
		run mx --memory=64M --report="$BATS_TEST_TMPDIR/$m.json" "$RT/fakeml" $m
		expect_status 1
	done
	grep -q '"memory_limit_hit": false' "$BATS_TEST_TMPDIR/huge.json"
	grep -q '"verdict": "RE"' "$BATS_TEST_TMPDIR/huge.json"
	grep -q '"memory_limit_hit": true' "$BATS_TEST_TMPDIR/mremap.json"
	grep -q '"verdict": "ML"' "$BATS_TEST_TMPDIR/mremap.json"
	grep -q '"memory_limit_hit": true' "$BATS_TEST_TMPDIR/mprotect.json"
	grep -q '"verdict": "ML"' "$BATS_TEST_TMPDIR/mprotect.json"
}

@test "RT-3: a child whose only thread waits in a cnew cannot hang its parent's wpass" {
	need_pidns
	run timeout -k 5 60 "$MINOS_EXEC" --wall-time=10s "$RT/parked" 3 < "$RT/parked"
	expect_status 0
	expect_output "wpass 2 = "
	expect_output "done"
	expect_output "ckill = 0"
}

@test "RT-4: children filling the supervisor's table with waiting cnews' copies never fail another container's calls (ulimit -n 1024)" {
	need_pidns
	run bash -c 'ulimit -n 1024 && exec timeout -k 5 60 "$0" --wall-time=8s "$1/pinfds" 4 100 < "$1/pinfds"' \
		"$MINOS_EXEC" "$RT"
	expect_output "victim: 100 rounds, 0 failed"
}

@test "RT-5: a cnew caller that rewrites its syscall instruction while the cnew waits still loses the wfd it gave the child" {
	need_pidns
	run mx "$RT/dupfd"
	# Its closes run at its vDSO's instruction, sealed by the first
	# close sequence: the one it changed is never run by them.
	expect_status 0
	expect_output $'cnew = 1\n'
	expect_output "write after cnew = -9, -9"
	[[ "$output" != *parent* ]]
}

@test "RT-5b: signals that reach a cnew caller while its closes are injected neither leave it a number it gave away nor change cnew's answer" {
	need_pidns
	run mx "$RT/closesig" 10 200000
	expect_status 0
	expect_exact "rounds = 10, cnew failures = 0, numbers kept = 0, handler ran: yes"
}

@test "RT-6: a multi-rfd read into a buffer writable only in part reads into that part and leaves the caller's other bytes alone" {
	need_pidns
	run mx "$RT/pollbuf" straddle
	expect_status 0
	expect_exact "read = 1, buffer head = 78 ee ee ee ee ee ee ee"
}

@test "RT-7: a cnew image whose bss is over --memory is ENOMEM, and no child starts" {
	need_pidns
	run mx --memory=64M "$RT/bigbss" 512
	expect_status 0
	expect_exact "cnew = -12"
}

@test "RT-8: a Minos write never reaches a private object, whatever the upper bits of its wfd" {
	need_pidns
	run mx "$RT/highbits"
	expect_status 0
	expect_output "write(E | 1<<32) = -9"
	expect_output "eventfd counter = 0"
}

@test "RT-9: a stream moved to a child by cnew leaves the caller's epoll set even if the caller closed its number meanwhile" {
	need_pidns
	run mx "$RT/epleak"
	expect_status 0
	expect_output "cnew = 1"
	expect_output "epoll_wait = 0"
}

# RSS of the minos-exec running graveyard N, once its N children are gone.
graveyard_rss() {
	local d="$BATS_TEST_TMPDIR/g$1" line pid mp rss
	mkdir -p "$d"
	mkfifo "$d/in" "$d/out"
	timeout -k 5 300 "$MINOS_EXEC" "$RT/graveyard" "$1" 10 <"$d/in" >"$d/out" 2>"$d/err" &
	pid=$!
	exec 8>"$d/in" 9<"$d/out"
	read -r -t 290 -u 9 line
	read -r -t 10 -u 9 line # waiting
	mp=$(pgrep -P "$pid")
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$mp/status")
	echo x >&8
	exec 8>&- 9<&-
	wait "$pid" || true
	echo "$rss"
}

@test "RT-10 (slow): dead containers are not kept: 3000 children one after the other cost the supervisor no memory that stays" {
	[ -z "${MINOS_SANITIZER:-}" ] || skip "the supervisor's memory, measured: not the sanitizer build's"
	need_pidns
	local small big
	small=$(graveyard_rss 100)
	big=$(graveyard_rss 3000)
	echo "VmRSS after 100 children: $small kB, after 3000: $big kB"
	[[ "$small" =~ ^[0-9]+$ && "$big" =~ ^[0-9]+$ ]]
	[ $((big - small)) -lt 256 ]
}

@test "RT-10b: a freed container's cid names nothing, not even the child it left running (--containers=3)" {
	need_pidns
	# B (cid 1) starts C and exits; the next cnew that finds room frees
	# B's record, and C hangs from the first container from then on:
	# under no cid (SPEC: a cid is its maker's alone).
	run mx --containers=3 "$RT/graveyard" orphan < "$RT/graveyard"
	expect_status 0
	expect_output "cid of B = 1"
	expect_output "cnew after B's end = 2"
	expect_output "ckill(1) = -3"
	expect_output "wpass(1) = -3"
	expect_output $'C: started\nC: alive'
}

@test "RT-10c: a ckill still ends a grandchild whose parent's record was freed (--containers=4)" {
	need_pidns
	# X (cid 1) starts B, B starts C and ends, X's next cnew frees B's
	# record; C hangs from X from then on, so the ckill of X ends it.
	run --separate-stderr mx --containers=4 "$RT/graveyard" deep < "$RT/graveyard"
	expect_status 0
	expect_output "cid of X = 1"
	expect_output "X: cnew after B's end = 2"
	expect_output "ckill(X) = 0"
	expect_output "report ended"
	[[ "$output" != *"C: alive"* ]]
	[[ "$stderr" == *"container 4 (graveyard/1/1/1): killed: ckill by container 1"* ]]
}

@test "RT-11: a MAP_GROWSDOWN mapping counts against --memory: 256 MiB under 64M is refused" {
	need_pidns
	run mx --memory=64M "$RT/growsdown" 256
	expect_status 0
	[[ "$output" != *"ok, touched"* ]]
}

@test "RT-12: 30 threads of a child hammering 64-rfd reads cannot starve another container's calls" {
	need_pidns
	# Alone the victim's 300 reads take ~50 ms; the wall time is a bound
	# on the test, not a threshold: starved, they never finish.
	run timeout -k 5 60 "$MINOS_EXEC" --wall-time=20s "$RT/hammer" 300 30 < "$RT/hammer"
	expect_output "beside 30 hammering threads"
	expect_status 0
}

@test "RT-13: with --trace, a Minos pipe racing another thread's wclose still gives its own rfd (2000 rounds)" {
	need_pidns
	run -0 mx --trace "$RT/pipehole" 2000
	# --trace writes its lines on stderr; the guest's one line is last.
	[[ "$output" == *"pipes 2000, wrong 0"* ]]
}

@test "RT-14 (slow): 1000 cnew children one after the other all start with argc 0 and a sealed vDSO" {
	need_pidns
	run timeout -k 5 280 "$MINOS_EXEC" "$RT/execstop" 1000 < "$RT/execstop"
	expect_status 0
	expect_output "1000 children: 0 with argc 1, 0 with an unsealed vDSO (0 lost)"
}

# VmRSS of the minos-exec running chain N, once the chain is done.
chain_rss() {
	local d="$BATS_TEST_TMPDIR/c$1" line pid mp rss
	mkdir -p "$d"
	mkfifo "$d/out"
	timeout -k 5 300 "$MINOS_EXEC" "$RT/chain" "$1" <"$RT/chain" >"$d/out" 2>"$d/err" &
	pid=$!
	exec 9<"$d/out"
	read -r -t 290 -u 9 line # chain: done
	read -r -t 10 -u 9 line  # waiting
	mp=$(pgrep -P "$pid")
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$mp/status")
	kill -TERM "$mp"
	exec 9<&-
	wait "$pid" || true
	echo "$rss"
}

@test "RT-15 (slow): a chain of 3000 generations (never more than two alive) costs the supervisor no memory that grows with it" {
	[ -z "${MINOS_SANITIZER:-}" ] || skip "the supervisor's memory, measured: not the sanitizer build's"
	need_pidns
	local small big
	small=$(chain_rss 100)
	big=$(chain_rss 3000)
	echo "VmRSS after 100 generations: $small kB, after 3000: $big kB"
	[[ "$small" =~ ^[0-9]+$ && "$big" =~ ^[0-9]+$ ]]
	[ $((big - small)) -lt 1024 ]
}

@test "RT-16: memory written and made read-only still counts against --memory: 16 x 32 MiB under 64M is refused" {
	need_pidns
	# Fixed either way: an mmap refused (ENOMEM), or (a memory cgroup)
	# the container ended at its limit; never all 512 MiB held.
	run mx --memory=64M "$RT/rodata" 16 32
	[[ "$output" != *"held 512 MiB in 16 rounds"* ]]
}

@test "RT-17: 20 wpasses into a child waiting in epoll_wait never make it fail with EINTR" {
	need_pidns
	run mx "$RT/epintr" 20 < "$RT/epintr"
	expect_status 0
	expect_output "passes placed: 20"
	expect_output "child: 0 EINTR in 1 waits"
}

@test "RT-17b: 5 wpasses into a child blocked in a 1 MiB pipe write do not cut the write short" {
	need_pidns
	run mx "$RT/shortw" < "$RT/shortw"
	expect_status 0
	expect_output "passes placed: 5; parent read 1048576 bytes; child: write = 1048576, usr1 = 0"
}

@test "RT-17c: a signal the writer catches still ends a write a pass interrupted, with what fit in the pipe, as on Linux" {
	need_pidns
	run mx "$RT/shortw" sig < "$RT/shortw"
	expect_status 0
	expect_output "passes placed: 5; parent read 65536 bytes; child: write = 65536, usr1 = 1"
}
