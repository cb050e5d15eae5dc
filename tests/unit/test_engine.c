/*
 * Unit tests of the engine: it never changes the loaded profile, its
 * answers equal the in-place path's, whatever order of changes fills and
 * empties its caches, and engine_prepare hands out what report_prepare does.
 */
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
#include "report/engine.h"
#include "report/internal.h"

/* The bytes of every array of a profile, to compare the same profile before and after. */
typedef struct snapshot {
	prof_profile counts;
	size_t nvalue;
	void *arr[14];
	size_t len[14];
} snapshot;

#define ARRAYS(X) \
	X(0, strs.str, strs.n) X(1, mappings, nmapping) X(2, functions, nfunction) X(3, locations, nlocation) \
	X(4, lines, nline) X(5, stack_locs.narrow, nstack_loc) X(6, stacks, nstack) X(7, samples, nsample) \
	X(8, labels, nlabel) X(9, strs.len, strs.n) X(10, sample_types, nsample_type) \
	X(12, stack_locs.wide, nstack_loc)

static snapshot take(const prof_profile *p)
{
	snapshot s = {.counts = *p};
	s.nvalue = p->nsample * p->nsample_type;
	/* The values: one of the two stores is NULL. */
	s.len[11] = p->vals.narrow ? s.nvalue * sizeof *p->vals.narrow : 0;
	s.len[13] = p->vals.wide ? s.nvalue * sizeof *p->vals.wide : 0;
	s.arr[11] = malloc(s.len[11] + 1);
	s.arr[13] = malloc(s.len[13] + 1);
	if (s.len[11])
		memcpy(s.arr[11], p->vals.narrow, s.len[11]);
	if (s.len[13])
		memcpy(s.arr[13], p->vals.wide, s.len[13]);
#define TAKE(i, A, N) \
	s.len[i] = (p->A ? p->N : 0) * sizeof *p->A; /* one of the stack stores is NULL */ \
	s.arr[i] = malloc(s.len[i] + 1); \
	if (s.len[i]) \
		memcpy(s.arr[i], p->A, s.len[i]);
	ARRAYS(TAKE)
#undef TAKE
	return s;
}

static void assert_unchanged(const prof_profile *p, const snapshot *s)
{
#define CHECK(i, A, N) \
	assert_int_equal(p->N, s->counts.N); \
	assert_ptr_equal(p->A, s->counts.A); \
	if (s->len[i]) \
		assert_memory_equal(p->A, s->arr[i], s->len[i]);
	ARRAYS(CHECK)
#undef CHECK
	assert_ptr_equal(p->vals.narrow, s->counts.vals.narrow);
	assert_ptr_equal(p->vals.wide, s->counts.vals.wide);
	if (s->len[11])
		assert_memory_equal(p->vals.narrow, s->arr[11], s->len[11]);
	if (s->len[13])
		assert_memory_equal(p->vals.wide, s->arr[13], s->len[13]);
	for (size_t i = 0; i < p->strs.n; i++)
		assert_memory_equal(p->strs.str[i], s->counts.strs.str[i], p->strs.len[i] + 1);
}

static void snapshot_free(snapshot *s)
{
	for (size_t i = 0; i < sizeof s->arr / sizeof *s->arr; i++)
		free(s->arr[i]);
}

static char *engine_text(prof_engine *e, const char *report, const char *arg, const report_opts *o)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n);
	prof_err err = {0};
	if (!engine_run(e, m, report, arg, o, m, &err))
		fprintf(m, "error: %s\n", err.msg);
	fclose(m);
	return buf;
}

static char *in_place_text(const char *fixture, const char *report, const char *arg, const report_opts *o)
{
	prof_profile *p = load_fixture(fixture);
	prof_engine *e = engine_new(p, true);
	char *s = engine_text(e, report, arg, o);
	engine_free(e);
	prof_profile_free(p);
	return s;
}

/* A run of changes, each followed by reports; the loaded profile stays as it was loaded. */
static void never_changes_the_profile(void **state)
{
	(void)state;
	const char *fixture = "leaky/normal/t3/heap.pb.gz";
	prof_profile *p = load_fixture(fixture);
	snapshot before = take(p);
	prof_engine *e = engine_new(p, false);
	const char *reports[] = {"top", "tree", "traces", "tags", "raw", "dot", "flame", "folded", "list"};
	const char *focus[] = {NULL, "main", "nomatch", NULL, NULL, NULL};
	const char *hide[] = {NULL, NULL, NULL, "runtime", NULL, "main"};
	const char *tagfocus[] = {NULL, NULL, NULL, "1kb:", "64kB", NULL};
	for (size_t c = 0; c < sizeof focus / sizeof *focus; c++) {
		report_opts o;
		report_opts_init(&o);
		o.filters.focus = focus[c];
		o.filters.hide = hide[c];
		o.filters.tagfocus = tagfocus[c];
		o.sample_index = c % 2 ? "alloc_space" : NULL;
		o.granularity = c == 4 ? GRAN_LINES : GRAN_FUNCTIONS;
		for (size_t r = 0; r < sizeof reports / sizeof *reports; r++) {
			const char *arg = strcmp(reports[r], "list") == 0 ? "main" : NULL;
			char *got = engine_text(e, reports[r], arg, &o);
			char *want = in_place_text(fixture, reports[r], arg, &o);
			assert_string_equal(got, want);
			free(got);
			free(want);
			assert_unchanged(p, &before);
		}
	}
	engine_free(e);
	snapshot_free(&before);
	prof_profile_free(p);
}

/* A prepared top through the engine totals what the in-place one does. */
static void prepare_equals_in_place(void **state)
{
	(void)state;
	const char *fixture = "edge/labels.pb.gz";
	prof_profile *p = load_fixture(fixture), *q = load_fixture(fixture);
	snapshot before = take(p);
	prof_engine *e = engine_new(p, false);
	const char *tagroots[] = {NULL, "handler"};
	for (size_t t = 0; t < 2; t++) {
		report_opts o;
		report_opts_init(&o);
		o.filters.tagfocus = "handler=/api/users";
		o.tagroot = tagroots[t];
		prof_err err = {0};
		rctx a, b;
		assert_true(engine_prepare(e, "top", &o, NULL, &a, &err));
		prof_profile *c = prof_profile_copy(q);
		assert_true(report_prepare_view(&b, c, "top", &o, NULL, &err));
		assert_int_equal(a.total, b.total);
		int64_t wa = 0, wb = 0;
		for (size_t s = 0; s < a.p->nstack; s++)
			wa += a.gw.w[s];
		for (size_t s = 0; s < b.p->nstack; s++)
			wb += b.gw.w[s];
		assert_int_equal(wa, wb);
		engine_release(e, &a);
		report_release_view(&b);
		prof_profile_free(c);
	}
	prof_err err = {0};
	rctx r;
	report_opts o;
	report_opts_init(&o);
	o.filters.focus = "(";
	assert_false(engine_prepare(e, "top", &o, NULL, &r, &err));
	assert_true(err.set);
	assert_unchanged(p, &before);
	snapshot_free(&before);
	engine_free(e);
	prof_profile_free(p);
	prof_profile_free(q);
}

/* tree's and peek's data, printed as the report prints it, equal its text. */
static void tree_data_is_the_report(void **state)
{
	(void)state;
	prof_profile *p = load_fixture("leaky/normal/t3/heap.pb.gz");
	prof_engine *e = engine_new(p, false);
	const char *peeks[] = {NULL, "main", "runtime\\.m"};
	for (size_t k = 0; k < 3; k++) {
		report_opts o;
		report_opts_init(&o);
		o.filters.hide = k == 2 ? "Sprintf" : NULL;
		char *want = engine_text(e, peeks[k] ? "peek" : "tree", peeks[k], &o);
		report_tree t;
		prof_err err = {0};
		assert_true(engine_tree(e, &o, peeks[k], NULL, &t, &err));
		assert_true(t.nnodes > 0);
		char *got = NULL;
		size_t n = 0;
		FILE *m = open_memstream(&got, &n);
		const char *sep = "----------------------------------------------------------+-------------";
		for (size_t i = 0; i < t.nlabels; i++)
			fprintf(m, "%s\n", t.labels[i]);
		fprintf(m, "%s\n      flat  flat%%   sum%%        cum   cum%%   calls calls%% + context \t \t \n", sep);
		for (size_t i = 0; i < t.nnodes; i++) {
			const report_tree_node *nd = &t.nodes[i];
			fprintf(m, "%s\n", sep);
			for (size_t c = 0; c < nd->ncallers; c++)
				fprintf(m, "%50s %s |   %s%s\n", nd->callers[c].value_s, nd->callers[c].pct, nd->callers[c].name,
				        nd->callers[c].inl ? " (inline)" : "");
			fprintf(m, "%10s %s %s %10s %s                | %s\n", nd->flat_s, nd->flat_pct, nd->sum_pct, nd->cum_s,
			        nd->cum_pct, nd->name);
			for (size_t c = 0; c < nd->ncallees; c++)
				fprintf(m, "%50s %s |   %s%s\n", nd->callees[c].value_s, nd->callees[c].pct, nd->callees[c].name,
				        nd->callees[c].inl ? " (inline)" : "");
		}
		fprintf(m, "%s\n", sep);
		fclose(m);
		assert_string_equal(got, want);
		free(got);
		free(want);
		report_tree_free(&t);
	}
	report_opts o;
	report_opts_init(&o);
	report_tree t;
	prof_err err = {0};
	assert_false(engine_tree(e, &o, "nomatchatall", NULL, &t, &err));
	assert_string_equal(err.msg, "no matches found for regexp: nomatchatall");
	engine_free(e);
	prof_profile_free(p);
}

static void print_trace(void *ctx, report_trace *t)
{
	FILE *m = ctx;
	fprintf(m, "-----------+-------------------------------------------------------\n");
	for (size_t i = 0; i < t->nlabels; i++)
		fprintf(m, "%s\n", t->labels[i]);
	for (size_t k = 0; k < t->nframes; k++)
		fprintf(m, "%10s   %s%s\n", k ? "" : t->value_s, t->frames[k].name, t->frames[k].inl ? " (inline)" : "");
}

static void count_trace(void *ctx, report_trace *t)
{
	size_t *n = ctx;
	t->stop = ++*n == 3;
}

/* traces' data, streamed and printed as the report prints it, equal its text; stop ends the walk. */
static void traces_data_is_the_report(void **state)
{
	(void)state;
	prof_profile *p = load_fixture("edge/labels.pb.gz");
	prof_engine *e = engine_new(p, false);
	report_opts o;
	report_opts_init(&o);
	o.filters.tagfocus = "region=eu.*";
	char *want = engine_text(e, "traces", NULL, &o);
	char *got = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&got, &n);
	prof_err err = {0};
	rctx r;
	assert_true(engine_prepare(e, "traces", &o, NULL, &r, &err));
	rctx_profile_labels(m, &r);
	engine_release(e, &r);
	assert_true(engine_traces(e, &o, NULL, print_trace, m, &err));
	fprintf(m, "-----------+-------------------------------------------------------\n");
	fclose(m);
	assert_string_equal(got, want);
	free(got);
	free(want);
	size_t count = 0;
	report_opts_init(&o);
	assert_true(engine_traces(e, &o, NULL, count_trace, &count, &err));
	assert_int_equal(count, 3);
	engine_free(e);
	prof_profile_free(p);
}

/* goroutines' groups: the seeded leaks of a debug=2 dump, each a group with its state and frames. */
static void goroutine_groups(void **state)
{
	(void)state;
	prof_profile *p = load_fixture("leaky/normal/t3/goroutine.debug2.txt");
	prof_engine *e = engine_new(p, false);
	report_opts o;
	report_opts_init(&o);
	report_goroutines gs;
	prof_err err = {0};
	assert_true(engine_goroutines(e, &o, NULL, &gs, &err));
	assert_true(gs.ngroups > 5);
	int64_t sum = 0;
	bool send = false, nilchan = false;
	for (size_t k = 0; k < gs.ngroups; k++) {
		const report_goroutine_group *g = &gs.groups[k];
		sum += g->count;
		assert_true(g->nframes > 0);
		for (size_t f = 0; f < g->nframes; f++) {
			if (strcmp(g->frames[f].name, "main.leakSendNoReceiver") == 0 && strcmp(g->state, "chan send") == 0)
				send = true;
			if (strstr(g->frames[f].name, "leakNilChanRecv") && strstr(g->state, "nil chan"))
				nilchan = g->stuck;
		}
	}
	assert_int_equal(sum, gs.shown);
	assert_true(send);
	assert_true(nilchan);
	report_goroutines_free(&gs);
	o.min = 1000000;
	assert_true(engine_goroutines(e, &o, NULL, &gs, &err));
	assert_int_equal(gs.ngroups, 0);
	assert_true(gs.nhidden > 5);
	report_goroutines_free(&gs);
	engine_free(e);
	prof_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(never_changes_the_profile),
		cmocka_unit_test(prepare_equals_in_place),
		cmocka_unit_test(tree_data_is_the_report),
		cmocka_unit_test(traces_data_is_the_report),
		cmocka_unit_test(goroutine_groups),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
