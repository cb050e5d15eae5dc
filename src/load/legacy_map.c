/*
 * legacy_map: see legacy.h. The profile under construction that the legacy
 * parsers share, the memory map that ends most legacy profiles, and pprof's
 * steps after parsing: merging and ordering mappings, numbering locations
 * by first use, placing each address in a mapping (or a fake one), and
 * finally moving it all into the model.
 *
 * Memory map lines are /proc/self/maps lines or a briefer "start-end file
 * (@offset) buildid"; pprof reads them with two regular expressions, and a
 * line that neither matches but holds '=' defines "$name" for the lines
 * after it. Lines are as pprof's glog-prefix stripping leaves them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/legacy.h"
#include "util/arena.h"

/* ---- building ---- */

void lg_init(lg_builder *b, prof_profile *p, prof_err *err, size_t nvalue)
{
	memset(b, 0, sizeof *b);
	b->p = p;
	b->err = err;
	b->nvalue = nvalue;
}

void lg_free(lg_builder *b)
{
	free(b->locs);
	hashtab_free(&b->locindex);
	free(b->stk);
	free(b->samples);
	free(b->funcs);
	free(b->maps);
	free(b->order);
}

typedef struct addr_key {
	const lg_builder *b;
	uint64_t addr;
} addr_key;

static bool addr_eq(const void *ctx, uint32_t i)
{
	const addr_key *k = ctx;
	return k->b->locs[i].addr == k->addr;
}

uint32_t lg_location(lg_builder *b, uint64_t addr)
{
	if (b->nloc >= UINT32_MAX - 2)
		prof_oom();
	addr_key k = {b, addr};
	uint32_t i = hashtab_intern(&b->locindex, addr, (uint32_t)b->nloc, addr_eq, &k);
	if (i == b->nloc) {
		GROW(b->locs, b->loccap, b->nloc + 1);
		b->locs[b->nloc++] = (lg_loc){.addr = addr, .map = PROF_NONE, .func = PROF_NONE};
	}
	return i;
}

uint32_t lg_find_location(const lg_builder *b, uint64_t addr)
{
	addr_key k = {b, addr};
	return hashtab_find(&b->locindex, addr, addr_eq, &k);
}

void lg_push(lg_builder *b, uint32_t loc)
{
	GROW(b->stk, b->stkcap, b->nstk + 1);
	b->stk[b->nstk++] = loc;
}

static size_t sample_start(const lg_builder *b)
{
	if (b->nsample == 0)
		return 0;
	const lg_sample *s = &b->samples[b->nsample - 1];
	return s->off + s->n;
}

bool lg_sample_end(lg_builder *b, const int64_t *v, int64_t bytes, const char *where)
{
	prof_profile *p = b->p;
	for (size_t i = 0; i < b->nvalue; i++) {
		uint64_t a = v[i] < 0 ? 0 - (uint64_t)v[i] : (uint64_t)v[i];
		if (a > (uint64_t)(INT64_MAX - b->sums[i]))
			return prof_errf(b->err, "%s: the profile's %s values add up to more than 2^63", where,
			                 i < p->nsample_type ? prof_str(p, p->sample_types[i].type) : "sample");
		b->sums[i] += (int64_t)a;
	}
	size_t off = sample_start(b);
	if (b->nsample >= UINT32_MAX - 2 || b->nstk - off >= UINT32_MAX)
		prof_oom();
	GROW(b->samples, b->samplecap, b->nsample + 1);
	lg_sample *s = &b->samples[b->nsample++];
	*s = (lg_sample){.off = off, .n = (uint32_t)(b->nstk - off), .bytes = bytes};
	memcpy(s->v, v, b->nvalue * sizeof *v);
	return true;
}

void lg_types(lg_builder *b, const char *const *types, size_t n, const char *ptype, const char *punit)
{
	prof_profile *p = b->p;
	free(p->sample_types);
	p->sample_types = xcalloc(n + 1, sizeof *p->sample_types);
	for (size_t i = 0; i < n; i++)
		p->sample_types[i] = (prof_valuetype){prof_intern(p, types[2 * i], strlen(types[2 * i])),
		                                      prof_intern(p, types[2 * i + 1], strlen(types[2 * i + 1]))};
	p->nsample_type = n;
	b->nvalue = n;
	if (ptype)
		p->period_type = (prof_valuetype){prof_intern(p, ptype, strlen(ptype)), prof_intern(p, punit, strlen(punit))};
}

/* ---- memory map lines ---- */

typedef struct map_rx {
	lg_rx proc, brief, glog;
} map_rx;

/* The part every mapping line starts with: "start-end" and an optional ":". */
static void rx_range(lg_rx *r, int S, int X)
{
	lg_rx_star(r, S);
	int g = lg_rx_group_begin(r);
	lg_rx_lit(r, "0x");
	lg_rx_group_end(r, g);
	lg_rx_save(r, 1, false);
	lg_rx_plus(r, X);
	lg_rx_save(r, 1, true);
	lg_rx_opt(r, lg_rx_class(r, "\\s\\-"));
	lg_rx_star(r, S);
	g = lg_rx_group_begin(r);
	lg_rx_lit(r, "0x");
	lg_rx_group_end(r, g);
	lg_rx_save(r, 2, false);
	lg_rx_plus(r, X);
	lg_rx_save(r, 2, true);
	lg_rx_opt(r, lg_rx_class(r, ":"));
	g = lg_rx_group_begin(r);
	lg_rx_plus(r, S);
	lg_rx_save(r, 3, false);
	lg_rx_plus(r, lg_rx_class(r, "\\-rwxp"));
	lg_rx_save(r, 3, true);
	lg_rx_group_end(r, g);
}

/* (?:\s+(CLASS+))? capturing group i */
static void rx_opt_field(lg_rx *r, int S, int cls, int i)
{
	int g = lg_rx_group_begin(r);
	lg_rx_plus(r, S);
	lg_rx_save(r, i, false);
	lg_rx_plus(r, cls);
	lg_rx_save(r, i, true);
	lg_rx_group_end(r, g);
}

static void map_rx_init(map_rx *m)
{
	/* procMapsRE: start-end perm offset dev:dev inode file */
	lg_rx *r = &m->proc;
	lg_rx_init(r, true);
	int S = lg_rx_class(r, "\\s"), X = lg_rx_class(r, "0-9a-fA-F");
	rx_range(r, S, X);
	rx_opt_field(r, S, X, 4);
	lg_rx_plus(r, S);
	lg_rx_plus(r, X);
	lg_rx_lit(r, ":");
	lg_rx_plus(r, X);
	lg_rx_plus(r, S);
	lg_rx_plus(r, lg_rx_class(r, "0-9"));
	rx_opt_field(r, S, lg_rx_class(r, "^\\s"), 5);

	/* briefMapsRE: start-end perm file (@offset) buildid */
	r = &m->brief;
	lg_rx_init(r, true);
	S = lg_rx_class(r, "\\s");
	X = lg_rx_class(r, "0-9a-fA-F");
	rx_range(r, S, X);
	rx_opt_field(r, S, lg_rx_class(r, "^\\s"), 4);
	int g = lg_rx_group_begin(r);
	lg_rx_plus(r, S);
	lg_rx_lit(r, "(@");
	lg_rx_save(r, 5, false);
	lg_rx_plus(r, X);
	lg_rx_save(r, 5, true);
	lg_rx_lit(r, ")");
	lg_rx_group_end(r, g);
	rx_opt_field(r, S, X, 6);

	/* logInfoRE: a glog prefix "file.cc:123] " */
	r = &m->glog;
	lg_rx_init(r, true);
	lg_rx_plus(r, lg_rx_class(r, "^\\[\\]"));
	lg_rx_lit(r, ":");
	lg_rx_plus(r, lg_rx_class(r, "0-9"));
	lg_rx_lit(r, "]");
	lg_rx_one(r, lg_rx_class(r, "\\s"));
	lg_rx_save(r, 0, true);
}

enum { ENTRY_MAP, ENTRY_SKIP, ENTRY_NONE };

/* pprof's parseMappingEntry. */
static int map_entry(lg_builder *b, const map_rx *m, const char *s, size_t n, lg_map *out)
{
	size_t caps[2 * LG_RX_CAPS];
	int start, end, perm, off, file, build = 0;
	if (lg_rx_exec(&m->proc, s, n, caps)) {
		start = 1, end = 2, perm = 3, off = 4, file = 5;
	} else if (lg_rx_exec(&m->brief, s, n, caps)) {
		start = 1, end = 2, perm = 3, file = 4, off = 5, build = 6;
	} else {
		return ENTRY_NONE;
	}
	size_t pl = lg_cap_len(caps, perm);
	if (pl && !memchr(s + caps[2 * perm], 'x', pl))
		return ENTRY_SKIP; /* not executable */
	*out = (lg_map){0};
	if (lg_parse_hex(s + caps[2 * start], lg_cap_len(caps, start), &out->start) != LG_NUM_OK ||
	    lg_parse_hex(s + caps[2 * end], lg_cap_len(caps, end), &out->limit) != LG_NUM_OK)
		return ENTRY_NONE;
	if (lg_cap_len(caps, off) && lg_parse_hex(s + caps[2 * off], lg_cap_len(caps, off), &out->offset) != LG_NUM_OK)
		return ENTRY_NONE;
	if (lg_cap_len(caps, file))
		out->file = prof_intern(b->p, s + caps[2 * file], lg_cap_len(caps, file));
	if (build && lg_cap_len(caps, build))
		out->build_id = prof_intern(b->p, s + caps[2 * build], lg_cap_len(caps, build));
	return ENTRY_MAP;
}

/* "$name" = value definitions, in order: the first that matches at a spot wins (strings.Replacer). */
typedef struct attrs {
	char **key, **val;
	size_t *klen, *vlen;
	size_t n, cap, kcap, vcap, klcap, vlcap;
	uint64_t work; /* bytes compared, bounded against hostile input */
} attrs;

/* Budget for "$name" lookups: far above any real map, far below a hang. */
#define ATTR_WORK_MAX (1ull << 28)

static char *dup_bytes(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	if (n)
		memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* s[0..n) with every "$name" replaced; a malloc'd copy in *out. false when over budget. */
static bool substitute(attrs *a, const char *s, size_t n, char **out, size_t *outn)
{
	size_t cap = n + 1, k = 0;
	char *d = xmalloc(cap);
	for (size_t i = 0; i < n;) {
		size_t hit = SIZE_MAX;
		if (s[i] == '$')
			for (size_t j = 0; j < a->n; j++) {
				a->work += a->klen[j];
				if (a->klen[j] <= n - i && memcmp(s + i, a->key[j], a->klen[j]) == 0) {
					hit = j;
					break;
				}
			}
		if (a->work > ATTR_WORK_MAX) {
			free(d);
			return false;
		}
		if (hit == SIZE_MAX) {
			GROW(d, cap, k + 2);
			d[k++] = s[i++];
			continue;
		}
		if (a->vlen[hit] > (size_t)1 << 24 || k > (size_t)1 << 24) {
			free(d);
			return false;
		}
		GROW(d, cap, k + a->vlen[hit] + 1);
		memcpy(d + k, a->val[hit], a->vlen[hit]);
		k += a->vlen[hit];
		i += a->klen[hit];
	}
	*out = d;
	*outn = k;
	return true;
}

static void attrs_add(attrs *a, const char *line, size_t n)
{
	const char *eq = memchr(line, '=', n);
	const char *k = line, *v = eq + 1;
	size_t kl = (size_t)(eq - line), vl = n - kl - 1;
	lg_trim(&k, &kl);
	lg_trim(&v, &vl);
	GROW(a->key, a->kcap, a->n + 1);
	GROW(a->val, a->vcap, a->n + 1);
	GROW(a->klen, a->klcap, a->n + 1);
	GROW(a->vlen, a->vlcap, a->n + 1);
	char *key = xmalloc(kl + 2);
	key[0] = '$';
	if (kl)
		memcpy(key + 1, k, kl);
	key[kl + 1] = '\0';
	a->key[a->n] = key;
	a->klen[a->n] = kl + 1;
	a->val[a->n] = dup_bytes(v, vl);
	a->vlen[a->n] = vl;
	a->n++;
}

static void attrs_free(attrs *a)
{
	for (size_t i = 0; i < a->n; i++) {
		free(a->key[i]);
		free(a->val[i]);
	}
	free(a->key);
	free(a->val);
	free(a->klen);
	free(a->vlen);
}

bool lg_memory_map(lg_builder *b, lg_scan *sc)
{
	map_rx *m = xmalloc(sizeof *m);
	map_rx_init(m);
	attrs a = {0};
	bool ok = true;
	const char *s;
	size_t n;
	while (ok && lg_scan_line(sc, &s, &n)) {
		size_t caps[2 * LG_RX_CAPS];
		if (lg_rx_exec(&m->glog, s, n, caps)) {
			s += caps[1];
			n -= caps[1];
		}
		char *line;
		size_t len;
		if (!substitute(&a, s, n, &line, &len)) {
			ok = prof_errf(b->err, "%s %zu: too many $name substitutions in the memory map",
			               sc->unit ? sc->unit : "line", sc->no);
			break;
		}
		lg_map mp;
		int kind = map_entry(b, m, line, len, &mp);
		if (kind == ENTRY_MAP) {
			GROW(b->maps, b->mapcap, b->nmap + 1);
			b->maps[b->nmap++] = mp;
		} else if (kind == ENTRY_NONE && memchr(line, '=', len)) {
			attrs_add(&a, line, len);
		}
		free(line);
	}
	if (ok && sc->too_long)
		ok = prof_errf(b->err, "%s %zu: longer than 65535 bytes", sc->unit ? sc->unit : "line", sc->no);
	attrs_free(&a);
	free(m);
	if (ok)
		lg_remap(b);
	return ok;
}

/* ---- pprof's heuristics and numbering ---- */

/* pprof's adjacent(): two map lines that are one mapping split in two. */
static bool adjacent(const lg_map *a, const lg_map *m)
{
	if (a->file && m->file && a->file != m->file)
		return false;
	if (a->build_id && m->build_id && a->build_id != m->build_id)
		return false;
	if (a->limit != m->start)
		return false;
	if (a->offset != 0 && m->offset != 0 && a->offset + (a->limit - a->start) != m->offset)
		return false;
	return true;
}

/* pprof's libRx: "([.]so$|[.]so[._][0-9]+)" */
static bool is_library(const char *f, size_t n)
{
	for (size_t i = 0; i + 3 <= n; i++) {
		if (memcmp(f + i, ".so", 3) != 0)
			continue;
		if (i + 3 == n)
			return true;
		if (i + 4 < n && (f[i + 3] == '.' || f[i + 3] == '_') && f[i + 4] >= '0' && f[i + 4] <= '9')
			return true;
	}
	return false;
}

/* Whether a mapping looks like the main binary: named, not a library, not "[vdso]"-like. */
static bool is_main(const prof_profile *p, const lg_map *m)
{
	const char *f = prof_bytes(p, m->file);
	size_t n = prof_strlen(p, m->file);
	/* The name with every "(deleted)" removed, trimmed. */
	char *c = xmalloc(n + 1);
	size_t k = 0;
	for (size_t i = 0; i < n;) {
		if (n - i >= 9 && memcmp(f + i, "(deleted)", 9) == 0) {
			i += 9;
			continue;
		}
		c[k++] = f[i++];
	}
	const char *t = c;
	lg_trim(&t, &k);
	bool main = k > 0 && !is_library(t, k) && t[0] != '[';
	free(c);
	return main;
}

/* pprof's massageMappings. */
static void massage(lg_builder *b)
{
	if (b->nmap > 1) {
		size_t w = 1;
		for (size_t i = 1; i < b->nmap; i++) {
			lg_map *last = &b->maps[w - 1], *m = &b->maps[i];
			if (adjacent(last, m)) {
				last->limit = m->limit;
				if (m->file)
					last->file = m->file;
				if (m->build_id)
					last->build_id = m->build_id;
				continue;
			}
			b->maps[w++] = *m;
		}
		b->nmap = w;
	}
	for (size_t i = 0; i < b->nmap; i++) {
		if (!is_main(b->p, &b->maps[i]))
			continue;
		lg_map t = b->maps[0];
		b->maps[0] = b->maps[i];
		b->maps[i] = t;
		break;
	}
}

void lg_remap(lg_builder *b)
{
	massage(b);
	/* remapLocationIDs: locations in order of first use; unused ones go. */
	uint8_t *seen = xcalloc(b->nloc + 1, 1);
	free(b->order);
	b->order = xmalloc((b->nloc + 1) * sizeof *b->order);
	b->norder = 0;
	for (size_t i = 0; i < b->nsample; i++) {
		const lg_sample *s = &b->samples[i];
		for (uint32_t k = 0; k < s->n; k++) {
			uint32_t l = b->stk[s->off + k];
			if (!seen[l]) {
				seen[l] = 1;
				b->order[b->norder++] = l;
			}
		}
	}
	free(seen);
	/* remapMappingIDs */
	if (b->nmap > 1) {
		const lg_map *m = &b->maps[0];
		if (prof_strlen(b->p, m->file) >= 14 && memcmp(prof_bytes(b->p, m->file), "/anon_hugepage", 14) == 0 &&
		    m->limit == b->maps[1].start) {
			memmove(b->maps, b->maps + 1, (b->nmap - 1) * sizeof *b->maps);
			b->nmap--;
		}
	}
	if (b->nmap > 0 && b->maps[0].start - b->maps[0].offset == 0x400000) {
		b->maps[0].start = 0x400000;
		b->maps[0].offset = 0;
	}
	uint32_t fake = PROF_NONE;
	for (size_t i = 0; i < b->norder; i++) {
		lg_loc *l = &b->locs[b->order[i]];
		uint64_t a = l->addr;
		if (l->map != PROF_NONE || a == 0)
			continue;
		for (size_t j = 0; j < b->nmap && l->map == PROF_NONE; j++)
			if (b->maps[j].start <= a && a < b->maps[j].limit)
				l->map = (uint32_t)j;
		/* A mapping whose first part the map left out: it starts offset bytes earlier. */
		for (size_t j = 0; j < b->nmap && l->map == PROF_NONE; j++) {
			lg_map *m = &b->maps[j];
			if (m->offset != 0 && m->start - m->offset <= a && a < m->start) {
				m->start -= m->offset;
				m->offset = 0;
				l->map = (uint32_t)j;
			}
		}
		if (l->map != PROF_NONE)
			continue;
		if (fake == PROF_NONE) {
			GROW(b->maps, b->mapcap, b->nmap + 1);
			b->maps[b->nmap] = (lg_map){.limit = UINT64_MAX};
			fake = (uint32_t)b->nmap++;
		}
		l->map = fake;
	}
}

typedef struct loc_key {
	const lg_builder *b;
	const lg_loc *l;
} loc_key;

/* pprof's key once addresses are gone: mapping, function and line. */
static bool loc_key_eq(const void *ctx, uint32_t i)
{
	const loc_key *k = ctx;
	const lg_loc *o = &k->b->locs[i];
	return o->map == k->l->map && o->func == k->l->func && o->line == k->l->line;
}

void lg_drop_addresses(lg_builder *b)
{
	for (size_t i = 0; i < b->nloc; i++)
		b->locs[i].addr = 0;
	/* Locations now equal by pprof's key (mapping, address, lines) become one. */
	uint32_t *canon = xmalloc((b->nloc + 1) * sizeof *canon);
	hashtab t = {0};
	hashtab_reserve(&t, b->nloc);
	for (size_t i = 0; i < b->nloc; i++) {
		const lg_loc *l = &b->locs[i];
		uint64_t h = ((uint64_t)l->map * 0x9e3779b97f4a7c15ull ^ l->func) * 0xff51afd7ed558ccdull ^ (uint64_t)l->line;
		loc_key k = {b, l};
		canon[i] = hashtab_intern(&t, h, (uint32_t)i, loc_key_eq, &k);
	}
	hashtab_free(&t);
	for (size_t i = 0; i < b->nstk; i++)
		b->stk[i] = canon[b->stk[i]];
	/* The numbering follows first use again, now of the merged locations. */
	size_t w = 0;
	for (size_t i = 0; i < b->norder; i++)
		if (canon[b->order[i]] == b->order[i])
			b->order[w++] = b->order[i];
	b->norder = w;
	free(canon);
}

void lg_drop_duplicate_leaf(lg_builder *b)
{
	for (size_t i = 0; i < b->nsample; i++) {
		lg_sample *s = &b->samples[i];
		if (s->n < 2)
			continue; /* stk is NULL when every stack is empty: no offset into it */
		uint32_t *st = b->stk + s->off;
		if (b->locs[st[0]].addr == b->locs[st[1]].addr + 1) {
			memmove(st + 1, st + 2, (s->n - 2) * sizeof *st);
			s->n--;
		}
	}
}

void lg_emit(lg_builder *b)
{
	prof_profile *p = b->p;
	p->mappings = xcalloc(b->nmap + 1, sizeof *p->mappings);
	for (size_t i = 0; i < b->nmap; i++) {
		const lg_map *m = &b->maps[i];
		p->mappings[i] = (prof_mapping){.id = i + 1, .start = m->start, .limit = m->limit, .offset = m->offset,
		                                .file = m->file, .build_id = m->build_id};
	}
	p->nmapping = b->nmap;
	/* Locations in pprof's order; functions in order of first use by them. */
	uint32_t *locidx = xmalloc((b->nloc + 1) * sizeof *locidx);
	uint32_t *fnidx = xmalloc((b->nfunc + 1) * sizeof *fnidx);
	for (size_t i = 0; i < b->nfunc; i++)
		fnidx[i] = PROF_NONE;
	p->locations = xcalloc(b->norder + 1, sizeof *p->locations);
	p->lines = xcalloc(b->norder + 1, sizeof *p->lines);
	p->functions = xcalloc(b->nfunc + 1, sizeof *p->functions);
	for (size_t i = 0; i < b->norder; i++) {
		const lg_loc *l = &b->locs[b->order[i]];
		locidx[b->order[i]] = (uint32_t)i;
		prof_location *pl = &p->locations[i];
		*pl = (prof_location){.id = i + 1, .address = l->addr, .mapping = l->map, .line_off = (uint32_t)p->nline};
		if (l->func == PROF_NONE)
			continue;
		if (fnidx[l->func] == PROF_NONE) {
			const lg_func *f = &b->funcs[l->func];
			fnidx[l->func] = (uint32_t)p->nfunction;
			p->functions[p->nfunction] = (prof_function){.id = p->nfunction + 1, .name = f->name,
			                                             .system_name = f->name, .filename = f->file};
			p->nfunction++;
		}
		p->lines[p->nline++] = (prof_line){.function = fnidx[l->func], .line = l->line};
		pl->nline = 1;
	}
	p->nlocation = b->norder;
	size_t nv = p->nsample_type;
	p->samples = xcalloc(b->nsample + 1, sizeof *p->samples);
	p->vals.wide = xcalloc(b->nsample * nv + 1, sizeof *p->vals.wide);
	p->labels = xcalloc(b->bytes_label ? b->nsample + 1 : 1, sizeof *p->labels);
	prof_strid bytes = b->bytes_label ? prof_intern(p, "bytes", 5) : 0;
	prof_stack_index six = {0};
	uint32_t *st = NULL;
	size_t stcap = 0;
	for (size_t i = 0; i < b->nsample; i++) {
		const lg_sample *s = &b->samples[i];
		GROW(st, stcap, (size_t)s->n + 1);
		for (uint32_t k = 0; k < s->n; k++)
			st[k] = locidx[b->stk[s->off + k]];
		prof_sample *ps = &p->samples[i];
		*ps = (prof_sample){.stack = prof_stack_intern(p, &six, st, s->n), .label_off = (uint32_t)p->nlabel};
		memcpy(p->vals.wide + i * nv, s->v, nv * sizeof *s->v);
		if (b->bytes_label) {
			p->labels[p->nlabel++] = (prof_label){.key = bytes, .num = s->bytes, .num_set = true};
			ps->nlabel = 1;
		}
	}
	p->nsample = b->nsample;
	prof_stack_index_free(&six);
	free(st);
	free(locidx);
	free(fnidx);
}

/* pprof's regular expressions of frames to drop, per kind of legacy profile. */
static const char alloc_rx[] =
	"calloc|cfree|malloc|free|memalign|do_memalign|(__)?posix_memalign|pvalloc|valloc|realloc|"
	"tcmalloc::.*|tc_calloc|tc_cfree|tc_malloc|tc_free|tc_memalign|tc_posix_memalign|tc_pvalloc|"
	"tc_valloc|tc_realloc|tc_new|tc_delete|tc_newarray|tc_deletearray|tc_new_nothrow|"
	"tc_newarray_nothrow|malloc_zone_malloc|malloc_zone_calloc|malloc_zone_valloc|"
	"malloc_zone_realloc|malloc_zone_memalign|malloc_zone_free|runtime\\..*|BaseArena::.*|"
	"(::)?do_malloc_no_errno|(::)?do_malloc_pages|(::)?do_malloc|DoSampledAllocation|"
	"MallocedMemBlock::MallocedMemBlock|_M_allocate|__builtin_(vec_)?delete|__builtin_(vec_)?new|"
	"__gnu_cxx::new_allocator::allocate|__libc_malloc|__malloc_alloc_template::allocate|allocate|"
	"cpp_alloc|operator new(\\[\\])?|simple_alloc::allocate";
static const char alloc_keep_rx[] = "runtime\\.panic|runtime\\.reflectcall|runtime\\.call[0-9]*";
static const char cpu_rx[] =
	"ProfileData::Add|ProfileData::prof_handler|CpuProfiler::prof_handler|__pthread_sighandler|__restore";
static const char lock_rx[] =
	"RecordLockProfileData|(base::)?RecordLockProfileData.*|(base::)?SubmitMutexProfileData.*|"
	"(base::)?SubmitSpinLockProfileData.*|(base::Mutex::)?AwaitCommon.*|(base::Mutex::)?Unlock.*|"
	"(base::Mutex::)?UnlockSlow.*|(base::Mutex::)?ReaderUnlock.*|(base::MutexLock::)?~MutexLock.*|"
	"(Mutex::)?AwaitCommon.*|(Mutex::)?Unlock.*|(Mutex::)?UnlockSlow.*|(Mutex::)?ReaderUnlock.*|"
	"(MutexLock::)?~MutexLock.*|(SpinLock::)?Unlock.*|(SpinLock::)?SlowUnlock.*|"
	"(SpinLockHolder::)?~SpinLockHolder.*";

/* Whether p's sample types are exactly names[0..n). */
static bool types_are(const prof_profile *p, const char *const *names, size_t n)
{
	if (p->nsample_type != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(prof_str(p, p->sample_types[i].type), names[i]) != 0)
			return false;
	return true;
}

void lg_frame_info(prof_profile *p)
{
	static const char *const heap[][4] = {
		{"allocations", "size"}, {"objects", "space"}, {"inuse_objects", "inuse_space"},
		{"alloc_objects", "alloc_space"}, {"alloc_objects", "alloc_space", "inuse_objects", "inuse_space"},
	};
	static const char *const lock[] = {"contentions", "delay"};
	bool is_heap = false;
	for (size_t i = 0; i < sizeof heap / sizeof heap[0]; i++)
		is_heap = is_heap || types_are(p, heap[i], heap[i][2] ? 4 : 2);
	if (is_heap) {
		p->drop_frames = prof_intern(p, alloc_rx, sizeof alloc_rx - 1);
		p->keep_frames = prof_intern(p, alloc_keep_rx, sizeof alloc_keep_rx - 1);
	} else if (types_are(p, lock, 2)) {
		p->drop_frames = prof_intern(p, lock_rx, sizeof lock_rx - 1);
	} else {
		p->drop_frames = prof_intern(p, cpu_rx, sizeof cpu_rx - 1);
	}
}
