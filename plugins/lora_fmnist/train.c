/* train.c -- a lora_fmnist run's fine-tuning loop and the tables it
 * writes: pretrain and cache once, early per step, epoch per epoch. */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "../common/linalg.h"
#include "data.h"
#include "state.h"

/* The rows of tables pretrain (when the head was pre-trained) and cache,
 * and the alignment target from the gradient at W0. */
static int emit_frozen(fm_state *s, lindyn_host *h, lindyn_table *tp, lindyn_table *tc)
{
	int st;
	if (s->frozen.pretrain[0] > 0 &&
	    (st = h->rowv(tp, FROZEN_PRETRAIN_VALUES, s->frozen.pretrain)))
		return st;
	double row[2 + HASH128_BYTES / 4] = { s->hit, s->stored };
	for (size_t w = 0; w < HASH128_BYTES / 4; w++)
		row[2 + w] = (double)((uint32_t)s->key[4 * w] << 24 | (uint32_t)s->key[4 * w + 1] << 16 |
		                      (uint32_t)s->key[4 * w + 2] << 8 | s->key[4 * w + 3]);
	if ((st = h->rowv(tc, sizeof row / sizeof *row, row)))
		return st;
	gsl_matrix_const_view G = gsl_matrix_const_view_array(s->frozen.G, FMNIST_CLASSES, s->d);
	if ((st = align_target(&s->align, &G.matrix)))
		return LINDYN_ERROR(h, LINDYN_ENUMERIC, "SVD of the gradient at W0 failed: %s",
		                    gsl_strerror(st));
	return LINDYN_OK;
}

/* LoRA init (paper §2 and §5.2): B = 0, A iid N(0, init_std^2). */
static void init_adapter(fm_state *s, unsigned long seed)
{
	gsl_rng_set(s->rng, seed);
	for (size_t i = 0; i < s->r; i++)
		for (size_t j = 0; j < s->d; j++)
			gsl_matrix_set(s->head.A, i, j, gsl_ran_gaussian(s->rng, s->init_std));
	gsl_matrix_set_zero(s->head.B);
	optim_reset(&s->oA);
	optim_reset(&s->oB);
}

/* The alignment of [B; A^T] and its norms ||Z||_F, ||A||_F, ||B||_F. */
static int factor_stats(fm_state *s, lindyn_host *h, long step, double out[4])
{
	if (align_measure(&s->align, s->head.A, s->head.B, &out[0]))
		return LINDYN_ERROR(h, LINDYN_ENUMERIC,
		                    "step %ld: [B; A^T] lost rank, its alignment is undefined", step);
	out[2] = linalg_frob_blas(s->head.A);
	out[3] = linalg_frob_blas(s->head.B);
	out[1] = hypot(out[2], out[3]);
	return LINDYN_OK;
}

/* The rows of table epoch for the queued adapters. */
static int flush_epochs(fm_state *s, lindyn_host *h, lindyn_table *t)
{
	double tr_loss[EVAL_COLUMNS], tr_acc[EVAL_COLUMNS], te_loss[EVAL_COLUMNS],
		te_acc[EVAL_COLUMNS];
	evalq_evaluate(&s->evals, &s->head, &s->phi_train, &s->S0_train, s->frozen.y_train,
	               tr_loss, tr_acc);
	evalq_evaluate(&s->evals, &s->head, &s->phi_test, &s->S0_test, s->frozen.y_test,
	               te_loss, te_acc);
	for (size_t i = 0; i < s->evals.held; i++) {
		double *row = s->pending[i];
		row[EPOCH_TRAIN_LOSS] = tr_loss[i];
		row[EPOCH_TRAIN_ACC] = 100.0 * tr_acc[i];
		row[EPOCH_TEST_LOSS] = te_loss[i];
		row[EPOCH_TEST_ACC] = 100.0 * te_acc[i];
		int st = h->rowv(t, EPOCH_NCOLS, row);
		if (st)
			return st;
	}
	evalq_clear(&s->evals);
	return LINDYN_OK;
}

/* Queues the adapter at the end of an epoch for evaluation (evalq.h); the
 * row is written when the queue is full or the run ends. */
static int end_epoch(fm_state *s, lindyn_host *h, lindyn_table *t, long epoch, long step)
{
	double f[4];
	int st = factor_stats(s, h, step, f);
	if (st)
		return st;
	double *row = s->pending[s->evals.held];
	row[EPOCH_EPOCH] = (double)epoch;
	row[EPOCH_STEP] = (double)step;
	row[EPOCH_ALIGN] = f[0];
	row[EPOCH_Z_NORM] = f[1];
	evalq_push(&s->evals, s->head.A, s->head.B);
	return s->evals.held == s->evals.cap ? flush_epochs(s, h, t) : LINDYN_OK;
}

int fm_run(void *state, lindyn_host *h)
{
	fm_state *s = state;
	lindyn_table *te = h->table(h, "epoch", NULL);
	lindyn_table *tk = h->table(h, "early", NULL);
	lindyn_table *tp = h->table(h, "pretrain", NULL);
	lindyn_table *tc = h->table(h, "cache", NULL);
	if (!te || !tk || !tp || !tc)
		return LINDYN_EINVAL;
	int st = emit_frozen(s, h, tp, tc);
	if (st)
		return st;
	init_adapter(s, h->seed(h));
	if ((st = end_epoch(s, h, te, 0, 0)))
		return st;

	lora_head *m = &s->head;
	size_t n = s->n_train, per_epoch = (n + s->batch - 1) / s->batch;
	double total = (double)per_epoch * (double)s->epochs;
	long step = 0;
	for (long e = 1; e <= s->epochs; e++) {
		batch_shuffle(&s->batches, s->rng, n);
		for (size_t i0 = 0; i0 < n; i0 += s->batch, step++) {
			size_t k = n - i0 < s->batch ? n - i0 : s->batch;
			gsl_matrix_view X = batch_gather(&s->batches, &s->phi_train,
			                                 s->frozen.y_train, i0, k);
			gsl_matrix_view S0 = batch_gather_logits(&s->batches, &s->S0_train, i0, k);
			double loss = 0.0;
			size_t correct = 0;
			lora_head_forward_frozen(m, &X.matrix, &S0.matrix, s->batches.y, 1.0 / (double)k,
			                         &loss, &correct);
			loss /= (double)k;
			if (!isfinite(loss))
				return LINDYN_ERROR(h, LINDYN_EDIVERGE, "minibatch loss not finite at step %ld "
				                    "(lr too large?)", step);
			if (step < s->early_steps) {
				double f[4];
				if ((st = factor_stats(s, h, step, f)))
					return st;
				double row[] = { (double)step, loss, f[0], f[1], f[2], f[3] };
				if ((st = h->rowv(tk, sizeof row / sizeof *row, row)))
					return st;
			}
			lora_head_grad_adapter(m, &X.matrix);
			optim_step(&s->oA, m->A->data, m->gA->data);
			optim_step(&s->oB, m->B->data, m->gB->data);
			if ((st = h->progress(h, (double)step / total, step, loss)))
				return st;
		}
		if ((st = end_epoch(s, h, te, e, step)))
			return st;
	}
	return s->evals.held ? flush_epochs(s, h, te) : LINDYN_OK;
}

