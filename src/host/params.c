/* params.c -- parse and validate key=value against a declared table. */
#include "params.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

/* The number of parameters with a value of their own (aliases have none). */
static size_t values_len(const lindyn_param *t)
{
	size_t n = 0;
	for (size_t i = 0; t[i].key; i++)
		n += t[i].kind != LINDYN_P_ALIAS;
	return n;
}

static const lindyn_param *declared(const lindyn_param *t, const char *key)
{
	for (size_t i = 0; t[i].key; i++)
		if (!strcmp(t[i].key, key))
			return &t[i];
	return NULL;
}

static const char *kind_name(lindyn_param_kind k)
{
	switch (k) {
	case LINDYN_P_INT: return "int";
	case LINDYN_P_REAL: return "real";
	case LINDYN_P_BOOL: return "bool";
	case LINDYN_P_ENUM: return "enum";
	case LINDYN_P_STRING: return "string";
	case LINDYN_P_ALIAS: return "alias";
	case LINDYN_P_PATH: return "path";
	}
	return "?";
}

void params_format_real(char *buf, size_t len, double x)
{
	char best[40] = "", text[40];
	for (int p = 1; p <= 17; p++) {
		snprintf(text, sizeof text, "%.*g", p, x);
		if (strtod(text, NULL) == x && (!*best || strlen(text) < strlen(best)))
			strcpy(best, text);
	}
	snprintf(buf, len, "%s", best);
}

/* Is `word` one of the '|'-separated choices? */
static int in_choices(const char *choices, const char *word)
{
	size_t n = strlen(word);
	for (const char *c = choices; c && *c;) {
		const char *bar = strchr(c, '|');
		size_t len = bar ? (size_t)(bar - c) : strlen(c);
		if (len == n && strncmp(c, word, n) == 0)
			return 1;
		c = bar ? bar + 1 : NULL;
	}
	return 0;
}

/* An integer bound in digits ("100000", not "1e+05"), other bounds shortest. */
/* A bound as shown in help and errors; a NAN bound (LINDYN_UNBOUNDED) is
 * no bound on that side. */
static void bound_text(char *buf, size_t len, double x, lindyn_param_kind kind, int upper)
{
	if (isnan(x))
		snprintf(buf, len, "%s", upper ? "inf" : "-inf");
	else if (kind == LINDYN_P_INT && fabs(x) < 1e15 && x == floor(x))
		snprintf(buf, len, "%.0f", x);
	else
		params_format_real(buf, len, x);
}

static void range_text(char *buf, size_t len, const lindyn_param *d)
{
	char lo[32], hi[32];
	bound_text(lo, sizeof lo, d->min, d->kind, 0);
	bound_text(hi, sizeof hi, d->max, d->kind, 1);
	const char *open = isnan(d->min) ? "(" : "[", *close = isnan(d->max) ? ")" : "]";
	switch (d->kind) {
	case LINDYN_P_INT: snprintf(buf, len, "an integer in %s%s, %s%s", open, lo, hi, close); break;
	case LINDYN_P_REAL:
		snprintf(buf, len, "a real number in %s%s, %s%s", open, lo, hi, close);
		break;
	case LINDYN_P_BOOL: snprintf(buf, len, "a boolean (0/1, true/false, yes/no)"); break;
	case LINDYN_P_ENUM: snprintf(buf, len, "one of %s", d->choices); break;
	case LINDYN_P_STRING: snprintf(buf, len, "a string"); break;
	case LINDYN_P_ALIAS: snprintf(buf, len, "another name of %s", d->choices); break;
	case LINDYN_P_PATH: snprintf(buf, len, "a path"); break;
	}
}

/* Replaced by the caller with what was expected ("is not an integer"). */
static const char NOT_A_NUMBER[] = "is not a number";

/* What keeps `t` from being a decimal number [+-]digits[.digits][e[+-]digits]
 * (digits on at least one side of the point), or NULL if it is one. */
static const char *decimal_problem(const char *t)
{
	if (!*t)
		return "is empty";
	if (isspace((unsigned char)t[0]) || isspace((unsigned char)t[strlen(t) - 1]))
		return "has leading or trailing spaces";
	const char *p = t + (*t == '+' || *t == '-');
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		return "is hexadecimal, which is not accepted: write it in decimal";
	if (!strncasecmp(p, "inf", 3) || !strncasecmp(p, "nan", 3))
		return "is not finite";
	size_t digits = strspn(p, "0123456789");
	p += digits;
	if (*p == '.') {
		size_t frac = strspn(p + 1, "0123456789");
		digits += frac;
		p += 1 + frac;
	}
	if (digits && (*p == 'e' || *p == 'E')) {
		p += 1 + (p[1] == '+' || p[1] == '-');
		size_t exp = strspn(p, "0123456789");
		p += exp;
		if (!exp)
			return NOT_A_NUMBER;
	}
	return digits && !*p ? NULL : NOT_A_NUMBER;
}

/* The integer a decimal number denotes exactly ("1000", "1e3", "2.5e1",
 * "-7"): 0 with *out set, -1 if it has a fractional part, -2 if it lies
 * beyond long.  `t` has passed decimal_problem. */
static int exact_integer(const char *t, long *out)
{
	int neg = *t == '-';
	t += *t == '+' || *t == '-';
	char digits[256];
	size_t nd = 0, point = SIZE_MAX;
	for (; isdigit((unsigned char)*t) || *t == '.'; t++)
		if (*t == '.')
			point = nd;
		else if (nd < sizeof digits)
			digits[nd++] = *t;
	if (point == SIZE_MAX)
		point = nd;
	long exp = 0;
	if (*t == 'e' || *t == 'E')
		exp = strtol(t + 1, NULL, 10); /* LONG_MAX/LONG_MIN on overflow: clamped below */
	size_t first = 0; /* the first non-zero digit */
	while (first < nd && digits[first] == '0')
		first++;
	*out = 0;
	if (first == nd)
		return 0;
	/* Digits at index >= `whole` lie after the point once the exponent is
	 * applied; `whole` may exceed nd (trailing zeros) or be negative. */
	long long whole = (long long)point + (exp > 1000 ? 1000 : exp < -1000 ? -1000 : exp);
	for (size_t i = whole > 0 ? (size_t)whole : 0; i < nd; i++)
		if (digits[i] != '0')
			return -1;
	long v = 0;
	for (long long i = (long long)first; i < whole; i++) {
		int d = i < (long long)nd ? digits[i] - '0' : 0;
		/* accumulate negatively: LONG_MIN has no positive counterpart */
		if (v < (LONG_MIN + d) / 10)
			return -2;
		v = v * 10 - d;
	}
	if (!neg && v == LONG_MIN)
		return -2;
	*out = neg ? v : -v;
	return 0;
}

/* Parses an integer or real value into v; 0 or -1 with err set. */
static int parse_number(param_value *v, const char *text, const char *range, char *err,
                        size_t errlen)
{
	const lindyn_param *d = v->def;
	int integer = d->kind == LINDYN_P_INT;
	const char *why = decimal_problem(text);
	long i = 0;
	double x = 0;
	if (why == NOT_A_NUMBER)
		why = integer ? "is not an integer" : "is not a real number";
	else if (!why && integer) {
		int rc = exact_integer(text, &i);
		why = rc == -1 ? "is not an integer" : rc == -2 ? "is too large for an integer" : NULL;
		x = (double)i;
	} else if (!why) {
		errno = 0;
		x = strtod(text, NULL);
		/* ERANGE also flags a subnormal result, which is a valid value. */
		if (errno == ERANGE && isinf(x))
			why = "is too large for a real number (beyond 1.8e308)";
		else if (errno == ERANGE && x == 0)
			why = "is too small for a real number (it would round to 0)";
	}
	if (why) {
		snprintf(err, errlen, "parameter '%s': '%s' %s; expected %s", d->key, text, why, range);
		return -1;
	}
	if (x < d->min || x > d->max) {
		snprintf(err, errlen, "parameter '%s': %s is out of range; expected %s", d->key, text,
		         range);
		return -1;
	}
	v->x = x;
	if (integer) {
		v->i = i;
		snprintf(v->text, sizeof v->text, "%ld", i);
	} else {
		params_format_real(v->text, sizeof v->text, x);
	}
	return 0;
}

/* Parses `text` into v according to v->def; 0 or -1 with err set. */
static int parse_value(param_value *v, const char *text, char *err, size_t errlen)
{
	const lindyn_param *d = v->def;
	char range[160];
	range_text(range, sizeof range, d);
	if (strlen(text) >= sizeof v->text) {
		snprintf(err, errlen, "parameter '%s': value is longer than %zu characters",
		         d->key, sizeof v->text - 1);
		return -1;
	}
	for (const char *c = text; *c; c++)
		if (iscntrl((unsigned char)*c)) { /* would break the one-line provenance header */
			snprintf(err, errlen, "parameter '%s': value holds a control character (code %d)",
			         d->key, *c);
			return -1;
		}
	switch (d->kind) {
	case LINDYN_P_INT:
	case LINDYN_P_REAL:
		return parse_number(v, text, range, err, errlen);
	case LINDYN_P_BOOL:
		if (!strcmp(text, "1") || !strcmp(text, "true") || !strcmp(text, "yes"))
			v->b = 1;
		else if (!strcmp(text, "0") || !strcmp(text, "false") || !strcmp(text, "no"))
			v->b = 0;
		else {
			snprintf(err, errlen, "parameter '%s': '%s' is not %s", d->key, text, range);
			return -1;
		}
		snprintf(v->text, sizeof v->text, "%d", v->b);
		return 0;
	case LINDYN_P_ENUM:
		if (!in_choices(d->choices, text)) {
			snprintf(err, errlen, "parameter '%s': '%s' is not %s", d->key, text, range);
			return -1;
		}
		snprintf(v->text, sizeof v->text, "%s", text);
		return 0;
	case LINDYN_P_STRING:
	case LINDYN_P_PATH:
		snprintf(v->text, sizeof v->text, "%s", text);
		return 0;
	case LINDYN_P_ALIAS:
		break; /* never a value of its own */
	}
	snprintf(err, errlen, "parameter '%s': unknown kind %d", d->key, (int)d->kind);
	return -1;
}

/* An alias names (in choices) a declared parameter that is no alias, and
 * has no default of its own. */
static int check_alias(const lindyn_param *table, const lindyn_param *d, char *err,
                       size_t errlen)
{
	const lindyn_param *target = d->choices ? declared(table, d->choices) : NULL;
	if (!target)
		snprintf(err, errlen, "parameter '%s': alias of '%s', which is not declared", d->key,
		         d->choices ? d->choices : "(null)");
	else if (target->kind == LINDYN_P_ALIAS)
		snprintf(err, errlen, "parameter '%s': alias of '%s', which is itself an alias", d->key,
		         d->choices);
	else if (d->defval)
		snprintf(err, errlen, "parameter '%s': an alias has no default (defval must be NULL)",
		         d->key);
	else
		return 0;
	return -1;
}

int params_check_table(const lindyn_param *table, char *err, size_t errlen)
{
	if (!table) {
		snprintf(err, errlen, "parameter table is NULL");
		return -1;
	}
	for (size_t i = 0; table[i].key; i++) {
		const lindyn_param *d = &table[i];
		if (!name_is_identifier(d->key)) {
			snprintf(err, errlen, "parameter '%s': key must be %s", d->key, NAME_RULE);
			return -1;
		}
		for (size_t j = 0; j < i; j++)
			if (!strcmp(table[j].key, d->key)) {
				snprintf(err, errlen, "parameter '%s' is declared twice", d->key);
				return -1;
			}
		if (d->kind < LINDYN_P_INT || d->kind > LINDYN_P_PATH) {
			snprintf(err, errlen, "parameter '%s': unknown kind %d", d->key, (int)d->kind);
			return -1;
		}
		if (!d->help || !*d->help) {
			snprintf(err, errlen, "parameter '%s': no help text", d->key);
			return -1;
		}
		if (d->kind == LINDYN_P_ALIAS) {
			if (check_alias(table, d, err, errlen))
				return -1;
			continue;
		}
		if (!d->defval) {
			snprintf(err, errlen, "parameter '%s': no default", d->key);
			return -1;
		}
		if ((d->kind == LINDYN_P_INT || d->kind == LINDYN_P_REAL) &&
		    !(isnan(d->min) || isnan(d->max) || d->min <= d->max)) {
			snprintf(err, errlen, "parameter '%s': bounds [%g, %g] are empty", d->key,
			         d->min, d->max);
			return -1;
		}
		if (d->kind == LINDYN_P_ENUM && (!d->choices || !*d->choices)) {
			snprintf(err, errlen, "parameter '%s': enum without choices", d->key);
			return -1;
		}
		param_value v = { .def = d };
		char why[300];
		if (parse_value(&v, d->defval, why, sizeof why)) {
			snprintf(err, errlen, "bad default: %s", why);
			return -1;
		}
	}
	return 0;
}

int params_init(param_set *ps, const lindyn_param *table, char *err, size_t errlen)
{
	ps->n = values_len(table);
	ps->table = table;
	ps->v = calloc(ps->n ? ps->n : 1, sizeof *ps->v);
	if (!ps->v) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0, k = 0; table[i].key; i++) {
		if (table[i].kind == LINDYN_P_ALIAS)
			continue;
		ps->v[k].def = &table[i];
		if (parse_value(&ps->v[k++], table[i].defval, err, errlen))
			return -1;
	}
	return 0;
}

void params_free(param_set *ps)
{
	free(ps->v);
	ps->v = NULL;
	ps->n = 0;
}

const param_value *params_find(const param_set *ps, const char *key)
{
	for (size_t i = 0; i < ps->n; i++)
		if (!strcmp(ps->v[i].def->key, key))
			return &ps->v[i];
	return NULL;
}

/* Sets v from `text` given under `key` (its own or an alias's). */
static int set_value(param_value *v, const char *key, const char *text, char *err,
                     size_t errlen)
{
	if (v->given_as && strcmp(v->given_as, key)) {
		const char *old = strcmp(v->given_as, v->def->key) ? v->given_as : key;
		snprintf(err, errlen, "parameters '%s' and '%s' are both given, but '%s' is the "
		         "deprecated name of '%s': give only '%s'", v->given_as, key, old, v->def->key,
		         v->def->key);
		return -1;
	}
	if (parse_value(v, text, err, errlen))
		return -1;
	v->given_as = key;
	return 0;
}

int params_set(param_set *ps, const char *kv, char *err, size_t errlen)
{
	const char *eq = strchr(kv, '=');
	if (!eq || eq == kv) {
		snprintf(err, errlen, "'%s' is not of the form key=value", kv);
		return -1;
	}
	char key[NAME_MAX_LEN + 1];
	size_t klen = (size_t)(eq - kv);
	if (klen >= sizeof key) {
		snprintf(err, errlen, "unknown parameter '%.*s...': keys are %s", NAME_MAX_LEN, kv,
		         NAME_RULE);
		return -1;
	}
	memcpy(key, kv, klen);
	key[klen] = 0;
	const lindyn_param *alias = ps->table ? declared(ps->table, key) : NULL;
	if (alias && alias->kind != LINDYN_P_ALIAS)
		alias = NULL;
	const char *target = alias ? alias->choices : key;
	for (size_t i = 0; i < ps->n; i++)
		if (!strcmp(ps->v[i].def->key, target))
			return set_value(&ps->v[i], alias ? alias->key : ps->v[i].def->key, eq + 1, err,
			                 errlen);

	const char *near = NULL;
	size_t best = SIZE_MAX;
	for (size_t i = 0; i < ps->n; i++) {
		size_t dist = name_distance(key, ps->v[i].def->key);
		if (dist < best) {
			best = dist;
			near = ps->v[i].def->key;
		}
	}
	if (near && best <= 1 + strlen(key) / 3 && best < strlen(key))
		snprintf(err, errlen, "unknown parameter '%s'; did you mean '%s'?", key, near);
	else
		snprintf(err, errlen, "unknown parameter '%s'; `lindyn help` lists the valid ones",
		         key);
	return -1;
}

void params_help(FILE *out, const lindyn_param *table)
{
	for (size_t i = 0; table[i].key; i++) {
		const lindyn_param *d = &table[i];
		if (d->kind == LINDYN_P_ALIAS) {
			fprintf(out, "  %s  (deprecated: renamed to %s)\n", d->key, d->choices);
			continue;
		}
		char range[160];
		range_text(range, sizeof range, d);
		fprintf(out, "  %s=<%s> (default %s)\n      %s\n", d->key,
		        d->kind == LINDYN_P_STRING || d->kind == LINDYN_P_PATH ? kind_name(d->kind)
		                                                               : range,
		        *d->defval ? d->defval : "\"\"", d->help);
	}
}
