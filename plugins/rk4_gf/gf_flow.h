/* gf_flow.h -- the gradient-flow vector field of L = 1/2 ||Y - X W1 W2||_F^2
 * on the flat parameter vector y = [A (rows x w) | B (w x m)], row-major.
 *
 *   GF_FULL      A = W1 (d x h), B = W2 (h x m):
 *                W1' = X^T R W2^T,  W2' = W1^T X^T R,  R = Y - X W1 W2.
 *                Cost per evaluation O(dhm + ndm).
 *   GF_SVD       A = U1 = Phi1^T W1 (r x h), B = W2 (S1 eq. 7, U2 frozen):
 *                U1' = S E W2^T,  W2' = U1^T S E,  E = Ytil - S U1 W2,
 *                S = diag(s).  Cost O(rhm) (<= O(rh(r+m))).
 *   GF_ROWSPACE  the same equations in coordinates of the row space of
 *                [U1(0); W2(0)^T] (w = k = min(h, r+m)): every derivative is
 *                a combination of the rows of U1 and the columns of W2, so
 *                [U1; W2^T](t) = T(t) [U1; W2^T](0) stays in that row space
 *                and the flow is exactly the SVD flow at width k.  The cost
 *                per evaluation no longer depends on h. */
#ifndef RK4_GF_FLOW_H
#define RK4_GF_FLOW_H

#include <gsl/gsl_matrix.h>

#include "../common/enumlist.h"
#include "gf_data.h"

/* The values of parameter `reduce`: none = GF_FULL, svd, rowspace. */
#define GF_REDUCE_LIST(X) X(GF, FULL, none) X(GF, SVD, svd) X(GF, ROWSPACE, rowspace)
typedef enum { GF_REDUCE_LIST(ENUM_MEMBER) } gf_reduce;

typedef struct {
	const gf_data *g;
	gf_reduce mode;
	size_t rows, w, m, dim; /* A is rows x w, B is w x m */
	gsl_matrix *P;          /* rows x m: A B */
	gsl_matrix *R;          /* full: n x m residual;  reduced: r x m, S E */
	gsl_matrix *XR;         /* full: d x m, X^T R */
	unsigned long evals;    /* vector-field evaluations so far */
} gf_flow;

int gf_flow_init(gf_flow *f, const gf_data *g, gf_reduce mode, size_t w);
void gf_flow_free(gf_flow *f);

/* gsl_odeiv2_system.function; params is the gf_flow.  Counts evaluations. */
int gf_flow_rhs(double t, const double y[], double dydt[], void *params);

/* L - L* at y, without counting an evaluation.  Full mode: 1/2||R||^2 - L*;
 * reduced: 1/2 ||E||^2 (exact, no cancellation). */
double gf_flow_excess(gf_flow *f, const double *y);

#endif
