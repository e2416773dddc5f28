/* evalq.c -- several adapters evaluated in one pass (see evalq.h). */
#include "evalq.h"

#include <stdlib.h>

#include <gsl/gsl_blas.h>

int evalq_alloc(evalq *q, size_t c, size_t d, size_t r, size_t cap, size_t rows)
{
	*q = (evalq){ .c = c, .d = d, .r = r, .cap = cap };
	q->A = gsl_matrix_alloc(cap * r, d);
	q->B = gsl_matrix_alloc(cap * c, r);
	q->XA = gsl_matrix_alloc(rows, cap * r);
	q->sum = malloc(cap * sizeof *q->sum);
	q->correct = malloc(cap * sizeof *q->correct);
	if (!q->A || !q->B || !q->XA || !q->sum || !q->correct) {
		evalq_free(q);
		return -1;
	}
	return 0;
}

void evalq_free(evalq *q)
{
	gsl_matrix *mats[] = { q->A, q->B, q->XA };
	for (size_t i = 0; i < sizeof mats / sizeof mats[0]; i++)
		if (mats[i])
			gsl_matrix_free(mats[i]);
	free(q->sum);
	free(q->correct);
	*q = (evalq){ 0 };
}

void evalq_push(evalq *q, const gsl_matrix *A, const gsl_matrix *B)
{
	gsl_matrix_view As = gsl_matrix_submatrix(q->A, q->held * q->r, 0, q->r, q->d);
	gsl_matrix_view Bs = gsl_matrix_submatrix(q->B, q->held * q->c, 0, q->c, q->r);
	gsl_matrix_memcpy(&As.matrix, A);
	gsl_matrix_memcpy(&Bs.matrix, B);
	q->held++;
}

void evalq_evaluate(evalq *q, lora_head *m, const gsl_matrix *X, const gsl_matrix *S0,
                    const uint8_t *y, double *loss, double *accuracy)
{
	size_t n = X->size1, r = q->r, c = q->c, held = q->held;
	for (size_t i = 0; i < held; i++) {
		q->sum[i] = 0.0;
		q->correct[i] = 0;
	}
	gsl_matrix_const_view As = gsl_matrix_const_submatrix(q->A, 0, 0, held * r, q->d);
	for (size_t i0 = 0; i0 < n; i0 += m->rows) {
		size_t k = n - i0 < m->rows ? n - i0 : m->rows;
		gsl_matrix_const_view Xc = gsl_matrix_const_submatrix(X, i0, 0, k, X->size2);
		gsl_matrix_const_view S0c = gsl_matrix_const_submatrix(S0, i0, 0, k, c);
		gsl_matrix_view XA = gsl_matrix_submatrix(q->XA, 0, 0, k, held * r);
		gsl_matrix_view S = gsl_matrix_submatrix(m->S, 0, 0, k, c);
		gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, &Xc.matrix, &As.matrix, 0.0, &XA.matrix);
		for (size_t i = 0; i < held; i++) {
			gsl_matrix_const_view XAi = gsl_matrix_const_submatrix(q->XA, 0, i * r, k, r);
			gsl_matrix_const_view Bi = gsl_matrix_const_submatrix(q->B, i * c, 0, c, r);
			gsl_matrix_memcpy(&S.matrix, &S0c.matrix);
			lora_head_score(m, &XAi.matrix, &Bi.matrix, &S.matrix, y + i0, 0.0, &q->sum[i],
			                &q->correct[i]);
		}
	}
	for (size_t i = 0; i < held; i++) {
		loss[i] = q->sum[i] / (double)n;
		accuracy[i] = (double)q->correct[i] / (double)n;
	}
}

void evalq_clear(evalq *q)
{
	q->held = 0;
}
