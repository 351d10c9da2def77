# oci-seccomp.jq - examples/deploy/seccomp.json (Docker's profile format)
# as an OCI runtime's linux.seccomp (runc, crun), for a container with the
# capabilities $caps, on x86-64, as Docker itself turns its profiles into
# OCI: a rule whose "includes" the container does not meet, or whose
# "excludes" it does, is left out; archMap becomes architectures.
#
#	jq --argjson caps "$(jq .process.capabilities.bounding config.json)" \
#		-f oci-seccomp.jq seccomp.json
def has($c): ($caps | index($c)) != null;
def applies:
	((.includes.caps // []) | all(has(.))) and
	((.excludes.caps // []) | any(has(.)) | not) and
	((.includes.arches // []) | length == 0 or index("amd64") != null) and
	((.excludes.arches // []) | index("amd64") == null);
{
	defaultAction,
	architectures: [.archMap[] | select(.architecture == "SCMP_ARCH_X86_64")
		| .architecture, .subArchitectures[]],
	syscalls: [.syscalls[] | select(applies) | del(.includes, .excludes, .comment)]
}
+ (if .defaultErrnoRet then {defaultErrnoRet} else {} end)
