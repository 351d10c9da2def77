# policy: the table of system calls, the filter, limits, capabilities, and
# policy files (policy.c: pure, libyaml).
policy_sources = policy/syscalls.def policy/filter.c policy/filter.h \
	policy/rlimits.c policy/rlimits.h \
	policy/policy.c policy/policy.h
