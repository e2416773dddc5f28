/* tangle.c -- `lindyn tangle`: turns the experiment and figure blocks of
 * documents into a make fragment with one target per run, per aggregate and
 * per figure, for src/dist/lindyn.mk (every name it defines starts with
 * LINDYN_).  Every run depends on its sweep point's stamp file, holding
 * what the run is given (plugin, base seed, parameters), rewritten only when
 * that changed: editing one block re-runs only the runs it changes (a
 * `quick:` line only quick ones; a sweep value or a seed added, only the new
 * runs).  Plugins and parameters are validated
 * here, so a bad block fails before anything runs, naming document and line.
 * A document is data: every name in the fragment follows NAME_RULE, every
 * path holds only PATH_CHARS, and every value from a document is quoted in
 * the recipes (paper/FORMAT.md, "What a document may hold"). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../cmd/commands.h"
#include "claims.h"
#include "doc.h"
#include "experiment.h"
#include "schema.h"
#include "select.h"
#include "../host/below_cwd.h"
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

/* The stamps and figvars files tangle writes, kept until every document
 * has been checked: a tangle that fails writes none of them. */
typedef struct {
	struct pending_write {
		char *path, *text;
	} *items;
	size_t n;
} pending_writes;

typedef struct {
	int quick;
	const char *data, *figures, *blocks, *figvars, *lindyn, *style, *out;
	pending_writes *writes;
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

/* Keeps (path, text) for flush_writes; -1 when out of memory. */
static int defer_write(pending_writes *w, const char *path, const char *text)
{
	struct pending_write *items = realloc(w->items, (w->n + 1) * sizeof *items);
	if (!items)
		return -1;
	w->items = items;
	char *p = strdup(path), *t = strdup(text);
	if (!p || !t) {
		free(p);
		free(t);
		return -1;
	}
	items[w->n++] = (struct pending_write){ p, t };
	return 0;
}

/* Writes every deferred file that changed, making its directory; 0, or -1
 * with err naming it. */
static int flush_writes(const pending_writes *w, char *err, size_t errlen)
{
	for (size_t i = 0; i < w->n; i++) {
		char dir[PATH_MAX];
		snprintf(dir, sizeof dir, "%s", w->items[i].path);
		char *slash = strrchr(dir, '/');
		if (slash)
			*slash = 0;
		if ((slash && mkdirs(dir)) || write_if_changed(w->items[i].path, w->items[i].text)) {
			snprintf(err, errlen, "%s: cannot write", w->items[i].path);
			return -1;
		}
	}
	return 0;
}

static void free_writes(pending_writes *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->items[i].path);
		free(w->items[i].text);
	}
	free(w->items);
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
	const char *below = below_cwd(path);
	return below ? below : path;
}

/* The value of parameter key as the run gets it, into out: a relative
 * value of a path parameter (LINDYN_P_PATH, an input the plugin reads)
 * resolved against the document's directory; any other value holding a '/'
 * names a path under data/ or build/ (FORMAT.md, "What a document may
 * hold").  0, or -1 with err set. */
static int path_value(const experiment *e, const lindyn_param *table, int line, const char *key,
                      const char *v, char *out, size_t outlen, char *err, size_t errlen)
{
	int is_path = experiment_param_is_path(table, key);
	if (is_path && *v && *v != '/' && doc_resolve_path(e->doc, v, out, outlen)) {
		snprintf(err, errlen, "%s:%d: experiment '%s': %s=%s must be a path relative to the "
		         "document's directory, to a file below the working directory or the "
		         "document's directory", e->doc->path, line, e->name, key, v);
		return -1;
	}
	if (is_path && *v && *v != '/')
		return 0;
	if (!is_path && (!path_is_confined(v) ||
	                 (strchr(v, '/') && strncmp(v, "data/", 5) && strncmp(v, "build/", 6)))) {
		snprintf(err, errlen, "%s:%d: experiment '%s': value '%s' of '%s' is a path: a "
		         "document names paths under data/ or build/ only, without '..'", e->doc->path,
		         line, e->name, v, key);
		return -1;
	}
	snprintf(out, outlen, "%s", v);
	return 0;
}

/* The line of the set: or quick: field that holds word kv, or the block's. */
static int set_line(const experiment *e, const char *kv)
{
	for (size_t i = 0; i < e->block->nfields; i++) {
		const block_field *f = &e->block->fields[i];
		size_t n = strlen(kv);
		for (const char *p = f->value; (!strcmp(f->key, "set") || !strcmp(f->key, "quick")) &&
		                               (p = strstr(p, kv)); p += n)
			if ((p == f->value || p[-1] == ' ' || p[-1] == '\t') && strchr(" \t", p[n]))
				return f->line;
	}
	return e->block->line;
}

/* A set: entry "key=value": its key into key (keys follow NAME_RULE), and
 * its value. */
static const char *set_entry(const char *kv, char key[NAME_MAX_LEN + 1])
{
	const char *eq = strchr(kv, '='); /* experiment_parse keeps only such entries */
	snprintf(key, NAME_MAX_LEN + 1, "%.*s", eq ? (int)(eq - kv) : 0, kv);
	return eq ? eq + 1 : "";
}

/* Rewrites the set: entries of e through path_value. */
static int resolve_set_paths(experiment *e, const lindyn_param *table, char *err, size_t errlen)
{
	for (size_t i = 0; i < e->nset; i++) {
		char key[NAME_MAX_LEN + 1], out[PATH_MAX];
		const char *value = set_entry(e->set[i], key);
		if (path_value(e, table, set_line(e, e->set[i]), key, value, out, sizeof out, err,
		               errlen))
			return -1;
		if (strcmp(out, value)) {
			char *kv = NULL;
			if (asprintf(&kv, "%s=%s", key, out) < 0) {
				snprintf(err, errlen, "%s:%d: out of memory", e->doc->path, e->block->line);
				return -1;
			}
			free(e->set[i]);
			e->set[i] = kv;
		}
	}
	return 0;
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
	fprintf(mk, "LINDYN_EXP_%s += %s/%s/%s.final.tsv\n", e->name, o->data, e->name, t);
	fprintf(mk, "%s/%s/%s.final.tsv: $(filter %%.done,$(LINDYN_EXP_%s))\n", o->data, e->name, t,
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
		fprintf(mk, "LINDYN_EXP_%s += %s/%s/%s/%s.agg.tsv\n%s/%s/%s/%s.agg.tsv:", e->name, o->data,
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
/* The stamp of one sweep point: what each of its runs is given but the
 * seed index (a run's seed is derived from the base seed and the index
 * alone, so a seed added re-runs no other). */
static int write_stamp(pending_writes *w, const char *path, const experiment *e,
                       const char **keys, const char **values, size_t nkv)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return -1;
	fprintf(f, "plugin: %s\nseed: %lu\nexpect: %s\n", e->plugin, e->base_seed,
	        e->expect_diverge ? "diverge" : "success");
	for (size_t i = 0; i < e->nset; i++)
		fprintf(f, "%s\n", e->set[i]);
	for (size_t i = 0; i < nkv; i++)
		fprintf(f, "%s=%s\n", keys[i], values[i]);
	int rc = fclose(f) ? -1 : defer_write(w, path, text);
	free(text);
	return rc;
}

/* Writes " FILE" for an input make can track: a path parameter's value
 * naming a regular file, in PATH_CHARS, so that editing the file re-runs. */
static void put_input(FILE *mk, const lindyn_param *table, const char *key, const char *value)
{
	struct stat st;
	if (experiment_param_is_path(table, key) && path_is_plain(value) && !stat(value, &st) &&
	    S_ISREG(st.st_mode))
		fprintf(mk, " %s", value);
}

/* The inputs of one run: those of the set: lines and of its point. */
static void put_inputs(FILE *mk, const experiment *e, const lindyn_param *table,
                       const char **keys, const char **values, size_t nkv)
{
	for (size_t i = 0; i < e->nset; i++) {
		char key[NAME_MAX_LEN + 1];
		const char *value = set_entry(e->set[i], key);
		put_input(mk, table, key, value);
	}
	for (size_t i = 0; i < nkv; i++)
		put_input(mk, table, keys[i], values[i]);
}

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
	size_t npoints = experiment_npoints(e), nkv = experiment_nkeys(e);
	const char **keys = calloc(nkv + 1, sizeof *keys), **values = calloc(nkv + 1, sizeof *values);
	char (*resolved)[PATH_MAX] = calloc(nkv + 1, sizeof *resolved);
	int rc = keys && values && resolved ? 0 : -1;
	if (rc)
		snprintf(err, errlen, "%s:%d: out of memory", e->doc->path, e->block->line);
	else
		fprintf(mk, "\n# %s:%d experiment %s: %zu points x %ld seeds\n", e->doc->path,
		        e->block->line, e->name, npoints, e->seeds);
	for (size_t p = 0; p < npoints && !rc; p++) {
		experiment_point(e, p, point, keys, values);
		for (size_t i = 0; i < nkv && !rc; i++) {
			rc = path_value(e, plugin->desc.params, e->block->line, keys[i], values[i], resolved[i],
			                sizeof resolved[i], err, errlen);
			values[i] = resolved[i];
		}
		rc = rc ? rc : validate_point(e, plugin->desc.params, keys, values, nkv, err, errlen);
		snprintf(stamp, sizeof stamp, "%s/%s/%s.blk", o->blocks, e->name, point);
		if (!rc && write_stamp(o->writes, stamp, e, keys, values, nkv))
			rc = (snprintf(err, errlen, "%s: out of memory", stamp), -1);
		for (long k = 0; k < e->seeds && !rc; k++) {
			char dir[PATH_MAX];
			snprintf(dir, sizeof dir, "%s/%s/%s/s%ld", o->data, e->name, point, k);
			fprintf(mk, "LINDYN_EXP_%s += %s/.done\n", e->name, dir);
			fprintf(mk, "%s/.done: %s %s", dir, stamp, so);
			put_inputs(mk, e, plugin->desc.params, keys, values, nkv);
			fputc('\n', mk);
			emit_run_recipe(mk, o, e, keys, values, nkv, k, dir);
		}
	}
	for (size_t a = 0; a < e->naggregate && !rc; a++)
		emit_aggregate(mk, o, e, e->aggregate[a], keys, values);
	if (!rc)
		fprintf(mk, "LINDYN_RUNS_%s += $(LINDYN_EXP_%s)\nLINDYN_ALL_RUNS += $(LINDYN_EXP_%s)\n",
		        e->doc->name, e->name, e->name);
	free(keys);
	free(values);
	free(resolved);
	return rc;
}

/* A figure name already emitted, to catch a second figure of that name. */
typedef struct {
	const char *name, *path;
	int line;
} figure_seen;

/* 1 when path, in PATH_CHARS, names a regular file; else 0 with why set. */
static int plain_file(const char *path, char *why, size_t whylen)
{
	if (!path_is_plain(path)) {
		snprintf(why, whylen, "'%s' holds a character out of %s", path, PATH_CHARS);
		return 0;
	}
	FILE *f = regular_file_open(path, why, whylen);
	if (f)
		fclose(f);
	return f != NULL;
}

/* 1 when path names a regular file inside the source tree that make and sh
 * take as it is: relative, no '..' component, PATH_CHARS only. */
static int tree_file(const char *path, char *why, size_t whylen)
{
	return path_is_confined(path) && plain_file(path, why, whylen);
}

/* Appends to deps the files a gnuplot script loads (`load 'x.gp'` lines)
 * that lie in the source tree, so editing a shared piece re-renders its
 * figures; a load from elsewhere is the script's business and not tracked. */
static void script_loads(const char *script, const char *style, FILE *deps)
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
		if (strcmp(p + 1, style) && tree_file(p + 1, why, sizeof why))
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

/* What the data: lines of one figure resolve to. */
typedef struct {
	FILE *vars, *deps;       /* the figvars file's text, the prerequisites */
	schema_columns columns;  /* every column of every data table */
	int undeclared;          /* some table's plugin declares nothing: no column checks */
	char names[64][64];      /* the data names so far */
	size_t nnames;
} figure_data;

/* Appends the columns of one table to the figure's. */
static int add_columns(figure_data *fd, const schema_columns *c)
{
	char **grown = realloc(fd->columns.names, (fd->columns.n + c->n) * sizeof *grown);
	if (!grown)
		return -1;
	fd->columns.names = grown;
	for (size_t i = 0; i < c->n; i++)
		if (!(grown[fd->columns.n] = strdup(c->names[i])))
			return -1;
		else
			fd->columns.n++;
	return 0;
}

/* "NAME = REF" of a data: line into name (64 bytes) and *ref. */
static int split_data_line(const char *value, char *name, const char **ref)
{
	const char *eq = strchr(value, '=');
	size_t n = eq ? strcspn(value, " \t=") : 0;
	if (!eq || !n || n >= 64 || value + n + strspn(value + n, " \t") != eq)
		return -1;
	memcpy(name, value, n);
	name[n] = 0;
	*ref = eq + 1 + strspn(eq + 1, " \t");
	return name_is_identifier(name) ? 0 : -1;
}

/* The figvars lines and prerequisites of a resolved data line. */
static void emit_data_files(figure_data *fd, const tangle_opts *o, const char *name,
                            const data_sel *s)
{
	fprintf(fd->vars, "%s = '", name);
	for (size_t i = 0; i < s->n; i++) {
		fprintf(fd->vars, "%s%s/%s.tsv", i ? " " : "", o->data, s->paths[i]);
		if (s->kind == REF_TABLE) /* the run's directory */
			fprintf(fd->deps, " %s/%.*s/.done", o->data,
			        (int)(strrchr(s->paths[i], '/') - s->paths[i]), s->paths[i]);
		else
			fprintf(fd->deps, " %s/%s.tsv", o->data, s->paths[i]);
	}
	fprintf(fd->vars, "'\n");
	size_t nkeys = s->kind == REF_FINAL ? 0 : experiment_nkeys(s->e);
	const char **keys = calloc(nkeys + 1, sizeof *keys), **values = calloc(nkeys + 1, sizeof *values);
	char point[EXPERIMENT_POINT_MAX];
	for (size_t k = 0; keys && values && k < nkeys; k++) {
		for (size_t i = 0; i < s->n; i++) {
			experiment_point(s->e, s->points[i], point, keys, values);
			if (!i)
				fprintf(fd->vars, "%s_%s = '", name, keys[k]);
			fprintf(fd->vars, "%s%s", i ? " " : "", values[k]);
		}
		fprintf(fd->vars, "'\n");
	}
	free(keys);
	free(values);
}

/* Resolves one data: line, checks its table against the plugin's
 * declaration and records its files. */
static int figure_data_line(figure_data *fd, const tangle_opts *o, const doc *d,
                            const block_field *name, const block_field *f,
                            const doc_experiments *x, const registry *reg, char *err,
                            size_t errlen)
{
	char dname[64], why[768];
	const char *ref;
	if (split_data_line(f->value, dname, &ref)) {
		snprintf(err, errlen, "%s:%d: figure '%s': expected 'data: NAME = EXP[key=value, ...]"
		         "/TABLE' with NAME matching %s", d->path, f->line, name->value, NAME_RULE);
		return -1;
	}
	for (size_t i = 0; i < fd->nnames; i++)
		if (!strcmp(fd->names[i], dname)) {
			snprintf(err, errlen, "%s:%d: figure '%s': data name '%s' is used twice", d->path,
			         f->line, name->value, dname);
			return -1;
		}
	if (fd->nnames == sizeof fd->names / sizeof *fd->names) {
		snprintf(err, errlen, "%s:%d: figure '%s': more than %zu data lines", d->path, f->line,
		         name->value, sizeof fd->names / sizeof *fd->names);
		return -1;
	}
	snprintf(fd->names[fd->nnames++], 64, "%s", dname);
	data_sel s;
	if (data_sel_resolve(&s, x, ref, 0, 0, why, sizeof why)) {
		snprintf(err, errlen, "%s:%d: figure '%s': data %s: %s", d->path, f->line, name->value,
		         dname, why);
		return -1;
	}
	const registry_entry *p = registry_find(reg, s.e->plugin);
	schema_columns c = { 0 };
	int declared = p ? schema_of(&c, &p->desc, &s, why, sizeof why) : 0;
	int rc = declared < 0 ? -1 : 0;
	if (rc)
		snprintf(err, errlen, "%s:%d: figure '%s': data %s: %s", d->path, f->line, name->value,
		         dname, why);
	else if (!declared)
		fd->undeclared = 1;
	else if (add_columns(fd, &c))
		rc = (snprintf(err, errlen, "%s:%d: out of memory", d->path, f->line), -1);
	if (!rc)
		emit_data_files(fd, o, dname, &s);
	schema_free(&c);
	data_sel_free(&s);
	return rc;
}

/* The quoted column name at p ('x' or "x") into out (64 bytes); its length
 * with the quotes, or 0. */
static size_t quoted_name(const char *p, char *out)
{
	if (*p != '\'' && *p != '"')
		return 0;
	const char *end = strchr(p + 1, *p);
	if (!end || end - p - 1 >= 64)
		return 0;
	memcpy(out, p + 1, (size_t)(end - p - 1));
	out[end - p - 1] = 0;
	return (size_t)(end - p + 1);
}

/* Checks a column name of a figure script against the figure's data. */
static int column_ok(const figure_data *fd, const char *script, int lineno, const char *col,
                     char *err, size_t errlen)
{
	char why[1024];
	if (fd->undeclared || schema_has(&fd->columns, col, "the figure's data tables", why, sizeof why))
		return 0;
	snprintf(err, errlen, "%s:%d: %s", script, lineno, why);
	return -1;
}

/* The items of a using clause (`'t':'loss_mean':(expr)`): a quoted item is
 * a column name; a number other than 0 (the row index) is refused. */
static int using_ok(const figure_data *fd, const char *script, int lineno, const char *spec,
                    char *err, size_t errlen)
{
	char col[64];
	for (const char *p = spec; *p && !strchr(" \t\n,", *p);) {
		size_t digits = strspn(p, "0123456789"), q = quoted_name(p, col);
		if (digits && strchr(": \t\n,", p[digits]) && strspn(p, "0") != digits) {
			snprintf(err, errlen, "%s:%d: 'using %.20s': read columns by name: using "
			         "'x':'y'", script, lineno, spec);
			return -1;
		}
		if (q && strchr(": \t\n,", p[q]) && column_ok(fd, script, lineno, col, err, errlen))
			return -1;
		for (int depth = 0; *p && (depth || !strchr(": \t\n,", *p)); p++) /* the item */
			depth += *p == '(' ? 1 : *p == ')' ? -1 : 0;
		p += *p == ':';
	}
	return 0;
}

/* 1 when word starts at p as a whole word. */
static int word_at(const char *line, const char *p, const char *word)
{
	size_t n = strlen(word);
	return !strncmp(p, word, n) && (p == line || !(isalnum((unsigned char)p[-1]) || p[-1] == '_'));
}

/* Checks one line of a figure script: columns by name only (a using
 * clause's items, column(), stringcolumn(), valid()), each a column of the
 * figure's data when every table is declared; no $N, no system(). */
static int script_line_ok(const figure_data *fd, const char *script, int lineno,
                          const char *line, char *err, size_t errlen)
{
	static const char *calls[] = { "column(", "stringcolumn(", "valid(" };
	char col[64];
	const char *bad = strstr(line, "system(");
	for (const char *p = strchr(line, '$'); !bad && p; p = strchr(p + 1, '$'))
		if (p[1] >= '1' && p[1] <= '9')
			bad = p;
	if (bad) {
		snprintf(err, errlen, "%s:%d: '%.20s': a figure reads columns by name ('name', "
		         "column('name')), never $N, and runs no system()", script, lineno, bad);
		return -1;
	}
	for (const char *p = line; *p; p++) {
		if (word_at(line, p, "using") && strchr(" \t", p[5]) &&
		    using_ok(fd, script, lineno, p + 5 + strspn(p + 5, " \t"), err, errlen))
			return -1;
		for (size_t c = 0; c < 3; c++) {
			size_t n = strlen(calls[c]);
			if (!word_at(line, p, calls[c]))
				continue;
			if (isdigit((unsigned char)p[n]) && p[n] != '0') {
				snprintf(err, errlen, "%s:%d: '%.20s': read columns by name: column('name')",
				         script, lineno, p);
				return -1;
			}
			if (quoted_name(p + n, col) && column_ok(fd, script, lineno, col, err, errlen))
				return -1;
		}
	}
	return 0;
}

/* Checks every line of a figure script (comments skipped). */
static int script_ok(const figure_data *fd, const char *script, char *err, size_t errlen)
{
	char line[4096], why[PATH_MAX + 128];
	FILE *f = regular_file_open(script, why, sizeof why);
	if (!f) {
		snprintf(err, errlen, "%s", why);
		return -1;
	}
	int rc = 0;
	for (int lineno = 1; !rc && fgets(line, sizeof line, f); lineno++)
		if (line[strcspn(line, "\n")] = 0, line[strspn(line, " \t")] != '#')
			rc = script_line_ok(fd, script, lineno, line, err, errlen);
	fclose(f);
	return rc;
}

/* The figure rule of one format: prerequisites and the strict gnuplot
 * wrapper, which fails on gnuplot's exit status and on its warnings about
 * missing or empty data, also those of `stats` (gnuplot itself only warns).
 * gnuplot loads the figvars, then the script, which loads the style file
 * (--style) by the name lindyn_style once it has set its sizes. */
static void emit_figure_rule(FILE *mk, const tangle_opts *o, const doc *d, const char *name,
                             const char *script, const char *vars, const char *deps,
                             const char *loads, const char *ext)
{
	fprintf(mk, "LINDYN_FIGURES_%s += %s/%s.%s\n%s/%s.%s: %s %s %s%s%s\n", d->name,
	        o->figures, name, ext, o->figures, name, ext, script, o->style, vars, deps, loads);
	fprintf(mk, "\t@mkdir -p %s; echo '  FIG   $@'\n", o->figures);
	fprintf(mk, "\t@err=$$(gnuplot -e \"datadir='%s'; outbase='%s/%s'; term='%s'; lindyn_style='%s'; load '%s'\" "
	            "%s 2>&1 >/dev/null); rc=$$?; [ -z \"$$err\" ] || printf '%%s\\n' \"$$err\" >&2; "
	            "if [ $$rc -ne 0 ] || printf '%%s\\n' \"$$err\" | grep -q -e 'Cannot find or open "
	            "file' -e 'Skipping data file with no valid points' -e 'No data in plot' "
	            "-e 'No valid data points found' -e 'no column with header'; then "
	            "rm -f $@; echo 'lindyn: figure $@ failed: %s (data: %s)' >&2; exit 1; fi\n",
	        o->data, o->figures, name, ext, o->style, vars, script, script, vars);
}

static int emit_figure(FILE *mk, const tangle_opts *o, const doc *d, const block *b,
                       const registry *reg, figure_seen **seen, size_t *nseen, char *err,
                       size_t errlen)
{
	const block_field *name = block_require(d, b, "name", err, errlen);
	const block_field *script = name ? block_require(d, b, "script", err, errlen) : NULL;
	const block_field *data = script ? block_require(d, b, "data", err, errlen) : NULL;
	if (!data || figure_name_unique(d, name, seen, nseen, err, errlen))
		return -1;
	char why[PATH_MAX + 128], vars[PATH_MAX], path[PATH_MAX];
	if (doc_resolve_path(d, script->value, path, sizeof path)) {
		snprintf(err, errlen, "%s:%d: figure script '%s' must be a relative path from the "
		         "document's directory to a file below the working directory or the "
		         "document's directory", d->path, script->line, script->value);
		return -1;
	}
	if (!plain_file(path, why, sizeof why)) {
		snprintf(err, errlen, "%s:%d: figure script %s", d->path, script->line, why);
		return -1;
	}
	snprintf(vars, sizeof vars, "%s/%s.gp", o->figvars, name->value);
	figure_data fd = { 0 };
	char *vtext = NULL, *deps = NULL, *loads = NULL;
	size_t vlen = 0, dlen = 0, llen = 0;
	doc_experiments x = { 0 };
	fd.vars = open_memstream(&vtext, &vlen);
	fd.deps = open_memstream(&deps, &dlen);
	int rc = fd.vars && fd.deps ? 0 : (snprintf(err, errlen, "out of memory"), -1);
	rc = rc ? rc : doc_experiments_load(&x, d, o->quick, err, errlen);
	if (!rc)
		fprintf(fd.vars, "# %s: the data of figure '%s' (%s:%d), written by lindyn tangle%s; "
		        "do not edit\n", vars, name->value, d->path, b->line, o->quick ? " --quick" : "");
	for (size_t i = 0; i < b->nfields && !rc; i++)
		if (!strcmp(b->fields[i].key, "data"))
			rc = figure_data_line(&fd, o, d, name, &b->fields[i], &x, reg, err, errlen);
	FILE *lf = rc ? NULL : open_memstream(&loads, &llen);
	if (lf) {
		script_loads(path, o->style, lf);
		rc = fclose(lf) ? -1 : 0;
	} else if (!rc) {
		rc = (snprintf(err, errlen, "out of memory"), -1);
	}
	if (fd.vars && fclose(fd.vars))
		rc = -1;
	if (fd.deps && fclose(fd.deps))
		rc = -1;
	rc = rc ? rc : script_ok(&fd, path, err, errlen);
	if (!rc && defer_write(o->writes, vars, vtext))
		rc = (snprintf(err, errlen, "%s: out of memory", vars), -1);
	for (int png = 0; png < 2 && !rc; png++)
		emit_figure_rule(mk, o, d, name->value, path, vars, deps, loads, png ? "png" : "pdf");
	/* The fragment itself is stale when a script it checked changes; a
	 * script since renamed or deleted is no prerequisite (make would stop
	 * before it could re-tangle the document that no longer names it). */
	if (!rc && path_is_plain(o->out))
		fprintf(mk, "%s: $(wildcard %s%s)\n", o->out, path, loads);
	doc_experiments_free(&x);
	schema_free(&fd.columns);
	free(vtext);
	free(deps);
	free(loads);
	return rc;
}

/* What the checker of one claim's references needs. */
typedef struct {
	const doc_experiments *x;
	const registry *reg;
	char msg[1024]; /* the first failure */
} claim_checker;

/* A claim's reference selects one point, of a declared table with these
 * columns (the expr_checker of claim_check). */
static int check_claim_reference(void *ctx, const char *ref, int is_run,
                                 const char *const *columns, size_t ncolumns, char *err,
                                 size_t errlen)
{
	claim_checker *c = ctx;
	data_sel s;
	if (data_sel_resolve(&s, c->x, ref, is_run, 1, err, errlen)) {
		snprintf(c->msg, sizeof c->msg, "%s", err);
		return -1;
	}
	const registry_entry *p = is_run ? NULL : registry_find(c->reg, s.e->plugin);
	schema_columns cols;
	char what[128], why[768];
	int declared = p ? schema_of(&cols, &p->desc, &s, why, sizeof why) : 0, rc = 0;
	if (declared < 0) {
		snprintf(err, errlen, "'%.200s': %s", ref, why);
		rc = -1;
	}
	snprintf(what, sizeof what, "table '%s%s'", s.table,
	         s.kind == REF_AGG ? ".agg" : s.kind == REF_FINAL ? ".final" : "");
	for (size_t i = 0; declared > 0 && !rc && i < ncolumns; i++)
		if (!schema_has(&cols, columns[i], what, why, sizeof why)) {
			snprintf(err, errlen, "'%.200s': %s", ref, why);
			rc = -1;
		}
	if (declared > 0)
		schema_free(&cols);
	data_sel_free(&s);
	if (rc < 0)
		snprintf(c->msg, sizeof c->msg, "%s", err);
	return rc < 0 ? -1 : 0;
}

/* Checks the references of every claim of d, at paper scale and, unless
 * its quick: is n/a, at quick scale (paper/FORMAT.md, "Checked before
 * anything runs"). */
static int check_claims(const doc *d, const registry *reg, char *err, size_t errlen)
{
	int rc = 0, claims = 0;
	for (size_t b = 0; b < d->nblocks; b++)
		claims |= d->blocks[b].kind == BLOCK_CLAIM;
	for (int quick = 0; quick < 2 && !rc && claims; quick++) {
		doc_experiments x;
		if (doc_experiments_load(&x, d, quick, err, errlen)) {
			doc_experiments_free(&x);
			return -1;
		}
		claim_checker c = { &x, reg, "" };
		for (size_t b = 0; b < d->nblocks && !rc; b++) {
			const block *k = &d->blocks[b];
			const block_field *q = block_field_get(k, "quick"), *id = block_field_get(k, "id");
			int line = k->line;
			if (k->kind != BLOCK_CLAIM || (quick && q && !strncmp(q->value, "n/a", 3)))
				continue;
			rc = claim_check(k, quick, check_claim_reference, &c, &line);
			if (rc)
				snprintf(err, errlen, "%s:%d: claim '%s'%s: %s", d->path, line,
				         id ? id->value : "?", quick ? " (quick scale)" : "", c.msg);
		}
		doc_experiments_free(&x);
	}
	return rc;
}

static int usage(void)
{
	fprintf(stderr, "usage: lindyn tangle [--quick] [--data DIR] [--figures DIR] [--blocks DIR] "
	                "[--figvars DIR] [--style FILE] [--lindyn PATH] -o FILE DOC.md... "
	                "(lindyn tangle --help)\n");
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
		                    : !strcmp(argv[i], "--figvars") ? &o->figvars
		                    : !strcmp(argv[i], "--lindyn")  ? &o->lindyn
		                    : !strcmp(argv[i], "--style")   ? &o->style
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
		rc = resolve_set_paths(&e, p->desc.params, err, errlen);
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

/* A document's name and path are written into the fragment; its name is
 * unique among the documents before it (earlier[0..n)). */
static int check_document_name(const doc *d, const doc *earlier, int n, char *err, size_t errlen)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(earlier[i].name, d->name)) {
			snprintf(err, errlen, "%s: %s already names document '%s'%s", d->path,
			         earlier[i].path, d->name,
			         strcmp(earlier[i].path, d->path) ? "" : " (a document given twice)");
			return -1;
		}
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
		    check_document_name(&docs[i], docs, i, err, errlen))
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
		fprintf(mk, "LINDYN_TANGLED += %s\n", docs[i].path);
		for (size_t b = 0; b < docs[i].nblocks && !rc; b++)
			if (docs[i].blocks[b].kind == BLOCK_EXPERIMENT)
				rc = tangle_experiment(mk, o, &docs[i], &docs[i].blocks[b], reg, &done, err,
				                       errlen);
	}
	for (int i = 0; i < ndocs && !rc; i++) {
		for (size_t b = 0; b < docs[i].nblocks && !rc; b++)
			if (docs[i].blocks[b].kind == BLOCK_FIGURE)
				rc = emit_figure(mk, o, &docs[i], &docs[i].blocks[b], reg, &seen, &nseen, err,
				                 errlen);
		rc = rc ? rc : check_claims(&docs[i], reg, err, errlen);
		fprintf(mk, "LINDYN_ALL_FIGURES += $(LINDYN_FIGURES_%s)\n", docs[i].name);
	}
	for (size_t i = 0; i < done.n; i++)
		free(done.names[i]);
	free(done.names);
	free(seen);
	return rc;
}

int cmd_tangle(int argc, char **argv)
{
	pending_writes writes = { 0 };
	tangle_opts o = { 0, "data", "build/figures", "build/blocks", "build/figvars", "build/lindyn",
		              "figures/style.gp", NULL, &writes };
	int first = parse_options(&o, argc, argv);
	if (first < 0)
		return 1;
	if (mkdirs(o.blocks) || mkdirs(o.figvars)) {
		fprintf(stderr, "lindyn tangle: %s: cannot create directory\n",
		        mkdirs(o.blocks) ? o.blocks : o.figvars);
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
	    tangle_documents(mk, &o, docs, ndocs, &reg, err, sizeof err) ||
	    flush_writes(&writes, err, sizeof err)) {
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
	free_writes(&writes);
	return rc;
}
