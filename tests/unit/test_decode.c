/* Unit tests: protobuf decoding, validation messages and the loader. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <zlib.h>

#include "load/load.h"
#include "pbuild.h"
#include "xform/filter.h"

/* main <- handle <- leaf, two samples on the same stack, one on a shorter one. */
static uint8_t *small_profile(size_t *len)
{
	pbuild b;
	pb_init(&b);
	pb_sample_type(&b, "samples", "count");
	pb_sample_type(&b, "cpu", "nanoseconds");
	pb_function(&b, 1, "main.main", "/src/main.go");
	pb_function(&b, 2, "main.handle", "/src/main.go");
	pb_function(&b, 3, "main.leaf", "/src/leaf.go");
	pb_location(&b, 1, (uint64_t[]){1, 0});
	pb_location(&b, 2, (uint64_t[]){2, 0});
	pb_location(&b, 3, (uint64_t[]){3, 0});
	pb_sample(&b, (uint64_t[]){3, 2, 1, 0}, (int64_t[]){1, 10});
	pb_sample(&b, (uint64_t[]){3, 2, 1, 0}, (int64_t[]){2, 20});
	pb_sample(&b, (uint64_t[]){2, 1, 0}, (int64_t[]){4, 40});
	return pb_pack(&b, len);
}

static void decodes_model(void **state)
{
	(void)state;
	size_t len;
	uint8_t *buf = small_profile(&len);
	prof_err err = {0};
	prof_profile *p = prof_load_bytes(buf, len, &err);
	assert_non_null(p);
	assert_false(err.set);
	assert_int_equal(p->nsample_type, 2);
	assert_string_equal(prof_str(p, p->sample_types[1].type), "cpu");
	assert_int_equal(p->nfunction, 3);
	assert_int_equal(p->nlocation, 3);
	assert_int_equal(p->nsample, 3);
	/* identical stacks share one stack entry */
	assert_int_equal(p->nstack, 2);
	assert_int_equal(p->samples[0].stack, p->samples[1].stack);
	assert_int_equal(prof_value(p, 2, 1), 40);
	prof_profile_free(p);
	free(buf);
}

static uint8_t *gzip_bytes(const uint8_t *buf, size_t len, int level, size_t *zn)
{
	size_t cap = compressBound(len) + 64;
	uint8_t *z = malloc(cap);
	z_stream zs = {0};
	assert_int_equal(deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)buf;
	zs.avail_in = (uInt)len;
	zs.next_out = z;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*zn = zs.total_out;
	deflateEnd(&zs);
	return z;
}

static void decodes_gzip(void **state)
{
	(void)state;
	size_t len, zn;
	uint8_t *buf = small_profile(&len);
	uint8_t *z = gzip_bytes(buf, len, 6, &zn);
	prof_err err = {0};
	prof_profile *p = prof_load_bytes(z, zn, &err);
	assert_non_null(p);
	assert_int_equal(p->nsample, 3);
	prof_profile_free(p);
	/* cut in the middle: truncated, not a crash */
	p = prof_load_bytes(z, zn / 2, &err);
	assert_null(p);
	assert_non_null(strstr(err.msg, "truncated"));
	free(z);
	free(buf);
}

/*
 * A profile bigger than the decoder's window, gzip'd past the size where
 * inflating moves to a helper thread: one 3 MB field (the window must grow)
 * and many samples crossing window refills.
 */
static void decodes_big_streams(void **state)
{
	(void)state;
	pbuild b;
	pb_init(&b);
	pb_sample_type(&b, "samples", "count");
	size_t big = 3u << 20;
	char *name = malloc(big + 1);
	uint32_t x = 12345;
	for (size_t i = 0; i < big; i++) {
		x = x * 1103515245u + 12345u;
		name[i] = (char)('a' + (x >> 16) % 26);
	}
	name[big] = '\0';
	pb_function(&b, 1, name, "big.go");
	pb_function(&b, 2, "main.main", "main.go");
	pb_location(&b, 1, (uint64_t[]){1, 0});
	pb_location(&b, 2, (uint64_t[]){2, 0});
	for (int i = 0; i < 20000; i++)
		pb_sample(&b, (uint64_t[]){(uint64_t)(1 + i % 2), 2, 0}, (int64_t[]){i});
	size_t len, zn;
	uint8_t *buf = pb_pack(&b, &len);
	uint8_t *z = gzip_bytes(buf, len, 1, &zn);
	assert_true(zn > (1u << 20));
	prof_err err = {0};
	prof_profile *p = prof_load_bytes(z, zn, &err);
	if (!p)
		fail_msg("%s", err.msg);
	assert_int_equal(p->nsample, 20000);
	assert_int_equal(prof_strlen(p, p->functions[0].name), big);
	assert_int_equal(prof_value(p, 19999, 0), 19999);
	prof_profile_free(p);

	/* Cut short: the helper thread reports the truncation. */
	err = (prof_err){0};
	assert_null(prof_load_bytes(z, zn - 1000, &err));
	assert_non_null(strstr(err.msg, "gzip data is truncated"));
	free(z);

	/* Broken at the start while the helper still inflates: it is stopped. */
	buf[0] = 0x0e; /* field 1, wire type 6 */
	z = gzip_bytes(buf, len, 1, &zn);
	err = (prof_err){0};
	assert_null(prof_load_bytes(z, zn, &err));
	if (!strstr(err.msg, "unrecognized profile format"))
		fail_msg("%s", err.msg);
	free(z);
	free(buf);
	free(name);
}

/* The location ids of sample i's stack, leaf first, 0-terminated in out. */
static void sample_ids(const prof_profile *p, size_t i, uint64_t *out)
{
	const prof_stack *st = &p->stacks[p->samples[i].stack];
	prof_locbuf buf = {0};
	const uint32_t *locs = prof_stack_locs(p, st, &buf);
	for (uint32_t k = 0; k < st->len; k++) {
		assert_int_equal(locs[k], prof_stack_loc(p, st, k));
		out[k] = p->locations[locs[k]].id;
	}
	out[st->len] = 0;
	prof_locbuf_free(&buf);
}

/*
 * Location indices are stored in 16 bits when the profile has at most
 * 65536 locations, whatever its ids, else 32: a first sample with a large
 * id, a large id after small ones (the store widens while streaming, then
 * narrows), an id past 2^31, and more locations than 16 bits hold.
 */
static void stores_stacks_narrow_or_wide(void **state)
{
	(void)state;
	static const uint64_t big = (uint64_t)1 << 40;
	const uint64_t *stacks[2][4] = {
		{(uint64_t[]){70000, 2, 1, 0}, (uint64_t[]){2, 1, 0}, (uint64_t[]){big, 70000, 0}, (uint64_t[]){1, 0}},
		{(uint64_t[]){2, 1, 0}, (uint64_t[]){3, 70000, 1, 0}, (uint64_t[]){big, 2, 0}, (uint64_t[]){2, 1, 0}},
	};
	for (int order = 0; order < 2; order++) {
		pbuild b;
		pb_init(&b);
		pb_sample_type(&b, "samples", "count");
		pb_function(&b, 1, "main.main", "main.go");
		uint64_t ids[] = {1, 2, 3, 70000, big};
		for (size_t i = 0; i < sizeof ids / sizeof *ids; i++)
			pb_location(&b, ids[i], (uint64_t[]){1, 0});
		for (int i = 0; i < 4; i++)
			pb_sample(&b, stacks[order][i], (int64_t[]){i + 1});
		prof_profile *p = pb_load(&b);
		assert_non_null(p);
		assert_non_null(p->stack_locs.narrow);
		assert_null(p->stack_locs.wide);
		assert_int_equal(p->nstack, order == 0 ? 4 : 3);
		for (int i = 0; i < 4; i++) {
			uint64_t got[8];
			sample_ids(p, (size_t)i, got);
			for (int k = 0; stacks[order][i][k] || got[k]; k++)
				assert_int_equal(got[k], stacks[order][i][k]);
		}
		prof_profile_free(p);
	}

	/* 70000 locations: indices past 16 bits, the first samples' ids small. */
	pbuild b;
	pb_init(&b);
	pb_sample_type(&b, "samples", "count");
	pb_function(&b, 1, "main.main", "main.go");
	for (uint64_t id = 1; id <= 70000; id++)
		pb_location(&b, id, (uint64_t[]){1, 0});
	pb_sample(&b, (uint64_t[]){5, 4, 0}, (int64_t[]){1});
	pb_sample(&b, (uint64_t[]){69999, 65537, 4, 0}, (int64_t[]){2});
	prof_profile *p = pb_load(&b);
	assert_non_null(p);
	assert_null(p->stack_locs.narrow);
	assert_non_null(p->stack_locs.wide);
	uint64_t got[8];
	sample_ids(p, 1, got);
	assert_int_equal(got[0], 69999);
	assert_int_equal(got[1], 65537);
	assert_int_equal(got[2], 4);
	assert_int_equal(got[3], 0);
	sample_ids(p, 0, got);
	assert_int_equal(got[0], 5);
	prof_profile_free(p);
}

static void expect_error(const uint8_t *buf, size_t len, const char *want)
{
	prof_err err = {0};
	prof_profile *p = prof_load_bytes(buf, len, &err);
	assert_null(p);
	assert_true(err.set);
	if (!strstr(err.msg, want))
		fail_msg("error \"%s\" does not contain \"%s\"", err.msg, want);
}

/* Values with the given last one: two types, three samples; the rest fit 32 bits, INT32_MIN and INT32_MAX too. */
static prof_profile *values_profile(int64_t last)
{
	pbuild b;
	pb_init(&b);
	pb_sample_type(&b, "samples", "count");
	pb_sample_type(&b, "delay", "nanoseconds");
	pb_function(&b, 1, "main.main", "main.go");
	pb_location(&b, 1, (uint64_t[]){1, 0});
	pb_sample(&b, (uint64_t[]){1, 0}, (int64_t[]){INT32_MAX, INT32_MIN});
	pb_sample(&b, (uint64_t[]){1, 0}, (int64_t[]){-1, 300});
	pb_sample(&b, (uint64_t[]){1, 0}, (int64_t[]){7, last});
	return pb_load(&b);
}

static void stores_values_narrow_or_wide(void **state)
{
	(void)state;
	const int64_t lasts[] = {5, INT32_MIN, (int64_t)INT32_MAX + 1, (int64_t)INT32_MIN - 1, INT64_MAX, INT64_MIN};
	for (size_t i = 0; i < sizeof lasts / sizeof *lasts; i++) {
		prof_profile *p = values_profile(lasts[i]);
		assert_non_null(p);
		bool fits = lasts[i] >= INT32_MIN && lasts[i] <= INT32_MAX;
		assert_true(fits ? p->vals.narrow && !p->vals.wide : p->vals.wide && !p->vals.narrow);
		const int64_t want[6] = {INT32_MAX, INT32_MIN, -1, 300, 7, lasts[i]};
		for (size_t k = 0; k < 6; k++)
			assert_int_equal(prof_value(p, k / 2, k % 2), want[k]);
		prof_profile_free(p);
	}

	/* Values not packed, one field each, the store widened between a sample's two. */
	const uint8_t unpacked[] = {
		0x32, 0x00, 0x32, 0x01, 'n', 0x32, 0x01, 'c',       /* strings "", "n", "c" */
		0x0a, 0x04, 0x08, 0x01, 0x10, 0x02,                  /* two sample types n/c */
		0x0a, 0x04, 0x08, 0x01, 0x10, 0x02,
		0x12, 0x04, 0x10, 0x03, 0x10, 0x04,                  /* sample: 3, 4 */
		0x12, 0x08, 0x10, 0x05, 0x10, 0x80, 0x80, 0x80, 0x80, 0x10, /* sample: 5, 2^32 */
	};
	prof_err err = {0};
	prof_profile *p = prof_load_bytes(unpacked, sizeof unpacked, &err);
	assert_non_null(p);
	assert_non_null(p->vals.wide);
	const int64_t want[4] = {3, 4, 5, (int64_t)1 << 32};
	for (size_t k = 0; k < 4; k++)
		assert_int_equal(prof_value(p, k / 2, k % 2), want[k]);
	prof_profile_free(p);
}

static void rejects_undefined_location(void **state)
{
	(void)state;
	pbuild b;
	pb_init(&b);
	pb_sample_type(&b, "samples", "count");
	pb_function(&b, 1, "f", "f.go");
	pb_location(&b, 1, (uint64_t[]){1, 0});
	pb_sample(&b, (uint64_t[]){1, 0}, (int64_t[]){1});
	pb_sample(&b, (uint64_t[]){977, 1, 0}, (int64_t[]){1});
	size_t len;
	uint8_t *buf = pb_pack(&b, &len);
	expect_error(buf, len, "sample 2 refers to location 977, which is not defined");
	free(buf);
}

static void rejects_value_count(void **state)
{
	(void)state;
	pbuild b;
	pb_init(&b);
	pb_sample_type(&b, "a", "count");
	pb_sample_type(&b, "b", "count");
	pb_function(&b, 1, "f", "f.go");
	pb_location(&b, 1, (uint64_t[]){1, 0});
	pb_sample(&b, (uint64_t[]){1, 0}, (int64_t[]){1, 2});
	b.p->sample[0]->n_value = 1;
	size_t len;
	uint8_t *buf = pb_pack(&b, &len);
	expect_error(buf, len, "sample 1 has 1 value, but the profile has 2 sample types");
	free(buf);
}

static void rejects_duplicate_and_zero_ids(void **state)
{
	(void)state;
	pbuild b;
	pb_init(&b);
	pb_sample_type(&b, "a", "count");
	pb_function(&b, 1, "f", "f.go");
	pb_function(&b, 1, "g", "g.go");
	size_t len;
	uint8_t *buf = pb_pack(&b, &len);
	expect_error(buf, len, "function 2 has id 1, which an earlier function has too");
	free(buf);

	pb_init(&b);
	pb_sample_type(&b, "a", "count");
	pb_function(&b, 1, "f", "f.go");
	pb_location(&b, 0, (uint64_t[]){1, 0});
	buf = pb_pack(&b, &len);
	expect_error(buf, len, "location 1 has id 0, which is reserved");
	free(buf);
}

static void rejects_bad_string_index(void **state)
{
	(void)state;
	pbuild b;
	pb_init(&b);
	pb_sample_type(&b, "a", "count");
	pb_function(&b, 1, "f", "f.go");
	b.p->function[0]->name = 1000;
	size_t len;
	uint8_t *buf = pb_pack(&b, &len);
	expect_error(buf, len, "function 1: name is string 1000, but the string table has");
	free(buf);
}

/* Sample i's labels as "key=str" or "key=num", joined by spaces. */
static void labels_text(const prof_profile *p, size_t i, char *out, size_t cap)
{
	const prof_sample *s = &p->samples[i];
	size_t n = 0;
	out[0] = '\0';
	for (uint32_t k = 0; k < s->nlabel; k++) {
		const prof_label *l = &p->labels[s->label_off + k];
		if (l->str)
			n += (size_t)snprintf(out + n, cap - n, "%s%s=%s", k ? " " : "", prof_str(p, l->key), prof_str(p, l->str));
		else
			n += (size_t)snprintf(out + n, cap - n, "%s%s=%lld", k ? " " : "", prof_str(p, l->key), (long long)l->num);
	}
}

static void expect_labels(const prof_profile *p, const char *const *want)
{
	char got[256];
	for (size_t i = 0; i < p->nsample; i++) {
		labels_text(p, i, got, sizeof got);
		assert_string_equal(got, want[i]);
	}
}

static prof_profile *labelled(void)
{
	pbuild b;
	pb_init(&b);
	pb_sample_type(&b, "samples", "count");
	pb_function(&b, 1, "main.main", "main.go");
	pb_location(&b, 1, (uint64_t[]){1, 0});
	for (int i = 0; i < 6; i++) {
		pb_sample(&b, (uint64_t[]){1, 0}, (int64_t[]){i + 1});
		if (i == 2)
			continue;
		pb_label(&b, "handler", i == 3 ? "/b" : "/a", 0, NULL);
		if (i != 4)
			pb_label(&b, "bytes", NULL, 64, "bytes");
	}
	prof_profile *p = pb_load(&b);
	assert_non_null(p);
	return p;
}

/*
 * Samples with equal labels share one run of them; every edit of labels
 * (pprof::base for -diff_base, tagshow and taghide) sees each sample's own.
 */
static void shares_label_runs(void **state)
{
	(void)state;
	prof_profile *p = labelled();
	static const char *const loaded[] = {"handler=/a bytes=64", "handler=/a bytes=64", "",
	                                     "handler=/b bytes=64", "handler=/a", "handler=/a bytes=64"};
	expect_labels(p, loaded);
	assert_int_equal(p->nlabel, 5); /* [/a 64], [/b 64], [/a] */
	assert_int_equal(p->samples[5].label_off, p->samples[0].label_off);
	prof_set_label(p, "pprof::base", "true");
	static const char *const based[] = {
		"handler=/a bytes=64 pprof::base=true", "handler=/a bytes=64 pprof::base=true", "pprof::base=true",
		"handler=/b bytes=64 pprof::base=true", "handler=/a pprof::base=true",
		"handler=/a bytes=64 pprof::base=true"};
	expect_labels(p, based);
	prof_profile_free(p);

	p = labelled();
	prof_err err = {0};
	assert_true(prof_apply_filters(p, &(prof_filters){.taghide = "bytes"}, NULL, &err));
	static const char *const hidden[] = {"handler=/a", "handler=/a", "", "handler=/b", "handler=/a", "handler=/a"};
	expect_labels(p, hidden);
	prof_profile_free(p);

	/* Past 65536 labelled samples, mostly with labels of their own: runs are no longer shared. */
	pbuild b;
	pb_init(&b);
	pb_sample_type(&b, "samples", "count");
	pb_function(&b, 1, "main.main", "main.go");
	pb_location(&b, 1, (uint64_t[]){1, 0});
	for (int i = 0; i < 70000; i++) {
		pb_sample(&b, (uint64_t[]){1, 0}, (int64_t[]){1});
		pb_label(&b, "bytes", NULL, i < 69000 ? i : 7, "bytes");
	}
	p = pb_load(&b);
	assert_non_null(p);
	assert_int_equal(p->nlabel, 70000);
	for (size_t i = 0; i < p->nsample; i++)
		assert_int_equal(p->labels[p->samples[i].label_off].num, i < 69000 ? (int64_t)i : 7);
	prof_profile_free(p);
}

/* A bad label string index names the sample whose label it is, after samples that share runs. */
static void names_the_sample_of_a_bad_label(void **state)
{
	(void)state;
	for (int big = 0; big < 2; big++) {
		pbuild b;
		pb_init(&b);
		pb_sample_type(&b, "samples", "count");
		pb_function(&b, 1, "main.main", "main.go");
		pb_location(&b, 1, (uint64_t[]){1, 0});
		for (int i = 0; i < 3; i++) {
			pb_sample(&b, (uint64_t[]){1, 0}, (int64_t[]){1});
			pb_label(&b, "k", "v", 0, NULL);
		}
		pb_label(&b, "k", "v", 0, NULL);
		b.p->sample[2]->label[1]->str = big ? -1 : 500;
		size_t len;
		uint8_t *buf = pb_pack(&b, &len);
		expect_error(buf, len, big ? "sample 3: label value is string -1" : "sample 3: label value is string 500");
		free(buf);
	}
}

static void rejects_framing(void **state)
{
	(void)state;
	expect_error((const uint8_t *)"", 0, "empty input");
	/* field 9 (time_nanos) with an 11-byte varint */
	uint8_t overlong[] = {0x48, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
	expect_error(overlong, sizeof overlong, "byte 1: varint longer than 10 bytes");
	/* string table entry claiming 100 bytes with 2 left */
	uint8_t past[] = {0x32, 0x00, 0x32, 0x64, 'a', 'b'};
	expect_error(past, sizeof past, "byte 2: field 6: length 100 runs past the end of the data (2 bytes left)");
	/* sample_type as a varint */
	uint8_t wire[] = {0x32, 0x00, 0x08, 0x01};
	expect_error(wire, sizeof wire, "field 1 (sample_type) is varint, expected length-delimited");
	expect_error((const uint8_t *)"hello, world\n", 13, "unrecognized profile format");
	uint8_t gz[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03};
	expect_error(gz, sizeof gz, "gzip data is truncated");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decodes_model),
		cmocka_unit_test(decodes_gzip),
		cmocka_unit_test(decodes_big_streams),
		cmocka_unit_test(stores_stacks_narrow_or_wide),
		cmocka_unit_test(stores_values_narrow_or_wide),
		cmocka_unit_test(rejects_undefined_location),
		cmocka_unit_test(rejects_value_count),
		cmocka_unit_test(rejects_duplicate_and_zero_ids),
		cmocka_unit_test(rejects_bad_string_index),
		cmocka_unit_test(rejects_framing),
		cmocka_unit_test(shares_label_runs),
		cmocka_unit_test(names_the_sample_of_a_bad_label),
	};
	return cmocka_run_group_tests_name("decode", tests, NULL, NULL);
}
