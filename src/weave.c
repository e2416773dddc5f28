/* weave.c -- `lindyn weave`: a paper document as plain Markdown for pandoc,
 * with every figure block replaced by the rendered figure and every claim
 * block by its result, and the claim table appended. */
#include <stdio.h>
#include <string.h>

#include "claims.h"
#include "commands.h"
#include "doc.h"

static void emit_lines(const char *src, int from, int to)
{
	int line = 1;
	for (const char *p = src; *p && line <= to; p++) {
		if (line >= from)
			putchar(*p);
		if (*p == '\n')
			line++;
	}
}

static const char *field(const block *b, const char *key)
{
	const block_field *f = block_field_get(b, key);
	return f ? f->value : "";
}

int cmd_weave(int argc, char **argv)
{
	const char *data = "data", *figures = "../figures";
	int i = 0;
	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "--data"))
			data = argv[i + 1];
		else if (!strcmp(argv[i], "--figures"))
			figures = argv[i + 1];
		else
			break;
	}
	if (i + 1 != argc) {
		fprintf(stderr, "usage: lindyn weave [--data DIR] [--figures URL] DOC.md\n");
		return 1;
	}
	doc d;
	char err[1024];
	if (doc_load(&d, argv[i], err, sizeof err)) {
		fprintf(stderr, "lindyn weave: %s\n", err);
		return 1;
	}
	int next = 1;
	size_t nclaims = 0;
	claim_result results[512];
	for (size_t k = 0; k < d.nblocks; k++) {
		const block *b = &d.blocks[k];
		emit_lines(d.source, next, b->line - 1);
		next = b->end_line + 1;
		if (b->kind == BLOCK_EXPERIMENT) {
			printf("```\n");
			emit_lines(d.source, b->line + 1, b->end_line - 1);
			printf("```\n");
		} else if (b->kind == BLOCK_FIGURE) {
			printf("![%s](%s/%s.png)\n\n*Figure `%s`* (script `%s`, data of `%s`; "
			       "PDF: [%s.pdf](%s/%s.pdf))\n",
			       field(b, "caption"), figures, field(b, "name"), field(b, "name"),
			       field(b, "script"), field(b, "uses"), field(b, "name"), figures,
			       field(b, "name"));
		} else {
			claim_result *r = &results[nclaims < 512 ? nclaims++ : 511];
			claim_eval(&d, b, data, 0, r);
			int detail = *r->detail && strcmp(r->detail, r->expect);
			printf("> **Claim `%s` — %s.** %s  \n> Paper: %s  \n> Measured: %.6g; expected %s%s%s\n",
			       r->id, claim_outcome_name(r->outcome), r->claim, r->paper, r->measured,
			       r->expect, detail ? " — " : "", detail ? r->detail : "");
		}
	}
	emit_lines(d.source, next, 1 << 30);
	printf("\n## Claim table\n\n| claim | measured | expected | result |\n|---|---|---|---|\n");
	for (size_t k = 0; k < nclaims; k++)
		printf("| `%s` | %.6g | %s | **%s** |\n", results[k].id, results[k].measured,
		       results[k].expect, claim_outcome_name(results[k].outcome));
	doc_free(&d);
	return 0;
}
