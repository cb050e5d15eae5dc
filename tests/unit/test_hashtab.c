/*
 * Unit tests: the one hash table (util/hashtab) and the stack index built on
 * it, at the sizes of real profiles and under collisions an input can force.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "model/profile.h"
#include "util/hashtab.h"

typedef struct keys {
	const uint64_t *k;
	uint64_t want;
} keys;

static bool key_eq(const void *ctx, uint32_t e)
{
	const keys *ks = ctx;
	return ks->k[e] == ks->want;
}

/* Millions of keys: every one found once, none twice, misses miss. */
static void millions_of_keys(void **state)
{
	(void)state;
	size_t n = 3000000;
	uint64_t *k = malloc(n * sizeof *k);
	for (size_t i = 0; i < n; i++)
		k[i] = (uint64_t)i * 0x9e3779b97f4a7c15ull + 7;
	hashtab t = {0};
	keys ks = {k, 0};
	for (size_t i = 0; i < n; i++) {
		ks.want = k[i];
		assert_int_equal(hashtab_intern(&t, k[i], (uint32_t)i, key_eq, &ks), i);
	}
	assert_int_equal(t.n, n);
	assert_true(t.nslots >= 2 * n);
	for (size_t i = 0; i < n; i += 7) {
		ks.want = k[i];
		assert_int_equal(hashtab_intern(&t, k[i], (uint32_t)n, key_eq, &ks), i);
		assert_int_equal(hashtab_find(&t, k[i], key_eq, &ks), i);
	}
	ks.want = 1;
	assert_int_equal(hashtab_find(&t, 1, key_eq, &ks), HASHTAB_NONE);
	assert_int_equal(t.n, n);
	hashtab_free(&t);
	free(k);
}

/* Every key with the same hash: slower, but still exact and finite. */
static void all_keys_collide(void **state)
{
	(void)state;
	size_t n = 20000;
	uint64_t *k = malloc(n * sizeof *k);
	for (size_t i = 0; i < n; i++)
		k[i] = i;
	hashtab t = {0};
	keys ks = {k, 0};
	for (size_t i = 0; i < n; i++) {
		ks.want = k[i];
		assert_int_equal(hashtab_intern(&t, 42, (uint32_t)i, key_eq, &ks), i);
	}
	for (size_t i = 0; i < n; i += 97) {
		ks.want = k[i];
		assert_int_equal(hashtab_find(&t, 42, key_eq, &ks), i);
	}
	ks.want = n + 1;
	assert_int_equal(hashtab_find(&t, 42, key_eq, &ks), HASHTAB_NONE);
	hashtab_free(&t);
	free(k);
}

/* Keys that differ only in their high or only in their low half spread alike. */
static void halves_spread(void **state)
{
	(void)state;
	size_t n = 1 << 16;
	for (int high = 0; high < 2; high++) {
		hashtab t = {0};
		hashtab_reserve(&t, n);
		size_t longest = 0;
		for (size_t i = 0; i < n; i++) {
			uint64_t h = high ? (uint64_t)i << 32 : (uint64_t)i;
			hashtab_add(&t, h, (uint32_t)i);
		}
		/* The longest run of full slots stays small for a well-spread table. */
		size_t run = 0;
		for (size_t j = 0; j < 2 * t.nslots; j++) {
			run = t.slots[j & (t.nslots - 1)].entry ? run + 1 : 0;
			if (run > longest)
				longest = run;
		}
		assert_true(longest < 200);
		hashtab_free(&t);
	}
}

/* Growth is right from any start: a table reserved small, large, or cleared. */
static void growth_from_any_size(void **state)
{
	(void)state;
	size_t starts[] = {0, 1, 3, 4096, 100000};
	size_t n = 50000;
	uint64_t *k = malloc(n * sizeof *k);
	for (size_t i = 0; i < n; i++)
		k[i] = i * 31 + 1;
	for (size_t s = 0; s < sizeof starts / sizeof *starts; s++) {
		hashtab t = {0};
		if (starts[s])
			hashtab_reserve(&t, starts[s]);
		keys ks = {k, 0};
		for (int round = 0; round < 2; round++) {
			for (size_t i = 0; i < n; i++) {
				ks.want = k[i];
				assert_int_equal(hashtab_intern(&t, k[i], (uint32_t)i, key_eq, &ks), i);
			}
			assert_int_equal(t.n, n);
			assert_true(t.n * 2 <= t.nslots);
			hashtab_clear(&t);
		}
		hashtab_free(&t);
	}
	free(k);
}

/*
 * The stack index over a profile that already holds more stacks than a new
 * index would start with (a merge into a loaded profile): this hung before.
 */
static void stack_index_over_loaded_profile(void **state)
{
	(void)state;
	prof_profile *p = prof_profile_new();
	prof_stack_index a = {0};
	uint32_t locs[3];
	size_t n = 300000;
	for (size_t i = 0; i < n; i++) {
		locs[0] = (uint32_t)i;
		locs[1] = (uint32_t)(i % 7);
		locs[2] = (uint32_t)(i / 3);
		assert_int_equal(prof_stack_intern(p, &a, locs, 3), i);
	}
	prof_stack_index_free(&a);
	for (int again = 0; again < 3; again++) {
		prof_stack_index b = {0};
		for (size_t i = 0; i < n; i += 3) {
			locs[0] = (uint32_t)i;
			locs[1] = (uint32_t)(i % 7);
			locs[2] = (uint32_t)(i / 3);
			assert_int_equal(prof_stack_intern(p, &b, locs, 3), i);
		}
		locs[0] = UINT32_MAX - 1 - (uint32_t)again;
		assert_int_equal(prof_stack_intern(p, &b, locs, 1), n + (size_t)again);
		prof_stack_index_free(&b);
	}
	assert_int_equal(p->nstack, n + 3);
	prof_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(millions_of_keys),
		cmocka_unit_test(all_keys_collide),
		cmocka_unit_test(halves_spread),
		cmocka_unit_test(growth_from_any_size),
		cmocka_unit_test(stack_index_over_loaded_profile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
