#!/usr/bin/env bats
# Red-team findings against the lazy vDSO seal (4dda5f7) and checkpoint
# (redck2).  One test per finding; findings still open are skipped.

load helpers

RT="$MINOS_BUILD/t/redteam"

@test "RCK2-1: a container that unmaps its vDSO before its first cnew still cannot run its own code between the injected closes" {
	need_pidns
	run timeout -k 5 60 "$MINOS_EXEC" --wall-time=40s "$RT/closejmp" 20 novdso
	echo "$output"
	# Its vDSO is gone, so nothing can be sealed: only the kernel may
	# leave the closes at the caller's own code; it is ended, in one line.
	expect_status 137
	expect_exact "minos-exec: container 1 (closejmp): killed: it changed its vDSO, where its cnew's closes run"
}

@test "RCK2-2 (held): a vDSO replaced by a shared copy with a writable alias gets no close run at code the container changes" {
	need_pidns
	run timeout -k 5 60 "$MINOS_EXEC" --wall-time=40s "$RT/vdsoalias" 20
	echo "$output"
	# Held because MAP_SHARED is refused (no writable alias can be made);
	# if it ever is allowed, the seal check (r-x, 0f 05) is not enough.
	[[ "$output" != *"escapes = "[1-9]* ]]
	[[ "$output" != *"numbers kept = "[1-9]* ]]
}
