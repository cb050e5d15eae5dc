/*
 * units: pprof's measurement rules, value scaling and percentages.
 *
 * Owns: the unit tables (bytes, time, GCU), the choice of a unit for a value
 * ("minimum"/"auto"), and the exact text pprof prints for a value or a
 * percentage. Pure functions on numbers and strings; no profile access.
 */
#ifndef PROF_UNITS_H
#define PROF_UNITS_H

#include <stddef.h>
#include <stdint.h>

/*
 * Converts value in unit `from` to unit `to` ("minimum"/"auto" pick the
 * largest unit that keeps the value >= 1). *unit is set to the unit's
 * printed name, "" when not worth printing, or `to` for unknown units.
 */
double fmt_scale(int64_t value, const char *from, const char *to, const char **unit);
/* "12.50MB", "3", "0": value scaled and labelled as pprof does (%.2f, ".00" dropped). */
void fmt_scaled_label(char *buf, size_t n, int64_t value, const char *from, const char *to);
/* "12.50%", "  100%", "0.05%": at least two significant digits, width 5. */
void fmt_percentage(char *buf, size_t n, int64_t value, int64_t total);
/* Whether `unit` names a known unit of some kind (for validating -unit). */
int fmt_known_unit(const char *unit);

#endif
