/* test_compare.c -- the pieces of `lindyn compare`: SHA-256 against the
 * FIPS 180-4 examples, the tolerance: line, and the fingerprints of a data
 * directory (what is read, what is written, and the reference files it must
 * refuse with file:line).  tests/compare.test.sh runs the command itself. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../src/lit/experiment.h"
#include "../src/lit/fingerprint.h"
#include "../src/host/sha256.h"
#include "../src/lit/tolerance.h"
#include "fixtures/testutil.h"


static const char *digest(const void *data, size_t len, size_t chunk)
{
	static char hex[SHA256_HEX];
	sha256_ctx c;
	sha256_init(&c);
	for (size_t i = 0; i < len; i += chunk)
		sha256_update(&c, (const char *)data + i, len - i < chunk ? len - i : chunk);
	sha256_hex(&c, hex);
	return hex;
}

/* FIPS 180-4's examples (NIST CSRC "SHA256.pdf", "SHA256_2.pdf"), the empty
 * message, and lengths around the padding boundary fed in odd chunks. */
static void sha256_vectors(void **state)
{
	(void)state;
	assert_string_equal(digest("abc", 3, 3),
	                    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	assert_string_equal(digest(two, strlen(two), 7),
	                    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	assert_string_equal(digest("", 0, 1),
	                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	static char million[1000000];
	memset(million, 'a', sizeof million);
	assert_string_equal(digest(million, sizeof million, 4093),
	                    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* 55, 56 and 64 bytes: one or two padding blocks */
	assert_string_equal(digest(million, 55, 55),
	                    "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
	assert_string_equal(digest(million, 56, 13),
	                    "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
	assert_string_equal(digest(million, 64, 64),
	                    "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

static void tolerance_lines(void **state)
{
	(void)state;
	double rel;
	char err[256];
	assert_int_equal(tolerance_parse("1e-6 wall loss", 1, &rel, err, sizeof err), 0);
	assert_true(rel == 1e-6);
	assert_int_equal(tolerance_parse("any wall", 1, &rel, err, sizeof err), 0);
	assert_true(isinf(rel));
	assert_int_equal(tolerance_parse("any", 0, &rel, err, sizeof err), 0);
	assert_int_equal(tolerance_parse("", 1, &rel, err, sizeof err), -1);
	assert_int_equal(tolerance_parse("0", 1, &rel, err, sizeof err), -1);
	assert_int_equal(tolerance_parse("-1", 1, &rel, err, sizeof err), -1);
	assert_int_equal(tolerance_parse("nan", 1, &rel, err, sizeof err), -1);
	assert_int_equal(tolerance_parse("inf", 1, &rel, err, sizeof err), -1);
	assert_int_equal(tolerance_parse("1e-6x", 1, &rel, err, sizeof err), -1);
	assert_non_null(strstr(err, "'1e-6x'"));
	assert_int_equal(tolerance_parse("1e-6 Wall", 1, &rel, err, sizeof err), -1);
	assert_non_null(strstr(err, "column 'Wall'"));
	assert_int_equal(tolerance_parse("1e-6 wall", 0, &rel, err, sizeof err), -1);
	assert_non_null(strstr(err, "no column"));

	assert_true(tolerance_covers("any wall", "wall"));
	assert_true(tolerance_covers("any wall", "wall_mean"));
	assert_true(tolerance_covers("any wall", "wall_std"));
	assert_false(tolerance_covers("any wall", "wallx"));
	assert_false(tolerance_covers("any wall", "wal"));
	assert_false(tolerance_covers("any wall", "loss"));
	assert_true(tolerance_covers("1e-3", "loss"));

	assert_true(tolerance_agrees(1, 1 + 1e-11, TOLERANCE_REL));
	assert_false(tolerance_agrees(1, 1 + 1e-9, TOLERANCE_REL));
	assert_true(tolerance_agrees(1e-30, 3e-30, TOLERANCE_REL)); /* the absolute floor */
	assert_false(tolerance_agrees(1e-3, 2e-3, TOLERANCE_REL));
	assert_true(tolerance_agrees(5, 50, INFINITY));
}

/* tangle's parser checks a tolerance: line like any field, naming document:line. */
static void tolerance_in_an_experiment(void **state)
{
	(void)state;
	char path[PATH_MAX], err[512];
	snprintf(path, sizeof path, "%s/d.md", tu_dir);
	const char *good = "```lindyn-experiment\nname: e\nplugin: gd2\ntolerance: any wall\n```\n";
	const char *bad = "```lindyn-experiment\nname: e\nplugin: gd2\ntolerance: fast wall\n```\n";
	for (int k = 0; k < 2; k++) {
		tu_write(path, k ? bad : good);
		doc d;
		assert_int_equal(doc_load(&d, path, err, sizeof err), 0);
		experiment e;
		int rc = experiment_parse(&e, &d, &d.blocks[0], 0, err, sizeof err);
		if (k) {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(err, "d.md:4: tolerance 'fast': expected a positive"));
		} else {
			assert_int_equal(rc, 0);
		}
		experiment_free(&e);
		doc_free(&d);
	}
}

static void make_table(const char *rel, const char *text)
{
	char path[PATH_MAX], cmd[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/data/%s", tu_dir, rel);
	snprintf(cmd, sizeof cmd, "mkdir -p '%s'", path);
	*strrchr(cmd, '/') = 0;
	strcat(cmd, "'");
	assert_int_equal(system(cmd), 0);
	tu_write(path, text);
}

static void fingerprint_data(fingerprint_set *s)
{
	char data[PATH_MAX], err[512];
	snprintf(data, sizeof data, "%s/data", tu_dir);
	*err = 0;
	assert_int_equal(fingerprint_experiment(s, data, "e", err, sizeof err), 0);
	assert_string_equal(err, "");
}

/* Which tables are fingerprinted how, the digests leaving out '#' lines, and
 * a write/read round trip that keeps every value exactly. */
static void fingerprints_of_a_data_directory(void **state)
{
	(void)state;
	make_table("e/loss.final.tsv",
	           "# lindyn 0.1.0 (git aaaa)\n# table: loss.final\nh\tloss_mean\n1\t0.5\n2\t0.25\n"
	           "3\t0.1\n");
	make_table("e/h-1/loss.agg.tsv", "# table: loss.agg\nstep\tloss_mean\n0\t1\n1\t0.5\n");
	make_table("e/h-2/loss.agg.tsv", "step\tloss_mean\n0\t1\n1\t0.25\n");
	make_table("e/h-1/s0/loss.tsv", "# table: loss\nstep\tloss\n0\t1\n1\t0.1\n");
	make_table("e/h-1/s1/loss.tsv", "step\tloss\n0\t1\n1\t0.30000000000000004\n");
	fingerprint_set s = { 0 };
	fingerprint_data(&s);
	assert_int_equal(s.n, 3);
	const fingerprint *final = fingerprint_find(&s, "e/loss.final");
	const fingerprint *agg = fingerprint_find(&s, "e/*/loss.agg");
	const fingerprint *runs = fingerprint_find(&s, "e/*/s*/loss");
	assert_non_null(final);
	assert_non_null(agg);
	assert_non_null(runs);
	assert_int_equal(final->rows, 3);
	assert_int_equal(runs->members, 2);
	assert_int_equal(runs->rows, 4);
	/* the digest of the data lines alone: no '#' line, no header row */
	const char *lines = "1\t0.5\n2\t0.25\n3\t0.1\n";
	assert_string_equal(final->sha, digest(lines, strlen(lines), 5));
	assert_true(fingerprint_value(final, "middle", "loss_mean") == 0.25);
	assert_true(fingerprint_value(final, "min", "loss_mean") == 0.1);
	assert_true(fingerprint_value(final, "max", "h") == 3);
	assert_true(fingerprint_value(agg, "lastmean", "loss_mean") == 0.375);
	assert_true(isnan(fingerprint_value(agg, "lastmin", "loss_mean")));
	assert_true(fingerprint_value(runs, "lastmin", "loss") == 0.1);
	assert_true(fingerprint_value(runs, "lastmean", "loss") == (0.1 + 0.30000000000000004) / 2);
	assert_true(isnan(fingerprint_value(runs, "lastmean", "nosuch")));

	/* a provenance line that changes leaves the digest alone */
	make_table("e/loss.final.tsv",
	           "# lindyn 0.1.0 (git bbbb)\n# table: loss.final\nh\tloss_mean\n1\t0.5\n2\t0.25\n"
	           "3\t0.1\n");
	fingerprint_set again = { 0 };
	fingerprint_data(&again);
	assert_string_equal(fingerprint_find(&again, "e/loss.final")->sha, final->sha);
	fingerprint_set_free(&again);
	/* nor does the form of the header: the same table written before the
	 * header row (a '# columns:' comment) has the same digest, so the
	 * committed references keep theirs */
	make_table("e/loss.final.tsv",
	           "# lindyn 0.1.0 (git bbbb)\n# columns: h loss_mean\n1\t0.5\n2\t0.25\n3\t0.1\n");
	fingerprint_data(&again);
	assert_string_equal(fingerprint_find(&again, "e/loss.final")->sha, final->sha);
	fingerprint_set_free(&again);

	char path[PATH_MAX], err[512], *doc;
	int quick;
	snprintf(path, sizeof path, "%s/e.tables", tu_dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "# comment\ndocument\tpaper/x.md\nscale\tquick\n");
	for (size_t i = 0; i < s.n; i++)
		fingerprint_write(f, &s.fp[i]);
	fclose(f);
	fingerprint_set back = { 0 };
	assert_int_equal(fingerprint_read(path, &back, &doc, &quick, err, sizeof err), 0);
	assert_string_equal(doc, "paper/x.md");
	assert_int_equal(quick, 1);
	assert_int_equal(back.n, s.n);
	for (size_t i = 0; i < s.n; i++) {
		assert_string_equal(back.fp[i].key, s.fp[i].key);
		assert_string_equal(back.fp[i].sha, s.fp[i].sha);
		assert_int_equal(back.fp[i].nstats * back.fp[i].ncols, s.fp[i].nstats * s.fp[i].ncols);
		assert_memory_equal(back.fp[i].v, s.fp[i].v,
		                    s.fp[i].nstats * s.fp[i].ncols * sizeof *s.fp[i].v);
	}
	free(doc);
	fingerprint_set_free(&back);
	fingerprint_set_free(&s);
}

/* fingerprint_read of a file holding text: the error, or NULL. */
static const char *read_error(const char *text)
{
	static char err[512];
	char path[PATH_MAX], *doc;
	int quick;
	snprintf(path, sizeof path, "%s/r.tables", tu_dir);
	tu_write(path, text);
	fingerprint_set s = { 0 };
	if (fingerprint_read(path, &s, &doc, &quick, err, sizeof err)) {
		assert_null(s.fp);
		return err;
	}
	free(doc);
	fingerprint_set_free(&s);
	return NULL;
}

#define SHA "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define HEAD "document\tpaper/x.md\nscale\tpaper\n"

static void malformed_references(void **state)
{
	(void)state;
	assert_null(read_error(HEAD "table\te/t\t1\t2\t" SHA "\ncolumns\ta\tb\nlast\t1\t-\n"));
	assert_non_null(strstr(read_error(""), "expected 'document PATH' and 'scale"));
	assert_non_null(strstr(read_error("table\te/t\t1\t2\t" SHA "\n"), "r.tables:1: expected 'document"));
	assert_non_null(strstr(read_error(HEAD "table\te/t\t1\t2\tabc\n"), "r.tables:3: expected 'table KEY"));
	assert_non_null(strstr(read_error(HEAD "table\te/t\tx\t2\t" SHA "\n"), "r.tables:3:"));
	assert_non_null(strstr(read_error(HEAD "table\te/t\t1\t2\t" SHA "\ncolumns\ta\tb\nlast\t1\n"),
	                       "r.tables:5: statistic 'last' has 1 values for 2 columns"));
	assert_non_null(strstr(read_error(HEAD "table\te/t\t1\t2\t" SHA "\ncolumns\ta\nlast\tnan\n"),
	                       "r.tables:5: 'nan' is not a finite number"));
	assert_non_null(strstr(read_error(HEAD "table\te/t\t1\t2\t" SHA "\ncolumns\ta\nlast\t1e999\n"),
	                       "not a finite number"));
	assert_non_null(strstr(read_error(HEAD "table\te/t\t1\t2\t" SHA "\nlast\t1\n"),
	                       "r.tables:4: expected 'table"));
	assert_non_null(strstr(read_error(HEAD "table\te/t\t1\t2\t" SHA "\n"), "no 'columns' line"));
	assert_non_null(strstr(read_error(HEAD "table\te/t\t1\t2\t" SHA "\ntable\te/u\t1\t2\t" SHA "\n"),
	                       "r.tables:4: the table before has no 'columns' line"));
	assert_null(read_error(HEAD)); /* a document without tables */
	/* a directory is refused, not read */
	char err[512], *doc;
	int quick;
	fingerprint_set s = { 0 };
	assert_int_equal(fingerprint_read(tu_dir, &s, &doc, &quick, err, sizeof err), -1);
	assert_non_null(strstr(err, "not a regular file"));
}

/* A table that is not a table stops the fingerprint with its path. */
static void damaged_table(void **state)
{
	(void)state;
	make_table("e/h-1/s0/loss.tsv", "# columns: step loss\n0\tnan\n");
	fingerprint_set s = { 0 };
	char data[PATH_MAX], err[512];
	snprintf(data, sizeof data, "%s/data", tu_dir);
	assert_int_equal(fingerprint_experiment(&s, data, "e", err, sizeof err), -1);
	assert_non_null(strstr(err, "e/h-1/s0/loss.tsv"));
	fingerprint_set_free(&s);
	/* an experiment without data has no fingerprint, and no error */
	assert_int_equal(fingerprint_experiment(&s, data, "absent", err, sizeof err), 0);
	assert_int_equal(s.n, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, tu_setup_dir, tu_teardown_dir)
	const struct CMUnitTest tests[] = {
		T(sha256_vectors),
		T(tolerance_lines),
		T(tolerance_in_an_experiment),
		T(fingerprints_of_a_data_directory),
		T(malformed_references),
		T(damaged_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
