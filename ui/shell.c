/*
 * shell: pprof's interactive mode. Reads commands (with line editing,
 * history and completion on a terminal; plain lines otherwise), keeps
 * pprof's option set as text, and runs each report through the engine
 * (report/engine), which never changes the loaded profile, so filters
 * never accumulate and a change costs work over unique stacks.
 *
 * Owns: command parsing (pprof's parseCommandLine: "top10", "top 5 main
 * -runtime", "> file", "-cum"), option handling (name=value, bare booleans
 * and sample type names, ":" to clear filters), "o", "help" and completion.
 * Output goes to stdout, messages to stderr, as pprof does.
 */
#include "ui/shell.h"
#include "ui/browser.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include <editline/readline.h>

#include "cli/output.h"
#include "load/fetch.h"
#include "load/load.h"
#include "report/commands.h"
#include "report/diff.h"
#include "report/engine.h"
#include "report/report.h"
#include "util/arena.h"
#include "util/outfile.h"
#include "util/term.h"

typedef enum { T_BOOL, T_INT, T_FLOAT, T_STRING } field_type;

typedef struct field {
	const char *name;
	field_type type;
	const char *deflt;
	const char *choices[6]; /* for multi-choice string fields */
	const char *help;
} field;

/* pprof's config fields, in the order "o" sorts them into. */
static const field fields[] = {
	{"call_tree", T_BOOL, "false", {0}, "Create a context-sensitive call tree"},
	{"compact_labels", T_BOOL, "true", {0}, "Show minimal headers"},
	{"divide_by", T_FLOAT, "1", {0}, "Ratio to divide all samples before visualization"},
	{"drop_negative", T_BOOL, "false", {0}, "Ignore negative differences"},
	{"edgefraction", T_FLOAT, "0.001", {0}, "Hide edges below <f>*total"},
	{"focus", T_STRING, "", {0}, "Restricts to samples going through a node matching regexp"},
	/* "" is pprof's unset: functions, or what the report forces (list: lines). */
	{"granularity", T_STRING, "", {"functions", "filefunctions", "files", "lines", "addresses"},
	 "Aggregation level: functions, filefunctions, files, lines or addresses"},
	{"hide", T_STRING, "", {0}, "Skips nodes matching regexp"},
	{"ignore", T_STRING, "", {0}, "Skips paths going through any nodes matching regexp"},
	{"intel_syntax", T_BOOL, "false", {0}, "Show assembly in Intel syntax"},
	{"mean", T_BOOL, "false", {0}, "Average sample value over first value (count)"},
	{"nodecount", T_INT, "-1", {0}, "Max number of nodes to show"},
	{"nodefraction", T_FLOAT, "0.005", {0}, "Hide nodes below <f>*total"},
	{"noinlines", T_BOOL, "false", {0}, "Ignore inlines."},
	{"showcolumns", T_BOOL, "false", {0}, "Show column numbers at the source code line level."},
	{"normalize", T_BOOL, "false", {0}, "Scales profile based on the base profile."},
	{"output", T_STRING, "", {0}, "Output filename for file-based outputs"},
	{"prune_from", T_STRING, "", {0}, "Drops any functions below the matched frame."},
	{"relative_percentages", T_BOOL, "false", {0}, "Show percentages relative to focused subgraph"},
	{"sample_index", T_STRING, "", {0}, "Sample value to report (0-based index or name)"},
	{"show", T_STRING, "", {0}, "Only show nodes matching regexp"},
	{"show_from", T_STRING, "", {0}, "Drops functions above the highest matched frame."},
	{"sort", T_STRING, "flat", {"cum", "flat"}, "Sort by cumulative or flat value"},
	{"tagfocus", T_STRING, "", {0}, "Restricts to samples with tags in range or matched by regexp"},
	{"taghide", T_STRING, "", {0}, "Skip tags matching this regexp"},
	{"tagignore", T_STRING, "", {0}, "Discard samples with tags in range or matched by regexp"},
	{"tagleaf", T_STRING, "", {0}, "Adds pseudo stack frames for labels key/value pairs at the callstack leaf"},
	{"tagroot", T_STRING, "", {0}, "Adds pseudo stack frames for labels key/value pairs at the callstack root"},
	{"tagshow", T_STRING, "", {0}, "Only consider tags matching this regexp"},
	{"trim", T_BOOL, "true", {0}, "Honor nodefraction/edgefraction/nodecount defaults"},
	{"trim_path", T_STRING, "", {0}, "Path to trim from source paths before search"},
	{"unit", T_STRING, "minimum", {0}, "Measurement units to display"},
};
enum { NFIELDS = sizeof fields / sizeof fields[0] };

typedef struct shell {
	const prof_profile *orig;
	prof_engine *engine; /* every report runs through it: orig is never changed */
	const char *name;   /* its file, for diff and trend */
	uint64_t max_size;  /* -max_size, for the files diff and trend load */
	char *val[NFIELDS]; /* every option as text, like pprof's config */
	char **fnames;      /* function names, for completion */
	size_t nfnames;
} shell;

static shell *the_shell; /* for the completion callbacks, which take no context */

static int field_index(const char *name)
{
	for (int i = 0; i < NFIELDS; i++)
		if (strcmp(fields[i].name, name) == 0)
			return i;
	return -1;
}

/* The field name is one of the choices of, or -1. */
static int choice_of(const char *name)
{
	for (int i = 0; i < NFIELDS; i++)
		for (const char *const *c = fields[i].choices; *c; c++)
			if (strcmp(*c, name) == 0)
				return i;
	return -1;
}

static void set_val(shell *s, int i, const char *v)
{
	free(s->val[i]);
	s->val[i] = strdup(v);
	if (!s->val[i])
		prof_oom();
}

/* pprof's stringToBool. */
static int to_bool(const char *v)
{
	static const char *const t[] = {"true", "t", "yes", "y", "1", ""};
	static const char *const f[] = {"false", "f", "no", "n", "0"};
	for (size_t i = 0; i < 6; i++)
		if (strcasecmp(v, t[i]) == 0)
			return 1;
	for (size_t i = 0; i < 5; i++)
		if (strcasecmp(v, f[i]) == 0)
			return 0;
	return -1;
}

/* Shortest text that reads back as d, as Go's FormatFloat(d, 'g', -1). */
static void format_float(double d, char *buf, size_t n)
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, d);
		if (strtod(buf, NULL) == d)
			return;
	}
}

/* pprof's configure: sets field name (or the field a choice belongs to). */
static bool configure(shell *s, const char *name, const char *value)
{
	int i = field_index(name);
	if (i < 0) {
		int c = choice_of(name);
		if (c >= 0 && to_bool(value) == 1 && *value) {
			set_val(s, c, name);
			return true;
		}
		fprintf(stderr, "unknown config field \"%s\"\n", name);
		return false;
	}
	const field *f = &fields[i];
	char buf[64];
	char *end;
	switch (f->type) {
	case T_BOOL: {
		int b = to_bool(value);
		if (b < 0) {
			fprintf(stderr, "illegal value \"%s\" for bool variable\n", value);
			return false;
		}
		set_val(s, i, b ? "true" : "false");
		return true;
	}
	case T_INT: {
		errno = 0;
		long v = strtol(value, &end, 10);
		if (!*value || *end || errno || v < INT32_MIN || v > INT32_MAX) {
			fprintf(stderr, "strconv.Atoi: parsing \"%s\": invalid syntax\n", value);
			return false;
		}
		snprintf(buf, sizeof buf, "%ld", v);
		set_val(s, i, buf);
		return true;
	}
	case T_FLOAT: {
		double v = strtod(value, &end);
		if (!*value || *end || isnan(v)) {
			fprintf(stderr, "strconv.ParseFloat: parsing \"%s\": invalid syntax\n", value);
			return false;
		}
		format_float(v, buf, sizeof buf);
		set_val(s, i, buf);
		return true;
	}
	case T_STRING:
		if (f->choices[0]) {
			for (const char *const *c = f->choices; *c; c++)
				if (strcmp(*c, value) == 0) {
					set_val(s, i, value);
					return true;
				}
			fprintf(stderr, "invalid \"%s\" value \"%s\"\n", f->name, value);
			return false;
		}
		set_val(s, i, value);
		return true;
	}
	return false;
}

static const char *val(const shell *s, const char *name)
{
	return s->val[field_index(name)];
}

/* Builds report options from the option text (the strings stay owned by s). */
static void options_from(const shell *s, report_opts *o)
{
	report_opts_init(o);
	o->sample_index = val(s, "sample_index");
	o->mean = to_bool(val(s, "mean")) == 1;
	o->node_count = atoi(val(s, "nodecount"));
	o->node_fraction = strtod(val(s, "nodefraction"), NULL);
	o->edge_fraction = strtod(val(s, "edgefraction"), NULL);
	o->divide_by = strtod(val(s, "divide_by"), NULL);
	o->unit = val(s, "unit");
	o->cum_sort = strcmp(val(s, "sort"), "cum") == 0;
	o->drop_negative = to_bool(val(s, "drop_negative")) == 1;
	o->noinlines = to_bool(val(s, "noinlines")) == 1;
	o->showcolumns = to_bool(val(s, "showcolumns")) == 1;
	o->call_tree = to_bool(val(s, "call_tree")) == 1;
	o->trim = to_bool(val(s, "trim")) == 1;
	o->relative_percentages = to_bool(val(s, "relative_percentages")) == 1;
	o->compact_labels = to_bool(val(s, "compact_labels")) == 1;
	static const char *const grans[] = {"functions", "filefunctions", "files", "lines", "addresses"};
	for (int g = 0; g < 5; g++)
		if (strcmp(val(s, "granularity"), grans[g]) == 0)
			o->granularity = (graph_granularity)g;
	prof_filters *f = &o->filters;
	f->focus = val(s, "focus");
	f->ignore = val(s, "ignore");
	f->hide = val(s, "hide");
	f->show = val(s, "show");
	f->show_from = val(s, "show_from");
	f->prune_from = val(s, "prune_from");
	f->tagfocus = val(s, "tagfocus");
	f->tagignore = val(s, "tagignore");
	f->tagshow = val(s, "tagshow");
	f->taghide = val(s, "taghide");
	o->tagroot = val(s, "tagroot");
	o->tagleaf = val(s, "tagleaf");
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* pprof's printCurrentOptions. */
static void print_options(const shell *s)
{
	char *lines[NFIELDS];
	const prof_profile *p = s->orig;
	for (int i = 0; i < NFIELDS; i++) {
		const field *f = &fields[i];
		const char *v = s->val[i];
		char comment[512] = "", vbuf[256];
		if (f->choices[0]) {
			const char *sorted[6];
			size_t n = 0;
			for (const char *const *c = f->choices; *c; c++)
				sorted[n++] = *c;
			qsort(sorted, n, sizeof *sorted, str_cmp);
			size_t w = (size_t)snprintf(comment, sizeof comment, "//: [");
			for (size_t k = 0; k < n && w < sizeof comment; k++)
				w += (size_t)snprintf(comment + w, sizeof comment - w, "%s%s", k ? " | " : "", sorted[k]);
			snprintf(comment + w, w < sizeof comment ? sizeof comment - w : 0, "]");
		} else if (strcmp(f->name, "sample_index") == 0) {
			if (!*v && p->nsample_type)
				v = prof_str(p, p->sample_types[p->nsample_type - 1].type);
			size_t w = (size_t)snprintf(comment, sizeof comment, "//: [");
			for (size_t k = 0; k < p->nsample_type && w < sizeof comment; k++)
				w += (size_t)snprintf(comment + w, sizeof comment - w, "%s%s", k ? " | " : "",
				                      prof_str(p, p->sample_types[k].type));
			snprintf(comment + w, w < sizeof comment ? sizeof comment - w : 0, "]");
		} else if (strcmp(f->name, "nodecount") == 0 && strcmp(v, "-1") == 0) {
			snprintf(comment, sizeof comment, "//: default");
		} else if (!*v) {
			v = "\"\"";
		}
		if (strcmp(f->name, "granularity") == 0 && !*v)
			v = "(default)";
		snprintf(vbuf, sizeof vbuf, "%s", v);
		size_t len = strlen(f->name) + strlen(vbuf) + strlen(comment) + 64;
		lines[i] = xmalloc(len);
		snprintf(lines[i], len, "  %-25s = %-20s %s", f->name, vbuf, comment);
	}
	qsort(lines, NFIELDS, sizeof *lines, str_cmp);
	for (int i = 0; i < NFIELDS; i++) {
		fprintf(stderr, "%s\n", lines[i]);
		free(lines[i]);
	}
}

static void print_help(const char *topic)
{
	if (!topic || !*topic) {
		fprintf(stderr, "%s\n", "  Commands:");
		size_t n;
		const prof_command *t = prof_commands(&n);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "    %-16s %s\n", t[i].name, prof_command_find(t[i].name)->summary);
		fprintf(stderr, "%s\n", "    o/options        List options and their current values");
		fprintf(stderr, "%s\n", "    q/quit/exit/^D   Exit prof");
		fprintf(stderr, "%s\n", "");
		fprintf(stderr, "%s\n", "  Options:");
		for (int i = 0; i < NFIELDS; i++)
			fprintf(stderr, "    %-16s %s\n", fields[i].name, fields[i].help);
		fprintf(stderr, "%s\n", "");
		fprintf(stderr, "%s\n", "  :   Clear focus/ignore/hide/tagfocus/tagignore");
		fprintf(stderr, "%s\n", "");
		fprintf(stderr, "%s\n", "  type \"help <cmd|option>\" for more information");
		return;
	}
	const prof_command *c = prof_command_find(topic);
	if (c) {
		fputs(c->help, stderr);
		return;
	}
	int f = field_index(topic);
	if (f >= 0) {
		fprintf(stderr, "%s\n\n", fields[f].help);
		return;
	}
	fprintf(stderr, "Unknown command: %s\n", topic);
}

/* a|b, as pprof's catRegex. */
static char *cat_regex(char *a, const char *b)
{
	size_t la = a ? strlen(a) : 0, lb = strlen(b);
	char *r = xmalloc(la + lb + 2);
	if (la && lb)
		snprintf(r, la + lb + 2, "%s|%s", a, b);
	else
		snprintf(r, la + lb + 2, "%s%s", a ? a : "", b);
	free(a);
	return r;
}

/* Writes data to path through a temp file and rename. */
/* pprof's parseCommandLine and generateReport for one command. */

/* The command tok[0] names: exactly, "top10" style, or a unique prefix; NULL after a message. */
static const prof_command *command_of(char **tok, size_t ntok, char *name, size_t namesz, const char **count)
{
	snprintf(name, namesz, "%s", tok[0]);
	*count = NULL;
	const prof_command *cmd = prof_command_find(name);
	if (!cmd) {
		/* "top10": trailing digits are a node count. */
		size_t l = strlen(name), d = l;
		while (d > 0 && name[d - 1] >= '0' && name[d - 1] <= '9')
			d--;
		if (d < l && d > 0) {
			*count = tok[0] + d;
			name[d] = '\0';
			cmd = prof_command_find(name);
		}
	}
	if (cmd)
		return cmd;
	if (field_index(tok[0]) >= 0) {
		fprintf(stderr, "did you mean: %s=%s\n", tok[0], ntok > 1 ? tok[1] : "<val>");
		return NULL;
	}
	prof_err err = {0};
	cmd = prof_command_match(tok[0], &err);
	if (!cmd && strncmp(err.msg, "ambiguous", 9) == 0)
		fprintf(stderr, "%s\n", err.msg);
	else if (!cmd)
		fprintf(stderr, "unrecognized command: \"%s\"\n", tok[0]);
	return cmd;
}

/* diff BASE: the loaded profile against BASE; trend S1 ...: those snapshots, then the loaded profile. */
static bool run_compare(shell *s, const prof_command *cmd, char **files, size_t nfiles, const report_opts *o,
                        FILE *out, prof_err *err)
{
	if (nfiles == 0 || (cmd->kind == CMD_DIFF && nfiles != 1))
		return prof_errf(err, "usage: %s", cmd->kind == CMD_DIFF ? "diff BASE" : "trend S1 ...");
	size_t n = nfiles + 1;
	prof_profile **ps = xcalloc(n, sizeof *ps);
	const char **names = xcalloc(n, sizeof *names);
	bool ok = true;
	for (size_t i = 0; i < nfiles && ok; i++) {
		names[i] = files[i];
		prof_err lerr = {0};
		/* A URL is captured (and saved) as on the command line, with pprof's defaults. */
		fetch_opts fo;
		fetch_opts_init(&fo);
		fo.max_size = s->max_size;
		ps[i] = prof_load_source(files[i], &fo, &lerr);
		fetch_opts_free(&fo);
		if (!ps[i])
			ok = prof_errf(err, "%s: %s", files[i], lerr.msg);
	}
	names[nfiles] = s->name;
	diff_opts d = {.color = isatty(1) && !getenv("NO_COLOR")};
	if (ok) {
		ps[nfiles] = prof_profile_copy(s->orig);
		bool usage;
		int64_t grew;
		ok = cmd->kind == CMD_DIFF ? report_diff(out, ps[0], ps[1], names[0], names[1], o, &d, &grew, err)
		                           : report_trends(out, ps, names, n, o, &d, &usage, err);
	}
	for (size_t i = 0; i < n; i++)
		prof_profile_free(ps[i]);
	free(ps);
	free(names);
	return ok;
}

/* The words after the command: a node count, "> file", "-cum", focus and ignore regexes. */
typedef struct cmd_words {
	char *focus, *ignore;
	const char *output;
	bool ok;
} cmd_words;

static void parse_words(char **tok, size_t ntok, size_t a, const char *count, report_opts *o, cmd_words *w)
{
	for (size_t i = count ? 0 : a; i < ntok && w->ok; i++) {
		const char *t = i == 0 ? count : tok[i];
		if (i == 0)
			i = a - 1; /* the count from "top10" comes first, then the rest */
		char *end;
		errno = 0;
		long n = strtol(t, &end, 10);
		if (*t && !*end && !errno && n >= INT32_MIN && n <= INT32_MAX) {
			o->node_count = (int)n;
			continue;
		}
		if (t[0] == '>') {
			w->output = t[1] ? t + 1 : (i + 1 < ntok ? tok[++i] : NULL);
			if (!w->output) {
				fprintf(stderr, "unexpected end of line after >\n");
				w->ok = false;
			}
		} else if (t[0] == '-') {
			if (strcmp(t, "-cum") == 0 || strcmp(t, "--cum") == 0)
				o->cum_sort = true;
			else
				w->ignore = cat_regex(w->ignore, t + 1);
		} else {
			w->focus = cat_regex(w->focus, t);
		}
	}
}

/* One command, as output_run makes it. */
typedef struct command_run {
	shell *s;
	const prof_command *cmd;
	const char *arg;
	char **files;
	size_t nfiles;
	const report_opts *o;
} command_run;

static bool make_output(FILE *out, void *ctx, prof_err *err)
{
	const command_run *c = ctx;
	if (c->cmd->kind != CMD_REPORT)
		return run_compare(c->s, c->cmd, c->files, c->nfiles, c->o, out, err);
	return engine_run(c->s->engine, out, c->cmd->name, c->arg, c->o, stderr, err);
}

/* Runs the command to where its output goes (cli/output: the CLI's rules). */
static void run_into(shell *s, const prof_command *cmd, const char *arg, char **files, size_t nfiles,
                     const report_opts *o, const char *output)
{
	out_dest d = output_choose(cmd, output, isatty(1));
	/* pprof's shell puts binary data in a new profileNNN.EXT, piped or not. */
	if (!output && cmd->ext)
		d = (out_dest){.kind = OUT_NEWFILE, .ext = cmd->ext};
	d.announce = true;
	command_run c = {s, cmd, arg, files, nfiles, o};
	prof_err err = {0};
	output_status st = output_run(&d, make_output, &c, &err);
	if (st == OUTPUT_BAD_REPORT || st == OUTPUT_BAD_WRITE)
		fprintf(stderr, "%s\n", err.msg);
}

/* ui: the browser on the loaded profile, starting from the shell's options. */
static void run_browser(shell *s)
{
	char why[128];
	if (!browser_can_start(why, sizeof why)) {
		fprintf(stderr, "%s\n", why);
		return;
	}
	report_opts o;
	options_from(s, &o);
	const char *files[] = {s->name};
	browser_input in = {.p = s->orig, .files = files, .nfiles = 1, .o = &o, .engine = s->engine};
	browser_run(&in);
}

static void run_command(shell *s, char **tok, size_t ntok)
{
	char name[64];
	const char *count;
	const prof_command *cmd = command_of(tok, ntok, name, sizeof name, &count);
	if (!cmd)
		return;
	if (cmd->kind == CMD_UI) {
		run_browser(s);
		return;
	}
	size_t a = 1;
	const char *arg = NULL;
	if (cmd->kind == CMD_REPORT && cmd->arg) {
		if (ntok < 2) {
			fprintf(stderr, "command %s requires an argument\n", cmd->name);
			return;
		}
		arg = tok[a++];
	}
	report_opts o;
	options_from(s, &o);
	cmd_words w = {.output = *val(s, "output") ? val(s, "output") : NULL, .ok = true};
	/* diff and trend take files, not words. */
	if (cmd->kind == CMD_REPORT)
		parse_words(tok, ntok, a, count, &o, &w);
	if (cmd->report == PR_TAGS && cmd->kind == CMD_REPORT) {
		if (w.focus && *w.focus)
			o.filters.tagfocus = w.focus;
		if (w.ignore && *w.ignore)
			o.filters.tagignore = w.ignore;
	} else {
		if (w.focus && *w.focus)
			o.filters.focus = w.focus;
		if (w.ignore && *w.ignore)
			o.filters.ignore = w.ignore;
	}
	if (o.node_count == -1 && cmd->shell_nodecount != cmd->nodecount)
		o.node_count = cmd->shell_nodecount;
	prof_err err = {0};
	if (w.ok && !prof_filters_check(&o.filters, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		w.ok = false;
	}
	if (w.ok)
		run_into(s, cmd, arg, tok + 1, ntok - 1, &o, w.output);
	fflush(stdout);
	free(w.focus);
	free(w.ignore);
}

/* One input line: pprof's interactive loop body. Returns false to quit. */
static bool handle_line(shell *s, char *line)
{
	/* Shortcuts: ":" clears the filters; a sample type name selects it. */
	char *t = line;
	while (*t == ' ' || *t == '\t')
		t++;
	size_t tl = strlen(t);
	while (tl && (t[tl - 1] == ' ' || t[tl - 1] == '\t' || t[tl - 1] == '\r'))
		t[--tl] = '\0';
	if (strcmp(t, ":") == 0) {
		const char *names[] = {"focus", "ignore", "hide", "tagfocus", "tagignore"};
		for (size_t i = 0; i < 5; i++)
			configure(s, names[i], "");
		return true;
	}
	const prof_profile *p = s->orig;
	for (size_t i = 0; i < p->nsample_type; i++) {
		const char *st = prof_str(p, p->sample_types[i].type);
		size_t sl = strlen(st);
		bool total = strncmp(t, "total_", 6) == 0 && strcmp(t + 6, st) == 0;
		bool mean = strncmp(t, "mean_", 5) == 0 && strcmp(t + 5, st) == 0;
		if (strcmp(t, st) == 0 || total || mean) {
			if (total || mean)
				configure(s, "mean", mean ? "1" : "0");
			configure(s, "sample_index", st);
			return true;
		}
		(void)sl;
	}
	/* name=value */
	char *eq = strchr(t, '=');
	char name[128];
	size_t nl = eq ? (size_t)(eq - t) : strlen(t);
	while (nl && (t[nl - 1] == ' ' || t[nl - 1] == '\t'))
		nl--;
	if (nl < sizeof name) {
		memcpy(name, t, nl);
		name[nl] = '\0';
		if (field_index(name) >= 0 || choice_of(name) >= 0) {
			int f = field_index(name);
			bool is_bool = f < 0 || fields[f].type == T_BOOL;
			if (!eq && !is_bool) {
				fprintf(stderr, "please specify a value, e.g. %s=<val>\n", name);
				return true;
			}
			char *v = eq ? eq + 1 : "";
			char *comment = strstr(v, "//:");
			if (comment)
				*comment = '\0';
			while (*v == ' ' || *v == '\t')
				v++;
			size_t vl = strlen(v);
			while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
				v[--vl] = '\0';
			if (strcmp(name, "sample_index") == 0) {
				prof_err err = {0};
				int si = prof_sample_index(p, v, &err);
				if (si < 0) {
					fprintf(stderr, "%s\n", err.msg);
					return true;
				}
				v = (char *)prof_str(p, p->sample_types[si].type);
			}
			configure(s, name, v);
			return true;
		}
	}
	char *tok[64];
	size_t ntok = 0;
	for (char *w = strtok(t, " \t"); w && ntok < 64; w = strtok(NULL, " \t"))
		tok[ntok++] = w;
	if (ntok == 0)
		return true;
	if (strcmp(tok[0], "o") == 0 || strcmp(tok[0], "options") == 0) {
		print_options(s);
		return true;
	}
	if (strcmp(tok[0], "exit") == 0 || strcmp(tok[0], "quit") == 0 || strcmp(tok[0], "q") == 0)
		return false;
	if (strcmp(tok[0], "help") == 0) {
		print_help(ntok > 1 ? tok[1] : NULL);
		return true;
	}
	run_command(s, tok, ntok);
	return true;
}

/* ---- completion ---- */

/* First word: commands and options by prefix. */
static char *complete_command(const char *text, int state)
{
	static size_t i, len;
	if (!state) {
		i = 0;
		len = strlen(text);
	}
	size_t ncmd;
	const prof_command *t = prof_commands(&ncmd);
	while (i < ncmd + NFIELDS) {
		size_t k = i++;
		const char *cand = k < ncmd ? t[k].name : fields[k - ncmd].name;
		if (strncmp(cand, text, len) == 0)
			return strdup(cand);
	}
	return NULL;
}

/* Later words: function names containing the text, as pprof completes them. */
static char *complete_function(const char *text, int state)
{
	static size_t i;
	shell *s = the_shell;
	const char *t = *text == '-' ? text + 1 : text;
	if (!state)
		i = 0;
	while (i < s->nfnames) {
		const char *f = s->fnames[i++];
		if (strstr(f, t)) {
			size_t n = strlen(f) + 2;
			char *m = xmalloc(n);
			snprintf(m, n, "%s%s", *text == '-' ? "-" : "", f);
			return m;
		}
	}
	return NULL;
}

static char **complete(const char *text, int start, int end)
{
	(void)end;
	rl_attempted_completion_over = 1;
	return rl_completion_matches(text, start == 0 ? complete_command : complete_function);
}

static char *history_path(void)
{
	const char *home = getenv("HOME");
	if (!home || !*home)
		return NULL;
	size_t n = strlen(home) + 32;
	char *p = xmalloc(n);
	snprintf(p, n, "%s/.prof_history", home);
	return p;
}

static double now_seconds(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * A command allocates arrays as large as the profile's stacks (and, for
 * reports on samples, copies of its samples). glibc maps blocks that big
 * anew each time (past 32 MiB no threshold keeps them in the heap) and the
 * kernel zeroes every page, a quarter of a command's time at 1M samples;
 * with no mapped blocks and no trimming, the next command reuses the pages.
 */
static void keep_freed_memory(void)
{
#ifdef __GLIBC__
	mallopt(M_MMAP_MAX, 0);
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

int shell_run(prof_profile *p, const char *name, uint64_t max_size)
{
	shell s = {.orig = p, .engine = engine_new(p, false), .name = name, .max_size = max_size};
	keep_freed_memory();
	the_shell = &s;
	for (int i = 0; i < NFIELDS; i++)
		set_val(&s, i, fields[i].deflt);
	s.fnames = xcalloc(p->nfunction + 1, sizeof *s.fnames);
	for (size_t i = 0; i < p->nfunction; i++)
		s.fnames[s.nfnames++] = (char *)prof_str(p, p->functions[i].name);

	/* Greeting: the profile's header lines, as pprof prints them. */
	{
		report_opts o;
		options_from(&s, &o);
		o.compact_labels = false;
		prof_err err = {0};
		char *buf = NULL;
		size_t len = 0;
		FILE *mem = open_memstream(&buf, &len);
		if (mem) {
			bool ok = engine_run(s.engine, mem, "header", NULL, &o, NULL, &err);
			fclose(mem);
			if (ok)
				fwrite(buf, 1, len, stderr);
		}
		free(buf);
	}
	fputs("Entering interactive mode (type \"help\" for commands, \"o\" for options)\n", stderr);

	bool tty = isatty(0) && isatty(1);
	bool timing = getenv("PROF_SHELL_TIMING") != NULL;
	char *hist = tty ? history_path() : NULL;
	if (tty) {
		rl_readline_name = "prof";
		rl_attempted_completion_function = complete;
		using_history();
		if (hist)
			read_history(hist);
	}
	for (;;) {
		char *line = NULL;
		if (tty) {
			line = readline("(prof) ");
		} else {
			fputs("(prof) ", stdout);
			fflush(stdout);
			size_t cap = 0;
			ssize_t n = getline(&line, &cap, stdin);
			if (n < 0) {
				free(line);
				line = NULL;
			} else if (n > 0 && line[n - 1] == '\n') {
				line[n - 1] = '\0';
			}
		}
		if (!line)
			break;
		if (tty && *line) {
			add_history(line);
			if (hist)
				write_history(hist);
		}
		/* PROF_SHELL_TIMING: each line's wall time on stderr, for the benchmark (bench/shell.sh). */
		char *shown = timing ? strdup(line) : NULL;
		double t0 = timing ? now_seconds() : 0;
		bool more = handle_line(&s, line);
		if (shown)
			fprintf(stderr, "prof-timing: %.4f s: %s\n", now_seconds() - t0, shown);
		free(shown);
		free(line);
		if (!more)
			break;
	}
	if (tty)
		putchar('\n');
	free(hist);
	for (int i = 0; i < NFIELDS; i++)
		free(s.val[i]);
	free(s.fnames);
	engine_free(s.engine);
	the_shell = NULL;
	return 0;
}
