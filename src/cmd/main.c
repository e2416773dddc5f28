/* main.c -- the lindyn driver: dispatches to one subcommand.  The help
 * texts, `lindyn --help`'s list included, are in usage.c. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "usage.h"
#include "../host/status.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
} commands[] = {
	{ "list", cmd_list },           { "help", cmd_help },
	{ "run", cmd_run },             { "check-plugin", cmd_check_plugin },
	{ "new-plugin", cmd_new_plugin }, { "tangle", cmd_tangle },
	{ "aggregate", cmd_aggregate }, { "verify", cmd_verify },
	{ "compare", cmd_compare },     { "progress", cmd_progress },
	{ "weave", cmd_weave },
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage_commands(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage_commands(stdout);
		return status_close_stdout("--help");
	}
	if (!strcmp(argv[1], "--version"))
		return cmd_list(-1, NULL);
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
		if (strcmp(argv[1], commands[i].name))
			continue;
		if (usage_asks_help(argc - 2, argv + 2)) {
			char what[64];
			snprintf(what, sizeof what, "%s --help", argv[1]);
			usage_print(stdout, argv[1]);
			return status_close_stdout(what);
		}
		return commands[i].fn(argc - 2, argv + 2);
	}
	usage_unknown_command(argv[1]);
	return 1;
}
