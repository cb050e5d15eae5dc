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
 * Read as leniently as flamegraph.pl and inferno read it: blank lines and
 * comment lines ('#' first) are skipped; blanks (spaces, tabs) around a line,
 * a trailing '\r' (CRLF files) and the blanks before the count go; empty
 * frames (a;;b, a trailing ';') are skipped; a count's fraction is dropped;
 * UTF-16 (LE or BE, with a byte order mark) is read as UTF-8 and a UTF-8 BOM
 * is dropped. Any other line that is not "stack count" is skipped, and the
 * decoder leaves one note in err->note ("skipped 2 lines that are not ...").
 *
 * Shape of the result: one sample type samples/count (period 1), one function
 * per distinct frame name (no file), one location per function (address 0,
 * one line, line number 0), one sample per stack line, its stack interned.
 * Lines with the same stack stay separate samples; reports add them up.
 *
 * Errors: one line, when no line is a stack or the counts add up to more
 * than 2^63; no input can crash the parser.
 */
#ifndef PROF_FOLDED_H
#define PROF_FOLDED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/profile.h"
#include "util/err.h"

/*
 * Whether d[0..n) (uncompressed) looks like folded stacks: among the lines
 * starting in the first 4 KB (after any UTF-16 conversion), at least one is
 * a stack and no more are neither stack, comment nor blank; and no byte is a
 * control byte other than tab, LF and CR before LF (binary data).
 */
bool prof_folded_sniff(const uint8_t *d, size_t n);

/* Decodes folded stacks; NULL with *err set on bad input, else maybe err->note. */
prof_profile *prof_decode_folded(const uint8_t *d, size_t n, prof_err *err);

#endif
