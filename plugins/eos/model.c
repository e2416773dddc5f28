/* model.c -- what the models share: their release, and the pieces common to
 * the two-parameter models (the valley and the logistic example). */
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

void eos_plane_hvp(eos_model *m, const double *x, const double *v, double *out)
{
	double H[4];
	m->ops->hessian(m, x, H);
	out[0] = H[0] * v[0] + H[1] * v[1];
	out[1] = H[2] * v[0] + H[3] * v[1];
}

void eos_plane_project(eos_model *m, const double *x, double *p)
{
	(void)m;
	p[0] = x[0];
	p[1] = 0.0;
}
