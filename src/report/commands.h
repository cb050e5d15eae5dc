/*
 * commands: the one table of prof's reports and commands.
 *
 * Owns which reports exist and everything the front ends say about them:
 * name, aliases, argument, default node count (CLI and shell), whether pprof
 * has it (so -NAME is pprof's spelling), binary output, one-line summary and
 * help paragraph. The CLI's parser, its --help and "prof help X", the shell's
 * dispatch, help and completion, and the golden scripts (prof help --list)
 * all read it, so a report added here exists everywhere at once.
 */
#ifndef PROF_COMMANDS_H
#define PROF_COMMANDS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

typedef enum prof_command_kind {
	CMD_REPORT, /* report_run on the loaded profile */
	CMD_DIFF,   /* report_diff: the loaded profile against a base */
	CMD_TREND,  /* report_trends: several snapshots */
	CMD_UI,     /* the full-screen browser (ui/browser) on the loaded profile */
} prof_command_kind;

/* Which report function report_run calls (CMD_REPORT entries). */
typedef enum prof_report_id {
	PR_TOP, PR_TREE, PR_PEEK, PR_TRACES, PR_TAGS, PR_COMMENTS, PR_LIST, PR_RAW, PR_DOT, PR_IMAGE,
	PR_PROTO, PR_FLAME, PR_FOLDED, PR_GOROUTINES,
} prof_report_id;

typedef struct prof_command {
	const char *name;
	const char *alias_of;  /* "text" is "top": every other field comes from the target */
	prof_command_kind kind;
	prof_report_id report;
	const char *arg;       /* usage of the argument before FILE: "REGEX" (peek, list), NULL: none */
	const char *files;     /* usage of the files: "FILE", "BASE NEW", ... */
	int nodecount;         /* default -nodecount: 0 for all (top), pprof's 80 for the others */
	int shell_nodecount;   /* the same in the shell (pprof's top shows 10 there) */
	bool pprof;            /* go tool pprof has it: -NAME (-NAME=ARG) is its spelling */
	bool colors;           /* writes its own colours, so a terminal gets its bytes as they are */
	const char *ext;       /* binary output: the file extension; NULL for text */
	const char *summary;   /* one line, for --help and the shell's help */
	const char *help;      /* the paragraph of prof help NAME */
} prof_command;

/* Every entry, aliases included, in the order --help lists them; *n gets the count. */
const prof_command *prof_commands(size_t *n);
/* The entry called name exactly (an alias gives its target), or NULL. */
const prof_command *prof_command_find(const char *name);
/*
 * The entry name is a unique prefix of (an exact name wins), or NULL with
 * *err set: "unknown command: x" or "ambiguous command: t, could be: tags,
 * top, traces, tree".
 */
const prof_command *prof_command_match(const char *name, prof_err *err);

#endif
