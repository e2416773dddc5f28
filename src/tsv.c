/* tsv.c -- reader of lindyn's data tables. */
#include "tsv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tsv_read(tsv *t, const char *path, char *err, size_t errlen)
{
	memset(t, 0, sizeof *t);
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	t->path = strdup(path);
	char *line = NULL;
	size_t cap = 0, vcap = 0;
	long lineno = 0;
	int rc = 0;
	for (ssize_t len; (len = getline(&line, &cap, f)) >= 0;) {
		lineno++;
		if (line[0] == '#') {
			if (!strncmp(line, "# columns:", 10) && !t->ncols) {
				char *save = NULL;
				for (char *w = strtok_r(line + 10, " \t\n", &save); w;
				     w = strtok_r(NULL, " \t\n", &save)) {
					char **grown = realloc(t->cols, (t->ncols + 1) * sizeof *grown);
					if (!grown)
						break;
					t->cols = grown;
					t->cols[t->ncols++] = strdup(w);
				}
			}
			continue;
		}
		if (strspn(line, " \t\r\n") == (size_t)len)
			continue;
		if (!t->ncols) {
			snprintf(err, errlen, "%s:%ld: data before a '# columns:' line", path, lineno);
			rc = -1;
			break;
		}
		if ((t->nrows + 1) * t->ncols > vcap) {
			vcap = 2 * (t->nrows + 1) * t->ncols;
			double *grown = realloc(t->v, vcap * sizeof *grown);
			if (!grown) {
				snprintf(err, errlen, "%s: out of memory", path);
				rc = -1;
				break;
			}
			t->v = grown;
		}
		char *p = line, *end;
		for (size_t j = 0; j < t->ncols; j++) {
			errno = 0;
			double x = strtod(p, &end);
			if (end == p) {
				snprintf(err, errlen, "%s:%ld: expected %zu numbers", path, lineno, t->ncols);
				rc = -1;
				break;
			}
			t->v[t->nrows * t->ncols + j] = x;
			p = end;
		}
		if (!rc && strspn(p, " \t\r\n") != strlen(p)) { /* extra values or junk */
			snprintf(err, errlen, "%s:%ld: expected %zu numbers", path, lineno, t->ncols);
			rc = -1;
		}
		if (rc)
			break;
		t->nrows++;
	}
	free(line);
	fclose(f);
	if (rc)
		tsv_free(t);
	return rc;
}

void tsv_free(tsv *t)
{
	for (size_t j = 0; j < t->ncols; j++)
		free(t->cols[j]);
	free(t->cols);
	free(t->v);
	free(t->path);
	memset(t, 0, sizeof *t);
}

int tsv_col(const tsv *t, const char *name)
{
	for (size_t j = 0; j < t->ncols; j++)
		if (!strcmp(t->cols[j], name))
			return (int)j;
	return -1;
}
