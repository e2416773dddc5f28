/* fuzz.h -- what the fuzz harnesses (tests/fuzz/NAME.c) share.  Each harness
 * defines LLVMFuzzerTestOneInput; `make fuzz` links it with libFuzzer, and
 * `make test` links it with replay.c, which feeds it every file of its
 * corpus tests/fuzz/NAME/ (so every input that once crashed stays fixed). */
#ifndef LINDYN_FUZZ_H
#define LINDYN_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A private directory for this process, removed at exit. */
const char *fuzz_dir(void);

/* Writes data to fuzz_dir()/name and returns the path (static storage).
 * Aborts if the file cannot be written: that is no finding. */
const char *fuzz_write_file(const char *name, const void *data, size_t size);

/* Sends stderr to /dev/null until fuzz_restore_stderr (code under test
 * reports rejected inputs there); sanitizer reports still reach the
 * original stderr. */
void fuzz_silence_stderr(void);
void fuzz_restore_stderr(void);

#endif
