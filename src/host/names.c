/* names.c -- the identifier rule (names.h). */
#include "names.h"

#include <string.h>

int name_is_identifier(const char *s)
{
	if (!s || *s < 'a' || *s > 'z')
		return 0;
	size_t n = strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_");
	return s[n] == 0 && n <= NAME_MAX_LEN;
}
