/* expr.c -- fuzz harness of the claim expression language (src/lit/expr.c):
 * the input is one expression, evaluated with the names x and y defined,
 * against a data directory holding the table "e/t" (columns step, loss)
 * and a completed run "e". */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../../src/lit/expr.h"

static const char *data_dir(void)
{
	static char dir[4200];
	if (!*dir) {
		snprintf(dir, sizeof dir, "%s/data", fuzz_dir());
		char e[4300];
		snprintf(e, sizeof e, "%s/e", dir);
		if (mkdir(dir, 0777) || mkdir(e, 0777))
			abort();
		const char table[] = "# columns: step loss\n0\t1\n1\t0.5\n2\t0.25\n3\t0.125\n";
		fuzz_write_file("data/e/t.tsv", table, sizeof table - 1);
		fuzz_write_file("data/e/.done", "0\n", 2);
	}
	return dir;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = 0;
	expr_env *env = expr_env_new(data_dir());
	if (env && expr_define(env, "x", 2) == 0 && expr_define(env, "y", -0.5) == 0) {
		double v;
		char err[512];
		expr_eval(env, text, &v, err, sizeof err);
	}
	expr_env_free(env);
	free(text);
	return 0;
}
