/* select.c -- EXP[SEL]/TABLE references resolved against an experiment's
 * points (select.h). */
#include "select.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../host/names.h"

#define SEL_MAX_ITEMS 32
#define OLD_SYNTAX_HINT "the path syntax 'exp/point/s0/table' is gone: write EXP[key=value, seed=K]/TABLE"

typedef struct {
	char key[64], value[256];
} sel_item;

typedef struct {
	char exp[64];
	sel_item items[SEL_MAX_ITEMS];
	size_t nitems;
	int has_sel;
	ref_kind kind;
	char table[64];
} parsed_ref;

int doc_experiments_load(doc_experiments *x, const doc *d, int quick, char *err, size_t errlen)
{
	*x = (doc_experiments){ 0 };
	for (size_t b = 0; b < d->nblocks; b++) {
		if (d->blocks[b].kind != BLOCK_EXPERIMENT)
			continue;
		experiment *grown = realloc(x->e, (x->n + 1) * sizeof *grown);
		if (!grown) {
			snprintf(err, errlen, "%s: out of memory", d->path);
			return -1;
		}
		x->e = grown;
		if (experiment_parse(&x->e[x->n], d, &d->blocks[b], quick, err, errlen)) {
			experiment_free(&x->e[x->n]);
			return -1;
		}
		x->n++;
	}
	return 0;
}

void doc_experiments_free(doc_experiments *x)
{
	for (size_t i = 0; i < x->n; i++)
		experiment_free(&x->e[i]);
	free(x->e);
	*x = (doc_experiments){ 0 };
}

/* Copies s[0..n) without surrounding blanks into out (size len); -1 when
 * it does not fit. */
static int trimmed(char *out, size_t len, const char *s, size_t n)
{
	while (n && strchr(" \t", *s))
		s++, n--;
	while (n && strchr(" \t", s[n - 1]))
		n--;
	if (n >= len)
		return -1;
	memcpy(out, s, n);
	out[n] = 0;
	return 0;
}

/* The key=value items between the brackets. */
static int parse_items(parsed_ref *r, const char *s, size_t n, const char *ref, char *err,
                       size_t errlen)
{
	for (const char *end = s + n; s <= end;) {
		const char *comma = memchr(s, ',', (size_t)(end - s));
		size_t len = (size_t)((comma ? comma : end) - s);
		const char *eq = memchr(s, '=', len);
		sel_item *it = &r->items[r->nitems];
		if (r->nitems == SEL_MAX_ITEMS || !eq ||
		    trimmed(it->key, sizeof it->key, s, (size_t)(eq - s)) ||
		    trimmed(it->value, sizeof it->value, eq + 1, len - (size_t)(eq - s) - 1) ||
		    !name_is_identifier(it->key) || !*it->value) {
			snprintf(err, errlen, "'%.200s': the selection item '%.*s' is not key=value "
			         "(key %s, at most %d items)", ref, (int)(len > 80 ? 80 : len), s,
			         NAME_RULE, SEL_MAX_ITEMS);
			return -1;
		}
		for (size_t i = 0; i < r->nitems; i++)
			if (!strcmp(r->items[i].key, it->key)) {
				snprintf(err, errlen, "'%.200s': key '%s' is selected twice", ref, it->key);
				return -1;
			}
		r->nitems++;
		if (!comma)
			break;
		s = comma + 1;
	}
	return 0;
}

/* T, T.agg or T.final. */
static int parse_table(parsed_ref *r, const char *t, const char *ref, char *err, size_t errlen)
{
	const char *dot = strchr(t, '.');
	size_t n = dot ? (size_t)(dot - t) : strlen(t);
	r->kind = !dot ? REF_TABLE : !strcmp(dot, ".agg") ? REF_AGG : !strcmp(dot, ".final")
	        ? REF_FINAL : REF_RUN;
	if (strchr(t, '/')) {
		snprintf(err, errlen, "'%.200s': %s", ref, OLD_SYNTAX_HINT);
		return -1;
	}
	if (r->kind == REF_RUN || n >= sizeof r->table) {
		snprintf(err, errlen, "'%.200s': the table '%.64s' is not T, T.agg or T.final", ref, t);
		return -1;
	}
	memcpy(r->table, t, n);
	r->table[n] = 0;
	if (!name_is_identifier(r->table)) {
		snprintf(err, errlen, "'%.200s': table name '%s' must match %s", ref, r->table,
		         NAME_RULE);
		return -1;
	}
	return 0;
}

static int parse_ref(parsed_ref *r, const char *ref, int is_run, char *err, size_t errlen)
{
	memset(r, 0, sizeof *r);
	size_t n = strcspn(ref, "[/");
	if (trimmed(r->exp, sizeof r->exp, ref, n) || !name_is_identifier(r->exp)) {
		snprintf(err, errlen, "'%.200s': expected EXP[key=value, ...]%s with EXP an experiment "
		         "name (%s)", ref, is_run ? "" : "/TABLE", NAME_RULE);
		return -1;
	}
	const char *p = ref + n;
	if (*p == '[') {
		const char *close = strchr(p, ']');
		if (!close) {
			snprintf(err, errlen, "'%.200s': '[' without ']'", ref);
			return -1;
		}
		r->has_sel = 1;
		if (parse_items(r, p + 1, (size_t)(close - p - 1), ref, err, errlen))
			return -1;
		p = close + 1;
	}
	if (is_run && *p) {
		snprintf(err, errlen, "'%.200s': a run is EXP[key=value, seed=K]%s", ref,
		         *p == '/' ? "; " OLD_SYNTAX_HINT : ", with nothing after ']'");
		return -1;
	}
	if (!is_run && *p != '/') {
		snprintf(err, errlen, "'%.200s': expected EXP[key=value, ...]/TABLE", ref);
		return -1;
	}
	r->kind = REF_RUN;
	return is_run ? 0 : parse_table(r, p + 1, ref, err, errlen);
}

int sel_value_matches(const char *v, const char *p)
{
	char vb[EXPERIMENT_NUMBER_MAX], pb[EXPERIMENT_NUMBER_MAX];
	return !strcmp(experiment_value_text(v, vb), experiment_value_text(p, pb));
}

/* The index of key among the experiment's swept keys, or -1. */
static long key_index(const char **keys, size_t nkeys, const char *key)
{
	for (size_t i = 0; i < nkeys; i++)
		if (!strcmp(keys[i], key))
			return (long)i;
	return -1;
}

/* Appends "a, b, c" (the swept keys) to buf. */
static void list_keys(char *buf, size_t len, const char **keys, size_t nkeys)
{
	size_t used = strlen(buf);
	for (size_t i = 0; i < nkeys && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? ", " : "", keys[i]);
	if (!nkeys && used < len)
		snprintf(buf + used, len - used, "none");
}

/* Checks the keys of the selection and takes seed=K out of it. */
static int check_keys(parsed_ref *r, const experiment *e, const char **keys, size_t nkeys,
                      long *seed, const char *ref, char *err, size_t errlen)
{
	*seed = -1;
	for (size_t i = 0; i < r->nitems; i++) {
		if (!strcmp(r->items[i].key, "seed")) {
			char *end;
			long k = strtol(r->items[i].value, &end, 10);
			if (*end || end == r->items[i].value || k < 0 || k >= e->seeds) {
				snprintf(err, errlen, "'%.200s': seed=%s: experiment '%s' has seed indices 0 "
				         "to %ld", ref, r->items[i].value, e->name, e->seeds - 1);
				return -1;
			}
			*seed = k;
		} else if (key_index(keys, nkeys, r->items[i].key) < 0) {
			snprintf(err, errlen, "'%.200s': experiment '%s' sweeps no key '%s' (swept keys: ",
			         ref, e->name, r->items[i].key);
			list_keys(err, errlen, keys, nkeys);
			snprintf(err + strlen(err), errlen - strlen(err), "; and seed=K)");
			return -1;
		}
	}
	return 0;
}

/* The seed a run or run table reads: seed=K, or 0 when there is one seed. */
static int choose_seed(const parsed_ref *r, const experiment *e, long *seed, const char *ref,
                       char *err, size_t errlen)
{
	if (r->kind == REF_AGG || r->kind == REF_FINAL) {
		if (*seed < 0)
			return 0;
		snprintf(err, errlen, "'%.200s': %s.%s is over all seeds: no seed=K", ref, r->table,
		         r->kind == REF_AGG ? "agg" : "final");
		return -1;
	}
	if (*seed < 0 && e->seeds > 1) {
		snprintf(err, errlen, "'%.200s': experiment '%s' has %ld seeds: select one with seed=K "
		         "(0 to %ld)%s", ref, e->name, e->seeds, e->seeds - 1,
		         r->kind == REF_TABLE ? ", or read the aggregate T.agg" : "");
		return -1;
	}
	*seed = *seed < 0 ? 0 : *seed;
	return 0;
}

static int aggregated(const experiment *e, const char *t)
{
	for (size_t i = 0; i < e->naggregate; i++)
		if (!strcmp(e->aggregate[i], t))
			return 1;
	return 0;
}

static int point_matches(const parsed_ref *r, const char **keys, size_t nkeys,
                         const char **values)
{
	for (size_t i = 0; i < r->nitems; i++) {
		long k = strcmp(r->items[i].key, "seed") ? key_index(keys, nkeys, r->items[i].key) : -1;
		if (k >= 0 && !sel_value_matches(r->items[i].value, values[k]))
			return 0;
	}
	return 1;
}

/* Appends the assignments of point p ("h=500, depth=3") to buf. */
static void describe_point(const experiment *e, size_t p, const char **keys, const char **values,
                           char *buf, size_t len)
{
	char name[EXPERIMENT_POINT_MAX];
	size_t nkeys = experiment_nkeys(e), used = strlen(buf);
	experiment_point(e, p, name, keys, values);
	for (size_t i = 0; i < nkeys && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s=%s", i ? ", " : "", keys[i],
		                         values[i]);
}

/* The error of a selection matching none or several points: the keys in
 * which the candidates differ and a few of them. */
static void report_count(const data_sel *s, const size_t *cand, size_t ncand, const char **keys,
                         const char **values, const char *ref, char *err, size_t errlen)
{
	const experiment *e = s->e;
	size_t nkeys = experiment_nkeys(e);
	char name[EXPERIMENT_POINT_MAX];
	if (!s->n)
		snprintf(err, errlen, "'%.200s' selects no point of experiment '%s'; its points: ",
		         ref, e->name);
	else
		snprintf(err, errlen, "'%.200s' selects %zu points of experiment '%s', which differ in "
		         "'", ref, s->n, e->name);
	for (size_t k = 0, first = 1; s->n && k < nkeys; k++) {
		experiment_point(e, cand[0], name, keys, values);
		char v0[256];
		snprintf(v0, sizeof v0, "%s", values[k]);
		int differs = 0;
		for (size_t c = 1; c < ncand && !differs; c++) {
			experiment_point(e, cand[c], name, keys, values);
			differs = strcmp(v0, values[k]) != 0;
		}
		if (differs) {
			snprintf(err + strlen(err), errlen - strlen(err), "%s%s", first ? "" : ", ",
			         keys[k]);
			first = 0;
		}
	}
	if (s->n)
		snprintf(err + strlen(err), errlen - strlen(err), "' (add them to the selection); "
		         "for instance: ");
	for (size_t c = 0; c < ncand && c < 3; c++) {
		snprintf(err + strlen(err), errlen - strlen(err), "%s[", c ? "; " : "");
		describe_point(e, cand[c], keys, values, err, errlen);
		snprintf(err + strlen(err), errlen - strlen(err), "]");
	}
	if (ncand > 3)
		snprintf(err + strlen(err), errlen - strlen(err), "; ... (%zu in all)", ncand);
}

/* The path of point p for the reference (select.h). */
static char *ref_path(const data_sel *s, size_t p)
{
	char name[EXPERIMENT_POINT_MAX], *path = NULL;
	experiment_point(s->e, p, name, NULL, NULL);
	int rc = s->kind == REF_FINAL  ? asprintf(&path, "%s/%s.final", s->e->name, s->table)
	       : s->kind == REF_AGG    ? asprintf(&path, "%s/%s/%s.agg", s->e->name, name, s->table)
	       : s->kind == REF_TABLE  ? asprintf(&path, "%s/%s/s%ld/%s", s->e->name, name, s->seed,
	                                          s->table)
	                               : asprintf(&path, "%s/%s/s%ld", s->e->name, name, s->seed);
	return rc < 0 ? NULL : path;
}

static const experiment *find_experiment(const doc_experiments *x, const char *name)
{
	for (size_t i = 0; i < x->n; i++)
		if (!strcmp(x->e[i].name, name))
			return &x->e[i];
	return NULL;
}

/* s->points: the matching points (all points of the sweep for T.final). */
static int match_points(data_sel *s, const parsed_ref *r, const char **keys, const char **values,
                        int one, const char *ref, char *err, size_t errlen)
{
	const experiment *e = s->e;
	size_t np = experiment_npoints(e), nkeys = experiment_nkeys(e);
	char name[EXPERIMENT_POINT_MAX];
	size_t *all = malloc(np * sizeof *all);
	s->points = malloc(np * sizeof *s->points);
	if (!all || !s->points) {
		free(all);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t p = 0; p < np; p++) {
		all[p] = p;
		experiment_point(e, p, name, keys, values);
		if (r->kind == REF_FINAL ? p == 0 : point_matches(r, keys, nkeys, values))
			s->points[s->n++] = p;
	}
	int rc = 0;
	if (!s->n || (one && s->n > 1)) {
		report_count(s, s->n ? s->points : all, s->n ? s->n : np, keys, values, ref, err,
		             errlen);
		rc = -1;
	}
	free(all);
	return rc;
}

int data_sel_resolve(data_sel *s, const doc_experiments *x, const char *ref, int is_run, int one,
                     char *err, size_t errlen)
{
	memset(s, 0, sizeof *s);
	parsed_ref r;
	if (parse_ref(&r, ref, is_run, err, errlen))
		return -1;
	if (!(s->e = find_experiment(x, r.exp))) {
		snprintf(err, errlen, "'%.200s': '%s' is not an experiment of this document (", ref,
		         r.exp);
		for (size_t i = 0; i < x->n; i++)
			snprintf(err + strlen(err), errlen - strlen(err), "%s%s", i ? ", " : "",
			         x->e[i].name);
		snprintf(err + strlen(err), errlen - strlen(err), "%s)", x->n ? "" : "it defines none");
		return -1;
	}
	s->kind = r.kind;
	snprintf(s->table, sizeof s->table, "%s", r.table);
	size_t nkeys = experiment_nkeys(s->e);
	const char **keys = calloc(nkeys + 1, sizeof *keys), **values = calloc(nkeys + 1, sizeof *values);
	int rc = keys && values ? 0 : (snprintf(err, errlen, "out of memory"), -1);
	if (!rc && r.kind == REF_FINAL && r.has_sel) {
		snprintf(err, errlen, "'%.200s': %s.final is the whole sweep: no [selection]", ref,
		         r.table);
		rc = -1;
	}
	if (!rc && (r.kind == REF_AGG || r.kind == REF_FINAL) && !aggregated(s->e, r.table)) {
		snprintf(err, errlen, "'%.200s': experiment '%s' does not aggregate table '%s' (add it "
		         "to its aggregate: line)", ref, s->e->name, r.table);
		rc = -1;
	}
	if (!rc) /* the swept keys, in the order of experiment_point */
		experiment_point(s->e, 0, (char[EXPERIMENT_POINT_MAX]){ 0 }, keys, values);
	rc = rc ? rc : check_keys(&r, s->e, keys, nkeys, &s->seed, ref, err, errlen);
	rc = rc ? rc : choose_seed(&r, s->e, &s->seed, ref, err, errlen);
	rc = rc ? rc : match_points(s, &r, keys, values, one, ref, err, errlen);
	if (!rc && !(s->paths = calloc(s->n, sizeof *s->paths)))
		rc = (snprintf(err, errlen, "out of memory"), -1);
	for (size_t i = 0; !rc && i < s->n; i++)
		if (!(s->paths[i] = ref_path(s, s->points[i])))
			rc = (snprintf(err, errlen, "out of memory"), -1);
	free(keys);
	free(values);
	if (rc)
		data_sel_free(s);
	return rc;
}

void data_sel_free(data_sel *s)
{
	for (size_t i = 0; s->paths && i < s->n; i++)
		free(s->paths[i]);
	free(s->paths);
	free(s->points);
	s->paths = NULL;
	s->points = NULL;
	s->n = 0;
}
