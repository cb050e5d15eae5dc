/*
 * flame: a flame graph drawn as text (an icicle: the root on top, callees
 * below their callers), and Brendan Gregg's folded stacks.
 *
 * Both draw the call tree of the filtered profile (report/calltree.h, the
 * tree the browser's flame view draws too): children with the same name
 * merge. Names are the graph index's printable names, so the granularity
 * options apply.
 *
 * flame: every tree node is a box whose width is its share of the absolute
 * value, placed by rounding its cumulative start and end (so children nest in
 * their parent and siblings tile); boxes of fewer than two columns merge with
 * their neighbours into "+N" fillers. Every row has exactly the width's
 * columns (runes; colour escapes do not count).
 *
 * folded: one line per distinct stack, "root;...;leaf VALUE", sorted by stack.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "util/units.h"
#include "report/calltree.h"
#include "report/internal.h"
#include "util/term.h"

#define MIN_WIDTH 10
#define MAX_WIDTH 10000
#define MIN_BOX 4 /* narrower nodes go into fillers */
#define MIN_CUT 16 /* a cut name keeps the value beside it when this many runes of it fit */
#define NO_NODE REPORT_FLAME_NONE

/* ---- names ---- */

/* A copy of name for folded output: ';', newline and tab (its syntax) become '?', an empty name "?". */
static char *folded_name(const char *name)
{
	size_t n = strlen(name);
	char *s = xmalloc(n + 2);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		s[i] = c == ';' || c == '\n' || c == '\t' ? '?' : (char)c;
	}
	if (n == 0)
		s[n++] = '?';
	s[n] = '\0';
	return s;
}

/*
 * A copy of name for one cell of the terminal: the name policy left no
 * control byte but newline and tab, which would break the row, so they
 * become '?'. *runes gets its length in runes (taken as columns).
 */
static char *display_name(const char *name, size_t *runes)
{
	*runes = utf8_columns(name);
	size_t n = strlen(name);
	char *s = xmalloc(n + 1);
	for (size_t i = 0; i <= n; i++)
		s[i] = name[i] == '\n' || name[i] == '\t' ? '?' : name[i];
	return s;
}

/* ---- folded ---- */

/*
 * Folded lines come out sorted as strings ("a;b;c") without building them:
 * the call tree's walk in folded order visits them in strcmp order. Memory
 * is one line's worth of prefix, not every line at once.
 */
typedef struct folded_out {
	FILE *out;
	const char *const *names;
	char *prefix;     /* the names entered, each followed by ';' */
	size_t len, cap;
	size_t *mark;     /* per frame entered: the prefix's length before it */
	size_t nmark, markcap;
} folded_out;

static void folded_enter(void *ctx, uint32_t frame, uint32_t depth, int64_t value, int64_t weight)
{
	(void)depth, (void)value, (void)weight;
	folded_out *f = ctx;
	GROW(f->mark, f->markcap, f->nmark + 1);
	f->mark[f->nmark++] = f->len;
	if (frame == CALLTREE_ROOT)
		return;
	size_t l = strlen(f->names[frame]);
	GROW(f->prefix, f->cap, f->len + l + 1);
	memcpy(f->prefix + f->len, f->names[frame], l);
	f->prefix[f->len + l] = ';';
	f->len += l + 1;
}

static void folded_leave(void *ctx)
{
	folded_out *f = ctx;
	f->len = f->mark[--f->nmark];
}

static void folded_line(void *ctx, uint32_t frame, int64_t self)
{
	folded_out *f = ctx;
	if (f->len)
		fwrite(f->prefix, 1, f->len, f->out);
	fputs(f->names[frame], f->out);
	fprintf(f->out, " %" PRId64 "\n", self);
}

bool report_folded_rctx(FILE *out, rctx *r)
{
	if (r->o->mean)
		return prof_errf(r->err, "folded does not support -mean");
	const graph_index *ix = r->ix;
	char **keys = xmalloc(((size_t)ix->ninfo + 1) * sizeof *keys);
	for (uint32_t k = 0; k < ix->ninfo; k++)
		keys[k] = folded_name(ix->printable[k]);
	calltree t;
	calltree_init(&t, r, (const char *const *)keys, false);
	folded_out f = {.out = out, .names = t.names};
	static const calltree_visitor visit = {folded_enter, folded_leave, folded_line};
	calltree_walk(&t, CALLTREE_FOLDED, &visit, &f);
	free(f.prefix);
	free(f.mark);
	calltree_free(&t);
	for (uint32_t k = 0; k < ix->ninfo; k++)
		free(keys[k]);
	free(keys);
	return true;
}

/* ---- flame ---- */

/* Cell styles: none, then the fixed ones, then the package palette. */
enum { ST_NONE, ST_ROOT, ST_FILL, ST_RUNTIME, ST_PALETTE };

static const char *const style_sgr[] = {
	[ST_NONE] = "",
	[ST_ROOT] = "\x1b[1;38;5;16;48;5;253m",
	[ST_FILL] = "\x1b[2m",
	[ST_RUNTIME] = "\x1b[38;5;250;48;5;239m",
};

/* Warm backgrounds, black text. */
static const uint8_t palette[] = {209, 215, 221, 179, 173, 216, 222, 180, 186, 214, 208, 203, 167, 137, 143, 172};
#define NPALETTE (sizeof palette / sizeof palette[0])

/* Go's package path of a printable name: "a/b/pkg.(*T).m" -> "a/b/pkg"; n gets its length. */
static const char *package_of(const char *name, size_t *n)
{
	/* With -addresses the name starts with the address. */
	size_t i = 0;
	while (name[i] && ((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
		i++;
	if (i == 16 && name[i] == ' ')
		name += 17;
	size_t end = strcspn(name, " ");
	size_t slash = 0;
	for (size_t k = 0; k < end; k++)
		if (name[k] == '/')
			slash = k + 1;
	size_t dot = slash;
	while (dot < end && name[dot] != '.')
		dot++;
	*n = dot;
	return name;
}

static int frame_style(const char *name)
{
	size_t n;
	const char *pkg = package_of(name, &n);
	if ((n == 7 && strncmp(pkg, "runtime", 7) == 0) || strncmp(pkg, "runtime/", 8) == 0 ||
	    strncmp(pkg, "internal/runtime/", 17) == 0)
		return ST_RUNTIME;
	uint64_t h = 1469598103934665603ull;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)pkg[i];
		h *= 1099511628211ull;
	}
	return ST_PALETTE + (int)(h % NPALETTE);
}

static void put_style(FILE *out, int style)
{
	if (style < ST_PALETTE)
		fputs(style_sgr[style], out);
	else
		fprintf(out, "\x1b[38;5;16;48;5;%um", palette[style - ST_PALETTE]);
}

/* One column of a row: a rune and its style. */
typedef struct cell {
	char b[4];
	uint8_t len;
	uint8_t style;
} cell;

static void cell_put(cell *c, const char *rune, size_t len, int style)
{
	memcpy(c->b, rune, len);
	c->len = (uint8_t)len;
	c->style = (uint8_t)style;
}

/* Writes s (valid UTF-8) into cells from column x, at most max runes; returns the runes written. */
static size_t cells_text(cell *row, size_t x, const char *s, size_t max, int style)
{
	size_t k = 0;
	while (*s && k < max) {
		size_t len = 1;
		while (len < 4 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len++;
		cell_put(&row[x + k++], s, len, style);
		s += len;
	}
	return k;
}

/* The last n runes of s (valid UTF-8). */
static const char *last_runes(const char *s, size_t runes, size_t n)
{
	while (runes > n) {
		s++;
		while (((unsigned char)*s & 0xc0) == 0x80)
			s++;
		runes--;
	}
	return s;
}

static void print_row(FILE *out, const cell *row, size_t w, bool color)
{
	while (w > 0 && row[w - 1].style == ST_NONE && row[w - 1].len == 1 && row[w - 1].b[0] == ' ')
		w--;
	int cur = ST_NONE;
	for (size_t x = 0; x < w; x++) {
		if (color && row[x].style != cur) {
			if (cur != ST_NONE)
				fputs("\x1b[0m", out);
			cur = row[x].style;
			put_style(out, cur);
		}
		fwrite(row[x].b, 1, row[x].len, out);
	}
	if (color && cur != ST_NONE)
		fputs("\x1b[0m", out);
	fputc('\n', out);
}

static const char ELLIPSIS[] = "\xe2\x80\xa6";
static const char DOT[] = "\xc2\xb7";

/* Frames of fewer than MIN_BOX columns merged into one run: "+N" and dots. */
static void draw_filler(cell *row, size_t x0, size_t x1, size_t count)
{
	if (x1 <= x0)
		return;
	char buf[32];
	snprintf(buf, sizeof buf, "+%zu", count);
	size_t n = strlen(buf);
	if (n > x1 - x0)
		n = 1;
	for (size_t k = 0; k < n; k++)
		cell_put(&row[x0 + k], buf + k, 1, ST_FILL);
	for (size_t x = x0 + n; x < x1; x++)
		cell_put(&row[x], DOT, sizeof DOT - 1, ST_FILL);
}

/* A box "[name value]" over columns [x0, x1), the name cut from the left when it does not fit. */
static void draw_box(cell *row, size_t x0, size_t x1, const char *name, size_t runes, const char *value,
                     size_t vl, int style)
{
	size_t inner = x1 - x0 - 2, x = x0 + 1;
	cell_put(&row[x0], "[", 1, style);
	cell_put(&row[x1 - 1], "]", 1, style);
	for (size_t k = x; k < x1 - 1; k++)
		cell_put(&row[k], " ", 1, style);
	if (runes + 1 + vl <= inner) {
		x += cells_text(row, x, name, runes, style);
		cell_put(&row[x++], " ", 1, style);
		cells_text(row, x, value, vl, style);
	} else if (runes <= inner) {
		cells_text(row, x, name, runes, style);
	} else if (inner >= MIN_CUT + 1 + vl) {
		size_t keep = inner - 1 - vl - 1;
		x += cells_text(row, x, ELLIPSIS, 1, style);
		x += cells_text(row, x, last_runes(name, runes, keep), keep, style);
		cell_put(&row[x++], " ", 1, style);
		cells_text(row, x, value, vl, style);
	} else if (inner > 0) {
		x += cells_text(row, x, ELLIPSIS, 1, style);
		cells_text(row, x, last_runes(name, runes, inner - 1), inner - 1, style);
	}
}

static bool flame_width(const rctx *r, size_t *width)
{
	int w = r->o->width;
	if (w < 0 || (w > 0 && w < MIN_WIDTH) || w > MAX_WIDTH)
		return prof_errf(r->err, "flame: width %d is out of range [%d..%d]", w, MIN_WIDTH, MAX_WIDTH);
	if (w == 0) {
		const char *cols = getenv("COLUMNS");
		char *end;
		long c = cols && *cols ? strtol(cols, &end, 10) : 0;
		w = cols && *cols && !*end && c > 0 ? (c < MIN_WIDTH ? MIN_WIDTH : c > MAX_WIDTH ? MAX_WIDTH : (int)c)
		                                    : 80;
	}
	*width = (size_t)w;
	return true;
}

/*
 * The flame drawn while the call tree is walked (children by name): each
 * node's columns come from the running start at its depth, and the node is
 * drawn at once into its row, whose nodes the preorder visits left to
 * right. Only rows with something visible get cells, and those are the
 * rows printed (a node's columns nest in its parent's).
 */
typedef struct flame_row {
	cell *cells;             /* NULL until something is drawn */
	size_t gx0, gx1, gcount; /* the pending filler */
	bool visible;            /* some node is at least a column wide */
} flame_row;

typedef struct flame_draw {
	const rctx *r;
	size_t W;
	double total;            /* the root's width */
	int64_t root_value;
	flame_row *rows;         /* per depth */
	int64_t *run;            /* per depth: where the next node there starts */
	uint32_t *px0, *px1;     /* per depth: the columns of the node entered last there */
	size_t nrows, cap;
	char **disp;             /* per frame: its name for a cell, runes and style */
	size_t *runes;
	uint8_t *style;
} flame_draw;

static cell *row_cells(flame_draw *f, flame_row *row)
{
	if (!row->cells) {
		row->cells = xmalloc(f->W * sizeof *row->cells);
		for (size_t x = 0; x < f->W; x++)
			cell_put(&row->cells[x], " ", 1, ST_NONE);
	}
	return row->cells;
}

static void row_filler(flame_draw *f, flame_row *row)
{
	if (row->gx1 > row->gx0)
		draw_filler(row_cells(f, row), row->gx0, row->gx1, row->gcount);
}

static void flame_depth(flame_draw *f, size_t depth)
{
	size_t old = f->cap;
	if (depth + 2 <= old)
		return;
	size_t cap = old;
	GROW(f->rows, cap, depth + 2);
	cap = old;
	GROW(f->run, cap, depth + 2);
	cap = old;
	GROW(f->px0, cap, depth + 2);
	cap = old;
	GROW(f->px1, cap, depth + 2);
	memset(f->rows + old, 0, (cap - old) * sizeof *f->rows);
	f->cap = cap;
}

static void flame_enter(void *ctx, uint32_t frame, uint32_t depth, int64_t value, int64_t weight)
{
	flame_draw *f = ctx;
	flame_depth(f, depth);
	if (depth + 1 > f->nrows)
		f->nrows = depth + 1;
	size_t W = f->W;
	int64_t start = 0;
	if (depth > 0) {
		start = f->run[depth];
		f->run[depth] = calltree_add(start, weight);
	}
	f->run[depth + 1] = start;
	uint32_t x0 = 0, x1 = (uint32_t)W;
	if (depth > 0) {
		double a = f->total > 0 ? (double)start * (double)W / f->total + 0.5 : 0;
		double b = f->total > 0 ? (double)calltree_add(start, weight) * (double)W / f->total + 0.5 : 0;
		x0 = a >= (double)W ? (uint32_t)W : (uint32_t)a;
		x1 = b >= (double)W ? (uint32_t)W : (uint32_t)b;
		/* Rounding is monotone, so this only guards against saturated sums. */
		if (x0 < f->px0[depth - 1])
			x0 = f->px0[depth - 1];
		if (x1 > f->px1[depth - 1])
			x1 = f->px1[depth - 1];
		if (x1 < x0)
			x1 = x0;
	} else {
		f->root_value = value;
	}
	f->px0[depth] = x0;
	f->px1[depth] = x1;

	flame_row *row = &f->rows[depth];
	size_t a = x0, b = x1;
	if (b > a)
		row->visible = true;
	if (b - a < MIN_BOX) {
		if (row->gcount > 0 && a <= row->gx1) {
			row->gx1 = b > row->gx1 ? b : row->gx1;
			row->gcount++;
		} else {
			row_filler(f, row);
			row->gx0 = a;
			row->gx1 = b;
			row->gcount = 1;
		}
		return;
	}
	row_filler(f, row);
	row->gcount = 0;
	row->gx0 = row->gx1 = 0;
	char val[64];
	size_t vr;
	rctx_value(f->r, value, val, sizeof val);
	char *vd = display_name(val, &vr);
	cell *cells = row_cells(f, row);
	if (frame == CALLTREE_ROOT)
		draw_box(cells, a, b, "root", 4, vd, vr, ST_ROOT);
	else
		draw_box(cells, a, b, f->disp[frame], f->runes[frame], vd, vr, f->style[frame]);
	free(vd);
}

static void flame_leave(void *ctx)
{
	(void)ctx;
}

/* The title: the longest that fits, with "Flame graph of", without, or cut. */
static void flame_title(FILE *out, const rctx *r, int64_t shown_value, bool all, cell *row, size_t W)
{
	char tot[64], shown[64], title[3][800];
	rctx_value(r, r->total, tot, sizeof tot);
	rctx_value(r, shown_value, shown, sizeof shown);
	snprintf(title[0], sizeof title[0], "Flame graph of %s: %s%s%s total", r->sample_type, all ? "" : shown,
	         all ? "" : " of ", tot);
	snprintf(title[1], sizeof title[1], "%s: %s%s%s total", r->sample_type, all ? "" : shown, all ? "" : " of ",
	         tot);
	snprintf(title[2], sizeof title[2], "%s: %s", r->sample_type, all ? tot : shown);
	for (size_t x = 0; x < W; x++)
		cell_put(&row[x], " ", 1, ST_NONE);
	for (int k = 0; k < 3; k++) {
		size_t tr;
		char *tdisp = display_name(title[k], &tr);
		if (tr <= W || k == 2)
			cells_text(row, 0, tdisp, W, ST_NONE);
		free(tdisp);
		if (tr <= W)
			break;
	}
	print_row(out, row, W, false);
}

bool report_flame_rctx(FILE *out, rctx *r)
{
	if (r->o->mean)
		return prof_errf(r->err, "flame does not support -mean");
	size_t W = 80;
	if (!flame_width(r, &W))
		return false;
	calltree t;
	calltree_init(&t, r, r->ix->printable, false);
	flame_draw f = {.r = r, .W = W, .total = (double)t.weight};
	f.disp = xmalloc(((size_t)t.nnames + 1) * sizeof *f.disp);
	f.runes = xmalloc(((size_t)t.nnames + 1) * sizeof *f.runes);
	f.style = xmalloc((size_t)t.nnames + 1);
	for (uint32_t k = 0; k < t.nnames; k++) {
		f.disp[k] = display_name(t.names[k], &f.runes[k]);
		f.style[k] = (uint8_t)frame_style(t.names[k]);
	}
	static const calltree_visitor visit = {flame_enter, flame_leave, NULL};
	calltree_walk(&t, CALLTREE_BY_NAME, &visit, &f);

	cell *title = xmalloc(W * sizeof *title);
	flame_title(out, r, f.root_value, t.weight == r->total, title, W);
	free(title);
	for (size_t d = 0; d < f.nrows; d++)
		row_filler(&f, &f.rows[d]);
	for (size_t d = 0; d < f.nrows && f.rows[d].visible; d++)
		print_row(out, f.rows[d].cells, W, r->o->color);

	for (size_t d = 0; d < f.nrows; d++)
		free(f.rows[d].cells);
	free(f.rows);
	free(f.run);
	free(f.px0);
	free(f.px1);
	for (uint32_t k = 0; k < t.nnames; k++)
		free(f.disp[k]);
	free(f.disp);
	free(f.runes);
	free(f.style);
	calltree_free(&t);
	return true;
}
