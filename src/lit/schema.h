/* schema.h -- the columns of a referenced table, from the tables its
 * experiment's plugin declares (ABI 1.2), for the checks `lindyn tangle`
 * makes before anything runs (paper/FORMAT.md, "Checked before anything
 * runs"). */
#ifndef LINDYN_SCHEMA_H
#define LINDYN_SCHEMA_H

#include <stddef.h>

#include "lindyn/plugin.h"
#include "select.h"

/* The column names of a table (owned strings). */
typedef struct {
	char **names;
	size_t n;
} schema_columns;

/* The columns of s's table: a run table's declared columns; T.agg: the
 * first column, then c_mean c_std for every other one; T.final: the swept
 * keys, then c_mean c_std for every column (the rule of `lindyn
 * aggregate`).  1 with c filled; 0 when the plugin declares no tables (no
 * check possible); -1 with err set when the table is not declared. */
int schema_of(schema_columns *c, const lindyn_plugin *plugin, const data_sel *s, char *err,
              size_t errlen);
void schema_free(schema_columns *c);

/* 1 when name is a column of c; else 0 with err holding "no column 'x' in
 * WHAT (did you mean 'y'?)" or the list of columns. */
int schema_has(const schema_columns *c, const char *name, const char *what, char *err,
               size_t errlen);

#endif
