/* load: see load.h. */
#include "load/load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "load/folded.h"
#include "load/legacy.h"
#include "load/pb_source.h"
#include "load/text.h"
#include "util/arena.h"
#include "util/limits.h"
#include "xform/demangle.h"
#include "xform/prune.h"

/* A file (or stdin) that holds more than the user allows is refused before it is decoded. */
static bool too_large(uint64_t max_size, prof_err *err)
{
	char lim[32];
	prof_size_str(lim, sizeof lim, max_size);
	return prof_errf(err, "is larger than %s " PROF_LIMIT_HINT, lim);
}

/* Reads all of fd into a malloc'd buffer, at most max_size bytes of it. */
static uint8_t *read_all(int fd, uint64_t max_size, size_t *len, prof_err *err)
{
	struct stat st;
	size_t cap = 1 << 16;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0)
		cap = (size_t)st.st_size + 1;
	uint8_t *buf = xmalloc(cap);
	size_t n = 0;
	for (;;) {
		if (n == cap)
			GROW(buf, cap, cap + 1);
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			prof_errf(err, "%s", strerror(errno));
			free(buf);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max_size) {
			too_large(max_size, err);
			free(buf);
			return NULL;
		}
	}
	*len = n;
	return buf;
}

static prof_profile *load_bytes(const uint8_t *data, size_t len, bool mapped, const char *name, uint64_t max_size,
                                prof_err *err);

prof_profile *prof_load_file(const char *path, prof_err *err)
{
	return prof_load_file_max(path, PROF_MAX_SIZE_DEFAULT, err);
}

prof_profile *prof_load_file_max(const char *path, uint64_t max_size, prof_err *err)
{
	int fd = 0;
	if (strcmp(path, "-") != 0) {
		fd = open(path, O_RDONLY);
		if (fd < 0) {
			prof_errf(err, "%s", strerror(errno));
			return NULL;
		}
	}
	struct stat st = {0};
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		prof_errf(err, "is a directory");
		return NULL;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > max_size) {
		if (fd != 0)
			close(fd);
		too_large(max_size, err);
		return NULL;
	}
	/* A regular file is mapped, not copied: one pass over the page cache. */
	if (fd != 0 && S_ISREG(st.st_mode) && st.st_size > 0 && (uint64_t)st.st_size < SIZE_MAX) {
		size_t len = (size_t)st.st_size;
		void *m = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m != MAP_FAILED) {
			madvise(m, len, MADV_SEQUENTIAL);
			close(fd);
			prof_profile *p = load_bytes(m, len, true, path, max_size, err);
			munmap(m, len);
			return p;
		}
	}
	size_t len = 0;
	uint8_t *data = read_all(fd, max_size, &len, err);
	if (fd != 0)
		close(fd);
	if (!data)
		return NULL;
	prof_profile *p = load_bytes(data, len, false, path, max_size, err);
	free(data);
	return p;
}

/*
 * Reads what is left of src into a malloc'd buffer; NULL with *err on bad
 * gzip data. The text is held whole, so it may take no more than the model
 * of a protobuf of the same file size (prof_model_budget): a small gzip'd
 * text cannot fill memory either.
 */
static uint8_t *read_source(pb_source *src, uint8_t *buf, size_t n, size_t *len, prof_err *err, bool *limit)
{
	size_t cap = n > 4096 ? n : 4096;
	uint64_t most = prof_model_budget(src->limit, src->inlen);
	buf = xrealloc(buf, cap);
	for (;;) {
		if (n == cap)
			GROW(buf, cap, cap + 1);
		size_t got = pb_source_read(src, buf + n, cap - n, err);
		if (got == SIZE_MAX) {
			*limit = src->over_limit;
			free(buf);
			return NULL;
		}
		if (got == 0)
			break;
		n += got;
		if (n > most) {
			*limit = true;
			char lim[32], in[32];
			prof_size_str(lim, sizeof lim, most);
			prof_size_str(in, sizeof in, src->inlen);
			prof_errf(err, "would take more than %s of memory for a file of %s " PROF_LIMIT_HINT, lim, in);
			free(buf);
			return NULL;
		}
	}
	*len = n;
	return buf;
}

/*
 * gzip'd input that inflates to a text or legacy profile: false when it does
 * not (or the gzip data is bad, which the protobuf path then reports);
 * otherwise the decoder's result in *out.
 */
static bool gzip_text(const uint8_t *data, size_t len, uint64_t max_size, prof_profile **out, prof_err *err)
{
	pb_source src;
	pb_source_init_gzip(&src, data, len, false);
	src.limit = max_size;
	prof_err gzerr = {0};
	uint8_t *buf = xmalloc(512);
	size_t n = 0, got;
	while (n < 512 && (got = pb_source_read(&src, buf + n, 512 - n, &gzerr)) != 0 && got != SIZE_MAX)
		n += got;
	bool text = false;
	if (!gzerr.set && (prof_text_head(buf, n) || prof_legacy_binary_head(buf, n))) {
		bool limit = false;
		buf = read_source(&src, buf, n, &n, &gzerr, &limit);
		if (limit) {
			/* Past a limit: final (the protobuf path would only inflate it all again). */
			text = true;
			*out = NULL;
			prof_errf(err, "%s", gzerr.msg);
		} else if (buf && prof_legacy_sniff(buf, n)) {
			text = true;
			*out = prof_decode_legacy(buf, n, err);
		} else if (buf && prof_text_sniff(buf, n)) {
			text = true;
			*out = prof_decode_text(buf, n, err);
		}
	}
	free(buf);
	pb_source_close(&src);
	return text;
}

/*
 * Text and legacy profiles are told from protobuf by their content, after
 * gunzip; legacy first, as the runtime's text parser would take a C++
 * contentionz or heap profile for Go's and stop at its memory map.
 */
/* mapped: data is a private read-only file mapping, whose read pages may be dropped. */
/* name: shown in the progress line of a long load (NULL: none). */
static prof_profile *decode(const uint8_t *data, size_t len, bool mapped, const char *name, uint64_t max_size,
                            bool *folded, prof_err *err)
{
	if (len == 0) {
		prof_errf(err, "empty input");
		return NULL;
	}
	if (len > max_size) {
		too_large(max_size, err);
		return NULL;
	}
	bool gz = len >= 2 && data[0] == 0x1f && data[1] == 0x8b;
	if (!gz && prof_legacy_sniff(data, len))
		return prof_decode_legacy(data, len, err);
	if (!gz && prof_text_sniff(data, len))
		return prof_decode_text_mapped(data, len, mapped, err);
	if (!gz && prof_folded_sniff(data, len)) {
		*folded = true;
		return prof_decode_folded(data, len, err);
	}
	prof_profile *p = NULL;
	if (gz && gzip_text(data, len, max_size, &p, err))
		return p;
	pb_source src;
	if (gz)
		pb_source_init_gzip(&src, data, len, false);
	else
		pb_source_init_mem(&src, data, len);
	src.limit = max_size;
	src.drop_input = mapped;
	pb_source_progress(&src, name);
	if (gz && len > (1u << 20))
		pb_source_thread(&src); /* a thread pays off on big files */
	p = prof_decode_pb_stream(&src, err);
	pb_source_close(&src);
	return p;
}

/*
 * pprof names functions (demangles) and applies a profile's drop_frames
 * right after loading it; so does prof. Folded stacks, which pprof does not
 * read, keep the names their tool wrote: pprof's simplification would blank
 * py-spy's "<module> (app.py:3)".
 */
static prof_profile *load_bytes(const uint8_t *data, size_t len, bool mapped, const char *name, uint64_t max_size,
                                prof_err *err)
{
	bool folded = false;
	prof_profile *p = decode(data, len, mapped, name, max_size, &folded, err);
	if (p && !folded)
		prof_demangle(p);
	if (p)
		prof_remove_uninteresting(p);
	return p;
}

prof_profile *prof_load_bytes(const uint8_t *data, size_t len, prof_err *err)
{
	return load_bytes(data, len, false, NULL, PROF_MAX_SIZE_DEFAULT, err);
}

prof_profile *prof_load_bytes_max(const uint8_t *data, size_t len, uint64_t max_size, prof_err *err)
{
	return load_bytes(data, len, false, NULL, max_size, err);
}
