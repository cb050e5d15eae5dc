/*
 * views: see views.h. Each function has the engine prepare the report
 * context as the text reports have it (value, total, filters, graph index
 * and weights, from the engine's caches), computes its data from it and
 * releases it.
 */
#include "report/views.h"

#include <stdlib.h>
#include <string.h>

#include "report/engine.h"
#include "report/internal.h"
#include "util/re.h"
#include "util/sort.h"
#include "util/term.h"
#include "util/units.h"

/* ---- text reports as lines ---- */

bool report_lines_data(prof_engine *e, const char *report, const char *arg, const report_opts *o, FILE *warn,
                       report_lines *out, prof_err *err)
{
	memset(out, 0, sizeof *out);
	char *buf = NULL;
	size_t len = 0, cap = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		prof_oom();
	bool ok = engine_run(e, mem, report, arg, o, warn, err);
	fclose(mem);
	for (char *line = buf, *nl; ok && line < buf + len; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(buf + len - line));
		if (!nl)
			nl = buf + len;
		/* A listed source file is no profile name: the name policy applies to it here. */
		size_t n = (size_t)(nl - line), m = text_escaped_len(line, n);
		char *safe = xmalloc(m + 1);
		text_escape(line, n, safe);
		GROW(out->line, cap, out->n + 1);
		out->line[out->n++] = safe;
	}
	free(buf);
	return ok;
}

void report_lines_free(report_lines *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->line[i]);
	free(l->line);
	memset(l, 0, sizeof *l);
}

/* ---- callers and callees ---- */

/* peek's data for the one node printed as name: tree's rows, taken over. */
bool report_neighbors_data(prof_engine *e, const report_opts *o, const char *name, FILE *warn,
                           report_neighbors *nb, prof_err *err)
{
	memset(nb, 0, sizeof *nb);
	rctx r;
	if (!engine_prepare(e, "peek", o, warn, &r, err))
		return false;
	report_tree t;
	bool ok = report_tree_nodes(&r, NULL, name, &t);
	engine_release(e, &r);
	if (!ok)
		return false;
	nb->total = t.total;
	if (t.nnodes > 0) {
		report_tree_node *n = &t.nodes[0];
		nb->found = true;
		nb->flat = n->flat;
		nb->cum = n->cum;
		memcpy(nb->flat_s, n->flat_s, sizeof nb->flat_s);
		memcpy(nb->cum_s, n->cum_s, sizeof nb->cum_s);
		memcpy(nb->flat_pct, n->flat_pct, sizeof nb->flat_pct);
		memcpy(nb->cum_pct, n->cum_pct, sizeof nb->cum_pct);
		nb->callers = n->callers;
		nb->ncallers = n->ncallers;
		nb->callees = n->callees;
		nb->ncallees = n->ncallees;
		n->callers = n->callees = NULL;
		n->ncallers = n->ncallees = 0;
	}
	report_tree_free(&t);
	return true;
}

static void edge_rows_free(report_edge_row *rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i].name);
	free(rows);
}

void report_neighbors_free(report_neighbors *nb)
{
	edge_rows_free(nb->callers, nb->ncallers);
	edge_rows_free(nb->callees, nb->ncallees);
	memset(nb, 0, sizeof *nb);
}

/* ---- flame tree ---- */

/* Children by (parent, name), open addressing: a wide node must not make the build quadratic. */
typedef struct child_map {
	uint64_t *keys; /* (parent << 32 | name) + 1; 0 is empty */
	uint32_t *vals;
	size_t cap, n;
} child_map;

static size_t slot_of(const child_map *m, uint64_t key)
{
	size_t i = (size_t)((key * 0x9E3779B97F4A7C15ull) >> 17) & (m->cap - 1);
	while (m->keys[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

static void map_grow(child_map *m)
{
	child_map old = *m;
	m->cap = old.cap ? old.cap * 2 : 1024;
	m->keys = xcalloc(m->cap, sizeof *m->keys);
	m->vals = xcalloc(m->cap, sizeof *m->vals);
	for (size_t i = 0; i < old.cap; i++)
		if (old.keys[i]) {
			size_t s = slot_of(m, old.keys[i]);
			m->keys[s] = old.keys[i];
			m->vals[s] = old.vals[i];
		}
	free(old.keys);
	free(old.vals);
}

typedef struct flame_build {
	report_flame *fl;
	size_t cap;
	child_map map;
	uint32_t *name_of; /* per index node: its index in fl->names + 1, 0: not copied yet */
	const graph_index *ix;
} flame_build;

static uint32_t flame_child(flame_build *b, uint32_t parent, uint32_t ixnode)
{
	if ((b->map.n + 1) * 2 > b->map.cap)
		map_grow(&b->map);
	uint64_t key = (((uint64_t)parent << 32) | ixnode) + 1;
	size_t s = slot_of(&b->map, key);
	if (b->map.keys[s])
		return b->map.vals[s];
	report_flame *fl = b->fl;
	if (!b->name_of[ixnode]) {
		fl->names[fl->nnames++] = xstrdup(b->ix->printable[ixnode]);
		b->name_of[ixnode] = (uint32_t)fl->nnames;
	}
	GROW(fl->nodes, b->cap, fl->n + 1);
	uint32_t v = (uint32_t)fl->n++;
	report_flame_node *nd = &fl->nodes[v];
	*nd = (report_flame_node){.name = fl->names[b->name_of[ixnode] - 1], .parent = parent,
	                          .child = REPORT_FLAME_NONE, .next = fl->nodes[parent].child,
	                          .depth = fl->nodes[parent].depth + 1};
	fl->nodes[parent].child = v;
	if (nd->depth > fl->max_depth)
		fl->max_depth = nd->depth;
	b->map.keys[s] = key;
	b->map.vals[s] = v;
	b->map.n++;
	return v;
}

/* The stack's nodes root first (leaf first when inverted) into *seq; returns how many. */
static size_t stack_nodes(const prof_profile *p, const graph_index *ix, uint32_t st, bool inverted, uint32_t **seq,
                          size_t *cap)
{
	const prof_stack *s = &p->stacks[st];
	size_t n = 0;
	for (uint32_t k = s->len; k-- > 0;) {
		uint32_t l = p->stack_locs[s->off + k];
		const uint32_t *nodes = ix->loc_nodes + ix->loc_off[l];
		for (uint32_t j = ix->loc_n[l]; j-- > 0;) {
			GROW(*seq, *cap, n + 1);
			(*seq)[n++] = nodes[j];
		}
	}
	if (inverted)
		for (size_t i = 0; i < n / 2; i++) {
			uint32_t t = (*seq)[i];
			(*seq)[i] = (*seq)[n - 1 - i];
			(*seq)[n - 1 - i] = t;
		}
	return n;
}

static int child_cmp(const void *a, const void *b, void *ctx)
{
	const report_flame_node *nodes = ctx;
	const report_flame_node *l = &nodes[*(const uint32_t *)a], *r = &nodes[*(const uint32_t *)b];
	if (abs64(l->value) != abs64(r->value))
		return abs64(l->value) > abs64(r->value) ? -1 : 1;
	return strcmp(l->name, r->name);
}

/* Relinks every node's children largest first. */
static void sort_children(report_flame *fl)
{
	uint32_t *ids = xmalloc((fl->n + 1) * sizeof *ids);
	for (size_t v = 0; v < fl->n; v++) {
		size_t k = 0;
		for (uint32_t c = fl->nodes[v].child; c != REPORT_FLAME_NONE; c = fl->nodes[c].next)
			ids[k++] = c;
		if (k < 2)
			continue;
		sort_r(ids, k, sizeof *ids, child_cmp, fl->nodes);
		fl->nodes[v].child = ids[0];
		for (size_t i = 0; i < k; i++)
			fl->nodes[ids[i]].next = i + 1 < k ? ids[i + 1] : REPORT_FLAME_NONE;
	}
	free(ids);
}

static void flame_values(report_flame *fl, rctx *r)
{
	int64_t min = 0;
	for (size_t v = 0; v < fl->n; v++) {
		int64_t a = abs64(fl->nodes[v].value);
		if (a && (!min || a < min))
			min = a;
	}
	rctx_select_unit_min(r, (uint32_t)fl->n, min);
	for (size_t v = 0; v < fl->n; v++)
		rctx_value(r, fl->nodes[v].value, fl->nodes[v].value_s, sizeof fl->nodes[v].value_s);
}

bool report_flame_data(prof_engine *e, const report_opts *o, bool inverted, FILE *warn, report_flame *fl,
                       prof_err *err)
{
	memset(fl, 0, sizeof *fl);
	rctx r;
	if (!engine_prepare(e, "flame", o, warn, &r, err))
		return false;
	const prof_profile *p = r.p;
	flame_build b = {.fl = fl, .ix = r.ix};
	b.name_of = xcalloc((size_t)r.ix->ninfo + 1, sizeof *b.name_of);
	fl->names = xcalloc((size_t)r.ix->ninfo + 1, sizeof *fl->names);
	GROW(fl->nodes, b.cap, 1);
	fl->nodes[0] = (report_flame_node){.name = "root", .parent = REPORT_FLAME_NONE, .child = REPORT_FLAME_NONE,
	                                   .next = REPORT_FLAME_NONE};
	fl->n = 1;
	uint32_t *seq = NULL;
	size_t seqcap = 0;
	for (size_t st = 0; st < p->nstack; st++) {
		int64_t w = r.gw.w[st];
		if (w == 0)
			continue;
		size_t n = stack_nodes(p, r.ix, (uint32_t)st, inverted, &seq, &seqcap);
		uint32_t v = 0;
		fl->nodes[0].value += w;
		for (size_t i = 0; i < n; i++) {
			v = flame_child(&b, v, seq[i]);
			fl->nodes[v].value += w;
		}
		fl->nodes[v].self += w;
	}
	fl->total = r.total;
	sort_children(fl);
	flame_values(fl, &r);
	free(seq);
	free(b.name_of);
	free(b.map.keys);
	free(b.map.vals);
	engine_release(e, &r);
	return true;
}

void report_flame_free(report_flame *fl)
{
	for (size_t i = 0; i < fl->nnames; i++)
		free(fl->names[i]);
	free(fl->names);
	free(fl->nodes);
	memset(fl, 0, sizeof *fl);
}

/* ---- search share ---- */

bool report_match_data(prof_engine *e, const report_opts *o, const char *regex, FILE *warn, int64_t *matched,
                       int64_t *total, size_t *nnodes, prof_err *err)
{
	*matched = *total = 0;
	*nnodes = 0;
	prof_re rx = {0};
	prof_err rerr = {0};
	if (!prof_re_compile(&rx, regex, false, &rerr))
		return prof_errf(err, "%s", rerr.msg);
	rctx r;
	if (!engine_prepare(e, "top", o, warn, &r, err)) {
		prof_re_free(&rx);
		return false;
	}
	const prof_profile *p = r.p;
	uint8_t *hit = xcalloc((size_t)r.ix->ninfo + 1, 1);
	for (uint32_t n = 0; n < r.ix->ninfo; n++)
		if (prof_re_match(&rx, r.ix->printable[n])) {
			hit[n] = 1;
			(*nnodes)++;
		}
	for (size_t st = 0; st < p->nstack; st++) {
		int64_t w = r.gw.w[st];
		const prof_stack *s = &p->stacks[st];
		bool any = false;
		for (uint32_t k = 0; k < s->len && !any && w; k++) {
			uint32_t l = p->stack_locs[s->off + k];
			for (uint32_t j = 0; j < r.ix->loc_n[l] && !any; j++)
				any = hit[r.ix->loc_nodes[r.ix->loc_off[l] + j]];
		}
		if (any)
			*matched += abs64(w);
	}
	*total = r.total;
	free(hit);
	engine_release(e, &r);
	prof_re_free(&rx);
	return true;
}
