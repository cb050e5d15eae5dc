/* tagroot: see tagroot.h. */
#include "xform/tagroot.h"

#include <stdlib.h>
#include <string.h>

#include "util/units.h"
#include "xform/filter.h"

typedef struct keys {
	char **k;
	size_t n;
} keys;

/* Splits "a,,b" into its non-empty keys. */
static keys split_keys(const char *s)
{
	keys r = {0};
	if (!s || !*s)
		return r;
	r.k = xcalloc(strlen(s) + 1, sizeof *r.k);
	const char *p = s;
	while (*p) {
		const char *e = strchr(p, ',');
		size_t l = e ? (size_t)(e - p) : strlen(p);
		if (l) {
			r.k[r.n] = xmalloc(l + 1);
			memcpy(r.k[r.n], p, l);
			r.k[r.n++][l] = '\0';
		}
		p += l + (e != NULL);
	}
	return r;
}

static void free_keys(keys *k)
{
	for (size_t i = 0; i < k->n; i++)
		free(k->k[i]);
	free(k->k);
}

/* pprof's formatLabelValues joined with ",": string values, then numbers in their unit. */
static void label_values(const prof_profile *p, const prof_sample *s, const char *key, const char *unit,
                         char *buf, size_t n, bool *any)
{
	const prof_label *ls = p->labels + s->label_off;
	size_t w = 0;
	buf[0] = '\0';
	bool has_unit = false;
	for (uint32_t i = 0; i < s->nlabel; i++)
		if (prof_label_is_num(&ls[i]) && ls[i].num_unit && strcmp(prof_str(p, ls[i].key), key) == 0)
			has_unit = true;
	for (int pass = 0; pass < 2; pass++)
		for (uint32_t i = 0; i < s->nlabel; i++) {
			const prof_label *l = &ls[i];
			if (strcmp(prof_str(p, l->key), key) != 0)
				continue;
			char v[128];
			if (pass == 0 && l->str)
				snprintf(v, sizeof v, "%s", prof_str(p, l->str));
			else if (pass == 1 && prof_label_is_num(l))
				fmt_scaled_label(v, sizeof v, l->num, has_unit ? prof_str(p, l->num_unit) : "",
				                 has_unit ? unit : "");
			else
				continue;
			*any = true;
			if (w < n)
				w += (size_t)snprintf(buf + w, n - w, "%s%s", w ? "," : "", v);
		}
}

/*
 * pprof numbers label frames and their functions on from the largest id in
 * use. Once one is added (more is false), the last one has the largest.
 */
static uint64_t next_id(const prof_profile *p, bool location, bool more)
{
	uint64_t max = 0;
	size_t n = location ? p->nlocation : p->nfunction;
	if (more && n > 0)
		return (location ? p->locations[n - 1].id : p->functions[n - 1].id) + 1;
	for (size_t i = 0; i < n; i++) {
		uint64_t id = location ? p->locations[i].id : p->functions[i].id;
		if (id > max)
			max = id;
	}
	return max + 1;
}

/* One pseudo location per (values, key), like pprof's internLoc; they start at first. */
static uint32_t label_location(prof_profile *p, size_t first, const char *name, const char *key)
{
	prof_strid n = prof_intern(p, name, strlen(name)), f = prof_intern(p, key, strlen(key));
	for (size_t l = first; l < p->nlocation; l++) {
		const prof_function *fn = &p->functions[p->lines[p->locations[l].line_off].function];
		if (fn->name == n && fn->filename == f)
			return (uint32_t)l;
	}
	bool more = p->nlocation > first; /* label frames were added already */
	p->functions = xrealloc(p->functions, (p->nfunction + 1) * sizeof *p->functions);
	p->functions[p->nfunction] = (prof_function){.id = next_id(p, false, more), .name = n, .filename = f};
	p->lines = xrealloc(p->lines, (p->nline + 1) * sizeof *p->lines);
	p->lines[p->nline] = (prof_line){.function = (uint32_t)p->nfunction};
	p->locations = xrealloc(p->locations, (p->nlocation + 1) * sizeof *p->locations);
	p->locations[p->nlocation] = (prof_location){.id = next_id(p, true, more), .mapping = PROF_NONE,
	                                             .line_off = (uint32_t)p->nline, .nline = 1};
	p->nfunction++;
	p->nline++;
	return (uint32_t)p->nlocation++;
}

void prof_add_label_nodes(prof_profile *p, const char *root_keys, const char *leaf_keys, const char *unit,
                          FILE *warn)
{
	keys roots = split_keys(root_keys), leaves = split_keys(leaf_keys);
	if (!roots.n && !leaves.n)
		return;
	bool rootm = false, leafm = false;
	prof_stack_index ix = {0};
	uint32_t *buf = NULL;
	size_t cap = 0;
	char name[4096];
	size_t first = p->nlocation;
	for (size_t i = 0; i < p->nsample; i++) {
		prof_sample *s = &p->samples[i];
		prof_stack st = p->stacks[s->stack];
		size_t n = 0;
		GROW(buf, cap, st.len + roots.n + leaves.n + 1);
		/* Leaf keys innermost-last in the key list come first in the stack. */
		for (size_t k = leaves.n; k-- > 0;) {
			label_values(p, s, leaves.k[k], unit, name, sizeof name, &leafm);
			buf[n++] = label_location(p, first, name, leaves.k[k]);
		}
		for (uint32_t k = 0; k < st.len; k++)
			buf[n++] = prof_stack_loc(p, &st, k);
		for (size_t k = roots.n; k-- > 0;) {
			label_values(p, s, roots.k[k], unit, name, sizeof name, &rootm);
			buf[n++] = label_location(p, first, name, roots.k[k]);
		}
		s->stack = prof_stack_intern(p, &ix, buf, (uint32_t)n);
	}
	free(buf);
	prof_stack_index_free(&ix);
	if (warn && roots.n && !rootm)
		fprintf(warn, "TagRoot expression matched no samples\n");
	if (warn && leaves.n && !leafm)
		fprintf(warn, "TagLeaf expression matched no samples\n");
	free_keys(&roots);
	free_keys(&leaves);
}
