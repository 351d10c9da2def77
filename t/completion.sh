#!/bin/sh
# completion/minos-exec.bash, loaded into bash-completion as bash loads it,
# completes what minos-exec --help lists, and file names where they belong.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
: "${MINOS_EXEC:?}" "${MINOS_SRC:?}"
bc=/usr/share/bash-completion/bash_completion
if [ ! -r "$bc" ]; then
	echo "1..0 # SKIP no $bc (Debian's bash-completion; ./quickstart installs it)"
	exit 0
fi
# shellcheck source=/dev/null
. "$bc"
# shellcheck source=completion/minos-exec.bash
. "$MINOS_SRC/completion/minos-exec.bash"

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
touch policy.yaml abc

# comp WORD... : the words as bash splits the line (an `=` is a word of its
# own, with no blank either side in the line), the cursor at the end of the
# last; prints the candidates, sorted.
comp() {
	COMP_WORDS=("$MINOS_EXEC" "$@")
	COMP_CWORD=$#
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_LINE=${COMP_LINE// = /=}
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_minos_exec "$MINOS_EXEC" "${COMP_WORDS[COMP_CWORD]}" \
		"${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
	[ ${#COMPREPLY[@]} = 0 ] || printf '%s\n' "${COMPREPLY[@]}" | sort
}

n=0
check() { # description expected WORD...
	local what=$1 want=$2 got
	shift 2
	got=$(comp "$@")
	n=$((n + 1))
	if [ "$got" = "$want" ]; then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what"
		printf '# words: %s\n# want: %s\n# got:  %s\n' "$*" \
			"$(echo "$want" | tr '\n' ' ')" "$(echo "$got" | tr '\n' ' ')"
	fi
}

# The long options of the option lines of --help, `=` where they take a value.
opts=$("$MINOS_EXEC" --help |
	sed -n 's/^ *\(-[a-zA-Z], \)\{0,1\}\(--[a-z-]*=\{0,1\}\).*/\2/p' | sort)
export MINOS_COMPLETION_TEST=1

echo "1..10"
check "-- offers every long option of --help, with = where it takes a value" "$opts" --
check "--me completes to --memory=" "--memory=" --me
check "nothing for a size after --memory=" "" --memory = ""
check "nothing for a time after --cpu-time given as the next word" "" --cpu-time ""
check "--policy= completes file names" "policy.yaml" --policy = po
check "--report completes file names" "$(printf 'abc\npolicy.yaml')" --report ""
check "--env= completes variable names" "MINOS_COMPLETION_TEST" --env = MINOS_COMPLETION
check "PROGRAM completes file names" "abc" --flat a
check "PROGRAM's arguments are its own: no options of ours" "" --memory 64M ./prog --me
check "after -- comes PROGRAM: file names" "abc" -- a
