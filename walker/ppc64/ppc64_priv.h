/*
 * Private definitions of the ppc64 family (walker/ppc64/), today its hash
 * method: the context's hash state (SLB copy, HTAB geometry, HPTE source),
 * one lookup's result, and the whole-method hooks its arch entry
 * (formats.c) gives the core.
 */
#ifndef PGW_PPC64_PRIV_H
#define PGW_PPC64_PRIV_H

#include "walker_priv.h"

#define PGW_HPTE_SIZE 16
#define PGW_HPTES_PER_GROUP 8

struct pgw_hash {
	const struct pgw_hpte_ops *ops;  /* NULL: HTAB in physical memory */
	void *ops_payload;
	uint64_t htab_base;       /* HTABORG (memory source only) */
	unsigned htab_shift;      /* log2 of the table size in bytes */
	uint64_t nhpte;           /* HPTEs in the table */
	uint64_t pteg_mask;       /* number of PTEGs - 1 */
	uint64_t msr, amr, iamr, lpcr;
	unsigned flags;
	unsigned nslb;
	struct pgw_ppc64_slbe slb[];
};

/* What one successful hash lookup found (Power ISA 3.0B III 5.7.7). */
struct pgw_hash_hit {
	unsigned slot;            /* SLB slot used */
	unsigned base_shift;      /* segment base page size */
	unsigned page_shift;      /* actual page size of the HPTE */
	uint64_t hash;            /* primary hash value */
	uint64_t pteg;            /* PTEG number the HPTE was found in */
	uint64_t index;           /* HPTE index in the table */
	uint64_t pte0, pte1;      /* pte0 in the pre-3.0 format */
	uint64_t ra;              /* real address of the EA */
	unsigned perms;           /* PGW_PERM_* as documented in pgwalk.h */
	int key;                  /* 5-bit virtual page class key */
};

/* Base page shift of an SLB VSID word's B and L||LP, 0 if reserved; with
 * @seg_shift the segment shift (28 or 40). */
unsigned pgw__slb_base_shift(uint64_t vsid, unsigned *seg_shift);

/* Actual page shift of an HPTE in a segment of base @base_shift, 0 when
 * its L/LP encoding does not exist for that base size. */
unsigned pgw__hpte_page_shift(unsigned base_shift, uint64_t pte0,
			      uint64_t pte1);

/* The 5-bit key of pte1. */
static inline int pgw__hpte_key(uint64_t pte1)
{
	return (int)(((pte1 & PGW_HPTE1_KEY_HI) >> 57) |
		     ((pte1 & PGW_HPTE1_KEY_LO) >> 9));
}

/* Read @n HPTEs from @index (inside the table) as raw big-endian bytes,
 * into @buf or mapped; NULL if unreadable. */
const unsigned char *pgw__hash_read(pgw_ctx *c, uint64_t index, unsigned n,
				    void *buf);

/* Decode HPTE @i of a raw group, converting the ISA 3.0 format. */
void pgw__hpte_decode(const pgw_ctx *c, const unsigned char *raw,
		      uint64_t *pte0, uint64_t *pte1);

/* Find the HPTE for @ea; faults as pgw_translate() documents. */
int pgw__hash_lookup(pgw_ctx *c, uint64_t ea, struct pgw_hash_hit *hit,
		     struct pgw_fault *f, struct pgw_trace *t);

extern const struct pgw_arch pgw__arch_ppc64;

/* The hash state of a ppc64 hash context, NULL for any other context. */
static inline struct pgw_hash *pgw__hash(const pgw_ctx *c)
{
	return c->arch == &pgw__arch_ppc64 ? c->priv : NULL;
}

/* Hooks of pgw__arch_ppc64 (hash.c, view_hash.c). */
int pgw__hash_translate(pgw_ctx *c, uint64_t va, unsigned access,
			struct pgw_result *out, struct pgw_fault *fault,
			struct pgw_trace *trace);
int pgw__hash_walk(pgw_ctx *c, const struct pgw_walk_filter *filter,
		   const struct pgw_walk_ops *ops, void *payload);
int pgw__hash_view_pg(pgw_ctx *c, const struct pgw_pg_opts *o,
		      pgw_write_fn write, void *payload);
int pgw__hash_view_vtop(pgw_ctx *c, uint64_t va, pgw_write_fn write,
			void *payload);
/* QEMU's ppc `info tlb` is dump_slb(): pgw_view_slb(). */

#endif /* PGW_PPC64_PRIV_H */
