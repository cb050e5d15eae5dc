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
enum { RE_MAX_REPEAT = 1000, RE_MAX_DEPTH = 1000, RE_MAX_NESTED_REPEAT = 10, RE_MAX_ALTS = 4096 };

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
/*
 * An open group of translate's output: where its current branch starts,
 * and whether one of its branches was empty already.
 */
typedef struct out_group {
	size_t branch;
	bool empty;
} out_group;

/*
 * A branch of group g ends at out[*w] (a '|' or ')' comes, or the pattern
 * ends): false when it is empty and g had an empty branch already, with
 * the '|' before it taken back when nothing follows in the group (last).
 * A match (never a submatch) is the same with one empty branch or many,
 * and glibc takes exponential time over many: "(a|||...|)+" anchored.
 */
static bool keep_branch(out_group *g, char *out, size_t *w, bool last)
{
	if (*w != g->branch)
		return true;
	if (!g->empty) {
		g->empty = true;
		return true;
	}
	if (last && *w > 0 && out[*w - 1] == '|')
		(*w)--;
	return false;
}

static char *translate(const char *pat, bool anchored)
{
	size_t n = strlen(pat);
	char *out = xmalloc(n * 12 + 8);
	out_group *groups = xmalloc((n + 1) * sizeof *groups);
	size_t w = 0, depth = 0;
	if (anchored)
		put_str(out, &w, "^(");
	groups[0] = (out_group){w, false};
	for (size_t i = 0; i < n; i++) {
		char c = pat[i];
		const char *rep;
		if (c == '|') {
			if (keep_branch(&groups[depth], out, &w, false))
				out[w++] = '|';
			groups[depth].branch = w;
			continue;
		}
		if (c == '(') {
			out[w++] = '(';
			groups[++depth] = (out_group){w, false};
			continue;
		}
		if (c == ')') {
			if (depth == 0) {
				/* Unmatched: a literal, as glibc reads it, and not the end of the anchored group around. */
				put_str(out, &w, "\\)");
				continue;
			}
			keep_branch(&groups[depth--], out, &w, true);
			out[w++] = ')';
			continue;
		}
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
	keep_branch(&groups[0], out, &w, true);
	/* Groups left open stay open: regcomp refuses them. */
	free(groups);
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
	/*
	 * The ways to match nothing: a group's branches that can, times the
	 * most among its atoms (capped at RE_MAX_ALTS + 1); 1 for an atom.
	 */
	long alts, inner_alts;
} re_cost;

static const re_cost re_atom = {.count = 1, .alts = 1, .inner_alts = 1},
                     re_group = {.count = 1, .branch_nullable = true, .alts = 1, .inner_alts = 1};

/* The atom just read becomes part of group g's current branch. */
static void fold_atom(re_cost *g, const re_cost *a)
{
	g->branch_nullable = g->branch_nullable && a->nullable;
	g->alt_nullable = g->alt_nullable || a->alt_nullable;
	if (a->alts > g->inner_alts)
		g->inner_alts = a->alts;
}

/* A '|' or ')' ends group g's current branch. */
static void end_branch(re_cost *g)
{
	g->branches++;
	g->nullable_branches += g->branch_nullable;
	g->branch_nullable = true;
}

/* Applies a repetition (count 1 for * + ?) to atom a inside group g; NULL or why it is refused. */
static const char *repeat_cost(re_cost *g, const re_cost *a, long count, bool counted, bool check_alts)
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
	 * ... and over an anchor where nothing need be matched: "($){1,1000}"
	 * takes 4 GB, "(\b){1,100}" 3.5 GB, "(a|$){1,1000}" more than 20 s
	 * (and "(x$){1,1000}", which must match an x, 20 MB).
	 */
	if (counted && a->anchor && a->nullable && product > RE_MAX_NESTED_REPEAT)
		return "a count over an anchor that can match nothing is too costly (more than 10)";
	/*
	 * ... and over what can match nothing in more than one way: "(a*|b*){300}"
	 * takes 45 s anchored, "(c|a*|b*){300}" 12 s and "(ik||){160}" more memory
	 * than the machine: a branch that must match something does not help.
	 */
	if (counted && a->nullable && a->alt_nullable && product > RE_MAX_NESTED_REPEAT)
		return "a count over alternatives that can match nothing is too costly (more than 10)";
	/*
	 * ... and, in what regcomp gets, exponential in the count over the ways
	 * to match nothing: "(a|()|()|...|b){5,}" with 16 of them takes
	 * minutes, "(a|()|...)+" with 200 seconds. Held to RE_MAX_ALTS,
	 * raised to the count plus one. (Empty branches are one by then:
	 * translate keeps a group's first.)
	 */
	if (check_alts && a->alts >= 2) {
		long cost = 1;
		for (long k = 0; k <= count && cost <= RE_MAX_ALTS; k++)
			cost *= a->alts;
		if (cost > RE_MAX_ALTS)
			return "a repetition over many alternatives that can match nothing is too costly";
	}
	if (product > g->count)
		g->count = product;
	g->anchor = g->anchor || a->anchor;
	if (a->stars + 1 > g->stars)
		g->stars = a->stars + 1;
	return NULL;
}

/* NULL when pattern is safe to hand to regcomp, else what is wrong with it. */
static const char *too_costly(const char *pat, bool check_alts)
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
			why = repeat_cost(&group[depth], &last, count, c == '{', check_alts);
			last.nullable = last.nullable || least == 0;
			repeated = 1;
			continue;
		}
		repeated = 0;
		fold_atom(&group[depth], &last);
		last = re_atom;
		/* ^ and $, and glibc's escaped anchors: word boundaries, word and buffer ends */
		bool escape = c == '\\' && pat[i + 1];
		last.anchor = last.nullable = c == '^' || c == '$' || (escape && strchr("bB<>`'", pat[i + 1]));
		if (last.anchor)
			group[depth].anchor = true;
		if (escape) {
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
			last.alts = (last.nullable_branches > 1 ? last.nullable_branches : 1) * last.inner_alts;
			if (last.alts > RE_MAX_ALTS)
				last.alts = RE_MAX_ALTS + 1;
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
	const char *why = too_costly(pattern, false);
	if (!why)
		why = too_costly(t, true);
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
