/* SPDX-License-Identifier: MIT */
/*
 * pipeline - three child containers joined by Minos pipes: cat | cat | cat.
 *
 *	minos-exec examples/pipeline < in > out
 *
 * The image of examples/cat is part of this program (.incbin, see
 * examples/local.mk).  A code stream is consumed by cnew, so for each stage
 * pipeline makes a fresh Minos pipe and writes the image into it from a
 * second thread.  The descriptors are passed at cnew time and move to the
 * children:
 *
 *	stage 1: rfd 0 = pipeline's own rfd 0,  wfd 1 = pipe A
 *	stage 2: rfd 0 = pipe A,                wfd 1 = pipe B
 *	stage 3: rfd 0 = pipe B,                wfd 1 = pipeline's own wfd 1
 *
 * so the data never passes through pipeline itself: out is byte for byte
 * in.  Each stage's wfd 2 is a Minos pipe back to pipeline, which reads all
 * three with one Minos read until each reports end of stream (its stage has
 * ended), copies anything a stage said there to its own wfd 2, and exits 1
 * if a stage said anything, else 0.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <minos.h>

#ifndef CHILD_PATH
#error "build with -DCHILD_PATH='\"/path/to/examples/cat\"' (examples/local.mk)"
#endif

#define STAGES 3

__asm__(".pushsection .rodata\n"
	".balign 16\n"
	".globl pipeline_child\n"
	".hidden pipeline_child\n"
	"pipeline_child:\n"
	".incbin \"" CHILD_PATH "\"\n"
	".globl pipeline_child_end\n"
	".hidden pipeline_child_end\n"
	"pipeline_child_end:\n"
	".popsection\n");
extern const unsigned char pipeline_child[], pipeline_child_end[];

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
	say(2, "pipeline: %s: %s\n", what, strerror((int)-err));
	return 1;
}

struct feed {
	int wfd;
	long err;
};

/* Write the whole image into f->wfd, then end the stream. */
static void *feed(void *arg)
{
	struct feed *f = arg;
	size_t len = (size_t)(pipeline_child_end - pipeline_child);

	for (size_t done = 0; done < len;) {
		long n = minos_write(f->wfd, pipeline_child + done, len - done);

		if (n < 0) {
			f->err = n;
			break;
		}
		done += (size_t)n;
	}
	minos_wclose(f->wfd);
	return NULL;
}

/* Start the image with rfd 0 = in, wfd 1 = out, wfd 2 = err. */
static long start_stage(int in, int out, int err)
{
	struct feed f = { .err = 0 };
	int code_rfd, fds[] = { in, -1, out, err };
	pthread_t writer;
	long cid;

	cid = minos_pipe(&f.wfd, &code_rfd);
	if (cid < 0)
		return cid;
	if (pthread_create(&writer, NULL, feed, &f) != 0) {
		minos_wclose(f.wfd);
		minos_rclose(code_rfd);
		return -EAGAIN;
	}
	cid = minos_cnew(code_rfd, fds, 1, 3, MINOS_ARCH_X86_64_ELF);
	pthread_join(writer, NULL);
	if (cid >= 0 && f.err < 0)
		return f.err;
	return cid;
}

int main(void)
{
	int err_rfd[STAGES], stage_of[STAGES], nerr = 0;
	int in = 0, said = 0;
	char buf[512];
	long n;

	for (int k = 0; k < STAGES; k++) {
		int out = 1, next = -1, err_wfd;

		if (k < STAGES - 1 && (n = minos_pipe(&out, &next)) < 0)
			return fail("minos_pipe", n);
		if ((n = minos_pipe(&err_wfd, &err_rfd[nerr])) < 0)
			return fail("minos_pipe", n);
		n = start_stage(in, out, err_wfd);
		if (n < 0) {
			say(2, "pipeline: cannot start stage %d: %s\n", k + 1,
			    strerror((int)-n));
			return 1;
		}
		stage_of[nerr++] = k + 1;
		in = next; /* the read end of the pipe stage k writes */
	}

	/* Wait for every stage, copying what it says on its wfd 2. */
	while (nerr > 0) {
		int from = -1, k;

		n = minos_read(err_rfd, (unsigned)nerr, buf, sizeof(buf), &from);
		if (n < 0)
			return fail("minos_read", n);
		for (k = 0; k < nerr && err_rfd[k] != from; k++)
			;
		if (k == nerr) {
			say(2, "pipeline: minos_read read rfd %d, not one of ours\n",
			    from);
			return 1;
		}
		if (n == 0) {
			minos_rclose(from);
			err_rfd[k] = err_rfd[nerr - 1];
			stage_of[k] = stage_of[nerr - 1];
			nerr--;
			continue;
		}
		say(2, "pipeline: stage %d: %.*s", stage_of[k], (int)n, buf);
		said = 1;
	}
	return said;
}
