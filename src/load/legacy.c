/*
 * legacy: see legacy.h. This file: telling the legacy formats apart, and
 * the C++ text formats (heap, contentionz, threadz). The binary CPU profile
 * is in legacy_cpu.c, Java's formats in java.c, memory maps and the model
 * in legacy_map.c.
 *
 *   heap profile:   3:  12288 [    10:    40960] @ heapprofile
 *        1:  4096 [     4:    16384] @ 0x401b2c 0x401c10
 *   MAPPED_LIBRARIES:
 *   00400000-00403000 r-xp 00000000 08:01 123   /opt/app/server
 *
 *   --- contentionz 1 ---        --- threadz 1 ---
 *   cycles/second = 2000000000   --- Thread 1 (name: main/1) stack: ---
 *   sampling period = 100          PC: 0x401b2c 0x401c10
 *   2000000 4 @ 0x401b2c         --- Memory map: ---
 *
 * Stack addresses are return addresses; pprof subtracts 1 to land on the
 * call (in threadz, all but the first, which is where the thread stood).
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/legacy.h"
#include "load/text.h"
#include "util/arena.h"

/* Go's float64 to int64 is garbage out of range; prof refuses such values. */
static bool to_int64(double x, int64_t *out)
{
	if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))
		return false;
	*out = (int64_t)x;
	return true;
}

/* ---- the patterns ---- */

/* heapHeaderRE and its growthz and fragmentationz cousins. */
static void rx_heap_header(lg_rx *r, const char *tail)
{
	lg_rx_init(r, false);
	int S = lg_rx_class(r, " "), D = lg_rx_class(r, "0-9");
	lg_rx_lit(r, "heap profile:");
	for (int i = 1; i <= 4; i++) {
		lg_rx_star(r, S);
		if (i == 3) {
			lg_rx_lit(r, "[");
			lg_rx_star(r, S);
		}
		lg_rx_save(r, i, false);
		lg_rx_plus(r, D);
		lg_rx_save(r, i, true);
		if (i % 2)
			lg_rx_lit(r, ":");
	}
	lg_rx_star(r, S);
	lg_rx_lit(r, "]");
	if (tail) {
		lg_rx_lit(r, tail);
		return;
	}
	lg_rx_star(r, S);
	lg_rx_lit(r, "@");
	lg_rx_star(r, S);
	lg_rx_save(r, 5, false);
	lg_rx_lit(r, "heap");
	lg_rx_star(r, lg_rx_class(r, "_a-z0-9"));
	lg_rx_save(r, 5, true);
	lg_rx_opt(r, lg_rx_class(r, "/"));
	lg_rx_save(r, 6, false);
	lg_rx_star(r, D);
	lg_rx_save(r, 6, true);
}

/* heapSampleRE: (-?\d+): *(-?\d+) *\[ *(\d+): *(\d+) *] @([ x0-9a-f]*) */
static void rx_heap_sample(lg_rx *r)
{
	lg_rx_init(r, false);
	int S = lg_rx_class(r, " "), D = lg_rx_class(r, "0-9"), M = lg_rx_class(r, "\\-");
	for (int i = 1; i <= 4; i++) {
		if (i > 1)
			lg_rx_star(r, S);
		if (i == 3) {
			lg_rx_lit(r, "[");
			lg_rx_star(r, S);
		}
		lg_rx_save(r, i, false);
		if (i < 3)
			lg_rx_opt(r, M);
		lg_rx_plus(r, D);
		lg_rx_save(r, i, true);
		if (i % 2)
			lg_rx_lit(r, ":");
	}
	lg_rx_star(r, S);
	lg_rx_lit(r, "] @");
	lg_rx_save(r, 5, false);
	lg_rx_star(r, lg_rx_class(r, " x0-9a-f"));
	lg_rx_save(r, 5, true);
}

/* contentionSampleRE: (\d+) *(\d+) @([ x0-9a-f]*) */
static void rx_contention_sample(lg_rx *r)
{
	lg_rx_init(r, false);
	int D = lg_rx_class(r, "0-9");
	lg_rx_save(r, 1, false);
	lg_rx_plus(r, D);
	lg_rx_save(r, 1, true);
	lg_rx_star(r, lg_rx_class(r, " "));
	lg_rx_save(r, 2, false);
	lg_rx_plus(r, D);
	lg_rx_save(r, 2, true);
	lg_rx_lit(r, " @");
	lg_rx_save(r, 3, false);
	lg_rx_star(r, lg_rx_class(r, " x0-9a-f"));
	lg_rx_save(r, 3, true);
}

/* threadzStartRE "--- threadz \d+ ---" and threadStartRE "--- Thread ([[:xdigit:]]+) \(name: (.*)/(\d+)\) stack: ---". */
static void rx_threadz(lg_rx *r)
{
	lg_rx_init(r, false);
	lg_rx_lit(r, "--- threadz ");
	lg_rx_plus(r, lg_rx_class(r, "0-9"));
	lg_rx_lit(r, " ---");
}

static void rx_thread(lg_rx *r)
{
	lg_rx_init(r, false);
	lg_rx_lit(r, "--- Thread ");
	lg_rx_plus(r, lg_rx_class(r, "0-9a-fA-F"));
	lg_rx_lit(r, " (name: ");
	lg_rx_star(r, lg_rx_class(r, "^\n"));
	lg_rx_lit(r, "/");
	lg_rx_plus(r, lg_rx_class(r, "0-9"));
	lg_rx_lit(r, ") stack: ---");
}

static bool rx_matches(void (*build)(lg_rx *), const char *s, size_t n)
{
	lg_rx r;
	size_t caps[2 * LG_RX_CAPS];
	build(&r);
	return lg_rx_exec(&r, s, n, caps);
}

/* ---- telling the formats apart ---- */

enum kind { K_NONE, K_CPU, K_HEAP, K_THREAD, K_CONTENTION, K_JAVA };

/* The heap header of line s[0..n), as pprof's parseHeapHeader reads it. */
typedef struct heap_header {
	bool v2;       /* unsample with the rate */
	bool has_alloc;
	bool go;       /* "@ heap/N": Go's text, text.c's unless it has a memory map */
	int64_t period;
} heap_header;

static bool read_heap_header(const char *s, size_t n, heap_header *h)
{
	lg_rx r;
	size_t c[2 * LG_RX_CAPS];
	*h = (heap_header){.period = 1};
	if (!lg_contains(s, n, "heap profile:"))
		return false; /* the cheap test first: this runs on every protobuf file too */
	rx_heap_header(&r, NULL);
	if (!lg_rx_exec(&r, s, n, c)) {
		rx_heap_header(&r, " @ growth");
		if (lg_rx_exec(&r, s, n, c))
			return true;
		rx_heap_header(&r, " @ fragmentation");
		return lg_rx_exec(&r, s, n, c);
	}
	int64_t period = 0;
	if (lg_cap_len(c, 6) && lg_parse_int(s + c[12], lg_cap_len(c, 6), 10, &period) != LG_NUM_OK)
		return false;
	/* Counts compare as strings, as pprof compares them. */
#define SAME(i, j) (lg_cap_len(c, i) == lg_cap_len(c, j) && memcmp(s + c[2 * (i)], s + c[2 * (j)], lg_cap_len(c, i)) == 0)
#define ZERO(i) (lg_cap_len(c, i) == 1 && s[c[2 * (i)]] == '0')
	h->has_alloc = (!SAME(3, 1) && !ZERO(3)) || (!SAME(4, 2) && !ZERO(4));
#undef SAME
#undef ZERO
	const char *t = s + c[10];
	size_t tl = lg_cap_len(c, 5);
#define IS(lit) (tl == sizeof lit - 1 && memcmp(t, lit, tl) == 0)
	if (IS("heapz_v2") || IS("heap_v2")) {
		h->v2 = true;
		h->period = period;
	} else if (IS("heapprofile")) {
		h->period = 1;
	} else if (IS("heap")) {
		h->v2 = h->go = true;
		h->period = period / 2;
	} else {
		return false;
	}
#undef IS
	return true;
}

/* pprof's countStartRE: \A(\S+) profile: total \d+\z */
static bool is_go_count_header(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && !(s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\f' || s[i] == '\r'))
		i++;
	if (i == 0 || !lg_has_prefix(s + i, n - i, " profile: total "))
		return false;
	i += 16;
	size_t d = i;
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i > d && i == n;
}

static bool has_map_sentinel(const uint8_t *d, size_t n)
{
	return lg_contains((const char *)d, n, "--- Memory map: ---") ||
	       lg_contains((const char *)d, n, "MAPPED_LIBRARIES:");
}

/* pprof tries CPU, heap, Go counts, threadz, contentionz, then Java; so does this. */
static enum kind kind_of(const uint8_t *d, size_t n)
{
	int word;
	bool big, java;
	if (lg_cpu_header(d, n, &word, &big, &java))
		return K_CPU;
	lg_scan sc = {(const char *)d, n, 0, 0, false, NULL};
	const char *s;
	size_t len;
	if (!lg_scan_line(&sc, &s, &len))
		return K_NONE;
	heap_header h;
	if (read_heap_header(s, len, &h))
		return !h.go || has_map_sentinel(d, n) ? K_HEAP : K_NONE;
	const char *first = s;
	size_t firstlen = len;
	while (lg_space_or_comment(s, len))
		if (!lg_scan_line(&sc, &s, &len)) {
			s = "";
			len = 0;
			break;
		}
	if (is_go_count_header(s, len))
		return K_NONE;
	if ((lg_contains(s, len, "--- threadz ") && rx_matches(rx_threadz, s, len)) ||
	    (lg_contains(s, len, "--- Thread ") && rx_matches(rx_thread, s, len)))
		return K_THREAD;
	if (lg_has_prefix(first, firstlen, "--- contentionz "))
		return K_CONTENTION;
	if (lg_java_sniff(d, n))
		return K_JAVA;
	return K_NONE;
}

bool prof_legacy_binary_head(const uint8_t *d, size_t n)
{
	int word;
	bool big, java;
	return lg_cpu_header(d, n, &word, &big, &java);
}

bool prof_legacy_sniff(const uint8_t *d, size_t n)
{
	return kind_of(d, n) != K_NONE;
}

/* ---- shared by the text formats ---- */

typedef struct parser {
	lg_builder b;
	lg_scan sc;
	uint64_t *addrs;
	size_t naddr, addrcap;
	char where[32];
} parser;

static const char *at_line(parser *ps)
{
	snprintf(ps->where, sizeof ps->where, "line %zu", ps->sc.no);
	return ps->where;
}

/* The addresses in s[0..n) into ps->addrs; false (and *err) when one is too large. */
static bool addresses(parser *ps, const char *s, size_t n)
{
	const char *bad;
	size_t badn;
	char buf[64];
	ps->naddr = 0;
	if (lg_hex_addrs(s, n, &ps->addrs, &ps->naddr, &ps->addrcap, &bad, &badn) != LG_NUM_OK)
		return prof_errf(ps->b.err, "line %zu: stack address %s does not fit 64 bits", ps->sc.no,
		                 text_snip(buf, sizeof buf, bad, badn));
	return true;
}

/* Pushes the stack in ps->addrs, each minus 1 from index `from` on. */
static void push_stack(parser *ps, size_t from)
{
	for (size_t i = 0; i < ps->naddr; i++)
		lg_push(&ps->b, lg_location(&ps->b, i >= from ? ps->addrs[i] - 1 : ps->addrs[i]));
}

static bool too_long(parser *ps)
{
	if (!ps->sc.too_long)
		return true;
	return prof_errf(ps->b.err, "line %zu: longer than 65535 bytes", ps->sc.no);
}

/* The memory map after the samples, when the scanner stands on its sentinel. */
static bool finish(parser *ps, bool at_sentinel)
{
	if (!at_sentinel)
		ps->sc.pos = ps->sc.n;
	return lg_memory_map(&ps->b, &ps->sc);
}

/* ---- heap ---- */

/* One "count: bytes" pair, as pprof's addValues takes it; false (and *err) when bad. */
static bool heap_pair(parser *ps, const heap_header *h, const char *s, const size_t *c, int ci, int bi,
                      const char *what, int64_t *out, int64_t *blocksize)
{
	int64_t count, size;
	char buf[64];
	if (lg_parse_int(s + c[2 * ci], lg_cap_len(c, ci), 10, &count) != LG_NUM_OK)
		return prof_errf(ps->b.err, "line %zu: %s count %s is out of range", ps->sc.no, what,
		                 text_snip(buf, sizeof buf, s + c[2 * ci], lg_cap_len(c, ci)));
	if (lg_parse_int(s + c[2 * bi], lg_cap_len(c, bi), 10, &size) != LG_NUM_OK)
		return prof_errf(ps->b.err, "line %zu: %s bytes %s is out of range", ps->sc.no, what,
		                 text_snip(buf, sizeof buf, s + c[2 * bi], lg_cap_len(c, bi)));
	if (count == 0 && size != 0)
		return prof_errf(ps->b.err, "line %zu: %s count is 0 but %s bytes is %" PRId64, ps->sc.no, what, what,
		                 size);
	if (count != 0) {
		/* Go's division: the most negative value divided by -1 is itself. */
		*blocksize = count == -1 ? (int64_t)(0 - (uint64_t)size) : size / count;
		if (h->v2 && size == 0) {
			count = 0; /* pprof's scaleHeapSample */
		} else if (h->v2 && h->period > 1) {
			double avg = (double)size / (double)count;
			double scale = 1 / (1 - exp(-avg / (double)h->period));
			if (!to_int64((double)count * scale, &count) || !to_int64((double)size * scale, &size))
				return prof_errf(ps->b.err, "line %zu: the %s sample is too large to unsample", ps->sc.no, what);
		}
	} else {
		size = 0;
	}
	out[0] = count;
	out[1] = size;
	return true;
}

static bool parse_heap(parser *ps)
{
	const char *s;
	size_t n;
	heap_header h;
	lg_scan_line(&ps->sc, &s, &n);
	read_heap_header(s, n, &h);
	static const char *const four[] = {"alloc_objects", "count", "alloc_space", "bytes",
	                                   "inuse_objects", "count", "inuse_space", "bytes"};
	static const char *const two[] = {"objects", "count", "space", "bytes"};
	lg_types(&ps->b, h.has_alloc ? four : two, h.has_alloc ? 4 : 2, "space", "bytes");
	ps->b.p->period = h.period;
	ps->b.bytes_label = true;
	lg_rx r;
	rx_heap_sample(&r);
	bool sentinel = false;
	while (lg_scan_line(&ps->sc, &s, &n)) {
		lg_trim(&s, &n);
		if (lg_space_or_comment(s, n))
			continue;
		if (lg_map_sentinel(s, n)) {
			sentinel = true;
			break;
		}
		size_t c[2 * LG_RX_CAPS];
		char buf[64];
		if (!lg_rx_exec(&r, s, n, c))
			return prof_errf(ps->b.err, "line %zu: %s is not a heap sample \"N: BYTES [N: BYTES] @ ADDRS\"",
			                 ps->sc.no, text_snip(buf, sizeof buf, s, n));
		int64_t v[4], blocksize = 0;
		if (h.has_alloc && !heap_pair(ps, &h, s, c, 3, 4, "allocation", v, &blocksize))
			return false;
		if (!heap_pair(ps, &h, s, c, 1, 2, "in-use", v + (h.has_alloc ? 2 : 0), &blocksize))
			return false;
		if (!addresses(ps, s + c[10], lg_cap_len(c, 5)))
			return false;
		push_stack(ps, 0);
		if (!lg_sample_end(&ps->b, v, blocksize, at_line(ps)))
			return false;
	}
	return too_long(ps) && finish(ps, sentinel);
}

/* ---- contentionz ---- */

/*
 * C++ contention profiles. A header line pprof does not know, or a sample it
 * cannot read, makes pprof try the file as Java's contentionz instead:
 * *other is set then.
 */
static bool parse_contention(parser *ps, bool *other)
{
	prof_profile *p = ps->b.p;
	static const char *const types[] = {"contentions", "count", "delay", "nanoseconds"};
	lg_types(&ps->b, types, 2, "contentions", "count");
	p->period = 1;
	const char *s = "", *raw;
	size_t n = 0, rawn;
	char buf[64];
	int64_t hz = 0;
	lg_scan_line(&ps->sc, &raw, &rawn);
	bool more;
	/* "key = value" attributes up to the first other line. */
	while ((more = lg_scan_line(&ps->sc, &raw, &rawn))) {
		s = raw;
		n = rawn;
		lg_trim(&s, &n);
		if (lg_space_or_comment(s, n))
			continue;
		const char *eq = memchr(s, '=', n);
		if (lg_has_prefix(s, n, "---") || !eq)
			break;
		const char *k = s, *v = eq + 1;
		size_t kl = (size_t)(eq - s), vl = n - kl - 1;
		lg_trim(&k, &kl);
		lg_trim(&v, &vl);
		int64_t val = 0;
		int rc = lg_parse_int(v, vl, 0, &val);
#define KEY(lit) (kl == sizeof lit - 1 && memcmp(k, lit, kl) == 0)
		if (KEY("discarded samples"))
			continue;
		if (KEY("format") || KEY("resolution") ||
		    !(KEY("cycles/second") || KEY("sampling period") || KEY("ms since reset"))) {
			*other = true;
			return prof_errf(ps->b.err, "line %zu: unknown contention profile attribute %s", ps->sc.no,
			                 text_snip(buf, sizeof buf, k, kl));
		}
		if (rc != LG_NUM_OK) {
			*other = true;
			return prof_errf(ps->b.err, "line %zu: %s is not a number", ps->sc.no, text_snip(buf, sizeof buf, v, vl));
		}
		if (KEY("cycles/second")) {
			hz = val;
		} else if (KEY("sampling period")) {
			p->period = val;
		} else {
			if (val > INT64_MAX / 1000000 || val < INT64_MIN / 1000000)
				return prof_errf(ps->b.err, "line %zu: ms since reset is out of range", ps->sc.no);
			p->duration_nanos = val * 1000000;
		}
#undef KEY
	}
	if (!more) {
		s = "";
		n = 0;
	}
	lg_rx r;
	rx_contention_sample(&r);
	while (more || n) {
		if (lg_has_prefix(s, n, "---"))
			break;
		if (!lg_space_or_comment(s, n)) {
			size_t c[2 * LG_RX_CAPS];
			if (!lg_rx_exec(&r, s, n, c)) {
				*other = true;
				return prof_errf(ps->b.err, "line %zu: %s is not a contention sample \"CYCLES COUNT @ ADDRS\"",
				                 ps->sc.no, text_snip(buf, sizeof buf, s, n));
			}
			int64_t cycles, count;
			if (lg_parse_int(s + c[2], lg_cap_len(c, 1), 10, &cycles) != LG_NUM_OK ||
			    lg_parse_int(s + c[4], lg_cap_len(c, 2), 10, &count) != LG_NUM_OK)
				return prof_errf(ps->b.err, "line %zu: a value of the sample is out of range", ps->sc.no);
			if (p->period > 0) {
				if (hz > 0 && !to_int64((double)cycles * (double)p->period / ((double)hz / 1e9), &cycles))
					return prof_errf(ps->b.err, "line %zu: the delay of the sample is out of range", ps->sc.no);
				if (count > INT64_MAX / p->period)
					return prof_errf(ps->b.err,
					                 "line %zu: %" PRId64 " contentions times the sampling period %" PRId64
					                 " is out of range", ps->sc.no, count, p->period);
				count *= p->period;
			}
			if (!addresses(ps, s + c[6], lg_cap_len(c, 3)))
				return false;
			push_stack(ps, 0);
			int64_t v[2] = {count, cycles};
			if (!lg_sample_end(&ps->b, v, 0, at_line(ps)))
				return false;
		}
		if (!(more = lg_scan_line(&ps->sc, &raw, &rawn)))
			break;
		s = raw;
		n = rawn;
		lg_trim(&s, &n);
	}
	if (!too_long(ps))
		return false;
	/* pprof skips any other sections up to the memory map. */
	bool sentinel = more && lg_map_sentinel(raw, rawn);
	while (!sentinel && lg_scan_line(&ps->sc, &raw, &rawn))
		sentinel = lg_map_sentinel(raw, rawn);
	return too_long(ps) && finish(ps, sentinel);
}

/* ---- threadz ---- */

/*
 * One thread's stack: the lines up to the next "---" line, which it leaves
 * in *s (trimmed; "" at the end). *same: the thread said "same as previous
 * thread", which counts it into the sample before.
 */
static bool thread_stack(parser *ps, const char **s, size_t *n, bool *same)
{
	const char *l;
	size_t len;
	*same = false;
	*s = "";
	*n = 0;
	ps->naddr = 0;
	while (lg_scan_line(&ps->sc, &l, &len)) {
		lg_trim(&l, &len);
		*s = l;
		*n = len;
		if (len == 0)
			continue;
		if (lg_has_prefix(l, len, "---"))
			break;
		if (lg_contains(l, len, "same as previous thread")) {
			*same = true;
			continue;
		}
		const char *bad;
		size_t badn;
		char buf[64];
		if (lg_hex_addrs(l, len, &ps->addrs, &ps->naddr, &ps->addrcap, &bad, &badn) != LG_NUM_OK)
			return prof_errf(ps->b.err, "line %zu: stack address %s does not fit 64 bits", ps->sc.no,
			                 text_snip(buf, sizeof buf, bad, badn));
	}
	if (*same)
		ps->naddr = 0;
	return too_long(ps);
}

static bool parse_thread(parser *ps)
{
	prof_profile *p = ps->b.p;
	const char *s = "";
	size_t n = 0;
	bool got;
	while ((got = lg_scan_line(&ps->sc, &s, &n)) && lg_space_or_comment(s, n))
		;
	if (!got) {
		s = "";
		n = 0;
	}
	if (rx_matches(rx_threadz, s, n)) {
		/* Comments up to the first thread. */
		const char *l;
		size_t len;
		while (lg_scan_line(&ps->sc, &l, &len)) {
			s = l;
			n = len;
			if (lg_map_sentinel(s, n) || lg_has_prefix(s, n, "-"))
				break;
		}
	}
	if (!too_long(ps))
		return false;
	static const char *const types[] = {"thread", "count"};
	lg_types(&ps->b, types, 1, "thread", "count");
	p->period = 1;
	char buf[64];
	while (!lg_map_sentinel(s, n)) {
		if (lg_has_prefix(s, n, "---- no stack trace for"))
			break;
		if (!rx_matches(rx_thread, s, n) && ps->sc.pos >= ps->sc.n && ps->b.nsample > 0)
			return prof_errf(ps->b.err, "line %zu: the threads end without \"--- Memory map: ---\" or "
			                 "\"---- no stack trace for\"", ps->sc.no);
		if (!rx_matches(rx_thread, s, n))
			return prof_errf(ps->b.err, "line %zu: expected a thread \"--- Thread ID (name: NAME/N) stack: ---\""
			                 " or the memory map, found %s", ps->sc.no, n ? text_snip(buf, sizeof buf, s, n) : "nothing");
		bool same;
		if (!thread_stack(ps, &s, &n, &same))
			return false;
		if (ps->naddr == 0) {
			if (ps->b.nsample > 0) {
				if (ps->b.sums[0] == INT64_MAX)
					return prof_errf(ps->b.err, "line %zu: too many threads", ps->sc.no);
				ps->b.samples[ps->b.nsample - 1].v[0]++;
				ps->b.sums[0]++;
			}
			continue;
		}
		push_stack(ps, 1);
		int64_t one = 1;
		if (!lg_sample_end(&ps->b, &one, 0, at_line(ps)))
			return false;
	}
	/* pprof's parseAdditionalSections: on to the memory map, wherever it starts. */
	const char *l = s;
	size_t len = n;
	bool sentinel = lg_map_sentinel(l, len);
	while (!sentinel && lg_scan_line(&ps->sc, &l, &len))
		sentinel = lg_map_sentinel(l, len);
	if (!too_long(ps) || !finish(ps, sentinel))
		return false;
	lg_drop_duplicate_leaf(&ps->b);
	return true;
}

/* ---- decoding ---- */

prof_profile *prof_decode_legacy(const uint8_t *d, size_t n, prof_err *err)
{
	enum kind kind = kind_of(d, n);
	if (kind == K_CPU)
		return lg_decode_cpu(d, n, err);
	if (kind == K_JAVA)
		return lg_decode_java(d, n, err);
	if (kind == K_NONE) {
		prof_errf(err, "unrecognized legacy profile");
		return NULL;
	}
	prof_profile *p = prof_profile_new();
	parser ps = {.sc = {(const char *)d, n, 0, 0, false, NULL}};
	prof_err mine = {0};
	lg_init(&ps.b, p, &mine, 1);
	bool ok, other = false;
	if (kind == K_HEAP)
		ok = parse_heap(&ps);
	else if (kind == K_THREAD)
		ok = parse_thread(&ps);
	else
		ok = parse_contention(&ps, &other);
	if (ok) {
		lg_emit(&ps.b);
		lg_frame_info(p);
	}
	lg_free(&ps.b);
	free(ps.addrs);
	if (ok)
		return p;
	prof_profile_free(p);
	if (other && lg_java_sniff(d, n))
		return lg_decode_java(d, n, err);
	prof_errf(err, "%s", mine.msg);
	return NULL;
}
