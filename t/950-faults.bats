#!/usr/bin/env bats
# Fault injection: a container's process is killed from outside (SIGKILL)
# in the middle of a Minos call, or minos-exec itself is.  The container
# side is t/storm/faults.c: its parent checks that its own calls are
# answered as documented and that no descriptor was lost or duplicated.
# Synchronised by lines on a FIFO ("... now" = kill the newest container
# now) and an answer on the first container's stdin; no sleeps.

load helpers

F="$MINOS_BUILD/t/storm/faults"

# faults MODE: run `faults MODE` in the background, kill the newest
# container each time it says "... now", answer "go"; $output is its
# stdout and stderr, $status minos-exec's.
faults() {
	local in="$BATS_TEST_TMPDIR/in" out="$BATS_TEST_TMPDIR/out" line kids tpid
	mkfifo "$in" "$out"
	timeout -k 5 60 "$MINOS_EXEC" --image-size=16M "$F" "$1" <"$in" \
		>"$out" 2>"$BATS_TEST_TMPDIR/err" &
	tpid=$!
	exec 7>"$in" 8<"$out"
	output=
	while read -r -t 30 line <&8; do
		output+="$line"$'\n'
		case $line in
		*now)
			# timeout's one child is minos-exec; the containers are
			# its children, the newest last
			kids=$(pgrep -P "$(pgrep -P $tpid)" | sort -n)
			kill -KILL "$(echo "$kids" | tail -n 1)"
			# a guest that reads no "go" may have ended already
			(echo go >&7) 2>/dev/null || true
			;;
		esac
	done
	exec 7>&- 8<&-
	status=0
	wait $tpid || status=$?
	output+=$(cat "$BATS_TEST_TMPDIR/err")
}

no_internal_error() {
	if [[ "$output" == *"internal error"* ]]; then
		echo "internal error: $output" >&2
		return 1
	fi
}

@test "SIGKILL of a child mid-cnew: its code stream is EPIPE, what it listed is closed, ckill ESRCH" {
	need_pidns
	faults cnew
	no_internal_error
	expect_status 0
	expect_exact "fed: yes
kill the child now
write to its code stream: -EPIPE
read of the wfd it listed: 0
ckill: -ESRCH
wclose/rclose: 0 0
minos-exec: container 2 (faults/1): killed by signal 9 (SIGKILL)"
}

@test "SIGKILL of a child mid-wpass: ESRCH, and no descriptor lost or duplicated" {
	need_pidns
	# finding 1 (fixed): a wpass racing the child's death was ENOSYS
	faults wpass
	no_internal_error
	expect_status 0
	expect_exact "passing: kill the child now
wpass: -ESRCH after some passes
read of the last wfd passed: 0
minos-exec: container 2 (faults/1): killed by signal 9 (SIGKILL)"
}

@test "SIGKILL of a child mid-pipe: its wfd closes, the parent's table is untouched" {
	need_pidns
	faults pipe
	no_internal_error
	expect_status 0
	expect_exact "first byte: 1
piping: kill the child now
then: 0
pipe: 3
numbers: 3 4 (were 3 4)
minos-exec: container 2 (faults/1): killed by signal 9 (SIGKILL)"
}

@test "SIGKILL of minos-exec: no container survives it" {
	need_pidns
	local in="$BATS_TEST_TMPDIR/in" out="$BATS_TEST_TMPDIR/out" line kids p mx
	mkfifo "$in" "$out"
	# Not mx: the test kills this very process.
	timeout -k 5 60 "$MINOS_EXEC" "$F" tree <"$in" >"$out" 2>/dev/null &
	exec 7>"$in" 8<"$out"
	read -r -t 30 line <&8
	[ "$line" = "ready now" ]
	mx=$(pgrep -P $!)
	kids=$(pgrep -P "$mx")
	[ "$(echo "$kids" | wc -l)" -eq 4 ]
	kill -KILL "$mx"
	# the first container holds the FIFO: end of file when it is gone
	timeout 30 cat <&8 >/dev/null
	exec 7>&- 8<&-
	wait $! || true
	# every container ends (the ones that were children of minos-exec
	# are reaped by this namespace's init)
	for p in $kids; do
		timeout 30 tail --pid="$p" -s 0.1 -f /dev/null
	done
	for p in $kids; do
		[ ! -e "/proc/$p" ] || [ "$(cut -d' ' -f3 "/proc/$p/stat")" = Z ]
	done
}
