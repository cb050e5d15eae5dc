/*
 * browser: the loop of "prof ui". Owns the key map (what each key does in
 * each view), the shared selection's moves, suspend and quit, and the
 * benchmark mode: PROF_UI_TIMING=FILE appends a line per key with the time
 * from reading the key to the screen drawn (compute included), in ms.
 * PROF_UI_AHEAD=0 computes nothing ahead (browser_spec), to time every key
 * cold.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ui/browser_int.h"

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void set_sel(browser *b, const char *name)
{
	if (!name || (b->sel && strcmp(b->sel, name) == 0))
		return;
	free(b->sel);
	b->sel = strdup(name);
}

/* Moves the cursor of a row view by d rows (clamped), the selection with it. */
static void move_rows(browser *b, int d)
{
	int n = view_rows(b);
	int c = b->cur[b->view] + d;
	if (c >= n)
		c = n - 1;
	if (c < 0)
		c = 0;
	b->cur[b->view] = c;
	if (b->view == V_TOP)
		set_sel(b, view_row_name(b, c));
}

static void switch_view(browser *b, bview v)
{
	if (v == b->view)
		return;
	b->view = v;
	if (v == V_FLAME)
		b->flame_sel_sync = true;
	else
		view_follow_sel(b, v);
}

/* Enter in callers/callees: walk to the row's function, remembering where we were. */
static void walk(browser *b)
{
	const char *name = view_row_name(b, b->cur[V_PEERS]);
	if (!name || (b->sel && strcmp(name, b->sel) == 0))
		return;
	GROW(b->path, b->pathcap, b->npath + 1);
	b->path[b->npath++] = strdup(b->sel);
	set_sel(b, name);
	view_follow_sel(b, V_PEERS);
}

static void walk_back(browser *b)
{
	if (b->view == V_FLAME) {
		view_flame_zoom(b, false);
		return;
	}
	if (b->view != V_PEERS || !b->npath) {
		if (b->view == V_PEERS)
			switch_view(b, V_TOP);
		return;
	}
	char *prev = b->path[--b->npath];
	set_sel(b, prev);
	free(prev);
	view_follow_sel(b, V_PEERS);
}

/*
 * Enter on a line of traces or goroutines: the first word of it that names
 * a function of top becomes the selection, shown with its callers and callees.
 */
static void open_line(browser *b)
{
	const char *line = view_row_name(b, b->cur[b->view]);
	if (!line || !data_top(b))
		return;
	char buf[2048];
	snprintf(buf, sizeof buf, "%s", line);
	for (char *w = strtok(buf, " \t"); w; w = strtok(NULL, " \t"))
		for (size_t i = 0; i < b->d.top.nrows; i++)
			if (strcmp(b->d.top.rows[i].name, w) == 0) {
				set_sel(b, w);
				switch_view(b, V_PEERS);
				return;
			}
	snprintf(b->msg, sizeof b->msg, "no function of top on this line");
}

/* F, I, H, S: the selection, quoted, as focus/ignore/hide/show. */
static void refine_sel(browser *b, const char *key)
{
	if (!b->sel) {
		snprintf(b->msg, sizeof b->msg, "nothing selected");
		return;
	}
	char re[2048];
	regex_quote(b->sel, re, sizeof re);
	refine_push(b, key, re);
}

static void live_search(browser *b, const char *re)
{
	search_set(b, re);
	b->msg[0] = '\0';
}

static void prompt(browser *b, int ch)
{
	char buf[1024] = "";
	/* The time spent typing is no redraw: the timing starts again when the line is entered. */
	if (ch == '/') {
		char *old = b->search ? strdup(b->search) : NULL;
		if (screen_prompt(b, "/", buf, sizeof buf, live_search)) {
			b->key_t0 = now_ms();
			search_step(b, 1);
		}
		else
			search_set(b, old);
		free(old);
		return;
	}
	if (screen_prompt(b, ":", buf, sizeof buf, NULL)) {
		b->key_t0 = now_ms();
		refine_command(b, buf);
	}
	if (b->view == V_FLAME)
		b->flame_sel_sync = true;
}

static void show_commands(browser *b)
{
	free(b->overlay);
	b->overlay = refine_command_lines(b);
	b->overlay_title = "This view from the command line (copied to the clipboard):";
	screen_copy_osc52(b->overlay);
}

static bool handle_key(browser *b, int ch);

/* The wheel scrolls by three rows (moves up and down in the flame); a click selects, a double click opens. */
static void mouse(browser *b)
{
	MEVENT ev;
	if (getmouse(&ev) != OK)
		return;
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		bool up = ev.bstate & BUTTON4_PRESSED;
		if (b->view == V_FLAME)
			view_flame_move(b, up ? 'k' : 'j');
		else
			move_rows(b, up ? -3 : 3);
		return;
	}
	if (view_click(b, ev.y, ev.x) && (ev.bstate & BUTTON1_DOUBLE_CLICKED))
		handle_key(b, '\r');
}

/* Moves: arrows, hjkl, pages, first and last. True when ch was one. */
static bool move_key(browser *b, int ch)
{
	int page = b->body_rows > 2 ? b->body_rows - 2 : 1;
	if (b->view == V_FLAME) {
		int k = ch == KEY_UP ? 'k' : ch == KEY_DOWN ? 'j' : ch == KEY_LEFT ? 'h' : ch == KEY_RIGHT ? 'l' : ch;
		if (k == 'h' || k == 'j' || k == 'k' || k == 'l') {
			view_flame_move(b, k);
			return true;
		}
		if (k == 'g' || k == KEY_HOME) {
			b->fsel = b->fzoom;
			return true;
		}
		return false;
	}
	switch (ch) {
	case KEY_UP: case 'k': move_rows(b, -1); return true;
	case KEY_DOWN: case 'j': move_rows(b, 1); return true;
	case KEY_PPAGE: case KEY_LEFT: move_rows(b, -page); return true;
	case KEY_NPAGE: case KEY_RIGHT: case ' ': move_rows(b, page); return true;
	case 'g': case KEY_HOME: move_rows(b, -(1 << 30)); return true;
	case 'G': case KEY_END: move_rows(b, 1 << 30); return true;
	}
	return false;
}

/* One key; false to quit. */
static bool handle_key(browser *b, int ch)
{
	b->msg[0] = '\0';
	if (ch == 'Q' || ch == 3)
		return false;
	if (b->help || b->overlay) {
		b->help = false;
		free(b->overlay);
		b->overlay = NULL;
		return true; /* any key closes an overlay; q too, without quitting */
	}
	if (move_key(b, ch))
		return true;
	switch (ch) {
	case 'q': return false;
	case '?': case KEY_F(1): b->help = true; break;
	case '\t': switch_view(b, (bview)((b->view + 1) % V_COUNT)); break;
	case KEY_BTAB: switch_view(b, (bview)((b->view + V_COUNT - 1) % V_COUNT)); break;
	case '1': case '2': case '3': case '4': case '5': case '6': case '7': switch_view(b, (bview)(ch - '1')); break;
	case 'f': switch_view(b, V_FLAME); break;
	case 'l': switch_view(b, V_SOURCE); break;
	case '\r': case '\n': case KEY_ENTER:
		if (b->view == V_TOP)
			switch_view(b, V_PEERS);
		else if (b->view == V_PEERS)
			walk(b);
		else if (b->view == V_FLAME)
			view_flame_zoom(b, true);
		else if (b->view == V_TRACES || b->view == V_GOROUTINES)
			open_line(b);
		break;
	case 27: case KEY_BACKSPACE: case 127: case 8: case 'h': walk_back(b); break;
	case 'i':
		if (b->view == V_FLAME)
			b->inverted = !b->inverted;
		break;
	case 'F': refine_sel(b, "focus"); break;
	case 'I': refine_sel(b, "ignore"); break;
	case 'H': refine_sel(b, "hide"); break;
	case 'S': refine_sel(b, "show"); break;
	case 's': refine_cycle_sample(b); break;
	case 'a': refine_cycle_granularity(b); break;
	case 'c': refine_toggle_cum(b); break;
	case 'u':
		if (!refine_undo(b))
			snprintf(b->msg, sizeof b->msg, "nothing to undo");
		break;
	case 'r': refine_reset(b); break;
	case ':': case '/': prompt(b, ch); return !b->quit;
	case '#':
		/* The selection as the search: its frames light up everywhere, with their share. */
		if (b->sel) {
			char re[2048];
			regex_quote(b->sel, re, sizeof re);
			search_set(b, re);
		}
		break;
	case 'n': search_step(b, 1); break;
	case 'N': search_step(b, -1); break;
	case ']': view_diff_step(b, 1); break;
	case '[': view_diff_step(b, -1); break;
	case 'y': show_commands(b); break;
	case 'e': view_open_editor(b); break;
	case 26: screen_suspend(); break;
	case KEY_MOUSE: mouse(b); break;
	case KEY_RESIZE: break;
	default: break;
	}
	return true;
}

/* "working" on the hint row before a computation that may take a while. */
static void say_working(browser *b)
{
	if (!data_stale(b, b->view))
		return;
	move(LINES - 1, 0);
	clrtoeol();
	put_text(b, LINES - 1, 0, COLS, "working...", A_BOLD | A_BLINK);
	refresh();
}

/* After a refinement: the selection stays if it survived, else the first row's; cursors follow it. */
static void after_refine(browser *b)
{
	say_working(b);
	if (!data_top(b))
		return;
	bool found = false;
	for (size_t i = 0; b->sel && i < b->d.top.nrows && !found; i++)
		found = strcmp(b->d.top.rows[i].name, b->sel) == 0;
	if (!found && b->d.top.nrows)
		set_sel(b, b->d.top.rows[0].name);
	view_follow_sel(b, V_TOP);
	if (b->view == V_FLAME)
		b->flame_sel_sync = true;
}

static const char *key_label(int ch, char *buf, size_t n)
{
	const char *k = keyname(ch);
	snprintf(buf, n, "%s", k ? k : "?");
	return buf;
}

static void browser_free(browser *b)
{
	spec_stop(b->spec);
	free(b->spec_sel);
	data_free(&b->d);
	if (b->own_eng)
		engine_free(b->eng);
	engine_free(b->base_eng);
	refine_free(b);
	search_set(b, NULL);
	free(b->sel);
	for (size_t i = 0; i < b->npath; i++)
		free(b->path[i]);
	free(b->path);
	free(b->cells);
	free(b->overlay);
	if (b->timing)
		fclose(b->timing);
}

int browser_run(const browser_input *in)
{
	browser b = {.in = in, .noise = 0.001};
	b.diff = in->nbases > 0;
	/* The engine never changes the profiles: the casts only drop the const its API does not have. */
	b.own_eng = !in->engine;
	b.eng = in->engine ? in->engine : engine_new((prof_profile *)in->p, false);
	b.base_eng = in->base ? engine_new((prof_profile *)in->base, false) : NULL;
	const char *tf = getenv("PROF_UI_TIMING");
	if (tf && *tf)
		b.timing = fopen(tf, "a");
	refine_init(&b);
	if (!screen_start(&b)) {
		browser_free(&b);
		const char *term = getenv("TERM");
		fprintf(stderr, "prof: ui needs a terminal ncurses knows (TERM=%s has no terminfo entry)\n", term ? term : "");
		return 2;
	}
	say_working(&b);
	if (data_top(&b) && b.d.top.nrows)
		set_sel(&b, b.d.top.rows[0].name);
	views_draw(&b);
	const char *ahead = getenv("PROF_UI_AHEAD");
	if (!ahead || strcmp(ahead, "0") != 0)
		b.spec = spec_start(in->p);
	data_plan(&b);
	for (;;) {
		int ch = getch();
		if (screen_signal())
			break;
		if (ch == ERR)
			continue;
		b.key_t0 = now_ms();
		unsigned gen = b.gen;
		bool more = handle_key(&b, ch);
		if (!more)
			break;
		if (gen != b.gen)
			after_refine(&b);
		say_working(&b);
		views_draw(&b);
		if (b.timing) {
			char k[32];
			fprintf(b.timing, "%s %s %.3f\n", view_name(b.view), key_label(ch, k, sizeof k), now_ms() - b.key_t0);
			fflush(b.timing);
		}
		data_plan(&b);
	}
	screen_end();
	browser_free(&b);
	int sig = screen_signal();
	if (sig) {
		/* Die of the signal, as the shell expects, now that the terminal is back. */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	return 0;
}
