/*
 * cores: whether a piece of work pays for a second thread. Owns the rule
 * every two-thread path asks (the walks of big trees and graphs, the
 * printers, the dump reader), so a test build can take all of them on
 * small inputs; and the helper thread that takes a share of a job in
 * rounds (the printers').
 */
#ifndef PROF_UTIL_CORES_H
#define PROF_UTIL_CORES_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Work of size n (frames, samples, bytes: the caller's measure) on two
 * threads: when n >= min and the machine has a second core. A build with
 * -Dthreads_on_small=true takes two threads from n >= 2, whatever min, so
 * the suites run the threaded paths on every fixture.
 */
bool prof_two_cores(size_t n, size_t min);

/*
 * Two halves of one piece of work: fn(a) here and, when two, fn(b) on a
 * thread, joined before it returns; fn(b) after fn(a) when not two or no
 * thread starts (so the halves must give what one walk gives in turn). b
 * may be NULL: fn(a) alone.
 */
void prof_run_pair(void *(*fn)(void *), void *a, void *b, bool two);

/*
 * A second thread that runs one job in rounds: the caller sets the job's
 * input in ctx, asks for a round, does its own share meanwhile, then waits
 * for the round and takes its output (a printer: the helper formats every
 * other chunk, the caller writes both in order).
 */
typedef struct prof_helper {
	void (*round)(void *ctx);
	void *ctx;
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	unsigned asked, done; /* rounds; the thread ends when asked is UINT_MAX */
} prof_helper;

/* Starts h's thread; false, with nothing to stop, when none starts. */
bool prof_helper_start(prof_helper *h, void (*round)(void *ctx), void *ctx);
/* Runs round(ctx) once on the thread; ctx is the thread's until prof_helper_wait. */
void prof_helper_ask(prof_helper *h);
void prof_helper_wait(prof_helper *h);
/* Ends the thread, after the last round's wait. */
void prof_helper_stop(prof_helper *h);

#endif
