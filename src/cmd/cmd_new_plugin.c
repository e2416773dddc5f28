/* cmd_new_plugin.c -- `lindyn new-plugin NAME [DIR]`: plugins/NAME/NAME.c
 * and tests/test_NAME.c from the template (src/dist/template, or the installed
 * share/lindyn/template), ready to build, list and pass check-plugin. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"

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

int cmd_new_plugin(int argc, char **argv)
{
	if (argc < 1 || argc > 2) {
		fprintf(stderr, "usage: lindyn new-plugin NAME [DIR]   (DIR defaults to plugins/NAME)\n");
		return 1;
	}
	const char *name = argv[0];
	if (!*name || strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(name) ||
	    name[0] < 'a' || name[0] > 'z' || !strcmp(name, "common")) {
		fprintf(stderr, "lindyn new-plugin: name '%s' must match [a-z][a-z0-9_]* (and not be 'common')\n",
		        name);
		return 1;
	}
	char tdir[PATH_MAX], dir[PATH_MAX], in[PATH_MAX + 32], out[PATH_MAX + 64];
	if (find_template(tdir, sizeof tdir)) {
		fprintf(stderr, "lindyn new-plugin: template not found next to the driver\n");
		return 1;
	}
	if (argc == 2)
		snprintf(dir, sizeof dir, "%s", argv[1]);
	else
		snprintf(dir, sizeof dir, "plugins/%s", name);
	if (mkdir(dir, 0777) && errno != EEXIST) {
		fprintf(stderr, "lindyn new-plugin: %s: %s\n", dir, strerror(errno));
		return 1;
	}
	snprintf(in, sizeof in, "%s/plugin.c.in", tdir);
	snprintf(out, sizeof out, "%s/%s.c", dir, name);
	if (instantiate(in, out, name))
		return 1;
	printf("created %s\n", out);
	if (argc == 1 && !access("tests", W_OK)) {
		snprintf(in, sizeof in, "%s/test.c.in", tdir);
		snprintf(out, sizeof out, "tests/test_%s.c", name);
		if (instantiate(in, out, name))
			return 1;
		printf("created %s\n", out);
	}
	if (argc == 1)
		printf("next: make && build/lindyn check-plugin build/plugins/%s.so\n", name);
	else
		printf("next: cc -shared -fPIC $(pkg-config --cflags lindyn) %s/%s.c -o %s.so "
		       "$(pkg-config --libs lindyn) && lindyn check-plugin ./%s.so\n",
		       dir, name, name, name);
	return 0;
}
