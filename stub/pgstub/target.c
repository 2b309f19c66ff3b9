/*
 * gdbr_target_ops over a guest snapshot: registers from the vCPU state by
 * register name, virtual memory through the vCPU's walker context, the
 * memory map from memory_map.c. Snapshots are read-only.
 */
#include "limits_cli.h"
#include "session.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum reg_field {
	RF_NONE = 0, RF_GPR0, RF_RIP = RF_GPR0 + 16, RF_RFLAGS,
	RF_SEG0, RF_FS_BASE = RF_SEG0 + GUEST_NSEG, RF_GS_BASE, RF_KGS_BASE,
	RF_CR0, RF_CR2, RF_CR3, RF_CR4, RF_CR8, RF_EFER,
	/* ppc64 */
	RF_PPC_GPR0, RF_PPC_PC = RF_PPC_GPR0 + 32, RF_PPC_MSR, RF_PPC_CR,
	RF_PPC_LR, RF_PPC_CTR, RF_PPC_XER,
};

static const struct { const char *name; int field; } reg_names[] = {
	{ "rax", RF_GPR0 + 0 }, { "rbx", RF_GPR0 + 1 }, { "rcx", RF_GPR0 + 2 },
	{ "rdx", RF_GPR0 + 3 }, { "rsi", RF_GPR0 + 4 }, { "rdi", RF_GPR0 + 5 },
	{ "rbp", RF_GPR0 + 6 }, { "rsp", RF_GPR0 + 7 }, { "r8", RF_GPR0 + 8 },
	{ "r9", RF_GPR0 + 9 }, { "r10", RF_GPR0 + 10 }, { "r11", RF_GPR0 + 11 },
	{ "r12", RF_GPR0 + 12 }, { "r13", RF_GPR0 + 13 },
	{ "r14", RF_GPR0 + 14 }, { "r15", RF_GPR0 + 15 },
	{ "eax", RF_GPR0 + 0 }, { "ebx", RF_GPR0 + 1 }, { "ecx", RF_GPR0 + 2 },
	{ "edx", RF_GPR0 + 3 }, { "esi", RF_GPR0 + 4 }, { "edi", RF_GPR0 + 5 },
	{ "ebp", RF_GPR0 + 6 }, { "esp", RF_GPR0 + 7 },
	{ "rip", RF_RIP }, { "eip", RF_RIP }, { "eflags", RF_RFLAGS },
	{ "es", RF_SEG0 + GUEST_ES }, { "cs", RF_SEG0 + GUEST_CS },
	{ "ss", RF_SEG0 + GUEST_SS }, { "ds", RF_SEG0 + GUEST_DS },
	{ "fs", RF_SEG0 + GUEST_FS }, { "gs", RF_SEG0 + GUEST_GS },
	{ "fs_base", RF_FS_BASE }, { "gs_base", RF_GS_BASE },
	{ "k_gs_base", RF_KGS_BASE },
	{ "cr0", RF_CR0 }, { "cr2", RF_CR2 }, { "cr3", RF_CR3 },
	{ "cr4", RF_CR4 }, { "cr8", RF_CR8 }, { "efer", RF_EFER },
};

/* ppc64: r0-r31 by number, then the named ones (FPRs: not in snapshots). */
static const struct { const char *name; int field; } ppc_reg_names[] = {
	{ "pc", RF_PPC_PC }, { "msr", RF_PPC_MSR }, { "cr", RF_PPC_CR },
	{ "lr", RF_PPC_LR }, { "ctr", RF_PPC_CTR }, { "xer", RF_PPC_XER },
};

static int ppc_field(const char *n)
{
	char *end;
	long v;

	if (n[0] == 'r' && n[1] >= '0' && n[1] <= '9') {
		v = strtol(n + 1, &end, 10);
		if (!*end && v >= 0 && v < 32)
			return RF_PPC_GPR0 + (int)v;
	}
	for (size_t i = 0; i < sizeof(ppc_reg_names) / sizeof(*ppc_reg_names); i++)
		if (!strcmp(n, ppc_reg_names[i].name))
			return ppc_reg_names[i].field;
	return RF_NONE;
}

int session_init(struct session *s, guest *g)
{
	int ppc = guest_arch(g) == GUEST_ARCH_PPC64;

	memset(s, 0, sizeof(*s));
	s->g = g;
	s->tdesc = ppc ? gdbr_tdesc_ppc64() :
		   guest_arch(g) == GUEST_ARCH_I386 ? gdbr_tdesc_i386() :
						      gdbr_tdesc_x86_64();
	for (int r = 0; r < gdbr_tdesc_nregs(s->tdesc) && r < 128; r++) {
		const char *n = gdbr_tdesc_reg_name(s->tdesc, r);

		if (n && ppc) {
			s->reg_field[r] = ppc_field(n);
			continue;
		}
		for (size_t i = 0; n && i < sizeof(reg_names) / sizeof(*reg_names); i++)
			if (!strcmp(n, reg_names[i].name))
				s->reg_field[r] = reg_names[i].field;
	}
	return 0;
}

void session_fini(struct session *s)
{
	int n = guest_ncpus(s->g);

	/* Detach before freeing: the vCPU contexts belong to the guest. */
	for (int i = 0; s->nested && i < n; i++) {
		pgw_ctx *c;

		if (guest_cpu_ctx(s->g, i, &c, NULL, 0) == 0)
			pgw_ctx_set_nested(c, NULL);
	}
	pgw_ctx_free(s->nested);
	s->nested = NULL;
	free(s->map);
	s->map = NULL;
	s->map_n = 0;
}

pgw_ctx *session_ctx(struct session *s, gdbr_out *out)
{
	char err[256];
	pgw_ctx *c;

	if (guest_cpu_ctx(s->g, s->cpu, &c, err, sizeof(err)) < 0) {
		if (out)
			gdbr_out_printf(out, "vCPU %d: %s\n", s->cpu, err);
		return NULL;
	}
	/* Bound every range walk of the views (self-aliasing tables). */
	pgw_ctx_set_walk_budget(c, s->walk_budget);
	return c;
}

int session_read(struct session *s, uint64_t addr, void *buf, size_t len,
		 int physical)
{
	unsigned char *p = buf;
	size_t done = 0;
	pgw_ctx *c = NULL;

	if (!physical && !(c = session_ctx(s, NULL)))
		return -1;
	while (done < len) {
		uint64_t va = addr + done, pa = va;
		size_t chunk = len - done, got;

		if (!physical) {
			struct pgw_result r;
			uint64_t room;

			/* Debugger's view: translate, never check access. */
			if (pgw_translate(c, va, 0, &r, NULL, NULL) < 0)
				break;
			pa = r.out_pa;
			room = r.out_page_size - (pa & (r.out_page_size - 1));
			if (room > 4096 - (va & 4095))
				room = 4096 - (va & 4095);
			if (chunk > room)
				chunk = room;
		}
		got = guest_phys_read(s->g, pa, p + done, chunk);
		done += got;
		if (got < chunk)
			break;
	}
	return done ? (int)done : -1;
}

/*
 * ppc64 registers go out in the vCPU's byte order, as QEMU's gdbstub sends
 * them: little-endian when MSR[LE] is set (ppc64el kernels), else big.
 */
static int read_ppc64_register(struct session *s, int tid, int f, void *buf,
			       size_t size)
{
	const struct guest_ppc64_cpu *c = guest_ppc64_cpu(s->g, tid - 1);
	unsigned char *out = buf;
	uint64_t v;

	if (!c)
		return -1;
	if (!(c->valid & GUEST_PPC64_HAS_GPRS))
		return 0;
	if (f >= RF_PPC_GPR0 && f < RF_PPC_GPR0 + 32) {
		v = c->gpr[f - RF_PPC_GPR0];
	} else {
		switch (f) {
		case RF_PPC_PC: v = c->nip; break;
		case RF_PPC_MSR: v = c->msr; break;
		case RF_PPC_CR: v = c->cr; break;
		case RF_PPC_LR: v = c->lr; break;
		case RF_PPC_CTR: v = c->ctr; break;
		case RF_PPC_XER: v = c->xer; break;
		default: return 0;  /* FPRs, FPSCR: not in snapshots */
		}
	}
	if (size > 8)
		return -1;
	for (size_t i = 0; i < size; i++) {
		size_t shift = (c->msr & 1) ? i : size - 1 - i;

		out[i] = (unsigned char)(v >> (8 * shift));
	}
	return (int)size;
}

static int read_register(int tid, int regno, void *buf, size_t size,
			 void *payload)
{
	struct session *s = payload;
	const struct guest_x86_cpu *c = guest_x86_cpu(s->g, tid - 1);
	int f = regno >= 0 && regno < 128 ? s->reg_field[regno] : RF_NONE;
	unsigned need;
	uint64_t v;

	if (guest_arch(s->g) == GUEST_ARCH_PPC64)
		return read_ppc64_register(s, tid, f, buf, size);
	if (!c)
		return -1;
	if (f >= RF_GPR0 && f < RF_GPR0 + 16) {
		need = GUEST_X86_HAS_GPRS;
		v = c->gpr[f - RF_GPR0];
	} else if (f >= RF_SEG0 && f < RF_SEG0 + GUEST_NSEG) {
		need = GUEST_X86_HAS_SEGS;
		v = c->seg[f - RF_SEG0].selector;
	} else {
		switch (f) {
		case RF_RIP: need = GUEST_X86_HAS_GPRS; v = c->rip; break;
		case RF_RFLAGS: need = GUEST_X86_HAS_GPRS; v = c->rflags; break;
		case RF_FS_BASE: need = GUEST_X86_HAS_BASES; v = c->fs_base; break;
		case RF_GS_BASE: need = GUEST_X86_HAS_BASES; v = c->gs_base; break;
		case RF_KGS_BASE: need = GUEST_X86_HAS_KGSBASE; v = c->kernel_gs_base; break;
		case RF_CR0: need = GUEST_X86_HAS_CRS; v = c->cr0; break;
		case RF_CR2: need = GUEST_X86_HAS_CRS; v = c->cr2; break;
		case RF_CR3: need = GUEST_X86_HAS_CRS; v = c->cr3; break;
		case RF_CR4: need = GUEST_X86_HAS_CRS; v = c->cr4; break;
		case RF_CR8: need = GUEST_X86_HAS_CR8; v = c->cr8; break;
		/* EFER is always known: read, inferred or given. */
		case RF_EFER: need = 0; v = c->efer; break;
		default: return 0;  /* FPU/SSE state: not in snapshots */
		}
	}
	if ((c->valid & need) != need)
		return 0;
	/* Registers go out in the target's (little-endian) byte order. */
	for (size_t i = 0; i < size; i++)
		((unsigned char *)buf)[i] = i < 8 ? (unsigned char)(v >> (8 * i)) : 0;
	return (int)size;
}

static int read_memory(uint64_t addr, void *buf, size_t len, unsigned flags,
		       void *payload)
{
	pgstub_log_begin();  /* GDB's setup is over (serve_log.c) */
	return session_read(payload, addr, buf, len, flags & GDBR_MEM_PHYS);
}

static int thread_count(void *payload)
{
	struct session *s = payload;

	return guest_ncpus(s->g);
}

static int select_thread(int tid, void *payload)
{
	struct session *s = payload;

	if (tid < 1 || tid > guest_ncpus(s->g))
		return -1;
	s->cpu = tid - 1;  /* GDB's thread selects the monitor's vCPU too */
	return 0;
}

static int monitor(const char *cmd, gdbr_out *out, void *payload)
{
	return monitor_run(payload, cmd, out);
}

const struct gdbr_target_ops session_target_ops = {
	.read_register = read_register,
	.read_memory = read_memory,
	.thread_count = thread_count,
	.select_thread = select_thread,
	.monitor = monitor,
	.memory_map = session_memory_map,
};
