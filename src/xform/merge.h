/*
 * merge: several profiles of one kind become one, as pprof merges its
 * inputs. Mappings, functions and locations that are the same in both are
 * shared (pprof's keys), and so are dst's own repeats (pprof merges its
 * first input too); samples are appended, and equal ones are summed when
 * a report needs single samples (prof_compact_samples). Headers combine as
 * pprof's do: earliest time, summed duration, largest period, comments once.
 */
#ifndef PROF_MERGE_H
#define PROF_MERGE_H

#include "model/profile.h"
#include "util/err.h"

/*
 * Merges src into dst; false with *err set when their sample types differ
 * (then neither changed). src gives up its stacks, samples, values and
 * labels as they are copied, so a merge never holds both profiles whole:
 * the caller frees it after.
 */
bool prof_merge(prof_profile *dst, prof_profile *src, prof_err *err);
/*
 * prof_merge's refusals without the merge: false with its message when src
 * could not be merged into dst (no shared sample type, or units or period
 * types that differ). Changes neither.
 */
bool prof_merge_check(const prof_profile *dst, const prof_profile *src, prof_err *err);

/*
 * pprof's numbering of p as its merge (profile.Merge) would leave it, for
 * reports that print ids: mappings and locations numbered from 0 in order
 * of first use (the first mapping first, then the locations of the samples
 * with a nonzero value, in order, each stack leaf first, and their
 * mappings), equal ones (pprof's keys) sharing one number. Computed from p,
 * which it does not change. A profile without mappings gets the one empty
 * mapping pprof gives it (map_rep 0, not a mapping of p).
 */
typedef struct prof_numbering {
	uint32_t *map_new;  /* per mapping of p (one when p has none): its number, PROF_NONE when unused */
	uint32_t *map_rep;  /* per number: the mapping of p that it shows */
	uint32_t nmap;
	uint32_t *loc_new;  /* per location of p: its number, PROF_NONE when no nonzero sample uses it */
	uint32_t *loc_rep;  /* per number: the location of p that it shows */
	uint32_t *loc_map;  /* per number: its mapping's number, PROF_NONE for none */
	uint64_t *loc_addr; /* per number: its address, moved into the mapping it shares */
	uint32_t nloc;
} prof_numbering;

prof_numbering *prof_merge_numbering(const prof_profile *p);
void prof_numbering_free(prof_numbering *nb);

#endif
