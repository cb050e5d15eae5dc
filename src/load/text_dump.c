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
 */
#include <stdlib.h>
#include <string.h>

#include "load/text.h"
#include "util/arena.h"

typedef struct gframe {
	prof_strid name, file;
	int64_t line;
	bool inlined;
} gframe;

typedef struct dump {
	text_builder b;
	const char *d;
	size_t n, pos, no;
	bool in_g;       /* inside a goroutine's block */
	bool ancestors;  /* past "[originating from goroutine N]:" */
	bool pending;    /* the last frame still waits for its file line */
	bool creator;    /* the next tab line is the creator's file line */
	prof_strid state, created_by;
	int64_t minutes; /* -1: not printed */
	size_t g_line;
	gframe *fr;
	size_t nfr, frcap;
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
} dump;

static bool next_line(dump *g, const char **s, size_t *len)
{
	if (g->pos >= g->n)
		return false;
	const char *start = g->d + g->pos;
	const char *nl = memchr(start, '\n', g->n - g->pos);
	size_t k = nl ? (size_t)(nl - start) : g->n - g->pos;
	g->pos += k + (nl ? 1 : 0);
	g->no++;
	while (k > 0 && (start[k - 1] == '\r' || start[k - 1] == ' '))
		k--;
	*s = start;
	*len = k;
	return true;
}

static bool has_prefix(const char *s, size_t n, const char *pre)
{
	size_t k = strlen(pre);
	return n >= k && memcmp(s, pre, k) == 0;
}

/* Finds needle in s[0..n); returns its offset or n. */
static size_t find(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (memcmp(s + i, needle, k) == 0)
			return i;
	return n;
}

/* Ends the current goroutine: its frames become a sample. */
static bool finish(dump *g)
{
	text_builder *b = &g->b;
	if (!g->in_g)
		return true;
	g->in_g = false;
	b->lineno = g->g_line;
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
	if (g->state)
		text_label_str(b, g->k_state, g->state);
	if (g->created_by)
		text_label_str(b, g->k_created, g->created_by);
	if (g->minutes >= 0)
		text_label_num(b, g->k_wait, g->minutes, g->u_minutes);
	if (g->leaked)
		text_label_str(b, g->k_leaked, g->v_true);
	if (g->bubble >= 0)
		text_label_num(b, g->k_bubble, g->bubble, 0);
	for (size_t i = 0; i + 1 < g->nhl; i += 2)
		text_label_str(b, g->hl[i], g->hl[i + 1]);
	int64_t one = 1;
	return text_sample(b, &one);
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
	g->created_by = 0;
	g->nfr = 0;
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

/* "\t/path/file.go:77 +0x25 fp=... sp=... pc=..." */
static bool file_line(dump *g, const char *s, size_t n, gframe *f)
{
	char buf[64];
	const char *p = s, *e = s + n;
	while (p < e && (*p == '\t' || *p == ' '))
		p++;
	size_t len = (size_t)(e - p);
	size_t a = find(p, len, " +0x"), b = find(p, len, " fp=");
	len = a < b ? a : b;
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
	f->file = text_intern(&g->b, p, colon - 1);
	f->line = line;
	return true;
}

static bool dump_line(dump *g, const char *s, size_t n)
{
	if (text_is_dump_header(s, n)) {
		if (!finish(g))
			return false;
		return header(g, s, n);
	}
	if (!g->in_g)
		return true; /* text around the goroutines */
	if (n == 0)
		return finish(g);
	if (s[0] == '\t' || s[0] == ' ') {
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
		return file_line(g, s, n, &g->fr[g->nfr - 1]);
	}
	g->pending = g->creator = false;
	if (has_prefix(s, n, "created by ")) {
		if (g->ancestors)
			return true;
		const char *c = s + strlen("created by ");
		size_t cl = n - strlen("created by ");
		cl = find(c, cl, " in goroutine ");
		g->created_by = text_intern(&g->b, c, cl);
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
		return finish(g); /* not a stack line: the dump ended, the log goes on */
	if (g->ancestors)
		return true;
	GROW(g->fr, g->frcap, g->nfr + 1);
	g->fr[g->nfr++] = (gframe){.name = text_intern(&g->b, s, nl), .inlined = inlined};
	g->pending = true;
	return true;
}

prof_profile *text_decode_dump(const uint8_t *d, size_t n, prof_err *err)
{
	dump g = {.d = (const char *)d, .n = n};
	if (n >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf)
		g.pos = 3; /* a UTF-8 byte order mark */
	prof_profile *p = prof_profile_new();
	text_builder_init(&g.b, p, err);
	static const char *const types[] = {"goroutine", "count"};
	text_set_types(&g.b, types, 1, "goroutine", "count", 1);
	g.k_state = text_intern(&g.b, "state", 5);
	g.k_created = text_intern(&g.b, "created_by", 10);
	g.k_wait = text_intern(&g.b, "wait_minutes", 12);
	g.u_minutes = text_intern(&g.b, "minutes", 7);
	g.k_leaked = text_intern(&g.b, "leaked", 6);
	g.v_true = text_intern(&g.b, "true", 4);
	g.k_bubble = text_intern(&g.b, "synctest_bubble", 15);
	bool ok = true;
	const char *s;
	size_t len;
	while (ok && next_line(&g, &s, &len))
		ok = dump_line(&g, s, len);
	ok = ok && finish(&g);
	if (ok && p->nsample == 0)
		ok = prof_errf(err, "no goroutines in the dump");
	text_builder_free(&g.b);
	free(g.fr);
	free(g.key);
	free(g.funcs);
	free(g.lines);
	free(g.hl);
	free(g.sbuf);
	if (!ok) {
		prof_profile_free(p);
		return NULL;
	}
	return p;
}
