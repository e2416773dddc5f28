/* expr.c -- recursive-descent evaluator of claim expressions.  Every value
 * it computes is finite: a step that would make NaN or infinity (division by
 * zero, overflow, log of a negative number, a degenerate fit) is an error
 * with its reason, so a claim can never pass on a NaN comparison. */
#include "expr.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../host/names.h"
#include "../host/regular_file.h"
#include "tsv.h"

#define MAX_TABLES 64
#define MAX_ARGS 8
#define MAX_DATA_PATH 1024 /* a table or run argument; real ones are < 200 */
#define PATH_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.,+=-"

struct expr_env {
	char *datadir;
	char **names;
	double *values;
	size_t nnames, names_cap;
	char **experiments; /* allowed first components of data paths; empty: any */
	size_t nexperiments;
	int confined; /* arguments must name one of experiments (maybe none) */
	expr_resolver resolve; /* NULL: arguments are paths */
	void *resolve_ctx;
	expr_checker check; /* check mode when not NULL */
	void *check_ctx;
	tsv tables[MAX_TABLES]; /* cache: claims read the same files again and again */
	size_t ntables;
};

typedef struct {
	expr_env *env;
	const char *p;
	char *err;
	size_t errlen;
	int failed, depth;
} parser;

typedef struct {
	int is_string;
	double x;
	char *s; /* a quoted string's contents, owned */
} arg;

/* Signature letters: T table, c column, n number, m mode string, R run. */
static const struct {
	const char *name, *sig;
} functions[] = {
	{ "first", "Tc" }, { "last", "Tc" }, { "min", "Tc" }, { "max", "Tc" },
	{ "mean", "Tc" }, { "rows", "T" }, { "at", "Tccn" }, { "maxdiff", "Tcc" },
	{ "maxratio", "Tcc" }, { "slope", "Tccnnm" }, { "status", "R" },
	{ "abs", "n" }, { "log", "n" }, { "log10", "n" }, { "exp", "n" },
	{ "sqrt", "n" }, { "pow", "nn" }, { "fmin", "nn" }, { "fmax", "nn" },
};

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
	free(env->names);
	free(env->values);
	for (size_t i = 0; i < env->nexperiments; i++)
		free(env->experiments[i]);
	free(env->experiments);
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
	if (env->nnames == env->names_cap) {
		size_t cap = env->names_cap ? 2 * env->names_cap : 16;
		char **names = realloc(env->names, cap * sizeof *names);
		if (names)
			env->names = names;
		double *values = realloc(env->values, cap * sizeof *values);
		if (values)
			env->values = values;
		if (!names || !values)
			return -1;
		env->names_cap = cap;
	}
	if (!(env->names[env->nnames] = strdup(name)))
		return -1;
	env->values[env->nnames++] = value;
	return 0;
}

void expr_env_confine(expr_env *env) { env->confined = 1; }

void expr_env_resolve_with(expr_env *env, expr_resolver fn, void *ctx)
{
	env->resolve = fn;
	env->resolve_ctx = ctx;
}

/* The length of the name s starts with: a letter, then letters, digits and
 * '_'; 0 when s starts with no name. */
static size_t name_span(const char *s)
{
	size_t n = 0;
	if (isalpha((unsigned char)*s))
		while (isalnum((unsigned char)s[n]) || s[n] == '_')
			n++;
	return n;
}

int expr_is_name(const char *s)
{
	size_t n = name_span(s);
	return n && !s[n] && n <= NAME_MAX_LEN;
}

int expr_env_allow_experiment(expr_env *env, const char *name)
{
	env->confined = 1;
	char **grown = realloc(env->experiments, (env->nexperiments + 1) * sizeof *grown);
	if (!grown)
		return -1;
	env->experiments = grown;
	if (!(grown[env->nexperiments] = strdup(name)))
		return -1;
	env->nexperiments++;
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

/* The experiments a data path may start with, as "a, b, c" in buf. */
static const char *allowed_list(const expr_env *env, char *buf, size_t len)
{
	snprintf(buf, len, "%s", env->nexperiments ? "" : "it defines none");
	for (size_t i = 0, used = 0; i < env->nexperiments && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "",
		                         env->experiments[i]);
	return buf;
}

/* A table or run argument names data of this document's experiments only:
 * a relative path of safe components, the first one an allowed experiment. */
static int data_path_ok(parser *ps, const char *fn, const char *path)
{
	if (strlen(path) > MAX_DATA_PATH)
		return fail(ps, "%s(): \"%.80s...\" is longer than %d characters", fn, path,
		            MAX_DATA_PATH), 0;
	if (!*path || *path == '/')
		return fail(ps, "%s(): \"%.80s\" is not a relative path under the data directory", fn,
		            path), 0;
	for (const char *c = path;; c++) {
		size_t len = strcspn(c, "/"), ok = strspn(c, PATH_CHARS);
		if (!len || (len == 1 && c[0] == '.') || (len == 2 && !strncmp(c, "..", 2)))
			return fail(ps, "%s(): \"%.80s\": empty, '.' and '..' path components are not "
			                "allowed", fn, path), 0;
		if (ok < len)
			return fail(ps, "%s(): \"%.80s\": byte 0x%02x ('%c') is not allowed in a path "
			                "(only [A-Za-z0-9_.,+=-] and '/')", fn, path, (unsigned char)c[ok],
			            isgraph((unsigned char)c[ok]) ? c[ok] : '?'), 0;
		c += len;
		if (!*c)
			break;
	}
	if (!ps->env->confined)
		return 1;
	size_t first = strcspn(path, "/");
	for (size_t i = 0; i < ps->env->nexperiments; i++)
		if (strlen(ps->env->experiments[i]) == first &&
		    !strncmp(ps->env->experiments[i], path, first))
			return 1;
	char list[256];
	return fail(ps, "%s(): \"%.80s\": '%.*s' is not an experiment of this document (%s)", fn,
	            path, (int)(first > 64 ? 64 : first), path,
	            allowed_list(ps->env, list, sizeof list)), 0;
}

/* "<datadir>/<rel><suffix>" (caller frees), or NULL after fail(). */
static char *data_file(parser *ps, const char *rel, const char *suffix)
{
	char *path;
	if (asprintf(&path, "%s/%s%s", ps->env->datadir, rel, suffix) < 0) {
		fail(ps, "out of memory");
		return NULL;
	}
	return path;
}

void expr_env_check_with(expr_env *env, expr_checker fn, void *ctx)
{
	env->check = fn;
	env->check_ctx = ctx;
}

/* Check mode: the reference and column arguments go to the checker. */
static double check_call(parser *ps, const char *name, const char *sig, const arg *a)
{
	const char *cols[MAX_ARGS];
	size_t n = 0;
	char why[1024];
	for (size_t i = 1; sig[i]; i++)
		if (sig[i] == 'c')
			cols[n++] = a[i].s;
	if (ps->env->check(ps->env->check_ctx, a[0].s, sig[0] == 'R', cols, n, why, sizeof why))
		return fail(ps, "%s(): %s", name, why);
	return 1;
}

/* The path under the data directory an argument names: the resolver's,
 * else the argument itself; malloc'd, or NULL after fail(). */
static char *resolved(parser *ps, const char *fn, const char *arg, int is_run)
{
	char why[512];
	char *rel = ps->env->resolve ? ps->env->resolve(ps->env->resolve_ctx, arg, is_run, why,
	                                                sizeof why)
	                             : strdup(arg);
	if (!rel)
		fail(ps, "%s(): %s", fn, ps->env->resolve ? why : "out of memory");
	else if (!data_path_ok(ps, fn, rel)) {
		free(rel);
		rel = NULL;
	}
	return rel;
}

static const tsv *table(parser *ps, const char *fn, const char *name)
{
	expr_env *env = ps->env;
	char *rel = resolved(ps, fn, name, 0);
	char *path = rel ? data_file(ps, rel, ".tsv") : NULL;
	free(rel);
	if (!path)
		return NULL;
	for (size_t i = 0; i < env->ntables; i++)
		if (!strcmp(env->tables[i].path, path)) {
			free(path);
			return &env->tables[i];
		}
	if (env->ntables == MAX_TABLES) { /* evict the oldest */
		tsv_free(&env->tables[0]);
		memmove(env->tables, env->tables + 1, (MAX_TABLES - 1) * sizeof *env->tables);
		env->ntables--;
	}
	tsv *t = &env->tables[env->ntables];
	if (tsv_read(t, path, ps->err, ps->errlen))
		ps->failed = 1; /* the reason is in ps->err */
	else if (!t->nrows) {
		fail(ps, "%s: no data rows", path);
		tsv_free(t);
	} else
		env->ntables++;
	free(path);
	return ps->failed ? NULL : t;
}

static int column(parser *ps, const tsv *t, const char *name)
{
	int c = tsv_col(t, name);
	if (c < 0)
		fail(ps, "%s: no column '%.64s'", t->path, name);
	return c;
}

#define AT(t, r, c) ((t)->v[(size_t)(r) * (t)->ncols + (size_t)(c)])

static double slope(parser *ps, const tsv *t, int xc, int yc, double x0, double x1,
                    const char *mode)
{
	int logx = !strcmp(mode, "loglog"), logy = logx || !strcmp(mode, "semilogy");
	if (!logx && !logy && strcmp(mode, "linear"))
		return fail(ps, "slope: mode must be \"loglog\", \"semilogy\" or \"linear\"");
	double sx = 0, sy = 0, sxx = 0, sxy = 0, xfirst = 0;
	size_t n = 0;
	int distinct = 0;
	for (size_t r = 0; r < t->nrows; r++) {
		double x = AT(t, r, xc), y = AT(t, r, yc);
		if (x < x0 || x > x1)
			continue;
		if ((logx && x <= 0) || (logy && y <= 0))
			return fail(ps, "slope: non-positive value on a log axis in %s", t->path);
		distinct |= n && x != xfirst;
		xfirst = n ? xfirst : x;
		x = logx ? log(x) : x;
		y = logy ? log(y) : y;
		sx += x, sy += y, sxx += x * x, sxy += x * y, n++;
	}
	if (n < 2)
		return fail(ps, "slope: fewer than 2 rows of %s with x in [%g, %g]", t->path, x0, x1);
	if (!distinct)
		return fail(ps, "slope: every row of %s with x in [%g, %g] has the same x", t->path, x0,
		            x1);
	return ((double)n * sxy - sx * sy) / ((double)n * sxx - sx * sx);
}

/* The exit code a completed run recorded in <run>/.done ("0\n" or "3\n"). */
static double status_of(parser *ps, const char *run)
{
	char err[4096], text[16];
	char *rel = resolved(ps, "status", run, 1);
	char *path = rel ? data_file(ps, rel, "/.done") : NULL;
	free(rel);
	if (!path)
		return NAN;
	FILE *f = regular_file_open(path, err, sizeof err);
	if (!f) {
		fail(ps, "run has not completed: %s", err);
		free(path);
		return NAN;
	}
	size_t n = fread(text, 1, sizeof text - 1, f);
	fclose(f);
	text[n] = 0;
	size_t d = strspn(text, "0123456789");
	double code = d && d <= 3 && !strcmp(text + d, "\n") ? atoi(text)
	                                                     : fail(ps, "%s: malformed (expected an "
	                                                                "exit code)", path);
	free(path);
	return code;
}

static double maths(const char *name, const arg *a)
{
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

/* at(T, c, x, v): c linearly interpolated where column x equals v. */
static double interpolate(parser *ps, const tsv *t, int c, int xc, const char *xname, double v)
{
	for (size_t r = 0; r + 1 < t->nrows; r++) {
		double xa = AT(t, r, xc), xb = AT(t, r + 1, xc);
		if ((xa <= v && v <= xb) || (xb <= v && v <= xa)) {
			double w = xb == xa ? 0 : (v - xa) / (xb - xa);
			return AT(t, r, c) + w * (AT(t, r + 1, c) - AT(t, r, c));
		}
	}
	if (t->nrows == 1 && AT(t, 0, xc) == v)
		return AT(t, 0, c);
	return fail(ps, "at(): %g is outside the range of column '%s' in %s", v, xname, t->path);
}

/* min, max, mean, maxdiff, maxratio over the rows of t. */
static double over_rows(parser *ps, const char *name, const tsv *t, int c, int c2)
{
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
		else if (AT(t, r, c2) == 0)
			return fail(ps, "maxratio(): column '%s' is 0 in data row %zu of %s", t->cols[c2],
			            r + 1, t->path);
		else
			acc = fmax(acc, x / AT(t, r, c2));
	}
	return acc;
}

static double table_function(parser *ps, const char *name, const char *sig, arg *a)
{
	const tsv *t = table(ps, name, a[0].s);
	if (!t)
		return NAN;
	if (!strcmp(name, "rows"))
		return (double)t->nrows;
	int c = column(ps, t, a[1].s), c2 = sig[2] == 'c' ? column(ps, t, a[2].s) : 0;
	if (c < 0 || c2 < 0)
		return NAN;
	if (!strcmp(name, "first"))
		return AT(t, 0, c);
	if (!strcmp(name, "last"))
		return AT(t, t->nrows - 1, c);
	if (!strcmp(name, "slope"))
		return slope(ps, t, c, c2, a[3].x, a[4].x, a[5].s);
	if (!strcmp(name, "at"))
		return interpolate(ps, t, c, c2, a[2].s, a[3].x);
	return over_rows(ps, name, t, c, c2);
}

static double call(parser *ps, size_t f, arg *a, int n)
{
	const char *name = functions[f].name, *sig = functions[f].sig;
	if ((int)strlen(sig) != n)
		return fail(ps, "%s() takes %zu arguments, got %d", name, strlen(sig), n);
	for (int i = 0; i < n; i++)
		if ((sig[i] != 'n') != a[i].is_string)
			return fail(ps, "%s(): argument %d must be a %s", name, i + 1,
			            sig[i] == 'n' ? "number" : "quoted string");
	double v = ps->env->check && strchr("RT", sig[0]) ? check_call(ps, name, sig, a)
	         : sig[0] == 'R' ? status_of(ps, a[0].s)
	         : sig[0] == 'T' ? table_function(ps, name, sig, a) : maths(name, a);
	if (!ps->failed && !isfinite(v))
		return fail(ps, "%s(): the value is %s", name,
		            isnan(v) ? "not a number (NaN)" : v > 0 ? "infinite" : "-infinite");
	return v;
}

static double parse_or(parser *ps);

/* One argument of a call: a quoted string or an expression. */
static int argument(parser *ps, arg *x)
{
	skip(ps);
	x->is_string = *ps->p == '"';
	if (!x->is_string) {
		x->x = parse_or(ps);
		return ps->failed ? -1 : 0;
	}
	const char *close = strchr(ps->p + 1, '"');
	if (!close)
		return fail(ps, "unterminated string"), -1;
	if (!(x->s = strndup(ps->p + 1, (size_t)(close - ps->p - 1))))
		return fail(ps, "out of memory"), -1;
	ps->p = close + 1;
	return 0;
}

static double function_call(parser *ps, const char *name)
{
	size_t f = 0, nfn = sizeof functions / sizeof *functions;
	while (f < nfn && strcmp(functions[f].name, name))
		f++;
	if (f == nfn)
		return fail(ps, "unknown function '%s'", name);
	arg a[MAX_ARGS] = { 0 };
	int na = 0;
	if (!accept(ps, ")")) {
		do {
			if (na == MAX_ARGS)
				fail(ps, "%s() takes %zu arguments, got more than %d", name,
				     strlen(functions[f].sig), MAX_ARGS);
		} while (!ps->failed && !argument(ps, &a[na++]) && accept(ps, ","));
		if (!accept(ps, ")"))
			fail(ps, "%s(): expected ')' at '%.20s'", name, ps->p);
	}
	double v = ps->failed ? NAN : call(ps, f, a, na);
	for (int i = 0; i < na; i++)
		free(a[i].s);
	return v;
}

/* [0-9.]+ ([eE] [+-]? [0-9]+)?: the span tsv_number then checks strictly. */
static size_t number_span(const char *p)
{
	size_t n = strspn(p, "0123456789.");
	if (p[n] == 'e' || p[n] == 'E') {
		size_t sign = p[n + 1] == '+' || p[n + 1] == '-', e = strspn(p + n + 1 + sign, "0123456789");
		if (e)
			n += 1 + sign + e;
	}
	return n;
}

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
		size_t n = number_span(ps->p);
		double v;
		if (!tsv_number(ps->p, n, &v))
			return fail(ps, "'%.*s' is not a finite decimal number", n > 40 ? 40 : (int)n, ps->p);
		ps->p += n;
		return v;
	}
	size_t n = name_span(ps->p);
	if (!n)
		return fail(ps, "unexpected '%.20s'", *ps->p ? ps->p : "end of expression");
	if (n > NAME_MAX_LEN)
		return fail(ps, "name '%.20s...' is longer than %d characters", ps->p, NAME_MAX_LEN);
	char name[NAME_MAX_LEN + 1];
	memcpy(name, ps->p, n);
	name[n] = 0;
	ps->p += n;
	if (accept(ps, "("))
		return function_call(ps, name);
	for (size_t i = 0; i < ps->env->nnames; i++)
		if (!strcmp(ps->env->names[i], name))
			return ps->env->values[i];
	return fail(ps, "unknown name '%s'", name);
}

/* Every nesting (parentheses, arguments, unary operators) passes here. */
static double unary(parser *ps)
{
	if (ps->depth == EXPR_MAX_DEPTH)
		return fail(ps, "expression nested more than %d levels deep", EXPR_MAX_DEPTH);
	ps->depth++;
	double v = accept(ps, "-") ? -unary(ps) : accept(ps, "!") ? unary(ps) == 0 : primary(ps);
	ps->depth--;
	return v;
}

/* v, or an error when an operator made it NaN or infinite. */
static double checked(parser *ps, double v, char op)
{
	if (!ps->failed && !isfinite(v))
		return fail(ps, "'%c' overflows before '%.20s'", op, ps->p);
	return v;
}

static double mul(parser *ps)
{
	double v = unary(ps);
	for (;;) {
		if (accept(ps, "*"))
			v = checked(ps, v * unary(ps), '*');
		else if (accept(ps, "/")) {
			const char *at = ps->p;
			double d = unary(ps);
			v = d == 0 && !ps->failed ? fail(ps, "division by zero at '/%.20s'", at)
			                          : checked(ps, v / d, '/');
		} else
			return v;
	}
}

static double add(parser *ps)
{
	double v = mul(ps);
	for (;;) {
		if (accept(ps, "+"))
			v = checked(ps, v + mul(ps), '+');
		else if (accept(ps, "-"))
			v = checked(ps, v - mul(ps), '-');
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
	parser ps = { env, text, err, errlen, 0, 0 };
	double v = parse_or(&ps);
	skip(&ps);
	if (!ps.failed && *ps.p)
		fail(&ps, "unexpected '%.20s'", ps.p);
	if (!ps.failed && !isfinite(v)) /* each step is checked; this guards the contract */
		fail(&ps, "'%.60s' is not a finite number", text);
	*value = v;
	return ps.failed ? -1 : 0;
}
