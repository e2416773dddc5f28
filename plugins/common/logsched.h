/* logsched.h -- the one logging schedule of the step-counting plugins.
 *
 * Step k (0 <= k <= last) is logged when
 *   - k is a multiple of every (so step 0 always), or
 *   - k == last, or
 *   - per_decade > 0, k >= 1 and floor(per_decade log10 k) grows from k-1 to
 *     k: about per_decade log-spaced steps per decade of the counter.
 * Parameters: `log_every` (>= 1) and `log_per_decade` (>= 0, 0 = off). */
#ifndef LINDYN_COMMON_LOGSCHED_H
#define LINDYN_COMMON_LOGSCHED_H

typedef struct {
	long every;      /* >= 1 */
	long per_decade; /* >= 0; 0: no log-spaced steps */
	long last;       /* the final step, always logged */
} logsched;

/* True when step k is logged. */
int logsched_due(const logsched *s, long k);

#endif
