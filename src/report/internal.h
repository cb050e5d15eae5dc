/*
 * report internals: what every report run shares (pprof's Report): the
 * chosen value, the total, the filtered profile's weights and node index,
 * value formatting and the header lines. Only src/report/ includes this.
 */
#ifndef PROF_REPORT_INTERNAL_H
#define PROF_REPORT_INTERNAL_H

#include "report/report.h"

typedef struct rctx {
	prof_profile *p;
	const report_opts *o;
	int si;
	char sample_type[512];   /* with "mean_" when -mean */
	const char *sample_unit;
	const char *output_unit;
	char unitbuf[64];
	double ratio;            /* 1 / divide_by */
	int64_t total;           /* before filters, as pprof computes it */
	graph_weights gw;        /* after filters */
	graph_index *ix;
	graph_trim_opts trim;    /* after the report's overrides */
	bool dot_escape_all;     /* dot: escape what pprof leaves raw (for Graphviz) */
	/*
	 * Per location, NULL for none: emptied by hide or show but left in the
	 * stacks (the engine's view, prof_apply_filters_hiding); a report that
	 * maps locations to nodes itself gives these none, as r->ix does.
	 */
	const uint8_t *hidden;
	prof_err *err;
} rctx;

/* Formats a value in the output unit, after divide_by. */
void rctx_value(const rctx *r, int64_t v, char *buf, size_t n);
/* pprof's selectOutputUnit for graph g (when -unit is "minimum"). */
void rctx_select_unit(rctx *r, const graph *g);
/* The same for nnodes nodes whose smallest nonzero |flat| (else |cum|) is min. */
void rctx_select_unit_min(rctx *r, uint32_t nnodes, int64_t min);
/* pprof's ProfileLabels: File, Build ID, comments, Type, Time, Duration. */
void rctx_profile_labels(FILE *out, const rctx *r);
/* Receives header lines one at a time, without their newline. */
typedef void (*rctx_label_fn)(void *ctx, const char *line);
/* rctx_profile_labels, line by line. */
void rctx_profile_label_list(const rctx *r, rctx_label_fn emit, void *ctx);
/* pprof's "Active filters:" lines (none when no filter is set). */
void rctx_filter_label_list(const rctx *r, rctx_label_fn emit, void *ctx);
/* The first mapping's file, "" when pprof drops it (a URL with no build ID). */
const char *rctx_mapping_file(const prof_profile *p);
/* pprof's reportLabels for text reports: profile labels, active filters, Showing/Dropped lines. */
void rctx_report_labels(FILE *out, const rctx *r, const graph *g, int orig_count, int dropped_nodes);
const char *rctx_trim_space(char *s);
/* A node's cells as top and tree print them: flat, flat%, sum% (of the running flat sum), cum, cum%. */
void rctx_row_cells(const rctx *r, int64_t flat, int64_t sum, int64_t cum, char flat_s[64], char flat_pct[16],
                    char sum_pct[16], char cum_s[64], char cum_pct[16]);
/* rctx_report_labels as lines (malloc'd, no newlines) in *lines[0..*n), for reports as data. */
void rctx_report_label_lines(const rctx *r, const graph *g, int orig_count, int dropped_nodes, char ***lines,
                             size_t *n);

/*
 * report_prepare for report (a CMD_REPORT name) on p, filtered in place:
 * what views.c computes its data from. Release with report_release_view.
 */
bool report_prepare_view(rctx *r, prof_profile *p, const char *report, const report_opts *o, FILE *warn,
                         prof_err *err);
void report_release_view(rctx *r);

bool report_top_rctx(FILE *out, rctx *r);
/* top's rows from a prepared rctx (report_top_data's work). */
void report_top_rows(rctx *r, report_top *top);
/*
 * The same, and into other (when not NULL) the rows in the other order
 * (cum for flat, flat for cum), from the same graph, when the order does
 * not choose the nodes (no node count): true when other was filled.
 */
bool report_top_rows_both(rctx *r, report_top *top, report_top *other);
bool report_tree_rctx(FILE *out, rctx *r, const char *peek);
/*
 * tree's data from a prepared rctx: peek's, the nodes matching its regex;
 * with exact, the node printed as exact alone (none: no error). False with
 * r->err set.
 */
bool report_tree_nodes(rctx *r, const char *peek, const char *exact, report_tree *t);
bool report_traces_rctx(FILE *out, rctx *r);
/* Calls fn for each trace of a prepared rctx, in sample order. */
bool report_traces_each(rctx *r, report_trace_fn fn, void *ctx);
bool report_tags_rctx(FILE *out, rctx *r);
bool report_list_rctx(FILE *out, rctx *r, const char *regex); /* list.c */
bool report_raw_rctx(FILE *out, rctx *r);                     /* raw.c */
/*
 * pprof numbers locations when it merges at load, before label frames and
 * filters: raw takes that order first and prints with it afterwards.
 */
typedef struct raw_order raw_order;
raw_order *report_raw_order_new(const prof_profile *p);
void report_raw_order_free(raw_order *o);
bool report_raw_ordered(FILE *out, rctx *r, const raw_order *o);
bool report_flame_rctx(FILE *out, rctx *r);                   /* flame.c */
bool report_folded_rctx(FILE *out, rctx *r);                  /* flame.c */
bool report_goroutines_rctx(FILE *out, rctx *r);              /* goroutines.c */
/* goroutines' groups from a prepared rctx. False with r->err set. */
bool report_goroutine_groups(rctx *r, report_goroutines *out);
/* The filtered profile as gzip'd pprof protobuf, values times r->ratio; needs no graph. */
bool report_proto_rctx(FILE *out, rctx *r);                   /* proto_out.c */
bool report_dot_rctx(FILE *out, rctx *r);                     /* dot.c */

/*
 * The same through the engine (engine.c): a graph report (top, tree, peek,
 * list, flame, folded) prepared on the engine's view, with its caches; any
 * other on a copy the engine keeps until engine_release.
 */
struct prof_engine;
bool engine_prepare(struct prof_engine *e, const char *report, const report_opts *o, FILE *warn, rctx *r,
                    prof_err *err);
void engine_release(struct prof_engine *e, rctx *r);

/* report.c's steps, which the engine (engine.c) runs its own way. */
struct prof_command;
/* The value shown (-sample_index, -mean) and its unit: every report's start. */
bool rctx_start(rctx *r, prof_profile *p, const report_opts *o, prof_err *err);
/* pprof's applyCommandOverrides: the trim options report cmd runs with. */
void rctx_trim_setup(rctx *r, const struct prof_command *cmd, const report_opts *o);
/* pprof's total: sum of |value| (divided when mean), of the base's samples only after -diff_base. */
int64_t report_profile_total(prof_profile *p, int si, bool mean);
/* Runs the report of cmd on a prepared rctx. */
bool report_dispatch(FILE *out, rctx *r, const struct prof_command *cmd, const char *arg, raw_order *ro);
/* The dot graph drawn by Graphviz's libraries as format (svg, png, gif, ps, pdf). */
bool report_image_rctx(FILE *out, rctx *r, const char *format); /* image.c */

#endif
