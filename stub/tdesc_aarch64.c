/*
 * Ready-made aarch64 target description: the core (x0-x30, sp, pc, cpsr)
 * and FP/SIMD (v0-v31, fpsr, fpcr) features in QEMU 7.2's gdbstub
 * numbering, then the EL1 system registers under the names QEMU 7.2 gives
 * them in its "org.qemu.gdb.arm.sys.regs" feature (SCTLR_EL1 is "SCTLR",
 * VBAR_EL1 "VBAR"), so tools that read TTBR1_EL1 by name work unchanged,
 * and the EL2 ones that say a host's regime and tables (QEMU has them
 * with -M virt,virtualization=on).
 */
#include "gdbr_priv.h"

/* 95 registers: QEMU numbers its system registers from 68 in hash-table
 * order, which no tool can rely on; pgstub keeps this fixed one. */
static const char *const aarch64_names[] = {
	"x0", "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10",
	"x11", "x12", "x13", "x14", "x15", "x16", "x17", "x18", "x19", "x20",
	"x21", "x22", "x23", "x24", "x25", "x26", "x27", "x28", "x29", "x30",
	"sp", "pc", "cpsr", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7",
	"v8", "v9", "v10", "v11", "v12", "v13", "v14", "v15", "v16", "v17",
	"v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25", "v26", "v27",
	"v28", "v29", "v30", "v31", "fpsr", "fpcr", "SCTLR", "TTBR0_EL1",
	"TTBR1_EL1", "TCR_EL1", "MAIR_EL1", "ID_AA64MMFR0_EL1", "ESR_EL1",
	"FAR_EL1", "VBAR", "ELR_EL1", "SPSR_EL1", "SP_EL0", "SP_EL1",
	"TPIDR_EL0", "TPIDR_EL1", "CONTEXTIDR_EL1", "PAR_EL1",
	"ID_AA64MMFR1_EL1", "ID_AA64MMFR2_EL1", "HCR_EL2", "SCTLR_EL2",
	"TTBR0_EL2", "TTBR1_EL2", "TCR_EL2", "MAIR_EL2", "VTTBR_EL2",
	"VTCR_EL2",
};

static const unsigned char aarch64_sizes[] = {
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 4, 16, 16, 16, 16, 16, 16, 16, 16, 16,
	16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
	16, 16, 16, 16, 16, 16, 4, 4, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
};

static const char aarch64_xml[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	"<!-- pgstub aarch64: register numbers follow QEMU 7.2's gdbstub -->\n"
	"<target version=\"1.0\">\n"
	"<architecture>aarch64</architecture>\n"
	"<feature name=\"org.gnu.gdb.aarch64.core\">\n"
	"<reg name=\"x0\" bitsize=\"64\" type=\"uint64\" regnum=\"0\"/>\n"
	"<reg name=\"x1\" bitsize=\"64\" type=\"uint64\" regnum=\"1\"/>\n"
	"<reg name=\"x2\" bitsize=\"64\" type=\"uint64\" regnum=\"2\"/>\n"
	"<reg name=\"x3\" bitsize=\"64\" type=\"uint64\" regnum=\"3\"/>\n"
	"<reg name=\"x4\" bitsize=\"64\" type=\"uint64\" regnum=\"4\"/>\n"
	"<reg name=\"x5\" bitsize=\"64\" type=\"uint64\" regnum=\"5\"/>\n"
	"<reg name=\"x6\" bitsize=\"64\" type=\"uint64\" regnum=\"6\"/>\n"
	"<reg name=\"x7\" bitsize=\"64\" type=\"uint64\" regnum=\"7\"/>\n"
	"<reg name=\"x8\" bitsize=\"64\" type=\"uint64\" regnum=\"8\"/>\n"
	"<reg name=\"x9\" bitsize=\"64\" type=\"uint64\" regnum=\"9\"/>\n"
	"<reg name=\"x10\" bitsize=\"64\" type=\"uint64\" regnum=\"10\"/>\n"
	"<reg name=\"x11\" bitsize=\"64\" type=\"uint64\" regnum=\"11\"/>\n"
	"<reg name=\"x12\" bitsize=\"64\" type=\"uint64\" regnum=\"12\"/>\n"
	"<reg name=\"x13\" bitsize=\"64\" type=\"uint64\" regnum=\"13\"/>\n"
	"<reg name=\"x14\" bitsize=\"64\" type=\"uint64\" regnum=\"14\"/>\n"
	"<reg name=\"x15\" bitsize=\"64\" type=\"uint64\" regnum=\"15\"/>\n"
	"<reg name=\"x16\" bitsize=\"64\" type=\"uint64\" regnum=\"16\"/>\n"
	"<reg name=\"x17\" bitsize=\"64\" type=\"uint64\" regnum=\"17\"/>\n"
	"<reg name=\"x18\" bitsize=\"64\" type=\"uint64\" regnum=\"18\"/>\n"
	"<reg name=\"x19\" bitsize=\"64\" type=\"uint64\" regnum=\"19\"/>\n"
	"<reg name=\"x20\" bitsize=\"64\" type=\"uint64\" regnum=\"20\"/>\n"
	"<reg name=\"x21\" bitsize=\"64\" type=\"uint64\" regnum=\"21\"/>\n"
	"<reg name=\"x22\" bitsize=\"64\" type=\"uint64\" regnum=\"22\"/>\n"
	"<reg name=\"x23\" bitsize=\"64\" type=\"uint64\" regnum=\"23\"/>\n"
	"<reg name=\"x24\" bitsize=\"64\" type=\"uint64\" regnum=\"24\"/>\n"
	"<reg name=\"x25\" bitsize=\"64\" type=\"uint64\" regnum=\"25\"/>\n"
	"<reg name=\"x26\" bitsize=\"64\" type=\"uint64\" regnum=\"26\"/>\n"
	"<reg name=\"x27\" bitsize=\"64\" type=\"uint64\" regnum=\"27\"/>\n"
	"<reg name=\"x28\" bitsize=\"64\" type=\"uint64\" regnum=\"28\"/>\n"
	"<reg name=\"x29\" bitsize=\"64\" type=\"uint64\" regnum=\"29\"/>\n"
	"<reg name=\"x30\" bitsize=\"64\" type=\"uint64\" regnum=\"30\"/>\n"
	"<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\" regnum=\"31\"/>\n"
	"<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"32\"/>\n"
	"<reg name=\"cpsr\" bitsize=\"32\" type=\"uint32\" regnum=\"33\"/>\n"
	"</feature>\n"
	"<feature name=\"org.gnu.gdb.aarch64.fpu\">\n"
	"<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>\n"
	"<vector id=\"v2u\" type=\"uint64\" count=\"2\"/>\n"
	"<vector id=\"v2i\" type=\"int64\" count=\"2\"/>\n"
	"<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>\n"
	"<vector id=\"v4u\" type=\"uint32\" count=\"4\"/>\n"
	"<vector id=\"v4i\" type=\"int32\" count=\"4\"/>\n"
	"<vector id=\"v8u\" type=\"uint16\" count=\"8\"/>\n"
	"<vector id=\"v8i\" type=\"int16\" count=\"8\"/>\n"
	"<vector id=\"v16u\" type=\"uint8\" count=\"16\"/>\n"
	"<vector id=\"v16i\" type=\"int8\" count=\"16\"/>\n"
	"<vector id=\"v1u\" type=\"uint128\" count=\"1\"/>\n"
	"<vector id=\"v1i\" type=\"int128\" count=\"1\"/>\n"
	"<union id=\"vnd\">\n"
	"<field name=\"f\" type=\"v2d\"/>\n"
	"<field name=\"u\" type=\"v2u\"/>\n"
	"<field name=\"s\" type=\"v2i\"/>\n"
	"</union>\n"
	"<union id=\"vns\">\n"
	"<field name=\"f\" type=\"v4f\"/>\n"
	"<field name=\"u\" type=\"v4u\"/>\n"
	"<field name=\"s\" type=\"v4i\"/>\n"
	"</union>\n"
	"<union id=\"vnh\">\n"
	"<field name=\"u\" type=\"v8u\"/>\n"
	"<field name=\"s\" type=\"v8i\"/>\n"
	"</union>\n"
	"<union id=\"vnb\">\n"
	"<field name=\"u\" type=\"v16u\"/>\n"
	"<field name=\"s\" type=\"v16i\"/>\n"
	"</union>\n"
	"<union id=\"vnq\">\n"
	"<field name=\"u\" type=\"v1u\"/>\n"
	"<field name=\"s\" type=\"v1i\"/>\n"
	"</union>\n"
	"<union id=\"aarch64v\">\n"
	"<field name=\"d\" type=\"vnd\"/>\n"
	"<field name=\"s\" type=\"vns\"/>\n"
	"<field name=\"h\" type=\"vnh\"/>\n"
	"<field name=\"b\" type=\"vnb\"/>\n"
	"<field name=\"q\" type=\"vnq\"/>\n"
	"</union>\n"
	"<reg name=\"v0\" bitsize=\"128\" type=\"aarch64v\" regnum=\"34\"/>\n"
	"<reg name=\"v1\" bitsize=\"128\" type=\"aarch64v\" regnum=\"35\"/>\n"
	"<reg name=\"v2\" bitsize=\"128\" type=\"aarch64v\" regnum=\"36\"/>\n"
	"<reg name=\"v3\" bitsize=\"128\" type=\"aarch64v\" regnum=\"37\"/>\n"
	"<reg name=\"v4\" bitsize=\"128\" type=\"aarch64v\" regnum=\"38\"/>\n"
	"<reg name=\"v5\" bitsize=\"128\" type=\"aarch64v\" regnum=\"39\"/>\n"
	"<reg name=\"v6\" bitsize=\"128\" type=\"aarch64v\" regnum=\"40\"/>\n"
	"<reg name=\"v7\" bitsize=\"128\" type=\"aarch64v\" regnum=\"41\"/>\n"
	"<reg name=\"v8\" bitsize=\"128\" type=\"aarch64v\" regnum=\"42\"/>\n"
	"<reg name=\"v9\" bitsize=\"128\" type=\"aarch64v\" regnum=\"43\"/>\n"
	"<reg name=\"v10\" bitsize=\"128\" type=\"aarch64v\" regnum=\"44\"/>\n"
	"<reg name=\"v11\" bitsize=\"128\" type=\"aarch64v\" regnum=\"45\"/>\n"
	"<reg name=\"v12\" bitsize=\"128\" type=\"aarch64v\" regnum=\"46\"/>\n"
	"<reg name=\"v13\" bitsize=\"128\" type=\"aarch64v\" regnum=\"47\"/>\n"
	"<reg name=\"v14\" bitsize=\"128\" type=\"aarch64v\" regnum=\"48\"/>\n"
	"<reg name=\"v15\" bitsize=\"128\" type=\"aarch64v\" regnum=\"49\"/>\n"
	"<reg name=\"v16\" bitsize=\"128\" type=\"aarch64v\" regnum=\"50\"/>\n"
	"<reg name=\"v17\" bitsize=\"128\" type=\"aarch64v\" regnum=\"51\"/>\n"
	"<reg name=\"v18\" bitsize=\"128\" type=\"aarch64v\" regnum=\"52\"/>\n"
	"<reg name=\"v19\" bitsize=\"128\" type=\"aarch64v\" regnum=\"53\"/>\n"
	"<reg name=\"v20\" bitsize=\"128\" type=\"aarch64v\" regnum=\"54\"/>\n"
	"<reg name=\"v21\" bitsize=\"128\" type=\"aarch64v\" regnum=\"55\"/>\n"
	"<reg name=\"v22\" bitsize=\"128\" type=\"aarch64v\" regnum=\"56\"/>\n"
	"<reg name=\"v23\" bitsize=\"128\" type=\"aarch64v\" regnum=\"57\"/>\n"
	"<reg name=\"v24\" bitsize=\"128\" type=\"aarch64v\" regnum=\"58\"/>\n"
	"<reg name=\"v25\" bitsize=\"128\" type=\"aarch64v\" regnum=\"59\"/>\n"
	"<reg name=\"v26\" bitsize=\"128\" type=\"aarch64v\" regnum=\"60\"/>\n"
	"<reg name=\"v27\" bitsize=\"128\" type=\"aarch64v\" regnum=\"61\"/>\n"
	"<reg name=\"v28\" bitsize=\"128\" type=\"aarch64v\" regnum=\"62\"/>\n"
	"<reg name=\"v29\" bitsize=\"128\" type=\"aarch64v\" regnum=\"63\"/>\n"
	"<reg name=\"v30\" bitsize=\"128\" type=\"aarch64v\" regnum=\"64\"/>\n"
	"<reg name=\"v31\" bitsize=\"128\" type=\"aarch64v\" regnum=\"65\"/>\n"
	"<reg name=\"fpsr\" bitsize=\"32\" type=\"uint32\" regnum=\"66\"/>\n"
	"<reg name=\"fpcr\" bitsize=\"32\" type=\"uint32\" regnum=\"67\"/>\n"
	"</feature>\n"
	"<feature name=\"org.qemu.gdb.arm.sys.regs\">\n"
	"<reg name=\"SCTLR\" bitsize=\"64\" type=\"uint64\" regnum=\"68\" group=\"cp_regs\"/>\n"
	"<reg name=\"TTBR0_EL1\" bitsize=\"64\" type=\"uint64\" regnum=\"69\" group=\"cp_regs\"/>\n"
	"<reg name=\"TTBR1_EL1\" bitsize=\"64\" type=\"uint64\" regnum=\"70\" group=\"cp_regs\"/>\n"
	"<reg name=\"TCR_EL1\" bitsize=\"64\" type=\"uint64\" regnum=\"71\" group=\"cp_regs\"/>\n"
	"<reg name=\"MAIR_EL1\" bitsize=\"64\" type=\"uint64\" regnum=\"72\" group=\"cp_regs\"/>\n"
	"<reg name=\"ID_AA64MMFR0_EL1\" bitsize=\"64\" type=\"uint64\" regnum=\"73\" group=\"cp_regs\"/>\n"
	"<reg name=\"ESR_EL1\" bitsize=\"64\" type=\"uint64\" regnum=\"74\" group=\"cp_regs\"/>\n"
	"<reg name=\"FAR_EL1\" bitsize=\"64\" type=\"uint64\" regnum=\"75\" group=\"cp_regs\"/>\n"
	"<reg name=\"VBAR\" bitsize=\"64\" type=\"uint64\" regnum=\"76\" group=\"cp_regs\"/>\n"
	"<reg name=\"ELR_EL1\" bitsize=\"64\" type=\"uint64\" regnum=\"77\" group=\"cp_regs\"/>\n"
	"<reg name=\"SPSR_EL1\" bitsize=\"64\" type=\"uint64\" regnum=\"78\" group=\"cp_regs\"/>\n"
	"<reg name=\"SP_EL0\" bitsize=\"64\" type=\"uint64\" regnum=\"79\" group=\"cp_regs\"/>\n"
	"<reg name=\"SP_EL1\" bitsize=\"64\" type=\"uint64\" regnum=\"80\" group=\"cp_regs\"/>\n"
	"<reg name=\"TPIDR_EL0\" bitsize=\"64\" type=\"uint64\" regnum=\"81\" group=\"cp_regs\"/>\n"
	"<reg name=\"TPIDR_EL1\" bitsize=\"64\" type=\"uint64\" regnum=\"82\" group=\"cp_regs\"/>\n"
	"<reg name=\"CONTEXTIDR_EL1\" bitsize=\"64\" type=\"uint64\" regnum=\"83\" group=\"cp_regs\"/>\n"
	"<reg name=\"PAR_EL1\" bitsize=\"64\" type=\"uint64\" regnum=\"84\" group=\"cp_regs\"/>\n"
	"<reg name=\"ID_AA64MMFR1_EL1\" bitsize=\"64\" type=\"uint64\" regnum=\"85\" group=\"cp_regs\"/>\n"
	"<reg name=\"ID_AA64MMFR2_EL1\" bitsize=\"64\" type=\"uint64\" regnum=\"86\" group=\"cp_regs\"/>\n"
	"<reg name=\"HCR_EL2\" bitsize=\"64\" type=\"uint64\" regnum=\"87\" group=\"cp_regs\"/>\n"
	"<reg name=\"SCTLR_EL2\" bitsize=\"64\" type=\"uint64\" regnum=\"88\" group=\"cp_regs\"/>\n"
	"<reg name=\"TTBR0_EL2\" bitsize=\"64\" type=\"uint64\" regnum=\"89\" group=\"cp_regs\"/>\n"
	"<reg name=\"TTBR1_EL2\" bitsize=\"64\" type=\"uint64\" regnum=\"90\" group=\"cp_regs\"/>\n"
	"<reg name=\"TCR_EL2\" bitsize=\"64\" type=\"uint64\" regnum=\"91\" group=\"cp_regs\"/>\n"
	"<reg name=\"MAIR_EL2\" bitsize=\"64\" type=\"uint64\" regnum=\"92\" group=\"cp_regs\"/>\n"
	"<reg name=\"VTTBR_EL2\" bitsize=\"64\" type=\"uint64\" regnum=\"93\" group=\"cp_regs\"/>\n"
	"<reg name=\"VTCR_EL2\" bitsize=\"64\" type=\"uint64\" regnum=\"94\" group=\"cp_regs\"/>\n"
	"</feature>\n"
	"</target>\n";

static const struct gdbr_tdesc tdesc_aarch64 = {
	"aarch64", (int)sizeof(aarch64_sizes), aarch64_names, aarch64_sizes,
	aarch64_xml, sizeof(aarch64_xml) - 1
};

const gdbr_tdesc *gdbr_tdesc_aarch64(void)
{
	return &tdesc_aarch64;
}
