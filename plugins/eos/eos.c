/* eos.c -- the eos plugin's parameters, workspace and descriptor. */
#include "eos.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

/* The ENUM parameters: each list generates its C enum (in choice order, as
 * h->get_enum numbers them) and its choices string. */
#define EOS_MODELS(X) X(PRODUCT, product) X(NET, net) X(VALLEY, valley) X(LOGISTIC, logistic)
#define EOS_ETA_UNITS(X) X(ABS, abs) X(CRIT, crit)
#define EOS_INITS(X) X(OFFSET, offset) X(BALANCED, balanced)
#define EOS_HESSIANS(X) X(AUTO, auto) X(DENSE, dense) X(LANCZOS, lanczos)

#define EOS_ENUM_MODEL(tag, name) MODEL_##tag,
#define EOS_ENUM_ETA_UNIT(tag, name) ETA_UNIT_##tag,
#define EOS_ENUM_INIT(tag, name) INIT_##tag,
#define EOS_ENUM_HESSIAN(tag, name) HESSIAN_##tag,
#define EOS_CHOICE(tag, name) "|" #name
typedef enum { EOS_MODELS(EOS_ENUM_MODEL) } eos_model_kind;
typedef enum { EOS_ETA_UNITS(EOS_ENUM_ETA_UNIT) } eos_eta_unit;
typedef enum { EOS_INITS(EOS_ENUM_INIT) } eos_init;
typedef enum { EOS_HESSIANS(EOS_ENUM_HESSIAN) } eos_hessian;
/* "a|b|c": the list's "|a|b|c" without its first bar. */
#define EOS_CHOICES(list) (list(EOS_CHOICE) + 1)

static const lindyn_param eos_params[] = {
	{"model", LINDYN_P_ENUM, "product", 0, 0, EOS_CHOICES(EOS_MODELS),
	 "objective: product of depth factors (depth=2: u v), two-layer linear net v^T W a, "
	 "the survey's exp(-t1) t2^2, or its two-point logistic regression"},
	{"depth", LINDYN_P_INT, "2", 2, 64, NULL, "product: number of factors d"},
	{"y", LINDYN_P_REAL, "1", 1e-6, LINDYN_UNBOUNDED, NULL, "product, net: target y > 0"},
	{"eta", LINDYN_P_REAL, "0.95", 1e-9, 1e3, NULL, "constant step size (see eta_unit)"},
	{"eta_unit", LINDYN_P_ENUM, "abs", 0, 0, EOS_CHOICES(EOS_ETA_UNITS),
	 "abs: eta is the step; crit: eta is in units of eta_c = 2/lambda* (product, net)"},
	{"steps", LINDYN_P_INT, "1000", 0, LINDYN_UNBOUNDED, NULL, "number of GD steps"},
	{"init", LINDYN_P_ENUM, "offset", 0, 0, EOS_CHOICES(EOS_INITS),
	 "product, net: offset = (a s, s, ..., s, s/a + eps), s = y^(1/d); balanced = s + eps "
	 "in every factor"},
	{"init_a", LINDYN_P_REAL, "1.2", 1e-3, 1e3, NULL, "product, net: imbalance a of the offset start"},
	{"init_eps", LINDYN_P_REAL, "1e-3", -1, 1, NULL, "product, net: offset eps off M"},
	{"width", LINDYN_P_INT, "20", 1, 2048, NULL, "net: hidden width (rows of W)"},
	{"inputs", LINDYN_P_INT, "10", 1, 2048, NULL, "net: input dimension (length of a)"},
	{"anorm", LINDYN_P_REAL, "1", 1e-6, LINDYN_UNBOUNDED, NULL, "net: norm of the data point a"},
	{"init_perp", LINDYN_P_REAL, "0.1", 0, 10, NULL,
	 "net: size of the random parts of v and W off the offset start's direction"},
	{"theta1", LINDYN_P_REAL, "0", -100, 100, NULL, "valley, logistic: first coordinate of theta0"},
	{"theta2", LINDYN_P_REAL, "0.1", -100, 100, NULL,
	 "valley, logistic: second coordinate of theta0 (normal to M)"},
	{"data_norm", LINDYN_P_REAL, "1.35", 1e-6, 1e3, NULL, "logistic: norm of both data points"},
	{"angle", LINDYN_P_REAL, "18", 0.01, 179.99, NULL,
	 "logistic: angular separation of the data points in degrees (< 90: a valley)"},
	{"hessian", LINDYN_P_ENUM, "auto", 0, 0, EOS_CHOICES(EOS_HESSIANS),
	 "sharpness routine: dense eigensolver, Lanczos on Hessian-vector products, or "
	 "auto = dense when D <= 64"},
	{"lanczos_steps", LINDYN_P_INT, "30", 2, 1000, NULL,
	 "lanczos: Krylov dimension (at most D is used)"},
	{"log_linear", LINDYN_P_INT, "100", 0, LINDYN_UNBOUNDED, NULL, "log every step up to this one"},
	{"log_per_decade", LINDYN_P_INT, "40", 1, 100000, NULL,
	 "then log on a geometric grid with this many steps per decade"},
	{"blowup", LINDYN_P_REAL, "1e8", 1e-6, LINDYN_UNBOUNDED, NULL,
	 "the run has diverged once the loss exceeds this"},
	{NULL, 0, NULL, 0, 0, NULL, NULL}};

#define DENSE_MAX_DIM 64
#define DENSE_LIMIT_DIM 4096
#define LANCZOS_LIMIT_DOUBLES ((size_t)1 << 28)

static void eos_free(void *state)
{
	eos_state *s = state;
	if (!s)
		return;
	eos_model_free(s->model);
	eos_sharpness_free(s->sharp);
	free(s->x);
	free(s->ahead);
	free(s->p);
	free(s->q);
	free(s->xs);
	free(s->x_tstar);
	free(s);
}

/* Builds the model and its starting point; draws (the net's data point, its
 * random directions) come from one mt19937 stream in a fixed order. */
static int make_model(eos_state *s, lindyn_host *h, gsl_rng *rng)
{
	eos_model_kind kind = (eos_model_kind)h->get_enum(h, "model");
	double y = h->get_real(h, "y");
	int balanced = h->get_enum(h, "init") == INIT_BALANCED;
	double a = h->get_real(h, "init_a"), eps = h->get_real(h, "init_eps");
	switch (kind) {
	case MODEL_PRODUCT:
		s->model = eos_product_new((size_t)h->get_int(h, "depth"), y);
		break;
	case MODEL_NET: {
		size_t width = (size_t)h->get_int(h, "width"), inputs = (size_t)h->get_int(h, "inputs");
		double *data = malloc(inputs * sizeof *data), norm = 0.0;
		if (!data)
			return LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory for the data point");
		for (size_t j = 0; j < inputs; j++) {
			data[j] = gsl_ran_gaussian(rng, 1.0);
			norm += data[j] * data[j];
		}
		for (size_t j = 0; j < inputs; j++)
			data[j] *= h->get_real(h, "anorm") / sqrt(norm);
		s->model = eos_net_new(width, inputs, data, y);
		free(data);
		break;
	}
	case MODEL_VALLEY:
		s->model = eos_valley_new();
		break;
	case MODEL_LOGISTIC:
		s->model = eos_logistic_new(h->get_real(h, "data_norm"),
		                            h->get_real(h, "angle") * M_PI / 180.0);
		break;
	}
	if (!s->model)
		return LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory for model=%s",
		                    h->get_str(h, "model"));
	size_t D = s->model->dim;
	s->x = malloc(D * sizeof *s->x);
	if (!s->x)
		return LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory for the iterate");
	switch (kind) {
	case MODEL_PRODUCT:
		eos_product_init(s->model, balanced, a, eps, s->x);
		break;
	case MODEL_NET: {
		size_t n = 2 * s->model->width + s->model->width * s->model->inputs;
		double *gauss = malloc(n * sizeof *gauss);
		if (!gauss)
			return LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory for the start");
		for (size_t i = 0; i < n; i++)
			gauss[i] = gsl_ran_gaussian(rng, 1.0);
		eos_net_init(s->model, balanced, a, eps, h->get_real(h, "init_perp"), gauss, s->x);
		free(gauss);
		break;
	}
	case MODEL_VALLEY:
	case MODEL_LOGISTIC:
		s->x[0] = h->get_real(h, "theta1");
		s->x[1] = h->get_real(h, "theta2");
		break;
	}
	return LINDYN_OK;
}

static int make_sharpness(eos_state *s, lindyn_host *h, gsl_rng *rng)
{
	size_t D = s->model->dim;
	eos_hessian method = (eos_hessian)h->get_enum(h, "hessian");
	int lanczos = method == HESSIAN_LANCZOS || (method == HESSIAN_AUTO && D > DENSE_MAX_DIM);
	if (!lanczos && D > DENSE_LIMIT_DIM)
		return LINDYN_ERROR(h, LINDYN_EINVAL,
		                    "hessian=dense needs a %zu x %zu matrix (D > %d); use hessian=lanczos",
		                    D, D, DENSE_LIMIT_DIM);
	size_t k = (size_t)h->get_int(h, "lanczos_steps");
	if (lanczos && (k < D ? k : D) * D > LANCZOS_LIMIT_DOUBLES)
		return LINDYN_ERROR(h, LINDYN_EINVAL,
		                    "hessian=lanczos with lanczos_steps=%zu keeps %zu x %zu doubles "
		                    "(over 2 GiB); lower lanczos_steps or the model size", k, k < D ? k : D, D);
	double *start = malloc(D * sizeof *start);
	if (!start)
		return LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory for the Lanczos start");
	for (size_t i = 0; i < D; i++)
		start[i] = gsl_ran_gaussian(rng, 1.0);
	s->sharp = eos_sharpness_new(D, lanczos, k, start);
	free(start);
	if (!s->sharp)
		return LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory for the sharpness routine");
	return LINDYN_OK;
}

static void *eos_alloc(lindyn_host *h)
{
	eos_state *s = calloc(1, sizeof *s);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!s || !rng) {
		LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory for the run state");
		goto fail;
	}
	gsl_rng_set(rng, h->seed(h));
	if (make_model(s, h, rng) != LINDYN_OK || make_sharpness(s, h, rng) != LINDYN_OK)
		goto fail;
	const eos_model *m = s->model;
	size_t D = m->dim;
	s->eta = h->get_real(h, "eta");
	s->eta_c = (m->ops->flags & EOS_FLAT) ? 2.0 / m->lambda_star : 0.0;
	if (h->get_enum(h, "eta_unit") == ETA_UNIT_CRIT) {
		if (!(m->ops->flags & EOS_FLAT)) {
			LINDYN_ERROR(h, LINDYN_EINVAL,
			             "eta_unit=crit needs a flattest minimiser; model=%s has none "
			             "(use eta_unit=abs)", m->ops->name);
			goto fail;
		}
		s->eta *= s->eta_c;
	}
	s->steps = h->get_int(h, "steps");
	s->log_linear = h->get_int(h, "log_linear");
	s->log_per_decade = h->get_int(h, "log_per_decade");
	s->blowup = h->get_real(h, "blowup");
	s->ahead = malloc((EOS_AHEAD_END + 1) * D * sizeof *s->ahead);
	s->p = malloc(D * sizeof *s->p);
	s->q = malloc(D * sizeof *s->q);
	s->xs = malloc(D * sizeof *s->xs);
	s->x_tstar = malloc(D * sizeof *s->x_tstar);
	if (!s->ahead || !s->p || !s->q || !s->xs || !s->x_tstar) {
		LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory for D = %zu", D);
		goto fail;
	}
	gsl_rng_free(rng);
	return s;
fail:
	if (rng)
		gsl_rng_free(rng);
	eos_free(s);
	return NULL;
}

static const lindyn_plugin eos_plugin = {
	LINDYN_PLUGIN_HEADER,
	"eos",
	"1.0.0",
	"GD with a large constant step: edge of stability on overparametrised least squares",
	eos_params,
	eos_alloc,
	eos_run,
	eos_free,
	"steps=2000",
	eos_tables,
};

const lindyn_plugin *lindyn_plugin_descriptor(uint32_t index)
{
	return index == 0 ? &eos_plugin : NULL;
}
