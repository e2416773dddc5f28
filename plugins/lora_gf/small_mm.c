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
