/*
 * escape_filter: stdin to stdout under prof's name policy (util/term.h).
 *
 * pprof prints a profile's control bytes raw; prof shows them escaped. The
 * goldens of hostile fixtures hold prof's bytes, so tests/golden/rederive.sh
 * passes pprof's output through this before comparing. With -dot, each
 * escape's backslash is doubled, as DOT's own escaping does to any backslash
 * in a name; except on the lines of tag nodes ("N1_0 [label = ..."), whose
 * labels pprof writes unescaped, and prof as pprof does.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/term.h"

static char *read_all(size_t *n)
{
	size_t cap = 1 << 16, len = 0;
	char *buf = malloc(cap);
	size_t got;
	while (buf && (got = fread(buf + len, 1, cap - len, stdin)) > 0) {
		len += got;
		if (len == cap)
			buf = realloc(buf, cap *= 2);
	}
	*n = len;
	return buf;
}

/* Whether the line at s (up to end) is a DOT tag node: N<digits>_<digits> [label = */
static bool tag_node_line(const char *s, const char *end)
{
	const char *p = s;
	if (p == end || *p++ != 'N')
		return false;
	while (p < end && isdigit((unsigned char)*p))
		p++;
	if (p == end || *p++ != '_')
		return false;
	while (p < end && isdigit((unsigned char)*p))
		p++;
	return (size_t)(end - p) >= 11 && memcmp(p, " [label = \"", 11) == 0;
}

int main(int argc, char **argv)
{
	int dot = argc > 1 && strcmp(argv[1], "-dot") == 0;
	size_t n;
	char *in = read_all(&n);
	if (!in)
		return 1;
	bool dbl = dot;
	for (size_t i = 0; i < n;) {
		if (i == 0 || in[i - 1] == '\n')
			dbl = dot && !tag_node_line(in + i, in + n);
		uint32_t cp;
		size_t len = utf8_decode((const unsigned char *)in + i, n - i, &cp);
		if (len == 0)
			len = 1;
		size_t shown = text_escaped_len(in + i, len);
		if (shown == len) {
			fwrite(in + i, 1, len, stdout);
		} else {
			char esc[32];
			text_escape(in + i, len, esc);
			for (char *e = esc; *e; e++) {
				if (*e == '\\' && dbl)
					putchar('\\');
				putchar(*e);
			}
		}
		i += len;
	}
	free(in);
	return fflush(stdout) != 0;
}
