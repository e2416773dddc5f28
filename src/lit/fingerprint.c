/* fingerprint.c -- fingerprints of data tables (see fingerprint.h). */
#include "fingerprint.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../host/regular_file.h"
#include "tsv.h"

static const char *const FINAL_STATS[] = { "first", "middle", "last", "min", "max" };
static const char *const RUN_STATS[] = { "lastmin", "lastmax", "lastmean" };
/* A point's tables are the means and deviations of its runs' tables: the mean
 * over points of the last row, and the digest, keep the reference small. */
static const char *const POINT_STATS[] = { "lastmean" };
#define COUNT(a) (sizeof a / sizeof *a)

static int failf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int failf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static void fingerprint_free(fingerprint *f)
{
	free(f->key);
	for (size_t i = 0; i < f->ncols; i++)
		free(f->cols[i]);
	free(f->cols);
	for (size_t i = 0; i < f->nstats; i++)
		free(f->stats[i]);
	free(f->stats);
	free(f->v);
	memset(f, 0, sizeof *f);
}

void fingerprint_set_free(fingerprint_set *s)
{
	for (size_t i = 0; i < s->n; i++)
		fingerprint_free(&s->fp[i]);
	free(s->fp);
	s->fp = NULL;
	s->n = 0;
}

/* A new zeroed fingerprint at the end of s, or NULL when out of memory. */
static fingerprint *append(fingerprint_set *s)
{
	fingerprint *grown = realloc(s->fp, (s->n + 1) * sizeof *grown);
	if (!grown)
		return NULL;
	s->fp = grown;
	memset(&grown[s->n], 0, sizeof *grown);
	return &grown[s->n++];
}

/* Allocates f's columns (copied from cols) and statistics, values NAN. */
static int shape(fingerprint *f, char *const *cols, size_t ncols, const char *const *stats,
                 size_t nstats)
{
	f->cols = calloc(ncols ? ncols : 1, sizeof *f->cols);
	f->stats = calloc(nstats, sizeof *f->stats);
	f->v = malloc((nstats * ncols > 0 ? nstats * ncols : 1) * sizeof *f->v);
	if (!f->cols || !f->stats || !f->v)
		return -1;
	for (; f->ncols < ncols; f->ncols++)
		if (!(f->cols[f->ncols] = strdup(cols[f->ncols])))
			return -1;
	for (; f->nstats < nstats; f->nstats++)
		if (!(f->stats[f->nstats] = strdup(stats[f->nstats])))
			return -1;
	for (size_t i = 0; i < nstats * ncols; i++)
		f->v[i] = NAN;
	return 0;
}

/* The SHA-256 of the data lines of path: not the '#' lines, and not the
 * header row (the first other line) unless a '# columns:' line names the
 * columns instead (a table written before the header row).  So a digest
 * does not depend on the header's form. */
static int data_digest(const char *path, char sha[SHA256_HEX], char *err, size_t errlen)
{
	FILE *in = regular_file_open(path, err, errlen);
	if (!in)
		return -1;
	sha256_ctx c;
	sha256_init(&c);
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	errno = 0;
	int header_seen = 0;
	while ((len = getline(&line, &cap, in)) > 0)
		if (line[0] == '#')
			header_seen |= !strncmp(line, "# columns:", 10);
		else if (!header_seen && strspn(line, " \t\r\n") < (size_t)len)
			header_seen = 1;
		else
			sha256_update(&c, line, (size_t)len);
	int bad = ferror(in);
	free(line);
	fclose(in);
	if (bad)
		return failf(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
	sha256_hex(&c, sha);
	return 0;
}

/* ---- the tables of a sweep (EXP/T.tsv) ---- */

static void column_stats(const fingerprint *f, const tsv *t)
{
	for (size_t j = 0; j < t->ncols && t->nrows; j++) {
		double lo = INFINITY, hi = -INFINITY;
		for (size_t r = 0; r < t->nrows; r++) {
			lo = fmin(lo, t->v[r * t->ncols + j]);
			hi = fmax(hi, t->v[r * t->ncols + j]);
		}
		for (size_t k = 0; k < f->nstats; k++) {
			const char *s = f->stats[k];
			size_t row = !strcmp(s, "first") ? 0 : !strcmp(s, "middle") ? (t->nrows - 1) / 2
			                                                               : t->nrows - 1;
			f->v[k * f->ncols + j] = !strcmp(s, "min") ? lo
			                         : !strcmp(s, "max") ? hi
			                                             : t->v[row * t->ncols + j];
		}
	}
}

static int add_table(fingerprint_set *s, const char *key, const char *path, char *err,
                     size_t errlen)
{
	char sha[SHA256_HEX];
	tsv t;
	if (data_digest(path, sha, err, errlen) || tsv_read(&t, path, err, errlen))
		return -1;
	fingerprint *f = append(s);
	int rc = f ? 0 : -1;
	if (f) {
		f->key = strdup(key);
		f->members = 1;
		f->rows = t.nrows;
		memcpy(f->sha, sha, sizeof sha);
		rc = !f->key || shape(f, t.cols, t.ncols, FINAL_STATS, COUNT(FINAL_STATS));
		if (!rc)
			column_stats(f, &t);
	}
	tsv_free(&t);
	return rc ? failf(err, errlen, "out of memory") : 0;
}

/* ---- the points' and the runs' tables: one group per table name ---- */

typedef struct {
	char *table;         /* "loss.tsv" */
	sha256_ctx c;
	size_t members, rows, ncols;
	char **cols;
	struct column_stats {
		double lo, hi, mean; /* of the column's last values */
		size_t count;
	} *stats;            /* per column of cols */
} group;

typedef struct {
	group *g;
	size_t n;
} groups;

static void group_free(group *g)
{
	free(g->table);
	for (size_t i = 0; i < g->ncols; i++)
		free(g->cols[i]);
	free(g->cols);
	free(g->stats);
}

static group *group_for(groups *gs, const char *table)
{
	for (size_t i = 0; i < gs->n; i++)
		if (!strcmp(gs->g[i].table, table))
			return &gs->g[i];
	group *grown = realloc(gs->g, (gs->n + 1) * sizeof *grown);
	if (!grown)
		return NULL;
	gs->g = grown;
	group *g = &grown[gs->n];
	memset(g, 0, sizeof *g);
	if (!(g->table = strdup(table)))
		return NULL;
	sha256_init(&g->c);
	gs->n++;
	return g;
}

/* The index of column name in g, added when new; -1 when out of memory. */
static long group_column(group *g, const char *name)
{
	for (size_t i = 0; i < g->ncols; i++)
		if (!strcmp(g->cols[i], name))
			return (long)i;
	size_t n = g->ncols + 1;
	char **cols = realloc(g->cols, n * sizeof *cols);
	if (cols)
		g->cols = cols;
	struct column_stats *stats = cols ? realloc(g->stats, n * sizeof *stats) : NULL;
	if (stats)
		g->stats = stats;
	if (!stats || !(cols[g->ncols] = strdup(name)))
		return -1;
	stats[g->ncols] = (struct column_stats){ INFINITY, -INFINITY, 0, 0 };
	return (long)g->ncols++;
}

/* Adds one table (rel: its path under the experiment) to its group. */
static int add_group_table(groups *gs, const char *table, const char *rel, const char *path,
                         char *err, size_t errlen)
{
	char sha[SHA256_HEX];
	tsv t;
	if (data_digest(path, sha, err, errlen) || tsv_read(&t, path, err, errlen))
		return -1;
	group *g = group_for(gs, table);
	int rc = g ? 0 : -1;
	if (g) {
		sha256_update(&g->c, rel, strlen(rel));
		sha256_update(&g->c, "\t", 1);
		sha256_update(&g->c, sha, strlen(sha));
		sha256_update(&g->c, "\n", 1);
		g->members++;
		g->rows += t.nrows;
	}
	for (size_t j = 0; g && j < t.ncols && !rc; j++) {
		long c = group_column(g, t.cols[j]);
		if (c < 0) {
			rc = -1;
		} else if (t.nrows) {
			double last = t.v[(t.nrows - 1) * t.ncols + j];
			struct column_stats *st = &g->stats[c];
			st->lo = fmin(st->lo, last);
			st->hi = fmax(st->hi, last);
			st->count++; /* the running mean, a convex combination: no overflow */
			st->mean = st->mean * ((double)(st->count - 1) / (double)st->count) +
			           last / (double)st->count;
		}
	}
	tsv_free(&t);
	return rc ? failf(err, errlen, "out of memory") : 0;
}

/* A group of points' tables ("EXP/ * /T") or of runs' tables ("EXP/ * /s * /T"). */
static int finish_group(fingerprint_set *s, const char *exp, int runs, group *g)
{
	fingerprint *f = append(s);
	if (!f)
		return -1;
	size_t len = strlen(exp) + strlen(g->table) + 8;
	if (!(f->key = malloc(len)))
		return -1;
	snprintf(f->key, len, runs ? "%s/*/s*/%.*s" : "%s/*/%.*s", exp, (int)(strlen(g->table) - 4),
	         g->table);
	f->members = g->members;
	f->rows = g->rows;
	sha256_hex(&g->c, f->sha);
	if (runs ? shape(f, g->cols, g->ncols, RUN_STATS, COUNT(RUN_STATS))
	         : shape(f, g->cols, g->ncols, POINT_STATS, COUNT(POINT_STATS)))
		return -1;
	for (size_t j = 0; j < g->ncols; j++)
		if (g->stats[j].count && runs) {
			f->v[j] = g->stats[j].lo;
			f->v[f->ncols + j] = g->stats[j].hi;
			f->v[2 * f->ncols + j] = g->stats[j].mean;
		} else if (g->stats[j].count) {
			f->v[j] = g->stats[j].mean;
		}
	return 0;
}

/* ---- walking DATA/EXP ---- */

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int visible(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

static int ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);
	return n > m && !strcmp(s + n - m, tail);
}

static int is_seed_dir(const char *name)
{
	return name[0] == 's' && name[1] && strspn(name + 1, "0123456789") == strlen(name + 1);
}

typedef struct {
	fingerprint_set *s;
	groups points, runs;
	const char *data, *exp;
	char *err;
	size_t errlen;
} walk;

/* Did snprintf's n characters fit a buffer of size bytes? */
static int fits(int n, size_t size) { return n >= 0 && (size_t)n < size; }

/* Visits dir (rel: its path under DATA/EXP, "" at the top; depth 0, 1 or 2). */
static int visit(walk *w, const char *rel, int depth)
{
	char dir[4096];
	if (!fits(snprintf(dir, sizeof dir, "%s/%s%s%s", w->data, w->exp, *rel ? "/" : "", rel),
	          sizeof dir))
		return failf(w->err, w->errlen, "%s/%s: path too long", w->data, w->exp);
	struct dirent **names;
	int n = scandir(dir, &names, visible, by_name);
	if (n < 0)
		return depth == 0 && errno == ENOENT ? 0
		                                     : failf(w->err, w->errlen, "%s: %s", dir, strerror(errno));
	int rc = 0;
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		char path[4096], sub[4096];
		struct stat st;
		if (!rc && (!fits(snprintf(path, sizeof path, "%s/%s", dir, name), sizeof path) ||
		            !fits(snprintf(sub, sizeof sub, "%s%s%s", rel, *rel ? "/" : "", name),
		                  sizeof sub)))
			rc = failf(w->err, w->errlen, "%s/%s: path too long", dir, name);
		if (rc || stat(path, &st)) {
			rc = rc ? rc : failf(w->err, w->errlen, "%s: %s", path, strerror(errno));
		} else if (S_ISDIR(st.st_mode) && (depth == 0 || (depth == 1 && is_seed_dir(name)))) {
			rc = visit(w, sub, depth + 1);
		} else if (S_ISREG(st.st_mode) && ends_with(name, ".tsv")) {
			char key[4096];
			if (!fits(snprintf(key, sizeof key, "%s/%.*s", w->exp, (int)(strlen(sub) - 4), sub),
			          sizeof key))
				rc = failf(w->err, w->errlen, "%s: path too long", path);
			else if (depth == 0)
				rc = add_table(w->s, key, path, w->err, w->errlen);
			else
				rc = add_group_table(depth == 1 ? &w->points : &w->runs, name, sub, path,
				                     w->err, w->errlen);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int fingerprint_experiment(fingerprint_set *s, const char *data, const char *exp, char *err,
                           size_t errlen)
{
	walk w = { .s = s, .data = data, .exp = exp, .err = err, .errlen = errlen };
	int rc = visit(&w, "", 0);
	for (int level = 0; level < 2; level++) {
		groups *gs = level ? &w.runs : &w.points;
		for (size_t i = 0; i < gs->n; i++) {
			if (!rc && finish_group(s, exp, level, &gs->g[i]))
				rc = failf(err, errlen, "out of memory");
			group_free(&gs->g[i]);
		}
		free(gs->g);
	}
	return rc;
}

const char *fingerprint_experiment_of(const fingerprint *f, char *buf, size_t len)
{
	snprintf(buf, len, "%.*s", (int)strcspn(f->key, "/"), f->key);
	return buf;
}

/* ---- the text form ---- */

/* x in the fewest significant digits that read back as x. */
static void write_number(FILE *f, double x)
{
	char buf[40];
	if (isnan(x)) {
		fputs("\t-", f);
		return;
	}
	for (int digits = 15; digits <= 17; digits++) {
		snprintf(buf, sizeof buf, "%.*g", digits, x);
		if (strtod(buf, NULL) == x)
			break;
	}
	fprintf(f, "\t%s", buf);
}

void fingerprint_write(FILE *f, const fingerprint *fp)
{
	fprintf(f, "table\t%s\t%zu\t%zu\t%s\ncolumns", fp->key, fp->members, fp->rows, fp->sha);
	for (size_t j = 0; j < fp->ncols; j++)
		fprintf(f, "\t%s", fp->cols[j]);
	for (size_t k = 0; k < fp->nstats; k++) {
		fprintf(f, "\n%s", fp->stats[k]);
		for (size_t j = 0; j < fp->ncols; j++)
			write_number(f, fp->v[k * fp->ncols + j]);
	}
	fputc('\n', f);
}

/* Splits line (its trailing newline removed) at tabs: an array of *n fields
 * to free, or NULL when out of memory. */
static char **split_tabs(char *line, size_t *n)
{
	line[strcspn(line, "\n")] = 0;
	size_t tabs = 0;
	for (const char *p = line; (p = strchr(p, '\t')) != NULL; p++)
		tabs++;
	char **fields = malloc((tabs + 1) * sizeof *fields);
	if (!fields)
		return NULL;
	*n = 0;
	for (char *p = line;; p++) {
		fields[(*n)++] = p;
		if (!(p = strchr(p, '\t')))
			return fields;
		*p = 0;
	}
}

typedef struct {
	const char *path;
	long line;
	char *err;
	size_t errlen;
} source;

static int bad(const source *src, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(const source *src, const char *fmt, ...)
{
	char why[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, sizeof why, fmt, ap);
	va_end(ap);
	return failf(src->err, src->errlen, "%s:%ld: %s", src->path, src->line, why);
}

static int parse_count(const char *s, size_t *out)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	*out = (size_t)v;
	return *s >= '0' && *s <= '9' && !*end && !errno ? 0 : -1;
}

static int read_table_line(const source *src, fingerprint_set *s, char **f, size_t n)
{
	if (s->n && !s->fp[s->n - 1].cols)
		return bad(src, "the table before has no 'columns' line");
	fingerprint *fp = append(s);
	if (!fp)
		return bad(src, "out of memory");
	if (n != 5 || parse_count(f[2], &fp->members) || parse_count(f[3], &fp->rows) ||
	    strlen(f[4]) != SHA256_HEX - 1 || strspn(f[4], "0123456789abcdef") != SHA256_HEX - 1)
		return bad(src, "expected 'table KEY MEMBERS ROWS SHA256'");
	memcpy(fp->sha, f[4], SHA256_HEX);
	return (fp->key = strdup(f[1])) ? 0 : bad(src, "out of memory");
}

static int read_stat_line(const source *src, fingerprint *fp, char **f, size_t n)
{
	if (n != fp->ncols + 1)
		return bad(src, "statistic '%s' has %zu values for %zu columns", f[0], n - 1, fp->ncols);
	char **stats = realloc(fp->stats, (fp->nstats + 1) * sizeof *stats);
	double *v = stats ? realloc(fp->v, (fp->nstats + 1) * (fp->ncols ? fp->ncols : 1) * sizeof *v)
	                  : NULL;
	if (stats)
		fp->stats = stats;
	if (v)
		fp->v = v;
	if (!stats || !v)
		return bad(src, "out of memory");
	for (size_t j = 0; j < fp->ncols; j++) {
		char *end;
		double x = strtod(f[j + 1], &end);
		if (!strcmp(f[j + 1], "-"))
			x = NAN;
		else if (!*f[j + 1] || *end || !isfinite(x))
			return bad(src, "'%s' is not a finite number or '-'", f[j + 1]);
		v[fp->nstats * fp->ncols + j] = x;
	}
	if (!(stats[fp->nstats] = strdup(f[0])))
		return bad(src, "out of memory");
	fp->nstats++;
	return 0;
}

static int read_columns_line(const source *src, fingerprint *fp, char **f, size_t n)
{
	if (!fp || fp->cols)
		return bad(src, "a 'columns' line belongs right after a 'table' line");
	if (!(fp->cols = calloc(n, sizeof *fp->cols)))
		return bad(src, "out of memory");
	for (size_t j = 1; j < n; j++, fp->ncols++)
		if (!(fp->cols[j - 1] = strdup(f[j])))
			return bad(src, "out of memory");
	return 0;
}

/* One line of a reference file, split into its n fields f. */
static int read_fields(const source *src, char **f, size_t n, fingerprint_set *s, char **document,
                       int *quick)
{
	fingerprint *last = s->n ? &s->fp[s->n - 1] : NULL;
	if (!strcmp(f[0], "document") && n == 2 && !*document)
		return (*document = strdup(f[1])) ? 0 : bad(src, "out of memory");
	if (!strcmp(f[0], "scale") && n == 2 && (!strcmp(f[1], "quick") || !strcmp(f[1], "paper"))) {
		*quick = !strcmp(f[1], "quick");
		return 0;
	}
	if (!*document)
		return bad(src, "expected 'document PATH' first");
	if (!strcmp(f[0], "table"))
		return read_table_line(src, s, f, n);
	if (!strcmp(f[0], "columns"))
		return read_columns_line(src, last, f, n);
	if (!last || !last->cols)
		return bad(src, "expected 'table KEY MEMBERS ROWS SHA256', found '%.40s'", f[0]);
	return read_stat_line(src, last, f, n);
}

static int read_line(const source *src, char *line, fingerprint_set *s, char **document,
                     int *quick)
{
	size_t n;
	char **f = split_tabs(line, &n);
	int rc = f ? read_fields(src, f, n, s, document, quick) : bad(src, "out of memory");
	free(f);
	return rc;
}

int fingerprint_read(const char *path, fingerprint_set *s, char **document, int *quick,
                     char *err, size_t errlen)
{
	*document = NULL;
	*quick = -1;
	FILE *in = regular_file_open(path, err, errlen);
	if (!in)
		return -1;
	source src = { path, 0, err, errlen };
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;
	while (!rc && getline(&line, &cap, in) > 0) {
		src.line++;
		if (line[0] != '#' && line[0] != '\n')
			rc = read_line(&src, line, s, document, quick);
	}
	if (!rc && ferror(in))
		rc = failf(err, errlen, "%s: read error", path);
	if (!rc && (!*document || *quick < 0))
		rc = failf(err, errlen, "%s: expected 'document PATH' and 'scale quick|paper' lines", path);
	if (!rc && s->n && !s->fp[s->n - 1].cols)
		rc = failf(err, errlen, "%s: the last table has no 'columns' line", path);
	free(line);
	fclose(in);
	if (rc) {
		free(*document);
		*document = NULL;
		fingerprint_set_free(s);
	}
	return rc;
}

const fingerprint *fingerprint_find(const fingerprint_set *s, const char *key)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(s->fp[i].key, key))
			return &s->fp[i];
	return NULL;
}

double fingerprint_value(const fingerprint *f, const char *stat, const char *col)
{
	for (size_t k = 0; k < f->nstats; k++)
		if (!strcmp(f->stats[k], stat))
			for (size_t j = 0; j < f->ncols; j++)
				if (!strcmp(f->cols[j], col))
					return f->v[k * f->ncols + j];
	return NAN;
}
