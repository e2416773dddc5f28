/* gd2.c -- the gd2 plugin: parameters, setup of data and weights, dispatch. */
#include "state.h"
#include "tables.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "../common/twolayer.h"

static const lindyn_param gd2_params[] = {
	{ "n", LINDYN_P_INT, "100", 1, 100000, NULL, "number of samples (rows of X and Y)" },
	{ "d", LINDYN_P_INT, "400", 1, 100000, NULL, "input dimension (columns of X, rows of W1)" },
	{ "m", LINDYN_P_INT, "1", 1, 10000, NULL, "output dimension (columns of Y and W2)" },
	{ "h", LINDYN_P_INT, "500", 1, 1000000, NULL, "hidden width (columns of W1, rows of W2)" },
	{ "data", LINDYN_P_ENUM, "orthonormal", 0, 0, ENUM_CHOICES(GD2_DATA_LIST),
	  "X: iid N(0,x_std^2); orthonormal rows (n <= d); identity (n == d); spectrum: "
	  "orthonormal rows scaled by iid U[x_smin, x_smax]; npy: X and Y from x_npy, y_npy" },
	{ "x_npy", LINDYN_P_PATH, "", 0, 0, NULL, "X (n x d, float64 .npy) for data=npy" },
	{ "y_npy", LINDYN_P_PATH, "", 0, 0, NULL, "Y (n x m, float64 .npy) for data=npy" },
	{ "x_std", LINDYN_P_REAL, "1", 0, LINDYN_UNBOUNDED, NULL, "std of the entries of X (data=gauss)" },
	{ "x_smin", LINDYN_P_REAL, "1.8", 0, LINDYN_UNBOUNDED, NULL, "smallest singular value (data=spectrum)" },
	{ "x_smax", LINDYN_P_REAL, "2.3", 0, LINDYN_UNBOUNDED, NULL, "largest singular value (data=spectrum)" },
	{ "theta_std", LINDYN_P_REAL, "0.05", 0, LINDYN_UNBOUNDED, NULL, "std of the teacher Theta" },
	{ "noise", LINDYN_P_REAL, "0.01", 0, LINDYN_UNBOUNDED, NULL, "std of the label noise added to Y" },
	{ "target", LINDYN_P_ENUM, "teacher", 0, 0, ENUM_CHOICES(GD2_TARGET_LIST),
	  "Y = X Theta + noise, or Y = X W1(0) W2(0) + noise (TMLR experiments)" },
	{ "init", LINDYN_P_ENUM, "gauss", 0, 0, ENUM_CHOICES(GD2_INIT_LIST),
	  "W1 ~ N(0,sigma_u^2), W2 ~ N(0,sigma_v^2); balanced: same W1 W2, zero imbalance; "
	  "theta_balanced: balanced with W1 W2 = Theta; npy: files" },
	{ "sigma_u", LINDYN_P_REAL, "0.1", 0, LINDYN_UNBOUNDED, NULL, "std of the entries of W1 (times h^-width_power)" },
	{ "sigma_v", LINDYN_P_REAL, "0.1", 0, LINDYN_UNBOUNDED, NULL, "std of the entries of W2 (times h^-width_power)" },
	{ "width_power", LINDYN_P_REAL, "0", 0, 2, NULL,
	  "p: the init stds are sigma_u h^-p and sigma_v h^-p (N(0, h^-2p) with sigma = 1)" },
	{ "w1_npy", LINDYN_P_PATH, "", 0, 0, NULL, "W1 (d x h, float64 .npy) for init=npy" },
	{ "w2_npy", LINDYN_P_PATH, "", 0, 0, NULL, "W2 (h x m, float64 .npy) for init=npy" },
	{ "loss", LINDYN_P_ENUM, "squared", 0, 0, ENUM_CHOICES(GD2_LOSS_LIST),
	  "squared: 1/2||Y - XW||^2; logistic: sum log(1+exp(-sign(Y) XW)) + lambda/2 ||W||^2" },
	{ "lambda", LINDYN_P_REAL, "0.1", 1e-12, LINDYN_UNBOUNDED, NULL, "l2 weight of the logistic loss (= its mu)" },
	{ "loss_scale", LINDYN_P_ENUM, "mean", 0, 0, ENUM_CHOICES(GD2_SCALE_LIST),
	  "sum: L = 1/2||Y - X W1 W2||^2; mean: (1/n)||.||^2, GD step = Euler on L with dt = 2 eta/n" },
	{ "rule", LINDYN_P_ENUM, "const", 0, 0, ENUM_CHOICES(GD2_RULE_LIST),
	  "step size: const (eta); TMLR eta0, rho, rhobar (eq. 19); AISTATS xu_fixed, xu_adaptive; "
	  "armijo; arora; du; nonover (GD on l(W), eta = 1/K)" },
	{ "eta", LINDYN_P_REAL, "5e-4", 0, LINDYN_UNBOUNDED, NULL, "step size of rule=const (on the loss of loss_scale)" },
	{ "growth_cap", LINDYN_P_BOOL, "true", 0, 0, NULL,
	  "rho/rhobar: cap eta_t at (1 + eta0^d)^{t/2} eta0 (eq. 19); false: 1/K_t or 1/Kbar_t alone" },
	{ "c_exp", LINDYN_P_REAL, "0.5", 0.01, 0.99, NULL, "c of TMLR Theorem E.1" },
	{ "d_exp", LINDYN_P_REAL, "1.01", 1.0001, 10, NULL, "d of TMLR Theorem E.1" },
	{ "c1", LINDYN_P_REAL, "0.5", 0.01, 0.99, NULL, "c1 of AISTATS Theorem 3.1" },
	{ "c2", LINDYN_P_REAL, "1.5", 1.01, 100, NULL, "c2 of AISTATS Theorem 3.1" },
	{ "bt_eta", LINDYN_P_REAL, "1", 1e-300, LINDYN_UNBOUNDED, NULL, "first trial step of rule=armijo" },
	{ "bt_tau", LINDYN_P_REAL, "0.1", 1e-6, 0.999, NULL, "shrink factor of rule=armijo" },
	{ "bt_gamma", LINDYN_P_REAL, "0.9", 1e-6, 0.999, NULL, "Armijo constant: L(new) <= L - gamma eta ||grad||^2" },
	{ "stats", LINDYN_P_ENUM, "basic", 0, 0, ENUM_CHOICES(GD2_STATS_LIST),
	  "full: the TMLR/AISTATS quantities per iteration and tables tmlr, aistats (loss_scale=sum)" },
	{ "wall_clock", LINDYN_P_BOOL, "false", 0, 0, NULL,
	  "add column wall: the run's CPU seconds since the start of setup, i.e. its wall-clock "
	  "time on an idle core (one BLAS thread), unaffected by other jobs (not reproducible)" },
	{ "steps", LINDYN_P_INT, "15000", 0, LINDYN_UNBOUNDED, NULL, "number of GD steps" },
	{ "log_every", LINDYN_P_INT, "100", 1, LINDYN_UNBOUNDED, NULL, "log every this many steps (and the last)" },
	{ "log_per_decade", LINDYN_P_INT, "0", 0, 1000, NULL,
	  "also log this many log-spaced steps per decade of the step counter (0: off)" },
	{ "stop_loss", LINDYN_P_REAL, "0", 0, LINDYN_UNBOUNDED, NULL, "stop once the loss falls below (0: never)" },
	{ "reduce", LINDYN_P_ENUM, "subspace", 0, 0, ENUM_CHOICES(GD2_REDUCE_LIST),
	  "subspace: GD on W1 = A Q^T, W2 = Q B with Q an orthonormal basis of the span of the "
	  "rows of W1(0) and columns of W2(0) (width d + m when below h), and with the squared "
	  "loss and n > d on the R factor of X; exact: the same logged quantities to rounding, "
	  "a step cost independent of h and n; none: on the full d x h, h x m weights and X" },
	{ "save_weights", LINDYN_P_BOOL, "false", 0, 0, NULL,
	  "write x, y, w1_init, w2_init, w1_final, w2_final .npy (x, y, w*_init restart the run)" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

static void gd2_free(void *state)
{
	gd2_state *s = state;
	if (!s)
		return;
	gd2_model_free(&s->mo);
	gd2_subspace_free(&s->sub);
	gsl_matrix_free(s->Wstar);
	if (s->solver)
		gsl_root_fsolver_free(s->solver);
	free(s);
}

/* Fills the full-width W1 (d x h), W2 (h x m) as the init parameter says;
 * the rng has drawn the data. */
static int draw_init(lindyn_host *h, gd2_model *mo, gsl_matrix *W1, gsl_matrix *W2,
                     gsl_rng *rng)
{
	gd2_init init = (gd2_init)h->get_enum(h, "init");
	if (init == INIT_NPY) {
		const char *p1 = h->get_str(h, "w1_npy"), *p2 = h->get_str(h, "w2_npy");
		if (!*p1 || !*p2)
			return LINDYN_ERROR(h, LINDYN_EINVAL, "init=npy needs w1_npy and w2_npy");
		int st = h->npy_read(h, p1, W1->size1, W1->size2, W1->data);
		if (!st)
			st = h->npy_read(h, p2, W2->size1, W2->size2, W2->data);
		return st;
	}
	int st = GSL_SUCCESS;
	if (init == INIT_THETA_BALANCED) {
		/* W1 W2 = Theta, then balanced (AISTATS eq. 40 / Arora et al. Prop. F.1). */
		gsl_matrix_set_zero(W1);
		gsl_matrix_set_zero(W2);
		gsl_matrix_view top = gsl_matrix_submatrix(W1, 0, 0, mo->d, mo->m);
		gsl_matrix_memcpy(&top.matrix, mo->Theta);
		gsl_matrix_view W2m = gsl_matrix_submatrix(W2, 0, 0, mo->m, mo->m);
		gsl_matrix_set_identity(&W2m.matrix);
		st = twolayer_balance(mo->X, W1, W2);
	} else {
		double scale = pow((double)W1->size2, -h->get_real(h, "width_power"));
		twolayer_init_gauss(rng, scale * h->get_real(h, "sigma_u"),
		                    scale * h->get_real(h, "sigma_v"), W1, W2);
		if (init == INIT_BALANCED)
			st = twolayer_balance(mo->X, W1, W2);
	}
	if (st)
		return LINDYN_ERROR(h, LINDYN_ENUMERIC,
		                    "init=%s: %s (W1 W2 must be nonzero on the row space of X)",
		                    h->get_str(h, "init"),
		                    gsl_strerror(st));
	return LINDYN_OK;
}

/* data=npy: X and Y read from files, replacing the drawn ones. */
static int read_data(lindyn_host *h, gd2_model *mo)
{
	const char *px = h->get_str(h, "x_npy"), *py = h->get_str(h, "y_npy");
	if (!*px || !*py)
		return LINDYN_ERROR(h, LINDYN_EINVAL, "data=npy needs x_npy and y_npy");
	int st = h->npy_read(h, px, mo->n, mo->d, mo->X->data);
	return st ? st : h->npy_read(h, py, mo->n, mo->m, mo->Y->data);
}

/* X, Y and the weights.  Draw order: X, Theta, noise (twolayer_data), W1, W2,
 * then the singular values of data=spectrum.  For target=init or
 * data=spectrum, Y = X (W1 W2 or Theta) + noise is recomposed at the end with
 * the noise of the first draw.  data=npy draws as data=gauss (so the weights
 * are those of the same seed), then takes X and Y from the files. */
static int draw_problem(lindyn_host *h, gd2_model *mo, gsl_matrix *W1, gsl_matrix *W2)
{
	gd2_data data = (gd2_data)h->get_enum(h, "data");
	int spectrum = data == DATA_SPECTRUM, from_files = data == DATA_NPY;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!rng)
		return LINDYN_ERROR(h, LINDYN_ENOMEM, "cannot allocate the random generator");
	gsl_rng_set(rng, h->seed(h));
	int st = twolayer_data(rng, spectrum ? DATA_ORTHONORMAL : from_files ? DATA_GAUSS : (twolayer_data_kind)data,
	                       h->get_real(h, "x_std"), h->get_real(h, "theta_std"),
	                       h->get_real(h, "noise"), mo->X, mo->Theta, mo->Y);
	if (st) {
		gsl_rng_free(rng);
		return LINDYN_ERROR(h, LINDYN_ENUMERIC, "drawing the data failed: %s", gsl_strerror(st));
	}
	gsl_matrix *noise = mo->Zt; /* scratch n x m: Y - X Theta */
	gsl_matrix_memcpy(noise, mo->Y);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1.0, mo->X, mo->Theta, 1.0, noise);
	st = draw_init(h, mo, W1, W2, rng);
	if (!st && spectrum) {
		double lo = h->get_real(h, "x_smin"), hi = h->get_real(h, "x_smax");
		for (size_t i = 0; i < mo->n; i++) {
			gsl_vector_view row = gsl_matrix_row(mo->X, i);
			gsl_vector_scale(&row.vector, lo + (hi - lo) * gsl_rng_uniform(rng));
		}
	}
	gsl_rng_free(rng);
	if (!st && from_files)
		return read_data(h, mo);
	int from_init = h->get_enum(h, "target") == TARGET_INIT;
	if (st || (!from_init && !spectrum)) /* twolayer's Y as it is, bit for bit */
		return st;
	if (from_init)
		gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, W1, W2, 0.0, mo->W);
	else
		gsl_matrix_memcpy(mo->W, mo->Theta);
	gsl_matrix_memcpy(mo->Y, noise);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, mo->X, mo->W, 1.0, mo->Y);
	return LINDYN_OK;
}

static int check_params(lindyn_host *h, long n, long d, long m, long hw)
{
	gd2_data data = (gd2_data)h->get_enum(h, "data");
	gd2_init init = (gd2_init)h->get_enum(h, "init");
	gd2_rule rule = (gd2_rule)h->get_enum(h, "rule");
	int full = h->get_enum(h, "stats") == STATS_FULL;
	if ((data == DATA_ORTHONORMAL || data == DATA_SPECTRUM) && n > d)
		return LINDYN_ERROR(h, LINDYN_EINVAL, "data=%s needs n <= d (n=%ld, d=%ld)",
		                    h->get_str(h, "data"), n, d);
	if (data == DATA_IDENTITY && n != d)
		return LINDYN_ERROR(h, LINDYN_EINVAL, "data=identity needs n == d (n=%ld, d=%ld)", n, d);
	if (h->get_real(h, "x_smin") > h->get_real(h, "x_smax"))
		return LINDYN_ERROR(h, LINDYN_EINVAL, "x_smin must not exceed x_smax");
	if ((init == INIT_BALANCED || init == INIT_THETA_BALANCED) && (hw < m || n > d))
		return LINDYN_ERROR(h, LINDYN_EINVAL,
		                    "init=%s needs h >= m and n <= d (h=%ld, m=%ld, n=%ld, d=%ld)",
		                    h->get_str(h, "init"),
		                    hw, m, n, d);
	if (h->get_enum(h, "loss") == LOSS_LOGISTIC && n < d)
		return LINDYN_ERROR(h, LINDYN_EINVAL, "loss=logistic needs n >= d (n=%ld, d=%ld)", n, d);
	if ((rule != RULE_CONST || full) && h->get_enum(h, "loss_scale") != SCALE_SUM)
		return LINDYN_ERROR(h, LINDYN_EINVAL,
		                    "rule=%s%s is stated for the summed loss: set loss_scale=sum",
		                    h->get_str(h, "rule"),
		                    full ? " with stats=full" : "");
	if (full && rule == RULE_NONOVER)
		return LINDYN_ERROR(h, LINDYN_EINVAL, "stats=full needs the two-layer model, not rule=nonover");
	double cells = (double)d * (double)hw + (double)n * (double)hw;
	if (cells > 2e9)
		return LINDYN_ERROR(h, LINDYN_EINVAL, "d*h + n*h = %.3g exceeds 2e9 doubles", cells);
	return LINDYN_OK;
}

static void *gd2_alloc(lindyn_host *h)
{
	struct timespec t0;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	long n = h->get_int(h, "n"), d = h->get_int(h, "d"), m = h->get_int(h, "m");
	long hw = h->get_int(h, "h");
	if (check_params(h, n, d, m, hw))
		return NULL;
	/* rule=nonover runs on W = W1(0) W2(0) alone: nothing to reduce. */
	int reduce = h->get_enum(h, "reduce") == REDUCE_SUBSPACE &&
	             h->get_enum(h, "rule") != RULE_NONOVER;
	size_t width = reduce ? gd2_subspace_width(d, m, hw) : (size_t)hw;
	gd2_state *s = calloc(1, sizeof *s);
	if (!s || gd2_model_alloc(&s->mo, n, d, m, width) ||
	    (width < (size_t)hw && gd2_subspace_alloc(&s->sub, d, m, hw, width)) ||
	    !(s->Wstar = gsl_matrix_calloc(d, m)) ||
	    !(s->solver = gsl_root_fsolver_alloc(gsl_root_fsolver_brent))) {
		gd2_free(s);
		LINDYN_ERROR(h, LINDYN_ENOMEM, "cannot allocate the workspaces for n=%ld d=%ld m=%ld h=%ld",
		             n, d, m, hw);
		return NULL;
	}
	s->t_start = t0;
	gd2_model *mo = &s->mo;
	s->W1h = s->sub.Q ? s->sub.W1 : mo->W1;
	s->W2h = s->sub.Q ? s->sub.W2 : mo->W2;
	s->rule = (gd2_rule)h->get_enum(h, "rule");
	s->stats_full = h->get_enum(h, "stats") == STATS_FULL;
	s->growth_cap = h->get_bool(h, "growth_cap");
	s->wall_clock = h->get_bool(h, "wall_clock");
	s->save_weights = h->get_bool(h, "save_weights");
	s->scale = h->get_enum(h, "loss_scale") == SCALE_MEAN ? 2.0 / (double)n : 1.0;
	s->eta_L = h->get_real(h, "eta") * s->scale;
	s->bt_eta = h->get_real(h, "bt_eta");
	s->bt_tau = h->get_real(h, "bt_tau");
	s->bt_gamma = h->get_real(h, "bt_gamma");
	s->steps = h->get_int(h, "steps");
	s->log_every = h->get_int(h, "log_every");
	s->log_per_decade = h->get_int(h, "log_per_decade");
	s->stop_loss = h->get_real(h, "stop_loss");
	s->loss = (gd2_loss){ .kind = (gd2_loss_kind)h->get_enum(h, "loss"),
	                      .lambda = h->get_real(h, "lambda") };
	mo->want_W = gd2_rule_needs_spectra(s);
	mo->want_grams = mo->want_W || s->rule == RULE_ARMIJO;

	if (draw_problem(h, mo, s->W1h, s->W2h))
		goto fail;
	int st = s->sub.Q ? gd2_subspace_reduce(&s->sub, mo->W1, mo->W2) : GSL_SUCCESS;
	if (!st && reduce && s->loss.kind == LOSS_SQUARED)
		st = gd2_model_compress(mo);
	if (st) {
		LINDYN_ERROR(h, LINDYN_ENUMERIC, "reduce=subspace: QR of [W1(0)^T W2(0)] or of X failed: %s",
		             gsl_strerror(st));
		goto fail;
	}
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
	if (gd2_constants_init(s, h))
		goto fail;
	return s;
fail:
	gd2_free(s);
	return NULL;
}

static int gd2_run(void *state, lindyn_host *h)
{
	gd2_state *s = state;
	return s->rule == RULE_NONOVER ? gd2_run_nonover(s, h) : gd2_run_twolayer(s, h);
}

static const lindyn_plugin gd2_plugin = {
	LINDYN_PLUGIN_HEADER,
	.name = "gd2",
	.version = "1.2.0",
	.summary = "gradient descent on a two-layer linear network Y ~ X W1 W2, step-size rules",
	.params = gd2_params,
	.alloc = gd2_alloc,
	.run = gd2_run,
	.free = gd2_free,
	.smoke_args = "n=8 d=12 m=2 h=20 steps=50 log_every=10",
	.tables = gd2_tables,
};

LINDYN_EXPORT const lindyn_plugin *lindyn_plugin_descriptor(uint32_t index)
{
	return index == 0 ? &gd2_plugin : NULL;
}
