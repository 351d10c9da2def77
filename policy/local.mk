# policy: the table of system calls, the filter, limits, capabilities.
policy_sources = policy/syscalls.def policy/filter.c policy/filter.h \
	policy/rlimits.c policy/rlimits.h policy/caps.c policy/caps.h
