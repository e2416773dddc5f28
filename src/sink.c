/* sink.c -- tables and weight files of one run, committed atomically. */
#include "sink.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "npy.h"

#define MAX_COLUMNS 256
#define MAX_FILES 64

struct lindyn_table {
	sink *owner;
	char name[64];
	size_t ncols;
	char *colnames[MAX_COLUMNS];
	FILE *file;          /* NULL in memory mode */
	double *rows;        /* memory mode: nrows * ncols values */
	size_t nrows, cap;
};

struct sink {
	char *outdir, *header;
	void *owner;
	lindyn_table *tables[MAX_FILES];
	size_t ntables;
	char *tmp[MAX_FILES], *final[MAX_FILES]; /* files to rename on commit */
	size_t nfiles;
	int committed;
};

static int mkdir_p(const char *dir)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path)
		return -1;
	for (char *p = path + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			if (mkdir(path, 0777) && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(path, 0777) && errno != EEXIST ? -1 : 0;
}

sink *sink_new(const char *outdir, const char *header, char *err, size_t errlen)
{
	sink *s = calloc(1, sizeof *s);
	if (!s || !(s->header = strdup(header ? header : ""))) {
		free(s);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (outdir) {
		if (mkdir_p(outdir) || !(s->outdir = strdup(outdir))) {
			snprintf(err, errlen, "%s: cannot create output directory: %s", outdir,
			         strerror(errno));
			sink_free(s);
			return NULL;
		}
	}
	return s;
}

static void table_free(lindyn_table *t)
{
	if (t->file)
		fclose(t->file);
	for (size_t i = 0; i < t->ncols; i++)
		free(t->colnames[i]);
	free(t->rows);
	free(t);
}

void sink_free(sink *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->ntables; i++)
		table_free(s->tables[i]);
	for (size_t i = 0; i < s->nfiles; i++) {
		if (!s->committed)
			unlink(s->tmp[i]);
		free(s->tmp[i]);
		free(s->final[i]);
	}
	free(s->outdir);
	free(s->header);
	free(s);
}

void sink_set_owner(sink *s, void *owner) { s->owner = owner; }
void *sink_table_owner(const lindyn_table *t) { return t->owner->owner; }

static int name_ok(const char *name)
{
	if (!islower((unsigned char)*name) || strlen(name) >= 64)
		return 0;
	for (; *name; name++)
		if (!islower((unsigned char)*name) && !isdigit((unsigned char)*name) && *name != '_')
			return 0;
	return 1;
}

/* Registers <outdir>/<name><ext>, opened under a temporary name. */
static FILE *open_tmp(sink *s, const char *name, const char *ext, const char *mode,
                      char *err, size_t errlen)
{
	if (s->nfiles == MAX_FILES) {
		snprintf(err, errlen, "more than %d output files", MAX_FILES);
		return NULL;
	}
	char *final = NULL, *tmp = NULL;
	if (asprintf(&final, "%s/%s%s", s->outdir, name, ext) < 0 ||
	    asprintf(&tmp, "%s/.%s%s.tmp-%ld", s->outdir, name, ext, (long)getpid()) < 0) {
		free(final);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	FILE *f = fopen(tmp, mode);
	if (!f) {
		snprintf(err, errlen, "%s: cannot create: %s", tmp, strerror(errno));
		free(final);
		free(tmp);
		return NULL;
	}
	s->tmp[s->nfiles] = tmp;
	s->final[s->nfiles++] = final;
	return f;
}

lindyn_table *sink_table(sink *s, const char *name, const char *columns, char *err,
                         size_t errlen)
{
	if (!name_ok(name)) {
		snprintf(err, errlen, "table name '%s' must match [a-z][a-z0-9_]*", name);
		return NULL;
	}
	for (size_t i = 0; i < s->ntables; i++)
		if (!strcmp(s->tables[i]->name, name)) {
			snprintf(err, errlen, "table '%s' declared twice", name);
			return NULL;
		}
	if (s->ntables == MAX_FILES) {
		snprintf(err, errlen, "more than %d tables", MAX_FILES);
		return NULL;
	}
	lindyn_table *t = calloc(1, sizeof *t);
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->owner = s;
	snprintf(t->name, sizeof t->name, "%s", name);
	for (const char *c = columns ? columns : ""; *c;) {
		while (*c == ' ' || *c == '\t')
			c++;
		size_t len = strcspn(c, " \t");
		if (!len)
			break;
		if (t->ncols == MAX_COLUMNS) {
			snprintf(err, errlen, "table '%s': more than %d columns", name, MAX_COLUMNS);
			table_free(t);
			return NULL;
		}
		t->colnames[t->ncols] = strndup(c, len);
		for (size_t j = 0; j < t->ncols; j++)
			if (t->colnames[t->ncols] && !strcmp(t->colnames[j], t->colnames[t->ncols])) {
				snprintf(err, errlen, "table '%s': column '%s' declared twice", name,
				         t->colnames[j]);
				t->ncols++;
				table_free(t);
				return NULL;
			}
		if (!t->colnames[t->ncols++]) {
			snprintf(err, errlen, "out of memory");
			table_free(t);
			return NULL;
		}
		c += len;
	}
	if (!t->ncols) {
		snprintf(err, errlen, "table '%s' has no columns", name);
		table_free(t);
		return NULL;
	}
	if (s->outdir) {
		t->file = open_tmp(s, name, ".tsv", "w", err, errlen);
		if (!t->file) {
			table_free(t);
			return NULL;
		}
		fputs(s->header, t->file);
		fprintf(t->file, "# table: %s\n# columns:", name);
		for (size_t j = 0; j < t->ncols; j++)
			fprintf(t->file, " %s", t->colnames[j]);
		fputc('\n', t->file);
	}
	s->tables[s->ntables++] = t;
	return t;
}

int sink_row(lindyn_table *t, const double *v, char *err, size_t errlen)
{
	for (size_t j = 0; j < t->ncols; j++)
		if (!isfinite(v[j])) {
			snprintf(err, errlen, "non-finite value in table '%s' row %zu: column '%s' is %g",
			         t->name, t->nrows + 1, t->colnames[j], v[j]);
			return LINDYN_EDIVERGE;
		}
	if (t->file) {
		for (size_t j = 0; j < t->ncols; j++)
			fprintf(t->file, j ? "\t%.17g" : "%.17g", v[j]);
		if (fputc('\n', t->file) == EOF) {
			snprintf(err, errlen, "table '%s': write failed: %s", t->name, strerror(errno));
			return LINDYN_EIO;
		}
	} else {
		if (t->nrows == t->cap) {
			size_t ncap = t->cap ? 2 * t->cap : 64;
			double *nr = realloc(t->rows, ncap * t->ncols * sizeof *nr);
			if (!nr) {
				snprintf(err, errlen, "table '%s': out of memory", t->name);
				return LINDYN_ENOMEM;
			}
			t->rows = nr;
			t->cap = ncap;
		}
		memcpy(t->rows + t->nrows * t->ncols, v, t->ncols * sizeof *v);
	}
	t->nrows++;
	return LINDYN_OK;
}

int sink_npy(sink *s, const char *name, size_t rows, size_t cols, const double *data,
             char *err, size_t errlen)
{
	if (!name_ok(name)) {
		snprintf(err, errlen, "weights name '%s' must match [a-z][a-z0-9_]*", name);
		return LINDYN_EINVAL;
	}
	if (!s->outdir)
		return LINDYN_OK; /* memory mode keeps tables only */
	FILE *f = open_tmp(s, name, ".npy", "wb", err, errlen);
	if (!f)
		return LINDYN_EIO;
	int bad = npy_write(f, rows, cols, data);
	if (fclose(f) || bad) {
		snprintf(err, errlen, "%s/%s.npy: write failed", s->outdir, name);
		return LINDYN_EIO;
	}
	return LINDYN_OK;
}

int sink_commit(sink *s, char *err, size_t errlen)
{
	for (size_t i = 0; i < s->ntables; i++) {
		lindyn_table *t = s->tables[i];
		if (t->file) {
			int bad = fflush(t->file) || ferror(t->file);
			bad |= fclose(t->file);
			t->file = NULL;
			if (bad) {
				snprintf(err, errlen, "table '%s': write failed", t->name);
				return LINDYN_EIO;
			}
		}
	}
	for (size_t i = 0; i < s->nfiles; i++)
		if (rename(s->tmp[i], s->final[i])) {
			snprintf(err, errlen, "%s: cannot rename: %s", s->final[i], strerror(errno));
			return LINDYN_EIO;
		}
	s->committed = 1;
	return LINDYN_OK;
}

static const lindyn_table *find(const sink *s, const char *name)
{
	for (size_t i = 0; i < s->ntables; i++)
		if (!strcmp(s->tables[i]->name, name))
			return s->tables[i];
	return NULL;
}

size_t sink_rows(const sink *s, const char *table)
{
	const lindyn_table *t = find(s, table);
	return t ? t->nrows : 0;
}

double sink_value(const sink *s, const char *table, size_t row, const char *column)
{
	const lindyn_table *t = find(s, table);
	if (!t || !t->rows || row >= t->nrows)
		return NAN;
	for (size_t j = 0; j < t->ncols; j++)
		if (!strcmp(t->colnames[j], column))
			return t->rows[row * t->ncols + j];
	return NAN;
}

const char *sink_table_name(const sink *s, size_t index)
{
	return index < s->ntables ? s->tables[index]->name : NULL;
}

size_t sink_columns(const sink *s, const char *table)
{
	const lindyn_table *t = find(s, table);
	return t ? t->ncols : 0;
}

const char *sink_column_name(const sink *s, const char *table, size_t column)
{
	const lindyn_table *t = find(s, table);
	return t && column < t->ncols ? t->colnames[column] : NULL;
}
