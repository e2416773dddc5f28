/* lindyn/run.h -- run a plugin in-process: what `lindyn run` does, as a
 * library, so the driver, the conformance suite and the tests share it.
 *
 *   lindyn_run *r = lindyn_run_new(lindyn_plugin_descriptor(0), NULL);
 *   lindyn_run_set(r, "h=50");  lindyn_run_seed(r, 7);
 *   if (lindyn_run_exec(r) != LINDYN_OK) puts(lindyn_run_message(r));
 *   double l = lindyn_run_value(r, "loss", lindyn_run_rows(r, "loss") - 1, "loss");
 *   lindyn_run_free(r);
 *
 * With outdir == NULL the tables live only in memory (for tests and the
 * conformance suite); otherwise they are written to outdir/<table>.tsv with
 * the provenance header, and lindyn_run_value reads NaN (rows are still
 * counted).  The files go to a hidden directory next to outdir that replaces
 * it in one rename when the run succeeds; a failed run leaves outdir as it
 * was.  outdir must be missing, empty or hold a previous run (its marker
 * file .lindyn-run, `.done`, lindyn tables, .npy files): any other
 * non-empty directory is refused with LINDYN_EINVAL before the plugin runs.
 * lindyn_run_exec runs the plugin in this process: `lindyn run` calls it in
 * a child process, so that a plugin that crashes cannot take it down. */
#ifndef LINDYN_RUN_H
#define LINDYN_RUN_H

#include "lindyn/plugin.h"

typedef struct lindyn_run lindyn_run;

lindyn_run *lindyn_run_new(const lindyn_plugin *plugin, const char *outdir);
void lindyn_run_free(lindyn_run *r);

/* Parses and validates one "key=value"; returns LINDYN_EINVAL with the
 * reason in lindyn_run_message() (unknown key with the nearest valid key,
 * wrong type, out of range, not a choice). */
int lindyn_run_set(lindyn_run *r, const char *key_eq_value);
void lindyn_run_seed(lindyn_run *r, unsigned long seed);
/* The command line recorded in the data files' provenance header. */
void lindyn_run_command(lindyn_run *r, const char *command);
/* The .so the plugin came from, recorded in the provenance header. */
void lindyn_run_plugin_path(lindyn_run *r, const char *path);
/* Show a progress line on stderr (when it is a terminal). */
void lindyn_run_progress(lindyn_run *r, int enabled);

/* alloc -> run -> free; returns the run's status. */
int lindyn_run_exec(lindyn_run *r);
/* The recorded failure, "" when none. */
const char *lindyn_run_message(const lindyn_run *r);

/* Results kept in memory: rows emitted to a table and one value by column
 * name (NaN when the table, row or column does not exist). */
size_t lindyn_run_rows(const lindyn_run *r, const char *table);
double lindyn_run_value(const lindyn_run *r, const char *table, size_t row,
                        const char *column);
/* The tables emitted, by index (NULL past the last), and their columns. */
const char *lindyn_run_table_name(const lindyn_run *r, size_t index);
size_t lindyn_run_columns(const lindyn_run *r, const char *table);
const char *lindyn_run_column_name(const lindyn_run *r, const char *table, size_t column);
/* The value of a parameter after defaults were filled in, as text. */
const char *lindyn_run_param(const lindyn_run *r, const char *key);

#endif /* LINDYN_RUN_H */
