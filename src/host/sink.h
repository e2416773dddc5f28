/* sink.h -- where a run's tables and weights go: files of an output
 * directory (written into a hidden staging directory published only when
 * the whole run succeeded, see outdir.h) or, without a directory, memory
 * that the caller can query. */
#ifndef LINDYN_SINK_H
#define LINDYN_SINK_H

#include <stddef.h>

#include "lindyn/plugin.h"

typedef struct sink sink;

/* outdir NULL: keep tables in memory only.  header: provenance lines, also
 * written to the directory's marker.  NULL with *status (LINDYN_EINVAL for
 * an output path that must not be replaced, LINDYN_EIO, LINDYN_ENOMEM) and
 * err on failure. */
sink *sink_new(const char *outdir, const char *header, int *status, char *err, size_t errlen);
void sink_free(sink *s); /* discards an uncommitted run's files */
/* Removes the files of an uncommitted run now; in-memory rows stay. */
void sink_discard(sink *s);

lindyn_table *sink_table(sink *s, const char *name, const char *columns, char *err,
                         size_t errlen);
/* Appends a row; LINDYN_EDIVERGE on a non-finite value, LINDYN_EIO on write
 * failure (err set). */
int sink_row(lindyn_table *t, const double *values, char *err, size_t errlen);
int sink_npy(sink *s, const char *name, size_t rows, size_t cols, const double *data,
             char *err, size_t errlen);
/* Closes every file and publishes the output directory in one rename;
 * on failure the previous content of the directory is untouched. */
int sink_commit(sink *s, char *err, size_t errlen);

/* A table's number of columns and name. */
size_t sink_table_columns(const lindyn_table *t);
const char *sink_table_name_of(const lindyn_table *t);

/* Back-pointer from a table to whoever created it (the run). */
void *sink_table_owner(const lindyn_table *t);
void sink_set_owner(sink *s, void *owner);

size_t sink_rows(const sink *s, const char *table);
double sink_value(const sink *s, const char *table, size_t row, const char *column);

const char *sink_table_name(const sink *s, size_t index);
size_t sink_columns(const sink *s, const char *table);
const char *sink_column_name(const sink *s, const char *table, size_t column);

#endif
