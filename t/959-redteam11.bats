#!/usr/bin/env bats
# Red team 11 against 082d045: a --policy stage whose root has ended while
# containers it made live on is checkpointed with the root's status, the
# containers it left saved as roots of that stage.  Forged files (made by
# t/redteam/ckmut11 with valid checksums from t/993's handoff file) and
# live runs (t/redteam/orph11: a stage root leaving two containers that
# make children of their own).  One test per finding ("RT11-N"), then
# what held; a finding still open is skipped, naming it.

load helpers

RT="$MINOS_BUILD/t/redteam"

setup() {
	D="$BATS_TEST_TMPDIR"
}

# handoff: $D/h.yaml and $D/h.ck, t/993's: stage 1 (cat) live, stage 2
# (hand) ended with status 3, the child it left (stdin, stream s) a root
# of stage 2.
handoff() {
	local pid sup line st i
	cat >"$D/h.yaml" <<-EOF2
	limits: {wall-time: 60s, containers: 4}
	defaults: {memory: 64M, cpu-time: 20s, threads: 1, containers: 2}
	streams: [s]
	containers:
	  cat:
	    program: $G/ckpipe
	    argv: [ckpipe, cat]
	    fds: {0: {read: s}, 1: stdout, 2: stderr}
	  hand:
	    program: $G/ckpipe
	    argv: [ckpipe, handoff]
	    fds: {0: stdin, 1: {write: s}, 2: stderr, 5: {file: $G/ckpipe}}
	EOF2
	ck_start "$D/h.ck" "handoff ready" --policy="$D/h.yaml"
	for i in $(seq 100); do # bounded: until the stage's root is gone
		[ "$(pgrep -P "$sup" | wc -l)" -eq 2 ] && break
		sleep 0.1
	done
	ck_ask
	ck_finish
	[ "$line" = "minos-exec: checkpointed 2 containers to $D/h.ck" ]
}
mutate() { # MUTATION
	"$RT/ckmut11" "$D/h.ck" "$D/$1.ck" "$1"
}
restore() { ck_restore "$@" --policy="$D/h.yaml" <<<"go"; }
refused() { ck_refused "$@" --policy="$D/h.yaml" <<<"go"; }

@test "RT11-1: a forged file cannot give a stage minos-exec's stdin or stdout that the policy does not bind for it (nor the root an ended stage left another stage's)" {
	need_pidns
	handoff
	mutate stdin2cat
	refused "$D/stdin2cat.ck"
	# Old build: status 3, "go": stage 1 (its 0 the stream s) read
	# minos-exec's stdin, which the policy gives stage 2 alone.
	[[ "$stderr" == *"container 'cat' fd 0: minos-exec's stdin, which"*"does not give stage 1"* ]]
	mutate stdout2o
	refused "$D/stdout2o.ck"
	# Old build: status 3, "GO" written by stage 2's orphan straight to
	# minos-exec's stdout (stage 2 has stdin and stderr only).
	[[ "$stderr" == *"container 'hand/1' fd 1: minos-exec's stdout, which"*"does not give stage 2"* ]]
	# what the policy does bind is still restored
	restore "$D/h.ck"
	expect_status 3
	[ "$output" = GO ]
}

@test "RT11 held: forged roots of ended stages are refused in one line or restored as the uninterrupted run" {
	need_pidns
	handoff
	local m
	# refused by the reader (written unchecked), or by the restore
	for m in livesteal oddstage hugestage liveorphan file2cat; do
		mutate $m
		refused "$D/$m.ck"
	done
	[[ "$stderr" == *"container 'cat' fd 5: the saved run had a file there"* ]]
	# an orphan root before the live one, two copies of it, the live
	# stage forged ended (its root then one it left): GO and status 3
	for m in swap twinorphan allended; do
		mutate $m
		restore "$D/$m.ck"
		expect_status 3
		[ "$output" = GO ]
	done
	# the ended stage forged live, its orphan named as its root: that
	# container is restored as the stage's root, its status the run's
	mutate liveorphan2
	restore "$D/liveorphan2.ck"
	expect_status 0
	[ "$output" = GO ]
}
