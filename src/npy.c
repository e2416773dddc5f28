/* npy.c -- strict reader and writer of NumPy .npy version 1.0 files. */
#include "npy.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char MAGIC[6] = { '\x93', 'N', 'U', 'M', 'P', 'Y' };

int npy_write(FILE *f, size_t rows, size_t cols, const double *data)
{
	char dict[128];
	int n = snprintf(dict, sizeof dict,
	                 "{'descr': '<f8', 'fortran_order': False, 'shape': (%zu, %zu), }",
	                 rows, cols);
	/* magic(6) + version(2) + length(2) + dict + padding + '\n' is a multiple of 64 */
	size_t total = (10 + (size_t)n + 1 + 63) / 64 * 64;
	size_t hlen = total - 10;
	unsigned char pre[10];
	memcpy(pre, MAGIC, 6);
	pre[6] = 1;
	pre[7] = 0;
	pre[8] = (unsigned char)(hlen & 0xff);
	pre[9] = (unsigned char)(hlen >> 8);
	if (fwrite(pre, 1, 10, f) != 10 || fwrite(dict, 1, (size_t)n, f) != (size_t)n)
		return -1;
	for (size_t i = (size_t)n; i + 1 < hlen; i++)
		if (fputc(' ', f) == EOF)
			return -1;
	if (fputc('\n', f) == EOF)
		return -1;
	/* x86-64 and aarch64 are little-endian, matching '<f8'. */
	if (rows * cols != 0 && fwrite(data, sizeof *data, rows * cols, f) != rows * cols)
		return -1;
	return 0;
}

/* Finds 'key': in the header dictionary and returns the text after it. */
static const char *dict_value(const char *dict, const char *key)
{
	char quoted[32];
	snprintf(quoted, sizeof quoted, "'%s':", key);
	const char *p = strstr(dict, quoted);
	if (!p)
		return NULL;
	p += strlen(quoted);
	while (*p == ' ')
		p++;
	return p;
}

static int parse_shape(const char *p, size_t *dims, int *ndim)
{
	if (*p++ != '(')
		return -1;
	*ndim = 0;
	for (;;) {
		while (*p == ' ')
			p++;
		if (*p == ')')
			return 0;
		if (!isdigit((unsigned char)*p) || *ndim == 3)
			return -1;
		char *end;
		errno = 0;
		unsigned long long v = strtoull(p, &end, 10);
		if (errno)
			return -1;
		dims[(*ndim)++] = (size_t)v;
		p = end;
		while (*p == ' ')
			p++;
		if (*p == ',')
			p++;
		else if (*p != ')')
			return -1;
	}
}

int npy_read(const char *path, size_t rows, size_t cols, double *out, char *err,
             size_t errlen)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	int rc = -1;
	unsigned char pre[10];
	char *dict = NULL;
	if (fread(pre, 1, 10, f) != 10 || memcmp(pre, MAGIC, 6) != 0) {
		snprintf(err, errlen, "%s: not a .npy file (bad magic)", path);
		goto out;
	}
	if (pre[6] != 1 || pre[7] != 0) {
		snprintf(err, errlen, "%s: .npy format version %u.%u, expected 1.0", path, pre[6],
		         pre[7]);
		goto out;
	}
	size_t hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
	dict = malloc(hlen + 1);
	if (!dict || fread(dict, 1, hlen, f) != hlen) {
		snprintf(err, errlen, "%s: truncated header (expected %zu bytes)", path, hlen);
		goto out;
	}
	dict[hlen] = 0;
	if (hlen == 0 || dict[hlen - 1] != '\n' || dict[0] != '{') {
		snprintf(err, errlen, "%s: malformed header dictionary", path);
		goto out;
	}
	const char *descr = dict_value(dict, "descr");
	if (!descr || strncmp(descr, "'<f8'", 5) != 0) {
		snprintf(err, errlen, "%s: dtype must be '<f8' (float64, little-endian)", path);
		goto out;
	}
	const char *order = dict_value(dict, "fortran_order");
	if (!order || strncmp(order, "False", 5) != 0) {
		snprintf(err, errlen, "%s: array must be in C order (fortran_order: False)", path);
		goto out;
	}
	const char *shape = dict_value(dict, "shape");
	size_t dims[3];
	int ndim;
	if (!shape || parse_shape(shape, dims, &ndim) != 0) {
		snprintf(err, errlen, "%s: malformed shape in header", path);
		goto out;
	}
	if (ndim != 2 || dims[0] != rows || dims[1] != cols) {
		char found[96] = "(";
		for (int i = 0; i < ndim; i++)
			snprintf(found + strlen(found), sizeof found - strlen(found), "%s%zu",
			         i ? ", " : "", dims[i]);
		strcat(found, ndim == 1 ? ",)" : ")");
		snprintf(err, errlen, "%s: expected shape (%zu, %zu), found %s", path, rows, cols,
		         found);
		goto out;
	}
	size_t n = rows * cols;
	if (fread(out, sizeof *out, n, f) != n) {
		snprintf(err, errlen, "%s: truncated data (expected %zu float64 values)", path, n);
		goto out;
	}
	if (fgetc(f) != EOF) {
		snprintf(err, errlen, "%s: trailing bytes after %zu float64 values", path, n);
		goto out;
	}
	rc = 0;
out:
	free(dict);
	fclose(f);
	return rc;
}
