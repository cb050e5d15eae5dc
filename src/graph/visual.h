/*
 * visual: the graph pprof draws (its "visual mode", used by -dot): nodes with
 * tags (label sets and the sizes of the "bytes" numeric label), optionally a
 * call tree (one node per distinct call path, -call_tree), ordered by pprof's
 * entropy score, trimmed with tags counted as nodes, and with residual edges
 * removed where another path connects the same nodes.
 *
 * Owns: vgraph_input (per sample: value, label set, byte sizes; interned
 * names) and the vgraph built from it. Unlike graph.c, which aggregates per
 * distinct stack into per-info arrays, this works per sample (tags need the
 * sample's labels) and keeps real node objects, because a call tree has many
 * nodes per info and trimming a tree rewires edges.
 *
 * A big profile's samples are walked in two halves on two threads, the
 * second half's graph merged into the first's in its own order, so ids and
 * list orders are those of one walk (not for the call tree). When a node
 * count then chooses fewer nodes, their graph takes its nodes' sums and
 * tags from the first and walks for its edges only the kept part of each
 * sample's path, recorded by the first graph's walks.
 *
 * A vgraph borrows its input, which borrows the graph_index and the profile.
 * Formatting (tag names, units) is the report's business: the input arrives
 * with names already made.
 */
#ifndef PROF_VISUAL_H
#define PROF_VISUAL_H

#include <stdbool.h>
#include <stdint.h>

#include "graph/graph.h"
#include "util/hashtab.h"

/* Interned strings; id 0 is "". */
typedef struct vgraph_strs {
	char **str;
	uint32_t n, cap;
	hashtab index; /* over str[0..n) */
} vgraph_strs;

typedef struct vgraph_input {
	const graph_index *ix;
	size_t nsample;
	int64_t *w, *dw;        /* per sample: value, and mean divisor (0 without -mean) */
	uint32_t *group;        /* per sample: id of its joined label set, 0 for none */
	uint32_t *num_off;      /* per sample: first numeric tag in num_name/num_value (nsample + 1) */
	uint32_t *num_name;     /* tag name ids */
	int64_t *num_value;     /* their raw values */
	uint32_t nnum, numcap;
	vgraph_strs strs;       /* label set strings and numeric tag names */
} vgraph_input;

void vgraph_input_init(vgraph_input *in, const graph_index *ix, size_t nsample);
uint32_t vgraph_intern(vgraph_strs *s, const char *str, size_t len);
void vgraph_input_free(vgraph_input *in);

typedef struct vgraph_tag {
	uint32_t node, group, name; /* a label tag's name is its group */
	bool numeric, dead;
	int64_t value;              /* numeric: the value first seen with this name */
	int64_t flat, flat_div, cum, cum_div;
} vgraph_tag;

/*
 * What a walk changes of an edge it has seen comes first: 16 bytes, in one
 * cache line wherever malloc's 16-byte alignment puts the array (a 32-byte
 * edge at 48 past a line's start spans two; a graph of unique stacks
 * misses on most edges it adds to).
 */
typedef struct vgraph_edge {
	int64_t weight;
	uint32_t gen;
	bool residual, inl;
	int64_t weight_div;
	uint32_t src, dst;
} vgraph_edge;

typedef struct vgraph_list {
	uint32_t *id;
	uint32_t n, cap;
} vgraph_list;

typedef struct vgraph_node {
	uint32_t info;   /* graph_index node */
	uint32_t parent; /* call tree: the caller's node; PROF_NONE otherwise */
	int64_t flat, flat_div, cum, cum_div;
	vgraph_list in, out; /* edge ids */
	vgraph_list tags;    /* tag ids */
	uint32_t seen;
} vgraph_node;

/*
 * The graph's lookups, (a, b, c) -> id, with the keys in the slots: one
 * probe reads one slot, where util/hashtab would read the slot and then the
 * entry (on a profile of unique stacks these tables outgrow the caches, and
 * each lookup was two misses). Seeded as util/hashtab is, so a hostile
 * profile cannot aim its keys at one probe sequence.
 */
typedef struct vgraph_map {
	struct vgraph_slot {
		uint32_t a, b, c, id; /* id + 1; 0: empty */
	} *slots;
	size_t nslots, n;
	uint64_t seed; /* set with the first slots */
} vgraph_map;

typedef struct vgraph {
	const vgraph_input *in;
	vgraph_node *nodes;
	uint32_t nnodes, nodecap;
	vgraph_edge *edges;
	uint32_t nedges, edgecap;
	vgraph_tag *tags;
	uint32_t ntags, tagcap;
	uint32_t *list; /* pprof's g.Nodes: the nodes shown, in order */
	uint32_t nlist;
	vgraph_map node_tab; /* call tree: (parent, info) -> node */
	vgraph_map edge_tab; /* (src, dst) -> edge */
	vgraph_map tag_tab;  /* (node, group, name << 1 | numeric) -> tag */
	/*
	 * While a graph of few kept nodes is built: edge id + 1 by the node ids
	 * of its ends (below nk, as each kept info has one node), one load a
	 * lookup instead of edge_tab. NULL otherwise, and once built.
	 */
	uint32_t *grid;
	uint32_t nk;
	/*
	 * The same for label tags, by node id and label set (a label tag's
	 * name is its set): tag id + 1, when the grid is and nk by the input's
	 * strings is as small. NULL otherwise.
	 */
	uint32_t *tag_grid;
	/*
	 * Per label set id, and per numeric label entry of the input: whether
	 * its tags can outlive the node cutoff (NULL: all can). Those that
	 * cannot are never made: trim_tags would drop them whatever their node.
	 */
	const uint8_t *live_group, *live_num;
	/*
	 * Built for its edges only: its nodes' sums and tags are those of a
	 * graph of more nodes (see copy_nodes), so the walks leave them.
	 */
	bool edges_only;
	uint32_t seen_gen;
} vgraph;

/* Go's abs of an int64: the minimum stays itself (no C overflow). */
static inline int64_t vgraph_abs(int64_t v)
{
	return v < 0 ? (int64_t)(0 - (uint64_t)v) : v;
}

static inline int64_t vgraph_flat(const vgraph_node *n)
{
	return n->flat_div ? n->flat / n->flat_div : n->flat;
}
static inline int64_t vgraph_cum(const vgraph_node *n)
{
	return n->cum_div ? n->cum / n->cum_div : n->cum;
}
static inline int64_t vgraph_weight(const vgraph_edge *e)
{
	return e->weight_div ? e->weight / e->weight_div : e->weight;
}

typedef struct vgraph_opts {
	double node_fraction, edge_fraction;
	int node_count; /* 0: no limit */
	bool call_tree, drop_negative;
} vgraph_opts;

typedef struct vgraph_result {
	vgraph *g;
	int orig_count, dropped_nodes, dropped_edges;
} vgraph_result;

/* pprof's newTrimmedGraph in visual mode. */
vgraph_result vgraph_trimmed(const vgraph_input *in, const vgraph_opts *o);
void vgraph_free(vgraph *g);

/* pprof's edge order: heavier first, then by caller and callee name. */
int vgraph_edge_cmp(const vgraph *g, uint32_t a, uint32_t b);

#endif
