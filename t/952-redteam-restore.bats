#!/usr/bin/env bats
# Red team 4 against the newest checkpoint/restore code: pending signals
# saved with their siginfo and queued again, and private objects (epoll
# sets, eventfds, timerfds).  Hostile files are made by t/redteam/ckmut
# (valid checksums); live attacks by t/redteam/sigflip.  One test per
# finding ("RT4-N"), then what held; a finding still open is skipped,
# naming it.

load helpers

RT="$MINOS_BUILD/t/redteam"

setup() {
	D="$BATS_TEST_TMPDIR"
}

# base_sig: $D/base.ck, t/redteam/ckvdso waiting in a read (as t/947).
base_sig() {
	mkfifo "$D/hold"
	exec 6<>"$D/hold"
	mx --checkpoint="$D/base.ck" --checkpoint-at=50ms "$RT/ckvdso" plain \
		<"$D/hold" >/dev/null 2>&1 || true
	exec 6>&-
	[ -s "$D/base.ck" ]
}
# base_obj: $D/obj.ck, t/guests/ckcomp objects (an epoll set over a pipe
# and an eventfd, a periodic timerfd) checkpointed in the middle; what it
# printed before (its first rounds, one line each) in $D/obj.out.
base_obj() {
	mx --checkpoint="$D/obj.ck" --checkpoint-at=150ms "$G/ckcomp" objects 20 \
		>"$D/obj.out" 2>/dev/null
	[ -s "$D/obj.ck" ]
}
mutate() { # BASE MUTATION
	"$RT/ckmut" "$D/$1.ck" "$D/$2.ck" "$2"
}
# restore, refused FILE [OPTIONS...]: helpers.bash's, stdin empty.
restore() { ck_restore "$@" </dev/null; }
refused() { ck_refused "$@" </dev/null; }

@test "RT4-1: a checkpoint never makes a container's epoll_wait (no timeout, a timerfd of 1 ms) fail EINTR: the run that goes on and the restored run end as the uninterrupted one" {
	need_pidns
	run --separate-stderr mx "$RT/sigflip" timer 300
	expect_status 0
	[ "$output" = "timer 300: ok" ]
	local at
	for at in 20ms 60ms; do
		run --separate-stderr mx --checkpoint="$D/l.ck" --checkpoint-at=$at \
			--leave-running "$RT/sigflip" timer 300
		echo "leave-running at $at: $status [$output] $stderr"
		expect_status 0
		[ "$output" = "timer 300: ok" ]
		rm -f "$D/t.ck"
		run --separate-stderr mx --checkpoint="$D/t.ck" --checkpoint-at=$at \
			"$RT/sigflip" timer 300
		expect_status 0
		[ -z "$output" ]
		restore "$D/t.ck"
		expect_status 0
		[ "$output" = "timer 300: ok" ]
	done
}

@test "RT4-2: a pending SIGXCPU the file says the kernel sent (SI_KERNEL) is not reported as the CPU limit the restored run never reached" {
	need_pidns
	base_sig
	mutate base xcpuk
	restore "$D/xcpuk.ck"
	expect_status 152
	[[ "$stderr" == *"killed by signal 24 (SIGXCPU)"* ]]
	[[ "$stderr" != *"CPU time limit"* ]]
}

@test "RT4-3: a pending SIGXFSZ the file says the kernel sent (SI_USER) is not reported as an output limit the run does not have" {
	need_pidns
	base_sig
	mutate base xfszu
	restore "$D/xfszu.ck"
	expect_status 153
	[[ "$stderr" == *"killed by signal 25 (SIGXFSZ)"* ]]
	[[ "$stderr" != *"output limit"* ]]
}

@test "RT4 held: forged siginfo (SIGSEGV SI_KERNEL with an address, SIGSYS SYS_SECCOMP, SIGTRAP TRAP_BRKPT, SIGUSR1 SI_QUEUE from pid 1) reaches the restored container only: it ends by that signal" {
	need_pidns
	base_sig
	local m sig
	for m in segvk:11 sysk:31 trapk:5 usr1pid1:10; do
		sig=${m#*:}
		m=${m%%:*}
		mutate base $m
		restore "$D/$m.ck"
		expect_status $((128 + sig))
		[[ "$stderr" == *"killed by signal $sig "* ]]
	done
}

@test "RT4 held: 256 realtime signals in the thread's queue and 256 in the container's are queued again (the first ends it), also under --fds=8 --memory=64M" {
	need_pidns
	base_sig
	mutate base rt256
	restore "$D/rt256.ck"
	expect_status 162
	restore "$D/rt256.ck" --fds=8 --memory=64M
	expect_status 162
}

@test "RT4 held: the writer refuses a pending SIGKILL (ckmut cannot make the file)" {
	base_sig
	run "$RT/ckmut" "$D/base.ck" "$D/sig9.ck" sig9
	[ "$status" -eq 1 ]
	[[ "$output" == "write: "*"SIGKILL"* ]]
}

@test "RT4 held: an epoll registration the kernel refuses (every event bit: EXCLUSIVE with ONESHOT; a standard stream) refuses the restore in one line, nothing runs" {
	need_pidns
	base_obj
	mutate obj regall
	refused "$D/regall.ck"
	[[ "$stderr" == *"epoll set"*"cannot watch descriptor"* ]]
	mutate obj regstd
	refused "$D/regstd.ck"
	[[ "$stderr" == *"epoll set"*"cannot watch descriptor 0"* ]]
}

@test "RT4 held: an object at a number over --fds, or any object file under --fds=8, is refused before anything starts" {
	need_pidns
	base_obj
	mutate obj objhigh
	refused "$D/objhigh.ck"
	[[ "$stderr" == *"descriptor 1000, over --fds"* ]]
	refused "$D/obj.ck" --fds=8
	[[ "$stderr" == *"over --fds=8"* ]]
}

@test "RT4 held: an eventfd at 2^64-2, a timerfd with 2^64-1 unread expirations, one of interval 1 ns (a tick storm), a registration for a pipe end: the restored run goes to its end" {
	need_pidns
	base_obj
	local m n
	# The rounds left after those it printed (how many, the time of the
	# checkpoint decides: 6 or 7 at 150 ms, more on a slow machine).
	n=$(wc -l <"$D/obj.out")
	[ "$n" -lt 20 ]
	for m in efdmax tickhuge tick1ns objmax regpipe; do
		mutate obj $m
		restore "$D/$m.ck"
		expect_status 0
		[ "$(wc -l <<<"$output")" -eq $((20 - n)) ]
		[[ "$(head -n 1 <<<"$output")" == "round $n:"* ]]
		[[ "$(tail -n 1 <<<"$output")" == "round 19:"* ]]
	done
}

@test "RT4 held: a thread that blocks, sends itself, flips the disposition (handler, SIG_IGN) and unblocks SIGUSR1 without pause is checkpointed and restored to the uninterrupted count" {
	need_pidns
	local at
	for at in 20ms 60ms; do
		rm -f "$D/f.ck"
		run --separate-stderr mx --checkpoint="$D/f.ck" --checkpoint-at=$at \
			"$RT/sigflip" flip 20000
		expect_status 0
		[ -s "$D/f.ck" ] || { [ "$output" = "flip 20000: caught 10000" ]; continue; }
		restore "$D/f.ck"
		expect_status 0
		[ "$output" = "flip 20000: caught 10000" ]
	done
}

@test "RT4 held: three threads each with pending signals of their own are queued again in each (the unblocked SIGUSR2 ends it); over --threads refused before anything starts" {
	need_pidns
	base_sig
	mutate base threadsig
	restore "$D/threadsig.ck"
	expect_status 140
	[[ "$stderr" == *"killed by signal 12 (SIGUSR2)"* ]]
	refused "$D/threadsig.ck" --threads=2
	[[ "$stderr" == *"3 threads, over --threads=2"* ]]
}

@test "RT4-4: with --output set, a forged pending SIGXFSZ (SI_USER) in a restore file is not reported as the output limit the run never reached" {
	need_pidns
	base_sig
	mutate base xfszu
	restore "$D/xfszu.ck" --output=1M
	# Old build: 'killed: output limit 1048576 bytes exceeded (SIGXFSZ)'.
	[[ "$stderr" != *"output limit"* ]]
	[[ "$stderr" == *"SIGXFSZ"* ]]
}

@test "RT4 held: pending signals with the stack pointer at 0 (the restore's scratch below it unmapped) refuse the restore in one line" {
	need_pidns
	base_sig
	mutate base rsp0
	refused "$D/rsp0.ck"
}
