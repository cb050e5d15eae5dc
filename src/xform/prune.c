/* prune: see prune.h. */
#include "xform/prune.h"

#include <stdlib.h>
#include <string.h>

#include "util/re.h"

/*
 * pprof's simplifyFunc: drop a leading '.', cut at the first '(' that does
 * not start "(anonymous namespace)" or belong to "operator()".
 */
static char *simplify(const char *f)
{
	if (*f == '.')
		f++;
	size_t n = strlen(f);
	char *s = xmalloc(n + 1);
	memcpy(s, f, n + 1);
	static const char anon[] = "(anonymous namespace)", op[] = "operator()";
	for (size_t i = 0; i < n; i++) {
		if (strncmp(s + i, anon, sizeof anon - 1) == 0) {
			i += sizeof anon - 2;
		} else if (strncmp(s + i, op, sizeof op - 1) == 0) {
			i += sizeof op - 2;
		} else if (s[i] == '(') {
			s[i] = '\0';
			break;
		}
	}
	return s;
}

void prof_remove_uninteresting(prof_profile *p)
{
	if (!p->drop_frames)
		return;
	prof_re drop = {0}, keep = {0};
	prof_err err = {0};
	if (!prof_re_compile(&drop, prof_str(p, p->drop_frames), true, &err))
		return;
	if (p->keep_frames && !prof_re_compile(&keep, prof_str(p, p->keep_frames), true, &err)) {
		prof_re_free(&drop);
		return;
	}
	/* Per location: 0 keep, 1 prune beneath it (it stays), 2 prune it and beneath. */
	uint8_t *mark = xcalloc(p->nlocation + 1, 1);
	for (size_t l = 0; l < p->nlocation; l++) {
		prof_location *loc = &p->locations[l];
		int64_t i;
		for (i = (int64_t)loc->nline - 1; i >= 0; i--) {
			const prof_function *fn = &p->functions[p->lines[loc->line_off + i].function];
			if (!fn->name)
				continue;
			char *name = simplify(prof_str(p, fn->name));
			bool hit = prof_re_match(&drop, name) && !(keep.ok && prof_re_match(&keep, name));
			free(name);
			if (hit)
				break;
		}
		if (i < 0)
			continue;
		if (i == (int64_t)loc->nline - 1) {
			mark[l] = 2;
		} else {
			mark[l] = 1;
			loc->line_off += (uint32_t)(i + 1);
			loc->nline -= (uint32_t)(i + 1);
		}
	}
	/* Re-intern every stack in its pruned form; samples follow their stack. */
	uint32_t *remap = xmalloc((p->nstack + 1) * sizeof *remap);
	uint32_t *old_locs = p->stack_locs;
	prof_stack *old_stacks = p->stacks;
	size_t nold = p->nstack;
	p->stack_locs = NULL;
	p->stacks = NULL;
	p->nstack = p->nstack_loc = 0;
	prof_stack_index ix = {0};
	for (size_t s = 0; s < nold; s++) {
		const uint32_t *locs = old_locs + old_stacks[s].off;
		uint32_t len = old_stacks[s].len;
		bool user = false;
		/* Root to leaf; frames before the first user frame are never pruned. */
		for (uint32_t i = len; i-- > 0;) {
			uint8_t m = mark[locs[i]];
			if (!m) {
				user = true;
				continue;
			}
			if (!user)
				continue;
			if (m == 2) {
				locs += i + 1;
				len -= i + 1;
			} else {
				locs += i;
				len -= i;
			}
			break;
		}
		remap[s] = prof_stack_intern(p, &ix, locs, len);
	}
	for (size_t i = 0; i < p->nsample; i++)
		p->samples[i].stack = remap[p->samples[i].stack];
	prof_stack_index_free(&ix);
	free(remap);
	free(old_locs);
	free(old_stacks);
	free(mark);
	prof_re_free(&drop);
	prof_re_free(&keep);
}
