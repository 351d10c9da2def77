# libminos: the Minos system call wrappers, one per file (musl-shaped).
# Freestanding: no libc calls, so it links into any static guest.  It is
# compiled with the host compiler, which is fine for freestanding code.
#
# The library and the header are installed in minos/ below libdir and
# includedir: musl-gcc searches neither the host's /usr/include nor its
# library directories, and pkg-config leaves -I/usr/include and -L/usr/lib...
# out of its flags, so a /usr install there could not be found by
# `musl-gcc -static $(pkg-config --cflags --libs minos)`.
pkglib_LIBRARIES += libminos/libminos.a
libminos_libminos_a_SOURCES = \
	libminos/syscall_arch.h \
	libminos/cnew.c \
	libminos/ckill.c \
	libminos/pipe.c \
	libminos/read.c \
	libminos/write.c \
	libminos/wclose.c \
	libminos/rclose.c \
	libminos/wpass.c \
	libminos/rpass.c
libminos_libminos_a_CFLAGS = -std=gnu11 -O2 -ffreestanding \
	-fno-stack-protector -fno-sanitize=all -fPIE $(WARN_CFLAGS)

pkginclude_HEADERS += libminos/minos.h
pkgconfig_DATA += libminos/minos.pc
EXTRA_DIST += libminos/minos.pc.in
