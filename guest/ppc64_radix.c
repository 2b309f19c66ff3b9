/*
 * ppc64 radix vCPUs: which MMU a vCPU uses (LPCR[HR], the registered
 * process-table entry's GR, PTCR), the radix context built from PTCR or
 * the pseries process-table entry with PIDR/LPIDR, and the MMU registers a
 * dump lacks, taken from --reg ptcr=, patb=, pidr=, lpidr=, lpcr=.
 */
#include "guest_priv.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* SPR numbers (Power ISA 3.0B Book III 4.3 and 5.7): homes in spr[]. */
#define SPR_PIDR  48u
#define SPR_LPIDR 319u
#define SPR_PTCR  464u
#define SPR_LPCR  318u

/* Where --reg values of the MMU registers go (guest_ppc64_mmu.known). */
static const struct {
	const char *name;
	unsigned bit;
} mmu_regs[] = {
	{ "ptcr", GUEST_PPC64_MMU_PTCR }, { "patb", GUEST_PPC64_MMU_PATB },
	{ "pidr", GUEST_PPC64_MMU_PIDR }, { "lpidr", GUEST_PPC64_MMU_LPIDR },
	{ "lpcr", GUEST_PPC64_MMU_LPCR },
};

int guest__ppc64_mmu_reg(guest *g, const char *name, uint64_t v)
{
	unsigned bit = 0;

	if (g->arch != GUEST_ARCH_PPC64 || !g->ppc)
		return 0;
	for (size_t i = 0; i < sizeof(mmu_regs) / sizeof(*mmu_regs); i++)
		if (!strcasecmp(name, mmu_regs[i].name))
			bit = mmu_regs[i].bit;
	if (!bit)
		return 0;
	g->ppc_mmu_given |= bit;
	if (bit == GUEST_PPC64_MMU_PATB) {
		g->ppc_patb = v;
		g->ppc_have_patb = 1;
		return 1;
	}
	for (int i = 0; i < g->ncpus; i++) {
		struct guest_ppc64_cpu *p = &g->ppc[i];

		switch (bit) {
		case GUEST_PPC64_MMU_PTCR: p->spr[SPR_PTCR] = v; break;
		case GUEST_PPC64_MMU_PIDR: p->spr[SPR_PIDR] = v; break;
		case GUEST_PPC64_MMU_LPIDR: p->spr[SPR_LPIDR] = v; break;
		default: p->lpcr = p->spr[SPR_LPCR] = v; break;
		}
	}
	return 1;
}

int guest_ppc64_mmu(const guest *g, int cpu, struct guest_ppc64_mmu *out)
{
	const struct guest_ppc64_cpu *p = guest_ppc64_cpu(g, cpu);

	memset(out, 0, sizeof(*out));
	if (!p)
		return -1;
	out->ptcr = p->spr[SPR_PTCR];
	out->pidr = p->spr[SPR_PIDR];
	out->lpidr = p->spr[SPR_LPIDR];
	out->lpcr = p->lpcr;
	out->patb = g->ppc_patb;
	out->msr = p->msr;
	out->given = g->ppc_mmu_given;
	/* A migration stream holds every SPR (and the pseries entry when the
	 * guest registered one); a dump holds none of them. */
	out->known = g->ppc_mmu_given;
	if (p->valid & GUEST_PPC64_HAS_SPRS)
		out->known |= GUEST_PPC64_MMU_PTCR | GUEST_PPC64_MMU_PIDR |
			      GUEST_PPC64_MMU_LPIDR | GUEST_PPC64_MMU_LPCR;
	if (g->ppc_have_patb)
		out->known |= GUEST_PPC64_MMU_PATB;
	return 0;
}

int guest_ppc64_is_radix(const struct guest_ppc64_mmu *m)
{
	/* LPCR[HR] decides where it is known (QEMU's pseries sets it when
	 * the guest registers a radix process table; disable_radix leaves it
	 * clear); without it, what the tables say (a dump with --reg). */
	if (m->known & GUEST_PPC64_MMU_LPCR && m->lpcr)
		return !!(m->lpcr & PGW_PPC64_LPCR_HR);
	if (m->known & GUEST_PPC64_MMU_PATB)
		return !!(m->patb & PGW_PPC64_PATE_GR);
	return m->known & GUEST_PPC64_MMU_PTCR && m->ptcr;
}

int guest__ppc64_radix_ctx(guest *g, int cpu, pgw_ctx **ctx, char *err,
			   size_t errlen)
{
	struct pgw_ppc64_radix_regs r = PGW_PPC64_RADIX_REGS_INIT;
	struct guest_ppc64_mmu m;
	char msg[256] = "";

	if (guest_ppc64_mmu(g, cpu, &m) || !guest_ppc64_is_radix(&m))
		return 1;
	if (m.known & GUEST_PPC64_MMU_PATB && m.patb) {
		/* pseries: the guest's entry, its partition table being the
		 * hypervisor's. */
		r.flags = PGW_PPC64_RADIX_PATE1;
		r.pate1 = m.patb;
	} else if (m.ptcr) {
		r.ptcr = m.ptcr;
	} else {
		return guest__fail(err, errlen, "LPCR[HR] selects the "
				   "radix MMU but no process table is known "
				   "(a pseries stream holds the entry the "
				   "guest registered, a powernv one PTCR; a "
				   "dump holds neither): give --reg patb=PATE1 "
				   "(pseries) or --reg ptcr=PTCR (powernv)");
	}
	r.pidr = m.pidr;
	r.lpidr = m.lpidr;
	r.lpcr = m.known & GUEST_PPC64_MMU_LPCR ? m.lpcr : 0;
	/* pseries: the guest runs with MSR[HV] = 0 and LPIDR as QEMU keeps
	 * it; its PATE1 path ignores the LPID. */
	r.msr = m.msr;
	if (pgw_ctx_new_ppc64_radix(ctx, &r, guest_mem_ops(g), g, msg,
				    sizeof(msg)))
		return guest__fail(err, errlen, "%s",
				   msg[0] ? msg : "cannot build its radix "
				   "context");
	return 0;
}
