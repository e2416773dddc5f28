/* tsv.h -- reads the tables lindyn writes: '#' lines on top, then the
 * header (the first other line: column names, COLUMN_RULE, separated by
 * tabs), then rows of exactly that many finite numbers separated by blanks.
 * A table written before the header row names its columns in a comment
 * "# columns: a b c" instead, and has no header line.  Anything else is an error naming file:line(:column):
 * lindyn's sink never writes NaN or infinity (a non-finite row fails the run
 * as diverged), so such a value here is damage, not data. */
#ifndef LINDYN_TSV_H
#define LINDYN_TSV_H

#include <stddef.h>

/* Tables are read whole; a real one is at most a few MB. */
#define TSV_MAX_BYTES ((long long)256 << 20)

typedef struct {
	char *path;
	char **cols;
	size_t ncols, nrows;
	double *v; /* nrows * ncols, row-major */
} tsv;

/* Reads a regular file only (never blocks on a FIFO, refuses devices) of at
 * most TSV_MAX_BYTES.  0, or -1 with a one-line reason naming the path in err
 * (t is then empty).  A table with a header and no rows is valid. */
int tsv_read(tsv *t, const char *path, char *err, size_t errlen);
void tsv_free(tsv *t);
/* Column index by name, or -1. */
int tsv_col(const tsv *t, const char *name);
/* 1 when s[0..len) is one finite decimal number ("-1.5e-3"; no "nan", "inf",
 * hexadecimal or overflow; subnormals are accepted), with *x set. */
int tsv_number(const char *s, size_t len, double *x);

#endif
