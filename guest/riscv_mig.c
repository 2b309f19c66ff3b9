/*
 * RISC-V hart state from a QEMU migration stream's "cpu" section
 * (target/riscv vmstate_riscv_cpu, version 5 in QEMU 7.2): x0-x31, pc,
 * the privilege and the machine and supervisor CSRs from their named
 * fields (names as the stream's own JSON description gives them). The
 * target_ulong fields are 4 bytes wide in qemu-system-riscv32's streams;
 * mstatus, mip, mie and mideleg are 8 in both.
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
#define MSTATUS32_SD   (1ULL << 31)

/* The CSRs stored as "env.NAME" fields: target_ulong (XLEN bits) unless
 * @u64. */
static const struct {
	const char *field;
	enum guest_riscv_csr r;
	int u64;
} csrs[] = {
	{ "env.priv", GUEST_RV_PRIV, 0 }, { "env.mhartid", GUEST_RV_MHARTID, 0 },
	{ "env.mstatus", GUEST_RV_MSTATUS, 1 }, { "env.mip", GUEST_RV_MIP, 1 },
	{ "env.mie", GUEST_RV_MIE, 1 }, { "env.mideleg", GUEST_RV_MIDELEG, 1 },
	{ "env.satp", GUEST_RV_SATP, 0 }, { "env.stval", GUEST_RV_STVAL, 0 },
	{ "env.medeleg", GUEST_RV_MEDELEG, 0 },
	{ "env.stvec", GUEST_RV_STVEC, 0 }, { "env.sepc", GUEST_RV_SEPC, 0 },
	{ "env.scause", GUEST_RV_SCAUSE, 0 }, { "env.mtvec", GUEST_RV_MTVEC, 0 },
	{ "env.mepc", GUEST_RV_MEPC, 0 }, { "env.mcause", GUEST_RV_MCAUSE, 0 },
	{ "env.mtval", GUEST_RV_MTVAL, 0 },
	{ "env.sscratch", GUEST_RV_SSCRATCH, 0 },
	{ "env.mscratch", GUEST_RV_MSCRATCH, 0 },
};

/* The width of field @p name, or 0: a look that, unlike mig__cpu_field(),
 * leaves no error behind. */
static uint64_t width_of(const struct mig_cpu_fields *cf, const char *name)
{
	for (int i = 0; i < cf->n; i++)
		if (!strcmp(cf->f[i].name, name))
			return cf->f[i].size;
	return 0;
}

int mig__riscv_is_cpu(struct mig_cpu_fields *cf)
{
	uint64_t w = width_of(cf, "env.gpr");

	if ((w != 8 && w != 4) || width_of(cf, "env.satp") != w ||
	    width_of(cf, "env.priv") != w)
		return 0;
	return mig__cpu_field(cf, "env.gpr", w, 32) ? (int)w * 8 : 0;
}

int mig__riscv_cpu(struct mig_cpu_fields *cf, struct guest_riscv_cpu *c)
{
	unsigned w = (unsigned)mig__riscv_is_cpu(cf) / 8;
	const struct mig_field *gpr = mig__cpu_field(cf, "env.gpr", w, 32);
	const struct mig_field *pc = mig__cpu_field(cf, "env.pc", w, 1);
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
		const struct mig_field *f =
			mig__cpu_field(cf, csrs[i].field, csrs[i].u64 ? 8 : w, 1);

		if (mig__cpu_need(cf, f, csrs[i].field))
			return -1;
		c->csr[csrs[i].r] = mig__cpu_get(cf, f, 0);
		c->valid |= GUEST_RISCV_HAS_CSR(csrs[i].r);
	}
	/* misa as a CSR reads: MXL in the top two bits, the extensions. */
	if (mxl && ext) {
		c->csr[GUEST_RV_MISA] = mig__cpu_get(cf, mxl, 0) <<
					(w == 8 ? 62 : 30) |
					mig__cpu_get(cf, ext, 0);
		c->valid |= GUEST_RISCV_HAS_CSR(GUEST_RV_MISA);
	}
	/* sstatus: mstatus's S-mode bits (rv32: no UXL), SD (the top bit)
	 * set when FS, VS or XS is dirty (all ones). */
	ms = c->csr[GUEST_RV_MSTATUS] & SSTATUS64_MASK & ~MSTATUS64_SD &
	     (w == 8 ? ~0ULL : 0xffffffffULL);
	if ((ms & MSTATUS_FS) == MSTATUS_FS || (ms & MSTATUS_VS) == MSTATUS_VS ||
	    (ms & MSTATUS_XS) == MSTATUS_XS)
		ms |= w == 8 ? MSTATUS64_SD : MSTATUS32_SD;
	c->csr[GUEST_RV_SSTATUS] = ms;
	c->valid |= GUEST_RISCV_HAS_CSR(GUEST_RV_SSTATUS);
	return cf->missing ? -1 : 0;
}
