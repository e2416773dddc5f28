/* probe.c -- what is logged at a point: loss, the alignment of Z1 = [B1; A1^T]
 * with gamma1 (S3, Fig. 1 middle panel), the norms of Z1 and Z2, the drift of
 * the conserved imbalances, and for a structured init the distance of the
 * factors from the decoupled scalar system. */
#include "lora.h"

#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "../common/linalg.h"

lora_probe *lora_probe_new(const lora_problem *p)
{
	size_t r = p->r;
	lora_probe *pr = calloc(1, sizeof *pr);
	if (!pr)
		return NULL;
	pr->p = p;
	pr->Z = gsl_matrix_alloc(p->h + p->n, r);
	pr->V = gsl_matrix_alloc(r, r);
	pr->S = gsl_vector_alloc(r);
	pr->D10 = gsl_matrix_alloc(r, r);
	pr->D20 = gsl_matrix_alloc(r, r);
	pr->D = gsl_matrix_alloc(r, r);
	if (!pr->Z || !pr->V || !pr->S || !pr->D10 || !pr->D20 || !pr->D) {
		lora_probe_free(pr);
		return NULL;
	}
	lora_views v = lora_views_of(p, p->y0);
	/* D = B^T B - A A^T per adapter pair: conserved by the flow (App. A) */
	linalg_imbalance(&v.B1.matrix, &v.A1.matrix, pr->D10);
	linalg_imbalance(&v.B2.matrix, &v.A2.matrix, pr->D20);
	return pr;
}

void lora_probe_free(lora_probe *pr)
{
	if (!pr)
		return;
	gsl_matrix *ms[] = { pr->Z, pr->V, pr->D10, pr->D20, pr->D };
	for (size_t i = 0; i < sizeof ms / sizeof *ms; i++)
		gsl_matrix_free(ms[i]);
	gsl_vector_free(pr->S);
	free(pr);
}

/* 1 - |cos(gamma1, u)| for the top left singular vector u of Z1, computed as
 * |u_perp|^2 / (1 + |cos|) so that it keeps its digits near 0. */
static int misalignment(lora_probe *pr, const lora_views *v, double *out)
{
	const lora_problem *p = pr->p;
	size_t h = p->h, n = p->n;
	gsl_matrix_view top = gsl_matrix_submatrix(pr->Z, 0, 0, h, p->r);
	gsl_matrix_view bot = gsl_matrix_submatrix(pr->Z, h, 0, n, p->r);
	gsl_matrix_memcpy(&top.matrix, &v->B1.matrix);
	gsl_matrix_transpose_memcpy(&bot.matrix, &v->A1.matrix);
	/* Singular vectors do not depend on scale; unit scale keeps the Jacobi
	 * sweeps clear of overflow when GD blows up. */
	double lo, hi;
	gsl_matrix_minmax(pr->Z, &lo, &hi);
	double big = fmax(fabs(lo), fabs(hi));
	if (big > 0 && isfinite(big))
		gsl_matrix_scale(pr->Z, 1.0 / big);
	int status = gsl_linalg_SV_decomp_jacobi(pr->Z, pr->V, pr->S); /* Z := U */
	if (status)
		return status;
	gsl_vector_view u = gsl_matrix_column(pr->Z, gsl_vector_max_index(pr->S));
	double c;
	gsl_blas_ddot(p->gamma1, &u.vector, &c);
	double perp2 = 0;
	for (size_t i = 0; i < h + n; i++) {
		double d = gsl_vector_get(&u.vector, i) - c * gsl_vector_get(p->gamma1, i);
		perp2 += d * d;
	}
	*out = perp2 / (1.0 + fabs(c));
	return GSL_SUCCESS;
}

/* || factors - their reconstruction from the scalar system ||_F. */
static double scalar_deviation(const lora_problem *p, const lora_views *v, const double *s)
{
	size_t m = p->m, n = p->n, h = p->h, r = p->r;
	double ss = 0, d;
	for (size_t j = 0; j < r; j++) {
		for (size_t c = 0; c < n; c++) {
			d = gsl_matrix_get(&v->A1.matrix, j, c) - s[r + j] * gsl_matrix_get(p->Vr, c, j);
			ss += d * d;
		}
		for (size_t i = 0; i < h; i++) {
			double g = gsl_matrix_get(p->Gr, i, j);
			d = gsl_matrix_get(&v->B1.matrix, i, j) - g * s[j];
			ss += d * d;
			d = gsl_matrix_get(&v->A2.matrix, j, i) - s[3 * r + j] * g;
			ss += d * d;
		}
		for (size_t i = 0; i < m; i++) {
			d = gsl_matrix_get(&v->B2.matrix, i, j) - gsl_matrix_get(p->Ur, i, j) * s[2 * r + j];
			ss += d * d;
		}
	}
	return sqrt(ss);
}

int lora_probe_eval(lora_probe *pr, lora_flow *f, const double *y, lora_metrics *out)
{
	const lora_problem *p = pr->p;
	lora_views v = lora_views_of(p, y);
	out->loss = lora_flow_eval(f, y, NULL);
	out->z1 = sqrt(linalg_frob2(&v.B1.matrix) + linalg_frob2(&v.A1.matrix));
	out->z2 = sqrt(linalg_frob2(&v.B2.matrix) + linalg_frob2(&v.A2.matrix));
	linalg_imbalance(&v.B1.matrix, &v.A1.matrix, pr->D);
	out->balance1 = linalg_frob_diff(pr->D, pr->D10);
	linalg_imbalance(&v.B2.matrix, &v.A2.matrix, pr->D);
	out->balance2 = linalg_frob_diff(pr->D, pr->D20);
	out->scalar_dev = out->scalar_loss = 0;
	if (p->structured) {
		out->scalar_dev = scalar_deviation(p, &v, y + p->n_factors);
		out->scalar_loss = lora_scalar_loss(p, y + p->n_factors);
	}
	return misalignment(pr, &v, &out->misalign);
}
