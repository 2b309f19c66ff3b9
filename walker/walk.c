/*
 * Single translations, table-driven by struct pgw_format: the per-address
 * walk loop (with an optional per-level trace for vtop), its software TLB
 * and paging-structure cache, table loads (pgw__load_table), and composing
 * through a nested stage when one is attached, for every arch through its
 * decode masks (arch.h); arches that are not a radix walk translate with
 * their own hook. Range walks are iter.c's. Nothing here writes memory or
 * sets Accessed/Dirty bits.
 */
#include "walker_priv.h"

#include <stdint.h>
#include <string.h>

static void fault_set(struct pgw_fault *f, enum pgw_fault_reason why,
		      const pgw_ctx *c, int level, unsigned index,
		      uint64_t table, uint64_t entry, uint64_t addr)
{
	f->out_reason = why;
	f->out_stage = PGW_STAGE_GUEST;
	f->out_level = level;
	f->out_level_name = level >= 0 && c->fmt ? c->fmt->lv[level].name : NULL;
	f->out_index = index;
	f->out_table = table;
	f->out_entry = entry;
	f->out_rsvd = 0;
	f->out_addr = addr;
}

static int fault_code(enum pgw_fault_reason why)
{
	switch (why) {
	case PGW_FAULT_RESERVED: return PGW_ERSVD;
	case PGW_FAULT_BAD_TABLE: return PGW_EIO;
	case PGW_FAULT_NOT_DUMPED: return PGW_EIO;
	case PGW_FAULT_ACCESS: return PGW_EACCES;
	case PGW_FAULT_LOOP: return PGW_ELIMIT;
	default: return PGW_ENOTMAPPED;  /* not present, address size,
					  * access flag, no root */
	}
}

static int translate_at(pgw_ctx *c, uint64_t va, struct pgw_result *out,
			struct pgw_fault *fault, struct pgw_trace *trace,
			enum pgw_stage stage, unsigned *guest_perms);

/* Stage-2 permissions as seen by the guest (AMD APM 15.25.5: nested
 * accesses are user accesses, so a supervisor-only NPT page is unusable). */
static unsigned stage2_perms(const pgw_ctx *host, unsigned p)
{
	if (host->fmt->stage2_user && !(p & PGW_PERM_U))
		p = 0;
	return p | PGW_PERM_U;
}

/* Translate a guest-physical address through the nested stage. */
static int nested_gpa(pgw_ctx *c, uint64_t gpa, struct pgw_result *r,
		      struct pgw_fault *fault, struct pgw_trace *trace)
{
	int rc = translate_at(c->nested, gpa, r, fault, trace,
			      PGW_STAGE_NESTED, NULL);

	if (rc < 0) {
		fault->out_stage = PGW_STAGE_NESTED;
		return rc;
	}
	r->out_perms = stage2_perms(c->nested, r->out_perms);
	return 0;
}

/* A mapped table is read in place only if its entries are aligned: a dump
 * may place RAM at any file offset, and entries are loaded as whole words. */
static inline const void *aligned_or_null(const void *p)
{
	return ((uintptr_t)p & 7) ? NULL : p;
}

/* mem->map through the host-pointer cache: a hit costs one compare. The
 * whole page is mapped when it can be, so later tables in it hit too.
 * NULL sends the caller to the copying path. */
static const void *map_table(pgw_ctx *c, uint64_t pa, size_t size)
{
	uint64_t pfn = pa >> 12;
	struct pgw_mapc_entry *m;
	const unsigned char *p;

	if (!(c->caches & PGW__CACHE_MAP) || (pa & 4095) + size > 4096)
		return aligned_or_null(c->mem->map(pa, size, c->mem_payload));
	m = &c->mapc[pfn & (PGW_MAPC_SLOTS - 1)];
	if (m->tag == pfn + 1)
		return m->p + (pa & 4095);
	p = aligned_or_null(c->mem->map(pa & ~4095ULL, 4096, c->mem_payload));
	if (!p)
		return aligned_or_null(c->mem->map(pa, size, c->mem_payload));
	m->tag = pfn + 1;
	m->p = p;
	c->cache_filled = true;
	return p + (pa & 4095);
}

const void *pgw__load_table(pgw_ctx *c, uint64_t addr, size_t size,
			    void *scratch, struct pgw_fault *fault,
			    struct pgw_trace *trace, uint64_t *host_addr)
{
	uint64_t pa = addr;
	const void *p;
	int rc = -1;

	if (c->nested) {
		struct pgw_result r;

		if (nested_gpa(c, addr, &r, fault, trace) < 0)
			return NULL;
		pa = r.out_pa;
	}
	*host_addr = pa;
	if (c->mem->map) {
		p = map_table(c, pa, size);
		if (p)
			return p;
	}
	if (scratch) {
		rc = c->mem->read(pa, scratch, size, c->mem_payload);
		if (rc == 0)
			return scratch;
	} else if ((pa & 4095) + size <= 4096) {
		p = pgw__pcache_get(c, pa & ~4095ULL, &rc);
		if (p)
			return (const unsigned char *)p + (pa & 4095);
		/* A short table (PAE PDPT) may end where memory ends. */
		if (size <= sizeof(c->small_table) && rc != PGW_ENODATA) {
			rc = c->mem->read(pa, c->small_table, size,
					  c->mem_payload);
			if (rc == 0)
				return c->small_table;
		}
	}
	/* RAM a filtered dump left out is not "outside memory": say so. */
	fault->out_reason = rc == PGW_ENODATA ? PGW_FAULT_NOT_DUMPED
					      : PGW_FAULT_BAD_TABLE;
	fault->out_stage = PGW_STAGE_GUEST;
	fault->out_table = addr;
	return NULL;
}

/* The @size bytes of the table of @level at @table, honouring the loaded
 * PAE PDPTE registers. The common case (no nesting, a mapped page already
 * seen) is inline. */
static inline const void *level_table(pgw_ctx *c, int level, uint64_t table,
				      size_t size, struct pgw_fault *fault,
				      struct pgw_trace *trace,
				      uint64_t *host_addr)
{
	if (level == 0 && c->root_loaded) {
		*host_addr = table;
		return c->root_regs;
	}
	if (!c->nested && (table & 4095) + size <= 4096) {
		const struct pgw_mapc_entry *m =
			&c->mapc[(table >> 12) & (PGW_MAPC_SLOTS - 1)];

		if (m->tag == (table >> 12) + 1 &&
		    (c->caches & PGW__CACHE_MAP)) {
			*host_addr = table;
			return m->p + (table & 4095);
		}
	}
	return pgw__load_table(c, table, size, NULL, fault, trace, host_addr);
}

/* Index of @va in the format's input space; false if not canonical, or
 * not this region's (struct pgw_ctx: in_mask, in_add, in_check). */
static inline bool input_index(const pgw_ctx *c, uint64_t va, uint64_t *idx)
{
	*idx = va & c->in_mask;
	return (((va + c->in_add) ^ c->in_fill) & c->in_check) == 0;
}

static inline struct pgw_tlb_entry *tlb_slot(pgw_ctx *c, uint64_t va)
{
	uint64_t vpn = va >> 12;

	return &c->tlb[(vpn ^ (vpn >> 10)) & (PGW_TLB_SIZE - 1)];
}

/* Ends a window of PGW_TLB_WINDOW evictions or sparse lookups, @hits of
 * which were (or had been) hits. */
static void tlb_window_end(pgw_ctx *c)
{
	c->tlb_sparse = c->tlb_hits * PGW_TLB_SPARSE_HITS < PGW_TLB_WINDOW;
	c->tlb_window = c->tlb_hits = c->tlb_skipped = 0;
}

enum tlb_use {
	TLB_SKIP,                 /* translate without the TLB */
	TLB_MISS,                 /* translate, then fill */
	TLB_HIT,                  /* the entry has the answer */
};

/* Sparse: one translation in PGW_TLB_SPARSE_EVERY probes, and counts. */
static enum tlb_use tlb_probe_sparse(pgw_ctx *c, uint64_t va,
				     const struct pgw_tlb_entry **hit)
{
	struct pgw_tlb_entry *t;
	bool same;

	if (++c->tlb_skipped < PGW_TLB_SPARSE_EVERY)
		return TLB_SKIP;
	c->tlb_skipped = 0;
	t = tlb_slot(c, va);
	same = t->tag == (va >> 12) + 1;
	c->tlb_hits += same;
	if (++c->tlb_window == PGW_TLB_WINDOW)
		tlb_window_end(c);
	if (!same)
		return TLB_MISS;
	t->used = true;
	*hit = t;
	return TLB_HIT;
}

/* Whether this translation of @va uses the TLB, and how; *@hit is the
 * entry on TLB_HIT. */
static inline enum tlb_use tlb_probe(pgw_ctx *c, uint64_t va,
				     const struct pgw_tlb_entry **hit)
{
	struct pgw_tlb_entry *t;

	if (!(c->caches & PGW__CACHE_TLB))
		return TLB_SKIP;
	if (c->tlb_sparse)
		return tlb_probe_sparse(c, va, hit);
	t = tlb_slot(c, va);
	if (t->tag != (va >> 12) + 1)
		return TLB_MISS;
	if (!t->used)
		t->used = true;
	*hit = t;
	return TLB_HIT;
}

/* The paging-structure cache slot of the level-@level entry for @idx. */
static inline struct pgw_psc_entry *psc_slot(pgw_ctx *c, unsigned level,
					     uint64_t key)
{
	return &c->psc[level * PGW_PSC_SLOTS +
		       ((key ^ (key >> 9)) & (PGW_PSC_SLOTS - 1))];
}

/* SDM 3A 4.10.3.2: a walk starts below the deepest cached entry on its
 * address's path: that entry and, in *@level, the level below it; NULL
 * (and *@level untouched) when none is cached. */
static inline __attribute__((always_inline)) struct pgw_psc_entry *
psc_deepest(pgw_ctx *c, uint64_t idx, unsigned *level)
{
	const struct pgw_format *f = c->fmt;

	for (unsigned l = f->nlevels - 1; l-- > 0;) {
		uint64_t key = idx >> f->lv[l].shift;
		struct pgw_psc_entry *p = psc_slot(c, l, key);

		if (p->tag == key + 1) {
			*level = l + 1;
			return p;
		}
	}
	return NULL;
}

static inline void tlb_store(pgw_ctx *c, uint64_t va,
			     const struct pgw_result *out, unsigned gperms)
{
	struct pgw_tlb_entry *t = tlb_slot(c, va);

	if (t->tag && !c->tlb_sparse) {
		c->tlb_hits += t->used;
		if (++c->tlb_window == PGW_TLB_WINDOW)
			tlb_window_end(c);
	}
	t->tag = (va >> 12) + 1;
	t->used = false;
	c->cache_filled = true;
	t->pa_page = out->out_pa & ~4095ULL;
	t->gpa_page = out->out_gpa & ~4095ULL;
	t->page_size = out->out_page_size;
	t->perms = out->out_perms;
	t->gperms = gperms;
	t->entry = out->out_entry;
	t->level = out->out_level;
	t->pkey = out->out_pkey;
}

static inline void tlb_fill(struct pgw_result *out, const struct pgw_tlb_entry *t,
			    uint64_t va)
{
	out->out_pa = t->pa_page | (va & 4095);
	out->out_gpa = t->gpa_page | (va & 4095);
	out->out_page_size = t->page_size;
	out->out_perms = t->perms;
	out->out_entry = t->entry;
	out->out_level = t->level;
	out->out_pkey = t->pkey;
}

static void trace_add(struct pgw_trace *t, enum pgw_stage stage,
		      const pgw_ctx *c, int level, unsigned index,
		      uint64_t table, uint64_t entry_addr, uint64_t entry,
		      bool leaf)
{
	struct pgw_step *s;

	if (!t || t->n >= PGW_TRACE_MAX)
		return;
	s = &t->step[t->n++];
	s->stage = stage;
	s->level = level;
	s->level_name = c->fmt->lv[level].name;
	s->index = index;
	s->table = table;
	s->entry_addr = entry_addr;
	s->entry = entry;
	s->leaf = leaf;
	s->load_rsvd = entry & c->m[level].load_rsvd;
}

/*
 * The common case of translate_at() with nothing to report: a plain format
 * (c->fast: 8-byte little-endian entries, no decode hooks; x86 4-level,
 * 5-level, NPT, arm64 of every granule), no nested stage, no trace, every
 * table
 * mapped (already in the map cache when that is on), every entry present
 * and free of reserved bits. Same tables and masks as the loop below,
 * without its hooks and table-size arithmetic. Returns 1 whenever anything else happens; the
 * caller then walks again the general way, which is what reports faults,
 * so results and faults are the general loop's by construction.
 */
static inline __attribute__((always_inline)) int
translate_fast_as(pgw_ctx *c, uint64_t idx, struct pgw_result *out,
		  unsigned *gperms, const bool uniform, const bool nine)
{
	const struct pgw_format *f = c->fmt;
	/* Uniform: level 0's decode serves every level, read once. */
	const struct pgw_perm_decode *p0 = &c->m[0].perm[0];
	const uint64_t u_present = c->m[0].present, u_flip = p0->flip;
	const uint64_t u_w = p0->mask[1], u_x = p0->mask[2], u_u = p0->mask[3];
	const uint64_t u_r = p0->mask[0];
	const unsigned u_always = p0->always;
#define DECODE(x) (p0->lut_ok ? pgw__lut_perms(p0, (x) ^ u_flip) : \
		   u_always | (((x) & u_r) ? PGW_PERM_R : 0) | \
		   (((x) & u_w) ? PGW_PERM_W : 0) | \
		   (((x) & u_x) ? PGW_PERM_X : 0) | \
		   (((x) & u_u) ? PGW_PERM_U : 0))
	uint64_t table = c->root, e = 0, size;
	unsigned perms = PGW_PERM_ALL, level = 0, shift = 0;
	uint64_t acc = ~0ULL;  /* uniform: the levels' flipped entries ANDed;
				* a permission survives iff its bit does */
	const bool mapc = c->caches & PGW__CACHE_MAP;
	const unsigned char *tbl = NULL;  /* a one-page table's host page */
	struct pgw_psc_entry *up = NULL;  /* entry whose next table is tbl */

	if (c->caches & PGW__CACHE_PSC) {
		up = psc_deepest(c, idx, &level);
		if (up) {
			table = up->table & ~4095ULL;
			perms = (unsigned)(up->table & 4095);
			tbl = mapc ? up->host : NULL;
		}
	}
	for (;; level++) {
		const struct pgw_level *lv = &f->lv[level];
		const struct pgw_decode *m = &c->m[level];
		/* The entry's place: tables of 16K/64K granules span pages
		 * (and a small root need not start one), so the page is the
		 * entry's, not the table's; a 512-entry table is its page. */
		const uint64_t ea = nine ? table : table + 8 *
				    ((idx >> lv->shift) & ((1ULL << lv->bits) - 1));
		const unsigned char *page;
		uint64_t ei;              /* the entry's index in page */
		bool leaf;

		shift = lv->shift;
		if (tbl) {
			/* The PSC entry knew the whole table in host memory. */
			page = tbl;
			ei = (idx >> shift) & (nine ? 511 :
					       (1ULL << lv->bits) - 1);
		} else if (mapc) {
			const struct pgw_mapc_entry *mc =
				&c->mapc[(ea >> 12) & (PGW_MAPC_SLOTS - 1)];

			if (mc->tag != (ea >> 12) + 1)
				return 1;
			page = mc->p;
			ei = nine ? (idx >> shift) & 511 : (ea & 4095) >> 3;
			/* A table of one page is that page; a bigger one
			 * (16K, 64K granules) is whole in host memory when
			 * the source maps it so, asked once per PSC entry. */
			if (up && (nine || (lv->bits <= 9 && !(table & 4095))))
				up->host = page;
			else if (up)
				up->host = aligned_or_null(c->mem->map(table,
					pgw__table_bytes(f, lv),
					c->mem_payload));
		} else {
			/* No map cache: ask the source for every table. */
			page = aligned_or_null(c->mem->map(ea & ~4095ULL, 4096,
							   c->mem_payload));
			if (!page)
				return 1;
			ei = nine ? (idx >> shift) & 511 : (ea & 4095) >> 3;
		}
		e = le64toh(((const uint64_t *)(const void *)page)[ei]);
		if (uniform ? !(e & u_present) : !pgw__present(m, e))
			return 1;
		leaf = pgw__is_leaf(m, e);
		if ((e & (leaf ? m->fast_rsvd_leaf : m->fast_rsvd_table)) ||
		    (m->hook_rsvd && f->arch->rsvd(c, (int)level, e, leaf)))
			return 1;
		if (uniform) {
			acc &= e ^ u_flip;  /* decoded once, below */
		} else {
			const struct pgw_perm_decode *pd = &m->perm[leaf];

			perms &= pd->lut_ok ? pgw__lut_perms(pd, e) :
					      pgw__perms_of(pd, e);
		}
		if (leaf)
			break;
		table = uniform ? e & m->addr : pgw__frame(m, e);
		tbl = NULL;
		up = NULL;
		if (c->caches & PGW__CACHE_PSC) {
			uint64_t key = idx >> shift;

			up = psc_slot(c, level, key);
			up->tag = key + 1;
			up->table = table | (uniform ? perms & DECODE(acc) :
						 perms);
			up->host = NULL;
			c->cache_filled = true;
		}
	}
	if ((e & c->m[level].need_leaf) != c->m[level].need_leaf)
		return 1;
	size = 1ULL << shift;
	/* Uniform contexts have no second address field. */
	out->out_pa = out->out_gpa = ((uniform ? e & c->m[level].addr :
				       pgw__frame(&c->m[level], e)) &
				      ~(size - 1)) | (idx & (size - 1));
	out->out_page_size = size;
	if (uniform)
		perms &= DECODE(acc);
	out->out_perms = perms;
	out->out_entry = e;
	out->out_level = (int)level;
	out->out_pkey = pgw__pkey(c, e);
	*gperms = perms;
	return 0;
}
#undef DECODE

/*
 * Three instances of the loop. A uniform context (x86, EPT, NPT) ANDs the
 * levels' entries and decodes permissions once, from masks held in
 * registers: the generic per-level decode cost 8% more instructions per
 * translation than the x86-only code it replaced (callgrind, bench/xlat_cmp
 * on the x86_64-4l guest: 86.5M against 80.4M; 79.8M this way). Tables of
 * 512 entries (x86, arm64 4K) index with a constant mask; arm64's 16K and
 * 64K granules with their level's.
 */
static inline __attribute__((always_inline)) int
translate_fast(pgw_ctx *c, uint64_t idx, struct pgw_result *out,
	       unsigned *gperms)
{
	if (c->uniform && c->nine)
		return translate_fast_as(c, idx, out, gperms, true, true);
	if (c->nine)
		return translate_fast_as(c, idx, out, gperms, false, true);
	return translate_fast_as(c, idx, out, gperms, c->uniform, false);
}

/* Paging disabled: linear is physical, within the physical address width
 * (as QEMU's gva2gpa answers too). */
static int translate_identity(const pgw_ctx *c, uint64_t va,
			      struct pgw_result *out, unsigned *guest_perms)
{
	va &= pgw__bits(c->maxphyaddr - 1, 0);
	out->out_pa = out->out_gpa = va;
	out->out_page_size = 4096;
	out->out_perms = PGW_PERM_RWXU;
	out->out_entry = 0;
	out->out_level = -1;
	out->out_pkey = -1;
	if (guest_perms)
		*guest_perms = PGW_PERM_RWXU;
	return 0;
}

/* The result of a walk that reached leaf @e at @level with @perms (this
 * stage's): the page, composed through the nested stage when one is
 * attached, and kept in the TLB when @use_tlb. */
static int leaf_result(pgw_ctx *c, uint64_t va, uint64_t idx, int level,
		       uint64_t e, unsigned perms, struct pgw_result *out,
		       struct pgw_fault *fault, struct pgw_trace *trace,
		       bool use_tlb)
{
	uint64_t size = 1ULL << c->fmt->lv[level].shift;
	uint64_t gpa = pgw__leaf_base(c, level, e, idx) | (idx & (size - 1));
	unsigned gperms = perms;

	out->out_gpa = gpa;
	out->out_pa = gpa;
	out->out_page_size = size;
	out->out_entry = e;
	out->out_level = level;
	out->out_pkey = pgw__pkey(c, e);
	if (c->nested) {
		struct pgw_result h;
		int rc = nested_gpa(c, gpa, &h, fault, trace);

		if (rc < 0) {
			fault->out_addr = gpa;
			return rc;
		}
		out->out_pa = h.out_pa;
		if (h.out_page_size < size)
			out->out_page_size = h.out_page_size;
		perms &= h.out_perms;
	}
	out->out_perms = perms;
	if (use_tlb)
		tlb_store(c, va, out, gperms);
	return 0;
}

/* @guest_perms (optional) receives this stage's own permissions, before
 * the intersection with the nested stage, so that access faults can be
 * attributed to the stage that refuses them. A @trace asks for a complete
 * walk: the TLB and the paging-structure caches are neither used nor
 * filled then. */
static int translate_at(pgw_ctx *c, uint64_t va, struct pgw_result *out,
			struct pgw_fault *fault, struct pgw_trace *trace,
			enum pgw_stage stage, unsigned *guest_perms)
{
	const struct pgw_format *f = c->fmt;
	uint64_t idx, table = c->root;
	unsigned perms = PGW_PERM_ALL, gperms, level = 0;
	bool psc = !trace && (c->caches & PGW__CACHE_PSC), use_tlb;

	if (!f)
		return translate_identity(c, va, out, guest_perms);
	if (!input_index(c, va, &idx)) {
		fault_set(fault, PGW_FAULT_NONCANONICAL, c, -1, 0, 0, 0, va);
		return PGW_ENOTMAPPED;
	}
	if (c->off_reason) {
		/* Nothing of this region is walked (arm64 EPD, no root). */
		fault_set(fault, c->off_reason, c,
			  c->off_reason == PGW_FAULT_NO_ROOT ||
			  c->off_reason == PGW_FAULT_BAD_PRTE ? -1 : 0, 0,
			  c->root, 0, va);
		return fault_code(c->off_reason);
	}
	use_tlb = false;
	if (!trace) {
		const struct pgw_tlb_entry *t;
		enum tlb_use u = tlb_probe(c, va, &t);

		if (u == TLB_HIT) {
			tlb_fill(out, t, va);
			if (guest_perms)
				*guest_perms = t->gperms;
			return 0;
		}
		use_tlb = u == TLB_MISS;
	}
	if (!trace && !c->nested && c->mem->map && c->fast &&
	    translate_fast(c, idx, out, &gperms) == 0) {
		if (guest_perms)
			*guest_perms = gperms;
		if (use_tlb)
			tlb_store(c, va, out, gperms);
		return 0;
	}
	if (psc) {
		const struct pgw_psc_entry *p = psc_deepest(c, idx, &level);

		if (p) {
			table = p->table & ~4095ULL;
			perms = (unsigned)(p->table & 4095);
		}
	}
	for (; level < f->nlevels; level++) {
		const struct pgw_level *lv = &f->lv[level];
		const struct pgw_decode *m = &c->m[level];
		unsigned i = (idx >> lv->shift) & ((1u << lv->bits) - 1);
		uint64_t size = pgw__table_bytes(f, lv), chunk = 0;
		enum pgw_fault_reason why;
		const void *tbl;
		uint64_t host, e, rsvd;
		unsigned ci = i;
		bool leaf;

		if (size > PGW_CHUNK) {
			/* Big tables (arm64 16K/64K granules, concatenated
			 * stage-2 tables, RISC-V's 16 KiB G-stage roots):
			 * the 4K page holding the entry. */
			chunk = ((uint64_t)i * f->entry_size) & ~(PGW_CHUNK - 1ULL);
			ci = i - (unsigned)(chunk / f->entry_size);
			size = PGW_CHUNK;
		}
		tbl = level_table(c, (int)level, table + chunk, size, fault,
				  trace, &host);
		if (!tbl) {
			if (fault->out_stage == PGW_STAGE_GUEST)
				fault_set(fault, fault->out_reason, c,
					  (int)level, i, table, 0, va);
			else
				fault->out_addr = table;
			return fault_code(fault->out_reason);
		}
		e = pgw__read_entry(f, tbl, ci);
		if (!pgw__present(m, e)) {
			trace_add(trace, stage, c, (int)level, i, table,
				  host + ci * f->entry_size, e, false);
			fault_set(fault, PGW_FAULT_NOT_PRESENT, c, (int)level,
				  i, table, e, va);
			return PGW_ENOTMAPPED;
		}
		leaf = pgw__is_leaf(m, e);
		trace_add(trace, stage, c, (int)level, i, table,
			  host + ci * f->entry_size, e, leaf);
		/* One flag keeps the plain formats off the hooks' tests. */
		rsvd = m->hooked ? pgw__rsvd(c, (int)level, e, leaf) :
				   e & (leaf ? m->rsvd_leaf : m->rsvd_table);
		if (rsvd) {
			fault_set(fault, PGW_FAULT_RESERVED, c, (int)level, i,
				  table, e, va);
			fault->out_rsvd = rsvd;
			return PGW_ERSVD;
		}
		why = m->hooked ? pgw__check(c, (int)level, e, leaf) :
				  PGW_FAULT_NONE;
		if (why) {
			fault_set(fault, why, c, (int)level, i, table, e, va);
			return fault_code(why);
		}
		perms &= pgw__entry_perms(m, e, leaf);
		if (!leaf) {
			table = m->hooked ? pgw__next_table(c, (int)level, e) :
					    pgw__frame(m, e);
			if (psc && !(table & 4095)) {
				uint64_t key = idx >> lv->shift;
				struct pgw_psc_entry *p = psc_slot(c, level, key);

				p->tag = key + 1;
				p->table = table | perms;
				p->host = NULL;
				c->cache_filled = true;
			}
			continue;
		}
		if (guest_perms)
			*guest_perms = perms;
		return leaf_result(c, va, idx, (int)level, e, perms, out,
				   fault, trace, use_tlb);
	}
	/* Unreachable: the last level of every format is a leaf. */
	fault_set(fault, PGW_FAULT_NOT_PRESENT, c, -1, 0, 0, 0, va);
	return PGW_ENOTMAPPED;
}

static int translate_checked(pgw_ctx *c, uint64_t va, unsigned access,
			     struct pgw_result *out, struct pgw_fault *fault,
			     struct pgw_trace *trace);

/*
 * translate_fast() where random translations spend their time: the PSC
 * holds the last table on @idx's path (known whole in host memory), so
 * the walk is one entry of the last level, whose decode c->last keeps at
 * hand. Same masks as translate_fast(); returns 1 on anything else.
 * Random translations on the 4K arm64 guest went from 59 to 85 M/s
 * (bench/xlat_cmp, libaddrxlat 16), on x86_64-4l from 97 to 125.
 */
static inline __attribute__((always_inline)) int
translate_last(const pgw_ctx *c, uint64_t idx, struct pgw_result *out,
	       unsigned *gperms)
{
	const struct pgw_last *l = &c->last;
	const struct pgw_decode *m = l->m;
	uint64_t key = idx >> l->psc_shift, e, size, pa;
	const struct pgw_psc_entry *p =
		&l->psc[(key ^ (key >> 9)) & (PGW_PSC_SLOTS - 1)];
	unsigned perms;

	if (p->tag != key + 1 || !p->host)
		return 1;
	e = le64toh(((const uint64_t *)(const void *)p->host)
		    [(idx >> l->shift) & l->imask]);
	if (!(e & m->present) || (e & m->fast_rsvd_leaf) ||
	    (e & m->need_leaf) != m->need_leaf ||
	    (m->hook_rsvd && c->fmt->arch->rsvd(c, (int)c->fmt->nlevels - 1,
						e, true)))
		return 1;
	perms = (unsigned)(p->table & 4095) & pgw__lut_perms(&m->perm[1], e);
	size = 1ULL << l->shift;
	pa = (pgw__frame(m, e) & ~(size - 1)) | (idx & (size - 1));
	out->out_pa = out->out_gpa = pa;
	out->out_page_size = size;
	out->out_perms = perms;
	out->out_entry = e;
	out->out_level = (int)c->fmt->nlevels - 1;
	out->out_pkey = pgw__pkey(c, e);
	*gperms = perms;
	return 0;
}

/*
 * The debugger's view (no access check, no trace) of a plain context
 * (c->plain: c->fast, no nested stage, mapped memory), out of line and
 * small, so that it keeps its state in registers: a TLB hit needs no
 * canonical check (tags are whole VA pages, filled only by walks that
 * passed it), and a clean walk needs no fault record. Anything else is
 * translate_checked()'s, called last so that it is a jump. Inside
 * translate_checked(), whose frame spilled the walk's variables, random
 * translations on the 4K arm64 guest ran at 55 M/s; here at 59
 * (bench/xlat_cmp, libaddrxlat 16).
 */
static __attribute__((noinline)) int
translate_plain(pgw_ctx *c, uint64_t va, unsigned access,
		struct pgw_result *out, struct pgw_fault *fault,
		struct pgw_trace *trace)
{
	const struct pgw_tlb_entry *t;
	enum tlb_use u;
	unsigned gperms;
	uint64_t idx;

	if (access || trace || !c->plain)
		return translate_checked(c, va, access, out, fault, trace);
	u = tlb_probe(c, va, &t);
	if (u == TLB_HIT) {
		tlb_fill(out, t, va);
		return 0;
	}
	if (!input_index(c, va, &idx) ||
	    ((!c->last.ok || translate_last(c, idx, out, &gperms) != 0) &&
	     translate_fast(c, idx, out, &gperms) != 0))
		return translate_checked(c, va, access, out, fault, trace);
	if (u == TLB_MISS)
		tlb_store(c, va, out, gperms);
	return 0;
}

/* The index of @va's entry in its level-@level table (the leaf an access
 * check refused), for the fault record. */
static unsigned leaf_index(const pgw_ctx *c, uint64_t va, int level)
{
	uint64_t idx;

	if (!c->fmt || level < 0 || level >= (int)c->fmt->nlevels)
		return 0;
	input_index(c, va, &idx);
	return (unsigned)((idx >> c->fmt->lv[level].shift) &
			  ((1ULL << c->fmt->lv[level].bits) - 1));
}

/* pgw_translate() for what translate_plain() leaves: access checks,
 * traces, faults, and contexts that are not plain (nested, hooked, the
 * arches that translate on their own). */
static __attribute__((noinline)) int
translate_checked(pgw_ctx *c, uint64_t va, unsigned access,
		  struct pgw_result *out, struct pgw_fault *fault,
		  struct pgw_trace *trace)
{
	struct pgw_fault scratch;
	struct pgw_result r;
	unsigned gperms = 0;
	int rc;

	if (c->arch->translate)
		return c->arch->translate(c, va, access, out, fault, trace);
	if (!fault)
		fault = &scratch;
	memset(fault, 0, sizeof(*fault));
	fault->out_level = -1;
	if (trace)
		trace->n = 0;
	rc = translate_at(c, va, &r, fault, trace, PGW_STAGE_GUEST, &gperms);
	if (rc < 0)
		return rc;
	if (!access || !c->fmt)
		goto out;
	/* The guest's own checks come first: a guest #PF wins over a fault
	 * on the final GPA access. */
	if (!c->arch->access_ok(c, gperms, r.out_pkey, access) ||
	    (c->arch->leaf_access_ok &&
	     !c->arch->leaf_access_ok(c, r.out_entry, access))) {
		fault_set(fault, PGW_FAULT_ACCESS, c, r.out_level,
			  leaf_index(c, va, r.out_level), 0, r.out_entry, va);
		return PGW_EACCES;
	}
	if (c->nested) {
		/* SDM 3C 29.3.3.2 / APM 15.25.5: the nested stage checks the
		 * access to the GPA on its own R/W/X bits; the guest's CR0.WP,
		 * SMEP, SMAP and keys do not apply there. */
		struct pgw_result h;
		unsigned need = ((access & PGW_ACC_READ) ? PGW_PERM_R : 0) |
				((access & PGW_ACC_WRITE) ? PGW_PERM_W : 0) |
				((access & PGW_ACC_EXEC) ? PGW_PERM_X : 0);

		rc = nested_gpa(c, r.out_gpa, &h, fault, NULL);
		if (rc < 0)
			return rc;
		if ((h.out_perms & need) != need) {
			fault_set(fault, PGW_FAULT_ACCESS, c->nested,
				  h.out_level, leaf_index(c->nested, r.out_gpa,
							  h.out_level),
				  0, h.out_entry, r.out_gpa);
			fault->out_stage = PGW_STAGE_NESTED;
			return PGW_EACCES;
		}
	}
out:
	*out = r;
	return 0;
}

int pgw__nested_gpa(pgw_ctx *c, uint64_t gpa, struct pgw_result *r,
		    struct pgw_fault *fault)
{
	return nested_gpa(c, gpa, r, fault, NULL);
}

int pgw_translate(pgw_ctx *c, uint64_t va, unsigned access,
		  struct pgw_result *out, struct pgw_fault *fault,
		  struct pgw_trace *trace)
{
	if (!c || !out)
		return PGW_EINVAL;
	/* The region of @va (arm64 TTBR1) before anything: its TLB, fast
	 * path and walk serve it; another region's would miss every time
	 * (TLB tags are the region's VAs, input_index() refuses the rest). */
	c = pgw__region(c, va);
	if (!access && !trace && (c->caches & PGW__CACHE_TLB) &&
	    !c->tlb_sparse) {
		/* The debugger's commonest question, first: only radix walks
		 * fill the TLB, so a hit needs no look at the format. This is
		 * tlb_probe()'s dense hit written out: calling it here (with
		 * its sparse branch) gave this function a frame again and
		 * cost 10% on local and 20% on random lookups (xlat_cmp). */
		struct pgw_tlb_entry *t = tlb_slot(c, va);

		if (t->tag == (va >> 12) + 1) {
			if (!t->used)
				t->used = true;
			tlb_fill(out, t, va);
			return 0;
		}
	}
	return translate_plain(c, va, access, out, fault, trace);
}
