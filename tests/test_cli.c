/* test_cli.c -- `lindyn` as a user runs it (a subprocess of build/lindyn):
 * every bad input gives a one-line message and exit 1 with nothing
 * written; failures exit 2, divergence 3, SIGINT/SIGTERM 130, each leaving
 * no data file; a good run's header holds the command that reproduces it. */
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cmocka.h>

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
	snprintf(plugin_path + strlen(plugin_path), sizeof plugin_path - strlen(plugin_path), "%s",
	         tu_path("fixtures/misbehave.so"));
	return 0;
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

/* Exit code `code`, stderr exactly `message` + '\n', stdout empty, no out dir. */
static void expect_one_line(tu_result r, int code, const char *message)
{
	if (r.code != code)
		fail_msg("exit %d, expected %d; stderr: %s", r.code, code, r.err);
	char want[2048];
	snprintf(want, sizeof want, "%s\n", message);
	assert_string_equal(r.err, want);
	assert_string_equal(r.out, "");
	assert_false(tu_exists(out));
	tu_result_free(&r);
}

static void test_unknown_command(void **state)
{
	(void)state;
	tu_result r = LINDYN("frobnicate");
	assert_int_equal(r.code, 1);
	assert_prefix(r.err, "lindyn: unknown command 'frobnicate'\n");
	assert_contains(r.err, "usage: lindyn COMMAND");
	tu_result_free(&r);
	r = LINDYN("run");
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

static void test_unknown_plugin(void **state)
{
	(void)state;
	tu_result r = LINDYN("run", "fx_nope", "steps=3", "--out", out);
	assert_int_equal(r.code, 1);
	/* Warnings about other broken plugins may come first; the last line says it. */
	const char *last = r.err + strlen(r.err) - 1;
	while (last > r.err && last[-1] != '\n')
		last--;
	assert_prefix(last, "lindyn: unknown plugin 'fx_nope'; `lindyn list` shows the ");
	assert_false(tu_exists(out));
	tu_result_free(&r);
	r = LINDYN("help", "fx_nope");
	assert_int_equal(r.code, 1);
	assert_contains(r.err, "unknown plugin 'fx_nope'");
	tu_result_free(&r);
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
	};
	for (size_t i = 0; i < sizeof lines / sizeof *lines; i++)
		assert_contains(r.out, lines[i]);
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
	assert_int_equal(tu_count_entries(out), 0);
	/* The failing plugin wrote rows and weights before failing. */
	r = LINDYN("run", "fx_fail", "--out", out);
	assert_int_equal(r.code, 2);
	assert_prefix(r.err, "lindyn: fx_fail: error: no root bracketed after 5 steps (");
	assert_int_equal(tu_lines(r.err), 1);
	tu_result_free(&r);
	assert_int_equal(tu_count_entries(out), 0); /* the directory, empty */
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

/* Starts a run, waits until its temporary file exists, sends sig. */
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
		started = tu_exists(out) && tu_count_entries(out) > 0;
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

/* The header's command, run again, gives the same rows. */
static void test_header_command_reproduces(void **state)
{
	(void)state;
	tu_result r = LINDYN("run", "fx_good", "steps=9", "noise=0.5", "label=first try", "--seed",
	                     "314", "--out", out);
	assert_int_equal(r.code, 0);
	assert_string_equal(r.out, "");
	assert_string_equal(r.err, "");
	tu_result_free(&r);
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/loss.tsv", out);
	char *first = tu_read(path);
	char *c = strstr(first, "# command: lindyn run ");
	assert_non_null(c);
	char cmd[2 * PATH_MAX];
	int n = (int)strcspn(c, "\n") - (int)strlen("# command: lindyn");
	assert_contains(c, "'label=first try'");
	/* The same command, with the data moved away first. */
	snprintf(path, sizeof path, "%s/first", dir);
	assert_int_equal(rename(out, path), 0);
	snprintf(cmd, sizeof cmd, "%s %s%.*s", plugin_path, lindyn, n, c + strlen("# command: lindyn"));
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof path, "%s/loss.tsv", out);
	char *second = tu_read(path);
	assert_non_null(second);
	assert_string_equal(first, second);
	free(first);
	free(second);
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
