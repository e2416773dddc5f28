/* npy.c -- fuzz harness of the .npy reader (src/host/npy.c): the input is the
 * file, read as the 3 x 4 array the seeds hold and as a 0 x 0 array. */
#include "fuzz.h"

#include "../../src/host/npy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_write_file("in.npy", data, size);
	double out[12];
	char err[512];
	npy_read(path, 3, 4, out, err, sizeof err);
	npy_read(path, 0, 0, out, err, sizeof err);
	return 0;
}
