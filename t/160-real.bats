#!/usr/bin/env bats
# t/160-real.bats - real programs, built here from t/real/ with the
# toolchains and static libraries Debian ships, run natively and under
# minos-exec: stdout byte for byte and the exit status must be the same,
# and a run that goes well writes nothing more on stderr than natively.
# A missing toolchain or library is a skip that names the Debian package.

load helpers

REAL="$MINOS_BUILD/t/real-out"

setup_file() {
	sh "$MINOS_SRC/t/real/build.sh"
}

# Skip unless t/real/build.sh built program $1.
need() {
	if [ -f "$REAL/$1.skip" ]; then
		skip "$(cat "$REAL/$1.skip")"
	fi
	[ -x "$REAL/$1" ]
}

# same [--stdin FILE] [--no-stderr] PROGRAM ARG...: run natively (empty
# environment, in /, as a container is) and under minos-exec with the
# same stdin (/dev/null unless given), then compare.  --no-stderr: do not
# compare stderr (the run is expected to end by a signal, which
# minos-exec reports).
same() {
	local in=/dev/null cmp_err=yes d="$BATS_TEST_TMPDIR"
	while :; do
		case "$1" in
		--stdin) in=$2; shift 2 ;;
		--no-stderr) cmp_err=no; shift ;;
		*) break ;;
		esac
	done
	local ns ms
	(cd / && exec timeout -k 5 60 env -i "$@") <"$in" >"$d/native.out" 2>"$d/native.err" && ns=0 || ns=$?
	mx "$@" <"$in" >"$d/minos.out" 2>"$d/minos.err" && ms=0 || ms=$?
	local bad=0
	if ! cmp -s "$d/native.out" "$d/minos.out"; then
		echo "stdout differs (< native, > minos-exec):" >&2
		diff "$d/native.out" "$d/minos.out" | head -20 >&2
		bad=1
	fi
	if [ "$ns" -ne "$ms" ]; then
		echo "exit status: native $ns, minos-exec $ms" >&2
		bad=1
	fi
	if [ "$cmp_err" = yes ] && ! cmp -s "$d/native.err" "$d/minos.err"; then
		echo "stderr differs (< native, > minos-exec):" >&2
		diff "$d/native.err" "$d/minos.err" | head -20 >&2
		bad=1
	fi
	[ "$bad" -eq 0 ] || return 1
	[ -s "$d/native.out" ] # a test that prints nothing proves nothing
}

# ---- Go (Debian golang-go, CGO_ENABLED=0, static) ----------------------------

@test "Go: time.Sleep, time.After, a ticker, a context deadline, 100 sleeping goroutines" {
	need realgo
	same "$REAL/realgo" timers
}

@test "Go: the garbage collector under allocation churn, and memory given back" {
	need realgo
	same "$REAL/realgo" gc
}

@test "Go: GOMAXPROCS defaults to the host's CPUs, goroutines on all of them" {
	need realgo
	same "$REAL/realgo" procs
	grep -qx "NumCPU: $(nproc)" "$BATS_TEST_TMPDIR/minos.out"
}

@test "Go: a writer into a closed pipe (| head -1) dies of SIGPIPE, status 141" {
	need realgo
	local d="$BATS_TEST_TMPDIR" st
	(cd / && env -i "$REAL/realgo" pipe | head -1 >"$d/native.out"; echo "${PIPESTATUS[0]}" >"$d/native.st")
	mx "$REAL/realgo" pipe 2>"$d/minos.err" | head -1 >"$d/minos.out"
	st=${PIPESTATUS[0]}
	[ "$(cat "$d/native.st")" -eq 141 ]
	cmp "$d/native.out" "$d/minos.out"
	if [ "$st" -ne 141 ]; then
		echo "minos-exec exited $st, not 141; stderr:" >&2
		cat "$d/minos.err" >&2
		return 1
	fi
	! grep -q "wrote everything" "$d/minos.err"
}

# ---- glibc-static C on Debian's static libraries -------------------------------

@test "zlib: compress/uncompress round trips and a gzip stream" {
	need zlib
	same "$REAL/zlib"
}

@test "Lua: a script given as a string, its return value the exit status" {
	need lua
	same "$REAL/lua" '
		local t = {}
		for i = 1, 20 do t[i] = (i * 37) % 23 end
		table.sort(t)
		print(table.concat(t, ","))
		print(("minos runs lua"):gsub("%w+", string.upper))
		local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1); return b * 2 end)
		print(co(1), co(10))
		print(pcall(error, {code = 7}) == false, select("#", 1, nil, 3))
		print(string.format("%5.2f|%q|%x", math.pi, "a\nb", 48879))
		print(#string.pack(">i4d", 1, 2.5), utf8.char(72, 228, 8364))
		local big = {}
		for i = 1, 200000 do big[i] = tostring(i) end
		big = nil
		collectgarbage()
		print(collectgarbage("count") < 1024)
		return 3'
}

@test "Lua: an error is reported on stderr with status 1" {
	need lua
	same "$REAL/lua" 'print("before"); local x = nil; return x.field'
}

@test "SQLite: an in-memory database with temp_store=MEMORY, an index, a big sort, a rolled-back transaction" {
	need sqlite
	same "$REAL/sqlite"
}

@test "SQLite: SQL given as an argument: a window function, JSON, a temp table" {
	need sqlite
	same "$REAL/sqlite" "PRAGMA temp_store=MEMORY;
		CREATE TABLE t(g, v); INSERT INTO t VALUES (1, 3), (1, 1), (2, 2), (2, 5);
		SELECT g, v, sum(v) OVER (PARTITION BY g ORDER BY v) FROM t ORDER BY g, v;
		SELECT json_group_array(v) FROM (SELECT v FROM t ORDER BY v);
		CREATE TEMP TABLE x AS SELECT g, max(v) m FROM t GROUP BY g;
		SELECT * FROM x ORDER BY g;"
}

@test "musl: a thread pool sized by sysconf(_SC_NPROCESSORS_ONLN), the host's CPUs" {
	need threads
	same "$REAL/threads"
	grep -qx "CPUs: $(nproc)" "$BATS_TEST_TMPDIR/minos.out"
}

# ---- busybox applets that ask about their descriptors (busybox-static) --------

@test "busybox tac: reverses stdin, after asking fstat what it is" {
	[ -n "$(command -v busybox)" ] || skip "busybox not installed (Debian busybox-static)"
	printf 'one\ntwo\nthree\n' >"$BATS_TEST_TMPDIR/in"
	same --stdin "$BATS_TEST_TMPDIR/in" "$(command -v busybox)" tac
}

@test "busybox printf: formats to stdout after fcntl(1, F_GETFL)" {
	[ -n "$(command -v busybox)" ] || skip "busybox not installed (Debian busybox-static)"
	same "$(command -v busybox)" printf '%s-%d-%x|%5.1f|%c\n' minos 42 255 3.14159 xyz
}

# ---- bash-static -c: builtins, clean stderr --------------------------------------

@test "bash-static -c: builtins only, and nothing on stderr" {
	local bash
	bash=$(command -v bash-static) || skip "bash-static not installed (Debian bash-static)"
	same "$bash" -c 'echo $((6 * 7)); for i in 1 2 3; do printf "%s," $i; done; echo
		x=minos; echo ${x^^} ${#x}; declare -A m=([a]=1 [b]=2); echo ${m[b]}
		[[ abc == a* ]] && echo glob; set -- p q r; echo "$# ${2}${3}"
		s="a b  c"; w=($s); echo ${#w[@]} "${w[2]}"
		f() { local v=$1; echo "f:$v"; }; f arg; type -t echo; exit 7'
}
