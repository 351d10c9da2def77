# t/deploy: helpers of t/970-deploy.bats (issue 12: minos-exec inside
# container runtimes and on many machines).  outerfilter is hosted C with
# libseccomp: an outer seccomp filter, as a runtime's profile installs one.
check_PROGRAMS += t/deploy/outerfilter
t_deploy_outerfilter_SOURCES = t/deploy/outerfilter.c
t_deploy_outerfilter_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS)
t_deploy_outerfilter_LDADD = $(SECCOMP_LIBS)

# closeout: a guest that closes its stdout and goes on reading its stdin.
GUESTS += t/deploy/closeout
EXTRA_DIST += t/deploy/closeout.c
t/deploy/closeout: t/deploy/closeout.c libminos/minos.h $(GUEST_LIBS)
	$(GUEST_LINK)

# examples/deploy: the runtime profile and the many-machine recipes
# (t/970-deploy.bats reads them through $MINOS_SRC).
EXTRA_DIST += t/deploy/outerfilter.c \
	examples/deploy/README.md examples/deploy/seccomp.json \
	examples/deploy/oci-seccomp.jq examples/deploy/grade-parallel \
	examples/deploy/slurm-grade.sbatch examples/deploy/k8s-job.yaml
