/* Unit tests: aggregation into nodes and edges, as pprof counts them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "graph/graph.h"
#include "graph/visual.h"
#include "load/load.h"
#include "pbuild.h"

static prof_profile *load(pbuild *b)
{
	size_t len;
	uint8_t *buf = pb_pack(b, &len);
	prof_err err = {0};
	prof_profile *p = prof_load_bytes(buf, len, &err);
	free(buf);
	if (!p)
		fail_msg("load: %s", err.msg);
	return p;
}

static uint32_t node_named(const graph_index *ix, const char *name)
{
	for (uint32_t n = 0; n < ix->ninfo; n++)
		if (strcmp(ix->printable[n], name) == 0)
			return n;
	fail_msg("no node %s", name);
	return 0;
}

/* Recursion: a function appearing twice in one stack counts once in cum. */
static void recursion_counts_once(void **state)
{
	(void)state;
	pbuild b;
	pb_init(&b);
	pb_sample_type(&b, "samples", "count");
	pb_function(&b, 1, "main.main", "m.go");
	pb_function(&b, 2, "main.fib", "m.go");
	pb_location(&b, 1, (uint64_t[]){1, 0});
	pb_location(&b, 2, (uint64_t[]){2, 0});
	pb_location(&b, 3, (uint64_t[]){2, 0});
	pb_sample(&b, (uint64_t[]){2, 3, 2, 1, 0}, (int64_t[]){5});
	pb_sample(&b, (uint64_t[]){1, 0}, (int64_t[]){3});
	prof_profile *p = load(&b);
	graph_index *ix = graph_index_new(p, GRAN_FUNCTIONS, false, false);
	graph_weights gw;
	graph_weights_compute(&gw, p, 0, false);
	assert_int_equal(gw.total, 8);
	graph *g = graph_build(ix, &gw, NULL, false, GRAPH_EDGES_ALL);
	uint32_t fib = node_named(ix, "main.fib"), m = node_named(ix, "main.main");
	assert_int_equal(g->cum[fib], 5);
	assert_int_equal(g->flat[fib], 5);
	assert_int_equal(g->cum[m], 8);
	assert_int_equal(g->flat[m], 3);
	graph_sort(g, false);
	assert_int_equal(g->nodes[0], fib);
	graph_free(g);
	graph_weights_free(&gw);
	graph_index_free(ix);
	prof_profile_free(p);
}

/* Inlined lines become their own nodes, reached by inline edges. */
static void inline_edges(void **state)
{
	(void)state;
	pbuild b;
	pb_init(&b);
	pb_sample_type(&b, "samples", "count");
	pb_function(&b, 1, "main.main", "m.go");
	pb_function(&b, 2, "main.small", "m.go");
	pb_function(&b, 3, "main.big", "m.go");
	pb_location(&b, 1, (uint64_t[]){2, 1, 0}); /* small inlined into main */
	pb_location(&b, 2, (uint64_t[]){3, 0});
	pb_sample(&b, (uint64_t[]){1, 0}, (int64_t[]){4});
	pb_sample(&b, (uint64_t[]){2, 1, 0}, (int64_t[]){6});
	prof_profile *p = load(&b);
	graph_index *ix = graph_index_new(p, GRAN_FUNCTIONS, false, false);
	graph_weights gw;
	graph_weights_compute(&gw, p, 0, false);
	graph *g = graph_build(ix, &gw, NULL, false, GRAPH_EDGES_ALL);
	uint8_t flags[16];
	graph_inline_flags(g, flags);
	assert_string_equal(graph_inline_label(flags[node_named(ix, "main.small")]), "(inline)");
	assert_string_equal(graph_inline_label(flags[node_named(ix, "main.main")]), "");
	/* big is called from small's location: a call edge from small */
	assert_string_equal(graph_inline_label(flags[node_named(ix, "main.big")]), "");
	assert_int_equal(g->flat[node_named(ix, "main.small")], 4);
	assert_int_equal(g->cum[node_named(ix, "main.small")], 10);
	graph_free(g);
	graph_index_free(ix);

	/* -noinlines: the location becomes its outermost function */
	ix = graph_index_new(p, GRAN_FUNCTIONS, true, false);
	g = graph_build(ix, &gw, NULL, false, GRAPH_EDGES_ALL);
	assert_int_equal(g->flat[node_named(ix, "main.main")], 4);
	graph_free(g);
	graph_weights_free(&gw);
	graph_index_free(ix);
	prof_profile_free(p);
}

/* Mean: values divided by the count in value 0; trimming drops small nodes. */
static void mean_and_trim(void **state)
{
	(void)state;
	pbuild b;
	pb_init(&b);
	pb_sample_type(&b, "contentions", "count");
	pb_sample_type(&b, "delay", "nanoseconds");
	pb_function(&b, 1, "main.main", "m.go");
	pb_function(&b, 2, "main.tiny", "m.go");
	pb_location(&b, 1, (uint64_t[]){1, 0});
	pb_location(&b, 2, (uint64_t[]){2, 0});
	pb_sample(&b, (uint64_t[]){1, 0}, (int64_t[]){4, 4000});
	pb_sample(&b, (uint64_t[]){2, 1, 0}, (int64_t[]){1, 1});
	prof_profile *p = load(&b);
	graph_index *ix = graph_index_new(p, GRAN_FUNCTIONS, false, false);
	graph_weights gw;
	graph_weights_compute(&gw, p, 1, true);
	assert_int_equal(gw.total, 4001 / 5);
	graph *g = graph_build(ix, &gw, NULL, false, GRAPH_EDGES_ALL);
	assert_int_equal(graph_flat_value(g, node_named(ix, "main.main")), 1000);
	graph_free(g);
	graph_trim_opts o = {.node_fraction = 0.005, .edge_fraction = 0.001};
	graph_trim_result tr = graph_trimmed(ix, &gw, &o);
	assert_int_equal(tr.dropped_nodes, 1);
	assert_int_equal(tr.g->nnodes, 1);
	graph_free(tr.g);
	graph_weights_free(&gw);
	graph_index_free(ix);
	prof_profile_free(p);
}

/*
 * A profile whose marks -top's walk (inline_flags_walk) must get as the
 * edges do, its values times scale. main inlines a, past 2^31, then calls
 * it, then inlines it again (a new stack): a call all the same. b is only
 * inlined into a, 1000 past 2^31 (wrapped, it would be under the cutoff).
 * c is inlined into main and called from a; with sign -1 another inlining,
 * first, takes the weight of the other back off, below the cutoff. e is called from
 * main and inlined into a below the cutoff. tiny is dropped, so the walk
 * runs.
 */
static prof_profile *marks_profile(int64_t scale, int sign)
{
	pbuild b;
	pb_init(&b);
	pb_sample_type(&b, "alloc_space", "bytes");
	const char *names[] = {"main.main", "main.a", "main.b", "main.c", "main.e", "main.tiny"};
	for (uint64_t f = 1; f <= 6; f++)
		pb_function(&b, f, names[f - 1], "m.go");
	uint64_t lines[][3] = {{1}, {2, 1}, {2}, {3, 2}, {4, 1}, {4}, {5}, {5, 2}, {6}, {2, 1}, {4, 1}};
	for (uint64_t l = 1; l <= 11; l++)
		pb_location(&b, l, lines[l - 1]);
	pb_sample(&b, (uint64_t[]){11, 0}, (int64_t[]){(sign < 0 ? -1999999000 : 1000) * scale});
	pb_sample(&b, (uint64_t[]){2, 0}, (int64_t[]){3000000000 * scale});
	pb_sample(&b, (uint64_t[]){3, 1, 0}, (int64_t[]){500000000 * scale});
	pb_sample(&b, (uint64_t[]){4, 1, 0}, (int64_t[]){2147484648 * scale});
	pb_sample(&b, (uint64_t[]){5, 0}, (int64_t[]){2000000000 * scale});
	pb_sample(&b, (uint64_t[]){6, 3, 1, 0}, (int64_t[]){1000000000 * scale});
	pb_sample(&b, (uint64_t[]){7, 1, 0}, (int64_t[]){1000000000 * scale});
	pb_sample(&b, (uint64_t[]){8, 1, 0}, (int64_t[]){1000000 * scale});
	pb_sample(&b, (uint64_t[]){9, 1, 0}, (int64_t[]){1000 * scale});
	pb_sample(&b, (uint64_t[]){10, 0}, (int64_t[]){1000 * scale});
	return load(&b);
}

/* The marks of every node, from the trimmed graph built with the given edges. */
static void trimmed_marks(const graph_index *ix, const graph_weights *gw, graph_edges edges, uint8_t *flags)
{
	graph_trim_opts o = {.node_fraction = 0.005, .edge_fraction = 0.001, .edges = edges};
	graph_trim_result tr = graph_trimmed(ix, gw, &o);
	assert_int_equal(tr.dropped_nodes, 1);
	graph_inline_flags(tr.g, flags);
	graph_free(tr.g);
}

/*
 * -top's marks from its walk without edges equal those from the edges, in
 * each way it keeps its sums: 32 bits with a held sum (the cutoff fits),
 * 64 bits (it does not), and 64 bits again for a negative weight.
 */
static void top_marks_as_edges(void **state)
{
	(void)state;
	struct {
		int64_t scale;
		int sign;
	} cases[] = {{1, 1}, {1000, 1}, {1, -1}};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		prof_profile *p = marks_profile(cases[k].scale, cases[k].sign);
		graph_index *ix = graph_index_new(p, GRAN_FUNCTIONS, false, false);
		graph_weights gw;
		graph_weights_compute(&gw, p, 0, false);
		uint8_t walked[16], built[16];
		trimmed_marks(ix, &gw, GRAPH_EDGES_INLINE_TARGETS, walked);
		trimmed_marks(ix, &gw, GRAPH_EDGES_ALL, built);
		const char *want[][2] = {{"main.a", ""}, {"main.b", "(inline)"},
		                         {"main.c", cases[k].sign < 0 ? "" : "(partial-inline)"}, {"main.e", ""},
		                         {"main.main", ""}};
		for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
			uint32_t n = node_named(ix, want[i][0]);
			assert_string_equal(graph_inline_label(walked[n]), want[i][1]);
			assert_int_equal(walked[n], built[n]);
		}
		graph_weights_free(&gw);
		graph_index_free(ix);
		prof_profile_free(p);
	}
}

/* Per sample values for the visual graph: no labels, no sizes. */
static void visual_input(vgraph_input *in, const graph_index *ix)
{
	const prof_profile *p = ix->p;
	vgraph_input_init(in, ix, p->nsample);
	for (size_t s = 0; s < p->nsample; s++)
		in->w[s] = prof_value(p, s, 0);
}

static uint32_t vnodes_named(const vgraph *g, const char *name)
{
	uint32_t n = 0;
	for (uint32_t k = 0; k < g->nlist; k++)
		n += strcmp(g->in->ix->printable[g->nodes[g->list[k]].info], name) == 0;
	return n;
}

/*
 * A function reached by two paths is one node in the graph and two in the
 * call tree; dropping a middle node of the tree leaves a residual edge.
 */
static void call_tree_paths(void **state)
{
	(void)state;
	pbuild b;
	pb_init(&b);
	pb_sample_type(&b, "samples", "count");
	pb_function(&b, 1, "main.main", "m.go");
	pb_function(&b, 2, "main.a", "m.go");
	pb_function(&b, 3, "main.b", "m.go");
	pb_function(&b, 4, "main.leaf", "m.go");
	for (uint64_t i = 1; i <= 4; i++)
		pb_location(&b, i, (uint64_t[]){i, 0});
	pb_sample(&b, (uint64_t[]){4, 2, 1, 0}, (int64_t[]){60});
	pb_sample(&b, (uint64_t[]){4, 3, 1, 0}, (int64_t[]){40});
	pb_sample(&b, (uint64_t[]){3, 1, 0}, (int64_t[]){1});
	prof_profile *p = load(&b);
	graph_index *ix = graph_index_new(p, GRAN_FUNCTIONS, false, false);
	vgraph_input in;
	visual_input(&in, ix);
	vgraph_opts o = {0};
	vgraph_result r = vgraph_trimmed(&in, &o);
	assert_int_equal(r.g->nlist, 4);
	assert_int_equal(vnodes_named(r.g, "main.leaf"), 1);
	vgraph_free(r.g);
	o.call_tree = true;
	r = vgraph_trimmed(&in, &o);
	assert_int_equal(r.g->nlist, 5);
	assert_int_equal(vnodes_named(r.g, "main.leaf"), 2);
	vgraph_free(r.g);
	/* At a 50% cut main.b (cum 41) and the leaf under it go. */
	o.node_fraction = 0.5;
	r = vgraph_trimmed(&in, &o);
	assert_int_equal(r.dropped_nodes, 2);
	assert_int_equal(vnodes_named(r.g, "main.b"), 0);
	vgraph_free(r.g);
	/*
	 * Entropy favours the entry and the leaves over the pass-through a and b,
	 * so three nodes keep main and both leaves, joined by residual edges.
	 */
	o.node_fraction = 0;
	o.node_count = 3;
	r = vgraph_trimmed(&in, &o);
	assert_int_equal(r.g->nlist, 3);
	assert_int_equal(vnodes_named(r.g, "main.leaf"), 2);
	int residual = 0;
	const vgraph_list *out = &r.g->nodes[r.g->list[0]].out;
	for (uint32_t j = 0; j < out->n; j++)
		residual += r.g->edges[out->id[j]].residual;
	assert_int_equal(residual, 2);
	vgraph_free(r.g);
	vgraph_input_free(&in);
	graph_index_free(ix);
	prof_profile_free(p);
}

/* The edge index finds every edge it was given across its growths, and no other. */
static void edge_index_finds_edges(void **state)
{
	(void)state;
	enum { N = 100000 };
	graph_edge *edges = calloc(N, sizeof *edges);
	graph_edge_index x = {0};
	assert_int_equal(graph_edge_index_find(&x, edges, sizeof *edges, 1, 2), PROF_NONE);
	for (uint32_t e = 0; e < N; e++) {
		/* Many edges from one node and into one, as a hot function has. */
		edges[e].src = e % 3 ? N + e / 7 : 5;
		edges[e].dst = e % 3 ? e % 7 + 100000 * (e % 5) : e;
		assert_int_equal(graph_edge_index_find(&x, edges, sizeof *edges, edges[e].src, edges[e].dst), PROF_NONE);
		graph_edge_index_add(&x, edges, sizeof *edges, e);
	}
	for (uint32_t e = 0; e < N; e++)
		assert_int_equal(graph_edge_index_find(&x, edges, sizeof *edges, edges[e].src, edges[e].dst), e);
	assert_int_equal(graph_edge_index_find(&x, edges, sizeof *edges, 5, N + 1), PROF_NONE);
	assert_int_equal(graph_edge_index_find(&x, edges, sizeof *edges, N, 0), PROF_NONE);
	graph_edge_index_free(&x);
	free(edges);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(recursion_counts_once),
		cmocka_unit_test(inline_edges),
		cmocka_unit_test(top_marks_as_edges),
		cmocka_unit_test(mean_and_trim),
		cmocka_unit_test(call_tree_paths),
		cmocka_unit_test(edge_index_finds_edges),
	};
	return cmocka_run_group_tests_name("graph", tests, NULL, NULL);
}
