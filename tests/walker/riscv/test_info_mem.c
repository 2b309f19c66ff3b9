/*
 * `info mem` on RISC-V contexts against QEMU 7.2's own: the tables below
 * were loaded into qemu-system-riscv64 / -riscv32 7.2 (-M virt -bios none
 * -S, -device loader at 0x80000000, satp set through its gdbstub) and its
 * `info mem` recorded. Lines QEMU gets right are expected verbatim; where
 * QEMU is wrong the comment quotes its line and the test expects the right
 * one (docs/info-mem-riscv.md).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rvmem.h"

#define T 0x80000000ULL           /* QEMU virt's RAM: the tables live here */
#define SATP64(mode, root) (((uint64_t)(mode) << 60) | ((root) >> 12))
#define SATP32(root) ((1ULL << 31) | ((root) >> 12))
#define RWAD (V | R | W | A | D)

#define HDR64 "vaddr            paddr            size             attr\n" \
	      "---------------- ---------------- ---------------- -------\n"
#define HDR32 "vaddr    paddr            size     attr\n" \
	      "-------- ---------------- -------- -------\n"

struct fx {
	struct rvmem m;
	pgw_ctx *c;
	struct rvtext t;
	char err[160];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	rvmem_add(&f->m, T, 0x10000);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	pgw_ctx_free(f->c);
	rvmem_free(&f->m);
	free(f->t.s);
	free(f);
	return 0;
}

/* `info mem` of satp over @f's memory, as text (through the copying
 * reads, then zero-copy: both must print the same). */
static const char *info_mem(struct fx *f, uint64_t satp, unsigned xlen)
{
	struct pgw_riscv_regs r = PGW_RISCV_REGS_INIT;
	char *first;

	r.satp = satp;
	r.xlen = xlen;
	for (int pass = 0; pass < 2; pass++) {
		pgw_ctx_free(f->c);
		f->c = NULL;
		assert_int_equal(pgw_ctx_new_riscv(&f->c, &r, pass ? &rvmem_ops :
						   &rvmem_ops_copy, &f->m,
						   f->err, sizeof(f->err)), 0);
		rvtext_clear(&f->t);
		assert_int_equal(pgw_view_mem(f->c, rvtext_write, &f->t), 0);
		assert_non_null(f->t.s);
		if (!pass) {
			first = strdup(f->t.s);
			assert_non_null(first);
		}
	}
	assert_string_equal(first, f->t.s);
	free(first);
	return f->t.s;
}

static void expect_text(const char *got, const char *want)
{
	if (strcmp(got, want))
		print_error("got:\n%s\nwant:\n%s\n", got, want);
	assert_string_equal(got, want);
}

#define L2  (T + 0x1000)
#define L1a (T + 0x2000)
#define L0a (T + 0x3000)
#define L0b (T + 0x4000)
#define L0c (T + 0x5000)

static void put(struct fx *f, uint64_t table, unsigned i, uint64_t v)
{
	rvmem_put(&f->m, table + 8 * i, v, 8);
}

/*
 * Sv39, root L2:
 *   L2[0] -> L1a
 *     L1a[0] -> L0a
 *       L0a[0..3]   4K  0x81000000..  RWAD      one run
 *       L0a[4]      4K  0x81008000    RWAD      frame gap: new run
 *       L0a[5]      4K  0x81009000    R A       bits change: new run
 *       L0a[7]      4K  0x8100a000    R A       VA gap, frames follow on
 *       L0a[8]      W A D (no R)                reserved
 *       L0a[9]      V only: a pointer at L0     reserved
 *       L0a[10]     4K  0x8100d000    R U G A
 *       L0a[11]     4K  0x8100e000    X A       execute-only
 *       L0a[16..31] NAPOT 64K 0x81100000 RWAD (PPN[3:0] = 1000)
 *       L0a[32]     4K  0x81110000    RWAD      follows the NAPOT page
 *       L0a[33]     4K  0x81111000    RWAD PBMT IO
 *       L0a[34]     4K  0x81112000    RWAD PBMT NC
 *       L0a[35]     bit 54 set                  reserved
 *       L0a[36]     PBMT 3                      reserved
 *       L0a[510..511] 4K 0x811fe000.. RWAD
 *     L1a[1] -> L0b
 *       L0b[0..1]   4K  0x81200000..  RWAD      follows L0a[511] on
 *     L1a[2]      2M at 0x81401000               misaligned
 *     L1a[3]      pointer with A -> L0c          reserved
 *       L0c[0]      4K  0x81600000    RWAD
 *     L1a[4..5]   2M  0x81800000..  RWXAD       one run
 *   L2[1]       1G  0x40000000    RWAD G
 *   L2[255]     1G  0xc0000000    RWAD G      last of the lower half
 *   L2[256]     1G  0x100000000   RWAD G      first of the upper half
 *   L2[511]     1G  0x140000000   R X G A
 */
static void build_sv39(struct fx *f)
{
	put(f, L2, 0, PPN(L1a) | V);
	put(f, L1a, 0, PPN(L0a) | V);
	for (unsigned i = 0; i < 4; i++)
		put(f, L0a, i, PPN(0x81000000 + i * 0x1000ULL) | RWAD);
	put(f, L0a, 4, PPN(0x81008000) | RWAD);
	put(f, L0a, 5, PPN(0x81009000) | V | R | A);
	put(f, L0a, 7, PPN(0x8100a000) | V | R | A);
	put(f, L0a, 8, PPN(0x8100b000) | V | W | A | D);
	put(f, L0a, 9, PPN(0x8100c000) | V);
	put(f, L0a, 10, PPN(0x8100d000) | V | R | A | U | G);
	put(f, L0a, 11, PPN(0x8100e000) | V | X | A);
	for (unsigned i = 16; i < 32; i++)
		put(f, L0a, i, N | PPN(0x81100000 | 0x8000) | RWAD);
	put(f, L0a, 32, PPN(0x81110000) | RWAD);
	put(f, L0a, 33, PBMT(2) | PPN(0x81111000) | RWAD);
	put(f, L0a, 34, PBMT(1) | PPN(0x81112000) | RWAD);
	put(f, L0a, 35, (1ULL << 54) | PPN(0x81113000) | RWAD);
	put(f, L0a, 36, PBMT(3) | PPN(0x81114000) | RWAD);
	put(f, L0a, 510, PPN(0x811fe000) | RWAD);
	put(f, L0a, 511, PPN(0x811ff000) | RWAD);
	put(f, L1a, 1, PPN(L0b) | V);
	put(f, L0b, 0, PPN(0x81200000) | RWAD);
	put(f, L0b, 1, PPN(0x81201000) | RWAD);
	put(f, L1a, 2, PPN(0x81401000) | RWAD);
	put(f, L1a, 3, PPN(L0c) | V | A);
	put(f, L0c, 0, PPN(0x81600000) | RWAD);
	put(f, L1a, 4, PPN(0x81800000) | RWAD | X);
	put(f, L1a, 5, PPN(0x81a00000) | RWAD | X);
	put(f, L2, 1, PPN(0x40000000) | RWAD | G);
	put(f, L2, 255, PPN(0xc0000000) | RWAD | G);
	put(f, L2, 256, PPN(0x100000000ULL) | RWAD | G);
	put(f, L2, 511, PPN(0x140000000ULL) | V | R | X | G | A);
}

/* Runs as QEMU merges them: equal bits, frames that follow on, VAs that
 * follow on, one table (L0a[511] and L0b[0] stay two lines, as QEMU's). */
static void test_info_mem__sv39_runs_as_qemu(void **state)
{
	struct fx *f = *state;

	build_sv39(f);
	expect_text(info_mem(f, SATP64(8, L2), 64), HDR64
		"0000000000000000 0000000081000000 0000000000004000 rw---ad\n"
		"0000000000004000 0000000081008000 0000000000001000 rw---ad\n"
		"0000000000005000 0000000081009000 0000000000001000 r----a-\n"
		"0000000000007000 000000008100a000 0000000000001000 r----a-\n"
		/* QEMU: 0000000000008000 000000008100b000 0000000000001000
		 * -w---ad (W without R is reserved: the hart faults) */
		"000000000000a000 000000008100d000 0000000000001000 r--uga-\n"
		"000000000000b000 000000008100e000 0000000000001000 --x--a-\n"
		/* QEMU: sixteen lines 00000000000100000..1f000, each
		 * 0000000081108000 0000000000001000 rw---ad (a NAPOT PTE's
		 * PPN[3:0] taken as frame bits), then 0000000000020000
		 * 0000000081110000 0000000000002000 rw---ad (the IO page
		 * merged into RAM) */
		"0000000000010000 0000000081100000 0000000000011000 rw---ad\n"
		"0000000000021000 0000000081111000 0000000000001000 rw---ad pbmt=IO\n"
		/* QEMU: 0000000000022000 8000000081112000 ... (PBMT shifted
		 * into the frame) */
		"0000000000022000 0000000081112000 0000000000001000 rw---ad pbmt=NC\n"
		/* QEMU: 0000000000023000 0100000081113000 and
		 * 0000000000024000 8000000081114000 (reserved bits) */
		"00000000001fe000 00000000811fe000 0000000000002000 rw---ad\n"
		"0000000000200000 0000000081200000 0000000000002000 rw---ad\n"
		/* QEMU: 0000000000400000 0000000081401000 0000000000200000
		 * rw---ad (misaligned), 0000000000600000 0000000081600000
		 * 0000000000001000 rw---ad (under a pointer with A) */
		"0000000000800000 0000000081800000 0000000000400000 rwx--ad\n"
		"0000000040000000 0000000040000000 0000000040000000 rw--gad\n"
		/* QEMU: 0000003fc0000000 00000000c0000000 0000000080000000
		 * rw--gad (one run across the hole between the halves) */
		"0000003fc0000000 00000000c0000000 0000000040000000 rw--gad\n"
		"ffffffc000000000 0000000100000000 0000000040000000 rw--gad\n"
		"ffffffffc0000000 0000000140000000 0000000040000000 r-x-ga-\n");
}

/* A run stays in its table also where a leaf of the parent follows a
 * child table's last leaf, and the other way round (QEMU 7.2's rule). */
static void test_info_mem__run_never_leaves_its_table(void **state)
{
	struct fx *f = *state;

	put(f, L2, 0, PPN(L1a) | V);
	/* L1a[0] -> L0a[511]: 4K 0x811ff000, then L1a[1]: 2M 0x81200000 */
	put(f, L1a, 0, PPN(L0a) | V);
	put(f, L0a, 511, PPN(0x811ff000) | RWAD);
	put(f, L1a, 1, PPN(0x81200000) | RWAD);
	/* L1a[2]: 2M 0x81400000, then L1a[3] -> L0b[0]: 4K 0x81600000 */
	put(f, L1a, 2, PPN(0x81400000) | RWAD);
	put(f, L1a, 3, PPN(L0b) | V);
	put(f, L0b, 0, PPN(0x81600000) | RWAD);
	expect_text(info_mem(f, SATP64(8, L2), 64), HDR64
		"00000000001ff000 00000000811ff000 0000000000001000 rw---ad\n"
		"0000000000200000 0000000081200000 0000000000400000 rw---ad\n"
		"0000000000600000 0000000081600000 0000000000001000 rw---ad\n");
}

/*
 * Sv48 and Sv57 (recorded from QEMU 7.2, which is right for both):
 *   root[0] -> ... -> L0[1] 4K 0x81001000 RWAD, L0[2] 0x81002000 RWAD U
 *   root[1]   a top-level leaf (512G / 256T) at its own VA, RWAD G
 *   root[511] -> T+0x8000[511] R X G A: 1G 0xc0000000 in Sv48, 512G
 *             0x8000000000 in Sv57 (0xc0000000 would be a misaligned
 *             512G page, which QEMU lists and the hart faults on)
 */
static void build_deep(struct fx *f, unsigned levels)
{
	uint64_t top = levels == 4 ? 0x8000000000ULL : 0x1000000000000ULL;
	uint64_t last = levels == 4 ? 0xc0000000ULL : 0x8000000000ULL;

	for (unsigned k = 0; k + 1 < levels; k++)
		put(f, T + 0x1000 * (k + 1), 0, PPN(T + 0x1000 * (k + 2)) | V);
	put(f, T + 0x1000 * levels, 1, PPN(0x81001000) | RWAD);
	put(f, T + 0x1000 * levels, 2, PPN(0x81002000) | RWAD | U);
	put(f, T + 0x1000, 1, PPN(top) | RWAD | G);
	put(f, T + 0x1000, 511, PPN(T + 0x8000) | V);
	put(f, T + 0x8000, 511, PPN(last) | V | R | X | G | A);
}

static void test_info_mem__sv48_as_qemu(void **state)
{
	struct fx *f = *state;

	build_deep(f, 4);
	expect_text(info_mem(f, SATP64(9, T + 0x1000), 64), HDR64
		"0000000000001000 0000000081001000 0000000000001000 rw---ad\n"
		"0000000000002000 0000000081002000 0000000000001000 rw-u-ad\n"
		"0000008000000000 0000008000000000 0000008000000000 rw--gad\n"
		"ffffffffc0000000 00000000c0000000 0000000040000000 r-x-ga-\n");
}

static void test_info_mem__sv57_as_qemu(void **state)
{
	struct fx *f = *state;

	build_deep(f, 5);
	expect_text(info_mem(f, SATP64(10, T + 0x1000), 64), HDR64
		"0000000000001000 0000000081001000 0000000000001000 rw---ad\n"
		"0000000000002000 0000000081002000 0000000000001000 rw-u-ad\n"
		"0001000000000000 0001000000000000 0001000000000000 rw--gad\n"
		"ffffff8000000000 0000008000000000 0000008000000000 r-x-ga-\n");
}

/*
 * Sv32 (qemu-system-riscv32 7.2's widths: 8-digit vaddr and size):
 *   L1[0] -> L0
 *     L0[1]   4K 0x81001000 RWAD
 *     L0[2..3] 4K 0x381002000.. RWAD U (34-bit frames)
 *   L1[1..2]  4M 0x81400000.. RWXAD  one run
 *   L1[3]     4M at 0x81c01000       misaligned
 *   L1[1023]  4M 0x3ffc00000 R X G A
 */
static void test_info_mem__sv32_as_qemu(void **state)
{
	struct fx *f = *state;
	const uint64_t l1 = T + 0x1000, l0 = T + 0x2000;

	rvmem_put(&f->m, l1 + 0, PPN(l0) | V, 4);
	rvmem_put(&f->m, l0 + 4, PPN(0x81001000) | RWAD, 4);
	rvmem_put(&f->m, l0 + 8, PPN(0x381002000ULL) | RWAD | U, 4);
	rvmem_put(&f->m, l0 + 12, PPN(0x381003000ULL) | RWAD | U, 4);
	rvmem_put(&f->m, l1 + 4, PPN(0x81400000) | RWAD | X, 4);
	rvmem_put(&f->m, l1 + 8, PPN(0x81800000) | RWAD | X, 4);
	rvmem_put(&f->m, l1 + 12, PPN(0x81c01000) | RWAD, 4);
	rvmem_put(&f->m, l1 + 4092, PPN(0x3ffc00000ULL) | V | R | X | G | A,
		  4);
	expect_text(info_mem(f, SATP32(l1), 32), HDR32
		"00001000 0000000081001000 00001000 rw---ad\n"
		"00002000 0000000381002000 00002000 rw-u-ad\n"
		"00400000 0000000081400000 00800000 rwx--ad\n"
		/* QEMU: 00c00000 0000000081c01000 00400000 rw---ad */
		"ffc00000 00000003ffc00000 00400000 r-x-ga-\n");
}

/* 1024 megapages mapping 4 GiB in one run: QEMU's 32-bit size wraps to 0
 * and it prints the header alone; the size needs a ninth digit. */
static void test_info_mem__sv32_whole_space(void **state)
{
	struct fx *f = *state;

	for (unsigned i = 0; i < 1024; i++)
		rvmem_put(&f->m, T + 0x1000 + 4 * i,
			  PPN(0x100000000ULL + i * 0x400000ULL) | RWAD, 4);
	expect_text(info_mem(f, SATP32(T + 0x1000), 32), HDR32
		"00000000 0000000100000000 100000000 rw---ad\n");
}

/* Bare satp and empty tables: QEMU's words and its bare header. */
static void test_info_mem__bare_and_empty(void **state)
{
	struct fx *f = *state;

	expect_text(info_mem(f, 0, 64), "No translation or protection\n");
	expect_text(info_mem(f, 0, 32), "No translation or protection\n");
	expect_text(info_mem(f, SATP64(8, T + 0x1000), 64), HDR64);
	expect_text(info_mem(f, SATP32(T + 0x1000), 32), HDR32);
}

/* A write error stops the view and is returned. */
static int failing_write(const char *buf, size_t len, void *payload)
{
	(void)buf;
	(void)len;
	(void)payload;
	return -5;
}

static void test_info_mem__write_error(void **state)
{
	struct fx *f = *state;

	build_sv39(f);
	info_mem(f, SATP64(8, L2), 64);
	assert_int_equal(pgw_view_mem(f->c, failing_write, NULL), -5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_info_mem__sv39_runs_as_qemu,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_info_mem__run_never_leaves_its_table, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_info_mem__sv48_as_qemu,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_mem__sv57_as_qemu,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_mem__sv32_as_qemu,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_mem__sv32_whole_space,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_mem__bare_and_empty,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_info_mem__write_error,
						setup, teardown),
	};

	return cmocka_run_group_tests_name("test_info_mem", tests, NULL, NULL);
}
