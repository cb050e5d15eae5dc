/*
 * pbuild: builds small pprof profiles in memory for unit tests, through
 * protobuf-c, so tests exercise the real decoder on real wire bytes.
 */
#ifndef PROF_TEST_PBUILD_H
#define PROF_TEST_PBUILD_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "load/load.h"
#include "profile.pb-c.h"

typedef struct pbuild {
	Perftools__Profiles__Profile *p;
	char *strs[256];
	size_t nstr;
} pbuild;

static inline int64_t pb_str(pbuild *b, const char *s)
{
	for (size_t i = 0; i < b->nstr; i++)
		if (strcmp(b->strs[i], s) == 0)
			return (int64_t)i;
	b->strs[b->nstr] = strdup(s);
	return (int64_t)b->nstr++;
}

static inline void pb_init(pbuild *b)
{
	memset(b, 0, sizeof *b);
	b->p = calloc(1, sizeof *b->p);
	perftools__profiles__profile__init(b->p);
	pb_str(b, "");
}

/* Room doubles when n reaches a power of two: tests build 70000 locations or samples. */
#define PB_PUSH(arr, n, item) \
	do { \
		if (((n) & ((n) - 1)) == 0) \
			(arr) = realloc((arr), ((n) ? 2 * (n) : 1) * sizeof *(arr)); \
		(arr)[(n)++] = (item); \
	} while (0)

static inline void pb_sample_type(pbuild *b, const char *type, const char *unit)
{
	Perftools__Profiles__ValueType *vt = calloc(1, sizeof *vt);
	perftools__profiles__value_type__init(vt);
	vt->type = pb_str(b, type);
	vt->unit = pb_str(b, unit);
	PB_PUSH(b->p->sample_type, b->p->n_sample_type, vt);
}

static inline void pb_function(pbuild *b, uint64_t id, const char *name, const char *file)
{
	Perftools__Profiles__Function *f = calloc(1, sizeof *f);
	perftools__profiles__function__init(f);
	f->id = id;
	f->name = pb_str(b, name);
	f->system_name = f->name;
	f->filename = pb_str(b, file);
	PB_PUSH(b->p->function, b->p->n_function, f);
}

/* A location with one line per function id given (innermost first), 0-terminated. */
static inline void pb_location(pbuild *b, uint64_t id, const uint64_t *funcs)
{
	Perftools__Profiles__Location *l = calloc(1, sizeof *l);
	perftools__profiles__location__init(l);
	l->id = id;
	l->address = 0x1000 + id;
	for (; *funcs; funcs++) {
		Perftools__Profiles__Line *ln = calloc(1, sizeof *ln);
		perftools__profiles__line__init(ln);
		ln->function_id = *funcs;
		ln->line = 10;
		PB_PUSH(l->line, l->n_line, ln);
	}
	PB_PUSH(b->p->location, b->p->n_location, l);
}

/* locs: leaf first, 0-terminated; values: one per sample type. */
static inline void pb_sample(pbuild *b, const uint64_t *locs, const int64_t *values)
{
	Perftools__Profiles__Sample *s = calloc(1, sizeof *s);
	perftools__profiles__sample__init(s);
	for (; *locs; locs++)
		PB_PUSH(s->location_id, s->n_location_id, *locs);
	for (size_t i = 0; i < b->p->n_sample_type; i++)
		PB_PUSH(s->value, s->n_value, values[i]);
	PB_PUSH(b->p->sample, b->p->n_sample, s);
}

/* A label on the last sample: a string one with str, else numeric (unit may be NULL). */
static inline void pb_label(pbuild *b, const char *key, const char *str, int64_t num, const char *unit)
{
	Perftools__Profiles__Sample *s = b->p->sample[b->p->n_sample - 1];
	Perftools__Profiles__Label *l = calloc(1, sizeof *l);
	perftools__profiles__label__init(l);
	l->key = pb_str(b, key);
	l->str = str ? pb_str(b, str) : 0;
	l->num = num;
	l->num_unit = unit ? pb_str(b, unit) : 0;
	PB_PUSH(s->label, s->n_label, l);
}

/* Packs the profile; the caller frees the bytes. Frees the builder. */
static inline uint8_t *pb_pack(pbuild *b, size_t *len)
{
	b->p->string_table = malloc(b->nstr * sizeof(char *));
	memcpy(b->p->string_table, b->strs, b->nstr * sizeof(char *));
	b->p->n_string_table = b->nstr;
	*len = perftools__profiles__profile__get_packed_size(b->p);
	uint8_t *buf = malloc(*len + 1);
	perftools__profiles__profile__pack(b->p, buf);
	perftools__profiles__profile__free_unpacked(b->p, NULL); /* frees the strings too */
	b->p = NULL;
	return buf;
}

/* Packs the profile and loads it with prof's decoder: NULL when it refuses it. Frees the builder. */
static inline prof_profile *pb_load(pbuild *b)
{
	size_t len;
	uint8_t *buf = pb_pack(b, &len);
	prof_err err = {0};
	prof_profile *p = prof_load_bytes(buf, len, &err);
	free(buf);
	return p;
}

#endif
