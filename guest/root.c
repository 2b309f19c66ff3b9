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
	if (g->arch == GUEST_ARCH_AARCH64)
		return guest__arm64_root_resolve(g, err, errlen);
	if (guest_arch_is_riscv(g->arch))
		return guest__riscv_root_resolve(g, err, errlen);
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
	if (g->rvroot && cpu >= 0 && cpu < g->ncpus) {
		const struct guest_riscv_root *r = &g->rvroot[cpu];

		if (why && r->why[0])
			*why = r->why;
		return r->src;
	}
	if (g->a64root && cpu >= 0 && cpu < g->ncpus) {
		const struct guest_arm64_root *a = &g->a64root[cpu];

		if (why && a->why[0])
			*why = a->why;
		return a->src;
	}
	if (!g->root || cpu < 0 || cpu >= g->ncpus)
		return GUEST_ROOT_REGS;
	rt = &g->root[cpu];
	if (why && rt->why[0])
		*why = rt->why;
	return rt->src;
}

const char *guest_cpu_refusal(const guest *g, int cpu, uint64_t va)
{
	const char *why;
	enum guest_root_src src;

	if (cpu < 0 || cpu >= g->ncpus)
		return NULL;
	if (g->a64root)
		return guest__arm64_refusal(g, cpu, va);
	if (g->rvroot)
		return guest__riscv_refusal(g, cpu, va);
	src = guest_cpu_root(g, cpu, &why);
	if (src == GUEST_ROOT_UNKNOWN)
		return why;
	/* An x86_64 kernel's own root maps no task's user space (the
	 * walker's kernel_half_only): say what would. */
	if (src == GUEST_ROOT_VMCOREINFO && g->arch == GUEST_ARCH_X86_64 &&
	    !(va >> 63))
		return "a user address, and the crashing task's CR3 is unknown "
		       "(the VMCOREINFO root maps the kernel half only): give "
		       "--reg cr3=ROOT";
	return NULL;
}

/* Nonzero, with where, when the tables put @p va elsewhere than @p pa:
 * the segment's first and middle page (not its last: a segment that is a
 * whole RAM block may end in firmware-reserved pages the kernel never
 * maps, as QEMU's e820 reserves the top of low RAM). */
static int disagrees(pgw_ctx *c, uint64_t va, uint64_t pa, uint64_t len,
		     uint64_t *at, uint64_t *got)
{
	const uint64_t off[2] = { 0, (len / 2) & ~0xfffULL };

	for (int i = 0; i < 2; i++) {
		struct pgw_result r;

		*at = va + off[i];
		*got = UINT64_MAX;
		if (pgw_translate(c, *at, 0, &r, NULL, NULL) < 0)
			return 1;
		*got = r.out_pa;
		if (r.out_pa != pa + off[i])
			return 1;
	}
	return 0;
}

void guest__root_crosscheck(guest *g)
{
	uint64_t at = 0, got = 0;
	pgw_ctx *c;
	int bad = -1;

	if (!g->nvload || !g->root || g->root[0].src == GUEST_ROOT_UNKNOWN ||
	    !(g->root[0].cr0 & PGW_CR0_PG) ||
	    guest_cpu_ctx(g, 0, &c, NULL, 0) < 0)
		return;
	for (int i = 0; i < g->nvload && bad < 0; i++)
		if (disagrees(c, g->vload[i].va, g->vload[i].pa, g->vload[i].len,
			      &at, &got))
			bad = i;
	if (bad < 0) {
		snprintf(g->notice, sizeof(g->notice), "the dump's PT_LOAD "
			 "virtual addresses agree with vCPU 0's page tables "
			 "(%d segments checked)", g->nvload);
		return;
	}
	if (got == UINT64_MAX)
		snprintf(g->notice, sizeof(g->notice), "warning: PT_LOAD %d "
			 "says 0x%" PRIx64 " is at physical 0x%" PRIx64 ", but "
			 "vCPU 0's page tables (root 0x%" PRIx64 ") do not map "
			 "it: the paging root may be wrong", g->vload[bad].phdr,
			 at, g->vload[bad].pa + (at - g->vload[bad].va),
			 g->root[0].cr3);
	else
		snprintf(g->notice, sizeof(g->notice), "warning: PT_LOAD %d "
			 "says 0x%" PRIx64 " is at physical 0x%" PRIx64 ", but "
			 "vCPU 0's page tables (root 0x%" PRIx64 ") map it to "
			 "0x%" PRIx64 ": the paging root may be wrong",
			 g->vload[bad].phdr, at,
			 g->vload[bad].pa + (at - g->vload[bad].va),
			 g->root[0].cr3, got);
}

const char *guest_notice(const guest *g)
{
	return g->notice[0] ? g->notice : NULL;
}
