/* Unit tests: the legacy formats' Go text primitives, sniffing, memory maps and hostile input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/legacy.h"
#include "load/load.h"

/* ---- Go's text primitives ---- */

static void trims_like_go(void **state)
{
	(void)state;
	const char *s = "\xc2\xa0 \v x y\t\xe3\x80\x80";
	size_t n = strlen(s);
	lg_trim(&s, &n);
	assert_int_equal(n, 3);
	assert_memory_equal(s, "x y", 3);
	/* A lone continuation byte is not white space. */
	s = "x\xa0";
	n = 2;
	lg_trim(&s, &n);
	assert_int_equal(n, 2);
	assert_true(lg_space_or_comment("  # note", 8));
	assert_false(lg_space_or_comment(" x#", 3));
}

static int parse(const char *s, int base, int64_t *v)
{
	return lg_parse_int(s, strlen(s), base, v);
}

static void parses_ints_like_strconv(void **state)
{
	(void)state;
	int64_t v = 0;
	assert_int_equal(parse("0x1f", 0, &v), LG_NUM_OK);
	assert_int_equal(v, 31);
	assert_int_equal(parse("010", 0, &v), LG_NUM_OK); /* octal */
	assert_int_equal(v, 8);
	assert_int_equal(parse("08", 0, &v), LG_NUM_SYNTAX);
	assert_int_equal(parse("1_000", 0, &v), LG_NUM_OK);
	assert_int_equal(v, 1000);
	assert_int_equal(parse("1__0", 0, &v), LG_NUM_SYNTAX);
	assert_int_equal(parse("1_000", 10, &v), LG_NUM_SYNTAX);
	assert_int_equal(parse("-9223372036854775808", 10, &v), LG_NUM_OK);
	assert_true(v == INT64_MIN);
	assert_int_equal(parse("9223372036854775808", 10, &v), LG_NUM_RANGE);
	assert_int_equal(parse("+7", 10, &v), LG_NUM_OK);
	assert_int_equal(parse("0x", 0, &v), LG_NUM_SYNTAX);
	assert_int_equal(parse("", 0, &v), LG_NUM_SYNTAX);
}

static void finds_hex_addresses(void **state)
{
	(void)state;
	uint64_t *a = NULL;
	size_t n = 0, cap = 0, badn;
	const char *bad, *s = "PC: 0x1230x5 0xABC 0x0x7 0xffffffffffffffff";
	assert_int_equal(lg_hex_addrs(s, strlen(s), &a, &n, &cap, &bad, &badn), LG_NUM_OK);
	/* "0x1230" then "x5" is no number; upper case digits are not pprof's; "0x0" then "x7". */
	assert_int_equal(n, 3);
	assert_true(a[0] == 0x1230 && a[1] == 0 && a[2] == UINT64_MAX);
	n = 0;
	s = "0x10000000000000000";
	assert_int_equal(lg_hex_addrs(s, strlen(s), &a, &n, &cap, &bad, &badn), LG_NUM_RANGE);
	assert_int_equal(badn, strlen(s));
	free(a);
}

static void scans_lines_like_bufio(void **state)
{
	(void)state;
	/* A line and its newline must fit bufio.Scanner's 64 KiB; a "\r" counts. */
	size_t big = 65534;
	char *d = malloc(big + 8);
	memset(d, 'x', big);
	memcpy(d + big, "\r\na\n", 4);
	lg_scan sc = {d, big + 4, 0, 0, false, NULL};
	const char *s;
	size_t n;
	assert_true(lg_scan_line(&sc, &s, &n));
	assert_int_equal(n, big); /* "\r" dropped */
	assert_true(lg_scan_line(&sc, &s, &n));
	assert_int_equal(n, 1);
	assert_false(lg_scan_line(&sc, &s, &n));
	assert_false(sc.too_long);
	memcpy(d + big, "xx\n", 3); /* now 65536 bytes before the newline */
	lg_scan sc2 = {d, big + 3, 0, 0, false, NULL};
	assert_false(lg_scan_line(&sc2, &s, &n));
	assert_true(sc2.too_long);
	free(d);
}

/* Go's regexp takes the leftmost match and, within it, the first choice in pattern order. */
static void matches_leftmost_first(void **state)
{
	(void)state;
	lg_rx r;
	size_t c[2 * LG_RX_CAPS];
	/* ([0-9a-f]+)-?([0-9a-f]+) on "12345678": the first group gives up one digit. */
	lg_rx_init(&r, true);
	int X = lg_rx_class(&r, "0-9a-f");
	lg_rx_save(&r, 1, false);
	lg_rx_plus(&r, X);
	lg_rx_save(&r, 1, true);
	lg_rx_opt(&r, lg_rx_class(&r, "\\-"));
	lg_rx_save(&r, 2, false);
	lg_rx_plus(&r, X);
	lg_rx_save(&r, 2, true);
	assert_true(lg_rx_exec(&r, "12345678", 8, c));
	assert_int_equal(c[3] - c[2], 7);
	assert_int_equal(c[5] - c[4], 1);
	assert_true(lg_rx_exec(&r, "1234-5678 rest", 14, c));
	assert_int_equal(c[3] - c[2], 4);
	assert_int_equal(c[4], 5);
	/* Unanchored: the leftmost start wins; (x)? that took no part is unset. */
	lg_rx_init(&r, false);
	int g = lg_rx_group_begin(&r);
	lg_rx_save(&r, 1, false);
	lg_rx_lit(&r, "q");
	lg_rx_save(&r, 1, true);
	lg_rx_group_end(&r, g);
	lg_rx_lit(&r, "ab$");
	lg_rx_eol(&r);
	assert_true(lg_rx_exec(&r, "xxab$ab$", 8, c));
	assert_int_equal(c[0], SIZE_MAX);
	assert_false(lg_rx_exec(&r, "ab$x", 4, c));
}

/* ---- sniffing and decoding ---- */

static bool sniff(const char *s)
{
	return prof_legacy_sniff((const uint8_t *)s, strlen(s));
}

static void sniffs_what_pprof_would_parse(void **state)
{
	(void)state;
	assert_true(sniff("heap profile: 1: 2 [3: 4] @ heapprofile\n"));
	assert_true(sniff("heap profile: 1: 2 [3: 4] @ heap_v2/524288\n"));
	assert_true(sniff("heap profile: 1: 2 [1: 2] @ growthz\n"));
	/* Go's own heap text is text.c's, unless it carries a memory map. */
	assert_false(sniff("heap profile: 1: 2 [3: 4] @ heap/1048576\n"));
	assert_true(sniff("heap profile: 1: 2 [3: 4] @ heap/1048576\nMAPPED_LIBRARIES:\n"));
	assert_false(sniff("heap profile: 1: 2 [3: 4] @ heapz\n"));
	assert_false(sniff("goroutine profile: total 3\n"));
	assert_true(sniff("# x\n--- threadz 1 ---\n"));
	assert_true(sniff("--- Thread 1 (name: a/b/7) stack: ---\n"));
	assert_true(sniff("--- contentionz 1 ---\n"));
	assert_false(sniff("# x\n--- contentionz 1 ---\n"));
	assert_false(sniff("--- mutex:\ncycles/second=1\n"));
	assert_true(sniff(" --- heapz 1 --- \n"));
	assert_false(sniff("--- heapz 1 ---")); /* no newline: pprof rejects it */
	static const uint8_t cpu32be[20] = {0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0x27, 0x10};
	assert_true(prof_legacy_sniff(cpu32be, sizeof cpu32be));
	assert_false(prof_legacy_sniff(cpu32be, 19));
}

static prof_profile *load(const char *s, prof_err *err)
{
	return prof_load_bytes((const uint8_t *)s, strlen(s), err);
}

static void reads_memory_maps(void **state)
{
	(void)state;
	prof_err err = {0};
	prof_profile *p = load("heap profile: 1: 4 [1: 4] @ heapprofile\n"
	                       "1: 4 [1: 4] @ 0x401001 0x30001001 0x50000001 0x70000001\n"
	                       "MAPPED_LIBRARIES:\n"
	                       "libs = /opt/x/lib\n"
	                       "f.cc:12] 30000000-30010000 r-xp 00000000 08:01 7 $libs/liba.so\n"
	                       "00400000-00410000 r-xp 00000000 08:01 6 /opt/x/bin/app\n"
	                       "00410000-00420000 rw-p 00010000 08:01 6 /opt/x/bin/app\n"
	                       "0x50000000 0x50001000 $libs/libb.so (@2000) cafe\n"
	                       "60000000-60001000 r-xp /opt/x/lib/libc.so\n",
	                       &err);
	if (!p)
		fail_msg("%s", err.msg);
	assert_int_equal(p->nmapping, 5);
	/* The main binary moves first; the non-executable line is skipped; 0x70000000 is in no map. */
	assert_string_equal(prof_str(p, p->mappings[0].file), "/opt/x/bin/app");
	assert_string_equal(prof_str(p, p->mappings[1].file), "/opt/x/lib/liba.so");
	assert_string_equal(prof_str(p, p->mappings[2].file), "/opt/x/lib/libb.so");
	assert_string_equal(prof_str(p, p->mappings[2].build_id), "cafe");
	assert_true(p->mappings[2].offset == 0x2000);
	assert_string_equal(prof_str(p, p->mappings[3].file), "/opt/x/lib/libc.so");
	assert_true(p->mappings[4].start == 0 && p->mappings[4].limit == UINT64_MAX && p->mappings[4].file == 0);
	assert_int_equal(p->nlocation, 4);
	assert_true(p->locations[0].address == 0x401000 && p->locations[0].mapping == 0);
	assert_int_equal(p->locations[3].mapping, 4);
	prof_profile_free(p);
}

static void rejects_bad_input(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"heap profile: 1: 4 [1: 4] @ heapprofile\n1: 4 [1: 4] @ 0x1\nMAPPED_LIBRARIES:\n%s\n",
		 "line 4: longer than 65535 bytes"},
		{"--- threadz 1 ---\n--- Thread 1 (name: a/1) stack: ---\n0x1 0x2\n",
		 "line 3: the threads end without \"--- Memory map: ---\" or \"---- no stack trace for\""},
		{"--- contentionz 1 ---\nformat = java\n1 1 @ 0x1\n",
		 "no resolution attribute: the profile's sample types are unknown"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		size_t fill = 70000;
		char *in = malloc(strlen(cases[i].in) + fill + 1);
		char *x = malloc(fill + 1);
		memset(x, 'x', fill);
		x[fill] = '\0';
		snprintf(in, strlen(cases[i].in) + fill + 1, cases[i].in, x);
		prof_err err = {0};
		assert_null(load(in, &err));
		assert_string_equal(err.msg, cases[i].want);
		free(x);
		free(in);
	}
}

/* Every prefix and many byte flips of a valid file: an error or a profile, never a crash. */
static void survives_hostile_input(void **state)
{
	(void)state;
	static const char *const seeds[] = {
		"heap profile: 2: 8 [3: 12] @ heap_v2/524288\n1: 4 [1: 4] @ 0x401001 0x30001001\n"
		"1: 4 [2: 8] @ 0x401001\nMAPPED_LIBRARIES:\nb=/x\n00400000-00410000 r-xp 0 08:01 6 $b/app\n",
		"--- threadz 1 ---\n--- Thread 1 (name: a/1) stack: ---\n0x1 0x2\n--- Thread 2 (name: b/2) stack: ---\n"
		"same as previous thread\n--- Memory map: ---\n0x0-0x10 /a (@1) ff\n",
		"--- contentionz 1 ---\ncycles/second = 1000\nsampling period = 3\n10 2 @ 0x5 0x6\n--- Memory map: ---\n",
		"--- contentionz 1 ---\nformat = java\nresolution = usec\nsampling period = 2\n5 1 @ 0x1\n"
		"0x1 A.b (A.java:3)\n",
		"--- heapz 1 ---\nresolution = bytes\n100 2 @ 0x1 0x2\n0x1 A.b (/x/y.so)\n0x2 generated stub/JIT\n",
	};
	unsigned seed = 12345;
	for (size_t k = 0; k < sizeof seeds / sizeof seeds[0]; k++) {
		size_t n = strlen(seeds[k]);
		char *buf = malloc(n + 1);
		for (size_t cut = 0; cut <= n; cut++) {
			prof_err err = {0};
			prof_profile *p = prof_load_bytes((const uint8_t *)seeds[k], cut, &err);
			assert_true(p != NULL || err.set);
			prof_profile_free(p);
		}
		for (int round = 0; round < 400; round++) {
			memcpy(buf, seeds[k], n);
			for (int f = 0; f < 3; f++) {
				seed = seed * 1103515245u + 12345u;
				buf[(seed >> 8) % n] = "0x9f -@[]:\n=$"[(seed >> 20) % 14];
			}
			prof_err err = {0};
			prof_profile *p = prof_load_bytes((const uint8_t *)buf, n, &err);
			assert_true(p != NULL || err.set);
			prof_profile_free(p);
		}
		free(buf);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(trims_like_go),
		cmocka_unit_test(parses_ints_like_strconv),
		cmocka_unit_test(finds_hex_addresses),
		cmocka_unit_test(scans_lines_like_bufio),
		cmocka_unit_test(matches_leftmost_first),
		cmocka_unit_test(sniffs_what_pprof_would_parse),
		cmocka_unit_test(reads_memory_maps),
		cmocka_unit_test(rejects_bad_input),
		cmocka_unit_test(survives_hostile_input),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
