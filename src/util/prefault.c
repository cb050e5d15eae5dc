/* prefault: see prefault.h. */
#include "util/prefault.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util/arena.h"

/*
 * How far ahead of the filled part pages are made ready: a huge page or
 * two, what the decoder fills in some milliseconds, asked for half a
 * megabyte or more at a time. Further ahead saved no more time (perf, -top
 * of 1M locations) and raised the peak memory by what the arrays hold
 * ready at the end of the stream (6 MB ahead: +9 MB on 1M samples; 3 MB:
 * +5 MB). What an array does not come to use is given back after the
 * stream (prefault_release).
 */
enum { AHEAD = 3u << 20, STEP = 1u << 19, QUEUE = 32, PAGE = 4096 };

typedef struct range {
	uintptr_t from, to;
	uint64_t seq; /* its number among the ranges ever queued, from 1 */
} range;

struct prefault {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t work, idle;
	range queue[QUEUE]; /* a ring: the oldest at head */
	size_t head, n;
	bool busy;  /* the thread works on cur, taken off the queue */
	range cur;
	uint64_t queued; /* ranges ever queued */
	bool quit;
	bool failed; /* the kernel cannot: asking again is pointless */
};

#ifdef MADV_POPULATE_WRITE
static void *prefault_main(void *arg)
{
	prefault *pf = arg;
	pthread_mutex_lock(&pf->mu);
	for (;;) {
		while (!pf->n && !pf->quit)
			pthread_cond_wait(&pf->work, &pf->mu);
		if (pf->quit)
			break;
		range r = pf->queue[pf->head];
		pf->head = (pf->head + 1) % QUEUE;
		pf->n--;
		pf->busy = true;
		pf->cur = r;
		pthread_mutex_unlock(&pf->mu);
		bool ok = madvise((void *)r.from, r.to - r.from, MADV_POPULATE_WRITE) == 0;
		pthread_mutex_lock(&pf->mu);
		pf->busy = false;
		pf->failed = pf->failed || !ok;
		pthread_cond_broadcast(&pf->idle); /* prefault_drop may wait for this range */
	}
	pthread_mutex_unlock(&pf->mu);
	return NULL;
}
#endif

prefault *prefault_new(void)
{
#ifdef MADV_POPULATE_WRITE
	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		return NULL; /* the filler would wait for the helper on its own core */
	prefault *pf = xcalloc(1, sizeof *pf);
	pthread_mutex_init(&pf->mu, NULL);
	pthread_cond_init(&pf->work, NULL);
	pthread_cond_init(&pf->idle, NULL);
	if (pthread_create(&pf->thread, NULL, prefault_main, pf) != 0) {
		pthread_cond_destroy(&pf->work);
		pthread_cond_destroy(&pf->idle);
		pthread_mutex_destroy(&pf->mu);
		free(pf);
		return NULL;
	}
	return pf;
#else
	return NULL;
#endif
}

/* Queues the whole pages inside base[from..to) (its first and last pages may be shared with the heap). */
static void enqueue(prefault *pf, void *base, size_t from, size_t to)
{
	uintptr_t a = ((uintptr_t)base + from + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
	uintptr_t b = ((uintptr_t)base + to) & ~(uintptr_t)(PAGE - 1);
	if (a >= b)
		return;
	pthread_mutex_lock(&pf->mu);
	if (!pf->failed && pf->n < QUEUE) {
		pf->queue[(pf->head + pf->n) % QUEUE] = (range){a, b, ++pf->queued};
		pf->n++;
		pthread_cond_signal(&pf->work);
	}
	pthread_mutex_unlock(&pf->mu);
}

void prefault_ahead(prefault *pf, void *base, size_t used, size_t cap, size_t *mark)
{
	if (!pf || !base || *mark >= used + AHEAD - STEP || *mark >= cap)
		return;
	size_t from = *mark > used ? *mark : used, to = used + AHEAD < cap ? used + AHEAD : cap;
	*mark = to;
	enqueue(pf, base, from, to);
}

uint64_t prefault_all(prefault *pf, void *base, size_t len)
{
	if (!pf || !base)
		return 0;
	/* In pieces, a few of the queue's places: prefault_free waits for the one being worked on only. */
	size_t piece = len / (QUEUE / 4) > (2u << 20) ? len / (QUEUE / 4) : 2u << 20;
	for (size_t at = 0; at < len; at += piece)
		enqueue(pf, base, at, len - at < piece ? len : at + piece);
	pthread_mutex_lock(&pf->mu);
	uint64_t ticket = pf->queued;
	pthread_mutex_unlock(&pf->mu);
	return ticket;
}

bool prefault_done(prefault *pf, uint64_t ticket)
{
	if (!pf)
		return true;
	pthread_mutex_lock(&pf->mu);
	bool done = !(pf->busy && pf->cur.seq <= ticket);
	for (size_t i = 0; done && i < pf->n; i++)
		done = pf->queue[(pf->head + i) % QUEUE].seq > ticket;
	pthread_mutex_unlock(&pf->mu);
	return done;
}

static bool overlaps(range r, uintptr_t a, uintptr_t b)
{
	return r.from < b && a < r.to;
}

void prefault_drop(prefault *pf, const void *base, size_t len)
{
	if (!pf || !base)
		return;
	uintptr_t a = (uintptr_t)base, b = a + len;
	pthread_mutex_lock(&pf->mu);
	size_t kept = 0;
	for (size_t i = 0; i < pf->n; i++) {
		range r = pf->queue[(pf->head + i) % QUEUE];
		if (!overlaps(r, a, b))
			pf->queue[(pf->head + kept++) % QUEUE] = r;
	}
	pf->n = kept;
	while (pf->busy && overlaps(pf->cur, a, b))
		pthread_cond_wait(&pf->idle, &pf->mu);
	pthread_mutex_unlock(&pf->mu);
}

void prefault_release(void *base, size_t used, size_t mark)
{
	uintptr_t a = ((uintptr_t)base + used + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
	uintptr_t b = ((uintptr_t)base + mark) & ~(uintptr_t)(PAGE - 1);
	if (base && a < b)
		madvise((void *)a, b - a, MADV_DONTNEED);
}

void prefault_free(prefault *pf)
{
	if (!pf)
		return;
	pthread_mutex_lock(&pf->mu);
	pf->n = 0; /* what waits its turn is not needed any more */
	pf->quit = true;
	pthread_cond_signal(&pf->work);
	pthread_mutex_unlock(&pf->mu);
	pthread_join(pf->thread, NULL);
	pthread_cond_destroy(&pf->work);
	pthread_cond_destroy(&pf->idle);
	pthread_mutex_destroy(&pf->mu);
	free(pf);
}
