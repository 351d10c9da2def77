#!/usr/bin/env bats
# t/150-linux.bats - the Linux subset of SPEC section 4, row by row: each
# call in its allowed form works as on Linux (or gives the synthetic
# answer the row names), and outside it fails as the row says.  The probe
# (t/probe/probe.c) makes each call in a fresh container; a result of
# -EFAULT for a NULL or bad pointer shows the call reached the kernel.

load helpers

# Like probe_table, for results of more than one word: each row is
#	NAME [ARG...] => RESULT
probe_rows() {
	local line args want fails=0

	while IFS= read -r line; do
		line=${line#"${line%%[![:space:]]*}"}
		case "$line" in '' | '#'*) continue ;; esac
		args=${line%% => *}
		want=${line#* => }
		# shellcheck disable=SC2086 # ARGs are words by design
		run mx "$PROBE" $args </dev/null
		if [ "$status" -ne 0 ] || [ "$output" != "${args%% *} = $want" ]; then
			echo "probe $args: expected '${args%% *} = $want' and status 0;" \
				"got '$output' and status $status" >&2
			fails=$((fails + 1))
		fi
	done
	[ "$fails" -eq 0 ]
}

@test "read, write, readv, writev, close run on the container's own descriptors" {
	probe_table <<-'EOF'
	-EFAULT readv 0 0 1
	-EFAULT writev 1 0 1
	0 close 0
	-EBADF close 9
	-EBADF read 9 0 0
	EOF
}

@test "pipe2 takes O_CLOEXEC, O_NONBLOCK and O_DIRECT; nothing else" {
	probe_rows <<-'EOF'
	pipe2ends 0 => 3 4 fl=0,0x1 fd=0,0 mode=010400,010200
	pipe2ends 0x80800 => 3 4 fl=0x800,0x801 fd=1,1 mode=010400,010200
	pipe2ends 0x4000 => 3 4 fl=0,0x4001 fd=0,0 mode=010400,010200
	pipe2ends 0x80 => -EPERM
	pipe2ends 0x400 => -EPERM
	EOF
}

@test "poll, ppoll, select and pselect6 reach the kernel" {
	probe_table <<-'EOF'
	0 poll 0 0 0
	-EFAULT ppoll 0 0 8 0 8
	-EFAULT select 0 0 0 0 8
	-EFAULT pselect6 0 0 0 0 8 0
	EOF
}

@test "epoll, eventfd and timerfd work over the container's own descriptors" {
	probe_rows <<-'EOF'
	epoll_create1 0 => 3
	epoll_create1 0x80000 => 3
	epoll_create1 1 => -EPERM
	epoll_create 1 => 3
	epoll_create 0 => -EINVAL
	epoll_wait 9 0 1 0 => -EBADF
	epoll_pwait 9 0 1 0 0 8 => -EBADF
	epoll_ctl 9 1 0 0 => -EFAULT
	eventfd2 0 0x80801 => 3
	eventfd2 0 2 => -EPERM
	eventfd 0 => 3
	timerfd_create 1 0x80800 => 3
	timerfd_create 0 0 => 3
	timerfd_create 7 0 => 3
	timerfd_create 2 0 => -EPERM
	timerfd_create 8 0 => -EPERM
	timerfd_gettime 9 0 => -EBADF
	timerfd_settime 9 0 0 0 => -EFAULT
	timer 1 => 1 expired=1 count=5
	timer 0 => 1 expired=1 count=5
	timer 7 => 1 expired=1 count=5
	EOF
}

@test "a private object is neither rfd nor wfd: every Minos call answers EBADF" {
	row="-EBADF -EBADF -EBADF -EBADF -EBADF -EBADF -EBADF"
	run mx "$PROBE" private
	expect_status 0
	expect_exact "private = $row; $row; $row"
}

@test "a stream that leaves by rpass, wpass or cnew leaves the container's epoll sets" {
	for ns in "" --no-namespaces; do
		run mx $ns "$MINOS_BUILD/t/probe/epollpass" <"$MINOS_BUILD/t/probe/epollpass"
		expect_status 0
		expect_exact "rpass: heard 1, after 0
wpass: heard 1, after 0
cnew: heard 1, after 0
private: -9 -9 -9 -9 -9 -9"
	done
}

@test "fcntl: descriptor and status flags; F_SETFL changes only O_NONBLOCK" {
	probe_rows <<-'EOF'
	fcntl 1 1 => 0
	fcntl 1 2 1 => 0
	fcntl 9 1 => -EBADF
	setfl 1 0x800 => 0 changed=0x800
	setfl 1 0x4800 => 0 changed=0x800
	setfl 1 0x2400 => 0 changed=0
	setfl 9 0x800 => -EBADF changed=0xffffffffffffffff
	fcntl 0 0 0 => -EPERM
	fcntl 0 1030 0 => -EPERM
	EOF
	run bash -c 'echo | timeout 60 "$1" "$2" fcntl 0 1032' _ "$MINOS_EXEC" "$PROBE"
	expect_exact "fcntl = 65536"
}

@test "a non-blocking read of an empty pipe is EAGAIN; FIONREAD counts what waits" {
	run mx "$PROBE" minosnonblock
	expect_exact "minosnonblock = -EAGAIN -EAGAIN -EAGAIN"
	probe_rows <<-'EOF'
	nonblock => -EAGAIN 0 3
	ioctl 0 0x5451 0 => 0
	ioctl 0 0x5450 0 => 0
	ioctl 0 0x5421 0 => -EFAULT
	ioctl 0 0x5401 0 => -ENOTTY
	ioctl 1 0x5413 0 => -ENOTTY
	EOF
}

@test "fstat, newfstatat and statx of own descriptors: a FIFO, nothing of the host" {
	probe_rows <<-'EOF'
	fstatfd 0 => 0 mode=010400 uid=65534 gid=65534 size=0 ino=0 dev=0 rdev=0 nlink=0 blksize=4096 blocks=0 times=0
	fstatfd 1 => 0 mode=010200 uid=65534 gid=65534 size=0 ino=0 dev=0 rdev=0 nlink=0 blksize=4096 blocks=0 times=0
	fstatat 2 => 0 mode=010200 uid=65534 gid=65534 size=0 ino=0 dev=0 rdev=0 nlink=0 blksize=4096 blocks=0 times=0
	statxfd 0 => 0 mode=010400 uid=65534 gid=65534 size=0 ino=0 blksize=4096 nlink=0 dev=0:0 times=0
	fstatprivate 0 => 0 mode=010600 uid=65534 gid=65534 size=0 ino=0 dev=0 rdev=0 nlink=0 blksize=4096 blocks=0 times=0
	fstatprivate 1 => 0 mode=010600 uid=65534 gid=65534 size=0 ino=0 dev=0 rdev=0 nlink=0 blksize=4096 blocks=0 times=0
	fstatprivate 2 => 0 mode=010600 uid=65534 gid=65534 size=0 ino=0 dev=0 rdev=0 nlink=0 blksize=4096 blocks=0 times=0
	fstatfd 9 => -EBADF
	statxfd -100 => -EBADF
	fstatatpath => -EPERM
	fstat 0 0 => -EFAULT
	EOF
}

@test "fstat of a host file given as stdin shows a FIFO 0400 owned by 65534, no size, inode or times" {
	f="$BATS_TEST_TMPDIR/file"
	head -c 12345 /dev/zero >"$f"
	run mx "$PROBE" fstatfd 0 <"$f"
	expect_exact "fstatfd = 0 mode=010400 uid=65534 gid=65534 size=0 ino=0 dev=0 rdev=0 nlink=0 blksize=4096 blocks=0 times=0"
	run mx "$PROBE" statxfd 0 <"$f"
	expect_exact "statxfd = 0 mode=010400 uid=65534 gid=65534 size=0 ino=0 blksize=4096 nlink=0 dev=0:0 times=0"
	run mx "$PROBE" lseek 0 0 2 <"$f"
	expect_exact "lseek = -ESPIPE"
}

@test "mmap: anonymous private only; a shared anonymous mapping is EPERM; mincore works" {
	probe_table <<-'EOF'
	ok mmapanon
	-EPERM mmap 0 4096 3 0x21 -1 0
	-EPERM mmap 0 4096 3 0x23 -1 0
	-EPERM mmapfd 0
	-EINVAL mincore 1 4096 0
	0 mincore 0 0 0
	EOF
}

@test "ids read 65534 and cannot change; getppid is 0; getcwd is /" {
	probe_rows <<-'EOF'
	getuid => 65534
	geteuid => 65534
	getgid => 65534
	getegid => 65534
	resid 0 => 0 65534 65534 65534
	resid 1 => 0 65534 65534 65534
	getgroups 0 0 => 0
	getgroups -1 0 => -EINVAL
	getresuid 0 0 0 => -EFAULT
	setuid 65534 => -EPERM
	setreuid 0 0 => -EPERM
	setresuid 0 0 0 => -EPERM
	setgroups 0 0 => -EPERM
	getppid => 0
	cwd => 2 /
	cwd 1 => -ERANGE
	EOF
}

@test "ids, getppid and getcwd read the same without namespaces" {
	for row in "getuid = 65534" "getppid = 0" "cwd = 2 /" "resid = 0 65534 65534 65534"; do
		# shellcheck disable=SC2086
		run mx --no-namespaces "$PROBE" ${row%% = *}
		[ "${row%% = *}" != resid ] || run mx --no-namespaces "$PROBE" resid 0
		expect_exact "$row"
	done
}

@test "uname: Linux, nodename minos, the host's release, x86_64" {
	run mx "$PROBE" unamefields
	expect_exact "unamefields = 0 Linux minos $(uname -r) x86_64"
}

@test "sched_getaffinity: the CPUs the caller may run on; only for its own threads" {
	run mx "$PROBE" affinity 0
	expect_exact "affinity = $(nproc)"
	run mx "$PROBE" affinitytid
	expect_exact "affinitytid = $(nproc)"
	run mx --no-namespaces "$PROBE" affinity 1
	expect_exact "affinity = -EPERM"
	probe_table <<-'EOF'
	0 sched_getscheduler 0
	-EINVAL sched_getparam 0 0
	-EFAULT get_robust_list 0 0 0
	EOF
}

@test "getrlimit and prlimit64 read the container's own limits; setting is EPERM" {
	run mx --fds=32 "$PROBE" rlimit 7
	expect_exact "rlimit = 32 32 same"
	probe_table <<-'EOF'
	-EPERM prlimitset 7
	-EPERM setrlimit 7 0
	-EPERM prlimit64 1 7 0 0
	0 prlimit64 0 7 0 0
	EOF
}

@test "getrusage of itself or a thread, and times, work; RUSAGE_CHILDREN is EPERM" {
	probe_table <<-'EOF'
	0 rusage 0
	0 rusage 1
	-EPERM rusage -1
	EOF
	run mx "$PROBE" times 0
	[[ "$output" =~ ^times\ =\ [0-9]+$ ]]
}

@test "sysinfo is the container's view: its memory limit, its threads, no swap" {
	run mx --memory=64M "$PROBE" sysinfo
	expect_exact "sysinfo = 0 totalram=67108864 free<=total=1 procs=1 swap=0/0 unit=1 uptime<60=1"
}

@test "rt_sigpending, rt_sigsuspend and rt_sigtimedwait reach the kernel" {
	probe_table <<-'EOF'
	-EFAULT rt_sigpending 8 8
	-EFAULT rt_sigsuspend 8 8
	-EFAULT rt_sigtimedwait 8 0 0 8
	EOF
}

@test "a signal a container sends itself is delivered as on Linux, SIGPIPE included" {
	need_pidns
	for ns in "" --no-namespaces; do
		run mx $ns "$PROBE" raise 13
		expect_status 141
		run mx $ns "$PROBE" raise 6
		expect_status 134
		run mx $ns "$PROBE" raise 9
		expect_status 137
		run mx $ns "$PROBE" raise 13 1
		expect_status 0
		expect_exact "raise = 0 caught=13"
		run mx $ns "$PROBE" raise 10 1
		expect_exact "raise = 0 caught=10"
	done
}

@test "the kernel's SIGPIPE for a write to a reader-less stream is suppressed: EPIPE" {
	for ns in "" --no-namespaces; do
		run mx $ns "$PROBE" epipe
		expect_status 0
		expect_exact "epipe = -EPIPE"
	done
}

@test "prctl: names and PR_GET_DUMPABLE; every other option is EPERM" {
	probe_rows <<-'EOF'
	prctlname => 0 0 renamed
	prctl 16 0 0 0 0 => -EFAULT
	prctl 0x53564d41 0 0 0 0 => -EINVAL
	prctl 4 1 0 0 0 => -EPERM
	prctl 1 9 0 0 0 => -EPERM
	prctl 38 1 0 0 0 => -EPERM
	EOF
	run mx "$PROBE" prctl 3 0 0 0 0
	[[ "$output" =~ ^prctl\ =\ [01]$ ]]
}

@test "time and clocks work" {
	run mx "$PROBE" time 0
	[[ "$output" =~ ^time\ =\ [1-9][0-9]+$ ]]
}

@test "socket calls on an own descriptor are ENOTSOCK; positioned calls ESPIPE" {
	probe_table <<-'EOF'
	-ENOTSOCK getpeername 0 0 0
	-ENOTSOCK getsockname 1 0 0
	-ENOTSOCK getsockopt 0 1 1 0 0
	-ENOTSOCK setsockopt 0 1 1 0 0
	-ENOTSOCK shutdown 1 1
	-ENOTSOCK accept 0 0 0
	-ENOTSOCK accept4 0 0 0 0
	-ENOTSOCK recvfrom 0 0 0 0 0 0
	-ENOTSOCK sendmmsg 1 0 0 0
	-ENOTSOCK recvmmsg 0 0 0 0 0
	-ENOTSOCK listen 0 1
	-ESPIPE lseek 0 0 1
	-ESPIPE pread64 0 0 1 0
	-ESPIPE pwrite64 1 0 1 0
	-ESPIPE preadv 0 0 1 0 0
	-ESPIPE pwritev 1 0 1 0 0
	-ESPIPE preadv2 0 0 1 0 0 0
	-ESPIPE pwritev2 1 0 1 0 0 0
	EOF
}
