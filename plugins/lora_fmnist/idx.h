/* idx.h -- a reader for IDX files of unsigned bytes (the MNIST/Fashion-MNIST
 * format), gzip-compressed or plain (zlib reads both).
 *
 * Layout (big-endian): a magic number 0x0000TTNN with type TT = 0x08
 * (unsigned byte) and NN dimensions, then NN 32-bit sizes, then the data in C
 * order.  Images are idx3 (count x rows x cols), labels idx1 (count).
 *
 * The reader opens regular files only (a FIFO or a device is refused, never
 * waited on), checks the magic, that every size is non-zero, that the file is
 * large enough for the data the header declares (before allocating), and that
 * the stream holds exactly count * rows * cols data bytes followed by nothing;
 * a truncated or corrupt gzip stream (bad CRC, bad deflate data) is reported
 * as such.  It keeps only the first `keep` items but always reads the whole file,
 * so a damaged tail is never silently accepted. */
#ifndef LORA_FMNIST_IDX_H
#define LORA_FMNIST_IDX_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	size_t count;      /* items in the file (first dimension) */
	size_t rows, cols; /* item shape: rows x cols for idx3, 1 x 1 for idx1 */
	size_t kept;       /* items stored in data */
	uint8_t *data;     /* kept * rows * cols bytes, malloc'ed */
} idx_array;

/* Reads `path`, which must have `ndims` dimensions (1 or 3), and keeps its
 * first `keep` items (keep <= count, else an error).  Returns 0, or -1 with
 * a one-line reason naming the file in err[errlen].  On failure `out` owns
 * nothing. */
int idx_read(const char *path, unsigned ndims, size_t keep, idx_array *out,
             char *err, size_t errlen);

void idx_free(idx_array *a);

#endif
