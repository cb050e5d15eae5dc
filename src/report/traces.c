/*
 * traces: pprof's list of every sample, its labels, value and stack (leaf
 * first), in the profile's sample order.
 */
#include <stdlib.h>
#include <string.h>

#include "util/units.h"
#include "report/internal.h"

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * Prints one "%10s:  v1 v2" line per label key (string keys, then numeric
 * ones), each group sorted as text, as pprof does.
 */
static void print_labels(FILE *out, const prof_profile *p, const prof_sample *s, bool numeric,
                         const prof_strid *units)
{
	const prof_label *ls = p->labels + s->label_off;
	char **lines = xcalloc(s->nlabel + 1, sizeof *lines);
	size_t nl = 0;
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
		fputc('\n', m);
		fclose(m);
		lines[nl++] = line;
	}
	qsort(lines, nl, sizeof *lines, str_cmp);
	for (size_t i = 0; i < nl; i++) {
		fputs(lines[i], out);
		free(lines[i]);
	}
	free(lines);
}

bool report_traces_rctx(FILE *out, rctx *r)
{
	static const char separator[] = "-----------+-------------------------------------------------------";
	prof_profile *p = r->p;
	const graph_index *ix = r->ix;
	rctx_profile_labels(out, r);
	prof_strid *units = prof_num_label_units(p);
	size_t nt = p->nsample_type;
	for (size_t i = 0; i < p->nsample; i++) {
		const prof_sample *s = &p->samples[i];
		const prof_stack *st = &p->stacks[s->stack];
		if (st->len == 0)
			continue;
		fprintf(out, "%s\n", separator);
		print_labels(out, p, s, false, units);
		print_labels(out, p, s, true, units);
		int64_t v = p->values[i * nt + r->si];
		int64_t d = r->o->mean ? p->values[i * nt] : 0;
		if (d != 0)
			v /= d;
		bool first = true;
		for (uint32_t k = 0; k < st->len; k++) {
			uint32_t l = p->stack_locs[st->off + k];
			const uint32_t *nodes = ix->loc_nodes + ix->loc_off[l];
			for (uint32_t j = 0; j < ix->loc_n[l]; j++) {
				char vs[64] = "";
				if (first)
					rctx_value(r, v, vs, sizeof vs);
				first = false;
				fprintf(out, "%10s   %s%s\n", vs, ix->printable[nodes[j]],
				        j != ix->loc_n[l] - 1 ? " (inline)" : "");
			}
		}
	}
	fprintf(out, "%s\n", separator);
	free(units);
	return true;
}
