/* cores: see cores.h. */
#include "util/cores.h"

#include <limits.h>
#include <unistd.h>

bool prof_two_cores(size_t n, size_t min)
{
#ifdef PROF_THREADS_ON_SMALL
	min = 2;
#endif
	/* Asked each time: no state, and cheap beside any work worth a thread. */
	return n >= min && sysconf(_SC_NPROCESSORS_ONLN) > 1;
}

void prof_run_pair(void *(*fn)(void *), void *a, void *b, bool two)
{
	pthread_t th;
	bool threaded = two && b && pthread_create(&th, NULL, fn, b) == 0;
	fn(a);
	if (threaded)
		pthread_join(th, NULL);
	else if (b)
		fn(b);
}

static void *helper_main(void *arg)
{
	prof_helper *h = arg;
	for (unsigned seen = 0;;) {
		pthread_mutex_lock(&h->mu);
		while (h->asked == seen)
			pthread_cond_wait(&h->cv, &h->mu);
		seen = h->asked;
		pthread_mutex_unlock(&h->mu);
		if (seen == UINT_MAX)
			return NULL;
		h->round(h->ctx);
		pthread_mutex_lock(&h->mu);
		h->done = seen;
		pthread_cond_broadcast(&h->cv);
		pthread_mutex_unlock(&h->mu);
	}
}

bool prof_helper_start(prof_helper *h, void (*round)(void *ctx), void *ctx)
{
	*h = (prof_helper){.round = round, .ctx = ctx};
	pthread_mutex_init(&h->mu, NULL);
	pthread_cond_init(&h->cv, NULL);
	if (pthread_create(&h->th, NULL, helper_main, h) == 0)
		return true;
	pthread_mutex_destroy(&h->mu);
	pthread_cond_destroy(&h->cv);
	return false;
}

static void helper_set(prof_helper *h, unsigned asked)
{
	pthread_mutex_lock(&h->mu);
	h->asked = asked;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

void prof_helper_ask(prof_helper *h)
{
	/* Rounds count up to UINT_MAX - 1 and wrap past it to 1: UINT_MAX is the end, 0 the start. */
	helper_set(h, h->asked + 1 >= UINT_MAX ? 1 : h->asked + 1);
}

void prof_helper_wait(prof_helper *h)
{
	pthread_mutex_lock(&h->mu);
	while (h->done != h->asked)
		pthread_cond_wait(&h->cv, &h->mu);
	pthread_mutex_unlock(&h->mu);
}

void prof_helper_stop(prof_helper *h)
{
	helper_set(h, UINT_MAX);
	pthread_join(h->th, NULL);
	pthread_mutex_destroy(&h->mu);
	pthread_cond_destroy(&h->cv);
}
