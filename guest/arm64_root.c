/*
 * Each aarch64 vCPU's translation registers, decided once at open: the
 * regime it runs in (EL1&0, or EL2&0 / EL2 from its EL and HCR_EL2), that
 * regime's own TTBR0/TTBR1/TCR/SCTLR (a migration stream, a live QEMU,
 * --reg), else the kernel's tables named by VMCOREINFO (QEMU's aarch64
 * dumps carry no system register), else nothing — and then no address of
 * that half translates.
 */
#include "guest_priv.h"

#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOW_TO "give --vmcoreinfo FILE (or run the guest with -device " \
	       "vmcoreinfo and its qemu_fw_cfg driver loaded), or --reg " \
	       "ttbr1_el1=ROOT --reg tcr_el1=TCR [--reg ttbr0_el1=ROOT]"
#define HOW_TO_USER "user addresses need the task's TTBR0_EL1: --reg " \
		    "ttbr0_el1=ROOT"

/* TCR_EL1 fields (Arm ARM D19.2.139). */
#define TCR_T0SZ_SHIFT 0
#define TCR_TG0_SHIFT  14
#define TCR_T1SZ_SHIFT 16
#define TCR_TG1_SHIFT  30
#define TCR_IPS_SHIFT  32
#define TCR_TBI0       (1ULL << 37)
#define TCR_TBI1       (1ULL << 38)
#define TCR_HA         (1ULL << 39)
#define TCR_DS         (1ULL << 59)

/* What VMCOREINFO gives an arm64 kernel's translation. */
struct a64_vmci {
	uint64_t ttbr1, tcr;
	uint64_t page_size, va_bits, t1sz;
	char say[160];
};

/* TG0 and TG1 encode the granules differently (D19.2.139): TG0 4K 0b00,
 * 64K 0b01, 16K 0b10; TG1 16K 0b01, 4K 0b10, 64K 0b11. */
static int granule_bits(uint64_t page_size, uint64_t *tg0, uint64_t *tg1)
{
	switch (page_size) {
	case 4096: *tg0 = 0; *tg1 = 2; return 0;
	case 16384: *tg0 = 2; *tg1 = 1; return 0;
	case 65536: *tg0 = 1; *tg1 = 3; return 0;
	}
	return -1;
}

/* TCR.IPS from a physical address width (D19.2.139: 32, 36, 40, 42, 44,
 * 48, 52 bits are 0b000 … 0b110). */
static uint64_t ips_of(uint64_t pa_bits)
{
	static const unsigned w[] = { 32, 36, 40, 42, 44, 48, 52 };

	for (unsigned i = 0; i < sizeof(w) / sizeof(*w); i++)
		if (pa_bits <= w[i])
			return i;
	return 6;
}

/*
 * The kernel's half from VMCOREINFO (Linux's arm64 crash_core.c and the
 * generic one): SYMBOL(swapper_pg_dir) is a kernel-image address, so its
 * physical address is VA - kimage_voffset (__pa_symbol); TCR from
 * VA_BITS, TCR_EL1_T1SZ (the size actually in use, which a 52-bit kernel
 * on a 48-bit CPU lowers), PAGESIZE and MAX_PHYSMEM_BITS.
 */
static int from_vmcoreinfo(const guest *g, struct a64_vmci *v, char *err,
			   size_t errlen)
{
	const char *t = g->vmci;
	uint64_t sym, voff, phys_off, pa_bits = 48, tg0, tg1, ds = 0;

	memset(v, 0, sizeof(*v));
	if (!t)
		return guest__fail(err, errlen, "no VMCOREINFO");
	if (!guest__vmcoreinfo_lookup(t, "SYMBOL(swapper_pg_dir)", 16, &sym))
		return guest__fail(err, errlen, "VMCOREINFO (%s) has no "
				   "SYMBOL(swapper_pg_dir)", g->vmci_from);
	if (!guest__vmcoreinfo_lookup(t, "NUMBER(kimage_voffset)", 16, &voff))
		return guest__fail(err, errlen, "VMCOREINFO (%s) has no "
				   "NUMBER(kimage_voffset)", g->vmci_from);
	if (!guest__vmcoreinfo_lookup(t, "NUMBER(VA_BITS)", 10, &v->va_bits) ||
	    v->va_bits < 36 || v->va_bits > 52)
		return guest__fail(err, errlen, "VMCOREINFO (%s) has no "
				   "NUMBER(VA_BITS) from 36 to 52",
				   g->vmci_from);
	if (!guest__vmcoreinfo_lookup(t, "PAGESIZE", 10, &v->page_size))
		v->page_size = 4096;
	if (granule_bits(v->page_size, &tg0, &tg1))
		return guest__fail(err, errlen, "VMCOREINFO (%s): PAGESIZE=%"
				   PRIu64 " is not an arm64 granule (4096, "
				   "16384, 65536)", g->vmci_from, v->page_size);
	if (!guest__vmcoreinfo_lookup(t, "NUMBER(TCR_EL1_T1SZ)", 16, &v->t1sz))
		v->t1sz = 64 - v->va_bits;
	if (v->t1sz < 12 || v->t1sz > 39)
		return guest__fail(err, errlen, "VMCOREINFO (%s): T1SZ %" PRIu64
				   " is out of range", g->vmci_from, v->t1sz);
	guest__vmcoreinfo_lookup(t, "NUMBER(MAX_PHYSMEM_BITS)", 10, &pa_bits);
	if (sym < voff || ((sym - voff) & (v->page_size - 1) &&
			   (sym - voff) & 0xfff))
		return guest__fail(err, errlen, "VMCOREINFO (%s): "
				   "SYMBOL(swapper_pg_dir)=%" PRIx64 " minus "
				   "kimage_voffset 0x%" PRIx64 " is no page-"
				   "aligned physical address", g->vmci_from,
				   sym, voff);
	/* 4K and 16K granules reach past 48 bits only with LPA2 (TCR.DS,
	 * D8.3): a kernel running with T1SZ below 16 has turned it on (Linux
	 * 6.9+; the recorded 16K guest's TCR_EL1 has DS), and without it
	 * the output size stops at 48 bits. */
	if (v->page_size != 65536 && v->t1sz < 16)
		ds = TCR_DS;
	else if (v->page_size != 65536 && pa_bits > 48)
		pa_bits = 48;
	v->ttbr1 = sym - voff;
	/* The kernel image lies in RAM, above the start of RAM. */
	if (guest__vmcoreinfo_lookup(t, "NUMBER(PHYS_OFFSET)", 16, &phys_off) &&
	    v->ttbr1 < phys_off)
		return guest__fail(err, errlen, "VMCOREINFO (%s): swapper_pg_dir "
				   "at physical 0x%" PRIx64 " lies below "
				   "PHYS_OFFSET 0x%" PRIx64 ": kimage_voffset "
				   "and the symbol disagree", g->vmci_from,
				   v->ttbr1, phys_off);
	/* Both halves as wide as the kernel's; top-byte-ignore as Linux
	 * sets it: TBI0 always, TBI1 with CONFIG_ARM64_MTE (Debian's; the
	 * recorded 6.1 guests' TCR_EL1 has it). A tagged kernel pointer
	 * then reads as the hardware would on such a kernel. HA: Linux
	 * turns on the hardware access flag wherever the CPU has it
	 * (ARMv8.1 on; QEMU's max); a page whose AF is still 0 is then
	 * mapped, as QEMU's gva2gpa says on the recorded guests. */
	v->tcr = v->t1sz << TCR_T0SZ_SHIFT | tg0 << TCR_TG0_SHIFT |
		 v->t1sz << TCR_T1SZ_SHIFT | tg1 << TCR_TG1_SHIFT |
		 ips_of(pa_bits) << TCR_IPS_SHIFT | TCR_TBI0 | TCR_TBI1 |
		 TCR_HA | ds;
	snprintf(v->say, sizeof(v->say), "swapper_pg_dir at physical 0x%"
		 PRIx64 ", %" PRIu64 "-bit VA, %" PRIu64 "K pages: TCR_EL1 "
		 "0x%" PRIx64, v->ttbr1, 64 - v->t1sz, v->page_size >> 10,
		 v->tcr);
	return 0;
}

/* HCR_EL2 bits (Arm ARM D19.2 HCR_EL2). */
#define HCR_VM  (1ULL << 0)    /* stage 2 on for EL1&0 */
#define HCR_TGE (1ULL << 27)   /* EL0 runs in the EL2&0 regime (with E2H) */
#define HCR_E2H (1ULL << 34)   /* VHE: EL2&0 has two halves */

/* The registers of each regime, by enum guest_arm64_sysreg. */
static const struct regime_regs {
	int ttbr0, ttbr1, tcr, sctlr, mair;
	const char *name, *ttbr0_name, *ttbr1_name, *tcr_name;
} regimes[] = {
	[PGW_ARM64_REGIME_EL10] = {
		GUEST_A64_TTBR0, GUEST_A64_TTBR1, GUEST_A64_TCR,
		GUEST_A64_SCTLR, GUEST_A64_MAIR,
		"EL1&0", "TTBR0_EL1", "TTBR1_EL1", "TCR_EL1" },
	[PGW_ARM64_REGIME_EL20] = {
		GUEST_A64_TTBR0_EL2, GUEST_A64_TTBR1_EL2, GUEST_A64_TCR_EL2,
		GUEST_A64_SCTLR_EL2, GUEST_A64_MAIR_EL2,
		"EL2&0", "TTBR0_EL2", "TTBR1_EL2", "TCR_EL2" },
	[PGW_ARM64_REGIME_EL2] = {
		GUEST_A64_TTBR0_EL2, -1, GUEST_A64_TCR_EL2,
		GUEST_A64_SCTLR_EL2, GUEST_A64_MAIR_EL2,
		"EL2", "TTBR0_EL2", "TTBR0_EL2", "TCR_EL2" },
};

/*
 * D8.1.2: the regime a vCPU translates in as it stands: at EL2, EL2&0
 * with HCR_EL2.E2H (VHE) and EL2 without; at EL0, EL2&0 when E2H and TGE
 * are both set (a VHE host's processes); else EL1&0. With HCR_EL2
 * unknown (a dump), EL2 means EL2&0: Linux runs its kernel at EL2 only
 * with VHE, and its tables are then the ones VMCOREINFO names.
 */
static unsigned regime_of(const struct guest_arm64_cpu *a, const char **why)
{
	unsigned el = (unsigned)(a->pstate >> PGW_ARM64_PSTATE_EL_SHIFT) & 3;
	uint64_t hcr = a->sys[GUEST_A64_HCR_EL2];

	*why = NULL;
	if (!(a->valid & GUEST_ARM64_HAS_GPRS))
		return PGW_ARM64_REGIME_EL10;
	if (!(a->valid & GUEST_ARM64_HAS_SYS(GUEST_A64_HCR_EL2))) {
		if (el != 2)
			return PGW_ARM64_REGIME_EL10;
		*why = "at EL2 with HCR_EL2 unknown: taken as VHE (EL2&0), "
		       "the only way Linux runs at EL2";
		return PGW_ARM64_REGIME_EL20;
	}
	if (el == 2)
		return hcr & HCR_E2H ? PGW_ARM64_REGIME_EL20 :
				       PGW_ARM64_REGIME_EL2;
	if (el == 0 && (hcr & HCR_E2H) && (hcr & HCR_TGE))
		return PGW_ARM64_REGIME_EL20;
	return PGW_ARM64_REGIME_EL10;
}

static void resolve_cpu(guest *g, int cpu, const struct a64_vmci *vm,
			const char *vm_err)
{
	const struct guest_arm64_cpu *a = &g->a64[cpu];
	struct guest_arm64_root *rt = &g->a64root[cpu];
	const char *regime_why;
	const struct regime_regs *n;
#define HAVE(r) ((r) >= 0 && (a->valid & GUEST_ARM64_HAS_SYS(r)))
	int have_tcr, from_vm;

	rt->regime = regime_of(a, &regime_why);
	n = &regimes[rt->regime];
	have_tcr = HAVE(n->tcr) || vm;
	rt->no_ttbr0 = !HAVE(n->ttbr0);
	rt->no_ttbr1 = n->ttbr1 >= 0 && !HAVE(n->ttbr1) && !vm;
	rt->ttbr0 = a->sys[n->ttbr0];
	rt->ttbr1 = HAVE(n->ttbr1) ? a->sys[n->ttbr1] : vm ? vm->ttbr1 : 0;
	rt->tcr = HAVE(n->tcr) ? a->sys[n->tcr] : vm ? vm->tcr : 0;
	from_vm = vm && (!HAVE(n->ttbr1) || !HAVE(n->tcr));
	/* A kernel that left tables in VMCOREINFO runs with its MMU on. */
	rt->sctlr = HAVE(n->sctlr) ? a->sys[n->sctlr] : PGW_ARM64_SCTLR_M;
	rt->has_mair = HAVE(n->mair);
	rt->mair = a->sys[n->mair];
	rt->src = from_vm ? GUEST_ROOT_VMCOREINFO : GUEST_ROOT_REGS;
	if (HAVE(n->sctlr) && !(rt->sctlr & PGW_ARM64_SCTLR_M))
		return;  /* stage 1 off: VA == IPA, and the registers say it */
	if (!have_tcr || (rt->no_ttbr0 && rt->no_ttbr1)) {
		rt->src = GUEST_ROOT_UNKNOWN;
		/* Name what is missing: a TTBR0 given alone lacks TCR_EL1. */
		snprintf(rt->why, sizeof(rt->why), "no paging root: %s%s%s%s%s "
			 "unknown (%s)%s%s; " HOW_TO,
			 rt->no_ttbr0 && rt->no_ttbr1 ? n->ttbr0_name : "",
			 rt->no_ttbr0 && rt->no_ttbr1 ? "/" : "",
			 rt->no_ttbr0 && rt->no_ttbr1 ? n->ttbr1_name : "",
			 rt->no_ttbr0 && rt->no_ttbr1 && !have_tcr ?
			 " and " : "", have_tcr ? "" : n->tcr_name,
			 g->fmt == GUEST_FMT_MIGRATION ? "the stream's cpreg "
			 "list does not hold it" : "QEMU's aarch64 dumps hold "
			 "no system register",
			 vm_err[0] ? " and " : " and no VMCOREINFO",
			 vm_err);
		return;
	}
	if (from_vm)
		snprintf(rt->why, sizeof(rt->why), "kernel page tables from "
			 "VMCOREINFO (%s)%s%s%s", vm->say, rt->no_ttbr0 ?
			 "; " HOW_TO_USER : "; TTBR0_EL1 as given",
			 regime_why ? "; " : "", regime_why ? regime_why : "");
	else if (rt->no_ttbr0)
		snprintf(rt->why, sizeof(rt->why), "%s unknown: user "
			 "addresses need the task's %s: --reg %s=ROOT",
			 n->ttbr0_name, n->ttbr0_name,
			 rt->regime ? "ttbr0_el2" : "ttbr0_el1");
	else if (rt->no_ttbr1)
		snprintf(rt->why, sizeof(rt->why), "%s unknown: kernel "
			 "addresses need --reg %s=ROOT or --vmcoreinfo FILE",
			 n->ttbr1_name, rt->regime ? "ttbr1_el2" : "ttbr1_el1");
	else if (rt->regime != PGW_ARM64_REGIME_EL10)
		snprintf(rt->why, sizeof(rt->why), "the %s regime (%s, "
			 "HCR_EL2 0x%" PRIx64 ")", n->name, n->ttbr0_name,
			 a->sys[GUEST_A64_HCR_EL2]);
	else if (HAVE(GUEST_A64_HCR_EL2) &&
		 (a->sys[GUEST_A64_HCR_EL2] & HCR_VM))
		/* A KVM guest's EL1: its tables hold IPAs. */
		snprintf(rt->why, sizeof(rt->why), "EL1&0 of a guest under "
			 "stage 2 (HCR_EL2.VM): its tables hold IPAs; `monitor "
			 "nested s2 0x%" PRIx64 " 0x%" PRIx64 "` walks them "
			 "through VTTBR_EL2/VTCR_EL2", a->sys[GUEST_A64_VTTBR_EL2],
			 a->sys[GUEST_A64_VTCR_EL2]);
#undef HAVE
}

int guest__arm64_root_resolve(guest *g, char *err, size_t errlen)
{
	struct a64_vmci vm;
	char vm_err[256] = "";
	int have_vm;

	if (g->arch != GUEST_ARCH_AARCH64)
		return 0;
	/* A raw image or a dump without notes: registers all unknown. */
	for (int i = 0; i < g->ncpus; i++)
		if (!guest__arm64_cpu_at(g, i))
			return guest__fail(err, errlen, "out of memory");
	g->a64root = calloc((size_t)g->ncpus, sizeof(*g->a64root));
	if (!g->a64root)
		return guest__fail(err, errlen, "out of memory");
	have_vm = g->vmci && !from_vmcoreinfo(g, &vm, vm_err, sizeof(vm_err));
	for (int i = 0; i < g->ncpus; i++)
		resolve_cpu(g, i, have_vm ? &vm : NULL, vm_err);
	return 0;
}

void guest__arm64_root_update(guest *g, int cpu)
{
	/* A live vCPU: its registers, never VMCOREINFO (the kernel's tables
	 * are the ones TTBR1_EL1 holds). */
	memset(&g->a64root[cpu], 0, sizeof(g->a64root[cpu]));
	resolve_cpu(g, cpu, NULL, "");
}

int guest__arm64_ctx(guest *g, int cpu, pgw_ctx **ctx, char *err,
		     size_t errlen)
{
	struct pgw_arm64_regs r = PGW_ARM64_REGS_INIT;
	const struct guest_arm64_root *rt;
	char msg[256] = "";

	if (!g->a64root || cpu < 0 || cpu >= g->ncpus)
		return guest__fail(err, errlen, "no vCPU %d (the guest has %d)",
				   cpu, g->ncpus);
	if (g->ctx[cpu]) {
		*ctx = g->ctx[cpu];
		return 0;
	}
	rt = &g->a64root[cpu];
	/* Never a guess: no root, no translation. */
	if (rt->src == GUEST_ROOT_UNKNOWN)
		return guest__fail(err, errlen, "%s", rt->why);
	r.regime = rt->regime;
	r.ttbr0 = rt->ttbr0;
	r.ttbr1 = rt->ttbr1;
	r.tcr = rt->tcr;
	r.sctlr = rt->sctlr;
	r.pstate = g->a64[cpu].pstate;
	if (g->a64[cpu].valid & GUEST_ARM64_HAS_SYS(GUEST_A64_ID_AA64MMFR0))
		r.id_aa64mmfr0 = g->a64[cpu].sys[GUEST_A64_ID_AA64MMFR0];
	r.has_mair = rt->has_mair;
	r.mair = rt->mair;
	r.unknown_roots = (rt->no_ttbr0 ? PGW_ARM64_NO_TTBR0 : 0) |
			  (rt->no_ttbr1 ? PGW_ARM64_NO_TTBR1 : 0);
	if (pgw_ctx_new_arm64(&g->ctx[cpu], &r, guest_mem_ops(g), g, msg,
			      sizeof(msg)))
		return guest__fail(err, errlen, "vCPU %d: %s", cpu,
				   msg[0] ? msg : "cannot build its VMSAv8-64 "
				   "context");
	*ctx = g->ctx[cpu];
	return 0;
}

const char *guest__arm64_refusal(const guest *g, int cpu, uint64_t va)
{
	const struct guest_arm64_root *rt = &g->a64root[cpu];
	bool el2 = rt->regime != PGW_ARM64_REGIME_EL10;

	if (rt->src == GUEST_ROOT_UNKNOWN)
		return rt->why;
	/* VA bit 55 selects the half (D8.2.3), whatever TBI does. */
	if (!(va >> 55 & 1) && rt->no_ttbr0)
		return el2 ? "a user (TTBR0_EL2) address, and TTBR0_EL2 is "
			     "unknown: --reg ttbr0_el2=ROOT" :
			     "a user (TTBR0_EL1) address, and TTBR0_EL1 is "
			     "unknown: " HOW_TO_USER;
	if ((va >> 55 & 1) && rt->no_ttbr1)
		return el2 ? "a kernel (TTBR1_EL2) address, and TTBR1_EL2 is "
			     "unknown: give --vmcoreinfo FILE or --reg "
			     "ttbr1_el2=ROOT" :
			     "a kernel (TTBR1_EL1) address, and TTBR1_EL1 is "
			     "unknown: give --vmcoreinfo FILE or --reg "
			     "ttbr1_el1=ROOT";
	return NULL;
}
