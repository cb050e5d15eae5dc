/*
 * The shell's line parsing (ui/shell.c's handle_line: "top10 main -runtime",
 * "focus=x //: comment", ":", sample type names). handle_line is static and
 * the shell is still changing, so the target includes the file rather than
 * have it export a parser for tests alone. Input is lines, each run on a
 * small folded profile; lines that would write files (> FILE, output=, the
 * binary reports, which go to profileNNN files) are skipped.
 */
#include "../../ui/shell.c"

#include "fuzz.h"
#include "load/folded.h"

static const char sample[] = "main;serve;handle;parse 30\nmain;serve;handle;render 20\n"
                             "main;gc;mark 5\nruntime.goexit;runtime.main;main.main 1\n";

/*
 * Lines to skip: those that would write files, and diff and trend, which
 * read the files (or URLs) a line names. The command is found as the shell
 * finds it (exact, "svg3", or a unique prefix like "s").
 */
static bool writes_files(const char *line)
{
	/* "> FILE" and output=FILE; the binary reports are found below, by command. */
	static const char *const words[] = {">", "output"};
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strstr(line, words[i]))
			return true;
	char word[64];
	size_t n = 0;
	/* Any control byte or space ends the word: the shell trims a trailing '\r' too. */
	while (*line == ' ' || *line == '\t')
		line++;
	while ((unsigned char)line[n] > ' ' && n + 1 < sizeof word) {
		word[n] = line[n];
		n++;
	}
	while (n > 1 && word[n - 1] >= '0' && word[n - 1] <= '9')
		n--;
	word[n] = '\0';
	prof_err err = {0};
	const prof_command *c = n ? prof_command_match(word, &err) : NULL;
	return c && (c->ext || c->kind != CMD_REPORT);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static prof_profile *p;
	prof_err err = {0};
	if (!p) {
		/* Whatever a line still writes (a new profileNNN file) lands in a scratch folder. */
		char dir[] = "/tmp/prof-fuzz-shell.XXXXXX";
		if (!mkdtemp(dir) || chdir(dir) != 0)
			abort();
		p = prof_decode_folded((const uint8_t *)sample, sizeof sample - 1, &err);
	}
	if (!p)
		abort();
	shell s = {.orig = p, .engine = engine_new(p, false)};
	for (int i = 0; i < NFIELDS; i++)
		set_val(&s, i, fields[i].deflt);
	char *copy = malloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';
	int lines = 0;
	for (char *line = copy, *next; line && lines < 8; line = next, lines++) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (writes_files(line))
			continue;
		if (!handle_line(&s, line))
			break;
	}
	for (int i = 0; i < NFIELDS; i++)
		free(s.val[i]);
	engine_free(s.engine);
	free(copy);
	return 0;
}
