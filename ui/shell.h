/*
 * shell: the interactive mode of prof (pprof's "(pprof)" prompt), started
 * by "prof FILE" with no report. Borrows the profile; returns an exit status.
 */
#ifndef PROF_SHELL_H
#define PROF_SHELL_H

#include "model/profile.h"

/* name: the profile's file, for diff and trend headers. */
int shell_run(prof_profile *p, const char *name, uint64_t max_size);

#endif
