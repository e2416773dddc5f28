/* model.c -- what every model shares: its release. */
#include "model.h"

#include <stdlib.h>

void eos_model_free(eos_model *m)
{
	if (!m)
		return;
	free(m->work);
	free(m->a);
	free(m->z);
	free(m);
}
