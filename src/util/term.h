/*
 * term: text from a profile made safe for a terminal.
 *
 * Reports write names exactly as the profile has them (pprof's output, byte
 * for byte, in files and pipes). A name is hostile input, though: an escape
 * sequence in a function name must not drive the user's terminal. When the
 * output is a terminal, the front ends pass report text through here.
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

/*
 * Writes buf[0..n) to out with every control character but newline and tab
 * (C0, DEL, C1) and every byte of invalid UTF-8 shown as \xHH, so nothing a
 * profile holds reaches the terminal as a command. False on a write error.
 */
bool term_write_safe(FILE *out, const char *buf, size_t n);

#endif
