/*
 * prefault: the pages of big growing arrays made ready on another core,
 * a little ahead of the thread that fills them.
 *
 * Why: a new page is zeroed by the kernel on its first write. Decoding a
 * big profile fills a few hundred megabytes of arrays once, front to back,
 * and in a VM that zeroing took a fifth of the load on the decoding thread,
 * while the second core (inflating) was mostly idle. A helper thread asks
 * the kernel (MADV_POPULATE_WRITE) for the pages just past what is filled;
 * the contents never change, so the filler writes as before, only without
 * the faults. A hint: where the kernel or the build cannot, nothing happens.
 *
 * Owns: the helper thread and its queue of ranges. Borrows the arrays: the
 * caller calls prefault_drop before it moves or frees an array it asked
 * about (realloc, free), so no range of it is worked on while it moves;
 * the others go on being made ready.
 */
#ifndef PROF_PREFAULT_H
#define PROF_PREFAULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct prefault prefault;

/* A helper thread, or NULL when none can start (every call below takes NULL). */
prefault *prefault_new(void);
/*
 * Asks for the pages of base[0..cap) from *mark (bytes, the end of what
 * was asked before, kept by the caller per array) to used + the distance
 * ahead: only when used has come near *mark. Never waits.
 */
void prefault_ahead(prefault *pf, void *base, size_t used, size_t cap, size_t *mark);
/*
 * Asks for every page of base[0..len): an array about to be written all
 * over. Never waits. Returns a ticket for prefault_done.
 */
uint64_t prefault_all(prefault *pf, void *base, size_t len);
/* Whether what prefault_all asked for with ticket is done (true without a helper, or when the kernel cannot). */
bool prefault_done(prefault *pf, uint64_t ticket);
/*
 * Gives back the pages of base[used..mark) that prefault_ahead made ready
 * and the array did not come to use (after prefault_free: none is worked on).
 */
void prefault_release(void *base, size_t used, size_t mark);
/*
 * Forgets the ranges asked for inside base[0..len) that wait their turn,
 * and waits while one of them is being worked on: the array may move now.
 * (Waiting for every range here kept the decoder idle while the helper
 * zeroed other arrays: 60-100 ms of a 0.4 s load of 1M samples.)
 */
void prefault_drop(prefault *pf, const void *base, size_t len);
/* Stops the thread (what waits its turn is dropped). */
void prefault_free(prefault *pf);

#endif
