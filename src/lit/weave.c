/* weave.c -- `lindyn weave`: a paper document as Markdown for pandoc, with
 * every figure block replaced by the rendered figure and every claim block by
 * its result, and the claim table appended; `--index` writes the front page
 * that lists every document with its figures and verdict counts.
 *
 * The prose is passed through for pandoc to render (math included); every
 * text taken from a block (captions, claims, expressions, values) is emitted
 * as escaped HTML inside a raw block, so that Markdown never reinterprets it:
 * `3*sqrt(x)` and `45*0.9` are shown exactly as written. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "claims.h"
#include "../cmd/commands.h"
#include "doc.h"

typedef struct {
	const char *data;    /* the data directory the claims read */
	const char *figures; /* the figures' URL prefix, as seen from the page */
	int quick;           /* judge claims at quick scale (their quick: lines) */
} weave_opts;

/* The verdicts of one document: how many claims got each outcome. */
typedef struct {
	claim_outcome outcome;
	size_t count;
} verdict_count;

typedef struct {
	claim_result *items;
	size_t n;
	verdict_count counts[16];
	size_t ncounts;
} claim_results;

static void emit_lines(FILE *out, const char *src, int from, int to)
{
	int line = 1;
	for (const char *p = src; *p && line <= to; p++) {
		if (line >= from)
			fputc(*p, out);
		if (*p == '\n')
			line++;
	}
}

static const char *field(const block *b, const char *key)
{
	const block_field *f = block_field_get(b, key);
	return f ? f->value : "";
}

/* s with & < > " escaped, for HTML text and attribute values. */
static void html(FILE *out, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(*s, out);
		}
	}
}

/* An identifier for a narrow table cell: escaped, and breakable after each
 * underscore rather than anywhere. */
static void html_breakable(FILE *out, const char *s)
{
	for (; *s; s++) {
		char c[2] = { *s, 0 };
		html(out, c);
		if (*s == '_')
			fputs("<wbr>", out);
	}
}

/* The CSS class of a verdict: its name lowercased, non-letters dropped
 * ("PASS" -> "pass", "n/a" -> "na"), so a new verdict needs no change here. */
static void verdict_class(claim_outcome o, char *buf, size_t len)
{
	size_t k = 0;
	for (const char *p = claim_outcome_name(o); *p && k + 1 < len; p++)
		if (isalpha((unsigned char)*p))
			buf[k++] = (char)tolower((unsigned char)*p);
	buf[k] = 0;
}

static void emit_verdict(FILE *out, claim_outcome o)
{
	char cls[32];
	verdict_class(o, cls, sizeof cls);
	fprintf(out, "<span class=\"verdict %s\">", cls);
	html(out, claim_outcome_name(o));
	fputs("</span>", out);
}

/* The note of a result: the reason of an ERROR or the expectation as
 * computed, unless that only repeats the expect: text. */
static const char *note_of(const claim_result *r)
{
	return strcmp(r->detail, r->expect) ? r->detail : "";
}

static int results_add(claim_results *rs, const claim_result *r)
{
	claim_result *grown = realloc(rs->items, (rs->n + 1) * sizeof *grown);
	if (!grown)
		return -1;
	rs->items = grown;
	rs->items[rs->n++] = *r;
	size_t k = 0;
	while (k < rs->ncounts && rs->counts[k].outcome != r->outcome)
		k++;
	if (k == rs->ncounts) {
		if (k == sizeof rs->counts / sizeof rs->counts[0])
			return -1;
		/* kept sorted by outcome, so every page lists verdicts in one order */
		while (k > 0 && rs->counts[k - 1].outcome > r->outcome) {
			rs->counts[k] = rs->counts[k - 1];
			k--;
		}
		rs->counts[k] = (verdict_count){ r->outcome, 0 };
		rs->ncounts++;
	}
	rs->counts[k].count++;
	return 0;
}

/* "3 claims: 2 PASS, 1 ERROR", with each verdict coloured. */
static void emit_counts(FILE *out, const claim_results *rs)
{
	fprintf(out, "<span class=\"counts\">%zu claim%s", rs->n, rs->n == 1 ? "" : "s");
	for (size_t k = 0; k < rs->ncounts; k++) {
		fprintf(out, "%s%zu ", k ? ", " : ": ", rs->counts[k].count);
		emit_verdict(out, rs->counts[k].outcome);
	}
	fputs("</span>", out);
}

static void emit_experiment(FILE *out, const doc *d, const block *b)
{
	fputs("```\n", out);
	emit_lines(out, d->source, b->line + 1, b->end_line - 1);
	fputs("```\n", out);
}

/* "<figures>/<name>.<ext>", escaped. */
static void emit_figure_url(FILE *out, const weave_opts *o, const char *name, const char *ext)
{
	html(out, o->figures);
	fputc('/', out);
	html(out, name);
	fprintf(out, ".%s", ext);
}

/* The tables a figure reads: its data: lines' references, ", "-separated. */
static void emit_figure_data(FILE *out, const block *b)
{
	const char *sep = "";
	for (size_t i = 0; i < b->nfields; i++) {
		const char *eq = strcmp(b->fields[i].key, "data") ? NULL : strchr(b->fields[i].value, '=');
		if (!eq)
			continue;
		fputs(sep, out);
		html(out, eq + 1 + strspn(eq + 1, " \t"));
		sep = ", ";
	}
}

/* A figure at full width; the image links to the PNG, and the PDF and PNG
 * are named under it. */
static void emit_figure(FILE *out, const block *b, const weave_opts *o)
{
	const char *name = field(b, "name");
	fputs("\n```{=html}\n<figure class=\"lindyn\" id=\"fig-", out);
	html(out, name);
	fputs("\">\n<a href=\"", out);
	emit_figure_url(out, o, name, "png");
	fputs("\"><img src=\"", out);
	emit_figure_url(out, o, name, "png");
	fputs("\" alt=\"Figure ", out);
	html(out, name);
	fputs("\"></a>\n<figcaption><b>Figure <code>", out);
	html(out, name);
	fputs("</code>.</b> ", out);
	html(out, field(b, "caption"));
	fputs("<br><span class=\"figlinks\"><a href=\"", out);
	emit_figure_url(out, o, name, "pdf");
	fputs("\">PDF</a> · <a href=\"", out);
	emit_figure_url(out, o, name, "png");
	fputs("\">PNG</a> · script <code>", out);
	html(out, field(b, "script"));
	fputs("</code> · data <code>", out);
	emit_figure_data(out, b);
	fputs("</code></span></figcaption>\n</figure>\n```\n", out);
}

/* A claim where its block stood: verdict, claim, paper, measured, expected. */
static void emit_claim(FILE *out, const claim_result *r)
{
	char cls[32];
	verdict_class(r->outcome, cls, sizeof cls);
	fprintf(out, "\n```{=html}\n<div class=\"claim %s\" id=\"claim-", cls);
	html(out, r->id);
	fputs("\">\n<p>", out);
	emit_verdict(out, r->outcome);
	fputs(" <b>Claim <code>", out);
	html(out, r->id);
	fputs("</code></b> — ", out);
	html(out, r->claim);
	fputs("</p>\n<p>Paper: ", out);
	html(out, r->paper);
	fprintf(out, "<br>Measured: <code>%.6g</code>; expected <code>", r->measured);
	html(out, r->expect);
	fputs("</code>", out);
	if (*note_of(r)) {
		fputs(" — ", out);
		html(out, note_of(r));
	}
	fputs("</p>\n</div>\n```\n", out);
}

static void emit_table_row(FILE *out, const claim_result *r)
{
	char cls[32];
	verdict_class(r->outcome, cls, sizeof cls);
	fprintf(out, "<tr class=\"%s\"><td><a href=\"#claim-", cls);
	html(out, r->id);
	fputs("\"><code>", out);
	html_breakable(out, r->id);
	fputs("</code></a></td><td>", out);
	html(out, r->claim);
	fputs("</td><td>", out);
	html(out, r->paper);
	fprintf(out, "</td><td><code>%.6g</code></td><td><code>", r->measured);
	html(out, r->expect);
	fputs("</code></td><td>", out);
	emit_verdict(out, r->outcome);
	fputs("</td><td>", out);
	html(out, note_of(r));
	fputs("</td></tr>\n", out);
}

static void emit_claim_table(FILE *out, const claim_results *rs)
{
	fputs("\n## Claim table\n\n```{=html}\n<p>", out);
	emit_counts(out, rs);
	fputs("</p>\n<table class=\"claims\">\n<thead><tr><th>id</th><th>claim</th><th>paper</th>"
	      "<th>measured</th><th>expected</th><th>verdict</th><th>note</th></tr></thead>\n"
	      "<tbody>\n",
	      out);
	for (size_t k = 0; k < rs->n; k++)
		emit_table_row(out, &rs->items[k]);
	fputs("</tbody>\n</table>\n```\n", out);
}

/* Evaluates every claim of d into rs (in document order). */
static int evaluate_claims(const doc *d, const weave_opts *o, claim_results *rs)
{
	for (size_t k = 0; k < d->nblocks; k++) {
		if (d->blocks[k].kind != BLOCK_CLAIM)
			continue;
		claim_result r;
		claim_eval(d, &d->blocks[k], o->data, o->quick, &r);
		if (results_add(rs, &r)) {
			fprintf(stderr, "lindyn weave: %s: out of memory for the claim results\n",
			        d->path);
			return -1;
		}
	}
	return 0;
}

static void weave_page(FILE *out, const doc *d, const weave_opts *o, const claim_results *rs)
{
	int next = 1;
	size_t nclaims = 0;
	for (size_t k = 0; k < d->nblocks; k++) {
		const block *b = &d->blocks[k];
		emit_lines(out, d->source, next, b->line - 1);
		next = b->end_line + 1;
		if (b->kind == BLOCK_EXPERIMENT)
			emit_experiment(out, d, b);
		else if (b->kind == BLOCK_FIGURE)
			emit_figure(out, b, o);
		else
			emit_claim(out, &rs->items[nclaims++]);
	}
	emit_lines(out, d->source, next, 1 << 30);
	emit_claim_table(out, rs);
}

/* The document's title: its first "# " line, or its name. */
static void emit_title(FILE *out, const doc *d)
{
	const char *t = d->source;
	while (t && strncmp(t, "# ", 2)) {
		t = strchr(t, '\n');
		t = t ? t + 1 : NULL;
	}
	if (!t) {
		html(out, d->name);
		return;
	}
	t += 2;
	const char *end = strchr(t, '\n');
	char *title = strndup(t, end ? (size_t)(end - t) : strlen(t));
	html(out, title ? title : d->name);
	free(title);
}

/* One document on the front page: title linking to its page, verdict
 * counts, and its figures as thumbnails linking to them on the page. */
static void index_entry(FILE *out, const doc *d, const weave_opts *o, const claim_results *rs)
{
	fputs("<section class=\"paper\">\n<h2><a href=\"", out);
	html(out, d->name);
	fputs(".html\">", out);
	emit_title(out, d);
	fputs("</a></h2>\n<p><code>", out);
	html(out, d->path);
	fputs("</code> · ", out);
	emit_counts(out, rs);
	fputs("</p>\n<div class=\"thumbs\">\n", out);
	for (size_t k = 0; k < d->nblocks; k++) {
		const block *b = &d->blocks[k];
		if (b->kind != BLOCK_FIGURE)
			continue;
		const char *name = field(b, "name");
		fputs("<a href=\"", out);
		html(out, d->name);
		fputs(".html#fig-", out);
		html(out, name);
		fputs("\"><img src=\"", out);
		emit_figure_url(out, o, name, "png");
		fputs("\" alt=\"Figure ", out);
		html(out, name);
		fputs("\" title=\"", out);
		html(out, name);
		fputs("\"></a>\n", out);
	}
	fputs("</div>\n</section>\n", out);
}

static void index_head(FILE *out, const weave_opts *o)
{
	fputs("# lindyn: the papers and their checks\n\n```{=html}\n<p>Each page below is one "
	      "paper's reproduction: its prose, its figures and every claim checked against the "
	      "data in <code>",
	      out);
	html(out, o->data);
	fputs("</code>. Click a paper for its page, a thumbnail for that figure.</p>\n",
	      out);
}

/* Loads, evaluates and emits one document (a page, or its index entry). */
static int weave_one(FILE *out, const char *path, const weave_opts *o, int index)
{
	doc d;
	char err[1024];
	if (doc_load(&d, path, err, sizeof err)) {
		fprintf(stderr, "lindyn weave: %s\n", err);
		return 1;
	}
	claim_results rs = { 0 };
	int rc = evaluate_claims(&d, o, &rs);
	if (!rc && index)
		index_entry(out, &d, o, &rs);
	else if (!rc)
		weave_page(out, &d, o, &rs);
	free(rs.items);
	doc_free(&d);
	return rc ? 1 : 0;
}

/* Every byte written, or one line saying why not (a full disk must not
 * leave a page that looks complete with exit 0). */
static int finish_output(FILE *out)
{
	if (fflush(out) == 0 && !ferror(out))
		return 0;
	fprintf(stderr, "lindyn weave: writing the page failed: %s\n", strerror(errno));
	return 1;
}

int cmd_weave(int argc, char **argv)
{
	weave_opts o = { "data", "../figures", 0 };
	int index = 0, i = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--index"))
			index = 1;
		else if (!strcmp(argv[i], "--quick"))
			o.quick = 1;
		else if (!strcmp(argv[i], "--data") && i + 1 < argc)
			o.data = argv[++i];
		else if (!strcmp(argv[i], "--figures") && i + 1 < argc)
			o.figures = argv[++i];
		else
			break;
	}
	if (i >= argc || (!index && i + 1 != argc) || argv[i][0] == '-') {
		fprintf(stderr, "usage: lindyn weave [--quick] [--data DIR] [--figures URL] DOC.md\n"
		                "       lindyn weave --index [--quick] [--data DIR] [--figures URL] DOC.md...\n");
		return 1;
	}
	FILE *out = stdout;
	if (index)
		index_head(out, &o);
	for (; i < argc; i++)
		if (weave_one(out, argv[i], &o, index))
			return 1;
	if (index)
		fputs("```\n", out);
	return finish_output(out);
}
