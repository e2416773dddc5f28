/* enumlist.h -- one X-macro list per ENUM parameter makes both the C enum
 * and the `choices` string, in the same order, so that the index
 * h->get_enum returns is the enumerator.  A list reads
 *
 *   #define RULE_LIST(X) X(RULE, CONST, const) X(RULE, ETA0, eta0)
 *   typedef enum { RULE_LIST(ENUM_MEMBER) } rule;    RULE_CONST, RULE_ETA0
 *   ENUM_CHOICES(RULE_LIST)                          "const|eta0"
 *
 * (prefix, enumerator suffix, the value's name as written in documents). */
#ifndef LINDYN_COMMON_ENUMLIST_H
#define LINDYN_COMMON_ENUMLIST_H

#define ENUM_MEMBER(prefix, id, name) prefix##_##id,
#define ENUM_CHOICE(prefix, id, name) "|" #name
/* "|a|b" without its first '|': still a constant for static initializers. */
#define ENUM_CHOICES(list) (list(ENUM_CHOICE) + 1)

#endif
