/* idx.c -- the IDX reader (see idx.h). */
#include "idx.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define IDX_TYPE_UBYTE 0x08u
/* A Fashion-MNIST image is 784 bytes; items near this bound are no image
 * data set and would only exhaust memory. */
#define IDX_MAX_ITEM_BYTES (1u << 24)
/* Deflate expands a byte to at most 1032 bytes, so a gzip file of n bytes
 * holds at most 1032 n data bytes. */
#define DEFLATE_MAX_RATIO 1032u

static int fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static uint32_t be32(const unsigned char b[4])
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* Reads up to n bytes, adding the count read to *got (also on failure).
 * Returns 0 at the end of the data or when n bytes were read, -1 on a stream
 * error (gzerror tells which). */
static int read_some(gzFile gz, void *buf, size_t n, size_t *got)
{
	size_t done = 0;
	int rc = 0;
	while (done < n) {
		unsigned chunk = n - done > (1u << 30) ? 1u << 30 : (unsigned)(n - done);
		int k = gzread(gz, (char *)buf + done, chunk);
		if (k < 0) {
			rc = -1;
			break;
		}
		if (k == 0)
			break;
		done += (size_t)k;
	}
	*got += done;
	return rc;
}

/* The one-line reason for a stream error: a gzip stream that ends early is
 * "truncated", anything else zlib rejects is "corrupt".  zlib prefixes its
 * message with "<fd:N>: " (the file was opened with gzdopen), which is
 * dropped here: the message names the path instead. */
static int stream_fail(gzFile gz, const char *path, char *err, size_t errlen)
{
	int errnum = Z_OK;
	const char *msg = gzerror(gz, &errnum);
	const char *prefix_end = strncmp(msg, "<fd:", 4) == 0 ? strstr(msg, ">: ") : NULL;
	if (prefix_end)
		msg = prefix_end + 3;
	if (errnum == Z_BUF_ERROR)
		return fail(err, errlen, "%s: truncated gzip stream (%s)", path, msg);
	if (errnum == Z_ERRNO)
		return fail(err, errlen, "%s: read error: %s", path, strerror(errno));
	return fail(err, errlen, "%s: corrupt gzip stream: %s", path, msg);
}

static const char *kind_of(mode_t m)
{
	return S_ISDIR(m) ? "a directory" : S_ISFIFO(m) ? "a FIFO" : S_ISCHR(m) ? "a character device"
	     : S_ISBLK(m) ? "a block device" : S_ISSOCK(m) ? "a socket" : "not a plain file";
}

/* Opens path for gzread only if it is a regular file (a FIFO would block
 * the open, a device would never end), and gives its size.  The plugin
 * cannot use the host's regular_file_open, hence this copy of its check. */
static gzFile open_regular(const char *path, off_t *size, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		fail(err, errlen, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	struct stat st;
	int flags = -1;
	if (fstat(fd, &st))
		fail(err, errlen, "%s: cannot open: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		fail(err, errlen, "%s: not a regular file (%s)", path, kind_of(st.st_mode));
	else if ((flags = fcntl(fd, F_GETFL)) < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK))
		fail(err, errlen, "%s: cannot open: %s", path, strerror(errno));
	else {
		errno = 0;
		gzFile gz = gzdopen(fd, "rb");
		if (gz) {
			*size = st.st_size;
			return gz;
		}
		fail(err, errlen, "%s: cannot open: %s", path, errno ? strerror(errno) : "out of memory");
	}
	close(fd);
	return NULL;
}

/* The data the header declares must fit in the file: exactly for a plain
 * file, within deflate's maximum ratio for a gzip one.  Checked before any
 * allocation, so a lying header costs nothing. */
static int check_declared_size(gzFile gz, const char *path, off_t size, unsigned ndims,
                               const idx_array *a, char *err, size_t errlen)
{
	size_t item = a->rows * a->cols, want = a->count * item;
	uintmax_t header = 4 + 4 * (uintmax_t)ndims;
	uintmax_t room = (uintmax_t)size > header ? (uintmax_t)size - header : 0;
	if (gzdirect(gz) && want > room)
		return fail(err, errlen, "%s: truncated: expected %zu data bytes (%zu items of %zu "
		            "bytes), found %ju", path, want, a->count, item, room);
	if (!gzdirect(gz) && want / DEFLATE_MAX_RATIO > (uintmax_t)size)
		return fail(err, errlen, "%s: header declares %zu data bytes (%zu items of %zu bytes), "
		            "more than a %jd-byte gzip file can hold", path, want, a->count, item,
		            (intmax_t)size);
	return 0;
}

static int read_header(gzFile gz, const char *path, unsigned ndims, size_t dims[3],
                       char *err, size_t errlen)
{
	unsigned char b[4];
	uint32_t want = IDX_TYPE_UBYTE << 8 | ndims;
	size_t got = 0;
	if (read_some(gz, b, 4, &got) < 0)
		return stream_fail(gz, path, err, errlen);
	if (got < 4)
		return fail(err, errlen, "%s: truncated header: expected a 4-byte IDX magic number, "
		            "found %zu bytes", path, got);
	if (be32(b) != want)
		return fail(err, errlen, "%s: not an IDX file of unsigned bytes with %u dimension%s: "
		            "magic 0x%08x, expected 0x%08x", path, ndims, ndims == 1 ? "" : "s",
		            (unsigned)be32(b), (unsigned)want);
	for (unsigned i = 0; i < ndims; i++) {
		got = 0;
		if (read_some(gz, b, 4, &got) < 0)
			return stream_fail(gz, path, err, errlen);
		if (got < 4)
			return fail(err, errlen, "%s: truncated header: expected %u dimension sizes, "
			            "found %u", path, ndims, i);
		dims[i] = be32(b);
		if (dims[i] == 0)
			return fail(err, errlen, "%s: dimension %u has size 0, expected a positive size",
			            path, i + 1);
	}
	return 0;
}

/* Reads the data after the header: keeps the first out->kept items, checks
 * that exactly out->count items follow, then the end of the stream. */
static int read_body(gzFile gz, const char *path, idx_array *out, char *err, size_t errlen)
{
	size_t item = out->rows * out->cols;
	size_t want = out->count * item, kept = out->kept * item, got = 0;
	unsigned char sink[1 << 16];
	int rc = read_some(gz, out->data, kept, &got);
	/* The items past `keep` are read and dropped, to check the length. */
	while (rc == 0 && got < want) {
		size_t n = want - got < sizeof sink ? want - got : sizeof sink, before = got;
		rc = read_some(gz, sink, n, &got);
		if (got - before < n)
			break;
	}
	if (got < want) {
		int errnum = Z_OK;
		gzerror(gz, &errnum);
		if (rc < 0 && errnum != Z_BUF_ERROR)
			return stream_fail(gz, path, err, errlen);
		return fail(err, errlen, "%s: truncated: expected %zu data bytes (%zu items of %zu "
		            "bytes), found %zu", path, want, out->count, item, got);
	}
	/* Reading past the data also makes zlib check the gzip CRC and length. */
	size_t extra = 0;
	if (read_some(gz, sink, sizeof sink, &extra) < 0)
		return stream_fail(gz, path, err, errlen);
	if (extra > 0)
		return fail(err, errlen, "%s: unexpected data after the %zu items the header declares",
		            path, out->count);
	return 0;
}

int idx_read(const char *path, unsigned ndims, size_t keep, idx_array *out,
             char *err, size_t errlen)
{
	memset(out, 0, sizeof *out);
	if (ndims != 1 && ndims != 3)
		return fail(err, errlen, "%s: only 1- and 3-dimensional IDX files are supported",
		            path);
	off_t size = 0;
	gzFile gz = open_regular(path, &size, err, errlen);
	if (!gz)
		return -1;
	size_t dims[3] = { 0, 1, 1 };
	int rc = read_header(gz, path, ndims, dims, err, errlen);
	if (rc == 0) {
		out->count = dims[0];
		out->rows = dims[1];
		out->cols = dims[2];
		if (out->rows > IDX_MAX_ITEM_BYTES / out->cols)
			rc = fail(err, errlen, "%s: items of %zu x %zu bytes, expected at most %u bytes "
			          "each", path, out->rows, out->cols, IDX_MAX_ITEM_BYTES);
		else if (check_declared_size(gz, path, size, ndims, out, err, errlen))
			rc = -1;
		else if (keep > out->count)
			rc = fail(err, errlen, "%s: holds %zu items, expected at least %zu", path,
			          out->count, keep);
	}
	if (rc == 0) {
		out->kept = keep;
		out->data = malloc(keep * out->rows * out->cols + 1);
		if (!out->data)
			rc = fail(err, errlen, "%s: out of memory for %zu items", path, keep);
	}
	if (rc == 0)
		rc = read_body(gz, path, out, err, errlen);
	/* A stream cut inside the gzip trailer yields all the data and only
	 * reports the missing trailer when closed. */
	int close_status = gzclose_r(gz);
	if (rc == 0 && close_status == Z_BUF_ERROR)
		rc = fail(err, errlen, "%s: truncated gzip stream (unexpected end of file)", path);
	else if (rc == 0 && close_status != Z_OK)
		rc = fail(err, errlen, "%s: read error on close (zlib status %d)", path,
		          close_status);
	if (rc != 0)
		idx_free(out);
	return rc;
}

void idx_free(idx_array *a)
{
	free(a->data);
	memset(a, 0, sizeof *a);
}
