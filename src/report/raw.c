/* raw: pprof's text dump of the whole profile (placeholder until implemented). */
#include "report/internal.h"

bool report_raw_rctx(FILE *out, rctx *r)
{
	(void)out;
	return prof_errf(r->err, "raw is not implemented yet");
}
