/*
 * profile: the one in-memory model of a pprof profile.
 *
 * Owns: everything reachable from a prof_profile. Strings, mappings,
 * functions, locations, lines, stacks, samples, labels and values all live in
 * the profile's arena and die together in prof_profile_free(). Pointers into a
 * profile are borrowed and valid until then.
 *
 * Shape. Cross references are indices into this profile's arrays, not the
 * file's ids (the ids are kept for reports that print them). Strings are
 * interned: two equal strings have the same prof_strid, and id 0 is "".
 * A location's lines are innermost first, as pprof stores them. A sample's
 * stack is a prof_stack id; identical location sequences share one stack, so
 * aggregation can walk each distinct stack once. Values are a dense
 * nsample x ntype matrix, 32 or 64 bits wide (prof_valstore).
 *
 * The model has no notion of which value is shown, of filters or of
 * terminals: those are options of the aggregation and reports built on it.
 */
#ifndef PROF_PROFILE_H
#define PROF_PROFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "util/arena.h"
#include "util/hashtab.h"

typedef uint32_t prof_strid;

#define PROF_NONE UINT32_MAX /* "no index" for optional references */

typedef struct prof_valuetype {
	prof_strid type, unit;
} prof_valuetype;

typedef struct prof_mapping {
	uint64_t id, start, limit, offset;
	prof_strid file, build_id;
	bool has_functions, has_filenames, has_line_numbers, has_inline_frames;
} prof_mapping;

typedef struct prof_function {
	uint64_t id;
	prof_strid name, system_name, filename;
	int64_t start_line;
} prof_function;

typedef struct prof_line {
	uint32_t function; /* index into functions */
	int64_t line, column;
} prof_line;

typedef struct prof_location {
	uint64_t id, address;
	uint32_t mapping;  /* index into mappings, or PROF_NONE */
	uint32_t line_off; /* first line in lines[] */
	uint32_t nline;
	bool is_folded;
} prof_location;

typedef struct prof_label {
	prof_strid key, str; /* str != 0: a string label */
	prof_strid num_unit;
	/*
	 * Numeric even when num and num_unit are 0: text and legacy profiles
	 * have such labels (a heap block of 0 bytes); in protobuf one would read
	 * as a bare key, which pprof drops.
	 */
	bool num_set;
	int64_t num;
} prof_label;

typedef struct prof_sample {
	uint32_t stack;
	uint32_t label_off, nlabel;
} prof_sample;

typedef struct prof_stack {
	uint32_t off, len; /* location indices at off..off+len of stack_locs, leaf first */
} prof_stack;

/*
 * The location indices of every stack, one stack after another: 16 bits
 * each while every index stored fits (a profile of at most 65536 locations),
 * else 32. On a profile where each sample has its own stack they are most
 * of the model (21M of them for 1M samples), which is why they are not
 * simply 32-bit. At most one of the two is set; neither while no stack has
 * a location. Read through prof_stack_locs and prof_stack_loc.
 */
typedef struct prof_locstore {
	uint16_t *narrow;
	uint32_t *wide;
} prof_locstore;

/*
 * The value matrix: 32 bits each while every value fits (counts, bytes and
 * nanoseconds of one sample nearly always do), else 64. On 1M samples of 4
 * types that is 16 MB instead of 32, in a model about the size of the file. At
 * most one of the two is set; neither while there are no values. Read
 * through prof_value, written through prof_value_set, which widens the
 * store when a value does not fit; sums of values are always 64-bit.
 */
typedef struct prof_valstore {
	int32_t *narrow;
	int64_t *wide;
} prof_valstore;

/* String interning table. */
typedef struct prof_strtab {
	const char **str; /* the bytes as the profile has them, NUL-terminated copies in the arena */
	uint32_t *len;
	/*
	 * Each string as reports show it (util/term's name policy): the same
	 * pointer as str when nothing needs escaping, else an escaped copy.
	 * Never holds a NUL or a control byte, so C-string code is safe on it.
	 */
	const char **shown;
	size_t n, cap;
	hashtab index;   /* over str[0..n) */
} prof_strtab;

typedef struct prof_profile {
	arena mem;
	prof_strtab strs;

	prof_valuetype *sample_types;
	size_t nsample_type;
	prof_strid default_sample_type;
	prof_valuetype period_type;
	int64_t period, time_nanos, duration_nanos;
	prof_strid *comments;
	size_t ncomment;
	prof_strid drop_frames, keep_frames;
	prof_strid doc_url; /* 0: none */

	prof_mapping *mappings;
	size_t nmapping;
	prof_function *functions;
	size_t nfunction;
	prof_location *locations;
	size_t nlocation;
	prof_line *lines;
	size_t nline;

	prof_locstore stack_locs;
	size_t nstack_loc;
	prof_stack *stacks;
	size_t nstack;

	prof_sample *samples;
	size_t nsample;
	prof_valstore vals; /* nsample * nsample_type */
	prof_label *labels;
	size_t nlabel;
	/*
	 * prof_compact_samples ran: the profile is what pprof's merge makes of
	 * several inputs (or one and a base), samples summed and renumbered.
	 * A single input is never merged, and keeps its samples and ids.
	 */
	bool compacted;
	/*
	 * stacks and stack_locs belong to another profile (the engine's working
	 * view borrows the loaded profile's): prof_rewrite_stacks replaces them
	 * without freeing, and the owner frees them.
	 */
	bool stacks_borrowed;
	/*
	 * Transforms may leave equal stacks under different ids: a stack keeps
	 * its id when rewritten, and one dropped keeps it with no samples. The
	 * engine's view sets it: its reports sum weights per stack, which
	 * repeats do not change, and merging them costs a hash of every stack.
	 */
	bool stacks_may_repeat;
} prof_profile;

prof_profile *prof_profile_new(void);
void prof_profile_free(prof_profile *p);

/* A deep copy: transforms change a profile in place, so the shell filters a copy. */
prof_profile *prof_profile_copy(const prof_profile *src);

/* Interns s (n bytes, may hold NULs) and returns its id. */
prof_strid prof_intern(prof_profile *p, const char *s, size_t n);
/*
 * A string as every text report shows it: escaped for display (controls,
 * NUL, invalid UTF-8, bidi controls; see util/term.h), a plain C string.
 */
static inline const char *prof_str(const prof_profile *p, prof_strid id)
{
	return p->strs.shown[id];
}
/* The bytes as the profile has them (prof_strlen of them, NULs possible): for -proto and merging. */
static inline const char *prof_bytes(const prof_profile *p, prof_strid id)
{
	return p->strs.str[id];
}
static inline size_t prof_strlen(const prof_profile *p, prof_strid id)
{
	return p->strs.len[id];
}

/* Index i of the stack store (stack st's location k is at st->off + k). */
static inline uint32_t prof_loc_at(const prof_profile *p, size_t i)
{
	return p->stack_locs.narrow ? p->stack_locs.narrow[i] : p->stack_locs.wide[i];
}

/* Location k of stack st (leaf first). */
static inline uint32_t prof_stack_loc(const prof_profile *p, const prof_stack *st, uint32_t k)
{
	return prof_loc_at(p, (size_t)st->off + k);
}

/* Room for one stack's locations as 32-bit indices; zeroed is empty, prof_locbuf_free releases it. */
typedef struct prof_locbuf {
	uint32_t *ids;
	size_t cap;
} prof_locbuf;

void prof_locbuf_grow(prof_locbuf *b, size_t n);
void prof_locbuf_free(prof_locbuf *b);

/*
 * Stack st's locations in store ls, leaf first, as 32-bit indices: a
 * pointer into the store when it is 32-bit, else widened into b (grown when
 * st is longer than any before). Valid until the next call with b or a
 * change of the stacks. Never NULL, even for an empty stack (memcpy and
 * memcmp of zero bytes take it).
 */
static inline const uint32_t *prof_locstore_get(const prof_locstore *ls, const prof_stack *st, prof_locbuf *b)
{
	static const uint32_t none[1];
	if (!st->len)
		return none;
	if (!ls->narrow)
		return ls->wide + st->off;
	if (st->len > b->cap)
		prof_locbuf_grow(b, st->len);
	const uint16_t *in = ls->narrow + st->off;
	uint32_t *out = b->ids;
	uint32_t k = 0;
#if defined(__GNUC__) || defined(__clang__)
	/* Eight a step in vector registers: the walks over 21M frames pay for this loop, which -O2 leaves scalar. */
	typedef uint16_t u16x8 __attribute__((vector_size(16)));
	typedef uint32_t u32x8 __attribute__((vector_size(32)));
	for (; k + 8 <= st->len; k += 8) {
		u16x8 v;
		memcpy(&v, in + k, sizeof v);
		u32x8 w = __builtin_convertvector(v, u32x8);
		memcpy(out + k, &w, sizeof w);
	}
#endif
	for (; k < st->len; k++)
		out[k] = in[k];
	return out;
}

/* prof_locstore_get of the profile's own stacks: how every walk over stacks reads them. */
static inline const uint32_t *prof_stack_locs(const prof_profile *p, const prof_stack *st, prof_locbuf *b)
{
	return prof_locstore_get(&p->stack_locs, st, b);
}

/* Value k (a sample type index) of sample i. */
static inline int64_t prof_value(const prof_profile *p, size_t i, size_t k)
{
	size_t at = i * p->nsample_type + k;
	return p->vals.narrow ? p->vals.narrow[at] : p->vals.wide[at];
}

/* v fits the 32-bit store. */
static inline bool prof_value_fits(int64_t v)
{
	return v >= INT32_MIN && v <= INT32_MAX;
}

/* The store in 64 bits from now on, with room for cap samples (at least nsample): a value past 32 bits came. */
void prof_values_widen(prof_profile *p, size_t cap);

/* Sets value k of sample i (i < nsample), widening the store when v does not fit 32 bits. */
static inline void prof_value_set(prof_profile *p, size_t i, size_t k, int64_t v)
{
	size_t at = i * p->nsample_type + k;
	if (p->vals.narrow && prof_value_fits(v)) {
		p->vals.narrow[at] = (int32_t)v;
		return;
	}
	if (p->vals.narrow)
		prof_values_widen(p, p->nsample);
	p->vals.wide[at] = v;
}

/* Room for the values of cap samples in the store's width, 64-bit when wide (a store still empty is narrow otherwise). */
void prof_values_reserve(prof_profile *p, size_t cap, bool wide);
/* A copy of p's value store (its nsample samples); freed with prof_values_free. */
prof_valstore prof_values_copy(const prof_profile *p);
void prof_values_free(prof_valstore *vs);

/* Every value of sample i is zero: pprof's merge drops such samples. */
static inline bool prof_sample_is_zero(const prof_profile *p, size_t i)
{
	for (size_t k = 0; k < p->nsample_type; k++)
		if (prof_value(p, i, k))
			return false;
	return true;
}

/*
 * Stack interning, for loaders: returns the id of the stack holding exactly
 * locs[0..n) (location indices, leaf first), adding it when new.
 */
typedef struct prof_stack_index {
	hashtab tab; /* over p->stacks; filled with the profile's stacks on first use */
	size_t stacks_cap, locs_cap; /* capacities of p->stacks and p->stack_locs (in indices) */
} prof_stack_index;

uint32_t prof_stack_intern(prof_profile *p, prof_stack_index *ix, const uint32_t *locs, uint32_t n);
void prof_stack_index_free(prof_stack_index *ix);

/*
 * Transforms (filters, pruning) rewrite stacks through these. fn writes the
 * new form of stack locs[0..n) into out (room for n) and returns its length,
 * or -1 to drop the samples on that stack. It runs once per distinct stack.
 */
typedef int64_t (*prof_stack_fn)(const prof_profile *p, const uint32_t *locs, uint32_t n, uint32_t *out,
                                 void *arg);
void prof_rewrite_stacks(prof_profile *p, prof_stack_fn fn, void *arg);
/*
 * Frees the samples, values and labels, leaving a profile of stacks: for a
 * caller that has read all it needs of them (a report's weights summed, a
 * snapshot grouped); on 1M samples with their own stacks, about 60 MB.
 */
void prof_drop_samples(prof_profile *p);
/* Keeps the samples whose keep[i] is nonzero, in order (and their values, when the profile has them). */
void prof_keep_samples(prof_profile *p, const uint8_t *keep);

/*
 * pprof's merge of several profiles, on their concatenation: samples whose
 * values are all zero go, and samples with the same stack and labels become
 * one (values summed), in order of first appearance. pprof skips it when it
 * loads a single profile (without a base), and so must the caller.
 */
void prof_compact_samples(prof_profile *p);

/*
 * pprof's ScaleN: value i of every sample times ratios[i], rounded; samples
 * whose scaled values are all zero go. Ratios of 1 leave values alone.
 */
void prof_scale_values(prof_profile *p, const double *ratios);
/* Sets label key to the string value on every sample (replacing that key's values). */
void prof_set_label(prof_profile *p, const char *key, const char *value);

/* Which sample type index to show, as pprof picks it; -1 and *err set when none. */
struct prof_err;
int prof_sample_index(const prof_profile *p, const char *name, struct prof_err *err);

#endif
