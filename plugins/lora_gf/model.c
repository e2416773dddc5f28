/* model.c -- the pre-trained factorization, the fine-tuning target and the
 * LoRA initializations of S5.1 / App. H.1 / App. G, in working coordinates. */
#include "lora.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_randist.h>

const char *lora_config_check(const lora_config *cfg)
{
	size_t k = cfg->m < cfg->n ? cfg->m : cfg->n;
	if (cfg->r > k)
		return "r must be at most min(m,n)";
	if (cfg->h < k)
		return "h must be at least min(m,n) so that Ypre = W2 W1 holds exactly";
	if (cfg->appg && (cfg->m != 2 || cfg->n != 2))
		return "pretrained=appg is the 2 x 2 model of App. G: it needs m=2 n=2";
	return NULL;
}

static void fill_gauss(gsl_rng *rng, double std, gsl_matrix *A)
{
	for (size_t i = 0; i < A->size1; i++)
		for (size_t j = 0; j < A->size2; j++)
			gsl_matrix_set(A, i, j, std * gsl_ran_gaussian_ziggurat(rng, 1.0));
}

/* Ypre = U diag(s) V^T with U m x k, V n x k, s non-increasing. */
static int thin_svd(const gsl_matrix *Y, gsl_matrix *U, gsl_vector *s, gsl_matrix *V)
{
	size_t m = Y->size1, n = Y->size2, k = s->size;
	int tall = m >= n;
	gsl_matrix *A = gsl_matrix_alloc(tall ? m : n, k);  /* the tall orientation */
	gsl_matrix *R = gsl_matrix_alloc(k, k);
	gsl_vector *work = gsl_vector_alloc(k);
	int status = GSL_ENOMEM;
	if (A && R && work) {
		if (tall)
			gsl_matrix_memcpy(A, Y);
		else
			gsl_matrix_transpose_memcpy(A, Y);
		status = gsl_linalg_SV_decomp(A, R, s, work);
		if (!status) {
			gsl_matrix_memcpy(tall ? U : V, A);
			gsl_matrix_memcpy(tall ? V : U, R);
		}
	}
	gsl_matrix_free(A);
	gsl_matrix_free(R);
	gsl_vector_free(work);
	return status;
}

/* Q (h x q) := the first q columns of the orthogonal factor of the QR
 * decomposition of M (h x q, overwritten); with sign_fix the column j is
 * multiplied by sign(R_jj), which makes Q Haar-distributed for Gaussian M. */
static int qr_columns(gsl_matrix *M, gsl_matrix *Q, int sign_fix)
{
	size_t h = M->size1, q = M->size2;
	gsl_vector *tau = gsl_vector_alloc(q), *e = gsl_vector_alloc(h);
	int status = GSL_ENOMEM;
	if (tau && e) {
		status = gsl_linalg_QR_decomp(M, tau);
		for (size_t j = 0; j < q && !status; j++) {
			gsl_vector_set_basis(e, j);
			status = gsl_linalg_QR_Qvec(M, tau, e);
			if (sign_fix && gsl_matrix_get(M, j, j) < 0)
				gsl_vector_scale(e, -1.0);
			gsl_matrix_set_col(Q, j, e);
		}
	}
	gsl_vector_free(tau);
	gsl_vector_free(e);
	return status;
}

/* The directions a structured init occupies: pi[j] indexes Ypre's spectrum. */
static void structured_directions(const lora_config *cfg, size_t k, size_t pair, size_t *pi)
{
	size_t r = cfg->r;
	switch (cfg->init) {
	case LORA_INIT_SPECTRAL: /* the dY pair first, then the others in order (S4) */
		pi[0] = pair;
		for (size_t j = 1, i = 0; j < r; i++)
			if (i != pair)
				pi[j++] = i;
		break;
	case LORA_INIT_MILORA:
		for (size_t j = 0; j < r; j++)
			pi[j] = k - r + j;
		break;
	default: /* pissa */
		for (size_t j = 0; j < r; j++)
			pi[j] = j;
	}
}

/* Full-coordinate intermediates of lora_problem_new, freed before it returns. */
typedef struct {
	gsl_matrix *Ypre, *U, *V, *Gk, *W2, *W1, *A1, *A2, *M, *H, *Gr;
	gsl_vector *s;
	size_t *pi;
} scratch;

static void scratch_free(scratch *w)
{
	gsl_matrix *ms[] = { w->Ypre, w->U, w->V, w->Gk, w->W2, w->W1, w->A1, w->A2, w->M, w->H,
		             w->Gr };
	for (size_t i = 0; i < sizeof ms / sizeof *ms; i++)
		gsl_matrix_free(ms[i]);
	gsl_vector_free(w->s);
	free(w->pi);
}

void lora_problem_free(lora_problem *p)
{
	if (!p)
		return;
	gsl_matrix *ms[] = { p->W2, p->W1, p->dY, p->Ur, p->Gr, p->Vr };
	for (size_t i = 0; i < sizeof ms / sizeof *ms; i++)
		gsl_matrix_free(ms[i]);
	gsl_vector *vs[] = { p->gamma1, p->sw1, p->sw2, p->sdy };
	for (size_t i = 0; i < sizeof vs / sizeof *vs; i++)
		gsl_vector_free(vs[i]);
	free(p->y0);
	free(p);
}

/* The pre-trained model in full coordinates:
 * W2 = c U S^1/2 G_k^T, W1 = G_k S^1/2 V^T / c (S5.1; G_k = the first k
 * columns of a Haar-random orthogonal h x h matrix, i.e. the Q of a Gaussian
 * h x k). */
static int pretrained(const lora_config *cfg, gsl_rng *rng, scratch *w)
{
	size_t k = w->s->size;
	int status = GSL_SUCCESS;
	if (cfg->appg) {
		gsl_matrix_set_zero(w->Ypre);
		gsl_matrix_set(w->Ypre, 0, 0, 100.0);
		gsl_matrix_set(w->Ypre, 1, 1, 1.0);
	} else {
		fill_gauss(rng, 1.0, w->Ypre);
	}
	status = thin_svd(w->Ypre, w->U, w->s, w->V);
	if (status)
		return status;
	if (cfg->appg) {
		gsl_matrix_set_identity(w->Gk);
	} else {
		gsl_matrix_view gauss = gsl_matrix_submatrix(w->M, 0, 0, w->M->size1, k);
		fill_gauss(rng, 1.0, &gauss.matrix);
		status = qr_columns(&gauss.matrix, w->Gk, 1);
		if (status)
			return status;
	}
	for (size_t j = 0; j < k; j++) {
		double root = sqrt(gsl_vector_get(w->s, j));
		gsl_vector_view uj = gsl_matrix_column(w->U, j), gj = gsl_matrix_column(w->Gk, j),
		                vj = gsl_matrix_column(w->V, j);
		gsl_blas_dger(cfg->c * root, &uj.vector, &gj.vector, w->W2);
		gsl_blas_dger(root / cfg->c, &gj.vector, &vj.vector, w->W1);
	}
	return GSL_SUCCESS;
}

static void init_adapters(const lora_config *cfg, gsl_rng *rng, scratch *w, lora_problem *p)
{
	size_t r = cfg->r;
	if (!p->structured) {
		fill_gauss(rng, cfg->alpha, w->A1);
		fill_gauss(rng, cfg->alpha, w->A2);
		return;
	}
	/* A1 = diag(a1) Vr^T, A2 = diag(a2) Gr^T with a1, a2 iid N(0, alpha^2):
	 * the paper's G11 = G21 = I. */
	double *s = p->y0 + p->n_factors; /* sB1, sA1, sB2, sA2 */
	for (size_t j = 0; j < r; j++)
		s[r + j] = cfg->alpha * gsl_ran_gaussian_ziggurat(rng, 1.0);
	for (size_t j = 0; j < r; j++)
		s[3 * r + j] = cfg->alpha * gsl_ran_gaussian_ziggurat(rng, 1.0);
	for (size_t j = 0; j < r; j++) {
		size_t i = w->pi[j];
		double root = sqrt(gsl_vector_get(w->s, i));
		gsl_vector_view uj = gsl_matrix_column(w->U, i), gj = gsl_matrix_column(w->Gk, i),
		                vj = gsl_matrix_column(w->V, i);
		gsl_matrix_set_col(p->Ur, j, &uj.vector);
		gsl_matrix_set_col(w->Gr, j, &gj.vector);
		gsl_matrix_set_col(p->Vr, j, &vj.vector);
		gsl_vector_view a1 = gsl_matrix_row(w->A1, j), a2 = gsl_matrix_row(w->A2, j);
		gsl_blas_daxpy(s[r + j], &vj.vector, &a1.vector);
		gsl_blas_daxpy(s[3 * r + j], &gj.vector, &a2.vector);
		gsl_vector_set(p->sw2, j, cfg->c * root);
		gsl_vector_set(p->sw1, j, root / cfg->c);
		gsl_vector_set(p->sdy, j, i == p->pair ? cfg->sigma : 0.0);
	}
}

/* Orthonormal basis H (h x (k+r)) of span(G_k) + span(A2^T). */
static int working_basis(scratch *w)
{
	size_t k = w->Gk->size2, r = w->A2->size1;
	gsl_matrix_view left = gsl_matrix_submatrix(w->M, 0, 0, w->M->size1, k);
	gsl_matrix_view right = gsl_matrix_submatrix(w->M, 0, k, w->M->size1, r);
	gsl_matrix_memcpy(&left.matrix, w->Gk);
	gsl_matrix_transpose_memcpy(&right.matrix, w->A2);
	return qr_columns(w->M, w->H, 0);
}

static int alloc_problem(const lora_config *cfg, size_t k, size_t hw, lora_problem *p)
{
	size_t m = cfg->m, n = cfg->n, r = cfg->r;
	p->m = m, p->n = n, p->h = hw, p->r = r, p->h_full = cfg->h, p->k = k;
	p->structured = cfg->init != LORA_INIT_RANDOM;
	p->n_factors = r * (n + 2 * hw + m);
	p->dim = p->n_factors + (p->structured ? 4 * r : 0);
	p->W2 = gsl_matrix_calloc(m, hw);
	p->W1 = gsl_matrix_calloc(hw, n);
	p->dY = gsl_matrix_calloc(m, n);
	p->y0 = calloc(p->dim, sizeof *p->y0);
	p->gamma1 = gsl_vector_calloc(hw + n);
	if (!p->W2 || !p->W1 || !p->dY || !p->y0 || !p->gamma1)
		return GSL_ENOMEM;
	if (p->structured) {
		p->Ur = gsl_matrix_calloc(m, r);
		p->Gr = gsl_matrix_calloc(hw, r);
		p->Vr = gsl_matrix_calloc(n, r);
		p->sw1 = gsl_vector_calloc(r);
		p->sw2 = gsl_vector_calloc(r);
		p->sdy = gsl_vector_calloc(r);
		if (!p->Ur || !p->Gr || !p->Vr || !p->sw1 || !p->sw2 || !p->sdy)
			return GSL_ENOMEM;
	}
	return GSL_SUCCESS;
}

static int alloc_scratch(const lora_config *cfg, size_t k, int reduce, scratch *w)
{
	size_t m = cfg->m, n = cfg->n, h = cfg->h, r = cfg->r;
	w->Ypre = gsl_matrix_alloc(m, n);
	w->U = gsl_matrix_alloc(m, k);
	w->V = gsl_matrix_alloc(n, k);
	w->s = gsl_vector_alloc(k);
	w->Gk = gsl_matrix_alloc(h, k);
	w->W2 = gsl_matrix_calloc(m, h);
	w->W1 = gsl_matrix_calloc(h, n);
	w->A1 = gsl_matrix_calloc(r, n);
	w->A2 = gsl_matrix_calloc(r, h);
	w->M = gsl_matrix_alloc(h, k + r);
	w->H = reduce ? gsl_matrix_alloc(h, k + r) : NULL;
	w->Gr = cfg->init != LORA_INIT_RANDOM ? gsl_matrix_alloc(h, r) : NULL;
	w->pi = calloc(r, sizeof *w->pi);
	if (!w->Ypre || !w->U || !w->V || !w->s || !w->Gk || !w->W2 || !w->W1 || !w->A1 ||
	    !w->A2 || !w->M || !w->pi || (reduce && !w->H) ||
	    (cfg->init != LORA_INIT_RANDOM && !w->Gr))
		return GSL_ENOMEM;
	return GSL_SUCCESS;
}

/* dst := H^T src (H == NULL: copy) for the h-indexed side of a matrix. */
static void to_working_rows(const gsl_matrix *H, const gsl_matrix *src, gsl_matrix *dst)
{
	if (H)
		gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, H, src, 0.0, dst);
	else
		gsl_matrix_memcpy(dst, src);
}

static void to_working_cols(const gsl_matrix *H, const gsl_matrix *src, gsl_matrix *dst)
{
	if (H)
		gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, src, H, 0.0, dst);
	else
		gsl_matrix_memcpy(dst, src);
}

int lora_problem_new(const lora_config *cfg, gsl_rng *rng, lora_problem **out)
{
	size_t m = cfg->m, n = cfg->n, h = cfg->h, r = cfg->r;
	size_t k = m < n ? m : n;
	int reduce = cfg->reduce && k + r < h;
	size_t hw = reduce ? k + r : h;
	scratch w = { 0 };
	lora_problem *p = calloc(1, sizeof *p);
	*out = NULL;
	int status = p ? alloc_problem(cfg, k, hw, p) : GSL_ENOMEM;
	if (!status)
		status = alloc_scratch(cfg, k, reduce, &w);
	if (!status)
		status = pretrained(cfg, rng, &w);
	if (status)
		goto done;

	p->pair = cfg->bottom ? k - 1 : 0;
	double sp = gsl_vector_get(w.s, p->pair);
	p->s_pair = sp;
	p->sigma = cfg->sigma;
	p->sigma_w2 = cfg->c * sqrt(sp);
	p->sigma_w1 = sqrt(sp) / cfg->c;
	gsl_vector_view u = gsl_matrix_column(w.U, p->pair), v = gsl_matrix_column(w.V, p->pair),
	                g = gsl_matrix_column(w.Gk, p->pair);
	gsl_matrix_set_zero(p->dY);
	gsl_blas_dger(cfg->sigma, &u.vector, &v.vector, p->dY);

	if (p->structured)
		structured_directions(cfg, k, p->pair, w.pi);
	init_adapters(cfg, rng, &w, p);

	const gsl_matrix *H = NULL;
	if (reduce) {
		status = working_basis(&w);
		H = w.H;
	}
	if (!status) {
		to_working_cols(H, w.W2, p->W2);
		to_working_rows(H, w.W1, p->W1);
		if (p->structured)
			to_working_rows(H, w.Gr, p->Gr);
		/* y0: A1, B1 (= 0), A2 in working coordinates, B2 (= 0). */
		gsl_matrix_view A1 = gsl_matrix_view_array(p->y0, r, n);
		gsl_matrix_view A2 = gsl_matrix_view_array(p->y0 + r * n + hw * r, r, hw);
		gsl_matrix_memcpy(&A1.matrix, w.A1);
		to_working_cols(H, w.A2, &A2.matrix);
		/* gamma1 = (g; v)/sqrt 2, g in working coordinates. */
		gsl_vector_view top = gsl_vector_subvector(p->gamma1, 0, hw);
		gsl_vector_view bot = gsl_vector_subvector(p->gamma1, hw, n);
		if (H)
			gsl_blas_dgemv(CblasTrans, 1.0, H, &g.vector, 0.0, &top.vector);
		else
			gsl_vector_memcpy(&top.vector, &g.vector);
		gsl_vector_memcpy(&bot.vector, &v.vector);
		gsl_vector_scale(p->gamma1, M_SQRT1_2);
	}
done:
	scratch_free(&w);
	if (status)
		lora_problem_free(p);
	else
		*out = p;
	return status;
}
