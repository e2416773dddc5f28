/* names.h -- the one rule for every name lindyn turns into a file, a make
 * target or a parameter key: [a-z][a-z0-9_]*, at most NAME_MAX_LEN bytes.
 * Such a name is safe in a path component, a make target and a shell word
 * without quoting.  Column names (never file names) may also hold capitals
 * ("K", "L0") and start with '_': COLUMN_RULE. */
#ifndef LINDYN_NAMES_H
#define LINDYN_NAMES_H

#include <stddef.h>

#define NAME_MAX_LEN 63
#define NAME_RULE "[a-z][a-z0-9_]* (at most 63 characters)"
#define COLUMN_RULE "[A-Za-z_][A-Za-z0-9_]* (at most 63 characters)"

/* 1 when s follows NAME_RULE, 0 otherwise (NULL and "" included). */
int name_is_identifier(const char *s);
/* 1 when s[0..len) follows COLUMN_RULE. */
int name_is_column(const char *s, size_t len);

#endif
