/*
 * Private definitions of libpgwalk's arch-neutral core: the translation
 * context, its caches, the descriptor decode every walk applies (from the
 * masks an arch derives, arch.h), and the helpers shared by the core files
 * and the views.
 */
#ifndef PGW_WALKER_PRIV_H
#define PGW_WALKER_PRIV_H

#include "arch.h"

#include <endian.h>
#include <stdbool.h>

#define PGW_PERM_ALL (PGW_PERM_R | PGW_PERM_W | PGW_PERM_X | PGW_PERM_U | \
		      PGW_PERM_UX)
/* What paging disabled grants (no arch decides there). */
#define PGW_PERM_RWXU (PGW_PERM_R | PGW_PERM_W | PGW_PERM_X | PGW_PERM_U)

/* Direct-mapped software TLB (one per context, keyed by 4K VA page). */
#define PGW_TLB_SIZE 1024

/*
 * Lookups scattered over far more pages than the TLB holds hit it almost
 * never, yet each one still pays a probe and a fill. So the TLB watches
 * what its fills earn: when, of the last PGW_TLB_WINDOW entries it evicted,
 * fewer than 1 in PGW_TLB_SPARSE_HITS had been hit, it turns sparse, and
 * only one translation in PGW_TLB_SPARSE_EVERY consults and fills it.
 * Sparse, it counts the hits of those lookups instead, and turns dense
 * again as soon as a window of them hits as often. Hits cost nothing
 * extra while dense: a flag in the entry, set once.
 */
#define PGW_TLB_WINDOW 1024u
#define PGW_TLB_SPARSE_HITS 16u
#define PGW_TLB_SPARSE_EVERY 8u
struct pgw_tlb_entry {
	uint64_t tag;             /* (va >> 12) + 1; 0 = empty */
	uint64_t pa_page;         /* physical 4K frame of that VA page */
	uint64_t gpa_page;
	uint64_t page_size;
	uint64_t entry;
	unsigned perms;
	unsigned gperms;          /* this stage's own perms (before nesting) */
	short level;              /* -1..4, pkey -1..15: narrow, so that */
	signed char pkey;         /* the flag keeps entries at 56 bytes */
	bool used;                /* hit since it was filled */
};

/*
 * Paging-structure caches (SDM 3A 4.10.3): for each non-leaf level, the
 * address of the next table and the permissions combined down to it, keyed
 * by the input-address bits that select that entry, so that a translation
 * can start at the deepest level whose path it shares with an earlier one.
 * Only entries that were present, non-leaf and free of reserved bits are
 * kept; the context's registers never change, so only memory can make them
 * stale, and pgw_ctx_invalidate() drops them with the TLB.
 */
#define PGW_PSC_SLOTS 4096
struct pgw_psc_entry {
	uint64_t tag;             /* (index >> level shift) + 1; 0 = empty */
	uint64_t table;           /* next table (page aligned: it comes from a
				   * table entry's address bits) | permissions
				   * of the levels down to it, ANDed */
	const unsigned char *host; /* the whole of that table in host
				   * memory (mem->map), or NULL until known */
};

/* Host pointers of table pages from mem->map (valid while the memory is).
 * 4096 slots (64 KiB): an arm64 kernel's 4K-page linear map (rodata=full)
 * has a leaf table per 2 MiB, 250 for 512 MiB, which 256 direct-mapped
 * slots kept evicting: random translations on the recorded 4K guest went
 * from 14-21 to 30 M/s (bench/xlat_cmp, TLB+PSC), x86 unchanged. */
#define PGW_MAPC_SLOTS 4096
struct pgw_mapc_entry {
	uint64_t tag;             /* (pa >> 12) + 1; 0 = empty */
	const unsigned char *p;
};

/* Caches a context uses (pgw__cache_set); all are on by default. */
#define PGW__CACHE_TLB 1u       /* translations (pgw_tlb_entry) */
#define PGW__CACHE_PSC 2u       /* paging-structure caches */
#define PGW__CACHE_MAP 4u       /* host pointers of mapped table pages */
#define PGW__CACHE_ALL 7u

/* Table-page cache for sources that cannot map memory. */
#define PGW_PCACHE_SLOTS 64
struct pgw_pcache_slot {
	uint64_t pa;              /* page address + 1; 0 = empty */
	unsigned char data[4096];
};

struct pgw_ctx {
	const struct pgw_arch *arch;
	const struct pgw_format *fmt; /* NULL: paging disabled */
	struct pgw_decode m[PGW_MAX_LEVELS];
	uint64_t root;            /* table address of the top level */
	unsigned maxphyaddr;
	signed char pkey_shift;   /* leaves hold a protection key in bits
				   * [shift+3:shift]; -1: keys do not apply */
	bool fast;                /* every level plain (8-byte little-endian
				   * entries, no decode hooks): walk.c's
				   * translate_fast() serves it */
	bool uniform;             /* every level decodes presence and
				   * permissions alike, tables and leaves,
				   * one bit a permission, addresses
				   * unshifted (x86, EPT, NPT):
				   * translate_fast() decodes once */
	bool nine;                /* c->fast with 512-entry tables only: the
				   * fast path's index mask is a constant */
	bool root_loaded;         /* the root table is held in registers */
	/*
	 * Input regions. A context translates one region of input addresses
	 * with its format and root; a second one (arm64 TTBR1, ppc64 radix
	 * quadrant 3) is a context of its own in @upper, serving the VAs with
	 * a bit of @upper_sel set. A region context (@region) holds the VAs
	 * idx | va_fill for every index idx < 2^va_bits, ignoring the bits of
	 * va_ignore (arm64 top-byte-ignore); other contexts are sign-extended
	 * (fmt->canonical) or start at 0.
	 */
	pgw_ctx *upper;           /* owned; NULL: one region */
	const char *region_name;  /* `info pg` heads the region's section
				   * with it ("TTBR1_EL1"); NULL: none */
	char region_desc[64];     /* and its geometry ("4K granule, 48-bit") */
	uint64_t upper_sel;
	uint64_t va_fill, va_ignore;
	bool region;
	/* The input check of all of the above as constants (pgw__derive):
	 * va is this region's iff ((va + in_add) ^ in_fill) & in_check is
	 * 0, at index va & in_mask. in_add carries a canonical address's
	 * sign bit out of the mask: one add and one test for every kind. */
	uint64_t in_mask, in_add, in_fill, in_check;
	/* pgw_translate()'s inline path serves this context: c->fast, no
	 * nested stage, mapped memory (pgw__plain_update). */
	bool plain;
	/* walk.c's translate_last(): pgw__plain_update fills it for a plain
	 * context of two levels or more with its PSC and map cache on. */
	struct pgw_last {
		bool ok;
		unsigned char shift;       /* the last level's index shift */
		uint64_t imask;            /* and its index mask */
		unsigned char psc_shift;   /* the level above: its PSC key */
		struct pgw_psc_entry *psc; /* and its slots */
		const struct pgw_decode *m; /* the last level's decode */
	} last;
	/* A canonical context serving only its upper half, as the upper
	 * region of one whose lower half has no root (x86 kernel_half_only):
	 * walks start at the first upper-half address. */
	bool upper_half;
	/* Nonzero: every translation in this context's region faults so
	 * (arm64: EPDn, PGW_FAULT_NOT_PRESENT; unknown root, NO_ROOT; a root
	 * above the PA size, ADDR_SIZE), at level -1 for NO_ROOT, else 0. */
	enum pgw_fault_reason off_reason;
	uint64_t root_regs[4];    /* (x86 PAE PDPTEs), as in memory */

	const struct pgw_mem_ops *mem;
	void *mem_payload;
	pgw_ctx *nested;          /* stage 2, borrowed */

	uint64_t walk_budget;     /* tables a range walk may visit */
	uint64_t small_table[4];  /* a PAE PDPT read on its own */
	struct pgw_tlb_entry *tlb;
	uint32_t tlb_window;      /* evictions (dense) or lookups (sparse) */
	uint32_t tlb_hits;        /* of those, entries that were hit */
	uint32_t tlb_skipped;     /* translations since the last sparse use */
	bool tlb_sparse;          /* the last window hit too rarely */
	struct pgw_pcache_slot *pcache;
	struct pgw_psc_entry *psc; /* (PGW_MAX_LEVELS - 1) * PGW_PSC_SLOTS */
	struct pgw_mapc_entry *mapc;
	unsigned caches;          /* PGW__CACHE_* in use */
	bool cache_filled;        /* an entry was stored since the last clear */
	void *priv;               /* the arch's own state (x86 control bits,
				   * ppc64 SLB and HTAB); freed with free() */
};

/* Default bound on the tables one range walk may load (aliasing tables). */
#define PGW_DEFAULT_WALK_BUDGET (1ULL << 22)

/* Mask of bits [hi:lo], inclusive; empty when hi < lo. */
static inline uint64_t pgw__bits(unsigned hi, unsigned lo)
{
	if (hi < lo || lo > 63)
		return 0;
	if (hi > 63)
		hi = 63;
	return (hi == 63 ? ~0ULL : ((1ULL << (hi + 1)) - 1)) & ~((1ULL << lo) - 1);
}

/* Descriptor decoding (struct pgw_decode), inline for the walk loops. */
static inline bool pgw__present(const struct pgw_decode *m, uint64_t e)
{
	return (e & m->present) != 0;
}

static inline bool pgw__is_leaf(const struct pgw_decode *m, uint64_t e)
{
	return ((e ^ m->leaf_xor) & m->leaf) != 0;
}

/* What @p grants an entry @e (arch.h: PGW_PERM bit k iff always has it
 * or (e ^ flip) & mask[k]). */
static inline unsigned pgw__perms_of(const struct pgw_perm_decode *p,
				     uint64_t e)
{
	uint64_t x = e ^ p->flip;

	return p->always |
	       ((x & p->mask[0]) ? PGW_PERM_R : 0) |
	       ((x & p->mask[1]) ? PGW_PERM_W : 0) |
	       ((x & p->mask[2]) ? PGW_PERM_X : 0) |
	       ((x & p->mask[3]) ? PGW_PERM_U : 0) |
	       ((x & p->mask[4]) ? PGW_PERM_UX : 0);
}

static inline unsigned pgw__entry_perms(const struct pgw_decode *m,
					uint64_t e, bool leaf)
{
	return pgw__perms_of(&m->perm[leaf], e);
}

/* pgw__entry_perms() through the table pgw__derive built (p->lut_ok). */
static inline unsigned pgw__lut_perms(const struct pgw_perm_decode *p,
				      uint64_t e)
{
	unsigned lo = (unsigned)(e >> p->lut_lo[0]) & p->lut_mask[0];
	unsigned hi = (unsigned)(e >> p->lut_lo[1]) & p->lut_mask[1];

	return p->lut[lo | hi << p->lut_bits[0]];
}

/* The address an entry's address fields say (struct pgw_decode). */
static inline uint64_t pgw__frame(const struct pgw_decode *m, uint64_t e)
{
	return (e & m->addr) << m->addr_shift |
	       (e & m->addr_hi) << m->addr_hi_shift;
}

/* Physical address of the table (or 4K page) an entry points to. */
static inline uint64_t pgw__next_table(const pgw_ctx *c, int level, uint64_t e)
{
	/* hook_addr: leaf frames through the hook; tables too when the
	 * arch has a table_base hook (x86 PSE-36 tables are plain). */
	if (c->m[level].hook_addr && c->fmt->arch->table_base)
		return c->fmt->arch->table_base(c, level, e);
	return pgw__frame(&c->m[level], e);
}

/* Why the arch refuses entry @e beyond presence and reserved bits
 * (PGW_FAULT_NONE if it does not): arm64 invalid encodings, address size,
 * access flag. */
static inline enum pgw_fault_reason pgw__check(const pgw_ctx *c, int level,
					       uint64_t e, bool leaf)
{
	if (!c->m[level].hook_check)
		return PGW_FAULT_NONE;
	return c->fmt->arch->check(c, level, e, leaf);
}

/* The region of @c that translates @va (c itself or its upper region). */
static inline pgw_ctx *pgw__region(pgw_ctx *c, uint64_t va)
{
	return c->upper && (va & c->upper_sel) ? c->upper : c;
}

/* Size of the chunks tables are loaded in: a 16K or 64K granule's table,
 * concatenated stage-2 tables and RISC-V's 16 KiB G-stage roots are read a
 * 4K page at a time. */
#define PGW_CHUNK 4096u

/* Physical base of the page a leaf entry at @level maps at input index
 * @idx (any index inside the entry's span). */
static inline uint64_t pgw__leaf_base(const pgw_ctx *c, int level, uint64_t e,
				      uint64_t idx)
{
	const struct pgw_decode *m = &c->m[level];

	if (m->hook_addr)
		return c->fmt->arch->leaf_base(c, level, e, idx);
	return pgw__frame(m, e) & ~((1ULL << c->fmt->lv[level].shift) - 1);
}

/* Reserved bits set in @e (0 if none), the arch's own checks included. */
static inline uint64_t pgw__rsvd(const pgw_ctx *c, int level, uint64_t e,
				 bool leaf)
{
	const struct pgw_decode *m = &c->m[level];
	uint64_t r = e & (leaf ? m->rsvd_leaf : m->rsvd_table);

	if (m->hook_rsvd)
		r |= c->fmt->arch->rsvd(c, level, e, leaf);
	return r;
}

/* Protection key of a leaf, or -1 when keys do not apply. */
static inline int pgw__pkey(const pgw_ctx *c, uint64_t leaf_entry)
{
	if (c->pkey_shift < 0)
		return -1;
	return (int)((leaf_entry >> c->pkey_shift) & 0xf);
}

/* Fill c->m[] for c->fmt through its arch, then what follows from the
 * masks for every arch: leaf masks of NEVER/ALWAYS levels, c->fast. */
void pgw__derive(pgw_ctx *c);

/* Recompute c->plain after what it depends on changed (nesting). */
void pgw__plain_update(pgw_ctx *c);

/* A context of @arch with its caches, or NULL with the error set. */
int pgw__ctx_alloc(pgw_ctx **out, const struct pgw_arch *arch,
		   const struct pgw_mem_ops *mem, void *payload,
		   unsigned maxphyaddr, char *err, size_t errlen);

/*
 * Load the table of @size bytes at @addr (in this context's input space,
 * i.e. GPA when nested) for reading: mapped zero-copy when the source can,
 * else read into @scratch if given, else through the page cache. Returns a
 * pointer valid until the next load on this context, or NULL with @fault
 * filled (stage and reason).
 */
const void *pgw__load_table(pgw_ctx *c, uint64_t addr, size_t size, void *scratch,
			    struct pgw_fault *fault, struct pgw_trace *trace,
			    uint64_t *host_addr);

/* pgw_walk() over @c's own region only, not its upper one (iter.c); the
 * views walk region by region, each with its own format. */
int pgw__walk_region(pgw_ctx *c, const struct pgw_walk_filter *filter,
		     const struct pgw_walk_ops *ops, void *payload);

/* Translate a GPA of @c's guest through its nested stage (walk.c). */
int pgw__nested_gpa(pgw_ctx *c, uint64_t gpa, struct pgw_result *r,
		    struct pgw_fault *fault);

/*
 * The walker's one way to report a constructor's failure (ctx.c): format
 * into the caller's @err buffer (either may be NULL/0) and return
 * PGW_EINVAL. Objects that fail later keep their own text (pgw_htab).
 */
int pgw__fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Cache helpers (cache.c). */
int pgw__cache_init(pgw_ctx *c);
void pgw__cache_free(pgw_ctx *c);
const void *pgw__pcache_get(pgw_ctx *c, uint64_t page_pa, int *rc);
/* Choose the caches (PGW__CACHE_*) a context uses, dropping their contents;
 * benchmarks turn them off to measure bare walks. */
void pgw__cache_set(pgw_ctx *c, unsigned caches);

static inline uint64_t pgw__table_bytes(const struct pgw_format *f,
					const struct pgw_level *lv)
{
	return (uint64_t)f->entry_size << lv->bits;
}

/* Entry @i of a table of 4-byte (@four) or 8-byte entries, in the guest's
 * byte order (@be: big-endian) whatever the host's is. */
static inline uint64_t pgw__entry_at(const void *table, unsigned i, bool four,
				     bool be)
{
	if (four)
		return le32toh(((const uint32_t *)table)[i]);
	if (be)
		return be64toh(((const uint64_t *)table)[i]);
	return le64toh(((const uint64_t *)table)[i]);
}

static inline uint64_t pgw__read_entry(const struct pgw_format *f,
				       const void *table, unsigned i)
{
	return pgw__entry_at(table, i, f->entry_size == 4, f->big_endian);
}

#endif /* PGW_WALKER_PRIV_H */
