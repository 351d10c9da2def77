# t: bats end-to-end tests and C unit tests, all TAP through tap-driver.sh.
# Every bats file runs in a fresh PID namespace (t/run-bats), so a wrong
# implementation can never signal anything outside the test.
include t/unit/local.mk
include t/guests/local.mk
include t/pass/local.mk
include t/deploy/local.mk
include t/storm/local.mk
include t/redteam/local.mk

TEST_EXTENSIONS = .bats .sh
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
BATS_LOG_DRIVER = $(LOG_DRIVER)
SH_LOG_DRIVER = $(LOG_DRIVER)
BATS_LOG_COMPILER = $(SHELL) $(top_srcdir)/t/run-bats
SH_LOG_COMPILER = $(SHELL)
AM_TESTS_ENVIRONMENT = \
	MINOS_EXEC='$(abs_top_builddir)/minos-exec'; \
	MINOS_EXEC_SAN='$(abs_top_builddir)/minos-exec-san'; \
	MINOS_BUILD='$(abs_top_builddir)'; MINOS_SRC='$(abs_top_srcdir)'; \
	MANDOC='$(MANDOC)'; BATS='$(BATS)'; \
	MINOS_INSTALL_CHECK=$${MINOS_INSTALL_CHECK:-yes}; \
	test '$(INSTALL_CHECK)' = yes || MINOS_INSTALL_CHECK=no; \
	export MINOS_EXEC MINOS_EXEC_SAN MINOS_BUILD MINOS_SRC MANDOC BATS \
		MINOS_INSTALL_CHECK;

bats_tests = t/950-faults.bats t/960-storm.bats t/100-run.bats t/200-stream.bats t/300-threads.bats \
	t/160-real.bats t/400-limits.bats t/500-errors.bats t/600-trace.bats t/610-report.bats \
	t/620-verdict.bats t/630-examples.bats \
	t/700-cnew.bats t/710-tree.bats t/930-pipe.bats t/935-pass.bats t/936-pass-wait.bats t/800-policy-check.bats t/810-policy-run.bats \
	t/900-escape.bats t/150-linux.bats t/970-deploy.bats \
	t/940-bounded.bats t/945-charged.bats t/946-redteam.bats t/947-redteam-ck.bats t/948-redteam-final.bats t/949-redteam-rt17.bats \
	t/952-redteam-restore.bats t/953-redteam5.bats t/954-redteam6.bats t/955-redteam7.bats t/956-redteam8.bats t/957-redteam9.bats t/958-redteam10.bats \
	t/959-redteam11.bats \
	t/962-redteam12.bats t/963-redteam13.bats t/964-redteam14.bats \
	t/990-ckpt.bats t/991-ckpt-objects.bats t/993-ckpt-multi.bats t/994-ckpt-cnew.bats
TESTS += $(bats_tests) t/man.sh t/layout.sh t/completion.sh t/install.sh
if SANITIZERS
TESTS += t/sanitizer.sh
endif
check_SCRIPTS += $(GUESTS)
EXTRA_DIST += $(bats_tests) t/run-bats t/helpers.bash t/man.sh t/layout.sh t/sanitizer.sh \
	t/policy/pipeline.yaml t/policy/pipeline.out \
	t/completion.sh t/install.sh \
	t/real/build.sh t/real/realgo.go t/real/zlib.c t/real/lua.c t/real/sqlite.c \
	t/real/threads.c

# t/install.sh builds the Debian packages from a copy of this tree, installs,
# tries and removes them; MINOS_INSTALL_CHECK=no in the environment or
# configure --disable-install-check skips it.  make distcheck has tested the
# build already and the package build must not recurse: both skip it.
AM_DISTCHECK_CONFIGURE_FLAGS = --disable-install-check
include t/fuzz/local.mk

# t/160-real.bats builds real programs from t/real/ into t/real-out
# (Go's build cache included): make clean removes them.
clean-local: clean-real
clean-real:
	-chmod -R u+w t/real-out 2>/dev/null
	rm -rf t/real-out
.PHONY: clean-real
