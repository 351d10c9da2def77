#!/bin/sh
# The whole end-to-end suite again, against the ASan+UBSan build of the
# supervisor: any sanitizer report fails the test that triggered it.
set -e
: "${MINOS_EXEC_SAN:?}"
MINOS_EXEC=$MINOS_EXEC_SAN
ASAN_OPTIONS=abort_on_error=0:exitcode=99:detect_leaks=1:log_path=stderr
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:exitcode=99
MINOS_SANITIZER=1
export MINOS_EXEC ASAN_OPTIONS UBSAN_OPTIONS MINOS_SANITIZER
cd "$MINOS_SRC"
exec sh t/run-bats t/[0-9]*.bats
