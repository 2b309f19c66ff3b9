/*
 * The RISC-V paging formats as data (one const table per mode: each
 * level's name, index position, leaf rule and PTE layout) and the arch
 * entry naming this folder's hooks. walk.c holds the only loop.
 *
 * Level names: the Privileged ISA numbers the levels of a walk i = LEVELS-1
 * down to 0 (4.3.2: "let i = LEVELS - 1", a "level-i PTE" indexed by
 * va.vpn[i]), so a level is "L<i>": L0 holds the 4 KiB leaves and a leaf
 * above it is a superpage. "VPN[i]" would be the spec's other name, but
 * `info pg` prints NAME[index], and VPN[2][1ff] reads badly. G-stage
 * levels carry a "G " prefix that `info pg` drops, as EPT's "EPT ".
 */
#include "riscv_priv.h"

/* 4.3: Sv32, two levels of 1024 4-byte PTEs; 4 MiB megapages at L1. */
static const struct pgw_format fmt_sv32 = {
	.mode = PGW_MODE_RISCV_SV32,
	.arch = &pgw__arch_riscv, .name = "Sv32", .nlevels = 2,
	.entry_size = 4, .va_bits = 32, .root_mask = 0x3fffff000ULL,
	.lv = {
		{ "L1", 22, 10, PGW_LEAF_MAYBE,  RV_KIND_SV32 },
		{ "L0", 12, 10, PGW_LEAF_ALWAYS, RV_KIND_SV32 },
	},
};

/* 4.4: Sv39, VA bits 63:39 equal to bit 38; 2M and 1G superpages. */
static const struct pgw_format fmt_sv39 = {
	.mode = PGW_MODE_RISCV_SV39,
	.arch = &pgw__arch_riscv, .name = "Sv39", .nlevels = 3,
	.entry_size = 8, .va_bits = 39, .canonical = true,
	.root_mask = 0x00fffffffffff000ULL,
	.lv = {
		{ "L2", 30, 9, PGW_LEAF_MAYBE,  RV_KIND_64 },
		{ "L1", 21, 9, PGW_LEAF_MAYBE,  RV_KIND_64 },
		{ "L0", 12, 9, PGW_LEAF_ALWAYS, RV_KIND_64 },
	},
};

/* 4.5: Sv48 adds L3 (512G pages), sign-extended from bit 47. */
static const struct pgw_format fmt_sv48 = {
	.mode = PGW_MODE_RISCV_SV48,
	.arch = &pgw__arch_riscv, .name = "Sv48", .nlevels = 4,
	.entry_size = 8, .va_bits = 48, .canonical = true,
	.root_mask = 0x00fffffffffff000ULL,
	.lv = {
		{ "L3", 39, 9, PGW_LEAF_MAYBE,  RV_KIND_64 },
		{ "L2", 30, 9, PGW_LEAF_MAYBE,  RV_KIND_64 },
		{ "L1", 21, 9, PGW_LEAF_MAYBE,  RV_KIND_64 },
		{ "L0", 12, 9, PGW_LEAF_ALWAYS, RV_KIND_64 },
	},
};

/* 4.6: Sv57 adds L4 (256T pages), sign-extended from bit 56. */
static const struct pgw_format fmt_sv57 = {
	.mode = PGW_MODE_RISCV_SV57,
	.arch = &pgw__arch_riscv, .name = "Sv57", .nlevels = 5,
	.entry_size = 8, .va_bits = 57, .canonical = true,
	.root_mask = 0x00fffffffffff000ULL,
	.lv = {
		{ "L4", 48, 9, PGW_LEAF_MAYBE,  RV_KIND_64 },
		{ "L3", 39, 9, PGW_LEAF_MAYBE,  RV_KIND_64 },
		{ "L2", 30, 9, PGW_LEAF_MAYBE,  RV_KIND_64 },
		{ "L1", 21, 9, PGW_LEAF_MAYBE,  RV_KIND_64 },
		{ "L0", 12, 9, PGW_LEAF_ALWAYS, RV_KIND_64 },
	},
};

/* 8.5.1: the G-stage widens the stage-1 format by 2 bits at the root,
 * a 16 KiB table of 2048 PTEs; GPAs are zero-extended, not sign-extended
 * (bits above the width must be 0), and every access is a U-mode one. */
static const struct pgw_format fmt_sv39x4 = {
	.mode = PGW_MODE_RISCV_SV39X4, .stage2 = true, .stage2_user = true,
	.arch = &pgw__arch_riscv, .name = "Sv39x4", .nlevels = 3,
	.entry_size = 8, .va_bits = 41,
	.root_mask = 0x00ffffffffffc000ULL,
	.lv = {
		{ "G L2", 30, 11, PGW_LEAF_MAYBE,  RV_KIND_64 },
		{ "G L1", 21, 9,  PGW_LEAF_MAYBE,  RV_KIND_64 },
		{ "G L0", 12, 9,  PGW_LEAF_ALWAYS, RV_KIND_64 },
	},
};

static const struct pgw_format fmt_sv48x4 = {
	.mode = PGW_MODE_RISCV_SV48X4, .stage2 = true, .stage2_user = true,
	.arch = &pgw__arch_riscv, .name = "Sv48x4", .nlevels = 4,
	.entry_size = 8, .va_bits = 50,
	.root_mask = 0x00ffffffffffc000ULL,
	.lv = {
		{ "G L3", 39, 11, PGW_LEAF_MAYBE,  RV_KIND_64 },
		{ "G L2", 30, 9,  PGW_LEAF_MAYBE,  RV_KIND_64 },
		{ "G L1", 21, 9,  PGW_LEAF_MAYBE,  RV_KIND_64 },
		{ "G L0", 12, 9,  PGW_LEAF_ALWAYS, RV_KIND_64 },
	},
};

static const struct pgw_format fmt_sv57x4 = {
	.mode = PGW_MODE_RISCV_SV57X4, .stage2 = true, .stage2_user = true,
	.arch = &pgw__arch_riscv, .name = "Sv57x4", .nlevels = 5,
	.entry_size = 8, .va_bits = 59,
	.root_mask = 0x00ffffffffffc000ULL,
	.lv = {
		{ "G L4", 48, 11, PGW_LEAF_MAYBE,  RV_KIND_64 },
		{ "G L3", 39, 9,  PGW_LEAF_MAYBE,  RV_KIND_64 },
		{ "G L2", 30, 9,  PGW_LEAF_MAYBE,  RV_KIND_64 },
		{ "G L1", 21, 9,  PGW_LEAF_MAYBE,  RV_KIND_64 },
		{ "G L0", 12, 9,  PGW_LEAF_ALWAYS, RV_KIND_64 },
	},
};

static const struct pgw_format *const formats[] = {
	&fmt_sv32, &fmt_sv39, &fmt_sv48, &fmt_sv57,
	&fmt_sv39x4, &fmt_sv48x4, &fmt_sv57x4, NULL,
};

/* Misaligned superpages and reserved encodings are reserved bits: every
 * reason RISC-V reports is one of the core's. */
static const enum pgw_fault_reason faults[] = { PGW_FAULT_NONE };

const struct pgw_arch pgw__arch_riscv = {
	.name = "riscv",
	.formats = formats,
	.regs = "satp, mstatus (SUM, MXR, MPRV, MPP), privilege, XLEN "
		"(struct pgw_riscv_regs); hgatp for a G-stage",
	.root_reg = "satp",
	.faults = faults,
	.derive = pgw__riscv_derive,
	.rsvd = pgw__riscv_rsvd,
	.leaf_base = pgw__riscv_leaf_base,
	.access_ok = pgw__riscv_access_ok,
	.access_deny = pgw__riscv_access_deny,
	.fault_code = pgw__riscv_fault_code,
	.leaf_access_ok = pgw__riscv_leaf_access_ok,
	.new_stage2 = pgw__riscv_new_stage2,
	.flag_letters = pgw__riscv_flag_letters,
	.flag_key = pgw__riscv_flag_key,
	.tlb_flags = pgw__riscv_tlb_flags,
	.view_mem = pgw__riscv_view_mem,
};
