/*
 * fixture: the unit tests' way to fixtures/, whether a test runs from the
 * repository's root (tests/run.sh) or from a build directory (meson test).
 * Include after cmocka.h; one definition per test file (static).
 */
#ifndef PROF_TEST_FIXTURE_H
#define PROF_TEST_FIXTURE_H

#include <stdio.h>

#include "load/load.h"

/* The path of fixtures/<rel> that exists, in path[0..n); fails the test if there is none. */
__attribute__((unused)) static const char *fixture_path(const char *rel, char *path, size_t n)
{
	static const char *const roots[] = {"", "../", "../../", "../../../"};
	for (size_t i = 0; i < sizeof roots / sizeof *roots; i++) {
		snprintf(path, n, "%sfixtures/%s", roots[i], rel);
		FILE *f = fopen(path, "rb");
		if (f) {
			fclose(f);
			return path;
		}
	}
	fail_msg("fixture %s not found", rel);
	return NULL;
}

/* fixtures/<rel> loaded as prof loads a file; fails the test on an error. */
__attribute__((unused)) static prof_profile *load_fixture(const char *rel)
{
	char path[1024];
	prof_err err = {0};
	prof_profile *p = prof_load_file(fixture_path(rel, path, sizeof path), &err);
	if (!p)
		fail_msg("%s: %s", rel, err.msg);
	return p;
}

#endif
