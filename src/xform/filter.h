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
