/* bigimage - an image whose bss does not fit the memory limit (issue 9).
 *
 * The images are made here: a static ELF of one read-only, executable
 * PT_LOAD (one page of file: headers and code that writes "k" on
 * descriptor 1 and exits 0) whose bss makes the writable memory Linux maps
 * to load it (RLIMIT_DATA's count: the bss pages past the file's page)
 * exactly DATA bytes.
 *
 *   bigimage emit DATA
 *	writes that image to standard output (run natively, to make a
 *	PROGRAM file)
 *   bigimage cnew LIMIT
 *	under --memory=LIMIT: cnews the image of LIMIT + 4K (must be ENOMEM,
 *	taking no cid), then the one of exactly LIMIT (must get cid 1 and
 *	run):
 *	    over: -ENOMEM; at: cid 1, ran
 * DATA and LIMIT take a K or M suffix.
 */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "guest.h"
#include "minos.h"

#define BASE 0x400000ULL
#define CODE 0x78 /* right after the ELF and program headers */

/* mov eax, 1; mov edi, 1; lea rsi, [rip + k]; mov edx, 1; syscall;
 * mov eax, 60; xor edi, edi; syscall; k: "k" */
static const unsigned char code[] = {
	0xb8, 0x01, 0x00, 0x00, 0x00, 0xbf, 0x01, 0x00, 0x00, 0x00,
	0x48, 0x8d, 0x35, 0x10, 0x00, 0x00, 0x00, 0xba, 0x01, 0x00,
	0x00, 0x00, 0x0f, 0x05, 0xb8, 0x3c, 0x00, 0x00, 0x00, 0x31,
	0xff, 0x0f, 0x05, 'k',
};

static unsigned char img[4096];

static size_t make(unsigned long long data)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(*eh));
	size_t len = CODE + sizeof(code);
	memset(img, 0, sizeof(img));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = BASE + CODE;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1;
	ph->p_type = PT_LOAD;
	ph->p_flags = PF_R | PF_X;
	ph->p_offset = 0;
	ph->p_vaddr = ph->p_paddr = BASE;
	ph->p_filesz = len;
	ph->p_memsz = 4096 + data; /* the file's page, then data of bss */
	ph->p_align = 4096;
	memcpy(img + CODE, code, sizeof(code));
	return len;
}

static unsigned long long size_arg(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	return *end == 'M' ? v << 20 : *end == 'K' ? v << 10 : v;
}

/* cnew the image of data bytes; its cid, and whether it ran. */
static long start(unsigned long long data, int *ran)
{
	size_t len = make(data);
	int w, r, ow, orr, from;
	char c;
	*ran = 0;
	if (minos_pipe(&w, &r) < 0 || minos_pipe(&ow, &orr) < 0)
		return -1;
	minos_write(w, img, len); /* less than a pipe's buffer */
	minos_wclose(w);
	long cid = minos_cnew(r, (int[]){ -1, ow }, 0, 2, MINOS_ARCH_X86_64_ELF);
	if (cid < 0)
		minos_wclose(ow);
	*ran = minos_read(&orr, 1, &c, 1, &from) == 1 && c == 'k';
	minos_rclose(orr);
	return cid;
}

int main(int argc, char **argv)
{
	char b[32];
	int ran;
	if (argc == 3 && strcmp(argv[1], "emit") == 0) {
		size_t len = make(size_arg(argv[2]));
		return write(1, img, len) == (ssize_t)len ? 0 : 1;
	}
	if (argc != 3 || strcmp(argv[1], "cnew") != 0)
		return 2;
	unsigned long long limit = size_arg(argv[2]);
	long over = start(limit + 4096, &ran);
	printf("over: %s%s%s; ", over > 0 ? "cid " : "", guest_result(over, b),
	       over > 0 ? (ran ? ", ran" : ", died") : "");
	long at = start(limit, &ran);
	printf("at: %s%s%s\n", at > 0 ? "cid " : "", guest_result(at, b),
	       at > 0 ? (ran ? ", ran" : ", died") : "");
	return 0;
}
