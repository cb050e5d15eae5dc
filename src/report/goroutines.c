/*
 * goroutines: what a Go engineer wants from a goroutine dump in an incident.
 *
 * Goroutines with the same stack, state and creator form one group; the
 * largest group comes first. Each group shows its count, state, how long its
 * goroutines have been waiting, whether they can never wake up ("STUCK
 * FOREVER", a guess from the state), who started them, their own labels
 * and the stack, leaf first. Goroutines the runtime itself found leaked (Go 1.26's "(leaked)",
 * the label leaked=true, or every goroutine of a goroutineleak profile) are
 * its verdict, not a guess: their groups come before all others, marked
 * LEAKED.
 *
 * Inputs: a debug=2 dump (or runtime.Stack text, a crash log), where each
 * goroutine is a sample of count 1 with the labels state, created_by and
 * wait_minutes (see load/text_dump.c); or a goroutine profile (.pb.gz,
 * debug=1), which has no states: groups are then by stack alone and a
 * group's count is the sum of its samples' values.
 *
 * Everything printed from the profile (names, files, states) goes through
 * put_clean, so a hostile dump cannot drive the terminal.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "util/arena.h"
#include "util/re.h"
#include "model/goname.h"
#include "util/term.h"
#include "util/sort.h"

#define C_APP "\033[1m"       /* application frames: bold */
#define C_STD "\033[2m"       /* runtime and standard library frames: dim */
#define C_STUCK "\033[1;31m"  /* the stuck-forever flag: bold red */
#define C_LEAK "\033[1;35m"   /* the runtime's leak verdict: bold magenta */
#define C_OFF "\033[0m"

#define NAME_COL_MAX 64 /* the file column starts at most this far in */

/* One frame of a stack's key: three words, see stack_key. */
#define KEY_WORDS 3

typedef struct gsample {
	uint32_t sample, cls; /* cls: the stack's class (equal keys, equal class) */
	prof_strid state, created;
	int64_t minutes;      /* -1: no wait time printed (under a minute, or unknown) */
	int64_t count;
	bool leaked;          /* the runtime's verdict */
} gsample;

typedef struct group {
	size_t first, n;      /* members: sorted[first..first+n) */
	int64_t count;
	int64_t min_wait, max_wait; /* over members, a missing wait counting as 0 */
	bool any_wait;
	int64_t hist[4];      /* <1m, 1-5m, 5-60m, >60m */
	bool stuck, leaked;
	const char *state, *leaf;
} group;

typedef struct gctx {
	const prof_profile *p;
	uint64_t *keys;       /* each stack's key, at key_off[stack], key_len[stack] words */
	size_t *key_off;
	size_t *key_len;
	gsample *gs;
} gctx;

/*
 * Writes s (a model string, so shown under the name policy already) and
 * returns the number of columns written, counting a code point as one.
 */
static size_t put_clean(FILE *out, const char *s)
{
	fputs(s, out);
	return utf8_columns(s);
}

/* Is this frame the runtime's or the standard library's? A dump's bare "panic" is the runtime's. */
static bool is_std(const char *name)
{
	goname g;
	return goname_parse(name, &g) ? goname_is_std(name) : true;
}

/* The states in which nothing can ever wake the goroutine (a dump's "(leaked)" is a label now). */
static bool is_stuck(const char *state)
{
	return strcmp(state, "chan receive (nil chan)") == 0 || strcmp(state, "chan send (nil chan)") == 0 ||
	       strcmp(state, "select (no cases)") == 0 || strstr(state, "(leaked)") != NULL;
}

/*
 * A stack's key: KEY_WORDS words per printed frame, leaf first. Exactly:
 * function name, file and line (with the inline mark), so two stacks that
 * print the same have the same key even when their locations differ (pprof
 * profiles keep one location per address).
 *
 * With -similar, only the function names: "similar" stacks call the same
 * functions in the same order and differ only in line numbers, as when a
 * goroutine blocks at one of two sends in the same function. (The runtime
 * also prints arguments, which differ between goroutines on any stack; the
 * model never keeps them, so plain grouping already ignores them.)
 *
 * A location without lines (an unsymbolized address in a debug=1 profile)
 * is keyed by its address in both modes.
 */
static void stack_key(gctx *g, uint32_t stack, bool similar, uint64_t **buf, size_t *cap, size_t *used)
{
	const prof_profile *p = g->p;
	const prof_stack *st = &p->stacks[stack];
	size_t start = *used;
	for (uint32_t k = 0; k < st->len; k++) {
		const prof_location *l = &p->locations[prof_stack_loc(p, st, k)];
		uint32_t nl = l->nline ? l->nline : 1;
		GROW(*buf, *cap, *used + (size_t)nl * KEY_WORDS);
		uint64_t *w = *buf + *used;
		if (l->nline == 0) {
			w[0] = UINT64_MAX;
			w[1] = l->address;
			w[2] = 0;
		}
		for (uint32_t j = 0; j < l->nline; j++) {
			const prof_line *ln = &p->lines[l->line_off + j];
			const prof_function *f = &p->functions[ln->function];
			w[j * KEY_WORDS] = f->name;
			w[j * KEY_WORDS + 1] = similar ? 0 : f->filename;
			w[j * KEY_WORDS + 2] =
			        similar ? 0 : (uint64_t)ln->line << 1 | (j + 1 < l->nline); /* inlined into the next */
		}
		*used += (size_t)nl * KEY_WORDS;
	}
	g->key_off[stack] = start;
	g->key_len[stack] = *used - start;
}

static int key_cmp(const gctx *g, uint32_t a, uint32_t b)
{
	size_t la = g->key_len[a], lb = g->key_len[b];
	const uint64_t *ka = g->keys + g->key_off[a], *kb = g->keys + g->key_off[b];
	for (size_t i = 0; i < la && i < lb; i++)
		if (ka[i] != kb[i])
			return ka[i] < kb[i] ? -1 : 1;
	return la < lb ? -1 : la > lb;
}

static int stack_cmp(const void *a, const void *b, void *ctx)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int c = key_cmp(ctx, x, y);
	return c ? c : (x > y) - (x < y);
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static int gsample_cmp(const void *a, const void *b)
{
	const gsample *x = a, *y = b;
	if (x->cls != y->cls)
		return x->cls < y->cls ? -1 : 1;
	if (x->leaked != y->leaked)
		return x->leaked ? -1 : 1;
	if (x->state != y->state)
		return x->state < y->state ? -1 : 1;
	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return (x->sample > y->sample) - (x->sample < y->sample);
}

/* Compares two stacks as printed: names leaf first, then files and lines. */
static int stack_text_cmp(const prof_profile *p, uint32_t a, uint32_t b)
{
	const prof_stack *sa = &p->stacks[a], *sb = &p->stacks[b];
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t k = 0; k < sa->len && k < sb->len; k++) {
			const prof_location *la = &p->locations[prof_stack_loc(p, sa, k)];
			const prof_location *lb = &p->locations[prof_stack_loc(p, sb, k)];
			if (la->nline != lb->nline)
				return la->nline < lb->nline ? -1 : 1;
			if (la->nline == 0 && la->address != lb->address)
				return la->address < lb->address ? -1 : 1;
			for (uint32_t j = 0; j < la->nline; j++) {
				const prof_line *xa = &p->lines[la->line_off + j], *xb = &p->lines[lb->line_off + j];
				const prof_function *fa = &p->functions[xa->function], *fb = &p->functions[xb->function];
				int c = pass == 0 ? strcmp(prof_str(p, fa->name), prof_str(p, fb->name))
				                  : strcmp(prof_str(p, fa->filename), prof_str(p, fb->filename));
				if (c)
					return c;
				if (pass == 1 && xa->line != xb->line)
					return xa->line < xb->line ? -1 : 1;
			}
		}
		if (sa->len != sb->len)
			return sa->len < sb->len ? -1 : 1;
	}
	return 0;
}

static int group_cmp(const void *a, const void *b, void *ctx)
{
	const gctx *sort_ctx = ctx;
	const group *x = a, *y = b;
	if (x->leaked != y->leaked)
		return x->leaked ? -1 : 1;
	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	int c = strcmp(x->state, y->state);
	if (c)
		return c;
	c = strcmp(x->leaf, y->leaf);
	if (c)
		return c;
	/* Then by what is printed, so that the order depends on the content alone. */
	const prof_profile *p = sort_ctx->p;
	const gsample *sx = &sort_ctx->gs[x->first], *sy = &sort_ctx->gs[y->first];
	c = stack_text_cmp(p, p->samples[sx->sample].stack, p->samples[sy->sample].stack);
	if (c)
		return c;
	c = strcmp(prof_str(p, sx->created), prof_str(p, sy->created));
	return c ? c : gsample_cmp(sx, sy);
}

/* The leaf frame's function name, for ordering groups. */
static const char *leaf_name(const prof_profile *p, uint32_t stack)
{
	const prof_stack *st = &p->stacks[stack];
	if (st->len == 0)
		return "";
	const prof_location *l = &p->locations[prof_stack_loc(p, st, 0)];
	if (l->nline == 0)
		return "";
	return prof_str(p, p->functions[p->lines[l->line_off].function].name);
}

static void put_spaces(FILE *out, size_t n)
{
	while (n-- > 0)
		fputc(' ', out);
}

/* The columns put_clean would use for s. */
static size_t clean_width(const char *s)
{
	size_t n = 0;
	for (const unsigned char *u = (const unsigned char *)s; *u; u++)
		n += (*u & 0xc0) != 0x80;
	return n;
}

/* One frame's printable name: "pkg.F", "pkg.F (inline)" or the bare address. */
static void frame_name(const prof_profile *p, const prof_location *l, uint32_t j, char *buf, size_t n,
                       const char **name)
{
	if (l->nline == 0) {
		snprintf(buf, n, "0x%" PRIx64, l->address);
		*name = buf;
		return;
	}
	const prof_function *f = &p->functions[p->lines[l->line_off + j].function];
	*name = prof_str(p, f->name);
	buf[0] = '\0';
}

static int i64_cmp(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* A -similar group's lines: each distinct member stack's lines, nstack rows of nframe. */
typedef struct alt_lines {
	const int64_t *lines;
	size_t nstack, nframe;
	int64_t *tmp; /* room for nstack */
} alt_lines;

#define ALT_MAX 8 /* lines listed for one frame before "..." */

/* Frame fi's line (":31"), or all its members' distinct lines (":31,35") under -similar, into buf. */
static void line_text(char *buf, size_t bn, int64_t line, size_t fi, const alt_lines *alt)
{
	size_t n = 0, w = 0;
	buf[0] = '\0';
	if (alt && fi < alt->nframe) {
		for (size_t d = 0; d < alt->nstack; d++)
			alt->tmp[n++] = alt->lines[d * alt->nframe + fi];
		qsort(alt->tmp, n, sizeof *alt->tmp, i64_cmp);
	}
	if (n < 2 || alt->tmp[0] == alt->tmp[n - 1]) {
		if (line > 0)
			snprintf(buf, bn, ":%" PRId64, line);
		return;
	}
	size_t shown = 0;
	for (size_t i = 0; i < n && w < bn; i++) {
		if (i > 0 && alt->tmp[i] == alt->tmp[i - 1])
			continue;
		if (shown == ALT_MAX) {
			snprintf(buf + w, bn - w, ",...");
			break;
		}
		w += (size_t)snprintf(buf + w, bn - w, "%s%" PRId64, shown ? "," : ":", alt->tmp[i]);
		shown++;
	}
}

/* The group's stack as frames, leaf first, and the width of its name column. */
static void stack_frames(const prof_profile *p, uint32_t stack, const alt_lines *alt, report_goroutine_group *gr)
{
	const prof_stack *st = &p->stacks[stack];
	char addr[32], lines[160];
	const char *name;
	size_t width = 0, n = 0;
	for (uint32_t k = 0; k < st->len; k++) {
		const prof_location *l = &p->locations[prof_stack_loc(p, st, k)];
		uint32_t nl = l->nline ? l->nline : 1;
		n += nl;
		for (uint32_t j = 0; j < nl; j++) {
			frame_name(p, l, j, addr, sizeof addr, &name);
			size_t w = clean_width(name) + (j + 1 < nl ? strlen(" (inline)") : 0);
			if (w > width)
				width = w;
		}
	}
	gr->width = width > NAME_COL_MAX ? NAME_COL_MAX : width;
	gr->frames = xcalloc(n + 1, sizeof *gr->frames);
	size_t fi = 0; /* frame number, leaf first */
	for (uint32_t k = 0; k < st->len; k++) {
		const prof_location *l = &p->locations[prof_stack_loc(p, st, k)];
		uint32_t nl = l->nline ? l->nline : 1;
		for (uint32_t j = 0; j < nl; j++, fi++) {
			frame_name(p, l, j, addr, sizeof addr, &name);
			report_goroutine_frame *f = &gr->frames[gr->nframes++];
			f->name = xstrdup(name);
			f->inl = j + 1 < nl;
			f->std = l->nline == 0 || is_std(name);
			const char *file = "";
			lines[0] = '\0';
			if (l->nline > 0) {
				const prof_line *ln = &p->lines[l->line_off + j];
				const char *fn_file = prof_str(p, p->functions[ln->function].filename);
				if (*fn_file || ln->line > 0) {
					file = *fn_file ? fn_file : "?";
					line_text(lines, sizeof lines, ln->line, fi, alt);
				}
			}
			f->file = xstrdup(file);
			f->lines = xstrdup(lines);
		}
	}
}

/* The printed frames' line numbers of a stack, leaf first, into *buf. */
static size_t stack_lines(const prof_profile *p, uint32_t stack, int64_t **buf, size_t *cap)
{
	const prof_stack *st = &p->stacks[stack];
	size_t n = 0;
	for (uint32_t k = 0; k < st->len; k++) {
		const prof_location *l = &p->locations[prof_stack_loc(p, st, k)];
		uint32_t nl = l->nline ? l->nline : 1;
		GROW(*buf, *cap, n + nl);
		for (uint32_t j = 0; j < nl; j++)
			(*buf)[n++] = l->nline ? p->lines[l->line_off + j].line : 0;
	}
	return n;
}

/*
 * Wait buckets. The runtime prints whole minutes, rounded down, and only
 * from one minute on, so "N minutes" means a wait in [N, N+1) minutes: the
 * buckets [1,5), [5,60) and [60,inf) of the printed number are exactly
 * those of the real wait, and no number means under a minute.
 */
static int wait_bucket(int64_t minutes)
{
	if (minutes < 1)
		return 0;
	if (minutes < 5)
		return 1;
	if (minutes < 60)
		return 2;
	return 3;
}

static void print_header(FILE *out, const report_goroutine_group *gr, bool color)
{
	fprintf(out, "%" PRId64 " goroutine%s", gr->count, gr->count == 1 ? "" : "s");
	if (*gr->state) {
		fputs("  [", out);
		put_clean(out, gr->state);
		fputc(']', out);
	}
	if (gr->any_wait) {
		if (gr->min_wait == gr->max_wait)
			fprintf(out, "  waiting %" PRId64 " minute%s", gr->max_wait, gr->max_wait == 1 ? "" : "s");
		else if (gr->min_wait == 0)
			fprintf(out, "  waiting up to %" PRId64 " minutes", gr->max_wait);
		else
			fprintf(out, "  waiting %" PRId64 "-%" PRId64 " minutes", gr->min_wait, gr->max_wait);
	}
	if (gr->leaked)
		fprintf(out, "  %sLEAKED%s", color ? C_LEAK : "", color ? C_OFF : "");
	else if (gr->stuck)
		fprintf(out, "  %sSTUCK FOREVER%s", color ? C_STUCK : "", color ? C_OFF : "");
	fputc('\n', out);
	if (gr->any_wait) {
		static const char *const names[] = {"<1m", "1-5m", "5-60m", ">60m"};
		fputs("    waits:", out);
		for (int b = 0; b < 4; b++)
			fprintf(out, "%s %s %" PRId64, b ? "," : "", names[b], gr->hist[b]);
		fputc('\n', out);
	}
	if (*gr->created) {
		fputs("    created by ", out);
		if (color)
			fputs(is_std(gr->created) ? C_STD : C_APP, out);
		put_clean(out, gr->created);
		if (color)
			fputs(C_OFF, out);
		fputc('\n', out);
	}
	for (size_t i = 0; i < gr->nlabels; i++) {
		fputs(i ? ", " : "    labels: ", out);
		put_clean(out, gr->labels[i].key);
		fputc('=', out);
		put_clean(out, gr->labels[i].value ? gr->labels[i].value : "(mixed)");
	}
	if (gr->nlabels)
		fputc('\n', out);
}

static void print_frames(FILE *out, const report_goroutine_group *gr, bool color)
{
	for (size_t i = 0; i < gr->nframes; i++) {
		const report_goroutine_frame *f = &gr->frames[i];
		fputs("    ", out);
		if (color)
			fputs(f->std ? C_STD : C_APP, out);
		size_t w = put_clean(out, f->name);
		if (f->inl) {
			fputs(" (inline)", out);
			w += strlen(" (inline)");
		}
		if (*f->file) {
			put_spaces(out, w < gr->width ? gr->width - w + 2 : 2);
			put_clean(out, f->file);
			fputs(f->lines, out);
		}
		if (color)
			fputs(C_OFF, out);
		fputc('\n', out);
	}
}

static bool key_is(const prof_profile *p, prof_strid key, const char *name)
{
	return strcmp(prof_str(p, key), name) == 0;
}

/* The string value of key in sample i, 0 when it has none. */
static prof_strid sample_label(const prof_profile *p, uint32_t i, prof_strid key)
{
	const prof_sample *s = &p->samples[i];
	for (uint32_t j = 0; j < s->nlabel; j++)
		if (p->labels[s->label_off + j].key == key && p->labels[s->label_off + j].str)
			return p->labels[s->label_off + j].str;
	return 0;
}

/*
 * "    labels: handler=/api/v1, tenant=(mixed)": the goroutines' own labels
 * (pprof.Do; in dumps under GODEBUG=tracebacklabels=1), those of the group's
 * first member, with the value when every member has it alike.
 */
static void group_labels(const gctx *g, const group *gr, report_goroutine_group *out)
{
	const prof_profile *p = g->p;
	uint32_t first = g->gs[gr->first].sample;
	const prof_sample *s = &p->samples[first];
	out->labels = xcalloc((size_t)s->nlabel + 1, sizeof *out->labels);
	for (uint32_t j = 0; j < s->nlabel; j++) {
		const prof_label *l = &p->labels[s->label_off + j];
		if (!l->str || key_is(p, l->key, "state") || key_is(p, l->key, "created_by") ||
		    key_is(p, l->key, "leaked"))
			continue;
		size_t other = 0;
		for (size_t m = 1; m < gr->n; m++)
			other += sample_label(p, g->gs[gr->first + m].sample, l->key) != l->str;
		report_goroutine_label *lb = &out->labels[out->nlabels++];
		lb->key = xstrdup(prof_str(p, l->key));
		lb->value = other ? NULL : xstrdup(prof_str(p, l->str));
	}
}

void report_goroutines_free(report_goroutines *gs)
{
	for (size_t k = 0; k < gs->ngroups; k++) {
		report_goroutine_group *gr = &gs->groups[k];
		free(gr->state);
		free(gr->created);
		for (size_t i = 0; i < gr->nlabels; i++) {
			free(gr->labels[i].key);
			free(gr->labels[i].value);
		}
		free(gr->labels);
		for (size_t i = 0; i < gr->nframes; i++) {
			free(gr->frames[i].name);
			free(gr->frames[i].file);
			free(gr->frames[i].lines);
		}
		free(gr->frames);
	}
	free(gs->groups);
	memset(gs, 0, sizeof *gs);
}

bool report_goroutine_groups(rctx *r, report_goroutines *out)
{
	memset(out, 0, sizeof *out);
	prof_profile *p = r->p;
	const report_opts *o = r->o;
	const char *type = prof_str(p, p->sample_types[r->si].type);
	bool leak_profile = strcmp(type, "goroutineleak") == 0;
	if (strcmp(type, "goroutine") != 0 && !leak_profile)
		return prof_errf(r->err, "goroutines needs a goroutine dump or profile; this profile holds %s", type);
	prof_re state_re = {0};
	bool by_state = o->state && *o->state;
	if (by_state && !prof_re_compile(&state_re, o->state, false, r->err))
		return false;

	gctx g = {.p = p};
	g.gs = xcalloc(p->nsample + 1, sizeof *g.gs);
	size_t ng = 0;
	bool any_state = false;
	size_t nt = p->nsample_type;
	for (size_t i = 0; i < p->nsample; i++) {
		const prof_sample *s = &p->samples[i];
		gsample e = {.sample = (uint32_t)i, .minutes = -1, .count = p->values[i * nt + r->si],
		             .leaked = leak_profile};
		const prof_label *ls = p->labels + s->label_off;
		for (uint32_t j = 0; j < s->nlabel; j++) {
			if (ls[j].str && key_is(p, ls[j].key, "state"))
				e.state = ls[j].str;
			else if (ls[j].str && key_is(p, ls[j].key, "created_by"))
				e.created = ls[j].str;
			else if (!ls[j].str && key_is(p, ls[j].key, "wait_minutes"))
				e.minutes = ls[j].num;
			else if (ls[j].str && key_is(p, ls[j].key, "leaked") && key_is(p, ls[j].str, "true"))
				e.leaked = true;
		}
		any_state |= e.state != 0;
		if (e.count <= 0 || p->stacks[s->stack].len == 0)
			continue;
		if (by_state && !prof_re_match(&state_re, prof_str(p, e.state)))
			continue;
		g.gs[ng++] = e;
	}
	prof_re_free(&state_re);
	if (by_state && !any_state && p->nsample > 0) {
		free(g.gs);
		return prof_errf(r->err,
		                 "-state: this profile has no goroutine states; use a debug=2 dump "
		                 "(/debug/pprof/goroutine?debug=2)");
	}

	/* Classes of stacks: equal keys, equal class, numbered in key order. */
	g.key_off = xcalloc(p->nstack + 1, sizeof *g.key_off);
	g.key_len = xcalloc(p->nstack + 1, sizeof *g.key_len);
	size_t kcap = 0, kused = 0;
	for (uint32_t s = 0; s < p->nstack; s++)
		stack_key(&g, s, o->similar, &g.keys, &kcap, &kused);
	uint32_t *order = xcalloc(p->nstack + 1, sizeof *order);
	uint32_t *cls = xcalloc(p->nstack + 1, sizeof *cls);
	for (uint32_t s = 0; s < p->nstack; s++)
		order[s] = s;
	sort_r(order, p->nstack, sizeof *order, stack_cmp, &g);
	for (uint32_t k = 0, c = 0; k < p->nstack; k++) {
		if (k > 0 && key_cmp(&g, order[k - 1], order[k]) != 0)
			c++;
		cls[order[k]] = c;
	}
	for (size_t i = 0; i < ng; i++)
		g.gs[i].cls = cls[p->samples[g.gs[i].sample].stack];
	qsort(g.gs, ng, sizeof *g.gs, gsample_cmp);

	/* Groups: runs of equal class, state and creator. */
	group *groups = xcalloc(ng + 1, sizeof *groups);
	size_t ngroup = 0;
	for (size_t i = 0; i < ng;) {
		size_t k = i;
		group *gr = &groups[ngroup++];
		*gr = (group){.first = i, .min_wait = INT64_MAX, .state = prof_str(p, g.gs[i].state),
		              .leaf = leaf_name(p, p->samples[g.gs[i].sample].stack)};
		gr->leaked = g.gs[i].leaked;
		gr->stuck = !gr->leaked && is_stuck(gr->state);
		for (; k < ng && g.gs[k].cls == g.gs[i].cls && g.gs[k].leaked == g.gs[i].leaked &&
		       g.gs[k].state == g.gs[i].state &&
		       g.gs[k].created == g.gs[i].created;
		     k++) {
			const gsample *e = &g.gs[k];
			int64_t m = e->minutes < 0 ? 0 : e->minutes;
			gr->count += e->count;
			gr->hist[wait_bucket(m)] += e->count;
			gr->any_wait |= e->minutes >= 0;
			if (m < gr->min_wait)
				gr->min_wait = m;
			if (m > gr->max_wait)
				gr->max_wait = m;
		}
		gr->n = k - i;
		i = k;
	}
	sort_r(groups, ngroup, sizeof *groups, group_cmp, &g);

	out->groups = xcalloc(ngroup + 1, sizeof *out->groups);
	out->min = o->min;
	int64_t *lines = NULL, *alines = NULL, *atmp = NULL;
	uint32_t *dstacks = NULL;
	size_t lcap = 0, acap = 0, tcap = 0, dcap = 0;
	for (size_t k = 0; k < ngroup; k++) {
		const group *gr = &groups[k];
		if (o->min > 0 && gr->count < o->min) {
			out->hidden += gr->count;
			out->nhidden++;
			continue;
		}
		const gsample *rep = &g.gs[gr->first]; /* the member first in the dump */
		uint32_t stack = p->samples[rep->sample].stack;
		/* With -similar, members may block on different lines: list them all. */
		alt_lines alt = {0};
		if (o->similar) {
			size_t nd = 0;
			GROW(dstacks, dcap, gr->n);
			for (size_t m = 0; m < gr->n; m++)
				dstacks[nd++] = p->samples[g.gs[gr->first + m].sample].stack;
			qsort(dstacks, nd, sizeof *dstacks, u32_cmp);
			size_t u = 0;
			for (size_t m = 0; m < nd; m++)
				if (u == 0 || dstacks[m] != dstacks[u - 1])
					dstacks[u++] = dstacks[m];
			size_t nf = stack_lines(p, stack, &lines, &lcap);
			GROW(alines, acap, u * nf + 1);
			for (size_t d = 0; d < u; d++) {
				size_t mn = stack_lines(p, dstacks[d], &lines, &lcap);
				for (size_t f = 0; f < nf; f++)
					alines[d * nf + f] = f < mn ? lines[f] : 0;
			}
			GROW(atmp, tcap, u + 1);
			alt = (alt_lines){.lines = alines, .nstack = u, .nframe = nf, .tmp = atmp};
		}
		report_goroutine_group *og = &out->groups[out->ngroups++];
		*og = (report_goroutine_group){.count = gr->count, .state = xstrdup(gr->state),
		                               .created = xstrdup(prof_str(p, rep->created)), .any_wait = gr->any_wait,
		                               .min_wait = gr->min_wait, .max_wait = gr->max_wait, .leaked = gr->leaked,
		                               .stuck = gr->stuck, .members = gr->n};
		memcpy(og->hist, gr->hist, sizeof og->hist);
		group_labels(&g, gr, og);
		stack_frames(p, stack, o->similar ? &alt : NULL, og);
		out->shown += gr->count;
		if (gr->stuck)
			out->stuck += gr->count;
		if (gr->leaked)
			out->leaked += gr->count;
	}
	free(lines);
	free(alines);
	free(atmp);
	free(dstacks);
	free(groups);
	free(order);
	free(cls);
	free(g.keys);
	free(g.key_off);
	free(g.key_len);
	free(g.gs);
	return true;
}

bool report_goroutines_rctx(FILE *out, rctx *r)
{
	report_goroutines gs;
	if (!report_goroutine_groups(r, &gs))
		return false;
	bool color = r->o->color;
	for (size_t k = 0; k < gs.ngroups; k++) {
		if (k > 0)
			fputc('\n', out);
		print_header(out, &gs.groups[k], color);
		print_frames(out, &gs.groups[k], color);
	}
	if (gs.ngroups > 0)
		fputc('\n', out);
	fprintf(out, "%" PRId64 " goroutine%s in %zu group%s", gs.shown, gs.shown == 1 ? "" : "s", gs.ngroups,
	        gs.ngroups == 1 ? "" : "s");
	if (gs.leaked > 0)
		fprintf(out, ", %s%" PRId64 " leaked%s", color ? C_LEAK : "", gs.leaked, color ? C_OFF : "");
	if (gs.stuck > 0)
		fprintf(out, ", %s%" PRId64 " stuck forever%s", color ? C_STUCK : "", gs.stuck, color ? C_OFF : "");
	if (gs.nhidden > 0)
		fprintf(out, " (%" PRId64 " more in %zu group%s under -min=%d)", gs.hidden, gs.nhidden,
		        gs.nhidden == 1 ? "" : "s", gs.min);
	fputc('\n', out);
	report_goroutines_free(&gs);
	return true;
}
