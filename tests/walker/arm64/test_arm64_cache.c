/*
 * arm64 translations through the caches against the bare walk, for every
 * granule and 52-bit form: once the paging-structure cache holds a last-
 * level table, every entry of it (pages of each permission, under table
 * permissions, and each kind of fault) must translate and fault exactly
 * as without caches. That is walk.c's translate_last(), which decodes the
 * last level on its own.
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
#include "../same_walk.h"
#include "walker_priv.h"

#define TCR_DS (1ULL << 59)

struct shape {
	unsigned pgshift, ia;
	uint64_t ips, extra;      /* TCR PS and more bits (DS) */
	uint64_t hi_pa;           /* a PA that needs the 52-bit fields */
	uint64_t far_pa;          /* a PA beyond PS */
};

static pgw_ctx *ctx_of(struct a64 *t, const struct shape *s, uint64_t root,
		       unsigned caches)
{
	struct pgw_arm64_regs r = PGW_ARM64_REGS_INIT;
	char err[160] = "";
	pgw_ctx *c = NULL;

	r.tcr = tcr_of(s->pgshift, s->ia, s->pgshift, s->ia, s->ips) |
		s->extra;
	r.ttbr0 = root;
	r.ttbr1 = root;
	r.sctlr = 1;
	if (pgw_ctx_new_arm64(&c, &r, &ptb_mem_ops, &t->b, err,
			      sizeof(err)) != 0)
		fail_msg("pgw_ctx_new_arm64: %s", err);
	pgw__cache_set(c, caches);
	return c;
}

/* Where the level-@level entry on @va's path is (the tables exist). */
static uint64_t entry_pa(struct a64 *t, const struct geo *g, uint64_t root,
			 uint64_t va, int level)
{
	uint64_t table = root;

	for (int l = g->start;; l++) {
		uint64_t ea = table + 8 * ((va >> geo_shift(g, l)) &
					   ((1ULL << geo_bits(g, l)) - 1));

		if (l == level)
			return ea;
		table = ptb_get(&t->b, ea, 8) & 0x0000fffffffff000ULL &
			~((1ULL << g->pgshift) - 1);
	}
}

/* One last-level table of @s at VA @base, entry by entry:
 *   0 a kernel RW page     1 read-only, PXN      2 EL0, UXN
 *   3 AF clear             4 bits[1:0] = 01      5 invalid
 *   6 a PA beyond PS       7 a PA in the 52-bit fields (or a plain page)
 * under a table entry with APTable[1] and UXNTable (read-only, no EL0
 * execution below) when @restrict. */
static void check_shape(struct a64 *t, const struct shape *s, int restrict_)
{
	static const uint64_t kind[8] = {
		D_AF | D_PAGE, D_AF | D_PAGE | D_AP2 | D_PXN,
		D_AF | D_PAGE | D_AP1 | D_UXN, D_PAGE, D_AF | D_BLOCK, 0,
		D_AF | D_PAGE, D_AF | D_PAGE,
	};
	struct geo g = geo_of(s->pgshift, s->ia);
	uint64_t page = 1ULL << s->pgshift;
	uint64_t base = 0x0000123456000000ULL & ((1ULL << s->ia) - 1) &
			~((page << (s->pgshift - 3)) - 1);
	uint64_t root = a64_root(t, &g);
	pgw_ctx *c, *tlb, *bare;
	char what[64];
	int ok = 0;

	snprintf(what, sizeof(what), "%uK granule, %u-bit%s",
		 1u << (s->pgshift - 10), s->ia, restrict_ ? ", APTable" : "");
	for (unsigned i = 0; i < 8; i++) {
		uint64_t pa = 0x40000000ULL + i * page;

		if (i == 6 && s->far_pa)
			pa = s->far_pa;
		if (i == 7 && s->hi_pa)
			pa = s->hi_pa;
		/* LPA2 keeps OA[51:50] in bits 9:8, 64K LPA OA[51:48] in
		 * bits 15:12. */
		if (s->extra & TCR_DS)
			pa = (pa & 0x0003fffffffff000ULL) |
			     ((pa >> 50) & 3) << 8;
		else if (s->pgshift == 16 && s->ips == IPS_52)
			pa = (pa & 0x0000ffffffff0000ULL) |
			     ((pa >> 48) & 0xf) << 12;
		a64_map(t, &g, root, base + i * page, 3,
			kind[i] ? pa | kind[i] : 0);
	}
	if (restrict_) {
		uint64_t ea = entry_pa(t, &g, root, base, 2);

		ptb_put(&t->b, ea, ptb_get(&t->b, ea, 8) | D_APT1 | D_UXNT, 8);
	}
	/* Without the TLB, so that every translation but the first takes
	 * the PSC; with it, as the debugger's reads do. */
	c = ctx_of(t, s, root, PGW__CACHE_PSC | PGW__CACHE_MAP);
	tlb = ctx_of(t, s, root, PGW__CACHE_ALL);
	bare = ctx_of(t, s, root, 0);
	assert_true(c->last.ok);
	assert_true(tlb->last.ok);
	assert_false(bare->last.ok);
	for (unsigned i = 0; i < 8; i++) {
		uint64_t va = base + i * page + 0x18;
		uint64_t key = va >> c->fmt->lv[c->fmt->nlevels - 2].shift;

		/* Entry 0 first: it fills the PSC down to the last table,
		 * so entry i is one PSC hit away. */
		pgw_ctx_invalidate(c);
		pgw_ctx_invalidate(tlb);
		if (same_walk(c, bare, base) != 0 ||
		    same_walk(tlb, bare, base) != 0)
			fail_msg("%s: entry 0 faults", what);
		/* The PSC knows the last table whole in host memory. */
		assert_int_equal(c->last.psc[(key ^ (key >> 9)) &
					     (PGW_PSC_SLOTS - 1)].tag, key + 1);
		assert_non_null(c->last.psc[(key ^ (key >> 9)) &
					    (PGW_PSC_SLOTS - 1)].host);
		if (same_walk(c, bare, va) == 0)
			ok++;
		same_walk(tlb, bare, va);
	}
	/* 0, 1, 2 and 7 translate; 6 too when it is a plain page. */
	if (ok != 4 + !s->far_pa)
		fail_msg("%s: %d entries translated", what, ok);
	pgw_ctx_free(bare);
	pgw_ctx_free(tlb);
	pgw_ctx_free(c);
	a64_reset(t);
}

static void test_arm64_cache__last_level_of_every_shape(void **state)
{
	static const struct shape shapes[] = {
		{ 12, 48, IPS_40, 0, 0, 1ULL << 41 },
		{ 14, 47, IPS_40, 0, 0, 1ULL << 41 },
		{ 16, 42, IPS_40, 0, 0, 1ULL << 41 },
		{ 12, 48, 4 /* 44 bits */, 0, 0x00000a0000000000ULL,
		  1ULL << 45 },
		{ 12, 52, IPS_52, TCR_DS, 0x000c000000003000ULL, 0 },
		{ 16, 52, IPS_52, 0, 0x000f000000010000ULL, 0 },
	};
	struct a64 *t = *state;

	for (size_t i = 0; i < sizeof(shapes) / sizeof(shapes[0]); i++) {
		check_shape(t, &shapes[i], 0);
		check_shape(t, &shapes[i], 1);
	}
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, a64_setup, a64_teardown)
	const struct CMUnitTest tests[] = {
		T(test_arm64_cache__last_level_of_every_shape),
	};

	return cmocka_run_group_tests_name("arm64_cache", tests, NULL, NULL);
}
