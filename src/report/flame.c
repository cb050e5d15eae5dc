/* flame: terminal flame graphs and folded stacks (placeholder until implemented). */
#include "report/internal.h"

bool report_flame_rctx(FILE *out, rctx *r)
{
	(void)out;
	return prof_errf(r->err, "flame is not implemented yet");
}

bool report_folded_rctx(FILE *out, rctx *r)
{
	(void)out;
	return prof_errf(r->err, "folded is not implemented yet");
}
