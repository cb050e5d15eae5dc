/*
 * The command line: the input is argv, NUL-separated (so a flag value may
 * hold spaces or '='); cli_parse checks filters, which compiles regexes and
 * parses -tagfocus ranges.
 */
#include <stdlib.h>
#include <string.h>

#include "cli/options.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum { MAXARG = 64 };
	char *copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	char *argv[MAXARG + 2];
	int argc = 0;
	argv[argc++] = "prof";
	for (char *a = copy; argc < MAXARG + 1 && a <= copy + size; a += strlen(a) + 1)
		argv[argc++] = a;
	argv[argc] = NULL;
	cli c;
	prof_err err = {0};
	cli_parse(&c, argc, argv, &err);
	cli_free(&c);
	free(copy);
	return 0;
}
