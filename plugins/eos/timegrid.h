/* timegrid.h -- which steps of a long run are logged.
 *
 * Every step t <= linear, then the geometric grid t = floor(10^(k/per_decade)),
 * k = 0, 1, ..., and always the last step: a 10^6-step run with 40 points per
 * decade logs about 340 rows, and the loop between two logged steps does
 * nothing but gradient steps. */
#ifndef EOS_TIMEGRID_H
#define EOS_TIMEGRID_H

typedef struct eos_timegrid {
	long linear, last, k;
	double per_decade;
} eos_timegrid;

void eos_timegrid_init(eos_timegrid *g, long linear, double per_decade, long last);
/* The first logged step after t (t < last); `last` is returned at the end. */
long eos_timegrid_next(eos_timegrid *g, long t);

#endif
