#!/usr/bin/env bats
# t/970-deploy.bats - minos-exec where users deploy it (issue 12): under a
# container runtime's outer seccomp filter, without user namespaces, in
# runc with the shipped profile, on many machines (GNU parallel), and with
# streams carried between hosts (socat).

load helpers

OUTER="$MINOS_BUILD/t/deploy/outerfilter"
FIX="run with examples/deploy/seccomp.json as the runtime's seccomp profile (minos(7), Running inside containers)"

# outer [-e ERRNO] CALL... -- ARGS: minos-exec ARGS under an outer filter
# that answers CALL... with EPERM (or ERRNO), as Docker's profile does.
outer() {
	timeout -k 5 60 "$OUTER" "$@"
}

@test "Minos calls answered EPERM by an outer filter (Docker's default): 125 and the cause, nothing runs" {
	run outer 0x4401 0x4402 0x4403 0x4404 0x4405 0x4406 0x4407 0x4408 0x4409 -- \
		"$MINOS_EXEC" "$EX/cat" <<<"must not pass"
	expect_status 125
	expect_exact "minos-exec: the Minos calls are blocked by an outer seccomp filter (a container runtime's profile: 0x4401 gives EPERM before minos-exec's filter sees it); $FIX"
}

@test "Minos calls answered ENOSYS by an outer filter (runc's stub): 125 and the cause" {
	run outer -e 38 0x4401 0x4404 0x4405 -- "$MINOS_EXEC" "$EX/cat" <<<"must not pass"
	expect_status 125
	expect_exact "minos-exec: the Minos calls are blocked by an outer seccomp filter (a container runtime's profile: 0x4401 gives ENOSYS before minos-exec's filter sees it); $FIX"
}

@test "the private install call blocked by an outer filter: 125 and the cause" {
	run outer 0x44ff -- "$MINOS_EXEC" "$EX/pipe"
	expect_status 125
	expect_exact "minos-exec: the Minos calls are blocked by an outer seccomp filter (a container runtime's profile: 0x44ff gives EPERM before minos-exec's filter sees it); $FIX"
}

@test "kcmp blocked (Docker without CAP_SYS_PTRACE): 125 and the cause, not an internal error" {
	run outer kcmp -- "$MINOS_EXEC" "$EX/hello"
	expect_status 125
	expect_exact "minos-exec: kcmp is not available (EPERM): blocked by an outer seccomp filter (a container runtime's profile); minos-exec compares its containers' descriptors with it; $FIX"
}

@test "pidfd_getfd blocked: 125 and the cause, not an internal error" {
	run outer pidfd_getfd -- "$MINOS_EXEC" "$EX/hello"
	expect_status 125
	expect_exact "minos-exec: pidfd_getfd is not available (EPERM): blocked by an outer seccomp filter (a container runtime's profile); minos-exec takes its containers' descriptors with it; $FIX"
}

@test "ptrace blocked: 125 and the cause" {
	# LeakSanitizer stops the world with ptrace at exit: off for this run.
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" \
		run outer ptrace -- "$MINOS_EXEC" "$EX/hello"
	expect_status 125
	expect_exact "minos-exec: ptrace of a child is not allowed (EPERM): blocked by an outer seccomp filter (a container runtime's profile) or a missing CAP_SYS_PTRACE; minos-exec traces its containers; $FIX"
}

@test "seccomp blocked: 125 and the cause, not 'this kernel lacks'" {
	run outer -e 38 seccomp -- "$MINOS_EXEC" "$EX/hello"
	expect_status 125
	expect_exact "minos-exec: seccomp filters with a listener are refused here (ENOSYS): blocked by an outer seccomp filter (a container runtime's profile) or a kernel without SECCOMP_FILTER_FLAG_NEW_LISTENER; $FIX"
}

@test "an outer filter that leaves minos-exec what it needs: everything runs" {
	run outer getpgid acct -- "$MINOS_EXEC" "$EX/pipe"
	expect_status 0
	expect_output "pipe: ok"
	run outer getpgid -- "$MINOS_EXEC" "$EX/cat" <<<"through"
	expect_status 0
	expect_exact "through"
}

# runc without CAP_SETUID: the user namespace is made but cannot be mapped.
# A user namespace that maps only our own user gives the same.
@test "namespaces that cannot be mapped: the run falls back by itself, says so once, and the report too" {
	command -v unshare >/dev/null || skip "no unshare(1)"
	unshare -U -r true 2>/dev/null || skip "cannot make a user namespace here"
	run timeout -k 5 60 unshare -U -r "$MINOS_EXEC" --report="$BATS_TEST_TMPDIR/r.json" "$EX/spawn"
	expect_status 0
	expect_output "spawn: the child said: hello, world"
	[ "$(grep -c 'namespaces cannot be made here' <<<"$output")" -eq 1 ]
	expect_output "minos-exec: namespaces cannot be made here (writing its uid map: Operation not permitted); containers run without them"
	grep -q '"namespaces_fallback": true' "$BATS_TEST_TMPDIR/r.json"
	run mx --report="$BATS_TEST_TMPDIR/r2.json" "$EX/hello"
	expect_status 0
	grep -q '"namespaces_fallback": false' "$BATS_TEST_TMPDIR/r2.json"
}

@test "--fds above a hard limit minos-exec may not raise: 125 and the fix, not a killed container" {
	command -v setpriv >/dev/null || skip "no setpriv"
	run timeout -k 5 60 bash -c 'ulimit -n 40 && exec setpriv --inh-caps=-sys_resource --bounding-set=-sys_resource "$@"' _ \
		"$MINOS_EXEC" --fds=64 "$EX/hello"
	expect_status 125
	expect_exact "minos-exec: --fds=64 is above this host's hard descriptor limit (40) and minos-exec may not raise it (no CAP_SYS_RESOURCE); use --fds=40 or less, or raise the limit (ulimit -Hn)"
}

# --- streams between hosts ------------------------------------------------
# Two "hosts" on one machine: the loopback of a network namespace made for
# the test (so no port can be taken and nothing leaves it); socat carries
# each stream, with nofork, so a stage's stdin or stdout is the TCP socket
# itself.  The connecting side retries (bounded) until the listener is up.

# innet SCRIPT: run bash SCRIPT in a new network namespace, loopback up.
innet() {
	timeout -k 5 120 unshare -n bash -c 'ip link set lo up && eval "$1"' _ "$1"
}

need_net() {
	command -v socat >/dev/null || skip "socat is not installed (quickstart installs it)"
	command -v ip >/dev/null || skip "no ip(8) to bring up the loopback"
	unshare -n ip link set lo up 2>/dev/null || skip "cannot make a network namespace here"
}

@test "a stage's socket stdout is half-closed when the container closes it: the far end sees end-of-stream while it runs" {
	need_net
	export MINOS_EXEC T="$BATS_TEST_TMPDIR" CLOSEOUT="$MINOS_BUILD/t/deploy/closeout"
	# The far end reads to end-of-stream and only then closes; the
	# container reads its stdin (the same socket) until that close.
	# Without the half-close both wait for each other (timeout: fail).
	run innet '
		timeout 60 socat TCP-LISTEN:7001,bind=127.0.0.1 SYSTEM:"cat > \"$T/got\"",nofork &
		timeout 60 socat TCP:127.0.0.1:7001,retry=200,interval=0.05 \
			SYSTEM:"\"$MINOS_EXEC\" \"$CLOSEOUT\"",nofork
		st=$?; wait $!; echo "status $st far-end $?"'
	expect_exact "status 0 far-end 0"
	[ "$(cat "$BATS_TEST_TMPDIR/got")" = "before close" ]
}

@test "a two-host pipeline over TCP: the bytes arrive intact, end-of-stream ends the far stage" {
	need_net
	export MINOS_EXEC EX T="$BATS_TEST_TMPDIR"
	head -c $((4 << 20)) /dev/urandom >"$T/data"
	# host B: stage 2 reads the connection (its stdin) and writes a file;
	# host A: stage 1 reads the file and writes the connection (its stdout).
	run innet '
		timeout 60 socat TCP-LISTEN:7002,bind=127.0.0.1 \
			SYSTEM:"\"$MINOS_EXEC\" \"$EX/cat\" > \"$T/out\"",nofork &
		timeout 60 socat TCP:127.0.0.1:7002,retry=200,interval=0.05 \
			SYSTEM:"\"$MINOS_EXEC\" \"$EX/cat\" < \"$T/data\"",nofork
		st=$?; wait $!; echo "stage1 $st stage2 $?"'
	expect_exact "stage1 0 stage2 0"
	[ "$(sha256sum <"$T/data")" = "$(sha256sum <"$T/out")" ]
}

@test "a two-host pipeline whose far stage stops reading: EPIPE reaches the near container" {
	need_net
	export MINOS_EXEC EX T="$BATS_TEST_TMPDIR"
	# stage 2 takes 1000 bytes and ends; stage 1 copies an endless stream.
	run innet '
		timeout 60 socat TCP-LISTEN:7003,bind=127.0.0.1 \
			SYSTEM:"head -c 1000 > \"$T/out\"",nofork &
		timeout 60 socat TCP:127.0.0.1:7003,retry=200,interval=0.05 \
			SYSTEM:"\"$MINOS_EXEC\" \"$EX/cat\" < /dev/zero",nofork
		st=$?; wait $!; echo "stage1 $st stage2 $?"'
	# cat fails its write with EPIPE (status 1) or takes SIGPIPE (141):
	# either way it ends, and not by the timeout (124).
	[[ "$output" == *"stage1 1 stage2 0" || "$output" == *"stage1 141 stage2 0" ]]
	[ "$(wc -c <"$T/out")" -eq 1000 ]
}

# --- runc ---------------------------------------------------------------
# A bundle from `runc spec`: the rootfs holds only minos-exec (static) and
# examples/cat; the profile is examples/deploy/seccomp.json turned into
# linux.seccomp by examples/deploy/oci-seccomp.jq for the bundle's
# capabilities, as Docker turns its profiles into OCI.

RUNC_IDS=()
teardown() {
	local id
	for id in "${RUNC_IDS[@]}"; do
		runc delete -f "$id" >/dev/null 2>&1 || true
	done
}

# make_bundle DIR: a bundle with the default spec (read-only root,
# RLIMIT_NOFILE 1024, no user namespace, 3 capabilities, no profile).
make_bundle() {
	mkdir -p "$1/rootfs"
	cp "$MINOS_EXEC" "$1/rootfs/minos-exec"
	cp "$EX/cat" "$1/rootfs/cat"
	(cd "$1" && runc spec) || return 1
	jq '.process.terminal = false | .process.args = ["/minos-exec", "/cat"]' \
		"$1/config.json" >"$1/c.json" && mv "$1/c.json" "$1/config.json"
}

# with_profile DIR [CAP...]: add the capabilities, then the shipped
# profile for the resulting set.
with_profile() {
	local dir=$1 caps
	shift
	caps=$(jq -c '.process.capabilities.bounding + $ARGS.positional | unique' \
		"$dir/config.json" --args "$@")
	jq --argjson caps "$caps" -f "$MINOS_SRC/examples/deploy/oci-seccomp.jq" \
		"$MINOS_SRC/examples/deploy/seccomp.json" >"$dir/seccomp.oci.json" &&
	jq --argjson caps "$caps" --slurpfile sc "$dir/seccomp.oci.json" \
		'.process.capabilities |= (.bounding = $caps | .effective = $caps | .permitted = $caps)
		| .linux.seccomp = $sc[0]' "$dir/config.json" >"$dir/c.json" &&
	mv "$dir/c.json" "$dir/config.json"
}

# run_bundle DIR INPUT: runc run it with INPUT on stdin; $status, $output
# (stdout), $T/err (stderr).
run_bundle() {
	local id="minos-t970-$$-${#RUNC_IDS[@]}"
	RUNC_IDS+=("$id")
	run bash -c 'printf %s "$3" | timeout -k 5 60 runc run --bundle "$1" "$2" 2>"$1/err"' _ \
		"$1" "$id" "$2"
}

need_runc() {
	command -v runc >/dev/null || skip "runc is not installed (quickstart installs it)"
	command -v jq >/dev/null || skip "jq is not installed"
	[ "$(id -u)" -eq 0 ] || skip "runc needs root here"
	file -L "$MINOS_EXEC" 2>/dev/null | grep -q 'statically linked' ||
		skip "minos-exec is not linked statically (configure --enable-static-exec)"
	local d="$BATS_TEST_TMPDIR/probe" id="minos-t970-$$-probe"
	mkdir -p "$d/rootfs" && cp "$MINOS_EXEC" "$d/rootfs/minos-exec" &&
		(cd "$d" && runc spec) &&
		jq '.process.terminal = false | .process.args = ["/minos-exec", "--version"]' \
			"$d/config.json" >"$d/c.json" && mv "$d/c.json" "$d/config.json"
	if ! timeout -k 5 60 runc run --bundle "$d" "$id" >"$d/out" 2>&1 </dev/null; then
		runc delete -f "$id" >/dev/null 2>&1 || true
		skip "runc cannot run a container here: $(tail -n 1 "$d/out")"
	fi
}

@test "runc, default spec with the shipped profile: a Minos program reads stdin and writes stdout (no namespaces)" {
	need_runc
	B="$BATS_TEST_TMPDIR/b1"
	make_bundle "$B"
	with_profile "$B"
	run_bundle "$B" "through runc"
	expect_status 0
	expect_exact "through runc"
	grep -q "namespaces cannot be made here" "$B/err"
	[ "$(wc -l <"$B/err")" -eq 1 ]
}

@test "runc with the shipped profile and namespaces available: the same, in namespaces" {
	need_runc
	B="$BATS_TEST_TMPDIR/b2"
	make_bundle "$B"
	with_profile "$B" CAP_SYS_ADMIN CAP_SETUID CAP_SETGID CAP_SETFCAP
	jq '.process.args = ["/minos-exec", "--report=/dev/stderr", "/cat"]' "$B/config.json" >"$B/c.json" &&
		mv "$B/c.json" "$B/config.json"
	run_bundle "$B" "through runc, in namespaces"
	expect_status 0
	expect_exact "through runc, in namespaces"
	grep -q '"namespaces_fallback": false' "$B/err"
	! grep -q "namespaces cannot be made here" "$B/err"
	# The root file system is read-only and has no /run or /tmp: the
	# empty root is made in the runtime's /dev/shm (it was lost, silently).
	! grep -q "no empty root directory" "$B/err"
}

@test "runc, default spec and no profile (issue 12's two failures): runs, without namespaces" {
	need_runc
	B="$BATS_TEST_TMPDIR/b3"
	make_bundle "$B"
	run_bundle "$B" "no profile"
	expect_status 0
	expect_exact "no profile"
	grep -q "namespaces cannot be made here (writing its uid map" "$B/err"
	! grep -q "placing its descriptors" "$B/err"
}

@test "runc with a profile that answers unknown calls with an error (as Docker's default): 125 and the cause" {
	need_runc
	B="$BATS_TEST_TMPDIR/b4"
	make_bundle "$B"
	with_profile "$B"
	jq '.linux.seccomp.defaultAction = "SCMP_ACT_ERRNO"' "$B/config.json" >"$B/c.json" &&
		mv "$B/c.json" "$B/config.json"
	run_bundle "$B" "must not pass"
	expect_status 125
	expect_exact ""
	[ "$(cat "$B/err")" = "minos-exec: the Minos calls are blocked by an outer seccomp filter (a container runtime's profile: 0x4401 gives ENOSYS before minos-exec's filter sees it); $FIX" ]
}

# --- many machines ------------------------------------------------------

@test "the GNU parallel recipe grades a directory of submissions here and collects their reports" {
	command -v parallel >/dev/null || skip "GNU parallel is not installed (quickstart installs it)"
	command -v jq >/dev/null || skip "jq is not installed"
	T="$BATS_TEST_TMPDIR"
	mkdir -p "$T/sub"
	cp "$EX/hello" "$EX/cat" "$EX/counter" "$EX/pipe" "$T/sub/"
	printf 'not a program\n' >"$T/sub/notes.txt"
	printf 'graded input\n' >"$T/in"
	MINOS_EXEC="$MINOS_EXEC" run timeout -k 5 120 \
		sh "$MINOS_SRC/examples/deploy/grade-parallel" -j 2 -i "$T/in" \
		"$T/sub" "$T/out" --memory=64M
	# notes.txt is refused before it runs (126), and still has its report:
	# verdict XX, the message minos-exec printed.
	expect_status 0
	[ "$(jq length "$T/out/reports.json")" -eq 5 ]
	[ "$(jq -r '[.[] | .submission] | join(" ")' "$T/out/reports.json")" = "cat counter hello notes.txt pipe" ]
	[ "$(jq '[.[] | select(.submission != "notes.txt") | .report.status] | add' "$T/out/reports.json")" -eq 0 ]
	[ "$(jq -r '.[] | select(.submission == "notes.txt") | "\(.report.status) \(.report.verdict)"' "$T/out/reports.json")" = "126 XX" ]
	[ "$(cat "$T/out/cat.out")" = "graded input" ]
	[ "$(jq -r '.[] | select(.submission == "hello") | .report.containers[0].exit_code' "$T/out/reports.json")" = 0 ]
	grep -q "not an ELF program" "$T/out/notes.txt.err"
}

@test "the Slurm array script: each task grades its submission (run as Slurm runs a task; sbatch not needed)" {
	T="$BATS_TEST_TMPDIR"
	mkdir -p "$T/sub"
	cp "$EX/hello" "$EX/cat" "$EX/counter" "$T/sub/"
	printf 'slurm input\n' >"$T/in"
	for k in 0 1 2 3; do
		SLURM_ARRAY_TASK_ID=$k MINOS_EXEC="$MINOS_EXEC" timeout -k 5 60 \
			bash "$MINOS_SRC/examples/deploy/slurm-grade.sbatch" "$T/sub" "$T/in" "$T/rep"
	done
	[ "$(cd "$T/rep" && echo *.json)" = "cat.json counter.json hello.json" ]
	[ "$(cat "$T/rep/cat.out")" = "slurm input" ]
	for f in "$T"/rep/*.json; do
		[ "$(jq .status "$f")" -eq 0 ]
	done
}

# kubectl --dry-run=client still asks a server for the API (discovery,
# OpenAPI): offline it cannot check.  So the manifest is checked here by
# its structure (python3-yaml), and the pod's script is run as the pod
# would run it, with /work a directory here.
@test "the Kubernetes Job manifest: an indexed Job with the Localhost profile, and its pod script grades" {
	command -v python3 >/dev/null || skip "no python3"
	python3 -c 'import yaml' 2>/dev/null || skip "no python3-yaml (quickstart installs it)"
	T="$BATS_TEST_TMPDIR"
	run python3 - "$MINOS_SRC/examples/deploy/k8s-job.yaml" "$T/pod.sh" <<'PY'
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
kinds = {d["kind"]: d for d in docs}
assert set(kinds) == {"PersistentVolumeClaim", "Job"}, kinds.keys()
pvc, job = kinds["PersistentVolumeClaim"], kinds["Job"]
assert pvc["apiVersion"] == "v1" and job["apiVersion"] == "batch/v1"
s = job["spec"]
assert s["completionMode"] == "Indexed" and s["completions"] >= 1
assert s["parallelism"] >= 1 and s["backoffLimit"] == 0
p = s["template"]["spec"]
assert p["restartPolicy"] == "Never"
sp = p["securityContext"]["seccompProfile"]
assert sp == {"type": "Localhost", "localhostProfile": "profiles/minos-seccomp.json"}, sp
(c,) = p["containers"]
assert c["securityContext"]["allowPrivilegeEscalation"] is False
assert c["securityContext"]["capabilities"]["drop"] == ["ALL"]
assert c["image"] and c["command"] == ["/bin/sh", "-c"] and len(c["args"]) == 1
(vm,) = c["volumeMounts"]
(v,) = p["volumes"]
assert vm["name"] == v["name"] and vm["mountPath"] == "/work"
assert v["persistentVolumeClaim"]["claimName"] == pvc["metadata"]["name"]
open(sys.argv[2], "w").write(c["args"][0])
print("manifest ok")
PY
	expect_exact "manifest ok"
	mkdir -p "$T/work/submissions" "$T/bin"
	cp "$EX/hello" "$EX/cat" "$T/work/submissions/"
	printf 'pod input\n' >"$T/work/input"
	ln -s "$MINOS_EXEC" "$T/bin/minos-exec"
	sed "s|/work|$T/work|g" "$T/pod.sh" >"$T/pod-here.sh"
	sh -n "$T/pod-here.sh"
	for k in 0 1 2; do
		PATH="$T/bin:$PATH" JOB_COMPLETION_INDEX=$k timeout -k 5 60 sh "$T/pod-here.sh"
	done
	[ "$(cat "$T/work/reports/cat.out")" = "pod input" ]
	[ "$(jq .status "$T/work/reports/hello.json")" -eq 0 ]
	[ "$(jq .status "$T/work/reports/cat.json")" -eq 0 ]
}
