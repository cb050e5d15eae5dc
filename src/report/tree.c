/*
 * tree and peek: pprof's caller/callee report. Each node with its incoming
 * edges above and outgoing edges below; peek keeps the nodes whose name
 * matches a regex and does no trimming.
 */
#include <stdlib.h>
#include <string.h>

#include "report/format.h"
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

static void print_edges(FILE *out, const rctx *r, const graph *g, uint32_t *ids, uint32_t n, bool incoming,
                        int64_t cum)
{
	sort_r(ids, n, sizeof *ids, edge_cmp, (void *)g);
	for (uint32_t k = 0; k < n; k++) {
		const graph_edge *e = &g->edges[ids[k]];
		char v[64], pct[32];
		rctx_value(r, e->weight, v, sizeof v);
		fmt_percentage(pct, sizeof pct, e->weight, cum);
		fprintf(out, "%50s %s |   %s%s\n", v, pct, g->ix->printable[incoming ? e->src : e->dst],
		        e->inl ? " (inline)" : "");
	}
}

bool report_tree_rctx(FILE *out, rctx *r, const char *peek)
{
	prof_re rx = {0};
	prof_err e = {0};
	if (peek && !prof_re_compile(&rx, peek, false, &e))
		return prof_errf(r->err, "parsing argument regexp %s: %s", peek, e.msg);
	static const char separator[] = "----------------------------------------------------------+-------------";
	static const char legend[] = "      flat  flat%   sum%        cum   cum%   calls calls% + context \t \t ";
	graph_trim_result tr = graph_trimmed(r->ix, &r->gw, &r->trim);
	graph *g = tr.g;
	rctx_select_unit(r, g);

	char *buf = NULL;
	size_t len = 0;
	FILE *body = open_memstream(&buf, &len);
	if (!body)
		prof_oom();
	rctx_report_labels(body, r, g, tr.orig_count, tr.dropped_nodes);
	fprintf(body, "%s\n%s\n", separator, legend);

	/* Per node, its surviving edges in and out. */
	uint32_t nn = r->ix->ninfo;
	uint32_t *in_off = xcalloc((size_t)nn + 2, sizeof *in_off), *out_off = xcalloc((size_t)nn + 2, sizeof *out_off);
	for (uint32_t e = 0; e < g->nedges; e++)
		if (!g->edges[e].dropped) {
			in_off[g->edges[e].dst + 1]++;
			out_off[g->edges[e].src + 1]++;
		}
	for (uint32_t n = 0; n < nn; n++) {
		in_off[n + 1] += in_off[n];
		out_off[n + 1] += out_off[n];
	}
	uint32_t *in_ids = xmalloc(((size_t)in_off[nn] + 1) * sizeof *in_ids);
	uint32_t *out_ids = xmalloc(((size_t)out_off[nn] + 1) * sizeof *out_ids);
	uint32_t *in_fill = xcalloc((size_t)nn + 1, sizeof *in_fill), *out_fill = xcalloc((size_t)nn + 1, sizeof *out_fill);
	for (uint32_t e = 0; e < g->nedges; e++) {
		const graph_edge *ed = &g->edges[e];
		if (ed->dropped)
			continue;
		in_ids[in_off[ed->dst] + in_fill[ed->dst]++] = e;
		out_ids[out_off[ed->src] + out_fill[ed->src]++] = e;
	}

	int64_t flat_sum = 0;
	int matched = 0;
	for (uint32_t k = 0; k < g->nnodes; k++) {
		uint32_t n = g->nodes[k];
		const char *name = r->ix->printable[n];
		if (peek && !prof_re_match(&rx, name))
			continue;
		matched++;
		int64_t flat = graph_flat_value(g, n), cum = graph_cum_value(g, n);
		fprintf(body, "%s\n", separator);
		print_edges(body, r, g, in_ids + in_off[n], in_off[n + 1] - in_off[n], true, cum);
		flat_sum += flat;
		char a[64], b[32], c[32], d[64], e[32];
		rctx_value(r, flat, a, sizeof a);
		fmt_percentage(b, sizeof b, flat, r->total);
		fmt_percentage(c, sizeof c, flat_sum, r->total);
		rctx_value(r, cum, d, sizeof d);
		fmt_percentage(e, sizeof e, cum, r->total);
		fprintf(body, "%10s %s %s %10s %s                | %s\n", a, b, c, d, e, name);
		print_edges(body, r, g, out_ids + out_off[n], out_off[n + 1] - out_off[n], false, cum);
	}
	if (g->nnodes > 0)
		fprintf(body, "%s\n", separator);
	fclose(body);
	bool ok = true;
	if (peek && matched == 0) {
		/* pprof prints nothing but the error then. */
		ok = prof_errf(r->err, "no matches found for regexp: %s", peek);
	} else {
		fwrite(buf, 1, len, out);
	}
	free(buf);
	free(in_off);
	free(out_off);
	free(in_ids);
	free(out_ids);
	free(in_fill);
	free(out_fill);
	graph_free(g);
	prof_re_free(&rx);
	return ok;
}
