/*
 * calltree: see calltree.h.
 */
#include "report/calltree.h"

#include <stdlib.h>
#include <string.h>

#include "util/hashtab.h"

#define NO_NODE REPORT_FLAME_NONE
#define WIDE 8 /* a parent of more children finds them in the table */

/* ---- frames ---- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

typedef struct frame_key {
	char *const *names;
	const char *s;
} frame_key;

static bool frame_eq(const void *ctx, uint32_t frame)
{
	const frame_key *k = ctx;
	return strcmp(k->names[frame], k->s) == 0;
}

/* fl->names gets the distinct keys; returns each index node's frame. */
static uint32_t *frames_build(report_flame *fl, char *const *keys, uint32_t nkeys)
{
	uint32_t *canon = xmalloc(((size_t)nkeys + 1) * sizeof *canon);
	fl->names = xmalloc(((size_t)nkeys + 1) * sizeof *fl->names);
	fl->nnames = 0;
	hashtab t = {0};
	hashtab_reserve(&t, nkeys);
	for (uint32_t k = 0; k < nkeys; k++) {
		frame_key key = {fl->names, keys[k]};
		uint32_t frame = hashtab_intern(&t, hash_str(keys[k]), fl->nnames, frame_eq, &key);
		if (frame == fl->nnames)
			fl->names[fl->nnames++] = keys[k];
		canon[k] = frame;
	}
	hashtab_free(&t);
	return canon;
}

/* ---- the tree ---- */

typedef struct builder {
	report_flame *fl;
	hashtab wide; /* the children of parents with more than WIDE, by (parent, frame) */
	prof_locbuf locs; /* the stack being added */
} builder;

typedef struct child_key {
	const report_flame *fl;
	uint32_t parent, frame;
} child_key;

static bool child_eq(const void *ctx, uint32_t v)
{
	const child_key *k = ctx;
	return k->fl->nodes[v].parent == k->parent && k->fl->nodes[v].frame == k->frame;
}

static uint64_t child_hash(uint32_t parent, uint32_t frame)
{
	return (uint64_t)parent << 32 | frame;
}

static uint32_t node_new(report_flame *fl, uint32_t parent, uint32_t frame)
{
	if (fl->n >= UINT32_MAX - 1)
		prof_oom();
	GROW(fl->nodes, fl->cap, fl->n + 1);
	uint32_t depth = parent == NO_NODE ? 0 : fl->nodes[parent].depth + 1;
	fl->nodes[fl->n] = (report_flame_node){.frame = frame, .parent = parent, .depth = depth, .child = NO_NODE,
	                                       .next = NO_NODE};
	if (depth > fl->max_depth)
		fl->max_depth = depth;
	return (uint32_t)fl->n++;
}

static uint32_t child_of(builder *b, uint32_t parent, uint32_t frame)
{
	report_flame *fl = b->fl;
	const report_flame_node *p = &fl->nodes[parent];
	if (p->nkids <= WIDE) {
		for (uint32_t c = p->child; c != NO_NODE; c = fl->nodes[c].next)
			if (fl->nodes[c].frame == frame)
				return c;
	} else {
		child_key k = {fl, parent, frame};
		uint32_t c = hashtab_find(&b->wide, child_hash(parent, frame), child_eq, &k);
		if (c != HASHTAB_NONE)
			return c;
	}
	uint32_t v = node_new(fl, parent, frame);
	report_flame_node *pp = &fl->nodes[parent];
	fl->nodes[v].next = pp->child;
	pp->child = v;
	if (++pp->nkids == WIDE + 1) {
		for (uint32_t c = pp->child; c != NO_NODE; c = fl->nodes[c].next)
			hashtab_add(&b->wide, child_hash(parent, fl->nodes[c].frame), c);
	} else if (pp->nkids > WIDE + 1) {
		hashtab_add(&b->wide, child_hash(parent, frame), v);
	}
	return v;
}

static void node_add(report_flame_node *v, int64_t w)
{
	v->value = calltree_add(v->value, w);
	v->weight = calltree_add(v->weight, w == INT64_MIN ? INT64_MAX : w < 0 ? -w : w);
}

/* Adds one stack of weight w; returns the node it ends at. */
static uint32_t add_stack(builder *b, const rctx *r, const uint32_t *canon, const prof_stack *s, bool inverted,
                          int64_t w)
{
	const prof_profile *p = r->p;
	const graph_index *ix = r->ix;
	const uint32_t *locs = prof_stack_locs(p, s, &b->locs);
	uint32_t v = 0;
	node_add(&b->fl->nodes[0], w);
	if (inverted) {
		for (uint32_t k = 0; k < s->len; k++) {
			const uint32_t *nodes = ix->loc_nodes + ix->loc_off[locs[k]];
			for (uint32_t j = 0; j < ix->loc_n[locs[k]]; j++) {
				v = child_of(b, v, canon[nodes[j]]);
				node_add(&b->fl->nodes[v], w);
			}
		}
		return v;
	}
	for (uint32_t k = s->len; k-- > 0;) {
		const uint32_t *nodes = ix->loc_nodes + ix->loc_off[locs[k]];
		for (uint32_t j = ix->loc_n[locs[k]]; j-- > 0;) {
			v = child_of(b, v, canon[nodes[j]]);
			node_add(&b->fl->nodes[v], w);
		}
	}
	return v;
}

void calltree_build(report_flame *fl, const rctx *r, char *const *keys, bool inverted, bool with_self)
{
	const prof_profile *p = r->p;
	memset(fl, 0, sizeof *fl);
	uint32_t *canon = frames_build(fl, keys, r->ix->ninfo);
	builder b = {.fl = fl};
	node_new(fl, NO_NODE, NO_NODE);
	/* Where each stack ends, for self: kept per stack, summed per node after. */
	uint32_t *leaf = with_self ? xmalloc((p->nstack + 1) * sizeof *leaf) : NULL;
	for (size_t st = 0; st < p->nstack; st++) {
		int64_t w = r->gw.w[st];
		if (w == 0)
			continue;
		uint32_t v = add_stack(&b, r, canon, &p->stacks[st], inverted, w);
		if (leaf)
			leaf[st] = v;
	}
	hashtab_free(&b.wide);
	prof_locbuf_free(&b.locs);
	free(canon);
	if (!leaf)
		return;
	fl->self = xcalloc(fl->n + 1, sizeof *fl->self);
	for (size_t st = 0; st < p->nstack; st++)
		if (r->gw.w[st])
			fl->self[leaf[st]] = calltree_add(fl->self[leaf[st]], r->gw.w[st]);
	free(leaf);
}

/* ---- order ---- */

typedef struct named {
	const char *s;
	uint32_t id;
} named;

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const named *)a)->s, ((const named *)b)->s);
}

/* Each frame's place in strcmp order of the names, so children sort by integer keys. */
static uint32_t *name_ranks(const report_flame *fl)
{
	named *order = xmalloc(((size_t)fl->nnames + 1) * sizeof *order);
	for (uint32_t k = 0; k < fl->nnames; k++)
		order[k] = (named){fl->names[k], k};
	qsort(order, fl->nnames, sizeof *order, cmp_named);
	uint32_t *rank = xmalloc(((size_t)fl->nnames + 1) * sizeof *rank);
	for (uint32_t k = 0; k < fl->nnames; k++)
		rank[order[k].id] = k;
	free(order);
	return rank;
}

typedef struct kid {
	int64_t weight; /* negated when widest first, else 0 */
	uint64_t key;   /* name rank << 32 | node */
} kid;

static int cmp_kid(const void *a, const void *b)
{
	const kid *x = a, *y = b;
	if (x->weight != y->weight)
		return x->weight < y->weight ? -1 : 1;
	return x->key < y->key ? -1 : x->key > y->key;
}

void calltree_sort(report_flame *fl, calltree_order order)
{
	uint32_t *rank = name_ranks(fl);
	kid *kids = NULL;
	size_t cap = 0;
	for (size_t v = 0; v < fl->n; v++) {
		report_flame_node *nd = &fl->nodes[v];
		if (nd->nkids < 2)
			continue;
		GROW(kids, cap, nd->nkids);
		size_t m = 0;
		for (uint32_t c = nd->child; c != NO_NODE; c = fl->nodes[c].next) {
			const report_flame_node *cn = &fl->nodes[c];
			/* weight is never INT64_MIN (saturated at INT64_MAX), so it negates */
			kids[m++] = (kid){order == CALLTREE_BY_WEIGHT ? -cn->weight : 0, (uint64_t)rank[cn->frame] << 32 | c};
		}
		qsort(kids, m, sizeof *kids, cmp_kid);
		nd->child = (uint32_t)kids[0].key;
		for (size_t k = 0; k + 1 < m; k++)
			fl->nodes[(uint32_t)kids[k].key].next = (uint32_t)kids[k + 1].key;
		fl->nodes[(uint32_t)kids[m - 1].key].next = NO_NODE;
	}
	free(kids);
	free(rank);
}

/* ---- reading it (views.h) ---- */

const char *report_flame_name(const report_flame *fl, uint32_t v)
{
	uint32_t f = fl->nodes[v].frame;
	return f == NO_NODE ? "root" : fl->names[f];
}

uint32_t report_flame_next(const report_flame *fl, uint32_t v)
{
	if (fl->nodes[v].child != NO_NODE)
		return fl->nodes[v].child;
	while (v != 0 && fl->nodes[v].next == NO_NODE)
		v = fl->nodes[v].parent;
	return v == 0 ? NO_NODE : fl->nodes[v].next;
}

void report_flame_free(report_flame *fl)
{
	if (fl->own_names)
		for (uint32_t i = 0; i < fl->nnames; i++)
			free(fl->names[i]);
	free(fl->names);
	free(fl->nodes);
	free(fl->self);
	memset(fl, 0, sizeof *fl);
}
