/*
 * Raw physical image: the file's bytes are guest-physical memory from
 * raw_base on, read zero-copy from the mapping; one vCPU whose control
 * registers come only from the options (guest.c applies --mode/--cr*;
 * aarch64: --reg, or --vmcoreinfo for the kernel's tables; riscv64 and
 * riscv32: --reg satp=; ppc64 radix:
 * --reg ptcr= or patb=, pidr=).
 */
#include "guest_priv.h"

#include <stdio.h>

static const struct guest_source raw_source = {
	.name = "raw",
};

int guest__raw_open(guest *g, const struct guest_open_opts *o,
		    char *err, size_t errlen)
{
	struct guest_x86_cpu *c;

	if (o->raw_arch != GUEST_ARCH_X86_64 && o->raw_arch != GUEST_ARCH_I386 &&
	    o->raw_arch != GUEST_ARCH_AARCH64 &&
	    !guest_arch_is_riscv(o->raw_arch) && o->raw_arch != GUEST_ARCH_PPC64)
		return guest__fail(err, errlen, "unsupported raw architecture "
				   "%d", (int)o->raw_arch);
	if (o->raw_base + g->size <= o->raw_base)
		return guest__fail(err, errlen, "raw image of 0x%llx bytes at "
				   "physical 0x%llx runs past the end of the "
				   "physical address space",
				   (unsigned long long)g->size,
				   (unsigned long long)o->raw_base);
	g->src = &raw_source;
	g->arch = o->raw_arch;
	if (guest__physmap_add(g, o->raw_base, g->size, g->map, 0, 0, err,
			       errlen) ||
	    guest__physmap_finish(g, "raw image", err, errlen))
		return -1;
	c = guest__cpu_at(g, 0);
	if (!c || (g->arch == GUEST_ARCH_AARCH64 && !guest__arm64_cpu_at(g, 0)) ||
	    (guest_arch_is_riscv(g->arch) && !guest__riscv_cpu_at(g, 0)) ||
	    (g->arch == GUEST_ARCH_PPC64 && !guest__ppc64_cpu_at(g, 0)))
		return guest__fail(err, errlen, "out of memory");
	/* The image holds no registers: everything is zero (real mode,
	 * paging off) until the options say otherwise; EFER is "known". */
	c->valid = GUEST_X86_HAS_EFER;
	snprintf(g->desc, sizeof(g->desc), "raw physical image (%s, 0x%llx "
		 "bytes at 0x%llx)",
		 guest_arch_name(g->arch), (unsigned long long)g->size,
		 (unsigned long long)o->raw_base);
	return 0;
}
