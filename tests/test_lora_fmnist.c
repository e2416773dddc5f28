/* test_lora_fmnist.c -- the lora_fmnist plugin through the in-process run
 * API on a small data set written here in Fashion-MNIST's layout: it learns
 * the classes the frozen head never saw, its tables are consistent, runs are
 * bit-identical for a seed and share the frozen model across seeds, SGD at a
 * small init aligns [B; A^T] with the predicted directions, bad data
 * directories are rejected with one line naming the file, and the frozen-model
 * cache changes no bit of any table: without it, cold, warm, with a damaged
 * entry, unwritable, or filled by two processes at once. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lindyn/run.h"
#include "fixtures/idx/idx_fixture.h"

static char dir[] = "/tmp/lora_fmnist-XXXXXX";
static char data_dir_arg[64];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(data_dir_arg, sizeof data_dir_arg, "data_dir=%s", dir);
	return idx_fixture_dataset(dir, 600, 200, 10);
}

static int teardown(void **state)
{
	(void)state;
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	return system(cmd);
}

static const char *const small[] = {
	"n_pretrain=300", "n_train=300", "n_test=200", "features=64", "pretrain_epochs=30",
	"epochs=10", "batch=32", "early_steps=12", "rank=3", NULL
};

/* A run on `data_dir` with the small sizes, then the extra key=value pairs. */
static lindyn_run *new_run(const char *data_dir, unsigned long seed, ...)
{
	lindyn_run *r = lindyn_run_new(lindyn_plugin_descriptor(0), NULL);
	assert_non_null(r);
	assert_int_equal(lindyn_run_set(r, data_dir), LINDYN_OK);
	for (const char *const *kv = small; *kv; kv++)
		assert_int_equal(lindyn_run_set(r, *kv), LINDYN_OK);
	va_list ap;
	va_start(ap, seed);
	for (const char *kv = va_arg(ap, const char *); kv; kv = va_arg(ap, const char *))
		assert_int_equal(lindyn_run_set(r, kv), LINDYN_OK);
	va_end(ap);
	lindyn_run_seed(r, seed);
	return r;
}

static double val(lindyn_run *r, const char *table, size_t row, const char *col)
{
	double v = lindyn_run_value(r, table, row, col);
	assert_false(isnan(v));
	return v;
}

static void test_learns_the_unseen_classes(void **state)
{
	(void)state;
	lindyn_run *r = new_run(data_dir_arg, 3, NULL);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	assert_int_equal(lindyn_run_rows(r, "epoch"), 11);
	assert_int_equal(lindyn_run_rows(r, "early"), 12);
	/* the head fits the five classes it was pre-trained on */
	assert_int_equal(lindyn_run_rows(r, "pretrain"), 1);
	assert_true(val(r, "pretrain", 0, "images") == 150);
	assert_true(val(r, "pretrain", 0, "accuracy") > 95);
	/* the head was pre-trained on classes 0..4 of a data set with 10 */
	double acc0 = val(r, "epoch", 0, "train_acc"), acc = val(r, "epoch", 10, "train_acc");
	assert_true(acc0 > 30 && acc0 <= 60);
	assert_true(acc > 80);
	assert_true(val(r, "epoch", 10, "test_acc") > 80);
	assert_true(val(r, "epoch", 10, "train_loss") < 0.5 * val(r, "epoch", 0, "train_loss"));
	assert_true(val(r, "epoch", 10, "step") == 10 * 10);  /* ceil(300 / 32) steps per epoch */
	/* the state before the first step is logged twice, consistently */
	assert_true(val(r, "early", 0, "align") == val(r, "epoch", 0, "align"));
	assert_true(val(r, "early", 0, "z_norm") == val(r, "early", 0, "a_norm"));
	assert_true(val(r, "early", 0, "b_norm") == 0.0);
	assert_true(val(r, "early", 1, "b_norm") > 0.0);
	for (size_t i = 0; i < 12; i++) {
		double a = val(r, "early", i, "align");
		assert_true(a >= 0.0 && a <= 1.0);
	}
	lindyn_run_free(r);
}

/* Same seed: bit-identical tables.  Another seed: another adapter, but the
 * same frozen model, so the same function before the first step (B = 0). */
static void test_deterministic(void **state)
{
	(void)state;
	const char *cols[] = { "train_loss", "train_acc", "test_loss", "test_acc", "align",
	                       "z_norm" };
	lindyn_run *a = new_run(data_dir_arg, 5, NULL), *b = new_run(data_dir_arg, 5, NULL);
	lindyn_run *c = new_run(data_dir_arg, 6, NULL);
	assert_int_equal(lindyn_run_exec(a), LINDYN_OK);
	assert_int_equal(lindyn_run_exec(b), LINDYN_OK);
	assert_int_equal(lindyn_run_exec(c), LINDYN_OK);
	for (size_t i = 0; i < 11; i++)
		for (size_t k = 0; k < 6; k++)
			assert_true(val(a, "epoch", i, cols[k]) == val(b, "epoch", i, cols[k]));
	for (size_t i = 0; i < 12; i++)
		assert_true(val(a, "early", i, "batch_loss") == val(b, "early", i, "batch_loss"));
	assert_true(val(a, "epoch", 0, "train_loss") == val(c, "epoch", 0, "train_loss"));
	assert_true(val(a, "epoch", 0, "z_norm") != val(c, "epoch", 0, "z_norm"));
	assert_true(val(a, "epoch", 10, "train_loss") != val(c, "epoch", 10, "train_loss"));
	lindyn_run_free(a);
	lindyn_run_free(b);
	lindyn_run_free(c);
}

/* A fresh zero head predicts the uniform distribution before the first
 * step: loss log 10, and the arg-max (the first class on ties) is class 0. */
static void test_fresh_head_starts_uniform(void **state)
{
	(void)state;
	lindyn_run *r = new_run(data_dir_arg, 3, "pretrain_classes=0", NULL);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	assert_int_equal(lindyn_run_rows(r, "pretrain"), 0);
	assert_true(fabs(val(r, "epoch", 0, "train_loss") - log(10.0)) < 1e-12);
	assert_true(fabs(val(r, "epoch", 0, "test_loss") - log(10.0)) < 1e-12);
	/* the fixture's labels cycle, so a tenth of every split is class 0 */
	assert_true(fabs(val(r, "epoch", 0, "train_acc") - 10.0) < 1e-9);
	assert_true(val(r, "epoch", 10, "train_acc") > 80);
	lindyn_run_free(r);
}

/* SGD from a small init: the factors turn towards the directions the
 * linearized dynamics amplify before they grow (paper App. H.2). */
static void test_small_init_aligns_first(void **state)
{
	(void)state;
	lindyn_run *r = new_run(data_dir_arg, 4, "optimizer=sgd", "lr=0.1", "init_std=0.001",
	                        "early_steps=100", NULL);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	double a0 = val(r, "early", 0, "align"), amin = a0;
	for (size_t i = 1; i < 100; i++)
		amin = fmin(amin, val(r, "early", i, "align"));
	assert_true(a0 > 0.9);
	assert_true(amin < 0.7);
	assert_true(val(r, "early", 99, "z_norm") > 10 * val(r, "early", 0, "z_norm"));
	lindyn_run_free(r);
}

/* Runs with extra settings, expecting `status` and `what` in the message. */
static void expect_failure(const char *data_dir, const char *extra, int status,
                           const char *what)
{
	lindyn_run *r = new_run(data_dir, 1, extra, NULL);
	assert_int_equal(lindyn_run_exec(r), status);
	const char *msg = lindyn_run_message(r);
	if (!strstr(msg, what))
		fail_msg("message '%s' lacks '%s'", msg, what);
	assert_null(strchr(msg, '\n'));
	lindyn_run_free(r);
}

/* A copy of the good fixture directory with one file replaced. */
static void write_variant(const char *sub, const char *file, uint32_t magic,
                          const uint32_t *dims, unsigned ndims, const uint8_t *data, size_t len,
                          char *arg, size_t arglen)
{
	char path[256], cmd[400];
	snprintf(path, sizeof path, "%s/%s", dir, sub);
	snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp '%s'/*.gz '%s'", path, dir, path);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof path, "%s/%s/%s", dir, sub, file);
	assert_int_equal(idx_fixture_write(path, magic, dims, ndims, data, len, 1), 0);
	snprintf(arg, arglen, "data_dir=%s/%s", dir, sub);
}

static void test_bad_data(void **state)
{
	(void)state;
	char arg[128];
	expect_failure("data_dir=/nonexistent/fmnist", "rank=3", LINDYN_EINVAL,
	               "/nonexistent/fmnist/train-images-idx3-ubyte.gz: cannot open");
	expect_failure(data_dir_arg, "n_pretrain=400", LINDYN_EINVAL,
	               "train-images-idx3-ubyte.gz: holds 600 items, expected at least 700");
	expect_failure(data_dir_arg, "batch=301", LINDYN_EINVAL, "batch=301 exceeds n_train=300");

	uint8_t labels[600];
	for (size_t i = 0; i < 600; i++)
		labels[i] = (uint8_t)(i % 10);
	labels[123] = 12;
	uint32_t n600[1] = { 600 }, n599[1] = { 599 };
	write_variant("badlabel", "train-labels-idx1-ubyte.gz", 0x801, n600, 1, labels, 600, arg,
	              sizeof arg);
	expect_failure(arg, "rank=3", LINDYN_EINVAL, "label 12 of item 123, expected a class 0..9");
	write_variant("fewlabels", "train-labels-idx1-ubyte.gz", 0x801, n599, 1, labels, 599, arg,
	              sizeof arg);
	expect_failure(arg, "n_pretrain=200", LINDYN_EINVAL, "holds 599 labels, expected 600");

	/* the pre-training split holds only classes 5..9 */
	for (size_t i = 0; i < 300; i++)
		labels[i] = (uint8_t)(5 + i % 5);
	write_variant("unknown", "train-labels-idx1-ubyte.gz", 0x801, n600, 1, labels, 600, arg,
	              sizeof arg);
	expect_failure(arg, "rank=3", LINDYN_EINVAL, "hold none of the classes 0..4");

	static uint8_t pixels[200 * 49];
	uint32_t dims[3] = { 200, 7, 7 };
	write_variant("shape", "t10k-images-idx3-ubyte.gz", 0x803, dims, 3, pixels, sizeof pixels,
	              arg, sizeof arg);
	expect_failure(arg, "rank=3", LINDYN_EINVAL, "images of 7 x 7 pixels, expected 10 x 10");
	write_variant("swapped", "t10k-labels-idx1-ubyte.gz", 0x803, dims, 3, pixels,
	              sizeof pixels, arg, sizeof arg);
	expect_failure(arg, "rank=3", LINDYN_EINVAL, "magic 0x00000803, expected 0x00000801");
}


/* ---- the frozen-model cache ------------------------------------------------ */

/* Every value of `table` in a and b, bit for bit, and the same shape. */
static void assert_same_table(lindyn_run *a, lindyn_run *b, const char *table)
{
	size_t rows = lindyn_run_rows(a, table), cols = lindyn_run_columns(a, table);
	assert_int_equal(lindyn_run_rows(b, table), rows);
	assert_int_equal(lindyn_run_columns(b, table), cols);
	for (size_t j = 0; j < cols; j++) {
		const char *col = lindyn_run_column_name(a, table, j);
		assert_string_equal(lindyn_run_column_name(b, table, j), col);
		for (size_t i = 0; i < rows; i++) {
			double x = lindyn_run_value(a, table, i, col), y = lindyn_run_value(b, table, i, col);
			if (memcmp(&x, &y, sizeof x))
				fail_msg("table %s row %zu column %s: %.17g != %.17g", table, i, col, x, y);
		}
	}
}

static void assert_same_results(lindyn_run *a, lindyn_run *b)
{
	assert_same_table(a, b, "epoch");
	assert_same_table(a, b, "early");
	assert_same_table(a, b, "pretrain");
	for (int w = 0; w < 4; w++) {
		char col[8];
		snprintf(col, sizeof col, "key%d", w);
		assert_true(val(a, "cache", 0, col) == val(b, "cache", 0, col));
	}
}

/* The entry's path from the key recorded in the run's table cache. */
static void entry_path(lindyn_run *r, const char *cache_dir, char *out, size_t len)
{
	unsigned long w[4];
	for (int i = 0; i < 4; i++) {
		char col[8];
		snprintf(col, sizeof col, "key%d", i);
		w[i] = (unsigned long)val(r, "cache", 0, col);
	}
	snprintf(out, len, "%s/lora_fmnist-%08lx%08lx%08lx%08lx.bin", cache_dir, w[0], w[1], w[2],
	         w[3]);
}

/* Runs r with stderr captured into err[errlen]; returns the run's status. */
static int exec_captured(lindyn_run *r, char *err, size_t errlen)
{
	fflush(stderr);
	int saved = dup(2);
	FILE *f = tmpfile();
	assert_non_null(f);
	assert_true(saved >= 0 && dup2(fileno(f), 2) >= 0);
	int st = lindyn_run_exec(r);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	size_t n = fread(err, 1, errlen - 1, f);
	err[n] = '\0';
	fclose(f);
	return st;
}

/* A run with cache=cache_dir that must succeed, its hit and stored flags,
 * and the stderr it must print: nothing, or one line holding `warning`. */
static lindyn_run *cached_run(const char *cache_arg, int hit, int stored, const char *warning)
{
	lindyn_run *r = new_run(data_dir_arg, 9, cache_arg, NULL);
	char err[2048];
	assert_int_equal(exec_captured(r, err, sizeof err), LINDYN_OK);
	if (!warning)
		assert_string_equal(err, "");
	else if (!strstr(err, warning) || strchr(err, '\n') != err + strlen(err) - 1)
		fail_msg("stderr '%s' is not one line holding '%s'", err, warning);
	assert_true(val(r, "cache", 0, "hit") == hit);
	assert_true(val(r, "cache", 0, "stored") == stored);
	return r;
}

static size_t files_in(const char *path)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "test $(ls -A '%s' | wc -l) -eq 1", path);
	return system(cmd) == 0 ? 1 : 0;
}

static void damage(const char *path, int truncate_it)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	if (truncate_it) {
		assert_int_equal(truncate(path, st.st_size - 100), 0);
		return;
	}
	FILE *f = fopen(path, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, st.st_size / 2, SEEK_SET), 0);
	int c = fgetc(f);
	assert_int_equal(fseek(f, st.st_size / 2, SEEK_SET), 0);
	fputc(c ^ 0x10, f);
	assert_int_equal(fclose(f), 0);
}

/* No cache, cold, warm, corrupt, truncated: the same tables bit for bit. */
static void test_cache_changes_nothing(void **state)
{
	(void)state;
	char cache_dir[128], cache_arg[160], path[300];
	snprintf(cache_dir, sizeof cache_dir, "%s/cache/nested", dir);
	snprintf(cache_arg, sizeof cache_arg, "cache=%s", cache_dir);
	lindyn_run *plain = new_run(data_dir_arg, 9, NULL);
	assert_int_equal(lindyn_run_exec(plain), LINDYN_OK);
	assert_true(val(plain, "cache", 0, "hit") == 0 && val(plain, "cache", 0, "stored") == 0);

	lindyn_run *cold = cached_run(cache_arg, 0, 1, NULL);
	assert_same_results(plain, cold);
	entry_path(cold, cache_dir, path, sizeof path);
	assert_int_equal(access(path, R_OK), 0);
	assert_true(files_in(cache_dir));  /* the entry, no temporary file left */

	lindyn_run *warm = cached_run(cache_arg, 1, 0, NULL);
	assert_same_results(plain, warm);

	damage(path, 0);
	lindyn_run *corrupt = cached_run(cache_arg, 0, 1, "checksum mismatch");
	assert_same_results(plain, corrupt);
	damage(path, 1);
	lindyn_run *truncated = cached_run(cache_arg, 0, 1, "truncated payload");
	assert_same_results(plain, truncated);
	lindyn_run *again = cached_run(cache_arg, 1, 0, NULL);
	assert_same_results(plain, again);

	lindyn_run *runs[] = { plain, cold, warm, corrupt, truncated, again };
	for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++)
		lindyn_run_free(runs[i]);
}

/* A cache that cannot be written costs time, not the run. */
static void test_cache_unwritable(void **state)
{
	(void)state;
	char cache_arg[160];
	snprintf(cache_arg, sizeof cache_arg, "cache=%s/train-images-idx3-ubyte.gz/cache", dir);
	lindyn_run *plain = new_run(data_dir_arg, 9, NULL);
	assert_int_equal(lindyn_run_exec(plain), LINDYN_OK);
	lindyn_run *r = cached_run(cache_arg, 0, 0, "the frozen model is not cached");
	assert_same_results(plain, r);
	lindyn_run_free(plain);
	lindyn_run_free(r);
}

/* A relative cache directory outside data/ and build/ is refused before
 * anything is written (a document could otherwise write anywhere in the tree). */
static void test_cache_confined(void **state)
{
	(void)state;
	lindyn_run *r = new_run(data_dir_arg, 1, "cache=lora_fmnist_cache_outside", NULL);
	assert_int_equal(lindyn_run_exec(r), LINDYN_EINVAL);
	assert_non_null(strstr(lindyn_run_message(r), "cache='lora_fmnist_cache_outside': a "
	                                               "relative cache directory must lie under"));
	lindyn_run_free(r);
	assert_int_equal(access("lora_fmnist_cache_outside", F_OK), -1);
}

/* The key of the run's frozen inputs. */
static void key_of(const char *data_dir, const char *extra, const char *extra2, double key[4])
{
	lindyn_run *r = new_run(data_dir, 2, extra, extra2, NULL);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	for (int w = 0; w < 4; w++) {
		char col[8];
		snprintf(col, sizeof col, "key%d", w);
		key[w] = val(r, "cache", 0, col);
	}
	lindyn_run_free(r);
}

/* The key follows the data's bytes and the frozen parameters, and nothing
 * a run of a sweep varies. */
static void test_cache_key_inputs(void **state)
{
	(void)state;
	double base[4], k[4];
	key_of(data_dir_arg, "rank=3", NULL, base);
	key_of(data_dir_arg, "rank=2", "init_std=0.5", k);
	assert_memory_equal(base, k, sizeof k);
	key_of(data_dir_arg, "optimizer=sgd", "epochs=2", k);
	assert_memory_equal(base, k, sizeof k);

	const char *frozen[] = { "features=32", "n_test=150", "n_pretrain=200", "pretrain_epochs=29",
	                         "pretrain_classes=4", "pretrain_seed=2", "n_train=250" };
	for (size_t i = 0; i < sizeof frozen / sizeof frozen[0]; i++) {
		key_of(data_dir_arg, frozen[i], NULL, k);
		if (!memcmp(base, k, sizeof k))
			fail_msg("%s leaves the key unchanged", frozen[i]);
	}

	/* a copy of the data shares the key; one changed byte does not */
	char copy[160], arg[200], cmd[400];
	snprintf(copy, sizeof copy, "%s/copy", dir);
	snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp '%s'/*.gz '%s'", copy, dir, copy);
	assert_int_equal(system(cmd), 0);
	snprintf(arg, sizeof arg, "data_dir=%s", copy);
	key_of(arg, "rank=3", NULL, k);
	assert_memory_equal(base, k, sizeof k);
	uint8_t labels[200];
	for (size_t i = 0; i < 200; i++)
		labels[i] = (uint8_t)((i * 7u + 1u) % 10u);
	labels[199] = (uint8_t)((labels[199] + 1) % 10);
	uint32_t n200[1] = { 200 };
	write_variant("onelabel", "t10k-labels-idx1-ubyte.gz", 0x801, n200, 1, labels, 200, arg,
	              sizeof arg);
	key_of(arg, "rank=3", NULL, k);
	assert_true(memcmp(base, k, sizeof k) != 0);
}

/* Two processes filling one cold cache at once: both succeed, and the
 * entry they leave is whole. */
static void test_cache_race(void **state)
{
	(void)state;
	char cache_dir[128], cache_arg[160];
	snprintf(cache_dir, sizeof cache_dir, "%s/race", dir);
	snprintf(cache_arg, sizeof cache_arg, "cache=%s", cache_dir);
	pid_t pid[2];
	for (int i = 0; i < 2; i++) {
		fflush(NULL);
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			lindyn_run *r = new_run(data_dir_arg, 9, cache_arg, NULL);
			_exit(lindyn_run_exec(r) == LINDYN_OK ? 0 : 1);
		}
	}
	for (int i = 0; i < 2; i++) {
		int status;
		assert_int_equal(waitpid(pid[i], &status, 0), pid[i]);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	lindyn_run *plain = new_run(data_dir_arg, 9, NULL);
	assert_int_equal(lindyn_run_exec(plain), LINDYN_OK);
	lindyn_run *warm = cached_run(cache_arg, 1, 0, NULL);
	assert_same_results(plain, warm);
	assert_true(files_in(cache_dir));
	lindyn_run_free(plain);
	lindyn_run_free(warm);
}

/* Every table is written with exactly its declared columns, in order, and
 * the optimizer's choices are the X-macro list's words. */
static void test_writes_the_declared_tables(void **state)
{
	(void)state;
	const lindyn_plugin *p = lindyn_plugin_descriptor(0);
	assert_non_null(p->tables);
	lindyn_run *r = new_run(data_dir_arg, 2, "epochs=1", "optimizer=sgd", NULL);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	size_t n = 0;
	for (; p->tables[n].name; n++) {
		const lindyn_table_def *t = &p->tables[n];
		assert_string_equal(lindyn_run_table_name(r, n), t->name);
		size_t c = 0;
		for (; t->columns[c].name; c++)
			assert_string_equal(lindyn_run_column_name(r, t->name, c), t->columns[c].name);
		assert_int_equal(lindyn_run_columns(r, t->name), c);
	}
	assert_null(lindyn_run_table_name(r, n));
	assert_int_equal(lindyn_run_rows(r, "pretrain"), 1);
	lindyn_run_free(r);
	for (n = 0; p->params[n].key && strcmp(p->params[n].key, "optimizer"); n++)
		;
	assert_string_equal(p->params[n].choices, "adam|sgd");
	/* early_steps has no upper bound (it was 10^6, meaning none) */
	r = lindyn_run_new(p, NULL);
	assert_int_equal(lindyn_run_set(r, "early_steps=2000000000"), LINDYN_OK);
	lindyn_run_free(r);
}

/* The optimizer named is the one used: sgd and adam part after one step. */
static void test_optimizer_choice(void **state)
{
	(void)state;
	lindyn_run *a = new_run(data_dir_arg, 2, "epochs=1", "optimizer=adam", NULL);
	lindyn_run *b = new_run(data_dir_arg, 2, "epochs=1", "optimizer=sgd", "lr=0.01", NULL);
	assert_int_equal(lindyn_run_exec(a), LINDYN_OK);
	assert_int_equal(lindyn_run_exec(b), LINDYN_OK);
	/* step 0 is before any update; Adam's first step moves every entry by
	 * about lr, SGD's by lr times the gradient */
	assert_true(val(a, "early", 0, "a_norm") == val(b, "early", 0, "a_norm"));
	assert_true(val(a, "early", 1, "b_norm") != val(b, "early", 1, "b_norm"));
	lindyn_run_free(a);
	lindyn_run_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_learns_the_unseen_classes),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_fresh_head_starts_uniform),
		cmocka_unit_test(test_small_init_aligns_first),
		cmocka_unit_test(test_bad_data),
		cmocka_unit_test(test_cache_changes_nothing),
		cmocka_unit_test(test_cache_unwritable),
		cmocka_unit_test(test_cache_confined),
		cmocka_unit_test(test_cache_key_inputs),
		cmocka_unit_test(test_cache_race),
		cmocka_unit_test(test_writes_the_declared_tables),
		cmocka_unit_test(test_optimizer_choice),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
