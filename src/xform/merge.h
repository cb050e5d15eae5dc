/*
 * merge: several profiles of one kind become one, as pprof merges its
 * inputs. Mappings, functions and locations that are the same in both are
 * shared (pprof's keys); samples are appended, and equal ones are summed when
 * a report needs single samples (prof_compact_samples). Headers combine as
 * pprof's do: earliest time, summed duration, largest period, comments once.
 */
#ifndef PROF_MERGE_H
#define PROF_MERGE_H

#include "model/profile.h"
#include "util/err.h"

/* Merges src into dst; false with *err set when their sample types differ. */
bool prof_merge(prof_profile *dst, const prof_profile *src, prof_err *err);
/*
 * prof_merge's refusals without the merge: false with its message when src
 * could not be merged into dst (no shared sample type, or units or period
 * types that differ). Changes neither.
 */
bool prof_merge_check(const prof_profile *dst, const prof_profile *src, prof_err *err);

#endif
