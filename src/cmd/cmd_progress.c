/* cmd_progress.c -- `lindyn progress -- MAKE ARGS...`: runs a make of the
 * tangled fragment and shows its runs as progress instead of one
 * "  RUN   DIR" line per run.
 *
 * Before the real make, the same command with -n added lists the runs it
 * will do (their RUN echo lines): that is the total.  The real make then
 * runs with stdout and stderr on pipes: every line that is not a RUN line
 * passes through unchanged, in order (a failure prints in full); a RUN line
 * starts a run, and the run is done when DIR/.done appears (the fragment's
 * target for it).  On a terminal (stderr a tty, TERM not dumb) one status
 * line is rewritten in place; otherwise a plain line is printed every 10% of
 * the runs or every 30 s.  The exit status is make's; SIGINT, SIGTERM and
 * SIGHUP go to make's process group.
 *
 * The estimate: each finished run's wall time (RUN line to .done) is kept per
 * experiment (DIR is .../EXPERIMENT/POINT/sK).  What is left is each pending
 * run at its experiment's mean (the mean of all finished runs for an
 * experiment with none finished yet), less the time runs in flight have
 * spent; it is scaled to wall time by elapsed / (sum of finished runs' times),
 * which accounts for make -jN and for the time between runs. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"

#define RUN_TAG "  RUN   "
#define PLAIN_EVERY_S 30.0
#define TICK_MS 250

typedef struct {
	char *name;
	size_t total, started, done;
	double busy; /* seconds of the finished runs */
} experiment_cost;

typedef struct {
	char *dir;
	size_t exp;
	double t0;
} flight;

typedef struct {
	experiment_cost *exps;
	size_t nexps, cap_exps;
	flight *flights;
	size_t nflights, cap_flights;
	size_t total, started, done;
	double busy, t_start;
	bool tty, status_shown;
	size_t next_plain; /* done count of the next plain line */
	double last_plain;
} progress;

typedef struct {
	int fd, out;
	char *buf;
	size_t len, cap;
} stream;

static volatile sig_atomic_t pending_signal;

static void on_signal(int sig) { pending_signal = sig; }

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t n = *cap ? *cap * 2 : 64;
	while (n < need)
		n *= 2;
	void *q = realloc(p, n * size);
	if (!q) {
		fprintf(stderr, "lindyn progress: out of memory\n");
		exit(2);
	}
	*cap = n;
	return q;
}

static void write_all(int fd, const char *s, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* a closed output: keep draining make */
		s += w;
		n -= (size_t)w;
	}
}

/* The run directory of a line holding RUN_TAG: up to a quote, space or end. */
static size_t run_dir(const char *line, size_t len, const char **dir)
{
	const char *tag = memmem(line, len, RUN_TAG, strlen(RUN_TAG));
	if (!tag)
		return 0;
	*dir = tag + strlen(RUN_TAG);
	size_t n = 0, rest = len - (size_t)(*dir - line);
	while (n < rest && (*dir)[n] != '\'' && (*dir)[n] != ' ' && (*dir)[n] != '\n')
		n++;
	return n;
}

/* The experiment of DIR = .../EXPERIMENT/POINT/sK, added when new. */
static size_t experiment_of(progress *p, const char *dir, size_t n)
{
	size_t end = n, slashes = 0;
	while (end > 0 && slashes < 2)
		if (dir[--end] == '/')
			slashes++;
	size_t begin = end;
	while (begin > 0 && dir[begin - 1] != '/')
		begin--;
	size_t len = end - begin;
	for (size_t i = 0; i < p->nexps; i++)
		if (strlen(p->exps[i].name) == len && !memcmp(p->exps[i].name, dir + begin, len))
			return i;
	p->exps = grow(p->exps, &p->cap_exps, p->nexps + 1, sizeof *p->exps);
	experiment_cost *e = &p->exps[p->nexps];
	*e = (experiment_cost){ .name = strndup(dir + begin, len) };
	if (!e->name) {
		fprintf(stderr, "lindyn progress: out of memory\n");
		exit(2);
	}
	return p->nexps++;
}

static pid_t spawn(char **argv, int out, int err)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	setpgid(0, 0);
	int null = open("/dev/null", O_RDONLY);
	if (null >= 0)
		dup2(null, 0);
	dup2(out, 1);
	dup2(err, 2);
	execvp(argv[0], argv);
	fprintf(stderr, "lindyn progress: cannot run %s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/* The runs `ARGV -n` lists, counted per experiment; false when the dry run
 * fails (the real make then reports why, and the total is unknown). */
static bool count_runs(progress *p, int argc, char **argv)
{
	char **dry = calloc((size_t)argc + 2, sizeof *dry);
	int fds[2];
	if (!dry || pipe2(fds, O_CLOEXEC) != 0) {
		free(dry);
		return false;
	}
	dry[0] = argv[0];
	dry[1] = "-n";
	memcpy(dry + 2, argv + 1, (size_t)(argc - 1) * sizeof *dry);
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
	pid_t pid = spawn(dry, fds[1], null < 0 ? 2 : null);
	free(dry);
	close(fds[1]);
	if (null >= 0)
		close(null);
	FILE *in = fdopen(fds[0], "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while (in && (n = getline(&line, &cap, in)) > 0) {
		const char *dir;
		size_t len = run_dir(line, (size_t)n, &dir);
		if (len > 0) {
			size_t e = experiment_of(p, dir, len); /* may move p->exps */
			p->exps[e].total++;
			p->total++;
		}
	}
	free(line);
	if (in)
		fclose(in);
	else
		close(fds[0]);
	int status;
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return true;
	for (size_t i = 0; i < p->nexps; i++)
		p->exps[i].total = 0;
	p->total = 0;
	return false;
}

static void format_duration(char *buf, size_t n, double s)
{
	long t = (long)(s + 0.5);
	if (t >= 3600)
		snprintf(buf, n, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, n, "%ld:%02ld", t / 60, t % 60);
}

/* Seconds of wall time left, or a negative value while nothing is measured. */
static double estimate_left(const progress *p, double t)
{
	if (p->done == 0 || p->busy <= 0)
		return -1;
	double mean_all = p->busy / (double)p->done, work = 0;
	for (size_t i = 0; i < p->nexps; i++) {
		const experiment_cost *e = &p->exps[i];
		double mean = e->done ? e->busy / (double)e->done : mean_all;
		if (e->total > e->started)
			work += (double)(e->total - e->started) * mean;
	}
	for (size_t i = 0; i < p->nflights; i++) {
		const experiment_cost *e = &p->exps[p->flights[i].exp];
		double mean = e->done ? e->busy / (double)e->done : mean_all;
		double left = mean - (t - p->flights[i].t0);
		work += left > 0 ? left : 0;
	}
	return work * (t - p->t_start) / p->busy;
}

/* "1234/5669 runs  22%  elapsed 0:41  ETA 2:15" */
static void describe(const progress *p, char *buf, size_t n)
{
	double t = now(), left = estimate_left(p, t);
	size_t total = p->total > p->started ? p->total : p->started;
	char elapsed[32], eta[32] = "--";
	format_duration(elapsed, sizeof elapsed, t - p->t_start);
	if (left >= 0)
		format_duration(eta, sizeof eta, left);
	snprintf(buf, n, "%zu/%zu runs  %d%%  elapsed %s  ETA %s", p->done, total,
	         total ? (int)(100 * p->done / total) : 100, elapsed, eta);
}

static void clear_status(progress *p)
{
	if (p->status_shown)
		write_all(2, "\r\033[K", 4);
	p->status_shown = false;
}

static void show_status(progress *p)
{
	if (p->started == 0)
		return;
	char text[160], line[200];
	describe(p, text, sizeof text);
	if (p->tty) {
		int n = snprintf(line, sizeof line, "\r\033[K[ %s ]", text);
		write_all(2, line, (size_t)n);
		p->status_shown = true;
		return;
	}
	double t = now();
	if (p->done < p->next_plain && t - p->last_plain < PLAIN_EVERY_S)
		return;
	if (p->done >= p->next_plain) {
		size_t step = p->total / 10 ? p->total / 10 : 1;
		p->next_plain = (p->done / step + 1) * step;
	}
	p->last_plain = t;
	int n = snprintf(line, sizeof line, "lindyn: %s\n", text);
	write_all(2, line, (size_t)n);
}

static void start_run(progress *p, const char *dir, size_t len)
{
	p->flights = grow(p->flights, &p->cap_flights, p->nflights + 1, sizeof *p->flights);
	flight *f = &p->flights[p->nflights++];
	f->exp = experiment_of(p, dir, len);
	f->dir = strndup(dir, len);
	if (!f->dir) {
		fprintf(stderr, "lindyn progress: out of memory\n");
		exit(2);
	}
	f->t0 = now();
	p->exps[f->exp].started++;
	p->started++;
}

/* Runs in flight whose DIR/.done now exists are done. */
static void collect_done(progress *p)
{
	double t = now();
	for (size_t i = 0; i < p->nflights;) {
		flight *f = &p->flights[i];
		char path[4096];
		struct stat st;
		snprintf(path, sizeof path, "%s/.done", f->dir);
		if (stat(path, &st) != 0) {
			i++;
			continue;
		}
		experiment_cost *e = &p->exps[f->exp];
		e->done++;
		e->busy += t - f->t0;
		p->done++;
		p->busy += t - f->t0;
		free(f->dir);
		*f = p->flights[--p->nflights];
	}
}

/* Complete lines of s: RUN lines start runs, the others pass through. */
static void pass_lines(progress *p, stream *s, bool flush)
{
	size_t start = 0;
	for (size_t i = 0; i < s->len; i++) {
		if (s->buf[i] != '\n' && !(flush && i + 1 == s->len))
			continue;
		const char *line = s->buf + start, *dir;
		size_t len = i + 1 - start, dlen;
		if (len > strlen(RUN_TAG) && !memcmp(line, RUN_TAG, strlen(RUN_TAG)) &&
		    (dlen = run_dir(line, len, &dir)) > 0) {
			start_run(p, dir, dlen);
		} else {
			clear_status(p);
			write_all(s->out, line, len);
		}
		start = i + 1;
	}
	memmove(s->buf, s->buf + start, s->len - start);
	s->len -= start;
}

/* Reads what s has; false at its end. */
static bool read_stream(progress *p, stream *s)
{
	s->buf = grow(s->buf, &s->cap, s->len + 4096, 1);
	ssize_t n = read(s->fd, s->buf + s->len, 4096);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) {
		pass_lines(p, s, true);
		return false;
	}
	s->len += (size_t)n;
	pass_lines(p, s, false);
	return true;
}

static void forward_signals(pid_t pid)
{
	int sig = pending_signal;
	if (sig) {
		pending_signal = 0;
		kill(-pid, sig);
	}
}

static void pump(progress *p, stream *s, pid_t pid)
{
	struct pollfd fds[2] = { { .fd = s[0].fd, .events = POLLIN }, { .fd = s[1].fd, .events = POLLIN } };
	while (fds[0].fd >= 0 || fds[1].fd >= 0) {
		int n = poll(fds, 2, TICK_MS);
		forward_signals(pid);
		for (int i = 0; n > 0 && i < 2; i++)
			if (fds[i].fd >= 0 && fds[i].revents && !read_stream(p, &s[i])) {
				close(fds[i].fd);
				fds[i].fd = -1;
			}
		collect_done(p);
		show_status(p);
	}
}

static int wait_exit(pid_t pid)
{
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 2;
		else
			forward_signals(pid);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

static void summarize(progress *p, int rc)
{
	collect_done(p);
	clear_status(p);
	if (p->started == 0)
		return;
	char elapsed[32];
	format_duration(elapsed, sizeof elapsed, now() - p->t_start);
	size_t total = p->total > p->started ? p->total : p->started;
	if (rc == 0 && p->done == total)
		fprintf(stderr, "lindyn: %zu runs in %s\n", p->done, elapsed);
	else
		fprintf(stderr, "lindyn: %zu of %zu runs done in %s\n", p->done, total, elapsed);
}

static void release(progress *p, stream *s)
{
	for (size_t i = 0; i < p->nexps; i++)
		free(p->exps[i].name);
	for (size_t i = 0; i < p->nflights; i++)
		free(p->flights[i].dir);
	free(p->exps);
	free(p->flights);
	free(s[0].buf);
	free(s[1].buf);
}

static bool terminal(void)
{
	const char *term = getenv("TERM");
	return isatty(2) && term && *term && strcmp(term, "dumb") != 0;
}

int cmd_progress(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[0], "--") != 0) {
		fprintf(stderr, "usage: lindyn progress -- MAKE [ARGS...]\n");
		return 1;
	}
	argc--;
	argv++;
	progress p = { .tty = terminal() };
	struct sigaction sa = { .sa_handler = on_signal };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	count_runs(&p, argc, argv);
	int out[2], err[2];
	if (pipe2(out, O_CLOEXEC) != 0 || pipe2(err, O_CLOEXEC) != 0) {
		fprintf(stderr, "lindyn progress: cannot make a pipe: %s\n", strerror(errno));
		return 2;
	}
	p.t_start = p.last_plain = now();
	p.next_plain = p.total / 10 ? p.total / 10 : 1;
	pid_t pid = spawn(argv, out[1], err[1]);
	close(out[1]);
	close(err[1]);
	if (pid < 0) {
		fprintf(stderr, "lindyn progress: cannot start %s: %s\n", argv[0], strerror(errno));
		return 2;
	}
	setpgid(pid, pid);
	stream s[2] = { { .fd = out[0], .out = 1 }, { .fd = err[0], .out = 2 } };
	pump(&p, s, pid);
	int rc = wait_exit(pid);
	summarize(&p, rc);
	release(&p, s);
	return rc;
}
