/*
 * filter: pprof's sample filters (focus, ignore, hide, show, show_from,
 * prune_from, tagfocus, tagignore, tagshow, taghide), applied in place to a
 * loaded profile in pprof's order (its applyFocus).
 *
 * Owns: the matching rules (a location matches when one of its functions'
 * names or files, or its mapping's file, matches), numeric tag ranges
 * ("1kb:10kb", "5:", ":1ms"), and the numeric label units they scale with.
 * Regexes are unanchored, as in pprof.
 */
#ifndef PROF_FILTER_H
#define PROF_FILTER_H

#include <stdbool.h>
#include <stdio.h>

#include "model/profile.h"
#include "util/err.h"

typedef struct prof_filters {
	const char *focus, *ignore, *hide, *show, *show_from, *prune_from;
	const char *tagfocus, *tagignore, *tagshow, *taghide;
} prof_filters;

/* Whether any filter is set. */
bool prof_filters_active(const prof_filters *f);
/* Checks every regex and tag filter; false with *err naming the option. */
bool prof_filters_check(const prof_filters *f, prof_err *err);
/*
 * Applies the filters. pprof's notes ("Focus expression matched no
 * samples", range interpretations) go to warn when it is not NULL.
 * Always drops samples with no location, as pprof's filtering does.
 */
bool prof_apply_filters(prof_profile *p, const prof_filters *f, FILE *warn, prof_err *err);

/*
 * The pieces of prof_apply_filters the engine runs on its own, to filter
 * unique stacks instead of samples (report/engine.c). Each does what
 * prof_apply_filters does at that step, with the same messages.
 */
/*
 * prof_apply_filters, but hide and show leave the locations they empty in
 * the stacks (stacks left with nothing else are dropped) and say which
 * they are: *hidden (malloc'd, per location) for a node index that gives
 * them no nodes (graph_index_new_masked). Reports that sum weights per
 * node see what prof_apply_filters would give them, without a stack
 * rewritten.
 */
bool prof_apply_filters_hiding(prof_profile *p, const prof_filters *f, FILE *warn, prof_err *err,
                               uint8_t **hidden);
/* Compiles every filter in pprof's order, writing its notes on tag ranges to warn: the step's errors and notes. */
bool prof_filters_compile_notes(const prof_filters *f, FILE *warn, prof_err *err);
/* Per sample: what tagfocus and tagignore say of it (filters checked before). */
enum { PROF_TAG_FOCUSED = 1, PROF_TAG_IGNORED = 2 };
void prof_tag_bits(prof_profile *p, const prof_filters *f, uint8_t *bits);
/* Whether tagshow (*sm) and taghide (*hm) match a label key of some sample whose alive[i] is set. */
void prof_label_key_matches(const prof_profile *p, const prof_filters *f, const uint8_t *alive, bool *sm,
                            bool *hm);
/* The "Tag... expression matched no samples" notes, from what matched. */
void prof_tag_warnings(FILE *warn, const prof_filters *f, bool tfm, bool tim, bool tns, bool tnh);

/*
 * The unit of each numeric label key, as pprof infers it: the first unit seen
 * with it, else "bytes" for alignment/request, else the key itself. Returns a
 * malloc'd array indexed by the key's string id (0 where the key is unused).
 */
prof_strid *prof_num_label_units(prof_profile *p);

/* A label is numeric when it has no string value and a number or unit. */
static inline bool prof_label_is_num(const prof_label *l)
{
	return l->str == 0 && (l->num != 0 || l->num_unit != 0 || l->num_set);
}

#endif
