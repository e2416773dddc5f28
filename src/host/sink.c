/* sink.c -- tables and weight files of one run, committed as one unit. */
#include "sink.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "npy.h"
#include "outdir.h"

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
	outdir dir;          /* dir.staging NULL in memory mode */
	char *header;
	void *owner;
	lindyn_table *tables[MAX_FILES];
	size_t ntables, nfiles;
};

sink *sink_new(const char *outdir_path, const char *header, int *status, char *err,
               size_t errlen)
{
	sink *s = calloc(1, sizeof *s);
	if (!s || !(s->header = strdup(header ? header : ""))) {
		free(s);
		snprintf(err, errlen, "out of memory");
		*status = LINDYN_ENOMEM;
		return NULL;
	}
	*status = LINDYN_OK;
	if (outdir_path)
		*status = outdir_open(&s->dir, outdir_path, s->header, err, errlen);
	if (*status != LINDYN_OK) {
		sink_free(s);
		return NULL;
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
	sink_discard(s);
	for (size_t i = 0; i < s->ntables; i++)
		table_free(s->tables[i]);
	free(s->header);
	free(s);
}

/* Closes the files of the tables (memory rows stay); nonzero on an error. */
static int close_files(sink *s)
{
	int bad = 0;
	for (size_t i = 0; i < s->ntables; i++) {
		lindyn_table *t = s->tables[i];
		if (t->file) {
			bad |= fflush(t->file) || ferror(t->file);
			bad |= fclose(t->file);
			t->file = NULL;
		}
	}
	return bad;
}

void sink_discard(sink *s)
{
	close_files(s);
	outdir_close(&s->dir);
}

void sink_set_owner(sink *s, void *owner) { s->owner = owner; }
void *sink_table_owner(const lindyn_table *t) { return t->owner->owner; }

/* Creates <name><ext> in the staging directory. */
static FILE *open_file(sink *s, const char *name, const char *ext, const char *mode,
                       char *err, size_t errlen)
{
	if (s->nfiles == MAX_FILES) {
		snprintf(err, errlen, "more than %d output files", MAX_FILES);
		return NULL;
	}
	char *path = NULL;
	if (asprintf(&path, "%s/%s%s", s->dir.staging, name, ext) < 0) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	FILE *f = fopen(path, mode);
	if (!f && errno == EEXIST)
		snprintf(err, errlen, "%s%s is written twice in one run", name, ext);
	else if (!f)
		snprintf(err, errlen, "%s: cannot create: %s", path, strerror(errno));
	else
		s->nfiles++;
	free(path);
	return f;
}

lindyn_table *sink_table(sink *s, const char *name, const char *columns, char *err,
                         size_t errlen)
{
	if (!name_is_identifier(name)) {
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
		if (!name_is_column(c, len)) {
			snprintf(err, errlen, "table '%s': column '%.*s' must be %s", name,
			         len > 64 ? 64 : (int)len, c, COLUMN_RULE);
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
	if (s->dir.staging) {
		t->file = open_file(s, name, ".tsv", "w", err, errlen);
		if (!t->file) {
			table_free(t);
			return NULL;
		}
		fputs(s->header, t->file);
		fprintf(t->file, "# table: %s\n", name); /* then the header row */
		for (size_t j = 0; j < t->ncols; j++)
			fprintf(t->file, j ? "\t%s" : "%s", t->colnames[j]);
		fputc('\n', t->file);
	}
	s->tables[s->ntables++] = t;
	return t;
}

size_t sink_table_columns(const lindyn_table *t) { return t->ncols; }
const char *sink_table_name_of(const lindyn_table *t) { return t->name; }

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
	if (!name_is_identifier(name)) {
		snprintf(err, errlen, "weights name '%s' must match [a-z][a-z0-9_]*", name);
		return LINDYN_EINVAL;
	}
	if (!s->dir.staging)
		return LINDYN_OK; /* memory mode keeps tables only */
	FILE *f = open_file(s, name, ".npy", "wbx", err, errlen);
	if (!f)
		return LINDYN_EIO;
	int bad = npy_write(f, rows, cols, data);
	if (fclose(f) || bad) {
		snprintf(err, errlen, "%s.npy: write failed: %s", name, strerror(errno));
		return LINDYN_EIO;
	}
	return LINDYN_OK;
}

int sink_commit(sink *s, char *err, size_t errlen)
{
	if (close_files(s)) {
		snprintf(err, errlen, "%s: write failed: %s", s->dir.staging, strerror(errno));
		return LINDYN_EIO;
	}
	return s->dir.staging ? outdir_publish(&s->dir, err, errlen) : LINDYN_OK;
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
