/*
 * top: pprof's flat text report ("top", "text"), byte for byte: one row per
 * node, largest flat (or cum) first. The rows are data first (report_top,
 * which a browser draws); the text report prints them.
 */
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "util/units.h"

/* top's header lines and rows for tr's graph, in its order (units chosen already). */
static void rows_of(rctx *r, const graph_trim_result *tr, report_top *top)
{
	const graph *g = tr->g;
	rctx_report_label_lines(r, g, tr->orig_count, tr->dropped_nodes, &top->labels, &top->nlabels);
	top->total = r->total;
	top->rows = xcalloc((size_t)g->nnodes + 1, sizeof *top->rows);
	uint8_t *inl = xmalloc(r->ix->ninfo + 1);
	graph_inline_flags(g, inl);
	int64_t running = 0;
	for (uint32_t k = 0; k < g->nnodes; k++) {
		uint32_t n = g->nodes[k];
		report_top_row *row = &top->rows[top->nrows++];
		row->flat = graph_flat_value(g, n);
		row->cum = graph_cum_value(g, n);
		running += row->flat;
		row->sum = running;
		rctx_row_cells(r, row->flat, running, row->cum, row->flat_s, row->flat_pct, row->sum_pct, row->cum_s,
		               row->cum_pct);
		row->name = xstrdup(r->ix->printable[n]);
		row->inline_label = graph_inline_label(inl[n]);
	}
	free(inl);
}

void report_top_rows(rctx *r, report_top *top)
{
	report_top_rows_both(r, top, NULL);
}

bool report_top_rows_both(rctx *r, report_top *top, report_top *other)
{
	graph_trim_result tr = graph_trimmed(r->ix, &r->gw, &r->trim);
	rctx_select_unit(r, tr.g);
	rows_of(r, &tr, top);
	/* Without a node count the nodes do not depend on the order: only the rows' order and sum% change. */
	bool both = other && r->trim.node_count <= 0;
	if (both) {
		graph_sort(tr.g, !r->trim.cum_sort);
		rows_of(r, &tr, other);
	}
	graph_free(tr.g);
	return both;
}

void report_top_free(report_top *top)
{
	for (size_t i = 0; i < top->nlabels; i++)
		free(top->labels[i]);
	free(top->labels);
	for (size_t i = 0; i < top->nrows; i++)
		free(top->rows[i].name);
	free(top->rows);
	memset(top, 0, sizeof *top);
}

bool report_top_rctx(FILE *out, rctx *r)
{
	report_top top = {0};
	report_top_rows(r, &top);
	for (size_t i = 0; i < top.nlabels; i++)
		fprintf(out, "%s\n", top.labels[i]);
	fprintf(out, "%10s %5s%% %5s%% %10s %5s%%\n", "flat", "flat", "sum", "cum", "cum");
	for (size_t i = 0; i < top.nrows; i++) {
		const report_top_row *row = &top.rows[i];
		fprintf(out, "%10s %s %s %10s %s  %s%s%s\n", row->flat_s, row->flat_pct, row->sum_pct, row->cum_s,
		        row->cum_pct, row->name, *row->inline_label ? " " : "", row->inline_label);
	}
	report_top_free(&top);
	return true;
}
