/* imbalance.h -- the imbalance D = W1^T W1 - W2 W2^T of a gd2 run (imbalance.c)
 * and the subspace the weights never leave (subspace.c). */
#ifndef GD2_IMBALANCE_H
#define GD2_IMBALANCE_H

#include "model.h"

/* Imbalance D = W1^T W1 - W2 W2^T (imbalance.c). */
typedef struct {
	double lam_plus, lam_minus;            /* max(lambda_1(+-D(0)), 0) */
	double delta, delta_plus, delta_minus; /* underlined Delta (= S1's c), Delta_+- */
} gd2_levels;

/* Builds Q0, D0 and its spectrum from W1(0), W2(0).  Returns a GSL status. */
int gd2_imbalance_init(gd2_model *mo);
/* TMLR Table 2 / S1 eq. 9 levels of the spectrum of D(0): r positive and
 * m negative slots. */
void gd2_imbalance_levels(const gd2_model *mo, gd2_levels *out);
/* ||W1^T W1 - W2 W2^T - D(0)||_F from k x k matrices; with step != NULL
 * also ||D(t) - D(t')||_F for t' the previous call (Dprev). */
double gd2_imbalance_drift(gd2_model *mo, double *step);
/* The step's D(t+1) - D(t) from eq. (131), before the step is taken. */
void gd2_imbalance_predict(gd2_model *mo, double eta);
/* ||D(t+1) - D(t) - eq. (131)||_F / (||eq. (131)||_F + tol), after the
 * drift of the next step was taken with step != NULL. */
double gd2_imbalance_predict_error(const gd2_model *mo, double tol);

/* reduce=subspace (subspace.c): the model runs on A = W1 Q (d x k) and
 * B = Q^T W2 (k x m), Q an orthonormal basis of the span of the rows of
 * W1(0) and the columns of W2(0); exact for GD on any loss of W1 W2. */
typedef struct {
	gsl_matrix *W1, *W2; /* d x h, h x m: W(0) as drawn; the lifted weights after gd2_subspace_lift */
	gsl_matrix *Q;       /* h x k */
} gd2_subspace;

/* The width k the model runs at: d + m when that is below h, else h (no gain). */
size_t gd2_subspace_width(size_t d, size_t m, size_t h);
int gd2_subspace_alloc(gd2_subspace *sub, size_t d, size_t m, size_t h, size_t k);
void gd2_subspace_free(gd2_subspace *sub);
/* Q from sub->W1, sub->W2, then A = W1 Q, B = Q^T W2.  Returns a GSL status. */
int gd2_subspace_reduce(gd2_subspace *sub, gsl_matrix *A, gsl_matrix *B);
/* sub->W1 = A Q^T, sub->W2 = Q B. */
void gd2_subspace_lift(gd2_subspace *sub, const gsl_matrix *A, const gsl_matrix *B);

#endif
