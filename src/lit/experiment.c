/* experiment.c -- expand an experiment block into sweep points and seeds,
 * checking every name and value on the way (experiment.h). */
#include "experiment.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../host/names.h"
#include "tolerance.h"

static int push(char ***list, size_t *n, const char *s)
{
	char **grown = realloc(*list, (*n + 1) * sizeof *grown);
	if (!grown)
		return -1;
	*list = grown;
	return (grown[(*n)++] = strdup(s)) ? 0 : -1;
}

/* Splits `text` in place at any of `seps`, trimming blanks; empty pieces
 * kept.  Returns a malloc'd array of *n pointers into text, or NULL. */
static char **split(char *text, const char *seps, size_t *n)
{
	char **out = NULL;
	*n = 0;
	for (char *p = text;;) {
		size_t len = strcspn(p, seps);
		char *end = p + len, saved = *end;
		*end = 0;
		char *s = p;
		while (isspace((unsigned char)*s))
			s++;
		char *e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = 0;
		char **grown = realloc(out, (*n + 1) * sizeof *grown);
		if (!grown) {
			free(out);
			return NULL;
		}
		out = grown;
		out[(*n)++] = s;
		if (!saved)
			return out;
		p = end + 1;
	}
}

/* Sets err to "document:line: <message>". */
static int failf(const experiment *e, int line, char *err, size_t errlen, const char *fmt, ...)
{
	char why[768];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s:%d: %s", e->doc->path, line, why);
	return -1;
}

static int parse_number(const char *s, double *x)
{
	char *end;
	errno = 0;
	*x = strtod(s, &end);
	/* ERANGE with a non-zero result: a subnormal, which params.c takes too */
	return *s && !*end && (!errno || (errno == ERANGE && *x != 0)) && isfinite(*x) ? 0 : -1;
}

static int value_chars_ok(const char *s)
{
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	                 "_.,:/+=-") == strlen(s);
}

int path_is_confined(const char *s)
{
	if (*s == '/')
		return 0;
	for (const char *c = s; *c; c += strcspn(c, "/"), c += *c == '/')
		if (!strncmp(c, "..", 2) && (c[2] == '/' || !c[2]))
			return 0;
	return 1;
}

/* A decimal number as params.c reads one (no hexadecimal, inf or nan). */
static int decimal_number(const char *s, double *x)
{
	return strspn(s, "0123456789+-.eE") == strlen(s) && !parse_number(s, x);
}

/* x in the form experiment_value_text describes, into buf
 * (EXPERIMENT_NUMBER_MAX bytes: a plain form has at most 17 digits, a sign,
 * a point and 323 zeros after it). */
static void number_text(double x, char *buf)
{
	if (x == 0 || (fabs(x) < 1e15 && x == floor(x))) {
		snprintf(buf, EXPERIMENT_NUMBER_MAX, "%.0f", x == 0 ? 0.0 : x);
		return;
	}
	char exp_form[40];
	int digits = 1;
	for (;; digits++) {
		snprintf(exp_form, sizeof exp_form, "%.*e", digits - 1, x);
		if (digits == 17 || strtod(exp_form, NULL) == x)
			break;
	}
	char *e = strchr(exp_form, 'e');
	int exponent = atoi(e + 1);
	snprintf(e + 1, sizeof exp_form - (size_t)(e + 1 - exp_form), "%d", exponent);
	int decimals = digits - 1 - exponent;
	snprintf(buf, EXPERIMENT_NUMBER_MAX, "%.*f", decimals > 0 ? decimals : 0, x);
	/* exponent >= digits: the plain form would show digits beyond those */
	if (exponent >= digits || strlen(exp_form) < strlen(buf))
		snprintf(buf, EXPERIMENT_NUMBER_MAX, "%s", exp_form);
}

const char *experiment_value_text(const char *v, char *buf)
{
	double x;
	if (!decimal_number(v, &x))
		return v;
	/* An integer written in digits keeps every digit (2^53 + 1 has no
	 * double), without sign '+' or leading zeros. */
	const char *digits = v + (*v == '+' || *v == '-');
	if (*digits && strspn(digits, "0123456789") == strlen(digits) &&
	    strlen(digits) < EXPERIMENT_NUMBER_MAX - 1) {
		digits += strspn(digits, "0");
		snprintf(buf, EXPERIMENT_NUMBER_MAX, "%s%s", *v == '-' && *digits ? "-" : "",
		         *digits ? digits : "0");
		return buf;
	}
	number_text(x, buf);
	return buf;
}

int experiment_param_is_path(const lindyn_param *table, const char *key)
{
	for (const lindyn_param *d = table; d->key; d++)
		if (!strcmp(d->key, key))
			return d->kind == LINDYN_P_ALIAS ? experiment_param_is_path(table, d->choices)
			                                 : d->kind == LINDYN_P_PATH;
	return 0;
}

/* Appends value v of axis a: its text and, for messages, v as written. */
static int push_value(sweep_axis *a, const char *v)
{
	char buf[EXPERIMENT_NUMBER_MAX];
	char *text = strdup(experiment_value_text(v, buf)), *written = strdup(v);
	char **values = text && written ? realloc(a->values, (a->nvalues + 1) * sizeof *values)
	                                : NULL;
	if (values)
		a->values = values;
	char **writtens = values ? realloc(a->written, (a->nvalues + 1) * sizeof *writtens) : NULL;
	if (!writtens) {
		free(text);
		free(written);
		return -1;
	}
	a->written = writtens;
	a->values[a->nvalues] = text;
	a->written[a->nvalues++] = written;
	return 0;
}

/* The character a value's character becomes in its point's directory name. */
static char point_char(char c)
{
	return isalnum((unsigned char)c) || strchr(".+-", c) ? c : '-';
}

/* "lo:hi:step" (inclusive) into values: at least two, since a range that
 * gives one value is most likely a list written with ':'. */
static int expand_range(sweep_axis *a, const char *spec, char *why, size_t whylen)
{
	char *buf = strdup(spec), **part = NULL, first[EXPERIMENT_NUMBER_MAX];
	size_t n = 0;
	double lo, hi, step, count = 0;
	if (!buf || !(part = split(buf, ":", &n)))
		snprintf(why, whylen, "out of memory");
	else if (n != 3 || parse_number(part[0], &lo) || parse_number(part[1], &hi) ||
	         parse_number(part[2], &step))
		snprintf(why, whylen, "bad sweep: range '%s' is not lo:hi:step with three numbers",
		         spec);
	else if (step <= 0 || hi < lo)
		snprintf(why, whylen, "bad sweep: range '%s' needs step > 0 and lo <= hi", spec);
	else if ((count = floor((hi - lo) / step + 1e-9) + 1) > EXPERIMENT_MAX_VALUES)
		snprintf(why, whylen, "bad sweep: range '%s' has more than %d values", spec,
		         EXPERIMENT_MAX_VALUES);
	else if (count < 2)
		snprintf(why, whylen, "sweep %s=%s:%s:%s gives one value (%s): a range is "
		         "lo:hi:step with step the increment; write a list (%s,%s,%s) for these "
		         "values", a->keys[0], part[0], part[1], part[2],
		         experiment_value_text(part[0], first), part[0], part[1], part[2]);
	int rc = *why ? -1 : 0;
	for (long i = 0; i < (long)count && !rc; i++) {
		/* lo + i step carries binary rounding (0.9 + 3 * 0.01 is
		 * 0.92999...); 15 significant digits, below a double's, drop it */
		char v[64];
		snprintf(v, sizeof v, "%.15g", lo + (double)i * step);
		rc = push_value(a, v);
	}
	free(part);
	free(buf);
	return rc;
}

/* Checks and stores one tuple of values (nv of them) of axis a. */
static int add_tuple(sweep_axis *a, char **vals, size_t nv, const char *tuple, const char *text,
                     char *why, size_t whylen)
{
	if (nv != a->nkeys) {
		snprintf(why, whylen, "bad sweep: tuple '%s' has %zu values for %zu keys", tuple, nv,
		         a->nkeys);
		return -1;
	}
	for (size_t k = 0; k < nv; k++) {
		if (!*vals[k]) {
			snprintf(why, whylen, "bad sweep: empty value in sweep '%s'", text);
			return -1;
		}
		if (push_value(a, vals[k]))
			return -1;
	}
	return 0;
}

/* "k=v1,v2" | "k=lo:hi:step" | "k1,k2 = a,b | c,d". */
static int parse_axis(sweep_axis *a, const char *text, char *why, size_t whylen)
{
	char *buf = strdup(text), **keys = NULL, **tuples = NULL;
	size_t nkeys = 0, ntuples = 0;
	int rc = -1;
	char *eq = buf ? strchr(buf, '=') : NULL;
	if (!buf)
		goto out;
	if (!eq) {
		snprintf(why, whylen, "bad sweep: sweep '%s' is not key=values", text);
		goto out;
	}
	*eq = 0;
	if (!(keys = split(buf, ",", &nkeys)))
		goto out;
	for (size_t i = 0; i < nkeys; i++) {
		if (!name_is_identifier(keys[i])) {
			snprintf(why, whylen, "bad sweep: sweep key '%s' is not a parameter name (%s)",
			         keys[i], NAME_RULE);
			goto out;
		}
		if (push(&a->keys, &a->nkeys, keys[i]))
			goto out;
	}
	char *rhs = eq + 1;
	if (a->nkeys == 1 && strchr(rhs, ':') && !strchr(rhs, ',')) {
		rc = expand_range(a, rhs, why, whylen);
		goto out;
	}
	if (!(tuples = split(rhs, a->nkeys == 1 ? "," : "|", &ntuples)))
		goto out;
	if (ntuples > EXPERIMENT_MAX_VALUES) {
		snprintf(why, whylen, "bad sweep: sweep has %zu values, more than %d", ntuples,
		         EXPERIMENT_MAX_VALUES);
		goto out;
	}
	rc = 0;
	for (size_t t = 0; t < ntuples && !rc; t++) {
		size_t nv = 1;
		char **vals = a->nkeys == 1 ? &tuples[t] : split(tuples[t], ",", &nv);
		rc = vals ? add_tuple(a, vals, nv, tuples[t], text, why, whylen) : -1;
		if (vals != &tuples[t])
			free(vals);
	}
out:
	if (rc && !*why)
		snprintf(why, whylen, "bad sweep: out of memory");
	free(tuples);
	free(keys);
	free(buf);
	return rc;
}

static void axis_free(sweep_axis *a)
{
	for (size_t i = 0; i < a->nkeys; i++)
		free(a->keys[i]);
	for (size_t i = 0; i < a->nvalues; i++) {
		free(a->values[i]);
		free(a->written[i]);
	}
	free(a->keys);
	free(a->values);
	free(a->written);
}

static size_t axis_count(const sweep_axis *a) { return a->nvalues / a->nkeys; }

/* Checks the characters of value v of key; a sweep value (swept) holds no
 * '/', since it names a directory. */
static int check_value(const experiment *e, int line, const char *key, const char *v,
                       int swept, char *err, size_t errlen)
{
	if (!value_chars_ok(v))
		return failf(e, line, err, errlen, "value '%s' of '%s' may only hold %s", v, key,
		             EXPERIMENT_VALUE_CHARS);
	if (swept && strchr(v, '/'))
		return failf(e, line, err, errlen,
		             "sweep value '%s' of '%s' may not hold '/' (it names a directory)", v, key);
	return 0; /* paths: tangle's path_value, which knows which keys are paths */
}

static int parse_seeds(experiment *e, const char *text, int line, char *err, size_t errlen)
{
	char *end;
	errno = 0;
	long n = strtol(text, &end, 10);
	if (!*text || *end || errno || n < 1 || n > 10000)
		return failf(e, line, err, errlen, "seeds must be an integer in [1, 10000]");
	e->seeds = n;
	return 0;
}

/* Adds the words of "k=v k=v" to the set list; "seeds=N" sets e->seeds. */
static int parse_assignments(experiment *e, const block_field *f, char *err, size_t errlen)
{
	size_t n = 0;
	char *buf = strdup(f->value), **words = buf ? split(buf, " \t", &n) : NULL;
	int rc = words ? 0 : -1;
	for (size_t i = 0; i < n && !rc; i++) {
		if (!*words[i])
			continue;
		char *eq = strchr(words[i], '=');
		if (!eq || eq == words[i]) {
			rc = failf(e, f->line, err, errlen, "'%s' is not key=value", words[i]);
			break;
		}
		*eq = 0;
		if (!name_is_identifier(words[i]))
			rc = failf(e, f->line, err, errlen, "'%s' is not a parameter name (%s)", words[i],
			           NAME_RULE);
		else if (!strcmp(words[i], "seeds"))
			rc = parse_seeds(e, eq + 1, f->line, err, errlen);
		else if (!(rc = check_value(e, f->line, words[i], eq + 1, 0, err, errlen))) {
			*eq = '=';
			rc = push(&e->set, &e->nset, words[i]);
		}
	}
	free(words);
	free(buf);
	return rc;
}

/* Two values are the same point when their directory names agree (a
 * number written two ways, "1.0" and "1", has one text already). */
static int same_value(const char *a, const char *b)
{
	while (*a && *b && point_char(*a) == point_char(*b))
		a++, b++;
	return !*a && !*b;
}

/* Tuple t of axis a as the document wrote it. */
static void tuple_text(const sweep_axis *a, size_t t, char *out, size_t len)
{
	size_t used = 0;
	out[0] = 0;
	for (size_t k = 0; k < a->nkeys && used < len; k++)
		used += (size_t)snprintf(out + used, len - used, "%s%s", k ? "," : "",
		                         a->written[t * a->nkeys + k]);
}

/* The first tuple j > i of axis a that gives the same point as tuple i, or 0. */
static size_t same_point(const sweep_axis *a, size_t i)
{
	for (size_t j = i + 1; j < axis_count(a); j++) {
		size_t k = 0;
		while (k < a->nkeys &&
		       same_value(a->values[i * a->nkeys + k], a->values[j * a->nkeys + k]))
			k++;
		if (k == a->nkeys)
			return j;
	}
	return 0;
}

/* Checks the values of one final axis: safe characters, and no two tuples
 * giving the same point (which would share one directory). */
static int check_axis(const experiment *e, const sweep_axis *a, char *err, size_t errlen)
{
	for (size_t v = 0; v < a->nvalues; v++)
		if (check_value(e, a->line, a->keys[v % a->nkeys], a->written[v], 1, err, errlen))
			return -1;
	int rc = 0;
	for (size_t i = 0, j; i < axis_count(a) && !rc; i++)
		if ((j = same_point(a, i))) {
			char ti[256], tj[256];
			tuple_text(a, i, ti, sizeof ti);
			tuple_text(a, j, tj, sizeof tj);
			rc = failf(e, a->line, err, errlen,
			           "sweep values '%s' and '%s' give the same point (a value may appear "
			           "once; only [A-Za-z0-9.+-] tell values apart)", ti, tj);
		}
	return rc;
}

static int axis_has_key(const sweep_axis *a, const char *key)
{
	for (size_t k = 0; k < a->nkeys; k++)
		if (!strcmp(a->keys[k], key))
			return 1;
	return 0;
}

/* A quick-sweep replaces the one sweep with exactly its keys. */
static int same_keys(const sweep_axis *a, const sweep_axis *b)
{
	for (size_t k = 0; k < a->nkeys; k++)
		if (!axis_has_key(b, a->keys[k]))
			return 0;
	return a->nkeys == b->nkeys;
}

static int add_axis(experiment *e, const block_field *f, int replace, char *err,
                    size_t errlen)
{
	sweep_axis a = { .line = f->line };
	char why[512] = "";
	if (parse_axis(&a, f->value, why, sizeof why)) {
		axis_free(&a);
		return failf(e, f->line, err, errlen, "%s", why);
	}
	for (size_t k = 1; k < a.nkeys; k++)
		for (size_t j = 0; j < k; j++)
			if (!strcmp(a.keys[k], a.keys[j])) {
				failf(e, f->line, err, errlen, "key '%s' appears twice in one sweep", a.keys[k]);
				axis_free(&a);
				return -1;
			}
	for (size_t i = 0; i < e->naxes; i++)
		for (size_t k = 0; k < a.nkeys; k++)
			if (axis_has_key(&e->axes[i], a.keys[k])) {
				if (replace && same_keys(&a, &e->axes[i])) {
					axis_free(&e->axes[i]);
					e->axes[i] = a;
					return 0;
				}
				if (replace)
					failf(e, f->line, err, errlen, "quick-sweep must name exactly the keys of "
					      "one sweep (line %d sweeps '%s' with other keys)", e->axes[i].line,
					      a.keys[k]);
				else
					failf(e, f->line, err, errlen, "key '%s' is swept twice", a.keys[k]);
				axis_free(&a);
				return -1;
			}
	if (replace) {
		axis_free(&a);
		return failf(e, f->line, err, errlen, "quick-sweep of a key that is not swept");
	}
	sweep_axis *grown = realloc(e->axes, (e->naxes + 1) * sizeof *grown);
	if (!grown) {
		axis_free(&a);
		return -1;
	}
	e->axes = grown;
	e->axes[e->naxes++] = a;
	return 0;
}

static int parse_aggregate(experiment *e, const block_field *f, char *err, size_t errlen)
{
	size_t n = 0;
	char *buf = strdup(f->value), **words = buf ? split(buf, " \t,", &n) : NULL;
	int rc = words ? 0 : -1;
	for (size_t k = 0; k < n && !rc; k++) {
		if (!*words[k])
			continue;
		if (!name_is_identifier(words[k]))
			rc = failf(e, f->line, err, errlen, "aggregate table '%s' must match %s", words[k],
			           NAME_RULE);
		else
			rc = push(&e->aggregate, &e->naggregate, words[k]);
	}
	free(words);
	free(buf);
	return rc;
}

/* One field of the block; 0 or -1 with err set (empty err: out of memory). */
static int parse_field(experiment *e, const block_field *f, char *err, size_t errlen)
{
	if (!strcmp(f->key, "seed")) {
		char *end;
		errno = 0;
		e->base_seed = strtoul(f->value, &end, 10);
		if (!*f->value || *end || errno || f->value[0] == '-')
			return failf(e, f->line, err, errlen, "seed must be a non-negative integer");
		return 0;
	}
	if (!strcmp(f->key, "seeds"))
		return parse_seeds(e, f->value, f->line, err, errlen);
	if (!strcmp(f->key, "set") || !strcmp(f->key, "quick"))
		return parse_assignments(e, f, err, errlen);
	if (!strcmp(f->key, "sweep") || !strcmp(f->key, "quick-sweep"))
		return add_axis(e, f, !strcmp(f->key, "quick-sweep"), err, errlen);
	if (!strcmp(f->key, "aggregate"))
		return parse_aggregate(e, f, err, errlen);
	if (!strcmp(f->key, "tolerance")) {
		double rel;
		char why[256];
		return tolerance_parse(f->value, 1, &rel, why, sizeof why)
		               ? failf(e, f->line, err, errlen, "%s", why) : 0;
	}
	if (!strcmp(f->key, "expect")) {
		if (strcmp(f->value, "diverge"))
			return failf(e, f->line, err, errlen, "expect must be 'diverge'");
		e->expect_diverge = 1;
	}
	return 0;
}

/* Sets every axis's stride (the last axis varies fastest), then checks the
 * run count and the length of point names before the values themselves. */
static int finish_axes(experiment *e, char *err, size_t errlen)
{
	double runs = (double)e->seeds; /* for the message: may be beyond size_t */
	size_t points = 1, name_len = 0; /* points: exact while within the limit */
	for (size_t i = e->naxes; i-- > 0;) {
		sweep_axis *a = &e->axes[i];
		a->stride = points;
		runs *= (double)axis_count(a);
		if (points <= EXPERIMENT_MAX_RUNS)
			points *= axis_count(a);
		for (size_t k = 0; k < a->nkeys; k++) {
			size_t longest = 0;
			for (size_t v = k; v < a->nvalues; v += a->nkeys)
				if (strlen(a->values[v]) > longest)
					longest = strlen(a->values[v]);
			name_len += strlen(a->keys[k]) + 2 + longest; /* "_key-value" */
		}
	}
	if (runs > EXPERIMENT_MAX_RUNS)
		return failf(e, e->block->line, err, errlen,
		             "experiment '%s' has %.0f runs (points x seeds), more than the limit "
		             "of %d", e->name, runs, EXPERIMENT_MAX_RUNS);
	if (name_len > EXPERIMENT_POINT_MAX)
		return failf(e, e->block->line, err, errlen,
		             "experiment '%s': a point's directory name would have %zu characters, "
		             "more than %d", e->name, name_len - 1, EXPERIMENT_POINT_MAX - 1);
	for (size_t i = 0; i < e->naxes; i++)
		if (check_axis(e, &e->axes[i], err, errlen))
			return -1;
	return 0;
}

int experiment_parse(experiment *e, const doc *d, const block *b, int quick, char *err,
                     size_t errlen)
{
	memset(e, 0, sizeof *e);
	e->doc = d;
	e->block = b;
	e->base_seed = 1;
	e->seeds = 1;
	const block_field *name = block_require(d, b, "name", err, errlen);
	const block_field *plugin = name ? block_require(d, b, "plugin", err, errlen) : NULL;
	if (!plugin)
		return -1;
	e->name = name->value;
	e->plugin = plugin->value;
	if (!name_is_identifier(e->name))
		return failf(e, name->line, err, errlen, "experiment name '%s' must match %s",
		             e->name, NAME_RULE);
	if (!strcmp(e->name, "quick") || !strcmp(e->name, "reference"))
		return failf(e, name->line, err, errlen, "experiment name '%s' is reserved: data/%s "
		             "holds the %s data", e->name, e->name,
		             e->name[0] == 'q' ? "quick-scale" : "committed reference");
	if (!name_is_identifier(e->plugin))
		return failf(e, plugin->line, err, errlen, "plugin name '%s' must match %s",
		             e->plugin, NAME_RULE);
	*err = 0;
	for (int pass = 0; pass < 2; pass++) /* quick overrides come after the rest */
		for (size_t i = 0; i < b->nfields; i++) {
			const block_field *f = &b->fields[i];
			int is_quick = !strcmp(f->key, "quick") || !strcmp(f->key, "quick-sweep");
			if (pass != is_quick || (is_quick && !quick))
				continue;
			if (parse_field(e, f, err, errlen)) {
				if (!*err)
					failf(e, f->line, err, errlen, "out of memory");
				return -1;
			}
		}
	return finish_axes(e, err, errlen);
}

void experiment_free(experiment *e)
{
	for (size_t i = 0; i < e->nset; i++)
		free(e->set[i]);
	free(e->set);
	for (size_t i = 0; i < e->naxes; i++)
		axis_free(&e->axes[i]);
	free(e->axes);
	for (size_t i = 0; i < e->naggregate; i++)
		free(e->aggregate[i]);
	free(e->aggregate);
	memset(e, 0, sizeof *e);
}

size_t experiment_npoints(const experiment *e)
{
	size_t n = 1;
	for (size_t i = 0; i < e->naxes; i++)
		n *= axis_count(&e->axes[i]);
	return n;
}

size_t experiment_nkeys(const experiment *e)
{
	size_t n = 0;
	for (size_t i = 0; i < e->naxes; i++)
		n += e->axes[i].nkeys;
	return n;
}

void experiment_point(const experiment *e, size_t point, char *name, const char **keys,
                      const char **values)
{
	size_t used = 0, n = 0;
	name[0] = 0;
	for (size_t i = 0; i < e->naxes; i++) {
		const sweep_axis *a = &e->axes[i];
		size_t idx = point / a->stride % axis_count(a);
		for (size_t k = 0; k < a->nkeys; k++, n++) {
			const char *v = a->values[idx * a->nkeys + k];
			if (keys) {
				keys[n] = a->keys[k];
				values[n] = v;
			}
			/* experiment_parse checked that the whole name fits */
			used += (size_t)snprintf(name + used, EXPERIMENT_POINT_MAX - used, "%s%s-",
			                         used ? "_" : "", a->keys[k]);
			for (const char *c = v; *c; c++)
				name[used++] = point_char(*c);
			name[used] = 0;
		}
	}
	if (!n)
		snprintf(name, EXPERIMENT_POINT_MAX, "base");
}

unsigned long experiment_run_seed(unsigned long base, long k)
{
	uint64_t z = (uint64_t)base * 0x9E3779B97F4A7C15ull + (uint64_t)k + 1;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return (unsigned long)((z ^ (z >> 31)) & 0xFFFFFFFFull);
}
