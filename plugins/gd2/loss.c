/* loss.c -- the losses l(W) on the end-to-end matrix, as functions of
 * Z = X W:
 *   squared   l = 1/2 ||Z - Y||_F^2                       K = s_max(X)^2, mu = s_min(X)^2
 *   logistic  l = sum_ij log(1 + exp(-s_ij Z_ij)) + lambda/2 ||W||_F^2,
 *             s_ij = sign(Y_ij) (0 counts as +1)         K = s_max(X)^2/4 + lambda, mu = lambda
 * (the logistic curvature in Z is sigma(1 - sigma) <= 1/4; lambda is the
 * only curvature bounded away from 0).  Both are reported minus l*. */
#include "gd2.h"

#include <math.h>

static double label(double y)
{
	return y >= 0.0 ? 1.0 : -1.0;
}

/* log(1 + exp(u)) without overflow. */
static double softplus(double u)
{
	return u > 0.0 ? u + log1p(exp(-u)) : log1p(exp(u));
}

double gd2_loss_eval(const gd2_loss *loss, const gsl_matrix *Z, const gsl_matrix *Y,
                     const gsl_matrix *W, gsl_matrix *R)
{
	double l = 0.0;
	for (size_t i = 0; i < Z->size1; i++)
		for (size_t j = 0; j < Z->size2; j++) {
			double z = gsl_matrix_get(Z, i, j), y = gsl_matrix_get(Y, i, j);
			if (loss->kind == LOSS_SQUARED) {
				gsl_matrix_set(R, i, j, z - y);
				l += 0.5 * (z - y) * (z - y);
			} else {
				double s = label(y), u = -s * z;
				l += softplus(u);
				gsl_matrix_set(R, i, j, -s / (1.0 + exp(-u)));
			}
		}
	if (loss->kind == LOSS_LOGISTIC) {
		double w2 = 0.0;
		for (size_t i = 0; i < W->size1; i++)
			for (size_t j = 0; j < W->size2; j++)
				w2 += gsl_matrix_get(W, i, j) * gsl_matrix_get(W, i, j);
		l += 0.5 * loss->lambda * w2;
	}
	return l - loss->lstar;
}
