/*
 * `info registers` in QEMU 7.2's layout (x86, ppc64, aarch64): formatters
 * that write a vCPU's registers exactly as QEMU's monitor prints them,
 * leaving out every field the snapshot does not hold.
 */
#ifndef PGSTUB_INFO_REGISTERS_H
#define PGSTUB_INFO_REGISTERS_H

#include <stddef.h>

#include "guest.h"

/**
 * Where formatted text goes: called once per line (or part of a line).
 * @return 0 to continue, nonzero to stop (returned by the formatter)
 */
typedef int (*regs_write_fn)(const char *buf, size_t len, void *payload);

/**
 * One x86 vCPU in the layout of QEMU 7.2's x86_cpu_dump_state (no FPU,
 * no CC_OP): the 64-bit layout when CS is a 64-bit code segment (EFER.LMA
 * and CS.L), the 32-bit one otherwise; GDT/IDT/CR lines are 64-bit when
 * EFER.LMA.  Lines or fields @p r does not hold (valid bits) are left out:
 * II/A20/SMM/HLT, DR0–DR7 and the FPU/SSE state always (no snapshot format
 * holds them), EFER unless the source holds it (QEMU's ELF notes do not).
 * The "CPU#N" header is the caller's.
 * @return 0, or the writer's nonzero return
 */
int regs_dump_x86(const struct guest_x86_cpu *r, regs_write_fn write,
		  void *payload);

/**
 * One aarch64 vCPU in the layout of QEMU 7.2's monitor (aarch64 dump with
 * the FPU: PC, X00-X30, SP, PSTATE, FPCR/FPSR, Q00-Q31), the parts the
 * snapshot holds, then a line of the system registers known (never in
 * QEMU's dump). The "CPU#N" header is the caller's.
 * @return 0, or the writer's nonzero return
 */
int regs_dump_arm64(guest *g, int cpu, regs_write_fn write, void *payload);

/**
 * One riscv64 hart in the layout of QEMU 7.2's monitor (" pc", the CSRs
 * known in QEMU's order, x0/zero … x31/t6 four a line), the parts the
 * snapshot or the options give; then priv when known (never in QEMU's
 * dump). The "CPU#N" header is the caller's.
 * @return 0, or the writer's nonzero return
 */
int regs_dump_riscv(guest *g, int cpu, regs_write_fn write, void *payload);

/**
 * `info registers [-a]` for the monitor: "\nCPU#N\n" then the current
 * vCPU (all vCPUs with -a), as QEMU's HMP prints it.
 * @param cpu   the current vCPU, 0-based
 * @return 0, or 1 after writing a usage/error message
 */
int regs_info_registers(guest *g, int cpu, int argc, char **argv,
			regs_write_fn write, void *payload);

#endif /* PGSTUB_INFO_REGISTERS_H */
