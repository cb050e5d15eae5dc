/*
 * report: text reports, each a function of the model writing to a FILE *.
 *
 * Owns: pprof's report options (report_opts, its "config"), the header lines
 * every report shares, and the reports themselves. The CLI, the shell and the
 * browser all call these; none of them formats report text on its own.
 */
#ifndef PROF_REPORT_H
#define PROF_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "graph/graph.h"
#include "model/profile.h"
#include "util/err.h"
#include "xform/filter.h"

typedef struct report_opts {
	const char *sample_index; /* NULL or "": pprof's default choice */
	bool mean;
	int node_count;           /* -1: the report's default */
	double node_fraction, edge_fraction;
	const char *unit;         /* "minimum" by default */
	bool cum_sort;
	double divide_by;
	bool drop_negative;
	bool noinlines;
	bool showcolumns; /* column numbers at line granularity (Go 1.26 pprof) */
	bool call_tree;            /* dot: a node per call path (pprof's -call_tree) */
	graph_granularity granularity;
	bool trim;                 /* false: no node count or fractions (pprof's -trim=false) */
	bool relative_percentages; /* percentages of the filtered total */
	bool compact_labels;       /* no profile header lines */
	prof_filters filters;
	const char *tagroot, *tagleaf; /* label keys to add as root/leaf frames */
	const char *source_path;   /* list: where to look for sources */
	const char *trim_path;     /* list: prefix to trim from recorded paths */
	int width;                 /* flame: columns (0: the terminal's, else 80) */
	bool color;                /* flame, goroutines: ANSI colour */
	bool similar;              /* goroutines: merge groups differing in args/lines */
	const char *state;         /* goroutines: only states matching this regex */
	int min;                   /* goroutines: only groups of at least this many */
} report_opts;

void report_opts_init(report_opts *o);

/*
 * Runs report name (a CMD_REPORT of report/commands; arg: peek's and list's
 * regex) on p, which it filters in place.
 * pprof's notes go to warn. False with *err set on a bad option or no match.
 * "proto" writes binary data (gzip'd protobuf) to out.
 */
bool report_run(FILE *out, prof_profile *p, const char *name, const char *arg, const report_opts *o, FILE *warn,
                prof_err *err);
/*
 * report_run for a caller that frees p after this one report (the CLI): a
 * report that reads only stack weights frees the samples, values and labels
 * once it has them, so its graph is not built on top of them.
 */
bool report_run_last(FILE *out, prof_profile *p, const char *name, const char *arg, const report_opts *o,
                     FILE *warn, prof_err *err);

/*
 * Reports as data: top's rows and header lines, as the text report prints
 * them (the values formatted in the chosen unit), for front ends that draw
 * rather than print. The report's owner: free with report_top_free.
 */
typedef struct report_top_row {
	char *name;               /* pprof's printable name, shown under the name policy */
	const char *inline_label; /* "", "(inline)" or "(partial-inline)" */
	int64_t flat, cum, sum;   /* in the sample unit; sum: running total of flat */
	char flat_s[64], flat_pct[16], sum_pct[16], cum_s[64], cum_pct[16];
} report_top_row;

typedef struct report_top {
	char **labels; /* the header lines (File:, Type:, ..., Showing nodes ...), no newlines */
	size_t nlabels;
	report_top_row *rows;
	size_t nrows;
	int64_t total;
} report_top;

/*
 * tree and peek as data: the nodes (peek: those matching its regex), each
 * with its callers and callees, heaviest first, as the text report prints
 * them. The report's owner: free with report_tree_free.
 */
typedef struct report_tree_edge {
	char *name;  /* the caller's or callee's printable name */
	int64_t value;
	char value_s[64], pct[16]; /* pct: of the node's cum */
	bool inl;
} report_tree_edge;

typedef struct report_tree_node {
	char *name;
	int64_t flat, cum, sum;
	char flat_s[64], flat_pct[16], sum_pct[16], cum_s[64], cum_pct[16];
	report_tree_edge *callers, *callees;
	size_t ncallers, ncallees;
} report_tree_node;

typedef struct report_tree {
	char **labels; /* the header lines */
	size_t nlabels;
	report_tree_node *nodes;
	size_t nnodes;
	int64_t total;
	bool shown_any; /* the graph had nodes (peek may show some of them) */
} report_tree;

void report_tree_free(report_tree *t);

/*
 * traces as data, one sample at a time (a million of them are not held at
 * once): its label lines as pprof prints them, its value, and its frames
 * leaf first. Everything is borrowed for the callback's duration; setting
 * stop ends the walk.
 */
typedef struct report_trace_frame {
	const char *name;
	bool inl; /* an inlined line (not the location's outermost) */
} report_trace_frame;

typedef struct report_trace {
	size_t sample; /* its index in the filtered profile */
	const char *const *labels;
	size_t nlabels;
	int64_t value;
	char value_s[64];
	report_trace_frame *frames;
	size_t nframes;
	bool stop;
} report_trace;

typedef void (*report_trace_fn)(void *ctx, report_trace *t);

/*
 * goroutines as data: the groups in report order (leaked first, then the
 * largest), each with its count, state, waits, flags, creator, labels and
 * stack (leaf first), as `prof goroutines` prints them. Strings are shown
 * under the name policy. Free with report_goroutines_free.
 */
typedef struct report_goroutine_frame {
	char *name;  /* "pkg.F", or the bare address */
	bool inl;    /* an inlined line */
	bool std;    /* the runtime's or the standard library's */
	char *file;  /* "" when none is printed */
	char *lines; /* ":31", ":31,35" (members' lines, -similar), or "" */
} report_goroutine_frame;

typedef struct report_goroutine_label {
	char *key, *value; /* value NULL: the members differ ("(mixed)") */
} report_goroutine_label;

typedef struct report_goroutine_group {
	int64_t count;
	char *state, *created; /* "" when unknown */
	bool any_wait;
	int64_t min_wait, max_wait; /* minutes */
	int64_t hist[4];            /* goroutines waiting <1m, 1-5m, 5-60m, >60m */
	bool leaked, stuck;         /* the runtime's verdict; a state nothing can wake */
	size_t members;             /* samples in the group */
	report_goroutine_label *labels;
	size_t nlabels;
	report_goroutine_frame *frames;
	size_t nframes;
	size_t width; /* the name column's width, as printed */
} report_goroutine_group;

typedef struct report_goroutines {
	report_goroutine_group *groups;
	size_t ngroups;
	int64_t shown, leaked, stuck, hidden; /* hidden: in groups under -min */
	size_t nhidden;
	int min;
} report_goroutines;

void report_goroutines_free(report_goroutines *g);

/* top of p (filtered in place, as report_run does) into *top. False with *err set. */
bool report_top_data(prof_profile *p, const report_opts *o, FILE *warn, report_top *top, prof_err *err);
void report_top_free(report_top *top);

#endif
