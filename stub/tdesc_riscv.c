/*
 * Ready-made RISC-V target descriptions, riscv64 and riscv32: the core
 * feature (x0-x31 under their ABI names as QEMU 7.2 gives them, pc) in
 * QEMU's gdbstub numbering, then "priv" in the org.gnu.gdb.riscv.virtual
 * feature and the CSRs a snapshot or an option can hold in
 * org.gnu.gdb.riscv.csr, under the names QEMU 7.2's gdbstub gives them.
 * QEMU numbers priv and the CSRs after its FPU (CSRs as 70 + CSR number);
 * pgstub's snapshots hold no FPU state, so pgstub numbers them from 33:
 * GDB and tools find them by name. Every register is XLEN bits wide, as
 * in QEMU's descriptions; the two XML texts come from one list.
 */
#include "gdbr_priv.h"

/* 53 registers: names, then the XML of each width from the same list. */
static const char *const riscv_names[] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0",
	"a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
	"s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6", "pc",
	"priv", "sstatus", "stvec", "sscratch", "sepc", "scause", "stval",
	"satp", "mstatus", "misa", "medeleg", "mideleg", "mie", "mtvec",
	"mscratch", "mepc", "mcause", "mtval", "mip", "mhartid",
};
#define RISCV_NREGS ((int)(sizeof(riscv_names) / sizeof(*riscv_names)))

#define CORE(B, name, type, n) \
	"<reg name=\"" name "\" bitsize=\"" B "\" type=\"" type \
	"\" regnum=\"" n "\"/>\n"
#define CSR(B, name, n) \
	"<reg name=\"" name "\" bitsize=\"" B "\" type=\"int\" regnum=\"" \
	n "\" group=\"system\"/>\n"

#define RISCV_XML(B) \
	"<?xml version=\"1.0\"?>\n" \
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n" \
	"<!-- pgstub riscv" B ": core numbering as QEMU 7.2's gdbstub -->\n" \
	"<target version=\"1.0\">\n" \
	"<architecture>riscv:rv" B "</architecture>\n" \
	"<feature name=\"org.gnu.gdb.riscv.cpu\">\n" \
	CORE(B, "zero", "int", "0") \
	CORE(B, "ra", "code_ptr", "1") \
	CORE(B, "sp", "data_ptr", "2") \
	CORE(B, "gp", "data_ptr", "3") \
	CORE(B, "tp", "data_ptr", "4") \
	CORE(B, "t0", "int", "5") \
	CORE(B, "t1", "int", "6") \
	CORE(B, "t2", "int", "7") \
	CORE(B, "fp", "data_ptr", "8") \
	CORE(B, "s1", "int", "9") \
	CORE(B, "a0", "int", "10") \
	CORE(B, "a1", "int", "11") \
	CORE(B, "a2", "int", "12") \
	CORE(B, "a3", "int", "13") \
	CORE(B, "a4", "int", "14") \
	CORE(B, "a5", "int", "15") \
	CORE(B, "a6", "int", "16") \
	CORE(B, "a7", "int", "17") \
	CORE(B, "s2", "int", "18") \
	CORE(B, "s3", "int", "19") \
	CORE(B, "s4", "int", "20") \
	CORE(B, "s5", "int", "21") \
	CORE(B, "s6", "int", "22") \
	CORE(B, "s7", "int", "23") \
	CORE(B, "s8", "int", "24") \
	CORE(B, "s9", "int", "25") \
	CORE(B, "s10", "int", "26") \
	CORE(B, "s11", "int", "27") \
	CORE(B, "t3", "int", "28") \
	CORE(B, "t4", "int", "29") \
	CORE(B, "t5", "int", "30") \
	CORE(B, "t6", "int", "31") \
	CORE(B, "pc", "code_ptr", "32") \
	"</feature>\n" \
	"<feature name=\"org.gnu.gdb.riscv.virtual\">\n" \
	CORE(B, "priv", "int", "33") \
	"</feature>\n" \
	"<feature name=\"org.gnu.gdb.riscv.csr\">\n" \
	CSR(B, "sstatus", "34") \
	CSR(B, "stvec", "35") \
	CSR(B, "sscratch", "36") \
	CSR(B, "sepc", "37") \
	CSR(B, "scause", "38") \
	CSR(B, "stval", "39") \
	CSR(B, "satp", "40") \
	CSR(B, "mstatus", "41") \
	CSR(B, "misa", "42") \
	CSR(B, "medeleg", "43") \
	CSR(B, "mideleg", "44") \
	CSR(B, "mie", "45") \
	CSR(B, "mtvec", "46") \
	CSR(B, "mscratch", "47") \
	CSR(B, "mepc", "48") \
	CSR(B, "mcause", "49") \
	CSR(B, "mtval", "50") \
	CSR(B, "mip", "51") \
	CSR(B, "mhartid", "52") \
	"</feature>\n" \
	"</target>\n"

static const char riscv64_xml[] = RISCV_XML("64");
static const char riscv32_xml[] = RISCV_XML("32");

/* Every register is XLEN bits: 53 sizes of 8 or 4 bytes. */
#define TEN(v) v, v, v, v, v, v, v, v, v, v
static const unsigned char riscv64_sizes[] = {
	TEN(8), TEN(8), TEN(8), TEN(8), TEN(8), 8, 8, 8
};
static const unsigned char riscv32_sizes[] = {
	TEN(4), TEN(4), TEN(4), TEN(4), TEN(4), 4, 4, 4
};
_Static_assert(sizeof(riscv64_sizes) == RISCV_NREGS &&
	       sizeof(riscv32_sizes) == RISCV_NREGS,
	       "one size per register");

static const struct gdbr_tdesc tdesc_riscv64 = {
	"riscv:rv64", RISCV_NREGS, riscv_names, riscv64_sizes, riscv64_xml,
	sizeof(riscv64_xml) - 1
};

static const struct gdbr_tdesc tdesc_riscv32 = {
	"riscv:rv32", RISCV_NREGS, riscv_names, riscv32_sizes, riscv32_xml,
	sizeof(riscv32_xml) - 1
};

const gdbr_tdesc *gdbr_tdesc_riscv64(void)
{
	return &tdesc_riscv64;
}

const gdbr_tdesc *gdbr_tdesc_riscv32(void)
{
	return &tdesc_riscv32;
}
