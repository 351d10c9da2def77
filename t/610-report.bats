#!/usr/bin/env bats
# t/610-report.bats - --report: the JSON a grader or CI reads after a run
# of one program (policy runs: 810-policy-run.bats).  Checked with jq.

load helpers

BB=/bin/busybox

# Run minos-exec with a report into $R; then field JQ-EXPR prints a field.
report_run() {
	R="$BATS_TEST_TMPDIR/report.json"
	run mx --report="$R" "$@"
}
field() {
	jq -r "$1" "$R"
}

@test "--report: a program that exits 0, its image hash, its output bytes" {
	report_run "$EX/hello"
	expect_status 0
	jq -e . "$R" >/dev/null
	[ "$(field .minos_report)" = 2 ]
	[ "$(field .status)" = 0 ]
	[ "$(field .verdict)" = OK ]
	[ "$(field '.containers[0].verdict')" = OK ]
	[ "$(field '.containers[0].message')" = "container 1 (hello): exited with status 0" ]
	[ "$(field '.containers[0].memory_limit_hit')" = false ]
	[ "$(field '.containers | length')" = 1 ]
	[ "$(field '.containers[0].name')" = hello ]
	[ "$(field '.containers[0].program')" = "$EX/hello" ]
	[ "$(field '.containers[0].image_sha256')" = "$(sha256sum < "$EX/hello" | cut -d' ' -f1)" ]
	[ "$(field '.containers[0].exit_code')" = 0 ]
	[ "$(field '.containers[0].signal')" = null ]
	[ "$(field '.containers[0].ended_by')" = null ]
	[ "$(field '.containers[0].bytes_written')" = 13 ]
	[ "$(field '.containers[0].refused | length')" = 0 ]
	[ "$(field '[.containers[0].fds[].binding] | join(",")')" = stdin,stdout,stderr ]
	[ "$(field '.containers[0].peak_rss_bytes > 0')" = true ]
	[ "$(field '.containers[0].wall_ms >= .containers[0].cpu_ms')" = true ]
}

@test "--report: a program that exits 3" {
	report_run "$BB" sh -c 'exit 3'
	expect_status 3
	[ "$(field .status)" = 3 ]
	[ "$(field '.containers[0].exit_code')" = 3 ]
	[ "$(field '.containers[0].status')" = 3 ]
	[ "$(field '.containers[0].ended_by')" = null ]
}

@test "--report: a program that faults" {
	report_run "$G/signals" segv
	expect_status 139
	[ "$(field '.containers[0].exit_code')" = null ]
	[ "$(field '.containers[0].signal')" = SIGSEGV ]
	[ "$(field '.containers[0].status')" = 139 ]
	[ "$(field '.containers[0].ended_by')" = null ]
}

@test "--report: a program ended by its CPU time" {
	report_run --cpu-time=1s "$G/spin" busy
	expect_status 137
	[ "$(field '.containers[0].ended_by')" = cpu-time ]
	[ "$(field '.containers[0].verdict')" = TO ]
	[ "$(field '.containers[0].exit_code')" = null ]
	[ "$(field '.containers[0].signal')" = SIGKILL ]
	[ "$(field '.containers[0].cpu_ms >= 1000')" = true ]
	[ "$(field .status)" = "$status" ]
}

@test "--report: a program ended by the wall time" {
	report_run --wall-time=200ms "$G/spin" block
	expect_status 137
	[ "$(field '.containers[0].ended_by')" = wall-time ]
	[ "$(field '.containers[0].signal')" = SIGKILL ]
	[ "$(field '.containers[0].wall_ms >= 200')" = true ]
}

@test "--report: a program over its memory limit gets ENOMEM and is not ended" {
	report_run --memory=64M "$G/alloc" 128
	expect_status 0
	expect_exact "alloc 128 MiB: ENOMEM"
	[ "$(field '.containers[0].ended_by')" = null ]
	[ "$(field '.containers[0].memory_limit_hit')" = true ]
	[ "$(field '.containers[0].verdict')" = OK ]
	[ "$(field '.containers[0].data_bytes <= 64 * 1048576')" = true ]
}

@test "--report: a program ended by the output limit" {
	head -c 100000 /dev/zero > "$BATS_TEST_TMPDIR/in"
	R="$BATS_TEST_TMPDIR/report.json"
	run bash -c 'timeout -k 5 60 "$MINOS_EXEC" --output=1000 --report="$1" "$2" \
		< "$3" > "$4"' _ "$R" "$EX/cat" "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/out"
	expect_status 153
	expect_output "minos-exec: container 1 (cat): killed: output limit 1000 bytes exceeded (SIGXFSZ)"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/out")" = 1000 ]
	[ "$(field '.containers[0].ended_by')" = output ]
	[ "$(field '.containers[0].signal')" = SIGXFSZ ]
	[ "$(field '.containers[0].verdict')" = OL ]
	[ "$(field '.containers[0].bytes_written')" = 1000 ]
}

@test "--report counts refused calls by name, and prints nothing without --trace" {
	report_run "$PROBE" socket 2 1 0
	expect_status 0
	expect_exact "socket = -ENOSYS"
	[ "$(field '.containers[0].refused | map("\(.call)=\(.count)") | join(",")')" = socket=1 ]
}

@test "--report counts an i386 entry by its foreign name" {
	have_int80 || skip "this kernel has no i386 entry (int 0x80 faults natively)"
	report_run "$PROBE" int80 20
	expect_status 0
	[ "$(field '.containers[0].refused | length')" = 1 ]
	[[ "$(field '.containers[0].refused[0].call')" == i386* ]]
}

@test "--report lists children made by cnew with their parent" {
	report_run "$EX/spawn"
	expect_status 0
	[ "$(field '.containers | length')" = 2 ]
	[ "$(field '.containers[1].parent')" = 1 ]
	[ "$(field '.containers[1].cid')" = 1 ]
	[ "$(field '.containers[1].program')" = null ]
	[ "$(field '.containers[1].image_sha256 | length')" = 64 ]
}

@test "--report=- writes the report to standard error" {
	run --separate-stderr mx --report=- "$EX/hello"
	expect_status 0
	expect_exact "hello, world"
	echo "$stderr" | jq -e '.containers[0].exit_code == 0' >/dev/null
}

@test "--report to a file that cannot be written: exit 125 before anything runs" {
	run mx --report=/nonexistent/dir/r.json "$EX/hello"
	expect_status 125
	expect_exact "minos-exec: --report=/nonexistent/dir/r.json: cannot write: No such file or directory"
}
