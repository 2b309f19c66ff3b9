/*
 * Private definitions of the ppc64 radix MMU (walker/ppc64/radix_*.c):
 * the bits of partition-table, process-table and tree entries, the state
 * a region context keeps (its tree's geometry, built from the PRTE or
 * PATE, and MSR[PR]), and the hooks its arch entry names. The hash MMU
 * beside it is a separate arch (ppc64_priv.h).
 *
 * The Power ISA numbers bits from the most significant (bit 0 = 2^63);
 * every mask here is written as the value's bit, with the ISA's number
 * in the comment.
 */
#ifndef PGW_RADIX_PRIV_H
#define PGW_RADIX_PRIV_H

#include "walker_priv.h"

/* Tree entries (ISA 3.0B Book III, radix PDE and PTE formats). */
#define RX_V          (1ULL << 63)   /* ISA 0: valid */
#define RX_L          (1ULL << 62)   /* ISA 1: leaf (a PTE) */
#define RX_SW0        (1ULL << 61)   /* ISA 2: software (PTE) */
#define RX_KEY        0x1f00000000000000ULL /* ISA 3:7: Linux keeps its
					     * protection key here (PTE) */
#define RX_RPN        0x00fffffffffff000ULL /* ISA 8:51: real page number
					     * (56-bit real addresses) */
#define RX_SW         0x0000000000000e00ULL /* ISA 52:54: software */
#define RX_R          (1ULL << 8)    /* ISA 55: reference */
#define RX_C          (1ULL << 7)    /* ISA 56: change */
#define RX_PTE_RSVD   (1ULL << 6)    /* ISA 57: reserved */
#define RX_ATT        (3ULL << 4)    /* ISA 58:59: 0 normal, 1 SAO,
					* 2 non-idempotent I/O, 3 tolerant I/O */
#define RX_ATT_SHIFT  4
#define RX_EAA_P      (1ULL << 3)    /* ISA 60: privileged only */
#define RX_EAA_R      (1ULL << 2)    /* ISA 61: read */
#define RX_EAA_W      (1ULL << 1)    /* ISA 62: write */
#define RX_EAA_X      (1ULL << 0)    /* ISA 63: execute */
#define RX_NLB        0x0fffffffffffff00ULL /* ISA 4:55: next level base */
#define RX_PDE_RSVD   0x30000000000000e0ULL /* ISA 2:3, 56:58 */
#define RX_NLS        0x1fULL        /* ISA 59:63: next level 2^NLS entries */

/* Partition- and process-table entries: doubleword 0 (the tree). */
#define RX_RTS1(d)    ((unsigned)(((d) >> 61) & 3))  /* ISA 1:2 */
#define RX_RTS2(d)    ((unsigned)(((d) >> 5) & 7))   /* ISA 56:58 */
#define RX_RPDB       RX_NLB                          /* ISA 4:55 */
#define RX_RPDS(d)    ((unsigned)((d) & 0x1f))        /* ISA 59:63 */
/* PTCR and PATE doubleword 1: a table base (ISA 4:51) and size 2^(12+n). */
#define RX_TABLE_BASE 0x0ffffffffffff000ULL
#define RX_TABLE_SIZE(d) ((unsigned)((d) & 0x1f))

/* The last level of every supported tree covers 2 MiB (POWER9: NLS 9
 * for 4K pages, 5 for 64K); the levels above it index 9 bits each. */
#define RX_LAST_SPAN_SHIFT 21

/* The state of one region or partition-scoped context (c->priv). */
struct pgw_radix_state {
	struct pgw_format fmt;    /* this tree's geometry */
	char names[PGW_MAX_LEVELS][8];
	bool problem;             /* MSR[PR]: accesses are problem state */
	bool part;                /* partition-scoped (stage 2) */
};

static inline const struct pgw_radix_state *pgw__radix(const pgw_ctx *c)
{
	return c->priv;
}

extern const struct pgw_arch pgw__arch_ppc64_radix;
extern const struct pgw_format pgw__radix_fmt_proc, pgw__radix_fmt_part;

/* radix_ctx.c */
int pgw__radix_new_stage2(pgw_ctx *c, uint64_t root, int nxe, char *err,
			  size_t errlen);
/* Fill st->fmt from @proto for a tree of 2^@ea_bits bytes, a root of
 * 2^@rpds entries and a last level of 2^@last_nls; false if no
 * supported tree has that shape. */
bool pgw__radix_geometry(struct pgw_radix_state *st,
			 const struct pgw_format *proto, unsigned ea_bits,
			 unsigned rpds, unsigned last_nls);

/* radix_entry.c: hooks of pgw__arch_ppc64_radix. */
uint64_t pgw__radix_leaf_base(const pgw_ctx *c, int level, uint64_t e,
			      uint64_t idx);
void pgw__radix_derive(pgw_ctx *c);
uint64_t pgw__radix_rsvd(const pgw_ctx *c, int level, uint64_t e, bool leaf);
bool pgw__radix_access_ok(const pgw_ctx *c, unsigned perms, int pkey,
			  unsigned access);
void pgw__radix_flag_letters(const struct pgw_level *lv, uint64_t e,
			     char out[11]);
uint64_t pgw__radix_flag_key(const struct pgw_level *lv, uint64_t e);
char *pgw__radix_tlb_flags(const struct pgw_level *lv, uint64_t e, char *p);

#endif /* PGW_RADIX_PRIV_H */
