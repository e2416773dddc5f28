/* names.h -- the one rule for every name lindyn turns into a file, a make
 * target or a parameter key: [a-z][a-z0-9_]*, at most NAME_MAX_LEN bytes.
 * Such a name is safe in a path component, a make target and a shell word
 * without quoting. */
#ifndef LINDYN_NAMES_H
#define LINDYN_NAMES_H

#define NAME_MAX_LEN 63
#define NAME_RULE "[a-z][a-z0-9_]* (at most 63 characters)"

/* 1 when s follows NAME_RULE, 0 otherwise (NULL and "" included). */
int name_is_identifier(const char *s);

#endif
