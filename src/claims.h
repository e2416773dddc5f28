/* claims.h -- evaluates one claim block against a data directory. */
#ifndef LINDYN_CLAIMS_H
#define LINDYN_CLAIMS_H

#include <stddef.h>

#include "doc.h"

typedef enum { CLAIM_PASS, CLAIM_FAIL, CLAIM_ERROR } claim_outcome;

typedef struct {
	const char *id, *claim, *paper, *expect; /* texts from the block ("" if absent) */
	double measured;
	claim_outcome outcome;
	char detail[512]; /* the reason of an ERROR, or the expected value computed */
} claim_result;

void claim_eval(const doc *d, const block *b, const char *datadir, claim_result *r);
const char *claim_outcome_name(claim_outcome o);

#endif
