/* fuzz_util.c -- the helpers of fuzz.h. */
#include "fuzz.h"

#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Both GCC's and Clang's sanitizer runtimes provide this; absent otherwise. */
void __sanitizer_set_report_fd(void *fd) __attribute__((weak));

static char dir[PATH_MAX];
static int saved_stderr = -1;

static int remove_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	(void)st, (void)type, (void)ftw;
	return remove(path);
}

static void remove_dir(void)
{
	if (nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS))
		fprintf(stderr, "fuzz: cannot remove %s\n", dir);
}

const char *fuzz_dir(void)
{
	if (!*dir) {
		const char *tmp = getenv("TMPDIR");
		snprintf(dir, sizeof dir, "%s/lindyn-fuzz-XXXXXX", tmp && *tmp ? tmp : "/tmp");
		if (!mkdtemp(dir)) {
			perror("fuzz: mkdtemp");
			abort();
		}
		atexit(remove_dir);
	}
	return dir;
}

const char *fuzz_write_file(const char *name, const void *data, size_t size)
{
	static char path[PATH_MAX + 64];
	snprintf(path, sizeof path, "%s/%s", fuzz_dir(), name);
	FILE *f = fopen(path, "wb");
	if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f)) {
		perror(path);
		abort();
	}
	return path;
}

void fuzz_silence_stderr(void)
{
	if (saved_stderr < 0) {
		saved_stderr = dup(2);
		if (saved_stderr >= 0 && __sanitizer_set_report_fd)
			__sanitizer_set_report_fd((void *)(intptr_t)saved_stderr);
	}
	fflush(stderr);
	int null = open("/dev/null", O_WRONLY);
	if (null >= 0) {
		dup2(null, 2);
		close(null);
	}
}

void fuzz_restore_stderr(void)
{
	fflush(stderr);
	if (saved_stderr >= 0)
		dup2(saved_stderr, 2);
}
