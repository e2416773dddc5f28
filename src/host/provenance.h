/* provenance.h -- the '#' header every data file starts with: what made the
 * data (tool, plugin, libraries), from which inputs, and how to redo it. */
#ifndef LINDYN_PROVENANCE_H
#define LINDYN_PROVENANCE_H

#include <stddef.h>

#include "lindyn/plugin.h"
#include "params.h"

/* Sets *header to a malloc'ed block of whole '#' lines (each ending in
 * '\n'); returns LINDYN_OK, or LINDYN_EINVAL (a malformed SOURCE_DATE_EPOCH),
 * LINDYN_EIO (the plugin file cannot be read) or LINDYN_ENOMEM with the
 * reason in err.  The plugin line names plugin_path relative to the current
 * directory when the file lies under it (else its absolute, resolved path),
 * and is followed by "# plugin_sha256: HEX", the SHA-256 of that file;
 * plugin_path NULL: a plugin linked in, no file and no digest. */
int provenance_header(const lindyn_plugin *p, const char *plugin_path, const param_set *ps,
                      unsigned long seed, const char *command, char **header, char *err,
                      size_t errlen);

/* "lindyn 0.1.0 (git 1a2b3c4d5e6f) abi 1.1" */
void provenance_tool(char *buf, size_t len);

/* "gsl 2.7.1; blas OpenBLAS 0.3.21 ... threads=1" */
void provenance_libs(char *buf, size_t len);

#endif
