/* path: see path.h. */
#include "util/path.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

size_t path_clean(const char *s, size_t n, char *out)
{
	bool rooted = n > 0 && s[0] == '/';
	size_t w = 0, r = 0, dotdot = 0;
	if (rooted) {
		out[w++] = '/';
		r = dotdot = 1;
	}
	while (r < n) {
		if (s[r] == '/') {
			r++;
		} else if (s[r] == '.' && (r + 1 == n || s[r + 1] == '/')) {
			r++;
		} else if (s[r] == '.' && s[r + 1] == '.' && (r + 2 == n || s[r + 2] == '/')) {
			r += 2;
			if (w > dotdot) {
				w--;
				while (w > dotdot && out[w] != '/')
					w--;
			} else if (!rooted) {
				if (w > 0)
					out[w++] = '/';
				out[w++] = '.';
				out[w++] = '.';
				dotdot = w;
			}
		} else {
			if ((rooted && w != 1) || (!rooted && w != 0))
				out[w++] = '/';
			for (; r < n && s[r] != '/'; r++)
				out[w++] = s[r];
		}
	}
	if (w == 0)
		out[w++] = '.';
	return w;
}

const char *path_base(const char *s, char *buf, size_t n)
{
	size_t len = strlen(s);
	while (len > 1 && s[len - 1] == '/')
		len--;
	size_t b = len;
	while (b > 0 && s[b - 1] != '/')
		b--;
	if (len == 0)
		return ".";
	if (b == len)
		return "/"; /* s was all slashes */
	snprintf(buf, n, "%.*s", (int)(len - b), s + b);
	return buf;
}

bool path_is_url(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (const char *c = s + 1; *c; c++) {
		if (*c == ':')
			return true;
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '+' ||
		      *c == '-' || *c == '.'))
			return false;
	}
	return false;
}
