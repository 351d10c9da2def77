#!/bin/sh
# One file owns each kernel interface (HACKING.md): ptrace(2) only in
# supervisor/ptrace.c, process_vm_readv/writev only in supervisor/mem.c,
# libseccomp only in policy/filter.c; and the trampoline, which runs in
# minos-exec's memory (trampoline.h), makes raw system calls only.
cd "${MINOS_SRC:?}"
n=0
echo "1..5"
check() { # pattern owner description
	n=$((n + 1))
	others=$(grep -lE "$1" supervisor/*.c policy/*.c trampoline/*.c | grep -v "^$2\$")
	if [ -z "$others" ]; then
		echo "ok $n - $3 only in $2"
	else
		echo "not ok $n - $3 only in $2"
		echo "$others" | sed 's/^/# also in: /'
	fi
}
check '(^|[^_a-z])ptrace\(' supervisor/ptrace.c 'ptrace(2)'
check 'process_vm_(readv|writev)' supervisor/mem.c 'process_vm_readv/writev'
check 'seccomp_(init|rule|load|syscall_resolve|export|attr|release)' policy/filter.c 'libseccomp'
n=$((n + 1))
calls=$(grep -nE '(^|[^_a-zA-Z0-9.>])(syscall|read|write|close|fcntl|dup3|setsid|prctl|sigaction|sigprocmask|setrlimit|getrlimit|personality|capset|cap_[a-z_]+|mem(cpy|set)|str(len|cpy|error)|[a-z]*printf)\(|errno[^.]' trampoline/trampoline.c | grep -vE '^[0-9]+:\s*(/?\*|//)')
if [ -z "$calls" ]; then
	echo "ok $n - the trampoline makes raw system calls only"
else
	echo "not ok $n - the trampoline makes raw system calls only"
	echo "$calls" | sed 's/^/# /'
fi
# And as built: no function the child runs calls anything outside the
# trampoline (the compiler can make a loop a call to memset, which is
# minos-exec's, sanitizer's and all).
n=$((n + 1))
objs=$(ls "${MINOS_BUILD:-.}"/trampoline/*trampoline.o 2>/dev/null)
if [ -z "$objs" ] || ! command -v objdump >/dev/null; then
	echo "ok $n # SKIP no trampoline object or no objdump"
else
	calls=$(for o in $objs; do
		objdump -dr "$o" | awk -v o="${o##*/}" '/>:$/ { f = $2 }
			/R_X86_64_PLT32|R_X86_64_PC32/ && f !~ /tramp_step_name|tramp_start|_sub_/ &&
			$3 !~ /^(\.|fail|tramp_)/ { print o ": " f " calls " $3 }'
	done)
	if [ -z "$calls" ]; then
		echo "ok $n - the child's code calls nothing outside the trampoline"
	else
		echo "not ok $n - the child's code calls nothing outside the trampoline"
		echo "$calls" | sed 's/^/# /'
	fi
fi
