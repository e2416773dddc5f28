/* net.c -- the deep linear network: forward/backward pass, update, and the
 * conserved layer imbalances. */
#include "deep_gd.h"
#include "../common/linalg.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_blas.h>

static size_t rows_of(const deep_net *net, size_t i) { return i == 0 ? net->d : net->h; }
static size_t cols_of(const deep_net *net, size_t i)
{
	return i + 1 == net->L ? net->m : net->h;
}

int deep_net_alloc(deep_net *net, size_t n, size_t d, size_t m, size_t h, size_t L)
{
	memset(net, 0, sizeof *net);
	*net = (deep_net){ .n = n, .d = d, .m = m, .h = h, .L = L };
	int ok = (net->X = gsl_matrix_alloc(n, d)) && (net->Y = gsl_matrix_alloc(n, m)) &&
	         (net->R = gsl_matrix_alloc(n, m)) && (net->B[0] = gsl_matrix_alloc(n, h)) &&
	         (net->B[1] = gsl_matrix_alloc(n, h)) && (net->Dt = gsl_matrix_alloc(h, h));
	for (size_t i = 0; ok && i < L; i++) {
		size_t r = rows_of(net, i), c = cols_of(net, i);
		ok = (net->W[i] = gsl_matrix_alloc(r, c)) && (net->V[i] = gsl_matrix_calloc(r, c)) &&
		     (net->grad[i] = gsl_matrix_alloc(r, c)) && (net->A[i] = gsl_matrix_alloc(n, c)) &&
		     (i + 1 == L || (net->D0[i] = gsl_matrix_alloc(h, h)));
	}
	if (!ok)
		deep_net_free(net);
	return ok ? 0 : -1;
}

void deep_net_free(deep_net *net)
{
	gsl_matrix_free(net->X);
	gsl_matrix_free(net->Y);
	gsl_matrix_free(net->R);
	gsl_matrix_free(net->B[0]);
	gsl_matrix_free(net->B[1]);
	gsl_matrix_free(net->Dt);
	for (size_t i = 0; i < DEEP_GD_MAX_DEPTH; i++) {
		gsl_matrix_free(net->W[i]);
		gsl_matrix_free(net->V[i]);
		gsl_matrix_free(net->grad[i]);
		gsl_matrix_free(net->A[i]);
		gsl_matrix_free(net->D0[i]);
	}
	memset(net, 0, sizeof *net);
}

double deep_net_gradient(deep_net *net, double *gnorm)
{
	size_t L = net->L;
	/* Forward: A_i = X W_0 ... W_i, so every product is n x (h or m). */
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, net->X, net->W[0], 0.0, net->A[0]);
	for (size_t i = 1; i < L; i++)
		gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, net->A[i - 1], net->W[i], 0.0, net->A[i]);
	gsl_matrix_memcpy(net->R, net->A[L - 1]);
	gsl_matrix_sub(net->R, net->Y);
	double loss = 0.5 * linalg_frob2(net->R);

	/* Backward: with E_i = R (W_{i+1} ... W_{L-1})^T (n x cols of W_i),
	 * grad W_i = A_{i-1}^T E_i (A_{-1} = X) and E_{i-1} = E_i W_i^T. */
	const gsl_matrix *E = net->R;
	double g2 = 0;
	for (size_t i = L; i-- > 0;) {
		const gsl_matrix *in = i == 0 ? net->X : net->A[i - 1];
		gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, in, E, 0.0, net->grad[i]);
		g2 += linalg_frob2(net->grad[i]);
		if (i > 0) {
			gsl_matrix *next = net->B[i % 2];
			gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, E, net->W[i], 0.0, next);
			E = next;
		}
	}
	*gnorm = sqrt(g2);
	return loss;
}

void deep_net_step(deep_net *net, double eta, double beta)
{
	for (size_t i = 0; i < net->L; i++) {
		gsl_matrix_scale(net->V[i], beta);
		gsl_matrix_scale(net->grad[i], -eta);
		gsl_matrix_add(net->V[i], net->grad[i]);
		gsl_matrix_add(net->W[i], net->V[i]);
	}
}

void deep_net_record_imbalance(deep_net *net)
{
	for (size_t i = 0; i + 1 < net->L; i++)
		linalg_imbalance(net->W[i], net->W[i + 1], net->D0[i]); /* W_i^T W_i - W_{i+1} W_{i+1}^T */
}

double deep_net_imbalance_drift(deep_net *net)
{
	double worst = 0;
	for (size_t i = 0; i + 1 < net->L; i++) {
		linalg_imbalance(net->W[i], net->W[i + 1], net->Dt);
		worst = fmax(worst, linalg_frob_diff(net->Dt, net->D0[i]));
	}
	return worst;
}
