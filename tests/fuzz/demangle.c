/* xform/demangle: a symbol name as a profile would give it (NUL-terminated). */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *name = malloc(size + 1);
	memcpy(name, data, size);
	name[size] = '\0';
	free(prof_demangle_name(name));
	free(name);
	return 0;
}
