/* columns.h -- a table's columns as one X-macro list X(name, help), from
 * which come the declaration (ABI 1.2), the selection string and the count,
 * so that the names, the count and the values of a row cannot drift apart:
 *
 *   #define LOSS_COLUMNS(X) X(t, "flow time") X(loss, "the loss")
 *   static const lindyn_column cols[] = { LOSS_COLUMNS(COLUMN_DEF) { NULL, NULL } };
 *   COLUMN_NAMES(LOSS_COLUMNS)    "t loss"
 *   COLUMN_COUNT(LOSS_COLUMNS)    2, a constant (for _Static_assert on a row) */
#ifndef LINDYN_COMMON_COLUMNS_H
#define LINDYN_COMMON_COLUMNS_H

#include "lindyn/plugin.h"

#define COLUMN_DEF(name, help) { #name, help },
#define COLUMN_NAME(name, help) " " #name
#define COLUMN_ONE(name, help) +1
/* " a b": skip the first space; still a constant for static initializers. */
#define COLUMN_NAMES(list) (list(COLUMN_NAME) + 1)
#define COLUMN_COUNT(list) (0 list(COLUMN_ONE))

#endif
