#!/usr/bin/env bats
# The syscall storm (t/storm/storm.c), short: a few fixed seeds of random
# Linux and Minos calls from several threads and children.  minos-exec
# must survive (a documented exit status, never 125 or an internal error),
# end within its wall time (mx's timeout flags a hang) and leave nothing
# running.  t/storm/soak.sh runs it for as long as asked, with random
# seeds; a failing seed there becomes a line here.

load helpers

S="$MINOS_BUILD/t/storm/storm"

# storm EXEC SEED: one bounded run, then the checks
storm() {
	local exe=$1 seed=$2
	status=0
	timeout -k 5 60 "$exe" --wall-time=5s "$S" "$seed" 200 3 <"$S" \
		>/dev/null 2>"$BATS_TEST_TMPDIR/err" || status=$?
	output=$(cat "$BATS_TEST_TMPDIR/err")
	case $status in
	124 | 125 | 126 | 127)
		echo "seed $seed: status $status: $output" >&2
		return 1
		;;
	esac
	if grep -qE 'internal error|AddressSanitizer|LeakSanitizer|runtime error:' \
		"$BATS_TEST_TMPDIR/err"; then
		echo "seed $seed: $output" >&2
		return 1
	fi
	expect_output "storm: seed $seed"
	# nothing of this run is left in this PID namespace
	run pgrep -f -- "$S"
	expect_status 1
}

@test "the storm, five fixed seeds: minos-exec survives and leaves nothing" {
	need_pidns
	local seed
	for seed in 1 2 3 42 20261205; do
		storm "$MINOS_EXEC" "$seed"
	done
}

@test "the storm under the sanitizer build: no ASan or UBSan report" {
	need_pidns
	[ -x "$MINOS_EXEC_SAN" ] || skip "no sanitizer build (configure --disable-sanitizers)"
	ASAN_OPTIONS=abort_on_error=0:exitcode=99:detect_leaks=1:log_path=stderr
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=99
	export ASAN_OPTIONS UBSAN_OPTIONS
	local seed
	for seed in 7 1000 31337; do
		storm "$MINOS_EXEC_SAN" "$seed"
	done
}
