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
 *          and accuracy on its own pre-training images.
 * Image split: the training file's first n_pretrain images are the
 * pre-training split, the next n_train the fine-tuning set; the first n_test
 * images of the test file are the test set. */
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
#include "data.h"
#include "features.h"
#include "head.h"
#include "optim.h"
#include "pretrain.h"

/* Rows of one evaluation chunk (at least a batch). */
#define EVAL_ROWS 1024

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
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

typedef struct {
	size_t n_pre, n_train, n_test, d, r, batch;
	long epochs, early_steps, pretrain_epochs;
	unsigned long pretrain_seed;
	double init_std;
	fmnist_data data;
	size_t *pre_pick;             /* pre-training images of the known classes */
	uint8_t *y_pre;               /* their labels */
	gsl_matrix *Wf, *chunk;       /* feature map d x p, FEATURES_CHUNK x p */
	size_t n_pre_kept;            /* pre-training images used (0: W0 = 0) */
	gsl_matrix *phi_pre;          /* their features (NULL when none) */
	gsl_matrix *phi_train, *phi_test;
	const uint8_t *y_train, *y_test;
	lora_head head;
	align_ws align;
	batch_ws batches;
	optim_state oA, oB, oW, ob;
	gsl_rng *rng_frozen, *rng;
} fm_state;

static void fm_free(void *state)
{
	fm_state *s = state;
	if (!s)
		return;
	fmnist_free(&s->data);
	free(s->pre_pick);
	free(s->y_pre);
	gsl_matrix *mats[] = { s->Wf, s->chunk, s->phi_pre, s->phi_train, s->phi_test };
	for (size_t i = 0; i < sizeof mats / sizeof mats[0]; i++)
		if (mats[i])
			gsl_matrix_free(mats[i]);
	lora_head_free(&s->head);
	align_free(&s->align);
	batch_free(&s->batches);
	optim_free(&s->oA);
	optim_free(&s->oB);
	optim_free(&s->oW);
	optim_free(&s->ob);
	if (s->rng_frozen)
		gsl_rng_free(s->rng_frozen);
	if (s->rng)
		gsl_rng_free(s->rng);
	free(s);
}

/* Reads the files and picks the pre-training images of the known classes. */
static int load(fm_state *s, lindyn_host *h)
{
	char err[4608];
	if (fmnist_load(&s->data, h->get_str(h, "data_dir"), s->n_pre + s->n_train, s->n_test,
	                err, sizeof err))
		return LINDYN_ERROR(h, LINDYN_EINVAL, "%s (n_pretrain + n_train = %zu, n_test = %zu)",
		                    err, s->n_pre + s->n_train, s->n_test);
	long known = h->get_int(h, "pretrain_classes");
	s->pre_pick = malloc((s->n_pre ? s->n_pre : 1) * sizeof *s->pre_pick);
	s->y_pre = malloc(s->n_pre ? s->n_pre : 1);
	if (!s->pre_pick || !s->y_pre)
		return LINDYN_ERROR(h, LINDYN_ENOMEM, "cannot allocate the pre-training split");
	size_t kept = 0;
	for (size_t i = 0; i < s->n_pre; i++)
		if (s->data.train_lab.data[i] < known) {
			s->pre_pick[kept] = i;
			s->y_pre[kept++] = s->data.train_lab.data[i];
		}
	if (kept == 0 && known > 0 && s->pretrain_epochs > 0)
		return LINDYN_ERROR(h, LINDYN_EINVAL,
		                    "pretrain_classes=%ld: the first n_pretrain=%zu training images "
		                    "hold none of the classes 0..%ld (use pretrain_classes=0 for an "
		                    "untrained head)", known, s->n_pre, known - 1);
	s->n_pre_kept = s->pretrain_epochs > 0 ? kept : 0;
	s->y_train = s->data.train_lab.data + s->n_pre;
	s->y_test = s->data.test_lab.data;
	return LINDYN_OK;
}

static int allocate(fm_state *s, lindyn_host *h)
{
	size_t c = FMNIST_CLASSES, p = s->data.pixels, d = s->d, r = s->r;
	size_t rows = s->batch > EVAL_ROWS ? s->batch : EVAL_ROWS;
	size_t n_max = s->n_train > s->n_pre ? s->n_train : s->n_pre;
	optim_kind kind = strcmp(h->get_str(h, "optimizer"), "sgd") == 0 ? OPTIM_SGD : OPTIM_ADAM;
	s->Wf = gsl_matrix_alloc(d, p);
	s->chunk = gsl_matrix_alloc(FEATURES_CHUNK, p);
	s->phi_train = gsl_matrix_alloc(s->n_train, d);
	s->phi_test = gsl_matrix_alloc(s->n_test, d);
	s->rng_frozen = gsl_rng_alloc(gsl_rng_mt19937);
	s->rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (s->n_pre_kept > 0)
		s->phi_pre = gsl_matrix_alloc(s->n_pre_kept, d);
	int bad = !s->Wf || !s->chunk || !s->phi_train || !s->phi_test || !s->rng_frozen ||
	          !s->rng || (s->n_pre_kept > 0 && !s->phi_pre);
	bad = bad || lora_head_alloc(&s->head, c, d, r, rows) || align_alloc(&s->align, c, d, r) ||
	      batch_alloc(&s->batches, n_max, rows, d) ||
	      optim_alloc(&s->oA, kind, h->get_real(h, "lr"), r * d) ||
	      optim_alloc(&s->oB, kind, h->get_real(h, "lr"), c * r) ||
	      optim_alloc(&s->oW, OPTIM_ADAM, PRETRAIN_LR, c * d) ||
	      optim_alloc(&s->ob, OPTIM_ADAM, PRETRAIN_LR, c);
	if (bad)
		return LINDYN_ERROR(h, LINDYN_ENOMEM,
		                    "cannot allocate the workspaces (n_train=%zu n_test=%zu features=%zu)",
		                    s->n_train, s->n_test, d);
	return LINDYN_OK;
}

static void *fm_alloc(lindyn_host *h)
{
	fm_state *s = calloc(1, sizeof *s);
	if (!s) {
		LINDYN_ERROR(h, LINDYN_ENOMEM, "cannot allocate the run state");
		return NULL;
	}
	s->n_pre = (size_t)h->get_int(h, "n_pretrain");
	s->n_train = (size_t)h->get_int(h, "n_train");
	s->n_test = (size_t)h->get_int(h, "n_test");
	s->d = (size_t)h->get_int(h, "features");
	s->r = (size_t)h->get_int(h, "rank");
	s->batch = (size_t)h->get_int(h, "batch");
	s->epochs = h->get_int(h, "epochs");
	s->early_steps = h->get_int(h, "early_steps");
	s->pretrain_epochs = h->get_int(h, "pretrain_epochs");
	s->pretrain_seed = (unsigned long)h->get_int(h, "pretrain_seed");
	s->init_std = h->get_real(h, "init_std");
	if (s->batch > s->n_train) {
		LINDYN_ERROR(h, LINDYN_EINVAL, "batch=%zu exceeds n_train=%zu", s->batch, s->n_train);
		goto fail;
	}
	if (load(s, h) || allocate(s, h))
		goto fail;
	return s;
fail:
	fm_free(s);
	return NULL;
}

/* The frozen model: feature map, features of every split, pre-trained head
 * (its fit on the pre-training split is the one row of table tp), and the
 * alignment target from the fine-tuning gradient at W0. */
static int build_frozen(fm_state *s, lindyn_host *h, lindyn_table *tp)
{
	gsl_rng_set(s->rng_frozen, s->pretrain_seed);
	features_draw(s->rng_frozen, s->Wf);
	const uint8_t *train_px = s->data.train_img.data;
	if (s->phi_pre) {
		features_embed(s->Wf, train_px, s->pre_pick, s->chunk, s->phi_pre);
		pretrain_head(&s->head, s->phi_pre, s->y_pre, s->pretrain_epochs, s->rng_frozen,
		              &s->batches, &s->oW, &s->ob);
		double loss, acc;
		lora_head_evaluate(&s->head, s->phi_pre, s->y_pre, &loss, &acc);
		double row[] = { (double)s->n_pre_kept, loss, 100.0 * acc };
		int st = h->row(tp, row);
		if (st)
			return st;
	}
	features_embed(s->Wf, train_px + s->n_pre * s->data.pixels, NULL, s->chunk, s->phi_train);
	features_embed(s->Wf, s->data.test_img.data, NULL, s->chunk, s->phi_test);

	/* G = d(mean train cross-entropy)/dW at W0 (the adapter is still zero). */
	size_t n = s->n_train, rows = s->head.rows;
	double sum = 0.0;
	size_t correct = 0;
	for (size_t i0 = 0; i0 < n; i0 += rows) {
		size_t k = n - i0 < rows ? n - i0 : rows;
		gsl_matrix_const_view X = gsl_matrix_const_submatrix(s->phi_train, i0, 0, k, s->d);
		lora_head_forward(&s->head, &X.matrix, s->y_train + i0, 1.0 / (double)n, &sum, &correct);
		lora_head_grad_full(&s->head, &X.matrix, i0 > 0);
	}
	int st = align_target(&s->align, s->head.gW);
	if (st)
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

static int emit_epoch(fm_state *s, lindyn_host *h, lindyn_table *t, long epoch, long step)
{
	double tr_loss, tr_acc, te_loss, te_acc, f[4];
	lora_head_evaluate(&s->head, s->phi_train, s->y_train, &tr_loss, &tr_acc);
	lora_head_evaluate(&s->head, s->phi_test, s->y_test, &te_loss, &te_acc);
	int st = factor_stats(s, h, step, f);
	if (st)
		return st;
	double row[] = { (double)epoch, (double)step, tr_loss, 100.0 * tr_acc, te_loss,
	                 100.0 * te_acc, f[0], f[1] };
	return h->row(t, row);
}

static int fm_run(void *state, lindyn_host *h)
{
	fm_state *s = state;
	lindyn_table *te = h->table(h, "epoch", "epoch step train_loss train_acc test_loss "
	                            "test_acc align z_norm");
	lindyn_table *tk = h->table(h, "early", "step batch_loss align z_norm a_norm b_norm");
	lindyn_table *tp = h->table(h, "pretrain", "images loss accuracy");
	if (!te || !tk || !tp)
		return LINDYN_EINVAL;
	int st = build_frozen(s, h, tp);
	if (st)
		return st;
	init_adapter(s, h->seed(h));
	if ((st = emit_epoch(s, h, te, 0, 0)))
		return st;

	lora_head *m = &s->head;
	size_t n = s->n_train, per_epoch = (n + s->batch - 1) / s->batch;
	double total = (double)per_epoch * (double)s->epochs;
	long step = 0;
	for (long e = 1; e <= s->epochs; e++) {
		batch_shuffle(&s->batches, s->rng, n);
		for (size_t i0 = 0; i0 < n; i0 += s->batch, step++) {
			size_t k = n - i0 < s->batch ? n - i0 : s->batch;
			gsl_matrix_view X = batch_gather(&s->batches, s->phi_train, s->y_train, i0, k);
			double loss = 0.0;
			size_t correct = 0;
			lora_head_forward(m, &X.matrix, s->batches.y, 1.0 / (double)k, &loss, &correct);
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
		if ((st = emit_epoch(s, h, te, e, step)))
			return st;
	}
	return LINDYN_OK;
}

static const lindyn_plugin fm_plugin = {
	LINDYN_PLUGIN_HEADER,
	.name = "lora_fmnist",
	.version = "1.0.0",
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
