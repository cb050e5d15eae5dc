/*
 * Unit tests: pprof's rules for what a profile source means (load/fetch):
 * which sources are URLs, the URL fetched for each, -seconds and the
 * timeout, credentials taken out, the size cap. No network.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/fetch.h"
#include "util/limits.h"

/* A file that exists is a file, whatever its name looks like; "-" is stdin. */
static void files_are_files(void **state)
{
	(void)state;
	char name[] = "/tmp/prof-fetch-test-127.0.0.1:6060-XXXXXX";
	int fd = mkstemp(name);
	assert_true(fd >= 0);
	assert_false(fetch_is_url(name));
	assert_false(fetch_is_url("-"));
	remove(name);
	assert_true(fetch_is_url(name) == false); /* a path with no host is no URL either */
	assert_false(fetch_is_url("heap.pb.gz"));
	assert_false(fetch_is_url("dir/heap.pb.gz"));
	assert_false(fetch_is_url("/abs/heap:1.pb.gz"));
	assert_false(fetch_is_url("host:port"));
}

static void urls_are_urls(void **state)
{
	(void)state;
	assert_true(fetch_is_url("http://h:6060/debug/pprof/heap"));
	assert_true(fetch_is_url("https://h/debug/pprof/heap"));
	assert_true(fetch_is_url("localhost:6060"));
	assert_true(fetch_is_url("127.0.0.1:6060/debug/pprof/goroutine"));
	assert_true(fetch_is_url("u:p@h:6060/x"));
	assert_true(fetch_is_url("u:p@h/x")); /* Go: scheme "u", no host, so http://u:p@h/x */
	assert_true(fetch_is_url("[::1]:6060/debug/pprof/heap"));
	assert_false(fetch_is_url("heap:1.pb.gz")); /* http://heap:1.pb.gz has no numeric port */
	assert_false(fetch_is_url("http:///nohost"));
}

/* url(src, seconds, timeout): fetch_url's URL; *ms its time limit. */
static char *url(const char *src, int seconds, int timeout, int64_t *ms)
{
	fetch_opts o;
	fetch_opts_init(&o);
	o.seconds = seconds;
	o.timeout = timeout;
	return fetch_url(src, &o, ms);
}

static void pprof_urls(void **state)
{
	(void)state;
	int64_t ms;
	char *u = url("localhost:6060", 0, 0, &ms);
	assert_string_equal(u, "http://localhost:6060/debug/pprof/profile");
	assert_int_equal(ms, 65000); /* 60 s, and the client's 5 s */
	free(u);
	u = url("http://h:6060/", 30, 0, &ms);
	assert_string_equal(u, "http://h:6060/debug/pprof/profile?seconds=30");
	assert_int_equal(ms, 50000); /* 1.5 x 30 s + 5 s */
	free(u);
	u = url("http://h/debug/pprof/heap?debug=1&seconds=3#frag", 7, 2, &ms);
	assert_string_equal(u, "http://h/debug/pprof/heap?debug=1&seconds=7");
	assert_int_equal(ms, 7000);
	free(u);
	u = url("h:1/debug/pprof/profile?seconds=10", 0, 0, &ms);
	assert_string_equal(u, "http://h:1/debug/pprof/profile?seconds=10");
	assert_int_equal(ms, 20000);
	free(u);
	assert_null(url("heap.pb.gz", 0, 0, &ms));
}

static void credentials_taken_out(void **state)
{
	(void)state;
	fetch_opts o;
	fetch_opts_init(&o);
	const char *a = fetch_take_credentials(&o, "http://user:s%40cret@h:6060/debug/pprof/heap");
	assert_string_equal(a, "http://h:6060/debug/pprof/heap");
	const char *b = fetch_take_credentials(&o, "user:pw@h:6060");
	assert_string_equal(b, "h:6060");
	const char *plain = "http://h:6060/x";
	assert_ptr_equal(fetch_take_credentials(&o, plain), plain);
	assert_int_equal(o.ncreds, 2);
	assert_string_equal(o.creds[0].userinfo, "user:s%40cret");
	assert_string_equal(o.creds[1].userinfo, "user:pw");
	fetch_opts_free(&o);
}

static void size_cap(void **state)
{
	(void)state;
	/* A response is held to the front end's cap, the one files get; unset, util/limits' default. */
	fetch_opts o;
	fetch_opts_init(&o);
	assert_int_equal(fetch_max_size(&o), PROF_MAX_SIZE_DEFAULT);
	assert_int_equal(fetch_max_size(NULL), (uint64_t)2 << 30);
	o.max_size = (uint64_t)3 << 20;
	assert_int_equal(fetch_max_size(&o), (uint64_t)3 << 20);
	fetch_opts_free(&o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(files_are_files),
		cmocka_unit_test(urls_are_urls),
		cmocka_unit_test(pprof_urls),
		cmocka_unit_test(credentials_taken_out),
		cmocka_unit_test(size_cap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
