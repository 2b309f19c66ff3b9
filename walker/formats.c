/*
 * The paging formats as data: one const table per mode, giving each level's
 * name, index position, leaf rule and entry kind. walk.c holds the only loop.
 */
#include "walker_priv.h"

/* SDM 3A 4.3: two levels of 1024 4-byte entries; 4M pages with CR4.PSE. */
const struct pgw_format pgw__fmt_x86_32 = {
	.mode = PGW_MODE_X86_32, .name = "32-bit", .nlevels = 2,
	.entry_size = 4, .va_bits = 32, .root_mask = 0xfffff000ULL,
	.lv = {
		{ "PD", 22, 10, PGW_LEAF_PSE,    PGW_KIND_X86_32 },
		{ "PT", 12, 10, PGW_LEAF_ALWAYS, PGW_KIND_X86_32 },
	},
};

/* SDM 3A 4.4: four PDPTEs (a 32-byte table), then two 512-entry levels. */
const struct pgw_format pgw__fmt_pae = {
	.mode = PGW_MODE_X86_PAE, .name = "PAE", .nlevels = 3,
	.entry_size = 8, .va_bits = 32, .wide_rsvd = true,
	.root_mask = 0xffffffe0ULL,
	.lv = {
		{ "PDPT", 30, 2, PGW_LEAF_NEVER,  PGW_KIND_PAE_PDPT },
		{ "PD",   21, 9, PGW_LEAF_PS,     PGW_KIND_X86_64 },
		{ "PT",   12, 9, PGW_LEAF_ALWAYS, PGW_KIND_X86_64 },
	},
};

/* SDM 3A 4.5: IA-32e 4-level paging; 1G pages at the PDPT, 2M at the PD. */
const struct pgw_format pgw__fmt_4l = {
	.mode = PGW_MODE_X86_4L, .name = "4-level", .nlevels = 4,
	.entry_size = 8, .va_bits = 48, .canonical = true,
	.root_mask = 0x000ffffffffff000ULL,
	.lv = {
		{ "PML4", 39, 9, PGW_LEAF_NEVER,  PGW_KIND_X86_64 },
		{ "PDPT", 30, 9, PGW_LEAF_PS,     PGW_KIND_X86_64 },
		{ "PD",   21, 9, PGW_LEAF_PS,     PGW_KIND_X86_64 },
		{ "PT",   12, 9, PGW_LEAF_ALWAYS, PGW_KIND_X86_64 },
	},
};

/* SDM 3A 4.5: 5-level paging (CR4.LA57) adds the PML5 above the PML4. */
const struct pgw_format pgw__fmt_5l = {
	.mode = PGW_MODE_X86_5L, .name = "5-level", .nlevels = 5,
	.entry_size = 8, .va_bits = 57, .canonical = true,
	.root_mask = 0x000ffffffffff000ULL,
	.lv = {
		{ "PML5", 48, 9, PGW_LEAF_NEVER,  PGW_KIND_X86_64 },
		{ "PML4", 39, 9, PGW_LEAF_NEVER,  PGW_KIND_X86_64 },
		{ "PDPT", 30, 9, PGW_LEAF_PS,     PGW_KIND_X86_64 },
		{ "PD",   21, 9, PGW_LEAF_PS,     PGW_KIND_X86_64 },
		{ "PT",   12, 9, PGW_LEAF_ALWAYS, PGW_KIND_X86_64 },
	},
};

/* SDM 3C 29.3.2: EPT, same geometry as IA-32e, R/W/X instead of P/RW/US. */
const struct pgw_format pgw__fmt_ept4 = {
	.mode = PGW_MODE_EPT4, .name = "EPT 4-level", .nlevels = 4,
	.entry_size = 8, .va_bits = 48,
	.root_mask = 0x000ffffffffff000ULL,
	.lv = {
		{ "EPT PML4", 39, 9, PGW_LEAF_NEVER,  PGW_KIND_EPT },
		{ "EPT PDPT", 30, 9, PGW_LEAF_PS,     PGW_KIND_EPT },
		{ "EPT PD",   21, 9, PGW_LEAF_PS,     PGW_KIND_EPT },
		{ "EPT PT",   12, 9, PGW_LEAF_ALWAYS, PGW_KIND_EPT },
	},
};

const struct pgw_format pgw__fmt_ept5 = {
	.mode = PGW_MODE_EPT5, .name = "EPT 5-level", .nlevels = 5,
	.entry_size = 8, .va_bits = 57,
	.root_mask = 0x000ffffffffff000ULL,
	.lv = {
		{ "EPT PML5", 48, 9, PGW_LEAF_NEVER,  PGW_KIND_EPT },
		{ "EPT PML4", 39, 9, PGW_LEAF_NEVER,  PGW_KIND_EPT },
		{ "EPT PDPT", 30, 9, PGW_LEAF_PS,     PGW_KIND_EPT },
		{ "EPT PD",   21, 9, PGW_LEAF_PS,     PGW_KIND_EPT },
		{ "EPT PT",   12, 9, PGW_LEAF_ALWAYS, PGW_KIND_EPT },
	},
};

/* AMD APM 2 15.25: nested tables use the long-mode format on GPAs. */
const struct pgw_format pgw__fmt_npt4 = {
	.mode = PGW_MODE_NPT4, .name = "NPT 4-level", .nlevels = 4,
	.entry_size = 8, .va_bits = 48,
	.root_mask = 0x000ffffffffff000ULL,
	.lv = {
		{ "NPT PML4", 39, 9, PGW_LEAF_NEVER,  PGW_KIND_X86_64 },
		{ "NPT PDPT", 30, 9, PGW_LEAF_PS,     PGW_KIND_X86_64 },
		{ "NPT PD",   21, 9, PGW_LEAF_PS,     PGW_KIND_X86_64 },
		{ "NPT PT",   12, 9, PGW_LEAF_ALWAYS, PGW_KIND_X86_64 },
	},
};

const struct pgw_format pgw__fmt_npt5 = {
	.mode = PGW_MODE_NPT5, .name = "NPT 5-level", .nlevels = 5,
	.entry_size = 8, .va_bits = 57,
	.root_mask = 0x000ffffffffff000ULL,
	.lv = {
		{ "NPT PML5", 48, 9, PGW_LEAF_NEVER,  PGW_KIND_X86_64 },
		{ "NPT PML4", 39, 9, PGW_LEAF_NEVER,  PGW_KIND_X86_64 },
		{ "NPT PDPT", 30, 9, PGW_LEAF_PS,     PGW_KIND_X86_64 },
		{ "NPT PD",   21, 9, PGW_LEAF_PS,     PGW_KIND_X86_64 },
		{ "NPT PT",   12, 9, PGW_LEAF_ALWAYS, PGW_KIND_X86_64 },
	},
};

const struct pgw_format *pgw__format(enum pgw_mode mode)
{
	switch (mode) {
	case PGW_MODE_X86_32: return &pgw__fmt_x86_32;
	case PGW_MODE_X86_PAE: return &pgw__fmt_pae;
	case PGW_MODE_X86_4L: return &pgw__fmt_4l;
	case PGW_MODE_X86_5L: return &pgw__fmt_5l;
	case PGW_MODE_EPT4: return &pgw__fmt_ept4;
	case PGW_MODE_EPT5: return &pgw__fmt_ept5;
	case PGW_MODE_NPT4: return &pgw__fmt_npt4;
	case PGW_MODE_NPT5: return &pgw__fmt_npt5;
	case PGW_MODE_PPC64_HASH: return &pgw__fmt_ppc64_hash;
	default: return NULL;
	}
}

const char *pgw_mode_name(enum pgw_mode mode)
{
	const struct pgw_format *f = pgw__format(mode);

	if (mode == PGW_MODE_NONE)
		return "paging disabled";
	return f ? f->name : "unknown";
}

int pgw_mode_va_spans(enum pgw_mode mode, uint64_t spans[2][2])
{
	const struct pgw_format *f = pgw__format(mode);
	uint64_t half;

	if (!f)
		return 0;
	if (f->va_bits >= 64) {
		spans[0][0] = spans[0][1] = 0;  /* the whole space */
		return 1;
	}
	if (!f->canonical) {
		spans[0][0] = 0;
		spans[0][1] = 1ULL << f->va_bits;
		return 1;
	}
	/* SDM 3A 4.5: the upper bits copy the top translated bit. */
	half = 1ULL << (f->va_bits - 1);
	spans[0][0] = 0;
	spans[0][1] = half;
	spans[1][0] = -half;
	spans[1][1] = 0;
	return 2;
}
