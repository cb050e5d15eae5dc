/* term: see term.h. */
#include "util/term.h"

#include <string.h>

size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
	size_t len;
	uint32_t c;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xE0) == 0xC0) {
		len = 2;
		c = s[0] & 0x1F;
	} else if ((s[0] & 0xF0) == 0xE0) {
		len = 3;
		c = s[0] & 0x0F;
	} else if ((s[0] & 0xF8) == 0xF0) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3F);
	}
	if (c < min[len] || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
		return 0;
	*cp = c;
	return len;
}

size_t utf8_columns(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n = strlen(str), cols = 0;
	for (size_t i = 0; i < n; cols++) {
		uint32_t cp;
		size_t len = utf8_decode(s + i, n - i, &cp);
		i += len ? len : 1;
	}
	return cols;
}

static bool is_bidi(uint32_t cp)
{
	return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/*
 * How the character at s (n > 0 bytes left) is shown: returns the bytes it
 * takes in the input, and in *out_len the bytes it takes shown (the same
 * count when it goes out unchanged, *esc false).
 */
static size_t classify(const unsigned char *s, size_t n, size_t *out_len, bool *esc)
{
	if (s[0] >= 0x20 && s[0] < 0x7F) {
		*out_len = 1;
		*esc = false;
		return 1;
	}
	uint32_t cp = 0;
	size_t len = utf8_decode(s, n, &cp);
	if (len == 0) {
		*out_len = 4;
		*esc = true;
		return 1;
	}
	if (is_bidi(cp)) {
		*out_len = 6;
		*esc = true;
	} else if ((cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7F && cp < 0xA0)) {
		*out_len = 4 * len; /* a C1 control is two bytes; each is shown */
		*esc = true;
	} else {
		*out_len = len;
		*esc = false;
	}
	return len;
}

/* Whether the 8 bytes of w are all printable ASCII (0x20..0x7e), which are shown as they are. */
static bool printable8(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	uint64_t below_space = (w - 0x20 * ones) & ~w & highs; /* a byte < 0x20 (or >= 0x80) */
	uint64_t x = w ^ 0x7f * ones;
	uint64_t del = (x - ones) & ~x & highs; /* a byte == 0x7f */
	return !((w & highs) | below_space | del);
}

size_t text_escaped_len(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t total = 0, i = 0;
	/* Eight bytes a step while plain (every string of a profile is measured as it is interned). */
	for (uint64_t w; i + 8 <= n && (memcpy(&w, s + i, 8), printable8(w)); i += 8)
		total += 8;
	for (; i < n;) {
		size_t shown;
		bool esc;
		i += classify(s + i, n - i, &shown, &esc);
		total += shown;
	}
	return total;
}

/* The escaped form of the character at s (len input bytes) into out; returns its length. */
static size_t escape_one(const unsigned char *s, size_t len, char *out)
{
	static const char hex[] = "0123456789abcdef";
	uint32_t cp = 0;
	if (len == 3 && utf8_decode(s, len, &cp) == 3 && is_bidi(cp)) {
		out[0] = '\\';
		out[1] = 'u';
		for (int k = 0; k < 4; k++)
			out[2 + k] = hex[(cp >> (12 - 4 * k)) & 0xF];
		return 6;
	}
	for (size_t j = 0; j < len; j++) {
		out[4 * j] = '\\';
		out[4 * j + 1] = 'x';
		out[4 * j + 2] = hex[s[j] >> 4];
		out[4 * j + 3] = hex[s[j] & 0xF];
	}
	return 4 * len;
}

void text_escape(const char *str, size_t n, char *out)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		size_t shown;
		bool esc;
		size_t len = classify(s + i, n - i, &shown, &esc);
		if (esc) {
			o += escape_one(s + i, len, out + o);
		} else {
			memcpy(out + o, s + i, len);
			o += len;
		}
		i += len;
	}
	out[o] = '\0';
}

bool term_write_safe(FILE *out, const char *buf, size_t n)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t start = 0; /* the run of bytes that go out unchanged */
	for (size_t i = 0; i < n;) {
		size_t shown;
		bool esc;
		size_t len = classify(s + i, n - i, &shown, &esc);
		if (!esc) {
			i += len;
			continue;
		}
		if (i > start && fwrite(s + start, 1, i - start, out) != i - start)
			return false;
		char tmp[8];
		size_t k = escape_one(s + i, len, tmp);
		if (fwrite(tmp, 1, k, out) != k)
			return false;
		i += len;
		start = i;
	}
	return n == start || fwrite(s + start, 1, n - start, out) == n - start;
}
