/* lora.h -- LoRA fine-tuning of a frozen matrix factorization as a gradient
 * flow (Xu, Min, MacDonald, Luo, Tarmoun, Mallada, Vidal, AISTATS 2025).
 *
 * Loss (eq. 2):  L = 1/2 || dY - F ||_F^2,
 *   F = W2 B1 A1 + B2 A2 W1 + B2 A2 B1 A1   (the change of the end-to-end map),
 * with the frozen pre-trained W2 (m x h), W1 (h x n), Ypre = W2 W1, and the
 * trainable adapters A1 (r x n), B1 (h x r), A2 (r x h), B2 (m x r).
 *
 * The adapters live in one flat vector, each matrix row-major, in the order
 * A1, B1, A2, B2, so that gradient descent and gsl_odeiv2 step the same
 * memory.  For the structured initializations (spectral, pissa, milora) the
 * vector carries 4r more entries, the decoupled scalar system of eq. (17)
 * (sB1, sA1, sB2, sA2, r each), stepped by the same solver so that the
 * factors can be compared with it at every logged point.
 *
 * Working coordinates.  B1 and A2^T only ever move inside
 * span(G_k) + span(A2(0)^T), where G_k (h x k, k = min(m,n)) holds the
 * columns of G that W1 and W2 use: dB1 = W2^T(.) + A2^T(.) and
 * dA2^T = W1(.) + B1(.).  With an orthonormal basis H of that span
 * (h x (k+r)) the flow of (A1, H^T B1, A2 H, B2) under (W2 H, H^T W1) is the
 * flow of the full problem, exactly; every metric below is invariant under
 * this change of basis.  So h = 100 becomes k + r = 14 and nothing h x h is
 * ever formed. */
#ifndef LORA_GF_LORA_H
#define LORA_GF_LORA_H

#include <stddef.h>

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_vector.h>

#include "../common/enumlist.h"

/* The values of parameter `init`:
 *   random    A1, A2 iid N(0, alpha^2), B1 = B2 = 0 (LoRA's init)
 *   spectral  S4: on the singular space of dY, completed to rank r
 *   pissa     on the top-r singular space of the pre-trained model
 *   milora    on its bottom-r singular space */
#define LORA_INIT_LIST(X) \
	X(LORA_INIT, RANDOM, random) X(LORA_INIT, SPECTRAL, spectral) X(LORA_INIT, PISSA, pissa) \
	X(LORA_INIT, MILORA, milora)
typedef enum { LORA_INIT_LIST(ENUM_MEMBER) } lora_init;

typedef struct lora_config {
	size_t m, n, h, r;
	double sigma;       /* dY = sigma u v^T */
	double c;           /* W2 = c U S^1/2 G^T, W1 = G S^1/2 V^T / c: delta_w = 1/c^2 */
	double alpha;       /* init scale */
	int bottom;         /* (u, v) is the bottom singular pair of Ypre, else the top */
	int appg;           /* Ypre = diag(100, 1), G = I (App. G) instead of Gaussian */
	lora_init init;
	int reduce;         /* integrate in the (k+r)-dim working subspace of R^h */
} lora_config;

typedef struct lora_problem {
	size_t m, n, h, r;  /* h: the working dimension (k + r after the reduction) */
	size_t h_full, k;
	gsl_matrix *W2, *W1, *dY;
	size_t n_factors;   /* r (n + 2h + m) */
	size_t dim;         /* n_factors (+ 4r for a structured init) */
	double *y0;         /* the initial state */
	gsl_vector *gamma1; /* (g; v)/sqrt(2) for the dY pair, length h + n */
	/* The dY pair: its index in Ypre's spectrum and its singular values. */
	size_t pair;
	double sigma, s_pair, sigma_w1, sigma_w2;
	/* Structured inits: A1 = diag(sA1) Vr^T, B1 = Gr diag(sB1),
	 * A2 = diag(sA2) Gr^T, B2 = Ur diag(sB2); per direction j the singular
	 * values of W1, W2 and dY on it. */
	int structured;
	gsl_matrix *Ur, *Gr, *Vr;
	gsl_vector *sw1, *sw2, *sdy;
} lora_problem;

/* Builds the pre-trained model, the target and the init (S5.1, App. H.1).
 * Draws, in order: Ypre (m x n), the h x k Gaussian whose QR gives G_k, then
 * the init (A1, A2 entries, or the 2r diagonal entries).  The caller has
 * checked the cross-parameter constraints (lora_config_check).  Returns a GSL
 * status; *out is NULL on failure. */
int lora_problem_new(const lora_config *cfg, gsl_rng *rng, lora_problem **out);
void lora_problem_free(lora_problem *p);

/* NULL when cfg is consistent, else a message naming what is wrong. */
const char *lora_config_check(const lora_config *cfg);

/* Views of the four adapters inside a flat state vector. */
typedef struct lora_views {
	gsl_matrix_const_view A1, B1, A2, B2;
} lora_views;
lora_views lora_views_of(const lora_problem *p, const double *y);

/* The right-hand side of the flow (eq. 3): residual and gradient workspace. */
typedef struct lora_flow {
	const lora_problem *p;
	gsl_matrix *S, *P, *Q, *E, *K1, *M1, *K2, *M2;
	gsl_matrix *A1t, *B1t, *Qt, *W1t; /* transposes: small_mm takes B untransposed (flow.c) */
	unsigned long evals; /* gradient evaluations so far */
} lora_flow;

lora_flow *lora_flow_new(const lora_problem *p);
void lora_flow_free(lora_flow *f);
/* Loss at y; with dy != NULL also dy = -grad L (and the scalar system's
 * right-hand side), counted in f->evals.  Allocates nothing. */
double lora_flow_eval(lora_flow *f, const double *y, double *dy);

/* The decoupled scalar system of a structured init (eq. 17, App. F). */
void lora_scalar_rhs(const lora_problem *p, const double *s, double *ds);
double lora_scalar_loss(const lora_problem *p, const double *s);

/* Metrics of one logged point. */
typedef struct lora_metrics {
	double loss, misalign, z1, z2, balance1, balance2;
	double scalar_dev, scalar_loss; /* structured inits only */
} lora_metrics;

typedef struct lora_probe {
	const lora_problem *p;
	gsl_matrix *Z, *V, *D10, *D20, *D;
	gsl_vector *S, *work;
} lora_probe;

lora_probe *lora_probe_new(const lora_problem *p);
void lora_probe_free(lora_probe *pr);
/* Fills *out for state y (the loss comes from f, not counted as an
 * evaluation).  Returns a GSL status (the SVD of Z1). */
int lora_probe_eval(lora_probe *pr, lora_flow *f, const double *y, lora_metrics *out);

#endif
