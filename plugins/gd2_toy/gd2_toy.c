/* gd2_toy.c -- the gd2_toy plugin: TMLR App. B's toy example, l(x) = (x - 1)^2 / 2
 * and L(x1, x2) = (x1 x2 - 1)^2 / 2 (gd2 with n = d = m = h = 1, X = Y = 1),
 * on a grid: L, mu_over = ||grad L||^2 / (2L) = x1^2 + x2^2 (Lemma A.2 with
 * scalar factors), K_over = lambda_max of the Hessian from an eigen-solver,
 * and the paper's printed K_over formula (eq. 59, which lacks a factor 4). */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_matrix.h>

#include "lindyn/plugin.h"

static const lindyn_param toy_params[] = {
	{ "grid", LINDYN_P_INT, "41", 3, 2001, NULL, "grid points per axis (odd: includes 0)" },
	{ "range", LINDYN_P_REAL, "2", 1e-6, LINDYN_UNBOUNDED, NULL, "the grid covers [-range, range]^2" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

static const lindyn_column ell_columns[] = {
	{ "x", "the scalar weight x (grid point)" },
	{ "ell", "l(x) = (x - 1)^2 / 2" },
	{ NULL, NULL }
};

static const lindyn_column surface_columns[] = {
	{ "x1", "first factor x1 (grid point)" },
	{ "x2", "second factor x2 (grid point)" },
	{ "L", "L(x1, x2) = (x1 x2 - 1)^2 / 2" },
	{ "mu_over", "||grad L||^2 / (2 L) = x1^2 + x2^2 (Lemma A.2)" },
	{ "K_over", "largest eigenvalue of the Hessian of L (eigen-solver)" },
	{ "K_over_printed", "the paper's printed K_over formula (eq. 59, lacks a factor 4)" },
	{ NULL, NULL }
};

static const lindyn_table_def toy_tables[] = {
	{ "ell", "the one-factor loss l on the grid of one axis", ell_columns },
	{ "surface", "the two-factor loss L and its PL/smoothness constants on the grid", surface_columns },
	{ NULL, NULL, NULL }
};

typedef struct {
	long grid;
	double range;
	gsl_matrix *H;
	gsl_vector *e;
	gsl_eigen_symm_workspace *ws;
} toy_state;

static void toy_free(void *state)
{
	toy_state *s = state;
	if (!s)
		return;
	gsl_matrix_free(s->H);
	gsl_vector_free(s->e);
	gsl_eigen_symm_free(s->ws);
	free(s);
}

static void *toy_alloc(lindyn_host *h)
{
	toy_state *s = calloc(1, sizeof *s);
	if (s) {
		s->grid = h->get_int(h, "grid");
		s->range = h->get_real(h, "range");
		s->H = gsl_matrix_alloc(2, 2);
		s->e = gsl_vector_alloc(2);
		s->ws = gsl_eigen_symm_alloc(2);
	}
	if (!s || !s->H || !s->e || !s->ws) {
		toy_free(s);
		LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory");
		return NULL;
	}
	return s;
}

static int toy_run(void *state, lindyn_host *h)
{
	toy_state *s = state;
	lindyn_table *te = h->table(h, "ell", NULL);
	lindyn_table *ts = h->table(h, "surface", NULL);
	if (!te || !ts)
		return LINDYN_EINVAL;
	double step = 2 * s->range / (double)(s->grid - 1);
	int st = LINDYN_OK;
	for (long i = 0; i < s->grid && !st; i++) {
		double x = -s->range + step * (double)i;
		double row[] = { x, 0.5 * (x - 1) * (x - 1) };
		st = h->rowv(te, sizeof row / sizeof *row, row);
	}
	for (long i = 0; i < s->grid && !st; i++)
		for (long j = 0; j < s->grid && !st; j++) {
			double x1 = -s->range + step * (double)i, x2 = -s->range + step * (double)j;
			double off = 2 * x1 * x2 - 1;
			/* Hessian of (x1 x2 - 1)^2 / 2 */
			gsl_matrix_set(s->H, 0, 0, x2 * x2);
			gsl_matrix_set(s->H, 1, 1, x1 * x1);
			gsl_matrix_set(s->H, 0, 1, off);
			gsl_matrix_set(s->H, 1, 0, off);
			if (gsl_eigen_symm(s->H, s->e, s->ws))
				return LINDYN_ERROR(h, LINDYN_ENUMERIC, "2 x 2 eigenvalues failed");
			double a = x1 * x1 + x2 * x2;
			double printed = 0.5 * (a + sqrt(a * a - 4 * x1 * x1 * x2 * x2 + off * off));
			double row[] = { x1, x2, 0.5 * (x1 * x2 - 1) * (x1 * x2 - 1), a,
			                 gsl_vector_max(s->e), printed };
			st = h->rowv(ts, sizeof row / sizeof *row, row);
		}
	return st;
}

static const lindyn_plugin gd2_toy_plugin = {
	LINDYN_PLUGIN_HEADER,
	.name = "gd2_toy",
	.version = "1.0.0",
	.summary = "TMLR App. B toy example: L(x1,x2) = (x1 x2 - 1)^2/2, mu_over and K_over on a grid",
	.params = toy_params,
	.alloc = toy_alloc,
	.run = toy_run,
	.free = toy_free,
	.smoke_args = "grid=5",
	.tables = toy_tables,
};

LINDYN_EXPORT const lindyn_plugin *lindyn_plugin_descriptor(uint32_t index)
{
	return index == 0 ? &gd2_toy_plugin : NULL;
}
