/* profile: see profile.h. */
#include "model/profile.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/term.h"

prof_profile *prof_profile_new(void)
{
	prof_profile *p = xcalloc(1, sizeof *p);
	arena_init(&p->mem, 256 * 1024);
	prof_intern(p, "", 0); /* id 0 is always "" */
	return p;
}

void prof_profile_free(prof_profile *p)
{
	if (!p)
		return;
	free(p->strs.str);
	free(p->strs.len);
	free(p->strs.shown);
	hashtab_free(&p->strs.index);
	free(p->sample_types);
	free(p->comments);
	free(p->mappings);
	free(p->functions);
	free(p->locations);
	free(p->lines);
	free(p->stack_locs.narrow);
	free(p->stack_locs.wide);
	free(p->stacks);
	free(p->samples);
	prof_values_free(&p->vals);
	free(p->labels);
	arena_free(&p->mem);
	free(p);
}

prof_profile *prof_profile_copy(const prof_profile *src)
{
	prof_profile *p = prof_profile_new();
	/* The table has no duplicates, so interning in order keeps every id. */
	for (size_t i = 1; i < src->strs.n; i++)
		prof_intern(p, src->strs.str[i], src->strs.len[i]);
	prof_strtab strs = p->strs;
	arena mem = p->mem;
	*p = *src;
	p->strs = strs;
	p->mem = mem;
	p->sample_types = xdup_array(src->sample_types, src->nsample_type, sizeof *src->sample_types);
	p->comments = xdup_array(src->comments, src->ncomment, sizeof *src->comments);
	p->mappings = xdup_array(src->mappings, src->nmapping, sizeof *src->mappings);
	p->functions = xdup_array(src->functions, src->nfunction, sizeof *src->functions);
	p->locations = xdup_array(src->locations, src->nlocation, sizeof *src->locations);
	p->lines = xdup_array(src->lines, src->nline, sizeof *src->lines);
	if (src->stack_locs.narrow)
		p->stack_locs.narrow = xdup_array(src->stack_locs.narrow, src->nstack_loc, sizeof *src->stack_locs.narrow);
	if (src->stack_locs.wide)
		p->stack_locs.wide = xdup_array(src->stack_locs.wide, src->nstack_loc, sizeof *src->stack_locs.wide);
	p->stacks = xdup_array(src->stacks, src->nstack, sizeof *src->stacks);
	p->samples = xdup_array(src->samples, src->nsample, sizeof *src->samples);
	p->vals = prof_values_copy(src);
	p->labels = xdup_array(src->labels, src->nlabel, sizeof *src->labels);
	return p;
}

/*
 * Eight bytes a step (a byte a step was a third of reading a 1M-goroutine
 * dump): each word folded in with a multiply; util/hashtab mixes the
 * result again with its seed.
 */
static uint64_t hash_bytes(const void *s, size_t n, uint64_t h)
{
	const unsigned char *b = s, *end = b + n;
	h ^= (uint64_t)n * 0x9e3779b97f4a7c15ull;
	uint64_t w;
	if (n >= 8) {
		for (; end - b > 8; b += 8) {
			memcpy(&w, b, 8);
			h = (h ^ w) * 0xff51afd7ed558ccdull;
			h ^= h >> 32;
		}
		memcpy(&w, end - 8, 8); /* the last 8 bytes, overlapping the words before */
	} else if (n >= 4) {
		uint32_t lo, hi;
		memcpy(&lo, b, 4);
		memcpy(&hi, end - 4, 4);
		w = (uint64_t)hi << 32 | lo;
	} else if (n) {
		w = (uint64_t)b[0] | (uint64_t)b[n / 2] << 8 | (uint64_t)b[n - 1] << 16;
	} else {
		return h;
	}
	h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 29;
	return h;
}

typedef struct str_key {
	const prof_strtab *t;
	const char *s;
	size_t n;
} str_key;

static bool str_eq(const void *ctx, uint32_t id)
{
	const str_key *k = ctx;
	return k->t->len[id] == k->n && memcmp(k->t->str[id], k->s, k->n) == 0;
}

prof_strid prof_intern(prof_profile *p, const char *s, size_t n)
{
	prof_strtab *t = &p->strs;
	if (t->n >= UINT32_MAX - 1)
		prof_oom();
	str_key k = {t, s, n};
	uint32_t id = hashtab_intern(&t->index, hash_bytes(s, n, 14695981039346656037ull), (uint32_t)t->n, str_eq, &k);
	if (id != t->n)
		return id;
	size_t cap = t->cap;
	GROW(t->str, cap, t->n + 1);
	cap = t->cap;
	GROW(t->len, cap, t->n + 1);
	cap = t->cap;
	GROW(t->shown, cap, t->n + 1);
	t->cap = cap;
	char *copy = arena_alloc(&p->mem, n + 1);
	if (n)
		memcpy(copy, s, n);
	copy[n] = '\0';
	t->str[t->n] = copy;
	size_t shown = text_escaped_len(s, n);
	if (shown == n) {
		t->shown[t->n] = copy;
	} else {
		char *esc = arena_alloc(&p->mem, shown + 1);
		text_escape(s, n, esc);
		t->shown[t->n] = esc;
	}
	t->len[t->n] = (uint32_t)n;
	return (prof_strid)t->n++;
}

void prof_locbuf_grow(prof_locbuf *b, size_t n)
{
	GROW(b->ids, b->cap, n);
}

void prof_locbuf_free(prof_locbuf *b)
{
	free(b->ids);
	*b = (prof_locbuf){0};
}

#define HASH_LOCS_STEP(h, x) \
	do { \
		(h) ^= (x); \
		(h) *= 0xff51afd7ed558ccdull; \
		(h) ^= (h) >> 32; \
	} while (0)

static uint64_t hash_locs(const uint32_t *locs, uint32_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
	for (uint32_t i = 0; i < n; i++)
		HASH_LOCS_STEP(h, locs[i]);
	return h;
}

/* hash_locs of a stored stack, in either width. */
static uint64_t hash_stored(const prof_profile *p, const prof_stack *st)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ st->len;
	for (uint32_t i = 0; i < st->len; i++)
		HASH_LOCS_STEP(h, prof_stack_loc(p, st, i));
	return h;
}

typedef struct stack_key {
	const prof_profile *p;
	const uint32_t *locs;
	uint32_t n;
} stack_key;

static bool stack_eq(const void *ctx, uint32_t s)
{
	const stack_key *k = ctx;
	const prof_profile *p = k->p;
	const prof_stack *st = &p->stacks[s];
	if (st->len != k->n)
		return false;
	if (!p->stack_locs.narrow)
		return k->n == 0 || memcmp(p->stack_locs.wide + st->off, k->locs, k->n * sizeof *k->locs) == 0;
	const uint16_t *have = p->stack_locs.narrow + st->off;
	for (uint32_t i = 0; i < k->n; i++)
		if (have[i] != k->locs[i])
			return false;
	return true;
}

/* A new index starts with the stacks the profile already holds (merges add to a loaded one). */
static void stack_index_fill(const prof_profile *p, prof_stack_index *ix)
{
	hashtab_reserve(&ix->tab, p->nstack + 1);
	for (size_t s = ix->tab.n; s < p->nstack; s++)
		hashtab_add(&ix->tab, hash_stored(p, &p->stacks[s]), (uint32_t)s);
}

/* The store in 32 bits from now on (cap indices of room): an index past 16 bits is coming. */
static void widen_store(prof_profile *p, size_t cap)
{
	uint32_t *wide = xmalloc((cap + 1) * sizeof *wide);
	for (size_t i = 0; i < p->nstack_loc; i++)
		wide[i] = p->stack_locs.narrow[i];
	free(p->stack_locs.narrow);
	p->stack_locs = (prof_locstore){.wide = wide};
}

/* Adds locs[0..n) as the next stack, without looking for an equal one. */
static void stack_append(prof_profile *p, prof_stack_index *ix, const uint32_t *locs, uint32_t n)
{
	if (p->nstack >= UINT32_MAX - 1 || p->nstack_loc + n >= UINT32_MAX)
		prof_oom();
	GROW(p->stacks, ix->stacks_cap, p->nstack + 1);
	prof_locstore *ls = &p->stack_locs;
	uint32_t max = 0;
	for (uint32_t i = 0; i < n; i++)
		max |= locs[i];
	if (!ls->narrow && !ls->wide) {
		/* No store yet (nor a stack with a location): it starts narrow when it can. */
		ix->locs_cap = 0;
		if (max <= UINT16_MAX)
			GROW(ls->narrow, ix->locs_cap, (size_t)n + 1);
	} else if (ls->narrow && max > UINT16_MAX) {
		widen_store(p, ix->locs_cap);
	}
	if (ls->narrow) {
		GROW(ls->narrow, ix->locs_cap, p->nstack_loc + n);
		for (uint32_t i = 0; i < n; i++)
			ls->narrow[p->nstack_loc + i] = (uint16_t)locs[i];
	} else {
		GROW(ls->wide, ix->locs_cap, p->nstack_loc + n + 1); /* + 1: an empty list gets room, never NULL */
		if (n)
			memcpy(ls->wide + p->nstack_loc, locs, n * sizeof *locs);
	}
	p->stacks[p->nstack] = (prof_stack){(uint32_t)p->nstack_loc, n};
	p->nstack_loc += n;
	p->nstack++;
}

uint32_t prof_stack_intern(prof_profile *p, prof_stack_index *ix, const uint32_t *locs, uint32_t n)
{
	if (ix->tab.n < p->nstack)
		stack_index_fill(p, ix);
	if (p->nstack >= UINT32_MAX - 1 || p->nstack_loc + n >= UINT32_MAX)
		prof_oom();
	stack_key k = {p, locs, n};
	uint32_t s = hashtab_intern(&ix->tab, hash_locs(locs, n), (uint32_t)p->nstack, stack_eq, &k);
	if (s != p->nstack)
		return s;
	stack_append(p, ix, locs, n);
	return s;
}

void prof_stack_index_free(prof_stack_index *ix)
{
	hashtab_free(&ix->tab);
}

void prof_rewrite_stacks(prof_profile *p, prof_stack_fn fn, void *arg)
{
	uint32_t *remap = xmalloc((p->nstack + 1) * sizeof *remap);
	prof_locstore old_locs = p->stack_locs;
	prof_stack *old_stacks = p->stacks;
	size_t nold = p->nstack, old_nloc = p->nstack_loc, maxlen = 0;
	for (size_t s = 0; s < nold; s++)
		if (old_stacks[s].len > maxlen)
			maxlen = old_stacks[s].len;
	uint32_t *out = xmalloc((maxlen + 1) * sizeof *out);
	p->nstack = p->nstack_loc = 0;
	/*
	 * No transform lengthens a stack: room for all of them up front, no
	 * growing on the way, in the old store's width (stack_append widens it
	 * if a transform brings an index past 16 bits).
	 */
	prof_stack_index ix = {.stacks_cap = nold + 1, .locs_cap = old_nloc + 1};
	p->stacks = xmalloc(ix.stacks_cap * sizeof *p->stacks);
	p->stack_locs = (prof_locstore){0};
	if (old_locs.narrow)
		p->stack_locs.narrow = xmalloc(ix.locs_cap * sizeof *p->stack_locs.narrow);
	else if (old_locs.wide)
		p->stack_locs.wide = xmalloc(ix.locs_cap * sizeof *p->stack_locs.wide);
	if (!p->stacks_may_repeat)
		hashtab_reserve(&ix.tab, nold + 1);
	bool dropped = false;
	prof_locbuf buf = {0};
	for (size_t s = 0; s < nold; s++) {
		const uint32_t *locs = prof_locstore_get(&old_locs, &old_stacks[s], &buf);
		int64_t n = fn(p, locs, old_stacks[s].len, out, arg);
		if (n < 0) {
			remap[s] = PROF_NONE;
			dropped = true;
		} else if (p->stacks_may_repeat) {
			remap[s] = (uint32_t)p->nstack;
			stack_append(p, &ix, out, (uint32_t)n);
		} else {
			remap[s] = prof_stack_intern(p, &ix, out, (uint32_t)n);
		}
		if (n < 0 && p->stacks_may_repeat)
			stack_append(p, &ix, out, 0); /* the id stays; no sample has it */
	}
	prof_locbuf_free(&buf);
	uint8_t *keep = dropped ? xmalloc(p->nsample + 1) : NULL;
	for (size_t i = 0; i < p->nsample; i++) {
		uint32_t st = remap[p->samples[i].stack];
		if (keep)
			keep[i] = st != PROF_NONE;
		p->samples[i].stack = st == PROF_NONE ? 0 : st;
	}
	if (keep)
		prof_keep_samples(p, keep);
	free(keep);
	prof_stack_index_free(&ix);
	free(out);
	free(remap);
	if (!p->stacks_borrowed) {
		free(old_locs.narrow);
		free(old_locs.wide);
		free(old_stacks);
	}
	p->stacks_borrowed = false;
}

void prof_values_widen(prof_profile *p, size_t cap)
{
	size_t n = p->nsample * p->nsample_type;
	int64_t *wide = xmalloc((cap * p->nsample_type + 1) * sizeof *wide);
	for (size_t i = 0; i < n; i++)
		wide[i] = p->vals.narrow[i];
	free(p->vals.narrow);
	p->vals.narrow = NULL;
	p->vals.wide = wide;
}

void prof_values_reserve(prof_profile *p, size_t cap, bool wide)
{
	if (wide && p->vals.narrow) {
		prof_values_widen(p, cap);
		return;
	}
	size_t n = cap * p->nsample_type + 1;
	if (wide || p->vals.wide)
		p->vals.wide = xrealloc(p->vals.wide, n * sizeof *p->vals.wide);
	else
		p->vals.narrow = xrealloc(p->vals.narrow, n * sizeof *p->vals.narrow);
}

prof_valstore prof_values_copy(const prof_profile *p)
{
	size_t n = p->nsample * p->nsample_type;
	prof_valstore vs = {0};
	if (p->vals.narrow)
		vs.narrow = xdup_array(p->vals.narrow, n, sizeof *vs.narrow);
	if (p->vals.wide)
		vs.wide = xdup_array(p->vals.wide, n, sizeof *vs.wide);
	return vs;
}

void prof_values_free(prof_valstore *vs)
{
	free(vs->narrow);
	free(vs->wide);
	*vs = (prof_valstore){0};
}

void prof_drop_samples(prof_profile *p)
{
	free(p->samples);
	prof_values_free(&p->vals);
	free(p->labels);
	p->samples = NULL;
	p->labels = NULL;
	p->nsample = p->nlabel = 0;
}

void prof_keep_samples(prof_profile *p, const uint8_t *keep)
{
	size_t nt = p->nsample_type, w = 0;
	for (size_t i = 0; i < p->nsample; i++) {
		if (!keep[i])
			continue;
		if (w != i) {
			p->samples[w] = p->samples[i];
			if (p->vals.narrow)
				memmove(p->vals.narrow + w * nt, p->vals.narrow + i * nt, nt * sizeof *p->vals.narrow);
			else if (p->vals.wide)
				memmove(p->vals.wide + w * nt, p->vals.wide + i * nt, nt * sizeof *p->vals.wide);
		}
		w++;
	}
	p->nsample = w;
}

void prof_scale_values(prof_profile *p, const double *ratios)
{
	size_t nt = p->nsample_type;
	bool ones = true;
	for (size_t i = 0; i < nt; i++)
		ones = ones && ratios[i] == 1;
	if (ones)
		return;
	uint8_t *keep = xmalloc(p->nsample + 1);
	for (size_t s = 0; s < p->nsample; s++) {
		keep[s] = 0;
		for (size_t i = 0; i < nt; i++) {
			if (ratios[i] == 1)
				continue;
			int64_t v = (int64_t)round((double)prof_value(p, s, i) * ratios[i]);
			prof_value_set(p, s, i, v);
			keep[s] |= v != 0;
		}
	}
	prof_keep_samples(p, keep);
	free(keep);
}

void prof_set_label(prof_profile *p, const char *key, const char *value)
{
	prof_strid k = prof_intern(p, key, strlen(key)), v = prof_intern(p, value, strlen(value));
	/*
	 * Samples may share a run of labels (the decoder stores equal ones
	 * once): each run is rewritten once, and so is the run of the samples
	 * that had no labels, which all get the one label.
	 */
	struct moved {
		uint32_t n, off, len; /* the old run's length; its new place */
	} *moved = xmalloc((p->nlabel + 1) * sizeof *moved);
	for (size_t i = 0; i <= p->nlabel; i++)
		moved[i].n = UINT32_MAX;
	prof_label *labels = NULL;
	size_t n = 0, cap = 0;
	GROW(labels, cap, 1); /* never NULL, as a loaded profile's labels are not */
	uint32_t bare = UINT32_MAX;
	for (size_t s = 0; s < p->nsample; s++) {
		prof_sample *sm = &p->samples[s];
		if (!sm->nlabel && bare != UINT32_MAX) {
			sm->label_off = bare;
			sm->nlabel = 1;
			continue;
		}
		struct moved *m = sm->nlabel ? &moved[sm->label_off] : NULL;
		if (m && m->n == sm->nlabel) {
			sm->label_off = m->off;
			sm->nlabel = m->len;
			continue;
		}
		GROW(labels, cap, n + sm->nlabel + 1);
		uint32_t off = (uint32_t)n;
		for (uint32_t i = 0; i < sm->nlabel; i++) {
			const prof_label *l = &p->labels[sm->label_off + i];
			if (l->key != k)
				labels[n++] = *l;
		}
		labels[n++] = (prof_label){.key = k, .str = v};
		if (m)
			*m = (struct moved){sm->nlabel, off, (uint32_t)n - off};
		else
			bare = off;
		sm->label_off = off;
		sm->nlabel = (uint32_t)n - off;
	}
	free(moved);
	free(p->labels);
	p->labels = labels;
	p->nlabel = n;
}

/* Label order for comparing samples: by key, keeping the order of a key's values. */
static void sort_labels(prof_label *ls, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++) {
		prof_label x = ls[i];
		uint32_t j = i;
		while (j > 0 && ls[j - 1].key > x.key) {
			ls[j] = ls[j - 1];
			j--;
		}
		ls[j] = x;
	}
}

static bool same_labels(const prof_profile *p, const prof_sample *a, const prof_sample *b)
{
	if (a->nlabel != b->nlabel)
		return false;
	const prof_label *la = p->labels + a->label_off, *lb = p->labels + b->label_off;
	for (uint32_t i = 0; i < a->nlabel; i++)
		if (la[i].key != lb[i].key || la[i].str != lb[i].str || la[i].num != lb[i].num ||
		    la[i].num_unit != lb[i].num_unit)
			return false;
	return true;
}

typedef struct sample_key {
	const prof_profile *p;
	const prof_sample *s;
} sample_key;

static bool sample_eq(const void *ctx, uint32_t kept)
{
	const sample_key *k = ctx;
	const prof_sample *t = &k->p->samples[kept];
	return t->stack == k->s->stack && same_labels(k->p, t, k->s);
}

void prof_compact_samples(prof_profile *p)
{
	if (p->compacted)
		return;
	p->compacted = true;
	size_t nt = p->nsample_type;
	hashtab index = {0}; /* over the kept samples, p->samples[0..w) */
	hashtab_reserve(&index, p->nsample);
	size_t w = 0;
	for (size_t i = 0; i < p->nsample; i++) {
		prof_sample s = p->samples[i];
		if (prof_sample_is_zero(p, i))
			continue;
		sort_labels(p->labels + s.label_off, s.nlabel);
		uint64_t h = (uint64_t)s.stack * 0x9e3779b97f4a7c15ull;
		const prof_label *ls = p->labels + s.label_off;
		for (uint32_t k = 0; k < s.nlabel; k++)
			h = (h ^ ((uint64_t)ls[k].key << 32 ^ ls[k].str ^ (uint64_t)ls[k].num ^ ls[k].num_unit)) *
			    0xff51afd7ed558ccdull;
		sample_key key = {p, &s};
		uint32_t kept = hashtab_intern(&index, h, (uint32_t)w, sample_eq, &key);
		if (kept != w) {
			/* Summed in 64 bits as pprof does; a sum past 32 widens the store. */
			for (size_t k = 0; k < nt; k++)
				prof_value_set(p, kept, k, (int64_t)((uint64_t)prof_value(p, kept, k) + (uint64_t)prof_value(p, i, k)));
			continue;
		}
		p->samples[w] = s;
		if (w != i)
			for (size_t k = 0; k < nt; k++)
				prof_value_set(p, w, k, prof_value(p, i, k));
		w++;
	}
	p->nsample = w;
	hashtab_free(&index);
	/* Merged samples that sum to zero go too, as pprof merges again then. */
	uint8_t *keep = xmalloc(w + 1);
	bool dropped = false;
	for (size_t i = 0; i < w; i++) {
		keep[i] = !prof_sample_is_zero(p, i);
		dropped = dropped || !keep[i];
	}
	if (dropped)
		prof_keep_samples(p, keep);
	free(keep);
}

/*
 * pprof's rules: "" means default_sample_type if it names a type, else the
 * last type; a number is an index; otherwise a type name, where an "inuse_"
 * prefix may be dropped (legacy -inuse_space on profiles typed "space").
 */
int prof_sample_index(const prof_profile *p, const char *name, prof_err *err)
{
	size_t n = p->nsample_type;
	if (n == 0) {
		prof_errf(err, "profile has no samples");
		return -1;
	}
	if (!name || !*name) {
		if (p->default_sample_type)
			for (size_t i = 0; i < n; i++)
				if (p->sample_types[i].type == p->default_sample_type)
					return (int)i;
		return (int)n - 1;
	}
	char *end;
	errno = 0;
	long v = strtol(name, &end, 10);
	if (*end == '\0' && end != name && errno == 0) {
		if (v < 0 || (size_t)v >= n) {
			prof_errf(err, "sample_index %s is outside the range [0..%zu]", name, n - 1);
			return -1;
		}
		return (int)v;
	}
	const char *noinuse = strncmp(name, "inuse_", 6) == 0 ? name + 6 : name;
	for (size_t i = 0; i < n; i++) {
		const char *t = prof_str(p, p->sample_types[i].type);
		if (strcmp(t, name) == 0 || strcmp(t, noinuse) == 0)
			return (int)i;
	}
	char types[400] = "";
	size_t used = 0;
	for (size_t i = 0; i < n && used < sizeof types - 1; i++)
		used += (size_t)snprintf(types + used, sizeof types - used, "%s%s", i ? " " : "",
		                         prof_str(p, p->sample_types[i].type));
	prof_errf(err, "sample_index \"%s\" must be one of: [%s]", name, types);
	return -1;
}
