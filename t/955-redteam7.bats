#!/usr/bin/env bats
# Red team 7 against the checkpoint and restore of --policy pipelines and
# cnew trees (format 4): forged trees, streams and files (made by
# t/redteam/ckmut7 with valid checksums), and live runs frozen by SIGUSR1
# at "ready" (as t/993).  One test per finding ("RT7-N"), then what held;
# a finding still open is skipped, naming it.

load helpers

RT="$MINOS_BUILD/t/redteam"

setup() {
	D="$BATS_TEST_TMPDIR"
}

# restore, refused FILE [OPTIONS...]: helpers.bash's, stdin "go".
restore() { ck_restore "$@" <<<"go"; }
refused() { ck_refused "$@" <<<"go"; }

# base_tree: $D/t.ck, t/redteam/cktree7 (a container and its sleeping
# flat child, cid 1) frozen at "tree7 ready".
base_tree() {
	local pid sup line st
	ck_start "$D/t.ck" "tree7 ready" "$@" "$RT/cktree7"
	ck_ask
	ck_finish
	[ "$st" -eq 0 ]
	[ "$line" = "minos-exec: checkpointed 2 containers to $D/t.ck" ]
	[ ! -s "$D/out" ]
}
mutate() { # BASE MUTATION
	"$RT/ckmut7" "$D/$1.ck" "$D/$2.ck" "$2"
}

@test "RT7-1: a parent restored with its last cid at INT32_MAX gets an error from its next cnew, never a negative cid (a child it cannot name)" {
	need_pidns
	base_tree
	restore "$D/t.ck"
	expect_status 0
	[ "$output" = "cnew: 2" ]
	mutate t cidmax
	restore "$D/cidmax.ck"
	# Old build: "cnew: -2147483648", the child unreachable, the run
	# held until the wall-time bound (and UBSan: signed overflow).
	expect_status 0
	[ "$output" = "cnew: -11" ]
}

@test "RT7-2: a file whose streams a user past fs.pipe-user-pages-soft cannot hold is refused in one line, never a supervisor blocked for ever in a pipe's write (SIGTERM blocked)" {
	need_pidns
	command -v setpriv >/dev/null || skip "no setpriv"
	local soft
	soft=$(cat /proc/sys/fs/pipe-user-pages-soft)
	[ "$soft" -gt 0 ] && [ "$soft" -le 20000 ] || skip "pipe-user-pages-soft is $soft"
	base_tree
	mutate t streamhog
	chmod 644 "$D/streamhog.ck"
	# as nobody (no CAP_SYS_RESOURCE nor CAP_SYS_ADMIN: the kernel's
	# per-user pipe limits apply); the file through a descriptor, its
	# directory need not be nobody's
	run --separate-stderr timeout -k 2 20 setpriv --reuid=65534 --regid=65534 \
		--clear-groups "$MINOS_EXEC" --restore=/proc/self/fd/3 \
		3<"$D/streamhog.ck" <<<"go"
	echo "status $status: [$output] $stderr"
	# Old build: killed by timeout's SIGKILL (137) after SIGTERM did nothing.
	expect_status 125
	[ -z "$output" ]
	[ "$(grep -vc 'namespaces cannot be made here' <<<"$stderr")" -eq 1 ]
	[[ "$stderr" == *"65536 bytes"* ]]
}

@test "RT7-3: a log the policy creates (mode: create), replaced by a symlink before the restore, is not followed: the file it names is not truncated nor written" {
	need_pidns
	pipeline create
	rm "$D/log.txt"
	printf 'victim %.0s' $(seq 100) >"$D/victim"
	ln -s "$D/victim" "$D/log.txt"
	restore "$D/p.ck" --policy="$D/p.yaml"
	# Old build: victim truncated to 14 bytes and the log written into it.
	[ "$(stat -c %s "$D/victim")" -eq 700 ]
	expect_status 125
	[ -z "$output" ]
}

@test "RT7-4: a checkpoint's freeze that starts as a wpass/rpass does breaks none of them with EAGAIN: 60 checkpoints (--leave-running) of a run of passes, and every pass succeeds" {
	# A pass begun while a freeze was on borrowed a thread whose freeze
	# interrupt the loop asked for again at once (ckpt_rearm): it broke
	# the install call, the pass started again, and again, 1000 times,
	# then EAGAIN (about one freeze in ten on the old build).  And the
	# other way round: a wpass whose stop came just after the freeze's
	# ask borrowed a child thread the freeze held, whose interrupt never
	# came; the pass and the freeze waited for each other until the
	# pass's 1 s ran out: EAGAIN (every other run, sanitizer build).
	need_pidns
	local pid mxpid line rest i
	mkfifo "$D/out"
	timeout -k 5 120 "$MINOS_EXEC" --checkpoint="$D/c.ck" --leave-running \
		"$RT/churn" 3000 passes </dev/null >"$D/out" 2>"$D/err" &
	pid=$!
	exec 5<"$D/out"
	read -r -t 30 line <&5
	[ "$line" = passes ]
	mxpid=$(pgrep -P $pid)
	for i in $(seq 60); do
		kill -USR1 "$mxpid" 2>/dev/null || break
		sleep 0.02
	done
	rest=$(cat <&5)
	exec 5<&-
	wait $pid
	grep -v 'ckill by' "$D/err" | sort | uniq -c
	echo "$rest"
	[ "$rest" = "round 0"$'\n'"errors 0" ]
	[ "$(grep -c '^minos-exec: checkpointed' "$D/err")" -ge 5 ]
	! grep -E 'internal error|runtime error' "$D/err"
}

# ---- held ------------------------------------------------------------------

@test "RT7 held: a tree forged with a cid past its parent's last, a second root outside a policy run, or a stream over 1 MiB is refused by the checker ck_read shares (the writer cannot even make it)" {
	need_pidns
	base_tree
	local m
	for m in cidover rootless over; do
		run "$RT/ckmut7" "$D/t.ck" "$D/$m.ck" $m
		echo "$m: $status $output"
		[ "$status" -eq 1 ]
		[[ "$output" == "write: "* ]]
	done
}

@test "RT7 held: one tree file restored twice at once gives the same run twice" {
	need_pidns
	base_tree
	local a b sa=0 sb=0
	timeout -k 5 60 "$MINOS_EXEC" --restore="$D/t.ck" <<<"go" >"$D/a.out" 2>"$D/a.err" &
	a=$!
	timeout -k 5 60 "$MINOS_EXEC" --restore="$D/t.ck" <<<"go" >"$D/b.out" 2>"$D/b.err" &
	b=$!
	wait $a || sa=$?
	wait $b || sb=$?
	cat "$D/a.err" "$D/b.err"
	[ "$sa" -eq 0 ] && [ "$sb" -eq 0 ]
	[ "$(cat "$D/a.out")" = "cnew: 2" ] && [ "$(cat "$D/b.out")" = "cnew: 2" ]
}

# churn: rounds of cnew, wpass and rpass into the child, ckill, failing
# cnews, Minos pipes; a checkpoint at any moment of it either is refused
# (one line, the run goes on) or restores to the uninterrupted end.
# churn_at AT: one such run; 0 and $out the restored run's (or the run's
# own when refused) output.
churn_at() {
	rm -f "$D/c.ck"
	run --separate-stderr mx --checkpoint="$D/c.ck" --checkpoint-at=$1 \
		"$RT/churn" 300 </dev/null
	echo "at $1: $status [$output] $(grep -v 'ckill by' <<<"$stderr")"
	expect_status 0
	[[ "$stderr" != *"internal error"* && "$stderr" != *"runtime error"* ]]
	out=$output
	[ -s "$D/c.ck" ] || return 0
	[ -z "$output" ]
	run --separate-stderr mx --restore="$D/c.ck" </dev/null
	echo "restored: $status [$output]"
	expect_status 0
	[[ "$stderr" != *"internal error"* && "$stderr" != *"runtime error"* ]]
	out=$output
}

@test "RT7 held: a container racing the freeze (cnew, wpass, rpass, ckill, pipes) is saved or refused without a crash or a hang; the restored run ends its rounds with status 0" {
	need_pidns
	local at
	for at in 10ms 20ms 50ms 90ms 150ms; do
		churn_at $at
		[[ "$out" == *"round 300"* ]]
	done
}

# The pipeline of t/993 (t/guests/ckpipe: gen | sort | count, and a stage
# that has ended with 4), frozen when its three stages said "ready":
# $D/p.ck; $D/ref.out, ref.status, ref.log the uninterrupted run's.
# $1: the log's mode (truncate).
pipeline() { # [MODE]
	for i in $(seq 60); do echo "w$((i * 7 % 11))"; done >"$D/input.txt"
	cat >"$D/p.yaml" <<-EOF2
	limits: {wall-time: 60s}
	defaults: {memory: 64M, cpu-time: 20s, threads: 1}
	streams: [words, sorted, gate, gate2]
	containers:
	  gen:
	    program: $G/ckpipe
	    argv: [ckpipe, gen, "20"]
	    fds: {0: stdin, 1: {write: words}, 2: stderr, 3: {write: gate}, 4: {file: input.txt}}
	  sort:
	    program: $G/ckpipe
	    argv: [ckpipe, sort]
	    fds: {0: {read: words}, 1: {write: sorted}, 2: stderr, 3: {read: gate}, 4: {write: gate2}}
	  count:
	    program: $G/ckpipe
	    argv: [ckpipe, count]
	    fds: {0: {read: sorted}, 1: stdout, 2: stderr, 3: {read: gate2}, 4: {file: log.txt, mode: ${1:-truncate}}}
	  early:
	    program: $G/ckpipe
	    argv: [ckpipe, exit, "4"]
	    fds: {2: stderr}
	EOF2
	local s=0 n=0 line
	echo go | mx --policy="$D/p.yaml" >"$D/ref.out" 2>/dev/null || s=$?
	echo "$s" >"$D/ref.status"
	mv "$D/log.txt" "$D/ref.log"
	[ "$s" -eq 4 ]
	mkfifo "$D/in" "$D/err"
	exec 4<>"$D/in"
	timeout -k 5 60 "$MINOS_EXEC" --policy="$D/p.yaml" --checkpoint="$D/p.ck" \
		<"$D/in" >"$D/part1.out" 2>"$D/err" 3>&- &
	local pid=$!
	exec 5<"$D/err"
	for i in 1 2 3 4; do
		read -r -t 20 line <&5
		case "$line" in
		*ready | "exit 4") n=$((n + 1)) ;;
		esac
	done
	[ "$n" -eq 4 ]
	kill -USR1 "$(pgrep -P $pid)"
	read -r -t 20 line <&5
	wait $pid
	exec 4>&- 5<&-
	[ "$line" = "minos-exec: checkpointed 3 containers to $D/p.ck" ]
	[ "$(cat "$D/log.txt")" = "count started" ]
}
# A restore of the pipeline: $status, $output, $stderr.
prestore() { # FILE
	restore "$1" --policy="$D/p.yaml"
}

@test "RT7 held: the log a stage wrote, truncated or replaced by a FIFO or a directory before the restore, refuses it in one line; nothing runs and the FIFO is never opened for writing" {
	need_pidns
	pipeline
	: >"$D/log.txt"
	refused "$D/p.ck" --policy="$D/p.yaml"
	[[ "$stderr" == *"log.txt holds 0 bytes, the saved run had written 14: it changed since"* ]]
	rm "$D/log.txt"
	mkfifo "$D/log.txt"
	refused "$D/p.ck" --policy="$D/p.yaml"
	rm "$D/log.txt"
	mkdir "$D/log.txt"
	refused "$D/p.ck" --policy="$D/p.yaml"
	rmdir "$D/log.txt"
	# and put back, the restore is the uninterrupted run
	echo "count started" >"$D/log.txt"
	prestore "$D/p.ck"
	[ "$status" -eq "$(cat "$D/ref.status")" ]
	printf '%s\n' "$output" | cmp - "$D/ref.out"
	cmp "$D/log.txt" "$D/ref.log"
}

@test "RT7 held: policy files at a forged offset past their end: the written log refuses the restore in one line (never grown to 1 TiB); nothing is written" {
	need_pidns
	pipeline
	"$RT/ckmut7" "$D/p.ck" "$D/off.ck" fileoff
	refused "$D/off.ck" --policy="$D/p.yaml"
	[[ "$stderr" == *"log.txt holds 14 bytes, the saved run had written 1099511627776"* ]]
	[ "$(stat -c %s "$D/log.txt")" -eq 14 ]
}

@test "RT7 held: every pipe end of every stage naming one stream (held by three stages) restores without a crash or a hang, and the status is a stage's" {
	need_pidns
	pipeline
	"$RT/ckmut7" "$D/p.ck" "$D/s3.ck" share3
	prestore "$D/s3.ck"
	[ "$status" -lt 125 ]
}
