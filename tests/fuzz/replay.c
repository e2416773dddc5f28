/* replay.c -- runs a fuzz harness over files, without libFuzzer: each
 * argument is a file or a directory of files (the corpus).  With no
 * argument it replays tests/fuzz/NAME, the corpus of the harness this
 * program was built from (NAME is the program's name), from the top of the
 * source tree.  A crash names the input it happened on. */
#include "fuzz.h"

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static const char *current;
static size_t replayed;

static void name_current(void)
{
	if (current)
		fprintf(stderr, "fuzz replay: the failing input is %s\n", current);
}

static void on_signal(int sig)
{
	name_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		exit(1);
	}
	size_t cap = 4096, n = 0;
	unsigned char *buf = malloc(cap);
	for (size_t k; buf && (k = fread(buf + n, 1, cap - n, f)) > 0;) {
		n += k;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	if (!buf || ferror(f)) {
		fprintf(stderr, "%s: cannot read\n", path);
		exit(1);
	}
	fclose(f);
	current = path;
	LLVMFuzzerTestOneInput(buf, n);
	current = NULL;
	free(buf);
	replayed++;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void replay(const char *path)
{
	struct stat st;
	if (stat(path, &st)) {
		perror(path);
		exit(1);
	}
	if (!S_ISDIR(st.st_mode)) {
		replay_file(path);
		return;
	}
	struct dirent **names;
	int n = scandir(path, &names, NULL, by_name);
	if (n < 0) {
		perror(path);
		exit(1);
	}
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			char file[4096];
			snprintf(file, sizeof file, "%s/%s", path, names[i]->d_name);
			replay_file(file);
		}
		free(names[i]);
	}
	free(names);
}

/* Under a sanitizer, its own report and then the death callback name the
 * input; otherwise a handler does, on its own stack so that a stack
 * overflow is reported too. */
static void name_input_on_crash(void)
{
	if (__sanitizer_set_death_callback) {
		__sanitizer_set_death_callback(name_current);
		return;
	}
	static char altstack[1 << 16];
	stack_t ss = { .ss_sp = altstack, .ss_size = sizeof altstack };
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_ONSTACK };
	sigaltstack(&ss, NULL);
	const int deadly[] = { SIGSEGV, SIGABRT, SIGBUS, SIGFPE, SIGILL };
	for (size_t i = 0; i < sizeof deadly / sizeof *deadly; i++)
		sigaction(deadly[i], &sa, NULL);
}

int main(int argc, char **argv)
{
	name_input_on_crash();
	char corpus[4096];
	const char *slash = strrchr(argv[0], '/');
	snprintf(corpus, sizeof corpus, "tests/fuzz/%s", slash ? slash + 1 : argv[0]);
	if (argc < 2)
		replay(corpus);
	for (int i = 1; i < argc; i++)
		replay(argv[i]);
	if (replayed == 0) {
		fprintf(stderr, "fuzz replay: no input in %s\n", argc < 2 ? corpus : argv[1]);
		return 1;
	}
	printf("fuzz replay %s: %zu inputs, no crash\n", slash ? slash + 1 : argv[0], replayed);
	return 0;
}
