#!/bin/sh
# t/real/build.sh - build the real programs of t/160-real.bats from their
# sources ($MINOS_SRC/t/real) into $MINOS_BUILD/t/real-out, static, with
# the toolchains and static libraries Debian ships (./quickstart installs
# them).  For each program, out/NAME is the binary, or out/NAME.skip says
# which toolchain or library is missing (the test then skips with that
# reason).  A build that fails with everything present is an error.
# Only what is older than its source is rebuilt; Go's build cache and
# GOPATH live in the build tree, so nothing is written to $HOME.
set -eu
src="${MINOS_SRC:?}/t/real"
out="${MINOS_BUILD:?}/t/real-out"
mkdir -p "$out"
# t/sanitizer.sh runs this bats file too, maybe at the same time: one
# build at a time.
exec 9>"$out/.lock"
flock 9
CC=${CC_REAL:-gcc}

skip() { # NAME REASON
	echo "$2" >"$out/$1.skip"
	rm -f "$out/$1"
}
fresh() { # NAME SOURCE
	rm -f "$out/$1.skip"
	[ -x "$out/$1" ] && [ "$out/$1" -nt "$2" ]
}
# A static library the C compiler can find, by file name.
have_lib() {
	p=$($CC -print-file-name="$1" 2>/dev/null) && [ "$p" != "$1" ] && [ -f "$p" ]
}
cbuild() { # NAME SOURCE CFLAGS... -- LIBS...
	name=$1 file=$2
	shift 2
	fresh "$name" "$file" && return 0
	if ! $CC -static -O2 -o "$out/$name.tmp" "$file" "$@" 2>"$out/$name.log"; then
		cat "$out/$name.log" >&2
		echo "t/real/build.sh: $name: build failed" >&2
		exit 1
	fi
	mv "$out/$name.tmp" "$out/$name"
}

if ! command -v "$CC" >/dev/null || ! have_lib libc.a; then
	for p in zlib lua sqlite; do
		skip $p "no static C toolchain ($CC, libc.a: Debian build-essential)"
	done
else
	if have_lib libz.a && [ -f /usr/include/zlib.h ]; then
		cbuild zlib "$src/zlib.c" -lz
	else
		skip zlib "no static zlib (Debian zlib1g-dev)"
	fi
	lua=
	for v in 5.4 5.3; do
		if have_lib "liblua$v.a" && [ -f "/usr/include/lua$v/lua.h" ]; then
			lua=$v
			break
		fi
	done
	if [ -n "$lua" ]; then
		cbuild lua "$src/lua.c" "-I/usr/include/lua$lua" "-llua$lua" -lm
	else
		skip lua "no static Lua 5.4 or 5.3 (Debian liblua5.4-dev)"
	fi
	if have_lib libsqlite3.a && [ -f /usr/include/sqlite3.h ]; then
		# glibc warns that dlopen in a static program needs the shared
		# libraries at run time: SQLite only uses it for extensions.
		cbuild sqlite "$src/sqlite.c" -lsqlite3 -lm -lpthread -ldl
	else
		skip sqlite "no static SQLite (Debian libsqlite3-dev)"
	fi
fi

# musl: a thread pool sized by sysconf (sched_getaffinity).
if command -v musl-gcc >/dev/null; then
	cc=$CC CC=musl-gcc
	cbuild threads "$src/threads.c" -pthread
	CC=$cc
else
	skip threads "no musl-gcc (Debian musl-tools)"
fi

if command -v go >/dev/null; then
	if ! fresh realgo "$src/realgo.go"; then
		mkdir -p "$out/go"
		# No module, no network, no user configuration: only the
		# standard library, from the Debian package.
		if ! (cd "$out/go" &&
			env GOCACHE="$out/go/cache" GOPATH="$out/go/path" \
				GO111MODULE=off GOPROXY=off GOENV=off GOFLAGS= \
				GOTELEMETRY=off CGO_ENABLED=0 \
				go build -trimpath -o "$out/realgo.tmp" "$src/realgo.go") \
				2>"$out/realgo.log"; then
			cat "$out/realgo.log" >&2
			echo "t/real/build.sh: realgo: build failed" >&2
			exit 1
		fi
		mv "$out/realgo.tmp" "$out/realgo"
	fi
else
	skip realgo "no Go toolchain (Debian golang-go)"
fi
