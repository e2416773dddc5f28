/* evalq.h -- evaluation of several adapters in one pass over a split.
 *
 * Evaluating the head on a whole split after every epoch reads all its
 * features each time, and that reading, not the arithmetic, is what costs:
 * the features do not fit in the cache.  The queue keeps snapshots of the
 * adapter (A, B) and evaluates them together: one product X [A_1; ...; A_k]^T
 * per chunk of rows, then each snapshot's loss and accuracy exactly as
 * lora_head_evaluate computes them.  Each entry of that product is the entry
 * the product X A_i^T alone gives (a dot product over the features, which
 * dgemm computes the same way whatever the other rows and columns of the
 * call), so the numbers are the ones evaluating after every epoch gives. */
#ifndef LORA_FMNIST_EVALQ_H
#define LORA_FMNIST_EVALQ_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_matrix.h>

#include "head.h"

typedef struct {
	size_t c, d, r;
	size_t cap, held;   /* snapshots held at most, and now */
	gsl_matrix *A;      /* cap*r x d: the held A, stacked */
	gsl_matrix *B;      /* cap*c x r: the held B, stacked */
	gsl_matrix *XA;     /* rows x cap*r: a chunk's X A_i^T, side by side */
	double *sum;        /* cap: loss sums */
	size_t *correct;    /* cap */
} evalq;

/* For a head of c classes, d features, rank r, chunks of `rows` rows.
 * Returns 0, or -1 when out of memory. */
int evalq_alloc(evalq *q, size_t c, size_t d, size_t r, size_t cap, size_t rows);
void evalq_free(evalq *q);

/* Adds a copy of the adapter (A r x d, B c x r); needs held < cap. */
void evalq_push(evalq *q, const gsl_matrix *A, const gsl_matrix *B);

/* loss[i] and accuracy[i] of the head with the i-th held adapter on the
 * split (X, its frozen logits S0 from lora_head_frozen_logits, labels y),
 * in chunks of m->rows rows as lora_head_evaluate. */
void evalq_evaluate(evalq *q, lora_head *m, const gsl_matrix *X, const gsl_matrix *S0,
                    const uint8_t *y, double *loss, double *accuracy);

/* Drops the held snapshots. */
void evalq_clear(evalq *q);

#endif
