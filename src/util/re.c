/* re: see re.h. */
#include "util/re.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

/*
 * glibc's regcomp copies a repeated expression once per count and recurses
 * once per parenthesis, so "a{1000}{1000}", "((a{99}){99}){99}" or 100000
 * "(" take gigabytes or the stack. RE2 (pprof's) refuses them too: nested
 * repetition operators, counts over 1000 and nesting over 1000 levels. The
 * product of nested counts is held to 1000 as well, roughly where RE2 says
 * "expression too large". A count over a repetition of a repetition
 * ("((a*)*){30}") takes glibc exponential time: such counts stop at 10.
 */
enum { RE_MAX_REPEAT = 1000, RE_MAX_DEPTH = 1000, RE_MAX_NESTED_REPEAT = 10 };

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

/* The POSIX spelling of RE2's \d \D \w \W \s \S (c is the letter): inside a bracket or out; NULL if none. */
static const char *escape_class(char c, bool inside)
{
	switch (c) {
	case 'd': return inside ? "0-9" : "[0-9]";
	case 'w': return inside ? "0-9A-Za-z_" : "[0-9A-Za-z_]";
	case 's': return inside ? "[:space:]" : "[[:space:]]";
	case 'D': return inside ? NULL : "[^0-9]"; /* a negation has no spelling inside a bracket */
	case 'W': return inside ? NULL : "[^0-9A-Za-z_]";
	case 'S': return inside ? NULL : "[^[:space:]]";
	}
	return NULL;
}

/* Appends rep to out[*w]. */
static void put_str(char *out, size_t *w, const char *rep)
{
	size_t l = strlen(rep);
	memcpy(out + *w, rep, l);
	*w += l;
}

/*
 * Rewrites RE2-only escapes into POSIX bracket expressions (inside a
 * bracket, into what the bracket can hold), and drops RE2's non-greedy "?"
 * after a repetition: for "does it match" it changes nothing, and POSIX
 * would read "x*?" as "(x*)?", which glibc expands into gigabytes under a
 * count ("(x*?){500}").
 */
static char *translate(const char *pat, bool anchored)
{
	size_t n = strlen(pat);
	char *out = xmalloc(n * 12 + 8);
	size_t w = 0;
	if (anchored)
		put_str(out, &w, "^(");
	for (size_t i = 0; i < n; i++) {
		char c = pat[i];
		const char *rep;
		if (c == '[') {
			size_t end = skip_bracket(pat, i);
			for (; i < end; i++) {
				if (pat[i] == '\\' && i + 1 < end && (rep = escape_class(pat[i + 1], true))) {
					put_str(out, &w, rep);
					i++;
				} else {
					out[w++] = pat[i];
				}
			}
			if (i < n)
				out[w++] = pat[i]; /* the closing ']' */
			continue;
		}
		if (c == '\\' && i + 1 < n) {
			if ((rep = escape_class(pat[i + 1], false)))
				put_str(out, &w, rep);
			else {
				out[w++] = pat[i];
				out[w++] = pat[i + 1];
			}
			i++;
			continue;
		}
		size_t j = i;
		bool repeat = c == '*' || c == '+' || c == '?' || (c == '{' && repeat_count(pat, &j) >= 0);
		if (c == '{' && !repeat) {
			/* Not a repeat for RE2 ("{,255}", "{x}"): a literal '{', which glibc might read as one. */
			put_str(out, &w, "\\{");
			continue;
		}
		memcpy(out + w, pat + i, j - i + 1);
		w += j - i + 1;
		i = j;
		if (repeat && pat[i + 1] == '?')
			i++;
	}
	if (anchored)
		put_str(out, &w, ")$");
	out[w] = '\0';
	return out;
}

/* What the scan knows of an open group, or of the atom just read. */
typedef struct re_cost {
	long count;        /* the largest product of counts inside */
	int stars;         /* the deepest nesting of repetition operators inside */
	bool anchor;       /* holds a '^' or '$' */
	bool nullable;     /* can match nothing */
	bool alt_nullable; /* holds an alternation of which two branches or more can match nothing */
	/* An open group's branches: the current one can match nothing; how many could. */
	bool branch_nullable;
	int nullable_branches, branches;
} re_cost;

static const re_cost re_atom = {.count = 1}, re_group = {.count = 1, .branch_nullable = true};

/* The atom just read becomes part of group g's current branch. */
static void fold_atom(re_cost *g, const re_cost *a)
{
	g->branch_nullable = g->branch_nullable && a->nullable;
	g->alt_nullable = g->alt_nullable || a->alt_nullable;
}

/* A '|' or ')' ends group g's current branch. */
static void end_branch(re_cost *g)
{
	g->branches++;
	g->nullable_branches += g->branch_nullable;
	g->branch_nullable = true;
}

/* Applies a repetition (count 1 for * + ?) to atom a inside group g; NULL or why it is refused. */
static const char *repeat_cost(re_cost *g, const re_cost *a, long count, bool counted)
{
	long product = a->count * count;
	if (count > RE_MAX_REPEAT || product > RE_MAX_REPEAT)
		return "invalid repeat count (more than 1000, nested repetitions counted together)";
	/* glibc's time is exponential in the count over a repeated repetition: "((a*)*){30}" */
	if (counted && a->stars >= 2 && product > RE_MAX_NESTED_REPEAT)
		return "a count over nested repetitions is too costly (more than 10)";
	/* ... and over a repetition beside an anchor: "(^(.b|)*){30}", "((a|^)*){30}" take minutes */
	if (counted && a->stars >= 1 && a->anchor && product > RE_MAX_NESTED_REPEAT)
		return "a count over a repetition with an anchor is too costly (more than 10)";
	/*
	 * ... and over what can match nothing in more than one way: "(a*|b*){300}"
	 * takes 45 s anchored, "(c|a*|b*){300}" 12 s and "(ik||){160}" more memory
	 * than the machine: a branch that must match something does not help.
	 */
	if (counted && a->nullable && a->alt_nullable && product > RE_MAX_NESTED_REPEAT)
		return "a count over alternatives that can match nothing is too costly (more than 10)";
	if (product > g->count)
		g->count = product;
	g->anchor = g->anchor || a->anchor;
	if (a->stars + 1 > g->stars)
		g->stars = a->stars + 1;
	return NULL;
}

/* NULL when pattern is safe to hand to regcomp, else what is wrong with it. */
static const char *too_costly(const char *pat)
{
	re_cost *group = xmalloc((strlen(pat) + 2) * sizeof *group); /* per open group */
	size_t depth = 0;
	group[0] = re_group;
	re_cost last = re_atom; /* the atom just read */
	last.nullable = true;   /* none yet */
	int repeated = 0;      /* the atom just read has a repetition operator (1), and its lazy '?' (2) */
	const char *why = NULL;
	for (size_t i = 0; pat[i] && !why; i++) {
		char c = pat[i];
		bool rep = c == '*' || c == '+' || c == '?' || c == '{';
		if (rep && repeated == 1 && c == '?') {
			repeated = 2; /* "a*?": non-greedy, which RE2 allows */
			continue;
		}
		if (rep && repeated) {
			why = "invalid nested repetition operator";
			break;
		}
		long count = 1, least = c == '+';
		if (c == '{') {
			least = strtol(pat + i + 1, NULL, 10);
			if ((count = repeat_count(pat, &i)) < 0) {
				rep = false; /* a literal '{' */
				count = 1;
			}
		}
		if (rep) {
			why = repeat_cost(&group[depth], &last, count, c == '{');
			last.nullable = last.nullable || least == 0;
			repeated = 1;
			continue;
		}
		repeated = 0;
		fold_atom(&group[depth], &last);
		last = re_atom;
		last.anchor = last.nullable = c == '^' || c == '$';
		if (last.anchor)
			group[depth].anchor = true;
		if (c == '\\' && pat[i + 1]) {
			i++;
		} else if (c == '[') {
			i = skip_bracket(pat, i);
		} else if (c == '(') {
			if (++depth > RE_MAX_DEPTH)
				why = "expression nests too deeply";
			else
				group[depth] = re_group;
			last.nullable = true; /* no atom yet in the new group */
		} else if (c == '|') {
			end_branch(&group[depth]);
			last.nullable = true;
		} else if (c == ')' && depth > 0) {
			end_branch(&group[depth]);
			last = group[depth--];
			last.nullable = last.nullable_branches > 0; /* a group matches nothing when one branch can */
			last.alt_nullable = last.alt_nullable || (last.branches >= 2 && last.nullable_branches >= 2);
			if (last.count > group[depth].count)
				group[depth].count = last.count;
			if (last.stars > group[depth].stars)
				group[depth].stars = last.stars;
			group[depth].anchor = group[depth].anchor || last.anchor;
		}
		if (!pat[i])
			break;
	}
	free(group);
	return why;
}

bool prof_re_compile(prof_re *re, const char *pattern, bool anchored, prof_err *err)
{
	re->ok = false;
	char *t = translate(pattern, anchored);
	/* The pattern as written (what RE2 refuses) and what regcomp gets (the cost). */
	const char *why = too_costly(pattern);
	if (!why)
		why = too_costly(t);
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
