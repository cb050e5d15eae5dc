/*
 * diff: prof's stack-level comparison of two snapshots ("prof diff BASE NEW").
 * pprof compares functions; in a leak what matters is which whole stacks
 * grew, so samples are grouped by their entire stack at the chosen
 * granularity, and each group shows its base and new values, the delta and
 * the relative change, largest growth first. A function summary (cum delta)
 * follows.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report/diff.h"
#include "report/format.h"
#include "xform/filter.h"
#include "xform/merge.h"

typedef struct group {
	uint32_t stack;     /* a representative stack (in the merged profile) */
	uint32_t created;   /* created_by string id, 0 when unknown */
	uint32_t state;     /* goroutine state string id (dumps), 0 when unknown */
	int64_t base, cur;
} group;

typedef struct differ {
	prof_profile *p; /* new profile with the base merged in */
	graph_index *ix;
	group *groups;
	size_t ngroup, cap;
	uint32_t *slots; /* group + 1 */
	size_t nslots;
} differ;

/* A frame is the program's own unless its package path's first element has no dot. */
bool diff_is_std(const char *fn)
{
	if (strncmp(fn, "main.", 5) == 0)
		return false;
	const char *first_slash = strchr(fn, '/');
	const char *dot = strchr(fn, '.');
	if (!dot)
		return false; /* not a Go name: C or unknown, show it */
	if (first_slash && first_slash < dot) {
		/* "example.com/x.f" is third party; "net/http.f" is std. */
		const char *d = memchr(fn, '.', (size_t)(first_slash - fn));
		return d == NULL;
	}
	return true;
}

/*
 * Where a stack starts for comparing: past the leaf-side frames of package
 * runtime and frames with no name. The runtime's text profiles leave those
 * frames unnamed while its protobuf names them, so this is what lets a
 * debug=1 text compare with a pb.gz; the blocking primitive below the
 * program's frames is the same for every goroutine of a group anyway.
 */
static uint32_t stack_start(const differ *d, uint32_t st)
{
	const prof_profile *p = d->p;
	const prof_stack *s = &p->stacks[st];
	uint32_t i = 0;
	for (; i + 1 < s->len; i++) {
		const prof_location *l = &p->locations[p->stack_locs[s->off + i]];
		bool skip = l->nline == 0;
		if (!skip) {
			const char *fn = prof_str(p, p->functions[p->lines[l->line_off + l->nline - 1].function].name);
			skip = strncmp(fn, "runtime.", 8) == 0 || !*fn;
		}
		if (!skip)
			break;
	}
	return i;
}

/* The node ids of a stack, root last (leaf first), as one key. */
static uint64_t stack_hash(const differ *d, uint32_t st, uint32_t created, uint32_t state)
{
	const prof_profile *p = d->p;
	const prof_stack *s = &p->stacks[st];
	uint64_t h = (0x9e3779b97f4a7c15ull ^ created) * 31 + state;
	for (uint32_t i = stack_start(d, st); i < s->len; i++) {
		uint32_t l = p->stack_locs[s->off + i];
		for (uint32_t k = 0; k < d->ix->loc_n[l]; k++) {
			h = (h ^ d->ix->loc_nodes[d->ix->loc_off[l] + k]) * 0xff51afd7ed558ccdull;
			h ^= h >> 31;
		}
	}
	return h;
}

static bool same_nodes(const differ *d, uint32_t a, uint32_t b)
{
	const prof_profile *p = d->p;
	const prof_stack *sa = &p->stacks[a], *sb = &p->stacks[b];
	/* Walk both node sequences in step. */
	uint32_t ia = stack_start(d, a), ka = 0, ib = stack_start(d, b), kb = 0;
	for (;;) {
		while (ia < sa->len && ka >= d->ix->loc_n[p->stack_locs[sa->off + ia]]) {
			ia++;
			ka = 0;
		}
		while (ib < sb->len && kb >= d->ix->loc_n[p->stack_locs[sb->off + ib]]) {
			ib++;
			kb = 0;
		}
		if (ia == sa->len || ib == sb->len)
			return ia == sa->len && ib == sb->len;
		uint32_t la = p->stack_locs[sa->off + ia], lb = p->stack_locs[sb->off + ib];
		if (d->ix->loc_nodes[d->ix->loc_off[la] + ka] != d->ix->loc_nodes[d->ix->loc_off[lb] + kb])
			return false;
		ka++;
		kb++;
	}
}

static group *find_group(differ *d, uint32_t st, uint32_t created, uint32_t state)
{
	if ((d->ngroup + 1) * 2 > d->nslots) {
		size_t nslots = d->nslots ? d->nslots * 2 : 1024;
		uint32_t *slots = xcalloc(nslots, sizeof *slots);
		for (size_t g = 0; g < d->ngroup; g++) {
			size_t j = stack_hash(d, d->groups[g].stack, d->groups[g].created, d->groups[g].state) & (nslots - 1);
			while (slots[j])
				j = (j + 1) & (nslots - 1);
			slots[j] = (uint32_t)g + 1;
		}
		free(d->slots);
		d->slots = slots;
		d->nslots = nslots;
	}
	size_t j = stack_hash(d, st, created, state) & (d->nslots - 1);
	for (; d->slots[j]; j = (j + 1) & (d->nslots - 1)) {
		group *g = &d->groups[d->slots[j] - 1];
		if (g->created == created && g->state == state && same_nodes(d, g->stack, st))
			return g;
	}
	GROW(d->groups, d->cap, d->ngroup + 1);
	d->groups[d->ngroup] = (group){.stack = st, .created = created, .state = state};
	d->slots[j] = (uint32_t)d->ngroup + 1;
	return &d->groups[d->ngroup++];
}

static int64_t abs64v(int64_t v)
{
	return v < 0 ? -v : v;
}

static int group_cmp(const void *a, const void *b)
{
	const group *l = a, *r = b;
	int64_t dl = l->cur - l->base, dr = r->cur - r->base;
	if (dl != dr)
		return dl > dr ? -1 : 1;
	if (abs64v(l->cur) != abs64v(r->cur))
		return abs64v(l->cur) > abs64v(r->cur) ? -1 : 1;
	return (l->stack > r->stack) - (l->stack < r->stack);
}

/* Names are printed as they are, but never with control bytes. */
static void put_name(FILE *out, const char *s)
{
	for (; *s; s++)
		fputc(((unsigned char)*s < 0x20 || *s == 0x7f) ? '?' : *s, out);
}

/* The frames worth showing in one line: leaf, first frame of the program, creator. */
static void print_compact(FILE *out, const differ *d, const group *g, bool verbose)
{
	const prof_profile *p = d->p;
	const prof_stack *s = &p->stacks[g->stack];
	const char *leaf = NULL, *app = NULL;
	for (uint32_t i = verbose ? 0 : stack_start(d, g->stack); i < s->len; i++) {
		uint32_t l = p->stack_locs[s->off + i];
		for (uint32_t k = 0; k < d->ix->loc_n[l]; k++) {
			const char *name = d->ix->printable[d->ix->loc_nodes[d->ix->loc_off[l] + k]];
			if (verbose) {
				fputs(i || k ? "\n                                         " : "", out);
				put_name(out, name);
				continue;
			}
			if (!leaf)
				leaf = name;
			else if (!app && !diff_is_std(name))
				app = name;
		}
	}
	if (!verbose) {
		if (g->state) {
			fputc('[', out);
			put_name(out, prof_str(p, g->state));
			fputs("] ", out);
		}
		put_name(out, leaf ? leaf : "<no stack>");
		if (app) {
			fputs(" <- ", out);
			put_name(out, app);
		}
	}
	if (g->created) {
		fputs(verbose ? "\n                                         created by " : "  (created by ", out);
		put_name(out, prof_str(p, g->created));
		if (!verbose)
			fputc(')', out);
	}
	fputc('\n', out);
}

/* qsort has no context argument: the function summary's sort keys. */
static const int64_t *fsort_delta;
static const char *const *fsort_names;

static int function_cmp(const void *a, const void *b)
{
	uint32_t l = *(const uint32_t *)a, r = *(const uint32_t *)b;
	if (fsort_delta[l] != fsort_delta[r])
		return fsort_delta[l] > fsort_delta[r] ? -1 : 1;
	return strcmp(fsort_names[l], fsort_names[r]);
}

static void format_change(char *buf, size_t n, int64_t base, int64_t cur)
{
	if (base == 0)
		snprintf(buf, n, "%s", cur == 0 ? "0%" : "new");
	else if (cur == 0)
		snprintf(buf, n, "gone");
	else
		snprintf(buf, n, "%+.0f%%", ((double)cur - (double)base) * 100.0 / (double)abs64v(base));
}

/* Values with a sign, in the value's unit: "+12", "-1.50MB". */
static void format_delta(char *buf, size_t n, int64_t v, const char *unit)
{
	char t[64];
	fmt_scaled_label(t, sizeof t, v < 0 ? -v : v, unit, "minimum");
	snprintf(buf, n, "%s%s", v < 0 ? "-" : v > 0 ? "+" : "", t);
}

bool report_diff(FILE *out, prof_profile *base, prof_profile *cur, const char *base_name, const char *cur_name,
                 const report_opts *o, const diff_opts *dopt, int64_t *max_growth, prof_err *err)
{
	int si = prof_sample_index(cur, o->sample_index, err);
	if (si < 0)
		return false;
	int bsi = prof_sample_index(base, prof_str(cur, cur->sample_types[si].type), err);
	if (bsi < 0)
		return false;
	if (base->nsample_type != cur->nsample_type)
		return prof_errf(err, "%s and %s are different kinds of profile", base_name, cur_name);
	/* Tag the base's samples, then put both in one model so stacks compare by node. */
	prof_set_label(base, "prof::side", "base");
	size_t ncur = cur->nsample;
	if (!prof_merge(cur, base, err))
		return false;
	if (!prof_apply_filters(cur, &o->filters, NULL, err))
		return false;
	differ d = {.p = cur};
	d.ix = graph_index_new(cur, o->granularity, o->noinlines);
	prof_strid side = prof_intern(cur, "prof::side", 10), created_key = prof_intern(cur, "created_by", 10);
	prof_strid state_key = prof_intern(cur, "state", 5);
	size_t nt = cur->nsample_type;
	int64_t tbase = 0, tcur = 0;
	(void)ncur;
	for (size_t i = 0; i < cur->nsample; i++) {
		const prof_sample *s = &cur->samples[i];
		bool is_base = false;
		uint32_t created = 0, state = 0;
		for (uint32_t k = 0; k < s->nlabel; k++) {
			const prof_label *l = &cur->labels[s->label_off + k];
			if (l->key == side)
				is_base = true;
			else if (l->key == created_key && l->str)
				created = l->str;
			else if (l->key == state_key && l->str)
				state = l->str;
		}
		int64_t v = cur->values[i * nt + si];
		group *g = find_group(&d, s->stack, created, state);
		if (is_base) {
			g->base += v;
			tbase += v;
		} else {
			g->cur += v;
			tcur += v;
		}
	}
	qsort(d.groups, d.ngroup, sizeof *d.groups, group_cmp);
	const char *type = prof_str(cur, cur->sample_types[si].type);
	const char *unit = prof_str(cur, cur->sample_types[si].unit);
	char a[80], b[80], c[96], e[48];
	fmt_scaled_label(a, sizeof a, tbase, unit, "minimum");
	fmt_scaled_label(b, sizeof b, tcur, unit, "minimum");
	format_delta(c, sizeof c, tcur - tbase, unit);
	format_change(e, sizeof e, tbase, tcur);
	fprintf(out, "Type: %s\nBase: ", type);
	put_name(out, base_name);
	fprintf(out, " (%s total)\nNew:  ", a);
	put_name(out, cur_name);
	fprintf(out, " (%s total)\nDelta: %s (%s)\n\n", b, c, e);
	fprintf(out, "%10s %10s %10s %8s  %s\n", "base", "new", "delta", "change", "stack");
	const char *red = dopt->color ? "\033[31m" : "", *green = dopt->color ? "\033[32m" : "";
	const char *reset = dopt->color ? "\033[0m" : "";
	*max_growth = 0;
	size_t shown = 0, limit = o->node_count > 0 ? (size_t)o->node_count : 0;
	for (size_t i = 0; i < d.ngroup; i++) {
		const group *g = &d.groups[i];
		int64_t delta = g->cur - g->base;
		if (delta > *max_growth)
			*max_growth = delta;
		if (delta == 0 && !dopt->all)
			continue;
		if (limit && shown >= limit)
			continue;
		shown++;
		fmt_scaled_label(a, sizeof a, g->base, unit, "minimum");
		fmt_scaled_label(b, sizeof b, g->cur, unit, "minimum");
		format_delta(c, sizeof c, delta, unit);
		format_change(e, sizeof e, g->base, g->cur);
		fprintf(out, "%10s %10s %s%10s%s %8s  ", a, b, delta > 0 ? red : delta < 0 ? green : "", c, reset, e);
		print_compact(out, &d, g, dopt->verbose);
	}
	if (shown == 0)
		fputs("(no stack changed)\n", out);

	/* Functions: the delta of every group whose stack holds them (counted once). */
	size_t nn = d.ix->ninfo;
	int64_t *fdelta = xcalloc(nn + 1, sizeof *fdelta);
	uint32_t *seen = xcalloc(nn + 1, sizeof *seen);
	for (size_t i = 0; i < d.ngroup; i++) {
		const group *g = &d.groups[i];
		const prof_stack *s = &cur->stacks[g->stack];
		for (uint32_t j = 0; j < s->len; j++) {
			uint32_t l = cur->stack_locs[s->off + j];
			for (uint32_t k = 0; k < d.ix->loc_n[l]; k++) {
				uint32_t n = d.ix->loc_nodes[d.ix->loc_off[l] + k];
				if (seen[n] != (uint32_t)i + 1) {
					seen[n] = (uint32_t)i + 1;
					fdelta[n] += g->cur - g->base;
				}
			}
		}
	}
	uint32_t *order = xmalloc((nn + 1) * sizeof *order);
	size_t norder = 0;
	for (uint32_t n = 0; n < nn; n++)
		if (fdelta[n])
			order[norder++] = n;
	/* Largest growth first; names break ties. */
	fsort_delta = fdelta;
	fsort_names = (const char *const *)d.ix->printable;
	qsort(order, norder, sizeof *order, function_cmp);
	if (norder) {
		fprintf(out, "\nFunctions by change (cum):\n");
		for (size_t i = 0; i < norder && i < 20; i++) {
			format_delta(c, sizeof c, fdelta[order[i]], unit);
			fprintf(out, "%10s  ", c);
			put_name(out, d.ix->printable[order[i]]);
			fputc('\n', out);
		}
	}
	free(order);
	free(fdelta);
	free(seen);
	free(d.groups);
	free(d.slots);
	graph_index_free(d.ix);
	return true;
}
