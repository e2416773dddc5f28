/* optim.c -- Adam and SGD steps (see optim.h). */
#include "optim.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define ADAM_BETA1 0.9
#define ADAM_BETA2 0.999
#define ADAM_EPS 1e-8

int optim_alloc(optim_state *o, optim_kind kind, double lr, size_t n)
{
	*o = (optim_state){ .kind = kind, .lr = lr, .n = n };
	if (kind == OPTIM_SGD)
		return 0;
	o->m = calloc(n, sizeof *o->m);
	o->v = calloc(n, sizeof *o->v);
	if (!o->m || !o->v) {
		optim_free(o);
		return -1;
	}
	return 0;
}

void optim_free(optim_state *o)
{
	free(o->m);
	free(o->v);
	*o = (optim_state){ 0 };
}

void optim_reset(optim_state *o)
{
	o->t = 0;
	if (o->m) {
		memset(o->m, 0, o->n * sizeof *o->m);
		memset(o->v, 0, o->n * sizeof *o->v);
	}
}

void optim_step(optim_state *o, double *x, const double *g)
{
	o->t++;
	if (o->kind == OPTIM_SGD) {
		for (size_t i = 0; i < o->n; i++)
			x[i] -= o->lr * g[i];
		return;
	}
	double c1 = 1.0 - pow(ADAM_BETA1, (double)o->t);
	double c2 = 1.0 - pow(ADAM_BETA2, (double)o->t);
	for (size_t i = 0; i < o->n; i++) {
		o->m[i] = ADAM_BETA1 * o->m[i] + (1.0 - ADAM_BETA1) * g[i];
		o->v[i] = ADAM_BETA2 * o->v[i] + (1.0 - ADAM_BETA2) * g[i] * g[i];
		x[i] -= o->lr * (o->m[i] / c1) / (sqrt(o->v[i] / c2) + ADAM_EPS);
	}
}
