/*
 * Registers by the name GDB's target description gives them (QEMU 7.2's
 * numbering: x86_64, i386, powerpc:common64, aarch64): where each one lives in a
 * vCPU, whether the source held it, and the values supplied by options
 * (--reg NAME=VALUE, --cr0/--cr3/--cr4/--efer, --mode). A register nobody
 * knows reads as 0 and says so (GUEST_REG_ZERO): the program decides
 * whether GDB sees 0 or "unavailable".
 */
#include "guest_priv.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Where a register lives in struct guest_x86_cpu / guest_ppc64_cpu. */
enum kind {
	K_NONE,            /* no home in the vCPU (x87/SSE state) */
	K_GPR, K_RIP, K_RFLAGS, K_SEG, K_FS_BASE, K_GS_BASE, K_KGS_BASE,
	K_CR0, K_CR2, K_CR3, K_CR4, K_CR8, K_EFER,
	K_PPC_GPR, K_PPC_FPR, K_PPC_PC, K_PPC_MSR, K_PPC_CR, K_PPC_LR,
	K_PPC_CTR, K_PPC_XER, K_PPC_FPSCR,
	K_A64_X, K_A64_SP, K_A64_PC, K_A64_CPSR, K_A64_V, K_A64_FPSR,
	K_A64_FPCR, K_A64_SYS,
	K_RV_X, K_RV_PC, K_RV_CSR,
};

struct reg {
	const char *name;
	unsigned char kind;
	unsigned char idx;         /* GPR, FPR or segment number */
};

#define X87 \
	{ "st0", K_NONE, 0 }, { "st1", K_NONE, 0 }, { "st2", K_NONE, 0 }, \
	{ "st3", K_NONE, 0 }, { "st4", K_NONE, 0 }, { "st5", K_NONE, 0 }, \
	{ "st6", K_NONE, 0 }, { "st7", K_NONE, 0 }, { "fctrl", K_NONE, 0 }, \
	{ "fstat", K_NONE, 0 }, { "ftag", K_NONE, 0 }, \
	{ "fiseg", K_NONE, 0 }, { "fioff", K_NONE, 0 }, \
	{ "foseg", K_NONE, 0 }, { "fooff", K_NONE, 0 }, { "fop", K_NONE, 0 }

#define XMM0_7 \
	{ "xmm0", K_NONE, 0 }, { "xmm1", K_NONE, 0 }, { "xmm2", K_NONE, 0 }, \
	{ "xmm3", K_NONE, 0 }, { "xmm4", K_NONE, 0 }, { "xmm5", K_NONE, 0 }, \
	{ "xmm6", K_NONE, 0 }, { "xmm7", K_NONE, 0 }
#define XMM8_15 \
	{ "xmm8", K_NONE, 0 }, { "xmm9", K_NONE, 0 }, { "xmm10", K_NONE, 0 }, \
	{ "xmm11", K_NONE, 0 }, { "xmm12", K_NONE, 0 }, \
	{ "xmm13", K_NONE, 0 }, { "xmm14", K_NONE, 0 }, { "xmm15", K_NONE, 0 }

#define SEGS_TO_CONTROL \
	{ "cs", K_SEG, GUEST_CS }, { "ss", K_SEG, GUEST_SS }, \
	{ "ds", K_SEG, GUEST_DS }, { "es", K_SEG, GUEST_ES }, \
	{ "fs", K_SEG, GUEST_FS }, { "gs", K_SEG, GUEST_GS }, \
	{ "fs_base", K_FS_BASE, 0 }, { "gs_base", K_GS_BASE, 0 }, \
	{ "k_gs_base", K_KGS_BASE, 0 }, { "cr0", K_CR0, 0 }, \
	{ "cr2", K_CR2, 0 }, { "cr3", K_CR3, 0 }, { "cr4", K_CR4, 0 }, \
	{ "cr8", K_CR8, 0 }, { "efer", K_EFER, 0 }

/* Index = GDB register number of gdbr_tdesc_x86_64(). */
static const struct reg x86_64_regs[] = {
	{ "rax", K_GPR, 0 }, { "rbx", K_GPR, 1 }, { "rcx", K_GPR, 2 },
	{ "rdx", K_GPR, 3 }, { "rsi", K_GPR, 4 }, { "rdi", K_GPR, 5 },
	{ "rbp", K_GPR, 6 }, { "rsp", K_GPR, 7 }, { "r8", K_GPR, 8 },
	{ "r9", K_GPR, 9 }, { "r10", K_GPR, 10 }, { "r11", K_GPR, 11 },
	{ "r12", K_GPR, 12 }, { "r13", K_GPR, 13 }, { "r14", K_GPR, 14 },
	{ "r15", K_GPR, 15 }, { "rip", K_RIP, 0 }, { "eflags", K_RFLAGS, 0 },
	SEGS_TO_CONTROL,
	X87, XMM0_7, XMM8_15,
	{ "mxcsr", K_NONE, 0 },
};

/* Index = GDB register number of gdbr_tdesc_i386() (SDM order eax ecx
 * edx ebx esp ebp esi edi; guest_x86_cpu.gpr is in GDB's x86-64 order). */
static const struct reg i386_regs[] = {
	{ "eax", K_GPR, 0 }, { "ecx", K_GPR, 2 }, { "edx", K_GPR, 3 },
	{ "ebx", K_GPR, 1 }, { "esp", K_GPR, 7 }, { "ebp", K_GPR, 6 },
	{ "esi", K_GPR, 4 }, { "edi", K_GPR, 5 }, { "eip", K_RIP, 0 },
	{ "eflags", K_RFLAGS, 0 },
	SEGS_TO_CONTROL,
	X87, XMM0_7,
	{ "mxcsr", K_NONE, 0 },
};

/* Index = GDB register number of gdbr_tdesc_ppc64(): r0-r31, f0-f31,
 * then the named ones. */
static const struct reg ppc64_regs[] = {
	{ "r0", K_PPC_GPR, 0 }, { "r1", K_PPC_GPR, 1 }, { "r2", K_PPC_GPR, 2 },
	{ "r3", K_PPC_GPR, 3 }, { "r4", K_PPC_GPR, 4 }, { "r5", K_PPC_GPR, 5 },
	{ "r6", K_PPC_GPR, 6 }, { "r7", K_PPC_GPR, 7 }, { "r8", K_PPC_GPR, 8 },
	{ "r9", K_PPC_GPR, 9 }, { "r10", K_PPC_GPR, 10 },
	{ "r11", K_PPC_GPR, 11 }, { "r12", K_PPC_GPR, 12 },
	{ "r13", K_PPC_GPR, 13 }, { "r14", K_PPC_GPR, 14 },
	{ "r15", K_PPC_GPR, 15 }, { "r16", K_PPC_GPR, 16 },
	{ "r17", K_PPC_GPR, 17 }, { "r18", K_PPC_GPR, 18 },
	{ "r19", K_PPC_GPR, 19 }, { "r20", K_PPC_GPR, 20 },
	{ "r21", K_PPC_GPR, 21 }, { "r22", K_PPC_GPR, 22 },
	{ "r23", K_PPC_GPR, 23 }, { "r24", K_PPC_GPR, 24 },
	{ "r25", K_PPC_GPR, 25 }, { "r26", K_PPC_GPR, 26 },
	{ "r27", K_PPC_GPR, 27 }, { "r28", K_PPC_GPR, 28 },
	{ "r29", K_PPC_GPR, 29 }, { "r30", K_PPC_GPR, 30 },
	{ "r31", K_PPC_GPR, 31 },
	{ "f0", K_PPC_FPR, 0 }, { "f1", K_PPC_FPR, 1 }, { "f2", K_PPC_FPR, 2 },
	{ "f3", K_PPC_FPR, 3 }, { "f4", K_PPC_FPR, 4 }, { "f5", K_PPC_FPR, 5 },
	{ "f6", K_PPC_FPR, 6 }, { "f7", K_PPC_FPR, 7 }, { "f8", K_PPC_FPR, 8 },
	{ "f9", K_PPC_FPR, 9 }, { "f10", K_PPC_FPR, 10 },
	{ "f11", K_PPC_FPR, 11 }, { "f12", K_PPC_FPR, 12 },
	{ "f13", K_PPC_FPR, 13 }, { "f14", K_PPC_FPR, 14 },
	{ "f15", K_PPC_FPR, 15 }, { "f16", K_PPC_FPR, 16 },
	{ "f17", K_PPC_FPR, 17 }, { "f18", K_PPC_FPR, 18 },
	{ "f19", K_PPC_FPR, 19 }, { "f20", K_PPC_FPR, 20 },
	{ "f21", K_PPC_FPR, 21 }, { "f22", K_PPC_FPR, 22 },
	{ "f23", K_PPC_FPR, 23 }, { "f24", K_PPC_FPR, 24 },
	{ "f25", K_PPC_FPR, 25 }, { "f26", K_PPC_FPR, 26 },
	{ "f27", K_PPC_FPR, 27 }, { "f28", K_PPC_FPR, 28 },
	{ "f29", K_PPC_FPR, 29 }, { "f30", K_PPC_FPR, 30 },
	{ "f31", K_PPC_FPR, 31 },
	{ "pc", K_PPC_PC, 0 }, { "msr", K_PPC_MSR, 0 }, { "cr", K_PPC_CR, 0 },
	{ "lr", K_PPC_LR, 0 }, { "ctr", K_PPC_CTR, 0 }, { "xer", K_PPC_XER, 0 },
	{ "fpscr", K_PPC_FPSCR, 0 },
};

#define A64_X(n) { "x" #n, K_A64_X, n }
#define A64_V(n) { "v" #n, K_A64_V, n }
#define A64_SYS(name, r) { name, K_A64_SYS, GUEST_A64_##r }

/* Index = GDB register number of gdbr_tdesc_aarch64(): QEMU 7.2's core and
 * fpu numbering (x0-x30 0-30, sp 31, pc 32, cpsr 33, v0-v31 34-65, fpsr
 * 66, fpcr 67); then the system registers under QEMU's names, which QEMU
 * numbers from 68 in its hash table's order and pgstub in this one. */
static const struct reg aarch64_regs[] = {
	A64_X(0), A64_X(1), A64_X(2), A64_X(3), A64_X(4), A64_X(5), A64_X(6),
	A64_X(7), A64_X(8), A64_X(9), A64_X(10), A64_X(11), A64_X(12),
	A64_X(13), A64_X(14), A64_X(15), A64_X(16), A64_X(17), A64_X(18),
	A64_X(19), A64_X(20), A64_X(21), A64_X(22), A64_X(23), A64_X(24),
	A64_X(25), A64_X(26), A64_X(27), A64_X(28), A64_X(29), A64_X(30),
	{ "sp", K_A64_SP, 0 }, { "pc", K_A64_PC, 0 }, { "cpsr", K_A64_CPSR, 0 },
	A64_V(0), A64_V(1), A64_V(2), A64_V(3), A64_V(4), A64_V(5), A64_V(6),
	A64_V(7), A64_V(8), A64_V(9), A64_V(10), A64_V(11), A64_V(12),
	A64_V(13), A64_V(14), A64_V(15), A64_V(16), A64_V(17), A64_V(18),
	A64_V(19), A64_V(20), A64_V(21), A64_V(22), A64_V(23), A64_V(24),
	A64_V(25), A64_V(26), A64_V(27), A64_V(28), A64_V(29), A64_V(30),
	A64_V(31),
	{ "fpsr", K_A64_FPSR, 0 }, { "fpcr", K_A64_FPCR, 0 },
	A64_SYS("SCTLR", SCTLR), A64_SYS("TTBR0_EL1", TTBR0),
	A64_SYS("TTBR1_EL1", TTBR1), A64_SYS("TCR_EL1", TCR),
	A64_SYS("MAIR_EL1", MAIR), A64_SYS("ID_AA64MMFR0_EL1", ID_AA64MMFR0),
	A64_SYS("ESR_EL1", ESR), A64_SYS("FAR_EL1", FAR),
	A64_SYS("VBAR", VBAR), A64_SYS("ELR_EL1", ELR),
	A64_SYS("SPSR_EL1", SPSR), A64_SYS("SP_EL0", SP_EL0),
	A64_SYS("SP_EL1", SP_EL1), A64_SYS("TPIDR_EL0", TPIDR_EL0),
	A64_SYS("TPIDR_EL1", TPIDR_EL1),
	A64_SYS("CONTEXTIDR_EL1", CONTEXTIDR), A64_SYS("PAR_EL1", PAR),
	A64_SYS("ID_AA64MMFR1_EL1", ID_AA64MMFR1),
	A64_SYS("ID_AA64MMFR2_EL1", ID_AA64MMFR2),
	A64_SYS("HCR_EL2", HCR_EL2), A64_SYS("SCTLR_EL2", SCTLR_EL2),
	A64_SYS("TTBR0_EL2", TTBR0_EL2), A64_SYS("TTBR1_EL2", TTBR1_EL2),
	A64_SYS("TCR_EL2", TCR_EL2), A64_SYS("MAIR_EL2", MAIR_EL2),
	A64_SYS("VTTBR_EL2", VTTBR_EL2), A64_SYS("VTCR_EL2", VTCR_EL2),
};

#define RV_X(name, n) { name, K_RV_X, n }
#define RV_CSR(name, r) { name, K_RV_CSR, GUEST_RV_##r }

/* Index = GDB register number of gdbr_tdesc_riscv64(): QEMU 7.2's core
 * numbering (x0-x31 0-31 under their ABI names, pc 32); then "priv" and
 * the CSRs under QEMU's names, which QEMU numbers after its FPU and
 * pgstub (whose snapshots hold no FPU state) right after pc. */
static const struct reg riscv64_regs[] = {
	RV_X("zero", 0), RV_X("ra", 1), RV_X("sp", 2), RV_X("gp", 3),
	RV_X("tp", 4), RV_X("t0", 5), RV_X("t1", 6), RV_X("t2", 7),
	RV_X("fp", 8), RV_X("s1", 9), RV_X("a0", 10), RV_X("a1", 11),
	RV_X("a2", 12), RV_X("a3", 13), RV_X("a4", 14), RV_X("a5", 15),
	RV_X("a6", 16), RV_X("a7", 17), RV_X("s2", 18), RV_X("s3", 19),
	RV_X("s4", 20), RV_X("s5", 21), RV_X("s6", 22), RV_X("s7", 23),
	RV_X("s8", 24), RV_X("s9", 25), RV_X("s10", 26), RV_X("s11", 27),
	RV_X("t3", 28), RV_X("t4", 29), RV_X("t5", 30), RV_X("t6", 31),
	{ "pc", K_RV_PC, 0 },
	RV_CSR("priv", PRIV), RV_CSR("sstatus", SSTATUS),
	RV_CSR("stvec", STVEC), RV_CSR("sscratch", SSCRATCH),
	RV_CSR("sepc", SEPC), RV_CSR("scause", SCAUSE), RV_CSR("stval", STVAL),
	RV_CSR("satp", SATP), RV_CSR("mstatus", MSTATUS), RV_CSR("misa", MISA),
	RV_CSR("medeleg", MEDELEG), RV_CSR("mideleg", MIDELEG),
	RV_CSR("mie", MIE), RV_CSR("mtvec", MTVEC),
	RV_CSR("mscratch", MSCRATCH), RV_CSR("mepc", MEPC),
	RV_CSR("mcause", MCAUSE), RV_CSR("mtval", MTVAL), RV_CSR("mip", MIP),
	RV_CSR("mhartid", MHARTID),
};

/* The architectural names QEMU shortens (SCTLR_EL1 is "SCTLR"), and the
 * AArch64 name of cpsr: accepted by guest_reg_id() for --reg. */
static const char *const aarch64_alias[][2] = {
	{ "sctlr_el1", "SCTLR" }, { "vbar_el1", "VBAR" }, { "pstate", "cpsr" },
};

static const struct reg *table(enum guest_arch a, int *n)
{
	switch (a) {
	case GUEST_ARCH_RISCV64:
	case GUEST_ARCH_RISCV32:
		*n = (int)(sizeof(riscv64_regs) / sizeof(*riscv64_regs));
		return riscv64_regs;
	case GUEST_ARCH_AARCH64:
		*n = (int)(sizeof(aarch64_regs) / sizeof(*aarch64_regs));
		return aarch64_regs;
	case GUEST_ARCH_I386:
		*n = (int)(sizeof(i386_regs) / sizeof(*i386_regs));
		return i386_regs;
	case GUEST_ARCH_PPC64:
		*n = (int)(sizeof(ppc64_regs) / sizeof(*ppc64_regs));
		return ppc64_regs;
	case GUEST_ARCH_X86_64:
		break;
	}
	*n = (int)(sizeof(x86_64_regs) / sizeof(*x86_64_regs));
	return x86_64_regs;
}

int guest_reg_count(const guest *g)
{
	int n;

	table(g->arch, &n);
	return n;
}

const char *guest_reg_name(const guest *g, int id)
{
	int n;
	const struct reg *t = table(g->arch, &n);

	return id >= 0 && id < n ? t[id].name : NULL;
}

const char *guest_arm64_sysreg_name(enum guest_arm64_sysreg r)
{
	for (size_t i = 0; i < sizeof(aarch64_regs) / sizeof(*aarch64_regs);
	     i++)
		if (aarch64_regs[i].kind == K_A64_SYS &&
		    aarch64_regs[i].idx == (unsigned)r)
			return aarch64_regs[i].name;
	return NULL;
}

const char *guest_riscv_csr_name(enum guest_riscv_csr r)
{
	for (size_t i = 0; i < sizeof(riscv64_regs) / sizeof(*riscv64_regs);
	     i++)
		if (riscv64_regs[i].kind == K_RV_CSR &&
		    riscv64_regs[i].idx == (unsigned)r)
			return riscv64_regs[i].name;
	return NULL;
}

/* riscv64: x0-x31 by number, s0 (fp's other ABI name), any case. */
static int riscv_alias(const struct reg *t, int n, const char *name)
{
	char *end;
	long x;

	if ((name[0] == 'x' || name[0] == 'X') && name[1] >= '0' &&
	    name[1] <= '9') {
		x = strtol(name + 1, &end, 10);
		if (!*end && x >= 0 && x < 32)
			return (int)x;
	}
	if (!strcasecmp(name, "s0"))
		return 8;
	for (int i = 0; i < n; i++)
		if (!strcasecmp(t[i].name, name))
			return i;
	return -1;
}

int guest_reg_id(const guest *g, const char *name)
{
	int n;
	const struct reg *t = table(g->arch, &n);

	for (int i = 0; name && i < n; i++)
		if (!strcmp(t[i].name, name))
			return i;
	if (name && guest_arch_is_riscv(g->arch))
		return riscv_alias(t, n, name);
	if (!name || g->arch != GUEST_ARCH_AARCH64)
		return -1;
	/* aarch64: QEMU's system register names are upper case, the
	 * architecture's manuals and most people's fingers are not. */
	for (size_t i = 0; i < sizeof(aarch64_alias) / sizeof(*aarch64_alias);
	     i++)
		if (!strcasecmp(aarch64_alias[i][0], name))
			name = aarch64_alias[i][1];
	for (int i = 0; i < n; i++)
		if (!strcasecmp(t[i].name, name))
			return i;
	return -1;
}

/* The GUEST_X86_HAS_* / GUEST_PPC64_HAS_* / GUEST_ARM64_HAS_* bit a
 * source sets for @p r. */
static uint64_t group_of(const struct reg *r)
{
	switch ((enum kind)r->kind) {
	case K_GPR: case K_RIP: case K_RFLAGS: return GUEST_X86_HAS_GPRS;
	case K_SEG: return GUEST_X86_HAS_SEGS;
	case K_FS_BASE: case K_GS_BASE: return GUEST_X86_HAS_BASES;
	case K_KGS_BASE: return GUEST_X86_HAS_KGSBASE;
	case K_CR0: case K_CR2: case K_CR3: case K_CR4: return GUEST_X86_HAS_CRS;
	case K_CR8: return GUEST_X86_HAS_CR8;
	case K_EFER: return GUEST_X86_HAS_EFER;
	case K_PPC_GPR: case K_PPC_PC: case K_PPC_MSR: case K_PPC_CR:
	case K_PPC_LR: case K_PPC_CTR: case K_PPC_XER:
		return GUEST_PPC64_HAS_GPRS;
	case K_PPC_FPR: case K_PPC_FPSCR: return GUEST_PPC64_HAS_FPU;
	case K_A64_X: case K_A64_SP: case K_A64_PC: case K_A64_CPSR:
		return GUEST_ARM64_HAS_GPRS;
	case K_A64_V: case K_A64_FPSR: case K_A64_FPCR:
		return GUEST_ARM64_HAS_FPU;
	case K_A64_SYS: return GUEST_ARM64_HAS_SYS(r->idx);
	case K_RV_X: case K_RV_PC: return GUEST_RISCV_HAS_GPRS;
	case K_RV_CSR: return GUEST_RISCV_HAS_CSR(r->idx);
	case K_NONE: break;
	}
	return 0;
}

/* The field of @p r in vCPU @p cpu, or NULL (x87/SSE: no home). */
static uint64_t *x86_field(struct guest_x86_cpu *c, const struct reg *r)
{
	switch ((enum kind)r->kind) {
	case K_GPR: return &c->gpr[r->idx];
	case K_RIP: return &c->rip;
	case K_RFLAGS: return &c->rflags;
	case K_FS_BASE: return &c->fs_base;
	case K_GS_BASE: return &c->gs_base;
	case K_KGS_BASE: return &c->kernel_gs_base;
	case K_CR0: return &c->cr0;
	case K_CR2: return &c->cr2;
	case K_CR3: return &c->cr3;
	case K_CR4: return &c->cr4;
	case K_CR8: return &c->cr8;
	case K_EFER: return &c->efer;
	default: return NULL;
	}
}

static uint64_t *ppc_field(struct guest_ppc64_cpu *c, const struct reg *r)
{
	switch ((enum kind)r->kind) {
	case K_PPC_GPR: return &c->gpr[r->idx];
	case K_PPC_FPR: return &c->fpr[r->idx];
	case K_PPC_PC: return &c->nip;
	case K_PPC_MSR: return &c->msr;
	case K_PPC_LR: return &c->lr;
	case K_PPC_CTR: return &c->ctr;
	case K_PPC_XER: return &c->xer;
	case K_PPC_FPSCR: return &c->fpscr;
	default: return NULL;
	}
}

/* The field of @p r (fpsr and fpcr are 32-bit: not here). */
static uint64_t *a64_field(struct guest_arm64_cpu *c, const struct reg *r)
{
	switch ((enum kind)r->kind) {
	case K_A64_X: return &c->x[r->idx];
	case K_A64_SP: return &c->sp;
	case K_A64_PC: return &c->pc;
	case K_A64_CPSR: return &c->pstate;
	case K_A64_V: return c->v[r->idx];
	case K_A64_SYS: return &c->sys[r->idx];
	default: return NULL;
	}
}

static uint64_t *rv_field(struct guest_riscv_cpu *c, const struct reg *r)
{
	switch ((enum kind)r->kind) {
	case K_RV_X: return &c->x[r->idx];
	case K_RV_PC: return &c->pc;
	case K_RV_CSR: return &c->csr[r->idx];
	default: return NULL;
	}
}

/* Value of @p r in vCPU @p cpu as the vCPU structure holds it; @p hi gets
 * the high half of a 128-bit register (aarch64 v0-v31), else 0. */
static uint64_t field_value(const guest *g, int cpu, const struct reg *r,
			    uint64_t *hi)
{
	const uint64_t *p;

	*hi = 0;
	if (guest_arch_is_riscv(g->arch)) {
		if (!g->rv)
			return 0;
		p = rv_field(&g->rv[cpu], r);
	} else if (g->arch == GUEST_ARCH_AARCH64) {
		if (!g->a64)
			return 0;
		if (r->kind == K_A64_FPSR)
			return g->a64[cpu].fpsr;
		if (r->kind == K_A64_FPCR)
			return g->a64[cpu].fpcr;
		if (r->kind == K_A64_V)
			*hi = g->a64[cpu].v[r->idx][1];
		p = a64_field(&g->a64[cpu], r);
	} else if (g->arch == GUEST_ARCH_PPC64) {
		if (!g->ppc)
			return 0;
		if (r->kind == K_PPC_CR)
			return g->ppc[cpu].cr;
		p = ppc_field(&g->ppc[cpu], r);
	} else {
		if (r->kind == K_SEG)
			return g->cpu[cpu].seg[r->idx].selector;
		p = x86_field(&g->cpu[cpu], r);
	}
	return p ? *p : 0;
}

/* Store @p v into every vCPU and mark its group valid, so the views that
 * read the vCPU structure (info registers, disas $pc, the walker) see it. */
static void field_store(guest *g, const struct reg *r, uint64_t v)
{
	for (int i = 0; i < g->ncpus; i++) {
		uint64_t *p;

		if (guest_arch_is_riscv(g->arch)) {
			if (!g->rv)
				return;
			/* x0 is hard-wired to zero. */
			if ((p = rv_field(&g->rv[i], r)) &&
			    !(r->kind == K_RV_X && r->idx == 0))
				*p = v;
			g->rv[i].valid |= group_of(r);
			continue;
		}
		if (g->arch == GUEST_ARCH_AARCH64) {
			if (!g->a64)
				return;
			if (r->kind == K_A64_FPSR)
				g->a64[i].fpsr = (uint32_t)v;
			else if (r->kind == K_A64_FPCR)
				g->a64[i].fpcr = (uint32_t)v;
			else if ((p = a64_field(&g->a64[i], r)))
				*p = v;
			/* v0-v31: an option gives the low half only */
			if (r->kind == K_A64_V)
				g->a64[i].v[r->idx][1] = 0;
			g->a64[i].valid |= group_of(r);
			continue;
		}
		if (g->arch == GUEST_ARCH_PPC64) {
			if (!g->ppc)
				return;
			if (r->kind == K_PPC_CR)
				g->ppc[i].cr = (uint32_t)v;
			else if ((p = ppc_field(&g->ppc[i], r)))
				*p = v;
			g->ppc[i].valid |= group_of(r);
			continue;
		}
		if (r->kind == K_SEG)
			g->cpu[i].seg[r->idx].selector = (uint32_t)v;
		else if ((p = x86_field(&g->cpu[i], r)))
			*p = v;
		g->cpu[i].valid |= group_of(r);
	}
}

int guest__regs_remember_held(guest *g, char *err, size_t errlen)
{
	g->held = calloc((size_t)g->ncpus, sizeof(*g->held));
	if (!g->held)
		return guest__fail(err, errlen, "out of memory");
	for (int i = 0; i < g->ncpus; i++)
		g->held[i] = g->arch == GUEST_ARCH_PPC64 ?
			     (g->ppc ? g->ppc[i].valid : 0) :
			     g->arch == GUEST_ARCH_AARCH64 ?
			     (g->a64 ? g->a64[i].valid : 0) :
			     guest_arch_is_riscv(g->arch) ?
			     (g->rv ? g->rv[i].valid : 0) :
			     /* A raw image holds no register at all. */
			     g->fmt == GUEST_FMT_RAW ? 0 : g->cpu[i].valid;
	return 0;
}

void guest__regs_mark(guest *g, const char *name, enum guest_reg_origin why)
{
	int id = guest_reg_id(g, name);

	if (id >= 0 && id < GUEST_REG_MAX)
		g->reg_origin[id] = (unsigned char)why;
}

int guest__regs_apply(guest *g, const struct guest_open_opts *o, char *err,
		      size_t errlen)
{
	int n;
	const struct reg *t = table(g->arch, &n);

	for (size_t i = 0; i < o->nregs; i++) {
		int id = guest_reg_id(g, o->regs[i].name);

		/* ppc64 MMU registers: not in GDB's description. */
		if (id < 0 && guest__ppc64_mmu_reg(g, o->regs[i].name,
						   o->regs[i].value))
			continue;
		if (id < 0 || id >= GUEST_REG_MAX)
			return guest__fail(err, errlen, "--reg: no register "
					   "'%s' on %s (names as GDB's target "
					   "description spells them: %s)",
					   o->regs[i].name,
					   guest_arch_name(g->arch),
					   g->arch == GUEST_ARCH_PPC64 ?
					   "r0-r31, pc, msr, cr, lr, ctr, xer…; "
					   "MMU: ptcr, patb, pidr, lpidr, lpcr" :
					   g->arch == GUEST_ARCH_AARCH64 ?
					   "x0-x30, sp, pc, cpsr, SCTLR (or "
					   "sctlr_el1), TTBR0_EL1, TTBR1_EL1, "
					   "TCR_EL1, MAIR_EL1…; any case" :
					   guest_arch_is_riscv(g->arch) ?
					   "zero, ra, sp … t6 (or x0-x31), pc, "
					   "priv, satp, sstatus, mstatus, stvec…; "
					   "any case" :
					   g->arch == GUEST_ARCH_I386 ?
					   "eax…edi, eip, eflags, cs…, cr0…cr4, efer…" :
					   "rax…r15, rip, eflags, cs…, cr0…cr4, efer…");
		g->reg_origin[id] = GUEST_REG_GIVEN;
		g->reg_value[id] = o->regs[i].value;
		field_store(g, &t[id], o->regs[i].value);
	}
	return 0;
}

enum guest_reg_origin guest_reg_read_wide(const guest *g, int cpu, int id,
					  uint64_t v[2])
{
	int n;
	const struct reg *t = table(g->arch, &n);
	uint64_t held, grp;

	v[0] = v[1] = 0;
	if (id < 0 || id >= n || cpu < 0 || cpu >= g->ncpus)
		return GUEST_REG_ZERO;
	grp = group_of(&t[id]);
	if (id < GUEST_REG_MAX && g->reg_origin[id] != GUEST_REG_READ) {
		/* Supplied by an option: the same for every vCPU. */
		v[0] = grp ? field_value(g, cpu, &t[id], &v[1])
			   : g->reg_value[id];
		return (enum guest_reg_origin)g->reg_origin[id];
	}
	/* Live guests refresh registers as they run: their valid bits are
	 * what QEMU answered. */
	held = g->held ? g->held[cpu] :
	       g->arch == GUEST_ARCH_PPC64 ? (g->ppc ? g->ppc[cpu].valid : 0) :
	       g->arch == GUEST_ARCH_AARCH64 ?
	       (g->a64 ? g->a64[cpu].valid : 0) :
	       guest_arch_is_riscv(g->arch) ?
	       (g->rv ? g->rv[cpu].valid : 0) :
	       g->cpu[cpu].valid;
	if (grp && (held & grp)) {
		v[0] = field_value(g, cpu, &t[id], &v[1]);
		return GUEST_REG_READ;
	}
	/* QEMU's notes carry no EFER: guest.c infers it from the CRs. */
	if (t[id].kind == K_EFER && (held & GUEST_X86_HAS_CRS)) {
		v[0] = g->cpu[cpu].efer;
		return GUEST_REG_INFERRED;
	}
	return GUEST_REG_ZERO;
}

enum guest_reg_origin guest_reg_read(const guest *g, int cpu, int id,
				     uint64_t *v)
{
	uint64_t w[2];
	enum guest_reg_origin o = guest_reg_read_wide(g, cpu, id, w);

	*v = w[0];
	return o;
}
