/* experiment.h -- an experiment block expanded into its runs: sweep
 * points (the product of the sweep axes) times seeds. */
#ifndef LINDYN_EXPERIMENT_H
#define LINDYN_EXPERIMENT_H

#include <stddef.h>

#include "doc.h"

typedef struct {
	size_t nkeys, nvalues;
	char **keys;        /* nkeys */
	char **values;      /* nvalues * nkeys, tuple-major */
	int line;
} sweep_axis;

typedef struct {
	const doc *doc;
	const block *block;
	const char *name, *plugin;
	unsigned long base_seed;
	long seeds;
	char **set;         /* "key=value", quick overrides last */
	size_t nset;
	sweep_axis *axes;
	size_t naxes;
	char **aggregate;
	size_t naggregate;
	int expect_diverge;
} experiment;

/* Parses an experiment block (quick: apply quick/quick-sweep overrides). */
int experiment_parse(experiment *e, const doc *d, const block *b, int quick, char *err,
                     size_t errlen);
void experiment_free(experiment *e);

size_t experiment_npoints(const experiment *e);
/* The point's directory name ("h-500_init-gauss", "base") and, if kv is not
 * NULL, its "key=value" assignments (nkv set; strings owned by e). */
void experiment_point(const experiment *e, size_t point, char *name, size_t len,
                      const char **keys, const char **values, size_t *nkv);

/* The seed of seed index k of an experiment with this base seed
 * (splitmix64 of both, so nearby base seeds give unrelated streams). */
unsigned long experiment_run_seed(unsigned long base, long k);

#endif
