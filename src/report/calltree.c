/*
 * calltree: see calltree.h.
 */
#include "report/calltree.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "util/cores.h"
#include "util/hashtab.h"
#include "util/sort.h"

#define NO_FRAME UINT32_MAX
#define LOC_MANY (UINT32_MAX - 1) /* a location of no index node or several: read through the index */
#define SMALL 32 /* groups of at most this many stacks sort by insertion */

/* ---- frames ---- */

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ull;
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

typedef struct frame_key {
	const char **names;
	const char *s;
} frame_key;

static bool frame_eq(const void *ctx, uint32_t frame)
{
	const frame_key *k = ctx;
	return strcmp(k->names[frame], k->s) == 0;
}

typedef struct named {
	const char *s;
	uint32_t id;
} named;

static int cmp_named(const void *a, const void *b)
{
	return strcmp(((const named *)a)->s, ((const named *)b)->s);
}

/* t->names gets the distinct keys in strcmp order, t->canon each index node's frame (its rank there). */
static void frames_build(calltree *t, const char *const *keys, uint32_t nkeys)
{
	const char **names = xmalloc(((size_t)nkeys + 1) * sizeof *names);
	uint32_t *canon = xmalloc(((size_t)nkeys + 1) * sizeof *canon);
	uint32_t n = 0;
	hashtab h = {0};
	hashtab_reserve(&h, nkeys);
	for (uint32_t k = 0; k < nkeys; k++) {
		frame_key key = {names, keys[k]};
		uint32_t f = hashtab_intern(&h, hash_str(keys[k]), n, frame_eq, &key);
		if (f == n)
			names[n++] = keys[k];
		canon[k] = f;
	}
	hashtab_free(&h);
	if (n >= 1u << 30)
		prof_oom(); /* a sort key is frame << 1 in 31 bits */
	named *order = xmalloc(((size_t)n + 1) * sizeof *order);
	for (uint32_t f = 0; f < n; f++)
		order[f] = (named){names[f], f};
	qsort(order, n, sizeof *order, cmp_named);
	uint32_t *rank = xmalloc(((size_t)n + 1) * sizeof *rank);
	for (uint32_t f = 0; f < n; f++) {
		rank[order[f].id] = f;
		names[f] = order[f].s;
	}
	for (uint32_t k = 0; k < nkeys; k++)
		canon[k] = rank[canon[k]];
	free(rank);
	free(order);
	t->names = names;
	t->nnames = n;
	t->canon = canon;
}

/* ---- stacks, one frame at a time ---- */

/* A stack being read: its weight and where its next frames are. */
struct calltree_item {
	int64_t w;
	uint32_t off, left, len; /* the stack's first stack_locs entry, its locations not read, its length */
	uint32_t pos, end;       /* the current location's index nodes not read: loc_nodes[pos..end) */
	uint32_t next;           /* the frame read ahead; NO_FRAME after the last */
};

/* The stack's next frame (skipping locations a filter left without nodes), or NO_FRAME. */
static uint32_t read_frame(const calltree *t, calltree_item *it)
{
	const graph_index *ix = t->r->ix;
	while (it->pos == it->end) {
		if (!it->left)
			return NO_FRAME;
		/* Read one location at a time, through the model's accessor (its ids may be 16-bit). */
		uint32_t l = prof_loc_at(t->r->p, (size_t)it->off + (t->inverted ? it->len - it->left : it->left - 1));
		it->left--;
		if (t->loc_frame[l] != LOC_MANY)
			return t->loc_frame[l]; /* one node: its frame, with no look at the index */
		it->pos = ix->loc_off[l];
		it->end = it->pos + ix->loc_n[l];
	}
	/* Root first, a location's caller line comes before the lines inlined into it; inverted, the reverse. */
	return t->canon[t->inverted ? ix->loc_nodes[it->pos++] : ix->loc_nodes[--it->end]];
}

/*
 * Per location, its frame when it has one index node (most have: no line
 * inlined into it, a filter dropped none): read_frame then reads one small
 * table a frame instead of three of the index and the node's frame.
 */
static uint32_t *loc_frames(const calltree *t)
{
	const graph_index *ix = t->r->ix;
	size_t nl = t->r->p->nlocation;
	uint32_t *lf = xmalloc((nl + 1) * sizeof *lf);
	for (size_t l = 0; l < nl; l++)
		lf[l] = ix->loc_n[l] == 1 ? t->canon[ix->loc_nodes[ix->loc_off[l]]] : LOC_MANY;
	return lf;
}

/* The frame read ahead, reading the one after it. */
static uint32_t take(const calltree *t, calltree_item *it)
{
	uint32_t f = it->next;
	it->next = read_frame(t, it);
	return f;
}

static int64_t abs_weight(int64_t w)
{
	return w == INT64_MIN ? INT64_MAX : w < 0 ? -w : w;
}

void calltree_init(calltree *t, const rctx *r, const char *const *keys, bool inverted)
{
	memset(t, 0, sizeof *t);
	t->r = r;
	t->inverted = inverted;
	frames_build(t, keys, r->ix->ninfo);
	t->loc_frame = loc_frames(t);
	const prof_profile *p = r->p;
	size_t n = 0;
	for (size_t st = 0; st < p->nstack; st++)
		n += r->gw.w[st] != 0;
	if (n >= UINT32_MAX)
		prof_oom();
	t->items = xmalloc((n + 1) * sizeof *t->items);
	for (size_t st = 0; st < p->nstack; st++) {
		int64_t w = r->gw.w[st];
		if (w == 0)
			continue;
		/* A stack without frames (all of them hidden) adds to the root only. */
		t->value = calltree_add(t->value, w);
		t->weight = calltree_add(t->weight, abs_weight(w));
		if (w < 0)
			t->negative = true;
		const prof_stack *s = &p->stacks[st];
		calltree_item *it = &t->items[t->nitems];
		*it = (calltree_item){.w = w, .off = s->off, .left = s->len, .len = s->len};
		it->next = read_frame(t, it);
		if (it->next != NO_FRAME)
			t->nitems++;
	}
}

void calltree_free(calltree *t)
{
	free(t->names);
	free(t->canon);
	free(t->loc_frame);
	free(t->items);
	memset(t, 0, sizeof *t);
}

/* ---- the walk ---- */

/* The stacks of a group that go on with one frame: a tree node. */
typedef struct run {
	uint32_t a, m, b; /* items: [a, m) end at this frame, [m, b) go on */
	uint32_t frame;
	bool line;        /* CALLTREE_FOLDED: this entry is the frame's line, not its subtree */
	int64_t value, weight, self;
} run;

/* The runs a group split into, visited from next to end; runs[r0..end) are the group's. */
typedef struct level {
	size_t r0, next, end;
} level;

typedef struct half half;

typedef struct walker {
	calltree *t;
	calltree_order order;
	const calltree_visitor *v;
	void *ctx;
	uint32_t depth0;         /* the depth of its first level's frames, less one */
	bool root;               /* its first level is the root's children: leave the root when done */
	half *split;             /* the other half of the walk, once split off (the first walker only) */
	size_t split_level;      /* the level whose last runs the other half walks */
	bool may_split;
	unsigned keybits;        /* bits of a sort key: frame << 1 | goes on */
	uint64_t *pairs, *tmp;   /* a group's sort keys: key << 32 | the item's place in the group */
	size_t pcap;
	run *runs;
	size_t nruns, rcap;
	level *levels;
	size_t nlevels, lcap;
} walker;

#define PAIR_KEY(p) ((uint32_t)((p) >> 32) & 0x7fffffffu)
#define PAIR_AT(p) ((uint32_t)(p))
#define PAIR_DONE (1ull << 63)

/* Sorts n pairs: by insertion when few, else by their keys' bytes (LSD radix); equal keys keep their places. */
static void sort_pairs(uint64_t *a, size_t n, uint64_t *tmp, unsigned keybits)
{
	if (n <= SMALL) {
		for (size_t i = 1; i < n; i++) {
			uint64_t x = a[i];
			size_t j = i;
			for (; j > 0 && a[j - 1] > x; j--)
				a[j] = a[j - 1];
			a[j] = x;
		}
		return;
	}
	uint64_t *src = a, *dst = tmp;
	for (unsigned shift = 32; shift < 32 + keybits; shift += 8) {
		size_t count[257] = {0};
		for (size_t i = 0; i < n; i++)
			count[((src[i] >> shift) & 0xff) + 1]++;
		if (count[((src[0] >> shift) & 0xff) + 1] == n)
			continue; /* one digit: the order stands */
		for (int d = 0; d < 256; d++)
			count[d + 1] += count[d];
		for (size_t i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 0xff]++] = src[i];
		uint64_t *s = src;
		src = dst;
		dst = s;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
}

/* Puts item a + PAIR_AT(pairs[k]) at a + k, for every k, following the permutation's cycles. */
static void permute(calltree_item *items, uint64_t *pairs, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		if (pairs[k] & PAIR_DONE || PAIR_AT(pairs[k]) == k)
			continue;
		calltree_item hold = items[k];
		size_t j = k;
		for (;;) {
			size_t s = PAIR_AT(pairs[j]);
			pairs[j] |= PAIR_DONE;
			if (s == k) {
				items[j] = hold;
				break;
			}
			items[j] = items[s];
			j = s;
		}
	}
}

static int cmp_by_weight(const void *x, const void *y)
{
	const run *a = x, *b = y;
	if (a->weight != b->weight)
		return a->weight > b->weight ? -1 : 1;
	return a->frame < b->frame ? -1 : a->frame > b->frame;
}

/* folded's order: the name, then ';' for a subtree or NUL for a line (names hold neither byte). */
static int cmp_folded(const void *x, const void *y, void *ctx)
{
	const run *a = x, *b = y;
	const char *const *names = ctx;
	const unsigned char *p = (const unsigned char *)names[a->frame], *q = (const unsigned char *)names[b->frame];
	while (*p && *p == *q)
		p++, q++;
	int c = *p ? *p : a->line ? 0 : ';';
	int d = *q ? *q : b->line ? 0 : ';';
	if (c != d)
		return c - d;
	return (int)b->line - (int)a->line;
}

static run *run_push(walker *w)
{
	GROW(w->runs, w->rcap, w->nruns + 1);
	return &w->runs[w->nruns++];
}

/* A run's sums over its stacks in their first order (the sums saturate, so the order is kept). */
static void run_sums(const calltree_item *items, const uint64_t *pairs, uint32_t s, uint32_t m, uint32_t e, run *r)
{
	uint32_t i = s, j = m;
	while (i < m || j < e) {
		uint32_t k = j >= e || (i < m && PAIR_AT(pairs[i]) < PAIR_AT(pairs[j])) ? i++ : j++;
		int64_t w = items[k].w;
		r->value = calltree_add(r->value, w);
		r->weight = calltree_add(r->weight, abs_weight(w));
		if (k < m)
			r->self = calltree_add(r->self, w);
	}
}

/* folded's entries for the runs from r0: a line where stacks end (summing to non-zero), a subtree where they go on. */
static void folded_entries(walker *w, size_t r0)
{
	size_t r1 = w->nruns;
	for (size_t k = r0; k < r1; k++) {
		run r = w->runs[k];
		if (r.self != 0) {
			run *e = run_push(w);
			*e = r;
			e->line = true;
		}
		if (r.b > r.m)
			*run_push(w) = r;
	}
	memmove(w->runs + r0, w->runs + r1, (w->nruns - r1) * sizeof *w->runs);
	w->nruns -= r1 - r0;
	sort_r(w->runs + r0, w->nruns - r0, sizeof *w->runs, cmp_folded, (void *)w->t->names);
}

static void level_push(walker *w, size_t r0)
{
	GROW(w->levels, w->lcap, w->nlevels + 1);
	w->levels[w->nlevels++] = (level){r0, r0, w->nruns};
}

/* ---- the walk in two halves ---- */

/*
 * A big tree is walked on two cores: the last runs of one group (a suffix
 * of the preorder below that group's frame) go to a thread, whose visits
 * are recorded and replayed, in order, once the first walker has visited
 * the group's other runs. Recorded visits take some 9 bytes a node.
 */
enum { SPLIT_MIN = 1 << 16 }; /* fewer stacks are walked on one core */
enum { EV_ENTER, EV_ENTER_WEIGHT, EV_LEAVE, EV_LINE };

struct half {
	walker w;
	pthread_t thread;
	uint8_t *ev;
	size_t nev, evcap;
};

static void walk_levels(walker *w);

static void rec_varint(half *h, uint64_t v)
{
	GROW(h->ev, h->evcap, h->nev + 10);
	while (v >= 0x80) {
		h->ev[h->nev++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	h->ev[h->nev++] = (uint8_t)v;
}

static uint64_t zigzag(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzigzag(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static void rec_enter(void *ctx, uint32_t frame, uint32_t depth, int64_t value, int64_t weight)
{
	half *h = ctx;
	bool plain = weight == abs_weight(value);
	rec_varint(h, plain ? EV_ENTER : EV_ENTER_WEIGHT);
	rec_varint(h, frame);
	rec_varint(h, depth);
	rec_varint(h, zigzag(value));
	if (!plain)
		rec_varint(h, zigzag(weight));
}

static void rec_leave(void *ctx)
{
	rec_varint(ctx, EV_LEAVE);
}

static void rec_line(void *ctx, uint32_t frame, int64_t self)
{
	rec_varint(ctx, EV_LINE);
	rec_varint(ctx, frame);
	rec_varint(ctx, zigzag(self));
}

static const calltree_visitor recorder = {rec_enter, rec_leave, rec_line};

/* The varint at *at of ev, written by rec_varint (so never past its end). */
static uint64_t get_varint(const uint8_t *ev, size_t *at)
{
	uint64_t v = 0;
	for (unsigned shift = 0;; shift += 7) {
		uint8_t b = ev[(*at)++];
		v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			return v;
	}
}

/* Makes h's recorded visits to v. */
static void replay(const half *h, const calltree_visitor *v, void *ctx)
{
	for (size_t at = 0; at < h->nev;) {
		uint64_t kind = get_varint(h->ev, &at);
		if (kind == EV_LEAVE) {
			v->leave(ctx);
			continue;
		}
		uint32_t frame = (uint32_t)get_varint(h->ev, &at);
		if (kind == EV_LINE) {
			v->line(ctx, frame, unzigzag(get_varint(h->ev, &at)));
			continue;
		}
		uint32_t depth = (uint32_t)get_varint(h->ev, &at);
		int64_t value = unzigzag(get_varint(h->ev, &at));
		int64_t weight = kind == EV_ENTER ? abs_weight(value) : unzigzag(get_varint(h->ev, &at));
		v->enter(ctx, frame, depth, value, weight);
	}
}

static void *half_run(void *arg)
{
	half *h = arg;
	walk_levels(&h->w);
	return NULL;
}

static void walker_free(walker *w)
{
	free(w->pairs);
	free(w->tmp);
	free(w->runs);
	free(w->levels);
}

/* The stacks below a run that the walk goes on reading. */
static size_t run_work(const run *r)
{
	return r->line ? 0 : r->b - r->m;
}

/*
 * Where the runs from r0 (a group just expanded) split best into two
 * halves of about equal work, or 0 when either half would be under a
 * quarter of the whole walk (only the halves run side by side).
 */
static size_t split_point(const walker *w, size_t r0)
{
	size_t group = 0, total = w->t->nitems;
	for (size_t k = r0; k < w->nruns; k++)
		group += run_work(&w->runs[k]);
	if (group < total / 2)
		return 0;
	size_t b = 0, best = 0, best_min = 0;
	for (size_t k = w->nruns; k-- > r0 + 1;) {
		b += run_work(&w->runs[k]);
		size_t lo = b < group - b ? b : group - b;
		if (lo > best_min) {
			best_min = lo;
			best = k;
		}
	}
	return best_min >= total / 4 ? best : 0;
}

static void try_split(walker *w, size_t r0)
{
	if (!w->may_split || w->split)
		return;
	size_t s = split_point(w, r0);
	if (!s)
		return;
	half *h = xcalloc(1, sizeof *h);
	h->w = (walker){.t = w->t, .order = w->order, .v = &recorder, .ctx = h, .depth0 = (uint32_t)w->nlevels,
	                .keybits = w->keybits};
	GROW(h->w.runs, h->w.rcap, w->nruns - s);
	memcpy(h->w.runs, w->runs + s, (w->nruns - s) * sizeof *w->runs);
	h->w.nruns = w->nruns - s;
	level_push(&h->w, 0);
	if (pthread_create(&h->thread, NULL, half_run, h) != 0) {
		walker_free(&h->w);
		free(h);
		w->may_split = false;
		return;
	}
	w->nruns = s;
	w->split = h;
	w->split_level = w->nlevels; /* the level about to be pushed for these runs */
}

/* The first walker has visited its runs of the split group: the other half's visits follow. */
static void split_join(walker *w)
{
	half *h = w->split;
	pthread_join(h->thread, NULL);
	replay(h, w->v, w->ctx);
	walker_free(&h->w);
	free(h->ev);
	free(h);
	w->split = NULL;
	w->may_split = false;
}

/*
 * Reads the next frame of the items [a, b) (a group that shares a path),
 * sorts them by it, those whose last frame it is first, and appends a run
 * per frame to w->runs in the walk's order.
 */
static void expand(walker *w, uint32_t a, uint32_t b)
{
	calltree *t = w->t;
	calltree_item *items = t->items + a;
	uint32_t n = b - a;
	if (n > w->pcap) {
		free(w->pairs);
		free(w->tmp);
		w->pcap = n;
		w->pairs = xmalloc(n * sizeof *w->pairs);
		w->tmp = xmalloc(n * sizeof *w->tmp);
	}
	uint64_t *pairs = w->pairs;
	for (uint32_t k = 0; k < n; k++) {
		uint64_t f = take(t, &items[k]);
		pairs[k] = (f << 1 | (items[k].next != NO_FRAME)) << 32 | k;
	}
	sort_pairs(pairs, n, w->tmp, w->keybits);
	permute(items, pairs, n);
	size_t r0 = w->nruns;
	for (uint32_t s = 0; s < n;) {
		uint32_t frame = PAIR_KEY(pairs[s]) >> 1, e = s, m = s;
		while (e < n && PAIR_KEY(pairs[e]) >> 1 == frame)
			e++;
		while (m < e && !(PAIR_KEY(pairs[m]) & 1))
			m++;
		run *r = run_push(w);
		*r = (run){.a = a + s, .m = a + m, .b = a + e, .frame = frame};
		run_sums(items, pairs, s, m, e, r);
		s = e;
	}
	if (w->order == CALLTREE_BY_WEIGHT)
		qsort(w->runs + r0, w->nruns - r0, sizeof *w->runs, cmp_by_weight);
	else if (w->order == CALLTREE_FOLDED)
		folded_entries(w, r0);
	try_split(w, r0);
}

/* The rest of one stack from depth on: a chain of frames, each as wide as the stack. */
static void chain(walker *w, calltree_item *it, uint32_t depth)
{
	const calltree_visitor *v = w->v;
	int64_t value = it->w, weight = abs_weight(it->w);
	uint32_t entered = 0;
	for (;;) {
		uint32_t f = take(w->t, it);
		bool last = it->next == NO_FRAME;
		if (last && w->order == CALLTREE_FOLDED) {
			v->line(w->ctx, f, value);
			break;
		}
		v->enter(w->ctx, f, depth++, value, weight);
		entered++;
		if (last)
			break;
	}
	while (entered--)
		v->leave(w->ctx);
}

/* Visits the runs of w's levels, depth first, until its first level is done. */
static void walk_levels(walker *w)
{
	const calltree_visitor *v = w->v;
	calltree *t = w->t;
	while (w->nlevels) {
		level *l = &w->levels[w->nlevels - 1];
		uint32_t depth = w->depth0 + (uint32_t)w->nlevels;
		if (l->next == l->end) {
			if (w->split && w->nlevels - 1 == w->split_level)
				split_join(w);
			/* The group is done: so is the frame it is under (the root's, or one the other walker entered). */
			w->nruns = l->r0;
			w->nlevels--;
			if (w->nlevels || w->root)
				v->leave(w->ctx);
			continue;
		}
		run r = w->runs[l->next++];
		if (r.line) {
			v->line(w->ctx, r.frame, r.self);
			continue;
		}
		v->enter(w->ctx, r.frame, depth, r.value, r.weight);
		if (r.b - r.m == 0) {
			v->leave(w->ctx);
		} else if (r.b - r.m == 1) {
			chain(w, &t->items[r.m], depth + 1);
			v->leave(w->ctx);
		} else {
			size_t r0 = w->nruns;
			expand(w, r.m, r.b);
			level_push(w, r0);
		}
	}
}

void calltree_walk(calltree *t, calltree_order order, const calltree_visitor *v, void *ctx)
{
	walker w = {.t = t, .order = order, .v = v, .ctx = ctx, .root = true};
	w.may_split = prof_two_cores(t->nitems, SPLIT_MIN);
	while (w.keybits < 33 && ((uint64_t)t->nnames << 1) >> w.keybits)
		w.keybits++;
	v->enter(ctx, CALLTREE_ROOT, 0, t->value, t->weight);
	if (t->nitems) {
		expand(&w, 0, t->nitems);
		level_push(&w, 0);
		walk_levels(&w);
	} else {
		v->leave(ctx);
	}
	walker_free(&w);
}
