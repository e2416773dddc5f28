/* tsv.c -- fuzz harness of the table reader (src/lit/tsv.c): the input is the
 * file; a table that reads is also searched for a few column names. */
#include "fuzz.h"

#include "../../src/lit/tsv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_write_file("in.tsv", data, size);
	tsv t;
	char err[512];
	if (tsv_read(&t, path, err, sizeof err) == 0) {
		tsv_col(&t, "step");
		tsv_col(&t, "loss");
		tsv_col(&t, "");
		tsv_free(&t);
	}
	return 0;
}
