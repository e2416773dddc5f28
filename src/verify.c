/* verify.c -- `lindyn verify`: every claim of the documents, as a table
 * (paper, claim, measured, expected, PASS/FAIL); exit 1 on any FAIL or
 * ERROR. */
#include <stdio.h>
#include <string.h>

#include "claims.h"
#include "commands.h"
#include "doc.h"

/* The line of an earlier claim block of d with this id, or 0. */
static int earlier_claim(const doc *d, size_t before, const char *id)
{
	for (size_t k = 0; k < before; k++) {
		const block_field *f =
			d->blocks[k].kind == BLOCK_CLAIM ? block_field_get(&d->blocks[k], "id") : NULL;
		if (f && !strcmp(f->value, id))
			return d->blocks[k].line;
	}
	return 0;
}

int cmd_verify(int argc, char **argv)
{
	const char *data = "data";
	int first = 0;
	if (argc >= 2 && !strcmp(argv[0], "--data")) {
		data = argv[1];
		first = 2;
	}
	if (first == argc) {
		fprintf(stderr, "usage: lindyn verify [--data DIR] DOC.md...\n");
		return 1;
	}
	size_t pass = 0, failed = 0, errors = 0;
	printf("%-18s %-26s %-14s %-26s %s\n", "paper", "claim", "measured", "expected", "result");
	for (int i = first; i < argc; i++) {
		doc d;
		char err[1024];
		if (doc_load(&d, argv[i], err, sizeof err)) {
			fprintf(stderr, "lindyn verify: %s\n", err);
			return 1;
		}
		for (size_t b = 0; b < d.nblocks; b++) {
			if (d.blocks[b].kind != BLOCK_CLAIM)
				continue;
			claim_result r;
			claim_eval(&d, &d.blocks[b], data, &r);
			int twin = *r.id ? earlier_claim(&d, b, r.id) : 0;
			if (twin) { /* ids are unique within a document */
				r.outcome = CLAIM_ERROR;
				snprintf(r.detail, sizeof r.detail, "%s:%d: claim id '%s' is already used at line %d",
				         d.path, d.blocks[b].line, r.id, twin);
			}
			printf("%-18s %-26s %-14.6g %-26s %s\n", d.name, r.id, r.measured,
			       r.outcome == CLAIM_ERROR ? r.expect : *r.detail ? r.detail : r.expect,
			       claim_outcome_name(r.outcome));
			if (r.outcome == CLAIM_ERROR)
				printf("%-18s   error: %s\n", "", r.detail);
			pass += r.outcome == CLAIM_PASS;
			failed += r.outcome == CLAIM_FAIL;
			errors += r.outcome == CLAIM_ERROR;
		}
		doc_free(&d);
	}
	printf("\nclaims: %zu passed, %zu failed, %zu errors\n", pass, failed, errors);
	return failed || errors ? 1 : 0;
}
