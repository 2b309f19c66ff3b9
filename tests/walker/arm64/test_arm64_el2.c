/*
 * arm64 stage 1 of the EL2 regimes: EL2&0 (HCR_EL2.E2H = 1, VHE: TTBR0/1_EL2
 * and a TCR_EL2 laid out as TCR_EL1, EL0 and PAN as in EL1&0) and EL2
 * (E2H = 0: TTBR0_EL2 only, TCR_EL2's own layout, no EL0, one XN bit,
 * AP[1]/PXN/APTable[0]/PXNTable ignored); their region names, info mem
 * labels and flag letters; and the regime field's versioning.
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

#define SCTLR_M 1ULL
#define RW (PGW_PERM_R | PGW_PERM_W)

/* TCR_EL2 with E2H = 0 (Arm ARM D19.2): T0SZ 5:0, TG0 15:14, PS 18:16,
 * TBI 20, HPD 24, DS 32. */
#define TCR2_TBI (1ULL << 20)
#define TCR2_HPD (1ULL << 24)
#define TCR2_DS  (1ULL << 32)

static uint64_t tcr2_of(unsigned pgshift, unsigned ia, uint64_t ps)
{
	return (uint64_t)(64 - ia) | ((uint64_t)tg0_of(pgshift) << 14) |
	       (ps << 16);
}

static char out[8192];

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

static int new_ctx(struct a64 *t, unsigned regime, uint64_t tcr,
		   uint64_t ttbr0, uint64_t ttbr1, uint64_t pstate, char *err,
		   size_t errlen)
{
	struct pgw_arm64_regs r = PGW_ARM64_REGS_INIT;

	r.regime = regime;
	r.tcr = tcr;
	r.ttbr0 = ttbr0;
	r.ttbr1 = ttbr1;
	r.sctlr = SCTLR_M;
	r.pstate = pstate;
	pgw_ctx_free(t->ctx);
	t->ctx = NULL;
	return pgw_ctx_new_arm64(&t->ctx, &r, &ptb_mem_ops, &t->b, err,
				 errlen);
}

static void ctx_of(struct a64 *t, unsigned regime, uint64_t tcr,
		   uint64_t ttbr0, uint64_t ttbr1, uint64_t pstate)
{
	char err[160] = "";

	if (new_ctx(t, regime, tcr, ttbr0, ttbr1, pstate, err, sizeof(err)))
		fail_msg("pgw_ctx_new_arm64: %s", err);
	assert_int_equal(pgw_ctx_mode(t->ctx), PGW_MODE_ARM64);
}

static int acc(struct a64 *t, uint64_t va, unsigned access)
{
	struct pgw_result r;

	return pgw_translate(t->ctx, va, access, &r, NULL, NULL);
}

static unsigned perms(struct a64 *t, uint64_t va)
{
	struct pgw_result r;
	struct pgw_fault f;

	if (pgw_translate(t->ctx, va, 0, &r, &f, NULL) != 0)
		fail_msg("0x%llx: %s at level %d", (unsigned long long)va,
			 pgw_fault_reason_name(f.out_reason), f.out_level);
	return r.out_perms;
}

/* EL2&0 walks exactly as EL1&0 does, under the _EL2 names: both halves,
 * EL0 through AP[1], PAN refusing EL2 data accesses to EL0 pages. */
static void test_arm64_el2__vhe_regime_is_el10_with_el2_names(void **state)
{
	struct a64 *t = *state;
	struct geo g = geo_of(12, 48);
	uint64_t r0 = a64_root(t, &g), r1 = a64_root(t, &g);
	uint64_t kva = 0xffff800000001000ULL;
	const char *desc = NULL;

	/* TTBR0_EL2: L3 page at 0x400000, EL0 RW (AP=01), UXN clear */
	a64_map(t, &g, r0, 0x400000, 3, 0x8000 | D_AF | D_PAGE | D_AP1 | D_PXN);
	/* TTBR1_EL2: L3 page at kva, EL2 RW, UXN */
	a64_map(t, &g, r1, kva, 3, 0x9000 | D_AF | D_PAGE | D_UXN);
	ctx_of(t, PGW_ARM64_REGIME_EL20, tcr_of(12, 48, 12, 48, IPS_48), r0, r1,
	       0);
	assert_string_equal(pgw_ctx_region(t->ctx, 0x400000, &desc),
			    "TTBR0_EL2");
	assert_string_equal(pgw_ctx_region(t->ctx, kva, &desc), "TTBR1_EL2");
	assert_int_equal(perms(t, 0x400000), RW | PGW_PERM_U | PGW_PERM_UX);
	assert_int_equal(perms(t, kva), RW | PGW_PERM_X);
	assert_int_equal(acc(t, 0x400000, PGW_ACC_WRITE | PGW_ACC_USER), 0);
	assert_int_equal(acc(t, 0x400000, PGW_ACC_EXEC | PGW_ACC_USER), 0);
	assert_int_equal(acc(t, kva, PGW_ACC_READ | PGW_ACC_USER), PGW_EACCES);
	assert_int_equal(acc(t, 0x400000, PGW_ACC_READ), 0);
	/* PSTATE.PAN applies at EL2 when E2H is set. */
	ctx_of(t, PGW_ARM64_REGIME_EL20, tcr_of(12, 48, 12, 48, IPS_48), r0, r1,
	       PGW_ARM64_PSTATE_PAN);
	assert_int_equal(acc(t, 0x400000, PGW_ACC_READ), PGW_EACCES);
	assert_int_equal(acc(t, kva, PGW_ACC_WRITE), 0);
	out[0] = 0;
	assert_int_equal(pgw_view_mem(t->ctx, sink, out), 0);
	assert_string_equal(out,
		"0000000000400000-0000000000401000 0000000000001000 el2:rw- el0:rwx AttrIndx=0\n"
		"ffff800000001000-ffff800000002000 0000000000001000 el2:rwx el0:--- AttrIndx=0\n");
}

/* EL2 (E2H = 0): one range from TTBR0_EL2; TCR_EL2's own fields; AP[1],
 * PXN, APTable[0] and PXNTable mean nothing; bit 54 and XNTable forbid
 * execution; no access is an EL0 one; PAN does not exist there. */
static void test_arm64_el2__nvhe_regime_one_range_one_el(void **state)
{
	struct a64 *t = *state;
	struct geo g = geo_of(12, 48);
	uint64_t r0 = a64_root(t, &g), other = a64_root(t, &g), ea;
	const char *desc = NULL;
	struct pgw_result r;
	struct pgw_fault f;

	/* L3[0]: AP=01 (EL0 RW in EL1&0) and PXN: here RW and executable */
	a64_map(t, &g, r0, 0x0000, 3, 0x8000 | D_AF | D_PAGE | D_AP1 | D_PXN);
	/* L3[1]: AP=11 read-only, bit 54 XN */
	a64_map(t, &g, r0, 0x1000, 3,
		0x9000 | D_AF | D_PAGE | D_AP1 | D_AP2 | D_UXN);
	/* L1[1] → ... → L3 page, below a table entry given APTable = 11,
	 * PXNTable and XNTable (bit 60) */
	a64_map(t, &g, r0, 1ULL << 30, 3, 0xa000 | D_AF | D_PAGE);
	/* An upper-half page that must stay out of reach (no TTBR1_EL2). */
	a64_map(t, &g, other, 0xffff000000000000ULL, 3, 0xb000 | D_AF | D_PAGE);
	ctx_of(t, PGW_ARM64_REGIME_EL2, tcr2_of(12, 48, IPS_48), r0, other,
	       PGW_ARM64_PSTATE_PAN);
	assert_string_equal(pgw_ctx_region(t->ctx, 0, &desc), "TTBR0_EL2");
	assert_string_equal(desc, "4K granule, 48-bit, L0..L3");
	assert_int_equal(perms(t, 0x0000), RW | PGW_PERM_X);
	assert_int_equal(perms(t, 0x1000), PGW_PERM_R);
	assert_int_equal(perms(t, 1ULL << 30), RW | PGW_PERM_X);
	/* PAN is ignored; EL0 accesses never succeed. */
	assert_int_equal(acc(t, 0x0000, PGW_ACC_WRITE), 0);
	assert_int_equal(acc(t, 0x0000, PGW_ACC_EXEC), 0);
	assert_int_equal(acc(t, 0x0000, PGW_ACC_READ | PGW_ACC_USER),
			 PGW_EACCES);
	assert_int_equal(acc(t, 0x1000, PGW_ACC_EXEC), PGW_EACCES);
	assert_int_equal(acc(t, 0x1000, PGW_ACC_WRITE), PGW_EACCES);
	/* Bit 55 selects no second range: a level 0 translation fault. */
	assert_int_equal(pgw_translate(t->ctx, 0xffff000000000000ULL, 0, &r,
				       &f, NULL), PGW_ENOTMAPPED);
	assert_int_equal(f.out_reason, PGW_FAULT_NONCANONICAL);
	/* Without TBI the top byte counts; with it, it is ignored. */
	assert_int_equal(pgw_translate(t->ctx, 0x5a00000000000000ULL, 0, &r,
				       &f, NULL), PGW_ENOTMAPPED);
	ctx_of(t, PGW_ARM64_REGIME_EL2, tcr2_of(12, 48, IPS_48) | TCR2_TBI, r0,
	       0, 0);
	assert_int_equal(pgw_translate(t->ctx, 0x5a00000000001000ULL, 0, &r,
				       &f, NULL), 0);
	assert_int_equal(r.out_pa, 0x9000);
	/* Table bits: APTable[1] and XNTable count, unless TCR_EL2.HPD. */
	ea = ptb_get(&t->b, r0, 8) & 0x0000fffffffff000ULL;  /* L1 table */
	ptb_put(&t->b, ea + 8, ptb_get(&t->b, ea + 8, 8) | D_APT1 | D_APT0 |
		D_PXNT | D_UXNT, 8);
	ctx_of(t, PGW_ARM64_REGIME_EL2, tcr2_of(12, 48, IPS_48), r0, 0, 0);
	assert_int_equal(perms(t, 1ULL << 30), PGW_PERM_R);
	ctx_of(t, PGW_ARM64_REGIME_EL2, tcr2_of(12, 48, IPS_48) | TCR2_HPD, r0,
	       0, 0);
	assert_int_equal(perms(t, 1ULL << 30), RW | PGW_PERM_X);
	/* The views: el2 rights, no EL0 ones; U and P letters not shown. */
	out[0] = 0;
	assert_int_equal(pgw_view_mem(t->ctx, sink, out), 0);
	assert_string_equal(out,
		"0000000000000000-0000000000001000 0000000000001000 el2:rwx el0:--- AttrIndx=0\n"
		"0000000000001000-0000000000002000 0000000000001000 el2:r-- el0:--- AttrIndx=0\n"
		"0000000040000000-0000000040001000 0000000000001000 el2:rwx el0:--- AttrIndx=0\n");
	out[0] = 0;
	assert_int_equal(pgw_view_tlb(t->ctx, sink, out), 0);
	assert_non_null(strstr(out, "0000000000000000: 0000000000008000 -----A---V el2:rwx"));
	assert_non_null(strstr(out, "0000000000001000: 0000000000009000 X----AR--V el2:r--"));
}

/* TCR_EL2's PS and DS sit elsewhere than TCR_EL1's IPS and DS: a 52-bit
 * 4K walk (LPA2) starts at level -1, and PS limits the output size. */
static void test_arm64_el2__nvhe_ps_and_ds_fields(void **state)
{
	struct a64 *t = *state;
	struct geo g = geo_of(12, 48);
	uint64_t r0 = a64_root(t, &g);
	const char *desc = NULL;
	struct pgw_result r;
	struct pgw_fault f;

	ctx_of(t, PGW_ARM64_REGIME_EL2, tcr2_of(12, 52, IPS_52) | TCR2_DS, r0,
	       0, 0);
	pgw_ctx_region(t->ctx, 0, &desc);
	assert_string_equal(desc, "4K granule, 52-bit, L-1..L3, LPA2");
	/* PS = 40 bits: a page at PA 2^40 is an address size fault. */
	a64_map(t, &g, r0, 0x1000, 3, (1ULL << 40) | D_AF | D_PAGE);
	ctx_of(t, PGW_ARM64_REGIME_EL2, tcr2_of(12, 48, IPS_40), r0, 0, 0);
	assert_int_equal(pgw_translate(t->ctx, 0x1000, 0, &r, &f, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(f.out_reason, PGW_FAULT_ADDR_SIZE);
	ctx_of(t, PGW_ARM64_REGIME_EL2, tcr2_of(12, 48, IPS_48), r0, 0, 0);
	assert_int_equal(pgw_translate(t->ctx, 0x1000, 0, &r, &f, NULL), 0);
	assert_int_equal(r.out_pa, 1ULL << 40);
}

/* A regime beyond EL2 is refused; a version-2 caller's struct has no
 * regime field and stays EL1&0. */
static void test_arm64_el2__regime_versioning(void **state)
{
	struct a64 *t = *state;
	struct pgw_arm64_regs r = PGW_ARM64_REGS_INIT;
	char err[160] = "";

	assert_int_equal(new_ctx(t, 3, tcr_of(12, 48, 12, 48, IPS_48), 0, 0, 0,
				 err, sizeof(err)), PGW_EINVAL);
	r.version = 2;
	r.regime = PGW_ARM64_REGIME_EL2;  /* not read at version 2 */
	r.tcr = tcr_of(12, 48, 12, 48, IPS_48);
	r.sctlr = SCTLR_M;
	assert_int_equal(pgw_ctx_new_arm64(&t->ctx, &r, &ptb_mem_ops, &t->b,
					   err, sizeof(err)), 0);
	assert_string_equal(pgw_ctx_region(t->ctx, ~0ULL, NULL), "TTBR1_EL1");
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, a64_setup, a64_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_arm64_el2__vhe_regime_is_el10_with_el2_names),
		T(test_arm64_el2__nvhe_regime_one_range_one_el),
		T(test_arm64_el2__nvhe_ps_and_ds_fields),
		T(test_arm64_el2__regime_versioning),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
