/*
 * tags: pprof's label report. For each label key, its total and each value,
 * with their shares of the profile's total (Go 1.26's format), laid out as
 * Go's text/tabwriter does with right alignment.
 */
#include <stdlib.h>
#include <string.h>

#include "util/units.h"
#include "report/internal.h"

/* ---- Go's tabwriter (padding 1, ' ', AlignRight), for whole buffered text ---- */

typedef struct tw_line {
	char **cells; /* the last cell is not tab-terminated */
	size_t ncell;
} tw_line;

static size_t rune_count(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

static void tw_write_lines(FILE *out, const tw_line *lines, size_t from, size_t to, const size_t *widths,
                           size_t nwidth)
{
	for (size_t i = from; i < to; i++) {
		for (size_t j = 0; j < lines[i].ncell; j++) {
			const char *c = lines[i].cells[j];
			if (j < nwidth)
				for (size_t pad = rune_count(c); pad < widths[j]; pad++)
					fputc(' ', out);
			fputs(c, out);
		}
		fputc('\n', out);
	}
}

/* Go's tabwriter.format: column blocks, widest cell plus padding, recursively. */
static void tw_format(FILE *out, const tw_line *lines, size_t line0, size_t line1, size_t *widths, size_t column)
{
	for (size_t this = line0; this < line1; this++) {
		if (column + 1 >= lines[this].ncell)
			continue;
		tw_write_lines(out, lines, line0, this, widths, column);
		line0 = this;
		size_t width = 0;
		for (; this < line1 && column + 1 < lines[this].ncell; this++) {
			size_t w = rune_count(lines[this].cells[column]) + 1;
			if (w > width)
				width = w;
		}
		widths[column] = width;
		tw_format(out, lines, line0, this, widths, column + 1);
		line0 = this;
		this--; /* the loop's increment moves past the block */
	}
	tw_write_lines(out, lines, line0, line1, widths, column);
}

/* Lays out text (lines ending in '\n', cells ending in '\t') to out. */
static void tabwrite(FILE *out, char *text)
{
	size_t nlines = 0, cap = 0;
	tw_line *lines = NULL;
	size_t maxcells = 1;
	for (char *line = text, *next; *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		GROW(lines, cap, nlines + 1);
		tw_line *l = &lines[nlines++];
		l->ncell = 1;
		for (char *c = line; *c; c++)
			l->ncell += *c == '\t';
		if (l->ncell > maxcells)
			maxcells = l->ncell;
		l->cells = xmalloc(l->ncell * sizeof *l->cells);
		size_t k = 0;
		for (char *c = line;; c++) {
			if (*c == '\t' || *c == '\0') {
				bool end = *c == '\0';
				*c = '\0';
				l->cells[k++] = line;
				line = c + 1;
				if (end)
					break;
			}
		}
	}
	size_t *widths = xcalloc(maxcells + 1, sizeof *widths);
	tw_format(out, lines, 0, nlines, widths, 0);
	for (size_t i = 0; i < nlines; i++)
		free(lines[i].cells);
	free(lines);
	free(widths);
}

/* ---- the report ---- */

typedef struct tag_value {
	char *name;
	int64_t flat;
} tag_value;

typedef struct tag_key {
	const char *name;
	tag_value *vals;
	size_t n, cap;
} tag_key;

static int key_cmp(const void *a, const void *b)
{
	return strcmp(((const tag_key *)a)->name, ((const tag_key *)b)->name);
}

static int val_cmp(const void *a, const void *b)
{
	const tag_value *l = a, *r = b;
	if (abs64(l->flat) != abs64(r->flat))
		return abs64(l->flat) > abs64(r->flat) ? -1 : 1;
	return strcmp(l->name, r->name);
}

static void add_value(tag_key *k, const char *name, int64_t v)
{
	for (size_t i = 0; i < k->n; i++)
		if (strcmp(k->vals[i].name, name) == 0) {
			k->vals[i].flat += v;
			return;
		}
	GROW(k->vals, k->cap, k->n + 1);
	k->vals[k->n].name = strdup(name);
	if (!k->vals[k->n].name)
		prof_oom();
	k->vals[k->n++].flat = v;
}

bool report_tags_rctx(FILE *out, rctx *r)
{
	prof_profile *p = r->p;
	prof_strid *units = prof_num_label_units(p);
	/* Keys indexed by string id, so each label finds its key at once. */
	uint32_t *key_of = xcalloc(p->strs.n + 1, sizeof *key_of); /* key index + 1 */
	tag_key *keys = NULL;
	size_t nkeys = 0, keycap = 0;
	for (size_t i = 0; i < p->nsample; i++) {
		const prof_sample *s = &p->samples[i];
		int64_t v = prof_value(p, i, (size_t)r->si);
		const prof_label *ls = p->labels + s->label_off;
		for (uint32_t j = 0; j < s->nlabel; j++) {
			const prof_label *l = &ls[j];
			bool num = prof_label_is_num(l);
			if (!num && !l->str)
				continue;
			if (!key_of[l->key]) {
				GROW(keys, keycap, nkeys + 1);
				keys[nkeys] = (tag_key){.name = prof_str(p, l->key)};
				key_of[l->key] = (uint32_t)++nkeys;
			}
			tag_key *k = &keys[key_of[l->key] - 1];
			if (num) {
				char name[64];
				fmt_scaled_label(name, sizeof name, l->num, prof_str(p, units[l->key]), r->o->unit);
				add_value(k, name, v);
			} else {
				add_value(k, prof_str(p, l->str), v);
			}
		}
	}
	if (nkeys)
		qsort(keys, nkeys, sizeof *keys, key_cmp);
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	if (!m)
		prof_oom();
	for (size_t i = 0; i < nkeys; i++) {
		tag_key *k = &keys[i];
		int64_t total = 0;
		for (size_t j = 0; j < k->n; j++)
			total += k->vals[j].flat;
		char val[64], all[64], pct[32];
		rctx_value(r, total, val, sizeof val);
		rctx_value(r, r->total, all, sizeof all);
		if (r->total > 0) {
			fmt_percentage(pct, sizeof pct, total, r->total);
			fprintf(m, "%s:\t Total %s of %s (%s)\n", k->name, val, all, pct);
		} else {
			fprintf(m, "%s:\t Total %s of %s\n", k->name, val, all);
		}
		qsort(k->vals, k->n, sizeof *k->vals, val_cmp);
		for (size_t j = 0; j < k->n; j++) {
			rctx_value(r, k->vals[j].flat, val, sizeof val);
			if (r->total > 0) {
				fmt_percentage(pct, sizeof pct, k->vals[j].flat, r->total);
				fprintf(m, " \t%s (%s):\t %s\n", val, pct, k->vals[j].name);
			} else {
				fprintf(m, " \t%s:\t %s\n", val, k->vals[j].name);
			}
			free(k->vals[j].name);
		}
		fputc('\n', m);
		free(k->vals);
	}
	fclose(m);
	tabwrite(out, text);
	free(text);
	free(keys);
	free(key_of);
	free(units);
	return true;
}
