/* npy.h -- NumPy .npy files, format version 1.0, float64 little-endian,
 * C order, 2-D: the one layout lindyn reads and writes.  The reader checks
 * the magic, version, header dictionary (descr, fortran_order, shape), the
 * expected shape and the exact file length, and names what is wrong. */
#ifndef LINDYN_NPY_H
#define LINDYN_NPY_H

#include <stddef.h>
#include <stdio.h>

int npy_write(FILE *f, size_t rows, size_t cols, const double *data);

/* Reads `path` into out (rows*cols doubles).  0, or -1 with a one-line
 * reason in err ("file.npy: expected shape (3, 4), found (4, 3)"). */
int npy_read(const char *path, size_t rows, size_t cols, double *out, char *err,
             size_t errlen);

#endif
