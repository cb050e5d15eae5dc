/*
 * proto_out: pprof's -proto. The profile as the merges, the base
 * subtraction, the label frames and the filters left it, written back as a
 * gzip'd perftools.profiles.Profile message.
 *
 * Owns: the model -> message mapping, the output's string table and ids, and
 * the gzip stream. Like pprof, it writes every sample type (-sample_index
 * only has to name a valid one), scales values by -divide_by, and ignores
 * granularity (pprof forces addresses for this format, which leaves the
 * profile as it is, but for -noinlines: see report.c).
 *
 * Streaming. A profile with a million samples must not be held twice: each
 * sample, location, function and mapping is packed by protobuf-c on its own
 * as one length-delimited field of the Profile and deflated at once, so the
 * only extra memory is bookkeeping per string, stack and location. A
 * Profile message is the concatenation of its fields, so this is the same
 * encoding as packing one big message; the fields come in Go's order.
 *
 * Ids and strings. Model ids may clash once label frames are added, so
 * ids are made afresh: 1, 2, ... in model order. Only the locations and
 * functions the samples reach are written (as pprof's own merge keeps
 * them); every mapping is, in order, so the first one (pprof's "File:")
 * stays first. The string table holds only strings something written refers
 * to, in model order from "" at 0; it is written by hand because protobuf-c
 * stops a string at its first NUL and the model's strings may hold NULs.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "profile.pb-c.h"
#include "report/internal.h"

/* Top-level Profile field numbers (proto/profile.proto). */
enum { F_SAMPLE_TYPE = 1, F_SAMPLE = 2, F_MAPPING = 3, F_LOCATION = 4, F_FUNCTION = 5, F_STRING_TABLE = 6 };

/* A protobuf-c output buffer that deflates into a FILE * as bytes arrive. */
typedef struct gz_sink {
	ProtobufCBuffer base; /* first: protobuf-c hands us back a pointer to it */
	z_stream z;
	FILE *out;
	bool failed;
	uint8_t chunk[1 << 15];
} gz_sink;

/* Runs deflate with flush until it wants more input (or ends), writing what it makes. */
static void sink_deflate(gz_sink *s, int flush)
{
	if (s->failed)
		return;
	for (;;) {
		s->z.next_out = s->chunk;
		s->z.avail_out = sizeof s->chunk;
		int rc = deflate(&s->z, flush);
		if (rc == Z_STREAM_ERROR) {
			s->failed = true;
			return;
		}
		size_t made = sizeof s->chunk - s->z.avail_out;
		if (made && fwrite(s->chunk, 1, made, s->out) != made) {
			s->failed = true;
			return;
		}
		if (flush == Z_FINISH ? rc == Z_STREAM_END : s->z.avail_out != 0)
			return;
	}
}

static void sink_append(ProtobufCBuffer *b, size_t len, const uint8_t *data)
{
	gz_sink *s = (gz_sink *)b;
	/* avail_in is 32 bits: feed large appends in pieces. */
	while (len > 0 && !s->failed) {
		uInt n = len > (1u << 30) ? (1u << 30) : (uInt)len;
		s->z.next_in = (Bytef *)(uintptr_t)data;
		s->z.avail_in = n;
		sink_deflate(s, Z_NO_FLUSH);
		data += n;
		len -= n;
	}
}

static void put_varint(gz_sink *s, uint64_t v)
{
	uint8_t b[10];
	size_t n = 0;
	while (v >= 0x80) {
		b[n++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	b[n++] = (uint8_t)v;
	sink_append(&s->base, n, b);
}

/* One length-delimited top-level field holding bytes d[0..n). */
static void put_bytes(gz_sink *s, unsigned field, const void *d, size_t n)
{
	put_varint(s, (uint64_t)field << 3 | 2);
	put_varint(s, n);
	sink_append(&s->base, n, d);
}

/* One top-level field holding message m, packed by protobuf-c straight into the stream. */
static void put_message(gz_sink *s, unsigned field, const ProtobufCMessage *m)
{
	put_varint(s, (uint64_t)field << 3 | 2);
	put_varint(s, protobuf_c_message_get_packed_size(m));
	protobuf_c_message_pack_to_buffer(m, &s->base);
}

/*
 * pprof's printProto: v * ratio, truncated as Go's int64(float64) does.
 * Out of range (a hostile profile) gives what Go gives on amd64, INT64_MIN,
 * where a C cast would be undefined.
 */
static int64_t scale(int64_t v, double ratio)
{
	double d = (double)v * ratio;
	if (!(d > -9223372036854775808.0 && d < 9223372036854775808.0))
		return INT64_MIN;
	return (int64_t)d;
}

/* What the samples reach, with the output's ids and string indices. */
typedef struct used {
	uint32_t *loc, *fn;  /* model location / function -> output id; 0 unused */
	uint32_t *str;       /* model string id -> output index + 1; 0 unused */
	size_t nstr;         /* strings in the output table */
	size_t maxstack, maxlabels;
} used;

static void mark_str(used *u, prof_strid id)
{
	u->str[id] = 1;
}

/*
 * Every sample is written, in order, zero ones too (those scaling makes zero
 * as well): pprof writes them, and a single profile is read back unmerged.
 */
static void mark_used(const prof_profile *p, used *u)
{
	u->loc = xcalloc(p->nlocation + 1, sizeof *u->loc);
	u->fn = xcalloc(p->nfunction + 1, sizeof *u->fn);
	u->str = xcalloc(p->strs.n + 1, sizeof *u->str);
	uint8_t *stack_seen = xcalloc(p->nstack + 1, 1);
	mark_str(u, 0);
	for (size_t i = 0; i < p->nsample; i++) {
		const prof_sample *s = &p->samples[i];
		if (s->nlabel > u->maxlabels)
			u->maxlabels = s->nlabel;
		for (uint32_t k = 0; k < s->nlabel; k++) {
			const prof_label *l = &p->labels[s->label_off + k];
			mark_str(u, l->key);
			mark_str(u, l->str);
			mark_str(u, l->num_unit);
		}
		if (stack_seen[s->stack])
			continue;
		stack_seen[s->stack] = 1;
		const prof_stack *st = &p->stacks[s->stack];
		if (st->len > u->maxstack)
			u->maxstack = st->len;
		for (uint32_t k = 0; k < st->len; k++)
			u->loc[prof_stack_loc(p, st, k)] = 1;
	}
	free(stack_seen);
	/* Ids 1..n in model order, with no gaps: writing the output again gives the same bytes. */
	uint32_t id = 0;
	for (size_t i = 0; i < p->nlocation; i++) {
		if (!u->loc[i])
			continue;
		u->loc[i] = ++id;
		const prof_location *l = &p->locations[i];
		for (uint32_t k = 0; k < l->nline; k++)
			u->fn[p->lines[l->line_off + k].function] = 1;
	}
	id = 0;
	for (size_t i = 0; i < p->nfunction; i++) {
		if (!u->fn[i])
			continue;
		u->fn[i] = ++id;
		mark_str(u, p->functions[i].name);
		mark_str(u, p->functions[i].system_name);
		mark_str(u, p->functions[i].filename);
	}
	for (size_t i = 0; i < p->nmapping; i++) {
		mark_str(u, p->mappings[i].file);
		mark_str(u, p->mappings[i].build_id);
	}
	for (size_t i = 0; i < p->nsample_type; i++) {
		mark_str(u, p->sample_types[i].type);
		mark_str(u, p->sample_types[i].unit);
	}
	mark_str(u, p->period_type.type);
	mark_str(u, p->period_type.unit);
	for (size_t i = 0; i < p->ncomment; i++)
		mark_str(u, p->comments[i]);
	mark_str(u, p->drop_frames);
	mark_str(u, p->keep_frames);
	mark_str(u, p->default_sample_type);
	mark_str(u, p->doc_url);
	/* Model order keeps "" first (id 0). */
	for (size_t i = 0; i < p->strs.n; i++)
		if (u->str[i])
			u->str[i] = (uint32_t)++u->nstr;
}

static void used_free(used *u)
{
	free(u->loc);
	free(u->fn);
	free(u->str);
}

static int64_t sx(const used *u, prof_strid id)
{
	return (int64_t)u->str[id] - 1;
}

static void put_value_type(gz_sink *s, unsigned field, const used *u, prof_valuetype vt)
{
	Perftools__Profiles__ValueType m = PERFTOOLS__PROFILES__VALUE_TYPE__INIT;
	m.type = sx(u, vt.type);
	m.unit = sx(u, vt.unit);
	put_message(s, field, &m.base);
}

static void put_samples(gz_sink *s, const prof_profile *p, const used *u, double ratio)
{
	size_t nt = p->nsample_type;
	uint64_t *ids = xmalloc((u->maxstack + 1) * sizeof *ids);
	int64_t *vals = xmalloc((nt + 1) * sizeof *vals);
	Perftools__Profiles__Label *labels = xmalloc((u->maxlabels + 1) * sizeof *labels);
	Perftools__Profiles__Label **lp = xmalloc((u->maxlabels + 1) * sizeof *lp);
	bool scaled = ratio > 0 && ratio != 1;
	for (size_t i = 0; i < p->nsample && !s->failed; i++) {
		const prof_sample *sm = &p->samples[i];
		const prof_stack *st = &p->stacks[sm->stack];
		Perftools__Profiles__Sample m = PERFTOOLS__PROFILES__SAMPLE__INIT;
		for (uint32_t k = 0; k < st->len; k++)
			ids[k] = u->loc[prof_stack_loc(p, st, k)];
		for (size_t k = 0; k < nt; k++) {
			int64_t v = prof_value(p, i, k);
			vals[k] = scaled ? scale(v, ratio) : v;
		}
		for (uint32_t k = 0; k < sm->nlabel; k++) {
			const prof_label *l = &p->labels[sm->label_off + k];
			labels[k] = (Perftools__Profiles__Label)PERFTOOLS__PROFILES__LABEL__INIT;
			labels[k].key = sx(u, l->key);
			labels[k].str = sx(u, l->str);
			labels[k].num = l->num;
			labels[k].num_unit = sx(u, l->num_unit);
			lp[k] = &labels[k];
		}
		m.n_location_id = st->len;
		m.location_id = ids;
		m.n_value = nt;
		m.value = vals;
		m.n_label = sm->nlabel;
		m.label = lp;
		put_message(s, F_SAMPLE, &m.base);
	}
	free(ids);
	free(vals);
	free(labels);
	free(lp);
}

static void put_mappings(gz_sink *s, const prof_profile *p, const used *u)
{
	for (size_t i = 0; i < p->nmapping; i++) {
		const prof_mapping *pm = &p->mappings[i];
		Perftools__Profiles__Mapping m = PERFTOOLS__PROFILES__MAPPING__INIT;
		m.id = i + 1;
		m.memory_start = pm->start;
		m.memory_limit = pm->limit;
		m.file_offset = pm->offset;
		m.filename = sx(u, pm->file);
		m.build_id = sx(u, pm->build_id);
		m.has_functions = pm->has_functions;
		m.has_filenames = pm->has_filenames;
		m.has_line_numbers = pm->has_line_numbers;
		m.has_inline_frames = pm->has_inline_frames;
		put_message(s, F_MAPPING, &m.base);
	}
}

static void put_locations(gz_sink *s, const prof_profile *p, const used *u)
{
	uint32_t maxline = 0;
	for (size_t i = 0; i < p->nlocation; i++)
		if (u->loc[i] && p->locations[i].nline > maxline)
			maxline = p->locations[i].nline;
	Perftools__Profiles__Line *lines = xmalloc((maxline + 1) * sizeof *lines);
	Perftools__Profiles__Line **lp = xmalloc((maxline + 1) * sizeof *lp);
	for (size_t i = 0; i < p->nlocation && !s->failed; i++) {
		if (!u->loc[i])
			continue;
		const prof_location *pl = &p->locations[i];
		Perftools__Profiles__Location m = PERFTOOLS__PROFILES__LOCATION__INIT;
		m.id = u->loc[i];
		m.mapping_id = pl->mapping == PROF_NONE ? 0 : (uint64_t)pl->mapping + 1;
		m.address = pl->address;
		m.is_folded = pl->is_folded;
		for (uint32_t k = 0; k < pl->nline; k++) {
			const prof_line *ln = &p->lines[pl->line_off + k];
			lines[k] = (Perftools__Profiles__Line)PERFTOOLS__PROFILES__LINE__INIT;
			lines[k].function_id = u->fn[ln->function];
			lines[k].line = ln->line;
			lines[k].column = ln->column;
			lp[k] = &lines[k];
		}
		m.n_line = pl->nline;
		m.line = lp;
		put_message(s, F_LOCATION, &m.base);
	}
	free(lines);
	free(lp);
}

static void put_functions(gz_sink *s, const prof_profile *p, const used *u)
{
	for (size_t i = 0; i < p->nfunction && !s->failed; i++) {
		if (!u->fn[i])
			continue;
		const prof_function *pf = &p->functions[i];
		Perftools__Profiles__Function m = PERFTOOLS__PROFILES__FUNCTION__INIT;
		m.id = u->fn[i];
		m.name = sx(u, pf->name);
		m.system_name = sx(u, pf->system_name);
		m.filename = sx(u, pf->filename);
		m.start_line = pf->start_line;
		put_message(s, F_FUNCTION, &m.base);
	}
}

/* drop_frames through doc_url: small, so one protobuf-c Profile. */
static void put_tail(gz_sink *s, const prof_profile *p, const used *u)
{
	Perftools__Profiles__Profile m = PERFTOOLS__PROFILES__PROFILE__INIT;
	Perftools__Profiles__ValueType pt = PERFTOOLS__PROFILES__VALUE_TYPE__INIT;
	pt.type = sx(u, p->period_type.type);
	pt.unit = sx(u, p->period_type.unit);
	int64_t *comments = xmalloc((p->ncomment + 1) * sizeof *comments);
	for (size_t i = 0; i < p->ncomment; i++)
		comments[i] = sx(u, p->comments[i]);
	m.drop_frames = sx(u, p->drop_frames);
	m.keep_frames = sx(u, p->keep_frames);
	m.time_nanos = p->time_nanos;
	m.duration_nanos = p->duration_nanos;
	/* Go writes the period type only when it has one. */
	if (pt.type || pt.unit)
		m.period_type = &pt;
	m.period = p->period;
	m.n_comment = p->ncomment;
	m.comment = comments;
	m.default_sample_type = sx(u, p->default_sample_type);
	m.doc_url = sx(u, p->doc_url);
	protobuf_c_message_pack_to_buffer(&m.base, &s->base);
	free(comments);
}

bool report_proto_rctx(FILE *out, rctx *r)
{
	const prof_profile *p = r->p;
	gz_sink s = {.base = {.append = sink_append}, .out = out};
	/* Go's gzip.NewWriter: default compression, a gzip (not zlib) header. */
	if (deflateInit2(&s.z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		prof_oom();
	used u = {0};
	mark_used(p, &u);

	for (size_t i = 0; i < p->nsample_type; i++)
		put_value_type(&s, F_SAMPLE_TYPE, &u, p->sample_types[i]);
	put_samples(&s, p, &u, r->ratio);
	put_mappings(&s, p, &u);
	put_locations(&s, p, &u);
	put_functions(&s, p, &u);
	for (size_t i = 0; i < p->strs.n && !s.failed; i++)
		if (u.str[i])
			put_bytes(&s, F_STRING_TABLE, prof_bytes(p, (prof_strid)i), prof_strlen(p, (prof_strid)i));
	put_tail(&s, p, &u);
	sink_deflate(&s, Z_FINISH);
	deflateEnd(&s.z);
	used_free(&u);
	if (s.failed || ferror(out))
		return prof_errf(r->err, "writing the profile failed");
	return true;
}
