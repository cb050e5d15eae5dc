/* Unit tests: string interning, stack interning, sample-index rules, formatting. */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/profile.h"
#include "util/units.h"
#include "util/err.h"
#include "util/path.h"

static void interns_strings(void **state)
{
	(void)state;
	prof_profile *p = prof_profile_new();
	assert_int_equal(prof_intern(p, "", 0), 0);
	prof_strid a = prof_intern(p, "runtime.gopark", 14);
	prof_strid b = prof_intern(p, "runtime.gopark", 14);
	prof_strid c = prof_intern(p, "runtime.goparkX", 15);
	assert_int_equal(a, b);
	assert_int_not_equal(a, c);
	assert_string_equal(prof_str(p, c), "runtime.goparkX");
	/* embedded NUL bytes are part of the string */
	prof_strid d = prof_intern(p, "a\0b", 3);
	assert_int_not_equal(d, prof_intern(p, "a", 1));
	assert_int_equal(prof_strlen(p, d), 3);
	/* many strings force rehashing */
	char buf[32];
	for (int i = 0; i < 5000; i++) {
		snprintf(buf, sizeof buf, "s%d", i);
		prof_intern(p, buf, strlen(buf));
	}
	assert_int_equal(prof_intern(p, "s4999", 5), prof_intern(p, "s4999", 5));
	assert_int_equal(prof_intern(p, "runtime.gopark", 14), a);
	prof_profile_free(p);
}

static void interns_stacks(void **state)
{
	(void)state;
	prof_profile *p = prof_profile_new();
	prof_stack_index ix = {0};
	uint32_t s1 = prof_stack_intern(p, &ix, (uint32_t[]){1, 2, 3}, 3);
	uint32_t s2 = prof_stack_intern(p, &ix, (uint32_t[]){1, 2}, 2);
	uint32_t s3 = prof_stack_intern(p, &ix, (uint32_t[]){1, 2, 3}, 3);
	uint32_t s4 = prof_stack_intern(p, &ix, NULL, 0);
	assert_int_equal(s1, s3);
	assert_int_not_equal(s1, s2);
	assert_int_not_equal(s4, s2);
	for (uint32_t i = 0; i < 10000; i++)
		prof_stack_intern(p, &ix, (uint32_t[]){i, i + 1}, 2);
	assert_int_equal(prof_stack_intern(p, &ix, (uint32_t[]){1, 2}, 2), s2);
	prof_stack_index_free(&ix);
	prof_profile_free(p);
}

static int64_t same_stack(const prof_profile *p, const uint32_t *locs, uint32_t n, uint32_t *out, void *arg)
{
	(void)p;
	(void)arg;
	memcpy(out, locs, n * sizeof *locs);
	return n;
}

/* The stack store is 16-bit until an index past 16 bits comes, then 32-bit, with every stack kept. */
static void widens_stack_store(void **state)
{
	(void)state;
	prof_profile *p = prof_profile_new();
	prof_stack_index ix = {0};
	uint32_t empty = prof_stack_intern(p, &ix, NULL, 0);
	uint32_t a = prof_stack_intern(p, &ix, (uint32_t[]){7, 65535, 0}, 3);
	assert_non_null(p->stack_locs.narrow);
	uint32_t b = prof_stack_intern(p, &ix, (uint32_t[]){65536, 7}, 2);
	assert_null(p->stack_locs.narrow);
	assert_non_null(p->stack_locs.wide);
	assert_int_equal(prof_stack_intern(p, &ix, (uint32_t[]){7, 65535, 0}, 3), a);
	assert_int_equal(prof_stack_intern(p, &ix, (uint32_t[]){65536, 7}, 2), b);
	prof_stack_index_free(&ix);
	p->samples = calloc(3, sizeof *p->samples);
	p->samples[0].stack = empty;
	p->samples[1].stack = a;
	p->samples[2].stack = b;
	p->nsample = 3;
	prof_rewrite_stacks(p, same_stack, NULL);
	prof_locbuf buf = {0};
	const prof_stack *sa = &p->stacks[p->samples[1].stack], *sb = &p->stacks[p->samples[2].stack];
	assert_int_equal(sa->len, 3);
	assert_memory_equal(prof_stack_locs(p, sa, &buf), ((uint32_t[]){7, 65535, 0}), 3 * sizeof(uint32_t));
	assert_int_equal(prof_stack_loc(p, sb, 0), 65536);
	assert_int_equal(p->stacks[p->samples[0].stack].len, 0);
	assert_non_null(prof_stack_locs(p, &p->stacks[p->samples[0].stack], &buf));
	prof_locbuf_free(&buf);
	prof_profile_free(p);

	/* Stacks first made wide: the store starts wide. */
	p = prof_profile_new();
	ix = (prof_stack_index){0};
	prof_stack_intern(p, &ix, (uint32_t[]){1u << 20}, 1);
	assert_non_null(p->stack_locs.wide);
	assert_int_equal(prof_loc_at(p, 0), 1u << 20);
	prof_stack_index_free(&ix);
	prof_profile_free(p);
}

static prof_profile *typed(const char *const *types, size_t n, const char *deflt)
{
	prof_profile *p = prof_profile_new();
	p->sample_types = calloc(n, sizeof *p->sample_types);
	for (size_t i = 0; i < n; i++)
		p->sample_types[i].type = prof_intern(p, types[i], strlen(types[i]));
	p->nsample_type = n;
	if (deflt)
		p->default_sample_type = prof_intern(p, deflt, strlen(deflt));
	return p;
}

static void picks_sample_index(void **state)
{
	(void)state;
	const char *heap[] = {"alloc_objects", "alloc_space", "inuse_objects", "inuse_space"};
	prof_profile *p = typed(heap, 4, "inuse_space");
	prof_err err = {0};
	assert_int_equal(prof_sample_index(p, NULL, &err), 3);
	assert_int_equal(prof_sample_index(p, "alloc_space", &err), 1);
	assert_int_equal(prof_sample_index(p, "0", &err), 0);
	assert_int_equal(prof_sample_index(p, "4", &err), -1);
	assert_string_equal(err.msg, "sample_index 4 is outside the range [0..3]");
	prof_profile_free(p);

	/* no default: the last type; legacy inuse_ prefix on "space" types */
	const char *legacy[] = {"objects", "space"};
	p = typed(legacy, 2, NULL);
	err = (prof_err){0};
	assert_int_equal(prof_sample_index(p, "", &err), 1);
	assert_int_equal(prof_sample_index(p, "inuse_objects", &err), 0);
	assert_int_equal(prof_sample_index(p, "bogus", &err), -1);
	assert_string_equal(err.msg, "sample_index \"bogus\" must be one of: [objects space]");
	prof_profile_free(p);

	/* a default that names no type falls back to the last */
	const char *two[] = {"a", "b"};
	p = typed(two, 2, "zzz");
	assert_int_equal(prof_sample_index(p, NULL, &err), 1);
	prof_profile_free(p);
}

static void formats_like_pprof(void **state)
{
	(void)state;
	char b[64];
	fmt_scaled_label(b, sizeof b, 1536, "bytes", "minimum");
	assert_string_equal(b, "1.50kB");
	fmt_scaled_label(b, sizeof b, 1048576, "bytes", "minimum");
	assert_string_equal(b, "1MB");
	fmt_scaled_label(b, sizeof b, 0, "bytes", "MB");
	assert_string_equal(b, "0");
	fmt_scaled_label(b, sizeof b, 1500000, "nanoseconds", "ms");
	assert_string_equal(b, "1.50ms");
	fmt_scaled_label(b, sizeof b, 1500000, "nanoseconds", "auto");
	assert_string_equal(b, "1.50ms");
	fmt_scaled_label(b, sizeof b, 42, "count", "count");
	assert_string_equal(b, "42");
	fmt_scaled_label(b, sizeof b, -2048, "bytes", "kb");
	assert_string_equal(b, "-2kB");
	fmt_scaled_label(b, sizeof b, 7, "widgets", "widgets");
	assert_string_equal(b, "7widgets");
	fmt_percentage(b, sizeof b, 1, 3);
	assert_string_equal(b, "33.33%");
	fmt_percentage(b, sizeof b, 1, 1);
	assert_string_equal(b, "  100%");
	fmt_percentage(b, sizeof b, 1, 2000);
	assert_string_equal(b, " 0.05%");
	fmt_percentage(b, sizeof b, 1, 1000000);
	assert_string_equal(b, "0.0001%");
	fmt_percentage(b, sizeof b, 0, 0);
	assert_string_equal(b, "    0%");
	fmt_percentage(b, sizeof b, -5, 10);
	assert_string_equal(b, "50.00%");
}

/* printf's "%.2f" as fmt_scaled_label used it before its own formatter. */
static void printf_label(char *buf, size_t n, int64_t value, const char *from, const char *to)
{
	const char *u;
	double v = fmt_scale(value, from, to, &u);
	char num[400];
	snprintf(num, sizeof num, "%.2f", v);
	size_t l = strlen(num);
	if (l >= 3 && strcmp(num + l - 3, ".00") == 0)
		num[l - 3] = '\0';
	if (strcmp(num, "0") == 0 || strcmp(num, "-0") == 0)
		snprintf(buf, n, "0");
	else
		snprintf(buf, n, "%s%s", num, u);
}

/* The formatter rounds as printf does: half to even on the exact binary value, at every magnitude. */
static void formats_values_as_printf(void **state)
{
	(void)state;
	static const char *const units[][2] = {{"bytes", "minimum"}, {"bytes", "MB"},         {"bytes", "kb"},
	                                       {"nanoseconds", "minimum"}, {"nanoseconds", "ms"}, {"nanoseconds", "s"},
	                                       {"count", "count"}, {"gcu", "minimum"},          {"bytes", "tb"}};
	uint64_t x = 0x9e3779b97f4a7c15ull;
	char a[128], b[128];
	for (int i = 0; i < 2000000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		int64_t v = (int64_t)(x >> (x % 64));
		if (i & 1)
			v = -v;
		if (i % 7 == 0)
			v = (int64_t)((x % 200000) * 5); /* ties: ...5 at the third decimal */
		const char *const *u = units[(size_t)i % (sizeof units / sizeof units[0])];
		fmt_scaled_label(a, sizeof a, v, u[0], u[1]);
		printf_label(b, sizeof b, v, u[0], u[1]);
		if (strcmp(a, b) != 0)
			fail_msg("%" PRId64 " %s->%s: %s, printf %s", v, u[0], u[1], a, b);
	}
	int64_t edges[] = {0, 1, -1, 5, 125, 1024 + 5, INT64_MAX, INT64_MIN, INT64_MIN + 1, 9007199254740993};
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
		for (size_t k = 0; k < sizeof units / sizeof units[0]; k++) {
			fmt_scaled_label(a, sizeof a, edges[i], units[k][0], units[k][1]);
			printf_label(b, sizeof b, edges[i], units[k][0], units[k][1]);
			assert_string_equal(a, b);
		}
}

static void paths_like_go(void **state)
{
	(void)state;
	static const char *const cases[][2] = {
		{"/a/b/../c/./d.go", "/a/c/d.go"}, {"a//b/", "a/b"}, {"../../x", "../../x"},
		{"/..", "/"}, {"./", "."}, {"a/..", "."}, {"/srv/app/main.go", "/srv/app/main.go"},
	};
	char out[64], buf[64];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t n = path_clean(cases[i][0], strlen(cases[i][0]), out);
		out[n] = '\0';
		assert_string_equal(out, cases[i][1]);
	}
	assert_string_equal(path_base("/srv/app/server", buf, sizeof buf), "server");
	assert_string_equal(path_base("lib.so/", buf, sizeof buf), "lib.so");
	assert_string_equal(path_base("/", buf, sizeof buf), "/");
	assert_string_equal(path_base("", buf, sizeof buf), ".");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(interns_strings),
		cmocka_unit_test(interns_stacks),
		cmocka_unit_test(widens_stack_store),
		cmocka_unit_test(picks_sample_index),
		cmocka_unit_test(formats_like_pprof),
		cmocka_unit_test(formats_values_as_printf),
		cmocka_unit_test(paths_like_go),
	};
	return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
