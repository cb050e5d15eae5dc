/*
 * browser_data: every computation the browser asks for, in one place. Each
 * runs a report data function of src/report/views.h through the engine
 * with the current options, as the shell does, and keeps the result until
 * the options (b->gen) or its subject change. Tops are also kept by their
 * options (top_key's words) after they are left, with the other order's
 * and those the worker computed ahead (browser_spec), so that undo, reset,
 * c and the keys the worker guessed find theirs; the flame keeps the tree
 * before. Notes the filters print (pprof's warnings) are dropped: the
 * screen shows errors instead.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ui/browser_int.h"
#include "util/strbuf.h"

/* A stream for pprof's notes that nobody reads. */
static FILE *quiet(void)
{
	static FILE *null;
	if (!null)
		null = fopen("/dev/null", "w");
	return null;
}

static bool same_name(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static void set_name(char **dst, const char *name)
{
	free(*dst);
	*dst = name ? strdup(name) : NULL;
}

/* The options a top depends on, in words: equal words, equal tops. */
char *top_key(const report_opts *o)
{
	sbuf sb = {0};
	char num[128];
	const char *strs[] = {o->sample_index, o->unit, o->filters.focus, o->filters.ignore, o->filters.hide,
	                      o->filters.show, o->filters.show_from, o->filters.prune_from, o->filters.tagfocus,
	                      o->filters.tagignore, o->filters.tagshow, o->filters.taghide, o->tagroot, o->tagleaf};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
		const char *v = strs[i] ? strs[i] : "";
		snprintf(num, sizeof num, "%zu:", strlen(v));
		sb_add(&sb, num);
		sb_add(&sb, v);
	}
	snprintf(num, sizeof num, "|%d %d %d %d %d %d %d %d %d %d %d %a %a %a", o->mean, o->node_count, o->cum_sort,
	         o->drop_negative, o->noinlines, o->showcolumns, (int)o->granularity, o->trim,
	         o->relative_percentages, o->compact_labels, o->call_tree, o->node_fraction, o->edge_fraction,
	         o->divide_by);
	sb_add(&sb, num);
	return sb.s;
}

static void top_entry_free(top_entry *t)
{
	free(t->key);
	report_top_free(&t->top);
	memset(t, 0, sizeof *t);
}

static size_t top_bytes(const report_top *t)
{
	size_t n = sizeof *t + t->nrows * sizeof *t->rows;
	for (size_t i = 0; i < t->nrows; i++)
		n += strlen(t->rows[i].name) + 1;
	for (size_t i = 0; i < t->nlabels; i++)
		n += strlen(t->labels[i]) + 1;
	return n;
}

/* Puts t first; the oldest go while the cache holds too many or too much. */
static void top_cache_put(bdata *d, top_entry *t)
{
	t->bytes = top_bytes(&t->top);
	while (d->ntops > 0 && (d->ntops == TOP_CACHE || d->tops_bytes + t->bytes > TOP_CACHE_BYTES)) {
		d->ntops--;
		d->tops_bytes -= d->tops[d->ntops].bytes;
		top_entry_free(&d->tops[d->ntops]);
	}
	memmove(d->tops + 1, d->tops, d->ntops * sizeof *d->tops);
	d->tops[0] = *t;
	d->ntops++;
	d->tops_bytes += t->bytes;
}

/* The index in the cache of the top for key, or -1. */
static int top_cache_index(const bdata *d, const char *key)
{
	for (size_t i = 0; i < d->ntops; i++)
		if (strcmp(d->tops[i].key, key) == 0)
			return (int)i;
	return -1;
}

/* Whether the top for key is the one shown or cached. */
static bool top_known(const bdata *d, const char *key)
{
	return (d->cur.key && strcmp(d->cur.key, key) == 0) || top_cache_index(d, key) >= 0;
}

/* t in the cache unless the top for its key is known already. */
static void top_keep(bdata *d, top_entry *t)
{
	if (top_known(d, t->key))
		top_entry_free(t);
	else
		top_cache_put(d, t);
}

/* t becomes the top shown; the one shown before goes to the cache. */
static void top_show(bdata *d, const top_entry *t)
{
	if (d->cur.key)
		top_cache_put(d, &d->cur);
	d->cur = *t;
}

/* Computes the top for b->o, shown, with the other order's into the cache when it comes free. */
static void top_compute(browser *b, char *key)
{
	bdata *d = &b->d;
	top_entry t = {.key = key}, other = {0};
	prof_err err = {0};
	bool have_other = false;
	t.ok = report_top_orders(b->eng, &b->o, quiet(), &t.top, &other.top, &have_other, &err);
	snprintf(t.err, sizeof t.err, "%s", t.ok ? "" : err.msg);
	top_show(d, &t);
	if (have_other) {
		report_opts o = b->o;
		o.cum_sort = !o.cum_sort;
		other.key = top_key(&o);
		other.ok = true;
		top_keep(d, &other);
	} else {
		report_top_free(&other.top);
	}
}

/* The worker's finished tops into the cache (those known are dropped). */
static void top_cache_drain(browser *b)
{
	top_entry t;
	while (spec_take(b->spec, &t))
		top_keep(&b->d, &t);
}

/* Shows the cached top for key; false when there is none. */
static bool top_from_cache(bdata *d, const char *key)
{
	int i = top_cache_index(d, key);
	if (i < 0)
		return false;
	top_entry t = d->tops[i];
	memmove(d->tops + i, d->tops + i + 1, (d->ntops - (size_t)i - 1) * sizeof *d->tops);
	d->ntops--;
	d->tops_bytes -= t.bytes;
	top_show(d, &t);
	return true;
}

bool data_top(browser *b)
{
	bdata *d = &b->d;
	if (d->gen_top == b->gen)
		return d->top_ok;
	char *key = top_key(&b->o);
	if (d->cur.key && strcmp(d->cur.key, key) == 0) {
		free(key);
	} else {
		top_cache_drain(b);
		bool cached = top_from_cache(d, key);
		if (!cached) {
			/* Being computed ahead: its end is nearer than a start here. */
			spec_wait(b->spec, key);
			top_cache_drain(b);
			cached = top_from_cache(d, key);
		}
		if (cached)
			free(key);
		else
			top_compute(b, key);
	}
	d->top = d->cur.top;
	d->top_ok = d->cur.ok;
	snprintf(d->err[V_TOP], sizeof d->err[V_TOP], "%s", d->cur.err);
	d->gen_top = b->gen;
	return d->top_ok;
}

bool data_neighbors(browser *b)
{
	bdata *d = &b->d;
	if (d->gen_nb == b->gen && same_name(d->nb_name, b->sel))
		return d->nb.found;
	report_neighbors_free(&d->nb);
	set_name(&d->nb_name, b->sel);
	d->gen_nb = b->gen;
	if (!b->sel) {
		snprintf(d->err[V_PEERS], sizeof d->err[V_PEERS], "nothing selected: pick a row in top first");
		return false;
	}
	prof_err err = {0};
	bool ok = report_neighbors_data(b->eng, &b->o, b->sel, quiet(), &d->nb, &err);
	snprintf(d->err[V_PEERS], sizeof d->err[V_PEERS], "%s",
	         !ok ? err.msg : d->nb.found ? "" : "the selection is not in the refined profile");
	return ok && d->nb.found;
}

/* What a flame tree's nodes take. */
static size_t flame_bytes(const report_flame *fl)
{
	size_t per = sizeof *fl->frame + sizeof *fl->end + sizeof *fl->value;
	if (fl->weight != fl->value)
		per += sizeof *fl->weight;
	return fl->n * per;
}

/* Whether the flame tree of slot (key, inverted) is the one the browser wants now. */
static bool flame_is(const char *key, bool inverted, const browser *b, const char *want)
{
	return key && inverted == b->inverted && strcmp(key, want) == 0;
}

bool data_flame(browser *b)
{
	bdata *d = &b->d;
	if (d->gen_fl == b->gen && d->fl_inverted == b->inverted)
		return d->fl_ok;
	char *key = top_key(&b->o);
	bool was = flame_is(d->fl_key, d->fl_inverted, b, key);
	if (!was && flame_is(d->fl_prev_key, d->fl_prev_inverted, b, key)) {
		/* The tree before: the two change places. */
		report_flame t = d->fl;
		d->fl = d->fl_prev;
		d->fl_prev = t;
		char *k = d->fl_key;
		d->fl_key = d->fl_prev_key;
		d->fl_prev_key = k;
		bool inv = d->fl_inverted, ok = d->fl_ok;
		d->fl_inverted = d->fl_prev_inverted;
		d->fl_ok = d->fl_prev_ok;
		d->fl_prev_inverted = inv;
		d->fl_prev_ok = ok;
		char err[512];
		memcpy(err, d->err[V_FLAME], sizeof err);
		memcpy(d->err[V_FLAME], d->fl_prev_err, sizeof err);
		memcpy(d->fl_prev_err, err, sizeof err);
		was = true;
	}
	if (was) {
		free(key);
	} else {
		/* The current tree becomes the one before (unless it is big), the one before goes. */
		report_flame_free(&d->fl_prev);
		free(d->fl_prev_key);
		d->fl_prev = d->fl;
		d->fl_prev_key = d->fl_key;
		d->fl_prev_inverted = d->fl_inverted;
		d->fl_prev_ok = d->fl_ok;
		memcpy(d->fl_prev_err, d->err[V_FLAME], sizeof d->fl_prev_err);
		if (flame_bytes(&d->fl_prev) > FLAME_KEEP_BYTES) {
			report_flame_free(&d->fl_prev);
			free(d->fl_prev_key);
			d->fl_prev_key = NULL;
		}
		prof_err err = {0};
		d->fl_ok = report_flame_data(b->eng, &b->o, b->inverted, quiet(), &d->fl, &err);
		snprintf(d->err[V_FLAME], sizeof d->err[V_FLAME], "%s", d->fl_ok ? "" : err.msg);
		d->fl_key = key;
		d->fl_inverted = b->inverted;
	}
	d->gen_fl = b->gen;
	b->fsel = b->fzoom = 0;
	b->flame_sel_sync = true;
	return d->fl_ok;
}

bool data_stale(browser *b, bview v)
{
	bdata *d = &b->d;
	if (d->gen_top != b->gen) {
		char *key = top_key(&b->o);
		bool cached = top_known(d, key);
		free(key);
		if (!cached)
			return true;
	}
	switch (v) {
	case V_FLAME: {
		if (d->gen_fl == b->gen && d->fl_inverted == b->inverted)
			return false;
		char *key = top_key(&b->o);
		bool cached = flame_is(d->fl_key, d->fl_inverted, b, key) ||
		              flame_is(d->fl_prev_key, d->fl_prev_inverted, b, key);
		free(key);
		return !cached;
	}
	case V_PEERS: return d->gen_nb != b->gen || !same_name(d->nb_name, b->sel);
	case V_SOURCE: return d->gen_lines[v] != b->gen || !same_name(d->lines_name[v], b->sel);
	case V_TRACES: case V_TAGS: case V_GOROUTINES: return d->gen_lines[v] != b->gen;
	default: return false;
	}
}

/* The report behind a text view, and its argument. */
static const char *lines_report(const browser *b, bview v, char *arg, size_t n)
{
	switch (v) {
	case V_SOURCE:
		regex_quote(b->sel ? b->sel : "", arg, n);
		return "list";
	case V_TRACES: return "traces";
	case V_TAGS: return "tags";
	case V_GOROUTINES: return "goroutines";
	default: return NULL;
	}
}

bool data_lines(browser *b, bview v)
{
	bdata *d = &b->d;
	bool by_name = v == V_SOURCE;
	if (d->gen_lines[v] == b->gen && (!by_name || same_name(d->lines_name[v], b->sel)))
		return d->err[v][0] == '\0';
	report_lines_free(&d->lines[v]);
	set_name(&d->lines_name[v], b->sel);
	d->gen_lines[v] = b->gen;
	if (by_name && !b->sel) {
		snprintf(d->err[v], sizeof d->err[v], "nothing selected: pick a row in top first");
		return false;
	}
	char arg[2048];
	const char *report = lines_report(b, v, arg, sizeof arg);
	report_opts o = b->o;
	o.color = false;
	prof_err err = {0};
	bool ok = report_lines_data(b->eng, report, by_name ? arg : NULL, &o, quiet(), &d->lines[v], &err);
	snprintf(d->err[v], sizeof d->err[v], "%s", ok ? "" : err.msg);
	return ok;
}

bool data_match(browser *b)
{
	bdata *d = &b->d;
	if (!b->rx_ok)
		return false;
	if (d->gen_match == b->gen)
		return d->match_ok;
	prof_err err = {0};
	d->match_ok =
		report_match_data(b->eng, &b->o, b->search, quiet(), &d->match, &d->match_total, &d->match_nodes, &err);
	d->gen_match = b->gen;
	return d->match_ok;
}

/* The base's own top with the same refinements: the "before" of before -> after. */
bool data_base(browser *b)
{
	bdata *d = &b->d;
	if (!b->in->base)
		return false;
	if (d->gen_base == b->gen)
		return d->base_ok;
	report_top_free(&d->base_top);
	prof_err err = {0};
	report_opts o = b->o;
	o.node_count = 0;
	o.trim = false;
	d->base_ok = engine_top(b->base_eng, &o, quiet(), &d->base_top, &err);
	d->gen_base = b->gen;
	return d->base_ok;
}

/* One top the worker may compute: the options of refine_push(key, value), unless cached. */
typedef struct plan {
	report_opts o[12];
	char *owned[12][16];
	char values[4][2048];
	size_t n;
} plan;

static void plan_add(browser *b, plan *pl, const char *key, const char *value)
{
	if (pl->n == sizeof pl->o / sizeof pl->o[0])
		return;
	refine_preview(b, key, value, &pl->o[pl->n], pl->owned[pl->n]);
	char *k = top_key(&pl->o[pl->n]);
	bool cached = top_known(&b->d, k);
	free(k);
	if (cached) {
		for (size_t i = 0; i < 16; i++)
			free(pl->owned[pl->n][i]);
		return;
	}
	pl->n++;
}

void data_plan(browser *b)
{
	if (!b->spec || (b->spec_gen == b->gen && same_name(b->spec_sel, b->sel)))
		return;
	b->spec_gen = b->gen;
	set_name(&b->spec_sel, b->sel);
	top_cache_drain(b);
	const prof_profile *p = b->in->p;
	prof_err err = {0};
	int si = prof_sample_index(p, b->o.sample_index, &err);
	size_t nt = si < 0 ? 0 : p->nsample_type;
	plan *pl = xcalloc(1, sizeof *pl);
	/* One key away: s, a, then F, I, H and S on the selection; then s twice, three times. */
	if (nt > 1)
		plan_add(b, pl, "sample_index", prof_str(p, p->sample_types[((size_t)si + 1) % nt].type));
	plan_add(b, pl, "granularity", refine_next_granularity(b));
	static const char *const on_sel[] = {"focus", "ignore", "hide", "show"};
	for (size_t i = 0; b->sel && i < 4; i++) {
		regex_quote(b->sel, pl->values[i], sizeof pl->values[i]);
		plan_add(b, pl, on_sel[i], pl->values[i]);
	}
	for (size_t k = 2; k < nt; k++)
		plan_add(b, pl, "sample_index", prof_str(p, p->sample_types[((size_t)si + k) % nt].type));
	const report_opts *want[12];
	for (size_t i = 0; i < pl->n; i++)
		want[i] = &pl->o[i];
	spec_plan(b->spec, want, pl->n);
	for (size_t i = 0; i < pl->n; i++)
		for (size_t k = 0; k < 16; k++)
			free(pl->owned[i][k]);
	free(pl);
}

void data_free(bdata *d)
{
	top_entry_free(&d->cur);
	for (size_t i = 0; i < d->ntops; i++)
		top_entry_free(&d->tops[i]);
	report_top_free(&d->base_top);
	report_neighbors_free(&d->nb);
	report_flame_free(&d->fl);
	report_flame_free(&d->fl_prev);
	free(d->fl_key);
	free(d->fl_prev_key);
	free(d->nb_name);
	for (int v = 0; v < V_COUNT; v++) {
		report_lines_free(&d->lines[v]);
		free(d->lines_name[v]);
	}
}
