/* loss.h -- the loss l(W) of the end-to-end matrix W = W1 W2 (loss.c): kind,
 * constants and evaluation. */
#ifndef GD2_LOSS_H
#define GD2_LOSS_H

#include <gsl/gsl_matrix.h>

#include "../common/enumlist.h"

/* The values of parameter `loss`. */
#define GD2_LOSS_LIST(X) X(LOSS, SQUARED, squared) X(LOSS, LOGISTIC, logistic)
typedef enum { GD2_LOSS_LIST(ENUM_MEMBER) } gd2_loss_kind;

/* The loss l(W) on the end-to-end matrix W (loss.c). */
typedef struct {
	gd2_loss_kind kind;
	double lambda;  /* l2 weight of the logistic loss */
	double K, mu;   /* l is K-smooth and mu-strongly convex */
	double lstar;   /* min_W l(W): the theory is stated for l - l* */
} gd2_loss;

/* l(Z) - l* and R = dl/dZ for Z = X W (loss.c).  W is used by the
 * logistic loss's l2 term only. */
double gd2_loss_eval(const gd2_loss *loss, const gsl_matrix *Z, const gsl_matrix *Y,
                     const gsl_matrix *W, gsl_matrix *R);

#endif
