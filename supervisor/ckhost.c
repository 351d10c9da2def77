/* SPDX-License-Identifier: MIT */
/*
 * ckhost.c - the facts of this host that a checkpoint records (see
 * ckhost.h).  The one file of the checkpoint format that asks the kernel
 * or the CPU anything; ckfile.c stays pure.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/futex.h>
#include <sched.h>
#include <seccomp.h> /* SCMP_CMP_* in syscalls.def: only stringified */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#if defined(__x86_64__)
#include <cpuid.h>
#endif

#include "../libminos/minos.h"
#include "ckhost.h"
#include "sha256.h"

/* Each row of the table as the preprocessor spells it, and the number of
 * the call it names (0 for a FORM row).  #__VA_ARGS__ keeps the row's own
 * text (O_CLOEXEC stays a name), so two builds of the same table agree. */
static const struct row { const char *text; long nr; } rows[] = {
#define CALL(name, nr, ...) { "CALL " #name "," #nr "," #__VA_ARGS__, (long)(nr) },
#define FORM(...) { "FORM " #__VA_ARGS__, 0 },
#define FORM2(...) { "FORM2 " #__VA_ARGS__, 0 },
#define FORMT(...) { "FORMT " #__VA_ARGS__, 0 },
#define ELSE(...) { "ELSE " #__VA_ARGS__, 0 },
#include "../policy/syscalls.def"
#undef CALL
#undef FORM
#undef FORM2
#undef FORMT
#undef ELSE
};

void ck_syscalls_sha256(uint8_t out[32])
{
	struct sha256 s;

	sha256_init(&s);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char nr[32];
		int n = snprintf(nr, sizeof(nr), " %ld\n", rows[i].nr);
		sha256_update(&s, rows[i].text, strlen(rows[i].text));
		sha256_update(&s, nr, (size_t)n);
	}
	sha256_final(&s, out);
}

#if defined(__x86_64__)
static uint32_t cpuid_reg(unsigned leaf, unsigned sub, int reg)
{
	unsigned r[4] = { 0, 0, 0, 0 };

	if (!__get_cpuid_count(leaf, sub, &r[0], &r[1], &r[2], &r[3]))
		return 0;
	return r[reg];
}
#endif

/* The sizes of [vdso] and of [vvar] with [vvar_vclock] in our own maps
 * (every container maps the same host's vDSO). */
static int vdso_sizes(struct ck_host *h, char *err, size_t errlen)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "re");

	if (!f) {
		snprintf(err, errlen, "/proc/self/maps: %s", strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		unsigned long long a, b;
		char name[64] = "";
		if (sscanf(line, "%llx-%llx %*s %*s %*s %*s %63s", &a, &b, name) < 2)
			continue;
		if (strcmp(name, "[vdso]") == 0)
			h->vdso_len += b - a;
		else if (strcmp(name, "[vvar]") == 0 || strcmp(name, "[vvar_vclock]") == 0)
			h->vvar_len += b - a;
	}
	fclose(f);
	return 0;
}

uint64_t ck_host_mmap_min(void)
{
	unsigned long long v = 65536;
	FILE *f = fopen("/proc/sys/vm/mmap_min_addr", "re");

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 65536;
		fclose(f);
	}
	return v;
}

int ck_host_facts(struct ck_host *h, char *err, size_t errlen)
{
	struct utsname u;
	long ps;

	memset(h, 0, sizeof(*h));
	if (uname(&u) < 0) {
		snprintf(err, errlen, "uname: %s", strerror(errno));
		return -1;
	}
	snprintf(h->kernel, sizeof(h->kernel), "%s", u.release);
	ps = sysconf(_SC_PAGESIZE);
	if (ps <= 0) {
		snprintf(err, errlen, "sysconf(_SC_PAGESIZE): %s", strerror(errno));
		return -1;
	}
	h->page_size = (uint32_t)ps;
#if defined(__x86_64__)
	enum { A, B, C, D };
	h->cpuid_1_ecx = cpuid_reg(1, 0, C);
	h->cpuid_1_edx = cpuid_reg(1, 0, D);
	h->cpuid_7_ebx = cpuid_reg(7, 0, B);
	h->cpuid_7_ecx = cpuid_reg(7, 0, C);
	h->cpuid_7_edx = cpuid_reg(7, 0, D);
	h->cpuid_7_1_eax = cpuid_reg(7, 1, A);
	h->cpuid_d_1_eax = cpuid_reg(0xd, 1, A);
	h->cpuid_x1_ecx = cpuid_reg(0x80000001, 0, C);
	h->cpuid_x1_edx = cpuid_reg(0x80000001, 0, D);
	/* Leaf 1 ecx bit 27: OSXSAVE, the kernel enabled XGETBV. */
	if (h->cpuid_1_ecx & (1u << 27)) {
		uint32_t lo, hi;
		__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
		h->xcr0 = (uint64_t)hi << 32 | lo;
		h->xstate_size = cpuid_reg(0xd, 0, B);
	}
#endif
	ck_syscalls_sha256(h->syscalls_sha256);
	return vdso_sizes(h, err, errlen);
}

/* Append "; " (unless first) and a formatted difference, truncating. */
__attribute__((format(printf, 4, 5)))
static void add(char *why, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*used + 1 >= len)
		return;
	if (*used > 0) {
		n = snprintf(why + *used, len - *used, "; ");
		*used += (size_t)n < len - *used ? (size_t)n : len - *used - 1;
	}
	va_start(ap, fmt);
	n = vsnprintf(why + *used, len - *used, fmt, ap);
	va_end(ap);
	if (n > 0)
		*used += (size_t)n < len - *used ? (size_t)n : len - *used - 1;
}

static void bits(char *why, size_t len, size_t *used, const char *what,
		 uint32_t file, uint32_t here)
{
	if (file & ~here)
		add(why, len, used, "%s bits 0x%x missing here", what, file & ~here);
}

bool ck_host_check(const struct ck_host *file, const struct ck_host *here,
		   char *why, size_t whylen)
{
	size_t used = 0;

	if (whylen > 0)
		why[0] = '\0';
	if (file->page_size != CK_PAGE || here->page_size != CK_PAGE)
		add(why, whylen, &used, "page size %u in the file, %u here (%u needed)",
		    file->page_size, here->page_size, CK_PAGE);
	if (file->xcr0 & ~here->xcr0)
		add(why, whylen, &used, "xcr0 0x%llx in the file, 0x%llx here (missing 0x%llx)",
		    (unsigned long long)file->xcr0, (unsigned long long)here->xcr0,
		    (unsigned long long)(file->xcr0 & ~here->xcr0));
	if (file->xstate_size > here->xstate_size)
		add(why, whylen, &used, "xstate of %u bytes in the file, %u here",
		    file->xstate_size, here->xstate_size);
	bits(why, whylen, &used, "CPUID 1 ecx", file->cpuid_1_ecx, here->cpuid_1_ecx);
	bits(why, whylen, &used, "CPUID 1 edx", file->cpuid_1_edx, here->cpuid_1_edx);
	bits(why, whylen, &used, "CPUID 7 ebx", file->cpuid_7_ebx, here->cpuid_7_ebx);
	bits(why, whylen, &used, "CPUID 7 ecx", file->cpuid_7_ecx, here->cpuid_7_ecx);
	bits(why, whylen, &used, "CPUID 7 edx", file->cpuid_7_edx, here->cpuid_7_edx);
	bits(why, whylen, &used, "CPUID 7.1 eax", file->cpuid_7_1_eax, here->cpuid_7_1_eax);
	bits(why, whylen, &used, "CPUID 0xd.1 eax", file->cpuid_d_1_eax, here->cpuid_d_1_eax);
	bits(why, whylen, &used, "CPUID 0x80000001 ecx", file->cpuid_x1_ecx, here->cpuid_x1_ecx);
	bits(why, whylen, &used, "CPUID 0x80000001 edx", file->cpuid_x1_edx, here->cpuid_x1_edx);
	if (file->vdso_len != here->vdso_len || file->vvar_len != here->vvar_len)
		add(why, whylen, &used,
		    "vDSO %llu and vvar %llu bytes in the file, %llu and %llu here",
		    (unsigned long long)file->vdso_len, (unsigned long long)file->vvar_len,
		    (unsigned long long)here->vdso_len, (unsigned long long)here->vvar_len);
	if (memcmp(file->syscalls_sha256, here->syscalls_sha256, 32) != 0)
		add(why, whylen, &used,
		    "another system call table (the file is from another minos-exec version)");
	return used == 0;
}
