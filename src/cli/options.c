/* options: see options.h. */
#include "cli/options.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/commands.h"
#include "util/arena.h"
#include "util/limits.h"

typedef enum { OPT_BOOL, OPT_INT, OPT_FLOAT, OPT_STRING } opt_kind;

typedef struct opt_def {
	const char *name;
	opt_kind kind;
	int id;
} opt_def;

enum {
	O_SAMPLE_INDEX, O_MEAN, O_INUSE_SPACE, O_INUSE_OBJECTS, O_ALLOC_SPACE,
	O_ALLOC_OBJECTS, O_CONTENTIONS, O_TOTAL_DELAY, O_MEAN_DELAY, O_NODECOUNT, O_NODEFRACTION,
	O_EDGEFRACTION, O_UNIT, O_CUM, O_FLAT, O_DIVIDE_BY, O_DROP_NEGATIVE, O_NOINLINES, O_SHOWCOLUMNS,
	O_FUNCTIONS, O_FILEFUNCTIONS, O_FILES, O_LINES, O_ADDRESSES, O_OUTPUT, O_HELP, O_VERSION,
	O_REPORT, O_FOCUS, O_IGNORE, O_HIDE, O_SHOW, O_SHOW_FROM, O_PRUNE_FROM, O_TAGFOCUS,
	O_TAGIGNORE, O_TAGSHOW, O_TAGHIDE, O_RELATIVE, O_COMPACT, O_TRIM, O_SOURCE_PATH, O_TRIM_PATH,
	O_WIDTH, O_SIMILAR, O_STATE, O_MIN, O_TAGROOT, O_TAGLEAF, O_BASE, O_DIFF_BASE, O_NORMALIZE,
	O_VERBOSE, O_ALL, O_FAIL_IF_GREW, O_CALL_TREE, O_SYMBOLIZE, O_MAX_SIZE,
	O_SECONDS, O_TIMEOUT, O_TLS_CA, O_TLS_CERT, O_TLS_KEY, O_COUNT, O_INTERVAL,
};

static const opt_def opts[] = {
	{"call_tree", OPT_BOOL, O_CALL_TREE},
	{"symbolize", OPT_STRING, O_SYMBOLIZE},
	{"source_path", OPT_STRING, O_SOURCE_PATH},
	{"trim_path", OPT_STRING, O_TRIM_PATH},
	{"width", OPT_INT, O_WIDTH},
	{"similar", OPT_BOOL, O_SIMILAR},
	{"state", OPT_STRING, O_STATE},
	{"min", OPT_INT, O_MIN},
	{"focus", OPT_STRING, O_FOCUS},
	{"ignore", OPT_STRING, O_IGNORE},
	{"hide", OPT_STRING, O_HIDE},
	{"show", OPT_STRING, O_SHOW},
	{"show_from", OPT_STRING, O_SHOW_FROM},
	{"prune_from", OPT_STRING, O_PRUNE_FROM},
	{"tagfocus", OPT_STRING, O_TAGFOCUS},
	{"tagignore", OPT_STRING, O_TAGIGNORE},
	{"tagshow", OPT_STRING, O_TAGSHOW},
	{"taghide", OPT_STRING, O_TAGHIDE},
	{"tagroot", OPT_STRING, O_TAGROOT},
	{"base", OPT_STRING, O_BASE},
	{"diff_base", OPT_STRING, O_DIFF_BASE},
	{"normalize", OPT_BOOL, O_NORMALIZE},
	{"v", OPT_BOOL, O_VERBOSE},
	{"all", OPT_BOOL, O_ALL},
	{"fail_if_grew", OPT_INT, O_FAIL_IF_GREW},
	{"tagleaf", OPT_STRING, O_TAGLEAF},
	{"relative_percentages", OPT_BOOL, O_RELATIVE},
	{"compact_labels", OPT_BOOL, O_COMPACT},
	{"trim", OPT_BOOL, O_TRIM},
	{"sample_index", OPT_STRING, O_SAMPLE_INDEX},
	{"mean", OPT_BOOL, O_MEAN},
	{"inuse_space", OPT_BOOL, O_INUSE_SPACE},
	{"inuse_objects", OPT_BOOL, O_INUSE_OBJECTS},
	{"alloc_space", OPT_BOOL, O_ALLOC_SPACE},
	{"alloc_objects", OPT_BOOL, O_ALLOC_OBJECTS},
	{"contentions", OPT_BOOL, O_CONTENTIONS},
	{"total_delay", OPT_BOOL, O_TOTAL_DELAY},
	{"mean_delay", OPT_BOOL, O_MEAN_DELAY},
	{"nodecount", OPT_INT, O_NODECOUNT},
	{"nodefraction", OPT_FLOAT, O_NODEFRACTION},
	{"edgefraction", OPT_FLOAT, O_EDGEFRACTION},
	{"unit", OPT_STRING, O_UNIT},
	{"cum", OPT_BOOL, O_CUM},
	{"flat", OPT_BOOL, O_FLAT},
	{"divide_by", OPT_FLOAT, O_DIVIDE_BY},
	{"drop_negative", OPT_BOOL, O_DROP_NEGATIVE},
	{"noinlines", OPT_BOOL, O_NOINLINES},
	{"showcolumns", OPT_BOOL, O_SHOWCOLUMNS},
	{"functions", OPT_BOOL, O_FUNCTIONS},
	{"filefunctions", OPT_BOOL, O_FILEFUNCTIONS},
	{"files", OPT_BOOL, O_FILES},
	{"lines", OPT_BOOL, O_LINES},
	{"addresses", OPT_BOOL, O_ADDRESSES},
	{"max_size", OPT_STRING, O_MAX_SIZE},
	{"output", OPT_STRING, O_OUTPUT},
	{"o", OPT_STRING, O_OUTPUT},
	{"seconds", OPT_INT, O_SECONDS},
	{"timeout", OPT_INT, O_TIMEOUT},
	{"tls_ca", OPT_STRING, O_TLS_CA},
	{"tls_cert", OPT_STRING, O_TLS_CERT},
	{"tls_key", OPT_STRING, O_TLS_KEY},
	{"count", OPT_INT, O_COUNT},
	{"interval", OPT_STRING, O_INTERVAL},
	{"help", OPT_BOOL, O_HELP},
	{"h", OPT_BOOL, O_HELP},
	{"version", OPT_BOOL, O_VERSION},
};

/*
 * The flag name[0..n): one of opts, or a report of the command table as a
 * flag (pprof's -top, -peek=REGEX), made in *tmp.
 */
static const opt_def *find_opt(const char *name, size_t n, opt_def *tmp)
{
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
		if (strlen(opts[i].name) == n && strncmp(opts[i].name, name, n) == 0)
			return &opts[i];
	char buf[32];
	if (n >= sizeof buf)
		return NULL;
	memcpy(buf, name, n);
	buf[n] = '\0';
	size_t nc;
	const prof_command *t = prof_commands(&nc);
	for (size_t i = 0; i < nc; i++) {
		const prof_command *c = prof_command_find(t[i].name);
		if (strcmp(t[i].name, buf) == 0 && c->kind == CMD_REPORT) {
			*tmp = (opt_def){t[i].name, c->arg ? OPT_STRING : OPT_BOOL, O_REPORT};
			return tmp;
		}
	}
	return NULL;
}

/* Go's strconv.ParseBool. */
static int parse_bool(const char *s)
{
	static const char *const t[] = {"1", "t", "T", "true", "TRUE", "True"};
	static const char *const f[] = {"0", "f", "F", "false", "FALSE", "False"};
	for (size_t i = 0; i < 6; i++) {
		if (strcmp(s, t[i]) == 0)
			return 1;
		if (strcmp(s, f[i]) == 0)
			return 0;
	}
	return -1;
}

/* pprof's -inuse_space style flags: the first one wins, later ones are ignored. */
static void set_index_alias(cli *c, const char *type, const char *flag)
{
	if (c->ro.sample_index && *c->ro.sample_index) {
		fprintf(stderr, "Multiple value selections, ignoring %s\n", flag);
		return;
	}
	c->ro.sample_index = type;
}

/* Go's time.ParseDuration for what -interval takes ("1m30s", "500ms", "2h"); a bare number is seconds. -1 when bad. */
static int64_t parse_duration(const char *s)
{
	static const struct {
		const char *unit;
		int64_t ms;
	} units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}};
	double total = 0;
	if (!*s)
		return -1;
	while (*s) {
		char *end;
		errno = 0;
		double v = strtod(s, &end);
		if (end == s || errno || v < 0 || isnan(v))
			return -1;
		size_t k = 0;
		while (k < 4 && strncmp(end, units[k].unit, strlen(units[k].unit)) != 0)
			k++;
		if (k == 4) {
			if (*end || total > 0)
				return -1;
			return v > 1e9 ? -1 : (int64_t)(v * 1000);
		}
		total += v * (double)units[k].ms;
		s = end + strlen(units[k].unit);
	}
	return total > 1e12 ? -1 : (int64_t)total;
}

static bool apply(cli *c, const opt_def *o, const char *val, prof_err *err)
{
	bool b = false;
	long iv = 0;
	double fv = 0;
	char *end;
	switch (o->kind) {
	case OPT_BOOL: {
		int r = val ? parse_bool(val) : 1;
		if (r < 0)
			return prof_errf(err, "invalid boolean value \"%s\" for -%s", val, o->name);
		b = r;
		break;
	}
	case OPT_INT:
		errno = 0;
		iv = strtol(val, &end, 0);
		if (!*val || *end || errno || iv < INT32_MIN || iv > INT32_MAX)
			return prof_errf(err, "invalid value \"%s\" for -%s: not an integer", val, o->name);
		break;
	case OPT_FLOAT:
		errno = 0;
		fv = strtod(val, &end);
		if (!*val || *end || errno || isnan(fv))
			return prof_errf(err, "invalid value \"%s\" for -%s: not a number", val, o->name);
		break;
	case OPT_STRING:
		break;
	}
	switch (o->id) {
	case O_REPORT:
		if (b || o->kind == OPT_STRING) {
			if (c->report && strcmp(c->report, o->name) != 0)
				return prof_errf(err, "must set at most one output format");
			c->report = o->name;
			c->report_arg = o->kind == OPT_STRING ? val : NULL;
		}
		break;
	case O_SOURCE_PATH: c->ro.source_path = val; break;
	case O_TRIM_PATH: c->ro.trim_path = val; break;
	case O_WIDTH: c->ro.width = (int)iv; break;
	case O_SIMILAR: c->ro.similar = b; break;
	case O_STATE: c->ro.state = val; break;
	case O_MIN: c->ro.min = (int)iv; break;
	case O_FOCUS: c->ro.filters.focus = val; break;
	case O_IGNORE: c->ro.filters.ignore = val; break;
	case O_HIDE: c->ro.filters.hide = val; break;
	case O_SHOW: c->ro.filters.show = val; break;
	case O_SHOW_FROM: c->ro.filters.show_from = val; break;
	case O_PRUNE_FROM: c->ro.filters.prune_from = val; break;
	case O_TAGFOCUS: c->ro.filters.tagfocus = val; break;
	case O_TAGIGNORE: c->ro.filters.tagignore = val; break;
	case O_TAGSHOW: c->ro.filters.tagshow = val; break;
	case O_TAGHIDE: c->ro.filters.taghide = val; break;
	case O_TAGROOT: c->ro.tagroot = val; break;
	case O_BASE:
	case O_DIFF_BASE:
		/* Repeatable; pprof drops empty values and refuses to mix the two. */
		if (!*val)
			break;
		if (c->nbases && c->diff_base != (o->id == O_DIFF_BASE))
			return prof_errf(err, "-base and -diff_base flags cannot both be specified");
		c->diff_base = o->id == O_DIFF_BASE;
		c->bases[c->nbases++] = val;
		break;
	case O_NORMALIZE: c->normalize = b; break;
	case O_VERBOSE: c->verbose = b; break;
	case O_ALL: c->all = b; break;
	case O_FAIL_IF_GREW: c->fail_if_grew = iv; break;
	case O_TAGLEAF: c->ro.tagleaf = val; break;
	case O_RELATIVE: c->ro.relative_percentages = b; break;
	case O_COMPACT: c->ro.compact_labels = b; break;
	case O_TRIM: c->ro.trim = b; break;
	case O_SAMPLE_INDEX: c->ro.sample_index = val; break;
	case O_MEAN: c->ro.mean = b; break;
	case O_INUSE_SPACE: if (b) set_index_alias(c, "inuse_space", "-inuse_space"); break;
	case O_INUSE_OBJECTS: if (b) set_index_alias(c, "inuse_objects", "-inuse_objects"); break;
	case O_ALLOC_SPACE: if (b) set_index_alias(c, "alloc_space", "-alloc_space"); break;
	case O_ALLOC_OBJECTS: if (b) set_index_alias(c, "alloc_objects", "-alloc_objects"); break;
	case O_CONTENTIONS: if (b) set_index_alias(c, "contentions", "-contentions"); break;
	case O_TOTAL_DELAY: if (b) set_index_alias(c, "delay", "-total_delay"); break;
	case O_MEAN_DELAY:
		if (b) {
			set_index_alias(c, "delay", "-mean_delay");
			c->ro.mean = true;
		}
		break;
	case O_NODECOUNT: c->ro.node_count = (int)iv; break;
	case O_NODEFRACTION: c->ro.node_fraction = fv; break;
	case O_EDGEFRACTION: c->ro.edge_fraction = fv; break;
	case O_UNIT: c->ro.unit = val; break;
	case O_CUM: if (b) c->ro.cum_sort = true; break;
	case O_FLAT: if (b) c->ro.cum_sort = false; break;
	case O_DIVIDE_BY: c->ro.divide_by = fv; break;
	case O_DROP_NEGATIVE: c->ro.drop_negative = b; break;
	case O_NOINLINES: c->ro.noinlines = b; break;
	case O_SHOWCOLUMNS: c->ro.showcolumns = b; break;
	case O_CALL_TREE: c->ro.call_tree = b; break;
	case O_SYMBOLIZE:
		/*
		 * pprof's modes that look for binaries: prof never symbolizes
		 * (names are the profile's), so each is what "none" is. Its
		 * demangle= modes would change names, which prof cannot yet.
		 */
		if (strcmp(val, "none") != 0 && strcmp(val, "local") != 0 && strcmp(val, "fastlocal") != 0 &&
		    strcmp(val, "remote") != 0 && strcmp(val, "force") != 0)
			return prof_errf(err, "-symbolize=%s: prof takes none, local, fastlocal, remote or force "
			                      "(all alike: it never symbolizes against binaries)", val);
		break;
	case O_FUNCTIONS: if (b) c->ro.granularity = GRAN_FUNCTIONS; break;
	case O_FILEFUNCTIONS: if (b) c->ro.granularity = GRAN_FILEFUNCTIONS; break;
	case O_FILES: if (b) c->ro.granularity = GRAN_FILES; break;
	case O_LINES: if (b) c->ro.granularity = GRAN_LINES; break;
	case O_ADDRESSES: if (b) c->ro.granularity = GRAN_ADDRESSES; break;
	case O_MAX_SIZE:
		if (!prof_parse_size(val, &c->max_size))
			return prof_errf(err, "invalid value \"%s\" for -max_size: not a size (like 4gb or 512mb)", val);
		break;
	case O_OUTPUT: c->output = val; break;
	case O_SECONDS: c->fetch.seconds = (int)iv; break;
	case O_TIMEOUT: c->fetch.timeout = (int)iv; break;
	case O_TLS_CA: c->fetch.tls_ca = val; break;
	case O_TLS_CERT: c->fetch.tls_cert = val; break;
	case O_TLS_KEY: c->fetch.tls_key = val; break;
	case O_COUNT:
		if (iv < 1)
			return prof_errf(err, "invalid value \"%s\" for -count: at least 1", val);
		c->count = (int)iv;
		break;
	case O_INTERVAL:
		if ((c->interval_ms = parse_duration(val)) < 0)
			return prof_errf(err, "invalid value \"%s\" for -interval: a duration like 30s, 5m or 500ms", val);
		break;
	case O_HELP: c->help = b; break;
	case O_VERSION: c->version = b; break;
	}
	return true;
}


/*
 * The command the first word names: exactly, or as a unique prefix unless a
 * file of that name exists (prof FILE opens the shell). NULL for a file, or
 * with *err set for an ambiguous prefix.
 */
static const prof_command *first_word(const char *w, prof_err *err)
{
	const prof_command *c = prof_command_find(w);
	if (c || access(w, F_OK) == 0 || strchr(w, '/') || strchr(w, '.'))
		return c;
	prof_err e = {0};
	c = prof_command_match(w, &e);
	if (!c && strncmp(e.msg, "ambiguous", 9) == 0)
		prof_errf(err, "%s", e.msg);
	return c;
}

bool cli_parse(cli *c, int argc, char **argv, prof_err *err)
{
	memset(c, 0, sizeof *c);
	report_opts_init(&c->ro);
	c->files = xcalloc((size_t)argc + 1, sizeof *c->files);
	c->bases = xcalloc((size_t)argc + 1, sizeof *c->bases);
	c->fail_if_grew = -1;
	c->interval_ms = -1;
	fetch_opts_init(&c->fetch);
	c->fetch.log = stderr;
	c->max_size = PROF_MAX_SIZE_DEFAULT;
	const char *env = getenv("PROF_MAX_SIZE");
	if (env && *env && !prof_parse_size(env, &c->max_size))
		return prof_errf(err, "invalid PROF_MAX_SIZE \"%s\": not a size (like 4gb or 512mb)", env);
	int i = 1;
	if (i < argc && argv[i][0] != '-') {
		if (strcmp(argv[i], "help") == 0) {
			c->help = true;
			c->help_topic = i + 1 < argc ? argv[i + 1] : NULL;
			return true;
		}
		const prof_command *cmd = first_word(argv[i], err);
		if (!cmd && err->set)
			return false;
		if (cmd && cmd->kind != CMD_REPORT) {
			c->command = cmd->name;
			i++;
		} else if (cmd) {
			c->report = cmd->name;
			i++;
			/* peek and list take their regex first: prof peek REGEX FILE */
			if (cmd->arg) {
				if (i >= argc)
					return prof_errf(err, "%s needs a regular expression", c->report);
				c->report_arg = argv[i++];
			}
		}
	}
	bool flags_done = false;
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (flags_done || a[0] != '-' || strcmp(a, "-") == 0) {
			c->files[c->nfiles++] = a;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			flags_done = true;
			continue;
		}
		const char *name = a + 1 + (a[1] == '-');
		const char *eq = strchr(name, '=');
		size_t n = eq ? (size_t)(eq - name) : strlen(name);
		opt_def tmp;
		const opt_def *o = find_opt(name, n, &tmp);
		if (!o)
			return prof_errf(err, "unknown flag -%.*s (see prof --help)", (int)n, name);
		const char *val = eq ? eq + 1 : NULL;
		if (!val && o->kind != OPT_BOOL) {
			if (i + 1 >= argc)
				return prof_errf(err, "flag -%s needs a value", o->name);
			val = argv[++i];
		}
		if (!apply(c, o, val, err))
			return false;
	}
	if (c->normalize && !c->nbases)
		return prof_errf(err, "must have base profile to normalize by");
	/* From here on every message and file name sees a URL without its user:pass@. */
	for (int k = 0; k < c->nfiles; k++)
		c->files[k] = fetch_take_credentials(&c->fetch, c->files[k]);
	for (int k = 0; k < c->nbases; k++)
		c->bases[k] = fetch_take_credentials(&c->fetch, c->bases[k]);
	if ((c->count || c->interval_ms >= 0) && !c->command)
		return prof_errf(err, "-count and -interval are for live diff and trend: prof trend -count=N -interval=D URL");
	c->fetch.max_size = c->max_size; /* the flag wins over the environment; every load gets it */
	return prof_filters_check(&c->ro.filters, err);
}

void cli_free(cli *c)
{
	free(c->files);
	free(c->bases);
	fetch_opts_free(&c->fetch);
	for (int i = 0; i < c->ncaptured; i++)
		free(c->captured[i]);
	free(c->captured);
	c->captured = NULL;
	c->ncaptured = 0;
	c->files = NULL;
	c->bases = NULL;
}
