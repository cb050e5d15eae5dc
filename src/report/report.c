/*
 * report: the driver shared by every text report. Picks the value and the
 * total, applies the filters, then hands the prepared rctx to the report
 * (rctx.c has what the reports share after that: units, header lines).
 */
#include <stdlib.h>
#include <string.h>

#include "report/commands.h"
#include "report/internal.h"
#include "util/cores.h"
#include "xform/tagroot.h"

void report_opts_init(report_opts *o)
{
	*o = (report_opts){.node_count = -1, .node_fraction = 0.005, .edge_fraction = 0.001,
	                   .unit = "minimum", .divide_by = 1.0, .granularity = GRAN_FUNCTIONS, .trim = true};
}

/* A share of report_profile_total: samples [s0, s1), their sums, and those of the samples labelled as a base's. */
typedef struct total_job {
	const prof_profile *p;
	size_t s0, s1;
	int si;
	bool mean;
	prof_strid key, yes; /* pprof::base=true */
	uint64_t total, div, dtotal, ddiv; /* wrapping as one sum would: the halves' sums add up to it */
} total_job;

static void *total_run(void *arg)
{
	total_job *j = arg;
	const prof_profile *p = j->p;
	for (size_t s = j->s0; s < j->s1; s++) {
		int64_t v = prof_value(p, s, (size_t)j->si);
		int64_t a = v < 0 ? -v : v, d = j->mean ? prof_value(p, s, 0) : 0;
		j->total += (uint64_t)a;
		j->div += (uint64_t)d;
		const prof_sample *sm = &p->samples[s];
		for (uint32_t i = 0; i < sm->nlabel; i++) {
			const prof_label *l = &p->labels[sm->label_off + i];
			if (l->key == j->key && l->str == j->yes) {
				j->dtotal += (uint64_t)a;
				j->ddiv += (uint64_t)d;
				break;
			}
		}
	}
	return NULL;
}

/* Samples past this many sum in two halves on two threads (a pass of 1M took 20 ms alone, the other core idle). */
enum { TOTAL_SPLIT = 1 << 18 };

int64_t report_profile_total(prof_profile *p, int si, bool mean)
{
	prof_strid key = prof_intern(p, "pprof::base", 11), yes = prof_intern(p, "true", 4);
	size_t mid = p->nsample / 2;
	total_job j[2] = {{p, 0, mid, si, mean, key, yes, 0, 0, 0, 0}, {p, mid, p->nsample, si, mean, key, yes, 0, 0, 0, 0}};
	prof_run_pair(total_run, &j[0], &j[1], prof_two_cores(p->nsample, TOTAL_SPLIT));
	int64_t total = (int64_t)(j[0].total + j[1].total), div = (int64_t)(j[0].div + j[1].div);
	int64_t dtotal = (int64_t)(j[0].dtotal + j[1].dtotal), ddiv = (int64_t)(j[0].ddiv + j[1].ddiv);
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

/* What report_prepare leaves for the report to free. */
static void rctx_release(rctx *r, raw_order *ro)
{
	report_raw_order_free(ro);
	graph_index_free(r->ix);
	graph_weights_free(&r->gw);
	r->ix = NULL;
}

/* The value shown (-sample_index, -mean) and its unit (-unit, -divide_by): every report's start. */
bool rctx_start(rctx *r, prof_profile *p, const report_opts *o, prof_err *err)
{
	*r = (rctx){.p = p, .o = o, .err = err};
	r->si = prof_sample_index(p, o->sample_index, err);
	if (r->si < 0)
		return false;
	if (o->divide_by == 0)
		return prof_errf(err, "zero divisor specified");
	snprintf(r->sample_type, sizeof r->sample_type, "%s%s", o->mean ? "mean_" : "",
	         prof_str(p, p->sample_types[r->si].type));
	r->sample_unit = prof_str(p, p->sample_types[r->si].unit);
	r->output_unit = o->unit;
	r->ratio = 1 / o->divide_by;
	return true;
}

/* pprof's applyCommandOverrides: the trim options report cmd runs with. */
void rctx_trim_setup(rctx *r, const prof_command *cmd, const report_opts *o)
{
	prof_report_id kind = cmd->report;
	bool trim = o->trim && kind != PR_PEEK;
	int node_count = o->node_count == -1 ? cmd->nodecount : o->node_count;
	r->trim = (graph_trim_opts){.node_fraction = o->node_fraction, .edge_fraction = o->edge_fraction,
	                            .node_count = node_count, .cum_sort = o->cum_sort,
	                            .drop_negative = o->drop_negative,
	                            .edges = kind == PR_TOP ? GRAPH_EDGES_INLINE_TARGETS : GRAPH_EDGES_ALL};
	if (!trim) {
		r->trim.node_count = 0;
		r->trim.node_fraction = r->trim.edge_fraction = 0;
	}
}

/*
 * The reports drawn from per-stack weights (graph_weights) alone: once the
 * weights are summed they never read a sample, a value or a label. The
 * others read samples and need no weights.
 */
static bool reads_stack_weights(prof_report_id kind)
{
	switch (kind) {
	case PR_TOP:
	case PR_TREE:
	case PR_PEEK:
	case PR_LIST:
	case PR_FLAME:
	case PR_FOLDED:
		return true;
	default:
		return false;
	}
}

/*
 * Everything before a report runs, for cmd on p: the value and total,
 * pprof's overrides of the trim options, label frames, the filters (in
 * place), and the graph's index and weights (not for proto, whose profile
 * is the report). *ro gets raw's merge numbering when it needs one.
 */
static bool report_prepare(rctx *r, prof_profile *p, const prof_command *cmd, const report_opts *o, FILE *warn,
                           bool consume, raw_order **ro, prof_err *err)
{
	prof_report_id kind = cmd->report;
	*ro = NULL;
	if (!rctx_start(r, p, o, err))
		return false;
	rctx_trim_setup(r, cmd, o);
	/*
	 * A merged profile (several inputs, or a base) is numbered as pprof's
	 * merge numbered it, before label frames and filters; a single input
	 * keeps its own ids, which raw prints as they are.
	 */
	if (kind == PR_RAW && p->compacted)
		*ro = report_raw_order_new(p);
	/* pprof adds label frames first, so every report (and filter) sees them. */
	prof_add_label_nodes(p, o->tagroot, o->tagleaf, o->unit, warn);
	/* The total comes before the filters unless -relative_percentages. */
	if (!o->relative_percentages)
		r->total = report_profile_total(p, r->si, o->mean);
	if (!prof_apply_filters(p, &o->filters, warn, err)) {
		report_raw_order_free(*ro);
		*ro = NULL;
		return false;
	}
	if (o->relative_percentages)
		r->total = report_profile_total(p, r->si, o->mean);
	if ((kind == PR_PROTO || kind == PR_RAW) && o->noinlines)
		drop_inline_frames(p);
	if (kind != PR_PROTO) {
		if (reads_stack_weights(kind)) {
			graph_weights_compute(&r->gw, p, r->si, o->mean);
			if (consume)
				prof_drop_samples(p);
		}
		r->ix = graph_index_new(p, o->granularity, o->noinlines, o->showcolumns);
	}
	return true;
}

/* pprof's greeting in the shell: the header, and a hint when the default value is empty. */
static bool report_header(FILE *out, prof_profile *p, const report_opts *o, prof_err *err)
{
	rctx r;
	if (!rctx_start(&r, p, o, err))
		return false;
	r.total = report_profile_total(p, r.si, o->mean);
	rctx_profile_labels(out, &r);
	if (r.total == 0 && p->nsample_type > 1)
		fputs("No samples were found with the default sample value type.\n"
		      "Try \"sample_index\" command to analyze different sample values.\n\n", out);
	return true;
}

bool report_dispatch(FILE *out, rctx *r, const prof_command *cmd, const char *arg, raw_order *ro)
{
	switch (cmd->report) {
	case PR_TOP: return report_top_rctx(out, r);
	case PR_TREE: return report_tree_rctx(out, r, NULL);
	case PR_PEEK: return report_tree_rctx(out, r, arg);
	case PR_TRACES: return report_traces_rctx(out, r);
	case PR_TAGS: return report_tags_rctx(out, r);
	case PR_LIST: return report_list_rctx(out, r, arg);
	case PR_RAW: return ro ? report_raw_ordered(out, r, ro) : report_raw_rctx(out, r);
	case PR_FLAME: return report_flame_rctx(out, r);
	case PR_FOLDED: return report_folded_rctx(out, r);
	case PR_GOROUTINES: return report_goroutines_rctx(out, r);
	case PR_DOT: return report_dot_rctx(out, r);
	case PR_IMAGE: return report_image_rctx(out, r, cmd->name);
	/* pprof's proto format has no granularity, trimming or graph: the profile is the report. */
	case PR_PROTO: return report_proto_rctx(out, r);
	case PR_COMMENTS: break;
	}
	return false;
}

static bool run(FILE *out, prof_profile *p, const char *name, const char *arg, const report_opts *o, FILE *warn,
                bool consume, prof_err *err)
{
	/* "header" is the shell's greeting, not a report of the table. */
	if (strcmp(name, "header") == 0)
		return report_header(out, p, o, err);
	const prof_command *cmd = prof_command_find(name);
	if (!cmd || cmd->kind != CMD_REPORT)
		return prof_errf(err, "unknown report %s", name);
	if (cmd->report == PR_COMMENTS) {
		for (size_t i = 0; i < p->ncomment; i++)
			fprintf(out, "%s\n", prof_str(p, p->comments[i]));
		return true;
	}
	rctx r;
	raw_order *ro;
	if (!report_prepare(&r, p, cmd, o, warn, consume, &ro, err))
		return false;
	bool ok = report_dispatch(out, &r, cmd, arg, ro);
	rctx_release(&r, ro);
	if (!ok && !err->set)
		prof_errf(err, "report failed");
	return ok;
}

bool report_run(FILE *out, prof_profile *p, const char *name, const char *arg, const report_opts *o, FILE *warn,
                prof_err *err)
{
	return run(out, p, name, arg, o, warn, false, err);
}

bool report_run_last(FILE *out, prof_profile *p, const char *name, const char *arg, const report_opts *o,
                     FILE *warn, prof_err *err)
{
	return run(out, p, name, arg, o, warn, true, err);
}

bool report_prepare_view(rctx *r, prof_profile *p, const char *report, const report_opts *o, FILE *warn, prof_err *err)
{
	raw_order *ro;
	return report_prepare(r, p, prof_command_find(report), o, warn, false, &ro, err);
}

void report_release_view(rctx *r)
{
	rctx_release(r, NULL);
}

bool report_top_data(prof_profile *p, const report_opts *o, FILE *warn, report_top *top, prof_err *err)
{
	memset(top, 0, sizeof *top);
	rctx r;
	raw_order *ro;
	if (!report_prepare(&r, p, prof_command_find("top"), o, warn, false, &ro, err))
		return false;
	report_top_rows(&r, top);
	rctx_release(&r, ro);
	return true;
}
