/* select.h -- table and run references of claims and figures
 * (paper/FORMAT.md, "Table references"):
 *     EXP[key=value, ..., seed=K]/TABLE     TABLE = T, T.agg or T.final
 *     EXP[key=value, ..., seed=K]           a run (status())
 * resolved against the experiments of one document into paths under the
 * data directory. */
#ifndef LINDYN_SELECT_H
#define LINDYN_SELECT_H

#include <stddef.h>

#include "doc.h"
#include "experiment.h"

typedef enum { REF_RUN, REF_TABLE, REF_AGG, REF_FINAL } ref_kind;

/* A resolved reference: the experiment, the points it selects (sweep
 * order) and, per point, the path under the data directory without the
 * ".tsv" of a table ("e/p/s0/loss", "e/p/loss.agg", "e/loss.final", a run's
 * "e/p/s0") and the make target that produces it. */
typedef struct {
	const experiment *e;
	ref_kind kind;
	char table[64]; /* T, without .agg/.final; "" for a run */
	long seed;      /* the run's seed index (REF_RUN, REF_TABLE) */
	size_t n;
	size_t *points;
	char **paths;
} data_sel;

/* The experiments of a document, parsed at one scale. */
typedef struct {
	experiment *e;
	size_t n;
} doc_experiments;

/* Parses every experiment block of d (quick: with its quick overrides);
 * 0, or -1 with err set. */
int doc_experiments_load(doc_experiments *x, const doc *d, int quick, char *err, size_t errlen);
void doc_experiments_free(doc_experiments *x);

/* Resolves ref (is_run: a run reference, else a table reference) against
 * x; one: exactly one point must match (claims), else at least one
 * (figures).  0, or -1 with err saying what is wrong and, when the
 * selection matches no point or several, the candidates. */
int data_sel_resolve(data_sel *s, const doc_experiments *x, const char *ref, int is_run, int one,
                     char *err, size_t errlen);
void data_sel_free(data_sel *s);

/* 1 when a selection value v matches a point's value p: the same text by
 * experiment_value_text, so a number matches however either side writes it
 * ("1e-3" matches "0.001", "0.10" matches "0.1"). */
int sel_value_matches(const char *v, const char *p);

#endif
