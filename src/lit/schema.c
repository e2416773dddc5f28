/* schema.c -- declared and derived table columns (schema.h). */
#include "schema.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../host/names.h"
#include "../host/tables.h"

static int add(schema_columns *c, const char *name, const char *suffix)
{
	char **grown = realloc(c->names, (c->n + 1) * sizeof *grown);
	if (!grown)
		return -1;
	c->names = grown;
	return asprintf(&c->names[c->n++], "%s%s", name, suffix) < 0 ? (c->n--, -1) : 0;
}

/* Appends the aggregate's columns (c_mean c_std) of each column from the
 * first'th on. */
static int add_mean_std(schema_columns *c, const lindyn_column *cols, size_t first)
{
	for (size_t i = first; cols[i].name; i++)
		for (size_t k = 0; k < TABLES_NSTATS; k++)
			if (add(c, cols[i].name, tables_stat_suffix[k]))
				return -1;
	return 0;
}

static int derive(schema_columns *c, const lindyn_table_def *t, const data_sel *s)
{
	if (s->kind == REF_AGG)
		return !t->columns[0].name ? 0 : add(c, t->columns[0].name, "") ||
		       add_mean_std(c, t->columns, 1);
	if (s->kind == REF_FINAL)
		for (size_t a = 0; a < s->e->naxes; a++)
			for (size_t k = 0; k < s->e->axes[a].nkeys; k++)
				if (add(c, s->e->axes[a].keys[k], ""))
					return -1;
	if (s->kind == REF_FINAL)
		return add_mean_std(c, t->columns, 0);
	for (size_t i = 0; t->columns[i].name; i++)
		if (add(c, t->columns[i].name, ""))
			return -1;
	return 0;
}

int schema_of(schema_columns *c, const lindyn_plugin *plugin, const data_sel *s, char *err,
              size_t errlen)
{
	*c = (schema_columns){ 0 };
	const lindyn_table_def *tables = plugin_tables(plugin);
	if (!tables)
		return 0;
	const lindyn_table_def *t = tables_find(tables, s->table);
	if (t) {
		if (t->columns && !derive(c, t, s))
			return 1;
		schema_free(c);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(err, errlen, "plugin '%s' declares no table '%s' (its tables: ", plugin->name,
	         s->table);
	for (const lindyn_table_def *t = tables; t->name; t++)
		snprintf(err + strlen(err), errlen - strlen(err), "%s%s", t == tables ? "" : ", ",
		         t->name);
	snprintf(err + strlen(err), errlen - strlen(err), ")");
	return -1;
}

void schema_free(schema_columns *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->names[i]);
	free(c->names);
	*c = (schema_columns){ 0 };
}

int schema_has(const schema_columns *c, const char *name, const char *what, char *err,
               size_t errlen)
{
	size_t best = (size_t)-1, at = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (!strcmp(c->names[i], name))
			return 1;
		size_t d = name_distance(c->names[i], name);
		if (d < best)
			best = d, at = i;
	}
	if (c->n && best <= 1 + strlen(name) / 3) {
		snprintf(err, errlen, "no column '%.64s' in %s (did you mean '%s'?)", name, what,
		         c->names[at]);
		return 0;
	}
	snprintf(err, errlen, "no column '%.64s' in %s (its columns: ", name, what);
	for (size_t i = 0; i < c->n; i++)
		snprintf(err + strlen(err), errlen - strlen(err), "%s%s", i ? " " : "", c->names[i]);
	snprintf(err + strlen(err), errlen - strlen(err), ")");
	return 0;
}
