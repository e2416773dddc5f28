/* test_doc.c -- reading a document (src/lit/doc.c): only a regular file of at
 * most DOC_MAX_BYTES is read, a NUL byte is an error naming its line, and
 * every failure is one message naming the document. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../src/lit/doc.h"
#include "fixtures/testutil.h"


/* doc_load must fail with exactly this message and leave nothing allocated. */
static void load_fails(const char *path, const char *want)
{
	doc d;
	char err[1024];
	assert_int_equal(doc_load(&d, path, err, sizeof err), -1);
	assert_string_equal(err, want);
	assert_null(d.source);
	assert_null(d.blocks);
}

static void test_directory(void **state)
{
	(void)state;
	char want[PATH_MAX + 64];
	snprintf(want, sizeof want, "%s: not a regular file (a directory)", tu_dir);
	load_fails(tu_dir, want);
}

/* A FIFO with no writer would block a plain open for ever. */
static void test_fifo(void **state)
{
	(void)state;
	char fifo[PATH_MAX], want[PATH_MAX + 64];
	snprintf(fifo, sizeof fifo, "%s/doc.md", tu_dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	snprintf(want, sizeof want, "%s: not a regular file (a FIFO)", fifo);
	load_fails(fifo, want);
}

static void test_device(void **state)
{
	(void)state;
	load_fails("/dev/zero", "/dev/zero: not a regular file (a character device)");
}

static void test_missing(void **state)
{
	(void)state;
	char path[PATH_MAX], want[PATH_MAX + 64];
	snprintf(path, sizeof path, "%s/none.md", tu_dir);
	snprintf(want, sizeof want, "%s: No such file or directory", path);
	load_fails(path, want);
}

static void test_too_large(void **state)
{
	(void)state;
	char path[PATH_MAX], want[PATH_MAX + 128];
	snprintf(path, sizeof path, "%s/big.md", tu_dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(ftruncate(fileno(f), DOC_MAX_BYTES + 1), 0); /* sparse: no disk used */
	fclose(f);
	snprintf(want, sizeof want, "%s: document is %d bytes, more than the limit of %d (16 MiB)",
	         path, DOC_MAX_BYTES + 1, DOC_MAX_BYTES);
	load_fails(path, want);
}

/* A NUL byte would end the text early and hide every block after it. */
static void test_nul_byte(void **state)
{
	(void)state;
	char path[PATH_MAX], want[PATH_MAX + 64];
	snprintf(path, sizeof path, "%s/nul.md", tu_dir);
	static const char text[] = "prose\n```lindyn-claim\nid: a\0b\nmeasure: 1\n```\n";
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, sizeof text - 1, f), sizeof text - 1);
	fclose(f);
	snprintf(want, sizeof want, "%s:3: NUL byte in the document (expected text)", path);
	load_fails(path, want);
}

/* The limit itself is accepted, and a document's text is read whole. */
static void test_at_limit(void **state)
{
	(void)state;
	char path[PATH_MAX], err[512];
	snprintf(path, sizeof path, "%s/edge.md", tu_dir);
	char *text = calloc(DOC_MAX_BYTES, 1);
	assert_non_null(text);
	memset(text, '\n', DOC_MAX_BYTES - 32);
	memcpy(text + DOC_MAX_BYTES - 32, "```lindyn-claim\nid: last\n```\n", 29);
	memset(text + DOC_MAX_BYTES - 3, '\n', 3);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, DOC_MAX_BYTES, f), DOC_MAX_BYTES);
	fclose(f);
	free(text);
	doc d;
	assert_int_equal(doc_load(&d, path, err, sizeof err), 0);
	assert_int_equal(d.nblocks, 1);
	assert_int_equal(d.blocks[0].line, DOC_MAX_BYTES - 32 + 1);
	assert_string_equal(block_field_get(&d.blocks[0], "id")->value, "last");
	doc_free(&d);
}

/* A key a block holds once (name, seeds, id, ...) given twice is an error
 * naming both lines; the keys that add up (set, sweep, data, let) repeat. */
static void test_key_twice(void **state)
{
	(void)state;
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/twice.md", tu_dir);
	tu_write(path, "```lindyn-experiment\nname: e\nset: a=1\nset: b=2\nseeds: 2\nseeds: 1\n```\n");
	char want[PATH_MAX + 128];
	snprintf(want, sizeof want, "%s:6: key 'seeds' given twice in one block (first at line 5)",
	         path);
	load_fails(path, want);
	tu_write(path, "```lindyn-figure\nname: f\nname: g\n```\n");
	snprintf(want, sizeof want, "%s:3: key 'name' given twice in one block (first at line 2)", path);
	load_fails(path, want);
	tu_write(path, "```lindyn-claim\nid: c\nlet: a = 1\nlet: b = 2\nmeasure: a\nexpect: true\n```\n");
	doc d;
	char err[512];
	assert_int_equal(doc_load(&d, path, err, sizeof err), 0);
	doc_free(&d);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, tu_setup_dir, tu_teardown_dir)
	const struct CMUnitTest tests[] = {
		T(test_directory), T(test_fifo),    T(test_device),   T(test_missing),
		T(test_too_large), T(test_nul_byte), T(test_at_limit), T(test_key_twice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
