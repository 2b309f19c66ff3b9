/*
 * arm64 stage 2 (VTTBR_EL2/VTCR_EL2): the first level from SL0, up to 16
 * concatenated first-level tables, S2AP and XN, reserved SL0 and sizes
 * that do not fit, and stage 1 composed through it (pgw_ctx_set_nested):
 * every stage-1 table fetch and the final IPA translated, faults of either
 * stage, vtop showing both.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "a64_tables.h"

/* VTCR_EL2: T0SZ, SL0 (bits 7:6), TG0, PS (bits 18:16). */
static uint64_t vtcr_of(unsigned pgshift, unsigned ia, unsigned sl0,
			uint64_t ps)
{
	return (uint64_t)(64 - ia) | ((uint64_t)sl0 << 6) |
	       ((uint64_t)tg0_of(pgshift) << 14) | (ps << 16);
}

#define S2_RW (D_AP1 | D_AP2 | D_AF)

static pgw_ctx *s2_of(struct a64 *t, uint64_t vttbr, uint64_t vtcr,
		      const struct pgw_mem_ops *ops)
{
	char err[160] = "";

	pgw_ctx_free(t->s2);
	t->s2 = NULL;
	if (pgw_ctx_new_arm64_s2(&t->s2, vttbr, vtcr, 0, ops, &t->b, err,
				 sizeof(err)) != 0)
		fail_msg("pgw_ctx_new_arm64_s2: %s", err);
	assert_int_equal(pgw_ctx_mode(t->s2), PGW_MODE_ARM64_S2);
	return t->s2;
}

/* 4K granule, 40-bit IPA from level 1 (SL0 = 01): two concatenated L1
 * tables, the second one reached by IPA bit 39. */
static void test_arm64_s2__two_concatenated_l1_tables(void **state)
{
	struct a64 *t = *state;
	struct geo g = { 12, 40, 1 };
	uint64_t root = a64_root(t, &g);
	struct pgw_result r;
	struct pgw_fault f;

	assert_int_equal(8ULL << geo_bits(&g, 1), 8192);
	/* S2 L1[514] (second table, [2])→L2[0]→L3[1] = page 0x2345000 */
	a64_map(t, &g, root, 0x8080001000ULL, 3, 0x2345000 | S2_RW | D_PAGE);
	/* S2 L1[1]→L2[0]→L3[0] = read-only, execute-never page */
	a64_map(t, &g, root, 0x40000000ULL, 3,
		0x7000 | D_AP1 | D_AF | D_UXN | D_PAGE);
	s2_of(t, root | (5ULL << 48), vtcr_of(12, 40, 1, 2), &ptb_mem_ops);
	assert_int_equal(pgw_translate(t->s2, 0x8080001abcULL, 0, &r, &f,
				       NULL), 0);
	assert_int_equal(r.out_pa, 0x2345abc);
	assert_int_equal(pgw_translate(t->s2, 0x40000010ULL, 0, &r, &f, NULL),
			 0);
	assert_int_equal(r.out_perms & (PGW_PERM_R | PGW_PERM_W | PGW_PERM_X),
			 PGW_PERM_R);
	assert_int_equal(pgw_translate(t->s2, 0x40000010ULL, PGW_ACC_WRITE,
				       &r, &f, NULL), PGW_EACCES);
	assert_int_equal(pgw_translate(t->s2, 0x8080001abcULL, PGW_ACC_WRITE,
				       &r, &f, NULL), 0);
	/* Beyond 40 bits: out of range. */
	assert_int_equal(pgw_translate(t->s2, 1ULL << 40, 0, &r, &f, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(f.out_reason, PGW_FAULT_NONCANONICAL);
	assert_string_equal(pgw_ctx_level_name(t->s2, 0), "S2 L1");
}

/* 16 concatenated tables (4K, SL0 = 00 so level 2, 34-bit IPA): a 64K
 * first table read 4K at a time through read() only, in translation and
 * in a range walk. */
static int count_leaf(const struct pgw_leaf *l, void *p)
{
	uint64_t *last = p;

	*last = l->va;
	return 0;
}

static void test_arm64_s2__sixteen_concatenated_tables(void **state)
{
	struct a64 *t = *state;
	struct geo g = { 12, 34, 2 };
	uint64_t root = a64_root(t, &g), last = 0;
	struct pgw_walk_ops ops = { .leaf = count_leaf };
	struct pgw_result r;
	char err[128];

	assert_int_equal(8ULL << geo_bits(&g, 2), 65536);
	/* S2 L2[8191] (last of 16 tables)→L3[511] = page 0x6000 */
	a64_map(t, &g, root, 0x3fffff000ULL, 3, 0x6000 | S2_RW | D_PAGE);
	s2_of(t, root, vtcr_of(12, 34, 0, 2), &ptb_mem_ops_copy);
	assert_int_equal(pgw_translate(t->s2, 0x3fffff123ULL, 0, &r, NULL,
				       NULL), 0);
	assert_int_equal(r.out_pa, 0x6123);
	assert_int_equal(pgw_walk(t->s2, NULL, &ops, &last), 0);
	assert_int_equal(last, 0x3fffff000ULL);
	/* 35 bits from level 2 would need 32 tables: refused. */
	pgw_ctx_free(t->s2);
	t->s2 = NULL;
	assert_int_equal(pgw_ctx_new_arm64_s2(&t->s2, root,
					      vtcr_of(12, 35, 0, 2), 0,
					      &ptb_mem_ops, &t->b, err,
					      sizeof(err)), PGW_EINVAL);
	assert_non_null(strstr(err, "SL0"));
	/* 64K granule: SL0 = 11 is reserved. */
	assert_int_equal(pgw_ctx_new_arm64_s2(&t->s2, root,
					      vtcr_of(16, 40, 3, 2), 0,
					      &ptb_mem_ops, &t->b, err,
					      sizeof(err)), PGW_EINVAL);
	/* pgw_ctx_new_nested has no VTCR: it says where to go. */
	assert_int_equal(pgw_ctx_new_nested(&t->s2, PGW_MODE_ARM64_S2, root,
					    0, 0, &ptb_mem_ops, &t->b, err,
					    sizeof(err)), PGW_EINVAL);
	assert_non_null(strstr(err, "pgw_ctx_new_arm64_s2"));
}

static int sink(const char *buf, size_t len, void *payload)
{
	char *out = payload;
	size_t n = strlen(out);

	if (n + len >= 16384)
		return -1;
	memcpy(out + n, buf, len);
	out[n + len] = 0;
	return 0;
}

/*
 * Stage 1 (4K, 48-bit, tables at IPA == PA below 32M) composed through a
 * stage 2 mapping IPAs [0, 32M) to themselves with 2M blocks and IPA 1G to
 * PA 32M: every stage-1 table fetch goes through stage 2, the final IPA
 * too; an IPA stage 2 does not map faults in the nested stage.
 */
static void test_arm64_s2__composed_two_stage_walk(void **state)
{
	struct a64 *t = *state;
	struct geo s1 = geo_of(12, 48), s2 = { 12, 40, 1 };
	uint64_t r0 = a64_root(t, &s1), r1 = a64_root(t, &s1);
	uint64_t s2root = a64_root(t, &s2);
	struct pgw_arm64_regs regs = PGW_ARM64_REGS_INIT;
	struct pgw_result r;
	struct pgw_fault f;
	static char out[16384];
	char err[128];

	/* S1 TTBR0: L0[0]→L1[1] = 1G block at IPA 0x40000000 */
	a64_map(t, &s1, r0, 0x40000000ULL, 1, 0x40000000 | D_AF | D_BLOCK);
	/* S1 TTBR0: L0[0]→L1[0]→L2[0]→L3[5] = page at IPA 0x3000000
	 * (32M + 16M: stage 2 leaves it unmapped) */
	a64_map(t, &s1, r0, 0x5000, 3, 0x3000000 | D_AF | D_PAGE);
	/* S1 TTBR1: L0[511]→L1[511]→L2[511]→L3[511] = page IPA 0x40001000 */
	a64_map(t, &s1, r1, ~0xfffULL, 3, 0x40001000 | D_AF | D_PAGE);
	/* S2 L1[0]→L2[0..15] = 2M blocks, IPA == PA, [0, 32M) */
	for (uint64_t ipa = 0; ipa < (32ULL << 20); ipa += 2ULL << 20)
		a64_map(t, &s2, s2root, ipa, 2, ipa | S2_RW | D_BLOCK);
	/* S2 L1[1]→L2[0] = 2M block IPA 1G → PA 32M */
	a64_map(t, &s2, s2root, 0x40000000ULL, 2,
		(32ULL << 20) | S2_RW | D_BLOCK);
	assert_true(t->next <= (32ULL << 20));
	s2_of(t, s2root, vtcr_of(12, 40, 1, 2), &ptb_mem_ops);
	regs.tcr = tcr_of(12, 48, 12, 48, IPS_48);
	regs.ttbr0 = r0;
	regs.ttbr1 = r1;
	regs.sctlr = 1;
	assert_int_equal(pgw_ctx_new_arm64(&t->ctx, &regs, &ptb_mem_ops, &t->b,
					   err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_set_nested(t->ctx, t->s2), 0);
	assert_int_equal(pgw_translate(t->ctx, 0x40000123ULL, 0, &r, &f, NULL),
			 0);
	assert_int_equal(r.out_gpa, 0x40000123ULL);
	assert_int_equal(r.out_pa, (32ULL << 20) | 0x123);
	assert_int_equal(r.out_page_size, 2ULL << 20);  /* min of stages */
	assert_int_equal(pgw_translate(t->ctx, ~0xfffULL | 0x45, 0, &r, &f,
				       NULL), 0);
	assert_int_equal(r.out_pa, (32ULL << 20) | 0x1045);
	assert_int_equal(pgw_translate(t->ctx, 0x5010, 0, &r, &f, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(f.out_stage, PGW_STAGE_NESTED);
	assert_int_equal(f.out_reason, PGW_FAULT_NOT_PRESENT);
	assert_int_equal(f.out_addr, 0x3000010ULL);
	out[0] = 0;
	assert_int_equal(pgw_view_vtop(t->ctx, 0x40000123ULL, sink, out), 0);
	assert_non_null(strstr(out, "S2 L1"));
	assert_non_null(strstr(out, "guest"));
	assert_non_null(strstr(out, "nested"));
	assert_non_null(strstr(out, "-> gpa 0x0000000040000123 -> "
				    "0x0000000002000123"));
	/* A stage-1 table outside stage 2: TTBR0 at IPA 48M. */
	pgw_ctx_free(t->ctx);
	regs.ttbr0 = 48ULL << 20;
	assert_int_equal(pgw_ctx_new_arm64(&t->ctx, &regs, &ptb_mem_ops, &t->b,
					   err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_set_nested(t->ctx, t->s2), 0);
	assert_int_equal(pgw_translate(t->ctx, 0x1000, 0, &r, &f, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(f.out_stage, PGW_STAGE_NESTED);
	assert_int_equal(f.out_addr, 48ULL << 20);
	pgw_ctx_free(t->ctx);
	t->ctx = NULL;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, a64_setup, a64_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_arm64_s2__two_concatenated_l1_tables),
		T(test_arm64_s2__sixteen_concatenated_tables),
		T(test_arm64_s2__composed_two_stage_walk),
	};

	return cmocka_run_group_tests_name("arm64_s2", tests, NULL, NULL);
}
