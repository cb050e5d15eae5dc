/* visual: see visual.h. */
#include "graph/visual.h"
#include "util/sort.h"

#include <math.h>
#include <stddef.h>
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

/*
 * The graph's tables (util/hashtab) keyed by a 64-bit hash over ids of its
 * arrays. eq says whether an id has the key.
 */
typedef bool (*slot_eq)(const vgraph *g, uint32_t id, const void *key);

typedef struct vkey {
	const vgraph *g;
	const void *key;
	slot_eq eq;
} vkey;

static bool vkey_eq(const void *ctx, uint32_t id)
{
	const vkey *k = ctx;
	return k->eq(k->g, id, k->key);
}

/* The id holding key (hash h), or count when there is none: the caller then creates it at count. */
static uint32_t table_intern(const vgraph *g, hashtab *t, uint64_t h, uint32_t count, const void *key, slot_eq eq)
{
	vkey k = {g, key, eq};
	return hashtab_intern(t, h, count, vkey_eq, &k);
}

static uint64_t pair_hash(uint32_t a, uint32_t b)
{
	return mix((uint64_t)a << 32 | b);
}

static bool tree_node_eq(const vgraph *g, uint32_t id, const void *key)
{
	const uint32_t *k = key;
	return g->nodes[id].parent == k[0] && g->nodes[id].info == k[1];
}

/* A call tree's node: the child of parent (PROF_NONE: a root) for info. */
static uint32_t tree_node(vgraph *g, uint32_t parent, uint32_t info)
{
	uint32_t key[2] = {parent, info};
	uint32_t id = table_intern(g, &g->node_tab, pair_hash(parent, info), g->nnodes, key, tree_node_eq);
	if (id == g->nnodes)
		new_node(g, info, parent);
	return id;
}

_Static_assert(offsetof(vgraph_edge, src) == 0 && offsetof(vgraph_edge, dst) == 4, "graph_edge_index reads src, dst");

/*
 * pprof's AddToEdgeDiv. A nonzero gen counts the edge once per sample (the
 * graph); the call tree passes 0, as no path visits an edge twice.
 */
static void add_edge(vgraph *g, uint32_t src, uint32_t dst, int64_t w, int64_t dw, bool residual, bool inl,
                     uint32_t gen)
{
	uint32_t id = graph_edge_index_find(&g->edge_tab, g->edges, sizeof *g->edges, src, dst);
	vgraph_edge *e;
	if (id == PROF_NONE) {
		size_t cap = g->edgecap;
		GROW(g->edges, cap, (size_t)g->nedges + 1);
		g->edgecap = (uint32_t)cap;
		e = &g->edges[g->nedges];
		*e = (vgraph_edge){.src = src, .dst = dst, .residual = residual, .inl = inl, .gen = gen};
		graph_edge_index_add(&g->edge_tab, g->edges, sizeof *g->edges, g->nedges);
		list_add(&g->nodes[src].out, g->nedges);
		list_add(&g->nodes[dst].in, g->nedges);
		g->nedges++;
	} else {
		e = &g->edges[id];
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

typedef struct tag_key {
	uint32_t node, group, name;
	bool numeric;
} tag_key;

static uint64_t tag_key_hash(const tag_key *k)
{
	return mix(pair_hash(k->node, k->group) ^ ((uint64_t)k->name << 1 | k->numeric));
}

static bool tag_eq(const vgraph *g, uint32_t id, const void *key)
{
	const tag_key *k = key;
	const vgraph_tag *t = &g->tags[id];
	return t->node == k->node && t->group == k->group && t->name == k->name && t->numeric == k->numeric;
}

static vgraph_tag *find_tag(vgraph *g, uint32_t node, uint32_t group, uint32_t name, bool numeric, int64_t value)
{
	tag_key k = {node, group, name, numeric};
	uint32_t id = table_intern(g, &g->tag_tab, tag_key_hash(&k), g->ntags, &k, tag_eq);
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

/* pprof's Node.addSample: the node's value and its tags, flat or cum. */
static void add_sample(vgraph *g, uint32_t n, size_t s, bool flat)
{
	const vgraph_input *in = g->in;
	int64_t w = in->w[s], dw = in->dw[s];
	vgraph_node *nd = &g->nodes[n];
	if (flat)
		add_to(&nd->flat, &nd->flat_div, w, dw);
	else
		add_to(&nd->cum, &nd->cum_div, w, dw);
	if (g->sums_only)
		return;
	uint32_t grp = in->group[s];
	if (grp) {
		vgraph_tag *t = find_tag(g, n, grp, grp, false, 0);
		if (flat)
			add_to(&t->flat, &t->flat_div, w, dw);
		else
			add_to(&t->cum, &t->cum_div, w, dw);
	}
	for (uint32_t j = in->num_off[s]; j < in->num_off[s + 1]; j++) {
		vgraph_tag *t = find_tag(g, n, grp, in->num_name[j], true, in->num_value[j]);
		if (flat)
			add_to(&t->flat, &t->flat_div, w, dw);
		else
			add_to(&t->cum, &t->cum_div, w, dw);
	}
}

/*
 * pprof's newGraph (kept: per info, NULL for all) or, with call_tree, its
 * newTree. Both walk each sample from the root, callers before the lines
 * inlined into them. sums_only (not for the call tree) leaves out edges and
 * tags: a graph that only picks which nodes to keep needs their flat and cum
 * alone, and on a profile of unique stacks its edges are most of the memory.
 */
static vgraph *build(const vgraph_input *in, const uint8_t *kept, const vgraph_opts *o, bool sums_only)
{
	const graph_index *ix = in->ix;
	const prof_profile *p = ix->p;
	vgraph *g = xcalloc(1, sizeof *g);
	g->in = in;
	g->sums_only = sums_only;
	uint32_t *node_of = NULL;
	if (!o->call_tree) {
		node_of = xmalloc(((size_t)ix->ninfo + 1) * sizeof *node_of);
		memset(node_of, 0xff, ((size_t)ix->ninfo + 1) * sizeof *node_of);
	}
	uint32_t gen = 0;
	prof_locbuf buf = {0};
	for (size_t s = 0; s < in->nsample; s++) {
		int64_t w = in->w[s], dw = in->dw[s];
		if (!w && !dw)
			continue;
		gen++;
		const prof_stack *st = &p->stacks[p->samples[s].stack];
		const uint32_t *locs = prof_stack_locs(p, st, &buf);
		uint32_t parent = PROF_NONE;
		bool residual = false;
		for (uint32_t i = st->len; i-- > 0;) {
			uint32_t l = locs[i];
			const uint32_t *ln = ix->loc_nodes + ix->loc_off[l];
			uint32_t k = ix->loc_n[l];
			for (uint32_t ni = k; ni-- > 0;) {
				uint32_t info = ln[ni], n;
				bool inl = ni != k - 1;
				if (o->call_tree) {
					n = tree_node(g, parent, info);
					add_sample(g, n, s, false);
					if (parent != PROF_NONE)
						add_edge(g, parent, n, w, dw, false, inl, 0);
				} else {
					if (kept && !kept[info]) {
						residual = true;
						continue;
					}
					if (node_of[info] == PROF_NONE)
						node_of[info] = new_node(g, info, PROF_NONE);
					n = node_of[info];
					if (g->nodes[n].gen != gen) {
						g->nodes[n].gen = gen;
						add_sample(g, n, s, false);
					}
					if (parent != PROF_NONE && n != parent && !sums_only)
						add_edge(g, parent, n, w, dw, residual, inl, gen);
					residual = false;
				}
				parent = n;
			}
		}
		if (parent != PROF_NONE && !residual)
			add_sample(g, parent, s, true);
	}
	prof_locbuf_free(&buf);
	free(node_of);
	/* pprof's selectNodesForGraph. */
	g->list = xmalloc(((size_t)g->nnodes + 1) * sizeof *g->list);
	for (uint32_t n = 0; n < g->nnodes; n++) {
		const vgraph_node *nd = &g->nodes[n];
		if (graph_node_shown(nd->flat, nd->cum, o->drop_negative))
			g->list[g->nlist++] = n;
	}
	return g;
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
	hashtab_free(&g->node_tab);
	graph_edge_index_free(&g->edge_tab);
	hashtab_free(&g->tag_tab);
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

/* pprof's EntropyOrder, which visual mode uses whatever -cum says. */
static void sort_entropy(vgraph *g)
{
	int64_t *score = xmalloc(((size_t)g->nnodes + 1) * sizeof *score);
	for (uint32_t k = 0; k < g->nlist; k++)
		score[g->list[k]] = entropy_score(g, g->list[k]);
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

vgraph_result vgraph_trimmed(const vgraph_input *in, const vgraph_opts *o)
{
	vgraph_result r = {0};
	/* pprof builds the whole graph first; its nodes' sums are all that is read of it here. */
	vgraph *g = build(in, NULL, o, !o->call_tree);
	int64_t total = 0;
	for (uint32_t k = 0; k < g->nlist; k++)
		total = wrap_add(total, g->nodes[g->list[k]].flat);
	int64_t node_cutoff = vgraph_abs(go_int64((double)total * o->node_fraction));
	int64_t edge_cutoff = vgraph_abs(go_int64((double)total * o->edge_fraction));
	uint8_t *kept_info = xcalloc((size_t)in->ix->ninfo + 1, 1);
	if (node_cutoff > 0) {
		uint8_t *keep = xcalloc((size_t)g->nnodes + 1, 1);
		uint32_t nkept = 0;
		for (uint32_t k = 0; k < g->nlist; k++) {
			uint32_t n = g->list[k];
			if (vgraph_abs(g->nodes[n].cum) >= node_cutoff) {
				keep[n] = 1;
				kept_info[g->nodes[n].info] = 1;
				nkept++;
			}
		}
		if (nkept != g->nlist) {
			r.dropped_nodes = (int)(g->nlist - nkept);
			if (o->call_tree) {
				trim_tree(g, keep);
			} else {
				vgraph_free(g);
				g = build(in, kept_info, o, false);
			}
		}
		free(keep);
	}
	if (g->sums_only) {
		vgraph_free(g);
		g = build(in, NULL, o, false);
	}
	r.orig_count = (int)g->nlist;
	sort_entropy(g);
	if (o->node_count > 0) {
		trim_tags(g, node_cutoff);
		trim_edges(g, edge_cutoff);
		uint32_t m = select_top(g, o->node_count);
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
				vgraph_free(g);
				g = build(in, kept_info, o, false);
			}
			sort_entropy(g);
		}
	}
	free(kept_info);
	trim_tags(g, node_cutoff);
	r.dropped_edges = trim_edges(g, edge_cutoff);
	remove_redundant(g);
	r.g = g;
	return r;
}
