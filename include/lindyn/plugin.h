/* lindyn/plugin.h -- the ABI between the lindyn driver and solver plugins.
 *
 * This is the only header a plugin needs.  A plugin is a shared object that
 * exports exactly one symbol, lindyn_plugin_descriptor(), which the driver
 * calls with 0, 1, 2, ... until it returns NULL (one .so may hold several
 * solvers).  Everything else in the plugin is static or hidden.
 *
 * Stability rules
 *   1. Fields are only ever appended to the END of lindyn_plugin, lindyn_host
 *      and lindyn_param.  Appending bumps LINDYN_ABI_MINOR.
 *   2. Any other change (removing, reordering, retyping a field, changing a
 *      function's meaning) bumps LINDYN_ABI_MAJOR and resets the minor to 0.
 *   3. The driver accepts a plugin when the majors are equal and the plugin's
 *      minor is not newer than the driver's; it never reads a descriptor field
 *      past descriptor->struct_size.  A plugin reads no host field past
 *      host->struct_size (check with LINDYN_HOST_HAS).
 *
 * Lifecycle of one run
 *   state = alloc(host)      read parameters, allocate every workspace; NULL
 *                            means failure, with the reason already reported
 *                            through host->error.
 *   status = run(state, host)   the plugin owns the iteration loop; it emits
 *                            rows through host->table/host->row, calls
 *                            host->progress once per iteration, and returns
 *                            LINDYN_OK or the status of the first failure.
 *   free(state)              releases everything; free(NULL) is a no-op.
 *
 * Plugins never printf, fopen or parse argv: the host validates parameters
 * against the declared table, writes files with provenance, and prints.
 */
#ifndef LINDYN_PLUGIN_H
#define LINDYN_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#define LINDYN_ABI_MAJOR 1u
#define LINDYN_ABI_MINOR 3u
/* History: 1.0 the descriptor up to free; 1.1 appended smoke_args;
 * 1.2 appended tables (descriptor), rowv and get_enum (host), and NAN
 * parameter bounds meaning "unbounded"; 1.3 appended the parameter kind
 * LINDYN_P_PATH. */

#define LINDYN_EXPORT __attribute__((visibility("default")))
#define LINDYN_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

/* Status codes: 0 is success, positive values are failures. */
typedef enum {
	LINDYN_OK = 0,
	LINDYN_EINVAL,   /* a parameter or input file is invalid */
	LINDYN_ENOMEM,   /* allocation failed */
	LINDYN_EDIVERGE, /* the iteration produced non-finite values */
	LINDYN_ENUMERIC, /* a numerical routine failed (GSL error, no root, ...) */
	LINDYN_EIO,      /* reading or writing a file failed */
	LINDYN_EINTR,    /* the run was interrupted (SIGINT/SIGTERM) */
	LINDYN_EMAXITER, /* an inner iteration did not converge */
	LINDYN_EABI      /* plugin/host ABI mismatch */
} lindyn_status;

typedef enum {
	LINDYN_LOG_DEBUG,
	LINDYN_LOG_INFO,
	LINDYN_LOG_WARN
} lindyn_log_level;

typedef enum {
	LINDYN_P_INT = 1, /* long, bounds [min, max] inclusive */
	LINDYN_P_REAL,    /* double, bounds [min, max] inclusive, finite */
	LINDYN_P_BOOL,    /* 0/1, true/false, yes/no */
	LINDYN_P_ENUM,    /* one of choices "a|b|c"; read with get_enum (or get_str) */
	LINDYN_P_STRING,  /* free text; may be empty */
	LINDYN_P_ALIAS,   /* since 1.2: a deprecated key kept working; `choices`
	                   * names the key it stands for, defval is NULL, and
	                   * help says why ("renamed: use abs_tol") */
	LINDYN_P_PATH     /* since 1.3: a file or directory the plugin reads; in a
	                   * document a relative value is resolved against the
	                   * document's directory.  Read with get_str; may be
	                   * empty.  An output directory is a STRING. */
} lindyn_param_kind;

/* One declared parameter.  A table ends with an entry whose key is NULL. */
typedef struct lindyn_param {
	const char *key;          /* [a-z][a-z0-9_]*, used as key=value */
	lindyn_param_kind kind;
	const char *defval;       /* textual default, parsed and checked by the host */
	double min, max;          /* INT and REAL only: inclusive bounds; since 1.2
	                           * NAN means no bound on that side (LINDYN_UNBOUNDED) */
	const char *choices;      /* ENUM only: "rk4|rkf45|rk8pd" */
	const char *help;         /* one line, shown by `lindyn help PLUGIN` */
} lindyn_param;

/* A bound that is no bound (1.2): `lindyn help` shows it as -inf/inf and
 * the host checks nothing on that side.  A 1.1 host would reject every value
 * against a NAN bound, so a plugin using it declares ABI 1.2. */
#define LINDYN_UNBOUNDED (__builtin_nan(""))

/* One column of a declared table (1.2).  A list ends with an entry whose
 * name is NULL. */
typedef struct lindyn_column {
	const char *name;  /* [a-z][a-z0-9_]*, the header of the column */
	const char *help;  /* one line: its meaning, with the unit or "log10 of ..." */
} lindyn_column;

/* One table a plugin may write, <out>/<name>.tsv (1.2).  A list ends with an
 * entry whose name is NULL.  `columns` lists every column the table can
 * have; a run writes all of them or, when some only exist under certain
 * parameters, a subset (each declared, none twice). */
typedef struct lindyn_table_def {
	const char *name;              /* [a-z][a-z0-9_]* */
	const char *help;              /* one line, shown by `lindyn help PLUGIN` */
	const lindyn_column *columns;
} lindyn_table_def;

typedef struct lindyn_host lindyn_host;
typedef struct lindyn_table lindyn_table;  /* opaque, owned by the host */

/* The API handed to a plugin.  Every function is safe to call from run(). */
struct lindyn_host {
	uint32_t abi_major, abi_minor, struct_size;

	/* Diagnostics on stderr, prefixed with the plugin name. */
	void (*log)(lindyn_host *h, lindyn_log_level level, const char *fmt, ...)
		LINDYN_PRINTF(3, 4);
	/* Records the run's failure (first one wins) and returns `status`.
	 * Use through LINDYN_ERROR so file and line are filled in. */
	int (*error)(lindyn_host *h, int status, const char *file, int line,
	             const char *fmt, ...) LINDYN_PRINTF(5, 6);

	/* Validated parameter values (defaults filled in).  Asking for a key the
	 * plugin did not declare, or with the wrong kind, is a plugin bug: the
	 * host records an EINVAL error and returns 0 / NaN / "". */
	long (*get_int)(lindyn_host *h, const char *key);
	double (*get_real)(lindyn_host *h, const char *key);
	int (*get_bool)(lindyn_host *h, const char *key);
	const char *(*get_str)(lindyn_host *h, const char *key); /* ENUM, STRING, PATH */

	/* The run's seed: the single source of every random draw. */
	unsigned long (*seed)(lindyn_host *h);

	/* Opens the output table <out>/<name>.tsv; NULL on failure (error
	 * recorded).  Call from run(), before the loop.  `columns` holds
	 * space-separated names.  For a plugin that declares its tables (1.2),
	 * `name` must be a declared table, and `columns` NULL (all its declared
	 * columns, in declared order) or a selection of its declared columns.
	 * row() takes exactly as many values as the table has columns (prefer
	 * rowv, which checks the count); a non-finite value fails the run with
	 * LINDYN_EDIVERGE. */
	lindyn_table *(*table)(lindyn_host *h, const char *name, const char *columns);
	int (*row)(lindyn_table *t, const double *values);

	/* Call once per iteration: done = fraction of the run completed in [0,1],
	 * step = iteration counter, loss = current loss (NaN if none).  Cheap.
	 * Returns LINDYN_EINTR once the run was interrupted; return it. */
	int (*progress)(lindyn_host *h, double done, long step, double loss);

	/* Weights as NumPy .npy (float64, C order, 2-D).  npy_read fills `out`
	 * (rows*cols doubles, caller-owned) and fails unless the file's shape is
	 * exactly rows x cols.  npy_write saves <out>/<name>.npy atomically. */
	int (*npy_read)(lindyn_host *h, const char *path, size_t rows, size_t cols,
	                double *out);
	int (*npy_write)(lindyn_host *h, const char *name, size_t rows, size_t cols,
	                 const double *data);

	/* Reserved for the host: a plugin never reads or writes it. */
	void *priv;

	/* Since 1.2.  row() with the number of values: a count that is not the
	 * table's number of columns fails the run (LINDYN_EINVAL, a plugin bug). */
	int (*rowv)(lindyn_table *t, size_t n, const double *values);
	/* Since 1.2.  An ENUM parameter's value as its index in `choices`
	 * ("rk4|rkf45|rk8pd": rkf45 is 1); -1 with an EINVAL error recorded for
	 * a key that is not a declared ENUM. */
	long (*get_enum)(lindyn_host *h, const char *key);
	/* Append new entries here only (and bump LINDYN_ABI_MINOR). */
};

/* True when the host the plugin runs in provides `field`. */
#define LINDYN_HOST_HAS(h, field) \
	((h)->struct_size >= offsetof(lindyn_host, field) + sizeof((h)->field))

#define LINDYN_ERROR(h, status, ...) \
	((h)->error((h), (status), __FILE__, __LINE__, __VA_ARGS__))

typedef struct lindyn_plugin {
	uint32_t abi_major, abi_minor, struct_size; /* LINDYN_PLUGIN_HEADER */
	const char *name;     /* unique, [a-z][a-z0-9_]* */
	const char *version;  /* the plugin's own version, "1.0.0" */
	const char *summary;  /* one line for `lindyn list` */
	const lindyn_param *params;
	void *(*alloc)(lindyn_host *h);
	int (*run)(void *state, lindyn_host *h);
	void (*free)(void *state);
	/* Since 1.1.  "key=value ..." that shrinks the run to well under a
	 * second: used by the conformance suite (`lindyn check-plugin`) on top of
	 * the defaults.  A 1.0 plugin lacks it and the host reads it as NULL. */
	const char *smoke_args;
	/* Since 1.2.  The tables the plugin writes, ending with {NULL}: the host
	 * refuses any other table or column, `lindyn help` shows them and
	 * `lindyn tangle` checks documents against them.  NULL (or a 1.0/1.1
	 * plugin) declares nothing and may write any table. */
	const lindyn_table_def *tables;
	/* Append new entries here only (and bump LINDYN_ABI_MINOR). */
} lindyn_plugin;

#define LINDYN_PLUGIN_HEADER \
	LINDYN_ABI_MAJOR, LINDYN_ABI_MINOR, (uint32_t)sizeof(lindyn_plugin)

/* The one exported symbol.  Returns NULL for an index out of range. */
LINDYN_EXPORT const lindyn_plugin *lindyn_plugin_descriptor(uint32_t index);
typedef const lindyn_plugin *(*lindyn_descriptor_fn)(uint32_t index);

#endif /* LINDYN_PLUGIN_H */
