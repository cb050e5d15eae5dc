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
	gsample rep;          /* the member first in the dump */
	size_t first, n;      /* members: the samples members[first..first+n), in dump order */
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
	uint32_t *members;    /* sample indices, grouped */
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
	const gsample *sx = &x->rep, *sy = &y->rep;
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

/* Scratch for similar_lines, reused from group to group. */
typedef struct similar_bufs {
	int64_t *lines, *alines, *atmp;
	uint32_t *dstacks;
	size_t lcap, acap, tcap, dcap;
} similar_bufs;

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

/* What a dump's label key means to the grouping: known from its name, asked once per string id. */
enum label_kind { LK_UNSEEN, LK_STATE, LK_CREATED, LK_WAIT, LK_LEAKED, LK_OTHER };

static enum label_kind label_kind(const prof_profile *p, uint8_t *kinds, prof_strid key)
{
	if (kinds[key] == LK_UNSEEN) {
		const char *s = prof_str(p, key);
		kinds[key] = strcmp(s, "state") == 0        ? LK_STATE
		             : strcmp(s, "created_by") == 0   ? LK_CREATED
		             : strcmp(s, "wait_minutes") == 0 ? LK_WAIT
		             : strcmp(s, "leaked") == 0       ? LK_LEAKED
		                                              : LK_OTHER;
	}
	return (enum label_kind)kinds[key];
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
	uint32_t first = gr->rep.sample;
	const prof_sample *s = &p->samples[first];
	out->labels = xcalloc((size_t)s->nlabel + 1, sizeof *out->labels);
	for (uint32_t j = 0; j < s->nlabel; j++) {
		const prof_label *l = &p->labels[s->label_off + j];
		if (!l->str || key_is(p, l->key, "state") || key_is(p, l->key, "created_by") ||
		    key_is(p, l->key, "leaked"))
			continue;
		size_t other = 0;
		for (size_t m = 1; m < gr->n; m++)
			other += sample_label(p, g->members[gr->first + m], l->key) != l->str;
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

/* The goroutines gathered into groups, in the order each group first shows. */
typedef struct grouping {
	group *groups;
	size_t n, cap;
	hashtab tab;
	uint32_t *of;    /* each kept sample's group */
	uint32_t *kept;  /* the kept samples, in dump order */
	size_t nkept;
} grouping;

/* Members of one group: equal class, verdict, state and creator. */
static bool same_group(const gsample *a, const gsample *b)
{
	return a->cls == b->cls && a->leaked == b->leaked && a->state == b->state && a->created == b->created;
}

typedef struct gkey {
	const group *groups;
	const gsample *e;
} gkey;

static bool gkey_eq(const void *ctx, uint32_t grp)
{
	const gkey *k = ctx;
	return same_group(&k->groups[grp].rep, k->e);
}

static uint64_t gkey_hash(const gsample *e)
{
	uint64_t h = ((uint64_t)e->cls << 32 | e->state) * 0x9e3779b97f4a7c15ull;
	h ^= ((uint64_t)e->created << 1 | e->leaked) * 0xc2b2ae3d27d4eb4full;
	return h ^ h >> 29;
}

/* Adds goroutine e (samples come in dump order) to its group: one hash lookup, no sort of the goroutines. */
static void group_add(grouping *gp, const gsample *e)
{
	gkey k = {gp->groups, e};
	uint32_t grp = hashtab_intern(&gp->tab, gkey_hash(e), (uint32_t)gp->n, gkey_eq, &k);
	if (grp == gp->n) {
		GROW(gp->groups, gp->cap, gp->n + 1);
		gp->groups[gp->n++] = (group){.rep = *e, .min_wait = INT64_MAX};
	}
	group *gr = &gp->groups[grp];
	int64_t w = e->minutes < 0 ? 0 : e->minutes;
	gr->n++;
	gr->count += e->count;
	gr->hist[wait_bucket(w)] += e->count;
	gr->any_wait |= e->minutes >= 0;
	if (w < gr->min_wait)
		gr->min_wait = w;
	if (w > gr->max_wait)
		gr->max_wait = w;
	gp->kept[gp->nkept] = e->sample;
	gp->of[gp->nkept++] = grp;
}

/* Each group's members together (first, n), in dump order: the samples a sort by group would leave. */
static uint32_t *group_members(grouping *gp, const prof_profile *p)
{
	uint32_t *members = xmalloc((gp->nkept + 1) * sizeof *members);
	size_t *fill = xcalloc(gp->n + 1, sizeof *fill);
	for (size_t j = 0, at = 0; j < gp->n; j++) {
		group *gr = &gp->groups[j];
		gr->first = at;
		at += gr->n;
		gr->state = prof_str(p, gr->rep.state);
		gr->leaf = leaf_name(p, p->samples[gr->rep.sample].stack);
		gr->leaked = gr->rep.leaked;
		gr->stuck = !gr->leaked && is_stuck(gr->state);
	}
	for (size_t i = 0; i < gp->nkept; i++) {
		uint32_t grp = gp->of[i];
		members[gp->groups[grp].first + fill[grp]++] = gp->kept[i];
	}
	free(fill);
	return members;
}

/* Classes of stacks: equal keys, equal class, numbered in key order. */
static uint32_t *stack_classes(gctx *g, bool similar)
{
	const prof_profile *p = g->p;
	g->key_off = xcalloc(p->nstack + 1, sizeof *g->key_off);
	g->key_len = xcalloc(p->nstack + 1, sizeof *g->key_len);
	size_t kcap = 0, kused = 0;
	for (uint32_t s = 0; s < p->nstack; s++)
		stack_key(g, s, similar, &g->keys, &kcap, &kused);
	uint32_t *order = xcalloc(p->nstack + 1, sizeof *order);
	uint32_t *cls = xcalloc(p->nstack + 1, sizeof *cls);
	for (uint32_t s = 0; s < p->nstack; s++)
		order[s] = s;
	sort_r(order, p->nstack, sizeof *order, stack_cmp, g);
	for (uint32_t k = 0, c = 0; k < p->nstack; k++) {
		if (k > 0 && key_cmp(g, order[k - 1], order[k]) != 0)
			c++;
		cls[order[k]] = c;
	}
	free(order);
	free(g->keys);
	free(g->key_off);
	free(g->key_len);
	g->keys = NULL;
	g->key_off = g->key_len = NULL;
	return cls;
}

/* Goroutine sample i as the grouping sees it: state, creator, wait and verdict from its labels. */
static gsample read_goroutine(const prof_profile *p, size_t i, size_t si, bool leak_profile, uint8_t *kinds)
{
	const prof_sample *s = &p->samples[i];
	gsample e = {.sample = (uint32_t)i, .minutes = -1, .count = prof_value(p, i, si),
	             .leaked = leak_profile};
	const prof_label *ls = p->labels + s->label_off;
	for (uint32_t j = 0; j < s->nlabel; j++) {
		enum label_kind k = label_kind(p, kinds, ls[j].key);
		if (ls[j].str && k == LK_STATE)
			e.state = ls[j].str;
		else if (ls[j].str && k == LK_CREATED)
			e.created = ls[j].str;
		else if (!ls[j].str && k == LK_WAIT)
			e.minutes = ls[j].num;
		else if (ls[j].str && k == LK_LEAKED && key_is(p, ls[j].str, "true"))
			e.leaked = true;
	}
	return e;
}

/*
 * Every goroutine shown (positive count, a stack, a state -state matches)
 * into its group; false with *err when -state asks for states the profile
 * does not have.
 */
static bool gather(rctx *r, const uint32_t *cls, const prof_re *state_re, grouping *gp)
{
	const prof_profile *p = r->p;
	bool leak_profile = strcmp(prof_str(p, p->sample_types[r->si].type), "goroutineleak") == 0;
	bool any_state = false;
	uint8_t *kinds = xcalloc(p->strs.n + 1, 1);
	gp->of = xmalloc((p->nsample + 1) * sizeof *gp->of);
	gp->kept = xmalloc((p->nsample + 1) * sizeof *gp->kept);
	for (size_t i = 0; i < p->nsample; i++) {
		gsample e = read_goroutine(p, i, (size_t)r->si, leak_profile, kinds);
		uint32_t stack = p->samples[i].stack;
		any_state |= e.state != 0;
		if (e.count <= 0 || p->stacks[stack].len == 0)
			continue;
		if (state_re && !prof_re_match(state_re, prof_str(p, e.state)))
			continue;
		e.cls = cls[stack];
		group_add(gp, &e);
	}
	free(kinds);
	hashtab_free(&gp->tab);
	if (state_re && !any_state && p->nsample > 0)
		return prof_errf(r->err, "-state: this profile has no goroutine states; use a debug=2 dump "
		                         "(/debug/pprof/goroutine?debug=2)");
	return true;
}

/* With -similar, members may block on different lines: each distinct member stack's lines, for line_text. */
static alt_lines similar_lines(const prof_profile *p, const gctx *g, const group *gr, uint32_t stack,
                               similar_bufs *sb)
{
	size_t nd = 0;
	GROW(sb->dstacks, sb->dcap, gr->n);
	for (size_t m = 0; m < gr->n; m++)
		sb->dstacks[nd++] = p->samples[g->members[gr->first + m]].stack;
	qsort(sb->dstacks, nd, sizeof *sb->dstacks, u32_cmp);
	size_t u = 0;
	for (size_t m = 0; m < nd; m++)
		if (u == 0 || sb->dstacks[m] != sb->dstacks[u - 1])
			sb->dstacks[u++] = sb->dstacks[m];
	size_t nf = stack_lines(p, stack, &sb->lines, &sb->lcap);
	GROW(sb->alines, sb->acap, u * nf + 1);
	for (size_t d = 0; d < u; d++) {
		size_t mn = stack_lines(p, sb->dstacks[d], &sb->lines, &sb->lcap);
		for (size_t f = 0; f < nf; f++)
			sb->alines[d * nf + f] = f < mn ? sb->lines[f] : 0;
	}
	GROW(sb->atmp, sb->tcap, u + 1);
	return (alt_lines){.lines = sb->alines, .nstack = u, .nframe = nf, .tmp = sb->atmp};
}

/* Group gr as the report shows it, into out. */
static void add_group(const gctx *g, const group *gr, bool similar, similar_bufs *sb, report_goroutines *out)
{
	const prof_profile *p = g->p;
	uint32_t stack = p->samples[gr->rep.sample].stack;
	alt_lines alt = {0};
	if (similar)
		alt = similar_lines(p, g, gr, stack, sb);
	report_goroutine_group *og = &out->groups[out->ngroups++];
	*og = (report_goroutine_group){.count = gr->count, .state = xstrdup(gr->state),
	                               .created = xstrdup(prof_str(p, gr->rep.created)), .any_wait = gr->any_wait,
	                               .min_wait = gr->min_wait, .max_wait = gr->max_wait, .leaked = gr->leaked,
	                               .stuck = gr->stuck, .members = gr->n};
	memcpy(og->hist, gr->hist, sizeof og->hist);
	group_labels(g, gr, og);
	stack_frames(p, stack, similar ? &alt : NULL, og);
	out->shown += gr->count;
	if (gr->stuck)
		out->stuck += gr->count;
	if (gr->leaked)
		out->leaked += gr->count;
}

bool report_goroutine_groups(rctx *r, report_goroutines *out)
{
	memset(out, 0, sizeof *out);
	prof_profile *p = r->p;
	const report_opts *o = r->o;
	const char *type = prof_str(p, p->sample_types[r->si].type);
	if (strcmp(type, "goroutine") != 0 && strcmp(type, "goroutineleak") != 0)
		return prof_errf(r->err, "goroutines needs a goroutine dump or profile; this profile holds %s", type);
	prof_re state_re = {0};
	bool by_state = o->state && *o->state;
	if (by_state && !prof_re_compile(&state_re, o->state, false, r->err))
		return false;
	gctx g = {.p = p};
	uint32_t *cls = stack_classes(&g, o->similar);
	grouping gp = {0};
	bool ok = gather(r, cls, by_state ? &state_re : NULL, &gp);
	prof_re_free(&state_re);
	free(cls);
	if (ok) {
		g.members = group_members(&gp, p);
		sort_r(gp.groups, gp.n, sizeof *gp.groups, group_cmp, &g);
		out->groups = xcalloc(gp.n + 1, sizeof *out->groups);
		out->min = o->min;
		similar_bufs sb = {0};
		for (size_t k = 0; k < gp.n; k++) {
			const group *gr = &gp.groups[k];
			if (o->min > 0 && gr->count < o->min) {
				out->hidden += gr->count;
				out->nhidden++;
			} else {
				add_group(&g, gr, o->similar, &sb, out);
			}
		}
		free(sb.lines);
		free(sb.alines);
		free(sb.atmp);
		free(sb.dstacks);
	}
	free(g.members);
	free(gp.groups);
	free(gp.of);
	free(gp.kept);
	return ok;
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
