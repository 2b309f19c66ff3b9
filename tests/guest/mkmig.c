/*
 * Builder of synthetic QEMU migration streams (see mkmig.h): the section
 * framing of migration/savevm.c, RAM records of migration/ram.c, spapr/htab
 * chunks, vmstate fields and subsections, and the trailing JSON.
 */
#include "mkmig.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct mkmig_marks mkmig_last_marks;

static int grow(struct mkmig_buf *b, size_t n)
{
	if (b->n + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *p;

		while (cap < b->n + n)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p)
			return -1;
		b->p = p;
		b->cap = cap;
	}
	return 0;
}

static void put(struct mkmig_buf *b, const void *p, size_t n)
{
	if (grow(b, n) == 0) {
		memcpy(b->p + b->n, p, n);
		b->n += n;
	}
}

static void u8(struct mkmig_buf *b, unsigned v)
{
	uint8_t c = (uint8_t)v;

	put(b, &c, 1);
}

static void be(struct mkmig_buf *b, uint64_t v, int bytes)
{
	for (int i = bytes - 1; i >= 0; i--)
		u8(b, (unsigned)(v >> (8 * i)) & 0xff);
}

static void name8(struct mkmig_buf *b, const char *s)
{
	u8(b, (unsigned)strlen(s));
	put(b, s, strlen(s));
}

static void zeros(struct mkmig_buf *b, size_t n)
{
	if (grow(b, n) == 0) {
		memset(b->p + b->n, 0, n);
		b->n += n;
	}
}

static void sec_full(struct mkmig_buf *b, int type, uint32_t id,
		     const char *name, uint32_t inst, uint32_t ver)
{
	u8(b, (unsigned)type);
	be(b, id, 4);
	if (type == 1 || type == 4) {
		name8(b, name);
		be(b, inst, 4);
		be(b, ver, 4);
	}
}

static void footer(struct mkmig_buf *b, uint32_t id)
{
	u8(b, 0x7e);
	be(b, id, 4);
}

/* RAM_SAVE_FLAG_* */
enum { ZERO = 0x02, MEM_SIZE = 0x04, PAGE = 0x08, EOS = 0x10, CONT = 0x20,
       XBZRLE = 0x40 };

static void page(struct mkmig_buf *b, const char *blk, uint64_t off,
		 const char *text)
{
	be(b, off | PAGE | (blk ? 0 : CONT), 8);
	if (blk)
		name8(b, blk);
	if (grow(b, 4096) == 0) {
		memset(b->p + b->n, 0, 4096);
		snprintf((char *)b->p + b->n, 4096, "%s", text);
		b->n += 4096;
	}
}

static void zpage(struct mkmig_buf *b, uint64_t off)
{
	be(b, off | ZERO | CONT, 8);
	u8(b, 0);
}

/* A growing JSON text. */
struct js {
	char *s;
	size_t n, cap;
};

static void jp(struct js *j, const char *fmt, ...)
{
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (k < 0)
		return;
	if (j->n + (size_t)k + 1 > j->cap) {
		size_t cap = j->cap ? j->cap * 2 : 1024;
		char *p;

		while (cap < j->n + (size_t)k + 1)
			cap *= 2;
		p = realloc(j->s, cap);
		if (!p)
			return;
		j->s = p;
		j->cap = cap;
	}
	va_start(ap, fmt);
	vsnprintf(j->s + j->n, (size_t)k + 1, fmt, ap);
	va_end(ap);
	j->n += (size_t)k;
}

static void jfield(struct js *j, int first, const char *name, const char *type,
		   int size, int n)
{
	jp(j, "%s{\"name\": \"%s\"", first ? "" : ", ", name);
	if (n > 1)
		jp(j, ", \"array_len\": %d", n);
	jp(j, ", \"type\": \"%s\", \"size\": %d}", type, size);
}

/* ppc64 vmstate_ppc_cpu fields and the cpu/slb subsection. */
static void ppc_cpu(struct mkmig_buf *b, struct js *j, int cpu,
		    const struct mkmig_opts *o)
{
	const char *slbname = o->bad_subsection ? "cpu/slc" : "cpu/slb";

	zeros(b, 8);                                   /* unused */
	for (int i = 0; i < 32; i++)
		be(b, 0x1000u * (unsigned)cpu + (unsigned)i, 8);   /* env.gpr */
	for (int i = 0; i < 8; i++)
		be(b, (unsigned)i + 1, 4);                 /* env.crf */
	be(b, 0xc000000000001230ULL + (unsigned)cpu, 8); /* env.nip */
	for (int i = 0; i < 1024; i++) {              /* env.spr */
		uint64_t v = 0;

		switch (i) {
		case 1: v = 0x20000000; break;            /* XER: CA */
		case 8: v = 0xc000000000004560ULL; break; /* LR */
		case 9: v = 0x789; break;                 /* CTR */
		case 29: v = 0x3000000000000000ULL; break; /* AMR */
		case 287: v = 0x004d0200; break;          /* PVR: POWER8 */
		case 318: v = 0x381f008 | (o->radix ? 1u << 20 : 0);
			break;                            /* LPCR (HR) */
		case 48: v = o->radix ? (uint64_t)cpu + 1 : 0;
			break;                            /* PIDR */
		}
		be(b, v, 8);
	}
	be(b, 0, 8);                                   /* env.spe_acc */
	be(b, 0, 8);                                   /* env.reserve_addr */
	be(b, 0x8000000000001033ULL, 8);               /* env.msr: SF IR DR RI LE */
	be(b, 0, 8);                                   /* hflags_compat_nmsr */
	u8(b, 5);
	name8(b, slbname);
	be(b, 1, 4);
	for (int i = 0; i < 64; i++) {                /* env.slb */
		be(b, i == 0 ? 0xc000000008000000ULL : 0, 8);
		be(b, i == 0 ? (uint64_t)MKMIG_VSID << 12 : 0, 8);
	}
	jp(j, "{\"name\": \"cpu\", \"instance_id\": %d, \"vmsd_name\": \"cpu\", "
	   "\"version\": 5, \"fields\": [", cpu);
	jfield(j, 1, "unused", "unused_buffer", 8, 1);
	jfield(j, 0, "env.gpr", "uint64", 8, 32);
	jfield(j, 0, "env.crf", "uint32", 4, 8);
	jfield(j, 0, "env.nip", "uint64", o->json_wrong_size ? 4 : 8, 1);
	jfield(j, 0, "env.spr", "uint64", 8, 1024);
	jfield(j, 0, "env.spe_acc", "uint64", 8, 1);
	jfield(j, 0, "env.reserve_addr", "uint64", 8, 1);
	jfield(j, 0, "env.msr", "uint64", 8, 1);
	jfield(j, 0, "env.hflags_compat_nmsr", "uint64", 8, 1);
	jp(j, "], \"subsections\": [{\"vmsd_name\": \"cpu/slb\", \"version\": 1, "
	   "\"fields\": [");
	jfield(j, 1, "env.slb", "slbe", 16, 64);
	jp(j, "]}]}");
}

static void jseg(struct js *j, const char *name, int n)
{
	jp(j, ", {\"name\": \"%s\"", name);
	if (n > 1)
		jp(j, ", \"array_len\": %d", n);
	jp(j, ", \"type\": \"struct\", \"struct\": {\"vmsd_name\": \"segment\", "
	   "\"version\": 1, \"fields\": [");
	jfield(j, 1, "selector", "uint32", 4, 1);
	jfield(j, 0, "base", "uint64", 8, 1);
	jfield(j, 0, "limit", "uint32", 4, 1);
	jfield(j, 0, "flags", "uint32", 4, 1);
	jp(j, "]}, \"size\": 20}");
}

static void seg(struct mkmig_buf *b, uint32_t sel, uint64_t base)
{
	be(b, sel, 4);
	be(b, base, 8);
	be(b, 0xfffff, 4);
	be(b, 0xa09b00, 4);
}

/* x86_64 vmstate_x86_cpu, the fields pgstub reads, in QEMU's order. */
static void x86_cpu(struct mkmig_buf *b, struct js *j, int cpu,
		    const struct mkmig_opts *o)
{
	for (int i = 0; i < 16; i++)           /* env.regs, QEMU order */
		be(b, 0x100u * (unsigned)cpu + (unsigned)i, 8);
	be(b, 0xffffffff81000000ULL + (unsigned)cpu, o->json_wrong_size ? 4 : 8);
	be(b, 0x246, 8);                      /* env.eflags */
	be(b, 3, 4);                          /* env.hflags */
	for (int i = 0; i < 6; i++)           /* env.segs */
		seg(b, 0x10u + 8u * (unsigned)i, i == 5 ? 0xffff888000000000ULL : 0);
	seg(b, 0, 0);                         /* ldt */
	seg(b, 0x40, 0xfffffe0000003000ULL);  /* tr */
	seg(b, 0, 0xfffffe0000001000ULL);     /* gdt */
	seg(b, 0, 0xfffffe0000000000ULL);     /* idt */
	be(b, 0x80050033, 8);                 /* env.cr[0] */
	be(b, 0x7f0000001000ULL, 8);          /* env.cr[2] */
	be(b, 0x1000, 8);                     /* env.cr[3] */
	be(b, 0x3006f0, 8);                   /* env.cr[4] */
	be(b, 0xd01, 8);                      /* env.efer */
	be(b, 0xffff888000001000ULL, 8);      /* env.kernelgsbase */
	jp(j, "{\"name\": \"cpu\", \"instance_id\": %d, \"vmsd_name\": \"cpu\", "
	   "\"version\": 12, \"fields\": [", cpu);
	jfield(j, 1, "env.regs", "uint64", 8, 16);
	jfield(j, 0, "env.eip", "uint64", 8, 1);
	jfield(j, 0, "env.eflags", "uint64", 8, 1);
	jfield(j, 0, "env.hflags", "uint32", 4, 1);
	jseg(j, "env.segs", 6);
	jseg(j, "env.ldt", 1);
	jseg(j, "env.tr", 1);
	jseg(j, "env.gdt", 1);
	jseg(j, "env.idt", 1);
	jfield(j, 0, "env.cr[0]", "uint64", 8, 1);
	jfield(j, 0, "env.cr[2]", "uint64", 8, 1);
	jfield(j, 0, "env.cr[3]", "uint64", 8, 1);
	jfield(j, 0, "env.cr[4]", "uint64", 8, 1);
	jfield(j, 0, "env.efer", "uint64", 8, 1);
	jfield(j, 0, "env.kernelgsbase", "uint64", 8, 1);
	jp(j, "]}");
}

/* A page of 64-bit little-endian descriptors: @p n (index, value) pairs. */
static void table_page(struct mkmig_buf *b, const char *blk, uint64_t off,
		       const uint64_t (*e)[2], int n)
{
	be(b, off | PAGE | (blk ? 0 : CONT), 8);
	if (blk)
		name8(b, blk);
	if (grow(b, 4096) == 0) {
		memset(b->p + b->n, 0, 4096);
		for (int i = 0; i < n; i++)
			for (int k = 0; k < 8; k++)
				b->p[b->n + 8 * e[i][0] + (uint64_t)k] =
					(uint8_t)(e[i][1] >> (8 * k));
		b->n += 4096;
	}
}

/* A page of big-endian doublewords (radix tables): (index, value) pairs. */
static void table_page_be(struct mkmig_buf *b, uint64_t off,
			  const uint64_t (*e)[2], int n)
{
	be(b, off | PAGE | CONT, 8);
	if (grow(b, 4096) == 0) {
		memset(b->p + b->n, 0, 4096);
		for (int i = 0; i < n; i++)
			for (int k = 0; k < 8; k++)
				b->p[b->n + 8 * e[i][0] + (uint64_t)k] =
					(uint8_t)(e[i][1] >> (56 - 8 * k));
		b->n += 4096;
	}
}

/* Power ISA 3.0B radix: PRTE dw0 RTS = 21 (52-bit EA: RTS1 2, RTS2 5),
 * RPDS 13; PDE V | NLB | NLS 9; PTE V | L | R | C | EAA (privileged 8,
 * read 4, write 2, execute 1). */
#define RX_PRTE(root) (2ULL << 61 | (root) | 5u << 5 | 13u)
#define RX_PDE(next)  (1ULL << 63 | (next) | 9u)
#define RX_PTE(pa, eaa) (3ULL << 62 | (pa) | 0x180u | (eaa))

/* The radix tables of the pseries radix stream (RAM offset = real). */
static void radix_tables(struct mkmig_buf *b)
{
	const uint64_t prt[][2] = { { 0, RX_PRTE(0x90000) }, /* PID 0 */
				    { 2, RX_PRTE(0xa0000) } }; /* PID 1 */
	const uint64_t kl1[][2] = { { 0, RX_PDE(0xb0000) } };
	const uint64_t kl2[][2] = { { 0, RX_PDE(0xb1000) } };
	const uint64_t kl3[][2] = { { 0, RX_PDE(0xb2000) } };
	const uint64_t kl4[][2] = { { 0, RX_PTE(MKMIG_RX_PA, 0xf) } };
	const uint64_t ul1[][2] = { { 0, RX_PDE(0xb3000) } };
	const uint64_t ul2[][2] = { { 0, RX_PDE(0xb4000) } };
	const uint64_t ul3[][2] = { { 0, RX_PDE(0xb5000) } };
	/* EA 0x10000: L4[0x10]. */
	const uint64_t ul4[][2] = { { 0x10, RX_PTE(MKMIG_RX_PA, 0x6) } };

	table_page_be(b, MKMIG_RX_PRTB, prt, 2);
	table_page_be(b, 0x90000, kl1, 1);
	table_page_be(b, 0xa0000, ul1, 1);
	table_page_be(b, 0xb0000, kl2, 1);
	table_page_be(b, 0xb1000, kl3, 1);
	table_page_be(b, 0xb2000, kl4, 1);
	table_page_be(b, 0xb3000, ul2, 1);
	table_page_be(b, 0xb4000, ul3, 1);
	table_page_be(b, 0xb5000, ul4, 1);
	page(b, NULL, MKMIG_RX_PA, MKMIG_RX_TEXT);
}

/* VMSAv8-64 descriptors: table/page 0b11, block 0b01, AF bit 10, AP[1]
 * (EL0 access) bit 6. */
#define A64_TABLE 0x3ULL
#define A64_PAGE  (0x3ULL | 1ULL << 10 | 1ULL << 6)
#define A64_BLOCK (0x1ULL | 1ULL << 10)

/* The page tables of the aarch64 stream (RAMBlock offsets = PA - 1 GiB). */
static void arm64_tables(struct mkmig_buf *b)
{
	const uint64_t base = MKMIG_A64_RAM_BASE;
	const uint64_t t0l1[][2] = { { 0, (base + 0x11000) | A64_TABLE } };
	const uint64_t t0l2[][2] = { { 0, (base + 0x12000) | A64_TABLE } };
	/* VA 0x10000: L1[0] L2[0] L3[0x10] -> page. */
	const uint64_t t0l3[][2] = { { 0x10, MKMIG_A64_PA | A64_PAGE } };
	const uint64_t t1l1[][2] = { { 0, (base + 0x14000) | A64_TABLE } };
	/* VA 0xffffff8000000000: L1[0] L2[0] -> 2M block at 1 GiB. */
	const uint64_t t1l2[][2] = { { 0, base | A64_BLOCK } };

	table_page(b, NULL, 0x10000, t0l1, 1);
	table_page(b, NULL, 0x11000, t0l2, 1);
	table_page(b, NULL, 0x12000, t0l3, 1);
	table_page(b, NULL, 0x13000, t1l1, 1);
	table_page(b, NULL, 0x14000, t1l2, 1);
	page(b, NULL, MKMIG_A64_PA - base, MKMIG_A64_TEXT);
}

/* KVM register ids of AArch64 system registers (op0, op1, CRn, CRm, op2),
 * as QEMU lists them in the cpreg arrays. */
#define KVM_SYSREG(op0, op1, crn, crm, op2) \
	(0x6030000000130000ULL | (op0) << 14 | (op1) << 11 | (crn) << 7 | \
	 (crm) << 3 | (op2))

/* HCR_EL2 of the EL2 streams: RW, TGE and (VHE) E2H. */
#define A64_HCR_RW  (1ULL << 31)
#define A64_HCR_TGE (1ULL << 27)
#define A64_HCR_E2H (1ULL << 34)
/* The _EL1 tables of an EL2 stream: zeroed RAM, nothing mapped. */
#define A64_EL1_ELSEWHERE 0x80000ULL

/* vmstate_arm_cpu (version 22): every field, in QEMU's order. */
static void arm_cpu(struct mkmig_buf *b, struct js *j, int cpu,
		    const struct mkmig_opts *o)
{
	const uint64_t el1_off = o->a64_el2 ? A64_EL1_ELSEWHERE : 0;
	/* Sorted by id, as QEMU keeps them; one AArch32 view first; the
	 * _EL2 ones (op1 4) after the _EL1 ones of the same CRn. */
	uint64_t cp[][2] = {
		{ 0x40200000000f6800ULL, 0x1234 },
		{ KVM_SYSREG(3, 0, 0, 7, 0), MKMIG_A64_MMFR0 },
		{ KVM_SYSREG(3, 0, 0, 7, 1), 0x11010211122ULL },
		{ KVM_SYSREG(3, 0, 0, 7, 2), 0x1021011010011011ULL },
		{ KVM_SYSREG(3, 0, 1, 0, 0), MKMIG_A64_SCTLR &
		  (o->a64_mmu_off ? ~1ULL : ~0ULL) },
		{ KVM_SYSREG(3, 0, 2, 0, 0), MKMIG_A64_TTBR0 + el1_off },
		{ KVM_SYSREG(3, 0, 2, 0, 1), MKMIG_A64_TTBR1 + el1_off },
		{ KVM_SYSREG(3, 0, 2, 0, 2), MKMIG_A64_TCR },
		{ KVM_SYSREG(3, 0, 5, 2, 0), 0x56000000 },
		{ KVM_SYSREG(3, 0, 6, 0, 0), 0x57f1bc },
		{ KVM_SYSREG(3, 0, 10, 2, 0), 0x40044ffffULL },
		{ KVM_SYSREG(3, 0, 12, 0, 0), 0xffffff8000000800ULL },
		{ KVM_SYSREG(3, 0, 13, 0, 1), 0x70u + (unsigned)cpu },
		{ KVM_SYSREG(3, 0, 13, 0, 4), 0xffffff80000f0000ULL },
		{ KVM_SYSREG(3, 3, 13, 0, 2), 0x20ab1740 },
		/* EL2's, kept only by an EL2 stream (n below). */
		{ KVM_SYSREG(3, 4, 1, 0, 0), MKMIG_A64_SCTLR },
		{ KVM_SYSREG(3, 4, 1, 1, 0), A64_HCR_RW | A64_HCR_TGE |
		  (o->a64_el2 == 1 ? A64_HCR_E2H : 0) },
		{ KVM_SYSREG(3, 4, 2, 0, 0), MKMIG_A64_TTBR0 },
		{ KVM_SYSREG(3, 4, 2, 0, 1), MKMIG_A64_TTBR1 },
		/* nVHE: T0SZ 25, TG0 4K, PS 40 bits at 18:16. */
		{ KVM_SYSREG(3, 4, 2, 0, 2), o->a64_el2 == 1 ? MKMIG_A64_TCR :
		  25ULL | 2ULL << 16 },
		{ KVM_SYSREG(3, 4, 10, 2, 0), 0x40044ffffULL },
	};
	int n = (int)(sizeof(cp) / sizeof(*cp)) - (o->a64_el2 ? 0 : 6);
	int32_t len = o->cpreg_negative ? -1 : o->cpreg_zero ? 0 :
		      n + (o->cpreg_len_skew ? 1 : 0);

	if (o->cpreg_unsorted) {
		uint64_t t[2] = { cp[5][0], cp[5][1] };

		cp[5][0] = cp[6][0];
		cp[5][1] = cp[6][1];
		cp[6][0] = t[0];
		cp[6][1] = t[1];
	}
	zeros(b, 64);                                  /* env.regs */
	for (int i = 0; i < 32; i++)                   /* env.xregs */
		be(b, i == 31 ? 0xffffff80000e0000ULL + (unsigned)cpu :
		   0xa000u * (unsigned)(cpu + 1) + (unsigned)i, 8);
	be(b, 0xffffff8000000c80ULL + 4u * (unsigned)cpu, 8); /* env.pc */
	/* cpsr: EL0t / EL1h (EL2h in an EL2 stream) */
	be(b, cpu ? 0x60001000u : o->a64_el2 ? 0x4003c9u : 0x4003c5u, 4);
	be(b, 0, 4);                                   /* env.spsr */
	for (int i = 0; i < 8; i++)                    /* env.banked_spsr */
		be(b, i == 1 ? 0x20001000u : 0, 8);
	zeros(b, 32 + 32 + 20 + 20);  /* banked_r13, r14, usr_regs, fiq_regs */
	for (int i = 0; i < 4; i++)                    /* env.elr_el */
		be(b, i == 1 ? 0x4ffebcu : 0, 8);
	for (int i = 0; i < 4; i++)                    /* env.sp_el */
		be(b, i == 0 ? 0xfffff0000000ULL : i == 1 ?
		   0xffffff80000e0000ULL + (unsigned)cpu : 0, 8);
	be(b, (uint32_t)len, 4);                       /* cpreg_vmstate_array_len */
	for (int i = 0; i < n; i++)
		be(b, cp[i][0], 8);
	for (int i = 0; i < n; i++)
		be(b, cp[i][1], 8);
	zeros(b, 3 * 8 + 8 + 4 + 4 + 8 + 8 + 8);      /* exclusive_*, unused,
							  exception.*, timers */
	u8(b, 0);                                      /* power_state */
	u8(b, 5);
	name8(b, "cpu/vfp");
	be(b, 3, 4);
	for (int i = 0; i < 32; i++) {                 /* zregs[i].d[0..1] */
		be(b, 0x1111111111111111ULL * (unsigned)(i % 16), 8);
		be(b, (uint64_t)i << 32, 8);
	}
	zeros(b, 4 + 14 * 4);                          /* vfp.xregs */
	be(b, 0x08000010u | 0x03c00000u, 4);           /* fpscr: QC IXC, RMode
							  FZ DN */
	jp(j, "{\"name\": \"cpu\", \"instance_id\": %d, \"vmsd_name\": \"cpu\", "
	   "\"version\": 22, \"fields\": [", cpu);
	jfield(j, 1, "env.regs", "uint32", 4, 16);
	jfield(j, 0, "env.xregs", "uint64", 8, 32);
	jfield(j, 0, "env.pc", "uint64", 8, 1);
	jfield(j, 0, "cpsr", "cpsr", 4, 1);
	jfield(j, 0, "env.spsr", "uint32", 4, 1);
	jfield(j, 0, "env.banked_spsr", "uint64", 8, 8);
	jfield(j, 0, "env.banked_r13", "uint32", 4, 8);
	jfield(j, 0, "env.banked_r14", "uint32", 4, 8);
	jfield(j, 0, "env.usr_regs", "uint32", 4, 5);
	jfield(j, 0, "env.fiq_regs", "uint32", 4, 5);
	jfield(j, 0, "env.elr_el", "uint64", 8, 4);
	jfield(j, 0, "env.sp_el", "uint64", 8, 4);
	jfield(j, 0, "cpreg_vmstate_array_len", "int32 le", 4, 1);
	jfield(j, 0, "cpreg_vmstate_indexes", "uint64", 8, n);
	jfield(j, 0, "cpreg_vmstate_values", "uint64", 8, n);
	jfield(j, 0, "env.exclusive_addr", "uint64", 8, 1);
	jfield(j, 0, "env.exclusive_val", "uint64", 8, 1);
	jfield(j, 0, "env.exclusive_high", "uint64", 8, 1);
	jfield(j, 0, "unused", "unused_buffer", 8, 1);
	jfield(j, 0, "env.exception.syndrome", "uint32", 4, 1);
	jfield(j, 0, "env.exception.fsr", "uint32", 4, 1);
	jfield(j, 0, "env.exception.vaddress", "uint64", 8, 1);
	jfield(j, 0, "gt_timer[0]", "timer", 8, 1);
	jfield(j, 0, "gt_timer[1]", "timer", 8, 1);
	jfield(j, 0, "power_state", "powered_off", 1, 1);
	jp(j, "], \"subsections\": [{\"vmsd_name\": \"cpu/vfp\", \"version\": 3, "
	   "\"fields\": [");
	for (int i = 0; i < 32; i++) {
		char name[40];

		snprintf(name, sizeof(name), "env.vfp.zregs[%d].d", i);
		jfield(j, i == 0, name, "uint64", 8, 2);
	}
	jfield(j, 0, "env.vfp.xregs[0]", "uint32", 4, 1);
	jfield(j, 0, "env.vfp.xregs", "uint32", 4, 14);
	jfield(j, 0, "fpscr", "fpscr", 4, 1);
	jp(j, "]}]}");
}

/* Sv39 PTEs: V, R|W|X, U, A|D. */
#define RV_PTR  0x1ULL
#define RV_LEAF (0x1ULL | 0xeULL | 0xc0ULL)
#define RV_USER 0x10ULL
#define RV_PTE(pa, f) (((pa) >> 12) << 10 | (f))

/* The Sv39 tables of the riscv64 stream (RAMBlock offsets = PA - 2 GiB). */
static void riscv_tables(struct mkmig_buf *b)
{
	const uint64_t base = MKMIG_RV_RAM_BASE;
	/* root: [0] user, [0x1fe] the 0xffffffff80000000 GiB */
	const uint64_t root[][2] = {
		{ 0, RV_PTE(base + 0x11000, RV_PTR) },
		{ 0x1fe, RV_PTE(base + 0x13000, RV_PTR) },
	};
	const uint64_t l1u[][2] = { { 0, RV_PTE(base + 0x12000, RV_PTR) } };
	/* VA 0x10000: L0[0x10] -> the page. */
	const uint64_t l0u[][2] = {
		{ 0x10, RV_PTE(MKMIG_RV_PA, RV_LEAF | RV_USER) },
	};
	/* VA 0xffffffff80000000: L1[0] -> a 2M leaf at 2 GiB. */
	const uint64_t l1k[][2] = { { 0, RV_PTE(base, RV_LEAF) } };

	table_page(b, NULL, 0x10000, root, 2);
	table_page(b, NULL, 0x11000, l1u, 1);
	table_page(b, NULL, 0x12000, l0u, 1);
	table_page(b, NULL, 0x13000, l1k, 1);
	page(b, NULL, MKMIG_RV_PA - base, MKMIG_RV_TEXT);
}

/* vmstate_riscv_cpu (version 5): the fields pgstub reads and their
 * neighbours, in QEMU 7.2's order (the stream's description sizes them). */
static void riscv_cpu(struct mkmig_buf *b, struct js *j, int cpu,
		      const struct mkmig_opts *o)
{
	static const char *const csr[] = {
		"env.mhartid", "env.mstatus", "env.mip", "env.mie",
		"env.mideleg", "env.satp", "env.stval", "env.medeleg",
		"env.stvec", "env.sepc", "env.scause", "env.mtvec", "env.mepc",
		"env.mcause", "env.mtval",
	};

	for (int i = 0; i < 32; i++)                   /* env.gpr */
		be(b, i ? 0xb000u * (unsigned)(cpu + 1) + (unsigned)i : 0, 8);
	zeros(b, 32 * 8);                              /* env.fpr */
	be(b, 0xffffffff80000c80ULL + 4u * (unsigned)cpu, 8);  /* env.pc */
	be(b, 2, 4);                                   /* env.misa_mxl */
	be(b, 0x1411ad, 4);                            /* env.misa_ext */
	be(b, (unsigned)cpu, 8);                       /* env.priv */
	for (size_t i = 0; i < sizeof(csr) / sizeof(*csr); i++) {
		uint64_t v = !strcmp(csr[i], "env.mhartid") ? (uint64_t)cpu :
			     !strcmp(csr[i], "env.mstatus") ? MKMIG_RV_MSTATUS :
			     !strcmp(csr[i], "env.satp") ? MKMIG_RV_SATP :
			     0x100u + i;

		if (o->rv_no_mstatus && !strcmp(csr[i], "env.mstatus"))
			continue;
		be(b, v, 8);
	}
	be(b, 0xff60000000001000ULL, 8);               /* env.sscratch */
	be(b, 0x80049000, 8);                          /* env.mscratch */
	jp(j, "{\"name\": \"cpu\", \"instance_id\": %d, \"vmsd_name\": \"cpu\", "
	   "\"version\": 5, \"fields\": [", cpu);
	jfield(j, 1, "env.gpr", "uint64", 8, 32);
	jfield(j, 0, "env.fpr", "uint64", 8, 32);
	jfield(j, 0, "env.pc", "uint64", 8, 1);
	jfield(j, 0, "env.misa_mxl", "uint32", 4, 1);
	jfield(j, 0, "env.misa_ext", "uint32", 4, 1);
	jfield(j, 0, "env.priv", "uint64", 8, 1);
	for (size_t i = 0; i < sizeof(csr) / sizeof(*csr); i++)
		if (!o->rv_no_mstatus || strcmp(csr[i], "env.mstatus"))
			jfield(j, 0, csr[i], "uint64", 8, 1);
	jfield(j, 0, "env.sscratch", "uint64", 8, 1);
	jfield(j, 0, "env.mscratch", "uint64", 8, 1);
	jp(j, "]}");
}

/* One HPTE chunk: {index, n_valid, n_invalid} + n_valid HPTEs. */
static void hpte_chunk(struct mkmig_buf *b, uint32_t index, uint16_t nv,
		       uint16_t ni, const uint64_t *hptes)
{
	be(b, index, 4);
	be(b, nv, 2);
	be(b, ni, 2);
	for (unsigned i = 0; i < 2u * nv; i++)
		be(b, hptes[i], 8);
}

int mkmig_build(struct mkmig_buf *b, const struct mkmig_opts *o)
{
	int rv = o->riscv, arm = o->arm64 && !rv, x86 = o->x86 && !arm && !rv;
	int ppc = !x86 && !arm && !rv;
	const char *blk = o->ram_name ? o->ram_name : rv ? "riscv_virt_board.ram" :
			  arm ? "mach-virt.ram" : x86 ? "pc.ram" : "ppc_spapr.ram";
	const char *machine = o->machine ? o->machine : rv ? "virt" : arm ? "virt-7.2" :
			      x86 ? "pc-i440fx-7.2" : "pseries-7.2";
	/* A second block that is no guest RAM at a fixed place (x86: the
	 * BIOS, which pgstub places under 4 GiB; virt: a flash bank, which it
	 * leaves out). */
	const char *blk2 = arm || rv ? "virt.flash0" : "pc.bios";
	int ncpus = o->ncpus ? o->ncpus : 2;
	/* VSID 0x123, page 0 of its 256M segment: hash 0x123, PTEG 0x123,
	 * slot 0 -> HPTE index 0x918. */
	const uint64_t hpte[2] = { (uint64_t)MKMIG_VSID << 12 | 1,
				   MKMIG_PA | 0x2 };
	struct js j = { 0 };
	uint32_t id = 1;

	memset(&mkmig_last_marks, 0, sizeof(mkmig_last_marks));
	memset(b, 0, sizeof(*b));
	put(b, "QEVM", 4);
	be(b, o->version ? o->version : 3, 4);
	u8(b, 0x07);                                   /* configuration */
	be(b, strlen(machine), 4);
	put(b, machine, strlen(machine));

	/* Setup: the RAMBlock list; the HPT size. */
	sec_full(b, 1, 1, "ram", 0, 4);
	be(b, (!ppc ? MKMIG_RAM + 0x10000u : MKMIG_RAM) | MEM_SIZE, 8);
	name8(b, blk);
	be(b, MKMIG_RAM, 8);
	if (!ppc) {
		name8(b, blk2);
		be(b, 0x10000, 8);
	}
	be(b, EOS, 8);
	footer(b, 1);
	if (ppc) {
		sec_full(b, 1, 2, "spapr/htab", 0, 1);
		/* A radix guest has no HPT: -1 in every section. */
		be(b, o->radix ? 0xffffffffu : MKMIG_HTAB_SHIFT, 4);
		footer(b, 2);
	}

	/* Iteration: pages, HPTEs. */
	sec_full(b, 2, 1, NULL, 0, 0);
	mkmig_last_marks.first_page = b->n;
	page(b, blk, 0, "page 0 of the guest");
	for (uint64_t p = 1; p < 100; p++)
		zpage(b, p << 12);
	page(b, NULL, MKMIG_PA, "translated through the HPT");  /* resent */
	if (arm)
		arm64_tables(b);                           /* resent too */
	if (rv)
		riscv_tables(b);
	if (o->xbzrle_page)
		be(b, (6u << 12) | XBZRLE | CONT, 8);
	if (o->page_past_block)
		be(b, MKMIG_RAM | ZERO | CONT, 8);
	be(b, EOS, 8);
	footer(b, 1);
	if (ppc && o->radix) {
		sec_full(b, 2, 2, NULL, 0, 0);
		be(b, 0xffffffffu, 4);
		footer(b, 2);
	} else if (ppc) {
		sec_full(b, 2, 2, NULL, 0, 0);
		be(b, 0, 4);
		hpte_chunk(b, 0x918, 1, 0, hpte);
		hpte_chunk(b, 0, 0, 4, NULL);
		if (o->htab_out_of_range)
			hpte_chunk(b, (1u << (MKMIG_HTAB_SHIFT - 4)) - 1, 1, 1,
				   hpte);
		hpte_chunk(b, 0, 0, 0, NULL);              /* end marker */
		footer(b, 2);
	}

	/* Completion: the rest of RAM (page 200 never sent), then devices. */
	sec_full(b, 3, 1, NULL, 0, 0);
	for (uint64_t p = 100; p < MKMIG_RAM / 4096; p++)
		if (p != 200)
			zpage(b, p << 12);
	if (o->radix)
		radix_tables(b);                           /* over the zeros */
	page(b, blk, 7u << 12, "page 7, named again");
	be(b, EOS, 8);
	footer(b, 1);
	if (ppc) {
		sec_full(b, 3, 2, NULL, 0, 0);
		if (o->radix) {
			be(b, 0xffffffffu, 4);
		} else {
			be(b, 0, 4);
			hpte_chunk(b, 0, 0, 0, NULL);
		}
		footer(b, 2);
	}
	if (!ppc) {
		sec_full(b, 2, 1, NULL, 0, 0);
		page(b, blk2, 0xf000, arm || rv ? "flash, not RAM" :
		     "BIOS top page");
		be(b, EOS, 8);
		footer(b, 1);
	}
	id = 3;
	jp(&j, "{\"page_size\": 4096, \"devices\": [");
	sec_full(b, 4, id, "timer", 0, 2);
	be(b, 0x1234, 8);
	zeros(b, 8);
	footer(b, id++);
	jp(&j, "{\"name\": \"timer\", \"instance_id\": 0, \"vmsd_name\": "
	   "\"timer\", \"version\": 2, \"fields\": [");
	jfield(&j, 1, "cpu_ticks_offset", "int64", 8, 1);
	jfield(&j, 0, "unused", "unused_buffer", 8, 1);
	jp(&j, "]}");
	if (ppc && o->radix) {
		/* hw/ppc/spapr.c: the spapr section's subsection
		 * spapr_patb_entry holds the registered entry. */
		int psz = o->patb_size ? o->patb_size : 8;

		sec_full(b, 4, id, "spapr", 0, 3);
		be(b, 0, 4);                               /* a field */
		u8(b, 5);
		name8(b, "spapr_patb_entry");
		be(b, 1, 4);
		be(b, MKMIG_RX_PATB, psz);
		footer(b, id++);
		jp(&j, ", {\"name\": \"spapr\", \"instance_id\": 0, "
		   "\"vmsd_name\": \"spapr\", \"version\": 3, \"fields\": [");
		jfield(&j, 1, "unused", "unused_buffer", 4, 1);
		jp(&j, "], \"subsections\": [{\"vmsd_name\": "
		   "\"spapr_patb_entry\", \"version\": 1, \"fields\": [");
		jfield(&j, 1, "patb_entry", "uint64", psz, 1);
		jp(&j, "]}]}");
	}
	jp(&j, ", ");
	for (int c = 0; c < ncpus; c++) {
		sec_full(b, 4, id, "cpu_common", (uint32_t)c, 1);
		be(b, 0, 4);
		be(b, 0, 4);
		footer(b, id++);
		jp(&j, "%s{\"name\": \"cpu_common\", \"instance_id\": %d, "
		   "\"vmsd_name\": \"cpu_common\", \"version\": 1, \"fields\": [",
		   c ? ", " : "", c);
		jfield(&j, 1, "halted", "uint32", 4, 1);
		jfield(&j, 0, "interrupt_request", "uint32", 4, 1);
		jp(&j, "]}, ");
		if (!mkmig_last_marks.first_cpu)
			mkmig_last_marks.first_cpu = b->n;
		sec_full(b, 4, id, "cpu", (uint32_t)(o->cpu_dup && c ? 0 : c),
			 o->cpu_version ? (uint32_t)o->cpu_version :
			 arm ? 22u : x86 ? 12u : 5u);
		if (rv)
			riscv_cpu(b, &j, o->cpu_dup && c ? 0 : c, o);
		else if (arm)
			arm_cpu(b, &j, o->cpu_dup && c ? 0 : c, o);
		else if (x86)
			x86_cpu(b, &j, o->cpu_dup && c ? 0 : c, o);
		else
			ppc_cpu(b, &j, o->cpu_dup && c ? 0 : c, o);
		footer(b, id++);
	}
	jp(&j, "]}");
	mkmig_last_marks.eof = b->n;
	u8(b, 0x00);                                   /* QEMU_VM_EOF */
	if (!o->no_json && j.s) {
		size_t len = o->bad_json ? j.n / 2 : j.n;

		u8(b, 0x06);
		be(b, len, 4);
		put(b, j.s, len);
	}
	free(j.s);
	return b->p ? 0 : -1;
}
