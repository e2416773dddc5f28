/* verify.c -- `lindyn verify`: every claim of the documents, judged, as a
 * report for people (per paper: verdict, claim, measured, expected, the
 * paper's value and the claim's description; then a summary) or as TSV for
 * machines.  Exit 0 when every claim is PASS, DIFFERS or n/a; 1 on any FAIL
 * or ERROR, on bad input, or when the report cannot be written. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "claims.h"
#include "../cmd/commands.h"
#include "doc.h"

typedef struct {
	const char *data;
	int quick, tsv;
	char **docs;
	int ndocs;
} options;

typedef struct {
	const doc *d;
	claim_result r;
} row;

typedef struct {
	FILE *f;
	int err;    /* errno of the first failed write, 0 while all went well */
	int colour; /* ANSI colours on the verdicts */
} report;

static int usage(void)
{
	fprintf(stderr, "usage: lindyn verify [--data DIR] [--quick] [--format text|tsv] DOC.md...\n");
	return 1;
}

/* 0, or -1 after one line on stderr. */
static int parse_options(int argc, char **argv, options *o)
{
	*o = (options){ .data = "data" };
	int i = 0;
	for (; i < argc && !strncmp(argv[i], "--", 2); i++) {
		if (!strcmp(argv[i], "--quick")) {
			o->quick = 1;
		} else if (!strcmp(argv[i], "--data") && i + 1 < argc) {
			o->data = argv[++i];
		} else if (!strcmp(argv[i], "--format") && i + 1 < argc) {
			const char *f = argv[++i];
			if (strcmp(f, "text") && strcmp(f, "tsv")) {
				fprintf(stderr, "lindyn verify: --format '%s': expected text or tsv\n", f);
				return -1;
			}
			o->tsv = !strcmp(f, "tsv");
		} else {
			usage();
			return -1;
		}
	}
	o->docs = argv + i;
	o->ndocs = argc - i;
	return o->ndocs ? 0 : (usage(), -1);
}

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

/* Judges every claim of d, appending to *rows; -1 when out of memory. */
static int judge_doc(const doc *d, const options *o, row **rows, size_t *n)
{
	for (size_t b = 0; b < d->nblocks; b++) {
		if (d->blocks[b].kind != BLOCK_CLAIM)
			continue;
		row *grown = realloc(*rows, (*n + 1) * sizeof *grown);
		if (!grown)
			return -1;
		*rows = grown;
		row *w = &grown[(*n)++];
		w->d = d;
		claim_eval(d, &d->blocks[b], o->data, o->quick, &w->r);
		int twin = *w->r.id ? earlier_claim(d, b, w->r.id) : 0;
		if (twin) { /* ids are unique within a document */
			w->r.outcome = CLAIM_ERROR;
			snprintf(w->r.detail, sizeof w->r.detail,
			         "%s:%d: claim id '%s' is already used at line %d", d->path,
			         d->blocks[b].line, w->r.id, twin);
		}
	}
	return 0;
}

static void emit(report *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(report *w, const char *fmt, ...)
{
	if (w->err)
		return;
	va_list ap;
	va_start(ap, fmt);
	errno = 0;
	if (vfprintf(w->f, fmt, ap) < 0)
		w->err = errno ? errno : EIO;
	va_end(ap);
}

/* A TSV field: backslash, tab and newline escaped as \\, \t, \n. */
static void emit_field(report *w, const char *s, const char *end)
{
	for (; *s; s++)
		if (*s == '\\' || *s == '\t' || *s == '\n')
			emit(w, "\\%c", *s == '\\' ? '\\' : *s == '\t' ? 't' : 'n');
		else
			emit(w, "%c", *s);
	emit(w, "%s", end);
}

static void emit_tsv(report *w, const row *rows, size_t n)
{
	emit(w, "paper\tid\tverdict\tmeasured\texpected\texpect\texpect_source\tclaim\tpaper_value"
	        "\tknown\tdetail\n");
	for (size_t i = 0; i < n; i++) {
		const claim_result *r = &rows[i].r;
		emit_field(w, rows[i].d->name, "\t");
		emit_field(w, r->id, "\t");
		emit(w, "%s\t%.17g\t", claim_outcome_name(r->outcome), r->measured);
		emit_field(w, r->expected, "\t");
		emit_field(w, r->expect, "\t");
		emit(w, "%s\t", r->quick_expect ? "quick" : "expect");
		emit_field(w, r->claim, "\t");
		emit_field(w, r->paper, "\t");
		emit_field(w, r->known, "\t");
		emit_field(w, r->detail, "\n");
	}
}

/* ---- the text report ---- */

typedef struct {
	int id, measured, expected; /* column widths */
} widths;

static const char *verdict_colour(claim_outcome o)
{
	static const char *c[CLAIM_OUTCOMES] = { [CLAIM_PASS] = "32", [CLAIM_FAIL] = "1;31",
		                                     [CLAIM_ERROR] = "1;35", [CLAIM_DIFFERS] = "33",
		                                     [CLAIM_NA] = "36" };
	return c[o];
}

/* The verdict, coloured when w->colour, padded to width. */
static void emit_verdict(report *w, claim_outcome o, int width)
{
	const char *name = claim_outcome_name(o);
	if (w->colour)
		emit(w, "\033[%sm%s\033[0m%*s", verdict_colour(o), name, width - (int)strlen(name), "");
	else
		emit(w, "%-*s", width, name);
}

/* The measured value as shown: "-" when not measured. */
static void measured_text(const claim_result *r, char *buf, size_t len)
{
	if (isnan(r->measured))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.6g", r->measured);
}

/* The expected column: the computed expectation, else the expect text ("-"
 * for n/a), marked when it is the quick: one. */
static const char *expected_text(const claim_result *r)
{
	return *r->expected ? r->expected : r->outcome == CLAIM_NA ? "-" : r->expect;
}

static const char *quick_mark(const claim_result *r)
{
	return r->quick_expect ? " (quick)" : "";
}

static int expected_width(const claim_result *r)
{
	return (int)(strlen(expected_text(r)) + strlen(quick_mark(r)));
}

static widths column_widths(const row *rows, size_t n)
{
	widths k = { (int)strlen("claim"), (int)strlen("measured"), (int)strlen("expected") };
	char m[64];
	for (size_t i = 0; i < n; i++) {
		measured_text(&rows[i].r, m, sizeof m);
		int id = (int)strlen(rows[i].r.id), mw = (int)strlen(m), e = expected_width(&rows[i].r);
		k.id = id > k.id ? id : k.id;
		k.measured = mw > k.measured ? mw : k.measured;
		k.expected = e > k.expected ? e : k.expected;
	}
	return k;
}

#define VERDICT_WIDTH 7 /* "DIFFERS" */

static const char *note_label(const claim_result *r)
{
	return r->outcome == CLAIM_ERROR ? "error" : r->outcome == CLAIM_DIFFERS ? "known"
	       : r->outcome == CLAIM_NA ? "n/a" : "note";
}

static void emit_claim(report *w, const claim_result *r, widths k)
{
	char m[64];
	measured_text(r, m, sizeof m);
	emit(w, "  ");
	emit_verdict(w, r->outcome, VERDICT_WIDTH);
	emit(w, "  %-*s  %*s  %s%s", k.id, r->id, k.measured, m, expected_text(r), quick_mark(r));
	if (*r->paper) /* the last column: no trailing blanks without it */
		emit(w, "%*s  %s", k.expected - expected_width(r), "", r->paper);
	emit(w, "\n");
	int indent = 2 + VERDICT_WIDTH + 2;
	if (*r->claim)
		emit(w, "%*s%s\n", indent, "", r->claim);
	if (*r->detail)
		emit(w, "%*s%s: %s\n", indent, "", note_label(r), r->detail);
}

/* Counts of each verdict in rows [from, to). */
static void count(const row *rows, size_t from, size_t to, size_t c[CLAIM_OUTCOMES])
{
	memset(c, 0, CLAIM_OUTCOMES * sizeof *c);
	for (size_t i = from; i < to; i++)
		c[rows[i].r.outcome]++;
}

static const claim_outcome summary_order[] = { CLAIM_PASS, CLAIM_DIFFERS, CLAIM_FAIL,
	                                           CLAIM_ERROR, CLAIM_NA };

/* The width of the summary's j-th count column: its verdict's name, at least 5. */
static int count_width(size_t j)
{
	int n = (int)strlen(claim_outcome_name(summary_order[j]));
	return n > 5 ? n : 5;
}

static void emit_summary_line(report *w, const char *name, int width, const size_t c[CLAIM_OUTCOMES])
{
	size_t total = 0;
	emit(w, "%-*s", width, name);
	for (size_t j = 0; j < CLAIM_OUTCOMES; j++) {
		total += c[summary_order[j]];
		emit(w, "  %*zu", count_width(j), c[summary_order[j]]);
	}
	emit(w, "  %6zu\n", total);
}

static void emit_summary(report *w, const row *rows, size_t n, const options *o)
{
	int width = (int)strlen("summary");
	for (size_t i = 0; i < n; i++)
		width = (int)strlen(rows[i].d->name) > width ? (int)strlen(rows[i].d->name) : width;
	emit(w, "\n%-*s", width, "summary");
	for (size_t j = 0; j < CLAIM_OUTCOMES; j++)
		emit(w, "  %*s", count_width(j), claim_outcome_name(summary_order[j]));
	emit(w, "  %6s\n", "claims");
	size_t c[CLAIM_OUTCOMES];
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i; j < n && rows[j].d == rows[i].d; j++)
			;
		count(rows, i, j, c);
		emit_summary_line(w, rows[i].d->name, width, c);
	}
	count(rows, 0, n, c);
	emit_summary_line(w, "total", width, c);
	emit(w, "%s: %s\n", o->quick ? "quick scale" : "paper scale",
	     c[CLAIM_FAIL] || c[CLAIM_ERROR] ? "FAILED (a claim is FAIL or ERROR)"
	                                     : "ok (every claim is PASS, DIFFERS or n/a)");
}

static void emit_text(report *w, const row *rows, size_t n, const options *o)
{
	widths k = column_widths(rows, n);
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || rows[i].d != rows[i - 1].d) {
			emit(w, "%s%s (%s)\n  %-*s  %-*s  %*s  %-*s  %s\n", i ? "\n" : "", rows[i].d->name,
			     rows[i].d->path, VERDICT_WIDTH, "verdict", k.id, "claim", k.measured,
			     "measured", k.expected, "expected", "paper");
		}
		emit_claim(w, &rows[i].r, k);
	}
	emit_summary(w, rows, n, o);
}

/* A stream on a duplicate of standard output, so that its close can be
 * checked without closing the process's stdout; w->f is NULL and w->err set
 * when there is none. */
static void report_open(report *w, const options *o)
{
	*w = (report){ 0 };
	int fd = fflush(stdout) ? -1 : dup(STDOUT_FILENO);
	w->f = fd < 0 ? NULL : fdopen(fd, "w");
	if (!w->f) {
		w->err = errno ? errno : EBADF;
		if (fd >= 0)
			close(fd);
		return;
	}
	const char *no_colour = getenv("NO_COLOR");
	w->colour = !o->tsv && isatty(fd) && !(no_colour && *no_colour);
}

/* 0, or -1 after one line on stderr when some write, the flush or the close
 * failed. */
static int report_close(report *w)
{
	if (w->f) {
		errno = 0;
		if (fflush(w->f) && !w->err)
			w->err = errno ? errno : EIO;
		if (fclose(w->f) && !w->err)
			w->err = errno ? errno : EIO;
	}
	if (!w->err)
		return 0;
	fprintf(stderr, "lindyn verify: cannot write the report to standard output: %s\n",
	        strerror(w->err));
	return -1;
}

int cmd_verify(int argc, char **argv)
{
	options o;
	if (parse_options(argc, argv, &o))
		return 1;
	doc *docs = calloc((size_t)o.ndocs, sizeof *docs);
	if (!docs) {
		fprintf(stderr, "lindyn verify: out of memory\n");
		return 1;
	}
	row *rows = NULL;
	size_t n = 0;
	int loaded = 0, status = 1;
	char err[1024];
	for (; loaded < o.ndocs; loaded++)
		if (doc_load(&docs[loaded], o.docs[loaded], err, sizeof err)) {
			fprintf(stderr, "lindyn verify: %s\n", err);
			goto out;
		}
	for (int i = 0; i < o.ndocs; i++)
		if (judge_doc(&docs[i], &o, &rows, &n)) {
			fprintf(stderr, "lindyn verify: out of memory\n");
			goto out;
		}
	report w;
	report_open(&w, &o);
	if (w.f) {
		if (o.tsv)
			emit_tsv(&w, rows, n);
		else
			emit_text(&w, rows, n, &o);
	}
	if (report_close(&w) == 0) {
		size_t c[CLAIM_OUTCOMES];
		count(rows, 0, n, c);
		status = c[CLAIM_FAIL] || c[CLAIM_ERROR] ? 1 : 0;
	}
out:
	for (int i = 0; i < loaded; i++)
		doc_free(&docs[i]);
	free(docs);
	free(rows);
	return status;
}
