#!/bin/sh
# Installed like real software: the Debian packages built from the files a
# release ships (make distdir, into a temporary directory), linted,
# installed, used as a user would with no build tree left (minos-exec from
# PATH, its man pages, its bash completion, a program built against the
# installed libminos with pkg-config), and purged again, leaving nothing.
#
# Needs root and dpkg-buildpackage, debhelper and lintian (./quickstart
# installs them); skipped where MINOS_INSTALL_CHECK=no (make distcheck and
# the package's own make check), or where minos is installed already.
set -u
: "${MINOS_BUILD:?}"

skip() {
	echo "1..0 # SKIP $*"
	exit 0
}
[ "${MINOS_INSTALL_CHECK:-yes}" != no ] ||
	skip "MINOS_INSTALL_CHECK=no (as in make distcheck and the package build)"
[ "$(id -u)" = 0 ] || skip "installing packages needs root"
missing=
for tool in dpkg-buildpackage dh lintian apt-get man musl-gcc pkg-config; do
	command -v $tool >/dev/null || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	# CI ran ./quickstart, which installs them: there a gap is a failure.
	if [ "${CI:-}" = true ]; then
		echo "1..1"
		echo "not ok 1 - ./quickstart installed the packaging tools (missing:$missing)"
		exit 1
	fi
	skip "no$missing here (./quickstart installs them)"
fi
# Never touch an installation that is not ours.
for p in minos libminos-dev; do
	case $(dpkg-query -W -f='${db:Status-Status}' $p 2>/dev/null) in
	'' | not-installed) ;;
	*) skip "package $p is on this system already (apt-get purge $p to run this test)" ;;
	esac
done
[ ! -e /usr/bin/minos-exec ] || skip "/usr/bin/minos-exec exists already"

# The installed programs only: no /usr/local, no build tree.
PATH=/usr/sbin:/usr/bin:/sbin:/bin
unset PKG_CONFIG_PATH
export PATH

tmp=$(mktemp -d /tmp/minos-install.XXXXXX) || exit 1
installed=no
cleanup() {
	[ $installed = no ] ||
		apt-get purge -y -q -o DPkg::Lock::Timeout=300 minos libminos-dev >/dev/null 2>&1
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' HUP INT PIPE TERM

n=0
ok() { # description command...: one TAP line; the command's output on failure
	desc=$1
	shift
	n=$((n + 1))
	if "$@" >"$tmp/out" 2>&1; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		tail -n 40 "$tmp/out" | sed 's/^/# /'
		return 1
	fi
}
# After a failed step the rest cannot run: say so and stop.
bail() {
	echo "Bail out! $*"
	exit 1
}

echo "1..12"

src=$tmp/src
ok "the release's files are copied to a temporary directory (make distdir)" \
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	make -C "$MINOS_BUILD" distdir distdir="$src" ||
	bail "no source copy"

# nocheck: the package's own make check is this suite, running now.
build() (
	cd "$src" &&
		DEB_BUILD_OPTIONS="nocheck parallel=2" DEB_BUILD_PROFILES=nocheck \
			dpkg-buildpackage -us -uc -b
)
start=$(date +%s)
ok "dpkg-buildpackage -us -uc -b builds minos and libminos-dev" build ||
	bail "no packages"
echo "# the packages built in $(($(date +%s) - start)) s"
debs=$(ls "$tmp"/minos_*.deb "$tmp"/libminos-dev_*.deb) || bail "no .deb files"

n=$((n + 1))
if lintian --fail-on error "$tmp"/minos_*.changes >"$tmp/lint" 2>&1; then
	echo "ok $n - lintian finds no error in the packages"
else
	echo "not ok $n - lintian finds no error in the packages"
fi
sed 's/^/# lintian: /' "$tmp/lint"

# Keep two programs' sources, then no build tree is left anywhere.
if ! { mkdir "$tmp/ex" && cp "$src/examples/hello.c" "$src/examples/cat.c" "$tmp/ex/" &&
	rm -rf "$src"; }; then
	bail "cannot set the examples aside"
fi

installed=yes
# shellcheck disable=SC2086 # one word per .deb
ok "apt-get installs both packages" \
	apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=300 $debs ||
	bail "not installed"

# No build tree is left to lean on, and no path into one is compiled in.
on_path() {
	[ "$(command -v minos-exec)" = /usr/bin/minos-exec ] &&
		minos-exec --version && ! grep -qF "$tmp" /usr/bin/minos-exec
}
ok "minos-exec on PATH is the installed /usr/bin/minos-exec, with no build path in it" on_path

# Built against the installed libminos exactly as README and libminos(3) say.
guest() { # NAME: build $tmp/ex/NAME.c
	# shellcheck disable=SC2046 # the flags are words
	musl-gcc -static -o "$tmp/ex/$1" "$tmp/ex/$1.c" \
		$(pkg-config --cflags --libs minos)
}
pc_paths() {
	flags=$(pkg-config --cflags --libs minos) &&
		echo "$flags" &&
		[ -r "$(pkg-config --variable=includedir minos)/minos/minos.h" ] &&
		[ -r "$(pkg-config --variable=libdir minos)/minos/libminos.a" ]
}
ok "pkg-config minos names the installed minos.h and libminos.a" pc_paths
guests() {
	guest hello && guest cat
}
ok "musl-gcc -static \$(pkg-config --cflags --libs minos) builds hello.c and cat.c" guests

run_hello() {
	out=$(cd / && timeout -k 5 60 minos-exec "$tmp/ex/hello") &&
		[ "$out" = "hello, world" ]
}
run_cat() {
	out=$(echo "bytes in, bytes out" | timeout -k 5 60 minos-exec --memory=64M "$tmp/ex/cat") &&
		[ "$out" = "bytes in, bytes out" ]
}
ok "the installed minos-exec runs them: hello" run_hello
ok "the installed minos-exec runs them: cat" run_cat

man_pages() {
	if grep -qs 'path-exclude.*/usr/share/man' /etc/dpkg/dpkg.cfg.d/*; then
		echo "this system's dpkg leaves man pages out"
		return 0
	fi
	man -w minos-exec && man -w 7 minos && man -w 3 libminos && man -w 5 minos-policy
}
ok "man -w finds minos-exec(1), minos(7), libminos(3) and minos-policy(5)" man_pages

completion() {
	bash -c '. /usr/share/bash-completion/bash_completion &&
		__load_completion minos-exec && complete -p minos-exec'
}
ok "bash-completion loads the installed completion of minos-exec" completion

# Every file the packages had is gone again.
purged() {
	files=$(dpkg -L minos libminos-dev | while read -r f; do
		[ -d "$f" ] || echo "$f"; done) &&
		[ -n "$files" ] &&
		apt-get purge -y -q -o DPkg::Lock::Timeout=300 minos libminos-dev &&
		for f in $files; do
			[ ! -e "$f" ] || { echo "left behind: $f"; return 1; }
		done
}
ok "apt-get purge removes both packages and every file they installed" purged &&
	installed=no
