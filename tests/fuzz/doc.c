/* doc.c -- fuzz harness of the document parser and tangle (src/lit/doc.c,
 * src/lit/experiment.c, src/lit/tangle.c): the input is a paper document; it is
 * loaded, its experiment blocks parsed and expanded into their points, and
 * then tangled (normal and quick) into a make fragment, all inside a private
 * directory.  Plugins come from LINDYN_PLUGIN_PATH, by default those of the
 * build directory $LINDYN_BUILD (default "build"). */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>

#include "../../src/cmd/commands.h"
#include "../../src/lit/doc.h"
#include "../../src/lit/experiment.h"

/* Expanding every point of a huge sweep is tangle's job to refuse. */
#define MAX_POINTS 256

static void parse_experiments(const char *path)
{
	doc d;
	char err[1024];
	if (doc_load(&d, path, err, sizeof err))
		return;
	for (size_t b = 0; b < d.nblocks; b++) {
		if (d.blocks[b].kind != BLOCK_EXPERIMENT)
			continue;
		for (int quick = 0; quick <= 1; quick++) {
			experiment e;
			/* As in tangle: experiment_free also after a failed parse. */
			if (experiment_parse(&e, &d, &d.blocks[b], quick, err, sizeof err) == 0) {
				size_t n = experiment_npoints(&e);
				for (size_t p = 0; p < n && p < MAX_POINTS; p++) {
					char name[EXPERIMENT_POINT_MAX];
					experiment_point(&e, p, name, NULL, NULL);
				}
			}
			experiment_free(&e);
		}
	}
	doc_free(&d);
}

static void tangle(const char *path, int quick)
{
	char data[4200], figures[4200], blocks[4200], figvars[4200], out[4200];
	snprintf(data, sizeof data, "%s/data", fuzz_dir());
	snprintf(figures, sizeof figures, "%s/figures", fuzz_dir());
	snprintf(blocks, sizeof blocks, "%s/blocks", fuzz_dir());
	snprintf(figvars, sizeof figvars, "%s/figvars", fuzz_dir());
	snprintf(out, sizeof out, "%s/runs.mk", fuzz_dir());
	char *argv[14];
	int argc = 0;
	if (quick)
		argv[argc++] = "--quick";
	argv[argc++] = "--data", argv[argc++] = data;
	argv[argc++] = "--figures", argv[argc++] = figures;
	argv[argc++] = "--blocks", argv[argc++] = blocks;
	argv[argc++] = "--figvars", argv[argc++] = figvars;
	argv[argc++] = "-o", argv[argc++] = out;
	argv[argc++] = (char *)path;
	argv[argc] = NULL;
	cmd_tangle(argc, argv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!getenv("LINDYN_PLUGIN_PATH")) {
		const char *build = getenv("LINDYN_BUILD");
		char plugins[4200];
		snprintf(plugins, sizeof plugins, "%s/plugins", build && *build ? build : "build");
		setenv("LINDYN_PLUGIN_PATH", plugins, 1);
	}
	const char *path = fuzz_write_file("paper.md", data, size);
	fuzz_silence_stderr();
	parse_experiments(path);
	tangle(path, 0);
	tangle(path, 1);
	fuzz_restore_stderr();
	return 0;
}
