/*
 * Sv39 (RISC-V Privileged ISA 4.4): leaves at every level, misaligned
 * superpages, every reserved encoding, Svnapot 64 KiB pages and Svpbmt
 * memory types, access checks with SUM, MXR, MPRV and Svade's A/D, corrupt
 * and looping tables, and the views (vtop, info pg, info mem, info tlb)
 * checked line by line.
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
#include "../same_walk.h"
#include "walker_priv.h"

#define SATP_SV39(root) ((8ULL << 60) | ((root) >> 12))

/*
 * Physical memory [0, 64K) holds the tables; the pages they map are
 * never read. L2 (root) at 0x1000:
 *   L2[0]     -> L1 at 0x2000
 *     L1[0]   -> L0 at 0x3000
 *       L0[1]   4K  0x80001000  R W A D         (S data)
 *       L0[2]   4K  0x80002000  R X U A         (U code)
 *       L0[3]   4K  0x80003000  X A             (execute-only)
 *       L0[4]   4K  0x80004000  R W U A D       (U data)
 *       L0[5]   4K  0x80005000  R W A           (D clear)
 *       L0[6]   4K  0x80006000  R               (A clear)
 *       L0[7]   W only                          reserved W
 *       L0[8]   V only: a pointer at L0         reserved V
 *       L0[16..31] NAPOT 64K 0x80010000 (PPN[3:0] = 1000) R W G A D
 *       L0[32]  N with PPN[3:0] = 0100          reserved N|PPN[3:0]
 *       L0[33]  PBMT 3                          reserved PBMT
 *       L0[34]  4K  0x80022000  PBMT 2 (IO) R W A D
 *       L0[35]  bit 54 set                      reserved bit 54
 *       L0[36]  4K  0x80024000  PBMT 1 (NC) R A
 *     L1[1]   2M  0x80200000  R W X G A D
 *     L1[2]   2M at 0x80201000: PPN[0] = 1     misaligned
 *     L1[3]   pointer with A                  reserved A
 *     L1[4]   pointer with N                  reserved N
 *     L1[5]   2M leaf with N                  reserved N
 *     L1[6]   pointer with U                  reserved U
 *   L2[1]     1G  0x40000000  R W A D
 *   L2[2]     1G at 0x80200000: PPN[1:0] != 0  misaligned
 *   L2[4]     -> L1 at 0x7fff000000 (outside memory)
 *   L2[511]   1G  0xc0000000  R X G A         (upper half)
 */
#define L2T 0x1000ULL
#define L1T 0x2000ULL
#define L0T 0x3000ULL
#define NAPOT_PA 0x80010000ULL

struct fx {
	struct rvmem m;
	pgw_ctx *c;
	struct rvtext t;
	char err[160];
};

static void build(struct rvmem *m)
{
	rvmem_add(m, 0, 0x10000);
	/* L2[0] -> L1 */
	rvmem_put(m, L2T + 0 * 8, PPN(L1T) | V, 8);
	/* L2[0] -> L1[0] -> L0 */
	rvmem_put(m, L1T + 0 * 8, PPN(L0T) | V, 8);
	/* L2[0] -> L1[0] -> L0[1..8]: 4K pages, then reserved ones */
	rvmem_put(m, L0T + 1 * 8, PPN(0x80001000) | V | R | W | A | D, 8);
	rvmem_put(m, L0T + 2 * 8, PPN(0x80002000) | V | R | X | U | A, 8);
	rvmem_put(m, L0T + 3 * 8, PPN(0x80003000) | V | X | A, 8);
	rvmem_put(m, L0T + 4 * 8, PPN(0x80004000) | V | R | W | U | A | D, 8);
	rvmem_put(m, L0T + 5 * 8, PPN(0x80005000) | V | R | W | A, 8);
	rvmem_put(m, L0T + 6 * 8, PPN(0x80006000) | V | R, 8);
	rvmem_put(m, L0T + 7 * 8, PPN(0x80007000) | V | W | A | D, 8);
	rvmem_put(m, L0T + 8 * 8, PPN(0x8000) | V, 8);
	/* L2[0] -> L1[0] -> L0[16..31]: one 64K NAPOT page, 16 equal PTEs */
	for (unsigned i = 16; i < 32; i++)
		rvmem_put(m, L0T + i * 8, N | PPN(NAPOT_PA | 0x8000) |
			  V | R | W | G | A | D, 8);
	/* L2[0] -> L1[0] -> L0[32]: N with PPN[3:0] = 0100 */
	rvmem_put(m, L0T + 32 * 8, N | PPN(0x80020000 | 0x4000) | V | R | A, 8);
	/* L2[0] -> L1[0] -> L0[33]: PBMT 3 */
	rvmem_put(m, L0T + 33 * 8, PBMT(3) | PPN(0x80021000) | V | R | A, 8);
	/* L2[0] -> L1[0] -> L0[34]: IO */
	rvmem_put(m, L0T + 34 * 8, PBMT(2) | PPN(0x80022000) |
		  V | R | W | A | D, 8);
	/* L2[0] -> L1[0] -> L0[35]: bit 54 */
	rvmem_put(m, L0T + 35 * 8, (1ULL << 54) | PPN(0x80023000) | V | R | A,
		  8);
	/* L2[0] -> L1[0] -> L0[36]: NC */
	rvmem_put(m, L0T + 36 * 8, PBMT(1) | PPN(0x80024000) | V | R | A, 8);
	/* L2[0] -> L1[1..6] */
	rvmem_put(m, L1T + 1 * 8, PPN(0x80200000) | V | R | W | X | G | A | D,
		  8);
	rvmem_put(m, L1T + 2 * 8, PPN(0x80201000) | V | R | W | A | D, 8);
	rvmem_put(m, L1T + 3 * 8, PPN(L0T) | V | A, 8);
	rvmem_put(m, L1T + 4 * 8, N | PPN(L0T) | V, 8);
	rvmem_put(m, L1T + 5 * 8, N | PPN(0x80a00000) | V | R | A, 8);
	rvmem_put(m, L1T + 6 * 8, PPN(L0T) | V | U, 8);
	/* L2[1], L2[2]: gigapages, the second misaligned */
	rvmem_put(m, L2T + 1 * 8, PPN(0x40000000) | V | R | W | A | D, 8);
	rvmem_put(m, L2T + 2 * 8, PPN(0x80200000) | V | R | W | A | D, 8);
	/* L2[4] -> outside memory */
	rvmem_put(m, L2T + 4 * 8, PPN(0x7fff000000ULL) | V, 8);
	/* L2[511]: upper half */
	rvmem_put(m, L2T + 511 * 8, PPN(0xc0000000) | V | R | X | G | A, 8);
}

static int new_ctx(struct fx *f, const struct pgw_mem_ops *ops,
		   uint64_t mstatus, unsigned priv)
{
	struct pgw_riscv_regs r = PGW_RISCV_REGS_INIT;

	pgw_ctx_free(f->c);
	f->c = NULL;
	r.satp = SATP_SV39(L2T);
	r.mstatus = mstatus;
	r.priv = priv;
	return pgw_ctx_new_riscv(&f->c, &r, ops, &f->m, f->err,
				 sizeof(f->err));
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	build(&f->m);
	assert_int_equal(new_ctx(f, &rvmem_ops, 0, PGW_RISCV_PRIV_S), 0);
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

/* Translate @va in the debugger's view; returns the result. */
static struct pgw_result xl(pgw_ctx *c, uint64_t va)
{
	struct pgw_result r;
	struct pgw_fault flt;

	assert_int_equal(pgw_translate(c, va, 0, &r, &flt, NULL), 0);
	return r;
}

static void sv39_leaves(pgw_ctx *c)
{
	struct pgw_result r;

	/* Twice: the second answers come from the caches. */
	for (int pass = 0; pass < 2; pass++) {
		r = xl(c, 0x1abc);
		assert_int_equal(r.out_pa, 0x80001abc);
		assert_int_equal(r.out_page_size, 4096);
		assert_int_equal(r.out_level, 2);
		assert_int_equal(r.out_perms, PERM_R | PERM_W);
		r = xl(c, 0x212345);
		assert_int_equal(r.out_pa, 0x80212345);
		assert_int_equal(r.out_page_size, 2u << 20);
		assert_int_equal(r.out_level, 1);
		assert_int_equal(r.out_perms, PERM_R | PERM_W | PERM_X);
		r = xl(c, 0x7654321f);
		assert_int_equal(r.out_pa, 0x7654321f);
		assert_int_equal(r.out_page_size, 1u << 30);
		assert_int_equal(r.out_level, 0);
		/* Upper half: bits 63:39 copy bit 38. */
		r = xl(c, 0xffffffffc0001234ULL);
		assert_int_equal(r.out_pa, 0xc0001234);
		assert_int_equal(r.out_perms, PERM_R | PERM_X);
		assert_int_equal(r.out_pkey, -1);
	}
}

static void test_sv39__every_leaf_level(void **state)
{
	struct fx *f = *state;

	assert_int_equal(pgw_ctx_mode(f->c), PGW_MODE_RISCV_SV39);
	assert_int_equal(pgw_ctx_levels(f->c), 3);
	assert_string_equal(pgw_ctx_level_name(f->c, 0), "L2");
	assert_string_equal(pgw_ctx_level_name(f->c, 2), "L0");
	sv39_leaves(f->c);
	/* The copying path (no map()) answers alike. */
	assert_int_equal(new_ctx(f, &rvmem_ops_copy, 0, PGW_RISCV_PRIV_S), 0);
	sv39_leaves(f->c);
}

static void expect_fault(pgw_ctx *c, uint64_t va, int rc, int reason,
			 int level, uint64_t rsvd)
{
	struct pgw_result r;
	struct pgw_fault flt;

	assert_int_equal(pgw_translate(c, va, 0, &r, &flt, NULL), rc);
	assert_int_equal(flt.out_reason, reason);
	assert_int_equal(flt.out_level, level);
	if (reason == PGW_FAULT_RESERVED)
		assert_int_equal(flt.out_rsvd, rsvd);
}

static void test_sv39__misaligned_superpages_fault(void **state)
{
	struct fx *f = *state;

	/* 4.3.2 step 6: L1[2]'s PPN[0] = 1 (entry bit 10). */
	expect_fault(f->c, 0x400000, PGW_ERSVD, PGW_FAULT_RESERVED, 1,
		     1ULL << 10);
	/* L2[2]: PPN 0x80200 has PPN[0] = 0x000 but PPN[1] = 1: PPN
	 * bit 9, entry bit 19. */
	expect_fault(f->c, 0x80000000, PGW_ERSVD, PGW_FAULT_RESERVED, 0,
		     1ULL << 19);
}

static void test_sv39__invalid_encodings(void **state)
{
	struct fx *f = *state;

	/* W without R. */
	expect_fault(f->c, 0x7000, PGW_ERSVD, PGW_FAULT_RESERVED, 2, W);
	/* A pointer where no level is left. */
	expect_fault(f->c, 0x8000, PGW_ERSVD, PGW_FAULT_RESERVED, 2, V);
	/* N with PPN[3:0] = 0100: not a 64K NAPOT encoding. */
	expect_fault(f->c, 0x20000, PGW_ERSVD, PGW_FAULT_RESERVED, 2,
		     N | (4ULL << 10));
	/* PBMT 3. */
	expect_fault(f->c, 0x21000, PGW_ERSVD, PGW_FAULT_RESERVED, 2,
		     PBMT(3));
	/* Bit 54 (60:54 reserved). */
	expect_fault(f->c, 0x23000, PGW_ERSVD, PGW_FAULT_RESERVED, 2,
		     1ULL << 54);
	/* Pointers with A, N, U; a superpage with N. */
	expect_fault(f->c, 0x600000, PGW_ERSVD, PGW_FAULT_RESERVED, 1, A);
	expect_fault(f->c, 0x800000, PGW_ERSVD, PGW_FAULT_RESERVED, 1, N);
	expect_fault(f->c, 0xa00000, PGW_ERSVD, PGW_FAULT_RESERVED, 1, N);
	expect_fault(f->c, 0xc00000, PGW_ERSVD, PGW_FAULT_RESERVED, 1, U);
	/* Not present, at each level. */
	expect_fault(f->c, 0x9000, PGW_ENOTMAPPED, PGW_FAULT_NOT_PRESENT, 2, 0);
	expect_fault(f->c, 0xe00000, PGW_ENOTMAPPED, PGW_FAULT_NOT_PRESENT, 1,
		     0);
	expect_fault(f->c, 0x140000000ULL, PGW_ENOTMAPPED,
		     PGW_FAULT_NOT_PRESENT, 0, 0);
	/* Bit 38 clear but bit 39 set: not sign-extended. */
	expect_fault(f->c, 0x8000000000ULL, PGW_ENOTMAPPED,
		     PGW_FAULT_NONCANONICAL, -1, 0);
	/* L2[4]: the L1 table lies outside memory. */
	expect_fault(f->c, 0x100000000ULL, PGW_EIO, PGW_FAULT_BAD_TABLE, 1, 0);
}

static void test_sv39__napot_64k(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;

	/* Svnapot: each of the 16 pages maps PPN[43:4] | VPN[0][3:0]. */
	for (uint64_t k = 0; k < 16; k++) {
		r = xl(f->c, 0x10000 + k * 0x1000 + 0x123);
		assert_int_equal(r.out_pa, NAPOT_PA + k * 0x1000 + 0x123);
		assert_int_equal(r.out_level, 2);
	}
	assert_int_equal(new_ctx(f, &rvmem_ops_copy, 0, PGW_RISCV_PRIV_S), 0);
	r = xl(f->c, 0x1f000);
	assert_int_equal(r.out_pa, NAPOT_PA + 0xf000);
}

/* Access @va as @acc in a context of @mstatus/@priv. */
static int acc(struct fx *f, uint64_t mstatus, unsigned priv, uint64_t va,
	       unsigned access)
{
	struct pgw_result r;
	struct pgw_fault flt;

	assert_int_equal(new_ctx(f, &rvmem_ops, mstatus, priv), 0);
	return pgw_translate(f->c, va, access, &r, &flt, NULL);
}

#define RD PGW_ACC_READ
#define WR PGW_ACC_WRITE
#define EX PGW_ACC_EXEC
#define SUM PGW_RISCV_MSTATUS_SUM
#define MXR PGW_RISCV_MSTATUS_MXR
#define MPRV PGW_RISCV_MSTATUS_MPRV
#define MPP(p) ((uint64_t)(p) << PGW_RISCV_MSTATUS_MPP_SHIFT)
#define S_ PGW_RISCV_PRIV_S
#define U_ PGW_RISCV_PRIV_U
#define M_ PGW_RISCV_PRIV_M

static void test_sv39__sum_mxr_access(void **state)
{
	struct fx *f = *state;

	/* S data page (0x1000): S reads and writes, U never. */
	assert_int_equal(acc(f, 0, S_, 0x1000, RD | WR), 0);
	assert_int_equal(acc(f, 0, S_, 0x1000, EX), PGW_EACCES);
	assert_int_equal(acc(f, 0, U_, 0x1000, RD), PGW_EACCES);
	assert_int_equal(acc(f, 0, S_, 0x1000, RD | PGW_ACC_USER),
			 PGW_EACCES);
	/* U code page (0x2000): S loads need SUM; S never executes it. */
	assert_int_equal(acc(f, 0, S_, 0x2000, RD), PGW_EACCES);
	assert_int_equal(acc(f, SUM, S_, 0x2000, RD), 0);
	assert_int_equal(acc(f, SUM, S_, 0x2000, EX), PGW_EACCES);
	assert_int_equal(acc(f, 0, U_, 0x2000, RD | EX), 0);
	assert_int_equal(acc(f, SUM, S_, 0x2000, WR), PGW_EACCES);
	/* U data page (0x4000): U writes; S with SUM too. */
	assert_int_equal(acc(f, 0, U_, 0x4000, WR), 0);
	assert_int_equal(acc(f, 0, S_, 0x4000, WR), PGW_EACCES);
	assert_int_equal(acc(f, SUM, S_, 0x4000, WR), 0);
	/* Execute-only (0x3000): loads only with MXR. */
	assert_int_equal(acc(f, 0, S_, 0x3000, RD), PGW_EACCES);
	assert_int_equal(acc(f, MXR, S_, 0x3000, RD), 0);
	assert_int_equal(acc(f, MXR, S_, 0x3000, WR), PGW_EACCES);
	assert_int_equal(acc(f, 0, S_, 0x3000, EX), 0);
	/* M-mode with MPRV loads as MPP: U here, so the U page, not the S
	 * one; without MPRV, as S. */
	assert_int_equal(acc(f, MPRV | MPP(U_), M_, 0x4000, RD), 0);
	assert_int_equal(acc(f, MPRV | MPP(U_), M_, 0x1000, RD), PGW_EACCES);
	assert_int_equal(acc(f, MPP(U_), M_, 0x1000, RD), 0);
	assert_int_equal(acc(f, MPP(U_), M_, 0x4000, RD), PGW_EACCES);
}

static void test_sv39__svade_a_and_d(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	/* D clear (0x5000): loads pass, stores fault. */
	assert_int_equal(acc(f, 0, S_, 0x5000, RD), 0);
	assert_int_equal(acc(f, 0, S_, 0x5000, WR), PGW_EACCES);
	/* A clear (0x6000): every access faults … */
	assert_int_equal(acc(f, 0, S_, 0x6000, RD), PGW_EACCES);
	assert_int_equal(pgw_translate(f->c, 0x6000, RD, &r, &flt, NULL),
			 PGW_EACCES);
	assert_int_equal(flt.out_reason, PGW_FAULT_ACCESS);
	assert_int_equal(flt.out_level, 2);
	assert_int_equal(flt.out_entry, PPN(0x80006000) | V | R);
	/* … but the debugger's view reads both. */
	assert_int_equal(xl(f->c, 0x6000).out_pa, 0x80006000);
	assert_int_equal(xl(f->c, 0x5000).out_pa, 0x80005000);
}

static void test_sv39__looping_tables_end(void **state)
{
	struct fx *f = *state;
	struct rvmem loop = { 0 };
	struct pgw_riscv_regs r = PGW_RISCV_REGS_INIT;
	pgw_ctx *c;
	int rc;

	/* Every root entry points to the root: 512^2 tables to visit, and
	 * a translation ends at L0 on a pointer, which is reserved there. */
	rvmem_add(&loop, 0, 0x2000);
	for (unsigned i = 0; i < 512; i++)
		rvmem_put(&loop, L2T + i * 8, PPN(L2T) | V, 8);
	r.satp = SATP_SV39(L2T);
	assert_int_equal(pgw_ctx_new_riscv(&c, &r, &rvmem_ops, &loop, NULL, 0),
			 0);
	expect_fault(c, 0x12345678, PGW_ERSVD, PGW_FAULT_RESERVED, 2, V);
	pgw_ctx_set_walk_budget(c, 1000);
	rc = pgw_view_pg(c, NULL, rvtext_write, &f->t);
	assert_int_equal(rc, PGW_ELIMIT);
	pgw_ctx_free(c);
	rvmem_free(&loop);
}

static void expect_view(const char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		fprintf(stderr, "got:\n%s\nwant:\n%s\n", got, want);
	assert_string_equal(got, want);
}

static void test_sv39__vtop(void **state)
{
	struct fx *f = *state;

	assert_int_equal(pgw_view_vtop(f->c, 0x10123, rvtext_write, &f->t), 0);
	expect_view(f->t.s,
		"vtop 0x0000000000010123 (Sv39)\n"
		"  guest        L2[000] @ 0x0000000000001000 = 0x0000000000000801 ---------V\n"
		"  guest        L1[000] @ 0x0000000000002000 = 0x0000000000000c01 ---------V\n"
		"  guest        L0[010] @ 0x0000000000003080 = 0x80000000200060e7 N-DAG--WRV 4K page\n"
		"0x0000000000010123 -> 0x0000000080010123 size 4K perms rw--\n");
	rvtext_clear(&f->t);
	assert_int_equal(pgw_view_vtop(f->c, 0x22000, rvtext_write, &f->t), 0);
	expect_view(f->t.s,
		"vtop 0x0000000000022000 (Sv39)\n"
		"  guest        L2[000] @ 0x0000000000001000 = 0x0000000000000801 ---------V\n"
		"  guest        L1[000] @ 0x0000000000002000 = 0x0000000000000c01 ---------V\n"
		"  guest        L0[022] @ 0x0000000000003110 = 0x40000000200088c7 -IDA---WRV 4K page\n"
		"0x0000000000022000 -> 0x0000000080022000 size 4K perms rw--\n");
	rvtext_clear(&f->t);
	assert_int_equal(pgw_view_vtop(f->c, 0x400000, rvtext_write, &f->t), 0);
	expect_view(f->t.s,
		"vtop 0x0000000000400000 (Sv39)\n"
		"  guest        L2[000] @ 0x0000000000001000 = 0x0000000000000801 ---------V\n"
		"  guest        L1[002] @ 0x0000000000002010 = 0x00000000200804c7 --DA---WRV 2M page\n"
		"fault at L1[002] (table 0x2000) translating 0x0000000000400000: reserved bits = 0x400 (entry 0x00000000200804c7)\n");
}

static void test_sv39__views(void **state)
{
	struct fx *f = *state;

	assert_int_equal(pgw_view_pg(f->c, NULL, rvtext_write, &f->t), 0);
	expect_view(f->t.s,
		"VPN range         Entry         Flags          Physical page(s)\n"
		"[0000000-003ffff]   L2[000]     ---------V\n"
		"  [0000000-00001ff]   L1[000]     ---------V\n"
		"    [0000001-0000001]   L0[001]     --DA---WRV 0000080001\n"
		"    [0000002-0000002]   L0[002]     ---A-UX-RV 0000080002\n"
		"    [0000003-0000003]   L0[003]     ---A--X--V 0000080003\n"
		"    [0000004-0000004]   L0[004]     --DA-U-WRV 0000080004\n"
		"    [0000005-0000005]   L0[005]     ---A---WRV 0000080005\n"
		"    [0000006-0000006]   L0[006]     --------RV 0000080006\n"
		"    [0000010-000001f]   L0[010-01f] N-DAG--WRV 0000080010-000008001f\n"
		"    [0000022-0000022]   L0[022]     -IDA---WRV 0000080022\n"
		"    [0000024-0000024]   L0[024]     -C-A----RV 0000080024\n"
		"  [0000200-00003ff]   L1[001]     --DAG-XWRV 0000080200-00000803ff\n"
		"[0040000-007ffff]   L2[001]     --DA---WRV 0000040000-000007ffff\n"
		"[0100000-013ffff]   L2[004]     ---------V\n"
		"[7fc0000-7ffffff]   L2[1ff]     ---AG-X-RV 00000c0000-00000fffff\n");
	rvtext_clear(&f->t);
	assert_int_equal(pgw_view_tlb(f->c, rvtext_write, &f->t), 0);
	expect_view(f->t.s,
		"0000000000001000: 0000000080001000 --DA---WR\n"
		"0000000000002000: 0000000080002000 ---A-UX-R\n"
		"0000000000003000: 0000000080003000 ---A--X--\n"
		"0000000000004000: 0000000080004000 --DA-U-WR\n"
		"0000000000005000: 0000000080005000 ---A---WR\n"
		"0000000000006000: 0000000080006000 --------R\n"
		"0000000000010000: 0000000080010000 N-DAG--WR\n"
		"0000000000011000: 0000000080011000 N-DAG--WR\n"
		"0000000000012000: 0000000080012000 N-DAG--WR\n"
		"0000000000013000: 0000000080013000 N-DAG--WR\n"
		"0000000000014000: 0000000080014000 N-DAG--WR\n"
		"0000000000015000: 0000000080015000 N-DAG--WR\n"
		"0000000000016000: 0000000080016000 N-DAG--WR\n"
		"0000000000017000: 0000000080017000 N-DAG--WR\n"
		"0000000000018000: 0000000080018000 N-DAG--WR\n"
		"0000000000019000: 0000000080019000 N-DAG--WR\n"
		"000000000001a000: 000000008001a000 N-DAG--WR\n"
		"000000000001b000: 000000008001b000 N-DAG--WR\n"
		"000000000001c000: 000000008001c000 N-DAG--WR\n"
		"000000000001d000: 000000008001d000 N-DAG--WR\n"
		"000000000001e000: 000000008001e000 N-DAG--WR\n"
		"000000000001f000: 000000008001f000 N-DAG--WR\n"
		"0000000000022000: 0000000080022000 -IDA---WR\n"
		"0000000000024000: 0000000080024000 -C-A----R\n"
		"0000000000200000: 0000000080200000 --DAG-XWR\n"
		"0000000040000000: 0000000040000000 --DA---WR\n"
		"ffffffffc0000000: 00000000c0000000 ---AG-X-R\n");
}

/* Every entry of the fixture through the paging-structure cache (and the
 * core's fast path, which asks the reserved-encoding hook itself and
 * leaves NAPOT frames to the general loop) against a walk without caches:
 * the same answers and faults. Without the TLB, so that each takes the
 * PSC; L0[1] first, so that the PSC holds L0 (and its host address). */
static void test_sv39__caches_change_no_answer(void **state)
{
	struct fx *f = *state;
	pgw_ctx *bare = f->c, *c;
	uint64_t va[48];
	unsigned n = 0, ok = 0;

	f->c = NULL;
	assert_int_equal(new_ctx(f, &rvmem_ops, 0, PGW_RISCV_PRIV_S), 0);
	c = f->c;
	pgw__cache_set(c, PGW__CACHE_PSC | PGW__CACHE_MAP);
	pgw__cache_set(bare, 0);
	assert_true(c->fast);
	assert_true(c->last.ok);
	for (unsigned i = 0; i < 40; i++)
		va[n++] = i * 0x1000ULL + 0x24;
	for (unsigned i = 1; i < 7; i++)
		va[n++] = i * 0x200000ULL + 0x1234;
	va[n++] = 0x40001234ULL;
	va[n++] = 0xffffffffc0001234ULL;
	for (unsigned i = 0; i < n; i++) {
		pgw_ctx_invalidate(c);
		assert_int_equal(same_walk(c, bare, 0x1000), 0);
		if (same_walk(c, bare, va[i]) == 0)
			ok++;
	}
	/* L0[1..6], the NAPOT page's 16, L0[34] and [36], L1[1], L2[1],
	 * L2[511]. */
	assert_int_equal(ok, 6 + 16 + 2 + 1 + 2);
	pgw_ctx_free(bare);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sv39__every_leaf_level,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_sv39__misaligned_superpages_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sv39__invalid_encodings,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sv39__napot_64k, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sv39__sum_mxr_access,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sv39__svade_a_and_d,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sv39__looping_tables_end,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_sv39__vtop, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_sv39__views, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_sv39__caches_change_no_answer, setup, teardown),
	};

	return cmocka_run_group_tests_name("test_sv39", tests, NULL, NULL);
}
