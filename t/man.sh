#!/bin/sh
# The man pages are lint-clean, and every option of --help is documented.
cd "${MINOS_SRC:?}"
pages="man/minos-exec.1 man/minos.7 man/libminos.3 man/minos-policy.5"
opts=$("$MINOS_EXEC" --help | grep -o -- '--[a-z][a-z-]*' | sort -u)
n=0
total=$(( $(echo "$pages" | wc -w) + $(echo "$opts" | wc -l) ))
echo "1..$total"
for p in $pages; do
	n=$((n + 1))
	if out=$("${MANDOC:-mandoc}" -Tlint "$p" 2>&1) && [ -z "$out" ]; then
		echo "ok $n - $p is mandoc -Tlint clean"
	else
		echo "not ok $n - $p is mandoc -Tlint clean"
		echo "$out" | sed 's/^/# /'
	fi
done
for o in $opts; do
	n=$((n + 1))
	# roff escapes the leading dashes: \-\-memory, \-\-no-namespaces
	esc="\\-\\-${o#--}"
	if grep -qF -- "$esc" man/minos-exec.1; then
		echo "ok $n - $o from --help is in minos-exec.1"
	else
		echo "not ok $n - $o from --help is in minos-exec.1"
	fi
done
