/* below_cwd.h -- a path relative to the working directory, where it can be. */
#ifndef LINDYN_BELOW_CWD_H
#define LINDYN_BELOW_CWD_H

/* The part of path strictly below directory dir ("x/y" for "<dir>/x/y"), or
 * NULL; both absolute and normalised. */
const char *path_below(const char *path, const char *dir);

/* The part of path below the working directory: "data/x" for "<cwd>/data/x";
 * NULL when path does not lie below it (or the working directory is
 * unknown).  path is absolute and normalised (as realpath gives it). */
const char *below_cwd(const char *path);

#endif
