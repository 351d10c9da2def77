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
#include "clock.h"
#include "report.h"
#include "procfs.h"
#include "units.h"

struct cstats *stats_attach(struct container *c)
{
	c->stats = calloc(1, sizeof(*c->stats));
	if (!c->stats)
		die(125, "out of memory");
	return c->stats;
}

static bool read_io(pid_t pid, unsigned long long *r, unsigned long long *w)
{
	char buf[1024];
	return proc_read(pid, "io", buf, sizeof(buf)) > 0 &&
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
	if (proc_read(c->pid, "status", buf, sizeof(buf)) <= 0)
		return;
	if (proc_value(buf, "VmPeak:", &kib) && kib * 1024 > s->vm_peak)
		s->vm_peak = kib * 1024;
	if (proc_value(buf, "VmHWM:", &kib) && kib * 1024 > s->rss_peak)
		s->rss_peak = kib * 1024;
	if (proc_value(buf, "VmData:", &kib))
		s->vm_data = kib * 1024;
}

/* The supervisor refused memory for the limit's sake (sys_mprotect). */
void stats_memory_hit(struct container *c)
{
	if (c->stats)
		c->stats->mem_refused = true;
}

/* A watched call asking for len more bytes of committed memory failed
 * with ENOMEM: the limit refused it only if what the container holds now
 * and len are more than the limit (no address space, say, is not ML). */
void stats_memory_refused(struct container *c, uint64_t len)
{
	struct cstats *s = c->stats;
	char buf[4096];
	unsigned long long kib;
	if (!s)
		return;
	if (proc_read(c->pid, "status", buf, sizeof(buf)) <= 0 ||
	    !proc_value(buf, "VmData:", &kib)) {
		s->mem_refused = true; /* cannot tell: as the kernel said */
		return;
	}
	if (len >= c->lim->memory || kib * 1024 > c->lim->memory - len)
		s->mem_refused = true;
}

/*
 * A refused call, counted in O(1): a container can make a new number with
 * every call, so the numbers are found through a hash index (open
 * addressing, never more than half full), and only the first REFUSED_MAX
 * numbers are named; the calls of any other count as "other".
 */
void stats_refused(struct container *c, long nr, bool foreign)
{
	struct cstats *s = c->stats;
	if (!s)
		return;
	if (!s->refused) {
		s->refused = calloc(REFUSED_MAX, sizeof(*s->refused));
		s->refused_index = calloc(REFUSED_SLOTS, sizeof(*s->refused_index));
		if (!s->refused || !s->refused_index) {
			free(s->refused);
			free(s->refused_index);
			s->refused = NULL;
			s->refused_index = NULL;
			s->refused_other++; /* the report loses a name, the run goes on */
			return;
		}
	}
	uint64_t h = ((uint64_t)nr * 2 + foreign) * 0x9e3779b97f4a7c15ULL;
	for (unsigned i = (unsigned)(h >> 54) % REFUSED_SLOTS;; i = (i + 1) % REFUSED_SLOTS) {
		unsigned at = s->refused_index[i];
		if (!at) {
			if (s->nrefused == REFUSED_MAX) {
				s->refused_other++;
				return;
			}
			s->refused[s->nrefused] = (struct refusal){ nr, foreign, 1 };
			s->refused_index[i] = (unsigned short)++s->nrefused;
			return;
		}
		struct refusal *r = &s->refused[at - 1];
		if (r->nr == nr && r->foreign == foreign) {
			r->count++;
			return;
		}
	}
}

/* ---- verdicts ----------------------------------------------------------------
 *
 * The memory verdict: the kernel refuses an allocation past RLIMIT_DATA
 * with ENOMEM and counts nothing.  With --report the filter stops every
 * mmap, and every mprotect to writable, of FILTER_MMAP_WATCH (1 MiB) or
 * more and the loop looks at its result; a smaller request can only have been refused if the container
 * already held more than the limit minus that much, which VmData at its
 * exit stop shows.  So the limit "was hit" if a watched call failed with
 * ENOMEM, or if the container ended within 1 MiB of its limit.
 */

static int session_signal; /* for the messages of END_SESSION */

bool memory_limit_hit(const struct container *c)
{
	const struct cstats *s = c->stats;
	if (!s)
		return false;
	return s->mem_refused ||
	       (s->vm_data && s->vm_data + FILTER_MMAP_WATCH > c->lim->memory);
}

const char *verdict_name(enum verdict v)
{
	static const char *const names[] = {
		[V_OK] = "OK", [V_RE] = "RE", [V_SG] = "SG", [V_TO] = "TO",
		[V_ML] = "ML", [V_OL] = "OL", [V_XX] = "XX",
	};
	return names[v];
}

enum verdict container_verdict(const struct container *c)
{
	if (c->end == END_START || c->state != C_DEAD)
		return V_XX;
	switch (c->end) {
	case END_CPU:
	case END_WALL:
		return V_TO;
	case END_OUTPUT:
		return V_OL;
	case END_SESSION:
	case END_CHECKPOINT:
		return V_XX;
	default:
		break;
	}
	bool exited = c->end == END_NONE && WIFEXITED(c->wstatus);
	if (exited && WEXITSTATUS(c->wstatus) == 0)
		return V_OK;
	if (memory_limit_hit(c))
		return V_ML;
	return exited ? V_RE : V_SG;
}

/* "SIGSEGV", "SIGRTMIN+3" (the C library's names, log.c), "SIG32". */
static const char *sig_name(int sig, char *buf, size_t len)
{
	snprintf(buf, len, "%s", signal_name(sig));
	return buf;
}

/* The signal that ended c, or 0 if it exited. */
static int end_signal(const struct container *c)
{
	if (c->end == END_SIGNAL || c->end == END_CPU || c->end == END_OUTPUT)
		return c->end_sig;
	return WIFSIGNALED(c->wstatus) ? WTERMSIG(c->wstatus) : 0;
}

void container_message(const struct container *c, char *buf, size_t len)
{
	char lim[32], sn[32];
	int n = snprintf(buf, len, "container %d (%s): ", c->id, c->name);
	size_t off = n < 0 ? 0 : (size_t)n < len ? (size_t)n : len - 1;
	char *p = buf + off;
	size_t left = len - off;
	int sig = end_signal(c);

	if (c->end == END_START) {
		snprintf(p, left, "cannot start the container");
		return;
	}
	if (c->state != C_DEAD) {
		snprintf(p, left, "ended when minos-exec failed");
		return;
	}
	switch (container_verdict(c)) {
	case V_TO:
		snprintf(p, left, "killed: %s time limit %s exceeded",
			 c->end == END_CPU ? "CPU" : "wall",
			 units_fmt_ms(c->end_ms, lim, sizeof(lim)));
		return;
	case V_OL:
		snprintf(p, left, "killed: output limit %llu bytes exceeded (%s)",
			 c->lim->output, sig_name(sig, sn, sizeof(sn)));
		return;
	case V_XX:
		snprintf(p, left, "killed: minos-exec received %s",
			 sig_name(session_signal, sn, sizeof(sn)));
		return;
	case V_ML: {
		int k = snprintf(p, left, "memory limit %s refused an allocation; ",
				 units_fmt_size(c->lim->memory, lim, sizeof(lim)));
		if (k < 0 || (size_t)k >= left)
			return;
		p += k;
		left -= (size_t)k;
		break;
	}
	default:
		break;
	}
	if (c->end == END_CKILL)
		snprintf(p, left, "killed: ckill by container %d", c->killer);
	else if (sig)
		snprintf(p, left, "killed by signal %d (%s)", sig,
			 sig_name(sig, sn, sizeof(sn)));
	else
		snprintf(p, left, "exited with status %d", WEXITSTATUS(c->wstatus));
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
	case END_CHECKPOINT: return "checkpoint";
	case END_START: return "start";
	case END_SIGNAL: case END_NONE: break;
	}
	return NULL;
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

static void container_json(FILE *f, const struct container *c,
			   const char *die_message)
{
	const struct cstats *s = c->stats;
	int sig = end_signal(c);
	char sn[32], message[512];
	enum verdict v = container_verdict(c);

	if (die_message && c->state != C_DEAD)
		snprintf(message, sizeof(message), "%s", die_message);
	else
		container_message(c, message, sizeof(message));
	fprintf(f, "    {\"id\": %d, \"name\": ", c->id);
	jstr(f, c->name);
	if (c->parent)
		fprintf(f, ", \"parent\": %d, \"cid\": %d", c->parent->id, c->cid);
	else
		fputs(", \"parent\": null, \"cid\": null", f);
	fprintf(f, ",\n     \"verdict\": \"%s\", \"message\": ", verdict_name(v));
	jstr(f, message);
	fputs(",\n     \"program\": ", f);
	jstr(f, s->program);
	fputs(", \"image_sha256\": ", f);
	jstr(f, s->sha256[0] ? s->sha256 : NULL);
	if (c->end == END_START || c->state != C_DEAD)
		fputs(",\n     \"exit_code\": null, \"signal\": null, \"status\": 125", f);
	else if (sig)
		fprintf(f, ",\n     \"exit_code\": null, \"signal\": \"%s\", \"status\": %d",
			sig_name(sig, sn, sizeof(sn)), 128 + sig);
	else
		fprintf(f, ",\n     \"exit_code\": %d, \"signal\": null, \"status\": %d",
			WEXITSTATUS(c->wstatus), WEXITSTATUS(c->wstatus));
	fputs(", \"ended_by\": ", f);
	jstr(f, ended_by(c));
	fprintf(f, ", \"memory_limit_hit\": %s",
		memory_limit_hit(c) ? "true" : "false");
	double user = ms_of(&s->ru.ru_utime), sys = ms_of(&s->ru.ru_stime);
	double cpu = user + sys;
	if ((double)s->cpu_end_ns / 1e6 > cpu)
		cpu = (double)s->cpu_end_ns / 1e6; /* the clock the CPU timer read */
	fprintf(f, ",\n     \"cpu_ms\": %.3f, \"user_ms\": %.3f, \"system_ms\": %.3f, "
		   "\"wall_ms\": %.3f",
		cpu, user, sys,
		(double)((s->end_ns ? s->end_ns : mono_ns()) - s->start_ns) / 1e6);
	fputs(",\n     \"peak_rss_bytes\": ", f);
	jnum(f, s->rss_peak);
	fputs(", \"peak_vm_bytes\": ", f);
	jnum(f, s->vm_peak);
	fputs(", \"data_bytes\": ", f);
	jnum(f, s->vm_data);
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
	if (s->refused_other)
		fprintf(f, "%s{\"call\": \"other\", \"count\": %lu}",
			s->nrefused ? ", " : "", s->refused_other);
	fputs("]}", f);
}

/* ---- the file ------------------------------------------------------------- */

static FILE *report_file;       /* opened by report_open */
static const char *report_path;
static const char *report_program; /* PROGRAM, for a report without containers */
static pid_t report_pid;        /* only minos-exec itself writes it */
static long long report_start_ns;
static bool report_written;

/* The whole report.  die_message: minos-exec failed with it (verdict XX). */
static void report_emit(FILE *f, int status, int session_sig, long long run_ns,
			const char *die_message)
{
	const struct container *first = NULL;
	char sn[32], message[512];
	CTAB_FOREACH_EVER(c)
		if (c->stats && !first)
			first = c;
	session_signal = session_sig;
	const char *verdict = "XX";
	if (die_message) {
		snprintf(message, sizeof(message), "%s", die_message);
	} else if (first) {
		verdict = verdict_name(container_verdict(first));
		container_message(first, message, sizeof(message));
	} else {
		snprintf(message, sizeof(message), "no container ran");
	}
	fprintf(f, "{\"minos_report\": %d, \"status\": %d, \"verdict\": \"%s\", "
		   "\"message\": ", MINOS_REPORT_VERSION, status, verdict);
	jstr(f, message);
	fprintf(f, ",\n  \"wall_ms\": %.3f, \"session_signal\": ", (double)run_ns / 1e6);
	jstr(f, session_sig ? sig_name(session_sig, sn, sizeof(sn)) : NULL);
	/* The host could not make namespaces (hostprobe.c, minos(7)). */
	fprintf(f, ", \"namespaces_fallback\": %s",
		hostprobe_namespaces_lost() ? "true" : "false");
	fputs(",\n  \"containers\": [\n", f);
	if (!first && die_message && report_program) {
		/* PROGRAM never ran (126, 127, or a failure before it). */
		const char *base = strrchr(report_program, '/');
		fputs("    {\"id\": 1, \"name\": ", f);
		jstr(f, base ? base + 1 : report_program);
		fputs(", \"parent\": null, \"cid\": null,\n     \"verdict\": \"XX\", "
		      "\"message\": ", f);
		jstr(f, die_message);
		fputs(",\n     \"program\": ", f);
		jstr(f, report_program);
		fprintf(f, ", \"image_sha256\": null,\n     \"exit_code\": null, "
			   "\"signal\": null, \"status\": %d, \"ended_by\": \"start\", "
			   "\"memory_limit_hit\": false}", status);
	}
	bool first_row = true;
	CTAB_FOREACH_EVER(c) {
		if (!c->stats)
			continue;
		fputs(first_row ? "" : ",\n", f);
		container_json(f, c, die_message);
		first_row = false;
	}
	fputs("\n  ]}\n", f);
}

static void report_on_die(int status, const char *message)
{
	char err[512];
	if (getpid() != report_pid || report_written)
		return;
	report_written = true;
	report_emit(report_file, status, 0, mono_ns() - report_start_ns, message);
	if (report_file == stderr ? fflush(stderr) != 0
				  : (ferror(report_file) | (fclose(report_file) != 0))) {
		snprintf(err, sizeof(err), "--report=%s: cannot write: %s",
			 report_path, strerror(errno));
		msg("%s", err);
	}
}

int report_open(const char *file, const char *program, char *err, size_t errlen)
{
	report_path = file;
	report_program = program;
	report_pid = getpid();
	report_start_ns = mono_ns();
	if (strcmp(file, "-") == 0) {
		report_file = stderr;
	} else {
		int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
				    O_NOCTTY, 0666);
		if (fd >= 0 && !(report_file = fdopen(fd, "w")))
			close(fd);
		if (!report_file) {
			snprintf(err, errlen, "--report=%s: cannot write: %s",
				 file, strerror(errno));
			return -1;
		}
	}
	log_set_die_hook(report_on_die);
	return 0;
}

int report_write(const char *file, int status, int session_sig,
		 long long run_ns, char *err, size_t errlen)
{
	FILE *f = report_file;
	bool to_stderr = f ? f == stderr : strcmp(file, "-") == 0;
	if (!f)
		f = to_stderr ? stderr : fopen(file, "we");
	if (!f) {
		snprintf(err, errlen, "--report=%s: cannot write: %s", file,
			 strerror(errno));
		return -1;
	}
	log_set_die_hook(NULL);
	report_written = true;
	/* The memory verdict is found only now: say it as the others are. */
	CTAB_FOREACH_EVER(c) {
		if (c->stats && container_verdict(c) == V_ML) {
			char message[512];
			container_message(c, message, sizeof(message));
			msg("%s", message);
		}
	}
	report_emit(f, status, session_sig, run_ns, NULL);
	if (to_stderr)
		return fflush(f) == 0 ? 0 : -1;
	if (ferror(f) | (fclose(f) != 0)) {
		snprintf(err, errlen, "--report=%s: cannot write: %s", file,
			 strerror(errno));
		return -1;
	}
	return 0;
}
