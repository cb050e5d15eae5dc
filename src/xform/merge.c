/* merge: see merge.h. */
#include "xform/merge.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t mix(uint64_t h, uint64_t v)
{
	h = (h ^ v) * 0xff51afd7ed558ccdull;
	return h ^ (h >> 32);
}

/* ---- keys, as pprof's merge defines them ---- */

/* pprof's mapping key: size rounded up to 4 KiB, offset, build id or else file. */
static uint64_t mapping_hash(const prof_mapping *m, uint64_t *size, prof_strid *id)
{
	*size = m->limit - m->start + 0xfff;
	*size -= *size % 0x1000;
	*id = m->build_id ? m->build_id : m->file;
	return mix(mix(mix(1, *size), m->offset), *id);
}

typedef struct merge_ctx {
	prof_profile *dst;
	const prof_profile *src;
	prof_strid *str;      /* src string -> dst string */
	uint32_t *map;        /* src mapping -> dst mapping */
	int64_t *map_offset;  /* address shift into the dst mapping */
	uint32_t *fn;         /* src function -> dst function */
	uint32_t *loc;        /* src location -> dst location */
	const void *probe;    /* the candidate being looked up */
	const prof_line *probe_lines;
} merge_ctx;

/* pprof's keys of mappings and functions (string ids of one profile). */
static bool mapping_same(const prof_mapping *a, const prof_mapping *b)
{
	uint64_t sa, sb;
	prof_strid ia, ib;
	mapping_hash(a, &sa, &ia);
	mapping_hash(b, &sb, &ib);
	return sa == sb && a->offset == b->offset && ia == ib;
}

static bool function_same(const prof_function *a, const prof_function *b)
{
	return a->name == b->name && a->system_name == b->system_name && a->filename == b->filename &&
	       a->start_line == b->start_line;
}

static bool mapping_eq(const void *arg, uint32_t i)
{
	const merge_ctx *c = arg;
	return mapping_same(c->probe, &c->dst->mappings[i]);
}

static bool function_eq(const void *arg, uint32_t i)
{
	const merge_ctx *c = arg;
	return function_same(c->probe, &c->dst->functions[i]);
}

static uint64_t function_hash(const prof_function *f)
{
	return mix(mix(mix(mix(2, f->name), f->system_name), f->filename), (uint64_t)f->start_line);
}

/* pprof's location key: address relative to its mapping, mapping, lines, folded. */
static uint64_t location_hash(const prof_profile *p, const prof_location *l, const prof_line *lines)
{
	uint64_t addr = l->address - (l->mapping != PROF_NONE ? p->mappings[l->mapping].start : 0);
	uint64_t h = mix(mix(mix(3, addr), l->mapping), l->is_folded);
	for (uint32_t k = 0; k < l->nline; k++)
		h = mix(mix(h, lines[k].function), (uint64_t)lines[k].line);
	return h;
}

static bool location_eq(const void *arg, uint32_t i)
{
	const merge_ctx *c = arg;
	const prof_profile *p = c->dst;
	const prof_location *a = c->probe, *b = &p->locations[i];
	uint64_t aa = a->address - (a->mapping != PROF_NONE ? p->mappings[a->mapping].start : 0);
	uint64_t ba = b->address - (b->mapping != PROF_NONE ? p->mappings[b->mapping].start : 0);
	if (aa != ba || a->mapping != b->mapping || a->is_folded != b->is_folded || a->nline != b->nline)
		return false;
	for (uint32_t k = 0; k < a->nline; k++) {
		const prof_line *la = &c->probe_lines[k], *lb = &p->lines[b->line_off + k];
		if (la->function != lb->function || la->line != lb->line)
			return false;
	}
	/* pprof's key holds the last line's column only (each line's overwrites the one before). */
	return a->nline == 0 || c->probe_lines[a->nline - 1].column == p->lines[b->line_off + a->nline - 1].column;
}

/*
 * pprof's CompatibilizeSampleTypes for a pair: both keep the types they
 * share by name, in dst's order; dst's values are narrowed in place and
 * pick[k] says which of src's values becomes value k. False when they share
 * none. The default type stays when it is kept, else it is the first kept.
 */
static bool compatibilize(prof_profile *dst, const prof_profile *src, size_t *pick)
{
	size_t *keep = xmalloc((dst->nsample_type + 1) * sizeof *keep), n = 0;
	for (size_t i = 0; i < dst->nsample_type; i++) {
		const char *t = prof_str(dst, dst->sample_types[i].type);
		for (size_t j = 0; j < src->nsample_type; j++)
			if (strcmp(t, prof_str(src, src->sample_types[j].type)) == 0) {
				keep[n] = i;
				pick[n++] = j;
				break;
			}
	}
	if (n == 0 || n == dst->nsample_type) {
		free(keep);
		return n != 0;
	}
	bool dflt = false;
	for (size_t k = 0; k < n; k++)
		dflt = dflt || dst->sample_types[keep[k]].type == dst->default_sample_type;
	if (!dflt)
		dst->default_sample_type = dst->sample_types[keep[0]].type;
	size_t nt = dst->nsample_type;
	for (size_t i = 0; i < dst->nsample; i++)
		for (size_t k = 0; k < n; k++) {
			size_t to = i * n + k, from = i * nt + keep[k]; /* to <= from: the matrix shrinks in place */
			if (dst->vals.narrow)
				dst->vals.narrow[to] = dst->vals.narrow[from];
			else
				dst->vals.wide[to] = dst->vals.wide[from];
		}
	for (size_t k = 0; k < n; k++)
		dst->sample_types[k] = dst->sample_types[keep[k]];
	dst->nsample_type = n;
	free(keep);
	return true;
}

/* After compatibilize: the kept types agree in unit, and the period types agree. */
static bool same_types(const prof_profile *a, const prof_profile *b, const size_t *pick)
{
	for (size_t i = 0; i < a->nsample_type; i++)
		if (strcmp(prof_str(a, a->sample_types[i].unit), prof_str(b, b->sample_types[pick[i]].unit)) != 0)
			return false;
	return strcmp(prof_str(a, a->period_type.type), prof_str(b, b->period_type.type)) == 0 &&
	       strcmp(prof_str(a, a->period_type.unit), prof_str(b, b->period_type.unit)) == 0;
}

static void describe_types(const prof_profile *p, char *buf, size_t n)
{
	size_t w = 0;
	for (size_t i = 0; i < p->nsample_type && w < n; i++)
		w += (size_t)snprintf(buf + w, n - w, "%s%s/%s", i ? " " : "", prof_str(p, p->sample_types[i].type),
		                      prof_str(p, p->sample_types[i].unit));
	if (!p->nsample_type)
		snprintf(buf, n, "none");
}

bool prof_merge_check(const prof_profile *dst, const prof_profile *src, prof_err *err)
{
	size_t shared = 0;
	bool same = true;
	for (size_t i = 0; i < dst->nsample_type; i++)
		for (size_t j = 0; j < src->nsample_type; j++)
			if (strcmp(prof_str(dst, dst->sample_types[i].type), prof_str(src, src->sample_types[j].type)) == 0) {
				shared++;
				same = same && strcmp(prof_str(dst, dst->sample_types[i].unit),
				                      prof_str(src, src->sample_types[j].unit)) == 0;
				break;
			}
	if (shared == 0)
		return prof_errf(err, "profiles have empty common sample type list");
	same = same && strcmp(prof_str(dst, dst->period_type.type), prof_str(src, src->period_type.type)) == 0 &&
	       strcmp(prof_str(dst, dst->period_type.unit), prof_str(src, src->period_type.unit)) == 0;
	if (same)
		return true;
	char a[256], b[256];
	describe_types(dst, a, sizeof a);
	describe_types(src, b, sizeof b);
	return prof_errf(err, "cannot merge profiles of different kinds: sample types [%s] and [%s]", a, b);
}

/* ---- dst's own repeats ---- */

/*
 * Indexes dst's entries of one kind into t, each equal run once (its first):
 * canon[i] gets the first entry equal to i. Returns whether any repeats.
 */
typedef uint64_t (*own_hash_fn)(const prof_profile *p, size_t i);

static bool own_entries(merge_ctx *c, hashtab *t, size_t n, own_hash_fn hash, hashtab_eq eq,
                        const void *(*probe)(merge_ctx *c, size_t i), uint32_t *canon)
{
	bool any = false;
	for (size_t i = 0; i < n; i++) {
		c->probe = probe(c, i);
		uint64_t h = hash(c->dst, i);
		uint32_t first = hashtab_find(t, h, eq, c);
		if (first == HASHTAB_NONE) {
			hashtab_add(t, h, (uint32_t)i);
			first = (uint32_t)i;
		}
		canon[i] = first;
		any = any || first != i;
	}
	return any;
}

static uint64_t own_mapping_hash(const prof_profile *p, size_t i)
{
	uint64_t size;
	prof_strid id;
	return mapping_hash(&p->mappings[i], &size, &id);
}

static const void *own_mapping(merge_ctx *c, size_t i)
{
	return &c->dst->mappings[i];
}

static uint64_t own_function_hash(const prof_profile *p, size_t i)
{
	return function_hash(&p->functions[i]);
}

static const void *own_function(merge_ctx *c, size_t i)
{
	return &c->dst->functions[i];
}

static uint64_t own_location_hash(const prof_profile *p, size_t i)
{
	return location_hash(p, &p->locations[i], p->lines + p->locations[i].line_off);
}

static const void *own_location(merge_ctx *c, size_t i)
{
	c->probe_lines = c->dst->lines + c->dst->locations[i].line_off;
	return &c->dst->locations[i];
}

/* Every location and line of dst onto the first of equal mappings and functions. */
static void own_relink(prof_profile *dst, const uint32_t *mcanon, const uint32_t *fcanon)
{
	for (size_t i = 0; i < dst->nlocation; i++) {
		prof_location *l = &dst->locations[i];
		if (l->mapping != PROF_NONE && mcanon[l->mapping] != l->mapping) {
			const prof_mapping *from = &dst->mappings[l->mapping], *to = &dst->mappings[mcanon[l->mapping]];
			l->address = l->address - from->start + to->start;
			l->mapping = mcanon[l->mapping];
		}
	}
	for (size_t i = 0; i < dst->nline; i++)
		dst->lines[i].function = fcanon[dst->lines[i].function];
}

static int64_t own_stack(const prof_profile *p, const uint32_t *locs, uint32_t n, uint32_t *out, void *arg)
{
	(void)p;
	const uint32_t *lcanon = arg;
	for (uint32_t k = 0; k < n; k++)
		out[k] = lcanon[locs[k]];
	return n;
}

/* Whether a stack holds a location that is not the first of its equals (a merge before left none). */
static bool repeats_used(const prof_profile *p, const uint32_t *lcanon)
{
	for (size_t i = 0; i < p->nstack_loc; i++)
		if (lcanon[prof_loc_at(p, i)] != prof_loc_at(p, i))
			return true;
	return false;
}

/*
 * pprof merges its first input too: a profile that repeats a mapping,
 * function or location under two ids (equal by pprof's keys) comes out with
 * one, and samples whose stacks then agree sum (prof_compact_samples, after
 * the merge). dst's repeats are folded the same way, and mt, ft and lt index
 * its entries for src's lookups, each once.
 */
static void own_index(merge_ctx *c, hashtab *mt, hashtab *ft, hashtab *lt)
{
	prof_profile *dst = c->dst;
	uint32_t *mcanon = xmalloc((dst->nmapping + 1) * sizeof *mcanon);
	uint32_t *fcanon = xmalloc((dst->nfunction + 1) * sizeof *fcanon);
	bool rm = own_entries(c, mt, dst->nmapping, own_mapping_hash, mapping_eq, own_mapping, mcanon);
	bool rf = own_entries(c, ft, dst->nfunction, own_function_hash, function_eq, own_function, fcanon);
	if (rm || rf)
		own_relink(dst, mcanon, fcanon);
	free(mcanon);
	free(fcanon);
	uint32_t *lcanon = xmalloc((dst->nlocation + 1) * sizeof *lcanon);
	if (own_entries(c, lt, dst->nlocation, own_location_hash, location_eq, own_location, lcanon) &&
	    repeats_used(dst, lcanon)) {
		prof_rewrite_stacks(dst, own_stack, lcanon);
		dst->compacted = false;
	}
	free(lcanon);
}

/* What src gave up to dst: its arrays go as soon as they are copied, so the two are never held whole at once. */
static void give_up(void **arr)
{
	free(*arr);
	*arr = NULL;
}

bool prof_merge(prof_profile *dst, prof_profile *src, prof_err *err)
{
	size_t *pick = xmalloc((src->nsample_type + dst->nsample_type + 1) * sizeof *pick);
	if (!compatibilize(dst, src, pick)) {
		free(pick);
		return prof_errf(err, "profiles have empty common sample type list");
	}
	if (!same_types(dst, src, pick)) {
		free(pick);
		char a[256], b[256];
		describe_types(dst, a, sizeof a);
		describe_types(src, b, sizeof b);
		return prof_errf(err, "cannot merge profiles of different kinds: sample types [%s] and [%s]", a, b);
	}
	merge_ctx c = {.dst = dst, .src = src};

	/* Strings, and the header fields as pprof's combineHeaders sets them. */
	c.str = xmalloc((src->strs.n + 1) * sizeof *c.str);
	for (size_t i = 0; i < src->strs.n; i++)
		c.str[i] = prof_intern(dst, src->strs.str[i], src->strs.len[i]);
	if (src->time_nanos && (!dst->time_nanos || src->time_nanos < dst->time_nanos))
		dst->time_nanos = src->time_nanos;
	dst->duration_nanos += src->duration_nanos;
	if (src->period > dst->period)
		dst->period = src->period;
	if (!dst->default_sample_type)
		dst->default_sample_type = c.str[src->default_sample_type];
	if (!dst->doc_url)
		dst->doc_url = c.str[src->doc_url]; /* the first profile that has one */
	for (size_t i = 0; i < src->ncomment; i++) {
		prof_strid s = c.str[src->comments[i]];
		bool seen = false;
		for (size_t k = 0; k < dst->ncomment && !seen; k++)
			seen = dst->comments[k] == s;
		if (!seen) {
			dst->comments = xrealloc(dst->comments, (dst->ncomment + 1) * sizeof *dst->comments);
			dst->comments[dst->ncomment++] = s;
		}
	}

	/* dst's own equal entries become one, and the tables index them (own_index). */
	hashtab mt = {0}, ft = {0}, lt = {0};
	own_index(&c, &mt, &ft, &lt);

	/* Mappings: the same binary maps to one mapping, addresses shifted into it. */
	uint64_t size;
	prof_strid id;
	c.map = xmalloc((src->nmapping + 1) * sizeof *c.map);
	c.map_offset = xmalloc((src->nmapping + 1) * sizeof *c.map_offset);
	for (size_t i = 0; i < src->nmapping; i++) {
		prof_mapping m = src->mappings[i];
		m.file = c.str[m.file];
		m.build_id = c.str[m.build_id];
		c.probe = &m;
		uint64_t h = mapping_hash(&m, &size, &id);
		uint32_t d = hashtab_find(&mt, h, mapping_eq, &c);
		if (d == PROF_NONE) {
			d = (uint32_t)dst->nmapping;
			m.id = dst->nmapping + 1;
			dst->mappings = xrealloc(dst->mappings, (dst->nmapping + 1) * sizeof *dst->mappings);
			dst->mappings[dst->nmapping++] = m;
			hashtab_add(&mt, h, d);
		}
		c.map[i] = d;
		c.map_offset[i] = (int64_t)dst->mappings[d].start - (int64_t)src->mappings[i].start;
	}

	/* Functions by name, system name, file and start line. */
	c.fn = xmalloc((src->nfunction + 1) * sizeof *c.fn);
	for (size_t i = 0; i < src->nfunction; i++) {
		prof_function f = src->functions[i];
		f.name = c.str[f.name];
		f.system_name = c.str[f.system_name];
		f.filename = c.str[f.filename];
		c.probe = &f;
		uint64_t h = function_hash(&f);
		uint32_t d = hashtab_find(&ft, h, function_eq, &c);
		if (d == PROF_NONE) {
			d = (uint32_t)dst->nfunction;
			f.id = dst->nfunction + 1;
			dst->functions = xrealloc(dst->functions, (dst->nfunction + 1) * sizeof *dst->functions);
			dst->functions[dst->nfunction++] = f;
			hashtab_add(&ft, h, d);
		}
		c.fn[i] = d;
	}

	/* Locations by address in their mapping and their lines. */
	c.loc = xmalloc((src->nlocation + 1) * sizeof *c.loc);
	prof_line *lines = NULL;
	size_t linecap = 0;
	for (size_t i = 0; i < src->nlocation; i++) {
		const prof_location *sl = &src->locations[i];
		prof_location l = *sl;
		if (sl->mapping != PROF_NONE) {
			l.mapping = c.map[sl->mapping];
			l.address = (uint64_t)((int64_t)sl->address + c.map_offset[sl->mapping]);
		}
		GROW(lines, linecap, (size_t)sl->nline + 1);
		for (uint32_t k = 0; k < sl->nline; k++) {
			lines[k] = src->lines[sl->line_off + k];
			lines[k].function = c.fn[lines[k].function];
		}
		c.probe = &l;
		c.probe_lines = lines;
		uint64_t h = location_hash(dst, &l, lines);
		uint32_t d = hashtab_find(&lt, h, location_eq, &c);
		if (d == PROF_NONE) {
			d = (uint32_t)dst->nlocation;
			l.id = dst->nlocation + 1;
			l.line_off = (uint32_t)dst->nline;
			dst->lines = xrealloc(dst->lines, (dst->nline + l.nline + 1) * sizeof *dst->lines);
			memcpy(dst->lines + dst->nline, lines, l.nline * sizeof *lines);
			dst->nline += l.nline;
			dst->locations = xrealloc(dst->locations, (dst->nlocation + 1) * sizeof *dst->locations);
			dst->locations[dst->nlocation++] = l;
			hashtab_add(&lt, h, d);
		}
		c.loc[i] = d;
	}
	free(lines);

	/* Samples: stacks re-interned, labels and values appended, each of src's arrays freed once copied. */
	prof_stack_index six = {0};
	uint32_t *stack = xmalloc((src->nstack + 1) * sizeof *stack);
	uint32_t *buf = NULL;
	size_t bufcap = 0;
	for (size_t s = 0; s < src->nstack; s++) {
		const prof_stack *st = &src->stacks[s];
		GROW(buf, bufcap, (size_t)st->len + 1);
		for (uint32_t k = 0; k < st->len; k++)
			buf[k] = c.loc[prof_stack_loc(src, st, k)];
		stack[s] = prof_stack_intern(dst, &six, buf, st->len);
	}
	free(buf);
	prof_stack_index_free(&six);
	give_up((void **)&src->stack_locs.narrow);
	give_up((void **)&src->stack_locs.wide);
	give_up((void **)&src->stacks);
	src->nstack = src->nstack_loc = 0;
	size_t nt = dst->nsample_type;
	dst->labels = xrealloc(dst->labels, (dst->nlabel + src->nlabel + 1) * sizeof *dst->labels);
	for (size_t i = 0; i < src->nlabel; i++) {
		prof_label l = src->labels[i];
		l.key = c.str[l.key];
		l.str = c.str[l.str];
		l.num_unit = c.str[l.num_unit];
		dst->labels[dst->nlabel + i] = l;
	}
	give_up((void **)&src->labels);
	dst->samples = xrealloc(dst->samples, (dst->nsample + src->nsample + 1) * sizeof *dst->samples);
	for (size_t i = 0; i < src->nsample; i++) {
		prof_sample s = src->samples[i];
		s.stack = stack[s.stack];
		s.label_off += (uint32_t)dst->nlabel;
		dst->samples[dst->nsample + i] = s;
	}
	give_up((void **)&src->samples);
	/* 64-bit when either side is: every value of a narrow side fits the narrow store. */
	prof_values_reserve(dst, dst->nsample + src->nsample, src->vals.wide != NULL);
	size_t base = dst->nsample;
	dst->nsample += src->nsample;
	for (size_t i = 0; i < src->nsample; i++)
		for (size_t k = 0; k < nt; k++)
			prof_value_set(dst, base + i, k, prof_value(src, i, pick[k]));
	give_up((void **)&src->vals.narrow);
	give_up((void **)&src->vals.wide);
	free(pick);
	dst->nlabel += src->nlabel;
	src->nsample = src->nlabel = 0;
	/* Equal samples from the two profiles merge when a report needs it. */
	dst->compacted = false;

	free(stack);
	free(c.str);
	free(c.map);
	free(c.map_offset);
	free(c.fn);
	free(c.loc);
	hashtab_free(&mt);
	hashtab_free(&ft);
	hashtab_free(&lt);
	return true;
}

/* ---- pprof's numbering of one profile ---- */

typedef struct number_ctx {
	const prof_profile *p;
	prof_numbering *nb;
	uint32_t *fn_canon; /* per function: the first function with its key */
	const prof_mapping *probe_map;
	uint32_t probe_fn;   /* the function being looked up */
	uint32_t probe_loc;  /* the location being looked up */
	uint32_t probe_mapn; /* its mapping in the numbering, PROF_NONE for none */
} number_ctx;

/* A mapping's fields as pprof keys it (the fake mapping of a profile without any is all zero). */
static const prof_mapping *numbering_map(const number_ctx *c, uint32_t m)
{
	static const prof_mapping none = {0};
	return c->p->nmapping ? &c->p->mappings[m] : &none;
}

static bool number_map_eq(const void *arg, uint32_t n)
{
	const number_ctx *c = arg;
	return mapping_same(c->probe_map, numbering_map(c, c->nb->map_rep[n]));
}

static bool number_fn_eq(const void *arg, uint32_t i)
{
	const number_ctx *c = arg;
	return function_same(&c->p->functions[c->probe_fn], &c->p->functions[i]);
}

/* The address of location l relative to its mapping's start, pprof's key. */
static uint64_t number_rel_addr(const number_ctx *c, uint32_t l)
{
	const prof_location *loc = &c->p->locations[l];
	if (loc->mapping == PROF_NONE || !c->p->nmapping)
		return loc->address;
	return loc->address - c->p->mappings[loc->mapping].start;
}

static uint64_t number_loc_hash(const number_ctx *c, uint32_t l, uint32_t mapn)
{
	const prof_location *loc = &c->p->locations[l];
	uint64_t h = mix(mix(mix(3, number_rel_addr(c, l)), mapn), loc->is_folded);
	for (uint32_t k = 0; k < loc->nline; k++) {
		const prof_line *ln = &c->p->lines[loc->line_off + k];
		h = mix(mix(h, c->fn_canon[ln->function]), (uint64_t)ln->line);
	}
	return h;
}

static bool number_loc_eq(const void *arg, uint32_t n)
{
	const number_ctx *c = arg;
	const prof_profile *p = c->p;
	uint32_t a = c->probe_loc, b = c->nb->loc_rep[n];
	const prof_location *la = &p->locations[a], *lb = &p->locations[b];
	if (number_rel_addr(c, a) != number_rel_addr(c, b) || c->probe_mapn != c->nb->loc_map[n] ||
	    la->is_folded != lb->is_folded || la->nline != lb->nline)
		return false;
	for (uint32_t k = 0; k < la->nline; k++) {
		const prof_line *x = &p->lines[la->line_off + k], *y = &p->lines[lb->line_off + k];
		if (c->fn_canon[x->function] != c->fn_canon[y->function] || x->line != y->line)
			return false;
	}
	/* pprof's key holds the last line's column only (each line's overwrites the one before). */
	return la->nline == 0 ||
	       p->lines[la->line_off + la->nline - 1].column == p->lines[lb->line_off + la->nline - 1].column;
}

static uint32_t number_mapping(number_ctx *c, hashtab *t, uint32_t m)
{
	prof_numbering *nb = c->nb;
	if (nb->map_new[m] != PROF_NONE)
		return nb->map_new[m];
	c->probe_map = numbering_map(c, m);
	uint64_t size;
	prof_strid id;
	uint64_t h = mapping_hash(c->probe_map, &size, &id);
	uint32_t n = hashtab_find(t, h, number_map_eq, c);
	if (n == PROF_NONE) {
		n = nb->nmap++;
		nb->map_rep[n] = m;
		hashtab_add(t, h, n);
	}
	c->probe_map = NULL;
	nb->map_new[m] = n;
	return n;
}

static void number_location(number_ctx *c, hashtab *maps, hashtab *locs, uint32_t l)
{
	prof_numbering *nb = c->nb;
	if (nb->loc_new[l] != PROF_NONE)
		return;
	const prof_location *loc = &c->p->locations[l];
	uint32_t src_map = c->p->nmapping ? loc->mapping : 0;
	uint32_t mapn = src_map == PROF_NONE ? PROF_NONE : number_mapping(c, maps, src_map);
	c->probe_loc = l;
	c->probe_mapn = mapn;
	uint64_t h = number_loc_hash(c, l, mapn);
	uint32_t n = hashtab_find(locs, h, number_loc_eq, c);
	if (n == PROF_NONE) {
		n = nb->nloc++;
		nb->loc_rep[n] = l;
		nb->loc_map[n] = mapn;
		/* Shifted into the mapping it shares: pprof keeps the first of equal mappings. */
		uint64_t addr = loc->address;
		if (mapn != PROF_NONE && c->p->nmapping)
			addr = addr - c->p->mappings[src_map].start + c->p->mappings[nb->map_rep[mapn]].start;
		nb->loc_addr[n] = addr;
		hashtab_add(locs, h, n);
	}
	nb->loc_new[l] = n;
}

prof_numbering *prof_merge_numbering(const prof_profile *p)
{
	prof_numbering *nb = xcalloc(1, sizeof *nb);
	size_t nmap = p->nmapping ? p->nmapping : 1; /* pprof gives a profile without mappings an empty one */
	nb->map_new = xmalloc((nmap + 1) * sizeof *nb->map_new);
	memset(nb->map_new, 0xff, (nmap + 1) * sizeof *nb->map_new);
	nb->map_rep = xmalloc((nmap + 1) * sizeof *nb->map_rep);
	nb->loc_new = xmalloc((p->nlocation + 1) * sizeof *nb->loc_new);
	memset(nb->loc_new, 0xff, (p->nlocation + 1) * sizeof *nb->loc_new);
	nb->loc_rep = xmalloc((p->nlocation + 1) * sizeof *nb->loc_rep);
	nb->loc_map = xmalloc((p->nlocation + 1) * sizeof *nb->loc_map);
	nb->loc_addr = xmalloc((p->nlocation + 1) * sizeof *nb->loc_addr);
	number_ctx c = {.p = p, .nb = nb};
	/* Functions are shared by key; their numbers do not show, only which locations become one. */
	c.fn_canon = xmalloc((p->nfunction + 1) * sizeof *c.fn_canon);
	hashtab fns = {0};
	for (uint32_t i = 0; i < p->nfunction; i++) {
		c.probe_fn = i;
		uint64_t h = function_hash(&p->functions[i]);
		uint32_t f = hashtab_find(&fns, h, number_fn_eq, &c);
		if (f == PROF_NONE) {
			f = i;
			hashtab_add(&fns, h, i);
		}
		c.fn_canon[i] = f;
	}
	hashtab_free(&fns);
	hashtab maps = {0}, locs = {0};
	/* The first mapping stays first: it is the main binary. */
	number_mapping(&c, &maps, 0);
	for (size_t i = 0; i < p->nsample; i++) {
		if (prof_sample_is_zero(p, i))
			continue;
		const prof_stack *st = &p->stacks[p->samples[i].stack];
		for (uint32_t k = 0; k < st->len; k++)
			number_location(&c, &maps, &locs, prof_stack_loc(p, st, k));
	}
	hashtab_free(&maps);
	hashtab_free(&locs);
	free(c.fn_canon);
	return nb;
}

void prof_numbering_free(prof_numbering *nb)
{
	if (!nb)
		return;
	free(nb->map_new);
	free(nb->map_rep);
	free(nb->loc_new);
	free(nb->loc_rep);
	free(nb->loc_map);
	free(nb->loc_addr);
	free(nb);
}
