# t/helpers.bash - shared by the bats files: they drive the build-tree
# minos-exec ($MINOS_EXEC) as a user would.
: "${MINOS_EXEC:?run the tests through make check}"
: "${MINOS_BUILD:?}"
EX="$MINOS_BUILD/examples"
PROBE="$MINOS_BUILD/t/probe/probe"

# minos-exec with a bound on its wall time, so no test can hang.
mx() {
	timeout -k 5 60 "$MINOS_EXEC" "$@"
}

# Run the probe under minos-exec; $output is its one line.
probe() {
	run mx "$PROBE" "$@"
}

# Fail with a readable message unless $output contains $1.
expect_output() {
	if [[ "$output" != *"$1"* ]]; then
		echo "expected output to contain: $1" >&2
		echo "got: $output" >&2
		return 1
	fi
}

expect_status() {
	if [ "$status" -ne "$1" ]; then
		echo "expected status $1, got $status; output: $output" >&2
		return 1
	fi
}

# Tests that signal or kill need the PID namespace t/run-bats gives them.
need_pidns() {
	[ -z "${MINOS_NO_PIDNS:-}" ] || skip "no PID namespace to isolate this test"
}
