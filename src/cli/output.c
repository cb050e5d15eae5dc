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

static bool to_file(const out_dest *d, output_fn make, void *ctx, prof_err *err)
{
	outfile o;
	if (!outfile_open(&o, d->path, err))
		return false;
	if (!make(o.f, ctx, err)) {
		outfile_abort(&o);
		return false;
	}
	if (d->announce)
		fprintf(stderr, "Generating report in %s\n", d->path);
	return outfile_commit(&o, err);
}

/* Made whole in memory first: a new file must not be left half written, a terminal gets it made safe. */
static bool via_memory(const out_dest *d, output_fn make, void *ctx, prof_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	if (!mem)
		prof_oom();
	bool ok = make(mem, ctx, err);
	fclose(mem);
	if (ok && d->kind == OUT_NEWFILE) {
		char name[64];
		ok = outfile_write_new("profile", d->ext, buf, len, name, sizeof name, err);
		if (ok && d->announce)
			fprintf(stderr, "Generating report in %s\n", name);
	} else if (ok && !term_write_safe(stdout, buf, len)) {
		ok = prof_errf(err, "error writing output");
	}
	free(buf);
	return ok;
}

bool output_run(const out_dest *d, output_fn make, void *ctx, prof_err *err)
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
	return make(stdout, ctx, err);
}
