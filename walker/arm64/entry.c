/*
 * What arm64 descriptors say beyond their decode masks: the output
 * address (52-bit ones split across fields, FEAT_LPA and FEAT_LPA2, which
 * the masks say too: addr_hi) for the address size check, the faults of D8.x that are not "invalid" (a block where none may be, a
 * reserved page encoding, address size, access flag), and the access
 * rules (EL0/EL1, PAN, WXN, EL0-writable memory never executable at EL1).
 */
#include "arm64_priv.h"

uint64_t pgw__arm64_oa(const pgw_ctx *c, int level, uint64_t e)
{
	const struct pgw_arm64_state *st = pgw__arm64(c);

	(void)level;
	if (st->ds)  /* LPA2: OA[49:pgshift] in place, OA[51:50] in 9:8 */
		return (e & pgw__bits(49, st->pgshift)) |
		       (((e >> 8) & 3) << 50);
	if (st->lpa)  /* LPA, 64K granule: OA[51:48] in bits 15:12 */
		return (e & pgw__bits(47, 16)) | (((e >> 12) & 0xf) << 48);
	return e & pgw__bits(47, st->pgshift);
}

enum pgw_fault_reason pgw__arm64_check(const pgw_ctx *c, int level,
				       uint64_t e, bool leaf)
{
	const struct pgw_arm64_state *st = pgw__arm64(c);
	const struct pgw_level *lv = &c->fmt->lv[level];

	/* D8.3: at level 3 bits[1:0] = 01 is reserved, and a block where
	 * the granule allows none is invalid: Translation faults. */
	if (lv->leaf == PGW_LEAF_ALWAYS ? !(e & A64_TABLE) :
	    leaf && !(lv->kind & A64_KIND_BLOCK))
		return PGW_FAULT_NOT_PRESENT;
	/* D8.3: a table or output address beyond the configured PA size. */
	if (pgw__arm64_oa(c, level, e) >> st->pa_bits)
		return PGW_FAULT_ADDR_SIZE;
	/* D8.5.1: AF = 0 faults unless hardware manages it (TCR.HA). */
	if (leaf && !st->ha && !(e & A64_AF))
		return PGW_FAULT_ACCESS_FLAG;
	return PGW_FAULT_NONE;
}

bool pgw__arm64_access_ok(const pgw_ctx *c, unsigned perms, int pkey,
			  unsigned access)
{
	const struct pgw_arm64_state *st = pgw__arm64(c);
	bool user = access & PGW_ACC_USER;
	bool w = perms & PGW_PERM_W, u = perms & PGW_PERM_U;

	(void)pkey;
	if ((access & PGW_ACC_READ) && !(perms & PGW_PERM_R))
		return false;
	if ((access & PGW_ACC_WRITE) && !w)
		return false;
	if (st->s2)  /* a stage 2 checked on its own: S2AP and XN */
		return !(access & PGW_ACC_EXEC) ||
		       (perms & (user ? PGW_PERM_UX : PGW_PERM_X));
	if (access & (PGW_ACC_READ | PGW_ACC_WRITE)) {
		if (user && !u)
			return false;
		/* D8.4.2 (PAN): EL1 data accesses to EL0-accessible
		 * memory fault while PSTATE.PAN is set. */
		if (!user && u && st->pan)
			return false;
	}
	if (access & PGW_ACC_EXEC) {
		/* D8.4.1: SCTLR.WXN makes writable memory execute-never;
		 * memory EL0 may write is never executable at EL1. EL0
		 * execution needs UXN clear only (execute-only pages). */
		if (st->wxn && w)
			return false;
		if (user)
			return (perms & PGW_PERM_UX) != 0;
		if (!(perms & PGW_PERM_X) || (u && w))
			return false;
	}
	return true;
}
