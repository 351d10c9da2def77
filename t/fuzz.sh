#!/bin/sh
# The policy parser under libFuzzer (t/fuzz/fuzz-policy): first every input
# of t/fuzz/corpus and t/fuzz/regress once, then $FUZZ_SECONDS (default 20)
# of fuzzing from a copy of the corpus in a temporary directory.  Nothing is
# written into the source tree: an input that fails is kept in the build
# tree (t/fuzz/failed-*); add it to t/fuzz/regress once fixed.
: "${MINOS_BUILD:?}" "${MINOS_SRC:?}"
if [ "${MINOS_FUZZ:-no}" != yes ]; then
	echo "1..0 # SKIP fuzzers not built (./configure --enable-fuzzers; needs clang)"
	exit 0
fi
fuzzer=$MINOS_BUILD/t/fuzz/fuzz-policy
seconds=${FUZZ_SECONDS:-20}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/corpus" "$tmp/failed"
echo "1..2"

# failed N DESCRIPTION LOG: "not ok", the end of LOG, and keep what failed
failed() {
	echo "not ok $1 - $2"
	tail -n 40 "$3" | sed 's/^/# /'
	for f in "$tmp"/failed/*; do
		[ -f "$f" ] || continue
		cp "$f" "$MINOS_BUILD/t/fuzz/failed-${f##*/}"
		echo "# kept: $MINOS_BUILD/t/fuzz/failed-${f##*/}"
	done
}

set --
for f in "$MINOS_SRC"/t/fuzz/corpus/* "$MINOS_SRC"/t/fuzz/regress/*; do
	[ -f "$f" ] && set -- "$@" "$f"
done
if "$fuzzer" -timeout=10 "$@" >"$tmp/replay.log" 2>&1; then
	echo "ok 1 - the $# corpus and regression inputs parse without a fault"
else
	failed 1 "the corpus and regression inputs parse without a fault" "$tmp/replay.log"
fi

cp "$MINOS_SRC"/t/fuzz/corpus/* "$tmp/corpus/"
chmod u+w "$tmp"/corpus/*
if "$fuzzer" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
	-dict="$MINOS_SRC/t/fuzz/policy.dict" -artifact_prefix="$tmp/failed/" \
	"$tmp/corpus" >"$tmp/fuzz.log" 2>&1; then
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$tmp/fuzz.log")
	echo "ok 2 - $seconds s of fuzzing, ${runs:-?} inputs, no fault"
else
	failed 2 "$seconds s of fuzzing, no fault" "$tmp/fuzz.log"
fi
