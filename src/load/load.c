/* load: see load.h. */
#include "load/load.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "util/arena.h"
#include "xform/prune.h"

/* Reads all of fd into a malloc'd buffer. */
static uint8_t *read_all(int fd, size_t *len, prof_err *err)
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
	}
	*len = n;
	return buf;
}

prof_profile *prof_load_file(const char *path, prof_err *err)
{
	int fd = 0;
	if (strcmp(path, "-") != 0) {
		fd = open(path, O_RDONLY);
		if (fd < 0) {
			prof_errf(err, "%s", strerror(errno));
			return NULL;
		}
		struct stat st;
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
			close(fd);
			prof_errf(err, "is a directory");
			return NULL;
		}
	}
	size_t len = 0;
	uint8_t *data = read_all(fd, &len, err);
	if (fd != 0)
		close(fd);
	if (!data)
		return NULL;
	prof_profile *p = prof_load_bytes(data, len, err);
	free(data);
	return p;
}

/*
 * Inflates gzip data, following concatenated members as Go's reader does.
 * Returns a malloc'd buffer or NULL with *err set.
 */
static uint8_t *gunzip(const uint8_t *in, size_t inlen, size_t *outlen, prof_err *err)
{
	z_stream zs;
	memset(&zs, 0, sizeof zs);
	if (inflateInit2(&zs, 15 + 16) != Z_OK) {
		prof_errf(err, "gzip: cannot initialize zlib");
		return NULL;
	}
	size_t cap = inlen < (SIZE_MAX / 8) ? inlen * 6 + 4096 : inlen;
	uint8_t *out = xmalloc(cap);
	size_t n = 0;
	zs.next_in = (Bytef *)in;
	int rc = Z_OK;
	size_t consumed = 0;
	for (;;) {
		if (n == cap)
			GROW(out, cap, cap + 1);
		/* zlib counts in uInt: feed and drain at most 1 GiB at a time. */
		size_t in_left = inlen - consumed;
		zs.avail_in = (uInt)(in_left > (1u << 30) ? (1u << 30) : in_left);
		size_t out_room = cap - n;
		zs.next_out = out + n;
		zs.avail_out = (uInt)(out_room > (1u << 30) ? (1u << 30) : out_room);
		uInt before_in = zs.avail_in, before_out = zs.avail_out;
		rc = inflate(&zs, Z_NO_FLUSH);
		consumed += before_in - zs.avail_in;
		n += before_out - zs.avail_out;
		if (rc == Z_STREAM_END) {
			/* Another gzip member may follow. */
			if (consumed < inlen && in[consumed] == 0x1f) {
				inflateReset(&zs);
				continue;
			}
			break;
		}
		if (rc == Z_BUF_ERROR && consumed == inlen && zs.avail_out != 0) {
			inflateEnd(&zs);
			free(out);
			prof_errf(err, "gzip data is truncated (ends after %zu compressed bytes)", inlen);
			return NULL;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			const char *why = zs.msg ? zs.msg : "corrupt data";
			prof_errf(err, "gzip data is corrupt: %s (at compressed byte %zu)", why, consumed);
			inflateEnd(&zs);
			free(out);
			return NULL;
		}
	}
	inflateEnd(&zs);
	*outlen = n;
	return out;
}

static prof_profile *decode(const uint8_t *data, size_t len, prof_err *err)
{
	if (len == 0) {
		prof_errf(err, "empty input");
		return NULL;
	}
	if (len >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
		size_t rawlen = 0;
		uint8_t *raw = gunzip(data, len, &rawlen, err);
		if (!raw)
			return NULL;
		prof_profile *p = NULL;
		if (rawlen == 0)
			prof_errf(err, "empty input (gzip data inflates to nothing)");
		else
			p = prof_decode_pb(raw, rawlen, err);
		free(raw);
		return p;
	}
	return prof_decode_pb(data, len, err);
}

/* pprof applies a profile's drop_frames right after loading it; so does prof. */
prof_profile *prof_load_bytes(const uint8_t *data, size_t len, prof_err *err)
{
	prof_profile *p = decode(data, len, err);
	if (p)
		prof_remove_uninteresting(p);
	return p;
}
