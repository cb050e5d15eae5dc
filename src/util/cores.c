/* cores: see cores.h. */
#include "util/cores.h"

#include <unistd.h>

bool prof_two_cores(size_t n, size_t min)
{
#ifdef PROF_THREADS_ON_SMALL
	min = 2;
#endif
	/* Asked each time: no state, and cheap beside any work worth a thread. */
	return n >= min && sysconf(_SC_NPROCESSORS_ONLN) > 1;
}
