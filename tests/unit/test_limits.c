/*
 * Unit tests: util/limits (sizes as the user spells them and as messages
 * show them, the model budget) and util/re's refusal of the regexes that
 * would make glibc's regcomp take gigabytes or the stack.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "load/load.h"
#include "util/limits.h"
#include "util/re.h"

static void sizes_parse(void **state)
{
	(void)state;
	uint64_t v = 0;
	assert_true(prof_parse_size("1048576", &v));
	assert_int_equal(v, 1048576);
	assert_true(prof_parse_size("512mb", &v));
	assert_int_equal(v, 512ull << 20);
	assert_true(prof_parse_size("2GiB", &v));
	assert_int_equal(v, 2ull << 30);
	assert_true(prof_parse_size("4 GB", &v));
	assert_int_equal(v, 4ull << 30);
	assert_true(prof_parse_size("1k", &v));
	assert_int_equal(v, 1024);
	assert_false(prof_parse_size("", &v));
	assert_false(prof_parse_size("0", &v));
	assert_false(prof_parse_size("-1gb", &v));
	assert_false(prof_parse_size("1.5gb", &v));
	assert_false(prof_parse_size("12xb", &v));
	assert_false(prof_parse_size("99999999999999999999", &v));
	assert_false(prof_parse_size("17179869184gb", &v)); /* 2^64: overflows */
}

static void sizes_print(void **state)
{
	(void)state;
	char b[32];
	prof_size_str(b, sizeof b, 2ull << 30);
	assert_string_equal(b, "2 GiB");
	prof_size_str(b, sizeof b, 1536ull << 10);
	assert_string_equal(b, "1.5 MiB");
	prof_size_str(b, sizeof b, 100);
	assert_string_equal(b, "100 bytes");
}

static void budget(void **state)
{
	(void)state;
	assert_int_equal(prof_model_budget(PROF_MAX_SIZE_DEFAULT, 0), 256ull << 20);
	assert_int_equal(prof_model_budget(PROF_MAX_SIZE_DEFAULT, 1 << 20), (256ull << 20) + (64ull << 20));
	assert_int_equal(prof_model_budget(PROF_MAX_SIZE_DEFAULT, UINT64_MAX / 2), UINT64_MAX); /* saturates */
	assert_int_equal(prof_model_budget(8ull << 20, 0), 1ull << 20); /* the user's limit, not a global */
}

/* in[0..n) as one gzip member, malloc'd; its size in *outn. */
static uint8_t *gzip(const uint8_t *in, size_t n, size_t *outn)
{
	z_stream zs = {0};
	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&zs, n);
	uint8_t *out = malloc(cap);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*outn = zs.total_out;
	deflateEnd(&zs);
	return out;
}

/* string 0, then pairs of bytes pat[0], pat[1] up to n bytes, gzip'd. */
static uint8_t *bomb(uint8_t a, uint8_t b, size_t n, size_t *outn)
{
	uint8_t *d = malloc(n);
	d[0] = 0x32; /* string 0: "" */
	d[1] = 0x00;
	for (size_t i = 2; i + 1 < n; i += 2) {
		d[i] = a;
		d[i + 1] = b;
	}
	uint8_t *z = gzip(d, n, outn);
	free(d);
	return z;
}

/* A small gzip'd file of 16 million comments: refused by the model budget, not by the machine. */
static void model_budget_refuses_bomb(void **state)
{
	(void)state;
	/* -max_size=64mb: a budget of 8 MiB + 64 x the ~32 KiB file */
	size_t n;
	uint8_t *z = bomb(0x68, 0x00, 32u << 20, &n); /* comment = string 0 */
	prof_err err = {0};
	assert_null(prof_load_bytes_max(z, n, 64ull << 20, &err));
	assert_non_null(strstr(err.msg, "would take more than"));
	assert_non_null(strstr(err.msg, "-max_size"));
	free(z);
}

/* Fields protobuf says to skip cost no model: the inflate limit stops them. */
static void inflate_limit(void **state)
{
	(void)state;
	size_t n;
	uint8_t *z = bomb(0x80, 0x01, 32u << 20, &n); /* field 16 (unknown) = 128, as tag and value by turns */
	prof_err err = {0};
	assert_null(prof_load_bytes_max(z, n, 16ull << 20, &err));
	assert_non_null(strstr(err.msg, "inflates past 16 MiB"));
	free(z);
}

static void costly_regexes(void **state)
{
	(void)state;
	static const char *const bad[] = {"a++", "a**", "a{2}{3}", "a*??", "a{1001}", "((a{99}){99}){99}",
	                                  "[x\\D++", "((a*)*){30}", "((a?)+){1000}",
	                                  "(a*|(bc)*){1000}", "(a?|b?){100}", "((a*|b*)c?){100}",
	                                  /* found by fuzz_regex: a branch that must match something does not help */
	                                  "(ik||){1000}", "(c|a*|b*){300}", "(a*|b*|c){100}",
	                                  /* glibc exponential in the ways to match nothing, raised to the count */
	                                  "(a|()|()|()|()|()|()|()|()|()|()|()|()|()|()|()|()|b){3,}",
	                                  /* found by fuzz_regex: a count over an anchor that need match nothing */
	                                  "$()){1,10($()){1,1000}00}", "($){1,1000}", "(\\b){1,100}", "(a|$){1,1000}",
	                                  "((\\B)?){11}"};
	static const char *const good[] = {"a*?", "a??", "(\\d{1,3}\\.){3}\\d{1,3}", "(a{10}){10}", "[]{}]+",
	                                   "[[:alpha:]]+", "^runtime\\.", "(a|b)*c", "a{,5}",
	                                   "(-*?){1000}", /* lazy ? dropped: as "(-*)?" glibc took 22 GB */
	                                   "((a*)*){10}", "[\\d\\s]+",
	                                   /* at most one way to match nothing keeps the count cheap */
	                                   "(a+|b+){100}", "(a*b*){300}", "(a*|(bc)*){10}", "(ik|){1000}",
	                                   /* empty branches are one for regcomp */
	                                   "(a||||||||||||||||||||||||||||||||||||||||||||||||||)+",
	                                   /* an anchor under a count that must match something, or a small count */
	                                   "(x$){1,1000}", "(^a){1,1000}", "($){1,10}", "(\\b){10}", "(\\A){1000}"};
	prof_re re;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		prof_err err = {0};
		assert_false(prof_re_compile(&re, bad[i], false, &err));
		assert_true(err.set);
	}
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		prof_err err = {0};
		assert_true(prof_re_compile(&re, good[i], false, &err));
		prof_re_free(&re);
	}
	/* Anchored, an unmatched ')' is a literal, as unanchored: it no longer closes the anchoring group. */
	prof_err aerr = {0};
	assert_true(prof_re_compile(&re, "|()\\?|){1000}\x1d", true, &aerr));
	assert_true(prof_re_match(&re, ""));
	assert_false(prof_re_match(&re, "x"));
	prof_re_free(&re);
	/* found by fuzz_regex, anchored: an hour in regcomp when its ')' closed the anchoring group */
	assert_true(prof_re_compile(&re, "{{2||||||||||||||||||||||||||||||||||||||||||||||||||||||||||||||||||||||||||||"
	                                 "|||||||||||||||||||||||||||||||||||||,}1}^i){9,}", true, &aerr));
	prof_re_free(&re);
	/* Empty branches kept as one match as many did. */
	assert_true(prof_re_compile(&re, "(a|||b)", true, &aerr));
	assert_true(prof_re_match(&re, "") && prof_re_match(&re, "a") && prof_re_match(&re, "b"));
	assert_false(prof_re_match(&re, "c"));
	prof_re_free(&re);
	assert_true(prof_re_compile(&re, "x(|||)y|||", false, &aerr));
	assert_true(prof_re_match(&re, "xy") && prof_re_match(&re, "q"));
	prof_re_free(&re);
	assert_true(prof_re_compile(&re, "x(|||)y", true, &aerr));
	assert_true(prof_re_match(&re, "xy"));
	assert_false(prof_re_match(&re, "xay"));
	prof_re_free(&re);
	/* "{,255}" is no repeat for RE2 but is one for glibc: a literal, so "\w{,255}{1000}" stays cheap. */
	prof_err lerr = {0};
	assert_true(prof_re_compile(&re, "f\\w{,255}{1000}d", false, &lerr));
	assert_true(prof_re_match(&re, "f_{,255}}}}d") == false); /* the last '}' needs 1000 copies */
	assert_false(prof_re_match(&re, "fxd"));
	prof_re_free(&re);
	assert_true(prof_re_compile(&re, "a{,2}b", false, &lerr));
	assert_true(prof_re_match(&re, "xa{,2}by"));
	assert_false(prof_re_match(&re, "aab"));
	prof_re_free(&re);
	char *deep = malloc(3000);
	memset(deep, '(', 1001);
	deep[1001] = 'a';
	memset(deep + 1002, ')', 1001);
	deep[2003] = '\0';
	prof_err err = {0};
	assert_false(prof_re_compile(&re, deep, false, &err));
	assert_non_null(strstr(err.msg, "nests too deeply"));
	free(deep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes_parse),
		cmocka_unit_test(sizes_print),
		cmocka_unit_test(budget),
		cmocka_unit_test(model_budget_refuses_bomb),
		cmocka_unit_test(inflate_limit),
		cmocka_unit_test(costly_regexes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
