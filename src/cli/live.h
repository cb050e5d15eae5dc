/*
 * live: prof diff and prof trend on a running service. Captures every URL
 * given -count times, -interval apart, with a progress line on stderr, and
 * hands the saved captures on as the files to compare, one moment after the
 * other (the replicas of one moment side by side, merged when loaded).
 *
 * Owns the Ctrl-C rule: after two or more moments it ends the capture and
 * the comparison goes on with what it has; before that it ends the command.
 */
#ifndef PROF_LIVE_H
#define PROF_LIVE_H

#include "cli/options.h"

/*
 * Captures, then points c->files at the saved files (owned by c) and sets
 * c->per_moment to the number of URLs. An exit status: PROF_EXIT_OK or the
 * error's, after its message.
 */
int live_capture(cli *c);

#endif
