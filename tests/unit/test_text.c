/* Unit tests: the Go runtime's text profiles (debug=1, debug=2, crash logs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "load/load.h"
#include "load/text.h"

/* ---- helpers ---- */

static prof_profile *parse(const char *text, prof_err *err)
{
	return prof_load_bytes((const uint8_t *)text, strlen(text), err);
}

static prof_profile *parse_ok(const char *text)
{
	prof_err err = {0};
	prof_profile *p = parse(text, &err);
	if (!p)
		fail_msg("unexpected error: %s", err.msg);
	return p;
}

static void expect_error(const char *text, const char *want)
{
	prof_err err = {0};
	prof_profile *p = parse(text, &err);
	assert_null(p);
	assert_true(err.set);
	assert_string_equal(err.msg, want);
}

/* The bytes of fixtures/<rel>. */
static char *fixture(const char *rel, size_t *len)
{
	char path[1024];
	FILE *f = fopen(fixture_path(rel, path, sizeof path), "rb");
	if (!f)
		fail_msg("%s: cannot open", rel);
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap + 1);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			buf = realloc(buf, (cap *= 2) + 1);
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static prof_profile *load_text_fixture(const char *rel)
{
	size_t len;
	char *text = fixture(rel, &len);
	prof_err err = {0};
	prof_profile *p = prof_load_bytes((const uint8_t *)text, len, &err);
	free(text);
	if (!p)
		fail_msg("%s: %s", rel, err.msg);
	return p;
}

static const char *type_name(const prof_profile *p, size_t i)
{
	return prof_str(p, p->sample_types[i].type);
}

static const prof_location *stack_loc(const prof_profile *p, size_t sample, size_t i)
{
	const prof_stack *st = &p->stacks[p->samples[sample].stack];
	assert_true(i < st->len);
	return &p->locations[prof_stack_loc(p, st, i)];
}

static size_t stack_len(const prof_profile *p, size_t sample)
{
	return p->stacks[p->samples[sample].stack].len;
}

static const char *line_func(const prof_profile *p, const prof_location *l, size_t k)
{
	assert_true(k < l->nline);
	return prof_str(p, p->functions[p->lines[l->line_off + k].function].name);
}

static const char *line_file(const prof_profile *p, const prof_location *l, size_t k)
{
	return prof_str(p, p->functions[p->lines[l->line_off + k].function].filename);
}

static int64_t line_no(const prof_profile *p, const prof_location *l, size_t k)
{
	return p->lines[l->line_off + k].line;
}

/* The string label key of a sample, or NULL. */
static const char *label_str(const prof_profile *p, size_t sample, const char *key)
{
	const prof_sample *s = &p->samples[sample];
	for (size_t i = s->label_off; i < s->label_off + s->nlabel; i++)
		if (strcmp(prof_str(p, p->labels[i].key), key) == 0 && p->labels[i].str)
			return prof_str(p, p->labels[i].str);
	return NULL;
}

static const prof_label *label_num(const prof_profile *p, size_t sample, const char *key)
{
	const prof_sample *s = &p->samples[sample];
	for (size_t i = s->label_off; i < s->label_off + s->nlabel; i++)
		if (strcmp(prof_str(p, p->labels[i].key), key) == 0 && !p->labels[i].str)
			return &p->labels[i];
	return NULL;
}

static int64_t total(const prof_profile *p, size_t type)
{
	int64_t t = 0;
	for (size_t s = 0; s < p->nsample; s++)
		t += prof_value(p, s, type);
	return t;
}

/* ---- debug=1 ---- */

static void count_profile(void **state)
{
	(void)state;
	prof_profile *p = load_text_fixture("text/labels.debug1.txt");
	assert_int_equal(p->nsample_type, 1);
	assert_string_equal(type_name(p, 0), "goroutine");
	assert_string_equal(prof_str(p, p->sample_types[0].unit), "count");
	assert_string_equal(prof_str(p, p->period_type.type), "goroutine");
	assert_int_equal(p->period, 1);
	assert_int_equal(p->nsample, 3);
	assert_int_equal(total(p, 0), 6);
	/*
	 * Leading addresses without frames are the runtime frames the runtime hid
	 * in text: dropped, like goexit at the end.
	 */
	assert_int_equal(stack_len(p, 0), 1);
	const prof_location *serve = stack_loc(p, 0, 0);
	assert_int_equal(serve->address, 0x4b8f04);
	assert_string_equal(line_func(p, serve, 0), "main.serve");
	assert_string_equal(line_file(p, serve, 0), "/src/app/serve.go");
	assert_int_equal(line_no(p, serve, 0), 97);
	/* Labels, Go-quoted. */
	assert_string_equal(label_str(p, 0, "handler"), "/api/users");
	assert_string_equal(label_str(p, 0, "method"), "GET");
	assert_string_equal(label_str(p, 1, "quote\"d"), "tab\there");
	assert_string_equal(label_str(p, 1, "unicode"), "caf\xc3\xa9");
	assert_null(label_str(p, 2, "handler"));
	/* Two frames for one PC: one location, innermost line first. */
	const prof_location *lock = stack_loc(p, 2, 0);
	assert_int_equal(lock->nline, 2);
	assert_string_equal(line_func(p, lock, 0), "sync.(*Mutex).Lock");
	assert_string_equal(line_func(p, lock, 1), "main.holdHotLock");
	assert_string_equal(line_func(p, stack_loc(p, 2, 1), 0), "main.contendHotLock");
	prof_profile_free(p);
}

static void inlined_by_entry(void **state)
{
	(void)state;
	/* Go 1.19: inlined calls get their own PCs; their frames share the physical function's entry. */
	prof_profile *p = parse_ok("goroutine profile: total 3\n"
	                           "2 @ 0x438116 0x4b9d59 0x4b9d35 0x4b9c5b 0x462c81\n"
	                           "#\t0x4b9d58\tsync.(*Mutex).Lock+0x38\t\t/go/src/sync/mutex.go:90\n"
	                           "#\t0x4b9d34\tmain.holdHotLock+0x14\t\t/src/main.go:256\n"
	                           "#\t0x4b9c5a\tmain.contendHotLock+0x5a\t/src/main.go:249\n"
	                           "\n"
	                           "1 @ 0x1011 0x1011 0x2001\n"
	                           "#\t0x1010\tmain.rec+0x10\t/src/r.go:5\n"
	                           "#\t0x1010\tmain.rec+0x10\t/src/r.go:5\n"
	                           "#\t0x2000\tmain.main+0x20\t/src/r.go:9\n");
	assert_int_equal(p->nsample, 2);
	assert_int_equal(stack_len(p, 0), 2); /* 0x438116, a hidden runtime frame, is dropped */
	const prof_location *l = stack_loc(p, 0, 0);
	assert_int_equal(l->nline, 2);
	assert_string_equal(line_func(p, l, 0), "sync.(*Mutex).Lock");
	assert_int_equal(line_no(p, l, 0), 90);
	assert_string_equal(line_func(p, l, 1), "main.holdHotLock");
	assert_int_equal(line_no(p, l, 1), 256);
	/* Recursion: same PC twice, same function: two frames, not inlining. */
	assert_int_equal(stack_len(p, 1), 3);
	assert_ptr_equal(stack_loc(p, 1, 0), stack_loc(p, 1, 1));
	assert_int_equal(stack_loc(p, 1, 0)->nline, 1);
	prof_profile_free(p);
}

static void heap_profile(void **state)
{
	(void)state;
	/* Values as go tool pprof -raw reports for this text. */
	prof_profile *p = parse_ok("heap profile: 3: 3000 [10: 20480] @ heap/1048576\n"
	                           "1: 1000 [4: 8192] @ 0x5001 0x401001 0x402002\n"
	                           "#\t0x401000\tmain.alloc+0x10\t/src/a.go:10\n"
	                           "#\t0x402001\tmain.main+0x21\t/src/a.go:20\n"
	                           "\n"
	                           "2: 2000 [6: 12288] @ 0x401001 0x403003\n"
	                           "\n"
	                           "0: 0 [0: 0] @ 0x401001\n"
	                           "\n"
	                           "# runtime.MemStats\n"
	                           "# Alloc = 3155480\n");
	assert_int_equal(p->nsample_type, 4);
	assert_string_equal(type_name(p, 0), "alloc_objects");
	assert_string_equal(type_name(p, 1), "alloc_space");
	assert_string_equal(type_name(p, 2), "inuse_objects");
	assert_string_equal(type_name(p, 3), "inuse_space");
	/* No default type, as pprof's parseHeap; reports then take the last, inuse_space. */
	assert_string_equal(prof_str(p, p->default_sample_type), "");
	prof_err e = {0};
	assert_int_equal(prof_sample_index(p, NULL, &e), 3);
	assert_string_equal(prof_str(p, p->period_type.type), "space");
	assert_int_equal(p->period, 524288);
	assert_int_equal(p->nsample, 3);
	const int64_t want[3][4] = {{1026, 2101250, 524, 524788}, {1539, 3151875, 1049, 1049576}, {0, 0, 0, 0}};
	for (size_t s = 0; s < 3; s++)
		for (size_t i = 0; i < 4; i++)
			assert_int_equal(prof_value(p, s, i), want[s][i]);
	const prof_label *bytes = label_num(p, 0, "bytes");
	assert_non_null(bytes);
	assert_int_equal(bytes->num, 1000);
	/* The hidden runtime frame (0x5001) before the first frame line is left out, as in protobuf. */
	assert_int_equal(stack_len(p, 0), 2);
	assert_string_equal(line_func(p, stack_loc(p, 0, 0), 0), "main.alloc");
	/* No frame lines at all: every address stays. */
	assert_int_equal(stack_len(p, 1), 2);
	assert_int_equal(p->ncomment, 2);
	assert_string_equal(prof_str(p, p->comments[0]), "# runtime.MemStats");
	prof_profile_free(p);
}

static void contention_profiles(void **state)
{
	(void)state;
	prof_profile *p = parse_ok("--- mutex:\n"
	                           "cycles/second=2000000000\n"
	                           "sampling period=5\n"
	                           "1000 3 @ 0x11 0x21\n"
	                           "#\t0x10\tsync.(*Mutex).Unlock+0x10\t/go/src/sync/mutex.go:223\n"
	                           "#\t0x20\tmain.f+0x20\t/src/f.go:3\n");
	assert_string_equal(type_name(p, 0), "contentions");
	assert_string_equal(type_name(p, 1), "delay");
	assert_string_equal(prof_str(p, p->sample_types[1].unit), "nanoseconds");
	assert_int_equal(p->period, 5);
	assert_int_equal(prof_value(p, 0, 0), 15);
	assert_int_equal(prof_value(p, 0, 1), 2500);
	prof_profile_free(p);
	/* Block profiles print no sampling period: 1. */
	p = parse_ok("--- contention:\ncycles/second=2000000000\n3000 7 @ 0x11\n");
	assert_int_equal(p->period, 1);
	assert_int_equal(prof_value(p, 0, 0), 7);
	assert_int_equal(prof_value(p, 0, 1), 1500);
	prof_profile_free(p);
}

static void threadcreate_empty_stack(void **state)
{
	(void)state;
	prof_profile *p = parse_ok("threadcreate profile: total 5\n5 @\n#\t0x0\n\n");
	assert_string_equal(type_name(p, 0), "threadcreate");
	assert_int_equal(p->nsample, 1);
	assert_int_equal(stack_len(p, 0), 0);
	assert_int_equal(total(p, 0), 5);
	prof_profile_free(p);
}

/* ---- debug=2 and crash logs ---- */

static void goroutine_dump(void **state)
{
	(void)state;
	prof_profile *p = load_text_fixture("text/go121.debug2.txt");
	assert_string_equal(type_name(p, 0), "goroutine");
	assert_int_equal(p->nsample, 5);
	assert_int_equal(total(p, 0), 5);
	/* goroutine 18: "(...)" inlined into the next frame, Go 1.21 "created by ... in goroutine 1". */
	assert_string_equal(label_str(p, 1, "state"), "chan receive (nil chan)");
	assert_string_equal(label_str(p, 1, "created_by"), "main.start");
	const prof_label *w = label_num(p, 1, "wait_minutes");
	assert_non_null(w);
	assert_int_equal(w->num, 12);
	assert_string_equal(prof_str(p, w->num_unit), "minutes");
	assert_int_equal(stack_len(p, 1), 1);
	const prof_location *l = stack_loc(p, 1, 0);
	assert_int_equal(l->nline, 2);
	assert_string_equal(line_func(p, l, 0), "main.leakNilChanRecv");
	assert_string_equal(line_func(p, l, 1), "main.start.func1");
	assert_string_equal(line_file(p, l, 1), "/src/app/leak.go");
	assert_int_equal(line_no(p, l, 1), 120);
	/* goroutine 19: Go 1.23 header with gp= m=, more attributes, fp= sp= pc=. */
	assert_string_equal(label_str(p, 2, "state"), "select");
	assert_int_equal(label_num(p, 2, "wait_minutes")->num, 3);
	assert_string_equal(line_func(p, stack_loc(p, 2, 0), 0), "runtime.gopark");
	assert_int_equal(line_no(p, stack_loc(p, 2, 0), 0), 402);
	/* goroutine 20: Lock and hold inlined into start.func2. */
	assert_int_equal(stack_len(p, 3), 3);
	assert_int_equal(stack_loc(p, 3, 2)->nline, 3);
	assert_null(label_num(p, 3, "wait_minutes"));
	/* goroutines 18 and 21 have the same stack: same locations. */
	assert_int_equal(p->samples[1].stack, p->samples[4].stack);
	/* goroutine 1 has no creator */
	assert_null(label_str(p, 0, "created_by"));
	prof_profile_free(p);
}

static void crash_log(void **state)
{
	(void)state;
	prof_profile *p = load_text_fixture("text/crash.txt");
	assert_int_equal(p->nsample, 4);
	assert_string_equal(label_str(p, 0, "state"), "running");
	assert_int_equal(stack_len(p, 0), 3);
	assert_string_equal(line_func(p, stack_loc(p, 0, 0), 0), "panic");
	assert_string_equal(line_func(p, stack_loc(p, 0, 1), 0), "main.(*server).handle");
	assert_int_equal(line_no(p, stack_loc(p, 0, 1), 0), 41);
	/* running on another thread: no stack, still counted */
	assert_int_equal(stack_len(p, 2), 0);
	assert_string_equal(label_str(p, 2, "created_by"), "main.main");
	/* "exit status 2" and the registers are not frames */
	assert_int_equal(stack_len(p, 3), 1);
	prof_profile_free(p);
}

/* Go 1.26 headers: (leaked), (scan), bubbles, labels; "...N frames elided...". */
static void go126_dump(void **state)
{
	(void)state;
	prof_profile *p = parse_ok(
		"goroutine 35 [chan receive (leaked) labels:{\"handler\": \"/api/v1\", \"t\": \"a\\\"b\\tc\\\\\\u00e9\"}]:\n"
		"main.f(...)\n\t/x.go:1\n"
		"main.g()\n\t/x.go:2 +0x1\n"
		"...7 frames elided...\n"
		"main.h()\n\t/x.go:3 +0x1\n"
		"created by main.main in goroutine 1\n\t/x.go:9 +0x2\n"
		"\n"
		"goroutine 7 gp=0xc000 m=nil [select (durable) (scan), 3 minutes, synctest bubble 12]:\n"
		"main.k()\n\t/x.go:4 +0x1 fp=0x1 sp=0x2 pc=0x3\n");
	assert_int_equal(p->nsample, 2);
	assert_string_equal(label_str(p, 0, "state"), "chan receive");
	assert_string_equal(label_str(p, 0, "leaked"), "true");
	assert_string_equal(label_str(p, 0, "handler"), "/api/v1");
	assert_string_equal(label_str(p, 0, "t"), "a\"b\tc\\\xc3\xa9");
	assert_string_equal(label_str(p, 0, "created_by"), "main.main");
	/* f inlined into g, then h past the elided frames */
	assert_int_equal(stack_len(p, 0), 2);
	assert_string_equal(line_func(p, stack_loc(p, 0, 1), 0), "main.h");
	assert_string_equal(label_str(p, 1, "state"), "select (durable)");
	assert_null(label_str(p, 1, "leaked"));
	assert_int_equal(label_num(p, 1, "wait_minutes")->num, 3);
	assert_int_equal(label_num(p, 1, "synctest_bubble")->num, 12);
	prof_profile_free(p);
	expect_error("goroutine 1 [x labels:{\"a\" \"b\"}]:\nmain.f()\n\t/x.go:1 +0x1\n",
	             "line 1: header labels: expected \": \" after a key");
}

static void truncated_dump(void **state)
{
	(void)state;
	prof_profile *p = load_text_fixture("text/truncated.debug2.txt");
	assert_int_equal(p->nsample, 2);
	assert_int_equal(stack_len(p, 1), 2);
	const prof_location *l = stack_loc(p, 1, 1);
	assert_string_equal(line_func(p, l, 0), "main.start.func3");
	assert_string_equal(line_file(p, l, 0), "");
	prof_profile_free(p);
}

/* The debug=2 dump of a moment has as many goroutines as debug=1 says in total. */
static void dump_matches_count(void **state)
{
	(void)state;
	static const char *const moments[] = {"normal/t1", "normal/t2", "normal/t3",
	                                      "trimpath/t1", "trimpath/t2", "trimpath/t3"};
	for (size_t i = 0; i < sizeof moments / sizeof *moments; i++) {
		char rel[128];
		snprintf(rel, sizeof rel, "leaky/%s/goroutine.debug1.txt", moments[i]);
		size_t len;
		char *text = fixture(rel, &len);
		long want = 0;
		assert_int_equal(sscanf(text, "goroutine profile: total %ld", &want), 1);
		prof_err err = {0};
		prof_profile *p1 = prof_load_bytes((const uint8_t *)text, len, &err);
		free(text);
		assert_non_null(p1);
		assert_int_equal(total(p1, 0), want);
		prof_profile_free(p1);
		snprintf(rel, sizeof rel, "leaky/%s/goroutine.debug2.txt", moments[i]);
		prof_profile *p2 = load_text_fixture(rel);
		assert_int_equal(total(p2, 0), want);
		prof_profile_free(p2);
	}
}

static void gzipped_text(void **state)
{
	(void)state;
	size_t len;
	char *text = fixture("leaky/normal/t2/heap.debug1.txt", &len);
	uLongf zn = compressBound(len) + 64;
	uint8_t *z = malloc(zn);
	z_stream zs = {0};
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)text;
	zs.avail_in = (uInt)len;
	zs.next_out = z;
	zs.avail_out = (uInt)zn;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	zn = zs.total_out;
	deflateEnd(&zs);
	prof_err err = {0};
	prof_profile *a = prof_load_bytes((const uint8_t *)text, len, &err);
	prof_profile *b = prof_load_bytes(z, zn, &err);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(a->nsample, b->nsample);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(total(a, i), total(b, i));
	prof_profile_free(a);
	prof_profile_free(b);
	/* Cut short: the gzip error, as for protobuf. */
	memset(&err, 0, sizeof err);
	assert_null(prof_load_bytes(z, zn / 2, &err));
	assert_non_null(strstr(err.msg, "gzip data is truncated"));
	free(z);
	free(text);
}

static void sniffing(void **state)
{
	(void)state;
	const char *yes[] = {
		"goroutine profile: total 3\n",
		"\n\nheap profile: 1: 2 [3: 4] @ heap/1024\n",
		"--- mutex:\n",
		"goroutine 1 [running]:\nmain.main()\n",
		"panic: boom\n\ngoroutine 1 [running]:\nmain.main()\n\t/x.go:3 +0x1\nexit status 2\n",
	};
	const char *no[] = {
		"This is not a profile.\n",
		"goroutine profile\n",
		"goroutine 1 running\n",
		"\x0a\x04\x08\x01\x10\x02",
	};
	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		assert_true(prof_text_sniff((const uint8_t *)yes[i], strlen(yes[i])));
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		assert_false(prof_text_sniff((const uint8_t *)no[i], strlen(no[i])));
}

/* ---- hostile input: one line of error, never a crash ---- */

static void rejects_bad_text(void **state)
{
	(void)state;
	/* truncated record */
	expect_error("heap profile: 1: 2 [3: 4] @ heap/1024\n1: 2 [3:",
	             "line 2: expected an allocated byte count, found the end of the line");
	/* bad numbers */
	expect_error("goroutine profile: total 1\n2x @ 0x1\n", "line 2: expected a count, found \"2x\"");
	expect_error("goroutine profile: total 1\n1 @ 0x1 0xZZ\n", "line 2: \"0xZZ\" is not a stack address");
	expect_error("--- contention:\ncycles/second=abc\n", "line 2: expected a number, found \"abc\"");
	/* absurd counts */
	expect_error("goroutine profile: total 1\n99999999999999999999 @ 0x1\n",
	             "line 2: a count \"99999999999999999999\" is out of range");
	expect_error("goroutine profile: total 1\n1 @ 0x123456789012345678\n",
	             "line 2: \"0x123456789012345678\" is not a stack address (more than 64 bits)");
	expect_error("goroutine profile: total 2\n9223372036854775807 @ 0x1\n1 @ 0x2\n",
	             "line 3: the profile's goroutine values add up to more than 2^63");
	expect_error("--- mutex:\nsampling period=1000000000000\n1 10000000000 @ 0x1\n",
	             "line 3: 10000000000 contentions times the sampling period 1000000000000 is out of range");
	expect_error("--- mutex:\ncycles/second=1\n99999999999999999 1 @ 0x1\n",
	             "line 3: the delay of 99999999999999999 cycles is out of range");
	expect_error("heap profile: 1: 2 [3: 4] @ heap/2\n-1: -9223372036854775808 [3: 4] @ 0x1\n",
	             "line 2: in-use bytes -9223372036854775808 is out of range");
	expect_error("goroutine 99999999999999999999999 [running]:\nmain.main()\n",
	             "line 1: goroutine id \"99999999999999999999999\" is out of range");
	/* a line without '@' */
	expect_error("goroutine profile: total 1\n3 0x1 0x2\n",
	             "line 2: expected '@' and the stack addresses after the values");
	expect_error("--- mutex:\ncycles/second=1\n5 6\n", "line 3: expected '@' and the stack addresses after the values");
	/* structure */
	expect_error("goroutine profile: total 1\n#\t0x1\tmain.f+0x1\tx.go:1\n", "line 2: a frame line before any record");
	expect_error("goroutine profile: total 1\n1 @ 0x1\n# labels: {\"a\":\"b\" \"c\":\"d\"}\n",
	             "line 3: labels: expected ',' or '}' at column 20");
	expect_error("goroutine profile: total 1\n1 @ 0x1\n# labels: {\"a\":\"\\q\"}\n",
	             "line 3: labels: expected a quoted value at column 16");
	expect_error("heap profile: 1: 2 [3: 4] @ heap/1024\n0: 5 [3: 4] @ 0x1\n",
	             "line 2: in-use count is 0 but in-use bytes is 5");
	expect_error("heap profile: 1: 2 [3: 4] @ weird/1024\n", "line 1: unknown heap sampling \"weird\"");
	expect_error("--- mutex:\ncycles/second=100\nfoo=1\n", "line 3: unknown contention profile attribute \"foo\"");
	expect_error("goroutine 1 [running]:\nmain.main()\n\tmain.go\nmain.f()\n",
	             "line 3: expected \"FILE:LINE\" after a function line, found \"main.go\"");
	expect_error("goroutine 1 [running]:\n\tmain.go:1\n", "line 2: a file line without a function line before it");
	expect_error("goroutine 1 [running, 99999999999999999999 minutes]:\nmain.main()\n",
	             "line 1: \"99999999999999999999\" minutes is out of range");
	/* Text that is none of these keeps the protobuf decoder's message. */
	expect_error("This is not a profile.\n", "unrecognized profile format (not a pprof protobuf profile)");
}

/* Every prefix and many byte mutations of real text: an answer, never a crash (run under ASan). */
static void survives_mutations(void **state)
{
	(void)state;
	static const char *const files[] = {
		"text/labels.debug1.txt", "text/go121.debug2.txt", "text/crash.txt",
		"leaky/normal/t1/heap.debug1.txt", "leaky/normal/t1/block.debug1.txt",
		"leaky/normal/t1/mutex.debug1.txt", "leaky/normal/t1/goroutine.debug1.txt",
	};
	static const char junk[] = "0123456789abcdefx@#:[]{}\"\\ \t\n-+()";
	uint64_t rng = 0x2545f4914f6cdd1dull;
	for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
		size_t len;
		char *text = fixture(files[f], &len);
		if (len > 4096)
			len = 4096;
		char *buf = malloc(len + 1);
		for (size_t cut = 0; cut <= len; cut += 1 + cut / 64) {
			prof_err err = {0};
			prof_profile *p = prof_decode_text((const uint8_t *)text, cut, &err);
			assert_true(p != NULL || err.set);
			prof_profile_free(p);
		}
		for (int round = 0; round < 400; round++) {
			memcpy(buf, text, len);
			for (int k = 0; k < 1 + round % 4; k++) {
				rng ^= rng << 13;
				rng ^= rng >> 7;
				rng ^= rng << 17;
				buf[rng % len] = junk[(rng >> 32) % (sizeof junk - 1)];
			}
			prof_err err = {0};
			prof_profile *p = prof_decode_text((const uint8_t *)buf, len, &err);
			assert_true(p != NULL || err.set);
			if (!p)
				assert_true(strncmp(err.msg, "line ", 5) == 0 || strstr(err.msg, "text profile") ||
				            strstr(err.msg, "goroutines"));
			prof_profile_free(p);
		}
		free(buf);
		free(text);
	}
}

/* a and b hold the same model, id for id. */
static void assert_same_profile(const prof_profile *a, const prof_profile *b)
{
	assert_int_equal(a->strs.n, b->strs.n);
	for (size_t i = 0; i < a->strs.n; i++) {
		assert_int_equal(a->strs.len[i], b->strs.len[i]);
		assert_memory_equal(a->strs.str[i], b->strs.str[i], a->strs.len[i] + 1);
	}
	assert_int_equal(a->nfunction, b->nfunction);
	assert_memory_equal(a->functions, b->functions, a->nfunction * sizeof *a->functions);
	assert_int_equal(a->nlocation, b->nlocation);
	assert_memory_equal(a->locations, b->locations, a->nlocation * sizeof *a->locations);
	assert_int_equal(a->nline, b->nline);
	assert_memory_equal(a->lines, b->lines, a->nline * sizeof *a->lines);
	assert_int_equal(a->nstack, b->nstack);
	for (size_t s = 0; s < a->nstack; s++) {
		assert_int_equal(a->stacks[s].len, b->stacks[s].len);
		for (uint32_t k = 0; k < a->stacks[s].len; k++)
			assert_int_equal(prof_stack_loc(a, &a->stacks[s], k), prof_stack_loc(b, &b->stacks[s], k));
	}
	assert_int_equal(a->nsample, b->nsample);
	assert_memory_equal(a->samples, b->samples, a->nsample * sizeof *a->samples);
	for (size_t s = 0; s < a->nsample; s++)
		for (size_t k = 0; k < a->nsample_type; k++)
			assert_int_equal(prof_value(a, s, k), prof_value(b, s, k));
	assert_int_equal(a->nlabel, b->nlabel);
	for (size_t i = 0; i < a->nlabel; i++) {
		assert_int_equal(a->labels[i].key, b->labels[i].key);
		assert_int_equal(a->labels[i].str, b->labels[i].str);
		assert_int_equal(a->labels[i].num, b->labels[i].num);
		assert_int_equal(a->labels[i].num_unit, b->labels[i].num_unit);
	}
}

/*
 * A big dump is read in two parts on two threads: the same model as one
 * pass, id for id, and the same error (with the same line number) when
 * either part has a bad line.
 */
static void dump_in_two_parts(void **state)
{
	(void)state;
	static const char *const files[] = {
		"text/go121.debug2.txt", "leaky/normal/t3/goroutine.debug2.txt", "leaky126/normal/t3/goroutine.debug2.txt",
		"leaky126/normal/t3/goroutineleak.debug2.txt", "leaky126/normal/bubble.debug2.txt", "text/crash.txt",
	};
	size_t n = 0, cap = 1 << 20;
	char *d = malloc(cap);
	for (int round = 0; round < 3; round++)
		for (size_t f = 0; f < sizeof files / sizeof *files; f++) {
			size_t len;
			char *text = fixture(files[f], &len);
			while (n + len + 1 > cap)
				d = realloc(d, cap *= 2);
			memcpy(d + n, text, len);
			n += len;
			d[n++] = '\n';
			free(text);
		}
	for (int bad = -1; bad < 2; bad++) {
		char *t = malloc(n + 64);
		size_t at = bad < 0 ? n : bad == 0 ? n / 4 : 3 * n / 4;
		while (at < n && !(d[at] == '\n' && at + 1 < n && d[at + 1] == 'g'))
			at++;
		size_t k = at < n ? at + 1 : n;
		memcpy(t, d, k);
		const char insert[] = "goroutine 7 [select]:\nmain.f()\n\tno file line\n\n";
		size_t m = k;
		if (bad >= 0) {
			memcpy(t + m, insert, sizeof insert - 1);
			m += sizeof insert - 1;
		}
		memcpy(t + m, d + k, n - k);
		m += n - k;
		prof_err e1 = {0}, e2 = {0};
		prof_profile *one = text_decode_dump_split((const uint8_t *)t, m, false, SIZE_MAX, &e1);
		prof_profile *two = text_decode_dump_split((const uint8_t *)t, m, false, 0, &e2);
		if (bad < 0) {
			assert_non_null(one);
			assert_non_null(two);
			assert_true(one->nsample > 100);
			assert_same_profile(one, two);
		} else {
			assert_null(one);
			assert_null(two);
			assert_string_equal(e1.msg, e2.msg);
		}
		prof_profile_free(one);
		prof_profile_free(two);
		free(t);
	}
	free(d);
}

/* Goroutines printed without frames (their empty blocks share one cache key) are samples with empty stacks. */
static void frameless_goroutines(void **state)
{
	(void)state;
	prof_profile *p = parse_ok("goroutine 1 [running]:\nexit status 2\ngoroutine 2 [running]:\n\n"
	                           "goroutine 3 [select]:\nmain.f()\n\t/a.go:1 +0x1\n\ngoroutine 4 [running]:\n");
	assert_int_equal(p->nsample, 4);
	assert_int_equal(p->stacks[p->samples[0].stack].len, 0);
	assert_int_equal(p->samples[0].stack, p->samples[1].stack);
	assert_int_equal(p->samples[1].stack, p->samples[3].stack);
	assert_int_equal(p->stacks[p->samples[2].stack].len, 1);
	prof_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(count_profile),
		cmocka_unit_test(inlined_by_entry),
		cmocka_unit_test(heap_profile),
		cmocka_unit_test(contention_profiles),
		cmocka_unit_test(threadcreate_empty_stack),
		cmocka_unit_test(goroutine_dump),
		cmocka_unit_test(crash_log),
		cmocka_unit_test(truncated_dump),
		cmocka_unit_test(go126_dump),
		cmocka_unit_test(dump_matches_count),
		cmocka_unit_test(gzipped_text),
		cmocka_unit_test(sniffing),
		cmocka_unit_test(rejects_bad_text),
		cmocka_unit_test(survives_mutations),
		cmocka_unit_test(dump_in_two_parts),
		cmocka_unit_test(frameless_goroutines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
