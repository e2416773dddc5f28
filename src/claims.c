/* claims.c -- evaluate a claim: its let: lines, its measure, its expect. */
#include "claims.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

const char *claim_outcome_name(claim_outcome o)
{
	return o == CLAIM_PASS ? "PASS" : o == CLAIM_FAIL ? "FAIL" : "ERROR";
}

static const char *text_of(const block *b, const char *key)
{
	const block_field *f = block_field_get(b, key);
	return f ? f->value : "";
}

static int eval(expr_env *env, const char *text, double *v, claim_result *r, const char *what)
{
	char err[400];
	if (expr_eval(env, text, v, err, sizeof err)) {
		snprintf(r->detail, sizeof r->detail, "%s: %s", what, err);
		r->outcome = CLAIM_ERROR;
		return -1;
	}
	return 0;
}

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

/* Decides the expect: forms of paper/FORMAT.md. */
static void judge(expr_env *env, claim_result *r)
{
	const char *e = r->expect;
	double m = r->measured, a, b;
	char buf[512];
	if (!strcmp(e, "true")) {
		r->outcome = m != 0 ? CLAIM_PASS : CLAIM_FAIL;
		return;
	}
	static const char *ops[] = { "<=", ">=", "<", ">" };
	for (size_t i = 0; i < 4; i++)
		if (!strncmp(e, ops[i], strlen(ops[i]))) {
			if (eval(env, e + strlen(ops[i]), &a, r, "expect"))
				return;
			int ok = i == 0 ? m <= a : i == 1 ? m >= a : i == 2 ? m < a : m > a;
			snprintf(r->detail, sizeof r->detail, "%s %.6g", ops[i], a);
			r->outcome = ok ? CLAIM_PASS : CLAIM_FAIL;
			return;
		}
	if (!strncmp(e, "in", 2) && strchr(e, '[')) {
		snprintf(buf, sizeof buf, "%s", strchr(e, '[') + 1);
		char *comma = top_level_comma(buf), *close = strrchr(buf, ']');
		if (!comma || !close || close < comma) {
			snprintf(r->detail, sizeof r->detail, "expect: 'in [A, B]' is malformed");
			r->outcome = CLAIM_ERROR;
			return;
		}
		*comma = *close = 0;
		if (eval(env, buf, &a, r, "expect") || eval(env, comma + 1, &b, r, "expect"))
			return;
		snprintf(r->detail, sizeof r->detail, "in [%.6g, %.6g]", a, b);
		r->outcome = a <= m && m <= b ? CLAIM_PASS : CLAIM_FAIL;
		return;
	}
	const char *pm = strstr(e, "+-");
	if (pm) {
		snprintf(buf, sizeof buf, "%.*s", (int)(pm - e), e);
		char tol[256];
		snprintf(tol, sizeof tol, "%s", pm + 2);
		char *pct = strchr(tol, '%');
		if (pct)
			*pct = 0;
		if (eval(env, buf, &a, r, "expect") || eval(env, tol, &b, r, "expect"))
			return;
		double t = pct ? fabs(a) * b / 100 : b;
		snprintf(r->detail, sizeof r->detail, "%.6g +- %.3g", a, t);
		r->outcome = fabs(m - a) <= t ? CLAIM_PASS : CLAIM_FAIL;
		return;
	}
	snprintf(r->detail, sizeof r->detail,
	         "expect: '%s' is not one of: true, < V, <= V, > V, >= V, in [A, B], V +- T", e);
	r->outcome = CLAIM_ERROR;
}

void claim_eval(const doc *d, const block *b, const char *datadir, claim_result *r)
{
	memset(r, 0, sizeof *r);
	r->id = text_of(b, "id");
	r->claim = text_of(b, "claim");
	r->paper = text_of(b, "paper");
	r->expect = text_of(b, "expect");
	r->measured = NAN;
	r->outcome = CLAIM_ERROR;
	const char *missing = !*r->id ? "id" : !*text_of(b, "measure") ? "measure"
	                                   : !*r->expect ? "expect" : NULL;
	if (missing) {
		snprintf(r->detail, sizeof r->detail, "%s:%d: claim lacks '%s'", d->path, b->line,
		         missing);
		return;
	}
	expr_env *env = expr_env_new(datadir);
	if (!env) {
		snprintf(r->detail, sizeof r->detail, "out of memory");
		return;
	}
	/* Claims may read the data of this document's experiments only. */
	for (size_t i = 0; i < d->nblocks; i++) {
		const block_field *name = d->blocks[i].kind == BLOCK_EXPERIMENT
		                        ? block_field_get(&d->blocks[i], "name") : NULL;
		if (name && expr_env_allow_experiment(env, name->value)) {
			snprintf(r->detail, sizeof r->detail, "out of memory");
			goto out;
		}
	}
	for (size_t i = 0; i < b->nfields; i++) {
		const block_field *f = &b->fields[i];
		if (strcmp(f->key, "let"))
			continue;
		char name[64];
		const char *eq = strchr(f->value, '=');
		size_t n = eq ? strcspn(f->value, " =") : 0;
		if (!eq || !n || n >= sizeof name) {
			snprintf(r->detail, sizeof r->detail, "%s:%d: let needs 'name = expression'",
			         d->path, f->line);
			goto out;
		}
		snprintf(name, sizeof name, "%.*s", (int)n, f->value);
		double v;
		if (eval(env, eq + 1, &v, r, name) || expr_define(env, name, v))
			goto out;
	}
	if (eval(env, text_of(b, "measure"), &r->measured, r, "measure"))
		goto out;
	judge(env, r);
out:
	expr_env_free(env);
}
