/* sort: see sort.h. A top-down merge sort, insertion sort on short runs. */
#include "util/sort.h"

#include <stdlib.h>
#include <string.h>

#include "util/arena.h"

enum { RUN = 12 };

typedef struct sorter {
	size_t size;
	sort_cmp cmp;
	void *ctx;
	char *tmp;
} sorter;

static void insertion(const sorter *s, char *a, size_t n)
{
	char *item = s->tmp; /* tmp has room for n items; one is enough here */
	for (size_t i = 1; i < n; i++) {
		size_t j = i;
		if (s->cmp(a + (j - 1) * s->size, a + i * s->size, s->ctx) <= 0)
			continue;
		memcpy(item, a + i * s->size, s->size);
		while (j > 0 && s->cmp(a + (j - 1) * s->size, item, s->ctx) > 0)
			j--;
		memmove(a + (j + 1) * s->size, a + j * s->size, (i - j) * s->size);
		memcpy(a + j * s->size, item, s->size);
	}
}

/* Sorts a[0..n), using tmp (room for n items) as scratch. */
static void merge_sort(const sorter *s, char *a, size_t n)
{
	if (n <= RUN) {
		insertion(s, a, n);
		return;
	}
	size_t h = n / 2, sz = s->size;
	merge_sort(s, a, h);
	merge_sort(s, a + h * sz, n - h);
	/* Already in order: nothing to merge (sorted input costs n compares). */
	if (s->cmp(a + (h - 1) * sz, a + h * sz, s->ctx) <= 0)
		return;
	memcpy(s->tmp, a, h * sz);
	char *l = s->tmp, *le = s->tmp + h * sz, *r = a + h * sz, *re = a + n * sz, *o = a;
	while (l < le && r < re) {
		/* Left first on ties: that is what keeps the sort stable. */
		if (s->cmp(r, l, s->ctx) < 0) {
			memcpy(o, r, sz);
			r += sz;
		} else {
			memcpy(o, l, sz);
			l += sz;
		}
		o += sz;
	}
	memcpy(o, l, (size_t)(le - l));
}

void sort_r(void *base, size_t n, size_t size, sort_cmp cmp, void *ctx)
{
	if (n < 2 || size == 0)
		return;
	sorter s = {size, cmp, ctx, xmalloc((n / 2 + 1) * size)};
	merge_sort(&s, base, n);
	free(s.tmp);
}
