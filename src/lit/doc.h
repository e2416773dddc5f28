/* doc.h -- a literate paper document: its fenced lindyn blocks, parsed into
 * key: value fields with their line numbers (paper/FORMAT.md). */
#ifndef LINDYN_DOC_H
#define LINDYN_DOC_H

#include <stddef.h>

typedef enum { BLOCK_EXPERIMENT, BLOCK_FIGURE, BLOCK_CLAIM } block_kind;

typedef struct {
	char *key, *value;
	int line;
} block_field;

typedef struct {
	block_kind kind;
	int line, end_line;     /* the opening and closing fence lines (1-based) */
	block_field *fields;
	size_t nfields;
	char *body;             /* the raw text between the fences */
} block;

typedef struct {
	char *path, *name;      /* "paper/lora_gf.md", "lora_gf" */
	char *source;           /* the whole file */
	block *blocks;
	size_t nblocks;
} doc;

/* The largest document read (16 MiB); papers are a few tens of KiB. */
#define DOC_MAX_BYTES (16 << 20)

/* Loads and parses a document: a regular file (no directory, FIFO or
 * device) of at most DOC_MAX_BYTES, holding no NUL byte.  Errors are one
 * line naming the document, and the line when there is one: "paper/x.md:12:
 * unknown key 'sed' (expected one of: ...)". */
int doc_load(doc *d, const char *path, char *err, size_t errlen);
void doc_free(doc *d);

/* The first field with this key, or NULL. */
const block_field *block_field_get(const block *b, const char *key);
/* A required field: NULL with err set when absent. */
const block_field *block_require(const doc *d, const block *b, const char *key, char *err,
                                 size_t errlen);

/* A path written in document d, relative to the document's directory,
 * lexically normalised ("." and "x/.." removed) into out, relative to the
 * working directory when it lies below it ("paper/x.md" and
 * "../figures/a.gp" give "figures/a.gp"), else absolute.  -1 when value is
 * empty or absolute, or the path lies neither below the working directory
 * nor below the document's directory, or does not fit. */
int doc_resolve_path(const doc *d, const char *value, char *out, size_t len);

#endif
