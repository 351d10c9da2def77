# t/unit: C unit tests of the pure modules (cli.c + units.c, elf.c,
# policy.c).  Each
# links only the module under test and prints TAP.  In the sanitizer build
# (the default; ./configure --disable-sanitizers turns it off) they run under
# ASan and UBSan; -fno-sanitize-recover makes a UBSan report fail the test
# instead of only printing.  test-elf also execs the images it builds
# (from a memfd) and skips that part where the host cannot.
check_PROGRAMS += t/unit/test-cli t/unit/test-elf
TESTS += t/unit/test-cli t/unit/test-elf

if SANITIZERS
UNIT_SAN = -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=all
else
UNIT_SAN =
endif

t_unit_test_cli_SOURCES = t/unit/tap.h t/unit/test-cli.c \
	supervisor/cli.c supervisor/cli.h supervisor/units.c supervisor/units.h \
	supervisor/config.h
t_unit_test_cli_CFLAGS = $(AM_CFLAGS) $(UNIT_SAN)
t_unit_test_cli_LDFLAGS = $(AM_LDFLAGS) $(UNIT_SAN)
t_unit_test_cli_LDADD =

t_unit_test_elf_SOURCES = t/unit/tap.h t/unit/test-elf.c \
	supervisor/elfcheck.c supervisor/elfcheck.h supervisor/config.h libminos/minos.h
t_unit_test_elf_CFLAGS = $(AM_CFLAGS) $(UNIT_SAN)
t_unit_test_elf_LDFLAGS = $(AM_LDFLAGS) $(UNIT_SAN)
t_unit_test_elf_LDADD =

# The policy file parser: policy.c with the command line's limit parsing.
check_PROGRAMS += t/unit/test-policy
TESTS += t/unit/test-policy
t_unit_test_policy_SOURCES = t/unit/tap.h t/unit/test-policy.c \
	policy/policy.c policy/policy.h supervisor/cli.c supervisor/cli.h \
	supervisor/units.c supervisor/units.h supervisor/config.h
t_unit_test_policy_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS) $(UNIT_SAN)
t_unit_test_policy_LDFLAGS = $(AM_LDFLAGS) $(UNIT_SAN)
t_unit_test_policy_LDADD = $(YAML_LIBS)

# The generated seccomp filter, run offline in a small BPF interpreter.
check_PROGRAMS += t/unit/test-filter
TESTS += t/unit/test-filter
t_unit_test_filter_SOURCES = t/unit/tap.h t/unit/test-filter.c policy/filter.c policy/filter.h \
	policy/syscalls.def libminos/minos.h
t_unit_test_filter_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS)
t_unit_test_filter_LDADD = $(SECCOMP_LIBS)
if SANITIZERS
t_unit_test_filter_CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
t_unit_test_filter_LDFLAGS = -fsanitize=address,undefined
endif

# SHA-256 (the report's image hashes) against the FIPS 180-4 examples.
check_PROGRAMS += t/unit/test-sha256
TESTS += t/unit/test-sha256
t_unit_test_sha256_SOURCES = t/unit/tap.h t/unit/test-sha256.c \
	supervisor/sha256.c supervisor/sha256.h
t_unit_test_sha256_CFLAGS = $(AM_CFLAGS) $(UNIT_SAN)
t_unit_test_sha256_LDFLAGS = $(AM_LDFLAGS) $(UNIT_SAN)
t_unit_test_sha256_LDADD =

# How --trace shows a container's strings: escaped, bounded, page-safe.
check_PROGRAMS += t/unit/test-trace
TESTS += t/unit/test-trace
t_unit_test_trace_SOURCES = t/unit/tap.h t/unit/test-trace.c \
	supervisor/trace.c supervisor/trace.h supervisor/mem.c supervisor/mem.h \
	supervisor/log.c supervisor/log.h
t_unit_test_trace_CFLAGS = $(AM_CFLAGS) $(UNIT_SAN)
t_unit_test_trace_LDFLAGS = $(AM_LDFLAGS) $(UNIT_SAN)
t_unit_test_trace_LDADD =

# How an armed Minos pipe a stop broke is disarmed (pipearm.h): the Minos
# pipe is made again, never the private call (RT10-5).
check_PROGRAMS += t/unit/test-pipearm
TESTS += t/unit/test-pipearm
t_unit_test_pipearm_SOURCES = t/unit/tap.h t/unit/test-pipearm.c \
	supervisor/pipearm.h policy/filter.h libminos/minos.h
t_unit_test_pipearm_CFLAGS = $(AM_CFLAGS) $(UNIT_SAN)
t_unit_test_pipearm_LDFLAGS = $(AM_LDFLAGS) $(UNIT_SAN)
t_unit_test_pipearm_LDADD =

# The checkpoint file format (ckfile.c, crc32c.c; ckhost.c for the host's
# facts): round trips, every refusal, every truncation and bit flip.
# `t/unit/test-ckfile --bench [MiB]` measures it against memcpy instead.
check_PROGRAMS += t/unit/test-ckfile
TESTS += t/unit/test-ckfile
t_unit_test_ckfile_SOURCES = t/unit/tap.h t/unit/test-ckfile.c \
	supervisor/ckfile.c supervisor/ckfile.h supervisor/ckstate.h \
	supervisor/ckhost.c supervisor/ckhost.h supervisor/crc32c.c supervisor/crc32c.h \
	supervisor/sha256.c supervisor/sha256.h policy/syscalls.def libminos/minos.h
t_unit_test_ckfile_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS) $(UNIT_SAN)
t_unit_test_ckfile_LDFLAGS = $(AM_LDFLAGS) $(UNIT_SAN)
t_unit_test_ckfile_LDADD =
