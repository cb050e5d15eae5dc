/*
 * traces: pprof's list of every sample, its labels, value and stack (leaf
 * first), in the profile's sample order.
 *
 * A 1M-sample profile prints over a gigabyte here, so the printer formats
 * into one buffer with memcpy (no printf per line), each distinct number
 * once (a profile has a few thousand distinct values), and each node's name
 * length once.
 */
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "util/arena.h"
#include "util/cores.h"
#include "util/sort.h"
#include "util/units.h"

#define SEPARATOR "-----------+-------------------------------------------------------\n"
#define OUT_FLUSH ((size_t)1 << 20) /* the printer writes this much at a time */
#define MEMO_MAX ((size_t)1 << 20)  /* distinct numbers remembered */

/* Formatted numbers, each (value, unit) formatted once; unit UINT32_MAX: the sample value. */
typedef struct vmemo {
	hashtab tab;
	struct vment {
		int64_t v;
		uint32_t unit, off, len;
	} *ents;
	size_t n, cap;
	char *pool;
	size_t npool, poolcap;
} vmemo;

/* One frame of a trace: a node, and whether it is an inlined line. */
typedef struct tframe {
	uint32_t node;
	bool inl;
} tframe;

/* What the traces of one report share: the memo, name lengths, one sample's lines and frames. */
typedef struct tctx {
	rctx *r;
	const prof_profile *p;
	const graph_index *ix;
	prof_strid *units;
	bool own_units;
	vmemo memo;
	uint32_t *nlen;  /* per node and inline mark: its frame line's length, 0 until made */
	const char **line; /* per node and inline mark: the frame line (frame_line) */
	arena names;
	char *pool;      /* the sample's label lines, each NUL-terminated */
	size_t npool, poolcap;
	size_t *loff;    /* where each line starts in pool, in print order */
	size_t nl, loffcap;
	tframe *fr;
	size_t nfr, frcap;
	int64_t v;         /* the sample's value (divided under -mean) */
	const char *value; /* and formatted */
	size_t value_len;
	char scratch[64];  /* a number past MEMO_MAX */
} tctx;

typedef struct vkey {
	const vmemo *m;
	int64_t v;
	uint32_t unit;
} vkey;

static bool vkey_eq(const void *ctx, uint32_t e)
{
	const vkey *k = ctx;
	return k->m->ents[e].v == k->v && k->m->ents[e].unit == k->unit;
}

/* Number v in unit (a label unit's string id, or UINT32_MAX for the sample value) as the report prints it. */
static const char *number(tctx *t, int64_t v, uint32_t unit, size_t *len)
{
	vmemo *m = &t->memo;
	uint64_t h = ((uint64_t)v * 0x9e3779b97f4a7c15ull) ^ ((uint64_t)unit * 0xc2b2ae3d27d4eb4full);
	vkey k = {m, v, unit};
	uint32_t e = hashtab_find(&m->tab, h, vkey_eq, &k);
	if (e == HASHTAB_NONE) {
		char buf[64];
		if (unit == UINT32_MAX)
			rctx_value(t->r, v, buf, sizeof buf);
		else
			fmt_scaled_label(buf, sizeof buf, v, prof_str(t->p, unit), "auto");
		size_t n = strlen(buf);
		if (m->n >= MEMO_MAX) { /* too many to remember: this one lives until the next call */
			memcpy(t->scratch, buf, n + 1);
			*len = n;
			return t->scratch;
		}
		GROW(m->pool, m->poolcap, m->npool + n + 1);
		memcpy(m->pool + m->npool, buf, n + 1);
		GROW(m->ents, m->cap, m->n + 1);
		m->ents[m->n] = (struct vment){v, unit, (uint32_t)m->npool, (uint32_t)n};
		hashtab_add(&m->tab, h, (uint32_t)m->n);
		e = (uint32_t)m->n++;
		m->npool += n + 1;
	}
	*len = m->ents[e].len;
	return m->pool + m->ents[e].off;
}

static void pool_add(tctx *t, const char *s, size_t n)
{
	GROW(t->pool, t->poolcap, t->npool + n + 1);
	memcpy(t->pool + t->npool, s, n);
	t->npool += n;
}

/* pprof sorts the lines with their newline: as if each ended in '\n' (a tab sorts before it). */
static int str_cmp(const unsigned char *x, const unsigned char *y)
{
	for (;; x++, y++) {
		int cx = *x ? *x : '\n', cy = *y ? *y : '\n';
		if (cx != cy || !*x || !*y)
			return cx != cy ? cx - cy : (*x != 0) - (*y != 0);
	}
}

static int line_cmp(const void *a, const void *b, void *ctx)
{
	const unsigned char *pool = ctx;
	return str_cmp(pool + *(const size_t *)a, pool + *(const size_t *)b);
}

/*
 * One "%10s:  v1 v2" line per label key (string keys, then numeric ones),
 * each group sorted as text, as pprof prints them: appended to t's lines.
 */
static void label_lines(tctx *t, const prof_sample *s, bool numeric)
{
	const prof_profile *p = t->p;
	const prof_label *ls = p->labels + s->label_off;
	size_t first = t->nl;
	for (uint32_t i = 0; i < s->nlabel; i++) {
		bool num = prof_label_is_num(&ls[i]);
		if ((numeric ? !num : !ls[i].str) || (!num && !ls[i].str))
			continue;
		bool seen = false;
		for (uint32_t j = 0; j < i && !seen; j++)
			seen = ls[j].key == ls[i].key && (numeric ? prof_label_is_num(&ls[j]) : ls[j].str != 0);
		if (seen)
			continue;
		GROW(t->loff, t->loffcap, t->nl + 1);
		t->loff[t->nl++] = t->npool;
		const char *key = prof_str(p, ls[i].key);
		size_t kl = strlen(key);
		for (size_t k = kl; k < 10; k++)
			pool_add(t, " ", 1);
		pool_add(t, key, kl);
		pool_add(t, ": ", 2);
		for (uint32_t j = i; j < s->nlabel; j++) {
			if (ls[j].key != ls[i].key)
				continue;
			const char *v = NULL;
			size_t vl = 0;
			if (numeric && prof_label_is_num(&ls[j]))
				v = number(t, ls[j].num, t->units[ls[j].key], &vl);
			else if (!numeric && ls[j].str)
				vl = strlen(v = prof_str(p, ls[j].str));
			if (v) {
				pool_add(t, " ", 1);
				pool_add(t, v, vl);
			}
		}
		t->pool[t->npool++] = '\0';
	}
	if (t->nl > first)
		sort_r(t->loff + first, t->nl - first, sizeof *t->loff, line_cmp, t->pool);
}

/* One location of stack s (k from the leaf). */
static uint32_t stack_loc(const prof_profile *p, const prof_stack *s, uint32_t k)
{
	return prof_stack_loc(p, s, k);
}

/* Sample i's label lines and value into t; false when it has no frames (pprof skips it). */
static bool trace_read(tctx *t, size_t i)
{
	const prof_profile *p = t->p;
	const prof_sample *s = &p->samples[i];
	if (p->stacks[s->stack].len == 0)
		return false;
	t->npool = t->nl = 0;
	if (s->nlabel) {
		label_lines(t, s, false);
		label_lines(t, s, true);
	}
	int64_t v = prof_value(p, i, (size_t)t->r->si);
	int64_t d = t->r->o->mean ? prof_value(p, i, 0) : 0;
	if (d != 0)
		v /= d;
	t->v = v;
	t->value = number(t, v, UINT32_MAX, &t->value_len);
	return true;
}

/* Sample i's frames into t->fr: each location's nodes, innermost line first. */
static void trace_frames(tctx *t, size_t i)
{
	const prof_profile *p = t->p;
	const graph_index *ix = t->ix;
	const prof_stack *st = &p->stacks[p->samples[i].stack];
	t->nfr = 0;
	for (uint32_t k = 0; k < st->len; k++) {
		uint32_t l = stack_loc(p, st, k);
		const uint32_t *nodes = ix->loc_nodes + ix->loc_off[l];
		uint32_t n = ix->loc_n[l];
		GROW(t->fr, t->frcap, t->nfr + n);
		for (uint32_t j = 0; j < n; j++)
			t->fr[t->nfr++] = (tframe){nodes[j], j != n - 1};
	}
}

/* units: another tctx's, borrowed; NULL: t makes its own. */
static void tctx_init(tctx *t, rctx *r, prof_strid *units)
{
	*t = (tctx){.r = r, .p = r->p, .ix = r->ix, .units = units ? units : prof_num_label_units(r->p),
	            .own_units = !units};
	t->nlen = xcalloc(2 * (size_t)r->ix->ninfo + 2, sizeof *t->nlen);
	t->line = xcalloc(2 * (size_t)r->ix->ninfo + 2, sizeof *t->line);
}

static void tctx_free(tctx *t)
{
	hashtab_free(&t->memo.tab);
	free(t->memo.ents);
	free(t->memo.pool);
	if (t->own_units)
		free(t->units);
	free(t->nlen);
	free((void *)t->line);
	arena_free(&t->names);
	free(t->pool);
	free(t->loff);
	free(t->fr);
}

bool report_traces_each(rctx *r, report_trace_fn fn, void *ctx)
{
	tctx t;
	tctx_init(&t, r, NULL);
	report_trace tr = {0};
	const char **lines = NULL;
	size_t framecap = 0, linecap = 0;
	for (size_t i = 0; i < t.p->nsample && !tr.stop; i++) {
		if (!trace_read(&t, i))
			continue;
		trace_frames(&t, i);
		GROW(lines, linecap, t.nl + 1);
		for (size_t k = 0; k < t.nl; k++)
			lines[k] = t.pool + t.loff[k];
		tr.labels = lines;
		tr.nlabels = t.nl;
		tr.value = t.v;
		memcpy(tr.value_s, t.value, t.value_len < sizeof tr.value_s ? t.value_len + 1 : sizeof tr.value_s);
		tr.value_s[sizeof tr.value_s - 1] = '\0';
		GROW(tr.frames, framecap, t.nfr + 1);
		for (size_t k = 0; k < t.nfr; k++)
			tr.frames[k] = (report_trace_frame){t.ix->printable[t.fr[k].node], t.fr[k].inl};
		tr.nframes = t.nfr;
		tr.sample = i;
		fn(ctx, &tr);
	}
	free(tr.frames);
	free(lines);
	tctx_free(&t);
	return true;
}

/* The printer's buffer, with NAME_SLACK bytes past cap so short copies may run over. */
typedef struct obuf {
	char *b;
	size_t n, cap;
} obuf;

#define NAME_SLACK 32

/* Room for need more bytes (the buffer grows: a chunk of traces is written whole). */
static inline char *ob_room(obuf *o, size_t need)
{
	if (o->n + need > o->cap) {
		size_t cap = o->cap + NAME_SLACK;
		GROW(o->b, cap, o->n + need + NAME_SLACK);
		o->cap = cap - NAME_SLACK;
	}
	return o->b + o->n;
}

/* Writes out what o holds and empties it. */
static void ob_write(obuf *o, FILE *out)
{
	if (o->n)
		fwrite(o->b, 1, o->n, out);
	o->n = 0;
}

static void ob_add(obuf *o, const char *s, size_t n)
{
	memcpy(ob_room(o, n), s, n);
	o->n += n;
}

/* Copies n bytes in 16-byte steps: w has NAME_SLACK bytes of room past n, s as many readable (copy_name). */
static inline void copy16(char *w, const char *s, size_t n)
{
	for (size_t k = 0; k < n; k += 16)
		memcpy(w + k, s + k, 16);
}

/*
 * Node x's frame line as printed below the first: "             pkg.F\n"
 * (13 spaces), or with " (inline)" when inl. Made once per node and mark,
 * with NAME_SLACK readable bytes after it, so copy16 may read past its end.
 */
static const char *frame_line(tctx *t, uint32_t x, bool inl, size_t *len)
{
	uint32_t k = 2 * x + inl;
	if (!t->nlen[k]) {
		const char *s = t->ix->printable[x];
		size_t n = strlen(s), m = 13 + n + (inl ? 9 : 0) + 1;
		char *c = arena_zalloc(&t->names, m + NAME_SLACK);
		memset(c, ' ', 13);
		memcpy(c + 13, s, n);
		if (inl)
			memcpy(c + 13 + n, " (inline)", 9);
		c[m - 1] = '\n';
		t->line[k] = c;
		t->nlen[k] = (uint32_t)m;
	}
	*len = t->nlen[k];
	return t->line[k];
}

/* "%10s   %s%s\n" for each frame of sample i: the value (first frame only), the name and its inline mark. */
static void print_frames(tctx *t, size_t i, obuf *o)
{
	const prof_profile *p = t->p;
	const graph_index *ix = t->ix;
	const prof_stack *st = &p->stacks[p->samples[i].stack];
	size_t start = o->n;
	for (uint32_t k = 0; k < st->len; k++) {
		uint64_t span = ix->loc_span[stack_loc(p, st, k)];
		uint32_t n = (uint32_t)(span >> 32);
		const uint32_t *nodes = n == 1 ? NULL : ix->loc_nodes + (uint32_t)span;
		for (uint32_t j = 0; j < n; j++) {
			size_t len;
			const char *line = frame_line(t, nodes ? nodes[j] : (uint32_t)span, j != n - 1, &len);
			copy16(ob_room(o, len), line, len);
			o->n += len;
		}
	}
	if (o->n == start)
		return;
	/* The first line carries the value, right-aligned in 10 columns. */
	size_t vl = t->value_len;
	if (vl <= 10) {
		memcpy(o->b + start + 10 - vl, t->value, vl);
		return;
	}
	size_t total = o->n - start;
	ob_room(o, vl - 10);
	memmove(o->b + start + vl, o->b + start + 10, total - 10);
	memcpy(o->b + start, t->value, vl);
	o->n += vl - 10;
}

/* The traces of samples [from, to) into o. */
static void print_range(tctx *t, size_t from, size_t to, obuf *o)
{
	for (size_t i = from; i < to; i++) {
		if (!trace_read(t, i))
			continue;
		ob_add(o, SEPARATOR, strlen(SEPARATOR));
		for (size_t k = 0; k < t->nl; k++) {
			const char *line = t->pool + t->loff[k];
			ob_add(o, line, strlen(line));
			ob_add(o, "\n", 1);
		}
		print_frames(t, i, o);
	}
}

/*
 * Two printers on a big profile: the helper formats every other chunk of
 * samples while the caller formats the one before it, then the caller
 * writes both in order.
 */
typedef struct printer {
	tctx t;
	obuf o;
	size_t from, to;
	prof_helper helper;
} printer;

/* The helper's round: samples [from, to) into its buffer. */
static void printer_round(void *arg)
{
	printer *h = arg;
	h->o.n = 0;
	print_range(&h->t, h->from, h->to, &h->o);
}

#define CHUNK 2048          /* samples a printer formats at a time */
#define TWO_PRINTERS 65536  /* samples from which a second printer pays */

/* All samples, the helper taking every other chunk; false when there is no thread to be had. */
static bool print_two(tctx *t, obuf *o, FILE *out)
{
	printer h = {.from = 0, .to = 0};
	tctx_init(&h.t, t->r, t->units);
	if (!prof_helper_start(&h.helper, printer_round, &h)) {
		tctx_free(&h.t);
		return false;
	}
	size_t n = t->p->nsample;
	for (size_t i = 0; i < n; i += 2 * CHUNK) {
		size_t mid = i + CHUNK < n ? i + CHUNK : n, end = mid + CHUNK < n ? mid + CHUNK : n;
		h.from = mid;
		h.to = end;
		prof_helper_ask(&h.helper);
		print_range(t, i, mid, o);
		ob_write(o, out);
		prof_helper_wait(&h.helper);
		ob_write(&h.o, out);
	}
	prof_helper_stop(&h.helper);
	free(h.o.b);
	tctx_free(&h.t);
	return true;
}

/* The traces as they are read: no report held whole in memory. */
bool report_traces_rctx(FILE *out, rctx *r)
{
	rctx_profile_labels(out, r);
	tctx t;
	tctx_init(&t, r, NULL);
	obuf o = {0};
	size_t n = t.p->nsample;
	if (!prof_two_cores(n, TWO_PRINTERS) || !print_two(&t, &o, out)) {
		for (size_t i = 0; i < n; i += CHUNK) {
			print_range(&t, i, i + CHUNK < n ? i + CHUNK : n, &o);
			ob_write(&o, out);
		}
	}
	ob_add(&o, SEPARATOR, strlen(SEPARATOR));
	ob_write(&o, out);
	free(o.b);
	tctx_free(&t);
	return true;
}
