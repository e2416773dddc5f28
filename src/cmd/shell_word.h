/* shell_word.h -- writing a string as one sh word. */
#ifndef LINDYN_SHELL_WORD_H
#define LINDYN_SHELL_WORD_H

#include <stdio.h>

/* Writes a to f as one shell word that reads back as a: as it is when it
 * holds only characters sh takes literally, else single-quoted. */
void put_shell_word(FILE *f, const char *a);

#endif
