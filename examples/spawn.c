/* SPDX-License-Identifier: MIT */
/*
 * spawn - a container that carries a child's image and starts it with cnew.
 *
 *	minos-exec examples/spawn
 *
 * The image of examples/hello is part of this program (.incbin, see
 * examples/local.mk).  spawn writes it into a Minos pipe from a second
 * thread (an image may be larger than a pipe holds, and cnew reads the
 * code stream to its end before it returns), starts it with cnew, giving
 * the child a second Minos pipe as its wfd 1, and reads what the child
 * writes there until end of stream, which comes when the child has ended:
 *
 *	spawn: started the child as cid 1
 *	spawn: the child said: hello, world
 *	spawn: ok
 *
 * On an error it says so on wfd 2 and exits 1.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <minos.h>

#ifndef CHILD_PATH
#error "build with -DCHILD_PATH='\"/path/to/examples/hello\"' (examples/local.mk)"
#endif

/* The child's image, as bytes of this program. */
__asm__(".pushsection .rodata\n"
	".balign 16\n"
	".globl spawn_child\n"
	".hidden spawn_child\n"
	"spawn_child:\n"
	".incbin \"" CHILD_PATH "\"\n"
	".globl spawn_child_end\n"
	".hidden spawn_child_end\n"
	"spawn_child_end:\n"
	".popsection\n");
extern const unsigned char spawn_child[], spawn_child_end[];

__attribute__((format(printf, 2, 3)))
static void say(int wfd, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (len >= (int)sizeof(line))
		len = sizeof(line) - 1;
	for (int done = 0; done < len;) {
		long n = minos_write(wfd, line + done, (size_t)(len - done));

		if (n <= 0)
			return;
		done += (int)n;
	}
}

static int fail(const char *what, long err)
{
	say(2, "spawn: %s: %s\n", what, strerror((int)-err));
	return 1;
}

/* A code stream's writer: all the image, then end of stream. */
struct feed {
	int wfd;
	const unsigned char *p;
	size_t len;
	long err;
};

static void *feed(void *arg)
{
	struct feed *f = arg;

	for (size_t done = 0; done < f->len;) {
		long n = minos_write(f->wfd, f->p + done, f->len - done);

		if (n < 0) {
			/* EPIPE: cnew gave up on the stream (and said why). */
			f->err = n;
			break;
		}
		done += (size_t)n;
	}
	minos_wclose(f->wfd);
	return NULL;
}

int main(void)
{
	struct feed f = { .p = spawn_child };
	int code_rfd, out_wfd, out_rfd;
	char said[256];
	size_t len = 0;
	pthread_t writer;
	long cid, n;

	f.len = (size_t)(spawn_child_end - spawn_child);
	if ((n = minos_pipe(&f.wfd, &code_rfd)) < 0)
		return fail("minos_pipe", n);
	if ((n = minos_pipe(&out_wfd, &out_rfd)) < 0)
		return fail("minos_pipe", n);
	if (pthread_create(&writer, NULL, feed, &f) != 0) {
		say(2, "spawn: cannot start the writer thread\n");
		return 1;
	}

	/* rfd part: none; wfd part: slot 0 empty, slot 1 = out_wfd, which
	 * moves to the child: the child's output ends when the child does. */
	int fds[] = { -1, out_wfd };

	cid = minos_cnew(code_rfd, fds, 0, 2, MINOS_ARCH_X86_64_ELF);
	pthread_join(writer, NULL);
	if (cid < 0)
		return fail("minos_cnew", cid);
	if (f.err < 0)
		return fail("writing the code stream", f.err);
	say(1, "spawn: started the child as cid %ld\n", cid);

	while ((n = minos_read(&out_rfd, 1, said + len, sizeof(said) - 1 - len,
			       NULL)) > 0) {
		len += (size_t)n;
		if (len == sizeof(said) - 1)
			break;
	}
	if (n < 0)
		return fail("minos_read", n);
	minos_rclose(out_rfd);
	said[len] = 0;
	if (len && said[len - 1] == '\n')
		said[--len] = 0;
	say(1, "spawn: the child said: %s\n", said);
	if (strcmp(said, "hello, world") != 0) {
		say(2, "spawn: expected \"hello, world\"\n");
		return 1;
	}
	say(1, "spawn: ok\n");
	return 0;
}
