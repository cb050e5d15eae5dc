/*
 * browser_spec: computing ahead. While the user reads a view, a worker
 * thread computes, on an engine of its own and at the lowest priority, the
 * tops that the keys cycling an option would show next: s (every other
 * sample index) and a (the next granularity), each with its other order
 * for c. A key whose top is ready takes it (data_top); one whose top is
 * being computed waits for it rather than computing it again. Refinements
 * on a selection (F, I, H, S) are not guessed: they compute when pressed.
 *
 * Owns the worker, its engine, the queue of options to compute (deep
 * copies: the browser's strings change under it) and the finished tops
 * until the browser takes them. Everything shared is under one mutex.
 */
#define _GNU_SOURCE 1
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include "ui/browser_int.h"

enum { SPEC_JOBS = 12, SPEC_DONE = 2 * SPEC_JOBS };

/* Options with their strings owned. */
typedef struct spec_job {
	report_opts o;
	char *key;
	char *strs[20];
	size_t nstrs;
} spec_job;

struct browser_spec {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const prof_profile *p;
	prof_engine *eng; /* the worker's, made on its first job */
	spec_job jobs[SPEC_JOBS];
	size_t njobs, next;   /* jobs[next..njobs) wait */
	spec_job running;     /* its key is NULL when none runs */
	top_entry done[SPEC_DONE];
	size_t ndone;
	bool quit;
};

static const char *own(spec_job *j, const char *s)
{
	if (!s)
		return NULL;
	char *c = xstrdup(s);
	j->strs[j->nstrs++] = c;
	return c;
}

static void job_set(spec_job *j, const report_opts *o, char *key)
{
	j->o = *o;
	j->key = key;
	j->nstrs = 0;
	report_opts *c = &j->o;
	prof_filters *f = &c->filters;
	const char **fields[] = {&c->sample_index, &c->unit, &f->focus, &f->ignore, &f->hide, &f->show,
	                         &f->show_from, &f->prune_from, &f->tagfocus, &f->tagignore, &f->tagshow,
	                         &f->taghide, &c->tagroot, &c->tagleaf, &c->source_path, &c->trim_path, &c->state};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		*fields[i] = own(j, *fields[i]);
}

static void job_free(spec_job *j)
{
	for (size_t i = 0; i < j->nstrs; i++)
		free(j->strs[i]);
	free(j->key);
	memset(j, 0, sizeof *j);
}

/* Under the lock: a finished top, the oldest dropped when they are many. */
static void done_put(browser_spec *s, top_entry *t)
{
	if (s->ndone == SPEC_DONE) {
		free(s->done[0].key);
		report_top_free(&s->done[0].top);
		memmove(s->done, s->done + 1, (SPEC_DONE - 1) * sizeof *s->done);
		s->ndone--;
	}
	s->done[s->ndone++] = *t;
}

/* The worker's one job, outside the lock: its top and, when it comes free, the other order's. */
static void compute(browser_spec *s, spec_job *j, FILE *quiet, top_entry *t, top_entry *other)
{
	if (!s->eng)
		s->eng = engine_new((prof_profile *)s->p, false);
	prof_err err = {0};
	bool have_other = false;
	*t = (top_entry){.key = xstrdup(j->key)};
	*other = (top_entry){0};
	t->ok = report_top_orders(s->eng, &j->o, quiet, &t->top, &other->top, &have_other, &err);
	snprintf(t->err, sizeof t->err, "%s", t->ok ? "" : err.msg);
	if (have_other) {
		report_opts o = j->o;
		o.cum_sort = !o.cum_sort;
		other->key = top_key(&o);
		other->ok = true;
	} else {
		report_top_free(&other->top);
	}
}

static void *worker(void *arg)
{
	browser_spec *s = arg;
#ifdef __linux__
	/* Linux's nice is a thread's: the browser's own work keeps the cores, the graph's helper threads inherit it. */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 19);
#endif
	FILE *quiet = fopen("/dev/null", "w");
	pthread_mutex_lock(&s->mu);
	while (!s->quit) {
		if (s->next == s->njobs) {
			pthread_cond_wait(&s->cv, &s->mu);
			continue;
		}
		s->running = s->jobs[s->next];
		memset(&s->jobs[s->next++], 0, sizeof *s->jobs);
		pthread_mutex_unlock(&s->mu);
		top_entry t, other;
		compute(s, &s->running, quiet, &t, &other);
		pthread_mutex_lock(&s->mu);
		done_put(s, &t);
		if (other.key)
			done_put(s, &other);
		job_free(&s->running);
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	if (quiet)
		fclose(quiet);
	return NULL;
}

browser_spec *spec_start(const prof_profile *p)
{
	browser_spec *s = xcalloc(1, sizeof *s);
	s->p = p;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (pthread_create(&s->thread, NULL, worker, s) != 0) {
		pthread_mutex_destroy(&s->mu);
		pthread_cond_destroy(&s->cv);
		free(s);
		return NULL;
	}
	return s;
}

void spec_stop(browser_spec *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->quit = true;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	/* A top being computed finishes first: nothing can stop a graph's walk halfway. */
	pthread_join(s->thread, NULL);
	for (size_t i = 0; i < s->njobs; i++)
		job_free(&s->jobs[i]);
	for (size_t i = 0; i < s->ndone; i++) {
		free(s->done[i].key);
		report_top_free(&s->done[i].top);
	}
	engine_free(s->eng);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}

/* Under the lock: whether key is queued, running or done already. */
static bool known(const browser_spec *s, const char *key)
{
	if (s->running.key && strcmp(s->running.key, key) == 0)
		return true;
	for (size_t i = s->next; i < s->njobs; i++)
		if (strcmp(s->jobs[i].key, key) == 0)
			return true;
	for (size_t i = 0; i < s->ndone; i++)
		if (strcmp(s->done[i].key, key) == 0)
			return true;
	return false;
}

void spec_plan(browser_spec *s, const report_opts *const *opts, size_t n)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	/* The new tops go first; the ones still waiting from before keep the places left. */
	spec_job keep[SPEC_JOBS];
	size_t nkeep = s->njobs - s->next;
	memcpy(keep, s->jobs + s->next, nkeep * sizeof *keep);
	s->next = s->njobs = 0;
	for (size_t i = 0; i < n && s->njobs < SPEC_JOBS; i++) {
		char *key = top_key(opts[i]);
		size_t k = 0;
		while (k < nkeep && !(keep[k].key && strcmp(keep[k].key, key) == 0))
			k++;
		if (k < nkeep) {
			/* Waiting already: it moves up. */
			s->jobs[s->njobs++] = keep[k];
			keep[k].key = NULL;
			free(key);
		} else if (known(s, key)) {
			free(key);
		} else {
			job_set(&s->jobs[s->njobs++], opts[i], key);
		}
	}
	for (size_t k = 0; k < nkeep; k++) {
		if (!keep[k].key)
			continue;
		if (s->njobs < SPEC_JOBS)
			s->jobs[s->njobs++] = keep[k];
		else
			job_free(&keep[k]);
	}
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

void spec_wait(browser_spec *s, const char *key)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	while (s->running.key && strcmp(s->running.key, key) == 0)
		pthread_cond_wait(&s->cv, &s->mu);
	pthread_mutex_unlock(&s->mu);
}

bool spec_take(browser_spec *s, top_entry *t)
{
	/*
	 * The worker runs at the lowest priority and may sleep holding the
	 * lock: rather than wait for it, the browser takes its tops next time.
	 */
	if (!s || pthread_mutex_trylock(&s->mu) != 0)
		return false;
	bool found = s->ndone > 0;
	if (found)
		*t = s->done[--s->ndone];
	pthread_mutex_unlock(&s->mu);
	return found;
}
