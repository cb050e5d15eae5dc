/* demangle: see demangle.h. */
#include "xform/demangle.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <libiberty/demangle.h>

#include "util/arena.h"

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
}

static char *copy_n(const char *s, size_t n)
{
	char *c = xmalloc(n + 1);
	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

/*
 * Index just past the operator name that starts at s[i] when s[i..] is a
 * C++ "operator" followed by one made of angle brackets (operator<,
 * operator<<=, operator->* ...); 0 otherwise.
 */
static size_t angle_operator_end(const char *s, size_t i)
{
	static const char word[] = "operator";
	static const char *const ops[] = {"<=>", "<<=", ">>=", "->*", "<<", ">>", "<=", ">=", "->", "<", ">"};
	if (strncmp(s + i, word, sizeof word - 1) != 0 || (i > 0 && ident_char(s[i - 1])))
		return 0;
	size_t j = i + sizeof word - 1;
	for (size_t k = 0; k < sizeof ops / sizeof ops[0]; k++)
		if (strncmp(s + j, ops[k], strlen(ops[k])) == 0)
			return j + strlen(ops[k]);
	return 0;
}

/* Index of the '>' closing the '<' at s[i] ("->" is no bracket); 0 when there is none. */
static size_t closing_angle(const char *s, size_t i)
{
	size_t depth = 0;
	for (size_t k = i; s[k]; k++) {
		if (s[k] == '-' && s[k + 1] == '>') {
			k++;
		} else if (s[k] == '<') {
			depth++;
		} else if (s[k] == '>' && --depth == 0) {
			return k;
		}
	}
	return 0;
}

/*
 * Demangled C++ without its template argument lists, keeping operator<
 * and the like. For Rust v0 (rust) the lists are generic arguments, which
 * pprof empties to "<>"; they follow a name or "::", while a qualified path
 * "<T as Trait>" keeps its content.
 */
static char *drop_angle_lists(const char *s, bool rust)
{
	size_t n = strlen(s), w = 0;
	char *out = xmalloc(n + 1);
	for (size_t i = 0; i < n;) {
		size_t op = rust ? 0 : angle_operator_end(s, i);
		if (op) {
			memcpy(out + w, s + i, op - i);
			w += op - i;
			i = op;
			continue;
		}
		bool list = s[i] == '<' && (!rust || (i > 0 && (ident_char(s[i - 1]) || s[i - 1] == ':')));
		size_t close = list ? closing_angle(s, i) : 0;
		if (close) {
			if (rust) {
				out[w++] = '<';
				out[w++] = '>';
			}
			i = close + 1;
			continue;
		}
		out[w++] = s[i++];
	}
	out[w] = '\0';
	return out;
}

/* libiberty's demangling of s, or NULL. */
static char *libiberty(const char *s, int style)
{
	return cplus_demangle(s, DMGL_ANSI | style);
}

/*
 * Old-style Rust: "_ZN" ... "17h" + 16 hex digits + "E", maybe followed by
 * a ".suffix" that is ignored; the length without the suffix, or 0.
 */
static size_t legacy_rust_len(const char *s)
{
	if (!starts(s, "_ZN"))
		return 0;
	size_t n = strlen(s);
	for (size_t i = n; i-- > 1;)
		if (s[i - 1] == 'E' && s[i] == '.') {
			n = i;
			break;
		}
	if (n <= 23 || s[n - 1] != 'E' || strncmp(s + n - 20, "17h", 3) != 0)
		return 0;
	return n;
}

/* The simplified demangling of a mangled name, or NULL when s is not one libiberty takes. */
static char *demangle_mangled(const char *s)
{
	if (starts(s, "_R")) {
		/* Rust v0: a ".suffix" (LLVM's) is not part of the name. */
		char *name = copy_n(s, strcspn(s, "."));
		char *d = libiberty(name, DMGL_RUST);
		free(name);
		char *out = d ? drop_angle_lists(d, true) : NULL;
		free(d);
		return out;
	}
	size_t rn = legacy_rust_len(s);
	if (rn) {
		/* Old Rust names keep their <...>: they are part of the path. */
		char *name = copy_n(s, rn);
		char *d = libiberty(name, DMGL_RUST);
		free(name);
		if (d)
			return d;
	}
	if (!starts(s, "_Z") && !starts(s, "___Z") && !starts(s, "_GLOBAL_"))
		return NULL;
	char *d = libiberty(s, DMGL_GNU_V3);
	char *out = d ? drop_angle_lists(d, false) : NULL;
	free(d);
	return out;
}

/* pprof's guess that a name is demangled C++ already (Java's "C.<init>" and Go's "(*T[...]).M" are not). */
static bool looks_demangled(const char *s)
{
	if (strstr(s, ".<") || strstr(s, "])."))
		return false;
	return strpbrk(s, "<>[]") || strstr(s, "::");
}

/*
 * Removes each outermost open..close group from s in place, innermost
 * nesting included; an unmatched close stops the work where it is, leaving
 * what was removed before it removed (as pprof's removeMatching does).
 */
static void remove_groups(char *s, char open, char close)
{
	size_t depth = 0, first = 0;
	for (size_t i = 0; s[i];) {
		if (s[i] == open) {
			if (depth++ == 0)
				first = i;
		} else if (s[i] == close) {
			if (depth == 0)
				return;
			if (--depth == 0) {
				memmove(s + first, s + i + 1, strlen(s + i + 1) + 1);
				i = first;
				continue;
			}
		}
		i++;
	}
}

char *prof_demangle_name(const char *sys)
{
	char *d = demangle_mangled(sys);
	/* macOS puts an extra '_' before every symbol. */
	if (!d && sys[0] == '_')
		d = demangle_mangled(sys + 1);
	if (d)
		return d;
	char *s = copy_n(sys, strlen(sys));
	if (looks_demangled(s)) {
		remove_groups(s, '(', ')');
		remove_groups(s, '<', '>');
	}
	return s;
}

/*
 * Whether prof_demangle_name would give s back as it is, known at a
 * glance: every mangling it takes starts with '_', and only '<', '>', '[',
 * ']' or "::" make it simplify a name (a Go profile's names, all of them).
 */
static bool plain_name(const char *s)
{
	return s[0] != '_' && !strpbrk(s, "<>[]:");
}

void prof_demangle(prof_profile *p)
{
	for (size_t i = 0; i < p->nfunction; i++) {
		prof_function *f = &p->functions[i];
		if (f->name && f->name != f->system_name)
			continue; /* named already */
		if (!f->system_name)
			continue;
		const char *sys = prof_bytes(p, f->system_name);
		f->name = f->system_name;
		if (plain_name(sys) || strlen(sys) != prof_strlen(p, f->system_name))
			continue; /* as it is; or a NUL inside: not a symbol */
		char *d = prof_demangle_name(sys);
		if (strcmp(d, sys) != 0)
			f->name = prof_intern(p, d, strlen(d));
		free(d);
	}
}
