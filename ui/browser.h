/*
 * browser: "prof ui", the full-screen ncurses browser over the report data
 * of src/report/views.h (top, callers/callees, flame, source, traces, tags,
 * goroutines), with pprof's refinements as an undoable stack.
 *
 * Borrows the profile (never changed: every refinement recomputes on a
 * fresh copy) and the options; returns an exit status.
 */
#ifndef PROF_BROWSER_H
#define PROF_BROWSER_H

#include <stdbool.h>
#include <stddef.h>

#include "model/profile.h"
#include "report/engine.h"
#include "report/report.h"

typedef struct browser_input {
	const prof_profile *p;    /* the profile shown (a base already subtracted) */
	const prof_profile *base; /* the base alone (-base/-diff_base), for before -> after; or NULL */
	const char *const *files; /* the inputs, for the status line and the command lines */
	size_t nfiles;
	const char *const *bases;
	size_t nbases;
	bool diff_base;           /* -diff_base rather than -base */
	const report_opts *o;     /* the command line's options: the refinements start here */
	prof_engine *engine;      /* p's engine when the caller has one (the shell), else NULL */
} browser_input;

/*
 * Whether the browser can start: stdin and stdout are terminals. False
 * with why set to the one line to print ("ui needs a terminal (stdout is not one)").
 */
bool browser_can_start(char *why, size_t n);

int browser_run(const browser_input *in);

#endif
