/* limits: see limits.h. */
#include "util/limits.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/*
 * A real profile's model takes a few times its uncompressed size, and gzip
 * rarely shrinks a profile more than 20x; 64 bytes per file byte leaves room
 * for both, and max_size/8 lets small, very repetitive files through.
 */
uint64_t prof_model_budget(uint64_t max_size, uint64_t insize)
{
	uint64_t floor = max_size / 8;
	if (insize > (UINT64_MAX - floor) / 64)
		return UINT64_MAX;
	return floor + 64 * insize;
}

bool prof_parse_size(const char *s, uint64_t *out)
{
	static const struct {
		const char *name;
		unsigned shift;
	} units[] = {
		{"", 0}, {"b", 0}, {"k", 10}, {"kb", 10}, {"kib", 10}, {"m", 20}, {"mb", 20}, {"mib", 20},
		{"g", 30}, {"gb", 30}, {"gib", 30}, {"t", 40}, {"tb", 40}, {"tib", 40},
	};
	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno)
		return false;
	while (*end == ' ')
		end++;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcasecmp(end, units[i].name) != 0)
			continue;
		if (v == 0 || v > (UINT64_MAX >> units[i].shift))
			return false;
		*out = (uint64_t)v << units[i].shift;
		return true;
	}
	return false;
}

void prof_size_str(char *buf, size_t n, uint64_t bytes)
{
	static const char *const names[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
	unsigned u = 0;
	while (u + 1 < sizeof names / sizeof names[0] && bytes >> (10 * (u + 1)))
		u++;
	if (u == 0 || bytes % ((uint64_t)1 << (10 * u)) == 0)
		snprintf(buf, n, "%llu %s", (unsigned long long)(bytes >> (10 * u)), names[u]);
	else
		snprintf(buf, n, "%.1f %s", (double)bytes / (double)((uint64_t)1 << (10 * u)), names[u]);
}
