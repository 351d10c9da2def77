#!/bin/sh
# Every libFuzzer harness of t/fuzz, in turn: first every input of its
# corpus and regression directories once, then $FUZZ_SECONDS (default 20)
# of fuzzing from a copy of the corpus in a temporary directory.
#   fuzz-policy  the policy parser      t/fuzz/corpus      t/fuzz/regress
#   fuzz-elf     the code image checks  t/fuzz/elf/corpus  t/fuzz/elf/regress
#   fuzz-ckfile  the checkpoint files   t/fuzz/ckfile/corpus  t/fuzz/ckfile/regress
# Nothing is written into the source tree: an input that fails is kept in
# the build tree (t/fuzz/failed-*); add it to the regression directory
# once fixed.
: "${MINOS_BUILD:?}" "${MINOS_SRC:?}"
if [ "${MINOS_FUZZ:-no}" != yes ]; then
	echo "1..0 # SKIP fuzzers not built (./configure --enable-fuzzers; needs clang)"
	exit 0
fi
seconds=${FUZZ_SECONDS:-20}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
echo "1..6"
n=0

# failed DESCRIPTION LOG: "not ok", the end of LOG, and keep what failed
failed() {
	echo "not ok $n - $1"
	tail -n 40 "$2" | sed 's/^/# /'
	for f in "$tmp"/failed/*; do
		[ -f "$f" ] || continue
		cp "$f" "$MINOS_BUILD/t/fuzz/failed-$name-${f##*/}"
		echo "# kept: $MINOS_BUILD/t/fuzz/failed-$name-${f##*/}"
	done
}

# fuzz NAME CORPUS REGRESS [LIBFUZZER-OPTIONS...]: two tests
fuzz() {
	name=$1 corpus=$MINOS_SRC/$2 regress=$MINOS_SRC/$3
	shift 3
	fuzzer=$MINOS_BUILD/t/fuzz/fuzz-$name
	rm -rf "$tmp/corpus" "$tmp/failed"
	mkdir "$tmp/corpus" "$tmp/failed"

	n=$((n + 1))
	set -- "$@" --
	for f in "$corpus"/* "$regress"/*; do
		[ -f "$f" ] && set -- "$@" "$f"
	done
	# the options, then the inputs after "--"
	opts=
	while [ "$1" != -- ]; do opts="$opts $1"; shift; done
	shift
	if "$fuzzer" -timeout=10 "$@" >"$tmp/replay.log" 2>&1; then
		echo "ok $n - $name: the $# corpus and regression inputs pass without a fault"
	else
		failed "$name: the corpus and regression inputs pass without a fault" "$tmp/replay.log"
	fi

	n=$((n + 1))
	cp "$corpus"/* "$tmp/corpus/"
	chmod u+w "$tmp"/corpus/*
	# shellcheck disable=SC2086 # $opts: several options
	if "$fuzzer" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
		$opts -artifact_prefix="$tmp/failed/" \
		"$tmp/corpus" >"$tmp/fuzz.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/fuzz.log")
		echo "ok $n - $name: $seconds s of fuzzing, ${runs:-?} inputs, no fault"
	else
		failed "$name: $seconds s of fuzzing, no fault" "$tmp/fuzz.log"
	fi
}

fuzz policy t/fuzz/corpus t/fuzz/regress -dict="$MINOS_SRC/t/fuzz/policy.dict"
fuzz elf t/fuzz/elf/corpus t/fuzz/elf/regress -max_len=16384
fuzz ckfile t/fuzz/ckfile/corpus t/fuzz/ckfile/regress -max_len=65536
