/* browser_term: see browser_term.c. */
#ifndef PROF_UI_BROWSER_TERM_H
#define PROF_UI_BROWSER_TERM_H

#include <stddef.h>

/* The terminfo entry of direct colour to use instead of TERM (in buf), or NULL for TERM. */
const char *screen_direct_term(char *buf, size_t n);

#endif
