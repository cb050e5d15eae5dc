/*
 * views: the data the browser draws (src/report/views.h), checked against
 * what the text reports print for the same fixture: the flame tree sums
 * like the profile, callers and callees are tree's edges, the match share
 * counts a sample once, and text reports come back line by line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "fixture.h"
#include "report/views.h"

static const char heap[] = "leaky/normal/t3/heap.pb.gz";

/* The heap fixture, its engine and default options. */
static prof_engine *e;

static prof_profile *setup(report_opts *o)
{
	report_opts_init(o);
	prof_profile *p = load_fixture(heap);
	e = engine_new(p, false);
	return p;
}

static void done(prof_profile *p)
{
	engine_free(e);
	e = NULL;
	prof_profile_free(p);
}

static void test_flame_sums(void **state)
{
	(void)state;
	report_opts o;
	prof_profile *p = setup(&o);
	report_flame fl;
	prof_err err = {0};
	assert_true(report_flame_data(e, &o, false, NULL, &fl, &err));
	assert_true(fl.n > 1);
	assert_int_equal(fl.value[0], fl.total);
	assert_int_equal(fl.end[0], fl.n);
	/* Every frame holds its children (and its own value), children come largest first, and each ends inside its parent. */
	for (uint32_t v = 0; v < fl.n; v++) {
		int64_t sum = 0, prev = INT64_MAX;
		for (uint32_t c = v + 1; c < fl.end[v]; c = fl.end[c]) {
			assert_true(fl.end[c] > c && fl.end[c] <= fl.end[v]);
			assert_int_equal(report_flame_parent(&fl, c), v);
			assert_int_equal(report_flame_depth(&fl, c), report_flame_depth(&fl, v) + 1);
			assert_true(report_flame_under(&fl, c, v));
			assert_true(fl.weight[c] <= prev);
			prev = fl.weight[c];
			sum += fl.value[c];
		}
		assert_true(sum <= fl.value[v]);
	}
	assert_int_equal(report_flame_parent(&fl, 0), REPORT_FLAME_NONE);
	assert_string_equal(report_flame_name(&fl, 1), "runtime.main");
	assert_string_equal(report_flame_name(&fl, 0), "root");
	assert_int_equal(fl.frame[1], report_flame_frame_named(&fl, "runtime.main"));
	assert_int_equal(report_flame_frame_named(&fl, "no.such"), REPORT_FLAME_NONE);
	report_flame_free(&fl);
	done(p);
}

static void test_flame_inverted(void **state)
{
	(void)state;
	report_opts o;
	prof_profile *p = setup(&o);
	report_flame fl;
	prof_err err = {0};
	assert_true(report_flame_data(e, &o, true, NULL, &fl, &err));
	/* Leaves on top: the root's largest child is the largest flat function. */
	assert_string_equal(report_flame_name(&fl, 1), "main.retainBuffers");
	char val[64];
	report_flame_value(&fl, fl.value[1], val, sizeof val);
	assert_string_equal(val, "6018.26kB");
	report_flame_free(&fl);
	done(p);
}

static void test_neighbors(void **state)
{
	(void)state;
	report_opts o;
	prof_profile *p = setup(&o);
	report_neighbors nb;
	prof_err err = {0};
	assert_true(report_neighbors_data(e, &o, "main.indexUsers", NULL, &nb, &err));
	assert_true(nb.found);
	assert_string_equal(nb.cum_s, "1541.52kB");
	assert_int_equal(nb.ncallers, 1);
	assert_string_equal(nb.callers[0].name, "main.growHeap");
	assert_string_equal(nb.callers[0].pct, "  100%");
	assert_int_equal(nb.ncallees, 1);
	assert_string_equal(nb.callees[0].name, "fmt.Sprintf");
	report_neighbors_free(&nb);
	done(p);

	p = setup(&o);
	assert_true(report_neighbors_data(e, &o, "no.such", NULL, &nb, &err));
	assert_false(nb.found);
	report_neighbors_free(&nb);
	done(p);
}

static void test_match(void **state)
{
	(void)state;
	report_opts o;
	prof_profile *p = setup(&o);
	int64_t m, t;
	size_t n;
	prof_err err = {0};
	/* runtime.main is on nearly every stack, main.main under it: each sample counts once. */
	assert_true(report_match_data(e, &o, "main\\.main|runtime\\.main", NULL, &m, &t, &n, &err));
	assert_int_equal(n, 2);
	assert_true(m <= t);
	done(p);
	p = setup(&o);
	int64_t m1;
	assert_true(report_match_data(e, &o, "runtime\\.main", NULL, &m1, &t, &n, &err));
	assert_int_equal(m, m1);
	done(p);
	p = setup(&o);
	assert_false(report_match_data(e, &o, "(", NULL, &m, &t, &n, &err));
	done(p);
}

static void test_lines(void **state)
{
	(void)state;
	report_opts o;
	prof_profile *p = setup(&o);
	report_lines l;
	prof_err err = {0};
	assert_true(report_lines_data(e, "tags", NULL, &o, NULL, &l, &err));
	assert_true(l.n > 2);
	assert_non_null(strstr(l.line[0], "bytes: Total"));
	report_lines_free(&l);
	done(p);
	p = setup(&o);
	assert_false(report_lines_data(e, "goroutines", NULL, &o, NULL, &l, &err));
	assert_non_null(strstr(err.msg, "goroutines needs a goroutine dump"));
	report_lines_free(&l);
	done(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flame_sums), cmocka_unit_test(test_flame_inverted), cmocka_unit_test(test_neighbors),
		cmocka_unit_test(test_match), cmocka_unit_test(test_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
