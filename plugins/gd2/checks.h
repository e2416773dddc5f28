/* checks.h -- the TMLR and AISTATS quantities of each step and the running
 * checks over the run (checks.c).
 *
 * Why these live in the plugin and not in claims: a claim sees the logged
 * rows only, every log_every-th step, while the inequalities of TMLR Theorem
 * 3.1 (eqs. 9-12), Lemma E.2, Lemma 3.1 and AISTATS Theorem 3.2 are stated
 * for every step.  The plugin keeps running minima and maxima over EVERY
 * step (and 0/1 verdicts of them) in the loss table, so that a claim on the
 * last logged row checks the inequality at all steps, not a sample. */
#ifndef GD2_CHECKS_H
#define GD2_CHECKS_H

#include <math.h>

#include "state.h"

/* The running state of the checks: products of rates so far, the previous
 * step, running minima/maxima (DBL_MAX / 0 before the first) and verdicts. */
typedef struct {
	double bound_rho, bound_rhobar, bound_f;  /* L(0) prod_{j<k} rate_j */
	double lg_rho, lg_rhobar, lg_f;           /* their log10, summed (no underflow) */
	int have_prev;
	double prev_L, prev_eta, prev_K, prev_g2, prev_rho, prev_s2T, prev_f;
	double min_pl, min_desc, min_rho_gap, min_drift_slack, min_eta_incr, min_f, min_f_gap;
	double max_r_rho, max_r_rhobar, max_r_eta0, max_r_f, max_eq131;
	int ok_lemma31, ok_mubar, ok_kbar;
	double f_first;                           /* f(eta_0, 0) for eq. (32) */
} gd2_tracker;

/* log10 of a positive quantity, reported at 1e-300 when it is 0 or below
 * (a rate factor of a bound; the theory makes them positive). */
static inline double gd2_log10_pos(double l)
{
	return log10(fmax(l, 1e-300));
}


/* The COLUMN_COUNT(GD2_LOSS_TMLR) values of the TMLR columns of row k into
 * row; updates the checks (Theorem 3.1 eqs. 9-12, Lemma E.2 / eq. 131,
 * Lemma 3.1, eqs. 16-17 and 20).  Returns the count. */
size_t gd2_checks_tmlr(gd2_state *s, gd2_tracker *tr, long k, double l, double g2, double eta,
                       const gd2_spectra *sp, double drift_step, double *row);

/* The COLUMN_COUNT(GD2_LOSS_AISTATS) values of the AISTATS columns (eq. 26,
 * eq. 32, Theorem 3.2, Prop. 3.1).  Returns the count. */
size_t gd2_checks_aistats(gd2_state *s, gd2_tracker *tr, long k, double l, double eta,
                          double *row);

#endif
