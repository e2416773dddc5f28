/* tolerance.h -- the `tolerance:` line of an experiment or claim block: how
 * far `lindyn compare` lets a value move from the reference before it
 * reports a difference (paper/FORMAT.md, "Tolerances"). */
#ifndef LINDYN_TOLERANCE_H
#define LINDYN_TOLERANCE_H

#include <stddef.h>

/* The default: two values agree when their relative difference is at most
 * TOLERANCE_REL or their absolute difference at most TOLERANCE_ABS.  On one
 * machine type the data are bit-identical; 1e-10 is far below a change of a
 * constant by 1e-9 yet above what a different BLAS kernel moves a
 * well-conditioned quantity (1e-16..1e-12, measured with OpenBLAS's
 * Sandybridge kernels against Haswell's); the floor keeps losses and
 * drifts at the rounding floor (1e-30, 1e-16) from counting as changes. */
#define TOLERANCE_REL 1e-10
#define TOLERANCE_ABS 1e-14

/* Parses "REL [COLUMN...]" (claim blocks: "REL" alone): REL is a positive
 * number or "any" (*rel = INFINITY: reported, never a difference), each
 * COLUMN follows NAME_RULE.  0, or -1 with a reason in err (the caller adds
 * document:line). */
int tolerance_parse(const char *value, int with_columns, double *rel, char *err, size_t errlen);

/* 1 when the rule "REL [COLUMN...]" covers column: it names no column, or
 * names column itself or the column it aggregates (c for c_mean, c_std). */
int tolerance_covers(const char *value, const char *column);

/* 1 when a and b agree within relative tolerance rel (or TOLERANCE_ABS). */
int tolerance_agrees(double a, double b, double rel);
/* |a - b| / max(|a|, |b|); 0 when a == b. */
double tolerance_reldiff(double a, double b);

#endif
