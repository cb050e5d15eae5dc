/*
 * top: pprof's text report ("top", "text"), byte for byte.
 *
 * Owns: the header labels (File, Build ID, comments, Type, Time, Duration,
 * Showing/Dropped lines), the choice of output unit, and the row layout.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/format.h"
#include "report/report.h"
#include "util/path.h"

void report_opts_init(report_opts *o)
{
	*o = (report_opts){.node_count = -1, .node_fraction = 0.005, .edge_fraction = 0.001,
	                   .unit = "minimum", .divide_by = 1.0, .granularity = GRAN_FUNCTIONS};
}

/* What one report run needs to format values: pprof's Report. */
typedef struct rctx {
	const prof_profile *p;
	const char *sample_type; /* with "mean_" when -mean */
	const char *sample_unit;
	const char *output_unit;
	double ratio;
	int64_t total;
} rctx;

static void format_value(const rctx *r, int64_t v, char *buf, size_t n)
{
	if (r->ratio > 0 && r->ratio != 1)
		v = (int64_t)((double)v * r->ratio);
	fmt_scaled_label(buf, n, v, r->sample_unit, r->output_unit);
}

/* pprof's selectOutputUnit: a unit fitting the smallest and largest values. */
static void select_output_unit(rctx *r, const graph *g, const char *requested, char *buf, size_t bufn)
{
	r->output_unit = requested;
	if (strcmp(requested, "minimum") != 0 || g->nnodes == 0)
		return;
	int64_t min = 0;
	for (uint32_t k = 0; k < g->nnodes; k++) {
		uint32_t n = g->nodes[k];
		int64_t v = abs64(graph_flat_value(g, n));
		if (v == 0)
			v = abs64(graph_cum_value(g, n));
		if (v > 0 && (min == 0 || v < min))
			min = v;
	}
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
	snprintf(buf, bufn, "%s", *u ? u : r->sample_unit);
	r->output_unit = buf;
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

/* Go's "Jan 2, 2006 at 3:04pm (MST)" in local time. */
static void format_time(int64_t nanos, char *buf, size_t n)
{
	static const char *const mon[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int64_t secs = nanos / 1000000000;
	if (nanos % 1000000000 < 0)
		secs--;
	time_t t = (time_t)secs;
	struct tm tm;
	if (!localtime_r(&t, &tm)) {
		snprintf(buf, n, "?");
		return;
	}
	int h = tm.tm_hour % 12;
	char zone[48];
	if (tm.tm_zone && *tm.tm_zone) {
		snprintf(zone, sizeof zone, "%s", tm.tm_zone);
	} else {
		long off = tm.tm_gmtoff / 60;
		snprintf(zone, sizeof zone, "%c%02ld%02ld", off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
	}
	snprintf(buf, n, "%s %d, %d at %d:%02d%s (%s)", mon[tm.tm_mon], tm.tm_mday, tm.tm_year + 1900,
	         h ? h : 12, tm.tm_min, tm.tm_hour < 12 ? "am" : "pm", zone);
}

/* pprof's ProfileLabels: the lines every report starts with. */
static void profile_labels(FILE *out, const rctx *r)
{
	const prof_profile *p = r->p;
	char buf[4096];
	if (p->nmapping > 0) {
		const prof_mapping *m = &p->mappings[0];
		const char *file = prof_str(p, m->file);
		const char *bid = prof_str(p, m->build_id);
		if (!*bid && has_url_scheme(file))
			file = ""; /* pprof's unsourceMappings */
		if (*file)
			fprintf(out, "File: %s\n", path_base(file, buf, sizeof buf));
		if (*bid)
			fprintf(out, "Build ID: %s\n", bid);
	}
	for (size_t i = 0; i < p->ncomment; i++) {
		const char *c = prof_str(p, p->comments[i]);
		if (c[0] != '#')
			fprintf(out, "%s\n", c);
	}
	if (*r->sample_type)
		fprintf(out, "Type: %s\n", r->sample_type);
	if (p->time_nanos != 0) {
		format_time(p->time_nanos, buf, sizeof buf);
		fprintf(out, "Time: %s\n", buf);
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
		format_value(r, r->total, tot, sizeof tot);
		fprintf(out, "Duration: %s, Total samples = %s %s\n", dur, tot, ratio);
	}
}

static const char *trim_space(char *s)
{
	while (*s == ' ')
		s++;
	return s;
}

bool report_top(FILE *out, prof_profile *p, const report_opts *o, prof_err *err)
{
	int si = prof_sample_index(p, o->sample_index, err);
	if (si < 0)
		return false;
	if (o->divide_by == 0)
		return prof_errf(err, "zero divisor specified");
	char stype[512];
	snprintf(stype, sizeof stype, "%s%s", o->mean ? "mean_" : "", prof_str(p, p->sample_types[si].type));
	rctx r = {.p = p, .sample_type = stype, .sample_unit = prof_str(p, p->sample_types[si].unit),
	          .ratio = 1 / o->divide_by};

	graph_weights gw;
	graph_weights_compute(&gw, p, si, o->mean);
	r.total = gw.total;
	graph_index *ix = graph_index_new(p, o->granularity, o->noinlines);
	graph_trim_opts to = {.node_fraction = o->node_fraction, .edge_fraction = o->edge_fraction,
	                      .node_count = o->node_count < 0 ? 0 : o->node_count,
	                      .cum_sort = o->cum_sort, .drop_negative = o->drop_negative,
	                      .edges = GRAPH_EDGES_INLINE_TARGETS};
	graph_trim_result tr = graph_trimmed(ix, &gw, &to);
	graph *g = tr.g;
	char unitbuf[64];
	select_output_unit(&r, g, o->unit, unitbuf, sizeof unitbuf);

	profile_labels(out, &r);
	int64_t flat_sum = 0;
	for (uint32_t k = 0; k < g->nnodes; k++)
		flat_sum += graph_flat_value(g, g->nodes[k]);
	char a[64], b[64], c[64], d[64];
	format_value(&r, flat_sum, a, sizeof a);
	fmt_percentage(b, sizeof b, flat_sum, r.total);
	format_value(&r, r.total, c, sizeof c);
	fprintf(out, "Showing nodes accounting for %s, %s of %s total\n", a, trim_space(b), c);
	if (r.total != 0) {
		if (tr.dropped_nodes > 0) {
			format_value(&r, abs64((int64_t)((double)r.total * o->node_fraction)), a, sizeof a);
			fprintf(out, "Dropped %d node%s (cum <= %s)\n", tr.dropped_nodes,
			        tr.dropped_nodes > 1 ? "s" : "", a);
		}
		if (g->nnodes > 0 && (int)g->nnodes < tr.orig_count)
			fprintf(out, "Showing top %u nodes out of %d\n", g->nnodes, tr.orig_count);
	}
	fprintf(out, "%10s %5s%% %5s%% %10s %5s%%\n", "flat", "flat", "sum", "cum", "cum");
	uint8_t *inl = xmalloc(ix->ninfo + 1);
	graph_inline_flags(g, inl);
	int64_t running = 0;
	for (uint32_t k = 0; k < g->nnodes; k++) {
		uint32_t n = g->nodes[k];
		int64_t flat = graph_flat_value(g, n), cum = graph_cum_value(g, n);
		running += flat;
		format_value(&r, flat, a, sizeof a);
		fmt_percentage(b, sizeof b, flat, r.total);
		fmt_percentage(c, sizeof c, running, r.total);
		char cumv[64];
		format_value(&r, cum, cumv, sizeof cumv);
		fmt_percentage(d, sizeof d, cum, r.total);
		const char *label = graph_inline_label(inl[n]);
		fprintf(out, "%10s %s %s %10s %s  %s%s%s\n", a, b, c, cumv, d, ix->printable[n],
		        *label ? " " : "", label);
	}
	free(inl);
	graph_free(g);
	graph_index_free(ix);
	graph_weights_free(&gw);
	return true;
}
