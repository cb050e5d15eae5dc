/*
 * text: the Go runtime's text profiles, decoded into the model.
 *
 * Owns: recognizing and parsing what runtime/pprof writes with debug=1
 * (goroutine, threadcreate and other count profiles; heap and allocs;
 * block and mutex contention) and goroutine dumps (debug=2, or the goroutine
 * section of a crash log). The format is told by content, never by name.
 *
 * Shape of the result, as pprof's legacy parsers build it:
 *   - count profiles: one type {NAME, count}, period 1, one sample per record;
 *   - heap: alloc_objects, alloc_space, inuse_objects, inuse_space (default
 *     inuse_space), period type space/bytes, values unsampled as pprof does;
 *   - contention: contentions/count and delay/nanoseconds, as pprof scales them;
 *   - goroutine dumps: one sample of count 1 per goroutine, with string labels
 *     "state" and "created_by" and a numeric label "wait_minutes".
 * In debug=1 text, a location is a stack address (minus 1, landing on the
 * call, as pprof does); the "#" frame lines name it. Addresses the runtime
 * did not print a frame for (leading runtime frames, runtime.goexit) keep only
 * the address. Frames the runtime inlined share one location, innermost line
 * first, as in the runtime's protobuf output. Goroutine dump frames have no
 * address: one location per distinct run of frames (address 0).
 *
 * Errors: one line, "line N: what is wrong"; no input can crash the parser.
 */
#ifndef PROF_TEXT_H
#define PROF_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/profile.h"
#include "util/hashtab.h"
#include "util/err.h"

/*
 * Whether d[0..n) (uncompressed) is one of the text formats above. Looks at
 * the first line for the debug=1 headers, and through the whole text for a
 * goroutine header ("goroutine 1 [running]:") when it starts like text.
 */
bool prof_text_sniff(const uint8_t *d, size_t n);

/* Whether the first bytes could start a text profile (no control bytes): cheap, for gzip'd input. */
bool prof_text_head(const uint8_t *d, size_t n);

/* Decodes a text profile; NULL with *err set ("line N: ...") on bad input. */
prof_profile *prof_decode_text(const uint8_t *d, size_t n, prof_err *err);
/*
 * The same, where d is a private read-only mapping of a file: a big
 * goroutine dump hands its pages back as it is read (the model never
 * points into d).
 */
prof_profile *prof_decode_text_mapped(const uint8_t *d, size_t n, bool mapped, prof_err *err);

/* ---- Shared by text.c and text_dump.c; not for other callers. ---- */

/* Maps a short sequence of 64-bit words to a uint32 (location and function keys). */
typedef struct text_keymap {
	uint64_t *pool; /* all keys, back to back */
	size_t npool, poolcap;
	struct text_kent {
		size_t off;
		uint32_t len, val;
	} *ents;
	size_t n, cap;
	hashtab index; /* over ents */
} text_keymap;

/* A hash of the words k[0..n), for the tables below (util/hashtab seeds it). */
uint64_t text_key_hash(const uint64_t *k, size_t n);
/* The value filed under k[0..n) (hash h, from text_key_hash), or PROF_NONE. */
uint32_t text_keymap_find(const text_keymap *m, const uint64_t *k, size_t n, uint64_t h);
/* Files val under a key text_keymap_find did not find. */
void text_keymap_put(text_keymap *m, const uint64_t *k, size_t n, uint64_t h, uint32_t val);
void text_keymap_free(text_keymap *m);

/* Builds a profile: functions, locations, stacks, samples and labels. */
typedef struct text_builder {
	prof_profile *p;
	prof_err *err;
	size_t lineno;    /* the line being parsed, for messages */
	prof_stack_index six;
	size_t loccap, linecap, funccap, samplecap, valuecap, labelcap, commentcap;
	text_keymap funcs, locs;
	uint32_t *stack;  /* the current sample's locations, leaf first */
	size_t nstack, stackcap;
	size_t label_off; /* the current sample's labels start here */
	int64_t sums[4];  /* per sample type: sum of |values|, kept below 2^63 */
} text_builder;

void text_builder_init(text_builder *b, prof_profile *p, prof_err *err);
void text_builder_free(text_builder *b);
/* Sets the sample types (pairs type, unit) and period type; n <= 4. */
void text_set_types(text_builder *b, const char *const *types, size_t n, const char *ptype,
                    const char *punit, int64_t period);
prof_strid text_intern(text_builder *b, const char *s, size_t n);
uint32_t text_function(text_builder *b, prof_strid name, prof_strid file);
/*
 * The location for key[0..nkey); when new, it gets address and lines
 * (function index, line number pairs, innermost first). A location first
 * seen without lines takes the lines of a later sighting.
 */
uint32_t text_location(text_builder *b, const uint64_t *key, size_t nkey, uint64_t address,
                       const uint32_t *funcs, const int64_t *lines, size_t nline);
void text_push(text_builder *b, uint32_t loc);
void text_label_str(text_builder *b, prof_strid key, prof_strid val);
void text_label_num(text_builder *b, prof_strid key, int64_t num, prof_strid unit);
/* Ends the current sample with values[0..nsample_type); false (and *err) when totals overflow. */
bool text_sample(text_builder *b, const int64_t *values);
/* The locations pushed since the last sample as an interned stack; forgets them. */
uint32_t text_stack(text_builder *b);
/* text_sample with a stack already interned (text_stack), the pushed locations unused. */
bool text_sample_stack(text_builder *b, const int64_t *values, uint32_t stack);
void text_comment(text_builder *b, const char *s, size_t n);

/* Writes s[0..n) for an error message: quoted, at most 40 bytes, unprintable bytes as '?'. */
const char *text_snip(char *buf, size_t cap, const char *s, size_t n);

/*
 * Go's strconv.Quote output (and the runtime's printquoted, a subset) back
 * to bytes: s[0] is '"'; out has room for e - s bytes (unquoting never
 * grows a string); *used gets the length consumed, quotes included.
 */
bool text_unquote(const char *s, const char *e, char *out, size_t *outn, size_t *used);

/* The goroutine dump parser (text_dump.c); mapped as for prof_decode_text_mapped. */
prof_profile *text_decode_dump(const uint8_t *d, size_t n, bool mapped, prof_err *err);
/*
 * The same, read in two parts when n >= split_min (SIZE_MAX: one pass) and
 * a goroutine header follows the middle; for tests, which compare the two.
 */
prof_profile *text_decode_dump_split(const uint8_t *d, size_t n, bool mapped, size_t split_min, prof_err *err);
/* Whether line[0..n) is a goroutine dump header "goroutine N [...]:". */
bool text_is_dump_header(const char *line, size_t n);

#endif
