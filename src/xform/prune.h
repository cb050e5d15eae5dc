/*
 * prune: pprof's drop_frames/keep_frames handling (RemoveUninteresting).
 *
 * Owns: rewriting locations and stacks of a loaded profile so frames below
 * a frame matching drop_frames (and not keep_frames) are gone, as pprof does
 * right after loading. Changes the profile in place.
 */
#ifndef PROF_PRUNE_H
#define PROF_PRUNE_H

#include "model/profile.h"

/* Applies the profile's own drop_frames/keep_frames. A bad regex is ignored, as pprof does. */
void prof_remove_uninteresting(prof_profile *p);

/* pprof's simplifyFunc: the name without its argument list; malloc'd. */
char *prof_simplify_func(const char *name);

#endif
