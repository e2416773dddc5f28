/* compare.c -- `lindyn compare`: the tables and claims of a data directory
 * against a recorded reference (data/reference/quick, data/reference/paper).
 *
 *   lindyn compare --record [--quick] --data DATA DOC.md
 *       prints the fingerprints of the tables of DOC's experiments
 *       (fingerprint.h); `make reference` stores them as REF/NAME.tables,
 *       beside NAME.claims.tsv (`lindyn verify --format tsv`)
 *   lindyn compare REF DATA
 *       per document of REF and per table: bit-identical, agrees to X (the
 *       largest relative difference over its fingerprinted values, within
 *       the tolerance), or DIFFERS naming table, column, row and both
 *       values; per claim the verdict and measured value beside the
 *       reference's; a summary.  Exit 0 when nothing differs beyond
 *       tolerance, 1 when something does, 2 when the comparison cannot be
 *       made (one line naming the file).
 *
 * Tolerances: TOLERANCE_REL relative (TOLERANCE_ABS absolute) unless the
 * experiment or claim block states a wider one (tolerance.h). */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "claims.h"
#include "../cmd/commands.h"
#include "doc.h"
#include "fingerprint.h"
#include "../host/regular_file.h"
#include "tolerance.h"

#define TABLES_SUFFIX ".tables"
#define CLAIMS_SUFFIX ".claims.tsv"

typedef struct {
	size_t identical, within, differ;      /* tables */
	size_t claims_same, claims_differ;
} tally;

static int usage(void)
{
	fprintf(stderr, "usage: lindyn compare REF DATA\n"
	                "       lindyn compare --record [--quick] --data DATA DOC.md\n");
	return 2;
}

/* ---- --record ---- */

static int record(const char *data, int quick, const char *path)
{
	char err[1024];
	doc d;
	if (doc_load(&d, path, err, sizeof err)) {
		fprintf(stderr, "lindyn compare: %s\n", err);
		return 2;
	}
	fingerprint_set s = { 0 };
	int rc = 0;
	for (size_t b = 0; b < d.nblocks && !rc; b++) {
		const block_field *name =
			d.blocks[b].kind == BLOCK_EXPERIMENT ? block_field_get(&d.blocks[b], "name") : NULL;
		if (name)
			rc = fingerprint_experiment(&s, data, name->value, err, sizeof err);
	}
	if (!rc) {
		printf("# the tables of %s in %s: lindyn compare --record (paper/FORMAT.md, "
		       "\"Reference and compare\")\ndocument\t%s\nscale\t%s\n",
		       d.path, data, d.path, quick ? "quick" : "paper");
		for (size_t i = 0; i < s.n; i++)
			fingerprint_write(stdout, &s.fp[i]);
		if (fflush(stdout) || ferror(stdout))
			rc = (snprintf(err, sizeof err, "writing the fingerprints: %s", strerror(errno)), -1);
	}
	if (rc)
		fprintf(stderr, "lindyn compare: %s\n", err);
	fingerprint_set_free(&s);
	doc_free(&d);
	return rc ? 2 : 0;
}

/* ---- tolerances stated in the document ---- */

/* The widest tolerance the experiment's blocks state for column (with the
 * line stating it), or TOLERANCE_REL and line 0. */
static double column_tolerance(const doc *d, const char *exp, const char *column, int *line)
{
	double rel = TOLERANCE_REL;
	*line = 0;
	for (size_t b = 0; b < d->nblocks; b++) {
		const block *bl = &d->blocks[b];
		const block_field *name = bl->kind == BLOCK_EXPERIMENT ? block_field_get(bl, "name") : NULL;
		if (!name || strcmp(name->value, exp))
			continue;
		for (size_t i = 0; i < bl->nfields; i++) {
			double r;
			char why[256];
			const block_field *f = &bl->fields[i];
			if (!strcmp(f->key, "tolerance") && !tolerance_parse(f->value, 1, &r, why, sizeof why) &&
			    tolerance_covers(f->value, column) && r > rel) {
				rel = r;
				*line = f->line;
			}
		}
	}
	return rel;
}

/* Every tolerance: line of d parses; 0, or -1 after one line naming document:line. */
static int check_tolerances(const doc *d)
{
	for (size_t b = 0; b < d->nblocks; b++)
		for (size_t i = 0; i < d->blocks[b].nfields; i++) {
			const block_field *f = &d->blocks[b].fields[i];
			double r;
			char why[256];
			if (!strcmp(f->key, "tolerance") &&
			    tolerance_parse(f->value, d->blocks[b].kind == BLOCK_EXPERIMENT, &r, why,
			                    sizeof why)) {
				fprintf(stderr, "lindyn compare: %s:%d: %s\n", d->path, f->line, why);
				return -1;
			}
		}
	return 0;
}

/* ---- tables ---- */

/* A tolerance as stated: "any" or the number. */
static const char *tolerance_text(double rel, char *buf, size_t len)
{
	if (isinf(rel))
		return "any";
	snprintf(buf, len, "%.2g", rel);
	return buf;
}

/* Where statistic stat of f lies, in words: "row 27", "maximum", ... */
static void describe_stat(const fingerprint *f, const char *stat, char *buf, size_t len)
{
	size_t rows = f->rows;
	if (!strcmp(stat, "first"))
		snprintf(buf, len, "row 1");
	else if (!strcmp(stat, "middle"))
		snprintf(buf, len, "row %zu", rows ? (rows - 1) / 2 + 1 : 0);
	else if (!strcmp(stat, "last"))
		snprintf(buf, len, "row %zu (the last)", rows);
	else if (!strcmp(stat, "min") || !strcmp(stat, "max"))
		snprintf(buf, len, "the column's %s", !strcmp(stat, "min") ? "minimum" : "maximum");
	else
		snprintf(buf, len, "the last row's %s over %zu tables",
		         !strcmp(stat, "lastmin") ? "minimum" : !strcmp(stat, "lastmax") ? "maximum" : "mean",
		         f->members);
}

typedef struct {
	double worst;             /* largest relative difference under the default tolerance,
	                           * over the values beyond the absolute floor */
	size_t floored;           /* values that agree only by the absolute floor */
	double stated_worst;      /* ... under a stated one */
	const char *stated_col;
	double stated_rel;
	int stated_line;
	char differs[1024];       /* the first difference beyond tolerance, "" when none */
} table_result;

/* The same column names in the same order. */
static int columns_in_order(const fingerprint *ref, const fingerprint *cur)
{
	if (ref->ncols != cur->ncols)
		return 0;
	for (size_t j = 0; j < ref->ncols; j++)
		if (strcmp(ref->cols[j], cur->cols[j]))
			return 0;
	return 1;
}

/* The columns of ref and cur agree as sets; otherwise the difference in r. */
static int same_columns(const fingerprint *ref, const fingerprint *cur, table_result *r)
{
	for (int side = 0; side < 2; side++) {
		const fingerprint *a = side ? cur : ref, *b = side ? ref : cur;
		for (size_t j = 0; j < a->ncols; j++) {
			size_t k = 0;
			while (k < b->ncols && strcmp(a->cols[j], b->cols[k]))
				k++;
			if (k == b->ncols) {
				snprintf(r->differs, sizeof r->differs, "column %s is %s", a->cols[j],
				         side ? "new (not in the reference)" : "missing");
				return 0;
			}
		}
	}
	return 1;
}

static void compare_values(const doc *d, const fingerprint *ref, const fingerprint *cur,
                           table_result *r)
{
	char exp[128];
	fingerprint_experiment_of(ref, exp, sizeof exp);
	for (size_t j = 0; j < ref->ncols; j++) {
		int line;
		double rel = column_tolerance(d, exp, ref->cols[j], &line);
		for (size_t k = 0; k < ref->nstats; k++) {
			double a = ref->v[k * ref->ncols + j];
			double b = fingerprint_value(cur, ref->stats[k], ref->cols[j]);
			double diff = isnan(a) && isnan(b) ? 0 : isnan(a) || isnan(b) ? INFINITY
			                                                               : tolerance_reldiff(a, b);
			if (!isinf(diff) && diff > 0 && fabs(a - b) <= TOLERANCE_ABS) {
				r->floored++;
				continue;
			}
			if (line && diff > r->stated_worst) {
				r->stated_worst = diff;
				r->stated_col = ref->cols[j];
				r->stated_rel = rel;
				r->stated_line = line;
			} else if (!line && diff > r->worst) {
				r->worst = diff;
			}
			if (*r->differs || diff == 0 || (!isinf(diff) && tolerance_agrees(a, b, rel)))
				continue;
			char where[128];
			describe_stat(ref, ref->stats[k], where, sizeof where);
			snprintf(r->differs, sizeof r->differs,
			         "column %s, %s: %.17g in the reference, %.17g now (relative difference "
			         "%.2g, tolerance %.2g%s)",
			         ref->cols[j], where, a, b, diff, rel, line ? " as stated" : "");
		}
	}
}

static void print_table(const doc *d, const fingerprint *ref, const fingerprint *cur, tally *t)
{
	table_result r = { 0 };
	const char *key = ref ? ref->key : cur->key;
	if (!cur)
		snprintf(r.differs, sizeof r.differs, "missing from the data");
	else if (!ref)
		snprintf(r.differs, sizeof r.differs, "not in the reference (a new table)");
	else if (!strcmp(ref->sha, cur->sha) && ref->rows == cur->rows && ref->members == cur->members &&
	         columns_in_order(ref, cur)) { /* the digest skips '#' lines, columns included */
		printf("  bit-identical      %s\n", key);
		t->identical++;
		return;
	} else if (ref->members != cur->members || ref->rows != cur->rows)
		snprintf(r.differs, sizeof r.differs, "%zu runs and %zu rows in the reference, %zu and %zu now",
		         ref->members, ref->rows, cur->members, cur->rows);
	else if (same_columns(ref, cur, &r))
		compare_values(d, ref, cur, &r);
	if (*r.differs) {
		printf("  DIFFERS            %s: %s\n", key, r.differs);
		t->differ++;
		return;
	}
	printf("  agrees to %-8.2g %s", r.worst, key);
	char tol[32];
	if (r.floored)
		printf(" (and %zu values within the absolute floor %.0e)", r.floored, TOLERANCE_ABS);
	if (r.stated_line)
		printf(" (column %s: %.2g, within the tolerance %s stated at %s:%d)", r.stated_col,
		       r.stated_worst, tolerance_text(r.stated_rel, tol, sizeof tol), d->path,
		       r.stated_line);
	if (r.worst == 0 && !r.floored && !r.stated_line)
		printf(" (the digests differ: a value outside the fingerprinted ones changed)");
	printf("\n");
	t->within++;
}

static int compare_tables(const doc *d, const fingerprint_set *ref, const char *data, tally *t)
{
	fingerprint_set cur = { 0 };
	char err[1024];
	int rc = 0;
	for (size_t b = 0; b < d->nblocks && !rc; b++) {
		const block_field *name =
			d->blocks[b].kind == BLOCK_EXPERIMENT ? block_field_get(&d->blocks[b], "name") : NULL;
		if (name)
			rc = fingerprint_experiment(&cur, data, name->value, err, sizeof err);
	}
	if (rc) {
		fprintf(stderr, "lindyn compare: %s\n", err);
		fingerprint_set_free(&cur);
		return -1;
	}
	for (size_t i = 0; i < ref->n; i++)
		print_table(d, &ref->fp[i], fingerprint_find(&cur, ref->fp[i].key), t);
	for (size_t i = 0; i < cur.n; i++)
		if (!fingerprint_find(ref, cur.fp[i].key))
			print_table(d, NULL, &cur.fp[i], t);
	fingerprint_set_free(&cur);
	return 0;
}

/* ---- claims ---- */

typedef struct {
	char *id, *verdict;
	double measured;
} ref_claim;

typedef struct {
	ref_claim *c;
	size_t n;
} ref_claims;

static void ref_claims_free(ref_claims *rc)
{
	for (size_t i = 0; i < rc->n; i++) {
		free(rc->c[i].id);
		free(rc->c[i].verdict);
	}
	free(rc->c);
}

/* The id, verdict and measured value of every row of a `lindyn verify
 * --format tsv` report.  0, or -1 after one line naming file:line. */
static int read_claims(const char *path, ref_claims *out)
{
	char err[1024];
	FILE *in = regular_file_open(path, err, sizeof err);
	if (!in) {
		fprintf(stderr, "lindyn compare: %s\n", err);
		return -1;
	}
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	int rc = 0;
	while (!rc && getline(&line, &cap, in) > 0) {
		lineno++;
		line[strcspn(line, "\n")] = 0;
		char *f[4] = { line };
		size_t n = 1;
		for (char *p = line; n < 4 && (p = strchr(p, '\t')) != NULL; n++)
			*p++ = 0, f[n] = p;
		char *tab = n == 4 ? strchr(f[3], '\t') : NULL;
		if (tab)
			*tab = 0;
		if (lineno == 1 && n == 4 && !strcmp(f[1], "id") && !strcmp(f[3], "measured"))
			continue;
		char *end = NULL;
		double m = n == 4 ? strtod(f[3], &end) : 0;
		ref_claim *grown = lineno > 1 && n == 4 && *f[3] && !*end
		                           ? realloc(out->c, (out->n + 1) * sizeof *grown) : NULL;
		if (!grown) {
			fprintf(stderr, "lindyn compare: %s:%ld: expected %s\n", path, lineno,
			        lineno == 1 ? "the header of `lindyn verify --format tsv`"
			                    : "'paper id verdict measured ...' with a number measured");
			rc = -1;
			break;
		}
		out->c = grown;
		grown[out->n] = (ref_claim){ strdup(f[1]), strdup(f[2]), m };
		if (!grown[out->n++].verdict || !grown[out->n - 1].id) {
			fprintf(stderr, "lindyn compare: out of memory\n");
			rc = -1;
		}
	}
	if (!rc && lineno == 0) {
		fprintf(stderr, "lindyn compare: %s: empty (expected a `lindyn verify --format tsv` report)\n", path);
		rc = -1;
	}
	free(line);
	fclose(in);
	return rc;
}

static double claim_tolerance(const block *b, int *line)
{
	double rel = TOLERANCE_REL;
	char why[256];
	const block_field *f = block_field_get(b, "tolerance");
	*line = 0;
	if (f && !tolerance_parse(f->value, 0, &rel, why, sizeof why))
		*line = f->line;
	return rel;
}

static void print_claim(const doc *d, const block *b, const claim_result *r, const ref_claim *ref,
                        tally *t)
{
	const char *verdict = claim_outcome_name(r->outcome);
	int line;
	double rel = claim_tolerance(b, &line);
	/* a stated tolerance "any" covers the verdict too: a wall-clock order may turn */
	int same = ref && (isinf(rel) || (!strcmp(ref->verdict, verdict) &&
	                                  ((isnan(ref->measured) && isnan(r->measured)) ||
	                                   tolerance_agrees(ref->measured, r->measured, rel))));
	printf("  %-18s claim %s: %s %.17g, reference %s %.17g", same ? "same" : "DIFFERS", r->id,
	       verdict, r->measured, ref ? ref->verdict : "(none)", ref ? ref->measured : NAN);
	char tol[32];
	if (line)
		printf(" (within the tolerance %s stated at %s:%d)", tolerance_text(rel, tol, sizeof tol),
		       d->path, line);
	printf("\n");
	if (same)
		t->claims_same++;
	else
		t->claims_differ++;
}

static int compare_claims(const doc *d, const char *ref_path, const char *data, int quick, tally *t)
{
	ref_claims ref = { 0 };
	if (read_claims(ref_path, &ref))
		return ref_claims_free(&ref), -1;
	unsigned char *seen = calloc(ref.n + 1, 1);
	if (!seen) {
		ref_claims_free(&ref);
		fprintf(stderr, "lindyn compare: out of memory\n");
		return -1;
	}
	for (size_t b = 0; b < d->nblocks; b++) {
		if (d->blocks[b].kind != BLOCK_CLAIM)
			continue;
		claim_result r;
		claim_eval(d, &d->blocks[b], data, quick, &r);
		size_t k = 0;
		while (k < ref.n && (seen[k] || strcmp(ref.c[k].id, r.id)))
			k++;
		seen[k] = 1;
		print_claim(d, &d->blocks[b], &r, k < ref.n ? &ref.c[k] : NULL, t);
	}
	for (size_t k = 0; k < ref.n; k++)
		if (!seen[k]) {
			printf("  DIFFERS            claim %s: in the reference (%s %.17g), not in %s\n",
			       ref.c[k].id, ref.c[k].verdict, ref.c[k].measured, d->path);
			t->claims_differ++;
		}
	free(seen);
	ref_claims_free(&ref);
	return 0;
}

/* ---- REF against DATA ---- */

static int compare_document(const char *refdir, const char *tables, const char *data, tally *all)
{
	char path[4096], err[1024], *docpath;
	int quick;
	fingerprint_set ref = { 0 };
	int n = snprintf(path, sizeof path, "%s/%s", refdir, tables);
	if (n < 0 || (size_t)n >= sizeof path) {
		fprintf(stderr, "lindyn compare: %s/%s: path too long\n", refdir, tables);
		return -1;
	}
	if (fingerprint_read(path, &ref, &docpath, &quick, err, sizeof err)) {
		fprintf(stderr, "lindyn compare: %s\n", err);
		return -1;
	}
	doc d;
	int rc = doc_load(&d, docpath, err, sizeof err), loaded = !rc;
	if (rc)
		fprintf(stderr, "lindyn compare: %s (the document of %s)\n", err, path);
	else
		rc = check_tolerances(&d);
	tally t = { 0 };
	if (!rc) {
		printf("\n%s (%s, %s scale)\n", d.name, d.path, quick ? "quick" : "paper");
		rc = compare_tables(&d, &ref, data, &t);
	}
	if (!rc) {
		n = snprintf(path, sizeof path, "%s/%.*s%s", refdir,
		             (int)(strlen(tables) - strlen(TABLES_SUFFIX)), tables, CLAIMS_SUFFIX);
		if (n < 0 || (size_t)n >= sizeof path) {
			fprintf(stderr, "lindyn compare: %s: path too long\n", refdir);
			rc = -1;
		} else
			rc = compare_claims(&d, path, data, quick, &t);
	}
	if (!rc) {
		printf("  %s: %zu tables: %zu bit-identical, %zu within tolerance, %zu differ; "
		       "%zu claims: %zu same, %zu differ\n", d.name, t.identical + t.within + t.differ,
		       t.identical, t.within, t.differ, t.claims_same + t.claims_differ, t.claims_same,
		       t.claims_differ);
		all->identical += t.identical, all->within += t.within, all->differ += t.differ;
		all->claims_same += t.claims_same, all->claims_differ += t.claims_differ;
	}
	if (loaded)
		doc_free(&d);
	free(docpath);
	fingerprint_set_free(&ref);
	return rc;
}

static int tables_file(const struct dirent *e)
{
	size_t n = strlen(e->d_name), m = strlen(TABLES_SUFFIX);
	return e->d_name[0] != '.' && n > m && !strcmp(e->d_name + n - m, TABLES_SUFFIX);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int compare(const char *refdir, const char *data)
{
	struct stat st;
	int missing = stat(data, &st) != 0;
	if (missing || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "lindyn compare: %s: %s\n", data,
		        missing ? strerror(errno) : "not a directory (expected a data directory)");
		return 2;
	}
	struct dirent **names;
	int n = scandir(refdir, &names, tables_file, by_name);
	if (n <= 0) {
		fprintf(stderr, "lindyn compare: %s: %s\n", refdir,
		        n < 0 ? strerror(errno) : "no *" TABLES_SUFFIX " files (expected a reference "
		                                  "written by make reference)");
		if (n == 0)
			free(names);
		return 2;
	}
	printf("lindyn compare: %s against the reference %s (tolerance %.0e relative, %.0e "
	       "absolute, unless a block states one)\n", data, refdir, TOLERANCE_REL, TOLERANCE_ABS);
	tally all = { 0 };
	int rc = 0;
	for (int i = 0; i < n; i++) {
		if (!rc)
			rc = compare_document(refdir, names[i]->d_name, data, &all);
		free(names[i]);
	}
	free(names);
	if (rc)
		return 2;
	size_t tables = all.identical + all.within + all.differ;
	printf("\nsummary: %d documents; %zu tables: %zu bit-identical, %zu within tolerance, %zu "
	       "differ; %zu claims: %zu same, %zu differ\n%s\n", n, tables, all.identical,
	       all.within, all.differ, all.claims_same + all.claims_differ, all.claims_same,
	       all.claims_differ,
	       all.differ || all.claims_differ ? "compare: DIFFERS from the reference"
	                                       : "compare: OK, nothing differs beyond tolerance");
	if (fflush(stdout) || ferror(stdout)) {
		fprintf(stderr, "lindyn compare: writing the report: %s\n", strerror(errno));
		return 2;
	}
	return all.differ || all.claims_differ ? 1 : 0;
}

int cmd_compare(int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "--record")) {
		const char *data = NULL;
		int quick = 0, i = 1;
		for (; i < argc && !strncmp(argv[i], "--", 2); i++)
			if (!strcmp(argv[i], "--quick"))
				quick = 1;
			else if (!strcmp(argv[i], "--data") && i + 1 < argc)
				data = argv[++i];
			else
				return usage();
		return data && i == argc - 1 ? record(data, quick, argv[i]) : usage();
	}
	if (argc != 2 || argv[0][0] == '-')
		return usage();
	return compare(argv[0], argv[1]);
}
