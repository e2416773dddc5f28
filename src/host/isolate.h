/* isolate.h -- runs plugin code in a child process, so that a plugin that
 * crashes, ends the process or never returns cannot take the driver down
 * with it.  The child sends a fixed-size report through a pipe once the
 * code returned; the parent learns how the child ended. */
#ifndef LINDYN_ISOLATE_H
#define LINDYN_ISOLATE_H

#include <stddef.h>

typedef enum {
	ISOLATE_RETURNED,    /* the code returned: the report is valid */
	ISOLATE_CRASHED,     /* killed by signal `code` */
	ISOLATE_EXITED,      /* ended the process with status `code` */
	ISOLATE_TIMED_OUT,   /* still running after the time limit: killed */
	ISOLATE_INTERRUPTED, /* ended by a SIGINT/SIGTERM the driver passed on */
	ISOLATE_NOT_STARTED, /* no process could be made (errno `code`) */
} isolate_how;

typedef struct {
	isolate_how how;
	int code;
	int reported; /* the report arrived (a tool may still end it with a status) */
	double time_limit;
} isolate_outcome;

/* Calls fn(arg, report) in a child process and waits for it; the report
 * (report_len bytes) reaches the caller only when fn returns.  time_limit
 * > 0: the child is killed after that many seconds.  forward_signals: a
 * SIGINT or SIGTERM to the driver meanwhile is passed on to the child,
 * which is left to handle it.  The child dies with the driver. */
isolate_outcome isolate_call(void (*fn)(void *arg, void *report), void *arg, void *report,
                             size_t report_len, double time_limit, int forward_signals);

/* Waits for child `pid` (time_limit <= 0: for ever); kills it once the
 * limit has passed.  Returns 1 when it was killed so, 0 otherwise;
 * *wstatus as from waitpid. */
int isolate_wait(int pid, double time_limit, int *wstatus);

/* How it ended, as a phrase following the plugin's name: "crashed:
 * Segmentation fault", "exited the process (status 0) instead of
 * returning", "did not finish within 60 s", ... */
void isolate_describe(const isolate_outcome *o, char *buf, size_t len);

#endif
