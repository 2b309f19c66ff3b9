/*
 * RISC-V hart registers from the "CORE" notes QEMU's dump-guest-memory
 * writes per hart (ELF and kdump alike): NT_PRSTATUS in Linux's riscv64 or
 * riscv32 layout, which holds pc and x1-x31 only. QEMU 7.2 writes no note with a CSR, so
 * satp, sstatus and the privilege come from options or a found root
 * (riscv_root.c).
 */
#include "guest_priv.h"

#include <stdlib.h>
#include <string.h>

#define NT_PRSTATUS_TYPE 1

/*
 * Linux's riscv64 struct elf_prstatus is 376 bytes: the generic header
 * (siginfo, signals, pids, four timevals) puts pr_reg at 112; pr_reg is
 * struct user_regs_struct, 32 u64s: pc, then x1 (ra) … x31 (t6); then
 * pr_fpvalid and padding. riscv32's has 32-bit longs: pr_reg at 72, 32
 * u32s, pr_fpvalid, 204 bytes. Measured on QEMU 7.2: 376 and 204 bytes
 * per hart.
 */
static const struct prstatus {
	size_t size, regs, word;
} prs64 = { 376, 112, 8 }, prs32 = { 204, 72, 4 };

struct guest_riscv_cpu *guest__riscv_cpu_at(guest *g, int i)
{
	/* Made with g->ncpus entries, grown by guest__cpu_at since. */
	if (!guest__cpu_at(g, i) ||
	    (!g->rv && !(g->rv = calloc((size_t)g->ncpus, sizeof(*g->rv)))))
		return NULL;
	return &g->rv[i];
}

int guest__riscv_note(guest *g, uint32_t type, const uint8_t *desc,
		      size_t descsz, uint64_t off, const char *where,
		      char *err, size_t errlen)
{
	const struct prstatus *l =
		g->arch == GUEST_ARCH_RISCV32 ? &prs32 : &prs64;
	struct guest_riscv_cpu *c;
	const uint8_t *r = desc + l->regs;

	if (type != NT_PRSTATUS_TYPE)
		return 0;
	if (descsz != l->size)
		return guest__fail(err, errlen, "%s NT_PRSTATUS note at %s "
				   "0x%llx is %zu bytes (Linux's %s layout has "
				   "%zu)", guest_arch_name(g->arch), where,
				   (unsigned long long)off, descsz,
				   guest_arch_name(g->arch), l->size);
	c = guest__riscv_cpu_at(g, g->nprstatus++);
	if (!c)
		return guest__fail(err, errlen, "out of memory (or more than "
				   "4096 harts)");
	c->pc = l->word == 8 ? guest__le64(r) : guest__le32(r);
	c->x[0] = 0;
	for (int i = 1; i < 32; i++)
		c->x[i] = l->word == 8 ? guest__le64(r + 8 * i)
				       : guest__le32(r + 4 * i);
	c->valid |= GUEST_RISCV_HAS_GPRS;
	return 0;
}

int guest__riscv_notes_sniff(const uint8_t *p, size_t len)
{
	size_t n = guest__core_note_size(p, len, 0, NT_PRSTATUS_TYPE);

	return n == prs64.size ? 64 : n == prs32.size ? 32 : 0;
}

const struct guest_riscv_cpu *guest_riscv_cpu(const guest *g, int cpu)
{
	if (!g->rv || cpu < 0 || cpu >= g->ncpus)
		return NULL;
	return &g->rv[cpu];
}
