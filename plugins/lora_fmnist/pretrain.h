/* pretrain.h -- the frozen "pre-trained" head: softmax regression of W0, b0
 * (from zero) on the features of the pre-training split, restricted to the
 * classes the pre-training task knows; the adapter stays zero.  Adam with
 * lr PRETRAIN_LR on minibatches of PRETRAIN_BATCH rows. */
#ifndef LORA_FMNIST_PRETRAIN_H
#define LORA_FMNIST_PRETRAIN_H

#include <stdint.h>

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>

#include "batches.h"
#include "head.h"
#include "optim.h"

#define PRETRAIN_BATCH 128
#define PRETRAIN_LR 0.01

/* `epochs` epochs on (X, y); oW (c*d) and ob (c) are Adam states, reset
 * here.  Leaves the gradients and S of m dirty. */
void pretrain_head(lora_head *m, const gsl_matrix *X, const uint8_t *y, long epochs,
                   gsl_rng *rng, batch_ws *bw, optim_state *oW, optim_state *ob);

#endif
