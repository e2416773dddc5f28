/* status.h -- names of lindyn_status codes and the driver's exit codes. */
#ifndef LINDYN_STATUS_H
#define LINDYN_STATUS_H

const char *status_name(int status);

/* Exit codes of `lindyn run`: 0 ok, 1 bad input, 2 runtime failure,
 * 3 diverged, 130 interrupted. */
int status_exit_code(int status);

/* Flushes and closes stdout after a command printed its result; on any
 * failure (a full disk, /dev/full, a closed pipe) prints one line
 * "lindyn COMMAND: cannot write to standard output: REASON" and returns 2,
 * else 0. */
int status_close_stdout(const char *command);

#endif
