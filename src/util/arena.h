/*
 * arena: bump allocation for everything that lives as long as one profile.
 *
 * Owns: a chain of malloc'd blocks. Everything handed out lives until
 * arena_free() (one call releases the lot) or, for scratch arenas, until
 * arena_reset(). Allocations are 16-byte aligned. Out of memory is fatal
 * (prof_oom), so callers never check for NULL.
 */
#ifndef PROF_ARENA_H
#define PROF_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block;

typedef struct arena {
	arena_block *head;   /* newest block first */
	size_t block_size;   /* size of the next ordinary block */
	size_t total;        /* bytes reserved from malloc, for memory reports */
} arena;

void arena_init(arena *a, size_t block_size);
void *arena_alloc(arena *a, size_t n);
void *arena_zalloc(arena *a, size_t n);
void *arena_memdup(arena *a, const void *p, size_t n);
/* Keeps the newest block and frees the rest: cheap reuse as scratch space. */
void arena_reset(arena *a);
void arena_free(arena *a);

/* Growable array helpers on plain malloc (for arrays whose final size is unknown). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* A malloc'd copy of s; NULL copies as "". */
char *xstrdup(const char *s);
/* A malloc'd copy of n items of item bytes at a; never NULL, even for none. */
void *xdup_array(const void *a, size_t n, size_t item);
/* Grows *p (holding *cap items of item bytes) so that it holds at least need items. */
void grow_array(void **p, size_t *cap, size_t need, size_t item);
#define GROW(arr, cap, need) \
	do { \
		if ((size_t)(need) > (cap)) \
			grow_array((void **)&(arr), &(cap), (need), sizeof *(arr)); \
	} while (0)

_Noreturn void prof_oom(void);

#endif
