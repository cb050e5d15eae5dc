/*
 * Unit tests: the shared merge (xform/merge). A file may repeat a location,
 * function or mapping under two ids; merging maps the other profile's onto
 * the first of them whatever the tables' seeds, folds the first profile's
 * own repeats as pprof does, and pprof's numbering
 * (prof_merge_numbering) gives equal ones one number, in order of first use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "load/load.h"
#include "pbuild.h"
#include "xform/merge.h"

/*
 * Locations 1 and 2 are the same (address, line, function), 3 is main.work,
 * 4 main.main. Samples: [1 4] 1, [2 4] 2, [3 4] 4, [3] 0 (zero: not numbered).
 */
static prof_profile *dup_profile(void)
{
	pbuild b;
	pb_init(&b);
	pb_sample_type(&b, "samples", "count");
	pb_function(&b, 1, "main.leaf", "/src/a.go");
	pb_function(&b, 2, "main.work", "/src/a.go");
	pb_function(&b, 3, "main.main", "/src/a.go");
	pb_location(&b, 1, (uint64_t[]){1, 0});
	pb_location(&b, 2, (uint64_t[]){1, 0});
	b.p->location[1]->address = b.p->location[0]->address;
	pb_location(&b, 3, (uint64_t[]){2, 0});
	pb_location(&b, 4, (uint64_t[]){3, 0});
	pb_sample(&b, (uint64_t[]){1, 4, 0}, (int64_t[]){1});
	pb_sample(&b, (uint64_t[]){2, 4, 0}, (int64_t[]){2});
	pb_sample(&b, (uint64_t[]){3, 4, 0}, (int64_t[]){4});
	pb_sample(&b, (uint64_t[]){3, 0}, (int64_t[]){0});
	prof_profile *p = pb_load(&b);
	assert_non_null(p);
	return p;
}

static uint32_t first_loc(const prof_profile *p, size_t sample)
{
	const prof_stack *st = &p->stacks[p->samples[sample].stack];
	return prof_stack_loc(p, st, 0);
}

enum { NPAIR = 2000 };

/* NPAIR pairs of equal locations (ids 2k+1 and 2k+2), one sample on each location. */
static prof_profile *pairs_profile(void)
{
	pbuild b;
	pb_init(&b);
	pb_sample_type(&b, "samples", "count");
	pb_function(&b, 1, "main.leaf", "/src/a.go");
	for (uint64_t id = 1; id <= 2 * NPAIR; id++) {
		pb_location(&b, id, (uint64_t[]){1, 0});
		b.p->location[id - 1]->address = 0x100000 + (id - 1) / 2;
		pb_sample(&b, (uint64_t[]){id, 0}, (int64_t[]){1});
	}
	prof_profile *p = pb_load(&b);
	assert_non_null(p);
	return p;
}

/* Enough of them that the tables grow and rehash, which reorders equal entries but for the first-wins rule. */
static void repeated_location_maps_to_the_first(void **state)
{
	(void)state;
	for (int round = 0; round < 4; round++) {
		prof_profile *p = pairs_profile(), *q = pairs_profile();
		prof_err err = {0};
		assert_true(prof_merge(p, q, &err));
		assert_int_equal(p->nsample, 4 * NPAIR);
		assert_int_equal(p->nlocation, 2 * NPAIR);
		for (size_t s = 2 * NPAIR; s < 4 * NPAIR; s++)
			assert_int_equal(first_loc(p, s), (s - 2 * NPAIR) / 2 * 2);
		prof_profile_free(p);
		prof_profile_free(q);
	}
}

/* The total of the samples whose stack starts with location loc. */
static int64_t value_at(const prof_profile *p, uint32_t loc)
{
	int64_t v = 0;
	for (size_t s = 0; s < p->nsample; s++)
		if (first_loc(p, s) == loc)
			v += prof_value(p, s, 0);
	return v;
}

/*
 * pprof merges its first input too: dst's repeated locations fold into the
 * first, and so do locations that differ only by a repeated function, so
 * their samples sum into one when compacted.
 */
static void first_profile_repeats_fold(void **state)
{
	(void)state;
	prof_profile *p = dup_profile(), *q = dup_profile();
	prof_err err = {0};
	assert_true(prof_merge(p, q, &err));
	prof_compact_samples(p);
	/* [1 4]: 1 + 2, twice; [3 4]: 4, twice; the zero sample gone. */
	assert_int_equal(p->nsample, 2);
	assert_int_equal(value_at(p, 0), 6);
	assert_int_equal(value_at(p, 2), 8);
	prof_profile_free(p);
	prof_profile_free(q);

	pbuild b;
	pb_init(&b);
	pb_sample_type(&b, "samples", "count");
	pb_function(&b, 1, "main.leaf", "/src/a.go");
	pb_function(&b, 2, "main.leaf", "/src/a.go");
	pb_location(&b, 1, (uint64_t[]){1, 0});
	pb_location(&b, 2, (uint64_t[]){2, 0});
	b.p->location[1]->address = b.p->location[0]->address;
	pb_sample(&b, (uint64_t[]){1, 0}, (int64_t[]){5});
	pb_sample(&b, (uint64_t[]){2, 0}, (int64_t[]){7});
	p = pb_load(&b);
	assert_non_null(p);
	q = prof_profile_copy(p);
	assert_true(prof_merge(p, q, &err));
	prof_compact_samples(p);
	assert_int_equal(p->nsample, 1);
	assert_int_equal(value_at(p, 0), 24);
	prof_profile_free(p);
	prof_profile_free(q);
}

static void numbering_by_first_use(void **state)
{
	(void)state;
	prof_profile *p = dup_profile();
	prof_numbering *nb = prof_merge_numbering(p);
	/* Locations 1 and 2 share a number; 4 (main.main) is used second, 3 third. */
	assert_int_equal(nb->nloc, 3);
	assert_int_equal(nb->loc_new[0], 0);
	assert_int_equal(nb->loc_new[1], 0);
	assert_int_equal(nb->loc_new[3], 1);
	assert_int_equal(nb->loc_new[2], 2);
	assert_int_equal(nb->loc_rep[0], 0);
	/* No mappings: pprof's one empty mapping, which every location uses. */
	assert_int_equal(nb->nmap, 1);
	assert_int_equal(nb->loc_map[0], 0);
	assert_int_equal(nb->loc_map[2], 0);
	prof_numbering_free(nb);
	prof_profile_free(p);
}

/* One sample type, one location; sample i has value v[i] (n of them). */
static prof_profile *valued(const int64_t *v, size_t n)
{
	pbuild b;
	pb_init(&b);
	pb_sample_type(&b, "delay", "nanoseconds");
	pb_function(&b, 1, "main.main", "/src/a.go");
	pb_location(&b, 1, (uint64_t[]){1, 0});
	for (size_t i = 0; i < n; i++)
		pb_sample(&b, (uint64_t[]){1, 0}, &v[i]);
	return pb_load(&b);
}

/*
 * Values are 32-bit while they fit: the merge, the sums of compaction and
 * scaling widen the store when a result does not, and every value stays.
 */
static void values_widen_when_needed(void **state)
{
	(void)state;
	/* Narrow and narrow stay narrow; narrow and wide become wide. */
	int64_t small[] = {3, INT32_MAX}, big[] = {-5, (int64_t)1 << 40};
	prof_profile *p = valued(small, 2), *q = valued(small, 2), *r = valued(big, 2);
	prof_err err = {0};
	assert_true(prof_merge(p, q, &err));
	assert_non_null(p->vals.narrow);
	assert_true(prof_merge(p, r, &err));
	assert_null(p->vals.narrow);
	const int64_t want[] = {3, INT32_MAX, 3, INT32_MAX, -5, (int64_t)1 << 40};
	assert_int_equal(p->nsample, 6);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(prof_value(p, i, 0), want[i]);
	prof_profile_free(q);
	prof_profile_free(r);
	/* Compaction sums the one stack: 3 + INT32_MAX twice - 5 + 2^40. */
	prof_compact_samples(p);
	assert_int_equal(p->nsample, 1);
	assert_int_equal(prof_value(p, 0, 0), 1 + 2 * (int64_t)INT32_MAX + ((int64_t)1 << 40));
	prof_profile_free(p);

	/* A sum past 32 bits of narrow values widens. */
	int64_t two[] = {INT32_MAX, 1};
	p = valued(two, 2);
	assert_non_null(p->vals.narrow);
	prof_compact_samples(p);
	assert_null(p->vals.narrow);
	assert_int_equal(prof_value(p, 0, 0), (int64_t)INT32_MAX + 1);
	prof_profile_free(p);

	/* Scaling past 32 bits widens; a value scaled to 0 drops its sample. */
	int64_t three[] = {1, 1000000, 2};
	p = valued(three, 3);
	prof_scale_values(p, (double[]){10000.0});
	assert_null(p->vals.narrow);
	assert_int_equal(p->nsample, 3);
	assert_int_equal(prof_value(p, 1, 0), 10000000000);
	assert_int_equal(prof_value(p, 2, 0), 20000);
	prof_scale_values(p, (double[]){0.00001});
	assert_int_equal(p->nsample, 1);
	assert_int_equal(prof_value(p, 0, 0), 100000);
	prof_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(repeated_location_maps_to_the_first),
		cmocka_unit_test(numbering_by_first_use),
		cmocka_unit_test(first_profile_repeats_fold),
		cmocka_unit_test(values_widen_when_needed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
