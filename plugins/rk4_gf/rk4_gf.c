/* rk4_gf.c -- the rk4_gf plugin: gradient flow of a two-layer linear network
 * Y ~ X W1 W2 (S1: U = W1, V = W2^T) integrated with classical RK4 at a fixed
 * step, GSL's step-doubling RK4 or one of gsl_odeiv2's embedded adaptive
 * pairs, on the full parameters or on the SVD reparametrization of S1 eq. 7
 * (see gf_flow.h). */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_odeiv2.h>
#include <gsl/gsl_rng.h>

#include "lindyn/plugin.h"

#include "../common/columns.h"
#include "../common/enumlist.h"
#include "../common/linalg.h"
#include "../common/rk4.h"
#include "../common/twolayer.h"
#include "gf_data.h"
#include "gf_flow.h"
#include "gf_init.h"
#include "gf_observe.h"

#define INIT_LIST(X) \
	X(INIT, GAUSS, gauss) X(INIT, LEMMA1, lemma1) X(INIT, BALANCED, balanced) \
	X(INIT, INVARIANT, invariant) X(INIT, VPERP, vperp) X(INIT, NPY, npy)
typedef enum { INIT_LIST(ENUM_MEMBER) } init_kind;
#define METHOD_LIST(X) \
	X(METHOD, RK4, rk4) X(METHOD, RK4_DOUBLING, rk4_doubling) X(METHOD, RKF45, rkf45) \
	X(METHOD, RK8PD, rk8pd) X(METHOD, EULER, euler)
typedef enum { METHOD_LIST(ENUM_MEMBER) } method_kind;
#define SCALE_LIST(X) X(SCALE, HALF, half) X(SCALE, MEAN, mean) X(SCALE, ENTRIES, entries)
typedef enum { SCALE_LIST(ENUM_MEMBER) } scale_kind;

static const lindyn_param params[] = {
	{"n", LINDYN_P_INT, "100", 1, 100000, NULL, "samples (rows of X)"},
	{"d", LINDYN_P_INT, "400", 1, 100000, NULL, "input dimension D (columns of X)"},
	{"m", LINDYN_P_INT, "1", 1, 10000, NULL, "output dimension"},
	{"h", LINDYN_P_INT, "500", 1, 1000000, NULL, "hidden width"},
	{"data", LINDYN_P_ENUM, "orthonormal", 0, 0, TWOLAYER_DATA_KINDS,
	 "X: iid N(0,x_std^2) | orthonormal rows (S1 E1) | identity (n == d)"},
	{"x_std", LINDYN_P_REAL, "1", 0, LINDYN_UNBOUNDED, NULL, "std of the entries of X (data=gauss)"},
	{"theta_std", LINDYN_P_REAL, "0.05", 0, LINDYN_UNBOUNDED, NULL, "std of the entries of the teacher Theta"},
	{"noise", LINDYN_P_REAL, "0.01", 0, LINDYN_UNBOUNDED, NULL, "std of the label noise: Y = X Theta + noise*eps"},
	{"xavier", LINDYN_P_BOOL, "0", 0, 0, NULL,
	 "scale X by 1/sqrt(m h): the network (1/sqrt(mh)) U V^T of S2 S5.1"},
	{"init", LINDYN_P_ENUM, "gauss", 0, 0, ENUM_CHOICES(INIT_LIST),
	 "W1 ~ N(0,sigma_u^2), W2 ~ N(0,sigma_v^2) | both N(0,h^-2alpha) | balanced, same "
	 "end-to-end matrix | U2(0) = 0 | only V(0) U2(0)^T = 0 (h > d) | w1_npy, w2_npy"},
	{"sigma_u", LINDYN_P_REAL, "0.1", 0, LINDYN_UNBOUNDED, NULL, "std of W1 = U (init=gauss|balanced|invariant|vperp)"},
	{"sigma_v", LINDYN_P_REAL, "0.1", 0, LINDYN_UNBOUNDED, NULL, "std of W2 = V^T (init=gauss|balanced|invariant|vperp)"},
	{"alpha", LINDYN_P_REAL, "0.5", 0.25, 0.5, NULL, "init=lemma1: entries N(0, h^(-2 alpha)); also Theorem 2's alpha"},
	{"warm", LINDYN_P_REAL, "0", 0, 1, NULL,
	 "init=balanced: end-to-end matrix (1-warm) W1 W2 + warm Theta_hat (margin)"},
	{"w1_npy", LINDYN_P_PATH, "", 0, 0, NULL, "init=npy: W1 (d x h) as .npy"},
	{"w2_npy", LINDYN_P_PATH, "", 0, 0, NULL, "init=npy: W2 (h x m) as .npy"},
	{"reduce", LINDYN_P_ENUM, "svd", 0, 0, ENUM_CHOICES(GF_REDUCE_LIST),
	 "integrate W1,W2 | U1 = Phi1^T W1 and W2 (S1 eq. 7) | U1,W2 in the row space of "
	 "[U1;W2^T](0), cost free of h"},
	{"method", LINDYN_P_ENUM, "rk8pd", 0, 0, ENUM_CHOICES(METHOD_LIST),
	 "classical RK4 at step dt (4 gradient evaluations a step) | GSL's rk4 stepper at step dt: "
	 "step doubling, returns two RK4 half steps (12 evaluations a step) | adaptive "
	 "Runge-Kutta-Fehlberg 4(5) | Prince-Dormand 8(9) | explicit Euler = the papers' GD with "
	 "eta = dt n/2 (mean loss)"},
	{"dt", LINDYN_P_REAL, "1e-4", 1e-12, LINDYN_UNBOUNDED, NULL,
	 "rk4, rk4_doubling, euler: step; adaptive: first step"},
	{"abs_tol", LINDYN_P_REAL, "1e-12", 0, 1, NULL, "adaptive: absolute tolerance per component"},
	{"rel_tol", LINDYN_P_REAL, "1e-10", 0, 1, NULL, "adaptive: relative tolerance per component"},
	{"t_end", LINDYN_P_REAL, "0.15", 0, LINDYN_UNBOUNDED, NULL, "final flow time of L = 1/2||Y - X W1 W2||^2"},
	{"log_dt", LINDYN_P_REAL, "1e-3", 1e-12, LINDYN_UNBOUNDED, NULL, "flow time between logged rows"},
	{"loss_scale", LINDYN_P_ENUM, "mean", 0, 0, ENUM_CHOICES(SCALE_LIST),
	 "reported loss: 1/2||.||^2 | (1/n)||.||^2 (S1) | (1/(nm))||.||^2 (S2 E3)"},
	{"stop_loss", LINDYN_P_REAL, "0", 0, LINDYN_UNBOUNDED, NULL,
	 "stop once the reported loss is below this (0: run to t_end)"},
	{"delta", LINDYN_P_REAL, "0.1", 1e-12, 0.999999, NULL,
	 "failure probability delta in the Theorem 2 bound (summary)"},
	{"save_inputs", LINDYN_P_BOOL, "0", 0, 0, NULL,
	 "write x, y, w1_init, w2_init .npy: the problem for another program to start from"},
	{NULL, 0, NULL, 0, 0, NULL, NULL},
};

/* Table loss: one row at t = 0 and every log_dt of flow time (and the stop). */
#define LOSS_COLUMNS(X) \
	X(t, "flow time t of L = 1/2||Y - X W1 W2||^2") \
	X(loss, "the loss of loss_scale") \
	X(excess, "L - L*, scaled as the loss") \
	X(rate, "-dL/dt / (L - L*), from the exact gradient") \
	X(rate_bound, "lower bound on rate (S2 Prop. 1, eq. 17)") \
	X(bound_thm1, "S1 Theorem 1: (L(0) - L*) exp(-2 lambda_r c t), scaled as the loss") \
	X(bound_thm3, "margin bound (L(0) - L*) exp(-lambda_r c_margin t), scaled as the loss") \
	X(c, "level of imbalance (S1 S3.1) = Delta (S2 eq. 20)") \
	X(c_margin, "imbalance-and-margin level (S2 eq. 21)") \
	X(delta_plus, "Delta+ (S2 eq. 18)") \
	X(delta_minus, "Delta- (S2 eq. 19)") \
	X(drift, "||Lambda(t) - Lambda(0)||_F, Lambda = U1^T U1 - W2 W2^T") \
	X(dist, "||W1 W2 - Theta_hat||_F") \
	X(range_err, "||Phi1 Phi1^T W1 W2 - Theta_hat||_F") \
	X(null_norm, "||Phi2 Phi2^T W1 W2||_F = ||U2 V^T||_F") \
	X(u2_drift, "||Phi2 Phi2^T (W1(t) - W1(0))||_F (reduce=none; 0 otherwise)") \
	X(grad_evals, "gradient evaluations so far") \
	X(steps, "integrator steps so far")
/* Table summary: one row at the end. */
#define SUMMARY_COLUMNS(X) \
	X(h, "hidden width") \
	X(c, "level of imbalance at t = 0") \
	X(c_margin, "imbalance-and-margin level at t = 0") \
	X(delta_plus, "Delta+ at t = 0") \
	X(delta_minus, "Delta- at t = 0") \
	X(excess0, "L(0) - L*, scaled as the loss") \
	X(lambda_r, "smallest nonzero eigenvalue of Sigma_x") \
	X(lambda_1, "largest eigenvalue of Sigma_x") \
	X(loss_star, "L* = min of L, scaled as the loss") \
	X(t_stop, "flow time at the end of the run") \
	X(t_cross, "flow time the loss crossed stop_loss (t_stop if it did not)") \
	X(loss_final, "the loss at t_stop") \
	X(dist_final, "||W1 W2 - Theta_hat||_F at the last logged row") \
	X(null0, "||U2 V^T||_F at t = 0") \
	X(z0, "||[V U2^T; U1 U2^T]||_F at t = 0 (S1 Lemma 1 eq. 18)") \
	X(p0, "||U1 V^T||_F at t = 0 (S1 Lemma 1 eq. 19)") \
	X(thm2_bound, "the S1 Theorem 2 bound") \
	X(grad_evals, "gradient evaluations of the run") \
	X(steps, "integrator steps of the run") \
	X(stopped, "1 if the run stopped at stop_loss, else 0")
/* Table spectrum: the eigenvalues of Lambda(0) in its row-space coordinates. */
#define SPECTRUM_COLUMNS(X) \
	X(i, "index among the h eigenvalues (1 = largest; nonpositive ones at the end)") \
	X(lambda, "eigenvalue of Lambda(0)") \
	X(lambda_scaled, "lambda times lambda_r")

static const lindyn_column loss_columns[] = { LOSS_COLUMNS(COLUMN_DEF) { NULL, NULL } };
static const lindyn_column summary_columns[] = { SUMMARY_COLUMNS(COLUMN_DEF) { NULL, NULL } };
static const lindyn_column spectrum_columns[] = { SPECTRUM_COLUMNS(COLUMN_DEF) { NULL, NULL } };
static const lindyn_table_def tables[] = {
	{"loss", "one row every log_dt of flow time: loss, bounds, imbalance, distances", loss_columns},
	{"summary", "one row: the levels at t = 0, the end of the run and the S1 Theorem 2 bound",
	 summary_columns},
	{"spectrum", "the nonzero-candidate eigenvalues of the imbalance at t = 0", spectrum_columns},
	{NULL, NULL, NULL},
};

typedef struct {
	size_t n, d, m, h, w;
	enum { STEP_RK4, STEP_RK4_DOUBLING, STEP_EULER, STEP_ADAPTIVE } method;
	double dt, t_end, log_dt, scale, stop_loss, alpha, delta;
	gsl_matrix *X, *Theta, *Y, *W1_0, *Q, *N;
	gf_data g;
	gf_flow f;
	gf_observer o;
	int have_g, have_f, have_o;
	double *y, *dydt; /* dydt: the Euler step's direction */
	rk4_classic rk4;
	gsl_odeiv2_system sys;
	gsl_odeiv2_driver *drv;
	double z0, p0;
} rk4_gf;

static void rk4_gf_free(void *state)
{
	rk4_gf *s = state;
	if (!s)
		return;
	if (s->have_o)
		gf_observer_free(&s->o);
	if (s->have_f)
		gf_flow_free(&s->f);
	if (s->have_g)
		gf_data_free(&s->g);
	gsl_matrix *ms[] = {s->X, s->Theta, s->Y, s->W1_0, s->Q, s->N};
	for (size_t i = 0; i < sizeof ms / sizeof *ms; i++)
		gsl_matrix_free(ms[i]);
	if (s->drv)
		gsl_odeiv2_driver_free(s->drv);
	rk4_classic_free(&s->rk4);
	free(s->y);
	free(s->dydt);
	free(s);
}

static int read_npy(lindyn_host *h, const char *key, gsl_matrix *M)
{
	const char *path = h->get_str(h, key);
	if (!path[0])
		return LINDYN_ERROR(h, LINDYN_EINVAL, "init=npy needs %s=FILE", key);
	return h->npy_read(h, path, M->size1, M->size2, M->data);
}

/* Draws the data and W1 (d x h), W2 (h x m) the way `init` says. */
static int make_problem(rk4_gf *s, lindyn_host *h, gsl_matrix *W1, gsl_matrix *W2)
{
	init_kind init = (init_kind)h->get_enum(h, "init");
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!rng)
		return LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory");
	gsl_rng_set(rng, h->seed(h));
	int st = twolayer_data(rng, (twolayer_data_kind)h->get_enum(h, "data"), h->get_real(h, "x_std"),
	                       h->get_real(h, "theta_std"), h->get_real(h, "noise"), s->X,
	                       s->Theta, s->Y);
	if (!st && init != INIT_NPY) {
		double su = h->get_real(h, "sigma_u"), sv = h->get_real(h, "sigma_v");
		if (init == INIT_LEMMA1)
			su = sv = pow((double)s->h, -s->alpha);
		twolayer_init_gauss(rng, su, sv, W1, W2);
	}
	gsl_rng_free(rng);
	if (st)
		return LINDYN_ERROR(h, LINDYN_ENUMERIC, "drawing the data failed (%s)",
		                    gsl_strerror(st));
	if (h->get_bool(h, "xavier"))
		gsl_matrix_scale(s->X, 1.0 / sqrt((double)(s->m * s->h)));
	if ((st = gf_data_init(&s->g, s->X, s->Y)))
		return LINDYN_ERROR(h, LINDYN_ENUMERIC, "SVD of X failed (%s)", gsl_strerror(st));
	s->have_g = 1;
	if (init == INIT_NPY) {
		if ((st = read_npy(h, "w1_npy", W1)) || (st = read_npy(h, "w2_npy", W2)))
			return st;
	} else if (init == INIT_BALANCED) {
		if ((st = gf_init_balanced(&s->g, h->get_real(h, "warm"), W1, W2)))
			return LINDYN_ERROR(h, LINDYN_ENUMERIC,
			                    "init=balanced failed (%s): needs h >= m, n <= d and a "
			                    "nonzero end-to-end matrix in the row space of X",
			                    gsl_strerror(st));
	} else if (init == INIT_INVARIANT) {
		if ((st = gf_init_invariant(&s->g, W1)))
			return LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory");
	} else if (init == INIT_VPERP) {
		if (s->h <= s->d)
			return LINDYN_ERROR(h, LINDYN_EINVAL, "init=vperp needs h > d (h=%zu, d=%zu)",
			                    s->h, s->d);
		if ((st = gf_init_v_perp_u2(&s->g, W1, W2)))
			return LINDYN_ERROR(h, LINDYN_ENUMERIC, "init=vperp failed (%s)",
			                    gsl_strerror(st));
	}
	return LINDYN_OK;
}

/* X (after xavier), Y and the initial W1, W2, row-major as the host's .npy. */
static int save_inputs(const rk4_gf *s, lindyn_host *h, const gsl_matrix *W1,
                       const gsl_matrix *W2)
{
	int st = h->npy_write(h, "x", s->n, s->d, s->X->data);
	if (!st)
		st = h->npy_write(h, "y", s->n, s->m, s->Y->data);
	if (!st)
		st = h->npy_write(h, "w1_init", s->d, s->h, W1->data);
	if (!st)
		st = h->npy_write(h, "w2_init", s->h, s->m, W2->data);
	return st;
}

/* Packs the initial state y(0) for the chosen reduction and the matrices the
 * observer borrows (Q, N, W1_0). */
static int make_state(rk4_gf *s, lindyn_host *h, gf_reduce mode, const gsl_matrix *W1,
                      const gsl_matrix *W2)
{
	const gf_data *g = &s->g;
	size_t r = g->r, m = s->m, d = s->d, hw = s->h, k = r + m;
	gsl_matrix *U1 = gsl_matrix_alloc(r, hw);
	int st = LINDYN_ENOMEM;
	if (!U1)
		goto out;
	gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, g->Phi1, W1, 0.0, U1);
	if (hw > k) { /* Lambda has rank <= k: work in the row space (gf_observe.h) */
		if (!(s->Q = gsl_matrix_alloc(hw, k)))
			goto out;
		if (gf_rowspace_basis(U1, W2, s->Q)) {
			st = LINDYN_ERROR(h, LINDYN_ENUMERIC, "QR of [U1; W2^T] failed");
			goto out;
		}
	}
	s->w = mode == GF_ROWSPACE && s->Q ? k : hw;
	size_t rows = mode == GF_FULL ? d : r, na = rows * s->w;
	if (!(s->y = malloc((na + s->w * m) * sizeof *s->y)))
		goto out;
	gsl_matrix_view A = gsl_matrix_view_array(s->y, rows, s->w);
	gsl_matrix_view B = gsl_matrix_view_array(s->y + na, s->w, m);
	if (mode == GF_FULL) {
		gsl_matrix_memcpy(&A.matrix, W1);
		gsl_matrix_memcpy(&B.matrix, W2);
		if (!(s->W1_0 = gsl_matrix_alloc(d, hw)))
			goto out;
		gsl_matrix_memcpy(s->W1_0, W1);
	} else if (s->w == hw) {
		if (!(s->N = gsl_matrix_alloc(d, hw)))
			goto out;
		gsl_matrix_memcpy(&A.matrix, U1);
		gsl_matrix_memcpy(&B.matrix, W2);
		gf_data_null_part(g, W1, U1, s->N); /* U1 is recomputed as scratch */
	} else { /* coordinates U1 Q, Q^T W2; null part N Q = W1 Q - Phi1 (U1 Q) */
		if (!(s->N = gsl_matrix_alloc(d, s->w)))
			goto out;
		gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, U1, s->Q, 0.0, &A.matrix);
		gsl_blas_dgemm(CblasTrans, CblasNoTrans, 1.0, s->Q, W2, 0.0, &B.matrix);
		gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, W1, s->Q, 0.0, s->N);
		gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, -1.0, g->Phi1, &A.matrix, 1.0, s->N);
		gsl_matrix_free(s->Q); /* the coordinates are the row space itself */
		s->Q = NULL;
	}
	st = LINDYN_OK;
out:
	gsl_matrix_free(U1);
	if (st == LINDYN_ENOMEM)
		st = LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory (d=%zu h=%zu)", d, hw);
	return st;
}

static int make_integrator(rk4_gf *s, lindyn_host *h)
{
	method_kind method = (method_kind)h->get_enum(h, "method");
	double atol = h->get_real(h, "abs_tol"), rtol = h->get_real(h, "rel_tol");
	const gsl_odeiv2_step_type *type = gsl_odeiv2_step_rk4;
	s->method = method == METHOD_RK4            ? STEP_RK4
	            : method == METHOD_RK4_DOUBLING ? STEP_RK4_DOUBLING
	            : method == METHOD_EULER        ? STEP_EULER
	                                            : STEP_ADAPTIVE;
	if (method == METHOD_RKF45)
		type = gsl_odeiv2_step_rkf45;
	else if (method == METHOD_RK8PD)
		type = gsl_odeiv2_step_rk8pd;
	if (s->method == STEP_EULER && !(s->dydt = malloc(s->f.dim * sizeof *s->dydt)))
		return LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory");
	if (s->method == STEP_RK4 && rk4_classic_init(&s->rk4, s->f.dim))
		return LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory");
	if (s->method == STEP_ADAPTIVE && atol == 0.0 && rtol == 0.0)
		return LINDYN_ERROR(h, LINDYN_EINVAL,
		                    "method=%s needs abs_tol > 0 or rel_tol > 0",
		                    h->get_str(h, "method"));
	s->sys = (gsl_odeiv2_system){gf_flow_rhs, NULL, s->f.dim, &s->f};
	if (s->method == STEP_RK4 || s->method == STEP_EULER)
		return LINDYN_OK;
	/* The driver only bundles step, control and evolve; rk4_doubling ignores the
	 * control. */
	s->drv = gsl_odeiv2_driver_alloc_standard_new(&s->sys, type, s->dt,
	                                              s->method == STEP_ADAPTIVE ? atol : 1e-6,
	                                              s->method == STEP_ADAPTIVE ? rtol : 0.0, 1.0, 0.0);
	if (!s->drv)
		return LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory (integrator)");
	return LINDYN_OK;
}

static void *rk4_gf_alloc(lindyn_host *h)
{
	rk4_gf *s = calloc(1, sizeof *s);
	if (!s) {
		LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory");
		return NULL;
	}
	s->n = (size_t)h->get_int(h, "n");
	s->d = (size_t)h->get_int(h, "d");
	s->m = (size_t)h->get_int(h, "m");
	s->h = (size_t)h->get_int(h, "h");
	s->dt = h->get_real(h, "dt");
	s->t_end = h->get_real(h, "t_end");
	s->log_dt = h->get_real(h, "log_dt");
	s->stop_loss = h->get_real(h, "stop_loss");
	s->alpha = h->get_real(h, "alpha");
	s->delta = h->get_real(h, "delta");
	twolayer_data_kind data = (twolayer_data_kind)h->get_enum(h, "data");
	scale_kind scale = (scale_kind)h->get_enum(h, "loss_scale");
	s->scale = scale == SCALE_HALF   ? 1.0
	           : scale == SCALE_MEAN ? 2.0 / (double)s->n
	                                 : 2.0 / (double)(s->n * s->m);
	gf_reduce mode = (gf_reduce)h->get_enum(h, "reduce");
	gsl_matrix *W1 = NULL, *W2 = NULL;

	if (data == DATA_IDENTITY && s->n != s->d) {
		LINDYN_ERROR(h, LINDYN_EINVAL, "data=identity needs n == d (n=%zu, d=%zu)", s->n,
		             s->d);
		goto fail;
	}
	if (data == DATA_ORTHONORMAL && s->n > s->d) {
		LINDYN_ERROR(h, LINDYN_EINVAL, "data=orthonormal needs n <= d (n=%zu, d=%zu)", s->n,
		             s->d);
		goto fail;
	}
	if (s->t_end / s->log_dt > 1e7) {
		LINDYN_ERROR(h, LINDYN_EINVAL, "t_end/log_dt = %g rows; at most 1e7 (raise log_dt)",
		             s->t_end / s->log_dt);
		goto fail;
	}
	s->X = gsl_matrix_alloc(s->n, s->d);
	s->Theta = gsl_matrix_alloc(s->d, s->m);
	s->Y = gsl_matrix_alloc(s->n, s->m);
	W1 = gsl_matrix_alloc(s->d, s->h);
	W2 = gsl_matrix_alloc(s->h, s->m);
	if (!s->X || !s->Theta || !s->Y || !W1 || !W2) {
		LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory");
		goto fail;
	}
	if (make_problem(s, h, W1, W2) ||
	    (h->get_bool(h, "save_inputs") && save_inputs(s, h, W1, W2)) ||
	    make_state(s, h, mode, W1, W2))
		goto fail;
	if (gf_flow_init(&s->f, &s->g, mode, s->w)) {
		LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory");
		goto fail;
	}
	s->have_f = 1;
	if (gf_observer_init(&s->o, &s->f, s->Q, s->N, s->W1_0)) {
		LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory");
		goto fail;
	}
	s->have_o = 1;
	if (gf_observe_lemma1(&s->o, &s->f, s->y, &s->z0, &s->p0)) {
		LINDYN_ERROR(h, LINDYN_ENOMEM, "out of memory");
		goto fail;
	}
	if (make_integrator(s, h))
		goto fail;
	gsl_matrix_free(W1);
	gsl_matrix_free(W2);
	return s;
fail: /* the reason was reported through LINDYN_ERROR */
	gsl_matrix_free(W1);
	gsl_matrix_free(W2);
	rk4_gf_free(s);
	return NULL;
}

/* Theorem 2 of S1: 2 C^(1/h^(1-2a)) sqrt(m+r) (sqrt m + sqrt D + log(2/delta)/2)
 * / h^(2a - 1/2), C = exp(1 + lambda_1^(1/2) ||Y||_F / lambda_r). */
static double theorem2_bound(const rk4_gf *s)
{
	double a = s->alpha, hh = (double)s->h;
	double ynorm = linalg_frob(s->Y);
	double logC = 1.0 + sqrt(s->o.lam_1) / s->o.lam_r * ynorm;
	return 2.0 * exp(logC / pow(hh, 1.0 - 2.0 * a)) * sqrt((double)(s->m + s->g.r)) *
	       (sqrt((double)s->m) + sqrt((double)s->d) + 0.5 * log(2.0 / s->delta)) /
	       pow(hh, 2.0 * a - 0.5);
}

typedef struct {
	lindyn_table *loss;
	double excess0, c0, cm0;
	long steps;
} run_log;

/* Writes the row of the observation ob at time t. */
static int write_row(rk4_gf *s, lindyn_host *h, run_log *L, double t, const gf_obs *ob)
{
	double lr = s->o.lam_r;
	double row[] = {t,
	                s->scale * (ob->excess + s->g.loss_star),
	                s->scale * ob->excess,
	                ob->rate,
	                ob->rate_bound,
	                s->scale * L->excess0 * exp(-2.0 * lr * L->c0 * t),
	                s->scale * L->excess0 * exp(-lr * L->cm0 * t),
	                ob->c,
	                ob->c_margin,
	                ob->delta_plus,
	                ob->delta_minus,
	                ob->drift,
	                ob->dist,
	                ob->range_err,
	                ob->null_norm,
	                ob->u2_drift,
	                (double)s->f.evals,
	                (double)L->steps};
	_Static_assert(sizeof row / sizeof row[0] == COLUMN_COUNT(LOSS_COLUMNS), "loss columns");
	return h->rowv(L->loss, COLUMN_COUNT(LOSS_COLUMNS), row);
}

/* Observes the current state into ob and writes its row. */
static int log_row(rk4_gf *s, lindyn_host *h, run_log *L, double t, gf_obs *ob)
{
	gf_observe(&s->o, &s->f, s->y, ob);
	return write_row(s, h, L, t, ob);
}

static int emit_spectrum(rk4_gf *s, lindyn_host *h)
{
	lindyn_table *T = h->table(h, "spectrum", NULL);
	if (!T)
		return LINDYN_EIO;
	size_t k = s->o.k;
	for (size_t j = 0; j < k; j++) { /* decreasing; nonpositive ones at the end of 1..h */
		double l = gsl_vector_get(s->o.eval, k - 1 - j);
		double i = l > 0.0 ? (double)(j + 1) : (double)(s->h - (k - 1 - j));
		double row[] = {i, l, l * s->o.lam_r};
		int st = h->rowv(T, COLUMN_COUNT(SPECTRUM_COLUMNS), row);
		if (st)
			return st;
	}
	return LINDYN_OK;
}

static int rk4_gf_run(void *state, lindyn_host *h)
{
	rk4_gf *s = state;
	run_log L = {0};
	gf_obs ob0, ob;
	L.loss = h->table(h, "loss", NULL);
	lindyn_table *sum = h->table(h, "summary", NULL);
	if (!L.loss || !sum)
		return LINDYN_EIO;
	gf_observe(&s->o, &s->f, s->y, &ob0);
	L.excess0 = ob0.excess;
	L.c0 = ob0.c;
	L.cm0 = ob0.c_margin;
	ob = ob0; /* the last logged observation */
	int st = emit_spectrum(s, h);
	if (st || (st = write_row(s, h, &L, 0.0, &ob0)))
		return st;

	gsl_odeiv2_driver *D = s->drv;
	double t = 0.0, loss = s->scale * (ob0.excess + s->g.loss_star);
	size_t next = 1;
	int stopped = s->stop_loss > 0.0 && loss < s->stop_loss;
	double t_cross = 0.0; /* when the loss crossed stop_loss */
	while (t < s->t_end && !stopped) {
		double t_prev = t, loss_prev = loss;
		double target = fmin((double)next * s->log_dt, s->t_end);
		if (s->method == STEP_ADAPTIVE) {
			st = gsl_odeiv2_evolve_apply(D->e, D->c, D->s, &s->sys, &t, target, &D->h, s->y);
		} else {
			double step = target - t < s->dt * (1.0 + 1e-9) ? target - t : s->dt;
			if (s->method == STEP_RK4) {
				st = rk4_classic_step(&s->rk4, &s->sys, t, step, s->y);
				t += step;
			} else if (s->method == STEP_RK4_DOUBLING) {
				st = gsl_odeiv2_evolve_apply_fixed_step(D->e, NULL, D->s, &s->sys, &t, step,
				                                        s->y);
			} else { /* one GD step: y <- y - eta' grad L = y + dt dy/dt */
				st = gf_flow_rhs(t, s->y, s->dydt, &s->f);
				for (size_t i = 0; i < s->f.dim; i++)
					s->y[i] += step * s->dydt[i];
				t += step;
			}
			if (fabs(target - t) <= 1e-9 * s->dt)
				t = target;
		}
		if (st)
			return LINDYN_ERROR(h, LINDYN_ENUMERIC, "integrator failed at t=%g (%s)", t,
			                    gsl_strerror(st));
		L.steps++;
		loss = s->scale * (gf_flow_excess(&s->f, s->y) + s->g.loss_star);
		if (!isfinite(loss))
			return LINDYN_ERROR(h, LINDYN_EDIVERGE, "loss is not finite at t=%g", t);
		stopped = s->stop_loss > 0.0 && loss < s->stop_loss;
		/* An adaptive step may overshoot the crossing: locate it assuming the
		 * loss decays exponentially within the step. */
		t_cross = stopped ? t_prev + (t - t_prev) * log(loss_prev / s->stop_loss) /
		                                 log(loss_prev / loss)
		                  : t;
		if (t >= target || stopped) {
			if ((st = log_row(s, h, &L, t, &ob)))
				return st;
			next += t >= target;
		}
		if ((st = h->progress(h, s->t_end > 0 ? t / s->t_end : 1.0, L.steps, loss)))
			return st;
	}
	double row[] = {(double)s->h, ob0.c, ob0.c_margin, ob0.delta_plus, ob0.delta_minus,
	                s->scale * ob0.excess, s->o.lam_r, s->o.lam_1,
	                s->scale * s->g.loss_star, t, t_cross, loss, ob.dist, ob0.null_norm, s->z0, s->p0,
	                theorem2_bound(s), (double)s->f.evals, (double)L.steps, (double)stopped};
	_Static_assert(sizeof row / sizeof row[0] == COLUMN_COUNT(SUMMARY_COLUMNS), "summary columns");
	return h->rowv(sum, COLUMN_COUNT(SUMMARY_COLUMNS), row);
}

static const lindyn_plugin descriptor = {
	LINDYN_PLUGIN_HEADER,
	.name = "rk4_gf",
	.version = "1.1.0",
	.summary = "gradient flow of a two-layer linear network (gsl_odeiv2, SVD-reduced)",
	.params = params,
	.alloc = rk4_gf_alloc,
	.run = rk4_gf_run,
	.free = rk4_gf_free,
	.smoke_args = "n=10 d=20 h=30 t_end=0.05 log_dt=0.01",
	.tables = tables,
};

LINDYN_EXPORT const lindyn_plugin *lindyn_plugin_descriptor(uint32_t index)
{
	return index == 0 ? &descriptor : NULL;
}
