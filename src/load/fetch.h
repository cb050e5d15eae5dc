/*
 * fetch: profiles captured from a running service over HTTP(S).
 *
 * Owns pprof's rules for turning a source into a URL (an existing file is a
 * file; "host:port" alone is the CPU profile; -seconds adds ?seconds=N; the
 * default timeout), the transfer (libcurl: TLS verified, redirects bounded,
 * proxies from the environment, the body capped), and saving every capture
 * whole under $PPROF_TMPDIR (default ~/pprof) with pprof's names, before
 * anything reads it. Credentials in a URL (user:pass@) are taken out of it
 * when the command line is parsed, so no message or file name shows them.
 *
 * No terminal code: the "Fetching ..." and "Saved profile in ..." lines go to
 * the FILE * in fetch_opts (NULL: none). Errors are prof_err messages
 * without the source's name; the caller adds it.
 */
#ifndef PROF_FETCH_H
#define PROF_FETCH_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/profile.h"
#include "util/err.h"

typedef struct fetch_cred {
	char *shown;    /* the source as given, without its user:pass@ */
	char *userinfo; /* "user:pass", still percent-encoded */
} fetch_cred;

typedef struct fetch_opts {
	int seconds; /* -seconds: > 0 sets ?seconds=N; otherwise the URL's own */
	int timeout; /* -timeout in seconds; <= 0: pprof's rule (60, or 1.5 x seconds) */
	const char *tls_ca, *tls_cert, *tls_key;
	FILE *log; /* where "Fetching ..." and "Saved profile in ..." go; NULL: nowhere */
	/* Set (by a signal handler, say) to abandon a transfer in progress. */
	volatile sig_atomic_t *cancel;
	uint64_t max_size; /* the most bytes a file or response may hold or inflate to; 0: the default */
	fetch_cred *creds; /* owned */
	size_t ncreds;
} fetch_opts;

void fetch_opts_init(fetch_opts *o);
void fetch_opts_free(fetch_opts *o);

/*
 * A source that names a URL with user:pass@ comes back without them (a
 * string owned by o), and o keeps them for the transfer; any other source
 * comes back as it is.
 */
const char *fetch_take_credentials(fetch_opts *o, const char *src);

/* pprof's test: not "-" nor an existing file, and read as a URL it has a host. */
bool fetch_is_url(const char *src);

/*
 * The URL pprof would fetch for src (malloc'd; NULL when src is no URL),
 * and in *timeout_ms the whole transfer's time limit: as pprof's client,
 * -timeout (default 60 s, or 1.5 x seconds) plus 5 s.
 */
char *fetch_url(const char *src, const fetch_opts *o, int64_t *timeout_ms);

/*
 * Captures src: fetches it, checks that the body is a profile, saves the
 * bytes as they came under the capture folder, and returns the decoded
 * profile (the caller's). The saved path goes to saved[0..n) when saved is
 * not NULL. NULL with *err set, and no file left, on any failure.
 */
prof_profile *fetch_capture(const char *src, const fetch_opts *o, char *saved, size_t n, prof_err *err);

/* What every command reads a profile with: a URL is captured, anything else is a file ("-": stdin). */
prof_profile *prof_load_source(const char *src, const fetch_opts *o, prof_err *err);

/*
 * The largest response body accepted, in bytes: o's max_size (-max_size,
 * else PROF_MAX_SIZE), else util/limits' 2 GiB; the same cap as a file's.
 */
uint64_t fetch_max_size(const fetch_opts *o);

#endif
