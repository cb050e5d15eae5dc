/* err: see err.h. */
#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>

bool prof_errf(prof_err *err, const char *fmt, ...)
{
	if (!err || err->set)
		return false;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	va_end(ap);
	err->set = true;
	return false;
}

void prof_notef(prof_err *err, const char *fmt, ...)
{
	if (!err || err->note[0])
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->note, sizeof err->note, fmt, ap);
	va_end(ap);
}
