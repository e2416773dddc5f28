/* batches.h -- minibatches of a split, reshuffled every epoch (PyTorch's
 * DataLoader with shuffle=True, drop_last=False): the rows of a batch are
 * gathered into one contiguous matrix so the head's products stay level-3. */
#ifndef LORA_FMNIST_BATCHES_H
#define LORA_FMNIST_BATCHES_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>

typedef struct {
	size_t n_max;      /* largest split */
	size_t *perm;      /* n_max: the current order */
	gsl_matrix *X;     /* rows x d: the gathered batch */
	uint8_t *y;        /* rows: its labels */
	gsl_matrix *S0;    /* rows x c: its frozen logits (NULL when c = 0) */
} batch_ws;

/* Batches of at most `rows` rows of d features (and c frozen logits, c = 0
 * for none) from splits of at most n_max rows.  Returns 0, or -1 when out
 * of memory. */
int batch_alloc(batch_ws *b, size_t n_max, size_t rows, size_t d, size_t c);
void batch_free(batch_ws *b);

/* perm[0..n-1] = a uniformly random permutation of 0..n-1. */
void batch_shuffle(batch_ws *b, gsl_rng *rng, size_t n);

/* Gathers rows perm[start .. start+k-1] of (X, y) into the workspace and
 * returns the view of those k rows (k <= rows). */
gsl_matrix_view batch_gather(batch_ws *b, const gsl_matrix *X, const uint8_t *y,
                             size_t start, size_t k);

/* The same rows of the split's frozen logits S0 (n x c, c as allocated). */
gsl_matrix_view batch_gather_logits(batch_ws *b, const gsl_matrix *S0, size_t start, size_t k);

#endif
