/* rk4.c -- classical fourth-order Runge-Kutta (see rk4.h). */
#include "rk4.h"

#include <stdlib.h>

int rk4_classic_init(rk4_classic *w, size_t dim)
{
	double *buf = malloc(5 * dim * sizeof *buf);
	*w = (rk4_classic){0};
	if (!buf)
		return -1;
	*w = (rk4_classic){.dim = dim, .k1 = buf, .k2 = buf + dim, .k3 = buf + 2 * dim,
	                   .k4 = buf + 3 * dim, .ytmp = buf + 4 * dim};
	return 0;
}

void rk4_classic_free(rk4_classic *w)
{
	free(w->k1);
	*w = (rk4_classic){0};
}

/* ytmp = y + a k */
static void shifted(size_t n, const double *y, double a, const double *k, double *ytmp)
{
	for (size_t i = 0; i < n; i++)
		ytmp[i] = y[i] + a * k[i];
}

int rk4_classic_step(rk4_classic *w, const gsl_odeiv2_system *sys, double t, double dt,
                     double *y)
{
	size_t n = w->dim;
	int st = sys->function(t, y, w->k1, sys->params);
	if (st)
		return st;
	shifted(n, y, 0.5 * dt, w->k1, w->ytmp);
	if ((st = sys->function(t + 0.5 * dt, w->ytmp, w->k2, sys->params)))
		return st;
	shifted(n, y, 0.5 * dt, w->k2, w->ytmp);
	if ((st = sys->function(t + 0.5 * dt, w->ytmp, w->k3, sys->params)))
		return st;
	shifted(n, y, dt, w->k3, w->ytmp);
	if ((st = sys->function(t + dt, w->ytmp, w->k4, sys->params)))
		return st;
	double sixth = dt / 6.0;
	for (size_t i = 0; i < n; i++)
		y[i] += sixth * (w->k1[i] + 2.0 * (w->k2[i] + w->k3[i]) + w->k4[i]);
	return 0;
}
