/* filter: see filter.h. */
#include "xform/filter.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/units.h"
#include "util/re.h"
#include "xform/prune.h"

bool prof_filters_active(const prof_filters *f)
{
	const char *all[] = {f->focus, f->ignore, f->hide, f->show, f->show_from,
	                     f->prune_from, f->tagfocus, f->tagignore, f->tagshow, f->taghide};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		if (all[i] && *all[i])
			return true;
	return false;
}

/* Compiles an option's regex when set; re->ok stays false when unset. */
static bool compile_opt(prof_re *re, const char *name, const char *value, prof_err *err)
{
	re->ok = false;
	if (!value || !*value)
		return true;
	prof_err e = {0};
	if (!prof_re_compile(re, value, false, &e))
		return prof_errf(err, "parsing %s regexp: %s", name, e.msg);
	return true;
}

/* ---- numeric tag ranges ---- */

typedef struct num_range {
	enum { R_EQ, R_GE, R_LE, R_BETWEEN } kind;
	double lo, hi;
	char unit[32];
} num_range;

typedef struct range_tok {
	const char *start;
	size_t len;
	int64_t v;
	char unit[32];
} range_tok;

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* The next match of [+-]?[0-9]+([A-Za-z]+)? at or after s. */
static bool next_tok(const char *s, range_tok *t)
{
	for (; *s; s++) {
		const char *d = s;
		if (*d == '+' || *d == '-')
			d++;
		if (*d < '0' || *d > '9')
			continue;
		const char *e = d;
		while (*e >= '0' && *e <= '9')
			e++;
		char num[32];
		size_t nl = (size_t)(e - s);
		if (nl >= sizeof num)
			return false;
		memcpy(num, s, nl);
		num[nl] = '\0';
		errno = 0;
		t->v = strtoll(num, NULL, 10);
		if (errno)
			return false;
		const char *u = e;
		while (is_alpha(*u))
			u++;
		size_t ul = (size_t)(u - e);
		if (ul >= sizeof t->unit)
			return false;
		memcpy(t->unit, e, ul);
		t->unit[ul] = '\0';
		t->start = s;
		t->len = (size_t)(u - s);
		return true;
	}
	return false;
}

/* pprof's parseTagFilterRange: false when value is not a range (then it is a regex). */
static bool parse_range(const char *value, num_range *r)
{
	range_tok a, b;
	if (!next_tok(value, &a))
		return false;
	const char *unit;
	r->lo = fmt_scale(a.v, a.unit, a.unit, &unit);
	snprintf(r->unit, sizeof r->unit, "%s", unit);
	bool two = next_tok(a.start + a.len, &b);
	size_t vl = strlen(value);
	if (!two) {
		if (vl == a.len && value == a.start)
			r->kind = R_EQ;
		else if (vl == a.len + 1 && value == a.start && value[vl - 1] == ':')
			r->kind = R_GE;
		else if (vl == a.len + 1 && value[0] == ':' && a.start == value + 1)
			r->kind = R_LE;
		else
			return false;
		return true;
	}
	/* The whole value must be exactly "A:B". */
	if (a.start != value || b.start != a.start + a.len + 1 || value[a.len] != ':' ||
	    b.start + b.len != value + vl)
		return false;
	r->hi = fmt_scale(b.v, b.unit, r->unit, &unit);
	if (strcmp(unit, r->unit) != 0)
		return false;
	r->kind = R_BETWEEN;
	return true;
}

static bool range_match(const num_range *r, int64_t v, const char *unit)
{
	const char *su;
	double sv = fmt_scale(v, unit, r->unit, &su);
	if (strcmp(su, r->unit) != 0)
		return false;
	switch (r->kind) {
	case R_EQ: return sv == r->lo;
	case R_GE: return sv >= r->lo;
	case R_LE: return sv <= r->lo;
	case R_BETWEEN: return sv >= r->lo && sv <= r->hi;
	}
	return false;
}

/* A compiled tagfocus/tagignore: by numeric range or by regexes. */
typedef struct tag_filter {
	bool set, numeric;
	char key[256]; /* "" matches any key */
	num_range range;
	prof_re *rx;
	size_t nrx;
} tag_filter;

static bool tag_filter_compile(tag_filter *t, const char *name, const char *value, FILE *warn, prof_err *err)
{
	memset(t, 0, sizeof *t);
	if (!value || !*value)
		return true;
	t->set = true;
	const char *eq = strchr(value, '=');
	if (eq) {
		size_t kl = (size_t)(eq - value);
		if (kl >= sizeof t->key)
			return prof_errf(err, "parsing %s: tag key too long", name);
		memcpy(t->key, value, kl);
		t->key[kl] = '\0';
		value = eq + 1;
	}
	if (parse_range(value, &t->range)) {
		t->numeric = true;
		if (warn)
			fprintf(warn, "%s:Interpreted '%s' as range, not regexp\n", name, value);
		return true;
	}
	char *copy = strdup(value);
	if (!copy)
		prof_oom();
	size_t n = 1;
	for (const char *c = copy; *c; c++)
		n += *c == ',';
	t->rx = xcalloc(n, sizeof *t->rx);
	char *save = NULL;
	/* strtok_r skips empty pieces; Go's Split keeps them, and "" matches everything. */
	for (char *piece = copy, *next; piece; piece = next) {
		next = strchr(piece, ',');
		if (next)
			*next++ = '\0';
		prof_err e = {0};
		if (!prof_re_compile(&t->rx[t->nrx], piece, false, &e)) {
			free(copy);
			return prof_errf(err, "parsing %s regexp: %s", name, e.msg);
		}
		t->nrx++;
	}
	(void)save;
	free(copy);
	return true;
}

static void tag_filter_free(tag_filter *t)
{
	for (size_t i = 0; i < t->nrx; i++)
		prof_re_free(&t->rx[i]);
	free(t->rx);
	t->rx = NULL; /* freeing twice is harmless */
	t->nrx = 0;
}

static bool tag_filter_match(const prof_profile *p, const tag_filter *t, const prof_sample *s,
                             const prof_strid *units, char *buf, size_t bufn)
{
	const prof_label *ls = p->labels + s->label_off;
	if (t->numeric) {
		for (uint32_t i = 0; i < s->nlabel; i++) {
			const prof_label *l = &ls[i];
			if (!prof_label_is_num(l) || (*t->key && strcmp(prof_str(p, l->key), t->key) != 0))
				continue;
			if (range_match(&t->range, l->num, prof_str(p, units[l->key])))
				return true;
		}
		return false;
	}
	if (*t->key) {
		for (uint32_t i = 0; i < s->nlabel; i++) {
			const prof_label *l = &ls[i];
			if (!l->str || strcmp(prof_str(p, l->key), t->key) != 0)
				continue;
			for (size_t r = 0; r < t->nrx; r++)
				if (prof_re_match(&t->rx[r], prof_str(p, l->str)))
					return true;
		}
		return false;
	}
	/* Without a key every regex must match some "key:value". */
	for (size_t r = 0; r < t->nrx; r++) {
		bool hit = false;
		for (uint32_t i = 0; i < s->nlabel && !hit; i++) {
			const prof_label *l = &ls[i];
			if (!l->str)
				continue;
			snprintf(buf, bufn, "%s:%s", prof_str(p, l->key), prof_str(p, l->str));
			hit = prof_re_match(&t->rx[r], buf);
		}
		if (!hit)
			return false;
	}
	return true;
}

prof_strid *prof_num_label_units(prof_profile *p)
{
	size_t n = p->strs.n;
	prof_strid *units = xcalloc(n + 1, sizeof *units);
	uint8_t *seen = xcalloc(n + 1, 1);
	for (size_t i = 0; i < p->nlabel; i++) {
		const prof_label *l = &p->labels[i];
		if (!prof_label_is_num(l))
			continue;
		seen[l->key] = 1;
		if (l->num_unit && !units[l->key])
			units[l->key] = l->num_unit;
	}
	for (size_t k = 0; k < n; k++) {
		if (!seen[k] || units[k])
			continue;
		const char *key = prof_str(p, (prof_strid)k);
		if (strcmp(key, "alignment") == 0 || strcmp(key, "request") == 0)
			units[k] = prof_intern(p, "bytes", 5);
		else
			units[k] = (prof_strid)k;
	}
	free(seen);
	return units;
}

bool prof_filters_check(const prof_filters *f, prof_err *err)
{
	prof_re re;
	const char *names[] = {"focus", "ignore", "hide", "show", "show_from", "prune_from", "tagshow", "taghide"};
	const char *vals[] = {f->focus, f->ignore, f->hide, f->show, f->show_from, f->prune_from, f->tagshow,
	                      f->taghide};
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		if (!compile_opt(&re, names[i], vals[i], err))
			return false;
		prof_re_free(&re);
	}
	tag_filter t;
	bool ok = tag_filter_compile(&t, "tagfocus", f->tagfocus, NULL, err);
	tag_filter_free(&t);
	if (!ok)
		return false; /* t is freed: a second free would be a double one */
	ok = tag_filter_compile(&t, "tagignore", f->tagignore, NULL, err);
	tag_filter_free(&t);
	return ok;
}

/* ---- name filters ---- */

/*
 * An expression's verdict on each function, found once: a profile has many
 * times more lines than functions, and each verdict is two regex searches.
 */
typedef struct fn_memo {
	const prof_re *re;
	uint8_t *v; /* per function: 0 not asked yet, 1 no, 2 yes */
} fn_memo;

static fn_memo fn_memo_new(const prof_profile *p, const prof_re *re)
{
	return (fn_memo){re, xcalloc(p->nfunction + 1, 1)};
}

static bool fn_matches(const prof_profile *p, const prof_line *ln, fn_memo *m)
{
	uint8_t *v = &m->v[ln->function];
	if (!*v) {
		const prof_function *fn = &p->functions[ln->function];
		*v = prof_re_match(m->re, prof_str(p, fn->name)) || prof_re_match(m->re, prof_str(p, fn->filename)) ? 2 : 1;
	}
	return *v == 2;
}

static bool mapping_matches(const prof_profile *p, const prof_location *l, const prof_re *re)
{
	return l->mapping != PROF_NONE && prof_re_match(re, prof_str(p, p->mappings[l->mapping].file));
}

static bool loc_matches(const prof_profile *p, const prof_location *l, fn_memo *m)
{
	for (uint32_t k = 0; k < l->nline; k++)
		if (fn_matches(p, &p->lines[l->line_off + k], m))
			return true;
	return mapping_matches(p, l, m->re);
}

/* Keeps, in place, the lines of l that match re (keep_matching) or do not. */
static void keep_lines(prof_profile *p, prof_location *l, fn_memo *m, bool keep_matching)
{
	uint32_t w = 0;
	for (uint32_t k = 0; k < l->nline; k++) {
		const prof_line ln = p->lines[l->line_off + k];
		if (fn_matches(p, &ln, m) == keep_matching)
			p->lines[l->line_off + w++] = ln;
	}
	l->nline = w;
}

enum { LOC_NONE, LOC_FOCUS, LOC_IGNORE };

typedef struct name_pass {
	const uint8_t *fi;     /* per location: LOC_* */
	const uint8_t *hidden; /* per location */
	bool can_ignore;       /* an ignore expression matched a location */
} name_pass;

/* pprof's focusedAndNotIgnored, then the hidden locations taken out. */
static int64_t name_stack(const prof_profile *p, const uint32_t *locs, uint32_t n, uint32_t *out, void *arg)
{
	(void)p;
	const name_pass *np = arg;
	bool focused = false;
	for (uint32_t i = 0; i < n; i++) {
		if (np->fi[locs[i]] == LOC_IGNORE)
			return -1;
		if (np->fi[locs[i]] == LOC_FOCUS)
			focused = true;
	}
	if (!focused)
		return -1;
	uint32_t w = 0;
	for (uint32_t i = 0; i < n; i++)
		if (!np->hidden[locs[i]])
			out[w++] = locs[i];
	return w ? (int64_t)w : -1;
}

/*
 * focus and ignore alone keep a stack whole or drop it: the samples on
 * dropped stacks go and the stacks stay as they are (in order, so every
 * report sees what a renumbering would give it), without rewriting any.
 * With hidden locations left in place (prof_apply_filters_hiding), a stack
 * with nothing else goes too, as it does when they are taken out.
 */
static void drop_stacks(prof_profile *p, const name_pass *np)
{
	uint8_t *keep_stack = xmalloc(p->nstack + 1);
	bool dropped = false;
	for (size_t s = 0; s < p->nstack; s++) {
		const prof_stack *st = &p->stacks[s];
		bool focused = false, ignored = false, shown = false;
		for (uint32_t i = 0; i < st->len && !ignored; i++) {
			/* One at a time: most stacks are decided within their first frames. */
			uint32_t l = prof_stack_loc(p, st, i);
			ignored = np->fi[l] == LOC_IGNORE;
			focused = focused || np->fi[l] == LOC_FOCUS;
			shown = shown || !np->hidden[l];
			/* Without an ignored location the verdict is known: stop reading the stack (hide on 1M stacks). */
			if (focused && shown && !np->can_ignore)
				break;
		}
		keep_stack[s] = focused && !ignored && shown;
		dropped = dropped || !keep_stack[s];
	}
	if (dropped) {
		uint8_t *keep = xmalloc(p->nsample + 1);
		for (size_t i = 0; i < p->nsample; i++)
			keep[i] = keep_stack[p->samples[i].stack];
		prof_keep_samples(p, keep);
		free(keep);
	}
	free(keep_stack);
}

/* show_from: keep from the leaf up to the outermost frame that matches. */
static int64_t show_from_stack(const prof_profile *p, const uint32_t *locs, uint32_t n, uint32_t *out, void *arg)
{
	(void)p;
	const uint8_t *from = arg;
	for (uint32_t i = n; i-- > 0;)
		if (from[locs[i]]) {
			memcpy(out, locs, (i + 1) * sizeof *locs);
			return i + 1;
		}
	return -1;
}

/* prune_from: drop the frames leafward of the first (from the leaf) match. */
static int64_t prune_from_stack(const prof_profile *p, const uint32_t *locs, uint32_t n, uint32_t *out, void *arg)
{
	(void)p;
	const uint8_t *beneath = arg;
	uint32_t i = 0;
	while (i < n && !beneath[locs[i]])
		i++;
	if (i == n)
		i = 0;
	if (n - i)
		memcpy(out, locs + i, (n - i) * sizeof *locs);
	return n - i;
}

static void warn_no_match(FILE *warn, bool matched, const char *option)
{
	if (warn && !matched)
		fprintf(warn, "%s expression matched no samples\n", option);
}

static void tag_bits(prof_profile *p, const tag_filter *focus, const tag_filter *ignore, uint8_t *bits);

void prof_tag_bits(prof_profile *p, const prof_filters *f, uint8_t *bits)
{
	tag_filter focus, ignore;
	prof_err err = {0};
	/* Checked by the caller: a bad filter keeps every sample. */
	bool ok = tag_filter_compile(&focus, "tagfocus", f->tagfocus, NULL, &err) &&
	          tag_filter_compile(&ignore, "tagignore", f->tagignore, NULL, &err);
	if (!ok) {
		tag_filter_free(&focus);
		memset(bits, PROF_TAG_FOCUSED, p->nsample);
		return;
	}
	tag_bits(p, &focus, &ignore, bits);
	tag_filter_free(&focus);
	tag_filter_free(&ignore);
}

/* Per sample: PROF_TAG_FOCUSED when tagfocus keeps it (or is unset), PROF_TAG_IGNORED when tagignore drops it. */
static void tag_bits(prof_profile *p, const tag_filter *focus, const tag_filter *ignore, uint8_t *bits)
{
	prof_strid *units = prof_num_label_units(p);
	char buf[8192];
	for (size_t i = 0; i < p->nsample; i++) {
		const prof_sample *s = &p->samples[i];
		bool focused = !focus->set || tag_filter_match(p, focus, s, units, buf, sizeof buf);
		bool ignored = ignore->set && tag_filter_match(p, ignore, s, units, buf, sizeof buf);
		bits[i] = (uint8_t)((focused ? PROF_TAG_FOCUSED : 0) | (ignored ? PROF_TAG_IGNORED : 0));
	}
	free(units);
}

/* Filters samples by their labels; the bools say whether anything matched. */
static void tag_pass(prof_profile *p, const tag_filter *focus, const tag_filter *ignore, bool *fm, bool *im)
{
	uint8_t *keep = xmalloc(p->nsample + 1);
	tag_bits(p, focus, ignore, keep);
	for (size_t i = 0; i < p->nsample; i++) {
		*fm = *fm || (keep[i] & PROF_TAG_FOCUSED);
		*im = *im || (keep[i] & PROF_TAG_IGNORED);
		keep[i] = keep[i] == PROF_TAG_FOCUSED;
	}
	prof_keep_samples(p, keep);
	free(keep);
}

/* Whether tagshow and taghide match label l's key; false for labels pprof does not see. */
static bool label_key_verdict(const prof_profile *p, const prof_label *l, const prof_re *show, const prof_re *hide,
                              bool *ms, bool *mh)
{
	if (!l->str && !prof_label_is_num(l))
		return false;
	const char *key = prof_str(p, l->key);
	*ms = !show->ok || prof_re_match(show, key);
	*mh = hide->ok && prof_re_match(hide, key);
	return true;
}

/*
 * tagshow/taghide: drop label keys from every sample. Samples may share a
 * run of labels (the decoder stores equal ones once): a run is edited in
 * place once, and the others on it take its new length.
 */
static void label_pass(prof_profile *p, const prof_re *show, const prof_re *hide, bool *sm, bool *hm)
{
	uint32_t *done = xmalloc((p->nlabel + 1) * sizeof *done); /* per run start: its new length, or UINT32_MAX */
	memset(done, 0xff, (p->nlabel + 1) * sizeof *done);
	for (size_t i = 0; i < p->nsample; i++) {
		prof_sample *s = &p->samples[i];
		if (!s->nlabel)
			continue;
		if (done[s->label_off] != UINT32_MAX) {
			s->nlabel = done[s->label_off];
			continue;
		}
		prof_label *ls = p->labels + s->label_off;
		uint32_t w = 0;
		for (uint32_t k = 0; k < s->nlabel; k++) {
			bool ms, mh;
			if (!label_key_verdict(p, &ls[k], show, hide, &ms, &mh)) {
				ls[w++] = ls[k]; /* not a label pprof sees; leave it */
				continue;
			}
			*sm = *sm || ms;
			*hm = *hm || mh;
			if (ms && !mh)
				ls[w++] = ls[k];
		}
		s->nlabel = done[s->label_off] = w;
	}
	free(done);
}

void prof_label_key_matches(const prof_profile *p, const prof_filters *f, const uint8_t *alive, bool *sm,
                            bool *hm)
{
	prof_re show, hide;
	prof_err err = {0};
	*sm = *hm = false;
	if (!compile_opt(&show, "tagshow", f->tagshow, &err))
		return;
	if (!compile_opt(&hide, "taghide", f->taghide, &err)) {
		prof_re_free(&show);
		return;
	}
	for (size_t i = 0; i < p->nsample; i++) {
		if (!alive[i])
			continue;
		const prof_sample *s = &p->samples[i];
		for (uint32_t k = 0; k < s->nlabel; k++) {
			bool ms, mh;
			if (label_key_verdict(p, &p->labels[s->label_off + k], &show, &hide, &ms, &mh)) {
				*sm = *sm || ms;
				*hm = *hm || mh;
			}
		}
	}
	prof_re_free(&show);
	prof_re_free(&hide);
}

/* pprof's FilterSamplesByName: focus/ignore decide samples, hide/show edit locations. */
static void name_filter(prof_profile *p, const prof_re *focus, const prof_re *ignore, const prof_re *hide,
                        const prof_re *show, bool *fm, bool *im, bool *hm, bool *hnm, uint8_t **hidden_out)
{
	uint8_t *fi = xcalloc(p->nlocation + 1, 1), *hidden = xcalloc(p->nlocation + 1, 1);
	fn_memo mf = fn_memo_new(p, focus), mi = fn_memo_new(p, ignore), mh = fn_memo_new(p, hide),
	        ms = fn_memo_new(p, show);
	for (size_t i = 0; i < p->nlocation; i++) {
		prof_location *l = &p->locations[i];
		if (ignore->ok && loc_matches(p, l, &mi)) {
			*im = true;
			fi[i] = LOC_IGNORE;
		} else if (!focus->ok || loc_matches(p, l, &mf)) {
			*fm = true;
			fi[i] = LOC_FOCUS;
		}
		if (hide->ok && loc_matches(p, l, &mh)) {
			*hm = true;
			if (mapping_matches(p, l, hide))
				l->nline = 0;
			else
				keep_lines(p, l, &mh, false);
			if (l->nline == 0)
				hidden[i] = 1;
		}
		if (show->ok) {
			if (!mapping_matches(p, l, show))
				keep_lines(p, l, &ms, true);
			if (l->nline == 0)
				hidden[i] = 1;
			else
				*hnm = true;
		}
	}
	free(mf.v);
	free(mi.v);
	free(mh.v);
	free(ms.v);
	name_pass np = {fi, hidden, *im};
	if ((hide->ok || show->ok) && !hidden_out)
		prof_rewrite_stacks(p, name_stack, &np);
	else
		drop_stacks(p, &np);
	free(fi);
	if (hidden_out)
		*hidden_out = hidden;
	else
		free(hidden);
}

/* Every filter compiled, in pprof's order (notes on ranges to warn as it goes). */
typedef struct compiled {
	prof_re focus, ignore, hide, show, show_from, prune_from, tagshow, taghide;
	tag_filter tagfocus, tagignore;
} compiled;

static void compiled_free(compiled *c)
{
	prof_re *all[] = {&c->focus, &c->ignore, &c->hide, &c->show, &c->show_from, &c->prune_from, &c->tagshow,
	                  &c->taghide};
	for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
		prof_re_free(all[i]);
	tag_filter_free(&c->tagfocus);
	tag_filter_free(&c->tagignore);
}

static bool compile_all(compiled *c, const prof_filters *f, FILE *warn, prof_err *err)
{
	memset(c, 0, sizeof *c);
	bool ok = compile_opt(&c->focus, "focus", f->focus, err) && compile_opt(&c->ignore, "ignore", f->ignore, err) &&
	          compile_opt(&c->hide, "hide", f->hide, err) && compile_opt(&c->show, "show", f->show, err) &&
	          compile_opt(&c->show_from, "show_from", f->show_from, err) &&
	          compile_opt(&c->prune_from, "prune_from", f->prune_from, err) &&
	          tag_filter_compile(&c->tagfocus, "tagfocus", f->tagfocus, warn, err) &&
	          tag_filter_compile(&c->tagignore, "tagignore", f->tagignore, warn, err) &&
	          compile_opt(&c->tagshow, "tagshow", f->tagshow, err) &&
	          compile_opt(&c->taghide, "taghide", f->taghide, err);
	if (!ok)
		compiled_free(c);
	return ok;
}

bool prof_filters_compile_notes(const prof_filters *f, FILE *warn, prof_err *err)
{
	compiled c;
	if (!compile_all(&c, f, warn, err))
		return false;
	compiled_free(&c);
	return true;
}

void prof_tag_warnings(FILE *warn, const prof_filters *f, bool tfm, bool tim, bool tns, bool tnh)
{
	bool focus = f->tagfocus && *f->tagfocus, ignore = f->tagignore && *f->tagignore;
	bool show = f->tagshow && *f->tagshow, hide = f->taghide && *f->taghide;
	warn_no_match(warn, !focus || tfm, "TagFocus");
	warn_no_match(warn, !ignore || tim, "TagIgnore");
	warn_no_match(warn, !show || tns, "TagShow");
	warn_no_match(warn, !hide || tnh, "TagHide");
}

static bool apply_filters(prof_profile *p, const prof_filters *f, FILE *warn, prof_err *err, uint8_t **hidden_out);

bool prof_apply_filters(prof_profile *p, const prof_filters *f, FILE *warn, prof_err *err)
{
	return apply_filters(p, f, warn, err, NULL);
}

bool prof_apply_filters_hiding(prof_profile *p, const prof_filters *f, FILE *warn, prof_err *err,
                               uint8_t **hidden)
{
	*hidden = NULL;
	return apply_filters(p, f, warn, err, hidden);
}

static bool apply_filters(prof_profile *p, const prof_filters *f, FILE *warn, prof_err *err, uint8_t **hidden_out)
{
	compiled c;
	if (!compile_all(&c, f, warn, err))
		return false;
	prof_re *focus = &c.focus, *ignore = &c.ignore, *hide = &c.hide, *show = &c.show;
	prof_re *tagshow = &c.tagshow, *taghide = &c.taghide;

	/* focus, ignore, hide, show (pprof's FilterSamplesByName) */
	bool fm = false, im = false, hm = false, hnm = false;
	/* None of the four: pprof keeps every sample, those without a location too. */
	if (focus->ok || ignore->ok || hide->ok || show->ok)
		name_filter(p, focus, ignore, hide, show, &fm, &im, &hm, &hnm, hidden_out);
	/* No name filter: nothing hidden, but the caller still gets its array. */
	if (hidden_out && !*hidden_out)
		*hidden_out = xcalloc(p->nlocation + 1, 1);
	const uint8_t *hidden = hidden_out ? *hidden_out : NULL;
	warn_no_match(warn, !focus->ok || fm, "Focus");
	warn_no_match(warn, !ignore->ok || im, "Ignore");
	warn_no_match(warn, !hide->ok || hm, "Hide");
	warn_no_match(warn, !show->ok || hnm, "Show");

	/* show_from: lines above the outermost match go, and frames above it */
	if (c.show_from.ok) {
		uint8_t *from = xcalloc(p->nlocation + 1, 1);
		fn_memo m = fn_memo_new(p, &c.show_from);
		bool sfm = false;
		for (size_t i = 0; i < p->nlocation; i++) {
			prof_location *l = &p->locations[i];
			/* A hidden location left in its stacks is not there: it cannot be the frame shown from. */
			if (hidden && hidden[i])
				continue;
			if (mapping_matches(p, l, &c.show_from)) {
				from[i] = sfm = true;
				continue;
			}
			for (uint32_t k = l->nline; k-- > 0;)
				if (fn_matches(p, &p->lines[l->line_off + k], &m)) {
					l->nline = k + 1;
					from[i] = sfm = true;
					break;
				}
		}
		free(m.v);
		prof_rewrite_stacks(p, show_from_stack, from);
		free(from);
		warn_no_match(warn, sfm, "ShowFrom");
	}

	bool tfm = false, tim = false, tns = false, tnh = false;
	tag_pass(p, &c.tagfocus, &c.tagignore, &tfm, &tim);
	if (tagshow->ok || taghide->ok)
		label_pass(p, tagshow, taghide, &tns, &tnh);
	prof_tag_warnings(warn, f, tfm, tim, tns, tnh);

	/* prune_from: keep a location's lines from the innermost match outwards */
	if (c.prune_from.ok) {
		uint8_t *beneath = xcalloc(p->nlocation + 1, 1);
		for (size_t i = 0; i < p->nlocation; i++) {
			prof_location *l = &p->locations[i];
			for (uint32_t k = 0; k < l->nline; k++) {
				const prof_function *fn = &p->functions[p->lines[l->line_off + k].function];
				if (!fn->name)
					continue;
				char *name = prof_simplify_func(prof_str(p, fn->name));
				bool hit = prof_re_match(&c.prune_from, name);
				free(name);
				if (hit) {
					beneath[i] = 1;
					l->line_off += k;
					l->nline -= k;
					break;
				}
			}
		}
		prof_rewrite_stacks(p, prune_from_stack, beneath);
		free(beneath);
	}

	compiled_free(&c);
	return true;
}
