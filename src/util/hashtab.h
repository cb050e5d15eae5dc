/*
 * hashtab: the one open-addressing index of the core. It maps a 64-bit hash
 * to entries of an array the caller owns (entries are uint32 indices into
 * it), so the table never copies or frees keys and equality is the caller's.
 *
 * Growth depends only on the number of entries: before each insertion the
 * table is sized to the smallest power of two that keeps it at most half
 * full, whatever size it started with. A slot keeps 32 bits of the (mixed)
 * hash, so growing never calls back into the caller and a probe compares
 * keys only when those bits agree. Hashes are mixed with a per-table seed,
 * so a hostile profile cannot aim collisions at a known probe sequence; the
 * table never exposes its slot order, so output does not depend on the seed.
 *
 * Ownership: a zeroed hashtab is empty and valid; hashtab_free releases it.
 */
#ifndef PROF_UTIL_HASHTAB_H
#define PROF_UTIL_HASHTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HASHTAB_NONE UINT32_MAX

typedef struct hashtab_slot {
	uint32_t tag;   /* high bits of the mixed hash */
	uint32_t entry; /* entry + 1, 0 empty */
} hashtab_slot;

typedef struct hashtab {
	hashtab_slot *slots;
	size_t nslots, n;
	uint64_t seed; /* set with the first slots */
} hashtab;


/* eq(ctx, entry): does entry hold the key being looked up? */
typedef bool (*hashtab_eq)(const void *ctx, uint32_t entry);

/*
 * A fresh seed, as each table takes one: for an index of another shape
 * that must not give a hostile profile a known probe sequence either.
 */
uint64_t hashtab_new_seed(void);

/* Makes room for need entries in all (at most half full). */
void hashtab_reserve(hashtab *t, size_t need);
void hashtab_free(hashtab *t);
/* Forgets every entry, keeping the slots. */
void hashtab_clear(hashtab *t);

/* Folds the high half in before multiplying, so keys that differ only there spread too. */
static inline uint32_t hashtab_tag(const hashtab *t, uint64_t h)
{
	h ^= t->seed;
	h ^= h >> 32;
	h *= 0x9e3779b97f4a7c15ull;
	return (uint32_t)(h >> 32);
}

/* The entry with hash h for which eq holds, or HASHTAB_NONE. */
static inline uint32_t hashtab_find(const hashtab *t, uint64_t h, hashtab_eq eq, const void *ctx)
{
	if (!t->n)
		return HASHTAB_NONE;
	uint32_t tag = hashtab_tag(t, h);
	size_t mask = t->nslots - 1;
	for (size_t j = tag & mask; t->slots[j].entry; j = (j + 1) & mask)
		if (t->slots[j].tag == tag && eq(ctx, t->slots[j].entry - 1))
			return t->slots[j].entry - 1;
	return HASHTAB_NONE;
}

/*
 * The slot where a look-up of hash h starts (NULL while there are none),
 * for a loop that knows its next keys ahead to prefetch. The caller calls
 * __builtin_prefetch itself: GCC takes a function that only prefetches for
 * one without effects and drops its calls.
 */
static inline const hashtab_slot *hashtab_first_slot(const hashtab *t, uint64_t h)
{
	return t->nslots ? &t->slots[hashtab_tag(t, h) & (t->nslots - 1)] : NULL;
}

/* Adds entry under hash h without looking for an equal one. */
void hashtab_add(hashtab *t, uint64_t h, uint32_t entry);

/*
 * The entry with hash h for which eq holds; when there is none, adds
 * entry and returns it (the caller then appends the key at that index).
 */
static inline uint32_t hashtab_intern(hashtab *t, uint64_t h, uint32_t entry, hashtab_eq eq, const void *ctx)
{
	if ((t->n + 1) * 2 > t->nslots)
		hashtab_reserve(t, t->n + 1);
	uint32_t tag = hashtab_tag(t, h);
	size_t mask = t->nslots - 1, j = tag & mask;
	for (; t->slots[j].entry; j = (j + 1) & mask)
		if (t->slots[j].tag == tag && eq(ctx, t->slots[j].entry - 1))
			return t->slots[j].entry - 1;
	t->slots[j] = (hashtab_slot){tag, entry + 1};
	t->n++;
	return entry;
}

#endif
