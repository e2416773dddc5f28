/* state.h -- one lora_fmnist run: its state, shared by the set-up
 * (setup.c) and the training loop (train.c), and the columns of table epoch
 * by index. */
#ifndef LORA_FMNIST_STATE_H
#define LORA_FMNIST_STATE_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>

#include "lindyn/plugin.h"

#include "align.h"
#include "batches.h"
#include "evalq.h"
#include "frozen.h"
#include "hash128.h"
#include "head.h"
#include "optim.h"

/* Bumped whenever the frozen model's computation changes: it is part of
 * the cache key. */
#define FM_VERSION "1.1.0"

/* Rows of one evaluation chunk (at least a batch). */
#define EVAL_ROWS 1024
/* Columns X A_i^T of the adapters evaluated together (evalq.h): their
 * snapshots are at most EVAL_COLUMNS / rank epochs apart. */
#define EVAL_COLUMNS 64

/* The columns of table epoch: its declaration (lora_fmnist.c) and the
 * indices of a row (train.c) come from this one list. */
#define FM_EPOCH_COLUMNS(X) \
	X(EPOCH, epoch, "epoch (0: before the first)") \
	X(STEP, step, "optimizer steps taken") \
	X(TRAIN_LOSS, train_loss, "mean cross-entropy on the fine-tuning set, nats") \
	X(TRAIN_ACC, train_acc, "accuracy on the fine-tuning set, percent") \
	X(TEST_LOSS, test_loss, "mean cross-entropy on the test set, nats") \
	X(TEST_ACC, test_acc, "accuracy on the test set, percent") \
	X(ALIGN, align, "alignment of [B; A^T] with the growth directions (align.h), in [0, 1]") \
	X(Z_NORM, z_norm, "||[B; A^T]||_F")
#define FM_EPOCH_INDEX(tag, name, help) EPOCH_##tag,
enum { FM_EPOCH_COLUMNS(FM_EPOCH_INDEX) EPOCH_NCOLS };

typedef struct {
	size_t n_train, n_test, d, r, batch;
	long epochs, early_steps;
	double init_std;
	frozen_spec spec;
	frozen_model frozen;
	uint8_t key[HASH128_BYTES];
	int hit, stored;              /* the frozen model came from / went to the cache */
	gsl_matrix phi_train, phi_test;    /* views of the frozen model (read-only) */
	gsl_matrix S0_train, S0_test;
	lora_head head;
	align_ws align;
	batch_ws batches;
	evalq evals;                  /* adapters of the epochs not yet evaluated */
	double (*pending)[EPOCH_NCOLS]; /* their rows of table epoch, losses missing */
	optim_state oA, oB;
	gsl_rng *rng;
} fm_state;

/* setup.c: reads the parameters, allocates and obtains the frozen model. */
void *fm_alloc(lindyn_host *h);
void fm_free(void *state);
/* train.c: fine-tunes the adapter and writes the tables. */
int fm_run(void *state, lindyn_host *h);

#endif
