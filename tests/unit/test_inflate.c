/*
 * Unit tests: util/inflate, the gzip reader behind every compressed
 * profile (ISA-L when the build has it, zlib otherwise): several members,
 * truncation and damage get zlib's verdict, and reading in any piece size
 * gives the same bytes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/inflate.h"

typedef struct buf {
	uint8_t *d;
	size_t n, cap;
} buf;

static void put(buf *b, const void *d, size_t n)
{
	if (n == 0)
		return;
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2;
		b->d = realloc(b->d, b->cap);
		assert_non_null(b->d);
	}
	memcpy(b->d + b->n, d, n);
	b->n += n;
}

/* Appends one gzip member holding data. */
static void gzip_member(buf *out, const uint8_t *data, size_t n)
{
	z_stream zs = {0};
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&zs, n) + 64;
	uint8_t *tmp = malloc(cap);
	zs.next_in = (Bytef *)data;
	zs.avail_in = (uInt)n;
	zs.next_out = tmp;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	put(out, tmp, cap - zs.avail_out);
	deflateEnd(&zs);
	free(tmp);
}

/* Profile-like bytes: varints of small numbers with some repetition. */
static uint8_t *sample_data(size_t n, uint32_t seed)
{
	uint8_t *d = malloc(n);
	uint32_t x = seed;
	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		d[i] = (x >> 16) % 7 == 0 ? (uint8_t)(x >> 24) : (uint8_t)(i / 97 % 31);
	}
	return d;
}

/* Reads everything in pieces of `piece` bytes; returns the final status. */
static gz_status read_all(const buf *gz, size_t piece, buf *out)
{
	gz_stream *z = gz_open(gz->d, gz->n);
	assert_non_null(z);
	uint8_t *tmp = malloc(piece);
	gz_status st;
	for (;;) {
		size_t got;
		st = gz_read(z, tmp, piece, &got);
		put(out, tmp, got);
		if (st != GZ_OK)
			break;
		assert_true(got > 0);
	}
	free(tmp);
	gz_close(z);
	return st;
}

static void one_member_any_piece(void **state)
{
	(void)state;
	size_t n = 3 << 20;
	uint8_t *d = sample_data(n, 1);
	buf gz = {0};
	gzip_member(&gz, d, n);
	static const size_t pieces[] = {1 << 20, 256 << 10, 65536, 4093, 17};
	for (size_t i = 0; i < sizeof pieces / sizeof *pieces; i++) {
		buf out = {0};
		assert_int_equal(read_all(&gz, pieces[i], &out), GZ_END);
		assert_int_equal(out.n, n);
		assert_memory_equal(out.d, d, n);
		free(out.d);
	}
	free(gz.d);
	free(d);
}

/* Members one after another, as Go's gzip reader reads them; an empty one too. */
static void several_members(void **state)
{
	(void)state;
	buf gz = {0}, want = {0};
	for (uint32_t m = 0; m < 4; m++) {
		size_t n = m == 2 ? 0 : (size_t)(m + 1) * 300000;
		uint8_t *d = sample_data(n ? n : 1, m + 7);
		gzip_member(&gz, d, n);
		put(&want, d, n);
		free(d);
	}
	buf out = {0};
	assert_int_equal(read_all(&gz, 100000, &out), GZ_END);
	assert_int_equal(out.n, want.n);
	assert_memory_equal(out.d, want.d, want.n);
	/* Trailing bytes that are no gzip member are ignored. */
	put(&gz, "trailing", 8);
	free(out.d);
	out = (buf){0};
	assert_int_equal(read_all(&gz, 65536, &out), GZ_END);
	assert_int_equal(out.n, want.n);
	free(out.d);
	free(gz.d);
	free(want.d);
}

/* Cut anywhere: truncated, and what came out is a prefix of the data. */
static void truncated(void **state)
{
	(void)state;
	size_t n = 1 << 20;
	uint8_t *d = sample_data(n, 3);
	buf gz = {0};
	gzip_member(&gz, d, n);
	size_t full = gz.n;
	static const size_t cuts[] = {1, 5, 10, 11, 100, 5000, 2, 8, 4, 1};
	for (size_t i = 0; i < sizeof cuts / sizeof *cuts; i++) {
		size_t cut = i < 5 ? cuts[i] : (i == 5 ? full / 2 : full - cuts[i]);
		buf part = {gz.d, cut, cut};
		buf out = {0};
		gz_status st = read_all(&part, 65536, &out);
		if (st != GZ_TRUNCATED)
			print_message("cut %zu of %zu: %d\n", cut, full, st);
		assert_int_equal(st, GZ_TRUNCATED);
		assert_true(out.n <= n);
		if (out.n)
			assert_memory_equal(out.d, d, out.n);
		free(out.d);
	}
	free(gz.d);
	free(d);
}

static gz_status damaged(const buf *gz, size_t at, uint8_t x, char *msg, size_t msgsize)
{
	buf bad = {0};
	put(&bad, gz->d, gz->n);
	bad.d[at] ^= x;
	gz_stream *z = gz_open(bad.d, bad.n);
	uint8_t *tmp = malloc(1 << 20);
	gz_status st;
	size_t got;
	while ((st = gz_read(z, tmp, 1 << 20, &got)) == GZ_OK)
		;
	snprintf(msg, msgsize, "%s", gz_msg(z));
	gz_close(z);
	free(tmp);
	free(bad.d);
	return st;
}

/* Damage gets zlib's words, whichever inflater runs. */
static void corrupt(void **state)
{
	(void)state;
	size_t n = 2 << 20;
	uint8_t *d = sample_data(n, 5);
	buf gz = {0};
	gzip_member(&gz, d, n);
	char msg[160];
	assert_int_equal(damaged(&gz, gz.n - 6, 0x40, msg, sizeof msg), GZ_CORRUPT); /* CRC */
	assert_string_equal(msg, "incorrect data check");
	assert_int_equal(damaged(&gz, gz.n - 2, 0x01, msg, sizeof msg), GZ_CORRUPT); /* ISIZE */
	assert_string_equal(msg, "incorrect length check");
	assert_int_equal(damaged(&gz, 3, 0x80, msg, sizeof msg), GZ_CORRUPT); /* reserved flag */
	assert_string_equal(msg, "unknown header flags set");
	assert_int_equal(damaged(&gz, 2, 0x01, msg, sizeof msg), GZ_CORRUPT); /* method */
	assert_string_equal(msg, "unknown compression method");
	assert_int_equal(damaged(&gz, 1, 0x01, msg, sizeof msg), GZ_CORRUPT); /* magic */
	assert_string_equal(msg, "incorrect header check");
	/* A flipped bit in the middle: corrupt either way (a bad block or the check). */
	for (size_t at = 10; at < gz.n - 8; at += gz.n / 7)
		assert_int_equal(damaged(&gz, at, 0x10, msg, sizeof msg), GZ_CORRUPT);
	/* A second member that is damaged, after a good one. */
	buf two = {0};
	put(&two, gz.d, gz.n);
	put(&two, gz.d, gz.n);
	assert_int_equal(damaged(&two, two.n - 6, 0x40, msg, sizeof msg), GZ_CORRUPT);
	assert_string_equal(msg, "incorrect data check");
	free(two.d);
	free(gz.d);
	free(d);
}

/* A bomb is read as far as the caller wants, never all at once. */
static void bomb_in_pieces(void **state)
{
	(void)state;
	size_t n = 64 << 20;
	uint8_t *zeros = calloc(1, n);
	buf gz = {0};
	gzip_member(&gz, zeros, n);
	assert_true(gz.n < n / 500);
	gz_stream *z = gz_open(gz.d, gz.n);
	uint8_t tmp[65536];
	size_t got, total = 0;
	for (int i = 0; i < 10; i++) {
		assert_int_equal(gz_read(z, tmp, sizeof tmp, &got), GZ_OK);
		assert_int_equal(got, sizeof tmp);
		total += got;
	}
	assert_true(gz_inpos(z) < gz.n);
	assert_int_equal(total, 10 * sizeof tmp);
	gz_close(z);
	free(gz.d);
	free(zeros);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_member_any_piece),
		cmocka_unit_test(several_members),
		cmocka_unit_test(truncated),
		cmocka_unit_test(corrupt),
		cmocka_unit_test(bomb_in_pieces),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
