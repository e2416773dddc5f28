/* test_sink.c -- what a run leaves on disk (src/host/sink.c, src/host/outdir.c,
 * src/host/run.c, src/host/provenance.c): the provenance header, rows in %.17g,
 * weights as .npy, and the commit of the whole directory as one unit: a
 * failed, diverged or interrupted run leaves no file that looks complete
 * and says why, a new run replaces a previous one whole, a directory that
 * is not a run is never replaced, stale staging directories are removed. */
#include <dlfcn.h>
#include <errno.h>
#include <glob.h>
#include <regex.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>

#include <cmocka.h>

#include <gsl/gsl_version.h>

#include "lindyn/run.h"
#include "../src/host/npy.h"
#include "../src/host/sink.h"
#include "fixtures/testutil.h"

static char good_path[PATH_MAX], misbehave_path[PATH_MAX];
static const lindyn_plugin *good, *diverge, *failing, *slow, *undeclared, *old_abi;

static const lindyn_plugin *descriptor(const char *so, uint32_t index)
{
	void *h = dlopen(so, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		fail_msg("%s: %s (build the fixtures first)", so, dlerror());
	lindyn_descriptor_fn fn;
	*(void **)&fn = dlsym(h, "lindyn_plugin_descriptor");
	assert_non_null(fn);
	return fn(index);
}

static int load_fixtures(void **state)
{
	(void)state;
	snprintf(good_path, sizeof good_path, "%s", tu_path("fixtures/good.so"));
	snprintf(misbehave_path, sizeof misbehave_path, "%s", tu_path("fixtures/misbehave.so"));
	good = descriptor(good_path, 0);
	diverge = descriptor(misbehave_path, 0);
	failing = descriptor(misbehave_path, 1);
	slow = descriptor(misbehave_path, 2);
	undeclared = descriptor(tu_path("fixtures/undeclared.so"), 0);
	old_abi = descriptor(tu_path("fixtures/abi_older_minor.so"), 0);
	assert_string_equal(good->name, "fx_good");
	assert_string_equal(diverge->name, "fx_diverge");
	assert_string_equal(failing->name, "fx_fail");
	assert_string_equal(slow->name, "fx_slow");
	return 0;
}


/* Entries matching `inside` in the hidden staging directories (and previous
 * runs moved aside) of runs into `tu_dir`, next to it ("" for the directories
 * themselves). */
static size_t staged(const char *inside)
{
	char pattern[PATH_MAX + 64];
	const char *base = strrchr(tu_dir, '/') + 1;
	snprintf(pattern, sizeof pattern, "%.*s.%s.lindyn-*%s", (int)(base - tu_dir), tu_dir, base,
	         inside);
	glob_t g;
	size_t n = glob(pattern, 0, NULL, &g) == 0 ? g.gl_pathc : 0;
	globfree(&g);
	return n;
}

static size_t staging_dirs(void) { return staged(""); }

static char *file_in(const char *name)
{
	static char p[PATH_MAX];
	snprintf(p, sizeof p, "%s/%s", tu_dir, name);
	return p;
}

/* The line of `text` starting with `prefix`, copied into a static buffer. */
static const char *line_with(const char *text, const char *prefix)
{
	static char line[4096];
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (!strncmp(p, prefix, strlen(prefix))) {
			snprintf(line, sizeof line, "%.*s", (int)len, p);
			return line;
		}
		p = nl ? nl + 1 : p + len;
	}
	fail_msg("no line starting with '%s' in:\n%s", prefix, text);
	return NULL;
}

static int matches(const char *text, const char *pattern)
{
	regex_t re;
	assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	int ok = regexec(&re, text, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

static lindyn_run *run_good(const char *outdir, const char *args, unsigned long seed)
{
	lindyn_run *r = lindyn_run_new(good, outdir);
	char buf[512], *save = NULL;
	snprintf(buf, sizeof buf, "%s", args);
	for (char *kv = strtok_r(buf, " ", &save); kv; kv = strtok_r(NULL, " ", &save))
		assert_int_equal(lindyn_run_set(r, kv), LINDYN_OK);
	lindyn_run_seed(r, seed);
	return r;
}

static void test_provenance_header(void **state)
{
	(void)state;
	lindyn_run *r = run_good(tu_dir, "steps=3 rate=0.5", 2385);
	lindyn_run_command(r, "lindyn run fx_good steps=3 rate=0.5 --seed 2385");
	lindyn_run_plugin_path(r, good_path);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	assert_string_equal(lindyn_run_message(r), "");
	lindyn_run_free(r);

	char *text = tu_read(file_in("loss.tsv"));
	assert_non_null(text);
	/* Tool and revision. */
	const char *l = line_with(text, "# lindyn ");
	assert_true(matches(l, "^# lindyn " LINDYN_VERSION " \\(git [0-9a-f]{7,40}(-dirty)?\\) "
	                       "abi 1\\.3$"));
	/* The plugin, its version and the .so it came from. */
	char want[PATH_MAX + 64];
	snprintf(want, sizeof want, "# plugin: fx_good 2.3.1 (%s)", good_path);
	assert_string_equal(line_with(text, "# plugin:"), want);
	/* Right after it, the SHA-256 of that file. */
	assert_true(matches(strstr(text, want) + strlen(want), "^\n# plugin_sha256: [0-9a-f]{64}\n"));
	/* Every parameter, defaults filled in, in canonical text. */
	assert_string_equal(line_with(text, "# params:"),
	                    "# params: steps=3 rate=0.5 noise=0.125 centered=1 method=heun label= "
	                    "init_npy= save_weights=0");
	assert_string_equal(line_with(text, "# seed:"), "# seed: 2385");
	assert_string_equal(line_with(text, "# command:"),
	                    "# command: lindyn run fx_good steps=3 rate=0.5 --seed 2385");
	/* Libraries: GSL's version, OpenBLAS, one BLAS thread. */
	l = line_with(text, "# libs:");
	assert_true(matches(l, "^# libs: gsl " GSL_VERSION "; blas OpenBLAS [0-9.]+.*; threads=1$"));
	/* Then the header row: the table's name, a line of its column names. */
	assert_non_null(strstr(text, "\n# table: loss\nstep\tloss\n0\t"));
	assert_null(strstr(text, "# columns:"));
	free(text);

	/* The second table carries the same header. */
	text = tu_read(file_in("weights.tsv"));
	assert_non_null(text);
	assert_string_equal(line_with(text, "# seed:"), "# seed: 2385");
	assert_string_equal(line_with(text, "step\t"), "step\tw00\tw12"); /* the selected ones */
	free(text);
	/* The marker of a lindyn run holds the header too. */
	text = tu_read(file_in(".lindyn-run"));
	assert_non_null(text);
	assert_string_equal(line_with(text, "# seed:"), "# seed: 2385");
	free(text);
	/* Nothing else, here or next to the directory. */
	assert_int_equal(tu_count_entries(tu_dir), 3);
	assert_int_equal(staging_dirs(), 0);
}

/* SOURCE_DATE_EPOCH adds a date line; a malformed value (once a crash in
 * gmtime for a year past 2^31, 1970 for a word) is refused, naming it. */
static void test_source_date_epoch(void **state)
{
	(void)state;
	setenv("SOURCE_DATE_EPOCH", "1700000000", 1);
	lindyn_run *r = run_good(tu_dir, "steps=1", 1);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	lindyn_run_free(r);
	char *text = tu_read(file_in("loss.tsv"));
	assert_string_equal(line_with(text, "# date:"), "# date: 2023-11-14T22:13:20Z");
	free(text);
	static const char *bad[] = { "99999999999999999", "abc", "-5", "12x" };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		setenv("SOURCE_DATE_EPOCH", bad[i], 1);
		r = run_good(tu_dir, "steps=1", 1);
		assert_int_equal(lindyn_run_exec(r), LINDYN_EINVAL);
		char want[128];
		snprintf(want, sizeof want,
		         "SOURCE_DATE_EPOCH='%s' is not a number of seconds since 1970", bad[i]);
		assert_string_equal(lindyn_run_message(r), want);
		lindyn_run_free(r);
	}
	unsetenv("SOURCE_DATE_EPOCH");
}

/* Rows in the file are the in-memory values, bit for bit (%.17g). */
static void test_rows_round_trip(void **state)
{
	(void)state;
	lindyn_run *mem = run_good(NULL, "steps=7 noise=0.3", 99);
	assert_int_equal(lindyn_run_exec(mem), LINDYN_OK);
	assert_int_equal(lindyn_run_rows(mem, "loss"), 8);
	assert_int_equal(tu_count_entries(tu_dir), 0); /* memory mode writes nothing */

	lindyn_run *disk = run_good(tu_dir, "steps=7 noise=0.3", 99);
	assert_int_equal(lindyn_run_exec(disk), LINDYN_OK);
	assert_true(isnan(lindyn_run_value(disk, "loss", 0, "loss"))); /* values only on disk */
	FILE *f = fopen(file_in("weights.tsv"), "r");
	assert_non_null(f);
	char line[1024];
	size_t row = 0;
	int header = 0;
	while (fgets(line, sizeof line, f)) {
		if (line[0] == '#')
			continue;
		if (!header++) {
			assert_string_equal(line, "step\tw00\tw12\n");
			continue;
		}
		assert_true(row < 8);
		char *p = line, *end;
		static const char *cols[] = { "step", "w00", "w12" };
		for (int c = 0; c < 3; c++) {
			double x = strtod(p, &end), want = lindyn_run_value(mem, "weights", row, cols[c]);
			assert_true(end > p);
			assert_memory_equal(&x, &want, sizeof x);
			p = end;
		}
		assert_string_equal(p, "\n");
		row++;
	}
	fclose(f);
	assert_int_equal(row, 8);
	lindyn_run_free(mem);
	lindyn_run_free(disk);
}

static void test_nested_output_directory_is_created(void **state)
{
	(void)state;
	char sub[PATH_MAX];
	snprintf(sub, sizeof sub, "%s/a/b/s0", tu_dir);
	lindyn_run *r = run_good(sub, "steps=1", 1);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	lindyn_run_free(r);
	assert_true(tu_exists(file_in("a/b/s0/loss.tsv")));

	/* Below a regular file no directory can be made: an i/o error naming it. */
	tu_write(file_in("plain"), "x");
	snprintf(sub, sizeof sub, "%s/plain/out", tu_dir);
	r = run_good(sub, "steps=1", 1);
	assert_int_equal(lindyn_run_exec(r), LINDYN_EIO);
	assert_contains(lindyn_run_message(r), sub);
	assert_contains(lindyn_run_message(r), "cannot create output directory");
	lindyn_run_free(r);
}

static void test_diverged_run_leaves_no_file(void **state)
{
	(void)state;
	lindyn_run *r = lindyn_run_new(diverge, tu_dir);
	assert_int_equal(lindyn_run_exec(r), LINDYN_EDIVERGE);
	assert_string_equal(lindyn_run_message(r),
	                    "non-finite value in table 'trace' row 5: column 'growth' is inf");
	lindyn_run_free(r);
	assert_int_equal(tu_count_entries(tu_dir), 0);

	/* At the first row too, and with a non-default position. */
	r = lindyn_run_new(diverge, tu_dir);
	assert_int_equal(lindyn_run_set(r, "blowup_at=0"), LINDYN_OK);
	assert_int_equal(lindyn_run_exec(r), LINDYN_EDIVERGE);
	assert_contains(lindyn_run_message(r), "table 'trace' row 1: column 'growth'");
	lindyn_run_free(r);
	assert_int_equal(tu_count_entries(tu_dir), 0);

	/* Past the last row nothing diverges: the file appears. */
	r = lindyn_run_new(diverge, tu_dir);
	assert_int_equal(lindyn_run_set(r, "blowup_at=10"), LINDYN_OK);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	lindyn_run_free(r);
	assert_true(tu_exists(file_in("trace.tsv")));
}

static void test_failed_run_leaves_no_file(void **state)
{
	(void)state;
	lindyn_run *r = lindyn_run_new(failing, tu_dir);
	assert_int_equal(lindyn_run_exec(r), LINDYN_ENUMERIC);
	/* The plugin's message with the place it was raised. */
	assert_true(matches(lindyn_run_message(r),
	                    "^no root bracketed after 5 steps \\(tests/fixtures/misbehave\\.c:[0-9]+\\)$"));
	lindyn_run_free(r);
	assert_int_equal(tu_count_entries(tu_dir), 0); /* neither loss.tsv nor w_init.npy */
	assert_int_equal(staging_dirs(), 0);
}

/* A failed run into a directory holding an earlier complete run leaves the
 * earlier file as it was (not truncated, not half-overwritten). */
static void test_failed_rerun_keeps_previous_file(void **state)
{
	(void)state;
	lindyn_run *r = run_good(tu_dir, "steps=4", 5);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	lindyn_run_free(r);
	char *before = tu_read(file_in("loss.tsv"));
	r = lindyn_run_new(failing, tu_dir);
	assert_int_equal(lindyn_run_exec(r), LINDYN_ENUMERIC);
	lindyn_run_free(r);
	char *after = tu_read(file_in("loss.tsv"));
	assert_non_null(after);
	assert_string_equal(after, before);
	assert_int_equal(tu_count_entries(tu_dir), 3);
	assert_int_equal(staging_dirs(), 0);
	free(before);
	free(after);
}

/* Sends SIGINT to the parent once the plugin is in its loop: its table is
 * in the staging directory (the directory alone exists before the plugin
 * starts, and a signal then ends the run before any step). */
static pid_t interrupt_when_started(void)
{
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 2000; i++) {
			if (staged("/loss.tsv") > 0) {
				kill(parent, SIGINT);
				_exit(0);
			}
			nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
		}
		_exit(1);
	}
	return pid;
}

static void test_interrupted_run_leaves_no_file(void **state)
{
	(void)state;
	struct sigaction before; /* SIG_DFL, or SIG_IGN under a shell's background job */
	sigaction(SIGINT, NULL, &before);
	lindyn_run *r = lindyn_run_new(slow, tu_dir);
	assert_int_equal(lindyn_run_set(r, "max_seconds=20"), LINDYN_OK);
	pid_t child = interrupt_when_started();
	assert_int_equal(lindyn_run_exec(r), LINDYN_EINTR);
	int st;
	waitpid(child, &st, 0);
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_contains(lindyn_run_message(r), "interrupted by a signal at step");
	lindyn_run_free(r);
	assert_int_equal(tu_count_entries(tu_dir), 0);
	assert_int_equal(staging_dirs(), 0);
	/* The previous disposition of SIGINT is back. */
	struct sigaction sa;
	sigaction(SIGINT, NULL, &sa);
	assert_true(sa.sa_handler == before.sa_handler);
	/* And the next run is not taken for interrupted. */
	r = run_good(tu_dir, "steps=2", 1);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	lindyn_run_free(r);
}

static void test_weights_written_and_read(void **state)
{
	(void)state;
	lindyn_run *r = run_good(tu_dir, "steps=6 save_weights=yes", 31);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	lindyn_run_free(r);
	double w0[6], w1[6];
	char err[512];
	assert_int_equal(npy_read(file_in("w_init.npy"), 2, 3, w0, err, sizeof err), 0);
	assert_int_equal(npy_read(file_in("w_final.npy"), 2, 3, w1, err, sizeof err), 0);
	assert_int_equal(tu_count_entries(tu_dir), 5);

	/* Starting from w_init.npy reproduces the seeded start: same rows. */
	lindyn_run *seeded = run_good(NULL, "steps=6 noise=0", 31);
	assert_int_equal(lindyn_run_exec(seeded), LINDYN_OK);
	char kv[PATH_MAX + 16];
	snprintf(kv, sizeof kv, "init_npy=%s", file_in("w_init.npy"));
	lindyn_run *given = run_good(NULL, "steps=6 noise=0", 77);
	assert_int_equal(lindyn_run_set(given, kv), LINDYN_OK);
	assert_int_equal(lindyn_run_exec(given), LINDYN_OK);
	assert_close(lindyn_run_value(given, "weights", 0, "w00"), w0[0], 0);
	assert_close(lindyn_run_value(given, "weights", 0, "w12"), w0[5], 0);
	for (size_t i = 0; i < 7; i++)
		assert_close(lindyn_run_value(given, "loss", i, "loss"),
		             lindyn_run_value(seeded, "loss", i, "loss"), 0);
	lindyn_run_free(seeded);
	lindyn_run_free(given);

	/* A weights file of the wrong shape fails the run, naming the file. */
	snprintf(kv, sizeof kv, "init_npy=%s", file_in("w_init.npy"));
	char out[PATH_MAX];
	snprintf(out, sizeof out, "%s/bad", tu_dir);
	FILE *f = fopen(file_in("w_init.npy"), "wb");
	double six[6] = { 1, 2, 3, 4, 5, 6 };
	npy_write(f, 3, 2, six);
	fclose(f);
	r = run_good(out, "", 1);
	assert_int_equal(lindyn_run_set(r, kv), LINDYN_OK);
	assert_int_equal(lindyn_run_exec(r), LINDYN_EINVAL);
	assert_contains(lindyn_run_message(r), "w_init.npy: expected shape (2, 3), found (3, 2)");
	lindyn_run_free(r);
	assert_int_equal(tu_count_entries(out), 0);
}

static void test_same_seed_same_rows(void **state)
{
	(void)state;
	lindyn_run *a = run_good(NULL, "steps=30", 4), *b = run_good(NULL, "steps=30", 4),
	           *c = run_good(NULL, "steps=30", 5);
	assert_int_equal(lindyn_run_exec(a), LINDYN_OK);
	assert_int_equal(lindyn_run_exec(b), LINDYN_OK);
	assert_int_equal(lindyn_run_exec(c), LINDYN_OK);
	int differs = 0;
	for (size_t i = 0; i <= 30; i++) {
		double x = lindyn_run_value(a, "loss", i, "loss"), y = lindyn_run_value(b, "loss", i, "loss");
		assert_memory_equal(&x, &y, sizeof x);
		differs |= x != lindyn_run_value(c, "loss", i, "loss");
	}
	assert_true(differs);
	lindyn_run_free(a);
	lindyn_run_free(b);
	lindyn_run_free(c);
}

/* A run of fx_undeclared with fault=FAULT: its status, the message in msg. */
static int run_fault(const char *fault, char *msg, size_t len)
{
	lindyn_run *r = lindyn_run_new(undeclared, NULL);
	char kv[64];
	snprintf(kv, sizeof kv, "fault=%s", fault);
	assert_int_equal(lindyn_run_set(r, kv), LINDYN_OK);
	int status = lindyn_run_exec(r);
	snprintf(msg, len, "%s", lindyn_run_message(r));
	lindyn_run_free(r);
	return status;
}

/* A plugin that declares its tables writes only those, with declared
 * columns each at most once, and rows of the table's width. */
static void test_declared_tables_enforced(void **state)
{
	(void)state;
	char msg[1024];
	assert_int_equal(run_fault("none", msg, sizeof msg), LINDYN_OK);
	assert_int_equal(run_fault("table", msg, sizeof msg), LINDYN_EINVAL);
	assert_string_equal(msg, "plugin bug: table 'loss' is not declared by fx_undeclared "
	                         "(declared: out, extra)");
	assert_int_equal(run_fault("column", msg, sizeof msg), LINDYN_EINVAL);
	assert_string_equal(msg, "plugin bug: column 'loss' of table 'out' is not declared by "
	                         "fx_undeclared (declared: step, value)");
	assert_int_equal(run_fault("twice", msg, sizeof msg), LINDYN_EINVAL);
	assert_string_equal(msg, "plugin bug: column 'step' of table 'out' is selected twice");
	assert_int_equal(run_fault("rowv", msg, sizeof msg), LINDYN_EINVAL);
	assert_string_equal(msg, "plugin bug: a row of 3 values for table 'out' of 2 columns");
	/* NULL columns: every declared one, in declared order; a selection
	 * keeps its own order. */
	lindyn_run *r = run_good(NULL, "steps=2", 1);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	assert_int_equal(lindyn_run_columns(r, "loss"), 2);
	assert_string_equal(lindyn_run_column_name(r, "loss", 1), "loss");
	assert_int_equal(lindyn_run_columns(r, "weights"), 3);
	assert_string_equal(lindyn_run_column_name(r, "weights", 2), "w12");
	lindyn_run_free(r);
}

/* A plugin older than 1.2 declares nothing and writes what it likes. */
static void test_old_abi_writes_any_table(void **state)
{
	(void)state;
	lindyn_run *r = lindyn_run_new(old_abi, NULL);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	assert_int_equal(lindyn_run_rows(r, "out"), 3);
	lindyn_run_free(r);
}

/* A renamed parameter's old key sets the new one; both is an error. */
static void test_alias_sets_its_target(void **state)
{
	(void)state;
	lindyn_run *r = run_good(NULL, "decay=0.5", 1);
	assert_string_equal(lindyn_run_param(r, "rate"), "0.5");
	assert_null(lindyn_run_param(r, "decay"));
	assert_int_equal(lindyn_run_set(r, "rate=0.25"), LINDYN_EINVAL);
	assert_string_equal(lindyn_run_message(r), "parameters 'decay' and 'rate' are both given, "
	                    "but 'decay' is the deprecated name of 'rate': give only 'rate'");
	lindyn_run_free(r);
}

/* The sink's own checks on table and column declarations. */
static void test_table_declarations(void **state)
{
	(void)state;
	char err[512];
	int status;
	sink *s = sink_new(NULL, "", &status, err, sizeof err);
	assert_non_null(s);
	assert_int_equal(status, LINDYN_OK);
	assert_null(sink_table(s, "Loss", "a b", err, sizeof err));
	assert_string_equal(err, "table name 'Loss' must match [a-z][a-z0-9_]*");
	assert_null(sink_table(s, "loss.tsv", "a b", err, sizeof err));
	assert_null(sink_table(s, "loss", "  ", err, sizeof err));
	assert_string_equal(err, "table 'loss' has no columns");
	assert_null(sink_table(s, "loss", "step lo-ss", err, sizeof err));
	assert_string_equal(err, "table 'loss': column 'lo-ss' must be [A-Za-z_][A-Za-z0-9_]* "
	                         "(at most 63 characters)");
	assert_null(sink_table(s, "loss", "step loss step", err, sizeof err));
	assert_string_equal(err, "table 'loss': column 'step' declared twice");
	lindyn_table *t = sink_table(s, "loss", " step\tloss  norm ", err, sizeof err);
	assert_non_null(t);
	assert_int_equal(sink_columns(s, "loss"), 3);
	assert_string_equal(sink_column_name(s, "loss", 2), "norm");
	assert_null(sink_table(s, "loss", "a", err, sizeof err));
	assert_string_equal(err, "table 'loss' declared twice");

	double row[3] = { 1, 2.385, 3 };
	assert_int_equal(sink_row(t, row, err, sizeof err), LINDYN_OK);
	row[1] = NAN;
	assert_int_equal(sink_row(t, row, err, sizeof err), LINDYN_EDIVERGE);
	assert_string_equal(err, "non-finite value in table 'loss' row 2: column 'loss' is nan");
	row[1] = 2, row[2] = -INFINITY;
	assert_int_equal(sink_row(t, row, err, sizeof err), LINDYN_EDIVERGE);
	assert_string_equal(err, "non-finite value in table 'loss' row 2: column 'norm' is -inf");
	assert_int_equal(sink_rows(s, "loss"), 1);
	assert_close(sink_value(s, "loss", 0, "loss"), 2.385, 0);
	assert_true(isnan(sink_value(s, "loss", 1, "loss")));
	assert_true(isnan(sink_value(s, "loss", 0, "nope")));
	assert_true(isnan(sink_value(s, "nope", 0, "loss")));
	assert_int_equal(sink_npy(s, "W1", 1, 1, row, err, sizeof err), LINDYN_EINVAL);
	assert_contains(err, "weights name 'W1'");
	sink_free(s);
}

/* A second run into the same directory replaces the first whole: no file
 * of the first run stays beside the second's. */
static void test_rerun_replaces_previous_run(void **state)
{
	(void)state;
	lindyn_run *r = run_good(tu_dir, "steps=4 save_weights=yes", 5);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	lindyn_run_free(r);
	assert_true(tu_exists(file_in("w_final.npy")));
	r = run_good(tu_dir, "steps=3", 5);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	lindyn_run_free(r);
	assert_false(tu_exists(file_in("w_init.npy")));
	assert_false(tu_exists(file_in("w_final.npy")));
	assert_int_equal(tu_count_entries(tu_dir), 3);
	assert_int_equal(staging_dirs(), 0);
	char *text = tu_read(file_in("loss.tsv"));
	assert_contains(text, " steps=3 ");
	free(text);
	/* A previous run without the marker (an older lindyn, `.done` from
	 * make) is recognised by its tables. */
	assert_int_equal(unlink(file_in(".lindyn-run")), 0);
	tu_write(file_in(".done"), "0\n");
	r = run_good(tu_dir, "steps=2", 5);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	lindyn_run_free(r);
	assert_false(tu_exists(file_in(".done")));
	assert_int_equal(tu_count_entries(tu_dir), 3);
}

/* Weights written twice under one name are an error, not a silent overwrite. */
static void test_weights_written_twice(void **state)
{
	(void)state;
	int status;
	char err[512];
	sink *k = sink_new(tu_dir, "# test\n", &status, err, sizeof err);
	assert_non_null(k);
	double w[2] = { 1, 2 };
	assert_int_equal(sink_npy(k, "w", 1, 2, w, err, sizeof err), LINDYN_OK);
	assert_int_equal(sink_npy(k, "w", 1, 2, w, err, sizeof err), LINDYN_EIO);
	assert_string_equal(err, "w.npy is written twice in one run");
	sink_free(k);
	assert_int_equal(staging_dirs(), 0);
}

/* This program's renameat2, which the host library's objects bind to:
 * with refuse_exchange set it fails RENAME_EXCHANGE as NFS does (EINVAL). */
static int refuse_exchange;
int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
              unsigned int flags)
{
	if (refuse_exchange && (flags & RENAME_EXCHANGE)) {
		errno = EINVAL;
		return -1;
	}
	return (int)syscall(SYS_renameat2, olddirfd, oldpath, newdirfd, newpath, flags);
}

/* Where the filesystem cannot swap two directories, a rerun still replaces
 * the previous run whole and leaves nothing aside. */
static void test_rerun_without_rename_exchange(void **state)
{
	(void)state;
	lindyn_run *r = run_good(tu_dir, "steps=4 save_weights=yes", 5);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	lindyn_run_free(r);
	refuse_exchange = 1;
	r = run_good(tu_dir, "steps=3", 5);
	int status = lindyn_run_exec(r);
	refuse_exchange = 0;
	assert_int_equal(status, LINDYN_OK);
	lindyn_run_free(r);
	assert_false(tu_exists(file_in("w_final.npy")));
	assert_int_equal(tu_count_entries(tu_dir), 3);
	assert_int_equal(staging_dirs(), 0);
	char *text = tu_read(file_in("loss.tsv"));
	assert_contains(text, " steps=3 ");
	free(text);
}

/* A non-empty directory that is not a lindyn run is refused before the
 * plugin runs, and left exactly as it was. */
static void test_foreign_directory_refused(void **state)
{
	(void)state;
	tu_write(file_in("notes.txt"), "mine\n");
	lindyn_run *r = run_good(tu_dir, "steps=3", 5);
	assert_int_equal(lindyn_run_exec(r), LINDYN_EINVAL);
	char want[PATH_MAX + 200];
	snprintf(want, sizeof want, "%s: not replaced: it holds 'notes.txt', which is not part of "
	         "a lindyn run (give a new or empty directory)", tu_dir);
	assert_string_equal(lindyn_run_message(r), want);
	assert_int_equal(lindyn_run_rows(r, "loss"), 0); /* the plugin did not run */
	lindyn_run_free(r);
	assert_int_equal(tu_count_entries(tu_dir), 1);
	assert_int_equal(staging_dirs(), 0);
	/* A table that is not lindyn's, without the marker: refused too. */
	assert_int_equal(unlink(file_in("notes.txt")), 0);
	tu_write(file_in("loss.tsv"), "step\tloss\n1\t2\n");
	r = run_good(tu_dir, "steps=3", 5);
	assert_int_equal(lindyn_run_exec(r), LINDYN_EINVAL);
	assert_contains(lindyn_run_message(r), "it holds 'loss.tsv'");
	lindyn_run_free(r);
	char *text = tu_read(file_in("loss.tsv"));
	assert_string_equal(text, "step\tloss\n1\t2\n");
	free(text);
	/* A file where the directory should be. */
	char file[PATH_MAX + 16];
	snprintf(file, sizeof file, "%s/file", tu_dir);
	tu_write(file, "x");
	r = run_good(file, "steps=3", 5);
	assert_int_equal(lindyn_run_exec(r), LINDYN_EINVAL);
	snprintf(want, sizeof want, "%s: exists and is not a directory", file);
	assert_string_equal(lindyn_run_message(r), want);
	lindyn_run_free(r);
	/* An empty path. */
	r = run_good("", "steps=3", 5);
	assert_int_equal(lindyn_run_exec(r), LINDYN_EINVAL);
	assert_string_equal(lindyn_run_message(r), "the output directory is an empty string");
	lindyn_run_free(r);
}

/* Creates <tu_dir's parent>/.<tu_dir's name>.lindyn-tmp-<pid> holding `file`. */
static void make_staging(char *path, size_t len, long pid, const char *file)
{
	const char *base = strrchr(tu_dir, '/') + 1;
	snprintf(path, len, "%.*s.%s.lindyn-tmp-%ld", (int)(base - tu_dir), tu_dir, base, pid);
	assert_int_equal(mkdir(path, 0700), 0);
	char f[PATH_MAX + 64];
	snprintf(f, sizeof f, "%s/%s", path, file);
	tu_write(f, "");
}

/* The staging directory of a process that died (SIGKILL) is removed by the
 * next run into the same directory; a live process's, and a directory with
 * foreign content, are not. */
static void test_stale_staging_removed(void **state)
{
	(void)state;
	pid_t dead = fork();
	if (dead == 0)
		_exit(0);
	waitpid(dead, NULL, 0);
	char stale[PATH_MAX], live[PATH_MAX], odd[PATH_MAX];
	make_staging(stale, sizeof stale, dead, ".lindyn-run");
	char table[PATH_MAX + 16];
	snprintf(table, sizeof table, "%s/loss.tsv", stale);
	tu_write(table, ""); /* killed before its first flush */
	make_staging(live, sizeof live, getppid(), ".lindyn-run");
	pid_t dead2 = fork();
	if (dead2 == 0)
		_exit(0);
	waitpid(dead2, NULL, 0);
	make_staging(odd, sizeof odd, dead2, "notes.txt");
	assert_int_equal(staging_dirs(), 3);
	lindyn_run *r = run_good(tu_dir, "steps=2", 1);
	assert_int_equal(lindyn_run_exec(r), LINDYN_OK);
	lindyn_run_free(r);
	assert_false(tu_exists(stale));
	assert_true(tu_exists(live));
	assert_true(tu_exists(odd));
	assert_int_equal(staging_dirs(), 2);
	tu_rmtree(strdup(live));
	tu_rmtree(strdup(odd));
}

/* The commit: when publishing fails (here a foreign file appeared in the
 * output directory, created empty at the start, during the run), the
 * directory keeps what it held and no table of the run is anywhere. */
static void test_failed_publish_leaves_nothing(void **state)
{
	(void)state;
	char out[PATH_MAX + 16], err[512];
	snprintf(out, sizeof out, "%s/out", tu_dir);
	int status;
	sink *s = sink_new(out, "# lindyn test\n", &status, err, sizeof err);
	assert_non_null(s);
	double row[2] = { 1, 2 };
	lindyn_table *a = sink_table(s, "first", "x y", err, sizeof err);
	lindyn_table *b = sink_table(s, "second", "x y", err, sizeof err);
	assert_int_equal(sink_row(a, row, err, sizeof err), LINDYN_OK);
	assert_int_equal(sink_row(b, row, err, sizeof err), LINDYN_OK);
	assert_int_equal(tu_count_entries(out), 0); /* nothing published before the commit */
	char notes[PATH_MAX + 32];
	snprintf(notes, sizeof notes, "%s/notes.txt", out);
	tu_write(notes, "mine\n");
	assert_int_equal(sink_commit(s, err, sizeof err), LINDYN_EINVAL);
	assert_contains(err, "it holds 'notes.txt'");
	sink_free(s);
	assert_int_equal(tu_count_entries(out), 1);
	assert_int_equal(tu_count_entries(tu_dir), 1); /* out, and no staging directory */
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, tu_setup_dir, tu_teardown_dir)
	const struct CMUnitTest tests[] = {
		T(test_provenance_header),
		T(test_declared_tables_enforced),
		T(test_old_abi_writes_any_table),
		T(test_alias_sets_its_target),
		T(test_rows_round_trip),
		T(test_nested_output_directory_is_created),
		T(test_diverged_run_leaves_no_file),
		T(test_failed_run_leaves_no_file),
		T(test_failed_rerun_keeps_previous_file),
		T(test_interrupted_run_leaves_no_file),
		T(test_weights_written_and_read),
		T(test_same_seed_same_rows),
		T(test_table_declarations),
		T(test_rerun_replaces_previous_run),
		T(test_rerun_without_rename_exchange),
		T(test_weights_written_twice),
		T(test_foreign_directory_refused),
		T(test_stale_staging_removed),
		T(test_failed_publish_leaves_nothing),
		T(test_source_date_epoch),
	};
	return cmocka_run_group_tests(tests, load_fixtures, NULL);
}
