/*
 * The arm64 formats. A VMSAv8-64 walk's geometry (granule, input size,
 * first level, concatenated stage-2 tables) is chosen by TCR/VTCR, so each
 * region context builds its own format here; the two const formats below
 * stand for the modes (names, spans) and are never walked.
 */
#include "arm64_priv.h"

#include <stdio.h>

/* Stage 1, EL1&0: two regions of up to 52 bits (TTBR0 low, TTBR1 high). */
const struct pgw_format pgw__arm64_fmt_s1 = {
	.mode = PGW_MODE_ARM64,
	.arch = &pgw__arch_arm64, .name = "VMSAv8-64", .nlevels = 4,
	.entry_size = 8, .va_bits = 52, .halves = true,
	.root_mask = 0x0000fffffffffffeULL,
	.lv = {
		{ "L0", 39, 9, PGW_LEAF_MAYBE,  0 },
		{ "L1", 30, 9, PGW_LEAF_MAYBE,  A64_KIND_BLOCK },
		{ "L2", 21, 9, PGW_LEAF_MAYBE,  A64_KIND_BLOCK },
		{ "L3", 12, 9, PGW_LEAF_ALWAYS, 0 },
	},
};

/* Stage 2: one region of IPAs from 0. */
const struct pgw_format pgw__arm64_fmt_s2 = {
	.mode = PGW_MODE_ARM64_S2, .stage2 = true,
	.arch = &pgw__arch_arm64, .name = "VMSAv8-64 stage 2", .nlevels = 4,
	.entry_size = 8, .va_bits = 52,
	.root_mask = 0x0000fffffffffffeULL,
	.lv = {
		{ "S2 L0", 39, 9, PGW_LEAF_MAYBE,  A64_KIND_S2 },
		{ "S2 L1", 30, 9, PGW_LEAF_MAYBE,  A64_KIND_S2 | A64_KIND_BLOCK },
		{ "S2 L2", 21, 9, PGW_LEAF_MAYBE,  A64_KIND_S2 | A64_KIND_BLOCK },
		{ "S2 L3", 12, 9, PGW_LEAF_ALWAYS, A64_KIND_S2 },
	},
};

/*
 * Arm ARM D8.2 (translation granules, block sizes): blocks at level 1 and
 * 2 with the 4K granule, at level 2 with 16K and 64K; with 52-bit output
 * addresses also at level 0 (4K, TCR.DS), level 1 (16K, TCR.DS) and level
 * 1 (64K, FEAT_LPA). Never at level -1 nor 3 (pages).
 */
static bool block_ok(const struct pgw_arm64_state *st, int level)
{
	switch (st->pgshift) {
	case 12: return level == 1 || level == 2 || (level == 0 && st->ds);
	case 14: return level == 2 || (level == 1 && st->ds);
	default: return level == 2 || (level == 1 && st->lpa);
	}
}

void pgw__arm64_geometry(struct pgw_arm64_state *st,
			 const struct pgw_format *proto, unsigned ia, int start)
{
	struct pgw_format *f = &st->fmt;
	unsigned stride = st->pgshift - 3;

	*f = *proto;
	f->halves = false;
	f->va_bits = ia;
	st->start = start;
	f->nlevels = (unsigned)(4 - start);
	for (int l = start; l <= 3; l++) {
		struct pgw_level *lv = &f->lv[l - start];

		snprintf(st->names[l - start], sizeof(st->names[0]), "%sL%d",
			 st->s2 ? "S2 " : "", l);
		lv->name = st->names[l - start];
		lv->shift = (uint8_t)(st->pgshift + stride * (unsigned)(3 - l));
		lv->bits = (uint8_t)(l == start ? ia - lv->shift : stride);
		lv->leaf = l == 3 ? PGW_LEAF_ALWAYS : PGW_LEAF_MAYBE;
		lv->kind = (uint8_t)((st->s2 ? A64_KIND_S2 : 0) |
				     (st->regime == PGW_ARM64_REGIME_EL2 ?
				      A64_KIND_EL2 : 0) |
				     (l < 3 && block_ok(st, l) ?
				      A64_KIND_BLOCK : 0));
	}
	for (unsigned i = f->nlevels; i < PGW_MAX_LEVELS; i++)
		f->lv[i] = (struct pgw_level){ 0 };
}

static const struct pgw_format *const formats[] = {
	&pgw__arm64_fmt_s1, &pgw__arm64_fmt_s2, NULL,
};

static const enum pgw_fault_reason faults[] = {
	PGW_FAULT_NO_ROOT, PGW_FAULT_ADDR_SIZE, PGW_FAULT_ACCESS_FLAG,
	PGW_FAULT_NONE,
};

const struct pgw_arch pgw__arch_arm64 = {
	.name = "arm64",
	.formats = formats,
	.regs = "TTBR0_EL1, TTBR1_EL1, TCR_EL1, SCTLR_EL1, PSTATE (EL, PAN), "
		"ID_AA64MMFR0_EL1 (struct pgw_arm64_regs; the _EL2 ones for "
		"the EL2&0 and EL2 regimes); VTTBR_EL2 and VTCR_EL2 for "
		"stage 2",
	.root_reg = "TTBR",
	.faults = faults,
	.derive = pgw__arm64_derive,
	.check = pgw__arm64_check,
	.access_ok = pgw__arm64_access_ok,
	.new_stage2 = pgw__arm64_new_stage2,
	.flag_letters = pgw__arm64_flag_letters,
	.flag_key = pgw__arm64_flag_key,
	.tlb_flags = pgw__arm64_tlb_flags,
	.prot_key = pgw__arm64_prot_key,
	.prot_cols = pgw__arm64_prot_cols,
};
