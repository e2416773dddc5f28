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
/* The edit distance of a and b (insertions, deletions, substitutions), for
 * "did you mean" hints; SIZE_MAX when either is longer than 128 bytes (no
 * name is: such a string is simply far from every name). */
size_t name_distance(const char *a, const char *b);

#endif
