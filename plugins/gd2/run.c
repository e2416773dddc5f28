/* run.c -- the iteration loops: GD on (W1, W2) under a step rule, and GD on
 * l(W) itself (rule=nonover). */
#include "state.h"
#include "checks.h"
#include "tables.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>

#include "../common/logsched.h"

/* X W1 is carried incrementally and recomputed every GD2_REFRESH steps. */
#define GD2_REFRESH 64

enum {
	NBASE = COLUMN_COUNT(GD2_LOSS_BASE),
	NTMLR = COLUMN_COUNT(GD2_LOSS_TMLR),
	NAISTATS = COLUMN_COUNT(GD2_LOSS_AISTATS),
	NMAX = NBASE + NTMLR + NAISTATS + COLUMN_COUNT(GD2_LOSS_WALL)
};

/* The run's CPU time since setup: its wall-clock time on an idle core, since
 * BLAS runs one thread, but not slowed by other jobs sharing the machine. */
static double elapsed(const gd2_state *s)
{
	struct timespec now;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
	return (double)(now.tv_sec - s->t_start.tv_sec) + 1e-9 * (double)(now.tv_nsec - s->t_start.tv_nsec);
}

static logsched gd2_logsched(const gd2_state *s)
{
	return (logsched){ .every = s->log_every, .per_decade = s->log_per_decade, .last = s->steps };
}

/* log10 of the reported loss.  The shifted logistic loss l - l* is rounding
 * noise below the check floor (and can fall below 0): it is reported at the
 * floor there. */
static double log10_reported(const gd2_state *s, double loss)
{
	double f = s->loss.kind == LOSS_LOGISTIC ? s->scale * s->floor : 0.0;
	return gd2_log10_pos(fmax(loss, f));
}

static lindyn_table *loss_table(gd2_state *s, lindyn_host *h, int tmlr, int aistats)
{
	char cols[1024];
	snprintf(cols, sizeof cols, "%s%s%s%s", COLUMN_NAMES(GD2_LOSS_BASE),
	         tmlr ? GD2_LOSS_TMLR(COLUMN_NAME) : "", aistats ? GD2_LOSS_AISTATS(COLUMN_NAME) : "",
	         s->wall_clock ? GD2_LOSS_WALL(COLUMN_NAME) : "");
	return h->table(h, "loss", cols);
}

/* One-row table `summary`: the level of imbalance c (S1 eq. 9, r = rank X),
 * the other Table 2 levels, L(0), L*, the extreme eigenvalues of Sigma_x and
 * the rate of the S1 Theorem 1 bound L(t) - L* <= (L(0) - L*) exp(-rate t)
 * (t the flow time of column t). */
static int emit_summary(gd2_state *s, lindyn_host *h)
{
	lindyn_table *t = h->table(h, "summary", NULL);
	if (!t)
		return LINDYN_EINVAL;
	const gd2_model *mo = &s->mo;
	double s1 = gsl_vector_get(mo->sx, 0), sr = gsl_vector_get(mo->sx, mo->r - 1);
	double lr = sr * sr;
	double row[] = { s->levels.delta, s->levels.delta_plus, s->levels.delta_minus,
	                 s->levels.lam_plus, s->levels.lam_minus,
	                 s->scale * (s->L0 + s->loss.lstar), s->scale * s->loss.lstar, lr, s1 * s1,
	                 2.0 * lr * s->levels.delta };
	_Static_assert(sizeof row / sizeof row[0] == COLUMN_COUNT(GD2_SUMMARY), "summary columns");
	return h->rowv(t, COLUMN_COUNT(GD2_SUMMARY), row);
}

/* The full-width weights W1 (d x h), W2 (h x m) as w1.npy, w2.npy. */
static int save(lindyn_host *h, const gd2_state *s, const char *w1, const char *w2)
{
	const gsl_matrix *W1 = s->W1h, *W2 = s->W2h;
	int st = h->npy_write(h, w1, W1->size1, W1->size2, W1->data);
	return st ? st : h->npy_write(h, w2, W2->size1, W2->size2, W2->data);
}

int gd2_run_twolayer(gd2_state *s, lindyn_host *h)
{
	gd2_model *mo = &s->mo;
	int full = s->stats_full, ais = full && s->have_ais;
	lindyn_table *tl = loss_table(s, h, full, ais);
	if (!tl)
		return LINDYN_EINVAL;
	int st = emit_summary(s, h);
	if (!st)
		st = gd2_constants_emit(s, h);
	if (!st && s->save_weights) /* the inputs too, so NumPy can redo the run */
		st = h->npy_write(h, "x", mo->n, mo->d, mo->X->data);
	if (!st && s->save_weights)
		st = h->npy_write(h, "y", mo->n, mo->m, mo->Y->data);
	if (!st && s->save_weights)
		st = save(h, s, "w1_init", "w2_init");
	if (st)
		return st;

	double lg0 = gd2_log10_pos(s->L0);
	gd2_tracker tr = { .bound_rho = s->L0, .bound_rhobar = s->L0, .bound_f = s->L0,
	               .lg_rho = lg0, .lg_rhobar = lg0, .lg_f = lg0,
	               .min_pl = DBL_MAX, .min_desc = DBL_MAX, .min_rho_gap = DBL_MAX,
	               .min_drift_slack = DBL_MAX, .min_eta_incr = DBL_MAX, .min_f = DBL_MAX,
	               .min_f_gap = DBL_MAX, .ok_lemma31 = 1, .ok_mubar = 1, .ok_kbar = 1 };
	gd2_spectra sp = { 0 };
	double tsum = 0.0;
	const logsched sched = gd2_logsched(s);
	for (long k = 0;; k++) {
		if (k > 0 && k % GD2_REFRESH == 0)
			gd2_model_refresh(mo);
		double g2, l = gd2_model_gradient(mo, &s->loss, &g2);
		if (!isfinite(l) || !isfinite(g2))
			return LINDYN_ERROR(h, LINDYN_EDIVERGE, "loss not finite at step %ld (step too large?)", k);
		if (gd2_rule_needs_spectra(s) && (st = gd2_model_spectra(mo, &sp)))
			return LINDYN_ERROR(h, LINDYN_ENUMERIC, "eigenvalues at step %ld: %s", k, gsl_strerror(st));
		double eta;
		if ((st = gd2_rule_step(s, h, k, l, g2, &sp, &eta)))
			return st;
		double loss = s->scale * l;
		int stop = k == s->steps || (s->stop_loss > 0.0 && loss < s->stop_loss);
		double drift_step = 0.0, drift = -1.0;
		if (full)
			drift = gd2_imbalance_drift(mo, &drift_step);
		double row[NMAX];
		size_t nc = 0;
		if (full) {
			nc = NBASE;
			nc += gd2_checks_tmlr(s, &tr, k, l, g2, eta, &sp, drift_step, row + nc);
			if (ais)
				nc += gd2_checks_aistats(s, &tr, k, l, eta, row + nc);
		}
		if (logsched_due(&sched, k) || stop) {
			/* flow time: the sum of the steps taken (exactly eta k for const) */
			double t = s->rule == RULE_CONST ? s->eta_L * (double)k : tsum;
			double base[] = { (double)k, t, loss, s->scale * sqrt(g2),
			                  drift >= 0.0 ? drift : gd2_imbalance_drift(mo, NULL),
			                  log10_reported(s, loss), eta / s->scale };
			_Static_assert(sizeof base / sizeof base[0] == NBASE, "base columns of loss");
			memcpy(row, base, sizeof base);
			if (!full)
				nc = NBASE;
			if (s->wall_clock)
				row[nc++] = elapsed(s);
			if ((st = h->rowv(tl, nc, row)))
				return st;
		}
		if (stop)
			break;
		if ((st = h->progress(h, (double)k / (double)s->steps, k, loss)))
			return st;
		tr.have_prev = 1;
		tr.prev_L = l;
		tr.prev_eta = eta;
		tr.prev_g2 = g2;
		if (full)
			gd2_imbalance_predict(mo, eta);
		tsum += eta;
		gd2_model_step(mo, eta);
	}
	if (s->save_weights && s->sub.Q)
		gd2_subspace_lift(&s->sub, mo->W1, mo->W2);
	if (s->save_weights)
		st = save(h, s, "w1_final", "w2_final");
	return st;
}

/* GD on l(W) from W(0) = W1(0) W2(0) with eta = 1/K (TMLR Fig. 5's
 * "non-overparametrized" baseline). */
int gd2_run_nonover(gd2_state *s, lindyn_host *h)
{
	gd2_model *mo = &s->mo;
	lindyn_table *tl = loss_table(s, h, 0, 0);
	int st = tl ? emit_summary(s, h) : LINDYN_EINVAL;
	if (st)
		return st;
	double eta = 1.0 / s->loss.K;
	const logsched sched = gd2_logsched(s);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, mo->W1_0, mo->W2_0, 0.0, mo->W);
	for (long k = 0;; k++) {
		gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, mo->X, mo->W, 0.0, mo->Z);
		double l = gd2_loss_eval(&s->loss, mo->Z, mo->Y, mo->W, mo->R);
		gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, mo->X, mo->R, 0.0, mo->G);
		if (s->loss.kind == LOSS_LOGISTIC) { /* + lambda W */
			gsl_matrix_memcpy(mo->Wt, mo->W);
			gsl_matrix_scale(mo->Wt, s->loss.lambda);
			gsl_matrix_add(mo->G, mo->Wt);
		}
		double g2 = 0.0;
		for (size_t i = 0; i < mo->d; i++)
			for (size_t j = 0; j < mo->m; j++)
				g2 += gsl_matrix_get(mo->G, i, j) * gsl_matrix_get(mo->G, i, j);
		if (!isfinite(l) || !isfinite(g2))
			return LINDYN_ERROR(h, LINDYN_EDIVERGE, "loss not finite at step %ld", k);
		double loss = s->scale * l;
		int stop = k == s->steps || (s->stop_loss > 0.0 && loss < s->stop_loss);
		if (logsched_due(&sched, k) || stop) {
			double row[NBASE + COLUMN_COUNT(GD2_LOSS_WALL)] = {
				(double)k, eta * (double)k, loss, s->scale * sqrt(g2), 0.0,
				log10_reported(s, loss), eta / s->scale };
			size_t nc = NBASE;
			if (s->wall_clock)
				row[nc++] = elapsed(s);
			if ((st = h->rowv(tl, nc, row)))
				return st;
		}
		if (stop)
			break;
		if ((st = h->progress(h, (double)k / (double)s->steps, k, loss)))
			return st;
		gsl_matrix_scale(mo->G, eta);
		gsl_matrix_sub(mo->W, mo->G);
	}
	return LINDYN_OK;
}
