/* tsv.h -- reads the tables lindyn writes: '#' lines on top (one of them
 * "# columns: a b c"), then rows of numbers. */
#ifndef LINDYN_TSV_H
#define LINDYN_TSV_H

#include <stddef.h>

typedef struct {
	char *path;
	char **cols;
	size_t ncols, nrows;
	double *v; /* nrows * ncols, row-major */
} tsv;

int tsv_read(tsv *t, const char *path, char *err, size_t errlen);
void tsv_free(tsv *t);
/* Column index by name, or -1. */
int tsv_col(const tsv *t, const char *name);

#endif
