/* expr.h -- the expression language of claim blocks (paper/FORMAT.md):
 * numbers, names, arithmetic, comparisons, logic and functions over the
 * data tables of a data directory. */
#ifndef LINDYN_EXPR_H
#define LINDYN_EXPR_H

#include <stddef.h>

/* Parentheses, function calls and unary operators nest at most this deep. */
#define EXPR_MAX_DEPTH 200

typedef struct expr_env expr_env;

expr_env *expr_env_new(const char *datadir);
void expr_env_free(expr_env *env);
/* Defines (or redefines) a name usable in later expressions; -1 only when
 * out of memory (there is no limit on the number of names). */
int expr_define(expr_env *env, const char *name, double value);
/* Confines table and run arguments to the data of the experiments allowed
 * with expr_env_allow_experiment (none until one is): an argument whose first
 * component names any other is an error listing the allowed ones. */
void expr_env_confine(expr_env *env);
/* Allows one experiment's data (and confines, as above).  -1 when out of
 * memory. */
int expr_env_allow_experiment(expr_env *env, const char *name);

/* Resolves a table reference (is_run 0) or a run reference (1) of a claim
 * to its path under the data directory, without the ".tsv" of a table
 * ("e/p/s0/loss", "e/p/s0"): a malloc'd string, or NULL with err set. */
typedef char *(*expr_resolver)(void *ctx, const char *ref, int is_run, char *err,
                               size_t errlen);
/* Table and run arguments are references resolved by fn (select.h) instead
 * of paths. */
void expr_env_resolve_with(expr_env *env, expr_resolver fn, void *ctx);

/* Checks a table or run reference and the column names a function gives
 * with it (none for rows() and status()); 0, or -1 with err set. */
typedef int (*expr_checker)(void *ctx, const char *ref, int is_run, const char *const *columns,
                            size_t ncolumns, char *err, size_t errlen);
/* Check mode: table and run functions read no data; they pass their
 * reference and columns to fn and yield 1 (a failing fn fails the
 * evaluation with its message). */
void expr_env_check_with(expr_env *env, expr_checker fn, void *ctx);

/* Is s a name expressions can use (a let: name): a letter, then letters,
 * digits and '_'? */
int expr_is_name(const char *s);

/* Evaluates `text`; 0 with *value set (always finite), or -1 with the
 * reason in err.  Table and run arguments are resolved (see
 * expr_env_resolve_with) into relative paths (at most 1024
 * characters) of components made of [A-Za-z0-9_.,+=-] under the data
 * directory (no "", "." or ".."). */
int expr_eval(expr_env *env, const char *text, double *value, char *err, size_t errlen);

#endif
