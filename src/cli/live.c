/* live: see live.h. */
#include "cli/live.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "load/fetch.h"
#include "util/arena.h"

/* Default spacing of snapshots when only -count is given. */
enum { DEFAULT_INTERVAL_MS = 10000, DEFAULT_TREND_COUNT = 3 };

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* Waits ms milliseconds, or less when Ctrl-C comes. */
static void wait_ms(int64_t ms)
{
	struct timespec end, now;
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += (time_t)(ms / 1000);
	end.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	while (!interrupted) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		int64_t left = (int64_t)(end.tv_sec - now.tv_sec) * 1000000000 + (end.tv_nsec - now.tv_nsec);
		if (left <= 0)
			return;
		struct timespec d = {(time_t)(left / 1000000000), (long)(left % 1000000000)};
		nanosleep(&d, NULL); /* Ctrl-C ends it early with EINTR */
	}
}

/* "30s", "2m", "1m30s", "500ms": the interval as a person wrote it. */
static void show_ms(int64_t ms, char *buf, size_t n)
{
	if (ms % 1000)
		snprintf(buf, n, "%lldms", (long long)ms);
	else if (ms >= 60000 && ms % 60000 == 0)
		snprintf(buf, n, "%lldm", (long long)(ms / 60000));
	else
		snprintf(buf, n, "%llds", (long long)(ms / 1000));
}

/* The progress line after moment m (1-based) of count. */
static void progress(int m, int count, int64_t interval_ms)
{
	char at[16], next[32];
	time_t t = time(NULL);
	struct tm tm;
	strftime(at, sizeof at, "%H:%M:%S", localtime_r(&t, &tm));
	show_ms(interval_ms, next, sizeof next);
	if (m < count)
		fprintf(stderr, "Snapshot %d of %d taken at %s; the next in %s (Ctrl-C: compare what is taken)\n", m, count,
		        at, next);
	else
		fprintf(stderr, "Snapshot %d of %d taken at %s\n", m, count, at);
}

/* Captures every URL once; false when one failed (its message printed unless Ctrl-C caused it). */
static bool capture_moment(cli *c, const char **urls, int nurls)
{
	char saved[PATH_MAX + 600];
	for (int u = 0; u < nurls; u++) {
		prof_err err = {0};
		prof_profile *p = fetch_capture(urls[u], &c->fetch, saved, sizeof saved, &err);
		if (!p) {
			if (!interrupted)
				fprintf(stderr, "prof: %s: %s\n", urls[u], err.msg);
			return false;
		}
		prof_profile_free(p);
		c->captured = xrealloc(c->captured, (size_t)(c->ncaptured + 1) * sizeof *c->captured);
		c->captured[c->ncaptured++] = strcpy(xmalloc(strlen(saved) + 1), saved);
	}
	return true;
}

/* How many moments: diff takes two, trend -count (3 unless given). 0 after a usage message. */
static int moments(const cli *c)
{
	bool diff = strcmp(c->command, "diff") == 0;
	if (diff && c->count && c->count != 2) {
		fprintf(stderr, "prof: a live diff takes two snapshots; -count=%d is for trend\n", c->count);
		return 0;
	}
	if (!diff && c->count == 1) {
		fprintf(stderr, "prof: a trend needs -count=2 or more\n");
		return 0;
	}
	return diff ? 2 : c->count ? c->count : DEFAULT_TREND_COUNT;
}

int live_capture(cli *c)
{
	for (int i = 0; i < c->nfiles; i++)
		if (!fetch_is_url(c->files[i])) {
			fprintf(stderr, "prof: %s: -count and -interval capture from URLs; this is no URL\n", c->files[i]);
			return PROF_EXIT_USAGE;
		}
	int count = moments(c);
	if (!count)
		return PROF_EXIT_USAGE;
	int64_t interval = c->interval_ms >= 0 ? c->interval_ms : DEFAULT_INTERVAL_MS;
	struct sigaction sa = {.sa_handler = on_sigint}, old;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old); /* no SA_RESTART: a wait or transfer ends at once */
	interrupted = 0;
	c->fetch.cancel = &interrupted;
	int taken = 0;
	bool failed = false;
	while (taken < count && !interrupted && !failed) {
		if (taken)
			wait_ms(interval);
		if (interrupted)
			break;
		failed = !capture_moment(c, c->files, c->nfiles);
		if (!failed)
			progress(++taken, count, interval);
	}
	c->fetch.cancel = NULL;
	sigaction(SIGINT, &old, NULL);
	if (failed && !interrupted)
		return PROF_EXIT_BAD_INPUT;
	if (taken < 2) {
		fprintf(stderr, "prof: interrupted after %d snapshot%s; a comparison needs two\n", taken,
		        taken == 1 ? "" : "s");
		return PROF_EXIT_BAD_INPUT;
	}
	if (interrupted)
		fprintf(stderr, "Interrupted: comparing the %d snapshots taken\n", taken);
	int nurls = c->nfiles;
	free(c->files);
	c->files = xcalloc((size_t)taken * (size_t)nurls + 1, sizeof *c->files);
	for (int i = 0; i < taken * nurls; i++)
		c->files[i] = c->captured[i];
	c->nfiles = taken * nurls;
	c->per_moment = nurls;
	return PROF_EXIT_OK;
}
