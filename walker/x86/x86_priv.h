/*
 * Private definitions of the x86 family (walker/x86/): entry bits, the
 * descriptor kinds of its formats, the control bits a context keeps for
 * its access rules, and the hooks its arch entry (formats.c) names.
 */
#ifndef PGW_X86_PRIV_H
#define PGW_X86_PRIV_H

#include "walker_priv.h"

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
#define X86_PAE_PDPTE_LOAD_RSVD 0x1e6ULL
/* IA-32e protection keys: leaf bits 62:59 (SDM 3A 4.6.2). */
#define X86_PKEY_SHIFT 59

/* How entries of a level encode presence, permissions and addresses
 * (struct pgw_level.kind). */
enum pgw_x86_kind {
	X86_KIND_32,       /* 4-byte legacy entries */
	X86_KIND_PDPTE,    /* the four PAE PDPTEs: no permission bits */
	X86_KIND_PAE,      /* 8-byte PAE entries: bits 62:MAXPHYADDR reserved */
	X86_KIND_64,       /* 8-byte IA-32e / NPT entries: 51:MAXPHYADDR */
	X86_KIND_EPT,      /* 8-byte EPT entries: R/W/X, memory type */
};

/* The control bits of a context (c->priv). */
struct pgw_x86_state {
	bool pse, nxe, wp, smep, smap, pke, pks, ac;
	uint32_t pkru, pkrs;
	/* The lower half's region when its root is unknown: the IA-32e
	 * format narrowed to that half (kernel_half_only). */
	struct pgw_format half_fmt;
};

static inline const struct pgw_x86_state *pgw__x86(const pgw_ctx *c)
{
	return c->priv;
}

extern const struct pgw_arch pgw__arch_x86;

/* Hooks of pgw__arch_x86 (ctx.c, entry.c, letters.c). */
void pgw__x86_derive(pgw_ctx *c);
int pgw__x86_new_stage2(pgw_ctx *c, uint64_t root, int nxe, char *err,
			size_t errlen);
uint64_t pgw__x86_rsvd(const pgw_ctx *c, int level, uint64_t e, bool leaf);
uint64_t pgw__x86_leaf_base(const pgw_ctx *c, int level, uint64_t e,
			    uint64_t idx);
bool pgw__x86_access_ok(const pgw_ctx *c, unsigned perms, int pkey,
			unsigned access);
enum pgw_deny pgw__x86_access_deny(const pgw_ctx *c, unsigned perms,
				   int pkey, unsigned access);
int pgw__x86_fault_code(const pgw_ctx *c, const struct pgw_access *a,
			unsigned access, uint64_t *code);
void pgw__x86_flag_letters(const struct pgw_level *lv, uint64_t e,
			   char out[11]);
uint64_t pgw__x86_flag_key(const struct pgw_level *lv, uint64_t e);
char *pgw__x86_tlb_flags(const struct pgw_level *lv, uint64_t e, char *p);

#endif /* PGW_X86_PRIV_H */
