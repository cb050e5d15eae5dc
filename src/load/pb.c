/*
 * pb: decodes pprof's protobuf (perftools.profiles.Profile) into the model.
 *
 * Owns: the wire-level walk of the Profile message and the validation of
 * every cross reference.
 *
 * Streaming. The uncompressed bytes arrive through a window (pb_source), so
 * a large profile is never held inflated in memory. Go writes samples first
 * and the string table near the end, so nothing can be resolved on the way:
 *   - samples (the bulk) are decoded on the spot by hand, their stacks
 *     interned by raw location id and their label string indices kept raw;
 *   - strings are interned as they come;
 *   - locations and functions of the plain shape (every runtime writes)
 *     are decoded by hand as they come, into the model's arrays with their
 *     ids and string indices still raw;
 *   - every other top-level field (sample types, mappings, scalars, and
 *     locations or functions of any other shape: small) is copied aside with
 *     its file offset and unpacked by protobuf-c once the stream ends.
 * Then ids are resolved and everything is checked, in file order, with
 * messages naming the byte offset in the uncompressed data or the 1-based
 * number of the record.
 *
 * Samples, locations and functions are hand-decoded because they are
 * nearly all of a profile (a wide one has a million locations) and
 * protobuf-c's generic unpacking (allocation of each repeated field, after a
 * copy aside) was the largest cost in the benchmark; the rare messages keep
 * protobuf-c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/load.h"
#include "load/pb_source.h"
#include "profile.pb-c.h"
#include "util/limits.h"
#include "util/prefault.h"

/* WT_FAST: not on the wire; a saved record's count of hand-decoded functions (each_saved). */
enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_I32 = 5, WT_FAST = 8 };

/* Top-level Profile field numbers. */
enum {
	F_SAMPLE_TYPE = 1, F_SAMPLE, F_MAPPING, F_LOCATION, F_FUNCTION, F_STRING_TABLE,
	F_DROP_FRAMES, F_KEEP_FRAMES, F_TIME_NANOS, F_DURATION_NANOS, F_PERIOD_TYPE,
	F_PERIOD, F_COMMENT, F_DEFAULT_SAMPLE_TYPE, F_DOC_URL,
	F_LAST_KNOWN = F_DOC_URL,
};

static const char *const top_names[] = {
	"", "sample_type", "sample", "mapping", "location", "function", "string_table", "drop_frames",
	"keep_frames", "time_nanos", "duration_nanos", "period_type", "period", "comment",
	"default_sample_type", "doc_url",
};

static const char *const wire_names[] = {"varint", "64-bit", "length-delimited", "group start",
                                         "group end", "32-bit", "6", "7"};

typedef struct field {
	uint32_t num, wt;
	size_t at;        /* absolute offset of the field's tag */
	uint64_t v;       /* varint/fixed value */
	const uint8_t *d; /* WT_LEN payload */
	size_t n;
	size_t d_at;      /* absolute offset of the payload */
} field;

/* Maps a file's 64-bit ids to model indices. */
typedef struct idmap {
	uint64_t *keys;
	uint32_t *vals; /* index + 1, 0 empty */
	size_t nslots;
	/*
	 * Until sparse, the ids put are 1..ndense in order, id k at index k - 1
	 * (as Go writes them): no table at all, until an id breaks the run.
	 */
	size_t ndense;
	bool sparse;
} idmap;

/*
 * Stacks as the file spells them, interned while streaming. Location ids are
 * stored as 32-bit keys: id - 1 for ids 1..2^31 (Go numbers locations 1..n,
 * so that the key is then the location's index already), else (0 or past
 * 2^31) 2^31 + the order in which that id was first seen.
 */
#define BIG_KEY 0x80000000u

/*
 * A hash slot holds the stack and its full hash: a probe reads the stack's
 * extent only when the hashes agree. Eight bytes a slot: on a profile where
 * every sample has its own stack, the slots are a large part of the memory.
 */
typedef struct raw_slot {
	uint32_t stack; /* stack + 1, 0 empty */
	uint32_t hash;
} raw_slot;

/*
 * The stored ids are 16-bit while every key so far fits (as in the model,
 * see prof_locstore: on a profile where samples have their own stacks they
 * are most of the memory), else 32-bit: narrow or wide, as in the model.
 * A sample's keys are decoded into tail first, then interned from there.
 */
/*
 * Samples whose stacks wait to be interned, oldest first. On a big profile
 * interning is three cache misses in a row (the hash slot, the stack's
 * record, its stored ids), most of the decode's time: a sample is interned
 * PENDING samples after it is read, and the lines it will need are
 * fetched while the samples between are decoded, a stage at a time.
 */
enum { PENDING = 16 };
typedef struct pending {
	uint32_t *ids; /* its own buffer: the sample's location keys */
	size_t cap, n;
	uint32_t hash;
	uint32_t max;  /* its largest key */
	size_t sample; /* index in p->samples, whose stack it sets */
} pending;

typedef struct raw_stacks {
	uint16_t *narrow;
	uint32_t *wide;
	size_t nids, idcap;
	uint32_t *tail;
	size_t tailcap;
	uint32_t tail_max; /* the tail's largest key (past 16 bits: it cannot be narrow) */
	prof_stack *st;     /* off/len into ids */
	size_t n, cap;
	raw_slot *slots;
	size_t nslots;
	raw_slot *next;   /* the table after slots, twice as big, while its pages are made ready (raw_must_grow) */
	uint64_t ticket;  /* prefault_done's, for next's pages */
	unsigned polls;   /* raw_must_grow's calls while it waits for them: it asks the helper every 1024th */
	pending queue[PENDING]; /* a ring: the oldest at head */
	size_t head, npending;
	uint64_t seed; /* the stack hash's (hash_step) */
	uint64_t hstate; /* the hash of the tail's keys so far (hash_step) */
	prefault *pf; /* while streaming: makes the pages of the big arrays ready (PGROW) */
	size_t idmark; /* prefault_ahead's mark in the stored ids */
	uint32_t maxkey; /* the largest key stored */
	/* Of the last stacks interned, how many were found stored: raw_push fetches a found one's lines ahead. */
	unsigned window_n, window_found;
	bool fetch_found;
} raw_stacks;

/*
 * GROW for an array whose pages the prefault helper may be working on:
 * it must be done before realloc moves the array.
 */
#define PGROW(pf, arr, cap, need) \
	do { \
		if ((size_t)(need) > (cap)) { \
			prefault_drop(pf, (arr), (cap) * sizeof *(arr)); \
			grow_array((void **)&(arr), &(cap), (need), sizeof *(arr)); \
		} \
	} while (0)

/*
 * Samples with equal labels share one run of them (a heap profile's
 * "bytes" label takes a few values over a million samples): a sample's
 * labels are looked up once decoded, and dropped when an equal run is
 * stored. While runs keep coming out new (half of the labelled samples or
 * more), the table costs more than it saves and goes.
 */
typedef struct label_runs {
	hashtab index; /* over runs */
	struct label_run {
		uint32_t off, n;
	} *runs;
	size_t nrun, cap;
	size_t nlabelled; /* samples with labels so far */
	bool off;         /* given up */
} label_runs;

typedef struct decoder {
	prof_profile *p;
	prof_err *err;
	prof_strid *strs; /* file string index -> interned id */
	size_t nstr, strcap;
	/*
	 * Records: u64 offset, u64 length, field bytes; or, where length is 0,
	 * a u64 count of hand-decoded functions that come here in file order.
	 */
	uint8_t *saved;
	size_t nsaved, savedcap;
	size_t fast_mark;   /* 1 + where the last count record is, 0 for none */
	size_t nfast_loc;   /* hand-decoded locations, at the start of p->locations */
	size_t nfast_func;  /* hand-decoded functions, at the start of p->functions */
	bool loc_slow, func_slow; /* one was saved: every later one is too, keeping file order */
	raw_stacks rs;
	size_t labelcap;
	/* The first label string index that cannot be valid (negative or huge). */
	int64_t bad_label_index;
	const char *bad_label_field;
	size_t bad_label_sample; /* 1-based */
	label_runs lr;
	idmap bigids;         /* large location id -> ordinal */
	uint64_t *bigid_list; /* ordinal -> id */
	size_t nbigid, bigidcap;
	size_t samplecap, pvaluecap;
	size_t nvalues;   /* values stored so far */
	size_t first_nvalue; /* value count of sample 1 */
	size_t bad_sample, bad_nvalue; /* first sample whose count differs from sample 1's */
	arena scratch;
	ProtobufCAllocator alloc;
	bool top; /* scanning the top level (names fields in errors) */
	idmap mappings, functions, locations;
	size_t mapcap, funccap, loccap, linecap, typecap, commentcap;
	/* prefault_ahead's marks: values, samples, stacks, locations, lines, labels */
	size_t pmark[6];
	uint64_t budget;  /* prof_model_budget of the file's size */
	uint64_t insize;  /* the file's size (compressed, if gzip'd) */
	bool over_budget; /* the error is the limit's, not the data's */
} decoder;

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

static bool table_put(idmap *m, uint64_t key, uint32_t idx, size_t count);

/* Adds key -> idx (count entries so far); returns false when the key is already present. */
static bool idmap_put(idmap *m, uint64_t key, uint32_t idx, size_t count)
{
	if (!m->sparse) {
		if (idx == count && count == m->ndense && key == (uint64_t)count + 1) {
			m->ndense++;
			return true;
		}
		m->sparse = true;
		for (size_t i = 0; i < m->ndense; i++)
			table_put(m, i + 1, (uint32_t)i, i);
	}
	return table_put(m, key, idx, count);
}

static bool table_put(idmap *m, uint64_t key, uint32_t idx, size_t count)
{
	if ((count + 1) * 2 > m->nslots) {
		size_t nslots = m->nslots ? m->nslots * 2 : 256;
		uint64_t *keys = xcalloc(nslots, sizeof *keys);
		uint32_t *vals = xcalloc(nslots, sizeof *vals);
		for (size_t i = 0; i < m->nslots; i++) {
			if (!m->vals[i])
				continue;
			size_t j = mix64(m->keys[i]) & (nslots - 1);
			while (vals[j])
				j = (j + 1) & (nslots - 1);
			keys[j] = m->keys[i];
			vals[j] = m->vals[i];
		}
		free(m->keys);
		free(m->vals);
		m->keys = keys;
		m->vals = vals;
		m->nslots = nslots;
	}
	size_t j = mix64(key) & (m->nslots - 1);
	while (m->vals[j]) {
		if (m->keys[j] == key)
			return false;
		j = (j + 1) & (m->nslots - 1);
	}
	m->keys[j] = key;
	m->vals[j] = idx + 1;
	return true;
}

static uint32_t idmap_get(const idmap *m, uint64_t key)
{
	if (!m->sparse)
		return key >= 1 && key <= m->ndense ? (uint32_t)(key - 1) : PROF_NONE;
	if (!m->nslots)
		return PROF_NONE;
	size_t j = mix64(key) & (m->nslots - 1);
	while (m->vals[j]) {
		if (m->keys[j] == key)
			return m->vals[j] - 1;
		j = (j + 1) & (m->nslots - 1);
	}
	return PROF_NONE;
}

static void idmap_free(idmap *m)
{
	free(m->keys);
	free(m->vals);
}

/*
 * Reads a varint at d[*pos] (d[0] is at absolute offset base). Returns 1,
 * 0 when the data ends inside it (more may come), -1 on a bad varint.
 */
static int get_varint(decoder *dc, const uint8_t *d, size_t n, size_t base, size_t *pos, uint64_t *out)
{
	uint64_t v = 0;
	size_t start = *pos;
	for (unsigned i = 0;; i++) {
		if (i == 10) {
			prof_errf(dc->err, "byte %zu: varint longer than 10 bytes", base + start);
			return -1;
		}
		if (start + i >= n)
			return 0;
		uint8_t b = d[start + i];
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*pos = start + i + 1;
			*out = v;
			return 1;
		}
	}
}

/*
 * Reads the next field of d[0..n) (absolute offset base). Returns 1 with *f
 * filled, 0 when the field is not complete in d (with *need, when known, the
 * bytes the whole field takes from *pos), -1 on an error.
 */
static int scan_field(decoder *dc, const uint8_t *d, size_t n, size_t base, size_t *pos, field *f,
                      size_t *need)
{
	size_t p = *pos;
	uint64_t tag;
	*need = 0;
	int r = get_varint(dc, d, n, base, &p, &tag);
	if (r <= 0)
		return r;
	f->at = base + *pos;
	f->num = (uint32_t)(tag >> 3);
	f->wt = (uint32_t)(tag & 7);
	if (tag >> 3 == 0 || tag >> 3 > 0x1fffffff) {
		prof_errf(dc->err, "byte %zu: invalid field number %" PRIu64, f->at, tag >> 3);
		return -1;
	}
	switch (f->wt) {
	case WT_VARINT:
		r = get_varint(dc, d, n, base, &p, &f->v);
		break;
	case WT_I64:
	case WT_I32: {
		size_t w = f->wt == WT_I64 ? 8 : 4;
		if (n - p < w) {
			*need = p - *pos + w;
			return 0;
		}
		f->v = 0;
		for (size_t i = 0; i < w; i++)
			f->v |= (uint64_t)d[p + i] << (8 * i);
		p += w;
		r = 1;
		break;
	}
	case WT_LEN: {
		uint64_t l;
		r = get_varint(dc, d, n, base, &p, &l);
		if (r <= 0)
			return r;
		if (l > SIZE_MAX / 2) {
			prof_errf(dc->err, "byte %zu: field %u: length %" PRIu64 " is impossibly large", f->at, f->num, l);
			return -1;
		}
		if (l > n - p) {
			*need = p - *pos + (size_t)l;
			f->n = (size_t)l;
			return 0;
		}
		f->d = d + p;
		f->n = (size_t)l;
		f->d_at = base + p;
		p += (size_t)l;
		break;
	}
	default: {
		bool named = dc->top && f->num <= F_LAST_KNOWN;
		prof_errf(dc->err, "byte %zu: field %u%s%s%s: invalid wire type %u", f->at, f->num,
		          named ? " (" : "", named ? top_names[f->num] : "", named ? ")" : "", f->wt);
		return -1;
	}
	}
	if (r > 0)
		*pos = p;
	return r;
}

/*
 * The fields nearly every one of a big profile is: a one-byte tag of wire
 * type wt, then a varint of one or two bytes, all inside d (a Sample at
 * the top, its packed ids and values inside, a label's fields). Reads the
 * tag and that varint as scan_field would (value *v, ending at *end), or
 * false for scan_field to read it (it was a tenth of the decoding thread
 * on a million samples).
 */
static inline bool quick_head(const uint8_t *d, size_t n, size_t p, unsigned wt, uint64_t *v, size_t *end)
{
	if (n - p < 2 || d[p] >= 0x80 || (d[p] & 7) != wt || d[p] < 8)
		return false;
	*v = d[p + 1];
	*end = p + 2;
	if (*v & 0x80) {
		if (n - p < 3 || d[p + 2] & 0x80)
			return false;
		*v = (*v & 0x7f) | (uint64_t)d[p + 2] << 7;
		*end = p + 3;
	}
	return true;
}

/* A length-delimited field of quick_head's shape, its data inside d too. */
static inline bool quick_len(const uint8_t *d, size_t n, size_t base, size_t *pos, field *f)
{
	size_t p = *pos, q;
	uint64_t len;
	if (!quick_head(d, n, p, WT_LEN, &len, &q) || len > n - q)
		return false;
	*f = (field){.num = d[p] >> 3, .wt = WT_LEN, .at = base + p, .d = d + q, .n = (size_t)len, .d_at = base + q};
	*pos = q + (size_t)len;
	return true;
}

/* A varint field of quick_head's shape. */
static inline bool quick_varint(const uint8_t *d, size_t n, size_t base, size_t *pos, field *f)
{
	size_t p = *pos, q;
	uint64_t v;
	if (!quick_head(d, n, p, WT_VARINT, &v, &q))
		return false;
	*f = (field){.num = d[p] >> 3, .wt = WT_VARINT, .at = base + p, .v = v};
	*pos = q;
	return true;
}

/* scan_field over a complete message: running out of data is an error here. */
static bool next_field(decoder *dc, const uint8_t *d, size_t n, size_t base, size_t *pos, field *f)
{
	size_t need;
	size_t start = *pos;
	int r = scan_field(dc, d, n, base, pos, f, &need);
	if (r > 0)
		return true;
	if (r == 0) {
		if (need && f->wt == WT_LEN)
			return prof_errf(dc->err,
			                 "byte %zu: field %u: length %zu runs past the end of the data (%zu byte%s left)",
			                 base + start, f->num, f->n, n - (start + need - f->n),
			                 n - (start + need - f->n) == 1 ? "" : "s");
		if (need)
			return prof_errf(dc->err, "byte %zu: field %u: fixed-size value runs past the end of the data",
			                 base + start, f->num);
		/* The cut varint is the tag, or the value right after a whole tag. */
		size_t at = start;
		uint64_t tag;
		if (get_varint(dc, d, n, base, &at, &tag) <= 0)
			at = start;
		return prof_errf(dc->err, "byte %zu: truncated varint (data ends inside it)", base + at);
	}
	return false;
}

/* Wire type each known top-level field must have (comment may also be packed). */
static bool check_top_wire(decoder *dc, const field *f)
{
	int want;
	switch (f->num) {
	case F_SAMPLE_TYPE: case F_SAMPLE: case F_MAPPING: case F_LOCATION: case F_FUNCTION:
	case F_STRING_TABLE: case F_PERIOD_TYPE:
		want = WT_LEN;
		break;
	case F_COMMENT:
		if (f->wt == WT_LEN)
			return true;
		want = WT_VARINT;
		break;
	case F_DROP_FRAMES: case F_KEEP_FRAMES: case F_TIME_NANOS: case F_DURATION_NANOS:
	case F_PERIOD: case F_DEFAULT_SAMPLE_TYPE: case F_DOC_URL:
		want = WT_VARINT;
		break;
	default:
		return true; /* unknown fields are skipped, as protobuf requires */
	}
	if ((int)f->wt != want)
		return prof_errf(dc->err, "byte %zu: field %u (%s) is %s, expected %s", f->at, f->num,
		                 top_names[f->num], wire_names[f->wt], wire_names[want]);
	return true;
}

/*
 * Finds why protobuf-c refused a sub-message: re-walks its framing so the
 * message names the byte (varint too long, length past the end...).
 */
static bool sub_failed(decoder *dc, const field *f, const char *what)
{
	size_t pos = 0;
	field sf;
	while (pos < f->n && !dc->err->set)
		next_field(dc, f->d, f->n, f->d_at, &pos, &sf);
	return prof_errf(dc->err, "byte %zu: %s is malformed (a field has the wrong type)", f->d_at, what);
}

static bool get_str(decoder *dc, int64_t idx, prof_strid *out, const char *what, const char *field_name)
{
	if (idx < 0 || (uint64_t)idx >= dc->nstr)
		return prof_errf(dc->err, "%s: %s is string %" PRId64 ", but the string table has %zu strings",
		                 what, field_name, idx, dc->nstr);
	*out = dc->strs[idx];
	return true;
}

static void *pb_alloc(void *data, size_t size)
{
	return arena_alloc(data, size);
}

static void pb_free(void *data, void *ptr)
{
	(void)data;
	(void)ptr; /* the scratch arena is reset after each message */
}

/* ---- samples, decoded while streaming ---- */

/*
 * A stack's hash, seeded per load so that a hostile profile cannot aim its
 * stacks at one probe sequence: a step a key as each is decoded, then
 * mixed with the count. The steps' multiplies wait on each other, but
 * behind the decoding of the next key; hashing the stored keys after
 * (in two lanes) took a twelfth of decoding a million samples.
 */
static inline uint64_t hash_step(uint64_t h, uint32_t key)
{
	return (h ^ key) * 0x9e3779b97f4a7c15ull;
}

static inline uint32_t hash_end(uint64_t h, size_t n)
{
	h ^= n;
	h ^= h >> 31;
	h *= 0xbf58476d1ce4e5b9ull;
	h ^= h >> 29;
	return (uint32_t)(h ^ (h >> 32));
}

#if defined(__GNUC__) || defined(__clang__)
#define HAVE_NARROW8 1
/* Eight keys below 2^16 to 16 bits in vector registers (as prof_locstore_get widens them). */
static inline void narrow8(const uint32_t *ids, uint16_t *out)
{
	typedef uint32_t u32x8 __attribute__((vector_size(32)));
	typedef uint16_t u16x8 __attribute__((vector_size(16)));
	u32x8 v;
	memcpy(&v, ids, sizeof v);
	u16x8 w = __builtin_convertvector(v, u16x8);
	memcpy(out, &w, sizeof w);
}
#endif

/* Whether stored stack st holds the n keys of ids. */
static bool raw_same(const raw_stacks *rs, const prof_stack *st, const uint32_t *ids, size_t n)
{
	if (st->len != n)
		return false;
	if (rs->wide)
		return n == 0 || memcmp(rs->wide + st->off, ids, n * sizeof *ids) == 0;
	if (rs->tail_max > UINT16_MAX)
		return false; /* a key past 16 bits: never among the stored narrow ones */
	const uint16_t *have = rs->narrow + st->off;
	size_t i = 0;
#ifdef HAVE_NARROW8
	/* Eight a step: a duplicate-heavy profile compares most stacks it reads. */
	for (; i + 8 <= n; i += 8) {
		uint16_t w[8];
		narrow8(ids + i, w);
		if (memcmp(have + i, w, sizeof w) != 0)
			return false;
	}
#endif
	for (; i < n; i++)
		if (have[i] != ids[i])
			return false;
	return true;
}

/* The stored ids in 32 bits from now on: a key past 16 bits came. */
static void raw_widen(raw_stacks *rs)
{
	uint32_t *wide = xmalloc((rs->idcap + 1) * sizeof *wide);
	for (size_t i = 0; i < rs->nids; i++)
		wide[i] = rs->narrow[i];
	prefault_drop(rs->pf, rs->narrow, rs->idcap * sizeof *rs->narrow);
	free(rs->narrow);
	rs->idmark = 0;
	rs->narrow = NULL;
	rs->wide = wide;
}

/* Appends the n keys of ids (the tail) to the store. */
static void raw_store(raw_stacks *rs, const uint32_t *ids, size_t n)
{
	bool big = rs->tail_max > UINT16_MAX;
	rs->maxkey = rs->tail_max > rs->maxkey ? rs->tail_max : rs->maxkey;
	if (rs->narrow && big)
		raw_widen(rs);
	if (rs->wide || (!rs->narrow && big)) {
		PGROW(rs->pf, rs->wide, rs->idcap, rs->nids + n + 1);
		memcpy(rs->wide + rs->nids, ids, n * sizeof *ids);
	} else {
		PGROW(rs->pf, rs->narrow, rs->idcap, rs->nids + n + 1); /* + 1: the store is never NULL once a sample came */
		uint16_t *out = rs->narrow + rs->nids;
		size_t i = 0;
#ifdef HAVE_NARROW8
		/* Eight a step: 21M ids on 1M samples. */
		for (; i + 8 <= n; i += 8)
			narrow8(ids + i, out + i);
#endif
		for (; i < n; i++)
			out[i] = (uint16_t)ids[i];
	}
	rs->nids += n;
}

/*
 * The table grows once half full. On a big profile the kernel zeroed the
 * new table's pages on the decoding thread as the rehash first wrote
 * them: an eighth of its time on a million stacks. So there the next
 * table's pages are made ready by the prefault helper first, while this
 * one fills on past half (probes stay short: a run of slots is a cache
 * line or two); it grows when they are ready, or at three quarters full.
 * Asked only once the table is past half, they are never made for nothing.
 */
enum { NEXT_MIN = 1 << 16 }; /* slots: a smaller table is cheap to zero here */

/* The table twice as big (rs->next when made ready), every stack rehashed into it. */
static void raw_grow_slots(raw_stacks *rs)
{
	size_t nslots = rs->nslots ? rs->nslots * 2 : 4096;
	raw_slot *slots = rs->next ? rs->next : xcalloc(nslots, sizeof *slots);
	rs->next = NULL;
	for (size_t i = 0; i < rs->nslots; i++) {
		if (!rs->slots[i].stack)
			continue;
		size_t j = rs->slots[i].hash & (nslots - 1);
		while (slots[j].stack)
			j = (j + 1) & (nslots - 1);
		slots[j] = rs->slots[i];
	}
	prefault_drop(rs->pf, rs->slots, rs->nslots * sizeof *rs->slots); /* none of the old table's pages is made ready now */
	free(rs->slots);
	rs->slots = slots;
	rs->nslots = nslots;
}

/* Whether the table must grow before a stack is added: past half full, see above. */
static bool raw_must_grow(raw_stacks *rs)
{
	if ((rs->n + 1) * 2 <= rs->nslots)
		return false;
	if (!rs->pf || rs->nslots < NEXT_MIN || (rs->n + 1) * 4 > rs->nslots * 3)
		return true;
	if (!rs->next) {
		rs->next = xcalloc(rs->nslots * 2, sizeof *rs->next);
		rs->ticket = prefault_all(rs->pf, rs->next, rs->nslots * 2 * sizeof *rs->next);
		return false;
	}
	return (++rs->polls & 1023) == 0 && prefault_done(rs->pf, rs->ticket);
}

/* Interns the n keys in rs->tail (hashed to h): a new stack is stored, a known one's id returned. */
static uint32_t raw_intern_tail(raw_stacks *rs, size_t n, uint32_t h)
{
	if (raw_must_grow(rs))
		raw_grow_slots(rs);
	const uint32_t *ids = rs->tail;
	size_t j = h & (rs->nslots - 1);
	for (; rs->slots[j].stack; j = (j + 1) & (rs->nslots - 1)) {
		const raw_slot *sl = &rs->slots[j];
		if (sl->hash == h && raw_same(rs, &rs->st[sl->stack - 1], ids, n))
			return sl->stack - 1;
	}
	if (rs->n >= UINT32_MAX - 1 || rs->nids + n >= UINT32_MAX)
		prof_oom();
	PGROW(rs->pf, rs->st, rs->cap, rs->n + 1);
	rs->st[rs->n] = (prof_stack){(uint32_t)rs->nids, (uint32_t)n};
	rs->slots[j] = (raw_slot){(uint32_t)rs->n + 1, h};
	raw_store(rs, ids, n);
	return (uint32_t)rs->n++;
}

/* The first slot that may hold hash h (its first with the hash, or the empty one ending the probe), NULL for none. */
static const raw_slot *raw_first_slot(const raw_stacks *rs, uint32_t h)
{
	if (!rs->nslots)
		return NULL;
	for (size_t j = h & (rs->nslots - 1);; j = (j + 1) & (rs->nslots - 1))
		if (!rs->slots[j].stack || rs->slots[j].hash == h)
			return &rs->slots[j];
}

/*
 * Fetches ahead what interning queued sample q will read: at age 1 its hash
 * slot; halfway, the stack record that slot names; at three quarters, that
 * stack's stored ids. Hints only: interning looks everything up again.
 */
static void raw_prefetch(const raw_stacks *rs, const pending *q, size_t age)
{
	if (!rs->nslots)
		return;
	if (age == 1) {
		__builtin_prefetch(&rs->slots[q->hash & (rs->nslots - 1)]);
		return;
	}
	if (age != PENDING / 2 && age != PENDING * 3 / 4)
		return;
	const raw_slot *sl = raw_first_slot(rs, q->hash);
	if (!sl || !sl->stack)
		return;
	const prof_stack *st = &rs->st[sl->stack - 1];
	if (age == PENDING / 2)
		__builtin_prefetch(st);
	else if (rs->wide)
		__builtin_prefetch(rs->wide + st->off);
	else if (rs->narrow)
		__builtin_prefetch(rs->narrow + st->off);
}

/* Interns the oldest queued sample's stack into its sample. */
static void raw_pop(raw_stacks *rs, prof_sample *samples)
{
	pending *q = &rs->queue[rs->head];
	/* raw_intern_tail reads the tail: lend it this sample's buffer. */
	uint32_t *tail = rs->tail;
	size_t tailcap = rs->tailcap;
	rs->tail = q->ids;
	rs->tail_max = q->max;
	size_t stored = rs->n;
	samples[q->sample].stack = raw_intern_tail(rs, q->n, q->hash);
	rs->window_found += rs->n == stored; /* no stack added: it was found */
	if (++rs->window_n == 1024) {
		rs->fetch_found = rs->window_found >= 64;
		rs->window_n = rs->window_found = 0;
	}
	rs->tail = tail;
	rs->tailcap = tailcap;
	rs->head = (rs->head + 1) % PENDING;
	rs->npending--;
}

/*
 * Queues the sample just decoded (its keys in the tail, hashed to h): the
 * tail's buffer goes to the queue and the queue's free buffer becomes the
 * tail. Interns the oldest first when the queue is full.
 */
static void raw_push(raw_stacks *rs, prof_sample *samples, size_t sample, size_t n, uint32_t h)
{
	uint32_t max = rs->tail_max; /* raw_pop sets tail_max to the popped sample's */
	if (rs->npending == PENDING)
		raw_pop(rs, samples);
	pending *q = &rs->queue[(rs->head + rs->npending) % PENDING];
	uint32_t *buf = q->ids;
	size_t cap = q->cap;
	*q = (pending){.ids = rs->tail, .cap = rs->tailcap, .n = n, .hash = h, .max = max, .sample = sample};
	rs->tail = buf;
	rs->tailcap = cap;
	rs->npending++;
	/*
	 * A stack's record and ids are fetched ahead only while stacks are
	 * found stored (of the last 1024, 64 or more): where nearly every sample
	 * has its own stack, looking for them cost more than it saved.
	 */
	static const size_t ages[] = {1, PENDING / 2, PENDING * 3 / 4};
	size_t nages = rs->fetch_found ? 3 : 1;
	for (size_t k = 0; k < nages && ages[k] <= rs->npending; k++)
		raw_prefetch(rs, &rs->queue[(rs->head + rs->npending - ages[k]) % PENDING], ages[k]);
}

/* Interns every queued sample: the stream has ended. */
static void raw_drain(raw_stacks *rs, prof_sample *samples)
{
	while (rs->npending)
		raw_pop(rs, samples);
}

/* The stored values in 64 bits from now on (n of them so far): one past 32 bits came. */
static void values_widen(decoder *dc, size_t n)
{
	prof_valstore *vs = &dc->p->vals;
	int64_t *wide = xmalloc((dc->pvaluecap + 1) * sizeof *wide);
	for (size_t i = 0; i < n; i++)
		wide[i] = vs->narrow[i];
	prefault_drop(dc->rs.pf, vs->narrow, dc->pvaluecap * sizeof *vs->narrow);
	free(vs->narrow);
	vs->narrow = NULL;
	vs->wide = wide;
	dc->pmark[0] = 0; /* a new array: nothing of it asked for yet */
}

/* Room for n values in the store's width (32-bit until a value needs more). */
static void values_room(decoder *dc, size_t n)
{
	prof_valstore *vs = &dc->p->vals;
	if (vs->wide)
		PGROW(dc->rs.pf, vs->wide, dc->pvaluecap, n);
	else
		PGROW(dc->rs.pf, vs->narrow, dc->pvaluecap, n);
}

/* Value v at index at (room made): into the 32-bit store while it is one and v fits. */
static void value_put(decoder *dc, size_t at, uint64_t v)
{
	prof_valstore *vs = &dc->p->vals;
	if (vs->narrow && prof_value_fits((int64_t)v)) {
		vs->narrow[at] = (int32_t)v;
		return;
	}
	if (vs->narrow)
		values_widen(dc, at);
	vs->wide[at] = (int64_t)v;
}

/* A sample's values field, packed or not: appends them to the profile's values (*n of them stored). */
static bool sample_values(decoder *dc, const field *f, size_t si, size_t *n)
{
	if (f->wt == WT_VARINT) {
		values_room(dc, *n + 1);
		value_put(dc, (*n)++, f->v);
		return true;
	}
	if (f->wt != WT_LEN)
		return prof_errf(dc->err, "byte %zu: sample %zu: value is %s, expected varints", f->at, si,
		                 wire_names[f->wt]);
	const uint8_t *d = f->d;
	size_t len = f->n, pos = 0, at = *n;
	values_room(dc, at + len);
	int32_t *narrow = dc->p->vals.narrow; /* exactly one of the two is set */
	int64_t *wide = dc->p->vals.wide;
	while (pos < len) {
		uint64_t v;
		if (!(d[pos] & 0x80)) { /* fast path: a one-byte varint */
			v = d[pos++];
		} else {
			int r = get_varint(dc, d, len, f->d_at, &pos, &v);
			if (r < 0)
				return false;
			if (r == 0)
				return prof_errf(dc->err, "byte %zu: sample %zu: value ends inside a varint", f->d_at + pos,
				                 si);
		}
		if (narrow && prof_value_fits((int64_t)v)) {
			narrow[at++] = (int32_t)v;
			continue;
		}
		if (narrow) {
			values_widen(dc, at);
			narrow = NULL;
			wide = dc->p->vals.wide;
		}
		wide[at++] = (int64_t)v;
	}
	*n = at;
	return true;
}

/* A label's string index, kept raw until the string table is known. */
static uint32_t raw_index(decoder *dc, int64_t v, const char *name)
{
	if (v >= 0 && v < (int64_t)UINT32_MAX)
		return (uint32_t)v;
	if (!dc->bad_label_field) {
		dc->bad_label_index = v;
		dc->bad_label_field = name;
		dc->bad_label_sample = dc->p->nsample + 1;
	}
	return UINT32_MAX;
}

static bool decode_label(decoder *dc, const field *f, uint32_t si)
{
	if (f->wt != WT_LEN)
		return prof_errf(dc->err, "byte %zu: sample %u: label is %s, expected length-delimited", f->at,
		                 si, wire_names[f->wt]);
	int64_t v[5] = {0};
	size_t pos = 0;
	field lf;
	while (pos < f->n) {
		if (!quick_varint(f->d, f->n, f->d_at, &pos, &lf) && !next_field(dc, f->d, f->n, f->d_at, &pos, &lf))
			return false;
		if (lf.num >= 1 && lf.num <= 4) {
			if (lf.wt != WT_VARINT)
				return prof_errf(dc->err, "byte %zu: sample %u: label field %u is %s, expected varint",
				                 lf.at, si, lf.num, wire_names[lf.wt]);
			v[lf.num] = (int64_t)lf.v;
		}
	}
	prof_profile *p = dc->p;
	if (p->nlabel >= UINT32_MAX) /* samples hold 32-bit label offsets */
		return prof_errf(dc->err, "byte %zu: sample %u: more than 2^32 labels in the profile", f->at, si);
	PGROW(dc->rs.pf, p->labels, dc->labelcap, p->nlabel + 1);
	/* String fields hold raw file indices until resolve_labels. */
	p->labels[p->nlabel] = (prof_label){.key = raw_index(dc, v[1], "label key"),
	                                    .str = raw_index(dc, v[2], "label value"),
	                                    .num_unit = raw_index(dc, v[4], "label unit"),
	                                    .num = v[3]};
	p->nlabel++;
	return true;
}

/* The 32-bit key of a location id (see BIG_KEY). */
static uint32_t id_key(decoder *dc, uint64_t id)
{
	if (id - 1 < BIG_KEY) /* id 0 wraps past it */
		return (uint32_t)(id - 1);
	uint32_t ord = idmap_get(&dc->bigids, id);
	if (ord == PROF_NONE) {
		if (dc->nbigid >= BIG_KEY - 1)
			prof_oom();
		ord = (uint32_t)dc->nbigid;
		idmap_put(&dc->bigids, id, ord, dc->nbigid);
		GROW(dc->bigid_list, dc->bigidcap, dc->nbigid + 1);
		dc->bigid_list[dc->nbigid++] = id;
	}
	return BIG_KEY + ord;
}

/* A location id of one, two or three bytes at d[*pos..len), not 0: its key, *pos past it; false for id_key's way. */
static inline bool quick_id(const uint8_t *d, size_t len, size_t *pos, uint32_t *key)
{
	size_t p = *pos;
	uint32_t id;
	if (!(d[p] & 0x80)) {
		id = d[p];
		p += 1;
	} else if (p + 1 < len && !(d[p + 1] & 0x80)) {
		id = (uint32_t)(d[p] & 0x7f) | (uint32_t)d[p + 1] << 7;
		p += 2;
	} else if (p + 2 < len && !(d[p + 2] & 0x80)) {
		/* Three bytes: a wide profile's million locations. */
		id = (uint32_t)(d[p] & 0x7f) | (uint32_t)(d[p + 1] & 0x7f) << 7 | (uint32_t)d[p + 2] << 14;
		p += 3;
	} else {
		return false;
	}
	if (!id)
		return false;
	*key = id - 1;
	*pos = p;
	return true;
}

/*
 * Location ids, packed or not: their keys are appended to the sample's
 * tail (*n of them there so far), where raw_intern_tail finds them.
 */
static bool repeated_ids(decoder *dc, const field *f, size_t si, size_t *n)
{
	raw_stacks *rs = &dc->rs;
	if (f->wt == WT_VARINT) {
		uint32_t key = id_key(dc, f->v);
		GROW(rs->tail, rs->tailcap, *n + 1);
		rs->tail[(*n)++] = key;
		rs->hstate = hash_step(rs->hstate, key);
		rs->tail_max = key > rs->tail_max ? key : rs->tail_max;
		return true;
	}
	if (f->wt != WT_LEN)
		return prof_errf(dc->err, "byte %zu: sample %zu: %s is %s, expected varints", f->at, si,
		                 "location_id", wire_names[f->wt]);
	GROW(rs->tail, rs->tailcap, *n + f->n + 1); /* + 1: an empty list still gets room, never NULL */
	uint32_t *out = rs->tail;
	/* Locals, kept in registers: the loop runs for every frame of the profile. */
	size_t k = *n, pos = 0, len = f->n;
	uint32_t max = rs->tail_max;
	uint64_t h = rs->hstate;
	const uint8_t *d = f->d;
	while (pos < len) {
		uint32_t key;
		if (!quick_id(d, len, &pos, &key)) {
			uint64_t v;
			size_t at = pos;
			int r = get_varint(dc, d, len, f->d_at, &at, &v);
			if (r < 0)
				return false;
			if (r == 0)
				return prof_errf(dc->err, "byte %zu: sample %zu: %s ends inside a varint", f->d_at + pos,
				                 si, "location_id");
			pos = at;
			key = id_key(dc, v); /* may grow nothing but the big-id map */
		}
		out[k++] = key;
		h = hash_step(h, key);
		max = key > max ? key : max;
	}
	rs->tail_max = max;
	rs->hstate = h;
	*n = k;
	return true;
}

static bool same_label(const prof_label *a, const prof_label *b)
{
	return a->key == b->key && a->str == b->str && a->num_unit == b->num_unit && a->num == b->num &&
	       a->num_set == b->num_set;
}

typedef struct run_key {
	const decoder *dc;
	uint32_t off, n;
} run_key;

static bool run_eq(const void *ctx, uint32_t r)
{
	const run_key *k = ctx;
	const struct label_run *run = &k->dc->lr.runs[r];
	if (run->n != k->n)
		return false;
	const prof_label *a = k->dc->p->labels + run->off, *b = k->dc->p->labels + k->off;
	for (uint32_t i = 0; i < k->n; i++)
		if (!same_label(&a[i], &b[i]))
			return false;
	return true;
}

/*
 * Where the n labels just decoded at off are kept: at an equal run stored
 * before (the new ones dropped), or where they are.
 */
static uint32_t label_run(decoder *dc, uint32_t off, uint32_t n)
{
	label_runs *lr = &dc->lr;
	if (lr->off)
		return off;
	lr->nlabelled++;
	if (lr->nlabelled % 65536 == 0 && lr->nrun * 2 > lr->nlabelled) {
		hashtab_free(&lr->index);
		free(lr->runs);
		*lr = (label_runs){.off = true};
		return off;
	}
	const prof_label *ls = dc->p->labels + off;
	uint64_t h = n;
	for (uint32_t i = 0; i < n; i++)
		h = (h ^ ((uint64_t)ls[i].key << 32 ^ ls[i].str ^ (uint64_t)ls[i].num_unit << 16 ^ (uint64_t)ls[i].num)) *
		    0xff51afd7ed558ccdull;
	run_key k = {dc, off, n};
	uint32_t r = hashtab_intern(&lr->index, h, (uint32_t)lr->nrun, run_eq, &k);
	if (r != lr->nrun) {
		dc->p->nlabel = off;
		return lr->runs[r].off;
	}
	GROW(lr->runs, lr->cap, lr->nrun + 1);
	lr->runs[lr->nrun++] = (struct label_run){off, n};
	return off;
}

static bool decode_sample(decoder *dc, const field *sf)
{
	prof_profile *p = dc->p;
	size_t si = p->nsample + 1; /* 1-based, for messages */
	size_t nids = 0, nvals = 0;
	size_t pos = 0;
	field f;
	size_t label_off = p->nlabel;
	dc->rs.tail_max = 0;
	dc->rs.hstate = dc->rs.seed;
	/*
	 * The stack's hash slot is a cache miss on a big profile: it is hashed
	 * and its slot fetched as soon as the ids are read (Go writes them
	 * first), and looked at once the values and labels are decoded.
	 */
	uint32_t h = 0;
	bool hashed = false;
	while (pos < sf->n) {
		if (!quick_len(sf->d, sf->n, sf->d_at, &pos, &f) && !next_field(dc, sf->d, sf->n, sf->d_at, &pos, &f))
			return false;
		if (f.num != 1 && !hashed && nids) {
			raw_stacks *rs = &dc->rs;
			h = hash_end(rs->hstate, nids);
			hashed = true;
			if (rs->nslots)
				__builtin_prefetch(&rs->slots[h & (rs->nslots - 1)]);
		}
		switch (f.num) {
		case 1:
			if (!repeated_ids(dc, &f, si, &nids))
				return false;
			hashed = false;
			break;
		case 2: {
			/* Straight into the profile's values, after the stored ones. */
			size_t end = dc->nvalues + nvals;
			if (!sample_values(dc, &f, si, &end))
				return false;
			nvals = end - dc->nvalues;
			break;
		}
		case 3:
			if (!decode_label(dc, &f, (uint32_t)si))
				return false;
			break;
		}
	}
	if (si == 1)
		dc->first_nvalue = nvals;
	else if (nvals != dc->first_nvalue && !dc->bad_sample) {
		dc->bad_sample = si;
		dc->bad_nvalue = nvals;
	}
	if (si >= UINT32_MAX)
		return prof_errf(dc->err, "too many samples");
	dc->nvalues += nvals;
	PGROW(dc->rs.pf, p->samples, dc->samplecap, p->nsample + 1);
	prof_sample *s = &p->samples[p->nsample++];
	/* A sample with no location before any had one: the tail gets room, no offset into NULL. */
	GROW(dc->rs.tail, dc->rs.tailcap, 1);
	if (!hashed)
		h = hash_end(dc->rs.hstate, nids);
	raw_push(&dc->rs, p->samples, p->nsample - 1, nids, h); /* sets s->stack before the stream ends */
	s->nlabel = (uint32_t)(p->nlabel - label_off);
	s->label_off = s->nlabel ? label_run(dc, (uint32_t)label_off, s->nlabel) : (uint32_t)label_off;
	return true;
}

/* ---- locations and functions, decoded while streaming ---- */

/*
 * Only the plain shape is taken here, the one where protobuf-c's unpacking
 * is sure to agree: known fields of their own wire types, each scalar once,
 * varints whose value has no bits past 64, raw references that fit 32 bits.
 * Anything else is left to protobuf-c (return false), which fails or reads
 * it as before, with the same message.
 */

/* A varint of d[*pos..n) as protobuf-c reads it too; false when cut or past 64 bits. */
static inline bool plain_varint(const uint8_t *d, size_t n, size_t *pos, uint64_t *out)
{
	size_t p = *pos;
	if (p < n && !(d[p] & 0x80)) {
		*out = d[p];
		*pos = p + 1;
		return true;
	}
	uint64_t v = 0;
	for (unsigned i = 0; i < 10 && p < n; i++) {
		uint8_t b = d[p++];
		if (i == 9 && b > 1)
			return false;
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*pos = p;
			*out = v;
			return true;
		}
	}
	return false;
}

/*
 * The next field of a plain message d[0..n): a number 1..max, a varint
 * (its value in *v), or for field len_num a payload that fits (its length
 * in *v, *pos at its start). False for anything else.
 */
static inline bool plain_field(const uint8_t *d, size_t n, size_t *pos, unsigned max, unsigned len_num,
                               unsigned *num, uint64_t *v)
{
	uint64_t tag;
	if (!plain_varint(d, n, pos, &tag) || tag >> 3 == 0 || tag >> 3 > max)
		return false;
	*num = (unsigned)(tag >> 3);
	unsigned want = *num == len_num ? WT_LEN : WT_VARINT;
	if ((tag & 7) != want || !plain_varint(d, n, pos, v))
		return false;
	return want != WT_LEN || *v <= n - *pos;
}

/* Reads the fields 1..max of a plain message without repeated or length fields into v[1..max]. */
static bool plain_scalars(const uint8_t *d, size_t n, unsigned max, uint64_t *v)
{
	size_t pos = 0;
	unsigned seen = 0;
	while (pos < n) {
		unsigned num;
		uint64_t x;
		if (!plain_field(d, n, &pos, max, 0, &num, &x) || seen & 1u << num)
			return false;
		seen |= 1u << num;
		v[num] = x;
	}
	return true;
}

/* Appends a plain Line to p->lines, its function id raw. */
static bool fast_line(decoder *dc, const uint8_t *d, size_t n)
{
	prof_profile *p = dc->p;
	uint64_t v[4] = {0};
	if (!plain_scalars(d, n, 3, v) || v[1] >= UINT32_MAX || p->nline + 1 >= UINT32_MAX)
		return false;
	PGROW(dc->rs.pf, p->lines, dc->linecap, p->nline + 1);
	p->lines[p->nline++] = (prof_line){.function = (uint32_t)v[1], .line = (int64_t)v[2], .column = (int64_t)v[3]};
	return true;
}

/* Appends a plain Location to p->locations (past the hand-decoded ones), its mapping and functions raw ids. */
static bool fast_location(decoder *dc, const uint8_t *d, size_t n)
{
	prof_profile *p = dc->p;
	size_t nline = p->nline, pos = 0;
	uint64_t v[6] = {0};
	unsigned seen = 0;
	while (pos < n) {
		unsigned num;
		uint64_t x;
		if (!plain_field(d, n, &pos, 5, 4, &num, &x))
			goto slow;
		if (num == 4) {
			if (!fast_line(dc, d + pos, (size_t)x))
				goto slow;
			pos += (size_t)x;
			continue;
		}
		if (seen & 1u << num)
			goto slow;
		seen |= 1u << num;
		v[num] = x;
	}
	if (v[2] >= UINT32_MAX)
		goto slow;
	PGROW(dc->rs.pf, p->locations, dc->loccap, dc->nfast_loc + 1);
	p->locations[dc->nfast_loc++] = (prof_location){
		.id = v[1], .address = v[3], .mapping = (uint32_t)v[2], .line_off = (uint32_t)nline,
		.nline = (uint32_t)(p->nline - nline), .is_folded = v[5] != 0};
	return true;
slow:
	p->nline = nline;
	return false;
}

/* Appends a plain Function to p->functions, its strings raw file indices. */
static bool fast_function(decoder *dc, const uint8_t *d, size_t n)
{
	prof_profile *p = dc->p;
	uint64_t v[6] = {0};
	/* The string indices are int64: a negative one is past 2^32 here. */
	if (!plain_scalars(d, n, 5, v) || v[2] >= UINT32_MAX || v[3] >= UINT32_MAX || v[4] >= UINT32_MAX)
		return false;
	GROW(p->functions, dc->funccap, dc->nfast_func + 1);
	p->functions[dc->nfast_func++] = (prof_function){.id = v[1], .name = (prof_strid)v[2],
	                                                 .system_name = (prof_strid)v[3],
	                                                 .filename = (prof_strid)v[4],
	                                                 .start_line = (int64_t)v[5]};
	return true;
}

/* ---- the stream ---- */

static void save_field(decoder *dc, const uint8_t *bytes, size_t n, size_t at)
{
	GROW(dc->saved, dc->savedcap, dc->nsaved + 16 + n);
	uint64_t hdr[2] = {at, n};
	memcpy(dc->saved + dc->nsaved, hdr, sizeof hdr);
	memcpy(dc->saved + dc->nsaved + 16, bytes, n);
	dc->nsaved += 16 + n;
}

/*
 * Counts a hand-decoded function where it stands among the saved records:
 * the header fields are checked in file order, so the first bad one is
 * named whichever kind it is.
 */
static void count_fast_function(decoder *dc, size_t at)
{
	uint64_t count = 1;
	if (dc->fast_mark && dc->fast_mark - 1 + 24 == dc->nsaved) {
		memcpy(&count, dc->saved + dc->fast_mark - 1 + 16, sizeof count);
		count++;
		memcpy(dc->saved + dc->fast_mark - 1 + 16, &count, sizeof count);
		return;
	}
	GROW(dc->saved, dc->savedcap, dc->nsaved + 24);
	uint64_t rec[3] = {at, 0, count};
	memcpy(dc->saved + dc->nsaved, rec, sizeof rec);
	dc->fast_mark = dc->nsaved + 1;
	dc->nsaved += 24;
}

static bool stream_field(decoder *dc, const field *f, const uint8_t *start, size_t len)
{
	if (!check_top_wire(dc, f))
		return false;
	switch (f->num) {
	case F_STRING_TABLE:
		if (dc->nstr >= UINT32_MAX) /* string ids are 32-bit */
			return prof_errf(dc->err, "byte %zu: more than 2^32 strings in the string table", f->at);
		GROW(dc->strs, dc->strcap, dc->nstr + 1);
		dc->strs[dc->nstr++] = prof_intern(dc->p, (const char *)f->d, f->n);
		return true;
	case F_SAMPLE:
		return decode_sample(dc, f);
	case F_LOCATION:
		if (!dc->loc_slow && fast_location(dc, f->d, f->n))
			return true;
		dc->loc_slow = true;
		save_field(dc, start, len, f->at);
		return true;
	case F_FUNCTION:
		if (!dc->func_slow && fast_function(dc, f->d, f->n)) {
			count_fast_function(dc, f->at);
			return true;
		}
		dc->func_slow = true;
		save_field(dc, start, len, f->at);
		return true;
	default:
		if (f->num <= F_LAST_KNOWN)
			save_field(dc, start, len, f->at);
		return true;
	}
}

/* The part of the stream in memory: buf[pos..have) unread, buf[0] at offset base. */
typedef struct window {
	uint8_t *buf;
	size_t cap, have, pos, base;
	size_t need; /* bytes the field at pos takes, when it was found incomplete */
	bool eof;
} window;

/* ---- the pages of the big arrays, ready ahead ---- */

/* An array that grows with the file, in bytes, and its prefault_ahead mark. */
typedef struct big_array {
	void *base;
	size_t used, cap;
	size_t *mark;
} big_array;

enum { NBIG = 7 };

/* The arrays that grow with the file: stored ids, values, samples, stacks, locations, lines, labels. */
static void big_arrays(decoder *dc, big_array out[NBIG])
{
	const prof_profile *p = dc->p;
	raw_stacks *rs = &dc->rs;
	size_t idsize = rs->wide ? sizeof *rs->wide : sizeof *rs->narrow;
	void *ids = rs->wide ? (void *)rs->wide : (void *)rs->narrow;
	out[0] = (big_array){ids, rs->nids * idsize, rs->idcap * idsize, &rs->idmark};
	size_t valsize = p->vals.wide ? sizeof *p->vals.wide : sizeof *p->vals.narrow;
	void *vals = p->vals.wide ? (void *)p->vals.wide : (void *)p->vals.narrow;
	out[1] = (big_array){vals, dc->nvalues * valsize, dc->pvaluecap * valsize, &dc->pmark[0]};
	out[2] = (big_array){p->samples, p->nsample * sizeof *p->samples, dc->samplecap * sizeof *p->samples,
	                     &dc->pmark[1]};
	out[3] = (big_array){rs->st, rs->n * sizeof *rs->st, rs->cap * sizeof *rs->st, &dc->pmark[2]};
	out[4] = (big_array){p->locations, dc->nfast_loc * sizeof *p->locations, dc->loccap * sizeof *p->locations,
	                     &dc->pmark[3]};
	out[5] = (big_array){p->lines, p->nline * sizeof *p->lines, dc->linecap * sizeof *p->lines, &dc->pmark[4]};
	out[6] = (big_array){p->labels, p->nlabel * sizeof *p->labels, dc->labelcap * sizeof *p->labels, &dc->pmark[5]};
}

/* Asks for the pages just past the filled part of each array that grows with the file. */
static void prefault_arrays(decoder *dc)
{
	if (!dc->rs.pf)
		return;
	big_array a[NBIG];
	big_arrays(dc, a);
	for (int i = 0; i < NBIG; i++)
		prefault_ahead(dc->rs.pf, a[i].base, a[i].used, a[i].cap, a[i].mark);
}

/* After the stream: gives back the pages made ready that the arrays did not come to use. */
static void prefault_release_arrays(decoder *dc)
{
	big_array a[NBIG];
	big_arrays(dc, a);
	for (int i = 0; i < NBIG; i++)
		prefault_release(a[i].base, a[i].used, *a[i].mark);
}

/* ---- the model budget ---- */

/*
 * What the decoder holds so far, from the capacities of its arrays: what a
 * small file could make it allocate (1.6 billion two-byte comment fields
 * are 29 GB of saved records) is checked against the budget on the way.
 */
static uint64_t model_bytes(const decoder *dc, size_t window_cap)
{
	const prof_profile *p = dc->p;
	const raw_stacks *rs = &dc->rs;
	uint64_t b = window_cap + dc->savedcap + p->mem.total;
	b += (uint64_t)dc->strcap * sizeof *dc->strs;
	b += (uint64_t)p->strs.cap * (sizeof *p->strs.str + sizeof *p->strs.len) +
	     (uint64_t)p->strs.index.nslots * sizeof *p->strs.index.slots;
	b += (uint64_t)dc->labelcap * sizeof *p->labels + (uint64_t)dc->samplecap * sizeof *p->samples;
	b += (uint64_t)dc->pvaluecap * (p->vals.wide ? sizeof *p->vals.wide : sizeof *p->vals.narrow);
	b += (uint64_t)dc->loccap * sizeof *p->locations + (uint64_t)dc->linecap * sizeof *p->lines +
	     (uint64_t)dc->funccap * sizeof *p->functions;
	b += (uint64_t)rs->idcap * (rs->wide ? sizeof *rs->wide : sizeof *rs->narrow) +
	     (uint64_t)rs->tailcap * sizeof *rs->tail + (uint64_t)rs->cap * sizeof *rs->st +
	     (uint64_t)rs->nslots * sizeof *rs->slots + (rs->next ? (uint64_t)rs->nslots * 2 * sizeof *rs->next : 0);
	b += (uint64_t)dc->lr.index.nslots * sizeof *dc->lr.index.slots + (uint64_t)dc->lr.cap * sizeof *dc->lr.runs;
	b += (uint64_t)dc->bigids.nslots * (sizeof *dc->bigids.keys + sizeof *dc->bigids.vals) +
	     (uint64_t)dc->bigidcap * sizeof *dc->bigid_list;
	return b;
}

/* false with the limit's message when the model (plus extra bytes about to be taken) is over budget. */
static bool within_budget(decoder *dc, size_t window_cap, uint64_t extra)
{
	uint64_t have = model_bytes(dc, window_cap);
	if (have <= dc->budget && extra <= dc->budget - have)
		return true;
	char lim[32], in[32];
	prof_size_str(lim, sizeof lim, dc->budget);
	prof_size_str(in, sizeof in, dc->insize);
	dc->over_budget = true;
	return prof_errf(dc->err, "would take more than %s of memory for a file of %s " PROF_LIMIT_HINT, lim,
	                 in);
}

/*
 * Makes room in the window for a field of need bytes (found incomplete at
 * at). Data that is all in memory bounds the field by what is left of it, so
 * a length past the end is reported as such, not grown into.
 */
static bool grow_window(decoder *dc, window *w, const pb_source *src, size_t at, size_t need)
{
	if (!src->gz && !src->ring) {
		size_t left = src->inlen - (w->base + at);
		if (need > left)
			need = left + 1;
	}
	w->need = need;
	if (need <= w->cap)
		return true;
	size_t cap = need + (1u << 20);
	if (!within_budget(dc, w->cap, cap - w->cap))
		return false;
	w->cap = cap;
	w->buf = xrealloc(w->buf, w->cap);
	return true;
}

/* Keeps the unread tail, then fills the rest of the window; false on bad input. */
static bool refill(window *w, pb_source *src, prof_err *err)
{
	memmove(w->buf, w->buf + w->pos, w->have - w->pos);
	w->base += w->pos;
	w->have -= w->pos;
	w->pos = 0;
	size_t got = pb_source_read(src, w->buf + w->have, w->cap - w->have, err);
	if (got == SIZE_MAX)
		return false;
	w->eof = got == 0;
	w->have += got;
	return true;
}

/*
 * Reads all fields from src; false with *err set on bad framing or input.
 * The window is refilled whenever less than an eighth of it is unread, or
 * less than the field at its start needs (the window grows to hold that
 * field). Refilling moves the unread part to the front: at half, that
 * copied the whole stream once more on the decoding thread.
 */
static bool stream(decoder *dc, pb_source *src)
{
	window w = {.cap = 1 << 20};
	w.buf = xmalloc(w.cap);
	bool ok = true;
	unsigned tick = 0;
	while (ok) {
		size_t unread = w.have - w.pos;
		if (!w.eof && (unread < w.cap / 8 || unread < w.need) && !refill(&w, src, dc->err)) {
			ok = false;
			break;
		}
		if (w.pos == w.have && w.eof)
			break;
		field f;
		size_t need, at = w.pos;
		dc->top = true;
		int r = quick_len(w.buf, w.have, w.base, &w.pos, &f) ? 1 : scan_field(dc, w.buf, w.have, w.base, &w.pos, &f, &need);
		if (r == 0 && w.eof)
			next_field(dc, w.buf, w.have, w.base, &w.pos, &f); /* names the truncation */
		dc->top = false;
		if (r > 0) {
			w.need = 0;
			ok = stream_field(dc, &f, w.buf + at, w.pos - at);
			if (ok && ++tick % 1024 == 0) {
				ok = within_budget(dc, w.cap, 0);
				prefault_arrays(dc);
			}
		} else if (r < 0 || w.eof) {
			ok = false;
		} else {
			/* Incomplete: the refill at the top brings the rest. */
			w.pos = at;
			ok = grow_window(dc, &w, src, at, need);
		}
	}
	ok = ok && within_budget(dc, w.cap, 0);
	free(w.buf);
	return ok;
}

/* ---- after the stream: headers, locations, then resolving samples ---- */

static bool value_type(decoder *dc, const field *f, prof_valuetype *vt, const char *what)
{
	Perftools__Profiles__ValueType *m =
		perftools__profiles__value_type__unpack(&dc->alloc, f->n, f->d);
	if (!m)
		return sub_failed(dc, f, what);
	return get_str(dc, m->type, &vt->type, what, "type") &&
	       get_str(dc, m->unit, &vt->unit, what, "unit");
}

static bool str_ok(const decoder *dc, int64_t idx)
{
	return idx >= 0 && (uint64_t)idx < dc->nstr;
}

/* Checks function p->nfunction (id and start line in place) with these string indices, and counts it. */
static bool add_function(decoder *dc, int64_t name, int64_t system_name, int64_t filename)
{
	prof_profile *p = dc->p;
	prof_function *pf = &p->functions[p->nfunction];
	if (!str_ok(dc, name) || !str_ok(dc, system_name) || !str_ok(dc, filename)) {
		char what[64];
		snprintf(what, sizeof what, "function %zu", p->nfunction + 1);
		return get_str(dc, name, &pf->name, what, "name") &&
		       get_str(dc, system_name, &pf->system_name, what, "system_name") &&
		       get_str(dc, filename, &pf->filename, what, "filename");
	}
	pf->name = dc->strs[name];
	pf->system_name = dc->strs[system_name];
	pf->filename = dc->strs[filename];
	if (pf->id == 0)
		return prof_errf(dc->err, "function %zu has id 0, which is reserved", p->nfunction + 1);
	if (!idmap_put(&dc->functions, pf->id, (uint32_t)p->nfunction, p->nfunction))
		return prof_errf(dc->err, "function %zu has id %" PRIu64 ", which an earlier function has too",
		                 p->nfunction + 1, pf->id);
	p->nfunction++;
	return true;
}

/* Checks the next n hand-decoded functions, already in place with raw string indices. */
static bool fast_functions(decoder *dc, size_t n)
{
	prof_function *fs = dc->p->functions;
	for (size_t k = 0; k < n; k++) {
		prof_function *pf = &fs[dc->p->nfunction];
		if (!add_function(dc, pf->name, pf->system_name, pf->filename))
			return false;
	}
	return true;
}

static bool header_field(decoder *dc, const field *f)
{
	prof_profile *p = dc->p;
	char what[64];
	switch (f->num) {
	case F_SAMPLE_TYPE:
		snprintf(what, sizeof what, "sample type %zu", p->nsample_type + 1);
		GROW(p->sample_types, dc->typecap, p->nsample_type + 1);
		if (!value_type(dc, f, &p->sample_types[p->nsample_type], what))
			return false;
		p->nsample_type++;
		return true;
	case F_PERIOD_TYPE:
		return value_type(dc, f, &p->period_type, "period type");
	case F_DROP_FRAMES:
		return get_str(dc, (int64_t)f->v, &p->drop_frames, "profile", "drop_frames");
	case F_KEEP_FRAMES:
		return get_str(dc, (int64_t)f->v, &p->keep_frames, "profile", "keep_frames");
	case F_DEFAULT_SAMPLE_TYPE:
		return get_str(dc, (int64_t)f->v, &p->default_sample_type, "profile", "default_sample_type");
	case F_DOC_URL:
		return get_str(dc, (int64_t)f->v, &p->doc_url, "profile", "doc_url");
	case F_TIME_NANOS:
		p->time_nanos = (int64_t)f->v;
		return true;
	case F_DURATION_NANOS:
		p->duration_nanos = (int64_t)f->v;
		return true;
	case F_PERIOD:
		p->period = (int64_t)f->v;
		return true;
	case F_COMMENT: {
		size_t pos = 0;
		uint64_t v = f->v;
		while (f->wt == WT_VARINT || pos < f->n) {
			if (f->wt == WT_LEN && get_varint(dc, f->d, f->n, f->d_at, &pos, &v) <= 0)
				return prof_errf(dc->err, "byte %zu: comment list is malformed", f->d_at);
			GROW(p->comments, dc->commentcap, p->ncomment + 1);
			if (!get_str(dc, (int64_t)v, &p->comments[p->ncomment], "profile", "comment"))
				return false;
			p->ncomment++;
			if (f->wt == WT_VARINT)
				break;
		}
		return true;
	}
	case F_MAPPING: {
		snprintf(what, sizeof what, "mapping %zu", p->nmapping + 1);
		Perftools__Profiles__Mapping *m = perftools__profiles__mapping__unpack(&dc->alloc, f->n, f->d);
		if (!m)
			return sub_failed(dc, f, what);
		GROW(p->mappings, dc->mapcap, p->nmapping + 1);
		prof_mapping *pm = &p->mappings[p->nmapping];
		*pm = (prof_mapping){.id = m->id, .start = m->memory_start, .limit = m->memory_limit,
		                     .offset = m->file_offset, .has_functions = m->has_functions,
		                     .has_filenames = m->has_filenames, .has_line_numbers = m->has_line_numbers,
		                     .has_inline_frames = m->has_inline_frames};
		if (!get_str(dc, m->filename, &pm->file, what, "filename") ||
		    !get_str(dc, m->build_id, &pm->build_id, what, "build_id"))
			return false;
		if (m->id == 0)
			return prof_errf(dc->err, "%s has id 0, which is reserved", what);
		if (!idmap_put(&dc->mappings, m->id, (uint32_t)p->nmapping, p->nmapping))
			return prof_errf(dc->err, "%s has id %" PRIu64 ", which an earlier mapping has too", what, m->id);
		p->nmapping++;
		return true;
	}
	case F_FUNCTION: {
		if (f->wt == WT_FAST)
			return fast_functions(dc, (size_t)f->v);
		snprintf(what, sizeof what, "function %zu", p->nfunction + 1);
		Perftools__Profiles__Function *m = perftools__profiles__function__unpack(&dc->alloc, f->n, f->d);
		if (!m)
			return sub_failed(dc, f, what);
		GROW(p->functions, dc->funccap, p->nfunction + 1);
		p->functions[p->nfunction] = (prof_function){.id = m->id, .start_line = m->start_line};
		return add_function(dc, m->name, m->system_name, m->filename);
	}
	}
	return true;
}

/* Location num (1-based) with that id refers to mapping_id: its index in *out. */
static bool location_mapping(decoder *dc, size_t num, uint64_t id, uint64_t mapping_id, uint32_t *out)
{
	*out = idmap_get(&dc->mappings, mapping_id);
	if (*out == PROF_NONE)
		return prof_errf(dc->err, "location %zu (id %" PRIu64 ") refers to mapping %" PRIu64 ", which is not defined",
		                 num, id, mapping_id);
	return true;
}

/* Line i (0-based) of location num with that id calls function_id: its index in *out. */
static bool line_function(decoder *dc, size_t num, uint64_t id, size_t i, uint64_t function_id, uint32_t *out)
{
	if (function_id == 0)
		return prof_errf(dc->err, "location %zu (id %" PRIu64 "): line %zu has no function (function id 0)", num,
		                 id, i + 1);
	*out = idmap_get(&dc->functions, function_id);
	if (*out == PROF_NONE)
		return prof_errf(dc->err, "location %zu (id %" PRIu64 ") refers to function %" PRIu64 ", which is not defined",
		                 num, id, function_id);
	return true;
}

/* Counts location p->nlocation, its references resolved, unless an earlier one has its id. */
static bool count_location(decoder *dc, uint64_t id)
{
	prof_profile *p = dc->p;
	if (!idmap_put(&dc->locations, id, (uint32_t)p->nlocation, p->nlocation))
		return prof_errf(dc->err, "location %zu has id %" PRIu64 ", which an earlier location has too",
		                 p->nlocation + 1, id);
	p->nlocation++;
	return true;
}

/* Checks the hand-decoded locations (all before any saved one) and resolves their mappings and functions in place. */
static bool fast_locations(decoder *dc)
{
	prof_profile *p = dc->p;
	for (size_t k = 0; k < dc->nfast_loc; k++) {
		prof_location *l = &p->locations[k];
		if (l->id == 0)
			return prof_errf(dc->err, "location %zu has id 0, which is reserved", k + 1);
		uint32_t mapping_id = l->mapping;
		l->mapping = PROF_NONE;
		if (mapping_id != 0 && !location_mapping(dc, k + 1, l->id, mapping_id, &l->mapping))
			return false;
		prof_line *ln = p->lines + l->line_off;
		for (size_t i = 0; i < l->nline; i++)
			if (!line_function(dc, k + 1, l->id, i, ln[i].function, &ln[i].function))
				return false;
		if (!count_location(dc, l->id))
			return false;
	}
	return true;
}

static bool location_field(decoder *dc, const field *f)
{
	if (f->num != F_LOCATION)
		return true;
	prof_profile *p = dc->p;
	size_t num = p->nlocation + 1;
	Perftools__Profiles__Location *m = perftools__profiles__location__unpack(&dc->alloc, f->n, f->d);
	if (!m) {
		char what[64];
		snprintf(what, sizeof what, "location %zu", num);
		return sub_failed(dc, f, what);
	}
	if (m->id == 0)
		return prof_errf(dc->err, "location %zu has id 0, which is reserved", num);
	GROW(p->locations, dc->loccap, p->nlocation + 1);
	prof_location *l = &p->locations[p->nlocation];
	*l = (prof_location){.id = m->id, .address = m->address, .mapping = PROF_NONE,
	                     .line_off = (uint32_t)p->nline, .nline = (uint32_t)m->n_line,
	                     .is_folded = m->is_folded};
	if (m->mapping_id != 0 && !location_mapping(dc, num, m->id, m->mapping_id, &l->mapping))
		return false;
	if (p->nline + m->n_line >= UINT32_MAX)
		return prof_errf(dc->err, "location %zu (id %" PRIu64 "): too many lines in the profile", num, m->id);
	GROW(p->lines, dc->linecap, p->nline + m->n_line);
	for (size_t i = 0; i < m->n_line; i++) {
		const Perftools__Profiles__Line *ln = m->line[i];
		uint32_t fi;
		if (!line_function(dc, num, m->id, i, ln->function_id, &fi))
			return false;
		p->lines[p->nline++] = (prof_line){.function = fi, .line = ln->line, .column = ln->column};
	}
	return count_location(dc, m->id);
}

typedef bool (*field_fn)(decoder *dc, const field *f);

/* Calls fn on every saved top-level field, in file order (a count of hand-decoded functions as a WT_FAST field). */
static bool each_saved(decoder *dc, field_fn fn)
{
	size_t at = 0;
	while (at < dc->nsaved) {
		uint64_t hdr[2];
		memcpy(hdr, dc->saved + at, sizeof hdr);
		const uint8_t *bytes = dc->saved + at + 16;
		size_t pos = 0;
		field f;
		if (hdr[1] == 0) {
			f = (field){.num = F_FUNCTION, .wt = WT_FAST, .at = (size_t)hdr[0]};
			memcpy(&f.v, bytes, sizeof f.v);
			at += 24;
			if (!fn(dc, &f))
				return false;
			continue;
		}
		if (!next_field(dc, bytes, (size_t)hdr[1], (size_t)hdr[0], &pos, &f) || !fn(dc, &f))
			return false;
		arena_reset(&dc->scratch);
		at += 16 + (size_t)hdr[1];
	}
	return true;
}

/* The location index of key (as raw_stacks stores it) at store index i; PROF_NONE after a message. */
static uint32_t resolve_slow(decoder *dc, uint32_t key, size_t i)
{
	const raw_stacks *rs = &dc->rs;
	uint64_t id = key < BIG_KEY ? (uint64_t)key + 1 : dc->bigid_list[key - BIG_KEY];
	uint32_t li = idmap_get(&dc->locations, id);
	if (li == PROF_NONE) {
		/* Name the first sample that uses a stack holding it (on this error only: no table of them). */
		size_t s = 0, k = 0;
		while (s + 1 < rs->n && rs->st[s].off + rs->st[s].len <= i)
			s++;
		while (k + 1 < dc->p->nsample && dc->p->samples[k].stack != s)
			k++;
		prof_errf(dc->err, "sample %zu refers to location %" PRIu64 ", which is not defined", k + 1, id);
	}
	return li;
}

/*
 * The location index of key (as raw_stacks stores it) at store index i;
 * PROF_NONE after a message. Runtime profiles number locations 1..n in
 * order: the hash is skipped then, inline (21M keys on 1M samples).
 */
static inline uint32_t resolve_key(decoder *dc, uint32_t key, size_t i)
{
	const prof_profile *p = dc->p;
	/* While the ids ran 1..n the map holds no table: id k is location k - 1, without reading it. */
	if (key < p->nlocation && (!dc->locations.sparse || p->locations[key].id == (uint64_t)key + 1))
		return key;
	return resolve_slow(dc, key, i);
}

/*
 * Turns raw stacks (location id keys) into model stacks (location indices),
 * in place. The indices are 16-bit when the profile has at most 65536
 * locations, whatever its ids were, else 32-bit.
 */
static bool resolve_stacks(decoder *dc)
{
	prof_profile *p = dc->p;
	raw_stacks *rs = &dc->rs;
	if (rs->narrow && p->nlocation > UINT16_MAX + 1)
		raw_widen(rs);
	/*
	 * Ids 1..n in order (the map has no table) and every key below n: each
	 * key is its location's index already (tens of millions on a big
	 * profile), unless 32-bit keys are to be narrowed.
	 */
	bool as_is = !dc->locations.sparse && rs->maxkey < p->nlocation &&
	             (rs->narrow || p->nlocation > UINT16_MAX + 1);
	if (rs->narrow && !as_is) {
		for (size_t i = 0; i < rs->nids; i++) {
			uint32_t li = resolve_key(dc, rs->narrow[i], i);
			if (li == PROF_NONE)
				return false;
			rs->narrow[i] = (uint16_t)li;
		}
	} else if (rs->wide && !as_is) {
		bool fits = p->nlocation <= UINT16_MAX + 1;
		uint16_t *narrow = (uint16_t *)rs->wide;
		for (size_t i = 0; i < rs->nids; i++) {
			uint32_t li = resolve_key(dc, rs->wide[i], i);
			if (li == PROF_NONE)
				return false;
			/* Narrowed in place when it fits: index i is read before 2i bytes in is written. */
			if (fits)
				narrow[i] = (uint16_t)li;
			else
				rs->wide[i] = li;
		}
		if (fits) {
			rs->narrow = narrow;
			rs->wide = NULL;
			rs->idcap *= 2;
		}
	}
	/* Distinct id sequences are distinct location sequences: no re-interning. */
	if (rs->idcap > rs->nids + 1024) {
		if (rs->narrow)
			rs->narrow = xrealloc(rs->narrow, (rs->nids + 1) * sizeof *rs->narrow);
		else
			rs->wide = xrealloc(rs->wide, (rs->nids + 1) * sizeof *rs->wide);
		rs->idcap = rs->nids + 1;
	}
	p->stack_locs = (prof_locstore){.narrow = rs->narrow, .wide = rs->wide};
	p->stacks = rs->st;
	p->nstack = rs->n;
	p->nstack_loc = rs->nids;
	rs->narrow = NULL;
	rs->wide = NULL;
	rs->st = NULL;
	return true;
}

/*
 * The 1-based number of the first sample holding label i: the one that
 * stored its run (samples with equal labels share an earlier sample's run).
 */
static size_t label_sample(const prof_profile *p, size_t i)
{
	for (size_t s = 0; s < p->nsample; s++)
		if (p->samples[s].label_off <= i && i - p->samples[s].label_off < p->samples[s].nlabel)
			return s + 1;
	return p->nsample;
}

static bool resolve_labels(decoder *dc)
{
	prof_profile *p = dc->p;
	if (dc->bad_label_field)
		return prof_errf(dc->err, "sample %zu: %s is string %" PRId64 ", but the string table has %zu strings",
		                 dc->bad_label_sample, dc->bad_label_field, dc->bad_label_index, dc->nstr);
	for (size_t i = 0; i < p->nlabel; i++) {
		prof_label *l = &p->labels[i];
		uint32_t *fields[3] = {&l->key, &l->str, &l->num_unit};
		static const char *const names[3] = {"label key", "label value", "label unit"};
		for (int k = 0; k < 3; k++) {
			if (*fields[k] >= dc->nstr)
				return prof_errf(dc->err, "sample %zu: %s is string %u, but the string table has %zu strings",
				                 label_sample(p, i), names[k], *fields[k], dc->nstr);
			*fields[k] = dc->strs[*fields[k]];
		}
	}
	return true;
}

static bool check_values(decoder *dc)
{
	prof_profile *p = dc->p;
	size_t nt = p->nsample_type;
	if (p->nsample == 0)
		return true;
	size_t si = 1, n = dc->first_nvalue;
	if (n == nt && dc->bad_sample) {
		si = dc->bad_sample;
		n = dc->bad_nvalue;
	}
	if (n == nt && !dc->bad_sample)
		return true;
	if (nt == 0)
		return prof_errf(dc->err, "sample %zu has values, but the profile declares no sample types", si);
	return prof_errf(dc->err, "sample %zu has %zu value%s, but the profile has %zu sample type%s", si, n,
	                 n == 1 ? "" : "s", nt, nt == 1 ? "" : "s");
}

/* Text (a log, an HTML error page) sometimes parses as a few protobuf fields. */
static bool looks_like_text(const uint8_t *d, size_t n)
{
	if (n > 64)
		n = 64;
	for (size_t i = 0; i < n; i++)
		if ((d[i] < 0x20 || d[i] > 0x7e) && d[i] != '\t' && d[i] != '\n' && d[i] != '\r')
			return false;
	return true;
}

prof_profile *prof_decode_pb_stream(pb_source *src, prof_err *err)
{
	decoder dc = {.err = err};
	dc.p = prof_profile_new();
	arena_init(&dc.scratch, 64 * 1024);
	dc.alloc = (ProtobufCAllocator){pb_alloc, pb_free, &dc.scratch};
	dc.insize = src->inlen;
	dc.budget = prof_model_budget(src->limit, src->inlen);

	dc.rs.seed = hashtab_new_seed();
	/* A helper thread pays on big files only (the threshold: a few milliseconds of decoding). */
	if (src->inlen >= (1u << 20))
		dc.rs.pf = prefault_new();
	bool ok = stream(&dc, src);
	if (dc.rs.pf) {
		prefault_free(dc.rs.pf);
		dc.rs.pf = NULL;
		prefault_release_arrays(&dc);
	}
	if (ok)
		raw_drain(&dc.rs, dc.p->samples);
	/* Every stack is interned: the index goes before the rest is resolved. */
	free(dc.rs.slots);
	free(dc.rs.next);
	dc.rs.slots = dc.rs.next = NULL;
	dc.rs.nslots = 0;
	hashtab_free(&dc.lr.index);
	free(dc.lr.runs);
	if (ok && src->total == 0)
		ok = prof_errf(err, "empty input (gzip data inflates to nothing)");
	if (!ok && err->set && !pb_source_failed(src) && !dc.over_budget &&
	    (strncmp(err->msg, "byte 0:", 7) == 0 || looks_like_text(src->head, src->nhead))) {
		/* Nothing parsed at all: most likely not a profile, not a damaged one. */
		err->set = false;
		prof_errf(err, "unrecognized profile format (not a pprof protobuf profile)");
	}
	if (ok && dc.nstr == 0)
		ok = prof_errf(err, "the profile has no string table (not even its empty string 0)");
	else if (ok && dc.strs[0] != 0)
		ok = prof_errf(err, "string table entry 0 is \"%.40s\", but it must be empty",
		               prof_str(dc.p, dc.strs[0]));
	ok = ok && each_saved(&dc, header_field);
	ok = ok && fast_locations(&dc);
	ok = ok && each_saved(&dc, location_field);
	ok = ok && check_values(&dc);
	ok = ok && resolve_stacks(&dc);
	ok = ok && resolve_labels(&dc);

	free(dc.rs.narrow);
	free(dc.rs.wide);
	free(dc.rs.tail);
	for (size_t i = 0; i < PENDING; i++)
		free(dc.rs.queue[i].ids);
	free(dc.rs.st);
	free(dc.rs.slots);
	free(dc.bigid_list);
	idmap_free(&dc.bigids);
	free(dc.saved);
	free(dc.strs);
	idmap_free(&dc.mappings);
	idmap_free(&dc.functions);
	idmap_free(&dc.locations);
	arena_free(&dc.scratch);
	if (!ok) {
		prof_profile_free(dc.p);
		return NULL;
	}
	return dc.p;
}
