/* test_cli.c -- `lindyn` as a user runs it (a subprocess of build/lindyn):
 * every bad input gives a one-line message and exit 1 with nothing
 * written; failures exit 2, divergence 3, SIGINT/SIGTERM 130, each leaving
 * no data file; a plugin that crashes, exits or spins is reported by name;
 * a good run's header holds the command that reproduces it. */
#include <glob.h>
#include <poll.h>
#include <sys/prctl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

#include "../src/cmd/usage.h"
#include "../src/host/sha256.h"
#include "fixtures/testutil.h"

static char *dir;
static char lindyn[PATH_MAX], out[PATH_MAX], plugin_path[3 * PATH_MAX];

static int setup(void **state)
{
	(void)state;
	dir = tu_tmpdir();
	snprintf(lindyn, sizeof lindyn, "%s", tu_path("lindyn"));
	snprintf(out, sizeof out, "%s/out", dir);
	snprintf(plugin_path, sizeof plugin_path, "LINDYN_PLUGIN_PATH=%s:",
	         tu_path("fixtures/good.so"));
	snprintf(plugin_path + strlen(plugin_path), sizeof plugin_path - strlen(plugin_path), "%s:",
	         tu_path("fixtures/misbehave.so"));
	snprintf(plugin_path + strlen(plugin_path), sizeof plugin_path - strlen(plugin_path), "%s",
	         tu_path("fixtures/crash.so"));
	return 0;
}

/* Hidden staging directories of runs into `out`. */
static size_t staging_dirs(void)
{
	char pattern[PATH_MAX + 32];
	snprintf(pattern, sizeof pattern, "%s/.out.lindyn-tmp-*", dir);
	glob_t g;
	size_t n = glob(pattern, 0, NULL, &g) == 0 ? g.gl_pathc : 0;
	globfree(&g);
	return n;
}

/* Copies build/fixtures/<fixture>.so into `dir` as `as`. */
static void copy_fixture(const char *fixture, const char *as)
{
	char rel[128], from[PATH_MAX], to[PATH_MAX];
	snprintf(rel, sizeof rel, "fixtures/%s.so", fixture);
	snprintf(from, sizeof from, "%s", tu_path(rel));
	snprintf(to, sizeof to, "%s/%s", dir, as);
	tu_result r = tu_spawn((char *[]){ "/bin/cp", from, to, NULL }, NULL);
	assert_int_equal(r.code, 0);
	tu_result_free(&r);
}

static int teardown(void **state)
{
	(void)state;
	tu_rmtree(dir);
	return 0;
}

/* Runs lindyn with these arguments (NULL-terminated) and the fixtures on
 * the plugin path. */
static tu_result lindyn_run(char **args)
{
	char *argv[32] = { lindyn };
	int argc = 1;
	while (args[argc - 1] && argc < 31) {
		argv[argc] = args[argc - 1];
		argc++;
	}
	argv[argc] = NULL;
	char *env[] = { plugin_path, NULL };
	return tu_spawn(argv, env);
}

#define LINDYN(...) lindyn_run((char *[]){ __VA_ARGS__, NULL })

/* Exit code `code`, stderr exactly `message` + '\n', stdout empty, no out
 * dir (the input was refused before the run started). */
static void expect_one_line(tu_result r, int code, const char *message)
{
	if (r.code != code)
		fail_msg("exit %d, expected %d; stderr: %s", r.code, code, r.err);
	char want[2048];
	snprintf(want, sizeof want, "%s\n", message);
	assert_string_equal(r.err, want);
	assert_string_equal(r.out, "");
	assert_false(tu_exists(out));
	assert_int_equal(staging_dirs(), 0);
	tu_result_free(&r);
}

/* An unknown command: one line, with the nearest command or the list. */
static void test_unknown_command(void **state)
{
	(void)state;
	expect_one_line(LINDYN("verfy", "paper/x.md"), 1,
	                "lindyn: unknown command 'verfy'; did you mean 'verify'?");
	expect_one_line(LINDYN("check_plugin", "x"), 1,
	                "lindyn: unknown command 'check_plugin'; did you mean 'check-plugin'?");
	expect_one_line(LINDYN("frobnicate"), 1,
	                "lindyn: unknown command 'frobnicate'; the commands are list, help, run, "
	                "check-plugin, new-plugin, tangle, aggregate, verify, compare, progress, "
	                "weave (lindyn --help)");
	tu_result r = LINDYN("run");
	assert_int_equal(r.code, 1);
	assert_contains(r.err, "usage: lindyn run PLUGIN");
	tu_result_free(&r);
}

static void test_unknown_key_suggests(void **state)
{
	(void)state;
	expect_one_line(LINDYN("run", "fx_good", "stesp=3", "--out", out), 1,
	                "lindyn: fx_good: error: unknown parameter 'stesp'; did you mean 'steps'?");
	expect_one_line(LINDYN("run", "fx_good", "mehtod=euler", "--out", out), 1,
	                "lindyn: fx_good: error: unknown parameter 'mehtod'; did you mean 'method'?");
}

static void test_bad_values(void **state)
{
	(void)state;
	expect_one_line(LINDYN("run", "fx_good", "rate=1.5", "--out", out), 1,
	                "lindyn: fx_good: error: parameter 'rate': 1.5 is out of range; "
	                "expected a real number in [0, 1]");
	expect_one_line(LINDYN("run", "fx_good", "steps=10001", "--out", out), 1,
	                "lindyn: fx_good: error: parameter 'steps': 10001 is out of range; "
	                "expected an integer in [0, 10000]");
	expect_one_line(LINDYN("run", "fx_good", "steps=abc", "--out", out), 1,
	                "lindyn: fx_good: error: parameter 'steps': 'abc' is not an integer; "
	                "expected an integer in [0, 10000]");
	expect_one_line(LINDYN("run", "fx_good", "steps=2.5", "--out", out), 1,
	                "lindyn: fx_good: error: parameter 'steps': '2.5' is not an integer; "
	                "expected an integer in [0, 10000]");
	expect_one_line(LINDYN("run", "fx_good", "method=rk4", "--out", out), 1,
	                "lindyn: fx_good: error: parameter 'method': 'rk4' is not one of euler|heun");
	expect_one_line(LINDYN("run", "fx_good", "centered=maybe", "--out", out), 1,
	                "lindyn: fx_good: error: parameter 'centered': 'maybe' is not a boolean "
	                "(0/1, true/false, yes/no)");
	expect_one_line(LINDYN("run", "fx_good", "steps", "--out", out), 1,
	                "lindyn: fx_good: error: 'steps' is not of the form key=value");
	/* The first bad value stops everything, even after good ones. */
	expect_one_line(LINDYN("run", "fx_good", "steps=3", "rate=-0.1", "noise=99", "--out", out),
	                1, "lindyn: fx_good: error: parameter 'rate': -0.1 is out of range; "
	                   "expected a real number in [0, 1]");
	/* An integer written as 1e3 is an integer. */
	tu_result r = LINDYN("run", "fx_good", "steps=1e3", "--out", out);
	assert_int_equal(r.code, 0);
	tu_result_free(&r);
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/loss.tsv", out);
	char *text = tu_read(path);
	assert_contains(text, " steps=1000 ");
	free(text);
}

static void test_bad_options(void **state)
{
	(void)state;
	expect_one_line(LINDYN("run", "fx_good", "--seed", "12x", "--out", out), 1,
	                "lindyn run: --seed '12x' is not a non-negative integer");
	expect_one_line(LINDYN("run", "fx_good", "--seed", "-3", "--out", out), 1,
	                "lindyn run: --seed '-3' is not a non-negative integer");
	expect_one_line(LINDYN("run", "fx_good", "--seed", "", "--out", out), 1,
	                "lindyn run: --seed '' is not a non-negative integer");
	expect_one_line(LINDYN("run", "fx_good", "--seed", "99999999999999999999999", "--out", out), 1,
	                "lindyn run: --seed '99999999999999999999999' is not a non-negative integer");
	expect_one_line(LINDYN("run", "fx_good", "--out"), 1, "lindyn run: --out needs a value");
	expect_one_line(LINDYN("run", "fx_good", "--seed"), 1, "lindyn run: --seed needs a value");
	expect_one_line(LINDYN("run", "fx_good", "--frob", "--out", out), 1,
	                "lindyn run: unknown option '--frob'");
}

/* The last line of text (warnings about other broken plugins may come first). */
static const char *last_line(const char *text)
{
	const char *last = text + strlen(text) - 1;
	while (last > text && last[-1] != '\n')
		last--;
	return last;
}

/* An unknown plugin: the nearest name, or every name found. */
static void test_unknown_plugin(void **state)
{
	(void)state;
	tu_result r = LINDYN("run", "fx_godo", "steps=3", "--out", out);
	assert_int_equal(r.code, 1);
	assert_string_equal(last_line(r.err), "lindyn: unknown plugin 'fx_godo'; did you mean "
	                                      "'fx_good'?\n");
	assert_false(tu_exists(out));
	tu_result_free(&r);
	r = LINDYN("help", "fx_sloww");
	assert_int_equal(r.code, 1);
	assert_string_equal(last_line(r.err), "lindyn: unknown plugin 'fx_sloww'; did you mean "
	                                      "'fx_slow'?\n");
	tu_result_free(&r);
	r = LINDYN("help", "zzzzzzzzzz");
	assert_int_equal(r.code, 1);
	assert_prefix(last_line(r.err), "lindyn: unknown plugin 'zzzzzzzzzz'; the plugins are ");
	assert_contains(last_line(r.err), "fx_good, ");
	assert_contains(last_line(r.err), "fx_segv");
	tu_result_free(&r);
	r = tu_spawn((char *[]){ lindyn, "help", "gd3", NULL },
	             (char *[]){ "LINDYN_PLUGIN_PATH=", NULL });
	assert_int_equal(r.code, 1);
	assert_string_equal(r.err, "lindyn: unknown plugin 'gd3'; did you mean 'gd2'?\n");
	tu_result_free(&r);
}

/* Each command, and the options its help must list, one line each. */
static const struct {
	const char *command, *options[10];
} command_options[] = {
	{ "list", { NULL } },
	{ "help", { NULL } },
	{ "run", { "--out DIR", "--seed N" } },
	{ "check-plugin", { "--no-valgrind", "--time-limit S" } },
	{ "new-plugin", { NULL } },
	{ "tangle", { "--quick", "--data DIR", "--figures DIR", "--blocks DIR", "--figvars DIR",
	              "--lindyn PATH", "--style FILE", "-o FILE" } },
	{ "aggregate", { "--seeds", "--final", "-o OUT", "--point SPEC" } },
	{ "verify", { "--data DIR", "--quick", "--format F" } },
	{ "compare", { "--record", "--quick", "--data DATA" } },
	{ "progress", { NULL } },
	{ "weave", { "--index", "--quick", "--data DIR", "--figures URL" } },
};

/* Asserts that text is command's full help. */
static void expect_help_of(const char *text, const char *command, const char *const *options)
{
	char want[128];
	snprintf(want, sizeof want, "usage: lindyn %s", command);
	assert_prefix(text, want);
	assert_contains(text, "\n  -h, --help        this help\n");
	for (size_t i = 0; options[i]; i++) {
		snprintf(want, sizeof want, "\n  %s  ", options[i]);
		assert_contains(text, want);
	}
}

/* `lindyn CMD --help`, -h anywhere among CMD's arguments, and `lindyn help
 * CMD`: CMD's full help on stdout, exit 0, nothing run. */
static void test_help_of_every_command(void **state)
{
	(void)state;
	tu_result top = LINDYN("--help");
	assert_int_equal(top.code, 0);
	for (size_t i = 0; i < sizeof command_options / sizeof *command_options; i++) {
		const char *c = command_options[i].command, *const *opts = command_options[i].options;
		char line[64];
		snprintf(line, sizeof line, "\n  %-14s ", c);
		assert_contains(top.out, line);
		tu_result r[3] = { LINDYN((char *)c, "--help"), LINDYN((char *)c, "x.md", "-h", "y"),
		                   LINDYN("help", (char *)c) };
		for (size_t k = 0; k < 3; k++) {
			if (r[k].code != 0)
				fail_msg("%s (%zu): exit %d: %s", c, k, r[k].code, r[k].err);
			assert_string_equal(r[k].err, "");
			expect_help_of(r[k].out, c, opts);
			assert_string_equal(r[k].out, r[0].out);
		}
		for (size_t k = 0; k < 3; k++)
			tu_result_free(&r[k]);
	}
	tu_result_free(&top);
	/* A run given --help among its arguments does not run. */
	tu_result r = LINDYN("run", "fx_good", "steps=2", "--out", out, "--help");
	assert_int_equal(r.code, 0);
	assert_prefix(r.out, "usage: lindyn run ");
	assert_false(tu_exists(out));
	tu_result_free(&r);
}

/* After `--`, --help belongs to the command progress runs. */
static void test_help_stops_at_double_dash(void **state)
{
	(void)state;
	assert_true(usage_asks_help(2, (char *[]){ "--help", "--" }));
	assert_true(usage_asks_help(3, (char *[]){ "a", "-h", "b" }));
	assert_false(usage_asks_help(3, (char *[]){ "--", "make", "--help" }));
	assert_false(usage_asks_help(2, (char *[]){ "-help", "--helpx" }));
	assert_false(usage_asks_help(0, NULL));
}

static void test_list_help_version(void **state)
{
	(void)state;
	tu_result r = LINDYN("list");
	assert_int_equal(r.code, 0);
	assert_contains(r.out, "fx_good        2.3.1    decaying 2 x 3 weights with seeded noise\n");
	assert_contains(r.out, "fx_slow ");
	tu_result_free(&r);
	/* Without LINDYN_PLUGIN_PATH, the plugins next to the driver. */
	char *argv[] = { lindyn, "list", NULL }, *env[] = { "LINDYN_PLUGIN_PATH=", NULL };
	r = tu_spawn(argv, env);
	assert_int_equal(r.code, 0);
	assert_contains(r.out, "gd2 ");
	assert_null(strstr(r.out, "fx_good"));
	tu_result_free(&r);
	r = LINDYN("help", "fx_good");
	assert_int_equal(r.code, 0);
	static const char *lines[] = {
		"steps=<an integer in [0, 10000]> (default 20)",
		"rate=<a real number in [0, 1]> (default 0.25)",
		"centered=<a boolean (0/1, true/false, yes/no)> (default yes)",
		"method=<one of euler|heun> (default heun)",
		"label=<string> (default \"\")",
		"integrator of the decay",
		"\n  decay  (deprecated: renamed to rate)\n",
		/* After the parameters: each table, its columns, its aggregates. */
		"\ntables (columns; the aggregates over seeds and over a sweep):\n"
		"  loss.tsv\n      the loss per step\n"
		"    step             iteration number\n"
		"    loss             |W|_F^2 / 2\n"
		"    loss.agg: step loss_mean loss_std\n"
		"    loss.final: <swept keys> step_mean step_std loss_mean loss_std\n"
		"  weights.tsv\n",
		"    w01              entry (0, 1) of W",
		"    weights.final: <swept keys> step_mean step_std w00_mean w00_std w01_mean w01_std"
		" ... (c_mean c_std per column c)\n",
	};
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
		assert_contains(r.out, lines[i]);
	tu_result_free(&r);
	/* A plugin that declares no tables shows none. */
	char older[PATH_MAX + 32];
	snprintf(older, sizeof older, "LINDYN_PLUGIN_PATH=%s", tu_path("fixtures/abi_older_minor.so"));
	r = tu_spawn((char *[]){ lindyn, "help", "fx_abi_older_minor", NULL },
	             (char *[]){ older, NULL });
	assert_int_equal(r.code, 0);
	assert_contains(r.out, "steps=<an integer");
	assert_null(strstr(r.out, "tables"));
	tu_result_free(&r);
	r = LINDYN("--version");
	assert_int_equal(r.code, 0);
	assert_prefix(r.out, "lindyn ");
	assert_contains(r.out, "OpenBLAS");
	tu_result_free(&r);
}

static void test_failures_leave_nothing(void **state)
{
	(void)state;
	tu_result r = LINDYN("run", "fx_diverge", "--out", out);
	assert_int_equal(r.code, 3);
	assert_string_equal(r.err, "lindyn: fx_diverge: diverged: non-finite value in table 'trace' "
	                           "row 5: column 'growth' is inf\n");
	tu_result_free(&r);
	assert_int_equal(tu_count_entries(out), 0); /* the directory, empty */
	/* The failing plugin wrote rows and weights before failing. */
	r = LINDYN("run", "fx_fail", "--out", out);
	assert_int_equal(r.code, 2);
	assert_prefix(r.err, "lindyn: fx_fail: error: no root bracketed after 5 steps (");
	assert_int_equal(tu_lines(r.err), 1);
	tu_result_free(&r);
	assert_int_equal(tu_count_entries(out), 0);
	assert_int_equal(staging_dirs(), 0);
	/* An output directory that cannot be made. */
	char file[PATH_MAX + 16], bad[PATH_MAX + 16];
	snprintf(file, sizeof file, "%s/file", dir);
	tu_write(file, "a file where a directory should be");
	snprintf(bad, sizeof bad, "%s/sub", file);
	r = LINDYN("run", "fx_good", "--out", bad);
	assert_int_equal(r.code, 2);
	assert_contains(r.err, bad);
	assert_int_equal(tu_lines(r.err), 1);
	tu_result_free(&r);
}

/* A weights file that is not a valid .npy: one line naming it, exit 1, no data. */
static void test_bad_weights_file(void **state)
{
	(void)state;
	char npy[PATH_MAX + 16], kv[PATH_MAX + 32], want[2 * PATH_MAX];
	snprintf(npy, sizeof npy, "%s/w.npy", dir);
	tu_write(npy, "not numpy\n");
	snprintf(kv, sizeof kv, "init_npy=%s", npy);
	tu_result r = LINDYN("run", "fx_good", kv, "--out", out);
	assert_int_equal(r.code, 1);
	snprintf(want, sizeof want, "lindyn: fx_good: error: %s: not a .npy file (bad magic)\n", npy);
	assert_string_equal(r.err, want);
	tu_result_free(&r);
	assert_int_equal(tu_count_entries(out), 0);
	snprintf(kv, sizeof kv, "init_npy=%s/none.npy", dir);
	r = LINDYN("run", "fx_good", kv, "--out", out);
	assert_int_equal(r.code, 1);
	assert_contains(r.err, "none.npy: No such file or directory");
	assert_int_equal(tu_lines(r.err), 1);
	tu_result_free(&r);
}

/* Starts a run, waits until its staging directory exists, sends sig. */
static void interrupt_run(int sig)
{
	char *argv[] = { lindyn, "run", "fx_slow", "max_seconds=60", "--out", out, NULL };
	char errp[] = "/tmp/lindyn-err-XXXXXX";
	int fe = mkstemp(errp);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fe, 2);
		putenv(plugin_path);
		execv(argv[0], argv);
		_exit(127);
	}
	int started = 0;
	for (int i = 0; i < 2000 && !started; i++) {
		started = staging_dirs() > 0;
		if (!started)
			nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
	}
	assert_true(started);
	nanosleep(&(struct timespec){ 0, 50000000 }, NULL); /* let it write some rows */
	kill(pid, sig);
	int st;
	waitpid(pid, &st, 0);
	close(fe);
	char *err = tu_read(errp);
	unlink(errp);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 130);
	assert_prefix(err, "lindyn: fx_slow: error: interrupted by a signal at step ");
	assert_int_equal(tu_lines(err), 1);
	free(err);
	assert_int_equal(tu_count_entries(out), 0);
	assert_int_equal(staging_dirs(), 0);
}

static void test_sigint_leaves_nothing(void **state)
{
	(void)state;
	interrupt_run(SIGINT);
}

static void test_sigterm_leaves_nothing(void **state)
{
	(void)state;
	interrupt_run(SIGTERM);
}

/* Without a terminal on stderr, a run longer than a second prints nothing. */
static void test_quiet_without_terminal(void **state)
{
	(void)state;
	tu_result r = LINDYN("run", "fx_slow", "max_seconds=1.3", "--out", out);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.err, "");
	assert_string_equal(r.out, "");
	tu_result_free(&r);
}

/* On a terminal, a run longer than a second shows step, elapsed time and
 * loss on one line rewritten in place. */
static void test_progress_on_terminal(void **state)
{
	(void)state;
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	char *argv[] = { lindyn, "run", "fx_slow", "max_seconds=1.6", "--out", out, NULL };
	pid_t pid = fork();
	if (pid == 0) {
		int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
		dup2(slave, 2);
		putenv(plugin_path);
		execv(argv[0], argv);
		_exit(127);
	}
	char text[8192];
	size_t len = 0;
	int st = 0;
	for (;;) {
		struct pollfd p = { master, POLLIN, 0 };
		if (poll(&p, 1, 100) > 0 && (p.revents & POLLIN)) {
			ssize_t n = read(master, text + len, sizeof text - 1 - len);
			if (n > 0)
				len += (size_t)n;
		}
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
	}
	struct pollfd p = { master, POLLIN, 0 };
	while (poll(&p, 1, 100) > 0 && (p.revents & POLLIN)) {
		ssize_t n = read(master, text + len, sizeof text - 1 - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	text[len] = 0;
	close(master);
	assert_int_equal(WEXITSTATUS(st), 0);
	assert_contains(text, "\rfx_slow: step ");
	assert_contains(text, " s  loss ");
	assert_true(text[len - 1] == '\n' || (len > 1 && text[len - 2] == '\r'));
}

/* The value of the "# NAME: " line of text (up to the newline), malloc'ed. */
static char *header_value(const char *text, const char *name)
{
	char key[64];
	snprintf(key, sizeof key, "# %s: ", name);
	const char *c = strstr(text, key);
	assert_non_null(c);
	c += strlen(key);
	return strndup(c, strcspn(c, "\n"));
}

/* The SHA-256 of the file at path. */
static void file_sha256(const char *path, char hex[SHA256_HEX])
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	sha256_ctx c;
	sha256_init(&c);
	unsigned char buf[4096];
	for (size_t n; (n = fread(buf, 1, sizeof buf, f));)
		sha256_update(&c, buf, n);
	fclose(f);
	sha256_hex(&c, hex);
}

/* The header's command works as printed: run by the shell, with only the
 * driver's directory on PATH and no LINDYN_PLUGIN_PATH of its own, it
 * makes the same files.  The plugin, found through LINDYN_PLUGIN_PATH, is
 * found again through the value the command sets; the header names the file
 * and its SHA-256. */
static void test_header_command_reproduces(void **state)
{
	(void)state;
	char plugins[PATH_MAX + 16], real[PATH_MAX], env[2 * PATH_MAX], so[2 * PATH_MAX];
	snprintf(plugins, sizeof plugins, "%s/my plugins", dir);
	assert_int_equal(mkdir(plugins, 0777), 0);
	copy_fixture("good", "my plugins/fx_good.so");
	assert_non_null(realpath(plugins, real));
	snprintf(env, sizeof env, "LINDYN_PLUGIN_PATH=%s", plugins);
	tu_result r = tu_spawn((char *[]){ lindyn, "run", "fx_good", "steps=9", "noise=0.5",
	                                   "label=first try", "--seed", "314", "--out", out, NULL },
	                       (char *[]){ env, NULL });
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "");
	tu_result_free(&r);
	char path[PATH_MAX + 16], want[4 * PATH_MAX], hex[SHA256_HEX];
	snprintf(path, sizeof path, "%s/loss.tsv", out);
	char *first = tu_read(path), *command = header_value(first, "command");
	/* The driver as run: below the working directory, so by its relative path. */
	snprintf(want, sizeof want, "LINDYN_PLUGIN_PATH='%s' %s run fx_good steps=9 noise=0.5 "
	         "'label=first try' --seed 314 --out %s", plugins, lindyn, out);
	assert_string_equal(command, want);
	char *plugin = header_value(first, "plugin"), *sha = header_value(first, "plugin_sha256");
	snprintf(so, sizeof so, "%s/fx_good.so", real);
	snprintf(want, sizeof want, "fx_good 2.3.1 (%s)", so);
	assert_string_equal(plugin, want);
	file_sha256(so, hex);
	assert_string_equal(sha, hex);
	assert_non_null(strstr(first, "# plugin: fx_good 2.3.1 (")); /* the digest right after */
	assert_prefix(strstr(first, "# plugin: ") + strlen("# plugin: ") + strlen(want) + 1,
	              "# plugin_sha256: ");
	free(plugin);
	free(sha);
	/* The same command, with the data moved away first. */
	snprintf(path, sizeof path, "%s/first", dir);
	assert_int_equal(rename(out, path), 0);
	char bindir[PATH_MAX], pathvar[PATH_MAX + 32];
	assert_non_null(realpath(tu_build(), bindir));
	snprintf(pathvar, sizeof pathvar, "PATH=%s:/usr/bin:/bin", bindir);
	r = tu_spawn((char *[]){ "/bin/sh", "-c", command, NULL }, (char *[]){ pathvar, NULL });
	if (r.code != 0)
		fail_msg("the recorded command failed (exit %d): %s", r.code, r.err);
	tu_result_free(&r);
	snprintf(path, sizeof path, "%s/loss.tsv", out);
	char *second = tu_read(path);
	assert_non_null(second);
	assert_string_equal(first, second);
	free(command);
	free(first);
	free(second);
}

/* A plugin file under the current directory is recorded relative to it;
 * given as a file, the command records the file as given, with no
 * LINDYN_PLUGIN_PATH. */
static void test_header_names_plugin_file(void **state)
{
	(void)state;
	char so[PATH_MAX], want[3 * PATH_MAX], hex[SHA256_HEX];
	snprintf(so, sizeof so, "%s", tu_path("fixtures/good.so"));
	tu_result r = LINDYN("run", so, "steps=2", "--out", out);
	assert_int_equal(r.code, 0);
	tu_result_free(&r);
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/loss.tsv", out);
	char *text = tu_read(path), *plugin = header_value(text, "plugin"),
	     *command = header_value(text, "command"), *sha = header_value(text, "plugin_sha256");
	snprintf(want, sizeof want, "fx_good 2.3.1 (%s)", so); /* tu_path is relative */
	assert_string_equal(plugin, want);
	snprintf(want, sizeof want, "%s run %s steps=2 --out %s", lindyn, so, out);
	assert_string_equal(command, want);
	file_sha256(so, hex);
	assert_string_equal(sha, hex);
	free(text);
	free(plugin);
	free(command);
	free(sha);
}

/* `run` writes nowhere it was not told to: --out is required. */
static void test_run_needs_out(void **state)
{
	(void)state;
	const char *line = "lindyn run: expected --out DIR (the directory the run's tables are "
	                   "written to)";
	expect_one_line(LINDYN("run", "fx_good", "steps=2"), 1, line);
	expect_one_line(LINDYN("run", "fx_good", "--seed", "3"), 1, line);
}

/* help, run and check-plugin take a plugin file: a path, or a name ending
 * in .so (in the current directory); a .so that is not there is named. */
static void test_plugin_file_arguments(void **state)
{
	(void)state;
	char so[PATH_MAX], fixtures[PATH_MAX], abs[PATH_MAX], cmd[4 * PATH_MAX];
	snprintf(so, sizeof so, "%s", tu_path("fixtures/good.so"));
	tu_result r = LINDYN("help", so);
	assert_int_equal(r.code, 0);
	assert_prefix(r.out, "fx_good 2.3.1: ");
	assert_contains(r.out, "steps=<an integer in [0, 10000]>");
	tu_result_free(&r);
	assert_non_null(realpath(tu_path("fixtures"), fixtures));
	assert_non_null(realpath(lindyn, abs));
	char *env[] = { "LINDYN_PLUGIN_PATH=", NULL };
	snprintf(cmd, sizeof cmd, "cd '%s' && exec '%s' help good.so", fixtures, abs);
	r = tu_spawn((char *[]){ "/bin/sh", "-c", cmd, NULL }, env);
	assert_int_equal(r.code, 0);
	assert_prefix(r.out, "fx_good 2.3.1: ");
	tu_result_free(&r);
	snprintf(cmd, sizeof cmd, "cd '%s' && exec '%s' help misbehave.so:fx_slow", fixtures, abs);
	r = tu_spawn((char *[]){ "/bin/sh", "-c", cmd, NULL }, env);
	assert_int_equal(r.code, 0);
	assert_prefix(r.out, "fx_slow ");
	tu_result_free(&r);
	snprintf(cmd, sizeof cmd, "cd '%s' && exec '%s' run good.so steps=2 --out '%s'", fixtures,
	         abs, out);
	r = tu_spawn((char *[]){ "/bin/sh", "-c", cmd, NULL }, env);
	if (r.code != 0)
		fail_msg("run good.so: exit %d: %s", r.code, r.err);
	tu_result_free(&r);
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/loss.tsv", out);
	assert_true(tu_exists(path));
	tu_rmtree(strdup(out)); /* frees its argument */
	snprintf(cmd, sizeof cmd, "cd '%s' && exec '%s' check-plugin good.so --no-valgrind "
	         "--time-limit 20", fixtures, abs);
	r = tu_spawn((char *[]){ "/bin/sh", "-c", cmd, NULL }, env);
	assert_int_equal(r.code, 0);
	assert_contains(r.out, "good.so: 0 checks failed\n");
	tu_result_free(&r);
	const char *line = "lindyn: no file nope.so (a plugin file; or the plugin name 'nope')";
	expect_one_line(LINDYN("run", "nope.so", "--out", out), 1, line);
	expect_one_line(LINDYN("run", "nope.so:fx_good", "--out", out), 1, line);
	expect_one_line(LINDYN("help", "nope.so"), 1, line);
	r = LINDYN("check-plugin", "nope.so", "--no-valgrind");
	assert_int_equal(r.code, 1);
	assert_contains(r.out, "FAIL  nope.so: loads: no file nope.so (a plugin file; or the "
	                       "plugin name 'nope')\n");
	tu_result_free(&r);
}

/* An argument full of single quotes is recorded, quoted, in the header:
 * each ' becomes '\'' (four bytes), which once overflowed the buffer. */
static void test_quotes_in_arguments(void **state)
{
	(void)state;
	char label[300] = "label=", want[1400] = " run fx_good 'label=";
	for (int i = 0; i < 240; i++) {
		strcat(label, "'");
		strcat(want, "'\\''");
	}
	strcat(want, "' ''");
	tu_result r = LINDYN("run", "fx_good", label, "", "--out", out);
	/* The empty argument is quoted too (and rejected, not lost). */
	assert_int_equal(r.code, 1);
	assert_string_equal(r.err, "lindyn: fx_good: error: '' is not of the form key=value\n");
	tu_result_free(&r);
	r = LINDYN("run", "fx_good", label, "--out", out);
	assert_int_equal(r.code, 0);
	tu_result_free(&r);
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/loss.tsv", out);
	char *text = tu_read(path);
	want[strlen(want) - 3] = 0;
	strcat(want, " --out ");
	assert_contains(text, want);
	free(text);
}

/* An empty option value is refused with one line, before anything runs. */
static void test_empty_option_values(void **state)
{
	(void)state;
	expect_one_line(LINDYN("run", "fx_good", "--out", ""), 1,
	                "lindyn run: --out '' is empty; expected a directory");
	expect_one_line(LINDYN("run", "fx_good", "--out", out, "--out", out), 1,
	                "lindyn run: --out given twice");
}

/* Runs PLUGIN into out; expects exit 2 and exactly the line
 * "lindyn: plugin 'PLUGIN' (<crash.so>) <how>", and nothing left. */
static void expect_plugin_ended(char *plugin, const char *how)
{
	tu_result r = LINDYN("run", plugin, "--out", out);
	char so[PATH_MAX], want[2 * PATH_MAX];
	assert_non_null(realpath(tu_path("fixtures/crash.so"), so));
	snprintf(want, sizeof want, "lindyn: plugin '%s' (%s) %s\n", plugin, so, how);
	if (r.code != 2)
		fail_msg("%s: exit %d, expected 2; stderr: %s", plugin, r.code, r.err);
	assert_string_equal(r.err, want);
	assert_string_equal(r.out, "");
	tu_result_free(&r);
	assert_int_equal(staging_dirs(), 0);
}

/* A plugin that crashes or ends the process: the driver outlives it, names
 * it, exits 2 and leaves no output (the directory empty, or a previous run
 * in place). */
static void test_crashing_plugin_reported(void **state)
{
	(void)state;
	expect_plugin_ended("fx_segv", "crashed: Segmentation fault");
	assert_int_equal(tu_count_entries(out), 0);
	expect_plugin_ended("fx_abort", "crashed: Aborted");
	assert_int_equal(tu_count_entries(out), 0);
	if (!tu_sanitized()) /* LeakSanitizer may turn exit(0) into another status */
		expect_plugin_ended("fx_exit", "exited the process (status 0) instead of returning");
	assert_int_equal(tu_count_entries(out), 0);
	tu_result r = LINDYN("run", "fx_good", "steps=2", "--out", out);
	assert_int_equal(r.code, 0);
	tu_result_free(&r);
	expect_plugin_ended("fx_segv", "crashed: Segmentation fault");
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/loss.tsv", out);
	char *text = tu_read(path);
	assert_contains(text, " run fx_good steps=2 ");
	free(text);
	assert_int_equal(tu_count_entries(out), 3);
}

/* Plugin code that crashes or exits while the driver loads it (before the run
 * is forked off) still ends with one line naming it and exit 2. */
static void test_plugin_dying_while_loading(void **state)
{
	(void)state;
	char so[PATH_MAX];
	snprintf(so, sizeof so, "%s", tu_path("fixtures/crash_on_load.so"));
	const struct { const char *env, *said; } cases[] = {
		{ "LINDYN_FIXTURE_EXIT_ON_LOAD=1", "' exited the process while loading\n" },
		{ "LINDYN_FIXTURE_FAULT_ON_LOAD=1", "' crashed while loading: Bus error\n" },
	};
	for (size_t i = 0; i < 2; i++) {
		tu_result r = tu_spawn((char *[]){ lindyn, "run", so, "--out", out, NULL },
		                       (char *[]){ (char *)cases[i].env, NULL });
		assert_int_equal(r.code, 2);
		char want[PATH_MAX + 80];
		snprintf(want, sizeof want, "lindyn: plugin '%s%s", so, cases[i].said);
		assert_string_equal(r.err, want);
		tu_result_free(&r);
		assert_int_equal(tu_count_entries(out), 0);
	}
}

/* SIGKILL of the driver kills the run with it; its staging directory is
 * removed by the next run into the same directory. */
static void test_killed_run_cleaned_by_next(void **state)
{
	(void)state;
	/* Orphans are reparented to this process, which reaps them. */
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	char *argv[] = { lindyn, "run", "fx_slow", "max_seconds=60", "--out", out, NULL };
	pid_t pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", O_WRONLY);
		dup2(devnull, 2);
		putenv(plugin_path);
		execv(argv[0], argv);
		_exit(127);
	}
	for (int i = 0; i < 2000 && !staging_dirs(); i++)
		nanosleep(&(struct timespec){ 0, 5000000 }, NULL);
	assert_int_equal(staging_dirs(), 1);
	kill(pid, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0) /* the driver and its orphaned run */
		;
	prctl(PR_SET_CHILD_SUBREAPER, 0);
	assert_int_equal(staging_dirs(), 1);
	tu_result r = LINDYN("run", "fx_good", "steps=2", "--out", out);
	assert_int_equal(r.code, 0);
	tu_result_free(&r);
	assert_int_equal(staging_dirs(), 0);
}

/* The second of two tables could not be renamed into a directory holding
 * a directory of that name: the run once exited 2 leaving the first table,
 * complete-looking.  Now such a directory is refused before the run. */
static void test_no_partial_tables(void **state)
{
	(void)state;
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/weights.tsv", out);
	assert_int_equal(mkdir(out, 0777), 0);
	assert_int_equal(mkdir(path, 0777), 0);
	snprintf(path, sizeof path, "%s/weights.tsv/keep", out);
	tu_write(path, "x");
	tu_result r = LINDYN("run", "fx_good", "steps=2", "--out", out);
	assert_int_equal(r.code, 1);
	char want[2 * PATH_MAX];
	snprintf(want, sizeof want, "lindyn: fx_good: error: %s: not replaced: it holds "
	         "'weights.tsv', which is not part of a lindyn run (give a new or empty directory)\n",
	         out);
	assert_string_equal(r.err, want);
	tu_result_free(&r);
	snprintf(path, sizeof path, "%s/loss.tsv", out);
	assert_false(tu_exists(path));
	assert_int_equal(tu_count_entries(out), 1);
	assert_int_equal(staging_dirs(), 0);
}

/* Runs argv with stdout on /dev/full; returns the exit code, stderr in *err. */
static int run_to_full(char **args, char **err)
{
	char *argv[8] = { lindyn };
	for (int i = 0; args[i] && i < 6; i++)
		argv[i + 1] = args[i];
	char errp[] = "/tmp/lindyn-err-XXXXXX";
	int fe = mkstemp(errp);
	pid_t pid = fork();
	if (pid == 0) {
		int full = open("/dev/full", O_WRONLY);
		dup2(full, 1);
		dup2(fe, 2);
		putenv(plugin_path);
		execv(argv[0], argv);
		_exit(127);
	}
	int st;
	waitpid(pid, &st, 0);
	close(fe);
	*err = tu_read(errp);
	unlink(errp);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128;
}

/* Output that cannot be written is an error, not a silent exit 0. */
static void test_stdout_write_errors(void **state)
{
	(void)state;
	static const struct {
		char *args[4];
		const char *line;
	} cases[] = {
		{ { "list" }, "lindyn list: cannot write to standard output: No space left on device\n" },
		{ { "--version" },
		  "lindyn --version: cannot write to standard output: No space left on device\n" },
		{ { "--help" }, "lindyn --help: cannot write to standard output: No space left on device\n" },
		{ { "run", "--help" },
		  "lindyn run --help: cannot write to standard output: No space left on device\n" },
		{ { "help", "fx_good" },
		  "lindyn help: cannot write to standard output: No space left on device\n" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char *err;
		int code = run_to_full((char **)cases[i].args, &err);
		assert_int_equal(code, 2);
		assert_string_equal(err, cases[i].line);
		free(err);
	}
}

/* A path given as the plugin that holds none: one line saying why. */
static void test_plugin_path_explained(void **state)
{
	(void)state;
	char want[3 * PATH_MAX], path[PATH_MAX + 16];
	snprintf(want, sizeof want, "lindyn: %s: no plugin found (a directory without .so files)",
	         dir);
	expect_one_line(LINDYN("run", dir, "--out", out), 1, want);
	snprintf(path, sizeof path, "%s/none.so", dir);
	snprintf(want, sizeof want, "lindyn: plugin path [%s]: does not exist", path);
	expect_one_line(LINDYN("run", path, "--out", out), 1, want);
	snprintf(path, sizeof path, "%s/notes.txt", dir);
	tu_write(path, "not a shared object\n");
	tu_result r = LINDYN("run", path, "--out", out);
	assert_int_equal(r.code, 1);
	snprintf(want, sizeof want, "lindyn: plugin [%s]: cannot load: ", path);
	assert_prefix(r.err, want);
	assert_int_equal(tu_lines(r.err), 1);
	tu_result_free(&r);
	snprintf(path, sizeof path, "%s", tu_path("fixtures/no_symbol.so"));
	snprintf(want, sizeof want, "lindyn: plugin [%s]: no entry point lindyn_plugin_descriptor",
	         path);
	expect_one_line(LINDYN("run", path, "--out", out), 1, want);
	/* A file named without a '/' is taken for a plugin name: say so. */
	char abs[PATH_MAX], cmd[3 * PATH_MAX];
	assert_non_null(realpath(lindyn, abs));
	snprintf(cmd, sizeof cmd, "cd '%s' && exec '%s' run notes.txt --out '%s'", dir, abs, out);
	tu_result named = tu_spawn((char *[]){ "/bin/sh", "-c", cmd, NULL },
	                           (char *[]){ "LINDYN_PLUGIN_PATH=", NULL });
	assert_int_equal(named.code, 1);
	assert_string_equal(named.err, "lindyn: unknown plugin 'notes.txt'; to load the file of that "
	                               "name, give it as a path: ./notes.txt\n");
	tu_result_free(&named);
	snprintf(path, sizeof path, "%s:fx_nope", tu_path("fixtures/crash.so"));
	r = LINDYN("run", path, "--out", out);
	assert_int_equal(r.code, 1);
	assert_contains(r.err, "provides no plugin named 'fx_nope' (4 plugins: fx_segv, ...)");
	assert_int_equal(tu_lines(r.err), 1);
	tu_result_free(&r);
}

/* `run NAME` opens only NAME.so when one provides NAME: a library beside it
 * that kills whoever loads it is not touched, and the run's header names
 * the file used.  A plugin in a file of another name is still found. */
static void test_run_loads_only_named_file(void **state)
{
	(void)state;
	copy_fixture("crash_on_load", "aaa.so");
	copy_fixture("good", "fx_good.so");
	copy_fixture("misbehave", "several.so");
	char path[PATH_MAX + 32], header[2 * PATH_MAX];
	snprintf(path, sizeof path, "LINDYN_PLUGIN_PATH=%s", dir);
	char *env[] = { path, "LINDYN_FIXTURE_CRASH_ON_LOAD=1", NULL };
	tu_result r = tu_spawn((char *[]){ lindyn, "run", "fx_good", "steps=2", "--out", out, NULL },
	                       env);
	if (r.code != 0)
		fail_msg("exit %d, expected 0; stderr: %s", r.code, r.err);
	assert_string_equal(r.err, "");
	tu_result_free(&r);
	snprintf(path, sizeof path, "%s/loss.tsv", out);
	char *text = tu_read(path), real[PATH_MAX];
	assert_non_null(realpath(dir, real));
	snprintf(header, sizeof header, "# plugin: fx_good 2.3.1 (%s/fx_good.so)\n", real);
	assert_contains(text, header);
	free(text);
	/* No fx_diverge.so: the full scan finds it in several.so (and, loading
	 * everything, survives aaa.so only without the variable). */
	snprintf(path, sizeof path, "LINDYN_PLUGIN_PATH=%s", dir);
	r = tu_spawn((char *[]){ lindyn, "run", "fx_diverge", "--out", out, NULL },
	             (char *[]){ path, NULL });
	assert_int_equal(r.code, 3);
	assert_contains(r.err, "lindyn: fx_diverge: diverged: ");
	tu_result_free(&r);
}

/* check-plugin goes on after a plugin crashes, exits or spins, failing
 * that check with the reason. */
static void test_check_plugin_survives(void **state)
{
	(void)state;
	char so[PATH_MAX];
	snprintf(so, sizeof so, "%s", tu_path("fixtures/crash.so"));
	tu_result r = LINDYN("check-plugin", so, "--no-valgrind", "--time-limit", "1");
	assert_int_equal(r.code, 1);
	assert_contains(r.out, "FAIL  fx_segv: runs with defaults at a tiny size: crashed: "
	                       "Segmentation fault\n");
	assert_contains(r.out, "FAIL  fx_abort: runs with defaults at a tiny size: crashed: Aborted\n");
	assert_contains(r.out, "FAIL  fx_exit: runs with defaults at a tiny size: exited the process");
	assert_contains(r.out, "FAIL  fx_spin: runs with defaults at a tiny size: did not finish "
	                       "within 1 s (time limit)\n");
	assert_contains(r.out, "PASS  fx_spin: rejects out-of-range value: steps=101");
	assert_contains(r.out, ": 4 checks failed\n");
	tu_result_free(&r);
	expect_one_line(LINDYN("check-plugin", so, "--time-limit", "0"), 1,
	                "lindyn check-plugin: --time-limit needs a positive number of seconds, "
	                "not '0'");
	char *err;
	snprintf(so, sizeof so, "%s", tu_path("fixtures/good.so"));
	assert_int_equal(run_to_full((char *[]){ "check-plugin", so, "--no-valgrind", NULL }, &err), 2);
	assert_string_equal(err, "lindyn check-plugin: cannot write to standard output: "
	                         "No space left on device\n");
	free(err);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_unknown_command),        T(test_unknown_key_suggests),
		T(test_bad_values),             T(test_bad_options),
		T(test_unknown_plugin),         T(test_list_help_version),
		T(test_failures_leave_nothing), T(test_bad_weights_file),
		T(test_sigint_leaves_nothing),
		T(test_sigterm_leaves_nothing), T(test_quiet_without_terminal),
		T(test_progress_on_terminal),
		T(test_header_command_reproduces),
		T(test_quotes_in_arguments),    T(test_empty_option_values),
		T(test_crashing_plugin_reported), T(test_plugin_dying_while_loading), T(test_killed_run_cleaned_by_next),
		T(test_no_partial_tables),      T(test_stdout_write_errors),
		T(test_plugin_path_explained),  T(test_check_plugin_survives),
		T(test_run_loads_only_named_file),
		T(test_help_of_every_command),  T(test_help_stops_at_double_dash),
		T(test_header_names_plugin_file), T(test_run_needs_out),
		T(test_plugin_file_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
