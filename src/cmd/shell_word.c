/* shell_word.c -- writing a string as one sh word (shell_word.h). */
#include "shell_word.h"

#include <string.h>

void put_shell_word(FILE *f, const char *a)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	                            "0123456789_-=.,/:+";
	if (*a && strspn(a, plain) == strlen(a)) {
		fputs(a, f);
		return;
	}
	fputc('\'', f);
	for (; *a; a++)
		if (*a == '\'')
			fputs("'\\''", f);
		else
			fputc(*a, f);
	fputc('\'', f);
}
