/* npy.c -- strict reader and writer of NumPy .npy version 1.0 files. */
#include "npy.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "regular_file.h"

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

/* NumPy's limit on the number of dimensions (NPY_MAXDIMS). */
#define NPY_MAX_DIMS 32

/* The header dictionary, as parsed: each key at most once. */
typedef struct {
	int has_descr, has_order, has_shape;
	char descr[64];
	int fortran_order;
	size_t dims[NPY_MAX_DIMS];
	int ndim;
} npy_header;

/* A cursor over the header text; `why` holds the first problem found. */
typedef struct {
	const char *p, *end;
	char why[160];
} scanner;

static int scan_fail(scanner *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int scan_fail(scanner *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->why, sizeof s->why, fmt, ap);
	va_end(ap);
	return -1;
}

static void skip_space(scanner *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t'))
		s->p++;
}

/* Consumes c (after spaces) if it is next. */
static int accept(scanner *s, char c)
{
	skip_space(s);
	if (s->p < s->end && *s->p == c) {
		s->p++;
		return 1;
	}
	return 0;
}

static int expect_char(scanner *s, char c, const char *what)
{
	return accept(s, c) ? 0 : scan_fail(s, "expected %s", what);
}

/* A Python string literal in ' or " quotes, without escapes, into buf. */
static int scan_string(scanner *s, char *buf, size_t len)
{
	skip_space(s);
	if (s->p == s->end || (*s->p != '\'' && *s->p != '"'))
		return scan_fail(s, "expected a quoted string");
	char quote = *s->p++;
	const char *start = s->p;
	while (s->p < s->end && *s->p != quote) {
		/* No escapes (NumPy writes none); no control characters, which the
		 * one-line error message would otherwise carry. */
		if (*s->p == '\\' || (unsigned char)*s->p < 0x20 || *s->p == 0x7f)
			return scan_fail(s, "unsupported character (code %d) in a string",
			                 (unsigned char)*s->p);
		s->p++;
	}
	if (s->p == s->end)
		return scan_fail(s, "unterminated string");
	size_t n = (size_t)(s->p++ - start);
	if (n >= len)
		return scan_fail(s, "string '%.20s...' is too long", start);
	memcpy(buf, start, n);
	buf[n] = 0;
	return 0;
}

static int scan_word(scanner *s, const char *word)
{
	skip_space(s);
	size_t n = strlen(word);
	if ((size_t)(s->end - s->p) < n || strncmp(s->p, word, n))
		return 0;
	s->p += n;
	return 1;
}

static int scan_bool(scanner *s, int *out)
{
	if (scan_word(s, "True"))
		*out = 1;
	else if (scan_word(s, "False"))
		*out = 0;
	else
		return scan_fail(s, "fortran_order must be True or False");
	return 0;
}

/* A non-negative decimal integer that fits size_t. */
static int scan_size(scanner *s, size_t *out)
{
	skip_space(s);
	if (s->p == s->end || *s->p < '0' || *s->p > '9')
		return scan_fail(s, "malformed shape in header");
	size_t v = 0;
	for (; s->p < s->end && *s->p >= '0' && *s->p <= '9'; s->p++) {
		unsigned d = (unsigned)(*s->p - '0');
		if (v > (SIZE_MAX - d) / 10)
			return scan_fail(s, "shape dimension too large");
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* A tuple of sizes: "()", "(n,)", "(n, m)", "(n, m,)", ... */
static int scan_shape(scanner *s, size_t *dims, int *ndim)
{
	*ndim = 0;
	if (!accept(s, '('))
		return scan_fail(s, "malformed shape in header");
	if (accept(s, ')'))
		return 0;
	for (;;) {
		if (*ndim == NPY_MAX_DIMS)
			return scan_fail(s, "shape has more than %d dimensions", NPY_MAX_DIMS);
		if (scan_size(s, &dims[(*ndim)++]))
			return -1;
		int comma = accept(s, ',');
		if (accept(s, ')'))
			/* Python needs the comma of a 1-tuple: "(12)" is the integer 12. */
			return *ndim == 1 && !comma ? scan_fail(s, "malformed shape in header") : 0;
		if (!comma)
			return scan_fail(s, "malformed shape in header");
	}
}

/* One "'key': value" entry of the dictionary. */
static int scan_entry(scanner *s, npy_header *h)
{
	char key[32];
	if (scan_string(s, key, sizeof key) || expect_char(s, ':', "':' after a key"))
		return -1;
	int *seen = !strcmp(key, "descr")           ? &h->has_descr
	            : !strcmp(key, "fortran_order") ? &h->has_order
	            : !strcmp(key, "shape")         ? &h->has_shape
	                                            : NULL;
	if (!seen)
		return scan_fail(s, "unknown key '%s' in header (expected descr, fortran_order, "
		                    "shape)", key);
	if (*seen)
		return scan_fail(s, "key '%s' appears twice in header", key);
	*seen = 1;
	if (seen == &h->has_descr)
		return scan_string(s, h->descr, sizeof h->descr);
	if (seen == &h->has_order)
		return scan_bool(s, &h->fortran_order);
	return scan_shape(s, h->dims, &h->ndim);
}

/* Parses the whole header: "{" entries "}" then spaces and the final '\n'. */
static int parse_header(scanner *s, npy_header *h)
{
	memset(h, 0, sizeof *h);
	if (expect_char(s, '{', "a header dictionary '{...}'"))
		return -1;
	while (!accept(s, '}')) {
		if (scan_entry(s, h))
			return -1;
		if (!accept(s, ',')) {
			if (expect_char(s, '}', "',' or '}' after a header entry"))
				return -1;
			break;
		}
	}
	skip_space(s);
	if (s->end - s->p != 1 || *s->p != '\n')
		return scan_fail(s, "unexpected text after the header dictionary");
	return 0;
}

/* "(4, 3)", "(12,)", "()" */
static void shape_text(char *buf, size_t len, const size_t *dims, int ndim)
{
	size_t used = (size_t)snprintf(buf, len, "(");
	for (int i = 0; i < ndim && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%zu", i ? ", " : "", dims[i]);
	if (used < len)
		snprintf(buf + used, len - used, ndim == 1 ? ",)" : ")");
}

/* Checks the parsed header against the one layout read: 0 or -1 with err. */
static int check_header(const char *path, const npy_header *h, size_t rows, size_t cols,
                        char *err, size_t errlen)
{
	if (!h->has_descr || !h->has_order || !h->has_shape) {
		snprintf(err, errlen, "%s: header lacks '%s'", path,
		         !h->has_descr ? "descr" : !h->has_order ? "fortran_order" : "shape");
		return -1;
	}
	if (strcmp(h->descr, "<f8")) {
		snprintf(err, errlen, "%s: dtype must be '<f8' (float64, little-endian)", path);
		return -1;
	}
	if (h->fortran_order) {
		snprintf(err, errlen, "%s: array must be in C order (fortran_order: False)", path);
		return -1;
	}
	size_t bytes = sizeof(double);
	for (int i = 0; i < h->ndim; i++) {
		if (h->dims[i] && bytes > SIZE_MAX / h->dims[i]) {
			snprintf(err, errlen, "%s: shape too large: more than %zu bytes of data", path,
			         (size_t)SIZE_MAX);
			return -1;
		}
		bytes *= h->dims[i];
	}
	if (h->ndim != 2 || h->dims[0] != rows || h->dims[1] != cols) {
		char found[NPY_MAX_DIMS * 24 + 8];
		shape_text(found, sizeof found, h->dims, h->ndim);
		snprintf(err, errlen, "%s: expected shape (%zu, %zu), found %s", path, rows, cols,
		         found);
		return -1;
	}
	return 0;
}

/* Reports the first NaN or infinity ("element [r, c] is NaN"); 0 if none. */
static int check_finite(const char *path, const double *v, size_t rows, size_t cols,
                        char *err, size_t errlen)
{
	for (size_t i = 0; i < rows * cols; i++)
		if (!isfinite(v[i])) {
			snprintf(err, errlen, "%s: element [%zu, %zu] is %s; expected finite values",
			         path, i / cols, i % cols, isnan(v[i]) ? "NaN" : v[i] > 0 ? "+inf" : "-inf");
			return -1;
		}
	return 0;
}

static int read_header(FILE *f, const char *path, uintmax_t size, npy_header *h, char *err,
                       size_t errlen)
{
	unsigned char pre[10];
	if (fread(pre, 1, 10, f) != 10 || memcmp(pre, MAGIC, 6) != 0) {
		snprintf(err, errlen, "%s: not a .npy file (bad magic)", path);
		return -1;
	}
	if (pre[6] != 1 || pre[7] != 0) {
		snprintf(err, errlen, "%s: .npy format version %u.%u, expected 1.0", path, pre[6],
		         pre[7]);
		return -1;
	}
	/* Two bytes: the header is never longer than 65535 bytes. */
	size_t hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
	char *dict = malloc(hlen ? hlen : 1);
	int rc = -1;
	if (!dict)
		snprintf(err, errlen, "%s: out of memory for a %zu-byte header", path, hlen);
	else if (10 + hlen > size || fread(dict, 1, hlen, f) != hlen)
		snprintf(err, errlen, "%s: truncated header (expected %zu bytes)", path, hlen);
	else if (hlen == 0 || dict[hlen - 1] != '\n' || memchr(dict, 0, hlen))
		snprintf(err, errlen, "%s: malformed header dictionary", path);
	else {
		scanner s = { dict, dict + hlen, "" };
		rc = parse_header(&s, h);
		if (rc)
			snprintf(err, errlen, "%s: %s at header byte %zu", path, s.why,
			         (size_t)(s.p - dict));
	}
	free(dict);
	return rc;
}

int npy_read(const char *path, size_t rows, size_t cols, double *out, char *err,
             size_t errlen)
{
	FILE *f = regular_file_open(path, err, errlen);
	if (!f)
		return -1;
	int rc = -1;
	struct stat st;
	npy_header h;
	if (fstat(fileno(f), &st)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (read_header(f, path, (uintmax_t)st.st_size, &h, err, errlen) ||
	    check_header(path, &h, rows, cols, err, errlen))
		goto out;
	/* check_header: rows x cols doubles fit in size_t. */
	size_t n = rows * cols;
	off_t pos = ftello(f);
	uintmax_t data = pos >= 0 && st.st_size > pos ? (uintmax_t)(st.st_size - pos) : 0;
	if (data < (uintmax_t)n * sizeof *out || fread(out, sizeof *out, n, f) != n) {
		snprintf(err, errlen, "%s: truncated data (expected %zu float64 values)", path, n);
		goto out;
	}
	if (data > (uintmax_t)n * sizeof *out || fgetc(f) != EOF) {
		snprintf(err, errlen, "%s: trailing bytes after %zu float64 values", path, n);
		goto out;
	}
	rc = check_finite(path, out, rows, cols, err, errlen);
out:
	fclose(f);
	return rc;
}
