/*
 * Sv48 and Sv57 (RISC-V Privileged ISA 4.5, 4.6): a leaf at every level,
 * 512 GiB and 256 TiB pages included, misaligned ones, sign extension from
 * bit 47 / 56, and info pg of the 5-level tree.
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

#define T512G (1ULL << 39)
#define T256T (1ULL << 48)

/*
 * Physical memory [0, 64K). Sv48 root (L3) at 0x1000, and the same tables
 * below the Sv57 root (L4) at 0x5000:
 *   L4[000] -> L3 at 0x1000                          (Sv57 only)
 *     L3[000] -> L2 at 0x2000
 *       L2[000] -> L1 at 0x3000
 *         L1[000] -> L0 at 0x4000
 *           L0[1]   4K   0x80001000      R W A D
 *         L1[001]   2M   0x80200000      R X A
 *       L2[001]     1G   0xc0000000      R W A D G
 *     L3[001]       512G 1 << 40         R W A D
 *     L3[002]       512G at 1 << 40 | 1 << 30: misaligned
 *     L3[100]       512G 1 << 39         R A         (Sv48 upper half)
 *   L4[001]         256T 1 << 48         R W A D     (Sv57 only)
 *   L4[002]         256T at 2 << 48 | 1 << 39: misaligned
 *   L4[100]         256T 0               R X A       (Sv57 upper half)
 */
struct fx {
	struct rvmem m;
	pgw_ctx *c;
	struct rvtext t;
	char err[160];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct rvmem *m;

	assert_non_null(f);
	m = &f->m;
	rvmem_add(m, 0, 0x10000);
	/* L3[000] -> L2[000] -> L1[000] -> L0[1] */
	rvmem_put(m, 0x1000 + 0 * 8, PPN(0x2000) | V, 8);
	rvmem_put(m, 0x2000 + 0 * 8, PPN(0x3000) | V, 8);
	rvmem_put(m, 0x3000 + 0 * 8, PPN(0x4000) | V, 8);
	rvmem_put(m, 0x4000 + 1 * 8, PPN(0x80001000) | V | R | W | A | D, 8);
	/* L3[000] -> L2[000] -> L1[001]: 2M */
	rvmem_put(m, 0x3000 + 1 * 8, PPN(0x80200000) | V | R | X | A, 8);
	/* L3[000] -> L2[001]: 1G */
	rvmem_put(m, 0x2000 + 1 * 8, PPN(0xc0000000) | V | R | W | A | D | G,
		  8);
	/* L3[001], L3[002]: 512G, the second misaligned; L3[100] */
	rvmem_put(m, 0x1000 + 1 * 8, PPN(1ULL << 40) | V | R | W | A | D, 8);
	rvmem_put(m, 0x1000 + 2 * 8, PPN((1ULL << 40) | (1ULL << 30)) |
		  V | R | A, 8);
	rvmem_put(m, 0x1000 + 0x100 * 8, PPN(T512G) | V | R | A, 8);
	/* Sv57: L4[000] -> L3 at 0x1000; L4[001], L4[002], L4[100] */
	rvmem_put(m, 0x5000 + 0 * 8, PPN(0x1000) | V, 8);
	rvmem_put(m, 0x5000 + 1 * 8, PPN(T256T) | V | R | W | A | D, 8);
	rvmem_put(m, 0x5000 + 2 * 8, PPN((2 * T256T) | T512G) | V | R | A, 8);
	rvmem_put(m, 0x5000 + 0x100 * 8, PPN(0) | V | R | X | A, 8);
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

static void ctx(struct fx *f, unsigned satp_mode, uint64_t root)
{
	struct pgw_riscv_regs r = PGW_RISCV_REGS_INIT;

	pgw_ctx_free(f->c);
	r.satp = ((uint64_t)satp_mode << 60) | (root >> 12);
	assert_int_equal(pgw_ctx_new_riscv(&f->c, &r, &rvmem_ops, &f->m,
					   f->err, sizeof(f->err)), 0);
}

static void expect_page(pgw_ctx *c, uint64_t va, uint64_t pa, uint64_t size,
			int level)
{
	struct pgw_result r;
	struct pgw_fault flt;

	assert_int_equal(pgw_translate(c, va, 0, &r, &flt, NULL), 0);
	assert_int_equal(r.out_pa, pa);
	assert_int_equal(r.out_page_size, size);
	assert_int_equal(r.out_level, level);
}

static void expect_fault(pgw_ctx *c, uint64_t va, int reason, int level,
			 uint64_t rsvd)
{
	struct pgw_result r;
	struct pgw_fault flt;

	assert_true(pgw_translate(c, va, 0, &r, &flt, NULL) < 0);
	assert_int_equal(flt.out_reason, reason);
	assert_int_equal(flt.out_level, level);
	assert_int_equal(flt.out_rsvd, rsvd);
}

static void test_sv48__every_leaf_level(void **state)
{
	struct fx *f = *state;

	ctx(f, 9, 0x1000);
	assert_int_equal(pgw_ctx_mode(f->c), PGW_MODE_RISCV_SV48);
	assert_string_equal(pgw_ctx_level_name(f->c, 0), "L3");
	expect_page(f->c, 0x1234, 0x80001234, 4096, 3);
	expect_page(f->c, 0x2abcde, 0x802abcde, 2u << 20, 2);
	expect_page(f->c, 0x40000010, 0xc0000010, 1u << 30, 1);
	expect_page(f->c, T512G + 0x123456789ULL, (1ULL << 40) + 0x123456789ULL,
		    T512G, 0);
	/* L3[100]: the first upper-half entry, 0xffff800000000000. */
	expect_page(f->c, 0xffff800000000042ULL, T512G + 0x42, T512G, 0);
	/* Misaligned 512G: PPN[2:0] has bit 18 (entry bit 28). */
	expect_fault(f->c, 2 * T512G, PGW_FAULT_RESERVED, 0, 1ULL << 28);
	expect_fault(f->c, 0x0000800000000000ULL, PGW_FAULT_NONCANONICAL, -1,
		     0);
}

static void test_sv57__every_leaf_level(void **state)
{
	struct fx *f = *state;

	ctx(f, 10, 0x5000);
	assert_int_equal(pgw_ctx_mode(f->c), PGW_MODE_RISCV_SV57);
	assert_string_equal(pgw_ctx_level_name(f->c, 0), "L4");
	expect_page(f->c, 0x1234, 0x80001234, 4096, 4);
	expect_page(f->c, 0x2abcde, 0x802abcde, 2u << 20, 3);
	expect_page(f->c, 0x40000010, 0xc0000010, 1u << 30, 2);
	expect_page(f->c, T512G + 7, (1ULL << 40) + 7, T512G, 1);
	expect_page(f->c, T256T + 0xfedcba987654ULL, T256T + 0xfedcba987654ULL,
		    T256T, 0);
	/* L4[100]: 0xff00000000000000, sign-extended from bit 56. */
	expect_page(f->c, 0xff00000000001000ULL, 0x1000, T256T, 0);
	/* Misaligned 256T: PPN bit 27 (entry bit 37). */
	expect_fault(f->c, 2 * T256T, PGW_FAULT_RESERVED, 0, 1ULL << 37);
	expect_fault(f->c, 0x0100000000000000ULL, PGW_FAULT_NONCANONICAL, -1,
		     0);
}

static void expect_view(const char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		fprintf(stderr, "got:\n%s\nwant:\n%s\n", got, want);
	assert_string_equal(got, want);
}

static void test_sv57__info_pg(void **state)
{
	struct fx *f = *state;

	ctx(f, 10, 0x5000);
	assert_int_equal(pgw_view_pg(f->c, NULL, rvtext_write, &f->t), 0);
	expect_view(f->t.s,
		"VPN range                   Entry         Flags              Physical page(s)\n"
		"[000000000000-000fffffffff]   L4[000]     ---------V\n"
		"  [000000000000-000007ffffff]   L3[000]     ---------V\n"
		"    [000000000000-00000003ffff]   L2[000]     ---------V\n"
		"      [000000000000-0000000001ff]   L1[000]     ---------V\n"
		"        [000000000001-000000000001]   L0[001]     --DA---WRV 0000080001\n"
		"      [000000000200-0000000003ff]   L1[001]     ---A--X-RV 0000080200-00000803ff\n"
		"    [000000040000-00000007ffff]   L2[001]     --DAG--WRV 00000c0000-00000fffff\n"
		"  [000008000000-00000fffffff]   L3[001]     --DA---WRV 0010000000-0017ffffff\n"
		"  [000800000000-000807ffffff]   L3[100]     ---A----RV 0008000000-000fffffff\n"
		"[001000000000-001fffffffff]   L4[001]     --DA---WRV 1000000000-1fffffffff\n"
		"[100000000000-100fffffffff]   L4[100]     ---A--X-RV 0000000000-0fffffffff\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sv48__every_leaf_level,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sv57__every_leaf_level,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sv57__info_pg, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("test_sv48_57", tests, NULL, NULL);
}
