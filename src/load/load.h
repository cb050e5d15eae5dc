/*
 * load: bytes in, one prof_profile out.
 *
 * Owns: reading a file or stdin, gunzipping (detected by magic bytes, not the
 * name), and choosing the decoder by content. The returned profile belongs to
 * the caller (prof_profile_free). On failure returns NULL with *err set to a
 * message without the file name; the caller adds it.
 */
#ifndef PROF_LOAD_H
#define PROF_LOAD_H

#include <stddef.h>
#include <stdint.h>

#include "model/profile.h"
#include "util/err.h"

/* path "-" reads stdin. Under the default size limit (util/limits). */
prof_profile *prof_load_file(const char *path, prof_err *err);
/* Decodes bytes already in memory (gzip'd or not). Does not keep data. */
prof_profile *prof_load_bytes(const uint8_t *data, size_t len, prof_err *err);
/* The same under the user's limit: max_size bytes read or inflated (-max_size). */
prof_profile *prof_load_file_max(const char *path, uint64_t max_size, prof_err *err);
prof_profile *prof_load_bytes_max(const uint8_t *data, size_t len, uint64_t max_size, prof_err *err);

/* Protobuf decoder (pb.c), reading the uncompressed message from a pb_source. */
struct pb_source;
prof_profile *prof_decode_pb_stream(struct pb_source *src, prof_err *err);

#endif
