/* below_cwd.c -- a path relative to the working directory (below_cwd.h). */
#include "below_cwd.h"

#include <limits.h>
#include <string.h>
#include <unistd.h>

const char *path_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	return n && !strncmp(path, dir, n) && path[n] == '/' ? path + n + 1 : NULL;
}

const char *below_cwd(const char *path)
{
	char cwd[PATH_MAX];
	return getcwd(cwd, sizeof cwd) ? path_below(path, cwd) : NULL;
}
