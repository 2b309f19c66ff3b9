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

bool pgw__x86_access_ok(const pgw_ctx *ctx, unsigned perms, int pkey,
			unsigned access)
{
	const struct pgw_x86_state *c = pgw__x86(ctx);
	bool write = access & PGW_ACC_WRITE;
	bool data = access & (PGW_ACC_READ | PGW_ACC_WRITE);
	bool user_page = perms & PGW_PERM_U;

	if ((access & PGW_ACC_READ) && !(perms & PGW_PERM_R))
		return false;
	if (access & PGW_ACC_USER) {
		if (!user_page)
			return false;
		if (write && !(perms & PGW_PERM_W))
			return false;
		if ((access & PGW_ACC_EXEC) && !(perms & PGW_PERM_X))
			return false;
		if (data && pkey >= 0 && c->pke &&
		    !pkey_ok(c->pkru, pkey, write, true))
			return false;
		return true;
	}
	/* Supervisor-mode access. */
	if (access & PGW_ACC_EXEC) {
		if (!(perms & PGW_PERM_X))
			return false;
		if (user_page && c->smep)
			return false;
	}
	if (!data)
		return true;
	if (user_page && c->smap && !c->ac)
		return false;
	if (write && !(perms & PGW_PERM_W) && c->wp)
		return false;
	if (pkey >= 0) {
		bool on = user_page ? c->pke : c->pks;
		uint32_t keys = user_page ? c->pkru : c->pkrs;

		/* Supervisor writes honour WD only with CR0.WP set. */
		if (on && !pkey_ok(keys, pkey, write, c->wp))
			return false;
	}
	return true;
}
