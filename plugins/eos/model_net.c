/* model_net.c -- a two-layer linear network on one data point, g = v^T W a.
 *
 * x holds W (width x inputs, row-major) then v.  With c = |a| and
 * w = W a / c the model is g = c v^T w, and GD moves only the pair (v, w):
 *   v <- v - eta r c w,   w <- w - eta r c v,
 * while the part of W orthogonal to a never changes.  Hence the sharpness on
 * M is c^2 (|v|^2 + |w|^2) >= 2 c y, with equality on the sphere of balanced
 * pairs v = w, |v|^2 = y / c: lambda* = 2 c y and eta_c = 1/(c y).  The run
 * still iterates the full W (the network as a user would train it); only the
 * diagnostics use the pair. */
#include "model.h"

#include <gsl/gsl_cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double dot(size_t n, const double *a, const double *b)
{
	return cblas_ddot((int)n, a, 1, b, 1);
}

/* z = W a; returns g = v^T z. */
static double net_forward(eos_model *m, const double *x)
{
	size_t h = m->width, n = m->inputs;
	cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)h, (int)n, 1.0, x, (int)n, m->a, 1,
	            0.0, m->z, 1);
	return dot(h, x + h * n, m->z);
}

static double net_step(eos_model *m, double eta, double *x)
{
	size_t h = m->width, n = m->inputs;
	double *W = x, *v = x + h * n;
	double r = net_forward(m, x) - m->y;
	/* W <- W - eta r v a^T with the old v, then v <- v - eta r (W_old a). */
	cblas_dger(CblasRowMajor, (int)h, (int)n, -eta * r, v, 1, m->a, 1, W, (int)n);
	cblas_daxpy((int)h, -eta * r, m->z, 1, v, 1);
	return 0.5 * r * r;
}

static double net_residual(eos_model *m, const double *x)
{
	return net_forward(m, x) - m->y;
}

static double net_loss(eos_model *m, const double *x)
{
	double r = net_residual(m, x);
	return 0.5 * r * r;
}

static void net_grad(eos_model *m, const double *x, double *out)
{
	size_t h = m->width, n = m->inputs;
	const double *v = x + h * n;
	double r = net_forward(m, x) - m->y;
	for (size_t i = 0; i < h; i++) {
		for (size_t j = 0; j < n; j++)
			out[i * n + j] = r * v[i] * m->a[j];
		out[h * n + i] = r * m->z[i];
	}
}

static double net_gradg2(eos_model *m, const double *x)
{
	size_t h = m->width, n = m->inputs;
	const double *v = x + h * n;
	net_forward(m, x);
	return dot(h, v, v) * m->anorm * m->anorm + dot(h, m->z, m->z);
}

/* Hess f d = grad g (grad g . d) + r K d with K (dW, dv) = (dv a^T, dW a). */
static void net_hvp(eos_model *m, const double *x, const double *d, double *out)
{
	size_t h = m->width, n = m->inputs;
	const double *v = x + h * n, *dW = d, *dv = d + h * n;
	double r = net_forward(m, x) - m->y;
	double *dWa = m->work;
	cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)h, (int)n, 1.0, dW, (int)n, m->a, 1,
	            0.0, dWa, 1);
	double s = dot(h, v, dWa) + dot(h, m->z, dv);
	for (size_t i = 0; i < h; i++) {
		double coef = s * v[i] + r * dv[i];
		for (size_t j = 0; j < n; j++)
			out[i * n + j] = coef * m->a[j];
		out[h * n + i] = s * m->z[i] + r * dWa[i];
	}
}

static void net_hessian(eos_model *m, const double *x, double *H)
{
	size_t h = m->width, n = m->inputs, D = m->dim;
	const double *v = x + h * n;
	double r = net_forward(m, x) - m->y;
	double *G = m->work;
	for (size_t i = 0; i < h; i++) {
		for (size_t j = 0; j < n; j++)
			G[i * n + j] = v[i] * m->a[j];
		G[h * n + i] = m->z[i];
	}
	for (size_t k = 0; k < D; k++)
		for (size_t l = 0; l < D; l++)
			H[k * D + l] = G[k] * G[l];
	for (size_t i = 0; i < h; i++)
		for (size_t j = 0; j < n; j++) {
			H[(i * n + j) * D + h * n + i] += r * m->a[j];
			H[(h * n + i) * D + i * n + j] += r * m->a[j];
		}
}

void eos_net_pair(const eos_model *m, const double *x, double *w)
{
	size_t h = m->width, n = m->inputs;
	cblas_dgemv(CblasRowMajor, CblasNoTrans, (int)h, (int)n, 1.0 / m->anorm, x, (int)n,
	            m->a, 1, 0.0, w, 1);
}

/* Foot point.  The Lagrange condition p - x = mu grad g(p) reads, on the pair,
 * v' = v + t w', w' = w + t v' with t = mu c, so v' + w' = (v + w)/(1 - t) and
 * v' - w' = (v - w)/(1 + t); g(p) = y is then
 *   h(t) = c (A/(1 - t)^2 - B/(1 + t)^2)/4 - y = 0,  A = |v+w|^2, B = |v-w|^2,
 * increasing on (-1, 1).  W moves by (t/c) v' a^T. */
static void net_project(eos_model *m, const double *x, double *p)
{
	size_t h = m->width, n = m->inputs, D = m->dim;
	const double *v = x + h * n;
	double *w = m->work, c = m->anorm, A = 0.0, B = 0.0;
	eos_net_pair(m, x, w);
	for (size_t i = 0; i < h; i++) {
		A += (v[i] + w[i]) * (v[i] + w[i]);
		B += (v[i] - w[i]) * (v[i] - w[i]);
	}
	memcpy(p, x, D * sizeof *p);
	if (!(A > 0.0))
		return; /* v = -w: g <= 0 everywhere on the pair's orbit; no foot point */
	double lo = -1.0, hi = 1.0, t = 0.0;
	for (int it = 0; it < 200; it++) {
		double a1 = 1.0 - t, b1 = 1.0 + t;
		double hv = c * (A / (a1 * a1) - B / (b1 * b1)) / 4.0 - m->y;
		double dh = c * (2.0 * A / (a1 * a1 * a1) + 2.0 * B / (b1 * b1 * b1)) / 4.0;
		if (hv < 0.0)
			lo = t;
		else
			hi = t;
		if (hv == 0.0 || hi - lo <= 1e-16)
			break;
		double next = t - hv / dh;
		if (!(next > lo && next < hi))
			next = 0.5 * (lo + hi);
		if (next == t)
			break;
		t = next;
	}
	double *pv = p + h * n;
	for (size_t i = 0; i < h; i++) {
		double s = (v[i] + w[i]) / (1.0 - t), dd = (v[i] - w[i]) / (1.0 + t);
		pv[i] = 0.5 * (s + dd);
	}
	for (size_t i = 0; i < h; i++)
		for (size_t j = 0; j < n; j++)
			p[i * n + j] += (t / c) * pv[i] * m->a[j];
}

/* The flattest set is {v = W a/c = s, |s|^2 = y/c, W's part orthogonal to a
 * free}; its point nearest to x has s along the mean of v and w. */
static void net_flattest(eos_model *m, const double *x, double *xs)
{
	size_t h = m->width, n = m->inputs;
	const double *v = x + h * n;
	double *w = m->work, *s = m->work + h, rho = sqrt(m->y / m->anorm), norm = 0.0;
	eos_net_pair(m, x, w);
	for (size_t i = 0; i < h; i++) {
		s[i] = 0.5 * (v[i] + w[i]);
		norm += s[i] * s[i];
	}
	norm = sqrt(norm);
	for (size_t i = 0; i < h; i++)
		s[i] = norm > 0.0 ? rho * s[i] / norm : (i == 0 ? rho : 0.0);
	for (size_t i = 0; i < h; i++) {
		for (size_t j = 0; j < n; j++)
			xs[i * n + j] = x[i * n + j] + (s[i] - w[i]) * m->a[j] / m->anorm;
		xs[h * n + i] = s[i];
	}
}

/* |v v^T - w w^T|_F: one GD step multiplies it by exactly |1 - eta^2 r^2 c^2|. */
static double net_balance(eos_model *m, const double *x)
{
	size_t h = m->width;
	const double *v = x + h * m->inputs;
	double *w = m->work;
	eos_net_pair(m, x, w);
	double vv = dot(h, v, v), ww = dot(h, w, w), vw = dot(h, v, w);
	double b2 = vv * vv + ww * ww - 2.0 * vw * vw;
	return b2 > 0.0 ? sqrt(b2) : 0.0;
}

static double net_balance_factor(eos_model *m, double eta, const double *x)
{
	double rc = net_residual(m, x) * m->anorm;
	return fabs(1.0 - eta * eta * rc * rc);
}

static double net_spread(eos_model *m, const double *x)
{
	size_t h = m->width;
	const double *v = x + h * m->inputs;
	double *w = m->work, s = 0.0;
	eos_net_pair(m, x, w);
	for (size_t i = 0; i < h; i++)
		s += (v[i] - w[i]) * (v[i] - w[i]);
	return sqrt(s);
}

static const eos_model_ops net_ops = {
	.name = "net",
	.flags = EOS_LSQ | EOS_FLAT,
	.step = net_step,
	.loss = net_loss,
	.grad = net_grad,
	.hvp = net_hvp,
	.hessian = net_hessian,
	.project = net_project,
	.residual = net_residual,
	.gradg2 = net_gradg2,
	.flattest = net_flattest,
	.balance = net_balance,
	.spread = net_spread,
	.balance_factor = net_balance_factor,
	.sharpness_on_m = net_gradg2,
};

eos_model *eos_net_new(size_t width, size_t inputs, const double *a, double y)
{
	eos_model *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->ops = &net_ops;
	m->width = width;
	m->inputs = inputs;
	m->dim = width * inputs + width;
	m->y = y;
	m->a = malloc(inputs * sizeof *m->a);
	m->z = malloc(width * sizeof *m->z);
	m->work = malloc((m->dim + 2 * width) * sizeof *m->work);
	if (!m->a || !m->z || !m->work) {
		eos_model_free(m);
		return NULL;
	}
	memcpy(m->a, a, inputs * sizeof *a);
	m->anorm = sqrt(dot(inputs, a, a));
	m->lambda_star = 2.0 * m->anorm * fabs(y);
	m->exact_balance = 1;
	return m;
}

static double normalize(size_t n, double *x)
{
	double s = sqrt(dot(n, x, x));
	if (s > 0.0)
		for (size_t i = 0; i < n; i++)
			x[i] /= s;
	return s;
}

void eos_net_init(const eos_model *m, int balanced, double a, double eps, double perp,
                  const double *gauss, double *x)
{
	size_t h = m->width, n = m->inputs;
	double *e = m->work, *f = m->work + h, *G = x, *v = x + h * n;
	double rho = sqrt(m->y / m->anorm);
	memcpy(e, gauss, h * sizeof *e);
	memcpy(f, gauss + h, h * sizeof *f);
	memcpy(G, gauss + 2 * h, h * n * sizeof *G);
	normalize(h, e);
	double fe = dot(h, f, e);
	for (size_t i = 0; i < h; i++)
		f[i] -= fe * e[i];
	if (h < 2 || normalize(h, f) < 1e-12)
		memset(f, 0, h * sizeof *f);
	/* G <- G (I - a a^T/|a|^2), scaled to unit Frobenius norm: inert in W. */
	for (size_t i = 0; i < h; i++) {
		double ga = dot(n, G + i * n, m->a) / (m->anorm * m->anorm);
		for (size_t j = 0; j < n; j++)
			G[i * n + j] -= ga * m->a[j];
	}
	double gnorm = sqrt(dot(h * n, G, G));
	for (size_t k = 0; k < h * n; k++)
		G[k] = gnorm > 1e-12 ? perp * rho * G[k] / gnorm : 0.0;
	double wcoef = balanced ? rho + eps : rho / a + eps;
	for (size_t i = 0; i < h; i++) {
		v[i] = balanced ? (rho + eps) * e[i] : rho * (a * e[i] + perp * f[i]);
		for (size_t j = 0; j < n; j++)
			G[i * n + j] += wcoef * e[i] * m->a[j] / m->anorm;
	}
}
