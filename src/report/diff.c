/*
 * diff: prof's stack-level comparison of two snapshots ("prof diff BASE NEW").
 * pprof compares functions; in a leak what matters is which whole stacks
 * grew, so samples are grouped by their entire stack at the chosen
 * granularity, and each group shows its base and new values, the delta and
 * the relative change, largest growth first. A function summary (cum delta)
 * follows.
 */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report/diff.h"

#include "model/goname.h"
#include "util/units.h"
#include "util/cores.h"
#include "util/hashtab.h"
#include "xform/filter.h"
#include "xform/merge.h"
#include "util/sort.h"

#define TWO_THREADS 65536 /* stacks or groups from which work is shared with a second thread */

/*
 * A group of samples with one stack (by its nodes' names), creator, state
 * and verdict. Groups are made in sample order, each in the part of its
 * hash (group_part), and never move: group i of a part has row i of the
 * part's values. Small, as there can be millions.
 */
typedef struct group {
	uint32_t stack;     /* a representative: a stack of snapshot snap */
	uint32_t first;     /* the sample of snapshot snap that made it: with snap, the order of making */
	uint32_t created;   /* created_by, in differ.names; 0 when unknown */
	uint32_t state;     /* goroutine state (dumps), in differ.names; 0 when unknown */
	uint32_t leaf, app; /* the representative's stack_facts */
	int32_t wait_max;   /* longest wait in minutes (dumps), 0 when unknown */
	uint16_t snap;
	uint8_t part;
	bool leaked;        /* the runtime's verdict: "(leaked)" in a dump, a goroutineleak profile */
} group;

/*
 * The groups whose hash falls to one part: on two cores each part is
 * grouped by a thread of its own, with its own index, so neither waits.
 */
typedef struct group_part {
	group *groups;
	size_t n, cap;
	int64_t *vals;   /* n x nsnap */
	size_t valcap;
	int64_t *totals; /* per snapshot, of this part's samples */
	hashtab index;   /* over groups, by stack, creator, state and verdict */
} group_part;

/* A group's reference: its part in the top bit, its index in the part below. */
#define PART_BIT 31

/* One snapshot, filtered in place, with its nodes named in differ.names. */
typedef struct snap {
	prof_profile *p;
	graph_index *ix;
	/*
	 * Per location l: the names (ids in differ.names) of its nodes, innermost
	 * first, in loc_gid[loc_gid_off[l] .. loc_gid_off[l + 1]): what a walk
	 * over a stack's nodes reads, in two loads a location.
	 */
	uint32_t *loc_gid_off, *loc_gid;
	struct stack_facts *facts; /* per stack (collect's scratch) */
	uint8_t *skip;       /* per location: left out at the leaf end (stack_start) */
	int si;              /* the value compared: the type of the last snapshot's name */
} snap;

/*
 * The snapshots are compared without merging them: each keeps its own
 * locations and node index, and a stack is grouped by the names of its
 * nodes, which one table shared by all snapshots interns (so two stacks
 * of different snapshots match when their node ids in it match).
 */
typedef struct differ {
	prof_profile *names; /* node names and label values of every snapshot */
	snap *snaps;
	size_t nsnap;
	group_part parts[2];
	unsigned nparts;
	size_t ngroup;   /* in both parts: group j < parts[0].n is the first part's j, others the second's */
	int64_t *totals; /* per snapshot */
	uint8_t *is_std; /* per node name in names: goname_is_std, asked once */
	int64_t *fdelta; /* per name: the summed delta of the groups whose stacks hold it, each group once */
	size_t nfdelta;
} differ;

/* Group g's values, one per snapshot; the first is the base, the last the current one. */
static inline const int64_t *group_vals(const differ *d, const group *g)
{
	const group_part *pt = &d->parts[g->part];
	return pt->vals + (size_t)(g - pt->groups) * d->nsnap;
}

/* Group j of [0, ngroup) as a reference (PART_BIT). */
static inline uint32_t group_ref_of(const differ *d, size_t j)
{
	return j < d->parts[0].n ? (uint32_t)j : (uint32_t)(j - d->parts[0].n) | 1u << PART_BIT;
}

static inline const group *group_at_ref(const differ *d, uint32_t ref)
{
	return &d->parts[ref >> PART_BIT].groups[ref & ~(1u << PART_BIT)];
}

static inline int64_t group_base(const differ *d, const group *g)
{
	return group_vals(d, g)[0];
}

static inline int64_t group_cur(const differ *d, const group *g)
{
	return group_vals(d, g)[d->nsnap - 1];
}

/*
 * Where a stack starts for comparing: past the leaf-side frames of package
 * runtime and frames with no name. The runtime's text profiles leave those
 * frames unnamed while its protobuf names them, so this is what lets a
 * debug=1 text compare with a pb.gz; the blocking primitive below the
 * program's frames is the same for every goroutine of a group anyway.
 */
static bool location_skipped(const prof_profile *p, uint32_t loc)
{
	const prof_location *l = &p->locations[loc];
	if (l->nline == 0)
		return true;
	const char *fn = prof_str(p, p->functions[p->lines[l->line_off + l->nline - 1].function].name);
	return strncmp(fn, "runtime.", 8) == 0 || !*fn;
}

static uint32_t stack_start(const snap *sn, uint32_t st)
{
	const prof_profile *p = sn->p;
	const prof_stack *s = &p->stacks[st];
	uint32_t i = 0;
	while (i + 1 < s->len && sn->skip[prof_stack_loc(p, s, i)])
		i++;
	return i;
}

/*
 * A walk over a stack's nodes, leaf first, from its start (stack_start) or
 * from its leaf (whole): walk_next gives the next one's name id, UINT32_MAX
 * past the root.
 */
typedef struct node_walk {
	const prof_profile *p;
	const uint32_t *off, *gid;
	size_t base;     /* the stack's first location in the profile's store */
	uint32_t i, len; /* the next location, the store's base + i */
	uint32_t k, end; /* the current location's names left: gid[k..end) */
} node_walk;

static void walk_start(node_walk *w, const snap *sn, uint32_t st, bool whole)
{
	const prof_stack *s = &sn->p->stacks[st];
	*w = (node_walk){.p = sn->p, .base = s->off, .off = sn->loc_gid_off, .gid = sn->loc_gid,
	                 .i = whole ? 0 : stack_start(sn, st), .len = s->len};
}

static inline uint32_t walk_next(node_walk *w)
{
	while (w->k == w->end) {
		if (w->i == w->len)
			return UINT32_MAX;
		uint32_t l = prof_loc_at(w->p, w->base + w->i++);
		w->k = w->off[l];
		w->end = w->off[l + 1];
	}
	return w->gid[w->k++];
}

/*
 * What grouping asks of a stack, found in one walk of its nodes from its
 * start: their names' hash, and the frames worth showing in one line (the
 * leaf past the runtime's, and the program's first after it; UINT32_MAX:
 * none).
 */
typedef struct stack_facts {
	uint64_t hash;
	uint32_t leaf, app;
} stack_facts;

static stack_facts stack_facts_of(const snap *sn, const uint8_t *is_std, uint32_t st)
{
	node_walk w;
	walk_start(&w, sn, st, false);
	stack_facts f = {0x9e3779b97f4a7c15ull, UINT32_MAX, UINT32_MAX};
	for (uint32_t id; (id = walk_next(&w)) != UINT32_MAX;) {
		if (f.leaf == UINT32_MAX)
			f.leaf = id;
		else if (f.app == UINT32_MAX && !is_std[id])
			f.app = id;
		f.hash = (f.hash ^ id) * 0xff51afd7ed558ccdull;
		f.hash ^= f.hash >> 31;
	}
	return f;
}

static uint64_t group_hash(uint64_t nodes, uint32_t created, uint32_t state, bool leaked)
{
	uint64_t h = ((nodes ^ created) * 31 + state) * 2 + leaked;
	return h ^ (h >> 29);
}

static bool same_nodes(const differ *d, uint32_t sa, uint32_t a, uint32_t sb, uint32_t b)
{
	node_walk wa, wb;
	walk_start(&wa, &d->snaps[sa], a, false);
	walk_start(&wb, &d->snaps[sb], b, false);
	for (;;) {
		uint32_t x = walk_next(&wa), y = walk_next(&wb);
		if (x != y)
			return false;
		if (x == UINT32_MAX)
			return true;
	}
}

typedef struct group_key {
	const differ *d;
	uint32_t snap, stack, created, state;
	bool leaked;
	uint8_t part;
} group_key;

static bool group_eq(const void *ctx, uint32_t gi)
{
	const group_key *k = ctx;
	const group *g = &k->d->parts[k->part].groups[gi];
	return g->created == k->created && g->state == k->state && g->leaked == k->leaked &&
	       same_nodes(k->d, g->snap, g->stack, k->snap, k->stack);
}

/* The group of key k (hash h) in its part, made (by sample first) when there is none yet; its index in the part. */
static size_t find_group(differ *d, const group_key *k, uint64_t h, uint32_t first)
{
	group_part *pt = &d->parts[k->part];
	if (pt->n >= 1u << PART_BIT)
		prof_oom();
	uint32_t gi = hashtab_intern(&pt->index, h, (uint32_t)pt->n, group_eq, k);
	if (gi != pt->n)
		return gi;
	GROW(pt->groups, pt->cap, pt->n + 1);
	GROW(pt->vals, pt->valcap, (pt->n + 1) * d->nsnap);
	memset(pt->vals + pt->n * d->nsnap, 0, d->nsnap * sizeof *pt->vals);
	const stack_facts *f = &d->snaps[k->snap].facts[k->stack];
	pt->groups[pt->n] = (group){.snap = (uint16_t)k->snap, .stack = k->stack, .first = first, .created = k->created,
	                            .state = k->state, .leaf = f->leaf, .app = f->app, .part = k->part,
	                            .leaked = k->leaked};
	return pt->n++;
}

/* A string of a snapshot (its shown form) in the shared table. */
static uint32_t shared_name(differ *d, const prof_profile *p, prof_strid id)
{
	const char *s = prof_str(p, id);
	return prof_intern(d->names, s, strlen(s));
}

static const char *group_str(const differ *d, uint32_t id)
{
	return prof_str(d->names, id);
}

/* The value index of p that has the last snapshot's type si (its name), else si. */
static int same_type(const prof_profile *p, const prof_profile *last, int si)
{
	const char *t = prof_str(last, last->sample_types[si].type);
	for (size_t i = 0; i < p->nsample_type; i++)
		if (strcmp(prof_str(p, p->sample_types[i].type), t) == 0)
			return (int)i;
	return si < (int)p->nsample_type ? si : 0;
}

/* Names sn's nodes in d->names and lays them out per location (snap.loc_gid). */
static void snap_names(differ *d, snap *sn)
{
	const graph_index *ix = sn->ix;
	uint32_t *gid = xmalloc(((size_t)ix->ninfo + 1) * sizeof *gid);
	for (uint32_t v = 0; v < ix->ninfo; v++)
		gid[v] = prof_intern(d->names, ix->printable[v], strlen(ix->printable[v]));
	size_t nloc = sn->p->nlocation, total = 0;
	sn->loc_gid_off = xmalloc((nloc + 1) * sizeof *sn->loc_gid_off);
	for (size_t l = 0; l < nloc; l++) {
		sn->loc_gid_off[l] = (uint32_t)total;
		total += ix->loc_n[l];
	}
	sn->loc_gid_off[nloc] = (uint32_t)total;
	sn->loc_gid = xmalloc((total + 1) * sizeof *sn->loc_gid);
	for (size_t l = 0; l < nloc; l++)
		for (uint32_t k = 0; k < ix->loc_n[l]; k++)
			sn->loc_gid[sn->loc_gid_off[l] + k] = gid[ix->loc_nodes[ix->loc_off[l] + k]];
	free(gid);
}

/*
 * The snapshots ps[0..n), checked as prof_merge checks them and filtered
 * each in place, with their node indexes; si is the last one's value.
 */
static bool open_snaps(differ *d, prof_profile **ps, size_t n, int si, const report_opts *o, prof_err *err)
{
	for (size_t k = 0; k + 1 < n; k++)
		if (!prof_merge_check(ps[n - 1], ps[k], err))
			return false;
	d->names = prof_profile_new();
	d->nsnap = n;
	d->snaps = xcalloc(n + 1, sizeof *d->snaps);
	for (size_t k = 0; k < n; k++) {
		snap *sn = &d->snaps[k];
		sn->p = ps[k];
		if (!prof_apply_filters(sn->p, &o->filters, NULL, err))
			return false;
		sn->si = same_type(sn->p, ps[n - 1], si);
		sn->ix = graph_index_new(sn->p, o->granularity, o->noinlines, o->showcolumns);
		sn->skip = xmalloc(sn->p->nlocation + 1);
		for (uint32_t l = 0; l < sn->p->nlocation; l++)
			sn->skip[l] = location_skipped(sn->p, l);
		snap_names(d, sn);
	}
	d->is_std = xmalloc(d->names->strs.n + 1);
	for (size_t i = 0; i < d->names->strs.n; i++)
		d->is_std[i] = goname_is_std(group_str(d, (uint32_t)i));
	return true;
}

/* Stacks [from, to) of a snapshot: their facts. */
typedef struct facts_job {
	const differ *d;
	snap *sn;
	size_t from, to;
} facts_job;

static void *facts_run(void *arg)
{
	const facts_job *j = arg;
	for (size_t st = j->from; st < j->to; st++)
		j->sn->facts[st] = stack_facts_of(j->sn, j->d->is_std, (uint32_t)st);
	return NULL;
}

/* Snapshot sn's stack facts, into its facts; each half on a thread with two parts. */
static void find_stack_facts(const differ *d, snap *sn)
{
	size_t n = sn->p->nstack;
	facts_job a = {d, sn, 0, n / 2}, b = {d, sn, n / 2, n};
	prof_run_pair(facts_run, &a, &b, d->nparts == 2);
}

/* The label keys collect reads, as string ids of one snapshot, and its creators and states in differ.names. */
typedef struct label_keys {
	prof_strid created, state, wait, leaked, true_val;
	bool leak_profile; /* every goroutine of a goroutine leak profile is one the GC proved leaked */
	uint32_t *shared;  /* per string of the snapshot: its id in differ.names when a creator or state is one, else 0 */
} label_keys;

/* Snapshot k's label keys; its creators and states named in differ.names here, so the grouping threads only read. */
static void label_keys_init(differ *d, size_t k, label_keys *lk)
{
	prof_profile *p = d->snaps[k].p;
	*lk = (label_keys){prof_intern(p, "created_by", 10), prof_intern(p, "state", 5), prof_intern(p, "wait_minutes", 12),
	                   prof_intern(p, "leaked", 6), prof_intern(p, "true", 4),
	                   strcmp(prof_str(p, p->sample_types[d->snaps[k].si].type), "goroutineleak") == 0, NULL};
	lk->shared = xcalloc(p->strs.n + 1, sizeof *lk->shared);
	for (size_t i = 0; i < p->nlabel; i++) {
		const prof_label *l = &p->labels[i];
		if ((l->key == lk->created || l->key == lk->state) && l->str && !lk->shared[l->str])
			lk->shared[l->str] = shared_name(d, p, l->str);
	}
}

/* A sample's group key with its hash, value and longest wait, found before its group is looked up. */
typedef struct pending {
	group_key key;
	uint64_t hash;
	int64_t wait;
	uint32_t sample;
} pending;

static void sample_key(const differ *d, size_t k, const label_keys *lk, size_t i, pending *q)
{
	const snap *sn = &d->snaps[k];
	const prof_profile *p = sn->p;
	const prof_sample *s = &p->samples[i];
	q->key = (group_key){.d = d, .snap = (uint32_t)k, .stack = s->stack, .leaked = lk->leak_profile};
	q->wait = 0;
	q->sample = (uint32_t)i;
	for (uint32_t j = 0; j < s->nlabel; j++) {
		const prof_label *l = &p->labels[s->label_off + j];
		if (l->key == lk->created && l->str)
			q->key.created = lk->shared[l->str];
		else if (l->key == lk->state && l->str)
			q->key.state = lk->shared[l->str];
		else if (l->key == lk->wait && !l->str)
			q->wait = l->num;
		else if (l->key == lk->leaked && l->str == lk->true_val)
			q->key.leaked = true;
	}
	q->hash = group_hash(sn->facts[s->stack].hash, q->key.created, q->key.state, q->key.leaked);
}

/* The part a group of hash h is made in. */
static inline unsigned hash_part(uint64_t h, unsigned nparts)
{
	return nparts == 1 ? 0 : (unsigned)((h * 0x9e3779b97f4a7c15ull) >> 63);
}

enum { AHEAD = 8 }; /* samples whose keys are made (and table slots fetched) before their group is found */

/* Snapshot k's samples of groups of one part into them, in sample order. */
static void collect_part(differ *d, size_t k, const label_keys *lk, unsigned part)
{
	group_part *pt = &d->parts[part];
	const prof_profile *p = d->snaps[k].p;
	size_t n = p->nsample, si = (size_t)d->snaps[k].si;
	/* The index is far larger than the cache: each look-up's slot is asked for AHEAD samples early. */
	pending ring[AHEAD];
	size_t head = 0, tail = 0;
	for (size_t i = 0;;) {
		while (head - tail < AHEAD && i < n) {
			pending *q = &ring[head % AHEAD];
			sample_key(d, k, lk, i++, q);
			if (hash_part(q->hash, d->nparts) != part)
				continue;
			q->key.part = (uint8_t)part;
			__builtin_prefetch(hashtab_first_slot(&pt->index, q->hash));
			head++;
		}
		if (head == tail)
			break;
		const pending *q = &ring[tail++ % AHEAD];
		size_t gi = find_group(d, &q->key, q->hash, q->sample);
		int64_t v = prof_value(p, q->sample, si);
		pt->vals[gi * d->nsnap + k] += v;
		pt->totals[k] += v;
		group *g = &pt->groups[gi];
		if (q->wait > g->wait_max)
			g->wait_max = q->wait > INT32_MAX ? INT32_MAX : (int32_t)q->wait;
	}
}

typedef struct part_job {
	differ *d;
	size_t k;
	const label_keys *lk;
	unsigned part;
} part_job;

static void *collect_part_run(void *arg)
{
	const part_job *j = arg;
	collect_part(j->d, j->k, j->lk, j->part);
	return NULL;
}

/*
 * Snapshot k's samples into the groups (by stack, state and creator), one
 * value per snapshot; each part on a thread. facts: room for its stacks'
 * facts, which every snapshot's take in turn (fresh memory costs here).
 */
static void collect_snap(differ *d, size_t k, stack_facts *facts)
{
	snap *sn = &d->snaps[k];
	sn->facts = facts;
	find_stack_facts(d, sn);
	label_keys lk;
	label_keys_init(d, k, &lk);
	part_job a = {d, k, &lk, 0}, b = {d, k, &lk, 1};
	prof_run_pair(collect_part_run, &a, d->nparts == 2 ? &b : NULL, true);
	free(lk.shared);
	sn->facts = NULL;
	/* Grouped: the snapshot's samples are never read again, and the next snapshot's groups take their room. */
	prof_drop_samples(sn->p);
}

/* Groups [from, to): each one's delta added to each name on its stack, once per group, in fdelta. */
typedef struct fdelta_job {
	const differ *d;
	size_t from, to;
	int64_t *fdelta;
} fdelta_job;

/*
 * A name is counted once per group by marking it with the group's number +
 * 1 (seen). Groups are walked in the order they were made, which is about
 * the order of the stacks in memory.
 */
static void *fdelta_run(void *arg)
{
	fdelta_job *j = arg;
	const differ *d = j->d;
	uint32_t *seen = xcalloc(d->names->strs.n + 1, sizeof *seen);
	for (size_t i = j->from; i < j->to; i++) {
		const group *g = group_at_ref(d, group_ref_of(d, i));
		int64_t add = group_cur(d, g) - group_base(d, g);
		if (!add)
			continue; /* a summand of 0 */
		node_walk w;
		walk_start(&w, &d->snaps[g->snap], g->stack, true);
		for (uint32_t id; (id = walk_next(&w)) != UINT32_MAX;)
			if (seen[id] != (uint32_t)i + 1) {
				seen[id] = (uint32_t)i + 1;
				j->fdelta[id] += add;
			}
	}
	free(seen);
	return NULL;
}

/* The function summary's deltas (differ.fdelta): the second half of the groups on a thread when they are many. */
static void function_deltas(differ *d)
{
	size_t nn = d->names->strs.n, mid = d->ngroup / 2;
	d->fdelta = xcalloc(nn + 1, sizeof *d->fdelta);
	d->nfdelta = nn;
	fdelta_job a = {d, 0, mid, d->fdelta}, b = {d, mid, d->ngroup, xcalloc(nn + 1, sizeof *d->fdelta)};
	prof_run_pair(fdelta_run, &a, &b, prof_two_cores(d->ngroup, TWO_THREADS));
	for (size_t i = 0; i < nn; i++)
		d->fdelta[i] += b.fdelta[i];
	free(b.fdelta);
}

/*
 * Groups every snapshot's samples. The last snapshot's come first, then the
 * others' in order: the order pprof's merge into the last one gives them,
 * which ties in the sorted rows follow.
 */
static void collect(differ *d)
{
	d->totals = xcalloc(d->nsnap + 1, sizeof *d->totals);
	/*
	 * At least as many groups as the largest snapshot has stacks, in the
	 * usual case: no regrowth on the way. The index is made for as many as
	 * all snapshots have: it would be rebuilt once they share fewer than
	 * half their stacks, which is when it is largest.
	 */
	size_t guess = 0, all = 0;
	for (size_t k = 0; k < d->nsnap; k++) {
		if (d->snaps[k].p->nstack > guess)
			guess = d->snaps[k].p->nstack;
		all += d->snaps[k].p->nstack;
	}
	d->nparts = prof_two_cores(all, TWO_THREADS) ? 2 : 1;
	for (unsigned part = 0; part < d->nparts; part++) {
		group_part *pt = &d->parts[part];
		hashtab_reserve(&pt->index, all / d->nparts);
		GROW(pt->groups, pt->cap, guess / d->nparts + 1);
		GROW(pt->vals, pt->valcap, (guess / d->nparts + 1) * d->nsnap);
		pt->totals = xcalloc(d->nsnap + 1, sizeof *pt->totals);
	}
	stack_facts *facts = xmalloc((guess + 1) * sizeof *facts);
	collect_snap(d, d->nsnap - 1, facts);
	for (size_t k = 0; k + 1 < d->nsnap; k++)
		collect_snap(d, k, facts);
	free(facts);
	for (unsigned part = 0; part < d->nparts; part++) {
		group_part *pt = &d->parts[part];
		hashtab_free(&pt->index); /* groups are all made: room for the print order */
		d->ngroup += pt->n;
		for (size_t k = 0; k < d->nsnap; k++)
			d->totals[k] += pt->totals[k];
	}
}

static void differ_free(differ *d)
{
	for (unsigned part = 0; part < 2; part++) {
		free(d->parts[part].groups);
		free(d->parts[part].vals);
		free(d->parts[part].totals);
		hashtab_free(&d->parts[part].index);
	}
	free(d->totals);
	for (size_t k = 0; k < d->nsnap && d->snaps; k++) {
		graph_index_free(d->snaps[k].ix);
		free(d->snaps[k].loc_gid_off);
		free(d->snaps[k].loc_gid);
		free(d->snaps[k].skip);
	}
	free(d->snaps);
	free(d->is_std);
	free(d->fdelta);
	prof_profile_free(d->names);
}

static int64_t abs64v(int64_t v)
{
	return v < 0 ? -v : v;
}

/* Whether a group's values v[0..n) differ. */
static bool group_changed(const int64_t *v, size_t n)
{
	for (size_t k = 1; k < n; k++)
		if (v[k] != v[0])
			return true;
	return false;
}

/* Where a group's snapshot comes in collect's order: the last one first, then the others in order. */
static inline uint64_t snap_rank(const differ *d, const group *g)
{
	return (size_t)g->snap + 1 == d->nsnap ? 0u : g->snap + 1u;
}

/*
 * A group's place in a report's order, as a key compared without touching
 * the group: bit 63 of lo first (clear before set: the runtime's leaked
 * verdict), then hi and mid (larger first), then lo (smaller first), then
 * the group's first sample, so keys are unique and any sort gives one order.
 * Within a snapshot groups are made in the order of their first samples,
 * and the snapshots' groups in the order of their rank (snap_rank), so
 * the last two follow the order in which they were made.
 */
typedef struct group_order {
	int64_t hi, mid;
	uint64_t lo;
	uint32_t first; /* the group's first sample: with the rank of its snapshot in lo, the order of making */
	uint32_t id;    /* its reference (PART_BIT) */
} group_order;

/*
 * diff's order: leaked first, then the largest growth, then the largest
 * current value, then the last snapshot's groups first and by stack.
 */
static group_order diff_key(const differ *d, uint32_t ref)
{
	const group *g = group_at_ref(d, ref);
	int64_t cur = group_cur(d, g);
	return (group_order){cur - group_base(d, g), abs64v(cur),
	                     (uint64_t)!g->leaked << 63 | snap_rank(d, g) << 32 | g->stack, g->first, ref};
}

static inline bool order_before(const group_order *l, const group_order *r)
{
	if ((l->lo >> 63) != (r->lo >> 63))
		return !(l->lo >> 63);
	if (l->hi != r->hi)
		return l->hi > r->hi;
	if (l->mid != r->mid)
		return l->mid > r->mid;
	if (l->lo != r->lo)
		return l->lo < r->lo;
	if (l->first != r->first)
		return l->first < r->first;
	return l->id < r->id;
}

static inline void swap_orders(group_order *a, group_order *b)
{
	group_order t = *a;
	*a = *b;
	*b = t;
}

/* Heapsort of k[0..n): sort_orders' way out when a partition goes badly. */
static void heap_orders(group_order *k, size_t n)
{
	for (size_t end = n, start = n / 2; end > 1;) {
		size_t root;
		if (start > 0)
			root = --start;
		else {
			swap_orders(&k[0], &k[--end]);
			root = 0;
		}
		for (size_t child; (child = 2 * root + 1) < end; root = child) {
			if (child + 1 < end && order_before(&k[child], &k[child + 1]))
				child++;
			if (!order_before(&k[root], &k[child]))
				break;
			swap_orders(&k[root], &k[child]);
		}
	}
}

/*
 * Hoare's partition of k[0..n) around pivot, a value k holds: afterwards
 * k[0..left) <= pivot <= k[left..n); returns left, 1 <= left < n.
 */
static size_t split_orders(group_order *k, size_t n, group_order pivot)
{
	size_t i = 0, j = n - 1;
	for (;;) {
		while (order_before(&k[i], &pivot))
			i++;
		while (order_before(&pivot, &k[j]))
			j--;
		if (i >= j)
			return j + 1;
		swap_orders(&k[i++], &k[j--]);
	}
}

/*
 * Sorts k[0..n) by order_before in place (an introsort: quicksort on the
 * median of three, heapsort past a depth, insertion sort on short runs),
 * with the compare inlined: a million groups are common, qsort's calls
 * through a pointer were most of the time, and a merge sort's scratch copy
 * is fresh memory, which costs here. Keys are unique, so stability is moot.
 */
static void sort_orders(group_order *k, size_t n, unsigned depth)
{
	while (n > 16) {
		if (depth-- == 0) {
			heap_orders(k, n);
			return;
		}
		size_t mid = n / 2;
		if (order_before(&k[mid], &k[0]))
			swap_orders(&k[mid], &k[0]);
		if (order_before(&k[n - 1], &k[0]))
			swap_orders(&k[n - 1], &k[0]);
		if (order_before(&k[n - 1], &k[mid]))
			swap_orders(&k[n - 1], &k[mid]);
		size_t left = split_orders(k, n, k[mid]);
		/* Recurse on the smaller side, loop on the other. */
		if (left < n - left) {
			sort_orders(k, left, depth);
			k += left;
			n -= left;
		} else {
			sort_orders(k + left, n - left, depth);
			n = left;
		}
	}
	for (size_t i = 1; i < n; i++) {
		group_order x = k[i];
		size_t j = i;
		for (; j > 0 && order_before(&x, &k[j - 1]); j--)
			k[j] = k[j - 1];
		k[j] = x;
	}
}

/* Names are printed as they are, but never with control bytes (file names are not escaped). */
static void put_name(FILE *out, const char *s)
{
	static const char controls[] = "\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10"
	                               "\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f";
	const unsigned char *c = (const unsigned char *)s;
	while (*c >= 0x20 && *c != 0x7f)
		c++;
	if (!*c) { /* the usual case: a name already under the name policy */
		fputs(s, out);
		return;
	}
	while (*s) {
		size_t n = strcspn(s, controls);
		fwrite(s, 1, n, out);
		s += n;
		if (*s) {
			fputc('?', out);
			s++;
		}
	}
}

/* The function summary's sort keys. */
typedef struct function_order {
	const int64_t *delta;
	const char *const *names;
} function_order;

static int function_cmp(const void *a, const void *b, void *ctx)
{
	uint32_t l = *(const uint32_t *)a, r = *(const uint32_t *)b;
	const function_order *o = ctx;
	if (o->delta[l] != o->delta[r])
		return o->delta[l] > o->delta[r] ? -1 : 1;
	return strcmp(o->names[l], o->names[r]);
}

/*
 * The change in percent as "%+.0f%%" prints it, without printf's float
 * formatting for the usual sizes (a diff prints a million of them):
 * nearbyint rounds as printf does, to nearest with ties to even.
 */
static void format_change(char *buf, size_t n, int64_t base, int64_t cur)
{
	const char *word = base == 0 ? cur == 0 ? "0%" : "new" : cur == 0 ? "gone" : NULL;
	if (word) {
		size_t l = strlen(word);
		if (l < n)
			memcpy(buf, word, l + 1);
		else
			snprintf(buf, n, "%s", word);
		return;
	}
	double pct = ((double)cur - (double)base) * 100.0 / (double)abs64v(base), r = nearbyint(pct);
	if (!(fabs(r) < 1e15) || n < 24) {
		snprintf(buf, n, "%+.0f%%", pct);
		return;
	}
	char d[24];
	size_t l = 0;
	for (uint64_t u = (uint64_t)fabs(r); l == 0 || u; u /= 10)
		d[l++] = (char)('0' + u % 10);
	*buf++ = signbit(r) ? '-' : '+';
	while (l)
		*buf++ = d[--l];
	memcpy(buf, "%", 2);
}

/* Values with a sign, in the value's unit: "+12", "-1.50MB". */
static void format_delta(char *buf, size_t n, int64_t v, const char *unit)
{
	char t[64];
	fmt_scaled_label(t, sizeof t, v < 0 ? -v : v, unit, "minimum");
	size_t l = strlen(t);
	if (l + 2 > n) {
		snprintf(buf, n, "%s%s", v < 0 ? "-" : v > 0 ? "+" : "", t);
		return;
	}
	if (v)
		*buf++ = v < 0 ? '-' : '+';
	memcpy(buf, t, l + 1);
}

/* ---- trend's per-group figures ---- */

static const char *const spark[] = {"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
                                    "\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"};

/* States in which a goroutine can never run again. */
static bool stuck_forever(const char *state)
{
	return strstr(state, "(nil chan)") || strcmp(state, "select (no cases)") == 0 || strstr(state, "(leaked)");
}

/*
 * The leak-suspect score of a stack, from 0 up (documented in the README):
 *   +3 if it grew at every step, +2 x the share of steps where it grew,
 *   +2 x its growth relative to the fastest-growing stack,
 *   +1 x its goroutines' age (longest wait / 60 minutes, at most 1),
 *   +2 if its state can never change (nil channel, select {}, leaked),
 *   -4 if it fell back below its peak (memory that is freed is not a leak).
 * Stacks that did not grow overall score 0 and are not suspects.
 */
static double leak_score(const differ *d, const group *g, int64_t max_growth, bool *grew_always)
{
	const int64_t *v = group_vals(d, g);
	size_t up = 0;
	int64_t peak = v[0];
	for (size_t k = 1; k < d->nsnap; k++) {
		up += v[k] > v[k - 1];
		if (v[k] > peak)
			peak = v[k];
	}
	*grew_always = d->nsnap > 1 && up == d->nsnap - 1;
	int64_t growth = v[d->nsnap - 1] - v[0];
	if (growth <= 0)
		return 0;
	double score = (*grew_always ? 3 : 0) + 2.0 * (double)up / (double)(d->nsnap - 1);
	score += max_growth > 0 ? 2.0 * (double)growth / (double)max_growth : 0;
	score += g->wait_max >= 60 ? 1.0 : (double)g->wait_max / 60.0;
	if (g->state && stuck_forever(group_str(d, g->state)))
		score += 2;
	if (v[d->nsnap - 1] < peak)
		score -= 4;
	return score < 0 ? 0 : score;
}

/* Least-squares slope of values against minutes (or steps when times are missing). */
static double slope(const int64_t *v, const double *x, size_t n)
{
	double mx = 0, my = 0;
	for (size_t k = 0; k < n; k++) {
		mx += x[k];
		my += (double)v[k];
	}
	mx /= (double)n;
	my /= (double)n;
	double num = 0, den = 0;
	for (size_t k = 0; k < n; k++) {
		num += (x[k] - mx) * ((double)v[k] - my);
		den += (x[k] - mx) * (x[k] - mx);
	}
	return den > 0 ? num / den : 0;
}

/* ---- the comparison as data ---- */

struct report_cmp {
	differ d;
	uint32_t *order; /* the groups' references (PART_BIT) in print order */
	size_t nrows;    /* in order: every group, or those that changed or leaked (cmp_new) */
	/* trend (NULL for diff): snapshot k's time in minutes or steps */
	double *x;
	int64_t max_growth; /* the largest growth of one group (trend's scores, diff's exit) */
};

static const group *row_group(const report_cmp *c, size_t i)
{
	return group_at_ref(&c->d, c->order[i]);
}

/*
 * Rows are in print order, their groups and values spread over memory: a
 * printer at row i asks for the group of row i + 2 * ROW_AHEAD and the
 * values of row i + ROW_AHEAD, whose group it asked for before (NULL past
 * the end). The printer prefetches itself: GCC drops the calls of a
 * function that only prefetches.
 */
enum { ROW_AHEAD = 8 };

static inline const group *group_ahead(const report_cmp *c, size_t i, size_t to)
{
	return i + 2 * ROW_AHEAD < to ? row_group(c, i + 2 * ROW_AHEAD) : NULL;
}

static inline const int64_t *vals_ahead(const report_cmp *c, size_t i, size_t to)
{
	return i + ROW_AHEAD < to ? group_vals(&c->d, row_group(c, i + ROW_AHEAD)) : NULL;
}

/* Row i's leak-suspect score (trend). */
static double row_score(const report_cmp *c, size_t i)
{
	bool grew_always;
	return leak_score(&c->d, row_group(c, i), c->max_growth, &grew_always);
}

/* One side of a split sort. */
typedef struct sort_job {
	group_order *k;
	size_t n;
	unsigned depth;
} sort_job;

static void *sort_run(void *arg)
{
	sort_job *j = arg;
	sort_orders(j->k, j->n, j->depth);
	return NULL;
}

enum { PIVOT_SAMPLES = 63 };

/*
 * Sorts k[0..n) on two threads: one split around the median of keys
 * spread over the array (so the sides are about equal), then a side each.
 * Keys are unique: the order is the one sort_orders alone gives.
 */
static bool sort_orders_two(group_order *k, size_t n, unsigned depth)
{
	if (n < PIVOT_SAMPLES)
		return false;
	group_order s[PIVOT_SAMPLES];
	for (size_t i = 0; i < PIVOT_SAMPLES; i++)
		s[i] = k[i * (n / PIVOT_SAMPLES)];
	sort_orders(s, PIVOT_SAMPLES, depth);
	size_t left = split_orders(k, n, s[PIVOT_SAMPLES / 2]);
	sort_job a = {k, left, depth}, b = {k + left, n - left, depth};
	prof_run_pair(sort_run, &a, &b, true); /* the sides in turn sort as well */
	return true;
}

/* The print order from the groups' keys (freed), sorted apart from the groups, which stay where their values are. */
static void sort_groups(report_cmp *c, group_order *keys, size_t n)
{
	unsigned depth = 2;
	for (size_t m = n; m > 1; m >>= 1)
		depth += 2;
	if (!prof_two_cores(n, TWO_THREADS) || !sort_orders_two(keys, n, depth))
		sort_orders(keys, n, depth);
	c->order = xmalloc((n + 1) * sizeof *c->order);
	for (size_t i = 0; i < n; i++)
		c->order[i] = keys[i].id;
	c->nrows = n;
	free(keys);
}

/* diff's rows and their order; only the groups that changed or leaked with changed_only. */
static void diff_order(report_cmp *c, bool changed_only)
{
	const differ *d = &c->d;
	group_order *keys = xmalloc((d->ngroup + 1) * sizeof *keys);
	size_t n = 0;
	c->max_growth = 0;
	for (size_t g = 0; g < d->ngroup; g++) {
		keys[n] = diff_key(d, group_ref_of(d, g));
		if (keys[n].hi > c->max_growth)
			c->max_growth = keys[n].hi;
		n += !changed_only || keys[n].hi || !(keys[n].lo >> 63);
	}
	sort_groups(c, keys, n);
}

/*
 * Trend's figures per group and their order: by score, with times x
 * (minutes or steps); only the groups that changed or leaked with
 * changed_only.
 */
static void trend_rows(report_cmp *c, const double *x, bool changed_only)
{
	differ *d = &c->d;
	size_t n = d->nsnap;
	c->x = xdup_array(x, n, sizeof *x);
	c->max_growth = 0;
	for (size_t g = 0; g < d->ngroup; g++) {
		const group *gr = group_at_ref(d, group_ref_of(d, g));
		if (group_cur(d, gr) - group_base(d, gr) > c->max_growth)
			c->max_growth = group_cur(d, gr) - group_base(d, gr);
	}
	/* A row's other figures are made when it is asked for: only the score is needed to order them. */
	group_order *keys = xmalloc((d->ngroup + 1) * sizeof *keys);
	size_t nkey = 0;
	for (size_t g = 0; g < d->ngroup; g++) {
		uint32_t ref = group_ref_of(d, g);
		const group *gr = group_at_ref(d, ref);
		const int64_t *v = group_vals(d, gr);
		if (changed_only && !gr->leaked && !group_changed(v, n))
			continue;
		bool grew_always;
		double score = leak_score(d, gr, c->max_growth, &grew_always);
		/* Leaked first, then the score (never negative: its bits order as the value), then the growth, then as made. */
		int64_t score_bits;
		memcpy(&score_bits, &score, sizeof score_bits);
		keys[nkey++] = (group_order){score_bits, v[n - 1] - v[0],
		                             (uint64_t)!gr->leaked << 63 | snap_rank(d, gr) << 32, gr->first, ref};
	}
	sort_groups(c, keys, nkey);
}

/*
 * report_cmp_new, with the rows of the groups that changed or leaked only
 * when changed_only: the rows a report without -all shows, and in the same
 * order, as they are ordered apart from the others.
 */
static report_cmp *cmp_new(prof_profile **ps, size_t n, int si, const double *x, const report_opts *o,
                           bool changed_only, prof_err *err)
{
	report_cmp *c = xcalloc(1, sizeof *c);
	if (!open_snaps(&c->d, ps, n, si, o, err)) {
		report_cmp_free(c);
		return NULL;
	}
	collect(&c->d);
	if (x)
		trend_rows(c, x, changed_only);
	else {
		function_deltas(&c->d);
		diff_order(c, changed_only);
	}
	return c;
}

report_cmp *report_cmp_new(prof_profile **ps, size_t n, int si, const double *x, const report_opts *o,
                           prof_err *err)
{
	return cmp_new(ps, n, si, x, o, false, err);
}

void report_cmp_free(report_cmp *c)
{
	if (!c)
		return;
	free(c->x);
	free(c->order);
	differ_free(&c->d);
	free(c);
}

size_t report_cmp_size(const report_cmp *c)
{
	return c->nrows;
}

int64_t report_cmp_total(const report_cmp *c, size_t k)
{
	return c->d.totals[k];
}

const char *report_cmp_name(const report_cmp *c, uint32_t id)
{
	return group_str(&c->d, id);
}

size_t report_cmp_nnames(const report_cmp *c)
{
	return c->d.names->strs.n;
}

void report_cmp_frames(const report_cmp *c, size_t i, report_cmp_frame_fn fn, void *ctx)
{
	const group *g = row_group(c, i);
	node_walk w;
	walk_start(&w, &c->d.snaps[g->snap], g->stack, true);
	for (uint32_t id; (id = walk_next(&w)) != UINT32_MAX;)
		fn(ctx, group_str(&c->d, id), id);
}

void report_cmp_row_at(const report_cmp *c, size_t i, report_cmp_row *row)
{
	const group *g = row_group(c, i);
	memset(row, 0, sizeof *row);
	row->values = group_vals(&c->d, g);
	row->base = group_base(&c->d, g);
	row->cur = group_cur(&c->d, g);
	row->leaked = g->leaked;
	row->state = g->state ? group_str(&c->d, g->state) : NULL;
	row->stuck = row->state && stuck_forever(row->state);
	row->created = g->created ? group_str(&c->d, g->created) : NULL;
	row->wait_max = g->wait_max;
	row->leaf = g->leaf == UINT32_MAX ? NULL : group_str(&c->d, g->leaf);
	row->app = g->app == UINT32_MAX ? NULL : group_str(&c->d, g->app);
	row->first_seen = -1;
	if (c->x) {
		const int64_t *v = row->values;
		size_t n = c->d.nsnap;
		row->score = leak_score(&c->d, g, c->max_growth, &row->grew_always);
		for (size_t k = 0; k < n && row->first_seen < 0; k++)
			if (v[k])
				row->first_seen = (int64_t)k;
		row->slope = slope(v, c->x, n);
	}
}

size_t report_cmp_functions(const report_cmp *c, uint32_t **ids, int64_t **delta)
{
	size_t nn = report_cmp_nnames(c);
	int64_t *fdelta = xcalloc(nn + 1, sizeof *fdelta);
	/* Names interned after the summary (labels) have no delta. */
	for (size_t i = 0; i < nn && i < c->d.nfdelta; i++)
		fdelta[i] = c->d.fdelta[i];
	uint32_t *order = xmalloc((nn + 1) * sizeof *order);
	size_t norder = 0;
	for (uint32_t n = 0; n < nn; n++)
		if (fdelta[n])
			order[norder++] = n;
	/* Largest growth first; names break ties. */
	function_order fo = {fdelta, (const char *const *)c->d.names->strs.shown};
	sort_r(order, norder, sizeof *order, function_cmp, &fo);
	*ids = order;
	*delta = fdelta;
	return norder;
}

/* ---- rows printed on two threads ---- */

/* Prints rows [from, to) of a report to out; how many showed. */
typedef size_t (*rows_fn)(FILE *out, void *ctx, size_t from, size_t to);

/*
 * The second printer: in each round it prints its range into a buffer of
 * its own, which the first one writes out after its range. The buffer is
 * the same in every round, as fresh memory costs page faults (a stream of
 * open_memstream grows a new one each time): a range that does not fit is
 * printed again by the first printer, and the buffer doubles.
 */
#define ROW_BUF_MIN ((size_t)32 << 20) /* bytes; only those written are touched */
#define ROW_BUF_MAX ((size_t)256 << 20)

typedef struct row_helper {
	rows_fn fn;
	void *ctx;
	size_t from, to, shown;
	char *buf;
	size_t cap, len;
	bool failed; /* no room in the buffer: the first printer prints the range again */
	prof_helper helper;
} row_helper;

/* The helper's round: rows [from, to) into its buffer. */
static void row_round(void *arg)
{
	row_helper *h = arg;
	FILE *f = fmemopen(h->buf, h->cap, "w");
	h->failed = !f;
	if (f) {
		h->shown = h->fn(f, h->ctx, h->from, h->to);
		long len = fflush(f) == 0 && !ferror(f) ? ftell(f) : -1;
		h->failed = fclose(f) != 0 || len < 0;
		h->len = len < 0 ? 0 : (size_t)len;
	}
	if (h->failed && h->cap < ROW_BUF_MAX) {
		free(h->buf);
		h->cap *= 2;
		h->buf = xmalloc(h->cap);
	}
}

#define ROW_CHUNK 8192 /* rows a printer formats at a time */

/* Rows [0, n) in chunks, every other one formatted by a helper thread; false when no thread starts. */
static bool print_rows_two(FILE *out, size_t n, rows_fn fn, void *ctx, size_t *shown)
{
	row_helper h = {.fn = fn, .ctx = ctx};
	if (!prof_helper_start(&h.helper, row_round, &h))
		return false;
	h.buf = xmalloc(ROW_BUF_MIN);
	h.cap = ROW_BUF_MIN;
	for (size_t i = 0; i < n; i += 2 * ROW_CHUNK) {
		size_t mid = i + ROW_CHUNK < n ? i + ROW_CHUNK : n, end = mid + ROW_CHUNK < n ? mid + ROW_CHUNK : n;
		h.from = mid;
		h.to = end;
		prof_helper_ask(&h.helper);
		*shown += fn(out, ctx, i, mid);
		prof_helper_wait(&h.helper);
		if (h.failed)
			*shown += fn(out, ctx, mid, end);
		else {
			fwrite(h.buf, 1, h.len, out);
			*shown += h.shown;
		}
	}
	prof_helper_stop(&h.helper);
	free(h.buf);
	return true;
}

/* Rows [0, n) in order, formatted on two threads when they are many; how many showed. */
static size_t print_rows(FILE *out, size_t n, rows_fn fn, void *ctx)
{
	size_t shown = 0;
	if (!prof_two_cores(n, TWO_THREADS) || !print_rows_two(out, n, fn, ctx, &shown))
		shown = fn(out, ctx, 0, n);
	return shown;
}

/* ---- the printers ---- */

/* What a diff or trend row needs beside its group. */
typedef struct cmp_rows {
	const report_cmp *cmp;
	const diff_opts *dopt;
	const char *unit;
} cmp_rows;

typedef struct frame_printer {
	FILE *out;
	bool first;
} frame_printer;

static void print_frame(void *ctx, const char *name, uint32_t id)
{
	(void)id;
	frame_printer *fp = ctx;
	fputs(fp->first ? "" : "\n                                         ", fp->out);
	fp->first = false;
	put_name(fp->out, name);
}

/* A group's stack in one line (leaf, first frame of the program, creator), or all its frames. */
static void print_compact(FILE *out, const report_cmp *c, size_t i, const report_cmp_row *row, bool verbose)
{
	if (verbose) {
		frame_printer fp = {out, true};
		report_cmp_frames(c, i, print_frame, &fp);
	} else {
		if (row->leaked)
			fputs("LEAKED ", out);
		if (row->state) {
			fputc('[', out);
			put_name(out, row->state);
			fputs("] ", out);
		}
		put_name(out, row->leaf ? row->leaf : "<no stack>");
		if (row->app) {
			fputs(" <- ", out);
			put_name(out, row->app);
		}
	}
	if (row->created) {
		fputs(verbose ? "\n                                         created by " : "  (created by ", out);
		put_name(out, row->created);
		if (!verbose)
			fputc(')', out);
	}
	fputc('\n', out);
}

/* s right-aligned in width columns (bytes: the figures are ASCII) at w, as "%*s" puts it; past its end. */
static char *pad_left(char *w, const char *s, size_t width)
{
	size_t l = strlen(s);
	for (; l < width; width--)
		*w++ = ' ';
	memcpy(w, s, l);
	return w + l;
}


/* Rows [from, to) of the order that show (they changed, or -all, or leaked), at most limit of them (0: all); how many. */
static size_t print_diff_rows(FILE *out, const cmp_rows *r, size_t from, size_t to, size_t limit)
{
	const report_cmp *cmp = r->cmp;
	const char *red = r->dopt->color ? "\033[31m" : "", *green = r->dopt->color ? "\033[32m" : "";
	const char *reset = r->dopt->color ? "\033[0m" : "";
	size_t shown = 0;
	for (size_t i = from; i < to && (!limit || shown < limit); i++) {
		/* The group decides whether the row shows; only a shown row is made (its frames walked). */
		__builtin_prefetch(group_ahead(cmp, i, to));
		__builtin_prefetch(vals_ahead(cmp, i, to));
		const group *g = row_group(cmp, i);
		int64_t delta = group_cur(&cmp->d, g) - group_base(&cmp->d, g);
		if (delta == 0 && !r->dopt->all && !g->leaked)
			continue;
		shown++;
		report_cmp_row row;
		report_cmp_row_at(cmp, i, &row);
		char a[80], b[80], c[96], e[48], line[340];
		fmt_scaled_label(a, sizeof a, row.base, r->unit, "minimum");
		fmt_scaled_label(b, sizeof b, row.cur, r->unit, "minimum");
		format_delta(c, sizeof c, delta, r->unit);
		format_change(e, sizeof e, row.base, row.cur);
		/* "%10s %10s %s%10s%s %8s  " */
		char *w = pad_left(line, a, 10);
		*w++ = ' ';
		w = pad_left(w, b, 10);
		*w++ = ' ';
		w = pad_left(w, delta > 0 ? red : delta < 0 ? green : "", 0);
		w = pad_left(w, c, 10);
		w = pad_left(w, reset, 0);
		*w++ = ' ';
		w = pad_left(w, e, 8);
		memcpy(w, "  ", 2);
		fwrite(line, 1, (size_t)(w + 2 - line), out);
		print_compact(out, cmp, i, &row, r->dopt->verbose);
	}
	return shown;
}

static size_t print_diff_range(FILE *out, void *ctx, size_t from, size_t to)
{
	return print_diff_rows(out, ctx, from, to, 0);
}

bool report_diff(FILE *out, prof_profile *base, prof_profile *cur, const char *base_name, const char *cur_name,
                 const report_opts *o, const diff_opts *dopt, int64_t *max_growth, prof_err *err)
{
	int si = prof_sample_index(cur, o->sample_index, err);
	if (si < 0)
		return false;
	if (base->nsample_type != cur->nsample_type)
		return prof_errf(err, "%s and %s are different kinds of profile", base_name, cur_name);
	prof_profile *ps[2] = {base, cur};
	report_cmp *cmp = cmp_new(ps, 2, si, NULL, o, !dopt->all, err);
	if (!cmp)
		return false;
	int64_t tbase = report_cmp_total(cmp, 0), tcur = report_cmp_total(cmp, 1);
	const char *type = prof_str(cur, cur->sample_types[si].type);
	const char *unit = prof_str(cur, cur->sample_types[si].unit);
	char a[80], b[80], c[96], e[48];
	fmt_scaled_label(a, sizeof a, tbase, unit, "minimum");
	fmt_scaled_label(b, sizeof b, tcur, unit, "minimum");
	format_delta(c, sizeof c, tcur - tbase, unit);
	format_change(e, sizeof e, tbase, tcur);
	fprintf(out, "Type: %s\nBase: ", type);
	put_name(out, base_name);
	fprintf(out, " (%s total)\nNew:  ", a);
	put_name(out, cur_name);
	fprintf(out, " (%s total)\nDelta: %s (%s)\n\n", b, c, e);
	fprintf(out, "%10s %10s %10s %8s  %s\n", "base", "new", "delta", "change", "stack");
	*max_growth = cmp->max_growth;
	cmp_rows r = {cmp, dopt, unit};
	size_t shown = 0;
	if (o->node_count > 0)
		shown = print_diff_rows(out, &r, 0, report_cmp_size(cmp), (size_t)o->node_count);
	else
		shown = print_rows(out, report_cmp_size(cmp), print_diff_range, &r);
	if (shown == 0)
		fputs("(no stack changed)\n", out);

	/* Functions: the delta of every group whose stack holds them (counted once). */
	uint32_t *order;
	int64_t *fdelta;
	size_t norder = report_cmp_functions(cmp, &order, &fdelta);
	if (norder) {
		fprintf(out, "\nFunctions by change (cum):\n");
		for (size_t i = 0; i < norder && i < 20; i++) {
			format_delta(c, sizeof c, fdelta[order[i]], unit);
			fprintf(out, "%10s  ", c);
			put_name(out, report_cmp_name(cmp, order[i]));
			fputc('\n', out);
		}
	}
	free(order);
	free(fdelta);
	report_cmp_free(cmp);
	return true;
}

/* The snapshots' order (by time when every one has a time, else as given) and their times in minutes, or steps. */
static bool trend_times(prof_profile **ps, size_t n, size_t *order, double *minutes)
{
	bool timed = true;
	for (size_t k = 0; k < n; k++) {
		order[k] = k;
		timed = timed && ps[k]->time_nanos != 0;
	}
	for (size_t i = 1; timed && i < n; i++)
		for (size_t j = i; j > 0 && ps[order[j - 1]]->time_nanos > ps[order[j]]->time_nanos; j--) {
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	int64_t t0 = ps[order[0]]->time_nanos;
	for (size_t k = 0; k < n; k++)
		minutes[k] = timed ? (double)(ps[order[k]]->time_nanos - t0) / 60e9 : (double)k;
	bool distinct = timed && n > 1 && minutes[n - 1] > minutes[0];
	if (!distinct)
		for (size_t k = 0; k < n; k++)
			minutes[k] = (double)k;
	return distinct;
}

/* One trend row: values, sparkline, first seen, slope, GREW, stack. */
static void print_trend_row(FILE *out, const report_cmp *cmp, size_t i, const report_cmp_row *r, size_t n,
                            const char *unit, const diff_opts *dopt)
{
	const char *red = dopt->color ? "\033[1;31m" : "", *reset = dopt->color ? "\033[0m" : "";
	const int64_t *v = r->values;
	int64_t lo = v[0], hi = v[0];
	for (size_t k = 0; k < n; k++) {
		lo = v[k] < lo ? v[k] : lo;
		hi = v[k] > hi ? v[k] : hi;
	}
	for (size_t k = 0; k < n; k++) {
		char s[64];
		fmt_scaled_label(s, sizeof s, v[k], unit, "minimum");
		fprintf(out, "%8s ", s);
	}
	fputs(" ", out);
	for (size_t k = 0; k < n; k++)
		fputs(spark[hi == lo ? 0 : (size_t)((double)(v[k] - lo) * 7.0 / (double)(hi - lo) + 0.5)], out);
	char first[24] = "-", sl[96];
	if (r->first_seen >= 0)
		snprintf(first, sizeof first, "#%lld", (long long)r->first_seen + 1);
	format_delta(sl, sizeof sl, (int64_t)llround(r->slope), unit);
	fprintf(out, "  %5s  %10s  ", first, sl);
	if (r->grew_always)
		fprintf(out, "%sGREW%s ", red, reset);
	print_compact(out, cmp, i, r, false);
}


/* Rows [from, to) of the order that show (they changed, or -all, or leaked), at most limit of them (0: all); how many. */
static size_t print_trend_rows(FILE *out, const cmp_rows *t, size_t from, size_t to, size_t limit)
{
	size_t n = t->cmp->d.nsnap, shown = 0;
	for (size_t i = from; i < to && (!limit || shown < limit); i++) {
		__builtin_prefetch(group_ahead(t->cmp, i, to));
		__builtin_prefetch(vals_ahead(t->cmp, i, to));
		const group *g = row_group(t->cmp, i);
		if (!group_changed(group_vals(&t->cmp->d, g), n) && !t->dopt->all && !g->leaked)
			continue;
		shown++;
		report_cmp_row r;
		report_cmp_row_at(t->cmp, i, &r);
		print_trend_row(out, t->cmp, i, &r, n, t->unit, t->dopt);
	}
	return shown;
}

static size_t print_trend_range(FILE *out, void *ctx, size_t from, size_t to)
{
	return print_trend_rows(out, ctx, from, to, 0);
}

typedef struct growing_ctx {
	const report_cmp *cmp;
	uint8_t *listed;
	char ***fn;
	size_t *n, n0; /* n0: names listed before this trend (kinds past the eighth share a list) */
} growing_ctx;

static void add_growing(void *ctx, const char *name, uint32_t id)
{
	growing_ctx *g = ctx;
	if (g->listed[id] || g->cmp->d.is_std[id])
		return;
	g->listed[id] = 1;
	for (size_t q = 0; q < g->n0; q++)
		if (strcmp((*g->fn)[q], name) == 0)
			return;
	*g->fn = xrealloc(*g->fn, (*g->n + 1) * sizeof **g->fn);
	(*g->fn)[(*g->n)++] = strdup(name);
}

bool report_trend(FILE *out, prof_profile **ps, const char **names, size_t n, const report_opts *o,
                  const diff_opts *dopt, char ***growing, size_t *ngrowing, prof_err *err)
{
	int si = prof_sample_index(ps[n - 1], o->sample_index, err);
	if (si < 0)
		return false;
	size_t *order = xmalloc(n * sizeof *order);
	double *minutes = xmalloc(n * sizeof *minutes);
	bool distinct = trend_times(ps, n, order, minutes);
	prof_profile **sorted = xmalloc(n * sizeof *sorted);
	for (size_t k = 0; k < n; k++)
		sorted[k] = ps[order[k]];
	char *type = strdup(prof_str(sorted[n - 1], sorted[n - 1]->sample_types[si].type));
	char *unit = strdup(prof_str(sorted[n - 1], sorted[n - 1]->sample_types[si].unit));
	report_cmp *cmp = cmp_new(sorted, n, si, minutes, o, !dopt->all, err);
	bool ok = cmp != NULL;
	if (ok) {
		fprintf(out, "Type: %s, %zu snapshots\n", type, n);
		for (size_t k = 0; k < n; k++) {
			char tot[64];
			fmt_scaled_label(tot, sizeof tot, report_cmp_total(cmp, k), unit, "minimum");
			fprintf(out, "  #%zu ", k + 1);
			put_name(out, names[order[k]]);
			if (distinct && minutes[n - 1] < 2)
				fprintf(out, "  +%.1fs", minutes[k] * 60);
			else if (distinct)
				fprintf(out, "  +%.1fmin", minutes[k]);
			fprintf(out, "  (%s total)\n", tot);
		}
		fprintf(out, "\n%-*s  %-*s  %5s  %10s  %s\n", (int)(9 * n), "values", (int)n, "trend", "first",
		        distinct ? "per min" : "per step", "stack");
		size_t ngroup = report_cmp_size(cmp), shown;
		cmp_rows tr = {cmp, dopt, unit};
		if (o->node_count > 0)
			shown = print_trend_rows(out, &tr, 0, ngroup, (size_t)o->node_count);
		else
			shown = print_rows(out, ngroup, print_trend_range, &tr);
		if (shown == 0)
			fputs("(no stack changed)\n", out);

		fputs("\nLeak suspects (score: see prof help trend):\n", out);
		size_t ns = 0;
		for (size_t i = 0; i < ngroup && ns < 10; i++) {
			if (row_score(cmp, i) <= 0 && !row_group(cmp, i)->leaked)
				continue;
			ns++;
			report_cmp_row r;
			report_cmp_row_at(cmp, i, &r);
			char delta[96];
			format_delta(delta, sizeof delta, r.cur - r.base, unit);
			fprintf(out, "%3zu. score %4.1f  %10s  %s", ns, r.score, delta, r.grew_always ? "grew every step  " : "");
			if (!r.leaked && r.stuck)
				fputs("stuck forever  ", out);
			print_compact(out, cmp, i, &r, false);
		}
		if (!ns)
			fputs("  none: no stack grew\n", out);

		/* The program's functions on growing stacks, for a cross-kind summary, each once. */
		if (growing) {
			growing_ctx g = {cmp, xcalloc(report_cmp_nnames(cmp) + 1, 1), growing, ngrowing, *ngrowing};
			for (size_t i = 0; i < ngroup; i++)
				if (row_score(cmp, i) > 0)
					report_cmp_frames(cmp, i, add_growing, &g);
			free(g.listed);
		}
	}
	report_cmp_free(cmp);
	free(order);
	free(minutes);
	free(sorted);
	free(type);
	free(unit);
	return ok;
}

/* ---- trends of several kinds ---- */

/* Sample types as one string: profiles with equal kinds trend together. */
static void kind_of(const prof_profile *p, char *buf, size_t n)
{
	size_t w = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < p->nsample_type && w < n; i++)
		w += (size_t)snprintf(buf + w, n - w, "%s/%s ", prof_str(p, p->sample_types[i].type),
		                      prof_str(p, p->sample_types[i].unit));
}

enum { MAX_KINDS = 8 }; /* kinds past the eighth share the last list of growing functions */

typedef struct growing_lists {
	char **fn[MAX_KINDS];
	size_t n[MAX_KINDS];
	size_t nkinds;
} growing_lists;

/* The functions growing in the first kind's list that every other kind's list has too. */
static void print_growing_everywhere(FILE *out, const growing_lists *g)
{
	bool header = false;
	for (size_t i = 0; i < g->n[0]; i++) {
		bool everywhere = true;
		for (size_t k = 1; k < g->nkinds && k < MAX_KINDS && everywhere; k++) {
			bool found = false;
			for (size_t j = 0; j < g->n[k] && !found; j++)
				found = strcmp(g->fn[k][j], g->fn[0][i]) == 0;
			everywhere = found;
		}
		if (!everywhere)
			continue;
		if (!header)
			fputs("\nGrowing in every kind of profile given:\n", out);
		header = true;
		fprintf(out, "  %s\n", g->fn[0][i]);
	}
	if (!header)
		fputs("\nGrowing in every kind of profile given: no function of the program\n", out);
}

/* The trend of the snapshots of ps[first]'s kind not done yet; marks them done. */
static bool trend_of_kind(FILE *out, prof_profile **ps, const char **names, size_t n, size_t first, bool *done,
                          const report_opts *o, const diff_opts *dopt, growing_lists *g, bool *usage,
                          prof_err *err)
{
	char ki[1024], kj[1024];
	kind_of(ps[first], ki, sizeof ki);
	prof_profile **group = xcalloc(n, sizeof *group);
	const char **gnames = xcalloc(n, sizeof *gnames);
	size_t ng = 0;
	for (size_t j = first; j < n; j++) {
		kind_of(ps[j], kj, sizeof kj);
		if (!done[j] && strcmp(ki, kj) == 0) {
			done[j] = true;
			group[ng] = ps[j];
			gnames[ng++] = names[j];
		}
	}
	bool ok = ng >= 2;
	if (!ok) {
		prof_errf(err, "%s: no other snapshot of its kind to compare with", gnames[0]);
		*usage = true;
	} else {
		if (g->nkinds)
			fputc('\n', out);
		size_t slot = g->nkinds < MAX_KINDS ? g->nkinds : MAX_KINDS - 1;
		ok = report_trend(out, group, gnames, ng, o, dopt, &g->fn[slot], &g->n[slot], err);
		g->nkinds++;
	}
	free(group);
	free(gnames);
	return ok;
}

bool report_trends(FILE *out, prof_profile **ps, const char **names, size_t n, const report_opts *o,
                   const diff_opts *dopt, bool *usage, prof_err *err)
{
	*usage = false;
	bool *done = xcalloc(n + 1, sizeof *done);
	growing_lists g = {0};
	bool ok = true;
	for (size_t i = 0; i < n && ok; i++)
		if (!done[i])
			ok = trend_of_kind(out, ps, names, n, i, done, o, dopt, &g, usage, err);
	/* Functions that grow in more than one kind (say goroutines and heap). */
	if (ok && g.nkinds > 1)
		print_growing_everywhere(out, &g);
	for (size_t k = 0; k < MAX_KINDS; k++) {
		for (size_t i = 0; i < g.n[k]; i++)
			free(g.fn[k][i]);
		free(g.fn[k]);
	}
	free(done);
	return ok;
}
