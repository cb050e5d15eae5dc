/*
 * browser_term: which terminfo entry gives the browser direct colour. Apart
 * from browser_screen.c because <term.h> defines names (lines, columns, ...)
 * that the rest of the code uses.
 *
 * Terminals that do 24-bit colour mostly run with TERM=xterm-256color and
 * say so in COLORTERM; ncurses draws RGB only through a terminfo entry of
 * direct colour. So when COLORTERM asks for it and TERM has none, TERM's
 * -direct sibling (xterm-256color -> xterm-direct), when installed and of
 * direct colour, drives the screen.
 */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <term.h>

#include "ui/browser_term.h"

const char *screen_direct_term(char *buf, size_t n)
{
	const char *term = getenv("TERM");
	if (!term || !*term || strstr(term, "direct"))
		return NULL;
	int err = 0;
	/* TERM itself with direct colour needs no sibling. */
	if (setupterm(term, 1, &err) == OK) {
		bool direct = tigetnum("colors") >= 0x1000000;
		del_curterm(cur_term);
		if (direct)
			return NULL;
	}
	snprintf(buf, n, "%.*s-direct", (int)strcspn(term, "-"), term);
	if (setupterm(buf, 1, &err) != OK)
		return NULL;
	bool direct = tigetnum("colors") >= 0x1000000;
	del_curterm(cur_term);
	return direct ? buf : NULL;
}
