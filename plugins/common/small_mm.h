/* small_mm.h -- C = beta C + alpha op(A) op(B) for tiny row-major matrices
 * (a few to a few dozen rows and columns) without the BLAS call: at these
 * sizes OpenBLAS spends most of a product in its driver (argument checks,
 * buffer allocation, packing), not in its kernel.
 *
 * small_mm (the LoRA flow): every element is one fused multiply-add chain
 * over k in increasing order, started from 0, then C = beta C + alpha acc
 * with alpha = +-1 and beta in {0, 1}.  The result is the same to the bit
 * on every machine (AVX2+FMA where the CPU has them, the C library's
 * correctly rounded fma() elsewhere), and on the flow's shapes it is what
 * OpenBLAS's Haswell dgemm kernel computes, so the switch from dgemm left
 * every lora_gf table bit-identical there.
 *
 * small_gemm (gd2): OpenBLAS's Haswell dgemm to the bit on every shape,
 * including the one block where that kernel splits the chains. */
#ifndef LINDYN_COMMON_SMALL_MM_H
#define LINDYN_COMMON_SMALL_MM_H

#include <gsl/gsl_blas.h>
#include <gsl/gsl_matrix.h>

/* C = beta C + alpha op(A) B, op(A) = A^T when trans_a, else A; alpha is
 * +1 or -1 and beta 0 or 1 (what the flow uses: exact scalings).  The
 * shapes are the caller's to get right (fixed when the workspaces are
 * allocated). */
void small_mm(int trans_a, double alpha, const gsl_matrix *A, const gsl_matrix *B,
              double beta, gsl_matrix *C);

/* The same through fma() alone, whatever the CPU: what small_mm must match
 * to the bit (exposed for the tests). */
void small_mm_portable(int trans_a, double alpha, const gsl_matrix *A, const gsl_matrix *B,
                       double beta, gsl_matrix *C);

/* C = beta C + alpha op(A) op(B) (beta 0 or 1, any alpha) to the bit as
 * OpenBLAS's Haswell dgemm kernel computes it on matrices of up to 256
 * rows of op(B), for gd2's small products (see gemm_by_size):
 *   - element (i, j) is one fused multiply-add chain over k in increasing
 *     order, started from 0, then C = (beta C) + alpha acc, with beta C
 *     read as +0 when beta is 0, and C left as beta C when alpha is 0;
 *   - except, when C has an odd number of rows, its last row in the
 *     columns of full groups of four: there the kernel (its 4 x 1 block,
 *     C being column-major to OpenBLAS) runs four chains, chain q taking
 *     k = q, q + 4 (mod 8) over the first 8 floor(K / 8) values of k and
 *     chain 0 the rest, and sums them as (c0 + c1) + (c2 + c3).
 * The shapes are the caller's to get right. */
void small_gemm(CBLAS_TRANSPOSE_t trans_a, CBLAS_TRANSPOSE_t trans_b, double alpha,
                const gsl_matrix *A, const gsl_matrix *B, double beta, gsl_matrix *C);

/* The same through fma() alone, whatever the CPU (exposed for the tests). */
void small_gemm_portable(CBLAS_TRANSPOSE_t trans_a, CBLAS_TRANSPOSE_t trans_b, double alpha,
                         const gsl_matrix *A, const gsl_matrix *B, double beta, gsl_matrix *C);

/* Above this many multiply-adds a product goes to the BLAS: its call
 * overhead no longer dominates, and its kernel is the faster one. */
#define SMALL_GEMM_MAX_WORK 8192

/* gsl_blas_dgemm's arguments and result: small_gemm for products of at
 * most SMALL_GEMM_MAX_WORK multiply-adds (sums over at most 256 values of
 * k, beta 0 or 1), gsl_blas_dgemm otherwise. */
void gemm_by_size(CBLAS_TRANSPOSE_t trans_a, CBLAS_TRANSPOSE_t trans_b, double alpha,
                  const gsl_matrix *A, const gsl_matrix *B, double beta, gsl_matrix *C);

#endif
