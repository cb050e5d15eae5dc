/*
 * top: pprof's flat text report ("top", "text"), byte for byte: one row per
 * node, largest flat (or cum) first.
 */
#include <stdlib.h>

#include "util/units.h"
#include "report/internal.h"

bool report_top_rctx(FILE *out, rctx *r)
{
	graph_trim_result tr = graph_trimmed(r->ix, &r->gw, &r->trim);
	graph *g = tr.g;
	rctx_select_unit(r, g);
	rctx_report_labels(out, r, g, tr.orig_count, tr.dropped_nodes);
	fprintf(out, "%10s %5s%% %5s%% %10s %5s%%\n", "flat", "flat", "sum", "cum", "cum");
	uint8_t *inl = xmalloc(r->ix->ninfo + 1);
	graph_inline_flags(g, inl);
	int64_t running = 0;
	char a[64], b[64], c[64], d[64], e[64];
	for (uint32_t k = 0; k < g->nnodes; k++) {
		uint32_t n = g->nodes[k];
		int64_t flat = graph_flat_value(g, n), cum = graph_cum_value(g, n);
		running += flat;
		rctx_value(r, flat, a, sizeof a);
		fmt_percentage(b, sizeof b, flat, r->total);
		fmt_percentage(c, sizeof c, running, r->total);
		rctx_value(r, cum, d, sizeof d);
		fmt_percentage(e, sizeof e, cum, r->total);
		const char *label = graph_inline_label(inl[n]);
		fprintf(out, "%10s %s %s %10s %s  %s%s%s\n", a, b, c, d, e, r->ix->printable[n], *label ? " " : "",
		        label);
	}
	free(inl);
	graph_free(g);
	return true;
}
