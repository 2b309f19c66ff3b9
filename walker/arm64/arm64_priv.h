/*
 * Private definitions of the arm64 family (walker/arm64/): VMSAv8-64
 * descriptor and register bits, the state a region context keeps (its
 * format, built from TCR/VTCR because the geometry is a register's choice,
 * not a mode's), and the hooks its arch entry (formats.c) names.
 */
#ifndef PGW_ARM64_PRIV_H
#define PGW_ARM64_PRIV_H

#include "walker_priv.h"

/* Descriptor bits (Arm ARM D8.3, "VMSAv8-64 translation table format
 * descriptors"). */
#define A64_VALID      (1ULL << 0)
#define A64_TABLE      (1ULL << 1)   /* table (levels < 3) or page (3) */
#define A64_AP1        (1ULL << 6)   /* stage 1: EL0 access; S2AP[0]: read */
#define A64_AP2        (1ULL << 7)   /* stage 1: read-only; S2AP[1]: write */
#define A64_ATTRINDX(e) ((unsigned)(((e) >> 2) & 7))  /* stage 1 */
#define A64_MEMATTR(e) ((unsigned)(((e) >> 2) & 0xf))  /* stage 2 */
#define A64_AF         (1ULL << 10)
#define A64_NG         (1ULL << 11)
#define A64_DBM        (1ULL << 51)
#define A64_CONT       (1ULL << 52)
#define A64_PXN        (1ULL << 53)
#define A64_UXN        (1ULL << 54)  /* stage 2: XN[1] */
#define A64_PXNTABLE   (1ULL << 59)
#define A64_UXNTABLE   (1ULL << 60)
#define A64_APTABLE0   (1ULL << 61)  /* no EL0 access below */
#define A64_APTABLE1   (1ULL << 62)  /* no write access below */

/* TCR_EL1 fields (Arm ARM D19.2 TCR_EL1). */
#define TCR_T0SZ(t)    ((unsigned)((t) & 0x3f))
#define TCR_EPD0       (1ULL << 7)
#define TCR_TG0(t)     ((unsigned)(((t) >> 14) & 3))
#define TCR_T1SZ(t)    ((unsigned)(((t) >> 16) & 0x3f))
#define TCR_EPD1       (1ULL << 23)
#define TCR_TG1(t)     ((unsigned)(((t) >> 30) & 3))
#define TCR_IPS(t)     ((unsigned)(((t) >> 32) & 7))
#define TCR_TBI0       (1ULL << 37)
#define TCR_TBI1       (1ULL << 38)
#define TCR_HA         (1ULL << 39)
#define TCR_HPD0       (1ULL << 41)
#define TCR_HPD1       (1ULL << 42)
#define TCR_DS         (1ULL << 59)
/* TCR_EL2 fields of the EL2 regime, E2H = 0 (Arm ARM D19.2 TCR_EL2); with
 * E2H = 1 TCR_EL2 has TCR_EL1's layout. T0SZ and TG0 are where TCR_EL1
 * has them. */
#define TCR2_PS(t)     ((unsigned)(((t) >> 16) & 7))
#define TCR2_TBI       (1ULL << 20)
#define TCR2_HA        (1ULL << 21)
#define TCR2_HPD       (1ULL << 24)
#define TCR2_DS        (1ULL << 32)
/* VTCR_EL2 fields (Arm ARM D19.2 VTCR_EL2). */
#define VTCR_SL0(t)    ((unsigned)(((t) >> 6) & 3))
#define VTCR_PS(t)     ((unsigned)(((t) >> 16) & 7))
#define VTCR_HA        (1ULL << 21)
#define VTCR_DS        (1ULL << 32)
#define VTCR_SL2       (1ULL << 33)

/* struct pgw_level.kind bits of the formats arm64 builds. */
#define A64_KIND_BLOCK 1u   /* a block descriptor is allowed here */
#define A64_KIND_S2    2u   /* stage-2 descriptor */
#define A64_KIND_EL2   4u   /* EL2 regime (E2H = 0): no EL0, one XN */

/* The state of one region context (c->priv). */
struct pgw_arm64_state {
	struct pgw_format fmt;   /* this region's geometry */
	char names[PGW_MAX_LEVELS][16];
	unsigned pgshift;        /* 12, 14, 16 */
	int start;               /* Arm level of lv[0]: -1..3 */
	unsigned pa_bits;        /* output size: IPS/PS within PARange */
	bool ds;                 /* TCR.DS: LPA2 descriptors */
	bool lpa;                /* 64K granule with 52-bit PAs (FEAT_LPA) */
	bool ha;                 /* hardware Access flag: AF=0 not a fault */
	bool hpd;                /* hierarchical permissions disabled */
	bool wxn, pan;
	bool s2;
	unsigned regime;         /* PGW_ARM64_REGIME_* (stage 1) */
	bool has_mair;           /* MAIR_EL1 known: memory types by name */
	uint64_t mair;
};

static inline const struct pgw_arm64_state *pgw__arm64(const pgw_ctx *c)
{
	return c->priv;
}

extern const struct pgw_arch pgw__arch_arm64;

/* formats.c */
extern const struct pgw_format pgw__arm64_fmt_s1, pgw__arm64_fmt_s2;
/* Fill st->fmt for a granule of 2^@pgshift bytes, an input of @ia bits and
 * the first level @start (-1..3); a top level wider than a granule holds
 * concatenated tables (stage 2). */
void pgw__arm64_geometry(struct pgw_arm64_state *st, const struct pgw_format *proto,
			 unsigned ia, int start);

/* Hooks of pgw__arch_arm64 (ctx.c, entry.c, letters.c). */
void pgw__arm64_derive(pgw_ctx *c);
int pgw__arm64_new_stage2(pgw_ctx *c, uint64_t root, int nxe, char *err,
			  size_t errlen);
uint64_t pgw__arm64_oa(const pgw_ctx *c, int level, uint64_t e);
enum pgw_fault_reason pgw__arm64_check(const pgw_ctx *c, int level,
				       uint64_t e, bool leaf);
bool pgw__arm64_access_ok(const pgw_ctx *c, unsigned perms, int pkey,
			  unsigned access);
void pgw__arm64_flag_letters(const struct pgw_level *lv, uint64_t e,
			     char out[11]);
uint64_t pgw__arm64_flag_key(const struct pgw_level *lv, uint64_t e);
char *pgw__arm64_tlb_flags(const struct pgw_level *lv, uint64_t e, char *p);
uint64_t pgw__arm64_prot_key(const pgw_ctx *c, const struct pgw_leaf *l);
char *pgw__arm64_prot_cols(const pgw_ctx *c, uint64_t key, char *p);

#endif /* PGW_ARM64_PRIV_H */
