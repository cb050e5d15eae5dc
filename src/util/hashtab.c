/* hashtab: see hashtab.h. */
#include "util/hashtab.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/arena.h"

static _Atomic uint64_t tables;

/* A table's seed: from the clock, ASLR and a count of tables (any thread may ask). */
static uint64_t new_seed(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t s = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)(uintptr_t)&tables ^
	             atomic_fetch_add_explicit(&tables, 0x9e3779b97f4a7c15ull, memory_order_relaxed);
	s ^= s >> 31;
	s *= 0xbf58476d1ce4e5b9ull;
	return s ^ (s >> 29);
}

static inline uint64_t lane(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdull;
	return h ^ h >> 32;
}

uint64_t hashtab_hash_bytes(const void *s, size_t n)
{
	const unsigned char *b = s;
	uint64_t h0 = 0x9e3779b97f4a7c15ull ^ n, h1 = 0xbf58476d1ce4e5b9ull, h2 = 0x94d049bb133111ebull,
	         h3 = 0xc2b2ae3d27d4eb4full, w[4];
	for (; n >= 32; b += 32, n -= 32) {
		memcpy(w, b, 32);
		h0 = lane(h0, w[0]);
		h1 = lane(h1, w[1]);
		h2 = lane(h2, w[2]);
		h3 = lane(h3, w[3]);
	}
	if (n > 0) { /* the tail, zero-padded; the length went into h0 */
		memset(w, 0, sizeof w);
		memcpy(w, b, n);
		h0 = lane(h0, w[0]);
		h1 = lane(h1, w[1]);
		h2 = lane(h2, w[2]);
		h3 = lane(h3, w[3]);
	}
	return lane(lane(lane(h0, h1), h2), h3);
}

void hashtab_reserve(hashtab *t, size_t need)
{
	if (need > UINT32_MAX / 2)
		prof_oom();
	size_t nslots = 16;
	while (nslots < need * 2)
		nslots *= 2;
	if (nslots <= t->nslots)
		return;
	if (!t->slots)
		t->seed = new_seed();
	hashtab_slot *slots = xcalloc(nslots, sizeof *slots);
	size_t mask = nslots - 1;
	for (size_t i = 0; i < t->nslots; i++) {
		if (!t->slots[i].entry)
			continue;
		size_t j = t->slots[i].tag & mask;
		while (slots[j].entry)
			j = (j + 1) & mask;
		slots[j] = t->slots[i];
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = nslots;
}

void hashtab_add(hashtab *t, uint64_t h, uint32_t entry)
{
	if ((t->n + 1) * 2 > t->nslots)
		hashtab_reserve(t, t->n + 1);
	uint32_t tag = hashtab_tag(t, h);
	size_t mask = t->nslots - 1, j = tag & mask;
	while (t->slots[j].entry)
		j = (j + 1) & mask;
	t->slots[j] = (hashtab_slot){tag, entry + 1};
	t->n++;
}

void hashtab_clear(hashtab *t)
{
	if (t->slots)
		memset(t->slots, 0, t->nslots * sizeof *t->slots);
	t->n = 0;
}

void hashtab_free(hashtab *t)
{
	free(t->slots);
	*t = (hashtab){0};
}
