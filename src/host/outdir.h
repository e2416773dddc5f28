/* outdir.h -- a run's output directory, committed as one unit.
 *
 * The files of a run are written into a hidden staging directory next to the
 * output directory (so on the same file system), <parent>/.<name>.lindyn-tmp-<pid>,
 * which holds the marker file OUTDIR_MARKER from the start; the output
 * directory itself is created empty at the start if missing.  Publishing is
 * one rename: onto a missing or empty directory directly, onto a previous
 * run by an atomic exchange (renameat2 RENAME_EXCHANGE), after which the old
 * run is deleted.  A non-empty directory that is not a previous run (a file
 * other than the marker, `.done`, lindyn tables and .npy weights) is never
 * replaced.  Staging directories of processes that no longer exist (a
 * SIGKILLed run) are removed by the next run to the same directory. */
#ifndef LINDYN_OUTDIR_H
#define LINDYN_OUTDIR_H

#include <stddef.h>

#define OUTDIR_MARKER ".lindyn-run"

typedef struct {
	char *target;  /* the directory published (canonical when it existed) */
	char *staging; /* where the files are written until then */
	int published;
} outdir;

/* Checks that `path` may receive a run (missing, empty or a previous run),
 * creates it (empty) if missing, removes stale staging directories and creates the
 * staging directory with the marker holding marker_text.  Returns LINDYN_OK,
 * LINDYN_EINVAL (a path that must not be replaced) or LINDYN_EIO, with a
 * one-line reason naming the path in err. */
int outdir_open(outdir *o, const char *path, const char *marker_text, char *err,
                size_t errlen);
/* Publishes the staging directory as the target; LINDYN_OK or an error as
 * above, leaving the target as it was. */
int outdir_publish(outdir *o, char *err, size_t errlen);
/* Removes the staging directory unless it was published; frees o's strings. */
void outdir_close(outdir *o);
/* Removes the staging directories next to `path` whose process has ended. */
void outdir_clean_stale(const char *path);

#endif
