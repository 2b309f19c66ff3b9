/*
 * Sv32 (RISC-V Privileged ISA 4.3): 4-byte PTEs whose 22-bit PPN reaches
 * 34-bit physical addresses (root and pages above 4 GiB), 4 MiB megapages,
 * misaligned megapages, reserved encodings, the 32-bit input space, Bare,
 * and the views with 4-byte entries.
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

#define L1T 0x100001000ULL        /* above 4 GiB: satp.PPN 0x100001 */
#define L0T 0x100002000ULL
#define SATP_SV32 ((1ULL << 31) | (L1T >> 12))

/*
 * Physical memory [4G, 4G + 64K) holds the tables. L1 at 0x100001000:
 *   L1[000] -> L0 at 0x100002000
 *     L0[1]  4K  0x3fffff000 (the top frame)  R W A D
 *     L0[2]  W only                           reserved W
 *     L0[3]  V only: a pointer at L0          reserved V
 *     L0[4]  4K  0x12345000                   R X U A
 *   L1[001]  4M  0x300400000                  R W X G A D
 *   L1[002]  4M at 0x300401000: PPN[0] = 1    misaligned
 *   L1[003]  pointer with D                   reserved D
 *   L1[3ff]  4M  0x0                          R A
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
	struct pgw_riscv_regs r = PGW_RISCV_REGS_INIT;

	assert_non_null(f);
	rvmem_add(&f->m, 0x100000000ULL, 0x10000);
	/* L1[000] -> L0 */
	rvmem_put(&f->m, L1T + 0 * 4, PPN(L0T) | V, 4);
	/* L1[000] -> L0[1..4] */
	rvmem_put(&f->m, L0T + 1 * 4, PPN(0x3fffff000ULL) | V | R | W | A | D,
		  4);
	rvmem_put(&f->m, L0T + 2 * 4, PPN(0x5000) | V | W, 4);
	rvmem_put(&f->m, L0T + 3 * 4, PPN(0x6000) | V, 4);
	rvmem_put(&f->m, L0T + 4 * 4, PPN(0x12345000) | V | R | X | U | A, 4);
	/* L1[001..003], L1[3ff] */
	rvmem_put(&f->m, L1T + 1 * 4, PPN(0x300400000ULL) |
		  V | R | W | X | G | A | D, 4);
	rvmem_put(&f->m, L1T + 2 * 4, PPN(0x300401000ULL) | V | R | A, 4);
	rvmem_put(&f->m, L1T + 3 * 4, PPN(L0T) | V | D, 4);
	rvmem_put(&f->m, L1T + 0x3ff * 4, PPN(0) | V | R | A, 4);
	r.xlen = 32;
	r.satp = SATP_SV32;
	assert_int_equal(pgw_ctx_new_riscv(&f->c, &r, &rvmem_ops_copy, &f->m,
					   f->err, sizeof(f->err)), 0);
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

static void test_sv32__pa_above_4g(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	assert_int_equal(pgw_ctx_mode(f->c), PGW_MODE_RISCV_SV32);
	assert_int_equal(pgw_ctx_va_bits(f->c), 32);
	for (int pass = 0; pass < 2; pass++) {
		assert_int_equal(pgw_translate(f->c, 0x1ffc, 0, &r, &flt, NULL),
				 0);
		assert_int_equal(r.out_pa, 0x3fffffffcULL);
		assert_int_equal(r.out_level, 1);
		assert_int_equal(r.out_perms, PERM_R | PERM_W);
		assert_int_equal(pgw_translate(f->c, 0x4567, 0, &r, &flt, NULL),
				 0);
		assert_int_equal(r.out_pa, 0x12345567);
		assert_int_equal(r.out_perms, PERM_R | PERM_X | PERM_U);
		/* 4M megapage at 12 GiB + 4M. */
		assert_int_equal(pgw_translate(f->c, 0x7abcde, 0, &r, &flt,
					       NULL), 0);
		assert_int_equal(r.out_pa, 0x3007abcdeULL);
		assert_int_equal(r.out_page_size, 4u << 20);
		assert_int_equal(r.out_level, 0);
		/* The top of the 32-bit space, not sign-extended. */
		assert_int_equal(pgw_translate(f->c, 0xffc01234ULL, 0, &r, &flt,
					       NULL), 0);
		assert_int_equal(r.out_pa, 0x1234);
	}
	assert_int_equal(pgw_translate(f->c, 0x100001000ULL, 0, &r, &flt,
				       NULL), PGW_ENOTMAPPED);
	assert_int_equal(flt.out_reason, PGW_FAULT_NONCANONICAL);
}

static void expect_rsvd(pgw_ctx *c, uint64_t va, int level, uint64_t rsvd)
{
	struct pgw_result r;
	struct pgw_fault flt;

	assert_int_equal(pgw_translate(c, va, 0, &r, &flt, NULL), PGW_ERSVD);
	assert_int_equal(flt.out_reason, PGW_FAULT_RESERVED);
	assert_int_equal(flt.out_level, level);
	assert_int_equal(flt.out_rsvd, rsvd);
}

static void test_sv32__invalid_entries(void **state)
{
	struct fx *f = *state;

	expect_rsvd(f->c, 0x2000, 1, W);           /* W without R */
	expect_rsvd(f->c, 0x3000, 1, V);           /* pointer at L0 */
	expect_rsvd(f->c, 0x800000, 0, 1ULL << 10); /* misaligned 4M */
	expect_rsvd(f->c, 0xc00000, 0, D);         /* D in a pointer */
}

static void test_sv32__bare_and_bad_satp(void **state)
{
	struct fx *f = *state;
	struct pgw_riscv_regs r = PGW_RISCV_REGS_INIT;
	struct pgw_result res;
	pgw_ctx *c = NULL;

	r.xlen = 32;
	r.satp = 0x12345;          /* MODE 0: Bare, PPN ignored */
	assert_int_equal(pgw_ctx_new_riscv(&c, &r, &rvmem_ops, &f->m, f->err,
					   sizeof(f->err)), 0);
	assert_int_equal(pgw_ctx_mode(c), PGW_MODE_NONE);
	assert_int_equal(pgw_translate(c, 0xdeadbeef, 0, &res, NULL, NULL), 0);
	assert_int_equal(res.out_pa, 0xdeadbeef);
	assert_int_equal(pgw_view_vtop(c, 0x1000, rvtext_write, &f->t), 0);
	assert_string_equal(f->t.s, "paging disabled: 0x0000000000001000 -> "
			    "0x0000000000001000\n");
	pgw_ctx_free(c);
	c = NULL;
	r.satp = (1ULL << 32) | SATP_SV32;
	assert_int_equal(pgw_ctx_new_riscv(&c, &r, &rvmem_ops, &f->m, f->err,
					   sizeof(f->err)), PGW_EINVAL);
	assert_null(c);
	assert_string_equal(f->err, "satp 0x180100001 has bits above 31, "
			    "which rv32 has not");
}

static void expect_view(const char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		fprintf(stderr, "got:\n%s\nwant:\n%s\n", got, want);
	assert_string_equal(got, want);
}

static void test_sv32__views(void **state)
{
	struct fx *f = *state;

	assert_int_equal(pgw_view_vtop(f->c, 0x1ffc, rvtext_write, &f->t), 0);
	expect_view(f->t.s,
		"vtop 0x0000000000001ffc (Sv32)\n"
		"  guest        L1[000] @ 0x0000000100001000 = 0x40000801 ---------V\n"
		"  guest        L0[001] @ 0x0000000100002004 = 0xfffffcc7 --DA---WRV 4K page\n"
		"0x0000000000001ffc -> 0x00000003fffffffc size 4K perms rw--\n");
	rvtext_clear(&f->t);
	assert_int_equal(pgw_view_pg(f->c, NULL, rvtext_write, &f->t), 0);
	expect_view(f->t.s,
		"VPN range     Entry         Flags        Physical page(s)\n"
		"[00000-003ff]   L1[000]     ---------V\n"
		"  [00001-00001]   L0[001]     --DA---WRV 3fffff\n"
		"  [00004-00004]   L0[004]     ---A-UX-RV 12345\n"
		"[00400-007ff]   L1[001]     --DAG-XWRV 300400-3007ff\n"
		"[ffc00-fffff]   L1[3ff]     ---A----RV 00000-003ff\n");
	rvtext_clear(&f->t);
	assert_int_equal(pgw_view_tlb(f->c, rvtext_write, &f->t), 0);
	expect_view(f->t.s,
		"0000000000001000: 00000003fffff000 --DA---WR\n"
		"0000000000004000: 0000000012345000 ---A-UX-R\n"
		"0000000000400000: 0000000300400000 --DAG-XWR\n"
		"00000000ffc00000: 0000000000000000 ---A----R\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sv32__pa_above_4g, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sv32__invalid_entries,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sv32__bare_and_bad_satp,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sv32__views, setup,
						teardown),
	};

	return cmocka_run_group_tests_name("test_sv32", tests, NULL, NULL);
}
