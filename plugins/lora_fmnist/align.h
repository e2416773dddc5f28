/* align.h -- the alignment of the LoRA factors with the direction the
 * linearized early dynamics amplify (paper App. H.2.1, eqs. 211-215).
 *
 * Near B = 0, A small, d/dt [B; A^T] ~ -[[0, G], [G^T, 0]] [B; A^T] with
 * G = dl/dW at the pre-trained weight (c x d).  With G = U_W S V_W^T, the
 * growing directions are the columns of T = [U_W; -V_W] / sqrt(2) (top r).
 * For Z = [B; A^T] ((c+d) x r) with orthonormal column basis U,
 *
 *     align = ||U U^T - T T^T||_F / sqrt(2r) = sqrt(1 - ||U^T T||_F^2 / r),
 *
 * in [0, 1], 0 when span Z = span T.  ||U^T T||_F^2 = ||L^{-1} (T^T Z)^T||_F^2
 * with Z^T Z = L L^T, so only r x r matrices are factored. */
#ifndef LORA_FMNIST_ALIGN_H
#define LORA_FMNIST_ALIGN_H

#include <stddef.h>

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

typedef struct {
	size_t c, d, r;
	gsl_matrix *Tu, *Tv;      /* c x r and d x r: T = [Tu; Tv] */
	gsl_matrix *Gt, *V;       /* d x c and c x c: SVD of G^T */
	gsl_vector *s, *work;     /* c */
	gsl_matrix *M, *K;        /* r x r: Z^T Z and (T^T Z)^T */
} align_ws;

/* Needs d >= c >= r.  Returns a GSL status. */
int align_alloc(align_ws *w, size_t c, size_t d, size_t r);
void align_free(align_ws *w);

/* The target T from the gradient G (c x d).  Returns a GSL status. */
int align_target(align_ws *w, const gsl_matrix *G);

/* The alignment of Z = [B; A^T] (B c x r, A r x d) with T.  Returns a GSL
 * status (GSL_EDOM when Z has lost rank). */
int align_measure(align_ws *w, const gsl_matrix *A, const gsl_matrix *B, double *align);

#endif
