/*
 * Translation contexts: choosing the paging mode from control registers the
 * way the CPU does, refusing impossible states, and deriving the per-level
 * reserved-bit and address masks once so the walk loop only tests bits.
 */
#include "walker_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int pgw__fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return PGW_EINVAL;
}

static void derive_masks(pgw_ctx *c)
{
	const struct pgw_format *f = c->fmt;
	unsigned m = c->maxphyaddr;

	for (unsigned i = 0; i < f->nlevels; i++) {
		const struct pgw_level *lv = &f->lv[i];
		struct pgw_level_masks *k = &c->m[i];
		uint64_t hi;

		switch (lv->kind) {
		case PGW_KIND_X86_32:
			k->addr = 0xfffff000ULL;
			k->rsvd_table = 0;
			k->rsvd_leaf = 0;
			if (lv->leaf == PGW_LEAF_PSE) {
				/* SDM 3A table 4-4: bit 21 reserved; PA bits
				 * above MAXPHYADDR (at most 40) reserved. */
				unsigned pa = m < 40 ? m : 40;

				k->rsvd_leaf = (1ULL << 21) |
					       pgw__bits(20, 13 + (pa - 32));
			}
			break;
		case PGW_KIND_PAE_PDPT:
			/* SDM 3A table 4-8 also reserves bits 8:5 and 2:1,
			 * but checks them when MOV to CR3 loads the PDPTE
			 * registers (4.4.1), not while translating; Linux's
			 * PTI user PDPT carries A (bit 5) and QEMU walks it.
			 * Those bits are reported in the trace instead. */
			k->addr = pgw__bits(m - 1, 12);
			k->rsvd_table = pgw__bits(63, m);
			k->rsvd_leaf = k->rsvd_table;
			break;
		case PGW_KIND_X86_64:
			k->addr = pgw__bits(m - 1, 12);
			hi = f->wide_rsvd ? pgw__bits(62, m) : pgw__bits(51, m);
			if (!c->nxe)
				hi |= X86_NX;
			k->rsvd_table = hi;
			if (lv->leaf == PGW_LEAF_NEVER)
				k->rsvd_table |= X86_PS;
			/* Large pages: bits between PAT (12) and the page
			 * offset must be zero. */
			k->rsvd_leaf = hi | (lv->shift > 12 ?
					     pgw__bits(lv->shift - 1, 13) : 0);
			break;
		case PGW_KIND_EPT:
			k->addr = pgw__bits(m - 1, 12);
			hi = pgw__bits(51, m);
			k->rsvd_table = hi | pgw__bits(7, 3);
			k->rsvd_leaf = hi | (lv->shift > 12 ?
					     pgw__bits(lv->shift - 1, 12) : 0);
			break;
		case PGW_KIND_PPC64_HPTE:
			break;  /* no radix levels: ppc64_hash.c decodes HPTEs */
		}
	}
}

static int ctx_alloc(pgw_ctx **out, const struct pgw_mem_ops *mem,
		     void *payload, unsigned maxphyaddr, char *err,
		     size_t errlen)
{
	pgw_ctx *c;

	*out = NULL;
	if (!mem || !mem->read)
		return pgw__fail(err, errlen, "no physical memory read callback");
	if (maxphyaddr == 0)
		maxphyaddr = 52;
	if (maxphyaddr < 32 || maxphyaddr > 52)
		return pgw__fail(err, errlen,
				 "MAXPHYADDR %u out of range (32..52)", maxphyaddr);
	c = calloc(1, sizeof(*c));
	if (!c)
		return PGW_ENOMEM;
	c->mem = mem;
	c->mem_payload = payload;
	c->maxphyaddr = maxphyaddr;
	c->walk_budget = PGW_DEFAULT_WALK_BUDGET;
	if (pgw__cache_init(c) < 0) {
		free(c);
		return PGW_ENOMEM;
	}
	*out = c;
	return 0;
}

/* SDM 3A 4.1.1: the mode follows from CR0.PG, CR4.PAE, EFER.LMA, CR4.LA57. */
static int pick_x86_mode(const struct pgw_x86_regs *r, enum pgw_mode *mode,
			 char *err, size_t errlen)
{
	bool pg = r->cr0 & PGW_CR0_PG;
	bool pae = r->cr4 & PGW_CR4_PAE;
	bool la57 = r->cr4 & PGW_CR4_LA57;
	bool lma = (r->efer & PGW_EFER_LMA) ||
		   (pg && (r->efer & PGW_EFER_LME));

	if (!pg) {
		if (r->efer & PGW_EFER_LMA)
			return pgw__fail(err, errlen,
					 "EFER.LMA set with paging disabled (CR0.PG=0)");
		*mode = PGW_MODE_NONE;
		return 0;
	}
	if (!pae) {
		if (lma)
			return pgw__fail(err, errlen,
					 "long mode (EFER.LMA) requires CR4.PAE");
		if (la57)
			return pgw__fail(err, errlen,
					 "CR4.LA57 set without CR4.PAE");
		*mode = PGW_MODE_X86_32;
		return 0;
	}
	if (!lma) {
		if (la57)
			return pgw__fail(err, errlen,
					 "CR4.LA57 set outside long mode (EFER.LMA=0)");
		*mode = PGW_MODE_X86_PAE;
		return 0;
	}
	*mode = la57 ? PGW_MODE_X86_5L : PGW_MODE_X86_4L;
	return 0;
}

int pgw_ctx_new_x86(pgw_ctx **out, const struct pgw_x86_regs *r,
		    const struct pgw_mem_ops *mem, void *mem_payload,
		    char *err, size_t errlen)
{
	enum pgw_mode mode = PGW_MODE_NONE;
	pgw_ctx *c;
	int rc;

	if (!out || !r || r->version != PGW_X86_REGS_VERSION)
		return pgw__fail(err, errlen, "bad arguments");
	*out = NULL;
	rc = pick_x86_mode(r, &mode, err, errlen);
	if (rc < 0)
		return rc;
	rc = ctx_alloc(&c, mem, mem_payload, r->maxphyaddr, err, errlen);
	if (rc < 0)
		return rc;
	c->fmt = pgw__format(mode);
	c->pse = r->cr4 & PGW_CR4_PSE;
	c->nxe = r->efer & PGW_EFER_NXE;
	c->wp = r->cr0 & PGW_CR0_WP;
	c->smep = r->cr4 & PGW_CR4_SMEP;
	c->smap = r->cr4 & PGW_CR4_SMAP;
	c->pke = r->cr4 & PGW_CR4_PKE;
	c->pks = r->cr4 & PGW_CR4_PKS;
	c->ac = r->rflags & PGW_RFLAGS_AC;
	c->pkru = r->pkru;
	c->pkrs = r->pkrs;
	if (mode == PGW_MODE_X86_PAE && r->pdptes_valid) {
		c->pdptes_valid = true;
		for (int i = 0; i < 4; i++)
			c->pdpte[i] = htole64(r->pdpte[i]);
	}
	if (c->fmt) {
		/* CR3 holds no bits above MAXPHYADDR that matter to us;
		 * PCID and PWT/PCD sit below bit 12. */
		c->root = r->cr3 & c->fmt->root_mask &
			  (mode == PGW_MODE_X86_32 || mode == PGW_MODE_X86_PAE ?
			   ~0ULL : pgw__bits(c->maxphyaddr - 1, 0));
		derive_masks(c);
	}
	*out = c;
	return 0;
}

int pgw_ctx_new_nested(pgw_ctx **out, enum pgw_mode mode, uint64_t root,
		       unsigned maxphyaddr, int nxe,
		       const struct pgw_mem_ops *mem, void *mem_payload,
		       char *err, size_t errlen)
{
	pgw_ctx *c;
	int rc;

	if (!out)
		return pgw__fail(err, errlen, "bad arguments");
	*out = NULL;
	if (mode != PGW_MODE_EPT4 && mode != PGW_MODE_EPT5 &&
	    mode != PGW_MODE_NPT4 && mode != PGW_MODE_NPT5)
		return pgw__fail(err, errlen, "not a nested paging mode");
	if (mode == PGW_MODE_EPT4 || mode == PGW_MODE_EPT5) {
		/* SDM 3C 25.6.11: EPTP bits 5:3 are the walk length - 1;
		 * accept 0 for a bare table address. */
		unsigned len = (root >> 3) & 7;
		unsigned want = mode == PGW_MODE_EPT4 ? 3 : 4;

		if (len != 0 && len != want)
			return pgw__fail(err, errlen,
					 "EPTP walk length %u does not match %s",
					 len + 1, pgw_mode_name(mode));
	}
	rc = ctx_alloc(&c, mem, mem_payload, maxphyaddr, err, errlen);
	if (rc < 0)
		return rc;
	c->fmt = pgw__format(mode);
	c->nxe = (mode == PGW_MODE_EPT4 || mode == PGW_MODE_EPT5) ? true : nxe;
	c->wp = true;
	c->root = root & c->fmt->root_mask & pgw__bits(c->maxphyaddr - 1, 0);
	derive_masks(c);
	*out = c;
	return 0;
}

int pgw_ctx_set_nested(pgw_ctx *guest, pgw_ctx *host)
{
	if (!guest || guest == host || guest->hash || (host && host->hash))
		return PGW_EINVAL;
	if (host && host->nested)
		return PGW_EINVAL;  /* one level of nesting, as hardware */
	if (host && (!host->fmt || (host->fmt->mode != PGW_MODE_EPT4 &&
				     host->fmt->mode != PGW_MODE_EPT5 &&
				     host->fmt->mode != PGW_MODE_NPT4 &&
				     host->fmt->mode != PGW_MODE_NPT5)))
		return PGW_EINVAL;
	guest->nested = host;
	pgw_ctx_invalidate(guest);
	return 0;
}

void pgw_ctx_free(pgw_ctx *c)
{
	if (!c)
		return;
	pgw__cache_free(c);
	free(c->hash);
	free(c);
}

enum pgw_mode pgw_ctx_mode(const pgw_ctx *c)
{
	return c->fmt ? c->fmt->mode : PGW_MODE_NONE;
}

pgw_ctx *pgw_ctx_nested(const pgw_ctx *c)
{
	return c->nested;
}

unsigned pgw_ctx_va_bits(const pgw_ctx *c)
{
	return c->fmt ? c->fmt->va_bits : 64;
}

int pgw_ctx_levels(const pgw_ctx *c)
{
	return c->fmt ? (int)c->fmt->nlevels : 0;
}

const char *pgw_ctx_level_name(const pgw_ctx *c, int level)
{
	if (!c->fmt || level < 0 || level >= (int)c->fmt->nlevels)
		return "?";
	return c->fmt->lv[level].name;
}

uint64_t pgw_ctx_canonical(const pgw_ctx *c, uint64_t va)
{
	unsigned b;

	if (!c->fmt || !c->fmt->canonical)
		return va;
	b = c->fmt->va_bits;
	if (va & (1ULL << (b - 1)))
		return va | ~((1ULL << b) - 1);
	return va & ((1ULL << b) - 1);
}

void pgw_ctx_set_walk_budget(pgw_ctx *c, uint64_t tables)
{
	c->walk_budget = tables ? tables : PGW_DEFAULT_WALK_BUDGET;
}
