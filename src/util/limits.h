/*
 * limits: how much a profile may make prof read, inflate and allocate.
 *
 * Owns: the one process-wide size limit (-max_size, PROF_MAX_SIZE; default
 * 2 GiB), the spelling of sizes ("512mb", "2GiB", "1048576") and the words
 * every refusal ends with. Profiles come from strangers: a file may hold or
 * inflate to at most max_size bytes, and a protobuf's model may take at most
 * max_size/8 plus 64 bytes per byte of the file, so a small file cannot
 * expand into a huge model. The front end passes its limit to each load
 * (prof_load_file_max, fetch_opts.max_size): no state here.
 */
#ifndef PROF_LIMITS_H
#define PROF_LIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROF_MAX_SIZE_DEFAULT ((uint64_t)2 << 30)

/* What a refusal message ends with: names the limit and how to raise it. */
#define PROF_LIMIT_HINT "(the -max_size limit; raise it with -max_size= or PROF_MAX_SIZE)"

/* The most bytes a model decoded from insize bytes of file may take under max_size. */
uint64_t prof_model_budget(uint64_t max_size, uint64_t insize);

/* "512mb", "2GiB", "1k", "1048576" (units are 1024-based, case-insensitive) -> bytes; false if not a size > 0. */
bool prof_parse_size(const char *s, uint64_t *out);
/* "2 GiB", "1.5 MiB": a size for a message. */
void prof_size_str(char *buf, size_t n, uint64_t bytes);

#endif
