/* names.c -- the identifier rules (names.h). */
#include "names.h"

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
