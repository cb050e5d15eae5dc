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

/*
 * glibc's regcomp copies a repeated expression once per count and recurses
 * once per parenthesis, so "a{1000}{1000}", "((a{99}){99}){99}" or 100000
 * "(" take gigabytes or the stack. RE2 (pprof's) refuses them too: nested
 * repetition operators, counts over 1000 and nesting over 1000 levels. The
 * product of nested counts is held to 1000 as well, roughly where RE2 says
 * "expression too large".
 */
enum { RE_MAX_REPEAT = 1000, RE_MAX_DEPTH = 1000 };

/* Skips a bracket expression at pat[i] == '['; returns the index of its ']' (or the end). */
static size_t skip_bracket(const char *pat, size_t i)
{
	i++;
	if (pat[i] == '^')
		i++;
	if (pat[i] == ']')
		i++;
	for (; pat[i] && pat[i] != ']'; i++)
		if (pat[i] == '[' && (pat[i + 1] == ':' || pat[i + 1] == '.' || pat[i + 1] == '=')) {
			const char *e = strstr(pat + i + 2, (char[]){pat[i + 1], ']', '\0'});
			if (!e)
				return strlen(pat);
			i = (size_t)(e - pat) + 1;
		}
	return pat[i] ? i : strlen(pat);
}

/* Reads "{m}", "{m,}" or "{m,n}" at pat[*i]; the largest count (m, or n), -1 if it is not a repeat. */
static long repeat_count(const char *pat, size_t *i)
{
	size_t j = *i + 1;
	long m = 0, n = -1;
	if (pat[j] < '0' || pat[j] > '9')
		return -1;
	for (; pat[j] >= '0' && pat[j] <= '9'; j++)
		m = m > RE_MAX_REPEAT ? m : m * 10 + (pat[j] - '0');
	if (pat[j] == ',') {
		n = 0;
		for (j++; pat[j] >= '0' && pat[j] <= '9'; j++)
			n = n > RE_MAX_REPEAT ? n : n * 10 + (pat[j] - '0');
	}
	if (pat[j] != '}')
		return -1;
	*i = j;
	return n > m ? n : m;
}

/* NULL when pattern is safe to hand to regcomp, else what RE2 would say about it. */
static const char *too_costly(const char *pat)
{
	long *inner = xmalloc((strlen(pat) + 2) * sizeof *inner); /* per open group: its largest count product */
	size_t depth = 0;
	inner[0] = 1;
	long last = 1;           /* product inside the atom just read */
	int repeated = 0;        /* the atom just read has a repetition operator (1), and its lazy '?' (2) */
	const char *why = NULL;
	for (size_t i = 0; pat[i] && !why; i++) {
		char c = pat[i];
		bool rep = c == '*' || c == '+' || c == '?' || c == '{';
		if (rep && repeated == 1 && c == '?') {
			repeated = 2; /* "a*?": non-greedy, which RE2 allows (POSIX reads it as greedy) */
			continue;
		}
		if (rep && repeated)
			why = "invalid nested repetition operator";
		long count = 1;
		if (c == '{' && (count = repeat_count(pat, &i)) < 0) {
			rep = false; /* a literal '{' */
			count = 1;
		}
		if (rep) {
			if (count > RE_MAX_REPEAT || last * count > RE_MAX_REPEAT)
				why = "invalid repeat count (more than 1000, nested repetitions counted together)";
			else if (last * count > inner[depth])
				inner[depth] = last * count;
			repeated = 1;
			continue;
		}
		repeated = 0;
		last = 1;
		if (c == '\\' && pat[i + 1])
			i++;
		else if (c == '[')
			i = skip_bracket(pat, i);
		else if (c == '(' && ++depth > RE_MAX_DEPTH)
			why = "expression nests too deeply";
		else if (c == '(')
			inner[depth] = 1;
		else if (c == ')' && depth > 0) {
			last = inner[depth--];
			if (last > inner[depth])
				inner[depth] = last;
		}
		if (!pat[i])
			break;
	}
	free(inner);
	return why;
}

bool prof_re_compile(prof_re *re, const char *pattern, bool anchored, prof_err *err)
{
	re->ok = false;
	char *t = translate(pattern, anchored);
	/* What regcomp gets is checked: a \D rewritten inside [...] may end the bracket early. */
	const char *why = too_costly(t);
	if (why) {
		free(t);
		return prof_errf(err, "bad regular expression \"%.60s%s\": %s", pattern, strlen(pattern) > 60 ? "..." : "",
		                 why);
	}
	int rc = regcomp(&re->rx, t, REG_EXTENDED | REG_NOSUB);
	free(t);
	re->ok = rc == 0;
	if (rc != 0) {
		char msg[200];
		regerror(rc, &re->rx, msg, sizeof msg);
		return prof_errf(err, "bad regular expression \"%.60s%s\": %s", pattern, strlen(pattern) > 60 ? "..." : "",
		                 msg);
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
