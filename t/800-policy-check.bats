#!/usr/bin/env bats
# t/800-policy-check.bats - minos-exec --check --policy=FILE: a sound file
# prints its graph and runs nothing; every other file is refused before
# anything runs, with status 125 and one line naming the file, the line,
# the column and the reason (minos-policy(5)).  One test per message.

load helpers

P="$BATS_TEST_TMPDIR/p.yaml"
C=$'containers: {a: {program: p}}\n'

# refused TEXT WANT: --check of a file holding TEXT exits 125 with exactly
# "minos-exec: FILE:WANT" (WANT is LINE:COLUMN: reason).
refused() {
	printf '%s' "$1" >"$P"
	refused_file "$2"
}

refused_file() {
	run mx --check --policy="$P"
	expect_status 125
	expect_exact "minos-exec: $P:$1"
}

# ---- what --check prints ---------------------------------------------------

@test "--check prints the graph of a 3-stage pipeline, exactly" {
	run mx --check --policy="$MINOS_SRC/t/policy/pipeline.yaml"
	expect_status 0
	expect_exact "$(cat "$MINOS_SRC/t/policy/pipeline.out")"
}

@test "--check: the command line's limits, under the file's defaults:" {
	run mx --memory=128M --threads=2 --output=1M --check \
		--policy="$MINOS_SRC/t/policy/pipeline.yaml"
	expect_status 0
	expect_output "container sort: /bin/busybox"
	expect_output "limits: memory 256M, cpu-time 5s, wall-time none, threads 2, fds 256, containers 64, image-size 64M, output 1M, address-space none"
	expect_output "limits: memory 64M, cpu-time 5s, wall-time none, threads 2,"
}

@test "--check finds the programs: one that does not exist gives 127 and where it is named" {
	text=$'containers: {a: {program: /nonexistent/program}}\n'
	printf '%s' "$text" >"$P"
	run mx --check --policy="$P"
	expect_status 127
	expect_exact "minos-exec: $P:1:14: container 'a': program /nonexistent/program: not found"
}

@test "--check of a file that cannot be read: status 125 and why" {
	run mx --check --policy="$BATS_TEST_TMPDIR/missing.yaml"
	expect_status 125
	expect_exact "minos-exec: $BATS_TEST_TMPDIR/missing.yaml: cannot read: No such file or directory"
}

# ---- the file and YAML ------------------------------------------------------

@test "an empty file" {
	refused $'# nothing but a comment\n' "1:1: empty file"
}

@test "a YAML syntax error: libyaml's reason and where" {
	refused $'a: [b\n' "2:1: did not find expected ',' or ']' (while parsing a flow sequence at 1:4)"
}

@test "bytes that are not UTF-8" {
	refused $'a: \xff\n' "1:4: invalid leading UTF-8 octet"
}

@test "a control character" {
	refused $'a: \x01\n' "1:4: control characters are not allowed"
}

@test "a NUL byte in the file" {
	printf 'a: 1\0\n' >"$P"
	refused_file "1:5: NUL byte in the file"
}

@test "a NUL character written as an escape" {
	refused $'containers: {a: {program: "p\\0"}}\n' "1:27: NUL character ('\\0') not allowed"
}

@test "a file larger than 1 MiB" {
	head -c 1048577 /dev/zero | tr '\0' '#' >"$P"
	refused_file "1:1048577: larger than 1 MiB"
}

@test "an anchor" {
	refused $'x: &a 1\n'"$C" "1:4: anchor '&a' not allowed (write the value out)"
}

@test "an alias" {
	refused $'x: *a\n'"$C" "1:4: alias '*a' not allowed (write the value out)"
}

@test "an explicit tag" {
	refused $'x: !!str 1\n'"$C" "1:4: tag 'tag:yaml.org,2002:str' not allowed"
}

@test "a second document" {
	refused "$C"$'---\n'"$C" "2:1: more than one document (a policy is one YAML document)"
}

@test "a key that is not a scalar" {
	refused $'? [a]\n: 1\n' "1:3: expected a key, found a sequence"
}

@test "a duplicate key" {
	refused $'containers:\n  a: {program: p}\n  a: {program: q}\n' \
		"3:3: duplicate key 'a' (first at line 2)"
}

@test "nesting deeper than 64" {
	printf 'a: %s\n' "$(printf '[%.0s' $(seq 65))" >"$P"
	refused_file "1:67: nested more than 64 deep"
}

@test "more than 100000 values" {
	{ printf 'a: ['; printf 'x,%.0s' $(seq 100000); printf ']\n'; } >"$P"
	refused_file "1:199999: more than 100000 values"
}

# ---- keys, types, values ------------------------------------------------------

@test "an unknown key, with a suggestion" {
	refused $'defaults: {memroy: 64M}\n'"$C" "1:12: unknown key 'memroy' (did you mean 'memory'?)"
}

@test "an unknown key, without a suggestion" {
	refused $'colour: red\n'"$C" "1:1: unknown key 'colour'"
}

@test "an unknown key that is a limit per container" {
	refused $'containers: {a: {program: p, memory: 64M}}\n' \
		"1:30: unknown key 'memory' (a limit per container: set it under 'defaults:' or a container's 'limits:')"
}

@test "an unknown key that is a session limit" {
	refused $'defaults: {total-memory: 4G}\n'"$C" \
		"1:12: unknown key 'total-memory' (a session limit: set it under the top-level 'limits:')"
}

@test "a wrong type: a sequence for a mapping" {
	refused $'limits: [30s]\n'"$C" "1:9: limits: expected a mapping, found a sequence"
}

@test "a wrong type: nothing for a scalar" {
	refused $'containers: {a: {program: }}\n' "1:27: program: expected a scalar, found nothing"
}

@test "a version other than 1" {
	refused $'version: 2\n'"$C" "1:10: version: unsupported version '2' (only 1 is)"
}

@test "a bad size, in the command line's words" {
	refused $'defaults: {memory: 12Q}\n'"$C" "1:20: memory: bad size '12Q' (use a number with K, M or G)"
}

@test "a limit out of range" {
	refused $'defaults: {threads: 0}\n'"$C" "1:21: threads: out of range (1 to 4096)"
}

# ---- streams ----------------------------------------------------------------

@test "streams that are neither a list nor a mapping" {
	refused $'streams: numbers\n'"$C" "1:10: streams: expected a sequence or a mapping, found a scalar"
}

@test "a bad stream name" {
	refused $'streams: [\'a b\']\n'"$C" "1:11: bad stream name 'a b' (use 1 to 64 of A-Z a-z 0-9 _ . -)"
}

@test "a reserved stream name" {
	refused $'streams: [stdout]\n'"$C" \
		"1:11: stream name 'stdout' is reserved (stdin, stdout, stderr and none are)"
}

@test "a stream declared twice" {
	refused $'streams: [s, s]\n'"$C" "1:14: stream 's' declared twice (first at line 1)"
}

@test "writers out of range" {
	refused $'streams: {s: {writers: 0}}\n'"$C" "1:24: writers: out of range (1 to 1024)"
}

@test "readers that are not a number" {
	refused $'streams: {s: {readers: two}}\n'"$C" "1:24: readers: bad number 'two' (use a whole number)"
}

@test "more than 1024 streams" {
	{ printf 'streams: ['; printf 's%s, ' $(seq 1025); printf ']\n'; printf '%s' "$C"; } >"$P"
	refused_file "1:6072: more than 1024 streams"
}

@test "an unknown stream, with a suggestion" {
	refused $'streams: [numbers]\ncontainers: {a: {program: p, fds: {1: {write: numbrs}}}}\n' \
		"2:47: write: unknown stream 'numbrs' (did you mean 'numbers'?)"
}

@test "a stream without its writer (dangling)" {
	refused $'streams: [s]\ncontainers: {a: {program: p, fds: {0: {read: s}}}}\n' \
		"1:11: stream 's' has no writer"
}

@test "a stream without its reader (dangling)" {
	refused $'streams: [s]\ncontainers: {a: {program: p, fds: {1: {write: s}}}}\n' \
		"1:11: stream 's' has no reader"
}

@test "a stream with fewer writers than it declares" {
	refused $'streams: {s: {writers: 2}}\ncontainers:\n  a: {program: p, fds: {1: {write: s}}}\n  b: {program: p, fds: {0: {read: s}}}\n' \
		"1:11: stream 's' has 1 of its 2 writers"
}

@test "a stream bound more times than it declares" {
	refused $'streams: [s]\ncontainers:\n  a: {program: p, fds: {1: {write: s}}}\n  b: {program: p, fds: {1: {write: s}}}\n  c: {program: p, fds: {0: {read: s}}}\n' \
		"4:36: stream 's' has more than 1 writer (declare more with 'writers: N')"
}

@test "a container that reads a stream it writes: a cycle" {
	refused $'streams: [s]\ncontainers: {a: {program: p, fds: {0: {read: s}, 1: {write: s}}}}\n' \
		"2:36: stream cycle: a -> a"
}

@test "a cycle through two containers" {
	refused $'streams: [s, t]\ncontainers:\n  a: {program: p, fds: {0: {read: t}, 1: {write: s}}}\n  b: {program: p, fds: {0: {read: s}, 1: {write: t}}}\n' \
		"3:25: stream cycle: a -> b -> a"
}

# ---- containers -------------------------------------------------------------

@test "no containers" {
	refused $'version: 1\n' "1:1: no containers"
}

@test "an empty containers mapping" {
	refused $'containers: {}\n' "1:13: no containers"
}

@test "a bad container name" {
	refused $'containers: {a/b: {program: p}}\n' \
		"1:14: bad container name 'a/b' (use 1 to 64 of A-Z a-z 0-9 _ . -)"
}

@test "a container without a program" {
	refused $'containers: {a: {argv: [a]}}\n' "1:14: container 'a' has no program"
}

@test "an empty program" {
	refused $'containers: {a: {program: \'\'}}\n' "1:27: program: empty path"
}

@test "more containers than the session limit" {
	refused $'limits: {containers: 1}\ncontainers: {a: {program: p}, b: {program: p}}\n' \
		"2:31: more than 1 container (the session limit 'containers')"
}

@test "containers whose memory adds up to more than the session's total-memory" {
	refused $'limits: {total-memory: 64M}\ndefaults: {memory: 32M}\ncontainers: {a: {program: p}, b: {program: p}, c: {program: p}}\n' \
		"3:48: container 'c': its memory 32M takes the containers' memory to 96M, more than the session's total-memory 64M (each container reserves its memory out of it); raise total-memory or lower memory"
}

@test "a container's memory over the command line's --total-memory" {
	printf '%s' "$C" >"$P"
	run mx --check --total-memory=64M --policy="$P"
	expect_status 125
	expect_exact "minos-exec: $P:1:14: container 'a': its memory 1G is more than the session's total-memory 64M (each container reserves its memory out of it); raise total-memory or lower memory"
	# At the limit the memory is fine (then p is not found: 127).
	run mx --check --total-memory=64M --memory=64M --policy="$P"
	expect_status 127
	[[ "$output" != *total-memory* ]]
}

@test "more than 1024 containers" {
	{ printf 'limits: {containers: 2000}\ncontainers:\n'; printf '  c%s: {program: p}\n' $(seq 1025); } >"$P"
	refused_file "1027:3: more than 1024 containers"
}

@test "an empty argv" {
	refused $'containers: {a: {program: p, argv: []}}\n' "1:36: argv: empty (argv[0] is needed)"
}

@test "more than 4096 argv entries" {
	{ printf 'containers: {a: {program: p, argv: ['; printf 'x, %.0s' $(seq 4097); printf ']}}\n'; } >"$P"
	refused_file "1:12325: argv: more than 4096 entries"
}

@test "more than 128 KiB of argv and env" {
	{ printf 'containers: {a: {program: p, argv: [x], env: {'
	  for i in $(seq 17); do printf 'V%s: %s, ' "$i" "$(head -c 8000 /dev/zero | tr '\0' x)"; done
	  printf '}}}\n'; } >"$P"
	refused_file "1:128150: argv and env: more than 128 KiB"
}

@test "a bad environment variable name" {
	refused $'containers: {a: {program: p, env: {1X: y}}}\n' \
		"1:36: env: bad variable name '1X' (use letters, digits and _, not a digit first)"
}

@test "flat that is not true or false" {
	refused $'containers: {a: {program: p, flat: yes}}\n' "1:36: flat: expected true or false, found 'yes'"
}

# ---- descriptors ------------------------------------------------------------

@test "a slot that is not a number" {
	refused $'containers: {a: {program: p, fds: {one: stdout}}}\n' \
		"1:36: fds: bad slot 'one' (use a descriptor number)"
}

@test "a slot at the container's fds limit" {
	refused $'containers: {a: {program: p, limits: {fds: 8}, fds: {8: stdout}}}\n' \
		"1:54: fds: slot 8 is at or beyond the fds limit (8)"
}

@test "a slot bound twice" {
	refused $'containers: {a: {program: p, fds: {1: stdout, 01: stderr}}}\n' \
		"1:47: fds: slot 1 bound twice (first at line 1)"
}

@test "more than 262144 slots in all containers" {
	{ printf 'defaults: {fds: 65536}\ncontainers:\n'; printf '  c%s: {program: p, fds: {65535: none}}\n' $(seq 5); } >"$P"
	refused_file "7:25: fds: more than 262144 slots in all containers together"
}

@test "an unknown binding, with a suggestion" {
	refused $'containers: {a: {program: p, fds: {1: stdot}}}\n' \
		"1:39: fd 1: unknown binding 'stdot' (did you mean 'stdout'?)"
}

@test "a stream named as a binding" {
	refused $'streams: [s]\ncontainers: {a: {program: p, fds: {1: s}}}\n' \
		"2:39: fd 1: 's' is a stream: bind it with {read: s} or {write: s}"
}

@test "a binding that is a sequence" {
	refused $'containers: {a: {program: p, fds: {1: [stdout]}}}\n' \
		"1:39: fd 1: expected a scalar or a mapping, found a sequence"
}

@test "a binding mapping with no read, write or file" {
	refused $'containers: {a: {program: p, fds: {1: {}}}}\n' \
		"1:39: fd 1: needs one of read, write or file"
}

@test "a binding mapping with two of read, write and file" {
	refused $'containers: {a: {program: p, fds: {0: {read: stdin, file: x}}}}\n' \
		"1:59: fd 0: only one of read, write or file"
}

@test "read: of an output" {
	refused $'containers: {a: {program: p, fds: {0: {read: stdout}}}}\n' \
		"1:46: read: cannot read 'stdout' (only stdin or a stream)"
}

@test "write: of an input" {
	refused $'containers: {a: {program: p, fds: {1: {write: stdin}}}}\n' \
		"1:47: write: cannot write 'stdin' (only stdout, stderr or a stream)"
}

@test "an empty file path" {
	refused $'containers: {a: {program: p, fds: {1: {file: \'\'}}}}\n' "1:46: file: empty path"
}

@test "an unknown file mode, with a suggestion" {
	refused $'containers: {a: {program: p, fds: {1: {file: x, mode: apend}}}}\n' \
		"1:55: mode: unknown mode 'apend' (did you mean 'append'?)"
}

@test "a mode without a file" {
	refused $'containers: {a: {program: p, fds: {1: {write: stdout, mode: append}}}}\n' \
		"1:61: mode: only with file"
}

@test "perm without a file" {
	refused $'containers: {a: {program: p, fds: {1: {write: stdout, perm: 0600}}}}\n' \
		"1:61: perm: only with file"
}

@test "perm for a file that is only read" {
	refused $'containers: {a: {program: p, fds: {1: {file: x, perm: 0600}}}}\n' \
		"1:55: perm: only with mode truncate, append or create"
}

@test "bad permissions" {
	refused $'containers: {a: {program: p, fds: {1: {file: x, mode: create, perm: 0999}}}}\n' \
		"1:69: perm: bad permissions '0999' (use octal, 0 to 0777)"
}

# ---- the manual -------------------------------------------------------------

@test "every example of minos-policy(5) passes --check" {
	# the .EX blocks after .SH EXAMPLES, with roff's \- made plain
	awk -v dir="$BATS_TEST_TMPDIR" '
		/^\.SH EXAMPLES/ { on = 1; next }
		/^\.SH / { on = 0 }
		on && /^\.EX/ { n++; f = dir "/example" n ".yaml"; next }
		on && /^\.EE/ { f = ""; next }
		f { gsub(/\\-/, "-"); print > f }
	' "$MINOS_SRC/man/minos-policy.5"
	[ -f "$BATS_TEST_TMPDIR/example3.yaml" ]
	# what the grader example names, next to it
	cp "$EX/cat" "$BATS_TEST_TMPDIR/submission"
	cp "$EX/cat" "$BATS_TEST_TMPDIR/checker"
	mkdir "$BATS_TEST_TMPDIR/tests"
	: > "$BATS_TEST_TMPDIR/tests/1.in"
	: > "$BATS_TEST_TMPDIR/tests/1.out"
	for f in "$BATS_TEST_TMPDIR"/example*.yaml; do
		run mx --check --policy="$f"
		if [ "$status" -ne 0 ]; then
			echo "$f: $output" >&2
			return 1
		fi
	done
}
