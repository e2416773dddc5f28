/* deep_gd.c -- the deep_gd plugin: parameters, set-up and the iteration loop
 * of gradient descent / heavy-ball momentum on Y ~ X W_1 ... W_L. */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_blas.h>

#include "deep_gd.h"
#include "lindyn/plugin.h"

typedef struct {
	deep_net net;
	double eta, beta, tol;
	long steps, log_every;
} state;

static void fill_gauss(gsl_rng *rng, double std, gsl_matrix *M)
{
	for (size_t i = 0; i < M->size1; i++)
		for (size_t j = 0; j < M->size2; j++)
			gsl_matrix_set(M, i, j, gsl_ran_gaussian_ziggurat(rng, std));
}

static void state_free(void *p)
{
	state *s = p;
	if (!s)
		return;
	deep_net_free(&s->net);
	free(s);
}

static void *state_alloc(lindyn_host *h)
{
	long n = h->get_int(h, "n"), d = h->get_int(h, "d"), m = h->get_int(h, "m");
	long width = h->get_int(h, "h"), depth = h->get_int(h, "depth");
	if (width < m || width < 1) {
		LINDYN_ERROR(h, LINDYN_EINVAL, "width h=%ld must be at least m=%ld", width, m);
		return NULL;
	}
	state *s = calloc(1, sizeof *s);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_matrix *theta = gsl_matrix_alloc((size_t)d, (size_t)m);
	if (!s || !rng || !theta ||
	    deep_net_alloc(&s->net, (size_t)n, (size_t)d, (size_t)m, (size_t)width, (size_t)depth)) {
		LINDYN_ERROR(h, LINDYN_ENOMEM, "cannot allocate a depth-%ld network of width %ld", depth,
		             width);
		free(s);
		s = NULL;
		goto out;
	}
	s->eta = h->get_real(h, "eta");
	s->beta = h->get_real(h, "momentum");
	s->tol = h->get_real(h, "tol");
	s->steps = h->get_int(h, "steps");
	s->log_every = h->get_int(h, "log_every");

	/* Draws in a fixed order: X, Theta, then the layers from the input. */
	gsl_rng_set(rng, h->seed(h));
	fill_gauss(rng, 1.0 / sqrt((double)n), s->net.X);
	fill_gauss(rng, 1.0, theta);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, s->net.X, theta, 0.0, s->net.Y);
	for (long i = 0; i < depth; i++)
		fill_gauss(rng, h->get_real(h, "init_std"), s->net.W[i]);
	deep_net_record_imbalance(&s->net);
out:
	gsl_matrix_free(theta);
	gsl_rng_free(rng);
	return s;
}

static int state_run(void *p, lindyn_host *h)
{
	state *s = p;
	lindyn_table *t = h->table(h, "loss", NULL);
	lindyn_table *sum = h->table(h, "summary", NULL);
	if (!t || !sum)
		return LINDYN_EINVAL;
	double loss0 = NAN, loss = NAN, gnorm;
	long reached = -1;
	for (long k = 0; k <= s->steps; k++) {
		loss = deep_net_gradient(&s->net, &gnorm);
		if (k == 0)
			loss0 = loss;
		if (reached < 0 && loss < s->tol)
			reached = k;
		if (k % s->log_every == 0 || k == s->steps) {
			double row[] = { (double)k, s->eta * (double)k, loss, gnorm,
			                 deep_net_imbalance_drift(&s->net) };
			int status = h->rowv(t, sizeof row / sizeof *row, row);
			if (status)
				return status;
		}
		int status = h->progress(h, (double)k / (double)s->steps, k, loss);
		if (status)
			return status;
		if (!isfinite(loss))
			return LINDYN_ERROR(h, LINDYN_EDIVERGE, "loss became %g at step %ld (eta too large?)",
			                    loss, k);
		if (k < s->steps)
			deep_net_step(&s->net, s->eta, s->beta);
	}
	double row[] = { (double)s->net.L, loss0, loss,
	                 (double)(reached < 0 ? s->steps : reached), reached >= 0 };
	return h->rowv(sum, sizeof row / sizeof *row, row);
}

static const lindyn_param params[] = {
	{ "n", LINDYN_P_INT, "50", 1, 100000, NULL, "number of samples; X has iid N(0, 1/n) entries" },
	{ "d", LINDYN_P_INT, "20", 1, 100000, NULL, "input dimension" },
	{ "m", LINDYN_P_INT, "5", 1, 10000, NULL, "output dimension; Y = X Theta, Theta iid N(0,1)" },
	{ "h", LINDYN_P_INT, "50", 1, 10000, NULL, "width of every hidden layer (h >= m)" },
	{ "depth", LINDYN_P_INT, "3", 2, DEEP_GD_MAX_DEPTH, NULL, "number of layers L" },
	{ "init_std", LINDYN_P_REAL, "0.1", 0, 100, NULL, "std of the iid Gaussian entries of every layer" },
	{ "eta", LINDYN_P_REAL, "0.01", 0, 100, NULL, "step size" },
	{ "momentum", LINDYN_P_REAL, "0", 0, 0.9999, NULL,
	  "heavy-ball coefficient beta: V <- beta V - eta grad, W <- W + V (0: plain GD)" },
	{ "steps", LINDYN_P_INT, "20000", 0, LINDYN_UNBOUNDED, NULL, "number of iterations" },
	{ "log_every", LINDYN_P_INT, "100", 1, LINDYN_UNBOUNDED, NULL,
	  "write a row every this many steps (and the last)" },
	{ "tol", LINDYN_P_REAL, "1e-6", 0, LINDYN_UNBOUNDED, NULL,
	  "loss level whose first crossing is reported" },
	{ 0 }
};

static const lindyn_column loss_columns[] = {
	{ "step", "iteration k" },
	{ "t", "time eta k (the gradient-flow clock)" },
	{ "loss", "1/2 ||X W_1 ... W_L - Y||_F^2" },
	{ "grad_norm", "Frobenius norm of the gradient over all layers" },
	{ "imbalance_drift", "max over i of ||D_i(t) - D_i(0)||_F, D_i = W_i^T W_i - W_{i+1} W_{i+1}^T" },
	{ NULL, NULL }
};

static const lindyn_column summary_columns[] = {
	{ "depth", "number of layers L" },
	{ "loss0", "loss at step 0" },
	{ "loss_final", "loss at the last step" },
	{ "steps_to_tol", "first step with loss < tol (steps when never)" },
	{ "reached", "1 when the loss crossed tol, else 0" },
	{ NULL, NULL }
};

static const lindyn_table_def tables[] = {
	{ "loss", "one row every log_every steps and at the last", loss_columns },
	{ "summary", "one row after the last step", summary_columns },
	{ NULL, NULL, NULL }
};

static const lindyn_plugin plugin = {
	LINDYN_PLUGIN_HEADER, "deep_gd", "1.0.0",
	"GD and heavy-ball momentum on a deep linear network Y ~ X W_1 ... W_L",
	params, state_alloc, state_run, state_free,
	"steps=30 n=8 d=4 m=2 h=6 log_every=10", tables,
};

const lindyn_plugin *lindyn_plugin_descriptor(uint32_t index)
{
	return index == 0 ? &plugin : NULL;
}
