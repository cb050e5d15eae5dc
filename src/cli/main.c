/*
 * main: argv to calls. Loads the profile, runs the chosen report into memory,
 * then writes it to stdout or atomically to -output, so that a failure never
 * leaves half a report behind.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/options.h"
#include "load/load.h"
#include "report/report.h"
#include "ui/shell.h"
#include "xform/merge.h"
#include "report/diff.h"
#include "util/outfile.h"
#include "util/term.h"

#ifndef PROF_VERSION
#define PROF_VERSION "dev"
#endif

static const char usage_text[] =
	"usage: prof REPORT [flags] FILE\n"
	"       prof -REPORT [flags] FILE     (go tool pprof's spelling)\n"
	"\n"
	"prof reads Go runtime profiles (pprof protobuf, gzip'd or not) and prints\n"
	"the same reports as go tool pprof.\n"
	"\n"
	"Reports (prof help REPORT for one):\n"
	"  top, text        flat and cumulative values per function\n"
	"  tree             each function with its callers and callees\n"
	"  peek REGEX       the same for the functions matching REGEX, untrimmed\n"
	"  traces           every sample: labels, value, stack\n"
	"  tags             label keys and values with their share\n"
	"  comments         the profile's comments\n"
	"  dot              the call graph in Graphviz's DOT language (-call_tree: one node per path)\n"
	"  svg, png, gif, ps, pdf   that graph drawn by Graphviz's libraries (no dot program needed)\n"
	"  goroutines       goroutines grouped by stack and state, stuck ones flagged\n"
	"  proto            the profile after filters, diffs and merges, as gzip'd protobuf\n"
	"  diff BASE NEW    which stacks grew between two snapshots\n"
	"  trend S1 ... Sn  each stack across snapshots, and the leak suspects\n"
	"\n"
	"Value selection:\n"
	"  -sample_index=NAME|N   sample type to show (default: the profile's default, else the last)\n"
	"  -mean                  average value per sample (divide by the first sample type)\n"
	"  -inuse_space -inuse_objects -alloc_space -alloc_objects\n"
	"  -contentions -total_delay -mean_delay    aliases of -sample_index (and -mean)\n"
	"\n"
	"Filters (regexes match anywhere in a function name, file or binary):\n"
	"  -focus=RE -ignore=RE   keep samples through / not through a match\n"
	"  -hide=RE -show=RE      drop / keep only matching frames\n"
	"  -show_from=RE          drop frames above the outermost match\n"
	"  -prune_from=RE         drop frames below the match\n"
	"  -tagfocus=[KEY=]RE|RANGE -tagignore=...   by label (ranges: 1kb:64kb, 5:, :1ms)\n"
	"  -tagshow=RE -taghide=RE                   which label keys to show\n"
	"  -relative_percentages  percentages of the filtered total\n"
	"\n"
	"Report options:\n"
	"  -nodecount=N           show at most N nodes (default: all for top, 80 otherwise)\n"
	"  -nodefraction=F        hide nodes below F of the total (default 0.005)\n"
	"  -edgefraction=F        hide edges below F of the total (default 0.001)\n"
	"  -trim=false            no node count or fractions\n"
	"  -unit=UNIT             show values in UNIT (default minimum: the smallest fitting unit)\n"
	"  -cum / -flat           sort by cumulative / flat value (default flat)\n"
	"  -divide_by=F           divide all values by F\n"
	"  -drop_negative         hide nodes with negative values\n"
	"  -compact_labels        no header lines about the profile\n"
	"  -functions -filefunctions -files -lines -addresses   granularity (default functions)\n"
	"  -noinlines             attribute inlined functions to their callers\n"
	"  -showcolumns           column numbers too, at line granularity (file:line:col)\n"
	"  -call_tree             dot: a node per distinct call path, not per function\n"
	"  -output=FILE           write the report to FILE (atomically)\n"
	"  -max_size=SIZE         refuse files past SIZE, or inflating past it (default 2gb;\n"
	"                         PROF_MAX_SIZE too); a model may take SIZE/8 + 64 x the file\n"
	"\n"
	"Other:\n"
	"  prof help [REPORT]     this text, or help on one report\n"
	"  prof --version         version\n"
	"\n"
	"Exit status: 0 ok, 1 bad input or write error, 2 usage error.\n";

/* One paragraph per report, for prof help REPORT. */
static const struct {
	const char *name, *text;
} report_help[] = {
	{"top", "top: flat and cumulative values per function, largest flat first.\n"
	        "\n"
	        "usage: prof top [flags] FILE   or   prof -top [flags] FILE\n"
	        "\n"
	        "Columns: flat, flat%, sum% (running total of flat%), cum, cum%, name.\n"
	        "Flat is the value in the function itself; cum includes its callees.\n"
	        "text is the same report. Shows every node unless -nodecount is given.\n"},
	{"text", NULL},
	{"tree", "tree: every function with its callers above and callees below.\n"
	         "\n"
	         "usage: prof tree [flags] FILE   or   prof -tree [flags] FILE\n"
	         "\n"
	         "Caller and callee lines show the edge's value and its share of the\n"
	         "function's cum. At most 80 functions unless -nodecount is given.\n"},
	{"peek", "peek: the tree report for the functions matching REGEX, with no trimming.\n"
	         "\n"
	         "usage: prof peek REGEX [flags] FILE   or   prof -peek=REGEX [flags] FILE\n"},
	{"traces", "traces: every sample with its labels, value and stack, leaf first.\n"
	           "\n"
	           "usage: prof traces [flags] FILE   or   prof -traces [flags] FILE\n"},
	{"tags", "tags: each label key with its total and each value's share.\n"
	         "\n"
	         "usage: prof tags [flags] FILE   or   prof -tags [flags] FILE\n"
	         "\n"
	         "Numeric labels are shown in their unit (bytes, ms...).\n"},
	{"comments", "comments: the comments stored in the profile, one per line.\n"
	             "\n"
	             "usage: prof comments FILE   or   prof -comments FILE\n"},
	{"proto", "proto: the profile as the filters, -base/-diff_base and merging left it,\n"
	          "written as gzip'd pprof protobuf (pprof's -proto).\n"
	          "\n"
	          "usage: prof proto [flags] -output=FILE FILE...   or   prof -proto -output=FILE ...\n"
	          "\n"
	          "Every sample type is kept; -divide_by scales the values. Granularity and\n"
	          "-noinlines do not apply (as in pprof). Several FILEs are merged first.\n"
	          "Without -output it writes to stdout, unless stdout is a terminal.\n"},
	{"dot", "dot: the call graph in Graphviz's DOT language, as go tool pprof -dot writes it.\n"
	        "\n"
	        "usage: prof dot [flags] FILE   or   prof -dot [flags] FILE\n"
	        "\n"
	        "Render it with Graphviz: prof dot FILE | dot -Tsvg > graph.svg\n"
	        "A box per function (flat and cum, font size by flat), edges by weight,\n"
	        "dotted where dropped nodes were skipped; label sets and allocation sizes\n"
	        "hang below their functions. At most 80 nodes unless -nodecount is given.\n"
	        "  -call_tree   a node per distinct call path instead of per function\n"},
	{"svg", "svg (and png, gif, ps, pdf): the dot graph drawn as an image, in the process,\n"
	        "by Graphviz's libraries: no dot program is needed.\n"
	        "\n"
	        "usage: prof svg [flags] -output=FILE FILE   or   prof -svg -output=FILE [flags] FILE\n"
	        "\n"
	        "The graph is -dot's (the same flags apply, -call_tree too). Names are escaped\n"
	        "for XML. On a terminal without -output the image goes to a new file\n"
	        "profileNNN.svg (.png, ...), as with pprof. png and gif need Graphviz's gd\n"
	        "plugin, pdf its cairo plugin (Debian: libgvc6, libgvc6-plugins-gtk).\n"},
	{"png", NULL},
	{"gif", NULL},
	{"ps", NULL},
	{"pdf", NULL},
	{"diff", "diff: which whole stacks grew between two snapshots of one kind.\n"
	         "\n"
	         "usage: prof diff [flags] BASE NEW\n"
	         "\n"
	         "Samples are grouped by their stack (from the first frame outside package\n"
	         "runtime; with goroutine dumps also by state and creator). Each group shows\n"
	         "base, new, delta and change, growth first; a summary by function follows.\n"
	         "Works across formats (a debug=1 text against a pb.gz).\n"
	         "  -v                whole stacks\n"
	         "  -all              also stacks that did not change\n"
	         "  -fail_if_grew=N   exit 3 when a stack grew by more than N\n"
	         "  -sample_index, -nodecount, filters and granularity as for other reports\n"},
	{"trend", "trend: each stack's value across snapshots, and the leak suspects.\n"
	          "\n"
	          "usage: prof trend [flags] S1 S2 ... Sn\n"
	          "\n"
	          "Snapshots are ordered by their time (argument order when they have none)\n"
	          "and compared by kind. Each stack shows its values, a sparkline, the\n"
	          "snapshot it first appeared in, its slope, and GREW when it grew at every\n"
	          "step. Leak suspects are ranked by a score:\n"
	          "  +3 grew at every step, +2 x share of steps it grew,\n"
	          "  +2 x its growth relative to the fastest-growing stack,\n"
	          "  +1 x goroutine age (longest wait / 60 min, at most 1; debug=2 dumps),\n"
	          "  +2 stuck forever (nil channel, select {}),\n"
	          "  -4 fell back below its peak (freed memory is not a leak).\n"
	          "Goroutines the runtime proved leaked (Go 1.26: \"(leaked)\" in a dump, or a\n"
	          "goroutineleak profile) come first, marked LEAKED, whatever their score.\n"
	          "With goroutine and heap snapshots both given, functions growing in both\n"
	          "are listed.\n"},
	{"goroutines", "goroutines: goroutines grouped by stack and state, largest group first.\n"
	               "\n"
	               "usage: prof goroutines [flags] FILE   (a debug=2 dump, or a goroutine profile)\n"
	               "\n"
	               "Shows count, state, wait times, creator and stack. Groups the runtime\n"
	               "proved leaked (Go 1.26's \"(leaked)\", a goroutineleak profile) come\n"
	               "first, marked LEAKED; STUCK FOREVER guesses from the state that a\n"
	               "goroutine can never run again (nil channel, select {}).\n"
	               "  -similar        merge groups that differ only in line numbers\n"
	               "  -state=REGEX    only goroutines in matching states\n"
	               "  -min=N          only groups of at least N goroutines\n"
	               "  -focus/-ignore  by function, as for other reports\n"},
};

static int help(const char *topic)
{
	if (!topic) {
		fputs(usage_text, stdout);
		return PROF_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof report_help / sizeof report_help[0]; i++)
		if (strcmp(report_help[i].name, topic) == 0) {
			/* Aliases share the text of the first entry before them that has one. */
			size_t k = i;
			while (!report_help[k].text && k > 0)
				k--;
			fputs(report_help[k].text ? report_help[k].text : "", stdout);
			return PROF_EXIT_OK;
		}
	fprintf(stderr, "prof: no help for %s; try prof --help\n", topic);
	return PROF_EXIT_USAGE;
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "prof: %s\n", msg);
	fprintf(stderr, "usage: prof REPORT [flags] FILE (prof --help for more)\n");
	return PROF_EXIT_USAGE;
}

/* Writes data to path through a temp file and rename, so path is whole or untouched. */
static int write_atomically(const char *path, const char *data, size_t len)
{
	prof_err err = {0};
	if (outfile_write(path, data, len, &err))
		return PROF_EXIT_OK;
	fprintf(stderr, "prof: %s\n", err.msg);
	return PROF_EXIT_BAD_INPUT;
}

/*
 * Loads files; several (of one kind) are merged, as pprof merges them:
 * equal samples summed, zero ones dropped. One file stays as recorded
 * (pprof skips the merge for a single profile). NULL after a message.
 */
/*
 * Loaders' notes (lines skipped in a folded file) wait until the command has
 * worked: a refused file gets its one error line and nothing else.
 */
static char *notes;
static size_t notes_len;

static void note(const char *file, const char *msg)
{
	char line[1200];
	int w = snprintf(line, sizeof line, "prof: %s: %s\n", file, msg);
	if (w <= 0)
		return;
	size_t n = (size_t)w < sizeof line ? (size_t)w : sizeof line - 1;
	notes = xrealloc(notes, notes_len + n + 1);
	memcpy(notes + notes_len, line, n);
	notes_len += n;
	notes[notes_len] = '\0';
}

/* Prints the notes held so far (when the command worked) and forgets them. */
static void flush_notes(bool print)
{
	if (print && notes_len)
		fputs(notes, stderr);
	free(notes);
	notes = NULL;
	notes_len = 0;
}

static prof_profile *load_all(const char **files, int n)
{
	prof_err err = {0};
	prof_profile *p = prof_load_file(files[0], &err);
	if (!p) {
		fprintf(stderr, "prof: %s: %s\n", files[0], err.msg);
		return NULL;
	}
	if (err.note[0])
		note(files[0], err.note);
	for (int i = 1; i < n; i++) {
		err.note[0] = '\0';
		prof_profile *q = prof_load_file(files[i], &err);
		if (q && err.note[0])
			note(files[i], err.note);
		bool ok = q && prof_merge(p, q, &err);
		prof_profile_free(q);
		if (!ok) {
			fprintf(stderr, "prof: %s: %s\n", files[i], err.msg);
			prof_profile_free(p);
			return NULL;
		}
	}
	if (n > 1)
		prof_compact_samples(p);
	return p;
}

/*
 * pprof's -base/-diff_base: the base profiles (merged) are marked with
 * pprof::base=true for -diff_base, scaled to p with -normalize, negated and
 * merged into p.
 */
static bool subtract_base(prof_profile *p, const cli *c)
{
	prof_profile *b = load_all(c->bases, c->nbases);
	if (!b)
		return false;
	prof_err err = {0};
	if (c->diff_base)
		prof_set_label(b, "pprof::base", "true");
	size_t nt = p->nsample_type;
	double *ratios = xcalloc(nt + 1, sizeof *ratios);
	if (c->normalize && nt == b->nsample_type) {
		/* pprof's Normalize scales the new profile to the base's totals. */
		for (size_t i = 0; i < nt; i++) {
			int64_t bs = 0, ps = 0;
			for (size_t s = 0; s < b->nsample; s++)
				bs += b->values[s * nt + i];
			for (size_t s = 0; s < p->nsample; s++)
				ps += p->values[s * nt + i];
			ratios[i] = ps == 0 ? 0.0 : (double)bs / (double)ps;
		}
		prof_scale_values(p, ratios);
	}
	for (size_t i = 0; i < b->nsample_type; i++)
		ratios[i] = -1;
	prof_scale_values(b, ratios);
	free(ratios);
	bool ok = prof_merge(p, b, &err);
	if (!ok)
		fprintf(stderr, "prof: %s: %s\n", c->bases[0], err.msg);
	/* pprof's merge sums a stack's new and base samples before any total. */
	else
		prof_compact_samples(p);
	prof_profile_free(b);
	return ok;
}

/* prof diff BASE NEW: stack-level growth, and exit 3 past -fail_if_grew. */
static int run_diff(cli *c)
{
	if (c->nfiles != 2)
		return usage_error("diff needs two profiles: prof diff [flags] BASE NEW");
	prof_profile *base = load_all(c->files, 1);
	prof_profile *cur = base ? load_all(c->files + 1, 1) : NULL;
	if (!cur) {
		prof_profile_free(base);
		return PROF_EXIT_BAD_INPUT;
	}
	diff_opts d = {.verbose = c->verbose, .all = c->all,
	               .color = !c->output && isatty(1) && !getenv("NO_COLOR")};
	prof_err err = {0};
	int64_t grew = 0;
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		prof_oom();
	bool ok = report_diff(mem, base, cur, c->files[0], c->files[1], &c->ro, &d, &grew, &err);
	fclose(mem);
	prof_profile_free(base);
	prof_profile_free(cur);
	int rc = PROF_EXIT_OK;
	if (!ok) {
		fprintf(stderr, "prof: %s\n", err.msg);
		rc = PROF_EXIT_BAD_INPUT;
	} else {
		rc = c->output ? write_atomically(c->output, buf, len)
		               : (fwrite(buf, 1, len, stdout) == len ? PROF_EXIT_OK : PROF_EXIT_BAD_INPUT);
		if (rc == PROF_EXIT_OK && c->fail_if_grew >= 0 && grew > c->fail_if_grew) {
			fprintf(stderr, "prof: a stack grew by %" PRId64 ", more than -fail_if_grew=%" PRId64 "\n", grew,
			        c->fail_if_grew);
			rc = PROF_EXIT_GREW;
		}
	}
	free(buf);
	return rc;
}

/* Sample types as one string: profiles with equal kinds trend together. */
static void kind_of(const prof_profile *p, char *buf, size_t n)
{
	size_t w = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < p->nsample_type && w < n; i++)
		w += (size_t)snprintf(buf + w, n - w, "%s/%s ", prof_str(p, p->sample_types[i].type),
		                      prof_str(p, p->sample_types[i].unit));
}

/* prof trend S1 ... Sn: a trend per kind of profile, then functions growing in several kinds. */
static int run_trend(cli *c)
{
	if (c->nfiles < 2)
		return usage_error("trend needs at least two snapshots: prof trend [flags] S1 S2 ...");
	int n = c->nfiles;
	prof_profile **ps = xcalloc((size_t)n, sizeof *ps);
	for (int i = 0; i < n; i++)
		if (!(ps[i] = load_all(c->files + i, 1))) {
			for (int j = 0; j < i; j++)
				prof_profile_free(ps[j]);
			free(ps);
			return PROF_EXIT_BAD_INPUT;
		}
	diff_opts d = {.all = c->all, .color = !c->output && isatty(1) && !getenv("NO_COLOR")};
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		prof_oom();
	bool *done = xcalloc((size_t)n, sizeof *done);
	char **growing[8] = {0};
	size_t ngrowing[8] = {0}, nkinds = 0;
	int rc = PROF_EXIT_OK;
	prof_err err = {0};
	for (int i = 0; i < n && rc == PROF_EXIT_OK; i++) {
		if (done[i])
			continue;
		char ki[1024], kj[1024];
		kind_of(ps[i], ki, sizeof ki);
		prof_profile **group = xcalloc((size_t)n, sizeof *group);
		const char **names = xcalloc((size_t)n, sizeof *names);
		size_t ng = 0;
		for (int j = i; j < n; j++) {
			kind_of(ps[j], kj, sizeof kj);
			if (!done[j] && strcmp(ki, kj) == 0) {
				done[j] = true;
				group[ng] = ps[j];
				names[ng++] = c->files[j];
			}
		}
		if (ng < 2) {
			fprintf(stderr, "prof: %s: no other snapshot of its kind to compare with\n", names[0]);
			rc = PROF_EXIT_USAGE;
		} else {
			if (nkinds)
				fputc('\n', mem);
			size_t slot = nkinds < 8 ? nkinds : 7;
			if (!report_trend(mem, group, names, ng, &c->ro, &d, &growing[slot], &ngrowing[slot], &err)) {
				fprintf(stderr, "prof: %s\n", err.msg);
				rc = PROF_EXIT_BAD_INPUT;
			}
			nkinds++;
		}
		free(group);
		free(names);
	}
	/* Functions that grow in more than one kind (say goroutines and heap). */
	if (rc == PROF_EXIT_OK && nkinds > 1) {
		bool header = false;
		for (size_t i = 0; i < ngrowing[0]; i++) {
			bool everywhere = true;
			for (size_t k = 1; k < nkinds && k < 8; k++) {
				bool found = false;
				for (size_t j = 0; j < ngrowing[k] && !found; j++)
					found = strcmp(growing[k][j], growing[0][i]) == 0;
				everywhere = everywhere && found;
			}
			if (!everywhere)
				continue;
			if (!header)
				fputs("\nGrowing in every kind of profile given:\n", mem);
			header = true;
			fprintf(mem, "  %s\n", growing[0][i]);
		}
		if (!header)
			fputs("\nGrowing in every kind of profile given: no function of the program\n", mem);
	}
	for (size_t k = 0; k < 8; k++) {
		for (size_t i = 0; i < ngrowing[k]; i++)
			free(growing[k][i]);
		free(growing[k]);
	}
	fclose(mem);
	if (rc == PROF_EXIT_OK)
		rc = c->output ? write_atomically(c->output, buf, len)
		               : (fwrite(buf, 1, len, stdout) == len ? PROF_EXIT_OK : PROF_EXIT_BAD_INPUT);
	free(buf);
	free(done);
	for (int i = 0; i < n; i++)
		prof_profile_free(ps[i]);
	free(ps);
	return rc;
}

/* -output: the report streams into a temporary file, renamed over FILE only when whole. */
static int report_to_file(cli *c, prof_profile *p)
{
	prof_err err = {0};
	outfile o;
	if (!outfile_open(&o, c->output, &err)) {
		fprintf(stderr, "prof: %s\n", err.msg);
		return PROF_EXIT_BAD_INPUT;
	}
	if (!report_run(o.f, p, c->report, c->report_arg, &c->ro, stderr, &err)) {
		prof_err werr = {0};
		/* A report that stopped on a write error: the output's fault, not the profile's. */
		if (outfile_failed(&o, &werr))
			fprintf(stderr, "prof: %s\n", werr.msg);
		else
			fprintf(stderr, "prof: %s: %s\n", c->files[0], err.msg);
		outfile_abort(&o);
		return PROF_EXIT_BAD_INPUT;
	}
	if (!outfile_commit(&o, &err)) {
		fprintf(stderr, "prof: %s\n", err.msg);
		return PROF_EXIT_BAD_INPUT;
	}
	return PROF_EXIT_OK;
}

/*
 * Piped or redirected: the report streams to stdout as it is made, so its
 * size never sits in memory. Every report finds its errors (bad regexp, no
 * match, bad sample index) before it prints, so an error still leaves no
 * partial output; a write error is found at exit.
 */
static int report_to_stdout(cli *c, prof_profile *p)
{
	prof_err err = {0};
	if (!report_run(stdout, p, c->report, c->report_arg, &c->ro, stderr, &err)) {
		if (!ferror(stdout)) /* else the write error is told once, at exit */
			fprintf(stderr, "prof: %s: %s\n", c->files[0], err.msg);
		return PROF_EXIT_BAD_INPUT;
	}
	return PROF_EXIT_OK;
}

/* A terminal: binary reports go to a new profileNNN.EXT, text is made safe to show. */
static int report_to_terminal(cli *c, prof_profile *p)
{
	prof_err err = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		prof_oom();
	bool ok = report_run(mem, p, c->report, c->report_arg, &c->ro, stderr, &err);
	fclose(mem);
	int rc = PROF_EXIT_OK;
	if (!ok) {
		fprintf(stderr, "prof: %s: %s\n", c->files[0], err.msg);
		rc = PROF_EXIT_BAD_INPUT;
	} else if (report_binary_ext(c->report)) {
		/* pprof's awayFromTTY: binary data goes to a new file, not the terminal. */
		char name[64];
		if (outfile_write_new("profile", report_binary_ext(c->report), buf, len, name, sizeof name, &err)) {
			fprintf(stderr, "Generating report in %s\n", name);
		} else {
			fprintf(stderr, "prof: %s\n", err.msg);
			rc = PROF_EXIT_BAD_INPUT;
		}
	} else if (!term_write_safe(stdout, buf, len)) {
		rc = PROF_EXIT_BAD_INPUT;
	}
	free(buf);
	return rc;
}

static int run(cli *c)
{
	if (c->help)
		return help(c->help_topic);
	if (c->version) {
		printf("prof %s\n", PROF_VERSION);
		return PROF_EXIT_OK;
	}
	if (c->nfiles == 0)
		return usage_error("no profile given");
	if (c->command)
		return strcmp(c->command, "trend") == 0 ? run_trend(c) : run_diff(c);
	prof_profile *p = load_all(c->files, c->nfiles);
	if (!p)
		return PROF_EXIT_BAD_INPUT;
	if (c->nbases && !subtract_base(p, c)) {
		prof_profile_free(p);
		return PROF_EXIT_BAD_INPUT;
	}
	if (!c->report) {
		flush_notes(true);
		int rc = shell_run(p);
		prof_profile_free(p);
		return rc;
	}
	/* Colour only for a terminal, and never when NO_COLOR is set. */
	c->ro.color = !c->output && isatty(1) && !getenv("NO_COLOR");
	int rc = c->output ? report_to_file(c, p)
	         : isatty(1) && (report_binary_ext(c->report) || !report_sanitizes(c->report)) ? report_to_terminal(c, p)
	                                                                                        : report_to_stdout(c, p);
	prof_profile_free(p);
	return rc;
}

int main(int argc, char **argv)
{
	cli c;
	prof_err err = {0};
	int rc;
	outfile_stdout_init();
	if (!cli_parse(&c, argc, argv, &err))
		rc = usage_error(err.msg);
	else
		rc = run(&c);
	flush_notes(rc == PROF_EXIT_OK || rc == PROF_EXIT_GREW);
	cli_free(&c);
	prof_err werr = {0};
	if (!outfile_stdout_done(&werr)) {
		if (werr.set)
			fprintf(stderr, "prof: %s\n", werr.msg);
		if (rc == PROF_EXIT_OK)
			rc = PROF_EXIT_BAD_INPUT;
	}
	return rc;
}
