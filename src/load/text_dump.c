/*
 * text_dump: goroutine dumps (pprof debug=2, runtime.Stack, crash logs).
 *
 *   goroutine 18 [semacquire, 12 minutes, locked to thread]:
 *   sync.runtime_SemacquireMutex(0xc000038748?, 0x16?, 0x0?)
 *   	/usr/lib/go/src/runtime/sema.go:77 +0x25
 *   sync.(*Mutex).Lock(...)
 *   	/usr/lib/go/src/sync/mutex.go:90
 *   created by main.startContention in goroutine 1
 *   	/src/main.go:236 +0x2b
 *
 * Each goroutine is one sample of count 1, leaf first, labelled with its
 * state, creator and wait time. A frame printed with "(...)" was inlined
 * into the next one: they share a location, as in the runtime's protobuf
 * profiles. Go 1.26 headers add labels ("leaked" when the GC proved the
 * goroutine leaked, "synctest_bubble", and the goroutine's own labels under
 * GODEBUG=tracebacklabels=1). Text around the goroutines (a panic message, registers, "exit
 * status 2") is skipped; a dump cut off mid-goroutine keeps what is there.
 *
 * Speed (a leak leaves a million goroutines, half a gigabyte of text, most
 * parked at a few places): a goroutine's lines are first read as spans of
 * the dump (frame names without their arguments, files and lines without
 * pc offsets, the creator), interning nothing. Those spans key a cache of
 * the blocks already built, so a goroutine printed like an earlier one
 * costs one lookup; only a new block interns its strings, functions,
 * locations and stack, in the order the lines name them. A big dump is read
 * in two parts on two threads, split at a goroutine header; the second
 * part's profile is appended to the first's in its own order, so every id
 * is the one a single pass gives (on any error the dump is read again in
 * one pass, for the exact line number). The model never points into the
 * dump, so a mapped file's pages are handed back behind the parser.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "load/text.h"
#include "util/arena.h"
#include "util/cores.h"
#include "xform/merge.h"

/* What a goroutine's line adds, a span of the dump, in the order of the lines. */
enum { EV_FRAME, EV_FILE, EV_CREATED };
typedef struct gev {
	const char *s;
	size_t n;
	int64_t line;  /* EV_FILE */
	uint8_t kind;
	bool inlined;  /* EV_FRAME: printed "pkg.F(...)" */
} gev;

typedef struct gframe {
	prof_strid name, file;
	int64_t line;
	bool inlined;
} gframe;

/* A block built: its stack and creator, under the block's key (block_key). */
typedef struct block_val {
	uint32_t stack;
	prof_strid created;
} block_val;

/*
 * The last block seen in full after a goroutine header, under the bytes of
 * its first line: its bytes through the empty line that ended it (a copy
 * at raw + off), its line count, stack and creator.
 */
typedef struct body_val {
	size_t off, len, nlines;
	uint32_t stack;
	prof_strid created;
} body_val;

/* A header's bracket content parsed: state, marks, wait and labels (hls[hl_off..+nhl)). */
typedef struct head_val {
	prof_strid state;
	bool leaked;
	int64_t minutes, bubble;
	size_t hl_off, nhl;
} head_val;

/* What each cache may copy of the dump, in bytes: a dump of all-different goroutines would copy itself. */
#define CACHE_MAX ((size_t)32 << 20)
/* Bodies are looked up until this many misses outnumber the hits (a dump whose frames print arguments). */
#define BODY_TRIES 1024
/* Dumps smaller than this are read in one pass. */
#define SPLIT_MIN ((size_t)16 << 20)
/* Mapped pages behind the parser are handed back this much at a time. */
#define DROP_STEP ((size_t)8 << 20)

typedef struct dump {
	text_builder b;
	const char *d;
	size_t n, pos, no;
	bool in_g;       /* inside a goroutine's block */
	bool ancestors;  /* past "[originating from goroutine N]:" */
	bool pending;    /* the last frame still waits for its file line */
	bool creator;    /* the next tab line is the creator's file line */
	prof_strid state;
	int64_t minutes; /* -1: not printed */
	size_t g_line;
	gev *ev;         /* the block's lines, as spans */
	size_t nev, evcap;
	gframe *fr;
	size_t nfr, frcap;
	uint64_t *kw;       /* a key being made (key_bytes, block_key) */
	size_t nkw, kwcap;
	text_keymap blocks, bodies, heads; /* keys to indices of bval, rval, hval */
	block_val *bval;
	body_val *rval;
	head_val *hval;
	size_t bvalcap, rvalcap, hvalcap;
	unsigned char *raw; /* the bodies' bytes */
	size_t nraw, rawcap;
	prof_strid *hls;    /* the headers' labels */
	size_t nhls, hlscap;
	size_t body_hits, body_misses;
	bool body_seen;     /* this goroutine's body was looked up and missed: cache it at its end */
	size_t body_start;  /* where this goroutine's body starts (after its header) */
	uint64_t body_h;    /* the hash of its first line */
	uint64_t *key;
	uint32_t *funcs;
	int64_t *lines;
	size_t keycap, funccap, linecap;
	bool leaked;        /* "(leaked)": the GC found it blocked for good */
	int64_t bubble;     /* synctest bubble id, -1: none */
	prof_strid *hl;     /* header labels: key, value pairs */
	size_t nhl, hlcap;
	char *sbuf;         /* the state without " (scan)" */
	size_t sbufcap;
	prof_strid k_state, k_created, k_wait, u_minutes, k_leaked, v_true, k_bubble;
	bool drop;          /* d is a read-only file mapping: read pages may go */
	size_t dropped;     /* pages before d + dropped are handed back (or not ours) */
} dump;

static bool has_prefix(const char *s, size_t n, const char *pre)
{
	size_t k = strlen(pre);
	return n >= k && memcmp(s, pre, k) == 0;
}

/* Finds needle in s[0..n); returns its offset or n. */
static size_t find(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (const char *p = s, *e = s + n; k <= (size_t)(e - p); p++) {
		p = memchr(p, needle[0], (size_t)(e - p) - k + 1);
		if (!p)
			break;
		if (memcmp(p, needle, k) == 0)
			return (size_t)(p - s);
	}
	return n;
}

static void add_event(dump *g, const char *s, size_t n, uint8_t kind)
{
	GROW(g->ev, g->evcap, g->nev + 1);
	g->ev[g->nev++] = (gev){.s = s, .n = n, .kind = kind};
}

/* Hands back the whole pages of a mapped dump before d + upto, DROP_STEP at a time. */
static void drop_behind(dump *g, size_t upto)
{
	if (!g->drop || upto < g->dropped + DROP_STEP)
		return;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t from = ((uintptr_t)g->d + g->dropped + page - 1) & ~(page - 1);
	uintptr_t to = ((uintptr_t)g->d + upto) & ~(page - 1);
	if (to > from)
		madvise((void *)from, to - from, MADV_DONTNEED);
	g->dropped = upto;
}

/* Puts tag and length, then s[0..n) in words, zero-padded, at g->kw + g->nkw (room made by the caller). */
static void put_bytes(dump *g, uint64_t tag, const char *s, size_t n)
{
	uint64_t *w = g->kw + g->nkw;
	*w++ = tag << 56 ^ n;
	size_t full = n / 8, rest = n % 8;
	for (size_t i = 0; i < full; i++)
		memcpy(&w[i], s + 8 * i, 8);
	if (rest) {
		w[full] = 0;
		memcpy(&w[full], s + 8 * full, rest);
	}
	g->nkw += 1 + full + (rest != 0);
}

/* The key of s[0..n) alone (a first line, a header's bracket content) in g->kw. */
static void key_bytes(dump *g, const char *s, size_t n)
{
	GROW(g->kw, g->kwcap, n / 8 + 2);
	g->nkw = 0;
	put_bytes(g, 0, s, n);
}

/* The block's events as words: kind and length, span, line. Equal keys, equal blocks. */
static void block_key(dump *g)
{
	size_t need = 0;
	for (size_t i = 0; i < g->nev; i++)
		need += 2 + g->ev[i].n / 8 + (g->ev[i].kind == EV_FILE);
	GROW(g->kw, g->kwcap, need + 1);
	g->nkw = 0;
	for (size_t i = 0; i < g->nev; i++) {
		const gev *e = &g->ev[i];
		put_bytes(g, (uint64_t)(e->kind | e->inlined << 2) + 1, e->s, e->n);
		if (e->kind == EV_FILE)
			g->kw[g->nkw++] = (uint64_t)e->line;
	}
}

/* Whether a cache may take a key of n more words. */
static bool cache_room(const text_keymap *m, size_t n)
{
	return (m->npool + n) * sizeof(uint64_t) <= CACHE_MAX && m->n < UINT32_MAX / 2;
}

/*
 * Interns the block's strings in the order its lines name them (names and
 * files of frames, the creator), then its functions, locations and stack.
 */
static uint32_t build_block(dump *g, prof_strid *created)
{
	text_builder *b = &g->b;
	g->nfr = 0;
	*created = 0;
	for (size_t i = 0; i < g->nev; i++) {
		const gev *e = &g->ev[i];
		prof_strid s = text_intern(b, e->s, e->n);
		if (e->kind == EV_FRAME) {
			GROW(g->fr, g->frcap, g->nfr + 1);
			g->fr[g->nfr++] = (gframe){.name = s, .inlined = e->inlined};
		} else if (e->kind == EV_FILE) {
			g->fr[g->nfr - 1].file = s;
			g->fr[g->nfr - 1].line = e->line;
		} else {
			*created = s;
		}
	}
	for (size_t i = 0; i < g->nfr;) {
		size_t k = i;
		while (k + 1 < g->nfr && g->fr[k].inlined)
			k++;
		size_t nl = k - i + 1;
		GROW(g->key, g->keycap, 2 * nl);
		GROW(g->funcs, g->funccap, nl);
		GROW(g->lines, g->linecap, nl);
		for (size_t j = 0; j < nl; j++) {
			const gframe *f = &g->fr[i + j];
			g->funcs[j] = text_function(b, f->name, f->file);
			g->lines[j] = f->line;
			g->key[2 * j] = g->funcs[j];
			g->key[2 * j + 1] = (uint64_t)f->line;
		}
		text_push(b, text_location(b, g->key, 2 * nl, 0, g->funcs, g->lines, nl));
		i = k + 1;
	}
	return text_stack(b);
}

/* The block's stack and creator: from the cache, or built and cached (while the cache has room). */
static uint32_t block_stack(dump *g, prof_strid *created)
{
	block_key(g);
	uint64_t h = text_key_hash(g->kw, g->nkw);
	uint32_t e = text_keymap_find(&g->blocks, g->kw, g->nkw, h);
	if (e != PROF_NONE) {
		*created = g->bval[e].created;
		return g->bval[e].stack;
	}
	uint32_t stack = build_block(g, created);
	if (cache_room(&g->blocks, g->nkw)) {
		e = (uint32_t)g->blocks.n;
		text_keymap_put(&g->blocks, g->kw, g->nkw, h, e);
		GROW(g->bval, g->bvalcap, (size_t)e + 1);
		g->bval[e] = (block_val){stack, *created};
	}
	return stack;
}

/* The labels and the sample of a goroutine whose stack and creator are known. */
static bool add_goroutine(dump *g, uint32_t stack, prof_strid created)
{
	text_builder *b = &g->b;
	if (g->state)
		text_label_str(b, g->k_state, g->state);
	if (created)
		text_label_str(b, g->k_created, created);
	if (g->minutes >= 0)
		text_label_num(b, g->k_wait, g->minutes, g->u_minutes);
	if (g->leaked)
		text_label_str(b, g->k_leaked, g->v_true);
	if (g->bubble >= 0)
		text_label_num(b, g->k_bubble, g->bubble, 0);
	for (size_t i = 0; i + 1 < g->nhl; i += 2)
		text_label_str(b, g->hl[i], g->hl[i + 1]);
	int64_t one = 1;
	return text_sample_stack(b, &one, stack);
}

/*
 * A body that ended at its first empty line (d + at) goes into the bodies,
 * under its first line: the next goroutine whose bytes start the same up to
 * such a line is the same goroutine, and is read by one memcmp.
 */
static void keep_body(dump *g, size_t at, uint32_t stack, prof_strid created)
{
	g->body_seen = false;
	if (at >= g->n || g->d[at] != '\n')
		return;
	const char *s = g->d + g->body_start;
	size_t len = at + 1 - g->body_start;
	if (g->nraw + len > CACHE_MAX)
		return;
	const char *nl = memchr(s, '\n', len);
	key_bytes(g, s, (size_t)(nl - s));
	uint32_t e = text_keymap_find(&g->bodies, g->kw, g->nkw, g->body_h);
	if (e == PROF_NONE) {
		if (!cache_room(&g->bodies, g->nkw))
			return;
		e = (uint32_t)g->bodies.n;
		text_keymap_put(&g->bodies, g->kw, g->nkw, g->body_h, e);
		GROW(g->rval, g->rvalcap, (size_t)e + 1);
	}
	GROW(g->raw, g->rawcap, g->nraw + len);
	memcpy(g->raw + g->nraw, s, len);
	g->rval[e] = (body_val){g->nraw, len, g->no - g->g_line, stack, created};
	g->nraw += len;
}

/*
 * Right after a header: when the goroutine's bytes repeat the last body
 * that began with the same first line, it is that goroutine again, and
 * the lines are skipped. True when it was.
 */
static bool same_body(dump *g, uint32_t *stack, prof_strid *created)
{
	g->body_seen = false;
	if (g->body_misses > BODY_TRIES && g->body_misses > g->body_hits)
		return false;
	const char *s = g->d + g->pos;
	size_t left = g->n - g->pos;
	const char *nl = memchr(s, '\n', left);
	if (!nl)
		return false;
	key_bytes(g, s, (size_t)(nl - s));
	g->body_h = text_key_hash(g->kw, g->nkw);
	uint32_t e = text_keymap_find(&g->bodies, g->kw, g->nkw, g->body_h);
	if (e != PROF_NONE) {
		const body_val *v = &g->rval[e];
		if (v->len <= left && memcmp(g->raw + v->off, s, v->len) == 0) {
			g->body_hits++;
			*stack = v->stack;
			*created = v->created;
			g->pos += v->len;
			g->no += v->nlines;
			g->in_g = false;
			g->b.lineno = g->g_line;
			drop_behind(g, g->pos);
			return true;
		}
	}
	g->body_misses++;
	g->body_seen = true;
	g->body_start = g->pos;
	return false;
}

/* Ends the current goroutine (its line starts at d + at): its frames become a sample. */
static bool finish(dump *g, size_t at)
{
	if (!g->in_g)
		return true;
	g->in_g = false;
	g->b.lineno = g->g_line;
	prof_strid created;
	uint32_t stack = block_stack(g, &created);
	if (g->body_seen)
		keep_body(g, at, stack, created);
	drop_behind(g, at); /* no span points behind the current line now */
	return add_goroutine(g, stack, created);
}

/* Strips suffix from s[0..*n) when it ends s; says whether it did. */
static bool strip_suffix(const char *s, size_t *n, const char *suffix)
{
	size_t k = strlen(suffix);
	if (*n < k || memcmp(s + *n - k, suffix, k) != 0)
		return false;
	*n -= k;
	return true;
}

/* Parses a decimal number that is all of s[0..n); false when it is not one. */
static bool whole_number(const char *s, size_t n, int64_t *out, bool *overflow)
{
	int64_t v = 0;
	*overflow = false;
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (v > (INT64_MAX - 9) / 10) {
			*overflow = true;
			return false;
		}
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/*
 * Go 1.26's header labels (GODEBUG=tracebacklabels=1): the bytes after
 * " labels:" in s[0..n), {"k": "v", ...} quoted by the runtime's
 * printquoted, become the goroutine's labels.
 */
static bool header_labels(dump *g, const char *s, size_t n)
{
	char snip[64];
	const char *p = s, *e = s + n;
	if (p == e || *p++ != '{' || e[-1] != '}')
		return prof_errf(g->b.err, "line %zu: header labels must look like {\"key\": \"value\", ...}, found %s",
		                 g->no, text_snip(snip, sizeof snip, s, n));
	e--; /* the '}' */
	char *buf = xmalloc(n + 1);
	bool ok = true;
	while (ok && p < e) {
		prof_strid kv[2];
		for (int i = 0; i < 2 && ok; i++) {
			size_t outn, used;
			if (*p != '"' || !text_unquote(p, e, buf, &outn, &used)) {
				ok = prof_errf(g->b.err, "line %zu: header labels: expected a quoted %s at %s", g->no,
				               i ? "value" : "key", text_snip(snip, sizeof snip, p, (size_t)(e - p)));
				break;
			}
			kv[i] = text_intern(&g->b, buf, outn);
			p += used;
			if (i == 0 && !(e - p >= 2 && p[0] == ':' && p[1] == ' ')) {
				ok = prof_errf(g->b.err, "line %zu: header labels: expected \": \" after a key", g->no);
				break;
			}
			if (i == 0)
				p += 2;
		}
		if (!ok)
			break;
		GROW(g->hl, g->hlcap, g->nhl + 2);
		g->hl[g->nhl++] = kv[0];
		g->hl[g->nhl++] = kv[1];
		if (p == e)
			break;
		if (e - p >= 3 && p[0] == ',' && p[1] == ' ')
			p += 2;
		else
			ok = prof_errf(g->b.err, "line %zu: header labels: expected \", \" or '}' at %s", g->no,
			               text_snip(snip, sizeof snip, p, (size_t)(e - p)));
	}
	free(buf);
	return ok;
}

/*
 * "goroutine 18 [semacquire, 12 minutes, locked to thread]:", and what newer
 * runtimes add: " gp=0x... m=0 mp=0x..." before the '[' (GOTRACEBACK=system,
 * crashes), " (leaked)" and " (scan)" after the wait reason, ", synctest
 * bubble N" and " labels:{...}" (Go 1.26). The state label is the wait
 * reason alone ("(durable)" is part of some reasons' names, so it stays).
 */
static bool header_content(dump *g, const char *c, const char *ce)
{
	char buf[64];
	g->nhl = 0;
	/* A label's key or value cannot hold " labels:{": its quotes are escaped. */
	size_t lab = find(c, (size_t)(ce - c), " labels:{");
	if (lab < (size_t)(ce - c)) {
		if (!header_labels(g, c + lab + strlen(" labels:"), (size_t)(ce - c) - lab - strlen(" labels:")))
			return false;
		ce = c + lab;
	}
	/* The state runs to the first ", "; then ", N minutes", ", locked to thread", ... */
	size_t sl = find(c, (size_t)(ce - c), ", ");
	size_t scan = find(c, sl, " (scan)");
	g->leaked = false;
	g->bubble = -1;
	if (scan < sl) { /* " (scan)" comes before a " (durable)" the runtime adds */
		g->state = 0;
		GROW(g->sbuf, g->sbufcap, sl);
		memcpy(g->sbuf, c, scan);
		memcpy(g->sbuf + scan, c + scan + 7, sl - scan - 7);
		size_t k = sl - 7;
		g->leaked = strip_suffix(g->sbuf, &k, " (leaked)");
		g->state = k ? text_intern(&g->b, g->sbuf, k) : 0;
	} else {
		size_t k = sl;
		g->leaked = strip_suffix(c, &k, " (leaked)");
		g->state = k ? text_intern(&g->b, c, k) : 0;
	}
	g->minutes = -1;
	for (const char *q = c + sl; q < ce;) {
		q += 2;
		size_t pl = find(q, (size_t)(ce - q), ", ");
		size_t ml = strlen(" minutes"), bl = strlen("synctest bubble ");
		int64_t num;
		bool overflow;
		if (pl > ml && memcmp(q + pl - ml, " minutes", ml) == 0) {
			if (whole_number(q, pl - ml, &num, &overflow))
				g->minutes = num;
			else if (overflow)
				return prof_errf(g->b.err, "line %zu: %s minutes is out of range", g->no,
				                 text_snip(buf, sizeof buf, q, pl - ml));
		} else if (pl > bl && memcmp(q, "synctest bubble ", bl) == 0) {
			if (whole_number(q + bl, pl - bl, &num, &overflow))
				g->bubble = num;
			else if (overflow)
				return prof_errf(g->b.err, "line %zu: synctest bubble %s is out of range", g->no,
				                 text_snip(buf, sizeof buf, q + bl, pl - bl));
		}
		q += pl;
	}
	return true;
}

/* The bracket content c[0..n): parsed once per distinct text (a dump repeats a few states and waits). */
static bool header_cached(dump *g, const char *c, size_t n)
{
	key_bytes(g, c, n);
	uint64_t h = text_key_hash(g->kw, g->nkw);
	uint32_t e = text_keymap_find(&g->heads, g->kw, g->nkw, h);
	if (e != PROF_NONE) {
		const head_val *v = &g->hval[e];
		g->state = v->state;
		g->leaked = v->leaked;
		g->minutes = v->minutes;
		g->bubble = v->bubble;
		g->nhl = v->nhl;
		GROW(g->hl, g->hlcap, v->nhl);
		if (v->nhl)
			memcpy(g->hl, g->hls + v->hl_off, v->nhl * sizeof *g->hl);
		return true;
	}
	if (!header_content(g, c, c + n))
		return false;
	if (cache_room(&g->heads, g->nkw)) { /* header_content left g->kw as it was */
		e = (uint32_t)g->heads.n;
		text_keymap_put(&g->heads, g->kw, g->nkw, h, e);
		GROW(g->hval, g->hvalcap, (size_t)e + 1);
		GROW(g->hls, g->hlscap, g->nhls + g->nhl);
		if (g->nhl)
			memcpy(g->hls + g->nhls, g->hl, g->nhl * sizeof *g->hl);
		g->hval[e] = (head_val){g->state, g->leaked, g->minutes, g->bubble, g->nhls, g->nhl};
		g->nhls += g->nhl;
	}
	return true;
}

static bool header(dump *g, const char *s, size_t n)
{
	char buf[64];
	const char *e = s + n, *p = s + strlen("goroutine ");
	const char *id = p;
	uint64_t v = 0;
	while (p < e && *p >= '0' && *p <= '9')
		p++;
	for (const char *q = id; q < p; q++) {
		if (v > (UINT64_MAX - 9) / 10)
			return prof_errf(g->b.err, "line %zu: goroutine id %s is out of range", g->no,
			                 text_snip(buf, sizeof buf, id, (size_t)(p - id)));
		v = v * 10 + (uint64_t)(*q - '0');
	}
	const char *open = memchr(p, '[', (size_t)(e - p));
	const char *c = open + 1, *ce = e - 2; /* bracket content, without "]:" */
	if (!header_cached(g, c, (size_t)(ce - c)))
		return false;
	g->nev = 0;
	g->in_g = true;
	g->ancestors = g->pending = g->creator = false;
	g->g_line = g->no;
	return true;
}

/* "pkg.F(args)": the length of the name, or 0 when the line is no call. */
static size_t call_name(const char *s, size_t n, bool *inlined)
{
	if (n < 3 || s[n - 1] != ')' || s[0] == ' ' || s[0] == '\t')
		return 0;
	size_t depth = 0;
	for (size_t i = n; i-- > 0;) {
		if (s[i] == ')')
			depth++;
		else if (s[i] == '(' && --depth == 0) {
			*inlined = n - i == 5 && memcmp(s + i, "(...)", 5) == 0;
			return i;
		}
	}
	return 0;
}

/* Where "FILE:LINE" ends in a file line: at the first " +0x" or " fp=", else at len. */
static size_t file_end(const char *p, size_t len)
{
	for (const char *q = p, *e = p + len; q < e; q++) {
		q = memchr(q, ' ', (size_t)(e - q));
		if (!q)
			break;
		if (e - q >= 4 && ((q[1] == '+' && q[2] == '0' && q[3] == 'x') || (q[1] == 'f' && q[2] == 'p' && q[3] == '=')))
			return (size_t)(q - p);
	}
	return len;
}

/* "\t/path/file.go:77 +0x25 fp=... sp=... pc=...": the last frame's file and line. */
static bool file_line(dump *g, const char *s, size_t n)
{
	char buf[64];
	const char *p = s, *e = s + n;
	while (p < e && (*p == '\t' || *p == ' '))
		p++;
	size_t len = file_end(p, (size_t)(e - p));
	while (len > 0 && p[len - 1] == ' ')
		len--;
	size_t colon = len;
	while (colon > 0 && p[colon - 1] != ':')
		colon--;
	int64_t line = 0;
	size_t i = colon;
	for (; colon > 0 && i < len && p[i] >= '0' && p[i] <= '9'; i++) {
		if (line > (INT64_MAX - 9) / 10)
			break;
		line = line * 10 + (p[i] - '0');
	}
	if (colon == 0 || i == colon || i != len) {
		/* A dump cut off inside this line keeps the frame without its file. */
		if (g->pos == g->n && g->d[g->n - 1] != '\n')
			return true;
		return prof_errf(g->b.err, "line %zu: expected \"FILE:LINE\" after a function line, found %s", g->no,
		                 text_snip(buf, sizeof buf, p, (size_t)(e - p)));
	}
	add_event(g, p, colon - 1, EV_FILE);
	g->ev[g->nev - 1].line = line;
	return true;
}

/* A line inside a goroutine's block that starts with a tab or a space. */
static bool tab_line(dump *g, const char *s, size_t n)
{
	const char *t = s;
	size_t tl = n;
	while (tl > 0 && (*t == '\t' || *t == ' ')) {
		t++;
		tl--;
	}
	if (has_prefix(t, tl, "goroutine running on other thread"))
		return true;
	if (g->ancestors)
		return true;
	if (g->creator) {
		g->creator = false;
		return true;
	}
	if (!g->pending)
		return prof_errf(g->b.err, "line %zu: a file line without a function line before it", g->no);
	g->pending = false;
	return file_line(g, s, n);
}

/* Line s[0..n), which starts at d + at. */
static bool dump_line(dump *g, const char *s, size_t n, size_t at)
{
	if (n >= 10 && s[0] == 'g' && text_is_dump_header(s, n)) {
		if (!finish(g, at) || !header(g, s, n))
			return false;
		uint32_t stack;
		prof_strid created;
		return !same_body(g, &stack, &created) || add_goroutine(g, stack, created);
	}
	if (!g->in_g)
		return true; /* text around the goroutines */
	if (n == 0)
		return finish(g, at);
	if (s[0] == '\t' || s[0] == ' ')
		return tab_line(g, s, n);
	g->pending = g->creator = false;
	if (has_prefix(s, n, "created by ")) {
		if (g->ancestors)
			return true;
		const char *c = s + strlen("created by ");
		size_t cl = n - strlen("created by ");
		add_event(g, c, find(c, cl, " in goroutine "), EV_CREATED);
		g->creator = true;
		return true;
	}
	/* "...additional frames elided..." (past 100 frames, before Go 1.23) and
	 * "...51 frames elided..." (the middle of a deep stack, Go 1.23+): the
	 * frames printed on both sides stay, the missing ones are unknown. */
	if (has_prefix(s, n, "...") && n >= 3 + strlen(" elided...") &&
	    memcmp(s + n - strlen(" elided..."), " elided...", strlen(" elided...")) == 0)
		return true;
	if (has_prefix(s, n, "[originating from goroutine ")) {
		g->ancestors = true;
		return true;
	}
	bool inlined = false;
	size_t nl = call_name(s, n, &inlined);
	if (nl == 0)
		return finish(g, at); /* not a stack line: the dump ended, the log goes on */
	if (g->ancestors)
		return true;
	add_event(g, s, nl, EV_FRAME);
	g->ev[g->nev - 1].inlined = inlined;
	g->pending = true;
	return true;
}

static void dump_init(dump *g, const char *d, size_t n, bool drop, prof_profile *p, prof_err *err)
{
	*g = (dump){.d = d, .n = n, .drop = drop};
	text_builder_init(&g->b, p, err);
	static const char *const types[] = {"goroutine", "count"};
	text_set_types(&g->b, types, 1, "goroutine", "count", 1);
	g->k_state = text_intern(&g->b, "state", 5);
	g->k_created = text_intern(&g->b, "created_by", 10);
	g->k_wait = text_intern(&g->b, "wait_minutes", 12);
	g->u_minutes = text_intern(&g->b, "minutes", 7);
	g->k_leaked = text_intern(&g->b, "leaked", 6);
	g->v_true = text_intern(&g->b, "true", 4);
	g->k_bubble = text_intern(&g->b, "synctest_bubble", 15);
}

static void dump_free(dump *g)
{
	text_builder_free(&g->b);
	text_keymap_free(&g->blocks);
	text_keymap_free(&g->bodies);
	text_keymap_free(&g->heads);
	free(g->bval);
	free(g->rval);
	free(g->hval);
	free(g->raw);
	free(g->hls);
	free(g->ev);
	free(g->fr);
	free(g->kw);
	free(g->key);
	free(g->funcs);
	free(g->lines);
	free(g->hl);
	free(g->sbuf);
}

/* Reads every line of g's bytes into its profile; false (and the builder's *err) on bad input. */
static bool dump_parse(dump *g)
{
	const char *d = g->d;
	while (g->pos < g->n) {
		size_t at = g->pos;
		const char *s = d + at;
		const char *nl = memchr(s, '\n', g->n - at);
		size_t k = nl ? (size_t)(nl - s) : g->n - at;
		g->pos += k + (nl ? 1 : 0);
		g->no++;
		while (k > 0 && (s[k - 1] == '\r' || s[k - 1] == ' '))
			k--;
		if (!dump_line(g, s, k, at))
			return false;
	}
	return finish(g, g->n);
}

/* The dump d[0..n) in one pass. */
static prof_profile *parse_whole(const uint8_t *d, size_t n, bool drop, prof_err *err)
{
	prof_profile *p = prof_profile_new();
	dump g;
	dump_init(&g, (const char *)d, n, drop, p, err);
	if (n >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf)
		g.pos = 3; /* a UTF-8 byte order mark */
	bool ok = dump_parse(&g);
	if (ok && p->nsample == 0)
		ok = prof_errf(err, "no goroutines in the dump");
	dump_free(&g);
	if (!ok) {
		prof_profile_free(p);
		return NULL;
	}
	return p;
}

/* The start of a goroutine header line at or after the middle of d[0..n), or 0: where to split. */
static size_t split_point(const char *d, size_t n)
{
	const char *e = d + n;
	for (const char *q = d + n / 2; q < e; q++) {
		q = memchr(q, '\n', (size_t)(e - q));
		if (!q)
			break;
		const char *s = q + 1;
		if (e - s < 10 || memcmp(s, "goroutine ", 10) != 0)
			continue;
		const char *nl = memchr(s, '\n', (size_t)(e - s));
		size_t k = nl ? (size_t)(nl - s) : (size_t)(e - s);
		while (k > 0 && (s[k - 1] == '\r' || s[k - 1] == ' '))
			k--;
		if (text_is_dump_header(s, k))
			return (size_t)(s - d);
	}
	return 0;
}

typedef struct part {
	dump g;
	prof_err err;
	bool ok;
} part;

static void *part_main(void *arg)
{
	part *pt = arg;
	pt->ok = dump_parse(&pt->g);
	return NULL;
}

/*
 * The dump in two parts, the second on a thread; NULL when a part fails
 * (the caller then reads the dump in one pass, which names the first bad
 * line exactly).
 */
static prof_profile *parse_split(const uint8_t *d, size_t n, size_t split, bool drop)
{
	prof_profile *p1 = prof_profile_new(), *p2 = prof_profile_new();
	part a = {0}, c = {0};
	dump_init(&a.g, (const char *)d, split, drop, p1, &a.err);
	dump_init(&c.g, (const char *)d + split, n - split, drop, p2, &c.err);
	if (split >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf)
		a.g.pos = 3; /* a UTF-8 byte order mark */
	prof_run_pair(part_main, &a, &c, true);
	dump_free(&c.g);
	dump_free(&a.g);
	/*
	 * The merge appends the second part's strings, functions, locations and
	 * stacks that the first lacks in the second's order: the ids one pass
	 * gives (a dump repeats no function or location, so nothing folds).
	 */
	prof_err merr = {0};
	bool ok = a.ok && c.ok && prof_merge(p1, p2, &merr) && p1->nsample > 0;
	prof_profile_free(p2);
	if (!ok) {
		prof_profile_free(p1);
		return NULL;
	}
	return p1;
}

prof_profile *text_decode_dump(const uint8_t *d, size_t n, bool mapped, prof_err *err)
{
	return text_decode_dump_split(d, n, mapped, prof_two_cores(n, SPLIT_MIN) ? 0 : SIZE_MAX, err);
}

prof_profile *text_decode_dump_split(const uint8_t *d, size_t n, bool mapped, size_t split_min, prof_err *err)
{
	size_t split = n >= split_min ? split_point((const char *)d, n) : 0;
	if (split > 0) {
		prof_profile *p = parse_split(d, n, split, mapped);
		if (p)
			return p;
	}
	return parse_whole(d, n, mapped, err);
}
