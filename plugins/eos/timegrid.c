/* timegrid.c -- the logged steps: linear, then geometric, then the last. */
#include "timegrid.h"

#include <math.h>

void eos_timegrid_init(eos_timegrid *g, long linear, double per_decade, long last)
{
	g->linear = linear;
	g->per_decade = per_decade;
	g->last = last;
	g->k = 0;
}

long eos_timegrid_next(eos_timegrid *g, long t)
{
	long next = t + 1;
	if (next > g->linear) {
		long tk;
		while ((tk = (long)floor(pow(10.0, (double)g->k / g->per_decade))) <= t)
			g->k++;
		next = tk;
	}
	return next < g->last ? next : g->last;
}
