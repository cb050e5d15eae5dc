/*
 * cores: whether a piece of work pays for a second thread. Owns the rule
 * every two-thread path asks (the walks of big trees and graphs, the
 * printers, the dump reader), so a test build can take all of them on
 * small inputs.
 */
#ifndef PROF_UTIL_CORES_H
#define PROF_UTIL_CORES_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Work of size n (frames, samples, bytes: the caller's measure) on two
 * threads: when n >= min and the machine has a second core. A build with
 * -Dthreads_on_small=true takes two threads from n >= 2, whatever min, so
 * the suites run the threaded paths on every fixture.
 */
bool prof_two_cores(size_t n, size_t min);

#endif
