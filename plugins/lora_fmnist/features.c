/* features.c -- random ReLU features (see features.h). */
#include "features.h"

#include <math.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>

void features_draw(gsl_rng *rng, gsl_matrix *Wf)
{
	double sd = 2.0 / sqrt((double)Wf->size2);
	for (size_t i = 0; i < Wf->size1; i++)
		for (size_t j = 0; j < Wf->size2; j++)
			gsl_matrix_set(Wf, i, j, gsl_ran_gaussian(rng, sd));
}

void features_embed(const gsl_matrix *Wf, const uint8_t *pixels, const size_t *pick,
                    gsl_matrix *chunk, gsl_matrix *phi)
{
	size_t n = phi->size1, p = Wf->size2;
	for (size_t i0 = 0; i0 < n; i0 += FEATURES_CHUNK) {
		size_t k = n - i0 < FEATURES_CHUNK ? n - i0 : FEATURES_CHUNK;
		for (size_t i = 0; i < k; i++) {
			size_t img = pick ? pick[i0 + i] : i0 + i;
			const uint8_t *x = pixels + img * p;
			double *row = gsl_matrix_ptr(chunk, i, 0);
			for (size_t j = 0; j < p; j++)
				row[j] = x[j] / 255.0 - 0.5;
		}
		gsl_matrix_const_view X = gsl_matrix_const_submatrix(chunk, 0, 0, k, p);
		gsl_matrix_view F = gsl_matrix_submatrix(phi, i0, 0, k, phi->size2);
		gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, &X.matrix, Wf, 0.0, &F.matrix);
		for (size_t i = 0; i < k; i++) {
			double *row = gsl_matrix_ptr(&F.matrix, i, 0);
			for (size_t j = 0; j < phi->size2; j++)
				row[j] = row[j] > 0.0 ? row[j] : 0.0;
		}
	}
}
