/*
 * main: argv to calls. Loads the profiles, runs the chosen report, diff or
 * trend, and hands its output to cli/output (the shell's output path too):
 * -output whole or not at all, a terminal made safe, a pipe streamed.
 */
#include <errno.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/live.h"
#include "cli/options.h"
#include "cli/output.h"
#include "load/fetch.h"
#include "load/load.h"
#include "report/report.h"
#include "ui/browser.h"
#include "ui/shell.h"
#include "util/outfile.h"
#include "xform/merge.h"
#include "report/commands.h"
#include "report/diff.h"
#include "report/engine.h"
#include "util/term.h"

#ifndef PROF_VERSION
#define PROF_VERSION "dev"
#endif

static const char usage_head[] =
	"usage: prof REPORT [flags] FILE\n"
	"       prof -REPORT [flags] FILE     (go tool pprof's spelling)\n"
	"       prof FILE                     (interactive shell)\n"
	"\n"
	"prof reads Go runtime profiles (pprof protobuf, gzip'd or not) and prints\n"
	"the same reports as go tool pprof.\n"
	"\n"
	"Reports and commands (prof help NAME for one; a unique prefix will do: prof tra FILE):\n";

static const char usage_text[] =
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
	"  -symbolize=MODE        accepted for pprof's sake: prof never symbolizes against binaries\n"
	"  -call_tree             dot: a node per distinct call path, not per function\n"
	"  -output=FILE           write the report to FILE (atomically)\n"
	"  -max_size=SIZE         refuse files past SIZE, or inflating past it (default 2gb;\n"
	"                         PROF_MAX_SIZE too); a model may take SIZE/8 + 64 x the file\n"
	"\n"
	"Capture (a URL wherever a FILE goes; saved in $PPROF_TMPDIR, default ~/pprof):\n"
	"  prof top http://host:6060/debug/pprof/heap   (host:port alone: the CPU profile)\n"
	"  -seconds=N             capture N seconds (CPU and delta profiles)\n"
	"  -timeout=N             give up after N seconds (default 60, or 1.5 x -seconds)\n"
	"  -tls_ca=PEM -tls_cert=PEM -tls_key=PEM   TLS trust and client certificate\n"
	"  -count=N -interval=D   diff and trend on URLs: N captures D apart (30s, 5m)\n"
	"\n"
	"Other:\n"
	"  prof help [REPORT]     this text, or help on one report\n"
	"  prof --version         version\n"
	"\n"
	"Exit status: 0 ok, 1 bad input or write error, 2 usage error.\n";

/* --help: the head, a line per command of the table, then the flags. */
static void print_usage(void)
{
	fputs(usage_head, stdout);
	size_t n;
	const prof_command *t = prof_commands(&n);
	for (size_t i = 0; i < n; i++) {
		if (t[i].alias_of)
			continue;
		char name[48];
		/* The argument, and for diff and trend the files, which say what they compare. */
		const char *arg = t[i].kind == CMD_REPORT ? t[i].arg : t[i].files;
		snprintf(name, sizeof name, "%s%s%s", t[i].name, arg ? " " : "", arg ? arg : "");
		/* Aliases on their target's line: "top, text". */
		for (size_t k = 0; k < n; k++)
			if (t[k].alias_of && strcmp(t[k].alias_of, t[i].name) == 0)
				snprintf(name + strlen(name), sizeof name - strlen(name), ", %s", t[k].name);
		printf("  %-16s %s\n", name, t[i].summary);
	}
	fputs(usage_text, stdout);
}

/* prof help --list: the table for scripts, NAME<TAB>pprof|prof<TAB>ARG<TAB>SUMMARY. */
static void print_command_list(void)
{
	size_t n;
	const prof_command *t = prof_commands(&n);
	for (size_t i = 0; i < n; i++) {
		const prof_command *c = prof_command_find(t[i].name);
		printf("%s\t%s\t%s\t%s\n", t[i].name, c->pprof ? "pprof" : "prof", c->arg ? c->arg : "", c->summary);
	}
}

static int help(const char *topic)
{
	if (!topic) {
		print_usage();
		return PROF_EXIT_OK;
	}
	if (strcmp(topic, "--list") == 0) {
		print_command_list();
		return PROF_EXIT_OK;
	}
	prof_err err = {0};
	const prof_command *c = prof_command_match(topic, &err);
	if (c) {
		fputs(c->help, stdout);
		return PROF_EXIT_OK;
	}
	fprintf(stderr, "prof: no help for %s (%s); try prof --help\n", topic, err.msg);
	return PROF_EXIT_USAGE;
}

static int usage_error(const char *msg)
{
	fprintf(stderr, "prof: %s\n", msg);
	fprintf(stderr, "usage: prof REPORT [flags] FILE (prof --help for more)\n");
	return PROF_EXIT_USAGE;
}

/* "prof: FILE: MSG\n" onto b. */
static void add_line(sbuf *b, const char *file, const char *msg)
{
	char line[1200];
	int w = snprintf(line, sizeof line, "prof: %s: %s\n", file, msg);
	if (w > 0)
		sb_addn(b, line, (size_t)w < sizeof line ? (size_t)w : sizeof line - 1);
}

/* Prints the notes held so far (when the command worked) and forgets them. */
static void flush_notes(cli *c, bool print)
{
	if (print && c->load_notes.n)
		fputs(c->load_notes.s, stderr);
	free(c->load_notes.s);
	c->load_notes = (sbuf){0};
}

/*
 * Loads files; several (of one kind) are merged, as pprof merges them:
 * equal samples summed, zero ones dropped. One file stays as recorded
 * (pprof skips the merge for a single profile). Every source is read with
 * the capture options (-seconds, -timeout, -tls_*) and -max_size. The
 * loaders' notes (lines skipped in a folded file) go to notes, to wait until
 * the command has worked; NULL after the error line in *error, which is all
 * a refused file gets. Touches nothing shared: loads may run side by side.
 */
static prof_profile *load_set(const fetch_opts *fo, const char **files, int n, sbuf *notes, sbuf *error)
{
	prof_err err = {0};
	prof_profile *p = prof_load_source(files[0], fo, &err);
	if (!p) {
		add_line(error, files[0], err.msg);
		return NULL;
	}
	if (err.note[0])
		add_line(notes, files[0], err.note);
	for (int i = 1; i < n; i++) {
		err.note[0] = '\0';
		prof_profile *q = prof_load_source(files[i], fo, &err);
		if (q && err.note[0])
			add_line(notes, files[i], err.note);
		bool ok = q && prof_merge(p, q, &err);
		prof_profile_free(q);
		if (!ok) {
			add_line(error, files[i], err.msg);
			prof_profile_free(p);
			return NULL;
		}
	}
	if (n > 1)
		prof_compact_samples(p);
	return p;
}

/* load_set with its notes held in c and its error on stderr. */
static prof_profile *load_all(cli *c, const char **files, int n)
{
	sbuf error = {0};
	prof_profile *p = load_set(&c->fetch, files, n, &c->load_notes, &error);
	if (error.n)
		fputs(error.s, stderr);
	free(error.s);
	return p;
}

/* Sets of files to load side by side: set i is files[i * k .. i * k + k). */
typedef struct load_sets {
	const fetch_opts *fo;
	const char **files;
	int k, nsets;
	prof_profile **out;
	sbuf *notes, *errors; /* per set */
	atomic_int next;      /* the next set a worker takes */
} load_sets;

static void *load_worker(void *arg)
{
	load_sets *ls = arg;
	for (int i; (i = atomic_fetch_add(&ls->next, 1)) < ls->nsets;)
		ls->out[i] = load_set(ls->fo, ls->files + i * ls->k, ls->k, &ls->notes[i], &ls->errors[i]);
	return NULL;
}

/*
 * The snapshots of diff and trend, which are kept apart, loaded on as many
 * threads as there are cores (each load inflates on a thread of its own
 * too). Messages come out as a load one after the other would give them:
 * the notes in order, and only the first failing set's error. Fills
 * out[0..nsets) and returns true, or frees what loaded and returns false.
 */
static bool load_apart(cli *c, const char **files, int k, int nsets, prof_profile **out)
{
	load_sets ls = {.fo = &c->fetch, .files = files, .k = k, .nsets = nsets, .out = out,
	                .notes = xcalloc((size_t)nsets, sizeof(sbuf)), .errors = xcalloc((size_t)nsets, sizeof(sbuf))};
	atomic_init(&ls.next, 0);
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	int nthread = ncpu < 2 ? 1 : ncpu < nsets ? (int)ncpu : nsets;
	for (int i = 0; i < nsets * k; i++)
		if (strcmp(files[i], "-") == 0)
			nthread = 1; /* stdin is read once, by the first set that names it, as in order */
	pthread_t *th = xcalloc((size_t)nthread, sizeof *th);
	int started = 0;
	while (started + 1 < nthread && pthread_create(&th[started], NULL, load_worker, &ls) == 0)
		started++;
	load_worker(&ls);
	for (int t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	free(th);
	bool ok = true;
	for (int i = 0; i < nsets; i++) {
		if (ok && !out[i]) {
			fputs(ls.errors[i].s, stderr);
			ok = false;
		} else if (ok)
			sb_addn(&c->load_notes, ls.notes[i].s ? ls.notes[i].s : "", ls.notes[i].n);
		free(ls.notes[i].s);
		free(ls.errors[i].s);
	}
	free(ls.notes);
	free(ls.errors);
	if (!ok)
		for (int i = 0; i < nsets; i++) {
			prof_profile_free(out[i]);
			out[i] = NULL;
		}
	return ok;
}

/*
 * pprof's -base/-diff_base: the base profiles (merged) are marked with
 * pprof::base=true for -diff_base, scaled to p with -normalize, negated and
 * merged into p.
 */
static bool subtract_base(prof_profile *p, cli *c)
{
	prof_profile *b = load_all(c, c->bases, c->nbases);
	if (!b)
		return false;
	prof_err err = {0};
	if (c->diff_base)
		prof_set_label(b, "pprof::base", "true");
	size_t nt = p->nsample_type;
	/* Room for the base's types too: a base of another kind has more or fewer (the merge refuses it). */
	double *ratios = xcalloc((nt > b->nsample_type ? nt : b->nsample_type) + 1, sizeof *ratios);
	if (c->normalize && nt == b->nsample_type) {
		/* pprof's Normalize scales the new profile to the base's totals. */
		for (size_t i = 0; i < nt; i++) {
			int64_t bs = 0, ps = 0;
			for (size_t s = 0; s < b->nsample; s++)
				bs += prof_value(b, s, i);
			for (size_t s = 0; s < p->nsample; s++)
				ps += prof_value(p, s, i);
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

/*
 * Runs make into where the command's output goes (cli/output). file names
 * the input in a message about the report itself; NULL for none.
 */
static int output_to(cli *c, const char *command, output_fn make, void *job, const char *file)
{
	out_dest d = output_choose(prof_command_find(command), c->output, isatty(1));
	d.announce = d.kind == OUT_NEWFILE;
	prof_err err = {0};
	switch (output_run(&d, make, job, &err)) {
	case OUTPUT_OK:
		return PROF_EXIT_OK;
	case OUTPUT_BAD_REPORT:
		if (file)
			fprintf(stderr, "prof: %s: %s\n", file, err.msg);
		else
			fprintf(stderr, "prof: %s\n", err.msg);
		break;
	case OUTPUT_BAD_WRITE:
		fprintf(stderr, "prof: %s\n", err.msg);
		break;
	case OUTPUT_STDOUT:
		break; /* outfile_stdout_done tells it at exit */
	}
	return PROF_EXIT_BAD_INPUT;
}

typedef struct diff_job {
	cli *c;
	prof_profile *base, *cur;
	const char *cur_name;
	const diff_opts *d;
	int64_t *grew;
} diff_job;

static bool make_diff(FILE *out, void *ctx, prof_err *err)
{
	diff_job *j = ctx;
	return report_diff(out, j->base, j->cur, j->c->files[0], j->cur_name, &j->c->ro, j->d, j->grew, err);
}

/* prof diff BASE NEW: stack-level growth, and exit 3 past -fail_if_grew. */
static int run_diff(cli *c)
{
	int k = c->per_moment > 1 ? c->per_moment : 1; /* live: replicas of a moment merged */
	if (c->nfiles != 2 * k)
		return usage_error("diff needs two profiles: prof diff [flags] BASE NEW");
	prof_profile *ps[2] = {NULL, NULL};
	if (!load_apart(c, c->files, k, 2, ps))
		return PROF_EXIT_BAD_INPUT;
	prof_profile *base = ps[0], *cur = ps[1];
	diff_opts d = {.verbose = c->verbose, .all = c->all,
	               .color = !c->output && isatty(1) && !getenv("NO_COLOR")};
	int64_t grew = 0;
	diff_job job = {.c = c, .base = base, .cur = cur, .cur_name = c->files[k], .d = &d, .grew = &grew};
	int rc = output_to(c, "diff", make_diff, &job, NULL);
	prof_profile_free(base);
	prof_profile_free(cur);
	if (rc == PROF_EXIT_OK && c->fail_if_grew >= 0 && grew > c->fail_if_grew) {
		fprintf(stderr, "prof: a stack grew by %" PRId64 ", more than -fail_if_grew=%" PRId64 "\n", grew,
		        c->fail_if_grew);
		rc = PROF_EXIT_GREW;
	}
	return rc;
}

typedef struct trend_job {
	cli *c;
	prof_profile **ps;
	const char **names;
	size_t n;
	const diff_opts *d;
	bool usage;
} trend_job;

static bool make_trend(FILE *out, void *ctx, prof_err *err)
{
	trend_job *j = ctx;
	return report_trends(out, j->ps, j->names, j->n, &j->c->ro, j->d, &j->usage, err);
}

/* prof trend S1 ... Sn: a trend per kind of profile, then functions growing in several kinds. */
static int run_trend(cli *c)
{
	int k = c->per_moment > 1 ? c->per_moment : 1; /* live: replicas of a moment merged */
	if (c->nfiles / k < 2)
		return usage_error("trend needs at least two snapshots: prof trend [flags] S1 S2 ...");
	int n = c->nfiles / k;
	prof_profile **ps = xcalloc((size_t)n, sizeof *ps);
	if (!load_apart(c, c->files, k, n, ps)) {
		free(ps);
		return PROF_EXIT_BAD_INPUT;
	}
	diff_opts d = {.all = c->all, .color = !c->output && isatty(1) && !getenv("NO_COLOR")};
	/* A moment's name is its first replica's. */
	const char **names = xcalloc((size_t)n, sizeof *names);
	for (int i = 0; i < n; i++)
		names[i] = c->files[i * k];
	trend_job job = {.c = c, .ps = ps, .names = names, .n = (size_t)n, .d = &d};
	int rc = output_to(c, "trend", make_trend, &job, NULL);
	if (rc != PROF_EXIT_OK && job.usage)
		rc = PROF_EXIT_USAGE;
	free(names);
	for (int i = 0; i < n; i++)
		prof_profile_free(ps[i]);
	free(ps);
	return rc;
}

typedef struct report_job {
	cli *c;
	prof_engine *e;
} report_job;

static bool make_report(FILE *out, void *ctx, prof_err *err)
{
	report_job *j = ctx;
	return engine_run(j->e, out, j->c->report, j->c->report_arg, &j->c->ro, stderr, err);
}

/* prof ui: the browser on p (its base, if any, loaded again alone for before -> after). */
static int run_ui(cli *c, prof_profile *p)
{
	prof_profile *base = c->nbases ? load_all(c, c->bases, c->nbases) : NULL;
	if (c->nbases && !base)
		return PROF_EXIT_BAD_INPUT;
	browser_input in = {.p = p, .base = base, .files = c->files, .nfiles = (size_t)c->nfiles, .bases = c->bases,
	                    .nbases = (size_t)c->nbases, .diff_base = c->diff_base, .o = &c->ro};
	int rc = browser_run(&in);
	prof_profile_free(base);
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
	bool ui = c->command && strcmp(c->command, "ui") == 0;
	char why[128];
	if (ui && !browser_can_start(why, sizeof why)) {
		fprintf(stderr, "prof: %s\n", why);
		return PROF_EXIT_USAGE;
	}
	if (c->command && !ui && (c->count || c->interval_ms >= 0)) {
		int rc = live_capture(c);
		if (rc != PROF_EXIT_OK)
			return rc;
	}
	if (c->command && !ui)
		return strcmp(c->command, "trend") == 0 ? run_trend(c) : run_diff(c);
	prof_profile *p = load_all(c, c->files, c->nfiles);
	if (!p)
		return PROF_EXIT_BAD_INPUT;
	if (c->nbases && !subtract_base(p, c)) {
		prof_profile_free(p);
		return PROF_EXIT_BAD_INPUT;
	}
	if (ui) {
		flush_notes(c, true);
		int rc = run_ui(c, p);
		prof_profile_free(p);
		return rc;
	}
	if (!c->report) {
		flush_notes(c, true);
		int rc = shell_run(p, c->files[0], c->max_size);
		prof_profile_free(p);
		return rc;
	}
	/* Colour only for a terminal, and never when NO_COLOR is set. */
	c->ro.color = !c->output && isatty(1) && !getenv("NO_COLOR");
	/* One report, then the profile goes: the engine may filter it in place. */
	report_job job = {.c = c, .e = engine_new(p, true)};
	int rc = output_to(c, c->report, make_report, &job, c->files[0]);
	engine_free(job.e);
	prof_profile_free(p);
	return rc;
}

/*
 * Arrays of a MiB or more in mappings of their own, always: glibc's moving
 * threshold otherwise rises to the size of the first big block freed (up to
 * 32 MiB), and the blocks below it then come from the heap, where what is
 * freed stays resident. A report frees big arrays on the way (the samples
 * once their stacks are weighed, a merged input); that memory goes back at
 * once (on 1M distinct stacks, 10-35 MB less at the peak of peek, dot and
 * merges). The shell, which reuses its memory command after command, sets
 * its own rule.
 */
static void map_big_blocks(void)
{
#ifdef __GLIBC__
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
}

int main(int argc, char **argv)
{
	cli c;
	prof_err err = {0};
	int rc;
	map_big_blocks();
	outfile_stdout_init();
	if (!cli_parse(&c, argc, argv, &err))
		rc = usage_error(err.msg);
	else
		rc = run(&c);
	flush_notes(&c, rc == PROF_EXIT_OK || rc == PROF_EXIT_GREW);
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
