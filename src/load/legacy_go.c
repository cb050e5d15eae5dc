/*
 * legacy_go: see legacy.h. Go's text primitives as pprof's legacy parsers
 * use them: TrimSpace, ParseInt, bufio.Scanner's lines and the regexp
 * engine's leftmost-first submatches. The legacy formats are defined by
 * pprof's regular expressions rather than by a grammar, so where a pattern
 * can match a line in more than one way (hex digits that may belong to
 * either of two numbers, a '(' that may start the file name) only the same
 * matching rules give the same numbers.
 */
#include <stdlib.h>
#include <string.h>

#include "load/legacy.h"
#include "util/arena.h"

/* ---- strings ---- */

/* Length of the Unicode white space rune that s[0..n) starts with (UTF-8), or 0. */
static size_t space_prefix(const unsigned char *s, size_t n)
{
	if (n == 0)
		return 0;
	unsigned char c = s[0];
	if (c == ' ' || (c >= '\t' && c <= '\r'))
		return 1;
	if (n >= 2 && c == 0xc2 && (s[1] == 0x85 || s[1] == 0xa0))
		return 2;
	if (n >= 3) {
		if (c == 0xe1 && s[1] == 0x9a && s[2] == 0x80) /* U+1680 */
			return 3;
		if (c == 0xe2 && s[1] == 0x80 && (s[2] <= 0x8a || s[2] == 0xa8 || s[2] == 0xa9 || s[2] == 0xaf) &&
		    s[2] >= 0x80) /* U+2000..200A, 2028, 2029, 202F */
			return 3;
		if (c == 0xe2 && s[1] == 0x81 && s[2] == 0x9f) /* U+205F */
			return 3;
		if (c == 0xe3 && s[1] == 0x80 && s[2] == 0x80) /* U+3000 */
			return 3;
	}
	return 0;
}

/* Length of the Unicode white space rune that s[0..n) ends with, or 0 (utf8.DecodeLastRune's view). */
static size_t space_suffix(const unsigned char *s, size_t n)
{
	if (n == 0)
		return 0;
	size_t k = 1;
	while (k < n && k < 4 && (s[n - k] & 0xc0) == 0x80)
		k++;
	return space_prefix(s + n - k, k) == k ? k : 0;
}

void lg_trim(const char **s, size_t *n)
{
	size_t k;
	while ((k = space_prefix((const unsigned char *)*s, *n)) != 0) {
		*s += k;
		*n -= k;
	}
	while ((k = space_suffix((const unsigned char *)*s, *n)) != 0)
		*n -= k;
}

bool lg_space_or_comment(const char *s, size_t n)
{
	lg_trim(&s, &n);
	return n == 0 || s[0] == '#';
}

bool lg_has_prefix(const char *s, size_t n, const char *pre)
{
	size_t k = strlen(pre);
	return n >= k && memcmp(s, pre, k) == 0;
}

bool lg_contains(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	if (k == 0)
		return true;
	for (const char *p = s; n >= k && (size_t)(p - s) <= n - k;) {
		const char *q = memchr(p, needle[0], n - k + 1 - (size_t)(p - s));
		if (!q)
			return false;
		if (memcmp(q, needle, k) == 0)
			return true;
		p = q + 1;
	}
	return false;
}

bool lg_map_sentinel(const char *s, size_t n)
{
	return lg_contains(s, n, "--- Memory map: ---") || lg_contains(s, n, "MAPPED_LIBRARIES:");
}

/* ---- numbers ---- */

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	return 99;
}

/* Go's underscoreOK: '_' only between digits, or after a base prefix. */
static bool underscores_ok(const char *s, size_t n)
{
	char saw = '^';
	size_t i = 0;
	if (n >= 1 && (s[0] == '-' || s[0] == '+')) {
		s++;
		n--;
	}
	bool hex = false;
	if (n >= 2 && s[0] == '0' && strchr("bBoOxX", s[1])) {
		i = 2;
		saw = '0';
		hex = s[1] == 'x' || s[1] == 'X';
	}
	for (; i < n; i++) {
		char c = s[i];
		if ((c >= '0' && c <= '9') || (hex && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))) {
			saw = '0';
			continue;
		}
		if (c == '_') {
			if (saw != '0')
				return false;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return false;
		saw = '!';
	}
	return saw != '_';
}

/* strconv.ParseUint for base 0, 10 or 16. */
static int parse_uint(const char *s, size_t n, int base, uint64_t *out)
{
	const char *s0 = s;
	size_t n0 = n;
	if (n == 0)
		return LG_NUM_SYNTAX;
	bool base0 = base == 0;
	if (base0) {
		base = 10;
		if (s[0] == '0') {
			if (n >= 3 && (s[1] == 'b' || s[1] == 'B'))
				base = 2, s += 2, n -= 2;
			else if (n >= 3 && (s[1] == 'o' || s[1] == 'O'))
				base = 8, s += 2, n -= 2;
			else if (n >= 3 && (s[1] == 'x' || s[1] == 'X'))
				base = 16, s += 2, n -= 2;
			else
				base = 8, s += 1, n -= 1;
		}
	}
	uint64_t v = 0;
	bool underscores = false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '_' && base0) {
			underscores = true;
			continue;
		}
		int d = digit_value(s[i]);
		if (d >= base)
			return LG_NUM_SYNTAX;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return LG_NUM_RANGE;
		v = v * (uint64_t)base + (uint64_t)d;
	}
	if (underscores && !underscores_ok(s0, n0))
		return LG_NUM_SYNTAX;
	*out = v;
	return LG_NUM_OK;
}

int lg_parse_int(const char *s, size_t n, int base, int64_t *out)
{
	if (n == 0)
		return LG_NUM_SYNTAX;
	bool neg = false;
	if (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-';
		s++;
		n--;
	}
	uint64_t v;
	int rc = parse_uint(s, n, base, &v);
	if (rc != LG_NUM_OK)
		return rc;
	if (v > (uint64_t)INT64_MAX + (neg ? 1 : 0))
		return LG_NUM_RANGE;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return LG_NUM_OK;
}

int lg_parse_hex(const char *s, size_t n, uint64_t *out)
{
	return parse_uint(s, n, 16, out);
}

static bool lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

int lg_hex_addrs(const char *s, size_t n, uint64_t **addrs, size_t *naddr, size_t *cap, const char **bad,
                 size_t *badn)
{
	for (size_t i = 0; i + 2 < n; i++) {
		if (s[i] != '0' || s[i + 1] != 'x' || !lower_hex(s[i + 2]))
			continue;
		size_t e = i + 2;
		while (e < n && lower_hex(s[e]))
			e++;
		uint64_t v;
		if (parse_uint(s + i + 2, e - i - 2, 16, &v) != LG_NUM_OK) {
			*bad = s + i;
			*badn = e - i;
			return LG_NUM_RANGE;
		}
		GROW(*addrs, *cap, *naddr + 1);
		(*addrs)[(*naddr)++] = v;
		i = e - 1;
	}
	return LG_NUM_OK;
}

/* ---- lines ---- */

/* bufio.MaxScanTokenSize: a line and its newline must fit in 64 KiB. */
#define LG_MAX_LINE 65535

bool lg_scan_line(lg_scan *sc, const char **s, size_t *n)
{
	if (sc->too_long || sc->pos >= sc->n)
		return false;
	const char *start = sc->d + sc->pos;
	size_t left = sc->n - sc->pos;
	const char *nl = memchr(start, '\n', left);
	size_t k = nl ? (size_t)(nl - start) : left;
	if (k > LG_MAX_LINE) {
		sc->no++;
		sc->too_long = true;
		return false;
	}
	sc->pos += k + (nl ? 1 : 0);
	sc->no++;
	if (k > 0 && start[k - 1] == '\r')
		k--;
	*s = start;
	*n = k;
	return true;
}

/* ---- regular expressions ---- */

enum { OP_CLASS, OP_SPLIT, OP_JMP, OP_SAVE, OP_EOL };

static void emit(lg_rx *r, uint8_t op, uint8_t cls, int x, int y)
{
	if (r->n >= LG_RX_INSTS - 1 || x < 0 || y < 0 || x >= LG_RX_INSTS || y >= LG_RX_INSTS) {
		r->overflow = true; /* a programming error; exec then never matches */
		return;
	}
	r->code[r->n++] = (struct lg_inst){op, cls, (uint8_t)x, (uint8_t)y};
}

void lg_rx_init(lg_rx *r, bool anchored)
{
	memset(r, 0, sizeof *r);
	r->anchored = anchored;
}

static void cls_set(uint8_t *set, unsigned c)
{
	set[c >> 3] |= (uint8_t)(1u << (c & 7));
}

int lg_rx_class(lg_rx *r, const char *spec)
{
	if (r->ncls >= LG_RX_CLASSES) {
		r->overflow = true;
		return 0;
	}
	uint8_t *set = r->cls[r->ncls];
	bool neg = spec[0] == '^';
	for (const char *p = spec + neg; *p; p++) {
		if (p[0] == '\\' && p[1] == 's') {
			for (const char *w = " \t\n\f\r"; *w; w++)
				cls_set(set, (unsigned char)*w);
			p++;
		} else if (p[0] == '\\' && p[1] == 'w') {
			for (unsigned c = 0; c < 128; c++)
				if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
					cls_set(set, c);
			p++;
		} else if (p[0] == '\\' && p[1]) {
			cls_set(set, (unsigned char)p[1]);
			p++;
		} else if (p[1] == '-' && p[2]) {
			for (unsigned c = (unsigned char)p[0]; c <= (unsigned char)p[2]; c++)
				cls_set(set, c);
			p += 2;
		} else {
			cls_set(set, (unsigned char)*p);
		}
	}
	if (neg)
		for (int i = 0; i < 32; i++)
			set[i] = (uint8_t)~set[i];
	for (int i = 0; i < r->ncls; i++)
		if (memcmp(r->cls[i], set, 32) == 0) {
			memset(set, 0, 32);
			return i;
		}
	return r->ncls++;
}

void lg_rx_one(lg_rx *r, int cls)
{
	emit(r, OP_CLASS, (uint8_t)cls, 0, 0);
}

void lg_rx_opt(lg_rx *r, int cls)
{
	emit(r, OP_SPLIT, 0, r->n + 1, r->n + 2);
	emit(r, OP_CLASS, (uint8_t)cls, 0, 0);
}

void lg_rx_star(lg_rx *r, int cls)
{
	int loop = r->n;
	emit(r, OP_SPLIT, 0, loop + 1, loop + 3);
	emit(r, OP_CLASS, (uint8_t)cls, 0, 0);
	emit(r, OP_JMP, 0, loop, 0);
}

void lg_rx_plus(lg_rx *r, int cls)
{
	int loop = r->n;
	emit(r, OP_CLASS, (uint8_t)cls, 0, 0);
	emit(r, OP_SPLIT, 0, loop, loop + 2);
}

void lg_rx_lit(lg_rx *r, const char *lit)
{
	/* One class per character, escaped only where class syntax needs it. */
	for (const char *p = lit; *p; p++) {
		char spec[4] = {*p, 0, 0, 0};
		if (*p == '^' || *p == '\\' || *p == '-')
			spec[0] = '\\', spec[1] = *p;
		lg_rx_one(r, lg_rx_class(r, spec));
	}
}

int lg_rx_group_begin(lg_rx *r)
{
	int mark = r->n;
	emit(r, OP_SPLIT, 0, mark + 1, 0); /* y patched by group_end */
	return mark;
}

void lg_rx_group_end(lg_rx *r, int mark)
{
	if (!r->overflow)
		r->code[mark].y = (uint8_t)r->n;
}

void lg_rx_save(lg_rx *r, int i, bool end)
{
	if (i >= LG_RX_CAPS) {
		r->overflow = true;
		return;
	}
	if (i + 1 > r->ncap)
		r->ncap = i + 1;
	emit(r, OP_SAVE, (uint8_t)(2 * i + end), 0, 0);
}

void lg_rx_eol(lg_rx *r)
{
	emit(r, OP_EOL, 0, 0, 0);
}

typedef struct rx_frame {
	uint32_t pc;   /* UINT32_MAX: restore caps[cap] to pos */
	uint32_t cap;
	size_t pos;
} rx_frame;

/*
 * RE2's "bit state" backtracker: alternatives in priority order, so the first
 * match found is Go's leftmost-first one; an (instruction, position) pair seen
 * before has failed before and is not tried again.
 */
bool lg_rx_exec(const lg_rx *r, const char *s, size_t n, size_t caps[2 * LG_RX_CAPS])
{
	if (r->overflow)
		return false;
	size_t ninst = (size_t)r->n + 1; /* pc == n: the match */
	uint8_t *seen = xcalloc((ninst * (n + 1) + 7) / 8 + 1, 1);
	rx_frame *stack = NULL;
	size_t depth = 0, cap = 0;
	for (int i = 0; i < 2 * LG_RX_CAPS; i++)
		caps[i] = SIZE_MAX;
	bool found = false;
	for (size_t start = 0; start <= n && !found; start++) {
		if (r->anchored && start > 0)
			break;
		GROW(stack, cap, depth + 1);
		stack[depth++] = (rx_frame){0, 0, start};
		while (depth > 0 && !found) {
			rx_frame f = stack[--depth];
			if (f.pc == UINT32_MAX) {
				caps[f.cap] = f.pos;
				continue;
			}
			uint32_t pc = f.pc;
			size_t pos = f.pos;
			for (;;) {
				size_t bit = pc * (n + 1) + pos;
				if (seen[bit >> 3] & (1u << (bit & 7)))
					break;
				seen[bit >> 3] |= (uint8_t)(1u << (bit & 7));
				if (pc >= (uint32_t)r->n) {
					found = true;
					break;
				}
				const struct lg_inst *in = &r->code[pc];
				if (in->op == OP_CLASS) {
					unsigned char c = pos < n ? (unsigned char)s[pos] : 0;
					if (pos >= n || !(r->cls[in->cls][c >> 3] & (1u << (c & 7))))
						break;
					pc++;
					pos++;
				} else if (in->op == OP_SPLIT) {
					GROW(stack, cap, depth + 1);
					stack[depth++] = (rx_frame){in->y, 0, pos};
					pc = in->x;
				} else if (in->op == OP_JMP) {
					pc = in->x;
				} else if (in->op == OP_SAVE) {
					GROW(stack, cap, depth + 1);
					stack[depth++] = (rx_frame){UINT32_MAX, in->cls, caps[in->cls]};
					caps[in->cls] = pos;
					pc++;
				} else {
					if (pos != n) /* OP_EOL */
						break;
					pc++;
				}
			}
		}
		depth = 0;
	}
	free(stack);
	free(seen);
	if (!found)
		for (int i = 0; i < 2 * LG_RX_CAPS; i++)
			caps[i] = SIZE_MAX;
	return found;
}
