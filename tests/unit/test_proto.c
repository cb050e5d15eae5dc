/* Unit tests: -proto output read back (by prof's loader and by protobuf-c) is the same profile. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "load/load.h"
#include "pbuild.h"
#include "report/report.h"

static void pb_mapping(pbuild *b, uint64_t id, const char *file, const char *build_id)
{
	Perftools__Profiles__Mapping *m = calloc(1, sizeof *m);
	perftools__profiles__mapping__init(m);
	m->id = id;
	m->memory_start = 0x400000;
	m->memory_limit = 0x800000;
	m->filename = pb_str(b, file);
	m->build_id = pb_str(b, build_id);
	m->has_functions = true;
	m->has_line_numbers = true;
	PB_PUSH(b->p->mapping, b->p->n_mapping, m);
}

/*
 * main <- serve <- (leaf inlined into handle), two samples on one stack with
 * the same labels (kept apart when written), one on main alone. Function ids
 * start at 3 so that label frames, numbered from the model's counts, would
 * clash with them if -proto kept model ids.
 */
static prof_profile *sample_profile(void)
{
	pbuild b;
	pb_init(&b);
	pb_sample_type(&b, "samples", "count");
	pb_sample_type(&b, "cpu", "nanoseconds");
	pb_mapping(&b, 7, "/usr/bin/server", "b1d");
	pb_function(&b, 3, "main.main", "/src/main.go");
	pb_function(&b, 4, "main.serve", "/src/serve.go");
	pb_function(&b, 5, "main.handle", "/src/serve.go");
	pb_function(&b, 6, "main.leaf", "/src/leaf.go");
	pb_location(&b, 20, (uint64_t[]){3, 0});
	pb_location(&b, 21, (uint64_t[]){4, 0});
	pb_location(&b, 22, (uint64_t[]){6, 5, 0}); /* leaf inlined into handle */
	b.p->location[2]->line[0]->column = 9;
	for (size_t i = 0; i < b.p->n_location; i++)
		b.p->location[i]->mapping_id = 7;
	pb_sample(&b, (uint64_t[]){22, 21, 20, 0}, (int64_t[]){1, 10});
	pb_label(&b, "region", "eu", 0, NULL);
	pb_label(&b, "bytes", NULL, 2048, "bytes");
	pb_sample(&b, (uint64_t[]){20, 0}, (int64_t[]){5, 50});
	pb_label(&b, "region", "us", 0, NULL);
	pb_sample(&b, (uint64_t[]){22, 21, 20, 0}, (int64_t[]){2, 20});
	pb_label(&b, "region", "eu", 0, NULL);
	pb_label(&b, "bytes", NULL, 2048, "bytes");
	b.p->time_nanos = 1700000000123456789;
	b.p->duration_nanos = 30000000000;
	b.p->period = 10000000;
	Perftools__Profiles__ValueType *pt = calloc(1, sizeof *pt);
	perftools__profiles__value_type__init(pt);
	pt->type = pb_str(&b, "cpu");
	pt->unit = pb_str(&b, "nanoseconds");
	b.p->period_type = pt;
	b.p->default_sample_type = pb_str(&b, "cpu");
	b.p->keep_frames = pb_str(&b, "keepme");
	int64_t comments[] = {pb_str(&b, "first comment"), pb_str(&b, "# second")};
	b.p->comment = malloc(sizeof comments);
	memcpy(b.p->comment, comments, sizeof comments);
	b.p->n_comment = 2;
	prof_profile *p = pb_load(&b);
	assert_non_null(p);
	return p;
}

/* Runs report "proto" on p (which it changes) and returns the gzip'd bytes. */
static uint8_t *write_proto(prof_profile *p, const report_opts *o, size_t *len)
{
	char *buf = NULL;
	FILE *mem = open_memstream(&buf, len);
	assert_non_null(mem);
	prof_err err = {0};
	bool ok = report_run(mem, p, "proto", NULL, o, NULL, &err);
	fclose(mem);
	if (!ok)
		fail_msg("proto: %s", err.msg);
	return (uint8_t *)buf;
}

static prof_profile *round_trip(prof_profile *p, const report_opts *o)
{
	size_t len;
	uint8_t *z = write_proto(p, o, &len);
	assert_true(len > 2 && z[0] == 0x1f && z[1] == 0x8b);
	prof_err err = {0};
	prof_profile *q = prof_load_bytes(z, len, &err);
	if (!q)
		fail_msg("reading the output back: %s", err.msg);
	free(z);
	return q;
}

/* The output inflated and unpacked by protobuf-c, as any other reader would see it. */
static Perftools__Profiles__Profile *unpack(const uint8_t *z, size_t len)
{
	size_t cap = 1 << 20, n = 0;
	uint8_t *raw = malloc(cap);
	z_stream zs = {0};
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = (Bytef *)z;
	zs.avail_in = (uInt)len;
	zs.next_out = raw;
	zs.avail_out = (uInt)cap;
	assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
	n = zs.total_out;
	inflateEnd(&zs);
	Perftools__Profiles__Profile *m = perftools__profiles__profile__unpack(NULL, n, raw);
	free(raw);
	assert_non_null(m);
	return m;
}

static const char *label_str(const prof_profile *p, size_t s, const char *key)
{
	const prof_sample *sm = &p->samples[s];
	for (uint32_t i = 0; i < sm->nlabel; i++) {
		const prof_label *l = &p->labels[sm->label_off + i];
		if (strcmp(prof_str(p, l->key), key) == 0 && l->str)
			return prof_str(p, l->str);
	}
	return NULL;
}

static void keeps_the_profile(void **state)
{
	(void)state;
	report_opts o;
	report_opts_init(&o);
	prof_profile *p = sample_profile();
	prof_profile *q = round_trip(p, &o);
	/* Headers. */
	assert_int_equal(q->nsample_type, 2);
	assert_string_equal(prof_str(q, q->sample_types[1].type), "cpu");
	assert_string_equal(prof_str(q, q->sample_types[1].unit), "nanoseconds");
	assert_string_equal(prof_str(q, q->default_sample_type), "cpu");
	assert_string_equal(prof_str(q, q->period_type.type), "cpu");
	assert_int_equal(q->period, 10000000);
	assert_int_equal(q->time_nanos, 1700000000123456789);
	assert_int_equal(q->duration_nanos, 30000000000);
	assert_int_equal(q->ncomment, 2);
	assert_string_equal(prof_str(q, q->comments[1]), "# second");
	assert_string_equal(prof_str(q, q->keep_frames), "keepme");
	assert_int_equal(q->drop_frames, 0);
	/* The mapping, the inline lines, innermost first, with their columns. */
	assert_int_equal(q->nmapping, 1);
	assert_string_equal(prof_str(q, q->mappings[0].file), "/usr/bin/server");
	assert_string_equal(prof_str(q, q->mappings[0].build_id), "b1d");
	assert_true(q->mappings[0].has_functions && q->mappings[0].has_line_numbers);
	assert_false(q->mappings[0].has_filenames);
	assert_int_equal(q->mappings[0].limit, 0x800000);
	assert_int_equal(q->nlocation, 3);
	assert_int_equal(q->nfunction, 4);
	/* Samples as recorded: equal ones are not merged (pprof merges only several profiles). */
	assert_int_equal(q->nsample, 3);
	assert_int_equal(prof_value(q, 0, 0), 1);
	assert_int_equal(prof_value(q, 0, 1), 10);
	assert_int_equal(prof_value(q, 1, 1), 50);
	assert_int_equal(prof_value(q, 2, 1), 20);
	const prof_stack *st = &q->stacks[q->samples[0].stack];
	assert_int_equal(st->len, 3);
	const prof_location *leaf = &q->locations[prof_stack_loc(q, st, 0)];
	assert_int_equal(leaf->nline, 2);
	assert_int_equal(leaf->mapping, 0);
	assert_int_equal(leaf->address, 0x1000 + 22);
	const prof_line *ln = &q->lines[leaf->line_off];
	assert_string_equal(prof_str(q, q->functions[ln[0].function].name), "main.leaf");
	assert_string_equal(prof_str(q, q->functions[ln[1].function].name), "main.handle");
	assert_int_equal(ln[0].column, 9);
	assert_int_equal(ln[0].line, 10);
	/* Labels, the numeric one with its unit. */
	assert_string_equal(label_str(q, 0, "region"), "eu");
	assert_string_equal(label_str(q, 1, "region"), "us");
	bool num = false;
	for (uint32_t i = 0; i < q->samples[0].nlabel; i++) {
		const prof_label *l = &q->labels[q->samples[0].label_off + i];
		if (strcmp(prof_str(q, l->key), "bytes") == 0) {
			assert_int_equal(l->num, 2048);
			assert_string_equal(prof_str(q, l->num_unit), "bytes");
			num = true;
		}
	}
	assert_true(num);
	prof_profile_free(q);
	prof_profile_free(p);
}

static void writes_a_well_formed_message(void **state)
{
	(void)state;
	report_opts o;
	report_opts_init(&o);
	o.tagroot = "region"; /* label frames: new functions and locations */
	prof_profile *p = sample_profile();
	size_t len;
	uint8_t *z = write_proto(p, &o, &len);
	Perftools__Profiles__Profile *m = unpack(z, len);
	assert_true(m->n_string_table > 0);
	assert_string_equal(m->string_table[0], "");
	/* Ids 1..n, each once; every reference resolves. */
	for (size_t i = 0; i < m->n_function; i++)
		assert_int_equal(m->function[i]->id, i + 1);
	for (size_t i = 0; i < m->n_location; i++) {
		assert_int_equal(m->location[i]->id, i + 1);
		assert_true(m->location[i]->mapping_id <= m->n_mapping);
		for (size_t k = 0; k < m->location[i]->n_line; k++) {
			uint64_t f = m->location[i]->line[k]->function_id;
			assert_true(f >= 1 && f <= m->n_function);
		}
	}
	for (size_t i = 0; i < m->n_sample; i++) {
		assert_int_equal(m->sample[i]->n_value, m->n_sample_type);
		for (size_t k = 0; k < m->sample[i]->n_location_id; k++) {
			uint64_t l = m->sample[i]->location_id[k];
			assert_true(l >= 1 && l <= m->n_location);
		}
	}
	/* 4 functions and 3 locations, plus one label frame for each of eu and us. */
	assert_int_equal(m->n_function, 6);
	assert_int_equal(m->n_location, 5);
	/* Strings are written once: no string repeats. */
	for (size_t i = 0; i < m->n_string_table; i++)
		for (size_t k = i + 1; k < m->n_string_table; k++)
			assert_string_not_equal(m->string_table[i], m->string_table[k]);
	perftools__profiles__profile__free_unpacked(m, NULL);
	free(z);
	prof_profile_free(p);
}

static void applies_filters_and_divide_by(void **state)
{
	(void)state;
	report_opts o;
	report_opts_init(&o);
	o.filters.focus = "leaf";
	o.divide_by = 0.5;
	o.sample_index = "samples"; /* only has to be valid: every type is written */
	prof_profile *p = sample_profile();
	prof_profile *q = round_trip(p, &o);
	assert_int_equal(q->nsample, 2);
	assert_int_equal(q->nsample_type, 2);
	assert_int_equal(prof_value(q, 0, 0), 2);
	assert_int_equal(prof_value(q, 0, 1), 20);
	assert_int_equal(prof_value(q, 1, 1), 40);
	/* Only what the kept samples reach is written; the mapping stays. */
	assert_int_equal(q->nlocation, 3);
	assert_int_equal(q->nmapping, 1);
	prof_profile_free(q);
	prof_profile_free(p);

	/* pprof truncates each scaled value and writes every sample, zero ones too. */
	report_opts_init(&o);
	o.divide_by = 4;
	p = sample_profile();
	q = round_trip(p, &o);
	assert_int_equal(q->nsample, 3);
	assert_int_equal(prof_value(q, 0, 0), 0);
	assert_int_equal(prof_value(q, 0, 1), 2);
	assert_int_equal(prof_value(q, 1, 0), 1);
	assert_int_equal(prof_value(q, 2, 1), 5);
	prof_profile_free(q);
	prof_profile_free(p);
	report_opts_init(&o);
	o.divide_by = 100;
	p = sample_profile();
	q = round_trip(p, &o);
	assert_int_equal(q->nsample, 3);
	assert_int_equal(prof_value(q, 1, 1), 0);
	assert_int_equal(q->nsample_type, 2);
	prof_profile_free(q);
	prof_profile_free(p);
}

/* The model's strings may hold NUL bytes; protobuf-c's string fields would cut them. */
static void keeps_nul_bytes(void **state)
{
	(void)state;
	report_opts o;
	report_opts_init(&o);
	prof_profile *p = sample_profile();
	p->functions[0].name = prof_intern(p, "odd\0name", 8);
	prof_profile *q = round_trip(p, &o);
	bool found = false;
	for (size_t i = 0; i < q->nfunction; i++) {
		prof_strid name = q->functions[i].name;
		if (prof_strlen(q, name) == 8 && memcmp(prof_bytes(q, name), "odd\0name", 8) == 0)
			found = true;
	}
	assert_true(found);
	prof_profile_free(q);
	prof_profile_free(p);
}

static void refuses_bad_options(void **state)
{
	(void)state;
	report_opts o;
	report_opts_init(&o);
	o.sample_index = "nope";
	prof_profile *p = sample_profile();
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	prof_err err = {0};
	assert_false(report_run(mem, p, "proto", NULL, &o, NULL, &err));
	fclose(mem);
	assert_true(err.set);
	assert_int_equal(len, 0);
	free(buf);
	prof_profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keeps_the_profile),
		cmocka_unit_test(writes_a_well_formed_message),
		cmocka_unit_test(applies_filters_and_divide_by),
		cmocka_unit_test(keeps_nul_bytes),
		cmocka_unit_test(refuses_bad_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
