/* idx.c -- fuzz harness of the IDX reader of lora_fmnist: the first input
 * byte chooses the call (bit 0: 3 dimensions or 1; the other bits: how many
 * items to keep), the rest is the file, plain or gzip-compressed. */
#include "fuzz.h"

#include "../../plugins/lora_fmnist/idx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const char *path = fuzz_write_file("in.idx", data + 1, size - 1);
	idx_array a;
	char err[512];
	if (idx_read(path, data[0] & 1 ? 3 : 1, data[0] >> 1, &a, err, sizeof err) == 0)
		idx_free(&a);
	return 0;
}
