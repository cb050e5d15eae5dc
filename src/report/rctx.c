/*
 * rctx: what every report shares once report_run has prepared it: values
 * in the chosen unit, and pprof's header lines (File, Type, Time, Doc,
 * Showing nodes ...), for text reports and for dot's legend alike.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report/internal.h"
#include "util/path.h"
#include "util/units.h"

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
	if (!*prof_str(p, m->build_id) && path_is_url(file))
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

void rctx_report_label_lines(const rctx *r, const graph *g, int orig_count, int dropped_nodes, char ***lines,
                             size_t *n)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		prof_oom();
	rctx_report_labels(mem, r, g, orig_count, dropped_nodes);
	fclose(mem);
	*lines = NULL;
	*n = 0;
	for (char *line = buf, *nl; line < buf + len; line = nl + 1) {
		nl = memchr(line, '\n', (size_t)(buf + len - line));
		if (!nl)
			nl = buf + len;
		GROW(*lines, cap, *n + 1);
		(*lines)[(*n)++] = strndup(line, (size_t)(nl - line));
	}
	free(buf);
}

void rctx_row_cells(const rctx *r, int64_t flat, int64_t sum, int64_t cum, char flat_s[64], char flat_pct[16],
                    char sum_pct[16], char cum_s[64], char cum_pct[16])
{
	rctx_value(r, flat, flat_s, 64);
	fmt_percentage(flat_pct, 16, flat, r->total);
	fmt_percentage(sum_pct, 16, sum, r->total);
	rctx_value(r, cum, cum_s, 64);
	fmt_percentage(cum_pct, 16, cum, r->total);
}
