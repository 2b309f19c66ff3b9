/*
 * x86 contexts: choosing the paging mode from control registers the way the
 * CPU does, refusing impossible states, stage-2 (EPT/NPT) roots, and
 * deriving each level's decode masks (struct pgw_decode) once, so that the
 * core's walk loop only tests bits.
 */
#include "x86_priv.h"

#include <stdio.h>
#include <stdlib.h>

/* x86 entries grant alike as tables and leaves: R always, W with R/W, U
 * with U/S, X unless NX applies (@nx: EFER.NXE in a format with NX). */
static void x86_perms(struct pgw_decode *k, bool nx)
{
	struct pgw_perm_decode p = {
		.always = PGW_PERM_R | (nx ? 0 : PGW_PERM_X),
		.mask = { 0, X86_RW, nx ? X86_NX : 0, X86_US },
		.flip = nx ? X86_NX : 0,  /* X granted while NX is clear */
	};

	k->perm[0] = k->perm[1] = p;
}

/* Permissions granted outright, whatever the entry says. */
static void all_perms(struct pgw_decode *k, unsigned always)
{
	k->perm[0] = k->perm[1] = (struct pgw_perm_decode){ .always = always };
}

static void derive_level(const pgw_ctx *c, const struct pgw_level *lv,
			 struct pgw_decode *k)
{
	const struct pgw_x86_state *st = pgw__x86(c);
	unsigned m = c->maxphyaddr;
	uint64_t hi;

	*k = (struct pgw_decode){ .present = X86_P, .leaf = X86_PS };
	switch ((enum pgw_x86_kind)lv->kind) {
	case X86_KIND_32:
		k->addr = 0xfffff000ULL;
		x86_perms(k, false);
		if (lv->leaf == PGW_LEAF_MAYBE) {
			/* SDM 3A table 4-4: bit 21 reserved; PA bits above
			 * MAXPHYADDR (at most 40) reserved. PSE-36 puts PA
			 * bits 39:32 in PDE bits 20:13: leaf_base says so. */
			unsigned pa = m < 40 ? m : 40;

			k->rsvd_leaf = (1ULL << 21) |
				       pgw__bits(20, 13 + (pa - 32));
			k->leaf = st->pse ? X86_PS : 0;
			k->hook_addr = true;
		}
		break;
	case X86_KIND_PDPTE:
		/* SDM 3A table 4-8 also reserves bits 8:5 and 2:1, but
		 * checks them when MOV to CR3 loads the PDPTE registers
		 * (4.4.1), not while translating; Linux's PTI user PDPT
		 * carries A (bit 5) and QEMU walks it. Those bits are
		 * reported in the trace instead (load_rsvd). */
		k->addr = pgw__bits(m - 1, 12);
		k->rsvd_table = pgw__bits(63, m);
		k->rsvd_leaf = k->rsvd_table;
		k->load_rsvd = X86_PAE_PDPTE_LOAD_RSVD;
		all_perms(k, PGW_PERM_ALL);
		break;
	case X86_KIND_PAE:
	case X86_KIND_64:
		k->addr = pgw__bits(m - 1, 12);
		/* PAE reserves bits 62:MAXPHYADDR, IA-32e 51:MAXPHYADDR. */
		hi = lv->kind == X86_KIND_PAE ? pgw__bits(62, m) :
						pgw__bits(51, m);
		if (!st->nxe)
			hi |= X86_NX;
		k->rsvd_table = hi;
		if (lv->leaf == PGW_LEAF_NEVER)
			k->rsvd_table |= X86_PS;
		/* Large pages: bits between PAT (12) and the page offset
		 * must be zero. */
		k->rsvd_leaf = hi | (lv->shift > 12 ?
				     pgw__bits(lv->shift - 1, 13) : 0);
		x86_perms(k, st->nxe);
		break;
	case X86_KIND_EPT:
		k->present = EPT_R | EPT_W | EPT_X;
		k->addr = pgw__bits(m - 1, 12);
		hi = pgw__bits(51, m);
		k->rsvd_table = hi | pgw__bits(7, 3);
		k->rsvd_leaf = hi | (lv->shift > 12 ?
				     pgw__bits(lv->shift - 1, 12) : 0);
		k->hook_rsvd = true;  /* misconfigurations (entry.c) */
		/* EPT has no user bit: leave the guest stage's U alone. */
		all_perms(k, PGW_PERM_U);
		k->perm[0].mask[0] = k->perm[1].mask[0] = EPT_R;
		k->perm[0].mask[1] = k->perm[1].mask[1] = EPT_W;
		k->perm[0].mask[2] = k->perm[1].mask[2] = EPT_X;
		break;
	}
}

void pgw__x86_derive(pgw_ctx *c)
{
	const struct pgw_x86_state *st = pgw__x86(c);
	enum pgw_mode mode = c->fmt->mode;

	for (unsigned i = 0; i < c->fmt->nlevels; i++)
		derive_level(c, &c->fmt->lv[i], &c->m[i]);
	/* SDM 3A 4.6.2: keys exist only in IA-32e paging. */
	c->pkey_shift = (mode == PGW_MODE_X86_4L || mode == PGW_MODE_X86_5L) &&
			(st->pke || st->pks) ? X86_PKEY_SHIFT : -1;
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

/* A context of the x86 arch with its control-bit block. */
static int x86_alloc(pgw_ctx **out, const struct pgw_mem_ops *mem,
		     void *payload, unsigned maxphyaddr, char *err,
		     size_t errlen)
{
	int rc = pgw__ctx_alloc(out, &pgw__arch_x86, mem, payload, maxphyaddr,
				err, errlen);

	if (rc < 0)
		return rc;
	(*out)->priv = calloc(1, sizeof(struct pgw_x86_state));
	if (!(*out)->priv) {
		pgw_ctx_free(*out);
		*out = NULL;
		return PGW_ENOMEM;
	}
	return 0;
}

/*
 * The kernel's own root (kernel_half_only): @c translates the upper
 * canonical half; wrap it as the upper region of a context whose own
 * region, the lower half, has no root. Both keep c's control bits.
 */
static int split_kernel_half(pgw_ctx **c, const struct pgw_mem_ops *mem,
			     void *mem_payload, char *err, size_t errlen)
{
	const struct pgw_format *f = (*c)->fmt;
	struct pgw_x86_state *st;
	pgw_ctx *lo;
	int rc = x86_alloc(&lo, mem, mem_payload, (*c)->maxphyaddr, err,
			   errlen);

	if (rc < 0)
		return rc;
	st = lo->priv;
	*st = *pgw__x86(*c);
	st->half_fmt = *f;
	st->half_fmt.va_bits = f->va_bits - 1;
	st->half_fmt.canonical = false;
	lo->fmt = &st->half_fmt;
	lo->region = true;
	lo->va_fill = 0;
	lo->region_name = "user half";
	snprintf(lo->region_desc, sizeof(lo->region_desc),
		 "CR3 unknown: give --reg cr3=");
	lo->off_reason = PGW_FAULT_NO_ROOT;
	pgw__derive(lo);
	(*c)->upper_half = true;
	lo->upper = *c;
	lo->upper_sel = 1ULL << 63;
	*c = lo;
	return 0;
}

int pgw_ctx_new_x86(pgw_ctx **out, const struct pgw_x86_regs *r,
		    const struct pgw_mem_ops *mem, void *mem_payload,
		    char *err, size_t errlen)
{
	enum pgw_mode mode = PGW_MODE_NONE;
	struct pgw_x86_state *st;
	pgw_ctx *c;
	int rc;

	/* Version 1 ends before kernel_half_only. */
	if (!out || !r || r->version < 1 || r->version > PGW_X86_REGS_VERSION)
		return pgw__fail(err, errlen, "bad arguments");
	*out = NULL;
	rc = pick_x86_mode(r, &mode, err, errlen);
	if (rc < 0)
		return rc;
	rc = x86_alloc(&c, mem, mem_payload, r->maxphyaddr, err, errlen);
	if (rc < 0)
		return rc;
	c->fmt = pgw__format(mode);
	st = c->priv;
	st->pse = r->cr4 & PGW_CR4_PSE;
	st->nxe = r->efer & PGW_EFER_NXE;
	st->wp = r->cr0 & PGW_CR0_WP;
	st->smep = r->cr4 & PGW_CR4_SMEP;
	st->smap = r->cr4 & PGW_CR4_SMAP;
	st->pke = r->cr4 & PGW_CR4_PKE;
	st->pks = r->cr4 & PGW_CR4_PKS;
	st->ac = r->rflags & PGW_RFLAGS_AC;
	st->pkru = r->pkru;
	st->pkrs = r->pkrs;
	if (mode == PGW_MODE_X86_PAE && r->pdptes_valid) {
		c->root_loaded = true;
		for (int i = 0; i < 4; i++)
			c->root_regs[i] = htole64(r->pdpte[i]);
	}
	if (c->fmt) {
		/* CR3 holds no bits above MAXPHYADDR that matter to us;
		 * PCID and PWT/PCD sit below bit 12. */
		c->root = r->cr3 & c->fmt->root_mask &
			  (mode == PGW_MODE_X86_32 || mode == PGW_MODE_X86_PAE ?
			   ~0ULL : pgw__bits(c->maxphyaddr - 1, 0));
		pgw__derive(c);
	}
	if (r->version >= 2 && r->kernel_half_only) {
		if (mode != PGW_MODE_X86_4L && mode != PGW_MODE_X86_5L) {
			pgw_ctx_free(c);
			return pgw__fail(err, errlen, "a root for the kernel "
					 "half only needs IA-32e paging, not "
					 "%s", pgw_mode_name(mode));
		}
		rc = split_kernel_half(&c, mem, mem_payload, err, errlen);
		if (rc < 0) {
			pgw_ctx_free(c);
			return rc;
		}
	}
	*out = c;
	return 0;
}

int pgw__x86_new_stage2(pgw_ctx *c, uint64_t root, int nxe, char *err,
			size_t errlen)
{
	enum pgw_mode mode = c->fmt->mode;
	bool ept = mode == PGW_MODE_EPT4 || mode == PGW_MODE_EPT5;
	struct pgw_x86_state *st;

	if (ept) {
		/* SDM 3C 25.6.11: EPTP bits 5:3 are the walk length - 1;
		 * accept 0 for a bare table address. */
		unsigned len = (root >> 3) & 7;
		unsigned want = mode == PGW_MODE_EPT4 ? 3 : 4;

		if (len != 0 && len != want)
			return pgw__fail(err, errlen,
					 "EPTP walk length %u does not match %s",
					 len + 1, pgw_mode_name(mode));
	}
	st = c->priv = calloc(1, sizeof(*st));
	if (!st)
		return PGW_ENOMEM;
	st->nxe = ept ? true : nxe;
	st->wp = true;
	c->root = root & c->fmt->root_mask & pgw__bits(c->maxphyaddr - 1, 0);
	return 0;
}
