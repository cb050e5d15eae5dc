/*
 * folded: Brendan Gregg's folded (collapsed) stacks, decoded into the model.
 *
 * Owns: recognizing and parsing text of the form
 *
 *     main.main;main.work;runtime.mallocgc 123
 *
 * one stack per line, frames root first separated by ';', then one space and
 * an integer count (a leading '-' is allowed, as prof folded writes negative
 * values of diff profiles). This is what prof folded, flamegraph.pl's
 * stackcollapse tools and many others write.
 *
 * Shape of the result: one sample type samples/count (period 1), one function
 * per distinct frame name (no file), one location per function (address 0,
 * one line, line number 0), one sample per input line, its stack interned.
 * Lines with the same stack stay separate samples; reports add them up.
 * Blank lines are skipped; a trailing '\r' (CRLF files) and trailing spaces
 * before the count are ignored.
 *
 * Errors: one line, "line N: what is wrong"; no input can crash the parser.
 */
#ifndef PROF_FOLDED_H
#define PROF_FOLDED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/profile.h"
#include "util/err.h"

/*
 * Whether d[0..n) (uncompressed) looks like folded stacks: every non-empty
 * line starting in the first 4 KB ends in " <integer>" with something before
 * it, and holds no tab or other control byte. Needs at least one such line.
 */
bool prof_folded_sniff(const uint8_t *d, size_t n);

/* Decodes folded stacks; NULL with *err set ("line N: ...") on bad input. */
prof_profile *prof_decode_folded(const uint8_t *d, size_t n, prof_err *err);

#endif
