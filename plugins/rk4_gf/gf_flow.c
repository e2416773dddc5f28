/* gf_flow.c -- the gradient-flow vector field (see gf_flow.h). */
#include "gf_flow.h"

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>

#include "../common/linalg.h"

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

/* C = alpha op(A) op(B) + beta C.  With a single right-hand column (m = 1:
 * the papers' E1 and E2) this is a matrix-vector product, or an outer
 * product when the inner dimension is 1: OpenBLAS 0.3.21's dgemm packs its
 * operands even then, which made the products most of an evaluation (perf,
 * E1 at k = 101). */
static void mm(CBLAS_TRANSPOSE_t ta, CBLAS_TRANSPOSE_t tb, double alpha, const gsl_matrix *A,
               const gsl_matrix *B, double beta, gsl_matrix *C)
{
	size_t inner = ta == CblasNoTrans ? A->size2 : A->size1;
	if (C->size2 == 1 && tb == CblasNoTrans) {
		gsl_vector_const_view b = gsl_matrix_const_column(B, 0);
		gsl_vector_view c = gsl_matrix_column(C, 0);
		gsl_blas_dgemv(ta, alpha, A, &b.vector, beta, &c.vector);
	} else if (inner == 1 && ta == CblasNoTrans && tb == CblasTrans) {
		for (size_t i = 0; i < C->size1; i++) {
			double a = alpha * A->data[i * A->tda], *c = C->data + i * C->tda;
			if (beta == 0.0) /* C may be uninitialized (an integrator's buffer) */
				for (size_t j = 0; j < C->size2; j++)
					c[j] = a * B->data[j * B->tda];
			else
				for (size_t j = 0; j < C->size2; j++)
					c[j] = beta * c[j] + a * B->data[j * B->tda];
		}
	} else {
		gsl_blas_dgemm(ta, tb, alpha, A, B, beta, C);
	}
}

/* Full: R = Y - X A B.  Reduced: R = S E = S (Ytil - S A B). */
static void residual(gf_flow *f, const gsl_matrix *A, const gsl_matrix *B)
{
	const gf_data *g = f->g;
	mm(CblasNoTrans, CblasNoTrans, 1.0, A, B, 0.0, f->P);
	if (f->mode == GF_FULL) {
		gsl_matrix_memcpy(f->R, g->Y);
		mm(CblasNoTrans, CblasNoTrans, -1.0, g->X, f->P, 1.0, f->R);
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
		mm(CblasTrans, CblasNoTrans, 1.0, f->g->X, f->R, 0.0, f->XR);
		G = f->XR;
	}
	mm(CblasNoTrans, CblasTrans, 1.0, G, &B.matrix, 0.0, &dA.matrix);
	mm(CblasTrans, CblasNoTrans, 1.0, &A.matrix, G, 0.0, &dB.matrix);
	f->evals++;
	return GSL_SUCCESS;
}

double gf_flow_excess(gf_flow *f, const double *y)
{
	gsl_matrix_const_view A = gsl_matrix_const_view_array(y, f->rows, f->w);
	gsl_matrix_const_view B = gsl_matrix_const_view_array(y + f->rows * f->w, f->w, f->m);
	residual(f, &A.matrix, &B.matrix);
	if (f->mode == GF_FULL)
		return 0.5 * linalg_frob2(f->R) - f->g->loss_star;
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
