/*
 * engine: one loaded profile behind every front end (CLI, shell, browser),
 * and the caches that make a change of option cheap.
 *
 * Owns: a working view of the profile (its own string table; the loaded
 * profile's arrays borrowed, never written), and caches keyed by what they
 * depend on: per-sample tag verdicts (tagfocus, tagignore), per-stack
 * weights (sample index, -mean, tag filters), totals (sample index, -mean)
 * and node indexes (granularity, -noinlines, -showcolumns).
 *
 * The graph reports (top, tree, peek, list, flame, folded) run on unique
 * stacks: the name filters rewrite the stacks of the view, and the cached
 * per-stack weights follow them, so a change costs work in proportion to
 * the distinct stacks, not to the samples, and nothing copies the profile.
 * Reports that read samples or labels (traces, tags, raw, dot and images,
 * proto, goroutines) and label frames (tagroot, tagleaf) run on a copy, or,
 * for the CLI's single report, on the profile itself.
 */
#ifndef PROF_ENGINE_H
#define PROF_ENGINE_H

#include <stdbool.h>
#include <stdio.h>

#include "model/profile.h"
#include "report/report.h"
#include "util/err.h"

typedef struct prof_engine prof_engine;

/*
 * An engine over p, which the caller keeps and frees after the engine.
 * consume: the caller runs one report and then frees p, so a report that
 * needs its own filtered profile may filter p in place instead of a copy
 * (the CLI's memory stays that of one profile).
 */
prof_engine *engine_new(prof_profile *p, bool consume);
void engine_free(prof_engine *e);

/* report_run's contract, through the caches: p is never changed unless consume. */
bool engine_run(prof_engine *e, FILE *out, const char *name, const char *arg, const report_opts *o, FILE *warn,
                prof_err *err);
/* Reports as data, the same way: top's rows; tree's nodes (peek's, with a regex) with callers and callees. */
bool engine_top(prof_engine *e, const report_opts *o, FILE *warn, report_top *top, prof_err *err);
bool engine_tree(prof_engine *e, const report_opts *o, const char *peek, FILE *warn, report_tree *tree,
                 prof_err *err);
/* goroutines' groups. */
bool engine_goroutines(prof_engine *e, const report_opts *o, FILE *warn, report_goroutines *gs, prof_err *err);
/* traces, one sample at a time, to fn. */
bool engine_traces(prof_engine *e, const report_opts *o, FILE *warn, report_trace_fn fn, void *ctx, prof_err *err);

#endif
