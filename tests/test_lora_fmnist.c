/* test_lora_fmnist.c -- the lora_fmnist plugin through the in-process run
 * API on a small data set written here in Fashion-MNIST's layout: it learns
 * the classes the frozen head never saw, its tables are consistent, runs are
 * bit-identical for a seed and share the frozen model across seeds, SGD at a
 * small init aligns [B; A^T] with the predicted directions, and bad data
 * directories are rejected with one line naming the file. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_learns_the_unseen_classes),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_fresh_head_starts_uniform),
		cmocka_unit_test(test_small_init_aligns_first),
		cmocka_unit_test(test_bad_data),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
