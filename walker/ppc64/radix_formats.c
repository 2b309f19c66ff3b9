/*
 * The ppc64 radix formats and the arch entry naming this folder's radix
 * hooks. A radix tree's geometry comes from its PRTE or PATE (RTS: the
 * EA size, RPDS: the root's size) and its PDEs (NLS), so each context
 * builds its own format (pgw__radix_geometry); the two const formats
 * below stand for the modes (names, spans) and are never walked.
 *
 * Level names: the ISA walks the tree from the root page directory down
 * to the page table; pgstub counts those levels "L1" (the root) to "L4"
 * (4K/64K pages in a 52-bit tree), partition-scoped ones "P L1"..., which
 * `info pg` prints without the "P ".
 */
#include "radix_priv.h"

#include <stdio.h>

/* Process-scoped: quadrants 0 and 3, each a region of up to 2^52 bytes. */
const struct pgw_format pgw__radix_fmt_proc = {
	.mode = PGW_MODE_PPC64_RADIX,
	.arch = &pgw__arch_ppc64_radix, .name = "ppc64 radix", .nlevels = 4,
	.entry_size = 8, .va_bits = 64, .big_endian = true,
	.root_mask = RX_RPDB,
	.lv = {
		{ "L1", 39, 13, PGW_LEAF_MAYBE,  0 },
		{ "L2", 30, 9,  PGW_LEAF_MAYBE,  0 },
		{ "L3", 21, 9,  PGW_LEAF_MAYBE,  0 },
		{ "L4", 12, 9,  PGW_LEAF_ALWAYS, 0 },
	},
};

/* Partition-scoped: guest real addresses from 0. */
const struct pgw_format pgw__radix_fmt_part = {
	.mode = PGW_MODE_PPC64_RADIX_PART, .stage2 = true,
	.arch = &pgw__arch_ppc64_radix, .name = "ppc64 radix partition-scoped",
	.nlevels = 4, .entry_size = 8, .va_bits = 52, .big_endian = true,
	.root_mask = RX_RPDB,
	.lv = {
		{ "P L1", 39, 13, PGW_LEAF_MAYBE,  0 },
		{ "P L2", 30, 9,  PGW_LEAF_MAYBE,  0 },
		{ "P L3", 21, 9,  PGW_LEAF_MAYBE,  0 },
		{ "P L4", 12, 9,  PGW_LEAF_ALWAYS, 0 },
	},
};

bool pgw__radix_geometry(struct pgw_radix_state *st,
			 const struct pgw_format *proto, unsigned ea_bits,
			 unsigned rpds, unsigned last_nls)
{
	struct pgw_format *f = &st->fmt;
	unsigned above, n, shift;

	/* A root of 2^RPDS entries over 9-bit levels down to the last one,
	 * which covers 2 MiB: 13-9-9-9 (4K) or 13-9-9-5 (64K) for Linux's
	 * 52-bit trees. */
	if (ea_bits > 63 || rpds < 1 || last_nls < 1 ||
	    last_nls >= RX_LAST_SPAN_SHIFT - 11 || ea_bits < rpds ||
	    ea_bits - rpds < RX_LAST_SPAN_SHIFT ||
	    (ea_bits - rpds - RX_LAST_SPAN_SHIFT) % 9)
		return false;
	above = (ea_bits - rpds - RX_LAST_SPAN_SHIFT) / 9;
	n = above + 2;
	if (n > PGW_MAX_LEVELS)
		return false;
	*f = *proto;
	f->va_bits = ea_bits;
	f->nlevels = n;
	shift = ea_bits;
	for (unsigned i = 0; i < n; i++) {
		struct pgw_level *lv = &f->lv[i];
		unsigned bits = i == 0 ? rpds : i == n - 1 ? last_nls : 9;

		shift -= bits;
		snprintf(st->names[i], sizeof(st->names[0]), "%sL%u",
			 proto->stage2 ? "P " : "", i + 1);
		lv->name = st->names[i];
		lv->shift = (uint8_t)shift;
		lv->bits = (uint8_t)bits;
		lv->leaf = i == n - 1 ? PGW_LEAF_ALWAYS : PGW_LEAF_MAYBE;
		lv->kind = 0;
	}
	for (unsigned i = n; i < PGW_MAX_LEVELS; i++)
		f->lv[i] = (struct pgw_level){ 0 };
	return true;
}

static const struct pgw_format *const formats[] = {
	&pgw__radix_fmt_proc, &pgw__radix_fmt_part, NULL,
};

static const enum pgw_fault_reason faults[] = {
	PGW_FAULT_BAD_PRTE, PGW_FAULT_NONE,
};

const struct pgw_arch pgw__arch_ppc64_radix = {
	.name = "ppc64 radix",
	.formats = formats,
	.regs = "PTCR or the process-table base (PATE doubleword 1), PIDR, "
		"LPIDR, LPCR, MSR (struct pgw_ppc64_radix_regs); PTCR and an "
		"LPID for a partition-scoped tree",
	.root_reg = "PRTE",
	.faults = faults,
	.derive = pgw__radix_derive,
	.rsvd = pgw__radix_rsvd,
	.leaf_base = pgw__radix_leaf_base,
	.access_ok = pgw__radix_access_ok,
	.new_stage2 = pgw__radix_new_stage2,
	.flag_letters = pgw__radix_flag_letters,
	.flag_key = pgw__radix_flag_key,
	.tlb_flags = pgw__radix_tlb_flags,
};
