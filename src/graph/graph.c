/* graph: see graph.h. */
#include "graph/graph.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/cores.h"
#include "util/path.h"
#include "util/sort.h"

static uint64_t info_hash(const graph_info *i)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;
	const uint64_t parts[] = {i->address, i->name, i->orig_name, i->file, i->objfile,
	                          (uint64_t)i->start_line, (uint64_t)i->lineno, (uint64_t)i->colno};
	for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
		h ^= parts[k];
		h *= 0xff51afd7ed558ccdull;
		h ^= h >> 29;
	}
	return h;
}

static bool info_eq(const graph_info *a, const graph_info *b)
{
	return a->address == b->address && a->name == b->name && a->orig_name == b->orig_name &&
	       a->file == b->file && a->objfile == b->objfile && a->start_line == b->start_line &&
	       a->lineno == b->lineno && a->colno == b->colno;
}

/* pprof's NodeInfo.PrintableName: the profile's own string when it is one alone (a function's name, most nodes). */
static const char *printable_name(graph_index *ix, const graph_info *i)
{
	const prof_profile *p = ix->p;
	char addr[20] = "";
	const char *parts[3];
	size_t np = 0;
	char *tail = NULL;
	if (i->address) {
		/* "%016" PRIx64 by hand: a profile of a million unsymbolized locations names each so. */
		static const char hex[] = "0123456789abcdef";
		for (int d = 0; d < 16; d++)
			addr[d] = hex[(i->address >> (60 - 4 * d)) & 0xf];
		addr[16] = '\0';
		parts[np++] = addr;
	}
	if (i->name)
		parts[np++] = prof_str(p, i->name);
	if (i->lineno) {
		const char *f = prof_str(p, i->file);
		size_t l = strlen(f) + 48;
		tail = xmalloc(l);
		int k = snprintf(tail, l, "%s:%" PRId64, f, i->lineno);
		if (i->colno)
			snprintf(tail + k, l - (size_t)k, ":%" PRId64, i->colno);
		parts[np++] = tail;
	} else if (i->file) {
		parts[np++] = prof_str(p, i->file);
	} else if (i->name) {
	} else if (i->objfile) {
		char bbuf[4096];
		const char *b = path_base(prof_str(p, i->objfile), bbuf, sizeof bbuf);
		size_t l = strlen(b) + 3;
		tail = xmalloc(l);
		snprintf(tail, l, "[%s]", b);
		parts[np++] = tail;
	} else {
		parts[np++] = "<unknown>";
	}
	if (np == 1 && !tail && parts[0] != addr)
		return parts[0]; /* the profile's, which outlives its index; or the literal */
	size_t len = 0;
	for (size_t k = 0; k < np; k++)
		len += strlen(parts[k]) + 1;
	char *out = arena_alloc(&ix->mem, len + 1);
	size_t w = 0;
	for (size_t k = 0; k < np; k++) {
		if (k)
			out[w++] = ' ';
		size_t l = strlen(parts[k]);
		memcpy(out + w, parts[k], l);
		w += l;
	}
	out[w] = '\0';
	free(tail);
	return out;
}

typedef struct info_key {
	const graph_index *ix;
	const graph_info *info;
} info_key;

static bool info_key_eq(const void *ctx, uint32_t k)
{
	const info_key *key = ctx;
	return info_eq(&key->ix->info[k], key->info);
}

static uint32_t intern_info(graph_index *ix, hashtab *t, const graph_info *info)
{
	info_key key = {ix, info};
	uint32_t k = hashtab_intern(t, info_hash(info), ix->ninfo, info_key_eq, &key);
	if (k != ix->ninfo)
		return k;
	size_t cap = ix->infocap;
	GROW(ix->info, cap, (size_t)ix->ninfo + 1);
	size_t cap2 = ix->infocap;
	GROW(ix->printable, cap2, (size_t)ix->ninfo + 1);
	ix->infocap = (uint32_t)cap;
	ix->info[ix->ninfo] = *info;
	ix->printable[ix->ninfo] = printable_name(ix, info);
	return ix->ninfo++;
}

/* Per function, its file name cleaned as pprof shows it, interned. */
static prof_strid *clean_filenames(prof_profile *p)
{
	prof_strid *clean = xcalloc(p->nfunction + 1, sizeof *clean);
	char *buf = NULL;
	size_t bufcap = 0;
	for (size_t f = 0; f < p->nfunction; f++) {
		prof_strid fid = p->functions[f].filename;
		if (!fid)
			continue;
		size_t n = prof_strlen(p, fid);
		GROW(buf, bufcap, n + 4);
		size_t m = path_clean(prof_bytes(p, fid), n, buf);
		clean[f] = prof_intern(p, buf, m);
	}
	free(buf);
	return clean;
}

graph_index *graph_index_new(prof_profile *p, graph_granularity gran, bool noinlines, bool showcolumns)
{
	return graph_index_new_masked(p, gran, noinlines, showcolumns, NULL);
}

graph_index *graph_index_new_masked(prof_profile *p, graph_granularity gran, bool noinlines, bool showcolumns,
                                    const uint8_t *hidden)
{
	graph_index *ix = xcalloc(1, sizeof *ix);
	ix->p = p;
	arena_init(&ix->mem, 64 * 1024);
	bool inlines = !noinlines;
	bool function = true, filename = false, linenumber = false, address = false;
	switch (gran) {
	case GRAN_ADDRESSES:
		/* With inlines pprof leaves the profile as it is: every field counts. */
		filename = linenumber = address = true;
		break;
	case GRAN_LINES:
		filename = linenumber = true;
		break;
	case GRAN_FILES:
		function = false;
		filename = true;
		break;
	case GRAN_FILEFUNCTIONS:
		filename = true;
		break;
	case GRAN_FUNCTIONS:
		break;
	}
	bool column = linenumber && (showcolumns || (gran == GRAN_ADDRESSES && inlines));
	ix->loc_off = xmalloc((p->nlocation + 1) * sizeof *ix->loc_off);
	ix->loc_n = xmalloc((p->nlocation + 1) * sizeof *ix->loc_n);
	size_t cap = 0, used = 0;
	hashtab t = {0};
	prof_strid *clean = filename ? clean_filenames(p) : NULL;
	/*
	 * Without addresses and lines, a named function's node is the same in
	 * every location: looked up once per function, not once per line (a
	 * wide profile has five locations a function).
	 */
	uint32_t *fnode = NULL;
	if (!address && !linenumber && function) {
		fnode = xmalloc((p->nfunction + 1) * sizeof *fnode);
		memset(fnode, 0xff, (p->nfunction + 1) * sizeof *fnode); /* PROF_NONE */
	}
	for (size_t l = 0; l < p->nlocation; l++) {
		const prof_location *loc = &p->locations[l];
		prof_strid objfile = loc->mapping != PROF_NONE ? p->mappings[loc->mapping].file : 0;
		uint32_t first = 0, n = loc->nline;
		if (!inlines && n > 1) {
			first = n - 1;
			n = 1;
		}
		ix->loc_off[l] = (uint32_t)used;
		if (hidden && hidden[l]) {
			ix->loc_n[l] = 0;
			continue;
		}
		ix->loc_n[l] = n ? n : 1;
		GROW(ix->loc_nodes, cap, used + (n ? n : 1));
		if (n == 0) {
			graph_info gi = {.address = address ? loc->address : 0, .objfile = objfile};
			ix->loc_nodes[used++] = intern_info(ix, &t, &gi);
			continue;
		}
		for (uint32_t k = first; k < first + n; k++) {
			const prof_line *ln = &p->lines[loc->line_off + k];
			if (fnode && fnode[ln->function] != PROF_NONE) {
				ix->loc_nodes[used++] = fnode[ln->function];
				continue;
			}
			const prof_function *fn = &p->functions[ln->function];
			graph_info gi = {.address = address ? loc->address : 0,
			                 .lineno = linenumber ? ln->line : 0,
			                 .colno = column && linenumber ? ln->column : 0,
			                 .name = function ? fn->name : 0,
			                 .file = filename ? clean[ln->function] : 0};
			if (gi.name == 0 && gi.orig_name == 0) {
				/* Unnamed: the location's object file is part of the node. */
				gi.objfile = objfile;
				gi.start_line = fn->start_line;
			}
			uint32_t node = intern_info(ix, &t, &gi);
			if (fnode && gi.name)
				fnode[ln->function] = node;
			ix->loc_nodes[used++] = node;
		}
	}
	free(fnode);
	/* Every line of a location but its last (outermost) one is inlined. */
	ix->inline_target = xcalloc((size_t)ix->ninfo + 1, 1);
	for (size_t l = 0; l < p->nlocation; l++)
		for (uint32_t k = 0; k + 1 < ix->loc_n[l]; k++)
			ix->inline_target[ix->loc_nodes[ix->loc_off[l] + k]] = 1;
	ix->loc_span = xmalloc((p->nlocation + 1) * sizeof *ix->loc_span);
	for (size_t l = 0; l < p->nlocation; l++) {
		uint64_t n = ix->loc_n[l];
		ix->loc_span[l] = n << 32 | (n == 1 ? ix->loc_nodes[ix->loc_off[l]] : ix->loc_off[l]);
	}
	free(clean);
	hashtab_free(&t);
	return ix;
}

void graph_index_free(graph_index *ix)
{
	if (!ix)
		return;
	free(ix->info);
	free(ix->printable);
	free(ix->loc_off);
	free(ix->loc_n);
	free(ix->loc_nodes);
	free(ix->inline_target);
	free(ix->loc_span);
	arena_free(&ix->mem);
	free(ix);
}

void graph_weights_compute(graph_weights *gw, const prof_profile *p, int sample_index, bool mean)
{
	gw->w = xcalloc(p->nstack + 1, sizeof *gw->w);
	gw->dw = mean ? xcalloc(p->nstack + 1, sizeof *gw->dw) : NULL; /* all 0 otherwise */
	gw->any = xcalloc(p->nstack + 1, 1);
	gw->negative = false;
	int64_t total = 0, div = 0;
	for (size_t s = 0; s < p->nsample; s++) {
		int64_t w = prof_value(p, s, (size_t)sample_index), dw = mean ? prof_value(p, s, 0) : 0;
		uint32_t st = p->samples[s].stack;
		gw->w[st] += w;
		if (mean)
			gw->dw[st] += dw;
		if (w || dw)
			gw->any[st] = 1;
		gw->negative = gw->negative || w < 0;
		total += w < 0 ? -w : w;
		div += dw;
	}
	gw->total = div ? total / div : total;
}

void graph_weights_free(graph_weights *gw)
{
	free(gw->w);
	free(gw->dw);
	free(gw->any);
}

static size_t edge_slot(const graph_edge_index *x, uint32_t src, uint32_t dst)
{
	uint64_t h = ((uint64_t)src << 32 | dst) ^ x->seed;
	h ^= h >> 31;
	h *= 0x9e3779b97f4a7c15ull;
	return (size_t)(h >> 32) & (x->nhead - 1);
}

/* Edge e's ends: every edge struct indexed starts with uint32_t src, dst. */
static void edge_ends(const void *edges, size_t stride, uint32_t e, uint32_t *src, uint32_t *dst)
{
	uint32_t ends[2];
	memcpy(ends, (const char *)edges + (size_t)e * stride, sizeof ends);
	*src = ends[0];
	*dst = ends[1];
}

uint32_t graph_edge_index_find(const graph_edge_index *x, const void *edges, size_t stride, uint32_t src,
                               uint32_t dst)
{
	if (!x->nhead)
		return PROF_NONE;
	for (uint32_t e = x->head[edge_slot(x, src, dst)]; e; e = x->next[e - 1]) {
		uint32_t s, d;
		edge_ends(edges, stride, e - 1, &s, &d);
		if (s == src && d == dst)
			return e - 1;
	}
	return PROF_NONE;
}

void graph_edge_index_add(graph_edge_index *x, const void *edges, size_t stride, uint32_t n)
{
	GROW(x->next, x->nextcap, (size_t)n + 1);
	uint32_t src, dst;
	if (n >= x->nhead) {
		/* The heads double, and every chain is made again, when the edges would outnumber them. */
		if (!x->head)
			x->seed = hashtab_new_seed();
		free(x->head);
		x->nhead = x->nhead ? x->nhead * 2 : 1024;
		x->head = xcalloc(x->nhead, sizeof *x->head);
		for (uint32_t e = 0; e < n; e++) {
			edge_ends(edges, stride, e, &src, &dst);
			size_t h = edge_slot(x, src, dst);
			x->next[e] = x->head[h];
			x->head[h] = e + 1;
		}
	}
	edge_ends(edges, stride, n, &src, &dst);
	size_t h = edge_slot(x, src, dst);
	x->next[n] = x->head[h];
	x->head[h] = n + 1;
}

void graph_edge_index_free(graph_edge_index *x)
{
	free(x->head);
	free(x->next);
	memset(x, 0, sizeof *x);
}

_Static_assert(offsetof(graph_edge, src) == 0 && offsetof(graph_edge, dst) == 4, "graph_edge_index reads src, dst");

static uint32_t edge_find(graph *g, uint32_t src, uint32_t dst, bool *created)
{
	uint32_t e = graph_edge_index_find(&g->etab, g->edges, sizeof *g->edges, src, dst);
	*created = e == PROF_NONE;
	if (!*created)
		return e;
	size_t cap = g->edgecap;
	GROW(g->edges, cap, (size_t)g->nedges + 1);
	g->edgecap = (uint32_t)cap;
	g->edges[g->nedges] = (graph_edge){.src = src, .dst = dst};
	graph_edge_index_add(&g->etab, g->edges, sizeof *g->edges, g->nedges);
	return g->nedges++;
}

typedef struct node_acc {
	int64_t cum;
	uint32_t gen;
} node_acc;

/*
 * When few nodes are kept (a node fraction's or count's choice), every edge
 * joins two of them: a grid of kept callers by kept callees that may get
 * edges finds an edge with one load instead of a hash probe and a compare
 * (the edge build of top on 1M distinct stacks does 11M lookups).
 */
typedef struct edge_grid {
	uint32_t *row, *col; /* per node: its row (a kept node) or column (one that may get edges), or PROF_NONE */
	uint32_t nrows, ncols;
} edge_grid;

#define GRID_MAX_CELLS (4u << 20) /* 16 MB of cells a job at most */

/* The grid for kept nodes, or false when it would be too large (or nothing is kept: every node would be a row). */
static bool grid_new(edge_grid *gr, const graph_index *ix, const uint8_t *kept, const uint8_t *want_edge)
{
	if (!kept)
		return false;
	uint32_t nn = ix->ninfo, nrows = 0, ncols = 0;
	for (uint32_t n = 0; n < nn; n++)
		if (kept[n]) {
			nrows++;
			ncols += !want_edge || want_edge[n];
		}
	if (ncols == 0 || (uint64_t)nrows * ncols > GRID_MAX_CELLS)
		return false;
	gr->row = xmalloc(((size_t)nn + 1) * sizeof *gr->row);
	gr->col = xmalloc(((size_t)nn + 1) * sizeof *gr->col);
	nrows = ncols = 0;
	for (uint32_t n = 0; n < nn; n++) {
		gr->row[n] = kept[n] ? nrows++ : PROF_NONE;
		gr->col[n] = kept[n] && (!want_edge || want_edge[n]) ? ncols++ : PROF_NONE;
	}
	gr->nrows = nrows;
	gr->ncols = ncols;
	return true;
}

static void grid_free(edge_grid *gr)
{
	free(gr->row);
	free(gr->col);
}

/*
 * A build walks every stack; with two cores, two jobs walk one half of the
 * stacks each, into arrays and an edge table of their own, and the second
 * job's sums are added to the first's. Its edges that the first has not
 * seen go after the first's, in the order it found them: the order one walk
 * over all stacks creates them in, so the graph is the one a single walk
 * builds.
 */
typedef struct build_job {
	const graph_index *ix;
	const graph_weights *gw;
	const uint8_t *kept, *want_edge;
	const uint8_t *loc_kept; /* with kept: per location, GRAPH_LOC_* (graph_loc_kept) */
	bool with_edges;
	size_t s0, s1;     /* the stacks this job walks */
	node_acc *acc;
	int64_t *flat, *flat_div, *cum_div;
	graph e;           /* this job's edges */
	const edge_grid *grid; /* NULL: edges are found in e.etab */
	uint32_t *cells;       /* with grid: per (src row, dst column), the edge + 1, 0 for none */
} build_job;

/* The job's edge from src to dst, made when new: in the grid when it has one, else in the table. */
static uint32_t job_edge(build_job *j, uint32_t src, uint32_t dst, bool *created)
{
	if (!j->grid)
		return edge_find(&j->e, src, dst, created);
	uint32_t *cell = &j->cells[(size_t)j->grid->row[src] * j->grid->ncols + j->grid->col[dst]];
	*created = *cell == 0;
	if (!*created)
		return *cell - 1;
	graph *g = &j->e;
	size_t cap = g->edgecap;
	GROW(g->edges, cap, (size_t)g->nedges + 1);
	g->edgecap = (uint32_t)cap;
	g->edges[g->nedges] = (graph_edge){.src = src, .dst = dst};
	*cell = g->nedges + 1;
	return g->nedges++;
}

/*
 * A job of a graph without edges: leaf to root, in memory order. cum counts
 * each node once per stack, in any order; flat goes to the innermost node
 * of the leaf when it is kept (when it is not, the walk with edges ends on
 * a dropped node: residual, no flat).
 */
static void nodes_run(build_job *j)
{
	const graph_index *ix = j->ix;
	const prof_profile *p = ix->p;
	const graph_weights *gw = j->gw;
	const uint8_t *kept = j->kept;
	const uint64_t *span = ix->loc_span;
	node_acc *acc = j->acc;
	uint32_t gen = 0;
	for (size_t s = j->s0; s < j->s1; s++) {
		if (!gw->any[s])
			continue;
		int64_t w = gw->w[s], dw = gw->dw ? gw->dw[s] : 0;
		gen++;
		const prof_stack *st = &p->stacks[s];
		/* The store read as it is (prof_stack_loc), not widened a stack at a time into a buffer. */
		for (uint32_t i = 0; i < st->len; i++) {
			uint64_t sp = span[prof_stack_loc(p, st, i)];
			uint32_t k = (uint32_t)(sp >> 32), one = (uint32_t)sp;
			if (k == 1 && !kept && !dw) {
				/* Most frames: one line, every node counts, no divisor. */
				if (acc[one].gen != gen) {
					acc[one].gen = gen;
					acc[one].cum += w;
				}
				continue;
			}
			const uint32_t *ln = k == 1 ? &one : ix->loc_nodes + one;
			for (uint32_t ni = 0; ni < k; ni++) {
				uint32_t n = ln[ni];
				if ((kept && !kept[n]) || acc[n].gen == gen)
					continue;
				acc[n].gen = gen;
				acc[n].cum += w;
				if (dw)
					j->cum_div[n] += dw;
			}
		}
		/* The leaf: the first location with nodes (a masked one has none). */
		for (uint32_t i = 0; i < st->len; i++) {
			uint64_t sp = span[prof_stack_loc(p, st, i)];
			uint32_t k = (uint32_t)(sp >> 32);
			if (!k)
				continue;
			uint32_t leaf = k == 1 ? (uint32_t)sp : ix->loc_nodes[(uint32_t)sp];
			if (!kept || kept[leaf]) {
				j->flat[leaf] += w;
				if (dw)
					j->flat_div[leaf] += dw;
			}
			break;
		}
	}
}

uint8_t *graph_loc_kept(const graph_index *ix, const uint8_t *kept)
{
	size_t nl = ix->p->nlocation;
	uint8_t *t = xmalloc(nl + 1);
	for (size_t l = 0; l < nl; l++) {
		uint64_t sp = ix->loc_span[l];
		uint32_t k = (uint32_t)(sp >> 32), one = (uint32_t)sp;
		const uint32_t *ln = k == 1 ? &one : ix->loc_nodes + one;
		t[l] = k ? GRAPH_LOC_NONE_KEPT : GRAPH_LOC_EMPTY;
		for (uint32_t ni = 0; ni < k; ni++)
			if (kept[ln[ni]])
				t[l] = GRAPH_LOC_SOME_KEPT;
	}
	return t;
}

static void *build_run(void *arg)
{
	build_job *j = arg;
	if (!j->with_edges) {
		nodes_run(j);
		return NULL;
	}
	const graph_index *ix = j->ix;
	const prof_profile *p = ix->p;
	const graph_weights *gw = j->gw;
	const uint8_t *kept = j->kept, *want_edge = j->want_edge;
	node_acc *acc = j->acc;
	graph *eg = &j->e;
	uint32_t gen = 0;
	prof_locbuf buf = {0};
	for (size_t s = j->s0; s < j->s1; s++) {
		if (!gw->any[s])
			continue;
		int64_t w = gw->w[s], dw = gw->dw ? gw->dw[s] : 0;
		gen++;
		const prof_stack *st = &p->stacks[s];
		const uint32_t *locs = prof_stack_locs(p, st, &buf);
		uint32_t parent = PROF_NONE;
		bool residual = false;
		/* Root to leaf; within a location, caller line to inlined callee. */
		for (uint32_t i = st->len; i-- > 0;) {
			if (j->loc_kept && j->loc_kept[locs[i]] != GRAPH_LOC_SOME_KEPT) {
				/* The nodes of the location are all dropped, or it has none. */
				residual = residual || j->loc_kept[locs[i]] == GRAPH_LOC_NONE_KEPT;
				continue;
			}
			uint64_t span = ix->loc_span[locs[i]];
			uint32_t k = (uint32_t)(span >> 32), one = (uint32_t)span;
			const uint32_t *ln = k == 1 ? &one : ix->loc_nodes + one;
			for (uint32_t ni = k; ni-- > 0;) {
				uint32_t n = ln[ni];
				if (kept && !kept[n]) {
					residual = true;
					continue;
				}
				if (acc[n].gen != gen) {
					acc[n].gen = gen;
					acc[n].cum += w;
					if (dw)
						j->cum_div[n] += dw;
				}
				if (j->with_edges && parent != PROF_NONE && n != parent && (!want_edge || want_edge[n])) {
					bool created;
					uint32_t ei = job_edge(j, parent, n, &created); /* may move eg->edges */
					graph_edge *e = &eg->edges[ei];
					if (e->gen != gen) {
						e->gen = gen;
						e->weight += w;
						if (residual)
							e->residual = true;
						bool inl = ni != k - 1;
						if (created)
							e->inl = inl;
						else if (!inl)
							e->inl = false;
					}
				}
				parent = n;
				residual = false;
			}
		}
		if (parent != PROF_NONE && !residual) {
			j->flat[parent] += w;
			if (dw)
				j->flat_div[parent] += dw;
		}
	}
	prof_locbuf_free(&buf);
	return NULL;
}

/*
 * Two jobs when there are two cores and enough frames to pay for a thread;
 * only for the graphs without edges (the second job's edge table would
 * hold again many of the first's: more memory than the time it saves).
 */
static int build_jobs(const prof_profile *p)
{
	return prof_two_cores(p->nstack_loc, 1u << 20) ? 2 : 1;
}

/* Where the second of nj jobs starts: the halves hold about as many frames each. */
static size_t jobs_split(const prof_profile *p, int nj)
{
	size_t mid = p->nstack, half = 0;
	if (nj == 2)
		for (mid = 0; mid < p->nstack && half < p->nstack_loc / 2; mid++)
			half += p->stacks[mid].len;
	return mid;
}

/*
 * The "(inline)" marks of a text report's kept nodes without its edges: the
 * walk of build_run, keeping of each edge into a node that may get one
 * only its weight (in a grid cell) and whether a first visit in some stack
 * was a call, which is all graph_inline_flags reads of it. Each location's
 * kept nodes are looked up once, as grid rows and columns, so the walk
 * reads one small entry a frame; an edge's cell is checked for an earlier
 * visit in the same stack only when its callee was visited there before
 * (recursion), so a visit touches one cell.
 */
#define CALL_BIT (1u << 31)  /* in a kept line's col: the line is its location's outermost (a call, not an inline) */
#define NO_COL (CALL_BIT - 1) /* a kept line's col when the node gets no edges */
#define MANY_BIT (1u << 31)  /* in a location's row: its kept lines are lines[row & ~MANY_BIT], col of them */
#define NO_ROW UINT32_MAX    /* a location's row when it has no kept line */

/* A kept line of a location: the node's grid row and column; or, for a location, its one kept line, none or many. */
typedef struct kept_line {
	uint32_t row, col;
} kept_line;

typedef struct flags_job {
	const prof_profile *p;
	const graph_weights *gw;
	const kept_line *locs;  /* per location */
	const uint64_t *has_row; /* per location, a bit: locs[l].row is not NO_ROW */
	const kept_line *lines; /* of the locations with several */
	uint32_t ncols;
	size_t ncells, s0, s1;
	/* Wide cells: the sum; and bits, visited and a first visit in some stack was a call. */
	int64_t *weight;
	uint64_t *seen, *call;
	uint32_t *packed;  /* or packed cells: the sum held at SUM_MAX once past it, and CALL_BIT */
	uint32_t *visited; /* per row: the last stack (its number in this job) that visited it as a callee */
	uint32_t *stack_cells; /* the cells visited in this stack */
	size_t nstack_cells, cap;
} flags_job;

#define SUM_MAX (CALL_BIT - 1) /* the most a packed cell's sum holds */

/* One callee's visit from parent, in a stack of weight w: its cell counted once a stack. */
static inline void flags_visit(flags_job *j, uint32_t gen, int64_t w, uint32_t parent, kept_line kl)
{
	uint32_t c = parent * j->ncols + (kl.col & ~CALL_BIT), call = kl.col & CALL_BIT;
	if (j->visited[kl.row] == gen)
		for (size_t x = 0; x < j->nstack_cells; x++)
			if (j->stack_cells[x] == c)
				return;
	j->visited[kl.row] = gen;
	GROW(j->stack_cells, j->cap, j->nstack_cells + 1);
	j->stack_cells[j->nstack_cells++] = c;
	if (j->packed) {
		uint32_t v = j->packed[c];
		uint64_t sum = (uint64_t)(v & SUM_MAX) + (uint64_t)w;
		j->packed[c] = (sum > SUM_MAX ? SUM_MAX : (uint32_t)sum) | (v & CALL_BIT) | call;
		return;
	}
	j->weight[c] += w;
	j->seen[c / 64] |= 1ull << (c % 64);
	if (call)
		j->call[c / 64] |= 1ull << (c % 64);
}

/* The visits of a frame at location l whose caller's innermost kept line is *parent (PROF_NONE at the root). */
static inline void flags_frame(flags_job *j, const uint64_t *has_row, uint32_t gen, int64_t w, uint32_t l,
                               uint32_t *parent)
{
	/* Most frames hold no kept node: told by a bit that stays in cache, not by an entry of a larger table. */
	if (!(has_row[l / 64] >> (l % 64) & 1))
		return;
	kept_line e = j->locs[l];
	const kept_line *kl = &e, *end = kl + 1;
	if (e.row & MANY_BIT) {
		kl = j->lines + (e.row & ~MANY_BIT);
		end = kl + e.col;
	}
	for (; kl < end; kl++) {
		if (kl->row != *parent && (kl->col & ~CALL_BIT) != NO_COL && *parent != PROF_NONE)
			flags_visit(j, gen, w, *parent, *kl);
		*parent = kl->row;
	}
}

/*
 * Zeroes the job's cells, on its own thread. Cells that came zeroed from the
 * kernel would be read first, as its shared zero page, and then written: a
 * second fault a page, each flushing the mapping from the other core (a
 * quarter of this walk's time in some runs on 1M samples).
 */
static void flags_clear(flags_job *j)
{
	size_t nbits = j->ncells / 64 + 1;
	if (j->packed) {
		memset(j->packed, 0, (j->ncells + 1) * sizeof *j->packed);
		return;
	}
	memset(j->weight, 0, (j->ncells + 1) * sizeof *j->weight);
	memset(j->seen, 0, nbits * sizeof *j->seen);
	memset(j->call, 0, nbits * sizeof *j->call);
}

static void *flags_run(void *arg)
{
	/* A copy on this thread's stack: the two jobs lie side by side, and a line of both written from two cores is slow. */
	flags_job copy = *(flags_job *)arg, *j = &copy;
	flags_clear(j);
	const prof_profile *p = j->p;
	const uint64_t *has_row = j->has_row;
	const uint8_t *any = j->gw->any;
	const int64_t *ws = j->gw->w;
	uint32_t gen = 0;
	for (size_t s = j->s0; s < j->s1; s++) {
		if (!any[s])
			continue;
		gen++;
		j->nstack_cells = 0;
		int64_t w = ws[s];
		const prof_stack *st = &p->stacks[s];
		uint32_t parent = PROF_NONE;
		/* Root to leaf, the store read as it is (the walk is over every frame). */
		for (uint32_t i = st->len; i-- > 0;)
			flags_frame(j, has_row, gen, w, prof_stack_loc(p, st, i), &parent);
	}
	*(flags_job *)arg = copy;
	return NULL;
}

/* Per location, its kept lines (outermost first) in grid rows and columns: in locs when one, in the result when several. */
static kept_line *kept_lines_new(const graph_index *ix, const edge_grid *gr, kept_line *locs)
{
	size_t nl = ix->p->nlocation, n = 0, cap = 0;
	kept_line *lines = NULL;
	for (size_t l = 0; l < nl; l++) {
		uint32_t k = ix->loc_n[l], at = (uint32_t)n;
		const uint32_t *ln = ix->loc_nodes + ix->loc_off[l];
		for (uint32_t ni = k; ni-- > 0;) {
			uint32_t node = ln[ni];
			if (gr->row[node] == PROF_NONE)
				continue;
			GROW(lines, cap, n + 1);
			uint32_t col = gr->col[node] == PROF_NONE ? NO_COL : gr->col[node];
			lines[n++] = (kept_line){gr->row[node], col | (ni == k - 1 ? CALL_BIT : 0)};
		}
		locs[l] = n == at ? (kept_line){NO_ROW, 0} : n == at + 1 ? lines[--n] : (kept_line){at | MANY_BIT, (uint32_t)n - at};
	}
	return lines;
}

static int cmp_by_cum(const void *a, const void *b, void *ctx)
{
	const graph *g = ctx;
	int64_t x = abs64(g->cum[*(const uint32_t *)a]), y = abs64(g->cum[*(const uint32_t *)b]);
	return x > y ? -1 : x < y;
}

/* The index of x's lowest set bit (x is not 0). */
static unsigned lowest_bit(uint64_t x)
{
#if defined(__GNUC__) || defined(__clang__)
	return (unsigned)__builtin_ctzll(x);
#else
	unsigned b = 0;
	for (; !(x & 1); x >>= 1)
		b++;
	return b;
#endif
}

/* A job over no stacks yet, with its cells packed or wide. */
static flags_job flags_job_new(const prof_profile *p, const graph_weights *gw, const kept_line *locs,
                               const kept_line *lines, const uint64_t *has_row, const edge_grid *grid, bool packed)
{
	size_t ncells = (size_t)grid->nrows * grid->ncols, nbits = ncells / 64 + 1;
	flags_job j = {.p = p, .gw = gw, .locs = locs, .has_row = has_row, .lines = lines, .ncols = grid->ncols,
	               .ncells = ncells, .visited = xcalloc((size_t)grid->nrows + 1, sizeof *j.visited)};
	/* Cleared by the job's thread (flags_clear). */
	if (packed) {
		j.packed = xmalloc((ncells + 1) * sizeof *j.packed);
	} else {
		j.weight = xmalloc((ncells + 1) * sizeof *j.weight);
		j.seen = xmalloc(nbits * sizeof *j.seen);
		j.call = xmalloc(nbits * sizeof *j.call);
	}
	return j;
}

/* The flags of the columns (dst: their nodes) from nj jobs' packed cells: a cell at the cutoff or above marks its column. */
static void flags_read_packed(uint8_t *in_flags, const flags_job *job, int nj, size_t ncells, const uint32_t *dst,
                              uint32_t ncols, int64_t cutoff)
{
	for (size_t c = 0; c < ncells; c++) {
		uint32_t a = job[0].packed[c], b = nj == 2 ? job[1].packed[c] : 0;
		int64_t w = (int64_t)(a & SUM_MAX) + (b & SUM_MAX);
		/* An edge below the cutoff is one trim_edges drops. */
		if (w >= cutoff)
			in_flags[dst[c % ncols]] |= (a | b) & CALL_BIT ? GRAPH_IN_CALL : GRAPH_IN_INLINE;
	}
}

/* The same from wide cells: those some stack visited, a word of the seen bits at a time (most of the grid never is). */
static void flags_read_wide(uint8_t *in_flags, const flags_job *job, int nj, size_t ncells, const uint32_t *dst,
                            uint32_t ncols, int64_t cutoff)
{
	for (size_t wi = 0; wi < ncells / 64 + 1; wi++) {
		uint64_t seen = job[0].seen[wi] | (nj == 2 ? job[1].seen[wi] : 0);
		uint64_t call = job[0].call[wi] | (nj == 2 ? job[1].call[wi] : 0);
		for (; seen; seen &= seen - 1) {
			unsigned b = lowest_bit(seen);
			size_t c = wi * 64 + b;
			int64_t w = job[0].weight[c] + (nj == 2 ? job[1].weight[c] : 0);
			if (abs64(w) >= cutoff)
				in_flags[dst[c % ncols]] |= call >> b & 1 ? GRAPH_IN_CALL : GRAPH_IN_INLINE;
		}
	}
}

/*
 * g's in_flags, for the nodes kept (g's own, already chosen): false, with
 * nothing done, when their grid would be too large (build the edges then).
 */
static bool inline_flags_walk(graph *g, const graph_weights *gw, const uint8_t *kept, int64_t cutoff)
{
	const graph_index *ix = g->ix;
	const prof_profile *p = ix->p;
	edge_grid grid;
	if (!grid_new(&grid, ix, kept, ix->inline_target))
		return false;
	if (grid.nrows >= MANY_BIT || grid.ncols >= NO_COL) {
		grid_free(&grid);
		return false;
	}
	size_t ncells = (size_t)grid.nrows * grid.ncols;
	/*
	 * Rows and columns by cum, largest first: most visits go to the edges
	 * between heavy nodes, which then share the first part of the first
	 * rows and stay in cache.
	 */
	uint32_t *order = xdup_array(g->nodes, g->nnodes, sizeof *order);
	sort_r(order, g->nnodes, sizeof *order, cmp_by_cum, g);
	uint32_t nr = 0, nc = 0;
	for (uint32_t k = 0; k < g->nnodes; k++) {
		uint32_t n = order[k];
		if (grid.row[n] != PROF_NONE)
			grid.row[n] = nr++;
		if (grid.col[n] != PROF_NONE)
			grid.col[n] = nc++;
	}
	free(order);
	kept_line *locs = xmalloc((p->nlocation + 1) * sizeof *locs);
	kept_line *lines = kept_lines_new(ix, &grid, locs);
	uint64_t *has_row = xcalloc(p->nlocation / 64 + 1, sizeof *has_row);
	for (size_t l = 0; l < p->nlocation; l++)
		if (locs[l].row != NO_ROW)
			has_row[l / 64] |= 1ull << (l % 64);
	int nj = build_jobs(p);
	size_t mid = jobs_split(p, nj);
	/*
	 * A cell in 32 bits, its call bit with it, when that decides the same:
	 * with no weight below 0 a sum only grows, so one held at SUM_MAX is at
	 * least a cutoff up to it; and with a cutoff above 0 a cell whose sum is
	 * 0 is one no stack visited or one that does not count. A third of the
	 * cache lines a visit touches, which on 1M samples it mostly misses.
	 */
	bool packed = !gw->negative && cutoff >= 1 && cutoff <= SUM_MAX;
	flags_job job[2];
	for (int i = 0; i < nj; i++) {
		job[i] = flags_job_new(p, gw, locs, lines, has_row, &grid, packed);
		job[i].s0 = i == 0 ? 0 : mid;
		job[i].s1 = i == nj - 1 ? p->nstack : mid;
	}
	prof_run_pair(flags_run, &job[0], nj == 2 ? &job[1] : NULL, true);
	g->in_flags = xcalloc((size_t)ix->ninfo + 1, 1);
	uint32_t *dst = xmalloc(((size_t)grid.ncols + 1) * sizeof *dst);
	for (uint32_t n = 0; n < ix->ninfo; n++)
		if (grid.col[n] != PROF_NONE)
			dst[grid.col[n]] = n;
	if (packed)
		flags_read_packed(g->in_flags, job, nj, ncells, dst, grid.ncols, cutoff);
	else
		flags_read_wide(g->in_flags, job, nj, ncells, dst, grid.ncols, cutoff);
	free(dst);
	for (int i = 0; i < nj; i++) {
		free(job[i].weight);
		free(job[i].packed);
		free(job[i].seen);
		free(job[i].call);
		free(job[i].visited);
		free(job[i].stack_cells);
	}
	free(lines);
	free(locs);
	free(has_row);
	grid_free(&grid);
	return true;
}

/* Adds job b's sums and edges to job a's. */
static void build_merge(build_job *a, const build_job *b, uint32_t nn)
{
	for (uint32_t n = 0; n < nn; n++) {
		a->acc[n].cum += b->acc[n].cum;
		a->flat[n] += b->flat[n];
		a->flat_div[n] += b->flat_div[n];
		a->cum_div[n] += b->cum_div[n];
	}
	for (uint32_t k = 0; k < b->e.nedges; k++) {
		const graph_edge *be = &b->e.edges[k];
		bool created;
		uint32_t ei = job_edge(a, be->src, be->dst, &created);
		graph_edge *e = &a->e.edges[ei];
		e->weight += be->weight;
		e->residual = e->residual || be->residual;
		e->inl = created ? be->inl : e->inl && be->inl;
	}
}

/* with_edges false: nodes only (flat, cum), for a graph that only selects nodes for the next. */
/*
 * few_kept: kept holds few nodes (a node count's), so the jobs' edge tables
 * stay small and a build with edges splits in two as well.
 */
static graph *build(const graph_index *ix, const graph_weights *gw, const uint8_t *kept, bool drop_negative,
                    graph_edges edges, bool with_edges, bool few_kept)
{
	const prof_profile *p = ix->p;
	uint32_t nn = ix->ninfo;
	graph *g = xcalloc(1, sizeof *g);
	g->ix = ix;
	g->flat = xcalloc(nn + 1, sizeof *g->flat);
	g->flat_div = xcalloc(nn + 1, sizeof *g->flat_div);
	g->cum = xcalloc(nn + 1, sizeof *g->cum);
	g->cum_div = xcalloc(nn + 1, sizeof *g->cum_div);
	build_job job[2];
	const uint8_t *want_edge = edges == GRAPH_EDGES_ALL ? NULL : ix->inline_target;
	edge_grid grid;
	bool gridded = with_edges && grid_new(&grid, ix, kept, want_edge);
	/* A small grid per job costs little: two jobs then, whatever the count. */
	bool small = gridded && (uint64_t)grid.nrows * grid.ncols <= GRID_MAX_CELLS / 4;
	int nj = with_edges && !few_kept && !small ? 1 : build_jobs(p);
	size_t mid = jobs_split(p, nj);
	for (int i = 0; i < nj; i++) {
		job[i] = (build_job){.ix = ix, .gw = gw, .kept = kept,
		                     .want_edge = want_edge, .with_edges = with_edges, .grid = gridded ? &grid : NULL,
		                     .s0 = i == 0 ? 0 : mid, .s1 = i == nj - 1 ? p->nstack : mid};
		/* A node's cum and the stack that last counted it, side by side: one cache line a visit. */
		job[i].acc = xcalloc(nn + 1, sizeof *job[i].acc);
		job[i].flat = i == 0 ? g->flat : xcalloc(nn + 1, sizeof *g->flat);
		job[i].flat_div = i == 0 ? g->flat_div : xcalloc(nn + 1, sizeof *g->flat_div);
		job[i].cum_div = i == 0 ? g->cum_div : xcalloc(nn + 1, sizeof *g->cum_div);
		if (gridded)
			job[i].cells = xcalloc((size_t)grid.nrows * grid.ncols + 1, sizeof *job[i].cells);
	}
	uint8_t *loc_kept = with_edges && kept ? graph_loc_kept(ix, kept) : NULL;
	for (int i = 0; i < nj; i++)
		job[i].loc_kept = loc_kept;
	prof_run_pair(build_run, &job[0], nj == 2 ? &job[1] : NULL, true);
	free(loc_kept);
	if (nj == 2) {
		build_merge(&job[0], &job[1], nn);
		free(job[1].cells);
		free(job[1].acc);
		free(job[1].flat);
		free(job[1].flat_div);
		free(job[1].cum_div);
		free(job[1].e.edges);
		graph_edge_index_free(&job[1].e.etab);
	}
	graph_edge_index_free(&job[0].e.etab);
	free(job[0].cells);
	if (gridded)
		grid_free(&grid);
	g->edges = job[0].e.edges;
	g->nedges = job[0].e.nedges;
	g->edgecap = job[0].e.edgecap;
	for (uint32_t n = 0; n < nn; n++)
		g->cum[n] = job[0].acc[n].cum;
	free(job[0].acc);
	g->nodes = xmalloc((nn + 1) * sizeof *g->nodes);
	for (uint32_t n = 0; n < nn; n++) {
		if (graph_node_shown(g->flat[n], g->cum[n], drop_negative))
			g->nodes[g->nnodes++] = n;
	}
	return g;
}

graph *graph_build(const graph_index *ix, const graph_weights *gw, const uint8_t *kept, bool drop_negative,
                   graph_edges edges)
{
	return build(ix, gw, kept, drop_negative, edges, true, false);
}

graph *graph_nodes(const graph_index *ix, const graph_weights *gw, bool drop_negative)
{
	return build(ix, gw, NULL, drop_negative, GRAPH_EDGES_ALL, false, false);
}

/* Per location: whether one of its nodes is x. */
static uint8_t *locs_holding(const graph_index *ix, uint32_t x)
{
	size_t nl = ix->p->nlocation;
	uint8_t *t = xcalloc(nl + 1, 1);
	for (size_t l = 0; l < nl; l++)
		for (uint32_t k = 0; k < ix->loc_n[l]; k++)
			if (ix->loc_nodes[ix->loc_off[l] + k] == x)
				t[l] = 1;
	return t;
}

/*
 * The walk of build_run without kept nodes, recording only the edges with x
 * at one end: the stacks without x are passed over on one byte a frame.
 */
void graph_add_node_edges(graph *g, const graph_weights *gw, uint32_t x)
{
	const graph_index *ix = g->ix;
	const prof_profile *p = ix->p;
	uint8_t *has = locs_holding(ix, x);
	uint32_t gen = 0;
	prof_locbuf buf = {0};
	for (size_t s = 0; s < p->nstack; s++) {
		if (!gw->any[s])
			continue;
		const prof_stack *st = &p->stacks[s];
		const uint32_t *locs = prof_stack_locs(p, st, &buf);
		bool any = false;
		for (uint32_t i = 0; i < st->len && !any; i++)
			any = has[locs[i]];
		if (!any)
			continue;
		int64_t w = gw->w[s];
		gen++;
		uint32_t parent = PROF_NONE;
		for (uint32_t i = st->len; i-- > 0;) {
			uint64_t span = ix->loc_span[locs[i]];
			uint32_t k = (uint32_t)(span >> 32), one = (uint32_t)span;
			const uint32_t *ln = k == 1 ? &one : ix->loc_nodes + one;
			for (uint32_t ni = k; ni-- > 0;) {
				uint32_t n = ln[ni];
				if (parent != PROF_NONE && n != parent && (n == x || parent == x)) {
					bool created;
					uint32_t ei = edge_find(g, parent, n, &created); /* may move g->edges */
					graph_edge *e = &g->edges[ei];
					if (e->gen != gen) {
						e->gen = gen;
						e->weight += w;
						bool inl = ni != k - 1;
						e->inl = created ? inl : e->inl && inl;
					}
				}
				parent = n;
			}
		}
	}
	prof_locbuf_free(&buf);
	graph_edge_index_free(&g->etab);
	free(has);
}

void graph_free(graph *g)
{
	if (!g)
		return;
	free(g->flat);
	free(g->flat_div);
	free(g->cum);
	free(g->cum_div);
	free(g->gen);
	free(g->nodes);
	free(g->edges);
	graph_edge_index_free(&g->etab);
	free(g->in_flags);
	free(g);
}

char *graph_info_sprint(const graph_index *ix, uint32_t n)
{
	const graph_info *i = &ix->info[n];
	const prof_profile *p = ix->p;
	const char *name = prof_str(p, i->name), *orig = prof_str(p, i->orig_name);
	const char *file = prof_str(p, i->file), *obj = prof_str(p, i->objfile);
	size_t l = strlen(name) + strlen(orig) + strlen(file) + strlen(obj) + 80;
	char *s = xmalloc(l);
	snprintf(s, l, "{%s %s %" PRIu64 " %s %" PRId64 " %" PRId64 " %s}", name, orig, i->address,
	         file, i->start_line, i->lineno, obj);
	return s;
}

typedef struct node_order {
	const graph *g;
	bool cum;
} node_order;

static int node_cmp(const void *a, const void *b, void *ctx)
{
	uint32_t l = *(const uint32_t *)a, r = *(const uint32_t *)b;
	const node_order *o = ctx;
	const graph *g = o->g;
	bool sort_cum = o->cum;
	int64_t lv = abs64(sort_cum ? g->cum[l] : g->flat[l]);
	int64_t rv = abs64(sort_cum ? g->cum[r] : g->flat[r]);
	if (lv != rv)
		return lv > rv ? -1 : 1;
	int c = strcmp(g->ix->printable[l], g->ix->printable[r]);
	if (c)
		return c;
	lv = abs64(sort_cum ? g->flat[l] : g->cum[l]);
	rv = abs64(sort_cum ? g->flat[r] : g->cum[r]);
	if (lv != rv)
		return lv > rv ? -1 : 1;
	char *ls = graph_info_sprint(g->ix, l), *rs = graph_info_sprint(g->ix, r);
	c = strcmp(ls, rs);
	free(ls);
	free(rs);
	return c;
}

/* pprof's FlatNameOrder, or CumNameOrder with cum. */
void graph_sort(graph *g, bool cum)
{
	node_order o = {g, cum};
	sort_r(g->nodes, g->nnodes, sizeof *g->nodes, node_cmp, &o);
}

static int trim_edges(graph *g, int64_t cutoff)
{
	int dropped = 0;
	for (uint32_t e = 0; e < g->nedges; e++) {
		graph_edge *ed = &g->edges[e];
		if (!ed->dropped && abs64(ed->weight) < cutoff) {
			ed->dropped = true;
			dropped++;
		}
	}
	return dropped;
}

/* Whether a node of g that sel keeps (NULL: all) is inlined somewhere, and so may get edges. */
static bool any_inline_target(const graph_index *ix, const graph *g, const uint8_t *sel)
{
	for (uint32_t k = 0; k < g->nnodes; k++) {
		uint32_t n = g->nodes[k];
		if ((!sel || sel[n]) && ix->inline_target[n])
			return true;
	}
	return false;
}

/*
 * The graphs built only to choose nodes (by node_fraction, then node_count)
 * are built without edges: their edges were never read but cost most of the
 * build. The graph returned is built once more, with edges, from the final
 * choice; it equals the one the choice would have kept.
 */
graph_trim_result graph_trimmed(const graph_index *ix, const graph_weights *gw, const graph_trim_opts *o)
{
	graph_trim_result r = {0};
	bool selects = o->node_fraction != 0 || o->node_count > 0;
	graph *g = build(ix, gw, NULL, o->drop_negative, o->edges, !selects, false);
	bool has_edges = !selects;
	const uint8_t *sel = NULL; /* the nodes g was built from; NULL: all */
	int64_t total_flat = 0;
	for (uint32_t k = 0; k < g->nnodes; k++)
		total_flat += g->flat[g->nodes[k]];
	int64_t node_cutoff = abs64((int64_t)((double)total_flat * o->node_fraction));
	int64_t edge_cutoff = abs64((int64_t)((double)total_flat * o->edge_fraction));
	uint8_t *kept = xcalloc(ix->ninfo + 1, 1);
	if (node_cutoff > 0) {
		uint32_t nkept = 0;
		for (uint32_t k = 0; k < g->nnodes; k++)
			if (abs64(g->cum[g->nodes[k]]) >= node_cutoff) {
				kept[g->nodes[k]] = 1;
				nkept++;
			}
		if (nkept != g->nnodes) {
			r.dropped_nodes = (int)(g->nnodes - nkept);
			/*
			 * Dropping nodes changes no kept node's cum, nor its flat (a
			 * stack whose leaf goes gives flat to no one, with or without
			 * the others): the graph of the kept nodes is this one's
			 * nodes, filtered, and needs no second walk.
			 */
			uint32_t w = 0;
			for (uint32_t k = 0; k < g->nnodes; k++)
				if (kept[g->nodes[k]])
					g->nodes[w++] = g->nodes[k];
			g->nnodes = w;
			if (has_edges) {
				graph_free(g);
				g = build(ix, gw, kept, o->drop_negative, o->edges, true, false);
			}
			sel = kept;
		}
	}
	r.orig_count = (int)g->nnodes;
	graph_sort(g, o->cum_sort);
	/*
	 * pprof trims edges before selecting by count too: when no node is left
	 * out by count, those edges are dropped already and the count reported
	 * below is 0.
	 */
	bool trimmed_before = false, cut = false;
	if (o->node_count > 0) {
		if ((uint32_t)o->node_count < g->nnodes) {
			memset(kept, 0, ix->ninfo + 1);
			for (int k = 0; k < o->node_count; k++)
				kept[g->nodes[k]] = 1;
			sel = kept;
			cut = true;
		} else {
			trimmed_before = true;
		}
	}
	if (o->edges == GRAPH_EDGES_INLINE_TARGETS && !has_edges && !any_inline_target(ix, g, sel)) {
		/* No kept node is inlined anywhere: no edge to record, the nodes chosen are the graph. */
		if (cut)
			g->nnodes = (uint32_t)o->node_count;
	} else if (o->edges == GRAPH_EDGES_INLINE_TARGETS && !has_edges && sel &&
	           inline_flags_walk(g, gw, sel, edge_cutoff)) {
		/* The nodes chosen are the graph; of its edges only the marks they make are read. */
		if (cut)
			g->nnodes = (uint32_t)o->node_count;
	} else if (cut || !has_edges) {
		graph_free(g);
		g = build(ix, gw, sel, o->drop_negative, o->edges, true, o->two_edge_jobs || (cut && o->node_count <= 1000));
		graph_sort(g, o->cum_sort);
	}
	int dropped = trim_edges(g, edge_cutoff);
	r.dropped_edges = trimmed_before ? 0 : dropped;
	free(kept);
	r.g = g;
	return r;
}

void graph_inline_flags(const graph *g, uint8_t *flags)
{
	if (g->in_flags) {
		memcpy(flags, g->in_flags, g->ix->ninfo + 1);
		return;
	}
	memset(flags, 0, g->ix->ninfo + 1);
	for (uint32_t e = 0; e < g->nedges; e++) {
		const graph_edge *ed = &g->edges[e];
		if (!ed->dropped)
			flags[ed->dst] |= ed->inl ? GRAPH_IN_INLINE : GRAPH_IN_CALL;
	}
}

const char *graph_inline_label(uint8_t flags)
{
	if (!(flags & GRAPH_IN_INLINE))
		return "";
	return (flags & GRAPH_IN_CALL) ? "(partial-inline)" : "(inline)";
}
