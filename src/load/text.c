/*
 * text: see text.h. This file: recognizing text and the debug=1 formats
 * (count, heap, contention). The builder is in text_build.c, goroutine dumps
 * in text_dump.c.
 *
 * A debug=1 record is a line of values and stack addresses, then "#" frame
 * lines the runtime printed from the same stack:
 *
 *   2 @ 0x438116 0x4053cc 0x4b8f05 0x462c81
 *   #	0x4b8f04	main.leakSendNoReceiver+0x24	/src/main.go:97
 *
 * Addresses are return addresses; a frame line's PC is one less (the call).
 * Frames come in stack order but the runtime leaves some out (leading
 * runtime.* frames, runtime.goexit), and an address may have several frames
 * (inlined calls expanded from one PC). Go also records inlined calls as
 * separate addresses whose frames share the physical function's entry
 * (PC minus the "+0x" offset); those are folded into one location.
 */
#include "load/text.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

/* ---- lines and numbers ---- */

typedef struct lines {
	const char *d;
	size_t n, pos, no; /* no: 1-based number of the line last returned */
} lines;

/* The next line without its "\n" and trailing "\r"; false at the end. */
static bool next_line(lines *L, const char **s, size_t *len)
{
	if (L->pos >= L->n)
		return false;
	const char *start = L->d + L->pos;
	const char *nl = memchr(start, '\n', L->n - L->pos);
	size_t k = nl ? (size_t)(nl - start) : L->n - L->pos;
	L->pos += k + (nl ? 1 : 0);
	L->no++;
	while (k > 0 && start[k - 1] == '\r')
		k--;
	*s = start;
	*len = k;
	return true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static void trim(const char **s, size_t *n)
{
	while (*n > 0 && is_space(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && is_space((*s)[*n - 1]))
		(*n)--;
}

static bool has_prefix(const char *s, size_t n, const char *pre)
{
	size_t k = strlen(pre);
	return n >= k && memcmp(s, pre, k) == 0;
}

static void skip_spaces(const char **p, const char *e)
{
	while (*p < e && (**p == ' ' || **p == '\t'))
		(*p)++;
}

enum { NUM_OK, NUM_NONE, NUM_RANGE };

static int dec_u64(const char **p, const char *e, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	while (s < e && *s >= '0' && *s <= '9') {
		unsigned dgt = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - dgt) / 10)
			return NUM_RANGE;
		v = v * 10 + dgt;
		s++;
	}
	if (s == *p)
		return NUM_NONE;
	*p = s;
	*out = v;
	return NUM_OK;
}

/* A decimal int64, with a '-' when neg_ok. */
static int dec_i64(const char **p, const char *e, bool neg_ok, int64_t *out)
{
	const char *s = *p;
	bool neg = false;
	if (neg_ok && s < e && *s == '-') {
		neg = true;
		s++;
	}
	uint64_t v;
	int r = dec_u64(&s, e, &v);
	if (r != NUM_OK)
		return r;
	if (v > (uint64_t)INT64_MAX + (neg ? 1 : 0))
		return NUM_RANGE;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	*p = s;
	return NUM_OK;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "0x" and hex digits. */
static int hex_u64(const char **p, const char *e, uint64_t *out)
{
	const char *s = *p;
	if (e - s < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') || hexval(s[2]) < 0)
		return NUM_NONE;
	s += 2;
	uint64_t v = 0;
	int h;
	while (s < e && (h = hexval(*s)) >= 0) {
		if (v >> 60)
			return NUM_RANGE;
		v = v << 4 | (uint64_t)h;
		s++;
	}
	*p = s;
	*out = v;
	return NUM_OK;
}

/* The token at p (up to a space) for messages. */
static const char *token(char *buf, size_t cap, const char *p, const char *e)
{
	const char *t = p;
	while (t < e && *t != ' ' && *t != '\t')
		t++;
	return text_snip(buf, cap, p, (size_t)(t - p));
}

/* ---- recognizing text ---- */

bool prof_text_head(const uint8_t *d, size_t n)
{
	if (n >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf) {
		d += 3;
		n -= 3;
	}
	if (n == 0)
		return false;
	if (n > 512)
		n = 512;
	for (size_t i = 0; i < n; i++)
		if ((d[i] < 0x20 && d[i] != '\t' && d[i] != '\n' && d[i] != '\r') || d[i] == 0x7f)
			return false;
	return true;
}

bool text_is_dump_header(const char *s, size_t n)
{
	const char *e = s + n;
	if (!has_prefix(s, n, "goroutine "))
		return false;
	const char *p = s + 10, *digits = p;
	while (p < e && *p >= '0' && *p <= '9')
		p++;
	if (p == digits || p == e || *p != ' ')
		return false;
	return memchr(p, '[', (size_t)(e - p)) && n >= 2 && e[-2] == ']' && e[-1] == ':';
}

/* "NAME profile: total N" */
static bool is_count_header(const char *s, size_t n)
{
	const char *e = s + n, *p = s;
	while (p < e && *p != ' ' && *p != '\t')
		p++;
	if (p == s || !has_prefix(p, (size_t)(e - p), " profile: total "))
		return false;
	p += 16;
	uint64_t v;
	return dec_u64(&p, e, &v) == NUM_OK && p == e;
}

static bool is_contention_header(const char *s, size_t n)
{
	return has_prefix(s, n, "--- contention:") || has_prefix(s, n, "--- mutex:") ||
	       has_prefix(s, n, "--- contentionz ");
}

enum kind { K_NONE, K_COUNT, K_HEAP, K_CONTENTION, K_DUMP };

/* The format told by the first line that is neither blank nor a comment. */
static enum kind first_line_kind(const uint8_t *d, size_t n)
{
	lines L = {(const char *)d, n, 0, 0};
	if (n >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf)
		L.pos = 3;
	const char *s;
	size_t len;
	while (next_line(&L, &s, &len)) {
		trim(&s, &len);
		if (len == 0 || s[0] == '#')
			continue;
		if (has_prefix(s, len, "heap profile:"))
			return K_HEAP;
		if (is_contention_header(s, len))
			return K_CONTENTION;
		if (is_count_header(s, len))
			return K_COUNT;
		if (text_is_dump_header(s, len))
			return K_DUMP;
		return K_NONE;
	}
	return K_NONE;
}

/* A goroutine header anywhere: the goroutine section of a crash log. */
static bool has_dump_header(const uint8_t *d, size_t n)
{
	const char *s = (const char *)d, *e = s + n;
	for (const char *p = s; p < e;) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		const char *end = nl ? nl : e;
		size_t len = (size_t)(end - p);
		while (len > 0 && p[len - 1] == '\r')
			len--;
		if (text_is_dump_header(p, len))
			return true;
		if (!nl)
			break;
		/* Jump to the next line that could be a header. */
		const char *g = p = nl + 1;
		while (g < e && (g = memchr(g, 'g', (size_t)(e - g))) != NULL) {
			if (g[-1] == '\n' && has_prefix(g, (size_t)(e - g), "goroutine "))
				break;
			g++;
		}
		if (!g || g >= e)
			break;
		p = g;
	}
	return false;
}

bool prof_text_sniff(const uint8_t *d, size_t n)
{
	if (!prof_text_head(d, n))
		return false;
	return first_line_kind(d, n) != K_NONE || has_dump_header(d, n);
}

/* ---- debug=1 records ---- */

typedef struct frame {
	uint64_t pc, entry;
	bool has_entry;
	prof_strid name, file;
	int64_t line;
} frame;

typedef struct record {
	bool open;
	size_t lineno;
	int64_t values[4];
	int64_t blocksize; /* heap: the "bytes" label */
	uint64_t *addrs;
	size_t naddr, addrcap;
	frame *frames;
	size_t nframe, framecap;
	prof_strid *labels; /* key, value pairs */
	size_t nlabel, labelcap;
	/* scratch for building the stack */
	struct pcidx {
		uint64_t pc;
		size_t idx;
	} *order;           /* frames sorted by pc, then position */
	size_t *gstart, *glen; /* per address: its frames */
	uint64_t *key;
	uint32_t *funcs;
	int64_t *lines;
	size_t ordercap, gstartcap, glencap, keycap, funccap, linecap;
} record;

static void record_free(record *r)
{
	free(r->addrs);
	free(r->frames);
	free(r->labels);
	free(r->order);
	free(r->gstart);
	free(r->glen);
	free(r->key);
	free(r->funcs);
	free(r->lines);
}

typedef struct parser {
	text_builder b;
	lines L;
	enum kind kind;
	bool heap_v2;      /* unsample heap values */
	int64_t rate;      /* heap sampling rate */
	int64_t cpuhz;     /* contention: cycles per second, 0 unknown */
	prof_strid bytes;  /* "bytes" */
	record r;
} parser;

static int by_pc(const void *a, const void *b)
{
	const struct pcidx *x = a, *y = b;
	if (x->pc != y->pc)
		return x->pc < y->pc ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The first frame at or after cursor whose pc is pc, or SIZE_MAX. */
static size_t find_frame(const record *r, uint64_t pc, size_t cursor)
{
	size_t lo = 0, hi = r->nframe;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct pcidx *o = &r->order[mid];
		if (o->pc < pc || (o->pc == pc && o->idx < cursor))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < r->nframe && r->order[lo].pc == pc)
		return r->order[lo].idx;
	return SIZE_MAX;
}

/* Frame a is an inlined call whose caller is frame b: same physical function, another name. */
static bool inlined_into(const frame *a, const frame *b)
{
	return a->has_entry && b->has_entry && a->entry == b->entry && a->name != b->name;
}

/* Turns the open record into a sample. */
static bool finish_record(parser *ps)
{
	record *r = &ps->r;
	text_builder *b = &ps->b;
	if (!r->open)
		return true;
	r->open = false;
	b->lineno = r->lineno;
	/* Which frames belong to which address (see the top of this file). */
	GROW(r->order, r->ordercap, r->nframe);
	for (size_t i = 0; i < r->nframe; i++)
		r->order[i] = (struct pcidx){r->frames[i].pc, i};
	if (r->nframe > 1)
		qsort(r->order, r->nframe, sizeof *r->order, by_pc);
	GROW(r->gstart, r->gstartcap, r->naddr);
	GROW(r->glen, r->glencap, r->naddr);
	size_t cursor = 0;
	for (size_t i = 0; i < r->naddr; i++) {
		uint64_t pc = r->addrs[i] - 1;
		size_t j = find_frame(r, pc, cursor);
		r->gstart[i] = j;
		r->glen[i] = 0;
		if (j == SIZE_MAX)
			continue;
		size_t k = j + 1;
		/* Several frames for one PC are inlined calls, unless the PC repeats (recursion). */
		if (!(i + 1 < r->naddr && r->addrs[i + 1] == r->addrs[i]))
			while (k < r->nframe && r->frames[k].pc == pc)
				k++;
		r->glen[i] = k - j;
		cursor = k;
	}
	/*
	 * Addresses without frames after the last frame are runtime.goexit, which
	 * the runtime's protobuf profiles leave out too. Those before the first
	 * frame are the runtime.* frames at the leaf that the runtime hides in
	 * text (runtime.gopark under a channel send, say). Their names are lost,
	 * and kept as bare addresses they would make one "<unknown>" leaf holding
	 * every goroutine; dropped, the leaf is the first named frame, so the
	 * text reads like the protobuf profile under -hide='^runtime\.' (the
	 * tests check that) and heap text like pprof's drop_frames would prune it.
	 */
	size_t first = 0, end = r->naddr;
	while (end > 0 && r->glen[end - 1] == 0)
		end--;
	if (end == 0)
		end = r->naddr; /* no frame lines at all: keep every address */
	else
		while (r->glen[first] == 0)
			first++;
	for (size_t i = first; i < end;) {
		size_t k = i;
		while (k + 1 < end && r->glen[k] && r->glen[k + 1] &&
		       inlined_into(&r->frames[r->gstart[k] + r->glen[k] - 1], &r->frames[r->gstart[k + 1]]))
			k++;
		size_t nkey = k - i + 1, nline = 0;
		GROW(r->key, r->keycap, nkey);
		for (size_t a = i; a <= k; a++) {
			r->key[a - i] = r->addrs[a] - 1;
			nline += r->glen[a];
		}
		GROW(r->funcs, r->funccap, nline);
		GROW(r->lines, r->linecap, nline);
		size_t n = 0;
		for (size_t a = i; a <= k; a++)
			for (size_t f = 0; f < r->glen[a]; f++) {
				const frame *fr = &r->frames[r->gstart[a] + f];
				r->funcs[n] = text_function(b, fr->name, fr->file);
				r->lines[n++] = fr->line;
			}
		text_push(b, text_location(b, r->key, nkey, r->key[0], r->funcs, r->lines, nline));
		i = k + 1;
	}
	for (size_t i = 0; i + 1 < r->nlabel; i += 2)
		text_label_str(b, r->labels[i], r->labels[i + 1]);
	if (ps->kind == K_HEAP)
		text_label_num(b, ps->bytes, r->blocksize, 0);
	return text_sample(b, r->values);
}

/* "0x... 0x..." to the end of the line: the record's addresses. */
static bool parse_addrs(parser *ps, const char *p, const char *e)
{
	record *r = &ps->r;
	char buf[64];
	for (;;) {
		skip_spaces(&p, e);
		if (p == e)
			return true;
		uint64_t a;
		int rc = hex_u64(&p, e, &a);
		if (rc == NUM_OK && p < e && *p != ' ' && *p != '\t')
			rc = NUM_NONE;
		if (rc != NUM_OK)
			return prof_errf(ps->b.err, "line %zu: %s is not a stack address%s", ps->L.no,
			                 token(buf, sizeof buf, p, e), rc == NUM_RANGE ? " (more than 64 bits)" : "");
		GROW(r->addrs, r->addrcap, r->naddr + 1);
		r->addrs[r->naddr++] = a;
	}
}

/* Starts a record: values parsed by the caller, then " @ addresses". */
static bool open_record(parser *ps, const char *p, const char *e)
{
	record *r = &ps->r;
	skip_spaces(&p, e);
	if (p == e || *p != '@')
		return prof_errf(ps->b.err, "line %zu: expected '@' and the stack addresses after the values",
		                 ps->L.no);
	r->open = true;
	r->lineno = ps->L.no;
	r->naddr = r->nframe = r->nlabel = 0;
	return parse_addrs(ps, p + 1, e);
}

static bool bad_number(parser *ps, int rc, const char *what, const char *p, const char *e)
{
	char buf[64];
	if (rc == NUM_RANGE)
		return prof_errf(ps->b.err, "line %zu: %s %s is out of range", ps->L.no, what, token(buf, sizeof buf, p, e));
	return prof_errf(ps->b.err, "line %zu: expected %s, found %s", ps->L.no, what,
	                 p == e ? "the end of the line" : token(buf, sizeof buf, p, e));
}

/* A decimal value of a record, ended by a space or punctuation: false (and *err) when bad. */
static bool value(parser *ps, const char **p, const char *e, bool neg_ok, int64_t *v, const char *what)
{
	const char *at = *p;
	int rc = dec_i64(p, e, neg_ok, v);
	if (rc == NUM_OK && *p < e && !is_space(**p) && **p != ':' && **p != '@' && **p != ']')
		rc = NUM_NONE;
	if (rc != NUM_OK) {
		*p = at;
		return bad_number(ps, rc, what, at, e);
	}
	return true;
}

/* "#\t0xPC\tname+0xOFF\tfile:line"; the name and file are optional. */
static bool parse_frame(parser *ps, const char *s, size_t n)
{
	record *r = &ps->r;
	const char *p = s + 1, *e = s + n;
	skip_spaces(&p, e);
	frame f = {0};
	const char *at = p;
	int rc = hex_u64(&p, e, &f.pc);
	if (rc == NUM_OK && p < e && *p != ' ' && *p != '\t')
		rc = NUM_NONE;
	if (rc != NUM_OK)
		return bad_number(ps, rc, "a frame address", at, e);
	skip_spaces(&p, e);
	if (p < e) {
		/* Columns are tab-separated (tabwriter); names may hold spaces. */
		bool tabs = memchr(p, '\t', (size_t)(e - p)) != NULL;
		const char *ne = p;
		while (ne < e && *ne != '\t' && (tabs || *ne != ' '))
			ne++;
		const char *name_end = ne;
		/* Strip "+0xOFF", which gives the function's entry. */
		for (const char *q = ne; q > p; q--) {
			if (q[-1] != '+')
				continue;
			const char *h = q;
			uint64_t off;
			if (hex_u64(&h, ne, &off) == NUM_OK && h == ne) {
				name_end = q - 1;
				f.entry = f.pc - off;
				f.has_entry = off <= f.pc;
			}
			break;
		}
		f.name = text_intern(&ps->b, p, (size_t)(name_end - p));
		p = ne;
		skip_spaces(&p, e);
		const char *fe = e, *colon = NULL;
		for (const char *q = e; q > p; q--)
			if (q[-1] == ':') {
				colon = q - 1;
				break;
			}
		if (colon) {
			const char *q = colon + 1;
			if (dec_i64(&q, e, false, &f.line) == NUM_OK && q == e)
				fe = colon;
			else
				f.line = 0;
		}
		f.file = text_intern(&ps->b, p, (size_t)(fe - p));
	}
	GROW(r->frames, r->framecap, r->nframe + 1);
	r->frames[r->nframe++] = f;
	return true;
}

bool text_unquote(const char *s, const char *e, char *out, size_t *outn, size_t *used)
{
	const char *p = s + 1;
	size_t k = 0;
	while (p < e && *p != '"') {
		if (*p != '\\') {
			out[k++] = *p++;
			continue;
		}
		if (++p == e)
			return false;
		char c = *p++;
		uint32_t v = 0;
		int digits = 0;
		switch (c) {
		case 'a': out[k++] = '\a'; continue;
		case 'b': out[k++] = '\b'; continue;
		case 'f': out[k++] = '\f'; continue;
		case 'n': out[k++] = '\n'; continue;
		case 'r': out[k++] = '\r'; continue;
		case 't': out[k++] = '\t'; continue;
		case 'v': out[k++] = '\v'; continue;
		case '\\': case '"': case '\'': out[k++] = c; continue;
		case 'x': digits = 2; break;
		case 'u': digits = 4; break;
		case 'U': digits = 8; break;
		default:
			if (c < '0' || c > '7')
				return false;
			/* \ooo: three octal digits, at most 255 */
			if (e - p < 2 || p[0] < '0' || p[0] > '7' || p[1] < '0' || p[1] > '7')
				return false;
			v = (uint32_t)(c - '0') * 64 + (uint32_t)(p[0] - '0') * 8 + (uint32_t)(p[1] - '0');
			if (v > 255)
				return false;
			p += 2;
			out[k++] = (char)v;
			continue;
		}
		if (e - p < digits)
			return false;
		for (int i = 0; i < digits; i++) {
			int h = hexval(p[i]);
			if (h < 0)
				return false;
			v = v << 4 | (uint32_t)h;
		}
		p += digits;
		if (c == 'x') {
			out[k++] = (char)v;
			continue;
		}
		if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000))
			return false;
		/* UTF-8 */
		if (v < 0x80) {
			out[k++] = (char)v;
		} else if (v < 0x800) {
			out[k++] = (char)(0xc0 | v >> 6);
			out[k++] = (char)(0x80 | (v & 0x3f));
		} else if (v < 0x10000) {
			out[k++] = (char)(0xe0 | v >> 12);
			out[k++] = (char)(0x80 | ((v >> 6) & 0x3f));
			out[k++] = (char)(0x80 | (v & 0x3f));
		} else {
			out[k++] = (char)(0xf0 | v >> 18);
			out[k++] = (char)(0x80 | ((v >> 12) & 0x3f));
			out[k++] = (char)(0x80 | ((v >> 6) & 0x3f));
			out[k++] = (char)(0x80 | (v & 0x3f));
		}
	}
	if (p == e)
		return false;
	*outn = k;
	*used = (size_t)(p + 1 - s);
	return true;
}

/* "# labels: {"k":"v", "k2":"v2"}" */
static bool parse_labels(parser *ps, const char *s, size_t n)
{
	record *r = &ps->r;
	const char *p = s + strlen("# labels:"), *e = s + n;
	skip_spaces(&p, e);
	if (p == e || *p != '{')
		return prof_errf(ps->b.err, "line %zu: labels must look like {\"key\":\"value\", ...}", ps->L.no);
	p++;
	char *buf = xmalloc(n + 1); /* unquoting never grows a string */
	bool ok = true;
	skip_spaces(&p, e);
	if (p < e && *p == '}') {
		p++;
	} else {
		for (;;) {
			prof_strid kv[2];
			for (int i = 0; i < 2 && ok; i++) {
				size_t outn, used;
				skip_spaces(&p, e);
				if (p == e || *p != '"' || !text_unquote(p, e, buf, &outn, &used)) {
					ok = prof_errf(ps->b.err, "line %zu: labels: expected a quoted %s at column %zu", ps->L.no,
					               i ? "value" : "key", (size_t)(p - s) + 1);
					break;
				}
				kv[i] = text_intern(&ps->b, buf, outn);
				p += used;
				skip_spaces(&p, e);
				if (i == 0 && (p == e || *p++ != ':'))
					ok = prof_errf(ps->b.err, "line %zu: labels: expected ':' after a key", ps->L.no);
			}
			if (!ok)
				break;
			GROW(r->labels, r->labelcap, r->nlabel + 2);
			r->labels[r->nlabel++] = kv[0];
			r->labels[r->nlabel++] = kv[1];
			if (p < e && *p == ',') {
				p++;
				continue;
			}
			if (p < e && *p == '}') {
				p++;
				break;
			}
			ok = prof_errf(ps->b.err, "line %zu: labels: expected ',' or '}' at column %zu", ps->L.no,
			               (size_t)(p - s) + 1);
			break;
		}
	}
	free(buf);
	skip_spaces(&p, e);
	if (ok && p != e)
		ok = prof_errf(ps->b.err, "line %zu: labels: unexpected text after '}'", ps->L.no);
	return ok;
}

/* ---- the three debug=1 formats ---- */

/* "N @ 0x..." */
static bool count_record(parser *ps, const char *p, const char *e)
{
	int64_t n;
	if (!value(ps, &p, e, false, &n, "a count") || !open_record(ps, p, e))
		return false;
	ps->r.values[0] = n;
	return true;
}

/* pprof's scaleHeapSample: divide by the chance of a sample of this size being recorded. */
static bool unsample(parser *ps, int64_t *count, int64_t *size)
{
	if (*count == 0 || *size == 0) {
		*count = *size = 0;
		return true;
	}
	if (!ps->heap_v2 || ps->rate <= 1)
		return true;
	double avg = (double)*size / (double)*count;
	double scale = 1 / (1 - exp(-avg / (double)ps->rate));
	double c = (double)*count * scale, s = (double)*size * scale;
	/* Go converts out-of-range floats to garbage; refuse them instead. */
	if (!(c > -9.2e18 && c < 9.2e18 && s > -9.2e18 && s < 9.2e18))
		return prof_errf(ps->b.err, "line %zu: the heap sample %" PRId64 ": %" PRId64 " is too large to unsample",
		                 ps->L.no, *count, *size);
	*count = (int64_t)c;
	*size = (int64_t)s;
	return true;
}

/* "INUSE_N: INUSE_BYTES [ALLOC_N: ALLOC_BYTES] @ 0x..." */
static bool heap_record(parser *ps, const char *p, const char *e)
{
	int64_t v[4]; /* inuse count, inuse bytes, alloc count, alloc bytes */
	static const char *const what[4] = {"an in-use object count", "an in-use byte count",
	                                    "an allocated object count", "an allocated byte count"};
	for (int i = 0; i < 4; i++) {
		skip_spaces(&p, e);
		if (i == 2) {
			if (p == e || *p != '[')
				return prof_errf(ps->b.err, "line %zu: expected '[' before the allocation counts", ps->L.no);
			p++;
			skip_spaces(&p, e);
		}
		if (!value(ps, &p, e, i < 2, &v[i], what[i]))
			return false;
		skip_spaces(&p, e);
		char want = i % 2 == 0 ? ':' : i == 3 ? ']' : 0;
		if (want) {
			if (p == e || *p != want)
				return prof_errf(ps->b.err, "line %zu: expected '%c' after %s", ps->L.no, want, what[i]);
			p++;
		}
	}
	if (!open_record(ps, p, e))
		return false;
	record *r = &ps->r;
	/* pprof: alloc pair first, then in-use; the block size comes from the last nonzero pair. */
	int64_t pairs[2][2] = {{v[2], v[3]}, {v[0], v[1]}};
	static const char *const pname[2] = {"allocation", "in-use"};
	r->blocksize = 0;
	for (int i = 0; i < 2; i++) {
		int64_t c = pairs[i][0], s = pairs[i][1];
		if (c == 0 && s != 0)
			return prof_errf(ps->b.err, "line %zu: %s count is 0 but %s bytes is %" PRId64, ps->L.no, pname[i],
			                 pname[i], s);
		if (c != 0) {
			if (c == -1 && s == INT64_MIN)
				return prof_errf(ps->b.err, "line %zu: in-use bytes %" PRId64 " is out of range", ps->L.no, s);
			r->blocksize = s / c;
			if (!unsample(ps, &c, &s))
				return false;
		}
		r->values[2 * i] = c;
		r->values[2 * i + 1] = s;
	}
	return true;
}

/* "CYCLES COUNT @ 0x..." */
static bool contention_record(parser *ps, const char *p, const char *e)
{
	int64_t cycles, count;
	if (!value(ps, &p, e, false, &cycles, "a cycle count"))
		return false;
	skip_spaces(&p, e);
	if (!value(ps, &p, e, false, &count, "a contention count") || !open_record(ps, p, e))
		return false;
	/* pprof's parseContentionSample: cycles to nanoseconds, both scaled by the period. */
	int64_t period = ps->b.p->period;
	if (period > 0) {
		if (ps->cpuhz > 0) {
			double ghz = (double)ps->cpuhz / 1e9;
			double ns = (double)cycles * (double)period / ghz;
			if (!(ns < 9.2e18))
				return prof_errf(ps->b.err, "line %zu: the delay of %" PRId64 " cycles is out of range", ps->L.no,
				                 cycles);
			cycles = (int64_t)ns;
		}
		if (count > INT64_MAX / period)
			return prof_errf(ps->b.err, "line %zu: %" PRId64 " contentions times the sampling period %" PRId64
			                 " is out of range", ps->L.no, count, period);
		count *= period;
	}
	ps->r.values[0] = count;
	ps->r.values[1] = cycles;
	return true;
}

/* "heap profile: 8: 134680 [8: 134680] @ heap/262144" */
static bool heap_header(parser *ps, const char *s, size_t n)
{
	const char *p = s + strlen("heap profile:"), *e = s + n;
	for (int i = 0; i < 4; i++) {
		skip_spaces(&p, e);
		if (i == 2 && p < e && *p == '[') {
			p++;
			skip_spaces(&p, e);
		}
		uint64_t v;
		const char *at = p;
		int rc = dec_u64(&p, e, &v);
		if (rc != NUM_OK)
			return bad_number(ps, rc, "a total", at, e);
		skip_spaces(&p, e);
		if (p < e && (*p == ':' || *p == ']'))
			p++;
	}
	skip_spaces(&p, e);
	if (p == e || *p != '@')
		return prof_errf(ps->b.err, "line %zu: expected '@' and the sampling in the heap profile header", ps->L.no);
	p++;
	skip_spaces(&p, e);
	const char *t = p;
	while (p < e && ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_'))
		p++;
	size_t tl = (size_t)(p - t);
	int64_t rate = 0;
	if (p < e && *p == '/') {
		p++;
		const char *at = p;
		int rc = dec_i64(&p, e, false, &rate);
		if (rc == NUM_RANGE)
			return bad_number(ps, rc, "a sampling rate", at, e);
	}
	char buf[64];
#define IS(lit) (tl == sizeof lit - 1 && memcmp(t, lit, tl) == 0)
	if (IS("heap")) {
		/* The runtime writes twice the rate, as the C++ profiler once did. */
		ps->heap_v2 = true;
		ps->rate = rate / 2;
	} else if (IS("heap_v2") || IS("heapz_v2")) {
		ps->heap_v2 = true;
		ps->rate = rate;
	} else if (IS("heapprofile") || IS("growthz") || IS("growth") || IS("fragmentationz") || IS("fragmentation")) {
		ps->rate = 1;
	} else {
		return prof_errf(ps->b.err, "line %zu: unknown heap sampling %s", ps->L.no, text_snip(buf, sizeof buf, t, tl));
	}
#undef IS
	static const char *const types[] = {"alloc_objects", "count", "alloc_space", "bytes",
	                                    "inuse_objects", "count", "inuse_space", "bytes"};
	text_set_types(&ps->b, types, 4, "space", "bytes", ps->rate);
	/* pprof's parseHeap names no default type (its reports then take the last, inuse_space). */
	ps->bytes = text_intern(&ps->b, "bytes", 5);
	return true;
}

/* "--- mutex:" then "key=value" lines; returns the first line after them in *s (or *n == SIZE_MAX at the end). */
static bool contention_header(parser *ps, const char **s, size_t *n)
{
	static const char *const types[] = {"contentions", "count", "delay", "nanoseconds"};
	text_set_types(&ps->b, types, 2, "contentions", "count", 1);
	prof_profile *p = ps->b.p;
	while (next_line(&ps->L, s, n)) {
		const char *l = *s;
		size_t len = *n;
		trim(&l, &len);
		if (len == 0 || l[0] == '#')
			continue;
		const char *eq = memchr(l, '=', len);
		if (has_prefix(l, len, "---") || !eq)
			return true;
		const char *k = l, *v = eq + 1, *e = l + len;
		size_t kl = (size_t)(eq - l);
		while (kl > 0 && is_space(k[kl - 1]))
			kl--;
		skip_spaces(&v, e);
		int64_t val = 0;
		const char *at = v;
		int rc = hex_u64(&v, e, (uint64_t *)&val);
		if (rc == NUM_NONE)
			rc = dec_i64(&v, e, false, &val);
		else if (rc == NUM_OK && val < 0)
			rc = NUM_RANGE;
		char buf[64];
#define KEY(lit) (kl == sizeof lit - 1 && memcmp(k, lit, kl) == 0)
		if (KEY("discarded samples"))
			continue;
		if (rc != NUM_OK || v != e)
			return bad_number(ps, rc == NUM_OK ? NUM_NONE : rc, "a number", at, e);
		if (KEY("cycles/second")) {
			ps->cpuhz = val;
		} else if (KEY("sampling period")) {
			p->period = val;
		} else if (KEY("ms since reset")) {
			if (val > INT64_MAX / 1000000)
				return prof_errf(ps->b.err, "line %zu: ms since reset is out of range", ps->L.no);
			p->duration_nanos = val * 1000000;
		} else {
			return prof_errf(ps->b.err, "line %zu: unknown contention profile attribute %s", ps->L.no,
			                 text_snip(buf, sizeof buf, k, kl));
		}
#undef KEY
	}
	*n = SIZE_MAX;
	return true;
}

/* The line of a debug=1 body: a record, a frame, labels, a comment or a blank. */
static bool body_line(parser *ps, const char *s, size_t n)
{
	const char *l = s;
	size_t len = n;
	trim(&l, &len);
	if (len == 0)
		return finish_record(ps);
	if (l[0] == '#') {
		const char *p = l + 1, *e = l + len;
		skip_spaces(&p, e);
		bool frame_line = p > l + 1 && e - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
		bool labels = has_prefix(l, len, "# labels:");
		if (!frame_line && !labels) {
			text_comment(&ps->b, l, len);
			return true;
		}
		if (!ps->r.open)
			return prof_errf(ps->b.err, "line %zu: %s line before any record", ps->L.no,
			                 labels ? "a labels" : "a frame");
		if (labels) {
			if (ps->r.nframe > 0)
				return prof_errf(ps->b.err, "line %zu: labels after the frame lines", ps->L.no);
			return parse_labels(ps, l, len);
		}
		return parse_frame(ps, l, len);
	}
	if (!finish_record(ps))
		return false;
	const char *e = l + len;
	switch (ps->kind) {
	case K_COUNT:
		return count_record(ps, l, e);
	case K_HEAP:
		return heap_record(ps, l, e);
	default:
		return contention_record(ps, l, e);
	}
}

static bool parse_debug1(parser *ps)
{
	const char *s;
	size_t n;
	/* The header: the first line that is neither blank nor a comment. */
	for (;;) {
		if (!next_line(&ps->L, &s, &n))
			return prof_errf(ps->b.err, "empty text profile");
		trim(&s, &n);
		if (n && s[0] != '#')
			break;
	}
	switch (ps->kind) {
	case K_COUNT: {
		const char *sp = memchr(s, ' ', n);
		const char *t[2] = {0, "count"};
		prof_strid name = text_intern(&ps->b, s, (size_t)(sp - s));
		t[0] = prof_str(ps->b.p, name);
		text_set_types(&ps->b, t, 1, t[0], "count", 1);
		break;
	}
	case K_HEAP:
		if (!heap_header(ps, s, n))
			return false;
		break;
	default:
		if (!contention_header(ps, &s, &n))
			return false;
		if (n == SIZE_MAX)
			return true;
		if (has_prefix(s, n, "---"))
			return true;
		if (!body_line(ps, s, n))
			return false;
		break;
	}
	while (next_line(&ps->L, &s, &n)) {
		const char *l = s;
		size_t len = n;
		trim(&l, &len);
		if (has_prefix(l, len, "---"))
			break; /* a memory map or another section: not ours */
		if (!body_line(ps, s, n))
			return false;
	}
	return finish_record(ps);
}

/*
 * pprof reads a debug=1 profile through its legacy parser, whose memory-map
 * step gives a profile without mappings one that covers every address; its
 * -raw and -proto show it, so prof's model has it too.
 */
static void text_fake_mapping(prof_profile *p)
{
	if (p->nmapping != 0 || p->nlocation == 0)
		return;
	p->mappings = xrealloc(p->mappings, sizeof *p->mappings);
	p->mappings[0] = (prof_mapping){.id = 1, .limit = UINT64_MAX};
	p->nmapping = 1;
	for (size_t i = 0; i < p->nlocation; i++)
		p->locations[i].mapping = 0;
}

prof_profile *prof_decode_text(const uint8_t *d, size_t n, prof_err *err)
{
	return prof_decode_text_mapped(d, n, false, err);
}

prof_profile *prof_decode_text_mapped(const uint8_t *d, size_t n, bool mapped, prof_err *err)
{
	enum kind kind = first_line_kind(d, n);
	if (kind == K_NONE || kind == K_DUMP) {
		if (kind == K_DUMP || has_dump_header(d, n))
			return text_decode_dump(d, n, mapped, err);
		prof_errf(err, "unrecognized text profile (expected a Go runtime profile written with debug=1 or 2)");
		return NULL;
	}
	parser ps = {.kind = kind, .L = {(const char *)d, n, 0, 0}};
	if (n >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf)
		ps.L.pos = 3;
	prof_profile *p = prof_profile_new();
	text_builder_init(&ps.b, p, err);
	bool ok = parse_debug1(&ps);
	text_builder_free(&ps.b);
	record_free(&ps.r);
	if (!ok) {
		prof_profile_free(p);
		return NULL;
	}
	text_fake_mapping(p);
	return p;
}
