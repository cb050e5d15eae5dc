/*
 * legacy_cpu: see legacy.h. gperftools' binary CPU profile ("profilez"):
 * machine words in the byte order of the machine that wrote them,
 *
 *   header   0, 3, 0 (C++) or 1 (Java), sampling period in microseconds, 0
 *   samples  count, depth, depth addresses (leaf first)   repeated
 *   end      0, 1, 0
 *
 * then text: a memory map for C++, the frame names for Java. The word size
 * and byte order are found as pprof finds them: the first of 32-bit little
 * endian, 32-bit big endian, 64-bit little, 64-bit big whose header reads
 * right.
 *
 * For C++, pprof then undoes two artifacts of the signal handler: a second
 * frame shared by (nearly) all samples is the handler's own and goes, twice
 * at most; and a leaf repeated, once as the signal PC and once as a return
 * address minus 1, is kept once.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/legacy.h"
#include "util/arena.h"

typedef struct words {
	const uint8_t *d;
	size_t n, pos;
	int size; /* 4 or 8 */
	bool big;
} words;

/* The next word; false at the end (fewer than size bytes left). */
static bool word(words *w, uint64_t *out)
{
	if (w->n - w->pos < (size_t)w->size)
		return false;
	const uint8_t *b = w->d + w->pos;
	uint64_t v = 0;
	for (int i = 0; i < w->size; i++)
		v |= (uint64_t)b[w->big ? w->size - 1 - i : i] << (8 * i);
	w->pos += (size_t)w->size;
	*out = v;
	return true;
}

bool lg_cpu_header(const uint8_t *d, size_t n, int *size, bool *big, bool *java)
{
	static const struct {
		int size;
		bool big;
	} kinds[] = {{4, false}, {4, true}, {8, false}, {8, true}};
	for (size_t k = 0; k < 4; k++) {
		words w = {d, n, 0, kinds[k].size, kinds[k].big};
		uint64_t h[5];
		bool all = true;
		for (int i = 0; i < 5 && all; i++)
			all = word(&w, &h[i]);
		if (all && h[0] == 0 && h[1] == 3 && h[2] <= 1 && h[3] > 0 && h[4] == 0) {
			*size = kinds[k].size;
			*big = kinds[k].big;
			*java = h[2] == 1;
			return true;
		}
	}
	return false;
}

/*
 * pprof's test for the signal handler's frame: a second frame that all
 * samples but one in 32 share. At most one address can pass it.
 */
static void strip_handler_frames(lg_builder *b)
{
	uint64_t *counts = xcalloc(b->nloc + 1, sizeof *counts);
	for (int iter = 0; iter < 2; iter++) {
		memset(counts, 0, (b->nloc + 1) * sizeof *counts);
		for (size_t i = 0; i < b->nsample; i++)
			if (b->samples[i].n > 1)
				counts[b->stk[b->samples[i].off + 1]]++;
		uint64_t need = b->nsample - b->nsample / 32;
		size_t hit = SIZE_MAX;
		for (size_t l = 0; l < b->nloc && hit == SIZE_MAX; l++)
			if (counts[l] > 0 && counts[l] >= need)
				hit = l;
		if (hit == SIZE_MAX)
			continue;
		for (size_t i = 0; i < b->nsample; i++) {
			lg_sample *s = &b->samples[i];
			uint32_t *st = b->stk + s->off;
			if (s->n > 1 && st[1] == hit) {
				memmove(st + 1, st + 2, (s->n - 2) * sizeof *st);
				s->n--;
			}
		}
	}
	free(counts);
}

prof_profile *lg_decode_cpu(const uint8_t *d, size_t n, prof_err *err)
{
	words w = {d, n, 0, 0, false};
	bool java;
	if (!lg_cpu_header(d, n, &w.size, &w.big, &java)) {
		prof_errf(err, "not a binary CPU profile");
		return NULL;
	}
	uint64_t h[5];
	for (int i = 0; i < 5; i++)
		word(&w, &h[i]);
	if (h[3] > (uint64_t)INT64_MAX / 1000) {
		prof_errf(err, "byte %d: sampling period of %" PRIu64 " microseconds is out of range", 3 * w.size, h[3]);
		return NULL;
	}
	prof_profile *p = prof_profile_new();
	lg_builder b;
	lg_init(&b, p, err, 2);
	static const char *const types[] = {"samples", "count", "cpu", "nanoseconds"};
	lg_types(&b, types, 2, "cpu", "nanoseconds");
	p->period = (int64_t)h[3] * 1000;
	bool ok = true;
	char where[40];
	while (ok && w.pos < w.n) {
		size_t at = w.pos;
		uint64_t count, depth;
		if (!word(&w, &count) || !word(&w, &depth)) {
			ok = prof_errf(err, "byte %zu: the data ends inside a sample", at);
			break;
		}
		if (depth > (w.n - w.pos) / (size_t)w.size) {
			ok = prof_errf(err, "byte %zu: a sample of %" PRIu64 " addresses runs past the end of the data", at,
			               depth);
			break;
		}
		size_t first = w.pos;
		uint64_t a0 = 0;
		if (depth == 1)
			word(&w, &a0);
		if (count == 0 && depth == 1 && a0 == 0)
			break; /* the end marker; text follows */
		w.pos = first;
		for (uint64_t i = 0; i < depth; i++) {
			uint64_t a = 0; /* word() sets it (depth words were checked to be there) */
			word(&w, &a);
			/* Return addresses land on the call after -1; the leaf is where the signal hit. */
			lg_push(&b, lg_location(&b, !java && i > 0 ? a - 1 : a));
		}
		if (count > (uint64_t)INT64_MAX || (p->period > 0 && count > (uint64_t)(INT64_MAX / p->period))) {
			ok = prof_errf(err, "byte %zu: a sample count of %" PRIu64 " is out of range", at, count);
			break;
		}
		int64_t v[2] = {(int64_t)count, (int64_t)count * p->period};
		snprintf(where, sizeof where, "byte %zu", at);
		ok = lg_sample_end(&b, v, 0, where);
	}
	const char *rest = (const char *)d + w.pos;
	size_t restn = w.n - w.pos;
	if (ok && java) {
		ok = lg_java_locations(&b, rest, restn, 0, "frame line");
		if (ok) {
			lg_remap(&b);
			lg_drop_addresses(&b);
		}
	} else if (ok) {
		strip_handler_frames(&b);
		lg_scan sc = {rest, restn, 0, 0, false, "memory map line"};
		ok = lg_memory_map(&b, &sc);
		if (ok)
			lg_drop_duplicate_leaf(&b);
	}
	if (ok) {
		lg_emit(&b);
		lg_frame_info(p);
	}
	lg_free(&b);
	if (!ok) {
		prof_profile_free(p);
		return NULL;
	}
	return p;
}
