/* cmd_check_plugin.c -- `lindyn check-plugin PATH.so|NAME [--no-valgrind]`. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "conformance.h"

int cmd_check_plugin(int argc, char **argv)
{
	int valgrind = 1;
	if (argc == 2 && !strcmp(argv[1], "--no-valgrind"))
		valgrind = 0;
	else if (argc != 1) {
		fprintf(stderr, "usage: lindyn check-plugin PATH.so|NAME [--no-valgrind]\n");
		return 1;
	}
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (n > 0)
		self[n] = 0;
	int failures = conformance_check(argv[0], stdout, valgrind && n > 0 ? self : NULL);
	printf("%s: %d check%s failed\n", argv[0], failures, failures == 1 ? "" : "s");
	return failures ? 1 : 0;
}
