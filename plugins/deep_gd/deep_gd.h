/* deep_gd.h -- gradient descent and heavy-ball momentum on a deep linear
 * network Y ~ X W_1 W_2 ... W_L (the worked example of README's "Writing a
 * solver plugin": it uses only the public header lindyn/plugin.h). */
#ifndef DEEP_GD_H
#define DEEP_GD_H

#include <stddef.h>

#include <gsl/gsl_matrix.h>

#define DEEP_GD_MAX_DEPTH 16

/* Every matrix of a run, allocated once.  W[0] is d x h, W[1..L-2] are
 * h x h, W[L-1] is h x m (for L = 1 there would be no hidden layer; L >= 2). */
typedef struct {
	size_t n, d, m, h, L;
	gsl_matrix *X, *Y;
	gsl_matrix *W[DEEP_GD_MAX_DEPTH], *V[DEEP_GD_MAX_DEPTH]; /* weights, velocities */
	gsl_matrix *grad[DEEP_GD_MAX_DEPTH];
	gsl_matrix *A[DEEP_GD_MAX_DEPTH]; /* A[i] = X W_0 ... W_i (n x cols of W_i) */
	gsl_matrix *B[2];                 /* n x h back-propagated residual, ping-pong */
	gsl_matrix *R;                    /* n x m residual X W_0...W_{L-1} - Y */
	gsl_matrix *D0[DEEP_GD_MAX_DEPTH]; /* initial layer imbalances, h x h */
	gsl_matrix *Dt;                   /* h x h scratch */
} deep_net;

int deep_net_alloc(deep_net *net, size_t n, size_t d, size_t m, size_t h, size_t L);
void deep_net_free(deep_net *net);

/* Forward and backward pass: fills R and grad[], returns the loss
 * 1/2 ||X W_0...W_{L-1} - Y||_F^2 and sets *gnorm to the gradient's norm. */
double deep_net_gradient(deep_net *net, double *gnorm);

/* Heavy ball: V <- beta V - eta grad, W <- W + V (beta = 0: plain GD). */
void deep_net_step(deep_net *net, double eta, double beta);

/* D_i = W_i^T W_i - W_{i+1} W_{i+1}^T for i = 0..L-2, each h x h: conserved
 * by gradient flow.  deep_net_record_imbalance stores the initial ones;
 * deep_net_imbalance_drift returns max_i ||D_i(t) - D_i(0)||_F. */
void deep_net_record_imbalance(deep_net *net);
double deep_net_imbalance_drift(deep_net *net);

#endif
