/* test_npy.c -- the .npy reader and writer (src/host/npy.c): a round trip, the
 * layout NumPy itself writes, and every malformed header and body the
 * reader must reject with a message naming the file and the problem. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../src/host/npy.h"
#include "fixtures/testutil.h"

static char *dir;
static char path[PATH_MAX];
static char err[512];
static const double values[12] = { 2.385, -1e-300, 1e300, 0.1, -0.0, 3.0,
                                   4.5, 6.02214076e23, -7.25, 1.0 / 3.0, 8.0, 9.125 };

static int setup(void **state)
{
	(void)state;
	dir = tu_tmpdir();
	snprintf(path, sizeof path, "%s/w.npy", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmtree(dir);
	return 0;
}

/* Writes a .npy by hand: magic, version, the dictionary padded with spaces
 * and '\n' to a multiple of 64 (as NumPy does), `nvalues` doubles of
 * `values`, then `extra` trailing bytes.  hlen_delta lies about the header
 * length; cut_header stops the file inside the header. */
typedef struct {
	const char *magic;
	unsigned char major, minor;
	const char *dict;
	size_t nvalues, extra;
	int cut_header;
} raw_npy;

static void write_raw(const raw_npy *r)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	size_t n = strlen(r->dict);
	size_t hlen = (10 + n + 1 + 63) / 64 * 64 - 10;
	unsigned char pre[10];
	memcpy(pre, r->magic ? r->magic : "\x93NUMPY", 6);
	pre[6] = r->major ? r->major : 1;
	pre[7] = r->minor;
	pre[8] = (unsigned char)(hlen & 0xff);
	pre[9] = (unsigned char)(hlen >> 8);
	fwrite(pre, 1, 10, f);
	char header[1024];
	memset(header, ' ', hlen);
	memcpy(header, r->dict, n);
	header[hlen - 1] = '\n';
	fwrite(header, 1, r->cut_header ? hlen / 2 : hlen, f);
	if (!r->cut_header) {
		fwrite(values, sizeof(double), r->nvalues, f);
		for (size_t i = 0; i < r->extra; i++)
			fputc(0, f);
	}
	fclose(f);
}

#define DICT(shape, descr, order) \
	"{'descr': '" descr "', 'fortran_order': " order ", 'shape': " shape ", }"

static int read_3x4(double *out)
{
	err[0] = 0;
	return npy_read(path, 3, 4, out, err, sizeof err);
}

static void test_round_trip(void **state)
{
	(void)state;
	FILE *f = fopen(path, "wb");
	assert_int_equal(npy_write(f, 3, 4, values), 0);
	fclose(f);
	double back[12];
	assert_int_equal(read_3x4(back), 0);
	assert_memory_equal(back, values, sizeof values);

	/* The layout: magic, version 1.0, header padded to 64 bytes, then data. */
	char *bytes = tu_read(path);
	assert_memory_equal(bytes, "\x93NUMPY\x01\x00", 8);
	size_t hlen = (unsigned char)bytes[8] | (size_t)(unsigned char)bytes[9] << 8;
	assert_int_equal((10 + hlen) % 64, 0);
	assert_int_equal(bytes[10 + hlen - 1], '\n');
	assert_contains(bytes + 10, "'descr': '<f8', 'fortran_order': False, 'shape': (3, 4)");
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal((size_t)st.st_size, 10 + hlen + sizeof values);
	free(bytes);

	/* 1 x 1 and an empty 0 x 5 array round-trip as well. */
	f = fopen(path, "wb");
	assert_int_equal(npy_write(f, 1, 1, values), 0);
	fclose(f);
	double one = 0;
	assert_int_equal(npy_read(path, 1, 1, &one, err, sizeof err), 0);
	assert_close(one, 2.385, 0);
	f = fopen(path, "wb");
	assert_int_equal(npy_write(f, 0, 5, NULL), 0);
	fclose(f);
	assert_int_equal(npy_read(path, 0, 5, &one, err, sizeof err), 0);
}

/* NumPy's own header (np.save of a (3, 4) float64 C array). */
static void test_reads_numpy_layout(void **state)
{
	(void)state;
	write_raw(&(raw_npy){ .dict = DICT("(3, 4)", "<f8", "False"), .nvalues = 12 });
	double back[12];
	assert_int_equal(read_3x4(back), 0);
	assert_memory_equal(back, values, sizeof values);
}

/* Each case: the file, and the message the reader must give. */
static void expect_rejected(const raw_npy *r, const char *message)
{
	write_raw(r);
	double back[12];
	assert_int_equal(read_3x4(back), -1);
	char want[PATH_MAX + 200];
	snprintf(want, sizeof want, "%s: %s", path, message);
	assert_string_equal(err, want);
}

static void test_bad_magic(void **state)
{
	(void)state;
	expect_rejected(&(raw_npy){ .magic = "\x93NUMPX", .dict = DICT("(3, 4)", "<f8", "False"),
	                            .nvalues = 12 },
	                "not a .npy file (bad magic)");
	tu_write(path, "just text, not an array\n");
	double back[12];
	assert_int_equal(read_3x4(back), -1);
	assert_contains(err, "bad magic");
	tu_write(path, "");
	assert_int_equal(read_3x4(back), -1);
	assert_contains(err, "bad magic");
}

static void test_version_2(void **state)
{
	(void)state;
	expect_rejected(&(raw_npy){ .major = 2, .dict = DICT("(3, 4)", "<f8", "False"),
	                            .nvalues = 12 },
	                ".npy format version 2.0, expected 1.0");
	expect_rejected(&(raw_npy){ .major = 1, .minor = 1, .dict = DICT("(3, 4)", "<f8", "False"),
	                            .nvalues = 12 },
	                ".npy format version 1.1, expected 1.0");
}

static void test_wrong_dtype(void **state)
{
	(void)state;
	static const char *dicts[] = { DICT("(3, 4)", "<f4", "False"), DICT("(3, 4)", ">f8", "False"),
	                               DICT("(3, 4)", "<i8", "False"), DICT("(3, 4)", "|b1", "False") };
	for (size_t i = 0; i < sizeof dicts / sizeof *dicts; i++)
		expect_rejected(&(raw_npy){ .dict = dicts[i], .nvalues = 12 },
		                "dtype must be '<f8' (float64, little-endian)");
	expect_rejected(&(raw_npy){ .dict = "{'fortran_order': False, 'shape': (3, 4), }",
	                            .nvalues = 12 },
	                "header lacks 'descr'");
}

static void test_fortran_order(void **state)
{
	(void)state;
	expect_rejected(&(raw_npy){ .dict = DICT("(3, 4)", "<f8", "True"), .nvalues = 12 },
	                "array must be in C order (fortran_order: False)");
}

static void test_wrong_shape(void **state)
{
	(void)state;
	expect_rejected(&(raw_npy){ .dict = DICT("(4, 3)", "<f8", "False"), .nvalues = 12 },
	                "expected shape (3, 4), found (4, 3)");
	expect_rejected(&(raw_npy){ .dict = DICT("(3, 5)", "<f8", "False"), .nvalues = 12 },
	                "expected shape (3, 4), found (3, 5)");
	expect_rejected(&(raw_npy){ .dict = DICT("(3, 4, 1)", "<f8", "False"), .nvalues = 12 },
	                "expected shape (3, 4), found (3, 4, 1)");
	expect_rejected(&(raw_npy){ .dict = DICT("()", "<f8", "False"), .nvalues = 1 },
	                "expected shape (3, 4), found ()");
	expect_rejected(&(raw_npy){ .dict = DICT("(1, 2, 3, 4)", "<f8", "False"), .nvalues = 12 },
	                "expected shape (3, 4), found (1, 2, 3, 4)");
}

static void test_one_dimensional(void **state)
{
	(void)state;
	expect_rejected(&(raw_npy){ .dict = DICT("(12,)", "<f8", "False"), .nvalues = 12 },
	                "expected shape (3, 4), found (12,)");
}

static void test_malformed_shape(void **state)
{
	(void)state;
	static const char *shapes[] = { "(3, four)", "[3, 4]", "(3 4)", "(3,, 4)", "(-3, 4)",
	                                "(12)", "(3, 4" };
	for (size_t i = 0; i < sizeof shapes / sizeof *shapes; i++) {
		char dict[128];
		snprintf(dict, sizeof dict, "{'descr': '<f8', 'fortran_order': False, 'shape': %s, }",
		         shapes[i]);
		write_raw(&(raw_npy){ .dict = dict, .nvalues = 12 });
		double back[12];
		assert_int_equal(read_3x4(back), -1);
		assert_prefix(err, path);
		assert_contains(err, "malformed shape in header at header byte ");
	}
	expect_rejected(&(raw_npy){ .dict = "{'descr': '<f8', 'fortran_order': False, }",
	                            .nvalues = 12 },
	                "header lacks 'shape'");
}

static void test_truncated_header(void **state)
{
	(void)state;
	write_raw(&(raw_npy){ .dict = DICT("(3, 4)", "<f8", "False"), .cut_header = 1 });
	double back[12];
	assert_int_equal(read_3x4(back), -1);
	assert_contains(err, path);
	assert_contains(err, "truncated header (expected 118 bytes)");
	/* Shorter than the 10-byte preamble. */
	FILE *f = fopen(path, "wb");
	fwrite("\x93NUMPY\x01", 1, 7, f);
	fclose(f);
	assert_int_equal(read_3x4(back), -1);
	assert_contains(err, path);
}

static void test_header_not_a_dictionary(void **state)
{
	(void)state;
	expect_rejected(&(raw_npy){ .dict = "descr <f8 shape 3 4", .nvalues = 12 },
	                "expected a header dictionary '{...}' at header byte 0");
}

static void test_truncated_data(void **state)
{
	(void)state;
	expect_rejected(&(raw_npy){ .dict = DICT("(3, 4)", "<f8", "False"), .nvalues = 11 },
	                "truncated data (expected 12 float64 values)");
	expect_rejected(&(raw_npy){ .dict = DICT("(3, 4)", "<f8", "False"), .nvalues = 0 },
	                "truncated data (expected 12 float64 values)");
}

static void test_trailing_bytes(void **state)
{
	(void)state;
	expect_rejected(&(raw_npy){ .dict = DICT("(3, 4)", "<f8", "False"), .nvalues = 12,
	                            .extra = 1 },
	                "trailing bytes after 12 float64 values");
	expect_rejected(&(raw_npy){ .dict = DICT("(3, 4)", "<f8", "False"), .nvalues = 12,
	                            .extra = 8 },
	                "trailing bytes after 12 float64 values");
}

static void test_missing_file(void **state)
{
	(void)state;
	double back[12];
	assert_int_equal(npy_read("/nonexistent/w.npy", 3, 4, back, err, sizeof err), -1);
	assert_string_equal(err, "/nonexistent/w.npy: No such file or directory");
}

/* Header text is data: a decoy 'descr' or 'shape' inside a string value
 * must not be taken for the real key (the reader once searched for
 * substrings and read such a file big-endian or with the decoy's shape). */
static void test_decoy_keys_inside_values(void **state)
{
	(void)state;
	/* A big-endian (4, 3) array whose first entry hides a little-endian
	 * (3, 4) decoy in a string: a substring search reads the decoy. */
	expect_rejected(&(raw_npy){ .dict = "{'x': \"'descr': '<f8', 'fortran_order': False, "
	                                    "'shape': (3, 4),\", 'descr': '>f8', "
	                                    "'fortran_order': False, 'shape': (4, 3), }",
	                            .nvalues = 12 },
	                "unknown key 'x' in header (expected descr, fortran_order, shape) at "
	                "header byte 5");
	/* The same decoy inside the descr value itself. */
	expect_rejected(&(raw_npy){ .dict = "{'descr': \">f8 'descr': '<f8', 'shape': (3, 4)\", "
	                                    "'fortran_order': False, 'shape': (4, 3), }",
	                            .nvalues = 12 },
	                "dtype must be '<f8' (float64, little-endian)");
}

static void test_header_keys_each_once_and_no_others(void **state)
{
	(void)state;
	expect_rejected(&(raw_npy){ .dict = "{'descr': '<f8', 'fortran_order': False, "
	                                    "'shape': (3, 4), 'shape': (4, 3), }",
	                            .nvalues = 12 },
	                "key 'shape' appears twice in header at header byte 66");
	expect_rejected(&(raw_npy){ .dict = "{'descr': '<f8', 'fortran_order': False, "
	                                    "'shape': (3, 4), 'x': 'shape', }",
	                            .nvalues = 12 },
	                "unknown key 'x' in header (expected descr, fortran_order, shape) at "
	                "header byte 62");
	expect_rejected(&(raw_npy){ .dict = "{'descr': '<f8', 'fortran_order': False, "
	                                    "'shape': (3, 4), } 'shape': (4, 3)",
	                            .nvalues = 12 },
	                "unexpected text after the header dictionary at header byte 60");
	expect_rejected(&(raw_npy){ .dict = "{'descr': '<f8', 'fortran_order': 0, "
	                                    "'shape': (3, 4)}",
	                            .nvalues = 12 },
	                "fortran_order must be True or False at header byte 34");
	expect_rejected(&(raw_npy){ .dict = "{'descr': '<f8 'fortran_order': False, "
	                                    "'shape': (3, 4)}",
	                            .nvalues = 12 },
	                "expected ',' or '}' after a header entry at header byte 16");
	/* A control character in a string would break the one-line message. */
	expect_rejected(&(raw_npy){ .dict = "{'descr': '<f8', 'fortran_order': False, "
	                                    "'shape': (3, 4), '\x1b[2J': 1}",
	                            .nvalues = 12 },
	                "unsupported character (code 27) in a string at header byte 59");
	/* Key order and a missing trailing comma are fine, as in Python. */
	write_raw(&(raw_npy){ .dict = "{\"shape\":(3,4),\"fortran_order\":False,\"descr\":\"<f8\"}",
	                      .nvalues = 12 });
	double back[12];
	assert_int_equal(read_3x4(back), 0);
	assert_memory_equal(back, values, sizeof values);
}

static void test_shape_overflowing_size_t(void **state)
{
	(void)state;
	expect_rejected(&(raw_npy){ .dict = DICT("(4294967296, 4294967296)", "<f8", "False"),
	                            .nvalues = 12 },
	                "shape too large: more than 18446744073709551615 bytes of data");
	expect_rejected(&(raw_npy){ .dict = DICT("(184467440737095516160, 1)", "<f8", "False"),
	                            .nvalues = 12 },
	                "shape dimension too large at header byte 70");
}

/* NaN or infinity in an input is bad input (exit 1), not a divergence. */
static void test_non_finite_values(void **state)
{
	(void)state;
	const double specials[3] = { NAN, INFINITY, -INFINITY };
	const char *names[3] = { "NaN", "+inf", "-inf" };
	for (int k = 0; k < 3; k++) {
		double v[12];
		memcpy(v, values, sizeof v);
		v[6] = specials[k];
		v[11] = NAN;
		FILE *f = fopen(path, "wb");
		assert_int_equal(npy_write(f, 3, 4, v), 0);
		fclose(f);
		double back[12];
		assert_int_equal(read_3x4(back), -1);
		char want[PATH_MAX + 100];
		snprintf(want, sizeof want, "%s: element [1, 2] is %s; expected finite values", path,
		         names[k]);
		assert_string_equal(err, want);
	}
}

/* A FIFO with no writer must not block the reader; a device is no file. */
static void test_only_regular_files(void **state)
{
	(void)state;
	char fifo[PATH_MAX];
	snprintf(fifo, sizeof fifo, "%s/fifo.npy", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	double back[12];
	assert_int_equal(npy_read(fifo, 3, 4, back, err, sizeof err), -1);
	assert_contains(err, fifo);
	assert_contains(err, "not a regular file (a FIFO)");
	assert_int_equal(npy_read("/dev/zero", 3, 4, back, err, sizeof err), -1);
	assert_string_equal(err, "/dev/zero: not a regular file (a character device)");
	assert_int_equal(npy_read(dir, 3, 4, back, err, sizeof err), -1);
	assert_contains(err, "not a regular file (a directory)");
}

/* The header length field is checked against the file's size before any
 * allocation or read. */
static void test_header_longer_than_file(void **state)
{
	(void)state;
	FILE *f = fopen(path, "wb");
	fwrite("\x93NUMPY\x01\x00\xff\xff{'descr'", 1, 18, f);
	fclose(f);
	double back[12];
	assert_int_equal(read_3x4(back), -1);
	char want[PATH_MAX + 100];
	snprintf(want, sizeof want, "%s: truncated header (expected 65535 bytes)", path);
	assert_string_equal(err, want);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_round_trip),       T(test_reads_numpy_layout), T(test_bad_magic),
		T(test_version_2),        T(test_wrong_dtype),        T(test_fortran_order),
		T(test_wrong_shape),      T(test_one_dimensional),    T(test_malformed_shape),
		T(test_truncated_header), T(test_header_not_a_dictionary), T(test_truncated_data),
		T(test_trailing_bytes),   T(test_missing_file),       T(test_decoy_keys_inside_values),
		T(test_header_keys_each_once_and_no_others),         T(test_shape_overflowing_size_t),
		T(test_non_finite_values), T(test_only_regular_files), T(test_header_longer_than_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
