/* drive.c -- the run loop of lora_gf: step the adapters with the chosen
 * solver from one logged time to the next and emit a row at each. */
#include "lora_gf.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>

size_t lora_log_grid(long n_steps, long log_points, int log_scale, long *grid)
{
	size_t count = 0;
	for (long j = 1; j <= log_points; j++) {
		double x = (double)j / (double)log_points;
		long step = log_scale ? lround(pow((double)n_steps, x)) : lround(x * (double)n_steps);
		if (step >= 1 && (count == 0 || step > grid[count - 1]))
			grid[count++] = step;
	}
	return count;
}

int lora_rhs(double t, const double y[], double dydt[], void *params)
{
	(void)t;
	double loss = lora_flow_eval(params, y, dydt);
	return isfinite(loss) ? GSL_SUCCESS : GSL_EBADFUNC;
}

static double log10_floor(double x) { return log10(fmax(x, 1e-300)); }

typedef struct {
	lindyn_table *loss, *spectral;
} tables;

static int emit(lora_state *s, lindyn_host *h, tables *tb, long grid_step, long solver_steps)
{
	lora_metrics mt;
	double t = (double)grid_step * s->eta;
	int failed = lora_probe_eval(s->probe, s->f, s->y, &mt);
	if (!isfinite(mt.loss))
		return LINDYN_ERROR(h, LINDYN_EDIVERGE, "loss is not finite at t=%g (eta=%g too large?)",
		                    t, s->eta);
	if (failed)
		return LINDYN_ERROR(h, LINDYN_ENUMERIC, "SVD of Z1 failed at t=%g", t);
	double row[] = { t, (double)solver_steps, (double)s->f->evals, mt.loss,
		         log10_floor(mt.loss), mt.misalign, log10_floor(mt.misalign), mt.z1, mt.z2,
		         mt.balance1, mt.balance2 };
	_Static_assert(sizeof row / sizeof row[0] == COLUMN_COUNT(LORA_LOSS_COLUMNS), "loss columns");
	int status = h->rowv(tb->loss, COLUMN_COUNT(LORA_LOSS_COLUMNS), row);
	if (status || !tb->spectral)
		return status;
	const double *sc = s->y + s->p->n_factors;
	size_t r = s->p->r;
	double srow[] = { t, mt.scalar_dev, mt.scalar_loss, log10_floor(mt.scalar_loss),
		          sc[0], sc[r], sc[2 * r], sc[3 * r] };
	_Static_assert(sizeof srow / sizeof srow[0] == COLUMN_COUNT(LORA_SPECTRAL_COLUMNS),
	               "spectral columns");
	return h->rowv(tb->spectral, COLUMN_COUNT(LORA_SPECTRAL_COLUMNS), srow);
}

static int emit_model(lora_state *s, lindyn_host *h)
{
	const lora_problem *p = s->p;
	lindyn_table *t = h->table(h, "model", NULL);
	if (!t)
		return LINDYN_EIO;
	double loss0 = lora_flow_eval(s->f, p->y0, NULL);
	double row[] = { (double)p->pair, p->s_pair, p->sigma_w1, p->sigma_w2,
		         p->sigma_w1 / p->sigma_w2, 2 * p->sigma * p->sigma_w2, loss0, (double)p->h };
	_Static_assert(sizeof row / sizeof row[0] == COLUMN_COUNT(LORA_MODEL_COLUMNS), "model columns");
	return h->rowv(t, COLUMN_COUNT(LORA_MODEL_COLUMNS), row);
}

/* Explicit Euler: y += eta * (-grad L), one gradient evaluation per step. */
static int advance_gd(lora_state *s, lindyn_host *h, long from, long to)
{
	size_t dim = s->p->dim;
	for (long k = from; k < to; k++) {
		double loss = lora_flow_eval(s->f, s->y, s->dy);
		if (!isfinite(loss))
			return LINDYN_ERROR(h, LINDYN_EDIVERGE,
			                    "loss is not finite at step %ld (eta=%g too large?)", k, s->eta);
		cblas_daxpy((int)dim, s->eta, s->dy, 1, s->y, 1);
		int status = h->progress(h, (double)(k + 1) / (double)s->n_steps, k + 1, loss);
		if (status)
			return status;
	}
	return LINDYN_OK;
}


static int odeiv_failure(lindyn_host *h, int status, double t)
{
	if (status == GSL_EBADFUNC)
		return LINDYN_ERROR(h, LINDYN_EDIVERGE, "loss is not finite near t=%g", t);
	return LINDYN_ERROR(h, LINDYN_ENUMERIC, "%s failed at t=%g: %s",
	                    h->get_str(h, "method"), t, gsl_strerror(status));
}

static int over_budget(lora_state *s, lindyn_host *h, double t)
{
	return LINDYN_ERROR(h, LINDYN_EMAXITER,
	                    "%s used max_evals=%ld gradient evaluations before t=%g of t_end=%g",
	                    h->get_str(h, "method"), s->max_evals, t, s->t_end);
}

/* One fixed step of size eta from t: classical RK4, or GSL's step-doubling
 * rk4, to which the derivative at the end of a step is handed for the next. */
static int fixed_step(lora_state *s, double t)
{
	if (s->solver == LORA_SOLVER_RK4)
		return rk4_classic_step(&s->rk4, &s->sys, t, s->eta, s->y);
	int status = gsl_odeiv2_step_apply(s->step, t, s->eta, s->y, s->yerr, s->dy, s->dy_out,
	                                   &s->sys);
	if (!status)
		memcpy(s->dy, s->dy_out, s->p->dim * sizeof *s->dy);
	return status;
}

/* rk4 or rk4_doubling at the fixed step eta. */
static int advance_rk4(lora_state *s, lindyn_host *h, long from, long to, long *steps)
{
	for (long k = from; k < to; k++) {
		double t = (double)k * s->eta;
		int status = fixed_step(s, t);
		if (status)
			return odeiv_failure(h, status, t);
		++*steps;
		if ((long)s->f->evals > s->max_evals)
			return over_budget(s, h, t);
		status = h->progress(h, (double)(k + 1) / (double)s->n_steps, *steps, NAN);
		if (status)
			return status;
	}
	return LINDYN_OK;
}

/* An error-controlled solver, landing exactly on t1. */
static int advance_adaptive(lora_state *s, lindyn_host *h, double t1, double *t, double *dt,
                            long *steps)
{
	while (*t < t1) {
		int status = gsl_odeiv2_evolve_apply(s->evolve, s->control, s->step, &s->sys, t, t1,
		                                     dt, s->y);
		if (status)
			return odeiv_failure(h, status, *t);
		++*steps;
		if ((long)s->f->evals > s->max_evals)
			return over_budget(s, h, *t);
		status = h->progress(h, *t / s->t_end, *steps, NAN);
		if (status)
			return status;
	}
	return LINDYN_OK;
}

int lora_run(void *state, lindyn_host *h)
{
	lora_state *s = state;
	tables tb = { 0 };
	tb.loss = h->table(h, "loss", NULL);
	if (!tb.loss)
		return LINDYN_EIO;
	if (s->p->structured) {
		tb.spectral = h->table(h, "spectral", NULL);
		if (!tb.spectral)
			return LINDYN_EIO;
	}
	int status = emit_model(s, h);
	if (!status)
		status = emit(s, h, &tb, 0, 0);
	if (!status && s->solver == LORA_SOLVER_RK4_DOUBLING) {
		if (lora_rhs(0, s->y, s->dy, s->f))
			return LINDYN_ERROR(h, LINDYN_EDIVERGE, "loss is not finite at t=0");
	}
	long done = 0, steps = 0;
	double t = 0, dt = s->eta;
	for (size_t g = 0; g < s->n_grid && !status; g++) {
		long next = s->grid[g];
		switch (s->solver) {
		case LORA_SOLVER_GD:
			status = advance_gd(s, h, done, next);
			steps = next;
			break;
		case LORA_SOLVER_RK4:
		case LORA_SOLVER_RK4_DOUBLING:
			status = advance_rk4(s, h, done, next, &steps);
			break;
		default:
			status = advance_adaptive(s, h, (double)next * s->eta, &t, &dt, &steps);
		}
		done = next;
		if (!status)
			status = emit(s, h, &tb, next, steps);
	}
	return status;
}
