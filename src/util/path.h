/*
 * path: Go's lexical path rules (path/filepath Clean and Base on Unix), for
 * the file and binary names pprof prints. No file system access.
 */
#ifndef PROF_PATH_H
#define PROF_PATH_H

#include <stdbool.h>
#include <stddef.h>

/* Go's filepath.Clean of s[0..n) into out (room for n + 2 bytes); returns its length. */
size_t path_clean(const char *s, size_t n, char *out);
/* Go's filepath.Base of s, written into buf (or a constant); returns it. */
const char *path_base(const char *s, char *buf, size_t n);
/* Go's url.Parse(s).IsAbs(): does s start with a scheme ("https:")? pprof's unsourceMappings asks. */
bool path_is_url(const char *s);

#endif
