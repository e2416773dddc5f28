/* rk4.h -- classical fourth-order Runge-Kutta at a fixed step, shared by the
 * flow plugins (rk4_gf, lora_gf):
 *
 *   k1 = f(t, y),             k2 = f(t + dt/2, y + dt/2 k1),
 *   k3 = f(t + dt/2, y + dt/2 k2),  k4 = f(t + dt, y + dt k3),
 *   y <- y + dt/6 (k1 + 2 k2 + 2 k3 + k4):
 *
 * four evaluations of f per step, no error estimate.  GSL's
 * gsl_odeiv2_step_rk4 is not this: it estimates its error by step doubling
 * and returns the result of two half steps, at three times the cost. */
#ifndef LINDYN_COMMON_RK4_H
#define LINDYN_COMMON_RK4_H

#include <stddef.h>

#include <gsl/gsl_odeiv2.h>

typedef struct {
	size_t dim;
	double *k1, *k2, *k3, *k4, *ytmp; /* one allocation, dim each */
} rk4_classic;

/* Returns 0, or -1 when out of memory (w is then empty). */
int rk4_classic_init(rk4_classic *w, size_t dim);
void rk4_classic_free(rk4_classic *w);

/* One step of y' = sys->function(t, y) from t to t + dt, in place.  Allocates
 * nothing.  Returns the first nonzero status of sys->function; y is then
 * unchanged. */
int rk4_classic_step(rk4_classic *w, const gsl_odeiv2_system *sys, double t, double dt,
                     double *y);

#endif
