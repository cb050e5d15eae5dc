/*
 * pb: decodes pprof's protobuf (perftools.profiles.Profile) into the model.
 *
 * Owns: the wire-level walk of the top-level Profile message and the
 * validation of every cross reference. The top level is scanned here, one
 * field at a time, so that the (possibly huge) repeated fields are never
 * unpacked as a whole; each sub-message (Sample, Location, ...) is unpacked by
 * protobuf-c into a scratch arena that is reset after every message, so peak
 * memory stays near the size of the model.
 *
 * Order: Go writes samples before locations and the string table near the end,
 * so the decoder makes several passes over the top-level fields: strings and
 * structure first, then headers, mappings and functions, then locations, then
 * samples. The first pass checks every varint, length and wire type of the top
 * level, so later passes only meet well-formed framing.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load/load.h"
#include "profile.pb-c.h"

enum { WT_VARINT = 0, WT_I64 = 1, WT_LEN = 2, WT_SGROUP = 3, WT_EGROUP = 4, WT_I32 = 5 };

/* Top-level Profile field numbers. */
enum {
	F_SAMPLE_TYPE = 1, F_SAMPLE, F_MAPPING, F_LOCATION, F_FUNCTION, F_STRING_TABLE,
	F_DROP_FRAMES, F_KEEP_FRAMES, F_TIME_NANOS, F_DURATION_NANOS, F_PERIOD_TYPE,
	F_PERIOD, F_COMMENT, F_DEFAULT_SAMPLE_TYPE,
};

static const char *const top_names[] = {
	"", "sample_type", "sample", "mapping", "location", "function", "string_table", "drop_frames",
	"keep_frames", "time_nanos", "duration_nanos", "period_type", "period", "comment",
	"default_sample_type",
};

static const char *const wire_names[] = {"varint", "64-bit", "length-delimited", "group start",
                                         "group end", "32-bit", "6", "7"};

typedef struct field {
	uint32_t num, wt;
	size_t at;        /* offset of the field's tag in the message */
	uint64_t v;       /* varint/fixed value */
	const uint8_t *d; /* WT_LEN payload */
	size_t n;
} field;

/* Maps a file's 64-bit ids to model indices. */
typedef struct idmap {
	uint64_t *keys;
	uint32_t *vals; /* index + 1, 0 empty */
	size_t nslots;
} idmap;

/* State of the sample pass: stack interning and array capacities. */
typedef struct sample_state {
	prof_stack_index stacks;
	uint32_t *locs;
	size_t loccap, samplecap, valuecap, labelcap;
} sample_state;

typedef struct decoder {
	prof_profile *p;
	const uint8_t *base; /* the whole message: offsets in errors are relative to it */
	size_t len;
	prof_err *err;
	prof_strid *strs; /* file string index -> interned id */
	size_t nstr, strcap;
	arena scratch;
	ProtobufCAllocator alloc;
	idmap mappings, functions, locations;
	size_t mapcap, funccap, loccap, linecap, typecap, commentcap;
	sample_state ss;
} decoder;

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	return x;
}

/* Adds key -> idx; returns false when the key is already present. */
static bool idmap_put(idmap *m, uint64_t key, uint32_t idx, size_t count)
{
	if ((count + 1) * 2 > m->nslots) {
		size_t nslots = m->nslots ? m->nslots * 2 : 256;
		uint64_t *keys = xcalloc(nslots, sizeof *keys);
		uint32_t *vals = xcalloc(nslots, sizeof *vals);
		for (size_t i = 0; i < m->nslots; i++) {
			if (!m->vals[i])
				continue;
			size_t j = mix64(m->keys[i]) & (nslots - 1);
			while (vals[j])
				j = (j + 1) & (nslots - 1);
			keys[j] = m->keys[i];
			vals[j] = m->vals[i];
		}
		free(m->keys);
		free(m->vals);
		m->keys = keys;
		m->vals = vals;
		m->nslots = nslots;
	}
	size_t j = mix64(key) & (m->nslots - 1);
	while (m->vals[j]) {
		if (m->keys[j] == key)
			return false;
		j = (j + 1) & (m->nslots - 1);
	}
	m->keys[j] = key;
	m->vals[j] = idx + 1;
	return true;
}

static uint32_t idmap_get(const idmap *m, uint64_t key)
{
	if (!m->nslots)
		return PROF_NONE;
	size_t j = mix64(key) & (m->nslots - 1);
	while (m->vals[j]) {
		if (m->keys[j] == key)
			return m->vals[j] - 1;
		j = (j + 1) & (m->nslots - 1);
	}
	return PROF_NONE;
}

static void idmap_free(idmap *m)
{
	free(m->keys);
	free(m->vals);
}

/* Reads a varint at *pos; fails with a message naming the byte offset. */
static bool get_varint(decoder *dc, const uint8_t *d, size_t n, size_t *pos, uint64_t *out)
{
	uint64_t v = 0;
	size_t start = *pos;
	for (unsigned i = 0;; i++) {
		if (*pos >= n)
			return prof_errf(dc->err, "byte %zu: truncated varint (data ends inside it)",
			                 (size_t)(d - dc->base) + start);
		if (i == 10)
			return prof_errf(dc->err, "byte %zu: varint longer than 10 bytes",
			                 (size_t)(d - dc->base) + start);
		uint8_t b = d[(*pos)++];
		v |= (uint64_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			break;
	}
	*out = v;
	return true;
}

/* Reads the next field of the message d[0..n). */
static bool next_field(decoder *dc, const uint8_t *d, size_t n, size_t *pos, field *f)
{
	f->at = *pos;
	uint64_t tag;
	if (!get_varint(dc, d, n, pos, &tag))
		return false;
	size_t off = (size_t)(d - dc->base) + f->at;
	f->num = (uint32_t)(tag >> 3);
	f->wt = (uint32_t)(tag & 7);
	if (tag >> 3 == 0 || tag >> 3 > 0x1fffffff)
		return prof_errf(dc->err, "byte %zu: invalid field number %" PRIu64, off, tag >> 3);
	switch (f->wt) {
	case WT_VARINT:
		return get_varint(dc, d, n, pos, &f->v);
	case WT_I64:
	case WT_I32: {
		size_t w = f->wt == WT_I64 ? 8 : 4;
		if (n - *pos < w)
			return prof_errf(dc->err, "byte %zu: field %u: fixed-size value runs past the end of the data",
			                 off, f->num);
		f->v = 0;
		for (size_t i = 0; i < w; i++)
			f->v |= (uint64_t)d[*pos + i] << (8 * i);
		*pos += w;
		return true;
	}
	case WT_LEN: {
		uint64_t l;
		if (!get_varint(dc, d, n, pos, &l))
			return false;
		if (l > n - *pos)
			return prof_errf(dc->err,
			                 "byte %zu: field %u: length %" PRIu64 " runs past the end of the data (%zu byte%s left)",
			                 off, f->num, l, n - *pos, n - *pos == 1 ? "" : "s");
		f->d = d + *pos;
		f->n = (size_t)l;
		*pos += (size_t)l;
		return true;
	}
	default:
		return prof_errf(dc->err, "byte %zu: field %u%s%s%s: invalid wire type %u", off, f->num,
		                 d == dc->base && f->num < 15 ? " (" : "",
		                 d == dc->base && f->num < 15 ? top_names[f->num] : "",
		                 d == dc->base && f->num < 15 ? ")" : "", f->wt);
	}
}

/* Wire type each known top-level field must have (comment may also be packed). */
static bool check_top_wire(decoder *dc, const field *f)
{
	int want;
	switch (f->num) {
	case F_SAMPLE_TYPE: case F_SAMPLE: case F_MAPPING: case F_LOCATION: case F_FUNCTION:
	case F_STRING_TABLE: case F_PERIOD_TYPE:
		want = WT_LEN;
		break;
	case F_COMMENT:
		if (f->wt == WT_LEN)
			return true;
		want = WT_VARINT;
		break;
	case F_DROP_FRAMES: case F_KEEP_FRAMES: case F_TIME_NANOS: case F_DURATION_NANOS:
	case F_PERIOD: case F_DEFAULT_SAMPLE_TYPE:
		want = WT_VARINT;
		break;
	default:
		return true; /* unknown fields are skipped, as protobuf requires */
	}
	if ((int)f->wt != want)
		return prof_errf(dc->err, "byte %zu: field %u (%s) is %s, expected %s", f->at, f->num,
		                 top_names[f->num], wire_names[f->wt], wire_names[want]);
	return true;
}

/*
 * Finds why protobuf-c refused a sub-message: re-walks its framing so the
 * message names the byte (varint too long, length past the end...).
 */
static bool sub_failed(decoder *dc, const field *f, const char *what)
{
	size_t pos = 0;
	field sf;
	while (pos < f->n && !dc->err->set)
		next_field(dc, f->d, f->n, &pos, &sf);
	return prof_errf(dc->err, "byte %zu: %s is malformed (a field has the wrong type)",
	                 (size_t)(f->d - dc->base), what);
}

static bool get_str(decoder *dc, int64_t idx, prof_strid *out, const char *what, const char *field_name)
{
	if (idx < 0 || (uint64_t)idx >= dc->nstr)
		return prof_errf(dc->err, "%s: %s is string %" PRId64 ", but the string table has %zu strings",
		                 what, field_name, idx, dc->nstr);
	*out = dc->strs[idx];
	return true;
}

static void *pb_alloc(void *data, size_t size)
{
	return arena_alloc(data, size);
}

static void pb_free(void *data, void *ptr)
{
	(void)data;
	(void)ptr; /* the scratch arena is reset after each message */
}

typedef bool (*field_fn)(decoder *dc, const field *f);

/* Calls fn for every top-level field whose number is in nums (0-terminated). */
static bool each_field(decoder *dc, const uint32_t *nums, field_fn fn)
{
	size_t pos = 0;
	field f;
	while (pos < dc->len) {
		if (!next_field(dc, dc->base, dc->len, &pos, &f))
			return false;
		for (const uint32_t *n = nums; *n; n++)
			if (*n == f.num) {
				if (!fn(dc, &f))
					return false;
				arena_reset(&dc->scratch);
				break;
			}
	}
	return true;
}

static bool pass_structure(decoder *dc, const field *f)
{
	if (!check_top_wire(dc, f))
		return false;
	if (f->num == F_STRING_TABLE) {
		GROW(dc->strs, dc->strcap, dc->nstr + 1);
		dc->strs[dc->nstr++] = prof_intern(dc->p, (const char *)f->d, f->n);
	}
	return true;
}

static bool value_type(decoder *dc, const field *f, prof_valuetype *vt, const char *what)
{
	Perftools__Profiles__ValueType *m =
		perftools__profiles__value_type__unpack(&dc->alloc, f->n, f->d);
	if (!m)
		return sub_failed(dc, f, what);
	return get_str(dc, m->type, &vt->type, what, "type") &&
	       get_str(dc, m->unit, &vt->unit, what, "unit");
}

static bool pass_headers(decoder *dc, const field *f)
{
	prof_profile *p = dc->p;
	char what[64];
	switch (f->num) {
	case F_SAMPLE_TYPE:
		snprintf(what, sizeof what, "sample type %zu", p->nsample_type + 1);
		GROW(p->sample_types, dc->typecap, p->nsample_type + 1);
		if (!value_type(dc, f, &p->sample_types[p->nsample_type], what))
			return false;
		p->nsample_type++;
		return true;
	case F_PERIOD_TYPE:
		return value_type(dc, f, &p->period_type, "period type");
	case F_DROP_FRAMES:
		return get_str(dc, (int64_t)f->v, &p->drop_frames, "profile", "drop_frames");
	case F_KEEP_FRAMES:
		return get_str(dc, (int64_t)f->v, &p->keep_frames, "profile", "keep_frames");
	case F_DEFAULT_SAMPLE_TYPE:
		return get_str(dc, (int64_t)f->v, &p->default_sample_type, "profile", "default_sample_type");
	case F_TIME_NANOS:
		p->time_nanos = (int64_t)f->v;
		return true;
	case F_DURATION_NANOS:
		p->duration_nanos = (int64_t)f->v;
		return true;
	case F_PERIOD:
		p->period = (int64_t)f->v;
		return true;
	case F_COMMENT: {
		size_t pos = 0;
		uint64_t v = f->v;
		do {
			if (f->wt == WT_LEN && !get_varint(dc, f->d, f->n, &pos, &v))
				return false;
			if (f->wt == WT_LEN && f->n == 0)
				break;
			GROW(p->comments, dc->commentcap, p->ncomment + 1);
			if (!get_str(dc, (int64_t)v, &p->comments[p->ncomment], "profile", "comment"))
				return false;
			p->ncomment++;
		} while (f->wt == WT_LEN && pos < f->n);
		return true;
	}
	case F_MAPPING: {
		snprintf(what, sizeof what, "mapping %zu", p->nmapping + 1);
		Perftools__Profiles__Mapping *m = perftools__profiles__mapping__unpack(&dc->alloc, f->n, f->d);
		if (!m)
			return sub_failed(dc, f, what);
		GROW(p->mappings, dc->mapcap, p->nmapping + 1);
		prof_mapping *pm = &p->mappings[p->nmapping];
		*pm = (prof_mapping){.id = m->id, .start = m->memory_start, .limit = m->memory_limit,
		                     .offset = m->file_offset, .has_functions = m->has_functions,
		                     .has_filenames = m->has_filenames, .has_line_numbers = m->has_line_numbers,
		                     .has_inline_frames = m->has_inline_frames};
		if (!get_str(dc, m->filename, &pm->file, what, "filename") ||
		    !get_str(dc, m->build_id, &pm->build_id, what, "build_id"))
			return false;
		if (m->id == 0)
			return prof_errf(dc->err, "%s has id 0, which is reserved", what);
		if (!idmap_put(&dc->mappings, m->id, (uint32_t)p->nmapping, p->nmapping))
			return prof_errf(dc->err, "%s has id %" PRIu64 ", which an earlier mapping has too", what, m->id);
		p->nmapping++;
		return true;
	}
	case F_FUNCTION: {
		snprintf(what, sizeof what, "function %zu", p->nfunction + 1);
		Perftools__Profiles__Function *m = perftools__profiles__function__unpack(&dc->alloc, f->n, f->d);
		if (!m)
			return sub_failed(dc, f, what);
		GROW(p->functions, dc->funccap, p->nfunction + 1);
		prof_function *pf = &p->functions[p->nfunction];
		*pf = (prof_function){.id = m->id, .start_line = m->start_line};
		if (!get_str(dc, m->name, &pf->name, what, "name") ||
		    !get_str(dc, m->system_name, &pf->system_name, what, "system_name") ||
		    !get_str(dc, m->filename, &pf->filename, what, "filename"))
			return false;
		if (m->id == 0)
			return prof_errf(dc->err, "%s has id 0, which is reserved", what);
		if (!idmap_put(&dc->functions, m->id, (uint32_t)p->nfunction, p->nfunction))
			return prof_errf(dc->err, "%s has id %" PRIu64 ", which an earlier function has too", what, m->id);
		p->nfunction++;
		return true;
	}
	}
	return true;
}

static uint32_t lookup(const idmap *m, uint64_t id)
{
	return idmap_get(m, id);
}

static bool pass_locations(decoder *dc, const field *f)
{
	prof_profile *p = dc->p;
	char what[64];
	snprintf(what, sizeof what, "location %zu", p->nlocation + 1);
	Perftools__Profiles__Location *m = perftools__profiles__location__unpack(&dc->alloc, f->n, f->d);
	if (!m)
		return sub_failed(dc, f, what);
	if (m->id == 0)
		return prof_errf(dc->err, "%s has id 0, which is reserved", what);
	snprintf(what, sizeof what, "location %zu (id %" PRIu64 ")", p->nlocation + 1, m->id);
	GROW(p->locations, dc->loccap, p->nlocation + 1);
	prof_location *l = &p->locations[p->nlocation];
	*l = (prof_location){.id = m->id, .address = m->address, .mapping = PROF_NONE,
	                     .line_off = (uint32_t)p->nline, .nline = (uint32_t)m->n_line,
	                     .is_folded = m->is_folded};
	if (m->mapping_id != 0) {
		l->mapping = lookup(&dc->mappings, m->mapping_id);
		if (l->mapping == PROF_NONE)
			return prof_errf(dc->err, "%s refers to mapping %" PRIu64 ", which is not defined",
			                 what, m->mapping_id);
	}
	if (p->nline + m->n_line >= UINT32_MAX)
		return prof_errf(dc->err, "%s: too many lines in the profile", what);
	GROW(p->lines, dc->linecap, p->nline + m->n_line);
	for (size_t i = 0; i < m->n_line; i++) {
		const Perftools__Profiles__Line *ln = m->line[i];
		if (ln->function_id == 0)
			return prof_errf(dc->err, "%s: line %zu has no function (function id 0)", what, i + 1);
		uint32_t fi = lookup(&dc->functions, ln->function_id);
		if (fi == PROF_NONE)
			return prof_errf(dc->err, "%s refers to function %" PRIu64 ", which is not defined",
			                 what, ln->function_id);
		p->lines[p->nline++] = (prof_line){.function = fi, .line = ln->line, .column = ln->column};
	}
	if (!idmap_put(&dc->locations, m->id, (uint32_t)p->nlocation, p->nlocation))
		return prof_errf(dc->err, "location %zu has id %" PRIu64 ", which an earlier location has too",
		                 p->nlocation + 1, m->id);
	p->nlocation++;
	return true;
}

static bool pass_samples(decoder *dc, const field *f)
{
	prof_profile *p = dc->p;
	sample_state *ss = &dc->ss;
	size_t si = p->nsample;
	Perftools__Profiles__Sample *m = perftools__profiles__sample__unpack(&dc->alloc, f->n, f->d);
	if (!m) {
		char what[64];
		snprintf(what, sizeof what, "sample %zu", si + 1);
		return sub_failed(dc, f, what);
	}
	if (m->n_value != p->nsample_type) {
		if (p->nsample_type == 0)
			return prof_errf(dc->err, "sample %zu has values, but the profile declares no sample types", si + 1);
		return prof_errf(dc->err, "sample %zu has %zu value%s, but the profile has %zu sample type%s",
		                 si + 1, m->n_value, m->n_value == 1 ? "" : "s", p->nsample_type,
		                 p->nsample_type == 1 ? "" : "s");
	}
	if (m->n_location_id >= UINT32_MAX)
		return prof_errf(dc->err, "sample %zu: stack too deep", si + 1);
	GROW(ss->locs, ss->loccap, m->n_location_id);
	for (size_t i = 0; i < m->n_location_id; i++) {
		uint64_t id = m->location_id[i];
		uint32_t li;
		/* Runtime profiles number locations 1..n in order: skip the hash then. */
		if (id - 1 < p->nlocation && p->locations[id - 1].id == id)
			li = (uint32_t)(id - 1);
		else if ((li = lookup(&dc->locations, id)) == PROF_NONE)
			return prof_errf(dc->err, "sample %zu refers to location %" PRIu64 ", which is not defined",
			                 si + 1, id);
		ss->locs[i] = li;
	}
	GROW(p->samples, ss->samplecap, si + 1);
	GROW(p->values, ss->valuecap, (si + 1) * p->nsample_type);
	if (m->n_value)
		memcpy(p->values + si * p->nsample_type, m->value, m->n_value * sizeof(int64_t));
	prof_sample *s = &p->samples[si];
	s->stack = prof_stack_intern(p, &ss->stacks, ss->locs, (uint32_t)m->n_location_id);
	s->label_off = (uint32_t)p->nlabel;
	s->nlabel = (uint32_t)m->n_label;
	if (m->n_label) {
		char what[64];
		snprintf(what, sizeof what, "sample %zu", si + 1);
		GROW(p->labels, ss->labelcap, p->nlabel + m->n_label);
		for (size_t i = 0; i < m->n_label; i++) {
			const Perftools__Profiles__Label *lb = m->label[i];
			prof_label *pl = &p->labels[p->nlabel + i];
			pl->num = lb->num;
			if (!get_str(dc, lb->key, &pl->key, what, "label key") ||
			    !get_str(dc, lb->str, &pl->str, what, "label value") ||
			    !get_str(dc, lb->num_unit, &pl->num_unit, what, "label unit"))
				return false;
		}
		p->nlabel += m->n_label;
	}
	p->nsample++;
	return true;
}

/* Text (a log, an HTML error page) sometimes parses as a few protobuf fields. */
static bool looks_like_text(const uint8_t *d, size_t n)
{
	if (n > 64)
		n = 64;
	for (size_t i = 0; i < n; i++)
		if ((d[i] < 0x20 || d[i] > 0x7e) && d[i] != '\t' && d[i] != '\n' && d[i] != '\r')
			return false;
	return true;
}

prof_profile *prof_decode_pb(const uint8_t *data, size_t len, prof_err *err)
{
	decoder dc = {.base = data, .len = len, .err = err};
	dc.p = prof_profile_new();
	arena_init(&dc.scratch, 64 * 1024);
	dc.alloc = (ProtobufCAllocator){pb_alloc, pb_free, &dc.scratch};

	static const uint32_t all[] = {F_SAMPLE_TYPE, F_SAMPLE, F_MAPPING, F_LOCATION, F_FUNCTION,
	                               F_STRING_TABLE, F_DROP_FRAMES, F_KEEP_FRAMES, F_TIME_NANOS,
	                               F_DURATION_NANOS, F_PERIOD_TYPE, F_PERIOD, F_COMMENT,
	                               F_DEFAULT_SAMPLE_TYPE, 0};
	static const uint32_t headers[] = {F_SAMPLE_TYPE, F_MAPPING, F_FUNCTION, F_DROP_FRAMES,
	                                   F_KEEP_FRAMES, F_TIME_NANOS, F_DURATION_NANOS,
	                                   F_PERIOD_TYPE, F_PERIOD, F_COMMENT,
	                                   F_DEFAULT_SAMPLE_TYPE, 0};
	static const uint32_t locations[] = {F_LOCATION, 0};
	static const uint32_t samples[] = {F_SAMPLE, 0};

	bool ok = each_field(&dc, all, pass_structure);
	if (!ok && err->set && (strncmp(err->msg, "byte 0:", 7) == 0 || looks_like_text(data, len))) {
		/* Nothing parsed at all: most likely not a profile, not a damaged one. */
		err->set = false;
		prof_errf(err, "unrecognized profile format (not a pprof protobuf profile)");
	}
	if (ok && dc.nstr == 0 && len > 0)
		ok = prof_errf(err, "the profile has no string table (not even its empty string 0)");
	else if (ok && dc.strs[0] != 0)
		ok = prof_errf(err, "string table entry 0 is \"%.40s\", but it must be empty",
		               prof_str(dc.p, dc.strs[0]));
	ok = ok && each_field(&dc, headers, pass_headers);
	ok = ok && each_field(&dc, locations, pass_locations);
	ok = ok && each_field(&dc, samples, pass_samples);

	prof_stack_index_free(&dc.ss.stacks);
	free(dc.ss.locs);
	free(dc.strs);
	idmap_free(&dc.mappings);
	idmap_free(&dc.functions);
	idmap_free(&dc.locations);
	arena_free(&dc.scratch);
	if (!ok) {
		prof_profile_free(dc.p);
		return NULL;
	}
	return dc.p;
}
