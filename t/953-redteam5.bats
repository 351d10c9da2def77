#!/usr/bin/env bats
# Red team 5 against the newest loop and pipe code: drain_alone (one live
# container: statuses handled as wait4 returns them), the lone Minos pipe
# (sys_pipe_alone: no kcmp unless a pass came in since the pipe's stop),
# and the restore's count of the SIGXFSZs it queued again (RT4-4).  Guest:
# t/redteam/lonepipe.  One test per finding ("RT5-N"), then what held; a
# finding still open is skipped, naming it.

load helpers

RT="$MINOS_BUILD/t/redteam"

setup() {
	D="$BATS_TEST_TMPDIR"
}

# ck FILE ARGS...: checkpoint `lonepipe ARGS` (stdin held open, never
# written) to $D/FILE at --checkpoint-at=$AT.
ck() {
	local f="$1"
	shift
	[ -p "$D/hold" ] || mkfifo "$D/hold"
	exec 6<>"$D/hold"
	rm -f "$D/$f"
	timeout -k 5 60 "$MINOS_EXEC" --checkpoint="$D/$f" --checkpoint-at="$AT" \
		"$RT/lonepipe" "$@" <"$D/hold" >/dev/null 2>"$D/ck.err" || true
	exec 6>&-
	cat "$D/ck.err"
	[ -s "$D/$f" ]
}

# restore FILE [OPTIONS...]: helpers.bash's, FILE in $D, stdin empty.
restore() {
	local f="$1"
	shift
	ck_restore "$D/$f" "$@" </dev/null
}

# tofile OPTIONS... PROGRAM ARGS...: minos-exec with stdout a file ($D/out,
# so --output is RLIMIT_FSIZE); $status, $stderr.
tofile() {
	status=0
	timeout -k 5 60 "$MINOS_EXEC" "$@" </dev/null >"$D/out" 2>"$D/err" || status=$?
	stderr=$(cat "$D/err")
	echo "$*: status $status: $stderr"
	no_faults "$stderr"
}

@test "RT5-1: a Minos pipe a checkpoint interrupts in its private install call is made again in the restored run, not ENOSYS (also under --trace)" {
	need_pidns
	local at opt
	for opt in "" --trace; do
		for at in 20ms 30ms 40ms 50ms; do
			rm -f "$D/p.ck"
			timeout -k 5 60 "$MINOS_EXEC" $opt --checkpoint="$D/p.ck" \
				--checkpoint-at=$at "$RT/lonepipe" pipes 5000 \
				</dev/null >/dev/null 2>"$D/ck.err" || true
			tail -n 2 "$D/ck.err" # (--trace: a line a call)
			[ -s "$D/p.ck" ]
			# Old build: "pipes 5000, wrong 1 (first: round R: pipe -38 ...)".
			restore p.ck
			expect_status 0
			[ "$output" = "pipes 5000, wrong 0" ]
		done
	done
}

@test "RT5-2: a pending SIGXFSZ of its own (tgkill) the container discards after a restore (SIG_IGN, sigtimedwait, its thread's exit) does not make the kernel's output-limit SIGXFSZ a plain signal" {
	need_pidns
	local how
	AT=100ms
	for how in ign wait exit; do
		# Without a checkpoint: the output limit.
		tofile --output=1K "$RT/lonepipe" xfsz $how
		expect_status 153
		[[ "$stderr" == *"killed: output limit 1024 bytes exceeded (SIGXFSZ)"* ]]
		ck x.ck xfsz $how
		# Old build: "killed by signal 25 (SIGXFSZ)".
		tofile --output=1K --restore="$D/x.ck"
		expect_status 153
		[[ "$stderr" == *"killed: output limit 1024 bytes exceeded (SIGXFSZ)"* ]]
	done
}

@test "RT5-3: the kernel's own SIGXFSZ, blocked and pending at the checkpoint, then discarded after the restore, does not make the kernel's next one a plain signal" {
	need_pidns
	local how
	AT=100ms
	for how in realign realwait; do
		rm -f "$D/x.ck"
		[ -p "$D/hold" ] || mkfifo "$D/hold"
		exec 6<>"$D/hold"
		timeout -k 5 60 "$MINOS_EXEC" --output=1K --checkpoint="$D/x.ck" \
			--checkpoint-at=$AT "$RT/lonepipe" xfsz $how <"$D/hold" >"$D/out0" \
			2>"$D/ck.err" || true
		exec 6>&-
		cat "$D/ck.err"
		[ -s "$D/x.ck" ]
		tofile --output=1K --restore="$D/x.ck"
		expect_status 153
		skip "open: RT5-3, reported 'killed by signal 25 (SIGXFSZ)': the file's SIGXFSZ has the siginfo the kernel's next one will have (SI_USER from the program itself, pid 1 of its namespace when it has one), so the count restore.c keeps cannot tell which of the two the program discarded (documented in minos.7)"
		[[ "$stderr" == *"killed: output limit 1024 bytes exceeded (SIGXFSZ)"* ]]
	done
}

@test "RT5-4: a thread named like a line of /proc/PID/status (PR_SET_NAME 'SigCgt:ffffffff', 'SigPnd:100') does not make the supervisor misread its signal masks" {
	need_pidns
	# Read as catching every signal: a fault of pid 1 of its namespace was
	# given back to the kernel, which drops it there and the thread
	# faults again for ever (old build: 'killed: CPU time limit 2s
	# exceeded' after seconds of the supervisor's CPU); a SIGSEGV it sent
	# itself was dropped (it lived: status 3).
	run --separate-stderr mx --cpu-time=2s --wall-time=30s "$RT/lonepipe" spoof SigCgt:ffffffff fault </dev/null
	echo "fault: $status $stderr"
	expect_status 139
	[[ "$stderr" == *"killed by signal 11 (SIGSEGV)"* ]]
	run --separate-stderr mx --wall-time=30s "$RT/lonepipe" spoof SigCgt:ffffffff raise </dev/null
	echo "raise: $status $stderr"
	expect_status 139
	# The kernel's SIGXFSZ: the output limit (old build: it lived, status 3).
	tofile --output=1K "$RT/lonepipe" spoof SigCgt:ffffffff xfsz
	expect_status 153
	[[ "$stderr" == *"killed: output limit 1024 bytes exceeded (SIGXFSZ)"* ]]
	# Read as a SIGKILL pending: the checkpoint took it for dying (old
	# build: 'checkpoint refused: ... not every thread stopped within 5 s').
	[ -p "$D/hold" ] || mkfifo "$D/hold"
	exec 6<>"$D/hold"
	timeout -k 5 60 "$MINOS_EXEC" --wall-time=15s --checkpoint="$D/n.ck" --checkpoint-at=100ms \
		"$RT/lonepipe" spoof SigPnd:100 wait <"$D/hold" >/dev/null 2>"$D/ck.err" || true
	exec 6>&-
	cat "$D/ck.err"
	[ -s "$D/n.ck" ]
	restore n.ck
	expect_status 0
	[ "$output" = "spoof SigPnd:100: waited" ]
}

@test "RT5-5: a checkpoint of a container whose threads start threads, signal and make pipes is never refused as 'not every thread stopped'" {
	need_pidns

	local i refused=0
	for i in $(seq 1 12); do
		rm -f "$D/s.ck"
		timeout -k 5 60 "$MINOS_EXEC" --checkpoint="$D/s.ck" --checkpoint-at=$((30 + i * 5))ms \
			--threads=100 "$RT/lonepipe" storm 8 1000 </dev/null >/dev/null 2>"$D/ck.err" || true
		if grep -q refused "$D/ck.err"; then
			cat "$D/ck.err"
			refused=$((refused + 1))
		fi
	done
	[ "$refused" -eq 0 ]
}

# ---- held -------------------------------------------------------------------

@test "RT5 held: wpasses from 4 threads into a child whose one thread makes lone pipes: no passed descriptor is replaced by a pipe's rfd (the kcmp check once a pass came in since the pipe's stop)" {
	need_pidns
	local i
	for i in 1 2 3 4; do
		run --separate-stderr mx "$RT/lonepipe" pass 200 <"$RT/lonepipe"
		echo "$status [$output] $stderr"
		expect_status 0
		# Without the check (sys_pipe_alone true whenever solo): lost 2-10.
		[[ "$output" == "pass 200: passed 200, failed 0, lost 0, extra 0; child: rounds "*", seen 200, bad 0, wrong 0, badwrite 0" ]]
	done
}

@test "RT5 held: the private install number called directly (rdx a free number, stdin's, far out) is ENOSYS and installs nothing" {
	run --separate-stderr mx "$RT/lonepipe" priv </dev/null
	echo "$status [$output] $stderr"
	expect_status 0
	[ "$output" = "priv: -38 -38 -38, open: ooo-----, read 0: 0" ]
}

@test "RT5 held: one container's threads storm drain_alone (pipes, threads started and joined, queued signals, children that exit at once): every pipe right, every signal delivered once, then lone pipes" {
	need_pidns
	local opt
	for opt in "" --trace; do
		run --separate-stderr mx $opt --threads=100 "$RT/lonepipe" storm 8 1000 cnew </dev/null
		echo "$status [$output]"
		expect_status 0
		# With sys_pipe_alone believing every container solo: wrong ~300.
		[ "$output" = "storm 8 x 1000: wrong 0, signals sent 2010 got 2010, cnews ok" ]
	done
}

@test "RT5 held: a storm checkpointed in the middle (left running, and restored) ends as the uninterrupted one" {
	need_pidns
	local at
	for at in 50ms 200ms; do
		run --separate-stderr mx --leave-running --checkpoint="$D/s.ck" --checkpoint-at=$at \
			--threads=100 "$RT/lonepipe" storm 8 1000 </dev/null
		echo "$at left running: $status [$output] $stderr"
		expect_status 0
		[ "$output" = "storm 8 x 1000: wrong 0, signals sent 2010 got 2010" ]
		local try
		for try in 1 2 3; do # (refused now and then: RT5-5, open)
			rm -f "$D/s.ck"
			run --separate-stderr mx --checkpoint="$D/s.ck" --checkpoint-at=$at \
				--threads=100 "$RT/lonepipe" storm 8 1000 </dev/null
			echo "$at checkpoint $try: $stderr"
			[ -s "$D/s.ck" ] && break
			[[ "$stderr" == *"not every thread stopped"* ]]
		done
		[ -s "$D/s.ck" ]
		restore s.ck --threads=100
		expect_status 0
		[ "$output" = "storm 8 x 1000: wrong 0, signals sent 2010 got 2010" ]
	done
}
