/* main.c -- the lindyn driver: dispatches to one subcommand. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "../host/status.h"

static const struct {
	const char *name;
	int (*fn)(int, char **);
	const char *usage;
} commands[] = {
	{ "list", cmd_list, "list                       the plugins found, with their summaries" },
	{ "help", cmd_help, "help PLUGIN                every parameter: type, range, default, help" },
	{ "run", cmd_run, "run PLUGIN key=value... [--out DIR] [--seed N]   one run" },
	{ "check-plugin", cmd_check_plugin, "check-plugin PATH.so|NAME  the conformance suite [--no-valgrind] [--time-limit S]" },
	{ "new-plugin", cmd_new_plugin, "new-plugin NAME            create plugins/NAME from the template" },
	{ "tangle", cmd_tangle, "tangle [opts] DOC.md...    make fragment with one target per run" },
	{ "aggregate", cmd_aggregate, "aggregate [opts] FILE...   mean/std over seeds" },
	{ "verify", cmd_verify, "verify --data DIR DOC.md...  evaluate every claim" },
	{ "compare", cmd_compare, "compare REF DATA           tables and claims against a reference" },
	{ "progress", cmd_progress, "progress -- MAKE ARGS...   a make of the runs, as one progress line" },
	{ "weave", cmd_weave, "weave [opts] DOC.md        Markdown with figures and claim results" },
};

static void usage(FILE *out)
{
	fprintf(out, "usage: lindyn COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		fprintf(out, "  %s\n", commands[i].usage);
	fprintf(out, "  --version                  version, git revision, ABI and libraries\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		usage(stdout);
		return status_close_stdout("--help");
	}
	for (size_t i = 0; i < sizeof commands / sizeof *commands; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 2, argv + 2);
	if (!strcmp(argv[1], "--version"))
		return cmd_list(-1, NULL);
	fprintf(stderr, "lindyn: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 1;
}
