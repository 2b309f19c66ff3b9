/*
 * Private definitions of the RISC-V family (walker/riscv/): PTE bits, the
 * descriptor kinds of its formats, the hart state a context keeps for its
 * access rules, and the hooks its arch entry (formats.c) names.
 */
#ifndef PGW_RISCV_PRIV_H
#define PGW_RISCV_PRIV_H

#include "walker_priv.h"

/* PTE bits (Privileged ISA 4.3.1, 4.4.1; Svpbmt; Svnapot). */
#define RV_V    (1ULL << 0)
#define RV_R    (1ULL << 1)
#define RV_W    (1ULL << 2)
#define RV_X    (1ULL << 3)
#define RV_U    (1ULL << 4)
#define RV_G    (1ULL << 5)
#define RV_A    (1ULL << 6)
#define RV_D    (1ULL << 7)
#define RV_RWX  (RV_R | RV_W | RV_X)
#define RV_PPN_SHIFT 10           /* PPN starts at bit 10, PA at bit 12 */
#define RV_PBMT_SHIFT 61
#define RV_PBMT (3ULL << RV_PBMT_SHIFT)  /* 0 PMA, 1 NC, 2 IO, 3 reserved */
#define RV_N    (1ULL << 63)      /* Svnapot */
/* Svnapot: a level-0 NAPOT PTE with PPN[3:0] = 1000 maps 64 KiB. */
#define RV_NAPOT_LOW  (0xfULL << RV_PPN_SHIFT)
#define RV_NAPOT_64K  (0x8ULL << RV_PPN_SHIFT)

/* How entries of a level are laid out (struct pgw_level.kind). */
enum pgw_riscv_kind {
	RV_KIND_SV32,      /* 4-byte PTEs, PPN 31:10, no N/PBMT */
	RV_KIND_64,        /* 8-byte PTEs (Sv39/48/57 and the x4 G-stages) */
};

/* The hart state of a context (c->priv). */
struct pgw_riscv_state {
	bool sum, mxr;
	unsigned priv_data;       /* privilege loads and stores check at */
	unsigned priv_exec;       /* and instruction fetches (U or S) */
};

static inline const struct pgw_riscv_state *pgw__riscv(const pgw_ctx *c)
{
	return c->priv;
}

extern const struct pgw_arch pgw__arch_riscv;

/* Hooks of pgw__arch_riscv (ctx.c, entry.c, letters.c, view_mem.c). */
void pgw__riscv_derive(pgw_ctx *c);
int pgw__riscv_new_stage2(pgw_ctx *c, uint64_t root, int nxe, char *err,
			  size_t errlen);
uint64_t pgw__riscv_rsvd(const pgw_ctx *c, int level, uint64_t e, bool leaf);
uint64_t pgw__riscv_leaf_base(const pgw_ctx *c, int level, uint64_t e,
			      uint64_t idx);
bool pgw__riscv_access_ok(const pgw_ctx *c, unsigned perms, int pkey,
			  unsigned access);
enum pgw_deny pgw__riscv_access_deny(const pgw_ctx *c, unsigned perms,
				     int pkey, unsigned access);
int pgw__riscv_fault_code(const pgw_ctx *c, const struct pgw_access *a,
			  unsigned access, uint64_t *code);
bool pgw__riscv_leaf_access_ok(const pgw_ctx *c, uint64_t leaf,
			       unsigned access);
void pgw__riscv_flag_letters(const struct pgw_level *lv, uint64_t e,
			     char out[11]);
uint64_t pgw__riscv_flag_key(const struct pgw_level *lv, uint64_t e);
char *pgw__riscv_tlb_flags(const struct pgw_level *lv, uint64_t e, char *p);
int pgw__riscv_view_mem(pgw_ctx *c, pgw_write_fn write, void *payload);

#endif /* PGW_RISCV_PRIV_H */
