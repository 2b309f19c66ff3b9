/*
 * The x86 paging formats as data (one const table per mode: each level's
 * name, index position, leaf rule and entry kind) and the arch entry that
 * names them and this folder's hooks. walk.c holds the only loop.
 */
#include "x86_priv.h"

/* SDM 3A 4.3: two levels of 1024 4-byte entries; 4M pages with CR4.PSE. */
static const struct pgw_format fmt_x86_32 = {
	.mode = PGW_MODE_X86_32,
	.arch = &pgw__arch_x86, .name = "32-bit", .nlevels = 2,
	.entry_size = 4, .va_bits = 32, .root_mask = 0xfffff000ULL,
	.lv = {
		{ "PD", 22, 10, PGW_LEAF_MAYBE,  X86_KIND_32 },
		{ "PT", 12, 10, PGW_LEAF_ALWAYS, X86_KIND_32 },
	},
};

/* SDM 3A 4.4: four PDPTEs (a 32-byte table), then two 512-entry levels. */
static const struct pgw_format fmt_pae = {
	.mode = PGW_MODE_X86_PAE,
	.arch = &pgw__arch_x86, .name = "PAE", .nlevels = 3,
	.entry_size = 8, .va_bits = 32,
	.root_mask = 0xffffffe0ULL,
	.lv = {
		{ "PDPT", 30, 2, PGW_LEAF_NEVER,  X86_KIND_PDPTE },
		{ "PD",   21, 9, PGW_LEAF_MAYBE,  X86_KIND_PAE },
		{ "PT",   12, 9, PGW_LEAF_ALWAYS, X86_KIND_PAE },
	},
};

/* SDM 3A 4.5: IA-32e 4-level paging; 1G pages at the PDPT, 2M at the PD. */
static const struct pgw_format fmt_4l = {
	.mode = PGW_MODE_X86_4L,
	.arch = &pgw__arch_x86, .name = "4-level", .nlevels = 4,
	.entry_size = 8, .va_bits = 48, .canonical = true,
	.root_mask = 0x000ffffffffff000ULL,
	.lv = {
		{ "PML4", 39, 9, PGW_LEAF_NEVER,  X86_KIND_64 },
		{ "PDPT", 30, 9, PGW_LEAF_MAYBE,  X86_KIND_64 },
		{ "PD",   21, 9, PGW_LEAF_MAYBE,  X86_KIND_64 },
		{ "PT",   12, 9, PGW_LEAF_ALWAYS, X86_KIND_64 },
	},
};

/* SDM 3A 4.5: 5-level paging (CR4.LA57) adds the PML5 above the PML4. */
static const struct pgw_format fmt_5l = {
	.mode = PGW_MODE_X86_5L,
	.arch = &pgw__arch_x86, .name = "5-level", .nlevels = 5,
	.entry_size = 8, .va_bits = 57, .canonical = true,
	.root_mask = 0x000ffffffffff000ULL,
	.lv = {
		{ "PML5", 48, 9, PGW_LEAF_NEVER,  X86_KIND_64 },
		{ "PML4", 39, 9, PGW_LEAF_NEVER,  X86_KIND_64 },
		{ "PDPT", 30, 9, PGW_LEAF_MAYBE,  X86_KIND_64 },
		{ "PD",   21, 9, PGW_LEAF_MAYBE,  X86_KIND_64 },
		{ "PT",   12, 9, PGW_LEAF_ALWAYS, X86_KIND_64 },
	},
};

/* SDM 3C 29.3.2: EPT, same geometry as IA-32e, R/W/X instead of P/RW/US. */
static const struct pgw_format fmt_ept4 = {
	.mode = PGW_MODE_EPT4, .stage2 = true,
	.arch = &pgw__arch_x86, .name = "EPT 4-level", .nlevels = 4,
	.entry_size = 8, .va_bits = 48,
	.root_mask = 0x000ffffffffff000ULL,
	.lv = {
		{ "EPT PML4", 39, 9, PGW_LEAF_NEVER,  X86_KIND_EPT },
		{ "EPT PDPT", 30, 9, PGW_LEAF_MAYBE,  X86_KIND_EPT },
		{ "EPT PD",   21, 9, PGW_LEAF_MAYBE,  X86_KIND_EPT },
		{ "EPT PT",   12, 9, PGW_LEAF_ALWAYS, X86_KIND_EPT },
	},
};

static const struct pgw_format fmt_ept5 = {
	.mode = PGW_MODE_EPT5, .stage2 = true,
	.arch = &pgw__arch_x86, .name = "EPT 5-level", .nlevels = 5,
	.entry_size = 8, .va_bits = 57,
	.root_mask = 0x000ffffffffff000ULL,
	.lv = {
		{ "EPT PML5", 48, 9, PGW_LEAF_NEVER,  X86_KIND_EPT },
		{ "EPT PML4", 39, 9, PGW_LEAF_NEVER,  X86_KIND_EPT },
		{ "EPT PDPT", 30, 9, PGW_LEAF_MAYBE,  X86_KIND_EPT },
		{ "EPT PD",   21, 9, PGW_LEAF_MAYBE,  X86_KIND_EPT },
		{ "EPT PT",   12, 9, PGW_LEAF_ALWAYS, X86_KIND_EPT },
	},
};

/* AMD APM 2 15.25: nested tables use the long-mode format on GPAs. */
static const struct pgw_format fmt_npt4 = {
	.mode = PGW_MODE_NPT4, .stage2 = true, .stage2_user = true,
	.arch = &pgw__arch_x86, .name = "NPT 4-level", .nlevels = 4,
	.entry_size = 8, .va_bits = 48,
	.root_mask = 0x000ffffffffff000ULL,
	.lv = {
		{ "NPT PML4", 39, 9, PGW_LEAF_NEVER,  X86_KIND_64 },
		{ "NPT PDPT", 30, 9, PGW_LEAF_MAYBE,  X86_KIND_64 },
		{ "NPT PD",   21, 9, PGW_LEAF_MAYBE,  X86_KIND_64 },
		{ "NPT PT",   12, 9, PGW_LEAF_ALWAYS, X86_KIND_64 },
	},
};

static const struct pgw_format fmt_npt5 = {
	.mode = PGW_MODE_NPT5, .stage2 = true, .stage2_user = true,
	.arch = &pgw__arch_x86, .name = "NPT 5-level", .nlevels = 5,
	.entry_size = 8, .va_bits = 57,
	.root_mask = 0x000ffffffffff000ULL,
	.lv = {
		{ "NPT PML5", 48, 9, PGW_LEAF_NEVER,  X86_KIND_64 },
		{ "NPT PML4", 39, 9, PGW_LEAF_NEVER,  X86_KIND_64 },
		{ "NPT PDPT", 30, 9, PGW_LEAF_MAYBE,  X86_KIND_64 },
		{ "NPT PD",   21, 9, PGW_LEAF_MAYBE,  X86_KIND_64 },
		{ "NPT PT",   12, 9, PGW_LEAF_ALWAYS, X86_KIND_64 },
	},
};

static const struct pgw_format *const formats[] = {
	&fmt_x86_32, &fmt_pae, &fmt_4l, &fmt_5l,
	&fmt_ept4, &fmt_ept5, &fmt_npt4, &fmt_npt5, NULL,
};

/* Every reason x86 reports is one of the core's. */
static const enum pgw_fault_reason faults[] = { PGW_FAULT_NONE };

const struct pgw_arch pgw__arch_x86 = {
	.name = "x86",
	.formats = formats,
	.regs = "CR0, CR3, CR4, EFER, RFLAGS.AC, PKRU, PKRS, PAE PDPTEs, "
		"MAXPHYADDR (struct pgw_x86_regs); EPTP or nCR3 for a "
		"nested stage",
	.root_reg = "CR3",
	.faults = faults,
	.derive = pgw__x86_derive,
	.rsvd = pgw__x86_rsvd,
	.leaf_base = pgw__x86_leaf_base,
	.access_ok = pgw__x86_access_ok,
	.access_deny = pgw__x86_access_deny,
	.fault_code = pgw__x86_fault_code,
	.new_stage2 = pgw__x86_new_stage2,
	.flag_letters = pgw__x86_flag_letters,
	.flag_key = pgw__x86_flag_key,
	.tlb_flags = pgw__x86_tlb_flags,
};
