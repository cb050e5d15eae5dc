/*
 * fuzz: what every libFuzzer target under tests/fuzz/ shares.
 *
 * Owns: the limits a target runs under (a small -max_size, so that a bomb
 * the fuzzer writes is refused quickly instead of hitting libFuzzer's RSS
 * limit) and the reports run on each profile a loader accepts, so the
 * fuzzer reaches the code that trusts a loaded model too.
 */
#ifndef PROF_FUZZ_H
#define PROF_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "load/load.h"
#include "model/profile.h"
#include "report/report.h"
#include "util/limits.h"
#include "xform/demangle.h"
#include "xform/prune.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The loads' -max_size, 64 MiB: far above any input libFuzzer makes (-max_len), far below its 2 GiB RSS limit. */
#define FUZZ_MAX_SIZE ((uint64_t)64 << 20)

/* What prof_load_bytes does after decoding, then a few reports into /dev/null; frees p. */
static inline void fuzz_reports(prof_profile *p, int demangle)
{
	static FILE *sink;
	if (!sink)
		sink = fopen("/dev/null", "w");
	if (demangle)
		prof_demangle(p);
	prof_remove_uninteresting(p);
	static const char *const names[] = {"top", "traces", "tags", "raw"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		prof_profile *c = prof_profile_copy(p);
		report_opts o;
		report_opts_init(&o);
		prof_err err = {0};
		report_run(sink, c, names[i], NULL, &o, sink, &err);
		prof_profile_free(c);
	}
	prof_profile_free(p);
}

#endif
