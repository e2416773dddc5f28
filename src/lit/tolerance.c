/* tolerance.c -- parsing and applying `tolerance:` lines. */
#include "tolerance.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../host/names.h"

#define BLANKS " \t"

/* The next blank-separated word of *s: its start, with *len set; NULL at the end. */
static const char *next_word(const char **s, size_t *len)
{
	const char *w = *s + strspn(*s, BLANKS);
	*len = strcspn(w, BLANKS);
	*s = w + *len;
	return *len ? w : NULL;
}

int tolerance_parse(const char *value, int with_columns, double *rel, char *err, size_t errlen)
{
	const char *s = value;
	size_t len;
	const char *w = next_word(&s, &len);
	char word[64];
	if (!w || len >= sizeof word) {
		snprintf(err, errlen, "tolerance: expected a positive relative tolerance or 'any'%s",
		         with_columns ? ", then optional column names" : "");
		return -1;
	}
	memcpy(word, w, len);
	word[len] = 0;
	char *end;
	*rel = strtod(word, &end);
	if (!strcmp(word, "any"))
		*rel = INFINITY;
	else if (*end || !(*rel > 0) || !isfinite(*rel)) {
		snprintf(err, errlen, "tolerance '%s': expected a positive relative tolerance or 'any'",
		         word);
		return -1;
	}
	while ((w = next_word(&s, &len)) != NULL) {
		if (!with_columns) {
			snprintf(err, errlen, "tolerance: a claim's tolerance takes no column names");
			return -1;
		}
		if (len >= sizeof word || (memcpy(word, w, len), word[len] = 0, !name_is_identifier(word))) {
			snprintf(err, errlen, "tolerance: column '%.*s' must match %s", (int)len, w,
			         NAME_RULE);
			return -1;
		}
	}
	return 0;
}

/* 1 when column is name or name_mean or name_std. */
static int names_column(const char *name, size_t len, const char *column)
{
	if (strncmp(name, column, len))
		return 0;
	return !column[len] || !strcmp(column + len, "_mean") || !strcmp(column + len, "_std");
}

int tolerance_covers(const char *value, const char *column)
{
	const char *s = value;
	size_t len;
	next_word(&s, &len); /* the tolerance itself */
	const char *w = next_word(&s, &len);
	if (!w)
		return 1;
	for (; w; w = next_word(&s, &len))
		if (names_column(w, len, column))
			return 1;
	return 0;
}

double tolerance_reldiff(double a, double b)
{
	if (a == b)
		return 0;
	return fabs(a - b) / fmax(fabs(a), fabs(b));
}

int tolerance_agrees(double a, double b, double rel)
{
	return a == b || fabs(a - b) <= TOLERANCE_ABS || tolerance_reldiff(a, b) <= rel;
}
