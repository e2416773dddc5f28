/* tables.h -- the tables a plugin declares (lindyn_plugin.tables, ABI 1.2):
 * their validation when the plugin loads, the columns a run may open, and
 * the names `lindyn help` and `lindyn tangle` check documents against.
 *
 * The aggregates of a declared table T are derived from it:
 *   T.agg    its first column, then c_mean c_std for every other column c
 *   T.final  the swept keys, then c_mean c_std for every column c
 * (src/lit/aggregate.c writes them, src/lit/schema.c checks references to
 * them, tables_help prints them: all three take the names from
 * tables_stat_suffix). */
#ifndef LINDYN_TABLES_H
#define LINDYN_TABLES_H

#include <stddef.h>
#include <stdio.h>

#include "lindyn/plugin.h"

/* The plugin's declared tables, or NULL when it declares none (tables NULL,
 * or a descriptor older than 1.2 whose struct_size ends before the field). */
const lindyn_table_def *plugin_tables(const lindyn_plugin *p);

/* Checks a declaration: table and column names well-formed (NAME_RULE for
 * tables, COLUMN_RULE for columns), no table or column twice, every table
 * with at least one column, a help text on every table and column.
 * 0, or -1 with the reason in err. */
int tables_check(const lindyn_table_def *tables, char *err, size_t errlen);

/* The declared table `name`, or NULL. */
const lindyn_table_def *tables_find(const lindyn_table_def *tables, const char *name);
/* The declared column `name` of t, or NULL. */
const lindyn_column *table_column(const lindyn_table_def *t, const char *name);

/* The space-separated columns a run of plugin `plugin` (its name, for
 * messages) opens for table `name` with h->table(h, name, columns): the
 * declared columns when `columns` is NULL, else `columns` checked to be a
 * selection of them.  Returns a string the caller frees, or NULL with
 * "plugin bug: ..." in err (out of memory also in err). */
char *tables_resolve(const lindyn_table_def *tables, const char *plugin, const char *name,
                     const char *columns, char *err, size_t errlen);

/* `lindyn help PLUGIN`'s part on tables: each table with its help, each
 * column with its help, and the aggregates' columns in short. */
void tables_help(FILE *out, const lindyn_table_def *tables);

/* The statistics an aggregate keeps of each aggregated column c, in order:
 * c_mean and c_std. */
#define TABLES_NSTATS 2
extern const char *const tables_stat_suffix[TABLES_NSTATS];
/* Writes the aggregate's column names of column c: lead, then "c_mean",
 * then sep and "c_std". */
void tables_put_stats(FILE *out, const char *lead, const char *sep, const char *column);

#endif
