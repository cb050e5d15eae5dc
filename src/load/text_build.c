/*
 * text_build: see text.h. The profile builder shared by the text parsers:
 * functions keyed by (name, file), locations keyed by what identifies them
 * in each format (stack addresses, or function and line pairs), stacks
 * interned, totals kept below 2^63 so no report can overflow.
 */
#include <stdlib.h>
#include <string.h>

#include "load/text.h"
#include "util/arena.h"

const char *text_snip(char *buf, size_t cap, const char *s, size_t n)
{
	size_t k = 0;
	if (cap < 8)
		return "";
	buf[k++] = '"';
	for (size_t i = 0; i < n && k + 5 < cap; i++) {
		if (i == 40) {
			memcpy(buf + k, "...", 3);
			k += 3;
			break;
		}
		unsigned char c = (unsigned char)s[i];
		buf[k++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	buf[k++] = '"';
	buf[k] = '\0';
	return buf;
}

static inline uint64_t mix_word(uint64_t h, uint64_t w)
{
	h = (h ^ w) * 0xff51afd7ed558ccdull;
	return h ^ h >> 32;
}

/* Short keys (functions, locations) in one chain; long ones (a goroutine's block) in four, side by side. */
uint64_t text_key_hash(const uint64_t *k, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
	if (n < 8) {
		for (size_t i = 0; i < n; i++)
			h = mix_word(h, k[i]);
		return h;
	}
	uint64_t h1 = 0xbf58476d1ce4e5b9ull, h2 = 0x94d049bb133111ebull, h3 = 0xc2b2ae3d27d4eb4full;
	size_t i = 0;
	for (; i + 4 <= n; i += 4) {
		h = mix_word(h, k[i]);
		h1 = mix_word(h1, k[i + 1]);
		h2 = mix_word(h2, k[i + 2]);
		h3 = mix_word(h3, k[i + 3]);
	}
	for (; i < n; i++)
		h = mix_word(h, k[i]);
	return mix_word(mix_word(mix_word(h, h1), h2), h3);
}

typedef struct kkey {
	const text_keymap *m;
	const uint64_t *k;
	size_t n;
} kkey;

static bool kkey_eq(const void *ctx, uint32_t e)
{
	const kkey *q = ctx;
	const struct text_kent *t = &q->m->ents[e];
	return t->len == q->n && (q->n == 0 || memcmp(q->m->pool + t->off, q->k, q->n * sizeof *q->k) == 0);
}

uint32_t text_keymap_find(const text_keymap *m, const uint64_t *k, size_t n, uint64_t h)
{
	kkey q = {m, k, n};
	uint32_t e = hashtab_find(&m->index, h, kkey_eq, &q);
	return e == HASHTAB_NONE ? PROF_NONE : m->ents[e].val;
}

void text_keymap_put(text_keymap *m, const uint64_t *k, size_t n, uint64_t h, uint32_t val)
{
	GROW(m->pool, m->poolcap, m->npool + n);
	if (n)
		memcpy(m->pool + m->npool, k, n * sizeof *k);
	GROW(m->ents, m->cap, m->n + 1);
	m->ents[m->n] = (struct text_kent){m->npool, (uint32_t)n, val};
	hashtab_add(&m->index, h, (uint32_t)m->n);
	m->npool += n;
	m->n++;
}

void text_keymap_free(text_keymap *m)
{
	free(m->pool);
	free(m->ents);
	hashtab_free(&m->index);
	memset(m, 0, sizeof *m);
}

void text_builder_init(text_builder *b, prof_profile *p, prof_err *err)
{
	memset(b, 0, sizeof *b);
	b->p = p;
	b->err = err;
}

void text_builder_free(text_builder *b)
{
	prof_stack_index_free(&b->six);
	text_keymap_free(&b->funcs);
	text_keymap_free(&b->locs);
	free(b->stack);
}

prof_strid text_intern(text_builder *b, const char *s, size_t n)
{
	return prof_intern(b->p, s, n);
}

void text_set_types(text_builder *b, const char *const *types, size_t n, const char *ptype,
                    const char *punit, int64_t period)
{
	prof_profile *p = b->p;
	p->sample_types = xcalloc(n, sizeof *p->sample_types);
	for (size_t i = 0; i < n; i++)
		p->sample_types[i] = (prof_valuetype){text_intern(b, types[2 * i], strlen(types[2 * i])),
		                                      text_intern(b, types[2 * i + 1], strlen(types[2 * i + 1]))};
	p->nsample_type = n;
	p->period_type = (prof_valuetype){text_intern(b, ptype, strlen(ptype)), text_intern(b, punit, strlen(punit))};
	p->period = period;
}

uint32_t text_function(text_builder *b, prof_strid name, prof_strid file)
{
	prof_profile *p = b->p;
	uint64_t k = (uint64_t)name << 32 | file;
	uint64_t h = text_key_hash(&k, 1);
	uint32_t f = text_keymap_find(&b->funcs, &k, 1, h);
	if (f != PROF_NONE)
		return f;
	if (p->nfunction >= UINT32_MAX - 1)
		prof_oom();
	GROW(p->functions, b->funccap, p->nfunction + 1);
	p->functions[p->nfunction] = (prof_function){.id = p->nfunction + 1, .name = name, .system_name = name,
	                                             .filename = file};
	text_keymap_put(&b->funcs, &k, 1, h, (uint32_t)p->nfunction);
	return (uint32_t)p->nfunction++;
}

static void set_lines(text_builder *b, prof_location *l, const uint32_t *funcs, const int64_t *lines, size_t n)
{
	prof_profile *p = b->p;
	if (p->nline + n >= UINT32_MAX)
		prof_oom();
	GROW(p->lines, b->linecap, p->nline + n);
	l->line_off = (uint32_t)p->nline;
	l->nline = (uint32_t)n;
	for (size_t i = 0; i < n; i++)
		p->lines[p->nline++] = (prof_line){.function = funcs[i], .line = lines[i]};
}

uint32_t text_location(text_builder *b, const uint64_t *key, size_t nkey, uint64_t address,
                       const uint32_t *funcs, const int64_t *lines, size_t nline)
{
	prof_profile *p = b->p;
	uint64_t h = text_key_hash(key, nkey);
	uint32_t li = text_keymap_find(&b->locs, key, nkey, h);
	if (li != PROF_NONE) {
		if (p->locations[li].nline == 0 && nline > 0)
			set_lines(b, &p->locations[li], funcs, lines, nline);
		return li;
	}
	if (p->nlocation >= UINT32_MAX - 1)
		prof_oom();
	GROW(p->locations, b->loccap, p->nlocation + 1);
	prof_location *l = &p->locations[p->nlocation];
	*l = (prof_location){.id = p->nlocation + 1, .address = address, .mapping = PROF_NONE,
	                     .line_off = (uint32_t)p->nline};
	set_lines(b, l, funcs, lines, nline);
	text_keymap_put(&b->locs, key, nkey, h, (uint32_t)p->nlocation);
	return (uint32_t)p->nlocation++;
}

void text_push(text_builder *b, uint32_t loc)
{
	if (b->nstack >= UINT32_MAX - 1)
		prof_oom();
	GROW(b->stack, b->stackcap, b->nstack + 1);
	b->stack[b->nstack++] = loc;
}

static prof_label *new_label(text_builder *b)
{
	prof_profile *p = b->p;
	if (p->nlabel >= UINT32_MAX - 1)
		prof_oom();
	GROW(p->labels, b->labelcap, p->nlabel + 1);
	return &p->labels[p->nlabel++];
}

void text_label_str(text_builder *b, prof_strid key, prof_strid val)
{
	*new_label(b) = (prof_label){.key = key, .str = val};
}

void text_label_num(text_builder *b, prof_strid key, int64_t num, prof_strid unit)
{
	*new_label(b) = (prof_label){.key = key, .num = num, .num_unit = unit, .num_set = true};
}

uint32_t text_stack(text_builder *b)
{
	uint32_t s = prof_stack_intern(b->p, &b->six, b->stack, (uint32_t)b->nstack);
	b->nstack = 0;
	return s;
}

/* Adds v (|value| of sample type i) to the type's sum; false when the sum would pass 2^63. */
static bool add_sum(text_builder *b, size_t i, int64_t v)
{
	uint64_t a = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	if (a > (uint64_t)(INT64_MAX - b->sums[i]))
		return prof_errf(b->err, "line %zu: the profile's %s values add up to more than 2^63", b->lineno,
		                 prof_str(b->p, b->p->sample_types[i].type));
	b->sums[i] += (int64_t)a;
	return true;
}

bool text_sample_stack(text_builder *b, const int64_t *values, uint32_t stack)
{
	prof_profile *p = b->p;
	size_t nt = p->nsample_type;
	for (size_t i = 0; i < nt; i++)
		if (!add_sum(b, i, values[i]))
			return false;
	if (p->nsample >= UINT32_MAX - 1)
		prof_oom();
	GROW(p->samples, b->samplecap, p->nsample + 1);
	GROW(p->vals.wide, b->valuecap, (p->nsample + 1) * nt); /* text loaders keep 64-bit values */
	memcpy(p->vals.wide + p->nsample * nt, values, nt * sizeof *values);
	p->samples[p->nsample++] = (prof_sample){
		.stack = stack,
		.label_off = (uint32_t)b->label_off,
		.nlabel = (uint32_t)(p->nlabel - b->label_off),
	};
	b->label_off = p->nlabel;
	return true;
}

bool text_sample(text_builder *b, const int64_t *values)
{
	return text_sample_stack(b, values, text_stack(b));
}

void text_comment(text_builder *b, const char *s, size_t n)
{
	prof_profile *p = b->p;
	GROW(p->comments, b->commentcap, p->ncomment + 1);
	p->comments[p->ncomment++] = text_intern(b, s, n);
}

