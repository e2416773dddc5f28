/* aggregate.c -- `lindyn aggregate`: mean and standard deviation over seeds.
 *
 *   --seeds -o OUT A.tsv B.tsv ...      row by row: the first column (which
 *       must agree across the files), then <col>_mean <col>_std of the rest
 *   --final -o OUT --point 'k=v,...' FILES... --point ...
 *       one row per point: the point's values (a non-numeric value is
 *       replaced by its index among the points), then <col>_mean <col>_std
 *       of every column of each file's last row
 * Standard deviations are the sample ones (n - 1), 0 for a single seed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "tsv.h"

static void mean_std(const double *x, size_t n, size_t stride, double *mean, double *std)
{
	double s = 0, ss = 0;
	for (size_t i = 0; i < n; i++)
		s += x[i * stride];
	*mean = s / (double)n;
	for (size_t i = 0; i < n; i++)
		ss += (x[i * stride] - *mean) * (x[i * stride] - *mean);
	*std = n > 1 ? sqrt(ss / (double)(n - 1)) : 0.0;
}

static int load_all(tsv *t, char **paths, size_t n)
{
	char err[512];
	for (size_t i = 0; i < n; i++) {
		if (tsv_read(&t[i], paths[i], err, sizeof err)) {
			fprintf(stderr, "lindyn aggregate: %s\n", err);
			return -1;
		}
		if (t[i].ncols != t[0].ncols || (i && strcmp(t[i].cols[0], t[0].cols[0]))) {
			fprintf(stderr, "lindyn aggregate: %s: columns differ from %s\n", paths[i],
			        paths[0]);
			return -1;
		}
		if (!t[i].nrows) {
			fprintf(stderr, "lindyn aggregate: %s: no data rows\n", paths[i]);
			return -1;
		}
	}
	return 0;
}

static int by_seeds(FILE *out, char **paths, size_t n)
{
	tsv *t = calloc(n, sizeof *t);
	double *x = malloc(n * sizeof *x);
	int rc = !t || !x || load_all(t, paths, n);
	for (size_t i = 1; !rc && i < n; i++)
		if (t[i].nrows != t[0].nrows) {
			fprintf(stderr, "lindyn aggregate: %s has %zu rows, %s has %zu\n", paths[i],
			        t[i].nrows, paths[0], t[0].nrows);
			rc = 1;
		}
	if (!rc) {
		fprintf(out, "# lindyn aggregate over %zu seeds\n# columns: %s", n, t[0].cols[0]);
		for (size_t j = 1; j < t[0].ncols; j++)
			fprintf(out, " %s_mean %s_std", t[0].cols[j], t[0].cols[j]);
		fputc('\n', out);
	}
	for (size_t r = 0; !rc && r < t[0].nrows; r++) {
		double x0 = t[0].v[r * t[0].ncols];
		for (size_t i = 1; i < n && !rc; i++)
			if (t[i].v[r * t[i].ncols] != x0) {
				fprintf(stderr, "lindyn aggregate: %s row %zu: %s = %.17g, but %.17g in %s\n",
				        paths[i], r + 1, t[0].cols[0], t[i].v[r * t[i].ncols], x0, paths[0]);
				rc = 1;
			}
		fprintf(out, "%.17g", x0);
		for (size_t j = 1; j < t[0].ncols; j++) {
			double m, s;
			for (size_t i = 0; i < n; i++)
				x[i] = t[i].v[r * t[i].ncols + j];
			mean_std(x, n, 1, &m, &s);
			fprintf(out, "\t%.17g\t%.17g", m, s);
		}
		fputc('\n', out);
	}
	for (size_t i = 0; t && i < n; i++)
		tsv_free(&t[i]);
	free(t);
	free(x);
	return rc;
}

/* argv: --point SPEC files... --point SPEC files... */
static int final_rows(FILE *out, char **argv, int argc)
{
	int rc = 0, header = 0, point = -1;
	for (int i = 0; i < argc && !rc;) {
		if (strcmp(argv[i], "--point") || i + 1 == argc) {
			fprintf(stderr, "lindyn aggregate: expected --point SPEC before '%s'\n", argv[i]);
			return 1;
		}
		char *spec = argv[i + 1];
		int j = i + 2;
		while (j < argc && strcmp(argv[j], "--point"))
			j++;
		size_t n = (size_t)(j - i - 2);
		if (!n) {
			fprintf(stderr, "lindyn aggregate: point '%s' has no files\n", spec);
			return 1;
		}
		point++;
		tsv *t = calloc(n, sizeof *t);
		double *x = malloc(n * sizeof *x);
		rc = !t || !x || load_all(t, argv + i + 2, n);
		char keys[1024] = "", vals[1024] = "", buf[1024];
		snprintf(buf, sizeof buf, "%s", spec);
		char *save = NULL;
		for (char *kv = strtok_r(buf, ",", &save); kv && !rc; kv = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(kv, '=');
			if (!eq)
				continue;
			*eq = 0;
			char *end;
			double v = strtod(eq + 1, &end);
			snprintf(keys + strlen(keys), sizeof keys - strlen(keys), "%s ", kv);
			snprintf(vals + strlen(vals), sizeof vals - strlen(vals), "%.17g\t",
			         *end || end == eq + 1 ? (double)point : v);
		}
		if (!rc && !header) {
			fprintf(out, "# lindyn aggregate of the last rows over seeds, one row per point\n"
			             "# columns: %s", keys);
			for (size_t c = 0; c < t[0].ncols; c++)
				fprintf(out, "%s_mean %s_std%s", t[0].cols[c], t[0].cols[c],
				        c + 1 < t[0].ncols ? " " : "");
			fputc('\n', out);
			header = 1;
		}
		if (!rc) {
			fputs(vals, out);
			for (size_t c = 0; c < t[0].ncols; c++) {
				double m, s;
				for (size_t k = 0; k < n; k++)
					x[k] = t[k].v[(t[k].nrows - 1) * t[k].ncols + c];
				mean_std(x, n, 1, &m, &s);
				fprintf(out, "%.17g\t%.17g%s", m, s, c + 1 < t[0].ncols ? "\t" : "");
			}
			fputc('\n', out);
		}
		for (size_t k = 0; t && k < n; k++)
			tsv_free(&t[k]);
		free(t);
		free(x);
		i = j;
	}
	return rc;
}

int cmd_aggregate(int argc, char **argv)
{
	if (argc < 4 || strcmp(argv[1], "-o") || (strcmp(argv[0], "--seeds") &&
	                                          strcmp(argv[0], "--final"))) {
		fprintf(stderr, "usage: lindyn aggregate --seeds -o OUT FILE...\n"
		                "       lindyn aggregate --final -o OUT --point 'k=v,...' FILE... ...\n");
		return 1;
	}
	const char *outpath = argv[2];
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s.tmp", outpath);
	FILE *out = fopen(tmp, "w");
	if (!out) {
		fprintf(stderr, "lindyn aggregate: cannot write %s\n", tmp);
		return 1;
	}
	int rc = !strcmp(argv[0], "--seeds") ? by_seeds(out, argv + 3, (size_t)(argc - 3))
	                                     : final_rows(out, argv + 3, argc - 3);
	if (fclose(out) || rc || rename(tmp, outpath)) {
		unlink(tmp);
		return 1;
	}
	return 0;
}
