/* cmd_check_plugin.c -- `lindyn check-plugin PATH.so|NAME [--no-valgrind]
 * [--time-limit SECONDS]`. */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "conformance.h"
#include "../host/status.h"

#define USAGE "usage: lindyn check-plugin PATH.so|NAME [--no-valgrind] [--time-limit SECONDS]\n"

/* A positive, finite number of seconds; 0 or -1. */
static int parse_seconds(const char *text, double *seconds)
{
	char *end;
	double v = strtod(text, &end);
	if (!*text || *end || !isfinite(v) || v <= 0)
		return -1;
	*seconds = v;
	return 0;
}

int cmd_check_plugin(int argc, char **argv)
{
	int valgrind = 1;
	double limit = CONFORMANCE_TIME_LIMIT;
	const char *plugin = NULL;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--no-valgrind"))
			valgrind = 0;
		else if (!strcmp(argv[i], "--time-limit")) {
			if (i + 1 == argc || parse_seconds(argv[i + 1], &limit)) {
				fprintf(stderr, "lindyn check-plugin: --time-limit needs a positive number of "
				                "seconds%s%s%s\n", i + 1 < argc ? ", not '" : "",
				        i + 1 < argc ? argv[i + 1] : "", i + 1 < argc ? "'" : "");
				return 1;
			}
			i++;
		} else if (argv[i][0] == '-' || plugin) {
			fprintf(stderr, USAGE);
			return 1;
		} else
			plugin = argv[i];
	}
	if (!plugin || !*plugin) {
		fprintf(stderr, USAGE);
		return 1;
	}
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0)
		self[n] = 0;
	int failures = conformance_check(plugin, stdout, valgrind && n > 0 ? self : NULL, limit);
	printf("%s: %d check%s failed\n", plugin, failures, failures == 1 ? "" : "s");
	int code = status_close_stdout("check-plugin");
	return code ? code : failures ? 1 : 0;
}
