/*
 * list: pprof's annotated source listing (its printSource, -list=REGEX).
 *
 * pprof aggregates the profile by source line (granularity "lines", no
 * trimming), keeps the line nodes whose function name matches the regex and
 * prints, per function and file, the file's lines around the sampled ones
 * with their flat and cum values. Sources are found as pprof finds them:
 * recorded paths trimmed (-trim_path, or a guess from -source_path), then
 * looked up in each -source_path folder and its parents (the working folder
 * when none is given).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/units.h"
#include "report/internal.h"
#include "util/hashtab.h"
#include "util/path.h"
#include "util/re.h"
#include "util/sort.h"

/* ---- Go's path/filepath on strings (Unix) ---- */

/* filepath.Clean into a malloc'd string. */
static char *clean_dup(const char *s)
{
	size_t n = strlen(s);
	char *out = xmalloc(n + 3);
	out[path_clean(s, n, out)] = '\0';
	return out;
}

/* filepath.Join(dir, name) for a non-empty name. */
static char *join_dup(const char *dir, const char *name)
{
	if (!*dir)
		return clean_dup(name);
	size_t a = strlen(dir), b = strlen(name);
	char *s = xmalloc(a + b + 2);
	memcpy(s, dir, a);
	s[a] = '/';
	memcpy(s + a + 1, name, b + 1);
	char *c = clean_dup(s);
	free(s);
	return c;
}

/* filepath.Dir into a malloc'd string. */
static char *dir_dup(const char *s)
{
	const char *slash = strrchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) + 1 : 0;
	char *head = xmalloc(n + 1);
	memcpy(head, s, n);
	head[n] = '\0';
	char *c = clean_dup(head);
	free(head);
	return c;
}

/* filepath.SplitList: a NULL-terminated, malloc'd array of malloc'd parts; none for "". */
static char **split_list(const char *s)
{
	size_t n = 1;
	for (const char *c = s; *c; c++)
		n += *c == ':';
	char **parts = xcalloc(n + 1, sizeof *parts);
	if (!*s)
		return parts;
	size_t k = 0;
	for (const char *c = s;;) {
		const char *e = strchr(c, ':');
		size_t l = e ? (size_t)(e - c) : strlen(c);
		parts[k] = xmalloc(l + 1);
		memcpy(parts[k], c, l);
		parts[k][l] = '\0';
		k++;
		if (!e)
			break;
		c = e + 1;
	}
	return parts;
}

static void free_list(char **parts)
{
	for (char **p = parts; *p; p++)
		free(*p);
	free(parts);
}

/*
 * pprof's trimPath: without -trim_path, the part of path after
 * "/BASE/" for the base name of a search folder; then the -trim_path
 * prefixes and /proc/self/cwd/. Returns a pointer into path.
 */
static const char *trim_path(const char *path, const char *trim, const char *search)
{
	if (!*trim) {
		char **dirs = split_list(search);
		for (char **d = dirs; *d; d++) {
			char buf[4096];
			const char *base = path_base(*d, buf, sizeof buf);
			size_t bl = strlen(base);
			char *want = xmalloc(bl + 3);
			want[0] = '/';
			memcpy(want + 1, base, bl);
			want[bl + 1] = '/';
			want[bl + 2] = '\0';
			const char *found = strstr(path, want);
			free(want);
			if (found) {
				free_list(dirs);
				return found + bl + 2;
			}
		}
		free_list(dirs);
	}
	char **prefixes = split_list(trim);
	size_t n = 0;
	while (prefixes[n])
		n++;
	prefixes = xrealloc(prefixes, (n + 3) * sizeof *prefixes);
	prefixes[n] = strcpy(xmalloc(sizeof "/proc/self/cwd/./"), "/proc/self/cwd/./");
	prefixes[n + 1] = strcpy(xmalloc(sizeof "/proc/self/cwd/"), "/proc/self/cwd/");
	prefixes[n + 2] = NULL;
	const char *res = path;
	for (char **t = prefixes; *t; t++) {
		size_t l = strlen(*t);
		bool slash = l > 0 && (*t)[l - 1] == '/';
		if (strncmp(path, *t, l) == 0 && (slash ? true : path[l] == '/')) {
			res = path + l + (slash ? 0 : 1);
			break;
		}
	}
	free_list(prefixes);
	return res;
}

/* ---- pprof's sourceReader ---- */

typedef struct src_file {
	char *path;   /* as the report names it */
	char **lines; /* lines[0..n) are lines 1..n */
	size_t *lens;
	size_t n;
	char *err; /* NULL when readable */
} src_file;

typedef struct src_reader {
	const char *search, *trim;
	src_file *files;
	size_t nfiles, cap;
} src_reader;

/* Go's error text for an errno: glibc's with a lower-case first letter. */
static void errno_text(int e, char *buf, size_t n)
{
	snprintf(buf, n, "%s", strerror(e));
	if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
		buf[0] = (char)(buf[0] - 'A' + 'a');
}

/* pprof's openSourceFile: NULL with *err (malloc'd) set when not found. */
static FILE *open_source(const char *path, const char *search, const char *trim, char **err)
{
	path = trim_path(path, trim, search);
	if (path[0] == '/') {
		FILE *f = fopen(path, "r");
		if (!f) {
			char e[256];
			errno_text(errno, e, sizeof e);
			size_t n = strlen(path) + strlen(e) + 16;
			*err = xmalloc(n);
			snprintf(*err, n, "open %s: %s", path, e);
		}
		return f;
	}
	char **dirs = split_list(search);
	for (char **d = dirs; *d; d++) {
		char *dir = strcpy(xmalloc(strlen(*d) + 1), *d);
		for (;;) {
			char *name = join_dup(dir, path);
			FILE *f = fopen(name, "r");
			free(name);
			if (f) {
				free(dir);
				free_list(dirs);
				return f;
			}
			char *parent = dir_dup(dir);
			bool top = strcmp(parent, dir) == 0;
			free(dir);
			dir = parent;
			if (top)
				break;
		}
		free(dir);
	}
	free_list(dirs);
	size_t n = strlen(path) + strlen(search) + 64;
	*err = xmalloc(n);
	snprintf(*err, n, "could not find file %s on path %s", path, search);
	return NULL;
}

/*
 * Reads f as Go's bufio.Scanner splits lines: at '\n', without a final '\r';
 * a last line without '\n' counts; reading stops at a line of 64 KiB or
 * more, or at a read error (a folder), keeping the lines before it.
 */
static void read_lines(src_file *sf, FILE *f)
{
	enum { MAX_TOKEN = 64 * 1024 };
	size_t cap = 0, lcap2 = 0;
	char *line = NULL;
	size_t lcap = 0;
	for (;;) {
		ssize_t n = getline(&line, &lcap, f);
		if (n < 0)
			break;
		size_t l = (size_t)n;
		bool nl = l > 0 && line[l - 1] == '\n';
		if (nl)
			l--;
		if (l >= MAX_TOKEN)
			break;
		if (l > 0 && line[l - 1] == '\r')
			l--;
		GROW(sf->lines, cap, sf->n + 1);
		GROW(sf->lens, lcap2, sf->n + 1);
		sf->lens[sf->n] = l;
		sf->lines[sf->n] = xmalloc(l + 1);
		memcpy(sf->lines[sf->n], line, l);
		sf->lines[sf->n][l] = '\0';
		sf->n++;
	}
	free(line);
}

static src_file *reader_file(src_reader *r, const char *path)
{
	for (size_t i = 0; i < r->nfiles; i++)
		if (strcmp(r->files[i].path, path) == 0)
			return &r->files[i];
	GROW(r->files, r->cap, r->nfiles + 1);
	src_file *sf = &r->files[r->nfiles++];
	*sf = (src_file){.path = strcpy(xmalloc(strlen(path) + 1), path)};
	FILE *f = open_source(path, r->search, r->trim, &sf->err);
	if (f) {
		read_lines(sf, f);
		fclose(f);
	}
	return sf;
}

static void reader_free(src_reader *r)
{
	for (size_t i = 0; i < r->nfiles; i++) {
		for (size_t k = 0; k < r->files[i].n; k++)
			free(r->files[i].lines[k]);
		free(r->files[i].lines);
		free(r->files[i].lens);
		free(r->files[i].path);
		free(r->files[i].err);
	}
	free(r->files);
}

/* ---- line nodes, as pprof's graph at granularity "lines" ---- */

typedef struct lnode {
	prof_strid name, file, objfile;
	int64_t lineno, start_line;
	int64_t flat, cum;
	uint32_t seen; /* last stack that counted it, + 1 */
} lnode;

typedef struct lindex {
	lnode *nodes;
	size_t n, cap;
	hashtab tab; /* over nodes */
} lindex;

static uint64_t lnode_hash(const lnode *a)
{
	uint64_t h = 0x9e3779b97f4a7c15ull;
	const uint64_t parts[] = {a->name, a->file, a->objfile, (uint64_t)a->lineno, (uint64_t)a->start_line};
	for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
		h = (h ^ parts[i]) * 0xff51afd7ed558ccdull;
		h ^= h >> 32;
	}
	return h;
}

static bool lnode_eq(const lnode *a, const lnode *b)
{
	return a->name == b->name && a->file == b->file && a->objfile == b->objfile && a->lineno == b->lineno &&
	       a->start_line == b->start_line;
}

typedef struct lnode_key {
	const lindex *ix;
	const lnode *key;
} lnode_key;

static bool lnode_key_eq(const void *ctx, uint32_t i)
{
	const lnode_key *k = ctx;
	return lnode_eq(&k->ix->nodes[i], k->key);
}

static uint32_t lindex_get(lindex *ix, const lnode *key)
{
	lnode_key k = {ix, key};
	uint32_t i = hashtab_intern(&ix->tab, lnode_hash(key), (uint32_t)ix->n, lnode_key_eq, &k);
	if (i == ix->n) {
		GROW(ix->nodes, ix->cap, ix->n + 1);
		ix->nodes[ix->n++] = *key;
	}
	return i;
}

/* ---- the report ---- */

typedef struct node_order {
	const lindex *ix;
	const prof_profile *p;
} node_order;

/* By function name, then file, then first seen: pprof's NameOrder and FileOrder. */
static int node_cmp(const void *a, const void *b, void *ctx)
{
	const node_order *o = ctx;
	const lindex *sort_ix = o->ix;
	const prof_profile *sort_p = o->p;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	const lnode *l = &sort_ix->nodes[x], *r = &sort_ix->nodes[y];
	int c = strcmp(prof_str(sort_p, l->name), prof_str(sort_p, r->name));
	if (!c)
		c = strcmp(prof_str(sort_p, l->file), prof_str(sort_p, r->file));
	if (!c)
		c = x < y ? -1 : x > y;
	return c;
}

static void print_value_or_dot(FILE *out, const rctx *r, int64_t v)
{
	char buf[64] = ".";
	if (v != 0)
		rctx_value(r, v, buf, sizeof buf);
	fprintf(out, "%10s ", buf);
}

/* pprof's getSourceFromFile and the lines printSource prints for one function in one file. */
static void print_file(FILE *out, const rctx *r, src_reader *rd, const lindex *ix, const uint32_t *fns, size_t n)
{
	const prof_profile *p = r->p;
	const lnode *first = &ix->nodes[fns[0]];
	const char *file = prof_str(p, first->file);
	int64_t flat = 0, cum = 0;
	for (size_t k = 0; k < n; k++) {
		flat += ix->nodes[fns[k]].flat;
		cum += ix->nodes[fns[k]].cum;
	}
	char a[64], b[64], pct[32];
	rctx_value(r, flat, a, sizeof a);
	rctx_value(r, cum, b, sizeof b);
	fmt_percentage(pct, sizeof pct, cum, r->total);
	fprintf(out, "ROUTINE ======================== %s in %s\n", prof_str(p, first->name), file);
	fprintf(out, "%10s %10s (flat, cum) %s of Total\n", a, b, pct);

	/* The lines shown: from the function's start (or 5 before the first sampled line) to 5 after the last. */
	enum { MARGIN = 5 };
	int64_t start = first->start_line ? first->start_line : first->lineno - MARGIN;
	int64_t end = first->lineno + MARGIN;
	for (size_t k = 0; k < n; k++) {
		const lnode *nd = &ix->nodes[fns[k]];
		int64_t ns = nd->start_line ? nd->start_line : nd->lineno - MARGIN;
		int64_t ne = nd->lineno + MARGIN;
		/* pprof widens one side per node, as written. */
		if (ns < start)
			start = ns;
		else if (ne > end)
			end = ne;
	}
	if (start < 1)
		start = 1;

	src_file *sf = reader_file(rd, file);
	if (sf->err) {
		fprintf(out, " Error: %s\n", sf->err);
		return;
	}
	for (int64_t line = start; line <= end; line++) {
		if (line < 1 || (uint64_t)line > sf->n)
			break;
		int64_t lf = 0, lc = 0;
		for (size_t k = 0; k < n; k++) {
			const lnode *nd = &ix->nodes[fns[k]];
			if (nd->lineno == line) {
				lf += nd->flat;
				lc += nd->cum;
			}
		}
		print_value_or_dot(out, r, lf);
		print_value_or_dot(out, r, lc);
		fprintf(out, "%6" PRId64 ":", line);
		fwrite(sf->lines[line - 1], 1, sf->lens[line - 1], out);
		fputc('\n', out);
	}
}

bool report_list_rctx(FILE *out, rctx *r, const char *regex)
{
	prof_profile *p = r->p;
	const report_opts *o = r->o;
	prof_re rx = {0};
	prof_err e = {0};
	if (!prof_re_compile(&rx, regex ? regex : "", false, &e))
		return prof_errf(r->err, "parsing argument regexp %s: %s", regex ? regex : "", e.msg);
	const char *source_path = o->source_path ? o->source_path : "";
	const char *trim = o->trim_path ? o->trim_path : "";

	/* pprof trims the recorded file names with the options as given, then cleans them. */
	prof_strid *file_of = xcalloc(p->nfunction + 1, sizeof *file_of);
	for (size_t f = 0; f < p->nfunction; f++) {
		const char *name = prof_str(p, p->functions[f].filename);
		const char *t = trim_path(name, trim, source_path);
		if (!*t)
			continue;
		char *c = clean_dup(t);
		file_of[f] = prof_intern(p, c, strlen(c));
		free(c);
	}

	/* Line nodes of every location, innermost first: only the outermost line with -noinlines. */
	lindex ix = {0};
	uint32_t *loc_off = xmalloc((p->nlocation + 1) * sizeof *loc_off);
	uint32_t *loc_n = xmalloc((p->nlocation + 1) * sizeof *loc_n);
	uint32_t *loc_nodes = NULL;
	size_t used = 0, cap = 0;
	for (size_t l = 0; l < p->nlocation; l++) {
		const prof_location *loc = &p->locations[l];
		prof_strid objfile = loc->mapping != PROF_NONE ? p->mappings[loc->mapping].file : 0;
		uint32_t firstl = 0, nl = loc->nline;
		if (o->noinlines && nl > 1) {
			firstl = nl - 1;
			nl = 1;
		}
		loc_off[l] = (uint32_t)used;
		if (r->hidden && r->hidden[l]) {
			loc_n[l] = 0;
			continue;
		}
		loc_n[l] = nl ? nl : 1;
		GROW(loc_nodes, cap, used + loc_n[l]);
		if (nl == 0) {
			lnode key = {.objfile = objfile};
			loc_nodes[used++] = lindex_get(&ix, &key);
			continue;
		}
		for (uint32_t k = firstl; k < firstl + nl; k++) {
			const prof_line *ln = &p->lines[loc->line_off + k];
			const prof_function *fn = &p->functions[ln->function];
			lnode key = {.name = fn->name, .file = file_of[ln->function], .objfile = objfile,
			             .lineno = ln->line, .start_line = fn->start_line};
			loc_nodes[used++] = lindex_get(&ix, &key);
		}
	}
	free(file_of);

	/* Flat and cum per node: each node once per stack, the leaf's innermost line flat. */
	for (size_t s = 0; s < p->nstack; s++) {
		int64_t w = r->gw.w[s];
		if (w == 0)
			continue;
		const prof_stack *st = &p->stacks[s];
		uint32_t last = PROF_NONE;
		for (uint32_t i = st->len; i-- > 0;) {
			uint32_t l = prof_stack_loc(p, st, i);
			for (uint32_t k = loc_n[l]; k-- > 0;) {
				uint32_t nd = loc_nodes[loc_off[l] + k];
				if (ix.nodes[nd].seen != s + 1) {
					ix.nodes[nd].seen = (uint32_t)s + 1;
					ix.nodes[nd].cum += w;
				}
				last = nd;
			}
		}
		if (last != PROF_NONE)
			ix.nodes[last].flat += w;
	}
	free(loc_off);
	free(loc_n);
	free(loc_nodes);

	/* The nodes pprof's graph keeps whose function name matches. */
	uint32_t *sel = xmalloc((ix.n + 1) * sizeof *sel);
	size_t nsel = 0;
	for (size_t i = 0; i < ix.n; i++) {
		const lnode *nd = &ix.nodes[i];
		if (nd->flat == 0 && nd->cum == 0)
			continue;
		if (o->drop_negative && (nd->flat < 0 || (nd->flat == 0 && nd->cum < 0)))
			continue;
		if (!prof_re_match(&rx, prof_str(p, nd->name)))
			continue;
		sel[nsel++] = (uint32_t)i;
	}
	prof_re_free(&rx);
	if (nsel == 0) {
		free(sel);
		free(ix.nodes);
		hashtab_free(&ix.tab);
		return prof_errf(r->err, "no matches found for regexp: %s", regex ? regex : "");
	}
	node_order no = {&ix, p};
	sort_r(sel, nsel, sizeof *sel, node_cmp, &no);

	char *cwd = NULL;
	if (!*source_path) {
		cwd = getcwd(NULL, 0);
		if (!cwd) {
			free(sel);
			free(ix.nodes);
			hashtab_free(&ix.tab);
			return prof_errf(r->err, "could not stat current dir: %s", strerror(errno));
		}
	}
	src_reader rd = {.search = cwd ? cwd : source_path, .trim = trim};

	char total[64];
	rctx_value(r, r->total, total, sizeof total);
	fprintf(out, "Total: %s\n", total);
	for (size_t i = 0; i < nsel;) {
		prof_strid name = ix.nodes[sel[i]].name;
		size_t j = i;
		while (j < nsel && ix.nodes[sel[j]].name == name)
			j++;
		/* Nodes without a file come first in the group (their file sorts first). */
		size_t f = i;
		while (f < j && ix.nodes[sel[f]].file == 0)
			f++;
		if (f == j)
			fprintf(out, "No source information for %s\n", prof_str(p, name));
		while (f < j) {
			prof_strid file = ix.nodes[sel[f]].file;
			size_t g = f;
			while (g < j && ix.nodes[sel[g]].file == file)
				g++;
			print_file(out, r, &rd, &ix, sel + f, g - f);
			f = g;
		}
		i = j;
	}
	reader_free(&rd);
	free(cwd);
	free(sel);
	free(ix.nodes);
	hashtab_free(&ix.tab);
	return true;
}
