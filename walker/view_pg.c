/*
 * `info pg`: the folded page-table tree (after Don Porter's 2024 QEMU
 * series), as text or JSON, built on the range walk's table and leaf
 * callbacks in one pass with O(levels) state.
 */
#include "view_priv.h"

#include <stdlib.h>
#include <string.h>

/*
 * Folding. The walk reports entries in pre-order. We keep a chain of open
 * runs, one per level from r[top] down: a run is a set of consecutive
 * present entries of one level with identical flag letters. An entry joins
 * the open run of its level when it follows it directly in VA and, for a
 * table entry, everything below the run so far is complete (every deeper
 * run reached the entry's start and the deepest one is a run of leaves), so
 * the subtrees of the joined entries fold into one line per level. A child
 * whose VA equals its parent entry's start extends the chain one level
 * down (the "left edge"). Anything else prints the chain, top to bottom,
 * and starts a new one at the entry's level; so a line's VPN range is
 * always exact, while its index range gives the first and last entry (they
 * may lie in different tables once folded). As in the seed series, the
 * last subtree of a folded table run may be incomplete: its remaining
 * entries then print as a new run one level down. Leaf runs also merge
 * across physical discontinuities, keeping up to PG_SEGS frame ranges; one
 * more starts a new line. Per leaf this is a handful of compares.
 *
 * With a permission filter, table lines are held back until a leaf below
 * them is printed, so that filtered output shows no empty branches.
 */

#define PG_SEGS 4

struct pg_run {
	bool on, leaf;
	unsigned first, last;      /* entry indexes of the first/last entry */
	uint64_t n;                /* entries */
	uint64_t va, end;          /* index space, [va, end) */
	uint64_t cur;              /* start of the last entry */
	uint64_t key;              /* flag bits shown */
	uint64_t entry;            /* raw first entry, for the letters */
	unsigned nseg;
	uint64_t seg[PG_SEGS][2];  /* physical [lo, end) */
};

struct pg_state {
	struct pgw_out *o;
	pgw_ctx *c;                /* context walked */
	const struct pgw_format *f;
	uint64_t mask;
	const char *stage;         /* JSON: "guest"/"host", or NULL */
	bool json, defer, nested_guest;
	bool *json_first;
	unsigned vdig, pdig;
	uint64_t keymask[PGW_MAX_LEVELS];  /* pgw__flag_key() as a mask */
	uint64_t spanmask[PGW_MAX_LEVELS]; /* ~(entry span - 1) */
	int top;                   /* level of the chain's first run, -1 */
	const char *const *names;  /* Linux's level names, or NULL */
	struct pg_run r[PGW_MAX_LEVELS];
	struct pg_run pend[PGW_MAX_LEVELS];  /* held-back table runs */
};

static const char *short_name(const char *name)
{
	const char *sp = strchr(name, ' ');

	return sp ? sp + 1 : name;  /* "EPT PML4" -> "PML4" */
}

/* Linux names its levels by depth whatever the architecture, folding the
 * ones a configuration lacks (include/asm-generic/pgtable-nop4d.h and its
 * siblings): the top is always PGD, the last PTE. */
static const char *const *kernel_names(unsigned nlevels)
{
	static const char *const n5[] = { "PGD", "P4D", "PUD", "PMD", "PTE" };
	static const char *const n4[] = { "PGD", "PUD", "PMD", "PTE" };
	static const char *const n3[] = { "PGD", "PMD", "PTE" };
	static const char *const n2[] = { "PGD", "PTE" };

	switch (nlevels) {
	case 5: return n5;
	case 4: return n4;
	case 3: return n3;
	case 2: return n2;
	}
	return NULL;
}

static const char *level_name(const struct pg_state *s, int level)
{
	return s->names ? s->names[level] : s->f->lv[level].name;
}

static char *put_pfns(struct pg_state *s, char *p, const struct pg_run *r,
		      bool json)
{
	for (unsigned i = 0; i < r->nseg; i++) {
		uint64_t lo = r->seg[i][0], last = r->seg[i][1] - 1;

		if (json) {
			p = pgw__put_str(p, i ? ",[\"0x" : "[\"0x");
			p = pgw__put_hex(p, lo, 1);
			p = pgw__put_str(p, "\",\"0x");
			p = pgw__put_hex(p, last, 1);
			p = pgw__put_str(p, "\"]");
			continue;
		}
		*p++ = ' ';
		p = pgw__put_hex(p, lo >> 12, s->pdig);
		if ((last >> 12) != (lo >> 12)) {
			*p++ = '-';
			p = pgw__put_hex(p, last >> 12, s->pdig);
		}
	}
	return p;
}

static void print_json(struct pg_state *s, int level, const struct pg_run *r)
{
	char flags[11], *p;

	pgw__out_json_end_line(s->o, *s->json_first);
	p = pgw__out_reserve(s->o, 512);
	pgw__flag_letters(s->c, level, r->entry, flags);
	for (int i = 9; i > 0 && flags[i] == ' '; i--)
		flags[i] = 0;
	p = pgw__put_str(p, "  {");
	*s->json_first = false;
	if (s->stage) {
		p = pgw__put_str(p, "\"stage\":\"");
		p = pgw__put_str(p, s->stage);
		p = pgw__put_str(p, "\",");
	}
	p = pgw__put_str(p, "\"level\":");
	p = pgw__put_udec(p, (uint64_t)level);
	p = pgw__put_str(p, ",\"name\":\"");
	p = pgw__put_str(p, level_name(s, level));
	p = pgw__put_str(p, "\",\"index\":[");
	p = pgw__put_udec(p, r->first);
	*p++ = ',';
	p = pgw__put_udec(p, r->last);
	p = pgw__put_str(p, "],\"entries\":");
	p = pgw__put_udec(p, r->n);
	p = pgw__put_str(p, ",\"va\":[\"0x");
	p = pgw__put_hex(p, pgw_ctx_canonical(s->c, r->va), 1);
	p = pgw__put_str(p, "\",\"0x");
	p = pgw__put_hex(p, pgw_ctx_canonical(s->c, r->end - 1), 1);
	p = pgw__put_str(p, "\"],\"flags\":\"");
	p = pgw__put_str(p, flags);
	p = pgw__put_str(p, "\",\"pa\":");
	if (r->leaf) {
		*p++ = '[';
		p = put_pfns(s, p, r, true);
		*p++ = ']';
	} else {
		p = pgw__put_str(p, "null");
	}
	*p++ = '}';
	pgw__out_commit(s->o, p);
}

static void print_run(struct pg_state *s, int level, const struct pg_run *r)
{
	char flags[11], *p;

	if (s->json) {
		print_json(s, level, r);
		return;
	}
	p = pgw__out_reserve(s->o, 256);
	memset(p, ' ', 2 * (size_t)level);
	p += 2 * level;
	*p++ = '[';
	p = pgw__put_hex(p, r->va >> 12, s->vdig);
	*p++ = '-';
	p = pgw__put_hex(p, (r->end - 1) >> 12, s->vdig);
	p = pgw__put_str(p, "] ");
	p = pgw__put_pad(p, short_name(level_name(s, level)), 4, 0);
	*p++ = '[';
	p = pgw__put_hex(p, r->first, 3);
	if (r->n == 1) {
		p = pgw__put_str(p, "]    ");
	} else {
		*p++ = '-';
		p = pgw__put_hex(p, r->last, 3);
		*p++ = ']';
	}
	*p++ = ' ';
	pgw__flag_letters(s->c, level, r->entry, flags);
	if (r->leaf) {
		p = pgw__put_str(p, flags);
		p = put_pfns(s, p, r, false);
	} else {
		/* No frames follow: drop the EPT letters' padding. */
		for (int i = 9; i > 0 && flags[i] == ' '; i--)
			flags[i] = 0;
		p = pgw__put_str(p, flags);
	}
	*p++ = '\n';
	pgw__out_commit(s->o, p);
}

/* Print the chain (or hold it back), then close it. */
static void flush(struct pg_state *s)
{
	int n = (int)s->f->nlevels, bottom = s->top;

	if (s->top < 0)
		return;
	while (bottom + 1 < n && s->r[bottom + 1].on)
		bottom++;
	if (s->defer) {
		uint64_t va = s->r[s->top].va;

		/* Held-back runs not above this chain had no leaf: drop. */
		for (int j = 0; j < n; j++)
			if (j >= s->top || va < s->pend[j].va ||
			    va >= s->pend[j].end)
				s->pend[j].on = false;
		if (!s->r[bottom].leaf) {
			for (int j = s->top; j <= bottom; j++)
				s->pend[j] = s->r[j];
			goto out;
		}
		for (int j = 0; j < s->top; j++) {
			if (s->pend[j].on)
				print_run(s, j, &s->pend[j]);
			s->pend[j].on = false;
		}
	}
	for (int j = s->top; j <= bottom; j++)
		print_run(s, j, &s->r[j]);
out:
	for (int j = s->top; j <= bottom; j++)
		s->r[j].on = false;
	s->top = -1;
}

/* Everything below level @l is complete up to @v and ends in leaves. */
static bool below_complete(const struct pg_state *s, int l, uint64_t v)
{
	int n = (int)s->f->nlevels, last = -1;

	for (int j = l + 1; j < n && s->r[j].on; j++) {
		if (s->r[j].end != v)
			return false;
		last = j;
	}
	return last >= 0 && s->r[last].leaf;
}

static bool pa_joins(const struct pg_run *r, uint64_t pa)
{
	return r->seg[r->nseg - 1][1] == pa || r->nseg < PG_SEGS;
}

static void pa_add(struct pg_run *r, uint64_t pa, uint64_t size)
{
	if (r->nseg && r->seg[r->nseg - 1][1] == pa) {
		r->seg[r->nseg - 1][1] += size;
		return;
	}
	r->seg[r->nseg][0] = pa;
	r->seg[r->nseg][1] = pa + size;
	r->nseg++;
}

static int event(struct pg_state *s, int l, unsigned idx, uint64_t v,
		 uint64_t size, uint64_t entry_va, uint64_t entry, bool leaf,
		 uint64_t pa)
{
	struct pg_run *r = &s->r[l];
	uint64_t key = entry & s->keymask[l];

	if (r->on && r->end == v) {
		/* The next piece of a leaf split by the nested stage. */
		if (leaf && r->leaf && r->cur == entry_va) {
			pa_add(r, pa, size);
			r->end += size;
			return s->o->err;
		}
		if (r->key == key && r->leaf == leaf &&
		    (leaf ? pa_joins(r, pa) : below_complete(s, l, v))) {
			r->last = idx;
			r->n++;
			r->end = v + size;
			r->cur = entry_va;
			if (leaf)
				pa_add(r, pa, size);
			return s->o->err;
		}
	}
	if (!(!r->on && s->top >= 0 && s->top < l && s->r[l - 1].on &&
	      !s->r[l - 1].leaf && s->r[l - 1].cur == v))
		flush(s);
	if (s->top < 0)
		s->top = l;
	r->on = true;
	r->leaf = leaf;
	r->first = r->last = idx;
	r->n = 1;
	r->va = v;
	r->end = v + size;
	r->cur = entry_va;
	r->key = key;
	r->entry = entry;
	r->nseg = 0;
	if (leaf)
		pa_add(r, pa, size);
	return s->o->err;
}

static int pg_table(const struct pgw_table *t, void *payload)
{
	struct pg_state *s = payload;
	uint64_t v = t->va & s->mask;

	return event(s, t->level, t->index, v, t->size, v, t->entry, false, 0);
}

/* One leaf: the fast path covers almost every leaf of a big walk, the next
 * page of the open leaf run with the same flags and the next frame. */
static inline int pg_one(struct pg_state *s, const struct pgw_leaf *l)
{
	struct pg_run *r = &s->r[l->level];
	uint64_t v = l->va & s->mask;
	uint64_t eva = v & s->spanmask[l->level];
	/* Guest sections show guest-physical frames. */
	uint64_t pa = s->nested_guest ? l->gpa : l->pa;

	if (r->on && r->leaf && r->end == v &&
	    r->key == (l->entry & s->keymask[l->level]) &&
	    r->seg[r->nseg - 1][1] == pa) {
		if (r->cur != eva) {  /* a new entry, not a nested piece */
			r->last = l->index;
			r->n++;
			r->cur = eva;
		}
		r->seg[r->nseg - 1][1] += l->size;
		r->end += l->size;
		return 0;
	}
	return event(s, l->level, l->index, v, l->size, eva, l->entry, true,
		     pa);
}

/*
 * A run of @n leaves (pgw_walk_ops.leaves). Its first page joins the open
 * leaf run of its level or opens a new one; either way that run then ends
 * just before the second page, with the same flags and the next frame, so
 * the other n - 1 pages (whole entries: runs longer than one come from
 * non-nested walks) are added to it at once.
 */
static int pg_leaves(const struct pgw_leaf *l, size_t n, void *payload)
{
	struct pg_state *s = payload;
	struct pg_run *r = &s->r[l->level];
	uint64_t rest = (uint64_t)(n - 1) * l->size;
	int rc = pg_one(s, l);

	if (rc || n == 1)
		return rc;
	r->last = l->index + (unsigned)(n - 1);
	r->n += n - 1;
	r->cur = ((l->va & s->mask) & s->spanmask[l->level]) + rest;
	r->seg[r->nseg - 1][1] += rest;
	r->end += rest;
	return 0;
}

static void header(struct pg_state *s)
{
	char *p;

	if (s->json)
		return;
	p = pgw__out_reserve(s->o, 128);
	p = pgw__put_pad(p, "VPN range", 2 * s->vdig + 3, 1);
	*p++ = ' ';
	p = pgw__put_pad(p, "Entry", 13, 1);
	*p++ = ' ';
	p = pgw__put_pad(p, "Flags", 10, 1);
	*p++ = ' ';
	p = pgw__put_pad(p, "", 2 * (s->f->nlevels - 1), 1);
	p = pgw__put_str(p, "Physical page(s)\n");
	pgw__out_commit(s->o, p);
}

static int section(struct pgw_out *o, pgw_ctx *c, bool nested_guest,
		   const char *stage, const struct pgw_pg_opts *opt,
		   const struct pgw_walk_filter *filter, bool *json_first)
{
	static const struct pgw_walk_filter all = PGW_WALK_FILTER_INIT;
	struct pgw_walk_ops ops = { .table = pg_table, .leaves = pg_leaves };
	struct pg_state *s = calloc(1, sizeof(*s));
	int rc;

	if (!s)
		return PGW_ENOMEM;
	if (!filter)
		filter = &all;
	s->o = o;
	s->c = c;
	s->f = c->fmt;
	s->mask = pgw__index_mask(c->fmt);
	s->stage = stage;
	s->json = opt->json;
	s->json_first = json_first;
	s->defer = filter->need || filter->deny;
	s->nested_guest = nested_guest;
	s->vdig = (c->fmt->va_bits - 12 + 3) / 4;
	s->pdig = c->fmt->entry_size == 4 ? 5 : 10;
	for (unsigned i = 0; i < c->fmt->nlevels; i++) {
		s->keymask[i] = pgw__flag_key(c, (int)i, ~0ULL);
		s->spanmask[i] = ~((1ULL << c->fmt->lv[i].shift) - 1);
	}
	s->top = -1;
	/* A stage 2 is the hypervisor's, not the kernel's: its own names. */
	if (opt->version >= 2 && opt->kernel_names && !c->fmt->stage2)
		s->names = kernel_names(c->fmt->nlevels);
	if (c->region_name && !s->json)
		pgw__out_printf(o, "%s (%s)\n", c->region_name,
				c->region_desc);
	if (c->off_reason && !s->json) {
		/* A region with no tables to show says why, not nothing. */
		pgw__out_printf(o, "  not walked: %s\n",
				pgw_fault_reason_name(c->off_reason));
		free(s);
		return 0;
	}
	header(s);
	rc = pgw__walk_region(c, filter, &ops, s);
	flush(s);
	free(s);
	return rc;
}

int pgw_view_pg(pgw_ctx *c, const struct pgw_pg_opts *opt,
		pgw_write_fn write, void *payload)
{
	static const struct pgw_pg_opts defaults = PGW_PG_OPTS_INIT;
	struct pgw_out *o;
	bool json_first = true;
	int rc = 0;

	if (!c || !write)
		return PGW_EINVAL;
	if (!opt)
		opt = &defaults;
	if (opt->version < 1 || opt->version > PGW_PG_OPTS_VERSION ||
	    opt->filter.version != PGW_WALK_FILTER_VERSION)
		return PGW_EINVAL;
	if (c->arch->view_pg)
		return c->arch->view_pg(c, opt, write, payload);
	o = pgw__out_new(write, payload);
	if (!o)
		return PGW_ENOMEM;
	if (!c->fmt) {
		pgw__out_printf(o, opt->json ? "[]\n" :
				"PG disabled: virtual addresses are physical\n");
		return pgw__out_done(o, 0);
	}
	if (opt->json)
		pgw__out_printf(o, "[");
	if (c->nested && !opt->json)
		pgw__out_printf(o, "Info pg, guest mode (%s)\n",
				pgw_mode_name(pgw_ctx_mode(c)));
	/* One section per input region (arm64 TTBR0 then TTBR1), each
	 * with its own format. */
	for (pgw_ctx *r = c; r && rc >= 0; r = r->upper)
		rc = section(o, r, c->nested != NULL,
			     c->nested ? "guest" : NULL, opt, &opt->filter,
			     &json_first);
	if (rc >= 0 && c->nested) {
		/* The host tables on their own: GPA -> HPA, unfiltered (the
		 * filter speaks of guest virtual addresses). */
		if (!opt->json)
			pgw__out_printf(o, "Info pg, host mode (%s)\n",
					pgw_mode_name(pgw_ctx_mode(c->nested)));
		rc = section(o, c->nested, false, "host", opt, NULL,
			     &json_first);
	}
	if (opt->json) {
		if (!json_first)
			pgw__out_json_end_line(o, true);
		pgw__out_printf(o, "]\n");
	}
	return pgw__out_done(o, rc);
}
