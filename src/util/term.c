/* term: see term.h. */
#include "util/term.h"

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

bool term_write_safe(FILE *out, const char *buf, size_t n)
{
	const unsigned char *s = (const unsigned char *)buf;
	size_t start = 0; /* the run of bytes that go out unchanged */
	for (size_t i = 0; i < n;) {
		uint32_t cp = 0;
		size_t len = utf8_decode(s + i, n - i, &cp);
		bool bad = len == 0 || (cp < 0x20 && cp != '\n' && cp != '\t') || (cp >= 0x7F && cp < 0xA0);
		if (!bad) {
			i += len;
			continue;
		}
		if (i > start && fwrite(s + start, 1, i - start, out) != i - start)
			return false;
		/* A C1 control is two bytes; each is shown. */
		size_t k = len ? len : 1;
		for (size_t j = 0; j < k; j++)
			if (fprintf(out, "\\x%02x", s[i + j]) < 0)
				return false;
		i += k;
		start = i;
	}
	return n == start || fwrite(s + start, 1, n - start, out) == n - start;
}
