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

# restore FILE [OPTIONS...] (stdin "go"): $status, $output, $stderr.
restore() {
	local f="$1"
	shift
	run --separate-stderr timeout -k 5 60 "$MINOS_EXEC" "$@" --restore="$f" <<<"go"
	echo "$f: status $status: [$output] $stderr"
	[[ "$stderr" != *"internal error"* ]]
	[[ "$stderr" != *"AddressSanitizer"* && "$stderr" != *"runtime error"* ]]
}
# refused FILE [OPTIONS...]: 125, one line, nothing printed by the guest.
refused() {
	restore "$@"
	expect_status 125
	[ "$(grep -vc 'namespaces cannot be made here' <<<"$stderr")" -eq 1 ]
	[ -z "$output" ]
}

# base_tree: $D/t.ck, t/redteam/cktree7 (a container and its sleeping
# flat child, cid 1) frozen at "tree7 ready".
base_tree() {
	mkfifo "$D/tin" "$D/terr"
	exec 4<>"$D/tin"
	timeout -k 5 60 "$MINOS_EXEC" --checkpoint="$D/t.ck" "$@" "$RT/cktree7" \
		<"$D/tin" >"$D/t.part1" 2>"$D/terr" 3>&- &
	local pid=$! line
	exec 5<"$D/terr"
	read -r -t 20 line <&5
	[ "$line" = "tree7 ready" ]
	kill -USR1 "$(pgrep -P $pid)"
	read -r -t 20 line <&5
	wait $pid
	exec 4>&- 5<&-
	[ "$line" = "minos-exec: checkpointed 2 containers to $D/t.ck" ]
	[ ! -s "$D/t.part1" ]
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
