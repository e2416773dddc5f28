/* cache.c -- the frozen-model store (see cache.h). */
#include "cache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char magic[8] = { 'L', 'F', 'M', 'C', 'A', 'C', 'H', 'E' };
#define BYTE_ORDER_MARK 0x01020304u

/* Header offsets. */
enum { H_MAGIC = 0, H_FORMAT = 8, H_BOM = 12, H_KEY = 16, H_SIZE = 32, H_SUM = 40 };

static void header_write(uint8_t h[CACHE_HEADER], const uint8_t key[HASH128_BYTES],
                         uint64_t size, const uint8_t sum[HASH128_BYTES])
{
	uint32_t format = CACHE_FORMAT, bom = BYTE_ORDER_MARK;
	memset(h, 0, CACHE_HEADER);
	memcpy(h + H_MAGIC, magic, sizeof magic);
	memcpy(h + H_FORMAT, &format, sizeof format);
	memcpy(h + H_BOM, &bom, sizeof bom);
	memcpy(h + H_KEY, key, HASH128_BYTES);
	memcpy(h + H_SIZE, &size, sizeof size);
	memcpy(h + H_SUM, sum, HASH128_BYTES);
}

/* What is wrong with a header (NULL when it announces `key` and `size`). */
static const char *header_problem(const uint8_t h[CACHE_HEADER],
                                  const uint8_t key[HASH128_BYTES], uint64_t size)
{
	uint32_t format, bom;
	uint64_t got;
	memcpy(&format, h + H_FORMAT, sizeof format);
	memcpy(&bom, h + H_BOM, sizeof bom);
	memcpy(&got, h + H_SIZE, sizeof got);
	if (memcmp(h + H_MAGIC, magic, sizeof magic))
		return "not a cache entry (bad magic)";
	if (bom != BYTE_ORDER_MARK)
		return "written on a machine of another byte order";
	if (format != CACHE_FORMAT)
		return "another cache format version";
	if (memcmp(h + H_KEY, key, HASH128_BYTES))
		return "holds another key than its name";
	if (got != size)
		return "declares another payload size than its key implies";
	return NULL;
}

int cache_path(const char *dir, const uint8_t key[HASH128_BYTES], char *out, size_t len)
{
	char hex[HASH128_HEX];
	hash128_hex(key, hex);
	int n = snprintf(out, len, "%s/lora_fmnist-%s.bin", dir, hex);
	return n >= 0 && (size_t)n < len ? 0 : -1;
}

static cache_lookup bad(char *why, size_t whylen, const char *path, const char *what)
{
	snprintf(why, whylen, "%s: %s", path, what);
	return CACHE_BAD;
}

cache_lookup cache_open(const char *dir, const uint8_t key[HASH128_BYTES], size_t size,
                        cache_entry *e, char *why, size_t whylen)
{
	char path[4200];
	*e = (cache_entry){ 0 };
	if (cache_path(dir, key, path, sizeof path))
		return bad(why, whylen, dir, "cache directory name too long");
	/* O_NONBLOCK: a FIFO under the entry's name must not block the run. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? CACHE_ABSENT
		                                          : bad(why, whylen, path, strerror(errno));
	struct stat st;
	uint8_t h[CACHE_HEADER];
	const char *problem = NULL;
	if (fstat(fd, &st))
		problem = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		problem = "not a regular file";
	else if ((uint64_t)st.st_size < CACHE_HEADER ||
	         pread(fd, h, CACHE_HEADER, 0) != CACHE_HEADER)
		problem = "truncated header";
	else if ((problem = header_problem(h, key, size)) == NULL &&
	         (uint64_t)st.st_size != CACHE_HEADER + (uint64_t)size)
		problem = (uint64_t)st.st_size < CACHE_HEADER + (uint64_t)size ? "truncated payload"
		                                                                : "trailing bytes";
	if (problem) {
		close(fd);
		return bad(why, whylen, path, problem);
	}
	int flags = MAP_PRIVATE;
#ifdef MAP_POPULATE
	flags |= MAP_POPULATE;  /* one pass over the page tables, not a fault per page */
#endif
	void *map = mmap(NULL, CACHE_HEADER + size, PROT_READ, flags, fd, 0);
	int map_errno = errno;
	close(fd);
	if (map == MAP_FAILED)
		return bad(why, whylen, path, strerror(map_errno));
	uint8_t sum[HASH128_BYTES];
	hash128_of((const uint8_t *)map + CACHE_HEADER, size, sum);
	if (memcmp(sum, (const uint8_t *)map + H_SUM, HASH128_BYTES)) {
		munmap(map, CACHE_HEADER + size);
		return bad(why, whylen, path, "payload checksum mismatch (corrupt)");
	}
	*e = (cache_entry){ .payload = (const uint8_t *)map + CACHE_HEADER, .size = size,
	                    .map = map, .maplen = CACHE_HEADER + size };
	return CACHE_HIT;
}

void cache_close(cache_entry *e)
{
	if (e->map)
		munmap(e->map, e->maplen);
	*e = (cache_entry){ 0 };
}

/* mkdir -p: every missing component of dir, then dir must be a directory. */
static int make_dirs(const char *dir, char *why, size_t whylen)
{
	char path[4096];
	if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
		snprintf(why, whylen, "cache directory '%.64s...': name too long", dir);
		return -1;
	}
	for (char *p = path + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(path, 0777) && errno != EEXIST) {
				snprintf(why, whylen, "cannot create %s: %s", path, strerror(errno));
				return -1;
			}
			*p = '/';
		}
	struct stat st;
	if (mkdir(path, 0777) && errno != EEXIST) {
		snprintf(why, whylen, "cannot create %s: %s", path, strerror(errno));
		return -1;
	}
	if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
		snprintf(why, whylen, "%s: not a directory", path);
		return -1;
	}
	return 0;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int cache_store(const char *dir, const uint8_t key[HASH128_BYTES], const void *payload,
                size_t size, char *why, size_t whylen)
{
	char path[4200], tmp[4300], hex[HASH128_HEX];
	if (make_dirs(dir, why, whylen))
		return -1;
	hash128_hex(key, hex);
	if (cache_path(dir, key, path, sizeof path) ||
	    snprintf(tmp, sizeof tmp, "%s/.lora_fmnist-%s.XXXXXX", dir, hex) >= (int)sizeof tmp) {
		snprintf(why, whylen, "cache directory '%.64s...': name too long", dir);
		return -1;
	}
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(why, whylen, "cannot create a file in %s: %s", dir, strerror(errno));
		return -1;
	}
	uint8_t h[CACHE_HEADER], sum[HASH128_BYTES];
	hash128_of(payload, size, sum);
	header_write(h, key, size, sum);
	int failed = fchmod(fd, 0644) || write_all(fd, h, sizeof h) || write_all(fd, payload, size);
	int err = errno;
	if (close(fd) && !failed) {
		failed = 1;
		err = errno;
	}
	if (!failed && rename(tmp, path)) {
		failed = 1;
		err = errno;
	}
	if (failed) {
		unlink(tmp);
		snprintf(why, whylen, "cannot write %s: %s", path, strerror(err));
		return -1;
	}
	return 0;
}
