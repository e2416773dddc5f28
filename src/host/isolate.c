/* isolate.c -- plugin code in a child process (isolate.h). */
#include "isolate.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t child_pid, forwarded;

static void forward(int sig)
{
	forwarded = sig;
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Milliseconds left until deadline (0: none), -1 for ever. */
static int ms_left(double deadline)
{
	if (deadline <= 0)
		return -1;
	double left = deadline - now();
	/* poll() takes an int: a limit of weeks waits in slices of ~24 days */
	return left <= 0 ? 0 : left >= 2e6 ? 2000000000 : (int)ceil(1e3 * left);
}

static void write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

static void child_main(void (*fn)(void *, void *), void *arg, void *report, size_t report_len,
                       int fd, pid_t parent, const sigset_t *mask)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1); /* the driver is already gone */
	sigprocmask(SIG_SETMASK, mask, NULL);
	fn(arg, report);
	fflush(stdout);
	fflush(stderr);
	write_all(fd, report, report_len);
	_exit(0);
}

/* Reads the report until end of file or the deadline; bytes read. */
static size_t read_report(int fd, char *report, size_t report_len, double deadline,
                          int *timed_out)
{
	size_t got = 0;
	char spill[256];
	for (;;) {
		int wait = ms_left(deadline);
		if (wait == 0) {
			*timed_out = 1;
			return got;
		}
		struct pollfd p = { fd, POLLIN, 0 };
		int ready = poll(&p, 1, wait);
		if (ready < 0 && errno != EINTR)
			return got;
		if (ready <= 0)
			continue;
		ssize_t n = got < report_len ? read(fd, report + got, report_len - got)
		                             : read(fd, spill, sizeof spill);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return got;
		if (got < report_len)
			got += (size_t)n;
	}
}

int isolate_wait(int pid, double time_limit, int *wstatus)
{
	double deadline = time_limit > 0 ? now() + time_limit : 0;
	for (;;) {
		pid_t done = waitpid(pid, wstatus, deadline > 0 ? WNOHANG : 0);
		if (done == pid)
			return 0;
		if (done < 0 && errno != EINTR) {
			*wstatus = 0;
			return 0;
		}
		if (deadline > 0 && ms_left(deadline) == 0) {
			kill(pid, SIGKILL);
			while (waitpid(pid, wstatus, 0) < 0 && errno == EINTR)
				;
			return 1;
		}
		if (deadline > 0)
			nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
}

static isolate_outcome outcome_of(int wstatus, int reported, int timed_out, double limit)
{
	isolate_outcome o = { ISOLATE_RETURNED, 0, reported, limit };
	int interrupted = forwarded == SIGINT || forwarded == SIGTERM;
	if (timed_out)
		o.how = ISOLATE_TIMED_OUT;
	else if (WIFSIGNALED(wstatus)) {
		o.code = WTERMSIG(wstatus);
		o.how = interrupted && (o.code == SIGINT || o.code == SIGTERM) ? ISOLATE_INTERRUPTED
		                                                                : ISOLATE_CRASHED;
	} else if (WEXITSTATUS(wstatus) != 0 || !reported) {
		o.code = WEXITSTATUS(wstatus);
		o.how = interrupted && o.code == 130 && !reported ? ISOLATE_INTERRUPTED : ISOLATE_EXITED;
	}
	return o;
}

isolate_outcome isolate_call(void (*fn)(void *arg, void *report), void *arg, void *report,
                             size_t report_len, double time_limit, int forward_signals)
{
	int fds[2];
	sigset_t block, old_mask;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	if (pipe2(fds, O_CLOEXEC))
		return (isolate_outcome){ ISOLATE_NOT_STARTED, errno, 0, time_limit };
	fflush(NULL); /* nothing buffered is written twice */
	sigprocmask(SIG_BLOCK, forward_signals ? &block : NULL, &old_mask);
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		close(fds[0]);
		child_main(fn, arg, report, report_len, fds[1], parent, &old_mask);
	}
	int fork_errno = errno;
	close(fds[1]);
	struct sigaction sa = { .sa_handler = forward }, old_int, old_term;
	sigemptyset(&sa.sa_mask);
	forwarded = 0;
	child_pid = pid;
	if (forward_signals && pid > 0) {
		sigaction(SIGINT, &sa, &old_int);
		sigaction(SIGTERM, &sa, &old_term);
	}
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	if (pid < 0) {
		close(fds[0]);
		return (isolate_outcome){ ISOLATE_NOT_STARTED, fork_errno, 0, time_limit };
	}
	double deadline = time_limit > 0 ? now() + time_limit : 0;
	int timed_out = 0, wstatus = 0;
	size_t got = read_report(fds[0], report, report_len, deadline, &timed_out);
	close(fds[0]);
	if (timed_out)
		kill(pid, SIGKILL);
	double left = deadline > 0 ? fmax(deadline - now(), 1e-3) : 0;
	timed_out |= isolate_wait(pid, left, &wstatus);
	child_pid = 0;
	if (forward_signals) {
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGTERM, &old_term, NULL);
	}
	return outcome_of(wstatus, got == report_len, timed_out, time_limit);
}

void isolate_describe(const isolate_outcome *o, char *buf, size_t len)
{
	switch (o->how) {
	case ISOLATE_RETURNED:
		snprintf(buf, len, "returned");
		break;
	case ISOLATE_CRASHED:
		snprintf(buf, len, "crashed: %s", strsignal(o->code));
		break;
	case ISOLATE_EXITED:
		if (o->reported)
			snprintf(buf, len, "returned, then its process ended with status %d", o->code);
		else
			snprintf(buf, len, "exited the process (status %d) instead of returning", o->code);
		break;
	case ISOLATE_TIMED_OUT:
		snprintf(buf, len, "did not finish within %g s (time limit)", o->time_limit);
		break;
	case ISOLATE_INTERRUPTED:
		snprintf(buf, len, "was interrupted by a signal");
		break;
	case ISOLATE_NOT_STARTED:
		snprintf(buf, len, "could not be started in a process of its own: %s", strerror(o->code));
		break;
	}
}
