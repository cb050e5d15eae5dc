/* units: see units.h. */
#include "util/units.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef struct unit {
	const char *name;
	const char *aliases[4];
	double factor;
} unit;

typedef struct unit_type {
	unit deflt;
	unit units[9];
	size_t n;
} unit_type;

static const unit_type unit_types[] = {
	{{"B", {"b", "byte"}, 1},
	 {{"B", {"b", "byte"}, 1},
	  {"kB", {"kb", "kbyte", "kilobyte"}, 1024.0},
	  {"MB", {"mb", "mbyte", "megabyte"}, 1048576.0},
	  {"GB", {"gb", "gbyte", "gigabyte"}, 1073741824.0},
	  {"TB", {"tb", "tbyte", "terabyte"}, 1099511627776.0},
	  {"PB", {"pb", "pbyte", "petabyte"}, 1125899906842624.0}},
	 6},
	{{"s", {NULL}, 1e9},
	 {{"ns", {"ns", "nanosecond"}, 1},
	  {"us", {"\xce\xbcs", "us", "microsecond"}, 1e3},
	  {"ms", {"ms", "millisecond"}, 1e6},
	  {"s", {"s", "sec", "second"}, 1e9},
	  {"hrs", {"hour", "hr"}, 3600e9}},
	 5},
	{{"GCU", {NULL}, 1},
	 {{"n*GCU", {"nanogcu"}, 1e-9},
	  {"u*GCU", {"microgcu"}, 1e-6},
	  {"m*GCU", {"milligcu"}, 1e-3},
	  {"GCU", {"gcu"}, 1},
	  {"k*GCU", {"kilogcu"}, 1e3},
	  {"M*GCU", {"megagcu"}, 1e6},
	  {"G*GCU", {"gigagcu"}, 1e9},
	  {"T*GCU", {"teragcu"}, 1e12},
	  {"P*GCU", {"petagcu"}, 1e15}},
	 9},
};

/* pprof's sniffUnit: lower-case, drop one trailing "s" from names longer than 2 bytes. */
static const unit *sniff(const unit_type *ut, const char *s)
{
	char buf[64];
	size_t n = strlen(s);
	if (n >= sizeof buf)
		return NULL;
	for (size_t i = 0; i < n; i++)
		buf[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
	buf[n] = '\0';
	if (n > 2 && buf[n - 1] == 's')
		buf[--n] = '\0';
	for (size_t i = 0; i < ut->n; i++)
		for (const char *const *a = ut->units[i].aliases; *a; a++)
			if (strcmp(*a, buf) == 0)
				return &ut->units[i];
	return NULL;
}

static bool convert(const unit_type *ut, int64_t value, const char *from, const char *to,
                    double *out, const char **name)
{
	const unit *fu = sniff(ut, from);
	if (!fu)
		return false;
	double v = (double)value * fu->factor;
	if (strcmp(to, "minimum") == 0 || strcmp(to, "auto") == 0) {
		double f = 0;
		const char *best = NULL;
		for (size_t i = 0; i < ut->n; i++)
			if (ut->units[i].factor >= f && v / ut->units[i].factor >= 1.0) {
				f = ut->units[i].factor;
				best = ut->units[i].name;
			}
		if (best) {
			*out = v / f;
			*name = best;
		} else {
			*out = v / ut->deflt.factor;
			*name = ut->deflt.name;
		}
		return true;
	}
	const unit *tu = sniff(ut, to);
	if (!tu)
		tu = &ut->deflt;
	*out = v / tu->factor;
	*name = tu->name;
	return true;
}

double fmt_scale(int64_t value, const char *from, const char *to, const char **unit_name)
{
	/* Go negates and recurses, except for the one value whose negation overflows. */
	if (value < 0 && value != INT64_MIN) {
		double v = fmt_scale(-value, from, to, unit_name);
		return -v;
	}
	for (size_t i = 0; i < sizeof unit_types / sizeof unit_types[0]; i++) {
		double v;
		if (convert(&unit_types[i], value, from, to, &v, unit_name))
			return v;
	}
	static const char *const skip[] = {"count", "sample", "unit", "minimum", "auto"};
	for (size_t i = 0; i < sizeof skip / sizeof skip[0]; i++)
		if (strcmp(to, skip[i]) == 0) {
			*unit_name = "";
			return (double)value;
		}
	*unit_name = to;
	return (double)value;
}

/*
 * printf's "%.2f" of v, exactly (the binary value rounded half to even, as
 * glibc does), without printf: reports format millions of values. v is
 * m * 2^e with m < 2^53, so v * 100 is m * 100 shifted, and the bits
 * shifted out decide the rounding. Returns the length, or 0 when v is out of
 * this path's range (NaN, infinities, |v| >= 2^63, tiny e) and printf must do it.
 */
static size_t fixed2(char *buf, double v)
{
	if (!(v == v) || fabs(v) >= 9.2e18)
		return 0;
	bool neg = signbit(v);
	int exp;
	double f = frexp(fabs(v), &exp);
	uint64_t m = (uint64_t)ldexp(f, 53);
	int e = exp - 53;
	unsigned __int128 q;
	if (e >= 0)
		q = (unsigned __int128)(m << e) * 100;
	else if (e > -120) {
		unsigned __int128 x = (unsigned __int128)m * 100;
		q = x >> -e;
		unsigned __int128 r = x - (q << -e), half = (unsigned __int128)1 << (-e - 1);
		if (r > half || (r == half && (q & 1)))
			q++;
	} else
		q = 0;
	char tmp[48];
	size_t n = 0;
	uint64_t whole = (uint64_t)(q / 100), frac = (uint64_t)(q % 100);
	tmp[n++] = (char)('0' + frac % 10);
	tmp[n++] = (char)('0' + frac / 10);
	tmp[n++] = '.';
	do {
		tmp[n++] = (char)('0' + whole % 10);
		whole /= 10;
	} while (whole);
	if (neg)
		tmp[n++] = '-';
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return n;
}

void fmt_scaled_label(char *buf, size_t n, int64_t value, const char *from, const char *to)
{
	const char *u;
	double v = fmt_scale(value, from, to, &u);
	char num[400];
	size_t l = fixed2(num, v);
	if (!l) {
		snprintf(num, sizeof num, "%.2f", v);
		l = strlen(num);
	}
	if (l >= 3 && strcmp(num + l - 3, ".00") == 0)
		num[l -= 3] = '\0';
	if (strcmp(num, "0") == 0 || strcmp(num, "-0") == 0) {
		/* As snprintf(buf, n, "0") would, without it: a diff's rows have a million zeros. */
		if (n >= 2)
			memcpy(buf, "0", 2);
		else if (n)
			buf[0] = '\0';
		return;
	}
	size_t ul = strlen(u);
	if (l + ul < n) {
		memcpy(buf, num, l);
		memcpy(buf + l, u, ul + 1);
	} else
		snprintf(buf, n, "%s%s", num, u);
}

void fmt_percentage(char *buf, size_t n, int64_t value, int64_t total)
{
	double ratio = 0;
	if (total != 0)
		ratio = fabs((double)value / (double)total) * 100;
	if (ratio >= 99.95 && ratio <= 100.05)
		snprintf(buf, n, "  100%%");
	else if (ratio >= 1.0)
		snprintf(buf, n, "%5.2f%%", ratio);
	else
		snprintf(buf, n, "%5.2g%%", ratio);
}

int fmt_known_unit(const char *u)
{
	for (size_t i = 0; i < sizeof unit_types / sizeof unit_types[0]; i++)
		if (sniff(&unit_types[i], u))
			return 1;
	return 0;
}
