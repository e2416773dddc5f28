/* tangle.c -- `lindyn tangle`: turns the experiment and figure blocks of
 * paper/ documents into a make fragment with one target per run, per aggregate and
 * per figure.  Every run depends on a per-experiment stamp file holding the
 * block's text, rewritten only when the block changed, so editing one block
 * re-runs only that block's runs.  Plugins and parameters are validated
 * here, so a bad block fails before anything runs, naming document and line. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "doc.h"
#include "experiment.h"
#include "params.h"
#include "registry.h"

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
	fputs(text, f);
	return fclose(f);
}

/* Characters a parameter value may hold so it passes through make and sh. */
static int shell_safe(const char *s)
{
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	                 "_.,:/+=-") == strlen(s);
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

/* Checks every run's parameter set against the plugin's table. */
static int validate_point(const experiment *e, const lindyn_param *table, const char **keys,
                          const char **values, size_t nkv, char *err, size_t errlen)
{
	param_set ps;
	char why[512], kv[1024];
	int rc = 0;
	if (params_init(&ps, table, why, sizeof why)) {
		snprintf(err, errlen, "%s:%d: %s", e->doc->path, e->block->line, why);
		return -1;
	}
	for (size_t i = 0; i < e->nset && !rc; i++) {
		const char *eq = strchr(e->set[i], '=');
		if (!shell_safe(eq + 1) || params_set(&ps, e->set[i], why, sizeof why)) {
			if (!shell_safe(eq + 1))
				snprintf(why, sizeof why, "value '%s' may only hold [A-Za-z0-9_.,:/+=-]", eq + 1);
			snprintf(err, errlen, "%s:%d: experiment '%s': %s", e->doc->path, e->block->line,
			         e->name, why);
			rc = -1;
		}
	}
	for (size_t i = 0; i < nkv && !rc; i++) {
		snprintf(kv, sizeof kv, "%s=%s", keys[i], values[i]);
		if (!shell_safe(values[i]) || params_set(&ps, kv, why, sizeof why)) {
			if (!shell_safe(values[i]))
				snprintf(why, sizeof why, "value '%s' may only hold [A-Za-z0-9_.,:/+=-]", values[i]);
			snprintf(err, errlen, "%s:%d: experiment '%s': sweep: %s", e->doc->path,
			         e->block->line, e->name, why);
			rc = -1;
		}
	}
	params_free(&ps);
	return rc;
}

/* Emits the runs and aggregates of one experiment. */
static int emit_experiment(FILE *mk, const tangle_opts *o, const experiment *e,
                           const registry_entry *plugin, char *err, size_t errlen)
{
	char stamp[PATH_MAX], point[512];
	const char *keys[64], *values[64];
	size_t nkv;
	snprintf(stamp, sizeof stamp, "%s/%s.blk", o->blocks, e->name);
	char *text = NULL;
	if (asprintf(&text, "quick=%d\n%s", o->quick, e->block->body) < 0 ||
	    write_if_changed(stamp, text)) {
		free(text);
		snprintf(err, errlen, "%s: cannot write", stamp);
		return -1;
	}
	free(text);
	const char *so = relative(plugin->path);
	size_t npoints = experiment_npoints(e);
	fprintf(mk, "\n# %s:%d experiment %s: %zu points x %ld seeds\n", e->doc->path,
	        e->block->line, e->name, npoints, e->seeds);
	for (size_t p = 0; p < npoints; p++) {
		experiment_point(e, p, point, sizeof point, keys, values, &nkv);
		if (validate_point(e, plugin->desc.params, keys, values, nkv, err, errlen))
			return -1;
		for (long k = 0; k < e->seeds; k++) {
			char dir[PATH_MAX];
			snprintf(dir, sizeof dir, "%s/%s/%s/s%ld", o->data, e->name, point, k);
			fprintf(mk, "EXP_%s += %s/.done\n", e->name, dir);
			fprintf(mk, "%s/.done: %s %s\n", dir, stamp, so);
			fprintf(mk, "\t@rm -f $@; echo '  RUN   %s'\n", dir);
			fprintf(mk, "\t@rc=0; OPENBLAS_NUM_THREADS=1 %s run %s", o->lindyn, e->plugin);
			for (size_t i = 0; i < e->nset; i++)
				fprintf(mk, " %s", e->set[i]);
			for (size_t i = 0; i < nkv; i++)
				fprintf(mk, " %s=%s", keys[i], values[i]);
			fprintf(mk, " --seed %lu --out %s || rc=$$?; ",
			        experiment_run_seed(e->base_seed, k), dir);
			if (e->expect_diverge)
				fprintf(mk, "if [ $$rc -ne 0 ] && [ $$rc -ne 3 ]; then exit $$rc; fi; ");
			else
				fprintf(mk, "if [ $$rc -ne 0 ]; then exit $$rc; fi; ");
			fprintf(mk, "echo $$rc > $@\n");
		}
	}
	for (size_t a = 0; a < e->naggregate; a++) {
		const char *t = e->aggregate[a];
		char final[PATH_MAX];
		snprintf(final, sizeof final, "%s/%s/%s.final.tsv", o->data, e->name, t);
		fprintf(mk, "EXP_%s += %s\n%s: $(filter %%.done,$(EXP_%s))\n", e->name, final, final,
		        e->name);
		fprintf(mk, "\t@echo '  AGG   $@'; %s aggregate --final -o $@", o->lindyn);
		for (size_t p = 0; p < npoints; p++) {
			experiment_point(e, p, point, sizeof point, keys, values, &nkv);
			fprintf(mk, " --point '");
			for (size_t i = 0; i < nkv; i++)
				fprintf(mk, "%s%s=%s", i ? "," : "", keys[i], values[i]);
			fprintf(mk, "'");
			for (long k = 0; k < e->seeds; k++)
				fprintf(mk, " %s/%s/%s/s%ld/%s.tsv", o->data, e->name, point, k, t);
		}
		fprintf(mk, "\n");
		for (size_t p = 0; p < npoints; p++) {
			experiment_point(e, p, point, sizeof point, NULL, NULL, NULL);
			char agg[PATH_MAX];
			snprintf(agg, sizeof agg, "%s/%s/%s/%s.agg.tsv", o->data, e->name, point, t);
			fprintf(mk, "EXP_%s += %s\n%s:", e->name, agg, agg);
			for (long k = 0; k < e->seeds; k++)
				fprintf(mk, " %s/%s/%s/s%ld/.done", o->data, e->name, point, k);
			fprintf(mk, "\n\t@echo '  AGG   $@'; %s aggregate --seeds -o $@", o->lindyn);
			for (long k = 0; k < e->seeds; k++)
				fprintf(mk, " %s/%s/%s/s%ld/%s.tsv", o->data, e->name, point, k, t);
			fprintf(mk, "\n");
		}
	}
	fprintf(mk, "RUNS_%s += $(EXP_%s)\nALL_RUNS += $(EXP_%s)\n", e->doc->name, e->name,
	        e->name);
	return 0;
}

/* The files a gnuplot script loads (`load 'x.gp'` lines), as make
 * prerequisites, so editing a shared piece re-renders its figures. */
static void script_loads(const char *script, char *deps, size_t len)
{
	FILE *f = fopen(script, "r");
	char line[1024];
	while (f && fgets(line, sizeof line, f)) {
		char *p = line + strspn(line, " \t");
		if (strncmp(p, "load", 4) || !strchr(" \t", p[4]))
			continue;
		p += 4 + strspn(p + 4, " \t");
		char quote = *p, *end = quote == '\'' || quote == '"' ? strchr(p + 1, quote) : NULL;
		if (!end)
			continue;
		*end = 0;
		if (strcmp(p + 1, "figures/style.gp") && !access(p + 1, R_OK))
			snprintf(deps + strlen(deps), len - strlen(deps), " %s", p + 1);
	}
	if (f)
		fclose(f);
}

static int emit_figure(FILE *mk, const tangle_opts *o, const doc *d, const block *b,
                       char **exps, size_t nexps, char *err, size_t errlen)
{
	const block_field *name = block_require(d, b, "name", err, errlen);
	const block_field *script = name ? block_require(d, b, "script", err, errlen) : NULL;
	const block_field *uses = script ? block_require(d, b, "uses", err, errlen) : NULL;
	if (!uses)
		return -1;
	if (access(script->value, R_OK)) {
		snprintf(err, errlen, "%s:%d: figure script '%s' does not exist", d->path,
		         script->line, script->value);
		return -1;
	}
	char buf[1024], *save = NULL, deps[4096] = "";
	snprintf(buf, sizeof buf, "%s", uses->value);
	for (char *u = strtok_r(buf, " \t,", &save); u; u = strtok_r(NULL, " \t,", &save)) {
		size_t i = 0;
		while (i < nexps && strcmp(exps[i], u))
			i++;
		if (i == nexps) {
			snprintf(err, errlen, "%s:%d: figure '%s' uses unknown experiment '%s'", d->path,
			         uses->line, name->value, u);
			return -1;
		}
		snprintf(deps + strlen(deps), sizeof deps - strlen(deps), " $(EXP_%s)", u);
	}
	script_loads(script->value, deps, sizeof deps);
	for (int png = 0; png < 2; png++) {
		const char *ext = png ? "png" : "pdf";
		fprintf(mk, "FIGURES_%s += %s/%s.%s\n%s/%s.%s: %s figures/style.gp%s\n", d->name,
		        o->figures, name->value, ext, o->figures, name->value, ext, script->value, deps);
		fprintf(mk, "\t@mkdir -p %s; echo '  FIG   $@'\n", o->figures);
		fprintf(mk, "\t@gnuplot -e \"datadir='%s'; outbase='%s/%s'; term='%s'\" %s\n", o->data,
		        o->figures, name->value, ext, script->value);
	}
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: lindyn tangle [--quick] --data DIR --figures DIR --blocks DIR "
	                "--lindyn PATH -o FILE DOC.md...\n");
	return 1;
}

int cmd_tangle(int argc, char **argv)
{
	tangle_opts o = { 0, "data", "build/figures", "build/blocks", "build/lindyn", NULL };
	int first = argc;
	for (int i = 0; i < argc; i++) {
		const char **slot = !strcmp(argv[i], "--data")      ? &o.data
		                    : !strcmp(argv[i], "--figures") ? &o.figures
		                    : !strcmp(argv[i], "--blocks")  ? &o.blocks
		                    : !strcmp(argv[i], "--lindyn")  ? &o.lindyn
		                    : !strcmp(argv[i], "-o")        ? &o.out
		                                                    : NULL;
		if (slot) {
			if (++i == argc)
				return usage();
			*slot = argv[i];
		} else if (!strcmp(argv[i], "--quick")) {
			o.quick = 1;
		} else if (argv[i][0] == '-') {
			return usage();
		} else {
			first = i;
			break;
		}
	}
	if (!o.out)
		return usage();
	if (mkdirs(o.blocks)) {
		fprintf(stderr, "lindyn tangle: %s: cannot create directory\n", o.blocks);
		return 1;
	}

	int ndocs = argc - first, rc = 0;
	doc *docs = calloc((size_t)ndocs + 1, sizeof *docs);
	char err[1024] = "", *tmp = NULL, **exps = NULL;
	size_t nexps = 0;
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
	for (int i = 0; i < ndocs && !rc; i++) {
		if (doc_load(&docs[i], argv[first + i], err, sizeof err)) {
			rc = 1;
			break;
		}
		fprintf(mk, "DOCS += %s\n", docs[i].path);
		for (size_t b = 0; b < docs[i].nblocks && !rc; b++) {
			if (docs[i].blocks[b].kind != BLOCK_EXPERIMENT)
				continue;
			experiment e;
			rc = experiment_parse(&e, &docs[i], &docs[i].blocks[b], o.quick, err,
			                      sizeof err) ? 1 : 0;
			for (size_t k = 0; k < nexps && !rc; k++)
				if (!strcmp(exps[k], e.name)) {
					snprintf(err, sizeof err, "%s:%d: experiment name '%s' is used twice",
					         docs[i].path, docs[i].blocks[b].line, e.name);
					rc = 1;
				}
			const registry_entry *p = rc ? NULL : registry_find(&reg, e.plugin);
			if (!rc && !p) {
				snprintf(err, sizeof err, "%s:%d: unknown plugin '%s'", docs[i].path,
				         docs[i].blocks[b].line, e.plugin);
				rc = 1;
			}
			if (!rc)
				rc = emit_experiment(mk, &o, &e, p, err, sizeof err) ? 1 : 0;
			if (!rc) {
				char **grown = realloc(exps, (nexps + 1) * sizeof *grown);
				if (grown) {
					exps = grown;
					exps[nexps++] = strdup(e.name);
				}
			}
			experiment_free(&e);
		}
	}
	for (int i = 0; i < ndocs && !rc; i++) {
		for (size_t b = 0; b < docs[i].nblocks && !rc; b++)
			if (docs[i].blocks[b].kind == BLOCK_FIGURE)
				rc = emit_figure(mk, &o, &docs[i], &docs[i].blocks[b], exps, nexps, err,
				                 sizeof err) ? 1 : 0;
		fprintf(mk, "ALL_FIGURES += $(FIGURES_%s)\n.PHONY: figures-%s runs-%s\n"
		            "figures-%s: $(FIGURES_%s)\nruns-%s: $(RUNS_%s)\n",
		        docs[i].name, docs[i].name, docs[i].name, docs[i].name, docs[i].name,
		        docs[i].name, docs[i].name);
	}
	if (rc) {
		fprintf(stderr, "lindyn tangle: %s\n", err);
		for (size_t i = 0; strstr(err, "unknown plugin") && i < reg.nrejected; i++)
			fprintf(stderr, "lindyn: warning: %s\n", reg.rejected[i]);
	}
out:
	if (mk && fclose(mk) && !rc) {
		fprintf(stderr, "lindyn tangle: cannot write %s\n", tmp);
		rc = 1;
	}
	if (tmp) {
		if (rc || rename(tmp, o.out))
			unlink(tmp);
		free(tmp);
	}
	for (int i = 0; docs && i < ndocs; i++)
		doc_free(&docs[i]);
	free(docs);
	for (size_t i = 0; i < nexps; i++)
		free(exps[i]);
	free(exps);
	registry_free(&reg);
	return rc;
}
