/* goroutines: goroutine groups by stack and state (placeholder until implemented). */
#include "report/internal.h"

bool report_goroutines_rctx(FILE *out, rctx *r)
{
	(void)out;
	return prof_errf(r->err, "goroutines is not implemented yet");
}
