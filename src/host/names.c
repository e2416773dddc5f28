/* names.c -- the identifier rules (names.h). */
#include "names.h"

#include <stdint.h>
#include <string.h>

int name_is_identifier(const char *s)
{
	if (!s || *s < 'a' || *s > 'z')
		return 0;
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_");
	return s[n] == 0 && n <= NAME_MAX_LEN;
}

int name_is_column(const char *s, size_t len)
{
	static const char first[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";
	if (!s || !len || len > NAME_MAX_LEN || !memchr(first, s[0], sizeof first - 1))
		return 0;
	for (size_t i = 1; i < len; i++)
		if (!memchr(first, s[i], sizeof first - 1) && (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

size_t name_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), row[129];
	if (la > 128 || lb > 128)
		return SIZE_MAX;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
			best = up + 1 < best ? up + 1 : best;
			best = row[j - 1] + 1 < best ? row[j - 1] + 1 : best;
			diag = up;
			row[j] = best;
		}
	}
	return row[lb];
}
