# SPDX-License-Identifier: MIT
# bash completion for minos-exec(1), installed as .../completions/minos-exec.
#
# The long options are read from `minos-exec --help` (bash-completion's
# _parse_help), so they are always the ones of the minos-exec being run.
# --policy, --report, --checkpoint and --restore complete file names,
# --env variable names; sizes, times and counts complete nothing.  PROGRAM and every word after it
# (PROGRAM's own arguments) complete file names.

_minos_exec()
{
	local cur prev words cword split
	_init_completion -s || return

	local opts i
	opts=" $(_parse_help "$1" | tr '\n' ' ') "

	# Past PROGRAM every word is PROGRAM's.  An option that takes a value
	# and was given it as the next word (--memory 64M) skips that word.
	for ((i = 1; i < cword; i++)); do
		case ${words[i]} in
		--)
			_filedir
			return
			;;
		-*=*) ;;
		-*)
			[[ $opts == *" ${words[i]}= "* ]] && ((i++))
			;;
		*)
			_filedir
			return
			;;
		esac
	done

	case $prev in
	--policy | --report | --checkpoint | --restore)
		_filedir
		return
		;;
	--env)
		mapfile -t COMPREPLY < <(compgen -e -- "$cur")
		return
		;;
	esac
	# Any other option that takes a value: a size, a time or a count.
	[[ $opts == *" $prev= "* ]] && return
	$split && return

	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
		[[ ${COMPREPLY-} == *= ]] && compopt -o nospace
		return
	fi
	_filedir
} &&
	complete -F _minos_exec minos-exec

# ex: filetype=sh
