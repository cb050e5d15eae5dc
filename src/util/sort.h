/*
 * sort: a stable sort whose comparison takes a context pointer.
 *
 * Owns the one sort the core uses where an order depends on more than the
 * two items (a graph's values, a profile's strings). qsort has no argument
 * for that, so each caller used to park its context in a file-scope
 * variable, which made the core unsafe beside another thread (a browser's
 * UI thread). Stable, so ties keep their input order, as the merge sort
 * behind glibc's qsort and Go's sort.SliceStable do.
 */
#ifndef PROF_SORT_H
#define PROF_SORT_H

#include <stddef.h>

typedef int (*sort_cmp)(const void *a, const void *b, void *ctx);

/* Sorts n items of size bytes at base by cmp (which gets ctx). */
void sort_r(void *base, size_t n, size_t size, sort_cmp cmp, void *ctx);

#endif
