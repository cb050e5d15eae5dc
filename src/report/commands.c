/* commands: see commands.h. */
#include "report/commands.h"

#include <stdio.h>
#include <string.h>

/* Shorthands for the table: a pprof report with one file, and prof's own. */
#define PPROF .pprof = true, .files = "FILE"
#define OWN .files = "FILE"

static const prof_command table[] = {
	{.name = "top", .report = PR_TOP, PPROF, .summary = "flat and cumulative values per function",
	 .shell_nodecount = 10,
	 .help = "top: flat and cumulative values per function, largest flat first.\n"
	         "\n"
	         "usage: prof top [flags] FILE   or   prof -top [flags] FILE\n"
	         "\n"
	         "Columns: flat, flat%, sum% (running total of flat%), cum, cum%, name.\n"
	         "Flat is the value in the function itself; cum includes its callees.\n"
	         "text is the same report. Shows every node unless -nodecount is given\n"
	         "(in the shell, 10: top5 or top 5 shows five).\n"},
	{.name = "text", .alias_of = "top"},
	{.name = "tree", .report = PR_TREE, PPROF, .nodecount = 80, .shell_nodecount = 80,
	 .summary = "each function with its callers and callees",
	 .help = "tree: every function with its callers above and callees below.\n"
	         "\n"
	         "usage: prof tree [flags] FILE   or   prof -tree [flags] FILE\n"
	         "\n"
	         "Caller and callee lines show the edge's value and its share of the\n"
	         "function's cum. At most 80 functions unless -nodecount is given.\n"},
	{.name = "peek", .report = PR_PEEK, PPROF, .arg = "REGEX", .nodecount = 80, .shell_nodecount = 80,
	 .summary = "the same for the functions matching REGEX, untrimmed",
	 .help = "peek: the tree report for the functions matching REGEX, with no trimming.\n"
	         "\n"
	         "usage: prof peek REGEX [flags] FILE   or   prof -peek=REGEX [flags] FILE\n"},
	{.name = "traces", .report = PR_TRACES, PPROF, .nodecount = 80, .shell_nodecount = 80,
	 .summary = "every sample: labels, value, stack",
	 .help = "traces: every sample with its labels, value and stack, leaf first.\n"
	         "\n"
	         "usage: prof traces [flags] FILE   or   prof -traces [flags] FILE\n"},
	{.name = "tags", .report = PR_TAGS, PPROF, .nodecount = 80, .shell_nodecount = 80,
	 .summary = "label keys and values with their share",
	 .help = "tags: each label key with its total and each value's share.\n"
	         "\n"
	         "usage: prof tags [flags] FILE   or   prof -tags [flags] FILE\n"
	         "\n"
	         "Numeric labels are shown in their unit (bytes, ms...). In the shell,\n"
	         "words after tags filter by label value (tags region -eu).\n"},
	{.name = "comments", .nodecount = 80, .shell_nodecount = 80, .report = PR_COMMENTS, PPROF, .summary = "the profile's comments",
	 .help = "comments: the comments stored in the profile, one per line.\n"
	         "\n"
	         "usage: prof comments FILE   or   prof -comments FILE\n"},
	{.name = "list", .report = PR_LIST, PPROF, .arg = "REGEX", .nodecount = 80, .shell_nodecount = 80,
	 .summary = "annotated source of the functions matching REGEX",
	 .help = "list: the source of each function matching REGEX, each line with its\n"
	         "flat and cum values, as go tool pprof -list prints it.\n"
	         "\n"
	         "usage: prof list REGEX [flags] FILE   or   prof -list=REGEX [flags] FILE\n"
	         "\n"
	         "Sources are read from the recorded paths, or under -source_path (a\n"
	         "list of folders), after -trim_path is taken off the recorded path.\n"
	         "A function whose file is not found is listed with an error line.\n"},
	{.name = "raw", .nodecount = 80, .shell_nodecount = 80, .report = PR_RAW, PPROF, .summary = "the profile as pprof -raw prints it: samples, locations, mappings",
	 .help = "raw: the profile itself in text: sample types, samples with their values and\n"
	         "location ids, locations with their lines, and mappings, as go tool pprof\n"
	         "-raw prints them (ids as the file has them, or as pprof's merge numbers\n"
	         "them when several profiles or a base are given).\n"
	         "\n"
	         "usage: prof raw [flags] FILE   or   prof -raw [flags] FILE\n"},
	{.name = "dot", .report = PR_DOT, PPROF, .nodecount = 80, .shell_nodecount = 80,
	 .summary = "the call graph in Graphviz's DOT language (-call_tree: one node per path)",
	 .help = "dot: the call graph in Graphviz's DOT language, as go tool pprof -dot writes it.\n"
	         "\n"
	         "usage: prof dot [flags] FILE   or   prof -dot [flags] FILE\n"
	         "\n"
	         "Render it with Graphviz: prof dot FILE | dot -Tsvg > graph.svg\n"
	         "A box per function (flat and cum, font size by flat), edges by weight,\n"
	         "dotted where dropped nodes were skipped; label sets and allocation sizes\n"
	         "hang below their functions. At most 80 nodes unless -nodecount is given.\n"
	         "  -call_tree   a node per distinct call path instead of per function\n"},
	{.name = "svg", .report = PR_IMAGE, PPROF, .nodecount = 80, .shell_nodecount = 80, .ext = "svg",
	 .summary = "that graph drawn by Graphviz's libraries (no dot program needed)",
	 .help = "svg (and png, gif, ps, pdf): the dot graph drawn as an image, in the process,\n"
	         "by Graphviz's libraries: no dot program is needed.\n"
	         "\n"
	         "usage: prof svg [flags] -output=FILE FILE   or   prof -svg -output=FILE [flags] FILE\n"
	         "\n"
	         "The graph is -dot's (the same flags apply, -call_tree too). Names are escaped\n"
	         "for XML. On a terminal without -output the image goes to a new file\n"
	         "profileNNN.svg (.png, ...), as with pprof. png and gif need Graphviz's gd\n"
	         "plugin, pdf its cairo plugin (Debian: libgvc6, libgvc6-plugins-gtk).\n"},
	{.name = "png", .report = PR_IMAGE, PPROF, .nodecount = 80, .shell_nodecount = 80, .ext = "png", .summary = "the graph as PNG",
	 .help = "png: the dot graph as a PNG image; see prof help svg.\n"},
	{.name = "gif", .report = PR_IMAGE, PPROF, .nodecount = 80, .shell_nodecount = 80, .ext = "gif", .summary = "the graph as GIF",
	 .help = "gif: the dot graph as a GIF image; see prof help svg.\n"},
	{.name = "ps", .report = PR_IMAGE, PPROF, .nodecount = 80, .shell_nodecount = 80, .ext = "ps", .summary = "the graph as PostScript",
	 .help = "ps: the dot graph as PostScript; see prof help svg.\n"},
	{.name = "pdf", .report = PR_IMAGE, PPROF, .nodecount = 80, .shell_nodecount = 80, .ext = "pdf", .summary = "the graph as PDF",
	 .help = "pdf: the dot graph as PDF; see prof help svg.\n"},
	{.name = "proto", .nodecount = 80, .shell_nodecount = 80, .report = PR_PROTO, PPROF, .ext = "pb.gz",
	 .summary = "the profile after filters, diffs and merges, as gzip'd protobuf",
	 .help = "proto: the profile as the filters, -base/-diff_base and merging left it,\n"
	         "written as gzip'd pprof protobuf (pprof's -proto).\n"
	         "\n"
	         "usage: prof proto [flags] -output=FILE FILE...   or   prof -proto -output=FILE ...\n"
	         "\n"
	         "Every sample type is kept; -divide_by scales the values. Granularity and\n"
	         "-noinlines do not apply (as in pprof). Several FILEs are merged first.\n"
	         "Without -output it writes to stdout, unless stdout is a terminal.\n"},
	{.name = "flame", .nodecount = 80, .shell_nodecount = 80, .report = PR_FLAME, OWN, .colors = true, .summary = "a flame graph drawn in the terminal (prof)",
	 .help = "flame: an icicle graph of the call tree in the terminal, root on top, each\n"
	         "frame as wide as its cumulative value.\n"
	         "\n"
	         "usage: prof flame [flags] FILE\n"
	         "\n"
	         "  -width=N   columns (default: the terminal's, else 80)\n"
	         "Frames narrower than two columns merge into one \"+N\" stub. Filters,\n"
	         "-sample_index and granularity apply as for other reports.\n"},
	{.name = "folded", .nodecount = 80, .shell_nodecount = 80, .report = PR_FOLDED, OWN, .colors = true, .summary = "folded stacks (flamegraph.pl, inferno, speedscope)",
	 .help = "folded: one line per distinct stack, root first, frames joined by ';',\n"
	         "then its value: the input of flamegraph.pl, inferno and speedscope.\n"
	         "\n"
	         "usage: prof folded [flags] FILE\n"
	         "\n"
	         "';' and newlines inside a name become '?'. prof reads folded files too.\n"},
	{.name = "goroutines", .nodecount = 80, .shell_nodecount = 80, .report = PR_GOROUTINES, OWN, .colors = true, .summary = "goroutines grouped by stack and state, stuck ones flagged",
	 .help = "goroutines: goroutines grouped by stack and state, largest group first.\n"
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
	{.name = "diff", .kind = CMD_DIFF, .files = "BASE NEW", .colors = true, .summary = "which stacks grew between two snapshots",
	 .help = "diff: which whole stacks grew between two snapshots of one kind.\n"
	         "\n"
	         "usage: prof diff [flags] BASE NEW     in the shell: diff BASE (the loaded profile is NEW)\n"
	         "\n"
	         "Samples are grouped by their stack (from the first frame outside package\n"
	         "runtime; with goroutine dumps also by state and creator). Each group shows\n"
	         "base, new, delta and change, growth first; a summary by function follows.\n"
	         "Works across formats (a debug=1 text against a pb.gz).\n"
	         "  -v                whole stacks\n"
	         "  -all              also stacks that did not change\n"
	         "  -fail_if_grew=N   exit 3 when a stack grew by more than N\n"
	         "  -interval=D       live: capture the URLs, wait D, capture again, compare\n"
	         "  -sample_index, -nodecount, filters and granularity as for other reports\n"},
	{.name = "trend", .kind = CMD_TREND, .files = "S1 ... Sn", .colors = true,
	 .summary = "each stack across snapshots, and the leak suspects",
	 .help = "trend: each stack's value across snapshots, and the leak suspects.\n"
	         "\n"
	         "usage: prof trend [flags] S1 S2 ... Sn     in the shell: trend S1 ... (then the loaded profile)\n"
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
	         "are listed.\n"
	         "\n"
	         "Live: prof trend -count=N -interval=D URL... captures N snapshots D apart\n"
	         "(default 3, 10s), each saved; several URLs (replicas) are merged per moment.\n"
	         "Ctrl-C after two or more snapshots shows the trend so far.\n"},
	{.name = "ui", .kind = CMD_UI, .files = "FILE...", .summary = "full-screen browser: top, callers, flame, source, goroutines",
	 .help = "ui: a full-screen terminal browser over the reports, with pprof's refinements.\n"
	         "\n"
	         "usage: prof ui [flags] FILE...     in the shell: ui\n"
	         "\n"
	         "Views (Tab cycles, digits pick): 1 top, 2 callers/callees (Enter on a row),\n"
	         "3 flame (f; icicle, Enter zooms, Esc zooms out, i inverts), 4 source (l;\n"
	         "e opens $EDITOR), 5 traces, 6 tags, 7 goroutines. On the selection: F focus,\n"
	         "I ignore, H hide, S show; s sample index, a granularity, c cum sort, u undo,\n"
	         "r reset; : takes a shell command (nodecount=20); / searches (n, N); y shows\n"
	         "the command line of the view; ] and [ step through a diff's changes\n"
	         "(-base, -diff_base); ? lists the keys; q quits. Needs a terminal on stdin\n"
	         "and stdout (exit 2 otherwise). NO_COLOR is honoured.\n"},
};

enum { NTABLE = sizeof table / sizeof table[0] };

const prof_command *prof_commands(size_t *n)
{
	*n = NTABLE;
	return table;
}

static const prof_command *target(const prof_command *c)
{
	if (!c->alias_of)
		return c;
	for (size_t i = 0; i < NTABLE; i++)
		if (strcmp(table[i].name, c->alias_of) == 0)
			return &table[i];
	return c;
}

const prof_command *prof_command_find(const char *name)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (strcmp(table[i].name, name) == 0)
			return target(&table[i]);
	return NULL;
}

const prof_command *prof_command_match(const char *name, prof_err *err)
{
	const prof_command *exact = prof_command_find(name);
	if (exact)
		return exact;
	size_t len = strlen(name), nmatch = 0;
	const prof_command *found = NULL;
	char list[512] = "";
	size_t w = 0;
	for (size_t i = 0; i < NTABLE && len > 0; i++) {
		if (strncmp(table[i].name, name, len) != 0)
			continue;
		/* An alias and its target are one command. */
		if (found && target(&table[i]) == found)
			continue;
		found = target(&table[i]);
		nmatch++;
		if (w < sizeof list)
			w += (size_t)snprintf(list + w, sizeof list - w, "%s%s", nmatch > 1 ? ", " : "", table[i].name);
	}
	if (nmatch == 1)
		return found;
	if (nmatch == 0)
		prof_errf(err, "unknown command: %s", name);
	else
		prof_errf(err, "ambiguous command: %s, could be: %s", name, list);
	return NULL;
}
