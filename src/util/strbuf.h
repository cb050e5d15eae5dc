/*
 * strbuf: the one growable string, for text built in pieces before it is
 * written (DOT labels, escaped names). Always NUL-terminated once used.
 */
#ifndef PROF_STRBUF_H
#define PROF_STRBUF_H

#include <stddef.h>

typedef struct sbuf {
	char *s; /* NULL until the first add; free() it */
	size_t n, cap;
} sbuf;

void sb_addn(sbuf *b, const char *s, size_t n);
void sb_add(sbuf *b, const char *s);
/* Replaces every from in b with to. */
void sb_replace(sbuf *b, const char *from, const char *to);

#endif
