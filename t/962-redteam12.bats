#!/usr/bin/env bats
# Red team 12 against 1fe94d0 (containers start with clone(CLONE_VM): the
# trampoline on a pooled stack, raw calls, dispositions reset) and 5dfaded
# (a cnew child's vDSO sealed with no stop of its own, the run's key in
# r9).  One test per finding ("RT12-N"), then what held.  t/redteam/rt12.c
# says what each mode does and what a "state" line means: every container
# here must say "sig=0 mask=0 pend=0" (default dispositions, nothing
# blocked or pending), a cnew child "seal=1,1,1 guess=0" (mprotect, munmap
# and mremap of its vDSO EPERM; no guessed mseal key gets past ENOSYS).

load helpers

RT="$MINOS_BUILD/t/redteam"
GOOD="sig=0 mask=0 pend=0 seal=1,1,1 guess=0"

setup() {
	D="$BATS_TEST_TMPDIR"
}

# ignoring SIG... -- ARGS: minos-exec ARGS (at most 30 s) with those
# signals ignored (SIG_IGN survives exec, as nohup and trap '' do) and
# every signal blocked.  (Not under timeout(1): it sets SIGCHLD back.)
ignoring() {
	local sigs=""
	while [ "$1" != "--" ]; do
		sigs="$sigs $1"
		shift
	done
	shift
	timeout -k 2 30 perl -e 'use POSIX; my @s = split " ", shift;
		$SIG{$_} = "IGNORE" for @s;
		my $all = POSIX::SigSet->new; $all->fillset;
		sigprocmask(SIG_BLOCK, $all); exec @ARGV or exit 127' "$sigs" "$MINOS_EXEC" "$@"
}

@test "RT12-1: a caller's ignored SIGCHLD does not hang the run at its first stop" {
	command -v perl >/dev/null || skip "no perl"
	# The kernel sends no SIGCHLD for a tracee's stops while SIGCHLD is
	# ignored: the supervisor's signalfd never woke (hung until killed).
	run --separate-stderr ignoring CHLD -- "$RT/rt12" state
	echo "$status [$output] $stderr"
	expect_status 0
	[[ "$output" == "sig=0 mask=0 pend=0 "* ]]
	run --separate-stderr ignoring CHLD -- "$RT/rt12" kids 3 <"$RT/rt12"
	echo "$status [$output] $stderr"
	expect_status 0
	[ "$output" = "3 x $GOOD" ]
	no_faults "$stderr"
	cat >"$D/p.yaml" <<-EOF2
	limits: {wall-time: 20s}
	containers:
	  a:
	    program: $RT/rt12
	    argv: [rt12, kids, "2"]
	    fds: {0: {file: $RT/rt12}, 1: stdout, 2: stderr}
	EOF2
	run --separate-stderr ignoring CHLD -- --policy="$D/p.yaml"
	echo "$status [$output] $stderr"
	expect_status 0
	[ "$output" = "2 x $GOOD" ]
}

@test "RT12-2: a SIGHUP minos-exec's caller ignores (nohup) does not end the run" {
	need_pidns
	command -v perl >/dev/null || skip "no perl"
	# Was: loop.c held and read SIGHUP, SIGINT, SIGQUIT and SIGTERM
	# whatever their disposition, and a held signal is queued even while
	# ignored, so under nohup the hangup still ended every container.
	local pid sup line
	rm -f "$D/out"
	mkfifo "$D/out"
	ignoring HUP -- "$G/spin" block >"$D/out" 2>"$D/err" &
	pid=$!
	exec 5<"$D/out"
	read -r -t 20 line <&5
	[ "$line" = spinning ]
	sup=$(pgrep -P $pid)
	# Signals are taken lowest number first: a HUP not ignored would be
	# the run's end, before the TERM.
	kill -HUP "$sup"
	kill -TERM "$sup"
	wait $pid || st=$?
	exec 5<&-
	cat "$D/err"
	[ "${st:-0}" -eq 143 ]
	grep -q 'received SIGTERM' "$D/err"
}

@test "held: signals the caller ignores and blocks are default and open in every container" {
	command -v perl >/dev/null || skip "no perl"
	local o
	for o in "" --no-namespaces; do
		run --separate-stderr ignoring HUP INT QUIT TERM USR1 USR2 PIPE ALRM \
			URG WINCH TSTP TTIN TTOU XCPU XFSZ -- $o "$RT/rt12" kids 12 <"$RT/rt12"
		echo "[$o] $status [$output] $stderr"
		expect_status 0
		[ "$output" = "12 x $GOOD" ]
		run --separate-stderr ignoring HUP INT TERM USR2 -- $o "$RT/rt12" state
		expect_status 0
		[[ "$output" == "sig=0 mask=0 pend=0 "* ]]
		no_faults "$stderr"
	done
	run --separate-stderr nohup "$MINOS_EXEC" "$RT/rt12" state </dev/null
	[[ "$output" == "sig=0 mask=0 pend=0 "* ]]
}

@test "held: cnew and ckill at once from 4 threads, then 12 children at once: all start, all killed are SIGKILL" {
	run --separate-stderr mx --no-namespaces "$RT/rt12" storm 4 30 12 <"$RT/rt12"
	expect_status 0
	[ "$output" = "storm bad 0
12 x $GOOD" ]
	no_faults "$stderr"
	run --separate-stderr mx --report="$D/r.json" "$RT/rt12" storm 4 60 12 <"$RT/rt12"
	echo "$status [$output] $(grep -v 'ckill by' <<<"$stderr")"
	expect_status 0
	[ "${lines[0]}" = "storm bad 0" ]
	[ "${lines[1]}" = "12 x $GOOD" ]
	[ "${#lines[@]}" -eq 2 ]
	no_faults "$stderr"
	[[ "$stderr" != *"cannot start"* ]]
	# 240 killed (137), the first and the 12 (0): no other end.
	run python3 -c '
import json, collections, sys
c = json.load(open(sys.argv[1]))["containers"]
print(sorted(collections.Counter(x["status"] for x in c).items()))' "$D/r.json"
	echo "$output"
	[ "$output" = "[(0, 13), (137, 240)]" ]
}

@test "held: 40 children starting at once (more than the 8 kept stacks), sealed, keys unguessable" {
	local o
	for o in "" --report=/dev/null --no-namespaces; do
		run --separate-stderr mx $o "$RT/rt12" kids 40 <"$RT/rt12"
		echo "[$o] $status [$output] $stderr"
		expect_status 0
		[ "$output" = "40 x $GOOD" ]
		no_faults "$stderr"
	done
}

@test "held: a child given 256 slots, and 16000 (its arguments past the pooled 64 KiB stack)" {
	run --separate-stderr mx "$RT/rt12" fds 256 <"$RT/rt12"
	expect_status 0
	[ "$output" = "fds 256: $GOOD" ]
	[ "$(ulimit -n)" = unlimited ] || [ "$(ulimit -n)" -ge 16100 ] ||
		skip "RLIMIT_NOFILE below 16100"
	run --separate-stderr mx --fds=16050 "$RT/rt12" fds 16000 <"$RT/rt12"
	echo "$status [$output] $stderr"
	expect_status 0
	[ "$output" = "fds 16000: $GOOD" ]
	no_faults "$stderr"
}

@test "held: an execveat the limits make fail is reported by the trampoline's own line" {
	local big
	big=$(head -c 70000 /dev/zero | tr '\0' x)
	# --memory=1M: a 256K stack limit, so 140K of arguments is E2BIG.
	run --separate-stderr mx --memory=1M "$G/args" "$big" "$big"
	echo "$status [$output] $stderr"
	expect_status 125
	[ -z "$output" ]
	[ "$stderr" = "minos-exec: args: cannot start the container: starting the program: Argument list too long" ]
}

@test "held: 20 policy stages, each with two children" {
	{
		echo "limits: {wall-time: 60s, containers: 64}"
		echo "defaults: {memory: 64M, cpu-time: 20s, threads: 4, containers: 4}"
		echo "containers:"
		for i in $(seq 20); do
			echo "  s$i:"
			echo "    program: $RT/rt12"
			echo "    argv: [rt12, kids, \"2\"]"
			echo "    fds: {0: {file: $RT/rt12}, 1: stdout, 2: stderr}"
		done
	} >"$D/p.yaml"
	run --separate-stderr mx --policy="$D/p.yaml"
	echo "$status $stderr"
	expect_status 0
	[ "$(sort <<<"$output" | uniq -c | sed 's/^ *//')" = "20 2 x $GOOD" ]
	no_faults "$stderr"
}

@test "held: a restored child's vDSO is sealed and its state default" {
	local pid sup line st
	cat >"$D/h.yaml" <<-EOF2
	limits: {wall-time: 60s, containers: 8}
	defaults: {memory: 64M, cpu-time: 20s, threads: 4, containers: 4}
	containers:
	  hold:
	    program: $RT/rt12
	    argv: [rt12, hold]
	    fds: {0: stdin, 1: stdout, 2: stderr, 5: {file: $RT/rt12}}
	EOF2
	ck_start "$D/c.ck" ready --policy="$D/h.yaml"
	ck_ask
	[ "$line" = "minos-exec: checkpointed 2 containers to $D/c.ck" ]
	ck_finish
	[ "$(cat "$D/out")" = "before: $GOOD" ]
	ck_restore "$D/c.ck" --policy="$D/h.yaml" <<<"go"
	expect_status 0
	[ "$output" = "after: $GOOD" ]
	ck_restore "$D/c.ck" --policy="$D/h.yaml" --report=/dev/null <<<"go"
	expect_status 0
	[ "$output" = "after: $GOOD" ]
}

@test "held: checkpoints with --leave-running during a cnew/ckill storm, then its restore" {
	need_pidns
	local pid sup i n=0
	timeout -k 5 60 "$MINOS_EXEC" --checkpoint="$D/s.ck" --leave-running \
		"$RT/rt12" storm 4 300 12 <"$RT/rt12" >"$D/out" 2>"$D/err" &
	pid=$!
	for i in $(seq 100); do # bounded: until minos-exec is there
		sup=$(pgrep -P $pid) && break
		sleep 0.05
	done
	for i in $(seq 20); do
		kill -USR1 "$sup" 2>/dev/null || break
		sleep 0.05
	done
	wait $pid
	grep -v 'ckill by' "$D/err" || true
	[ "$(head -1 "$D/out")" = "storm bad 0" ]
	[ "$(sed -n 2p "$D/out")" = "12 x $GOOD" ]
	no_faults "$(cat "$D/err")"
	n=$(grep -c '^minos-exec: checkpointed' "$D/err" || true)
	echo "checkpoints: $n"
	[ "$n" -ge 1 ] || skip "no checkpoint was made during the storm"
	ck_restore "$D/s.ck" </dev/null
	[[ "$status" -eq 0 || "$status" -eq 137 ]]
	[[ "$output" != *"storm bad"* || "$output" == *"storm bad 0"* ]]
	[[ "$output" != *" x "* || "$output" == *"12 x $GOOD"* ]]
}

@test "held: SIGKILL, SIGTERM or SIGINT to minos-exec in a storm leaves no process" {
	need_pidns
	local sig pid sup i
	for sig in KILL TERM INT; do
		timeout -k 5 60 "$MINOS_EXEC" "$RT/rt12" storm 4 100000 1 \
			<"$RT/rt12" >/dev/null 2>"$D/err" &
		pid=$!
		for i in $(seq 200); do # bounded: until children come and go
			sup=$(pgrep -P $pid) && [ "$(pgrep -P "$sup" | wc -l)" -ge 2 ] && break
			sleep 0.02
		done
		kill -"$sig" "$sup"
		wait $pid || true
		for i in $(seq 100); do # bounded: the kernel reaps them
			[ -z "$(pgrep -u nobody; pgrep minos-exec)" ] && break
			sleep 0.05
		done
		echo "$sig: $(pgrep -u nobody; pgrep minos-exec)"
		[ -z "$(pgrep -u nobody; pgrep minos-exec)" ]
		no_faults "$(cat "$D/err")"
	done
}

@test "held: passes into a child racing its stopless seal: r9 and every register zero at entry, vDSO sealed" {
	local o
	for o in "" --report=/dev/null; do
		run --separate-stderr mx $o "$RT/rt12pass" race 150 <"$RT/rt12pass"
		echo "[$o] $status [$output] $stderr"
		expect_status 0
		[ "$output" = "150 x r9 0 others 0 seal 1,1" ]
		no_faults "$stderr"
	done
}

@test "held: checkpoints (--leave-running) of children on their way through the seal, then the restore" {
	need_pidns
	local pid sup i n
	timeout -k 5 60 "$MINOS_EXEC" --checkpoint="$D/s.ck" --leave-running \
		"$RT/rt12pass" race 150 <"$RT/rt12pass" >"$D/out" 2>"$D/err" &
	pid=$!
	for i in $(seq 100); do # bounded: until minos-exec is there
		sup=$(pgrep -P $pid) && break
		sleep 0.05
	done
	for i in $(seq 30); do
		kill -USR1 "$sup" 2>/dev/null || break
		sleep 0.02
	done
	wait $pid
	[ "$(cat "$D/out")" = "150 x r9 0 others 0 seal 1,1" ]
	no_faults "$(cat "$D/err")"
	n=$(grep -c '^minos-exec: checkpointed' "$D/err" || true)
	echo "checkpoints: $n"
	[ "$n" -ge 1 ] || skip "no checkpoint was made during the run"
	ck_restore "$D/s.ck" </dev/null
	expect_status 0
	[ "$output" = "150 x r9 0 others 0 seal 1,1" ]
}

@test "held: checkpoint files of children on their way through the keyed seal never hold the run's key" {
	need_pidns
	command -v python3 >/dev/null || skip "no python3"
	local pid sup i key
	timeout -k 5 60 "$MINOS_EXEC" --checkpoint="$D/s.ck" --leave-running \
		"$RT/rt12pass" race 200 <"$RT/rt12pass" >"$D/out" 2>"$D/err" &
	pid=$!
	for i in $(seq 100); do # bounded: until minos-exec is there
		sup=$(pgrep -P $pid) && break
		sleep 0.05
	done
	key=$(python3 "$MINOS_SRC/t/redteam/rt12key.py" "$sup" 2>/dev/null) || true
	for i in $(seq 40); do
		kill -USR1 "$sup" 2>/dev/null || break
		cp "$D/s.ck" "$D/s$i.ck" 2>/dev/null || true
		sleep 0.02
	done
	wait $pid
	[ "$(cat "$D/out")" = "200 x r9 0 others 0 seal 1,1" ]
	echo "key: $key; files: $(ls "$D" | grep -c 'ck$')"
	[ "$(wc -l <<<"$key")" -eq 1 ] && [ -n "$key" ] ||
		skip "the key could not be read from minos-exec's memory"
	run python3 -c '
import struct, sys
k = struct.pack("<Q", int(sys.argv[1], 16))
print(sum(open(f, "rb").read().count(k) for f in sys.argv[2:]))' "$key" "$D"/*.ck
	[ "$output" = 0 ]
}
