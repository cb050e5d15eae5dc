/* inflate: see inflate.h. */
#include "util/inflate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#ifdef PROF_HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif

struct gz_stream {
	const uint8_t *in;
	size_t inlen, inpos;
	uint64_t produced; /* bytes handed out so far */
	bool ended;
	bool zlib, zinit;  /* inflating with zlib (from the start, or since a replay) */
	z_stream zs;
	char msg[160];
#ifdef PROF_HAVE_ISAL
	struct inflate_state *st;
	uint32_t member_out; /* bytes of the current member, mod 2^32 (its ISIZE) */
#endif
};

bool gz_fast(void)
{
#ifdef PROF_HAVE_ISAL
	return true;
#else
	return false;
#endif
}

gz_stream *gz_open(const uint8_t *data, size_t len)
{
	gz_stream *z = calloc(1, sizeof *z);
	if (!z)
		return NULL;
	z->in = data;
	z->inlen = len;
	z->zlib = true;
#ifdef PROF_HAVE_ISAL
	z->st = malloc(sizeof *z->st);
	if (z->st) {
		isal_inflate_init(z->st);
		z->st->crc_flag = ISAL_GZIP;
		z->zlib = false;
	}
#endif
	return z;
}

const char *gz_msg(const gz_stream *z)
{
	return z->msg;
}

size_t gz_inpos(const gz_stream *z)
{
	return z->inpos;
}

/* zlib: the reference behaviour, member after member. */
static gz_status zlib_read(gz_stream *z, uint8_t *buf, size_t n, size_t *got)
{
	*got = 0;
	if (z->ended)
		return GZ_END;
	if (!z->zinit) {
		if (inflateInit2(&z->zs, 15 + 16) != Z_OK)
			return GZ_NOMEM;
		z->zinit = true;
	}
	size_t produced = 0;
	gz_status st = GZ_OK;
	while (produced < n) {
		size_t in_left = z->inlen - z->inpos;
		/* zlib counts in uInt: feed and drain at most 1 GiB at a time. */
		z->zs.next_in = (Bytef *)(z->in + z->inpos);
		z->zs.avail_in = (uInt)(in_left > (1u << 30) ? (1u << 30) : in_left);
		size_t room = n - produced;
		z->zs.next_out = buf + produced;
		z->zs.avail_out = (uInt)(room > (1u << 30) ? (1u << 30) : room);
		uInt before_in = z->zs.avail_in, before_out = z->zs.avail_out;
		int rc = inflate(&z->zs, Z_NO_FLUSH);
		z->inpos += before_in - z->zs.avail_in;
		produced += before_out - z->zs.avail_out;
		if (rc == Z_STREAM_END) {
			/* Another gzip member may follow, as Go's reader allows. */
			if (z->inpos < z->inlen && z->in[z->inpos] == 0x1f) {
				inflateReset(&z->zs);
				continue;
			}
			z->ended = true;
			st = GZ_END;
			break;
		}
		if (rc == Z_BUF_ERROR && z->inpos == z->inlen && z->zs.avail_out != 0) {
			st = GZ_TRUNCATED;
			break;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			snprintf(z->msg, sizeof z->msg, "%s", z->zs.msg ? z->zs.msg : "bad data");
			st = GZ_CORRUPT;
			break;
		}
	}
	*got = produced;
	z->produced += produced;
	return st;
}

#ifdef PROF_HAVE_ISAL
/*
 * Leaves ISA-L for zlib: inflates the input again from its start, dropping
 * the bytes already handed out, then goes on with zlib. Only damaged data
 * (or a header ISA-L would read differently) comes here.
 */
static gz_status to_zlib(gz_stream *z, uint8_t *buf, size_t n, size_t *got)
{
	free(z->st);
	z->st = NULL;
	z->zlib = true;
	uint64_t skip = z->produced;
	z->produced = 0;
	z->inpos = 0;
	z->ended = false;
	uint8_t scratch[16384];
	while (z->produced < skip) {
		uint64_t left = skip - z->produced;
		size_t k;
		gz_status st = zlib_read(z, scratch, left < sizeof scratch ? (size_t)left : sizeof scratch, &k);
		if (st != GZ_OK) {
			*got = 0;
			return st;
		}
	}
	return zlib_read(z, buf, n, got);
}

/* A gzip header ISA-L and zlib read alike: deflate, no reserved flags. */
static bool plain_header(const gz_stream *z)
{
	size_t left = z->inlen - z->inpos;
	const uint8_t *h = z->in + z->inpos;
	return left >= 10 && h[0] == 0x1f && h[1] == 0x8b && h[2] == 8 && (h[3] & 0xe0) == 0;
}

static gz_status isal_read(gz_stream *z, uint8_t *buf, size_t n, size_t *got)
{
	struct inflate_state *st = z->st;
	size_t produced = 0;
	*got = 0;
	if (z->inpos == 0 && z->produced == 0 && st->block_state == ISAL_BLOCK_NEW_HDR && !plain_header(z))
		return to_zlib(z, buf, n, got);
	while (produced < n) {
		size_t in_left = z->inlen - z->inpos;
		st->next_in = (uint8_t *)(z->in + z->inpos);
		st->avail_in = (uint32_t)(in_left > (1u << 30) ? (1u << 30) : in_left);
		size_t room = n - produced;
		st->next_out = buf + produced;
		st->avail_out = (uint32_t)(room > (1u << 30) ? (1u << 30) : room);
		uint32_t before_in = st->avail_in, before_out = st->avail_out;
		int rc = isal_inflate(st);
		size_t used = before_in - st->avail_in, out = before_out - st->avail_out;
		z->inpos += used;
		produced += out;
		z->member_out += (uint32_t)out;
		if (rc < 0)
			goto replay;
		if (st->block_state == ISAL_BLOCK_FINISH) {
			/* ISA-L checks the CRC; the length (ISIZE) is checked here. */
			const uint8_t *t = z->in + z->inpos - 4;
			uint32_t isize = (uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;
			if (z->inpos < 18 || isize != z->member_out)
				goto replay;
			if (z->inpos < z->inlen && z->in[z->inpos] == 0x1f) {
				if (!plain_header(z))
					goto replay;
				isal_inflate_reset(st);
				st->crc_flag = ISAL_GZIP;
				z->member_out = 0;
				continue;
			}
			z->ended = true;
			*got = produced;
			z->produced += produced;
			return GZ_END;
		}
		if (st->avail_out != 0 && (z->inpos == z->inlen || (used == 0 && out == 0)))
			goto replay; /* truncated (or stuck): zlib says which */
	}
	*got = produced;
	z->produced += produced;
	return GZ_OK;
replay:
	/* This call's bytes are dropped: zlib makes them again, or says why not. */
	return to_zlib(z, buf, n, got);
}
#endif

gz_status gz_read(gz_stream *z, uint8_t *buf, size_t n, size_t *got)
{
	*got = 0;
	if (z->ended)
		return GZ_END;
	if (n == 0)
		return GZ_OK;
#ifdef PROF_HAVE_ISAL
	if (!z->zlib)
		return isal_read(z, buf, n, got);
#endif
	return zlib_read(z, buf, n, got);
}

void gz_close(gz_stream *z)
{
	if (!z)
		return;
	if (z->zinit)
		inflateEnd(&z->zs);
#ifdef PROF_HAVE_ISAL
	free(z->st);
#endif
	free(z);
}
