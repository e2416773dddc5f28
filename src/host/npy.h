/* npy.h -- NumPy .npy files, format version 1.0, float64 little-endian,
 * C order, 2-D: the one layout lindyn reads and writes.  The reader opens
 * regular files only (never blocks on a FIFO), checks the magic, the version,
 * the header dictionary (parsed as the Python literal it is: exactly the keys
 * descr, fortran_order and shape, each once, nothing after it), the expected
 * shape, the exact file length and that every value is finite, and names
 * what is wrong. */
#ifndef LINDYN_NPY_H
#define LINDYN_NPY_H

#include <stddef.h>
#include <stdio.h>

int npy_write(FILE *f, size_t rows, size_t cols, const double *data);

/* Reads `path` into out (rows*cols doubles).  0, or -1 with a one-line
 * reason in err ("file.npy: expected shape (3, 4), found (4, 3)",
 * "file.npy: element [1, 2] is NaN; expected finite values"). */
int npy_read(const char *path, size_t rows, size_t cols, double *out, char *err,
             size_t errlen);

#endif
