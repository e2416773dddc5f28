/* small_mm.c -- tiny matrix products as fused multiply-add chains (see
 * small_mm.h). */
#include "small_mm.h"

#include <math.h>

#include <immintrin.h>

/* op(A)[i][k] */
static inline double a_at(const gsl_matrix *A, int trans_a, size_t i, size_t k)
{
	return trans_a ? A->data[k * A->tda + i] : A->data[i * A->tda + k];
}

static inline double finish(double acc, double alpha, double beta, double c)
{
	return beta == 0.0 ? alpha * acc : c + alpha * acc;
}

/* One scalar chain per element through fma(). */
void small_mm_portable(int trans_a, double alpha, const gsl_matrix *A, const gsl_matrix *B,
                       double beta, gsl_matrix *C)
{
	size_t K = B->size1;
	for (size_t i = 0; i < C->size1; i++) {
		double *c = C->data + i * C->tda;
		for (size_t j = 0; j < C->size2; j++) {
			double acc = 0.0;
			for (size_t k = 0; k < K; k++)
				acc = fma(a_at(A, trans_a, i, k), B->data[k * B->tda + j], acc);
			c[j] = finish(acc, alpha, beta, c[j]);
		}
	}
}

/* acc -> alpha acc (+ C): a masked store of the lanes in use. */
__attribute__((target("avx2,fma"))) static inline void
store4(double *c, __m256i mask, __m256d acc, __m256d alpha, double beta)
{
	acc = _mm256_mul_pd(alpha, acc);
	if (beta != 0.0)
		acc = _mm256_add_pd(_mm256_maskload_pd(c, mask), acc);
	_mm256_maskstore_pd(c, mask, acc);
}

/* The same chains, four columns to a 256-bit register (masked at the right
 * edge) and four rows at a time, so that four chains run side by side. */
__attribute__((target("avx2,fma"))) static void
small_mm_avx2(int trans_a, double alpha, const gsl_matrix *A, const gsl_matrix *B, double beta,
              gsl_matrix *C)
{
	size_t M = C->size1, N = C->size2, K = B->size1, ldb = B->tda, ldc = C->tda;
	size_t si = trans_a ? 1 : A->tda, sk = trans_a ? A->tda : 1; /* op(A)[i][k] */
	const double *a = A->data, *b = B->data;
	const __m256d va = _mm256_set1_pd(alpha);
	for (size_t j = 0; j < N; j += 4) {
		long left = (long)(N - j);
		__m256i mask = _mm256_set_epi64x(left > 3 ? -1 : 0, left > 2 ? -1 : 0,
		                                 left > 1 ? -1 : 0, -1);
		size_t i = 0;
		for (; i + 4 <= M; i += 4) {
			__m256d c0 = _mm256_setzero_pd(), c1 = c0, c2 = c0, c3 = c0;
			const double *ai = a + i * si;
			for (size_t k = 0; k < K; k++) {
				__m256d bk = _mm256_maskload_pd(b + k * ldb + j, mask);
				const double *aik = ai + k * sk;
				c0 = _mm256_fmadd_pd(_mm256_set1_pd(aik[0]), bk, c0);
				c1 = _mm256_fmadd_pd(_mm256_set1_pd(aik[si]), bk, c1);
				c2 = _mm256_fmadd_pd(_mm256_set1_pd(aik[2 * si]), bk, c2);
				c3 = _mm256_fmadd_pd(_mm256_set1_pd(aik[3 * si]), bk, c3);
			}
			double *ci = C->data + i * ldc + j;
			store4(ci, mask, c0, va, beta);
			store4(ci + ldc, mask, c1, va, beta);
			store4(ci + 2 * ldc, mask, c2, va, beta);
			store4(ci + 3 * ldc, mask, c3, va, beta);
		}
		for (; i < M; i++) {
			__m256d c0 = _mm256_setzero_pd();
			for (size_t k = 0; k < K; k++)
				c0 = _mm256_fmadd_pd(_mm256_set1_pd(a[i * si + k * sk]),
				                     _mm256_maskload_pd(b + k * ldb + j, mask), c0);
			store4(C->data + i * ldc + j, mask, c0, va, beta);
		}
	}
}

void small_mm(int trans_a, double alpha, const gsl_matrix *A, const gsl_matrix *B, double beta,
              gsl_matrix *C)
{
	if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
		small_mm_avx2(trans_a, alpha, A, B, beta, C);
	else
		small_mm_portable(trans_a, alpha, A, B, beta, C);
}

/* ---- small_gemm: OpenBLAS's Haswell dgemm, split chains included ---- */

/* Element (i, j) of op(A) op(B) is sum_k a[i * ai + k * ak] b[k * bk + j * bj]. */
typedef struct {
	const double *a, *b;
	size_t ai, ak, bk, bj;
} gemm_operands;

static gemm_operands operands(CBLAS_TRANSPOSE_t trans_a, CBLAS_TRANSPOSE_t trans_b,
                              const gsl_matrix *A, const gsl_matrix *B)
{
	int ta = trans_a != CblasNoTrans, tb = trans_b != CblasNoTrans;
	return (gemm_operands){ .a = A->data, .b = B->data,
	                        .ai = ta ? 1 : A->tda, .ak = ta ? A->tda : 1,
	                        .bk = tb ? 1 : B->tda, .bj = tb ? B->tda : 1 };
}

/* Whether element (i, j) of an M x N product is one of the kernel's split
 * chains: the last row of an odd M, in a full group of four columns. */
static int split_chains(size_t M, size_t N, size_t i, size_t j)
{
	return M % 2 == 1 && i == M - 1 && j < N / 4 * 4;
}

/* C's value before alpha acc is added: +0 for beta 0 (the kernel adds to
 * a zeroed C), C for beta 1. */
static inline double scaled_c(double beta, double c)
{
	return beta == 0.0 ? 0.0 : c;
}

static double portable_element(const gemm_operands *op, size_t K, size_t i, size_t j,
                               int split)
{
	double acc[4] = { 0.0, 0.0, 0.0, 0.0 };
	size_t K8 = split ? K / 8 * 8 : 0;
	for (size_t k = 0; k < K; k++) {
		double *c = &acc[k < K8 ? k % 4 : 0];
		*c = fma(op->a[i * op->ai + k * op->ak], op->b[k * op->bk + j * op->bj], *c);
	}
	return split ? (acc[0] + acc[1]) + (acc[2] + acc[3]) : acc[0];
}

void small_gemm_portable(CBLAS_TRANSPOSE_t trans_a, CBLAS_TRANSPOSE_t trans_b, double alpha,
                         const gsl_matrix *A, const gsl_matrix *B, double beta, gsl_matrix *C)
{
	gemm_operands op = operands(trans_a, trans_b, A, B);
	size_t M = C->size1, N = C->size2, K = trans_b != CblasNoTrans ? B->size2 : B->size1;
	for (size_t i = 0; i < M; i++) {
		double *c = C->data + i * C->tda;
		for (size_t j = 0; j < N; j++) {
			c[j] = scaled_c(beta, c[j]);
			if (alpha != 0.0)
				c[j] += alpha * portable_element(&op, K, i, j, split_chains(M, N, i, j));
		}
	}
}

/* OpenBLAS's kernel sums at most 256 values of k in one chain (GEMM_Q). */
#define KERNEL_MAX_K 256

/* Columns j..j+3 of op(B) as the vector loops read them: row k at b + k ld,
 * the lanes of mask in use (the others read as 0 and never stored). */
typedef struct {
	const double *b;
	size_t ld;
	__m256i mask;
} b_panel;

/* B itself when its rows hold the columns contiguously; B transposed,
 * columns j..j+width-1 of op(B) copied into buf, K x 4 row by row. */
__attribute__((target("avx2,fma"))) static b_panel
make_panel(const gemm_operands *op, size_t K, size_t j, size_t width, double *buf)
{
	long w = (long)width;
	__m256i mask = _mm256_set_epi64x(w > 3 ? -1 : 0, w > 2 ? -1 : 0, w > 1 ? -1 : 0, -1);
	if (op->bj == 1)
		return (b_panel){ .b = op->b + j, .ld = op->bk, .mask = mask };
	for (size_t q = 0; q < width; q++) {
		const double *col = op->b + (j + q) * op->bj;
		for (size_t k = 0; k < K; k++)
			buf[4 * k + q] = col[k * op->bk];
	}
	return (b_panel){ .b = buf, .ld = 4, .mask = mask };
}

__attribute__((target("avx2,fma"))) static inline __m256d
b_row(const b_panel *p, size_t k)
{
	return _mm256_maskload_pd(p->b + k * p->ld, p->mask);
}

/* c <- scaled_c(beta, c) + alpha acc in the lanes of mask. */
__attribute__((target("avx2,fma"))) static inline void
store_scaled(double *c, __m256i mask, __m256d acc, double alpha, double beta)
{
	__m256d old = beta == 0.0 ? _mm256_setzero_pd() : _mm256_maskload_pd(c, mask);
	if (alpha != 0.0)
		old = _mm256_add_pd(old, _mm256_mul_pd(_mm256_set1_pd(alpha), acc));
	_mm256_maskstore_pd(c, mask, old);
}

/* Row i in columns j..j+3, one chain per column. */
__attribute__((target("avx2,fma"))) static __m256d
avx2_chain(const gemm_operands *op, size_t K, size_t i, const b_panel *p)
{
	__m256d c = _mm256_setzero_pd();
	const double *a = op->a + i * op->ai;
	for (size_t k = 0; k < K; k++)
		c = _mm256_fmadd_pd(_mm256_set1_pd(a[k * op->ak]), b_row(p, k), c);
	return c;
}

/* The same row as the kernel's four chains (see small_mm.h). */
__attribute__((target("avx2,fma"))) static __m256d
avx2_split(const gemm_operands *op, size_t K, size_t i, const b_panel *p)
{
	__m256d c0 = _mm256_setzero_pd(), c1 = c0, c2 = c0, c3 = c0;
	const double *a = op->a + i * op->ai;
	size_t k = 0, K8 = K / 8 * 8;
#define SPLIT_FMA(c, k) \
	c = _mm256_fmadd_pd(_mm256_set1_pd(a[(k) * op->ak]), b_row(p, k), c)
	for (; k < K8; k += 4) {
		SPLIT_FMA(c0, k);
		SPLIT_FMA(c1, k + 1);
		SPLIT_FMA(c2, k + 2);
		SPLIT_FMA(c3, k + 3);
	}
	for (; k < K; k++)
		SPLIT_FMA(c0, k);
#undef SPLIT_FMA
	return _mm256_add_pd(_mm256_add_pd(c0, c1), _mm256_add_pd(c2, c3));
}

/* Rows i..i+rows-1 (rows <= 4) in the columns of panel p: four chains
 * side by side (missing rows repeat row i and are not stored). */
__attribute__((target("avx2,fma"))) static void
avx2_rows(const gemm_operands *op, size_t K, size_t i, size_t rows, const b_panel *p,
          double alpha, double beta, double *c, size_t ldc)
{
	const double *a0 = op->a + i * op->ai;
	size_t s1 = rows > 1 ? op->ai : 0, s2 = rows > 2 ? 2 * op->ai : 0;
	size_t s3 = rows > 3 ? 3 * op->ai : 0;
	__m256d c0 = _mm256_setzero_pd(), c1 = c0, c2 = c0, c3 = c0;
	for (size_t k = 0; k < K; k++) {
		__m256d bk = b_row(p, k);
		const double *aik = a0 + k * op->ak;
		c0 = _mm256_fmadd_pd(_mm256_set1_pd(aik[0]), bk, c0);
		c1 = _mm256_fmadd_pd(_mm256_set1_pd(aik[s1]), bk, c1);
		c2 = _mm256_fmadd_pd(_mm256_set1_pd(aik[s2]), bk, c2);
		c3 = _mm256_fmadd_pd(_mm256_set1_pd(aik[s3]), bk, c3);
	}
	store_scaled(c, p->mask, c0, alpha, beta);
	if (rows > 1)
		store_scaled(c + ldc, p->mask, c1, alpha, beta);
	if (rows > 2)
		store_scaled(c + 2 * ldc, p->mask, c2, alpha, beta);
	if (rows > 3)
		store_scaled(c + 3 * ldc, p->mask, c3, alpha, beta);
}

/* Four columns to a register (masked at the right edge), four rows at a
 * time; the last row of an odd number of rows on its own, where the kernel
 * may split its chains. */
__attribute__((target("avx2,fma"))) static void
small_gemm_avx2(const gemm_operands *op, size_t K, double alpha, double beta, gsl_matrix *C)
{
	_Alignas(32) double buf[4 * KERNEL_MAX_K];
	size_t M = C->size1, N = C->size2, ldc = C->tda, Mb = M / 2 * 2;
	for (size_t j = 0; j < N; j += 4) {
		b_panel p = make_panel(op, K, j, N - j < 4 ? N - j : 4, buf);
		for (size_t i = 0; i < Mb; i += 4)
			avx2_rows(op, K, i, Mb - i < 4 ? Mb - i : 4, &p, alpha, beta,
			          C->data + i * ldc + j, ldc);
		if (Mb < M)
			store_scaled(C->data + Mb * ldc + j, p.mask,
			             split_chains(M, N, Mb, j) ? avx2_split(op, K, Mb, &p)
			                                       : avx2_chain(op, K, Mb, &p),
			             alpha, beta);
	}
}

void small_gemm(CBLAS_TRANSPOSE_t trans_a, CBLAS_TRANSPOSE_t trans_b, double alpha,
                const gsl_matrix *A, const gsl_matrix *B, double beta, gsl_matrix *C)
{
	size_t K = trans_b != CblasNoTrans ? B->size2 : B->size1;
	gemm_operands op = operands(trans_a, trans_b, A, B);
	if (K <= KERNEL_MAX_K && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
		small_gemm_avx2(&op, K, alpha, beta, C);
	else
		small_gemm_portable(trans_a, trans_b, alpha, A, B, beta, C);
}

void gemm_by_size(CBLAS_TRANSPOSE_t trans_a, CBLAS_TRANSPOSE_t trans_b, double alpha,
                  const gsl_matrix *A, const gsl_matrix *B, double beta, gsl_matrix *C)
{
	size_t K = trans_b != CblasNoTrans ? B->size2 : B->size1;
	if ((beta == 0.0 || beta == 1.0) && K <= KERNEL_MAX_K &&
	    C->size1 * C->size2 * K <= SMALL_GEMM_MAX_WORK)
		small_gemm(trans_a, trans_b, alpha, A, B, beta, C);
	else
		gsl_blas_dgemm(trans_a, trans_b, alpha, A, B, beta, C);
}
