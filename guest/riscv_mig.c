/*
 * riscv64 hart state from a QEMU migration stream's "cpu" section
 * (target/riscv vmstate_riscv_cpu, version 5 in QEMU 7.2): x0-x31, pc,
 * the privilege and the machine and supervisor CSRs from their named
 * fields (names as the stream's own JSON description gives them).
 */
#include "migration_priv.h"

#include <string.h>

/* sstatus is a view of mstatus (Privileged ISA 4.1.1): SIE, SPIE, UBE,
 * SPP, VS, FS, XS, SUM, MXR, UXL and SD. */
#define SSTATUS64_MASK 0x80000003000de762ULL
#define MSTATUS_FS     0x6000ULL
#define MSTATUS_VS     0x0600ULL
#define MSTATUS_XS     0x18000ULL
#define MSTATUS64_SD   (1ULL << 63)

/* The CSRs stored as 64-bit "env.NAME" fields. */
static const struct { const char *field; enum guest_riscv_csr r; } csrs[] = {
	{ "env.priv", GUEST_RV_PRIV }, { "env.mhartid", GUEST_RV_MHARTID },
	{ "env.mstatus", GUEST_RV_MSTATUS }, { "env.mip", GUEST_RV_MIP },
	{ "env.mie", GUEST_RV_MIE }, { "env.mideleg", GUEST_RV_MIDELEG },
	{ "env.satp", GUEST_RV_SATP }, { "env.stval", GUEST_RV_STVAL },
	{ "env.medeleg", GUEST_RV_MEDELEG }, { "env.stvec", GUEST_RV_STVEC },
	{ "env.sepc", GUEST_RV_SEPC }, { "env.scause", GUEST_RV_SCAUSE },
	{ "env.mtvec", GUEST_RV_MTVEC }, { "env.mepc", GUEST_RV_MEPC },
	{ "env.mcause", GUEST_RV_MCAUSE }, { "env.mtval", GUEST_RV_MTVAL },
	{ "env.sscratch", GUEST_RV_SSCRATCH },
	{ "env.mscratch", GUEST_RV_MSCRATCH },
};

int mig__riscv_is_cpu(struct mig_cpu_fields *cf)
{
	return mig__cpu_field(cf, "env.gpr", 8, 32) != NULL &&
	       mig__cpu_field(cf, "env.satp", 8, 1) != NULL &&
	       mig__cpu_field(cf, "env.priv", 8, 1) != NULL;
}

int mig__riscv_cpu(struct mig_cpu_fields *cf, struct guest_riscv_cpu *c)
{
	const struct mig_field *gpr = mig__cpu_field(cf, "env.gpr", 8, 32);
	const struct mig_field *pc = mig__cpu_field(cf, "env.pc", 8, 1);
	const struct mig_field *mxl = mig__cpu_field(cf, "env.misa_mxl", 4, 1);
	const struct mig_field *ext = mig__cpu_field(cf, "env.misa_ext", 4, 1);
	uint64_t ms;

	if (mig__cpu_need(cf, gpr, "env.gpr") ||
	    mig__cpu_need(cf, pc, "env.pc"))
		return -1;
	c->x[0] = 0;
	for (int i = 1; i < 32; i++)
		c->x[i] = mig__cpu_get(cf, gpr, (uint64_t)i);
	c->pc = mig__cpu_get(cf, pc, 0);
	c->valid |= GUEST_RISCV_HAS_GPRS;
	for (size_t i = 0; i < sizeof(csrs) / sizeof(*csrs); i++) {
		const struct mig_field *f = mig__cpu_field(cf, csrs[i].field,
							   8, 1);

		if (mig__cpu_need(cf, f, csrs[i].field))
			return -1;
		c->csr[csrs[i].r] = mig__cpu_get(cf, f, 0);
		c->valid |= GUEST_RISCV_HAS_CSR(csrs[i].r);
	}
	/* misa as a CSR reads: MXL in the top two bits, the extensions. */
	if (mxl && ext) {
		c->csr[GUEST_RV_MISA] = mig__cpu_get(cf, mxl, 0) << 62 |
					mig__cpu_get(cf, ext, 0);
		c->valid |= GUEST_RISCV_HAS_CSR(GUEST_RV_MISA);
	}
	/* sstatus: mstatus's S-mode bits, SD set when FS, VS or XS is
	 * dirty (all ones). */
	ms = c->csr[GUEST_RV_MSTATUS] & SSTATUS64_MASK & ~MSTATUS64_SD;
	if ((ms & MSTATUS_FS) == MSTATUS_FS || (ms & MSTATUS_VS) == MSTATUS_VS ||
	    (ms & MSTATUS_XS) == MSTATUS_XS)
		ms |= MSTATUS64_SD;
	c->csr[GUEST_RV_SSTATUS] = ms;
	c->valid |= GUEST_RISCV_HAS_CSR(GUEST_RV_SSTATUS);
	return cf->missing ? -1 : 0;
}
