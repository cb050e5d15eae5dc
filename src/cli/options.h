/*
 * options: pprof's command line, parsed into a report choice and report_opts.
 *
 * Owns: flag spelling (-flag, --flag, -flag=value, -flag value, bool
 * -flag=false), the legacy sample-index aliases, and usage errors. Accepts both
 * "prof top [flags] FILE..." and pprof's "prof -top [flags] FILE...".
 */
#ifndef PROF_OPTIONS_H
#define PROF_OPTIONS_H

#include <stdbool.h>

#include "load/fetch.h"
#include "report/report.h"
#include "util/err.h"
#include "util/strbuf.h"

typedef struct cli {
	const char *report; /* a report name (report_known), or NULL */
	const char *report_arg; /* peek's regex */
	report_opts ro;
	const char *output; /* -output=FILE, or NULL for stdout */
	const char **files;
	int nfiles;
	const char **bases; /* -base or -diff_base profiles */
	int nbases;
	bool diff_base, normalize;
	const char *command;    /* "diff" (two profiles), or NULL */
	bool verbose, all;
	int64_t fail_if_grew;   /* -1: not set */
	uint64_t max_size;      /* -max_size, else PROF_MAX_SIZE, else 2 GiB (passed on in fetch.max_size) */
	bool help, version;
	const char *help_topic;
	/* Capture: pprof's -seconds, -timeout, -tls_*, and live diff/trend's -count, -interval. */
	fetch_opts fetch;
	int count;          /* -count=N snapshots (0: not given) */
	int64_t interval_ms; /* -interval=D (-1: not given) */
	int per_moment;     /* files per moment: several replicas merged (0 or 1: one) */
	char **captured;    /* live captures' saved paths, owned (files points at them) */
	int ncaptured;
	sbuf load_notes;    /* the loaders' notes, held until the command has worked (main.c) */
} cli;

/* Parses argv; false with *err set on a usage error. cli->files points into argv. */
bool cli_parse(cli *c, int argc, char **argv, prof_err *err);
void cli_free(cli *c);

#endif
