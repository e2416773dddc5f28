/* hash128.h -- a fast 128-bit non-cryptographic hash for the frozen-model
 * cache: it names cache entries by their inputs and checks their payload.
 *
 * Four 64-bit lanes take 32-byte stripes with xxHash64's round
 * (acc = rotl(acc + w * P2, 31) * P1), so a stripe costs four independent
 * multiplies; the final 128 bits are two different merges of the lanes, the
 * buffered tail and the length, each through a 64-bit avalanche.  Words are
 * read in the machine's byte order (cache entries are native-endian too).
 * It detects accidental damage and tells inputs apart; it is no defence
 * against someone who crafts collisions on purpose. */
#ifndef LORA_FMNIST_HASH128_H
#define LORA_FMNIST_HASH128_H

#include <stddef.h>
#include <stdint.h>

#define HASH128_BYTES 16
#define HASH128_HEX (2 * HASH128_BYTES + 1)

typedef struct {
	uint64_t lane[4];
	uint64_t total;       /* bytes taken so far */
	uint8_t tail[32];     /* a partial stripe */
	size_t ntail;
} hash128;

void hash128_init(hash128 *h);
void hash128_update(hash128 *h, const void *data, size_t len);
/* The digest of everything given to update since init. */
void hash128_final(const hash128 *h, uint8_t out[HASH128_BYTES]);
/* One-shot digest of data[len]. */
void hash128_of(const void *data, size_t len, uint8_t out[HASH128_BYTES]);
/* Lower-case hex of a digest, NUL-terminated. */
void hash128_hex(const uint8_t digest[HASH128_BYTES], char hex[HASH128_HEX]);

#endif
