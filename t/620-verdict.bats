#!/usr/bin/env bats
# t/620-verdict.bats - what a grader reads: the verdict of each way a
# program can end (OK RE SG TO ML OL XX), the memory limit as committed
# memory (Go included), CPU time to the millisecond, --output on a pipe,
# and a report in every case.

load helpers

BB=/bin/busybox

report_run() {
	R="$BATS_TEST_TMPDIR/report.json"
	run mx --report="$R" "$@"
}
field() {
	jq -r "$1" "$R"
}

# Go programs, built once per file when go is installed (Debian golang-go).
setup_file() {
	export GO_DIR="$BATS_FILE_TMPDIR/go"
	mkdir -p "$GO_DIR"
	if command -v go >/dev/null; then
		for p in hello live; do
			CGO_ENABLED=0 GOCACHE="$GO_DIR/cache" GOPATH="$GO_DIR/path" \
				HOME="$GO_DIR" go build -o "$GO_DIR/$p" \
				"$MINOS_SRC/t/go/$p.go" >/dev/null 2>&1 || true
		done
	fi
}
need_go() {
	[ -x "$GO_DIR/$1" ] || skip "go is not installed (apt-get install golang-go)"
}

@test "verdict OK: exit 0, with its message" {
	report_run "$EX/hello"
	expect_status 0
	[ "$(field .verdict)" = OK ]
	[ "$(field .containers[0].verdict)" = OK ]
	[ "$(field .containers[0].memory_limit_hit)" = false ]
	[ "$(field .message)" = "container 1 (hello): exited with status 0" ]
}

@test "verdict RE: exit 1 for another reason, with little memory" {
	report_run --memory=64M "$G/memhog" small
	expect_status 1
	[ "$(field .containers[0].verdict)" = RE ]
	[ "$(field .containers[0].memory_limit_hit)" = false ]
	[ "$(field .containers[0].exit_code)" = 1 ]
	[ "$(field .containers[0].message)" = "container 1 (memhog): exited with status 1" ]
}

@test "verdict ML: one huge malloc refused, the program exits 1" {
	report_run --memory=256M "$G/memhog" huge 2048
	expect_status 1
	expect_output "memhog: malloc failed"
	expect_output "minos-exec: container 1 (memhog): memory limit 256M refused an allocation; exited with status 1"
	[ "$(field .verdict)" = ML ]
	[ "$(field .containers[0].verdict)" = ML ]
	[ "$(field .containers[0].memory_limit_hit)" = true ]
	[ "$(field .containers[0].exit_code)" = 1 ]
}

@test "a huge malloc refused is not ML when the program copes and exits 0" {
	report_run --memory=64M "$G/alloc" 128
	expect_status 0
	[ "$(field .containers[0].verdict)" = OK ]
	[ "$(field .containers[0].memory_limit_hit)" = true ]
}

@test "verdict ML: 1 MiB steps touched until malloc fails, then abort()" {
	report_run --memory=64M "$G/memhog" steps
	expect_status 134
	[ "$(field .containers[0].verdict)" = ML ]
	[ "$(field .containers[0].memory_limit_hit)" = true ]
	[ "$(field .containers[0].signal)" = SIGABRT ]
	[ "$(field '.containers[0].data_bytes <= 64 * 1048576')" = true ]
}

@test "verdict SG: a fault no limit explains" {
	report_run "$G/memhog" signal 11
	expect_status 139
	[ "$(field .containers[0].verdict)" = SG ]
	[ "$(field .containers[0].signal)" = SIGSEGV ]
}

@test "a real-time signal is named by the C library: SIGRTMIN+3" {
	report_run "$G/memhog" signal 37
	expect_status 165
	expect_output "killed by signal 37 (SIGRTMIN+3)"
	[ "$(field .containers[0].verdict)" = SG ]
	[ "$(field .containers[0].signal)" = SIGRTMIN+3 ]
}

@test "--memory=64M runs a Go hello (reservations are not counted)" {
	need_go hello
	run mx --memory=64M "$GO_DIR/hello"
	expect_status 0
	expect_exact "hello, world"
}

@test "--address-space caps reservations too: a Go hello fails under 256M of it" {
	need_go hello
	run mx --address-space=256M "$GO_DIR/hello"
	[ "$status" -ne 0 ]
	expect_output "fatal error"
}

@test "verdict ML: a Go program keeping more live memory than the limit" {
	need_go live
	report_run --memory=128M "$GO_DIR/live" 300
	[ "$status" -ne 0 ]
	expect_output "out of memory"
	[ "$(field .containers[0].verdict)" = ML ]
	[ "$(field .containers[0].memory_limit_hit)" = true ]
}

@test "a Go program that stays under the limit is OK and did not hit it" {
	need_go live
	report_run --memory=128M "$GO_DIR/live" 20
	expect_status 0
	expect_exact "kept 20 MiB"
	[ "$(field .containers[0].verdict)" = OK ]
	[ "$(field .containers[0].memory_limit_hit)" = false ]
}

@test "verdict TO: --cpu-time=500ms ends a busy loop with 137 and cpu_ms at least 500" {
	report_run --cpu-time=500ms "$G/spin" busy
	expect_status 137
	expect_output "minos-exec: container 1 (spin): killed: CPU time limit 500ms exceeded"
	[ "$(field .containers[0].verdict)" = TO ]
	[ "$(field .containers[0].ended_by)" = cpu-time ]
	[ "$(field .containers[0].signal)" = SIGKILL ]
	[ "$(field '.containers[0].cpu_ms >= 500')" = true ]
}

@test "a program that ignores SIGXCPU ends the same way: 137, TO" {
	report_run --cpu-time=300ms "$G/spin" deaf
	expect_status 137
	[ "$(field .containers[0].verdict)" = TO ]
	[ "$(field .containers[0].ended_by)" = cpu-time ]
	[ "$(field '.containers[0].cpu_ms >= 300')" = true ]
}

@test "verdict TO: the wall time, ended_by says which" {
	report_run --wall-time=200ms "$G/spin" block
	expect_status 137
	[ "$(field .containers[0].verdict)" = TO ]
	[ "$(field .containers[0].ended_by)" = wall-time ]
}

@test "verdict OL: --output=1M on a stdout pipe lets exactly 1 MiB through" {
	R="$BATS_TEST_TMPDIR/report.json"
	run bash -c 'head -c 3000000 /dev/zero |
		timeout -k 5 60 "$MINOS_EXEC" --output=1M --report="$1" "$2" | wc -c
		echo "status ${PIPESTATUS[1]}"' _ "$R" "$EX/cat"
	expect_output "1048576
status 137"
	expect_output "killed: output limit 1048576 bytes exceeded (SIGKILL)"
	[ "$(field .containers[0].verdict)" = OL ]
	[ "$(field .containers[0].ended_by)" = output ]
}

@test "--output on a pipe: exactly the limit is not over it" {
	R="$BATS_TEST_TMPDIR/report.json"
	run bash -c 'head -c 1000 /dev/zero |
		timeout -k 5 60 "$MINOS_EXEC" --output=1000 --report="$1" "$2" | wc -c
		echo "status ${PIPESTATUS[1]}"' _ "$R" "$EX/cat"
	expect_exact "1000
status 0"
	[ "$(field .containers[0].verdict)" = OK ]
}

@test "--output bounds standard error on a pipe too" {
	R="$BATS_TEST_TMPDIR/report.json"
	run bash -c 'timeout -k 5 60 "$MINOS_EXEC" --output=1000 --report="$1" \
		"$2" stderr 2>&1 >/dev/null | grep -c "^y$"' _ "$R" "$G/memhog"
	expect_exact 500
	[ "$(field .containers[0].verdict)" = OL ]
	[ "$(field .containers[0].status)" = 137 ]
}

@test "--output counts a stdout that is /dev/null too (not a regular file)" {
	R="$BATS_TEST_TMPDIR/report.json"
	run bash -c 'timeout -k 5 60 "$MINOS_EXEC" --output=1000 --report="$1" \
		"$2" yes >/dev/null' _ "$R" "$BB"
	expect_status 137
	[ "$(field .containers[0].verdict)" = OL ]
}

@test "verdict XX: a program that cannot run (126) still gets a report" {
	report_run /bin/true
	expect_status 126
	[ "$(field .verdict)" = XX ]
	[ "$(field .status)" = 126 ]
	[ "$(field .containers[0].verdict)" = XX ]
	[[ "$(field .containers[0].message)" == *"dynamically linked"* ]]
}

@test "verdict XX: a program not found (127) still gets a report" {
	report_run "$BATS_TEST_TMPDIR/nothing-here"
	expect_status 127
	[ "$(field .verdict)" = XX ]
	[ "$(field .message)" = "$BATS_TEST_TMPDIR/nothing-here: not found" ]
}

@test "a PROGRAM without execute permission: 126, Permission denied, as env(1)" {
	cp "$EX/hello" "$BATS_TEST_TMPDIR/noexec"
	chmod 644 "$BATS_TEST_TMPDIR/noexec"
	report_run "$BATS_TEST_TMPDIR/noexec"
	expect_status 126
	expect_output "Permission denied"
	[[ "$output" != *"hello, world"* ]]
	[ "$(field .verdict)" = XX ]
}

@test "--help and --version to a full device: 125" {
	[ -w /dev/full ] || skip "no /dev/full"
	run bash -c '"$MINOS_EXEC" --help >/dev/full'
	expect_status 125
	expect_output "standard output"
	run bash -c '"$MINOS_EXEC" --version >/dev/full'
	expect_status 125
}

@test "--memory 64M (a space) is --memory=64M" {
	run mx --memory 64M "$G/alloc" 128
	expect_status 0
	expect_exact "alloc 128 MiB: ENOMEM"
	run mx --memory 64M "$G/alloc" 16
	expect_status 0
	expect_exact "alloc 16 MiB: ok"
}

@test "--output on a stdout that is a socket: exactly the limit gets through, OL" {
	command -v python3 >/dev/null || skip "python3 makes the socket pair"
	R="$BATS_TEST_TMPDIR/report.json"
	run python3 - "$MINOS_EXEC" "$R" "$BB" <<-'PY'
	import socket, subprocess, sys
	a, b = socket.socketpair()
	p = subprocess.Popen(["timeout", "-k", "5", "60", sys.argv[1], "--output=1000",
	                      "--report=" + sys.argv[2], sys.argv[3], "yes"], stdout=a)
	a.close()
	n = 0
	while True:
	    d = b.recv(65536)
	    if not d:
	        break
	    n += len(d)
	print(n, p.wait())
	PY
	expect_output "1000 137"
	[ "$(field .containers[0].verdict)" = OL ]
}

@test "--output on a stdout that is a terminal: OL" {
	command -v script >/dev/null || skip "script(1) (util-linux) gives a terminal"
	R="$BATS_TEST_TMPDIR/report.json"
	run script -qec "timeout -k 5 60 '$MINOS_EXEC' --output=100 --report='$R' '$BB' yes" /dev/null
	expect_status 137
	[ "$(echo "$output" | grep -c '^y')" = 50 ]
	[ "$(field .containers[0].verdict)" = OL ]
}

@test "--output with a reader that leaves: the writer gets EPIPE as without it" {
	run bash -c 'timeout -k 5 60 "$MINOS_EXEC" --output=1G "$1" yes 2>"$2" |
		head -c 4; echo " ${PIPESTATUS[0]}"' _ "$BB" "$BATS_TEST_TMPDIR/err"
	expect_exact "y
y
 1"
	grep -q "Broken pipe" "$BATS_TEST_TMPDIR/err"
	! grep -q "output limit" "$BATS_TEST_TMPDIR/err"
}

@test "a policy stage's output limit counts what it writes into a stream: OL" {
	P="$BATS_TEST_TMPDIR/flood.yaml"
	cat > "$P" <<-EOF
	version: 1
	limits: {wall-time: 30s}
	streams: [answer]
	containers:
	  submission:
	    program: $BB
	    argv: [yes]
	    fds: {1: {write: answer}, 2: stderr}
	    limits: {output: 1000}
	  checker:
	    program: $BB
	    argv: [wc, -c]
	    fds: {0: {read: answer}, 1: stdout, 2: stderr}
	EOF
	report_run --policy="$P"
	expect_status 137
	expect_output "1000"
	expect_output "container 1 (submission): killed: output limit 1000 bytes exceeded (SIGKILL)"
	[ "$(field '[.containers[] | .verdict] | join(" ")')" = "OL OK" ]
}

@test "--cpu-time=1ms: a limit that runs out at once still ends it, TO" {
	report_run --cpu-time=1ms "$G/spin" busy
	expect_status 137
	[ "$(field .containers[0].verdict)" = TO ]
	[ "$(field '.containers[0].cpu_ms >= 1')" = true ]
}
