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
 * The comparisons take profiles that the caller frees after them: each is
 * filtered in place, and gives up its samples, values and labels once they
 * are grouped (so the snapshots' groups do not sit on top of them).
 */

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

/*
 * The comparison as data, for every front end: the stack groups of
 * snapshots ps[0..n) (filtered in place by o's filters), value si of the
 * last one's types, in the order the reports print them: diff's (largest
 * growth first) when x is NULL, else trend's (leak-suspect score first),
 * x[k] being snapshot k's time in minutes or its step. Rows are made on
 * demand, so a million groups cost no strings; their strings are the
 * comparison's, valid until report_cmp_free. NULL with *err set when the
 * snapshots cannot be compared.
 */
typedef struct report_cmp report_cmp;

typedef struct report_cmp_row {
	const int64_t *values;  /* one per snapshot, in snapshot order */
	int64_t base, cur;      /* the first snapshot's value and the last's */
	bool leaked;            /* the runtime's verdict (a dump's "(leaked)", a goroutine leak profile) */
	bool stuck;             /* a state it can never leave: nil channel, select {} */
	const char *state;      /* goroutine state, NULL when unknown */
	const char *created;    /* the creator, NULL when unknown */
	const char *leaf, *app; /* the leaf past the runtime's frames, and the program's first frame after it; NULL: none */
	int64_t wait_max;       /* longest wait in minutes (dumps) */
	/* trend only (x given): */
	bool grew_always;
	int64_t first_seen; /* the first snapshot with a value, -1 for none */
	double slope;       /* per minute, or per step */
	double score;       /* leak-suspect score (prof help trend) */
} report_cmp_row;

report_cmp *report_cmp_new(prof_profile **ps, size_t n, int si, const double *x, const report_opts *o,
                           prof_err *err);
void report_cmp_free(report_cmp *c);
size_t report_cmp_size(const report_cmp *c);
/* Snapshot k's total of the value compared. */
int64_t report_cmp_total(const report_cmp *c, size_t k);
void report_cmp_row_at(const report_cmp *c, size_t i, report_cmp_row *row);
/* Row i's frames, leaf first, each with its name's id (report_cmp_name; ids < report_cmp_nnames). */
typedef void (*report_cmp_frame_fn)(void *ctx, const char *name, uint32_t id);
void report_cmp_frames(const report_cmp *c, size_t i, report_cmp_frame_fn fn, void *ctx);
const char *report_cmp_name(const report_cmp *c, uint32_t id);
size_t report_cmp_nnames(const report_cmp *c);
/*
 * diff's function summary: every name on the groups' stacks with the summed
 * delta (last - first) of the groups holding it, each group once (a
 * comparison made for trend, with x, has none: every delta is zero). *ids
 * (malloc'd, the count returned) lists those with a change, largest growth
 * first, then by name; *delta (malloc'd) is indexed by name id.
 */
size_t report_cmp_functions(const report_cmp *c, uint32_t **ids, int64_t **delta);

#endif
