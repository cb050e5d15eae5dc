/*
 * goname: what a Go function name says about where the code lives.
 *
 * Owns the reading of Go symbol names ("net/http.(*conn).serve",
 * "github.com/acme/app/store.(*Cache).Get.func1") for the reports that tell
 * the program's frames from the runtime's and the standard library's: diff,
 * trend and goroutines. Pure functions over strings; no profile needed.
 *
 * A Go name is PATH.REST where PATH is the import path: up to the first dot
 * after the last slash before any '(' or '['. The last path element may hold
 * dots escaped as %2e ("gopkg.in/yaml%2ev3"), so a dot after the last slash
 * always ends the path. The standard library's paths have no dot in their
 * first element ("sync", "net/http", "internal/poll"); modules' paths start
 * with a domain ("github.com/..."); "main" is the program.
 */
#ifndef PROF_GONAME_H
#define PROF_GONAME_H

#include <stdbool.h>
#include <stddef.h>

/* The parts of a Go name; each a range of the name (len 0: absent). */
typedef struct goname {
	const char *path;     /* import path: "github.com/acme/app/store" */
	size_t path_len;
	const char *pkg;      /* its last element: "store" */
	size_t pkg_len;
	const char *recv;     /* "*Cache" for "(*Cache).Get", "T" for "T.M"; 0 for a function */
	size_t recv_len;
	const char *func;     /* "Get": the method or function */
	size_t func_len;
	const char *closure;  /* ".func1", ".func1.2", ".gowrap1", "-range1": what follows func */
	size_t closure_len;
} goname;

/*
 * Splits name (a leading 16-digit address, as in -addresses output, and
 * anything after the first space, like a file:line, are skipped). False
 * when it is no Go name (no package part: a C function, "panic", "").
 */
bool goname_parse(const char *name, goname *out);
/* Whether name is a Go name of the standard library or the runtime. */
bool goname_is_std(const char *name);

#endif
