/* lora_gf.c -- the lora_gf plugin: LoRA fine-tuning of a frozen matrix
 * factorization as a gradient flow (Xu et al., AISTATS 2025): parameters,
 * workspaces, descriptor.  The loop is in drive.c. */
#include "lora_gf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#define PAIR_LIST(X) X(PAIR, TOP, top) X(PAIR, BOTTOM, bottom)
enum { PAIR_LIST(ENUM_MEMBER) };
#define PRETRAINED_LIST(X) X(PRETRAINED, GAUSS, gauss) X(PRETRAINED, APPG, appg)
enum { PRETRAINED_LIST(ENUM_MEMBER) };
#define LOG_SCALE_LIST(X) X(LOG_SCALE, LINEAR, linear) X(LOG_SCALE, LOG, log)
enum { LOG_SCALE_LIST(ENUM_MEMBER) };
#define REDUCE_LIST(X) X(REDUCE, SUBSPACE, subspace) X(REDUCE, NONE, none)
enum { REDUCE_LIST(ENUM_MEMBER) };

static const lindyn_param lora_params[] = {
	{ "m", LINDYN_P_INT, "10", 1, 2000, NULL, "rows of Ypre and of the adapted map" },
	{ "n", LINDYN_P_INT, "10", 1, 2000, NULL, "columns of Ypre" },
	{ "h", LINDYN_P_INT, "100", 1, 1000000, NULL,
	  "inner dimension of the pre-trained factorization Ypre = W2 W1 (h >= min(m,n))" },
	{ "r", LINDYN_P_INT, "4", 1, 2000, NULL, "LoRA rank (r <= min(m,n))" },
	{ "sigma", LINDYN_P_REAL, "5", 1e-6, LINDYN_UNBOUNDED, NULL,
	  "size of the fine-tuning change dY = Yft - Ypre = sigma u v^T" },
	{ "c", LINDYN_P_REAL, "1.05", 1e-3, 1e3, NULL,
	  "pre-trained scale: W2 = c U S^1/2 G^T, W1 = G S^1/2 V^T / c, so delta_w = 1/c^2" },
	{ "pair", LINDYN_P_ENUM, "top", 0, 0, ENUM_CHOICES(PAIR_LIST),
	  "singular pair (u, v) of Ypre that dY lives on" },
	{ "pretrained", LINDYN_P_ENUM, "gauss", 0, 0, ENUM_CHOICES(PRETRAINED_LIST),
	  "Ypre iid N(0,1) with Haar G (S5.1), or Ypre = diag(100,1), G = I (App. G, m=n=2)" },
	{ "init", LINDYN_P_ENUM, "random", 0, 0, ENUM_CHOICES(LORA_INIT_LIST),
	  "random: A iid N(0,alpha^2), B = 0; spectral: on dY's singular space (S4); "
	  "pissa/milora: on the top/bottom-r singular space of the pre-trained model (App. G)" },
	{ "alpha", LINDYN_P_REAL, "1e-3", 1e-15, 10, NULL,
	  "init scale: std of the entries of A1, A2 (random) or of their singular values" },
	{ "method", LINDYN_P_ENUM, "gd", 0, 0, ENUM_CHOICES(LORA_METHOD_LIST),
	  "gd: explicit Euler with step eta (the paper); rk4: classical RK4 at the fixed step "
	  "eta (4 gradient evaluations a step); rk4_doubling: GSL's rk4 stepper at eta, which "
	  "estimates its error by step doubling and returns two half steps (11 evaluations a "
	  "step); rkf45/rk8pd: GSL adaptive with abs_tol/rel_tol" },
	{ "eta", LINDYN_P_REAL, "1e-4", 1e-9, 1, NULL,
	  "step of gd, rk4 and rk4_doubling; the unit the logged times are rounded to for every "
	  "method" },
	{ "t_end", LINDYN_P_REAL, "5", 1e-9, LINDYN_UNBOUNDED, NULL,
	  "horizon in flow time; t_end/eta (the GD step count) must be an integer" },
	{ "abs_tol", LINDYN_P_REAL, "1e-12", 0, 1, NULL, "absolute error tolerance (rkf45, rk8pd)" },
	{ "rel_tol", LINDYN_P_REAL, "1e-10", 0, 1, NULL, "relative error tolerance (rkf45, rk8pd)" },
	{ "log_points", LINDYN_P_INT, "500", 1, 1000000, NULL,
	  "logged points after t = 0 (fewer when t_end/eta is smaller)" },
	{ "log_scale", LINDYN_P_ENUM, "linear", 0, 0, ENUM_CHOICES(LOG_SCALE_LIST),
	  "logged times evenly spaced or log-spaced in time" },
	{ "reduce", LINDYN_P_ENUM, "subspace", 0, 0, ENUM_CHOICES(REDUCE_LIST),
	  "subspace: integrate in the (min(m,n)+r)-dim subspace of R^h the adapters never leave "
	  "(exact); none: in the full R^h" },
	{ "max_evals", LINDYN_P_INT, "1000000000", 1, LINDYN_UNBOUNDED, NULL,
	  "fail after this many gradient evaluations" },
	{ "save_inputs", LINDYN_P_BOOL, "false", 0, 0, NULL,
	  "write w1, w2, dy, a1_init, b1_init, a2_init, b2_init .npy (h-side in working "
	  "coordinates: reduce=none for the full h)" },
	{ "solver", LINDYN_P_ALIAS, NULL, 0, 0, "method", "renamed: use method" },
	{ "atol", LINDYN_P_ALIAS, NULL, 0, 0, "abs_tol", "renamed: use abs_tol" },
	{ "rtol", LINDYN_P_ALIAS, NULL, 0, 0, "rel_tol", "renamed: use rel_tol" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

static const lindyn_column loss_columns[] = { LORA_LOSS_COLUMNS(COLUMN_DEF) { NULL, NULL } };
static const lindyn_column spectral_columns[] = { LORA_SPECTRAL_COLUMNS(COLUMN_DEF) { NULL, NULL } };
static const lindyn_column model_columns[] = { LORA_MODEL_COLUMNS(COLUMN_DEF) { NULL, NULL } };
static const lindyn_table_def lora_tables[] = {
	{ "loss", "one row per logged time: loss, alignment, norms, imbalance drift", loss_columns },
	{ "spectral", "structured inits: the decoupled scalar system and the distance to it",
	  spectral_columns },
	{ "model", "one row: the pre-trained model on the dY pair and the working dimension",
	  model_columns },
	{ NULL, NULL, NULL }
};

static void lora_free(void *state)
{
	lora_state *s = state;
	if (!s)
		return;
	if (s->evolve)
		gsl_odeiv2_evolve_free(s->evolve);
	if (s->control)
		gsl_odeiv2_control_free(s->control);
	if (s->step)
		gsl_odeiv2_step_free(s->step);
	rk4_classic_free(&s->rk4);
	free(s->y);
	free(s->dy);
	free(s->dy_out);
	free(s->yerr);
	lora_probe_free(s->probe);
	lora_flow_free(s->f);
	lora_problem_free(s->p);
	gsl_rng_free(s->rng);
	free(s->grid);
	free(s);
}

static int read_params(lora_state *s, lindyn_host *h)
{
	lora_config *cfg = &s->cfg;
	cfg->m = (size_t)h->get_int(h, "m");
	cfg->n = (size_t)h->get_int(h, "n");
	cfg->h = (size_t)h->get_int(h, "h");
	cfg->r = (size_t)h->get_int(h, "r");
	cfg->sigma = h->get_real(h, "sigma");
	cfg->c = h->get_real(h, "c");
	cfg->alpha = h->get_real(h, "alpha");
	cfg->bottom = h->get_enum(h, "pair") == PAIR_BOTTOM;
	cfg->appg = h->get_enum(h, "pretrained") == PRETRAINED_APPG;
	cfg->init = (lora_init)h->get_enum(h, "init");
	cfg->reduce = h->get_enum(h, "reduce") == REDUCE_SUBSPACE;
	s->solver = (lora_solver)h->get_enum(h, "method");
	s->eta = h->get_real(h, "eta");
	s->t_end = h->get_real(h, "t_end");
	s->atol = h->get_real(h, "abs_tol");
	s->rtol = h->get_real(h, "rel_tol");
	s->max_evals = h->get_int(h, "max_evals");

	const char *why = lora_config_check(cfg);
	if (why)
		return LINDYN_ERROR(h, LINDYN_EINVAL, "%s (m=%zu n=%zu h=%zu r=%zu)", why,
		                    cfg->m, cfg->n, cfg->h, cfg->r);
	double steps = s->t_end / s->eta;
	s->n_steps = lround(steps);
	if (steps > 1e13 || s->n_steps < 1 || fabs(steps - (double)s->n_steps) > 1e-6 * steps)
		return LINDYN_ERROR(h, LINDYN_EINVAL,
		                    "t_end=%g must be a positive whole multiple of eta=%g "
		                    "(t_end/eta = %.6g)", s->t_end, s->eta, steps);
	int adaptive = s->solver == LORA_SOLVER_RKF45 || s->solver == LORA_SOLVER_RK8PD;
	if (adaptive && s->atol == 0 && s->rtol == 0)
		return LINDYN_ERROR(h, LINDYN_EINVAL,
		                    "method=%s needs abs_tol > 0 or rel_tol > 0",
		                    h->get_str(h, "method"));
	if (s->solver == LORA_SOLVER_GD && s->n_steps > s->max_evals)
		return LINDYN_ERROR(h, LINDYN_EINVAL,
		                    "method=gd needs t_end/eta = %ld evaluations, above max_evals=%ld",
		                    s->n_steps, s->max_evals);
	return LINDYN_OK;
}

static int alloc_solver(lora_state *s)
{
	const gsl_odeiv2_step_type *type =
		s->solver == LORA_SOLVER_RK4_DOUBLING ? gsl_odeiv2_step_rk4
		: s->solver == LORA_SOLVER_RKF45      ? gsl_odeiv2_step_rkf45
		                                      : gsl_odeiv2_step_rk8pd;
	size_t dim = s->p->dim;
	s->sys = (gsl_odeiv2_system){ lora_rhs, NULL, dim, s->f };
	if (s->solver == LORA_SOLVER_RK4)
		return rk4_classic_init(&s->rk4, dim) ? LINDYN_ENOMEM : LINDYN_OK;
	s->step = gsl_odeiv2_step_alloc(type, dim);
	s->dy_out = malloc(dim * sizeof *s->dy_out);
	s->yerr = malloc(dim * sizeof *s->yerr);
	if (!s->step || !s->dy_out || !s->yerr)
		return LINDYN_ENOMEM;
	if (s->solver == LORA_SOLVER_RK4_DOUBLING)
		return LINDYN_OK;
	s->control = gsl_odeiv2_control_y_new(s->atol, s->rtol);
	s->evolve = gsl_odeiv2_evolve_alloc(dim);
	return s->control && s->evolve ? LINDYN_OK : LINDYN_ENOMEM;
}

/* The frozen model, the target and the initial adapters, for another program
 * to start from the same problem (eq. 2). */
static int save_inputs(const lora_problem *p, lindyn_host *h)
{
	lora_views v = lora_views_of(p, p->y0);
	const gsl_matrix *ms[] = { p->W1, p->W2, p->dY, &v.A1.matrix, &v.B1.matrix,
		                   &v.A2.matrix, &v.B2.matrix };
	const char *names[] = { "w1", "w2", "dy", "a1_init", "b1_init", "a2_init", "b2_init" };
	for (size_t i = 0; i < sizeof ms / sizeof *ms; i++) {
		int status = h->npy_write(h, names[i], ms[i]->size1, ms[i]->size2, ms[i]->data);
		if (status)
			return status;
	}
	return LINDYN_OK;
}

static void *lora_alloc(lindyn_host *h)
{
	lora_state *s = calloc(1, sizeof *s);
	if (!s) {
		LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory");
		return NULL;
	}
	if (read_params(s, h) != LINDYN_OK)
		goto fail;
	long log_points = h->get_int(h, "log_points");
	s->grid = malloc((size_t)log_points * sizeof *s->grid);
	s->rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!s->grid || !s->rng)
		goto nomem;
	s->n_grid = lora_log_grid(s->n_steps, log_points,
	                          h->get_enum(h, "log_scale") == LOG_SCALE_LOG, s->grid);
	gsl_rng_set(s->rng, h->seed(h));
	int status = lora_problem_new(&s->cfg, s->rng, &s->p);
	if (status == GSL_ENOMEM)
		goto nomem;
	if (status) {
		LINDYN_ERROR(h, LINDYN_ENUMERIC, "building the pre-trained model failed: %s",
		             gsl_strerror(status));
		goto fail;
	}
	s->f = lora_flow_new(s->p);
	s->probe = s->f ? lora_probe_new(s->p) : NULL;
	s->y = malloc(s->p->dim * sizeof *s->y);
	s->dy = malloc(s->p->dim * sizeof *s->dy);
	if (!s->probe || !s->y || !s->dy)
		goto nomem;
	memcpy(s->y, s->p->y0, s->p->dim * sizeof *s->y);
	if (h->get_bool(h, "save_inputs") && save_inputs(s->p, h) != LINDYN_OK)
		goto fail;
	if (s->solver != LORA_SOLVER_GD && alloc_solver(s) != LINDYN_OK)
		goto nomem;
	return s;
nomem:
	LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory for m=%zu n=%zu h=%zu r=%zu",
	             s->cfg.m, s->cfg.n, s->cfg.h, s->cfg.r);
fail:
	lora_free(s);
	return NULL;
}

static const lindyn_plugin lora_gf_plugin = {
	LINDYN_PLUGIN_HEADER,
	.name = "lora_gf",
	.version = "1.1.0",
	.summary = "LoRA on a frozen matrix factorization: GD and gradient flow (Xu et al. 2025)",
	.params = lora_params,
	.alloc = lora_alloc,
	.run = lora_run,
	.free = lora_free,
	.smoke_args = "t_end=0.02 log_points=10",
	.tables = lora_tables,
};

const lindyn_plugin *lindyn_plugin_descriptor(uint32_t index)
{
	return index == 0 ? &lora_gf_plugin : NULL;
}
