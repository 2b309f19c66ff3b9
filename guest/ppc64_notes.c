/*
 * ppc64 vCPU registers from the "CORE" NT_PRSTATUS notes QEMU's
 * dump-guest-memory writes per vCPU, in the dump's byte order (pseries
 * dumps of a little-endian Linux are big-endian: QEMU follows LPCR[ILE]).
 * The notes hold no MMU registers: those come from --reg (ppc64_radix.c).
 */
#include "guest_priv.h"

#include <stdlib.h>
#include <string.h>

#define NT_PRSTATUS_TYPE 1

/*
 * struct elf_prstatus of 64-bit Linux: the generic header (siginfo,
 * signals, pids, four timevals) puts pr_reg at 112; ppc64's pr_reg is
 * struct pt_regs as u64s: gpr[32], nip, msr, orig_gpr3, ctr, link, xer,
 * ccr, … (arch/powerpc/include/uapi/asm/ptrace.h order).
 */
#define PRS_REGS   112
#define PRS_NREGS  39    /* through ccr: what pgstub reads */

uint64_t guest__e64(const guest *g, const uint8_t *p)
{
	return g->big_endian ? guest__be64(p) : guest__le64(p);
}

uint32_t guest__e32(const guest *g, const uint8_t *p)
{
	return g->big_endian ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
			       (uint32_t)p[2] << 8 | p[3] : guest__le32(p);
}

/* Other notes QEMU writes per ppc64 vCPU (Linux's elf.h). */
#define NT_PPC_VMX 0x100
#define NT_PPC_VSX 0x102
#define PRS_SIZE   504   /* PRS_REGS + 44 pt_regs words + pr_fpvalid */

int guest__ppc64_notes_sniff(const guest *g, const uint8_t *p, size_t len)
{
	int be = g->big_endian;

	return guest__core_note_size(p, len, be, NT_PRSTATUS_TYPE) == PRS_SIZE ||
	       guest__core_note_size(p, len, be, NT_PPC_VMX) >= 0 ||
	       guest__core_note_size(p, len, be, NT_PPC_VSX) >= 0;
}

struct guest_ppc64_cpu *guest__ppc64_cpu_at(guest *g, int i)
{
	/* Made with g->ncpus entries, grown by guest__cpu_at since. */
	if (!guest__cpu_at(g, i) ||
	    (!g->ppc && !(g->ppc = calloc((size_t)g->ncpus, sizeof(*g->ppc)))))
		return NULL;
	return &g->ppc[i];
}

int guest__ppc64_note(guest *g, uint32_t type, const uint8_t *desc,
		      uint32_t descsz, uint64_t off, const char *where,
		      char *err, size_t errlen)
{
	struct guest_ppc64_cpu *c;
	const uint8_t *r = desc + PRS_REGS;

	if (type != NT_PRSTATUS_TYPE)
		return 0;
	if (descsz < PRS_REGS + 8 * PRS_NREGS)
		return guest__fail(err, errlen, "ppc64 NT_PRSTATUS at %s 0x%llx "
				   "has %u bytes, fewer than the %d its "
				   "registers need", where,
				   (unsigned long long)off, descsz,
				   PRS_REGS + 8 * PRS_NREGS);
	c = guest__ppc64_cpu_at(g, g->nprstatus++);
	if (!c)
		return guest__fail(err, errlen, "out of memory");
	for (int i = 0; i < 32; i++)
		c->gpr[i] = guest__e64(g, r + 8 * i);
	c->nip = guest__e64(g, r + 8 * 32);
	c->msr = guest__e64(g, r + 8 * 33);
	c->ctr = guest__e64(g, r + 8 * 35);
	c->lr = guest__e64(g, r + 8 * 36);
	c->xer = guest__e64(g, r + 8 * 37);
	c->cr = (uint32_t)guest__e64(g, r + 8 * 38);
	c->valid |= GUEST_PPC64_HAS_GPRS;
	return 0;
}
