/*
 * term: text from a profile made safe to show.
 *
 * Owns prof's one name policy. A name is hostile input: an escape sequence
 * in a function name must not drive the user's terminal, in a pipe to less
 * or head any more than on a tty, and a NUL must not cut a name short. So
 * every string the model hands to a report is shown with C0 controls other
 * than tab and newline, DEL, C1 controls, invalid UTF-8 (each byte) and NUL
 * as \xHH, and the bidi controls U+202A-U+202E and U+2066-U+2069 as \uHHHH.
 * pprof prints such bytes raw; this is where prof differs, on purpose.
 * No terminal access: this only rewrites bytes.
 */
#ifndef PROF_TERM_H
#define PROF_TERM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/*
 * Length of the valid UTF-8 sequence at s (n > 0 bytes left), its code point
 * in *cp; 0 for invalid UTF-8 (overlong forms and surrogates included).
 */
size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Code points in the NUL-terminated s (a byte of invalid UTF-8 counts as one), taken as columns. */
size_t utf8_columns(const char *s);

/*
 * Length of s[0..n) shown under the name policy; n exactly when nothing in
 * it needs escaping (the common case, one pass over the bytes).
 */
size_t text_escaped_len(const char *s, size_t n);
/* Writes s[0..n) shown under the name policy, and a NUL, into out (room for text_escaped_len + 1). */
void text_escape(const char *s, size_t n, char *out);

/*
 * Writes buf[0..n) to out with every control character but newline and tab
 * (C0, DEL, C1), every byte of invalid UTF-8 and the bidi controls shown
 * as above, so nothing reaches the terminal as a command: the last guard for
 * text that is not a profile's name (a source file in list). False on a write error.
 */
bool term_write_safe(FILE *out, const char *buf, size_t n);

#endif
