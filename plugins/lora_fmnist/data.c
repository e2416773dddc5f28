/* data.c -- loading the Fashion-MNIST split files (see data.h). */
#include "data.h"

#include <stdio.h>
#include <string.h>

static int join(char *out, size_t len, const char *dir, const char *name, char *err,
                size_t errlen)
{
	if ((size_t)snprintf(out, len, "%s/%s", dir, name) < len)
		return 0;
	snprintf(err, errlen, "data_dir '%.64s...': path too long", dir);
	return -1;
}

const char *const fmnist_files[FMNIST_FILES] = {
	"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
	"t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz",
};

/* One split (split 0 train, 1 test): images (idx3) and labels (idx1) that
 * must describe the same items, with labels in 0..FMNIST_CLASSES-1. */
static int load_split(const char *dir, int split, size_t keep, idx_array *img,
                      idx_array *lab, char *err, size_t errlen)
{
	char ipath[4096], lpath[4096];
	if (join(ipath, sizeof ipath, dir, fmnist_files[2 * split], err, errlen) ||
	    join(lpath, sizeof lpath, dir, fmnist_files[2 * split + 1], err, errlen))
		return -1;
	if (idx_read(ipath, 3, keep, img, err, errlen) || idx_read(lpath, 1, keep, lab, err, errlen))
		return -1;
	if (lab->count != img->count) {
		snprintf(err, errlen, "%s: holds %zu labels, expected %zu (one per image of %s)",
		         lpath, lab->count, img->count, ipath);
		return -1;
	}
	for (size_t i = 0; i < lab->kept; i++)
		if (lab->data[i] >= FMNIST_CLASSES) {
			snprintf(err, errlen, "%s: label %u of item %zu, expected a class 0..%d", lpath,
			         lab->data[i], i, FMNIST_CLASSES - 1);
			return -1;
		}
	return 0;
}

int fmnist_load(fmnist_data *d, const char *dir, size_t keep_train, size_t keep_test,
                char *err, size_t errlen)
{
	memset(d, 0, sizeof *d);
	if (load_split(dir, 0, keep_train, &d->train_img, &d->train_lab, err, errlen) ||
	    load_split(dir, 1, keep_test, &d->test_img, &d->test_lab, err, errlen)) {
		fmnist_free(d);
		return -1;
	}
	if (d->test_img.rows != d->train_img.rows || d->test_img.cols != d->train_img.cols) {
		snprintf(err, errlen, "%s/t10k-images-idx3-ubyte.gz: images of %zu x %zu pixels, "
		         "expected %zu x %zu as in the training images", dir, d->test_img.rows,
		         d->test_img.cols, d->train_img.rows, d->train_img.cols);
		fmnist_free(d);
		return -1;
	}
	d->pixels = d->train_img.rows * d->train_img.cols;
	return 0;
}

void fmnist_free(fmnist_data *d)
{
	idx_free(&d->train_img);
	idx_free(&d->train_lab);
	idx_free(&d->test_img);
	idx_free(&d->test_lab);
}
