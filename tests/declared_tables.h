/* declared_tables.h -- for the plugin tests: every table a run wrote is one
 * the plugin declares (ABI 1.2), with a selection of its declared columns in
 * declared order; `full` lists the tables that must have every column. */
#ifndef TESTS_DECLARED_TABLES_H
#define TESTS_DECLARED_TABLES_H

#include <string.h>

#include "lindyn/plugin.h"
#include "lindyn/run.h"

static const lindyn_table_def *declared_table(const lindyn_plugin *p, const char *name)
{
	for (const lindyn_table_def *d = p->tables; d && d->name; d++)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

static size_t declared_count(const lindyn_table_def *d)
{
	size_t n = 0;
	while (d->columns[n].name)
		n++;
	return n;
}

static void assert_tables_declared(const lindyn_plugin *p, const lindyn_run *r,
                                   const char *const *full)
{
	assert_non_null(p->tables);
	size_t ntables = 0;
	for (const char *name; (name = lindyn_run_table_name(r, ntables)); ntables++) {
		const lindyn_table_def *d = declared_table(p, name);
		if (!d)
			fail_msg("table '%s' is not declared", name);
		size_t nc = lindyn_run_columns(r, name), next = 0, ndecl = declared_count(d);
		for (size_t j = 0; j < nc; j++) {
			const char *c = lindyn_run_column_name(r, name, j);
			while (next < ndecl && strcmp(d->columns[next].name, c))
				next++;
			if (next == ndecl)
				fail_msg("table '%s': column '%s' undeclared or out of order", name, c);
			assert_non_null(d->columns[next].help);
			next++;
		}
		for (const char *const *f = full; f && *f; f++)
			if (!strcmp(*f, name))
				assert_int_equal(nc, ndecl);
	}
	assert_true(ntables > 0);
}

#endif
