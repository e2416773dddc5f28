/* setup.c -- a lora_fmnist run's set-up: the parameters read, the
 * workspaces allocated, and the frozen model computed or read from the
 * cache. */
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "cache.h"
#include "data.h"
#include "state.h"

void fm_free(void *state)
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
	optim_kind kind = (optim_kind)h->get_enum(h, "optimizer");
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

void *fm_alloc(lindyn_host *h)
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

