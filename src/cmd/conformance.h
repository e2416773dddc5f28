/* conformance.h -- the checks every plugin must pass: `lindyn check-plugin`
 * and the conformance test over plugins/ run the same function. */
#ifndef LINDYN_CONFORMANCE_H
#define LINDYN_CONFORMANCE_H

#include <stdio.h>

/* The time limit of one check unless the caller gives another. */
#define CONFORMANCE_TIME_LIMIT 60.0

/* Checks every plugin in the .so at `path` (or the installed plugin named
 * `path`), printing "PASS|FAIL  check: detail" lines to out.  valgrind:
 * path of a driver to re-run the smoke run under valgrind's leak checker
 * (NULL to skip).  Each run of plugin code happens in a child process
 * killed after time_limit seconds (ten times that under valgrind): a
 * plugin that crashes, exits or spins fails that check, saying how, and the
 * suite goes on.  Returns the number of failed checks. */
int conformance_check(const char *path, FILE *out, const char *valgrind_driver,
                      double time_limit);

#endif
