/*
 * What RISC-V PTEs say beyond their decode masks: reserved encodings (W
 * without R, PBMT 3, Svnapot N), the frame of a NAPOT page, and the access
 * rules of the Privileged ISA (U/S with SUM, MXR, Svade's A and D).
 */
#include "riscv_priv.h"

/* Leaves only: a pointer's reserved bits are all in its mask. */
uint64_t pgw__riscv_rsvd(const pgw_ctx *c, int level, uint64_t e, bool leaf)
{
	const struct pgw_level *lv = &c->fmt->lv[level];
	uint64_t r = 0;

	if (!leaf)
		return 0;
	/* 4.3.2 step 4: a pointer with no level left (i < 0) faults; V is
	 * what makes this entry count. */
	if (!(e & RV_RWX))
		return RV_V;
	/* 4.3.1: W without R is reserved. */
	if ((e & (RV_R | RV_W)) == RV_W)
		r |= RV_W;
	if (lv->kind != RV_KIND_64)
		return r;
	/* Svpbmt: PBMT 3 is reserved for future standard use. */
	if ((e & RV_PBMT) == RV_PBMT)
		r |= RV_PBMT;
	/* Svnapot: N is defined only for level-0 leaves whose PPN[3:0] is
	 * 1000 (64 KiB); every other N encoding is reserved. */
	if ((e & RV_N) && (lv->leaf != PGW_LEAF_ALWAYS ||
			   (e & RV_NAPOT_LOW) != RV_NAPOT_64K))
		r |= RV_N | (lv->leaf == PGW_LEAF_ALWAYS ?
			     e & RV_NAPOT_LOW : 0);
	return r;
}

/* Set for 8-byte level-0 entries only (derive_level). Svnapot: the page
 * at VPN maps PPN[43:4] | VPN[0][3:0]. */
uint64_t pgw__riscv_leaf_base(const pgw_ctx *c, int level, uint64_t e,
			      uint64_t idx)
{
	uint64_t pa = (e & c->m[level].addr) << c->m[level].addr_shift;

	if (e & RV_N)
		pa = (pa & ~0xffffULL) | (idx & 0xf000ULL);
	return pa & ~0xfffULL;
}

/* 4.3.1 and 3.1.6.3: U pages only from U-mode, or from S-mode loads and
 * stores with SUM, never S-mode fetches; S pages never from U-mode; MXR
 * makes loads from X pages succeed. */
/* 4.3.1, 4.3.2 step 5: the first rule @access breaks, or PGW_DENY_NONE. */
enum pgw_deny pgw__riscv_access_deny(const pgw_ctx *c, unsigned perms,
				     int pkey, unsigned access)
{
	const struct pgw_riscv_state *st = pgw__riscv(c);
	bool user_page = perms & PGW_PERM_U;
	bool data = access & (PGW_ACC_READ | PGW_ACC_WRITE);
	bool user_data = (access & PGW_ACC_USER) ||
			 st->priv_data == PGW_RISCV_PRIV_U;
	bool user_exec = (access & PGW_ACC_USER) ||
			 st->priv_exec == PGW_RISCV_PRIV_U;

	(void)pkey;
	if ((access & PGW_ACC_READ) && !(perms & PGW_PERM_R) &&
	    !(st->mxr && (perms & PGW_PERM_X)))
		return PGW_DENY_READ;
	if ((access & PGW_ACC_WRITE) && !(perms & PGW_PERM_W))
		return PGW_DENY_WRITE;
	if (access & PGW_ACC_EXEC) {
		if (!(perms & PGW_PERM_X))
			return PGW_DENY_EXEC;
		if (user_exec && !user_page)
			return PGW_DENY_USER;
		if (!user_exec && user_page)
			return PGW_DENY_SUPERVISOR;
	}
	if (data) {
		if (user_data && !user_page)
			return PGW_DENY_USER;
		if (!user_data && user_page && !st->sum)
			return PGW_DENY_SUPERVISOR;
	}
	return PGW_DENY_NONE;
}

bool pgw__riscv_access_ok(const pgw_ctx *c, unsigned perms, int pkey,
			  unsigned access)
{
	return pgw__riscv_access_deny(c, perms, pkey, access) == PGW_DENY_NONE;
}

/* The scause of the page fault pgw_access() found (Privileged ISA 3.1.15,
 * 8.6.4 for the G-stage); none for a table outside memory (an access
 * fault) or a walk that ran out of budget. */
int pgw__riscv_fault_code(const pgw_ctx *c, const struct pgw_access *a,
			  unsigned access, uint64_t *code)
{
	bool g = a->out_fault.out_stage == PGW_STAGE_NESTED;

	(void)c;
	switch (a->out_fault.out_reason) {
	case PGW_FAULT_NOT_PRESENT:
	case PGW_FAULT_RESERVED:
	case PGW_FAULT_NONCANONICAL:
	case PGW_FAULT_ACCESS:
		break;
	default:
		return 0;
	}
	*code = (access & PGW_ACC_EXEC) ? (g ? 20 : 12) :
		(access & PGW_ACC_WRITE) ? (g ? 23 : 15) : (g ? 21 : 13);
	return 1;
}

/* 4.3.2 step 7: with A clear, or D clear on a store, a hart either faults
 * (Svade) or sets the bits itself (Svadu). The walker never writes, so an
 * access check answers as a hart that faults. */
bool pgw__riscv_leaf_access_ok(const pgw_ctx *c, uint64_t leaf,
			       unsigned access)
{
	(void)c;
	if (!(leaf & RV_A))
		return false;
	return !((access & PGW_ACC_WRITE) && !(leaf & RV_D));
}
