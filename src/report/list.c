/* list: pprof's annotated source listing (placeholder until implemented). */
#include "report/internal.h"

bool report_list_rctx(FILE *out, rctx *r, const char *regex)
{
	(void)out;
	(void)regex;
	return prof_errf(r->err, "list is not implemented yet");
}
