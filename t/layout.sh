#!/bin/sh
# One file owns each kernel interface (HACKING.md): ptrace(2) only in
# supervisor/ptrace.c, process_vm_readv/writev only in supervisor/mem.c,
# libseccomp only in policy/filter.c, libcap only in policy/caps.c.
cd "${MINOS_SRC:?}"
n=0
echo "1..4"
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
check '(^|[^_a-z])cap_[a-z_]+\(' policy/caps.c 'libcap'
