/* regular_file.h -- opening an input a user named: only regular files are
 * read, so a FIFO cannot block lindyn and a device (/dev/zero) cannot feed it
 * without end. */
#ifndef LINDYN_REGULAR_FILE_H
#define LINDYN_REGULAR_FILE_H

#include <stddef.h>
#include <stdio.h>

/* Opens path for reading ("rb") if it is a regular file; otherwise returns
 * NULL with a one-line reason naming the path in err ("PATH: not a regular
 * file (a FIFO)", "PATH: No such file or directory", ...).  Never blocks:
 * the file is opened with O_NONBLOCK and checked with fstat before use. */
FILE *regular_file_open(const char *path, char *err, size_t errlen);

#endif
