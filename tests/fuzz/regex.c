/*
 * util/re: the input is a pattern and, after a NUL, a subject; the first
 * byte's low bit asks for an anchored pattern (as -show_from and
 * drop_frames compile them). Patterns come from profiles (drop_frames) as
 * well as from the user.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "util/re.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	bool anchored = data[0] & 1;
	char *copy = malloc(size);
	memcpy(copy, data + 1, size - 1);
	copy[size - 1] = '\0';
	const char *pattern = copy;
	size_t pl = strlen(pattern);
	const char *subject = pl + 1 < size - 1 ? copy + pl + 1 : "";
	prof_re re;
	prof_err err = {0};
	if (prof_re_compile(&re, pattern, anchored, &err)) {
		prof_re_match(&re, subject);
		prof_re_free(&re);
	}
	free(copy);
	return 0;
}
