/*
 * calltree: the call tree of a filtered profile, the one tree behind the
 * flame and folded reports and the browser's flame view (report_flame in
 * report/views.h is its data).
 *
 * Owns: the frames (index nodes whose names are equal strings become one
 * frame, so children of the same name merge), the order of each stack's
 * frames (root first or, inverted, leaf first; a location's inlined lines
 * are frames of their own, the caller first), the value and width of each
 * tree node, the order of siblings, and the walk that visits the tree.
 *
 * The tree is never built. A walk sorts the stacks by their frames, one
 * depth at a time, as a radix sort of strings would: the stacks that share
 * a path are one run of an array, its children the runs it splits into at
 * the next depth, and a run of one stack is a chain that is only read. So
 * a report streams the tree in preorder from one array entry per stack
 * (the flame and folded reports hold no node at all; the browser keeps
 * the nodes it is given), where a tree of linked nodes took some 50 bytes
 * a node and a pointer chase per frame (4.1M nodes on 1M distinct stacks).
 */
#ifndef PROF_REPORT_CALLTREE_H
#define PROF_REPORT_CALLTREE_H

#include <stdbool.h>
#include <stdint.h>

#include "report/internal.h"

#define CALLTREE_ROOT UINT32_MAX /* the frame the root is entered with */

typedef enum calltree_order {
	CALLTREE_BY_NAME,   /* siblings by name (strcmp) */
	CALLTREE_BY_WEIGHT, /* widest first, then by name */
	/*
	 * folded's lines in strcmp order: a frame's line (the stacks that end
	 * there) sorts as its name + NUL, its subtree as its name + ';', so a
	 * frame may come twice (once as a line, once entered)
	 */
	CALLTREE_FOLDED,
} calltree_order;

/* What a walk calls, in preorder. value is signed (a diff's frames shrink); weight, |value| summed per stack, is the width. */
typedef struct calltree_visitor {
	void (*enter)(void *ctx, uint32_t frame, uint32_t depth, int64_t value, int64_t weight);
	void (*leave)(void *ctx); /* the frame entered last is done */
	/* CALLTREE_FOLDED only, in place of entering: the stacks that end at frame under the current path, summed (never 0). */
	void (*line)(void *ctx, uint32_t frame, int64_t self);
} calltree_visitor;

typedef struct calltree_item calltree_item;

typedef struct calltree {
	const char **names; /* per frame, in strcmp order (a frame's id is its rank); borrowed from the keys */
	uint32_t nnames;
	bool negative;      /* some stack's value is below 0: value and weight differ */
	int64_t value, weight; /* the root's */
	/* private */
	const rctx *r;
	uint32_t *canon;    /* per index node: its frame */
	uint32_t *loc_frame; /* per location: its frame when it has one index node, else LOC_MANY */
	calltree_item *items;
	uint32_t nitems;
	bool inverted;
} calltree;

/*
 * The tree of r's filtered profile (its distinct stacks weighted by r->gw),
 * the frame of index node n named keys[n] (borrowed: t->names point into
 * keys). Inverted: each stack from its leaf.
 */
void calltree_init(calltree *t, const rctx *r, const char *const *keys, bool inverted);
/* Visits the tree once: the root (depth 0, frame CALLTREE_ROOT), then each frame, siblings in order. */
void calltree_walk(calltree *t, calltree_order order, const calltree_visitor *v, void *ctx);
void calltree_free(calltree *t);

/* a + b, saturated: a tree's sums stay ordered when a hostile profile's values overflow. */
static inline int64_t calltree_add(int64_t a, int64_t b)
{
	int64_t s;
	if (__builtin_add_overflow(a, b, &s))
		return b < 0 ? INT64_MIN : INT64_MAX;
	return s;
}

#endif
