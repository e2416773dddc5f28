/* frozen.h -- the frozen part of a lora_fmnist run: everything that does not
 * depend on the run's seed, the LoRA init or the fine-tuning optimizer, so
 * every run of one configuration computes the same bytes.  It is computed
 * from the data files (decode, features, pre-trained head) or read from the
 * cache (cache.h) under a key that hashes every input it depends on.
 *
 * All of it lives in one payload buffer, the cache entry's bytes, in this
 * order, each part starting on a 64-byte boundary (c = FMNIST_CLASSES):
 *   y_train[n_train], y_test[n_test]     labels (bytes)
 *   W0 (c x d), b0 (c)                   the frozen head
 *   G (c x d)                            d(mean train loss)/dW at W0
 *   pretrain[FROZEN_PRETRAIN_VALUES]     images, loss, accuracy (images 0:
 *                                        no pre-training)
 *   S0_train (n_train x c), S0_test      frozen logits phi W0^T, in chunks
 *                                        of `rows` (lora_head_frozen_logits)
 *   phi_train (n_train x d), phi_test    the features */
#ifndef LORA_FMNIST_FROZEN_H
#define LORA_FMNIST_FROZEN_H

#include <stddef.h>
#include <stdint.h>

#include "lindyn/plugin.h"

#include "cache.h"
#include "hash128.h"
#include "head.h"

/* The values of pretrain[]: a row of table pretrain. */
#define FROZEN_PRETRAIN_VALUES 3

/* Everything the frozen model depends on besides the data files' bytes. */
typedef struct {
	size_t n_pre, n_train, n_test, d;
	size_t rows;           /* chunk rows of the head (evaluation, G, S0) */
	long known;            /* pretrain_classes */
	long pretrain_epochs;
	unsigned long seed;    /* pretrain_seed */
} frozen_spec;

typedef struct {
	size_t n_train, n_test, d;
	const uint8_t *y_train, *y_test;
	const double *W0, *b0, *G, *pretrain, *S0_train, *S0_test, *phi_train, *phi_test;
	size_t size;           /* payload bytes */
	uint8_t *owned;        /* the payload when computed here */
	cache_entry entry;     /* the payload when read from the cache */
} frozen_model;

/* Payload bytes of a model of that spec. */
size_t frozen_size(const frozen_spec *spec);

/* The cache key: hash128 of a text listing the plugin version, the cache
 * format, every field of spec, the BLAS configuration and thread count, the
 * GSL version, and the size and hash128 of each data file's bytes in
 * data_dir.  Returns 0, or -1 with a one-line reason naming the file. */
int frozen_key(const frozen_spec *spec, const char *plugin_version, const char *data_dir,
               uint8_t key[HASH128_BYTES], char *err, size_t errlen);

/* Computes the model from the data files, using and leaving the trained
 * W0, b0 in `head` (whose adapter must be zero).  Returns a lindyn status
 * (the reason recorded through h). */
int frozen_compute(frozen_model *fm, const frozen_spec *spec, const char *data_dir,
                   lora_head *head, lindyn_host *h);

/* Points the model at a cache entry holding frozen_size(spec) bytes and
 * copies its W0, b0 into `head`.  The model owns the entry afterwards. */
void frozen_adopt(frozen_model *fm, const frozen_spec *spec, cache_entry *entry,
                  lora_head *head);

/* The payload bytes (for cache_store). */
const void *frozen_payload(const frozen_model *fm);

void frozen_free(frozen_model *fm);

#endif
