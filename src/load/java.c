/*
 * java: see legacy.h. The text profiles of Google's Java agent, and the
 * frame list that also ends its binary CPU profiles:
 *
 *   --- heapz 1 ---                    --- contentionz 1 ---
 *   format = java                      format = java
 *   resolution = bytes                 resolution = microseconds
 *                                      sampling period = 100
 *   BYTES COUNT @ 0x1 0x2              DELAY COUNT @ 0x1 0x2
 *   0x0000001 Foo.bar (Foo.java:12)
 *   0x0000002 Foo.main (Foo.java:3)
 *
 * Sample lines put the second value first in the profile. Heap samples are
 * unsampled at Java's fixed rate of 512 KiB; contention values are scaled
 * by the sampling period. A frame line is "function (file:line)", or
 * "function (path)" for native code (only the path's last element is
 * kept), or anything else, taken as the function name ("GC", "VM");
 * "generated stub/JIT" becomes "STUB". Functions are told apart by name
 * only. Named locations lose their addresses and the rest keep them until
 * pprof aggregates the profile, which drops every address: frames merge by
 * function and line.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/legacy.h"
#include "load/text.h"
#include "util/arena.h"

/* Lines as pprof splits Java text: at '\n' only, trimmed by the caller. */
typedef struct jlines {
	const char *d;
	size_t n, pos, no;
} jlines;

/* The next line ending in '\n' (final: also an unterminated last line). */
static bool next_line(jlines *L, bool final, const char **s, size_t *n)
{
	if (L->pos >= L->n)
		return false;
	const char *start = L->d + L->pos;
	const char *nl = memchr(start, '\n', L->n - L->pos);
	if (!nl && !final)
		return false;
	size_t k = nl ? (size_t)(nl - start) : L->n - L->pos;
	L->pos += k + (nl ? 1 : 0);
	L->no++;
	*s = start;
	*n = k;
	return true;
}

/* ---- frames ---- */

typedef struct frame_rx {
	lg_rx loc, fileline, path;
} frame_rx;

/*
 * Starts r with "^(.*)\s+\((" , the head both of pprof's Java location
 * regexes share, leaving group 2 open; returns the any-but-newline class.
 */
static int name_paren(lg_rx *r)
{
	lg_rx_init(r, true);
	int S = lg_rx_class(r, "\\s"), any = lg_rx_class(r, "^\n");
	lg_rx_save(r, 1, false);
	lg_rx_star(r, any);
	lg_rx_save(r, 1, true);
	lg_rx_plus(r, S);
	lg_rx_lit(r, "(");
	lg_rx_save(r, 2, false);
	return any;
}

static void frame_rx_init(frame_rx *f)
{
	/* javaLocationRx: ^\s*0x([[:xdigit:]]+)\s+(.*)\s*$ */
	lg_rx *r = &f->loc;
	lg_rx_init(r, true);
	int S = lg_rx_class(r, "\\s"), any = lg_rx_class(r, "^\n");
	lg_rx_star(r, S);
	lg_rx_lit(r, "0x");
	lg_rx_save(r, 1, false);
	lg_rx_plus(r, lg_rx_class(r, "0-9a-fA-F"));
	lg_rx_save(r, 1, true);
	lg_rx_plus(r, S);
	lg_rx_save(r, 2, false);
	lg_rx_star(r, any);
	lg_rx_save(r, 2, true);
	lg_rx_star(r, S);
	lg_rx_eol(r);

	/* javaLocationFileLineRx: ^(.*)\s+\((.+):(-?[[:digit:]]+)\)$ */
	r = &f->fileline;
	any = name_paren(r);
	lg_rx_plus(r, any);
	lg_rx_save(r, 2, true);
	lg_rx_lit(r, ":");
	lg_rx_save(r, 3, false);
	lg_rx_opt(r, lg_rx_class(r, "\\-"));
	lg_rx_plus(r, lg_rx_class(r, "0-9"));
	lg_rx_save(r, 3, true);
	lg_rx_lit(r, ")");
	lg_rx_eol(r);

	/* javaLocationPathRx: ^(.*)\s+\((.*)\)$ */
	r = &f->path;
	any = name_paren(r);
	lg_rx_star(r, any);
	lg_rx_save(r, 2, true);
	lg_rx_lit(r, ")");
	lg_rx_eol(r);
}

/* Go's filepath.Base for '/' paths. */
static void base_name(const char **s, size_t *n)
{
	static const char dot[] = ".", slash[] = "/";
	if (*n == 0) {
		*s = dot;
		*n = 1;
		return;
	}
	while (*n > 0 && (*s)[*n - 1] == '/')
		(*n)--;
	if (*n == 0) {
		*s = slash;
		*n = 1;
		return;
	}
	for (size_t i = *n; i > 0; i--)
		if ((*s)[i - 1] == '/') {
			*s += i;
			*n -= i;
			return;
		}
}

/* The function for name, made (with file) when new: Java functions are told apart by name only. */
static uint32_t java_function(lg_builder *b, uint32_t **byname, size_t *cap, prof_strid name, prof_strid file)
{
	if ((size_t)name >= *cap) {
		size_t old = *cap;
		GROW(*byname, *cap, (size_t)name + 1);
		memset(*byname + old, 0, (*cap - old) * sizeof **byname);
	}
	if ((*byname)[name])
		return (*byname)[name] - 1;
	if (b->nfunc >= UINT32_MAX - 2)
		prof_oom();
	GROW(b->funcs, b->funccap, b->nfunc + 1);
	b->funcs[b->nfunc] = (lg_func){name, file};
	(*byname)[name] = (uint32_t)b->nfunc + 1;
	return (uint32_t)b->nfunc++;
}

bool lg_java_locations(lg_builder *b, const char *d, size_t n, size_t lineno, const char *unit)
{
	frame_rx *f = xmalloc(sizeof *f);
	frame_rx_init(f);
	jlines L = {d, n, 0, lineno};
	uint32_t *byname = NULL;
	size_t bycap = 0;
	bool ok = true;
	const char *s;
	size_t len;
	while (ok && next_line(&L, true, &s, &len)) {
		lg_trim(&s, &len);
		size_t c[2 * LG_RX_CAPS];
		if (len == 0 || !lg_rx_exec(&f->loc, s, len, c))
			continue;
		uint64_t addr;
		char buf[64];
		if (lg_parse_hex(s + c[2], lg_cap_len(c, 1), &addr) != LG_NUM_OK) {
			ok = prof_errf(b->err, "%s %zu: frame address %s does not fit 64 bits", unit, L.no,
			               text_snip(buf, sizeof buf, s + c[2] - 2, lg_cap_len(c, 1) + 2));
			break;
		}
		uint32_t li = lg_find_location(b, addr);
		if (li == PROF_NONE)
			continue; /* no sample has it */
		const char *t = s + c[4];
		size_t tl = lg_cap_len(c, 2);
		const char *fn = t, *file = "";
		size_t fnl = tl, filel = 0;
		int64_t line = 0;
		if (lg_rx_exec(&f->fileline, t, tl, c)) {
			fn = t + c[2];
			fnl = lg_cap_len(c, 1);
			file = t + c[4];
			filel = lg_cap_len(c, 2);
			int64_t v;
			if (lg_parse_int(t + c[6], lg_cap_len(c, 3), 10, &v) == LG_NUM_OK && v > 0)
				line = v;
		} else if (lg_rx_exec(&f->path, t, tl, c)) {
			fn = t + c[2];
			fnl = lg_cap_len(c, 1);
			file = t + c[4];
			filel = lg_cap_len(c, 2);
			base_name(&file, &filel);
		} else if (lg_contains(t, tl, "generated stub/JIT")) {
			fn = "STUB";
			fnl = 4;
		}
		prof_strid name = prof_intern(b->p, fn, fnl);
		prof_strid fs = prof_intern(b->p, file, filel);
		lg_loc *l = &b->locs[li];
		l->func = java_function(b, &byname, &bycap, name, fs);
		l->line = line;
		l->addr = 0;
	}
	free(byname);
	free(f);
	return ok;
}

/* ---- heapz and contentionz ---- */

bool lg_java_sniff(const uint8_t *d, size_t n)
{
	const char *s = (const char *)d;
	const char *nl = memchr(s, '\n', n);
	if (!nl)
		return false;
	size_t len = (size_t)(nl - s);
	lg_trim(&s, &len);
	return (len == 15 && memcmp(s, "--- heapz 1 ---", 15) == 0) ||
	       (len == 21 && memcmp(s, "--- contentionz 1 ---", 21) == 0);
}

/* attributeRx: ([\w ]+)=([\w ]+) */
static void rx_attribute(lg_rx *r)
{
	lg_rx_init(r, false);
	int W = lg_rx_class(r, "\\w ");
	lg_rx_save(r, 1, false);
	lg_rx_plus(r, W);
	lg_rx_save(r, 1, true);
	lg_rx_lit(r, "=");
	lg_rx_save(r, 2, false);
	lg_rx_plus(r, W);
	lg_rx_save(r, 2, true);
}

/* javaSampleRx: " *(\d+) +(\d+) +@ +([ x0-9a-f]*)" */
static void rx_sample(lg_rx *r)
{
	lg_rx_init(r, false);
	int S = lg_rx_class(r, " "), D = lg_rx_class(r, "0-9");
	lg_rx_star(r, S);
	lg_rx_save(r, 1, false);
	lg_rx_plus(r, D);
	lg_rx_save(r, 1, true);
	lg_rx_plus(r, S);
	lg_rx_save(r, 2, false);
	lg_rx_plus(r, D);
	lg_rx_save(r, 2, true);
	lg_rx_plus(r, S);
	lg_rx_lit(r, "@");
	lg_rx_plus(r, S);
	lg_rx_save(r, 3, false);
	lg_rx_star(r, lg_rx_class(r, " x0-9a-f"));
	lg_rx_save(r, 3, true);
}

typedef struct jparser {
	lg_builder b;
	jlines L;
	bool heap;
	bool typed; /* a resolution attribute set the sample types */
} jparser;

/* "key = value" lines up to the first other line, where L is left. */
static bool header(jparser *jp)
{
	prof_profile *p = jp->b.p;
	lg_rx r;
	rx_attribute(&r);
	const char *s;
	size_t n;
	char buf[64];
	for (;;) {
		size_t at = jp->L.pos, no = jp->L.no;
		if (!next_line(&jp->L, false, &s, &n))
			return true;
		lg_trim(&s, &n);
		if (n == 0)
			continue;
		size_t c[2 * LG_RX_CAPS];
		if (!lg_rx_exec(&r, s, n, c)) {
			jp->L.pos = at;
			jp->L.no = no;
			return true;
		}
		const char *k = s + c[2], *v = s + c[4];
		size_t kl = lg_cap_len(c, 1), vl = lg_cap_len(c, 2);
		lg_trim(&k, &kl);
		lg_trim(&v, &vl);
#define KEY(lit) (kl == sizeof lit - 1 && memcmp(k, lit, kl) == 0)
		if (KEY("format")) {
			if (!(vl == 4 && memcmp(v, "java", 4) == 0))
				return prof_errf(jp->b.err, "line %zu: format is %s, not java", jp->L.no,
				                 text_snip(buf, sizeof buf, v, vl));
		} else if (KEY("resolution")) {
			char *unit = xmalloc(vl + 1);
			memcpy(unit, v, vl);
			unit[vl] = '\0';
			const char *types[4] = {jp->heap ? "inuse_objects" : "contentions", "count",
			                        jp->heap ? "inuse_space" : "delay", unit};
			lg_types(&jp->b, types, 2, NULL, NULL);
			free(unit);
			jp->typed = true;
		} else if (!jp->heap && (KEY("sampling period") || KEY("ms since reset"))) {
			int64_t val;
			if (lg_parse_int(v, vl, 0, &val) != LG_NUM_OK)
				return prof_errf(jp->b.err, "line %zu: %s is %s, not a number", jp->L.no,
				                 text_snip(buf, sizeof buf, k, kl), text_snip(buf + 32, sizeof buf - 32, v, vl));
			if (KEY("sampling period")) {
				p->period = val;
				p->period_type = (prof_valuetype){prof_intern(p, "contentions", 11), prof_intern(p, "count", 5)};
			} else {
				if (val > INT64_MAX / 1000000 || val < INT64_MIN / 1000000)
					return prof_errf(jp->b.err, "line %zu: ms since reset is out of range", jp->L.no);
				p->duration_nanos = val * 1000000;
			}
		} else {
			return prof_errf(jp->b.err, "line %zu: unknown %s profile attribute %s", jp->L.no,
			                 jp->heap ? "heapz" : "contentionz", text_snip(buf, sizeof buf, k, kl));
		}
#undef KEY
	}
}

/* "V2 V1 @ ADDRS" lines up to the first other line, where L is left. */
static bool samples(jparser *jp)
{
	prof_profile *p = jp->b.p;
	lg_rx r;
	rx_sample(&r);
	const char *s;
	size_t n;
	char buf[64], where[32];
	uint64_t *addrs = NULL;
	size_t naddr, addrcap = 0;
	bool ok = true;
	for (;;) {
		size_t at = jp->L.pos, no = jp->L.no;
		if (!next_line(&jp->L, false, &s, &n))
			break;
		lg_trim(&s, &n);
		if (n == 0)
			continue;
		size_t c[2 * LG_RX_CAPS];
		if (!lg_rx_exec(&r, s, n, c)) {
			jp->L.pos = at;
			jp->L.no = no;
			break;
		}
		const char *bad;
		size_t badn;
		naddr = 0;
		if (lg_hex_addrs(s + c[6], lg_cap_len(c, 3), &addrs, &naddr, &addrcap, &bad, &badn) != LG_NUM_OK) {
			ok = prof_errf(jp->b.err, "line %zu: stack address %s does not fit 64 bits", jp->L.no,
			               text_snip(buf, sizeof buf, bad, badn));
			break;
		}
		for (size_t i = 0; i < naddr; i++)
			lg_push(&jp->b, lg_location(&jp->b, addrs[i]));
		int64_t v[2];
		if (lg_parse_int(s + c[4], lg_cap_len(c, 2), 0, &v[0]) != LG_NUM_OK ||
		    lg_parse_int(s + c[2], lg_cap_len(c, 1), 0, &v[1]) != LG_NUM_OK) {
			ok = prof_errf(jp->b.err, "line %zu: a value of the sample is not a number (or out of range)",
			               jp->L.no);
			break;
		}
		int64_t bytes = 0;
		if (jp->heap) {
			if (v[0] == 0) {
				ok = prof_errf(jp->b.err, "line %zu: the object count (second value) is 0", jp->L.no);
				break;
			}
			bytes = v[1] / v[0];
			if (v[1] != 0) {
				/* pprof's scaleHeapSample at the agent's rate */
				double avg = (double)v[1] / (double)v[0];
				double scale = 1 / (1 - exp(-avg / 524288.0));
				double c0 = (double)v[0] * scale, c1 = (double)v[1] * scale;
				if (!(c0 < 9223372036854775808.0 && c1 < 9223372036854775808.0)) {
					ok = prof_errf(jp->b.err, "line %zu: the sample is too large to unsample", jp->L.no);
					break;
				}
				v[0] = (int64_t)c0;
				v[1] = (int64_t)c1;
			} else {
				v[0] = 0;
			}
		} else if (p->period != 0) {
			int64_t per = p->period;
			if ((per > 0 && (v[0] > INT64_MAX / per || v[1] > INT64_MAX / per)) ||
			    (per < 0 && (v[0] > INT64_MIN / per || v[1] > INT64_MIN / per))) {
				ok = prof_errf(jp->b.err, "line %zu: a value times the sampling period %" PRId64 " is out of range",
				               jp->L.no, per);
				break;
			}
			v[0] *= per;
			v[1] *= per;
		}
		snprintf(where, sizeof where, "line %zu", jp->L.no);
		if (!(ok = lg_sample_end(&jp->b, v, bytes, where)))
			break;
	}
	free(addrs);
	return ok;
}

prof_profile *lg_decode_java(const uint8_t *d, size_t n, prof_err *err)
{
	if (!lg_java_sniff(d, n)) {
		prof_errf(err, "not a Java heapz or contentionz profile");
		return NULL;
	}
	prof_profile *p = prof_profile_new();
	jparser jp = {.L = {(const char *)d, n, 0, 0}};
	lg_init(&jp.b, p, err, 2);
	const char *s;
	size_t len;
	next_line(&jp.L, false, &s, &len);
	lg_trim(&s, &len);
	jp.heap = len == 15;
	jp.b.bytes_label = jp.heap;
	p->period_type = (prof_valuetype){0, 0};
	bool ok = header(&jp) && samples(&jp);
	if (ok && !jp.typed)
		ok = prof_errf(err, "no resolution attribute: the profile's sample types are unknown");
	if (ok)
		ok = lg_java_locations(&jp.b, (const char *)d + jp.L.pos, n - jp.L.pos, jp.L.no, "line");
	if (ok) {
		lg_remap(&jp.b);
		lg_drop_addresses(&jp.b);
		lg_emit(&jp.b);
		lg_frame_info(p);
	}
	lg_free(&jp.b);
	if (!ok) {
		prof_profile_free(p);
		return NULL;
	}
	return p;
}
