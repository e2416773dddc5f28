/* params.h -- parameter values parsed and validated against a plugin's
 * declared table (lindyn_param): the same table drives `lindyn help`,
 * validation, defaults and the provenance header. */
#ifndef LINDYN_PARAMS_H
#define LINDYN_PARAMS_H

#include <stddef.h>
#include <stdio.h>

#include "lindyn/plugin.h"

typedef struct {
	const lindyn_param *def;
	char text[256]; /* canonical text: shortest round-trip form of the value */
	long i;
	double x;
	int b;
	const char *given_as; /* the key the value was set under (an alias's), or NULL */
} param_value;

/* One value per declared parameter; an ALIAS has none of its own. */
typedef struct {
	size_t n;
	param_value *v;
	const lindyn_param *table;
} param_set;

/* Checks a declared table: keys well-formed and unique, known kinds, a
 * default that parses and lies within bounds, min <= max, choices present
 * for enums, an ALIAS naming a declared parameter that is no alias.  Returns 0 or -1 with the reason in err. */
int params_check_table(const lindyn_param *table, char *err, size_t errlen);

/* Fills every parameter with its default (the table must be valid). */
int params_init(param_set *ps, const lindyn_param *table, char *err, size_t errlen);
void params_free(param_set *ps);

/* Parses "key=value".  Errors name the key and value and say what was
 * expected; an unknown key suggests the nearest valid one.  An ALIAS key
 * sets the parameter it stands for; that parameter given under both names
 * is an error naming both. */
int params_set(param_set *ps, const char *kv, char *err, size_t errlen);

const param_value *params_find(const param_set *ps, const char *key);

/* One line per parameter: key=<type and range> (default d): help; an alias
 * as "OLD  (deprecated: renamed to NEW)". */
void params_help(FILE *out, const lindyn_param *table);

/* Shortest "%.{p}g" text that reads back as exactly x. */
void params_format_real(char *buf, size_t len, double x);

#endif
