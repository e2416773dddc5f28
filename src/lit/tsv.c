/* tsv.c -- reader of lindyn's data tables. */
#include "tsv.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../host/names.h"
#include "../host/regular_file.h"

#define BLANKS " \t\r\n"

typedef struct {
	tsv *t;
	const char *path;
	long lineno, columns_line;
	size_t vcap;
	char *err;
	size_t errlen;
} reader;

static int failf(reader *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int failf(reader *rd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rd->err, rd->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static size_t digits(const char *s, size_t i, size_t len)
{
	size_t j = i;
	while (j < len && s[j] >= '0' && s[j] <= '9')
		j++;
	return j - i;
}

/* [+-]? (D+ | D+ . D* | . D+) ([eE] [+-]? D+)? and nothing else. */
static int decimal_syntax(const char *s, size_t len)
{
	size_t i = s[0] == '+' || s[0] == '-', n = digits(s, i, len), frac = 0;
	i += n;
	if (i < len && s[i] == '.') {
		frac = digits(s, i + 1, len);
		i += 1 + frac;
	}
	if (!n && !frac)
		return 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		i += 1 + (i + 1 < len && (s[i + 1] == '+' || s[i + 1] == '-'));
		size_t e = digits(s, i, len);
		if (!e)
			return 0;
		i += e;
	}
	return i == len;
}

int tsv_number(const char *s, size_t len, double *x)
{
	if (!len || !decimal_syntax(s, len))
		return 0;
	char small[64], *buf = len < sizeof small ? small : malloc(len + 1);
	if (!buf)
		return 0;
	memcpy(buf, s, len);
	buf[len] = 0;
	/* ERANGE with a finite value is an underflow to a subnormal or zero:
	 * the nearest double, accepted; overflow gives HUGE_VAL, refused. */
	*x = strtod(buf, NULL);
	if (buf != small)
		free(buf);
	return isfinite(*x);
}

/* Appends column w[0..len) to the table. */
static int add_column(reader *rd, const char *w, size_t len)
{
	tsv *t = rd->t;
	for (size_t j = 0; j < t->ncols; j++)
		if (strlen(t->cols[j]) == len && !strncmp(t->cols[j], w, len))
			return failf(rd, "%s:%ld: column '%.*s' appears twice", rd->path, rd->lineno,
			             (int)len, w);
	char **grown = realloc(t->cols, (t->ncols + 1) * sizeof *grown);
	if (!grown)
		return failf(rd, "%s: out of memory", rd->path);
	t->cols = grown;
	if (!(t->cols[t->ncols] = strndup(w, len)))
		return failf(rd, "%s: out of memory", rd->path);
	t->ncols++;
	return 0;
}

/* The header: the first line that is not a comment, column names separated
 * by tabs. */
static int read_header(reader *rd, const char *line, size_t len)
{
	rd->columns_line = rd->lineno;
	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	for (size_t i = 0; i <= len;) {
		size_t n = strcspn(line + i, "\t");
		if (i + n > len)
			n = len - i;
		if (!name_is_column(line + i, n))
			return failf(rd, "%s:%ld:%zu: '%.*s' is not a column name (%s): the first line "
			             "that is not a '#' comment is the header of tab-separated column names",
			             rd->path, rd->lineno, i + 1, n > 40 ? 40 : (int)n, line + i, COLUMN_RULE);
		if (add_column(rd, line + i, n))
			return -1;
		i += n + 1;
	}
	return 0;
}

/* "# columns: a b c", the header of tables written before the header row. */
static int read_columns_comment(reader *rd, const char *names)
{
	if (rd->t->ncols)
		return failf(rd, "%s:%ld: a '# columns:' line after the header (line %ld)", rd->path,
		             rd->lineno, rd->columns_line);
	rd->columns_line = rd->lineno;
	for (const char *w = names + strspn(names, BLANKS); *w; w += strspn(w, BLANKS)) {
		size_t len = strcspn(w, BLANKS);
		if (add_column(rd, w, len))
			return -1;
		w += len;
	}
	if (!rd->t->ncols)
		return failf(rd, "%s:%ld: '# columns:' names no column", rd->path, rd->lineno);
	return 0;
}

/* Room for one more row in t->v. */
static int reserve_row(reader *rd)
{
	tsv *t = rd->t;
	size_t need = (t->nrows + 1) * t->ncols; /* < file size: no overflow */
	if (need <= rd->vcap)
		return 0;
	size_t cap = 2 * need;
	if (cap > SIZE_MAX / sizeof *t->v)
		return failf(rd, "%s: too many values", rd->path);
	double *grown = realloc(t->v, cap * sizeof *grown);
	if (!grown)
		return failf(rd, "%s: out of memory", rd->path);
	t->v = grown;
	rd->vcap = cap;
	return 0;
}

static int read_row(reader *rd, const char *line)
{
	tsv *t = rd->t;
	if (reserve_row(rd))
		return -1;
	double *row = t->v + t->nrows * t->ncols;
	size_t found = 0;
	for (const char *p = line + strspn(line, BLANKS); *p; p += strspn(p, BLANKS)) {
		size_t len = strcspn(p, BLANKS);
		if (found == t->ncols)
			return failf(rd, "%s:%ld:%zu: expected %zu numbers, found more", rd->path,
			             rd->lineno, (size_t)(p - line) + 1, t->ncols);
		if (!tsv_number(p, len, &row[found]))
			return failf(rd, "%s:%ld:%zu: '%.*s' is not a finite decimal number", rd->path,
			             rd->lineno, (size_t)(p - line) + 1, len > 40 ? 40 : (int)len, p);
		found++;
		p += len;
	}
	if (found < t->ncols)
		return failf(rd, "%s:%ld: expected %zu numbers, found %zu", rd->path, rd->lineno,
		             t->ncols, found);
	t->nrows++;
	return 0;
}

static int read_line(reader *rd, char *line, size_t len)
{
	if (memchr(line, 0, len))
		return failf(rd, "%s:%ld: NUL byte in a table", rd->path, rd->lineno);
	if (line[0] == '#')
		return strncmp(line, "# columns:", 10) ? 0 : read_columns_comment(rd, line + 10);
	if (strspn(line, BLANKS) == len)
		return 0;
	return rd->t->ncols ? read_row(rd, line) : read_header(rd, line, len);
}

static int read_lines(reader *rd, FILE *f)
{
	char *line = NULL;
	size_t cap = 0;
	long long total = 0;
	int rc = 0;
	ssize_t len;
	while (!rc && (len = getline(&line, &cap, f)) >= 0) {
		rd->lineno++;
		total += len;
		if (total > TSV_MAX_BYTES) /* it grew while we read */
			rc = failf(rd, "%s: larger than %lld MiB, the limit for a table", rd->path,
			           TSV_MAX_BYTES >> 20);
		else
			rc = read_line(rd, line, (size_t)len);
	}
	if (!rc && ferror(f))
		rc = failf(rd, "%s: read error: %s", rd->path, strerror(errno));
	if (!rc && !rd->t->ncols)
		rc = failf(rd, "%s: %s, expected a header line of column names", rd->path,
		           rd->lineno ? "only comments" : "empty file");
	free(line);
	return rc;
}

int tsv_read(tsv *t, const char *path, char *err, size_t errlen)
{
	memset(t, 0, sizeof *t);
	reader rd = { t, path, 0, 0, 0, err, errlen };
	char why[PATH_MAX + 128];
	FILE *f = regular_file_open(path, why, sizeof why);
	if (!f) { /* why is "<path>: <reason>" */
		size_t n = strlen(path);
		return failf(&rd, "%s: cannot open: %s", path,
		             strncmp(why, path, n) || strncmp(why + n, ": ", 2) ? why : why + n + 2);
	}
	struct stat st;
	int rc = 0;
	if (fstat(fileno(f), &st))
		rc = failf(&rd, "%s: %s", path, strerror(errno));
	else if (st.st_size > TSV_MAX_BYTES)
		rc = failf(&rd, "%s: %lld bytes, more than the %lld MiB a table may have", path,
		           (long long)st.st_size, TSV_MAX_BYTES >> 20);
	else if (!(t->path = strdup(path)))
		rc = failf(&rd, "%s: out of memory", path);
	else
		rc = read_lines(&rd, f);
	fclose(f);
	if (rc)
		tsv_free(t);
	return rc;
}

void tsv_free(tsv *t)
{
	for (size_t j = 0; j < t->ncols; j++)
		free(t->cols[j]);
	free(t->cols);
	free(t->v);
	free(t->path);
	memset(t, 0, sizeof *t);
}

int tsv_col(const tsv *t, const char *name)
{
	/* ncols < TSV_MAX_BYTES / 2 < INT_MAX: the index fits. */
	for (size_t j = 0; j < t->ncols; j++)
		if (!strcmp(t->cols[j], name))
			return (int)j;
	return -1;
}
