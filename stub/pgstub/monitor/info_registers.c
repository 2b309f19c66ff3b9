/*
 * `info registers` in QEMU 7.2's exact layout, from what a snapshot holds:
 * the x86 formatter (GPR block, flags letters, decoded segment caches,
 * descriptor tables, control registers, EFER) and the ppc64 formatter
 * (ppc_cpu_dump_state's lines the migration stream holds).
 */
#include "info_registers.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/*
 * Segment cache flags as QEMU keeps them: the descriptor's high dword
 * (SDM 3A 3.4.5, "Segment Descriptors"); bits 0-7 and 24-31 are base bits
 * that QEMU masks off when it prints the flags.
 */
#define SEG_FLAGS_SHOWN 0x00ffff00u
#define SEG_TYPE(f)     (((f) >> 8) & 0xfu)
#define SEG_A           (1u << 8)    /* accessed */
#define SEG_RW          (1u << 9)    /* code: readable; data: writable */
#define SEG_CE          (1u << 10)   /* code: conforming; data: expand-down */
#define SEG_CODE        (1u << 11)
#define SEG_S           (1u << 12)   /* code/data, not system */
#define SEG_DPL(f)      (((f) >> 13) & 3u)
#define SEG_P           (1u << 15)
#define SEG_L           (1u << 21)
#define SEG_B           (1u << 22)

/* EFLAGS bits QEMU shows as letters, in its order D O S Z A P C. */
static const struct { uint32_t bit; char letter; } flag_letters[] = {
	{ 1u << 10, 'D' }, { 1u << 11, 'O' }, { 1u << 7, 'S' },
	{ 1u << 6, 'Z' }, { 1u << 4, 'A' }, { 1u << 2, 'P' }, { 1u << 0, 'C' },
};

/*
 * System descriptor type names (SDM 3A table 3-2) as QEMU spells them,
 * legacy and IA-32e mode.
 */
static const char *const sys_type_legacy[16] = {
	"Reserved", "TSS16-avl", "LDT", "TSS16-busy",
	"CallGate16", "TaskGate", "IntGate16", "TrapGate16",
	"Reserved", "TSS32-avl", "Reserved", "TSS32-busy",
	"CallGate32", "Reserved", "IntGate32", "TrapGate32",
};
static const char *const sys_type_ia32e[16] = {
	"<hiword>", "Reserved", "LDT", "Reserved",
	"Reserved", "Reserved", "Reserved", "Reserved",
	"Reserved", "TSS64-avl", "Reserved", "TSS64-busy",
	"CallGate64", "Reserved", "IntGate64", "TrapGate64",
};

#define EFER_LMA (1ull << 10)

/* A line being built, written out by emit(). */
struct line {
	char buf[512];
	size_t len;
	regs_write_fn write;
	void *payload;
};

static void add(struct line *l, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= sizeof(l->buf))
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n;
	if (l->len > sizeof(l->buf) - 1)
		l->len = sizeof(l->buf) - 1;
}

static int emit(struct line *l)
{
	int rc = 0;

	if (l->len)
		rc = l->write(l->buf, l->len, l->payload);
	l->len = 0;
	return rc;
}

/* What decides QEMU's layout: its hflags, derived from the registers. */
struct mode {
	int lma;      /* HF_LMA: EFER.LMA */
	int cs64;     /* HF_CS64: LMA and CS.L */
	int pe;       /* HF_PE: CR0.PE */
};

static struct mode mode_of(const struct guest_x86_cpu *r)
{
	struct mode m;

	m.lma = (r->efer & EFER_LMA) != 0;
	/* Without the descriptor caches, a long-mode vCPU is taken as 64-bit. */
	m.cs64 = m.lma && (!(r->valid & GUEST_X86_HAS_SEGDESC) ||
			   (r->seg[GUEST_CS].flags & SEG_L));
	m.pe = (r->valid & GUEST_X86_HAS_CRS) && (r->cr0 & 1);
	return m;
}

static void gprs(struct line *l, const struct guest_x86_cpu *r,
		 const struct mode *m)
{
	/* QEMU's order is GDB's (the order of guest_x86_cpu.gpr). */
	static const char *const n64[16] = {
		"RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "RSP",
		"R8 ", "R9 ", "R10", "R11", "R12", "R13", "R14", "R15",
	};
	static const char *const n32[8] = {
		"EAX", "EBX", "ECX", "EDX", "ESI", "EDI", "EBP", "ESP",
	};
	int n = m->cs64 ? 16 : 8;

	for (int i = 0; i < n; i++) {
		if (m->cs64)
			add(l, "%s=%016" PRIx64, n64[i], r->gpr[i]);
		else
			add(l, "%s=%08" PRIx32, n32[i], (uint32_t)r->gpr[i]);
		add(l, (i & 3) == 3 ? "\n" : " ");
	}
}

static void ip_line(struct line *l, const struct guest_x86_cpu *r,
		    const struct mode *m)
{
	uint32_t fl = (uint32_t)r->rflags;

	if (m->cs64)
		add(l, "RIP=%016" PRIx64 " RFL=%08" PRIx32 " [", r->rip, fl);
	else
		add(l, "EIP=%08" PRIx32 " EFL=%08" PRIx32 " [",
		    (uint32_t)r->rip, fl);
	for (size_t i = 0; i < sizeof(flag_letters) / sizeof(*flag_letters); i++)
		add(l, "%c", (fl & flag_letters[i].bit) ? flag_letters[i].letter
							: '-');
	add(l, "]");
	/*
	 * QEMU's CPL is hflags' copy of SS.DPL (it is updated on every SS
	 * load, 3 in virtual-8086 mode, 0 in real mode).  II, A20, SMM and
	 * HLT are not in any snapshot: left out.
	 */
	if (r->valid & GUEST_X86_HAS_SEGDESC)
		add(l, " CPL=%u", SEG_DPL(r->seg[GUEST_SS].flags));
	add(l, "\n");
}

static void seg_line(struct line *l, const char *name,
		     const struct guest_x86_seg *sc, const struct mode *m,
		     int have_desc)
{
	uint32_t f = sc->flags;

	if (m->cs64)
		add(l, "%-3s=%04" PRIx32 " %016" PRIx64, name,
		    sc->selector, sc->base);
	else
		add(l, "%-3s=%04" PRIx32 " %08" PRIx32, name,
		    sc->selector, (uint32_t)sc->base);
	if (!have_desc) {
		/* Selector and base only: no limit/flags to show. */
		add(l, "\n");
		return;
	}
	add(l, " %08" PRIx32 " %08" PRIx32, sc->limit, f & SEG_FLAGS_SHOWN);
	if (!m->pe || !(f & SEG_P)) {
		add(l, "\n");
		return;
	}
	add(l, " DPL=%u ", SEG_DPL(f));
	if (f & SEG_S) {
		if (f & SEG_CODE) {
			add(l, "%s [%c%c", (f & SEG_L) ? "CS64" :
			    (f & SEG_B) ? "CS32" : "CS16",
			    (f & SEG_CE) ? 'C' : '-', (f & SEG_RW) ? 'R' : '-');
		} else {
			add(l, "%s [%c%c", (f & SEG_B) || m->lma ? "DS  " : "DS16",
			    (f & SEG_CE) ? 'E' : '-', (f & SEG_RW) ? 'W' : '-');
		}
		add(l, "%c]", (f & SEG_A) ? 'A' : '-');
	} else {
		add(l, "%s", (m->lma ? sys_type_ia32e : sys_type_legacy)
				     [SEG_TYPE(f)]);
	}
	add(l, "\n");
}

static void table_line(struct line *l, const char *name,
		       const struct guest_x86_seg *t, const struct mode *m)
{
	if (m->lma)
		add(l, "%s=     %016" PRIx64 " %08" PRIx32 "\n", name, t->base,
		    t->limit);
	else
		add(l, "%s=     %08" PRIx32 " %08" PRIx32 "\n", name,
		    (uint32_t)t->base, t->limit);
}

int regs_dump_x86(const struct guest_x86_cpu *r, regs_write_fn write,
		  void *payload)
{
	static const char *const seg_names[GUEST_NSEG] = {
		"ES", "CS", "SS", "DS", "FS", "GS",
	};
	struct line l = { .len = 0, .write = write, .payload = payload };
	struct mode m = mode_of(r);
	int desc = (r->valid & GUEST_X86_HAS_SEGDESC) != 0;
	int rc;

	if (r->valid & GUEST_X86_HAS_GPRS) {
		gprs(&l, r, &m);
		ip_line(&l, r, &m);
		if ((rc = emit(&l)))
			return rc;
	}
	if (r->valid & (GUEST_X86_HAS_SEGS | GUEST_X86_HAS_SEGDESC)) {
		for (int i = 0; i < GUEST_NSEG; i++) {
			seg_line(&l, seg_names[i], &r->seg[i], &m, desc);
			if ((rc = emit(&l)))
				return rc;
		}
	}
	if (desc) {
		seg_line(&l, "LDT", &r->ldt, &m, 1);
		seg_line(&l, "TR", &r->tr, &m, 1);
		table_line(&l, "GDT", &r->gdt, &m);
		table_line(&l, "IDT", &r->idt, &m);
		if ((rc = emit(&l)))
			return rc;
	}
	if (r->valid & GUEST_X86_HAS_CRS) {
		if (m.lma)
			add(&l, "CR0=%08" PRIx32 " CR2=%016" PRIx64
			    " CR3=%016" PRIx64 " CR4=%08" PRIx32 "\n",
			    (uint32_t)r->cr0, r->cr2, r->cr3, (uint32_t)r->cr4);
		else
			add(&l, "CR0=%08" PRIx32 " CR2=%08" PRIx32
			    " CR3=%08" PRIx32 " CR4=%08" PRIx32 "\n",
			    (uint32_t)r->cr0, (uint32_t)r->cr2,
			    (uint32_t)r->cr3, (uint32_t)r->cr4);
	}
	/* DR0-DR7: no snapshot holds them.  EFER only when read. */
	if (r->valid & GUEST_X86_HAS_EFER)
		add(&l, "EFER=%016" PRIx64 "\n", r->efer);
	return emit(&l);
}

static int say(regs_write_fn write, void *payload, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int say(regs_write_fn write, void *payload, const char *fmt, ...)
{
	char buf[128];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	return write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1,
		     payload);
}

/* SPR numbers (Power ISA) of the SPRs QEMU's dump shows. */
enum { SPR_DSISR = 18, SPR_DAR = 19, SPR_SRR0 = 26, SPR_SRR1 = 27,
       SPR_VRSAVE = 256, SPR_SPRG0 = 272, SPR_SPRG4 = 276, SPR_PVR = 287,
       SPR_HSRR0 = 314, SPR_HSRR1 = 315, SPR_HID0 = 1008 };

/* Four 64-bit registers a line, headed "<name>NN" as QEMU does. */
static int ppc_block(struct line *l, const char *name, const uint64_t *v)
{
	for (int i = 0; i < 32; i++) {
		if (!(i & 3))
			add(l, "%s%02d", name, i);
		add(l, " %016" PRIx64, v[i]);
		if ((i & 3) == 3) {
			add(l, "\n");
			if (emit(l))
				return -1;
		}
	}
	return 0;
}

/*
 * ppc64 vCPU in QEMU 7.2's ppc_cpu_dump_state layout (Book3S 64-bit,
 * hash MMU, the CPUs pgstub serves). Held only: a line whose fields are
 * all outside the snapshot is left out (TB/DECR, CFAR: QEMU keeps the
 * timebase and env->cfar outside the migrated CPU state); a line that
 * ends with such fields is cut before the first of them (MSR/HID0 loses
 * " HF … iidx … didx …": hflags and the MMU indexes are recomputed, never
 * migrated; CR loses " RES …" when the reservation is not held). FPRs and
 * FPSCR only when the stream has the cpu/fpu subsection. The SDR1/DAR/
 * DSISR line is QEMU's for ISA 2.06/2.07 MMUs; POWER9 and later (PTCR
 * line) get none.
 */
static int regs_dump_ppc64(const struct guest_ppc64_cpu *r, int cpu,
			   regs_write_fn write, void *payload)
{
	struct line l = { .write = write, .payload = payload };
	const uint64_t *spr = r->spr;
	unsigned pvr_ver = (unsigned)(r->pvr >> 16) & 0xffffu;

	if (!(r->valid & GUEST_PPC64_HAS_GPRS))
		return 0;
	add(&l, "NIP %016" PRIx64 "   LR %016" PRIx64 " CTR %016" PRIx64
	    " XER %016" PRIx64 " CPU#%d\n", r->nip, r->lr, r->ctr, r->xer,
	    cpu);
	add(&l, "MSR %016" PRIx64, r->msr);
	if (r->valid & GUEST_PPC64_HAS_SPRS)
		add(&l, " HID0 %016" PRIx64, spr[SPR_HID0]);
	add(&l, "\n");
	if (emit(&l) || ppc_block(&l, "GPR", r->gpr))
		return -1;
	add(&l, "CR %08" PRIx32 "  [", r->cr);
	for (int i = 0; i < 8; i++) {
		unsigned f = (r->cr >> (4 * (7 - i))) & 0xfu;

		add(&l, " %c%c", f & 8 ? 'L' : f & 4 ? 'G' : f & 2 ? 'E' : '-',
		    f & 1 ? 'O' : ' ');
	}
	add(&l, " ]");
	if (r->valid & GUEST_PPC64_HAS_RES)
		add(&l, "             RES %016" PRIx64, r->reserve);
	add(&l, "\n");
	if (emit(&l))
		return -1;
	if (r->valid & GUEST_PPC64_HAS_FPU) {
		if (ppc_block(&l, "FPR", r->fpr))
			return -1;
		add(&l, "FPSCR %016" PRIx64 "\n", r->fpscr);
		if (emit(&l))
			return -1;
	}
	if (!(r->valid & GUEST_PPC64_HAS_SPRS))
		return emit(&l);
	add(&l, " SRR0 %016" PRIx64 "  SRR1 %016" PRIx64 "    PVR %016"
	    PRIx64 " VRSAVE %016" PRIx64 "\n", spr[SPR_SRR0], spr[SPR_SRR1],
	    r->pvr, spr[SPR_VRSAVE]);
	for (int k = SPR_SPRG0; k <= SPR_SPRG4; k += 4)
		add(&l, "SPRG%d %016" PRIx64 " SPRG%d %016" PRIx64 "  SPRG%d %016"
		    PRIx64 "  SPRG%d %016" PRIx64 "\n", k - SPR_SPRG0, spr[k],
		    k - SPR_SPRG0 + 1, spr[k + 1], k - SPR_SPRG0 + 2,
		    spr[k + 2], k - SPR_SPRG0 + 3, spr[k + 3]);
	if (emit(&l))
		return -1;
	add(&l, "HSRR0 %016" PRIx64 " HSRR1 %016" PRIx64 "\n",
	    spr[SPR_HSRR0], spr[SPR_HSRR1]);
	add(&l, " LPCR %016" PRIx64 "\n", r->lpcr);
	if (pvr_ver != 0x004e && pvr_ver != 0x004f && pvr_ver != 0x0080)
		add(&l, " SDR1 %016" PRIx64 "   DAR %016" PRIx64 "  DSISR %016"
		    PRIx64 "\n", r->sdr1, spr[SPR_DAR], spr[SPR_DSISR]);
	return emit(&l);
}

/*
 * After QEMU's layout, what it cannot say: the values options supplied
 * (--reg, --cr*, --mode) and, when the source held no PC, the registers
 * GDB reads as 0 because nothing knows them (runs shown as first..last).
 * A snapshot that holds its registers gets no extra line, so the output
 * stays QEMU's. One line per origin.
 */
static int origin_line(guest *g, int cpu, enum guest_reg_origin want,
		       const char *head, regs_write_fn write, void *payload)
{
	struct line l = { .write = write, .payload = payload };
	int n = guest_reg_count(g), any = 0;
	uint64_t v;

	add(&l, "%s", head);
	for (int id = 0; id < n; id++) {
		int last = id;

		if (guest_reg_read(g, cpu, id, &v) != want)
			continue;
		any = 1;
		if (want != GUEST_REG_ZERO) {
			add(&l, " %s=0x%" PRIx64, guest_reg_name(g, id), v);
			continue;
		}
		while (last + 1 < n &&
		       guest_reg_read(g, cpu, last + 1, &v) == want)
			last++;
		add(&l, " %s", guest_reg_name(g, id));
		if (last > id)
			add(&l, "%s%s", last > id + 1 ? ".." : " ",
			    guest_reg_name(g, last));
		id = last;
	}
	add(&l, "\n");
	return any ? emit(&l) : 0;
}

static int origins(guest *g, int cpu, regs_write_fn write, void *payload)
{
	int pc = guest_reg_id(g, guest_arch(g) == GUEST_ARCH_PPC64 ||
			      guest_arch(g) == GUEST_ARCH_AARCH64 ||
			      guest_arch_is_riscv(guest_arch(g)) ? "pc" :
			      guest_arch(g) == GUEST_ARCH_I386 ? "eip" : "rip");
	int supplied = 0;
	const char *why;
	uint64_t v;

	for (int id = 0; id < guest_reg_count(g); id++) {
		enum guest_reg_origin o = guest_reg_read(g, cpu, id, &v);

		supplied |= o == GUEST_REG_GIVEN || o == GUEST_REG_MODE;
	}
	/* How this vCPU translates, when its registers do not say. */
	if (guest_cpu_root(g, cpu, &why), why &&
	    (say(write, payload, "pgstub: paging: ") ||
	     write(why, strlen(why), payload) || write("\n", 1, payload)))
		return -1;
	if (!supplied && !why &&
	    guest_reg_read(g, cpu, pc, &v) != GUEST_REG_ZERO)
		return 0;
	if (origin_line(g, cpu, GUEST_REG_GIVEN, "pgstub: given (--reg, "
			"--cr0/--cr3/--cr4/--efer), not read:", write, payload) ||
	    origin_line(g, cpu, GUEST_REG_MODE, "pgstub: set by --mode, not "
			"read:", write, payload) ||
	    origin_line(g, cpu, GUEST_REG_ZERO, guest_arch(g) ==
			GUEST_ARCH_AARCH64 || guest_arch_is_riscv(guest_arch(g))
			? "pgstub: not in the snapshot, "
			"unavailable in GDB:" : "pgstub: not in the snapshot, "
			"0 for GDB:", write, payload))
		return -1;
	return 0;
}

/* One vCPU, headed like QEMU 7.2's HMP ("\nCPU#%d\n" before each dump). */
static int dump_cpu(guest *g, int cpu, regs_write_fn write, void *payload)
{
	const struct guest_x86_cpu *r = guest_x86_cpu(g, cpu);
	const struct guest_ppc64_cpu *p = guest_ppc64_cpu(g, cpu);
	struct guest_x86_cpu lm;
	int rc;

	/* A vmcore holds NT_PRSTATUS but no control registers: an x86_64
	 * guest's registers are still 64-bit, so use the long-mode layout
	 * rather than cut them to 32 bits. */
	if (r && guest_arch(g) == GUEST_ARCH_X86_64 &&
	    !(r->valid & (GUEST_X86_HAS_CRS | GUEST_X86_HAS_EFER))) {
		lm = *r;
		lm.efer |= EFER_LMA;
		r = &lm;
	}
	if (!r && !p)
		return say(write, payload, "CPU#%d: no registers\n", cpu) ? -1 : 1;
	if ((rc = say(write, payload, "\nCPU#%d\n", cpu)))
		return rc;
	rc = p ? regs_dump_ppc64(p, cpu, write, payload) :
	     guest_arch_is_riscv(guest_arch(g)) ?
		 regs_dump_riscv(g, cpu, write, payload) :
	     guest_arch(g) == GUEST_ARCH_AARCH64 ?
		 regs_dump_arm64(g, cpu, write, payload) :
		 regs_dump_x86(r, write, payload);
	return rc ? rc : origins(g, cpu, write, payload);
}

int regs_info_registers(guest *g, int cpu, int argc, char **argv,
			regs_write_fn write, void *payload)
{
	int all = 0, rc = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-a")) {
			all = 1;
		} else {
			say(write, payload, "info registers: unknown option "
			    "'%.40s' (usage: info registers [-a])\n", argv[i]);
			return 1;
		}
	}
	if (!all)
		return dump_cpu(g, cpu, write, payload) ? 1 : 0;
	for (int i = 0; i < guest_ncpus(g) && !rc; i++)
		rc = dump_cpu(g, i, write, payload);
	return rc ? 1 : 0;
}
