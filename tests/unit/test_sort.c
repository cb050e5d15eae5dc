/* Unit tests of util/sort: sorted, stable, context passed through, any size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/sort.h"

typedef struct item {
	uint32_t key, seq;
} item;

/* By key modulo *ctx: many ties, so stability shows. */
static int item_cmp(const void *a, const void *b, void *ctx)
{
	uint32_t m = *(const uint32_t *)ctx;
	uint32_t x = ((const item *)a)->key % m, y = ((const item *)b)->key % m;
	return (x > y) - (x < y);
}

static void sorts_stably(void **state)
{
	(void)state;
	uint64_t rng = 88172645463325252ull;
	const size_t sizes[] = {0, 1, 2, 3, 11, 12, 13, 100, 1000, 100000};
	for (size_t si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
		size_t n = sizes[si];
		item *a = malloc((n + 1) * sizeof *a);
		for (size_t i = 0; i < n; i++) {
			rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
			a[i] = (item){(uint32_t)rng, (uint32_t)i};
		}
		uint32_t m = 97;
		sort_r(a, n, sizeof *a, item_cmp, &m);
		for (size_t i = 1; i < n; i++) {
			uint32_t x = a[i - 1].key % m, y = a[i].key % m;
			assert_true(x <= y);
			if (x == y)
				assert_true(a[i - 1].seq < a[i].seq);
		}
		free(a);
	}
}

static int byte_cmp(const void *a, const void *b, void *ctx)
{
	(void)ctx;
	return memcmp(a, b, 3);
}

static void odd_item_size(void **state)
{
	(void)state;
	char a[3 * 40];
	for (int i = 0; i < 40; i++) {
		a[3 * i] = (char)(39 - i);
		a[3 * i + 1] = (char)i;
		a[3 * i + 2] = 'x';
	}
	sort_r(a, 40, 3, byte_cmp, NULL);
	for (int i = 0; i < 40; i++) {
		assert_int_equal(a[3 * i], i);
		assert_int_equal(a[3 * i + 1], 39 - i);
		assert_int_equal(a[3 * i + 2], 'x');
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sorts_stably),
		cmocka_unit_test(odd_item_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
