/* expr.c -- recursive-descent evaluator of claim expressions. */
#include "expr.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tsv.h"

#define MAX_NAMES 128
#define MAX_TABLES 64
#define MAX_ARGS 8

struct expr_env {
	char *datadir;
	char *names[MAX_NAMES];
	double values[MAX_NAMES];
	size_t nnames;
	tsv tables[MAX_TABLES]; /* cache: claims read the same files again and again */
	size_t ntables;
};

typedef struct {
	expr_env *env;
	const char *p;
	char *err;
	size_t errlen;
	int failed;
} parser;

typedef struct {
	int is_string;
	double x;
	char s[512];
} arg;

expr_env *expr_env_new(const char *datadir)
{
	expr_env *env = calloc(1, sizeof *env);
	if (env && !(env->datadir = strdup(datadir))) {
		free(env);
		env = NULL;
	}
	return env;
}

void expr_env_free(expr_env *env)
{
	if (!env)
		return;
	for (size_t i = 0; i < env->nnames; i++)
		free(env->names[i]);
	for (size_t i = 0; i < env->ntables; i++)
		tsv_free(&env->tables[i]);
	free(env->datadir);
	free(env);
}

int expr_define(expr_env *env, const char *name, double value)
{
	for (size_t i = 0; i < env->nnames; i++)
		if (!strcmp(env->names[i], name)) {
			env->values[i] = value;
			return 0;
		}
	if (env->nnames == MAX_NAMES || !(env->names[env->nnames] = strdup(name)))
		return -1;
	env->values[env->nnames++] = value;
	return 0;
}

static double fail(parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static double fail(parser *ps, const char *fmt, ...)
{
	if (!ps->failed) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(ps->err, ps->errlen, fmt, ap);
		va_end(ap);
		ps->failed = 1;
	}
	return NAN;
}

static void skip(parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

static int accept(parser *ps, const char *tok)
{
	skip(ps);
	size_t n = strlen(tok);
	if (strncmp(ps->p, tok, n))
		return 0;
	/* "<" must not swallow the first character of "<=". */
	if (n == 1 && strchr("<>=!", tok[0]) && ps->p[1] == '=')
		return 0;
	ps->p += n;
	return 1;
}

static const tsv *table(parser *ps, const char *name)
{
	expr_env *env = ps->env;
	char path[1024], err[512];
	snprintf(path, sizeof path, "%s/%s.tsv", env->datadir, name);
	for (size_t i = 0; i < env->ntables; i++)
		if (!strcmp(env->tables[i].path, path))
			return &env->tables[i];
	if (env->ntables == MAX_TABLES) { /* evict the oldest */
		tsv_free(&env->tables[0]);
		memmove(env->tables, env->tables + 1, (MAX_TABLES - 1) * sizeof *env->tables);
		env->ntables--;
	}
	if (tsv_read(&env->tables[env->ntables], path, err, sizeof err)) {
		fail(ps, "%s", err);
		return NULL;
	}
	if (!env->tables[env->ntables].nrows) {
		fail(ps, "%s: no data rows", path);
		tsv_free(&env->tables[env->ntables]);
		return NULL;
	}
	return &env->tables[env->ntables++];
}

static int column(parser *ps, const tsv *t, const char *name)
{
	int c = tsv_col(t, name);
	if (c < 0)
		fail(ps, "%s: no column '%s'", t->path, name);
	return c;
}

#define AT(t, r, c) ((t)->v[(size_t)(r) * (t)->ncols + (size_t)(c)])

static double slope(parser *ps, const tsv *t, int xc, int yc, double x0, double x1,
                    const char *mode)
{
	int logx = !strcmp(mode, "loglog"), logy = logx || !strcmp(mode, "semilogy");
	if (!logx && !logy && strcmp(mode, "linear"))
		return fail(ps, "slope: mode must be \"loglog\", \"semilogy\" or \"linear\"");
	double sx = 0, sy = 0, sxx = 0, sxy = 0;
	size_t n = 0;
	for (size_t r = 0; r < t->nrows; r++) {
		double x = AT(t, r, xc), y = AT(t, r, yc);
		if (x < x0 || x > x1)
			continue;
		if ((logx && x <= 0) || (logy && y <= 0))
			return fail(ps, "slope: non-positive value on a log axis in %s", t->path);
		x = logx ? log(x) : x;
		y = logy ? log(y) : y;
		sx += x, sy += y, sxx += x * x, sxy += x * y, n++;
	}
	if (n < 2)
		return fail(ps, "slope: fewer than 2 rows of %s with x in [%g, %g]", t->path, x0, x1);
	return ((double)n * sxy - sx * sy) / ((double)n * sxx - sx * sx);
}

static double status_of(parser *ps, const char *run)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s/.done", ps->env->datadir, run);
	FILE *f = fopen(path, "r");
	int code;
	if (!f)
		return fail(ps, "%s: run has not completed", path);
	int ok = fscanf(f, "%d", &code) == 1;
	fclose(f);
	return ok ? code : fail(ps, "%s: malformed", path);
}

/* Signature letters: T table string, c column string, n number, m mode string. */
static double call(parser *ps, const char *name, arg *a, int n)
{
	static const struct {
		const char *name, *sig;
	} fns[] = {
		{ "first", "Tc" }, { "last", "Tc" }, { "min", "Tc" }, { "max", "Tc" },
		{ "mean", "Tc" }, { "rows", "T" }, { "at", "Tccn" }, { "maxdiff", "Tcc" },
		{ "maxratio", "Tcc" }, { "slope", "Tccnnm" }, { "status", "m" },
		{ "abs", "n" }, { "log", "n" }, { "log10", "n" }, { "exp", "n" },
		{ "sqrt", "n" }, { "pow", "nn" }, { "fmin", "nn" }, { "fmax", "nn" },
	};
	size_t f = 0;
	while (f < sizeof fns / sizeof *fns && strcmp(fns[f].name, name))
		f++;
	if (f == sizeof fns / sizeof *fns)
		return fail(ps, "unknown function '%s'", name);
	const char *sig = fns[f].sig;
	if ((int)strlen(sig) != n)
		return fail(ps, "%s() takes %zu arguments, got %d", name, strlen(sig), n);
	for (int i = 0; i < n; i++)
		if ((sig[i] != 'n') != a[i].is_string)
			return fail(ps, "%s(): argument %d must be a %s", name, i + 1,
			            sig[i] == 'n' ? "number" : "quoted string");
	if (!strcmp(name, "status"))
		return status_of(ps, a[0].s);
	if (sig[0] != 'T') {
		double x = a[0].x;
		switch (name[0]) {
		case 'a': return fabs(x);
		case 'e': return exp(x);
		case 's': return sqrt(x);
		case 'p': return pow(x, a[1].x);
		case 'f': return name[2] == 'i' ? fmin(x, a[1].x) : fmax(x, a[1].x);
		default: return name[3] == '1' ? log10(x) : log(x);
		}
	}
	const tsv *t = table(ps, a[0].s);
	if (!t)
		return NAN;
	if (!strcmp(name, "rows"))
		return (double)t->nrows;
	int c = column(ps, t, a[1].s);
	if (c < 0)
		return NAN;
	if (!strcmp(name, "first"))
		return AT(t, 0, c);
	if (!strcmp(name, "last"))
		return AT(t, t->nrows - 1, c);
	if (!strcmp(name, "slope")) {
		int yc = column(ps, t, a[2].s);
		return yc < 0 ? NAN : slope(ps, t, c, yc, a[3].x, a[4].x, a[5].s);
	}
	if (!strcmp(name, "at")) {
		int xc = column(ps, t, a[2].s);
		if (xc < 0)
			return NAN;
		double v = a[3].x;
		for (size_t r = 0; r + 1 < t->nrows; r++) {
			double xa = AT(t, r, xc), xb = AT(t, r + 1, xc);
			if ((xa <= v && v <= xb) || (xb <= v && v <= xa)) {
				double w = xb == xa ? 0 : (v - xa) / (xb - xa);
				return AT(t, r, c) + w * (AT(t, r + 1, c) - AT(t, r, c));
			}
		}
		if (t->nrows == 1 && AT(t, 0, xc) == v)
			return AT(t, 0, c);
		return fail(ps, "at(): %g is outside the range of column '%s' in %s", v, a[2].s,
		            t->path);
	}
	int c2 = sig[2] == 'c' ? column(ps, t, a[2].s) : 0;
	if (c2 < 0)
		return NAN;
	double acc = !strcmp(name, "min") ? INFINITY : !strcmp(name, "mean") ? 0 : -INFINITY;
	for (size_t r = 0; r < t->nrows; r++) {
		double x = AT(t, r, c);
		if (!strcmp(name, "min"))
			acc = fmin(acc, x);
		else if (!strcmp(name, "max"))
			acc = fmax(acc, x);
		else if (!strcmp(name, "mean"))
			acc += x / (double)t->nrows;
		else if (!strcmp(name, "maxdiff"))
			acc = fmax(acc, x - AT(t, r, c2));
		else
			acc = fmax(acc, x / AT(t, r, c2));
	}
	return acc;
}

static double parse_or(parser *ps);

static double primary(parser *ps)
{
	skip(ps);
	if (accept(ps, "(")) {
		double v = parse_or(ps);
		if (!accept(ps, ")"))
			return fail(ps, "expected ')' at '%.20s'", ps->p);
		return v;
	}
	if (isdigit((unsigned char)*ps->p) || *ps->p == '.') {
		char *end;
		double v = strtod(ps->p, &end);
		ps->p = end;
		return v;
	}
	if (!isalpha((unsigned char)*ps->p))
		return fail(ps, "unexpected '%.20s'", *ps->p ? ps->p : "end of expression");
	char name[64];
	size_t n = 0;
	while ((isalnum((unsigned char)*ps->p) || *ps->p == '_') && n + 1 < sizeof name)
		name[n++] = *ps->p++;
	name[n] = 0;
	if (!accept(ps, "(")) {
		for (size_t i = 0; i < ps->env->nnames; i++)
			if (!strcmp(ps->env->names[i], name))
				return ps->env->values[i];
		return fail(ps, "unknown name '%s'", name);
	}
	arg a[MAX_ARGS];
	int na = 0;
	if (!accept(ps, ")")) {
		do {
			if (na == MAX_ARGS)
				return fail(ps, "%s(): too many arguments", name);
			skip(ps);
			arg *x = &a[na++];
			x->is_string = *ps->p == '"';
			if (x->is_string) {
				const char *close = strchr(ps->p + 1, '"');
				if (!close)
					return fail(ps, "unterminated string");
				snprintf(x->s, sizeof x->s, "%.*s", (int)(close - ps->p - 1), ps->p + 1);
				ps->p = close + 1;
			} else {
				x->x = parse_or(ps);
			}
		} while (accept(ps, ","));
		if (!accept(ps, ")"))
			return fail(ps, "%s(): expected ')' at '%.20s'", name, ps->p);
	}
	return ps->failed ? NAN : call(ps, name, a, na);
}

static double unary(parser *ps)
{
	if (accept(ps, "-"))
		return -unary(ps);
	if (accept(ps, "!"))
		return unary(ps) == 0;
	return primary(ps);
}

static double mul(parser *ps)
{
	double v = unary(ps);
	for (;;) {
		if (accept(ps, "*"))
			v *= unary(ps);
		else if (accept(ps, "/"))
			v /= unary(ps);
		else
			return v;
	}
}

static double add(parser *ps)
{
	double v = mul(ps);
	for (;;) {
		if (accept(ps, "+"))
			v += mul(ps);
		else if (accept(ps, "-"))
			v -= mul(ps);
		else
			return v;
	}
}

static double cmp(parser *ps)
{
	double v = add(ps);
	if (accept(ps, "<="))
		return v <= add(ps);
	if (accept(ps, ">="))
		return v >= add(ps);
	if (accept(ps, "=="))
		return v == add(ps);
	if (accept(ps, "!="))
		return v != add(ps);
	if (accept(ps, "<"))
		return v < add(ps);
	if (accept(ps, ">"))
		return v > add(ps);
	return v;
}

static double parse_and(parser *ps)
{
	double v = cmp(ps);
	while (accept(ps, "&&")) {
		double w = cmp(ps);
		v = v != 0 && w != 0;
	}
	return v;
}

static double parse_or(parser *ps)
{
	double v = parse_and(ps);
	while (accept(ps, "||")) {
		double w = parse_and(ps);
		v = v != 0 || w != 0;
	}
	return v;
}

int expr_eval(expr_env *env, const char *text, double *value, char *err, size_t errlen)
{
	parser ps = { env, text, err, errlen, 0 };
	double v = parse_or(&ps);
	skip(&ps);
	if (!ps.failed && *ps.p)
		fail(&ps, "unexpected '%.20s'", ps.p);
	if (!ps.failed && isnan(v))
		fail(&ps, "the value is not a number");
	*value = v;
	return ps.failed ? -1 : 0;
}
