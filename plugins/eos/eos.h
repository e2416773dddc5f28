/* eos.h -- the eos plugin: gradient descent with a constant, possibly large,
 * step on overparametrised least squares (MacDonald et al., NeurIPS 2025) and
 * on the survey's two valley examples (Min, MacDonald, Vidal, SPM 2026).
 *
 * Tables of one run (their columns: tables.c):
 *   model    one row before the loop: step, eta_c, lambda*, starting sharpness
 *   traj     one row per logged step (timegrid.h): loss, residual, sharpness,
 *            sharpness at the foot point on M, distance to the flattest
 *            minimiser, balancing quantity, period-2 indicators
 *   reduced  (valley, logistic) the survey's reduced predictor eq. (42)
 *   summary  one row after the loop: the limit or the limiting cycle
 * A run whose loss exceeds `blowup` (or stops being finite) fails with
 * LINDYN_EDIVERGE, which the driver reports as exit status 3. */
#ifndef EOS_EOS_H
#define EOS_EOS_H

#include "lindyn/plugin.h"
#include "model.h"
#include "sharpness.h"

/* Steps looked ahead at every logged step (p4) and at the end (period 8). */
#define EOS_AHEAD_LOG 4
#define EOS_AHEAD_END 8
#define EOS_MAX_COLS 40

typedef struct eos_state {
	eos_model *model;
	eos_sharpness *sharp;
	double eta, eta_c;        /* eta_c = 2/lambda* (0 when there is none) */
	long steps, log_linear, log_per_decade;
	double blowup;
	double *x;                /* the iterate */
	double *ahead;            /* EOS_AHEAD_END + 1 iterates from x */
	double *p, *q;            /* foot points */
	double *xs;               /* flattest minimiser */
	double *x_tstar;          /* the iterate at the survey's t* (Theorem 8) */
	long tstar;               /* 0 when Theorem 8 does not apply */
	long last_unstable;       /* last logged t with eta lambda(p_t) >= 2, or -1 */
	double row[EOS_MAX_COLS];
} eos_state;

/* The run loop (run.c). */
int eos_run(void *state, lindyn_host *h);

/* The tables of the descriptor (tables.c). */
extern const lindyn_table_def eos_tables[];

#endif
