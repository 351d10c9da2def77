#!/usr/bin/env bats
# Red team 6: attacks on the epoll wait a pass or an ignored signal breaks
# and the supervisor carries on for what is left of its timeout (RT3-2,
# sys_pass.c wait_again).  One test per finding (a finding still open is
# skipped, naming it), then the attacks that held.  t/redteam/carry.c
# says what each mode does.

load helpers

RT="$MINOS_BUILD/t/redteam"

@test "RT6-1: a caught signal that ends a carried wait leaves no deadline behind: a loop of epoll_wait(100) under passes and signals never times out early" {
	need_pidns
	# Linux never answers 0 before the timeout from the call's start.
	# The signal every 37 ms often lands while a pass holds the thread:
	# the program got EINTR and the deadline stayed, so the next call
	# (same instruction, instance and timeout) was carried on with what
	# was left of the one before it.
	run mx "$RT/carry" sigloop 2600 < "$RT/carry"
	expect_status 0
	expect_output "early zeros 0, other 0 (" # no 0 answered before 100 ms
	[[ "$output" == *"some EINTR"* ]]
	[[ "$output" != *"no pass placed"* ]]
}

@test "RT6-2: a sibling that unmaps or spoils epoll_pwait2's timespec under the wait does not turn a pass into EFAULT or EINVAL" {
	skip "open: RT6-2, Linux reads the timespec once at entry, which the supervisor never sees; the first stop reads it again (wait_timeout) and, unreadable or invalid, the call is made again whole and fails"
	need_pidns
	run mx "$RT/carry" tsunmap < "$RT/carry"
	expect_status 0
	expect_output "epoll_pwait2 = 0 after in time ms"
	run mx "$RT/carry" tsbad < "$RT/carry"
	expect_status 0
	expect_output "epoll_pwait2 = 0 after in time ms"
}

@test "RT6-3: a sibling that unmaps epoll_pwait's sigmask under the wait does not turn a pass into EFAULT" {
	skip "open: RT6-3, the carried (or restarted) epoll_pwait reads the program's sigmask again; Linux read it once at entry"
	need_pidns
	run mx "$RT/carry" smunmap < "$RT/carry"
	expect_status 0
	expect_output "epoll_pwait = 0 after in time ms"
}

@test "RT6-4: epoll_pwait2 for 24.8 days (INT_MAX / 1000 s and 999999999 ns) is not carried on as an epoll_pwait with a negative (endless) timeout" {
	need_pidns
	local d="$BATS_TEST_TMPDIR" line pid f nr a1 a2 a3 a4 rest found="" i
	mkfifo "$d/out"
	mx "$RT/carry" hugets < "$RT/carry" > "$d/out" 2>/dev/null &
	pid=$!
	exec 8<"$d/out"
	read -r -t 30 -u 8 line
	[ "$line" = passed ]
	# The waiting thread's call as /proc shows it (maxevents 7): its own
	# epoll_pwait2 made again, or an epoll_pwait carried on with at most
	# INT_MAX ms.  (It may not have entered it yet: looked for up to 10 s.)
	for i in $(seq 1 200); do
		for f in /proc/[0-9]*/task/*/syscall; do
			read -r nr a1 a2 a3 a4 rest < "$f" 2>/dev/null || continue
			if [ "$a3" = 0x7 ] && { [ "$nr" = 281 ] || [ "$nr" = 441 ]; }; then
				found="$nr $a4"
			fi
		done
		[ -z "$found" ] || break
		sleep 0.05
	done
	kill "$pid"
	exec 8<&-
	wait "$pid" || true
	echo "found: $found"
	[ -n "$found" ]
	# 2147484000 ms (0x80000960) is a negative int to the kernel: no end.
	[ "${found%% *}" = 441 ] || [ $((${found#* })) -le 2147483647 ]
}

@test "RT6-5: SIGURG (ignored) every ms does not keep the first container's epoll_wait(100) from timing out" {
	need_pidns
	local C="$RT/carry"
	# The same guest natively: Linux queues no ignored signal at all.
	run bash -c 'printf "i\027i" | "$0" solo' "$C"
	expect_output "epoll_wait = 0 after in time ms, EINTR 0"
	run bash -c 'printf "i\027i" | timeout -k 5 60 "$0" "$1" solo' "$MINOS_EXEC" "$C"
	expect_status 0
	expect_output "epoll_wait = 0 after in time ms, EINTR 0"
}

# solo_write [MINOS_EXEC]: the first container (or the guest natively)
# writes 1 MiB on a pipe read only once SIGURG every ms for 1.5 s is over;
# $line, $bytes and $result say what came.
solo_write() {
	local d="$BATS_TEST_TMPDIR"
	rm -f "$d/out" "$d/err"
	mkfifo "$d/out" "$d/err"
	printf 'W\000G' | timeout -k 5 60 "$@" "$RT/carry" solo >"$d/out" 2>"$d/err" &
	local pid=$!
	exec 9<"$d/out" 8<"$d/err" # (in the order the run opens them)
	line=""
	while read -r -t 30 -u 8 line; do
		[[ "$line" == *"namespaces cannot be made here"* ]] || break
	done
	bytes=$(wc -c <&9)
	result=$(cat <&8)
	exec 8<&- 9<&-
	wait "$pid" || true
	echo "first line: $line; read $bytes; then: $result"
}

@test "RT6-6: SIGURG (ignored) does not cut the first container's pipe write short" {
	need_pidns
	solo_write
	[ "$line" = sent ] && [ "$bytes" -eq 1048576 ] && [ "$result" = "write = 1048576" ]
	solo_write "$MINOS_EXEC"
	[ "$line" = sent ]
	[ "$bytes" -eq 1048576 ]
	[ "$result" = "write = 1048576" ]
}

@test "RT6-7: a signal epoll_pwait's mask blocks, pending, and SIGURG (ignored) under the wait: 0 at its timeout, then the handler, as on Linux" {
	need_pidns
	# At SIGURG's stop the mask in force is the call's; the thread's own
	# (PTRACE_GETSIGMASK) let the pending SIGUSR1 end the wait with EINTR.
	run bash -c 'printf "P\0P" | "$0" solo' "$RT/carry"
	expect_output "wait = 0 after in time ms, usr1 1"
	run mx "$RT/carry" pwblock < "$RT/carry"
	expect_status 0
	expect_output "wait = 0 after in time ms, usr1 1"
}

@test "RT6-8: the same with passes instead of SIGURG: a pass does not end the wait with EINTR" {
	skip "open: RT6-8, the install runs at the vDSO instruction, so the thread passes through user mode first: the kernel puts the thread's own mask back and delivers the signal the call's mask held (give_back: EINTR). Keeping the call's mask by PTRACE_SETSIGMASK over the install and the carried wait (tried: 8aa654d, reverted) loses the kernel's saved mask, so a signal the call lets in then ends the carried wait without its handler (RT6 held pwcatch, 3 of 8)"
	need_pidns
	run mx "$RT/carry" pwblockp 300 < "$RT/carry"
	expect_status 0
	expect_output "wait = 0 after in time ms, usr1 1"
	[[ "$output" != *"no pass placed"* ]]
}

# ---- what held ----------------------------------------------------------

@test "RT6 held: with no pass, SIGURG (ignored) every ms and SIGUSR1 (caught) every 37 ms: a loop of epoll_wait(100) never times out early" {
	need_pidns
	# The caught signal ends a carried wait (EINTR, wait_done) and its
	# deadline with it.
	run mx "$RT/carry" sigmix < "$RT/carry"
	expect_status 0
	expect_output "early zeros 0, other 0 ("
	[[ "$output" == *"some EINTR"* ]]
}

@test "RT6 held: epoll_pwait and epoll_pwait2 with a mask, broken by SIGURG (ignored) and carried on, leave the thread its own mask" {
	need_pidns
	# At the signal's stop the call's mask is in force; the carried call
	# must start from the thread's own (PTRACE_GETSIGMASK gives it).
	run mx "$RT/carry" pwmask < "$RT/carry"
	expect_status 0
	expect_output "wait = 0 after in time ms; SIGUSR1 unblocked after it"
	run mx "$RT/carry" pw2mask < "$RT/carry"
	expect_status 0
	expect_output "wait = 0 after in time ms; SIGUSR1 unblocked after it"
	run mx "$RT/carry" passmask 300 < "$RT/carry"
	expect_status 0
	expect_output "wait = 0 after in time ms; SIGUSR1 unblocked after it"
	[[ "$output" != *"no pass placed"* ]]
}

@test "RT6 held: every register but rax, rcx and r11 comes back as it was from epoll_wait and epoll_pwait2 carried on under 1.2 s of passes (or SIGURG every ms)" {
	need_pidns
	# (r10 of epoll_wait with high bits the kernel ignores: 100 ms)
	run mx "$RT/carry" regs 1200 < "$RT/carry"
	expect_status 0
	expect_output "10 waits: 0 registers changed, 0 results not 0"
	[[ "$output" != *"no pass placed"* ]]
	run mx "$RT/carry" regs2 1200 < "$RT/carry"
	expect_status 0
	expect_output "10 waits: 0 registers changed, 0 results not 0"
	[[ "$output" != *"no pass placed"* ]]
	run mx "$RT/carry" regsign < "$RT/carry"
	expect_status 0
	expect_output "10 waits: 0 registers changed, 0 results not 0"
}

@test "RT6 held: a caught signal ends a carried wait with EINTR and runs its handler, on the wait's own frame, with epoll_pwait's mask in force and the thread's own after" {
	need_pidns
	# (The handler checks its frame: rip out of the vDSO, r10 the wait's
	# timeout, rax -EINTR: the registers were the thread's again first.)
	run mx "$RT/carry" catch 1000 < "$RT/carry"
	expect_status 0
	expect_output "wait = -1 EINTR after 200 to 1000 ms, usr1 1 (frame the wait's); SIGUSR1 unblocked after it"
	# SIGUSR1 blocked, the wait's mask empty: taken in the wait.
	run mx "$RT/carry" pwcatch 1000 < "$RT/carry"
	expect_status 0
	expect_output "wait = -1 EINTR after 200 to 1000 ms, usr1 1 (frame the wait's); SIGUSR1 blocked after it"
}

@test "RT6 held: a thread that blocks every signal, sent SIGUSR1 every ms under passes, never sees EINTR nor an early 0" {
	need_pidns
	run mx "$RT/carry" blockall 1100 < "$RT/carry"
	expect_status 0
	expect_output "EINTR 0, early zeros 0, some zeros"
}

@test "RT6 held: SIGCHLD, SIGWINCH, SIGCONT (default: ignored) and a real-time signal set to SIG_IGN, every ms, neither make epoll_wait(100) fail EINTR nor keep it from timing out" {
	need_pidns
	local s
	for s in 17 28 18 40; do
		run mx "$RT/carry" ign 0 $s < "$RT/carry"
		expect_status 0
		expect_output "epoll_wait = 0 after in time ms, EINTR 0"
	done
}

@test "RT6 held: a ckill or an exit_group while a wait is carried on ends it; the supervisor goes on (the next child's waits are whole)" {
	need_pidns
	run mx "$RT/carry" ckill 300 < "$RT/carry"
	expect_status 0
	expect_output "ckill = 0; 10 waits: 0 registers changed, 0 results not 0"
	run mx "$RT/carry" exitmid 400 < "$RT/carry"
	expect_status 0
	[[ "$output" != *"did not end it"* ]]
}

@test "RT6 held: an event that comes while a wait is carried on under passes is the program's, in its buffer, as registered" {
	need_pidns
	run mx "$RT/carry" event 600 < "$RT/carry"
	expect_status 0
	expect_output "epoll_wait = 1 after 200 to 1000 ms, data as registered"
	[[ "$output" != *"no pass placed"* ]]
}

@test "RT6 held: epoll_wait with maxevents 0 or -1 is EINVAL under passes" {
	need_pidns
	run mx "$RT/carry" maxev 300 < "$RT/carry"
	expect_status 0
	expect_output "maxevents 0: -1 EINVAL; -1: -1 EINVAL"
}
