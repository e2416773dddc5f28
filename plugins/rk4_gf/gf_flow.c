/* gf_flow.c -- the gradient-flow vector field (see gf_flow.h). */
#include "gf_flow.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>

int gf_flow_init(gf_flow *f, const gf_data *g, gf_reduce mode, size_t w)
{
	size_t rows = mode == GF_FULL ? g->d : g->r;
	*f = (gf_flow){.g = g, .mode = mode, .rows = rows, .w = w, .m = g->m,
	               .dim = rows * w + w * g->m};
	f->P = gsl_matrix_alloc(rows, g->m);
	f->R = gsl_matrix_alloc(mode == GF_FULL ? g->n : g->r, g->m);
	f->XR = mode == GF_FULL ? gsl_matrix_alloc(g->d, g->m) : NULL;
	if (!f->P || !f->R || (mode == GF_FULL && !f->XR)) {
		gf_flow_free(f);
		return GSL_ENOMEM;
	}
	return GSL_SUCCESS;
}

void gf_flow_free(gf_flow *f)
{
	gsl_matrix_free(f->P);
	gsl_matrix_free(f->R);
	gsl_matrix_free(f->XR);
	f->P = f->R = f->XR = NULL;
}

/* Full: R = Y - X A B.  Reduced: R = S E = S (Ytil - S A B). */
static void residual(gf_flow *f, const gsl_matrix *A, const gsl_matrix *B)
{
	const gf_data *g = f->g;
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, A, B, 0.0, f->P);
	if (f->mode == GF_FULL) {
		gsl_matrix_memcpy(f->R, g->Y);
		gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1.0, g->X, f->P, 1.0, f->R);
		return;
	}
	for (size_t i = 0; i < g->r; i++) {
		double s = gsl_vector_get(g->s, i);
		for (size_t j = 0; j < g->m; j++)
			gsl_matrix_set(f->R, i, j,
			               s * (gsl_matrix_get(g->Ytil, i, j) - s * gsl_matrix_get(f->P, i, j)));
	}
}

int gf_flow_rhs(double t, const double y[], double dydt[], void *params)
{
	(void)t;
	gf_flow *f = params;
	size_t na = f->rows * f->w;
	gsl_matrix_const_view A = gsl_matrix_const_view_array(y, f->rows, f->w);
	gsl_matrix_const_view B = gsl_matrix_const_view_array(y + na, f->w, f->m);
	gsl_matrix_view dA = gsl_matrix_view_array(dydt, f->rows, f->w);
	gsl_matrix_view dB = gsl_matrix_view_array(dydt + na, f->w, f->m);
	residual(f, &A.matrix, &B.matrix);
	const gsl_matrix *G = f->R; /* the factor the gradient is built from */
	if (f->mode == GF_FULL) {
		gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, f->g->X, f->R, 0.0, f->XR);
		G = f->XR;
	}
	gsl_blas_dgemm(CblasNoTrans, CblasTrans, 1.0, G, &B.matrix, 0.0, &dA.matrix);
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, &A.matrix, G, 0.0, &dB.matrix);
	f->evals++;
	return GSL_SUCCESS;
}

static double sumsq(const gsl_matrix *M)
{
	double s = 0.0;
	for (size_t i = 0; i < M->size1; i++)
		for (size_t j = 0; j < M->size2; j++)
			s += gsl_matrix_get(M, i, j) * gsl_matrix_get(M, i, j);
	return s;
}

double gf_flow_excess(gf_flow *f, const double *y)
{
	gsl_matrix_const_view A = gsl_matrix_const_view_array(y, f->rows, f->w);
	gsl_matrix_const_view B = gsl_matrix_const_view_array(y + f->rows * f->w, f->w, f->m);
	residual(f, &A.matrix, &B.matrix);
	if (f->mode == GF_FULL)
		return 0.5 * sumsq(f->R) - f->g->loss_star;
	double e2 = 0.0; /* R = S E: divide the scaling back out */
	for (size_t i = 0; i < f->g->r; i++) {
		double s = gsl_vector_get(f->g->s, i);
		for (size_t j = 0; j < f->m; j++) {
			double e = gsl_matrix_get(f->R, i, j) / s;
			e2 += e * e;
		}
	}
	return 0.5 * e2;
}
