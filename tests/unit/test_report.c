/* Unit tests of reports as data: report_top_data gives the rows the text report prints. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"

#include "load/load.h"
#include "report/report.h"

/* The rows, printed as top prints them, equal top's text. */
static void top_rows_are_the_report(void **state)
{
	(void)state;
	const char *fixtures[] = {"leaky/normal/t3/heap.pb.gz", "edge/inline.pb.gz", "edge/hostile2.pb.gz"};
	for (size_t f = 0; f < sizeof fixtures / sizeof *fixtures; f++) {
		report_opts o;
		report_opts_init(&o);
		o.filters.focus = f == 0 ? "main" : NULL;
		prof_profile *p = load_fixture(fixtures[f]), *q = load_fixture(fixtures[f]);
		prof_err err = {0};
		char *want = NULL, *got = NULL;
		size_t wn = 0, gn = 0;
		FILE *w = open_memstream(&want, &wn);
		assert_true(report_run(w, p, "top", NULL, &o, NULL, &err));
		fclose(w);
		report_top top;
		assert_true(report_top_data(q, &o, NULL, &top, &err));
		assert_true(top.nrows > 0);
		FILE *g = open_memstream(&got, &gn);
		for (size_t i = 0; i < top.nlabels; i++)
			fprintf(g, "%s\n", top.labels[i]);
		fprintf(g, "%10s %5s%% %5s%% %10s %5s%%\n", "flat", "flat", "sum", "cum", "cum");
		int64_t sum = 0;
		for (size_t i = 0; i < top.nrows; i++) {
			const report_top_row *r = &top.rows[i];
			sum += r->flat;
			assert_int_equal(r->sum, sum);
			fprintf(g, "%10s %s %s %10s %s  %s%s%s\n", r->flat_s, r->flat_pct, r->sum_pct, r->cum_s, r->cum_pct,
			        r->name, *r->inline_label ? " " : "", r->inline_label);
		}
		fclose(g);
		assert_string_equal(got, want);
		report_top_free(&top);
		free(want);
		free(got);
		prof_profile_free(p);
		prof_profile_free(q);
	}
}

static void top_data_errors(void **state)
{
	(void)state;
	report_opts o;
	report_opts_init(&o);
	o.sample_index = "nope";
	prof_profile *p = load_fixture("leaky/normal/t3/heap.pb.gz");
	prof_err err = {0};
	report_top top;
	assert_false(report_top_data(p, &o, NULL, &top, &err));
	assert_true(err.set);
	assert_int_equal(top.nrows, 0);
	prof_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(top_rows_are_the_report),
		cmocka_unit_test(top_data_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
