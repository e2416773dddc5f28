/* status.h -- names of lindyn_status codes and the driver's exit codes. */
#ifndef LINDYN_STATUS_H
#define LINDYN_STATUS_H

const char *status_name(int status);

/* Exit codes of `lindyn run`: 0 ok, 1 bad input, 2 runtime failure,
 * 3 diverged, 130 interrupted. */
int status_exit_code(int status);

#endif
