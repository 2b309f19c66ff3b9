/*
 * Ready-made ppc64 target description (powerpc:common64): GPRs, pc, msr,
 * cr, lr, ctr, xer and the FPU in QEMU 7.2's gdbstub numbering (r0-r31 0-31,
 * f0-f31 32-63, pc 64 … xer 69, fpscr 70), so scripts written for QEMU's
 * stub keep their register numbers.
 */
#include "gdbr_priv.h"

/* 71 registers */
static const char *const ppc64_names[] = {
	"r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7",
	"r8", "r9", "r10", "r11", "r12", "r13", "r14", "r15",
	"r16", "r17", "r18", "r19", "r20", "r21", "r22", "r23",
	"r24", "r25", "r26", "r27", "r28", "r29", "r30", "r31",
	"f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7",
	"f8", "f9", "f10", "f11", "f12", "f13", "f14", "f15",
	"f16", "f17", "f18", "f19", "f20", "f21", "f22", "f23",
	"f24", "f25", "f26", "f27", "f28", "f29", "f30", "f31",
	"pc", "msr", "cr", "lr", "ctr", "xer", "fpscr",
};

static const unsigned char ppc64_sizes[] = {
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 4, 8, 8, 4, 4,
};

static const char ppc64_xml[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	"<!-- pgstub powerpc:common64: register numbers follow QEMU 7.2's gdbstub -->\n"
	"<target version=\"1.0\">\n"
	"<architecture>powerpc:common64</architecture>\n"
	"<feature name=\"org.gnu.gdb.power.core\">\n"
	"<reg name=\"r0\" bitsize=\"64\" type=\"uint64\" regnum=\"0\"/>\n"
	"<reg name=\"r1\" bitsize=\"64\" type=\"uint64\" regnum=\"1\"/>\n"
	"<reg name=\"r2\" bitsize=\"64\" type=\"uint64\" regnum=\"2\"/>\n"
	"<reg name=\"r3\" bitsize=\"64\" type=\"uint64\" regnum=\"3\"/>\n"
	"<reg name=\"r4\" bitsize=\"64\" type=\"uint64\" regnum=\"4\"/>\n"
	"<reg name=\"r5\" bitsize=\"64\" type=\"uint64\" regnum=\"5\"/>\n"
	"<reg name=\"r6\" bitsize=\"64\" type=\"uint64\" regnum=\"6\"/>\n"
	"<reg name=\"r7\" bitsize=\"64\" type=\"uint64\" regnum=\"7\"/>\n"
	"<reg name=\"r8\" bitsize=\"64\" type=\"uint64\" regnum=\"8\"/>\n"
	"<reg name=\"r9\" bitsize=\"64\" type=\"uint64\" regnum=\"9\"/>\n"
	"<reg name=\"r10\" bitsize=\"64\" type=\"uint64\" regnum=\"10\"/>\n"
	"<reg name=\"r11\" bitsize=\"64\" type=\"uint64\" regnum=\"11\"/>\n"
	"<reg name=\"r12\" bitsize=\"64\" type=\"uint64\" regnum=\"12\"/>\n"
	"<reg name=\"r13\" bitsize=\"64\" type=\"uint64\" regnum=\"13\"/>\n"
	"<reg name=\"r14\" bitsize=\"64\" type=\"uint64\" regnum=\"14\"/>\n"
	"<reg name=\"r15\" bitsize=\"64\" type=\"uint64\" regnum=\"15\"/>\n"
	"<reg name=\"r16\" bitsize=\"64\" type=\"uint64\" regnum=\"16\"/>\n"
	"<reg name=\"r17\" bitsize=\"64\" type=\"uint64\" regnum=\"17\"/>\n"
	"<reg name=\"r18\" bitsize=\"64\" type=\"uint64\" regnum=\"18\"/>\n"
	"<reg name=\"r19\" bitsize=\"64\" type=\"uint64\" regnum=\"19\"/>\n"
	"<reg name=\"r20\" bitsize=\"64\" type=\"uint64\" regnum=\"20\"/>\n"
	"<reg name=\"r21\" bitsize=\"64\" type=\"uint64\" regnum=\"21\"/>\n"
	"<reg name=\"r22\" bitsize=\"64\" type=\"uint64\" regnum=\"22\"/>\n"
	"<reg name=\"r23\" bitsize=\"64\" type=\"uint64\" regnum=\"23\"/>\n"
	"<reg name=\"r24\" bitsize=\"64\" type=\"uint64\" regnum=\"24\"/>\n"
	"<reg name=\"r25\" bitsize=\"64\" type=\"uint64\" regnum=\"25\"/>\n"
	"<reg name=\"r26\" bitsize=\"64\" type=\"uint64\" regnum=\"26\"/>\n"
	"<reg name=\"r27\" bitsize=\"64\" type=\"uint64\" regnum=\"27\"/>\n"
	"<reg name=\"r28\" bitsize=\"64\" type=\"uint64\" regnum=\"28\"/>\n"
	"<reg name=\"r29\" bitsize=\"64\" type=\"uint64\" regnum=\"29\"/>\n"
	"<reg name=\"r30\" bitsize=\"64\" type=\"uint64\" regnum=\"30\"/>\n"
	"<reg name=\"r31\" bitsize=\"64\" type=\"uint64\" regnum=\"31\"/>\n"
	"<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"64\"/>\n"
	"<reg name=\"msr\" bitsize=\"64\" type=\"uint64\" regnum=\"65\"/>\n"
	"<reg name=\"cr\" bitsize=\"32\" type=\"uint32\" regnum=\"66\"/>\n"
	"<reg name=\"lr\" bitsize=\"64\" type=\"code_ptr\" regnum=\"67\"/>\n"
	"<reg name=\"ctr\" bitsize=\"64\" type=\"uint64\" regnum=\"68\"/>\n"
	"<reg name=\"xer\" bitsize=\"32\" type=\"uint32\" regnum=\"69\"/>\n"
	"</feature>\n"
	"<feature name=\"org.gnu.gdb.power.fpu\">\n"
	"<reg name=\"f0\" bitsize=\"64\" type=\"ieee_double\" regnum=\"32\"/>\n"
	"<reg name=\"f1\" bitsize=\"64\" type=\"ieee_double\" regnum=\"33\"/>\n"
	"<reg name=\"f2\" bitsize=\"64\" type=\"ieee_double\" regnum=\"34\"/>\n"
	"<reg name=\"f3\" bitsize=\"64\" type=\"ieee_double\" regnum=\"35\"/>\n"
	"<reg name=\"f4\" bitsize=\"64\" type=\"ieee_double\" regnum=\"36\"/>\n"
	"<reg name=\"f5\" bitsize=\"64\" type=\"ieee_double\" regnum=\"37\"/>\n"
	"<reg name=\"f6\" bitsize=\"64\" type=\"ieee_double\" regnum=\"38\"/>\n"
	"<reg name=\"f7\" bitsize=\"64\" type=\"ieee_double\" regnum=\"39\"/>\n"
	"<reg name=\"f8\" bitsize=\"64\" type=\"ieee_double\" regnum=\"40\"/>\n"
	"<reg name=\"f9\" bitsize=\"64\" type=\"ieee_double\" regnum=\"41\"/>\n"
	"<reg name=\"f10\" bitsize=\"64\" type=\"ieee_double\" regnum=\"42\"/>\n"
	"<reg name=\"f11\" bitsize=\"64\" type=\"ieee_double\" regnum=\"43\"/>\n"
	"<reg name=\"f12\" bitsize=\"64\" type=\"ieee_double\" regnum=\"44\"/>\n"
	"<reg name=\"f13\" bitsize=\"64\" type=\"ieee_double\" regnum=\"45\"/>\n"
	"<reg name=\"f14\" bitsize=\"64\" type=\"ieee_double\" regnum=\"46\"/>\n"
	"<reg name=\"f15\" bitsize=\"64\" type=\"ieee_double\" regnum=\"47\"/>\n"
	"<reg name=\"f16\" bitsize=\"64\" type=\"ieee_double\" regnum=\"48\"/>\n"
	"<reg name=\"f17\" bitsize=\"64\" type=\"ieee_double\" regnum=\"49\"/>\n"
	"<reg name=\"f18\" bitsize=\"64\" type=\"ieee_double\" regnum=\"50\"/>\n"
	"<reg name=\"f19\" bitsize=\"64\" type=\"ieee_double\" regnum=\"51\"/>\n"
	"<reg name=\"f20\" bitsize=\"64\" type=\"ieee_double\" regnum=\"52\"/>\n"
	"<reg name=\"f21\" bitsize=\"64\" type=\"ieee_double\" regnum=\"53\"/>\n"
	"<reg name=\"f22\" bitsize=\"64\" type=\"ieee_double\" regnum=\"54\"/>\n"
	"<reg name=\"f23\" bitsize=\"64\" type=\"ieee_double\" regnum=\"55\"/>\n"
	"<reg name=\"f24\" bitsize=\"64\" type=\"ieee_double\" regnum=\"56\"/>\n"
	"<reg name=\"f25\" bitsize=\"64\" type=\"ieee_double\" regnum=\"57\"/>\n"
	"<reg name=\"f26\" bitsize=\"64\" type=\"ieee_double\" regnum=\"58\"/>\n"
	"<reg name=\"f27\" bitsize=\"64\" type=\"ieee_double\" regnum=\"59\"/>\n"
	"<reg name=\"f28\" bitsize=\"64\" type=\"ieee_double\" regnum=\"60\"/>\n"
	"<reg name=\"f29\" bitsize=\"64\" type=\"ieee_double\" regnum=\"61\"/>\n"
	"<reg name=\"f30\" bitsize=\"64\" type=\"ieee_double\" regnum=\"62\"/>\n"
	"<reg name=\"f31\" bitsize=\"64\" type=\"ieee_double\" regnum=\"63\"/>\n"
	"<reg name=\"fpscr\" bitsize=\"32\" group=\"float\" regnum=\"70\"/>\n"
	"</feature>\n"
	"</target>\n";

static const struct gdbr_tdesc tdesc_ppc64 = {
	"powerpc:common64", (int)sizeof(ppc64_sizes), ppc64_names, ppc64_sizes,
	ppc64_xml, sizeof(ppc64_xml) - 1
};

const gdbr_tdesc *gdbr_tdesc_ppc64(void)
{
	return &tdesc_ppc64;
}
