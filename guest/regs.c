/*
 * Registers by the name GDB's target description gives them (QEMU 7.2's
 * numbering: x86_64, i386, powerpc:common64): where each one lives in a
 * vCPU, whether the source held it, and the values supplied by options
 * (--reg NAME=VALUE, --cr0/--cr3/--cr4/--efer, --mode). A register nobody
 * knows reads as 0, so GDB always gets a defined PC and attaches.
 */
#include "guest_priv.h"

#include <stdlib.h>
#include <string.h>

/* Where a register lives in struct guest_x86_cpu / guest_ppc64_cpu. */
enum kind {
	K_NONE,            /* no home in the vCPU (x87/SSE state) */
	K_GPR, K_RIP, K_RFLAGS, K_SEG, K_FS_BASE, K_GS_BASE, K_KGS_BASE,
	K_CR0, K_CR2, K_CR3, K_CR4, K_CR8, K_EFER,
	K_PPC_GPR, K_PPC_FPR, K_PPC_PC, K_PPC_MSR, K_PPC_CR, K_PPC_LR,
	K_PPC_CTR, K_PPC_XER, K_PPC_FPSCR,
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

static const struct reg *table(enum guest_arch a, int *n)
{
	switch (a) {
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

int guest_reg_id(const guest *g, const char *name)
{
	int n;
	const struct reg *t = table(g->arch, &n);

	for (int i = 0; name && i < n; i++)
		if (!strcmp(t[i].name, name))
			return i;
	return -1;
}

/* The GUEST_X86_HAS_* / GUEST_PPC64_HAS_* bit a source sets for @k. */
static unsigned group_of(enum kind k)
{
	switch (k) {
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

/* Value of @p r in vCPU @p cpu as the vCPU structure holds it. */
static uint64_t field_value(const guest *g, int cpu, const struct reg *r)
{
	const uint64_t *p;

	if (g->arch == GUEST_ARCH_PPC64) {
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

		if (g->arch == GUEST_ARCH_PPC64) {
			if (!g->ppc)
				return;
			if (r->kind == K_PPC_CR)
				g->ppc[i].cr = (uint32_t)v;
			else if ((p = ppc_field(&g->ppc[i], r)))
				*p = v;
			g->ppc[i].valid |= group_of(r->kind);
			continue;
		}
		if (r->kind == K_SEG)
			g->cpu[i].seg[r->idx].selector = (uint32_t)v;
		else if ((p = x86_field(&g->cpu[i], r)))
			*p = v;
		g->cpu[i].valid |= group_of(r->kind);
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

		if (id < 0 || id >= GUEST_REG_MAX)
			return guest__fail(err, errlen, "--reg: no register "
					   "'%s' on %s (names as GDB's target "
					   "description spells them: %s)",
					   o->regs[i].name,
					   g->arch == GUEST_ARCH_PPC64 ? "ppc64" :
					   g->arch == GUEST_ARCH_I386 ? "i386" :
					   "x86_64",
					   g->arch == GUEST_ARCH_PPC64 ?
					   "r0-r31, pc, msr, cr, lr, ctr, xer…" :
					   g->arch == GUEST_ARCH_I386 ?
					   "eax…edi, eip, eflags, cs…, cr0…cr4, efer…" :
					   "rax…r15, rip, eflags, cs…, cr0…cr4, efer…");
		g->reg_origin[id] = GUEST_REG_GIVEN;
		g->reg_value[id] = o->regs[i].value;
		field_store(g, &t[id], o->regs[i].value);
	}
	return 0;
}

enum guest_reg_origin guest_reg_read(const guest *g, int cpu, int id,
				     uint64_t *v)
{
	int n;
	const struct reg *t = table(g->arch, &n);
	unsigned held, grp;

	*v = 0;
	if (id < 0 || id >= n || cpu < 0 || cpu >= g->ncpus)
		return GUEST_REG_ZERO;
	grp = group_of(t[id].kind);
	if (id < GUEST_REG_MAX && g->reg_origin[id] != GUEST_REG_READ) {
		/* Supplied by an option: the same for every vCPU. */
		*v = grp ? field_value(g, cpu, &t[id]) : g->reg_value[id];
		return (enum guest_reg_origin)g->reg_origin[id];
	}
	/* Live guests refresh registers as they run: their valid bits are
	 * what QEMU answered. */
	held = g->held ? g->held[cpu] :
	       g->arch == GUEST_ARCH_PPC64 ? (g->ppc ? g->ppc[cpu].valid : 0) :
	       g->cpu[cpu].valid;
	if (grp && (held & grp)) {
		*v = field_value(g, cpu, &t[id]);
		return GUEST_REG_READ;
	}
	/* QEMU's notes carry no EFER: guest.c infers it from the CRs. */
	if (t[id].kind == K_EFER && (held & GUEST_X86_HAS_CRS)) {
		*v = g->cpu[cpu].efer;
		return GUEST_REG_INFERRED;
	}
	return GUEST_REG_ZERO;
}
