# supervisor: minos-exec, plus the same sources built with ASan+UBSan for
# make check.
bin_PROGRAMS += minos-exec

minos_exec_core = \
	supervisor/main.c supervisor/cli.c supervisor/cli.h supervisor/units.c \
	supervisor/units.h supervisor/clock.h supervisor/config.h supervisor/elfcheck.c supervisor/elfcheck.h \
	supervisor/image.c supervisor/image.h supervisor/ctab.c supervisor/ctab.h \
	supervisor/loop.c supervisor/loop.h supervisor/pipearm.h supervisor/ptrace.c supervisor/ptrace.h \
	supervisor/mem.c supervisor/mem.h supervisor/procfs.c supervisor/procfs.h supervisor/tracee.c supervisor/tracee.h \
	supervisor/sys.h supervisor/sys_minos.c \
	supervisor/sys_linux.c supervisor/sys_fd.c supervisor/sys_fd.h supervisor/sys_cnew.c supervisor/sys_cnew.h supervisor/sys_pass.c supervisor/launch.c supervisor/launch.h \
	supervisor/hostprobe.c supervisor/hostprobe.h \
	supervisor/stdfds.c supervisor/stdfds.h supervisor/log.c supervisor/log.h \
	supervisor/report.c supervisor/report.h supervisor/trace.c supervisor/trace.h supervisor/sha256.c supervisor/sha256.h \
	supervisor/crc32c.c supervisor/crc32c.h supervisor/ckstate.h \
	supervisor/ckfile.c supervisor/ckfile.h supervisor/ckhost.c supervisor/ckhost.h \
	supervisor/run.c supervisor/run_policy.c supervisor/run.h \
	supervisor/enforce.c supervisor/enforce.h supervisor/tstack.c supervisor/tstack.h \
	supervisor/ckpt.c supervisor/ckpt.h supervisor/restore.c supervisor/restore.h \
	$(policy_sources) $(trampoline_sources) libminos/minos.h

minos_exec_SOURCES = $(minos_exec_core)
minos_exec_CFLAGS = $(AM_CFLAGS) $(SECCOMP_CFLAGS) $(YAML_CFLAGS) -pthread
minos_exec_LDFLAGS = -pthread
if STATIC_EXEC
minos_exec_LDFLAGS += -static
endif
minos_exec_LDADD = $(SECCOMP_LIBS) $(YAML_LIBS)

if SANITIZERS
check_PROGRAMS += minos-exec-san
minos_exec_san_SOURCES = $(minos_exec_core)
minos_exec_san_CFLAGS = $(minos_exec_CFLAGS) -O1 -g -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer
minos_exec_san_LDFLAGS = -pthread -fsanitize=address,undefined
minos_exec_san_LDADD = $(minos_exec_LDADD)
endif
