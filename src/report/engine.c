/* engine: see engine.h. */
#include "report/engine.h"

#include <stdlib.h>
#include <string.h>

#include "report/commands.h"
#include "report/internal.h"
#include "xform/filter.h"

enum { NGRAN = GRAN_ADDRESSES + 1 };

/* Per sample of the loaded profile: what tagfocus and tagignore say (PROF_TAG_*). */
typedef struct tag_cache {
	bool valid;
	char *focus, *ignore;
	uint8_t *bits;
} tag_cache;

/*
 * Per unique stack of the loaded profile, over the samples the tag filters
 * keep: the value shown, the mean's divisor, and the sums of |value| that
 * pprof's totals take (all samples, and the base's alone after -diff_base).
 */
typedef struct stack_weights {
	bool valid, mean;
	int si;
	char *focus, *ignore;
	int64_t *w, *dw, *aw, *bw, *bdw; /* bw, bdw: NULL without base samples */
	uint8_t *any;
} stack_weights;

enum { NKEYS = 6 };

/* The view's stacks after the name filters (focus, ignore, hide, show, show_from, prune_from). */
typedef struct filtered_view {
	bool valid;
	char *key[NKEYS];
	prof_sample *samples; /* one per surviving unique stack of orig: label_off is its id there */
	size_t nsample;
	prof_stack *stacks;
	prof_locstore stack_locs;
	size_t nstack, nstack_loc;
	bool stacks_borrowed; /* orig's (no name filter changed them) */
	bool own_locations;   /* lines edited (hide, show, show_from, prune_from) */
	prof_location *locations;
	prof_line *lines;
	graph_index *ix[NGRAN][2][2]; /* over these locations, when they are its own */
	uint8_t *hidden;              /* per location: emptied by hide or show, so no nodes */
	char *notes;                  /* the filters' notes, written again with each report */
} filtered_view;

struct prof_engine {
	prof_profile *orig;
	bool consume;
	/*
	 * The profile reports see: orig's arrays, or this command's filtered
	 * ones, and a string table of its own (reports intern names, and the
	 * loaded profile must not change).
	 */
	prof_profile view;
	tag_cache tags;
	stack_weights sw;
	int64_t *totals; /* per (sample index, mean) */
	uint8_t *have_total;
	graph_index *ix[NGRAN][2][2]; /* over orig's locations */
	prof_strid base_key, base_true;
	bool has_base;
	filtered_view fv;
	prof_profile *scratch; /* engine_prepare's copy, for a report off the stack path */
};

static bool same_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "") == 0;
}

static bool is_set(const char *s)
{
	return s && *s;
}

/*
 * What an empty array of the loaded profile (NULL there) is in the view:
 * reports take offsets into the arrays they read, which into NULL is
 * undefined even when zero; copies made by dup_array are never NULL either.
 */
static union {
	prof_label label;
	prof_location location;
	prof_line line;
	prof_mapping mapping;
	prof_function function;
	prof_stack stack;
	prof_sample sample;
	int64_t value;
	uint32_t id;
} no_items[1];

#define NOT_NULL(a) \
	do { \
		if (!(a)) \
			(a) = (void *)no_items; \
	} while (0)

/* The view over orig's arrays again, keeping the view's strings. */
static void view_reset(prof_engine *e)
{
	prof_strtab strs = e->view.strs;
	arena mem = e->view.mem;
	e->view = *e->orig;
	e->view.strs = strs;
	e->view.mem = mem;
	e->view.stacks_borrowed = true;
	e->view.stacks_may_repeat = true;
	prof_profile *v = &e->view;
	NOT_NULL(v->labels);
	NOT_NULL(v->samples);
	if (!v->vals.wide)
		NOT_NULL(v->vals.narrow);
	NOT_NULL(v->stacks);
	NOT_NULL(v->locations);
	NOT_NULL(v->lines);
	NOT_NULL(v->mappings);
	NOT_NULL(v->functions);
}

prof_engine *engine_new(prof_profile *p, bool consume)
{
	prof_engine *e = xcalloc(1, sizeof *e);
	e->orig = p;
	e->consume = consume;
	/* A consumed profile is filtered in place: no view, no caches. */
	if (consume)
		return e;
	/* The string table is copied in order, so every id stays the same. */
	prof_profile *strs = prof_profile_new();
	for (size_t i = 1; i < p->strs.n; i++)
		prof_intern(strs, p->strs.str[i], p->strs.len[i]);
	e->view.strs = strs->strs;
	e->view.mem = strs->mem;
	free(strs);
	view_reset(e);
	size_t n = p->strs.n;
	e->base_key = prof_intern(&e->view, "pprof::base", 11);
	e->base_true = prof_intern(&e->view, "true", 4);
	e->has_base = e->base_key < n && e->base_true < n;
	e->totals = xcalloc(2 * p->nsample_type + 1, sizeof *e->totals);
	e->have_total = xcalloc(2 * p->nsample_type + 1, 1);
	return e;
}

static void filtered_clear(filtered_view *fv);

static void weights_clear(stack_weights *sw)
{
	free(sw->focus);
	free(sw->ignore);
	free(sw->w);
	free(sw->dw);
	free(sw->aw);
	free(sw->bw);
	free(sw->bdw);
	free(sw->any);
	memset(sw, 0, sizeof *sw);
}

static void tags_clear(tag_cache *t)
{
	free(t->focus);
	free(t->ignore);
	free(t->bits);
	memset(t, 0, sizeof *t);
}

void engine_free(prof_engine *e)
{
	if (!e)
		return;
	if (e->consume) {
		free(e);
		return;
	}
	prof_profile_free(e->scratch);
	tags_clear(&e->tags);
	weights_clear(&e->sw);
	filtered_clear(&e->fv);
	free(e->totals);
	free(e->have_total);
	for (int g = 0; g < NGRAN; g++)
		for (int i = 0; i < 2; i++)
			for (int c = 0; c < 2; c++)
				graph_index_free(e->ix[g][i][c]);
	free(e->view.strs.str);
	free(e->view.strs.len);
	free(e->view.strs.shown);
	hashtab_free(&e->view.strs.index);
	arena_free(&e->view.mem);
	free(e);
}

/* pprof's total before filters, once per value choice. */
static int64_t total_of(prof_engine *e, int si, bool mean)
{
	size_t k = (size_t)si * 2 + mean;
	if (!e->have_total[k]) {
		view_reset(e);
		e->totals[k] = report_profile_total(&e->view, si, mean);
		e->have_total[k] = 1;
	}
	return e->totals[k];
}

/* The tag verdicts for f's tagfocus and tagignore; NULL when neither is set. */
static const uint8_t *tag_bits(prof_engine *e, const prof_filters *f)
{
	if (!is_set(f->tagfocus) && !is_set(f->tagignore))
		return NULL;
	tag_cache *t = &e->tags;
	if (t->valid && same_str(t->focus, f->tagfocus) && same_str(t->ignore, f->tagignore))
		return t->bits;
	tags_clear(t);
	view_reset(e);
	t->bits = xmalloc(e->orig->nsample + 1);
	prof_tag_bits(&e->view, f, t->bits);
	t->focus = xstrdup(f->tagfocus);
	t->ignore = xstrdup(f->tagignore);
	t->valid = true;
	return t->bits;
}

static bool is_base_sample(const prof_engine *e, const prof_sample *s)
{
	const prof_label *ls = e->orig->labels + s->label_off;
	for (uint32_t i = 0; i < s->nlabel; i++)
		if (ls[i].key == e->base_key && ls[i].str == e->base_true)
			return true;
	return false;
}

/* Sums the kept samples' values per stack: the one pass over samples a value or tag change costs. */
static void weights_fill(prof_engine *e, stack_weights *sw, const uint8_t *bits)
{
	const prof_profile *p = e->orig;
	size_t n = p->nstack + 1;
	sw->w = xcalloc(n, sizeof *sw->w);
	sw->dw = xcalloc(n, sizeof *sw->dw);
	sw->aw = xcalloc(n, sizeof *sw->aw);
	sw->any = xcalloc(n, 1);
	if (e->has_base) {
		sw->bw = xcalloc(n, sizeof *sw->bw);
		sw->bdw = xcalloc(n, sizeof *sw->bdw);
	}
	for (size_t s = 0; s < p->nsample; s++) {
		if (bits && bits[s] != PROF_TAG_FOCUSED)
			continue;
		int64_t w = prof_value(p, s, (size_t)sw->si), dw = sw->mean ? prof_value(p, s, 0) : 0;
		uint32_t st = p->samples[s].stack;
		sw->w[st] += w;
		sw->dw[st] += dw;
		sw->aw[st] += abs64(w);
		if (w || dw)
			sw->any[st] = 1;
		if (sw->bw && is_base_sample(e, &p->samples[s])) {
			sw->bw[st] += abs64(w);
			sw->bdw[st] += dw;
		}
	}
}

static const stack_weights *weights_of(prof_engine *e, int si, bool mean, const prof_filters *f)
{
	stack_weights *sw = &e->sw;
	if (sw->valid && sw->si == si && sw->mean == mean && same_str(sw->focus, f->tagfocus) &&
	    same_str(sw->ignore, f->tagignore))
		return sw;
	const uint8_t *bits = tag_bits(e, f);
	weights_clear(sw);
	sw->si = si;
	sw->mean = mean;
	sw->focus = xstrdup(f->tagfocus);
	sw->ignore = xstrdup(f->tagignore);
	weights_fill(e, sw, bits);
	sw->valid = true;
	return sw;
}

/* Filters that edit locations' lines: the view then needs its own locations and lines. */
static bool edits_locations(const prof_filters *f)
{
	return is_set(f->hide) || is_set(f->show) || is_set(f->show_from) || is_set(f->prune_from);
}

/* The name filters' keys: what a filtered view depends on. */

static void name_keys(const prof_filters *f, const char *k[NKEYS])
{
	k[0] = f->focus;
	k[1] = f->ignore;
	k[2] = f->hide;
	k[3] = f->show;
	k[4] = f->show_from;
	k[5] = f->prune_from;
}

static void filtered_clear(filtered_view *fv)
{
	for (int i = 0; i < NKEYS; i++)
		free(fv->key[i]);
	free(fv->samples);
	if (!fv->stacks_borrowed) {
		free(fv->stacks);
		free(fv->stack_locs.narrow);
		free(fv->stack_locs.wide);
	}
	if (fv->own_locations) {
		free(fv->locations);
		free(fv->lines);
		for (int g = 0; g < NGRAN; g++)
			for (int n = 0; n < 2; n++)
				for (int c = 0; c < 2; c++)
					graph_index_free(fv->ix[g][n][c]);
	}
	free(fv->notes);
	free(fv->hidden);
	memset(fv, 0, sizeof *fv);
}

/*
 * Filters the view's stacks by name and keeps the result. The view gets
 * one sample per unique stack of orig, its stack id also in label_off,
 * which the filters carry along unchanged when they renumber and drop
 * stacks; no values and no labels: the weights stand for them. The
 * filters' notes are kept to be written again with the result.
 */
static bool filtered_build(prof_engine *e, const prof_filters *f, prof_err *err)
{
	filtered_view *fv = &e->fv;
	filtered_clear(fv);
	view_reset(e);
	prof_profile *v = &e->view;
	size_t n = e->orig->nstack;
	v->samples = xmalloc((n + 1) * sizeof *v->samples);
	for (size_t i = 0; i < n; i++)
		v->samples[i] = (prof_sample){.stack = (uint32_t)i, .label_off = (uint32_t)i};
	v->nsample = n;
	v->vals = (prof_valstore){0};
	v->labels = NULL;
	v->nlabel = 0;
	fv->own_locations = edits_locations(f);
	if (fv->own_locations) {
		v->locations = xdup_array(v->locations, v->nlocation, sizeof *v->locations);
		v->lines = xdup_array(v->lines, v->nline, sizeof *v->lines);
	}
	prof_filters names = {0};
	names.focus = f->focus;
	names.ignore = f->ignore;
	names.hide = f->hide;
	names.show = f->show;
	names.show_from = f->show_from;
	names.prune_from = f->prune_from;
	size_t len = 0;
	FILE *notes = open_memstream(&fv->notes, &len);
	if (!notes)
		prof_oom();
	/* hide and show leave the locations they empty in place: no stack is rewritten for them. */
	bool ok = prof_apply_filters_hiding(v, &names, notes, err, &fv->hidden);
	fclose(notes);
	fv->samples = v->samples;
	fv->nsample = v->nsample;
	fv->stacks = v->stacks;
	fv->stack_locs = v->stack_locs;
	fv->nstack = v->nstack;
	fv->nstack_loc = v->nstack_loc;
	fv->stacks_borrowed = v->stacks_borrowed;
	fv->locations = v->locations;
	fv->lines = v->lines;
	const char *k[NKEYS];
	name_keys(f, k);
	for (int i = 0; i < NKEYS; i++)
		fv->key[i] = xstrdup(k[i]);
	fv->valid = ok;
	return ok;
}

/* The view, its stacks filtered by name: kept while those filters stay. */
static bool view_filtered(prof_engine *e, const prof_filters *f, FILE *warn, prof_err *err)
{
	filtered_view *fv = &e->fv;
	const char *k[NKEYS];
	name_keys(f, k);
	bool hit = fv->valid;
	for (int i = 0; i < NKEYS && hit; i++)
		hit = same_str(fv->key[i], k[i]);
	if (!hit && !filtered_build(e, f, err)) {
		filtered_clear(fv);
		view_reset(e);
		return false;
	}
	if (warn)
		fputs(fv->notes, warn);
	prof_profile *v = &e->view;
	v->samples = fv->samples;
	v->nsample = fv->nsample;
	v->vals = (prof_valstore){0};
	v->labels = NULL;
	v->nlabel = 0;
	v->stacks = fv->stacks;
	v->stack_locs = fv->stack_locs;
	v->nstack = fv->nstack;
	v->nstack_loc = fv->nstack_loc;
	v->stacks_borrowed = true; /* the cache's, or orig's */
	v->locations = fv->locations;
	v->lines = fv->lines;
	return true;
}

/*
 * The tag filters' notes, as prof_apply_filters writes them after the name
 * filters: whether anything matched among the samples whose stack survived.
 */
static void tag_notes(prof_engine *e, const prof_filters *f, const uint8_t *bits, FILE *warn)
{
	if (!is_set(f->tagfocus) && !is_set(f->tagignore) && !is_set(f->tagshow) && !is_set(f->taghide))
		return;
	const prof_profile *p = e->orig, *v = &e->view;
	uint8_t *alive = xcalloc(p->nsample + 1, 1), *survived = xcalloc(p->nstack + 1, 1);
	for (size_t j = 0; j < v->nsample; j++)
		survived[v->samples[j].label_off] = 1;
	bool tfm = false, tim = false, tns = false, tnh = false;
	for (size_t s = 0; s < p->nsample; s++) {
		if (!survived[p->samples[s].stack])
			continue;
		uint8_t b = bits ? bits[s] : PROF_TAG_FOCUSED;
		tfm = tfm || (b & PROF_TAG_FOCUSED);
		tim = tim || (b & PROF_TAG_IGNORED);
		alive[s] = b == PROF_TAG_FOCUSED;
	}
	if (is_set(f->tagshow) || is_set(f->taghide))
		prof_label_key_matches(p, f, alive, &tns, &tnh);
	prof_tag_warnings(warn, f, tfm, tim, tns, tnh);
	free(alive);
	free(survived);
}

/* The weights of the view's stacks, from the surviving samples' original stacks; and the filtered total. */
static void view_weights(prof_engine *e, const stack_weights *sw, graph_weights *gw, int64_t *rel_total)
{
	const prof_profile *v = &e->view;
	size_t n = v->nstack + 1;
	gw->w = xcalloc(n, sizeof *gw->w);
	gw->dw = sw->mean ? xcalloc(n, sizeof *gw->dw) : NULL; /* graph_weights: no divisors without -mean */
	gw->any = xcalloc(n, 1);
	gw->negative = false;
	int64_t total = 0, div = 0, btotal = 0, bdiv = 0;
	for (size_t j = 0; j < v->nsample; j++) {
		uint32_t o = v->samples[j].label_off, st = v->samples[j].stack;
		gw->w[st] += sw->w[o];
		if (gw->dw)
			gw->dw[st] += sw->dw[o];
		gw->any[st] |= sw->any[o];
		gw->negative = gw->negative || sw->w[o] < 0;
		total += sw->aw[o];
		div += sw->dw[o];
		if (sw->bw) {
			btotal += sw->bw[o];
			bdiv += sw->bdw[o];
		}
	}
	gw->total = div ? total / div : total;
	if (btotal > 0) {
		total = btotal;
		div = bdiv;
	}
	*rel_total = div ? total / div : total;
}

/* The node index of the view's locations: orig's, or the filtered view's own. */
static graph_index *cached_index(prof_engine *e, const report_opts *o)
{
	graph_index *(*ix)[2][2] = e->fv.own_locations ? e->fv.ix : e->ix;
	graph_index **slot = &ix[o->granularity][o->noinlines][o->showcolumns];
	if (!*slot)
		*slot = graph_index_new_masked(&e->view, o->granularity, o->noinlines, o->showcolumns,
		                               e->fv.own_locations ? e->fv.hidden : NULL);
	return *slot;
}

/*
 * report_prepare's work on unique stacks: the same checks, notes and
 * numbers in the same order, with the name filters run on the view's
 * stacks and the tag filters' verdicts taken from the cache.
 */
static bool stack_prepare(prof_engine *e, rctx *r, const prof_command *cmd, const report_opts *o, FILE *warn,
                          prof_err *err)
{
	const prof_filters *f = &o->filters;
	if (!rctx_start(r, &e->view, o, err))
		return false;
	rctx_trim_setup(r, cmd, o);
	r->trim.two_edge_jobs = true;
	if (!prof_filters_compile_notes(f, warn, err))
		return false;
	if (!o->relative_percentages)
		r->total = total_of(e, r->si, o->mean);
	const stack_weights *sw = weights_of(e, r->si, o->mean, f);
	const uint8_t *bits = tag_bits(e, f);
	if (!view_filtered(e, f, warn, err))
		return false;
	tag_notes(e, f, bits, warn);
	int64_t rel_total;
	view_weights(e, sw, &r->gw, &rel_total);
	if (o->relative_percentages)
		r->total = rel_total;
	r->ix = cached_index(e, o);
	r->hidden = e->fv.own_locations ? e->fv.hidden : NULL;
	return true;
}

static void stack_release(prof_engine *e, rctx *r)
{
	graph_weights_free(&r->gw);
	view_reset(e);
}

/* Reports that read only stacks and their weights, without label frames, run on unique stacks. */
static bool on_stacks(const prof_command *cmd, const report_opts *o)
{
	if (is_set(o->tagroot) || is_set(o->tagleaf))
		return false;
	switch (cmd->report) {
	case PR_TOP:
	case PR_TREE:
	case PR_PEEK:
	case PR_LIST:
	case PR_FLAME:
	case PR_FOLDED: return true;
	default: return false;
	}
}

/* What a report on samples changes in place, and so gets as the view's own copy. */
typedef struct sample_copies {
	bool labels, locations, mappings;
} sample_copies;

static sample_copies copies_for(const prof_command *cmd, const report_opts *o)
{
	const prof_filters *f = &o->filters;
	bool noinlines = o->noinlines && (cmd->report == PR_PROTO || cmd->report == PR_RAW);
	return (sample_copies){.labels = is_set(f->tagshow) || is_set(f->taghide),
	                       .locations = edits_locations(f) || noinlines,
	                       .mappings = noinlines};
}

/*
 * A report that reads samples (traces, tags, raw, dot, images, proto,
 * goroutines) filters them in place, as the CLI does, on the view: its
 * samples and values are copies, and labels, locations and mappings too
 * when this report changes them; the stacks are rewritten into new arrays.
 * The rest (stacks, functions, labels most of the time) stays orig's.
 * Label frames add locations and functions: those reports get a whole copy.
 */
static bool run_on_samples(prof_engine *e, FILE *out, const prof_command *cmd, const char *arg,
                           const report_opts *o, FILE *warn, prof_err *err)
{
	if (is_set(o->tagroot) || is_set(o->tagleaf)) {
		prof_profile *c = prof_profile_copy(e->orig);
		bool ok = report_run(out, c, cmd->name, arg, o, warn, err);
		prof_profile_free(c);
		return ok;
	}
	view_reset(e);
	prof_profile *v = &e->view;
	/* These reports see stacks as the in-place path leaves them: equal ones merged. */
	v->stacks_may_repeat = false;
	sample_copies c = copies_for(cmd, o);
	v->samples = xdup_array(v->samples, v->nsample, sizeof *v->samples);
	v->vals = prof_values_copy(v);
	if (c.labels)
		v->labels = xdup_array(v->labels, v->nlabel, sizeof *v->labels);
	if (c.locations) {
		v->locations = xdup_array(v->locations, v->nlocation, sizeof *v->locations);
		v->lines = xdup_array(v->lines, v->nline, sizeof *v->lines);
	}
	if (c.mappings)
		v->mappings = xdup_array(v->mappings, v->nmapping, sizeof *v->mappings);
	bool ok = report_run(out, v, cmd->name, arg, o, warn, err);
	free(v->samples);
	prof_values_free(&v->vals);
	if (c.labels)
		free(v->labels);
	if (c.locations) {
		free(v->locations);
		free(v->lines);
	}
	if (c.mappings)
		free(v->mappings);
	if (!v->stacks_borrowed) {
		free(v->stacks);
		free(v->stack_locs.narrow);
		free(v->stack_locs.wide);
	}
	view_reset(e);
	return ok;
}

bool engine_run(prof_engine *e, FILE *out, const char *name, const char *arg, const report_opts *o, FILE *warn,
                prof_err *err)
{
	if (e->consume)
		return report_run_last(out, e->orig, name, arg, o, warn, err);
	const prof_command *cmd = prof_command_find(name);
	/* The greeting and comments only read; unknown names fail before reading. */
	if (!cmd || cmd->kind != CMD_REPORT || cmd->report == PR_COMMENTS) {
		view_reset(e);
		return report_run(out, &e->view, name, arg, o, warn, err);
	}
	if (!on_stacks(cmd, o))
		return run_on_samples(e, out, cmd, arg, o, warn, err);
	rctx r;
	bool ok = stack_prepare(e, &r, cmd, o, warn, err);
	if (ok)
		ok = report_dispatch(out, &r, cmd, arg, NULL);
	stack_release(e, &r);
	if (!ok && !err->set)
		prof_errf(err, "report failed");
	return ok;
}

bool engine_top(prof_engine *e, const report_opts *o, FILE *warn, report_top *top, prof_err *err)
{
	memset(top, 0, sizeof *top);
	rctx r;
	if (!engine_prepare(e, "top", o, warn, &r, err))
		return false;
	report_top_rows(&r, top);
	engine_release(e, &r);
	return true;
}

bool engine_tree(prof_engine *e, const report_opts *o, const char *peek, FILE *warn, report_tree *tree,
                 prof_err *err)
{
	memset(tree, 0, sizeof *tree);
	rctx r;
	if (!engine_prepare(e, peek ? "peek" : "tree", o, warn, &r, err))
		return false;
	bool ok = report_tree_nodes(&r, peek, NULL, tree);
	engine_release(e, &r);
	return ok;
}

bool engine_traces(prof_engine *e, const report_opts *o, FILE *warn, report_trace_fn fn, void *ctx, prof_err *err)
{
	rctx r;
	if (!engine_prepare(e, "traces", o, warn, &r, err))
		return false;
	bool ok = report_traces_each(&r, fn, ctx);
	engine_release(e, &r);
	return ok;
}

bool engine_goroutines(prof_engine *e, const report_opts *o, FILE *warn, report_goroutines *gs, prof_err *err)
{
	memset(gs, 0, sizeof *gs);
	rctx r;
	if (!engine_prepare(e, "goroutines", o, warn, &r, err))
		return false;
	bool ok = report_goroutine_groups(&r, gs);
	engine_release(e, &r);
	return ok;
}

/* On failure nothing is left to release. */
bool engine_prepare(prof_engine *e, const char *report, const report_opts *o, FILE *warn, rctx *r, prof_err *err)
{
	const prof_command *cmd = prof_command_find(report);
	if (!cmd || cmd->kind != CMD_REPORT)
		return prof_errf(err, "unknown report %s", report);
	if (e->consume)
		return report_prepare_view(r, e->orig, report, o, warn, err);
	if (!on_stacks(cmd, o)) {
		prof_profile_free(e->scratch);
		e->scratch = prof_profile_copy(e->orig);
		if (report_prepare_view(r, e->scratch, report, o, warn, err))
			return true;
		prof_profile_free(e->scratch);
		e->scratch = NULL;
		return false;
	}
	if (stack_prepare(e, r, cmd, o, warn, err))
		return true;
	stack_release(e, r);
	return false;
}

void engine_release(prof_engine *e, rctx *r)
{
	if (e->consume || e->scratch) {
		report_release_view(r);
		prof_profile_free(e->scratch);
		e->scratch = NULL;
		return;
	}
	stack_release(e, r);
}
