/* frozen.c -- the frozen model of lora_fmnist and its cache key (see
 * frozen.h). */
#include "frozen.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_version.h>

#include "batches.h"
#include "data.h"
#include "features.h"
#include "optim.h"
#include "pretrain.h"

/* OpenBLAS's own description of its build and kernel, and its threads: a
 * cache shared by machines whose dgemm rounds differently must not mix. */
extern char *openblas_get_config(void);
extern int openblas_get_num_threads(void);

/* Byte offsets of the payload's parts. */
typedef struct {
	size_t y_train, y_test, W0, b0, G, pretrain, S0_train, S0_test, phi_train, phi_test;
	size_t size;
} layout;

static size_t up64(size_t x)
{
	return (x + 63) & ~(size_t)63;
}

static layout layout_of(const frozen_spec *s)
{
	size_t c = FMNIST_CLASSES, D = sizeof(double), at = 0;
	layout L;
	L.y_train = at;
	at = up64(at + s->n_train);
	L.y_test = at;
	at = up64(at + s->n_test);
	L.W0 = at;
	at = up64(at + c * s->d * D);
	L.b0 = at;
	at = up64(at + c * D);
	L.G = at;
	at = up64(at + c * s->d * D);
	L.pretrain = at;
	at = up64(at + FROZEN_PRETRAIN_VALUES * D);
	L.S0_train = at;
	at = up64(at + s->n_train * c * D);
	L.S0_test = at;
	at = up64(at + s->n_test * c * D);
	L.phi_train = at;
	at = up64(at + s->n_train * s->d * D);
	L.phi_test = at;
	at = up64(at + s->n_test * s->d * D);
	L.size = at;
	return L;
}

size_t frozen_size(const frozen_spec *spec)
{
	return layout_of(spec).size;
}

static void bind(frozen_model *fm, const frozen_spec *s, const uint8_t *base)
{
	layout L = layout_of(s);
	fm->n_train = s->n_train;
	fm->n_test = s->n_test;
	fm->d = s->d;
	fm->size = L.size;
	fm->y_train = base + L.y_train;
	fm->y_test = base + L.y_test;
	fm->W0 = (const double *)(base + L.W0);
	fm->b0 = (const double *)(base + L.b0);
	fm->G = (const double *)(base + L.G);
	fm->pretrain = (const double *)(base + L.pretrain);
	fm->S0_train = (const double *)(base + L.S0_train);
	fm->S0_test = (const double *)(base + L.S0_test);
	fm->phi_train = (const double *)(base + L.phi_train);
	fm->phi_test = (const double *)(base + L.phi_test);
}

/* ---- the key ---------------------------------------------------------------- */

/* Size and hash128 of a data file's bytes.  Contents rather than size,
 * mtime and inode: a copy of the data shares entries, and a file rewritten
 * with the same size and time stamp cannot reuse a stale entry; hashing
 * 30 MB costs a few milliseconds. */
static int file_digest(const char *path, uint64_t *size, uint8_t digest[HASH128_BYTES],
                       char *err, size_t errlen)
{
	/* O_NONBLOCK and the check below: never block on a FIFO or read a device. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	struct stat st;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		close(fd);
		return -1;
	}
	enum { CHUNK = 1 << 18 };
	uint8_t *buf = malloc(CHUNK);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		close(fd);
		return -1;
	}
	hash128 h;
	hash128_init(&h);
	*size = 0;
	ssize_t n;
	while ((n = read(fd, buf, CHUNK)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			snprintf(err, errlen, "%s: read error: %s", path, strerror(errno));
			free(buf);
			close(fd);
			return -1;
		}
		hash128_update(&h, buf, (size_t)n);
		*size += (uint64_t)n;
	}
	free(buf);
	close(fd);
	hash128_final(&h, digest);
	return 0;
}

int frozen_key(const frozen_spec *spec, const char *plugin_version, const char *data_dir,
               uint8_t key[HASH128_BYTES], char *err, size_t errlen)
{
	hash128 h;
	hash128_init(&h);
	char line[4400];
	int n = snprintf(line, sizeof line,
	                 "lora_fmnist frozen model\nplugin %s\ncache format %u\n"
	                 "n_pretrain %zu\nn_train %zu\nn_test %zu\nfeatures %zu\nrows %zu\n"
	                 "pretrain_classes %ld\npretrain_epochs %ld\npretrain_seed %lu\n"
	                 "blas %s threads %d\ngsl %s\ndouble %zu\n",
	                 plugin_version, CACHE_FORMAT, spec->n_pre, spec->n_train, spec->n_test,
	                 spec->d, spec->rows, spec->known, spec->pretrain_epochs, spec->seed,
	                 openblas_get_config(), openblas_get_num_threads(), gsl_version,
	                 sizeof(double));
	hash128_update(&h, line, (size_t)n < sizeof line ? (size_t)n : sizeof line);
	for (int i = 0; i < FMNIST_FILES; i++) {
		char path[4200], hex[HASH128_HEX];
		uint8_t digest[HASH128_BYTES];
		uint64_t size;
		if (snprintf(path, sizeof path, "%s/%s", data_dir, fmnist_files[i]) >= (int)sizeof path) {
			snprintf(err, errlen, "data_dir '%.64s...': path too long", data_dir);
			return -1;
		}
		if (file_digest(path, &size, digest, err, errlen))
			return -1;
		hash128_hex(digest, hex);
		n = snprintf(line, sizeof line, "file %s size %llu hash128 %s\n", fmnist_files[i],
		             (unsigned long long)size, hex);
		hash128_update(&h, line, (size_t)n);
	}
	hash128_final(&h, key);
	return 0;
}

/* ---- computing it --------------------------------------------------------- */

/* Workspaces of the computation, freed together. */
typedef struct {
	fmnist_data data;
	size_t *pick;          /* pre-training images of the known classes */
	uint8_t *y_pre;
	size_t n_pick;
	gsl_matrix *Wf, *chunk, *phi_pre;
	batch_ws batches;
	optim_state oW, ob;
	gsl_rng *rng;
} work;

static void work_free(work *w)
{
	fmnist_free(&w->data);
	free(w->pick);
	free(w->y_pre);
	gsl_matrix *mats[] = { w->Wf, w->chunk, w->phi_pre };
	for (size_t i = 0; i < sizeof mats / sizeof mats[0]; i++)
		if (mats[i])
			gsl_matrix_free(mats[i]);
	batch_free(&w->batches);
	optim_free(&w->oW);
	optim_free(&w->ob);
	if (w->rng)
		gsl_rng_free(w->rng);
}

/* Reads the files and picks the pre-training images of the known classes. */
static int load(work *w, const frozen_spec *s, const char *data_dir, lindyn_host *h)
{
	char err[4608];
	if (fmnist_load(&w->data, data_dir, s->n_pre + s->n_train, s->n_test, err, sizeof err))
		return LINDYN_ERROR(h, LINDYN_EINVAL, "%s (n_pretrain + n_train = %zu, n_test = %zu)",
		                    err, s->n_pre + s->n_train, s->n_test);
	w->pick = malloc((s->n_pre ? s->n_pre : 1) * sizeof *w->pick);
	w->y_pre = malloc(s->n_pre ? s->n_pre : 1);
	if (!w->pick || !w->y_pre)
		return LINDYN_ERROR(h, LINDYN_ENOMEM, "cannot allocate the pre-training split");
	for (size_t i = 0; i < s->n_pre; i++)
		if (w->data.train_lab.data[i] < s->known) {
			w->pick[w->n_pick] = i;
			w->y_pre[w->n_pick++] = w->data.train_lab.data[i];
		}
	if (w->n_pick == 0 && s->known > 0 && s->pretrain_epochs > 0)
		return LINDYN_ERROR(h, LINDYN_EINVAL,
		                    "pretrain_classes=%ld: the first n_pretrain=%zu training images "
		                    "hold none of the classes 0..%ld (use pretrain_classes=0 for an "
		                    "untrained head)", s->known, s->n_pre, s->known - 1);
	if (s->pretrain_epochs == 0)
		w->n_pick = 0;
	return LINDYN_OK;
}

static int allocate(work *w, const frozen_spec *s, lindyn_host *h)
{
	size_t p = w->data.pixels, d = s->d;
	w->Wf = gsl_matrix_alloc(d, p);
	w->chunk = gsl_matrix_alloc(FEATURES_CHUNK, p);
	w->rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (w->n_pick > 0)
		w->phi_pre = gsl_matrix_alloc(w->n_pick, d);
	int bad = !w->Wf || !w->chunk || !w->rng || (w->n_pick > 0 && !w->phi_pre) ||
	          batch_alloc(&w->batches, w->n_pick, PRETRAIN_BATCH, d, 0) ||
	          optim_alloc(&w->oW, OPTIM_ADAM, PRETRAIN_LR, FMNIST_CLASSES * d) ||
	          optim_alloc(&w->ob, OPTIM_ADAM, PRETRAIN_LR, FMNIST_CLASSES);
	if (bad)
		return LINDYN_ERROR(h, LINDYN_ENOMEM, "cannot allocate the frozen model's workspaces "
		                    "(features=%zu)", d);
	return LINDYN_OK;
}

/* The feature map, the features of every split and the pre-trained head;
 * pretrain[] gets the head's fit on its own images. */
static void train_frozen(work *w, const frozen_spec *s, lora_head *head, gsl_matrix *phi_train,
                         gsl_matrix *phi_test, double *pretrain)
{
	gsl_rng_set(w->rng, s->seed);
	features_draw(w->rng, w->Wf);
	const uint8_t *train_px = w->data.train_img.data;
	if (w->phi_pre) {
		features_embed(w->Wf, train_px, w->pick, w->chunk, w->phi_pre);
		pretrain_head(head, w->phi_pre, w->y_pre, s->pretrain_epochs, w->rng, &w->batches,
		              &w->oW, &w->ob);
		double loss, acc;
		lora_head_evaluate(head, w->phi_pre, w->y_pre, &loss, &acc);
		pretrain[0] = (double)w->n_pick;
		pretrain[1] = loss;
		pretrain[2] = 100.0 * acc;
	}
	features_embed(w->Wf, train_px + s->n_pre * w->data.pixels, NULL, w->chunk, phi_train);
	features_embed(w->Wf, w->data.test_img.data, NULL, w->chunk, phi_test);
}

/* G = d(mean train cross-entropy)/dW at W0 (the adapter is still zero). */
static void gradient_at_w0(lora_head *head, const gsl_matrix *phi, const uint8_t *y,
                           double *G)
{
	size_t n = phi->size1, rows = head->rows;
	double sum = 0.0;
	size_t correct = 0;
	for (size_t i0 = 0; i0 < n; i0 += rows) {
		size_t k = n - i0 < rows ? n - i0 : rows;
		gsl_matrix_const_view X = gsl_matrix_const_submatrix(phi, i0, 0, k, phi->size2);
		lora_head_forward(head, &X.matrix, y + i0, 1.0 / (double)n, &sum, &correct);
		lora_head_grad_full(head, &X.matrix, i0 > 0);
	}
	memcpy(G, head->gW->data, head->c * head->d * sizeof *G);
}

int frozen_compute(frozen_model *fm, const frozen_spec *s, const char *data_dir,
                   lora_head *head, lindyn_host *h)
{
	layout L = layout_of(s);
	*fm = (frozen_model){ 0 };
	/* calloc: zero padding, so equal models are equal bytes */
	fm->owned = calloc(1, L.size);
	if (!fm->owned)
		return LINDYN_ERROR(h, LINDYN_ENOMEM, "cannot allocate the frozen model (%zu bytes)",
		                    L.size);
	bind(fm, s, fm->owned);
	uint8_t *base = fm->owned;
	size_t c = FMNIST_CLASSES, d = s->d;
	gsl_matrix_view phi_train = gsl_matrix_view_array((double *)(base + L.phi_train),
	                                                  s->n_train, d);
	gsl_matrix_view phi_test = gsl_matrix_view_array((double *)(base + L.phi_test), s->n_test, d);
	gsl_matrix_view S0_train = gsl_matrix_view_array((double *)(base + L.S0_train),
	                                                 s->n_train, c);
	gsl_matrix_view S0_test = gsl_matrix_view_array((double *)(base + L.S0_test), s->n_test, c);

	work w = { 0 };
	int st = load(&w, s, data_dir, h);
	if (!st)
		st = allocate(&w, s, h);
	if (!st) {
		memcpy(base + L.y_train, w.data.train_lab.data + s->n_pre, s->n_train);
		memcpy(base + L.y_test, w.data.test_lab.data, s->n_test);
		train_frozen(&w, s, head, &phi_train.matrix, &phi_test.matrix,
		             (double *)(base + L.pretrain));
		gradient_at_w0(head, &phi_train.matrix, fm->y_train, (double *)(base + L.G));
		lora_head_frozen_logits(head, &phi_train.matrix, &S0_train.matrix);
		lora_head_frozen_logits(head, &phi_test.matrix, &S0_test.matrix);
		memcpy(base + L.W0, head->W0->data, c * d * sizeof(double));
		memcpy(base + L.b0, head->b0->data, c * sizeof(double));
	}
	work_free(&w);
	return st;
}

void frozen_adopt(frozen_model *fm, const frozen_spec *spec, cache_entry *entry,
                  lora_head *head)
{
	*fm = (frozen_model){ .entry = *entry };
	*entry = (cache_entry){ 0 };
	bind(fm, spec, fm->entry.payload);
	memcpy(head->W0->data, fm->W0, head->c * head->d * sizeof(double));
	memcpy(head->b0->data, fm->b0, head->c * sizeof(double));
}

const void *frozen_payload(const frozen_model *fm)
{
	return fm->owned ? (const void *)fm->owned : (const void *)fm->entry.payload;
}

void frozen_free(frozen_model *fm)
{
	free(fm->owned);
	cache_close(&fm->entry);
	*fm = (frozen_model){ 0 };
}
