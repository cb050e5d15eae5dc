/* goname: see goname.h. */
#include "model/goname.h"

#include <ctype.h>
#include <string.h>

/* The name proper: past a leading address ("0000000000402000 "), up to the first space. */
static const char *name_start(const char *s, size_t *len)
{
	size_t k = 0;
	while (k < 16 && isxdigit((unsigned char)s[k]))
		k++;
	if (k == 16 && s[16] == ' ')
		s += 17;
	*len = strcspn(s, " ");
	return s;
}

/* The end of the import path in s[0..n): the first '.' after the last '/' before '(' or '['. */
static size_t path_end(const char *s, size_t n)
{
	size_t stop = strcspn(s, "([");
	if (stop > n)
		stop = n;
	size_t last_slash = 0;
	for (size_t i = 0; i < stop; i++)
		if (s[i] == '/')
			last_slash = i + 1;
	const char *dot = memchr(s + last_slash, '.', n - last_slash);
	return dot ? (size_t)(dot - s) : n;
}

/* Where the name at r[i..n) ends: the first '.' or '-' outside brackets (generic arguments may hold dots). */
static size_t name_end(const char *r, size_t i, size_t n)
{
	size_t depth = 0;
	for (; i < n; i++) {
		char c = r[i];
		if (c == '[')
			depth++;
		else if (c == ']' && depth)
			depth--;
		else if (!depth && (c == '.' || c == '-'))
			break;
	}
	return i;
}

/* Splits rest ("(*T).M.func1", "F.func2", "T.M") into receiver, function and closure. */
static void split_rest(const char *r, size_t n, goname *g)
{
	size_t i = 0;
	if (n > 0 && r[0] == '(') {
		const char *close = memchr(r, ')', n);
		if (close && (size_t)(close - r) + 1 < n && close[1] == '.') {
			g->recv = r + 1;
			g->recv_len = (size_t)(close - r) - 1;
			i = (size_t)(close - r) + 2;
		}
	}
	size_t f = name_end(r, i, n);
	/* "T.M": a value receiver, when what follows is a name and not "funcN"/"gowrapN". */
	if (!g->recv && f < n && r[f] == '.' && strncmp(r + f + 1, "func", 4) != 0 &&
	    strncmp(r + f + 1, "gowrap", 6) != 0 && !isdigit((unsigned char)r[f + 1])) {
		g->recv = r + i;
		g->recv_len = f - i;
		i = f + 1;
		f = name_end(r, i, n);
	}
	g->func = r + i;
	g->func_len = f - i;
	g->closure = r + f;
	g->closure_len = n - f;
}

bool goname_parse(const char *name, goname *g)
{
	memset(g, 0, sizeof *g);
	size_t n;
	const char *s = name_start(name, &n);
	size_t pe = path_end(s, n);
	if (pe == 0 || pe >= n)
		return false;
	g->path = s;
	g->path_len = pe;
	const char *slash = NULL;
	for (size_t i = 0; i < pe; i++)
		if (s[i] == '/')
			slash = s + i;
	g->pkg = slash ? slash + 1 : s;
	g->pkg_len = (size_t)(s + pe - g->pkg);
	split_rest(s + pe + 1, n - pe - 1, g);
	return true;
}

bool goname_is_std(const char *name)
{
	goname g;
	if (!goname_parse(name, &g))
		return false;
	/* The program: "main", or what go run names a package of loose files. */
	if ((g.path_len == 4 && memcmp(g.path, "main", 4) == 0) ||
	    (g.path_len == 22 && memcmp(g.path, "command-line-arguments", 22) == 0))
		return false;
	size_t first = strcspn(g.path, "/");
	if (first > g.path_len)
		first = g.path_len;
	return memchr(g.path, '.', first) == NULL;
}
