/* test_common.c -- the shared plugin numerics: norms and imbalance of
 * plugins/common/linalg.h against hand-computed values (and the rounding of
 * the row-by-row loops they replace), and the logging schedule of
 * plugins/common/logsched.h. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "../plugins/common/columns.h"
#include "../plugins/common/enumlist.h"
#include "../plugins/common/linalg.h"
#include "../plugins/common/logsched.h"

static void test_frobenius(void **state)
{
	(void)state;
	double a[] = {1, 2, 2, 4, 0, 0}, b[] = {1, 0, 2, 4, 3, 0};
	gsl_matrix_view A = gsl_matrix_view_array(a, 2, 3), B = gsl_matrix_view_array(b, 2, 3);
	assert_true(linalg_frob2(&A.matrix) == 25.0);
	assert_true(linalg_frob(&A.matrix) == 5.0);
	assert_true(linalg_frob2_blas(&A.matrix) == 25.0);
	assert_true(linalg_frob_blas(&A.matrix) == 5.0);
	assert_true(linalg_frob_diff(&A.matrix, &B.matrix) == sqrt(13.0));
	/* a view with tda > size2 reads only its own columns */
	gsl_matrix_view L = gsl_matrix_submatrix(&A.matrix, 0, 0, 2, 2);
	assert_true(linalg_frob2(&L.matrix) == 1 + 4 + 16.0);
}

/* The row-by-row order is part of the contract: the plugins' logged norms
 * kept their bits when they switched to it. */
static void test_frob_rounding_order(void **state)
{
	(void)state;
	/* left to right the two 1e-16 vanish into 1; summed first they would not */
	double a[] = {1.0, 1e-8, 1e-8};
	gsl_matrix_view A = gsl_matrix_view_array(a, 1, 3);
	double s = 0.0;
	for (size_t i = 0; i < 3; i++)
		s += a[i] * a[i];
	assert_true(s == 1.0);
	assert_true(linalg_frob2(&A.matrix) == s);
}

static void test_imbalance(void **state)
{
	(void)state;
	/* W1 2x2, W2 2x1: D = W1^T W1 - W2 W2^T */
	double w1[] = {1, 2, 3, 4}, w2[] = {1, 2}, d[4], d2[4], d3[4];
	gsl_matrix_view W1 = gsl_matrix_view_array(w1, 2, 2), W2 = gsl_matrix_view_array(w2, 2, 1);
	gsl_matrix_view D = gsl_matrix_view_array(d, 2, 2);
	linalg_imbalance(&W1.matrix, &W2.matrix, &D.matrix);
	double want[] = {10 - 1, 14 - 2, 14 - 2, 20 - 4};
	for (int i = 0; i < 4; i++)
		assert_true(d[i] == want[i]);
	/* the same through the transposed second factor, by dgemm and by dsyrk */
	double w2t[] = {1, 2};
	gsl_matrix_view W2t = gsl_matrix_view_array(w2t, 1, 2);
	gsl_matrix_view D2 = gsl_matrix_view_array(d2, 2, 2), D3 = gsl_matrix_view_array(d3, 2, 2);
	linalg_gram_diff(&W1.matrix, &W2t.matrix, &D2.matrix);
	linalg_gram_diff_syrk(&W1.matrix, &W2t.matrix, &D3.matrix);
	for (int i = 0; i < 4; i++) {
		assert_true(d2[i] == want[i]);
		assert_true(d3[i] == want[i]);
	}
}

static int count_logged(const logsched *s)
{
	int n = 0;
	for (long k = 0; k <= s->last; k++)
		n += logsched_due(s, k);
	return n;
}

static void test_logsched_every_and_last(void **state)
{
	(void)state;
	logsched s = {.every = 100, .per_decade = 0, .last = 250};
	assert_true(logsched_due(&s, 0));
	assert_true(logsched_due(&s, 200));
	assert_false(logsched_due(&s, 201));
	assert_true(logsched_due(&s, 250));
	assert_int_equal(count_logged(&s), 4); /* 0 100 200 250 */
}

static void test_logsched_per_decade(void **state)
{
	(void)state;
	/* one per decade: 1, 10, 100, 1000 (and 0, the multiples, the last) */
	logsched s = {.every = 1000000, .per_decade = 1, .last = 5000};
	long want[] = {0, 1, 10, 100, 1000, 5000};
	int n = 0;
	for (long k = 0; k <= s.last; k++)
		if (logsched_due(&s, k)) {
			assert_true(n < 6);
			assert_int_equal(k, want[n++]);
		}
	assert_int_equal(n, 6);
	/* ten per decade: the steps 10^(j/10) rounded up, e.g. 13, 16, 20, 26 */
	logsched t = {.every = 1000000, .per_decade = 10, .last = 100};
	assert_true(logsched_due(&t, 13));
	assert_false(logsched_due(&t, 14));
	assert_true(logsched_due(&t, 16));
	assert_true(logsched_due(&t, 20));
	assert_false(logsched_due(&t, 21));
}

#define COLOR_LIST(X) X(COLOR, RED, red) X(COLOR, GREEN, green) X(COLOR, BLUE, blue)
typedef enum { COLOR_LIST(ENUM_MEMBER) } color;
#define PAIR_COLUMNS(X) X(t, "time") X(loss, "the loss")

/* An enum list gives the choices in enumerator order; a column list its
 * names and count. */
static void test_xmacro_lists(void **state)
{
	(void)state;
	assert_string_equal(ENUM_CHOICES(COLOR_LIST), "red|green|blue");
	assert_int_equal(COLOR_BLUE, 2);
	assert_string_equal(COLUMN_NAMES(PAIR_COLUMNS), "t loss");
	assert_int_equal(COLUMN_COUNT(PAIR_COLUMNS), 2);
	static const lindyn_column cols[] = { PAIR_COLUMNS(COLUMN_DEF) { NULL, NULL } };
	assert_string_equal(cols[1].name, "loss");
	assert_string_equal(cols[1].help, "the loss");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frobenius),
		cmocka_unit_test(test_frob_rounding_order),
		cmocka_unit_test(test_imbalance),
		cmocka_unit_test(test_logsched_every_and_last),
		cmocka_unit_test(test_logsched_per_decade),
		cmocka_unit_test(test_xmacro_lists),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
