/*
 * output: where a command's output goes, decided once for every front end.
 *
 * Owns the routing the CLI and the shell share: -output (or the shell's
 * "> FILE") writes a file whole or not at all; binary output meant for a
 * terminal goes to a new profileNNN.EXT instead, as pprof does; text for a
 * terminal passes through term_write_safe, the last guard (names are
 * already shown escaped by the model); anything else streams to stdout as
 * it is made. Messages go to the caller's stderr; no terminal control here.
 */
#ifndef PROF_OUTPUT_H
#define PROF_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "report/commands.h"
#include "util/err.h"

typedef enum out_kind {
	OUT_FILE,     /* path, through a temporary file and rename */
	OUT_NEWFILE,  /* a fresh profileNNN.ext in the current folder */
	OUT_TERMINAL, /* stdout is a terminal: made whole first, then shown safely */
	OUT_STREAM,   /* stdout, as it is made */
} out_kind;

typedef struct out_dest {
	out_kind kind;
	const char *path; /* OUT_FILE */
	const char *ext;  /* OUT_NEWFILE */
	bool announce;    /* "Generating report in FILE" on stderr (pprof's shell, and its awayFromTTY) */
} out_dest;

/* The destination of cmd's output: path (NULL: none given), stdout_tty from isatty(1). */
out_dest output_choose(const prof_command *cmd, const char *path, bool stdout_tty);

typedef enum output_status {
	OUTPUT_OK,
	OUTPUT_BAD_REPORT, /* make failed: *err is its error, nothing was written */
	OUTPUT_BAD_WRITE,  /* the output could not be written: *err says why, no file left */
	OUTPUT_STDOUT,     /* writing stdout failed: said once at exit (outfile_stdout_done) */
} output_status;

/* Runs make(out, ctx) into d. */
typedef bool (*output_fn)(FILE *out, void *ctx, prof_err *err);
output_status output_run(const out_dest *d, output_fn make, void *ctx, prof_err *err);

#endif
