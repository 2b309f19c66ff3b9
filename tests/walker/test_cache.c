/*
 * The translation caches (walker/cache.c, walk.c): the TLB, the paging-
 * structure caches and the map cache must never change an answer. Every
 * result and every fault is compared with a walk that uses no cache.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ptbuilder.h"
#include "same_walk.h"
#include "walker_priv.h"

#define P  0x1ULL
#define W  0x2ULL
#define U  0x4ULL
#define PS 0x80ULL
#define NX (1ULL << 63)

static pgw_ctx *ctx_x86(struct ptb_fx *f, int la57, pgw_ctx **bare)
{
	struct pgw_x86_regs r = PGW_X86_REGS_INIT;
	char err[128];

	r.cr0 = PGW_CR0_PG;
	r.cr3 = f->root;
	r.cr4 = PGW_CR4_PAE | (la57 ? PGW_CR4_LA57 : 0);
	r.efer = PGW_EFER_LME | PGW_EFER_LMA | PGW_EFER_NXE;
	pgw_ctx_free(f->ctx);
	assert_int_equal(pgw_ctx_new_x86(&f->ctx, &r, &ptb_mem_ops, &f->b,
					 err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_new_x86(bare, &r, &ptb_mem_ops, &f->b,
					 err, sizeof(err)), 0);
	pgw__cache_set(*bare, 0);
	return f->ctx;
}

static void test_cache__results_match_bare_walk(void **state)
{
	struct ptb_fx *f = *state;
	pgw_ctx *bare, *c;

	/* PML4[0]→PDPT[0]→PD[0]→PT[1,2]: 4K user pages, one NX */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x1000, 3, 0x5000 | P | W | U,
		P | W | U);
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x2000, 3, 0x6000 | P | U | NX,
		P | W | U);
	/* PML4[511]→PDPT[510]→PD[1]: 2M supervisor page */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0xffffffff80200000ULL, 2,
		0x400000 | P | PS, P | W);
	/* PML4[1]→PDPT[1]: 1G page; PML4[1] read-only */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x8040000000ULL, 1,
		0x40000000 | P | W | PS, P | U);
	c = ctx_x86(f, 0, &bare);
	assert_int_equal(same_walk(c, bare, 0x1abc), 0);
	assert_int_equal(same_walk(c, bare, 0x2abc), 0);
	assert_int_equal(same_walk(c, bare, 0xffffffff8023f123ULL), 0);
	assert_int_equal(same_walk(c, bare, 0x8040001234ULL), 0);
	/* Same PT, entry 3 empty: the fault is at PT[3] either way. */
	assert_int_equal(same_walk(c, bare, 0x3000), PGW_ENOTMAPPED);
	/* Same PD, PD[1] empty. */
	assert_int_equal(same_walk(c, bare, 0x200000), PGW_ENOTMAPPED);
	/* Not canonical. */
	assert_int_equal(same_walk(c, bare, 0x0000800000000000ULL), PGW_ENOTMAPPED);
	/* The permissions of the cached upper levels are kept: PML4[1] is
	 * read-only, so the 1G page is too (and supervisor: the leaf has
	 * no U). */
	{
		struct pgw_result r;

		assert_int_equal(pgw_translate(c, 0x8040000000ULL, 0, &r,
					       NULL, NULL), 0);
		assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_X);
	}
	pgw_ctx_free(bare);
}

/* Once the PSC holds a page table (walk.c's translate_last()), each of
 * its entries translates and faults as without caches: pages of every
 * permission under a read-only, supervisor PDE, an absent entry, a
 * reserved bit (above MAXPHYADDR 40), and bits that are no fault (PAT,
 * bit 52 ignored). Without the TLB, so that every one of them takes the
 * PSC. */
static void test_cache__last_level_matches_bare_walk(void **state)
{
	static const uint64_t kind[] = {
		P | W | U, P | U, P | W | NX, P, 0, P | W | (1ULL << 45),
		P | W | U | PS, P | W | (1ULL << 52),
	};
	enum { N = sizeof(kind) / sizeof(kind[0]) };
	struct ptb_fx *f = *state;
	struct pgw_x86_regs r = PGW_X86_REGS_INIT;
	const uint64_t base = 0x7f0000200000ULL;
	pgw_ctx *c = NULL, *bare = NULL;
	char err[128];
	int ok = 0;

	for (unsigned i = 0; i < N; i++)
		ptb_map(&f->b, PGW_MODE_X86_4L, f->root, base + i * 4096ULL, 3,
			kind[i] ? (0x300000 + i * 4096ULL) | kind[i] : 0,
			P | U);
	r.cr0 = PGW_CR0_PG | PGW_CR0_WP;
	r.cr3 = f->root;
	r.cr4 = PGW_CR4_PAE;
	r.efer = PGW_EFER_LME | PGW_EFER_LMA | PGW_EFER_NXE;
	r.maxphyaddr = 40;
	assert_int_equal(pgw_ctx_new_x86(&c, &r, &ptb_mem_ops, &f->b, err,
					 sizeof(err)), 0);
	assert_int_equal(pgw_ctx_new_x86(&bare, &r, &ptb_mem_ops, &f->b, err,
					 sizeof(err)), 0);
	pgw__cache_set(c, PGW__CACHE_PSC | PGW__CACHE_MAP);
	pgw__cache_set(bare, 0);
	assert_true(c->last.ok);
	for (unsigned i = 0; i < N; i++) {
		pgw_ctx_invalidate(c);
		assert_int_equal(same_walk(c, bare, base), 0);
		if (same_walk(c, bare, base + i * 4096ULL + 0x123) == 0)
			ok++;
	}
	assert_int_equal(ok, 6);
	pgw_ctx_free(bare);
	pgw_ctx_free(c);
}

/* Every level's permission tables (pgw__derive) say what its masks say,
 * for any entry, table or leaf. */
static void perm_tables_match(const pgw_ctx *c)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;

	for (unsigned l = 0; l < c->fmt->nlevels; l++)
		for (int leaf = 0; leaf < 2; leaf++) {
			const struct pgw_perm_decode *p = &c->m[l].perm[leaf];

			assert_true(p->lut_ok);
			for (unsigned i = 0; i < 4096; i++) {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				assert_int_equal(pgw__lut_perms(p, x),
						 pgw__entry_perms(&c->m[l], x,
								  leaf));
			}
		}
}

static void test_cache__perm_tables_match_masks(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_x86_regs x = PGW_X86_REGS_INIT;
	struct pgw_arm64_regs a = PGW_ARM64_REGS_INIT;
	struct pgw_riscv_regs v = PGW_RISCV_REGS_INIT;
	static const uint64_t tcr[] = {
		0x00000005b5103510ULL,               /* 4K, 48-bit */
		0x00000005b5103510ULL | 3ULL << 41,  /* HPD0, HPD1 */
	};
	char err[160];
	pgw_ctx *c;

	x.cr0 = PGW_CR0_PG;
	x.cr3 = f->root;
	x.cr4 = PGW_CR4_PAE;
	x.efer = PGW_EFER_LME | PGW_EFER_LMA | PGW_EFER_NXE;
	assert_int_equal(pgw_ctx_new_x86(&c, &x, &ptb_mem_ops, &f->b, err,
					 sizeof(err)), 0);
	perm_tables_match(c);
	pgw_ctx_free(c);
	assert_int_equal(pgw_ctx_new_nested(&c, PGW_MODE_EPT4, f->root | 0x1e,
					    0, 0, &ptb_mem_ops, &f->b, err,
					    sizeof(err)), 0);
	perm_tables_match(c);
	pgw_ctx_free(c);
	for (unsigned regime = 0; regime < 3; regime++)
		for (unsigned k = 0; k < 2; k++) {
			a.tcr = tcr[k];
			a.ttbr0 = a.ttbr1 = f->root;
			a.sctlr = 1;
			a.regime = regime;
			a.pstate = (regime ? 2u : 1u) <<
				   PGW_ARM64_PSTATE_EL_SHIFT;
			if (pgw_ctx_new_arm64(&c, &a, &ptb_mem_ops, &f->b, err,
					      sizeof(err)) != 0)
				fail_msg("arm64: %s", err);
			perm_tables_match(c);
			pgw_ctx_free(c);
		}
	v.satp = 8ULL << 60 | f->root >> 12;   /* Sv39 */
	assert_int_equal(pgw_ctx_new_riscv(&c, &v, &ptb_mem_ops, &f->b, err,
					   sizeof(err)), 0);
	perm_tables_match(c);
	pgw_ctx_free(c);
}

static void test_cache__reserved_bit_below_cached_levels(void **state)
{
	struct ptb_fx *f = *state;
	pgw_ctx *bare, *c;

	/* PML4[0]→PDPT[0]→PD[0]→PT[1] */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x1000, 3, 0x5000 | P | W,
		P | W);
	/* PML4[0]→PDPT[0]→PD[1]: 2M page with bit 13 set (SDM 3A table
	 * 4-17: bits 20:13 of a 2M PDE are reserved) */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x200000, 2,
		0x400000 | P | PS | (1ULL << 13), P | W);
	c = ctx_x86(f, 0, &bare);
	assert_int_equal(same_walk(c, bare, 0x1000), 0);   /* fills the PSC */
	assert_int_equal(same_walk(c, bare, 0x200000), PGW_ERSVD);
	pgw_ctx_free(bare);
}

static void test_cache__invalidate_sees_changed_tables(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;
	pgw_ctx *bare, *c;
	uint64_t pde;

	/* PML4[0]→PDPT[0]→PD[0]→PT[1] = 0x5000 */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x1000, 3, 0x5000 | P, P | W);
	c = ctx_x86(f, 0, &bare);
	assert_int_equal(pgw_translate(c, 0x1000, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x5000);
	/* PD[0] now points at another PT whose entry 2 maps 0x7000 (and
	 * whose entry 1 is empty). */
	pde = ptb_entry_pa(&f->b, PGW_MODE_X86_4L, f->root, 0x1000, 2);
	{
		uint64_t pt = ptb_page(&f->b);

		ptb_put(&f->b, pt + 2 * 8, 0x7000 | P, 8);
		ptb_put(&f->b, pde, pt | P | W, 8);
	}
	pgw_ctx_invalidate(c);
	assert_int_equal(pgw_translate(c, 0x1000, 0, &r, NULL, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(pgw_translate(c, 0x2000, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x7000);
	assert_int_equal(same_walk(c, bare, 0x2000), 0);
	pgw_ctx_free(bare);
}

/* Invalidation clears only caches that were filled since the last one:
 * whichever caches are on, whether tables are mapped or copied, and on
 * the IA-32e fast path or the general one (32-bit paging), a translation
 * after a table change and an invalidation sees the change. */
static void invalidate_after_fills(struct ptb_fx *f, enum pgw_mode mode)
{
	static const struct pgw_mem_ops *const ops[] = {
		&ptb_mem_ops, &ptb_mem_ops_copy,
	};
	const unsigned es = mode == PGW_MODE_X86_32 ? 4 : 8;
	const int pt_level = mode == PGW_MODE_X86_32 ? 1 : 3;
	struct pgw_x86_regs regs = PGW_X86_REGS_INIT;
	struct pgw_result r;
	char err[128];
	uint64_t pde, pt_a, pt_b;
	pgw_ctx *c;

	/* The PDE for 0x1000 points at PT A (entry 1 maps 0x5000) or at
	 * PT B (entry 2 maps 0x7000). */
	ptb_map(&f->b, mode, f->root, 0x1000, pt_level, 0x5000 | P, P | W);
	pde = ptb_entry_pa(&f->b, mode, f->root, 0x1000, pt_level - 1);
	pt_a = ptb_get(&f->b, pde, es);
	pt_b = ptb_page(&f->b);
	ptb_put(&f->b, pt_b + 2 * es, 0x7000 | P, es);
	regs.cr0 = PGW_CR0_PG;
	regs.cr3 = f->root;
	if (mode != PGW_MODE_X86_32) {
		regs.cr4 = PGW_CR4_PAE;
		regs.efer = PGW_EFER_LME | PGW_EFER_LMA;
	}
	for (unsigned o = 0; o < 2; o++) {
		assert_int_equal(pgw_ctx_new_x86(&c, &regs, ops[o], &f->b, err,
						 sizeof(err)), 0);
		assert_int_equal(pgw_ctx_mode(c), mode);
		for (unsigned caches = 0; caches <= PGW__CACHE_ALL; caches++) {
			pgw__cache_set(c, caches);
			ptb_put(&f->b, pde, pt_a, es);
			pgw_ctx_invalidate(c);
			assert_int_equal(pgw_translate(c, 0x1000, 0, &r, NULL,
						       NULL), 0);
			assert_int_equal(r.out_pa, 0x5000);
			ptb_put(&f->b, pde, pt_b | P | W, es);
			pgw_ctx_invalidate(c);
			assert_int_equal(pgw_translate(c, 0x1000, 0, &r, NULL,
						       NULL), PGW_ENOTMAPPED);
			assert_int_equal(pgw_translate(c, 0x2000, 0, &r, NULL,
						       NULL), 0);
			assert_int_equal(r.out_pa, 0x7000);
		}
		pgw_ctx_free(c);
	}
}

static void test_cache__invalidate_after_every_kind_of_fill(void **state)
{
	invalidate_after_fills(*state, PGW_MODE_X86_4L);
}

static void test_cache__invalidate_after_every_kind_of_fill_32(void **state)
{
	invalidate_after_fills(*state, PGW_MODE_X86_32);
}

static void test_cache__5l_matches_bare_walk(void **state)
{
	struct ptb_fx *f = *state;
	pgw_ctx *bare, *c;

	/* PML5[1]→PML4[0]→PDPT[0]→PD[0]→PT[1] = 4K at 0x9000 */
	ptb_map(&f->b, PGW_MODE_X86_5L, f->root, 0x0001000000001000ULL, 4,
		0x9000 | P | W, P | W | U);
	c = ctx_x86(f, 1, &bare);
	assert_int_equal(pgw_ctx_mode(c), PGW_MODE_X86_5L);
	assert_int_equal(same_walk(c, bare, 0x0001000000001234ULL), 0);
	assert_int_equal(same_walk(c, bare, 0x0001000000002234ULL), PGW_ENOTMAPPED);
	/* Canonical under LA57 only. */
	assert_int_equal(same_walk(c, bare, 0x0100000000000000ULL), PGW_ENOTMAPPED);
	pgw_ctx_free(bare);
}

/* A source whose map() answers with a copy of the fake memory placed 4
 * bytes off 8-byte alignment, like RAM at an odd offset of a dump file. */
struct odd_mem {
	struct ptb *b;
	unsigned char *copy;      /* malloc'd; RAM starts at copy + 4 */
};

static int odd_read(uint64_t pa, void *buf, size_t len, void *payload)
{
	struct odd_mem *m = payload;

	return ptb_mem_ops.read(pa, buf, len, m->b);
}

static const void *odd_map(uint64_t pa, size_t len, void *payload)
{
	struct odd_mem *m = payload;

	if (pa >= m->b->size || len > m->b->size - pa)
		return NULL;
	return m->copy + 4 + pa;
}

static const struct pgw_mem_ops odd_ops = { odd_read, odd_map };

static void test_cache__misaligned_map_reads_a_copy(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_x86_regs regs = PGW_X86_REGS_INIT;
	struct odd_mem m = { .b = &f->b };
	struct pgw_result r;
	pgw_ctx *c;
	char err[128];

	/* PML4[0]→PDPT[0]→PD[0]→PT[1] = 4K at 0x5000 */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x1000, 3, 0x5000 | P | W,
		P | W);
	m.copy = malloc(f->b.size + 8);
	assert_non_null(m.copy);
	memcpy(m.copy + 4, f->b.mem, f->b.size);
	regs.cr0 = PGW_CR0_PG;
	regs.cr3 = f->root;
	regs.cr4 = PGW_CR4_PAE;
	regs.efer = PGW_EFER_LME | PGW_EFER_LMA;
	assert_int_equal(pgw_ctx_new_x86(&c, &regs, &odd_ops, &m, err,
					 sizeof(err)), 0);
	/* Entries are never loaded from the misaligned mapping (UBSan would
	 * report it): the walker reads them through read(). */
	for (unsigned caches = 0; caches <= PGW__CACHE_ALL; caches++) {
		pgw__cache_set(c, caches);
		for (int i = 0; i < 2; i++) {
			assert_int_equal(pgw_translate(c, 0x1234, 0, &r, NULL,
						       NULL), 0);
			assert_int_equal(r.out_pa, 0x5234);
		}
	}
	pgw_ctx_free(c);
	free(m.copy);
}

/* One translation of @va through each context, compared. */
static void same_once(pgw_ctx *c, pgw_ctx *bare, uint64_t va)
{
	struct pgw_result r, rb;

	memset(&r, 0, sizeof(r));
	memset(&rb, 0, sizeof(rb));
	assert_int_equal(pgw_translate(c, va, 0, &r, NULL, NULL), 0);
	assert_int_equal(pgw_translate(bare, va, 0, &rb, NULL, NULL), 0);
	assert_int_equal(r.out_pa, rb.out_pa);
	assert_int_equal(r.out_perms, rb.out_perms);
	assert_int_equal(r.out_entry, rb.out_entry);
	assert_int_equal(r.out_level, rb.out_level);
}

#define SPREAD_BASE 0x10000000ULL
#define SPREAD_PAGES 32768u  /* 32 times the TLB: 1 lookup in 32 hits */

/* A page of the spread, uniformly at random (xorshift32). */
static uint64_t spread_page(uint32_t *seed)
{
	*seed ^= *seed << 13;
	*seed ^= *seed >> 17;
	*seed ^= *seed << 5;
	return SPREAD_BASE + (*seed % SPREAD_PAGES) * 4096ULL;
}

/* Pages scattered over 32 times the TLB hit it too rarely: it turns
 * sparse, and answers stay those of a bare walk. Lookups that turn local
 * bring it back, and so does an invalidation. */
static void test_cache__tlb_goes_sparse_and_back(void **state)
{
	struct ptb_fx *f = *state;
	pgw_ctx *bare, *c;
	uint32_t seed = 2463534242u;
	unsigned i;

	/* Each VA page maps its own frame (mod 1 MiB) from 4 MiB up. */
	for (i = 0; i < SPREAD_PAGES; i++)
		ptb_map(&f->b, PGW_MODE_X86_4L, f->root,
			SPREAD_BASE + i * 4096ULL, 3,
			(0x400000 + (i % 256) * 4096ULL) | P | W, P | W);
	c = ctx_x86(f, 0, &bare);
	assert_false(c->tlb_sparse);

	for (i = 0; i < 4 * SPREAD_PAGES; i++)
		same_once(c, bare, spread_page(&seed) + (i & 4095));
	assert_true(c->tlb_sparse);

	/* 64 pages, over and over: sampled lookups fill them, then hit. */
	for (i = 0; i < 4 * PGW_TLB_WINDOW * PGW_TLB_SPARSE_EVERY; i++)
		same_once(c, bare, SPREAD_BASE + (i % 64) * 4096ULL + 8);
	assert_false(c->tlb_sparse);

	for (i = 0; i < 4 * SPREAD_PAGES; i++)
		same_once(c, bare, spread_page(&seed));
	assert_true(c->tlb_sparse);
	pgw_ctx_invalidate(c);
	assert_false(c->tlb_sparse);
	same_once(c, bare, SPREAD_BASE);
	pgw_ctx_free(bare);
}

int main(void)
{
#define T(n) cmocka_unit_test_setup_teardown(n, ptb_fx_setup_8m, ptb_fx_teardown)
	const struct CMUnitTest tests[] = {
		T(test_cache__results_match_bare_walk),
		T(test_cache__last_level_matches_bare_walk),
		T(test_cache__perm_tables_match_masks),
		T(test_cache__reserved_bit_below_cached_levels),
		T(test_cache__invalidate_sees_changed_tables),
		T(test_cache__invalidate_after_every_kind_of_fill),
		T(test_cache__invalidate_after_every_kind_of_fill_32),
		T(test_cache__5l_matches_bare_walk),
		T(test_cache__misaligned_map_reads_a_copy),
		T(test_cache__tlb_goes_sparse_and_back),
	};

	return cmocka_run_group_tests_name("cache", tests, NULL, NULL);
}
