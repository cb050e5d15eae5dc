/*
 * legacy: the profile formats that came before profile.proto and that pprof
 * still reads, decoded into the model as pprof's legacy parsers build them.
 *
 * Owns: recognizing and parsing
 *   - gperftools' binary CPU profile (32- or 64-bit words, either byte
 *     order; legacy_cpu.c), and its Java flavour, whose text tail names the
 *     frames;
 *   - threadz text ("--- threadz N ---", "--- Thread ... stack: ---");
 *   - C++ heap profiles ("heap profile: ... @ heapprofile", heap_v2,
 *     heapz_v2, growthz, fragmentationz), and Go's "@ heap/N" ones when they
 *     carry a memory map (plain Go text is text.c's);
 *   - C++ contention profiles ("--- contentionz ...");
 *   - Java heapz, contentionz and the frame list of Java CPU profiles
 *     (java.c);
 *   - the memory map that ends most of them ("--- Memory map: ---",
 *     "MAPPED_LIBRARIES:", /proc/self/maps lines; legacy_map.c).
 * The format is told by content, in the order pprof tries its parsers.
 *
 * Shape of the result, as pprof builds it: locations are addresses only
 * (return addresses minus 1 where pprof adjusts them), in mappings parsed
 * from the memory map or else in one fake mapping spanning everything;
 * values scaled and unsampled as pprof does; Java frames become functions
 * with file and line, and Java locations lose their addresses. The
 * profile's drop_frames are pprof's for the kind of profile.
 *
 * Errors: one line, "line N: what is wrong" (or "byte N: ..." in binary
 * data); no input can crash the parsers. Where pprof would quietly compute
 * garbage (values beyond 2^63, floats out of range) prof refuses the file.
 */
#ifndef PROF_LEGACY_H
#define PROF_LEGACY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/profile.h"
#include "util/hashtab.h"
#include "util/err.h"

/* Whether d[0..n) (uncompressed) is one of the formats above. */
bool prof_legacy_sniff(const uint8_t *d, size_t n);
/* Whether the first bytes are a binary CPU profile's header: cheap, for gzip'd input. */
bool prof_legacy_binary_head(const uint8_t *d, size_t n);
/* Decodes one of the formats above; NULL with *err set on bad input. */
prof_profile *prof_decode_legacy(const uint8_t *d, size_t n, prof_err *err);

/* ---- Shared by the legacy*.c and java.c files; not for other callers. ---- */

/* ---- Go's text functions, as pprof's parsers see text (legacy_go.c) ---- */

/* strings.TrimSpace: ASCII and Unicode white space at both ends. */
void lg_trim(const char **s, size_t *n);
/* pprof's isSpaceOrComment: blank after trimming, or starting with '#'. */
bool lg_space_or_comment(const char *s, size_t n);
/* Whether s[0..n) contains the NUL-terminated needle. */
bool lg_contains(const char *s, size_t n, const char *needle);
bool lg_has_prefix(const char *s, size_t n, const char *pre);
/* pprof's isMemoryMapSentinel. */
bool lg_map_sentinel(const char *s, size_t n);

enum { LG_NUM_OK, LG_NUM_SYNTAX, LG_NUM_RANGE };
/* strconv.ParseInt(s, base, 64) for base 0 (prefixes, underscores) or 10. */
int lg_parse_int(const char *s, size_t n, int base, int64_t *out);
/* strconv.ParseUint(s, 16, 64). */
int lg_parse_hex(const char *s, size_t n, uint64_t *out);

/*
 * pprof's parseHexAddresses: every "0x[0-9a-f]+" in s[0..n), in order,
 * appended to *addrs. LG_NUM_RANGE (and *bad, *badn: the number) when one
 * does not fit 64 bits.
 */
int lg_hex_addrs(const char *s, size_t n, uint64_t **addrs, size_t *naddr, size_t *cap, const char **bad,
                 size_t *badn);

/* bufio.Scanner with ScanLines, as pprof reads legacy text: lines up to 65535 bytes. */
typedef struct lg_scan {
	const char *d;
	size_t n, pos;
	size_t no;     /* 1-based number of the line last returned */
	bool too_long; /* stopped at a line of 64 KiB or more */
	const char *unit; /* what messages call a line: "line", or NULL for it */
} lg_scan;
/* The next line without "\n" and one trailing "\r"; false at the end or at a line too long. */
bool lg_scan_line(lg_scan *sc, const char **s, size_t *n);

/*
 * Go's regexp (RE2, leftmost-first submatches) for the few patterns pprof
 * uses: a program is built from character classes, greedy repetitions,
 * optional groups and captures, and run by a backtracker that visits each
 * (instruction, position) pair once, so matching is linear in the text.
 */
#define LG_RX_INSTS 96
#define LG_RX_CLASSES 32
#define LG_RX_CAPS 8
typedef struct lg_rx {
	struct lg_inst {
		uint8_t op, cls;
		uint8_t x, y;
	} code[LG_RX_INSTS];
	uint8_t cls[LG_RX_CLASSES][32];
	int n, ncls, ncap;
	bool anchored, overflow;
} lg_rx;

void lg_rx_init(lg_rx *r, bool anchored);
/*
 * A class: characters and ranges ("0-9a-f"), "\s" for Go's \s, "\w" for
 * Go's \w; a leading '^' negates. Returns its number for the calls below.
 */
int lg_rx_class(lg_rx *r, const char *spec);
void lg_rx_one(lg_rx *r, int cls);  /* [c]  */
void lg_rx_opt(lg_rx *r, int cls);  /* [c]? */
void lg_rx_star(lg_rx *r, int cls); /* [c]* */
void lg_rx_plus(lg_rx *r, int cls); /* [c]+ */
void lg_rx_lit(lg_rx *r, const char *lit);
/* (?:...)? : lg_rx_group_begin returns a mark for lg_rx_group_end. */
int lg_rx_group_begin(lg_rx *r);
void lg_rx_group_end(lg_rx *r, int mark);
/* Capture group i (1-based) starts or ends here. */
void lg_rx_save(lg_rx *r, int i, bool end);
void lg_rx_eol(lg_rx *r); /* $ */
/*
 * Runs r on s[0..n) (unanchored programs find the leftmost match). On a
 * match, caps[2i], caps[2i+1] bound group i (SIZE_MAX when it took no part).
 */
bool lg_rx_exec(const lg_rx *r, const char *s, size_t n, size_t caps[2 * LG_RX_CAPS]);
/* The length of group i in caps, 0 when it took no part. */
static inline size_t lg_cap_len(const size_t *caps, int i)
{
	return caps[2 * i] == SIZE_MAX ? 0 : caps[2 * i + 1] - caps[2 * i];
}

/* ---- the profile under construction (legacy_map.c) ---- */

typedef struct lg_map {
	uint64_t start, limit, offset;
	prof_strid file, build_id;
} lg_map;

typedef struct lg_loc {
	uint64_t addr;
	uint32_t map;  /* index into maps, or PROF_NONE */
	uint32_t func; /* index into funcs, or PROF_NONE: address only */
	int64_t line;
} lg_loc;

typedef struct lg_func {
	prof_strid name, file;
} lg_func;

typedef struct lg_sample {
	size_t off;  /* stack in stk[off..off+n), leaf first */
	uint32_t n;
	int64_t v[4];
	int64_t bytes; /* the "bytes" label of heap samples */
} lg_sample;

typedef struct lg_builder {
	prof_profile *p;
	prof_err *err;
	size_t nvalue; /* values per sample */
	bool bytes_label;
	int64_t sums[4]; /* per value: sum of |values|, kept below 2^63 */
	lg_loc *locs;
	size_t nloc, loccap;
	hashtab locindex; /* over locs, by address */
	uint32_t *stk;
	size_t nstk, stkcap;
	lg_sample *samples;
	size_t nsample, samplecap;
	lg_func *funcs;
	size_t nfunc, funccap;
	lg_map *maps;
	size_t nmap, mapcap;
	uint32_t *order; /* locations in pprof's numbering (remapLocationIDs) */
	size_t norder;
} lg_builder;

void lg_init(lg_builder *b, prof_profile *p, prof_err *err, size_t nvalue);
void lg_free(lg_builder *b);
/* The location at address addr, made when new. */
uint32_t lg_location(lg_builder *b, uint64_t addr);
void lg_push(lg_builder *b, uint32_t loc);
/*
 * Ends the sample of the locations pushed since the last one; false (and
 * *err, starting with where: "line 7") when a value's total passes 2^63.
 */
bool lg_sample_end(lg_builder *b, const int64_t *v, int64_t bytes, const char *where);
/* The location at address addr if there is one, else PROF_NONE. */
uint32_t lg_find_location(const lg_builder *b, uint64_t addr);
/* Sets the sample types (pairs type, unit) and, unless ptype is NULL, the period type. */
void lg_types(lg_builder *b, const char *const *types, size_t n, const char *ptype, const char *punit);

/*
 * pprof's ParseMemoryMap: mapping lines from the scanner to its end, then
 * the mapping heuristics and numbering (massageMappings, remapLocationIDs,
 * remapMappingIDs). false with *err when a line is too long.
 */
bool lg_memory_map(lg_builder *b, lg_scan *sc);
/* The numbering and mapping of locations without parsing a map (Java). */
void lg_remap(lg_builder *b);
/* pprof's Aggregate without addresses (Java): every address goes, and locations left equal merge. */
void lg_drop_addresses(lg_builder *b);
/* pprof's cleanupDuplicateLocations: a leaf seen twice (once adjusted) is kept once. */
void lg_drop_duplicate_leaf(lg_builder *b);
/* Moves the result into b->p. */
void lg_emit(lg_builder *b);
/* Sets p's drop_frames (and keep_frames) as pprof's addLegacyFrameInfo does. */
void lg_frame_info(prof_profile *p);

/* ---- the formats ---- */

/* legacy_cpu.c: the binary CPU profile; *java set when it is Java's. */
bool lg_cpu_header(const uint8_t *d, size_t n, int *word, bool *big, bool *java);
prof_profile *lg_decode_cpu(const uint8_t *d, size_t n, prof_err *err);

/* java.c */
bool lg_java_sniff(const uint8_t *d, size_t n);
prof_profile *lg_decode_java(const uint8_t *d, size_t n, prof_err *err);
/*
 * The frame list after Java samples (s[0..n), whose first line is line
 * lineno + 1, called unit in messages): names the locations it lists.
 */
bool lg_java_locations(lg_builder *b, const char *s, size_t n, size_t lineno, const char *unit);

#endif
