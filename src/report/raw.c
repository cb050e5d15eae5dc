/*
 * raw: pprof's text dump of the whole profile (its Profile.String(), printed
 * by -raw).
 *
 * pprof prints the profile as its merge leaves it: every profile it loads
 * goes through profile.Merge, which drops samples whose values are all zero,
 * numbers mappings, functions and locations 1, 2, ... in order of first use
 * (the first mapping first, then samples in order, each stack leaf first),
 * shares equal ones (pprof's keys) and sums samples with the same stack and
 * labels. raw redoes that merge on a copy of the model's tables (the
 * order), then prints the samples and locations as they stand, numbered as
 * the merge numbered them, the way Profile.String does.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/internal.h"
#include "util/hashtab.h"
#include "util/path.h"
#include "xform/filter.h"

/*
 * pprof numbers locations and mappings when it loads a profile, before it
 * prunes (drop_frames), adds label frames and filters, and it never numbers
 * them again. The order, taken from a profile before those steps, keeps that
 * numbering for report_raw_ordered on the same profile after them.
 * report_raw_rctx takes the order from the profile as it gets it.
 * (These belong in report/internal.h once report_run takes the order.)
 */


/* ---- a profile as pprof's merge sees it: plain tables, indices from 0 ---- */

typedef struct rmap {
	uint64_t start, limit, offset;
	prof_strid file, build_id;
	bool fn, fl, ln, in;
} rmap;

typedef struct rfunc {
	prof_strid name, sys, file;
	int64_t start_line;
} rfunc;

typedef struct rline {
	uint32_t fn;
	int64_t line, column;
} rline;

typedef struct rloc {
	uint64_t address;
	uint32_t map; /* PROF_NONE: no mapping */
	bool folded;
	uint32_t line_off, nline;
} rloc;

typedef struct rsample {
	size_t loc_off, lab_off; /* into stack / labels */
	uint32_t nloc, nlab;
} rsample;

typedef struct rprof {
	rmap *maps;
	rfunc *fns;
	rloc *locs;
	rline *lines;
	uint32_t *stack; /* the samples' location indices, leaf first */
	rsample *samples;
	int64_t *values; /* nsample * nt */
	prof_label *labels;
	size_t nmap, nfn, nloc, nline, nstack, nsample, nlabel;
	size_t capmap, capfn, caploc, capline, capstack, capsample, caplabel, capvalue;
} rprof;

static void rprof_free(rprof *r)
{
	free(r->maps);
	free(r->fns);
	free(r->locs);
	free(r->lines);
	free(r->stack);
	free(r->samples);
	free(r->values);
	free(r->labels);
	*r = (rprof){0};
}

/* ---- hashing ---- */

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	h *= 0xff51afd7ed558ccdull;
	return h ^ (h >> 33);
}

/* ---- the model's tables as an rprof ---- */

static void rprof_from_model(rprof *r, const prof_profile *p)
{
	size_t nt = p->nsample_type;
	*r = (rprof){0};
	/* pprof gives a profile without mappings one empty mapping, used by every location. */
	bool fake = p->nmapping == 0;
	r->nmap = fake ? 1 : p->nmapping;
	r->maps = xcalloc(r->nmap + 1, sizeof *r->maps);
	for (size_t i = 0; i < p->nmapping; i++) {
		const prof_mapping *m = &p->mappings[i];
		r->maps[i] = (rmap){.start = m->start, .limit = m->limit, .offset = m->offset, .file = m->file,
		                    .build_id = m->build_id, .fn = m->has_functions, .fl = m->has_filenames,
		                    .ln = m->has_line_numbers, .in = m->has_inline_frames};
	}
	r->nfn = p->nfunction;
	r->fns = xcalloc(r->nfn + 1, sizeof *r->fns);
	for (size_t i = 0; i < p->nfunction; i++) {
		const prof_function *f = &p->functions[i];
		r->fns[i] = (rfunc){.name = f->name, .sys = f->system_name, .file = f->filename,
		                    .start_line = f->start_line};
	}
	r->nloc = p->nlocation;
	r->locs = xcalloc(r->nloc + 1, sizeof *r->locs);
	r->nline = p->nline;
	r->lines = xcalloc(r->nline + 1, sizeof *r->lines);
	for (size_t i = 0; i < p->nline; i++)
		r->lines[i] = (rline){.fn = p->lines[i].function, .line = p->lines[i].line, .column = p->lines[i].column};
	for (size_t i = 0; i < p->nlocation; i++) {
		const prof_location *l = &p->locations[i];
		r->locs[i] = (rloc){.address = l->address, .map = fake ? 0 : l->mapping, .folded = l->is_folded,
		                    .line_off = l->line_off, .nline = l->nline};
	}
	r->nsample = p->nsample;
	r->samples = xcalloc(r->nsample + 1, sizeof *r->samples);
	r->values = xmalloc((r->nsample * nt + 1) * sizeof *r->values);
	if (r->nsample)
		memcpy(r->values, p->values, r->nsample * nt * sizeof *r->values);
	size_t nstack = 0, nlabel = 0;
	for (size_t i = 0; i < p->nsample; i++) {
		nstack += p->stacks[p->samples[i].stack].len;
		nlabel += p->samples[i].nlabel;
	}
	r->stack = xmalloc((nstack + 1) * sizeof *r->stack);
	r->labels = xmalloc((nlabel + 1) * sizeof *r->labels);
	for (size_t i = 0; i < p->nsample; i++) {
		const prof_sample *s = &p->samples[i];
		const prof_stack *st = &p->stacks[s->stack];
		rsample *rs = &r->samples[i];
		rs->loc_off = r->nstack;
		rs->nloc = st->len;
		if (st->len) /* an empty stack may have no locations array at all */
			memcpy(r->stack + r->nstack, p->stack_locs + st->off, st->len * sizeof *r->stack);
		r->nstack += st->len;
		rs->lab_off = r->nlabel;
		/* Only string and numeric labels exist for pprof; others are dropped when decoding. */
		for (uint32_t k = 0; k < s->nlabel; k++) {
			const prof_label *l = &p->labels[s->label_off + k];
			if (l->str || prof_label_is_num(l))
				r->labels[r->nlabel++] = *l;
		}
		rs->nlab = (uint32_t)(r->nlabel - rs->lab_off);
	}
}

/* ---- pprof's merge ---- */

typedef struct merger {
	const rprof *src;
	rprof *dst;
	size_t nt;
	uint32_t *map_memo; /* src mapping -> dst mapping + 1 */
	int64_t *map_delta; /* address offset from src to dst mapping */
	uint32_t *fn_memo, *loc_memo;
	uint32_t *loc_src; /* per dst location: the src location that made it */
	size_t caplocsrc;
	hashtab maps, fns, locs, samples; /* over dst's tables */
	uint32_t *ids;
	prof_label *labs;
	size_t capids, caplabs;
} merger;

static uint64_t map_size(const rmap *m)
{
	uint64_t size = m->limit - m->start;
	size = size + 0x1000 - 1;
	return size - size % 0x1000;
}

typedef struct map_key {
	const rprof *d;
	const rmap *s;
	uint64_t size;
	prof_strid id;
} map_key;

static bool map_eq(const void *ctx, uint32_t c)
{
	const map_key *k = ctx;
	const rmap *m = &k->d->maps[c];
	return map_size(m) == k->size && m->offset == k->s->offset && (m->build_id ? m->build_id : m->file) == k->id;
}

static uint32_t map_mapping(merger *mg, uint32_t si)
{
	if (si == PROF_NONE)
		return PROF_NONE;
	if (mg->map_memo[si])
		return mg->map_memo[si] - 1;
	const rmap *s = &mg->src->maps[si];
	uint64_t size = map_size(s);
	prof_strid id = s->build_id ? s->build_id : s->file;
	uint64_t h = mix(mix(mix(1, size), s->offset), id);
	rprof *d = mg->dst;
	map_key k = {d, s, size, id};
	uint32_t c = hashtab_find(&mg->maps, h, map_eq, &k);
	if (c == HASHTAB_NONE) {
		GROW(d->maps, d->capmap, d->nmap + 1);
		c = (uint32_t)d->nmap++;
		d->maps[c] = *s;
		hashtab_add(&mg->maps, h, c);
	}
	mg->map_memo[si] = c + 1;
	mg->map_delta[si] = (int64_t)d->maps[c].start - (int64_t)s->start;
	return c;
}

typedef struct fn_key {
	const rprof *d;
	const rfunc *s;
} fn_key;

static bool fn_eq(const void *ctx, uint32_t c)
{
	const fn_key *k = ctx;
	const rfunc *f = &k->d->fns[c], *s = k->s;
	return f->start_line == s->start_line && f->name == s->name && f->sys == s->sys && f->file == s->file;
}

static uint32_t map_function(merger *mg, uint32_t si)
{
	if (mg->fn_memo[si])
		return mg->fn_memo[si] - 1;
	const rfunc *s = &mg->src->fns[si];
	uint64_t h = mix(mix(mix(mix(2, (uint64_t)s->start_line), s->name), s->sys), s->file);
	rprof *d = mg->dst;
	fn_key k = {d, s};
	uint32_t c = hashtab_find(&mg->fns, h, fn_eq, &k);
	if (c == HASHTAB_NONE) {
		GROW(d->fns, d->capfn, d->nfn + 1);
		c = (uint32_t)d->nfn++;
		d->fns[c] = *s;
		hashtab_add(&mg->fns, h, c);
	}
	mg->fn_memo[si] = c + 1;
	return c;
}

/* pprof's location key: address within the mapping, mapping, lines, folded. */
static uint64_t loc_key_addr(const rprof *d, const rloc *l)
{
	return l->map == PROF_NONE ? l->address : l->address - d->maps[l->map].start;
}

static bool loc_same(const rprof *d, const rloc *a, const rloc *b)
{
	if (loc_key_addr(d, a) != loc_key_addr(d, b) || a->map != b->map || a->folded != b->folded ||
	    a->nline != b->nline)
		return false;
	for (uint32_t k = 0; k < a->nline; k++) {
		const rline *x = &d->lines[a->line_off + k], *y = &d->lines[b->line_off + k];
		if (x->fn != y->fn || x->line != y->line)
			return false;
	}
	/* pprof's key holds the last line's column only (each line's overwrites the one before). */
	return a->nline == 0 || d->lines[a->line_off + a->nline - 1].column == d->lines[b->line_off + a->nline - 1].column;
}

typedef struct loc_key {
	const rprof *d;
	const rloc *l;
} loc_key;

static bool loc_eq(const void *ctx, uint32_t c)
{
	const loc_key *k = ctx;
	return loc_same(k->d, &k->d->locs[c], k->l);
}

static uint32_t map_location(merger *mg, uint32_t si)
{
	if (mg->loc_memo[si])
		return mg->loc_memo[si] - 1;
	const rloc *s = &mg->src->locs[si];
	rprof *d = mg->dst;
	uint32_t m = map_mapping(mg, s->map);
	int64_t delta = m == PROF_NONE ? 0 : mg->map_delta[s->map];
	rloc l = {.address = (uint64_t)((int64_t)s->address + delta), .map = m, .folded = s->folded,
	          .line_off = (uint32_t)d->nline, .nline = s->nline};
	/* The lines go in tentatively; they are taken back when the location exists already. */
	GROW(d->lines, d->capline, d->nline + s->nline);
	for (uint32_t k = 0; k < s->nline; k++) {
		const rline *ln = &mg->src->lines[s->line_off + k];
		d->lines[d->nline + k] = (rline){.fn = map_function(mg, ln->fn), .line = ln->line, .column = ln->column};
	}
	d->nline += s->nline;
	uint64_t h = mix(mix(mix(3, loc_key_addr(d, &l)), m), l.folded);
	for (uint32_t k = 0; k < l.nline; k++)
		h = mix(mix(h, d->lines[l.line_off + k].fn), (uint64_t)d->lines[l.line_off + k].line);
	loc_key k = {d, &l};
	uint32_t c = hashtab_find(&mg->locs, h, loc_eq, &k);
	if (c == HASHTAB_NONE) {
		GROW(d->locs, d->caploc, d->nloc + 1);
		GROW(mg->loc_src, mg->caplocsrc, d->nloc + 1);
		c = (uint32_t)d->nloc++;
		d->locs[c] = l;
		mg->loc_src[c] = si;
		hashtab_add(&mg->locs, h, c);
	} else {
		d->nline -= s->nline;
	}
	mg->loc_memo[si] = c + 1;
	return c;
}

/*
 * Labels in a canonical order for comparing samples (pprof compares label
 * maps): string labels first, then numeric ones, each by key, a key's values
 * in their order.
 */
static int label_rank(const prof_label *l)
{
	return l->str ? 0 : 1;
}

static void sort_labels(prof_label *ls, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++) {
		prof_label x = ls[i];
		uint32_t j = i;
		while (j > 0 && (label_rank(&ls[j - 1]) > label_rank(&x) ||
		                 (label_rank(&ls[j - 1]) == label_rank(&x) && ls[j - 1].key > x.key))) {
			ls[j] = ls[j - 1];
			j--;
		}
		ls[j] = x;
	}
}

static bool label_same(const prof_label *a, const prof_label *b)
{
	if (a->key != b->key || a->str != b->str)
		return false;
	return a->str || (a->num == b->num && a->num_unit == b->num_unit);
}

static bool zero_values(const int64_t *v, size_t nt)
{
	for (size_t k = 0; k < nt; k++)
		if (v[k])
			return false;
	return true;
}

/*
 * Appends a sample (its location indices in d, its labels, its values) to d.
 * With a table, a sample equal to an earlier one (same locations, same
 * labels) is summed into it instead, as pprof's merge does. Labels are kept
 * in canonical order, which does not show: raw prints them sorted.
 */
typedef struct sample_key {
	const rprof *d;
	const uint32_t *ids;
	uint32_t nloc;
	const prof_label *labs;
	uint32_t nlab;
} sample_key;

static bool sample_eq(const void *ctx, uint32_t c)
{
	const sample_key *k = ctx;
	const rsample *s = &k->d->samples[c];
	if (s->nloc != k->nloc || s->nlab != k->nlab)
		return false;
	if (k->nloc && memcmp(k->d->stack + s->loc_off, k->ids, k->nloc * sizeof *k->ids) != 0)
		return false;
	for (uint32_t i = 0; i < k->nlab; i++)
		if (!label_same(&k->d->labels[s->lab_off + i], &k->labs[i]))
			return false;
	return true;
}

static void add_sample(rprof *d, hashtab *t, const uint32_t *ids, uint32_t nloc, prof_label *labs, uint32_t nlab,
                       const int64_t *v, size_t nt)
{
	sort_labels(labs, nlab);
	uint64_t h = 4;
	if (t) {
		for (uint32_t k = 0; k < nloc; k++)
			h = mix(h, ids[k]);
		for (uint32_t k = 0; k < nlab; k++) {
			const prof_label *l = &labs[k];
			h = mix(mix(h, l->key), l->str);
			if (!l->str)
				h = mix(mix(h, (uint64_t)l->num), l->num_unit);
		}
		sample_key key = {d, ids, nloc, labs, nlab};
		uint32_t c = hashtab_find(t, h, sample_eq, &key);
		if (c != HASHTAB_NONE) {
			for (size_t k = 0; k < nt; k++)
				d->values[c * nt + k] += v[k];
			return;
		}
	}
	GROW(d->samples, d->capsample, d->nsample + 1);
	GROW(d->values, d->capvalue, (d->nsample + 1) * nt + 1);
	GROW(d->stack, d->capstack, d->nstack + nloc + 1);
	GROW(d->labels, d->caplabel, d->nlabel + nlab + 1);
	size_t c = d->nsample++;
	memcpy(d->values + c * nt, v, nt * sizeof *v);
	d->samples[c] = (rsample){.loc_off = d->nstack, .nloc = nloc, .lab_off = d->nlabel, .nlab = nlab};
	if (nloc)
		memcpy(d->stack + d->nstack, ids, nloc * sizeof *ids);
	d->nstack += nloc;
	if (nlab)
		memcpy(d->labels + d->nlabel, labs, nlab * sizeof *labs);
	d->nlabel += nlab;
	if (t)
		hashtab_add(t, h, (uint32_t)c);
}

/* Scratch room for one sample's ids and labels. */
static void scratch(merger *mg, uint32_t nloc, uint32_t nlab)
{
	GROW(mg->ids, mg->capids, (size_t)nloc + 1);
	GROW(mg->labs, mg->caplabs, (size_t)nlab + 1);
}

/*
 * pprof's Merge of one profile into *dst. merge_samples false keeps the
 * samples one by one (they were merged before and maybe pruned since).
 * loc_memo/map_memo (src index -> dst index + 1, 0: unused) and loc_src
 * (dst location -> src location) go to the caller.
 */
static void merge(rprof *dst, const rprof *src, size_t nt, bool merge_samples, uint32_t **loc_memo,
                  uint32_t **map_memo, uint32_t **loc_src)
{
	merger mg = {.src = src, .dst = dst, .nt = nt};
	*dst = (rprof){0};
	mg.map_memo = xcalloc(src->nmap + 1, sizeof *mg.map_memo);
	mg.map_delta = xcalloc(src->nmap + 1, sizeof *mg.map_delta);
	mg.fn_memo = xcalloc(src->nfn + 1, sizeof *mg.fn_memo);
	mg.loc_memo = xcalloc(src->nloc + 1, sizeof *mg.loc_memo);
	mg.loc_src = xmalloc(sizeof *mg.loc_src);
	mg.caplocsrc = 1;
	/* The first mapping stays first: it is the main binary. */
	if (src->nmap > 0)
		map_mapping(&mg, 0);
	for (size_t i = 0; i < src->nsample; i++) {
		const int64_t *v = src->values + i * nt;
		if (zero_values(v, nt))
			continue;
		const rsample *s = &src->samples[i];
		scratch(&mg, s->nloc, s->nlab);
		for (uint32_t k = 0; k < s->nloc; k++)
			mg.ids[k] = map_location(&mg, src->stack[s->loc_off + k]);
		if (s->nlab)
			memcpy(mg.labs, src->labels + s->lab_off, s->nlab * sizeof *mg.labs);
		add_sample(dst, merge_samples ? &mg.samples : NULL, mg.ids, s->nloc, mg.labs, s->nlab, v, nt);
	}
	*loc_memo = mg.loc_memo;
	*map_memo = mg.map_memo;
	*loc_src = mg.loc_src;
	free(mg.map_delta);
	free(mg.fn_memo);
	free(mg.ids);
	free(mg.labs);
	hashtab_free(&mg.maps);
	hashtab_free(&mg.fns);
	hashtab_free(&mg.locs);
	hashtab_free(&mg.samples);
}

static bool any_zero_sample(const rprof *r, size_t nt)
{
	for (size_t i = 0; i < r->nsample; i++)
		if (zero_values(r->values + i * nt, nt))
			return true;
	return false;
}

/* ---- pprof's numbering of a profile, taken before pruning and filters ---- */

struct raw_order {
	size_t nloc0, nmap0;  /* the model's counts when the order was taken */
	uint32_t *loc_id;     /* per model location: pprof's location id - 1, PROF_NONE: not in the merge */
	uint32_t *map_id;     /* per model mapping: pprof's mapping id - 1, PROF_NONE: unused */
	uint32_t *loc_rep;    /* per pprof location: the model location it shows */
	rprof m;              /* the merged tables: mappings, locations (addresses, mappings) */
	size_t nt;
};

raw_order *report_raw_order_new(const prof_profile *p)
{
	raw_order *o = xcalloc(1, sizeof *o);
	size_t nt = p->nsample_type;
	o->nt = nt;
	o->nloc0 = p->nlocation;
	o->nmap0 = p->nmapping;
	rprof model;
	rprof_from_model(&model, p);
	uint32_t *loc_memo, *map_memo, *loc_src;
	merge(&o->m, &model, nt, !p->compacted, &loc_memo, &map_memo, &loc_src);
	/* A merge that leaves all-zero samples is merged again, as pprof does. */
	while (any_zero_sample(&o->m, nt)) {
		rprof again;
		uint32_t *lm2, *mm2, *ls2;
		merge(&again, &o->m, nt, true, &lm2, &mm2, &ls2);
		for (size_t i = 0; i < model.nloc; i++)
			loc_memo[i] = loc_memo[i] ? lm2[loc_memo[i] - 1] : 0;
		for (size_t i = 0; i < model.nmap; i++)
			map_memo[i] = map_memo[i] ? mm2[map_memo[i] - 1] : 0;
		for (size_t i = 0; i < again.nloc; i++)
			ls2[i] = loc_src[ls2[i]];
		free(lm2);
		free(mm2);
		free(loc_src);
		loc_src = ls2;
		rprof_free(&o->m);
		o->m = again;
	}
	o->loc_id = xmalloc((model.nloc + 1) * sizeof *o->loc_id);
	for (size_t i = 0; i < model.nloc; i++)
		o->loc_id[i] = loc_memo[i] ? loc_memo[i] - 1 : PROF_NONE;
	o->map_id = xmalloc((model.nmap + 1) * sizeof *o->map_id);
	for (size_t i = 0; i < model.nmap; i++)
		o->map_id[i] = map_memo[i] ? map_memo[i] - 1 : PROF_NONE;
	o->loc_rep = loc_src;
	free(loc_memo);
	free(map_memo);
	rprof_free(&model);
	/* Only the mappings and locations are used from here on. */
	free(o->m.samples);
	free(o->m.values);
	free(o->m.stack);
	free(o->m.labels);
	o->m.samples = NULL;
	o->m.values = NULL;
	o->m.stack = NULL;
	o->m.labels = NULL;
	o->m.nsample = o->m.nstack = o->m.nlabel = 0;
	return o;
}

void report_raw_order_free(raw_order *o)
{
	if (!o)
		return;
	free(o->loc_id);
	free(o->map_id);
	free(o->loc_rep);
	rprof_free(&o->m);
	free(o);
}

/* ---- Go's formatting of times and durations ---- */

/* Go's Time.String for time.Unix(0, nanos) in local time. */
static void go_time(char *buf, size_t n, int64_t nanos)
{
	int64_t secs = nanos / 1000000000, ns = nanos % 1000000000;
	if (ns < 0) {
		ns += 1000000000;
		secs--;
	}
	time_t t = (time_t)secs;
	struct tm tm;
	if (!localtime_r(&t, &tm)) {
		snprintf(buf, n, "?");
		return;
	}
	char frac[16] = "";
	if (ns) {
		snprintf(frac, sizeof frac, ".%09" PRId64, ns);
		size_t l = strlen(frac);
		while (l > 1 && frac[l - 1] == '0') /* l > 1 also tells gcc -O3 it stays in bounds */
			frac[--l] = '\0';
	}
	long off = tm.tm_gmtoff;
	char sign = off < 0 ? '-' : '+';
	off = labs(off);
	char zone[64];
	if (tm.tm_zone && *tm.tm_zone)
		snprintf(zone, sizeof zone, "%s", tm.tm_zone);
	else
		snprintf(zone, sizeof zone, "%c%02ld%02ld", sign, off / 3600, off / 60 % 60);
	snprintf(buf, n, "%04d-%02d-%02d %02d:%02d:%02d%s %c%02ld%02ld %s", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac, sign, off / 3600, off / 60 % 60, zone);
}

/* Go's fmtFrac: writes ".ddd" of v % 10^prec before *w, without trailing zeros; returns v / 10^prec. */
static uint64_t go_frac(char *buf, size_t *w, uint64_t v, int prec)
{
	bool print = false;
	for (int i = 0; i < prec; i++) {
		int digit = (int)(v % 10);
		print = print || digit != 0;
		if (print)
			buf[--*w] = (char)('0' + digit);
		v /= 10;
	}
	if (print)
		buf[--*w] = '.';
	return v;
}

static void go_int(char *buf, size_t *w, uint64_t v)
{
	if (v == 0) {
		buf[--*w] = '0';
		return;
	}
	while (v > 0) {
		buf[--*w] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Go's Duration.String. */
static void go_duration(char *out, size_t n, int64_t d)
{
	char buf[40];
	size_t w = sizeof buf;
	uint64_t u = (uint64_t)d;
	bool neg = d < 0;
	if (neg)
		u = -u;
	if (u < 1000000000ull) {
		int prec;
		buf[--w] = 's';
		if (u == 0) {
			snprintf(out, n, "0s");
			return;
		} else if (u < 1000ull) {
			prec = 0;
			buf[--w] = 'n';
		} else if (u < 1000000ull) {
			prec = 3;
			buf[--w] = '\xb5';
			buf[--w] = '\xc2';
		} else {
			prec = 6;
			buf[--w] = 'm';
		}
		u = go_frac(buf, &w, u, prec);
		go_int(buf, &w, u);
	} else {
		buf[--w] = 's';
		u = go_frac(buf, &w, u, 9);
		go_int(buf, &w, u % 60);
		u /= 60;
		if (u > 0) {
			buf[--w] = 'm';
			go_int(buf, &w, u % 60);
			u /= 60;
			if (u > 0) {
				buf[--w] = 'h';
				go_int(buf, &w, u);
			}
		}
	}
	if (neg)
		buf[--w] = '-';
	snprintf(out, n, "%.*s", (int)(sizeof buf - w), buf + w);
}

/* fmt's "%.Nv" on a string: its first N runes. */
static void cut_runes(char *s, int runes)
{
	int seen = 0;
	for (char *c = s; *c; c++) {
		if (((unsigned char)*c & 0xc0) != 0x80) {
			if (seen == runes) {
				*c = '\0';
				return;
			}
			seen++;
		}
	}
}

/* ---- printing, as Profile.String ---- */

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * One label line: "key:[v1 v2]" per key, sorted as text. Numeric values show
 * their units when any value of the key has one.
 */
static void print_labels(FILE *out, const prof_profile *p, const prof_label *ls, uint32_t n, bool numeric)
{
	char **items = xcalloc((size_t)n + 1, sizeof *items);
	size_t ni = 0;
	for (uint32_t i = 0; i < n; i++) {
		bool num = ls[i].str == 0;
		if (num != numeric)
			continue;
		bool seen = false;
		for (uint32_t j = 0; j < i && !seen; j++)
			seen = ls[j].key == ls[i].key && (ls[j].str == 0) == numeric;
		if (seen)
			continue;
		bool units = false;
		for (uint32_t j = i; j < n && numeric; j++)
			if (ls[j].key == ls[i].key && ls[j].str == 0 && ls[j].num_unit)
				units = true;
		char *line = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&line, &len);
		if (!m)
			prof_oom();
		fprintf(m, "%s:[", prof_str(p, ls[i].key));
		bool first = true;
		for (uint32_t j = i; j < n; j++) {
			if (ls[j].key != ls[i].key || (ls[j].str == 0) != numeric)
				continue;
			if (!first)
				fputc(' ', m);
			first = false;
			if (!numeric)
				fputs(prof_str(p, ls[j].str), m);
			else if (units)
				fprintf(m, "%" PRId64 " %s", ls[j].num, prof_str(p, ls[j].num_unit));
			else
				fprintf(m, "%" PRId64, ls[j].num);
		}
		fputc(']', m);
		fclose(m);
		items[ni++] = line;
	}
	qsort(items, ni, sizeof *items, str_cmp);
	if (ni)
		fputs("                ", out);
	for (size_t i = 0; i < ni; i++) {
		fprintf(out, "%s%s", i ? " " : "", items[i]);
		free(items[i]);
	}
	if (ni)
		fputc('\n', out);
	free(items);
}

/* One location: id, address, mapping id (map_id 0: none), then its lines as file:line:column. */
static void print_location(FILE *out, const prof_profile *p, uint64_t id, uint64_t address, uint64_t map_id,
                           bool folded, const prof_location *cur)
{
	char head[96];
	int hl = address ? snprintf(head, sizeof head, "%6" PRIu64 ": %#" PRIx64 " ", id, address)
	                 : snprintf(head, sizeof head, "%6" PRIu64 ": 0x0 ", id);
	if (map_id)
		hl += snprintf(head + hl, sizeof head - (size_t)hl, "M=%" PRIu64 " ", map_id);
	if (folded)
		snprintf(head + hl, sizeof head - (size_t)hl, "[F] ");
	if (cur->nline == 0)
		fprintf(out, "%s\n", head);
	for (uint32_t k = 0; k < cur->nline; k++) {
		const prof_line *ln = &p->lines[cur->line_off + k];
		const prof_function *f = &p->functions[ln->function];
		fprintf(out, "%s%s %s:%" PRId64 ":%" PRId64 " s=%" PRId64, k ? "             " : head,
		        prof_str(p, f->name), prof_str(p, f->filename), ln->line, ln->column, f->start_line);
		if (f->name != f->system_name)
			fprintf(out, "(%s)", prof_str(p, f->system_name));
		fputc('\n', out);
	}
}

static void print_mapping(FILE *out, const prof_profile *p, uint64_t id, const rmap *mp)
{
	const char *file = prof_str(p, mp->file);
	/* pprof's unsourceMappings: a URL is not a file. */
	if (!mp->build_id && path_is_url(file))
		file = "";
	char a[3][32];
	const uint64_t v[3] = {mp->start, mp->limit, mp->offset};
	for (int k = 0; k < 3; k++) {
		if (v[k])
			snprintf(a[k], sizeof a[k], "%#" PRIx64, v[k]);
		else
			snprintf(a[k], sizeof a[k], "0x0");
	}
	fprintf(out, "%" PRIu64 ": %s/%s/%s %s %s %s%s%s%s\n", id, a[0], a[1], a[2], file, prof_str(p, mp->build_id),
	        mp->fn ? "[FN]" : "", mp->fl ? "[FL]" : "", mp->ln ? "[LN]" : "", mp->in ? "[IN]" : "");
}

static void print_header(FILE *out, const prof_profile *p)
{
	for (size_t i = 0; i < p->ncomment; i++)
		fprintf(out, "Comment: %s\n", prof_str(p, p->comments[i]));
	if (p->doc_url)
		fprintf(out, "Doc: %s\n", prof_str(p, p->doc_url));
	fprintf(out, "PeriodType: %s %s\n", prof_str(p, p->period_type.type), prof_str(p, p->period_type.unit));
	fprintf(out, "Period: %" PRId64 "\n", p->period);
	char buf[128];
	if (p->time_nanos != 0) {
		go_time(buf, sizeof buf, p->time_nanos);
		fprintf(out, "Time: %s\n", buf);
	}
	if (p->duration_nanos != 0) {
		go_duration(buf, sizeof buf, p->duration_nanos);
		cut_runes(buf, 4);
		fprintf(out, "Duration: %s\n", buf);
	}
	fputs("Samples:\n", out);

	/* The sample types, space separated, trimmed as strings.TrimSpace does. */
	char *types = NULL;
	size_t tlen = 0;
	FILE *m = open_memstream(&types, &tlen);
	if (!m)
		prof_oom();
	for (size_t i = 0; i < p->nsample_type; i++) {
		const prof_valuetype *st = &p->sample_types[i];
		fprintf(m, "%s/%s%s ", prof_str(p, st->type), prof_str(p, st->unit),
		        st->type == p->default_sample_type ? "[dflt]" : "");
	}
	fclose(m);
	const char *t = types;
	while (*t && is_space(*t))
		t++;
	size_t tl = strlen(t);
	while (tl > 0 && is_space(t[tl - 1]))
		tl--;
	fprintf(out, "%.*s\n", (int)tl, t);
	free(types);
}

bool report_raw_ordered(FILE *out, rctx *r, const raw_order *o)
{
	const prof_profile *p = r->p;
	size_t nt = p->nsample_type;

	/*
	 * The samples as they stand now, merged unless the model merged them
	 * already. Locations the order does not know (label frames added since)
	 * get their numbers after the merge; until then they are told apart by
	 * TMP_ID + index.
	 */
	enum { TMP_ID = 0x80000000u };
	rprof cur = {0};
	hashtab t = {0};
	uint32_t *stack = NULL;
	prof_label *labs = NULL;
	size_t capstack = 0, caplabs = 0;
	for (size_t i = 0; i < p->nsample; i++) {
		const int64_t *v = p->values + i * nt;
		if (zero_values(v, nt))
			continue;
		const prof_sample *s = &p->samples[i];
		const prof_stack *st = &p->stacks[s->stack];
		GROW(stack, capstack, (size_t)st->len + 1);
		GROW(labs, caplabs, (size_t)s->nlabel + 1);
		for (uint32_t k = 0; k < st->len; k++) {
			uint32_t l = p->stack_locs[st->off + k];
			stack[k] = l < o->nloc0 && o->loc_id[l] != PROF_NONE ? o->loc_id[l] : TMP_ID + l;
		}
		uint32_t nlab = 0;
		for (uint32_t k = 0; k < s->nlabel; k++) {
			const prof_label *l = &p->labels[s->label_off + k];
			if (l->str || prof_label_is_num(l))
				labs[nlab++] = *l;
		}
		add_sample(&cur, p->compacted ? NULL : &t, stack, st->len, labs, nlab, v, nt);
	}
	hashtab_free(&t);
	free(stack);
	free(labs);

	/* Locations added since the order was taken come last, in their order. */
	uint8_t *used = xcalloc(p->nlocation + 1, 1);
	for (size_t i = 0; i < cur.nsample; i++) {
		const rsample *s = &cur.samples[i];
		for (uint32_t k = 0; k < s->nloc && !zero_values(cur.values + i * nt, nt); k++)
			if (cur.stack[s->loc_off + k] >= TMP_ID)
				used[cur.stack[s->loc_off + k] - TMP_ID] = 1;
	}
	uint32_t *ids = xmalloc((p->nlocation + 1) * sizeof *ids);
	uint32_t *extra = xmalloc((p->nlocation + 1) * sizeof *extra);
	size_t nextra = 0;
	for (size_t l = 0; l < p->nlocation; l++) {
		ids[l] = PROF_NONE;
		if (l < o->nloc0 && o->loc_id[l] != PROF_NONE)
			ids[l] = o->loc_id[l];
		else if (l >= o->nloc0 || used[l]) {
			ids[l] = (uint32_t)(o->m.nloc + nextra);
			extra[nextra++] = (uint32_t)l;
		}
	}
	free(used);
	for (size_t i = 0; i < cur.nstack; i++)
		if (cur.stack[i] >= TMP_ID)
			cur.stack[i] = ids[cur.stack[i] - TMP_ID];

	print_header(out, p);
	for (size_t i = 0; i < cur.nsample; i++) {
		const int64_t *v = cur.values + i * nt;
		/* Samples that summed to zero went in pprof's second merge. */
		if (zero_values(v, nt))
			continue;
		const rsample *s = &cur.samples[i];
		for (size_t k = 0; k < nt; k++)
			fprintf(out, " %10" PRId64, v[k]);
		fputs(": ", out);
		for (uint32_t k = 0; k < s->nloc; k++)
			fprintf(out, "%" PRIu32 " ", cur.stack[s->loc_off + k] + 1);
		fputc('\n', out);
		print_labels(out, p, cur.labels + s->lab_off, s->nlab, false);
		print_labels(out, p, cur.labels + s->lab_off, s->nlab, true);
	}

	fputs("Locations\n", out);
	for (size_t i = 0; i < o->m.nloc; i++) {
		const rloc *l = &o->m.locs[i];
		print_location(out, p, i + 1, l->address, l->map == PROF_NONE ? 0 : l->map + 1, l->folded,
		               &p->locations[o->loc_rep[i]]);
	}
	for (size_t i = 0; i < nextra; i++) {
		const prof_location *l = &p->locations[extra[i]];
		uint32_t map = l->mapping != PROF_NONE && l->mapping < o->nmap0 ? o->map_id[l->mapping] : PROF_NONE;
		print_location(out, p, o->m.nloc + i + 1, l->address, map == PROF_NONE ? 0 : map + 1, l->is_folded, l);
	}

	fputs("Mappings\n", out);
	for (size_t i = 0; i < o->m.nmap; i++)
		print_mapping(out, p, i + 1, &o->m.maps[i]);
	rprof_free(&cur);
	free(ids);
	free(extra);
	return true;
}

/*
 * A profile from a single input, which pprof does not merge: every sample,
 * location and mapping as recorded (zero samples too), with the file's ids,
 * as the filters left them.
 */
bool report_raw_rctx(FILE *out, rctx *r)
{
	const prof_profile *p = r->p;
	size_t nt = p->nsample_type;
	print_header(out, p);
	prof_label *labs = NULL;
	size_t caplabs = 0;
	for (size_t i = 0; i < p->nsample; i++) {
		const prof_sample *s = &p->samples[i];
		const prof_stack *st = &p->stacks[s->stack];
		const int64_t *v = prof_sample_values(p, i);
		for (size_t k = 0; k < nt; k++)
			fprintf(out, " %10" PRId64, v[k]);
		fputs(": ", out);
		for (uint32_t k = 0; k < st->len; k++)
			fprintf(out, "%" PRIu64 " ", p->locations[p->stack_locs[st->off + k]].id);
		fputc('\n', out);
		/* Only string and numeric labels exist for pprof; others are dropped when decoding. */
		GROW(labs, caplabs, (size_t)s->nlabel + 1);
		uint32_t nlab = 0;
		for (uint32_t k = 0; k < s->nlabel; k++) {
			const prof_label *l = &p->labels[s->label_off + k];
			if (l->str || prof_label_is_num(l))
				labs[nlab++] = *l;
		}
		print_labels(out, p, labs, nlab, false);
		print_labels(out, p, labs, nlab, true);
	}
	free(labs);

	/* pprof gives a profile without mappings one empty mapping, used by every location. */
	bool fake = p->nmapping == 0;
	fputs("Locations\n", out);
	for (size_t i = 0; i < p->nlocation; i++) {
		const prof_location *l = &p->locations[i];
		uint64_t map_id = fake ? 1 : l->mapping == PROF_NONE ? 0 : p->mappings[l->mapping].id;
		print_location(out, p, l->id, l->address, map_id, l->is_folded, l);
	}
	fputs("Mappings\n", out);
	if (fake)
		print_mapping(out, p, 1, &(rmap){0});
	for (size_t i = 0; i < p->nmapping; i++) {
		const prof_mapping *m = &p->mappings[i];
		rmap rm = {.start = m->start, .limit = m->limit, .offset = m->offset, .file = m->file,
		           .build_id = m->build_id, .fn = m->has_functions, .fl = m->has_filenames,
		           .ln = m->has_line_numbers, .in = m->has_inline_frames};
		print_mapping(out, p, m->id, &rm);
	}
	return true;
}
