/* pb_source: see pb_source.h. */
#include "load/pb_source.h"

#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "util/arena.h"
#include "util/limits.h"

void pb_source_init_mem(pb_source *s, const uint8_t *data, size_t len)
{
	memset(s, 0, sizeof *s);
	s->in = data;
	s->inlen = len;
	s->limit = PROF_MAX_SIZE_DEFAULT; /* the caller sets its own after init */
}

/*
 * Hands back the whole pages of input before inpos, 1 MiB at a time: the
 * pages read stay resident while mapped, and at a load's peak 8 MiB of
 * them were 6% of it (a call per MiB costs nothing beside inflating it).
 */
static void drop_read_input(pb_source *s)
{
	if (!s->drop_input || s->inpos < s->dropped + (1u << 20))
		return;
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
	uintptr_t from = ((uintptr_t)s->in + s->dropped + page - 1) & ~(page - 1);
	uintptr_t to = ((uintptr_t)s->in + s->inpos) & ~(page - 1);
	if (to > from)
		madvise((void *)from, to - from, MADV_DONTNEED);
	s->dropped = s->inpos;
}

static void note_head(pb_source *s, const uint8_t *buf, size_t n)
{
	if (s->nhead < sizeof s->head) {
		size_t k = sizeof s->head - s->nhead;
		if (k > n)
			k = n;
		memcpy(s->head + s->nhead, buf, k);
		s->nhead += k;
	}
	s->total += n;
}

static size_t inflate_some(pb_source *s, uint8_t *buf, size_t n, prof_err *err);

static void ring_free(pb_source *s)
{
	pb_ring *r = s->ring;
	for (size_t i = 0; i < PB_RING; i++)
		free(r->chunk[i]);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
	free(r);
	s->ring = NULL;
}

static void *ring_main(void *arg)
{
	pb_source *s = arg;
	pb_ring *r = s->ring;
	for (;;) {
		pthread_mutex_lock(&r->mu);
		while (r->head - r->tail == PB_RING && !r->cancel)
			pthread_cond_wait(&r->cv, &r->mu);
		bool cancel = r->cancel;
		size_t slot = r->head % PB_RING;
		pthread_mutex_unlock(&r->mu);
		if (cancel)
			break;
		/* Only this thread touches the zlib state and the free slot. */
		size_t got = inflate_some(s, r->chunk[slot], PB_CHUNK, &r->err);
		pthread_mutex_lock(&r->mu);
		if (got == SIZE_MAX || got == 0) {
			r->done = true;
			pthread_cond_broadcast(&r->cv);
			pthread_mutex_unlock(&r->mu);
			break;
		}
		r->len[slot] = got;
		r->head++;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
	}
	return NULL;
}

void pb_source_init_gzip(pb_source *s, const uint8_t *data, size_t len, bool threaded)
{
	pb_source_init_mem(s, data, len);
	s->gz = true;
	if (threaded)
		pb_source_thread(s);
}

void pb_source_thread(pb_source *s)
{
	if (!s->gz || s->ring)
		return;
	pb_ring *r = xcalloc(1, sizeof *r);
	for (size_t i = 0; i < PB_RING; i++)
		r->chunk[i] = xmalloc(PB_CHUNK);
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	s->ring = r;
	if (pthread_create(&r->thread, NULL, ring_main, s) != 0)
		ring_free(s); /* no thread: inflate inline instead */
}

/* The consumer side of the ring: copies what is ready, waits when nothing is. */
static size_t ring_read(pb_source *s, uint8_t *buf, size_t n, prof_err *err)
{
	pb_ring *r = s->ring;
	size_t copied = 0;
	pthread_mutex_lock(&r->mu);
	while (copied < n) {
		while (r->head == r->tail && !r->done)
			pthread_cond_wait(&r->cv, &r->mu);
		if (r->head == r->tail)
			break; /* done, all consumed */
		size_t slot = r->tail % PB_RING;
		size_t avail = r->len[slot] - r->readpos;
		size_t k = avail < n - copied ? avail : n - copied;
		memcpy(buf + copied, r->chunk[slot] + r->readpos, k);
		copied += k;
		r->readpos += k;
		if (r->readpos == r->len[slot]) {
			r->readpos = 0;
			r->tail++;
			pthread_cond_broadcast(&r->cv);
		}
		if (r->head == r->tail && copied > 0)
			break; /* hand over what we have rather than wait */
	}
	bool failed = r->done && r->head == r->tail && r->err.set;
	pthread_mutex_unlock(&r->mu);
	if (copied == 0 && failed) {
		s->failed = true;
		prof_errf(err, "%s", r->err.msg);
		return SIZE_MAX;
	}
	note_head(s, buf, copied);
	return copied;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void pb_source_progress(pb_source *s, const char *name)
{
	if (!name || !isatty(2))
		return;
	s->name = name;
	s->t0 = now_s();
	s->next_check = 1u << 20;
	/* A single gzip member ends with its size mod 2^32: a good guess below 4 GiB. */
	if (s->gz && s->inlen >= 18) {
		const uint8_t *t = s->in + s->inlen - 4;
		s->expect = (uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 | (uint32_t)t[3] << 24;
	} else if (!s->gz) {
		s->expect = s->inlen;
	}
}

static void progress_tick(pb_source *s)
{
	s->next_check = s->total + (1u << 20);
	double t = now_s();
	if (t - s->t0 < 0.5 || (s->shown && t - s->shown_at < 0.1))
		return;
	char name[64];
	size_t k = 0;
	for (const char *c = s->name; *c && k + 1 < sizeof name; c++)
		name[k++] = (unsigned char)*c < 0x20 || *c == 0x7f ? '?' : *c;
	name[k] = 0;
	double mib = (double)s->total / (1 << 20);
	if (s->expect >= s->total && s->expect > 0)
		fprintf(stderr, "\rprof: loading %s: %.1f of %.1f MiB (%d%%)\033[K", name, mib,
		        (double)s->expect / (1 << 20), (int)((double)s->total * 100 / (double)s->expect));
	else
		fprintf(stderr, "\rprof: loading %s: %.1f MiB\033[K", name, mib);
	fflush(stderr);
	s->shown = true;
	s->shown_at = t;
}

static size_t read_bytes(pb_source *s, uint8_t *buf, size_t n, prof_err *err);

size_t pb_source_read(pb_source *s, uint8_t *buf, size_t n, prof_err *err)
{
	size_t got = read_bytes(s, buf, n, err);
	if (s->name && got != SIZE_MAX && s->total >= s->next_check)
		progress_tick(s);
	return got;
}

static size_t read_bytes(pb_source *s, uint8_t *buf, size_t n, prof_err *err)
{
	if (s->ring)
		return ring_read(s, buf, n, err);
	if (!s->gz) {
		size_t k = s->inlen - s->inpos;
		if (k > n)
			k = n;
		memcpy(buf, s->in + s->inpos, k);
		s->inpos += k;
		drop_read_input(s);
		note_head(s, buf, k);
		return k;
	}
	size_t got = inflate_some(s, buf, n, err);
	if (got == SIZE_MAX)
		s->failed = true;
	else
		note_head(s, buf, got);
	return got;
}

/* A gzip bomb (or a profile bigger than the user allows) is refused while inflating. */
static size_t too_big(pb_source *s, prof_err *err)
{
	s->over_limit = true;
	char lim[32];
	prof_size_str(lim, sizeof lim, s->limit);
	prof_errf(err, "inflates past %s " PROF_LIMIT_HINT, lim);
	return SIZE_MAX;
}

/* Inflates up to n bytes into buf: the count, 0 at the end, SIZE_MAX on bad data. */
static size_t inflate_some(pb_source *s, uint8_t *buf, size_t n, prof_err *err)
{
	if (s->ended || n == 0)
		return 0;
	if (!s->zs && !(s->zs = gz_open(s->in, s->inlen))) {
		prof_errf(err, "gzip: cannot initialize the inflater");
		return SIZE_MAX;
	}
	size_t got;
	gz_status st = gz_read(s->zs, buf, n, &got);
	s->inpos = gz_inpos(s->zs);
	drop_read_input(s);
	s->inflated += got;
	if (s->inflated > s->limit)
		return too_big(s, err);
	switch (st) {
	case GZ_OK:
		return got;
	case GZ_END:
		s->ended = true;
		return got;
	case GZ_TRUNCATED:
		prof_errf(err, "gzip data is truncated (ends after %zu compressed bytes)", s->inlen);
		return SIZE_MAX;
	case GZ_CORRUPT:
		prof_errf(err, "gzip data is corrupt: %s (at compressed byte %zu)", gz_msg(s->zs), s->inpos);
		return SIZE_MAX;
	case GZ_NOMEM:
		break;
	}
	prof_errf(err, "gzip: cannot initialize zlib");
	return SIZE_MAX;
}

void pb_source_close(pb_source *s)
{
	if (s->shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		s->shown = false;
	}
	pb_ring *r = s->ring;
	if (r) {
		pthread_mutex_lock(&r->mu);
		r->cancel = true;
		pthread_cond_broadcast(&r->cv);
		pthread_mutex_unlock(&r->mu);
		pthread_join(r->thread, NULL);
		ring_free(s);
	}
	gz_close(s->zs);
	s->zs = NULL;
}
