/*
 * The ppc64 formats as data and the arch entry that names them and this
 * folder's hooks. The hash MMU is not a radix walk: it translates, walks
 * and prints through whole-method hooks (hash.c, view_hash.c), and its one
 * pseudo-level names the HPTE in traces and faults.
 */
#include "ppc64_priv.h"

static const struct pgw_format fmt_hash = {
	.mode = PGW_MODE_PPC64_HASH, .arch = &pgw__arch_ppc64,
	.name = "ppc64 hash", .nlevels = 1,
	.entry_size = 8, .va_bits = 64,
	.lv = { { "HPTE", 12, 0, PGW_LEAF_ALWAYS, 0 } },
};

static const struct pgw_format *const formats[] = { &fmt_hash, NULL };

static const enum pgw_fault_reason faults[] = {
	PGW_FAULT_NO_SLB, PGW_FAULT_BAD_SLB, PGW_FAULT_NO_HPTE, PGW_FAULT_NONE,
};

const struct pgw_arch pgw__arch_ppc64 = {
	.name = "ppc64",
	.formats = formats,
	.regs = "SDR1 or HTAB size, SLB, MSR, AMR, IAMR, LPCR "
		"(struct pgw_ppc64_regs); the HPTEs from memory or pgw_hpte_ops",
	.root_reg = "SDR1",
	.faults = faults,
	.translate = pgw__hash_translate,
	.walk = pgw__hash_walk,
	.view_pg = pgw__hash_view_pg,
	.view_vtop = pgw__hash_view_vtop,
	.view_tlb = pgw_view_slb,
};
