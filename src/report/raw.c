/*
 * raw: pprof's text dump of the whole profile (its Profile.String(), printed
 * by -raw).
 *
 * pprof prints the profile as its merge leaves it: every profile it loads
 * goes through profile.Merge, which drops samples whose values are all zero,
 * numbers mappings, functions and locations 1, 2, ... in order of first use
 * (the first mapping first, then samples in order, each stack leaf first),
 * shares equal ones (pprof's keys) and sums samples with the same stack and
 * labels. The model's merge (xform/merge) has summed the samples already;
 * its numbering (prof_merge_numbering, the order) gives the ids, and raw
 * prints the samples and locations as they stand, numbered as pprof's merge
 * numbered them, the way Profile.String does.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/internal.h"
#include "util/path.h"
#include "xform/filter.h"
#include "xform/merge.h"

/*
 * ---- pprof's numbering of a profile, taken before pruning and filters ----
 *
 * pprof numbers locations and mappings when it loads a profile, before it
 * prunes (drop_frames), adds label frames and filters, and it never numbers
 * them again. The order, taken from a profile before those steps, keeps that
 * numbering for report_raw_ordered on the same profile after them.
 */

struct raw_order {
	size_t nloc0, nmap0; /* the model's location and mapping counts when the order was taken */
	prof_numbering *nb;  /* the shared merge's numbering (xform/merge) */
	prof_mapping *maps;  /* per mapping number: its fields then (-noinlines changes them since) */
};

raw_order *report_raw_order_new(const prof_profile *p)
{
	raw_order *o = xcalloc(1, sizeof *o);
	o->nloc0 = p->nlocation;
	o->nmap0 = p->nmapping;
	o->nb = prof_merge_numbering(p);
	o->maps = xcalloc((size_t)o->nb->nmap + 1, sizeof *o->maps);
	for (uint32_t i = 0; i < o->nb->nmap && p->nmapping; i++)
		o->maps[i] = p->mappings[o->nb->map_rep[i]];
	return o;
}

void report_raw_order_free(raw_order *o)
{
	if (!o)
		return;
	prof_numbering_free(o->nb);
	free(o->maps);
	free(o);
}

/* ---- Go's formatting of times and durations ---- */

/* Go's Time.String for time.Unix(0, nanos) in local time. */
static void go_time(char *buf, size_t n, int64_t nanos)
{
	int64_t secs = nanos / 1000000000, ns = nanos % 1000000000;
	if (ns < 0) {
		ns += 1000000000;
		secs--;
	}
	time_t t = (time_t)secs;
	struct tm tm;
	if (!localtime_r(&t, &tm)) {
		snprintf(buf, n, "?");
		return;
	}
	char frac[16] = "";
	if (ns) {
		snprintf(frac, sizeof frac, ".%09" PRId64, ns);
		size_t l = strlen(frac);
		while (l > 1 && frac[l - 1] == '0') /* l > 1 also tells gcc -O3 it stays in bounds */
			frac[--l] = '\0';
	}
	long off = tm.tm_gmtoff;
	char sign = off < 0 ? '-' : '+';
	off = labs(off);
	char zone[64];
	if (tm.tm_zone && *tm.tm_zone)
		snprintf(zone, sizeof zone, "%s", tm.tm_zone);
	else
		snprintf(zone, sizeof zone, "%c%02ld%02ld", sign, off / 3600, off / 60 % 60);
	snprintf(buf, n, "%04d-%02d-%02d %02d:%02d:%02d%s %c%02ld%02ld %s", tm.tm_year + 1900, tm.tm_mon + 1,
	         tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac, sign, off / 3600, off / 60 % 60, zone);
}

/* Go's fmtFrac: writes ".ddd" of v % 10^prec before *w, without trailing zeros; returns v / 10^prec. */
static uint64_t go_frac(char *buf, size_t *w, uint64_t v, int prec)
{
	bool print = false;
	for (int i = 0; i < prec; i++) {
		int digit = (int)(v % 10);
		print = print || digit != 0;
		if (print)
			buf[--*w] = (char)('0' + digit);
		v /= 10;
	}
	if (print)
		buf[--*w] = '.';
	return v;
}

static void go_int(char *buf, size_t *w, uint64_t v)
{
	if (v == 0) {
		buf[--*w] = '0';
		return;
	}
	while (v > 0) {
		buf[--*w] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Go's Duration.String. */
static void go_duration(char *out, size_t n, int64_t d)
{
	char buf[40];
	size_t w = sizeof buf;
	uint64_t u = (uint64_t)d;
	bool neg = d < 0;
	if (neg)
		u = -u;
	if (u < 1000000000ull) {
		int prec;
		buf[--w] = 's';
		if (u == 0) {
			snprintf(out, n, "0s");
			return;
		} else if (u < 1000ull) {
			prec = 0;
			buf[--w] = 'n';
		} else if (u < 1000000ull) {
			prec = 3;
			buf[--w] = '\xb5';
			buf[--w] = '\xc2';
		} else {
			prec = 6;
			buf[--w] = 'm';
		}
		u = go_frac(buf, &w, u, prec);
		go_int(buf, &w, u);
	} else {
		buf[--w] = 's';
		u = go_frac(buf, &w, u, 9);
		go_int(buf, &w, u % 60);
		u /= 60;
		if (u > 0) {
			buf[--w] = 'm';
			go_int(buf, &w, u % 60);
			u /= 60;
			if (u > 0) {
				buf[--w] = 'h';
				go_int(buf, &w, u);
			}
		}
	}
	if (neg)
		buf[--w] = '-';
	snprintf(out, n, "%.*s", (int)(sizeof buf - w), buf + w);
}

/* fmt's "%.Nv" on a string: its first N runes. */
static void cut_runes(char *s, int runes)
{
	int seen = 0;
	for (char *c = s; *c; c++) {
		if (((unsigned char)*c & 0xc0) != 0x80) {
			if (seen == runes) {
				*c = '\0';
				return;
			}
			seen++;
		}
	}
}

/* ---- printing, as Profile.String ---- */

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/*
 * One label line: "key:[v1 v2]" per key, sorted as text. Numeric values show
 * their units when any value of the key has one.
 */
static void print_labels(FILE *out, const prof_profile *p, const prof_label *ls, uint32_t n, bool numeric)
{
	char **items = xcalloc((size_t)n + 1, sizeof *items);
	size_t ni = 0;
	for (uint32_t i = 0; i < n; i++) {
		bool num = ls[i].str == 0;
		if (num != numeric)
			continue;
		bool seen = false;
		for (uint32_t j = 0; j < i && !seen; j++)
			seen = ls[j].key == ls[i].key && (ls[j].str == 0) == numeric;
		if (seen)
			continue;
		bool units = false;
		for (uint32_t j = i; j < n && numeric; j++)
			if (ls[j].key == ls[i].key && ls[j].str == 0 && ls[j].num_unit)
				units = true;
		char *line = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&line, &len);
		if (!m)
			prof_oom();
		fprintf(m, "%s:[", prof_str(p, ls[i].key));
		bool first = true;
		for (uint32_t j = i; j < n; j++) {
			if (ls[j].key != ls[i].key || (ls[j].str == 0) != numeric)
				continue;
			if (!first)
				fputc(' ', m);
			first = false;
			if (!numeric)
				fputs(prof_str(p, ls[j].str), m);
			else if (units)
				fprintf(m, "%" PRId64 " %s", ls[j].num, prof_str(p, ls[j].num_unit));
			else
				fprintf(m, "%" PRId64, ls[j].num);
		}
		fputc(']', m);
		fclose(m);
		items[ni++] = line;
	}
	qsort(items, ni, sizeof *items, str_cmp);
	if (ni)
		fputs("                ", out);
	for (size_t i = 0; i < ni; i++) {
		fprintf(out, "%s%s", i ? " " : "", items[i]);
		free(items[i]);
	}
	if (ni)
		fputc('\n', out);
	free(items);
}

/* One location: id, address, mapping id (map_id 0: none), then its lines as file:line:column. */
static void print_location(FILE *out, const prof_profile *p, uint64_t id, uint64_t address, uint64_t map_id,
                           bool folded, const prof_location *cur)
{
	char head[96];
	int hl = address ? snprintf(head, sizeof head, "%6" PRIu64 ": %#" PRIx64 " ", id, address)
	                 : snprintf(head, sizeof head, "%6" PRIu64 ": 0x0 ", id);
	if (map_id)
		hl += snprintf(head + hl, sizeof head - (size_t)hl, "M=%" PRIu64 " ", map_id);
	if (folded)
		snprintf(head + hl, sizeof head - (size_t)hl, "[F] ");
	if (cur->nline == 0)
		fprintf(out, "%s\n", head);
	for (uint32_t k = 0; k < cur->nline; k++) {
		const prof_line *ln = &p->lines[cur->line_off + k];
		const prof_function *f = &p->functions[ln->function];
		fprintf(out, "%s%s %s:%" PRId64 ":%" PRId64 " s=%" PRId64, k ? "             " : head,
		        prof_str(p, f->name), prof_str(p, f->filename), ln->line, ln->column, f->start_line);
		if (f->name != f->system_name)
			fprintf(out, "(%s)", prof_str(p, f->system_name));
		fputc('\n', out);
	}
}

static void print_mapping(FILE *out, const prof_profile *p, uint64_t id, const prof_mapping *mp)
{
	const char *file = prof_str(p, mp->file);
	/* pprof's unsourceMappings: a URL is not a file. */
	if (!mp->build_id && path_is_url(file))
		file = "";
	char a[3][32];
	const uint64_t v[3] = {mp->start, mp->limit, mp->offset};
	for (int k = 0; k < 3; k++) {
		if (v[k])
			snprintf(a[k], sizeof a[k], "%#" PRIx64, v[k]);
		else
			snprintf(a[k], sizeof a[k], "0x0");
	}
	fprintf(out, "%" PRIu64 ": %s/%s/%s %s %s %s%s%s%s\n", id, a[0], a[1], a[2], file, prof_str(p, mp->build_id),
	        mp->has_functions ? "[FN]" : "", mp->has_filenames ? "[FL]" : "", mp->has_line_numbers ? "[LN]" : "",
	        mp->has_inline_frames ? "[IN]" : "");
}

static void print_header(FILE *out, const prof_profile *p)
{
	for (size_t i = 0; i < p->ncomment; i++)
		fprintf(out, "Comment: %s\n", prof_str(p, p->comments[i]));
	if (p->doc_url)
		fprintf(out, "Doc: %s\n", prof_str(p, p->doc_url));
	fprintf(out, "PeriodType: %s %s\n", prof_str(p, p->period_type.type), prof_str(p, p->period_type.unit));
	fprintf(out, "Period: %" PRId64 "\n", p->period);
	char buf[128];
	if (p->time_nanos != 0) {
		go_time(buf, sizeof buf, p->time_nanos);
		fprintf(out, "Time: %s\n", buf);
	}
	if (p->duration_nanos != 0) {
		go_duration(buf, sizeof buf, p->duration_nanos);
		cut_runes(buf, 4);
		fprintf(out, "Duration: %s\n", buf);
	}
	fputs("Samples:\n", out);

	/* The sample types, space separated, trimmed as strings.TrimSpace does. */
	char *types = NULL;
	size_t tlen = 0;
	FILE *m = open_memstream(&types, &tlen);
	if (!m)
		prof_oom();
	for (size_t i = 0; i < p->nsample_type; i++) {
		const prof_valuetype *st = &p->sample_types[i];
		fprintf(m, "%s/%s%s ", prof_str(p, st->type), prof_str(p, st->unit),
		        st->type == p->default_sample_type ? "[dflt]" : "");
	}
	fclose(m);
	const char *t = types;
	while (*t && is_space(*t))
		t++;
	size_t tl = strlen(t);
	while (tl > 0 && is_space(t[tl - 1]))
		tl--;
	fprintf(out, "%.*s\n", (int)tl, t);
	free(types);
}

/* Only string and numeric labels exist for pprof; others are dropped when decoding. */
static uint32_t pprof_labels(const prof_profile *p, const prof_sample *s, prof_label **labs, size_t *cap)
{
	GROW(*labs, *cap, (size_t)s->nlabel + 1);
	uint32_t n = 0;
	for (uint32_t k = 0; k < s->nlabel; k++) {
		const prof_label *l = &p->labels[s->label_off + k];
		if (l->str || prof_label_is_num(l))
			(*labs)[n++] = *l;
	}
	return n;
}

static void print_sample_labels(FILE *out, const prof_profile *p, const prof_sample *s, prof_label **labs,
                                size_t *cap)
{
	uint32_t n = pprof_labels(p, s, labs, cap);
	print_labels(out, p, *labs, n, false);
	print_labels(out, p, *labs, n, true);
}

/*
 * A merged profile's samples as they stand now (after label frames and
 * filters), numbered as pprof's merge numbered them before those steps.
 * Locations the numbering does not know (label frames added since) get
 * numbers after it, in their order.
 */
bool report_raw_ordered(FILE *out, rctx *r, const raw_order *o)
{
	const prof_profile *p = r->p;
	const prof_numbering *nb = o->nb;
	size_t nt = p->nsample_type;
	uint8_t *used = xcalloc(p->nlocation + 1, 1);
	for (size_t i = 0; i < p->nsample; i++) {
		if (prof_sample_is_zero(p, i))
			continue;
		const prof_stack *st = &p->stacks[p->samples[i].stack];
		for (uint32_t k = 0; k < st->len; k++)
			used[prof_stack_loc(p, st, k)] = 1;
	}
	uint32_t *ids = xmalloc((p->nlocation + 1) * sizeof *ids);
	uint32_t *extra = xmalloc((p->nlocation + 1) * sizeof *extra);
	size_t nextra = 0;
	for (size_t l = 0; l < p->nlocation; l++) {
		ids[l] = PROF_NONE;
		if (l < o->nloc0 && nb->loc_new[l] != PROF_NONE)
			ids[l] = nb->loc_new[l];
		else if (l >= o->nloc0 || used[l]) {
			ids[l] = (uint32_t)(nb->nloc + nextra);
			extra[nextra++] = (uint32_t)l;
		}
	}
	free(used);

	print_header(out, p);
	prof_label *labs = NULL;
	size_t caplabs = 0;
	for (size_t i = 0; i < p->nsample; i++) {
		if (prof_sample_is_zero(p, i))
			continue;
		const prof_sample *s = &p->samples[i];
		const prof_stack *st = &p->stacks[s->stack];
		for (size_t k = 0; k < nt; k++)
			fprintf(out, " %10" PRId64, prof_value(p, i, k));
		fputs(": ", out);
		for (uint32_t k = 0; k < st->len; k++)
			fprintf(out, "%" PRIu32 " ", ids[prof_stack_loc(p, st, k)] + 1);
		fputc('\n', out);
		print_sample_labels(out, p, s, &labs, &caplabs);
	}
	free(labs);

	fputs("Locations\n", out);
	for (uint32_t i = 0; i < nb->nloc; i++) {
		const prof_location *l = &p->locations[nb->loc_rep[i]];
		print_location(out, p, i + 1, nb->loc_addr[i], nb->loc_map[i] == PROF_NONE ? 0 : nb->loc_map[i] + 1,
		               l->is_folded, l);
	}
	for (size_t i = 0; i < nextra; i++) {
		const prof_location *l = &p->locations[extra[i]];
		uint32_t map = l->mapping != PROF_NONE && l->mapping < o->nmap0 ? nb->map_new[l->mapping] : PROF_NONE;
		print_location(out, p, nb->nloc + i + 1, l->address, map == PROF_NONE ? 0 : map + 1, l->is_folded, l);
	}

	fputs("Mappings\n", out);
	for (uint32_t i = 0; i < nb->nmap; i++)
		print_mapping(out, p, i + 1, &o->maps[i]);
	free(ids);
	free(extra);
	return true;
}

/*
 * A profile from a single input, which pprof does not merge: every sample,
 * location and mapping as recorded (zero samples too), with the file's ids,
 * as the filters left them.
 */
bool report_raw_rctx(FILE *out, rctx *r)
{
	const prof_profile *p = r->p;
	size_t nt = p->nsample_type;
	print_header(out, p);
	prof_label *labs = NULL;
	size_t caplabs = 0;
	for (size_t i = 0; i < p->nsample; i++) {
		const prof_sample *s = &p->samples[i];
		const prof_stack *st = &p->stacks[s->stack];
		for (size_t k = 0; k < nt; k++)
			fprintf(out, " %10" PRId64, prof_value(p, i, k));
		fputs(": ", out);
		for (uint32_t k = 0; k < st->len; k++)
			fprintf(out, "%" PRIu64 " ", p->locations[prof_stack_loc(p, st, k)].id);
		fputc('\n', out);
		print_sample_labels(out, p, s, &labs, &caplabs);
	}
	free(labs);

	/* pprof gives a profile without mappings one empty mapping, used by every location. */
	bool fake = p->nmapping == 0;
	fputs("Locations\n", out);
	for (size_t i = 0; i < p->nlocation; i++) {
		const prof_location *l = &p->locations[i];
		uint64_t map_id = fake ? 1 : l->mapping == PROF_NONE ? 0 : p->mappings[l->mapping].id;
		print_location(out, p, l->id, l->address, map_id, l->is_folded, l);
	}
	fputs("Mappings\n", out);
	if (fake)
		print_mapping(out, p, 1, &(prof_mapping){0});
	for (size_t i = 0; i < p->nmapping; i++)
		print_mapping(out, p, p->mappings[i].id, &p->mappings[i]);
	return true;
}
