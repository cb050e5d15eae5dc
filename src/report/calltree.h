/*
 * calltree: the call tree of a filtered profile, the one tree behind the
 * flame and folded reports and the browser's flame view (report_flame in
 * report/views.h is its data).
 *
 * Owns: the canonical frames (index nodes whose names are equal strings
 * become one frame, so children of the same name merge), the build from
 * each distinct stack's value (r->gw), root first or, inverted, leaf
 * first (a location's inlined lines are frames of their own, the caller
 * first), the children's order, and the preorder walk.
 *
 * Children are kept in lists: a child is found by walking its parent's
 * list, or, for a parent of more than a few, in one table of those
 * children. On a profile of unique stacks most nodes have one or two
 * children, so the lists cost a fraction of a table over every node.
 */
#ifndef PROF_REPORT_CALLTREE_H
#define PROF_REPORT_CALLTREE_H

#include <stdbool.h>
#include <stdint.h>

#include "report/internal.h"
#include "report/views.h"

/*
 * Builds fl from r's filtered profile, the frame of each index node n
 * named keys[n] (borrowed: fl->names point into keys). with_self: fl->self
 * too (the value of the stacks that end at each node). Children are
 * unordered until calltree_sort.
 */
void calltree_build(report_flame *fl, const rctx *r, char *const *keys, bool inverted, bool with_self);

typedef enum calltree_order {
	CALLTREE_BY_NAME,   /* by name (strcmp) */
	CALLTREE_BY_WEIGHT, /* widest first, then by name */
} calltree_order;

void calltree_sort(report_flame *fl, calltree_order order);

/* a + b, saturated: a tree's sums stay ordered when a hostile profile's values overflow. */
static inline int64_t calltree_add(int64_t a, int64_t b)
{
	int64_t s;
	if (__builtin_add_overflow(a, b, &s))
		return b < 0 ? INT64_MIN : INT64_MAX;
	return s;
}

#endif
