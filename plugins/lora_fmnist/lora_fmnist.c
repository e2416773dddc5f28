/* lora_fmnist.c -- the lora_fmnist plugin: the image-classification
 * experiment of Xu et al. (AISTATS 2025, §5.2 / Figure 2) on Fashion-MNIST.
 *
 * A frozen "pre-trained" model -- random ReLU features (features.h) and a
 * linear head trained by softmax regression on a pre-training split that
 * only holds some of the classes (pretrain.h) -- is fine-tuned on all ten
 * classes through a rank-r LoRA adapter B A on the head (head.h): B = 0,
 * A iid N(0, init_std^2), cross-entropy, Adam or SGD.  Tables:
 *   epoch  after every epoch (and before the first): train/test loss and
 *          accuracy on the whole splits, alignment and ||[B; A^T]||_F;
 *   early  the first early_steps steps: minibatch loss, the alignment of
 *          App. H.2.1 (align.h), ||[B; A^T]||_F, ||A||_F, ||B||_F;
 *   pretrain  one row (none without pre-training): the frozen head's loss
 *          and accuracy on its own pre-training images;
 *   cache  one row: hit (1 when the frozen model was read from the cache),
 *          stored (1 when this run wrote the entry), and the 128-bit cache
 *          key as four 32-bit words key0..key3 (its hex, the entry's name, is
 *          the words printed %08x in order); the key is computed, and
 *          recorded, with or without a cache directory.
 * Image split: the training file's first n_pretrain images are the
 * pre-training split, the next n_train the fine-tuning set; the first n_test
 * images of the test file are the test set.
 *
 * Everything that does not depend on the seed, the init or the optimizer
 * (decoded labels, features, pre-trained head, its gradient and logits) is
 * the frozen model (frozen.h); with cache=DIR it is computed once per
 * distinct configuration and data and read back by every other run, which
 * then writes the same bytes it would have written computing it afresh. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "lindyn/plugin.h"

#include "align.h"
#include "batches.h"
#include "cache.h"
#include "data.h"
#include "evalq.h"
#include "frozen.h"
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

static const lindyn_param fm_params[] = {
	{ "data_dir", LINDYN_P_STRING, "/usr/share/datasets/fashion-mnist", 0, 0, NULL,
	  "directory of {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz" },
	{ "n_pretrain", LINDYN_P_INT, "10000", 0, 60000, NULL,
	  "pre-training split: the first n_pretrain training images" },
	{ "pretrain_classes", LINDYN_P_INT, "5", 0, 10, NULL,
	  "the head is pre-trained on classes 0..k-1 only (0: no pre-training, W0 = 0)" },
	{ "pretrain_epochs", LINDYN_P_INT, "5", 0, 1000, NULL,
	  "epochs of softmax regression (Adam, lr 0.01, batch 128) for the frozen head" },
	{ "n_train", LINDYN_P_INT, "10000", 1, 60000, NULL,
	  "fine-tuning set: the n_train training images after the pre-training split" },
	{ "n_test", LINDYN_P_INT, "10000", 1, 10000, NULL, "test set: the first n_test test images" },
	{ "features", LINDYN_P_INT, "512", 10, 8192, NULL,
	  "width d of the frozen random ReLU feature map (at least the 10 classes)" },
	{ "pretrain_seed", LINDYN_P_INT, "1", 0, 2147483647, NULL,
	  "seed of the frozen model (feature map, pre-training order), shared by all runs" },
	{ "rank", LINDYN_P_INT, "4", 1, 10, NULL, "LoRA rank r of the adapter B A on the head" },
	{ "init_std", LINDYN_P_REAL, "0.1", 1e-9, 10, NULL,
	  "LoRA init: A iid N(0, init_std^2), B = 0" },
	{ "optimizer", LINDYN_P_ENUM, "adam", 0, 0, "adam|sgd",
	  "adam (beta 0.9/0.999, eps 1e-8; paper Fig. 2) or plain sgd (App. H.2)" },
	{ "lr", LINDYN_P_REAL, "0.01", 1e-9, 10, NULL, "learning rate (paper: Adam 0.01, SGD 0.1)" },
	{ "batch", LINDYN_P_INT, "128", 1, 60000, NULL, "minibatch size (reshuffled every epoch)" },
	{ "epochs", LINDYN_P_INT, "10", 1, 10000, NULL, "fine-tuning epochs" },
	{ "early_steps", LINDYN_P_INT, "300", 0, 1000000, NULL,
	  "steps logged one by one in the table `early`" },
	{ "cache", LINDYN_P_STRING, "", 0, 0, NULL,
	  "directory of the frozen-model cache, created if missing: absolute, or under data/ or "
	  "build/ (empty: no cache)" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

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
	double (*pending)[8];         /* their rows of table epoch, losses missing */
	optim_state oA, oB;
	gsl_rng *rng;
} fm_state;

static void fm_free(void *state)
{
	fm_state *s = state;
	if (!s)
		return;
	frozen_free(&s->frozen);
	lora_head_free(&s->head);
	align_free(&s->align);
	batch_free(&s->batches);
	evalq_free(&s->evals);
	free(s->pending);
	optim_free(&s->oA);
	optim_free(&s->oB);
	if (s->rng)
		gsl_rng_free(s->rng);
	free(s);
}

static int allocate(fm_state *s, lindyn_host *h)
{
	size_t c = FMNIST_CLASSES, d = s->d, r = s->r;
	optim_kind kind = strcmp(h->get_str(h, "optimizer"), "sgd") == 0 ? OPTIM_SGD : OPTIM_ADAM;
	size_t cap = EVAL_COLUMNS / r;
	if (cap > (size_t)s->epochs + 1)
		cap = (size_t)s->epochs + 1;
	s->rng = gsl_rng_alloc(gsl_rng_mt19937);
	s->pending = malloc(cap * sizeof *s->pending);
	int bad = !s->rng || !s->pending || evalq_alloc(&s->evals, c, d, r, cap, s->spec.rows) ||
	          lora_head_alloc(&s->head, c, d, r, s->spec.rows) ||
	          align_alloc(&s->align, c, d, r) ||
	          batch_alloc(&s->batches, s->n_train, s->spec.rows, d, c) ||
	          optim_alloc(&s->oA, kind, h->get_real(h, "lr"), r * d) ||
	          optim_alloc(&s->oB, kind, h->get_real(h, "lr"), c * r);
	if (bad)
		return LINDYN_ERROR(h, LINDYN_ENOMEM,
		                    "cannot allocate the workspaces (n_train=%zu features=%zu)",
		                    s->n_train, d);
	return LINDYN_OK;
}

/* The frozen model: from the cache when it holds a sound entry for the key,
 * else computed (and stored when there is a cache).  A damaged entry is
 * reported in one line and recomputed; a cache that cannot be written only
 * costs time, so it is a warning too. */
static int obtain_frozen(fm_state *s, lindyn_host *h)
{
	const char *dir = h->get_str(h, "cache"), *data_dir = h->get_str(h, "data_dir");
	char why[4608];
	if (frozen_key(&s->spec, FM_VERSION, data_dir, s->key, why, sizeof why))
		return LINDYN_ERROR(h, LINDYN_EINVAL, "%s", why);
	if (*dir) {
		cache_entry entry;
		cache_lookup found = cache_open(dir, s->key, frozen_size(&s->spec), &entry, why,
		                                sizeof why);
		if (found == CACHE_HIT) {
			frozen_adopt(&s->frozen, &s->spec, &entry, &s->head);
			s->hit = 1;
			return LINDYN_OK;
		}
		if (found == CACHE_BAD)
			h->log(h, LINDYN_LOG_WARN, "cache entry %s; recomputing it", why);
	}
	int st = frozen_compute(&s->frozen, &s->spec, data_dir, &s->head, h);
	if (st)
		return st;
	/* the key must name the bytes the model was computed from */
	uint8_t again[HASH128_BYTES];
	if (frozen_key(&s->spec, FM_VERSION, data_dir, again, why, sizeof why))
		return LINDYN_ERROR(h, LINDYN_EIO, "%s", why);
	if (memcmp(again, s->key, sizeof again))
		return LINDYN_ERROR(h, LINDYN_EIO, "data_dir '%s': the data files changed while "
		                    "the run read them", data_dir);
	if (*dir) {
		if (cache_store(dir, s->key, frozen_payload(&s->frozen), s->frozen.size, why,
		                sizeof why))
			h->log(h, LINDYN_LOG_WARN, "cache: %s; the frozen model is not cached", why);
		else
			s->stored = 1;
	}
	return LINDYN_OK;
}

static void *fm_alloc(lindyn_host *h)
{
	fm_state *s = calloc(1, sizeof *s);
	if (!s) {
		LINDYN_ERROR(h, LINDYN_ENOMEM, "cannot allocate the run state");
		return NULL;
	}
	s->n_train = (size_t)h->get_int(h, "n_train");
	s->n_test = (size_t)h->get_int(h, "n_test");
	s->d = (size_t)h->get_int(h, "features");
	s->r = (size_t)h->get_int(h, "rank");
	s->batch = (size_t)h->get_int(h, "batch");
	s->epochs = h->get_int(h, "epochs");
	s->early_steps = h->get_int(h, "early_steps");
	s->init_std = h->get_real(h, "init_std");
	s->spec = (frozen_spec){
		.n_pre = (size_t)h->get_int(h, "n_pretrain"), .n_train = s->n_train,
		.n_test = s->n_test, .d = s->d, .rows = s->batch > EVAL_ROWS ? s->batch : EVAL_ROWS,
		.known = h->get_int(h, "pretrain_classes"),
		.pretrain_epochs = h->get_int(h, "pretrain_epochs"),
		.seed = (unsigned long)h->get_int(h, "pretrain_seed"),
	};
	if (s->batch > s->n_train) {
		LINDYN_ERROR(h, LINDYN_EINVAL, "batch=%zu exceeds n_train=%zu", s->batch, s->n_train);
		goto fail;
	}
	/* The cache is written: a relative one stays under data/ or build/, as
	 * everything the pipeline writes (an absolute one is the user's choice). */
	const char *cache = h->get_str(h, "cache");
	if (*cache && *cache != '/' && strncmp(cache, "data/", 5) && strncmp(cache, "build/", 6)) {
		LINDYN_ERROR(h, LINDYN_EINVAL, "cache='%s': a relative cache directory must lie under "
		             "data/ or build/ (or give an absolute path)", cache);
		goto fail;
	}
	if (allocate(s, h) || obtain_frozen(s, h))
		goto fail;
	frozen_model *fm = &s->frozen;
	s->phi_train = gsl_matrix_const_view_array(fm->phi_train, s->n_train, s->d).matrix;
	s->phi_test = gsl_matrix_const_view_array(fm->phi_test, s->n_test, s->d).matrix;
	s->S0_train = gsl_matrix_const_view_array(fm->S0_train, s->n_train, FMNIST_CLASSES).matrix;
	s->S0_test = gsl_matrix_const_view_array(fm->S0_test, s->n_test, FMNIST_CLASSES).matrix;
	return s;
fail:
	fm_free(s);
	return NULL;
}

/* The rows of tables pretrain (when the head was pre-trained) and cache,
 * and the alignment target from the gradient at W0. */
static int emit_frozen(fm_state *s, lindyn_host *h, lindyn_table *tp, lindyn_table *tc)
{
	int st;
	if (s->frozen.pretrain[0] > 0 && (st = h->row(tp, s->frozen.pretrain)))
		return st;
	double row[2 + HASH128_BYTES / 4] = { s->hit, s->stored };
	for (size_t w = 0; w < HASH128_BYTES / 4; w++)
		row[2 + w] = (double)((uint32_t)s->key[4 * w] << 24 | (uint32_t)s->key[4 * w + 1] << 16 |
		                      (uint32_t)s->key[4 * w + 2] << 8 | s->key[4 * w + 3]);
	if ((st = h->row(tc, row)))
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

/* Frobenius norm of a matrix allocated whole (contiguous rows). */
static double frobenius(const gsl_matrix *M)
{
	gsl_vector_const_view v = gsl_vector_const_view_array(M->data, M->size1 * M->size2);
	return gsl_blas_dnrm2(&v.vector);
}

/* The alignment of [B; A^T] and its norms ||Z||_F, ||A||_F, ||B||_F. */
static int factor_stats(fm_state *s, lindyn_host *h, long step, double out[4])
{
	if (align_measure(&s->align, s->head.A, s->head.B, &out[0]))
		return LINDYN_ERROR(h, LINDYN_ENUMERIC,
		                    "step %ld: [B; A^T] lost rank, its alignment is undefined", step);
	out[2] = frobenius(s->head.A);
	out[3] = frobenius(s->head.B);
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
		row[2] = tr_loss[i];
		row[3] = 100.0 * tr_acc[i];
		row[4] = te_loss[i];
		row[5] = 100.0 * te_acc[i];
		int st = h->row(t, row);
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
	row[0] = (double)epoch;
	row[1] = (double)step;
	row[6] = f[0];
	row[7] = f[1];
	evalq_push(&s->evals, s->head.A, s->head.B);
	return s->evals.held == s->evals.cap ? flush_epochs(s, h, t) : LINDYN_OK;
}

static int fm_run(void *state, lindyn_host *h)
{
	fm_state *s = state;
	lindyn_table *te = h->table(h, "epoch", "epoch step train_loss train_acc test_loss "
	                            "test_acc align z_norm");
	lindyn_table *tk = h->table(h, "early", "step batch_loss align z_norm a_norm b_norm");
	lindyn_table *tp = h->table(h, "pretrain", "images loss accuracy");
	lindyn_table *tc = h->table(h, "cache", "hit stored key0 key1 key2 key3");
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
				if ((st = h->row(tk, row)))
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

static const lindyn_plugin fm_plugin = {
	LINDYN_PLUGIN_HEADER,
	.name = "lora_fmnist",
	.version = FM_VERSION,
	.summary = "LoRA on the frozen head of a random-feature classifier, Fashion-MNIST "
	           "(Xu et al. 2025, Fig. 2)",
	.params = fm_params,
	.alloc = fm_alloc,
	.run = fm_run,
	.free = fm_free,
	.smoke_args = "n_pretrain=1000 n_train=500 n_test=500 features=32 pretrain_epochs=1 "
	              "epochs=1 early_steps=3",
};

LINDYN_EXPORT const lindyn_plugin *lindyn_plugin_descriptor(uint32_t index)
{
	return index == 0 ? &fm_plugin : NULL;
}
