/* growsdown: memory that --memory does not count.
 *
 * --memory is RLIMIT_DATA, which counts private writable mappings that are
 * not stacks; a mapping made with MAP_GROWSDOWN is a stack to the kernel
 * (VM_GROWSDOWN), so it is never counted, whatever its size.
 * `growsdown MB`: maps MB MiB with MAP_PRIVATE | MAP_ANONYMOUS |
 * MAP_GROWSDOWN, read-write, touches every page, prints
 * "mmap MB MiB growsdown: ok, touched" (or the error).
 * Expected under --memory=64M with MB 256: ENOMEM (SPEC 6: --memory is
 * "its writable private memory (heap, anonymous mappings, thread
 * stacks)"), exit 0 either way. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

int main(int argc, char **argv)
{
	size_t mb = argc > 1 ? strtoul(argv[1], NULL, 0) : 256;
	unsigned char *p = mmap(NULL, mb << 20, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
	if (p == MAP_FAILED) {
		printf("mmap %zu MiB growsdown: %s\n", mb, strerror(errno));
		return 0;
	}
	for (size_t i = 0; i < mb << 20; i += 4096)
		p[i] = 1;
	printf("mmap %zu MiB growsdown: ok, touched\n", mb);
	return 0;
}
