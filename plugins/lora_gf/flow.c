/* flow.c -- the loss and the right-hand side of the LoRA gradient flow
 * (eq. 3), with every product kept small: nothing larger than m x n or
 * h x r is formed, and the cost is O(r (m h + h n + m n)) per evaluation. */
#include "lora.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>

#include "../common/small_mm.h"

lora_views lora_views_of(const lora_problem *p, const double *y)
{
	size_t m = p->m, n = p->n, h = p->h, r = p->r;
	lora_views v = {
		.A1 = gsl_matrix_const_view_array(y, r, n),
		.B1 = gsl_matrix_const_view_array(y + r * n, h, r),
		.A2 = gsl_matrix_const_view_array(y + r * n + h * r, r, h),
		.B2 = gsl_matrix_const_view_array(y + r * n + 2 * h * r, m, r),
	};
	return v;
}

lora_flow *lora_flow_new(const lora_problem *p)
{
	size_t m = p->m, n = p->n, r = p->r;
	lora_flow *f = calloc(1, sizeof *f);
	if (!f)
		return NULL;
	f->p = p;
	f->S = gsl_matrix_alloc(r, r);
	f->P = gsl_matrix_alloc(m, r);
	f->Q = gsl_matrix_alloc(r, n);
	f->E = gsl_matrix_alloc(m, n);
	f->K1 = gsl_matrix_alloc(m, r);
	f->M1 = gsl_matrix_alloc(r, r);
	f->K2 = gsl_matrix_alloc(r, n);
	f->M2 = gsl_matrix_alloc(r, r);
	f->A1t = gsl_matrix_alloc(n, r);
	f->B1t = gsl_matrix_alloc(r, p->h);
	f->Qt = gsl_matrix_alloc(n, r);
	f->W1t = gsl_matrix_alloc(n, p->h);
	if (!f->S || !f->P || !f->Q || !f->E || !f->K1 || !f->M1 || !f->K2 || !f->M2 ||
	    !f->A1t || !f->B1t || !f->Qt || !f->W1t) {
		lora_flow_free(f);
		return NULL;
	}
	gsl_matrix_transpose_memcpy(f->W1t, p->W1);
	return f;
}

void lora_flow_free(lora_flow *f)
{
	if (!f)
		return;
	gsl_matrix *ms[] = { f->S, f->P, f->Q, f->E, f->K1, f->M1, f->K2, f->M2,
		             f->A1t, f->B1t, f->Qt, f->W1t };
	for (size_t i = 0; i < sizeof ms / sizeof *ms; i++)
		gsl_matrix_free(ms[i]);
	free(f);
}

/* dst = src^T by a plain loop: GSL's transpose_memcpy copies row by row
 * through BLAS, which costs more than the copy at these sizes. */
static void transpose(const gsl_matrix *src, gsl_matrix *dst)
{
	for (size_t i = 0; i < src->size1; i++)
		for (size_t j = 0; j < src->size2; j++)
			dst->data[j * dst->tda + i] = src->data[i * src->tda + j];
}

/* Every product below is A B or A^T B on matrices of a few dozen entries,
 * done by small_mm (no BLAS call: see small_mm.h); the right factors of
 * A B^T are transposed first (A1t, B1t, Qt, and W1t once). */
#define N_ 0
#define T_ 1

/* E = dY - F with
 *   S = A2 B1,  P = W2 B1 + B2 S = (W2 + B2 A2) B1,  Q = A2 W1,
 *   F = P A1 + B2 Q;
 * afterwards Q += S A1, so that Q = A2 (W1 + B1 A1). */
static double residual(lora_flow *f, const lora_views *v)
{
	const lora_problem *p = f->p;
	const gsl_matrix *A1 = &v->A1.matrix, *B1 = &v->B1.matrix, *A2 = &v->A2.matrix,
	                 *B2 = &v->B2.matrix;
	small_mm(N_, 1.0, A2, B1, 0.0, f->S);
	small_mm(N_, 1.0, p->W2, B1, 0.0, f->P);
	small_mm(N_, 1.0, B2, f->S, 1.0, f->P);
	small_mm(N_, 1.0, A2, p->W1, 0.0, f->Q);
	memcpy(f->E->data, p->dY->data, f->E->size1 * f->E->size2 * sizeof *f->E->data);
	small_mm(N_, -1.0, f->P, A1, 1.0, f->E);
	small_mm(N_, -1.0, B2, f->Q, 1.0, f->E);
	small_mm(N_, 1.0, f->S, A1, 1.0, f->Q);
	double ss = cblas_ddot((int)(f->E->size1 * f->E->size2), f->E->data, 1, f->E->data, 1);
	return 0.5 * ss; /* E is contiguous: allocated by lora_flow_new */
}

double lora_flow_eval(lora_flow *f, const double *y, double *dy)
{
	const lora_problem *p = f->p;
	size_t m = p->m, n = p->n, h = p->h, r = p->r;
	lora_views v = lora_views_of(p, y);
	double loss = residual(f, &v);
	if (!dy)
		return loss;
	f->evals++;
	const gsl_matrix *A1 = &v.A1.matrix, *B1 = &v.B1.matrix, *A2 = &v.A2.matrix,
	                 *B2 = &v.B2.matrix;
	gsl_matrix_view dA1 = gsl_matrix_view_array(dy, r, n);
	gsl_matrix_view dB1 = gsl_matrix_view_array(dy + r * n, h, r);
	gsl_matrix_view dA2 = gsl_matrix_view_array(dy + r * n + h * r, r, h);
	gsl_matrix_view dB2 = gsl_matrix_view_array(dy + r * n + 2 * h * r, m, r);
	/* -dL/dA1 = B1^T (W2 + B2 A2)^T E = P^T E */
	small_mm(T_, 1.0, f->P, f->E, 0.0, &dA1.matrix);
	transpose(f->Q, f->Qt);
	transpose(A1, f->A1t);
	transpose(B1, f->B1t);
	/* -dL/dB2 = E (W1 + B1 A1)^T A2^T = E Q^T */
	small_mm(N_, 1.0, f->E, f->Qt, 0.0, &dB2.matrix);
	/* -dL/dB1 = (W2 + B2 A2)^T E A1^T = W2^T K1 + A2^T (B2^T K1), K1 = E A1^T */
	small_mm(N_, 1.0, f->E, f->A1t, 0.0, f->K1);
	small_mm(T_, 1.0, B2, f->K1, 0.0, f->M1);
	small_mm(T_, 1.0, p->W2, f->K1, 0.0, &dB1.matrix);
	small_mm(T_, 1.0, A2, f->M1, 1.0, &dB1.matrix);
	/* -dL/dA2 = B2^T E (W1 + B1 A1)^T = K2 W1^T + (K2 A1^T) B1^T, K2 = B2^T E */
	small_mm(T_, 1.0, B2, f->E, 0.0, f->K2);
	small_mm(N_, 1.0, f->K2, f->A1t, 0.0, f->M2);
	small_mm(N_, 1.0, f->K2, f->W1t, 0.0, &dA2.matrix);
	small_mm(N_, 1.0, f->M2, f->B1t, 1.0, &dA2.matrix);
	if (p->structured)
		lora_scalar_rhs(p, y + p->n_factors, dy + p->n_factors);
	return loss;
}

/* Per direction j, with e = sdy - (sw2 sB1 sA1 + sB2 sA2 sw1 + sB2 sA2 sB1 sA1)
 * (eq. 17, App. F eqs. 176-177):
 *   sB1' = (sw2 + sB2 sA2) e sA1,   sA1' = (sw2 + sB2 sA2) e sB1,
 *   sB2' = (sw1 + sB1 sA1) e sA2,   sA2' = (sw1 + sB1 sA1) e sB2. */
static double scalar_error(const lora_problem *p, const double *s, size_t j)
{
	size_t r = p->r;
	double b1a1 = s[j] * s[r + j], b2a2 = s[2 * r + j] * s[3 * r + j];
	return gsl_vector_get(p->sdy, j) - (gsl_vector_get(p->sw2, j) * b1a1 +
	                                    b2a2 * gsl_vector_get(p->sw1, j) + b2a2 * b1a1);
}

void lora_scalar_rhs(const lora_problem *p, const double *s, double *ds)
{
	size_t r = p->r;
	for (size_t j = 0; j < r; j++) {
		double e = scalar_error(p, s, j);
		double g1 = (gsl_vector_get(p->sw2, j) + s[2 * r + j] * s[3 * r + j]) * e;
		double g2 = (gsl_vector_get(p->sw1, j) + s[j] * s[r + j]) * e;
		ds[j] = g1 * s[r + j];
		ds[r + j] = g1 * s[j];
		ds[2 * r + j] = g2 * s[3 * r + j];
		ds[3 * r + j] = g2 * s[2 * r + j];
	}
}

/* 1/2 sum_j e_j^2, plus 1/2 sigma^2 when no direction carries dY. */
double lora_scalar_loss(const lora_problem *p, const double *s)
{
	double loss = 0, carried = 0;
	for (size_t j = 0; j < p->r; j++) {
		double e = scalar_error(p, s, j);
		loss += 0.5 * e * e;
		carried += gsl_vector_get(p->sdy, j);
	}
	if (carried == 0)
		loss += 0.5 * p->sigma * p->sigma;
	return loss;
}
