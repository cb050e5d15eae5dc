/*
 * browser internals: the one state object the browser's modules share.
 *
 *   browser.c         the loop: keys to actions, timing (PROF_UI_TIMING)
 *   browser_screen.c  the terminal: ncurses, colours, signals, safe text
 *   browser_data.c    every compute call (views.h), the tops and trees kept
 *   browser_spec.c    the worker that computes ahead the tops of the next keys
 *   browser_refine.c  the refinement stack, options, breadcrumbs, command lines
 *   browser_search.c  "/" search: regex, matches, match share
 *   browser_views.c   drawing each view and the help overlay
 *
 * Only ui/browser*.c include this.
 */
#ifndef PROF_BROWSER_INT_H
#define PROF_BROWSER_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "report/views.h"
#include "ui/browser.h"
#include "util/re.h"

typedef enum bview { V_TOP, V_PEERS, V_FLAME, V_SOURCE, V_TRACES, V_TAGS, V_GOROUTINES, V_COUNT } bview;

/* One refinement in pprof's words: key=value ("focus", "main\.allocate"). */
typedef struct brefine {
	char *key, *value;
} brefine;

/* Colour roles; browser_screen maps them to pairs or attributes. */
typedef enum brole {
	R_NORMAL, R_BAR, R_STATUS, R_SELECT, R_GREW, R_SHRANK, R_MATCH, R_HINT, R_ERROR, R_FLAME0, /* R_FLAME0 + a shade */
} brole;
/* Flame shades: 6 in 256 colours, more in direct colour. */
enum { FLAME_SHADES = 6, FLAME_SHADES_RGB = 24 };

/* A top computed for some options (key: browser_data's words for them). */
typedef struct top_entry {
	char *key;
	report_top top;
	bool ok;
	char err[512];
	size_t bytes; /* about what it holds */
} top_entry;

/*
 * The tree before is kept when its nodes take at most this: on 1M distinct
 * stacks the trees take 66 MB and, inverted, 161 MB (inuse_space); 128 and
 * 320 MB where every stack has a value.
 */
enum { FLAME_KEEP_BYTES = 192 << 20 };

/* The cache's bounds: entries, and bytes (a row is some 250). */
enum { TOP_CACHE = 256, TOP_CACHE_BYTES = 64 << 20 };

/* Data as last computed, valid while gen matches the browser's. */
typedef struct bdata {
	unsigned gen_top, gen_nb, gen_fl, gen_lines[V_COUNT], gen_match, gen_base;
	report_top top; /* cur's, borrowed */
	bool top_ok;
	top_entry cur;  /* the top shown */
	/* Tops shown before or computed ahead, newest first: undo, reset and the cum toggle find theirs here. */
	top_entry tops[TOP_CACHE];
	size_t ntops, tops_bytes;
	report_neighbors nb;
	char *nb_name;
	report_flame fl;
	bool fl_inverted, fl_ok;
	char *fl_key;             /* the options fl is for (top_key's words) */
	/* The tree before: u, or i twice, finds it here. */
	report_flame fl_prev;
	bool fl_prev_inverted, fl_prev_ok;
	char *fl_prev_key;
	char fl_prev_err[512];
	report_lines lines[V_COUNT];
	char *lines_name[V_COUNT]; /* source: whose list */
	char err[V_COUNT][512];    /* why a view has no data */
	report_top base_top;       /* the base's top, for before -> after */
	bool base_ok;
	int64_t match, match_total;
	size_t match_nodes;
	bool match_ok;
} bdata;

/* A flame frame as last drawn, for moving left and right. */
typedef struct bcell {
	uint32_t node;
	int x, w, depth;
} bcell;

typedef struct browser_spec browser_spec;

typedef struct browser {
	const browser_input *in;
	prof_engine *eng, *base_eng; /* the profile's (in->engine, or the browser's own) and the base's */
	bool own_eng;
	browser_spec *spec; /* computing ahead (NULL: not) */
	unsigned spec_gen;  /* the options it was last given work for */
	char *spec_sel;     /* and the selection */
	/* refinements */
	brefine *ref;
	size_t nref, refcap;
	report_opts o; /* in->o with the refinements applied (strings borrowed from ref) */
	char *joined[16]; /* the "a|b" strings o borrows */
	unsigned gen;  /* bumped by every change of o */
	bdata d;
	/* where the user is */
	bview view;
	char *sel;       /* the selected name, shared by all views */
	int cur[V_COUNT], top[V_COUNT]; /* cursor and first visible row of row views */
	char **path;     /* callers/callees: names walked, to go back */
	size_t npath, pathcap;
	uint32_t fsel, fzoom; /* flame: selected and zoomed frames */
	bool inverted, flame_sel_sync;
	bcell *cells;
	size_t ncells, cellcap;
	bool help, quit;
	char msg[512];   /* one line for the hint row, until the next key */
	char *overlay;   /* y, options: the lines shown over the view */
	const char *overlay_title;
	/* search */
	char *search;
	prof_re rx;
	bool rx_ok;
	/* diffs */
	bool diff;
	double noise; /* |flat| and |cum| below noise x total are hidden */
	/* screen */
	bool color, utf8;
	int shades;      /* flame shades the colours have */
	int body_rows;
	/* timing */
	FILE *timing;
	double key_t0; /* when the key being handled was read (a prompt restarts it on Enter) */
} browser;

/* browser_screen.c */
bool screen_start(browser *b);
void screen_end(void);
int screen_signal(void); /* the terminating signal caught, 0: none */
void screen_suspend(void);
int role_attr(const browser *b, brole r);
/* Draws s (already safe text) at (y, x) in at most w columns, cut in the middle for names. */
void put_text(const browser *b, int y, int x, int w, const char *s, int attr);
void put_name(const browser *b, int y, int x, int w, const char *name, int attr);
/* The name cut to w columns keeping package and function, into out (size n). */
void cut_name(const browser *b, const char *name, int w, char *out, size_t n);
/* A line of input on the last row; false on Esc. Each key is passed to live (for incremental search). */
bool screen_prompt(browser *b, const char *label, char *buf, size_t n, void (*live)(browser *, const char *));
void screen_copy_osc52(const char *text);

/* browser_data.c */
bool data_top(browser *b);
bool data_neighbors(browser *b);
bool data_flame(browser *b);
/* Whether drawing view v computes something first (browser.c then says "working"). */
bool data_stale(browser *b, bview v);
bool data_lines(browser *b, bview v);
bool data_match(browser *b);
bool data_base(browser *b);
void data_free(bdata *d);
/* The options' words, the top cache's key (malloc'd). */
char *top_key(const report_opts *o);
/* Gives the worker the tops s and a would show next from here (browser_spec). */
void data_plan(browser *b);

/* browser_spec.c */
browser_spec *spec_start(const prof_profile *p);
void spec_stop(browser_spec *s);
/* Replaces the worker's queue with the tops of opts (those known to it are skipped). */
void spec_plan(browser_spec *s, const report_opts *const *opts, size_t n);
/* Returns once the top of key is not being computed. */
void spec_wait(browser_spec *s, const char *key);
/* A finished top, taken over; false when none waits. */
bool spec_take(browser_spec *s, top_entry *t);

/* browser_refine.c */
void refine_init(browser *b);
void refine_push(browser *b, const char *key, const char *value);
/*
 * The options refine_push(key, value) would make, into o, without
 * pushing: o borrows value and b's strings, and owned gets the strings made
 * for it (free each).
 */
void refine_preview(browser *b, const char *key, const char *value, report_opts *o, char *owned[16]);
const char *refine_next_granularity(const browser *b);
bool refine_undo(browser *b);
void refine_reset(browser *b);
void refine_free(browser *b);
/* A ":" line: key=value, a sample type name, a view command (top, peek RE, list RE, traces...). */
void refine_command(browser *b, const char *line);
void refine_breadcrumbs(const browser *b, char *out, size_t n);
void refine_cycle_sample(browser *b);
void refine_cycle_granularity(browser *b);
void refine_toggle_cum(browser *b);
/* The prof and go tool pprof command lines for the current view (malloc'd, two lines). */
char *refine_command_lines(const browser *b);
/* The options of the views and the refinements, one per line (the options overlay). */
char *refine_options_text(const browser *b);
/* name as a regex matching only itself. */
void regex_quote(const char *name, char *out, size_t n);

/* browser_search.c */
void search_set(browser *b, const char *re);
bool search_hit(const browser *b, const char *s);
void search_step(browser *b, int dir);

/* browser_views.c */
void views_draw(browser *b);
/* Rows of the current view and the name under the cursor (NULL: none). */
int view_rows(browser *b);
const char *view_row_name(browser *b, int row);
/* Puts the cursor of view v on the row named b->sel, if there is one. */
void view_follow_sel(browser *b, bview v);
void view_flame_move(browser *b, int key);
void view_flame_zoom(browser *b, bool in);
void view_diff_step(browser *b, int dir);
void view_open_editor(browser *b);
/* A click at screen (y, x): moves the cursor (or the flame's selection) there; false when nothing is. */
bool view_click(browser *b, int y, int x);
const char *view_name(bview v);

#endif
