/*
 * Private definitions of libpgwalk: paging formats as data, the translation
 * context, and the helpers shared by walk.c, cache.c and the views.
 */
#ifndef PGW_WALKER_PRIV_H
#define PGW_WALKER_PRIV_H

#include "pgwalk.h"

#include <endian.h>
#include <stdbool.h>

#define PGW_MAX_LEVELS 5

/* When an entry at a level may map a page instead of a table. */
enum pgw_leaf_rule {
	PGW_LEAF_NEVER,  /* always a table pointer (PS is reserved) */
	PGW_LEAF_PS,     /* a page when PS (bit 7) is set */
	PGW_LEAF_PSE,    /* a page when PS is set and CR4.PSE (32-bit PDE) */
	PGW_LEAF_ALWAYS, /* last level */
};

/* How entries of a format encode presence, permissions and addresses. */
enum pgw_entry_kind {
	PGW_KIND_X86_32,   /* 4-byte legacy entries */
	PGW_KIND_PAE_PDPT, /* the four PAE PDPTEs: no permission bits */
	PGW_KIND_X86_64,   /* 8-byte PAE / IA-32e / NPT entries */
	PGW_KIND_EPT,      /* 8-byte EPT entries: R/W/X, memory type */
	PGW_KIND_PPC64_HPTE, /* 16-byte HPTEs: decoded by ppc64_hash.c only,
			      * never by the radix walk or its views */
};

struct pgw_level {
	const char *name;
	uint8_t shift;            /* first VA bit this level's index covers */
	uint8_t bits;             /* index width */
	enum pgw_leaf_rule leaf;
	enum pgw_entry_kind kind;
};

struct pgw_format {
	enum pgw_mode mode;
	const char *name;
	unsigned nlevels;
	unsigned entry_size;      /* 4 or 8 */
	unsigned va_bits;         /* width of the input address */
	bool canonical;           /* sign-extended input (IA-32e) */
	bool wide_rsvd;           /* PAE: bits 62:MAXPHYADDR reserved, not 51:M */
	uint64_t root_mask;       /* table address bits of the root register */
	struct pgw_level lv[PGW_MAX_LEVELS];
};

extern const struct pgw_format pgw__fmt_x86_32, pgw__fmt_pae, pgw__fmt_4l,
	pgw__fmt_5l, pgw__fmt_ept4, pgw__fmt_ept5, pgw__fmt_npt4, pgw__fmt_npt5,
	pgw__fmt_ppc64_hash;

const struct pgw_format *pgw__format(enum pgw_mode mode);

/* Bits common to x86 entries (SDM 3A 4.3, 4.4, 4.5). */
#define X86_P    (1ULL << 0)
#define X86_RW   (1ULL << 1)
#define X86_US   (1ULL << 2)
#define X86_PWT  (1ULL << 3)
#define X86_PCD  (1ULL << 4)
#define X86_A    (1ULL << 5)
#define X86_D    (1ULL << 6)
#define X86_PS   (1ULL << 7)
#define X86_G    (1ULL << 8)
#define X86_NX   (1ULL << 63)
/* EPT entries (SDM 3C 29.3.2). */
#define EPT_R    (1ULL << 0)
#define EPT_W    (1ULL << 1)
#define EPT_X    (1ULL << 2)
#define EPT_MT_SHIFT 3
/* PAE PDPTE bits reserved at CR3 load time only (SDM 3A table 4-8). */
#define PGW_PAE_PDPTE_LOAD_RSVD 0x1e6ULL

#define PGW_PERM_ALL (PGW_PERM_R | PGW_PERM_W | PGW_PERM_X | PGW_PERM_U)

/* Per-level masks derived from the format and the context's control bits. */
struct pgw_level_masks {
	uint64_t rsvd_table;      /* reserved bits when the entry is a table */
	uint64_t rsvd_leaf;       /* reserved bits when the entry is a page */
	uint64_t addr;            /* physical address bits (table or 4K page) */
};

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
	const unsigned char *host; /* that table in the map cache's terms
				   * (mem->map), or NULL until known */
};

/* Host pointers of table pages from mem->map (valid while the memory is). */
#define PGW_MAPC_SLOTS 256
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
	const struct pgw_format *fmt;
	struct pgw_level_masks m[PGW_MAX_LEVELS];
	uint64_t root;            /* table address of the top level */
	bool pse, nxe, wp, smep, smap, pke, pks, ac;
	uint32_t pkru, pkrs;
	unsigned maxphyaddr;
	bool pdptes_valid;        /* PAE: use the loaded PDPTE registers */
	uint64_t pdpte[4];

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
	struct pgw_hash *hash;    /* ppc64 hash method (ppc64_hash.c), or NULL */
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

/* Entry decoding, inline for the walk's inner loop. */
static inline bool pgw__present(const struct pgw_level *lv, uint64_t e)
{
	if (lv->kind == PGW_KIND_EPT)
		return (e & (EPT_R | EPT_W | EPT_X)) != 0;
	return (e & X86_P) != 0;
}

static inline bool pgw__is_leaf(const pgw_ctx *c, const struct pgw_level *lv,
				uint64_t e)
{
	switch (lv->leaf) {
	case PGW_LEAF_ALWAYS: return true;
	case PGW_LEAF_PS:     return (e & X86_PS) != 0;
	case PGW_LEAF_PSE:    return (e & X86_PS) && c->pse;
	default:              return false;
	}
}

static inline unsigned pgw__entry_perms(const pgw_ctx *c,
					const struct pgw_level *lv, uint64_t e)
{
	unsigned p = PGW_PERM_R;

	/* An int switch: hash HPTEs (PGW_KIND_PPC64_HPTE) never come here,
	 * and a case for them changes the walk loop's code (objdump). */
	switch ((int)lv->kind) {
	case PGW_KIND_PAE_PDPT:
		return PGW_PERM_ALL;
	case PGW_KIND_EPT:
		/* EPT has no user bit: leave the guest stage's U alone. */
		return ((e & EPT_R) ? PGW_PERM_R : 0) |
		       ((e & EPT_W) ? PGW_PERM_W : 0) |
		       ((e & EPT_X) ? PGW_PERM_X : 0) | PGW_PERM_U;
	case PGW_KIND_X86_32:
		p |= PGW_PERM_X;
		break;
	case PGW_KIND_X86_64:
		if (!(c->nxe && (e & X86_NX)))
			p |= PGW_PERM_X;
		break;
	}
	if (e & X86_RW)
		p |= PGW_PERM_W;
	if (e & X86_US)
		p |= PGW_PERM_U;
	return p;
}

/* Physical address of the table (or 4K page) an entry points to. */
static inline uint64_t pgw__next_table(const pgw_ctx *c, int level, uint64_t e)
{
	return e & c->m[level].addr;
}

/* Physical base of the page a leaf entry at @level maps. */
uint64_t pgw__leaf_base(const pgw_ctx *c, int level, uint64_t e);

/* Reserved bits set in @e (0 if none); EPT misconfigurations included. */
uint64_t pgw__rsvd(const pgw_ctx *c, int level, uint64_t e, bool leaf);

/* Protection key of a leaf, or -1 when keys do not apply. */
int pgw__pkey(const pgw_ctx *c, uint64_t leaf_entry, unsigned perms);

/* SDM 3A 4.6: may @access touch a page with @perms and @pkey? */
bool pgw__access_ok(const pgw_ctx *c, unsigned perms, int pkey,
		    unsigned access);

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
const void *pgw__pcache_get(pgw_ctx *c, uint64_t page_pa);
/* Choose the caches (PGW__CACHE_*) a context uses, dropping their contents;
 * benchmarks turn them off to measure bare walks. */
void pgw__cache_set(pgw_ctx *c, unsigned caches);

static inline uint64_t pgw__table_bytes(const struct pgw_format *f,
					const struct pgw_level *lv)
{
	return (uint64_t)f->entry_size << lv->bits;
}

static inline uint64_t pgw__read_entry(const struct pgw_format *f,
				       const void *table, unsigned i)
{
	/* x86 paging structures are little-endian whatever the host is. */
	if (f->entry_size == 4)
		return le32toh(((const uint32_t *)table)[i]);
	return le64toh(((const uint64_t *)table)[i]);
}

#endif /* PGW_WALKER_PRIV_H */
