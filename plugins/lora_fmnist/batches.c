/* batches.c -- shuffled minibatches (see batches.h). */
#include "batches.h"

#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

int batch_alloc(batch_ws *b, size_t n_max, size_t rows, size_t d, size_t c)
{
	*b = (batch_ws){ .n_max = n_max };
	b->perm = malloc((n_max ? n_max : 1) * sizeof *b->perm);
	b->X = gsl_matrix_alloc(rows, d);
	b->y = malloc(rows);
	if (c)
		b->S0 = gsl_matrix_alloc(rows, c);
	if (!b->perm || !b->X || !b->y || (c && !b->S0)) {
		batch_free(b);
		return -1;
	}
	return 0;
}

void batch_free(batch_ws *b)
{
	free(b->perm);
	if (b->X)
		gsl_matrix_free(b->X);
	if (b->S0)
		gsl_matrix_free(b->S0);
	free(b->y);
	*b = (batch_ws){ 0 };
}

void batch_shuffle(batch_ws *b, gsl_rng *rng, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b->perm[i] = i;
	gsl_ran_shuffle(rng, b->perm, n, sizeof *b->perm);
}

gsl_matrix_view batch_gather(batch_ws *b, const gsl_matrix *X, const uint8_t *y,
                             size_t start, size_t k)
{
	for (size_t i = 0; i < k; i++) {
		size_t src = b->perm[start + i];
		memcpy(gsl_matrix_ptr(b->X, i, 0), gsl_matrix_const_ptr(X, src, 0),
		       X->size2 * sizeof(double));
		b->y[i] = y[src];
	}
	return gsl_matrix_submatrix(b->X, 0, 0, k, X->size2);
}

gsl_matrix_view batch_gather_logits(batch_ws *b, const gsl_matrix *S0, size_t start, size_t k)
{
	for (size_t i = 0; i < k; i++)
		memcpy(gsl_matrix_ptr(b->S0, i, 0), gsl_matrix_const_ptr(S0, b->perm[start + i], 0),
		       S0->size2 * sizeof(double));
	return gsl_matrix_submatrix(b->S0, 0, 0, k, S0->size2);
}
