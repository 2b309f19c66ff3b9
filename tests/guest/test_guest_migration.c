/*
 * QEMU migration streams (guest/migration.c): RAM pages (normal, zero,
 * resent, never sent), the pseries HPT from spapr/htab, ppc64, x86_64 and
 * aarch64 CPU sections located through the JSON description (aarch64: the
 * cpreg list, arm64_mig.c), translations through the HPT and through
 * TTBR0/TTBR1, and every kind of bad stream refused with its section and
 * offset.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "guest.h"
#include "mkdump.h"
#include "mkmig.h"

struct fx {
	char path[64];
	struct mkmig_buf b;
	char err[512];
};

static guest *open_stream(struct fx *f, const struct mkmig_opts *o)
{
	guest *g = NULL;

	free(f->b.p);
	assert_int_equal(mkmig_build(&f->b, o), 0);
	if (f->path[0])
		unlink(f->path);
	assert_int_equal(mk_file_write(f->b.p, f->b.n, f->path), 0);
	f->err[0] = '\0';
	if (guest_open(&g, f->path, NULL, f->err, sizeof(f->err)))
		return NULL;
	return g;
}

/* Open a stream built with @p o and expect a refusal mentioning @p what. */
static void refused(struct fx *f, const struct mkmig_opts *o, const char *what)
{
	guest *g = open_stream(f, o);

	assert_null(g);
	if (!strstr(f->err, what))
		fail_msg("message \"%s\" lacks \"%s\"", f->err, what);
}

static int setup(void **state)
{
	*state = calloc(1, sizeof(struct fx));
	return *state ? 0 : -1;
}

/* A pseries radix stream: the registered process table from the spapr
 * section selects radix (with LPCR[HR]); each vCPU walks with its PIDR. */
static void test_guest_migration__pseries_radix_translates(void **state)
{
	struct fx *f = *state;
	struct mkmig_opts o = { .radix = 1 };
	guest *g = open_stream(f, &o);
	struct guest_ppc64_mmu m;
	struct pgw_result r;
	pgw_ctx *ctx;
	char err[256], buf[sizeof(MKMIG_RX_TEXT)];

	if (!g)
		fail_msg("%s", f->err);
	assert_null(guest_ppc64_htab(g));
	assert_non_null(strstr(guest_describe(g), "process table "
			       "0x8000000000080000 from spapr"));
	assert_int_equal(guest_ppc64_mmu(g, 1, &m), 0);
	assert_true(m.patb == MKMIG_RX_PATB && m.pidr == 2);
	assert_true(m.known & GUEST_PPC64_MMU_PATB);
	assert_int_equal(m.given, 0);
	assert_true(guest_ppc64_is_radix(&m));

	/* vCPU 0, PID 1: the kernel (quadrant 3, PID 0) and its user page. */
	assert_int_equal(guest_cpu_ctx(g, 0, &ctx, err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_mode(ctx), PGW_MODE_PPC64_RADIX);
	assert_int_equal(pgw_translate(ctx, MKMIG_RX_KVA + 0x12, 0, &r, NULL,
				       NULL), 0);
	assert_int_equal(r.out_pa, MKMIG_RX_PA + 0x12);
	assert_int_equal(pgw_translate(ctx, MKMIG_RX_UVA + 5, 0, &r, NULL,
				       NULL), 0);
	assert_int_equal(r.out_pa, MKMIG_RX_PA + 5);
	assert_true(r.out_perms & PGW_PERM_U);
	assert_int_equal(guest_phys_read(g, r.out_pa - 5, buf, sizeof(buf)),
			 sizeof(buf));
	assert_string_equal(buf, MKMIG_RX_TEXT);
	/* vCPU 1, PID 2: an empty PRTE; the kernel still translates. */
	assert_int_equal(guest_cpu_ctx(g, 1, &ctx, err, sizeof(err)), 0);
	assert_int_equal(pgw_translate(ctx, MKMIG_RX_UVA, 0, &r, NULL, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(pgw_translate(ctx, MKMIG_RX_KVA, 0, &r, NULL, NULL),
			 0);
	guest_close(g);
}

/* A patb_entry that is no 8-byte field is refused, naming it. */
static void test_guest_migration__invalid_patb_entry(void **state)
{
	struct mkmig_opts o = { .radix = 1, .patb_size = 4 };

	refused(*state, &o, "patb_entry at offset");
}

static int teardown(void **state)
{
	struct fx *f = *state;

	if (f->path[0])
		unlink(f->path);
	free(f->b.p);
	free(f);
	return 0;
}

static void test_guest_migration__pseries_ram_and_registers(void **state)
{
	struct fx *f = *state;
	struct mkmig_opts o = { 0 };
	guest *g = open_stream(f, &o);
	const struct guest_ppc64_cpu *c;
	uint8_t buf[32];

	if (!g)
		fail_msg("%s", f->err);
	assert_int_equal(guest_format(g), GUEST_FMT_MIGRATION);
	assert_int_equal(guest_arch(g), GUEST_ARCH_PPC64);
	assert_int_equal(guest_ncpus(g), 2);
	assert_string_equal(guest_describe(g), "QEMU migration stream "
			    "(pseries-7.2, ppc64, 2 vCPUs, 1 MiB RAM, HPT 2^18 "
			    "bytes from spapr/htab)");
	/* Page 0 normal, page 1 zero, page 5 zero then resent normal. */
	assert_int_equal(guest_phys_read(g, 0, buf, 20), 20);
	assert_memory_equal(buf, "page 0 of the guest", 20);
	assert_int_equal(guest_phys_read(g, 0x1ff0, buf, 32), 32);
	for (int i = 0; i < 32; i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(guest_phys_read(g, MKMIG_PA, buf, 28), 28);
	assert_memory_equal(buf, "translated through the HPT", 27);
	assert_int_equal(guest_phys_read(g, 0x7000, buf, 20), 20);
	assert_memory_equal(buf, "page 7, named again", 20);
	/* Page 200 was never sent: reads stop there; past RAM nothing. */
	assert_int_equal(guest_phys_read(g, 200 * 4096 - 8, buf, 16), 8);
	assert_int_equal(guest_phys_read(g, MKMIG_RAM, buf, 1), 0);
	assert_true(guest_phys_is_ram(g, 0, MKMIG_RAM));

	c = guest_ppc64_cpu(g, 1);
	assert_non_null(c);
	assert_null(guest_ppc64_cpu(g, 2));
	assert_null(guest_x86_cpu(g, 5));
	assert_int_equal(c->valid, GUEST_PPC64_HAS_GPRS | GUEST_PPC64_HAS_SPRS |
			 GUEST_PPC64_HAS_SLB | GUEST_PPC64_HAS_RES);
	assert_int_equal(c->gpr[0], 0x1000);
	assert_int_equal(c->gpr[31], 0x101f);
	assert_int_equal(c->nip, 0xc000000000001231ULL);
	assert_int_equal(c->msr, 0x8000000000001033ULL);
	assert_int_equal(c->cr, 0x12345678);
	assert_int_equal(c->lr, 0xc000000000004560ULL);
	assert_int_equal(c->ctr, 0x789);
	assert_int_equal(c->xer, 0x20000000);
	assert_int_equal(c->amr, 0x3000000000000000ULL);
	assert_int_equal(c->lpcr, 0x381f008);
	assert_int_equal(c->pvr, 0x004d0200);
	assert_int_equal(c->nslb, 64);
	assert_int_equal(c->slb[0].esid, 0xc000000008000000ULL);
	assert_int_equal(c->slb[0].vsid, (uint64_t)MKMIG_VSID << 12);
	assert_int_equal(c->slb[1].esid, 0);
	guest_close(g);
}

/* ppc64 registers by their description names: read from the stream,
 * given by --reg (pc, r1, f0: FPRs the stream lacks), or 0. */
static void test_guest_migration__pseries_registers_by_name(void **state)
{
	struct fx *f = *state;
	const struct guest_reg_value regs[] = {
		{ "pc", 0xc000000000002000ULL }, { "r1", 0x77 }, { "f0", 5 },
	};
	struct guest_open_opts oo = GUEST_OPEN_OPTS_INIT;
	struct mkmig_opts o = { 0 };
	guest *g = open_stream(f, &o);
	uint64_t v;

	assert_non_null(g);
	guest_close(g);
	oo.regs = regs;
	oo.nregs = 3;
	if (guest_open(&g, f->path, &oo, f->err, sizeof(f->err)))
		fail_msg("%s", f->err);
	assert_int_equal(guest_reg_count(g), 71);
	assert_int_equal(guest_reg_id(g, "pc"), 64);
	assert_int_equal(guest_reg_read(g, 1, guest_reg_id(g, "pc"), &v),
			 GUEST_REG_GIVEN);
	assert_true(v == 0xc000000000002000ULL);
	assert_true(guest_ppc64_cpu(g, 1)->nip == 0xc000000000002000ULL);
	assert_int_equal(guest_reg_read(g, 0, guest_reg_id(g, "r1"), &v),
			 GUEST_REG_GIVEN);
	assert_true(v == 0x77);
	assert_int_equal(guest_reg_read(g, 1, guest_reg_id(g, "msr"), &v),
			 GUEST_REG_READ);
	assert_true(v == 0x8000000000001033ULL);
	assert_int_equal(guest_reg_read(g, 1, guest_reg_id(g, "cr"), &v),
			 GUEST_REG_READ);
	assert_true(v == 0x12345678);
	assert_int_equal(guest_reg_read(g, 1, guest_reg_id(g, "f0"), &v),
			 GUEST_REG_GIVEN);
	assert_true(v == 5);
	assert_int_equal(guest_reg_read(g, 1, guest_reg_id(g, "f1"), &v),
			 GUEST_REG_ZERO);
	assert_int_equal(guest_reg_read(g, 1, guest_reg_id(g, "fpscr"), &v),
			 GUEST_REG_ZERO);
	assert_int_equal(guest_reg_id(g, "rip"), -1);
	guest_close(g);
}

static void test_guest_migration__pseries_hpt_translates(void **state)
{
	struct fx *f = *state;
	struct mkmig_opts o = { 0 };
	guest *g = open_stream(f, &o);
	const pgw_htab *h;
	struct pgw_result r;
	uint8_t hpte[16 * 5];
	pgw_ctx *ctx;
	char err[256];

	if (!g)
		fail_msg("%s", f->err);
	h = guest_ppc64_htab(g);
	assert_non_null(h);
	assert_int_equal(pgw_htab_shift(h), MKMIG_HTAB_SHIFT);
	/* HPTE 0x918 from the PART section; 0-3 written invalid. */
	assert_int_equal(pgw_htab_read(h, 0x918, 1, hpte), 0);
	assert_int_equal(hpte[6], 0x30);
	assert_int_equal(hpte[7], 0x01);
	assert_int_equal(hpte[14], 0x50);
	assert_int_equal(pgw_htab_read(h, 0, 5, hpte), 0);
	for (size_t i = 0; i < sizeof(hpte); i++)
		assert_int_equal(hpte[i], 0);

	assert_int_equal(guest_cpu_ctx(g, 0, &ctx, err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_mode(ctx), PGW_MODE_PPC64_HASH);
	assert_int_equal(pgw_translate(ctx, MKMIG_EA + 0x123, 0, &r, NULL,
				       NULL), 0);
	assert_int_equal(r.out_pa, MKMIG_PA + 0x123);
	assert_int_equal(r.out_page_size, 4096);
	/* Next page: no HPTE. */
	assert_int_equal(pgw_translate(ctx, MKMIG_EA + 0x1000, 0, &r, NULL,
				       NULL), PGW_ENOTMAPPED);
	guest_close(g);
}

static void test_guest_migration__x86_64_pc_stream(void **state)
{
	struct fx *f = *state;
	struct mkmig_opts o = { .x86 = 1, .ncpus = 3 };
	guest *g = open_stream(f, &o);
	const struct guest_x86_cpu *c;
	uint8_t buf[16];
	pgw_ctx *ctx;
	char err[256];

	if (!g)
		fail_msg("%s", f->err);
	assert_int_equal(guest_arch(g), GUEST_ARCH_X86_64);
	assert_int_equal(guest_ncpus(g), 3);
	assert_null(guest_ppc64_cpu(g, 0));
	assert_null(guest_ppc64_htab(g));
	c = guest_x86_cpu(g, 2);
	assert_non_null(c);
	/* env.regs is eax ecx edx ebx esp ebp esi edi: GDB order differs. */
	assert_int_equal(c->gpr[0], 0x200);   /* rax */
	assert_int_equal(c->gpr[1], 0x203);   /* rbx = R_EBX (3) */
	assert_int_equal(c->gpr[2], 0x201);   /* rcx */
	assert_int_equal(c->gpr[7], 0x204);   /* rsp = R_ESP (4) */
	assert_int_equal(c->gpr[15], 0x20f);
	assert_int_equal(c->rip, 0xffffffff81000002ULL);
	assert_int_equal(c->rflags, 0x246);
	assert_int_equal(c->cr0, 0x80050033);
	assert_int_equal(c->cr2, 0x7f0000001000ULL);
	assert_int_equal(c->cr3, 0x1000);
	assert_int_equal(c->cr4, 0x3006f0);
	assert_int_equal(c->efer, 0xd01);
	assert_true(c->valid & GUEST_X86_HAS_EFER);
	assert_int_equal(c->seg[GUEST_CS].selector, 0x18);
	assert_int_equal(c->gs_base, 0xffff888000000000ULL);
	assert_int_equal(c->kernel_gs_base, 0xffff888000001000ULL);
	assert_int_equal(c->tr.base, 0xfffffe0000003000ULL);
	assert_int_equal(c->tr.selector, 0x40);
	assert_int_equal(guest_cpu_ctx(g, 2, &ctx, err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_mode(ctx), PGW_MODE_X86_4L);
	/* pc.ram at 0, pc.bios just under 4 GiB. */
	assert_int_equal(guest_phys_read(g, 0xfffff000ULL, buf, 14), 14);
	assert_memory_equal(buf, "BIOS top page", 14);
	/* The BIOS's other pages were never sent: nothing to read. */
	assert_int_equal(guest_phys_read(g, 0xffff0000ULL, buf, 4), 0);
	guest_close(g);
}

static void test_guest_migration__aarch64_virt_stream(void **state)
{
	struct fx *f = *state;
	struct mkmig_opts o = { .arm64 = 1, .ncpus = 2 };
	guest *g = open_stream(f, &o);
	const struct guest_arm64_cpu *c;
	const char *why = "unset";
	struct pgw_result r;
	uint8_t buf[40];
	pgw_ctx *ctx;
	char err[256];
	uint64_t v;

	if (!g)
		fail_msg("%s", f->err);
	assert_int_equal(guest_arch(g), GUEST_ARCH_AARCH64);
	assert_int_equal(guest_ncpus(g), 2);
	assert_string_equal(guest_describe(g), "QEMU migration stream "
			    "(virt-7.2, aarch64, 2 vCPUs, 1 MiB RAM)");
	/* mach-virt.ram at 1 GiB; the flash bank is left out. */
	assert_int_equal(guest_phys_read(g, MKMIG_A64_RAM_BASE, buf, 20), 20);
	assert_memory_equal(buf, "page 0 of the guest", 20);
	assert_int_equal(guest_phys_read(g, 0xf000, buf, 4), 0);
	assert_int_equal(guest_phys_read(g, 0, buf, 4), 0);
	assert_true(guest_phys_is_ram(g, MKMIG_A64_RAM_BASE, MKMIG_RAM));
	assert_null(guest_ppc64_cpu(g, 0));
	assert_null(guest_arm64_cpu(g, 2));

	c = guest_arm64_cpu(g, 1);
	assert_non_null(c);
	assert_int_equal(c->x[0], 0x14000);
	assert_int_equal(c->x[30], 0x1401e);
	/* xregs[31] is the SP in use. */
	assert_int_equal(c->sp, 0xffffff80000e0001ULL);
	assert_int_equal(c->pc, 0xffffff8000000c84ULL);
	assert_int_equal(c->pstate, 0x60001000);
	/* From the cpreg list, by KVM id. */
	assert_int_equal(c->sys[GUEST_A64_TTBR0], MKMIG_A64_TTBR0);
	assert_int_equal(c->sys[GUEST_A64_TTBR1], MKMIG_A64_TTBR1);
	assert_int_equal(c->sys[GUEST_A64_TCR], MKMIG_A64_TCR);
	assert_int_equal(c->sys[GUEST_A64_SCTLR], MKMIG_A64_SCTLR);
	assert_int_equal(c->sys[GUEST_A64_MAIR], 0x40044ffffULL);
	assert_int_equal(c->sys[GUEST_A64_ID_AA64MMFR0], MKMIG_A64_MMFR0);
	assert_int_equal(c->sys[GUEST_A64_ID_AA64MMFR1], 0x11010211122ULL);
	assert_int_equal(c->sys[GUEST_A64_ID_AA64MMFR2],
			 0x1021011010011011ULL);
	assert_int_equal(c->sys[GUEST_A64_ESR], 0x56000000);
	assert_int_equal(c->sys[GUEST_A64_FAR], 0x57f1bc);
	assert_int_equal(c->sys[GUEST_A64_VBAR], 0xffffff8000000800ULL);
	assert_int_equal(c->sys[GUEST_A64_CONTEXTIDR], 0x71);
	assert_int_equal(c->sys[GUEST_A64_TPIDR_EL1], 0xffffff80000f0000ULL);
	assert_int_equal(c->sys[GUEST_A64_TPIDR_EL0], 0x20ab1740);
	/* From their own fields: env.sp_el, env.elr_el[1],
	 * env.banked_spsr[1]. */
	assert_int_equal(c->sys[GUEST_A64_SP_EL0], 0xfffff0000000ULL);
	assert_int_equal(c->sys[GUEST_A64_SP_EL1], 0xffffff80000e0001ULL);
	assert_int_equal(c->sys[GUEST_A64_ELR], 0x4ffebc);
	assert_int_equal(c->sys[GUEST_A64_SPSR], 0x20001000);
	/* cpu/vfp: Z[i]'s low 128 bits; FPSCR split into FPSR and FPCR. */
	assert_int_equal(c->v[3][0], 0x3333333333333333ULL);
	assert_int_equal(c->v[3][1], 3ULL << 32);
	assert_int_equal(c->fpsr, 0x08000010);
	assert_int_equal(c->fpcr, 0x03c00000);
	assert_true(c->valid & GUEST_ARM64_HAS_GPRS);
	assert_true(c->valid & GUEST_ARM64_HAS_FPU);
	/* PAR_EL1 travels only as its AArch32 view: unknown, not 0. */
	assert_false(c->valid & GUEST_ARM64_HAS_SYS(GUEST_A64_PAR));
	assert_int_equal(guest_reg_read(g, 1, guest_reg_id(g, "PAR_EL1"), &v),
			 GUEST_REG_ZERO);
	assert_int_equal(guest_reg_read(g, 1, guest_reg_id(g, "ttbr0_el1"),
					&v), GUEST_REG_READ);
	assert_int_equal(v, MKMIG_A64_TTBR0);
	assert_int_equal(guest_reg_read(g, 0, guest_reg_id(g, "cpsr"), &v),
			 GUEST_REG_READ);
	assert_int_equal(v, 0x4003c5);

	/* Both halves translate from the stream's own registers, on the
	 * vCPU at EL0 too: no VMCOREINFO, no option. */
	assert_int_equal(guest_cpu_root(g, 1, &why), GUEST_ROOT_REGS);
	assert_null(why);
	assert_null(guest_cpu_refusal(g, 1, MKMIG_A64_UVA));
	assert_int_equal(guest_cpu_ctx(g, 1, &ctx, err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_mode(ctx), PGW_MODE_ARM64);
	assert_int_equal(pgw_translate(ctx, MKMIG_A64_UVA + 0x21, 0, &r, NULL,
				       NULL), 0);
	assert_int_equal(r.out_pa, MKMIG_A64_PA + 0x21);
	assert_int_equal(r.out_page_size, 4096);
	assert_int_equal(pgw_translate(ctx, MKMIG_A64_KVA + 0x21, 0, &r, NULL,
				       NULL), 0);
	assert_int_equal(r.out_pa, MKMIG_A64_PA + 0x21);
	assert_int_equal(r.out_page_size, 2u << 20);
	assert_int_equal(guest_phys_read(g, r.out_pa - 0x21, buf,
					 sizeof(MKMIG_A64_TEXT)),
			 sizeof(MKMIG_A64_TEXT));
	assert_memory_equal(buf, MKMIG_A64_TEXT, sizeof(MKMIG_A64_TEXT));
	/* The next user page is not mapped. */
	assert_int_equal(pgw_translate(ctx, MKMIG_A64_UVA + 0x1000, 0, &r,
				       NULL, NULL), PGW_ENOTMAPPED);
	guest_close(g);
}

/* A stream's RAM pages lie at unaligned file offsets; the walker maps
 * only aligned tables (else it copies one on every walk, and its fast
 * path never runs). So a table page is served as an aligned copy, made
 * once and the same on every later request; none where the stream has no
 * page, nor for a request across pages. */
static void test_guest_migration__tables_mapped_aligned(void **state)
{
	struct fx *f = *state;
	struct mkmig_opts o = { .arm64 = 1 };
	guest *g = open_stream(f, &o);
	const struct pgw_mem_ops *ops;
	const uint8_t *p;
	uint8_t buf[4096];

	if (!g)
		fail_msg("%s", f->err);
	ops = guest_mem_ops(g);
	p = ops->map(MKMIG_A64_TTBR1 + 8, 8, g);
	assert_non_null(p);
	assert_int_equal((uintptr_t)(p - 8) & 4095, 0);
	assert_int_equal(guest_phys_read(g, MKMIG_A64_TTBR1, buf, 4096), 4096);
	assert_memory_equal(p - 8, buf, 4096);
	assert_ptr_equal(ops->map(MKMIG_A64_TTBR1, 4096, g), p - 8);
	assert_null(ops->map(MKMIG_A64_TTBR1 + 4088, 16, g));
	assert_null(ops->map(0xf000, 8, g));
	assert_null(ops->map(MKMIG_A64_RAM_BASE + MKMIG_RAM, 8, g));
	guest_close(g);
}

/* A host at EL2 (-M virt,virtualization=on): the vCPU's regime comes from
 * its EL and HCR_EL2, and its tables from the _EL2 registers, not from the
 * stale _EL1 ones (which map nothing here). VHE: EL2 and, with TGE, EL0
 * are EL2&0, two halves; nVHE: EL2 has TTBR0_EL2's range only, in
 * TCR_EL2's own layout, and EL0 stays in EL1&0. */
static void test_guest_migration__aarch64_el2_regimes(void **state)
{
	struct fx *f = *state;
	struct mkmig_opts o = { .arm64 = 1, .ncpus = 2, .a64_el2 = 1 };
	const char *why = NULL, *desc = NULL;
	struct pgw_result r;
	struct pgw_fault ft;
	guest *g = open_stream(f, &o);
	pgw_ctx *ctx;
	char err[256];

	if (!g)
		fail_msg("%s", f->err);
	assert_int_equal(guest_arm64_cpu(g, 0)->sys[GUEST_A64_TTBR1_EL2],
			 MKMIG_A64_TTBR1);
	for (int cpu = 0; cpu < 2; cpu++) {
		assert_int_equal(guest_cpu_root(g, cpu, &why), GUEST_ROOT_REGS);
		assert_non_null(why);
		assert_non_null(strstr(why, "the EL2&0 regime (TTBR0_EL2, "
				       "HCR_EL2 0x488000000)"));
		assert_int_equal(guest_cpu_ctx(g, cpu, &ctx, err, sizeof(err)),
				 0);
		assert_int_equal(pgw_translate(ctx, MKMIG_A64_UVA + 0x21, 0, &r,
					       NULL, NULL), 0);
		assert_int_equal(r.out_pa, MKMIG_A64_PA + 0x21);
		assert_int_equal(pgw_translate(ctx, MKMIG_A64_KVA, 0, &r, NULL,
					       NULL), 0);
		assert_int_equal(r.out_pa, MKMIG_A64_PA);
		assert_string_equal(pgw_ctx_region(ctx, MKMIG_A64_KVA, &desc),
				    "TTBR1_EL2");
	}
	guest_close(g);

	o.a64_el2 = 2;
	g = open_stream(f, &o);
	if (!g)
		fail_msg("%s", f->err);
	assert_int_equal(guest_cpu_root(g, 0, &why), GUEST_ROOT_REGS);
	assert_non_null(strstr(why, "the EL2 regime (TTBR0_EL2, HCR_EL2 "
			       "0x88000000)"));
	assert_int_equal(guest_cpu_ctx(g, 0, &ctx, err, sizeof(err)), 0);
	assert_int_equal(pgw_translate(ctx, MKMIG_A64_UVA + 0x21, 0, &r, NULL,
				       NULL), 0);
	assert_int_equal(r.out_pa, MKMIG_A64_PA + 0x21);
	assert_int_equal(pgw_translate(ctx, MKMIG_A64_KVA, 0, &r, &ft, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(ft.out_reason, PGW_FAULT_NONCANONICAL);
	/* vCPU 1 at EL0 without E2H: EL1&0, whose tables map nothing. */
	assert_int_equal(guest_cpu_ctx(g, 1, &ctx, err, sizeof(err)), 0);
	assert_string_equal(pgw_ctx_region(ctx, MKMIG_A64_KVA, NULL),
			    "TTBR1_EL1");
	assert_int_equal(pgw_translate(ctx, MKMIG_A64_UVA, 0, &r, NULL, NULL),
			 PGW_ENOTMAPPED);
	guest_close(g);
}

/* SCTLR_EL1.M clear (a vCPU still in firmware): stage 1 is off, VA == PA,
 * whatever TTBR0/TTBR1 hold, as the stream's registers say. */
/* -machine memory-backend=ID: RAM is the block named ID, placed where the
 * machine type puts its RAM; the description says which block it took. */
static void test_guest_migration__memory_backend_ram(void **state)
{
	struct fx *f = *state;
	struct mkmig_opts o = { .arm64 = 1, .ram_name = "ram0" };
	guest *g = open_stream(f, &o);
	uint8_t buf[20];

	if (!g)
		fail_msg("%s", f->err);
	assert_string_equal(guest_describe(g), "QEMU migration stream "
			    "(virt-7.2, aarch64, 2 vCPUs, 1 MiB RAM), RAM from "
			    "memory backend ram0");
	assert_int_equal(guest_phys_read(g, MKMIG_A64_RAM_BASE, buf, 20), 20);
	assert_memory_equal(buf, "page 0 of the guest", 20);
	assert_int_equal(guest_phys_read(g, 0, buf, 4), 0);
	guest_close(g);

	o = (struct mkmig_opts){ .x86 = 1, .ram_name = "mem",
				 .machine = "pc-q35-7.2" };
	g = open_stream(f, &o);
	if (!g)
		fail_msg("%s", f->err);
	/* At 0 like pc.ram, and the BIOS still under 4 GiB. */
	assert_int_equal(guest_phys_read(g, 0xfffff000ULL, buf, 14), 14);
	assert_memory_equal(buf, "BIOS top page", 14);
	assert_true(guest_phys_is_ram(g, 0, MKMIG_RAM));
	guest_close(g);

	/* A backend of a machine whose RAM layout pgstub does not know. */
	o = (struct mkmig_opts){ .arm64 = 1, .ram_name = "ram0",
				 .machine = "sbsa-ref" };
	refused(f, &o, "memory backend's of a pc, q35, pseries, powernv or "
		"virt machine) in the stream (machine sbsa-ref)");
}

static void test_guest_migration__aarch64_mmu_off(void **state)
{
	struct fx *f = *state;
	struct mkmig_opts o = { .arm64 = 1, .a64_mmu_off = 1 };
	guest *g = open_stream(f, &o);
	struct pgw_result r;
	pgw_ctx *ctx;
	char err[256];

	if (!g)
		fail_msg("%s", f->err);
	assert_int_equal(guest_cpu_root(g, 0, NULL), GUEST_ROOT_REGS);
	assert_int_equal(guest_cpu_ctx(g, 0, &ctx, err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_mode(ctx), PGW_MODE_NONE);
	assert_int_equal(pgw_translate(ctx, MKMIG_A64_PA + 8, 0, &r, NULL,
				       NULL), 0);
	assert_int_equal(r.out_pa, MKMIG_A64_PA + 8);
	guest_close(g);
}

/* A damaged cpreg list is refused, naming the section and the offset. */
static void test_guest_migration__invalid_aarch64_cpreg(void **state)
{
	struct fx *f = *state;
	struct mkmig_opts o = { .arm64 = 1, .cpreg_len_skew = 1 };

	refused(f, &o, "section 'cpu' instance 0: cpreg_vmstate_array_len at "
		"offset 0x");
	refused(f, &o, "says 16 registers, the JSON description gives the "
		"index array 15 and the value array 15");
	o = (struct mkmig_opts){ .arm64 = 1, .cpreg_negative = 1 };
	refused(f, &o, "cpreg_vmstate_array_len at offset 0x");
	refused(f, &o, " is -1");
	o = (struct mkmig_opts){ .arm64 = 1, .cpreg_zero = 1 };
	refused(f, &o, "says 0 registers, the JSON description gives the "
		"index array 15");
	o = (struct mkmig_opts){ .arm64 = 1, .cpreg_unsorted = 1 };
	refused(f, &o, "section 'cpu' instance 0: cpreg index 6 at offset 0x");
	refused(f, &o, "is not above the one before it (0x603000000013c101)");
	o = (struct mkmig_opts){ .arm64 = 1, .cpu_dup = 1 };
	refused(f, &o, "section 'cpu' instance 0 at offset 0x");
	refused(f, &o, ": a second one");
	o = (struct mkmig_opts){ .arm64 = 1, .cpu_version = 21 };
	refused(f, &o, "has version 21; pgstub reads version 22 of aarch64 "
		"vCPUs");
}

static void test_guest_migration__invalid_version_and_json(void **state)
{
	struct fx *f = *state;
	struct mkmig_opts o = { .version = 2 };

	refused(f, &o, "stream version 2 at offset 4");
	o = (struct mkmig_opts){ .version = 4 };
	refused(f, &o, "stream version 4 at offset 4");
	o = (struct mkmig_opts){ .no_json = 1 };
	refused(f, &o, "no JSON description");
	refused(f, &o, "device section 'timer'");
	o = (struct mkmig_opts){ .bad_json = 1 };
	refused(f, &o, "JSON description at offset 0x");
	o = (struct mkmig_opts){ .cpu_version = 6 };
	refused(f, &o, "section 'cpu' instance 0 at offset 0x");
	refused(f, &o, "has version 6; pgstub reads version 5");
}

static void test_guest_migration__invalid_sections(void **state)
{
	struct fx *f = *state;
	struct mkmig_opts o = { .xbzrle_page = 1 };

	refused(f, &o, "XBZRLE pages");
	o = (struct mkmig_opts){ .page_past_block = 1 };
	refused(f, &o, "past the end of RAMBlock 'ppc_spapr.ram'");
	o = (struct mkmig_opts){ .htab_out_of_range = 1 };
	refused(f, &o, "spapr/htab");
	refused(f, &o, "HPT record at offset 0x");
	o = (struct mkmig_opts){ .bad_subsection = 1 };
	refused(f, &o, "device section 'cpu': subsection at offset 0x");
	refused(f, &o, "is 'cpu/slc' version 1; the description says 'cpu/slb'");
	o = (struct mkmig_opts){ .json_wrong_size = 1 };
	refused(f, &o, "device section 'cpu'");
}

/* Every prefix of a good stream is refused with a message: no crash. */
static void every_truncation(struct fx *f, const struct mkmig_opts *o)
{
	guest *g = open_stream(f, o);
	size_t n = f->b.n, step;
	int truncated = 0, nojson = 0;

	assert_non_null(g);
	guest_close(g);
	step = 1;
	for (size_t len = 0; len < n; len += step) {
		char err[512] = "";

		/* Dense near the structure, sparse inside page data. */
		step = (len > mkmig_last_marks.first_page + 64 &&
			len < mkmig_last_marks.first_cpu - 64) ? 997 : 1;
		unlink(f->path);
		assert_int_equal(mk_file_write(f->b.p, len, f->path), 0);
		g = NULL;
		if (!guest_open(&g, f->path, NULL, err, sizeof(err))) {
			guest_close(g);
			fail_msg("a %zu-byte prefix of %zu opened", len, n);
		}
		assert_true(err[0] != '\0');
		truncated += strstr(err, "truncated") != NULL;
		nojson += strstr(err, "JSON") != NULL;
	}
	/* Cut inside the sections: "truncated at offset"; cut after the
	 * RAM while devices follow: the JSON is missing. */
	assert_true(truncated > 100);
	assert_true(nojson > 100);
	unlink(f->path);
	assert_int_equal(mk_file_write(f->b.p, mkmig_last_marks.first_page + 100,
				       f->path), 0);
	assert_int_not_equal(guest_open(&g, f->path, NULL, f->err,
					sizeof(f->err)), 0);
	if (!strstr(f->err, "truncated at offset 0x"))
		fail_msg("%s", f->err);
}

static void test_guest_migration__invalid_every_truncation(void **state)
{
	struct mkmig_opts o = { 0 };

	every_truncation(*state, &o);
}

/* The aarch64 stream's cpu sections (cpreg arrays included) cut anywhere. */
static void test_guest_migration__invalid_every_truncation_aarch64(void **state)
{
	struct mkmig_opts o = { .arm64 = 1 };

	every_truncation(*state, &o);
}

/* riscv64 virt: RAM at 2 GiB, every hart's registers and CSRs by the
 * description's names, both halves through the stream's satp. */
static void test_guest_migration__riscv64_virt_stream(void **state)
{
	struct fx *f = *state;
	struct mkmig_opts o = { .riscv = 1, .ncpus = 2 };
	guest *g = open_stream(f, &o);
	const struct guest_riscv_cpu *c;
	struct pgw_result r;
	uint8_t buf[24];
	pgw_ctx *ctx;
	uint64_t v;

	if (!g)
		fail_msg("%s", f->err);
	assert_int_equal(guest_arch(g), GUEST_ARCH_RISCV64);
	assert_string_equal(guest_describe(g), "QEMU migration stream "
			    "(virt, riscv64, 2 vCPUs, 1 MiB RAM)");
	assert_int_equal(guest_phys_read(g, MKMIG_RV_RAM_BASE, buf, 20), 20);
	assert_memory_equal(buf, "page 0 of the guest", 20);
	assert_int_equal(guest_phys_read(g, 0xf000, buf, 4), 0);
	c = guest_riscv_cpu(g, 1);
	assert_non_null(c);
	assert_null(guest_riscv_cpu(g, 2));
	assert_int_equal(c->x[0], 0);
	assert_int_equal(c->x[1], 0x16001);
	assert_int_equal(c->x[31], 0x1601f);
	assert_int_equal(c->pc, 0xffffffff80000c84ULL);
	assert_int_equal(c->csr[GUEST_RV_PRIV], 1);
	assert_int_equal(c->csr[GUEST_RV_MHARTID], 1);
	assert_int_equal(c->csr[GUEST_RV_SATP], MKMIG_RV_SATP);
	assert_int_equal(c->csr[GUEST_RV_MSTATUS], MKMIG_RV_MSTATUS);
	/* sstatus: UXL, FS (dirty, so SD), SUM; not MPIE (bit 7) */
	assert_int_equal(c->csr[GUEST_RV_SSTATUS], 1ULL << 63 |
			 0x200000000ULL | 0x6000ULL | 1ULL << 18);
	assert_int_equal(c->csr[GUEST_RV_MISA], 2ULL << 62 | 0x1411ad);
	assert_int_equal(c->csr[GUEST_RV_SSCRATCH], 0xff60000000001000ULL);
	assert_int_equal(guest_reg_read(g, 0, guest_reg_id(g, "satp"), &v),
			 GUEST_REG_READ);
	assert_int_equal(v, MKMIG_RV_SATP);
	assert_int_equal(guest_cpu_root(g, 0, NULL), GUEST_ROOT_REGS);
	for (int cpu = 0; cpu < 2; cpu++) {
		assert_int_equal(guest_cpu_ctx(g, cpu, &ctx, f->err,
					       sizeof(f->err)), 0);
		assert_int_equal(pgw_translate(ctx, MKMIG_RV_UVA + 4, 0, &r,
					       NULL, NULL), 0);
		assert_int_equal(r.out_pa, MKMIG_RV_PA + 4);
		assert_int_equal(pgw_translate(ctx, MKMIG_RV_KVA + 4, 0, &r,
					       NULL, NULL), 0);
		assert_int_equal(r.out_pa, MKMIG_RV_PA + 4);
		assert_null(guest_cpu_refusal(g, cpu, MKMIG_RV_UVA));
	}
	assert_int_equal(guest_phys_read(g, MKMIG_RV_PA, buf, 24), 24);
	assert_memory_equal(buf, MKMIG_RV_TEXT, 24);
	guest_close(g);

	/* A section without mstatus is refused, naming the field. */
	o.rv_no_mstatus = 1;
	refused(f, &o, "env.mstatus");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_guest_migration__pseries_ram_and_registers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_migration__pseries_registers_by_name, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_migration__pseries_hpt_translates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_migration__pseries_radix_translates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_migration__invalid_patb_entry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_migration__x86_64_pc_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_migration__aarch64_virt_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_migration__memory_backend_ram,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_migration__aarch64_mmu_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_migration__aarch64_el2_regimes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_migration__invalid_aarch64_cpreg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_migration__invalid_version_and_json, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_migration__invalid_sections, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_migration__invalid_every_truncation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_migration__invalid_every_truncation_aarch64, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_migration__riscv64_virt_stream, setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_migration__tables_mapped_aligned, setup, teardown),
	};

	return cmocka_run_group_tests_name("guest_migration", tests, NULL, NULL);
}
