/*
 * The hypervisor extension's G-stage (RISC-V Privileged ISA 8.5): Sv39x4,
 * Sv48x4 and Sv57x4 contexts from hgatp with their 16 KiB roots (2048
 * entries: the entries past the first 4 KiB are the GPA's 2 extra bits),
 * U required of every G-stage leaf, and a Sv39 guest composed through it
 * (every guest table fetch and the final GPA translated, permissions
 * intersected, size the smaller), with the views of both stages.
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

#define HGATP(mode, root) (((uint64_t)(mode) << 60) | ((root) >> 12))
#define GROOT 0x10000ULL          /* 16 KiB: 0x10000..0x13fff */
#define GL1   0x14000ULL
#define GL0   0x15000ULL
#define GPA_HI 0x18000000000ULL   /* G L2[0x600]: GPA bits 40:39 set */

/*
 * Host physical memory [0, 1M). G-stage Sv39x4, root at 0x10000:
 *   G L2[000]  -> G L1 at 0x14000
 *     G L1[000] -> G L0 at 0x15000
 *       G L0[1]   GPA 0x1000 -> 0x21000  R W U A D   (guest L2)
 *       G L0[2]   GPA 0x2000 -> 0x22000  R W U A D   (guest L1)
 *       G L0[3]   GPA 0x3000 -> 0x23000  R W U A D   (guest L0)
 *       G L0[5]   GPA 0x5000 -> 0x25000  R W X U A D
 *       G L0[6]   GPA 0x6000 -> 0x26000  R W A D     (U clear: unusable)
 *       G L0[7]   GPA 0x7000 -> 0x27000  R U A       (read-only)
 *     G L1[001] GPA 0x200000 -> 0x400000 2M  R W U A D (no X)
 *   G L2[600]  GPA 0x18000000000 -> 0x40000000 1G  R W X U A D
 * Guest Sv39, satp root at GPA 0x1000:
 *   L2[0] -> L1 (GPA 0x2000)
 *     L1[0] -> L0 (GPA 0x3000)
 *       L0[1]  VA 0x1000 -> GPA 0x5000  R W X A D
 *       L0[2]  VA 0x2000 -> GPA 0x6000  R W A D
 *       L0[3]  VA 0x3000 -> GPA 0x7000  R W A D
 *       L0[4]  VA 0x4000 -> GPA 0x9000  R A     (GPA not mapped)
 *     L1[1]  VA 0x200000 -> GPA 0x200000 2M  R W X A D
 *   L2[1]  VA 0x40000000 -> GPA 0x18000000000 1G  R W A D
 *   L2[2]  -> L1 at GPA 0x8000 (not mapped by the G-stage)
 */
struct fx {
	struct rvmem m;
	pgw_ctx *h, *g;
	struct rvtext t;
	char err[160];
};

static void build(struct rvmem *m)
{
	rvmem_add(m, 0, 0x100000);
	/* G L2[000] -> G L1 -> G L0 */
	rvmem_put(m, GROOT + 0 * 8, PPN(GL1) | V, 8);
	rvmem_put(m, GL1 + 0 * 8, PPN(GL0) | V, 8);
	/* G L2[000] -> G L1[000] -> G L0[1..7] */
	rvmem_put(m, GL0 + 1 * 8, PPN(0x21000) | V | R | W | U | A | D, 8);
	rvmem_put(m, GL0 + 2 * 8, PPN(0x22000) | V | R | W | U | A | D, 8);
	rvmem_put(m, GL0 + 3 * 8, PPN(0x23000) | V | R | W | U | A | D, 8);
	rvmem_put(m, GL0 + 5 * 8, PPN(0x25000) | V | R | W | X | U | A | D,
		  8);
	rvmem_put(m, GL0 + 6 * 8, PPN(0x26000) | V | R | W | A | D, 8);
	rvmem_put(m, GL0 + 7 * 8, PPN(0x27000) | V | R | U | A, 8);
	/* G L2[000] -> G L1[001]: 2M */
	rvmem_put(m, GL1 + 1 * 8, PPN(0x400000) | V | R | W | U | A | D, 8);
	/* G L2[600]: 1G, in the root's second 4 KiB page */
	rvmem_put(m, GROOT + 0x600 * 8, PPN(0x40000000) |
		  V | R | W | X | U | A | D, 8);
	/* Guest tables at GPA 0x1000.. = HPA 0x21000.. */
	/* L2[0] -> L1 -> L0 */
	rvmem_put(m, 0x21000 + 0 * 8, PPN(0x2000) | V, 8);
	rvmem_put(m, 0x22000 + 0 * 8, PPN(0x3000) | V, 8);
	/* L2[0] -> L1[0] -> L0[1..4] */
	rvmem_put(m, 0x23000 + 1 * 8, PPN(0x5000) | V | R | W | X | A | D, 8);
	rvmem_put(m, 0x23000 + 2 * 8, PPN(0x6000) | V | R | W | A | D, 8);
	rvmem_put(m, 0x23000 + 3 * 8, PPN(0x7000) | V | R | W | A | D, 8);
	rvmem_put(m, 0x23000 + 4 * 8, PPN(0x9000) | V | R | A, 8);
	/* L2[0] -> L1[1]: 2M */
	rvmem_put(m, 0x22000 + 1 * 8, PPN(0x200000) | V | R | W | X | A | D,
		  8);
	/* L2[1]: 1G to the high GPA; L2[2] -> unmapped GPA */
	rvmem_put(m, 0x21000 + 1 * 8, PPN(GPA_HI) | V | R | W | A | D, 8);
	rvmem_put(m, 0x21000 + 2 * 8, PPN(0x8000) | V, 8);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	build(&f->m);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	pgw_ctx_free(f->g);
	pgw_ctx_free(f->h);
	rvmem_free(&f->m);
	free(f->t.s);
	free(f);
	return 0;
}

static void new_host(struct fx *f, const struct pgw_mem_ops *ops)
{
	pgw_ctx_free(f->h);
	f->h = NULL;
	assert_int_equal(pgw_ctx_new_riscv_gstage(&f->h, HGATP(8, GROOT), ops,
						  &f->m, f->err,
						  sizeof(f->err)), 0);
}

static void new_guest(struct fx *f, const struct pgw_mem_ops *ops)
{
	struct pgw_riscv_regs r = PGW_RISCV_REGS_INIT;

	new_host(f, ops);
	pgw_ctx_free(f->g);
	r.satp = (8ULL << 60) | 1;   /* Sv39, root at GPA 0x1000 */
	assert_int_equal(pgw_ctx_new_riscv(&f->g, &r, ops, &f->m, f->err,
					   sizeof(f->err)), 0);
	assert_int_equal(pgw_ctx_set_nested(f->g, f->h), 0);
}

static void gstage_alone(struct fx *f)
{
	struct pgw_result r;
	struct pgw_fault flt;

	assert_int_equal(pgw_ctx_mode(f->h), PGW_MODE_RISCV_SV39X4);
	assert_string_equal(pgw_ctx_level_name(f->h, 0), "G L2");
	assert_int_equal(pgw_ctx_va_bits(f->h), 41);
	/* G L2[600]: 8 × 0x600 = 0x3000 into the root. */
	assert_int_equal(pgw_translate(f->h, GPA_HI + 0x1234, 0, &r, &flt,
				       NULL), 0);
	assert_int_equal(r.out_pa, 0x40001234);
	assert_int_equal(r.out_page_size, 1u << 30);
	assert_int_equal(r.out_level, 0);
	assert_int_equal(pgw_translate(f->h, 0x5008, 0, &r, &flt, NULL), 0);
	assert_int_equal(r.out_pa, 0x25008);
	/* GPAs are 41 bits, zero-extended. */
	assert_int_equal(pgw_translate(f->h, 1ULL << 41, 0, &r, &flt, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(flt.out_reason, PGW_FAULT_NONCANONICAL);
	assert_int_equal(pgw_translate(f->h, 0x1ffc0000000ULL, 0, &r, &flt,
				       NULL), PGW_ENOTMAPPED);
	assert_int_equal(flt.out_reason, PGW_FAULT_NOT_PRESENT);
	assert_int_equal(flt.out_index, 0x7ff);
}

static void test_gstage__sv39x4_16k_root(void **state)
{
	struct fx *f = *state;

	new_host(f, &rvmem_ops);
	gstage_alone(f);
	/* read()-only: the root is read a page at a time. */
	new_host(f, &rvmem_ops_copy);
	gstage_alone(f);
}

static void test_gstage__hgatp_and_nested_ctor(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;
	pgw_ctx *c = NULL;

	/* pgw_ctx_new_nested: hgatp, or a bare 16 KiB-aligned address. */
	assert_int_equal(pgw_ctx_new_nested(&c, PGW_MODE_RISCV_SV39X4,
					    HGATP(8, GROOT), 0, 0, &rvmem_ops,
					    &f->m, f->err, sizeof(f->err)), 0);
	assert_int_equal(pgw_translate(c, GPA_HI, 0, &r, &flt, NULL), 0);
	assert_int_equal(r.out_pa, 0x40000000);
	pgw_ctx_free(c);
	assert_int_equal(pgw_ctx_new_nested(&c, PGW_MODE_RISCV_SV39X4, GROOT,
					    0, 0, &rvmem_ops, &f->m, f->err,
					    sizeof(f->err)), 0);
	assert_int_equal(pgw_translate(c, GPA_HI, 0, &r, &flt, NULL), 0);
	pgw_ctx_free(c);
	/* hgatp.PPN[1:0] read as zero (8.2.18). */
	assert_int_equal(pgw_ctx_new_riscv_gstage(&c, HGATP(8, GROOT) | 3,
						  &rvmem_ops, &f->m, f->err,
						  sizeof(f->err)), 0);
	assert_int_equal(pgw_translate(c, GPA_HI, 0, &r, &flt, NULL), 0);
	pgw_ctx_free(c);
	c = NULL;
	assert_int_equal(pgw_ctx_new_nested(&c, PGW_MODE_RISCV_SV39X4,
					    HGATP(9, GROOT), 0, 0, &rvmem_ops,
					    &f->m, f->err, sizeof(f->err)),
			 PGW_EINVAL);
	assert_string_equal(f->err, "hgatp MODE 9 does not match Sv39x4");
	assert_null(c);
	assert_int_equal(pgw_ctx_new_nested(&c, PGW_MODE_RISCV_SV48X4, 0x11000,
					    0, 0, &rvmem_ops, &f->m, f->err,
					    sizeof(f->err)), PGW_EINVAL);
	assert_string_equal(f->err, "G-stage root 0x11000 is not a 16 KiB-"
			    "aligned 56-bit address");
	assert_int_equal(pgw_ctx_new_riscv_gstage(&c, GROOT >> 12, &rvmem_ops,
						  &f->m, f->err,
						  sizeof(f->err)), PGW_EINVAL);
	assert_string_equal(f->err, "hgatp MODE 0 (Bare): no G-stage; "
			    "guest-physical addresses are host-physical");
	assert_int_equal(pgw_ctx_new_riscv_gstage(&c, HGATP(11, GROOT),
						  &rvmem_ops, &f->m, f->err,
						  sizeof(f->err)), PGW_EINVAL);
	assert_string_equal(f->err, "hgatp MODE 11 is not supported (0 Bare, "
			    "8 Sv39x4, 9 Sv48x4, 10 Sv57x4)");
	/* Stage-1 modes are not stages 2. */
	assert_int_equal(pgw_ctx_new_nested(&c, PGW_MODE_RISCV_SV39, GROOT, 0,
					    0, &rvmem_ops, &f->m, f->err,
					    sizeof(f->err)), PGW_EINVAL);
}

static void composed(struct fx *f)
{
	struct pgw_result r;
	struct pgw_fault flt;

	/* Twice: the second answers come from the caches. */
	for (int pass = 0; pass < 2; pass++) {
		assert_int_equal(pgw_translate(f->g, 0x1abc, 0, &r, &flt,
					       NULL), 0);
		assert_int_equal(r.out_gpa, 0x5abc);
		assert_int_equal(r.out_pa, 0x25abc);
		assert_int_equal(r.out_perms, PERM_R | PERM_W | PERM_X);
		/* Guest 2M over G-stage 2M without X. */
		assert_int_equal(pgw_translate(f->g, 0x212345, 0, &r, &flt,
					       NULL), 0);
		assert_int_equal(r.out_pa, 0x412345);
		assert_int_equal(r.out_page_size, 2u << 20);
		assert_int_equal(r.out_perms, PERM_R | PERM_W);
		/* Guest 1G to the high GPA, G-stage 1G from the root's
		 * second page. */
		assert_int_equal(pgw_translate(f->g, 0x40000123, 0, &r, &flt,
					       NULL), 0);
		assert_int_equal(r.out_gpa, GPA_HI + 0x123);
		assert_int_equal(r.out_pa, 0x40000123);
		assert_int_equal(r.out_page_size, 1u << 30);
		/* A G-stage leaf without U grants the guest nothing. */
		assert_int_equal(pgw_translate(f->g, 0x2000, 0, &r, &flt,
					       NULL), 0);
		assert_int_equal(r.out_pa, 0x26000);
		assert_int_equal(r.out_perms, 0);
	}
	assert_int_equal(pgw_translate(f->g, 0x2000, PGW_ACC_READ, &r, &flt,
				       NULL), PGW_EACCES);
	assert_int_equal(flt.out_stage, PGW_STAGE_NESTED);
	/* Guest-writable, G-stage read-only. */
	assert_int_equal(pgw_translate(f->g, 0x3000, PGW_ACC_READ, &r, &flt,
				       NULL), 0);
	assert_int_equal(pgw_translate(f->g, 0x3000, PGW_ACC_WRITE, &r, &flt,
				       NULL), PGW_EACCES);
	assert_int_equal(flt.out_stage, PGW_STAGE_NESTED);
	/* The final GPA is not mapped: a guest-page fault. */
	assert_int_equal(pgw_translate(f->g, 0x4000, 0, &r, &flt, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(flt.out_stage, PGW_STAGE_NESTED);
	assert_int_equal(flt.out_addr, 0x9000);
	/* A guest table's GPA is not mapped. */
	assert_int_equal(pgw_translate(f->g, 0x80000000, 0, &r, &flt, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(flt.out_stage, PGW_STAGE_NESTED);
	assert_int_equal(flt.out_addr, 0x8000);
}

static void test_gstage__composed_walk(void **state)
{
	struct fx *f = *state;

	new_guest(f, &rvmem_ops);
	composed(f);
	new_guest(f, &rvmem_ops_copy);
	composed(f);
}

static void expect_view(const char *got, const char *want)
{
	if (strcmp(got, want) != 0)
		fprintf(stderr, "got:\n%s\nwant:\n%s\n", got, want);
	assert_string_equal(got, want);
}

static void test_gstage__views(void **state)
{
	struct fx *f = *state;

	/* read()-only memory: the range walk copies the 16 KiB root. */
	new_guest(f, &rvmem_ops_copy);
	assert_int_equal(pgw_view_pg(f->g, NULL, rvtext_write, &f->t), 0);
	expect_view(f->t.s,
		"Info pg, guest mode (Sv39)\n"
		"VPN range         Entry         Flags          Physical page(s)\n"
		"[0000000-003ffff]   L2[000]     ---------V\n"
		"  [0000000-00001ff]   L1[000]     ---------V\n"
		"    [0000001-0000001]   L0[001]     --DA--XWRV 0000000005\n"
		"    [0000002-0000003]   L0[002-003] --DA---WRV 0000000006-0000000007\n"
		"  [0000200-00003ff]   L1[001]     --DA--XWRV 0000000200-00000003ff\n"
		"[0040000-007ffff]   L2[001]     --DA---WRV 0018000000-001803ffff\n"
		"[0080000-00bffff]   L2[002]     ---------V\n"
		"Info pg, host mode (Sv39x4)\n"
		"VPN range           Entry         Flags          Physical page(s)\n"
		"[00000000-0003ffff]   L2[000]     ---------V\n"
		"  [00000000-000001ff]   L1[000]     ---------V\n"
		"    [00000001-00000003]   L0[001-003] --DA-U-WRV 0000000021-0000000023\n"
		"    [00000005-00000005]   L0[005]     --DA-UXWRV 0000000025\n"
		"    [00000006-00000006]   L0[006]     --DA---WRV 0000000026\n"
		"    [00000007-00000007]   L0[007]     ---A-U--RV 0000000027\n"
		"  [00000200-000003ff]   L1[001]     --DA-U-WRV 0000000400-00000005ff\n"
		"[18000000-1803ffff]   L2[600]     --DA-UXWRV 0000040000-000007ffff\n");
	rvtext_clear(&f->t);
	assert_int_equal(pgw_view_vtop(f->g, 0x40000123, rvtext_write, &f->t),
			 0);
	expect_view(f->t.s,
		"vtop 0x0000000040000123 (Sv39, nested Sv39x4)\n"
		"  nested     G L2[000] @ 0x0000000000010000 = 0x0000000000005001 ---------V\n"
		"  nested     G L1[000] @ 0x0000000000014000 = 0x0000000000005401 ---------V\n"
		"  nested     G L0[001] @ 0x0000000000015008 = 0x00000000000084d7 --DA-U-WRV 4K page\n"
		"  guest        L2[001] @ 0x0000000000021008 = 0x00000060000000c7 --DA---WRV 1G page\n"
		"  nested     G L2[600] @ 0x0000000000013000 = 0x00000000100000df --DA-UXWRV 1G page\n"
		"0x0000000040000123 -> gpa 0x0000018000000123 -> 0x0000000040000123 size 1G perms rw--\n");
	rvtext_clear(&f->t);
	assert_int_equal(pgw_view_tlb(f->h, rvtext_write, &f->t), 0);
	expect_view(f->t.s,
		"0000000000001000: 0000000000021000 --DA-U-WR\n"
		"0000000000002000: 0000000000022000 --DA-U-WR\n"
		"0000000000003000: 0000000000023000 --DA-U-WR\n"
		"0000000000005000: 0000000000025000 --DA-UXWR\n"
		"0000000000006000: 0000000000026000 --DA---WR\n"
		"0000000000007000: 0000000000027000 ---A-U--R\n"
		"0000000000200000: 0000000000400000 --DA-U-WR\n"
		"0000018000000000: 0000000040000000 --DA-UXWR\n");
	/* info mem: the G-stage with GPAs as vaddr (zero-extended), the
	 * composed guest with host-physical frames. */
	rvtext_clear(&f->t);
	assert_int_equal(pgw_view_mem(f->h, rvtext_write, &f->t), 0);
	expect_view(f->t.s,
		"vaddr            paddr            size             attr\n"
		"---------------- ---------------- ---------------- -------\n"
		"0000000000001000 0000000000021000 0000000000003000 rw-u-ad\n"
		"0000000000005000 0000000000025000 0000000000001000 rwxu-ad\n"
		"0000000000006000 0000000000026000 0000000000001000 rw---ad\n"
		"0000000000007000 0000000000027000 0000000000001000 r--u-a-\n"
		"0000000000200000 0000000000400000 0000000000200000 rw-u-ad\n"
		"0000018000000000 0000000040000000 0000000040000000 rwxu-ad\n");
	rvtext_clear(&f->t);
	assert_int_equal(pgw_view_mem(f->g, rvtext_write, &f->t), 0);
	expect_view(f->t.s,
		"vaddr            paddr            size             attr\n"
		"---------------- ---------------- ---------------- -------\n"
		"0000000000001000 0000000000025000 0000000000001000 rwx--ad\n"
		/* VA 0x2000: GPA 0x6000's G-stage leaf lacks U: a gap */
		"0000000000003000 0000000000027000 0000000000001000 rw---ad\n"
		"0000000000200000 0000000000400000 0000000000200000 rwx--ad\n"
		"0000000040000000 0000000040000000 0000000040000000 rw---ad\n");
}

/* Sv48x4 and Sv57x4: a leaf in the last entry of the 16 KiB root. */
static void test_gstage__sv48x4_sv57x4_top_entries(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;
	pgw_ctx *c;

	/* Sv48x4 G L3[7ff]: 512G at HPA 0x8000000000, GPA 0x3ff8000000000 */
	rvmem_put(&f->m, GROOT + 0x7ff * 8, PPN(0x8000000000ULL) |
		  V | R | W | U | A | D, 8);
	assert_int_equal(pgw_ctx_new_riscv_gstage(&c, HGATP(9, GROOT),
						  &rvmem_ops_copy, &f->m,
						  f->err, sizeof(f->err)), 0);
	assert_int_equal(pgw_ctx_mode(c), PGW_MODE_RISCV_SV48X4);
	assert_int_equal(pgw_translate(c, 0x3ff8000000000ULL + 0x1234567, 0,
				       &r, &flt, NULL), 0);
	assert_int_equal(r.out_pa, 0x8001234567ULL);
	assert_int_equal(r.out_page_size, 1ULL << 39);
	assert_int_equal(pgw_translate(c, 1ULL << 50, 0, &r, &flt, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(flt.out_reason, PGW_FAULT_NONCANONICAL);
	pgw_ctx_free(c);
	/* Sv57x4 G L4[7ff]: 256T at HPA 1 << 48, GPA 0x7ff << 48 */
	rvmem_put(&f->m, GROOT + 0x7ff * 8, PPN(1ULL << 48) |
		  V | R | U | A, 8);
	assert_int_equal(pgw_ctx_new_riscv_gstage(&c, HGATP(10, GROOT),
						  &rvmem_ops, &f->m, f->err,
						  sizeof(f->err)), 0);
	assert_int_equal(pgw_ctx_mode(c), PGW_MODE_RISCV_SV57X4);
	assert_string_equal(pgw_ctx_level_name(c, 0), "G L4");
	assert_int_equal(pgw_translate(c, (0x7ffULL << 48) + 0xabcdef, 0, &r,
				       &flt, NULL), 0);
	assert_int_equal(r.out_pa, (1ULL << 48) + 0xabcdef);
	assert_int_equal(r.out_page_size, 1ULL << 48);
	assert_int_equal(r.out_perms, PERM_R | PERM_U);
	pgw_ctx_free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_gstage__sv39x4_16k_root,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_gstage__hgatp_and_nested_ctor, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gstage__composed_walk,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_gstage__views, setup,
						teardown),
		cmocka_unit_test_setup_teardown(
			test_gstage__sv48x4_sv57x4_top_entries, setup,
			teardown),
	};

	return cmocka_run_group_tests_name("test_gstage", tests, NULL, NULL);
}
