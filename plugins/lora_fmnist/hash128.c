/* hash128.c -- the cache's 128-bit hash (see hash128.h). */
#include "hash128.h"

#include <string.h>

#define P1 0x9E3779B185EBCA87ull
#define P2 0xC2B2AE3D27D4EB4Full
#define P3 0x165667B19E3779F9ull
#define P4 0x85EBCA77C2B2AE63ull
#define P5 0x27D4EB2F165667C5ull

static uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t round64(uint64_t acc, uint64_t w)
{
	return rotl(acc + w * P2, 31) * P1;
}

static uint64_t word(const uint8_t *p)
{
	uint64_t w;
	memcpy(&w, p, sizeof w);
	return w;
}

static void stripe(uint64_t lane[4], const uint8_t *p)
{
	lane[0] = round64(lane[0], word(p));
	lane[1] = round64(lane[1], word(p + 8));
	lane[2] = round64(lane[2], word(p + 16));
	lane[3] = round64(lane[3], word(p + 24));
}

void hash128_init(hash128 *h)
{
	*h = (hash128){ .lane = { P1 + P2, P2, 0, 0 - P1 } };
}

void hash128_update(hash128 *h, const void *data, size_t len)
{
	const uint8_t *p = data;
	h->total += len;
	if (h->ntail) {
		size_t take = sizeof h->tail - h->ntail < len ? sizeof h->tail - h->ntail : len;
		memcpy(h->tail + h->ntail, p, take);
		h->ntail += take;
		p += take;
		len -= take;
		if (h->ntail < sizeof h->tail)
			return;
		stripe(h->lane, h->tail);
		h->ntail = 0;
	}
	for (; len >= 32; p += 32, len -= 32)
		stripe(h->lane, p);
	memcpy(h->tail, p, len);
	h->ntail = len;
}

static uint64_t avalanche(uint64_t x)
{
	x ^= x >> 33;
	x *= P2;
	x ^= x >> 29;
	x *= P3;
	x ^= x >> 32;
	return x;
}

/* One 64-bit half: the lanes merged in `order` with rotations `rot`, then
 * the length and the tail bytes (8, then 1 at a time). */
static uint64_t half(const hash128 *h, const int order[4], const int rot[4], uint64_t seed)
{
	uint64_t acc = seed + h->total;
	for (int i = 0; i < 4; i++)
		acc += rotl(h->lane[order[i]], rot[i]);
	for (int i = 0; i < 4; i++)
		acc = (acc ^ round64(0, h->lane[order[i]])) * P1 + P4;
	size_t i = 0;
	for (; i + 8 <= h->ntail; i += 8)
		acc = rotl(acc ^ round64(0, word(h->tail + i)), 27) * P1 + P4;
	for (; i < h->ntail; i++)
		acc = rotl(acc ^ (h->tail[i] * P5), 11) * P1;
	return avalanche(acc);
}

void hash128_final(const hash128 *h, uint8_t out[HASH128_BYTES])
{
	static const int order_lo[4] = { 0, 1, 2, 3 }, rot_lo[4] = { 1, 7, 12, 18 };
	static const int order_hi[4] = { 3, 1, 0, 2 }, rot_hi[4] = { 5, 23, 41, 59 };
	uint64_t lo = half(h, order_lo, rot_lo, P5), hi = half(h, order_hi, rot_hi, P3);
	for (int b = 0; b < 8; b++) {
		out[b] = (uint8_t)(hi >> (56 - 8 * b));
		out[8 + b] = (uint8_t)(lo >> (56 - 8 * b));
	}
}

void hash128_of(const void *data, size_t len, uint8_t out[HASH128_BYTES])
{
	hash128 h;
	hash128_init(&h);
	hash128_update(&h, data, len);
	hash128_final(&h, out);
}

void hash128_hex(const uint8_t digest[HASH128_BYTES], char hex[HASH128_HEX])
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < HASH128_BYTES; i++) {
		hex[2 * i] = digits[digest[i] >> 4];
		hex[2 * i + 1] = digits[digest[i] & 15];
	}
	hex[2 * HASH128_BYTES] = '\0';
}
