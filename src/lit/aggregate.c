/* aggregate.c -- `lindyn aggregate`: mean and standard deviation over seeds.
 *
 *   --seeds -o OUT A.tsv B.tsv ...      row by row: the first column (which
 *       must agree across the files), then <col>_mean <col>_std of the rest
 *   --final -o OUT --point 'k=v,...' FILES... --point ...
 *       one row per point: the point's values (a non-numeric value is
 *       replaced by its index among the points), then <col>_mean <col>_std
 *       of every column of each file's last row
 * OUT starts with "# table: NAME" (NAME: its file name without .tsv) and the
 * header row of its column names.
 * Every input of one aggregation must have the same columns, in the same
 * order, and at least one row; every point the same keys.  Standard
 * deviations are the sample ones (n - 1), 0 for a single seed.  OUT is
 * made in memory, written to a hidden temporary in its directory and
 * renamed into place only when complete; any failure prints one line and
 * leaves nothing. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../cmd/commands.h"
#include "../host/names.h"
#include "../host/tables.h"
#include "tsv.h"

#define ERR "lindyn aggregate: "

/* The same, computed so that no intermediate overflows: a running mean and
 * deviations scaled by the largest.  Tables use DBL_MAX as "none yet" (a
 * minimum over nothing), and three of them sum to infinity. */
static void mean_std_scaled(const double *x, size_t n, double *mean, double *std)
{
	double m = 0, scale = 0, ss = 0;
	for (size_t i = 0; i < n; i++)
		m += (x[i] - m) / (double)(i + 1);
	for (size_t i = 0; i < n; i++)
		scale = fmax(scale, fabs(x[i] - m));
	for (size_t i = 0; scale > 0 && i < n; i++)
		ss += ((x[i] - m) / scale) * ((x[i] - m) / scale);
	*mean = m;
	*std = n > 1 ? scale * sqrt(ss / (double)(n - 1)) : 0.0;
}

/* Mean and sample std of x[0..n); -1 when they are not finite numbers. */
static int mean_std(const double *x, size_t n, double *mean, double *std)
{
	double s = 0, ss = 0;
	for (size_t i = 0; i < n; i++)
		s += x[i];
	*mean = s / (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - *mean) * (x[i] - *mean);
	*std = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
	if (!isfinite(*mean) || !isfinite(*std))
		mean_std_scaled(x, n, mean, std);
	return isfinite(*mean) && isfinite(*std) ? 0 : -1;
}

/* Table b (read from bpath) has exactly the columns of a (from apath). */
static int same_columns(const tsv *a, const char *apath, const tsv *b, const char *bpath)
{
	for (size_t j = 0; j < a->ncols && j < b->ncols; j++)
		if (strcmp(a->cols[j], b->cols[j])) {
			fprintf(stderr, ERR "%s: columns differ from %s: column %zu is '%s', not '%s'\n",
			        bpath, apath, j + 1, b->cols[j], a->cols[j]);
			return -1;
		}
	if (a->ncols != b->ncols) {
		fprintf(stderr, ERR "%s: columns differ from %s: %zu columns, not %zu\n", bpath, apath,
		        b->ncols, a->ncols);
		return -1;
	}
	return 0;
}

/* Reads paths[0..n) into t; each must have rows and the columns of ref
 * (read from refpath), or of t[0] when ref is NULL. */
static int load_all(tsv *t, char **paths, size_t n, const tsv *ref, const char *refpath)
{
	char err[1024];
	for (size_t i = 0; i < n; i++) {
		if (tsv_read(&t[i], paths[i], err, sizeof err)) {
			fprintf(stderr, ERR "%s\n", err);
			return -1;
		}
		if (!t[i].nrows) {
			fprintf(stderr, ERR "%s: no data rows\n", paths[i]);
			return -1;
		}
		if (same_columns(ref ? ref : &t[0], ref ? refpath : paths[0], &t[i], paths[i]))
			return -1;
	}
	return 0;
}

static void free_all(tsv *t, size_t n)
{
	for (size_t i = 0; t && i < n; i++)
		tsv_free(&t[i]);
	free(t);
}

/* Every file has the rows of the first, with the same first column. */
static int same_rows(const tsv *t, char **paths, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (t[i].nrows != t[0].nrows) {
			fprintf(stderr, ERR "%s has %zu rows, %s has %zu\n", paths[i], t[i].nrows, paths[0],
			        t[0].nrows);
			return -1;
		}
		for (size_t r = 0; r < t[0].nrows; r++) {
			double x0 = t[0].v[r * t[0].ncols], xi = t[i].v[r * t[i].ncols];
			if (xi != x0) {
				fprintf(stderr, ERR "%s row %zu: %s = %.17g, but %.17g in %s\n", paths[i], r + 1,
				        t[0].cols[0], xi, x0, paths[0]);
				return -1;
			}
		}
	}
	return 0;
}

/* Writes "<sep><mean>\t<std>" of column c of row r (r < 0: each file's
 * last row) over the n files. */
static int write_mean_std(FILE *out, const char *sep, const tsv *t, char **paths, size_t n,
                          long r, size_t c, double *x)
{
	for (size_t i = 0; i < n; i++)
		x[i] = t[i].v[(r < 0 ? t[i].nrows - 1 : (size_t)r) * t[i].ncols + c];
	double m, s;
	if (mean_std(x, n, &m, &s)) {
		fprintf(stderr, ERR "%s: column '%s': the mean or standard deviation over %zu files "
		                    "overflows\n", paths[0], t[0].cols[c], n);
		return -1;
	}
	fprintf(out, "%s%.17g\t%.17g", sep, m, s);
	return 0;
}

static int by_seeds(FILE *out, const char *name, char **paths, size_t n)
{
	tsv *t = calloc(n, sizeof *t);
	double *x = malloc(n * sizeof *x);
	int rc = !t || !x ? (fprintf(stderr, ERR "out of memory\n"), -1)
	                  : load_all(t, paths, n, NULL, NULL) || same_rows(t, paths, n) ? -1 : 0;
	if (!rc) {
		fprintf(out, "# lindyn aggregate over %zu seeds\n# table: %s\n%s", n, name, t[0].cols[0]);
		for (size_t j = 1; j < t[0].ncols; j++)
			tables_put_stats(out, "\t", "\t", t[0].cols[j]);
		fputc('\n', out);
	}
	for (size_t r = 0; !rc && r < t[0].nrows; r++) {
		fprintf(out, "%.17g", t[0].v[r * t[0].ncols]);
		for (size_t j = 1; !rc && j < t[0].ncols; j++)
			rc = write_mean_std(out, "\t", t, paths, n, (long)r, j, x);
		fputc('\n', out);
	}
	free_all(t, n);
	free(x);
	return rc;
}

/* w is one of the space-separated words. */
static int has_word(const char *words, const char *w)
{
	size_t n = strlen(w);
	for (const char *p = words; (p = strstr(p, w)); p += n)
		if ((p == words || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
	return 0;
}

/* A point 'k=v,k2=v2' ('' when nothing is swept): its keys joined by ' ' in
 * keys (caller frees) and its values, numeric or else `index`, in vals. */
static int parse_point(const char *spec, int index, char **keys, double *vals, size_t *nvals)
{
	char *copy = strdup(spec), *rest = copy && *copy ? copy : NULL;
	size_t klen = 0, n = 0;
	FILE *k = copy ? open_memstream(keys, &klen) : NULL;
	int rc = k ? 0 : (fprintf(stderr, ERR "out of memory\n"), -1);
	for (char *kv; !rc && (kv = strsep(&rest, ",")); n++) {
		char *eq = strchr(kv, '=');
		if (eq)
			*eq = 0;
		if (!eq || !name_is_identifier(kv) || !eq[1]) {
			fprintf(stderr, ERR "point '%s': item %zu is not key=value (key %s)\n", spec,
			        n + 1, NAME_RULE);
			rc = -1;
			break;
		}
		if (!fflush(k) && has_word(*keys, kv)) { /* fflush: *keys is up to date */
			fprintf(stderr, ERR "point '%s': key '%s' appears twice\n", spec, kv);
			rc = -1;
			break;
		}
		fprintf(k, "%s%s", n ? " " : "", kv);
		if (!tsv_number(eq + 1, strlen(eq + 1), &vals[n]))
			vals[n] = index;
	}
	if (k && fclose(k) && !rc)
		rc = (fprintf(stderr, ERR "out of memory\n"), -1);
	free(copy);
	*nvals = n;
	return rc;
}

/* One --point: SPEC and its files argv[0..n). */
typedef struct {
	const char *spec;
	char **files;
	size_t n;
} point;

/* Splits argv "--point SPEC files... --point SPEC files..." into points. */
static point *points_of(char **argv, int argc, size_t *npoints)
{
	point *p = calloc((size_t)argc, sizeof *p);
	*npoints = 0;
	for (int i = 0; p && i < argc;) {
		if (strcmp(argv[i], "--point") || i + 1 == argc) {
			fprintf(stderr, ERR "expected --point SPEC before '%s'\n", argv[i]);
			free(p);
			return NULL;
		}
		point *q = &p[(*npoints)++];
		q->spec = argv[i + 1];
		q->files = argv + i + 2;
		for (i += 2; i < argc && strcmp(argv[i], "--point"); i++)
			q->n++;
		if (!q->n) {
			fprintf(stderr, ERR "point '%s' has no files\n", q->spec);
			free(p);
			return NULL;
		}
	}
	if (!p)
		fprintf(stderr, ERR "out of memory\n");
	return p;
}

/* Writes the row of point q (index `index`); the first point also writes
 * the header and sets *ref and *keys0, which later points must match. */
static int final_row(FILE *out, const char *name, const point *q, int index, tsv *ref,
                     const char **refpath, char **keys0)
{
	size_t nvals = 0, most = 1 + strlen(q->spec) / 2; /* "k=v," per item at least */
	double *vals = malloc(most * sizeof *vals), *x = malloc(q->n * sizeof *x);
	tsv *t = calloc(q->n, sizeof *t);
	char *keys = NULL;
	int rc = !vals || !x || !t ? (fprintf(stderr, ERR "out of memory\n"), -1)
	       : parse_point(q->spec, index, &keys, vals, &nvals)
	         || load_all(t, q->files, q->n, index ? ref : NULL, *refpath) ? -1 : 0;
	if (!rc && index && strcmp(keys, *keys0)) {
		fprintf(stderr, ERR "point '%s': keys '%s' differ from the first point's '%s'\n",
		        q->spec, keys, *keys0);
		rc = -1;
	}
	if (!rc && !index) {
		fprintf(out, "# lindyn aggregate of the last rows over seeds, one row per point\n"
		             "# table: %s\n", name);
		for (const char *k = keys; *k; k++) /* the keys, tab-separated */
			fputc(*k == ' ' ? '\t' : *k, out);
		for (size_t c = 0; c < t[0].ncols; c++)
			tables_put_stats(out, nvals || c ? "\t" : "", "\t", t[0].cols[c]);
		fputc('\n', out);
	}
	for (size_t i = 0; !rc && i < nvals; i++)
		fprintf(out, i ? "\t%.17g" : "%.17g", vals[i]);
	for (size_t c = 0; !rc && c < t[0].ncols; c++)
		rc = write_mean_std(out, nvals || c ? "\t" : "", t, q->files, q->n, -1, c, x);
	if (!rc)
		fputc('\n', out);
	if (!rc && !index) {
		*ref = t[0];
		*refpath = q->files[0];
		*keys0 = keys;
		memset(&t[0], 0, sizeof t[0]);
		keys = NULL;
	}
	free_all(t, q->n);
	free(keys);
	free(vals);
	free(x);
	return rc;
}

/* argv: --point SPEC files... --point SPEC files... */
static int final_rows(FILE *out, const char *name, char **argv, int argc)
{
	size_t npoints;
	point *p = points_of(argv, argc, &npoints);
	tsv ref = { 0 };
	const char *refpath = NULL;
	char *keys0 = NULL;
	int rc = p ? 0 : -1;
	for (size_t i = 0; !rc && i < npoints; i++)
		rc = final_row(out, name, &p[i], (int)i, &ref, &refpath, &keys0);
	tsv_free(&ref);
	free(keys0);
	free(p);
	return rc;
}

/* "<dir>/.<base>.tmp<pid>": a hidden temporary beside path (caller frees). */
static char *temporary_name(const char *path)
{
	char *d = strdup(path), *b = strdup(path), *tmp = NULL;
	if (d && b && asprintf(&tmp, "%s/.%s.tmp%ld", dirname(d), basename(b), (long)getpid()) < 0)
		tmp = NULL;
	free(d);
	free(b);
	return tmp;
}

static int write_all(int fd, const char *text, size_t len)
{
	while (len) {
		ssize_t n = write(fd, text, len);
		if (n < 0)
			return -1;
		text += n, len -= (size_t)n;
	}
	return 0;
}

/* Writes text to a temporary and renames it to outpath; on any failure one
 * line naming outpath, and no temporary left. */
static int write_output(const char *outpath, const char *text, size_t len)
{
	char *tmp = temporary_name(outpath);
	if (!tmp) {
		fprintf(stderr, ERR "out of memory\n");
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666), rc = 0;
	if (fd < 0)
		rc = (fprintf(stderr, ERR "%s: cannot write: %s\n", outpath, strerror(errno)), -1);
	else if (write_all(fd, text, len))
		rc = (fprintf(stderr, ERR "%s: write error: %s\n", outpath, strerror(errno)), -1);
	if (fd >= 0 && close(fd) && !rc)
		rc = (fprintf(stderr, ERR "%s: write error: %s\n", outpath, strerror(errno)), -1);
	if (!rc && rename(tmp, outpath))
		rc = (fprintf(stderr, ERR "%s: cannot replace: %s\n", outpath, strerror(errno)), -1);
	if (rc && fd >= 0)
		unlink(tmp);
	free(tmp);
	return rc;
}

/* The name of the table at path: its file name without ".tsv"
 * ("loss.agg" for data/e/p/loss.agg.tsv); the caller frees it. */
static char *table_name(const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);
	if (n > 4 && !strcmp(base + n - 4, ".tsv"))
		n -= 4;
	return strndup(base, n);
}

int cmd_aggregate(int argc, char **argv)
{
	if (argc < 4 || strcmp(argv[1], "-o") || !*argv[2] ||
	    (strcmp(argv[0], "--seeds") && strcmp(argv[0], "--final"))) {
		fprintf(stderr, "usage: lindyn aggregate --seeds -o OUT FILE...\n"
		                "       lindyn aggregate --final -o OUT --point 'k=v,...' FILE... ...\n");
		return 1;
	}
	const char *outpath = argv[2];
	struct stat st;
	if (!stat(outpath, &st) && !S_ISREG(st.st_mode)) { /* never replace a directory or device */
		fprintf(stderr, ERR "%s: exists and is not a regular file\n", outpath);
		return 1;
	}
	/* The whole output is made in memory first: a failure while reading
	 * the inputs leaves no file at all. */
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out) {
		fprintf(stderr, ERR "out of memory\n");
		return 1;
	}
	char *name = table_name(outpath);
	int rc = !name ? (fprintf(stderr, ERR "out of memory\n"), -1)
	       : !strcmp(argv[0], "--seeds") ? by_seeds(out, name, argv + 3, (size_t)(argc - 3))
	                                     : final_rows(out, name, argv + 3, argc - 3);
	free(name);
	if ((fclose(out) || !text) && !rc)
		rc = (fprintf(stderr, ERR "out of memory\n"), -1);
	if (!rc)
		rc = write_output(outpath, text, len);
	free(text);
	return rc ? 1 : 0;
}
