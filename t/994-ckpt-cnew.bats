#!/usr/bin/env bats
# Checkpoint and restore of a cnew waiting for its code (issue 13, point
# 2): the supervisor has read part of the code stream (those bytes are
# gone from it) and waits for the rest.  The checkpoint does not wait for
# the stream (it may never end): the call is wound back, to run again,
# and saved with the bytes it had read; after a restore the cnew reads
# them first, then the rest of the stream, and ends as the uninterrupted
# run's.  The guest is t/guests/ckpipe.c (codesend: a real flat child,
# its first 68 KiB sent, the rest after a line of stdin; codewait: junk,
# ENOEXEC).

load helpers

setup() {
	D="$BATS_TEST_TMPDIR"
}

# ckpt FILE MODE [OPTIONS...]: run ckpipe MODE under --checkpoint=FILE
# with OPTIONS, ask for the checkpoint once it says "MODE ready" (its
# write of the first part has returned: more than the pipe holds, so the
# supervisor has read part of the code), and give it "go" on stdin after
# the checkpoint's line.  $line: that line; $D/out: what it printed.
ckpt() {
	local f=$1 mode=$2
	shift 2
	ck_start "$f" "$mode ready" "$@" "$G/ckpipe" "$mode"
	ck_ask
	echo go >&4
	ck_finish
	[ "$st" -eq 0 ]
}

@test "a cnew waiting for its code is saved with the bytes it had read; two restores of the file end as the run would" {
	need_pidns
	run --separate-stderr mx "$G/ckpipe" codesend <<<"go"
	expect_status 0
	[ "$output" = "$(printf 'cnew: 1\nchild says hi')" ]
	want=$output
	ckpt "$D/c.ck" codesend
	[ "$line" = "minos-exec: checkpointed 1 container to $D/c.ck" ]
	[ ! -s "$D/out" ]
	for i in 1 2; do
		ck_restore "$D/c.ck" <<<"go"
		expect_status 0
		[ "$output" = "$want" ]
		[ -z "$stderr" ] || [ "$stderr" = "minos-exec: namespaces cannot be made here; running without them" ]
	done
}

@test "--leave-running: the wound-back cnew runs again and the run ends as it would; the file restores too" {
	need_pidns
	ckpt "$D/c.ck" codesend --leave-running
	[ "$line" = "minos-exec: checkpointed 1 container to $D/c.ck; the run goes on" ]
	[ "$(cat "$D/out")" = "$(printf 'cnew: 1\nchild says hi')" ]
	ck_restore "$D/c.ck" <<<"go"
	expect_status 0
	[ "$output" = "$(printf 'cnew: 1\nchild says hi')" ]
}

@test "a restored cnew still waiting for its code is checkpointed again, with all it has read" {
	need_pidns
	ckpt "$D/c.ck" codesend
	mkfifo "$D/in2"
	exec 4<>"$D/in2"
	# The restored cnew has its 68 KiB again and waits for the rest (our
	# "go"): stderr says nothing until the checkpoint's line.
	ck_save_restored "$D/c.ck" "$D/c2.ck" <"$D/in2"
	exec 4>&-
	[ "$ckline" = "minos-exec: checkpointed 1 container to $D/c2.ck" ]
	ck_restore "$D/c2.ck" <<<"go"
	expect_status 0
	[ "$output" = "$(printf 'cnew: 1\nchild says hi')" ]
}

@test "the code it had read of junk is junk after a restore too: ENOEXEC" {
	need_pidns
	ckpt "$D/j.ck" codewait
	[ "$line" = "minos-exec: checkpointed 1 container to $D/j.ck" ]
	ck_restore "$D/j.ck" <<<"go"
	expect_status 0
	[ "$output" = "cnew: -8" ]
}

@test "a restore whose --image-size is below what the cnew had read is refused before anything starts" {
	need_pidns
	ckpt "$D/c.ck" codesend
	ck_refused "$D/c.ck" --image-size=64K <<<"go"
	[[ "$stderr" == *"$D/c.ck: container 'ckpipe': a cnew had read 69632 bytes of its code, over --image-size=65536"* ]]
}

@test "a file whose saved code is damaged is refused with one line, nothing started" {
	need_pidns
	ckpt "$D/c.ck" codesend
	# The child's message first appears in the file in the bytes the cnew
	# had read (CNEWS comes before the container's pages).
	at=$(grep -obUa "child says hi" "$D/c.ck" | head -1 | cut -d: -f1)
	[ -n "$at" ]
	printf 'X' | dd of="$D/c.ck" bs=1 seek="$at" conv=notrunc status=none
	ck_refused "$D/c.ck" <<<"go"
	[[ "$stderr" == *"$D/c.ck: byte "*": CNEWS section checksum "*" (damaged)" ]]
}
