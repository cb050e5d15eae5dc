/*
 * browser_screen: the terminal under the browser. Owns ncurses (start,
 * end, suspend), the colour depth (none under NO_COLOR, 8/16, 256, or
 * direct RGB when COLORTERM says truecolor, through TERM's -direct terminfo
 * sibling when TERM itself has no direct colour), the
 * signals that must leave the terminal restored (INT, TERM, HUP; TSTP and
 * CONT are ncurses's own), and the only functions that put text on the
 * screen, so that the name policy and the middle cut hold everywhere.
 */
#define _XOPEN_SOURCE_EXTENDED 1
#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ui/browser_int.h"
#include "ui/browser_term.h"
#include "util/term.h"

static volatile sig_atomic_t caught;
static SCREEN *screen; /* the one terminal the browser runs on, while it runs */

static void on_signal(int sig)
{
	caught = sig;
}

int screen_signal(void)
{
	return caught;
}

static const int caught_signals[] = {SIGINT, SIGTERM, SIGHUP};
static struct sigaction before[3]; /* what the shell (or the CLI) had, put back at the end */

/* No SA_RESTART: the signal interrupts getch, and the loop sees it at once. */
static void catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	caught = 0;
	for (int i = 0; i < 3; i++)
		sigaction(caught_signals[i], &sa, &before[i]);
}

static void restore_signals(void)
{
	for (int i = 0; i < 3; i++)
		sigaction(caught_signals[i], &before[i], NULL);
}

bool browser_can_start(char *why, size_t n)
{
	bool in = isatty(0), out = isatty(1);
	const char *which = !in && !out ? "stdin and stdout are not terminals" : !in ? "stdin is not one"
	                    : !out      ? "stdout is not one"
	                                : NULL;
	if (which)
		snprintf(why, n, "ui needs a terminal (%s)", which);
	return !which;
}

/* Warm flame shades (256 colours), and the same in RGB for direct colour. */
static const short flame256[FLAME_SHADES] = {166, 172, 208, 214, 178, 136};

static bool wants_truecolour(void)
{
	const char *ct = getenv("COLORTERM");
	return ct && (strcmp(ct, "truecolor") == 0 || strcmp(ct, "24bit") == 0);
}

static bool direct_colour(void)
{
	return wants_truecolour() && COLORS >= 0x1000000;
}

/* A warm RGB shade for frame k of n: red to yellow, lightness alternating so neighbours differ. */
static int warm_rgb(int k, int n)
{
	int r = 0xe0 + (k % 2) * 0x1f, g = 0x40 + k * (0xc0 - 0x40) / (n - 1), bl = (k % 3) * 0x18;
	return r << 16 | g << 8 | bl;
}

/* Pairs 1..: bar, status, select, grew, shrank, match, hint, error, flame shades. */
static int init_colours(void)
{
	start_color();
	use_default_colors();
	bool c256 = COLORS >= 256;
	if (direct_colour()) {
		/* Colour numbers are RGB values here. */
		static const int fg[8] = {0x000000, 0xffffff, 0x000000, 0xe02020, 0x2080ff, 0x000000, 0x909090, 0xffffff};
		static const int bg[8] = {0x00a0b0, 0x204080, 0xd0d0d0, -1, -1, 0xf0d000, -1, 0xc00000};
		for (int i = 0; i < 8; i++)
			init_extended_pair(1 + i, fg[i], bg[i]);
		for (int i = 0; i < FLAME_SHADES_RGB; i++)
			init_extended_pair(9 + i, 0x000000, warm_rgb(i, FLAME_SHADES_RGB));
		return FLAME_SHADES_RGB;
	}
	init_pair(1, COLOR_BLACK, COLOR_CYAN);
	init_pair(2, COLOR_WHITE, COLOR_BLUE);
	init_pair(3, COLOR_BLACK, COLOR_WHITE);
	init_pair(4, COLOR_RED, -1);
	init_pair(5, c256 ? 33 : COLOR_BLUE, -1);
	init_pair(6, COLOR_BLACK, COLOR_YELLOW);
	init_pair(7, c256 ? 244 : COLOR_CYAN, -1);
	init_pair(8, COLOR_WHITE, COLOR_RED);
	for (int i = 0; i < FLAME_SHADES; i++) {
		if (c256)
			init_pair((short)(9 + i), 16, flame256[i]);
		else
			init_pair((short)(9 + i), COLOR_BLACK, i % 2 ? COLOR_YELLOW : COLOR_RED);
	}
	return FLAME_SHADES;
}

bool screen_start(browser *b)
{
	setlocale(LC_ALL, "");
	b->utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	const char *nc = getenv("NO_COLOR");
	b->color = !(nc && *nc);
	/* newterm, not initscr: an unknown TERM is an error to report, not an exit inside ncurses. */
	char dterm[128];
	const char *term = wants_truecolour() ? screen_direct_term(dterm, sizeof dterm) : NULL;
	screen = term ? newterm(term, stdout, stdin) : NULL;
	if (!screen)
		screen = newterm(NULL, stdout, stdin);
	if (!screen)
		return false;
	set_term(screen);
	catch_signals();
	raw(); /* ^C and ^Z come as keys: quit and suspend cleanly */
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	set_escdelay(25);
	/* Home and End as tmux and the VT220 send them, which xterm's terminfo names find and select. */
	define_key("\033[1~", KEY_HOME);
	define_key("\033[4~", KEY_END);
	define_key("\033[H", KEY_HOME);
	define_key("\033[F", KEY_END);
	curs_set(0);
	/* Optional mouse: a click selects, a double click opens, the wheel scrolls. */
	mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	mouseinterval(300);
	timeout(100); /* getch wakes up to see a caught signal */
	if (b->color && has_colors())
		b->shades = init_colours();
	else
		b->color = false;
	return true;
}

void screen_end(void)
{
	if (!screen)
		return;
	if (!isendwin())
		endwin();
	delscreen(screen);
	screen = NULL;
	restore_signals();
}

/* ^Z: the terminal as it was while stopped; refresh restores ours on resume (fg). */
void screen_suspend(void)
{
	def_prog_mode();
	endwin();
	raise(SIGSTOP);
	reset_prog_mode();
	clearok(curscr, TRUE);
	refresh();
}

int role_attr(const browser *b, brole r)
{
	if (!b->color) {
		switch (r) {
		case R_BAR: case R_STATUS: case R_SELECT: return A_REVERSE;
		case R_MATCH: return A_UNDERLINE | A_BOLD;
		case R_GREW: return A_BOLD;
		case R_HINT: return A_DIM;
		case R_ERROR: return A_BOLD;
		default: return r >= R_FLAME0 ? ((r - R_FLAME0) % 2 ? A_REVERSE : A_NORMAL) : A_NORMAL;
		}
	}
	switch (r) {
	case R_NORMAL: return A_NORMAL;
	case R_BAR: return COLOR_PAIR(1);
	case R_STATUS: return COLOR_PAIR(2) | A_BOLD;
	case R_SELECT: return COLOR_PAIR(3) | A_BOLD;
	case R_GREW: return COLOR_PAIR(4);
	case R_SHRANK: return COLOR_PAIR(5);
	case R_MATCH: return COLOR_PAIR(6);
	case R_HINT: return COLOR_PAIR(7);
	case R_ERROR: return COLOR_PAIR(8) | A_BOLD;
	default: return COLOR_PAIR(9 + (r - R_FLAME0) % (b->shades > 0 ? b->shades : FLAME_SHADES));
	}
}

/* Bytes of the first k code points of s (s is valid UTF-8 after the name policy). */
static size_t prefix_bytes(const char *s, size_t k)
{
	size_t i = 0;
	while (s[i] && k--) {
		i++;
		while ((s[i] & 0xC0) == 0x80)
			i++;
	}
	return i;
}

/* Bytes where the last k code points of s start. */
static size_t suffix_start(const char *s, size_t k)
{
	size_t cols = utf8_columns(s);
	return prefix_bytes(s, cols > k ? cols - k : 0);
}

/*
 * The package of a Go name (the import path's last element: "store" in
 * "github.com/acme/store.(*Cache).Get"), or NULL when name has none. Only
 * the text before any '(' or '[' counts, so generic arguments with paths of
 * their own do not confuse it.
 */
static const char *go_package(const char *name, size_t *len)
{
	size_t stop = strcspn(name, "([ ");
	const char *start = name;
	for (size_t i = 0; i < stop; i++)
		if (name[i] == '/')
			start = name + i + 1;
	const char *dot = memchr(start, '.', stop - (size_t)(start - name));
	if (!dot || dot == start)
		return NULL;
	*len = (size_t)(dot - start);
	return start;
}

void cut_name(const browser *b, const char *name, int w, char *out, size_t n)
{
	size_t cols = utf8_columns(name);
	if (w <= 0) {
		*out = '\0';
		return;
	}
	if (cols <= (size_t)w) {
		snprintf(out, n, "%s", name);
		return;
	}
	const char *ell = b->utf8 ? "\xe2\x80\xa6" : "~";
	size_t tail = (size_t)w / 2, head;
	size_t pkg;
	const char *pk = go_package(name, &pkg);
	if (pk) {
		/* The function: after the last dot (generic arguments may hold spaces and dots of their own). */
		const char *fn = strrchr(name, '.');
		size_t from_pkg = utf8_columns(pk), from_func = fn ? utf8_columns(fn + 1) : (size_t)w;
		if (from_pkg + 4 <= (size_t)w) {
			/* The import path's middle goes: "github.com/…store.(*Cache).Get". */
			tail = from_pkg;
		} else if (fn > pk + pkg && pkg + 2 + from_func <= (size_t)w) {
			/* The package, then as much of the receiver as fits, then the function: "store.…Cache).Get". */
			size_t tb = suffix_start(name, (size_t)w - pkg - 2);
			snprintf(out, n, "%.*s.%s%s", (int)pkg, pk, ell, name + tb);
			return;
		}
	}
	head = (size_t)w - 1 - tail;
	if ((size_t)w < 2)
		head = 0, tail = (size_t)w - 1;
	size_t hb = prefix_bytes(name, head), tb = suffix_start(name, tail);
	snprintf(out, n, "%.*s%s%s", (int)hb, name, ell, name + tb);
}

void put_text(const browser *b, int y, int x, int w, const char *s, int attr)
{
	(void)b;
	if (w <= 0)
		return;
	/*
	 * The name policy keeps tab and newline, which would move the cursor:
	 * a tab becomes spaces, a newline "\n". Any other control byte left
	 * (none should be) becomes '?', so nothing drives the terminal.
	 */
	char buf[2048];
	size_t o = 0;
	for (size_t i = 0; s[i] && o + 8 < sizeof buf; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\t') {
			do
				buf[o++] = ' ';
			while (o % 8 && o + 1 < sizeof buf);
		} else if (c == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else {
			buf[o++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
		}
	}
	buf[o] = '\0';
	attron(attr);
	mvaddnstr(y, x, buf, (int)prefix_bytes(buf, (size_t)w));
	attroff(attr);
}

void put_name(const browser *b, int y, int x, int w, const char *name, int attr)
{
	char buf[1024];
	cut_name(b, name, w, buf, sizeof buf);
	put_text(b, y, x, w, buf, attr);
}

bool screen_prompt(browser *b, const char *label, char *buf, size_t n, void (*live)(browser *, const char *))
{
	size_t len = strlen(buf);
	curs_set(1);
	for (;;) {
		move(LINES - 1, 0);
		clrtoeol();
		put_text(b, LINES - 1, 0, COLS, label, A_BOLD);
		put_text(b, LINES - 1, (int)strlen(label), COLS - (int)strlen(label), buf, A_NORMAL);
		refresh();
		int ch = getch();
		if (ch == ERR) {
			if (screen_signal())
				break;
			continue;
		}
		if (ch == 27 || ch == 3 || ch == 7)
			break;
		if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
			curs_set(0);
			return true;
		}
		if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
			while (len && (buf[len - 1] & 0xC0) == 0x80)
				len--;
			if (len)
				len--;
		} else if (ch == 21) { /* ^U */
			len = 0;
		} else if (ch >= 0x20 && ch < 0x100 && ch != 0x7f && len + 1 < n) {
			buf[len++] = (char)ch;
		} else {
			continue;
		}
		buf[len] = '\0';
		if (live) {
			live(b, buf);
			views_draw(b);
		}
	}
	curs_set(0);
	return false;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* OSC 52 puts text on the terminal's clipboard (through tmux too, when it allows). */
void screen_copy_osc52(const char *text)
{
	size_t n = strlen(text);
	char *out = malloc(4 * (n / 3 + 1) + 16);
	if (!out)
		return;
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)text[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)text[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)text[i + 2];
		out[o++] = b64[(v >> 18) & 63];
		out[o++] = b64[(v >> 12) & 63];
		out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	out[o] = '\0';
	fprintf(stdout, "\033]52;c;%s\a", out);
	fflush(stdout);
	free(out);
}
