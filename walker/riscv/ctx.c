/*
 * RISC-V contexts: the format satp (or hgatp) selects, refusing MODE values
 * the walker does not know, the privilege access checks are made at, and
 * each level's decode masks (struct pgw_decode), derived once so that the
 * core's walk loop only tests bits.
 */
#include "riscv_priv.h"

#include <stdlib.h>

static void derive_level(const struct pgw_level *lv, struct pgw_decode *k)
{
	bool wide = lv->kind == RV_KIND_64;

	*k = (struct pgw_decode){
		.present = RV_V,
		/* 4.3.2 step 4: R or X makes a leaf; W alone is reserved
		 * (the rsvd hook), so R|W|X is as good a test. */
		.leaf = RV_RWX,
		/* PPN 53:10 (Sv32: 31:10) holds PA 55:12 (33:12). */
		.addr = wide ? pgw__bits(53, RV_PPN_SHIFT) :
			       pgw__bits(31, RV_PPN_SHIFT),
		.addr_shift = 2,
		/* 4.4.1: bits 60:54 are reserved and fault when set;
		 * 4.3.2 step 6: a superpage whose PPN[i-1:0] is not zero is
		 * misaligned and faults: those PPN bits are reported. */
		.rsvd_leaf = (wide ? pgw__bits(60, 54) : 0) |
			     (lv->shift > 12 ?
			      pgw__bits(lv->shift - 3, RV_PPN_SHIFT) : 0),
		/* 4.4.1 (20211203): "For non-leaf PTEs, the D, A, and U bits
		 * are reserved for future standard use"; 4.3.2 step 3 faults
		 * on any bit reserved for future standard use; Svpbmt and
		 * Svnapot reserve PBMT and N in non-leaf PTEs as well. */
		.rsvd_table = RV_D | RV_A | RV_U |
			      (wide ? pgw__bits(63, 54) : 0),
		.perm = {
			/* A pointer restricts nothing. */
			[0] = { .always = PGW_PERM_ALL },
			[1] = { .mask = { RV_R, RV_W, RV_X, RV_U } },
		},
		/* W without R, PBMT 3, N, a pointer at L0. */
		.hook_rsvd = true,
		/* Svnapot frames depend on the VA: 8-byte L0 only, and
		 * only with N set. */
		.hook_addr = wide && lv->leaf == PGW_LEAF_ALWAYS,
		.hook_addr_bits = RV_N,
	};
}

void pgw__riscv_derive(pgw_ctx *c)
{
	for (unsigned i = 0; i < c->fmt->nlevels; i++)
		derive_level(&c->fmt->lv[i], &c->m[i]);
}

/* 4.1.11: satp.MODE as the hart reads it, and the root it names. */
static int pick_riscv_mode(const struct pgw_riscv_regs *r,
			   enum pgw_mode *mode, uint64_t *root, char *err,
			   size_t errlen)
{
	unsigned m;

	if (r->xlen == 32) {
		if (r->satp >> 32)
			return pgw__fail(err, errlen, "satp 0x%llx has bits "
					 "above 31, which rv32 has not",
					 (unsigned long long)r->satp);
		*mode = (r->satp & PGW_RISCV_SATP32_MODE) ?
			PGW_MODE_RISCV_SV32 : PGW_MODE_NONE;
		*root = (r->satp & PGW_RISCV_SATP32_PPN) << 12;
		return 0;
	}
	m = (unsigned)(r->satp >> PGW_RISCV_SATP64_MODE_SHIFT);
	*root = (r->satp & PGW_RISCV_SATP64_PPN) << 12;
	switch (m) {
	case PGW_RISCV_SATP_BARE: *mode = PGW_MODE_NONE; return 0;
	case PGW_RISCV_SATP_SV39: *mode = PGW_MODE_RISCV_SV39; return 0;
	case PGW_RISCV_SATP_SV48: *mode = PGW_MODE_RISCV_SV48; return 0;
	case PGW_RISCV_SATP_SV57: *mode = PGW_MODE_RISCV_SV57; return 0;
	}
	return pgw__fail(err, errlen, "satp MODE %u is not supported "
			 "(0 Bare, 8 Sv39, 9 Sv48, 10 Sv57; %s)", m,
			 m == 11 ? "11 is reserved for Sv64" :
			 m >= 12 ? "12-15 are custom" : "1-7 are reserved");
}

/*
 * The privilege that loads/stores and fetches are checked at (3.1.6.3):
 * M-mode with MPRV loads and stores as MPP; M-mode fetches, and M-mode
 * without MPRV, are not translated at all, and are checked as S-mode, the
 * nearest translated view of satp's tables.
 */
static void pick_privs(const struct pgw_riscv_regs *r,
		       struct pgw_riscv_state *st)
{
	unsigned mpp = (r->mstatus >> PGW_RISCV_MSTATUS_MPP_SHIFT) & 3;

	st->priv_exec = r->priv == PGW_RISCV_PRIV_U ? PGW_RISCV_PRIV_U :
						      PGW_RISCV_PRIV_S;
	st->priv_data = st->priv_exec;
	if (r->priv == PGW_RISCV_PRIV_M &&
	    (r->mstatus & PGW_RISCV_MSTATUS_MPRV) && mpp == PGW_RISCV_PRIV_U)
		st->priv_data = PGW_RISCV_PRIV_U;
	st->sum = r->mstatus & PGW_RISCV_MSTATUS_SUM;
	st->mxr = r->mstatus & PGW_RISCV_MSTATUS_MXR;
}

int pgw_ctx_new_riscv(pgw_ctx **out, const struct pgw_riscv_regs *r,
		      const struct pgw_mem_ops *mem, void *mem_payload,
		      char *err, size_t errlen)
{
	enum pgw_mode mode = PGW_MODE_NONE;
	struct pgw_riscv_state *st;
	uint64_t root = 0;
	pgw_ctx *c;
	int rc;

	if (!out || !r || r->version != PGW_RISCV_REGS_VERSION)
		return pgw__fail(err, errlen, "bad arguments");
	*out = NULL;
	if (r->xlen != 32 && r->xlen != 64)
		return pgw__fail(err, errlen, "XLEN %u is not 32 or 64",
				 r->xlen);
	if (r->priv != PGW_RISCV_PRIV_U && r->priv != PGW_RISCV_PRIV_S &&
	    r->priv != PGW_RISCV_PRIV_M)
		return pgw__fail(err, errlen, "privilege %u is not U (0), "
				 "S (1) or M (3)", r->priv);
	rc = pick_riscv_mode(r, &mode, &root, err, errlen);
	if (rc < 0)
		return rc;
	rc = pgw__ctx_alloc(&c, &pgw__arch_riscv, mem, mem_payload, 0, err,
			    errlen);
	if (rc < 0)
		return rc;
	st = c->priv = calloc(1, sizeof(*st));
	if (!st) {
		pgw_ctx_free(c);
		return PGW_ENOMEM;
	}
	pick_privs(r, st);
	/* 4.3.1 / 4.4.1: Sv32 physical addresses have 34 bits, the others
	 * 56; Bare passes that many bits through. */
	c->maxphyaddr = r->xlen == 32 ? 34 : 56;
	c->fmt = pgw__format(mode);
	if (c->fmt) {
		c->root = root;
		pgw__derive(c);
	}
	*out = c;
	return 0;
}

/* 8.2.18: hgatp.MODE of each G-stage format. */
static unsigned gstage_mode_field(enum pgw_mode mode)
{
	switch (mode) {
	case PGW_MODE_RISCV_SV39X4: return PGW_RISCV_SATP_SV39;
	case PGW_MODE_RISCV_SV48X4: return PGW_RISCV_SATP_SV48;
	default: return PGW_RISCV_SATP_SV57;
	}
}

int pgw__riscv_new_stage2(pgw_ctx *c, uint64_t root, int nxe, char *err,
			  size_t errlen)
{
	unsigned want = gstage_mode_field(c->fmt->mode);
	unsigned m = (unsigned)(root >> PGW_RISCV_SATP64_MODE_SHIFT);
	struct pgw_riscv_state *st;
	uint64_t base;

	(void)nxe;  /* R/W/X are explicit in every leaf */
	if (m == 0) {
		/* A plain table address, as an EPTP without flags. */
		base = root;
		if (base & 0x3fff || base >> 56)
			return pgw__fail(err, errlen, "G-stage root 0x%llx is "
					 "not a 16 KiB-aligned 56-bit address",
					 (unsigned long long)base);
	} else if (m != want) {
		return pgw__fail(err, errlen, "hgatp MODE %u does not match %s",
				 m, c->fmt->name);
	} else {
		/* 8.2.18: the root is 16 KiB aligned; PPN[1:0] read as 0. */
		base = ((root & PGW_RISCV_SATP64_PPN) << 12) & ~0x3fffULL;
	}
	st = c->priv = calloc(1, sizeof(*st));
	if (!st)
		return PGW_ENOMEM;
	/* 8.5.1: G-stage accesses are all U-mode accesses. */
	st->priv_data = st->priv_exec = PGW_RISCV_PRIV_U;
	c->maxphyaddr = 56;
	c->root = base;
	return 0;
}

int pgw_ctx_new_riscv_gstage(pgw_ctx **out, uint64_t hgatp,
			     const struct pgw_mem_ops *mem, void *mem_payload,
			     char *err, size_t errlen)
{
	unsigned m = (unsigned)(hgatp >> PGW_RISCV_SATP64_MODE_SHIFT);
	enum pgw_mode mode;

	if (!out)
		return pgw__fail(err, errlen, "bad arguments");
	*out = NULL;
	switch (m) {
	case PGW_RISCV_SATP_SV39: mode = PGW_MODE_RISCV_SV39X4; break;
	case PGW_RISCV_SATP_SV48: mode = PGW_MODE_RISCV_SV48X4; break;
	case PGW_RISCV_SATP_SV57: mode = PGW_MODE_RISCV_SV57X4; break;
	case PGW_RISCV_SATP_BARE:
		return pgw__fail(err, errlen, "hgatp MODE 0 (Bare): no G-stage; "
				 "guest-physical addresses are host-physical");
	default:
		return pgw__fail(err, errlen, "hgatp MODE %u is not supported "
				 "(0 Bare, 8 Sv39x4, 9 Sv48x4, 10 Sv57x4)", m);
	}
	return pgw_ctx_new_nested(out, mode, hgatp, 0, 0, mem, mem_payload,
				  err, errlen);
}
