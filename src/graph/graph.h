/*
 * graph: aggregation of a profile into nodes and edges, as pprof builds them.
 *
 * Owns: node identity at a granularity (graph_index: which node each
 * location's lines become), and the weighted graph built from per-stack
 * weights (graph): flat and cum per node, edges between callers and callees,
 * and pprof's trimming (node fraction, node count, edge fraction).
 *
 * Cost model, for the browser and filters to come: a graph_index is built once
 * per granularity; stack weights once per value choice (and, later, filter);
 * graph_build walks each distinct stack once, so re-aggregating after a change
 * costs one pass over distinct stacks, not over samples or the file.
 *
 * A graph borrows its index, which borrows the profile.
 */
#ifndef PROF_GRAPH_H
#define PROF_GRAPH_H

#include <stdbool.h>
#include <stdint.h>

#include "model/profile.h"

typedef enum graph_granularity {
	GRAN_FUNCTIONS,
	GRAN_FILEFUNCTIONS,
	GRAN_FILES,
	GRAN_LINES,
	GRAN_ADDRESSES,
} graph_granularity;

/* pprof's NodeInfo: the identity of a node. */
typedef struct graph_info {
	uint64_t address;
	prof_strid name, orig_name, file, objfile;
	int64_t start_line, lineno, colno; /* colno: 0 unless columns are shown */
} graph_info;

typedef struct graph_index {
	prof_profile *p;
	graph_info *info;
	const char **printable; /* pprof's PrintableName of each node (the profile's string, or the index's) */
	uint32_t ninfo, infocap;
	uint32_t *loc_off;   /* per location: first entry in loc_nodes */
	uint32_t *loc_n;     /* per location: number of nodes (lines) */
	uint32_t *loc_nodes; /* node ids, innermost line first */
	uint8_t *inline_target; /* per node: is an inlined (not outermost) line somewhere */
	/*
	 * per location, what graph_build reads in one load: loc_n << 32 | the
	 * node when loc_n is 1 (most locations), loc_n << 32 | loc_off otherwise
	 */
	uint64_t *loc_span;
	arena mem;
} graph_index;

/*
 * Columns count (as pprof's Aggregate leaves them) with -showcolumns at line
 * granularity, and at address granularity with inlines, where pprof leaves
 * the profile as it is.
 */
graph_index *graph_index_new(prof_profile *p, graph_granularity gran, bool noinlines, bool showcolumns);
/* The same with the locations hidden[l] given no nodes (prof_apply_filters_hiding's). */
graph_index *graph_index_new_masked(prof_profile *p, graph_granularity gran, bool noinlines, bool showcolumns,
                                    const uint8_t *hidden);
void graph_index_free(graph_index *ix);

/* Per distinct stack: summed value, summed mean divisor, and whether any sample counted. */
typedef struct graph_weights {
	int64_t *w, *dw; /* per stack; dw (the divisors of -mean) NULL without -mean */
	uint8_t *any;
	int64_t total; /* pprof's report total: sum of |value|, divided when mean */
	bool negative; /* some sample's weight is below 0 (a stack's may be) */
} graph_weights;

/* mean: divide by value 0 (counts), as pprof's -mean does. */
void graph_weights_compute(graph_weights *gw, const prof_profile *p, int sample_index, bool mean);
void graph_weights_free(graph_weights *gw);

typedef struct graph_edge {
	uint32_t src, dst;
	int64_t weight;
	bool residual, inl, dropped;
	uint32_t gen;
} graph_edge;

/*
 * Edges by (src, dst), for a graph being built (this one's and visual's):
 * chains through next (edge + 1, 0 ends one) from a power-of-two table of
 * heads at most as long as the edges. Four bytes an edge and four to eight
 * a head: a graph of every edge of 1M distinct stacks has 2.8M, for which
 * half-full hashtab slots of eight bytes took 67 MB. The edges stay the
 * caller's: an array of structs stride bytes apart, each starting with
 * uint32_t src, dst. A zeroed index is empty.
 */
typedef struct graph_edge_index {
	uint32_t *head, *next;
	size_t nhead, nextcap;
	uint64_t seed;
} graph_edge_index;

/* The edge from src to dst, or PROF_NONE. */
uint32_t graph_edge_index_find(const graph_edge_index *x, const void *edges, size_t stride, uint32_t src,
                               uint32_t dst);
/* Adds edge n, which is set in edges (as is every edge before it, all added). */
void graph_edge_index_add(graph_edge_index *x, const void *edges, size_t stride, uint32_t n);
void graph_edge_index_free(graph_edge_index *x);

typedef struct graph {
	const graph_index *ix;
	int64_t *flat, *flat_div, *cum, *cum_div; /* per node id */
	uint32_t *gen;   /* graph_build's scratch: NULL once built */
	uint32_t *nodes; /* selected node ids, in report order after graph_sort */
	uint32_t nnodes;
	graph_edge *edges;
	uint32_t nedges, edgecap;
	graph_edge_index etab; /* over edges while they are recorded */
	uint8_t *in_flags; /* per node, GRAPH_IN_*: what graph_inline_flags returns for a graph kept without edges */
} graph;

/*
 * Which edges graph_build records. Text reports only need the edges that can
 * make a node "(inline)", those into functions that are inlined somewhere;
 * recording only those skips most of the edge work on big profiles. Choosing
 * nodes needs no edges at all: graph_trimmed records them in its last graph only.
 */
typedef enum graph_edges { GRAPH_EDGES_ALL, GRAPH_EDGES_INLINE_TARGETS } graph_edges;

/*
 * What each location holds for a build that keeps some nodes (kept: per
 * node id, nonzero to keep), GRAPH_LOC_*: a build for a few nodes skips
 * most frames on one byte (the table stays in the first cache) instead of
 * looking up their nodes. malloc'd.
 */
enum { GRAPH_LOC_EMPTY, GRAPH_LOC_NONE_KEPT, GRAPH_LOC_SOME_KEPT };
uint8_t *graph_loc_kept(const graph_index *ix, const uint8_t *kept);

/* kept: per node id, nonzero to keep; NULL keeps all. */
graph *graph_build(const graph_index *ix, const graph_weights *gw, const uint8_t *kept, bool drop_negative,
                   graph_edges edges);
void graph_free(graph *g);

/* Every node's flat and cum, as graph_build finds them, without edges: for what reads one node's edges. */
graph *graph_nodes(const graph_index *ix, const graph_weights *gw, bool drop_negative);
/* Adds to a graph of graph_nodes the edges into and out of node x, as graph_build records them. */
void graph_add_node_edges(graph *g, const graph_weights *gw, uint32_t x);

static inline int64_t abs64(int64_t v)
{
	return v < 0 ? -v : v;
}

static inline int64_t graph_flat_value(const graph *g, uint32_t n)
{
	return g->flat_div[n] ? g->flat[n] / g->flat_div[n] : g->flat[n];
}
static inline int64_t graph_cum_value(const graph *g, uint32_t n)
{
	return g->cum_div[n] ? g->cum[n] / g->cum_div[n] : g->cum[n];
}

void graph_sort(graph *g, bool cum);
/* fmt.Sprint of pprof's NodeInfo (malloc'd): the last tie-break of its node orders. */
char *graph_info_sprint(const graph_index *ix, uint32_t n);

typedef struct graph_trim_opts {
	double node_fraction, edge_fraction;
	int node_count; /* 0: no limit */
	bool cum_sort, drop_negative;
	graph_edges edges;
	/*
	 * The last build, with edges, in two jobs even for many nodes: faster
	 * (0.35 -> 0.2 s for top's every node on 1M distinct stacks) for about
	 * 20 MB more, which a shell or browser repeating it affords and a
	 * single report does not need.
	 */
	bool two_edge_jobs;
} graph_trim_opts;

typedef struct graph_trim_result {
	graph *g;
	int orig_count, dropped_nodes, dropped_edges;
} graph_trim_result;

/* pprof's newTrimmedGraph for text reports: build, drop, select, sort. */
graph_trim_result graph_trimmed(const graph_index *ix, const graph_weights *gw, const graph_trim_opts *o);

/* Per node id (array of ninfo + 1): which kinds of surviving in-edges it has. */
enum { GRAPH_IN_INLINE = 1, GRAPH_IN_CALL = 2 };
void graph_inline_flags(const graph *g, uint8_t *flags);
/* "(inline)", "(partial-inline)" or "" for a node's flags. */
const char *graph_inline_label(uint8_t flags);

/*
 * pprof's selectNodesForGraph: a node with neither flat nor cum is left out,
 * and so is a negative one under -drop_negative.
 */
static inline bool graph_node_shown(int64_t flat, int64_t cum, bool drop_negative)
{
	if (cum == 0 && flat == 0)
		return false;
	return !(drop_negative && (flat < 0 || (flat == 0 && cum < 0)));
}

#endif
