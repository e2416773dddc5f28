/* cmd_new_plugin.c -- `lindyn new-plugin NAME [DIR]`.  Without DIR in a
 * lindyn tree (a directory holding plugins/ and src/dist/lindyn.mk):
 * plugins/NAME/NAME.c and tests/test_NAME.c, built by lindyn's Makefile.
 * Otherwise: a complete author project in DIR (default ./NAME) -- the
 * plugin, its test, a Makefile on pkg-config and the installed lindyn.mk, a
 * document with one experiment, figure and claim, and its gnuplot script --
 * that passes `make check figures verify paper` as created.  The templates
 * are src/dist/template, or the installed share/lindyn/template. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "shell_word.h"
#include "../host/names.h"

static int find_template(char *dir, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return -1;
	exe[n] = 0;
	*strrchr(exe, '/') = 0;
	static const char *candidates[] = { "%s/../src/dist/template", "%s/../../src/dist/template",
	                                    "%s/../share/lindyn/template" };
	for (size_t i = 0; i < sizeof candidates / sizeof *candidates; i++) {
		snprintf(dir, len, candidates[i], exe);
		char probe[PATH_MAX + 32];
		snprintf(probe, sizeof probe, "%s/plugin.c.in", dir);
		if (!access(probe, R_OK))
			return 0;
	}
	return -1;
}

/* Copies `in` to `out`, replacing every @NAME@ by name; refuses to overwrite. */
static int instantiate(const char *in, const char *out, const char *name)
{
	FILE *src = fopen(in, "r");
	if (!src) {
		fprintf(stderr, "lindyn new-plugin: %s: %s\n", in, strerror(errno));
		return -1;
	}
	FILE *dst = fopen(out, "wx");
	if (!dst) {
		fprintf(stderr, "lindyn new-plugin: %s: %s\n", out, strerror(errno));
		fclose(src);
		return -1;
	}
	char line[4096];
	while (fgets(line, sizeof line, src)) {
		for (char *p = line, *at; *p; p = at + 6) {
			at = strstr(p, "@NAME@");
			if (!at) {
				fputs(p, dst);
				break;
			}
			fprintf(dst, "%.*s%s", (int)(at - p), p, name);
		}
	}
	fclose(src);
	return fclose(dst);
}

/* One file of an author project: its template and its path in DIR. */
typedef struct {
	const char *template, *path; /* path: "%1$s" is DIR, "%2$s" is NAME */
} project_file;

static const project_file project[] = {
	{ "plugin.c.in", "%1$s/%2$s.c" },
	{ "test.c.in", "%1$s/tests/test_%2$s.c" },
	{ "project/Makefile.in", "%1$s/Makefile" },
	{ "project/doc.md.in", "%1$s/%2$s.md" },
	{ "project/figure.gp.in", "%1$s/figures/%2$s.gp" },
	{ "project/gitignore.in", "%1$s/.gitignore" },
};
#define NPROJECT (sizeof project / sizeof *project)

static int in_lindyn_tree(void)
{
	struct stat st;
	return !stat("plugins", &st) && S_ISDIR(st.st_mode) && !access("src/dist/lindyn.mk", R_OK);
}

static int make_dir(const char *dir)
{
	if (mkdir(dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "lindyn new-plugin: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* 0 when path is free to create, or is a directory already (want_dir);
 * else one line and -1, before anything is written. */
static int free_or_dir(const char *path, int want_dir)
{
	struct stat st;
	if (lstat(path, &st))
		return 0;
	if (want_dir && !stat(path, &st) && S_ISDIR(st.st_mode))
		return 0;
	fprintf(stderr, "lindyn new-plugin: %s exists already%s; nothing written (expected a new "
	                "or empty directory)\n", path, want_dir ? " and is no directory" : "");
	return -1;
}

/* The author project NAME in dir; nothing is written when one of its files
 * exists already. */
static int new_project(const char *tdir, const char *name, const char *dir)
{
	char paths[NPROJECT][PATH_MAX], in[PATH_MAX + 32], tests[PATH_MAX + 16],
		figures[PATH_MAX + 16];
	snprintf(tests, sizeof tests, "%s/tests", dir);
	snprintf(figures, sizeof figures, "%s/figures", dir);
	if (free_or_dir(dir, 1) || free_or_dir(tests, 1) || free_or_dir(figures, 1))
		return 1;
	for (size_t i = 0; i < NPROJECT; i++) {
		if (snprintf(paths[i], sizeof paths[i], project[i].path, dir, name) >=
		    (int)sizeof paths[i]) {
			fprintf(stderr, "lindyn new-plugin: %s: path too long\n", dir);
			return 1;
		}
		if (free_or_dir(paths[i], 0))
			return 1;
	}
	if (make_dir(dir) || make_dir(tests) || make_dir(figures))
		return 1;
	for (size_t i = 0; i < NPROJECT; i++) {
		snprintf(in, sizeof in, "%s/%s", tdir, project[i].template);
		if (instantiate(in, paths[i], name))
			return 1;
	}
	printf("created the lindyn project %s:\n", dir);
	for (size_t i = 0; i < NPROJECT; i++)
		printf("  %s\n", paths[i]);
	printf("next: make -C ");
	put_shell_word(stdout, dir);
	printf(" check figures verify paper   (QUICK=1 for a first look; the page: %s/build/paper/"
	       "%s.html)\n", dir, name);
	return 0;
}

/* plugins/NAME/NAME.c and tests/test_NAME.c in a lindyn tree. */
static int new_in_tree(const char *tdir, const char *name)
{
	char dir[PATH_MAX], in[PATH_MAX + 32], out[PATH_MAX + 64], test[PATH_MAX + 64];
	snprintf(dir, sizeof dir, "plugins/%s", name);
	snprintf(out, sizeof out, "%s/%s.c", dir, name);
	snprintf(test, sizeof test, "tests/test_%s.c", name);
	int with_test = !access("tests", W_OK);
	if (free_or_dir(dir, 1) || free_or_dir(out, 0) || (with_test && free_or_dir(test, 0)) ||
	    make_dir(dir))
		return 1;
	snprintf(in, sizeof in, "%s/plugin.c.in", tdir);
	if (instantiate(in, out, name))
		return 1;
	printf("created %s\n", out);
	if (with_test) {
		snprintf(in, sizeof in, "%s/test.c.in", tdir);
		if (instantiate(in, test, name))
			return 1;
		printf("created %s\n", test);
	}
	printf("next: make && build/lindyn check-plugin build/plugins/%s.so\n", name);
	return 0;
}

int cmd_new_plugin(int argc, char **argv)
{
	if (argc < 1 || argc > 2) {
		fprintf(stderr, "usage: lindyn new-plugin NAME [DIR]   (lindyn new-plugin --help)\n");
		return 1;
	}
	const char *name = argv[0];
	/* common: plugins/common; quick, reference: data/quick and data/reference;
	 * index: build/paper/index.html (the project names its experiment,
	 * figure and document after the plugin) */
	static const char *reserved[] = { "common", "quick", "reference", "index" };
	int taken = 0;
	for (size_t i = 0; i < sizeof reserved / sizeof *reserved; i++)
		taken |= !strcmp(name, reserved[i]);
	if (!name_is_identifier(name) || taken) {
		fprintf(stderr, "lindyn new-plugin: name '%s' must match %s and not be common, quick, "
		        "reference or index\n", name, NAME_RULE);
		return 1;
	}
	char tdir[PATH_MAX];
	if (find_template(tdir, sizeof tdir)) {
		fprintf(stderr, "lindyn new-plugin: template not found next to the driver\n");
		return 1;
	}
	if (argc == 1 && in_lindyn_tree())
		return new_in_tree(tdir, name);
	return new_project(tdir, name, argc == 2 ? argv[1] : name);
}
