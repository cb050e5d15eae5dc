/* folded: see folded.h. */
#include "load/folded.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

/* Only lines starting in the first SNIFF_BYTES are looked at. */
#define SNIFF_BYTES 4096

/* Position of the count's separating space in line[0..n), or n when the line does not end in " <integer>". */
static size_t count_start(const uint8_t *line, size_t n)
{
	size_t k = n;
	while (k > 0 && line[k - 1] >= '0' && line[k - 1] <= '9')
		k--;
	if (k == n)
		return n; /* no digits */
	if (k > 0 && line[k - 1] == '-')
		k--;
	if (k == 0 || line[k - 1] != ' ')
		return n;
	return k - 1;
}

bool prof_folded_sniff(const uint8_t *d, size_t n)
{
	size_t i = 0, lines = 0;
	while (i < n && i < SNIFF_BYTES) {
		size_t s = i;
		for (; i < n && d[i] != '\n'; i++) {
			uint8_t c = d[i];
			if (c == '\r' && (i + 1 == n || d[i + 1] == '\n'))
				continue;
			if (c < 0x20 || c == 0x7f)
				return false;
		}
		size_t e = i;
		if (e > s && d[e - 1] == '\r')
			e--;
		i++; /* the newline */
		if (e == s)
			continue;
		size_t sp = count_start(d + s, e - s);
		if (sp == e - s || sp == 0)
			return false;
		lines++;
	}
	return lines > 0;
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
} folded_builder;

/* An excerpt of s[0..n) for messages: quoted, at most 32 bytes, unprintable bytes as '?'. */
static const char *snip(char *buf, size_t cap, const uint8_t *s, size_t n)
{
	size_t k = 0;
	buf[k++] = '"';
	for (size_t i = 0; i < n && k + 6 < cap; i++) {
		if (i == 32) {
			memcpy(buf + k, "...", 3);
			k += 3;
			break;
		}
		buf[k++] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
	}
	buf[k++] = '"';
	buf[k] = '\0';
	return buf;
}

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

/* Parses one non-empty line (without its newline or '\r'). */
static bool parse_line(folded_builder *b, const uint8_t *line, size_t n)
{
	prof_profile *p = b->p;
	char sn[64];
	const uint8_t *sp = NULL;
	for (size_t k = n; k > 0; k--)
		if (line[k - 1] == ' ') {
			sp = line + k - 1;
			break;
		}
	if (!sp)
		return prof_errf(b->err, "line %zu: %s does not end in a space and a count", b->lineno,
		                 snip(sn, sizeof sn, line, n));
	/* The count: an optional '-' and decimal digits. */
	const uint8_t *c = sp + 1, *end = line + n;
	bool neg = c < end && *c == '-';
	const uint8_t *digits = c + neg;
	if (digits == end)
		return prof_errf(b->err, "line %zu: no count after the last space", b->lineno);
	uint64_t v = 0;
	for (const uint8_t *q = digits; q < end; q++) {
		if (*q < '0' || *q > '9')
			return prof_errf(b->err, "line %zu: count %s is not an integer", b->lineno,
			                 snip(sn, sizeof sn, c, (size_t)(end - c)));
		unsigned d = (unsigned)(*q - '0');
		if (v > ((uint64_t)INT64_MAX - d) / 10)
			return prof_errf(b->err, "line %zu: count %s is out of range", b->lineno,
			                 snip(sn, sizeof sn, c, (size_t)(end - c)));
		v = v * 10 + d;
	}
	if (v > (uint64_t)INT64_MAX - b->sum)
		return prof_errf(b->err, "line %zu: the counts add up to more than 2^63", b->lineno);
	b->sum += v;
	int64_t value = neg ? -(int64_t)v : (int64_t)v;

	/* The frames, root first; trailing spaces before the count are not part of the leaf. */
	const uint8_t *fe = sp;
	while (fe > line && fe[-1] == ' ')
		fe--;
	if (fe == line)
		return prof_errf(b->err, "line %zu: no frames before the count", b->lineno);
	size_t depth = 0, frame = 1;
	for (const uint8_t *f = line; f <= fe; frame++) {
		const uint8_t *semi = memchr(f, ';', (size_t)(fe - f));
		const uint8_t *e = semi ? semi : fe;
		if (e == f)
			return prof_errf(b->err, "line %zu: frame %zu is empty", b->lineno, frame);
		if (depth >= UINT32_MAX - 1)
			prof_oom();
		GROW(b->stack, b->stackcap, depth + 1);
		b->stack[depth++] = frame_location(b, f, (size_t)(e - f));
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
	GROW(p->values, b->valuecap, p->nsample + 1);
	p->values[p->nsample] = value;
	p->samples[p->nsample++] = (prof_sample){.stack = prof_stack_intern(p, &b->six, b->stack, (uint32_t)depth)};
	return true;
}

prof_profile *prof_decode_folded(const uint8_t *d, size_t n, prof_err *err)
{
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
		if (e > s && d[e - 1] == '\r')
			e--;
		if (e > s)
			ok = parse_line(&b, d + s, e - s);
	}
	if (ok && p->nsample == 0)
		ok = prof_errf(err, "no stacks in folded input");
	prof_stack_index_free(&b.six);
	free(b.func_of);
	free(b.stack);
	if (!ok) {
		prof_profile_free(p);
		return NULL;
	}
	return p;
}
