/* re: see re.h. */
#include "util/re.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

/* Rewrites RE2-only escapes into POSIX bracket expressions. */
static char *translate(const char *pat, bool anchored)
{
	size_t n = strlen(pat);
	char *out = xmalloc(n * 12 + 8);
	size_t w = 0;
	if (anchored) {
		out[w++] = '^';
		out[w++] = '(';
	}
	for (size_t i = 0; i < n; i++) {
		if (pat[i] == '\\' && i + 1 < n) {
			const char *rep = NULL;
			switch (pat[i + 1]) {
			case 'd': rep = "[0-9]"; break;
			case 'D': rep = "[^0-9]"; break;
			case 'w': rep = "[0-9A-Za-z_]"; break;
			case 'W': rep = "[^0-9A-Za-z_]"; break;
			case 's': rep = "[[:space:]]"; break;
			case 'S': rep = "[^[:space:]]"; break;
			}
			if (rep) {
				size_t l = strlen(rep);
				memcpy(out + w, rep, l);
				w += l;
				i++;
				continue;
			}
			out[w++] = pat[i++];
		}
		out[w++] = pat[i];
	}
	if (anchored) {
		out[w++] = ')';
		out[w++] = '$';
	}
	out[w] = '\0';
	return out;
}

bool prof_re_compile(prof_re *re, const char *pattern, bool anchored, prof_err *err)
{
	char *t = translate(pattern, anchored);
	int rc = regcomp(&re->rx, t, REG_EXTENDED | REG_NOSUB);
	free(t);
	re->ok = rc == 0;
	if (rc != 0) {
		char msg[200];
		regerror(rc, &re->rx, msg, sizeof msg);
		return prof_errf(err, "bad regular expression \"%s\": %s", pattern, msg);
	}
	return true;
}

bool prof_re_match(const prof_re *re, const char *s)
{
	return re->ok && regexec(&re->rx, s, 0, NULL, 0) == 0;
}

void prof_re_free(prof_re *re)
{
	if (re->ok)
		regfree(&re->rx);
	re->ok = false;
}
