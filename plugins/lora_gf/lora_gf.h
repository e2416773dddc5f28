/* lora_gf.h -- one run of the lora_gf plugin: its parameters, workspaces and
 * the loop that steps the flow and logs it. */
#ifndef LORA_GF_LORA_GF_H
#define LORA_GF_LORA_GF_H

#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_rng.h>

#include "lindyn/plugin.h"
#include "../common/columns.h"
#include "../common/enumlist.h"
#include "../common/rk4.h"
#include "lora.h"

/* The values of parameter `method`:
 *   gd            explicit Euler with step eta: the paper's procedure
 *   rk4           classical RK4 at the fixed step eta: 4 evaluations a step
 *   rk4_doubling  gsl_odeiv2_step_rk4 at eta: two half steps, 11 evaluations
 *   rkf45, rk8pd  adaptive, error-controlled with abs_tol/rel_tol */
#define LORA_METHOD_LIST(X) \
	X(LORA_SOLVER, GD, gd) X(LORA_SOLVER, RK4, rk4) X(LORA_SOLVER, RK4_DOUBLING, rk4_doubling) \
	X(LORA_SOLVER, RKF45, rkf45) X(LORA_SOLVER, RK8PD, rk8pd)
typedef enum { LORA_METHOD_LIST(ENUM_MEMBER) } lora_solver;

/* The tables (declared in lora_gf.c, written in drive.c). */
#define LORA_LOSS_COLUMNS(X) \
	X(t, "flow time (GD step k is t = k eta)") \
	X(step, "solver steps so far") \
	X(evals, "gradient evaluations so far") \
	X(loss, "L = 1/2 ||dY - (B2 A2 W1 + W2 B1 A1 + B2 A2 B1 A1)||_F^2 (eq. 2)") \
	X(log10_loss, "log10 of loss (floored at 1e-300)") \
	X(misalign, "misalignment of Z1 = [B1; A1^T] with gamma1 (S3)") \
	X(log10_misalign, "log10 of misalign (floored at 1e-300)") \
	X(z1, "||Z1||_F = sqrt(||B1||_F^2 + ||A1||_F^2)") \
	X(z2, "||Z2||_F = sqrt(||B2||_F^2 + ||A2||_F^2)") \
	X(balance1, "||D1(t) - D1(0)||_F, D1 = B1^T B1 - A1 A1^T (conserved)") \
	X(balance2, "||D2(t) - D2(0)||_F, D2 = B2^T B2 - A2 A2^T (conserved)")
#define LORA_SPECTRAL_COLUMNS(X) \
	X(t, "flow time") \
	X(dev, "||factors - their reconstruction from the scalar system||_F") \
	X(loss_scalar, "loss of the decoupled scalar system (eq. 17)") \
	X(log10_loss_scalar, "log10 of loss_scalar (floored at 1e-300)") \
	X(s_b1, "scalar system: first singular value of B1") \
	X(s_a1, "scalar system: first singular value of A1") \
	X(s_b2, "scalar system: first singular value of B2") \
	X(s_a2, "scalar system: first singular value of A2")
#define LORA_MODEL_COLUMNS(X) \
	X(pair, "index of the dY singular pair in the spectrum of Ypre") \
	X(s_pair, "singular value of Ypre on that pair") \
	X(sigma_w1, "singular value of W1 on that pair") \
	X(sigma_w2, "singular value of W2 on that pair") \
	X(delta_w, "sigma_w1 / sigma_w2") \
	X(align_rate, "2 sigma sigma_w2: the alignment rate") \
	X(loss0, "L at t = 0") \
	X(h_work, "working inner dimension (k + r with reduce=subspace, else h)")

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
