# t/fuzz: libFuzzer harnesses of the parsers of untrusted bytes.  They are
# built with clang ($(FUZZ_CC), ./configure --enable-fuzzers) by an
# explicit rule, apart from the gcc build, and only for make check.
# t/fuzz.sh replays t/fuzz/corpus and t/fuzz/regress (inputs that once
# failed), then fuzzes for $FUZZ_SECONDS (20) from a copy of the corpus;
# fuzz-elf (the code image checks) likewise with t/fuzz/elf/corpus and
# t/fuzz/elf/regress; fuzz-ckfile (the checkpoint file parser) with
# t/fuzz/ckfile/corpus (written by `t/unit/test-ckfile --corpus DIR`)
# and t/fuzz/ckfile/regress.
FUZZ_CFLAGS = -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer
fuzz_policy_sources = t/fuzz/fuzz-policy.c policy/policy.c supervisor/cli.c \
	supervisor/units.c
fuzz_policy_headers = policy/policy.h supervisor/cli.h supervisor/units.h \
	supervisor/config.h
fuzz_elf_sources = t/fuzz/fuzz-elf.c supervisor/elfcheck.c
fuzz_elf_headers = supervisor/elfcheck.h supervisor/config.h libminos/minos.h
fuzz_ckfile_sources = t/fuzz/fuzz-ckfile.c supervisor/ckfile.c supervisor/crc32c.c \
	supervisor/sha256.c
fuzz_ckfile_headers = supervisor/ckfile.h supervisor/ckstate.h supervisor/crc32c.h \
	supervisor/sha256.h

if FUZZERS
check_SCRIPTS += t/fuzz/fuzz-policy t/fuzz/fuzz-elf t/fuzz/fuzz-ckfile
FUZZ_ENABLED = yes
else
FUZZ_ENABLED = no
endif
CLEANFILES += t/fuzz/fuzz-policy t/fuzz/fuzz-elf t/fuzz/fuzz-ckfile
TESTS += t/fuzz.sh
AM_TESTS_ENVIRONMENT += MINOS_FUZZ='$(FUZZ_ENABLED)'; export MINOS_FUZZ;
EXTRA_DIST += t/fuzz.sh t/fuzz/fuzz-policy.c t/fuzz/policy.dict \
	t/fuzz/corpus t/fuzz/regress \
	t/fuzz/fuzz-elf.c t/fuzz/elf/corpus t/fuzz/elf/regress \
	t/fuzz/fuzz-ckfile.c t/fuzz/ckfile/corpus t/fuzz/ckfile/regress

# $(@D) may not exist yet in a VPATH build (make distcheck).
t/fuzz/fuzz-policy: $(fuzz_policy_sources) $(fuzz_policy_headers)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(AM_CPPFLAGS) $(YAML_CFLAGS) -o $@ \
		$(fuzz_policy_sources:%=$(srcdir)/%) $(YAML_LIBS)
t/fuzz/fuzz-elf: $(fuzz_elf_sources) $(fuzz_elf_headers)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(AM_CPPFLAGS) -o $@ \
		$(fuzz_elf_sources:%=$(srcdir)/%)
t/fuzz/fuzz-ckfile: $(fuzz_ckfile_sources) $(fuzz_ckfile_headers)
	$(AM_V_CC)$(MKDIR_P) $(@D) && \
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(AM_CPPFLAGS) -o $@ \
		$(fuzz_ckfile_sources:%=$(srcdir)/%)
