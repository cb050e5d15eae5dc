/* Unit tests: folded stacks as input, and the folded and flame reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/folded.h"
#include "load/load.h"
#include "pbuild.h"
#include "report/report.h"

/* ---- helpers ---- */

static bool sniff(const char *s)
{
	return prof_folded_sniff((const uint8_t *)s, strlen(s));
}

static prof_profile *decode(const char *s, size_t n, prof_err *err)
{
	return prof_decode_folded((const uint8_t *)s, n, err);
}

static prof_profile *decode_ok(const char *s)
{
	prof_err err = {0};
	prof_profile *p = decode(s, strlen(s), &err);
	if (!p)
		fail_msg("unexpected error: %s", err.msg);
	assert_false(err.set);
	return p;
}

static void expect_error(const char *s, const char *want)
{
	prof_err err = {0};
	prof_profile *p = decode(s, strlen(s), &err);
	assert_null(p);
	assert_true(err.set);
	assert_string_equal(err.msg, want);
}

/* The frame names of sample i's stack, root first, joined with ';'. */
static void stack_text(const prof_profile *p, size_t i, char *buf, size_t cap)
{
	const prof_stack *st = &p->stacks[p->samples[i].stack];
	size_t k = 0;
	buf[0] = '\0';
	for (uint32_t j = st->len; j-- > 0;) {
		const prof_location *l = &p->locations[prof_stack_loc(p, st, j)];
		assert_int_equal(l->nline, 1);
		const char *name = prof_str(p, p->functions[p->lines[l->line_off].function].name);
		k += (size_t)snprintf(buf + k, cap - k, "%s%s", k ? ";" : "", name);
		assert_true(k < cap);
	}
}

/* Runs report name on p (which it filters) into a malloc'd string; NULL with *err on failure. */
static char *run_report(prof_profile *p, const char *name, const report_opts *o, prof_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	assert_non_null(m);
	bool ok = report_run(m, p, name, NULL, o, stderr, err);
	fclose(m);
	if (!ok) {
		free(buf);
		return NULL;
	}
	return buf;
}

static char *report_ok(prof_profile *p, const char *name, const report_opts *o)
{
	prof_err err = {0};
	char *out = run_report(p, name, o, &err);
	if (!out)
		fail_msg("%s: %s", name, err.msg);
	return out;
}

/* Display columns of line[0..n): runes, not counting ESC [ ... m sequences. */
static size_t columns(const char *s, size_t n)
{
	size_t cols = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == 0x1b && i + 1 < n && s[i + 1] == '[') {
			i += 2;
			while (i < n && s[i] != 'm')
				i++;
			continue;
		}
		if ((c & 0xc0) != 0x80)
			cols++;
	}
	return cols;
}

/* Every line of out is at most width columns; returns the number of lines. */
static size_t check_width(const char *out, size_t width)
{
	size_t lines = 0;
	for (const char *s = out; *s;) {
		const char *nl = strchr(s, '\n');
		assert_non_null(nl);
		size_t c = columns(s, (size_t)(nl - s));
		if (c > width)
			fail_msg("line %zu has %zu columns, more than %zu: %.*s", lines + 1, c, width, (int)(nl - s), s);
		lines++;
		s = nl + 1;
	}
	return lines;
}

/* The second line (the root row). */
static size_t root_columns(const char *out)
{
	const char *s = strchr(out, '\n');
	assert_non_null(s);
	s++;
	const char *nl = strchr(s, '\n');
	assert_non_null(nl);
	assert_true(*s == '[' || *s == 0x1b);
	return columns(s, (size_t)(nl - s));
}

/* ---- sniffing ---- */

static void sniffing(void **state)
{
	(void)state;
	assert_true(sniff("a;b;c 12\n"));
	assert_true(sniff("a;b;c 12"));             /* no final newline */
	assert_true(sniff("a 1\r\nb;c 2\r\n"));     /* CRLF */
	assert_true(sniff("\n\na;b 3\n\nb -4\n"));  /* blank lines, negative count */
	assert_true(sniff("main.(*T).m x.go:12 5\n")); /* spaces inside names */
	assert_true(sniff("a;b\t12\n"));            /* a tab before the count, as flamegraph.pl reads it */
	assert_true(sniff("a\tb 12\n"));
	assert_true(sniff("# austin 3.7\n# interval: 100\na;b 3\n")); /* comments */
	assert_true(sniff("a;;b 3\n"));             /* an empty frame */
	assert_true(sniff("a;b 3 \n  c 1\n"));      /* blanks around the line */
	assert_true(sniff("a;b 1.5\n"));            /* a fraction */
	assert_true(sniff("header\na 1\nb 2\n"));   /* fewer bad lines than stacks */
	assert_true(prof_folded_sniff((const uint8_t *)"\xff\xfe" "a\0 \0" "1\0\n\0", 10)); /* UTF-16 LE */
	assert_true(prof_folded_sniff((const uint8_t *)"\xfe\xff" "\0a\0 \0" "1\0\n", 10)); /* UTF-16 BE */
	assert_true(sniff("\xef\xbb\xbf" "a 1\n"));    /* UTF-8 BOM */
	assert_false(sniff(""));
	assert_false(sniff("\n\n"));
	assert_false(sniff("# a comment 12\n"));     /* comments only */
	assert_false(sniff("a;b\n"));               /* no count */
	assert_false(sniff("a;b 12x\n"));
	assert_true(sniff("a;b 1\nc\n"));           /* as many bad lines as stacks */
	assert_false(sniff("a;b 1\nc\nd\n"));       /* more bad lines than stacks */
	assert_false(sniff("12\n"));                /* no frames */
	assert_false(sniff(" 12\n"));
	assert_false(sniff(";; 12\n"));
	assert_false(sniff("a\x01" "b 12\n"));      /* control byte: binary */
	assert_false(sniff("a;b 1\r\r\n"));
	assert_false(sniff("This is not a profile.\nJust some text that a user passed by mistake.\n"));
	assert_false(sniff("a;b -\n"));
	/* Protobuf starts with a tag and a length byte. */
	assert_false(prof_folded_sniff((const uint8_t *)"\x0a\x04\x08\x01\x10\x02", 6));

	/* Only lines starting in the first 4 KB count; a long first line is read to its end. */
	size_t n = 10000;
	char *s = malloc(n + 64);
	memset(s, 'x', n);
	memcpy(s + n, " 1\nnot folded\n", 15);
	assert_true(sniff(s));
	memset(s, 'x', n);
	memcpy(s + n, "\nnot folded\n", 13);
	assert_false(sniff(s));
	for (size_t i = 0; i < 5000; i += 5)
		memcpy(s + i, "a 1\n\n", 5);
	memcpy(s + 5000, "junk\n", 6);
	assert_true(sniff(s)); /* the junk starts past 4 KB */
	free(s);
}

/* ---- parsing ---- */

static void parses_model(void **state)
{
	(void)state;
	prof_profile *p = decode_ok("main;work;leaf 10\n"
	                            "main;work 5\r\n"
	                            "\n"
	                            "main;work;leaf 7\n"
	                            "main;other thing x.go:3 -2\n"
	                            "main;work;leaf  1");
	assert_int_equal(p->nsample_type, 1);
	assert_string_equal(prof_str(p, p->sample_types[0].type), "samples");
	assert_string_equal(prof_str(p, p->sample_types[0].unit), "count");
	assert_int_equal(p->period, 1);
	/* one function and one location per distinct name */
	assert_int_equal(p->nfunction, 4);
	assert_int_equal(p->nlocation, 4);
	for (size_t i = 0; i < p->nlocation; i++) {
		assert_int_equal(p->locations[i].nline, 1);
		assert_int_equal(p->locations[i].mapping, PROF_NONE);
	}
	assert_int_equal(p->nsample, 5);
	/* equal stacks share one stack id */
	assert_int_equal(p->nstack, 3);
	assert_int_equal(p->samples[0].stack, p->samples[2].stack);
	assert_int_equal(p->samples[0].stack, p->samples[4].stack);
	char buf[256];
	stack_text(p, 0, buf, sizeof buf);
	assert_string_equal(buf, "main;work;leaf");
	assert_int_equal(p->stacks[p->samples[0].stack].len, 3);
	stack_text(p, 3, buf, sizeof buf);
	assert_string_equal(buf, "main;other thing x.go:3");
	assert_int_equal(prof_value(p, 0, 0), 10);
	assert_int_equal(prof_value(p, 1, 0), 5);
	assert_int_equal(prof_value(p, 3, 0), -2);
	assert_int_equal(prof_value(p, 4, 0), 1);
	prof_profile_free(p);
}

static void loads_through_load(void **state)
{
	(void)state;
	const char *s = "a;b 3\na;c 4\n";
	prof_err err = {0};
	prof_profile *p = prof_load_bytes((const uint8_t *)s, strlen(s), &err);
	assert_non_null(p);
	assert_int_equal(p->nsample, 2);
	assert_string_equal(prof_str(p, p->sample_types[0].type), "samples");
	prof_profile_free(p);
	/* Not folded: the protobuf path's message. */
	s = "a;b\n";
	p = prof_load_bytes((const uint8_t *)s, strlen(s), &err);
	assert_null(p);
	assert_true(err.set);
}

/* Decodes s (n bytes), which must give nsample samples and note note ("" none). */
static prof_profile *decode_note(const char *s, size_t n, size_t nsample, const char *note)
{
	prof_err err = {0};
	prof_profile *p = decode(s, n, &err);
	if (!p)
		fail_msg("unexpected error: %s", err.msg);
	assert_int_equal(p->nsample, nsample);
	assert_string_equal(err.note, note);
	return p;
}

static void lenient_input(void **state)
{
	(void)state;
	char buf[256];
	/* Lines that are not "stack count" are skipped, counted in one note. */
	prof_profile *p = decode_note("a;b 1\nc\n", 8, 1, "skipped 1 line that is not \"stack count\" (line 2)");
	prof_profile_free(p);
	const char *s = "x\na;b 1\na;b -\na;b 1x\na;b --1\n 12\n; 1\na;b 9223372036854775808\nb 2\n";
	p = decode_note(s, strlen(s), 2, "skipped 7 lines that are not \"stack count\" (the first is line 1)");
	prof_profile_free(p);
	/* Comments, blank lines, CRLF and blanks around a line are no news. */
	s = "# austin: 3.7.0\n# interval: 100\n\r\n  a;b 3 \r\n\tc\t4\n";
	p = decode_note(s, strlen(s), 2, "");
	stack_text(p, 0, buf, sizeof buf);
	assert_string_equal(buf, "a;b");
	assert_int_equal(prof_value(p, 1, 0), 4);
	prof_profile_free(p);
	/* Empty frames go. */
	s = "a;;b 1\n;a 2\na;b; 3\n";
	p = decode_note(s, strlen(s), 3, "");
	stack_text(p, 0, buf, sizeof buf);
	assert_string_equal(buf, "a;b");
	stack_text(p, 1, buf, sizeof buf);
	assert_string_equal(buf, "a");
	assert_int_equal(p->samples[0].stack, p->samples[2].stack);
	prof_profile_free(p);
	/* Fractions are dropped, as inferno does. */
	s = "a 1.5\nb 2.0\nc 3.\nd -4.25\n";
	p = decode_note(s, strlen(s), 4, "dropped the fraction of 2 counts");
	assert_int_equal(prof_value(p, 0, 0), 1);
	assert_int_equal(prof_value(p, 2, 0), 3);
	assert_int_equal(prof_value(p, 3, 0), -4);
	prof_profile_free(p);
	s = "a 1.5\nx\n";
	p = decode_note(s, strlen(s), 1,
	                "skipped 1 line that is not \"stack count\" (line 2); dropped the fraction of 1 count");
	prof_profile_free(p);
	/* UTF-16 with a byte order mark, either order, a surrogate pair and a lone one. */
	static const char le[] = "\xff\xfe" "a\0;\0\x3d\xd8\x00\xde \0" "5\0\r\0\n\0" "\x00\xdc \0" "1\0";
	p = decode_note(le, sizeof le - 1, 2, "");
	stack_text(p, 0, buf, sizeof buf);
	assert_string_equal(buf, "a;\xf0\x9f\x98\x80");
	assert_int_equal(prof_value(p, 0, 0), 5);
	stack_text(p, 1, buf, sizeof buf);
	assert_string_equal(buf, "\xef\xbf\xbd");
	prof_profile_free(p);
	static const char be[] = "\xfe\xff" "\0a\0;\0b\0 \0" "7";
	p = decode_note(be, sizeof be - 1, 1, "");
	stack_text(p, 0, buf, sizeof buf);
	assert_string_equal(buf, "a;b");
	prof_profile_free(p);
	p = decode_note("\xef\xbb\xbf" "a 1\n", 7, 1, "");
	stack_text(p, 0, buf, sizeof buf);
	assert_string_equal(buf, "a");
	prof_profile_free(p);

	/* Nothing read, or a total that does not fit: one error. */
	expect_error("a;b \n", "no line of the form \"stack count\"");
	expect_error("; 1\n", "no line of the form \"stack count\"");
	expect_error("\n\n\r\n", "no line of the form \"stack count\"");
	expect_error("", "no line of the form \"stack count\"");
	expect_error("# 12\n", "no line of the form \"stack count\"");
	expect_error("a 9223372036854775807\nb 1\n", "line 2: the counts add up to more than 2^63");
	expect_error("a -9223372036854775807\nb -1\n", "line 2: the counts add up to more than 2^63");
	/* The largest values that fit are fine. */
	p = decode_ok("a 9223372036854775807\n");
	assert_int_equal(prof_value(p, 0, 0), INT64_MAX);
	prof_profile_free(p);
	p = decode_ok("a -9223372036854775807\n");
	assert_int_equal(prof_value(p, 0, 0), -INT64_MAX);
	prof_profile_free(p);
}

static void survives_hostile_input(void **state)
{
	(void)state;
	/* A 100k-deep stack, all distinct frames, and the same stack again. */
	size_t depth = 100000;
	size_t cap = depth * 16 + 64, n = 0;
	char *s = malloc(cap);
	for (int rep = 0; rep < 2; rep++) {
		for (size_t i = 0; i < depth; i++)
			n += (size_t)snprintf(s + n, cap - n, "%sf%zu", i ? ";" : "", i);
		n += (size_t)snprintf(s + n, cap - n, " %d\n", rep + 1);
	}
	prof_err err = {0};
	prof_profile *p = decode(s, n, &err);
	assert_non_null(p);
	assert_int_equal(p->nfunction, depth);
	assert_int_equal(p->nstack, 1);
	assert_int_equal(p->stacks[0].len, depth);
	/* leaf first */
	assert_string_equal(prof_str(p, p->functions[p->locations[prof_loc_at(p, 0)].line_off].name), "f99999");

	/* The reports walk it without recursion. */
	report_opts o;
	report_opts_init(&o);
	char *out = report_ok(p, "folded", &o);
	assert_int_equal(strlen(out), n / 2);
	assert_true(strncmp(out, "f0;f1;f2;", 9) == 0);
	assert_string_equal(out + n / 2 - 3, " 3\n");
	free(out);
	o.width = 40;
	out = report_ok(p, "flame", &o);
	assert_int_equal(check_width(out, 40), depth + 2);
	free(out);
	prof_profile_free(p);

	/* The same stack 100k deep with one name: one function, one location. */
	n = 0;
	for (size_t i = 0; i < depth; i++)
		n += (size_t)snprintf(s + n, cap - n, "%sr", i ? ";" : "");
	n += (size_t)snprintf(s + n, cap - n, " 5");
	p = decode(s, n, &err);
	assert_non_null(p);
	assert_int_equal(p->nfunction, 1);
	assert_int_equal(p->stacks[0].len, depth);
	prof_profile_free(p);

	/* NUL bytes, control bytes and invalid UTF-8 inside names parse; the reports clean them. */
	static const char weird[] = "main;\x1b[31mred\x1b[0m;a\0b;\xff\xfe\xc3;\xe2\x80\xa6ok\x07 5\n";
	p = decode(weird, sizeof weird - 1, &err);
	assert_non_null(p);
	o.width = 40;
	out = report_ok(p, "flame", &o);
	assert_null(strchr(out, 0x1b));
	assert_null(strchr(out, 0x07));
	check_width(out, 40);
	free(out);
	prof_profile_free(p);
	p = decode(weird, sizeof weird - 1, &err);
	out = report_ok(p, "folded", &o);
	assert_null(strchr(out, 0x1b));
	assert_true(prof_folded_sniff((const uint8_t *)out, strlen(out)));
	free(out);
	prof_profile_free(p);

	/* Mutations of a valid file: a profile or one error, never a crash. */
	static const char base[] = "main;a;b 10\nmain;a;c 20\nmain;d 3\n\nmain;a;b;e -4\n";
	static const char junk[] = "0123456789;; \n\r-+\t\x01\xff";
	uint64_t rng = 0x2545f4914f6cdd1dull;
	char buf[sizeof base];
	for (int round = 0; round < 4000; round++) {
		memcpy(buf, base, sizeof base);
		for (int k = 0; k < 1 + round % 5; k++) {
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			buf[rng % (sizeof base - 1)] = junk[(rng >> 32) % (sizeof junk - 1)];
		}
		size_t len = (size_t)(rng >> 40) % sizeof base;
		prof_err e = {0};
		p = decode(buf, len, &e);
		assert_true(p != NULL || e.set);
		if (!p)
			assert_true(strncmp(e.msg, "line ", 5) == 0 || strcmp(e.msg, "no line of the form \"stack count\"") == 0);
		prof_profile_free(p);
	}
	free(s);
}

/* ---- the folded report ---- */

static void folded_report(void **state)
{
	(void)state;
	/* Names with ';' and control bytes, inlined frames, a zero sum, an empty stack. */
	pbuild b;
	pb_init(&b);
	pb_sample_type(&b, "cpu", "nanoseconds");
	pb_function(&b, 1, "main.main", "/src/main.go");
	pb_function(&b, 2, "main.a;b\tc", "/src/main.go");
	pb_function(&b, 3, "main.inlined", "/src/main.go");
	pb_function(&b, 4, "main.leaf", "/src/main.go");
	pb_location(&b, 1, (uint64_t[]){1, 0});
	pb_location(&b, 2, (uint64_t[]){3, 2, 0}); /* main.inlined inlined into main.a;b\tc */
	pb_location(&b, 3, (uint64_t[]){4, 0});
	pb_location(&b, 4, (uint64_t[]){4, 0}); /* another address, same function */
	pb_sample(&b, (uint64_t[]){3, 2, 1, 0}, (int64_t[]){10});
	pb_sample(&b, (uint64_t[]){4, 2, 1, 0}, (int64_t[]){5});
	pb_sample(&b, (uint64_t[]){2, 1, 0}, (int64_t[]){7});
	pb_sample(&b, (uint64_t[]){1, 0}, (int64_t[]){3});
	pb_sample(&b, (uint64_t[]){1, 0}, (int64_t[]){-3});
	pb_sample(&b, (uint64_t[]){0}, (int64_t[]){100});
	prof_profile *p = pb_load(&b);
	assert_non_null(p);
	report_opts o;
	report_opts_init(&o);
	char *out = report_ok(p, "folded", &o);
	assert_string_equal(out, "main.main;main.a?b?c;main.inlined 7\n"
	                         "main.main;main.a?b?c;main.inlined;main.leaf 15\n");
	/* It reads back as the same lines. */
	prof_profile *q = decode_ok(out);
	char *again = report_ok(q, "folded", &o);
	assert_string_equal(again, out);
	free(again);
	prof_profile_free(q);
	free(out);
	prof_profile_free(p);
}

/* Sum of folded values = sum of the chosen value over samples with a stack; lines sorted; round trip. */
static void folded_sums_fixtures(void **state)
{
	(void)state;
	static const struct {
		const char *file, *index;
	} cases[] = {
		{"leaky/normal/cpu.pb.gz", NULL},
		{"leaky/normal/t3/heap.pb.gz", NULL},
		{"leaky/normal/t3/heap.pb.gz", "alloc_objects"},
		{"leaky/normal/t3/goroutine.pb.gz", NULL},
		{"leaky/normal/t3/mutex.pb.gz", "delay"},
		{"leaky/normal/t1/goroutine.debug2.txt", NULL},
		{"edge/negative.pb.gz", NULL},
		{"edge/inline.pb.gz", NULL},
		{"edge/recursion.pb.gz", NULL},
		{"edge/emptystack.pb.gz", NULL},
		{"edge/samename.pb.gz", NULL},
		{"edge/longnames.pb.gz", NULL},
		{"edge/bigbytes.pb.gz", NULL},
		{"edge/manyfuncs.pb.gz", NULL},
	};
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		prof_profile *p = load_fixture(cases[c].file);
		prof_err err = {0};
		int si = prof_sample_index(p, cases[c].index, &err);
		assert_true(si >= 0);
		int64_t want = 0;
		for (size_t i = 0; i < p->nsample; i++)
			if (p->stacks[p->samples[i].stack].len > 0)
				want += prof_value(p, i, si);
		report_opts o;
		report_opts_init(&o);
		o.sample_index = cases[c].index;
		char *out = report_ok(p, "folded", &o);
		int64_t got = 0;
		const char *prev = NULL;
		size_t prevlen = 0;
		for (char *s = out; *s;) {
			char *nl = strchr(s, '\n');
			assert_non_null(nl);
			char *sp = nl;
			while (sp > s && sp[-1] != ' ')
				sp--;
			assert_true(sp > s);
			int64_t v = strtoll(sp, NULL, 10);
			assert_true(v != 0);
			got += v;
			/* sorted by stack text, no stack twice */
			size_t l = (size_t)(sp - 1 - s);
			if (prev) {
				int cmp = memcmp(prev, s, prevlen < l ? prevlen : l);
				assert_true(cmp < 0 || (cmp == 0 && prevlen < l));
			}
			prev = s;
			prevlen = l;
			s = nl + 1;
		}
		if (got != want)
			fail_msg("%s: folded values add up to %" PRId64 ", want %" PRId64, cases[c].file, got, want);
		if (*out) {
			prof_profile *q = decode_ok(out);
			report_opts_init(&o);
			char *again = report_ok(q, "folded", &o);
			if (strcmp(again, out) != 0)
				fail_msg("%s: folded output does not read back the same", cases[c].file);
			free(again);
			prof_profile_free(q);
		}
		free(out);
		prof_profile_free(p);
	}
}

/* ---- the flame report ---- */

static void flame_layout(void **state)
{
	(void)state;
	prof_profile *p =
	    decode_ok("main;github.com/acme/server.(*Server).serveConn;github.com/acme/server.(*conn).readRequest 60\n"
	              "main;github.com/acme/server.(*Server).serveConn;runtime.mallocgc 20\n"
	              "main;tiny1 1\nmain;tiny2 1\nmain;tiny3 1\nmain;zz 17\n");
	report_opts o;
	report_opts_init(&o);
	o.width = 50;
	char *out = report_ok(p, "flame", &o);
	assert_int_equal(check_width(out, 50), 5);
	assert_int_equal(root_columns(out), 50);
	assert_non_null(strstr(out, "samples: 100 total\n"));
	assert_non_null(strstr(out, "\n[root 100                                        ]\n"));
	assert_non_null(strstr(out, "\n[main 100                                        ]\n"));
	/*
	 * Names cut from the left so the method stays visible, with the value
	 * when there is room; three frames of half a column each become one
	 * filler; children in name order.
	 */
	assert_non_null(strstr(out, "\n[\xe2\x80\xa6om/acme/server.(*Server).serveConn 80]+3[zz 17 ]\n"
	                            "[\xe2\x80\xa6rver.(*conn).readRequest 60][\xe2\x80\xa6" "allocgc]\n"));
	assert_null(strchr(out, 0x1b));
	free(out);
	prof_profile_free(p);

	/* Colour: escapes, still within the width. */
	p = decode_ok("main;github.com/acme/server.(*Server).serveConn 60\nmain;runtime.gcBgMarkWorker 40\n");
	o.color = true;
	o.width = 30;
	out = report_ok(p, "flame", &o);
	assert_non_null(strchr(out, 0x1b));
	check_width(out, 30);
	assert_int_equal(root_columns(out), 30);
	free(out);
	prof_profile_free(p);

	/* Widths: the terminal's, the default, and bad ones. */
	p = decode_ok("a;b 1\n");
	o.color = false;
	o.width = 0;
	setenv("COLUMNS", "64", 1);
	out = report_ok(p, "flame", &o);
	assert_int_equal(root_columns(out), 64);
	free(out);
	setenv("COLUMNS", "junk", 1);
	out = report_ok(p, "flame", &o);
	assert_int_equal(root_columns(out), 80);
	free(out);
	unsetenv("COLUMNS");
	out = report_ok(p, "flame", &o);
	assert_int_equal(root_columns(out), 80);
	free(out);
	prof_err err = {0};
	o.width = 3;
	assert_null(run_report(p, "flame", &o, &err));
	assert_string_equal(err.msg, "flame: width 3 is out of range [10..10000]");
	o.width = 20;
	o.mean = true;
	err = (prof_err){0};
	assert_null(run_report(p, "flame", &o, &err));
	assert_string_equal(err.msg, "flame does not support -mean");
	prof_profile_free(p);
}

static void flame_fixtures(void **state)
{
	(void)state;
	static const char *const files[] = {
		"leaky/normal/cpu.pb.gz", "leaky/normal/t3/heap.pb.gz", "leaky/normal/t3/goroutine.pb.gz",
		"edge/allzero.pb.gz",     "edge/negative.pb.gz",        "edge/longnames.pb.gz",
		"edge/manyfuncs.pb.gz",   "edge/addronly.pb.gz",        "edge/tinyfrac.pb.gz",
	};
	static const int widths[] = {10, 11, 40, 80, 133, 200, 1000};
	for (size_t f = 0; f < sizeof files / sizeof *files; f++)
		for (size_t w = 0; w < sizeof widths / sizeof *widths; w++)
			for (int color = 0; color < 2; color++) {
				prof_profile *p = load_fixture(files[f]);
				report_opts o;
				report_opts_init(&o);
				o.width = widths[w];
				o.color = color;
				char *out = report_ok(p, "flame", &o);
				check_width(out, (size_t)widths[w]);
				assert_int_equal(root_columns(out), widths[w]);
				if (!color)
					assert_null(strchr(out, 0x1b));
				free(out);
				prof_profile_free(p);
			}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sniffing),
		cmocka_unit_test(parses_model),
		cmocka_unit_test(loads_through_load),
		cmocka_unit_test(lenient_input),
		cmocka_unit_test(survives_hostile_input),
		cmocka_unit_test(folded_report),
		cmocka_unit_test(folded_sums_fixtures),
		cmocka_unit_test(flame_layout),
		cmocka_unit_test(flame_fixtures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
