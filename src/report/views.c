/*
 * views: see views.h. Each function has the engine prepare the report
 * context as the text reports have it (value, total, filters, graph index
 * and weights, from the engine's caches), computes its data from it and
 * releases it.
 */
#include "report/views.h"

#include <stdlib.h>
#include <string.h>

#include "report/calltree.h"
#include "report/engine.h"
#include "report/internal.h"
#include "util/re.h"
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

bool report_flame_data(prof_engine *e, const report_opts *o, bool inverted, FILE *warn, report_flame *fl,
                       prof_err *err)
{
	memset(fl, 0, sizeof *fl);
	rctx r;
	if (!engine_prepare(e, "flame", o, warn, &r, err))
		return false;
	calltree_build(fl, &r, r.ix->printable, inverted, true);
	calltree_sort(fl, CALLTREE_BY_WEIGHT);
	/* The names outlive the index the engine may drop. */
	for (uint32_t k = 0; k < fl->nnames; k++)
		fl->names[k] = xstrdup(fl->names[k]);
	fl->own_names = true;
	fl->total = r.total;
	int64_t min = 0;
	for (size_t v = 0; v < fl->n; v++) {
		int64_t a = abs64(fl->nodes[v].value);
		if (a && (!min || a < min))
			min = a;
	}
	rctx_select_unit_min(&r, (uint32_t)fl->n, min);
	fl->fmt.ratio = r.ratio;
	snprintf(fl->fmt.sample_unit, sizeof fl->fmt.sample_unit, "%s", r.sample_unit);
	snprintf(fl->fmt.output_unit, sizeof fl->fmt.output_unit, "%s", r.output_unit);
	engine_release(e, &r);
	return true;
}

void report_flame_value(const report_flame *fl, int64_t v, char *buf, size_t n)
{
	rctx r = {.ratio = fl->fmt.ratio, .sample_unit = fl->fmt.sample_unit, .output_unit = fl->fmt.output_unit};
	rctx_value(&r, v, buf, n);
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
			uint32_t l = prof_stack_loc(p, s, k);
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
