/*
 * image: pprof's graph images (svg, png, gif, ps, pdf) drawn inside the
 * process with Graphviz's libraries, where pprof runs a `dot` executable.
 *
 * Owns: handing the DOT text of report_dot_rctx to libcgraph (parse) and
 * libgvc (the dot layout and a renderer), and cleaning that text first so
 * that Graphviz only ever sees valid UTF-8 without control characters: the
 * names come from a hostile profile, and an SVG must stay well-formed XML.
 * Graphviz escapes XML itself. The image is made in memory and written in one
 * go, so a failure leaves no partial output.
 */
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <stdlib.h>
#include <pthread.h>
#include <string.h>

#include "report/internal.h"
#include "util/term.h"

/*
 * Graphviz reports errors through a callback without a context pointer; the
 * first one is kept, per thread, so two images may be drawn at once.
 */
static _Thread_local char gv_message[256];

static int gv_error(char *msg)
{
	/* A message comes in pieces ("Error", ": syntax error ...\n"); its first line is kept. */
	size_t have = strlen(gv_message);
	if (have > 0 && gv_message[have - 1] == '\n')
		return 0;
	size_t n = strlen(msg);
	if (have + n >= sizeof gv_message)
		n = sizeof gv_message - 1 - have;
	memcpy(gv_message + have, msg, n);
	gv_message[have + n] = '\0';
	char *nl = strchr(gv_message, '\n');
	if (nl && nl[1] != '\0')
		nl[1] = '\0';
	return 0;
}

/*
 * Replaces, in place, every byte XML 1.0 cannot carry (C0 controls but tab
 * and newline, DEL, bytes of invalid UTF-8) with '?'. The DOT syntax itself
 * is ASCII, so only names change.
 */
static void clean_text(char *text, size_t n)
{
	unsigned char *s = (unsigned char *)text;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len = utf8_decode(s + i, n - i, &cp);
		if (len == 0 || (len == 1 && ((cp < 0x20 && cp != '\t' && cp != '\n') || cp == 0x7F))) {
			s[i++] = '?';
			continue;
		}
		i += len;
	}
}

/*
 * One Graphviz context for the process, made on first use and kept:
 * Graphviz's text plugin (pango) caches font data past gvFreeContext, so a
 * second context in one process (the shell's second svg) read freed memory.
 */
static GVC_t *shared_gvc;
static pthread_once_t gvc_once = PTHREAD_ONCE_INIT;

static void make_gvc(void)
{
	shared_gvc = gvContext();
}

bool report_image_rctx(FILE *out, rctx *r, const char *format)
{
	char *dot = NULL;
	size_t n = 0;
	FILE *mem = open_memstream(&dot, &n);
	if (!mem) {
		prof_errf(r->err, "out of memory");
		return false;
	}
	/* Graphviz must parse it: escape even where pprof's DOT does not. */
	r->dot_escape_all = true;
	bool ok = report_dot_rctx(mem, r);
	if (fclose(mem) != 0 && ok) {
		prof_errf(r->err, "out of memory");
		ok = false;
	}
	if (!ok) {
		free(dot);
		return false;
	}
	clean_text(dot, n);

	gv_message[0] = '\0';
	agseterr(AGERR); /* warnings are not failures */
	agusererrf old = agseterrf(gv_error);
	pthread_once(&gvc_once, make_gvc);
	GVC_t *gvc = shared_gvc;
	Agraph_t *g = gvc ? agmemread(dot) : NULL;
	char *data = NULL;
	unsigned int len = 0;
	if (!gvc) {
		prof_errf(r->err, "Graphviz could not start");
		ok = false;
	} else if (!g) {
		gv_message[strcspn(gv_message, "\n")] = '\0';
		prof_errf(r->err, "Graphviz could not read the graph: %s", gv_message[0] ? gv_message : "syntax error");
		ok = false;
	} else if (gvLayout(gvc, g, "dot") != 0) {
		prof_errf(r->err, "Graphviz has no dot layout here (is libgvc's plugin package installed?)");
		ok = false;
	} else if (gvRenderData(gvc, g, format, &data, &len) != 0) {
		prof_errf(r->err, "Graphviz cannot write %s here (its renderer plugin is not installed)", format);
		ok = false;
	}
	if (ok && len > 0 && fwrite(data, 1, len, out) != len) {
		prof_errf(r->err, "write error");
		ok = false;
	}
	if (data)
		gvFreeRenderData(data);
	if (g) {
		gvFreeLayout(gvc, g);
		agclose(g);
	}
	agseterrf(old);
	free(dot);
	return ok;
}
