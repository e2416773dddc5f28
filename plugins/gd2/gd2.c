/* gd2.c -- the gd2 plugin: parameters, setup and the iteration loop. */
#include "gd2.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "../common/twolayer.h"

/* X W1 is carried incrementally and recomputed every GD2_REFRESH steps. */
#define GD2_REFRESH 64

static const lindyn_param gd2_params[] = {
	{ "n", LINDYN_P_INT, "100", 1, 100000, NULL, "number of samples (rows of X and Y)" },
	{ "d", LINDYN_P_INT, "400", 1, 100000, NULL, "input dimension (columns of X, rows of W1)" },
	{ "m", LINDYN_P_INT, "1", 1, 10000, NULL, "output dimension (columns of Y and W2)" },
	{ "h", LINDYN_P_INT, "500", 1, 1000000, NULL, "hidden width (columns of W1, rows of W2)" },
	{ "data", LINDYN_P_ENUM, "orthonormal", 0, 0, TWOLAYER_DATA_KINDS,
	  "X: iid N(0,x_std^2), orthonormal rows (n <= d), or the identity (n == d)" },
	{ "x_std", LINDYN_P_REAL, "1", 0, 1e6, NULL, "std of the entries of X (data=gauss)" },
	{ "theta_std", LINDYN_P_REAL, "0.05", 0, 1e6, NULL, "std of the teacher Theta (Y = X Theta + noise)" },
	{ "noise", LINDYN_P_REAL, "0.01", 0, 1e6, NULL, "std of the label noise added to Y" },
	{ "init", LINDYN_P_ENUM, "gauss", 0, 0, "gauss|balanced|npy",
	  "W1 ~ N(0,sigma_u^2), W2 ~ N(0,sigma_v^2); balanced: same W1 W2 with zero imbalance; npy: files" },
	{ "sigma_u", LINDYN_P_REAL, "0.1", 0, 1e6, NULL, "std of the entries of W1 (init=gauss|balanced)" },
	{ "sigma_v", LINDYN_P_REAL, "0.1", 0, 1e6, NULL, "std of the entries of W2 (init=gauss|balanced)" },
	{ "w1_npy", LINDYN_P_STRING, "", 0, 0, NULL, "W1 (d x h, float64 .npy) for init=npy" },
	{ "w2_npy", LINDYN_P_STRING, "", 0, 0, NULL, "W2 (h x m, float64 .npy) for init=npy" },
	{ "loss_scale", LINDYN_P_ENUM, "mean", 0, 0, "sum|mean",
	  "sum: L = 1/2||Y - X W1 W2||^2; mean: (1/n)||.||^2, GD step = Euler on L with dt = 2 eta/n" },
	{ "eta", LINDYN_P_REAL, "5e-4", 0, 1e6, NULL, "step size (on the loss chosen by loss_scale)" },
	{ "steps", LINDYN_P_INT, "15000", 0, 1000000000, NULL, "number of GD steps" },
	{ "log_every", LINDYN_P_INT, "100", 1, 1000000000, NULL, "log every this many steps (and the last)" },
	{ "log_per_decade", LINDYN_P_INT, "0", 0, 1000, NULL,
	  "also log this many log-spaced steps per decade of the step counter (0: off)" },
	{ "stop_loss", LINDYN_P_REAL, "0", 0, 1e300, NULL, "stop once the loss falls below (0: never)" },
	{ "save_weights", LINDYN_P_BOOL, "false", 0, 0, NULL,
	  "write w1_init, w2_init, w1_final, w2_final .npy" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

typedef struct {
	gd2_model mo;
	gd2_loss loss;
	gd2_levels levels;
	double scale;      /* reported loss = scale * L */
	double eta_L;      /* the step on L */
	long steps, log_every, log_per_decade;
	double stop_loss;
	int save_weights;
} gd2_state;

static void gd2_free(void *state)
{
	gd2_state *s = state;
	if (!s)
		return;
	gd2_model_free(&s->mo);
	free(s);
}

/* Fills W1, W2 as the init parameter says; the rng has drawn the data. */
static int draw_init(lindyn_host *h, gd2_model *mo, gsl_rng *rng)
{
	const char *init = h->get_str(h, "init");
	if (strcmp(init, "npy") == 0) {
		const char *p1 = h->get_str(h, "w1_npy"), *p2 = h->get_str(h, "w2_npy");
		if (!*p1 || !*p2)
			return LINDYN_ERROR(h, LINDYN_EINVAL, "init=npy needs w1_npy and w2_npy");
		int st = h->npy_read(h, p1, mo->d, mo->h, mo->W1->data);
		if (!st)
			st = h->npy_read(h, p2, mo->h, mo->m, mo->W2->data);
		return st;
	}
	twolayer_init_gauss(rng, h->get_real(h, "sigma_u"), h->get_real(h, "sigma_v"), mo->W1,
	                    mo->W2);
	if (strcmp(init, "balanced") == 0) {
		int st = twolayer_balance(mo->X, mo->W1, mo->W2);
		if (st)
			return LINDYN_ERROR(h, LINDYN_ENUMERIC,
			                    "init=balanced: %s (W1(0) W2(0) must be nonzero on the row space of X)",
			                    gsl_strerror(st));
	}
	return LINDYN_OK;
}

static int check_sizes(lindyn_host *h, long n, long d, long m, long hw)
{
	const char *data = h->get_str(h, "data"), *init = h->get_str(h, "init");
	if (strcmp(data, "orthonormal") == 0 && n > d)
		return LINDYN_ERROR(h, LINDYN_EINVAL, "data=orthonormal needs n <= d (n=%ld, d=%ld)", n, d);
	if (strcmp(data, "identity") == 0 && n != d)
		return LINDYN_ERROR(h, LINDYN_EINVAL, "data=identity needs n == d (n=%ld, d=%ld)", n, d);
	if (strcmp(init, "balanced") == 0 && (hw < m || n > d))
		return LINDYN_ERROR(h, LINDYN_EINVAL,
		                    "init=balanced needs h >= m and n <= d (h=%ld, m=%ld, n=%ld, d=%ld)",
		                    hw, m, n, d);
	double cells = (double)d * (double)hw + (double)n * (double)hw;
	if (cells > 2e9)
		return LINDYN_ERROR(h, LINDYN_EINVAL, "d*h + n*h = %.3g exceeds 2e9 doubles", cells);
	return LINDYN_OK;
}

static void *gd2_alloc(lindyn_host *h)
{
	long n = h->get_int(h, "n"), d = h->get_int(h, "d"), m = h->get_int(h, "m");
	long hw = h->get_int(h, "h");
	if (check_sizes(h, n, d, m, hw))
		return NULL;
	gd2_state *s = calloc(1, sizeof *s);
	if (!s || gd2_model_alloc(&s->mo, n, d, m, hw)) {
		free(s);
		LINDYN_ERROR(h, LINDYN_ENOMEM, "cannot allocate the workspaces for n=%ld d=%ld m=%ld h=%ld",
		             n, d, m, hw);
		return NULL;
	}
	gd2_model *mo = &s->mo;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!rng) {
		LINDYN_ERROR(h, LINDYN_ENOMEM, "cannot allocate the random generator");
		goto fail;
	}
	gsl_rng_set(rng, h->seed(h));
	int st = twolayer_data(rng, h->get_str(h, "data"), h->get_real(h, "x_std"),
	                       h->get_real(h, "theta_std"), h->get_real(h, "noise"), mo->X,
	                       mo->Theta, mo->Y);
	if (st) {
		LINDYN_ERROR(h, LINDYN_ENUMERIC, "drawing the data failed: %s", gsl_strerror(st));
		goto fail;
	}
	if (draw_init(h, mo, rng))
		goto fail;
	gsl_rng_free(rng);
	rng = NULL;

	st = gd2_model_factor_x(mo);
	if (!st) {
		gsl_matrix_memcpy(mo->W1_0, mo->W1);
		gsl_matrix_memcpy(mo->W2_0, mo->W2);
		st = gd2_imbalance_init(mo);
	}
	if (st) {
		LINDYN_ERROR(h, LINDYN_ENUMERIC, "factorizing X or D(0) failed: %s", gsl_strerror(st));
		goto fail;
	}
	gd2_imbalance_levels(mo, &s->levels);
	gd2_model_refresh(mo);

	s->loss = (gd2_loss){ .kind = LOSS_SQUARED };
	int mean = strcmp(h->get_str(h, "loss_scale"), "mean") == 0;
	s->scale = mean ? 2.0 / (double)n : 1.0;
	s->eta_L = h->get_real(h, "eta") * s->scale;
	s->steps = h->get_int(h, "steps");
	s->log_every = h->get_int(h, "log_every");
	s->log_per_decade = h->get_int(h, "log_per_decade");
	s->stop_loss = h->get_real(h, "stop_loss");
	s->save_weights = h->get_bool(h, "save_weights");
	return s;
fail:
	gsl_rng_free(rng);
	gd2_free(s);
	return NULL;
}

/* Log steps: every log_every-th, the last, and log_per_decade per decade. */
static int logged(const gd2_state *s, long k)
{
	if (k % s->log_every == 0 || k == s->steps)
		return 1;
	if (s->log_per_decade <= 0 || k < 1)
		return 0;
	double q = (double)s->log_per_decade;
	return floor(q * log10((double)k)) > floor(q * log10((double)(k - 1)));
}

static int save(lindyn_host *h, const gd2_model *mo, const char *w1, const char *w2)
{
	int st = h->npy_write(h, w1, mo->d, mo->h, mo->W1->data);
	return st ? st : h->npy_write(h, w2, mo->h, mo->m, mo->W2->data);
}

/* One-row table `summary`: the level of imbalance c (S1 eq. 9, r = rank X),
 * the other Table 2 levels, L(0), L*, the extreme eigenvalues of Sigma_x and
 * the rate of the Theorem 1 bound L(t) - L* <= (L(0) - L*) exp(-rate t). */
static int emit_summary(gd2_state *s, lindyn_host *h, double l0)
{
	lindyn_table *t = h->table(h, "summary",
	                           "c delta_plus delta_minus lambda_plus lambda_minus loss0 "
	                           "loss_star lambda_r_x lambda_1_x bound_rate");
	if (!t)
		return LINDYN_EINVAL;
	const gd2_model *mo = &s->mo;
	double s1 = gsl_vector_get(mo->sx, 0), sr = gsl_vector_get(mo->sx, mo->r - 1);
	double lr = sr * sr;
	double row[] = { s->levels.delta, s->levels.delta_plus, s->levels.delta_minus,
	                 s->levels.lam_plus, s->levels.lam_minus, s->scale * (l0 + s->loss.lstar),
	                 s->scale * s->loss.lstar, lr, s1 * s1, 2.0 * lr * s->levels.delta };
	return h->row(t, row);
}

static int gd2_run(void *state, lindyn_host *h)
{
	gd2_state *s = state;
	gd2_model *mo = &s->mo;
	int st = LINDYN_OK;
	lindyn_table *tl = h->table(h, "loss", "step t loss grad_norm imbalance_drift");
	if (!tl)
		return LINDYN_EINVAL;
	if (s->save_weights && (st = save(h, mo, "w1_init", "w2_init")))
		return st;

	for (long k = 0;; k++) {
		if (k > 0 && k % GD2_REFRESH == 0)
			gd2_model_refresh(mo);
		double g2, l = gd2_model_gradient(mo, &s->loss, &g2);
		if (!isfinite(l) || !isfinite(g2))
			return LINDYN_ERROR(h, LINDYN_EDIVERGE, "loss not finite at step %ld (eta too large?)", k);
		if (k == 0 && (st = emit_summary(s, h, l)))
			return st;
		double loss = s->scale * l;
		int stop = k == s->steps || (s->stop_loss > 0.0 && loss < s->stop_loss);
		if (logged(s, k) || stop) {
			double row[] = { (double)k, s->eta_L * (double)k, loss, s->scale * sqrt(g2),
			                 gd2_imbalance_drift(mo) };
			if ((st = h->row(tl, row)))
				return st;
		}
		if (stop)
			break;
		if ((st = h->progress(h, (double)k / (double)s->steps, k, loss)))
			return st;
		gd2_model_step(mo, s->eta_L);
	}
	if (s->save_weights)
		st = save(h, mo, "w1_final", "w2_final");
	return st;
}

static const lindyn_plugin gd2_plugin = {
	LINDYN_PLUGIN_HEADER,
	.name = "gd2",
	.version = "1.0.0",
	.summary = "gradient descent on a two-layer linear network Y ~ X W1 W2",
	.params = gd2_params,
	.alloc = gd2_alloc,
	.run = gd2_run,
	.free = gd2_free,
	.smoke_args = "n=8 d=12 m=2 h=20 steps=50 log_every=10",
};

LINDYN_EXPORT const lindyn_plugin *lindyn_plugin_descriptor(uint32_t index)
{
	return index == 0 ? &gd2_plugin : NULL;
}
