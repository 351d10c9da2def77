/* SPDX-License-Identifier: MIT */
/*
 * report.c - the JSON report of a run (--report).
 *
 * The data path runs in the kernel, so bytes are what the kernel counts
 * per process (/proc/PID/io: rchar, wchar) and, for a bound host file, the
 * distance its offset moved; the supervisor never sees the bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filter.h"
#include "log.h"
#include "hostprobe.h"
#include "report.h"
#include "sys.h"

struct cstats *stats_attach(struct container *c)
{
	c->stats = calloc(1, sizeof(*c->stats));
	if (!c->stats)
		die(125, "out of memory");
	return c->stats;
}

/* The value of "key" in a "key: value" or "key value" line of a /proc file. */
static bool proc_value(const char *text, const char *key, unsigned long long *v)
{
	size_t klen = strlen(key);
	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, key, klen) == 0)
			return sscanf(p + klen, " %llu", v) == 1;
	return false;
}

static bool read_io(pid_t pid, unsigned long long *r, unsigned long long *w)
{
	char buf[1024];
	return sys_proc_read(pid, "io", buf, sizeof(buf)) > 0 &&
	       proc_value(buf, "rchar:", r) && proc_value(buf, "wchar:", w);
}

void stats_program_starts(struct container *c)
{
	struct cstats *s = c->stats;
	if (s && !read_io(c->pid, &s->rchar0, &s->wchar0))
		s->rchar0 = s->wchar0 = 0;
}

void stats_sample(struct container *c)
{
	struct cstats *s = c->stats;
	char buf[4096];
	unsigned long long r, w, kib;
	if (!s || c->state != C_RUNNING)
		return;
	if (read_io(c->pid, &r, &w) && r >= s->rchar0 && w >= s->wchar0) {
		s->rchar = r - s->rchar0;
		s->wchar = w - s->wchar0;
		s->io_known = true;
	}
	if (sys_proc_read(c->pid, "status", buf, sizeof(buf)) <= 0)
		return;
	if (proc_value(buf, "VmPeak:", &kib) && kib * 1024 > s->vm_peak)
		s->vm_peak = kib * 1024;
	if (proc_value(buf, "VmHWM:", &kib) && kib * 1024 > s->rss_peak)
		s->rss_peak = kib * 1024;
}

void stats_refused(struct container *c, long nr, bool foreign)
{
	struct cstats *s = c->stats;
	if (!s)
		return;
	for (unsigned i = 0; i < s->nrefused; i++)
		if (s->refused[i].nr == nr && s->refused[i].foreign == foreign) {
			s->refused[i].count++;
			return;
		}
	struct refusal *more = realloc(s->refused, (s->nrefused + 1) * sizeof(*more));
	if (!more)
		return; /* the report loses a name, the run goes on */
	s->refused = more;
	s->refused[s->nrefused++] = (struct refusal){ nr, foreign, 1 };
}

/* ---- JSON ------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at p (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *p, size_t n)
{
	size_t len = p[0] >= 0xf0 && p[0] <= 0xf4 ? 4 : p[0] >= 0xe0 ? 3 :
		     p[0] >= 0xc2 && p[0] <= 0xdf ? 2 : 0;
	if (len == 0 || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	if ((p[0] == 0xe0 && p[1] < 0xa0) || (p[0] == 0xed && p[1] > 0x9f) ||
	    (p[0] == 0xf0 && p[1] < 0x90) || (p[0] == 0xf4 && p[1] > 0x8f))
		return 0; /* overlong, a surrogate, beyond U+10FFFF */
	return len;
}

/* A JSON string; bytes that are not UTF-8 become U+FFFD. */
static void jstr(FILE *f, const char *s)
{
	if (!s) {
		fputs("null", f);
		return;
	}
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = p[i];
		if (ch == '"' || ch == '\\') {
			fprintf(f, "\\%c", ch);
		} else if (ch < 0x20 || ch == 0x7f) {
			fprintf(f, "\\u%04x", ch);
		} else if (ch < 0x80) {
			fputc(ch, f);
		} else {
			size_t len = utf8_len(p + i, n - i);
			if (len == 0) {
				fputs("\\ufffd", f);
				continue;
			}
			fwrite(p + i, 1, len, f);
			i += len - 1;
		}
	}
	fputc('"', f);
}

/* A count the kernel gave us, or null if we never could read it. */
static void jnum(FILE *f, unsigned long long v)
{
	if (v)
		fprintf(f, "%llu", v);
	else
		fputs("null", f);
}

static double ms_of(const struct timeval *tv)
{
	return (double)tv->tv_sec * 1000.0 + (double)tv->tv_usec / 1000.0;
}

static const char *ended_by(const struct container *c)
{
	switch (c->end) {
	case END_CPU: return "cpu-time";
	case END_WALL: return "wall-time";
	case END_OUTPUT: return "output";
	case END_CKILL: return "ckill";
	case END_SESSION: return "session";
	case END_START: return "start";
	case END_SIGNAL: case END_NONE: break;
	}
	return NULL;
}

/* The signal that ended c, or 0 if it exited. */
static int end_signal(const struct container *c)
{
	if (c->end == END_SIGNAL || c->end == END_CPU || c->end == END_OUTPUT)
		return c->end_sig;
	return WIFSIGNALED(c->wstatus) ? WTERMSIG(c->wstatus) : 0;
}

static void slot_json(FILE *f, const struct slot_info *si)
{
	fprintf(f, "{\"fd\": %d, \"binding\": ", si->fd);
	jstr(f, si->binding);
	fputs(", \"bytes\": ", f);
	off_t end = si->file >= 0 ? lseek(si->file, 0, SEEK_CUR) : -1;
	if (end >= 0 && end >= si->start)
		fprintf(f, "%lld", (long long)end - si->start);
	else
		fputs("null", f);
	fputc('}', f);
}

static void container_json(FILE *f, const struct container *c)
{
	const struct cstats *s = c->stats;
	int sig = end_signal(c);
	fprintf(f, "    {\"id\": %d, \"name\": ", c->id);
	jstr(f, c->name);
	if (c->parent)
		fprintf(f, ", \"parent\": %d, \"cid\": %d", c->parent->id, c->cid);
	else
		fputs(", \"parent\": null, \"cid\": null", f);
	fputs(",\n     \"program\": ", f);
	jstr(f, s->program);
	fputs(", \"image_sha256\": ", f);
	jstr(f, s->sha256[0] ? s->sha256 : NULL);
	if (c->end == END_START)
		fputs(",\n     \"exit_code\": null, \"signal\": null, \"status\": 125", f);
	else if (sig)
		fprintf(f, ",\n     \"exit_code\": null, \"signal\": \"%s\", \"status\": %d",
			signal_name(sig), 128 + sig);
	else
		fprintf(f, ",\n     \"exit_code\": %d, \"signal\": null, \"status\": %d",
			WEXITSTATUS(c->wstatus), WEXITSTATUS(c->wstatus));
	fputs(", \"ended_by\": ", f);
	jstr(f, ended_by(c));
	double user = ms_of(&s->ru.ru_utime), sys = ms_of(&s->ru.ru_stime);
	fprintf(f, ",\n     \"cpu_ms\": %.3f, \"user_ms\": %.3f, \"system_ms\": %.3f, "
		   "\"wall_ms\": %.3f",
		user + sys, user, sys, (double)(s->end_ns - s->start_ns) / 1e6);
	fputs(",\n     \"peak_rss_bytes\": ", f);
	jnum(f, s->rss_peak);
	fputs(", \"peak_vm_bytes\": ", f);
	jnum(f, s->vm_peak);
	if (s->io_known)
		fprintf(f, ", \"bytes_read\": %llu, \"bytes_written\": %llu",
			s->rchar, s->wchar);
	else
		fputs(", \"bytes_read\": null, \"bytes_written\": null", f);
	fputs(",\n     \"fds\": [", f);
	for (unsigned i = 0; i < s->nslots; i++) {
		fputs(i ? ", " : "", f);
		slot_json(f, &s->slots[i]);
	}
	fputs("],\n     \"refused\": [", f);
	for (unsigned i = 0; i < s->nrefused; i++) {
		const struct refusal *r = &s->refused[i];
		const char *name = r->foreign ? filter_foreign_name(r->nr)
					      : filter_call_name(r->nr);
		char other[32];
		if (!name) {
			snprintf(other, sizeof(other), "syscall_%ld", r->nr);
			name = other;
		}
		fprintf(f, "%s{\"call\": ", i ? ", " : "");
		jstr(f, name);
		fprintf(f, ", \"count\": %lu}", r->count);
	}
	fputs("]}", f);
}

int report_write(const char *file, int status, int session_sig,
		 long long run_ns, char *err, size_t errlen)
{
	bool to_stderr = strcmp(file, "-") == 0;
	FILE *f = to_stderr ? stderr : fopen(file, "we");
	if (!f) {
		snprintf(err, errlen, "--report=%s: cannot write: %s", file,
			 strerror(errno));
		return -1;
	}
	fprintf(f, "{\"minos_report\": 1, \"status\": %d, \"wall_ms\": %.3f, "
		   "\"session_signal\": ", status, (double)run_ns / 1e6);
	jstr(f, session_sig ? signal_name(session_sig) : NULL);
	/* issue 12: the host could not make namespaces (hostprobe.c) */
	fprintf(f, ", \"namespaces_fallback\": %s",
		hostprobe_namespaces_lost() ? "true" : "false");
	fputs(",\n  \"containers\": [\n", f);
	bool first = true;
	CTAB_FOREACH(c) {
		if (!c->stats)
			continue;
		fputs(first ? "" : ",\n", f);
		container_json(f, c);
		first = false;
	}
	fputs("\n  ]}\n", f);
	if (to_stderr)
		return fflush(f) == 0 ? 0 : -1;
	if (ferror(f) | (fclose(f) != 0)) {
		snprintf(err, errlen, "--report=%s: cannot write: %s", file,
			 strerror(errno));
		return -1;
	}
	return 0;
}
