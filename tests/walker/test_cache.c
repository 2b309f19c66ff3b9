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

/* Translate @va through both contexts (twice through the cached one, so
 * that the second answer comes from the caches) and compare everything. */
static int same(pgw_ctx *c, pgw_ctx *bare, uint64_t va)
{
	struct pgw_result r1, r2, rb;
	struct pgw_fault f1, fb;
	int rc1, rc2, rcb;

	memset(&r1, 0, sizeof(r1));
	memset(&r2, 0, sizeof(r2));
	memset(&rb, 0, sizeof(rb));
	rc1 = pgw_translate(c, va, 0, &r1, NULL, NULL);
	rc2 = pgw_translate(c, va, 0, &r2, &f1, NULL);
	rcb = pgw_translate(bare, va, 0, &rb, &fb, NULL);
	assert_int_equal(rc1, rcb);
	assert_int_equal(rc2, rcb);
	if (rcb == 0) {
		const struct pgw_result *r[2] = { &r1, &r2 };

		for (int i = 0; i < 2; i++) {
			assert_int_equal(r[i]->out_pa, rb.out_pa);
			assert_int_equal(r[i]->out_gpa, rb.out_gpa);
			assert_int_equal(r[i]->out_page_size, rb.out_page_size);
			assert_int_equal(r[i]->out_perms, rb.out_perms);
			assert_int_equal(r[i]->out_entry, rb.out_entry);
			assert_int_equal(r[i]->out_level, rb.out_level);
			assert_int_equal(r[i]->out_pkey, rb.out_pkey);
		}
	} else {
		assert_int_equal(f1.out_reason, fb.out_reason);
		assert_int_equal(f1.out_level, fb.out_level);
		assert_int_equal(f1.out_index, fb.out_index);
		assert_int_equal(f1.out_table, fb.out_table);
		assert_int_equal(f1.out_entry, fb.out_entry);
		assert_int_equal(f1.out_rsvd, fb.out_rsvd);
		assert_int_equal(f1.out_addr, fb.out_addr);
	}
	return rcb;
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
	assert_int_equal(same(c, bare, 0x1abc), 0);
	assert_int_equal(same(c, bare, 0x2abc), 0);
	assert_int_equal(same(c, bare, 0xffffffff8023f123ULL), 0);
	assert_int_equal(same(c, bare, 0x8040001234ULL), 0);
	/* Same PT, entry 3 empty: the fault is at PT[3] either way. */
	assert_int_equal(same(c, bare, 0x3000), PGW_ENOTMAPPED);
	/* Same PD, PD[1] empty. */
	assert_int_equal(same(c, bare, 0x200000), PGW_ENOTMAPPED);
	/* Not canonical. */
	assert_int_equal(same(c, bare, 0x0000800000000000ULL), PGW_ENOTMAPPED);
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
	assert_int_equal(same(c, bare, 0x1000), 0);   /* fills the PSC */
	assert_int_equal(same(c, bare, 0x200000), PGW_ERSVD);
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
	assert_int_equal(same(c, bare, 0x2000), 0);
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
	assert_int_equal(same(c, bare, 0x0001000000001234ULL), 0);
	assert_int_equal(same(c, bare, 0x0001000000002234ULL), PGW_ENOTMAPPED);
	/* Canonical under LA57 only. */
	assert_int_equal(same(c, bare, 0x0100000000000000ULL), PGW_ENOTMAPPED);
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
