/*
 * arm64 52-bit addresses: FEAT_LPA (64K granule, OA[51:48] in descriptor
 * bits 15:12, 4TB level 1 blocks, 52-bit VAs from level 1) and FEAT_LPA2
 * (TCR.DS with 4K: OA[51:50] in bits 9:8, level -1 for 52-bit VAs, 512G
 * level 0 blocks), with TTBR BADDR[51:48] in bits 5:2.
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

#define TCR_DS (1ULL << 59)

static int ctx_of(struct a64 *t, uint64_t tcr, uint64_t ttbr0)
{
	struct pgw_arm64_regs r = PGW_ARM64_REGS_INIT;
	char err[160] = "";
	int rc;

	r.tcr = tcr;
	r.ttbr0 = ttbr0;
	r.ttbr1 = 0;
	r.sctlr = 1;
	pgw_ctx_free(t->ctx);
	t->ctx = NULL;
	rc = pgw_ctx_new_arm64(&t->ctx, &r, &ptb_mem_ops, &t->b, err,
			       sizeof(err));
	if (rc)
		fail_msg("pgw_ctx_new_arm64: %s", err);
	return rc;
}

static void test_arm64_lpa__64k_52bit_pages_and_4tb_blocks(void **state)
{
	struct a64 *t = *state;
	struct geo g = geo_of(16, 52);  /* L1 (10 bits), L2, L3 */
	uint64_t root = a64_root(t, &g);
	struct pgw_result r;
	struct pgw_fault f;

	assert_int_equal(g.start, 1);
	/* L1[512]→L2[0]→L3[0] = 64K page at OA 0xf000000030000:
	 * OA[47:16] in place, OA[51:48] = 0xf in bits 15:12 */
	a64_map(t, &g, root, 1ULL << 51, 3,
		0x30000 | (0xfULL << 12) | D_AF | D_PAGE);
	/* L1[256] = 4TB block at OA 0xa000000000000 (bits 15:12 = 0xa) */
	a64_map(t, &g, root, 1ULL << 50, 1, (0xaULL << 12) | D_AF | D_BLOCK);
	ctx_of(t, tcr_of(16, 52, 16, 52, IPS_52), root);
	assert_int_equal(pgw_ctx_va_bits(t->ctx), 52);
	assert_int_equal(pgw_translate(t->ctx, (1ULL << 51) | 0x2345, 0, &r,
				       &f, NULL), 0);
	assert_int_equal(r.out_pa, 0x000f000000032345ULL);
	assert_int_equal(pgw_translate(t->ctx, (1ULL << 50) | 0x123456789ULL,
				       0, &r, &f, NULL), 0);
	assert_int_equal(r.out_pa, 0x000a000123456789ULL);
	assert_int_equal(r.out_page_size, 1ULL << 42);
	assert_string_equal(pgw_ctx_level_name(t->ctx, 0), "L1");
	/* Beyond 52 bits: out of range. */
	assert_int_equal(pgw_translate(t->ctx, 1ULL << 52, 0, &r, &f, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(f.out_reason, PGW_FAULT_NONCANONICAL);
	/* A 48-bit IPS: the same descriptors are address size faults. */
	ctx_of(t, tcr_of(16, 52, 16, 52, IPS_48), root);
	assert_int_equal(pgw_translate(t->ctx, (1ULL << 51) | 0x2345, 0, &r,
				       &f, NULL), PGW_ENOTMAPPED);
	assert_int_equal(f.out_reason, PGW_FAULT_ADDR_SIZE);
	assert_string_equal(f.out_level_name, "L3");
}

/* TTBR BADDR[51:48] sits in TTBR bits 5:2 with 52-bit addresses: a
 * root above 2^48 is looked for there (and is outside this memory). */
static void test_arm64_lpa__ttbr_high_bits(void **state)
{
	struct a64 *t = *state;
	struct geo g = geo_of(16, 52);
	uint64_t root = a64_root(t, &g);
	struct pgw_result r;
	struct pgw_fault f;

	/* L1[0]→L2[0]→L3[0] = page 0x50000 */
	a64_map(t, &g, root, 0, 3, 0x50000 | D_AF | D_PAGE);
	ctx_of(t, tcr_of(16, 52, 16, 52, IPS_52), root);
	assert_int_equal(pgw_translate(t->ctx, 0x10, 0, &r, &f, NULL), 0);
	assert_int_equal(r.out_pa, 0x50010);
	ctx_of(t, tcr_of(16, 52, 16, 52, IPS_52), root | (1ULL << 2));
	assert_int_equal(pgw_translate(t->ctx, 0x10, 0, &r, &f, NULL),
			 PGW_EIO);
	assert_int_equal(f.out_reason, PGW_FAULT_BAD_TABLE);
	assert_int_equal(f.out_table, (1ULL << 48) | root);
}

static int sink(const char *buf, size_t len, void *payload)
{
	char *out = payload;
	size_t n = strlen(out);

	if (n + len >= 8192)
		return -1;
	memcpy(out + n, buf, len);
	out[n + len] = 0;
	return 0;
}

/* LPA2, 4K granule, 52-bit VAs: five levels from L-1 (16 entries), OA
 * bits 51:50 in descriptor bits 9:8, a 512G block at level 0. */
static void test_arm64_lpa__lpa2_4k_five_levels(void **state)
{
	struct a64 *t = *state;
	struct geo g = geo_of(12, 52);
	uint64_t root = a64_root(t, &g);
	uint64_t oa = 0x000e000000012000ULL;
	struct pgw_result r;
	struct pgw_fault f;
	static char out[8192];

	assert_int_equal(g.start, -1);
	/* L-1[15]→L0[256]→L1[0]→L2[145]→L3[325] = page at OA
	 * 0xe000000012000: OA[49:12] in place, OA[51:50] = 11 in bits 9:8 */
	a64_map(t, &g, root, 0x000f800012345678ULL, 3,
		(oa & 0x0003fffffffff000ULL) | (3ULL << 8) | D_AF | D_PAGE);
	/* L-1[1]→L0[0] = 512G block at OA 0x8000000000000 (bits 9:8 = 10) */
	a64_map(t, &g, root, 1ULL << 48, 0, (2ULL << 8) | D_AF | D_BLOCK);
	ctx_of(t, tcr_of(12, 52, 12, 52, IPS_52) | TCR_DS, root);
	assert_int_equal(pgw_ctx_levels(t->ctx), 5);
	assert_string_equal(pgw_ctx_level_name(t->ctx, 0), "L-1");
	assert_int_equal(pgw_translate(t->ctx, 0x000f800012345678ULL, 0, &r,
				       &f, NULL), 0);
	assert_int_equal(r.out_pa, oa | 0x678);
	assert_int_equal(r.out_level, 4);
	assert_int_equal(pgw_translate(t->ctx, (1ULL << 48) | 0x123456789ULL,
				       0, &r, &f, NULL), 0);
	assert_int_equal(r.out_pa, 0x0008000123456789ULL);
	assert_int_equal(r.out_page_size, 1ULL << 39);
	/* L-1[2] is empty: a Translation fault at level -1. */
	assert_int_equal(pgw_translate(t->ctx, 2ULL << 48, 0, &r, &f, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(f.out_reason, PGW_FAULT_NOT_PRESENT);
	assert_string_equal(f.out_level_name, "L-1");
	out[0] = 0;
	assert_int_equal(pgw_view_vtop(t->ctx, 0x000f800012345678ULL, sink,
				       out), 0);
	assert_non_null(strstr(out, "L-1"));
	assert_non_null(strstr(out, "0x000e000000012678"));
	/* The region says LPA2: readers decode bits 9:8 as OA[51:50]. */
	{
		const char *desc;

		assert_string_equal(pgw_ctx_region(t->ctx, 0x1000, &desc),
				    "TTBR0_EL1");
		assert_string_equal(desc, "4K granule, 52-bit, L-1..L3, LPA2");
		assert_string_equal(pgw_ctx_region(t->ctx, ~0ULL, NULL),
				    "TTBR1_EL1");
	}
	/* Without DS the descriptors are 48-bit and T0SZ 12 acts as 16:
	 * the 52-bit VA is out of range. */
	ctx_of(t, tcr_of(12, 52, 12, 52, IPS_52), root);
	assert_int_equal(pgw_ctx_va_bits(t->ctx), 48);
	{
		const char *desc;

		pgw_ctx_region(t->ctx, 0x1000, &desc);
		assert_string_equal(desc, "4K granule, 48-bit, L0..L3");
	}
	assert_int_equal(pgw_translate(t->ctx, 0x000f800012345678ULL, 0, &r,
				       &f, NULL), PGW_ENOTMAPPED);
	assert_int_equal(f.out_reason, PGW_FAULT_NONCANONICAL);
}

/* LPA2 with 16K: 52-bit VAs start at level 0 (5 bits), 64G blocks at
 * level 1. */
static void test_arm64_lpa__lpa2_16k_level1_block(void **state)
{
	struct a64 *t = *state;
	struct geo g = geo_of(14, 52);
	uint64_t root = a64_root(t, &g);
	struct pgw_result r;

	assert_int_equal(g.start, 0);
	/* L0[17]→L1[3] = 64G block at OA 0x4000000000000 (bits 9:8 = 01) */
	a64_map(t, &g, root, (17ULL << 47) | (3ULL << 36), 1,
		(1ULL << 8) | D_AF | D_BLOCK);
	ctx_of(t, tcr_of(14, 52, 14, 52, IPS_52) | TCR_DS, root);
	assert_int_equal(pgw_translate(t->ctx, (17ULL << 47) | (3ULL << 36) |
				       0xabcdef, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x0004000000abcdefULL);
	assert_int_equal(r.out_page_size, 1ULL << 36);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, a64_setup, a64_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_arm64_lpa__64k_52bit_pages_and_4tb_blocks),
		T(test_arm64_lpa__ttbr_high_bits),
		T(test_arm64_lpa__lpa2_4k_five_levels),
		T(test_arm64_lpa__lpa2_16k_level1_block),
	};

	return cmocka_run_group_tests_name("arm64_lpa", tests, NULL, NULL);
}
