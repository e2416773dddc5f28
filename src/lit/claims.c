/* claims.c -- evaluate a claim: its let: lines, its measure, its expect (or
 * its quick: line at quick scale), and its known: reason. */
#include "claims.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "select.h"

const char *claim_outcome_name(claim_outcome o)
{
	static const char *names[CLAIM_OUTCOMES] = { "PASS", "FAIL", "ERROR", "DIFFERS", "n/a" };
	return (unsigned)o < CLAIM_OUTCOMES ? names[o] : "?";
}

static const char *text_of(const block *b, const char *key)
{
	const block_field *f = block_field_get(b, key);
	return f ? f->value : "";
}

static void set_error(claim_result *r, const char *fmt, const char *a, const char *b)
{
	snprintf(r->detail, sizeof r->detail, fmt, a, b);
	r->outcome = CLAIM_ERROR;
}

/* Evaluates text into *v (expr_eval never yields NaN or infinity); -1 with r
 * an ERROR naming what. */
static int eval(expr_env *env, const char *text, double *v, claim_result *r, const char *what)
{
	char err[400];
	if (expr_eval(env, text, v, err, sizeof err)) {
		set_error(r, "%s: %s", what, err);
		return -1;
	}
	return 0;
}

/* The forms of expect: in paper/FORMAT.md. */
typedef enum { EXPECT_TRUE, EXPECT_LE, EXPECT_GE, EXPECT_LT, EXPECT_GT, EXPECT_IN, EXPECT_TOL } expect_form;

typedef struct {
	expect_form form;
	char a[512], b[512]; /* the expressions: V; A and B; V and T */
	int percent;         /* T is a percentage of |V| */
} expectation;

/* The first ',' outside parentheses and quotes: A and B of "in [A, B]" may
 * be calls with arguments of their own. */
static char *top_level_comma(char *s)
{
	int depth = 0, quoted = 0;
	for (; *s; s++) {
		if (*s == '"')
			quoted = !quoted;
		else if (!quoted && *s == '(')
			depth++;
		else if (!quoted && *s == ')')
			depth--;
		else if (!quoted && !depth && *s == ',')
			return s;
	}
	return NULL;
}

/* Copies n characters of s into out, which holds 512; -1 when too long. */
static int copy_part(char *out, const char *s, size_t n)
{
	if (n >= 512)
		return -1;
	memcpy(out, s, n);
	out[n] = 0;
	return 0;
}

/* Splits e into its form and expressions; -1 with *why set when it is none
 * of the forms. */
static int expect_parse(const char *e, expectation *x, const char **why)
{
	static const char *ops[] = { "<=", ">=", "<", ">" };
	static const expect_form forms[] = { EXPECT_LE, EXPECT_GE, EXPECT_LT, EXPECT_GT };
	memset(x, 0, sizeof *x);
	*why = "is not one of: true, < V, <= V, > V, >= V, in [A, B], V +- T, V +- P%";
	if (!strcmp(e, "true")) {
		x->form = EXPECT_TRUE;
		return 0;
	}
	for (size_t i = 0; i < 4; i++)
		if (!strncmp(e, ops[i], strlen(ops[i]))) {
			x->form = forms[i];
			return copy_part(x->a, e + strlen(ops[i]), strlen(e + strlen(ops[i])));
		}
	if (!strncmp(e, "in", 2) && strchr(e, '[')) {
		x->form = EXPECT_IN;
		*why = "is malformed: expected 'in [A, B]'";
		char buf[512];
		if (copy_part(buf, strchr(e, '[') + 1, strlen(strchr(e, '[') + 1)))
			return -1;
		char *comma = top_level_comma(buf), *close = strrchr(buf, ']');
		if (!comma || !close || close < comma || close[1])
			return -1;
		*comma = *close = 0;
		return copy_part(x->a, buf, strlen(buf)) || copy_part(x->b, comma + 1, strlen(comma + 1));
	}
	const char *pm = strstr(e, "+-");
	if (pm) {
		x->form = EXPECT_TOL;
		if (copy_part(x->a, e, (size_t)(pm - e)) || copy_part(x->b, pm + 2, strlen(pm + 2)))
			return -1;
		char *pct = strchr(x->b, '%');
		x->percent = pct != NULL;
		if (pct && pct[1 + strspn(pct + 1, " \t")]) {
			*why = "is malformed: '%' must end 'V +- P%'";
			return -1;
		}
		if (pct)
			*pct = 0;
		return 0;
	}
	return -1;
}

/* Judges r->measured against x: PASS or FAIL with r->expected set, or ERROR. */
static void expect_judge(expr_env *env, const expectation *x, claim_result *r)
{
	static const char *ops[] = { [EXPECT_LE] = "<=", [EXPECT_GE] = ">=", [EXPECT_LT] = "<",
		                         [EXPECT_GT] = ">" };
	double m = r->measured, a = 0, b = 0;
	if (x->form != EXPECT_TRUE && eval(env, x->a, &a, r, "expect"))
		return;
	if ((x->form == EXPECT_IN || x->form == EXPECT_TOL) && eval(env, x->b, &b, r, "expect"))
		return;
	int ok = 0;
	switch (x->form) {
	case EXPECT_TRUE:
		ok = m != 0;
		snprintf(r->expected, sizeof r->expected, "true");
		break;
	case EXPECT_LE: case EXPECT_GE: case EXPECT_LT: case EXPECT_GT:
		ok = x->form == EXPECT_LE ? m <= a : x->form == EXPECT_GE ? m >= a
		     : x->form == EXPECT_LT ? m < a : m > a;
		snprintf(r->expected, sizeof r->expected, "%s %.6g", ops[x->form], a);
		break;
	case EXPECT_IN:
		ok = a <= m && m <= b;
		snprintf(r->expected, sizeof r->expected, "in [%.6g, %.6g]", a, b);
		break;
	case EXPECT_TOL: {
		double t = x->percent ? fabs(a) * b / 100 : b;
		ok = fabs(m - a) <= t;
		snprintf(r->expected, sizeof r->expected, "%.6g +- %.3g", a, t);
		break;
	}
	}
	r->outcome = ok ? CLAIM_PASS : CLAIM_FAIL;
}

/* The reason of "quick: n/a REASON", or NULL when q is an expectation. */
static const char *not_applicable_reason(const char *q)
{
	if (strncmp(q, "n/a", 3) || (q[3] && q[3] != ' ' && q[3] != '\t'))
		return NULL;
	q += 3;
	return q + strspn(q, " \t");
}

/* Checks the known: and quick: lines and decides which expectation applies;
 * -1 with r an ERROR when a line is malformed, 1 when the claim is n/a. */
static int choose_expectation(const doc *d, const block *b, int quick, claim_result *r,
                              expectation *x)
{
	const block_field *known = block_field_get(b, "known"), *q = block_field_get(b, "quick");
	char where[600];
	const char *why;
	if (known && !*known->value) {
		snprintf(where, sizeof where, "%s:%d", d->path, known->line);
		set_error(r, "%s: known: needs a one-line reason (%s)", where, "why the claim differs");
		return -1;
	}
	const char *na = q ? not_applicable_reason(q->value) : NULL;
	if (q && na && !*na) {
		snprintf(where, sizeof where, "%s:%d", d->path, q->line);
		set_error(r, "%s: quick: n/a needs a reason (%s)", where, "why quick scale cannot show it");
		return -1;
	}
	expectation qx;
	if (q && !na && expect_parse(q->value, &qx, &why)) { /* checked at every scale */
		snprintf(where, sizeof where, "%s:%d: quick: '%s'", d->path, q->line, q->value);
		set_error(r, "%s %s", where, why);
		return -1;
	}
	if (expect_parse(r->expect, x, &why)) { /* checked at every scale too */
		snprintf(where, sizeof where, "expect: '%s'", r->expect);
		set_error(r, "%s %s", where, why);
		return -1;
	}
	if (quick && q && na) {
		snprintf(r->detail, sizeof r->detail, "%s", na);
		r->outcome = CLAIM_NA;
		return 1;
	}
	if (quick && q) {
		r->expect = q->value;
		r->quick_expect = 1;
		*x = qx;
	}
	return 0;
}

/* A known: reason turns a FAIL of the paper's expectation into DIFFERS; a
 * PASS tells that the reason no longer applies. */
static void apply_known(claim_result *r)
{
	if (!*r->known || r->quick_expect)
		return;
	if (r->outcome == CLAIM_FAIL) {
		r->outcome = CLAIM_DIFFERS;
		snprintf(r->detail, sizeof r->detail, "%s", r->known);
	} else if (r->outcome == CLAIM_PASS) {
		snprintf(r->detail, sizeof r->detail,
		         "the known: line is stale: the claim now passes (known: %s)", r->known);
	}
}

/* Defines the let: lines in order; -1 with r an ERROR. */
static int define_lets(const doc *d, const block *b, expr_env *env, claim_result *r)
{
	for (size_t i = 0; i < b->nfields; i++) {
		const block_field *f = &b->fields[i];
		if (strcmp(f->key, "let"))
			continue;
		char name[64];
		const char *eq = strchr(f->value, '=');
		size_t n = eq ? strcspn(f->value, " \t=") : 0;
		if (n < sizeof name)
			snprintf(name, sizeof name, "%.*s", (int)n, f->value);
		if (!eq || !n || n >= sizeof name || !expr_is_name(name) ||
		    f->value + n + strspn(f->value + n, " \t") != eq) {
			snprintf(r->detail, sizeof r->detail, "%s:%d: let needs 'name = expression'",
			         d->path, f->line);
			r->outcome = CLAIM_ERROR;
			return -1;
		}
		double v;
		if (eval(env, eq + 1, &v, r, name))
			return -1;
		if (expr_define(env, name, v)) {
			set_error(r, "%s: %s", name, "cannot be defined");
			return -1;
		}
	}
	return 0;
}

/* A second line of a key that a claim holds once (only let: repeats); -1
 * with r an ERROR naming both lines. */
static int repeated_key(const doc *d, const block *b, claim_result *r)
{
	for (size_t i = 0; i < b->nfields; i++) {
		const block_field *f = &b->fields[i], *first = block_field_get(b, f->key);
		if (first != f && strcmp(f->key, "let")) {
			snprintf(r->detail, sizeof r->detail, "%s:%d: second '%s:' line (the first is at line %d)",
			         d->path, f->line, f->key, first->line);
			r->outcome = CLAIM_ERROR;
			return -1;
		}
	}
	return 0;
}

/* Claims may read the data of this document's experiments only. */
static int allow_document_experiments(const doc *d, expr_env *env)
{
	expr_env_confine(env); /* a document without experiments reads no data */
	for (size_t i = 0; i < d->nblocks; i++) {
		const block_field *name = d->blocks[i].kind == BLOCK_EXPERIMENT
		                        ? block_field_get(&d->blocks[i], "name") : NULL;
		if (name && expr_env_allow_experiment(env, name->value))
			return -1;
	}
	return 0;
}

/* A claim's table or run reference, resolved against its document's
 * experiments: it must select exactly one point. */
static char *resolve_reference(void *ctx, const char *ref, int is_run, char *err, size_t errlen)
{
	data_sel s;
	if (data_sel_resolve(&s, ctx, ref, is_run, 1, err, errlen))
		return NULL;
	char *path = s.paths[0];
	s.paths[0] = NULL;
	data_sel_free(&s);
	return path;
}

/* The checker of claim_check, remembering whether it failed. */
typedef struct {
	expr_checker fn;
	void *ctx;
	int failed;
} check_relay;

static int relay(void *ctx, const char *ref, int is_run, const char *const *columns,
                 size_t ncolumns, char *err, size_t errlen)
{
	check_relay *r = ctx;
	int rc = r->fn(r->ctx, ref, is_run, columns, ncolumns, err, errlen);
	r->failed |= rc != 0;
	return rc;
}

/* Checks one expression of field f (its text from `text` on). */
static int check_field(expr_env *env, const block_field *f, const char *text, check_relay *r,
                       int *line)
{
	double v;
	char err[8];
	*line = f->line;
	expr_eval(env, text, &v, err, sizeof err);
	return r->failed ? -1 : 0;
}

int claim_check(const block *b, int quick, expr_checker fn, void *ctx, int *line)
{
	check_relay r = { fn, ctx, 0 };
	expr_env *env = expr_env_new("");
	if (!env)
		return 0;
	expr_env_check_with(env, relay, &r);
	int rc = 0;
	for (size_t i = 0; i < b->nfields && !rc; i++) {
		const block_field *f = &b->fields[i];
		const char *eq = strchr(f->value, '=');
		expectation x;
		const char *why;
		if (!strcmp(f->key, "let") && eq) {
			char name[64];
			snprintf(name, sizeof name, "%.*s", (int)strcspn(f->value, " \t="), f->value);
			rc = check_field(env, f, eq + 1, &r, line);
			expr_define(env, name, 1);
		} else if (!strcmp(f->key, "measure")) {
			rc = check_field(env, f, f->value, &r, line);
		} else if ((!strcmp(f->key, "expect") || (quick && !strcmp(f->key, "quick"))) &&
		           !expect_parse(f->value, &x, &why)) {
			rc = (x.form != EXPECT_TRUE && check_field(env, f, x.a, &r, line)) ||
			     ((x.form == EXPECT_IN || x.form == EXPECT_TOL) &&
			      check_field(env, f, x.b, &r, line)) ? -1 : 0;
		}
	}
	expr_env_free(env);
	return rc;
}

void claim_eval(const doc *d, const block *b, const char *datadir, int quick, claim_result *r)
{
	memset(r, 0, sizeof *r);
	r->id = text_of(b, "id");
	r->claim = text_of(b, "claim");
	r->paper = text_of(b, "paper");
	r->expect = text_of(b, "expect");
	r->known = text_of(b, "known");
	r->measured = NAN;
	r->outcome = CLAIM_ERROR;
	const char *missing = !*r->id ? "id" : !*text_of(b, "measure") ? "measure"
	                                   : !*r->expect ? "expect" : NULL;
	if (missing) {
		snprintf(r->detail, sizeof r->detail, "%s:%d: claim lacks '%s'", d->path, b->line,
		         missing);
		return;
	}
	expectation x;
	if (repeated_key(d, b, r) || choose_expectation(d, b, quick, r, &x))
		return;
	doc_experiments exps;
	char why[sizeof r->detail];
	if (doc_experiments_load(&exps, d, quick, why, sizeof why)) {
		snprintf(r->detail, sizeof r->detail, "%s", why);
		doc_experiments_free(&exps);
		return;
	}
	expr_env *env = expr_env_new(datadir);
	if (!env) {
		snprintf(r->detail, sizeof r->detail, "out of memory");
		doc_experiments_free(&exps);
		return;
	}
	expr_env_resolve_with(env, resolve_reference, &exps);
	if (allow_document_experiments(d, env)) {
		snprintf(r->detail, sizeof r->detail, "out of memory");
		expr_env_free(env);
		doc_experiments_free(&exps);
		return;
	}
	if (!define_lets(d, b, env, r) && !eval(env, text_of(b, "measure"), &r->measured, r, "measure")) {
		expect_judge(env, &x, r);
		apply_known(r);
	}
	expr_env_free(env);
	doc_experiments_free(&exps);
}
