/* fingerprint.h -- compact fingerprints of the tables of a data directory,
 * recorded as a reference (data/reference/) and compared by `lindyn
 * compare`.  Three kinds of table, by where they lie under DATA/EXP/:
 *
 *   EXP/T.tsv             a sweep's final table (aggregate: T -> T.final):
 *                         per column first, middle, last, min, max
 *   EXP/POINT/T.tsv       a point's aggregate over seeds (T.agg): as a
 *                         group, every point's table T together ("EXP/ * /T"):
 *                         per column the mean over points of the last row
 *   EXP/POINT/sK/T.tsv    one run's table: fingerprinted as a group, every
 *                         run of EXP's table T together ("EXP/ * /s * /T"):
 *                         per column the min, max and mean over runs of
 *                         the last row's value
 *
 * Each also has its number of rows and a SHA-256 of its data lines (every
 * line not starting with '#': the provenance lines carry the git revision);
 * a group's digest is the SHA-256 of its members' relative paths and digests. */
#ifndef LINDYN_FINGERPRINT_H
#define LINDYN_FINGERPRINT_H

#include <stddef.h>
#include <stdio.h>

#include "../host/sha256.h"

typedef struct {
	char *key;           /* "e/T.final", "e/ * /T.agg", "e/ * /s * /T" (no blanks) */
	size_t members;      /* tables: 1, or the runs of a group */
	size_t rows;         /* data rows, over all members */
	char sha[SHA256_HEX];
	char **cols;         /* ncols column names */
	size_t ncols;
	char **stats;        /* nstats statistic names ("first", "last", ...) */
	size_t nstats;
	double *v;           /* nstats x ncols; NAN when a column has no such value */
} fingerprint;

typedef struct {
	fingerprint *fp;
	size_t n;
} fingerprint_set;

/* Appends the fingerprints of every table under DATA/EXP (none when that
 * directory does not exist), sorted by path.  0, or -1 with a one-line
 * reason naming the file in err. */
int fingerprint_experiment(fingerprint_set *s, const char *data, const char *exp, char *err,
                           size_t errlen);
/* The experiment a key belongs to: its first '/'-separated component, in buf. */
const char *fingerprint_experiment_of(const fingerprint *f, char *buf, size_t len);

/* Writes one fingerprint as text lines: "table KEY MEMBERS ROWS SHA",
 * "columns C...", then one line per statistic "STAT V..." (values printed
 * exactly, in the fewest digits that read back the same; "-" for none). */
void fingerprint_write(FILE *f, const fingerprint *fp);
/* Reads what fingerprint_write wrote, after the header lines "document PATH"
 * and "scale quick|paper" ('#' lines ignored).  0, or -1 with file:line and
 * the reason in err. */
int fingerprint_read(const char *path, fingerprint_set *s, char **document, int *quick,
                     char *err, size_t errlen);

const fingerprint *fingerprint_find(const fingerprint_set *s, const char *key);
/* The value of column col of statistic stat, or NAN when absent. */
double fingerprint_value(const fingerprint *f, const char *stat, const char *col);
void fingerprint_set_free(fingerprint_set *s);

#endif
