/*
 * riscv64 dumps through guest/: the harts' pc and x1-x31 from QEMU's
 * NT_PRSTATUS notes under QEMU 7.2's gdbstub names, --reg satp=, and the
 * kernel's root found in memory when no satp is given (the boot image
 * header on a 2 MiB boundary; of the roots in the image that map it, the
 * one with no user half and the most kernel entries), or none — then
 * every refusal names --reg satp=.
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

/* 4 MiB of RAM at 0x80000000 (QEMU's virt); the kernel image at
 * 0x80200000 (a 2 MiB boundary), 1 MiB long, mapped at 0xffffffff80000000
 * by a 2 MiB leaf. */
#define RAM       0x80000000ULL
#define IMAGE     0x80200000ULL
#define KVA       0xffffffff80000000ULL
#define LINEAR    0xffffffc000000000ULL  /* Sv39 root index 0x100 */
/* The roots in the image, in the order a scan meets them (as in a real
 * guest, early_pg_dir lies below swapper_pg_dir). */
#define EARLY     0x80210000ULL  /* the image alone: 1 kernel entry */
#define TASK      0x80212000ULL  /* both kernel entries and a user one */
#define SWAPPER   0x80213000ULL  /* no user half, 2 kernel entries */
#define USER_VA   0x10000ULL
static uint8_t ram[4 << 20];

#define PTE_V 0x1ULL
#define PTE_R 0x2ULL
#define PTE_W 0x4ULL
#define PTE_X 0x8ULL
#define PTE_U 0x10ULL
#define PTE_G 0x20ULL
#define PTE_A 0x40ULL
#define PTE_D 0x80ULL
#define LEAF  (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D)

static void put64(uint64_t pa, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		ram[pa - RAM + (uint64_t)i] = (uint8_t)(v >> (8 * i));
}

static uint64_t pte(uint64_t pa, uint64_t flags)
{
	return (pa >> 12) << 10 | flags;
}

/* The image header's magic and size; the three roots. */
static void build_ram(int with_header)
{
	memset(ram, 0, sizeof(ram));
	if (with_header) {
		put64(IMAGE + 0x10, 0x100000);          /* effective size */
		memcpy(ram + (IMAGE - RAM) + 0x30, "RISCV\0\0\0RSC\x05", 12);
	}
	/* L1 table of the image's GiB: a 2 MiB leaf for the image. */
	put64(0x80211000, pte(IMAGE, LEAF | PTE_G));
	for (uint64_t root = EARLY; root <= SWAPPER; root += 0x1000) {
		if (root == 0x80211000)
			continue;
		put64(root + 0x1fe * 8, pte(0x80211000, PTE_V));
		if (root != EARLY)   /* a 1 GiB linear map of RAM */
			put64(root + 0x100 * 8, pte(RAM, LEAF | PTE_G));
	}
	/* The task's user half: 0x10000 -> 0x80300000 (a 4K page). */
	put64(TASK + 0, pte(0x80214000, PTE_V));
	put64(0x80214000, pte(0x80215000, PTE_V));
	put64(0x80215000 + 0x10 * 8, pte(0x80300000, LEAF | PTE_U));
}

static void build(struct mk_dump *d, int with_header)
{
	memset(d, 0, sizeof(*d));
	d->elf64 = 1;
	d->machine = EM_RISCV;
	d->ncpu = 2;
	for (int c = 0; c < 2; c++) {
		struct mk_cpu *p = &d->cpu[c];

		for (int i = 0; i < 31; i++)
			p->x[i] = 0x100ULL * (uint64_t)c + (uint64_t)i + 1;
		/* hart 0 in the kernel image (S-mode), hart 1 in user code */
		p->pc = c ? USER_VA + 0x40 : KVA + 0x2000;
	}
	build_ram(with_header);
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
	uint64_t v = 0;
	int id = guest_reg_id(g, name);

	assert_true(id >= 0);
	assert_int_equal(guest_reg_read(g, cpu, id, &v), want);
	return v;
}

/* -1 when @p va does not translate on hart @p cpu. */
static int64_t xlate(guest *g, int cpu, uint64_t va)
{
	struct pgw_result r;
	pgw_ctx *c;

	if (guest_cpu_ctx(g, cpu, &c, NULL, 0) < 0 ||
	    pgw_translate(c, va, 0, &r, NULL, NULL) < 0)
		return -1;
	return (int64_t)r.out_pa;
}

static void test_guest_riscv__notes_give_registers(void **state)
{
	struct mk_dump d;
	char err[512];
	guest *g;

	(void)state;
	build(&d, 1);
	g = open_dump(&d, NULL, err, sizeof(err));
	assert_non_null(g);
	assert_int_equal(guest_arch(g), GUEST_ARCH_RISCV64);
	assert_int_equal(guest_ncpus(g), 2);
	assert_non_null(strstr(guest_describe(g), "riscv64"));
	assert_int_equal(reg(g, 0, "pc", GUEST_REG_READ), KVA + 0x2000);
	assert_int_equal(reg(g, 1, "pc", GUEST_REG_READ), USER_VA + 0x40);
	assert_int_equal(reg(g, 0, "zero", GUEST_REG_READ), 0);
	assert_int_equal(reg(g, 0, "ra", GUEST_REG_READ), 1);
	assert_int_equal(reg(g, 1, "sp", GUEST_REG_READ), 0x102);
	assert_int_equal(reg(g, 1, "t6", GUEST_REG_READ), 0x11f);
	/* x<n> and s0 name the same registers, in any case */
	assert_int_equal(guest_reg_id(g, "x8"), guest_reg_id(g, "fp"));
	assert_int_equal(guest_reg_id(g, "S0"), guest_reg_id(g, "fp"));
	assert_int_equal(guest_reg_id(g, "X31"), guest_reg_id(g, "t6"));
	assert_int_equal(guest_reg_id(g, "x32"), -1);
	/* no CSR in QEMU's notes */
	reg(g, 0, "satp", GUEST_REG_ZERO);
	reg(g, 0, "priv", GUEST_REG_ZERO);
	assert_non_null(guest_riscv_cpu(g, 1));
	assert_null(guest_riscv_cpu(g, 2));
	guest_close(g);
}

static void test_guest_riscv__root_found_in_memory(void **state)
{
	const char *why;
	struct mk_dump d;
	char err[512];
	guest *g;

	(void)state;
	build(&d, 1);
	g = open_dump(&d, NULL, err, sizeof(err));
	assert_non_null(g);
	for (int c = 0; c < 2; c++) {
		assert_int_equal(guest_cpu_root(g, c, &why), GUEST_ROOT_FOUND);
		assert_non_null(why);
		assert_non_null(strstr(why, "Sv39 root at physical 0x80213000"));
		assert_non_null(strstr(why, "--reg satp="));
		assert_int_equal(xlate(g, c, KVA + 0x1234), IMAGE + 0x1234);
		assert_int_equal(xlate(g, c, LINEAR + 0x5678), RAM + 0x5678);
		/* the kernel's root maps no user half: refused, not unmapped */
		why = guest_cpu_refusal(g, c, USER_VA);
		assert_non_null(why);
		assert_non_null(strstr(why, "--reg satp="));
		assert_null(guest_cpu_refusal(g, c, KVA));
	}
	guest_close(g);
}

static void test_guest_riscv__reg_satp_wins(void **state)
{
	struct guest_open_opts o = GUEST_OPEN_OPTS_INIT;
	struct guest_reg_value rv = { "satp", 8ULL << 60 | TASK >> 12 };
	struct mk_dump d;
	char err[512];
	guest *g;

	(void)state;
	build(&d, 1);
	o.regs = &rv;
	o.nregs = 1;
	g = open_dump(&d, &o, err, sizeof(err));
	assert_non_null(g);
	assert_int_equal(guest_cpu_root(g, 1, NULL), GUEST_ROOT_REGS);
	assert_int_equal(reg(g, 1, "satp", GUEST_REG_GIVEN), rv.value);
	assert_null(guest_cpu_refusal(g, 1, USER_VA));
	assert_int_equal(xlate(g, 1, USER_VA + 0x10), 0x80300010);
	assert_int_equal(xlate(g, 0, KVA + 8), IMAGE + 8);
	guest_close(g);
}

static void test_guest_riscv__no_header_no_root(void **state)
{
	const char *why;
	struct mk_dump d;
	char err[512];
	pgw_ctx *c;
	guest *g;

	(void)state;
	build(&d, 0);
	g = open_dump(&d, NULL, err, sizeof(err));
	assert_non_null(g);
	assert_int_equal(guest_cpu_root(g, 0, &why), GUEST_ROOT_UNKNOWN);
	assert_non_null(strstr(why, "--reg satp="));
	assert_int_equal(guest_cpu_ctx(g, 0, &c, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "--reg satp="));
	assert_non_null(guest_cpu_refusal(g, 0, KVA));
	guest_close(g);
}

static void test_guest_riscv__bad_input_refused(void **state)
{
	struct guest_open_opts o = GUEST_OPEN_OPTS_INIT;
	struct guest_reg_value rv = { "ttbr1_el1", 1 };
	struct mk_dump d;
	struct mk_layout lay;
	char err[512], path[64];
	uint8_t *buf;
	size_t len;
	guest *g = NULL;

	(void)state;
	build(&d, 1);
	/* An aarch64 register name: the message lists riscv64's. */
	o.regs = &rv;
	o.nregs = 1;
	assert_null(open_dump(&d, &o, err, sizeof(err)));
	assert_non_null(strstr(err, "riscv64"));
	assert_non_null(strstr(err, "satp"));
	/* x86 options do not fit. */
	o.nregs = 0;
	o.have_cr3 = 1;
	assert_null(open_dump(&d, &o, err, sizeof(err)));
	assert_non_null(strstr(err, "--reg satp="));
	/* An NT_PRSTATUS one byte short of Linux's riscv64 layout. */
	assert_int_equal(mk_dump_write(&d, path, &lay), 0);
	buf = mk_file_read(path, &len);
	unlink(path);
	assert_non_null(buf);
	buf[lay.note_off + 4] = 375 & 0xff;   /* descsz: 0x178 -> 0x177 */
	assert_int_equal(mk_file_write(buf, len, path), 0);
	free(buf);
	assert_int_equal(guest_open(&g, path, NULL, err, sizeof(err)), -1);
	unlink(path);
	assert_non_null(strstr(err, "376"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_riscv__notes_give_registers),
		cmocka_unit_test(test_guest_riscv__root_found_in_memory),
		cmocka_unit_test(test_guest_riscv__reg_satp_wins),
		cmocka_unit_test(test_guest_riscv__no_header_no_root),
		cmocka_unit_test(test_guest_riscv__bad_input_refused),
	};

	return cmocka_run_group_tests_name("guest/riscv", tests, NULL, NULL);
}
