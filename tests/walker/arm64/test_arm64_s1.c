/*
 * arm64 stage 1 (EL1&0): every granule, VA size and block level in both
 * halves, TBI, halves of different granules, every fault kind (invalid,
 * reserved page encoding, misplaced block, out of range, EPD, unknown
 * root, address size, access flag), hierarchical permissions with and
 * without HPD, PAN and WXN access checks, info pg folding of contiguous
 * runs, and the context's spans.
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
#define ASID (0x1234ULL << 48)   /* TTBR bits the walker must ignore */

static pgw_ctx *ctx_of(struct a64 *t, uint64_t tcr, uint64_t ttbr0,
		       uint64_t ttbr1, unsigned unknown)
{
	struct pgw_arm64_regs r = PGW_ARM64_REGS_INIT;
	char err[160] = "";

	r.tcr = tcr;
	r.ttbr0 = ttbr0 | ASID;
	r.ttbr1 = ttbr1 | ASID;
	r.sctlr = SCTLR_M;
	r.unknown_roots = unknown;
	pgw_ctx_free(t->ctx);
	t->ctx = NULL;
	if (pgw_ctx_new_arm64(&t->ctx, &r, &ptb_mem_ops, &t->b, err,
			      sizeof(err)) != 0)
		fail_msg("pgw_ctx_new_arm64: %s", err);
	assert_int_equal(pgw_ctx_mode(t->ctx), PGW_MODE_ARM64);
	return t->ctx;
}

/* Blocks the Arm ARM allows without 52-bit addresses (D8.2 table of
 * block sizes), plus 64K level 1 (FEAT_LPA: ID_AA64MMFR0 unknown = all). */
static int block_level_ok(unsigned pgshift, int l)
{
	if (l == 3)
		return 1;
	if (pgshift == 12)
		return l == 1 || l == 2;
	if (pgshift == 14)
		return l == 2;
	return l == 1 || l == 2;
}

/* Translates @va twice and checks both answers agree: the first walk
 * fills the map cache, so the second takes the core's fast path wherever
 * the context allows it (which must fault and translate alike). */
static int translate2(pgw_ctx *c, uint64_t va, struct pgw_result *r,
		      struct pgw_fault *f)
{
	struct pgw_result r1;
	struct pgw_fault f1;
	int rc1 = pgw_translate(c, va, 0, &r1, &f1, NULL);
	int rc = pgw_translate(c, va, 0, r, f, NULL);

	assert_int_equal(rc, rc1);
	if (rc == 0)
		assert_int_equal(r->out_pa, r1.out_pa);
	else
		assert_int_equal(f->out_reason, f1.out_reason);
	return rc;
}

static void check_one(struct a64 *t, const struct geo *g, int upper,
		      int level)
{
	uint64_t mask = (1ULL << g->ia) - 1;
	uint64_t va = 0x5a5a5a5a5a5a5a5aULL & mask;
	uint64_t span = 1ULL << geo_shift(g, level);
	uint64_t pa = 0x0000500000000000ULL & ~(span - 1);
	uint64_t root = a64_root(t, g), other = a64_root(t, g);
	struct pgw_result r;
	struct pgw_fault f;
	char what[96];

	if (upper)
		va |= ~mask;
	snprintf(what, sizeof(what), "%uK granule, %u-bit, %s half, L%d",
		 1u << (g->pgshift - 10), g->ia, upper ? "upper" : "lower",
		 level);
	/* TTBRn[VA bits on its path]→…→L<level> block or page at pa */
	a64_map(t, g, root, va, level,
		pa | D_AF | (level == 3 ? D_PAGE : D_BLOCK));
	ctx_of(t, tcr_of(g->pgshift, g->ia, g->pgshift, g->ia, IPS_48),
	       upper ? other : root, upper ? root : other, 0);
	if (translate2(t->ctx, va, &r, &f) != 0)
		fail_msg("%s: %s at level %d", what,
			 pgw_fault_reason_name(f.out_reason), f.out_level);
	assert_int_equal(r.out_pa, pa | (va & (span - 1)));
	assert_int_equal(r.out_page_size, span);
	assert_int_equal(r.out_level, level - g->start);
	/* The other half maps nothing there. */
	assert_int_equal(translate2(t->ctx, va ^ ~mask, &r, &f),
			 PGW_ENOTMAPPED);
	a64_reset(t);
}

/* Every granule × VA size × level a block or page may sit at, in both
 * halves; 64-bit TTBRs with an ASID. */
static void test_arm64_s1__every_granule_size_and_block_level(void **state)
{
	static const struct { unsigned pgshift, ia; } sizes[] = {
		{ 12, 25 }, { 12, 30 }, { 12, 39 }, { 12, 42 }, { 12, 48 },
		{ 14, 25 }, { 14, 36 }, { 14, 40 }, { 14, 47 }, { 14, 48 },
		{ 16, 25 }, { 16, 29 }, { 16, 42 }, { 16, 48 }, { 16, 52 },
	};
	struct a64 *t = *state;
	unsigned n = 0;

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct geo g = geo_of(sizes[i].pgshift, sizes[i].ia);

		for (int l = g.start; l <= 3; l++) {
			if (!block_level_ok(g.pgshift, l))
				continue;
			check_one(t, &g, 0, l);
			check_one(t, &g, 1, l);
			n++;
		}
	}
	assert_int_equal(n, 32);
}

/* A block where the granule allows none is a Translation fault at its
 * level, as is bits[1:0] = 01 at level 3. */
static void test_arm64_s1__invalid_block_levels_and_page_encoding(void **state)
{
	struct a64 *t = *state;
	struct geo g4 = geo_of(12, 48), g16 = geo_of(14, 47);
	uint64_t r4 = a64_root(t, &g4), r16 = a64_root(t, &g16);
	struct pgw_result r;
	struct pgw_fault f;

	/* TTBR0 4K: L0[0] = block (none at L0 without DS) */
	a64_map(t, &g4, r4, 0, 0, 0x40000000ULL | D_AF | D_BLOCK);
	/* TTBR0 4K: L0[1]→L1[0]→L2[0]→L3[0] = 01 (reserved) */
	a64_map(t, &g4, r4, 1ULL << 39, 3, 0x7000 | D_AF | D_BLOCK);
	/* TTBR1 16K: L1[…]→L2 fine, but L1 block (none without DS) */
	a64_map(t, &g16, r16, ~0ULL << 47, 1, (1ULL << 36) | D_AF | D_BLOCK);
	ctx_of(t, tcr_of(12, 48, 14, 47, IPS_48), r4, r16, 0);
	assert_int_equal(translate2(t->ctx, 0x1000, &r, &f),
			 PGW_ENOTMAPPED);
	assert_int_equal(f.out_reason, PGW_FAULT_NOT_PRESENT);
	assert_int_equal(f.out_level, 0);
	assert_string_equal(f.out_level_name, "L0");
	assert_int_equal(translate2(t->ctx, 1ULL << 39, &r, &f),
			 PGW_ENOTMAPPED);
	assert_int_equal(f.out_reason, PGW_FAULT_NOT_PRESENT);
	assert_string_equal(f.out_level_name, "L3");
	assert_int_equal(translate2(t->ctx, ~0ULL << 47, &r, &f),
			 PGW_ENOTMAPPED);
	assert_int_equal(f.out_reason, PGW_FAULT_NOT_PRESENT);
	assert_string_equal(f.out_level_name, "L1");
}

/* TBI0/TBI1: the top byte takes no part; without it the VA is out of
 * range. Bit 55 picks the half either way. */
static void test_arm64_s1__tbi_per_half(void **state)
{
	struct a64 *t = *state;
	struct geo g = geo_of(12, 48);
	uint64_t r0 = a64_root(t, &g), r1 = a64_root(t, &g);
	struct pgw_result r;
	struct pgw_fault f;

	/* TTBR0: L0[0]→L1[0]→L2[0]→L3[1] = page 0x9000 */
	a64_map(t, &g, r0, 0x1000, 3, 0x9000 | D_AF | D_PAGE);
	/* TTBR1: L0[511]→L1[511]→L2[511]→L3[511] = page 0xa000 */
	a64_map(t, &g, r1, 0xfffffffffffff000ULL, 3, 0xa000 | D_AF | D_PAGE);
	ctx_of(t, tcr_of(12, 48, 12, 48, IPS_48) | (1ULL << 37), r0, r1, 0);
	assert_int_equal(pgw_translate(t->ctx, 0x5a00000000001234ULL, 0, &r,
				       &f, NULL), 0);
	assert_int_equal(r.out_pa, 0x9234);
	/* TBI1 clear: a tagged upper VA is out of range. */
	assert_int_equal(pgw_translate(t->ctx, 0x5affffffffffff00ULL, 0, &r,
				       &f, NULL), PGW_ENOTMAPPED);
	assert_int_equal(f.out_reason, PGW_FAULT_NONCANONICAL);
	assert_int_equal(pgw_translate(t->ctx, 0xffffffffffffff00ULL, 0, &r,
				       &f, NULL), 0);
	assert_int_equal(r.out_pa, 0xaf00);
	ctx_of(t, tcr_of(12, 48, 12, 48, IPS_48) | (1ULL << 38), r0, r1, 0);
	assert_int_equal(pgw_translate(t->ctx, 0x5affffffffffff00ULL, 0, &r,
				       &f, NULL), 0);
	assert_int_equal(r.out_pa, 0xaf00);
	assert_int_equal(pgw_translate(t->ctx, 0x5a00000000001234ULL, 0, &r,
				       &f, NULL), PGW_ENOTMAPPED);
	assert_int_equal(f.out_reason, PGW_FAULT_NONCANONICAL);
	/* Between the halves: bit 55 clear but bits 54:48 set. */
	assert_int_equal(pgw_translate(t->ctx, 0x0001000000000000ULL, 0, &r,
				       &f, NULL), PGW_ENOTMAPPED);
	assert_int_equal(f.out_reason, PGW_FAULT_NONCANONICAL);
}

/* TG0 and TG1 differ: 4K below, 64K above, each walked in its format,
 * and the context's spans, va_bits and canonical forms say so. */
static void test_arm64_s1__halves_of_different_granules(void **state)
{
	struct a64 *t = *state;
	struct geo g0 = geo_of(12, 39), g1 = geo_of(16, 42);
	uint64_t r0 = a64_root(t, &g0), r1 = a64_root(t, &g1);
	uint64_t sp[2][2];
	struct pgw_result r;

	/* TTBR0 (4K, 39-bit, from L1): L1[2]→L2[0] = 2M block 0x200000 */
	a64_map(t, &g0, r0, 0x80000000ULL, 2, 0x200000 | D_AF | D_BLOCK);
	/* TTBR1 (64K, 42-bit, from L2): L2[8191]→L3[8191] = 64K page */
	a64_map(t, &g1, r1, 0xffffffffffff0000ULL, 3,
		0x30000 | D_AF | D_PAGE);
	ctx_of(t, tcr_of(12, 39, 16, 42, IPS_48), r0, r1, 0);
	assert_int_equal(pgw_translate(t->ctx, 0x80012345ULL, 0, &r, NULL,
				       NULL), 0);
	assert_int_equal(r.out_pa, 0x212345);
	assert_int_equal(r.out_page_size, 2 << 20);
	assert_int_equal(pgw_translate(t->ctx, 0xffffffffffff1234ULL, 0, &r,
				       NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x31234);
	assert_int_equal(r.out_page_size, 64 << 10);
	assert_int_equal(pgw_ctx_va_bits(t->ctx), 42);
	assert_int_equal(pgw_ctx_va_spans(t->ctx, sp), 2);
	assert_int_equal(sp[0][0], 0);
	assert_int_equal(sp[0][1], 1ULL << 39);
	assert_int_equal(sp[1][0], 0xfffffc0000000000ULL);
	assert_int_equal(sp[1][1], 0);
	assert_int_equal(pgw_ctx_canonical(t->ctx, 0xff00000012345678ULL),
			 0x12345678ULL);
	assert_int_equal(pgw_ctx_canonical(t->ctx, 0x0080000000001000ULL),
			 0xfffffc0000001000ULL);
	assert_int_equal(pgw_mode_va_spans(PGW_MODE_ARM64, sp), 2);
	assert_int_equal(sp[0][1], 1ULL << 52);
	assert_int_equal(sp[1][0], 0xfff0000000000000ULL);
}

/* EPD1 disables TTBR1 walks (a level 0 Translation fault); an unknown
 * TTBR0 refuses every lower address with "root unknown", in translation
 * and in range walks alike, and never invents a mapping. */
static void test_arm64_s1__epd_and_unknown_root(void **state)
{
	struct a64 *t = *state;
	struct geo g = geo_of(12, 48);
	uint64_t r0 = a64_root(t, &g), r1 = a64_root(t, &g);
	struct pgw_result r;
	struct pgw_fault f;

	/* TTBR0: L0[0]→L1[0]→L2[0]→L3[0] = page 0x8000 */
	a64_map(t, &g, r0, 0, 3, 0x8000 | D_AF | D_PAGE);
	/* TTBR1: L0[511]→…→L3[511] = page 0x9000 */
	a64_map(t, &g, r1, ~0xfffULL, 3, 0x9000 | D_AF | D_PAGE);
	ctx_of(t, tcr_of(12, 48, 12, 48, IPS_48) | (1ULL << 23), r0, r1, 0);
	assert_int_equal(translate2(t->ctx, 0, &r, &f), 0);
	assert_int_equal(translate2(t->ctx, ~0xfffULL, &r, &f),
			 PGW_ENOTMAPPED);
	assert_int_equal(f.out_reason, PGW_FAULT_NOT_PRESENT);
	assert_int_equal(f.out_level, 0);
	ctx_of(t, tcr_of(12, 48, 12, 48, IPS_48), r0, r1, PGW_ARM64_NO_TTBR0);
	assert_int_equal(translate2(t->ctx, 0, &r, &f),
			 PGW_ENOTMAPPED);
	assert_int_equal(f.out_reason, PGW_FAULT_NO_ROOT);
	assert_string_equal(pgw_fault_reason_name(f.out_reason),
			    "root unknown");
	assert_int_equal(translate2(t->ctx, ~0xfffULL, &r, &f), 0);
	assert_int_equal(r.out_pa, 0x9000);
}

struct counts {
	unsigned leaves, faults, no_root;
	uint64_t first_va;
};

static int count_leaf(const struct pgw_leaf *l, void *p)
{
	struct counts *c = p;

	if (!c->leaves++)
		c->first_va = l->va;
	return 0;
}

static int count_fault(uint64_t s, uint64_t e, const struct pgw_fault *f,
		       void *p)
{
	struct counts *c = p;

	(void)s;
	(void)e;
	c->faults++;
	c->no_root += f->out_reason == PGW_FAULT_NO_ROOT;
	return 0;
}

static void test_arm64_s1__walk_both_halves_and_no_root(void **state)
{
	struct a64 *t = *state;
	struct geo g = geo_of(12, 48);
	uint64_t r0 = a64_root(t, &g), r1 = a64_root(t, &g);
	struct pgw_walk_ops ops = { .leaf = count_leaf, .fault = count_fault };
	struct counts c = { 0 };

	/* TTBR0: L0[0]→L1[0]→L2[0]→L3[3] = page 0x8000 */
	a64_map(t, &g, r0, 0x3000, 3, 0x8000 | D_AF | D_PAGE);
	/* TTBR1: L0[256]→L1[0] = 1G block 0x40000000 */
	a64_map(t, &g, r1, 0xffff800000000000ULL, 1,
		0x40000000 | D_AF | D_BLOCK);
	ctx_of(t, tcr_of(12, 48, 12, 48, IPS_48), r0, r1, 0);
	assert_int_equal(pgw_walk(t->ctx, NULL, &ops, &c), 0);
	assert_int_equal(c.leaves, 2);
	assert_int_equal(c.first_va, 0x3000);
	memset(&c, 0, sizeof(c));
	ctx_of(t, tcr_of(12, 48, 12, 48, IPS_48), r0, r1, PGW_ARM64_NO_TTBR0);
	assert_int_equal(pgw_walk(t->ctx, NULL, &ops, &c), 0);
	assert_int_equal(c.leaves, 1);
	assert_int_equal(c.first_va, 0xffff800000000000ULL);
	assert_int_equal(c.no_root, 1);
}

/* Address size: a leaf or table beyond TCR.IPS (40 bits here), and a
 * TTBR beyond it; access flag: AF = 0 faults unless TCR.HA. */
static void test_arm64_s1__address_size_and_access_flag(void **state)
{
	struct a64 *t = *state;
	struct geo g = geo_of(12, 48);
	uint64_t r0 = a64_root(t, &g), r1 = a64_root(t, &g);
	struct pgw_result r;
	struct pgw_fault f;
	uint64_t l1e;

	/* TTBR0: L0[0]→L1[0]→L2[0]→L3[0] = page at 2^41 (beyond 40 bits) */
	a64_map(t, &g, r0, 0, 3, (1ULL << 41) | D_AF | D_PAGE);
	/* TTBR0: …→L3[1] = page 0x5000 without AF */
	a64_map(t, &g, r0, 0x1000, 3, 0x5000 | D_PAGE);
	/* TTBR0: L0[0]→L1[1] = table at 2^42 */
	l1e = a64_map(t, &g, r0, 1ULL << 30, 1, (1ULL << 42) | D_TABLE);
	(void)l1e;
	ctx_of(t, tcr_of(12, 48, 12, 48, IPS_40), r0, r1, 0);
	assert_int_equal(translate2(t->ctx, 0, &r, &f),
			 PGW_ENOTMAPPED);
	assert_int_equal(f.out_reason, PGW_FAULT_ADDR_SIZE);
	assert_string_equal(f.out_level_name, "L3");
	assert_int_equal(translate2(t->ctx, 1ULL << 30, &r, &f),
			 PGW_ENOTMAPPED);
	assert_int_equal(f.out_reason, PGW_FAULT_ADDR_SIZE);
	assert_string_equal(f.out_level_name, "L1");
	assert_int_equal(translate2(t->ctx, 0x1000, &r, &f),
			 PGW_ENOTMAPPED);
	assert_int_equal(f.out_reason, PGW_FAULT_ACCESS_FLAG);
	assert_string_equal(pgw_fault_reason_name(f.out_reason),
			    "access flag");
	/* 48-bit IPS: the page at 2^41 is fine; HA: AF=0 is no fault. */
	ctx_of(t, tcr_of(12, 48, 12, 48, IPS_48) | (1ULL << 39), r0, r1, 0);
	assert_int_equal(translate2(t->ctx, 0, &r, &f), 0);
	assert_int_equal(r.out_pa, 1ULL << 41);
	assert_int_equal(translate2(t->ctx, 0x1000, &r, &f), 0);
	/* TTBR1 beyond the PA size: every upper address faults so. */
	ctx_of(t, tcr_of(12, 48, 12, 48, IPS_40), r0, 1ULL << 44, 0);
	assert_int_equal(translate2(t->ctx, ~0ULL, &r, &f),
			 PGW_ENOTMAPPED);
	assert_int_equal(f.out_reason, PGW_FAULT_ADDR_SIZE);
}

#define RW (PGW_PERM_R | PGW_PERM_W)

/* APTable/UXNTable/PXNTable narrow every level below; TCR.HPD0 makes
 * them ignored. AP[2:1], UXN and PXN of the leaf. */
static void test_arm64_s1__hierarchical_permissions_and_hpd(void **state)
{
	struct a64 *t = *state;
	struct geo g = geo_of(12, 48);
	uint64_t r0 = a64_root(t, &g), r1 = a64_root(t, &g);
	uint64_t ea;
	struct pgw_result r;

	/* TTBR0: L0[0]→L1[0]→L2[0]→L3[0] = page, AP=01 (EL0 RW), UXN=0,
	 * PXN=0 */
	a64_map(t, &g, r0, 0, 3, 0x8000 | D_AF | D_PAGE | D_AP1);
	/* TTBR0: L0[0]→L1[1]→L2[0]→L3[0] = page, AP=11 (RO, EL0), PXN */
	a64_map(t, &g, r0, 1ULL << 30, 3,
		0x9000 | D_AF | D_PAGE | D_AP1 | D_AP2 | D_PXN);
	ctx_of(t, tcr_of(12, 48, 12, 48, IPS_48), r0, r1, 0);
	assert_int_equal(pgw_translate(t->ctx, 0, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, RW | PGW_PERM_U | PGW_PERM_X |
				      PGW_PERM_UX);
	assert_int_equal(pgw_translate(t->ctx, 1ULL << 30, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_U | PGW_PERM_UX);
	/* L1[0] gets APTable = 11 (no write, no EL0 below) and UXNTable */
	ea = r0 + 0;  /* L0[0] */
	ea = (ptb_get(&t->b, ea, 8) & 0x0000fffffffff000ULL);  /* L1 table */
	ptb_put(&t->b, ea, ptb_get(&t->b, ea, 8) | D_APT1 | D_APT0 | D_UXNT, 8);
	ctx_of(t, tcr_of(12, 48, 12, 48, IPS_48), r0, r1, 0);
	assert_int_equal(pgw_translate(t->ctx, 0, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_X);
	/* L1[1] is untouched: its subtree keeps its own leaf rights. */
	assert_int_equal(pgw_translate(t->ctx, 1ULL << 30, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_U | PGW_PERM_UX);
	/* HPD0: the table bits no longer count (HPD1 would not do it). */
	ctx_of(t, tcr_of(12, 48, 12, 48, IPS_48) | (1ULL << 42), r0, r1, 0);
	assert_int_equal(pgw_translate(t->ctx, 0, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_X);
	ctx_of(t, tcr_of(12, 48, 12, 48, IPS_48) | (1ULL << 41), r0, r1, 0);
	assert_int_equal(pgw_translate(t->ctx, 0, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, RW | PGW_PERM_U | PGW_PERM_X |
				      PGW_PERM_UX);
}

static int acc(struct a64 *t, uint64_t va, unsigned access)
{
	struct pgw_result r;

	return pgw_translate(t->ctx, va, access, &r, NULL, NULL);
}

/* PAN refuses EL1 data accesses to EL0-accessible pages; WXN makes
 * writable pages execute-never; EL0-writable pages never execute at EL1;
 * execute-only EL0 pages (AP=00, UXN=0) run at EL0 but cannot be read. */
static void test_arm64_s1__pan_wxn_and_el0_rules(void **state)
{
	struct a64 *t = *state;
	struct geo g = geo_of(12, 48);
	uint64_t r0 = a64_root(t, &g), r1 = a64_root(t, &g);
	struct pgw_arm64_regs regs = PGW_ARM64_REGS_INIT;
	char err[128];

	/* TTBR0 L3[0]: EL0 RW data (AP=01, UXN, PXN=0) */
	a64_map(t, &g, r0, 0x0000, 3, 0x8000 | D_AF | D_PAGE | D_AP1 | D_UXN);
	/* TTBR0 L3[1]: EL1 RW, PXN clear (kernel text made writable) */
	a64_map(t, &g, r0, 0x1000, 3, 0x9000 | D_AF | D_PAGE | D_UXN);
	/* TTBR0 L3[2]: EL0 execute-only (AP=00, UXN=0, PXN) */
	a64_map(t, &g, r0, 0x2000, 3, 0xa000 | D_AF | D_PAGE | D_PXN);
	regs.tcr = tcr_of(12, 48, 12, 48, IPS_48);
	regs.ttbr0 = r0;
	regs.ttbr1 = r1;
	regs.sctlr = SCTLR_M;
	assert_int_equal(pgw_ctx_new_arm64(&t->ctx, &regs, &ptb_mem_ops, &t->b,
					   err, sizeof(err)), 0);
	assert_int_equal(acc(t, 0x0000, PGW_ACC_READ | PGW_ACC_USER), 0);
	assert_int_equal(acc(t, 0x0000, PGW_ACC_WRITE), 0);
	assert_int_equal(acc(t, 0x0000, PGW_ACC_EXEC), PGW_EACCES);
	assert_int_equal(acc(t, 0x1000, PGW_ACC_EXEC), 0);
	assert_int_equal(acc(t, 0x1000, PGW_ACC_READ | PGW_ACC_USER),
			 PGW_EACCES);
	assert_int_equal(acc(t, 0x2000, PGW_ACC_EXEC | PGW_ACC_USER), 0);
	assert_int_equal(acc(t, 0x2000, PGW_ACC_READ | PGW_ACC_USER),
			 PGW_EACCES);
	assert_int_equal(acc(t, 0x2000, PGW_ACC_EXEC), PGW_EACCES);
	pgw_ctx_free(t->ctx);
	regs.pstate = PGW_ARM64_PSTATE_PAN;
	regs.sctlr |= PGW_ARM64_SCTLR_WXN;
	assert_int_equal(pgw_ctx_new_arm64(&t->ctx, &regs, &ptb_mem_ops, &t->b,
					   err, sizeof(err)), 0);
	assert_int_equal(acc(t, 0x0000, PGW_ACC_WRITE), PGW_EACCES);
	assert_int_equal(acc(t, 0x0000, PGW_ACC_READ | PGW_ACC_USER), 0);
	assert_int_equal(acc(t, 0x1000, PGW_ACC_READ), 0);
	assert_int_equal(acc(t, 0x1000, PGW_ACC_EXEC), PGW_EACCES);
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

/* info pg: a contiguous run of 16 pages (Contiguous bit) folds into one
 * line with its letters; level names are the Arm ARM's; each half has its
 * own section; vtop names levels L0..L3. */
static void test_arm64_s1__info_pg_folds_contiguous_runs(void **state)
{
	struct a64 *t = *state;
	struct geo g = geo_of(12, 48);
	uint64_t r0 = a64_root(t, &g), r1 = a64_root(t, &g);
	static char out[16384];

	/* TTBR0: L0[0]→L1[0]→L2[0]→L3[16..31] = 16 contiguous pages */
	for (uint64_t i = 16; i < 32; i++)
		a64_map(t, &g, r0, i << 12, 3,
			(0x100000 + (i << 12)) | D_AF | D_PAGE | D_CONT |
			D_UXN | D_NG);
	/* TTBR0: L0[0]→L1[0]→L2[0]→L3[64] = EL0 RW page, PXN (EL0 code) */
	a64_map(t, &g, r0, 0x40000, 3,
		0x200000 | D_AF | D_PAGE | D_AP1 | D_PXN);
	/* TTBR1: L0[511]→L1[511]→L2[511] = 2M block, EL1 read-only */
	a64_map(t, &g, r1, 0xffffffffffe00000ULL, 2,
		0x400000 | D_AF | D_BLOCK | D_AP2 | D_PXN | D_UXN);
	ctx_of(t, tcr_of(12, 48, 12, 48, IPS_48), r0, r1, 0);
	out[0] = 0;
	assert_int_equal(pgw_view_pg(t->ctx, NULL, sink, out), 0);
	assert_non_null(strstr(out, "TTBR0_EL1 (4K granule, 48-bit, L0..L3)\n"));
	assert_non_null(strstr(out, "TTBR1_EL1 (4K granule, 48-bit, L0..L3)\n"));
	assert_non_null(strstr(out, "L3[010-01f] X-C-NA---V 0000000110-000000011f"));
	assert_non_null(strstr(out, "L2[1ff]     XP---AR-BV 0000000400-00000005ff"));
	out[0] = 0;
	assert_int_equal(pgw_view_vtop(t->ctx, 0xffffffffffe01234ULL, sink,
				       out), 0);
	assert_non_null(strstr(out, "L0"));
	assert_non_null(strstr(out, "L2"));
	assert_non_null(strstr(out, "0x0000000000401234 size 2M perms r---\n"));
	out[0] = 0;
	assert_int_equal(pgw_view_vtop(t->ctx, 0x10000, sink, out), 0);
	assert_non_null(strstr(out, "size 4K perms rwx-\n"));
	out[0] = 0;
	assert_int_equal(pgw_view_vtop(t->ctx, 0x40000, sink, out), 0);
	assert_non_null(strstr(out, "size 4K perms rw-uX\n"));
	out[0] = 0;
	assert_int_equal(pgw_view_tlb(t->ctx, sink, out), 0);
	assert_non_null(strstr(out, "0000000000010000: 0000000000110000 X-C-NA---V"));
}

/* SCTLR_EL1.M = 0: no stage 1, VA == IPA. Bad register blocks. */
static void test_arm64_s1__mmu_off_and_invalid_regs(void **state)
{
	struct a64 *t = *state;
	struct pgw_arm64_regs regs = PGW_ARM64_REGS_INIT;
	struct pgw_result r;
	char err[128];

	assert_int_equal(pgw_ctx_new_arm64(&t->ctx, &regs, &ptb_mem_ops, &t->b,
					   err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_mode(t->ctx), PGW_MODE_NONE);
	assert_int_equal(pgw_translate(t->ctx, 0x1234, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x1234);
	pgw_ctx_free(t->ctx);
	t->ctx = NULL;
	regs.version = 0;
	assert_int_equal(pgw_ctx_new_arm64(&t->ctx, &regs, &ptb_mem_ops, &t->b,
					   err, sizeof(err)), PGW_EINVAL);
	regs.version = PGW_ARM64_REGS_VERSION;
	regs.sctlr = SCTLR_M;
	regs.unknown_roots = 4;
	assert_int_equal(pgw_ctx_new_arm64(&t->ctx, &regs, &ptb_mem_ops, &t->b,
					   err, sizeof(err)), PGW_EINVAL);
	/* ID_AA64MMFR0: TGran16 = 0 (no 16K), TG1 = 16K. */
	regs.unknown_roots = 0;
	regs.id_aa64mmfr0 = 5;  /* PARange 48, 4K and 64K, no 16K */
	regs.tcr = tcr_of(12, 48, 14, 47, IPS_48);
	assert_int_equal(pgw_ctx_new_arm64(&t->ctx, &regs, &ptb_mem_ops, &t->b,
					   err, sizeof(err)), PGW_EINVAL);
	assert_non_null(strstr(err, "16K"));
	assert_null(t->ctx);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, a64_setup, a64_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_arm64_s1__every_granule_size_and_block_level),
		T(test_arm64_s1__invalid_block_levels_and_page_encoding),
		T(test_arm64_s1__tbi_per_half),
		T(test_arm64_s1__halves_of_different_granules),
		T(test_arm64_s1__epd_and_unknown_root),
		T(test_arm64_s1__walk_both_halves_and_no_root),
		T(test_arm64_s1__address_size_and_access_flag),
		T(test_arm64_s1__hierarchical_permissions_and_hpd),
		T(test_arm64_s1__pan_wxn_and_el0_rules),
		T(test_arm64_s1__info_pg_folds_contiguous_runs),
		T(test_arm64_s1__mmu_off_and_invalid_regs),
	};

	return cmocka_run_group_tests_name("arm64_s1", tests, NULL, NULL);
}
