/* Unit tests of the name policy (util/term) and of the model's shown strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "model/profile.h"
#include "util/term.h"

/* The shown form of s[0..n), checked against text_escaped_len. */
static char *shown(const char *s, size_t n)
{
	size_t m = text_escaped_len(s, n);
	char *out = malloc(m + 1);
	text_escape(s, n, out);
	assert_int_equal(strlen(out), m);
	return out;
}

static void expect(const char *in, size_t n, const char *want)
{
	char *got = shown(in, n);
	assert_string_equal(got, want);
	free(got);
	/* The terminal guard writes the same bytes. */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_true(term_write_safe(f, in, n));
	fclose(f);
	assert_string_equal(buf, want);
	free(buf);
}

static void clean_text_unchanged(void **state)
{
	(void)state;
	const char *s = "main.(*T).Method\tfile.go\nnext é中😀 \\x1b";
	assert_int_equal(text_escaped_len(s, strlen(s)), strlen(s));
	expect(s, strlen(s), s);
	expect("", 0, "");
}

static void controls_escaped(void **state)
{
	(void)state;
	expect("a\0b", 3, "a\\x00b");
	expect("\033[31mred\a", 9, "\\x1b[31mred\\x07");
	expect("del\177", 4, "del\\x7f");
	expect("\r", 1, "\\x0d");
	/* C1 as UTF-8 (U+009B, CSI; U+0085, NEL): each byte shown. */
	expect("c\302\233x\302\205", 6, "c\\xc2\\x9bx\\xc2\\x85");
}

static void invalid_utf8_escaped(void **state)
{
	(void)state;
	expect("raw\2332J", 6, "raw\\x9b2J");            /* a lone 0x9B: CSI to some terminals */
	expect("\300\200", 2, "\\xc0\\x80");            /* overlong NUL */
	expect("\355\240\200", 3, "\\xed\\xa0\\x80");     /* a surrogate */
	expect("cut\342\200", 5, "cut\\xe2\\x80");        /* truncated at the end */
	expect("\377\376", 2, "\\xff\\xfe");
}

static void bidi_escaped(void **state)
{
	(void)state;
	expect("a\342\200\256b", 5, "a\\u202eb");  /* RLO */
	expect("\342\200\252\342\200\254", 6, "\\u202a\\u202c");
	expect("\342\201\246x\342\201\251", 7, "\\u2066x\\u2069");
	expect("\342\200\251", 3, "\342\200\251"); /* U+2029 is no bidi control */
}

static void model_keeps_bytes_shows_escaped(void **state)
{
	(void)state;
	prof_profile *p = prof_profile_new();
	prof_strid a = prof_intern(p, "main.before\0after", 17);
	prof_strid b = prof_intern(p, "main.before", 11);
	prof_strid c = prof_intern(p, "main.clean", 10);
	assert_int_not_equal(a, b);
	assert_int_equal(prof_strlen(p, a), 17);
	assert_memory_equal(prof_bytes(p, a), "main.before\0after", 17);
	assert_string_equal(prof_str(p, a), "main.before\\x00after");
	assert_string_equal(prof_str(p, b), "main.before");
	/* A clean string is shown from the same bytes, not a copy. */
	assert_ptr_equal(prof_str(p, c), prof_bytes(p, c));
	assert_int_equal(prof_intern(p, "main.before\0after", 17), a);
	prof_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(clean_text_unchanged),
		cmocka_unit_test(controls_escaped),
		cmocka_unit_test(invalid_utf8_escaped),
		cmocka_unit_test(bidi_escaped),
		cmocka_unit_test(model_keeps_bytes_shows_escaped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
