/*
 * `info registers` of an aarch64 vCPU in QEMU 7.2's layout (its monitor's
 * aarch64 dump: PC and X00-X30/SP three a line, PSTATE with NZCV and the
 * EL, FPCR/FPSR and Q00-Q31 two a line), then the system registers the
 * snapshot or the options give, which QEMU's dump never shows.
 */
#include "info_registers.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>

/* PSTATE bits (Arm ARM C5.2.18 SPSR_EL1 layout, as QEMU's cpsr). */
#define PSTATE_N  (1u << 31)
#define PSTATE_Z  (1u << 30)
#define PSTATE_C  (1u << 29)
#define PSTATE_V  (1u << 28)
#define PSTATE_SP 1u

struct out {
	regs_write_fn write;
	void *payload;
	int rc;
};

static void put(struct out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	char buf[192];
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

int regs_dump_arm64(guest *g, int cpu, regs_write_fn write, void *payload)
{
	const struct guest_arm64_cpu *a = guest_arm64_cpu(g, cpu);
	struct out o = { write, payload, 0 };
	uint32_t psr;
	int any = 0;

	if (!a)
		return 0;
	if (a->valid & GUEST_ARM64_HAS_GPRS) {
		put(&o, " PC=%016" PRIx64 " ", a->pc);
		for (int i = 0; i < 31; i++)
			put(&o, "X%02d=%016" PRIx64 "%s", i, a->x[i],
			    (i + 2) % 3 ? " " : "\n");
		put(&o, " SP=%016" PRIx64 "\n", a->sp);
		psr = (uint32_t)a->pstate;
		put(&o, "PSTATE=%08" PRIx32 " %c%c%c%c EL%u%c", psr,
		    psr & PSTATE_N ? 'N' : '-', psr & PSTATE_Z ? 'Z' : '-',
		    psr & PSTATE_C ? 'C' : '-', psr & PSTATE_V ? 'V' : '-',
		    (psr >> 2) & 3, psr & PSTATE_SP ? 'h' : 't');
		if (!(a->valid & GUEST_ARM64_HAS_FPU))
			put(&o, "\n");
	}
	if (a->valid & GUEST_ARM64_HAS_FPU) {
		put(&o, "     FPCR=%08" PRIx32 " FPSR=%08" PRIx32 "\n", a->fpcr,
		    a->fpsr);
		for (int i = 0; i < 32; i++)
			put(&o, "Q%02d=%016" PRIx64 ":%016" PRIx64 "%s", i,
			    a->v[i][1], a->v[i][0], i & 1 ? "\n" : " ");
	}
	/* Beyond QEMU's dump: the system registers known, by their
	 * gdbstub names (SCTLR is SCTLR_EL1). */
	for (int id = 0; id < guest_reg_count(g); id++) {
		const char *name = guest_reg_name(g, id);
		uint64_t v;

		/* Only they are upper case (QEMU's spelling). */
		if (!name || name[0] < 'A' || name[0] > 'Z')
			continue;
		if (guest_reg_read(g, cpu, id, &v) == GUEST_REG_ZERO)
			continue;
		put(&o, "%s%s=%016" PRIx64, any % 3 ? " " : any ? "\n" : "",
		    name, v);
		any++;
	}
	if (any)
		put(&o, "\n");
	return o.rc;
}
