/*
 * One harness for every loader; FUZZ_LOADER picks the decoder, so each
 * target's coverage (and corpus, and dictionary) stays on its format:
 *   1 prof_load_bytes (protobuf, gzip, and the sniffing of every format)
 *   2 the runtime's text profiles (debug=1 count, heap, contention; debug=2
 *     dumps; crash logs: one decoder, a target per format's corpus)
 *   3 the legacy formats
 *   4 folded stacks
 */
#include "fuzz.h"

#include "load/folded.h"
#include "load/legacy.h"
#include "load/text.h"

#ifndef FUZZ_LOADER
#error "FUZZ_LOADER must be set"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	prof_err err = {0};
	prof_profile *p = NULL;
	int demangle = 1;
	switch (FUZZ_LOADER) {
	case 1:
		p = prof_load_bytes_max(data, size, FUZZ_MAX_SIZE, &err);
		if (p) {
			fuzz_reports(p, 0); /* prof_load_bytes has demangled and pruned */
			p = NULL;
		}
		break;
	case 2:
		if (size)
			p = prof_decode_text(data, size, &err);
		break;
	case 3:
		if (size)
			p = prof_decode_legacy(data, size, &err);
		break;
	case 4:
		if (size)
			p = prof_decode_folded(data, size, &err);
		demangle = 0;
		break;
	}
	if (p)
		fuzz_reports(p, demangle);
	return 0;
}
