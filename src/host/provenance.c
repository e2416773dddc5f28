/* provenance.c -- the provenance header of data files. */
#include "provenance.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <limits.h>

#include <gsl/gsl_version.h>

#include "below_cwd.h"
#include "regular_file.h"
#include "sha256.h"

/* From OpenBLAS (cblas.h declares them, but including cblas.h here would
 * clash with GSL's gsl_cblas.h declarations). */
extern char *openblas_get_config(void);
extern int openblas_get_num_threads(void);

#ifndef LINDYN_VERSION
#define LINDYN_VERSION "unknown"
#endif
#ifndef LINDYN_GIT
#define LINDYN_GIT "unknown"
#endif

void provenance_tool(char *buf, size_t len)
{
	snprintf(buf, len, "lindyn %s (git %s) abi %u.%u", LINDYN_VERSION, LINDYN_GIT,
	         LINDYN_ABI_MAJOR, LINDYN_ABI_MINOR);
}

void provenance_libs(char *buf, size_t len)
{
	snprintf(buf, len, "gsl %s; blas %s; threads=%d", gsl_version, openblas_get_config(),
	         openblas_get_num_threads());
}

/* Appends printf output to a growing buffer; returns 0 or -1. */
static int append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int append(char **buf, size_t *len, size_t *cap, const char *fmt, ...)
{
	va_list ap;
	for (;;) {
		va_start(ap, fmt);
		int n = vsnprintf(*buf + *len, *cap - *len, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -1;
		if (*len + (size_t)n < *cap) {
			*len += (size_t)n;
			return 0;
		}
		size_t ncap = 2 * (*cap + (size_t)n);
		char *nb = realloc(*buf, ncap);
		if (!nb)
			return -1;
		*buf = nb;
		*cap = ncap;
	}
}

/* "# date: ..." from SOURCE_DATE_EPOCH (decimal seconds since 1970, the
 * reproducible-builds convention); -1 when it is malformed. */
static int format_date(const char *sde, char *line, size_t len)
{
	char *end;
	errno = 0;
	long long secs = strtoll(sde, &end, 10);
	struct tm tm;
	if (!isdigit((unsigned char)*sde) || *end || errno || !gmtime_r(&(time_t){ (time_t)secs }, &tm))
		return -1;
	strftime(line, len, "# date: %Y-%m-%dT%H:%M:%SZ\n", &tm);
	return 0;
}

/* The plugin file as the header records it: resolved, then relative to the
 * current directory when it lies under it (so that the same tree gives the
 * same header wherever it is checked out), else absolute.  0, or -1 with
 * the reason in err. */
static int plugin_file_shown(const char *path, char *shown, size_t len, char *err, size_t errlen)
{
	char real[PATH_MAX];
	if (!realpath(path, real)) {
		snprintf(err, errlen, "plugin file %s: %s", path, strerror(errno));
		return -1;
	}
	const char *below = below_cwd(real);
	snprintf(shown, len, "%s", below ? below : real);
	return 0;
}

/* The SHA-256 of the file at path; 0, or -1 with the reason in err. */
static int file_sha256(const char *path, char hex[SHA256_HEX], char *err, size_t errlen)
{
	char why[512];
	FILE *f = regular_file_open(path, why, sizeof why);
	if (!f) {
		snprintf(err, errlen, "plugin file %s", why);
		return -1;
	}
	sha256_ctx c;
	sha256_init(&c);
	unsigned char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sha256_update(&c, buf, n);
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		snprintf(err, errlen, "plugin file %s: cannot be read", path);
		return -1;
	}
	sha256_hex(&c, hex);
	return 0;
}

int provenance_header(const lindyn_plugin *p, const char *plugin_path, const param_set *ps,
                      unsigned long seed, const char *command, char **header, char *err,
                      size_t errlen)
{
	*header = NULL;
	/* A date only when asked for, so that the same inputs give
	 * byte-identical files. */
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	char date[64] = "";
	if (sde && *sde && format_date(sde, date, sizeof date)) {
		snprintf(err, errlen, "SOURCE_DATE_EPOCH='%.40s' is not a number of seconds since 1970",
		         sde);
		return LINDYN_EINVAL;
	}
	char shown[PATH_MAX] = "linked in", sha[SHA256_HEX] = "";
	if (plugin_path && (plugin_file_shown(plugin_path, shown, sizeof shown, err, errlen) ||
	                    file_sha256(plugin_path, sha, err, errlen)))
		return LINDYN_EIO;
	size_t len = 0, cap = 1024;
	char *buf = malloc(cap), libs[512];
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return LINDYN_ENOMEM;
	}
	buf[0] = 0;
	char tool[256];
	provenance_libs(libs, sizeof libs);
	provenance_tool(tool, sizeof tool);
	int bad = append(&buf, &len, &cap, "# %s\n", tool);
	bad |= append(&buf, &len, &cap, "# plugin: %s %s (%s)\n", p->name, p->version, shown);
	if (*sha)
		bad |= append(&buf, &len, &cap, "# plugin_sha256: %s\n", sha);
	bad |= append(&buf, &len, &cap, "# command: %s\n", command ? command : "(library call)");
	bad |= append(&buf, &len, &cap, "# seed: %lu\n", seed);
	bad |= append(&buf, &len, &cap, "# params:");
	for (size_t i = 0; i < ps->n; i++)
		bad |= append(&buf, &len, &cap, " %s=%s", ps->v[i].def->key, ps->v[i].text);
	bad |= append(&buf, &len, &cap, "\n# libs: %s\n%s", libs, date);
	if (bad) {
		free(buf);
		snprintf(err, errlen, "out of memory");
		return LINDYN_ENOMEM;
	}
	*header = buf;
	return LINDYN_OK;
}
