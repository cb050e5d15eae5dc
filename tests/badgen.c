/*
 * badgen: writes the hostile profiles of tests/broken.sh that are too big
 * to commit (fixtures/broken/generated/MANIFEST says what each one is).
 *
 *   badgen KIND FILE
 *
 * KIND is bomb, empty-strings, skipped-fields, text-bomb, big-label, locations,
 * wrapping-mapping or members. The protobuf is written by hand, field by
 * field, so each file is exactly the shape named; most are gzip'd.
 *
 * Huge bodies cost almost nothing to make: one MiB of the repeated pattern
 * is deflated once with Z_FULL_FLUSH (so its compressed bytes refer to no
 * earlier data) and those bytes are written again and again, with the CRC
 * of the whole computed by crc32_combine.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

typedef struct buf {
	uint8_t *d;
	size_t n, cap;
} buf;

static void die(const char *what)
{
	fprintf(stderr, "badgen: %s\n", what);
	exit(1);
}

static void put(buf *b, const void *p, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2;
		b->d = realloc(b->d, b->cap);
		if (!b->d)
			die("out of memory");
	}
	memcpy(b->d + b->n, p, n);
	b->n += n;
}

static void varint(buf *b, uint64_t v)
{
	uint8_t t[10];
	size_t n = 0;
	do {
		t[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0));
		v >>= 7;
	} while (v);
	put(b, t, n);
}

static void vfield(buf *b, unsigned num, uint64_t v)
{
	varint(b, (uint64_t)num << 3);
	varint(b, v);
}

static void lfield(buf *b, unsigned num, const void *p, size_t n)
{
	varint(b, (uint64_t)num << 3 | 2);
	varint(b, n);
	put(b, p, n);
}

static void str(buf *b, const char *s)
{
	lfield(b, 6, s, strlen(s));
}

/* A sample type (strings 1 and 2 are "samples" and "count") and one sample of value 1 at location 1. */
static void sample_part(buf *b, const buf *labels)
{
	buf m = {0};
	vfield(&m, 1, 1);
	vfield(&m, 2, 2);
	lfield(b, 1, m.d, m.n);
	m.n = 0;
	vfield(&m, 1, 1);
	vfield(&m, 2, 1);
	if (labels)
		put(&m, labels->d, labels->n);
	lfield(b, 2, m.d, m.n);
	free(m.d);
}

static void location(buf *b, uint64_t id, uint64_t mapping, uint64_t addr)
{
	buf m = {0};
	vfield(&m, 1, id);
	if (mapping)
		vfield(&m, 2, mapping);
	vfield(&m, 3, addr);
	lfield(b, 4, m.d, m.n);
	free(m.d);
}

static void write_file(const char *path, const void *d, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (!f || fwrite(d, 1, n, f) != n || fclose(f) != 0)
		die("cannot write the output");
}

/* One gzip member holding d[0..n), appended to out. */
static void gzip_member(buf *out, const uint8_t *d, size_t n, int level)
{
	z_stream zs = {0};
	if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		die("zlib");
	size_t cap = deflateBound(&zs, n);
	uint8_t *o = malloc(cap);
	if (!o)
		die("out of memory");
	zs.next_in = (Bytef *)d;
	zs.avail_in = (uInt)n;
	zs.next_out = o;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		die("zlib deflate");
	put(out, o, zs.total_out);
	deflateEnd(&zs);
	free(o);
}

static void write_gzip(const char *path, const buf *b, int level)
{
	buf out = {0};
	gzip_member(&out, b->d, b->n, level);
	write_file(path, out.d, out.n);
	free(out.d);
}

/* Raw deflate of d[0..n) ended by a full flush, appended to out. */
static void deflate_flush(z_stream *zs, buf *out, const uint8_t *d, size_t n, int flush)
{
	uint8_t o[1 << 16];
	zs->next_in = (Bytef *)d;
	zs->avail_in = (uInt)n;
	do {
		zs->next_out = o;
		zs->avail_out = sizeof o;
		if (deflate(zs, flush) == Z_STREAM_ERROR)
			die("zlib deflate");
		put(out, o, sizeof o - zs->avail_out);
	} while (zs->avail_out == 0 || zs->avail_in);
}

/*
 * A gzip file of head followed by chunks MiB-sized copies of pattern
 * (repeated to fill each chunk): a tiny file with a huge body.
 */
static void write_bomb(const char *path, const buf *head, const uint8_t *pat, size_t patn, size_t chunks)
{
	size_t cn = (1u << 20) / patn * patn;
	uint8_t *chunk = malloc(cn);
	if (!chunk)
		die("out of memory");
	for (size_t i = 0; i < cn; i += patn)
		memcpy(chunk + i, pat, patn);
	z_stream zs = {0};
	if (deflateInit2(&zs, 9, Z_DEFLATED, -15, 9, Z_DEFAULT_STRATEGY) != Z_OK)
		die("zlib");
	buf h = {0}, c = {0}, tail = {0};
	deflate_flush(&zs, &h, head->d, head->n, Z_FULL_FLUSH);
	deflate_flush(&zs, &c, chunk, cn, Z_FULL_FLUSH);
	deflate_flush(&zs, &tail, NULL, 0, Z_FINISH);
	deflateEnd(&zs);
	uLong hcrc = crc32(0, head->d, (uInt)head->n), ccrc = crc32(0, chunk, (uInt)cn);
	uLong crc = hcrc;
	uint64_t total = head->n;
	FILE *f = fopen(path, "wb");
	if (!f)
		die("cannot write the output");
	static const uint8_t gzhead[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3};
	fwrite(gzhead, 1, sizeof gzhead, f);
	fwrite(h.d, 1, h.n, f);
	for (size_t i = 0; i < chunks; i++) {
		fwrite(c.d, 1, c.n, f);
		crc = crc32_combine(crc, ccrc, (z_off_t)cn);
		total += cn;
	}
	fwrite(tail.d, 1, tail.n, f);
	uint8_t trailer[8];
	for (int i = 0; i < 4; i++) {
		trailer[i] = (uint8_t)(crc >> (8 * i));
		trailer[4 + i] = (uint8_t)(total >> (8 * i));
	}
	fwrite(trailer, 1, sizeof trailer, f);
	if (fclose(f) != 0)
		die("cannot write the output");
	free(chunk);
	free(h.d);
	free(c.d);
	free(tail.d);
}

/* A valid little profile: one sample at location 1, which is in mapping 1. */
static void small_profile(buf *b, uint64_t start, uint64_t limit)
{
	sample_part(b, NULL);
	buf m = {0};
	vfield(&m, 1, 1);
	vfield(&m, 2, start);
	vfield(&m, 3, limit);
	vfield(&m, 5, 3);
	lfield(b, 3, m.d, m.n);
	free(m.d);
	location(b, 1, 1, start + 0x10);
	str(b, "");
	str(b, "samples");
	str(b, "count");
	str(b, "server");
}

int main(int argc, char **argv)
{
	if (argc != 3)
		die("usage: badgen KIND FILE");
	const char *kind = argv[1], *out = argv[2];
	buf b = {0};
	if (strcmp(kind, "bomb") == 0) {
		/* 3 GiB of comment fields (tag 13, string 0): 1.6 billion two-byte fields. */
		static const uint8_t comment[2] = {0x68, 0x00};
		str(&b, "");
		write_bomb(out, &b, comment, sizeof comment, 3072);
	} else if (strcmp(kind, "empty-strings") == 0) {
		/* 1.6 billion empty string_table entries. */
		static const uint8_t empty[2] = {0x32, 0x00};
		write_bomb(out, &b, empty, sizeof empty, 3052);
	} else if (strcmp(kind, "skipped-fields") == 0) {
		/* 3 GiB of an unknown field (100), which protobuf says to skip: no model at all. */
		static const uint8_t unknown[3] = {0xa0, 0x06, 0x00};
		str(&b, "");
		write_bomb(out, &b, unknown, sizeof unknown, 3072);
	} else if (strcmp(kind, "text-bomb") == 0) {
		/* A debug=1 goroutine profile header, then 3 GiB of comment lines. */
		static const uint8_t line[2] = {'#', '\n'};
		static const char head[] = "goroutine profile: total 1\n1 @ 0x1\n#\t0x1\tmain.main+0x1\tmain.go:1\n\n";
		put(&b, head, sizeof head - 1);
		write_bomb(out, &b, line, sizeof line, 3072);
	} else if (strcmp(kind, "big-label") == 0) {
		/* One sample whose label value is 100 MB long. */
		size_t n = 100u << 20;
		char *v = malloc(n + 1);
		if (!v)
			die("out of memory");
		memset(v, 'v', n);
		v[n] = '\0';
		buf l = {0}, lm = {0};
		vfield(&lm, 1, 3);
		vfield(&lm, 2, 4);
		lfield(&l, 3, lm.d, lm.n);
		sample_part(&b, &l);
		location(&b, 1, 0, 0x1000);
		str(&b, "");
		str(&b, "samples");
		str(&b, "count");
		str(&b, "key");
		str(&b, v);
		write_gzip(out, &b, 6);
		free(v);
		free(l.d);
		free(lm.d);
	} else if (strcmp(kind, "locations") == 0) {
		/* Ten million locations, one of them sampled. */
		sample_part(&b, NULL);
		for (uint64_t i = 1; i <= 10000000; i++)
			location(&b, i, 0, 0x400000 + 16 * i);
		str(&b, "");
		str(&b, "samples");
		str(&b, "count");
		write_gzip(out, &b, 1);
	} else if (strcmp(kind, "wrapping-mapping") == 0) {
		/* A mapping whose limit is below its start: the range wraps past 2^64. */
		small_profile(&b, 0xfffffffffffff000ull, 0x1000);
		write_file(out, b.d, b.n);
	} else if (strcmp(kind, "members") == 0) {
		/* The little profile, one byte per gzip member, with 1000 empty members after each. */
		small_profile(&b, 0x400000, 0x800000);
		buf z = {0};
		for (size_t i = 0; i < b.n; i++) {
			gzip_member(&z, b.d + i, 1, 6);
			for (int k = 0; k < 1000; k++)
				gzip_member(&z, NULL, 0, 6);
		}
		write_file(out, z.d, z.n);
		free(z.d);
	} else if (strcmp(kind, "members-plain") == 0) {
		/* The same profile in one ordinary member, to compare reports with. */
		small_profile(&b, 0x400000, 0x800000);
		write_gzip(out, &b, 6);
	} else {
		die("unknown kind");
	}
	free(b.d);
	return 0;
}
