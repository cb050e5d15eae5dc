/*
 * dot: pprof's call graph in Graphviz's DOT language (-dot), byte for byte.
 *
 * Owns: the report's text. A legend box with the header lines, one box per
 * node (short function name on several lines, flat and cum, a font size and
 * colours from the values), boxes for the node's tags (label sets, and the
 * sizes of the "bytes" label, collapsed into at most four ranges), and the
 * edges, heaviest first, dotted when they skip dropped nodes. The graph
 * itself (selection, order, call trees) comes from graph/visual.
 *
 * Escaping follows pprof exactly: function names, tooltips and the legend
 * are escaped for DOT; file names in node labels, label values in tag boxes
 * and the title are printed as pprof prints them, unescaped. A quote there
 * breaks pprof's DOT, so for Graphviz (rctx.dot_escape_all, set by the
 * images) they are escaped too.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "graph/visual.h"
#include "util/units.h"
#include "report/internal.h"
#include "util/path.h"
#include "xform/filter.h"
#include "util/sort.h"
#include "util/strbuf.h"

/* pprof's escapeForDot: backslashes and quotes escaped, newlines made left-justified breaks. */
static void sb_escape(sbuf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\\')
			sb_add(b, "\\\\");
		else if (*s == '"')
			sb_add(b, "\\\"");
		else if (*s == '\n')
			sb_add(b, "\\l");
		else
			sb_addn(b, s, 1);
	}
}

/* s, escaped into tmp when all is set (see the module comment), else s itself. */
static const char *escaped_if(sbuf *tmp, const char *s, bool all)
{
	if (!all)
		return s;
	tmp->n = 0;
	sb_add(tmp, "");
	sb_escape(tmp, s);
	return tmp->s;
}

/* ---- pprof's ShortenFunctionName ---- */

static bool is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static char *substr(const char *s, size_t from, size_t to)
{
	char *r = xmalloc(to - from + 1);
	memcpy(r, s + from, to - from);
	r[to - from] = '\0';
	return r;
}

/*
 * Removes a module version ("/v2", "/v10") followed by "." or "/": pprof's
 * goVerRegExp, whose anchors and dots make it match only when s has no newline.
 */
static size_t drop_module_version(char *s, size_t n)
{
	if (memchr(s, '\n', n))
		return n;
	for (size_t p = 0; p + 1 < n; p++) {
		if (s[p] != '/' || s[p + 1] != 'v')
			continue;
		size_t d = p + 2, e = d;
		while (e < n && s[e] >= '0' && s[e] <= '9')
			e++;
		if (e == d || s[d] == '0' || (e - d == 1 && s[d] == '1'))
			continue;
		if (e == n || (s[e] != '.' && s[e] != '/'))
			continue;
		memmove(s + p, s + e, n - e + 1);
		return n - (e - p);
	}
	return n;
}

/*
 * pprof's goRegExp, ^(?:[\w\-\.]+\/)+([^.]+\..+): the longest run of "dir/"
 * prefixes that leaves "name.rest" behind, rest up to the end of its line.
 * Dropping a prefix is tried from the last "/" back, as Go's backtracking does.
 */
static char *short_go(const char *s, size_t n)
{
	size_t i = 0, last = SIZE_MAX;
	for (;;) {
		size_t j = i;
		while (j < n && (is_word(s[j]) || s[j] == '-' || s[j] == '.'))
			j++;
		if (j == i || j == n || s[j] != '/')
			break;
		last = i = j + 1;
	}
	if (last == SIZE_MAX)
		return NULL;
	/* dot: the first "." at or after q (n when none). */
	const char *d = memchr(s + last, '.', n - last);
	size_t dot = d ? (size_t)(d - s) : n;
	for (size_t q = last;;) {
		if (dot > q && dot + 1 < n && s[dot + 1] != '\n') {
			size_t e = dot + 1;
			while (e < n && s[e] != '\n')
				e++;
			return substr(s, q, e);
		}
		/* The next shorter prefix ends just after the previous "/". */
		size_t p = q - 1;
		while (p > 0 && s[p - 1] != '/')
			p--;
		if (p == 0)
			return NULL;
		for (size_t k = p; k < q; k++)
			if (s[k] == '.') {
				dot = k;
				break;
			}
		q = p;
	}
}

/* pprof's javaRegExp: Class.method of pkg.sub.Class.method(args). */
static char *short_java(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && is_lower(s[i])) {
		size_t j = i + 1;
		while (j < n && is_word(s[j]))
			j++;
		if (j == n || s[j] != '.')
			return NULL;
		i = j + 1;
	}
	if (i == n || !is_upper(s[i]))
		return NULL;
	size_t j = i + 1;
	while (j < n && (is_word(s[j]) || s[j] == '$'))
		j++;
	if (j == n || s[j] != '.')
		return NULL;
	size_t k = j + 1, e;
	if (n - k >= 6 && strncmp(s + k, "<init>", 6) == 0) {
		e = k + 6;
	} else if (k < n && is_lower(s[k])) {
		e = k + 1;
		while (e < n && (is_word(s[e]) || s[e] == '$'))
			e++;
	} else {
		return NULL;
	}
	if (e != n && s[e] != '(')
		return NULL;
	return substr(s, i, e);
}

/* pprof's cppRegExp: Class::method (with template arguments) of ns::Class::method. */
static char *short_cpp(const char *s, size_t n)
{
	/* after[t]: where the text after the t-th "name::" starts. */
	size_t *after = xmalloc((n / 3 + 2) * sizeof *after);
	size_t m = 0, i = 0;
	while (i < n && (s[i] == '_' || is_lower(s[i]) || is_upper(s[i]))) {
		size_t j = i + 1;
		while (j < n && is_word(s[j]))
			j++;
		if (j + 1 >= n || s[j] != ':' || s[j + 1] != ':')
			break;
		i = after[m++] = j + 2;
	}
	char *r = NULL;
	for (size_t t = m; t-- > 0 && !r;) {
		size_t q = after[t], x = q;
		while (x < n && s[x] == '_')
			x++;
		if (x == n || !is_upper(s[x]))
			continue;
		while (x < n && is_word(s[x]))
			x++;
		if (x + 1 >= n || s[x] != ':' || s[x + 1] != ':')
			continue;
		x += 2;
		if (x < n && s[x] == '~')
			x++;
		if (x == n || !(s[x] == '_' || is_lower(s[x]) || is_upper(s[x])))
			continue;
		size_t e = x + 1;
		while (e < n && is_word(s[e]))
			e++;
		if (e < n && s[e] == '<') {
			size_t close = SIZE_MAX;
			for (size_t k = e + 1; k < n && s[k] != '\n'; k++)
				if (s[k] == '>')
					close = k;
			if (close != SIZE_MAX)
				e = close + 1;
		}
		r = substr(s, q, e);
	}
	free(after);
	return r;
}

/* pprof's ShortenFunctionName (malloc'd). */
static char *shorten_name(const char *name)
{
	static const char anon[] = "(anonymous namespace)::";
	if (strncmp(name, anon, sizeof anon - 1) == 0)
		name += sizeof anon - 1;
	size_t n = strlen(name);
	char *s = substr(name, 0, n);
	n = drop_module_version(s, n);
	char *r = short_go(s, n);
	if (!r)
		r = short_java(s, n);
	if (!r)
		r = short_cpp(s, n);
	if (r) {
		free(s);
		return r;
	}
	return s;
}

/* pprof's multilinePrintableName: the node's name, one part per line, with a trailing break. */
static void multiline_name(sbuf *b, const graph_index *ix, uint32_t info, bool escape_all)
{
	const graph_info *i = &ix->info[info];
	const prof_profile *p = ix->p;
	char buf[4096];
	bool first = true;
	if (i->address) {
		snprintf(buf, sizeof buf, "%016" PRIx64, i->address);
		sb_add(b, buf);
		first = false;
	}
	if (i->name) {
		char *shortened = shorten_name(prof_str(p, i->name));
		sbuf nm = {0};
		sb_escape(&nm, shortened);
		free(shortened);
		sb_replace(&nm, "::", "\\n");
		/* Go's "[...]" of type parameters stays on one line. */
		sb_replace(&nm, "[...]", "[\xe2\x80\xa6]");
		sb_replace(&nm, ".", "\\n");
		if (!first)
			sb_add(b, "\\n");
		sb_add(b, nm.s ? nm.s : "");
		free(nm.s);
		first = false;
	}
	const char *file = i->file ? path_base(prof_str(p, i->file), buf, sizeof buf) : "";
	char tail[4200];
	const char *part = NULL;
	if (i->lineno) {
		int k = snprintf(tail, sizeof tail, "%s:%" PRId64, file, i->lineno);
		if (i->colno && k > 0 && (size_t)k < sizeof tail)
			snprintf(tail + k, sizeof tail - (size_t)k, ":%" PRId64, i->colno);
		part = tail;
	} else if (*file) {
		part = file;
	} else if (i->name) {
	} else if (i->objfile) {
		char ob[4096];
		snprintf(tail, sizeof tail, "[%s]", path_base(prof_str(p, i->objfile), ob, sizeof ob));
		part = tail;
	} else {
		part = "<unknown>";
	}
	if (part) {
		if (!first)
			sb_add(b, "\\n");
		sbuf tmp = {0};
		sb_add(b, escaped_if(&tmp, part, escape_all));
		free(tmp.s);
	}
	sb_add(b, "\\n");
}

/* ---- numbers as Go computes them ---- */

/* Go's int64(f) on amd64: NaN and out-of-range values give the minimum. */
static int64_t go_int64(double f)
{
	if (!(f >= -9223372036854775808.0 && f < 9223372036854775808.0))
		return INT64_MIN;
	return (int64_t)f;
}

/* Go's uint8(f) on amd64, through a 32-bit conversion. */
static unsigned go_uint8(double f)
{
	if (!(f > -2147483649.0 && f < 2147483648.0))
		return 0;
	return (unsigned)(uint8_t)(int32_t)f;
}

/* Go's int64 a * b / c: wrapping product, and no trap for the one overflowing quotient. */
static int64_t go_muldiv(int64_t a, int64_t b, int64_t c)
{
	int64_t prod = (int64_t)((uint64_t)a * (uint64_t)b);
	if (c == -1)
		return (int64_t)(0 - (uint64_t)prod);
	return prod / c;
}

static int64_t wrap_add(int64_t a, int64_t b)
{
	return (int64_t)((uint64_t)a + (uint64_t)b);
}

static int64_t go_div(int64_t a, int64_t b)
{
	return b == -1 ? (int64_t)(0 - (uint64_t)a) : a / b;
}

/* Go's math.Min and math.Max: NaN wins. */
static double go_min(double a, double b)
{
	return isnan(a) || isnan(b) ? NAN : a < b ? a : b;
}

static double go_max(double a, double b)
{
	return isnan(a) || isnan(b) ? NAN : a > b ? a : b;
}

/*
 * pprof's dotColor: red for positive scores, green for negative, grey near
 * zero; pale for backgrounds. Scores move away from zero by a power of 0.3
 * (pprof's 1 - 0.7, which Go evaluates exactly).
 */
static void dot_color(double score, bool bg, char out[8])
{
	double sat = bg ? 0.1 : 1.0, val = bg ? 0.93 : 0.7;
	score = go_max(-1.0, go_min(1.0, score));
	if (fabs(score) < 0.2)
		sat *= fabs(score) / 0.2;
	if (score > 0.0)
		score = pow(score, 0.3);
	if (score < 0.0)
		score = -pow(-score, 0.3);
	double r, g, b;
	if (score < 0.0) {
		g = val;
		r = val * (1 + sat * score);
	} else {
		r = val;
		g = val * (1 - sat * score);
	}
	b = val * (1 - sat);
	snprintf(out, 8, "#%02x%02x%02x", go_uint8(r * 255.0), go_uint8(g * 255.0), go_uint8(b * 255.0));
}

/* ---- the input: per sample value, label set and sizes ---- */

static int str_pcmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The "bytes" label's tag names by value: each distinct size formatted once (a profile has a few thousand). */
typedef struct size_names {
	hashtab tab;
	struct size_name {
		int64_t v;
		uint32_t id;
	} *ents;
	size_t n, cap;
} size_names;

typedef struct size_key {
	const size_names *m;
	int64_t v;
} size_key;

static bool size_eq(const void *ctx, uint32_t e)
{
	const size_key *k = ctx;
	return k->m->ents[e].v == k->v;
}

/* The interned tag name of size v: formatted in the requested unit. */
static uint32_t size_name(size_names *m, vgraph_input *in, int64_t v, const char *unit, const char *to)
{
	uint64_t h = (uint64_t)v * 0x9e3779b97f4a7c15ull;
	size_key k = {m, v};
	uint32_t e = hashtab_intern(&m->tab, h ^ h >> 29, (uint32_t)m->n, size_eq, &k);
	if (e == m->n) {
		char name[128];
		fmt_scaled_label(name, sizeof name, v, unit, to);
		GROW(m->ents, m->cap, m->n + 1);
		m->ents[m->n++] = (struct size_name){v, vgraph_intern(&in->strs, name, strlen(name))};
	}
	return m->ents[e].id;
}

/* What prepare_input's samples share: the size names, and room to join a label set. */
typedef struct label_scratch {
	size_names sizes;
	const char *unit, *to;
	prof_strid bytes, base;
	sbuf parts;    /* each "key:value" with its NUL, one after another */
	size_t *off;   /* where each starts in parts */
	char **sorted; /* the same, in order */
	size_t offcap, sortedcap;
	sbuf joined;
} label_scratch;

static void add_num(vgraph_input *in, uint32_t name, int64_t value)
{
	size_t cap = in->numcap;
	GROW(in->num_name, cap, (size_t)in->nnum + 1);
	cap = in->numcap;
	GROW(in->num_value, cap, (size_t)in->nnum + 1);
	in->numcap = (uint32_t)cap;
	in->num_name[in->nnum] = name;
	in->num_value[in->nnum++] = value;
}

/* Sample s's label set id and sizes, from its labels. */
static void sample_labels(vgraph_input *in, const prof_profile *p, size_t s, label_scratch *x)
{
	const prof_sample *sm = &p->samples[s];
	const prof_label *ls = p->labels + sm->label_off;
	size_t nparts = 0;
	x->parts.n = 0;
	for (uint32_t j = 0; j < sm->nlabel; j++) {
		const prof_label *l = &ls[j];
		if (l->str && l->key != x->base) {
			GROW(x->off, x->offcap, nparts + 1);
			x->off[nparts++] = x->parts.n;
			sb_add(&x->parts, prof_str(p, l->key));
			sb_addn(&x->parts, ":", 1);
			sb_add(&x->parts, prof_str(p, l->str));
			sb_addn(&x->parts, "", 1);
		} else if (l->key == x->bytes && prof_label_is_num(l)) {
			add_num(in, size_name(&x->sizes, in, l->num, x->unit, x->to), l->num);
		}
	}
	if (!nparts)
		return;
	GROW(x->sorted, x->sortedcap, nparts);
	for (size_t j = 0; j < nparts; j++)
		x->sorted[j] = x->parts.s + x->off[j];
	qsort(x->sorted, nparts, sizeof *x->sorted, str_pcmp);
	x->joined.n = 0;
	for (size_t j = 0; j < nparts; j++) {
		if (j)
			sb_add(&x->joined, "\\n");
		sb_add(&x->joined, x->sorted[j]);
	}
	in->group[s] = vgraph_intern(&in->strs, x->joined.s, x->joined.n);
}

/*
 * pprof's newGraph keeps the sample's string labels (as one sorted
 * "key:value" list, joined by a literal \n, without pprof::base) and only the
 * "bytes" numeric label, whose values name tags in the requested unit.
 * Samples with equal labels share one run of them in the profile: a run
 * seen before gives what its first sample was given.
 */
static const char *prepare_input(vgraph_input *in, rctx *r)
{
	prof_profile *p = r->p;
	vgraph_input_init(in, r->ix, p->nsample);
	label_scratch x = {.bytes = prof_intern(p, "bytes", 5), .base = prof_intern(p, "pprof::base", 11),
	                   .to = r->o->unit};
	prof_strid *units = prof_num_label_units(p);
	x.unit = prof_str(p, units[x.bytes]);
	uint32_t *first = xcalloc(p->nlabel + 1, sizeof *first); /* per run offset: its first sample + 1 */
	for (size_t s = 0; s < p->nsample; s++) {
		in->w[s] = prof_value(p, s, (size_t)r->si);
		if (r->o->mean) /* else left as calloc gave it: untouched pages cost nothing */
			in->dw[s] = prof_value(p, s, 0);
		in->num_off[s] = in->nnum;
		const prof_sample *sm = &p->samples[s];
		if (!sm->nlabel)
			continue;
		uint32_t f = first[sm->label_off];
		if (f && p->samples[f - 1].nlabel == sm->nlabel) {
			in->group[s] = in->group[f - 1];
			for (uint32_t j = in->num_off[f - 1]; j < in->num_off[f]; j++)
				add_num(in, in->num_name[j], in->num_value[j]);
			continue;
		}
		if (!f && s < UINT32_MAX)
			first[sm->label_off] = (uint32_t)s + 1;
		sample_labels(in, p, s, &x);
	}
	in->num_off[p->nsample] = in->nnum;
	hashtab_free(&x.sizes.tab);
	free(x.sizes.ents);
	free(x.parts.s);
	free(x.off);
	free(x.sorted);
	free(x.joined.s);
	free(first);
	free(units);
	return x.unit;
}

/* ---- tags ---- */

typedef struct dtag {
	const char *name;
	uint32_t group; /* label tags: their label set */
	char *owned; /* name, when made here */
	int64_t value;
	int64_t flat, flat_div, cum, cum_div;
} dtag;

static int64_t dtag_flat(const dtag *t)
{
	return t->flat_div ? go_div(t->flat, t->flat_div) : t->flat;
}

static int64_t dtag_cum(const dtag *t)
{
	return t->cum_div ? go_div(t->cum, t->cum_div) : t->cum;
}

/* pprof's SortTags: heavier (cum, unless *(bool *)flat) first, then by name. */
static int dtag_cmp(const void *a, const void *b, void *flat)
{
	const dtag *l = a, *r = b;
	if (!*(const bool *)flat && l->cum != r->cum && vgraph_abs(l->cum) != vgraph_abs(r->cum))
		return vgraph_abs(l->cum) > vgraph_abs(r->cum) ? -1 : 1;
	if (l->flat != r->flat && vgraph_abs(l->flat) != vgraph_abs(r->flat))
		return vgraph_abs(l->flat) > vgraph_abs(r->flat) ? -1 : 1;
	return strcmp(l->name, r->name);
}

static void sort_tags(dtag *t, size_t n, bool flat)
{
	sort_r(t, n, sizeof *t, dtag_cmp, &flat);
}

/* pprof's tagDistance: how far t's value is from u's, in t's unit. */
static double tag_distance(const dtag *t, const dtag *u, const char *unit)
{
	const char *un;
	double v = fmt_scale(u->value, unit, unit, &un);
	return v < (double)t->value ? (double)t->value - v : v - (double)t->value;
}

/* pprof's collapsedTags: at most count tags, the rest merged into ranges around the heaviest. */
static size_t collapse_tags(dtag *ts, size_t n, size_t count, bool flat, const char *unit, dtag *out)
{
	sort_tags(ts, n, flat);
	if (n <= count) {
		memcpy(out, ts, n * sizeof *ts);
		return n;
	}
	size_t *group = xmalloc(n * sizeof *group);
	for (size_t i = 0; i < n; i++)
		group[i] = i < count ? i : SIZE_MAX;
	for (size_t i = count; i < n; i++) {
		size_t g = 0;
		double d = tag_distance(&ts[i], &ts[0], unit);
		for (size_t k = 1; k < count; k++) {
			double nd = tag_distance(&ts[i], &ts[k], unit);
			if (nd < d) {
				g = k;
				d = nd;
			}
		}
		group[i] = g;
	}
	for (size_t g = 0; g < count; g++) {
		const dtag *min = &ts[g], *max = &ts[g];
		int64_t f = min->flat, df = min->flat_div, c = min->cum, dc = min->cum_div;
		size_t members = 1;
		for (size_t i = count; i < n; i++) {
			if (group[i] != g)
				continue;
			const dtag *t = &ts[i];
			const char *un;
			if (go_int64(fmt_scale(t->value, unit, unit, &un)) < min->value)
				min = t;
			if (go_int64(fmt_scale(t->value, unit, unit, &un)) > max->value)
				max = t;
			f = wrap_add(f, t->flat);
			df = wrap_add(df, t->flat_div);
			c = wrap_add(c, t->cum);
			dc = wrap_add(dc, t->cum_div);
			members++;
		}
		char a[64], b[64];
		dtag *o = &out[g];
		*o = (dtag){0};
		if (members == 1) {
			fmt_scaled_label(a, sizeof a, min->value, unit, "auto");
			o->owned = substr(a, 0, strlen(a));
			o->flat = dtag_flat(min);
			o->cum = dtag_cum(min);
		} else {
			fmt_scaled_label(a, sizeof a, min->value, unit, "auto");
			fmt_scaled_label(b, sizeof b, max->value, unit, "auto");
			size_t len = strlen(a) + strlen(b) + 3;
			o->owned = xmalloc(len);
			snprintf(o->owned, len, "%s..%s", a, b);
			o->flat = df ? go_div(f, df) : f;
			o->cum = dc ? go_div(c, dc) : c;
		}
		o->name = o->owned;
	}
	free(group);
	sort_tags(out, count, flat);
	return count;
}

typedef struct dot {
	FILE *out;
	rctx *r;
	const vgraph *g;
	const char *unit; /* of the "bytes" label */
} dot;

/* pprof's numericNodelets: the size boxes hanging from source. */
static bool numeric_nodelets(dot *d, dtag *nts, size_t n, bool flat, const char *source)
{
	if (!n)
		return false;
	dtag *c = xmalloc(n * sizeof *c);
	size_t nc = collapse_tags(nts, n, 4, flat, d->unit, c);
	bool any = false;
	for (size_t j = 0; j < nc; j++) {
		int64_t w = dtag_cum(&c[j]);
		const char *attr = " style=\"dotted\"";
		if (flat || dtag_flat(&c[j]) == dtag_cum(&c[j])) {
			w = dtag_flat(&c[j]);
			attr = "";
		}
		if (w != 0) {
			char weight[64];
			rctx_value(d->r, w, weight, sizeof weight);
			sbuf tmp = {0};
			fprintf(d->out, "N%s_%zu [label = \"%s\" id=\"N%s_%zu\" fontsize=8 shape=box3d tooltip=\"%s\"]\n",
			        source, j, escaped_if(&tmp, c[j].name, d->r->dot_escape_all), source, j, weight);
			free(tmp.s);
			fprintf(d->out, "%s -> N%s_%zu [label=\" %s\" weight=100 tooltip=\"%s\" labeltooltip=\"%s\"%s]\n",
			        source, source, j, weight, weight, weight, attr);
			any = true;
		}
	}
	for (size_t j = 0; j < nc; j++)
		free(c[j].owned);
	free(c);
	return any;
}

static size_t gather_tags(const dot *d, uint32_t node, bool numeric, uint32_t group, dtag *out)
{
	const vgraph *g = d->g;
	const vgraph_list *tl = &g->nodes[node].tags;
	size_t n = 0;
	for (uint32_t j = 0; j < tl->n; j++) {
		const vgraph_tag *t = &g->tags[tl->id[j]];
		if (t->dead || t->numeric != numeric || (numeric && t->group != group))
			continue;
		out[n++] = (dtag){.name = g->in->strs.str[t->name], .group = t->group, .value = t->value, .flat = t->flat,
		                  .flat_div = t->flat_div, .cum = t->cum, .cum_div = t->cum_div};
	}
	return n;
}

/*
 * pprof's addNodelets: the node's four heaviest label sets (flat for nodes
 * with callees, cum for leaves), each with its sizes, then the sizes of the
 * samples without labels. Whether anything was drawn.
 */
static bool nodelets(dot *d, uint32_t node, int id)
{
	const vgraph *g = d->g;
	uint32_t ntags = g->nodes[node].tags.n;
	if (!ntags)
		return false;
	bool flat = g->nodes[node].out.n > 0, any = false;
	dtag *ts = xmalloc(ntags * sizeof *ts), *nts = xmalloc(ntags * sizeof *nts);
	size_t n = gather_tags(d, node, false, 0, ts);
	sort_tags(ts, n, flat);
	if (n > 4)
		n = 4;
	for (size_t i = 0; i < n; i++) {
		int64_t w = flat ? dtag_flat(&ts[i]) : dtag_cum(&ts[i]);
		if (w == 0)
			continue;
		char weight[64], source[48];
		rctx_value(d->r, w, weight, sizeof weight);
		sbuf tmp = {0};
		fprintf(d->out, "N%d_%zu [label = \"%s\" id=\"N%d_%zu\" fontsize=8 shape=box3d tooltip=\"%s\"]\n", id, i,
		        escaped_if(&tmp, ts[i].name, d->r->dot_escape_all), id, i, weight);
		free(tmp.s);
		fprintf(d->out, "N%d -> N%d_%zu [label=\" %s\" weight=100 tooltip=\"%s\" labeltooltip=\"%s\"]\n", id, id,
		        i, weight, weight, weight);
		any = true;
		snprintf(source, sizeof source, "N%d_%zu", id, i);
		numeric_nodelets(d, nts, gather_tags(d, node, true, ts[i].group, nts), flat, source);
	}
	char source[32];
	snprintf(source, sizeof source, "N%d", id);
	any = numeric_nodelets(d, nts, gather_tags(d, node, true, 0, nts), flat, source) || any;
	free(ts);
	free(nts);
	return any;
}

/* ---- nodes and edges ---- */

static void node_line(dot *d, uint32_t node, int id, double max_flat)
{
	const vgraph_node *nd = &d->g->nodes[node];
	const graph_index *ix = d->g->in->ix;
	rctx *r = d->r;
	int64_t flat = vgraph_flat(nd), cum = vgraph_cum(nd);
	sbuf label = {0};
	multiline_name(&label, ix, nd->info, r->dot_escape_all);
	char fv[64], cv[64], pct[32], buf[200];
	rctx_value(r, flat, fv, sizeof fv);
	if (flat != 0) {
		fmt_percentage(pct, sizeof pct, flat, r->total);
		snprintf(buf, sizeof buf, "%s (%s)", fv, rctx_trim_space(pct));
		sb_add(&label, buf);
	} else {
		sb_add(&label, "0");
	}
	memcpy(cv, fv, sizeof cv);
	if (cum != flat) {
		sb_add(&label, flat != 0 ? "\\n" : " ");
		rctx_value(r, cum, cv, sizeof cv);
		fmt_percentage(pct, sizeof pct, cum, r->total);
		snprintf(buf, sizeof buf, "of %s (%s)", cv, rctx_trim_space(pct));
		sb_add(&label, buf);
	}
	/* Font size from 8 to 24 by the square root of flat's share of the largest. */
	int font = 8;
	double af = (double)vgraph_abs(flat);
	if (max_flat != 0 && flat != 0 && af <= max_flat)
		font += (int)ceil(16.0 * sqrt(af / max_flat));
	sbuf tip = {0};
	sb_escape(&tip, ix->printable[nd->info]);
	double score = (double)cum / (double)vgraph_abs(r->total);
	char color[8], fill[8];
	dot_color(score, false, color);
	dot_color(score, true, fill);
	fprintf(d->out,
	        "N%d [label=\"%s\" id=\"node%d\" fontsize=%d shape=box tooltip=\"%s (%s)\" color=\"%s\" fillcolor=\"%s\"]\n",
	        id, label.s, id, font, tip.s ? tip.s : "", cv, color, fill);
	free(label.s);
	free(tip.s);
}

static void edge_line(dot *d, const vgraph_edge *e, int from, int to, bool src_nodelets)
{
	rctx *r = d->r;
	const graph_index *ix = d->g->in->ix;
	int64_t wv = vgraph_weight(e);
	char w[64], color[8];
	rctx_value(r, wv, w, sizeof w);
	fprintf(d->out, "N%d -> N%d [label=\" %s%s\"", from, to, w, e->inl ? "\\n (inline)" : "");
	int64_t total = r->total;
	if (total != 0) {
		int64_t weight = vgraph_abs(go_muldiv(wv, 100, total)), width = vgraph_abs(go_muldiv(wv, 5, total));
		/* The quotients can pass 100% in a diff; pprof caps them. */
		weight = 1 + (weight < 100 ? weight : 100);
		width = 1 + (width < 5 ? width : 5);
		if (weight > 1)
			fprintf(d->out, " weight=%d", (int)weight);
		if (width > 1)
			fprintf(d->out, " penwidth=%d", (int)width);
		dot_color((double)wv / (double)vgraph_abs(total), false, color);
		fprintf(d->out, " color=\"%s\"", color);
	}
	sbuf tip = {0};
	sb_add(&tip, "\"");
	sb_escape(&tip, ix->printable[d->g->nodes[e->src].info]);
	sb_add(&tip, e->residual ? " ... " : " -> ");
	sb_escape(&tip, ix->printable[d->g->nodes[e->dst].info]);
	sb_add(&tip, " (");
	sb_add(&tip, w);
	sb_add(&tip, ")\"");
	fprintf(d->out, " tooltip=%s labeltooltip=%s", tip.s, tip.s);
	free(tip.s);
	if (e->residual)
		fputs(" style=\"dotted\"", d->out);
	if (src_nodelets)
		fputs(" minlen=2", d->out);
	fputs("]\n", d->out);
}

static int edge_qcmp(const void *a, const void *b, void *g)
{
	return vgraph_edge_cmp(g, *(const uint32_t *)a, *(const uint32_t *)b);
}

/* ---- the legend ---- */

typedef struct labels {
	char **s;
	size_t n, cap;
} labels;

static void add_label(void *ctx, const char *line)
{
	labels *l = ctx;
	GROW(l->s, l->cap, l->n + 1);
	l->s[l->n++] = substr(line, 0, strlen(line));
}

/* pprof's reportLabels with full headers, as the legend box lists them. */
static void legend_labels(labels *l, const rctx *r, const vgraph_result *tr)
{
	const vgraph *g = tr->g;
	rctx_profile_label_list(r, add_label, l);
	rctx_filter_label_list(r, add_label, l);
	int64_t flat_sum = 0;
	for (uint32_t k = 0; k < g->nlist; k++)
		flat_sum = wrap_add(flat_sum, vgraph_flat(&g->nodes[g->list[k]]));
	char a[64], b[64], c[64], line[300];
	rctx_value(r, flat_sum, a, sizeof a);
	fmt_percentage(b, sizeof b, flat_sum, r->total);
	rctx_value(r, r->total, c, sizeof c);
	snprintf(line, sizeof line, "Showing nodes accounting for %s, %s of %s total", a, rctx_trim_space(b), c);
	add_label(l, line);
	if (r->total != 0) {
		if (tr->dropped_nodes > 0) {
			rctx_value(r, vgraph_abs(go_int64((double)r->total * r->trim.node_fraction)), a, sizeof a);
			snprintf(line, sizeof line, "Dropped %d node%s (cum <= %s)", tr->dropped_nodes,
			         tr->dropped_nodes > 1 ? "s" : "", a);
			add_label(l, line);
		}
		if (tr->dropped_edges > 0) {
			rctx_value(r, vgraph_abs(go_int64((double)r->total * r->trim.edge_fraction)), a, sizeof a);
			snprintf(line, sizeof line, "Dropped %d edge%s (freq <= %s)", tr->dropped_edges,
			         tr->dropped_edges > 1 ? "s" : "", a);
			add_label(l, line);
		}
		if (g->nlist > 0 && (int)g->nlist < tr->orig_count) {
			snprintf(line, sizeof line, "Showing top %u nodes out of %d", g->nlist, tr->orig_count);
			add_label(l, line);
		}
	}
	add_label(l, "\nSee https://git.io/JfYMW for how to read the graph");
}

/* ---- the report ---- */

bool report_dot_rctx(FILE *out, rctx *r)
{
	vgraph_input in;
	const char *bytes_unit = prepare_input(&in, r);
	vgraph_opts vo = {.node_fraction = r->trim.node_fraction, .edge_fraction = r->trim.edge_fraction,
	                  .node_count = r->trim.node_count, .call_tree = r->o->call_tree,
	                  .drop_negative = r->trim.drop_negative};
	vgraph_result tr = vgraph_trimmed(&in, &vo);
	const vgraph *g = tr.g;

	int64_t min = 0;
	for (uint32_t k = 0; k < g->nlist; k++) {
		const vgraph_node *nd = &g->nodes[g->list[k]];
		int64_t v = vgraph_abs(vgraph_flat(nd));
		if (v == 0)
			v = vgraph_abs(vgraph_cum(nd));
		if (v > 0 && (min == 0 || v < min))
			min = v;
	}
	rctx_select_unit_min(r, g->nlist, min);

	labels l = {0};
	legend_labels(&l, r, &tr);
	char tbuf[4096];
	const char *file = rctx_mapping_file(r->p);
	sbuf etitle = {0};
	const char *title = *file ? escaped_if(&etitle, path_base(file, tbuf, sizeof tbuf), r->dot_escape_all) : "";
	fprintf(out, "digraph \"%s\" {\n", *title ? title : "unnamed");
	fputs("node [style=filled fillcolor=\"#f8f8f8\"]\n", out);
	sbuf legend = {0};
	sb_add(&legend, "subgraph cluster_L { \"");
	sb_escape(&legend, l.s[0]);
	sb_add(&legend, "\" [shape=box fontsize=16 label=\"");
	for (size_t i = 0; i < l.n; i++) {
		if (i)
			sb_add(&legend, "\\l");
		sb_escape(&legend, l.s[i]);
	}
	sb_add(&legend, "\\l\"");
	fputs(legend.s, out);
	if (*title)
		fprintf(out, " tooltip=\"%s\"", title);
	fputs("] }\n", out);
	free(etitle.s);
	free(legend.s);
	for (size_t i = 0; i < l.n; i++)
		free(l.s[i]);
	free(l.s);

	dot d = {.out = out, .r = r, .g = g, .unit = bytes_unit};
	if (g->nlist > 0) {
		/* Node ids in order; edges into nodes that are not shown get pprof's N0. */
		int *id = xcalloc((size_t)g->nnodes + 1, sizeof *id);
		uint8_t *has_nodelets = xcalloc((size_t)g->nnodes + 1, 1);
		double max_flat = (double)vgraph_abs(vgraph_flat(&g->nodes[g->list[0]]));
		for (uint32_t k = 0; k < g->nlist; k++) {
			id[g->list[k]] = (int)k + 1;
			double f = (double)vgraph_abs(vgraph_flat(&g->nodes[g->list[k]]));
			if (f > max_flat)
				max_flat = f;
		}
		uint32_t *edges = NULL;
		size_t nedges = 0, cap = 0;
		for (uint32_t k = 0; k < g->nlist; k++) {
			uint32_t n = g->list[k];
			node_line(&d, n, (int)k + 1, max_flat);
			has_nodelets[n] = nodelets(&d, n, (int)k + 1);
			const vgraph_list *o = &g->nodes[n].out;
			GROW(edges, cap, nedges + o->n + 1);
			for (uint32_t j = 0; j < o->n; j++)
				edges[nedges++] = o->id[j];
		}
		sort_r(edges, nedges, sizeof *edges, edge_qcmp, (void *)g);
		for (size_t k = 0; k < nedges; k++) {
			const vgraph_edge *e = &g->edges[edges[k]];
			edge_line(&d, e, id[e->src], id[e->dst], has_nodelets[e->src]);
		}
		free(edges);
		free(id);
		free(has_nodelets);
	}
	fputs("}\n", out);
	vgraph_free(tr.g);
	vgraph_input_free(&in);
	return true;
}
