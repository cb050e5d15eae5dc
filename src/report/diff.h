/*
 * diff: prof's stack-level snapshot comparison (prof diff BASE NEW): which
 * whole stacks grew or shrank between two profiles of one kind, and by how
 * much, for finding leaks. Works across formats (text against pb.gz).
 */
#ifndef PROF_DIFF_H
#define PROF_DIFF_H

#include "report/report.h"

typedef struct diff_opts {
	bool verbose; /* whole stacks instead of leaf <- program frame */
	bool all;     /* also stacks that did not change */
	bool color;   /* growth red, shrinkage green */
} diff_opts;

/*
 * Writes the comparison of base and cur (both filtered in place by o's
 * filters; never merged). *max_growth is the largest growth of one stack,
 * for -fail_if_grew.
 */
bool report_diff(FILE *out, prof_profile *base, prof_profile *cur, const char *base_name, const char *cur_name,
                 const report_opts *o, const diff_opts *dopt, int64_t *max_growth, prof_err *err);

/*
 * prof trend: ps[0..n) of one kind (each filtered in place), names
 * for the header. Stacks with their value at every snapshot, a sparkline,
 * slope and leak-suspect score. When growing is not NULL, the program's
 * functions on growing stacks are appended to it (malloc'd strings).
 */
bool report_trend(FILE *out, prof_profile **ps, const char **names, size_t n, const report_opts *o,
                  const diff_opts *dopt, char ***growing, size_t *ngrowing, prof_err *err);

/*
 * prof trend on snapshots of any kinds: a trend per kind (equal sample
 * types), in order of first appearance, then the program's functions that
 * grow in every kind. False with *err set; *usage true when the error is the
 * caller's (a snapshot with no other of its kind).
 */
bool report_trends(FILE *out, prof_profile **ps, const char **names, size_t n, const report_opts *o,
                   const diff_opts *dopt, bool *usage, prof_err *err);

#endif
