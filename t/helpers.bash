# t/helpers.bash - shared by the bats files: they drive the build-tree
# minos-exec ($MINOS_EXEC) as a user would.
: "${MINOS_EXEC:?run the tests through make check}"
: "${MINOS_BUILD:?}"
EX="$MINOS_BUILD/examples"
bats_require_minimum_version 1.5.0 # run -N
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

# Test guests (t/guests): small static programs made for these tests.
G="$MINOS_BUILD/t/guests"

# Fail with a readable message unless $output is exactly $1.
expect_exact() {
	if [ "$output" != "$1" ]; then
		printf 'expected output:\n%s\ngot:\n%s\n' "$1" "$output" >&2
		return 1
	fi
}

# Does this kernel have the i386 entry at all?  A kernel built without IA32
# emulation, or booted with ia32_emulation=0, answers `int $0x80` with a
# general protection fault (SIGSEGV) before any seccomp filter runs: the
# entry is closed by the host itself.  Asked of the probe run natively.
have_int80() {
	local s=0
	"$PROBE" int80 20 </dev/null >/dev/null 2>&1 || s=$?
	[ "$s" -ne 139 ]
}

# A table of probe calls on stdin, one row per call:
#	RESULT NAME [ARG...]
# Each row runs `probe NAME ARG...` in a fresh container, which must print
# exactly `NAME = RESULT` and nothing else, and exit 0 (so the call was
# made, had no effect that killed anything, and minos-exec ended normally).
# Every row is run; all mismatches are reported, then the test fails.
probe_table() {
	local want args fails=0

	while read -r want args; do
		case "$want" in '' | '#'*) continue ;; esac
		# shellcheck disable=SC2086 # ARGs are words by design
		run mx "$PROBE" $args </dev/null
		if [ "$status" -ne 0 ] || [ "$output" != "${args%% *} = $want" ]; then
			echo "probe $args: expected '${args%% *} = $want' and status 0;" \
				"got '$output' and status $status" >&2
			fails=$((fails + 1))
		fi
	done
	[ "$fails" -eq 0 ]
}

# ck_restore FILE [OPTIONS...]: minos-exec OPTIONS --restore=FILE, stdin
# the caller's; $status, $output, $stderr (logged); never an internal
# error or a sanitizer report.
ck_restore() {
	local f="$1"
	shift
	run --separate-stderr timeout -k 5 60 "$MINOS_EXEC" "$@" --restore="$f"
	echo "$f: status $status: [$output] $stderr"
	no_faults "$stderr"
}

# no_faults TEXT: no internal error and no sanitizer report in TEXT.
no_faults() {
	[[ "$1" != *"internal error"* && "$1" != *"runtime error"* &&
		"$1" != *"AddressSanitizer"* && "$1" != *"LeakSanitizer"* ]]
}

# ck_save_restored FILE NEW [OPTIONS...]: minos-exec OPTIONS --restore=FILE
# --checkpoint=NEW, stdin the caller's, stdout to /dev/null, asked to save
# (SIGUSR1) once its first container is there (polled, at most 10 s: a
# SIGUSR1 before minos-exec has started would end it); $ckline: the line
# it then said.
ck_save_restored() {
	local f="$1" new="$2" err="$BATS_TEST_TMPDIR/ck_save_restored.err" pid sup i
	shift 2
	rm -f "$err"
	mkfifo "$err"
	# (A job in the background would get /dev/null, not our stdin.)
	exec 6<&0
	timeout -k 5 60 "$MINOS_EXEC" "$@" --restore="$f" --checkpoint="$new" \
		<&6 >/dev/null 2>"$err" 3>&- 6<&- &
	pid=$!
	exec 6<&-
	exec 5<"$err"
	for i in $(seq 100); do
		sup=$(pgrep -P $pid) && [ -n "$(pgrep -P "$sup")" ] && break
		sleep 0.1
	done
	kill -USR1 "$sup"
	read -r -t 20 ckline <&5
	wait $pid
	exec 5<&-
}

# ck_refused FILE [OPTIONS...]: the restore is refused: 125, one line,
# nothing printed by the guest.
ck_refused() {
	ck_restore "$@"
	expect_status 125
	[ "$(grep -vc 'namespaces cannot be made here' <<<"$stderr")" -eq 1 ]
	[ -z "$output" ]
}

# ck_start FILE READY [OPTIONS...] PROGRAM...: minos-exec --checkpoint=FILE
# OPTIONS PROGRAM in the background, its stdin a FIFO ($BATS_TEST_TMPDIR/in)
# held open on fd 4, its stdout to $BATS_TEST_TMPDIR/out, its stderr a
# FIFO read on fd 5; returns once its first stderr line is READY.  $pid:
# timeout's, $sup: minos-exec's.
ck_start() {
	local f=$1 ready=$2 d=$BATS_TEST_TMPDIR
	shift 2
	rm -f "$d/in" "$d/err"
	mkfifo "$d/in" "$d/err"
	exec 4<>"$d/in"
	timeout -k 5 60 "$MINOS_EXEC" --checkpoint="$f" "$@" \
		<"$d/in" >"$d/out" 2>"$d/err" 3>&- &
	pid=$!
	exec 5<"$d/err"
	read -r -t 20 line <&5
	[ "$line" = "$ready" ]
	sup=$(pgrep -P $pid)
}

# ck_ask: a checkpoint (SIGUSR1); $line is the next stderr line.
ck_ask() {
	kill -USR1 "$sup"
	read -r -t 20 line <&5
}

# ck_finish: wait for the run ($st its status), close fds 4 and 5.
ck_finish() {
	wait $pid || st=$?
	st=${st:-0}
	exec 4>&- 5<&-
}
