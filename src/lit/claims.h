/* claims.h -- evaluates one claim block against a data directory. */
#ifndef LINDYN_CLAIMS_H
#define LINDYN_CLAIMS_H

#include <stddef.h>

#include "doc.h"
#include "expr.h"

/* PASS: the expectation holds.  FAIL: it does not.  DIFFERS: it does not,
 * and the block's known: line documents why (a disagreement with the
 * paper).  n/a: quick scale, and the block's quick: says the property
 * cannot be seen there.  ERROR: the claim could not be judged. */
typedef enum { CLAIM_PASS, CLAIM_FAIL, CLAIM_ERROR, CLAIM_DIFFERS, CLAIM_NA } claim_outcome;
#define CLAIM_OUTCOMES 5

typedef struct {
	const char *id, *claim, *paper; /* texts from the block ("" if absent) */
	const char *expect;   /* the expectation applied: quick:'s at quick scale when given */
	const char *known;    /* the known: reason ("" if absent) */
	int quick_expect;     /* 1 when expect is the block's quick: expectation */
	double measured;      /* NAN when not measured */
	claim_outcome outcome;
	char expected[256];   /* the expectation with its values computed, "" if not reached */
	/* ERROR: the reason; DIFFERS: the known: reason; n/a: the quick: reason;
	 * PASS of a claim with known: the note that the known: line is stale;
	 * "" otherwise. */
	char detail[512];
} claim_result;

/* quick: evaluate at quick scale (the block's quick: line applies). */
void claim_eval(const doc *d, const block *b, const char *datadir, int quick, claim_result *r);
/* Passes every table and run reference of the claim's let:, measure: and
 * expect: (or, quick, quick:) expressions, with their column names, to fn
 * (expr_env_check_with), setting *line to the line of the field being
 * checked first; reads no data.  Returns -1 when fn failed, else 0 (other
 * problems are verify's to report). */
int claim_check(const block *b, int quick, expr_checker fn, void *ctx, int *line);
/* "PASS", "FAIL", "ERROR", "DIFFERS", "n/a". */
const char *claim_outcome_name(claim_outcome o);

#endif
