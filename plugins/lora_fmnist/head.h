/* head.h -- the linear classification head of lora_fmnist: a frozen weight
 * W0 (c x d) and bias b0, plus the rank-r LoRA adapter B A (B c x r, A r x d),
 *
 *     logits(x) = (W0 + B A) x + b0,   loss = mean cross-entropy,
 *
 * as in the paper's §5.2 (LoRA on the last layer only, no alpha/r scaling).
 * Feature rows are the rows of an n x d matrix X; every product is a level-3
 * BLAS call, in the cheap order: X A^T (n x r) first, then (X A^T) B^T. */
#ifndef LORA_FMNIST_HEAD_H
#define LORA_FMNIST_HEAD_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

/* Most classes a head may have. */
#define HEAD_MAX_CLASSES 64

typedef struct {
	size_t c, d, r;      /* classes, features, LoRA rank */
	size_t rows;         /* most feature rows one call may take */
	gsl_matrix *W0;      /* c x d frozen weight (set by pretraining) */
	gsl_vector *b0;      /* c frozen bias */
	gsl_matrix *A, *B;   /* r x d, c x r: the adapter B A */
	gsl_matrix *gA, *gB; /* gradients of the loss wrt A and B */
	gsl_matrix *gW;      /* c x d gradient wrt W0 (pretraining, alignment target) */
	gsl_vector *gb;      /* c gradient wrt b0 */
	gsl_matrix *S;       /* rows x c: logits, then the scaled residual */
	gsl_matrix *XA;      /* rows x r: X A^T */
	gsl_matrix *SB;      /* rows x r: S B */
} lora_head;

/* Allocates every matrix (W0, b0, A, B zero).  Returns a GSL status
 * (GSL_EINVAL when c > HEAD_MAX_CLASSES). */
int lora_head_alloc(lora_head *m, size_t c, size_t d, size_t r, size_t rows);
void lora_head_free(lora_head *m);

/* Forward pass on the n = X->size1 <= rows feature rows X with labels y.
 * Adds the summed cross-entropy to *loss_sum and the number of rows whose
 * arg-max logit is the label to *correct, and leaves in S the gradient of
 * scale * (summed cross-entropy) wrt the logits: scale * (softmax - onehot);
 * with scale = 0 (evaluation only) S is left holding the logits instead. */
void lora_head_forward(lora_head *m, const gsl_matrix *X, const uint8_t *y, double scale,
                       double *loss_sum, size_t *correct);

/* The second half of a forward pass, for rows whose X A^T is XA (n x r)
 * and S (n x c) holds the frozen logits X W0^T: adds XA B^T and b0 to S,
 * then scores as lora_head_forward does.  B (c x r) may be another
 * adapter's than m->B. */
void lora_head_score(const lora_head *m, const gsl_matrix *XA, const gsl_matrix *B,
                     gsl_matrix *S, const uint8_t *y, double scale, double *loss_sum,
                     size_t *correct);

/* The same with the frozen logits X W0^T of these rows given in S0 (n x c),
 * e.g. rows gathered from a split's lora_head_frozen_logits: each entry of
 * a dgemm product is a dot product that OpenBLAS computes the same way
 * whatever the other rows of the call, so these are the bits
 * lora_head_forward would compute. */
void lora_head_forward_frozen(lora_head *m, const gsl_matrix *X, const gsl_matrix *S0,
                              const uint8_t *y, double scale, double *loss_sum, size_t *correct);

/* S0 = X W0^T for a whole split, by the calls lora_head_forward makes chunk
 * by chunk in lora_head_evaluate (chunks of `rows` from row 0), so that
 * starting from S0 gives the bits lora_head_evaluate gives. */
void lora_head_frozen_logits(const lora_head *m, const gsl_matrix *X, gsl_matrix *S0);

/* gB = S^T (X A^T),  gA = (S B)^T X, from the last forward on the same X. */
void lora_head_grad_adapter(lora_head *m, const gsl_matrix *X);

/* gW (+)= S^T X and gb (+)= column sums of S, from the last forward on X;
 * accumulate = 0 overwrites. */
void lora_head_grad_full(lora_head *m, const gsl_matrix *X, int accumulate);

/* Mean loss and accuracy of the head on a whole split, in chunks of rows. */
void lora_head_evaluate(lora_head *m, const gsl_matrix *X, const uint8_t *y,
                        double *loss, double *accuracy);

#endif
