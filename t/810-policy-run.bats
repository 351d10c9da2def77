#!/usr/bin/env bats
# t/810-policy-run.bats - --policy runs a graph of containers: streams,
# files, per-stage limits, the pipefail status, the report of each stage.
# (The parser's errors and --check: 800-policy-check.bats.)

load helpers

BB=/bin/busybox

# Write the policy on stdin to $P.
policy() {
	P="$BATS_TEST_TMPDIR/p.yaml"
	cat > "$P"
}

@test "examples/policy/wordcount.yaml: generate | sort | uniq -c" {
	run mx --policy="$MINOS_SRC/examples/policy/wordcount.yaml"
	expect_status 0
	expect_exact "$(printf '      3 apple\n      1 fig\n      2 pear')"
}

@test "--policy with --check runs nothing and creates no file" {
	policy <<-EOF
	containers:
	  out:
	    program: $EX/hello
	    fds: {1: {file: out.txt, mode: truncate}}
	EOF
	run mx --check --policy="$P"
	expect_status 0
	expect_output "container out: $EX/hello"
	[ ! -e "$BATS_TEST_TMPDIR/out.txt" ]
}

@test "a stage's files: read one, truncate one, relative to the policy file" {
	printf 'abc\n' > "$BATS_TEST_TMPDIR/in.txt"
	printf 'old old old\n' > "$BATS_TEST_TMPDIR/out.txt"
	policy <<-EOF
	containers:
	  copy:
	    program: $EX/cat
	    fds: {0: {file: in.txt}, 1: {file: out.txt, mode: truncate}, 2: stderr}
	EOF
	run mx --policy="$P"
	expect_status 0
	[ "$(cat "$BATS_TEST_TMPDIR/out.txt")" = abc ]
}

@test "mode append adds to a file, mode create refuses one that exists before anything runs" {
	printf 'one\n' > "$BATS_TEST_TMPDIR/log.txt"
	policy <<-EOF
	containers:
	  add:
	    program: $EX/hello
	    fds: {1: {file: log.txt, mode: append}}
	EOF
	run mx --policy="$P"
	expect_status 0
	[ "$(cat "$BATS_TEST_TMPDIR/log.txt")" = "$(printf 'one\nhello, world')" ]
	policy <<-EOF
	containers:
	  first:
	    program: $EX/hello
	    fds: {1: {file: new.txt, mode: create}}
	  second:
	    program: $EX/hello
	    fds: {1: {file: log.txt, mode: create}}
	EOF
	run mx --policy="$P"
	expect_status 125
	expect_output "container 'second' fd 1: cannot open $BATS_TEST_TMPDIR/log.txt: File exists"
	[ ! -e "$BATS_TEST_TMPDIR/new.txt" ]
}

@test "a program path relative to the policy file's directory" {
	mkdir "$BATS_TEST_TMPDIR/bin"
	cp "$EX/hello" "$BATS_TEST_TMPDIR/bin/hi"
	policy <<-EOF
	containers:
	  hi:
	    program: bin/hi
	EOF
	cd /
	run mx --policy="$P"
	expect_status 0
	expect_exact "hello, world"
}

@test "a missing program is found before anything runs: 127 with its position" {
	policy <<-EOF
	containers:
	  first:
	    program: $EX/hello
	    fds: {1: {file: made.txt, mode: truncate}}
	  gone:
	    program: ./no-such-program
	EOF
	run mx --policy="$P"
	expect_status 127
	expect_output "minos-exec: $P:5:3: container 'gone': program ./no-such-program: not found"
	[ ! -e "$BATS_TEST_TMPDIR/made.txt" ]
}

@test "the status is the last failing stage's, as with pipefail" {
	policy <<-EOF
	containers:
	  a: {program: $BB, argv: [sh, -c, "exit 3"]}
	  b: {program: $BB, argv: [sh, -c, "exit 0"]}
	EOF
	run mx --policy="$P"
	expect_status 3
	policy <<-EOF
	containers:
	  a: {program: $BB, argv: [sh, -c, "exit 3"]}
	  b: {program: $BB, argv: [sh, -c, "exit 4"]}
	  c: {program: $BB, argv: [sh, -c, "exit 0"]}
	EOF
	run mx --policy="$P"
	expect_status 4
	policy <<-EOF
	containers:
	  a: {program: $BB, argv: [sh, -c, "exit 0"]}
	  b: {program: $G/signals, argv: [signals, segv]}
	EOF
	run mx --policy="$P"
	expect_status 139
}

@test "argv and env reach the stage as written" {
	policy <<-EOF
	containers:
	  show:
	    program: $G/args
	    argv: [first, "a b", ""]
	  env:
	    program: $G/env
	    env: {ANSWER: "42"}
	    fds: {1: {file: env.txt, mode: truncate}}
	EOF
	run mx --policy="$P"
	expect_status 0
	expect_exact "$(printf 'argc=3\n[first]\n[a b]\n[]')"
	grep -qx "ANSWER=42" "$BATS_TEST_TMPDIR/env.txt"
}

@test "a stream with two writers (declared) merges them" {
	policy <<-EOF
	streams: {both: {writers: 2}}
	containers:
	  one: {program: $EX/hello, fds: {1: {write: both}}}
	  two: {program: $EX/hello, fds: {1: {write: both}}}
	  count: {program: $BB, argv: [wc, -l], fds: {0: {read: both}, 1: stdout}}
	EOF
	run mx --policy="$P"
	expect_status 0
	[ "$output" -eq 2 ]
}

@test "a stage over its CPU time ends alone; the others finish" {
	policy <<-EOF
	streams: [s]
	containers:
	  busy:
	    program: $G/spin
	    argv: [spin, busy]
	    fds: {1: {write: s}, 2: stderr}
	    limits: {cpu-time: 1s}
	  after:
	    program: $EX/cat
	    fds: {0: {read: s}, 1: stdout}
	EOF
	run mx --report="$BATS_TEST_TMPDIR/r.json" --policy="$P"
	expect_output "spinning"
	expect_output "minos-exec: container 1 (busy): killed: CPU time limit 1s exceeded"
	R="$BATS_TEST_TMPDIR/r.json"
	[ "$(jq -r '.containers[0].ended_by' "$R")" = cpu-time ]
	[ "$(jq -r '.containers[1].exit_code' "$R")" = 0 ]
	[ "$(jq -r '.status' "$R")" = "$status" ]
}

@test "a stage's wall time ends that stage only, with a message naming it" {
	policy <<-EOF
	limits: {wall-time: 60s}
	containers:
	  stuck:
	    program: $G/spin
	    argv: [spin, block]
	    limits: {wall-time: 200ms}
	  fine:
	    program: $EX/hello
	EOF
	run mx --report="$BATS_TEST_TMPDIR/r.json" --policy="$P"
	expect_status 137
	expect_output "minos-exec: container 1 (stuck): killed: wall time limit 200ms exceeded"
	expect_output "hello, world"
	R="$BATS_TEST_TMPDIR/r.json"
	[ "$(jq -r '.containers[0].ended_by' "$R")" = wall-time ]
	[ "$(jq -r '.containers[1].ended_by' "$R")" = null ]
}

@test "a stage over its memory limit gets ENOMEM; the report shows it was not ended" {
	policy <<-EOF
	containers:
	  big:
	    program: $G/alloc
	    argv: [alloc, "128"]
	    limits: {memory: 64M}
	  small:
	    program: $G/alloc
	    argv: [alloc, "128"]
	EOF
	run mx --report="$BATS_TEST_TMPDIR/r.json" --policy="$P"
	expect_status 0
	expect_output "alloc 128 MiB: ENOMEM"
	expect_output "alloc 128 MiB: ok"
	R="$BATS_TEST_TMPDIR/r.json"
	[ "$(jq -r '.containers[0].peak_vm_bytes <= 64 * 1048576' "$R")" = true ]
	[ "$(jq -r '.containers[0].ended_by' "$R")" = null ]
}

@test "the report of a policy run: names, programs, bindings and file bytes" {
	printf 'twelve bytes' > "$BATS_TEST_TMPDIR/in.txt"
	policy <<-EOF
	streams: [s]
	containers:
	  src:
	    program: $EX/cat
	    fds: {0: {file: in.txt}, 1: {write: s}}
	  dst:
	    program: $EX/cat
	    fds: {0: {read: s}, 1: {file: out.txt, mode: truncate}}
	EOF
	R="$BATS_TEST_TMPDIR/r.json"
	run mx --report="$R" --policy="$P"
	expect_status 0
	[ "$(jq -r '[.containers[].name] | join(",")' "$R")" = src,dst ]
	[ "$(jq -r '.containers[0].program' "$R")" = "$EX/cat" ]
	[ "$(jq -r '.containers[0].fds[0].binding' "$R")" = "file in.txt (read)" ]
	[ "$(jq -r '.containers[0].fds[0].bytes' "$R")" = 12 ]
	[ "$(jq -r '.containers[0].fds[1].binding' "$R")" = "write stream s" ]
	[ "$(jq -r '.containers[0].fds[1].bytes' "$R")" = null ]
	[ "$(jq -r '.containers[1].fds[1].binding' "$R")" = "file out.txt (truncate)" ]
	[ "$(jq -r '.containers[1].fds[1].bytes' "$R")" = 12 ]
	[ "$(cat "$BATS_TEST_TMPDIR/out.txt")" = "twelve bytes" ]
}

@test "a stage's output limit ends it when it writes past the size of a file" {
	policy <<-EOF
	containers:
	  gen:
	    program: $BB
	    argv: [yes]
	    fds: {1: {file: out.txt, mode: truncate}}
	    limits: {output: 4K}
	EOF
	run mx --policy="$P"
	expect_status 153
	expect_output "container 1 (gen): killed: output limit 4096 bytes exceeded"
	[ "$(stat -c %s "$BATS_TEST_TMPDIR/out.txt")" = 4096 ]
}

@test "a stage's containers limit bounds its live children: the next cnew gets EAGAIN" {
	policy <<-EOF
	containers:
	  fan:
	    program: $G/cnew_rules
	    argv: [cnew_rules, many]
	    limits: {containers: 2}
	EOF
	run mx --policy="$P"
	expect_status 0
	expect_output "started 2 children, cids 1 to 2"
	expect_output "then cnew = -EAGAIN"
}

@test "the run's containers limit counts every stage" {
	policy <<-EOF
	limits: {containers: 3}
	streams: [s]
	containers:
	  fan: {program: $G/cnew_rules, argv: [cnew_rules, many], fds: {1: {write: s}}}
	  other: {program: $EX/cat, fds: {0: {read: s}, 1: stdout}}
	EOF
	run mx --policy="$P"
	expect_status 0
	expect_output "started 1 children, cids 1 to 1"
	expect_output "then cnew = -EAGAIN"
}

@test "stages whose memory is more than total-memory together: nothing runs, 125 and where" {
	policy <<-EOF
	limits: {total-memory: 96M}
	defaults: {memory: 64M}
	containers:
	  a: {program: $EX/hello, fds: {1: {file: a.txt, mode: truncate}}}
	  b: {program: $EX/hello}
	EOF
	run mx --policy="$P"
	expect_status 125
	expect_exact "minos-exec: $P:5:3: container 'b': its memory 64M takes the containers' memory to 128M, more than the session's total-memory 96M (each container reserves its memory out of it); raise total-memory or lower memory"
	[ ! -e "$BATS_TEST_TMPDIR/a.txt" ]
}

@test "every stage reserves its memory out of total-memory: a child beyond it is ENOMEM" {
	need_pidns
	# 32M + 64M for the stages, 32M for each child of fan: two fit in 160M.
	policy <<-EOF
	limits: {total-memory: 160M}
	streams: [s]
	containers:
	  fan: {program: $MINOS_BUILD/t/pass/total_memory, fds: {1: {write: s}}, limits: {memory: 32M}}
	  other: {program: $EX/cat, fds: {0: {read: s}, 1: stdout}, limits: {memory: 64M}}
	EOF
	run --separate-stderr mx --policy="$P"
	expect_status 0
	expect_exact "cnew 1 = 1
cnew 2 = 2
cnew 3 = -12"
}

@test "total-memory 0 is derived from the file's containers: a stage's children (its memory each) fit while the session has room" {
	need_pidns
	# Derived: 128M + 128M for the stages, 128M for each of the two
	# further containers the session allows; --memory (64M) is not it.
	# (It was containers x --memory, 256M: the first cnew was ENOMEM.)
	policy <<-EOF
	limits: {containers: 4}
	defaults: {memory: 128M}
	streams: [s]
	containers:
	  fan: {program: $MINOS_BUILD/t/pass/total_memory, fds: {1: {write: s}}}
	  other: {program: $EX/cat, fds: {0: {read: s}, 1: stdout}}
	EOF
	run --separate-stderr mx --memory=64M --policy="$P"
	expect_status 0
	expect_exact "cnew 1 = 1
cnew 2 = 2
cnew 3 = -11"
}

@test "PROGRAM, --flat or --env with --policy is an error" {
	run mx --policy=x.yaml "$EX/hello"
	expect_status 125
	expect_output "--policy: the policy file names the programs; remove '$EX/hello' and what follows"
}

@test "an unreadable policy file: exit 125" {
	run mx --policy="$BATS_TEST_TMPDIR/none.yaml"
	expect_status 125
	expect_output "minos-exec: $BATS_TEST_TMPDIR/none.yaml: cannot read: No such file or directory"
}
