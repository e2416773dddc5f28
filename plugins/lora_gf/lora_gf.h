/* lora_gf.h -- one run of the lora_gf plugin: its parameters, workspaces and
 * the loop that steps the flow and logs it. */
#ifndef LORA_GF_LORA_GF_H
#define LORA_GF_LORA_GF_H

#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_rng.h>

#include "lindyn/plugin.h"
#include "../common/rk4.h"
#include "lora.h"

typedef enum {
	LORA_SOLVER_GD,    /* explicit Euler with step eta: the paper's procedure */
	LORA_SOLVER_RK4,   /* classical RK4 at the fixed step eta: 4 evaluations a step */
	LORA_SOLVER_RK4_DOUBLING, /* gsl_odeiv2_step_rk4 at eta: two half steps, 11 evaluations */
	LORA_SOLVER_RKF45, /* adaptive, error-controlled with atol/rtol */
	LORA_SOLVER_RK8PD
} lora_solver;

/* The values of the solver parameter, indexed by lora_solver. */
extern const char *const lora_solver_names[];

typedef struct lora_state {
	lora_config cfg;
	lora_solver solver;
	double eta, t_end, atol, rtol;
	long n_steps;        /* t_end / eta */
	long max_evals;
	long *grid;          /* logged times as multiples of eta, increasing, last = n_steps */
	size_t n_grid;
	gsl_rng *rng;
	lora_problem *p;
	lora_flow *f;
	lora_probe *probe;
	double *y, *dy, *dy_out, *yerr;
	rk4_classic rk4;
	gsl_odeiv2_system sys;
	gsl_odeiv2_step *step;
	gsl_odeiv2_control *control;
	gsl_odeiv2_evolve *evolve;
} lora_state;

/* The logged times: log_points times on [eta, t_end], evenly spaced or
 * log-spaced, rounded to multiples of eta so that every solver run with the
 * same eta logs at the same times.  Returns the count written to grid
 * (at most log_points). */
size_t lora_log_grid(long n_steps, long log_points, int log_scale, long *grid);

/* The gsl_odeiv2 right-hand side; params is the lora_flow. */
int lora_rhs(double t, const double y[], double dydt[], void *params);

int lora_run(void *state, lindyn_host *h);

#endif
