/*
 * traces: pprof's list of every sample, its labels, value and stack (leaf
 * first), in the profile's sample order.
 */
#include <stdlib.h>
#include <string.h>

#include "util/units.h"
#include "report/internal.h"

/* pprof sorts the lines with their newline: as if each ended in '\n' (a tab sorts before it). */
static int str_cmp(const void *a, const void *b)
{
	const unsigned char *x = *(const unsigned char *const *)a, *y = *(const unsigned char *const *)b;
	for (;; x++, y++) {
		int cx = *x ? *x : '\n', cy = *y ? *y : '\n';
		if (cx != cy || !*x || !*y)
			return cx != cy ? cx - cy : (*x != 0) - (*y != 0);
	}
}

/*
 * One "%10s:  v1 v2" line per label key (string keys, then numeric ones),
 * each group sorted as text, as pprof prints them: appended to *lines.
 */
static void label_lines(const prof_profile *p, const prof_sample *s, bool numeric, const prof_strid *units,
                        char **lines, size_t *nl)
{
	const prof_label *ls = p->labels + s->label_off;
	size_t first = *nl;
	for (uint32_t i = 0; i < s->nlabel; i++) {
		bool num = prof_label_is_num(&ls[i]);
		if ((numeric ? !num : !ls[i].str) || (!num && !ls[i].str))
			continue;
		bool seen = false;
		for (uint32_t j = 0; j < i && !seen; j++)
			seen = ls[j].key == ls[i].key && (numeric ? prof_label_is_num(&ls[j]) : ls[j].str != 0);
		if (seen)
			continue;
		char *line = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&line, &len);
		if (!m)
			prof_oom();
		fprintf(m, "%10s: ", prof_str(p, ls[i].key));
		for (uint32_t j = i; j < s->nlabel; j++) {
			if (ls[j].key != ls[i].key)
				continue;
			if (numeric && prof_label_is_num(&ls[j])) {
				char v[64];
				fmt_scaled_label(v, sizeof v, ls[j].num, prof_str(p, units[ls[j].key]), "auto");
				fprintf(m, " %s", v);
			} else if (!numeric && ls[j].str) {
				fprintf(m, " %s", prof_str(p, ls[j].str));
			}
		}
		fclose(m);
		lines[(*nl)++] = line;
	}
	qsort(lines + first, *nl - first, sizeof *lines, str_cmp);
}

bool report_traces_each(rctx *r, report_trace_fn fn, void *ctx)
{
	prof_profile *p = r->p;
	const graph_index *ix = r->ix;
	prof_strid *units = prof_num_label_units(p);
	size_t nt = p->nsample_type, framecap = 0;
	report_trace t = {0};
	for (size_t i = 0; i < p->nsample && !t.stop; i++) {
		const prof_sample *s = &p->samples[i];
		const prof_stack *st = &p->stacks[s->stack];
		if (st->len == 0)
			continue;
		char **lines = xcalloc((size_t)s->nlabel * 2 + 1, sizeof *lines);
		size_t nl = 0;
		label_lines(p, s, false, units, lines, &nl);
		label_lines(p, s, true, units, lines, &nl);
		t.labels = (const char *const *)lines;
		t.nlabels = nl;
		t.value = p->values[i * nt + r->si];
		int64_t d = r->o->mean ? p->values[i * nt] : 0;
		if (d != 0)
			t.value /= d;
		rctx_value(r, t.value, t.value_s, sizeof t.value_s);
		t.nframes = 0;
		for (uint32_t k = 0; k < st->len; k++) {
			uint32_t l = prof_stack_loc(p, st, k);
			const uint32_t *nodes = ix->loc_nodes + ix->loc_off[l];
			GROW(t.frames, framecap, t.nframes + ix->loc_n[l]);
			for (uint32_t j = 0; j < ix->loc_n[l]; j++)
				t.frames[t.nframes++] =
					(report_trace_frame){ix->printable[nodes[j]], j != ix->loc_n[l] - 1};
		}
		t.sample = i;
		fn(ctx, &t);
		for (size_t k = 0; k < nl; k++)
			free(lines[k]);
		free(lines);
	}
	free(t.frames);
	free(units);
	return true;
}

static void print_trace(void *ctx, report_trace *t)
{
	FILE *out = ctx;
	fprintf(out, "%s\n", "-----------+-------------------------------------------------------");
	for (size_t i = 0; i < t->nlabels; i++)
		fprintf(out, "%s\n", t->labels[i]);
	for (size_t k = 0; k < t->nframes; k++)
		fprintf(out, "%10s   %s%s\n", k == 0 ? t->value_s : "", t->frames[k].name,
		        t->frames[k].inl ? " (inline)" : "");
}

/* The traces as they stream from report_traces_each: no report held whole in memory. */
bool report_traces_rctx(FILE *out, rctx *r)
{
	rctx_profile_labels(out, r);
	report_traces_each(r, print_trace, out);
	fprintf(out, "%s\n", "-----------+-------------------------------------------------------");
	return true;
}
