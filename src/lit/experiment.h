/* experiment.h -- an experiment block expanded into its runs: sweep
 * points (the product of the sweep axes) times seeds.  Every field that
 * reaches a file name, a make target or a command line is checked here,
 * naming document:line (paper/FORMAT.md, "What a document may hold"). */
#ifndef LINDYN_EXPERIMENT_H
#define LINDYN_EXPERIMENT_H

#include <stddef.h>

#include "doc.h"
#include "lindyn/plugin.h"

/* Values one sweep axis may take, runs one experiment may have
 * (points x seeds), and the size of a point's directory name with its NUL. */
#define EXPERIMENT_MAX_VALUES 4096
#define EXPERIMENT_MAX_RUNS 50000
#define EXPERIMENT_POINT_MAX 256

/* The characters a set: or sweep: value may hold: none is special to sh
 * or make, in a recipe or (after experiment_point's mapping) a target. */
#define EXPERIMENT_VALUE_CHARS "[A-Za-z0-9_.,:/+=-]"

/* Room for the text experiment_value_text gives a number, with its NUL. */
#define EXPERIMENT_NUMBER_MAX 400

typedef struct {
	size_t nkeys, nvalues;
	char **keys;        /* nkeys */
	char **values;      /* nvalues * nkeys, tuple-major: experiment_value_text */
	char **written;     /* the same values as the document wrote them (messages) */
	size_t stride;      /* points between two consecutive values of this axis */
	int line;
} sweep_axis;

typedef struct {
	const doc *doc;
	const block *block;
	const char *name, *plugin;
	unsigned long base_seed;
	long seeds;
	char **set;         /* "key=value", quick overrides last */
	size_t nset;
	sweep_axis *axes;
	size_t naxes;
	char **aggregate;
	size_t naggregate;
	int expect_diverge;
} experiment;

/* Parses an experiment block (quick: apply quick/quick-sweep overrides).
 * Names (experiment, plugin, keys, aggregate tables) follow NAME_RULE;
 * values hold only EXPERIMENT_VALUE_CHARS; a set: value that names a path
 * is relative and has no ".." component; a sweep value holds no '/'; no two
 * values of an axis give the same point; points x seeds is at most
 * EXPERIMENT_MAX_RUNS; a point's name fits EXPERIMENT_POINT_MAX. */
int experiment_parse(experiment *e, const doc *d, const block *b, int quick, char *err,
                     size_t errlen);
void experiment_free(experiment *e);

size_t experiment_npoints(const experiment *e);
/* The number of swept keys: the size keys/values of experiment_point need. */
size_t experiment_nkeys(const experiment *e);
/* The point's directory name ("h-500_init-gauss", "base"; name holds
 * EXPERIMENT_POINT_MAX bytes) and, if keys is not NULL, its "key=value"
 * assignments (experiment_nkeys of them; strings owned by e). */
void experiment_point(const experiment *e, size_t point, char *name, const char **keys,
                      const char **values);

/* The text of a sweep value wherever it appears: in its point's directory
 * name, on the plugin's command line, in figure variables and when a
 * selection is matched.  A decimal number ([+-]digits[.digits][e[+-]digits],
 * finite) has one text however it was written: an integer below 1e15 in
 * digits ("1e3" is "1000"), any other number in the shorter of its plain and
 * exponent forms, ties plain ("0.001" is "1e-3", "0.0025" stays), each with
 * the fewest significant digits that read back as the same double (so
 * exponent form where plain would need more: "1.2345678901234568e18").  Any
 * other value is its own text.  Returns v itself or buf (which holds
 * EXPERIMENT_NUMBER_MAX bytes). */
const char *experiment_value_text(const char *v, char *buf);

/* 1 when key is a parameter of kind LINDYN_P_PATH in table (directly or
 * through an alias): a value the plugin reads as a file or directory. */
int experiment_param_is_path(const lindyn_param *table, const char *key);

/* 1 when s, read as a path, stays inside the working tree: it is relative
 * and no '/'-separated component of it is "..". */
int path_is_confined(const char *s);

/* The seed of seed index k of an experiment with this base seed
 * (splitmix64 of both, so nearby base seeds give unrelated streams). */
unsigned long experiment_run_seed(unsigned long base, long k);

#endif
