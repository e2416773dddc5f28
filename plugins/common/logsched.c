/* logsched.c -- the logging schedule (see logsched.h). */
#include "logsched.h"

#include <math.h>

int logsched_due(const logsched *s, long k)
{
	if (k % s->every == 0 || k == s->last)
		return 1;
	if (s->per_decade <= 0 || k < 1)
		return 0;
	double q = (double)s->per_decade;
	return floor(q * log10((double)k)) > floor(q * log10((double)(k - 1)));
}
