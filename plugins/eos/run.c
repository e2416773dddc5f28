/* run.c -- the eos run loop: gradient steps, logging on the time grid,
 * divergence detection, and the per-run summary. */
#include "eos.h"
#include "timegrid.h"

#include <gsl/gsl_cblas.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* A row and its column names, built together so that they cannot disagree:
 * the names are the selection of the table's declared columns (tables.c)
 * that the model has. */
typedef struct row_builder {
	char names[EOS_MAX_COLS * 16];
	size_t len;
	double *vals;
	int n;
} row_builder;

static void row_start(row_builder *b, double *vals)
{
	b->len = 0;
	b->names[0] = '\0';
	b->vals = vals;
	b->n = 0;
}

static void put(row_builder *b, const char *name, double v)
{
	int k = snprintf(b->names + b->len, sizeof b->names - b->len, "%s%s", b->n ? " " : "", name);
	if (k > 0)
		b->len += (size_t)k;
	b->vals[b->n++] = v;
}

static double dist(size_t n, const double *a, const double *b)
{
	double s = 0.0;
	for (size_t i = 0; i < n; i++)
		s += (a[i] - b[i]) * (a[i] - b[i]);
	return sqrt(s);
}

static double ratio(double num, double den)
{
	return den != 0.0 ? num / den : 0.0;
}

static int diverged(eos_state *s, lindyn_host *h, long t, double loss)
{
	char rel[64] = "";
	if (s->eta_c > 0.0)
		snprintf(rel, sizeof rel, ", eta/eta_c=%.6g", s->eta / s->eta_c);
	return LINDYN_ERROR(h, LINDYN_EDIVERGE,
	                    "at step %ld the loss %.6g exceeds "
	                    "blowup=%.3g (eta=%.6g%s is beyond the stable range from this start)",
	                    t, loss, s->blowup, s->eta, rel);
}

/* ahead[k] = x_{t+k} for k = 0..n, by n extra steps on copies; a loss
 * beyond blowup on the way is a divergence at that step. */
static int look_ahead(eos_state *s, lindyn_host *h, long t, int n)
{
	size_t D = s->model->dim;
	memcpy(s->ahead, s->x, D * sizeof *s->x);
	for (int k = 1; k <= n; k++) {
		double *next = s->ahead + (size_t)k * D;
		memcpy(next, next - D, D * sizeof *next);
		double loss = s->model->ops->step(s->model, s->eta, next);
		if (!(loss <= s->blowup))
			return diverged(s, h, t + k - 1, loss);
	}
	return LINDYN_OK;
}

/* The signed normal coordinate alpha = <x - p, n> of the survey (p the foot
 * point, written into p): for least squares the sign is the residual's. */
static double signed_normal(eos_state *s, const double *x, double *p)
{
	eos_model *m = s->model;
	size_t D = m->dim;
	m->ops->project(m, x, p);
	if (m->ops->flags & EOS_LSQ) {
		double d = dist(D, x, p);
		return m->ops->residual(m, x) < 0.0 ? -d : d;
	}
	return x[D - 1] - p[D - 1];
}

/* Writes a row of n values at step t; a non-finite value is a divergence. */
static int emit(eos_state *s, lindyn_host *h, lindyn_table *tab, size_t n, const double *vals,
                long t)
{
	for (size_t i = 0; i < n; i++)
		if (!isfinite(vals[i]))
			return diverged(s, h, t, s->model->ops->loss(s->model, s->x));
	return h->rowv(tab, n, vals);
}

static int emit_built(eos_state *s, lindyn_host *h, lindyn_table *tab, const row_builder *b,
                      long t)
{
	return emit(s, h, tab, (size_t)b->n, b->vals, t);
}

/* One row of `traj` for x_t (spec B3.3, E1 panels, and the period-2 tests). */
static int traj_row(eos_state *s, lindyn_host *h, long t, row_builder *b)
{
	eos_model *m = s->model;
	const eos_model_ops *ops = m->ops;
	size_t D = m->dim;
	int st = look_ahead(s, h, t, EOS_AHEAD_LOG);
	if (st)
		return st;
	const double *x0 = s->ahead, *x1 = x0 + D, *x2 = x1 + D, *x4 = x0 + 4 * D;
	double alpha = signed_normal(s, s->x, s->p);
	double alpha2 = signed_normal(s, x2, s->q);
	double sharp_m = eos_sharpness_eval(s->sharp, m, s->p);
	if (s->eta * sharp_m >= 2.0)
		s->last_unstable = t;
	row_start(b, s->row);
	put(b, "t", (double)t);
	put(b, "loss", ops->loss(m, s->x));
	put(b, "alpha", alpha);
	put(b, "sharp", eos_sharpness_eval(s->sharp, m, s->x));
	put(b, "sharp_m", sharp_m);
	/* per-step contraction of the oscillation, over two steps (sign-free) */
	put(b, "rate", sqrt(fabs(ratio(alpha2, alpha))));
	put(b, "p1", dist(D, x1, x0));
	put(b, "p2", dist(D, x2, x0));
	put(b, "p4", dist(D, x4, x0));
	put(b, "p2ratio", ratio(dist(D, x4, x2), dist(D, x2, x0)));
	if (ops->flags & EOS_LSQ) {
		put(b, "r", ops->residual(m, s->x));
		put(b, "gradg2_m", ops->gradg2(m, s->p));
	}
	if (ops->flags & EOS_FLAT) {
		ops->flattest(m, s->x, s->xs);
		put(b, "dist", dist(D, s->x, s->xs));
		put(b, "gap", ops->gradg2(m, s->p) - m->lambda_star);
		put(b, "spread", ops->spread(m, s->x));
		double bal = ops->balance(m, s->x);
		put(b, "balance", bal);
		put(b, "bal2", ratio(ops->balance(m, x2), bal));
		if (m->exact_balance)
			put(b, "bal_err", ratio(fabs(ops->balance(m, x1) -
			                             ops->balance_factor(m, s->eta, s->x) * bal), bal));
	}
	return LINDYN_OK;
}

/* The one-row `model` table: the step against the model's thresholds. */
static int model_table(eos_state *s, lindyn_host *h)
{
	eos_model *m = s->model;
	row_builder b;
	double alpha0 = signed_normal(s, s->x, s->p);
	double lambda0 = m->ops->sharpness_on_m(m, s->p);
	row_start(&b, s->row);
	put(&b, "eta", s->eta);
	put(&b, "lambda0", lambda0);
	put(&b, "sharp0", eos_sharpness_eval(s->sharp, m, s->x));
	put(&b, "alpha0", alpha0);
	if (m->ops->flags & EOS_FLAT) {
		m->ops->flattest(m, s->x, s->xs);
		put(&b, "eta_c", s->eta_c);
		put(&b, "eta_rel", s->eta / s->eta_c);
		put(&b, "lambda_star", m->lambda_star);
		put(&b, "sharp_star", eos_sharpness_eval(s->sharp, m, s->xs));
	}
	if (m->ops->flags & EOS_REDUCED) {
		/* Theorem 8 (eq. 44): t* = ceil((eta l0 - 2)/(eta l0 |theta0_perp|^2)) + 1,
		 * defined when GD starts unstable, eta l0 > 2. */
		double el = s->eta * lambda0;
		s->tstar = el > 2.0 && alpha0 != 0.0
		                   ? (long)ceil((el - 2.0) / (el * alpha0 * alpha0)) + 1
		                   : 0;
		put(&b, "tstar", (double)s->tstar);
	}
	lindyn_table *tab = h->table(h, "model", b.names);
	if (!tab)
		return LINDYN_EIO;
	return emit_built(s, h, tab, &b, 0);
}

/* Theorem 8's rate bound alpha = max(|1 - eta l*|, |1 - eta l~*|) with
 * l* = lambda(p_{t*}) and l~* = lambda(p_{t*} + |perp|^2/(4 - 2 eta l*) e1). */
static double theorem8_alpha(eos_state *s)
{
	eos_model *m = s->model;
	double a = signed_normal(s, s->x_tstar, s->p);
	double l = m->ops->sharpness_on_m(m, s->p);
	double shift = a * a / (4.0 - 2.0 * s->eta * l);
	s->p[0] += shift;
	double lt = m->ops->sharpness_on_m(m, s->p);
	return fmax(fabs(1.0 - s->eta * l), fabs(1.0 - s->eta * lt));
}

/* The one-row `summary` table at x_T: the limit point or the limiting cycle
 * (orbit values o1..o8 are the first parameter at T..T+7). */
static int summary_table(eos_state *s, lindyn_host *h)
{
	eos_model *m = s->model;
	const eos_model_ops *ops = m->ops;
	size_t D = m->dim;
	row_builder b;
	int st = look_ahead(s, h, s->steps, EOS_AHEAD_END);
	if (st)
		return st;
	const double *x0 = s->ahead;
	double alpha = signed_normal(s, s->x, s->p);
	double tol = 1e-12 * (1.0 + cblas_dnrm2((int)D, x0, 1));
	int period = 0;
	for (int k = 1; k <= EOS_AHEAD_END && !period; k *= 2)
		if (dist(D, x0 + (size_t)k * D, x0) <= tol)
			period = k;
	row_start(&b, s->row);
	put(&b, "eta", s->eta);
	put(&b, "loss", ops->loss(m, s->x));
	put(&b, "sharp", eos_sharpness_eval(s->sharp, m, s->x));
	put(&b, "sharp_m", eos_sharpness_eval(s->sharp, m, s->p));
	put(&b, "alpha", alpha);
	put(&b, "amp", dist(D, x0 + D, x0) / sqrt((double)D));
	put(&b, "p1", dist(D, x0 + D, x0));
	put(&b, "p2", dist(D, x0 + 2 * D, x0));
	put(&b, "p4", dist(D, x0 + 4 * D, x0));
	put(&b, "period", period);
	put(&b, "t_stable", (double)(s->last_unstable + 1));
	static const char *orbit[] = {"o1", "o2", "o3", "o4", "o5", "o6", "o7", "o8"};
	for (int k = 0; k < EOS_AHEAD_END; k++)
		put(&b, orbit[k], x0[(size_t)k * D]);
	if (ops->flags & EOS_LSQ) {
		put(&b, "r", ops->residual(m, s->x));
		put(&b, "gradg2_m", ops->gradg2(m, s->p));
	}
	if (ops->flags & EOS_FLAT) {
		ops->flattest(m, s->x, s->xs);
		put(&b, "eta_rel", s->eta / s->eta_c);
		put(&b, "dist", dist(D, s->x, s->xs));
		put(&b, "gap", ops->gradg2(m, s->p) - m->lambda_star);
		put(&b, "spread", ops->spread(m, s->x));
		put(&b, "balance", ops->balance(m, s->x));
	}
	if (ops->flags & EOS_REDUCED) {
		put(&b, "tstar", (double)s->tstar);
		put(&b, "alpha_bound", s->tstar > 0 && s->tstar <= s->steps ? theorem8_alpha(s) : 0.0);
	}
	lindyn_table *tab = h->table(h, "summary", b.names);
	if (!tab)
		return LINDYN_EIO;
	return emit_built(s, h, tab, &b, s->steps);
}

/* The survey's reduced predictor eq. (42) from (alpha0, lambda(p0), p0),
 * logged on the same grid as traj. */
static int reduced_table(eos_state *s, lindyn_host *h, const double *x0)
{
	eos_model *m = s->model;
	eos_reduced r;
	r.alpha = signed_normal(s, x0, s->p);
	r.lambda = m->ops->sharpness_on_m(m, s->p);
	r.p = s->p[0];
	lindyn_table *tab = h->table(h, "reduced", NULL);
	if (!tab)
		return LINDYN_EIO;
	eos_timegrid grid;
	eos_timegrid_init(&grid, s->log_linear, (double)s->log_per_decade, s->steps);
	long next = 0;
	for (long t = 0;; t++) {
		if (t == next) {
			double row[] = {(double)t, m->ops->reduced_loss(m, &r), r.alpha, r.lambda};
			int st = emit(s, h, tab, sizeof row / sizeof *row, row, t);
			if (st)
				return st;
			next = eos_timegrid_next(&grid, t);
		}
		if (t >= s->steps)
			return LINDYN_OK;
		m->ops->reduced_step(m, s->eta, &r);
	}
}

int eos_run(void *state, lindyn_host *h)
{
	eos_state *s = state;
	eos_model *m = s->model;
	size_t D = m->dim;
	int st = model_table(s, h);
	if (st)
		return st;
	if (m->ops->flags & EOS_REDUCED) {
		/* the predictor starts from theta0: keep it before x moves */
		memcpy(s->x_tstar, s->x, D * sizeof *s->x);
		if ((st = reduced_table(s, h, s->x_tstar)))
			return st;
	}
	lindyn_table *traj = NULL;
	eos_timegrid grid;
	eos_timegrid_init(&grid, s->log_linear, (double)s->log_per_decade, s->steps);
	row_builder b;
	s->last_unstable = -1;
	long next = 0;
	for (long t = 0;; t++) {
		if (t == next) {
			if ((st = traj_row(s, h, t, &b)))
				return st;
			if (!traj && !(traj = h->table(h, "traj", b.names)))
				return LINDYN_EIO;
			if ((st = emit_built(s, h, traj, &b, t)))
				return st;
			next = eos_timegrid_next(&grid, t);
		}
		if (t == s->tstar && s->tstar > 0)
			memcpy(s->x_tstar, s->x, D * sizeof *s->x);
		if (t >= s->steps)
			break;
		double loss = m->ops->step(m, s->eta, s->x);
		if (!(loss <= s->blowup))
			return diverged(s, h, t, loss);
		if ((st = h->progress(h, (double)(t + 1) / (double)s->steps, t + 1, loss)))
			return st;
	}
	return summary_table(s, h);
}
