/*
 * Range walks (pgw_walk): visit every mapping of a context in VA order with
 * the leaf/table/hole/fault callbacks, applying the filter while descending
 * so that subtrees which cannot match are never loaded. Work is bounded by
 * the context's table budget, whatever the tables contain. Entries decode
 * through the arch's masks (arch.h); arches that are not a radix walk
 * range-walk with their own hook.
 */
#include "walker_priv.h"

#include <stdlib.h>
#include <string.h>

struct walk {
	pgw_ctx *c;
	const struct pgw_walk_ops *ops;
	void *payload;
	uint64_t lo, hi;          /* input-index range of interest, inclusive */
	unsigned need, deny;
	uint64_t budget;
	uint64_t pieces;          /* nested pieces emitted (budget: 512 each) */
	bool descend;             /* some callback wants to see below tables */
	/* Tables read by copy are parsed as 8-byte entries: keep them aligned. */
	_Alignas(uint64_t) unsigned char scratch[PGW_MAX_LEVELS][PGW_CHUNK];
};

static uint64_t canon(const struct walk *w, uint64_t idx)
{
	return pgw_ctx_canonical(w->c, idx);
}

/* Exclusive canonical end of the span ending at index @last (inclusive):
 * 0 stands for the top of the 64-bit space. */
static uint64_t canon_end(const struct walk *w, uint64_t last)
{
	return canon(w, last) + 1;
}

/* One leaf to the caller, through ops->leaves (a run of one) if set. */
static int deliver(struct walk *w, const struct pgw_leaf *l)
{
	if (w->ops->leaves)
		return w->ops->leaves(l, 1, w->payload);
	return w->ops->leaf ? w->ops->leaf(l, w->payload) : 0;
}

static int report_fault(struct walk *w, uint64_t first, uint64_t last,
			struct pgw_fault *f)
{
	if (!w->ops->fault)
		return 0;
	return w->ops->fault(canon(w, first), canon_end(w, last), f,
			     w->payload);
}

/* Size of the nested piece holding @gpa: its page, or the span of the
 * nested entry that faults. */
static uint64_t nested_span(pgw_ctx *c, const struct pgw_result *h, int rc,
			    const struct pgw_fault *f)
{
	if (rc == 0)
		return h->out_page_size;
	return f->out_level >= 0 ? 1ULL << c->nested->fmt->lv[f->out_level].shift
				 : 4096;
}

/* A guest leaf, split at the nested stage's page boundaries. @idx is the
 * leaf's first input index: only the pieces overlapping the filter's range
 * are visited, so a 1G guest page over 4K host pages does not cost 262144
 * nested lookups for a small window. */
static int emit_leaf(struct walk *w, struct pgw_leaf *l, uint64_t idx)
{
	uint64_t gva = l->va, gpa = l->gpa, left = l->size;
	pgw_ctx *c = w->c;

	if (!c->nested)
		return deliver(w, l);
	if (w->hi - idx < l->size - 1)
		left = w->hi - idx + 1;
	if (w->lo > idx) {
		/* Start at the nested piece that holds the first address of
		 * interest (the guest page is aligned to its size). */
		struct pgw_result h;
		struct pgw_fault f = { .out_level = -1 };
		uint64_t off = w->lo - idx;
		int rc = pgw__nested_gpa(c, gpa + off, &h, &f);

		off &= ~(nested_span(c, &h, rc, &f) - 1);
		gva += off;
		gpa += off;
		left -= off;
	}
	while (left) {
		struct pgw_result h;
		struct pgw_fault f = { .out_level = -1 };
		uint64_t chunk, span;
		int rc;

		/* Nested pieces cost like table entries: a guest 1G page
		 * over 4K host pages is 262144 of them, so every 512 take
		 * one table from the budget, or the walk ends here. */
		if ((++w->pieces & 511) == 0) {
			if (w->budget == 0) {
				f.out_reason = PGW_FAULT_LOOP;
				f.out_level = l->level;
				f.out_level_name = c->fmt->lv[l->level].name;
				f.out_entry = l->entry;
				f.out_addr = gva;
				rc = w->ops->fault ? w->ops->fault(gva, gva + left,
							&f, w->payload) : 0;
				return rc ? rc : PGW_ELIMIT;
			}
			w->budget--;
		}
		rc = pgw__nested_gpa(c, gpa, &h, &f);

		if (rc < 0) {
			/* Skip the whole nested span that faulted. */
			span = nested_span(c, &h, rc, &f);
			chunk = span - (gpa & (span - 1));
			if (chunk > left)
				chunk = left;
			f.out_addr = gpa;
			if (w->ops->fault) {
				rc = w->ops->fault(gva, gva + chunk, &f,
						   w->payload);
				if (rc)
					return rc;
			}
		} else {
			struct pgw_leaf part = *l;

			chunk = h.out_page_size - (gpa & (h.out_page_size - 1));
			if (chunk > left)
				chunk = left;
			part.va = gva;
			part.gpa = gpa;
			part.pa = h.out_pa;
			part.size = chunk;
			part.perms = l->perms & h.out_perms;
			if ((w->ops->leaf || w->ops->leaves) &&
			    (part.perms & w->need) == w->need &&
			    !(part.perms & w->deny)) {
				rc = deliver(w, &part);
				if (rc)
					return rc;
			}
		}
		gva += chunk;
		gpa += chunk;
		left -= chunk;
	}
	return 0;
}

static int walk_level(struct walk *w, int level, uint64_t table,
		      uint64_t base, unsigned perms);
static int report_hole(struct walk *w, uint64_t first, uint64_t last,
		       int level);

/* Visit entry @i of a loaded table; @idx is the first input index it maps. */
static int visit(struct walk *w, int level, unsigned i, uint64_t e,
		 uint64_t idx, unsigned perms, uint64_t table)
{
	pgw_ctx *c = w->c;
	const struct pgw_level *lv = &c->fmt->lv[level];
	const struct pgw_decode *m = &c->m[level];
	uint64_t span = 1ULL << lv->shift;
	bool leaf = pgw__is_leaf(m, e);
	uint64_t rsvd = pgw__rsvd(c, level, e, leaf);
	enum pgw_fault_reason why = rsvd ? PGW_FAULT_RESERVED :
				    pgw__check(c, level, e, leaf);
	unsigned p;

	if (why == PGW_FAULT_NOT_PRESENT)
		return report_hole(w, idx, idx + span - 1, level);
	if (why) {
		struct pgw_fault f = {
			.out_reason = why, .out_level = level,
			.out_level_name = lv->name, .out_index = i,
			.out_table = table, .out_entry = e, .out_rsvd = rsvd,
			.out_addr = canon(w, idx),
		};
		return report_fault(w, idx, idx + span - 1, &f);
	}
	p = perms & pgw__entry_perms(m, e, leaf);
	/* Permissions only narrow downwards: a subtree missing a needed
	 * permission cannot hold a matching page. */
	if ((p & w->need) != w->need)
		return 0;
	if (leaf) {
		struct pgw_leaf l = {
			.va = canon(w, idx), .size = span,
			.pa = pgw__leaf_base(c, level, e, idx), .perms = p,
			.entry = e, .level = level, .index = i,
			.pkey = pgw__pkey(c, e),
		};

		l.gpa = l.pa;
		if (!c->nested && (p & w->deny))
			return 0;
		return emit_leaf(w, &l, idx);
	}
	if (w->ops->table) {
		struct pgw_table t = {
			.va = canon(w, idx), .size = span, .entry = e,
			.level = level, .index = i, .perms = p,
		};
		int rc = w->ops->table(&t, w->payload);

		if (rc == PGW_WALK_SKIP)
			return 0;
		if (rc)
			return rc;
	}
	if (!w->descend)
		return 0;
	return walk_level(w, level + 1, pgw__next_table(c, level, e), idx, p);
}

/* A not-present span [first, last] of input indexes at @level. */
static int report_hole(struct walk *w, uint64_t first, uint64_t last,
		       int level)
{
	if (!w->ops->hole)
		return 0;
	return w->ops->hole(canon(w, first), canon_end(w, last), level,
			    w->payload);
}

/*
 * The last level of a table without decode hooks, not nested, where nearly
 * all of a big walk's time goes. Per present entry: one reserved-bit mask
 * test and, when the entry continues the open run (same bits, next frame),
 * one compare; otherwise the permissions from the decode masks. With ops->leaves
 * a run of such entries is one call; with ops->leaf each page is. Entries
 * with reserved bits go through visit() to be reported as elsewhere. A
 * table never straddles the canonical hole, so VAs advance by page size.
 * A template: walk_ptes_of() instantiates it per entry form (@four, @be
 * constant), which keeps the loop's state in registers (walk_synth: 20%
 * fewer PTEs/s when the form was tested per entry).
 */
static inline __attribute__((always_inline)) int
walk_ptes(struct walk *w, int level, const void *tbl, uint64_t table,
	  uint64_t base, uint64_t first, uint64_t last, unsigned perms,
	  const bool four, const bool be)
{
	pgw_ctx *c = w->c;
	const struct pgw_format *f = c->fmt;
	const struct pgw_level *lv = &f->lv[level];
	const struct pgw_decode *m = &c->m[level];
	const uint64_t rsvd = m->rsvd_leaf, present = m->present;
	/* The bits permissions depend on: entries of a table mostly share
	 * them, so the last answer is kept (cheaper than decoding each). */
	const uint64_t pbits = m->perm[1].mask[0] | m->perm[1].mask[1] |
			       m->perm[1].mask[2] | m->perm[1].mask[3];
	uint64_t last_pb = ~0ULL;
	unsigned last_p = 0;
	const unsigned shift = lv->shift;
	const uint64_t span = 1ULL << shift;
	/* The frame in entry bits, and one page's step there. */
	const unsigned ash = m->addr_shift;
	const uint64_t espan = span >> ash;
	const uint64_t amask = m->addr & ~(espan - 1);
	const uint64_t vbase = canon(w, base);
	const int pkey_shift = c->pkey_shift;
	const bool runs = w->ops->leaves != NULL;
	const unsigned need = w->need, deny = w->deny;
	struct pgw_leaf l = { .size = span, .level = level };
	uint64_t n = 0;               /* pages in the open run at l */
	uint64_t next = 0;            /* entry that would continue it */
	uint64_t hole = 0;
	bool in_hole = false;
	int rc = 0;

	if (!runs && !w->ops->leaf && !w->ops->hole && !w->ops->fault)
		return 0;
#define PGW_CLOSE_RUN()                                                  \
	do {                                                             \
		if (n) {                                                 \
			rc = w->ops->leaves(&l, (size_t)n, w->payload);  \
			n = 0;                                           \
			if (rc)                                          \
				return rc;                               \
		}                                                        \
	} while (0)
	for (uint64_t i = first; i <= last; i++) {
		uint64_t e = pgw__entry_at(tbl, (unsigned)i, four, be);
		unsigned p;

		if (e == next && n && !(e & rsvd) &&
		    !((e ^ l.entry) & ~amask)) {
			n++;
			next += espan;
			continue;
		}
		if (!(e & present)) {
			PGW_CLOSE_RUN();
			if (!in_hole) {
				hole = base + (i << shift);
				in_hole = true;
			}
			continue;
		}
		if (in_hole) {
			in_hole = false;
			rc = report_hole(w, hole, base + (i << shift) - 1,
					 level);
			if (rc)
				return rc;
		}
		if (runs)
			PGW_CLOSE_RUN();
		if (e & rsvd) {
			rc = visit(w, level, (unsigned)i, e,
				   base + (i << shift), perms, table);
			if (rc)
				return rc;
			continue;
		}
		if ((e & pbits) != last_pb) {
			last_pb = e & pbits;
			last_p = perms & pgw__entry_perms(m, e, true);
		}
		p = last_p;
		if ((p & need) != need || (p & deny))
			continue;
		l.va = vbase + (i << shift);
		l.pa = l.gpa = (e & amask) << ash;
		l.perms = p;
		l.entry = e;
		l.index = (unsigned)i;
		l.pkey = pkey_shift >= 0 ? (int)((e >> pkey_shift) & 0xf) : -1;
		if (runs) {
			n = 1;
			next = e + espan;
		} else if (w->ops->leaf) {
			rc = w->ops->leaf(&l, w->payload);
			if (rc)
				return rc;
		}
	}
	PGW_CLOSE_RUN();
#undef PGW_CLOSE_RUN
	if (in_hole)
		rc = report_hole(w, hole, base + ((last + 1) << shift) - 1,
				 level);
	return rc;
}

static __attribute__((noinline)) int
walk_ptes_of(struct walk *w, int level, const void *tbl,
			uint64_t table, uint64_t base, uint64_t first,
			uint64_t last, unsigned perms)
{
	const struct pgw_format *f = w->c->fmt;

	if (f->entry_size == 4)
		return walk_ptes(w, level, tbl, table, base, first, last,
				 perms, true, false);
	if (f->big_endian)
		return walk_ptes(w, level, tbl, table, base, first, last,
				 perms, false, true);
	return walk_ptes(w, level, tbl, table, base, first, last, perms,
			 false, false);
}

static int walk_chunk(struct walk *w, int level, uint64_t table,
		      uint64_t base, uint64_t first, uint64_t last,
		      unsigned perms, uint64_t off, bool whole,
		      bool *in_hole, uint64_t *hole);

static int walk_level(struct walk *w, int level, uint64_t table,
		      uint64_t base, unsigned perms)
{
	pgw_ctx *c = w->c;
	const struct pgw_format *f = c->fmt;
	const struct pgw_level *lv = &f->lv[level];
	uint64_t span = 1ULL << lv->shift;
	uint64_t n = 1ULL << lv->bits;
	uint64_t top = base + n * span - 1;
	uint64_t first, last, hole = 0;
	bool in_hole = false;
	struct pgw_fault fault = { .out_level = -1 };
	/* Entries per load: whole tables up to 4K, 4K pages of bigger ones
	 * (arm64 16K/64K granules, concatenated stage-2 tables, RISC-V
	 * G-stage roots). */
	uint64_t per = pgw__table_bytes(f, lv) > PGW_CHUNK ?
		       PGW_CHUNK / f->entry_size : n;
	int rc = 0;

	first = w->lo > base ? (w->lo - base) >> lv->shift : 0;
	last = (w->hi < top ? w->hi - base : top - base) >> lv->shift;

	if (w->budget == 0) {
		fault.out_reason = PGW_FAULT_LOOP;
		fault.out_level = level;
		fault.out_level_name = lv->name;
		fault.out_table = table;
		fault.out_addr = canon(w, base + first * span);
		rc = report_fault(w, base + first * span,
				  base + (last + 1) * span - 1, &fault);
		return rc ? rc : PGW_ELIMIT;
	}
	w->budget--;

	if (per == n)
		return walk_chunk(w, level, table, base, first, last, perms,
				  0, true, &in_hole, &hole);
	for (uint64_t i = first; i <= last;) {
		uint64_t off = i / per * per, end = off + per - 1;

		if (end > last)
			end = last;
		rc = walk_chunk(w, level, table, base, i, end, perms, off,
				false, &in_hole, &hole);
		if (rc)
			return rc;
		i = end + 1;
	}
	if (in_hole)
		rc = report_hole(w, hole, base + (last + 1) * span - 1, level);
	return rc;
}

/*
 * Entries [first, last] of the table of @level at @table, from the piece
 * of it loaded at entry @off: the @whole table, or one 4K page of a bigger
 * one. A hole still open at the end is reported for a whole table, and
 * left open in *@in_hole / *@hole for the next piece otherwise.
 */
static int walk_chunk(struct walk *w, int level, uint64_t table,
		      uint64_t base, uint64_t first, uint64_t last,
		      unsigned perms, uint64_t off, bool whole,
		      bool *in_hole, uint64_t *hole)
{
	pgw_ctx *c = w->c;
	const struct pgw_format *f = c->fmt;
	const struct pgw_level *lv = &f->lv[level];
	uint64_t span = 1ULL << lv->shift;
	uint64_t size = pgw__table_bytes(f, lv), host;
	struct pgw_fault fault = { .out_level = -1 };
	const void *tbl;
	int rc = 0;

	if (size > PGW_CHUNK)
		size = PGW_CHUNK;
	if (level == 0 && c->root_loaded)
		tbl = c->root_regs;  /* the CPU's registers, not memory */
	else
		tbl = pgw__load_table(c, table + off * f->entry_size, size,
				      w->scratch[level], &fault, NULL, &host);
	if (!tbl) {
		if (*in_hole) {
			*in_hole = false;
			rc = report_hole(w, *hole, base + first * span - 1,
					 level);
			if (rc)
				return rc;
		}
		if (fault.out_stage == PGW_STAGE_GUEST) {
			/* load_table set BAD_TABLE or NOT_DUMPED */
			fault.out_level = level;
			fault.out_level_name = lv->name;
			fault.out_table = table;
			fault.out_addr = canon(w, base + first * span);
		} else {
			/* The nested stage could not translate this table's
			 * GPA: keep its level and entry, as pgw_translate
			 * does, and name the GPA. */
			fault.out_addr = table;
		}
		return report_fault(w, base + first * span,
				    base + (last + 1) * span - 1, &fault);
	}

	if (whole && lv->leaf == PGW_LEAF_ALWAYS && !c->nested &&
	    !c->m[level].hook_rsvd && !c->m[level].hook_addr &&
	    !c->m[level].addr_hi && !c->m[level].hook_check)
		return walk_ptes_of(w, level, tbl, table, base, first, last,
				    perms);
	for (uint64_t i = first; i <= last; i++) {
		uint64_t idx = base + i * span;
		uint64_t e = pgw__read_entry(f, tbl, (unsigned)(i - off));

		if (!pgw__present(&c->m[level], e)) {
			if (!*in_hole) {
				*hole = idx;
				*in_hole = true;
			}
			continue;
		}
		if (*in_hole) {
			*in_hole = false;
			rc = report_hole(w, *hole, idx - 1, level);
			if (rc)
				return rc;
		}
		rc = visit(w, level, (unsigned)i, e, idx, perms, table);
		if (rc)
			return rc;
	}
	if (whole && *in_hole)
		rc = report_hole(w, *hole, base + (last + 1) * span - 1, level);
	return rc;
}

/* Clamp canonical bounds into the format's input-index space. */
static bool index_range(const pgw_ctx *c, uint64_t start, uint64_t last,
			uint64_t *lo, uint64_t *hi)
{
	const struct pgw_format *f = c->fmt;
	uint64_t mask = (1ULL << f->va_bits) - 1;

	if (c->region) {
		/* [va_fill, va_fill | mask]: the region's canonical VAs. */
		uint64_t top = c->va_fill | mask;

		if (start < c->va_fill)
			start = c->va_fill;
		if (last > top)
			last = top;
		if (start > last)
			return false;
		*lo = start & mask;
		*hi = last & mask;
		return true;
	}
	if (!f->canonical) {
		if (start > mask)
			return false;
		*lo = start;
		*hi = last > mask ? mask : last;
		return *lo <= *hi;
	}
	/* Canonical order equals index order once the hole is removed. */
	uint64_t half = 1ULL << (f->va_bits - 1);
	uint64_t upper = ~(half - 1);     /* first upper-half address */

	if (c->upper_half && start < upper)
		start = upper;
	if (start >= half && start < upper)
		start = upper;
	if (last >= half && last < upper)
		last = half - 1;
	if (start > last)
		return false;
	*lo = start & mask;
	*hi = last & mask;
	return *lo <= *hi;
}

/* A region whose tables are not walked (c->off_reason): one hole (walks
 * disabled) or one fault (no root, root beyond the PA size) over the
 * filter's part of it. */
static int walk_off(pgw_ctx *c, const struct pgw_walk_ops *ops,
		    void *payload, uint64_t lo, uint64_t hi)
{
	uint64_t start = pgw_ctx_canonical(c, lo);
	uint64_t end = pgw_ctx_canonical(c, hi) + 1;
	struct pgw_fault f = {
		.out_reason = c->off_reason, .out_level = -1,
		.out_table = c->root, .out_addr = start,
	};

	if (c->off_reason == PGW_FAULT_NOT_PRESENT)
		return ops && ops->hole ? ops->hole(start, end, 0, payload) : 0;
	return ops && ops->fault ? ops->fault(start, end, &f, payload) : 0;
}

int pgw__walk_region(pgw_ctx *c, const struct pgw_walk_filter *filter,
		     const struct pgw_walk_ops *ops, void *payload)
{
	static const struct pgw_walk_ops none;
	struct walk *w;
	uint64_t lo, hi;
	int rc;

	if (!index_range(c, filter->start, filter->last, &lo, &hi))
		return 0;
	if (c->off_reason)
		return walk_off(c, ops, payload, lo, hi);
	w = malloc(sizeof(*w));
	if (!w)
		return PGW_ENOMEM;
	w->c = c;
	w->ops = ops ? ops : &none;
	w->payload = payload;
	w->need = filter->need;
	w->deny = filter->deny;
	w->budget = c->walk_budget;
	w->pieces = 0;
	w->descend = w->ops->leaf || w->ops->leaves || w->ops->hole ||
		     w->ops->fault || w->ops->table;
	w->lo = lo;
	w->hi = hi;
	rc = walk_level(w, 0, c->root, 0, PGW_PERM_ALL);
	free(w);
	return rc;
}

int pgw_walk(pgw_ctx *c, const struct pgw_walk_filter *filter,
	     const struct pgw_walk_ops *ops, void *payload)
{
	struct pgw_walk_filter all = PGW_WALK_FILTER_INIT;
	int rc;

	if (!c)
		return PGW_EINVAL;
	if (!filter)
		filter = &all;
	if (filter->version != PGW_WALK_FILTER_VERSION)
		return PGW_EINVAL;
	if (c->arch->walk)
		return c->arch->walk(c, filter, ops, payload);
	if (!c->fmt)
		return 0;  /* paging disabled: no tables to walk */
	/* Regions in VA order: the context's own, then its upper one. */
	rc = pgw__walk_region(c, filter, ops, payload);
	if (rc == 0 && c->upper)
		rc = pgw__walk_region(c->upper, filter, ops, payload);
	return rc;
}
