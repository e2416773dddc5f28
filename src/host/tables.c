/* tables.c -- a plugin's declared tables (tables.h). */
#include "tables.h"

#include <stdlib.h>
#include <string.h>

#include "names.h"

const lindyn_table_def *plugin_tables(const lindyn_plugin *p)
{
	if (p->struct_size < offsetof(lindyn_plugin, tables) + sizeof p->tables)
		return NULL;
	return p->tables;
}

static int check_columns(const lindyn_table_def *t, char *err, size_t errlen)
{
	if (!t->columns || !t->columns[0].name) {
		snprintf(err, errlen, "table '%s' has no columns", t->name);
		return -1;
	}
	for (size_t j = 0; t->columns[j].name; j++) {
		const lindyn_column *c = &t->columns[j];
		if (!name_is_column(c->name, strlen(c->name))) {
			snprintf(err, errlen, "table '%s': column '%s' must be %s", t->name, c->name,
			         COLUMN_RULE);
			return -1;
		}
		for (size_t k = 0; k < j; k++)
			if (!strcmp(t->columns[k].name, c->name)) {
				snprintf(err, errlen, "table '%s': column '%s' is declared twice", t->name,
				         c->name);
				return -1;
			}
		if (!c->help || !*c->help) {
			snprintf(err, errlen, "table '%s': column '%s' has no help text", t->name, c->name);
			return -1;
		}
	}
	return 0;
}

int tables_check(const lindyn_table_def *tables, char *err, size_t errlen)
{
	for (size_t i = 0; tables && tables[i].name; i++) {
		const lindyn_table_def *t = &tables[i];
		if (!name_is_identifier(t->name)) {
			snprintf(err, errlen, "table '%s': name must be %s", t->name, NAME_RULE);
			return -1;
		}
		for (size_t k = 0; k < i; k++)
			if (!strcmp(tables[k].name, t->name)) {
				snprintf(err, errlen, "table '%s' is declared twice", t->name);
				return -1;
			}
		if (!t->help || !*t->help) {
			snprintf(err, errlen, "table '%s' has no help text", t->name);
			return -1;
		}
		if (check_columns(t, err, errlen))
			return -1;
	}
	return 0;
}

const lindyn_table_def *tables_find(const lindyn_table_def *tables, const char *name)
{
	for (size_t i = 0; tables && tables[i].name; i++)
		if (!strcmp(tables[i].name, name))
			return &tables[i];
	return NULL;
}

const lindyn_column *table_column(const lindyn_table_def *t, const char *name)
{
	for (size_t j = 0; t->columns[j].name; j++)
		if (!strcmp(t->columns[j].name, name))
			return &t->columns[j];
	return NULL;
}

/* "a, b, c": the names of a list, for messages (truncated with "..." when
 * longer than buf). */
static void names_text(char *buf, size_t len, const char *(*name)(const void *, size_t),
                       const void *list)
{
	size_t used = 0;
	buf[0] = 0;
	for (size_t i = 0; name(list, i); i++) {
		int n = snprintf(buf + used, len - used, "%s%s", i ? ", " : "", name(list, i));
		if (n < 0 || (size_t)n >= len - used) {
			snprintf(buf + (len > 4 ? len - 4 : 0), len > 4 ? 4 : len, "...");
			return;
		}
		used += (size_t)n;
	}
}

static const char *table_name_at(const void *list, size_t i)
{
	return ((const lindyn_table_def *)list)[i].name;
}

static const char *column_name_at(const void *list, size_t i)
{
	return ((const lindyn_column *)list)[i].name;
}

/* The declared columns of t joined by spaces (caller frees), or NULL. */
static char *all_columns(const lindyn_table_def *t)
{
	size_t len = 1;
	for (size_t j = 0; t->columns[j].name; j++)
		len += strlen(t->columns[j].name) + 1;
	char *s = malloc(len);
	if (!s)
		return NULL;
	s[0] = 0;
	for (size_t j = 0; t->columns[j].name; j++) {
		if (j)
			strcat(s, " ");
		strcat(s, t->columns[j].name);
	}
	return s;
}

/* How many of the blank-separated words of `words` are w[0..len). */
static size_t occurrences(const char *words, const char *w, size_t len)
{
	size_t n = 0;
	for (const char *p = words + strspn(words, " \t"); *p; p += strspn(p, " \t")) {
		size_t l = strcspn(p, " \t");
		n += l == len && !strncmp(p, w, len);
		p += l;
	}
	return n;
}

/* 0 when every word of `columns` is a declared column of t, at most once. */
static int check_selection(const lindyn_table_def *t, const char *plugin, const char *columns,
                           char *err, size_t errlen)
{
	for (const char *c = columns + strspn(columns, " \t"); *c; c += strspn(c, " \t")) {
		size_t len = strcspn(c, " \t");
		int shown = len > 64 ? 64 : (int)len;
		int known = 0;
		for (size_t j = 0; t->columns[j].name; j++)
			known |= strlen(t->columns[j].name) == len && !strncmp(t->columns[j].name, c, len);
		if (!known) {
			char declared[400];
			names_text(declared, sizeof declared, column_name_at, t->columns);
			snprintf(err, errlen, "plugin bug: column '%.*s' of table '%s' is not declared by %s "
			         "(declared: %s)", shown, c, t->name, plugin, declared);
			return -1;
		}
		if (occurrences(columns, c, len) > 1) {
			snprintf(err, errlen, "plugin bug: column '%.*s' of table '%s' is selected twice",
			         shown, c, t->name);
			return -1;
		}
		c += len;
	}
	return 0;
}

char *tables_resolve(const lindyn_table_def *tables, const char *plugin, const char *name,
                     const char *columns, char *err, size_t errlen)
{
	const lindyn_table_def *t = tables_find(tables, name);
	if (!t) {
		char declared[400];
		names_text(declared, sizeof declared, table_name_at, tables);
		snprintf(err, errlen, "plugin bug: table '%s' is not declared by %s (declared: %s)", name,
		         plugin, declared);
		return NULL;
	}
	if (columns && check_selection(t, plugin, columns, err, errlen))
		return NULL;
	char *s = columns ? strdup(columns) : all_columns(t);
	if (!s)
		snprintf(err, errlen, "out of memory");
	return s;
}

const char *const tables_stat_suffix[TABLES_NSTATS] = { "_mean", "_std" };

void tables_put_stats(FILE *out, const char *lead, const char *sep, const char *column)
{
	for (size_t i = 0; i < TABLES_NSTATS; i++)
		fprintf(out, "%s%s%s", i ? sep : lead, column, tables_stat_suffix[i]);
}

/* "first c1_mean c1_std ..." for T.agg, "<swept keys> c_mean c_std ..." for
 * T.final, printed on one line with at most three columns spelled out. */
static void aggregate_help(FILE *out, const lindyn_table_def *t, int final)
{
	fprintf(out, "    %s.%s: %s", t->name, final ? "final" : "agg",
	        final ? "<swept keys>" : t->columns[0].name);
	size_t shown = 0, j = final ? 0 : 1;
	for (; t->columns[j].name && shown < 3; j++, shown++)
		tables_put_stats(out, " ", " ", t->columns[j].name);
	fprintf(out, "%s\n", t->columns[j].name ? " ... (c_mean c_std per column c)" : "");
}

void tables_help(FILE *out, const lindyn_table_def *tables)
{
	for (size_t i = 0; tables && tables[i].name; i++) {
		const lindyn_table_def *t = &tables[i];
		fprintf(out, "  %s.tsv\n      %s\n", t->name, t->help);
		for (size_t j = 0; t->columns[j].name; j++)
			fprintf(out, "    %-16s %s\n", t->columns[j].name, t->columns[j].help);
		aggregate_help(out, t, 0);
		aggregate_help(out, t, 1);
	}
}
