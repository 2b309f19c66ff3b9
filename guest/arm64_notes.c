/*
 * aarch64 vCPU registers from the "CORE" notes QEMU's dump-guest-memory
 * writes per vCPU (ELF and kdump alike): NT_PRSTATUS with the general
 * registers and NT_PRFPREG with the SIMD&FP state, in Linux's layouts.
 */
#include "guest_priv.h"

#include <stdlib.h>
#include <string.h>

#define NT_PRSTATUS_TYPE 1
#define NT_PRFPREG_TYPE  2

/*
 * Linux's arm64 struct elf_prstatus is 392 bytes: the generic header
 * (siginfo, signals, pids, four timevals) puts pr_reg at 112; pr_reg is
 * struct user_pt_regs, 34 u64s: x0-x30, sp, pc, pstate; then pr_fpvalid.
 * Measured on QEMU 7.2: the same 392 bytes, pr_pid = vCPU index + 1.
 */
#define PRS_SIZE   392
#define PRS_REGS   112

/*
 * struct user_fpsimd_state: 32 128-bit vregs (little-endian: low half
 * first), u32 fpsr, u32 fpcr, two reserved u32s = 528 bytes.
 */
#define FPS_SIZE   528
#define FPS_FPSR   512
#define FPS_FPCR   516

struct guest_arm64_cpu *guest__arm64_cpu_at(guest *g, int i)
{
	/* Made with g->ncpus entries, grown by guest__cpu_at since. */
	if (!guest__cpu_at(g, i) ||
	    (!g->a64 && !(g->a64 = calloc((size_t)g->ncpus, sizeof(*g->a64)))))
		return NULL;
	return &g->a64[i];
}

static void prstatus(struct guest_arm64_cpu *c, const uint8_t *d)
{
	const uint8_t *r = d + PRS_REGS;

	for (int i = 0; i < 31; i++)
		c->x[i] = guest__le64(r + 8 * i);
	c->sp = guest__le64(r + 8 * 31);
	c->pc = guest__le64(r + 8 * 32);
	c->pstate = guest__le64(r + 8 * 33);
	c->valid |= GUEST_ARM64_HAS_GPRS;
}

static void fpsimd(struct guest_arm64_cpu *c, const uint8_t *d)
{
	for (int i = 0; i < 32; i++) {
		c->v[i][0] = guest__le64(d + 16 * i);
		c->v[i][1] = guest__le64(d + 16 * i + 8);
	}
	c->fpsr = guest__le32(d + FPS_FPSR);
	c->fpcr = guest__le32(d + FPS_FPCR);
	c->valid |= GUEST_ARM64_HAS_FPU;
}

int guest__arm64_note(guest *g, uint32_t type, const uint8_t *desc,
		      size_t descsz, uint64_t off, const char *where,
		      char *err, size_t errlen)
{
	static const size_t want[3] = { 0, PRS_SIZE, FPS_SIZE };
	struct guest_arm64_cpu *c;

	if (type != NT_PRSTATUS_TYPE && type != NT_PRFPREG_TYPE)
		return 0;
	if (descsz != want[type])
		return guest__fail(err, errlen, "aarch64 %s note at %s 0x%llx "
				   "is %zu bytes (Linux's arm64 layout has "
				   "%zu)", type == NT_PRSTATUS_TYPE ?
				   "NT_PRSTATUS" : "NT_PRFPREG", where,
				   (unsigned long long)off, descsz, want[type]);
	c = guest__arm64_cpu_at(g, type == NT_PRSTATUS_TYPE ?
				g->nprstatus++ : g->nfpreg++);
	if (!c)
		return guest__fail(err, errlen, "out of memory (or more than "
				   "4096 vCPUs)");
	if (type == NT_PRSTATUS_TYPE)
		prstatus(c, desc);
	else
		fpsimd(c, desc);
	return 0;
}

int guest__arm64_notes_sniff(const uint8_t *p, size_t len)
{
	return guest__core_note_size(p, len, 0, NT_PRSTATUS_TYPE) == PRS_SIZE;
}

const struct guest_arm64_cpu *guest_arm64_cpu(const guest *g, int cpu)
{
	if (!g->a64 || cpu < 0 || cpu >= g->ncpus)
		return NULL;
	return &g->a64[cpu];
}
