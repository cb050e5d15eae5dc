/*
 * outfile: output files written whole or not at all.
 *
 * Owns the rule that prof never leaves half a file: data goes to a
 * temporary file in the destination's folder, then is renamed over it. Also
 * pprof's choice of a fresh "profileNNN.EXT" when a binary report would
 * otherwise go to a terminal; and how a write error on stdout ends prof.
 */
#ifndef PROF_OUTFILE_H
#define PROF_OUTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/err.h"

/* Writes data[0..len) to path (temporary file, then rename). False with *err set. */
bool outfile_write(const char *path, const char *data, size_t len, prof_err *err);

/*
 * The same rule for output written as it is made: outfile_open gives a
 * stream into a temporary file beside path; outfile_commit flushes it and
 * renames it over path (false with *err set, and nothing left behind);
 * outfile_abort removes it. Either one ends the outfile.
 */
typedef struct outfile {
	FILE *f;
	char *path, *tmp;
	struct outfile_sink *sink; /* the descriptor under f and its first write error */
} outfile;

bool outfile_open(outfile *o, const char *path, prof_err *err);
/* Whether writing o has failed yet (the disk is full...); true with *err set to what happened. */
bool outfile_failed(const outfile *o, prof_err *err);
bool outfile_commit(outfile *o, prof_err *err);
void outfile_abort(outfile *o);

/*
 * Writes data to the first PREFIXnnn.EXT (nnn from 001, as pprof numbers
 * them) that does not exist in the current folder; its name goes to
 * name[0..n). False with *err set.
 */
/*
 * At exit: flushes stdout and tells how writing it went. False on a write
 * error, with *err set, except when the reader went away (EPIPE): like
 * other Unix tools, prof then ends quietly. Also see outfile_stdout_init.
 */
bool outfile_stdout_done(prof_err *err);
/* At start: SIGPIPE as the shell expects it even if the parent ignored it (a reader gone ends prof). */
void outfile_stdout_init(void);

bool outfile_write_new(const char *prefix, const char *ext, const char *data, size_t len, char *name, size_t n,
                       prof_err *err);

#endif
