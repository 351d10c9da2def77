#!/usr/bin/env bats
# What the supervisor holds for a container is charged to that container:
# the images of pending cnews (issue 9), and a child's image is held to the
# memory limit it will run under.

load helpers

# Every "wave" line of imgpark's output: pending P, ENOMEM E, other O, with
# lo <= P <= hi, P + E = n, O = 0; and at least one such line.
waves_within() {
	local lo=$1 hi=$2 n=$3
	echo "$output" | awk -v lo="$lo" -v hi="$hi" -v n="$n" '
		/^(round [0-9]+ wave [0-9]+: )?pending/ {
			seen++
			p = $0; sub(/.*pending /, "", p); p += 0
			e = $0; sub(/.*ENOMEM /, "", e); e += 0
			o = $0; sub(/.*other /, "", o); o += 0
			if (p < lo || p > hi || p + e != n || o != 0) {
				print "out of bounds: " $0 > "/dev/stderr"; bad++
			}
		}
		END { exit !(seen && !bad) }'
}

@test "pending cnew images are charged to the caller's --memory: beyond it its cnew is ENOMEM, and the charge comes back" {
	need_pidns
	# 16 cnews of 3M streams that never end, under --memory=16M: at most 5
	# can be held (each holds at least 3M); before, all 16 were, and so
	# any number of threads could grow minos-exec without bound.
	run --separate-stderr mx --wall-time=50s --memory=16M --image-size=4M \
		"$G/imgpark" 2 1 16 3M <"$G/imgpark"
	expect_status 0
	waves_within 1 5 16
	[ "$(grep -c '^round .* wave ' <<<"$output")" -eq 4 ]
	[ "$(grep -c 'bystander cnew ok' <<<"$output")" -eq 2 ]
}

@test "a container's pending images take nothing from another's: two attackers at their limits, a bystander's cnew works" {
	need_pidns
	run --separate-stderr mx --wall-time=50s --memory=16M --image-size=4M \
		"$G/imgpark" 1 2 16 3M <"$G/imgpark"
	expect_status 0
	waves_within 2 10 32
	expect_output "round 1: bystander cnew ok"
}

@test "pending cnew images together stay within the run's memory (--total-memory)" {
	need_pidns
	# The first container reserves its --memory out of the run's 8M too
	# (a total below --memory is refused up front: t/400-limits.bats);
	# its images are held to the 8M: at most 2 of 3M.
	run --separate-stderr mx --wall-time=50s --memory=8M --total-memory=8M \
		--image-size=4M "$G/imgpark" attack 16 3 </dev/null
	expect_status 0
	waves_within 1 2 16
}

@test "a cnew image whose bss does not fit the child's --memory is ENOMEM and takes no cid; one that fits exactly runs" {
	need_pidns
	# The count is RLIMIT_DATA's at exec (the bss of a read-only segment
	# is writable anonymous memory); before, the child got a cid and then
	# SIGSEGV from its exec.
	run --separate-stderr mx --memory=16M "$G/bigimage" cnew 16M
	expect_status 0
	expect_exact "over: -ENOMEM; at: cid 1, ran"
	[ -z "$stderr" ]
}

@test "a PROGRAM whose bss does not fit --memory (or --address-space) is refused with status 126 and one line" {
	local d="$BATS_TEST_TMPDIR"
	"$G/bigimage" emit 16388K >"$d/over"
	"$G/bigimage" emit 16M >"$d/at"
	chmod +x "$d/over" "$d/at"
	run --separate-stderr mx --memory=16M "$d/over"
	expect_status 126
	[ "$stderr" = "minos-exec: $d/over: needs 16388K of writable memory (data and bss) to be loaded, more than the memory limit 16M; raise --memory" ]
	run --separate-stderr mx --memory=64M --address-space=8M "$d/at"
	expect_status 126
	[ "${#stderr_lines[@]}" -eq 1 ]
	[[ "$stderr" == *"needs 16388K of address space to be loaded, more than the address-space limit 8M; raise --address-space" ]]
	run --separate-stderr mx --memory=16M "$d/at"
	expect_status 0
	expect_exact "k"
}

# minos-exec under a hard descriptor limit of N (soft = hard).
mx_nofile() {
	local n=$1
	shift
	timeout -k 5 60 bash -c 'ulimit -n "$0" && exec "$@"' "$n" "$MINOS_EXEC" "$@"
}

@test "with the supervisor out of descriptors, cnew, wpass and rpass say ENFILE (its room), never EBADF (the caller's number)" {
	need_pidns
	run --separate-stderr mx_nofile 256 "$G/fdfull" park <"$G/fdfull"
	expect_status 0
	expect_output "cnew of 8: -ENFILE; cnew of 0: -ENFILE; wpass: -ENFILE; rpass: -ENFILE; "
}

@test "every descriptor the supervisor keeps stays below its reserve: with copies refused, the caller can still close what it tried to pass" {
	need_pidns
	# The cnews' copies, the pass copies, pidfds, image files stop at the
	# floor (the hard limit less 64); a wclose/rclose, which checks the
	# direction on a transient copy, still finds a number above it.
	run --separate-stderr mx_nofile 256 "$G/fdfull" park <"$G/fdfull"
	expect_status 0
	expect_exact "cnew of 8: -ENFILE; cnew of 0: -ENFILE; wpass: -ENFILE; rpass: -ENFILE; wclose: 0; rclose: 0"
}

# Does this process have CAP_SYS_RESOURCE (so it may raise a hard limit)?
have_sys_resource() {
	local eff
	eff=$(awk '/^CapEff:/ { print $2 }' /proc/self/status)
	(((0x$eff >> 24) & 1))
}

@test "under a hard descriptor limit below the default --fds, the default is lowered to it (said once); an --fds above it is one line, status 125" {
	! have_sys_resource || skip "CAP_SYS_RESOURCE: minos-exec may raise the hard limit"
	run --separate-stderr bash -c 'ulimit -n 200 && exec timeout 60 "$0" "$1" rlimit 7' \
		"$MINOS_EXEC" "$PROBE"
	expect_status 0
	expect_exact "rlimit = 200 200 same"
	[ "$stderr" = "minos-exec: this host's hard descriptor limit (200) is below the default --fds (256) and minos-exec may not raise it (no CAP_SYS_RESOURCE); containers get --fds=200 (give --fds, or raise the limit: ulimit -Hn)" ]
	run --separate-stderr bash -c 'ulimit -n 200 && exec timeout 60 "$0" --fds=256 "$1" rlimit 7' \
		"$MINOS_EXEC" "$PROBE"
	expect_status 125
	[ "$stderr" = "minos-exec: --fds=256 is above this host's hard descriptor limit (200) and minos-exec may not raise it (no CAP_SYS_RESOURCE); use --fds=200 or less, or raise the limit (ulimit -Hn)" ]
	run --separate-stderr bash -c 'ulimit -n 200 && exec timeout 60 "$0" --fds=100 "$1" rlimit 7' \
		"$MINOS_EXEC" "$PROBE"
	expect_status 0
	expect_exact "rlimit = 100 100 same"
	[ -z "$stderr" ]
}

# Read stdin slowly (bash's read takes a pipe a byte at a time) and count
# minos-exec's lines about a child's SIGSEGV.
count_segv_lines() {
	local n=0 l
	while IFS= read -r l; do
		case $l in "minos-exec: container "*"killed by signal 11 (SIGSEGV)") n=$((n + 1)) ;; esac
	done
	echo "$n"
}

@test "minos-exec's messages on a stderr pipe that a container floods, and makes non-blocking, all reach a slow reader" {
	need_pidns
	local mode
	export -f count_segv_lines
	for mode in block nonblock; do
		# stderr is the container's wfd 2 too (the same description);
		# 20 children die while it writes 2 MiB there.
		run bash -c 'set -o pipefail; timeout 100 "$0" "$1" 20 "$2" 2>&1 >/dev/null | count_segv_lines' \
			"$MINOS_EXEC" "$G/errflood" "$mode"
		expect_status 0
		expect_exact 20
	done
}
