/* strbuf: see strbuf.h. */
#include "util/strbuf.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

void sb_addn(sbuf *b, const char *s, size_t n)
{
	GROW(b->s, b->cap, b->n + n + 1);
	memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

void sb_add(sbuf *b, const char *s)
{
	sb_addn(b, s, strlen(s));
}

void sb_replace(sbuf *b, const char *from, const char *to)
{
	if (!b->s || !strstr(b->s, from))
		return;
	sbuf r = {0};
	size_t fl = strlen(from);
	const char *p = b->s;
	for (const char *m; (m = strstr(p, from)); p = m + fl) {
		sb_addn(&r, p, (size_t)(m - p));
		sb_add(&r, to);
	}
	sb_add(&r, p);
	free(b->s);
	*b = r;
}
