/* status.c -- names and exit codes of lindyn_status values. */
#include "status.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lindyn/plugin.h"

const char *status_name(int status)
{
	switch (status) {
	case LINDYN_OK: return "ok";
	case LINDYN_EINVAL: return "invalid input";
	case LINDYN_ENOMEM: return "out of memory";
	case LINDYN_EDIVERGE: return "diverged";
	case LINDYN_ENUMERIC: return "numerical failure";
	case LINDYN_EIO: return "i/o error";
	case LINDYN_EINTR: return "interrupted";
	case LINDYN_EMAXITER: return "no convergence";
	case LINDYN_EABI: return "ABI mismatch";
	}
	return "unknown status";
}

int status_exit_code(int status)
{
	switch (status) {
	case LINDYN_OK: return 0;
	case LINDYN_EINVAL: return 1;
	case LINDYN_EDIVERGE: return 3;
	case LINDYN_EINTR: return 130;
	}
	return 2;
}

int status_close_stdout(const char *command)
{
	errno = 0;
	int bad = fflush(stdout) != 0, reason = errno;
	bad |= ferror(stdout) != 0;
	if (fclose(stdout) && !bad) {
		bad = 1;
		reason = errno;
	}
	if (!bad)
		return 0;
	fprintf(stderr, "lindyn %s: cannot write to standard output: %s\n", command,
	        reason ? strerror(reason) : "write error");
	return 2;
}
