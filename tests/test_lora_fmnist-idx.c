/* test_lora_fmnist-idx.c -- the IDX reader of lora_fmnist on files written
 * here with zlib: good gzip and plain files, then every way a file can be
 * damaged (truncated stream or data, bad magic, zero size, trailing data,
 * bad CRC, missing file), each rejected with a message naming the file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../plugins/lora_fmnist/idx.h"
#include "fixtures/idx/idx_fixture.h"

static char dir[] = "/tmp/lora_fmnist-idx-XXXXXX";

/* 5 images of 3 x 4 pixels: byte i*12 + j is (7 i + j) mod 256. */
static uint8_t images[5 * 12];
static const uint32_t image_dims[3] = { 5, 3, 4 };

static const char *path_of(const char *name)
{
	static char path[256];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

static int setup(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof images; i++)
		images[i] = (uint8_t)(7 * (i / 12) + i % 12 + 3);
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

/* Reads `name` expecting failure whose message names the file and contains
 * `what`. */
static void expect_failure(const char *name, unsigned ndims, size_t keep, const char *what)
{
	idx_array a;
	char err[512] = "";
	const char *path = path_of(name);
	assert_int_equal(idx_read(path, ndims, keep, &a, err, sizeof err), -1);
	assert_null(a.data);
	assert_non_null(strstr(err, path));
	if (!strstr(err, what))
		fail_msg("message '%s' lacks '%s'", err, what);
	assert_null(strchr(err, '\n'));
}

static void test_good_gzip_keeps_the_first_items(void **state)
{
	(void)state;
	assert_int_equal(idx_fixture_write(path_of("good.gz"), 0x803, image_dims, 3, images,
	                                   sizeof images, 1), 0);
	idx_array a;
	char err[512];
	assert_int_equal(idx_read(path_of("good.gz"), 3, 2, &a, err, sizeof err), 0);
	assert_int_equal(a.count, 5);
	assert_int_equal(a.rows, 3);
	assert_int_equal(a.cols, 4);
	assert_int_equal(a.kept, 2);
	assert_memory_equal(a.data, images, 2 * 12);
	idx_free(&a);
	/* all items */
	assert_int_equal(idx_read(path_of("good.gz"), 3, 5, &a, err, sizeof err), 0);
	assert_memory_equal(a.data, images, sizeof images);
	idx_free(&a);
}

static void test_good_plain_labels(void **state)
{
	(void)state;
	uint8_t labels[6] = { 9, 0, 3, 3, 1, 8 };
	uint32_t dims[1] = { 6 };
	assert_int_equal(idx_fixture_write(path_of("labels"), 0x801, dims, 1, labels, 6, 0), 0);
	idx_array a;
	char err[512];
	assert_int_equal(idx_read(path_of("labels"), 1, 6, &a, err, sizeof err), 0);
	assert_int_equal(a.count, 6);
	assert_int_equal(a.rows * a.cols, 1);
	assert_memory_equal(a.data, labels, 6);
	idx_free(&a);
}

static void test_more_items_than_the_file_holds(void **state)
{
	(void)state;
	assert_int_equal(idx_fixture_write(path_of("five.gz"), 0x803, image_dims, 3, images,
	                                   sizeof images, 1), 0);
	expect_failure("five.gz", 3, 6, "holds 5 items, expected at least 6");
}

static void test_truncated_gzip_stream(void **state)
{
	(void)state;
	/* Incompressible-ish data so the compressed stream is long enough to cut. */
	static uint8_t noise[40 * 12];
	uint32_t lcg = 1;
	for (size_t i = 0; i < sizeof noise; i++) {
		lcg = lcg * 1664525u + 1013904223u;
		noise[i] = (uint8_t)(lcg >> 24);
	}
	uint32_t dims[3] = { 40, 3, 4 };
	const char *path = path_of("cut.gz");
	assert_int_equal(idx_fixture_write(path, 0x803, dims, 3, noise, sizeof noise, 1), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size / 2), 0);
	expect_failure("cut.gz", 3, 1, "truncated");
	/* cut inside the 8-byte gzip trailer: all data present, CRC/length lost */
	assert_int_equal(idx_fixture_write(path, 0x803, dims, 3, noise, sizeof noise, 1), 0);
	assert_int_equal(truncate(path, st.st_size - 3), 0);
	expect_failure("cut.gz", 3, 1, "truncated gzip stream");
}

static void test_truncated_data(void **state)
{
	(void)state;
	/* the header declares 5 images, only 4 and a half follow */
	assert_int_equal(idx_fixture_write(path_of("short.gz"), 0x803, image_dims, 3, images,
	                                   sizeof images - 6, 1), 0);
	expect_failure("short.gz", 3, 2, "truncated: expected 60 data bytes (5 items of 12 bytes), "
	               "found 54");
	assert_int_equal(idx_fixture_write(path_of("short"), 0x803, image_dims, 3, images,
	                                   sizeof images - 6, 0), 0);
	expect_failure("short", 3, 5, "found 54");
}

static void test_truncated_header(void **state)
{
	(void)state;
	/* magic and one of three sizes */
	assert_int_equal(idx_fixture_write(path_of("head.gz"), 0x803, image_dims, 1, NULL, 0, 1), 0);
	expect_failure("head.gz", 3, 1, "truncated header: expected 3 dimension sizes, found 1");
	FILE *f = fopen(path_of("two"), "wb");
	assert_non_null(f);
	fputs("\x00\x00", f);
	fclose(f);
	expect_failure("two", 1, 1, "truncated header: expected a 4-byte IDX magic number");
}

static void test_wrong_magic(void **state)
{
	(void)state;
	/* labels where images are expected */
	uint32_t dims[1] = { 60 };
	assert_int_equal(idx_fixture_write(path_of("lab.gz"), 0x801, dims, 1, images, 60, 1), 0);
	expect_failure("lab.gz", 3, 1, "magic 0x00000801, expected 0x00000803");
	/* signed bytes (type 0x09) */
	assert_int_equal(idx_fixture_write(path_of("signed.gz"), 0x903, image_dims, 3, images,
	                                   sizeof images, 1), 0);
	expect_failure("signed.gz", 3, 1, "not an IDX file of unsigned bytes with 3 dimensions");
	/* a text file */
	FILE *f = fopen(path_of("text"), "wb");
	assert_non_null(f);
	fputs("hello, world\n", f);
	fclose(f);
	expect_failure("text", 1, 1, "magic 0x68656c6c");
}

static void test_zero_dimension(void **state)
{
	(void)state;
	uint32_t dims[3] = { 5, 0, 4 };
	assert_int_equal(idx_fixture_write(path_of("zero.gz"), 0x803, dims, 3, NULL, 0, 1), 0);
	expect_failure("zero.gz", 3, 0, "dimension 2 has size 0");
}

static void test_trailing_data(void **state)
{
	(void)state;
	uint32_t dims[3] = { 4, 3, 4 };
	assert_int_equal(idx_fixture_write(path_of("long.gz"), 0x803, dims, 3, images,
	                                   sizeof images, 1), 0);
	expect_failure("long.gz", 3, 4, "unexpected data after the 4 items");
}

static void test_corrupt_crc(void **state)
{
	(void)state;
	const char *path = path_of("crc.gz");
	assert_int_equal(idx_fixture_write(path, 0x803, image_dims, 3, images, sizeof images, 1), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	/* the CRC-32 is the first word of the 8-byte trailer */
	assert_int_equal(fseek(f, st.st_size - 8, SEEK_SET), 0);
	int c = fgetc(f);
	assert_int_equal(fseek(f, st.st_size - 8, SEEK_SET), 0);
	fputc(c ^ 0x5a, f);
	fclose(f);
	expect_failure("crc.gz", 3, 5, "corrupt gzip stream: incorrect data check");
}

static void test_missing_file(void **state)
{
	(void)state;
	expect_failure("absent.gz", 3, 1, "cannot open: No such file or directory");
}

/* A FIFO with no writer must not block the reader; a device or a directory
 * is no data file either. */
static void test_only_regular_files(void **state)
{
	(void)state;
	assert_int_equal(mkfifo(path_of("fifo"), 0600), 0);
	expect_failure("fifo", 3, 1, "not a regular file (a FIFO)");
	idx_array a;
	char err[512];
	assert_int_equal(idx_read("/dev/zero", 1, 1, &a, err, sizeof err), -1);
	assert_string_equal(err, "/dev/zero: not a regular file (a character device)");
	assert_int_equal(idx_read(dir, 1, 1, &a, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a regular file (a directory)"));
}

/* A header declaring more data than the file can hold is rejected before
 * anything is allocated or decompressed. */
static void test_declared_size_beyond_the_file(void **state)
{
	(void)state;
	uint32_t dims[3] = { 4000000000u, 4096, 4096 };
	assert_int_equal(idx_fixture_write(path_of("huge.gz"), 0x803, dims, 3, images,
	                                   sizeof images, 1), 0);
	struct stat st;
	assert_int_equal(stat(path_of("huge.gz"), &st), 0);
	char want[200];
	snprintf(want, sizeof want, "header declares 67108864000000000 data bytes (4000000000 "
	         "items of 16777216 bytes), more than a %jd-byte gzip file can hold",
	         (intmax_t)st.st_size);
	expect_failure("huge.gz", 3, 1, want);
	assert_int_equal(idx_fixture_write(path_of("huge"), 0x803, dims, 3, images,
	                                   sizeof images, 0), 0);
	expect_failure("huge", 3, 1, "truncated: expected 67108864000000000 data bytes "
	               "(4000000000 items of 16777216 bytes), found 60");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_gzip_keeps_the_first_items),
		cmocka_unit_test(test_good_plain_labels),
		cmocka_unit_test(test_more_items_than_the_file_holds),
		cmocka_unit_test(test_truncated_gzip_stream),
		cmocka_unit_test(test_truncated_data),
		cmocka_unit_test(test_truncated_header),
		cmocka_unit_test(test_wrong_magic),
		cmocka_unit_test(test_zero_dimension),
		cmocka_unit_test(test_trailing_data),
		cmocka_unit_test(test_corrupt_crc),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_only_regular_files),
		cmocka_unit_test(test_declared_size_beyond_the_file),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
