/*
 * re: regular expressions for pprof's options and drop_frames.
 *
 * pprof uses Go's RE2 syntax; prof uses POSIX extended regexes (regex.h),
 * after rewriting the RE2 escapes that POSIX lacks (\d \D \w \W \s \S).
 * Differences left: no (?i) flags, no non-greedy operators, no \b; matching
 * is by "does it match", where leftmost-longest and leftmost-first agree.
 */
#ifndef PROF_RE_H
#define PROF_RE_H

#include <regex.h>
#include <stdbool.h>

#include "util/err.h"

typedef struct prof_re {
	regex_t rx;
	bool ok;
} prof_re;

/* Compiles pattern; anchored wraps it as ^(pattern)$. */
bool prof_re_compile(prof_re *re, const char *pattern, bool anchored, prof_err *err);
bool prof_re_match(const prof_re *re, const char *s);
void prof_re_free(prof_re *re);

#endif
