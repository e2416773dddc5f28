/* optim.h -- the two optimizers of the paper's image experiments: Adam
 * (Figure 2: lr 0.01) and plain SGD (App. H.2: step 0.1), on a flat array of
 * parameters.  Adam uses PyTorch's defaults beta1 = 0.9, beta2 = 0.999,
 * eps = 1e-8 with bias correction, no weight decay. */
#ifndef LORA_FMNIST_OPTIM_H
#define LORA_FMNIST_OPTIM_H

#include <stddef.h>

/* The optimizers, in the order of the parameter's choices (h->get_enum). */
#define OPTIM_KINDS(X) X(ADAM, adam) X(SGD, sgd)
#define OPTIM_ENUM(tag, name) OPTIM_##tag,
#define OPTIM_CHOICE(tag, name) "|" #name
typedef enum { OPTIM_KINDS(OPTIM_ENUM) } optim_kind;
/* "adam|sgd" */
#define OPTIM_CHOICES (OPTIM_KINDS(OPTIM_CHOICE) + 1)

typedef struct {
	optim_kind kind;
	double lr;
	size_t n;
	long t;            /* steps taken */
	double *m, *v;     /* Adam's first and second moments (NULL for SGD) */
} optim_state;

/* Returns 0, or -1 when out of memory. */
int optim_alloc(optim_state *o, optim_kind kind, double lr, size_t n);
void optim_free(optim_state *o);
/* Zero moments and step count. */
void optim_reset(optim_state *o);
/* One step on x[n] with gradient g[n]. */
void optim_step(optim_state *o, double *x, const double *g);

#endif
