/*
 * browser_views: drawing. Owns the screen's layout (tab bar, the view's
 * body, status line, key-hint line), each view's rows and how the cursor
 * maps to the shared selection, the flame's icicle layout and moves, the
 * diff marks and noise floor, and the help overlay. It draws the data of
 * browser_data and computes nothing of the profile.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ui/browser_int.h"
#include "util/term.h"
#include "util/units.h"

static const char *const names[V_COUNT] = {"Top", "Callers/callees", "Flame", "Source", "Traces", "Tags",
                                            "Goroutines"};

const char *view_name(bview v)
{
	return names[v];
}

static void set_sel(browser *b, const char *name)
{
	if (b->sel && name && strcmp(b->sel, name) == 0)
		return;
	free(b->sel);
	b->sel = name ? strdup(name) : NULL;
}

/* ---- top ---- */

/* Whether a diff's change v is a change at all: at or above the noise floor, a share of total. */
static bool above_floor(const browser *b, int64_t v, int64_t total)
{
	return !b->diff || (double)abs64(v) >= b->noise * (double)abs64(total);
}

/* Whether a diff's row is under the noise floor (hidden). */
static bool under_noise(const browser *b, const report_top_row *r)
{
	int64_t t = b->d.top.total;
	return !above_floor(b, r->flat, t) && !above_floor(b, r->cum, t);
}

/* Row k of the top view: the index of the k-th row above the noise floor, or -1. */
static int top_row(const browser *b, int k)
{
	const report_top *t = &b->d.top;
	for (size_t i = 0; i < t->nrows; i++)
		if (!under_noise(b, &t->rows[i]) && k-- == 0)
			return (int)i;
	return -1;
}

static int top_count(const browser *b)
{
	int n = 0;
	for (size_t i = 0; i < b->d.top.nrows; i++)
		n += !under_noise(b, &b->d.top.rows[i]);
	return n;
}

/* A diff's mark and colour: "+" red for growth, "-" blue for shrinkage; none under the noise floor. */
static const char *diff_mark(const browser *b, int64_t v, int64_t total, int *attr)
{
	if (!b->diff || v == 0 || !above_floor(b, v, total))
		return " ";
	*attr = role_attr(b, v > 0 ? R_GREW : R_SHRANK);
	return v > 0 ? "+" : "-";
}

/* Scrolls view v so that its cursor shows, within rows visible rows. */
static void keep_visible(browser *b, bview v, int rows, int count)
{
	if (b->cur[v] >= count)
		b->cur[v] = count - 1;
	if (b->cur[v] < 0)
		b->cur[v] = 0;
	if (b->top[v] > b->cur[v])
		b->top[v] = b->cur[v];
	if (b->cur[v] >= b->top[v] + rows)
		b->top[v] = b->cur[v] - rows + 1;
	if (b->top[v] < 0)
		b->top[v] = 0;
}

static void draw_error(browser *b, int y, const char *msg)
{
	put_text(b, y, 1, COLS - 2, msg, role_attr(b, R_ERROR));
}

static void draw_top(browser *b, int y0, int rows)
{
	if (!data_top(b)) {
		draw_error(b, y0, b->d.err[V_TOP]);
		return;
	}
	put_text(b, y0, 0, COLS, "      flat  flat%   sum%        cum   cum%   name", A_BOLD);
	int count = top_count(b);
	keep_visible(b, V_TOP, rows - 1, count);
	for (int k = 0; k < rows - 1 && b->top[V_TOP] + k < count; k++) {
		int i = top_row(b, b->top[V_TOP] + k);
		const report_top_row *r = &b->d.top.rows[i];
		bool cur = b->top[V_TOP] + k == b->cur[V_TOP];
		int attr = A_NORMAL;
		const char *mark = diff_mark(b, r->flat ? r->flat : r->cum, b->d.top.total, &attr);
		if (cur)
			attr = role_attr(b, R_SELECT);
		char line[256];
		snprintf(line, sizeof line, "%10s %s %s %10s %s %s", r->flat_s, r->flat_pct, r->sum_pct, r->cum_s,
		         r->cum_pct, mark);
		int y = y0 + 1 + k;
		if (cur)
			mvhline(y, 0, ' ' | attr, COLS);
		put_text(b, y, 0, COLS, line, attr);
		int x = (int)strlen(line) + 1;
		char name[1024];
		snprintf(name, sizeof name, "%s%s%s", r->name, *r->inline_label ? " " : "", r->inline_label);
		put_name(b, y, x, COLS - x, name, search_hit(b, r->name) && !cur ? role_attr(b, R_MATCH) : attr);
	}
}

/* ---- callers and callees ---- */

static int peers_count(const browser *b)
{
	return (int)(b->d.nb.ncallers + 1 + b->d.nb.ncallees);
}

static void draw_edge(browser *b, int y, const report_edge_row *e, bool cur, bool incoming)
{
	int attr = A_NORMAL;
	const char *mark = diff_mark(b, e->value, b->d.nb.total, &attr);
	if (cur) {
		attr = role_attr(b, R_SELECT);
		mvhline(y, 0, ' ' | attr, COLS);
	}
	char line[128];
	/* A diff's edges carry the mark column too; otherwise the rows are peek's. */
	snprintf(line, sizeof line, "%20s %s %s%s%s", e->value_s, e->pct, incoming ? "caller |" : "callee |",
	         b->diff ? " " : "", b->diff ? mark : "");
	put_text(b, y, 0, COLS, line, attr);
	int x = (int)strlen(line) + 1;
	char name[1024];
	snprintf(name, sizeof name, "%s%s", e->name, e->inl ? " (inline)" : "");
	put_name(b, y, x, COLS - x, name, search_hit(b, e->name) && !cur ? role_attr(b, R_MATCH) : attr);
}

static void draw_peers(browser *b, int y0, int rows)
{
	if (!data_neighbors(b)) {
		draw_error(b, y0, b->d.err[V_PEERS]);
		return;
	}
	const report_neighbors *nb = &b->d.nb;
	put_text(b, y0, 0, COLS, "               value share         name (callers above, callees below)", A_BOLD);
	int count = peers_count(b);
	keep_visible(b, V_PEERS, rows - 1, count);
	for (int k = 0; k < rows - 1 && b->top[V_PEERS] + k < count; k++) {
		int r = b->top[V_PEERS] + k, y = y0 + 1 + k;
		bool cur = r == b->cur[V_PEERS];
		if (r < (int)nb->ncallers) {
			draw_edge(b, y, &nb->callers[r], cur, true);
		} else if (r == (int)nb->ncallers) {
			int attr = (cur ? role_attr(b, R_SELECT) : (int)A_NORMAL) | A_BOLD;
			mvhline(y, 0, ' ' | attr, COLS);
			char line[256];
			snprintf(line, sizeof line, "flat %s %s  cum %s %s   |", nb->flat_s, nb->flat_pct, nb->cum_s,
			         nb->cum_pct);
			put_text(b, y, 0, COLS, line, attr);
			int x = (int)strlen(line) + 1;
			put_name(b, y, x, COLS - x, b->sel, attr);
		} else {
			draw_edge(b, y, &nb->callees[r - (int)nb->ncallers - 1], cur, false);
		}
	}
}

/* ---- flame ---- */

static unsigned name_hash(const char *s)
{
	/* By package: a package's frames share a shade. */
	unsigned h = 5381;
	const char *end = strchr(s, '.');
	const char *slash = strrchr(s, '/');
	if (slash && (!end || slash > end))
		end = strchr(slash, '.');
	for (; *s && s != end; s++)
		h = h * 33 + (unsigned char)*s;
	return h;
}

static void add_cell(browser *b, uint32_t node, int x, int w, int depth)
{
	GROW(b->cells, b->cellcap, b->ncells + 1);
	b->cells[b->ncells++] = (bcell){node, x, w, depth};
}

static void draw_frame(browser *b, uint32_t v, int y, int x, int w)
{
	int64_t value = b->d.fl.value[v];
	const char *name = report_flame_name(&b->d.fl, v);
	int attr = role_attr(b, (brole)(R_FLAME0 + name_hash(name) % (unsigned)(b->shades > 0 ? b->shades : FLAME_SHADES)));
	const char *mark = "";
	if (b->diff && value && above_floor(b, value, b->d.fl.total)) {
		attr = role_attr(b, value > 0 ? R_GREW : R_SHRANK) | A_REVERSE;
		mark = value > 0 ? "+" : "-";
	}
	if (search_hit(b, name))
		attr = role_attr(b, R_MATCH);
	if (v == b->fsel)
		attr = role_attr(b, R_SELECT) | A_UNDERLINE;
	mvhline(y, x, ' ' | attr, w);
	/* Too narrow for a readable label: colour alone (the status line names it when selected). */
	if (w < 4)
		return;
	char label[1100];
	snprintf(label, sizeof label, "%s%s", mark, name);
	put_name(b, y, x, w - 1, label, attr);
}

/* Frames of v's children at depth row y (tree depth depth), within [x, x+w); narrow ones merge into one stub. */
static void layout_children(browser *b, uint32_t v, int depth, int y, int x, int w, int ymax)
{
	const report_flame *fl = &b->d.fl;
	int64_t pv = fl->weight[v];
	if (y >= ymax || pv == 0)
		return;
	int64_t acc = 0;
	for (uint32_t c = v + 1; c < fl->end[v]; c = fl->end[c]) {
		int start = x + (int)((double)acc / (double)pv * w);
		int end = x + (int)((double)(acc + fl->weight[c]) / (double)pv * w);
		if (end - start < 1) {
			/* This and every later (smaller) child: one stub. */
			if (start < x + w)
				put_text(b, y, start, 1, b->utf8 ? "\xe2\x80\xa6" : "+", role_attr(b, R_HINT));
			return;
		}
		draw_frame(b, c, y, start, end - start);
		add_cell(b, c, start, end - start, depth);
		layout_children(b, c, depth + 1, y + 1, start, end - start, ymax);
		acc += fl->weight[c];
	}
}

static void pct_of(char *buf, size_t n, int64_t v, int64_t of)
{
	fmt_percentage(buf, n, v, of);
	char *s = buf;
	while (*s == ' ')
		s++;
	memmove(buf, s, strlen(s) + 1);
}

static void draw_flame(browser *b, int y0, int rows)
{
	b->ncells = 0;
	if (!data_flame(b)) {
		draw_error(b, y0, b->d.err[V_FLAME]);
		return;
	}
	const report_flame *fl = &b->d.fl;
	if (b->flame_sel_sync) {
		view_follow_sel(b, V_FLAME);
		b->flame_sel_sync = false;
	}
	int64_t zv = fl->value[b->fzoom], sv = fl->value[b->fsel];
	char head[512], tot[32], zm[32], val[64];
	report_flame_value(fl, sv, val, sizeof val);
	pct_of(tot, sizeof tot, sv, fl->total);
	pct_of(zm, sizeof zm, sv, zv);
	snprintf(head, sizeof head, "%s  %s: %s  %s of total  %s of zoom (%s)", b->inverted ? "inverted (leaves on top)" : "icicle (root on top)",
	         report_flame_name(fl, b->fsel), val, tot, zm, report_flame_name(fl, b->fzoom));
	put_text(b, y0, 0, COLS, head, A_BOLD);
	int zdepth = (int)report_flame_depth(fl, b->fzoom);
	draw_frame(b, b->fzoom, y0 + 1, 0, COLS);
	add_cell(b, b->fzoom, 0, COLS, zdepth);
	layout_children(b, b->fzoom, zdepth + 1, y0 + 2, 0, COLS, y0 + rows);
}

/* The cell drawn for node v, or NULL. */
static const bcell *cell_of(const browser *b, uint32_t v)
{
	for (size_t i = 0; i < b->ncells; i++)
		if (b->cells[i].node == v)
			return &b->cells[i];
	return NULL;
}

void view_flame_move(browser *b, int key)
{
	const report_flame *fl = &b->d.fl;
	if (!fl->n)
		return;
	const bcell *c = cell_of(b, b->fsel);
	uint32_t parent = report_flame_parent(fl, b->fsel);
	/* Up is toward the root on screen: the parent (the caller, or the callee when inverted). */
	if (key == 'k' && b->fsel != b->fzoom && parent != REPORT_FLAME_NONE)
		b->fsel = parent;
	else if (key == 'j' && b->fsel + 1 < fl->end[b->fsel])
		b->fsel = b->fsel + 1;
	else if ((key == 'h' || key == 'l') && c) {
		const bcell *best = NULL;
		for (size_t i = 0; i < b->ncells; i++) {
			const bcell *o = &b->cells[i];
			if (o->depth != c->depth || o->node == c->node)
				continue;
			if (key == 'h' && o->x < c->x && (!best || o->x > best->x))
				best = o;
			if (key == 'l' && o->x > c->x && (!best || o->x < best->x))
				best = o;
		}
		if (best)
			b->fsel = best->node;
	}
	set_sel(b, b->fsel ? report_flame_name(fl, b->fsel) : b->sel);
}

void view_flame_zoom(browser *b, bool in)
{
	const report_flame *fl = &b->d.fl;
	if (!fl->n)
		return;
	if (in)
		b->fzoom = b->fsel;
	else if (b->fzoom != 0)
		b->fzoom = report_flame_parent(fl, b->fzoom);
}

/* ---- text views ---- */

static void draw_lines(browser *b, bview v, int y0, int rows)
{
	if (!data_lines(b, v)) {
		draw_error(b, y0, b->d.err[v]);
		return;
	}
	const report_lines *l = &b->d.lines[v];
	keep_visible(b, v, rows, (int)l->n);
	for (int k = 0; k < rows && b->top[v] + k < (int)l->n; k++) {
		int r = b->top[v] + k;
		const char *s = l->line[r];
		int attr = A_NORMAL;
		if (strstr(s, "LEAKED") || strstr(s, "stuck") || strstr(s, "Error:"))
			attr = role_attr(b, R_GREW);
		if (search_hit(b, s))
			attr = role_attr(b, R_MATCH);
		if (r == b->cur[v]) {
			attr = role_attr(b, R_SELECT);
			mvhline(y0 + k, 0, ' ' | attr, COLS);
		}
		put_text(b, y0 + k, 0, COLS, s, attr);
	}
}

/* ---- rows, for keys and search ---- */

int view_rows(browser *b)
{
	switch (b->view) {
	case V_TOP: return data_top(b) ? top_count(b) : 0;
	case V_PEERS: return data_neighbors(b) ? peers_count(b) : 0;
	case V_FLAME: return 0;
	default: return data_lines(b, b->view) ? (int)b->d.lines[b->view].n : 0;
	}
}

const char *view_row_name(browser *b, int row)
{
	const report_neighbors *nb = &b->d.nb;
	switch (b->view) {
	case V_TOP: {
		int i = top_row(b, row);
		return i < 0 ? NULL : b->d.top.rows[i].name;
	}
	case V_PEERS:
		if (row < (int)nb->ncallers)
			return nb->callers[row].name;
		if (row == (int)nb->ncallers)
			return b->sel;
		if (row - (int)nb->ncallers - 1 < (int)nb->ncallees)
			return nb->callees[row - (int)nb->ncallers - 1].name;
		return NULL;
	case V_FLAME: return NULL;
	default:
		return row >= 0 && row < (int)b->d.lines[b->view].n ? b->d.lines[b->view].line[row] : NULL;
	}
}

void view_follow_sel(browser *b, bview v)
{
	if (!b->sel)
		return;
	if (v == V_TOP && data_top(b)) {
		int n = top_count(b);
		for (int k = 0; k < n; k++)
			if (strcmp(b->d.top.rows[top_row(b, k)].name, b->sel) == 0) {
				b->cur[V_TOP] = k;
				return;
			}
	} else if (v == V_PEERS && data_neighbors(b)) {
		b->cur[V_PEERS] = (int)b->d.nb.ncallers;
	} else if (v == V_FLAME && b->d.fl.n) {
		/* The heaviest frame of that name (the first in preorder of the heaviest). */
		const report_flame *fl = &b->d.fl;
		uint32_t f = report_flame_frame_named(fl, b->sel), best = b->fsel;
		bool named = f != REPORT_FLAME_NONE && fl->frame[best] == f;
		for (size_t i = 1; f != REPORT_FLAME_NONE && i < fl->n; i++)
			if (fl->frame[i] == f && (!named || abs64(fl->value[i]) > abs64(fl->value[best]))) {
				best = (uint32_t)i;
				named = true;
			}
		b->fsel = best;
		/* Zoomed elsewhere: back out to the whole tree. */
		if (!report_flame_under(fl, best, b->fzoom))
			b->fzoom = 0;
	}
}

bool view_click(browser *b, int y, int x)
{
	if (b->view == V_FLAME) {
		const report_flame *fl = &b->d.fl;
		if (!fl->n || y < 2)
			return false;
		int depth = (int)report_flame_depth(fl, b->fzoom) + (y - 2);
		for (size_t i = 0; i < b->ncells; i++) {
			const bcell *c = &b->cells[i];
			if (c->depth == depth && x >= c->x && x < c->x + c->w) {
				b->fsel = c->node;
				set_sel(b, b->fsel ? report_flame_name(fl, b->fsel) : b->sel);
				return true;
			}
		}
		return false;
	}
	/* Top and callers/callees have a column header above their rows. */
	int first = b->view == V_TOP || b->view == V_PEERS ? 2 : 1;
	int row = b->top[b->view] + (y - first);
	if (y < first || y >= first + b->body_rows || row >= view_rows(b))
		return false;
	b->cur[b->view] = row;
	if (b->view == V_TOP)
		set_sel(b, view_row_name(b, row));
	return true;
}

/* Whether (v, k) comes after (here, cur) going dir: by |change| descending, then position. */
static bool ranks_after(int64_t v, int k, int64_t here, int cur, int dir)
{
	return dir > 0 ? (v < here || (v == here && k > cur)) : (v > here || (v == here && k < cur));
}

/* ]/[ in the flame: the frame with the next smaller (larger) change, zoomed out when it is outside. */
static void flame_diff_step(browser *b, int dir)
{
	const report_flame *fl = &b->d.fl;
	int64_t here = b->fsel ? abs64(fl->value[b->fsel]) : INT64_MAX;
	int cur = (int)b->fsel, best = -1;
	int64_t bv = 0;
	for (size_t i = 1; i < fl->n; i++) {
		int64_t v = abs64(fl->value[i]);
		if ((int)i == cur || !ranks_after(v, (int)i, here, cur, dir) || !above_floor(b, v, fl->total))
			continue;
		if (best < 0 || (dir > 0 ? v > bv || (v == bv && (int)i < best) : v < bv || (v == bv && (int)i > best))) {
			best = (int)i;
			bv = v;
		}
	}
	if (best < 0) {
		snprintf(b->msg, sizeof b->msg, dir > 0 ? "no smaller change" : "no larger change");
		return;
	}
	set_sel(b, report_flame_name(fl, best));
	b->fsel = (uint32_t)best;
	if (!report_flame_under(fl, b->fsel, b->fzoom))
		b->fzoom = 0;
}

/* ]/[: the row with the next larger (smaller) change than the cursor's, by |flat|. */
void view_diff_step(browser *b, int dir)
{
	if (b->diff && b->view == V_FLAME && b->d.fl.n) {
		flame_diff_step(b, dir);
		return;
	}
	if (!b->diff || b->view != V_TOP || !data_top(b)) {
		snprintf(b->msg, sizeof b->msg, "] and [ step through a diff's changes in top and flame (-base or -diff_base)");
		return;
	}
	int n = top_count(b), cur = b->cur[V_TOP];
	int64_t here = abs64(b->d.top.rows[top_row(b, cur)].flat);
	int best = -1;
	int64_t bv = 0;
	for (int k = 0; k < n; k++) {
		int64_t v = abs64(b->d.top.rows[top_row(b, k)].flat);
		/* Next: the largest change below the current one (ties by position). */
		if (!ranks_after(v, k, here, cur, dir) || k == cur)
			continue;
		if (best < 0 || (dir > 0 ? v > bv || (v == bv && k < best) : v < bv || (v == bv && k > best))) {
			best = k;
			bv = v;
		}
	}
	if (best < 0) {
		snprintf(b->msg, sizeof b->msg, dir > 0 ? "no smaller change" : "no larger change");
		return;
	}
	b->cur[V_TOP] = best;
	set_sel(b, b->d.top.rows[top_row(b, best)].name);
}

/* e in source: $EDITOR +LINE FILE for the line under the cursor. */
void view_open_editor(browser *b)
{
	if (b->view != V_SOURCE || !data_lines(b, V_SOURCE)) {
		snprintf(b->msg, sizeof b->msg, "e opens $EDITOR from the source view (l)");
		return;
	}
	const report_lines *l = &b->d.lines[V_SOURCE];
	long line = 0;
	const char *file = NULL;
	for (int r = b->cur[V_SOURCE]; r >= 0 && r < (int)l->n; r--) {
		const char *s = l->line[r];
		const char *in = strstr(s, " in ");
		if (strncmp(s, "ROUTINE", 7) == 0 && in) {
			file = in + 4;
			break;
		}
		const char *colon = strchr(s, ':');
		if (!line && colon && colon - s > 20) {
			const char *d = colon;
			while (d > s && d[-1] >= '0' && d[-1] <= '9')
				d--;
			line = strtol(d, NULL, 10);
		}
	}
	if (!file) {
		snprintf(b->msg, sizeof b->msg, "no source file here");
		return;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s", file);
	const char *sp = b->o.source_path;
	if (access(path, R_OK) != 0 && sp && *sp)
		snprintf(path, sizeof path, "%.*s/%s", (int)strcspn(sp, ":"), sp, file);
	const char *ed = getenv("EDITOR");
	if (!ed || !*ed)
		ed = "vi";
	char plus[32];
	snprintf(plus, sizeof plus, "+%ld", line > 0 ? line : 1);
	def_prog_mode();
	endwin();
	pid_t pid = fork();
	if (pid == 0) {
		execlp(ed, ed, plus, path, (char *)NULL);
		_exit(127);
	}
	int st = 0;
	if (pid > 0)
		waitpid(pid, &st, 0);
	reset_prog_mode();
	clearok(curscr, TRUE);
	if (pid < 0 || !WIFEXITED(st) || WEXITSTATUS(st) == 127)
		snprintf(b->msg, sizeof b->msg, "could not run %s", ed);
}

/* ---- frame of the screen ---- */

static void draw_tabs(browser *b)
{
	mvhline(0, 0, ' ' | role_attr(b, R_BAR), COLS);
	int x = 0;
	for (int v = 0; v < V_COUNT && x < COLS; v++) {
		char t[48];
		snprintf(t, sizeof t, " %d %s ", v + 1, names[v]);
		put_text(b, 0, x, COLS - x, t, v == (int)b->view ? role_attr(b, R_SELECT) | (int)A_BOLD : role_attr(b, R_BAR));
		x += (int)strlen(t);
	}
}

/* The "Type:" header line and the total from top's labels. */
static void header_facts(const browser *b, char *type, size_t tn, char *total, size_t n)
{
	snprintf(type, tn, "?");
	snprintf(total, n, "?");
	for (size_t i = 0; i < b->d.top.nlabels; i++) {
		const char *l = b->d.top.labels[i];
		if (strncmp(l, "Type: ", 6) == 0)
			snprintf(type, tn, "%s", l + 6);
		const char *of = strstr(l, "% of ");
		if (strncmp(l, "Showing nodes", 13) == 0 && of)
			snprintf(total, n, "%.*s", (int)strcspn(of + 5, " "), of + 5);
	}
}

/* A diff's selection: before -> after, from the base's own top. */
static void before_after(browser *b, char *out, size_t n)
{
	*out = '\0';
	if (!b->diff || !b->sel || !data_base(b))
		return;
	int64_t before = 0, delta = 0;
	for (size_t i = 0; i < b->d.base_top.nrows; i++)
		if (strcmp(b->d.base_top.rows[i].name, b->sel) == 0)
			before = b->d.base_top.rows[i].cum;
	for (size_t i = 0; i < b->d.top.nrows; i++)
		if (strcmp(b->d.top.rows[i].name, b->sel) == 0)
			delta = b->d.top.rows[i].cum;
	const prof_profile *p = b->in->p;
	prof_err err = {0};
	int si = prof_sample_index(p, b->o.sample_index, &err);
	const char *unit = si >= 0 ? prof_str(p, p->sample_types[si].unit) : "";
	char bs[32], as[32], ds[32];
	fmt_scaled_label(bs, sizeof bs, before, unit, b->o.unit);
	fmt_scaled_label(as, sizeof as, before + delta, unit, b->o.unit);
	fmt_scaled_label(ds, sizeof ds, delta, unit, b->o.unit);
	snprintf(out, n, "  cum %s -> %s (%s%s)", bs, as, delta > 0 ? "+" : "", ds);
}

static void draw_status(browser *b)
{
	int y = LINES - 2;
	mvhline(y, 0, ' ' | role_attr(b, R_STATUS), COLS);
	data_top(b);
	char type[128], total[64], crumbs[1024], ba[160], match[96] = "", line[4096];
	header_facts(b, type, sizeof type, total, sizeof total);
	refine_breadcrumbs(b, crumbs, sizeof crumbs);
	before_after(b, ba, sizeof ba);
	if (b->rx_ok && data_match(b)) {
		char pct[16];
		pct_of(pct, sizeof pct, b->d.match, b->d.match_total);
		snprintf(match, sizeof match, "  /%s match: %s of total", b->search, pct);
	}
	char diff[64] = "";
	if (b->diff) {
		int hidden = (int)b->d.top.nrows - top_count(b);
		snprintf(diff, sizeof diff, hidden ? " (diff; %d under the 0.1%% floor)" : " (diff)", hidden);
	}
	int head = snprintf(line, sizeof line, " %s  %s%s  total %s  ", b->in->files[0], type, diff, total);
	/* Breadcrumbs too long for the line keep their newest steps: "...> sort=cum". */
	int room = COLS - head, cl = (int)utf8_columns(crumbs);
	const char *c = crumbs;
	if (cl > room && room > 4) {
		while ((int)utf8_columns(c) > room - 3)
			c++;
		snprintf(line + head, sizeof line - (size_t)head, "...%s", c);
	} else {
		snprintf(line + head, sizeof line - (size_t)head, "%s", crumbs);
	}
	put_text(b, y, 0, COLS, line, role_attr(b, R_STATUS));
	/* Above the status: the full selected name, a diff's before -> after and the search's share. */
	move(y - 1, 0);
	clrtoeol();
	char facts[512];
	snprintf(facts, sizeof facts, "%s%s", ba, match);
	int fw = (int)strlen(facts);
	if (fw > COLS / 2)
		fw = COLS / 2;
	if (b->sel && b->view != V_FLAME)
		put_name(b, y - 1, 0, COLS - fw - 1, b->sel, A_BOLD);
	put_text(b, y - 1, COLS - fw, fw, facts, A_BOLD);
}

static const char *const hints[V_COUNT] = {
	"Enter callers/callees  f flame  l source  F/I/H/S focus/ignore/hide/show  u undo  / search  ? help  q quit",
	"Enter walk  Esc/Bksp back  F/I/H/S refine  Tab next view  / search  ? help  q quit",
	"arrows/hjkl move  Enter zoom  Esc out  i invert  F/I/H/S refine  / search  ? help  q quit",
	"e $EDITOR at the line  arrows scroll  Tab next view  ? help  q quit",
	"Enter callers/callees of the line's function  arrows scroll  / search  n/N  ? help  q quit",
	"arrows scroll  : tagfocus=...  Tab next view  ? help  q quit",
	"Enter callers/callees of the line's function  : tagfocus=state=...  ? help  q quit",
};

static void draw_hint(browser *b)
{
	int y = LINES - 1;
	move(y, 0);
	clrtoeol();
	if (*b->msg)
		put_text(b, y, 0, COLS, b->msg, A_BOLD);
	else
		put_text(b, y, 0, COLS, hints[b->view], role_attr(b, R_HINT));
}

static const char *const help_common[] = {
	"Keys (all views)",
	"  Tab / 1-7     next view / pick: 1 top 2 callers 3 flame 4 source 5 traces 6 tags 7 goroutines",
	"  arrows hjkl   move        PgUp PgDn  page       g G Home End  first / last",
	"  F I H S       focus / ignore / hide / show the selection (its name as a regex)",
	"  s a c         cycle sample index / granularity, toggle cum sort",
	"  u r           undo the last refinement / reset them all",
	"  :             a shell command: nodecount=20, tagfocus=..., top20, peek RE, list RE, options, help",
	"  / n N #       search (regex, incremental), next / previous match, search the selection",
	"  y             the prof and go tool pprof command lines of this view (copied by OSC 52)",
	"  ] [           diff: next / previous largest change (changes under :noise=0.1% are none)",
	"  mouse         click selects, double click opens, the wheel scrolls",
	"  ^Z            suspend (fg resumes)",
	"  q             close this overlay, or quit;  Q ^C  quit at once",
	NULL,
};

static const char *const help_view[V_COUNT] = {
	"Top: flat, flat%, sum%, cum, cum% as pprof's top. Enter: callers/callees of the row.",
	"Callers/callees: callers above the selection, callees below. Enter walks, Esc/Backspace goes back.",
	"Flame: icicle, root on top (i inverts: leaves on top). Enter zooms, Esc zooms out. ... merges narrow frames.",
	"Source: the list of the selection, flat and cum per line. e opens $EDITOR at the line.",
	"Traces: every sample with its labels and stack, leaf first. Enter: callers/callees of the line's function.",
	"Tags: label keys and values with their share.",
	"Goroutines: groups by stack and state, count, wait, created by; LEAKED and stuck flagged. Enter: its function.",
};

static void draw_box(browser *b, const char *const *lines, size_t n)
{
	int w = 0;
	for (size_t i = 0; i < n; i++)
		if ((int)strlen(lines[i]) > w)
			w = (int)strlen(lines[i]);
	w += 4;
	if (w > COLS)
		w = COLS;
	int h = (int)n + 2, y = (LINES - h) / 2, x = (COLS - w) / 2;
	if (y < 1)
		y = 1;
	for (int r = 0; r < h && y + r < LINES; r++)
		mvhline(y + r, x, ' ' | role_attr(b, R_BAR), w);
	for (size_t i = 0; i < n && y + 1 + (int)i < LINES; i++)
		put_text(b, y + 1 + (int)i, x + 2, w - 4, lines[i], role_attr(b, R_BAR) | (i == 0 ? A_BOLD : 0));
}

static void draw_help(browser *b)
{
	const char *lines[24];
	size_t n = 0;
	lines[n++] = help_view[b->view];
	lines[n++] = "";
	for (size_t i = 0; help_common[i]; i++)
		lines[n++] = help_common[i];
	draw_box(b, lines, n);
}

/* The overlay's title, a blank line and its text, line by line (as many as fit). */
static void draw_overlay(browser *b)
{
	enum { MAXLINES = 64 };
	const char *lines[MAXLINES + 2] = {b->overlay_title ? b->overlay_title : "", ""};
	char *copy = strdup(b->overlay);
	if (!copy)
		prof_oom();
	size_t n = 2;
	for (char *line = copy, *nl; line && n < MAXLINES + 2 && (int)n + 4 < LINES; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		lines[n++] = line;
	}
	draw_box(b, lines, n);
	free(copy);
}

void views_draw(browser *b)
{
	erase();
	b->body_rows = LINES - 4;
	if (LINES < 6 || COLS < 20) {
		put_text(b, 0, 0, COLS, "terminal too small", A_BOLD);
		refresh();
		return;
	}
	draw_tabs(b);
	int y0 = 1, rows = LINES - 4;
	switch (b->view) {
	case V_TOP: draw_top(b, y0, rows); break;
	case V_PEERS: draw_peers(b, y0, rows); break;
	case V_FLAME: draw_flame(b, y0, rows + 1); break;
	default: draw_lines(b, b->view, y0, rows); break;
	}
	draw_status(b);
	draw_hint(b);
	if (b->help)
		draw_help(b);
	else if (b->overlay)
		draw_overlay(b);
	refresh();
}
