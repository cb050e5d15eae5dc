/* hashtab: see hashtab.h. */
#include "util/hashtab.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/arena.h"

static _Atomic uint64_t tables;

/* A table's seed: from the clock, ASLR and a count of tables (any thread may ask). */
uint64_t hashtab_new_seed(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	uint64_t s = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)(uintptr_t)&tables ^
	             atomic_fetch_add_explicit(&tables, 0x9e3779b97f4a7c15ull, memory_order_relaxed);
	s ^= s >> 31;
	s *= 0xbf58476d1ce4e5b9ull;
	return s ^ (s >> 29);
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
		t->seed = hashtab_new_seed();
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
