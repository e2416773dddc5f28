/* gd2.h -- gradient descent on a two-layer linear network Y ~ X W1 W2.
 *
 * Conventions (AISTATS 2023 / the implicit-bias spec S3): X is n x d,
 * Y is n x m, W1 is d x h, W2 is h x m, W = W1 W2 is d x m.  The TMLR
 * paper writes W = W1 W2^T with its W2 being our W2^T and its "n" (the
 * input dimension) being our d.  Internally the loss is always the summed
 * loss L = l(W1 W2) - l*; loss_scale=mean only rescales what is reported
 * and the step: the mean loss (1/n)||.||^2 is (2/n) L, so its GD step of
 * size eta is GD on L with step 2 eta / n. */
#ifndef GD2_H
#define GD2_H

/* The gd2 model: model.h (matrices, GD step, loss.h), imbalance.h
 * (imbalance levels, drift, the reduced subspace). */
#include "lindyn/plugin.h"

#include "imbalance.h"
#include "model.h"

#endif
