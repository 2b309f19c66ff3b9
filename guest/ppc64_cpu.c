/*
 * ppc64 vCPUs of a guest: register getters and the translation context:
 * radix (ppc64_radix.c) where the vCPU selects it, else the hash MMU's
 * from a vCPU's SLB, MSR, AMR, LPCR and SDR1, with the HPT from the
 * source (pseries: the migration stream) or from guest RAM at SDR1's
 * HTABORG (powernv).
 */
#include "guest_priv.h"

#include <stdio.h>

const struct guest_ppc64_cpu *guest_ppc64_cpu(const guest *g, int cpu)
{
	if (!g->ppc || cpu < 0 || cpu >= g->ncpus)
		return NULL;
	return &g->ppc[cpu];
}

const pgw_htab *guest_ppc64_htab(const guest *g)
{
	return g->htab;
}

int guest__ppc64_ctx(guest *g, int cpu, pgw_ctx **ctx, char *err,
		     size_t errlen)
{
	struct pgw_ppc64_regs r = PGW_PPC64_REGS_INIT;
	struct pgw_ppc64_slbe slb[GUEST_PPC64_SLB_MAX];
	const struct guest_ppc64_cpu *p = guest_ppc64_cpu(g, cpu);
	const struct pgw_hpte_ops *hpte = NULL;
	char msg[256] = "";
	int rc;

	if (!p)
		return guest__fail(err, errlen, "no vCPU %d (the guest has %d)",
				   cpu, g->ncpus);
	if (g->ctx[cpu]) {
		*ctx = g->ctx[cpu];
		return 0;
	}
	rc = guest__ppc64_radix_ctx(g, cpu, &g->ctx[cpu], err, errlen);
	if (rc <= 0) {
		if (!rc)
			*ctx = g->ctx[cpu];
		return rc;
	}
	if (g->fmt == GUEST_FMT_LIVE)
		return guest__fail(err, errlen, "the hashed page table is in "
				   "use (LPCR 0x%llx: HR clear): QEMU's "
				   "gdbstub shows no SLB%s, so pgstub cannot "
				   "walk it live; a migration stream of the "
				   "guest holds %s", (unsigned long long)p->lpcr,
				   p->sdr1 ? "" : " and no HPT (a pseries "
				   "guest's is the machine's)",
				   p->sdr1 ? "the SLB" : "both");
	for (unsigned i = 0; i < p->nslb; i++) {
		slb[i].esid = p->slb[i].esid;
		slb[i].vsid = p->slb[i].vsid;
	}
	r.slb = slb;
	r.nslb = p->nslb;
	r.msr = p->msr;
	r.amr = p->amr;
	r.lpcr = p->lpcr;
	r.sdr1 = p->sdr1;
	/* POWER7 and later apply the AMR to data accesses (QEMU does for
	 * every ISA 2.06+ CPU): reported in out_perms, never enforced on
	 * the debugger's reads. */
	r.flags = PGW_PPC64_AMR;
	if (g->htab) {
		/* pseries: the hypervisor's HPT, outside guest RAM. */
		r.htab_shift = pgw_htab_shift(g->htab);
		hpte = &pgw_htab_hpte_ops;
	} else if (!(p->sdr1 & ~0x1fULL)) {
		return guest__fail(err, errlen, "no hashed page table (no "
				   "spapr/htab section, SDR1 is 0x%llx)%s",
				   (unsigned long long)p->sdr1,
				   p->valid & GUEST_PPC64_HAS_SPRS ? "" :
				   "; the source holds no MMU registers: a "
				   "radix guest (POWER9 and later) needs "
				   "--reg patb=PATE1 (pseries) or --reg "
				   "ptcr=PTCR (powernv), and --reg pidr=PID "
				   "for user addresses");
	}
	if (pgw_ctx_new_ppc64_hash(&g->ctx[cpu], &r, hpte, g->htab,
				   guest_mem_ops(g), g, msg, sizeof(msg)))
		return guest__fail(err, errlen, "%s",
				   msg[0] ? msg : "cannot build its hash "
				   "context");
	*ctx = g->ctx[cpu];
	return 0;
}
