/* head.c -- forward and backward passes of the LoRA head (see head.h). */
#include "head.h"

#include <math.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>

int lora_head_alloc(lora_head *m, size_t c, size_t d, size_t r, size_t rows)
{
	*m = (lora_head){ .c = c, .d = d, .r = r, .rows = rows };
	if (c > HEAD_MAX_CLASSES)
		return GSL_EINVAL;
	m->W0 = gsl_matrix_calloc(c, d);
	m->b0 = gsl_vector_calloc(c);
	m->A = gsl_matrix_calloc(r, d);
	m->B = gsl_matrix_calloc(c, r);
	m->gA = gsl_matrix_calloc(r, d);
	m->gB = gsl_matrix_calloc(c, r);
	m->gW = gsl_matrix_calloc(c, d);
	m->gb = gsl_vector_calloc(c);
	m->S = gsl_matrix_calloc(rows, c);
	m->XA = gsl_matrix_calloc(rows, r);
	m->SB = gsl_matrix_calloc(rows, r);
	if (!m->W0 || !m->b0 || !m->A || !m->B || !m->gA || !m->gB || !m->gW || !m->gb ||
	    !m->S || !m->XA || !m->SB) {
		lora_head_free(m);
		return GSL_ENOMEM;
	}
	return GSL_SUCCESS;
}

void lora_head_free(lora_head *m)
{
	gsl_matrix *mats[] = { m->W0, m->A, m->B, m->gA, m->gB, m->gW, m->S, m->XA, m->SB };
	for (size_t i = 0; i < sizeof mats / sizeof mats[0]; i++)
		if (mats[i])
			gsl_matrix_free(mats[i]);
	if (m->b0)
		gsl_vector_free(m->b0);
	if (m->gb)
		gsl_vector_free(m->gb);
	*m = (lora_head){ 0 };
}

void lora_head_score(const lora_head *m, const gsl_matrix *XA, const gsl_matrix *B,
                     gsl_matrix *S, const uint8_t *y, double scale, double *loss_sum,
                     size_t *correct)
{
	size_t n = S->size1, c = m->c;
	gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, XA, B, 1.0, S);
	const double *b0 = m->b0->data;
	size_t b0_stride = m->b0->stride;
	double e[HEAD_MAX_CLASSES];
	for (size_t i = 0; i < n; i++) {
		double *s = gsl_matrix_ptr(S, i, 0);
		size_t best = 0;
		for (size_t k = 0; k < c; k++) {
			s[k] += b0[k * b0_stride];
			if (s[k] > s[best])
				best = k;
		}
		/* log-sum-exp shifted by the largest logit */
		double top = s[best], z = 0.0;
		for (size_t k = 0; k < c; k++) {
			e[k] = exp(s[k] - top);
			z += e[k];
		}
		*loss_sum += top + log(z) - s[y[i]];
		*correct += best == y[i];
		if (scale != 0.0)
			for (size_t k = 0; k < c; k++)
				s[k] = scale * (e[k] / z - (k == y[i]));
	}
}

/* XA = X A^T, then lora_head_score with the head's own B. */
static void finish_forward(lora_head *m, const gsl_matrix *X, gsl_matrix *S, const uint8_t *y,
                           double scale, double *loss_sum, size_t *correct)
{
	gsl_matrix_view XA = gsl_matrix_submatrix(m->XA, 0, 0, X->size1, m->r);
	gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, X, m->A, 0.0, &XA.matrix);
	lora_head_score(m, &XA.matrix, m->B, S, y, scale, loss_sum, correct);
}

void lora_head_forward(lora_head *m, const gsl_matrix *X, const uint8_t *y, double scale,
                       double *loss_sum, size_t *correct)
{
	gsl_matrix_view S = gsl_matrix_submatrix(m->S, 0, 0, X->size1, m->c);
	gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, X, m->W0, 0.0, &S.matrix);
	finish_forward(m, X, &S.matrix, y, scale, loss_sum, correct);
}

void lora_head_forward_frozen(lora_head *m, const gsl_matrix *X, const gsl_matrix *S0,
                              const uint8_t *y, double scale, double *loss_sum, size_t *correct)
{
	gsl_matrix_view S = gsl_matrix_submatrix(m->S, 0, 0, X->size1, m->c);
	gsl_matrix_memcpy(&S.matrix, S0);
	finish_forward(m, X, &S.matrix, y, scale, loss_sum, correct);
}

void lora_head_frozen_logits(const lora_head *m, const gsl_matrix *X, gsl_matrix *S0)
{
	size_t n = X->size1;
	for (size_t i0 = 0; i0 < n; i0 += m->rows) {
		size_t k = n - i0 < m->rows ? n - i0 : m->rows;
		gsl_matrix_const_view chunk = gsl_matrix_const_submatrix(X, i0, 0, k, X->size2);
		gsl_matrix_view S = gsl_matrix_submatrix(S0, i0, 0, k, m->c);
		gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, &chunk.matrix, m->W0, 0.0, &S.matrix);
	}
}

void lora_head_grad_adapter(lora_head *m, const gsl_matrix *X)
{
	size_t n = X->size1;
	gsl_matrix_const_view S = gsl_matrix_const_submatrix(m->S, 0, 0, n, m->c);
	gsl_matrix_const_view XA = gsl_matrix_const_submatrix(m->XA, 0, 0, n, m->r);
	gsl_matrix_view SB = gsl_matrix_submatrix(m->SB, 0, 0, n, m->r);
	/* d logits = S; logits = ... + (X A^T) B^T, so dB = S^T (X A^T) and
	 * dA = B^T S^T X = (S B)^T X. */
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &S.matrix, &XA.matrix, 0.0, m->gB);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, &S.matrix, m->B, 0.0, &SB.matrix);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &SB.matrix, X, 0.0, m->gA);
}

void lora_head_grad_full(lora_head *m, const gsl_matrix *X, int accumulate)
{
	size_t n = X->size1;
	double keep = accumulate ? 1.0 : 0.0;
	gsl_matrix_const_view S = gsl_matrix_const_submatrix(m->S, 0, 0, n, m->c);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &S.matrix, X, keep, m->gW);
	if (!accumulate)
		gsl_vector_set_zero(m->gb);
	for (size_t i = 0; i < n; i++) {
		gsl_vector_const_view row = gsl_matrix_const_row(&S.matrix, i);
		gsl_vector_add(m->gb, &row.vector);
	}
}

void lora_head_evaluate(lora_head *m, const gsl_matrix *X, const uint8_t *y,
                        double *loss, double *accuracy)
{
	double sum = 0.0;
	size_t correct = 0, n = X->size1;
	/* scale 0: the loss only, S is left holding the logits */
	for (size_t i0 = 0; i0 < n; i0 += m->rows) {
		size_t k = n - i0 < m->rows ? n - i0 : m->rows;
		gsl_matrix_const_view chunk = gsl_matrix_const_submatrix(X, i0, 0, k, X->size2);
		lora_head_forward(m, &chunk.matrix, y + i0, 0.0, &sum, &correct);
	}
	*loss = sum / (double)n;
	*accuracy = (double)correct / (double)n;
}
