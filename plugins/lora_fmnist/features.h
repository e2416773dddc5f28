/* features.h -- the frozen feature map of lora_fmnist: random ReLU features
 *
 *     phi(x) = max(0, Wf (x / 255 - 1/2)),   Wf (d x p) iid N(0, 4 / p),
 *
 * a one-hidden-layer network with a random first layer (Rahimi & Recht's
 * random features).  Pixels are mapped to [-1/2, 1/2] and the scale 4/p makes
 * the pre-activations of order one, so the features are non-negative and of
 * order one like the pooled output of a convolutional network's last block. */
#ifndef LORA_FMNIST_FEATURES_H
#define LORA_FMNIST_FEATURES_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_rng.h>

/* Rows of pixels converted at once: the size of the chunk workspace. */
#define FEATURES_CHUNK 256

/* Draws Wf (d x p) row by row. */
void features_draw(gsl_rng *rng, gsl_matrix *Wf);

/* phi row i = phi(image pick[i]) (image i when pick is NULL) for i < phi->size1,
 * where image j is pixels[j*p .. j*p+p-1].  chunk is FEATURES_CHUNK x p. */
void features_embed(const gsl_matrix *Wf, const uint8_t *pixels, const size_t *pick,
                    gsl_matrix *chunk, gsl_matrix *phi);

#endif
