/* pretrain.c -- softmax regression of the frozen head (see pretrain.h). */
#include "pretrain.h"

void pretrain_head(lora_head *m, const gsl_matrix *X, const uint8_t *y, long epochs,
                   gsl_rng *rng, batch_ws *bw, optim_state *oW, optim_state *ob)
{
	size_t n = X->size1;
	optim_reset(oW);
	optim_reset(ob);
	for (long e = 0; e < epochs; e++) {
		batch_shuffle(bw, rng, n);
		for (size_t i0 = 0; i0 < n; i0 += PRETRAIN_BATCH) {
			size_t k = n - i0 < PRETRAIN_BATCH ? n - i0 : PRETRAIN_BATCH;
			gsl_matrix_view Xb = batch_gather(bw, X, y, i0, k);
			double loss = 0.0;
			size_t correct = 0;
			lora_head_forward(m, &Xb.matrix, bw->y, 1.0 / (double)k, &loss, &correct);
			lora_head_grad_full(m, &Xb.matrix, 0);
			optim_step(oW, m->W0->data, m->gW->data);
			optim_step(ob, m->b0->data, m->gb->data);
		}
	}
}
