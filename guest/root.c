/*
 * Each x86 vCPU's paging root and mode, decided once at open: its own
 * control registers (held by the snapshot or given as options), the
 * kernel's page tables named by VMCOREINFO, or nothing — then no virtual
 * address is translated, and every view says what is missing.
 */
#include "guest_priv.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOW_TO "give --reg cr3=ROOT (or --cr3) with --mode 4level|5level|" \
	       "pae|32, or --vmcoreinfo FILE"

static void from_regs(struct guest_root *rt, const struct guest_x86_cpu *c)
{
	rt->src = GUEST_ROOT_REGS;
	rt->cr0 = c->cr0;
	rt->cr3 = c->cr3;
	rt->cr4 = c->cr4;
	rt->efer = c->efer;
}

/* A vCPU whose snapshot holds no control registers. */
static void resolve_missing(guest *g, struct guest_root *rt,
			    const struct guest_x86_cpu *c,
			    const struct guest_open_opts *o, int ctl_given)
{
	struct guest_vmci_paging p;
	char why[256] = "";

	if (!g->vmci || guest__vmcoreinfo_paging(g, &p, why, sizeof(why))) {
		rt->src = GUEST_ROOT_UNKNOWN;
		if (o->have_cr3)
			snprintf(rt->why, sizeof(rt->why), "no paging mode: "
				 "CR3 is given but the snapshot holds no "
				 "CR0/CR4/EFER%s%s; add --mode 4level|5level|"
				 "pae|32, or --vmcoreinfo FILE",
				 why[0] ? " and " : "", why);
		else
			snprintf(rt->why, sizeof(rt->why), "no paging root: the "
				 "snapshot holds no CR3 (no QEMU note with the "
				 "control registers, as in a kdump vmcore)%s%s; "
				 HOW_TO, why[0] ? " and " : " and no VMCOREINFO",
				 why);
		return;
	}
	/* The options win over VMCOREINFO, each for what it gives. */
	rt->src = o->have_cr3 ? GUEST_ROOT_REGS : GUEST_ROOT_VMCOREINFO;
	rt->cr3 = o->have_cr3 ? c->cr3 : p.cr3;
	rt->cr0 = ctl_given ? c->cr0 : p.cr0;
	rt->cr4 = ctl_given ? c->cr4 : p.cr4;
	rt->efer = ctl_given ? c->efer : p.efer;
	if (o->have_cr3)
		snprintf(rt->why, sizeof(rt->why), "CR3 0x%" PRIx64 " as "
			 "given; paging mode (%s) from VMCOREINFO", rt->cr3,
			 p.mode);
	else
		snprintf(rt->why, sizeof(rt->why), "kernel page tables from "
			 "VMCOREINFO (%s at physical 0x%" PRIx64 ", %s); user "
			 "addresses need the crashing task's CR3: --reg cr3=…",
			 p.symbol, p.cr3, p.mode);
}

int guest__root_resolve(guest *g, const struct guest_open_opts *o,
			char *err, size_t errlen)
{
	int use_mode = o->mode && (g->fmt != GUEST_FMT_RAW || o->have_cr3);
	int ctl_given = use_mode || o->have_cr0 || o->have_cr4;

	if (g->arch == GUEST_ARCH_PPC64)
		return 0;
	g->root = calloc((size_t)g->ncpus, sizeof(*g->root));
	if (!g->root)
		return guest__fail(err, errlen, "out of memory");
	for (int i = 0; i < g->ncpus; i++) {
		const struct guest_x86_cpu *c = &g->cpu[i];
		struct guest_root *rt = &g->root[i];

		/* A raw image has only the options: without them it is
		 * physical memory read as such (paging off). */
		if ((g->held[i] & GUEST_X86_HAS_CRS) || g->fmt == GUEST_FMT_RAW ||
		    (ctl_given && o->have_cr3) ||
		    (ctl_given && !(c->cr0 & PGW_CR0_PG)))
			from_regs(rt, c);
		else
			resolve_missing(g, rt, c, o, ctl_given);
	}
	return 0;
}

enum guest_root_src guest_cpu_root(const guest *g, int cpu, const char **why)
{
	const struct guest_root *rt;

	if (why)
		*why = NULL;
	if (!g->root || cpu < 0 || cpu >= g->ncpus)
		return GUEST_ROOT_REGS;
	rt = &g->root[cpu];
	if (why && rt->why[0])
		*why = rt->why;
	return rt->src;
}
