/* bigbss: a cnew image whose bss is larger than the memory limit.
 *
 * `bigbss MB`: makes a minimal static ELF (one R+X segment that exits 0,
 * one R+W segment of MB MiB with no file bytes: bss) and cnews it;
 * prints "cnew = R".  Issue 9 point 8: "a cnew image whose bss exceeds the
 * memory limit gets a cid and then SIGSEGV instead of ENOMEM" — expected
 * under --memory=64M with MB 512: cnew = -12 (ENOMEM), no child. */
#include <elf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rt.h"

int main(int argc, char **argv)
{
	unsigned long mb = argc > 1 ? strtoul(argv[1], NULL, 0) : 512;
	static unsigned char img[4096];
	Elf64_Ehdr *eh = (Elf64_Ehdr *)img;
	Elf64_Phdr *ph = (Elf64_Phdr *)(img + sizeof(*eh));
	static const unsigned char code[] = {
		0xb8, 0x3c, 0, 0, 0, 0x31, 0xff, 0x0f, 0x05, /* exit(0) */
	};
	size_t code_off = sizeof(*eh) + 2 * sizeof(*ph);
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_EXEC;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0x400000 + code_off;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 2;
	memcpy(img + code_off, code, sizeof(code));
	size_t len = code_off + sizeof(code);
	ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X,
			      .p_offset = 0, .p_vaddr = 0x400000, .p_paddr = 0x400000,
			      .p_filesz = len, .p_memsz = len, .p_align = 0x1000 };
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W,
			      .p_offset = 0, .p_vaddr = 0x800000, .p_paddr = 0x800000,
			      .p_filesz = 0, .p_memsz = mb << 20, .p_align = 0x1000 };
	long cid = rt_cnew_bytes(img, len, NULL, 0, 0, MINOS_ARCH_X86_64_ELF);
	printf("cnew = %ld\n", cid);
	return 0;
}
