/*
 * Meaning of individual entries: reserved bits per level, page frames,
 * protection keys, and the access rules of SDM 3A 4.6.
 */
#include "walker_priv.h"

uint64_t pgw__leaf_base(const pgw_ctx *c, int level, uint64_t e)
{
	const struct pgw_level *lv = &c->fmt->lv[level];

	if (lv->kind == PGW_KIND_X86_32 && lv->leaf == PGW_LEAF_PSE) {
		/* SDM 3A 4.3: 4M page; PDE bits 20:13 hold PA bits 39:32
		 * (PSE-36), clipped to MAXPHYADDR by the reserved check. */
		return (e & 0xffc00000ULL) | (((e >> 13) & 0xffULL) << 32);
	}
	return e & c->m[level].addr & ~((1ULL << lv->shift) - 1);
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

uint64_t pgw__rsvd(const pgw_ctx *c, int level, uint64_t e, bool leaf)
{
	const struct pgw_level_masks *m = &c->m[level];
	uint64_t r = e & (leaf ? m->rsvd_leaf : m->rsvd_table);

	if (c->fmt->lv[level].kind == PGW_KIND_EPT)
		r |= ept_misconfig(e, leaf);
	return r;
}

int pgw__pkey(const pgw_ctx *c, uint64_t leaf_entry, unsigned perms)
{
	/* SDM 3A 4.6.2: keys exist only in IA-32e paging, bits 62:59. */
	if (c->fmt->mode != PGW_MODE_X86_4L && c->fmt->mode != PGW_MODE_X86_5L)
		return -1;
	if (!c->pke && !c->pks)
		return -1;
	(void)perms;
	return (int)((leaf_entry >> 59) & 0xf);
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

bool pgw__access_ok(const pgw_ctx *c, unsigned perms, int pkey,
		    unsigned access)
{
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
