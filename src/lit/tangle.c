/* tangle.c -- `lindyn tangle`: turns the experiment and figure blocks of
 * paper/ documents into a make fragment with one target per run, per aggregate and
 * per figure.  Every run depends on a per-experiment stamp file holding the
 * block's text, rewritten only when the block changed, so editing one block
 * re-runs only that block's runs.  Plugins and parameters are validated
 * here, so a bad block fails before anything runs, naming document and line.
 * A document is data: every name in the fragment follows NAME_RULE, every
 * path holds only PATH_CHARS, and every value from a document is quoted in
 * the recipes (paper/FORMAT.md, "What a document may hold"). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../cmd/commands.h"
#include "doc.h"
#include "experiment.h"
#include "../host/names.h"
#include "../host/params.h"
#include "../host/registry.h"
#include "../host/regular_file.h"

/* The runs one fragment may hold, over all experiments. */
#define TANGLE_MAX_RUNS 200000
/* The characters of a path written into the fragment (option values,
 * plugins, documents, scripts): none is special to make or sh. */
#define PATH_CHARS "[A-Za-z0-9_./-]"
#define PATH_MAX_LEN 1024

typedef struct {
	int quick;
	const char *data, *figures, *blocks, *lindyn, *out;
} tangle_opts;

static int mkdirs(const char *dir)
{
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s", dir);
	for (char *p = path + 1; *p; p++)
		if (*p == '/') {
			*p = 0;
			mkdir(path, 0777);
			*p = '/';
		}
	return mkdir(path, 0777) && errno != EEXIST ? -1 : 0;
}

/* Writes `text` to path unless the file already holds exactly that. */
static int write_if_changed(const char *path, const char *text)
{
	FILE *f = fopen(path, "rb");
	if (f) {
		size_t len = strlen(text);
		char *old = malloc(len + 2);
		size_t n = old ? fread(old, 1, len + 1, f) : 0;
		int same = old && n == len && !memcmp(old, text, len);
		free(old);
		fclose(f);
		if (same)
			return 0;
	}
	f = fopen(path, "wb");
	if (!f)
		return -1;
	int failed = fputs(text, f) < 0;
	return fclose(f) || failed ? -1 : 0;
}

/* 1 when path is non-empty, at most PATH_MAX_LEN bytes, of PATH_CHARS only. */
static int path_is_plain(const char *path)
{
	size_t n = strlen(path);
	return n && n <= PATH_MAX_LEN &&
	       strspn(path, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	                    "_./-") == n;
}

/* Writes s for the inside of a single-quoted sh word in a recipe: quotes
 * closed and reopened around a quote, '$' doubled for make. */
static void put_quoted(FILE *mk, const char *s)
{
	for (const char *c = s; *c; c++)
		if (*c == '\'')
			fputs("'\\''", mk);
		else if (*c == '$')
			fputs("$$", mk);
		else
			fputc(*c, mk);
}

/* Writes " 'word'" for a recipe. */
static void put_word(FILE *mk, const char *word)
{
	fputs(" '", mk);
	put_quoted(mk, word);
	fputc('\'', mk);
}

/* A path relative to the working directory when it lies below it, so make
 * matches it with the Makefile's pattern rule for plugins. */
static const char *relative(const char *path)
{
	static char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof cwd))
		return path;
	size_t n = strlen(cwd);
	return !strncmp(path, cwd, n) && path[n] == '/' ? path + n + 1 : path;
}

/* Checks every run's parameter set against the plugin's table (the
 * characters of the values were checked by experiment_parse). */
static int validate_point(const experiment *e, const lindyn_param *table, const char **keys,
                          const char **values, size_t nkv, char *err, size_t errlen)
{
	param_set ps;
	char why[512], *kv = NULL;
	int rc = 0;
	if (params_init(&ps, table, why, sizeof why)) {
		snprintf(err, errlen, "%s:%d: %s", e->doc->path, e->block->line, why);
		return -1;
	}
	for (size_t i = 0; i < e->nset && !rc; i++)
		if (params_set(&ps, e->set[i], why, sizeof why)) {
			snprintf(err, errlen, "%s:%d: experiment '%s': %s", e->doc->path, e->block->line,
			         e->name, why);
			rc = -1;
		}
	for (size_t i = 0; i < nkv && !rc; i++) {
		if (asprintf(&kv, "%s=%s", keys[i], values[i]) < 0) {
			snprintf(err, errlen, "%s:%d: out of memory", e->doc->path, e->block->line);
			rc = -1;
		} else if (params_set(&ps, kv, why, sizeof why)) {
			snprintf(err, errlen, "%s:%d: experiment '%s': sweep: %s", e->doc->path,
			         e->block->line, e->name, why);
			rc = -1;
		}
		free(kv);
		kv = NULL;
	}
	params_free(&ps);
	return rc;
}

/* The recipe of one run.  Its exit status goes to $@; an experiment that
 * expects divergence takes status 3 calmly: one line, and the run's own
 * message is kept only when the run failed otherwise. */
static void emit_run_recipe(FILE *mk, const tangle_opts *o, const experiment *e,
                            const char **keys, const char **values, size_t nkv, long k,
                            const char *dir)
{
	if (!e->expect_diverge)
		fprintf(mk, "\t@rm -f $@; echo '  RUN   %s'\n\t@rc=0; ", dir);
	else
		fprintf(mk, "\t@rm -f $@\n\t@rc=0; { msg=$$(");
	fprintf(mk, "OPENBLAS_NUM_THREADS=1 %s run %s", o->lindyn, e->plugin);
	for (size_t i = 0; i < e->nset; i++)
		put_word(mk, e->set[i]);
	for (size_t i = 0; i < nkv; i++) {
		fprintf(mk, " '%s=", keys[i]); /* keys follow NAME_RULE */
		put_quoted(mk, values[i]);
		fputc('\'', mk);
	}
	fprintf(mk, " --seed %lu --out %s", experiment_run_seed(e->base_seed, k), dir);
	if (!e->expect_diverge) {
		fprintf(mk, " || rc=$$?; if [ $$rc -ne 0 ]; then exit $$rc; fi; echo $$rc > $@\n");
		return;
	}
	fprintf(mk, " 2>&1 1>&3) || rc=$$?; } 3>&1; "
	            "if [ $$rc -eq 3 ]; then echo '  RUN   %s (diverged, as expected)'; "
	            "else echo '  RUN   %s'; [ -z \"$$msg\" ] || printf '%%s\\n' \"$$msg\" >&2; fi; "
	            "if [ $$rc -ne 0 ] && [ $$rc -ne 3 ]; then exit $$rc; fi; echo $$rc > $@\n",
	        dir, dir);
}

/* The targets aggregating table t: per point over seeds, and over the sweep. */
static void emit_aggregate(FILE *mk, const tangle_opts *o, const experiment *e, const char *t,
                           const char **keys, const char **values)
{
	char point[EXPERIMENT_POINT_MAX];
	size_t npoints = experiment_npoints(e), nkv = experiment_nkeys(e);
	fprintf(mk, "EXP_%s += %s/%s/%s.final.tsv\n", e->name, o->data, e->name, t);
	fprintf(mk, "%s/%s/%s.final.tsv: $(filter %%.done,$(EXP_%s))\n", o->data, e->name, t,
	        e->name);
	fprintf(mk, "\t@echo '  AGG   $@'; %s aggregate --final -o $@", o->lindyn);
	for (size_t p = 0; p < npoints; p++) {
		experiment_point(e, p, point, keys, values);
		fprintf(mk, " --point '");
		for (size_t i = 0; i < nkv; i++) {
			fprintf(mk, "%s%s=", i ? "," : "", keys[i]);
			put_quoted(mk, values[i]);
		}
		fputc('\'', mk);
		for (long k = 0; k < e->seeds; k++)
			fprintf(mk, " %s/%s/%s/s%ld/%s.tsv", o->data, e->name, point, k, t);
	}
	fprintf(mk, "\n");
	for (size_t p = 0; p < npoints; p++) {
		experiment_point(e, p, point, NULL, NULL);
		fprintf(mk, "EXP_%s += %s/%s/%s/%s.agg.tsv\n%s/%s/%s/%s.agg.tsv:", e->name, o->data,
		        e->name, point, t, o->data, e->name, point, t);
		for (long k = 0; k < e->seeds; k++)
			fprintf(mk, " %s/%s/%s/s%ld/.done", o->data, e->name, point, k);
		fprintf(mk, "\n\t@echo '  AGG   $@'; %s aggregate --seeds -o $@", o->lindyn);
		for (long k = 0; k < e->seeds; k++)
			fprintf(mk, " %s/%s/%s/s%ld/%s.tsv", o->data, e->name, point, k, t);
		fprintf(mk, "\n");
	}
}

/* Emits the runs and aggregates of one experiment. */
static int emit_experiment(FILE *mk, const tangle_opts *o, const experiment *e,
                           const registry_entry *plugin, char *err, size_t errlen)
{
	char stamp[PATH_MAX], point[EXPERIMENT_POINT_MAX];
	const char *so = relative(plugin->path);
	if (!path_is_plain(so)) {
		snprintf(err, errlen, "%s:%d: plugin '%s' lies at '%s', a path make cannot take "
		         "(expected %s)", e->doc->path, e->block->line, e->plugin, so, PATH_CHARS);
		return -1;
	}
	snprintf(stamp, sizeof stamp, "%s/%s.blk", o->blocks, e->name);
	char *text = NULL;
	if (asprintf(&text, "quick=%d\n%s", o->quick, e->block->body) < 0 ||
	    write_if_changed(stamp, text)) {
		free(text);
		snprintf(err, errlen, "%s: cannot write", stamp);
		return -1;
	}
	free(text);
	size_t npoints = experiment_npoints(e), nkv = experiment_nkeys(e);
	const char **keys = calloc(nkv + 1, sizeof *keys), **values = calloc(nkv + 1, sizeof *values);
	int rc = keys && values ? 0 : -1;
	if (rc)
		snprintf(err, errlen, "%s:%d: out of memory", e->doc->path, e->block->line);
	else
		fprintf(mk, "\n# %s:%d experiment %s: %zu points x %ld seeds\n", e->doc->path,
		        e->block->line, e->name, npoints, e->seeds);
	for (size_t p = 0; p < npoints && !rc; p++) {
		experiment_point(e, p, point, keys, values);
		rc = validate_point(e, plugin->desc.params, keys, values, nkv, err, errlen);
		for (long k = 0; k < e->seeds && !rc; k++) {
			char dir[PATH_MAX];
			snprintf(dir, sizeof dir, "%s/%s/%s/s%ld", o->data, e->name, point, k);
			fprintf(mk, "EXP_%s += %s/.done\n", e->name, dir);
			fprintf(mk, "%s/.done: %s %s\n", dir, stamp, so);
			emit_run_recipe(mk, o, e, keys, values, nkv, k, dir);
		}
	}
	for (size_t a = 0; a < e->naggregate && !rc; a++)
		emit_aggregate(mk, o, e, e->aggregate[a], keys, values);
	if (!rc)
		fprintf(mk, "RUNS_%s += $(EXP_%s)\nALL_RUNS += $(EXP_%s)\n", e->doc->name, e->name,
		        e->name);
	free(keys);
	free(values);
	return rc;
}

/* A figure name already emitted, to catch a second figure of that name. */
typedef struct {
	const char *name, *path;
	int line;
} figure_seen;

/* 1 when path names a regular file inside the source tree that make and sh
 * take as it is: relative, no '..' component, PATH_CHARS only. */
static int tree_file(const char *path, char *why, size_t whylen)
{
	if (!path_is_plain(path) || !path_is_confined(path)) {
		snprintf(why, whylen, "'%s' must be a relative path inside the source tree, "
		         "of %s, without '..'", path, PATH_CHARS);
		return 0;
	}
	FILE *f = regular_file_open(path, why, whylen);
	if (f)
		fclose(f);
	return f != NULL;
}

/* Appends to deps the files a gnuplot script loads (`load 'x.gp'` lines)
 * that lie in the source tree, so editing a shared piece re-renders its
 * figures; a load from elsewhere is the script's business and not tracked. */
static void script_loads(const char *script, FILE *deps)
{
	char line[1024], why[PATH_MAX + 128];
	FILE *f = regular_file_open(script, why, sizeof why);
	while (f && fgets(line, sizeof line, f)) {
		char *p = line + strspn(line, " \t");
		if (strncmp(p, "load", 4) || !strchr(" \t", p[4]))
			continue;
		p += 4 + strspn(p + 4, " \t");
		char quote = *p, *end = quote == '\'' || quote == '"' ? strchr(p + 1, quote) : NULL;
		if (!end)
			continue;
		*end = 0;
		if (strcmp(p + 1, "figures/style.gp") && tree_file(p + 1, why, sizeof why))
			fprintf(deps, " %s", p + 1);
	}
	if (f)
		fclose(f);
}

/* Checks the figure's name against every figure so far and records it. */
static int figure_name_unique(const doc *d, const block_field *name, figure_seen **seen,
                              size_t *nseen, char *err, size_t errlen)
{
	if (!name_is_identifier(name->value)) {
		snprintf(err, errlen, "%s:%d: figure name '%s' must match %s", d->path, name->line,
		         name->value, NAME_RULE);
		return -1;
	}
	for (size_t i = 0; i < *nseen; i++)
		if (!strcmp((*seen)[i].name, name->value)) {
			snprintf(err, errlen, "%s:%d: figure name '%s' is used twice (first at %s:%d)",
			         d->path, name->line, name->value, (*seen)[i].path, (*seen)[i].line);
			return -1;
		}
	figure_seen *grown = realloc(*seen, (*nseen + 1) * sizeof *grown);
	if (!grown) {
		snprintf(err, errlen, "%s:%d: out of memory", d->path, name->line);
		return -1;
	}
	*seen = grown;
	grown[(*nseen)++] = (figure_seen){ name->value, d->path, name->line };
	return 0;
}

/* The prerequisites of a figure: its experiments' targets, then the files
 * its script loads; a malloc'd string, or NULL with err set. */
static char *figure_deps(const doc *d, const block_field *name, const block_field *uses,
                         const char *script, char **exps, size_t nexps, char *err,
                         size_t errlen)
{
	char *deps = NULL, *buf = strdup(uses->value), *save = NULL;
	size_t len = 0;
	FILE *out = buf ? open_memstream(&deps, &len) : NULL;
	int rc = out ? 0 : -1;
	if (rc)
		snprintf(err, errlen, "%s:%d: out of memory", d->path, uses->line);
	for (char *u = rc ? NULL : strtok_r(buf, " \t,", &save); u && !rc;
	     u = strtok_r(NULL, " \t,", &save)) {
		size_t i = 0;
		while (i < nexps && strcmp(exps[i], u))
			i++;
		if (i == nexps) {
			snprintf(err, errlen, "%s:%d: figure '%s' uses unknown experiment '%.64s'",
			         d->path, uses->line, name->value, u);
			rc = -1;
		} else {
			fprintf(out, " $(EXP_%s)", u); /* a known experiment: NAME_RULE */
		}
	}
	if (!rc)
		script_loads(script, out);
	if (out && fclose(out))
		rc = -1;
	free(buf);
	if (rc) {
		free(deps);
		return NULL;
	}
	return deps;
}

static int emit_figure(FILE *mk, const tangle_opts *o, const doc *d, const block *b,
                       char **exps, size_t nexps, figure_seen **seen, size_t *nseen, char *err,
                       size_t errlen)
{
	const block_field *name = block_require(d, b, "name", err, errlen);
	const block_field *script = name ? block_require(d, b, "script", err, errlen) : NULL;
	const block_field *uses = script ? block_require(d, b, "uses", err, errlen) : NULL;
	if (!uses || figure_name_unique(d, name, seen, nseen, err, errlen))
		return -1;
	char why[PATH_MAX + 128];
	if (!tree_file(script->value, why, sizeof why)) {
		snprintf(err, errlen, "%s:%d: figure script %s", d->path, script->line, why);
		return -1;
	}
	char *deps = figure_deps(d, name, uses, script->value, exps, nexps, err, errlen);
	if (!deps)
		return -1;
	for (int png = 0; png < 2; png++) {
		const char *ext = png ? "png" : "pdf";
		fprintf(mk, "FIGURES_%s += %s/%s.%s\n%s/%s.%s: %s figures/style.gp%s\n", d->name,
		        o->figures, name->value, ext, o->figures, name->value, ext, script->value, deps);
		fprintf(mk, "\t@mkdir -p %s; echo '  FIG   $@'\n", o->figures);
		fprintf(mk, "\t@gnuplot -e \"datadir='%s'; outbase='%s/%s'; term='%s'\" %s\n", o->data,
		        o->figures, name->value, ext, script->value);
	}
	free(deps);
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: lindyn tangle [--quick] --data DIR --figures DIR --blocks DIR "
	                "--lindyn PATH -o FILE DOC.md...\n");
	return 1;
}

/* Reads the options into o; returns the index of the first document, or -1
 * after a message. */
static int parse_options(tangle_opts *o, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		const char **slot = !strcmp(argv[i], "--data")      ? &o->data
		                    : !strcmp(argv[i], "--figures") ? &o->figures
		                    : !strcmp(argv[i], "--blocks")  ? &o->blocks
		                    : !strcmp(argv[i], "--lindyn")  ? &o->lindyn
		                    : !strcmp(argv[i], "-o")        ? &o->out
		                                                    : NULL;
		if (slot) {
			if (++i == argc)
				return usage(), -1;
			/* Every path but -o's is written into the fragment. */
			if (slot == &o->out ? !*argv[i] : !path_is_plain(argv[i])) {
				fprintf(stderr, "lindyn tangle: %s '%s': expected a non-empty path%s\n",
				        argv[i - 1], argv[i], slot == &o->out ? "" :
				        " of " PATH_CHARS " (at most 1024 characters)");
				return -1;
			}
			*slot = argv[i];
		} else if (!strcmp(argv[i], "--quick")) {
			o->quick = 1;
		} else if (argv[i][0] == '-') {
			return usage(), -1;
		} else {
			return o->out ? i : (usage(), -1);
		}
	}
	return o->out ? argc : (usage(), -1);
}

/* The names of the experiments emitted so far. */
typedef struct {
	char **names;
	size_t n;
} experiment_list;

/* Checks, emits and records one experiment block. */
static int tangle_experiment(FILE *mk, const tangle_opts *o, const doc *d, const block *b,
                             const registry *reg, experiment_list *done, char *err,
                             size_t errlen)
{
	experiment e;
	if (experiment_parse(&e, d, b, o->quick, err, errlen)) {
		experiment_free(&e);
		return -1;
	}
	int rc = 0;
	for (size_t k = 0; k < done->n && !rc; k++)
		if (!strcmp(done->names[k], e.name)) {
			snprintf(err, errlen, "%s:%d: experiment name '%s' is used twice", d->path, b->line,
			         e.name);
			rc = -1;
		}
	const registry_entry *p = rc ? NULL : registry_find(reg, e.plugin);
	if (!rc && !p) {
		snprintf(err, errlen, "%s:%d: unknown plugin '%s'", d->path, b->line, e.plugin);
		rc = -1;
	}
	if (!rc)
		rc = emit_experiment(mk, o, &e, p, err, errlen);
	char **grown = rc ? NULL : realloc(done->names, (done->n + 1) * sizeof *grown);
	if (!rc && (!grown || !(grown[done->n] = strdup(e.name)))) {
		if (grown)
			done->names = grown;
		snprintf(err, errlen, "%s:%d: out of memory", d->path, b->line);
		rc = -1;
	} else if (!rc) {
		done->names = grown;
		done->n++;
	}
	experiment_free(&e);
	return rc;
}

/* A document's name and path are written into the fragment. */
static int check_document_name(const doc *d, char *err, size_t errlen)
{
	if (!path_is_plain(d->path))
		snprintf(err, errlen, "%s: a document path must hold only %s", d->path, PATH_CHARS);
	else if (!name_is_identifier(d->name))
		snprintf(err, errlen, "%s: document name '%s' must match %s", d->path, d->name,
		         NAME_RULE);
	else
		return 0;
	return -1;
}

/* Loads the documents and checks that all their experiments together have
 * at most TANGLE_MAX_RUNS runs, before anything is written. */
static int load_documents(const tangle_opts *o, doc *docs, int ndocs, char **paths, char *err,
                          size_t errlen)
{
	size_t runs = 0;
	for (int i = 0; i < ndocs; i++) {
		if (doc_load(&docs[i], paths[i], err, errlen) ||
		    check_document_name(&docs[i], err, errlen))
			return -1;
		for (size_t b = 0; b < docs[i].nblocks; b++) {
			experiment e;
			if (docs[i].blocks[b].kind != BLOCK_EXPERIMENT)
				continue;
			int rc = experiment_parse(&e, &docs[i], &docs[i].blocks[b], o->quick, err, errlen);
			runs += rc ? 0 : experiment_npoints(&e) * (size_t)e.seeds; /* <= EXPERIMENT_MAX_RUNS */
			if (!rc && runs > TANGLE_MAX_RUNS) {
				snprintf(err, errlen, "%s:%d: experiment '%s' brings the runs of all documents "
				         "to %zu, more than the limit of %d", docs[i].path,
				         docs[i].blocks[b].line, e.name, runs, TANGLE_MAX_RUNS);
				rc = -1;
			}
			experiment_free(&e);
			if (rc)
				return -1;
		}
	}
	return 0;
}

/* Tangles every loaded document into mk; 0, or -1 with err set. */
static int tangle_documents(FILE *mk, const tangle_opts *o, doc *docs, int ndocs,
                            const registry *reg, char *err, size_t errlen)
{
	experiment_list done = { 0 };
	figure_seen *seen = NULL;
	size_t nseen = 0;
	int rc = 0;
	for (int i = 0; i < ndocs && !rc; i++) {
		fprintf(mk, "DOCS += %s\n", docs[i].path);
		for (size_t b = 0; b < docs[i].nblocks && !rc; b++)
			if (docs[i].blocks[b].kind == BLOCK_EXPERIMENT)
				rc = tangle_experiment(mk, o, &docs[i], &docs[i].blocks[b], reg, &done, err,
				                       errlen);
	}
	for (int i = 0; i < ndocs && !rc; i++) {
		for (size_t b = 0; b < docs[i].nblocks && !rc; b++)
			if (docs[i].blocks[b].kind == BLOCK_FIGURE)
				rc = emit_figure(mk, o, &docs[i], &docs[i].blocks[b], done.names, done.n,
				                 &seen, &nseen, err, errlen);
		fprintf(mk, "ALL_FIGURES += $(FIGURES_%s)\n.PHONY: figures-%s runs-%s\n"
		            "figures-%s: $(FIGURES_%s)\nruns-%s: $(RUNS_%s)\n",
		        docs[i].name, docs[i].name, docs[i].name, docs[i].name, docs[i].name,
		        docs[i].name, docs[i].name);
	}
	for (size_t i = 0; i < done.n; i++)
		free(done.names[i]);
	free(done.names);
	free(seen);
	return rc;
}

int cmd_tangle(int argc, char **argv)
{
	tangle_opts o = { 0, "data", "build/figures", "build/blocks", "build/lindyn", NULL };
	int first = parse_options(&o, argc, argv);
	if (first < 0)
		return 1;
	if (mkdirs(o.blocks)) {
		fprintf(stderr, "lindyn tangle: %s: cannot create directory\n", o.blocks);
		return 1;
	}

	int ndocs = argc - first, rc = 0;
	doc *docs = calloc((size_t)ndocs + 1, sizeof *docs);
	char err[1024] = "", *tmp = NULL;
	registry reg = { 0 };
	registry_scan(&reg);
	FILE *mk = NULL;
	if (!docs || asprintf(&tmp, "%s.tmp", o.out) < 0 || !(mk = fopen(tmp, "w"))) {
		fprintf(stderr, "lindyn tangle: cannot write %s\n", o.out);
		rc = 1;
		goto out;
	}
	fprintf(mk, "# Generated by `lindyn tangle`%s from the documents below; do not edit.\n",
	        o.quick ? " --quick" : "");
	if (load_documents(&o, docs, ndocs, argv + first, err, sizeof err) ||
	    tangle_documents(mk, &o, docs, ndocs, &reg, err, sizeof err)) {
		rc = 1;
		fprintf(stderr, "lindyn tangle: %s\n", err);
		for (size_t i = 0; strstr(err, "unknown plugin") && i < reg.nrejected; i++)
			fprintf(stderr, "lindyn: warning: %s\n", reg.rejected[i]);
	}
out:
	if (mk && (ferror(mk) | fclose(mk)) && !rc) {
		fprintf(stderr, "lindyn tangle: cannot write %s\n", tmp);
		rc = 1;
	}
	if (!rc && rename(tmp, o.out)) {
		fprintf(stderr, "lindyn tangle: cannot write %s: %s\n", o.out, strerror(errno));
		rc = 1;
	}
	if (tmp) {
		if (rc)
			unlink(tmp);
		free(tmp);
	}
	for (int i = 0; docs && i < ndocs; i++)
		doc_free(&docs[i]);
	free(docs);
	registry_free(&reg);
	return rc;
}
