/*
 * browser_search: "/" search. Owns the current regex (extended, unanchored,
 * as pprof's filters take them), whether a name matches it (the views
 * highlight what does), and n/N stepping to the next and previous match in
 * the current view. The share of the total it matches is data
 * (report_match_data, through browser_data).
 */
#include <stdlib.h>
#include <string.h>

#include "ui/browser_int.h"

void search_set(browser *b, const char *re)
{
	if (b->rx_ok)
		prof_re_free(&b->rx);
	b->rx_ok = false;
	free(b->search);
	b->search = NULL;
	b->d.gen_match = 0;
	if (!re || !*re)
		return;
	b->search = strdup(re);
	prof_err err = {0};
	b->rx_ok = b->search && prof_re_compile(&b->rx, re, false, &err);
	if (!b->rx_ok)
		snprintf(b->msg, sizeof b->msg, "search: %.400s", err.msg);
}

bool search_hit(const browser *b, const char *s)
{
	return b->rx_ok && s && prof_re_match(&b->rx, s);
}

/* The flame frame after (dir 1) or before (dir -1) the selection whose name matches, in preorder. */
static void flame_step(browser *b, int dir)
{
	const report_flame *fl = &b->d.fl;
	size_t n = fl->n;
	/* The regex runs once a name: the frames are few beside the nodes. */
	uint8_t *hit = xcalloc((size_t)fl->nnames + 1, 1);
	for (uint32_t f = 0; f < fl->nnames; f++)
		hit[f] = search_hit(b, fl->names[f]);
	bool root = search_hit(b, "root");
	for (size_t k = 1; k <= n; k++) {
		size_t v = (b->fsel + (dir > 0 ? k : n - k)) % n;
		if (fl->frame[v] == REPORT_FLAME_NONE ? root : hit[fl->frame[v]]) {
			b->fsel = (uint32_t)v;
			/* Out of the zoom: zoom out to the whole tree so that it shows. */
			if (!report_flame_under(fl, b->fsel, b->fzoom))
				b->fzoom = 0;
			free(b->sel);
			b->sel = strdup(report_flame_name(fl, (uint32_t)v));
			free(hit);
			return;
		}
	}
	free(hit);
	snprintf(b->msg, sizeof b->msg, "no frame matches %s", b->search);
}

void search_step(browser *b, int dir)
{
	if (!b->rx_ok) {
		snprintf(b->msg, sizeof b->msg, "no search: / to start one");
		return;
	}
	if (b->view == V_FLAME) {
		flame_step(b, dir);
		return;
	}
	int n = view_rows(b);
	for (int k = 1; k <= n; k++) {
		int r = ((b->cur[b->view] + dir * k) % n + n) % n;
		const char *name = view_row_name(b, r);
		if (search_hit(b, name)) {
			b->cur[b->view] = r;
			if (b->view == V_TOP || b->view == V_PEERS) {
				free(b->sel);
				b->sel = strdup(name);
			}
			return;
		}
	}
	snprintf(b->msg, sizeof b->msg, "no row matches %s", b->search);
}
