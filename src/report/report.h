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
	graph_granularity granularity;
} report_opts;

void report_opts_init(report_opts *o);

/* top / text: pprof's flat report. Returns false with *err set on a bad option. */
bool report_top(FILE *out, prof_profile *p, const report_opts *o, prof_err *err);

#endif
