/*
 * browser_refine: pprof's refinements as an undoable stack. Owns the stack
 * of key=value steps in pprof's words (the breadcrumbs), the report options
 * they make (the command line's options, then each step in order), the ":"
 * prompt's commands, and the prof and go tool pprof command lines that
 * print the current view.
 *
 * Steps on hide, ignore and show add to what is there (a|b), as pprof's
 * shell words do; focus and the others replace it, so the command line
 * stays what rebuilds the view.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/commands.h"
#include "ui/browser_int.h"
#include "util/strbuf.h"

static char *dup_s(const char *s)
{
	char *d = strdup(s);
	if (!d)
		prof_oom();
	return d;
}

static void sb_addf(sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_addf(sbuf *sb, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	sb_add(sb, buf);
}

void regex_quote(const char *name, char *out, size_t n)
{
	size_t o = 0;
	if (n == 0)
		return;
	for (const char *s = name; *s && o + 3 < n; s++) {
		if (strchr("\\.+*?()|[]{}^$", *s))
			out[o++] = '\\';
		out[o++] = *s;
	}
	out[o] = '\0';
}

/* Which report_opts string a filter key sets, or NULL. */
static const char **filter_field(report_opts *o, const char *key)
{
	prof_filters *f = &o->filters;
	static const char *const names[] = {"focus", "ignore", "hide", "show", "show_from", "prune_from",
	                                    "tagfocus", "tagignore", "tagshow", "taghide"};
	const char **fields[] = {&f->focus, &f->ignore, &f->hide, &f->show, &f->show_from, &f->prune_from,
	                         &f->tagfocus, &f->tagignore, &f->tagshow, &f->taghide};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(key, names[i]) == 0)
			return fields[i];
	return NULL;
}

static const char *const grans[] = {"functions", "filefunctions", "files", "lines", "addresses"};

static bool is_true(const char *v)
{
	return !*v || strcmp(v, "true") == 0 || strcmp(v, "1") == 0 || strcmp(v, "t") == 0 || strcmp(v, "yes") == 0;
}

/* Applies one step to b->o; false (with b->msg) when the key or value is not pprof's. */
static bool apply_step(browser *b, const char *key, const char *v, size_t *joined)
{
	report_opts *o = &b->o;
	const char **f = filter_field(o, key);
	char *end;
	if (f) {
		bool adds = strcmp(key, "hide") == 0 || strcmp(key, "ignore") == 0 || strcmp(key, "show") == 0;
		if (adds && *f && **f && *v && *joined < 16) {
			size_t n = strlen(*f) + strlen(v) + 2;
			char *j = xmalloc(n);
			snprintf(j, n, "%s|%s", *f, v);
			free(b->joined[*joined]);
			b->joined[(*joined)++] = j;
			*f = j;
		} else {
			*f = v;
		}
	} else if (strcmp(key, "sample_index") == 0) {
		o->sample_index = v;
	} else if (strcmp(key, "granularity") == 0) {
		for (int g = 0; g < 5; g++)
			if (strcmp(v, grans[g]) == 0)
				o->granularity = (graph_granularity)g;
	} else if (strcmp(key, "sort") == 0) {
		o->cum_sort = strcmp(v, "cum") == 0;
	} else if (strcmp(key, "nodecount") == 0) {
		long n = strtol(v, &end, 10);
		if (*end || !*v)
			return false;
		o->node_count = (int)n;
	} else if (strcmp(key, "nodefraction") == 0 || strcmp(key, "edgefraction") == 0 ||
	           strcmp(key, "divide_by") == 0) {
		double d = strtod(v, &end);
		if (*end || !*v)
			return false;
		*(key[0] == 'n' ? &o->node_fraction : key[0] == 'e' ? &o->edge_fraction : &o->divide_by) = d;
	} else if (strcmp(key, "unit") == 0) {
		o->unit = v;
	} else if (strcmp(key, "mean") == 0) {
		o->mean = is_true(v);
	} else if (strcmp(key, "noinlines") == 0) {
		o->noinlines = is_true(v);
	} else if (strcmp(key, "relative_percentages") == 0) {
		o->relative_percentages = is_true(v);
	} else if (strcmp(key, "drop_negative") == 0) {
		o->drop_negative = is_true(v);
	} else if (strcmp(key, "trim") == 0) {
		o->trim = is_true(v);
	} else {
		return false;
	}
	return true;
}

/* b->o from the command line's options and every step; a new generation for the data. */
static void rebuild(browser *b)
{
	b->o = *b->in->o;
	b->o.color = false;
	size_t joined = 0;
	for (size_t i = 0; i < b->nref; i++)
		apply_step(b, b->ref[i].key, b->ref[i].value, &joined);
	b->gen++;
}

void refine_init(browser *b)
{
	b->gen = 0;
	rebuild(b);
}

/* Whether key=value would be taken, tried on a scratch copy of the options. */
static bool step_valid(browser *b, const char *key, const char *value)
{
	report_opts keep = b->o;
	char *kj[16];
	memcpy(kj, b->joined, sizeof kj);
	memset(b->joined, 0, sizeof b->joined);
	size_t j = 0;
	bool ok = apply_step(b, key, value, &j);
	prof_err err = {0};
	if (ok && filter_field(&b->o, key))
		ok = prof_filters_check(&b->o.filters, &err);
	if (ok && strcmp(key, "sample_index") == 0)
		ok = prof_sample_index(b->in->p, value, &err) >= 0;
	if (!ok)
		snprintf(b->msg, sizeof b->msg, "%s", err.set ? err.msg : "not a pprof option or value");
	for (size_t i = 0; i < 16; i++)
		free(b->joined[i]);
	memcpy(b->joined, kj, sizeof kj);
	b->o = keep;
	return ok;
}

void refine_preview(browser *b, const char *key, const char *value, report_opts *o, char *owned[16])
{
	report_opts keep = b->o;
	char *kj[16];
	memcpy(kj, b->joined, sizeof kj);
	memset(b->joined, 0, sizeof b->joined);
	size_t j = 0;
	apply_step(b, key, value, &j);
	*o = b->o;
	memcpy(owned, b->joined, sizeof kj);
	memcpy(b->joined, kj, sizeof kj);
	b->o = keep;
}

void refine_push(browser *b, const char *key, const char *value)
{
	if (!step_valid(b, key, value))
		return;
	GROW(b->ref, b->refcap, b->nref + 1);
	b->ref[b->nref++] = (brefine){dup_s(key), dup_s(value)};
	rebuild(b);
}

bool refine_undo(browser *b)
{
	if (!b->nref)
		return false;
	b->nref--;
	free(b->ref[b->nref].key);
	free(b->ref[b->nref].value);
	rebuild(b);
	return true;
}

void refine_reset(browser *b)
{
	while (b->nref)
		refine_undo(b);
}

void refine_free(browser *b)
{
	for (size_t i = 0; i < b->nref; i++) {
		free(b->ref[i].key);
		free(b->ref[i].value);
	}
	free(b->ref);
	for (size_t i = 0; i < 16; i++)
		free(b->joined[i]);
}

void refine_breadcrumbs(const browser *b, char *out, size_t n)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < b->nref && o + 1 < n; i++)
		o += (size_t)snprintf(out + o, n - o, "%s%s=%s", i ? " > " : "", b->ref[i].key, b->ref[i].value);
}

/* The sample type after the current one (pprof's default first). */
void refine_cycle_sample(browser *b)
{
	const prof_profile *p = b->in->p;
	prof_err err = {0};
	int si = prof_sample_index(p, b->o.sample_index, &err);
	if (si < 0 || p->nsample_type < 2) {
		snprintf(b->msg, sizeof b->msg, "this profile has one sample type");
		return;
	}
	refine_push(b, "sample_index", prof_str(p, p->sample_types[(size_t)(si + 1) % p->nsample_type].type));
}

const char *refine_next_granularity(const browser *b)
{
	return grans[(b->o.granularity + 1) % 5];
}

void refine_cycle_granularity(browser *b)
{
	refine_push(b, "granularity", refine_next_granularity(b));
}

void refine_toggle_cum(browser *b)
{
	refine_push(b, "sort", b->o.cum_sort ? "flat" : "cum");
}

static const bview by_word_views[] = {V_TOP, V_TOP, V_PEERS, V_PEERS, V_FLAME, V_SOURCE, V_TRACES, V_TAGS, V_GOROUTINES};
static const char *const by_word[] = {"top", "text", "peek", "tree", "flame", "list", "traces", "tags", "goroutines"};

/* "peek RE" and "list RE": the first name matching RE becomes the selection. */
static void select_matching(browser *b, const char *re)
{
	prof_re rx = {0};
	prof_err err = {0};
	if (!prof_re_compile(&rx, re, false, &err)) {
		snprintf(b->msg, sizeof b->msg, "%s", err.msg);
		return;
	}
	data_top(b);
	for (size_t i = 0; i < b->d.top.nrows; i++)
		if (prof_re_match(&rx, b->d.top.rows[i].name)) {
			free(b->sel);
			b->sel = dup_s(b->d.top.rows[i].name);
			break;
		}
	prof_re_free(&rx);
}

/* A count: digits only. */
static bool all_digits(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s) && strlen(s) < 9;
}

/*
 * A view word: switches to it; false when line is no view word. As in
 * pprof's shell, a count after top or tree (top20, top 20) is the node count.
 */
static bool view_word(browser *b, char *line)
{
	char *arg = strchr(line, ' ');
	if (arg) {
		*arg++ = '\0';
		while (*arg == ' ')
			arg++;
	}
	const char *count = NULL;
	char digits[16];
	for (const char *w = "top\0tree\0"; *w; w += strlen(w) + 1)
		if (strncmp(line, w, strlen(w)) == 0 && all_digits(line + strlen(w))) {
			snprintf(digits, sizeof digits, "%s", line + strlen(w));
			count = digits;
			line[strlen(w)] = '\0';
		}
	if (!count && arg && all_digits(arg) && (strcmp(line, "top") == 0 || strcmp(line, "tree") == 0)) {
		count = arg;
		arg = NULL;
	}
	for (size_t i = 0; i < sizeof by_word / sizeof by_word[0]; i++)
		if (strcmp(line, by_word[i]) == 0) {
			b->view = by_word_views[i];
			if (count)
				refine_push(b, "nodecount", count);
			if (arg && *arg)
				select_matching(b, arg);
			return true;
		}
	return false;
}

/*
 * noise=F (a fraction of the total, 0.001) or noise=P% : a diff's changes
 * below it are no changes (not a pprof option, so no refinement step).
 */
static void set_noise(browser *b, const char *v)
{
	char *end;
	double f = strtod(v, &end);
	if (end != v && *end == '%' && end[1] == '\0') {
		f /= 100;
		end++;
	}
	if (end == v || *end || !(f >= 0 && f <= 1)) {
		snprintf(b->msg, sizeof b->msg, "noise takes a share of the total: 0.001 or 0.1%%");
		return;
	}
	b->noise = f;
	snprintf(b->msg, sizeof b->msg, "noise floor %g%% of the total%s", f * 100,
	         b->diff ? "" : " (it applies to diffs: -base or -diff_base)");
}

/* A report of prof's that no view shows: where it runs instead. */
static bool other_report(browser *b, const char *word)
{
	const prof_command *c = prof_command_find(word);
	if (!c)
		return false;
	snprintf(b->msg, sizeof b->msg, "%s has no view here: run it in the shell (prof FILE, then %s) or from y's command line",
	         word, word);
	return true;
}

/* The options the views are computed with, one per line, and the refinements that made them. */
char *refine_options_text(const browser *b)
{
	const report_opts *o = &b->o;
	const prof_profile *p = b->in->p;
	sbuf sb = {0};
	prof_err err = {0};
	int si = prof_sample_index(p, o->sample_index, &err);
	sb_addf(&sb, "%-22s %s\n", "sample_index", si >= 0 ? prof_str(p, p->sample_types[si].type) : "?");
	sb_addf(&sb, "%-22s %s\n", "granularity", grans[o->granularity]);
	sb_addf(&sb, "%-22s %s\n", "sort", o->cum_sort ? "cum" : "flat");
	sb_addf(&sb, "%-22s %d\n", "nodecount", o->node_count);
	sb_addf(&sb, "%-22s %g\n", "nodefraction", o->node_fraction);
	sb_addf(&sb, "%-22s %g\n", "edgefraction", o->edge_fraction);
	sb_addf(&sb, "%-22s %g\n", "divide_by", o->divide_by);
	sb_addf(&sb, "%-22s %s\n", "unit", o->unit ? o->unit : "minimum");
	const char *bools[] = {"mean", "noinlines", "relative_percentages", "drop_negative", "trim"};
	bool bv[] = {o->mean, o->noinlines, o->relative_percentages, o->drop_negative, o->trim};
	for (size_t i = 0; i < 5; i++)
		sb_addf(&sb, "%-22s %s\n", bools[i], bv[i] ? "true" : "false");
	const prof_filters *f = &o->filters;
	const char *names[] = {"focus", "ignore", "hide", "show", "show_from", "prune_from",
	                       "tagfocus", "tagignore", "tagshow", "taghide"};
	const char *vals[] = {f->focus, f->ignore, f->hide, f->show, f->show_from, f->prune_from,
	                      f->tagfocus, f->tagignore, f->tagshow, f->taghide};
	for (size_t i = 0; i < 10; i++)
		sb_addf(&sb, "%-22s %s\n", names[i], vals[i] && *vals[i] ? vals[i] : "\"\"");
	if (b->diff)
		sb_addf(&sb, "%-22s %g%% of the total (: noise=0.5%% sets it)\n", "noise floor", b->noise * 100);
	char crumbs[1024];
	refine_breadcrumbs(b, crumbs, sizeof crumbs);
	sb_addf(&sb, "%-22s %s", "refinements", *crumbs ? crumbs : "none");
	return sb.s;
}

void refine_command(browser *b, const char *text)
{
	char line[1024];
	snprintf(line, sizeof line, "%s", text);
	char *t = line;
	while (*t == ' ')
		t++;
	size_t l = strlen(t);
	while (l && t[l - 1] == ' ')
		t[--l] = '\0';
	if (!*t)
		return;
	/* A sample type's name selects it, as in the shell. */
	const prof_profile *p = b->in->p;
	for (size_t i = 0; i < p->nsample_type; i++)
		if (strcmp(t, prof_str(p, p->sample_types[i].type)) == 0) {
			refine_push(b, "sample_index", t);
			return;
		}
	if (strncmp(t, "noise=", 6) == 0) {
		set_noise(b, t + 6);
		return;
	}
	char *eq = strchr(t, '=');
	if (eq) {
		*eq = '\0';
		refine_push(b, t, eq + 1);
		return;
	}
	if (strcmp(t, "cum") == 0 || strcmp(t, "flat") == 0) {
		refine_push(b, "sort", t);
		return;
	}
	for (int g = 0; g < 5; g++)
		if (strcmp(t, grans[g]) == 0) {
			refine_push(b, "granularity", t);
			return;
		}
	if (strcmp(t, "undo") == 0 || strcmp(t, "u") == 0) {
		refine_undo(b);
		return;
	}
	if (strcmp(t, "reset") == 0 || strcmp(t, ":") == 0) {
		refine_reset(b);
		return;
	}
	if (strcmp(t, "help") == 0 || strcmp(t, "h") == 0 || strcmp(t, "?") == 0) {
		b->help = true;
		return;
	}
	if (strcmp(t, "quit") == 0 || strcmp(t, "q") == 0 || strcmp(t, "exit") == 0) {
		b->quit = true;
		return;
	}
	if (strcmp(t, "options") == 0 || strcmp(t, "o") == 0) {
		free(b->overlay);
		b->overlay = refine_options_text(b);
		b->overlay_title = "Options of these views (: name=value sets one, u undoes):";
		return;
	}
	if (!view_word(b, t) && !other_report(b, t))
		snprintf(b->msg, sizeof b->msg, "unknown command: %.200s (try focus=RE, top20, peek RE, options, help)", t);
}

/* s in single quotes for a POSIX shell. */
static void shell_quote(sbuf *sb, const char *s)
{
	if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.,/:=+") == strlen(s)) {
		sb_add(sb, s);
		return;
	}
	sb_add(sb, "'");
	for (; *s; s++)
		if (*s == '\'')
			sb_add(sb, "'\\''");
		else
			sb_addn(sb, s, 1);
	sb_add(sb, "'");
}

static void flag(sbuf *sb, const char *name, const char *v)
{
	sb_addf(sb, " -%s=", name);
	shell_quote(sb, v);
}

/* The options that differ from pprof's defaults, as flags. */
static void option_flags(const browser *b, sbuf *sb)
{
	const report_opts *o = &b->o;
	if (o->sample_index && *o->sample_index)
		flag(sb, "sample_index", o->sample_index);
	if (o->mean)
		sb_add(sb, " -mean");
	const prof_filters *f = &o->filters;
	const char *names[] = {"focus", "ignore", "hide", "show", "show_from", "prune_from",
	                       "tagfocus", "tagignore", "tagshow", "taghide"};
	const char *vals[] = {f->focus, f->ignore, f->hide, f->show, f->show_from, f->prune_from,
	                      f->tagfocus, f->tagignore, f->tagshow, f->taghide};
	for (size_t i = 0; i < 10; i++)
		if (vals[i] && *vals[i])
			flag(sb, names[i], vals[i]);
	if (o->granularity != GRAN_FUNCTIONS)
		sb_addf(sb, " -%s", grans[o->granularity]);
	if (o->cum_sort)
		sb_add(sb, " -cum");
	if (o->node_count >= 0)
		sb_addf(sb, " -nodecount=%d", o->node_count);
	if (o->node_fraction != 0.005)
		sb_addf(sb, " -nodefraction=%g", o->node_fraction);
	if (o->unit && strcmp(o->unit, "minimum") != 0)
		flag(sb, "unit", o->unit);
	if (o->relative_percentages)
		sb_add(sb, " -relative_percentages");
	if (o->noinlines)
		sb_add(sb, " -noinlines");
	if (o->drop_negative)
		sb_add(sb, " -drop_negative");
	if (!o->trim)
		sb_add(sb, " -trim=false");
	for (size_t i = 0; i < b->in->nbases; i++)
		flag(sb, b->in->diff_base ? "diff_base" : "base", b->in->bases[i]);
}

static void files(const browser *b, sbuf *sb)
{
	for (size_t i = 0; i < b->in->nfiles; i++) {
		sb_add(sb, " ");
		shell_quote(sb, b->in->files[i]);
	}
}

char *refine_command_lines(const browser *b)
{
	static const char *const reports[V_COUNT] = {"top", "peek", "flame", "list", "traces", "tags", "goroutines"};
	char re[2048] = "";
	regex_quote(b->sel ? b->sel : "", re, sizeof re);
	sbuf sb = {0};
	const char *r = reports[b->view];
	bool arg = b->view == V_PEERS || b->view == V_SOURCE;
	sb_addf(&sb, "prof %s", r);
	if (arg) {
		sb_add(&sb, " ");
		shell_quote(&sb, re);
	}
	option_flags(b, &sb);
	files(b, &sb);
	sb_add(&sb, "\n");
	if (b->view == V_FLAME || b->view == V_GOROUTINES) {
		sb_addf(&sb, "go tool pprof has no %s report (its -http=: web UI has a flame graph)", r);
	} else {
		sb_addf(&sb, "go tool pprof -%s", r);
		if (arg) {
			sb_add(&sb, "=");
			shell_quote(&sb, re);
		}
		option_flags(b, &sb);
		files(b, &sb);
	}
	return sb.s;
}
