/* usage.c -- every help text of the driver (usage.h). */
#include "usage.h"

#include <stdint.h>
#include <string.h>

#include "../host/names.h"

/* One command: its name, a line for `lindyn --help`, and its own help
 * (synopsis, what it does, then one line per option). */
typedef struct {
	const char *name, *summary, *help;
} command_help;

#define HELP_OPTION "  -h, --help        this help\n"

static const command_help commands[] = {
	{ "list", "the plugins found, with their summaries",
	  "usage: lindyn list\n"
	  "The plugins found (next to the driver, in an installed tree, then in\n"
	  "LINDYN_PLUGIN_PATH), one line each: name, version, summary; a plugin file\n"
	  "that cannot be used is named with the reason.\n\n"
	  "options:\n" HELP_OPTION },
	{ "help", "a plugin's parameters and tables, or a command's help",
	  "usage: lindyn help PLUGIN|FILE.so[:NAME]|COMMAND\n"
	  "Every parameter of a plugin (type, range or choices, default, help) and the\n"
	  "tables it writes, with their columns and the columns of their aggregates;\n"
	  "for a command name, that command's help.\n\n"
	  "options:\n" HELP_OPTION },
	{ "run", "one run of a plugin into a directory of tables",
	  "usage: lindyn run PLUGIN|FILE.so[:NAME] key=value... --out DIR [--seed N]\n"
	  "One run of a plugin with these parameters (`lindyn help PLUGIN` lists them):\n"
	  "its tables, each with a provenance header, are published into DIR together.\n"
	  "Exit 0 ok, 1 bad input, 2 runtime failure, 3 diverged, 130 interrupted.\n\n"
	  "options:\n"
	  "  --out DIR         the directory the run's tables are written to (required;\n"
	  "                    new, empty, or a previous run, which is replaced)\n"
	  "  --seed N          the seed of every random draw, a non-negative integer (default 1)\n"
	  HELP_OPTION },
	{ "check-plugin", "the conformance suite on a plugin",
	  "usage: lindyn check-plugin PATH.so|NAME [--no-valgrind] [--time-limit S]\n"
	  "The conformance suite: loads the plugin, checks its declarations and that it\n"
	  "exports nothing but its descriptor, runs it with its defaults and smoke\n"
	  "arguments, twice, and checks the output; one PASS/FAIL line per check, exit 1\n"
	  "when any fails.\n\n"
	  "options:\n"
	  "  --no-valgrind     skip the check that it frees what it allocates (valgrind)\n"
	  "  --time-limit S    seconds each check may take (default 60; ten times that\n"
	  "                    under valgrind)\n"
	  HELP_OPTION },
	{ "new-plugin", "a new plugin from the template",
	  "usage: lindyn new-plugin NAME [DIR]\n"
	  "A new plugin from the template.  Without DIR in a lindyn tree: plugins/NAME/NAME.c\n"
	  "and tests/test_NAME.c.  Otherwise an author project in DIR (default ./NAME):\n"
	  "NAME.c, tests/test_NAME.c, a Makefile on pkg-config and lindyn.mk, NAME.md with\n"
	  "one experiment, figure and claim, and figures/NAME.gp; `make -C DIR check figures\n"
	  "verify paper` passes as created.\n\n"
	  "options:\n" HELP_OPTION },
	{ "tangle", "documents to a make fragment, one target per run",
	  "usage: lindyn tangle [options] -o FILE DOC.md...\n"
	  "The experiment, figure and claim blocks of the documents as a make fragment:\n"
	  "one target per run, aggregate and figure, for lindyn.mk (make figures, verify,\n"
	  "paper), which runs it; every name it defines starts with LINDYN_.  Every name,\n"
	  "selection, table and column is checked first; an error names document:line.\n"
	  "Paths in a document are relative to the document (FORMAT.md).\n\n"
	  "options:\n"
	  "  --quick           the reduced sizes (the blocks' quick: and quick-sweep: lines)\n"
	  "  --data DIR        where the runs write their data [data]\n"
	  "  --figures DIR     where the figures are rendered [build/figures]\n"
	  "  --blocks DIR      where each experiment's fields at this scale are kept (its runs\n"
	  "                    depend on them) [build/blocks]\n"
	  "  --figvars DIR     where each figure's generated gnuplot variables go [build/figvars]\n"
	  "  --lindyn PATH     the driver the recipes call [build/lindyn]\n"
	  "  --style FILE      the gnuplot style file scripts load as lindyn_style\n"
	  "                    [figures/style.gp]\n"
	  "  -o FILE           the make fragment to write\n"
	  HELP_OPTION },
	{ "aggregate", "mean/std over seeds, or last values over a sweep",
	  "usage: lindyn aggregate --seeds -o OUT FILE...\n"
	  "       lindyn aggregate --final -o OUT --point 'k=v,...' FILE... [--point ...]\n"
	  "Aggregates the tables of runs into one table OUT (written whole or not at all).\n\n"
	  "options:\n"
	  "  --seeds           row by row: the first column, then c_mean c_std of each other\n"
	  "                    column over the files (T.agg.tsv)\n"
	  "  --final           one row per point: its keys, then c_mean c_std of each\n"
	  "                    column's last value over its files (T.final.tsv)\n"
	  "  -o OUT            the table to write\n"
	  "  --point SPEC      (--final) a sweep point's keys k=v,..., followed by its files\n"
	  HELP_OPTION },
	{ "verify", "evaluate every claim of documents",
	  "usage: lindyn verify [--data DIR] [--quick] [--format text|tsv] DOC.md...\n"
	  "Evaluates every claim of the documents against the data: PASS, FAIL, ERROR,\n"
	  "DIFFERS or n/a, with the measured, expected and paper's values, and a summary\n"
	  "per document.  Exit 0 when every claim is PASS, DIFFERS or n/a.\n\n"
	  "options:\n"
	  "  --data DIR        the data directory (default data)\n"
	  "  --quick           the claims at quick scale (their quick: expectations)\n"
	  "  --format F        text (default), or tsv for machines\n"
	  HELP_OPTION },
	{ "compare", "tables and claims against a reference, or record one",
	  "usage: lindyn compare REF DATA\n"
	  "       lindyn compare --record [--quick] --data DATA DOC.md\n"
	  "Compares the tables and claims of DATA with the reference REF: per table\n"
	  "bit-identical, within tolerance, or differs.  Exit 0 when nothing differs,\n"
	  "1 when something does, 2 when the comparison cannot be made.\n\n"
	  "options:\n"
	  "  --record          print the fingerprints of DOC.md's tables in DATA instead\n"
	  "  --quick           (--record) the data is at quick scale\n"
	  "  --data DATA       (--record) the data directory\n"
	  HELP_OPTION },
	{ "progress", "a make of the runs, shown as one progress line",
	  "usage: lindyn progress -- MAKE [ARGS...]\n"
	  "Runs MAKE ARGS and shows its runs as progress (done/total, elapsed, estimate)\n"
	  "instead of one RUN line each; every other line passes through.  The exit\n"
	  "status is make's.  Options go before --; everything after it is the command.\n\n"
	  "options:\n" HELP_OPTION },
	{ "weave", "a document as Markdown with figures and claim results",
	  "usage: lindyn weave [--quick] [--data DIR] [--figures URL] DOC.md\n"
	  "       lindyn weave --index [--quick] [--data DIR] [--figures URL] DOC.md...\n"
	  "A document as Markdown for pandoc, on stdout, with its figures and the\n"
	  "results of its claims in place; with --index, the index page of documents.\n\n"
	  "options:\n"
	  "  --index           the index page of the documents instead of one page\n"
	  "  --quick           the quick-scale data and claims\n"
	  "  --data DIR        the data directory (default data)\n"
	  "  --figures URL     where the page finds the figures (default ../figures)\n"
	  HELP_OPTION },
};

#define NCOMMANDS (sizeof commands / sizeof *commands)

static const command_help *find(const char *name)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (!strcmp(commands[i].name, name))
			return &commands[i];
	return NULL;
}

void usage_commands(FILE *out)
{
	fprintf(out, "usage: lindyn COMMAND [ARGS]   (lindyn COMMAND --help: its options)\n\n"
	             "commands:\n");
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(out, "  %-14s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "  %-14s %s\n  %-14s %s\n", "--version", "version, git revision, ABI and libraries",
	        "-h, --help", "this list");
}

int usage_is_command(const char *name)
{
	return find(name) != NULL;
}

int usage_print(FILE *out, const char *name)
{
	const command_help *c = find(name);
	if (!c)
		return -1;
	fputs(c->help, out);
	return 0;
}

int usage_asks_help(int argc, char **argv)
{
	for (int i = 0; i < argc && strcmp(argv[i], "--"); i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}

const char *usage_nearest(const char *name, const char *const *names, size_t n)
{
	const char *near = NULL;
	size_t best = SIZE_MAX, len = strlen(name);
	for (size_t i = 0; i < n; i++) {
		size_t d = name_distance(name, names[i]);
		if (d < best) {
			best = d;
			near = names[i];
		}
	}
	return near && best <= 1 + len / 3 && best < len ? near : NULL;
}

void usage_list_names(FILE *out, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%s%s", i ? ", " : "", names[i]);
}

void usage_unknown_command(const char *name)
{
	const char *names[NCOMMANDS];
	for (size_t i = 0; i < NCOMMANDS; i++)
		names[i] = commands[i].name;
	const char *near = usage_nearest(name, names, NCOMMANDS);
	if (near) {
		fprintf(stderr, "lindyn: unknown command '%s'; did you mean '%s'?\n", name, near);
		return;
	}
	fprintf(stderr, "lindyn: unknown command '%s'; the commands are ", name);
	usage_list_names(stderr, names, NCOMMANDS);
	fprintf(stderr, " (lindyn --help)\n");
}
