/*
 * tagroot: pprof's -tagroot/-tagleaf. Adds pseudo frames named after a
 * sample's label values (file name: the label key) at the root or the leaf
 * of every stack, so reports can split by label.
 */
#ifndef PROF_TAGROOT_H
#define PROF_TAGROOT_H

#include <stdio.h>

#include "model/profile.h"

/* root_keys/leaf_keys: comma-separated label keys (NULL or "" for none). */
void prof_add_label_nodes(prof_profile *p, const char *root_keys, const char *leaf_keys, const char *unit,
                          FILE *warn);

#endif
