/*
 * inflate: gzip data (one or more members, as Go's reader accepts)
 * inflated in pieces, with ISA-L's isal_inflate when the build has it
 * (about 2.5x zlib's speed) and zlib otherwise.
 *
 * Owns: the inflater state and the choice of inflater. zlib stays the
 * reference: when ISA-L reports damage (or a member's length check that
 * ISA-L does not make fails), the stream is inflated again by zlib from the
 * start, up to where it was, so that bad data gets zlib's verdict and words
 * whichever inflater the build has. Borrows the input bytes, which must
 * outlive the stream.
 */
#ifndef PROF_INFLATE_H
#define PROF_INFLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	GZ_OK,        /* produced some bytes (or the output was full) */
	GZ_END,       /* every member inflated; trailing non-gzip bytes ignored */
	GZ_TRUNCATED, /* the data ends inside a member */
	GZ_CORRUPT,   /* bad data: gz_stream.msg, at compressed byte gz_stream.inpos */
	GZ_NOMEM,     /* the inflater could not be set up */
} gz_status;

typedef struct gz_stream gz_stream;

/* data starts with the gzip magic bytes. */
gz_stream *gz_open(const uint8_t *data, size_t len);
/* Inflates up to n bytes into buf; *got is the count produced. */
gz_status gz_read(gz_stream *z, uint8_t *buf, size_t n, size_t *got);
/* zlib's message for GZ_CORRUPT. */
const char *gz_msg(const gz_stream *z);
/* Compressed bytes consumed so far. */
size_t gz_inpos(const gz_stream *z);
/* Whether this build inflates with ISA-L. */
bool gz_fast(void);
void gz_close(gz_stream *z);

#endif
