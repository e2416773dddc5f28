/* outdir.c -- staging, publishing and cleaning a run's output directory. */
#include "outdir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lindyn/plugin.h"
#include "regular_file.h"

#define STAGING_TAG ".lindyn-tmp-"
#define RETIRED_TAG ".lindyn-old-" /* a previous run moved aside (no RENAME_EXCHANGE) */
_Static_assert(sizeof STAGING_TAG == sizeof RETIRED_TAG, "clean_stale reads both tags alike");

enum { DIR_EMPTY, DIR_RUN, DIR_FOREIGN };

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && !strcmp(s + n - m, suffix);
}

/* s is one or more decimal digits; their value in *value. */
static int all_digits(const char *s, long *value)
{
	if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 9)
		return 0;
	*value = strtol(s, NULL, 10);
	return 1;
}

static int is_lindyn_table(const char *dir, const char *name)
{
	char *path = NULL, err[16], head[9];
	if (asprintf(&path, "%s/%s", dir, name) < 0)
		return 0;
	FILE *f = regular_file_open(path, err, sizeof err);
	free(path);
	int ok = f && fread(head, 1, sizeof head, f) == sizeof head &&
	         !memcmp(head, "# lindyn ", sizeof head);
	if (f)
		fclose(f);
	return ok;
}

/* A temporary file of lindyn before output directories were staged:
 * .<name>.tmp-<pid>. */
static int is_old_temporary(const char *name)
{
	const char *tag = strstr(name, ".tmp-");
	long pid;
	return name[0] == '.' && tag && all_digits(tag + 5, &pid);
}

/* What dir holds: a run is the marker or lindyn tables, with only .tsv,
 * .npy, `.done` and old temporary files besides; a .tsv counts as a table
 * when the marker is there (a killed run's table may be empty) or it starts
 * with the provenance header.  The first file of no run goes to foreign. */
static int classify(const char *dir, char *foreign, size_t len)
{
	DIR *d = opendir(dir);
	if (!d) {
		snprintf(foreign, len, "%s", strerror(errno));
		return DIR_FOREIGN;
	}
	int marker = 0, table = 0, entries = 0;
	char unchecked[256] = "";
	*foreign = 0;
	for (struct dirent *de; !*foreign && (de = readdir(d));) {
		const char *n = de->d_name;
		if (!strcmp(n, ".") || !strcmp(n, ".."))
			continue;
		entries++;
		if (!strcmp(n, OUTDIR_MARKER))
			marker = 1;
		else if (ends_with(n, ".tsv") && is_lindyn_table(dir, n))
			table = 1;
		else if (ends_with(n, ".tsv") && !*unchecked)
			snprintf(unchecked, sizeof unchecked, "%s", n);
		else if (strcmp(n, ".done") && !ends_with(n, ".npy") && !ends_with(n, ".tsv") &&
		         !is_old_temporary(n))
			snprintf(foreign, len, "%s", n);
	}
	closedir(d);
	if (!*foreign && *unchecked && !marker)
		snprintf(foreign, len, "%s", unchecked);
	if (!*foreign && entries && !marker && !table)
		snprintf(foreign, len, "only .npy or .done files");
	return *foreign ? DIR_FOREIGN : entries ? DIR_RUN : DIR_EMPTY;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void remove_tree(const char *path)
{
	nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* mkdir -p; errno set on failure. */
static int make_dirs(const char *dir)
{
	char *path = strdup(dir);
	if (!path)
		return -1;
	int bad = 0;
	for (char *p = path + 1; *p && !bad; p++)
		if (*p == '/') {
			*p = 0;
			bad = mkdir(path, 0777) && errno != EEXIST;
			*p = '/';
		}
	if (!bad)
		bad = mkdir(path, 0777) && errno != EEXIST;
	int saved = errno;
	free(path);
	errno = saved;
	return bad ? -1 : 0;
}

/* The target directory and its parent for a user-given path. */
static int split_path(const char *path, char **target, char **parent, char *err, size_t errlen)
{
	struct stat st;
	char *t = !stat(path, &st) ? realpath(path, NULL) : strdup(path);
	if (!t) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return LINDYN_EIO;
	}
	for (size_t n = strlen(t); n > 1 && t[n - 1] == '/'; n--)
		t[n - 1] = 0;
	char *slash = strrchr(t, '/');
	const char *base = slash ? slash + 1 : t;
	if (!*base || !strcmp(base, ".") || !strcmp(base, "..")) {
		snprintf(err, errlen, "%s: expected the path of a directory to create or replace", path);
		free(t);
		return LINDYN_EINVAL;
	}
	*parent = slash == t ? strdup("/") : slash ? strndup(t, (size_t)(slash - t)) : strdup(".");
	if (!*parent) {
		snprintf(err, errlen, "out of memory");
		free(t);
		return LINDYN_ENOMEM;
	}
	*target = t;
	return LINDYN_OK;
}

static const char *base_of(const char *target)
{
	const char *slash = strrchr(target, '/');
	return slash ? slash + 1 : target;
}

/* Is there no process `pid`, or only its zombie (a container's init may
 * never reap it)?  This process owns no stale directory: its own staging
 * directory is made after the cleanup. */
static int process_ended(long pid)
{
	if (pid == (long)getpid())
		return 1;
	if (pid <= 0)
		return 0;
	if (kill((pid_t)pid, 0))
		return errno == ESRCH;
	char path[64], stat[128];
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(stat, 1, sizeof stat - 1, f) : 0;
	if (f)
		fclose(f);
	stat[n] = 0;
	const char *paren = strrchr(stat, ')'); /* "pid (comm) state ..." */
	return paren && paren[1] == ' ' && paren[2] == 'Z';
}

static void clean_stale(const char *parent, const char *base)
{
	DIR *d = opendir(parent);
	if (!d)
		return;
	size_t blen = strlen(base), tlen = strlen(STAGING_TAG);
	for (struct dirent *de; (de = readdir(d));) {
		const char *n = de->d_name;
		long pid;
		if (n[0] != '.' || strncmp(n + 1, base, blen) ||
		    (strncmp(n + 1 + blen, STAGING_TAG, tlen) && strncmp(n + 1 + blen, RETIRED_TAG, tlen)) ||
		    !all_digits(n + 1 + blen + tlen, &pid) || !process_ended(pid))
			continue;
		char *path = NULL, foreign[256] = "";
		struct stat st;
		if (asprintf(&path, "%s/%s", parent, n) >= 0 && !lstat(path, &st) &&
		    S_ISDIR(st.st_mode) && classify(path, foreign, sizeof foreign) != DIR_FOREIGN)
			remove_tree(path);
		free(path);
	}
	closedir(d);
}

void outdir_clean_stale(const char *path)
{
	char *target = NULL, *parent = NULL, err[64];
	if (split_path(path, &target, &parent, err, sizeof err) == LINDYN_OK)
		clean_stale(parent, base_of(target));
	free(target);
	free(parent);
}

/* May the run replace what is at target?  LINDYN_OK or EINVAL with err. */
static int replaceable(const char *target, const char *given, int *kind, char *err,
                       size_t errlen)
{
	struct stat st;
	*kind = DIR_EMPTY;
	if (lstat(target, &st)) {
		if (errno == ENOENT || errno == ENOTDIR)
			return LINDYN_OK; /* made (or found impossible to make) later */
		snprintf(err, errlen, "%s: %s", given, strerror(errno));
		return LINDYN_EIO;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s: exists and is not a directory", given);
		return LINDYN_EINVAL;
	}
	char foreign[256] = "";
	*kind = classify(target, foreign, sizeof foreign);
	if (*kind == DIR_FOREIGN) {
		snprintf(err, errlen, "%s: not replaced: it holds '%s', which is not part of a lindyn "
		         "run (give a new or empty directory)", given, foreign);
		return LINDYN_EINVAL;
	}
	return LINDYN_OK;
}

static int write_marker(const char *staging, const char *text)
{
	char *path = NULL;
	if (asprintf(&path, "%s/%s", staging, OUTDIR_MARKER) < 0)
		return -1;
	FILE *f = fopen(path, "w");
	free(path);
	if (!f)
		return -1;
	int bad = fputs(text, f) == EOF;
	bad |= fclose(f) != 0;
	return bad ? -1 : 0;
}

int outdir_open(outdir *o, const char *path, const char *marker_text, char *err,
                size_t errlen)
{
	memset(o, 0, sizeof *o);
	if (!*path) {
		snprintf(err, errlen, "the output directory is an empty string");
		return LINDYN_EINVAL;
	}
	char *parent = NULL;
	int kind, status = split_path(path, &o->target, &parent, err, errlen);
	if (status == LINDYN_OK)
		status = replaceable(o->target, path, &kind, err, errlen);
	/* The directory exists from now on, empty until the run is published
	 * (make's recipes write DIR/.done after an expected divergence too). */
	if (status == LINDYN_OK && make_dirs(o->target)) {
		snprintf(err, errlen, "%s: cannot create output directory: %s", path, strerror(errno));
		status = LINDYN_EIO;
	}
	if (status == LINDYN_OK) {
		clean_stale(parent, base_of(o->target));
		if (asprintf(&o->staging, "%s/.%s" STAGING_TAG "%ld", parent, base_of(o->target),
		             (long)getpid()) < 0) {
			o->staging = NULL;
			snprintf(err, errlen, "out of memory");
			status = LINDYN_ENOMEM;
		} else if (mkdir(o->staging, 0777)) {
			snprintf(err, errlen, "%s: cannot create output directory %s: %s", path, o->staging,
			         strerror(errno));
			free(o->staging); /* not ours: never removed */
			o->staging = NULL;
			status = LINDYN_EIO;
		} else if (write_marker(o->staging, marker_text)) {
			snprintf(err, errlen, "%s: cannot write %s/%s: %s", path, o->staging, OUTDIR_MARKER,
			         strerror(errno));
			status = LINDYN_EIO;
		}
	}
	free(parent);
	if (status != LINDYN_OK)
		outdir_close(o);
	return status;
}

/* Replaces the previous run at o->target by the staging directory where the
 * filesystem cannot swap them (NFS and others refuse RENAME_EXCHANGE): the old
 * run is moved aside under a name the next run's clean_stale recognises, then
 * the new one takes its place.  In between, the target is missing, never
 * partial. */
static int replace_in_two_steps(outdir *o, char *err, size_t errlen)
{
	char *retired = NULL;
	const char *tag = strstr(o->staging, STAGING_TAG);
	if (asprintf(&retired, "%.*s" RETIRED_TAG "%s", (int)(tag - o->staging), o->staging,
	             tag + strlen(STAGING_TAG)) < 0) {
		snprintf(err, errlen, "out of memory");
		return LINDYN_ENOMEM;
	}
	int status = LINDYN_EIO;
	if (rename(o->target, retired))
		snprintf(err, errlen, "%s: cannot move the previous run aside: %s", o->target,
		         strerror(errno));
	else if (rename(o->staging, o->target)) {
		int why = errno;
		if (rename(retired, o->target)) /* else the previous run stays, as if nothing ran */
			snprintf(err, errlen, "%s: cannot publish the run (%s); the previous run is in %s",
			         o->target, strerror(why), retired);
		else
			snprintf(err, errlen, "%s: cannot publish the run: %s", o->target, strerror(why));
	} else {
		o->published = 1;
		remove_tree(retired);
		status = LINDYN_OK;
	}
	free(retired);
	return status;
}

int outdir_publish(outdir *o, char *err, size_t errlen)
{
	int kind, status = replaceable(o->target, o->target, &kind, err, errlen);
	if (status != LINDYN_OK)
		return status;
	int flags = kind == DIR_RUN ? RENAME_EXCHANGE : 0;
	if (renameat2(AT_FDCWD, o->staging, AT_FDCWD, o->target, flags)) {
		if (flags && (errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP))
			return replace_in_two_steps(o, err, errlen);
		snprintf(err, errlen, "%s: cannot publish the run: %s", o->target, strerror(errno));
		return LINDYN_EIO;
	}
	o->published = 1;
	if (kind == DIR_RUN)
		remove_tree(o->staging); /* the previous run, swapped out */
	return LINDYN_OK;
}

void outdir_close(outdir *o)
{
	if (o->staging && !o->published)
		remove_tree(o->staging);
	free(o->staging);
	free(o->target);
	memset(o, 0, sizeof *o);
}
