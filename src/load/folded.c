/* folded: see folded.h. */
#include "load/folded.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

/* Only lines starting in the first SNIFF_BYTES are looked at. */
#define SNIFF_BYTES 4096

/*
 * Text as UTF-8: a UTF-16 file (LE or BE, told by its byte order mark) is
 * converted, unpaired surrogates becoming U+FFFD; a UTF-8 BOM is dropped.
 * At most max input bytes are converted. Returns d itself, or a new buffer
 * (*owned set) that the caller frees.
 */
static const uint8_t *as_utf8(const uint8_t *d, size_t n, size_t max, size_t *outn, uint8_t **owned)
{
	*owned = NULL;
	if (n >= 3 && d[0] == 0xef && d[1] == 0xbb && d[2] == 0xbf) {
		*outn = n - 3;
		return d + 3;
	}
	bool le = n >= 2 && d[0] == 0xff && d[1] == 0xfe, be = n >= 2 && d[0] == 0xfe && d[1] == 0xff;
	if (!le && !be) {
		*outn = n;
		return d;
	}
	if (n > max)
		n = max;
	size_t units = (n - 2) / 2, k = 0;
	uint8_t *o = xmalloc(units * 3 + 1); /* a unit gives at most 3 bytes, a pair 4 */
	for (size_t i = 0; i < units; i++) {
		const uint8_t *u = d + 2 + 2 * i;
		uint32_t c = le ? (uint32_t)u[0] | (uint32_t)u[1] << 8 : (uint32_t)u[0] << 8 | u[1];
		if (c >= 0xd800 && c < 0xdc00 && i + 1 < units) {
			const uint8_t *v = u + 2;
			uint32_t c2 = le ? (uint32_t)v[0] | (uint32_t)v[1] << 8 : (uint32_t)v[0] << 8 | v[1];
			if (c2 >= 0xdc00 && c2 < 0xe000) {
				c = 0x10000 + ((c - 0xd800) << 10) + (c2 - 0xdc00);
				i++;
			}
		}
		if (c >= 0xd800 && c < 0xe000)
			c = 0xfffd;
		if (c < 0x80) {
			o[k++] = (uint8_t)c;
		} else if (c < 0x800) {
			o[k++] = (uint8_t)(0xc0 | c >> 6);
			o[k++] = (uint8_t)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			o[k++] = (uint8_t)(0xe0 | c >> 12);
			o[k++] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
			o[k++] = (uint8_t)(0x80 | (c & 0x3f));
		} else {
			o[k++] = (uint8_t)(0xf0 | c >> 18);
			o[k++] = (uint8_t)(0x80 | (c >> 12 & 0x3f));
			o[k++] = (uint8_t)(0x80 | (c >> 6 & 0x3f));
			o[k++] = (uint8_t)(0x80 | (c & 0x3f));
		}
	}
	*owned = o;
	*outn = k;
	return o;
}

static bool blank(uint8_t c)
{
	return c == ' ' || c == '\t';
}

typedef enum { L_BLANK, L_COMMENT, L_STACK, L_OTHER } line_kind;

/* What one line holds: for L_STACK, the frames line[0..frames) and the count. */
typedef struct line_parts {
	const uint8_t *line;
	size_t frames;
	int64_t count;
	bool fraction; /* the count had a nonzero fraction, dropped */
} line_parts;

/*
 * Classifies line[0..n) (no newline) as flamegraph.pl and inferno read it:
 * surrounding blanks go; "#..." is a comment; a stack is frames, blanks and a
 * count (an optional '-', digits, an optional fraction) that fits in int64.
 * Empty frames are left for the caller to skip; one non-empty frame is needed.
 */
static line_kind classify(const uint8_t *line, size_t n, line_parts *lp)
{
	while (n > 0 && (blank(line[n - 1]) || line[n - 1] == '\r'))
		n--;
	while (n > 0 && blank(*line)) {
		line++;
		n--;
	}
	if (n == 0)
		return L_BLANK;
	if (*line == '#')
		return L_COMMENT;
	size_t k = n;
	while (k > 0 && !blank(line[k - 1]))
		k--;
	if (k == 0)
		return L_OTHER;
	const uint8_t *c = line + k, *end = line + n;
	bool neg = *c == '-';
	c += neg;
	uint64_t v = 0;
	bool digits = false, frac = false;
	for (; c < end && *c >= '0' && *c <= '9'; c++) {
		unsigned d = (unsigned)(*c - '0');
		if (v > ((uint64_t)INT64_MAX - d) / 10)
			return L_OTHER;
		v = v * 10 + d;
		digits = true;
	}
	if (c < end && *c == '.')
		for (c++; c < end && *c >= '0' && *c <= '9'; c++)
			frac |= *c != '0';
	if (!digits || c != end)
		return L_OTHER;
	size_t f = k;
	while (f > 0 && blank(line[f - 1]))
		f--;
	bool frame = false;
	for (size_t i = 0; i < f && !frame; i++)
		frame = line[i] != ';';
	if (!frame)
		return L_OTHER;
	lp->line = line;
	lp->frames = f;
	lp->count = neg ? -(int64_t)v : (int64_t)v;
	lp->fraction = frac;
	return L_STACK;
}

/* A byte no text file holds: NUL and the other controls but tab, CR and LF. */
static bool binary_byte(uint8_t c)
{
	return (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f;
}

bool prof_folded_sniff(const uint8_t *d0, size_t n0)
{
	uint8_t *owned;
	size_t n;
	const uint8_t *d = as_utf8(d0, n0, 4 * SNIFF_BYTES, &n, &owned);
	size_t i = 0, stacks = 0, others = 0;
	bool bin = false;
	/* pprof's -raw text ("PeriodType: ...", then sample lines that read as "stack count") is no folded file. */
	static const char raw_head[] = "PeriodType: ";
	if (n >= sizeof raw_head - 1 && memcmp(d, raw_head, sizeof raw_head - 1) == 0)
		bin = true;
	while (i < n && i < SNIFF_BYTES && !bin) {
		size_t s = i;
		for (; i < n && d[i] != '\n' && !bin; i++)
			bin = binary_byte(d[i]) || (d[i] == '\r' && i + 1 < n && d[i + 1] != '\n');
		line_parts lp;
		line_kind k = classify(d + s, i - s, &lp);
		stacks += k == L_STACK;
		others += k == L_OTHER;
		i++; /* the newline */
	}
	free(owned);
	return !bin && stacks > 0 && stacks >= others;
}

typedef struct folded_builder {
	prof_profile *p;
	prof_err *err;
	size_t lineno;
	prof_stack_index six;
	size_t funccap, loccap, linecap, samplecap, valuecap;
	uint32_t *func_of; /* per string id: function index + 1, 0 none */
	size_t func_of_cap;
	uint32_t *stack; /* the current line's locations, root first, then reversed */
	size_t stackcap;
	uint64_t sum; /* sum of |count|, kept below 2^63 */
	size_t skipped, first_skipped; /* lines that are not "stack count", the first's number */
	size_t fractions;              /* counts whose fraction was dropped */
} folded_builder;

/* The location (and function, same index) of frame name s[0..n). */
static uint32_t frame_location(folded_builder *b, const uint8_t *s, size_t n)
{
	prof_profile *p = b->p;
	prof_strid name = prof_intern(p, (const char *)s, n);
	if ((size_t)name >= b->func_of_cap) {
		size_t old = b->func_of_cap;
		GROW(b->func_of, b->func_of_cap, (size_t)name + 1);
		memset(b->func_of + old, 0, (b->func_of_cap - old) * sizeof *b->func_of);
	}
	if (b->func_of[name])
		return b->func_of[name] - 1;
	if (p->nfunction >= UINT32_MAX - 2)
		prof_oom();
	uint32_t f = (uint32_t)p->nfunction;
	GROW(p->functions, b->funccap, p->nfunction + 1);
	GROW(p->locations, b->loccap, p->nlocation + 1);
	GROW(p->lines, b->linecap, p->nline + 1);
	p->functions[p->nfunction++] = (prof_function){.id = (uint64_t)f + 1, .name = name, .system_name = name};
	p->lines[p->nline] = (prof_line){.function = f};
	p->locations[p->nlocation++] = (prof_location){.id = (uint64_t)f + 1, .mapping = PROF_NONE,
	                                               .line_off = (uint32_t)p->nline, .nline = 1};
	p->nline++;
	b->func_of[name] = f + 1;
	return f;
}

/* Adds the sample of stack line lp: empty frames are skipped, as flamegraph.pl skips a trailing one. */
static bool add_stack(folded_builder *b, const line_parts *lp)
{
	prof_profile *p = b->p;
	uint64_t a = lp->count < 0 ? 0 - (uint64_t)lp->count : (uint64_t)lp->count;
	if (a > (uint64_t)INT64_MAX - b->sum)
		return prof_errf(b->err, "line %zu: the counts add up to more than 2^63", b->lineno);
	b->sum += a;
	b->fractions += lp->fraction;
	/* The frames, root first. */
	size_t depth = 0;
	const uint8_t *line = lp->line, *fe = lp->line + lp->frames;
	for (const uint8_t *f = line; f < fe;) {
		const uint8_t *semi = memchr(f, ';', (size_t)(fe - f));
		const uint8_t *e = semi ? semi : fe;
		if (e > f) {
			if (depth >= UINT32_MAX - 1)
				prof_oom();
			GROW(b->stack, b->stackcap, depth + 1);
			b->stack[depth++] = frame_location(b, f, (size_t)(e - f));
		}
		f = e + 1;
	}
	/* Leaf first, as the model keeps stacks. */
	for (size_t i = 0, j = depth - 1; i < j; i++, j--) {
		uint32_t t = b->stack[i];
		b->stack[i] = b->stack[j];
		b->stack[j] = t;
	}
	if (p->nsample >= UINT32_MAX - 1)
		prof_oom();
	GROW(p->samples, b->samplecap, p->nsample + 1);
	GROW(p->vals.wide, b->valuecap, p->nsample + 1);
	p->vals.wide[p->nsample] = lp->count;
	p->samples[p->nsample++] = (prof_sample){.stack = prof_stack_intern(p, &b->six, b->stack, (uint32_t)depth)};
	return true;
}

/* The note on what was not read as it stands, "" when all was. */
static void note_skipped(const folded_builder *b, prof_err *err)
{
	char a[160] = "", f[96] = "";
	if (b->skipped == 1)
		snprintf(a, sizeof a, "skipped 1 line that is not \"stack count\" (line %zu)", b->first_skipped);
	else if (b->skipped > 1)
		snprintf(a, sizeof a, "skipped %zu lines that are not \"stack count\" (the first is line %zu)", b->skipped,
		         b->first_skipped);
	if (b->fractions)
		snprintf(f, sizeof f, "dropped the fraction of %zu count%s", b->fractions, b->fractions > 1 ? "s" : "");
	if (*a || *f)
		prof_notef(err, "%s%s%s", a, *a && *f ? "; " : "", f);
}

prof_profile *prof_decode_folded(const uint8_t *d0, size_t n0, prof_err *err)
{
	uint8_t *owned;
	size_t n;
	const uint8_t *d = as_utf8(d0, n0, SIZE_MAX, &n, &owned);
	prof_profile *p = prof_profile_new();
	folded_builder b = {.p = p, .err = err};
	p->sample_types = xcalloc(1, sizeof *p->sample_types);
	prof_strid samples = prof_intern(p, "samples", 7), count = prof_intern(p, "count", 5);
	p->sample_types[0] = (prof_valuetype){samples, count};
	p->nsample_type = 1;
	p->period_type = (prof_valuetype){samples, count};
	p->period = 1;
	bool ok = true;
	size_t i = 0;
	while (ok && i < n) {
		const uint8_t *nl = memchr(d + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - d) : n;
		size_t s = i;
		i = e + 1;
		b.lineno++;
		line_parts lp;
		switch (classify(d + s, e - s, &lp)) {
		case L_STACK:
			ok = add_stack(&b, &lp);
			break;
		case L_OTHER:
			if (!b.skipped++)
				b.first_skipped = b.lineno;
			break;
		case L_BLANK:
		case L_COMMENT:
			break;
		}
	}
	if (ok && p->nsample == 0)
		ok = prof_errf(err, "no line of the form \"stack count\"");
	if (ok)
		note_skipped(&b, err);
	prof_stack_index_free(&b.six);
	free(b.func_of);
	free(b.stack);
	free(owned);
	if (!ok) {
		prof_profile_free(p);
		return NULL;
	}
	return p;
}
