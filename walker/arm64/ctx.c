/*
 * arm64 contexts: the EL1&0 and EL2&0 stage-1 regimes as two region
 * contexts (TTBR0 below, TTBR1 above, each with its own granule, size,
 * TBI, EPD and HPD from TCR_EL1 or TCR_EL2), the EL2 regime as one (TTBR0_EL2,
 * TCR_EL2's own layout), the stage-2 regime from VTTBR/VTCR, and deriving
 * each level's decode masks (struct pgw_decode) once.
 */
#include "arm64_priv.h"

#include <stdio.h>
#include <stdlib.h>

/* ID_AA64MMFR0_EL1.PARange and TCR.IPS / VTCR.PS share one encoding. */
static unsigned pa_size(unsigned enc)
{
	static const unsigned bits[8] = { 32, 36, 40, 42, 44, 48, 52, 52 };

	/* 0b111 is reserved: the largest size the CPU has. */
	return bits[enc & 7];
}

/* Granule of TG0 (00 4K, 01 64K, 10 16K) or TG1 (01 16K, 10 4K, 11 64K)
 * as a page shift; reserved encodings act as 4K (an IMPLEMENTATION
 * DEFINED choice in the Arm ARM, QEMU's too). */
static unsigned tg0_shift(unsigned tg)
{
	return tg == 1 ? 16 : tg == 2 ? 14 : 12;
}

static unsigned tg1_shift(unsigned tg)
{
	return tg == 1 ? 14 : tg == 3 ? 16 : 12;
}

/* Whether ID_AA64MMFR0 (0: unknown, all) has the granule; *@lpa2 says
 * whether it has 52-bit addresses with it (TGran4 0b0001, TGran16
 * 0b0010). */
static bool granule_ok(uint64_t mmfr0, unsigned pgshift, bool *lpa2)
{
	unsigned t4 = (mmfr0 >> 28) & 0xf, t16 = (mmfr0 >> 20) & 0xf;
	unsigned t64 = (mmfr0 >> 24) & 0xf;

	*lpa2 = true;
	if (!mmfr0)
		return true;
	switch (pgshift) {
	case 12: *lpa2 = t4 == 1; return t4 != 0xf;
	case 14: *lpa2 = t16 == 2; return t16 != 0;
	default: *lpa2 = false; return t64 != 0xf;
	}
}

/* The table address of TTBRn/VTTBR: BADDR[47:1], with 52-bit addresses
 * BADDR[51:48] in bits 5:2 (then 64-byte aligned at least), aligned to the
 * size of the first table (Arm ARM D19.2 TTBR0_EL1). */
static uint64_t baddr(uint64_t ttbr, bool pa52, uint64_t table_bytes)
{
	uint64_t align = table_bytes < 2 ? 2 : table_bytes;
	uint64_t root;

	if (pa52 && align < 64)
		align = 64;
	root = ttbr & pgw__bits(47, 1) & ~(align - 1);
	if (pa52)
		root |= ((ttbr >> 2) & 0xf) << 48;
	return root;
}

/* pgw__arm64_check() as masks for the core's fast path. An address size
 * fault is an output address bit at or above the PA size: in place up to
 * bit 47 (49 with LPA2), and with 52-bit descriptors OA[51:50] in bits 9:8
 * (LPA2) or OA[51:48] in bits 15:12 (LPA) whenever the size is below 52
 * (PA sizes past 48 are 52 only). */
static void fast_masks(const pgw_ctx *c, unsigned i, struct pgw_decode *k)
{
	const struct pgw_arm64_state *st = pgw__arm64(c);
	const struct pgw_level *lv = &c->fmt->lv[i];
	unsigned top = st->ds ? 49 : 47;
	uint64_t beyond = st->pa_bits <= top ? pgw__bits(top, st->pa_bits) : 0;

	if (st->pa_bits < 52)
		beyond |= k->addr_hi;
	k->bail_table = beyond;
	k->bail_leaf = beyond;
	if (lv->leaf == PGW_LEAF_ALWAYS)
		k->need_leaf = A64_TABLE;      /* bits[1:0] = 01: reserved */
	else if (!(lv->kind & A64_KIND_BLOCK))
		k->bail_leaf = ~0ULL;          /* no block at this level */
	if (!st->ha)
		k->need_leaf |= A64_AF;
	k->check_masked = true;
}

static void derive_level(const pgw_ctx *c, unsigned i, struct pgw_decode *k)
{
	const struct pgw_arm64_state *st = pgw__arm64(c);
	const struct pgw_perm_decode all = { .always = PGW_PERM_ALL };

	*k = (struct pgw_decode){
		.present = A64_VALID,
		/* Arm ARM D8.3: bits[1:0] = 01 a block, 11 a table (the core
		 * makes the last level's entries leaves: pages). */
		.leaf = A64_TABLE, .leaf_xor = A64_TABLE,
		.addr = pgw__bits(st->ds ? 49 : 47, st->pgshift),
		.hook_check = true,
	};
	/* D8.3: 52-bit output addresses keep their top bits apart: LPA2
	 * OA[51:50] in bits 9:8, LPA (64K) OA[51:48] in bits 15:12. */
	if (st->ds) {
		k->addr_hi = 0x300;
		k->addr_hi_shift = 50 - 8;
	} else if (st->lpa) {
		k->addr_hi = 0xf000;
		k->addr_hi_shift = 48 - 12;
	}
	fast_masks(c, i, k);
	if (st->s2) {
		/* D8.4.2: S2AP[0] (bit 6) read, S2AP[1] (bit 7) write, XN[1]
		 * (bit 54) no execution (FEAT_XNX's split by EL is not
		 * decoded); a stage-2 table entry restricts nothing. */
		k->perm[0] = all;
		k->perm[1] = (struct pgw_perm_decode){
			.always = PGW_PERM_U,
			.mask = { A64_AP1, A64_AP2, A64_UXN, 0, A64_UXN },
			.flip = A64_UXN,
		};
		return;
	}
	if (st->regime == PGW_ARM64_REGIME_EL2) {
		/* D8.4.1: a regime of one EL: AP[2] read-only, bit 54 XN;
		 * APTable[1] and XNTable (bit 60) below, unless HPD. AP[1],
		 * PXN, APTable[0] and PXNTable are ignored (RES1/RES0). */
		k->perm[1] = (struct pgw_perm_decode){
			.always = PGW_PERM_R,
			.mask = { 0, A64_AP2, A64_UXN, 0, 0 },
			.flip = A64_AP2 | A64_UXN,
		};
		k->perm[0] = st->hpd ? all : (struct pgw_perm_decode){
			.always = PGW_PERM_R,
			.mask = { 0, A64_APTABLE1, A64_UXNTABLE, 0, 0 },
			.flip = A64_APTABLE1 | A64_UXNTABLE,
		};
		return;
	}
	/* D8.4.1: AP[2] read-only, AP[1] EL0 access, PXN / UXN. */
	k->perm[1] = (struct pgw_perm_decode){
		.always = PGW_PERM_R,
		.mask = { 0, A64_AP2, A64_PXN, A64_AP1, A64_UXN },
		.flip = A64_AP2 | A64_PXN | A64_UXN,
	};
	/* D8.4.1.2: APTable[1] removes write, APTable[0] EL0 access,
	 * PXNTable / UXNTable execution, at every level below; all ignored
	 * with TCR.HPDn (FEAT_HPDS). */
	if (st->hpd)
		k->perm[0] = all;
	else
		k->perm[0] = (struct pgw_perm_decode){
			.always = PGW_PERM_R,
			.mask = { 0, A64_APTABLE1, A64_PXNTABLE, A64_APTABLE0,
				  A64_UXNTABLE },
			.flip = A64_APTABLE1 | A64_APTABLE0 | A64_PXNTABLE |
				A64_UXNTABLE,
		};
}

void pgw__arm64_derive(pgw_ctx *c)
{
	for (unsigned i = 0; i < c->fmt->nlevels; i++)
		derive_level(c, i, &c->m[i]);
}

/* What a region is built from: one half of TCR_EL1 (or TCR_EL2), or
 * VTCR_EL2. */
struct region_regs {
	unsigned pgshift, txsz, pa_bits;
	int start;                /* stage 2: from SL0/SL2; stage 1: < -1 */
	bool ds, lpa, ha, hpd, epd, tbi, unknown, upper, s2;
	uint64_t ttbr;
};

/* Allocate the region context of @r, with its format, root and masks. */
static int new_region(pgw_ctx **out, const struct region_regs *r,
		      const struct pgw_arm64_regs *regs,
		      const struct pgw_mem_ops *mem, void *payload, char *err,
		      size_t errlen)
{
	unsigned stride = r->pgshift - 3, ia = 64 - r->txsz;
	struct pgw_arm64_state *st;
	uint64_t root_bytes;
	int start = r->start, rc;
	pgw_ctx *c;

	if (start < -1)  /* stage 1: as many levels as the size needs */
		start = 4 - (int)((ia - r->pgshift + stride - 1) / stride);
	rc = pgw__ctx_alloc(&c, &pgw__arch_arm64, mem, payload, r->pa_bits,
			    err, errlen);
	if (rc < 0)
		return rc;
	st = c->priv = calloc(1, sizeof(*st));
	if (!st) {
		pgw_ctx_free(c);
		return PGW_ENOMEM;
	}
	st->pgshift = r->pgshift;
	st->pa_bits = r->pa_bits;
	st->ds = r->ds;
	st->lpa = r->lpa;
	st->ha = r->ha;
	st->hpd = r->hpd;
	st->s2 = r->s2;
	if (regs) {
		st->regime = regs->version >= 3 ? regs->regime :
			     PGW_ARM64_REGIME_EL10;
		st->wxn = regs->sctlr & PGW_ARM64_SCTLR_WXN;
		/* D8.4.2: PAN exists in the regimes with an EL0. */
		st->pan = (regs->pstate & PGW_ARM64_PSTATE_PAN) &&
			  st->regime != PGW_ARM64_REGIME_EL2;
		/* A version-1 caller's struct ends before the MAIR. */
		st->has_mair = regs->version >= 2 && regs->has_mair;
		st->mair = st->has_mair ? regs->mair : 0;
	}
	pgw__arm64_geometry(st, r->s2 ? &pgw__arm64_fmt_s2 : &pgw__arm64_fmt_s1,
			    ia, start);
	c->fmt = &st->fmt;
	c->region = true;
	c->va_fill = r->upper ? ~pgw__bits(ia - 1, 0) : 0;
	/* D8.8 (TBI): VA bits 63:56 take no part in the walk. */
	c->va_ignore = r->tbi ? pgw__bits(63, 56) : 0;
	root_bytes = pgw__table_bytes(c->fmt, &c->fmt->lv[0]);
	c->root = baddr(r->ttbr, r->ds || r->lpa, root_bytes);
	if (!r->s2) {
		static const char *const names[3][2] = {
			{ "TTBR0_EL1", "TTBR1_EL1" },
			{ "TTBR0_EL2", "TTBR1_EL2" },
			{ "TTBR0_EL2", "TTBR0_EL2" },
		};

		c->region_name = names[st->regime][r->upper];
		/* LPA2 and LPA change what descriptor bits mean (OA[51:50]
		 * in bits 9:8, OA[51:48] in 15:12): readers decode by it. */
		snprintf(c->region_desc, sizeof(c->region_desc),
			 "%uK granule, %u-bit, L%d..L3%s", 1u << (r->pgshift - 10),
			 ia, start, r->ds ? ", LPA2" : r->lpa ? ", LPA" : "");
	}
	if (r->unknown)
		c->off_reason = PGW_FAULT_NO_ROOT;
	else if (r->epd)
		c->off_reason = PGW_FAULT_NOT_PRESENT;  /* D8.2: level 0 */
	else if (c->root >> r->pa_bits)
		c->off_reason = PGW_FAULT_ADDR_SIZE;
	pgw__derive(c);
	*out = c;
	return 0;
}

/* The output size of a regime: IPS/PS within the CPU's PARange, and 48
 * bits at most without 52-bit descriptors (D8.3: LPA with 64K, DS). */
static unsigned out_bits(unsigned enc, unsigned parange, unsigned pgshift,
			 bool ds)
{
	unsigned b = pa_size(enc);

	if (b > parange)
		b = parange;
	if (b > 48 && pgshift != 16 && !ds)
		b = 48;
	return b;
}

/* The TxSZ the walk uses: D8.2's bounds for the granule (16, or 12 with
 * 52-bit VAs; 48 for 4K/16K and 47 for 64K with FEAT_TTST), a value out
 * of them acting as the nearest bound. 52-bit VAs with 64K (FEAT_LVA) are
 * assumed: ID_AA64MMFR2.VARange is not among the registers we get. */
static unsigned clamp_txsz(unsigned txsz, unsigned pgshift, bool va52)
{
	unsigned lo = va52 ? 12 : 16, hi = pgshift == 16 ? 47 : 48;

	return txsz < lo ? lo : txsz > hi ? hi : txsz;
}

static int half_regs(struct region_regs *r, const struct pgw_arm64_regs *regs,
		     bool upper, unsigned parange, char *err, size_t errlen)
{
	uint64_t tcr = regs->tcr;
	bool lpa2;

	*r = (struct region_regs){ .upper = upper, .start = -2 };
	r->pgshift = upper ? tg1_shift(TCR_TG1(tcr)) : tg0_shift(TCR_TG0(tcr));
	if (!granule_ok(regs->id_aa64mmfr0, r->pgshift, &lpa2))
		return pgw__fail(err, errlen,
				 "TCR_EL%d.TG%d selects a %uK granule "
				 "ID_AA64MMFR0_EL1 does not have",
				 regs->version >= 3 && regs->regime ? 2 : 1,
				 upper, 1u << (r->pgshift - 10));
	r->ds = (tcr & TCR_DS) && r->pgshift != 16 && lpa2;
	r->pa_bits = out_bits(TCR_IPS(tcr), parange, r->pgshift, r->ds);
	r->lpa = r->pgshift == 16 && parange == 52;
	r->txsz = clamp_txsz(upper ? TCR_T1SZ(tcr) : TCR_T0SZ(tcr), r->pgshift,
			     r->ds || r->pgshift == 16);
	r->ha = tcr & TCR_HA;
	r->hpd = tcr & (upper ? TCR_HPD1 : TCR_HPD0);
	r->epd = tcr & (upper ? TCR_EPD1 : TCR_EPD0);
	r->tbi = tcr & (upper ? TCR_TBI1 : TCR_TBI0);
	r->unknown = regs->unknown_roots &
		     (upper ? PGW_ARM64_NO_TTBR1 : PGW_ARM64_NO_TTBR0);
	r->ttbr = upper ? regs->ttbr1 : regs->ttbr0;
	return 0;
}

/* The one region of the EL2 regime (E2H = 0) from TCR_EL2's own layout
 * (D19.2 TCR_EL2): no TTBR1, no EPD, one TBI and HPD, PS at 18:16. */
static int el2_regs(struct region_regs *r, const struct pgw_arm64_regs *regs,
		    unsigned parange, char *err, size_t errlen)
{
	uint64_t tcr = regs->tcr;
	bool lpa2;

	*r = (struct region_regs){ .start = -2 };
	r->pgshift = tg0_shift(TCR_TG0(tcr));
	if (!granule_ok(regs->id_aa64mmfr0, r->pgshift, &lpa2))
		return pgw__fail(err, errlen,
				 "TCR_EL2.TG0 selects a %uK granule "
				 "ID_AA64MMFR0_EL1 does not have",
				 1u << (r->pgshift - 10));
	r->ds = (tcr & TCR2_DS) && r->pgshift != 16 && lpa2;
	r->pa_bits = out_bits(TCR2_PS(tcr), parange, r->pgshift, r->ds);
	r->lpa = r->pgshift == 16 && parange == 52;
	r->txsz = clamp_txsz(TCR_T0SZ(tcr), r->pgshift,
			     r->ds || r->pgshift == 16);
	r->ha = tcr & TCR2_HA;
	r->hpd = tcr & TCR2_HPD;
	r->tbi = tcr & TCR2_TBI;
	r->unknown = regs->unknown_roots & PGW_ARM64_NO_TTBR0;
	r->ttbr = regs->ttbr0;
	return 0;
}

static unsigned parange_of(uint64_t mmfr0)
{
	return mmfr0 ? pa_size((unsigned)(mmfr0 & 0xf)) : 52;
}

int pgw_ctx_new_arm64(pgw_ctx **out, const struct pgw_arm64_regs *regs,
		      const struct pgw_mem_ops *mem, void *mem_payload,
		      char *err, size_t errlen)
{
	struct region_regs lo, hi;
	unsigned parange;
	pgw_ctx *c, *up;
	int rc;

	if (!out || !regs || regs->version < 1 ||
	    regs->version > PGW_ARM64_REGS_VERSION ||
	    (regs->unknown_roots & ~(PGW_ARM64_NO_TTBR0 | PGW_ARM64_NO_TTBR1)) ||
	    (regs->version >= 3 && regs->regime > PGW_ARM64_REGIME_EL2))
		return pgw__fail(err, errlen, "bad arguments");
	*out = NULL;
	parange = parange_of(regs->id_aa64mmfr0);
	if (!(regs->sctlr & PGW_ARM64_SCTLR_M)) {
		/* Stage 1 off: VA == IPA (D8.2.10), within the PA size. */
		rc = pgw__ctx_alloc(&c, &pgw__arch_arm64, mem, mem_payload,
				    parange, err, errlen);
		if (rc == 0)
			*out = c;
		return rc;
	}
	if (regs->version >= 3 && regs->regime == PGW_ARM64_REGIME_EL2) {
		rc = el2_regs(&lo, regs, parange, err, errlen);
		if (rc == 0)
			rc = new_region(out, &lo, regs, mem, mem_payload, err,
					errlen);
		return rc;
	}
	rc = half_regs(&lo, regs, false, parange, err, errlen);
	if (rc == 0)
		rc = half_regs(&hi, regs, true, parange, err, errlen);
	if (rc == 0)
		rc = new_region(&c, &lo, regs, mem, mem_payload, err, errlen);
	if (rc < 0)
		return rc;
	rc = new_region(&up, &hi, regs, mem, mem_payload, err, errlen);
	if (rc < 0) {
		pgw_ctx_free(c);
		return rc;
	}
	/* D8.2.3: VA bit 55 selects TTBR1 (with or without TBI). */
	c->upper = up;
	c->upper_sel = 1ULL << 55;
	*out = c;
	return 0;
}

/* D8.2 (VTCR_EL2.SL0): the first level of a stage-2 walk, or < -1 for a
 * reserved encoding. SL2 with DS starts the 4K walk at level -1. */
static int s2_start(unsigned pgshift, uint64_t vtcr, bool ds)
{
	unsigned sl0 = VTCR_SL0(vtcr);

	if (pgshift == 12) {
		static const int lv[4] = { 2, 1, 0, 3 };

		if (ds && (vtcr & VTCR_SL2))
			return sl0 == 0 ? -1 : -9;
		return lv[sl0];
	}
	if (pgshift == 14)
		return 3 - (int)sl0;
	return sl0 == 3 ? -9 : 3 - (int)sl0;
}

int pgw_ctx_new_arm64_s2(pgw_ctx **out, uint64_t vttbr, uint64_t vtcr,
			 uint64_t id_aa64mmfr0, const struct pgw_mem_ops *mem,
			 void *mem_payload, char *err, size_t errlen)
{
	unsigned parange = parange_of(id_aa64mmfr0), stride, shift, top;
	struct region_regs r = { .s2 = true };
	bool lpa2;

	if (!out)
		return pgw__fail(err, errlen, "bad arguments");
	*out = NULL;
	r.pgshift = tg0_shift(TCR_TG0(vtcr));
	if (!granule_ok(id_aa64mmfr0, r.pgshift, &lpa2))
		return pgw__fail(err, errlen,
				 "VTCR_EL2.TG0 selects a %uK granule "
				 "ID_AA64MMFR0_EL1 does not have",
				 1u << (r.pgshift - 10));
	r.ds = (vtcr & VTCR_DS) && r.pgshift != 16 && lpa2;
	r.pa_bits = out_bits(VTCR_PS(vtcr), parange, r.pgshift, r.ds);
	r.lpa = r.pgshift == 16 && parange == 52;
	r.ha = vtcr & VTCR_HA;
	r.txsz = clamp_txsz(TCR_T0SZ(vtcr), r.pgshift,
			    r.ds || r.pgshift == 16);
	r.ttbr = vttbr;
	r.start = s2_start(r.pgshift, vtcr, r.ds);
	stride = r.pgshift - 3;
	if (r.start < -1)
		return pgw__fail(err, errlen, "VTCR_EL2.SL0 %u is reserved "
				 "for the %uK granule", VTCR_SL0(vtcr),
				 1u << (r.pgshift - 10));
	/* D8.2.7: the first level resolves what the levels below leave of
	 * the IPA, through up to 16 concatenated tables. */
	shift = r.pgshift + stride * (unsigned)(3 - r.start);
	top = 64 - r.txsz > shift ? 64 - r.txsz - shift : 0;
	if (top < 1 || top > stride + 4)
		return pgw__fail(err, errlen,
				 "VTCR_EL2: T0SZ %u and SL0 %u do not fit "
				 "(a first level of %u index bits)", r.txsz,
				 VTCR_SL0(vtcr), top);
	return new_region(out, &r, NULL, mem, mem_payload, err, errlen);
}

int pgw__arm64_new_stage2(pgw_ctx *c, uint64_t root, int nxe, char *err,
			  size_t errlen)
{
	(void)c;
	(void)root;
	(void)nxe;
	/* Its geometry is VTCR_EL2's, which pgw_ctx_new_nested() lacks. */
	return pgw__fail(err, errlen,
			 "arm64 stage 2 needs VTCR_EL2: use pgw_ctx_new_arm64_s2()");
}
