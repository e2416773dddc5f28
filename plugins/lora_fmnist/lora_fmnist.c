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
#include "lindyn/plugin.h"

#include "optim.h"
#include "state.h"

static const lindyn_param fm_params[] = {
	{ "data_dir", LINDYN_P_PATH, "/usr/share/datasets/fashion-mnist", 0, 0, NULL,
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
	{ "optimizer", LINDYN_P_ENUM, "adam", 0, 0, OPTIM_CHOICES,
	  "adam (beta 0.9/0.999, eps 1e-8; paper Fig. 2) or plain sgd (App. H.2)" },
	{ "lr", LINDYN_P_REAL, "0.01", 1e-9, 10, NULL, "learning rate (paper: Adam 0.01, SGD 0.1)" },
	{ "batch", LINDYN_P_INT, "128", 1, 60000, NULL, "minibatch size (reshuffled every epoch)" },
	{ "epochs", LINDYN_P_INT, "10", 1, 10000, NULL, "fine-tuning epochs" },
	{ "early_steps", LINDYN_P_INT, "300", 0, LINDYN_UNBOUNDED, NULL,
	  "steps logged one by one in the table `early`" },
	{ "cache", LINDYN_P_STRING, "", 0, 0, NULL,
	  "directory of the frozen-model cache, created if missing: absolute, or under data/ or "
	  "build/ (empty: no cache)" },
	{ NULL, 0, NULL, 0, 0, NULL, NULL }
};

#define FM_EPOCH_COLUMN(tag, name, help) [EPOCH_##tag] = { #name, help },
static const lindyn_column epoch_columns[EPOCH_NCOLS + 1] = {
	FM_EPOCH_COLUMNS(FM_EPOCH_COLUMN)
};

static const lindyn_column early_columns[] = {
	{ "step", "optimizer step (before it is taken)" },
	{ "batch_loss", "mean cross-entropy on the step's minibatch, nats" },
	{ "align", "alignment of [B; A^T] with the growth directions (align.h), in [0, 1]" },
	{ "z_norm", "||[B; A^T]||_F" },
	{ "a_norm", "||A||_F" },
	{ "b_norm", "||B||_F" },
	{ NULL, NULL }
};

static const lindyn_column pretrain_columns[FROZEN_PRETRAIN_VALUES + 1] = {
	{ "images", "pre-training images of classes 0..pretrain_classes-1" },
	{ "loss", "mean cross-entropy of the frozen head on them, nats" },
	{ "accuracy", "accuracy of the frozen head on them, percent" },
};

static const lindyn_column cache_columns[] = {
	{ "hit", "1 when the frozen model was read from the cache, else 0" },
	{ "stored", "1 when this run wrote the cache entry, else 0" },
	{ "key0", "bits 127..96 of the cache key (the entry's name is key0..key3 as %08x)" },
	{ "key1", "bits 95..64 of the cache key" },
	{ "key2", "bits 63..32 of the cache key" },
	{ "key3", "bits 31..0 of the cache key" },
	{ NULL, NULL }
};

static const lindyn_table_def fm_tables[] = {
	{ "epoch", "after every epoch and before the first: the whole splits", epoch_columns },
	{ "early", "every step below early_steps: the minibatch and the adapter", early_columns },
	{ "pretrain", "one row (none without pre-training): the frozen head on its own images",
	  pretrain_columns },
	{ "cache", "one row: where the frozen model came from, and its cache key", cache_columns },
	{ NULL, NULL, NULL }
};

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
	.tables = fm_tables,
};

LINDYN_EXPORT const lindyn_plugin *lindyn_plugin_descriptor(uint32_t index)
{
	return index == 0 ? &fm_plugin : NULL;
}
