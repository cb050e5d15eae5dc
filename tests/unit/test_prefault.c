/*
 * Unit tests: util/prefault, the helper thread that has pages made ready
 * ahead of the decoder. What the decoder counts on: an array asked about
 * keeps its contents, prefault_done tells when what was asked is done, and
 * after prefault_drop nothing of an array is worked on, so it may move.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/prefault.h"

enum { BIG = 16 << 20 };

/* Waits (up to ten seconds) for prefault_done. */
static bool wait_done(prefault *pf, uint64_t ticket)
{
	for (int i = 0; i < 10000; i++) {
		if (prefault_done(pf, ticket))
			return true;
		nanosleep(&(struct timespec){0, 1000000}, NULL);
	}
	return false;
}

/* The helper thread, or the test skipped where none can start (one core, an old kernel). */
static prefault *helper(void)
{
	prefault *pf = prefault_new();
	if (!pf)
		skip();
	return pf;
}

static unsigned char *big(void)
{
	unsigned char *a = malloc(BIG);
	assert_non_null(a);
	return a;
}

/* Without a helper (one core, or a kernel without MADV_POPULATE_WRITE) every call does nothing. */
static void no_helper(void **state)
{
	(void)state;
	char buf[64];
	size_t mark = 0;
	prefault_ahead(NULL, buf, 0, sizeof buf, &mark);
	assert_true(prefault_done(NULL, prefault_all(NULL, buf, sizeof buf)));
	prefault_drop(NULL, buf, sizeof buf);
	prefault_free(NULL);
}

/* A whole array asked for: done in time, its contents as they were. */
static void all_then_done(void **state)
{
	(void)state;
	prefault *pf = helper();
	unsigned char *a = big();
	a[0] = 1;
	a[BIG / 2] = 2;
	a[BIG - 1] = 3;
	uint64_t ticket = prefault_all(pf, a, BIG);
	assert_true(wait_done(pf, ticket));
	assert_int_equal(a[0], 1);
	assert_int_equal(a[BIG / 2], 2);
	assert_int_equal(a[BIG - 1], 3);
	prefault_free(pf);
	free(a);
}

/* Dropped at once: nothing of the array is queued or worked on, and the others still are. */
static void drop_then_move(void **state)
{
	(void)state;
	prefault *pf = helper();
	unsigned char *a = big(), *b = big();
	uint64_t ta = prefault_all(pf, a, BIG);
	uint64_t tb = prefault_all(pf, b, BIG);
	prefault_drop(pf, a, BIG);
	/* a's ranges all came before b's: done with a means none of them is left. */
	assert_true(prefault_done(pf, ta));
	memset(a, 7, 4096);
	a = realloc(a, 2 * (size_t)BIG); /* moves, or grows in place: no range of it is worked on */
	assert_non_null(a);
	assert_int_equal(a[4095], 7);
	assert_true(wait_done(pf, tb));
	prefault_free(pf);
	free(a);
	free(b);
}

/* Ranges ahead of a growing array: asked for as it comes near them; what it did not come to use is given back, the rest kept. */
static void ahead_and_release(void **state)
{
	(void)state;
	prefault *pf = helper();
	unsigned char *a = big();
	size_t mark = 0, used = 0;
	for (; used < BIG / 2; used += 1 << 16) {
		prefault_ahead(pf, a, used, BIG, &mark);
		assert_true(mark > used && mark <= BIG);
		a[used] = (unsigned char)(used >> 16);
	}
	prefault_free(pf); /* with ranges maybe still queued */
	prefault_release(a, used, mark);
	for (size_t at = 0; at < used; at += 1 << 16)
		assert_int_equal(a[at], (unsigned char)(at >> 16));
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(no_helper),
		cmocka_unit_test(all_then_done),
		cmocka_unit_test(drop_then_move),
		cmocka_unit_test(ahead_and_release),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
