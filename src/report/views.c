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

/* ---- top ---- */

bool report_top_orders(prof_engine *e, const report_opts *o, FILE *warn, report_top *top, report_top *other,
                       bool *have_other, prof_err *err)
{
	memset(top, 0, sizeof *top);
	if (other)
		memset(other, 0, sizeof *other);
	*have_other = false;
	rctx r;
	if (!engine_prepare(e, "top", o, warn, &r, err))
		return false;
	*have_other = report_top_rows_both(&r, top, other);
	engine_release(e, &r);
	return true;
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

/* The call tree's walk, kept: nodes appended in preorder, a node's end set when it is left. */
typedef struct flame_build {
	report_flame *fl;
	bool negative;
	uint32_t *open; /* the nodes entered and not left */
	size_t nopen, opencap;
} flame_build;

static void flame_grow(report_flame *fl, bool negative)
{
	size_t old = fl->cap, cap = old;
	GROW(fl->frame, cap, fl->n + 1);
	cap = old;
	GROW(fl->end, cap, fl->n + 1);
	cap = old;
	GROW(fl->value, cap, fl->n + 1);
	if (negative) {
		cap = old;
		GROW(fl->weight, cap, fl->n + 1);
	}
	fl->cap = cap;
}

static void build_enter(void *ctx, uint32_t frame, uint32_t depth, int64_t value, int64_t weight)
{
	flame_build *b = ctx;
	report_flame *fl = b->fl;
	if (fl->n >= UINT32_MAX - 1)
		prof_oom();
	if (fl->n == fl->cap)
		flame_grow(fl, b->negative);
	uint32_t v = (uint32_t)fl->n++;
	fl->frame[v] = frame == CALLTREE_ROOT ? REPORT_FLAME_NONE : frame;
	fl->value[v] = value;
	if (b->negative)
		fl->weight[v] = weight;
	if (depth > fl->max_depth)
		fl->max_depth = depth;
	GROW(b->open, b->opencap, b->nopen + 1);
	b->open[b->nopen++] = v;
}

static void build_leave(void *ctx)
{
	flame_build *b = ctx;
	b->fl->end[b->open[--b->nopen]] = (uint32_t)b->fl->n;
}

bool report_flame_data(prof_engine *e, const report_opts *o, bool inverted, FILE *warn, report_flame *fl,
                       prof_err *err)
{
	memset(fl, 0, sizeof *fl);
	rctx r;
	if (!engine_prepare(e, "flame", o, warn, &r, err))
		return false;
	calltree t;
	calltree_init(&t, &r, r.ix->printable, inverted);
	flame_build b = {.fl = fl, .negative = t.negative};
	static const calltree_visitor visit = {build_enter, build_leave, NULL};
	calltree_walk(&t, CALLTREE_BY_WEIGHT, &visit, &b);
	free(b.open);
	if (!t.negative)
		fl->weight = fl->value;
	/* The names outlive the index the engine may drop. */
	fl->nnames = t.nnames;
	fl->names = xmalloc(((size_t)t.nnames + 1) * sizeof *fl->names);
	for (uint32_t k = 0; k < t.nnames; k++)
		fl->names[k] = xstrdup(t.names[k]);
	calltree_free(&t);
	fl->total = r.total;
	int64_t min = 0;
	for (size_t v = 0; v < fl->n; v++) {
		int64_t a = abs64(fl->value[v]);
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

const char *report_flame_name(const report_flame *fl, uint32_t v)
{
	uint32_t f = fl->frame[v];
	return f == REPORT_FLAME_NONE ? "root" : fl->names[f];
}

/* The child of u whose subtree holds v (v inside u's, not u). */
static uint32_t child_toward(const report_flame *fl, uint32_t u, uint32_t v)
{
	uint32_t c = u + 1;
	while (fl->end[c] <= v)
		c = fl->end[c];
	return c;
}

uint32_t report_flame_parent(const report_flame *fl, uint32_t v)
{
	if (v == 0 || v >= fl->n)
		return REPORT_FLAME_NONE;
	uint32_t u = 0;
	for (uint32_t c = child_toward(fl, u, v); c != v; c = child_toward(fl, u, v))
		u = c;
	return u;
}

uint32_t report_flame_depth(const report_flame *fl, uint32_t v)
{
	uint32_t d = 0;
	for (uint32_t u = 0; u != v && v < fl->n; u = child_toward(fl, u, v))
		d++;
	return d;
}

uint32_t report_flame_frame_named(const report_flame *fl, const char *name)
{
	uint32_t lo = 0, hi = fl->nnames;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(fl->names[mid], name);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return REPORT_FLAME_NONE;
}

void report_flame_free(report_flame *fl)
{
	for (uint32_t i = 0; i < fl->nnames; i++)
		free(fl->names[i]);
	free(fl->names);
	if (fl->weight != fl->value)
		free(fl->weight);
	free(fl->frame);
	free(fl->end);
	free(fl->value);
	memset(fl, 0, sizeof *fl);
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
