/* data.h -- the Fashion-MNIST files of one directory, as Debian's
 * dataset-fashion-mnist installs them under /usr/share/datasets/fashion-mnist:
 * {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz. */
#ifndef LORA_FMNIST_DATA_H
#define LORA_FMNIST_DATA_H

#include <stddef.h>

#include "idx.h"

#define FMNIST_CLASSES 10
#define FMNIST_FILES 4

/* The file names: train images, train labels, test images, test labels. */
extern const char *const fmnist_files[FMNIST_FILES];

typedef struct {
	idx_array train_img, train_lab;  /* the first keep_train items */
	idx_array test_img, test_lab;    /* the first keep_test items */
	size_t pixels;                   /* bytes of one image */
} fmnist_data;

/* Reads and checks the four files: images and labels agree in count, train
 * and test images in shape, and every kept label is a class 0..9.  Returns 0,
 * or -1 with a one-line reason naming the file in err[errlen]. */
int fmnist_load(fmnist_data *d, const char *dir, size_t keep_train, size_t keep_test,
                char *err, size_t errlen);
void fmnist_free(fmnist_data *d);

#endif
