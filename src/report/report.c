/*
 * report: the driver shared by every text report. Picks the value and the
 * total, applies the filters, then hands the prepared rctx to the report.
 * Also owns pprof's header lines and unit selection.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/format.h"
#include "report/internal.h"
#include "util/path.h"
#include "xform/tagroot.h"

void report_opts_init(report_opts *o)
{
	*o = (report_opts){.node_count = -1, .node_fraction = 0.005, .edge_fraction = 0.001,
	                   .unit = "minimum", .divide_by = 1.0, .granularity = GRAN_FUNCTIONS, .trim = true};
}

void rctx_value(const rctx *r, int64_t v, char *buf, size_t n)
{
	if (r->ratio > 0 && r->ratio != 1)
		v = (int64_t)((double)v * r->ratio);
	fmt_scaled_label(buf, n, v, r->sample_unit, r->output_unit);
}

/* pprof's selectOutputUnit: a unit fitting the smallest and largest values. */
void rctx_select_unit(rctx *r, const graph *g)
{
	int64_t min = 0;
	for (uint32_t k = 0; k < g->nnodes; k++) {
		uint32_t n = g->nodes[k];
		int64_t v = abs64(graph_flat_value(g, n));
		if (v == 0)
			v = abs64(graph_cum_value(g, n));
		if (v > 0 && (min == 0 || v < min))
			min = v;
	}
	rctx_select_unit_min(r, g->nnodes, min);
}

void rctx_select_unit_min(rctx *r, uint32_t nnodes, int64_t min)
{
	const char *requested = r->o->unit;
	r->output_unit = requested;
	if (strcmp(requested, "minimum") != 0 || nnodes == 0)
		return;
	int64_t max = r->total;
	if (min == 0)
		min = max;
	if (r->ratio > 0 && r->ratio != 1) {
		min = (int64_t)((double)min * r->ratio);
		max = (int64_t)((double)max * r->ratio);
	}
	const char *minu, *maxu, *u;
	fmt_scale(min, r->sample_unit, "minimum", &minu);
	fmt_scale(max, r->sample_unit, "minimum", &maxu);
	u = minu;
	if (strcmp(minu, maxu) != 0 && min * 100 < max)
		fmt_scale(100 * min, r->sample_unit, "minimum", &u);
	snprintf(r->unitbuf, sizeof r->unitbuf, "%s", *u ? u : r->sample_unit);
	r->output_unit = r->unitbuf;
}

/* Go's url.Parse(s).IsAbs(): does s start with a scheme? */
static bool has_url_scheme(const char *s)
{
	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
		return false;
	for (const char *c = s + 1; *c; c++) {
		if (*c == ':')
			return true;
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		      *c == '+' || *c == '-' || *c == '.'))
			return false;
	}
	return false;
}

/* Go's "2006-01-02 15:04:05 MST" in local time, as pprof's headers print it. */
static void format_time(int64_t nanos, char *buf, size_t n)
{
	int64_t secs = nanos / 1000000000;
	if (nanos % 1000000000 < 0)
		secs--;
	time_t t = (time_t)secs;
	struct tm tm;
	if (!localtime_r(&t, &tm)) {
		snprintf(buf, n, "?");
		return;
	}
	char zone[48];
	if (tm.tm_zone && *tm.tm_zone) {
		snprintf(zone, sizeof zone, "%s", tm.tm_zone);
	} else {
		long off = tm.tm_gmtoff / 60;
		snprintf(zone, sizeof zone, "%c%02ld%02ld", off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
	}
	snprintf(buf, n, "%04d-%02d-%02d %02d:%02d:%02d %s", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	         tm.tm_hour, tm.tm_min, tm.tm_sec, zone);
}

static void print_line(void *out, const char *line)
{
	fprintf(out, "%s\n", line);
}

/* Formats one label of any length and hands it to emit. */
static void emitf(rctx_label_fn emit, void *ctx, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *line = xmalloc(n > 0 ? (size_t)n + 1 : 1);
	va_start(ap, fmt);
	vsnprintf(line, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
	va_end(ap);
	emit(ctx, line);
	free(line);
}

/* pprof's ProfileLabels: the lines every report starts with. */
void rctx_profile_labels(FILE *out, const rctx *r)
{
	rctx_profile_label_list(r, print_line, out);
}

void rctx_profile_label_list(const rctx *r, rctx_label_fn emit, void *ctx)
{
	const prof_profile *p = r->p;
	char buf[4096];
	if (p->nmapping > 0) {
		const char *file = rctx_mapping_file(p);
		const char *bid = prof_str(p, p->mappings[0].build_id);
		if (*file)
			emitf(emit, ctx, "File: %s", path_base(file, buf, sizeof buf));
		if (*bid)
			emitf(emit, ctx, "Build ID: %s", bid);
	}
	for (size_t i = 0; i < p->ncomment; i++) {
		const char *c = prof_str(p, p->comments[i]);
		if (c[0] != '#')
			emit(ctx, c);
	}
	if (*r->sample_type)
		emitf(emit, ctx, "Type: %s", r->sample_type);
	if (p->doc_url)
		emitf(emit, ctx, "Doc: %s", prof_str(p, p->doc_url));
	if (p->time_nanos != 0) {
		format_time(p->time_nanos, buf, sizeof buf);
		emitf(emit, ctx, "Time: %s", buf);
	}
	if (p->duration_nanos != 0) {
		char dur[64], tot[64], pct[32], ratio[40] = "";
		fmt_scaled_label(dur, sizeof dur, p->duration_nanos, "nanoseconds", "auto");
		const char *u;
		double ns = fmt_scale(r->total, r->sample_unit, "nanoseconds", &u);
		if (strcmp(u, "ns") == 0 && ns != 0) {
			fmt_percentage(pct, sizeof pct, (int64_t)ns, p->duration_nanos);
			snprintf(ratio, sizeof ratio, "(%s)", pct);
		}
		rctx_value(r, r->total, tot, sizeof tot);
		emitf(emit, ctx, "Duration: %s, Total samples = %s %s", dur, tot, ratio);
	}
}

const char *rctx_mapping_file(const prof_profile *p)
{
	if (p->nmapping == 0)
		return "";
	const prof_mapping *m = &p->mappings[0];
	const char *file = prof_str(p, m->file);
	if (!*prof_str(p, m->build_id) && has_url_scheme(file))
		return ""; /* pprof's unsourceMappings */
	return file;
}

const char *rctx_trim_space(char *s)
{
	while (*s == ' ')
		s++;
	return s;
}


void rctx_filter_label_list(const rctx *r, rctx_label_fn emit, void *ctx)
{
	const prof_filters *f = &r->o->filters;
	const char *names[] = {"focus", "ignore", "hide", "show", "show_from", "tagfocus", "tagignore", "tagshow",
	                       "taghide"};
	const char *vals[] = {f->focus, f->ignore, f->hide, f->show, f->show_from, f->tagfocus, f->tagignore,
	                      f->tagshow, f->taghide};
	bool any = false;
	for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
		if (!vals[i] || !*vals[i])
			continue;
		if (!any)
			emit(ctx, "Active filters:");
		any = true;
		char line[512], cut[600];
		snprintf(line, sizeof line, "%s=%s", names[i], vals[i]);
		/* pprof cuts at 80 bytes and adds an ellipsis. */
		if (strlen(line) > 80)
			snprintf(cut, sizeof cut, "   %.80s\xe2\x80\xa6", line);
		else
			snprintf(cut, sizeof cut, "   %s", line);
		emit(ctx, cut);
	}
}

void rctx_report_labels(FILE *out, const rctx *r, const graph *g, int orig_count, int dropped_nodes)
{
	const report_opts *o = r->o;
	if (!o->compact_labels)
		rctx_profile_labels(out, r);
	rctx_filter_label_list(r, print_line, out);
	int64_t flat_sum = 0;
	for (uint32_t k = 0; k < g->nnodes; k++)
		flat_sum += graph_flat_value(g, g->nodes[k]);
	char a[64], b[64], c[64];
	rctx_value(r, flat_sum, a, sizeof a);
	fmt_percentage(b, sizeof b, flat_sum, r->total);
	rctx_value(r, r->total, c, sizeof c);
	fprintf(out, "Showing nodes accounting for %s, %s of %s total\n", a, rctx_trim_space(b), c);
	if (r->total != 0) {
		if (dropped_nodes > 0) {
			rctx_value(r, abs64((int64_t)((double)r->total * r->trim.node_fraction)), a, sizeof a);
			fprintf(out, "Dropped %d node%s (cum <= %s)\n", dropped_nodes, dropped_nodes > 1 ? "s" : "", a);
		}
		if (g->nnodes > 0 && (int)g->nnodes < orig_count)
			fprintf(out, "Showing top %u nodes out of %d\n", g->nnodes, orig_count);
	}
}

/*
 * pprof's computeTotal: the sum of |value|, divided by the summed counts with
 * -mean; with -diff_base, only the base's samples (label pprof::base=true).
 */
static int64_t profile_total(prof_profile *p, int si, bool mean)
{
	int64_t total = 0, div = 0, dtotal = 0, ddiv = 0;
	prof_strid key = prof_intern(p, "pprof::base", 11), yes = prof_intern(p, "true", 4);
	for (size_t s = 0; s < p->nsample; s++) {
		const int64_t *v = prof_sample_values(p, s);
		int64_t a = v[si] < 0 ? -v[si] : v[si], d = mean ? v[0] : 0;
		total += a;
		div += d;
		const prof_sample *sm = &p->samples[s];
		for (uint32_t i = 0; i < sm->nlabel; i++) {
			const prof_label *l = &p->labels[sm->label_off + i];
			if (l->key == key && l->str == yes) {
				dtotal += a;
				ddiv += d;
				break;
			}
		}
	}
	if (dtotal > 0) {
		total = dtotal;
		div = ddiv;
	}
	return div ? total / div : total;
}

/*
 * pprof's Aggregate for -proto and -raw with -noinlines (their granularity is
 * addresses): each location keeps only its outermost line, columns go, and
 * no mapping claims inline frames. Without -noinlines pprof leaves them be.
 */
static void drop_inline_frames(prof_profile *p)
{
	for (size_t i = 0; i < p->nmapping; i++)
		p->mappings[i].has_inline_frames = false;
	for (size_t i = 0; i < p->nlocation; i++) {
		prof_location *l = &p->locations[i];
		if (l->nline > 1) {
			l->line_off += l->nline - 1;
			l->nline = 1;
		}
		for (uint32_t k = 0; k < l->nline; k++)
			p->lines[l->line_off + k].column = 0;
	}
}

typedef enum {
	R_TOP, R_TREE, R_PEEK, R_TRACES, R_TAGS, R_COMMENTS, R_HEADER, R_LIST, R_RAW, R_FLAME, R_FOLDED,
	R_GOROUTINES, R_PROTO, R_DOT, R_IMAGE,
} report_kind;

static const struct {
	const char *name;
	report_kind kind;
} reports[] = {
	{"top", R_TOP}, {"text", R_TOP}, {"tree", R_TREE}, {"peek", R_PEEK},
	{"traces", R_TRACES}, {"tags", R_TAGS}, {"comments", R_COMMENTS},
	{"list", R_LIST}, {"raw", R_RAW}, {"proto", R_PROTO}, {"dot", R_DOT},
	/* pprof's images of the dot graph, drawn here by Graphviz's libraries */
	{"svg", R_IMAGE}, {"png", R_IMAGE}, {"gif", R_IMAGE}, {"ps", R_IMAGE}, {"pdf", R_IMAGE},
	/* prof's own reports */
	{"flame", R_FLAME}, {"folded", R_FOLDED}, {"goroutines", R_GOROUTINES},
	{"header", R_HEADER}, /* the shell's greeting; not a report */
};

const char *report_binary_ext(const char *name)
{
	static const char *const images[] = {"svg", "png", "gif", "ps", "pdf"};
	if (strcmp(name, "proto") == 0)
		return "pb.gz";
	for (size_t i = 0; i < sizeof images / sizeof *images; i++)
		if (strcmp(name, images[i]) == 0)
			return images[i];
	return NULL;
}

bool report_sanitizes(const char *name)
{
	return strcmp(name, "flame") == 0 || strcmp(name, "folded") == 0 || strcmp(name, "goroutines") == 0;
}

bool report_known(const char *name)
{
	for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++)
		if (reports[i].kind != R_HEADER && strcmp(reports[i].name, name) == 0)
			return true;
	return false;
}

bool report_run(FILE *out, prof_profile *p, const char *name, const char *arg, const report_opts *o, FILE *warn,
                prof_err *err)
{
	report_kind kind = R_TOP;
	for (size_t i = 0; i < sizeof reports / sizeof reports[0]; i++)
		if (strcmp(reports[i].name, name) == 0)
			kind = reports[i].kind;
	if (kind == R_COMMENTS) {
		for (size_t i = 0; i < p->ncomment; i++)
			fprintf(out, "%s\n", prof_str(p, p->comments[i]));
		return true;
	}
	rctx r = {.p = p, .o = o, .err = err};
	r.si = prof_sample_index(p, o->sample_index, err);
	if (r.si < 0)
		return false;
	if (o->divide_by == 0)
		return prof_errf(err, "zero divisor specified");
	snprintf(r.sample_type, sizeof r.sample_type, "%s%s", o->mean ? "mean_" : "",
	         prof_str(p, p->sample_types[r.si].type));
	r.sample_unit = prof_str(p, p->sample_types[r.si].unit);
	r.output_unit = o->unit;
	r.ratio = 1 / o->divide_by;

	if (kind == R_HEADER) {
		/* pprof's greeting: the header, and a hint when the default value is empty. */
		r.total = profile_total(p, r.si, o->mean);
		rctx_profile_labels(out, &r);
		if (r.total == 0 && p->nsample_type > 1)
			fputs("No samples were found with the default sample value type.\n"
			      "Try \"sample_index\" command to analyze different sample values.\n\n", out);
		return true;
	}
	/* pprof's applyCommandOverrides. */
	bool trim = o->trim && kind != R_PEEK;
	int node_count = o->node_count;
	if (node_count == -1)
		node_count = kind == R_TOP ? 0 : 80;
	r.trim = (graph_trim_opts){.node_fraction = o->node_fraction, .edge_fraction = o->edge_fraction,
	                           .node_count = node_count, .cum_sort = o->cum_sort,
	                           .drop_negative = o->drop_negative,
	                           .edges = kind == R_TOP ? GRAPH_EDGES_INLINE_TARGETS : GRAPH_EDGES_ALL};
	if (!trim) {
		r.trim.node_count = 0;
		r.trim.node_fraction = r.trim.edge_fraction = 0;
	}

	/*
	 * A merged profile (several inputs, or a base) is numbered as pprof's
	 * merge numbered it, before label frames and filters; a single input
	 * keeps its own ids, which raw prints as they are.
	 */
	raw_order *ro = NULL;
	if (kind == R_RAW && p->compacted)
		ro = report_raw_order_new(p);
	/* pprof adds label frames first, so every report (and filter) sees them. */
	prof_add_label_nodes(p, o->tagroot, o->tagleaf, o->unit, warn);
	/* The total comes before the filters unless -relative_percentages. */
	if (!o->relative_percentages)
		r.total = profile_total(p, r.si, o->mean);
	if (!prof_apply_filters(p, &o->filters, warn, err)) {
		report_raw_order_free(ro);
		return false;
	}
	if (o->relative_percentages)
		r.total = profile_total(p, r.si, o->mean);
	if ((kind == R_PROTO || kind == R_RAW) && o->noinlines)
		drop_inline_frames(p);
	/*
	 * pprof's proto format has no granularity, trimming or graph: the
	 * profile is the report, its samples as the filters left them.
	 */
	if (kind == R_PROTO) {
		bool ok = report_proto_rctx(out, &r);
		if (!ok && !err->set)
			prof_errf(err, "report failed");
		return ok;
	}
	graph_weights_compute(&r.gw, p, r.si, o->mean);
	r.ix = graph_index_new(p, o->granularity, o->noinlines, o->showcolumns);
	bool ok = false;
	switch (kind) {
	case R_TOP: ok = report_top_rctx(out, &r); break;
	case R_TREE: ok = report_tree_rctx(out, &r, NULL); break;
	case R_PEEK: ok = report_tree_rctx(out, &r, arg); break;
	case R_TRACES: ok = report_traces_rctx(out, &r); break;
	case R_TAGS: ok = report_tags_rctx(out, &r); break;
	case R_LIST: ok = report_list_rctx(out, &r, arg); break;
	case R_RAW: ok = ro ? report_raw_ordered(out, &r, ro) : report_raw_rctx(out, &r); break;
	case R_FLAME: ok = report_flame_rctx(out, &r); break;
	case R_FOLDED: ok = report_folded_rctx(out, &r); break;
	case R_GOROUTINES: ok = report_goroutines_rctx(out, &r); break;
	case R_DOT: ok = report_dot_rctx(out, &r); break;
	case R_IMAGE: ok = report_image_rctx(out, &r, name); break;
	case R_COMMENTS:
	case R_HEADER:
	case R_PROTO:
		break;
	}
	report_raw_order_free(ro);
	graph_index_free(r.ix);
	graph_weights_free(&r.gw);
	if (!ok && !err->set)
		prof_errf(err, "report failed");
	return ok;
}
