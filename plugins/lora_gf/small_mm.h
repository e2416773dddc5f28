/* small_mm.h -- C = beta C + alpha op(A) B for the tiny matrices of the LoRA
 * flow (a few to a few dozen rows and columns), row-major, without the BLAS
 * call: at these sizes OpenBLAS spends two thirds of a product in its driver
 * (argument checks, buffer allocation, packing), not in its kernel.
 *
 * Every element is one fused multiply-add chain over k in increasing order,
 * started from 0, then C = beta C + alpha acc with alpha = +-1 and beta in
 * {0, 1}.  The result is the same to the bit on every machine (AVX2+FMA
 * where the CPU has them, the C library's correctly rounded fma()
 * elsewhere), and it is what OpenBLAS's Haswell dgemm kernel computes, so
 * the switch from dgemm left every lora_gf table bit-identical there. */
#ifndef LORA_GF_SMALL_MM_H
#define LORA_GF_SMALL_MM_H

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

#endif
