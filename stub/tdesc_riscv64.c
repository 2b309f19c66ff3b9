/*
 * Ready-made riscv64 target description: the core feature (x0-x31 under
 * their ABI names as QEMU 7.2 gives them, pc) in QEMU's gdbstub numbering,
 * then "priv" in the org.gnu.gdb.riscv.virtual feature and the CSRs a
 * snapshot or an option can hold in org.gnu.gdb.riscv.csr, under the
 * names QEMU 7.2's gdbstub gives them. QEMU numbers priv and the CSRs
 * after its FPU (CSRs as 70 + CSR number); pgstub's snapshots hold no FPU
 * state, so pgstub numbers them from 33: GDB and tools find them by name.
 */
#include "gdbr_priv.h"

/* 53 registers. */
static const char *const riscv64_names[] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "fp", "s1", "a0",
	"a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
	"s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6", "pc",
	"priv", "sstatus", "stvec", "sscratch", "sepc", "scause", "stval",
	"satp", "mstatus", "misa", "medeleg", "mideleg", "mie", "mtvec",
	"mscratch", "mepc", "mcause", "mtval", "mip", "mhartid",
};

static const unsigned char riscv64_sizes[] = {
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8,
	8, 8, 8, 8, 8, 8, 8,
};

static const char riscv64_xml[] =
	"<?xml version=\"1.0\"?>\n"
	"<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n"
	"<!-- pgstub riscv64: core numbering as QEMU 7.2's gdbstub -->\n"
	"<target version=\"1.0\">\n"
	"<architecture>riscv:rv64</architecture>\n"
	"<feature name=\"org.gnu.gdb.riscv.cpu\">\n"
	"<reg name=\"zero\" bitsize=\"64\" type=\"int\" regnum=\"0\"/>\n"
	"<reg name=\"ra\" bitsize=\"64\" type=\"code_ptr\" regnum=\"1\"/>\n"
	"<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\" regnum=\"2\"/>\n"
	"<reg name=\"gp\" bitsize=\"64\" type=\"data_ptr\" regnum=\"3\"/>\n"
	"<reg name=\"tp\" bitsize=\"64\" type=\"data_ptr\" regnum=\"4\"/>\n"
	"<reg name=\"t0\" bitsize=\"64\" type=\"int\" regnum=\"5\"/>\n"
	"<reg name=\"t1\" bitsize=\"64\" type=\"int\" regnum=\"6\"/>\n"
	"<reg name=\"t2\" bitsize=\"64\" type=\"int\" regnum=\"7\"/>\n"
	"<reg name=\"fp\" bitsize=\"64\" type=\"data_ptr\" regnum=\"8\"/>\n"
	"<reg name=\"s1\" bitsize=\"64\" type=\"int\" regnum=\"9\"/>\n"
	"<reg name=\"a0\" bitsize=\"64\" type=\"int\" regnum=\"10\"/>\n"
	"<reg name=\"a1\" bitsize=\"64\" type=\"int\" regnum=\"11\"/>\n"
	"<reg name=\"a2\" bitsize=\"64\" type=\"int\" regnum=\"12\"/>\n"
	"<reg name=\"a3\" bitsize=\"64\" type=\"int\" regnum=\"13\"/>\n"
	"<reg name=\"a4\" bitsize=\"64\" type=\"int\" regnum=\"14\"/>\n"
	"<reg name=\"a5\" bitsize=\"64\" type=\"int\" regnum=\"15\"/>\n"
	"<reg name=\"a6\" bitsize=\"64\" type=\"int\" regnum=\"16\"/>\n"
	"<reg name=\"a7\" bitsize=\"64\" type=\"int\" regnum=\"17\"/>\n"
	"<reg name=\"s2\" bitsize=\"64\" type=\"int\" regnum=\"18\"/>\n"
	"<reg name=\"s3\" bitsize=\"64\" type=\"int\" regnum=\"19\"/>\n"
	"<reg name=\"s4\" bitsize=\"64\" type=\"int\" regnum=\"20\"/>\n"
	"<reg name=\"s5\" bitsize=\"64\" type=\"int\" regnum=\"21\"/>\n"
	"<reg name=\"s6\" bitsize=\"64\" type=\"int\" regnum=\"22\"/>\n"
	"<reg name=\"s7\" bitsize=\"64\" type=\"int\" regnum=\"23\"/>\n"
	"<reg name=\"s8\" bitsize=\"64\" type=\"int\" regnum=\"24\"/>\n"
	"<reg name=\"s9\" bitsize=\"64\" type=\"int\" regnum=\"25\"/>\n"
	"<reg name=\"s10\" bitsize=\"64\" type=\"int\" regnum=\"26\"/>\n"
	"<reg name=\"s11\" bitsize=\"64\" type=\"int\" regnum=\"27\"/>\n"
	"<reg name=\"t3\" bitsize=\"64\" type=\"int\" regnum=\"28\"/>\n"
	"<reg name=\"t4\" bitsize=\"64\" type=\"int\" regnum=\"29\"/>\n"
	"<reg name=\"t5\" bitsize=\"64\" type=\"int\" regnum=\"30\"/>\n"
	"<reg name=\"t6\" bitsize=\"64\" type=\"int\" regnum=\"31\"/>\n"
	"<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\" regnum=\"32\"/>\n"
	"</feature>\n"
	"<feature name=\"org.gnu.gdb.riscv.virtual\">\n"
	"<reg name=\"priv\" bitsize=\"64\" type=\"int\" regnum=\"33\"/>\n"
	"</feature>\n"
	"<feature name=\"org.gnu.gdb.riscv.csr\">\n"
	"<reg name=\"sstatus\" bitsize=\"64\" type=\"int\" regnum=\"34\" group=\"system\"/>\n"
	"<reg name=\"stvec\" bitsize=\"64\" type=\"int\" regnum=\"35\" group=\"system\"/>\n"
	"<reg name=\"sscratch\" bitsize=\"64\" type=\"int\" regnum=\"36\" group=\"system\"/>\n"
	"<reg name=\"sepc\" bitsize=\"64\" type=\"int\" regnum=\"37\" group=\"system\"/>\n"
	"<reg name=\"scause\" bitsize=\"64\" type=\"int\" regnum=\"38\" group=\"system\"/>\n"
	"<reg name=\"stval\" bitsize=\"64\" type=\"int\" regnum=\"39\" group=\"system\"/>\n"
	"<reg name=\"satp\" bitsize=\"64\" type=\"int\" regnum=\"40\" group=\"system\"/>\n"
	"<reg name=\"mstatus\" bitsize=\"64\" type=\"int\" regnum=\"41\" group=\"system\"/>\n"
	"<reg name=\"misa\" bitsize=\"64\" type=\"int\" regnum=\"42\" group=\"system\"/>\n"
	"<reg name=\"medeleg\" bitsize=\"64\" type=\"int\" regnum=\"43\" group=\"system\"/>\n"
	"<reg name=\"mideleg\" bitsize=\"64\" type=\"int\" regnum=\"44\" group=\"system\"/>\n"
	"<reg name=\"mie\" bitsize=\"64\" type=\"int\" regnum=\"45\" group=\"system\"/>\n"
	"<reg name=\"mtvec\" bitsize=\"64\" type=\"int\" regnum=\"46\" group=\"system\"/>\n"
	"<reg name=\"mscratch\" bitsize=\"64\" type=\"int\" regnum=\"47\" group=\"system\"/>\n"
	"<reg name=\"mepc\" bitsize=\"64\" type=\"int\" regnum=\"48\" group=\"system\"/>\n"
	"<reg name=\"mcause\" bitsize=\"64\" type=\"int\" regnum=\"49\" group=\"system\"/>\n"
	"<reg name=\"mtval\" bitsize=\"64\" type=\"int\" regnum=\"50\" group=\"system\"/>\n"
	"<reg name=\"mip\" bitsize=\"64\" type=\"int\" regnum=\"51\" group=\"system\"/>\n"
	"<reg name=\"mhartid\" bitsize=\"64\" type=\"int\" regnum=\"52\" group=\"system\"/>\n"
	"</feature>\n"
	"</target>\n";

static const struct gdbr_tdesc tdesc_riscv64 = {
	"riscv:rv64", (int)sizeof(riscv64_sizes), riscv64_names,
	riscv64_sizes, riscv64_xml, sizeof(riscv64_xml) - 1
};

const gdbr_tdesc *gdbr_tdesc_riscv64(void)
{
	return &tdesc_riscv64;
}
