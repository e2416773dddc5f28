/* test_tangle.c -- the literate pipeline's front end (src/lit/doc.c,
 * src/lit/experiment.c, src/lit/tangle.c): good documents become a make fragment
 * with one target per run, aggregate and figure; every malformed block is
 * an error naming the document and the line, and leaves no fragment. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include <cmocka.h>

#include "../src/cmd/commands.h"
#include "../src/lit/doc.h"
#include "../src/lit/experiment.h"
#include "fixtures/testutil.h"

static char *dir;
static char doc1[PATH_MAX], doc2[PATH_MAX], script[PATH_MAX], mk[PATH_MAX];
static char data[PATH_MAX], blocks[PATH_MAX], figs[PATH_MAX], figvars[PATH_MAX], lindyn[PATH_MAX];

static int setup(void **state)
{
	(void)state;
	dir = tu_tmpdir();
	snprintf(doc1, sizeof doc1, "%s/first.md", dir);
	snprintf(doc2, sizeof doc2, "%s/second.md", dir);
	snprintf(script, sizeof script, "%s/fig.gp", dir);
	snprintf(mk, sizeof mk, "%s/runs.mk", dir);
	snprintf(data, sizeof data, "%s/data", dir);
	snprintf(blocks, sizeof blocks, "%s/blocks", dir);
	snprintf(figs, sizeof figs, "%s/figures", dir);
	snprintf(figvars, sizeof figvars, "%s/figvars", dir);
	snprintf(lindyn, sizeof lindyn, "%s", tu_path("lindyn"));
	tu_write(script, "load lindyn_style\n");
	/* Scripts are named relative to the document: the fixture script
	 * beside the documents. */
	char target[PATH_MAX], link[PATH_MAX + 16], sub[PATH_MAX + 8];
	assert_non_null(realpath("tests/fixtures/figure.gp", target));
	snprintf(link, sizeof link, "%s/figure.gp", dir);
	assert_int_equal(symlink(target, link), 0);
	snprintf(sub, sizeof sub, "%s/sub", dir);
	assert_int_equal(mkdir(sub, 0777), 0);
	setenv("LINDYN_PLUGIN_PATH", tu_path("fixtures/good.so"), 1);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unsetenv("LINDYN_PLUGIN_PATH");
	tu_rmtree(dir);
	return 0;
}

typedef struct {
	int quick, ndocs;
} tangle_call;

static int call_tangle(void *arg)
{
	const tangle_call *c = arg;
	char *argv[16];
	int argc = 0;
	if (c->quick)
		argv[argc++] = "--quick";
	argv[argc++] = "--data", argv[argc++] = data;
	argv[argc++] = "--figures", argv[argc++] = figs;
	argv[argc++] = "--blocks", argv[argc++] = blocks;
	argv[argc++] = "--figvars", argv[argc++] = figvars;
	argv[argc++] = "--lindyn", argv[argc++] = lindyn;
	argv[argc++] = "-o", argv[argc++] = mk;
	argv[argc++] = doc1;
	if (c->ndocs == 2)
		argv[argc++] = doc2;
	argv[argc] = NULL;
	return cmd_tangle(argc, argv);
}

/* Tangles; returns the fragment (caller frees), failing the test on error. */
static char *tangle_ok(int quick, int ndocs)
{
	char *messages = NULL;
	int rc = tu_capture(call_tangle, &(tangle_call){ quick, ndocs }, &messages);
	if (rc)
		fail_msg("tangle failed: %s", messages);
	free(messages);
	char *text = tu_read(mk);
	assert_non_null(text);
	return text;
}

/* Tangles a document expected to be malformed: the one-line message must be
 * "lindyn tangle: <doc>:<line>: <what>", and no fragment may appear. */
static void tangle_fails_mode(int quick, const char *doc_text, int line, const char *what)
{
	tu_write(doc1, doc_text);
	unlink(mk);
	char *messages = NULL;
	int rc = tu_capture(call_tangle, &(tangle_call){ quick, 1 }, &messages);
	assert_int_equal(rc, 1);
	char want[PATH_MAX + 256];
	snprintf(want, sizeof want, "lindyn tangle: %s:%d: ", doc1, line);
	if (strncmp(messages, want, strlen(want)))
		fail_msg("expected a message starting with '%s', got '%s'", want, messages);
	assert_contains(messages, what);
	assert_int_equal(tu_lines(messages), 1);
	assert_false(tu_exists(mk));
	char tmp[PATH_MAX + 8];
	snprintf(tmp, sizeof tmp, "%s.tmp", mk);
	assert_false(tu_exists(tmp));
	free(messages);
}

static void tangle_fails(const char *doc_text, int line, const char *what)
{
	tangle_fails_mode(0, doc_text, line, what);
}

#define FENCE "```"

static const char *good_doc =
	"# A paper\n"
	"\n"
	"Prose with `inline code` and an ordinary fence:\n"
	FENCE "c\nint main(void) { return 0; }\n" FENCE "\n"
	"\n"
	FENCE "lindyn-experiment\n"                                   /* line 8 */
	"name: decay          # trailing comment\n"
	"plugin: fx_good\n"
	"seed: 2021\n"
	"seeds: 2\n"
	"set: rate=0.5 noise=0\n"
	"set: method=euler\n"
	"sweep: steps=2,4\n"
	"aggregate: loss\n"
	"quick: noise=0.25 seeds=1\n"
	"quick-sweep: steps=3\n"
	FENCE "\n"
	"\n"
	FENCE "lindyn-experiment\n"                                   /* line 21 */
	"name: grid\n"
	"plugin: fx_good\n"
	"sweep: steps=1:5:2\n"
	"sweep: rate,noise = 0.1,0.2 | 0.3,0.4\n"
	"expect: diverge\n"
	FENCE "\n"
	"\n"
	FENCE "lindyn-experiment\n"
	"name: plainrun\n"
	"plugin: fx_good\n"
	FENCE "\n"
	"\n"
	FENCE "lindyn-figure\n"
	"name: decay_fig\n"
	"script: figure.gp\n"
	"data: d = decay/loss.agg\n"
	"data: g = grid[steps=1, rate=0.10]/loss\n"
	"caption: losses # with a hash in prose\n"
	FENCE "\n"
	"\n"
	FENCE "lindyn-claim\n"
	"id: c1\n"
	"measure: 1\n"
	"expect: true\n"
	FENCE "\n";

static void write_good_doc(void)
{
	tu_write(doc1, good_doc);
}

static void test_document_blocks(void **state)
{
	(void)state;
	write_good_doc();
	doc d;
	char err[512];
	assert_int_equal(doc_load(&d, doc1, err, sizeof err), 0);
	assert_string_equal(d.name, "first");
	assert_int_equal(d.nblocks, 5);
	assert_int_equal(d.blocks[0].kind, BLOCK_EXPERIMENT);
	assert_int_equal(d.blocks[0].line, 8);
	assert_int_equal(d.blocks[0].end_line, 19);
	assert_string_equal(block_field_get(&d.blocks[0], "name")->value, "decay");
	assert_int_equal(block_field_get(&d.blocks[0], "plugin")->line, 10);
	assert_int_equal(d.blocks[3].kind, BLOCK_FIGURE);
	assert_string_equal(block_field_get(&d.blocks[3], "caption")->value,
	                    "losses # with a hash in prose");
	assert_int_equal(d.blocks[4].kind, BLOCK_CLAIM);
	assert_null(block_field_get(&d.blocks[4], "paper"));

	experiment e;
	assert_int_equal(experiment_parse(&e, &d, &d.blocks[1], 0, err, sizeof err), 0);
	assert_int_equal(experiment_npoints(&e), 6);
	assert_true(e.expect_diverge);
	char point[EXPERIMENT_POINT_MAX];
	const char *keys[8], *values[8];
	experiment_point(&e, 0, point, keys, values);
	assert_string_equal(point, "steps-1_rate-0.1_noise-0.2");
	assert_int_equal(experiment_nkeys(&e), 3);
	experiment_point(&e, 5, point, keys, values);
	assert_string_equal(point, "steps-5_rate-0.3_noise-0.4");
	assert_string_equal(keys[2], "noise");
	assert_string_equal(values[2], "0.4");
	experiment_free(&e);

	assert_int_equal(experiment_parse(&e, &d, &d.blocks[0], 1, err, sizeof err), 0);
	assert_int_equal(e.seeds, 1);
	assert_int_equal(experiment_npoints(&e), 1);
	assert_string_equal(e.set[e.nset - 1], "noise=0.25"); /* quick overrides come last */
	experiment_free(&e);
	doc_free(&d);
}

static void test_run_seeds(void **state)
{
	(void)state;
	/* Deterministic, distinct across seed indices and across nearby bases. */
	assert_int_equal(experiment_run_seed(2021, 0), experiment_run_seed(2021, 0));
	assert_int_not_equal(experiment_run_seed(2021, 0), experiment_run_seed(2021, 1));
	assert_int_not_equal(experiment_run_seed(2021, 0), experiment_run_seed(2022, 0));
	assert_int_not_equal(experiment_run_seed(1, 1), experiment_run_seed(2, 0));
}

static void test_fragment_targets(void **state)
{
	(void)state;
	write_good_doc();
	char *mkf = tangle_ok(0, 1);
	char want[2 * PATH_MAX + 512];
	/* One target per point and seed, each with the run's exact command. */
	const char *so = tu_path("fixtures/good.so");
	for (int steps = 2; steps <= 4; steps += 2)
		for (long k = 0; k < 2; k++) {
			snprintf(want, sizeof want, "LINDYN_EXP_decay += %s/decay/steps-%d/s%ld/.done\n", data,
			         steps, k);
			assert_contains(mkf, want);
			snprintf(want, sizeof want, "%s/decay/steps-%d/s%ld/.done: %s/decay/steps-%d.blk %s\n",
			         data, steps, k, blocks, steps, so);
			assert_contains(mkf, want);
			snprintf(want, sizeof want,
			         "OPENBLAS_NUM_THREADS=1 %s run fx_good 'rate=0.5' 'noise=0' "
			         "'method=euler' 'steps=%d' --seed %lu --out %s/decay/steps-%d/s%ld || rc=$$?; "
			         "if [ $$rc -ne 0 ]; then exit $$rc; fi",
			         lindyn, steps, experiment_run_seed(2021, k), data, steps, k);
			assert_contains(mkf, want);
		}
	/* Aggregates over seeds and over the sweep. */
	snprintf(want, sizeof want, "%s/decay/steps-4/loss.agg.tsv: %s/decay/steps-4/s0/.done "
	                            "%s/decay/steps-4/s1/.done\n", data, data, data);
	assert_contains(mkf, want);
	snprintf(want, sizeof want, "%s aggregate --seeds -o $@ %s/decay/steps-4/s0/loss.tsv "
	                            "%s/decay/steps-4/s1/loss.tsv\n", lindyn, data, data);
	assert_contains(mkf, want);
	snprintf(want, sizeof want, "%s aggregate --final -o $@ --point 'steps=2' "
	                            "%s/decay/steps-2/s0/loss.tsv %s/decay/steps-2/s1/loss.tsv "
	                            "--point 'steps=4'", lindyn, data, data);
	assert_contains(mkf, want);
	/* Ranges, tuples and products of sweeps; diverging runs are expected. */
	snprintf(want, sizeof want, "%s/grid/steps-3_rate-0.3_noise-0.4/s0/.done:", data);
	assert_contains(mkf, want);
	assert_contains(mkf, "fx_good 'steps=5' 'rate=0.1' 'noise=0.2' --seed");
	assert_contains(mkf, "if [ $$rc -ne 0 ] && [ $$rc -ne 3 ]; then exit $$rc; fi");
	assert_contains(mkf, "experiment grid: 6 points x 1 seeds");
	/* No sweep: the point is "base", the seed defaults to 1. */
	snprintf(want, sizeof want, "run fx_good --seed %lu --out %s/plainrun/base/s0 ",
	         experiment_run_seed(1, 0), data);
	assert_contains(mkf, want);
	/* The figure, in PDF and PNG, after the runs and aggregates it reads, its
	 * data file and the files its script loads. */
	snprintf(want, sizeof want, "%s/decay_fig.pdf: %s/figure.gp figures/style.gp "
	         "%s/decay_fig.gp %s/decay/steps-2/loss.agg.tsv %s/decay/steps-4/loss.agg.tsv "
	         "%s/grid/steps-1_rate-0.1_noise-0.2/s0/.done tests/fixtures/figure_part.gp\n", figs,
	         dir, figvars, data, data, data);
	assert_contains(mkf, want);
	snprintf(want, sizeof want, "gnuplot -e \"datadir='%s'; outbase='%s/decay_fig'; term='png'; "
	         "lindyn_style='figures/style.gp'; load '%s/decay_fig.gp'\" %s/figure.gp 2>&1 >/dev/null",
	         data, figs, figvars, dir);
	assert_contains(mkf, want);
	assert_contains(mkf, "-e 'Cannot find or open file' -e 'Skipping data file with no valid "
	                     "points' -e 'No data in plot'");
	snprintf(want, sizeof want, "%s/decay_fig.gp", figvars);
	char *vars = tu_read(want);
	assert_non_null(vars);
	snprintf(want, sizeof want, "\nd = '%s/decay/steps-2/loss.agg.tsv %s/decay/steps-4/loss.agg.tsv'\n"
	         "d_steps = '2 4'\ng = '%s/grid/steps-1_rate-0.1_noise-0.2/s0/loss.tsv'\n"
	         "g_steps = '1'\ng_rate = '0.1'\ng_noise = '0.2'\n", data, data, data);
	assert_contains(vars, want);
	free(vars);
	assert_contains(mkf, "LINDYN_ALL_FIGURES += $(LINDYN_FIGURES_first)");
	/* The fragment is stale when the script, or a file it loads, changes. */
	snprintf(want, sizeof want, "\n%s: $(wildcard %s/figure.gp tests/fixtures/figure_part.gp)\n",
	         mk, dir);
	assert_contains(mkf, want);
	free(mkf);

	/* A point's stamp holds what its runs are given, but the seed index. */
	char stamp[PATH_MAX];
	snprintf(stamp, sizeof stamp, "%s/decay/steps-2.blk", blocks);
	char *blk = tu_read(stamp);
	assert_non_null(blk);
	assert_string_equal(blk, "plugin: fx_good\nseed: 2021\nexpect: success\nrate=0.5\nnoise=0\n"
	                         "method=euler\nsteps=2\n");
	free(blk);
}

static void test_quick_mode(void **state)
{
	(void)state;
	write_good_doc();
	char *mkf = tangle_ok(1, 1);
	char want[PATH_MAX + 256];
	snprintf(want, sizeof want, "%s/decay/steps-3/s0/.done:", data);
	assert_contains(mkf, want);
	snprintf(want, sizeof want, "%s/decay/steps-2/", data);
	assert_null(strstr(mkf, want));
	snprintf(want, sizeof want, "%s/decay/steps-3/s1/", data);
	assert_null(strstr(mkf, want));
	assert_contains(mkf, "run fx_good 'rate=0.5' 'noise=0' 'method=euler' 'noise=0.25' 'steps=3' --seed");
	free(mkf);
}

static long mtime_of(const char *path)
{
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	return (long)st.st_mtime;
}

static void set_old_mtime(const char *path)
{
	struct timeval tv[2] = { { 1000, 0 }, { 1000, 0 } };
	assert_int_equal(utimes(path, tv), 0);
}

/* A stamp per sweep point, rewritten only when what its runs are given
 * changes: editing one block touches only its points' stamps, and adding a
 * sweep value only writes the new points'. */
static void test_edit_rewrites_one_stamp(void **state)
{
	(void)state;
	write_good_doc();
	free(tangle_ok(0, 1));
	char decay[PATH_MAX], grid[PATH_MAX], grid7[PATH_MAX];
	snprintf(decay, sizeof decay, "%s/decay/steps-2.blk", blocks);
	snprintf(grid, sizeof grid, "%s/grid/steps-1_rate-0.1_noise-0.2.blk", blocks);
	snprintf(grid7, sizeof grid7, "%s/grid/steps-7_rate-0.1_noise-0.2.blk", blocks);
	set_old_mtime(decay);
	set_old_mtime(grid);
	free(tangle_ok(0, 1));
	assert_int_equal(mtime_of(decay), 1000);
	assert_int_equal(mtime_of(grid), 1000);
	assert_false(tu_exists(grid7));

	/* A sweep value added: one new stamp per new point, the others kept. */
	char text[4096], *edit;
	snprintf(text, sizeof text, "%s", good_doc);
	edit = strstr(text, "sweep: steps=1:5:2");
	memcpy(edit, "sweep: steps=1:7:2", 18);
	tu_write(doc1, text);
	char *mkf = tangle_ok(0, 1);
	assert_int_equal(mtime_of(decay), 1000);
	assert_int_equal(mtime_of(grid), 1000);
	assert_true(tu_exists(grid7));
	assert_contains(mkf, "experiment grid: 8 points x 1 seeds");
	free(mkf);
	/* A parameter of decay changed: decay's stamps, not grid's. */
	edit = strstr(text, "set: rate=0.5");
	memcpy(edit, "set: rate=0.7", 13);
	tu_write(doc1, text);
	free(tangle_ok(0, 1));
	assert_true(mtime_of(decay) > 1000);
	assert_int_equal(mtime_of(grid), 1000);
	/* At quick scale a point's stamp holds the quick parameters. */
	free(tangle_ok(1, 1));
	char quick[PATH_MAX + 32];
	snprintf(quick, sizeof quick, "%s/decay/steps-3.blk", blocks);
	char *blk = tu_read(quick);
	assert_non_null(blk);
	assert_contains(blk, "noise=0.25\n");
	free(blk);
	/* A tangle that fails writes no stamp, not even those of the points
	 * emitted before the error. */
	free(tangle_ok(0, 1));
	edit = strstr(text, "sweep: steps=1:7:2");
	memcpy(edit, "sweep: steps=1:9:2", 18);
	char bad[4200], grid9[PATH_MAX], late[PATH_MAX + 16];
	snprintf(bad, sizeof bad, "%s" FENCE "lindyn-experiment\nname: late\nplugin: nosuch\n" FENCE "\n",
	         text);
	tu_write(doc1, bad);
	char *messages = NULL;
	assert_int_equal(tu_capture(call_tangle, &(tangle_call){ 0, 1 }, &messages), 1);
	assert_contains(messages, "unknown plugin 'nosuch'");
	free(messages);
	snprintf(grid9, sizeof grid9, "%s/grid/steps-9_rate-0.1_noise-0.2.blk", blocks);
	assert_false(tu_exists(grid9));
	snprintf(late, sizeof late, "%s/late", blocks);
	assert_false(tu_exists(late));
}

/* make over the fragment: runs and aggregates appear; nothing is redone
 * when nothing changed; after one block is edited only its runs are. */
static void test_make_reruns_only_edited_block(void **state)
{
	(void)state;
	char wrapper[PATH_MAX], cmd[3 * PATH_MAX], text[4096];
	snprintf(wrapper, sizeof wrapper, "%s/Makefile", dir);
	snprintf(text, sizeof text, "include %s\nruns: $(LINDYN_ALL_RUNS)\n", mk);
	tu_write(wrapper, text);
	snprintf(text, sizeof text, "%s", good_doc);
	tu_write(doc1, text);
	tangle_call call = { 0, 1 };
	char *messages = NULL;
	unsetenv("MAKEFLAGS"); /* not the options or jobserver of a make running this test */
	unsetenv("MFLAGS");
	unsetenv("MAKELEVEL");
	assert_int_equal(tu_capture(call_tangle, &call, &messages), 0);
	free(messages);
	snprintf(cmd, sizeof cmd, "make -s -f '%s' runs > '%s/make.log' 2>&1", wrapper, dir);
	if (system(cmd)) {
		snprintf(cmd, sizeof cmd, "%s/make.log", dir);
		fail_msg("make failed: %s", tu_read(cmd));
	}
	char path[PATH_MAX + 64];
	snprintf(path, sizeof path, "%s/decay/steps-4/s1/loss.tsv", data);
	assert_true(tu_exists(path));
	snprintf(path, sizeof path, "%s/decay/steps-4/loss.agg.tsv", data);
	assert_true(tu_exists(path));
	snprintf(path, sizeof path, "%s/decay/loss.final.tsv", data);
	assert_true(tu_exists(path));
	snprintf(path, sizeof path, "%s/grid/steps-5_rate-0.3_noise-0.4/s0/loss.tsv", data);
	assert_true(tu_exists(path));

	/* Nothing changed: make has nothing to do. */
	assert_int_equal(tu_capture(call_tangle, &call, &messages), 0);
	free(messages);
	snprintf(cmd, sizeof cmd, "make -q -f '%s' runs", wrapper);
	assert_int_equal(system(cmd), 0);

	/* Extend the grid's sweep: only the new points' runs are made. */
	memcpy(strstr(text, "sweep: steps=1:5:2"), "sweep: steps=1:7:2", 18);
	tu_write(doc1, text);
	assert_int_equal(tu_capture(call_tangle, &call, &messages), 0);
	free(messages);
	snprintf(cmd, sizeof cmd, "make -n -f '%s' runs", wrapper);
	FILE *p = popen(cmd, "r");
	char line[4096];
	int grid = 0, other = 0;
	while (fgets(line, sizeof line, p))
		if (strstr(line, " run fx_good "))
			strstr(line, "/grid/") ? grid++ : other++;
	pclose(p);
	assert_int_equal(grid, 2); /* steps 7 x two tuples */
	assert_int_equal(other, 0);
}

static void test_unknown_plugin(void **state)
{
	(void)state;
	tangle_fails("text\n\n" FENCE "lindyn-experiment\nname: e1\nplugin: fx_nope\n" FENCE "\n", 3,
	             "unknown plugin 'fx_nope'");
}

static void test_unknown_key(void **state)
{
	(void)state;
	tangle_fails(FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\nsed: 3\n" FENCE "\n", 4,
	             "unknown key 'sed'");
	tangle_fails(FENCE "lindyn-figure\nname: f\nscritp: x.gp\n" FENCE "\n", 3,
	             "unknown key 'scritp'");
	tangle_fails(FENCE "lindyn-experiment\nname: e1\nplugin fx_good\n" FENCE "\n", 3,
	             "expected 'key: value'");
	tangle_fails("\n" FENCE "lindyn-experimnet\nname: e1\n" FENCE "\n", 2,
	             "unknown block 'lindyn-experimnet'");
}

static void test_unknown_parameter(void **state)
{
	(void)state;
	tangle_fails(FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\nset: stesp=3\n" FENCE "\n",
	             1, "experiment 'e1': unknown parameter 'stesp'; did you mean 'steps'?");
	tangle_fails(FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\nsweep: rate=0.5,1.5\n"
	             FENCE "\n",
	             1, "experiment 'e1': sweep: parameter 'rate': 1.5 is out of range");
	tangle_fails(FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\nset: label=$(rm)\n"
	             FENCE "\n",
	             4, "value '$(rm)' of 'label' may only hold [A-Za-z0-9_.,:/+=-]");
}

static void test_bad_sweep(void **state)
{
	(void)state;
	static const struct {
		const char *sweep, *what;
	} bad[] = {
		{ "steps=1:5", "bad sweep: range '1:5' is not lo:hi:step with three numbers" },
		{ "steps=1:5:0", "bad sweep: range '1:5:0' needs step > 0 and lo <= hi" },
		{ "steps=5:1:1", "needs step > 0 and lo <= hi" },
		{ "steps=a:b:c", "is not lo:hi:step" },
		{ "steps", "bad sweep: sweep 'steps' is not key=values" },
		{ "steps=1,,3", "bad sweep: empty value in sweep" },
		{ "steps=", "bad sweep: empty value in sweep" },
		{ "rate,noise = 0.1,0.2 | 0.3", "bad sweep: tuple '0.3' has 1 values for 2 keys" },
		{ "Rate=1,2", "bad sweep: sweep key 'Rate' is not a parameter name ([a-z][a-z0-9_]*" },
		{ "steps=1:100000:1", "has more than 4096 values" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char text[512];
		snprintf(text, sizeof text,
		         FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\nset: rate=0.5\nsweep: %s\n"
		         FENCE "\n", bad[i].sweep);
		tangle_fails(text, 5, bad[i].what);
	}
	tangle_fails(FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\nsweep: steps=1,2\n"
	             "sweep: steps=3,4\n" FENCE "\n", 5, "key 'steps' is swept twice");
	tangle_fails(FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\nseeds: 0\n" FENCE "\n", 4,
	             "seeds must be an integer in [1, 10000]");
	tangle_fails(FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\nseed: -4\n" FENCE "\n", 4,
	             "seed must be a non-negative integer");
	tangle_fails(FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\nseed:\n" FENCE "\n", 4,
	             "seed must be a non-negative integer");
	tangle_fails(FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\nseeds: two\n" FENCE "\n", 4,
	             "seeds must be an integer in [1, 10000]");
	tangle_fails(FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\nexpect: converge\n" FENCE
	             "\n", 4, "expect must be 'diverge'");
}

static void test_missing_keys_and_script(void **state)
{
	(void)state;
	tangle_fails(FENCE "lindyn-experiment\nname: e1\n" FENCE "\n", 1,
	             "block lacks required key 'plugin'");
	tangle_fails("\n\n" FENCE "lindyn-experiment\nplugin: fx_good\n" FENCE "\n", 3,
	             "block lacks required key 'name'");
	tangle_fails(FENCE "lindyn-experiment\nname: E-1\nplugin: fx_good\n" FENCE "\n", 2,
	             "experiment name 'E-1' must match [a-z][a-z0-9_]*");
	tangle_fails(FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\n" FENCE "\n\n"
	             FENCE "lindyn-figure\nname: f\nscript: figures/no_such_script.gp\ndata: d = e1/loss\n"
	             FENCE "\n",
	             8, "/figures/no_such_script.gp: No such file or directory");
	tangle_fails(FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\n" FENCE "\n\n"
	             FENCE "lindyn-figure\nname: f\nscript: fig.gp\ndata: d = e2/loss\n"
	             FENCE "\n", 9, "figure 'f': data d: 'e2/loss': 'e2' is not an experiment of "
	             "this document (e1)");
	tangle_fails(FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\n" FENCE "\n\n"
	             FENCE "lindyn-figure\nname: f\nscript: fig.gp\nuses: e1\n"
	             FENCE "\n", 9, "'uses:' is replaced by one line per table read, 'data: NAME = "
	             "EXP[key=value, ...]/TABLE'");
	tangle_fails(FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\n" FENCE "\n\n"
	             FENCE "lindyn-figure\nname: f\nscript: fig.gp\ndata: d = e1/loss\n"
	             "data: d = e1/loss\n" FENCE "\n", 10, "figure 'f': data name 'd' is used twice");
	tangle_fails(FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\n" FENCE "\n\n"
	             FENCE "lindyn-figure\nname: f\nscript: fig.gp\ndata: e1/loss\n"
	             FENCE "\n", 9, "figure 'f': expected 'data: NAME = EXP[key=value, ...]/TABLE'");
	tangle_fails(FENCE "lindyn-figure\nname: f\ndata: d = e1/loss\n" FENCE "\n", 1,
	             "block lacks required key 'script'");
}

static void test_unclosed_fence(void **state)
{
	(void)state;
	tangle_fails("intro\n\n\n" FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\n\n",
	             4, "block is not closed with ```");
	/* Running into the next block names the unclosed one, not the next. */
	tangle_fails("intro\n" FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\n\n"
	             FENCE "lindyn-experiment\nname: e2\nplugin: fx_good\n" FENCE "\n",
	             2, "block is not closed with ``` (line 6 opens a fence)");
}

static void test_duplicate_experiment_name(void **state)
{
	(void)state;
	tangle_fails(FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\n" FENCE "\n\n"
	             FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\nset: steps=3\n" FENCE "\n",
	             6, "experiment name 'e1' is used twice");
	/* Across documents too: the second document and its line are named. */
	tu_write(doc1, FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\n" FENCE "\n");
	tu_write(doc2, "\n" FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\n" FENCE "\n");
	char *messages = NULL;
	assert_int_equal(tu_capture(call_tangle, &(tangle_call){ 0, 2 }, &messages), 1);
	char want[PATH_MAX + 128];
	snprintf(want, sizeof want, "lindyn tangle: %s:2: experiment name 'e1' is used twice\n", doc2);
	assert_string_equal(messages, want);
	free(messages);
}

/* An experiment (lines 1-5) and a figure (fence at line 6, name 7,
 * script 8, data 9) expected to fail at line with what. */
static void figure_fails(const char *name, const char *script_path, const char *uses, int line,
                         const char *what)
{
	char text[2048];
	snprintf(text, sizeof text,
	         FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\naggregate: loss\n" FENCE "\n"
	         FENCE "lindyn-figure\nname: %s\nscript: %s\ndata: d = %s/loss\n" FENCE "\n", name,
	         script_path, uses);
	tangle_fails(text, line, what);
}

/* Every name that reaches make or a path follows the identifier rule, so no
 * name can run a command, leave its directory or break the fragment. */
static void test_names_are_identifiers(void **state)
{
	(void)state;
	char longname[301];
	memset(longname, 'a', 300);
	longname[300] = 0;
	const char *bad[] = { "$(shell touch PWNED)", "a`touch PWNED`b", "../../escape", "f#x",
	                      "f:x", "f\"x", "f x", "F1", longname };
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		figure_fails(bad[i], "fig.gp", "e1", 7, "figure name '");
		figure_fails(bad[i], "fig.gp", "e1", 7,
		             "' must match [a-z][a-z0-9_]* (at most 63 characters)");
		char text[1024];
		snprintf(text, sizeof text, FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\n"
		         "aggregate: loss %s\n" FENCE "\n", bad[i]);
		if (!strchr(bad[i], ' ')) /* blanks separate tables */
			tangle_fails(text, 4, "aggregate table '");
		snprintf(text, sizeof text, FENCE "lindyn-experiment\nname: %s\nplugin: fx_good\n"
		         FENCE "\n", bad[i]);
		tangle_fails(text, 2, "experiment name '");
	}
	tangle_fails(FENCE "lindyn-experiment\nname: e1\nplugin: fx_$(x)\n" FENCE "\n", 3,
	             "plugin name 'fx_$(x)' must match");
	tangle_fails(FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\nset: $(x)=1\n" FENCE "\n",
	             4, "'$(x)' is not a parameter name");
	tangle_fails(FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\nsweep: a$b=1,2\n" FENCE "\n",
	             4, "sweep key 'a$b' is not a parameter name");
	figure_fails("f", "fig.gp", "e1[$(shell touch PWNED)]", 9,
	             "the selection item '$(shell touch PWNED)' is not key=value");
	assert_false(tu_exists("PWNED"));
	/* data/quick and data/reference belong to the pipeline */
	tangle_fails(FENCE "lindyn-experiment\nname: quick\nplugin: fx_good\n" FENCE "\n", 2,
	             "experiment name 'quick' is reserved: data/quick holds the quick-scale data");
	tangle_fails(FENCE "lindyn-experiment\nname: reference\nplugin: fx_good\n" FENCE "\n", 2,
	             "experiment name 'reference' is reserved");
}

/* script: is relative to the document, names a regular file below the
 * working directory or the document's directory, in plain characters. */
static void test_script_is_a_tree_file(void **state)
{
	(void)state;
	const char *outside = "must be a relative path from the document's directory";
	figure_fails("f", script, "e1", 8, outside);
	figure_fails("f", "/etc/hostname", "e1", 8, "figure script '/etc/hostname' must be a relative");
	figure_fails("f", "../lindyn/figures/style.gp", "e1", 8, outside);
	figure_fails("f", "sub/../../x/fig.gp", "e1", 8, outside);
	figure_fails("f", "sub/../missing.gp", "e1", 8, "missing.gp");
	figure_fails("f", "figures/$(shell touch PWNED).gp", "e1", 8, "out of [A-Za-z0-9_./-]");
	figure_fails("f", "sub", "e1", 8, "/sub: not a regular file (a directory)");
	assert_false(tu_exists("PWNED"));
}

/* Duplicate figure names are an error naming both places, across documents too. */
static void test_duplicate_figure_name(void **state)
{
	(void)state;
	const char *exp = FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\n" FENCE "\n";
	const char *fig = FENCE "lindyn-figure\nname: f\nscript: fig.gp\ndata: d = e1/loss\n"
	                  FENCE "\n";
	char text[1024], want[2 * PATH_MAX + 128];
	snprintf(text, sizeof text, "%s%s%s", exp, fig, fig);
	snprintf(want, sizeof want, "figure name 'f' is used twice (first at %s:6)", doc1);
	tangle_fails(text, 11, want);

	snprintf(text, sizeof text, "%s%s", exp, fig);
	tu_write(doc1, text);
	snprintf(text, sizeof text, "\n%s", fig);
	tu_write(doc2, text);
	char *messages = NULL;
	assert_int_equal(tu_capture(call_tangle, &(tangle_call){ 0, 2 }, &messages), 1);
	snprintf(want, sizeof want,
	         "lindyn tangle: %s:3: figure name 'f' is used twice (first at %s:6)\n", doc2, doc1);
	assert_string_equal(messages, want);
	free(messages);
}

static void experiment_fails(const char *fields, int line, const char *what)
{
	char text[8192];
	snprintf(text, sizeof text, FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\n%s\n"
	         FENCE "\n", fields);
	tangle_fails(text, line, what);
}

/* set:/sweep: values are data: characters special to sh or make, paths
 * leaving the tree, and sweep values that are not one directory name fail. */
static void test_values_are_data(void **state)
{
	(void)state;
	experiment_fails("set: label=`touch`", 4, "value '`touch`' of 'label' may only hold");
	experiment_fails("set: label=a;b", 4, "may only hold [A-Za-z0-9_.,:/+=-]");
	experiment_fails("set: label=a%b", 4, "may only hold");
	experiment_fails("set: label=a#b", 4, "may only hold");
	experiment_fails("set: label='a'", 4, "may only hold");
	/* fx_good's init_npy is no LINDYN_P_PATH: a path names data/ or build/ only. */
	const char *outside = "a document names paths under data/ or build/ only, without '..'";
	experiment_fails("set: init_npy=/etc/passwd", 4, "value '/etc/passwd' of 'init_npy' is a path");
	experiment_fails("set: init_npy=..", 4, outside);
	experiment_fails("set: init_npy=data/../../x.npy", 4, outside);
	tangle_fails_mode(1, FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\n"
	                  "quick: init_npy=../x.npy\n" FENCE "\n", 4, outside);
	experiment_fails("set: init_npy=src/x.npy", 4,
	                 "value 'src/x.npy' of 'init_npy' is a path: a document names paths under "
	                 "data/ or build/ only");
	experiment_fails("sweep: label=a/b,c", 4,
	                 "sweep value 'a/b' of 'label' may not hold '/' (it names a directory)");
	experiment_fails("sweep: label=ok,$(x)", 4, "value '$(x)' of 'label' may only hold");
	experiment_fails("sweep: label,steps = a,1 | ../..,2", 4, "may not hold '/'");
	assert_false(tu_exists("PWNED"));

	/* A set: path inside the tree is data like any other value. */
	tu_write(doc1, FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\n"
	               "set: init_npy=data/x.npy label=a:b,c=d+e\n" FENCE "\n");
	doc d;
	experiment e;
	char err[512];
	assert_int_equal(doc_load(&d, doc1, err, sizeof err), 0);
	assert_int_equal(experiment_parse(&e, &d, &d.blocks[0], 0, err, sizeof err), 0);
	assert_string_equal(e.set[0], "init_npy=data/x.npy");
	assert_string_equal(e.set[1], "label=a:b,c=d+e");
	experiment_free(&e);
	doc_free(&d);
}

/* Two sweep values that give the same point directory are an error naming
 * both values, never one directory shared by two runs. */
static void test_point_collisions(void **state)
{
	(void)state;
	experiment_fails("sweep: label=a_b,a-b", 4, "sweep values 'a_b' and 'a-b' give the same point");
	/* one key twice in a point: two contradictory values for one run */
	experiment_fails("sweep: steps,steps = 1,2 | 3,4", 4, "key 'steps' appears twice in one sweep");
	tangle_fails_mode(1, FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\n"
	                  "sweep: steps,rate = 3,0.1 | 4,0.2\nsweep: label=a,b\n"
	                  "quick-sweep: steps,label = 5,a | 6,b\n" FENCE "\n", 6,
	                  "quick-sweep must name exactly the keys of one sweep (line 4 sweeps 'steps'");
	experiment_fails("sweep: steps=1,2,1", 4, "sweep values '1' and '1' give the same point");
	experiment_fails("sweep: rate=0.5,0.50", 4, "sweep values '0.5' and '0.50' give the same");
	experiment_fails("sweep: steps=1.0,1", 4, "sweep values '1.0' and '1' give the same point");
	experiment_fails("sweep: steps,rate = 1,0.1 | 2,0.1 | 1,0.10", 4,
	                 "sweep values '1,0.1' and '1,0.10' give the same point");
	tangle_fails_mode(1, FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\nsweep: steps=1,2\n"
	                  "quick-sweep: steps=3,3.0\n" FENCE "\n", 5,
	                  "sweep values '3' and '3.0' give the same point");
	/* Quick overrides replace the full sweep: only the final values count. */
	tu_write(doc1, FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\nsweep: steps=1,1\n"
	               "quick-sweep: steps=2\n" FENCE "\n");
	char *messages = NULL;
	assert_int_equal(tu_capture(call_tangle, &(tangle_call){ 1, 1 }, &messages), 0);
	free(messages);
}

/* More keys, words and axes than the old fixed arrays held: all kept, or a
 * clear error; never a write past an array. */
static void test_many_keys(void **state)
{
	(void)state;
	char fields[8192] = "set:", *p;
	for (int i = 0; i < 300; i++) /* 300 words on one set: line */
		snprintf(fields + strlen(fields), sizeof fields - strlen(fields), " k%d=%d", i, i);
	strcat(fields, "\nsweep: ");
	for (int i = 0; i < 30; i++) /* a tuple of 30 keys */
		snprintf(fields + strlen(fields), sizeof fields - strlen(fields), "%st%d", i ? "," : "", i);
	strcat(fields, " = ");
	for (int i = 0; i < 30; i++)
		snprintf(fields + strlen(fields), sizeof fields - strlen(fields), "%s%d", i ? "," : "", i);
	char text[16384];
	snprintf(text, sizeof text, FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\n%s\n"
	         FENCE "\n", fields);
	tu_write(doc1, text);
	doc d;
	experiment e;
	char err[512], point[EXPERIMENT_POINT_MAX];
	assert_int_equal(doc_load(&d, doc1, err, sizeof err), 0);
	assert_int_equal(experiment_parse(&e, &d, &d.blocks[0], 0, err, sizeof err), 0);
	assert_int_equal(e.nset, 300);
	assert_string_equal(e.set[299], "k299=299");
	assert_int_equal(experiment_nkeys(&e), 30);
	const char *keys[30], *values[30];
	experiment_point(&e, 0, point, keys, values);
	assert_string_equal(keys[29], "t29");
	assert_string_equal(values[29], "29");
	assert_non_null(p = strstr(point, "_t29-29"));
	assert_string_equal(p, "_t29-29");
	experiment_free(&e);
	doc_free(&d);

	/* 70 axes: their point names would pass a path component's 255 bytes. */
	strcpy(fields, "");
	for (int i = 0; i < 70; i++)
		snprintf(fields + strlen(fields), sizeof fields - strlen(fields), "sweep: a%d=1\n", i);
	experiment_fails(fields, 1, "a point's directory name would have 409 characters, more than 255");
}

/* Sweeps that would make tangle write for ever stop with the run count. */
static void test_run_limits(void **state)
{
	(void)state;
	experiment_fails("sweep: steps=1:4096:1\nsweep: rate=0:1:0.000245\nsweep: noise=0:4:0.001", 1,
	                 "experiment 'e1' has 66896207872 runs (points x seeds), more than the "
	                 "limit of 50000");
	experiment_fails("seeds: 10000\nsweep: steps=1:6:1", 1, "has 60000 runs");
	experiment_fails("sweep: steps=1:5000:1", 4, "range '1:5000:1' has more than 4096 values");
	/* 4097 listed values */
	char fields[32768] = "sweep: label=v0";
	for (int i = 1; i <= 4096; i++)
		snprintf(fields + strlen(fields), sizeof fields - strlen(fields), ",%d", i);
	char text[40000];
	snprintf(text, sizeof text, FENCE "lindyn-experiment\nname: e1\nplugin: fx_good\n%s\n"
	         FENCE "\n", fields);
	tangle_fails(text, 4, "line longer than 4095 characters");

	/* Over all documents: five experiments of 50000 runs pass 200000. */
	char many[4096] = "";
	for (int i = 0; i < 5; i++)
		snprintf(many + strlen(many), sizeof many - strlen(many),
		         FENCE "lindyn-experiment\nname: e%d\nplugin: fx_good\nseeds: 10000\n"
		         "sweep: steps=1:5:1\n" FENCE "\n", i);
	tangle_fails(many, 25, "experiment 'e4' brings the runs of all documents to 250000, more "
	                       "than the limit of 200000");
}

static int call_tangle_args(void *arg)
{
	char **argv = arg;
	int argc = 0;
	while (argv[argc])
		argc++;
	return cmd_tangle(argc, argv);
}

/* An empty or unsafe option value is a usage error, not a fragment. */
static void test_option_values(void **state)
{
	(void)state;
	write_good_doc();
	const char *opts[] = { "--blocks", "--data", "--figures", "--lindyn" };
	const char *bad[] = { "", "a b", "$(shell touch PWNED)", "x;y" };
	for (size_t i = 0; i < 4; i++)
		for (size_t j = 0; j < 4; j++) {
			char *argv[] = { (char *)opts[i], (char *)bad[j], "-o", mk, doc1, NULL };
			char *messages = NULL, want[256];
			unlink(mk);
			assert_int_equal(tu_capture(call_tangle_args, argv, &messages), 1);
			snprintf(want, sizeof want, "lindyn tangle: %s '%s': expected a non-empty path of "
			         "[A-Za-z0-9_./-] (at most 1024 characters)\n", opts[i], bad[j]);
			assert_string_equal(messages, want);
			assert_false(tu_exists(mk));
			free(messages);
		}
	char *argv[] = { "-o", "", doc1, NULL }, *messages = NULL;
	assert_int_equal(tu_capture(call_tangle_args, argv, &messages), 1);
	assert_string_equal(messages, "lindyn tangle: -o '': expected a non-empty path\n");
	free(messages);
	assert_false(tu_exists("PWNED"));
}

/* Documents are read only as regular files: the error names the path. */
static void test_document_must_be_a_file(void **state)
{
	(void)state;
	char *argv[] = { "--blocks", blocks, "-o", mk, dir, NULL }, *messages = NULL, want[512];
	assert_int_equal(tu_capture(call_tangle_args, argv, &messages), 1);
	snprintf(want, sizeof want, "lindyn tangle: %s: not a regular file (a directory)\n", dir);
	assert_string_equal(messages, want);
	assert_false(tu_exists(mk));
	free(messages);
	/* A document's name is written into the fragment as a make name. */
	char odd[PATH_MAX + 32];
	snprintf(odd, sizeof odd, "%s/Bad-Name.md", dir);
	tu_write(odd, "prose\n");
	argv[4] = odd;
	assert_int_equal(tu_capture(call_tangle_args, argv, &messages), 1);
	snprintf(want, sizeof want, "lindyn tangle: %s: document name 'Bad-Name' must match "
	         "[a-z][a-z0-9_]* (at most 63 characters)\n", odd);
	assert_string_equal(messages, want);
	free(messages);
}

/* Runs make on the fragment of doc1 for the goal; returns make's status
 * and its output in *log. */
static int make_goal(const char *goal, char **log)
{
	char wrapper[PATH_MAX], cmd[3 * PATH_MAX], text[PATH_MAX + 64], logpath[PATH_MAX];
	snprintf(wrapper, sizeof wrapper, "%s/Makefile", dir);
	snprintf(text, sizeof text, "include %s\nruns: $(LINDYN_ALL_RUNS)\n", mk);
	tu_write(wrapper, text);
	snprintf(logpath, sizeof logpath, "%s/make.log", dir);
	unsetenv("MAKEFLAGS");
	unsetenv("MFLAGS");
	unsetenv("MAKELEVEL");
	snprintf(cmd, sizeof cmd, "make -s -f '%s' %s > '%s' 2>&1", wrapper, goal, logpath);
	int rc = system(cmd);
	*log = tu_read(logpath);
	return rc;
}

/* An expected divergence is one calm line; any other failure of such an
 * experiment still shows the run's own message. */
static void test_expected_divergence(void **state)
{
	(void)state;
	char path[2 * PATH_MAX];
	snprintf(path, sizeof path, "%s:", tu_path("fixtures/good.so")); /* one tu_path a call */
	strcat(path, tu_path("fixtures/misbehave.so"));
	setenv("LINDYN_PLUGIN_PATH", path, 1);
	tu_write(doc1, FENCE "lindyn-experiment\nname: blows\nplugin: fx_diverge\nexpect: diverge\n"
	               FENCE "\n" FENCE "lindyn-experiment\nname: calm\nplugin: fx_good\n"
	               "set: steps=3 label=a:b,c=d+e\nexpect: diverge\n" FENCE "\n");
	free(tangle_ok(0, 1));
	char *log = NULL;
	assert_int_equal(make_goal("runs", &log), 0);
	char want[PATH_MAX + 128];
	snprintf(want, sizeof want, "  RUN   %s/blows/base/s0 (diverged, as expected)\n", data);
	assert_contains(log, want);
	snprintf(want, sizeof want, "  RUN   %s/calm/base/s0\n", data);
	assert_contains(log, want);
	assert_null(strstr(log, "lindyn:")); /* the run's own message stays out */
	assert_int_equal(tu_lines(log), 2);
	free(log);
	/* The values special to nothing but looking odd reach the run intact. */
	snprintf(path, sizeof path, "%s/calm/base/s0/loss.tsv", data);
	char *tsv = tu_read(path);
	assert_non_null(tsv);
	assert_contains(tsv, " label=a:b,c=d+e ");
	free(tsv);

	/* A failure that is not a divergence keeps its message and fails make. */
	tu_write(doc1, FENCE "lindyn-experiment\nname: broken\nplugin: fx_fail\nexpect: diverge\n"
	               FENCE "\n");
	free(tangle_ok(0, 1));
	assert_int_not_equal(make_goal("runs", &log), 0);
	assert_contains(log, "lindyn: ");
	assert_contains(log, "fx_fail");
	free(log);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_document_blocks),        T(test_run_seeds),
		T(test_fragment_targets),       T(test_quick_mode),
		T(test_edit_rewrites_one_stamp), T(test_make_reruns_only_edited_block),
		T(test_unknown_plugin),
		T(test_unknown_key),            T(test_unknown_parameter),
		T(test_bad_sweep),              T(test_missing_keys_and_script),
		T(test_unclosed_fence),         T(test_duplicate_experiment_name),
		T(test_names_are_identifiers),  T(test_script_is_a_tree_file),
		T(test_duplicate_figure_name),  T(test_values_are_data),
		T(test_point_collisions),       T(test_many_keys),
		T(test_run_limits),             T(test_option_values),
		T(test_document_must_be_a_file), T(test_expected_divergence),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
