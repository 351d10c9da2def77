#!/bin/sh
# The syscall storm soak (not in make check): run t/storm/storm under
# minos-exec again and again with random seeds, each run in a fresh PID
# namespace, for SECONDS seconds, and check every run:
#   - minos-exec's exit status is a documented one for this guest (0, the
#     guest's 1..124, or 128+S): never 125 (internal error), 126, 127;
#   - no sanitizer report and no "internal error" on stderr;
#   - it ends within its --wall-time plus a margin (timeout(1) flags a hang);
#   - nothing is left in the PID namespace once minos-exec has returned.
# Each failing run's seed, command and stderr are kept in OUTDIR.
#
#	t/storm/soak.sh SECONDS OUTDIR MINOS-EXEC [MINOS-EXEC...]
#
# With several MINOS-EXECs (e.g. minos-exec and minos-exec-san) the runs
# take turns.  STORM (default: t/storm/storm next to the first MINOS-EXEC),
# WALL (default 5s), MARGIN (default 30, seconds), ITER (300), THREADS (3);
# OPTS: more minos-exec options, e.g. OPTS='--fds=8 --containers=4' for
# the paths where a limit runs out.
# Needs root (unshare --pid).  Prints one summary line at the end, and
# keeps going after a failure.
set -u
[ $# -ge 3 ] || { echo "usage: $0 SECONDS OUTDIR MINOS-EXEC..." >&2; exit 2; }
seconds=$1 out=$2
shift 2
build=$(dirname "$1")
storm=${STORM:-$build/t/storm/storm}
wall=${WALL:-5s}
margin=${MARGIN:-30}
iter=${ITER:-300}
threads=${THREADS:-3}
opts=${OPTS:-}
mkdir -p "$out" || exit 1
ASAN_OPTIONS=abort_on_error=0:exitcode=99:detect_leaks=1:log_path=stderr
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=99
export ASAN_OPTIONS UBSAN_OPTIONS

end=$(( $(date +%s) + seconds ))
runs=0 bad=0
wall_s=${wall%s}
limit=$(( ${wall_s%.*} + margin ))
while [ "$(date +%s)" -lt "$end" ]; do
	for exe in "$@"; do
		seed=$(od -An -N8 -tu8 /dev/urandom | tr -d ' ')
		runs=$((runs + 1))
		err=$out/run.err
		# inside the namespace: run, then list what is left (not us)
		unshare --pid --fork --mount-proc sh -c '
			# shellcheck disable=SC2086 # $9: several options
			timeout -k 5 "$1" "$2" --wall-time="$3" $9 "$4" "$5" "$6" "$7" \
				<"$4" >/dev/null 2>"$8"
			echo "rc=$?"
			for p in /proc/[0-9]*; do
				p=${p#/proc/}
				[ "$p" = $$ ] && continue
				[ -r /proc/$p/stat ] || continue
				[ "$(cut -d" " -f4 /proc/$p/stat)" = $$ ] &&
					[ "$(cat /proc/$p/comm)" = cat ] && continue
				echo "left: $p $(cat /proc/$p/comm 2>/dev/null)"
			done
		' soak "$limit" "$exe" "$wall" "$storm" "$seed" "$iter" "$threads" "$err" "$opts" \
			>"$out/run.ns" 2>&1
		rc=$(sed -n 's/^rc=//p' "$out/run.ns")
		why=
		case $rc in
		124) why="hang: still running ${limit}s after the start" ;;
		125|126|127) why="exit status $rc" ;;
		'') why="no exit status" ;;
		esac
		# 128+S must be the first container's signal, which minos-exec
		# reports; without that line minos-exec itself died of S (a crash
		# the normal build shows only this way, e.g. abort on a double free)
		if [ "${rc:-0}" -ge 128 ] && [ "$rc" -ne 124 ] &&
			! grep -aq 'container 1 (.*): killed' "$err"; then
			why="$why; status $rc but no \"container 1 ... killed\" line: minos-exec itself killed by signal $((rc - 128))?"
		fi
		if grep -q 'left:' "$out/run.ns"; then why="$why; processes left: $(grep left: "$out/run.ns" | tr '\n' ' ')"; fi
		if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|internal error' "$err"; then
			why="$why; sanitizer or internal error on stderr"
		fi
		if [ -n "$why" ]; then
			bad=$((bad + 1))
			cp "$err" "$out/fail-$seed.err"
			echo "seed $seed: $why (rc=$rc) -- $exe --wall-time=$wall $opts $storm $seed $iter $threads < $storm" |
				tee -a "$out/failures"
		fi
		echo "$seed $rc $(basename "$exe")" >>"$out/seeds"
	done
done
echo "soak: $runs runs, $bad failing, $(sort -u "$out/seeds" | wc -l) seed lines in $out/seeds"
[ "$bad" -eq 0 ]
