/* usage.h -- every help text of the driver, in one place: the list of
 * commands (`lindyn --help`) and each command's own help (`lindyn CMD
 * --help`, `lindyn help CMD`): its synopsis, what it does, every option. */
#ifndef LINDYN_USAGE_H
#define LINDYN_USAGE_H

#include <stddef.h>
#include <stdio.h>

/* `lindyn --help`: the commands with one line each. */
void usage_commands(FILE *out);
/* 1 when name is a command of the driver. */
int usage_is_command(const char *name);
/* The full help of command name; 0, or -1 when there is no such command. */
int usage_print(FILE *out, const char *name);
/* 1 when argv holds --help or -h before a "--" (which starts another
 * program's arguments, as in `lindyn progress -- make ...`). */
int usage_asks_help(int argc, char **argv);
/* Of names[0..n), the one nearest to name by edit distance when it is near
 * enough to be a likely typo (the rule of params.c's "did you mean"), else NULL. */
const char *usage_nearest(const char *name, const char *const *names, size_t n);
/* Writes names[0..n) as "a, b, c" (no newline). */
void usage_list_names(FILE *out, const char *const *names, size_t n);
/* "lindyn: unknown command 'NAME'; did you mean 'X'?" or the list, one line, to stderr. */
void usage_unknown_command(const char *name);

#endif
