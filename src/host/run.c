/* run.c -- one run of one plugin: the host API handed to the plugin, the
 * parameter set, the sink, interruption and progress (include/lindyn/run.h). */
#include "lindyn/run.h"

#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "npy.h"
#include "params.h"
#include "provenance.h"
#include "sink.h"
#include "tables.h"

struct lindyn_run {
	lindyn_host host;            /* first: the plugin sees &run->host */
	const lindyn_plugin *plugin;
	char *outdir, *command, *plugin_path;
	param_set params;
	unsigned long seed;
	sink *sink;                  /* the last executed run's results */
	int status;
	char message[1024];
	int progress_enabled, progress_shown;
	double t0, last_draw;
	unsigned long calls;
};

/* From OpenBLAS (its cblas.h would clash with GSL's CBLAS declarations). */
extern void openblas_set_num_threads(int threads);

static volatile sig_atomic_t interrupted;
static lindyn_run *active; /* the run GSL errors are forwarded to */

static lindyn_run *run_of(lindyn_host *h) { return (lindyn_run *)h; }

static int record(lindyn_run *r, int status, const char *where, const char *fmt, va_list ap)
{
	if (r->status == LINDYN_OK) {
		r->status = status;
		int n = vsnprintf(r->message, sizeof r->message, fmt, ap);
		if (where && n >= 0 && (size_t)n < sizeof r->message)
			snprintf(r->message + n, sizeof r->message - (size_t)n, " (%s)", where);
	}
	return status;
}

static int fail(lindyn_run *r, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(lindyn_run *r, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	record(r, status, NULL, fmt, ap);
	va_end(ap);
	return status;
}

static int host_error(lindyn_host *h, int status, const char *file, int line,
                      const char *fmt, ...)
{
	char where[512];
	snprintf(where, sizeof where, "%s:%d", file, line);
	va_list ap;
	va_start(ap, fmt);
	record(run_of(h), status, where, fmt, ap);
	va_end(ap);
	return status;
}

static void host_log(lindyn_host *h, lindyn_log_level level, const char *fmt, ...)
{
	static const char *names[] = { "debug", "info", "warning" };
	if (level == LINDYN_LOG_DEBUG && !getenv("LINDYN_DEBUG"))
		return;
	fprintf(stderr, "lindyn: %s: %s: ", run_of(h)->plugin->name,
	        names[level <= LINDYN_LOG_WARN ? level : LINDYN_LOG_WARN]);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void gsl_forward(const char *reason, const char *file, int line, int gsl_errno)
{
	if (active)
		fail(active, LINDYN_ENUMERIC, "GSL: %s: %.300s (%.200s:%d)", gsl_strerror(gsl_errno),
		     reason, file, line);
}

static const param_value *lookup(lindyn_host *h, const char *key, lindyn_param_kind a,
                                 lindyn_param_kind b)
{
	lindyn_run *r = run_of(h);
	const param_value *v = params_find(&r->params, key);
	if (!v)
		fail(r, LINDYN_EINVAL, "plugin bug: parameter '%s' is not declared", key);
	else if (v->def->kind != a && v->def->kind != b &&
	         !(b == LINDYN_P_STRING && v->def->kind == LINDYN_P_PATH)) { /* a path reads as text */
		fail(r, LINDYN_EINVAL, "plugin bug: parameter '%s' read with the wrong kind", key);
		v = NULL;
	}
	return v;
}

static long host_get_int(lindyn_host *h, const char *key)
{
	const param_value *v = lookup(h, key, LINDYN_P_INT, LINDYN_P_INT);
	return v ? v->i : 0;
}

static double host_get_real(lindyn_host *h, const char *key)
{
	const param_value *v = lookup(h, key, LINDYN_P_REAL, LINDYN_P_INT);
	return v ? v->x : NAN;
}

static int host_get_bool(lindyn_host *h, const char *key)
{
	const param_value *v = lookup(h, key, LINDYN_P_BOOL, LINDYN_P_BOOL);
	return v ? v->b : 0;
}

static const char *host_get_str(lindyn_host *h, const char *key)
{
	const param_value *v = lookup(h, key, LINDYN_P_ENUM, LINDYN_P_STRING);
	return v ? v->text : "";
}

/* The index of an ENUM parameter's value in its choices "a|b|c". */
static long host_get_enum(lindyn_host *h, const char *key)
{
	const param_value *v = lookup(h, key, LINDYN_P_ENUM, LINDYN_P_ENUM);
	if (!v)
		return -1;
	const char *c = v->def->choices;
	size_t len = strlen(v->text);
	for (long i = 0; c; i++) {
		size_t n = strcspn(c, "|");
		if (n == len && !strncmp(c, v->text, len))
			return i;
		c = c[n] ? c + n + 1 : NULL;
	}
	fail(run_of(h), LINDYN_EINVAL, "parameter '%s': '%s' is not one of %s", key, v->text,
	     v->def->choices);
	return -1;
}

static unsigned long host_seed(lindyn_host *h) { return run_of(h)->seed; }

static lindyn_table *host_table(lindyn_host *h, const char *name, const char *columns)
{
	lindyn_run *r = run_of(h);
	char err[1024];
	const lindyn_table_def *declared = plugin_tables(r->plugin);
	char *resolved = NULL;
	if (declared && !name) {
		fail(r, LINDYN_EINVAL, "plugin bug: a table without a name");
		return NULL;
	}
	if (declared && !(resolved = tables_resolve(declared, r->plugin->name, name, columns, err,
	                                            sizeof err))) {
		fail(r, LINDYN_EINVAL, "%s", err);
		return NULL;
	}
	lindyn_table *t = sink_table(r->sink, name, resolved ? resolved : columns, err, sizeof err);
	free(resolved);
	if (!t)
		fail(r, LINDYN_EINVAL, "%s", err);
	return t;
}

static int host_row(lindyn_table *t, const double *values)
{
	if (!t)
		return LINDYN_EINVAL; /* table() failed and recorded why */
	lindyn_run *r = sink_table_owner(t);
	char err[512];
	int status = sink_row(t, values, err, sizeof err);
	return status ? fail(r, status, "%s", err) : LINDYN_OK;
}

static int host_rowv(lindyn_table *t, size_t n, const double *values)
{
	if (!t)
		return LINDYN_EINVAL;
	if (n != sink_table_columns(t)) {
		lindyn_run *r = sink_table_owner(t);
		return fail(r, LINDYN_EINVAL, "plugin bug: a row of %zu values for table '%s' of %zu columns",
		            n, sink_table_name_of(t), sink_table_columns(t));
	}
	return host_row(t, values);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int host_progress(lindyn_host *h, double done, long step, double loss)
{
	lindyn_run *r = run_of(h);
	if (interrupted)
		return fail(r, LINDYN_EINTR, "interrupted by a signal at step %ld", step);
	if (!r->progress_enabled || (++r->calls & 255))
		return LINDYN_OK;
	double t = now() - r->t0;
	if (t < 1.0 || t - r->last_draw < 0.25)
		return LINDYN_OK;
	r->last_draw = t;
	r->progress_shown = 1;
	fprintf(stderr, "\r%s: step %ld (%3.0f%%)  %.1f s  loss %.6g   ", r->plugin->name, step,
	        100 * done, t, loss);
	return LINDYN_OK;
}

static int host_npy_read(lindyn_host *h, const char *path, size_t rows, size_t cols,
                         double *out)
{
	char err[512];
	if (npy_read(path, rows, cols, out, err, sizeof err))
		return fail(run_of(h), LINDYN_EINVAL, "%s", err);
	return LINDYN_OK;
}

static int host_npy_write(lindyn_host *h, const char *name, size_t rows, size_t cols,
                          const double *data)
{
	lindyn_run *r = run_of(h);
	char err[512];
	int status = sink_npy(r->sink, name, rows, cols, data, err, sizeof err);
	return status ? fail(r, status, "%s", err) : LINDYN_OK;
}

lindyn_run *lindyn_run_new(const lindyn_plugin *plugin, const char *outdir)
{
	lindyn_run *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->host = (lindyn_host){
		.abi_major = LINDYN_ABI_MAJOR, .abi_minor = LINDYN_ABI_MINOR,
		.struct_size = sizeof(lindyn_host),
		.log = host_log, .error = host_error,
		.get_int = host_get_int, .get_real = host_get_real,
		.get_bool = host_get_bool, .get_str = host_get_str,
		.seed = host_seed, .table = host_table, .row = host_row,
		.progress = host_progress, .npy_read = host_npy_read,
		.npy_write = host_npy_write, .rowv = host_rowv, .get_enum = host_get_enum,
	};
	r->plugin = plugin;
	r->seed = 1;
	if (outdir && !(r->outdir = strdup(outdir)))
		goto fail;
	char err[512];
	if (params_init(&r->params, plugin->params, err, sizeof err)) {
		fail(r, LINDYN_EINVAL, "%s", err);
		return r; /* the status makes exec fail with the reason */
	}
	return r;
fail:
	lindyn_run_free(r);
	return NULL;
}

void lindyn_run_free(lindyn_run *r)
{
	if (!r)
		return;
	sink_free(r->sink);
	params_free(&r->params);
	free(r->outdir);
	free(r->command);
	free(r->plugin_path);
	free(r);
}

int lindyn_run_set(lindyn_run *r, const char *kv)
{
	char err[512];
	if (params_set(&r->params, kv, err, sizeof err))
		return fail(r, LINDYN_EINVAL, "%s", err);
	return LINDYN_OK;
}

void lindyn_run_seed(lindyn_run *r, unsigned long seed) { r->seed = seed; }

void lindyn_run_command(lindyn_run *r, const char *command)
{
	free(r->command);
	r->command = command ? strdup(command) : NULL;
}

void lindyn_run_plugin_path(lindyn_run *r, const char *path)
{
	free(r->plugin_path);
	r->plugin_path = path ? strdup(path) : NULL;
}

void lindyn_run_progress(lindyn_run *r, int enabled)
{
	r->progress_enabled = enabled && isatty(STDERR_FILENO);
}

static void on_signal(int sig)
{
	(void)sig;
	if (interrupted) /* a second signal: stop now; the staging directory stays hidden */
		_exit(130);
	interrupted = 1;
}

/* The provenance header and the sink (its staging directory); the status. */
static int open_sink(lindyn_run *r)
{
	char err[512], *header;
	int status = provenance_header(r->plugin, r->plugin_path, &r->params, r->seed, r->command,
	                               &header, err, sizeof err);
	if (status)
		return fail(r, status, "%s", err);
	r->sink = sink_new(r->outdir, header, &status, err, sizeof err);
	free(header);
	if (!r->sink)
		return fail(r, status, "%s", err);
	sink_set_owner(r->sink, r);
	return LINDYN_OK;
}

/* alloc, run and free, with GSL's errors forwarded into the run's status. */
static void run_plugin(lindyn_run *r)
{
	gsl_error_handler_t *old_handler = gsl_set_error_handler(gsl_forward);
	active = r;
	r->t0 = now();
	r->last_draw = 0;
	void *state = r->plugin->alloc(&r->host);
	if (!state && r->status == LINDYN_OK)
		fail(r, LINDYN_ENOMEM, "plugin %s: alloc failed without a reason", r->plugin->name);
	if (state) {
		int status = r->plugin->run(state, &r->host);
		if (status != LINDYN_OK && r->status == LINDYN_OK)
			fail(r, status, "plugin %s: run failed (%s) without a message", r->plugin->name,
			     status == LINDYN_EDIVERGE ? "diverged" : "error");
		r->plugin->free(state);
	}
	if (r->progress_shown)
		fputc('\n', stderr);
	active = NULL;
	gsl_set_error_handler(old_handler);
}

int lindyn_run_exec(lindyn_run *r)
{
	if (r->status)
		return r->status; /* a parameter was rejected: nothing runs */
	sink_free(r->sink);
	r->sink = NULL;
	/* Parallelism comes from independent runs; one BLAS thread unless the
	 * user asks for more through OPENBLAS_NUM_THREADS. */
	if (!getenv("OPENBLAS_NUM_THREADS"))
		openblas_set_num_threads(1);
	/* Signals are caught from before the staging directory exists, so an
	 * interruption at any moment leaves nothing behind. */
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	if (open_sink(r) == LINDYN_OK && !interrupted)
		run_plugin(r);
	if (r->status == LINDYN_OK && interrupted)
		fail(r, LINDYN_EINTR, "interrupted by a signal");
	/* Still caught while the run is published: a signal then lets the publish
	 * finish, and a run that is published whole has succeeded. */
	char err[512];
	int status;
	if (r->status == LINDYN_OK && (status = sink_commit(r->sink, err, sizeof err)))
		fail(r, status, "%s", err);
	if (r->status != LINDYN_OK && r->sink)
		sink_discard(r->sink); /* nothing of a failed run stays on disk */
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	interrupted = 0;
	return r->status;
}

const char *lindyn_run_message(const lindyn_run *r) { return r->message; }

size_t lindyn_run_rows(const lindyn_run *r, const char *table)
{
	return r->sink ? sink_rows(r->sink, table) : 0;
}

double lindyn_run_value(const lindyn_run *r, const char *table, size_t row,
                        const char *column)
{
	return r->sink ? sink_value(r->sink, table, row, column) : NAN;
}

const char *lindyn_run_table_name(const lindyn_run *r, size_t index)
{
	return r->sink ? sink_table_name(r->sink, index) : NULL;
}

size_t lindyn_run_columns(const lindyn_run *r, const char *table)
{
	return r->sink ? sink_columns(r->sink, table) : 0;
}

const char *lindyn_run_column_name(const lindyn_run *r, const char *table, size_t column)
{
	return r->sink ? sink_column_name(r->sink, table, column) : NULL;
}

const char *lindyn_run_param(const lindyn_run *r, const char *key)
{
	const param_value *v = params_find(&r->params, key);
	return v ? v->text : NULL;
}
