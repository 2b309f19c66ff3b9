/*
 * What x86 entries say beyond their decode masks: the PSE-36 frame of a
 * 4M page, EPT misconfigurations, and the access rules of SDM 3A 4.6
 * (WP, SMEP, SMAP, protection keys).
 */
#include "x86_priv.h"

uint64_t pgw__x86_leaf_base(const pgw_ctx *c, int level, uint64_t e,
			    uint64_t idx)
{
	/* Set only for the 32-bit PD (derive_level): SDM 3A 4.3: a 4M page;
	 * PDE bits 20:13 hold PA bits 39:32 (PSE-36), clipped to MAXPHYADDR
	 * by the reserved check. */
	(void)c;
	(void)level;
	(void)idx;
	return (e & 0xffc00000ULL) | (((e >> 13) & 0xffULL) << 32);
}

/* SDM 3C 29.3.3.1: EPT misconfigurations, reported like reserved bits. */
static uint64_t ept_misconfig(uint64_t e, bool leaf)
{
	if ((e & (EPT_R | EPT_W)) == EPT_W)
		return EPT_W;  /* write without read */
	if (leaf) {
		unsigned mt = (e >> EPT_MT_SHIFT) & 7;

		if (mt == 2 || mt == 3 || mt == 7)
			return 7ULL << EPT_MT_SHIFT;
	}
	return 0;
}

/* Set only for EPT levels (derive_level). */
uint64_t pgw__x86_rsvd(const pgw_ctx *c, int level, uint64_t e, bool leaf)
{
	(void)c;
	(void)level;
	return ept_misconfig(e, leaf);
}

/* SDM 3A 4.6.2: AD forbids data access, WD forbids writes. */
static bool pkey_ok(uint32_t keys, int pkey, bool write, bool enforce_wd)
{
	bool ad = (keys >> (2 * pkey)) & 1;
	bool wd = (keys >> (2 * pkey + 1)) & 1;

	if (ad)
		return false;
	return !(write && wd && enforce_wd);
}

/* SDM 3A 4.6: the first rule @access breaks, in the order the SDM gives
 * them; PGW_DENY_NONE when it may. */
enum pgw_deny pgw__x86_access_deny(const pgw_ctx *ctx, unsigned perms,
				   int pkey, unsigned access)
{
	const struct pgw_x86_state *c = pgw__x86(ctx);
	bool write = access & PGW_ACC_WRITE;
	bool data = access & (PGW_ACC_READ | PGW_ACC_WRITE);
	bool user_page = perms & PGW_PERM_U;

	if ((access & PGW_ACC_READ) && !(perms & PGW_PERM_R))
		return PGW_DENY_READ;
	if (access & PGW_ACC_USER) {
		if (!user_page)
			return PGW_DENY_USER;
		if (write && !(perms & PGW_PERM_W))
			return PGW_DENY_WRITE;
		if ((access & PGW_ACC_EXEC) && !(perms & PGW_PERM_X))
			return PGW_DENY_EXEC;
		if (data && pkey >= 0 && c->pke &&
		    !pkey_ok(c->pkru, pkey, write, true))
			return PGW_DENY_PKEY;
		return PGW_DENY_NONE;
	}
	/* Supervisor-mode access. */
	if (access & PGW_ACC_EXEC) {
		if (!(perms & PGW_PERM_X))
			return PGW_DENY_EXEC;
		if (user_page && c->smep)
			return PGW_DENY_SMEP;
	}
	if (!data)
		return PGW_DENY_NONE;
	if (user_page && c->smap && !c->ac)
		return PGW_DENY_SMAP;
	if (write && !(perms & PGW_PERM_W) && c->wp)
		return PGW_DENY_WRITE;
	if (pkey >= 0) {
		bool on = user_page ? c->pke : c->pks;
		uint32_t keys = user_page ? c->pkru : c->pkrs;

		/* Supervisor writes honour WD only with CR0.WP set. */
		if (on && !pkey_ok(keys, pkey, write, c->wp))
			return PGW_DENY_PKEY;
	}
	return PGW_DENY_NONE;
}

bool pgw__x86_access_ok(const pgw_ctx *ctx, unsigned perms, int pkey,
			unsigned access)
{
	return pgw__x86_access_deny(ctx, perms, pkey, access) == PGW_DENY_NONE;
}

/*
 * SDM 3A 4.7: the #PF error code of a guest page fault. P is clear only
 * for a not-present entry; RSVD with a reserved bit; I/D only for a fetch
 * when SMEP, or NXE with PAE or IA-32e paging, makes it meaningful; PK for
 * a protection-key denial. A nested-stage fault is no #PF (an EPT
 * violation or NPT fault goes to the hypervisor), nor is a non-canonical
 * address (#GP) or a table outside memory.
 */
int pgw__x86_fault_code(const pgw_ctx *ctx, const struct pgw_access *a,
			unsigned access, uint64_t *code)
{
	const struct pgw_x86_state *c = pgw__x86(ctx);
	enum pgw_mode m = pgw_ctx_mode(ctx);
	uint64_t e = 0;

	if ((m != PGW_MODE_X86_32 && m != PGW_MODE_X86_PAE &&
	     m != PGW_MODE_X86_4L && m != PGW_MODE_X86_5L) ||
	    a->out_fault.out_stage != PGW_STAGE_GUEST)
		return 0;
	switch (a->out_fault.out_reason) {
	case PGW_FAULT_NOT_PRESENT: break;
	case PGW_FAULT_RESERVED: e |= 0x1 | 0x8; break;
	case PGW_FAULT_ACCESS: e |= 0x1; break;
	default: return 0;
	}
	if (access & PGW_ACC_WRITE)
		e |= 0x2;
	if (access & PGW_ACC_USER)
		e |= 0x4;
	if ((access & PGW_ACC_EXEC) &&
	    (c->smep || (c->nxe && m != PGW_MODE_X86_32)))
		e |= 0x10;
	if (a->out_deny == PGW_DENY_PKEY)
		e |= 0x20;
	*code = e;
	return 1;
}
