/*
 * Paging roots of dumps without control registers (kdump vmcores): the
 * kernel's tables from VMCOREINFO (x86_64 4- and 5-level, i386 PAE, the
 * note or --vmcoreinfo FILE, options winning), and no translation at all
 * when nothing names a root — while CR0.PG=0, when known, stays identity.
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

#define P  0x1ULL
#define W  0x2ULL

/* LOAD 0: 64 KiB at PA 0 with the tables at 0x1000; LOAD 1: 8 KiB of data
 * at PA 0x100000. */
static uint8_t low[0x10000], high[0x2000];

/* x86_64: init_top_pgt at VA 0xffffffff81001000 with phys_base
 * -0x1000000 (printed signed, as the kernel's %ld does) is PA 0x1000. */
static const char vmci_4l[] =
	"OSRELEASE=6.1.0-test\nPAGESIZE=4096\n"
	"SYMBOL(swapper_pg_dir)=ffffffff81001000\n"
	"NUMBER(phys_base)=-16777216\n"
	"SYMBOL(init_top_pgt)=ffffffff81001000\n"
	"NUMBER(pgtable_l5_enabled)=0\nKERNELOFFSET=1000000\n";

static void set64(uint8_t *m, uint64_t off, uint64_t v)
{
	memcpy(m + off, &v, 8);
}

static void build(struct mk_dump *d, int machine, const char *vmci)
{
	memset(low, 0, sizeof(low));
	memset(high, 0xab, sizeof(high));
	set64(low, 0x1000, 0x2000 | P | W);          /* PML4[0] -> PDPT */
	set64(low, 0x1ff8, 0x2000 | P | W);          /* PML4[511] -> PDPT */
	set64(low, 0x2000, 0x3000 | P | W);          /* PML4[0]->PDPT[0] -> PD */
	set64(low, 0x3000, 0x4000 | P | W);          /* ...PD[0] -> PT */
	set64(low, 0x4000 + 8 * 0x10, 0x100000 | P); /* ...PT[16] -> 0x100000 */
	memset(d, 0, sizeof(*d));
	d->elf64 = 1;
	d->machine = machine;
	d->ncpu = 2;
	d->no_qemu_notes = 1;
	d->vmcoreinfo = vmci;
	for (int i = 0; i < 2; i++)
		d->cpu[i].rip = 0xffffffff81000000ULL + (uint64_t)i;
	d->nload = 2;
	d->load[0] = (struct mk_load){ 0, sizeof(low), sizeof(low), low };
	d->load[1] = (struct mk_load){ 0x100000, sizeof(high), sizeof(high),
				       high };
}

/* Open @p d with @p o; the file is removed at once. */
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

static void test_guest_vmcoreinfo__x86_64_root_from_note(void **state)
{
	struct mk_dump d;
	struct pgw_fault f;
	struct pgw_result r;
	char err[512];
	const char *why;
	uint64_t v;
	pgw_ctx *c;
	guest *g;

	(void)state;
	build(&d, EM_X86_64, vmci_4l);
	g = open_dump(&d, NULL, err, sizeof(err));
	assert_non_null(g);
	for (int cpu = 0; cpu < 2; cpu++) {
		assert_int_equal(guest_cpu_root(g, cpu, &why),
				 GUEST_ROOT_VMCOREINFO);
		assert_non_null(strstr(why, "init_top_pgt at physical 0x1000, "
				       "4-level"));
		assert_int_equal(guest_cpu_ctx(g, cpu, &c, err, sizeof(err)), 0);
		assert_int_equal(pgw_ctx_mode(c), PGW_MODE_X86_4L);
		/* PML4[511]->PDPT[0]->PD[0]->PT[16] */
		assert_int_equal(pgw_translate(c, 0xffffff8000010008ULL, 0, &r,
					       NULL, NULL), 0);
		assert_int_equal(r.out_pa, 0x100008);
		/* The kernel's own root says nothing of user space: PML4[0]'s
		 * mapping is not an answer, and the refusal names the option. */
		assert_int_equal(pgw_translate(c, 0x10008, 0, &r, &f, NULL),
				 PGW_ENOTMAPPED);
		assert_int_equal(f.out_reason, PGW_FAULT_NO_ROOT);
		assert_non_null(strstr(guest_cpu_refusal(g, cpu, 0x10008),
				       "--reg cr3="));
		assert_null(guest_cpu_refusal(g, cpu, 0xffffff8000010008ULL));
	}
	/* GDB still reads the CR3 the dump lacks as 0. */
	assert_int_equal(guest_reg_read(g, 0, guest_reg_id(g, "cr3"), &v),
			 GUEST_REG_ZERO);
	assert_non_null(strstr(guest_vmcoreinfo(g), "OSRELEASE=6.1.0-test"));
	guest_close(g);
}

static void test_guest_vmcoreinfo__x86_64_5level(void **state)
{
	char text[512], err[512];
	struct mk_dump d;
	pgw_ctx *c;
	guest *g;

	(void)state;
	snprintf(text, sizeof(text), "%s", vmci_4l);
	memcpy(strstr(text, "l5_enabled)=0") + 12, "1", 1);
	build(&d, EM_X86_64, text);
	g = open_dump(&d, NULL, err, sizeof(err));
	assert_non_null(g);
	assert_int_equal(guest_cpu_ctx(g, 1, &c, err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_mode(c), PGW_MODE_X86_5L);
	guest_close(g);
}

static void test_guest_vmcoreinfo__i386_pae(void **state)
{
	struct mk_dump d;
	const char *why;
	char err[512];
	pgw_ctx *c;
	guest *g;

	(void)state;
	build(&d, EM_386, "SYMBOL(swapper_pg_dir)=c0001000\n"
	      "CONFIG_X86_PAE=y\n");
	d.elf64 = 0;
	g = open_dump(&d, NULL, err, sizeof(err));
	assert_non_null(g);
	assert_int_equal(guest_cpu_root(g, 0, &why), GUEST_ROOT_VMCOREINFO);
	assert_non_null(strstr(why, "swapper_pg_dir at physical 0x1000, PAE"));
	assert_int_equal(guest_cpu_ctx(g, 0, &c, err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_mode(c), PGW_MODE_X86_PAE);
	guest_close(g);
}

static void test_guest_vmcoreinfo__no_root_refuses(void **state)
{
	struct mk_dump d;
	const char *why;
	char err[512];
	pgw_ctx *c;
	guest *g;

	(void)state;
	build(&d, EM_X86_64, NULL);
	g = open_dump(&d, NULL, err, sizeof(err));
	assert_non_null(g);
	assert_int_equal(guest_cpu_root(g, 1, &why), GUEST_ROOT_UNKNOWN);
	assert_int_equal(guest_cpu_ctx(g, 1, &c, err, sizeof(err)), -1);
	assert_null(c);
	assert_non_null(strstr(err, "no paging root"));
	assert_non_null(strstr(err, "--reg cr3="));
	assert_non_null(strstr(err, "--vmcoreinfo FILE"));
	guest_close(g);
}

static void test_guest_vmcoreinfo__options_win(void **state)
{
	struct guest_open_opts o = GUEST_OPEN_OPTS_INIT;
	struct mk_dump d;
	const char *why;
	char err[512], path[64];
	pgw_ctx *c;
	guest *g;

	(void)state;
	/* --reg cr3= wins over init_top_pgt; the mode still comes from it. */
	build(&d, EM_X86_64, vmci_4l);
	o.have_cr3 = 1;
	o.cr3 = 0x2000;
	g = open_dump(&d, &o, err, sizeof(err));
	assert_non_null(g);
	assert_int_equal(guest_cpu_root(g, 0, &why), GUEST_ROOT_REGS);
	assert_non_null(strstr(why, "CR3 0x2000 as given; paging mode "
			       "(4-level) from VMCOREINFO"));
	guest_close(g);

	/* --cr3 alone, with nothing saying the mode: refused, not guessed. */
	build(&d, EM_X86_64, NULL);
	g = open_dump(&d, &o, err, sizeof(err));
	assert_non_null(g);
	assert_int_equal(guest_cpu_ctx(g, 0, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no paging mode"));
	guest_close(g);

	/* --vmcoreinfo FILE supplies what the dump lacks. */
	o = (struct guest_open_opts)GUEST_OPEN_OPTS_INIT;
	assert_int_equal(mk_file_write(vmci_4l, strlen(vmci_4l), path), 0);
	o.vmcoreinfo_path = path;
	g = open_dump(&d, &o, err, sizeof(err));
	unlink(path);
	assert_non_null(g);
	assert_int_equal(guest_cpu_root(g, 0, &why), GUEST_ROOT_VMCOREINFO);
	guest_close(g);

	/* --vmcoreinfo of a missing file fails the open, naming it. */
	o.vmcoreinfo_path = "/nonexistent/vmcoreinfo";
	assert_null(open_dump(&d, &o, err, sizeof(err)));
	assert_non_null(strstr(err, "--vmcoreinfo /nonexistent/vmcoreinfo"));
}

static void test_guest_vmcoreinfo__paging_off_is_identity(void **state)
{
	struct guest_open_opts o = GUEST_OPEN_OPTS_INIT;
	struct pgw_result r;
	struct mk_dump d;
	const char *why;
	char err[512];
	pgw_ctx *c;
	guest *g;

	(void)state;
	/* CR0.PG=0 held in QEMU's note: identity, nothing to say. */
	build(&d, EM_386, NULL);
	d.no_qemu_notes = 0;
	d.cpu[0].cr0 = d.cpu[1].cr0 = 0x11;
	g = open_dump(&d, NULL, err, sizeof(err));
	assert_non_null(g);
	assert_int_equal(guest_cpu_root(g, 0, &why), GUEST_ROOT_REGS);
	assert_null(why);
	assert_int_equal(guest_cpu_ctx(g, 0, &c, err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_mode(c), PGW_MODE_NONE);
	assert_int_equal(pgw_translate(c, 0x100010, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x100010);
	guest_close(g);

	/* --cr0 0 on a dump without registers: paging off as given. */
	build(&d, EM_X86_64, NULL);
	o.have_cr0 = 1;
	o.cr0 = 0;
	g = open_dump(&d, &o, err, sizeof(err));
	assert_non_null(g);
	assert_int_equal(guest_cpu_ctx(g, 1, &c, err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_mode(c), PGW_MODE_NONE);
	guest_close(g);
}

static void test_guest_vmcoreinfo__invalid_missing_key(void **state)
{
	struct mk_dump d;
	const char *why;
	char err[512];
	pgw_ctx *c;
	guest *g;

	(void)state;
	/* No init_top_pgt; then a root that is not page aligned. */
	build(&d, EM_X86_64, "NUMBER(phys_base)=0\n");
	g = open_dump(&d, NULL, err, sizeof(err));
	assert_non_null(g);
	assert_int_equal(guest_cpu_root(g, 0, &why), GUEST_ROOT_UNKNOWN);
	assert_non_null(strstr(why, "has no SYMBOL(init_top_pgt)"));
	assert_int_equal(guest_cpu_ctx(g, 0, &c, err, sizeof(err)), -1);
	guest_close(g);
	build(&d, EM_X86_64, "SYMBOL(init_top_pgt)=ffffffff81001008\n"
	      "NUMBER(phys_base)=0\n");
	g = open_dump(&d, NULL, err, sizeof(err));
	assert_non_null(g);
	assert_int_equal(guest_cpu_root(g, 0, &why), GUEST_ROOT_UNKNOWN);
	assert_non_null(strstr(why, "not page aligned"));
	guest_close(g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_vmcoreinfo__x86_64_root_from_note),
		cmocka_unit_test(test_guest_vmcoreinfo__x86_64_5level),
		cmocka_unit_test(test_guest_vmcoreinfo__i386_pae),
		cmocka_unit_test(test_guest_vmcoreinfo__no_root_refuses),
		cmocka_unit_test(test_guest_vmcoreinfo__options_win),
		cmocka_unit_test(test_guest_vmcoreinfo__paging_off_is_identity),
		cmocka_unit_test(test_guest_vmcoreinfo__invalid_missing_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
