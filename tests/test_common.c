/* test_common.c -- the shared plugin numerics: norms and imbalance of
 * plugins/common/linalg.h against hand-computed values (and the rounding of
 * the row-by-row loops they replace), and the logging schedule of
 * plugins/common/logsched.h, and the small products of
 * plugins/common/small_mm.h against the BLAS. */
#include <math.h>
#include <string.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_randist.h>

#include "../plugins/common/columns.h"
#include "../plugins/common/enumlist.h"
#include "../plugins/common/linalg.h"
#include "../plugins/common/logsched.h"
#include "../plugins/common/small_mm.h"

/* OpenBLAS's name for the kernels it chose at load time. */
char *openblas_get_corename(void);

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

static void fill_random(gsl_rng *rng, gsl_matrix *M)
{
	for (size_t i = 0; i < M->size1; i++)
		for (size_t j = 0; j < M->size2; j++)
			gsl_matrix_set(M, i, j, gsl_ran_gaussian(rng, 1.0));
}

/* small_mm (the flow's products) is the fma chain of small_mm_portable to
 * the bit on every shape the flow can meet -- rows not a multiple of 4,
 * columns not a multiple of 4 (the masked edge), A transposed, beta 1 -- and
 * is the product to rounding. */
static void test_small_mm_is_portable_fma_chain(void **unused)
{
	(void)unused;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 5);
	size_t sizes[] = { 1, 2, 3, 4, 5, 7, 8, 10, 14, 17 };
	size_t ns = sizeof sizes / sizeof *sizes;
	for (size_t t = 0; t < 200; t++) {
		size_t M = sizes[t % ns], N = sizes[(t / ns) % ns], K = sizes[(t * 7 + 3) % ns];
		int trans = (int)(t % 2);
		double alpha = t % 3 ? 1.0 : -1.0, beta = (double)((t / 2) % 2);
		gsl_matrix *A = trans ? gsl_matrix_alloc(K, M) : gsl_matrix_alloc(M, K);
		gsl_matrix *B = gsl_matrix_alloc(K, N), *C = gsl_matrix_alloc(M, N);
		gsl_matrix *Cref = gsl_matrix_alloc(M, N), *Cexact = gsl_matrix_alloc(M, N);
		fill_random(rng, A);
		fill_random(rng, B);
		fill_random(rng, C);
		gsl_matrix_memcpy(Cref, C);
		gsl_matrix_memcpy(Cexact, C);
		small_mm(trans, alpha, A, B, beta, C);
		small_mm_portable(trans, alpha, A, B, beta, Cref);
		assert_memory_equal(C->data, Cref->data, M * N * sizeof *C->data);
		gsl_blas_dgemm(trans ? CblasTrans : CblasNoTrans, CblasNoTrans, alpha, A, B, beta,
		               Cexact);
		for (size_t i = 0; i < M * N; i++)
			assert_true(fabs(C->data[i] - Cexact->data[i]) <= 1e-13 * (double)K);
		gsl_matrix_free(A);
		gsl_matrix_free(B);
		gsl_matrix_free(C);
		gsl_matrix_free(Cref);
		gsl_matrix_free(Cexact);
	}
	gsl_rng_free(rng);
}

/* small_gemm is small_gemm_portable to the bit, and on OpenBLAS's Haswell
 * kernels gsl_blas_dgemm to the bit (elsewhere: to rounding), on every
 * shape up to 20 x 20 x 20 -- odd rows (the kernel's split chains from
 * K = 8 on), the masked right edge, each operand transposed or not, any
 * alpha, beta 0 or 1 -- and gemm_by_size the same through either path. */
static void check_small_gemm(gsl_rng *rng, size_t M, size_t N, size_t K, int ta, int tb,
                             double alpha, double beta, int haswell)
{
	gsl_matrix *A = ta ? gsl_matrix_alloc(K, M) : gsl_matrix_alloc(M, K);
	gsl_matrix *B = tb ? gsl_matrix_alloc(N, K) : gsl_matrix_alloc(K, N);
	gsl_matrix *C = gsl_matrix_alloc(M, N), *Cref = gsl_matrix_alloc(M, N);
	gsl_matrix *Cblas = gsl_matrix_alloc(M, N), *Csized = gsl_matrix_alloc(M, N);
	fill_random(rng, A);
	fill_random(rng, B);
	fill_random(rng, C);
	gsl_matrix_memcpy(Cref, C);
	gsl_matrix_memcpy(Cblas, C);
	gsl_matrix_memcpy(Csized, C);
	CBLAS_TRANSPOSE_t opa = ta ? CblasTrans : CblasNoTrans, opb = tb ? CblasTrans : CblasNoTrans;
	small_gemm(opa, opb, alpha, A, B, beta, C);
	small_gemm_portable(opa, opb, alpha, A, B, beta, Cref);
	gsl_blas_dgemm(opa, opb, alpha, A, B, beta, Cblas);
	gemm_by_size(opa, opb, alpha, A, B, beta, Csized);
	assert_memory_equal(C->data, Cref->data, M * N * sizeof *C->data);
	assert_memory_equal(Csized->data, C->data, M * N * sizeof *C->data);
	if (haswell) {
		assert_memory_equal(C->data, Cblas->data, M * N * sizeof *C->data);
	} else {
		for (size_t i = 0; i < M * N; i++)
			assert_true(fabs(C->data[i] - Cblas->data[i]) <= 1e-13 * (double)K);
	}
	gsl_matrix_free(A);
	gsl_matrix_free(B);
	gsl_matrix_free(C);
	gsl_matrix_free(Cref);
	gsl_matrix_free(Cblas);
	gsl_matrix_free(Csized);
}

static void test_small_gemm_is_openblas_haswell(void **unused)
{
	(void)unused;
	int haswell = strcmp(openblas_get_corename(), "Haswell") == 0;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 17);
	for (size_t M = 1; M <= 20; M++)
		for (size_t N = 1; N <= 20; N++)
			for (size_t K = 1; K <= 20; K++) {
				size_t t = M * 400 + N * 20 + K;
				double alpha = t % 3 == 0 ? -1.0 : t % 3 == 1 ? 1.0 : -0.0123 * (double)K;
				check_small_gemm(rng, M, N, K, t % 2, (t / 2) % 2, alpha,
				                 (double)((t / 4) % 2), haswell);
			}
	gsl_rng_free(rng);
}

/* Past 256 values of k the kernel adds up blocks of the sum, no longer one
 * chain: gemm_by_size hands such products to the BLAS, however small. */
static void test_gemm_by_size_hands_long_sums_to_blas(void **unused)
{
	(void)unused;
	size_t M = 2, N = 4, K = 300;
	assert_true(M * N * K <= SMALL_GEMM_MAX_WORK);
	gsl_matrix *A = gsl_matrix_alloc(M, K), *B = gsl_matrix_alloc(K, N);
	gsl_matrix *C = gsl_matrix_calloc(M, N), *Cblas = gsl_matrix_calloc(M, N);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	fill_random(rng, A);
	fill_random(rng, B);
	gemm_by_size(CblasNoTrans, CblasNoTrans, 1.0, A, B, 0.0, C);
	gsl_blas_dgemm(CblasNoTrans, CblasNoTrans, 1.0, A, B, 0.0, Cblas);
	assert_memory_equal(C->data, Cblas->data, M * N * sizeof *C->data);
	gsl_matrix_free(A);
	gsl_matrix_free(B);
	gsl_matrix_free(C);
	gsl_matrix_free(Cblas);
	gsl_rng_free(rng);
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
		cmocka_unit_test(test_small_mm_is_portable_fma_chain),
		cmocka_unit_test(test_small_gemm_is_openblas_haswell),
		cmocka_unit_test(test_gemm_by_size_hands_long_sums_to_blas),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
