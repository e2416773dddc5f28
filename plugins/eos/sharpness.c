/* sharpness.c -- lambda_max(Hess f) by a dense eigensolver or by Lanczos. */
#include "sharpness.h"

#include <gsl/gsl_cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

eos_sharpness *eos_sharpness_new(size_t dim, int lanczos, size_t steps, const double *start)
{
	eos_sharpness *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->dim = dim;
	s->lanczos = lanczos;
	if (lanczos) {
		size_t k = s->steps = steps < dim ? steps : dim;
		s->alpha = malloc(k * sizeof *s->alpha);
		s->beta = malloc(k * sizeof *s->beta);
		s->Q = malloc(k * dim * sizeof *s->Q);
		s->w = malloc(dim * sizeof *s->w);
		s->start = malloc(dim * sizeof *s->start);
		if (!s->alpha || !s->beta || !s->Q || !s->w || !s->start) {
			eos_sharpness_free(s);
			return NULL;
		}
		memcpy(s->start, start, dim * sizeof *start);
		double norm = cblas_dnrm2((int)dim, s->start, 1);
		cblas_dscal((int)dim, 1.0 / norm, s->start, 1);
	} else {
		s->steps = dim;
		s->H = malloc(dim * dim * sizeof *s->H);
		s->eval = gsl_vector_alloc(dim);
		s->eig = gsl_eigen_symm_alloc(dim);
		if (!s->H || !s->eval || !s->eig) {
			eos_sharpness_free(s);
			return NULL;
		}
	}
	return s;
}

void eos_sharpness_free(eos_sharpness *s)
{
	if (!s)
		return;
	free(s->H);
	free(s->alpha);
	free(s->beta);
	free(s->Q);
	free(s->w);
	free(s->start);
	if (s->eval)
		gsl_vector_free(s->eval);
	if (s->eig)
		gsl_eigen_symm_free(s->eig);
	free(s);
}

static double dense_top(eos_sharpness *s, eos_model *m, const double *x)
{
	size_t D = s->dim;
	m->ops->hessian(m, x, s->H);
	gsl_matrix_view Hv = gsl_matrix_view_array(s->H, D, D);
	gsl_eigen_symm(&Hv.matrix, s->eval, s->eig);
	return gsl_vector_max(s->eval);
}

/* Number of eigenvalues of the tridiagonal (a, b) smaller than x (Sturm). */
static size_t sturm_count(const double *a, const double *b, size_t k, double x)
{
	size_t count = 0;
	double q = 1.0;
	for (size_t i = 0; i < k; i++) {
		double off = i > 0 ? b[i - 1] * b[i - 1] : 0.0;
		q = a[i] - x - (i > 0 ? off / q : 0.0);
		if (q == 0.0)
			q = -1e-300;
		if (q < 0.0)
			count++;
	}
	return count;
}

/* Largest eigenvalue of the k x k symmetric tridiagonal matrix with
 * diagonal a and off-diagonal b, by bisection inside its Gershgorin bound. */
static double tridiag_top(const double *a, const double *b, size_t k)
{
	double lo = INFINITY, hi = -INFINITY;
	for (size_t i = 0; i < k; i++) {
		double r = (i > 0 ? fabs(b[i - 1]) : 0.0) + (i + 1 < k ? fabs(b[i]) : 0.0);
		lo = fmin(lo, a[i] - r);
		hi = fmax(hi, a[i] + r);
	}
	for (int it = 0; it < 200 && hi - lo > 4e-16 * fmax(fabs(lo), fabs(hi)); it++) {
		double mid = 0.5 * (lo + hi);
		if (mid <= lo || mid >= hi)
			break;
		if (sturm_count(a, b, k, mid) == k)
			hi = mid;
		else
			lo = mid;
	}
	return 0.5 * (lo + hi);
}

/* Lanczos: q_{j+1} beta_j = H q_j - alpha_j q_j - beta_{j-1} q_{j-1}, with
 * the new vector orthogonalised twice against every earlier q (full
 * reorthogonalisation keeps the Ritz values free of ghost copies). */
static double lanczos_top(eos_sharpness *s, eos_model *m, const double *x)
{
	size_t D = s->dim, K = s->steps, k = 0;
	double *w = s->w, scale = 0.0;
	memcpy(s->Q, s->start, D * sizeof *s->Q);
	for (k = 0; k < K; k++) {
		double *q = s->Q + k * D;
		m->ops->hvp(m, x, q, w);
		s->alpha[k] = cblas_ddot((int)D, q, 1, w, 1);
		for (int pass = 0; pass < 2; pass++)
			for (size_t j = 0; j <= k; j++) {
				double *qj = s->Q + j * D;
				cblas_daxpy((int)D, -cblas_ddot((int)D, qj, 1, w, 1), qj, 1, w, 1);
			}
		double b = cblas_dnrm2((int)D, w, 1);
		scale = fmax(scale, fabs(s->alpha[k]) + b);
		s->beta[k] = b;
		if (k + 1 == K || b <= 1e-13 * scale)
			break;
		double *next = s->Q + (k + 1) * D;
		for (size_t i = 0; i < D; i++)
			next[i] = w[i] / b;
	}
	return tridiag_top(s->alpha, s->beta, k + 1);
}

double eos_sharpness_eval(eos_sharpness *s, eos_model *m, const double *x)
{
	return s->lanczos ? lanczos_top(s, m, x) : dense_top(s, m, x);
}
