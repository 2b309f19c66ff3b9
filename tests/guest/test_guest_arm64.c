/*
 * aarch64 dumps through guest/: the registers of QEMU's NT_PRSTATUS and
 * NT_PRFPREG notes under QEMU 7.2's gdbstub names, --reg in any case, and
 * the translation registers: from VMCOREINFO (TTBR1 from swapper_pg_dir
 * and kimage_voffset, TCR from VA_BITS/TCR_EL1_T1SZ/PAGESIZE), from the
 * options, or none — then every refusal names what is missing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <elf.h>
#include <cmocka.h>

#include "guest.h"
#include "mkdump.h"

/* RAM of the virt machine starts at 0x40000000: 64 KiB there. */
#define RAM 0x40000000ULL
static uint8_t ram[0x10000];

/* Debian 6.1-style: the kernel image at 0xffff800008000000 is at
 * physical 0x40000000 + 0x10000 * n: kimage_voffset 0xffff7fffc8000000
 * puts swapper_pg_dir (VA 0xffff800008002000) at PA 0x40002000. */
static const char vmci_4k[] =
	"OSRELEASE=6.1.0-test-arm64\nPAGESIZE=4096\n"
	"SYMBOL(swapper_pg_dir)=ffff800008002000\n"
	"NUMBER(MAX_PHYSMEM_BITS)=48\n"
	"NUMBER(VA_BITS)=48\n"
	"NUMBER(kimage_voffset)=0xffff7fffc8000000\n"
	"NUMBER(PHYS_OFFSET)=0x40000000\n"
	"NUMBER(TCR_EL1_T1SZ)=0x10\n"
	"KERNELOFFSET=0\n";

static void build(struct mk_dump *d, const char *vmci)
{
	memset(d, 0, sizeof(*d));
	d->elf64 = 1;
	d->machine = EM_AARCH64;
	d->ncpu = 2;
	d->vmcoreinfo = vmci;
	for (int c = 0; c < 2; c++) {
		struct mk_cpu *p = &d->cpu[c];

		for (int i = 0; i < 31; i++)
			p->x[i] = 0x100ULL * (uint64_t)c + (uint64_t)i;
		p->sp = 0xffff80000a003f00ULL + (uint64_t)c;
		p->pc = 0xffff800008010000ULL + 4 * (uint64_t)c;
		p->pstate = 0x600003c5;       /* Z C, DAIF, EL1h */
		for (int i = 0; i < 32; i++) {
			p->v[i][0] = 0x1111000000000000ULL + (uint64_t)i;
			p->v[i][1] = 0x2222000000000000ULL + (uint64_t)c;
		}
		p->fpsr = 0x10 + (uint32_t)c;
		p->fpcr = 0x3000000;
	}
	d->nload = 1;
	d->load[0] = (struct mk_load){ RAM, sizeof(ram), sizeof(ram), ram };
}

static guest *open_dump(const struct mk_dump *d, const struct guest_open_opts *o,
			char *err, size_t errlen)
{
	static const struct guest_open_opts none = GUEST_OPEN_OPTS_INIT;
	struct mk_layout lay;
	char path[64];
	guest *g = NULL;

	assert_int_equal(mk_dump_write(d, path, &lay), 0);
	if (guest_open(&g, path, o ? o : &none, err, errlen) < 0)
		g = NULL;
	unlink(path);
	return g;
}

static uint64_t reg(guest *g, int cpu, const char *name,
		    enum guest_reg_origin want)
{
	uint64_t v;
	int id = guest_reg_id(g, name);

	assert_true(id >= 0);
	assert_int_equal(guest_reg_read(g, cpu, id, &v), want);
	return v;
}

static void test_guest_arm64__notes_give_registers(void **state)
{
	const struct guest_arm64_cpu *a;
	struct mk_dump d;
	uint64_t w[2];
	char err[512];
	guest *g;

	(void)state;
	build(&d, NULL);
	g = open_dump(&d, NULL, err, sizeof(err));
	assert_non_null(g);
	assert_int_equal(guest_arch(g), GUEST_ARCH_AARCH64);
	assert_int_equal(guest_ncpus(g), 2);
	assert_non_null(strstr(guest_describe(g), "aarch64"));
	for (int c = 0; c < 2; c++) {
		a = guest_arm64_cpu(g, c);
		assert_non_null(a);
		assert_int_equal(a->valid, GUEST_ARM64_HAS_GPRS |
				 GUEST_ARM64_HAS_FPU);
		assert_int_equal(reg(g, c, "x0", GUEST_REG_READ), 0x100 * c);
		assert_int_equal(reg(g, c, "x30", GUEST_REG_READ),
				 0x100 * c + 30);
		assert_int_equal(reg(g, c, "sp", GUEST_REG_READ),
				 0xffff80000a003f00ULL + (uint64_t)c);
		assert_int_equal(reg(g, c, "pc", GUEST_REG_READ),
				 0xffff800008010000ULL + 4 * (uint64_t)c);
		assert_int_equal(reg(g, c, "cpsr", GUEST_REG_READ), 0x600003c5);
		assert_int_equal(reg(g, c, "fpsr", GUEST_REG_READ), 0x10 + c);
		assert_int_equal(reg(g, c, "fpcr", GUEST_REG_READ), 0x3000000);
		/* 128 bits: both halves, low first */
		assert_int_equal(guest_reg_read_wide(g, c, guest_reg_id(g, "v7"),
						     w), GUEST_REG_READ);
		assert_int_equal(w[0], 0x1111000000000007ULL);
		assert_int_equal(w[1], 0x2222000000000000ULL + (uint64_t)c);
		/* QEMU's dumps carry no system register. */
		reg(g, c, "TTBR1_EL1", GUEST_REG_ZERO);
		reg(g, c, "SCTLR", GUEST_REG_ZERO);
	}
	/* QEMU 7.2's gdbstub numbering */
	assert_int_equal(guest_reg_id(g, "sp"), 31);
	assert_int_equal(guest_reg_id(g, "cpsr"), 33);
	assert_int_equal(guest_reg_id(g, "v0"), 34);
	assert_int_equal(guest_reg_id(g, "fpcr"), 67);
	assert_int_equal(guest_reg_id(g, "SCTLR"), 68);
	assert_null(guest_arm64_cpu(g, 2));
	guest_close(g);
}

static void test_guest_arm64__reg_names_any_case(void **state)
{
	struct guest_reg_value r[] = {
		{ "ttbr0_el1", 0x45000000 }, { "sctlr_el1", 0x30d5198d },
		{ "X3", 0x33 }, { "Tcr_El1", 0x35b5503510 },
	};
	struct guest_open_opts o = GUEST_OPEN_OPTS_INIT;
	struct mk_dump d;
	char err[512];
	guest *g;

	(void)state;
	build(&d, NULL);
	o.regs = r;
	o.nregs = 4;
	g = open_dump(&d, &o, err, sizeof(err));
	assert_non_null(g);
	for (int c = 0; c < 2; c++) {
		assert_int_equal(reg(g, c, "TTBR0_EL1", GUEST_REG_GIVEN),
				 0x45000000);
		assert_int_equal(reg(g, c, "SCTLR", GUEST_REG_GIVEN),
				 0x30d5198d);
		assert_int_equal(reg(g, c, "x3", GUEST_REG_GIVEN), 0x33);
		assert_int_equal(reg(g, c, "TCR_EL1", GUEST_REG_GIVEN),
				 0x35b5503510);
		assert_int_equal(reg(g, c, "x4", GUEST_REG_READ), 0x100 * c + 4);
	}
	guest_close(g);

	r[0].name = "cr3";
	o.nregs = 1;
	assert_null(open_dump(&d, &o, err, sizeof(err)));
	assert_non_null(strstr(err, "no register 'cr3' on aarch64"));
	assert_non_null(strstr(err, "TTBR0_EL1"));
}

static void test_guest_arm64__no_root_no_translation(void **state)
{
	struct mk_dump d;
	char err[512];
	const char *why;
	pgw_ctx *c;
	guest *g;

	(void)state;
	build(&d, NULL);
	g = open_dump(&d, NULL, err, sizeof(err));
	assert_non_null(g);
	for (int cpu = 0; cpu < 2; cpu++) {
		assert_int_equal(guest_cpu_root(g, cpu, &why),
				 GUEST_ROOT_UNKNOWN);
		assert_non_null(strstr(why, "no VMCOREINFO"));
		assert_int_equal(guest_cpu_ctx(g, cpu, &c, err, sizeof(err)),
				 -1);
		assert_non_null(strstr(err, "--vmcoreinfo FILE"));
		assert_non_null(strstr(err, "--reg ttbr1_el1="));
		assert_non_null(guest_cpu_refusal(g, cpu,
						  0xffff800008000000ULL));
		assert_non_null(guest_cpu_refusal(g, cpu, 0x400000));
	}
	guest_close(g);
}

/* TTBR0_EL1 alone is no root either: the message names TCR_EL1. */
static void test_guest_arm64__ttbr0_alone_names_tcr(void **state)
{
	struct guest_reg_value r = { "ttbr0_el1", 0x40006000 };
	struct guest_open_opts o = GUEST_OPEN_OPTS_INIT;
	struct mk_dump d;
	char err[512];
	const char *why;
	guest *g;

	(void)state;
	build(&d, NULL);
	o.regs = &r;
	o.nregs = 1;
	g = open_dump(&d, &o, err, sizeof(err));
	assert_non_null(g);
	assert_int_equal(guest_cpu_root(g, 0, &why), GUEST_ROOT_UNKNOWN);
	assert_non_null(strstr(why, "no paging root: TCR_EL1 unknown"));
	assert_non_null(guest_cpu_refusal(g, 0, 0x400000));
	guest_close(g);
}

static void test_guest_arm64__vmcoreinfo_root(void **state)
{
	struct mk_dump d;
	char err[512];
	const char *why;
	guest *g;

	(void)state;
	build(&d, vmci_4k);
	g = open_dump(&d, NULL, err, sizeof(err));
	assert_non_null(g);
	for (int cpu = 0; cpu < 2; cpu++) {
		assert_int_equal(guest_cpu_root(g, cpu, &why),
				 GUEST_ROOT_VMCOREINFO);
		/* PA = VA - kimage_voffset; T0SZ = T1SZ = 16, TG0 4K (0),
		 * TG1 4K (2), IPS 48-bit (5), TBI0, TBI1, HA */
		assert_non_null(strstr(why, "swapper_pg_dir at physical "
				       "0x40002000, 48-bit VA, 4K pages: "
				       "TCR_EL1 0xe580100010"));
		assert_non_null(strstr(why, "--reg ttbr0_el1="));
		/* kernel half known, user half refused by name */
		assert_null(guest_cpu_refusal(g, cpu, 0xffff800008000000ULL));
		why = guest_cpu_refusal(g, cpu, 0xaaaad0000000ULL);
		assert_non_null(why);
		assert_non_null(strstr(why, "TTBR0_EL1 is unknown"));
		assert_non_null(strstr(why, "--reg ttbr0_el1=ROOT"));
	}
	guest_close(g);
}

static void test_guest_arm64__vmcoreinfo_64k_52bit(void **state)
{
	static const char vmci[] =
		"PAGESIZE=65536\n"
		"SYMBOL(swapper_pg_dir)=ffff800008020000\n"
		"NUMBER(VA_BITS)=52\n"
		"NUMBER(kimage_voffset)=0xffff7fffc8000000\n"
		"NUMBER(TCR_EL1_T1SZ)=0xc\n"
		"NUMBER(MAX_PHYSMEM_BITS)=52\n";
	struct mk_dump d;
	char err[512];
	const char *why;
	guest *g;

	(void)state;
	build(&d, vmci);
	g = open_dump(&d, NULL, err, sizeof(err));
	assert_non_null(g);
	assert_int_equal(guest_cpu_root(g, 0, &why), GUEST_ROOT_VMCOREINFO);
	/* T0SZ = T1SZ = 12, TG0 64K (1), TG1 64K (3), IPS 52-bit (6) */
	assert_non_null(strstr(why, "0x40020000, 52-bit VA, 64K pages: "
			       "TCR_EL1 0xe6c00c400c"));
	guest_close(g);
}

/* 16K pages with a 52-bit VA are LPA2 (TCR.DS), as the recorded 16K
 * guest's TCR_EL1 says; a 48-bit 16K kernel's IPS stops at 48 bits. */
static void test_guest_arm64__vmcoreinfo_16k_lpa2(void **state)
{
	static const char vmci52[] =
		"PAGESIZE=16384\n"
		"SYMBOL(swapper_pg_dir)=ffff800008004000\n"
		"NUMBER(VA_BITS)=52\n"
		"NUMBER(kimage_voffset)=0xffff7fffc8000000\n"
		"NUMBER(TCR_EL1_T1SZ)=0xc\n"
		"NUMBER(MAX_PHYSMEM_BITS)=52\n";
	static const char vmci48[] =
		"PAGESIZE=16384\n"
		"SYMBOL(swapper_pg_dir)=ffff800008004000\n"
		"NUMBER(VA_BITS)=52\n"
		"NUMBER(kimage_voffset)=0xffff7fffc8000000\n"
		"NUMBER(TCR_EL1_T1SZ)=0x10\n"
		"NUMBER(MAX_PHYSMEM_BITS)=52\n";
	struct mk_dump d;
	char err[512];
	const char *why;
	guest *g;

	(void)state;
	build(&d, vmci52);
	g = open_dump(&d, NULL, err, sizeof(err));
	assert_non_null(g);
	assert_int_equal(guest_cpu_root(g, 0, &why), GUEST_ROOT_VMCOREINFO);
	/* DS, HA, TBI1, TBI0, IPS 52 (6), TG1 16K (1), T1SZ 12, TG0 16K
	 * (2), T0SZ 12 */
	assert_non_null(strstr(why, "0x40004000, 52-bit VA, 16K pages: "
			       "TCR_EL1 0x80000e6400c800c"));
	guest_close(g);
	build(&d, vmci48);
	g = open_dump(&d, NULL, err, sizeof(err));
	assert_non_null(g);
	assert_int_equal(guest_cpu_root(g, 0, &why), GUEST_ROOT_VMCOREINFO);
	/* no DS, IPS 48 (5), T1SZ = T0SZ = 16 */
	assert_non_null(strstr(why, "48-bit VA, 16K pages: TCR_EL1 "
			       "0xe540108010"));
	guest_close(g);
}

static void test_guest_arm64__vmcoreinfo_invalid(void **state)
{
	static const char *const bad[][2] = {
		{ "SYMBOL(swapper_pg_dir)=ffff800008002000\nNUMBER(VA_BITS)=48\n",
		  "NUMBER(kimage_voffset)" },
		{ "NUMBER(kimage_voffset)=0xffff7fffc8000000\nNUMBER(VA_BITS)=48\n",
		  "SYMBOL(swapper_pg_dir)" },
		{ "SYMBOL(swapper_pg_dir)=ffff800008002000\n"
		  "NUMBER(kimage_voffset)=0xffff7fffc8000000\n",
		  "NUMBER(VA_BITS)" },
		{ "SYMBOL(swapper_pg_dir)=ffff800008002000\nNUMBER(VA_BITS)=48\n"
		  "NUMBER(kimage_voffset)=0xffff7fffc8000000\nPAGESIZE=8192\n",
		  "PAGESIZE=8192 is not an arm64 granule" },
		{ "SYMBOL(swapper_pg_dir)=ffff800008002000\nNUMBER(VA_BITS)=48\n"
		  "NUMBER(kimage_voffset)=0xffff7fffc8000000\n"
		  "NUMBER(PHYS_OFFSET)=0x80000000\n",
		  "lies below PHYS_OFFSET 0x80000000" },
	};
	struct mk_dump d;
	char err[512];
	const char *why;
	guest *g;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		build(&d, bad[i][0]);
		g = open_dump(&d, NULL, err, sizeof(err));
		assert_non_null(g);
		assert_int_equal(guest_cpu_root(g, 1, &why),
				 GUEST_ROOT_UNKNOWN);
		if (!strstr(why, bad[i][1]))
			fail_msg("case %zu: '%s' lacks '%s'", i, why,
				 bad[i][1]);
		guest_close(g);
	}
}

static void test_guest_arm64__options_win(void **state)
{
	struct guest_reg_value r[] = {
		{ "ttbr1_el1", 0x40008000 }, { "tcr_el1", 0x2580101010 },
		{ "ttbr0_el1", 0x40009000 },
	};
	struct guest_open_opts o = GUEST_OPEN_OPTS_INIT;
	struct mk_dump d;
	char err[512];
	const char *why;
	guest *g;

	(void)state;
	build(&d, vmci_4k);
	o.regs = r;
	o.nregs = 3;
	g = open_dump(&d, &o, err, sizeof(err));
	assert_non_null(g);
	assert_int_equal(guest_cpu_root(g, 0, &why), GUEST_ROOT_REGS);
	assert_null(why);
	assert_null(guest_cpu_refusal(g, 0, 0xaaaad0000000ULL));
	guest_close(g);

	/* TTBR0 alone with VMCOREINFO: the kernel half from VMCOREINFO,
	 * the user half as given. */
	o.regs = &r[2];
	o.nregs = 1;
	g = open_dump(&d, &o, err, sizeof(err));
	assert_non_null(g);
	assert_int_equal(guest_cpu_root(g, 1, &why), GUEST_ROOT_VMCOREINFO);
	assert_non_null(strstr(why, "TTBR0_EL1 as given"));
	assert_null(guest_cpu_refusal(g, 1, 0xaaaad0000000ULL));
	guest_close(g);
}

static void test_guest_arm64__invalid_notes_and_options(void **state)
{
	struct guest_open_opts o = GUEST_OPEN_OPTS_INIT;
	struct mk_dump d;
	char err[512];

	(void)state;
	/* An x86_64-sized NT_PRSTATUS in an EM_AARCH64 dump. */
	build(&d, NULL);
	d.machine = EM_X86_64;
	d.no_qemu_notes = 1;
	{
		struct mk_layout lay;
		char path[64];
		guest *g = NULL;
		size_t n;
		uint8_t *p;

		assert_int_equal(mk_dump_write(&d, path, &lay), 0);
		p = mk_file_read(path, &n);
		assert_non_null(p);
		p[18] = EM_AARCH64;        /* e_machine, low byte */
		unlink(path);
		assert_int_equal(mk_file_write(p, n, path), 0);
		free(p);
		assert_int_equal(guest_open(&g, path, NULL, err, sizeof(err)),
				 -1);
		unlink(path);
		assert_non_null(strstr(err, "aarch64 NT_PRSTATUS note at file "
				       "offset"));
		assert_non_null(strstr(err, "is 336 bytes"));
	}
	/* x86 options and an x86 --arch do not fit an aarch64 dump. */
	build(&d, NULL);
	o.have_cr3 = 1;
	assert_null(open_dump(&d, &o, err, sizeof(err)));
	assert_non_null(strstr(err, "x86 registers"));
	o.have_cr3 = 0;
	o.have_arch = 1;
	o.arch = GUEST_ARCH_X86_64;
	assert_null(open_dump(&d, &o, err, sizeof(err)));
	assert_non_null(strstr(err, "--arch x86_64 does not fit a dump of "
			       "aarch64 vCPUs"));
	/* Nor does another architecture's. */
	o.arch = GUEST_ARCH_PPC64;
	assert_null(open_dump(&d, &o, err, sizeof(err)));
	assert_non_null(strstr(err, "--arch ppc64 does not fit a dump of "
			       "aarch64 vCPUs"));
}

/* A raw image of an aarch64 guest: no registers; the kernel's half from
 * --vmcoreinfo, nothing else made up. */
static void test_guest_arm64__raw_with_vmcoreinfo(void **state)
{
	struct guest_open_opts o = GUEST_OPEN_OPTS_INIT;
	char path[64], vpath[64], err[512];
	const char *why;
	uint64_t v;
	guest *g;

	(void)state;
	assert_int_equal(mk_file_write(ram, sizeof(ram), path), 0);
	assert_int_equal(mk_file_write(vmci_4k, strlen(vmci_4k), vpath), 0);
	o.format = GUEST_FMT_RAW;
	o.raw_base = RAM;
	o.raw_arch = GUEST_ARCH_AARCH64;
	o.have_arch = 1;
	o.arch = GUEST_ARCH_AARCH64;
	assert_int_equal(guest_open(&g, path, &o, err, sizeof(err)), 0);
	assert_int_equal(guest_arch(g), GUEST_ARCH_AARCH64);
	assert_int_equal(guest_cpu_root(g, 0, &why), GUEST_ROOT_UNKNOWN);
	assert_int_equal(guest_reg_read(g, 0, guest_reg_id(g, "pc"), &v),
			 GUEST_REG_ZERO);
	guest_close(g);
	o.vmcoreinfo_path = vpath;
	assert_int_equal(guest_open(&g, path, &o, err, sizeof(err)), 0);
	assert_int_equal(guest_cpu_root(g, 0, &why), GUEST_ROOT_VMCOREINFO);
	assert_non_null(strstr(why, "physical 0x40002000"));
	guest_close(g);
	unlink(path);
	unlink(vpath);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_arm64__notes_give_registers),
		cmocka_unit_test(test_guest_arm64__reg_names_any_case),
		cmocka_unit_test(test_guest_arm64__no_root_no_translation),
		cmocka_unit_test(test_guest_arm64__ttbr0_alone_names_tcr),
		cmocka_unit_test(test_guest_arm64__vmcoreinfo_root),
		cmocka_unit_test(test_guest_arm64__vmcoreinfo_64k_52bit),
		cmocka_unit_test(test_guest_arm64__vmcoreinfo_16k_lpa2),
		cmocka_unit_test(test_guest_arm64__vmcoreinfo_invalid),
		cmocka_unit_test(test_guest_arm64__options_win),
		cmocka_unit_test(test_guest_arm64__invalid_notes_and_options),
		cmocka_unit_test(test_guest_arm64__raw_with_vmcoreinfo),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
