/*
 * err: errors as values with context.
 *
 * A prof_err carries one message, already phrased for a person ("sample 41
 * refers to location 977, which is not defined"). Loaders fill it; the front
 * end decides where it goes (stderr now, the status line in the browser) and
 * prefixes the file name. A function that can fail returns false or NULL and
 * fills *err; the first error set wins so the root cause is reported.
 */
#ifndef PROF_ERR_H
#define PROF_ERR_H

#include <stdbool.h>

typedef struct prof_err {
	bool set;
	char msg[512];
	/*
	 * On success, what the person should still hear ("skipped 2 lines ...");
	 * "" when nothing. The front end prints it like an error, and goes on.
	 */
	char note[256];
} prof_err;

/* Sets the message unless one is set already; always returns false. */
bool prof_errf(prof_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Sets the note unless one is set already. */
void prof_notef(prof_err *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Exit statuses, one place for all of them. */
enum prof_exit {
	PROF_EXIT_OK = 0,
	PROF_EXIT_BAD_INPUT = 1,
	PROF_EXIT_USAGE = 2,
	PROF_EXIT_GREW = 3, /* prof diff -fail_if_grew */
};

#endif
