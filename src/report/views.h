/*
 * views: the report data a full-screen browser draws (ui/browser*), computed
 * by the engine so that the browser only draws.
 *
 * Owns: the callers and callees of one node, the flame (icicle) tree, the
 * share of the total that a regex matches (each sample once), and any text
 * report split into lines (source, traces, tags, goroutines), each as
 * pprof's reports compute them. Every function works through an engine
 * (report/engine.h: the loaded profile, never changed, and the caches that
 * make a refinement cost work over unique stacks) and returns data the
 * caller owns.
 */
#ifndef PROF_REPORT_VIEWS_H
#define PROF_REPORT_VIEWS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report/engine.h"
#include "report/report.h"

/* A text report, line by line (no newlines, names already under the name policy). */
typedef struct report_lines {
	char **line;
	size_t n;
} report_lines;

/* Runs report (a CMD_REPORT name; arg: list's regex) into lines. False with *err set. */
bool report_lines_data(prof_engine *e, const char *report, const char *arg, const report_opts *o, FILE *warn,
                       report_lines *out, prof_err *err);
void report_lines_free(report_lines *l);

/*
 * top's rows (engine_top's), and into other, when not NULL and the order
 * does not choose the nodes (no node count), the rows sorted the other way
 * (-cum toggled) from the same graph: *have_other says whether it was.
 */
bool report_top_orders(prof_engine *e, const report_opts *o, FILE *warn, report_top *top, report_top *other,
                       bool *have_other, prof_err *err);

/* One caller or callee edge of a node: the other end, the edge's value and share of the node's cum. */
typedef report_tree_edge report_edge_row;

typedef struct report_neighbors {
	bool found;               /* the node is in the (untrimmed) graph */
	int64_t flat, cum, total;
	char flat_s[64], cum_s[64], flat_pct[16], cum_pct[16];
	report_edge_row *callers, *callees; /* heaviest first, as tree's edge lists */
	size_t ncallers, ncallees;
} report_neighbors;

/* The callers and callees of the node printed as name (untrimmed, as peek). */
bool report_neighbors_data(prof_engine *e, const report_opts *o, const char *name, FILE *warn,
                           report_neighbors *nb, prof_err *err);
void report_neighbors_free(report_neighbors *nb);

#define REPORT_FLAME_NONE UINT32_MAX

/* How report_flame_value writes a value: the report's unit, chosen over every node. */
typedef struct report_value_fmt {
	double ratio; /* 1 / divide_by */
	char sample_unit[64], output_unit[64];
} report_value_fmt;

/*
 * The flame tree, its nodes in preorder: node 0 is the root ("root", the
 * whole total), a node's children follow it, widest first, and its subtree
 * ends at end[v] (the first child is v + 1 when v + 1 < end[v], the next
 * sibling is end[c]). 16 bytes a node (24 with negative values).
 */
typedef struct report_flame {
	uint32_t *frame;          /* per node: its name, names[frame]; REPORT_FLAME_NONE for the root */
	uint32_t *end;            /* per node: the node after its subtree */
	int64_t *value;           /* per node: signed (a diff's frames shrink) */
	int64_t *weight;          /* per node: |value| summed per stack, its width; value itself when no value is negative */
	size_t n, cap;
	uint32_t max_depth;
	int64_t total;            /* pprof's total (the percentages' base) */
	char **names;             /* per frame: its printable name, in strcmp order */
	uint32_t nnames;
	report_value_fmt fmt;
} report_flame;

/*
 * The flame tree of p: root on top, each stack from its root down;
 * inverted: from its leaf down (callers below their callees). Children
 * widest first; frames of the same name under one parent are one node.
 */
bool report_flame_data(prof_engine *e, const report_opts *o, bool inverted, FILE *warn, report_flame *fl,
                       prof_err *err);
/* The name of node v ("root" for the root). */
const char *report_flame_name(const report_flame *fl, uint32_t v);
/* v's parent (REPORT_FLAME_NONE for the root), found from the root down: O(depth x siblings). */
uint32_t report_flame_parent(const report_flame *fl, uint32_t v);
/* v's depth (the root's is 0), found as the parent is. */
uint32_t report_flame_depth(const report_flame *fl, uint32_t v);
/* Whether v is a (not necessarily proper) descendant of a. */
static inline bool report_flame_under(const report_flame *fl, uint32_t v, uint32_t a)
{
	return v >= a && v < fl->end[a];
}
/* The frame named name (REPORT_FLAME_NONE if none has it). */
uint32_t report_flame_frame_named(const report_flame *fl, const char *name);
/* Writes v in the report's unit, as the text reports do. */
void report_flame_value(const report_flame *fl, int64_t v, char *buf, size_t n);
void report_flame_free(report_flame *fl);

/*
 * The share of the total in stacks with a frame whose printable name
 * matches regex, each stack (so each sample) counted once: *matched and
 * *total in the sample unit, *nnodes the matching names.
 */
bool report_match_data(prof_engine *e, const report_opts *o, const char *regex, FILE *warn, int64_t *matched,
                       int64_t *total, size_t *nnodes, prof_err *err);

#endif
