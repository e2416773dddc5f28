/* cache.h -- a content-addressed store of byte blobs (the frozen model of
 * lora_fmnist): the entry of a 128-bit key is the file
 * DIR/lora_fmnist-<key hex>.bin, a 64-byte header then the payload:
 *
 *     magic "LFMCACHE", format CACHE_FORMAT (u32), byte-order mark (u32),
 *     key (16 bytes), payload size (u64), hash128 of the payload (16 bytes),
 *     zero padding to 64 bytes; all in the machine's byte order.
 *
 * Entries are written to a temporary file in DIR and renamed over the
 * entry, so a reader sees no entry or a whole one, and two writers racing
 * on one key leave one of their (identical) files.  A reader maps the entry
 * and checks everything in the header and the payload's hash before use:
 * a damaged, truncated or foreign file is reported, never used. */
#ifndef LORA_FMNIST_CACHE_H
#define LORA_FMNIST_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "hash128.h"

#define CACHE_FORMAT 1u
#define CACHE_HEADER 64

typedef struct {
	const uint8_t *payload;  /* size bytes, 64-byte aligned, read-only */
	size_t size;
	void *map;               /* the mapping (NULL when closed) */
	size_t maplen;
} cache_entry;

typedef enum { CACHE_HIT, CACHE_ABSENT, CACHE_BAD } cache_lookup;

/* The entry's path; -1 when it does not fit in len bytes. */
int cache_path(const char *dir, const uint8_t key[HASH128_BYTES], char *out, size_t len);

/* Maps the entry of `key` if it is whole and holds `size` payload bytes:
 * CACHE_HIT fills e; CACHE_ABSENT when there is no entry; CACHE_BAD with a
 * one-line reason naming the file in why[whylen]. */
cache_lookup cache_open(const char *dir, const uint8_t key[HASH128_BYTES], size_t size,
                        cache_entry *e, char *why, size_t whylen);
void cache_close(cache_entry *e);

/* Stores payload[size] as the entry of `key`, creating dir and its missing
 * parents.  Returns 0, or -1 with a one-line reason in why[whylen]. */
int cache_store(const char *dir, const uint8_t key[HASH128_BYTES], const void *payload,
                size_t size, char *why, size_t whylen);

#endif
