/* arena: see arena.h. */
#include "util/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <malloc.h>
#include <sys/mman.h>

struct arena_block {
	arena_block *next;
	size_t size, used;
	_Alignas(16) unsigned char data[];
};

_Noreturn void prof_oom(void)
{
	fputs("prof: out of memory\n", stderr);
	exit(1);
}

/*
 * Big arrays (samples, values, stacks of a large profile) are touched once,
 * page by page: asking for transparent huge pages cuts the page faults, which
 * cost more than the decoding in a VM. A hint only; errors are ignored.
 */
static void hint_huge(void *p)
{
#ifdef MADV_HUGEPAGE
	/* Cover whole pages of the block, so the kernel keeps one mapping that
	 * realloc can still move with mremap (a partial range would split it). */
	const uintptr_t page = 4096;
	uintptr_t start = ((uintptr_t)p - 16) & ~(page - 1);
	uintptr_t end = ((uintptr_t)p + malloc_usable_size(p) + page - 1) & ~(page - 1);
	madvise((void *)start, end - start, MADV_HUGEPAGE);
#else
	(void)p;
#endif
}

enum { HUGE_HINT_MIN = 1u << 20 };

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		prof_oom();
	if (n >= HUGE_HINT_MIN)
		hint_huge(p);
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		prof_oom();
	if (n * size >= HUGE_HINT_MIN)
		hint_huge(p);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		prof_oom();
	if (n >= HUGE_HINT_MIN)
		hint_huge(p);
	return p;
}

void grow_array(void **p, size_t *cap, size_t need, size_t item)
{
	if (need <= *cap)
		return;
	size_t n = *cap ? *cap : 8;
	while (n < need) {
		if (n > SIZE_MAX / 2 / item)
			prof_oom();
		n *= 2;
	}
	*p = xrealloc(*p, n * item);
	*cap = n;
}

void arena_init(arena *a, size_t block_size)
{
	a->head = NULL;
	a->block_size = block_size ? block_size : 64 * 1024;
	a->total = 0;
}

static arena_block *new_block(arena *a, size_t need)
{
	size_t size = a->block_size;
	if (need > size)
		size = need;
	if (size > SIZE_MAX - sizeof(arena_block))
		prof_oom();
	arena_block *b = xmalloc(sizeof *b + size);
	b->size = size;
	b->used = 0;
	a->total += size;
	/* Grow geometrically so a big profile needs few blocks, up to 64 MiB each. */
	if (a->block_size < (64u << 20))
		a->block_size *= 2;
	return b;
}

void *arena_alloc(arena *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	arena_block *b = a->head;
	if (!b || b->size - b->used < n) {
		arena_block *nb = new_block(a, n);
		if (b && n > a->block_size / 4) {
			/* A large one-off goes behind the current block, which stays in use. */
			nb->next = b->next;
			b->next = nb;
			nb->used = n;
			return nb->data;
		}
		nb->next = b;
		a->head = b = nb;
	}
	void *p = b->data + b->used;
	b->used += n;
	return p;
}

void *arena_zalloc(arena *a, size_t n)
{
	void *p = arena_alloc(a, n);
	memset(p, 0, n);
	return p;
}

void *arena_memdup(arena *a, const void *p, size_t n)
{
	void *q = arena_alloc(a, n);
	if (n)
		memcpy(q, p, n);
	return q;
}

void arena_reset(arena *a)
{
	if (!a->head)
		return;
	arena_block *b = a->head->next;
	while (b) {
		arena_block *next = b->next;
		a->total -= b->size;
		free(b);
		b = next;
	}
	a->head->next = NULL;
	a->head->used = 0;
}

void arena_free(arena *a)
{
	arena_block *b = a->head;
	while (b) {
		arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->total = 0;
}

char *xstrdup(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	char *d = xmalloc(n + 1);
	if (n)
		memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

void *xdup_array(const void *a, size_t n, size_t item)
{
	void *d = xmalloc(n * item + 1);
	if (n)
		memcpy(d, a, n * item);
	return d;
}
