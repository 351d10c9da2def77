#!/usr/bin/env bats
# Red team 8: hostile cases against a cnew wound back by a checkpoint
# (sys_cnew_rewind, the bytes it had read kept with its thread), a tree
# whose first container has ended, and the loop's wait draining.  The
# guest is t/redteam/rt8.c.  A test of a finding still open skips,
# naming it (RT8-N); "RT8 held" tests pin down attacks that held.

load helpers

setup() {
	D="$BATS_TEST_TMPDIR"
	RT="$MINOS_BUILD/t/redteam"
}

@test "RT8-1: a wound-back cnew's bytes stay with their stream: a handler's cnew on the number, now another stream, gets only that stream's bytes" {
	need_pidns
	ck_start "$D/c.ck" "sigswap ready" --leave-running "$RT/rt8" sigswap
	ck_ask
	[ "$line" = "minos-exec: checkpointed 1 container to $D/c.ck; the run goes on" ]
	echo go >&4
	ck_finish
	cat "$D/out"
	[ "$st" -eq 0 ]
	# The handler's child is made of P2's bytes alone (a flat child that
	# says hi), not of P1's int3s with P2's bytes after them.
	grep -qx "handler cnew: 1" "$D/out"
	grep -qx "child says hi" "$D/out"
}

@test "RT8-4: a wound-back cnew's bytes whose number is another stream at the checkpoint are not saved as that stream's" {
	need_pidns
	ck_start "$D/c.ck" "sigswap ready" --leave-running "$RT/rt8" swapwait
	ck_ask
	[ "$line" = "minos-exec: checkpointed 1 container to $D/c.ck; the run goes on" ]
	# The handler has closed A and put P2 (a whole flat child) there.
	read -r -t 20 line <&5
	[ "$line" = "swapped" ]
	ck_ask
	[ "$line" = "minos-exec: checkpointed 1 container to $D/c.ck; the run goes on" ]
	echo go >&4
	ck_finish
	[ "$st" -eq 0 ]
	grep -qx "child says hi" "$D/out"
	ck_restore "$D/c.ck" <<<"go"
	expect_status 0
	[[ "$output" == *"handler cnew: 1"* ]]
	[[ "$output" == *"child says hi"* ]]
}

@test "RT8-2: a thread keeping a wound-back cnew's bytes, in a handler's cnew waiting for its code, does not stop checkpoints; both restore" {
	need_pidns
	ck_start "$D/c.ck" "twocode ready" --leave-running "$RT/rt8" twocode
	ck_ask
	[ "$line" = "minos-exec: checkpointed 1 container to $D/c.ck; the run goes on" ]
	# The handler's cnew on P2 has read part of it and waits.
	read -r -t 20 line <&5
	[ "$line" = "twocode again" ]
	cp "$D/c.ck" "$D/first.ck"
	ck_ask
	[ "$line" = "minos-exec: checkpointed 1 container to $D/c.ck; the run goes on" ]
	echo go >&4
	echo go >&4
	ck_finish
	want=$(printf 'handler cnew: 1\ncnew: 2\nchild says hi\nchild says hi')
	[ "$st" -eq 0 ]
	cat "$D/out"
	[ "$(cat "$D/out")" = "$want" ]
	# The second file holds both cnews' bytes (the handler's, then the
	# first made again).
	ck_restore "$D/c.ck" <<<"$(printf 'go\ngo')"
	expect_status 0
	[ "$output" = "$want" ]
}

@test "RT8 held: a checkpoint before every chunk of a slow code stream (the cnew wound back 16 times) leaves its image exactly the bytes sent; a file from the middle restores to the same" {
	need_pidns
	ck_start "$D/c.ck" "chunk 1" --leave-running "$RT/rt8" slow 24
	for i in $(seq 2 24); do
		ck_ask
		[ "$line" = "minos-exec: checkpointed 1 container to $D/c.ck; the run goes on" ]
		[ "$i" -ne 12 ] || cp "$D/c.ck" "$D/mid.ck"
		echo go >&4
		read -r -t 20 line <&5
		[ "$line" = "chunk $i" ]
	done
	echo go >&4
	ck_finish
	[ "$st" -eq 0 ]
	[ "$(cat "$D/out")" = "$(printf 'cnew: 1\nimage ok')" ]
	# The middle file: the cnew wound back with what it had read by then.
	ck_restore "$D/mid.ck" < <(for i in $(seq 12 24); do echo go; done)
	expect_status 0
	[ "$output" = "$(printf 'cnew: 1\nimage ok')" ]
	[ "$(grep -c '^chunk' <<<"$stderr")" -eq 13 ]
}

@test "RT8 held: a cnew whose code stream's writer is a child container, wound back mid-stream: both restores and the run left running make the image sent" {
	need_pidns
	ck_start "$D/c.ck" "writer ready" "$RT/rt8" writer
	ck_ask
	[ "$line" = "minos-exec: checkpointed 2 containers to $D/c.ck" ]
	echo go >&4
	ck_finish
	[ "$st" -eq 0 ]
	[ ! -s "$D/out" ]
	for i in 1 2; do
		ck_restore "$D/c.ck" <<<"go"
		expect_status 0
		[ "$output" = "$(printf 'cnew: 2\nimage ok')" ]
	done
	ck_start "$D/l.ck" "writer ready" --leave-running "$RT/rt8" writer
	ck_ask
	[ "$line" = "minos-exec: checkpointed 2 containers to $D/l.ck; the run goes on" ]
	echo go >&4
	ck_finish
	[ "$st" -eq 0 ]
	[ "$(cat "$D/out")" = "$(printf 'cnew: 2\nimage ok')" ]
}

# root_ended HOW STATUS: rt8 root HOW ends the first container (its child
# sleeps on); checkpointed once it has ended, restored twice and
# checkpointed again from a restore, every run ends (--wall-time ends the
# child) with STATUS, as the uninterrupted run does.
root_ended() {
	local how=$1 want=$2
	run mx --wall-time=1s "$RT/rt8" root "$how"
	expect_status "$want"
	ck_start "$D/r.ck" "root ready" "$RT/rt8" root "$how"
	# bounded: until the first container has ended and is reaped (its
	# child is the supervisor's only one left)
	for i in $(seq 100); do
		[ "$(pgrep -c -P "$sup")" -eq 1 ] && break
		sleep 0.1
	done
	[ "$(pgrep -c -P "$sup")" -eq 1 ]
	ck_ask
	# (a line about how the first container ended may come first)
	for i in 1 2; do
		[[ "$line" != "minos-exec: container 1 (rt8): killed by signal"* ]] ||
		read -r -t 20 line <&5
	done
	[ "$line" = "minos-exec: checkpointed 1 container to $D/r.ck" ]
	ck_finish
	[ "$st" -eq 0 ]
	for i in 1 2; do
		ck_restore "$D/r.ck" --wall-time=1s
		expect_status "$want"
	done
	timeout -k 5 60 "$MINOS_EXEC" --restore="$D/r.ck" --checkpoint="$D/r2.ck" \
		--checkpoint-at=0.3s 2>/dev/null
	ck_restore "$D/r2.ck" --wall-time=1s
	expect_status "$want"
}

@test "RT8 held: a first container killed by its own SIGKILL before the checkpoint: every restore ends with 137" {
	need_pidns
	root_ended kill 137
}

@test "RT8 held: a first container killed by a fault (SIGSEGV) before the checkpoint: every restore ends with 139" {
	need_pidns
	root_ended segv 139
}

@test "RT8 held: a first container that exited 7 before the checkpoint: every restore ends with 7" {
	need_pidns
	root_ended 7 7
}

@test "RT8 held: 60 threads and 30 children in tight Minos-call loops, one thread signalling the others: --wall-time, --cpu-time and --checkpoint-at still act (bound: the test's timeout)" {
	need_pidns
	run --separate-stderr mx --wall-time=2s --containers=40 "$RT/rt8" storm 60 30
	expect_status 137
	[[ "$stderr" == *"container 1 (rt8): killed: wall time limit 2s exceeded"* ]]
	run --separate-stderr mx --cpu-time=1s --wall-time=50s --containers=40 \
		"$RT/rt8" storm 60 30
	expect_status 137
	[[ "$stderr" == *"container 1 (rt8): killed: CPU time limit 1s exceeded"* ]]
	run --separate-stderr mx --checkpoint="$D/s.ck" --checkpoint-at=1s \
		--wall-time=50s --containers=40 "$RT/rt8" storm 60 30
	expect_status 0
	[[ "$stderr" == *"minos-exec: checkpointed 31 containers to $D/s.ck"* ]]
	ck_restore "$D/s.ck" --wall-time=2s --containers=40
	expect_status 137
}

@test "RT8-3: threads making cnews in a tight loop (a cnew's closes wait for its siblings to stop) do not keep checkpoints from being made" {
	need_pidns
	ck_start "$D/l.ck" "cnewloop ready" --leave-running --wall-time=50s "$RT/rt8" cnewloop 12
	for i in $(seq 20); do
		ck_ask
		echo "checkpoint $i: $line"
		[ "$line" = "minos-exec: checkpointed 1 container to $D/l.ck; the run goes on" ]
	done
	kill "$sup"
	ck_finish
}

# slowfile FILE: rt8 slow 4 checkpointed with its cnew wound back after
# its first chunk (thread 0's one CNEWS record, 16 KiB, if the
# supervisor had read the chunk by then; else the bytes are in the pipe).
slowfile() {
	ck_start "$1" "chunk 1" "$RT/rt8" slow 4
	echo go >&4
	read -r -t 20 line <&5
	[ "$line" = "chunk 2" ]
	ck_ask
	[ "$line" = "minos-exec: checkpointed 1 container to $1" ]
	ck_finish
	[ "$st" -eq 0 ]
}

@test "RT8 held: forged CNEWS records over --memory together (each within --image-size), or one over it, are refused with one line, nothing started" {
	need_pidns
	slowfile "$D/s.ck"
	"$RT/ckmut8" "$D/s.ck" "$D/many.ck" many
	ck_refused "$D/many.ck" --image-size=16M --memory=32M <<<""
	[[ "$stderr" == *"$D/many.ck: container 'rt8': its cnews had read 37748736 bytes of code, over --memory=33554432"* ]]
	"$RT/ckmut8" "$D/s.ck" "$D/big.ck" big
	ck_refused "$D/big.ck" --image-size=64M --memory=32M <<<""
	[[ "$stderr" == *"$D/big.ck: container 'rt8': its cnews had read 41943040 bytes of code, over --memory=33554432"* ]]
	ck_refused "$D/big.ck" --image-size=32M <<<""
	[[ "$stderr" == *"a cnew had read 41943040 bytes of its code, over --image-size=33554432"* ]]
}

@test "RT8 held: a forged CNEWS record for a thread in no cnew waits with it, charged, and goes with it; the run ends as it would" {
	need_pidns
	slowfile "$D/s.ck"
	"$RT/ckmut8" "$D/s.ck" "$D/extra.ck" extra
	ck_restore "$D/extra.ck" < <(printf 'go\ngo\ngo\n')
	expect_status 0
	[ "$output" = "$(printf 'cnew: 1\nimage ok')" ]
	ck_restore "$D/s.ck" < <(printf 'go\ngo\ngo\n')
	expect_status 0
	[ "$output" = "$(printf 'cnew: 1\nimage ok')" ]
}

@test "RT8 held: a container's Minos calls are served while 30 children make Minos calls in a tight loop (bound: the test's timeout)" {
	need_pidns
	run --separate-stderr mx --containers=40 "$RT/rt8" victim 30 2000
	expect_status 0
	[ "$output" = "victim done 2000" ]
}

# multi_ok TEXT: four lines, one per thread, each child's image the
# bytes sent.
multi_ok() {
	[ "$(grep -c '' <<<"$1")" -eq 4 ]
	for i in 0 1 2 3; do
		grep -Eqx "thread $i: cnew [1-4], image ok" <<<"$1"
	done
}

@test "RT8 held: four threads each in a cnew waiting for its code are wound back together; two restores and the run left running make every image as sent" {
	need_pidns
	ck_start "$D/m.ck" "multi ready" "$RT/rt8" multi
	ck_ask
	[ "$line" = "minos-exec: checkpointed 1 container to $D/m.ck" ]
	ck_finish
	[ "$st" -eq 0 ]
	for i in 1 2; do
		ck_restore "$D/m.ck" <<<"go"
		expect_status 0
		multi_ok "$output"
	done
	ck_start "$D/l.ck" "multi ready" --leave-running "$RT/rt8" multi
	ck_ask
	[ "$line" = "minos-exec: checkpointed 1 container to $D/l.ck; the run goes on" ]
	echo go >&4
	ck_finish
	[ "$st" -eq 0 ]
	multi_ok "$(cat "$D/out")"
}
