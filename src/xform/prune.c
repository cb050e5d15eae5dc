/* prune: see prune.h. */
#include "xform/prune.h"

#include <stdlib.h>
#include <string.h>

#include "util/re.h"

/*
 * pprof's simplifyFunc: drop a leading '.', cut at the first '(' that does
 * not start "(anonymous namespace)" or belong to "operator()".
 */
char *prof_simplify_func(const char *f)
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

/* Root to leaf; frames before the first user frame are never pruned. */
static int64_t prune_stack(const prof_profile *p, const uint32_t *locs, uint32_t len, uint32_t *out, void *arg)
{
	(void)p;
	const uint8_t *mark = arg;
	bool user = false;
	for (uint32_t i = len; i-- > 0;) {
		uint8_t m = mark[locs[i]];
		if (!m) {
			user = true;
			continue;
		}
		if (!user)
			continue;
		uint32_t cut = m == 2 ? i + 1 : i;
		locs += cut;
		len -= cut;
		break;
	}
	if (len)
		memcpy(out, locs, len * sizeof *locs);
	return len;
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
			char *name = prof_simplify_func(prof_str(p, fn->name));
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
	prof_rewrite_stacks(p, prune_stack, mark);
	free(mark);
	prof_re_free(&drop);
	prof_re_free(&keep);
}
