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

/* Whether name is a report report_run knows (top, text, tree, peek, traces, tags, comments, dot, proto, ...). */
bool report_known(const char *name);
/*
 * Whether report name makes the names it prints safe for a terminal itself
 * (flame, folded, goroutines: they colour their output); the others print
 * names as pprof does and are passed through term_write_safe on a terminal.
 */
bool report_sanitizes(const char *name);
/*
 * The file extension of report name's output when it is binary (proto's
 * "pb.gz", the images'), NULL for text: such output never goes to a
 * terminal.
 */
const char *report_binary_ext(const char *name);
/*
 * Runs report name (arg: peek's regex) on p, which it filters in place.
 * pprof's notes go to warn. False with *err set on a bad option or no match.
 * "proto" writes binary data (gzip'd protobuf) to out.
 */
bool report_run(FILE *out, prof_profile *p, const char *name, const char *arg, const report_opts *o, FILE *warn,
                prof_err *err);

#endif
