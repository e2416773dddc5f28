/* test_weave.c -- `lindyn weave` (src/lit/weave.c): the page of one document
 * (prose kept, figures at full width linking to PDF and PNG, claims and the
 * claim table as literal HTML with a verdict class), the index page, every
 * claim kept however many, and a failed write reported with a non-zero exit. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "../src/cmd/commands.h"
#include "fixtures/testutil.h"

static char *dir;
static char doc_path[PATH_MAX];

static const char *const DOC =
	"# Halving losses\n\nProse before, with math $R^{m\\times h}$.\n\n"
	"```lindyn-experiment\nname: exp\nplugin: fx_good\n```\n\n"
	"```lindyn-figure\nname: decay_fig\nscript: figures/decay.gp\ndata: l = exp/loss\ndata: m = exp[seed=0]/loss\n"
	"caption: The loss <halves> & 3*x*y.\n```\n\n"
	"```lindyn-claim\nid: halves\nclaim: the loss *halves* to 45*0.9/81\n"
	"paper: 0.5 (Fig. 1)\nmeasure: last(\"exp/loss\", \"loss\")\n"
	"expect: 3*sqrt(0.25)/3 +- 0.01\n```\n\n"
	"```lindyn-claim\nid: lost\nclaim: rows exist\nmeasure: rows(\"exp/gone\")\n"
	"expect: > 1\n```\n"
	"Prose after.\n";

static int setup(void **state)
{
	(void)state;
	dir = tu_tmpdir();
	char path[PATH_MAX], cmd[PATH_MAX + 16];
	snprintf(cmd, sizeof cmd, "mkdir -p '%s/exp/base/s0'", dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof path, "%s/exp/base/s0/loss.tsv", dir);
	tu_write(path, "# columns: step loss\n0\t1\n1\t0.5\n");
	snprintf(doc_path, sizeof doc_path, "%s/halving.md", dir);
	tu_write(doc_path, DOC);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tu_rmtree(dir);
	return 0;
}

typedef struct {
	int index;
	const char *doc;
} weave_call;

static int call_weave(void *arg)
{
	const weave_call *w = arg;
	char *argv[] = { "--index", "--data", dir, "--figures", "../figures", (char *)w->doc, NULL };
	return cmd_weave(w->index ? 6 : 5, w->index ? argv : argv + 1);
}

static int count(const char *s, const char *needle)
{
	int n = 0;
	for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* Prose and experiments pass through; figures, claims and the table are raw
 * HTML with every block text escaped, never left to Markdown. */
static void test_page(void **state)
{
	(void)state;
	char *out = NULL;
	assert_int_equal(tu_capture(call_weave, &(weave_call){ 0, doc_path }, &out), 0);
	assert_prefix(out, "# Halving losses\n\nProse before, with math $R^{m\\times h}$.\n\n"
	                   "```\nname: exp\nplugin: fx_good\n```\n");
	assert_contains(out, "Prose after.\n");
	assert_null(strstr(out, "lindyn-claim"));
	assert_null(strstr(out, "lindyn-figure"));
	/* the figure: full-width image linking to the PNG; PDF and PNG links */
	assert_contains(out, "```{=html}\n<figure class=\"lindyn\" id=\"fig-decay_fig\">\n"
	                     "<a href=\"../figures/decay_fig.png\"><img src=\"../figures/decay_fig.png\"");
	assert_contains(out, "<a href=\"../figures/decay_fig.pdf\">PDF</a>");
	assert_contains(out, "The loss &lt;halves&gt; &amp; 3*x*y.");
	assert_contains(out, "script <code>figures/decay.gp</code> · data <code>exp/loss, "
	                     "exp[seed=0]/loss</code>");
	/* the claims where they stood, classed by verdict */
	assert_contains(out, "<div class=\"claim pass\" id=\"claim-halves\">");
	assert_contains(out, "<div class=\"claim error\" id=\"claim-lost\">");
	assert_contains(out, "<span class=\"verdict pass\">PASS</span>");
	/* the table: id, claim, paper, measured, expected literally, verdict, note */
	assert_contains(out, "\n## Claim table\n");
	assert_contains(out, "2 claims: 1 <span class=\"verdict pass\">PASS</span>, "
	                     "1 <span class=\"verdict error\">ERROR</span>");
	assert_contains(out, "<tr class=\"pass\"><td><a href=\"#claim-halves\"><code>halves</code>"
	                     "</a></td><td>the loss *halves* to 45*0.9/81</td><td>0.5 (Fig. 1)</td>"
	                     "<td><code>0.5</code></td><td><code>3*sqrt(0.25)/3 +- 0.01</code></td>"
	                     "<td><span class=\"verdict pass\">PASS</span></td>");
	assert_contains(out, "<tr class=\"error\"><td><a href=\"#claim-lost\">");
	assert_contains(out, "exp/base/s0/gone.tsv: cannot open");
	assert_int_equal(count(out, "<tr class="), 2);
	free(out);
}

/* The index: the title linking to the page, verdict counts, thumbnails. */
static void test_index(void **state)
{
	(void)state;
	char *out = NULL;
	assert_int_equal(tu_capture(call_weave, &(weave_call){ 1, doc_path }, &out), 0);
	assert_prefix(out, "# lindyn: the papers and their checks\n");
	assert_contains(out, "<section class=\"paper\">\n<h2><a href=\"halving.html\">Halving "
	                     "losses</a></h2>");
	assert_contains(out, "2 claims: 1 <span class=\"verdict pass\">PASS</span>, "
	                     "1 <span class=\"verdict error\">ERROR</span>");
	assert_contains(out, "<a href=\"halving.html#fig-decay_fig\"><img "
	                     "src=\"../figures/decay_fig.png\"");
	assert_int_equal(count(out, "```"), 2); /* one raw HTML block, closed */
	free(out);
}

/* Every claim gets its row, however many (the table once stopped at 512 and
 * overwrote the last row with every further claim). */
static void test_many_claims(void **state)
{
	(void)state;
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/many.md", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	for (int k = 0; k < 600; k++)
		fprintf(f, "```lindyn-claim\nid: c%d\nmeasure: %d\nexpect: true\n```\n\n", k, k + 1);
	fclose(f);
	char *out = NULL;
	assert_int_equal(tu_capture(call_weave, &(weave_call){ 0, path }, &out), 0);
	assert_int_equal(count(out, "<tr class=\"pass\">"), 600);
	assert_contains(out, "<code>c599</code>");
	assert_contains(out, "600 claims: 600 <span class=\"verdict pass\">PASS</span>");
	free(out);
}

/* A write that fails (a full disk) is an error, not a page that looks done. */
static void test_full_disk(void **state)
{
	(void)state;
	char errp[] = "/tmp/lindyn-weave-err-XXXXXX";
	int fe = mkstemp(errp);
	assert_true(fe >= 0);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		int full = open("/dev/full", O_WRONLY);
		if (full < 0)
			_exit(99);
		dup2(full, 1);
		dup2(fe, 2);
		char *argv[] = { "--data", dir, doc_path, NULL };
		int rc = cmd_weave(3, argv);
		fflush(stderr);
		_exit(rc);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	close(fe);
	char *err = tu_read(errp);
	unlink(errp);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
	assert_contains(err, "lindyn weave: writing the page failed: No space left on device");
	free(err);
}

static int call_weave_argv(void *arg)
{
	char **argv = arg;
	int argc = 0;
	while (argv[argc])
		argc++;
	return cmd_weave(argc, argv);
}

/* Wrong use: one line, exit 1, nothing written to stdout. */
static void test_usage(void **state)
{
	(void)state;
	char *out = NULL;
	assert_int_equal(tu_capture(call_weave, &(weave_call){ 0, "/nonexistent/x.md" }, &out), 1);
	assert_contains(out, "lindyn weave: /nonexistent/x.md");
	free(out);
	char *no_doc[] = { "--data", dir, NULL };
	assert_int_equal(tu_capture(call_weave_argv, no_doc, &out), 1);
	assert_prefix(out, "usage: lindyn weave");
	free(out);
	char *two_docs[] = { doc_path, doc_path, NULL };
	assert_int_equal(tu_capture(call_weave_argv, two_docs, &out), 1);
	assert_prefix(out, "usage: lindyn weave");
	free(out);
	char *bad_opt[] = { "--figurs", "x", doc_path, NULL };
	assert_int_equal(tu_capture(call_weave_argv, bad_opt, &out), 1);
	assert_prefix(out, "usage: lindyn weave");
	free(out);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_page), T(test_index), T(test_many_claims), T(test_full_disk), T(test_usage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
