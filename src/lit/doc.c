/* doc.c -- find and parse the lindyn blocks of a Markdown document. */
#include "doc.h"
#include <limits.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../host/below_cwd.h"
#include "../host/regular_file.h"

static const struct {
	const char *info;
	block_kind kind;
	const char *keys; /* the keys a block of this kind may hold */
	const char *once; /* those of them it may hold once only */
} kinds[] = {
	{ "lindyn-experiment", BLOCK_EXPERIMENT,
	  " name plugin seed seeds set sweep aggregate quick quick-sweep expect tolerance ",
	  " name plugin seed seeds expect tolerance " },
	{ "lindyn-figure", BLOCK_FIGURE, " name script data caption ", " name script caption " },
	/* a claim's repeated key is that claim's ERROR (claims.c), not the document's */
	{ "lindyn-claim", BLOCK_CLAIM, " id claim paper let measure expect known quick tolerance ",
	  " " },
};

/* Reads a whole document: a regular file of at most DOC_MAX_BYTES. */
static char *read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = regular_file_open(path, err, errlen);
	if (!f)
		return NULL;
	struct stat st;
	if (fstat(fileno(f), &st) || st.st_size > DOC_MAX_BYTES) {
		snprintf(err, errlen, "%s: document is %lld bytes, more than the limit of %d (16 MiB)",
		         path, (long long)st.st_size, DOC_MAX_BYTES);
		fclose(f);
		return NULL;
	}
	/* One byte more than the limit: a file that grew since fstat is caught too. */
	char *buf = malloc((size_t)DOC_MAX_BYTES + 2);
	*len = buf ? fread(buf, 1, (size_t)DOC_MAX_BYTES + 1, f) : 0;
	int failed = !buf || ferror(f);
	fclose(f);
	if (failed || *len > DOC_MAX_BYTES) {
		snprintf(err, errlen, failed ? "%s: cannot read" : "%s: document grew beyond %d bytes",
		         path, DOC_MAX_BYTES);
		free(buf);
		return NULL;
	}
	buf[*len] = 0;
	return buf;
}

/* A NUL byte would silently end the text early: name its line instead. */
static int check_no_nul(const char *path, const char *text, size_t len, char *err,
                        size_t errlen)
{
	const char *nul = memchr(text, 0, len);
	if (!nul)
		return 0;
	int line = 1;
	for (const char *c = text; c < nul; c++)
		line += *c == '\n';
	snprintf(err, errlen, "%s:%d: NUL byte in the document (expected text)", path, line);
	return -1;
}

static char *trim(char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	char *e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = 0;
	return s;
}

/* Parses one "key: value" body line into b; 0 or -1 with err set. */
static int add_field(const doc *d, block *b, const char *keys, const char *once, char *line,
                     int lineno, char *err, size_t errlen)
{
	char *colon = strchr(line, ':');
	if (!colon) {
		snprintf(err, errlen, "%s:%d: expected 'key: value', found '%.60s'", d->path, lineno,
		         line);
		return -1;
	}
	*colon = 0;
	char *key = trim(line), *value = trim(colon + 1), pattern[72];
	snprintf(pattern, sizeof pattern, " %.64s ", key);
	if (!strcmp(key, "uses") && strstr(keys, " data ")) {
		snprintf(err, errlen, "%s:%d: 'uses:' is replaced by one line per table read, "
		         "'data: NAME = EXP[key=value, ...]/TABLE' (paper/FORMAT.md)", d->path, lineno);
		return -1;
	}
	if (!*key || strstr(keys, pattern) == NULL) {
		snprintf(err, errlen, "%s:%d: unknown key '%s' (expected one of:%s)", d->path,
		         lineno, key, keys);
		return -1;
	}
	const block_field *first = strstr(once, pattern) ? block_field_get(b, key) : NULL;
	if (first) {
		snprintf(err, errlen, "%s:%d: key '%s' given twice in one block (first at line %d)",
		         d->path, lineno, key, first->line);
		return -1;
	}
	block_field *grown = realloc(b->fields, (b->nfields + 1) * sizeof *grown);
	if (!grown) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	b->fields = grown;
	block_field *f = &b->fields[b->nfields++];
	f->key = strdup(key);
	f->value = strdup(value);
	f->line = lineno;
	if (!f->key || !f->value) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int doc_load(doc *d, const char *path, char *err, size_t errlen)
{
	memset(d, 0, sizeof *d);
	d->path = strdup(path);
	const char *base = strrchr(path, '/');
	d->name = strdup(base ? base + 1 : path);
	if (!d->path || !d->name) {
		snprintf(err, errlen, "out of memory");
		doc_free(d);
		return -1;
	}
	char *dot = strrchr(d->name, '.');
	if (dot)
		*dot = 0;
	size_t len;
	if (!(d->source = read_file(path, &len, err, errlen)) ||
	    check_no_nul(path, d->source, len, err, errlen))
		goto fail;

	block *cur = NULL;
	const char *keys = NULL, *once = NULL;
	size_t body_start = 0;
	int lineno = 0;
	for (char *p = d->source; *p;) {
		char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char line[4096];
		lineno++;
		if (len >= sizeof line) {
			snprintf(err, errlen, "%s:%d: line longer than %zu characters", path, lineno,
			         sizeof line - 1);
			goto fail;
		}
		memcpy(line, p, len);
		line[len] = 0;
		size_t offset = (size_t)(p - d->source);
		p = nl ? nl + 1 : p + len;
		char *t = trim(line);
		if (!cur) {
			if (strncmp(t, "```", 3) || strncmp(t + 3, "lindyn", 6))
				continue;
			char *info = trim(t + 3);
			size_t k = 0;
			while (k < sizeof kinds / sizeof *kinds && strcmp(info, kinds[k].info))
				k++;
			if (k == sizeof kinds / sizeof *kinds) {
				snprintf(err, errlen,
				         "%s:%d: unknown block '%s' (expected lindyn-experiment, lindyn-figure or lindyn-claim)",
				         path, lineno, info);
				goto fail;
			}
			block *grown = realloc(d->blocks, (d->nblocks + 1) * sizeof *grown);
			if (!grown) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
			d->blocks = grown;
			cur = &d->blocks[d->nblocks++];
			memset(cur, 0, sizeof *cur);
			cur->kind = kinds[k].kind;
			cur->line = lineno;
			keys = kinds[k].keys;
			once = kinds[k].once;
			body_start = (size_t)(p - d->source);
			continue;
		}
		if (!strcmp(t, "```")) {
			cur->end_line = lineno;
			cur->body = strndup(d->source + body_start, offset - body_start);
			cur = NULL;
			if (!d->blocks[d->nblocks - 1].body) {
				snprintf(err, errlen, "out of memory");
				goto fail;
			}
			continue;
		}
		if (!strncmp(t, "```", 3)) {
			snprintf(err, errlen, "%s:%d: block is not closed with ``` (line %d opens a fence)",
			         path, cur->line, lineno);
			goto fail;
		}
		char *hash = strstr(t, " #"); /* trailing comment (experiments only: prose
		                                  * in claims and captions may hold '#') */
		if (hash && cur->kind == BLOCK_EXPERIMENT)
			*hash = 0;
		t = trim(t);
		if (*t == 0 || *t == '#')
			continue;
		if (add_field(d, cur, keys, once, t, lineno, err, errlen))
			goto fail;
	}
	if (cur) {
		snprintf(err, errlen, "%s:%d: block is not closed with ```", path, cur->line);
		goto fail;
	}
	return 0;
fail: /* nothing of a document that failed to load stays allocated */
	doc_free(d);
	return -1;
}

void doc_free(doc *d)
{
	for (size_t i = 0; i < d->nblocks; i++) {
		for (size_t j = 0; j < d->blocks[i].nfields; j++) {
			free(d->blocks[i].fields[j].key);
			free(d->blocks[i].fields[j].value);
		}
		free(d->blocks[i].fields);
		free(d->blocks[i].body);
	}
	free(d->blocks);
	free(d->source);
	free(d->path);
	free(d->name);
	memset(d, 0, sizeof *d);
}

const block_field *block_field_get(const block *b, const char *key)
{
	for (size_t i = 0; i < b->nfields; i++)
		if (!strcmp(b->fields[i].key, key))
			return &b->fields[i];
	return NULL;
}

const block_field *block_require(const doc *d, const block *b, const char *key, char *err,
                                 size_t errlen)
{
	const block_field *f = block_field_get(b, key);
	if (!f || !*f->value)
		snprintf(err, errlen, "%s:%d: block lacks required key '%s'", d->path, b->line, key);
	return f && *f->value ? f : NULL;
}

/* Lexically normalises path into out ("." and "x/.." removed, a leading
 * '/' kept); -1 when a ".." climbs above the start or out is too small. */
static int normalise_path(char *path, char *out, size_t len)
{
	size_t n = 0; /* out[0..n) is the normalised path so far */
	int absolute = path[0] == '/';
	if (absolute)
		out[n++] = '/';
	for (char *save = NULL, *c = strtok_r(path, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
		if (!strcmp(c, "."))
			continue;
		if (!strcmp(c, "..")) {
			if (n <= (size_t)absolute)
				return -1;
			char *up = memrchr(out, '/', n);
			n = up ? (size_t)(up - out) : 0;
			n += absolute && !n;
			continue;
		}
		size_t clen = strlen(c), sep = n > (size_t)absolute;
		if (n + sep + clen + 1 > len)
			return -1;
		if (sep)
			out[n++] = '/';
		memcpy(out + n, c, clen);
		n += clen;
	}
	out[n] = 0;
	return n > (size_t)absolute ? 0 : -1;
}

int doc_resolve_path(const doc *d, const char *value, char *out, size_t len)
{
	const char *slash = strrchr(d->path, '/');
	char dir[PATH_MAX], docdir[PATH_MAX], joined[2 * PATH_MAX];
	if (!slash)
		snprintf(dir, sizeof dir, ".");
	else if (slash == d->path)
		snprintf(dir, sizeof dir, "/");
	else
		snprintf(dir, sizeof dir, "%.*s", (int)(slash - d->path), d->path);
	/* From the document's directory as the kernel sees it, so that a
	 * document given as ../x/e.md or /abs/e.md resolves alike. */
	if (!*value || *value == '/' || !realpath(dir, docdir) ||
	    snprintf(joined, sizeof joined, "%s/%s", docdir, value) >= (int)sizeof joined ||
	    normalise_path(joined, out, len))
		return -1;
	const char *rel = below_cwd(out);
	if (rel) {
		memmove(out, rel, strlen(rel) + 1);
		return 0;
	}
	return path_below(out, docdir) ? 0 : -1;
}
