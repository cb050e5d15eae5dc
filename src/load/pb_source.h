/*
 * pb_source: the uncompressed bytes of a profile, delivered in pieces.
 *
 * Owns: inflating gzip data incrementally (so a profile is never held
 * inflated in full), or handing out bytes already in memory; refusing gzip
 * data that inflates past the -max_size limit, as it inflates. Borrows the
 * input bytes, which must outlive the source.
 */
#ifndef PROF_PB_SOURCE_H
#define PROF_PB_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <pthread.h>
#include <stdint.h>

#include "util/err.h"
#include "util/inflate.h"

/*
 * With two cores, gzip data is inflated on a helper thread into a ring of
 * chunks while the caller decodes: decoding then costs little more than
 * gunzip alone. The ring is the only shared state, under one mutex.
 */
enum { PB_RING = 8, PB_CHUNK = 256 << 10 };

typedef struct pb_ring {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint8_t *chunk[PB_RING];
	size_t len[PB_RING];
	size_t head, tail;  /* chunks produced / consumed (mod PB_RING) */
	size_t readpos;     /* bytes consumed of chunk tail */
	bool done, cancel;  /* producer finished; consumer gave up */
	prof_err err;       /* the producer's error, if any */
} pb_ring;

typedef struct pb_source {
	const uint8_t *in;
	size_t inlen, inpos;
	bool gz, ended, failed;
	gz_stream *zs;    /* the inflater, opened on first use */
	uint8_t head[64]; /* the first bytes produced, to tell text from damage */
	size_t nhead;
	size_t total;     /* bytes produced so far */
	uint64_t limit;   /* the most bytes gzip data may inflate to (-max_size; set after init) */
	uint64_t inflated; /* bytes inflated so far (on the helper thread, if any) */
	bool over_limit;  /* inflating stopped at limit (set by the inflating thread) */
	pb_ring *ring;    /* set when inflating on a helper thread */
	/*
	 * The input is a private read-only file mapping (set by the caller after
	 * init): the pages read are handed back to the kernel on the way, so a
	 * big file's pages do not add to the peak memory. A re-read (zlib's
	 * second look at damage) maps them in again from the file.
	 */
	bool drop_input;
	size_t dropped;   /* input bytes handed back so far */
	/* The progress line (pb_source_progress): all on the reading thread. */
	const char *name;
	double t0, shown_at;
	bool shown;
	uint64_t expect;  /* the uncompressed size, when the gzip trailer tells it; else 0 */
	size_t next_check;
} pb_source;

void pb_source_init_mem(pb_source *s, const uint8_t *data, size_t len);
/* data starts with the gzip magic bytes; threaded inflates on a helper thread. */
void pb_source_init_gzip(pb_source *s, const uint8_t *data, size_t len, bool threaded);
/* Starts inflating on the helper thread (after the fields the caller sets: drop_input, progress). */
void pb_source_thread(pb_source *s);
/* Fills up to n bytes; returns the count, 0 at the end, SIZE_MAX with *err set on bad input. */
size_t pb_source_read(pb_source *s, uint8_t *buf, size_t n, prof_err *err);
/* Whether the last error came from the source (gzip) rather than the decoder. */
static inline bool pb_source_failed(const pb_source *s)
{
	return s->failed;
}
/*
 * A load that takes more than half a second shows a progress line on
 * stderr when stderr is a terminal (bytes read of the total), cleared by
 * pb_source_close; nothing otherwise.
 */
void pb_source_progress(pb_source *s, const char *name);
void pb_source_close(pb_source *s);

#endif
