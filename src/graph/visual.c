/* visual: see visual.h. */
#include "graph/visual.h"
#include "util/cores.h"
#include "util/sort.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

static uint64_t str_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

typedef struct vstr_key {
	const vgraph_strs *s;
	const char *str;
	size_t len;
} vstr_key;

static bool vstr_eq(const void *ctx, uint32_t id)
{
	const vstr_key *k = ctx;
	const char *c = k->s->str[id];
	return strncmp(c, k->str, k->len) == 0 && c[k->len] == '\0';
}

uint32_t vgraph_intern(vgraph_strs *s, const char *str, size_t len)
{
	vstr_key k = {s, str, len};
	uint32_t id = hashtab_intern(&s->index, str_hash(str, len), s->n, vstr_eq, &k);
	if (id != s->n)
		return id;
	size_t cap = s->cap;
	GROW(s->str, cap, (size_t)s->n + 1);
	s->cap = (uint32_t)cap;
	char *c = xmalloc(len + 1);
	memcpy(c, str, len);
	c[len] = '\0';
	s->str[s->n] = c;
	return s->n++;
}

void vgraph_input_init(vgraph_input *in, const graph_index *ix, size_t nsample)
{
	memset(in, 0, sizeof *in);
	in->ix = ix;
	in->nsample = nsample;
	in->w = xcalloc(nsample + 1, sizeof *in->w);
	in->dw = xcalloc(nsample + 1, sizeof *in->dw);
	in->group = xcalloc(nsample + 1, sizeof *in->group);
	in->num_off = xcalloc(nsample + 2, sizeof *in->num_off);
	vgraph_intern(&in->strs, "", 0);
}

void vgraph_input_free(vgraph_input *in)
{
	free(in->w);
	free(in->dw);
	free(in->group);
	free(in->num_off);
	free(in->num_name);
	free(in->num_value);
	for (uint32_t k = 0; k < in->strs.n; k++)
		free(in->strs.str[k]);
	free(in->strs.str);
	hashtab_free(&in->strs.index);
}

/* ---- building ---- */

static void list_add(vgraph_list *l, uint32_t id)
{
	size_t cap = l->cap;
	GROW(l->id, cap, (size_t)l->n + 1);
	l->cap = (uint32_t)cap;
	l->id[l->n++] = id;
}

/* Removes id from l (order is not kept: every reader sorts or sums). */
static bool list_remove(vgraph_list *l, uint32_t id)
{
	for (uint32_t k = 0; k < l->n; k++)
		if (l->id[k] == id) {
			l->id[k] = l->id[--l->n];
			return true;
		}
	return false;
}

static uint32_t new_node(vgraph *g, uint32_t info, uint32_t parent)
{
	size_t cap = g->nodecap;
	GROW(g->nodes, cap, (size_t)g->nnodes + 1);
	g->nodecap = (uint32_t)cap;
	g->nodes[g->nnodes] = (vgraph_node){.info = info, .parent = parent};
	return g->nnodes++;
}

static uint64_t map_hash(const vgraph_map *m, uint32_t a, uint32_t b, uint32_t c)
{
	return mix(((uint64_t)a << 32 | b) ^ (uint64_t)c * 0x9e3779b97f4a7c15ull ^ m->seed);
}

static void map_grow(vgraph_map *m)
{
	if (!m->slots)
		m->seed = hashtab_new_seed();
	size_t nslots = m->nslots ? 2 * m->nslots : 64;
	struct vgraph_slot *slots = xcalloc(nslots, sizeof *slots);
	for (size_t i = 0; i < m->nslots; i++) {
		const struct vgraph_slot *s = &m->slots[i];
		if (!s->id)
			continue;
		size_t j = map_hash(m, s->a, s->b, s->c) & (nslots - 1);
		while (slots[j].id)
			j = (j + 1) & (nslots - 1);
		slots[j] = *s;
	}
	free(m->slots);
	m->slots = slots;
	m->nslots = nslots;
}

/* The id under (a, b, c); when there is none, id is filed there and returned (the caller creates it). */
static uint32_t map_intern(vgraph_map *m, uint32_t a, uint32_t b, uint32_t c, uint32_t id)
{
	if ((m->n + 1) * 2 > m->nslots)
		map_grow(m);
	size_t mask = m->nslots - 1;
	for (size_t j = map_hash(m, a, b, c) & mask;; j = (j + 1) & mask) {
		struct vgraph_slot *s = &m->slots[j];
		if (!s->id) {
			if (id == UINT32_MAX)
				prof_oom();
			*s = (struct vgraph_slot){a, b, c, id + 1};
			m->n++;
			return id;
		}
		if (s->a == a && s->b == b && s->c == c)
			return s->id - 1;
	}
}

/* The id under (a, b, c), or UINT32_MAX when there is none. */
static uint32_t map_find(const vgraph_map *m, uint32_t a, uint32_t b, uint32_t c)
{
	if (!m->nslots)
		return UINT32_MAX;
	size_t mask = m->nslots - 1;
	for (size_t j = map_hash(m, a, b, c) & mask;; j = (j + 1) & mask) {
		const struct vgraph_slot *s = &m->slots[j];
		if (!s->id)
			return UINT32_MAX;
		if (s->a == a && s->b == b && s->c == c)
			return s->id - 1;
	}
}

/* A call tree's node: the child of parent (PROF_NONE: a root) for info. */
static uint32_t tree_node(vgraph *g, uint32_t parent, uint32_t info)
{
	uint32_t id = map_intern(&g->node_tab, parent, info, 0, g->nnodes);
	if (id == g->nnodes)
		new_node(g, info, parent);
	return id;
}

/* The edge src -> dst: created (with the flags) when new; link_edges lists it in its ends once all are made. */
static vgraph_edge *edge_of(vgraph *g, uint32_t src, uint32_t dst, bool residual, bool inl, uint32_t gen,
                            bool *created)
{
	uint32_t id;
	if (g->grid) {
		uint32_t *cell = &g->grid[(size_t)src * g->nk + dst];
		if (!*cell)
			*cell = g->nedges + 1;
		id = *cell - 1;
	} else {
		id = map_intern(&g->edge_tab, src, dst, 0, g->nedges);
	}
	*created = id == g->nedges;
	if (*created) {
		size_t cap = g->edgecap;
		GROW(g->edges, cap, (size_t)g->nedges + 1);
		g->edgecap = (uint32_t)cap;
		g->edges[id] = (vgraph_edge){.src = src, .dst = dst, .residual = residual, .inl = inl, .gen = gen};
		g->nedges++;
	}
	return &g->edges[id];
}

/* Each node's in and out lists: its edges in id order, as if listed when each was created. */
static void link_edges(vgraph *g)
{
	for (uint32_t k = 0; k < g->nedges; k++) {
		g->nodes[g->edges[k].src].out.n++;
		g->nodes[g->edges[k].dst].in.n++;
	}
	for (uint32_t n = 0; n < g->nnodes; n++) {
		vgraph_node *nd = &g->nodes[n];
		nd->in.id = nd->in.n ? xmalloc(nd->in.n * sizeof *nd->in.id) : NULL;
		nd->out.id = nd->out.n ? xmalloc(nd->out.n * sizeof *nd->out.id) : NULL;
		nd->in.cap = nd->in.n;
		nd->out.cap = nd->out.n;
		nd->in.n = nd->out.n = 0;
	}
	for (uint32_t k = 0; k < g->nedges; k++) {
		vgraph_node *src = &g->nodes[g->edges[k].src], *dst = &g->nodes[g->edges[k].dst];
		src->out.id[src->out.n++] = k;
		dst->in.id[dst->in.n++] = k;
	}
}

/*
 * pprof's AddToEdgeDiv. A nonzero gen counts the edge once per sample (the
 * graph); the call tree passes 0, as no path visits an edge twice.
 */
static void add_edge(vgraph *g, uint32_t src, uint32_t dst, int64_t w, int64_t dw, bool residual, bool inl,
                     uint32_t gen)
{
	bool created;
	vgraph_edge *e = edge_of(g, src, dst, residual, inl, gen, &created);
	if (!created) {
		if (gen && e->gen == gen)
			return;
		e->gen = gen;
		if (residual)
			e->residual = true;
		if (!inl)
			e->inl = false;
	}
	e->weight = (int64_t)((uint64_t)e->weight + (uint64_t)w);
	e->weight_div = (int64_t)((uint64_t)e->weight_div + (uint64_t)dw);
}

static vgraph_tag *find_tag(vgraph *g, uint32_t node, uint32_t group, uint32_t name, bool numeric, int64_t value)
{
	if (name >= UINT32_MAX / 2)
		prof_oom();
	uint32_t id;
	if (g->tag_grid && !numeric) {
		uint32_t *cell = &g->tag_grid[(size_t)node * g->in->strs.n + group];
		if (!*cell)
			*cell = g->ntags + 1;
		id = *cell - 1;
	} else {
		id = map_intern(&g->tag_tab, node, group, name << 1 | numeric, g->ntags);
	}
	if (id == g->ntags) {
		size_t cap = g->tagcap;
		GROW(g->tags, cap, (size_t)g->ntags + 1);
		g->tagcap = (uint32_t)cap;
		g->tags[g->ntags] = (vgraph_tag){.node = node, .group = group, .name = name, .numeric = numeric,
		                                 .value = value};
		list_add(&g->nodes[node].tags, g->ntags);
		g->ntags++;
	}
	return &g->tags[id];
}

static void add_to(int64_t *v, int64_t *div, int64_t w, int64_t dw)
{
	*v = (int64_t)((uint64_t)*v + (uint64_t)w);
	*div = (int64_t)((uint64_t)*div + (uint64_t)dw);
}

/* The tags half of pprof's Node.addSample: sample s's label set and sizes on node n, flat or cum. */
static void add_tags(vgraph *g, uint32_t n, size_t s, bool flat)
{
	const vgraph_input *in = g->in;
	int64_t w = in->w[s], dw = in->dw[s];
	uint32_t grp = in->group[s];
	if (grp && (!g->live_group || g->live_group[grp])) {
		uint32_t cell = g->tag_grid ? g->tag_grid[(size_t)n * in->strs.n + grp] : 0;
		vgraph_tag *t = cell ? &g->tags[cell - 1] : find_tag(g, n, grp, grp, false, 0);
		if (flat)
			add_to(&t->flat, &t->flat_div, w, dw);
		else
			add_to(&t->cum, &t->cum_div, w, dw);
	}
	for (uint32_t j = in->num_off[s]; j < in->num_off[s + 1]; j++) {
		if (g->live_num && !g->live_num[j])
			continue;
		vgraph_tag *t = find_tag(g, n, grp, in->num_name[j], true, in->num_value[j]);
		if (flat)
			add_to(&t->flat, &t->flat_div, w, dw);
		else
			add_to(&t->cum, &t->cum_div, w, dw);
	}
}

/* pprof's Node.addSample: the node's value and its tags, flat or cum. */
static void add_sample(vgraph *g, uint32_t n, size_t s, bool flat)
{
	const vgraph_input *in = g->in;
	vgraph_node *nd = &g->nodes[n];
	if (flat)
		add_to(&nd->flat, &nd->flat_div, in->w[s], in->dw[s]);
	else
		add_to(&nd->cum, &nd->cum_div, in->w[s], in->dw[s]);
	add_tags(g, n, s, flat);
}

/* A hint that *p is read soon: a sample's edges and tags are looked up together, their misses overlapped. */
#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

/* One node of a sample's path in build_walk: what it adds, in the walk's order. */
typedef struct wstep {
	uint32_t node, parent;
	uint32_t path; /* what path_rec records of it */
	bool cum : 1, flat : 1, edge : 1, residual : 1, inl : 1;
} wstep;

/* Prefetches the table slots that add_sample's tag lookups for step t will read. */
static void prefetch_tags(const vgraph *g, size_t s, const wstep *t)
{
	const vgraph_input *in = g->in;
	const vgraph_map *m = &g->tag_tab;
	size_t mask = m->nslots - 1;
	uint32_t grp = in->group[s];
	if (grp && (!g->live_group || g->live_group[grp])) {
		if (g->tag_grid)
			PREFETCH(&g->tag_grid[(size_t)t->node * in->strs.n + grp]);
		else if (m->nslots)
			PREFETCH(&m->slots[map_hash(m, t->node, grp, grp << 1) & mask]);
	}
	if (!m->nslots)
		return;
	for (uint32_t j = in->num_off[s]; j < in->num_off[s + 1]; j++)
		if (!g->live_num || g->live_num[j])
			PREFETCH(&m->slots[map_hash(m, t->node, grp, in->num_name[j] << 1 | 1) & mask]);
}

/*
 * Sample s's steps into g: node sums and tags, then edges, in the walk's
 * order (the arrays they create into are separate, so each keeps the order
 * of a walk that interleaves them). The tags' slots are prefetched first
 * (the edges' grid cells by the walk, as it makes each step).
 */
static void apply_steps(vgraph *g, size_t s, wstep *steps, uint32_t n, uint32_t gen)
{
	const vgraph_input *in = g->in;
	int64_t w = in->w[s], dw = in->dw[s];
	bool sums = !g->edges_only, tags = sums && (in->group[s] || in->num_off[s] != in->num_off[s + 1]);
	for (uint32_t k = 0; k < n && tags; k++) {
		const wstep *t = &steps[k];
		if (t->cum || t->flat)
			prefetch_tags(g, s, t);
	}
	for (uint32_t k = 0; k < n && sums; k++) {
		vgraph_node *nd = &g->nodes[steps[k].node];
		if (steps[k].cum)
			add_to(&nd->cum, &nd->cum_div, w, dw);
		if (steps[k].flat)
			add_to(&nd->flat, &nd->flat_div, w, dw);
	}
	for (uint32_t k = 0; k < n && tags; k++) {
		if (steps[k].cum)
			add_tags(g, steps[k].node, s, false);
		if (steps[k].flat)
			add_tags(g, steps[k].node, s, true);
	}
	for (uint32_t k = 0; k < n; k++) {
		const wstep *t = &steps[k];
		if (!t->edge)
			continue;
		uint32_t cell = g->grid ? g->grid[(size_t)t->parent * g->nk + t->node] : 0;
		if (!cell) {
			add_edge(g, t->parent, t->node, w, dw, t->residual, t->inl, gen);
			continue;
		}
		/* An edge made before: add_edge's work, found in one load. */
		vgraph_edge *e = &g->edges[cell - 1];
		if (e->gen == gen)
			continue;
		e->gen = gen;
		if (t->residual)
			e->residual = true;
		if (!t->inl)
			e->inl = false;
		e->weight = (int64_t)((uint64_t)e->weight + (uint64_t)w);
		if (dw) /* the rest of the edge stays untouched without -mean */
			e->weight_div = (int64_t)((uint64_t)e->weight_div + (uint64_t)dw);
	}
}

/* pprof's newTree over samples [from, to) into g: a node per distinct call path. */
static void tree_walk(vgraph *g, size_t from, size_t to)
{
	const vgraph_input *in = g->in;
	const graph_index *ix = in->ix;
	const prof_profile *p = ix->p;
	prof_locbuf buf = {0};
	for (size_t s = from; s < to; s++) {
		int64_t w = in->w[s], dw = in->dw[s];
		if (!w && !dw)
			continue;
		const prof_stack *st = &p->stacks[p->samples[s].stack];
		const uint32_t *locs = prof_stack_locs(p, st, &buf);
		uint32_t parent = PROF_NONE;
		for (uint32_t i = st->len; i-- > 0;) {
			uint32_t l = locs[i];
			const uint32_t *ln = ix->loc_nodes + ix->loc_off[l];
			uint32_t k = ix->loc_n[l];
			for (uint32_t ni = k; ni-- > 0;) {
				uint32_t n = tree_node(g, parent, ln[ni]);
				add_sample(g, n, s, false);
				if (parent != PROF_NONE)
					add_edge(g, parent, n, w, dw, false, ni != k - 1, 0);
				parent = n;
			}
		}
		if (parent != PROF_NONE)
			add_sample(g, parent, s, true);
	}
	prof_locbuf_free(&buf);
}

/* An info in one walk of build_walk: its node, and the sample that last counted it (its gen). */
typedef struct winfo {
	uint32_t node; /* PROF_NONE: none yet; DROPPED: not kept */
	uint32_t gen;
} winfo;

#define DROPPED (PROF_NONE - 1)

/* Per info, for a walk: no nodes yet, those not kept (kept: per info, NULL for all) dropped. */
static winfo *new_winfo(const graph_index *ix, const uint8_t *kept)
{
	winfo *wi = xmalloc(((size_t)ix->ninfo + 1) * sizeof *wi);
	for (uint32_t i = 0; i <= ix->ninfo; i++)
		wi[i] = (winfo){kept && i < ix->ninfo && !kept[i] ? DROPPED : PROF_NONE, 0};
	return wi;
}

/*
 * The kept part of each sample's path in one walk, for a later build over
 * fewer of the infos to replay instead of the stacks (a few steps a sample
 * where the stacks have tens of frames): per kept info, in the walk's
 * order, info << 2 | residual << 1 | inl, as the walk's step has them.
 */
typedef struct path_rec {
	uint32_t *e;
	uint32_t *off; /* per sample of the walk, where its steps start in e; one more for the end */
	size_t n, cap;
	size_t from, to; /* the walk's samples */
	bool full; /* given up: more steps than 32-bit offsets reach, or infos than fit */
} path_rec;

static void path_rec_free(path_rec *r)
{
	free(r->e);
	free(r->off);
	*r = (path_rec){0};
}

/* Records sample k's steps (before its flat one; none for a sample not walked) in r. */
static void path_rec_add(path_rec *r, size_t k, const wstep *steps, uint32_t n, const graph_index *ix)
{
	if (r->full)
		return;
	if (r->n + n >= UINT32_MAX || ix->ninfo >= UINT32_MAX >> 2) {
		r->full = true;
		return;
	}
	r->off[k] = (uint32_t)r->n;
	GROW(r->e, r->cap, r->n + n + 1);
	for (uint32_t j = 0; j < n; j++)
		r->e[r->n++] = steps[j].path;
}

/*
 * pprof's newGraph over samples [from, to) into g: each sample walked from
 * the root, callers before the lines inlined into them. wi: per info, g's
 * node (see new_winfo). rec, when not NULL, records the paths.
 */
static void build_walk(vgraph *g, winfo *wi, const uint8_t *loc_kept, size_t from, size_t to, path_rec *rec)
{
	const vgraph_input *in = g->in;
	const graph_index *ix = in->ix;
	const prof_profile *p = ix->p;
	uint32_t gen = 0;
	wstep *steps = NULL;
	size_t stepcap = 0;
	prof_locbuf buf = {0};
	for (size_t s = from; s < to; s++) {
		if (!in->w[s] && !in->dw[s]) {
			if (rec)
				path_rec_add(rec, s - from, steps, 0, ix);
			continue;
		}
		gen++;
		const prof_stack *st = &p->stacks[p->samples[s].stack];
		const uint32_t *locs = prof_stack_locs(p, st, &buf);
		uint32_t parent = PROF_NONE, n = 0;
		bool residual = false;
		for (uint32_t i = st->len; i-- > 0;) {
			if (loc_kept && loc_kept[locs[i]] != GRAPH_LOC_SOME_KEPT) {
				residual = residual || loc_kept[locs[i]] == GRAPH_LOC_NONE_KEPT;
				continue;
			}
			uint64_t span = ix->loc_span[locs[i]];
			uint32_t k = (uint32_t)(span >> 32), one = (uint32_t)span;
			const uint32_t *ln = k == 1 ? &one : ix->loc_nodes + one;
			GROW(steps, stepcap, (size_t)n + k + 1);
			for (uint32_t ni = k; ni-- > 0;) {
				winfo *f = &wi[ln[ni]];
				if (f->node == DROPPED) {
					residual = true;
					continue;
				}
				if (f->node == PROF_NONE)
					f->node = new_node(g, ln[ni], PROF_NONE);
				uint32_t x = f->node;
				bool inl = ni != k - 1;
				steps[n++] = (wstep){.node = x, .parent = parent, .residual = residual, .inl = inl,
				                     .path = ln[ni] << 2 | (uint32_t)residual << 1 | inl,
				                     .cum = f->gen != gen, .edge = parent != PROF_NONE && x != parent};
				if (g->grid && parent != PROF_NONE)
					PREFETCH(&g->grid[(size_t)parent * g->nk + x]);
				f->gen = gen;
				residual = false;
				parent = x;
			}
		}
		if (rec)
			path_rec_add(rec, s - from, steps, n, ix);
		if (parent != PROF_NONE && !residual)
			steps[n++] = (wstep){.node = parent, .flat = true};
		apply_steps(g, s, steps, n, gen);
	}
	if (rec && !rec->full)
		rec->off[to - from] = (uint32_t)rec->n;
	free(steps);
	prof_locbuf_free(&buf);
}

/*
 * build_walk's edges over samples [from, to) from the paths rec recorded
 * of a walk that kept these infos and more: an info not kept now makes
 * the next kept one's edge residual, as in the stacks.
 */
static void replay_walk(vgraph *g, winfo *wi, size_t from, size_t to, const path_rec *rec)
{
	uint32_t gen = 0;
	wstep *steps = NULL;
	size_t stepcap = 0;
	for (size_t s = from; s < to; s++) {
		const uint32_t *e = rec->e + rec->off[s - from], *end = rec->e + rec->off[s - from + 1];
		if (e == end)
			continue;
		gen++;
		GROW(steps, stepcap, (size_t)(end - e));
		uint32_t parent = PROF_NONE, n = 0;
		bool residual = false;
		for (; e < end; e++) {
			winfo *f = &wi[*e >> 2];
			if (f->node == DROPPED) {
				residual = true;
				continue;
			}
			if (f->node == PROF_NONE)
				f->node = new_node(g, *e >> 2, PROF_NONE);
			uint32_t x = f->node;
			steps[n++] = (wstep){.node = x, .parent = parent, .residual = residual || (*e & 2), .inl = *e & 1,
			                     .edge = parent != PROF_NONE && x != parent};
			residual = false;
			parent = x;
		}
		apply_steps(g, s, steps, n, gen);
	}
	free(steps);
}

/*
 * The edges [from, to) of b that a has already, added to a's (b's nodes
 * mapped by map); those a lacks are marked in fresh. Two of these run at
 * once: b's edges join distinct nodes, so each changes a different edge of
 * a, and a's edge lookups only read.
 */
typedef struct merge_job {
	vgraph *a;
	const vgraph *b;
	const uint32_t *map;
	uint8_t *fresh;
	uint32_t from, to;
} merge_job;

static void *merge_known_edges(void *arg)
{
	merge_job *j = arg;
	vgraph *a = j->a;
	for (uint32_t k = j->from; k < j->to; k++) {
		const vgraph_edge *be = &j->b->edges[k];
		uint32_t src = j->map[be->src], dst = j->map[be->dst], id;
		if (a->grid)
			id = a->grid[(size_t)src * a->nk + dst] - 1;
		else
			id = map_find(&a->edge_tab, src, dst, 0);
		if (id == UINT32_MAX) {
			j->fresh[k] = 1;
			continue;
		}
		vgraph_edge *e = &a->edges[id];
		e->residual = e->residual || be->residual;
		e->inl = e->inl && be->inl;
		add_to(&e->weight, &e->weight_div, be->weight, be->weight_div);
	}
	return NULL;
}

/*
 * Adds graph b, built from the samples after a's, to a: b's nodes, edges
 * and tags that a lacks are appended in b's order, so every id and list
 * order is the one a single walk would have made. Not for the call tree.
 * wi: per info, a's node.
 */
static void merge_graph(vgraph *a, const vgraph *b, winfo *wi)
{
	uint32_t *map = xmalloc(((size_t)b->nnodes + 1) * sizeof *map);
	for (uint32_t n = 0; n < b->nnodes; n++) {
		const vgraph_node *bn = &b->nodes[n];
		if (wi[bn->info].node == PROF_NONE)
			wi[bn->info].node = new_node(a, bn->info, PROF_NONE);
		vgraph_node *an = &a->nodes[wi[bn->info].node];
		add_to(&an->flat, &an->flat_div, bn->flat, bn->flat_div);
		add_to(&an->cum, &an->cum_div, bn->cum, bn->cum_div);
		map[n] = wi[bn->info].node;
	}
	uint8_t *fresh = xcalloc((size_t)b->nedges + 1, 1);
	merge_job j0 = {a, b, map, fresh, 0, b->nedges / 2}, j1 = j0;
	j1.from = j0.to;
	j1.to = b->nedges;
	prof_run_pair(merge_known_edges, &j0, &j1, prof_two_cores(b->nedges, 1u << 14));
	for (uint32_t k = 0; k < b->nedges; k++) {
		if (!fresh[k])
			continue;
		const vgraph_edge *be = &b->edges[k];
		bool created;
		vgraph_edge *e = edge_of(a, map[be->src], map[be->dst], be->residual, be->inl, 0, &created);
		add_to(&e->weight, &e->weight_div, be->weight, be->weight_div);
	}
	free(fresh);
	for (uint32_t k = 0; k < b->ntags; k++) {
		const vgraph_tag *bt = &b->tags[k];
		vgraph_tag *t = find_tag(a, map[bt->node], bt->group, bt->name, bt->numeric, bt->value);
		add_to(&t->flat, &t->flat_div, bt->flat, bt->flat_div);
		add_to(&t->cum, &t->cum_div, bt->cum, bt->cum_div);
	}
	free(map);
}

/*
 * One part of a build: samples [from, to) into g (the call tree's or the
 * graph's), recording the paths in rec or replaying them from it.
 */
typedef struct build_job {
	vgraph *g;
	winfo *wi; /* the graph's; NULL for the call tree */
	const uint8_t *loc_kept; /* graph_loc_kept's for the kept infos, NULL for all */
	size_t from, to;
	path_rec *rec;
	bool replay;
} build_job;

static void *build_job_run(void *arg)
{
	build_job *j = arg;
	if (!j->wi)
		tree_walk(j->g, j->from, j->to);
	else if (j->replay)
		replay_walk(j->g, j->wi, j->from, j->to, j->rec);
	else
		build_walk(j->g, j->wi, j->loc_kept, j->from, j->to, j->rec);
	return NULL;
}

/* Kept nodes up to this many squared get an edge grid: 16 MiB a walk at most. */
#define GRID_MAX ((size_t)1 << 22)

/* The tags that can outlive a node cutoff (see vgraph.live_group). */
typedef struct tag_live {
	uint8_t *group, *num;
} tag_live;

static uint64_t sat_add(uint64_t a, uint64_t b)
{
	return a + b < a ? UINT64_MAX : a + b;
}

/*
 * A tag's flat and cum are sums of |value| over some of the samples that
 * carry its label set (and size): when those samples' |values| add up to
 * less than the cutoff over the whole profile, no node's tag of that key
 * reaches it, and trim_tags drops it.
 */
static void tag_live_init(tag_live *t, const vgraph_input *in, int64_t cutoff)
{
	uint64_t *gsum = xcalloc((size_t)in->strs.n + 1, sizeof *gsum), *nsum = NULL;
	uint32_t *key = xmalloc(((size_t)in->nnum + 1) * sizeof *key), nkeys = 0;
	size_t nsumcap = 0;
	vgraph_map keys = {0};
	/* Keys by (set, name) in one load when the strings are few, as they are beside many samples. */
	uint32_t *dense = (size_t)in->strs.n * in->strs.n <= GRID_MAX && in->nnum
	                          ? xcalloc((size_t)in->strs.n * in->strs.n, sizeof *dense)
	                          : NULL;
	for (size_t s = 0; s < in->nsample; s++) {
		uint64_t a = in->w[s] < 0 ? 0 - (uint64_t)in->w[s] : (uint64_t)in->w[s];
		uint32_t grp = in->group[s];
		gsum[grp] = sat_add(gsum[grp], a);
		for (uint32_t j = in->num_off[s]; j < in->num_off[s + 1]; j++) {
			if (dense) {
				uint32_t *cell = &dense[(size_t)grp * in->strs.n + in->num_name[j]];
				if (!*cell)
					*cell = nkeys + 1;
				key[j] = *cell - 1;
			} else {
				key[j] = map_intern(&keys, grp, in->num_name[j], 0, nkeys);
			}
			if (key[j] == nkeys) {
				GROW(nsum, nsumcap, (size_t)++nkeys);
				nsum[key[j]] = 0;
			}
			nsum[key[j]] = sat_add(nsum[key[j]], a);
		}
	}
	t->group = xmalloc((size_t)in->strs.n + 1);
	for (uint32_t g = 0; g < in->strs.n; g++)
		t->group[g] = gsum[g] >= (uint64_t)cutoff;
	t->num = xmalloc((size_t)in->nnum + 1);
	for (uint32_t j = 0; j < in->nnum; j++)
		t->num[j] = nsum[key[j]] >= (uint64_t)cutoff;
	free(gsum);
	free(nsum);
	free(key);
	free(keys.slots);
	free(dense);
}

static void tag_live_free(tag_live *t)
{
	free(t->group);
	free(t->num);
}

/* nk: how many infos are kept when few enough for an edge grid by node ids (each kept info one node), else 0. */
static vgraph *graph_new(const vgraph_input *in, uint32_t nk, const tag_live *live)
{
	vgraph *g = xcalloc(1, sizeof *g);
	g->in = in;
	if (live) {
		g->live_group = live->group;
		g->live_num = live->num;
	}
	if (nk) {
		g->nk = nk;
		g->grid = xcalloc((size_t)nk * nk + 1, sizeof *g->grid);
		if ((size_t)nk * in->strs.n <= GRID_MAX)
			g->tag_grid = xcalloc((size_t)nk * in->strs.n + 1, sizeof *g->tag_grid);
	}
	return g;
}

/* How many infos are kept, when few enough for an edge grid; 0 otherwise. */
static uint32_t grid_side(const graph_index *ix, const uint8_t *kept)
{
	if (!kept)
		return 0;
	uint32_t nk = 0;
	for (uint32_t i = 0; i < ix->ninfo; i++)
		nk += kept[i] != 0;
	return (size_t)nk * nk > GRID_MAX ? 0 : nk;
}

/* Two walks pay on two cores from this many samples (each half then merged; not for the call tree). */
#define TWO_WALKS 65536

static bool two_walks(const vgraph_input *in, const vgraph_opts *o)
{
	return !o->call_tree && prof_two_cores(in->nsample, TWO_WALKS);
}

/*
 * Gives the nodes of g, built for its edges only over some of the infos
 * of graph from, from's sums and tags: a node's flat, cum and tags depend
 * on the samples through it, not on the other nodes kept.
 */
static void copy_nodes(vgraph *g, const vgraph *from)
{
	uint32_t *at = xmalloc(((size_t)g->in->ix->ninfo + 1) * sizeof *at);
	for (uint32_t k = 0; k < from->nnodes; k++)
		at[from->nodes[k].info] = k;
	for (uint32_t n = 0; n < g->nnodes; n++) {
		vgraph_node *nd = &g->nodes[n];
		const vgraph_node *f = &from->nodes[at[nd->info]];
		nd->flat = f->flat;
		nd->flat_div = f->flat_div;
		nd->cum = f->cum;
		nd->cum_div = f->cum_div;
		for (uint32_t j = 0; j < f->tags.n; j++) {
			size_t cap = g->tagcap;
			GROW(g->tags, cap, (size_t)g->ntags + 1);
			g->tagcap = (uint32_t)cap;
			g->tags[g->ntags] = from->tags[f->tags.id[j]];
			g->tags[g->ntags].node = n;
			g->tags[g->ntags].dead = false;
			list_add(&nd->tags, g->ntags++);
		}
	}
	free(at);
}

/*
 * The paths of a build's walks (one a half), recorded for a later build
 * of fewer nodes (see path_rec). The halves are build's, the same for
 * every build of one input and options.
 */
typedef struct vpaths {
	path_rec half[2];
	bool record; /* the next build records them */
} vpaths;

static void vpaths_free(vpaths *v)
{
	path_rec_free(&v->half[0]);
	path_rec_free(&v->half[1]);
}

/* Job j records its paths in r. */
static void paths_record(build_job *j, path_rec *r)
{
	*r = (path_rec){.off = xcalloc(j->to - j->from + 1, sizeof *r->off), .from = j->from, .to = j->to};
	j->rec = r;
}

/* Whether r holds every path of job j's samples. */
static bool paths_whole(const path_rec *r, const build_job *j)
{
	return r->off && !r->full && r->from == j->from && r->to == j->to;
}

/*
 * The whole graph (see build_walk) or call tree (tree_walk). On two cores
 * the second half of the samples is walked on a thread into a graph of its
 * own, then merged. sums_from: the graph of more nodes this one's are
 * chosen from, its nodes' sums and tags taken (edges only built); paths:
 * recorded (paths->record) or replayed when recorded, or NULL.
 */
static vgraph *build(const vgraph_input *in, const uint8_t *kept, const vgraph_opts *o, const tag_live *live,
                     const vgraph *sums_from, vpaths *paths)
{
	bool edges_only = sums_from != NULL;
	uint32_t nk = o->call_tree ? 0 : grid_side(in->ix, kept);
	vgraph *g = graph_new(in, nk, live);
	g->edges_only = edges_only;
	size_t n = in->nsample, mid = n / 2;
	bool two = two_walks(in, o);
	build_job a = {g, o->call_tree ? NULL : new_winfo(in->ix, kept), NULL, 0, two ? mid : n, NULL, false};
	build_job b = {0};
	if (two) {
		b = (build_job){graph_new(in, nk, live), new_winfo(in->ix, kept), NULL, mid, n, NULL, false};
		b.g->edges_only = edges_only;
	}
	if (paths && a.wi && paths->record) {
		paths_record(&a, &paths->half[0]);
		if (two)
			paths_record(&b, &paths->half[1]);
	} else if (paths && a.wi && paths_whole(&paths->half[0], &a) && (!two || paths_whole(&paths->half[1], &b))) {
		a.rec = &paths->half[0];
		b.rec = &paths->half[1];
		a.replay = b.replay = true;
	}
	uint8_t *loc_kept = kept && a.wi && !a.replay ? graph_loc_kept(in->ix, kept) : NULL;
	a.loc_kept = b.loc_kept = loc_kept;
	prof_run_pair(build_job_run, &a, two ? &b : NULL, two);
	if (two) {
		merge_graph(g, b.g, a.wi);
		vgraph_free(b.g);
		free(b.wi);
	}
	free(a.wi);
	free(loc_kept);
	free(g->grid);
	g->grid = NULL;
	free(g->tag_grid);
	g->tag_grid = NULL;
	link_edges(g);
	if (edges_only)
		copy_nodes(g, sums_from);
	g->edges_only = false;
	/* pprof's selectNodesForGraph. */
	g->list = xmalloc(((size_t)g->nnodes + 1) * sizeof *g->list);
	for (uint32_t k = 0; k < g->nnodes; k++) {
		const vgraph_node *nd = &g->nodes[k];
		if (graph_node_shown(nd->flat, nd->cum, o->drop_negative))
			g->list[g->nlist++] = k;
	}
	return g;
}

/* Every info's flat and cum as build's nodes sum them (raw), over samples [from, to): no nodes, edges or tags. */
typedef struct sums_job {
	const vgraph_input *in;
	size_t from, to;
	int64_t *flat, *cum;
	uint32_t *gen;
} sums_job;

static void *sums_run(void *arg)
{
	sums_job *j = arg;
	const vgraph_input *in = j->in;
	const graph_index *ix = in->ix;
	const prof_profile *p = ix->p;
	uint32_t gen = 0;
	prof_locbuf buf = {0};
	for (size_t s = j->from; s < j->to; s++) {
		int64_t w = in->w[s];
		if (!w && !in->dw[s])
			continue;
		gen++;
		const prof_stack *st = &p->stacks[p->samples[s].stack];
		const uint32_t *locs = prof_stack_locs(p, st, &buf);
		uint32_t leaf = PROF_NONE;
		for (uint32_t i = st->len; i-- > 0;) {
			uint64_t span = ix->loc_span[locs[i]];
			uint32_t k = (uint32_t)(span >> 32), one = (uint32_t)span;
			const uint32_t *ln = k == 1 ? &one : ix->loc_nodes + one;
			for (uint32_t ni = k; ni-- > 0;) {
				uint32_t info = ln[ni];
				if (j->gen[info] != gen) {
					j->gen[info] = gen;
					j->cum[info] = (int64_t)((uint64_t)j->cum[info] + (uint64_t)w);
				}
				leaf = info;
			}
		}
		if (leaf != PROF_NONE)
			j->flat[leaf] = (int64_t)((uint64_t)j->flat[leaf] + (uint64_t)w);
	}
	prof_locbuf_free(&buf);
	return NULL;
}

static void sums_job_init(sums_job *j, const vgraph_input *in, size_t from, size_t to)
{
	size_t n = (size_t)in->ix->ninfo + 1;
	*j = (sums_job){in, from, to, xcalloc(n, sizeof *j->flat), xcalloc(n, sizeof *j->cum), xcalloc(n, sizeof *j->gen)};
}

static void sums_job_free(sums_job *j)
{
	free(j->flat);
	free(j->cum);
	free(j->gen);
}

/*
 * The first of pprof's graphs, of which only the nodes' sums are read: each
 * info's flat and cum into *a (two walks on two cores, added).
 */
static void info_sums(const vgraph_input *in, const vgraph_opts *o, sums_job *a)
{
	size_t n = in->nsample, mid = n / 2;
	bool two = two_walks(in, o);
	sums_job b;
	sums_job_init(a, in, 0, two ? mid : n);
	if (two)
		sums_job_init(&b, in, mid, n);
	prof_run_pair(sums_run, a, two ? &b : NULL, two);
	if (!two)
		return;
	for (uint32_t i = 0; i <= in->ix->ninfo; i++) {
		a->flat[i] = (int64_t)((uint64_t)a->flat[i] + (uint64_t)b.flat[i]);
		a->cum[i] = (int64_t)((uint64_t)a->cum[i] + (uint64_t)b.cum[i]);
	}
	sums_job_free(&b);
}

void vgraph_free(vgraph *g)
{
	if (!g)
		return;
	for (uint32_t n = 0; n < g->nnodes; n++) {
		free(g->nodes[n].in.id);
		free(g->nodes[n].out.id);
		free(g->nodes[n].tags.id);
	}
	free(g->nodes);
	free(g->edges);
	free(g->tags);
	free(g->list);
	free(g->grid);
	free(g->tag_grid);
	free(g->node_tab.slots);
	free(g->edge_tab.slots);
	free(g->tag_tab.slots);
	free(g);
}

/* ---- ordering ---- */

/* Go's int64(f) on amd64: NaN and out-of-range values give the minimum. */
static int64_t go_int64(double f)
{
	if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0))
		return INT64_MIN;
	return (int64_t)f;
}

static int64_t wrap_add(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

/* pprof's edgeEntropyScore: how much a node's value spreads over its edges. */
static double edge_entropy(const vgraph *g, const vgraph_list *l, int64_t self)
{
	double score = 0;
	int64_t total = self;
	for (uint32_t k = 0; k < l->n; k++) {
		int64_t w = g->edges[l->id[k]].weight;
		if (w > 0)
			total = wrap_add(total, w);
	}
	if (total == 0)
		return score;
	for (uint32_t k = 0; k < l->n; k++) {
		double frac = (double)vgraph_abs(g->edges[l->id[k]].weight) / (double)total;
		score += -frac * log2(frac);
	}
	if (self > 0) {
		double frac = (double)vgraph_abs(self) / (double)total;
		score += -frac * log2(frac);
	}
	return score;
}

/* pprof's entropyScore: entry and leaf nodes, and nodes where paths fork, rank higher. */
static int64_t entropy_score(const vgraph *g, uint32_t n)
{
	const vgraph_node *nd = &g->nodes[n];
	double score = 0;
	if (nd->in.n == 0)
		score++;
	else
		score += edge_entropy(g, &nd->in, 0);
	if (nd->out.n == 0)
		score++;
	else
		score += edge_entropy(g, &nd->out, nd->flat);
	return wrap_add(go_int64(score * (double)nd->cum), nd->flat);
}

typedef struct entropy_order {
	const vgraph *g;
	const int64_t *score;
} entropy_order;

static int entropy_cmp(const void *a, const void *b, void *ctx)
{
	uint32_t l = *(const uint32_t *)a, r = *(const uint32_t *)b;
	const entropy_order *o = ctx;
	const vgraph *g = o->g;
	const int64_t *sort_score = o->score;
	int64_t lv = vgraph_abs(sort_score[l]), rv = vgraph_abs(sort_score[r]);
	if (lv != rv)
		return lv > rv ? -1 : 1;
	const graph_index *ix = g->in->ix;
	uint32_t li = g->nodes[l].info, ri = g->nodes[r].info;
	int c = strcmp(ix->printable[li], ix->printable[ri]);
	if (c)
		return c;
	lv = vgraph_abs(g->nodes[l].flat);
	rv = vgraph_abs(g->nodes[r].flat);
	if (lv != rv)
		return lv > rv ? -1 : 1;
	if (li != ri) {
		char *ls = graph_info_sprint(ix, li), *rs = graph_info_sprint(ix, ri);
		c = strcmp(ls, rs);
		free(ls);
		free(rs);
		if (c)
			return c;
	}
	/* Call tree nodes of one info: pprof's order is a matter of chance; keep ours stable. */
	return l < r ? -1 : l > r;
}

/*
 * The entropy scores of every other list entry from first, by node: two of
 * these run at once on a big graph (alternate entries share out the few
 * nodes whose many edges make most of the work).
 */
typedef struct score_job {
	const vgraph *g;
	int64_t *score;
	uint32_t first;
} score_job;

static void *score_run(void *arg)
{
	score_job *j = arg;
	for (uint32_t k = j->first; k < j->g->nlist; k += 2)
		j->score[j->g->list[k]] = entropy_score(j->g, j->g->list[k]);
	return NULL;
}

/* pprof's EntropyOrder, which visual mode uses whatever -cum says. */
static void sort_entropy(vgraph *g)
{
	int64_t *score = xmalloc(((size_t)g->nnodes + 1) * sizeof *score);
	score_job a = {g, score, 0}, b = {g, score, 1};
	prof_run_pair(score_run, &a, &b, prof_two_cores(g->nedges, 1u << 16));
	entropy_order o = {g, score};
	sort_r(g->list, g->nlist, sizeof *g->list, entropy_cmp, &o);
	free(score);
}

int vgraph_edge_cmp(const vgraph *g, uint32_t a, uint32_t b)
{
	const vgraph_edge *l = &g->edges[a], *r = &g->edges[b];
	/* Equal magnitudes of opposite sign are a tie for pprof; names decide here. */
	if (l->weight != r->weight && vgraph_abs(l->weight) != vgraph_abs(r->weight))
		return vgraph_abs(l->weight) > vgraph_abs(r->weight) ? -1 : 1;
	const graph_index *ix = g->in->ix;
	int c = strcmp(ix->printable[g->nodes[l->src].info], ix->printable[g->nodes[r->src].info]);
	if (c)
		return c;
	c = strcmp(ix->printable[g->nodes[l->dst].info], ix->printable[g->nodes[r->dst].info]);
	if (c)
		return c;
	return a < b ? -1 : a > b;
}

static int edge_qcmp(const void *a, const void *b, void *ctx)
{
	return vgraph_edge_cmp(ctx, *(const uint32_t *)a, *(const uint32_t *)b);
}

/* ---- trimming ---- */

/* pprof's TrimLowFrequencyTags. */
static void trim_tags(vgraph *g, int64_t cutoff)
{
	for (uint32_t k = 0; k < g->nlist; k++) {
		const vgraph_list *tl = &g->nodes[g->list[k]].tags;
		for (uint32_t j = 0; j < tl->n; j++) {
			vgraph_tag *t = &g->tags[tl->id[j]];
			if (vgraph_abs(t->flat) < cutoff && vgraph_abs(t->cum) < cutoff)
				t->dead = true;
		}
	}
}

static void drop_edge(vgraph *g, uint32_t e)
{
	list_remove(&g->nodes[g->edges[e].src].out, e);
	list_remove(&g->nodes[g->edges[e].dst].in, e);
}

/* pprof's TrimLowFrequencyEdges: the number of edges dropped. */
static int trim_edges(vgraph *g, int64_t cutoff)
{
	int dropped = 0;
	for (uint32_t k = 0; k < g->nlist; k++) {
		vgraph_list *in = &g->nodes[g->list[k]].in;
		for (uint32_t j = in->n; j-- > 0;) {
			uint32_t e = in->id[j];
			if (vgraph_abs(g->edges[e].weight) < cutoff) {
				drop_edge(g, e);
				dropped++;
			}
		}
	}
	return dropped;
}

/* pprof's isRedundantEdge: can e's source reach its destination another way? */
static bool redundant(vgraph *g, uint32_t e, uint32_t *queue)
{
	uint32_t src = g->edges[e].src, dst = g->edges[e].dst;
	uint32_t stamp = ++g->seen_gen;
	size_t head = 0, tail = 0;
	g->nodes[dst].seen = stamp;
	queue[tail++] = dst;
	while (head < tail) {
		const vgraph_list *in = &g->nodes[queue[head++]].in;
		for (uint32_t k = 0; k < in->n; k++) {
			uint32_t ie = in->id[k], s = g->edges[ie].src;
			if (ie == e || g->nodes[s].seen == stamp)
				continue;
			if (s == src)
				return true;
			g->nodes[s].seen = stamp;
			queue[tail++] = s;
		}
	}
	return false;
}

/* pprof's RemoveRedundantEdges: lightest residual edges first, from the last node up. */
static void remove_redundant(vgraph *g)
{
	uint32_t *queue = xmalloc(((size_t)g->nnodes + 1) * sizeof *queue);
	uint32_t *in = NULL;
	size_t cap = 0;
	for (uint32_t k = g->nlist; k-- > 0;) {
		const vgraph_list *l = &g->nodes[g->list[k]].in;
		uint32_t n = l->n;
		if (n == 0)
			continue;
		GROW(in, cap, (size_t)n + 1);
		memcpy(in, l->id, n * sizeof *in);
		sort_r(in, n, sizeof *in, edge_qcmp, g);
		for (uint32_t j = n; j-- > 0;) {
			if (!g->edges[in[j]].residual)
				break;
			if (redundant(g, in[j], queue))
				drop_edge(g, in[j]);
		}
	}
	free(in);
	free(queue);
}

/*
 * pprof's TrimTree: drops the call tree nodes not in keep, in list order. A
 * dropped node's callees hang from its caller by residual edges (inline only
 * when both halves were); a dropped root's callees become roots.
 */
static void trim_tree(vgraph *g, const uint8_t *keep)
{
	uint32_t nkept = 0;
	for (uint32_t k = 0; k < g->nlist; k++) {
		uint32_t cur = g->list[k];
		vgraph_node *c = &g->nodes[cur];
		if (keep[cur]) {
			g->list[nkept++] = cur;
			continue;
		}
		if (c->in.n == 0) {
			for (uint32_t j = 0; j < c->out.n; j++)
				list_remove(&g->nodes[g->edges[c->out.id[j]].dst].in, c->out.id[j]);
			continue;
		}
		uint32_t up = c->in.id[0];
		uint32_t parent = g->edges[up].src;
		bool parent_inl = g->edges[up].inl;
		list_remove(&g->nodes[parent].out, up);
		for (uint32_t j = 0; j < c->out.n; j++) {
			uint32_t e = c->out.id[j];
			/* The callee keeps the edge in its in list; only the source moves. */
			list_add(&g->nodes[parent].out, e);
			g->edges[e].src = parent;
			g->edges[e].residual = true;
			g->edges[e].inl = parent_inl && g->edges[e].inl;
		}
	}
	g->nlist = nkept;
	remove_redundant(g);
}

/*
 * pprof's selectTopNodes in visual mode: how many of the first nodes to keep
 * so that they and their tags (at most four each) make max boxes.
 */
static uint32_t select_top(const vgraph *g, int max)
{
	uint32_t m = (uint32_t)max;
	int count = 0;
	for (uint32_t k = 0; k < g->nlist; k++) {
		const vgraph_list *tl = &g->nodes[g->list[k]].tags;
		int tags = 0;
		for (uint32_t j = 0; j < tl->n; j++) {
			const vgraph_tag *t = &g->tags[tl->id[j]];
			tags += !t->dead && t->flat != 0;
		}
		if (tags > 4)
			tags = 4;
		count += tags + 1;
		if (count >= max) {
			m = k + 1;
			break;
		}
	}
	return m < g->nlist ? m : g->nlist;
}

/* pprof's node and edge cutoffs: fractions of the sum of the nodes' flat values. */
static void cutoffs(int64_t total, const vgraph_opts *o, int64_t *node_cutoff, int64_t *edge_cutoff)
{
	*node_cutoff = vgraph_abs(go_int64((double)total * o->node_fraction));
	*edge_cutoff = vgraph_abs(go_int64((double)total * o->edge_fraction));
}

/*
 * pprof builds the whole graph first and reads only its nodes' sums: here
 * those sums alone, then the graph of the nodes that pass the node
 * fraction (kept_info marks them).
 */
static vgraph *graph_by_fraction(const vgraph_input *in, const vgraph_opts *o, uint8_t *kept_info,
                                 int64_t *node_cutoff, int64_t *edge_cutoff, tag_live *live, vpaths *paths,
                                 vgraph_result *r)
{
	sums_job s;
	info_sums(in, o, &s);
	int64_t total = 0;
	uint32_t nshown = 0, nkept = 0;
	for (uint32_t i = 0; i < in->ix->ninfo; i++)
		if (graph_node_shown(s.flat[i], s.cum[i], o->drop_negative)) {
			total = wrap_add(total, s.flat[i]);
			nshown++;
		}
	cutoffs(total, o, node_cutoff, edge_cutoff);
	if (*node_cutoff > 0)
		for (uint32_t i = 0; i < in->ix->ninfo; i++)
			if (graph_node_shown(s.flat[i], s.cum[i], o->drop_negative) && vgraph_abs(s.cum[i]) >= *node_cutoff) {
				kept_info[i] = 1;
				nkept++;
			}
	sums_job_free(&s);
	const tag_live *l = NULL;
	if (*node_cutoff > 0) {
		tag_live_init(live, in, *node_cutoff);
		l = live;
	}
	if (*node_cutoff > 0 && nkept != nshown) {
		r->dropped_nodes = (int)(nshown - nkept);
		return build(in, kept_info, o, l, NULL, paths);
	}
	return build(in, NULL, o, l, NULL, paths);
}

/* The call tree, its nodes under the node fraction dropped (pprof's TrimTree). */
static vgraph *tree_by_fraction(const vgraph_input *in, const vgraph_opts *o, int64_t *node_cutoff,
                                int64_t *edge_cutoff, vgraph_result *r)
{
	vgraph *g = build(in, NULL, o, NULL, NULL, NULL);
	int64_t total = 0;
	for (uint32_t k = 0; k < g->nlist; k++)
		total = wrap_add(total, g->nodes[g->list[k]].flat);
	cutoffs(total, o, node_cutoff, edge_cutoff);
	if (*node_cutoff > 0) {
		uint8_t *keep = xcalloc((size_t)g->nnodes + 1, 1);
		uint32_t nkept = 0;
		for (uint32_t k = 0; k < g->nlist; k++)
			if (vgraph_abs(g->nodes[g->list[k]].cum) >= *node_cutoff) {
				keep[g->list[k]] = 1;
				nkept++;
			}
		if (nkept != g->nlist) {
			r->dropped_nodes = (int)(g->nlist - nkept);
			trim_tree(g, keep);
		}
		free(keep);
	}
	return g;
}

vgraph_result vgraph_trimmed(const vgraph_input *in, const vgraph_opts *o)
{
	vgraph_result r = {0};
	int64_t node_cutoff, edge_cutoff;
	uint8_t *kept_info = xcalloc((size_t)in->ix->ninfo + 1, 1);
	tag_live live = {0};
	/* A node count may choose fewer nodes, whose graph replays the paths of the first. */
	vpaths paths = {.record = o->node_count > 0};
	vgraph *g = o->call_tree ? tree_by_fraction(in, o, &node_cutoff, &edge_cutoff, &r)
	                         : graph_by_fraction(in, o, kept_info, &node_cutoff, &edge_cutoff, &live, &paths, &r);
	paths.record = false;
	r.orig_count = (int)g->nlist;
	sort_entropy(g);
	if (o->node_count > 0) {
		trim_tags(g, node_cutoff);
		uint32_t m = select_top(g, o->node_count);
		if (m == g->nlist) /* what select_top reads does not depend on the edges */
			trim_edges(g, edge_cutoff);
		if (m != g->nlist) {
			if (o->call_tree) {
				uint8_t *keep = xcalloc((size_t)g->nnodes + 1, 1);
				for (uint32_t k = 0; k < m; k++)
					keep[g->list[k]] = 1;
				trim_tree(g, keep);
				free(keep);
			} else {
				memset(kept_info, 0, (size_t)in->ix->ninfo + 1);
				for (uint32_t k = 0; k < m; k++)
					kept_info[g->nodes[g->list[k]].info] = 1;
				vgraph *all = g;
				g = build(in, kept_info, o, NULL, all, &paths);
				vgraph_free(all);
			}
			sort_entropy(g);
		}
	}
	free(kept_info);
	tag_live_free(&live);
	vpaths_free(&paths);
	g->live_group = g->live_num = NULL;
	trim_tags(g, node_cutoff);
	r.dropped_edges = trim_edges(g, edge_cutoff);
	remove_redundant(g);
	r.g = g;
	return r;
}
