/*
 * arm64 `info mem` and `info tlb` columns (docs/info-mem-arm64.md): EL1
 * and EL0 read/write/execute of every page as the Arm ARM's rules make
 * them (AP[2:1], PXN/UXN, the hierarchical APTable/XNTable bits,
 * EL0-writable memory never executable at EL1, execute-only pages, WXN),
 * and memory types from MAIR_EL1 by AttrIndx, or the index alone.
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

#define SCTLR_M   1ULL
#define SCTLR_WXN (1ULL << 19)
#define ATTR(i)   ((uint64_t)(i) << 2)   /* AttrIndx, bits 4:2 */
#define UP        0xffff800000000000ULL
/* MAIR_EL1 by index: 0 Normal WB, 1 Device-nGnRE, 2 Normal WB again,
 * 3 Normal NC, 4 Normal WT, 5 inner WB outer NC, 6 Tagged, 7 a FEAT_XS
 * encoding shown as its value. */
#define MAIR      0x01f04fbb44ff04ffULL

static char out[16384];

static int sink(const char *buf, size_t len, void *payload)
{
	char *o = payload;
	size_t n = strlen(o);

	if (n + len >= sizeof(out))
		return -1;
	memcpy(o + n, buf, len);
	o[n + len] = 0;
	return 0;
}

/* Both halves, 4K granule, 48-bit; every kind of page the columns tell
 * apart. Returns nothing: t->ctx is built by ctx_of(). */
static void build(struct a64 *t, uint64_t *r0, uint64_t *r1)
{
	struct geo g = geo_of(12, 48);
	uint64_t pa = 0x1000000, l3;

	*r0 = a64_root(t, &g);
	*r1 = a64_root(t, &g);
	/* TTBR0: L0[0]→L1[0]→L2[2]→L3[0..1]: user text, EL0 r-x, PXN */
	for (uint64_t i = 0; i < 2; i++)
		a64_map(t, &g, *r0, 0x400000 + (i << 12), 3, (pa += 0x1000) |
			D_AF | D_PAGE | D_AP1 | D_AP2 | D_PXN);
	/* L3[2]: user data, EL0 rw, PXN UXN */
	a64_map(t, &g, *r0, 0x402000, 3, (pa += 0x1000) | D_AF | D_PAGE |
		D_AP1 | D_PXN | D_UXN);
	/* L3[3]: EL0 rw, PXN and UXN clear: never executable at EL1 */
	a64_map(t, &g, *r0, 0x403000, 3, (pa += 0x1000) | D_AF | D_PAGE |
		D_AP1);
	/* L3[4]: AP 00 with UXN clear: execute-only at EL0 */
	a64_map(t, &g, *r0, 0x404000, 3, (pa += 0x1000) | D_AF | D_PAGE |
		D_PXN);
	/* TTBR1: L0[256]→L1[0]→L2[0]→L3[0..1]: kernel text, read-only */
	for (uint64_t i = 0; i < 2; i++)
		a64_map(t, &g, *r1, UP + (i << 12), 3, (pa += 0x1000) | D_AF |
			D_PAGE | D_AP2 | D_UXN | ATTR(0));
	/* L3[2] (AttrIndx 0) and L3[3] (AttrIndx 2, the same type): data */
	for (uint64_t i = 2; i < 4; i++)
		a64_map(t, &g, *r1, UP + (i << 12), 3, (pa += 0x1000) | D_AF |
			D_PAGE | D_PXN | D_UXN | ATTR(i == 2 ? 0 : 2));
	/* L3[4..9]: AttrIndx 1, 5, 6, 7, 3, 4 */
	for (uint64_t i = 4; i < 10; i++)
		a64_map(t, &g, *r1, UP + (i << 12), 3, (pa += 0x1000) | D_AF |
			D_PAGE | D_PXN | D_UXN |
			ATTR("\1\5\6\7\3\4"[i - 4]));
	/* L0[256]→L1[0]→L2[1]: a table with APTable = 11 (read-only, no
	 * EL0) and UXNTable, over an EL0-rw, UXN-clear page at L3[0] */
	l3 = a64_alloc(t, 4096);
	a64_map(t, &g, *r1, UP + 0x200000, 2, l3 | D_TABLE | D_APT0 |
		D_APT1 | D_UXNT);
	a64_map(t, &g, *r1, UP + 0x200000, 3, (pa += 0x1000) | D_AF | D_PAGE |
		D_AP1 | D_PXN);
}

static void ctx_of(struct a64 *t, uint64_t r0, uint64_t r1, uint64_t sctlr,
		   int version, int has_mair)
{
	struct pgw_arm64_regs r = PGW_ARM64_REGS_INIT;
	char err[160] = "";

	r.version = (unsigned)version;
	r.tcr = tcr_of(12, 48, 12, 48, IPS_48);
	r.ttbr0 = r0;
	r.ttbr1 = r1;
	r.sctlr = SCTLR_M | sctlr;
	r.has_mair = has_mair;
	r.mair = MAIR;
	pgw_ctx_free(t->ctx);
	t->ctx = NULL;
	if (pgw_ctx_new_arm64(&t->ctx, &r, &ptb_mem_ops, &t->b, err,
			      sizeof(err)) != 0)
		fail_msg("pgw_ctx_new_arm64: %s", err);
}

static const char *view_mem(struct a64 *t)
{
	out[0] = 0;
	assert_int_equal(pgw_view_mem(t->ctx, sink, out), 0);
	return out;
}

static void test_arm64_views__info_mem_el1_el0_and_mair_types(void **state)
{
	struct a64 *t = *state;
	uint64_t r0, r1;

	build(t, &r0, &r1);
	ctx_of(t, r0, r1, 0, PGW_ARM64_REGS_VERSION, 1);
	assert_string_equal(view_mem(t),
		"0000000000400000-0000000000402000 0000000000002000 el1:r-- el0:r-x Normal-WB\n"
		"0000000000402000-0000000000403000 0000000000001000 el1:rw- el0:rw- Normal-WB\n"
		"0000000000403000-0000000000404000 0000000000001000 el1:rw- el0:rwx Normal-WB\n"
		"0000000000404000-0000000000405000 0000000000001000 el1:rw- el0:--x Normal-WB\n"
		"ffff800000000000-ffff800000002000 0000000000002000 el1:r-x el0:--- Normal-WB\n"
		"ffff800000002000-ffff800000004000 0000000000002000 el1:rw- el0:--- Normal-WB\n"
		"ffff800000004000-ffff800000005000 0000000000001000 el1:rw- el0:--- Device-nGnRE\n"
		"ffff800000005000-ffff800000006000 0000000000001000 el1:rw- el0:--- Normal-iWB-oNC\n"
		"ffff800000006000-ffff800000007000 0000000000001000 el1:rw- el0:--- Normal-WB-Tagged\n"
		"ffff800000007000-ffff800000008000 0000000000001000 el1:rw- el0:--- MAIR=0x01\n"
		"ffff800000008000-ffff800000009000 0000000000001000 el1:rw- el0:--- Normal-NC\n"
		"ffff800000009000-ffff80000000a000 0000000000001000 el1:rw- el0:--- Normal-WT\n"
		"ffff800000200000-ffff800000201000 0000000000001000 el1:r-- el0:--- Normal-WB\n");
}

/* Without MAIR_EL1 (an ELF dump): the index, and runs split by it. A
 * version-1 caller has no MAIR fields at all. */
static void test_arm64_views__info_mem_without_mair(void **state)
{
	struct a64 *t = *state;
	uint64_t r0, r1;

	build(t, &r0, &r1);
	for (int v = 1; v <= 2; v++) {
		ctx_of(t, r0, r1, 0, v, v == 2 ? 0 : 1);
		view_mem(t);
		assert_non_null(strstr(out, "0000000000400000-0000000000402000 0000000000002000 el1:r-- el0:r-x AttrIndx=0\n"));
		assert_non_null(strstr(out, "ffff800000002000-ffff800000003000 0000000000001000 el1:rw- el0:--- AttrIndx=0\n"
					    "ffff800000003000-ffff800000004000 0000000000001000 el1:rw- el0:--- AttrIndx=2\n"));
		assert_null(strstr(out, "Normal"));
	}
}

/* SCTLR_EL1.WXN: writable memory is execute-never at EL1 and EL0. */
static void test_arm64_views__info_mem_wxn(void **state)
{
	struct a64 *t = *state;
	uint64_t r0, r1;

	build(t, &r0, &r1);
	ctx_of(t, r0, r1, SCTLR_WXN, PGW_ARM64_REGS_VERSION, 1);
	view_mem(t);
	assert_non_null(strstr(out, "0000000000402000-0000000000404000 0000000000002000 el1:rw- el0:rw- Normal-WB\n"
				    "0000000000404000-0000000000405000 0000000000001000 el1:rw- el0:--- Normal-WB\n"));
	assert_non_null(strstr(out, "ffff800000000000-ffff800000002000 0000000000002000 el1:r-x el0:--- Normal-WB\n"));
}

/* info tlb: one line per page, the descriptor's letters, then the same
 * columns (the table's APTable included, which the letters cannot say). */
static void test_arm64_views__info_tlb_columns(void **state)
{
	struct a64 *t = *state;
	uint64_t r0, r1;

	build(t, &r0, &r1);
	ctx_of(t, r0, r1, 0, PGW_ARM64_REGS_VERSION, 1);
	out[0] = 0;
	assert_int_equal(pgw_view_tlb(t->ctx, sink, out), 0);
	assert_non_null(strstr(out, "0000000000400000: 0000000001001000 -P---ARU-V el1:r-- el0:r-x Normal-WB\n"));
	assert_non_null(strstr(out, "ffff800000000000: 0000000001006000 X----AR--V el1:r-x el0:--- Normal-WB\n"));
	assert_non_null(strstr(out, "ffff800000004000: 000000000100a000 XP---A---V el1:rw- el0:--- Device-nGnRE\n"));
	assert_non_null(strstr(out, "ffff800000200000: 0000000001010000 -P---A-U-V el1:r-- el0:--- Normal-WB\n"));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, a64_setup, a64_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_arm64_views__info_mem_el1_el0_and_mair_types),
		T(test_arm64_views__info_mem_without_mair),
		T(test_arm64_views__info_mem_wxn),
		T(test_arm64_views__info_tlb_columns),
	};

	return cmocka_run_group_tests_name("arm64_views", tests, NULL, NULL);
}
