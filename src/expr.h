/* expr.h -- the expression language of claim blocks (paper/FORMAT.md):
 * numbers, names, arithmetic, comparisons, logic and functions over the
 * data tables of a data directory. */
#ifndef LINDYN_EXPR_H
#define LINDYN_EXPR_H

#include <stddef.h>

typedef struct expr_env expr_env;

expr_env *expr_env_new(const char *datadir);
void expr_env_free(expr_env *env);
/* Defines (or redefines) a name usable in later expressions. */
int expr_define(expr_env *env, const char *name, double value);

/* Evaluates `text`; 0 with *value set, or -1 with the reason in err. */
int expr_eval(expr_env *env, const char *text, double *value, char *err, size_t errlen);

#endif
