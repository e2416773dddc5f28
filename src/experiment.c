/* experiment.c -- expand an experiment block into sweep points and seeds. */
#include "experiment.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_VALUES 4096

static int push(char ***list, size_t *n, const char *s)
{
	char **grown = realloc(*list, (*n + 1) * sizeof *grown);
	if (!grown)
		return -1;
	*list = grown;
	return (grown[(*n)++] = strdup(s)) ? 0 : -1;
}

/* Splits `text` at any of `seps`, trimming blanks; empty pieces kept. */
static size_t split(char *text, const char *seps, char **out, size_t max)
{
	size_t n = 0;
	for (char *p = text; n < max;) {
		size_t len = strcspn(p, seps);
		char *end = p + len, saved = *end;
		*end = 0;
		char *s = p;
		while (isspace((unsigned char)*s))
			s++;
		char *e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = 0;
		out[n++] = s;
		if (!saved)
			break;
		p = end + 1;
	}
	return n;
}

static int parse_number(const char *s, double *x)
{
	char *end;
	errno = 0;
	*x = strtod(s, &end);
	return *s && !*end && !errno && isfinite(*x) ? 0 : -1;
}

/* "lo:hi:step" (inclusive) into text values. */
static int expand_range(sweep_axis *a, const char *spec, char *why, size_t whylen)
{
	char buf[256], *part[4];
	snprintf(buf, sizeof buf, "%s", spec);
	double lo, hi, step;
	if (split(buf, ":", part, 4) != 3 || parse_number(part[0], &lo) ||
	    parse_number(part[1], &hi) || parse_number(part[2], &step)) {
		snprintf(why, whylen, "range '%s' is not lo:hi:step with three numbers", spec);
		return -1;
	}
	if (step <= 0 || hi < lo) {
		snprintf(why, whylen, "range '%s' needs step > 0 and lo <= hi", spec);
		return -1;
	}
	double count = floor((hi - lo) / step + 1e-9) + 1;
	if (count > MAX_VALUES) {
		snprintf(why, whylen, "range '%s' has more than %d values", spec, MAX_VALUES);
		return -1;
	}
	for (long i = 0; i < (long)count; i++) {
		char v[64];
		snprintf(v, sizeof v, "%.15g", lo + (double)i * step);
		if (push(&a->values, &a->nvalues, v))
			return -1;
	}
	return 0;
}

/* "k=v1,v2" | "k=lo:hi:step" | "k1,k2 = a,b | c,d". */
static int parse_axis(sweep_axis *a, const char *text, char *why, size_t whylen)
{
	char buf[4096], *keys[16], *tuples[MAX_VALUES], *vals[16];
	if (strlen(text) >= sizeof buf) {
		snprintf(why, whylen, "sweep longer than %zu characters", sizeof buf - 1);
		return -1;
	}
	snprintf(buf, sizeof buf, "%s", text);
	char *eq = strchr(buf, '=');
	if (!eq) {
		snprintf(why, whylen, "sweep '%s' is not key=values", text);
		return -1;
	}
	*eq = 0;
	size_t nkeys = split(buf, ",", keys, 16);
	for (size_t i = 0; i < nkeys; i++) { /* a->nkeys counts the keys pushed so far */
		if (!*keys[i] || strspn(keys[i], "abcdefghijklmnopqrstuvwxyz0123456789_") !=
		                         strlen(keys[i])) {
			snprintf(why, whylen, "sweep key '%s' is not a parameter name", keys[i]);
			return -1;
		}
		if (push(&a->keys, &a->nkeys, keys[i]))
			return -1;
	}
	char *rhs = eq + 1;
	if (a->nkeys == 1 && strchr(rhs, ':') && !strchr(rhs, ','))
		return expand_range(a, rhs, why, whylen);
	size_t ntuples = a->nkeys == 1 ? split(rhs, ",", tuples, MAX_VALUES)
	                               : split(rhs, "|", tuples, MAX_VALUES);
	for (size_t t = 0; t < ntuples; t++) {
		size_t nv = a->nkeys == 1 ? 1 : split(tuples[t], ",", vals, 16);
		if (a->nkeys == 1)
			vals[0] = tuples[t];
		if (nv != a->nkeys) {
			snprintf(why, whylen, "tuple '%s' has %zu values for %zu keys", tuples[t], nv,
			         a->nkeys);
			return -1;
		}
		for (size_t k = 0; k < nv; k++) {
			if (!*vals[k]) {
				snprintf(why, whylen, "empty value in sweep '%s'", text);
				return -1;
			}
			if (push(&a->values, &a->nvalues, vals[k]))
				return -1;
		}
	}
	a->nvalues = a->nvalues / a->nkeys * a->nkeys;
	if (!a->nvalues) {
		snprintf(why, whylen, "sweep '%s' has no values", text);
		return -1;
	}
	return 0;
}

static void axis_free(sweep_axis *a)
{
	for (size_t i = 0; i < a->nkeys; i++)
		free(a->keys[i]);
	for (size_t i = 0; i < a->nvalues; i++)
		free(a->values[i]);
	free(a->keys);
	free(a->values);
}

static size_t axis_count(const sweep_axis *a) { return a->nvalues / a->nkeys; }

/* Adds the words of "k=v k=v" to the set list; "seeds=N" sets e->seeds. */
static int parse_assignments(experiment *e, const block_field *f, char *err, size_t errlen)
{
	char buf[4096], *words[256];
	if (strlen(f->value) >= sizeof buf) {
		snprintf(err, errlen, "%s:%d: line too long", e->doc->path, f->line);
		return -1;
	}
	memcpy(buf, f->value, strlen(f->value) + 1);
	size_t n = split(buf, " \t", words, 256);
	for (size_t i = 0; i < n; i++) {
		if (!*words[i])
			continue;
		char *eq = strchr(words[i], '=');
		if (!eq || eq == words[i]) {
			snprintf(err, errlen, "%s:%d: '%s' is not key=value", e->doc->path, f->line,
			         words[i]);
			return -1;
		}
		if (!strncmp(words[i], "seeds=", 6)) {
			char *end;
			e->seeds = strtol(eq + 1, &end, 10);
			if (*end || e->seeds < 1 || e->seeds > 10000) {
				snprintf(err, errlen, "%s:%d: seeds must be an integer in [1, 10000]",
				         e->doc->path, f->line);
				return -1;
			}
			continue;
		}
		if (push(&e->set, &e->nset, words[i]))
			return -1;
	}
	return 0;
}

static int add_axis(experiment *e, const block_field *f, int replace, char *err,
                    size_t errlen)
{
	sweep_axis a = { .line = f->line };
	char why[512];
	if (parse_axis(&a, f->value, why, sizeof why)) {
		snprintf(err, errlen, "%s:%d: bad sweep: %s", e->doc->path, f->line, why);
		axis_free(&a);
		return -1;
	}
	for (size_t i = 0; i < e->naxes; i++)
		for (size_t k = 0; k < a.nkeys; k++)
			for (size_t j = 0; j < e->axes[i].nkeys; j++)
				if (!strcmp(a.keys[k], e->axes[i].keys[j])) {
					if (replace && a.nkeys == e->axes[i].nkeys) {
						axis_free(&e->axes[i]);
						e->axes[i] = a;
						return 0;
					}
					snprintf(err, errlen, "%s:%d: key '%s' is swept twice", e->doc->path,
					         f->line, a.keys[k]);
					axis_free(&a);
					return -1;
				}
	if (replace) {
		snprintf(err, errlen, "%s:%d: quick-sweep of a key that is not swept", e->doc->path,
		         f->line);
		axis_free(&a);
		return -1;
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
	if (!islower((unsigned char)*e->name) ||
	    strspn(e->name, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(e->name)) {
		snprintf(err, errlen, "%s:%d: experiment name '%s' must match [a-z][a-z0-9_]*",
		         d->path, name->line, e->name);
		return -1;
	}
	for (int pass = 0; pass < 2; pass++) /* quick overrides come after the rest */
		for (size_t i = 0; i < b->nfields; i++) {
			const block_field *f = &b->fields[i];
			int is_quick = !strcmp(f->key, "quick") || !strcmp(f->key, "quick-sweep");
			if (pass != is_quick || (is_quick && !quick))
				continue;
			int rc = 0;
			if (!strcmp(f->key, "seed")) {
				char *end;
				errno = 0;
				e->base_seed = strtoul(f->value, &end, 10);
				if (!*f->value || *end || errno || f->value[0] == '-') {
					snprintf(err, errlen, "%s:%d: seed must be a non-negative integer",
					         d->path, f->line);
					return -1;
				}
			} else if (!strcmp(f->key, "seeds") || !strcmp(f->key, "set") ||
			           !strcmp(f->key, "quick")) {
				char words[64];
				block_field g = *f;
				if (!strcmp(f->key, "seeds")) {
					snprintf(words, sizeof words, "seeds=%s", f->value);
					g.value = words;
				}
				rc = parse_assignments(e, &g, err, errlen);
			} else if (!strcmp(f->key, "sweep") || !strcmp(f->key, "quick-sweep")) {
				rc = add_axis(e, f, !strcmp(f->key, "quick-sweep"), err, errlen);
			} else if (!strcmp(f->key, "aggregate")) {
				char buf[1024], *words[32];
				snprintf(buf, sizeof buf, "%s", f->value);
				size_t n = split(buf, " \t,", words, 32);
				for (size_t k = 0; k < n && !rc; k++)
					if (*words[k])
						rc = push(&e->aggregate, &e->naggregate, words[k]);
			} else if (!strcmp(f->key, "expect")) {
				if (strcmp(f->value, "diverge")) {
					snprintf(err, errlen, "%s:%d: expect must be 'diverge'", d->path,
					         f->line);
					return -1;
				}
				e->expect_diverge = 1;
			}
			if (rc) {
				if (!*err)
					snprintf(err, errlen, "%s:%d: out of memory", d->path, f->line);
				return -1;
			}
		}
	return 0;
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

void experiment_point(const experiment *e, size_t point, char *name, size_t len,
                      const char **keys, const char **values, size_t *nkv)
{
	size_t used = 0, n = 0;
	name[0] = 0;
	/* The last axis varies fastest. */
	size_t rest = point;
	size_t idx[64];
	for (size_t i = e->naxes; i-- > 0;) {
		size_t c = axis_count(&e->axes[i]);
		idx[i] = rest % c;
		rest /= c;
	}
	for (size_t i = 0; i < e->naxes; i++) {
		const sweep_axis *a = &e->axes[i];
		for (size_t k = 0; k < a->nkeys; k++) {
			const char *v = a->values[idx[i] * a->nkeys + k];
			if (keys) {
				keys[n] = a->keys[k];
				values[n] = v;
			}
			n++;
			int w = snprintf(name + used, len - used, "%s%s-", used ? "_" : "", a->keys[k]);
			used += (size_t)w < len - used ? (size_t)w : 0;
			for (const char *c = v; *c && used + 1 < len; c++)
				name[used++] = isalnum((unsigned char)*c) || strchr(".+-", *c) ? *c : '-';
			name[used] = 0;
		}
	}
	if (!n)
		snprintf(name, len, "base");
	if (nkv)
		*nkv = n;
}

unsigned long experiment_run_seed(unsigned long base, long k)
{
	uint64_t z = (uint64_t)base * 0x9E3779B97F4A7C15ull + (uint64_t)k + 1;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return (unsigned long)((z ^ (z >> 31)) & 0xFFFFFFFFull);
}
