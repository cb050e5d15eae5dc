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
 * a depth-first walk whose siblings are sorted by name + ';' (their
 * subtrees) and name + NUL (the line ending at them) visits the lines in
 * strcmp order, since names hold neither byte. Memory is one item per node
 * and one line's worth of prefix, not every line at once.
 */
typedef struct fitem {
	const char *name;
	uint32_t node;
	bool own; /* the line ending here, not the subtree below */
} fitem;

static int cmp_fitem(const void *a, const void *b)
{
	const fitem *x = a, *y = b;
	const unsigned char *p = (const unsigned char *)x->name, *q = (const unsigned char *)y->name;
	while (*p && *p == *q)
		p++, q++;
	int c = *p ? *p : x->own ? 0 : ';';
	int d = *q ? *q : y->own ? 0 : ';';
	if (c != d)
		return c - d;
	return (int)y->own - (int)x->own;
}

/* Each node's items grouped under its parent (off[v]..off[v+1]), sorted. */
static fitem *folded_items(const report_flame *t, uint32_t **offp)
{
	uint32_t *off = xcalloc(t->n + 2, sizeof *off);
	for (size_t v = 1; v < t->n; v++)
		off[t->nodes[v].parent + 1] += t->self[v] ? 2 : 1;
	for (size_t v = 0; v < t->n; v++)
		off[v + 1] += off[v];
	fitem *items = xmalloc(((size_t)off[t->n] + 1) * sizeof *items);
	uint32_t *fill = xmalloc((t->n + 1) * sizeof *fill);
	memcpy(fill, off, t->n * sizeof *fill);
	for (size_t v = 1; v < t->n; v++) {
		const report_flame_node *n = &t->nodes[v];
		const char *name = t->names[n->frame];
		items[fill[n->parent]++] = (fitem){name, (uint32_t)v, false};
		if (t->self[v])
			items[fill[n->parent]++] = (fitem){name, (uint32_t)v, true};
	}
	free(fill);
	for (size_t v = 0; v < t->n; v++)
		if (off[v + 1] - off[v] > 1)
			qsort(items + off[v], off[v + 1] - off[v], sizeof *items, cmp_fitem);
	*offp = off;
	return items;
}

/* Writes the lines under the root in order, walking with an explicit stack. */
static void folded_write(FILE *out, const report_flame *t, const fitem *items, const uint32_t *off)
{
	size_t depth = (size_t)t->max_depth + 2;
	uint32_t *at = xmalloc(depth * sizeof *at), *end = xmalloc(depth * sizeof *end);
	size_t *plen = xmalloc(depth * sizeof *plen);
	char *prefix = NULL;
	size_t pcap = 0;
	size_t d = 0;
	at[0] = off[0];
	end[0] = off[1];
	plen[0] = 0;
	while (true) {
		if (at[d] == end[d]) {
			if (d == 0)
				break;
			d--;
			continue;
		}
		const fitem *it = &items[at[d]++];
		size_t l = strlen(it->name), base = plen[d];
		GROW(prefix, pcap, base + l + 2);
		if (base)
			prefix[base - 1] = ';';
		memcpy(prefix + base, it->name, l);
		if (it->own) {
			fwrite(prefix, 1, base + l, out);
			fprintf(out, " %" PRId64 "\n", t->self[it->node]);
			continue;
		}
		d++;
		at[d] = off[it->node];
		end[d] = off[it->node + 1];
		plen[d] = base + l + 1;
	}
	free(prefix);
	free(plen);
	free(end);
	free(at);
}

bool report_folded_rctx(FILE *out, rctx *r)
{
	if (r->o->mean)
		return prof_errf(r->err, "folded does not support -mean");
	const graph_index *ix = r->ix;
	char **keys = xmalloc(((size_t)ix->ninfo + 1) * sizeof *keys);
	for (uint32_t k = 0; k < ix->ninfo; k++)
		keys[k] = folded_name(ix->printable[k]);
	report_flame t;
	calltree_build(&t, r, keys, false, true);
	uint32_t *off;
	fitem *items = folded_items(&t, &off);
	folded_write(out, &t, items, off);
	free(items);
	free(off);
	report_flame_free(&t);
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

bool report_flame_rctx(FILE *out, rctx *r)
{
	if (r->o->mean)
		return prof_errf(r->err, "flame does not support -mean");
	size_t W = 80;
	if (!flame_width(r, &W))
		return false;
	bool color = r->o->color;
	const graph_index *ix = r->ix;
	report_flame t;
	calltree_build(&t, r, ix->printable, false, false);
	size_t n = t.n;

	/* Display names and styles per frame. */
	char **disp = xmalloc(((size_t)t.nnames + 1) * sizeof *disp);
	size_t *runes = xmalloc(((size_t)t.nnames + 1) * sizeof *runes);
	uint8_t *style = xmalloc((size_t)t.nnames + 1);
	for (uint32_t k = 0; k < t.nnames; k++) {
		disp[k] = display_name(t.names[k], &runes[k]);
		style[k] = (uint8_t)frame_style(t.names[k]);
	}

	/* Columns: start and end of each node's cumulative range, rounded. */
	/*
	 * Columns: start and end of each node's cumulative range, rounded, in
	 * preorder with children by name; run[d] is where the next node at depth
	 * d starts. The preorder split by depth keeps each row left to right.
	 */
	calltree_sort(&t, CALLTREE_BY_NAME);
	size_t rows = (size_t)t.max_depth + 1;
	int64_t *run = xcalloc(rows + 2, sizeof *run);
	uint32_t *x0 = xmalloc((n + 1) * sizeof *x0), *x1 = xmalloc((n + 1) * sizeof *x1);
	size_t *roff = xcalloc(rows + 1, sizeof *roff);
	double total = (double)t.nodes[0].weight;
	for (uint32_t v = 0; v != NO_NODE; v = report_flame_next(&t, v)) {
		const report_flame_node *nd = &t.nodes[v];
		int64_t start = 0;
		if (v != 0) {
			start = run[nd->depth];
			run[nd->depth] = calltree_add(start, nd->weight);
		}
		run[nd->depth + 1] = start;
		roff[nd->depth + 1]++;
		double a = total > 0 ? (double)start * (double)W / total + 0.5 : 0;
		double b = total > 0 ? (double)calltree_add(start, nd->weight) * (double)W / total + 0.5 : 0;
		x0[v] = a >= (double)W ? (uint32_t)W : (uint32_t)a;
		x1[v] = b >= (double)W ? (uint32_t)W : (uint32_t)b;
		if (v != 0) {
			/* Rounding is monotone, so this only guards against saturated sums. */
			const uint32_t p = nd->parent;
			if (x0[v] < x0[p])
				x0[v] = x0[p];
			if (x1[v] > x1[p])
				x1[v] = x1[p];
			if (x1[v] < x0[v])
				x1[v] = x0[v];
		}
	}
	x0[0] = 0;
	x1[0] = (uint32_t)W;
	free(run);
	for (size_t d = 1; d <= rows; d++)
		roff[d] += roff[d - 1];
	uint32_t *byrow = xmalloc((n + 1) * sizeof *byrow);
	size_t *fill = xmalloc((rows + 1) * sizeof *fill);
	memcpy(fill, roff, (rows + 1) * sizeof *fill);
	for (uint32_t v = 0; v != NO_NODE; v = report_flame_next(&t, v))
		byrow[fill[t.nodes[v].depth]++] = v;
	free(fill);

	/* Title. */
	cell *row = xmalloc(W * sizeof *row);
	/* The longest title that fits: with "Flame graph of", without, or cut. */
	char tot[64], shown[64], title[3][800];
	rctx_value(r, r->total, tot, sizeof tot);
	rctx_value(r, t.nodes[0].value, shown, sizeof shown);
	bool all = t.nodes[0].weight == r->total;
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

	for (size_t d = 0; d < rows; d++) {
		bool visible = false;
		for (size_t x = 0; x < W; x++)
			cell_put(&row[x], " ", 1, ST_NONE);
		size_t gx0 = 0, gx1 = 0, gcount = 0; /* the pending filler */
		for (size_t i = roff[d]; i < roff[d + 1]; i++) {
			uint32_t v = byrow[i];
			size_t a = x0[v], b = x1[v];
			if (b > a)
				visible = true;
			if (b - a < MIN_BOX) {
				if (gcount > 0 && a <= gx1) {
					gx1 = b > gx1 ? b : gx1;
					gcount++;
				} else {
					draw_filler(row, gx0, gx1, gcount);
					gx0 = a;
					gx1 = b;
					gcount = 1;
				}
				continue;
			}
			draw_filler(row, gx0, gx1, gcount);
			gcount = 0;
			gx0 = gx1 = 0;
			char val[64];
			size_t vr;
			rctx_value(r, t.nodes[v].value, val, sizeof val);
			char *vd = display_name(val, &vr);
			if (v == 0) {
				draw_box(row, a, b, "root", 4, vd, vr, ST_ROOT);
			} else {
				uint32_t fr = t.nodes[v].frame;
				draw_box(row, a, b, disp[fr], runes[fr], vd, vr, style[fr]);
			}
			free(vd);
		}
		draw_filler(row, gx0, gx1, gcount);
		if (!visible)
			break;
		print_row(out, row, W, color);
	}

	free(row);
	free(byrow);
	free(roff);
	free(x0);
	free(x1);
	for (uint32_t k = 0; k < t.nnames; k++)
		free(disp[k]);
	free(disp);
	free(runes);
	free(style);
	report_flame_free(&t);
	return true;
}
