/*
 * tree and peek: pprof's caller/callee report. Each node with its incoming
 * edges above and outgoing edges below; peek keeps the nodes whose name
 * matches a regex and does no trimming.
 */
#include <stdlib.h>
#include <string.h>

#include "util/units.h"
#include "report/internal.h"
#include "util/re.h"
#include "util/sort.h"

/* pprof's edgeList order: heavier first, then by caller name, then callee name. */
static int edge_cmp(const void *a, const void *b, void *ctx)
{
	const graph *sort_g = ctx;
	const graph_edge *l = &sort_g->edges[*(const uint32_t *)a];
	const graph_edge *r = &sort_g->edges[*(const uint32_t *)b];
	if (l->weight != r->weight && abs64(l->weight) != abs64(r->weight))
		return abs64(l->weight) > abs64(r->weight) ? -1 : 1;
	const graph_index *ix = sort_g->ix;
	int c = strcmp(ix->printable[l->src], ix->printable[r->src]);
	if (c)
		return c;
	return strcmp(ix->printable[l->dst], ix->printable[r->dst]);
}

/* A node's edges (ids[0..n)) in pprof's order, as rows; pct of the node's cum. */
static report_tree_edge *edge_rows(const rctx *r, const graph *g, uint32_t *ids, uint32_t n, bool incoming,
                                   int64_t cum)
{
	sort_r(ids, n, sizeof *ids, edge_cmp, (void *)g);
	report_tree_edge *rows = xcalloc((size_t)n + 1, sizeof *rows);
	for (uint32_t k = 0; k < n; k++) {
		const graph_edge *e = &g->edges[ids[k]];
		report_tree_edge *row = &rows[k];
		row->name = xstrdup(g->ix->printable[incoming ? e->src : e->dst]);
		row->value = e->weight;
		row->inl = e->inl;
		rctx_value(r, e->weight, row->value_s, sizeof row->value_s);
		fmt_percentage(row->pct, sizeof row->pct, e->weight, cum);
	}
	return rows;
}

/* Per node, the ids of its surviving edges in and out: in_ids[in_off[n]..in_off[n + 1]). */
typedef struct edge_lists {
	uint32_t *in_off, *out_off, *in_ids, *out_ids;
} edge_lists;

static edge_lists edge_lists_of(const graph *g, uint32_t nn)
{
	edge_lists l;
	l.in_off = xcalloc((size_t)nn + 2, sizeof *l.in_off);
	l.out_off = xcalloc((size_t)nn + 2, sizeof *l.out_off);
	for (uint32_t e = 0; e < g->nedges; e++)
		if (!g->edges[e].dropped) {
			l.in_off[g->edges[e].dst + 1]++;
			l.out_off[g->edges[e].src + 1]++;
		}
	for (uint32_t n = 0; n < nn; n++) {
		l.in_off[n + 1] += l.in_off[n];
		l.out_off[n + 1] += l.out_off[n];
	}
	l.in_ids = xmalloc(((size_t)l.in_off[nn] + 1) * sizeof *l.in_ids);
	l.out_ids = xmalloc(((size_t)l.out_off[nn] + 1) * sizeof *l.out_ids);
	uint32_t *in_fill = xcalloc((size_t)nn + 1, sizeof *in_fill), *out_fill = xcalloc((size_t)nn + 1, sizeof *out_fill);
	for (uint32_t e = 0; e < g->nedges; e++) {
		const graph_edge *ed = &g->edges[e];
		if (ed->dropped)
			continue;
		l.in_ids[l.in_off[ed->dst] + in_fill[ed->dst]++] = e;
		l.out_ids[l.out_off[ed->src] + out_fill[ed->src]++] = e;
	}
	free(in_fill);
	free(out_fill);
	return l;
}

static void edge_lists_free(edge_lists *l)
{
	free(l->in_off);
	free(l->out_off);
	free(l->in_ids);
	free(l->out_ids);
}

/* One node's row with its callers and callees: the caller frees it with node_row_free. */
static void node_row(const rctx *r, const graph *g, const edge_lists *el, uint32_t n, int64_t *flat_sum,
                     report_tree_node *row)
{
	memset(row, 0, sizeof *row);
	row->name = xstrdup(r->ix->printable[n]);
	row->flat = graph_flat_value(g, n);
	row->cum = graph_cum_value(g, n);
	*flat_sum += row->flat;
	row->sum = *flat_sum;
	rctx_row_cells(r, row->flat, *flat_sum, row->cum, row->flat_s, row->flat_pct, row->sum_pct, row->cum_s,
	               row->cum_pct);
	row->ncallers = el->in_off[n + 1] - el->in_off[n];
	row->callers = edge_rows(r, g, el->in_ids + el->in_off[n], (uint32_t)row->ncallers, true, row->cum);
	row->ncallees = el->out_off[n + 1] - el->out_off[n];
	row->callees = edge_rows(r, g, el->out_ids + el->out_off[n], (uint32_t)row->ncallees, false, row->cum);
}

static void node_row_free(report_tree_node *n)
{
	free(n->name);
	for (size_t k = 0; k < n->ncallers; k++)
		free(n->callers[k].name);
	for (size_t k = 0; k < n->ncallees; k++)
		free(n->callees[k].name);
	free(n->callers);
	free(n->callees);
}

static bool untrimmed(const graph_trim_opts *t)
{
	return t->node_fraction == 0 && t->edge_fraction == 0 && t->node_count <= 0;
}

/*
 * The untrimmed graph as peek of one name reads it: every node's sums (the
 * unit is chosen over them all), and only the edges of the first node, in
 * report order, printed as name. A graph with every edge costs ten times
 * more on a profile of many distinct stacks.
 */
static graph_trim_result one_node_graph(rctx *r, const char *exact)
{
	graph *g = graph_nodes(r->ix, &r->gw, r->trim.drop_negative);
	graph_sort(g, r->trim.cum_sort);
	for (uint32_t k = 0; k < g->nnodes; k++)
		if (strcmp(r->ix->printable[g->nodes[k]], exact) == 0) {
			graph_add_node_edges(g, &r->gw, g->nodes[k]);
			break;
		}
	return (graph_trim_result){.g = g, .orig_count = (int)g->nnodes};
}

/* Receives the header (once, before any node) and then each node's row, which it keeps or frees. */
typedef void (*tree_emit)(void *ctx, report_tree *head, report_tree_node *row);

/*
 * The graph, its header and the shown nodes one at a time to emit: the data
 * function keeps every row, the text report prints and drops each, so peek
 * of every node never holds all the edges' rows at once. Nothing is emitted
 * when peek matches nothing (pprof prints the error alone).
 */
static bool tree_walk(rctx *r, const char *peek, const char *exact, report_tree *head, tree_emit emit, void *ctx)
{
	memset(head, 0, sizeof *head);
	prof_re rx = {0};
	prof_err e = {0};
	if (peek && !prof_re_compile(&rx, peek, false, &e))
		return prof_errf(r->err, "parsing argument regexp %s: %s", peek, e.msg);
	graph_trim_result tr = exact && untrimmed(&r->trim) ? one_node_graph(r, exact) : graph_trimmed(r->ix, &r->gw, &r->trim);
	graph *g = tr.g;
	uint8_t *shown = xcalloc((size_t)g->nnodes + 1, 1);
	size_t nshown = 0;
	for (uint32_t k = 0; k < g->nnodes; k++) {
		const char *name = r->ix->printable[g->nodes[k]];
		shown[k] = !(peek && !prof_re_match(&rx, name)) && !(exact && strcmp(name, exact) != 0);
		nshown += shown[k];
	}
	prof_re_free(&rx);
	if (peek && nshown == 0) {
		free(shown);
		graph_free(g);
		return prof_errf(r->err, "no matches found for regexp: %s", peek);
	}
	rctx_select_unit(r, g);
	rctx_report_label_lines(r, g, tr.orig_count, tr.dropped_nodes, &head->labels, &head->nlabels);
	head->total = r->total;
	head->shown_any = g->nnodes > 0;
	emit(ctx, head, NULL);
	edge_lists el = edge_lists_of(g, r->ix->ninfo);
	int64_t flat_sum = 0;
	for (uint32_t k = 0; k < g->nnodes; k++) {
		if (!shown[k])
			continue;
		report_tree_node row;
		node_row(r, g, &el, g->nodes[k], &flat_sum, &row);
		emit(ctx, head, &row);
	}
	free(shown);
	edge_lists_free(&el);
	graph_free(g);
	return true;
}

typedef struct keep_ctx {
	size_t cap;
} keep_ctx;

static void keep_row(void *ctx, report_tree *t, report_tree_node *row)
{
	keep_ctx *k = ctx;
	if (!row)
		return;
	GROW(t->nodes, k->cap, t->nnodes + 1);
	t->nodes[t->nnodes++] = *row;
}

bool report_tree_nodes(rctx *r, const char *peek, const char *exact, report_tree *t)
{
	keep_ctx k = {0};
	return tree_walk(r, peek, exact, t, keep_row, &k);
}

void report_tree_free(report_tree *t)
{
	for (size_t i = 0; i < t->nlabels; i++)
		free(t->labels[i]);
	free(t->labels);
	for (size_t i = 0; i < t->nnodes; i++)
		node_row_free(&t->nodes[i]);
	free(t->nodes);
	memset(t, 0, sizeof *t);
}

static void print_edges(FILE *out, const report_tree_edge *rows, size_t n)
{
	for (size_t k = 0; k < n; k++)
		fprintf(out, "%50s %s |   %s%s\n", rows[k].value_s, rows[k].pct, rows[k].name, rows[k].inl ? " (inline)" : "");
}

static const char separator[] = "----------------------------------------------------------+-------------";

static void print_row(void *ctx, report_tree *t, report_tree_node *n)
{
	static const char legend[] = "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t ";
	FILE *out = ctx;
	if (!n) {
		for (size_t i = 0; i < t->nlabels; i++)
			fprintf(out, "%s\n", t->labels[i]);
		fprintf(out, "%s\n%s\n", separator, legend);
		return;
	}
	fprintf(out, "%s\n", separator);
	print_edges(out, n->callers, n->ncallers);
	fprintf(out, "%10s %s %s %10s %s                | %s\n", n->flat_s, n->flat_pct, n->sum_pct, n->cum_s,
	        n->cum_pct, n->name);
	print_edges(out, n->callees, n->ncallees);
	node_row_free(n);
}

bool report_tree_rctx(FILE *out, rctx *r, const char *peek)
{
	report_tree t;
	if (!tree_walk(r, peek, NULL, &t, print_row, out))
		return false;
	if (t.shown_any)
		fprintf(out, "%s\n", separator);
	report_tree_free(&t);
	return true;
}
