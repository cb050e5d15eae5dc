/* output: see output.h. */
#include "cli/output.h"

#include <stdlib.h>

#include "util/arena.h"
#include "util/outfile.h"
#include "util/term.h"

out_dest output_choose(const prof_command *cmd, const char *path, bool stdout_tty)
{
	if (path)
		return (out_dest){.kind = OUT_FILE, .path = path};
	if (stdout_tty && cmd->ext)
		return (out_dest){.kind = OUT_NEWFILE, .ext = cmd->ext, .announce = true};
	if (stdout_tty && !cmd->colors)
		return (out_dest){.kind = OUT_TERMINAL};
	return (out_dest){.kind = OUT_STREAM};
}

static output_status to_file(const out_dest *d, output_fn make, void *ctx, prof_err *err)
{
	outfile o;
	if (!outfile_open(&o, d->path, err))
		return OUTPUT_BAD_WRITE;
	if (!make(o.f, ctx, err)) {
		/* A report stopped by a write error: the output's fault, not the profile's. */
		prof_err werr = {0};
		bool failed = outfile_failed(&o, &werr);
		outfile_abort(&o);
		if (!failed)
			return OUTPUT_BAD_REPORT;
		*err = werr;
		return OUTPUT_BAD_WRITE;
	}
	if (d->announce)
		fprintf(stderr, "Generating report in %s\n", d->path);
	return outfile_commit(&o, err) ? OUTPUT_OK : OUTPUT_BAD_WRITE;
}

/* Made whole in memory first: a new file must not be left half written, a terminal gets it made safe. */
static output_status via_memory(const out_dest *d, output_fn make, void *ctx, prof_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		prof_oom();
	bool made = make(mem, ctx, err);
	fclose(mem);
	output_status st = made ? OUTPUT_OK : OUTPUT_BAD_REPORT;
	if (made && d->kind == OUT_NEWFILE) {
		char name[64];
		if (!outfile_write_new("profile", d->ext, buf, len, name, sizeof name, err))
			st = OUTPUT_BAD_WRITE;
		else if (d->announce)
			fprintf(stderr, "Generating report in %s\n", name);
	} else if (made && !term_write_safe(stdout, buf, len)) {
		st = OUTPUT_STDOUT;
	}
	free(buf);
	return st;
}

output_status output_run(const out_dest *d, output_fn make, void *ctx, prof_err *err)
{
	switch (d->kind) {
	case OUT_FILE:
		return to_file(d, make, ctx, err);
	case OUT_NEWFILE:
	case OUT_TERMINAL:
		return via_memory(d, make, ctx, err);
	case OUT_STREAM:
		break;
	}
	if (make(stdout, ctx, err))
		return OUTPUT_OK;
	/* A report that failed because stdout did: the write error is told once, at exit. */
	return ferror(stdout) ? OUTPUT_STDOUT : OUTPUT_BAD_REPORT;
}
