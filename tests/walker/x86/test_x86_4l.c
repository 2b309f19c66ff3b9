/*
 * IA-32e 4-level paging: 4K/2M/1G leaves, permission combination across
 * levels, reserved bits, faults, canonical checks, the software TLB and the
 * copying (no map) memory path.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ptbuilder.h"

#define P  0x1ULL
#define W  0x2ULL
#define U  0x4ULL
#define A  0x20ULL
#define D  0x40ULL
#define PS 0x80ULL
#define G  0x100ULL
#define NX (1ULL << 63)

static pgw_ctx *ctx_4l(struct ptb_fx *f, uint64_t cr0_extra, uint64_t cr4_extra,
		       uint64_t efer_extra, const struct pgw_mem_ops *ops)
{
	struct pgw_x86_regs r = PGW_X86_REGS_INIT;
	char err[128];

	r.cr0 = PGW_CR0_PG | cr0_extra;
	r.cr3 = f->root;
	r.cr4 = PGW_CR4_PAE | cr4_extra;
	r.efer = PGW_EFER_LME | PGW_EFER_LMA | PGW_EFER_NXE | efer_extra;
	pgw_ctx_free(f->ctx);
	f->ctx = NULL;
	assert_int_equal(pgw_ctx_new_x86(&f->ctx, &r, ops ? ops : &ptb_mem_ops,
					 &f->b, err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_mode(f->ctx), PGW_MODE_X86_4L);
	return f->ctx;
}

static void test_x86_4l__4k_leaf_keeps_offset(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;

	/* PML4[0]→PDPT[0]→PD[0]→PT[1] = 4K page at 0x5000 */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x1000, 3, 0x5000 | P | W,
		P | W | U);
	ctx_4l(f, 0, 0, 0, NULL);
	assert_int_equal(pgw_translate(f->ctx, 0x1abc, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x5abc);
	assert_int_equal(r.out_page_size, 4096);
	assert_int_equal(r.out_level, 3);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W | PGW_PERM_X);
}

static void test_x86_4l__2m_leaf_keeps_offset(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;

	/* PML4[511]→PDPT[510]→PD[1] 2M at 0x40200000 (kernel text style) */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0xffffffff80200000ULL, 2,
		0x40200000 | P | PS | G | A | D, P | W);
	ctx_4l(f, 0, 0, 0, NULL);
	assert_int_equal(pgw_translate(f->ctx, 0xffffffff8023f123ULL, 0, &r,
				       NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x4023f123);
	assert_int_equal(r.out_page_size, 2 << 20);
	assert_int_equal(r.out_level, 2);
	/* W is AND-ed: the leaf lacks it. */
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_X);
}

static void test_x86_4l__1g_leaf_keeps_offset(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;

	/* PML4[273]→PDPT[1] 1G at 0x40000000 (direct map style) */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0xffff888040000000ULL, 1,
		0x40000000 | P | W | PS | NX, P | W);
	ctx_4l(f, 0, 0, 0, NULL);
	assert_int_equal(pgw_translate(f->ctx, 0xffff888051234567ULL, 0, &r,
				       NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x51234567);
	assert_int_equal(r.out_page_size, 1 << 30);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W);
}

static void test_x86_4l__not_present_reports_level(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x200000, 3, 0, P | W);
	ctx_4l(f, 0, 0, 0, NULL);
	assert_int_equal(pgw_translate(f->ctx, 0x200000, 0, &r, &flt, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(flt.out_reason, PGW_FAULT_NOT_PRESENT);
	assert_int_equal(flt.out_level, 3);
	assert_string_equal(flt.out_level_name, "PT");
	assert_int_equal(pgw_translate(f->ctx, 0x8000000000ULL, 0, &r, &flt,
				       NULL), PGW_ENOTMAPPED);
	assert_int_equal(flt.out_level, 0);
	assert_int_equal(flt.out_index, 1);
}

static void test_x86_4l__noncanonical_faults(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	ctx_4l(f, 0, 0, 0, NULL);
	assert_int_equal(pgw_translate(f->ctx, 0x0000800000000000ULL, 0, &r,
				       &flt, NULL), PGW_ENOTMAPPED);
	assert_int_equal(flt.out_reason, PGW_FAULT_NONCANONICAL);
}

static void test_x86_4l__reserved_bits_fault(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	/* 2M leaf with bit 13 set: reserved between PAT and the offset. */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x400000, 2,
		0x400000 | (1ULL << 13) | P | PS, P | W);
	/* PML4 entry with PS: reserved at the top level. */
	uint64_t e = ptb_get(&f->b, f->root, 8);
	ptb_put(&f->b, f->root + 8, e | PS, 8);
	ctx_4l(f, 0, 0, 0, NULL);
	assert_int_equal(pgw_translate(f->ctx, 0x400000, 0, &r, &flt, NULL),
			 PGW_ERSVD);
	assert_int_equal(flt.out_level, 2);
	assert_int_equal(flt.out_rsvd, 1ULL << 13);
	assert_int_equal(pgw_translate(f->ctx, 0x8000000000ULL, 0, &r, &flt,
				       NULL), PGW_ERSVD);
	assert_int_equal(flt.out_level, 0);
	assert_int_equal(flt.out_rsvd, PS);
}

static void test_x86_4l__nx_reserved_without_nxe(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_x86_regs r = PGW_X86_REGS_INIT;
	struct pgw_result res;
	struct pgw_fault flt;
	char err[64];

	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x1000, 3, 0x9000 | P | NX,
		P | W);
	r.cr0 = PGW_CR0_PG;
	r.cr3 = f->root;
	r.cr4 = PGW_CR4_PAE;
	r.efer = PGW_EFER_LMA;
	assert_int_equal(pgw_ctx_new_x86(&f->ctx, &r, &ptb_mem_ops, &f->b, err,
					 sizeof(err)), 0);
	assert_int_equal(pgw_translate(f->ctx, 0x1000, 0, &res, &flt, NULL),
			 PGW_ERSVD);
	assert_int_equal(flt.out_rsvd, NX);
}

static void test_x86_4l__maxphyaddr_bits_reserved(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_x86_regs r = PGW_X86_REGS_INIT;
	struct pgw_result res;
	struct pgw_fault flt;
	char err[64];

	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x1000, 3,
		(1ULL << 40) | 0x9000 | P, P | W);
	r.cr0 = PGW_CR0_PG;
	r.cr3 = f->root;
	r.cr4 = PGW_CR4_PAE;
	r.efer = PGW_EFER_LMA | PGW_EFER_NXE;
	r.maxphyaddr = 40;
	assert_int_equal(pgw_ctx_new_x86(&f->ctx, &r, &ptb_mem_ops, &f->b, err,
					 sizeof(err)), 0);
	assert_int_equal(pgw_translate(f->ctx, 0x1000, 0, &res, &flt, NULL),
			 PGW_ERSVD);
	assert_int_equal(flt.out_rsvd, 1ULL << 40);
	/* With 52 bits the same entry is a valid 52-bit physical address. */
	ctx_4l(f, 0, 0, 0, NULL);
	assert_int_equal(pgw_translate(f->ctx, 0x1008, 0, &res, &flt, NULL), 0);
	assert_int_equal(res.out_pa, (1ULL << 40) | 0x9008);
}

static void test_x86_4l__table_outside_memory(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	/* PML4[0] points far beyond the 8 MiB of fake memory. */
	ptb_put(&f->b, f->root, 0x7f000000000ULL | P | W, 8);
	ctx_4l(f, 0, 0, 0, NULL);
	assert_int_equal(pgw_translate(f->ctx, 0x1000, 0, &r, &flt, NULL),
			 PGW_EIO);
	assert_int_equal(flt.out_reason, PGW_FAULT_BAD_TABLE);
	assert_int_equal(flt.out_level, 1);
	assert_int_equal(flt.out_table, 0x7f000000000ULL);
}

static void test_x86_4l__trace_lists_every_level(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;
	struct pgw_trace t;

	uint64_t leaf = ptb_map(&f->b, PGW_MODE_X86_4L, f->root,
				0x7fffdeadb000ULL, 3, 0x3000 | P | W | U,
				P | W | U);
	ctx_4l(f, 0, 0, 0, NULL);
	assert_int_equal(pgw_translate(f->ctx, 0x7fffdeadb010ULL, 0, &r, NULL,
				       &t), 0);
	assert_int_equal(t.n, 4);
	assert_string_equal(t.step[0].level_name, "PML4");
	assert_int_equal(t.step[0].index, 255);
	assert_int_equal(t.step[0].entry_addr, f->root + 255 * 8);
	assert_string_equal(t.step[3].level_name, "PT");
	assert_int_equal(t.step[3].entry_addr, leaf);
	assert_true(t.step[3].leaf);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W | PGW_PERM_X |
					      PGW_PERM_U);
}

static void test_x86_4l__copy_path_and_tlb(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;
	unsigned reads;

	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x1000, 3, 0x5000 | P,
		P | W);
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x2000, 3, 0x6000 | P,
		P | W);
	ctx_4l(f, 0, 0, 0, &ptb_mem_ops_copy);
	assert_int_equal(pgw_translate(f->ctx, 0x1000, 0, &r, NULL, NULL), 0);
	reads = f->b.reads;
	assert_int_equal(reads, 4);  /* one whole table page per level */
	/* Same page again: served from the TLB. */
	assert_int_equal(pgw_translate(f->ctx, 0x1ff8, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x5ff8);
	assert_int_equal(f->b.reads, reads);
	/* Neighbour page: tables come from the page cache. */
	assert_int_equal(pgw_translate(f->ctx, 0x2000, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x6000);
	assert_int_equal(f->b.reads, reads);
	/* A changed table is seen only after invalidation. */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x1000, 3, 0x7000 | P,
		P | W);
	assert_int_equal(pgw_translate(f->ctx, 0x1000, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x5000);
	pgw_ctx_invalidate(f->ctx);
	assert_int_equal(pgw_translate(f->ctx, 0x1000, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x7000);
}

struct seen {
	unsigned leaves, holes;
	uint64_t va[8], size[8], pa[8];
	unsigned perms[8];
};

static int on_leaf(const struct pgw_leaf *l, void *payload)
{
	struct seen *s = payload;

	if (s->leaves < 8) {
		s->va[s->leaves] = l->va;
		s->size[s->leaves] = l->size;
		s->pa[s->leaves] = l->pa;
		s->perms[s->leaves] = l->perms;
	}
	s->leaves++;
	return 0;
}

static int on_hole(uint64_t start, uint64_t end, int level, void *payload)
{
	struct seen *s = payload;

	(void)start; (void)end; (void)level;
	s->holes++;
	return 0;
}

static void test_x86_4l__walk_reports_leaves_and_holes(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_walk_ops ops = { .leaf = on_leaf, .hole = on_hole };
	struct pgw_walk_filter flt = PGW_WALK_FILTER_INIT;
	struct seen s = { 0 };

	/* PML4[0]→PDPT[0]→PD[0]→PT[1] user 4K; PML4[273]→PDPT[0] 1G */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x1000, 3, 0x5000 | P | U,
		P | W | U);
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0xffff888000000000ULL, 1,
		P | W | PS | NX, P | W);
	ctx_4l(f, 0, 0, 0, NULL);
	assert_int_equal(pgw_walk(f->ctx, NULL, &ops, &s), 0);
	assert_int_equal(s.leaves, 2);
	assert_int_equal(s.va[0], 0x1000);
	assert_int_equal(s.pa[0], 0x5000);
	assert_int_equal(s.perms[0], PGW_PERM_R | PGW_PERM_X | PGW_PERM_U);
	assert_int_equal(s.va[1], 0xffff888000000000ULL);
	assert_int_equal(s.size[1], 1ULL << 30);
	assert_int_equal(s.perms[1], PGW_PERM_R | PGW_PERM_W);
	/* Holes: PT[0], PT[2..511], PD[1..], PDPT[1..], PML4[1..272],
	 * PDPT[1..511] under 273, PML4[274..511]. */
	assert_int_equal(s.holes, 7);

	/* Filters apply during the walk: user-only finds the first page,
	 * writable-only the second, and a VA range clips. */
	memset(&s, 0, sizeof(s));
	flt.need = PGW_PERM_U;
	assert_int_equal(pgw_walk(f->ctx, &flt, &ops, &s), 0);
	assert_int_equal(s.leaves, 1);
	assert_int_equal(s.va[0], 0x1000);
	memset(&s, 0, sizeof(s));
	flt.need = PGW_PERM_W;
	assert_int_equal(pgw_walk(f->ctx, &flt, &ops, &s), 0);
	assert_int_equal(s.leaves, 1);
	assert_int_equal(s.va[0], 0xffff888000000000ULL);
	memset(&s, 0, sizeof(s));
	flt.need = 0;
	flt.start = 0x0000800000000000ULL;  /* in the hole: clamps upward */
	assert_int_equal(pgw_walk(f->ctx, &flt, &ops, &s), 0);
	assert_int_equal(s.leaves, 1);
	assert_int_equal(s.va[0], 0xffff888000000000ULL);
}

static int count_leaf(const struct pgw_leaf *l, void *payload)
{
	(void)l;
	++*(uint64_t *)payload;
	return 0;
}

static void test_x86_4l__invalid_aliasing_tables_bounded(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_walk_ops ops = { .leaf = count_leaf };
	uint64_t n = 0;

	/* Every PML4 entry points back at the PML4 itself: as PDPT, PD and
	 * PT it aliases forever (all entries present, 512^4 pages). */
	for (unsigned i = 0; i < 512; i++)
		ptb_put(&f->b, f->root + 8 * i, f->root | P | W, 8);
	ctx_4l(f, 0, 0, 0, NULL);
	pgw_ctx_set_walk_budget(f->ctx, 1000);
	assert_int_equal(pgw_walk(f->ctx, NULL, &ops, &n), PGW_ELIMIT);
	assert_true(n > 0 && n <= 1000ULL * 512);
	/* Single translations through the loop terminate normally. */
	struct pgw_result r;
	assert_int_equal(pgw_translate(f->ctx, 0x12345678, 0, &r, NULL, NULL),
			 0);
	assert_int_equal(r.out_pa, f->root | 0x678);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(n) cmocka_unit_test_setup_teardown(n, ptb_fx_setup_8m, ptb_fx_teardown)
		T(test_x86_4l__4k_leaf_keeps_offset),
		T(test_x86_4l__2m_leaf_keeps_offset),
		T(test_x86_4l__1g_leaf_keeps_offset),
		T(test_x86_4l__not_present_reports_level),
		T(test_x86_4l__noncanonical_faults),
		T(test_x86_4l__reserved_bits_fault),
		T(test_x86_4l__nx_reserved_without_nxe),
		T(test_x86_4l__maxphyaddr_bits_reserved),
		T(test_x86_4l__table_outside_memory),
		T(test_x86_4l__trace_lists_every_level),
		T(test_x86_4l__copy_path_and_tlb),
		T(test_x86_4l__walk_reports_leaves_and_holes),
		T(test_x86_4l__invalid_aliasing_tables_bounded),
	};

	return cmocka_run_group_tests_name("x86_4l", tests, NULL, NULL);
}
