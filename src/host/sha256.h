/* sha256.h -- SHA-256 (FIPS 180-4), for the fingerprints of `lindyn compare`. */
#ifndef LINDYN_SHA256_H
#define LINDYN_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_HEX 65 /* 64 hex digits and a NUL */

typedef struct {
	uint32_t h[8];
	uint64_t bytes;      /* message length so far */
	unsigned char block[64];
	size_t fill;         /* bytes waiting in block */
} sha256_ctx;

void sha256_init(sha256_ctx *c);
void sha256_update(sha256_ctx *c, const void *data, size_t len);
/* Finishes the digest as 64 lowercase hex digits; c must be initialised again before reuse. */
void sha256_hex(sha256_ctx *c, char hex[SHA256_HEX]);

#endif
