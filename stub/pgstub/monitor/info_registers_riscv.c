/*
 * `info registers` of a RISC-V hart in QEMU 7.2's layout (its monitor's
 * riscv dump: " pc" and the CSRs one a line as " %-8s %016x" — %08x on
 * riscv32, where mstatush follows mstatus — then x0/zero … x31/t6 four a
 * line), printing the CSRs the snapshot or the options give, in QEMU's
 * order; QEMU's dump has no privilege line, so priv, when known, follows
 * the x registers.
 */
#include "info_registers.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

struct out {
	regs_write_fn write;
	void *payload;
	int rc;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	if (o->rc)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > 0)
		o->rc = o->write(buf, (size_t)n < sizeof(buf) ? (size_t)n :
				 sizeof(buf) - 1, o->payload);
}

/* The CSRs of QEMU 7.2's dump that pgstub may know, in its order. */
static const enum guest_riscv_csr qemu_order[] = {
	GUEST_RV_MHARTID, GUEST_RV_MSTATUS, GUEST_RV_MIP, GUEST_RV_MIE,
	GUEST_RV_MIDELEG, GUEST_RV_MEDELEG, GUEST_RV_MTVEC, GUEST_RV_STVEC,
	GUEST_RV_MEPC, GUEST_RV_SEPC, GUEST_RV_MCAUSE, GUEST_RV_SCAUSE,
	GUEST_RV_MTVAL, GUEST_RV_STVAL, GUEST_RV_MSCRATCH, GUEST_RV_SSCRATCH,
	GUEST_RV_SATP,
};

static const char *const abi[32] = {
	"zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0",
	"a1", "a2", "a3", "a4", "a5", "a6", "a7", "s2", "s3", "s4", "s5",
	"s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6",
};

/* CSR @p r's name in the target description (guest_reg_id() takes it). */
static const char *csr_name(enum guest_riscv_csr r)
{
	static const char *const names[GUEST_RV_NCSR] = {
		[GUEST_RV_PRIV] = "priv", [GUEST_RV_SSTATUS] = "sstatus",
		[GUEST_RV_STVEC] = "stvec", [GUEST_RV_SSCRATCH] = "sscratch",
		[GUEST_RV_SEPC] = "sepc", [GUEST_RV_SCAUSE] = "scause",
		[GUEST_RV_STVAL] = "stval", [GUEST_RV_SATP] = "satp",
		[GUEST_RV_MSTATUS] = "mstatus", [GUEST_RV_MISA] = "misa",
		[GUEST_RV_MEDELEG] = "medeleg", [GUEST_RV_MIDELEG] = "mideleg",
		[GUEST_RV_MIE] = "mie", [GUEST_RV_MTVEC] = "mtvec",
		[GUEST_RV_MSCRATCH] = "mscratch", [GUEST_RV_MEPC] = "mepc",
		[GUEST_RV_MCAUSE] = "mcause", [GUEST_RV_MTVAL] = "mtval",
		[GUEST_RV_MIP] = "mip", [GUEST_RV_MHARTID] = "mhartid",
	};

	return names[r];
}

int regs_dump_riscv(guest *g, int cpu, regs_write_fn write, void *payload)
{
	struct out o = { write, payload, 0 };
	const int rv32 = guest_arch(g) == GUEST_ARCH_RISCV32;
	const int w = rv32 ? 8 : 16;
	const uint64_t mask = rv32 ? 0xffffffffu : UINT64_MAX;
	uint64_t v;

	if (guest_reg_read(g, cpu, guest_reg_id(g, "pc"), &v) !=
	    GUEST_REG_ZERO)
		put(&o, " %-8s %0*" PRIx64 "\n", "pc", w, v & mask);
	for (size_t i = 0; i < sizeof(qemu_order) / sizeof(*qemu_order); i++) {
		const char *n = csr_name(qemu_order[i]);

		if (guest_reg_read(g, cpu, guest_reg_id(g, n), &v) ==
		    GUEST_REG_ZERO)
			continue;
		put(&o, " %-8s %0*" PRIx64 "\n", n, w, v & mask);
		if (rv32 && qemu_order[i] == GUEST_RV_MSTATUS)
			put(&o, " %-8s %0*" PRIx64 "\n", "mstatush", w, v >> 32);
	}
	if (guest_reg_read(g, cpu, guest_reg_id(g, "ra"), &v) !=
	    GUEST_REG_ZERO) {
		for (int i = 0; i < 32; i++) {
			char name[16];

			guest_reg_read(g, cpu, i, &v);
			snprintf(name, sizeof(name), "x%d/%s", i, abi[i]);
			put(&o, " %-8s %0*" PRIx64 "%s", name, w, v & mask,
			    i % 4 == 3 ? "\n" : "");
		}
	}
	if (guest_reg_read(g, cpu, guest_reg_id(g, "priv"), &v) !=
	    GUEST_REG_ZERO)
		put(&o, " %-8s %" PRIu64 " (%s-mode)\n", "priv", v,
		    v == 0 ? "U" : v == 1 ? "S" : v == 3 ? "M" : "?");
	return o.rc;
}
