/*
 * IA-32e 5-level paging (CR4.LA57): canonical form by bit 56, PS reserved in
 * the PML5 (and PML4), 1G/2M/4K leaves, and range walks across both halves
 * of the 57-bit space in canonical order.
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

#define M5 PGW_MODE_X86_5L

static pgw_ctx *ctx_5l(struct ptb_fx *f)
{
	struct pgw_x86_regs r = PGW_X86_REGS_INIT;
	char err[128];

	r.cr0 = PGW_CR0_PG | PGW_CR0_WP;
	r.cr3 = f->root;
	r.cr4 = PGW_CR4_PAE | PGW_CR4_LA57;
	r.efer = PGW_EFER_LME | PGW_EFER_LMA | PGW_EFER_NXE;
	pgw_ctx_free(f->ctx);
	f->ctx = NULL;
	assert_int_equal(pgw_ctx_new_x86(&f->ctx, &r, &ptb_mem_ops, &f->b, err,
					 sizeof(err)), 0);
	assert_int_equal(pgw_ctx_mode(f->ctx), PGW_MODE_X86_5L);
	return f->ctx;
}

/* The three leaves most tests share, one per size, in both halves. */
static void map_three(struct ptb_fx *f)
{
	/* PML5[0]→PML4[256]→PDPT[0]→PD[1] 2M at 0x600000: an address that
	 * is not canonical under 4-level paging */
	ptb_map(&f->b, M5, f->root, 0x0000800000200000ULL, 3,
		0x600000 | P | W | U | PS, P | W | U);
	/* PML5[255]→PML4[511]→PDPT[511]→PD[511]→PT[511] 4K at 0x5000: the
	 * last page of the lower half */
	ptb_map(&f->b, M5, f->root, 0x00fffffffffff000ULL, 4,
		0x5000 | P | U | NX, P | W | U);
	/* PML5[256]→PML4[0]→PDPT[1] 1G at 0x80000000: upper half */
	ptb_map(&f->b, M5, f->root, 0xff00000040000000ULL, 2,
		0x80000000ULL | P | W | PS | G, P | W);
}

static void test_x86_5l__leaves_of_every_size(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;

	map_three(f);
	ctx_5l(f);
	assert_int_equal(pgw_translate(f->ctx, 0x00008000002abcdeULL, 0, &r,
				       NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x6abcde);
	assert_int_equal(r.out_page_size, 2 << 20);
	assert_int_equal(r.out_level, 3);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W | PGW_PERM_X |
					      PGW_PERM_U);
	assert_int_equal(pgw_translate(f->ctx, 0x00fffffffffffff8ULL, 0, &r,
				       NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x5ff8);
	assert_int_equal(r.out_page_size, 4096);
	assert_int_equal(r.out_level, 4);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_U);
	assert_int_equal(pgw_translate(f->ctx, 0xff0000007fffffffULL, 0, &r,
				       NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0xbfffffffULL);
	assert_int_equal(r.out_page_size, 1 << 30);
	assert_int_equal(r.out_level, 2);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W | PGW_PERM_X);
}

static void test_x86_5l__trace_names_five_levels(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;
	struct pgw_trace t;
	static const char *names[] = { "PML5", "PML4", "PDPT", "PD", "PT" };

	map_three(f);
	ctx_5l(f);
	assert_int_equal(pgw_ctx_levels(f->ctx), 5);
	assert_int_equal(pgw_ctx_va_bits(f->ctx), 57);
	assert_int_equal(pgw_translate(f->ctx, 0x00fffffffffff000ULL, 0, &r,
				       NULL, &t), 0);
	assert_int_equal(t.n, 5);
	for (unsigned i = 0; i < 5; i++) {
		assert_string_equal(t.step[i].level_name, names[i]);
		assert_string_equal(pgw_ctx_level_name(f->ctx, (int)i),
				    names[i]);
		assert_int_equal(t.step[i].stage, PGW_STAGE_GUEST);
		assert_int_equal(t.step[i].index, i == 0 ? 255 : 511);
		assert_int_equal(t.step[i].leaf, i == 4);
	}
	assert_int_equal(t.step[0].entry_addr, f->root + 255 * 8);
}

static void test_x86_5l__canonical_by_bit_56(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;
	static const uint64_t bad[] = {
		0x0100000000000000ULL,  /* bit 56 set, 63:57 clear */
		0xfe00000000000000ULL,  /* 63:57 set, bit 56 clear */
		0x8000000000000000ULL,
		0x00fffffffffff000ULL | (1ULL << 60),
	};

	map_three(f);
	ctx_5l(f);
	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(pgw_translate(f->ctx, bad[i], 0, &r, &flt,
					       NULL), PGW_ENOTMAPPED);
		assert_int_equal(flt.out_reason, PGW_FAULT_NONCANONICAL);
		assert_int_equal(flt.out_level, -1);
	}
	assert_int_equal(pgw_ctx_canonical(f->ctx, 0x0100000000000000ULL),
			 0xff00000000000000ULL);
	assert_int_equal(pgw_ctx_canonical(f->ctx, 0x00ffffffffffffffULL),
			 0x00ffffffffffffffULL);
	assert_int_equal(pgw_ctx_canonical(f->ctx, 0x1234800000000000ULL),
			 0x0034800000000000ULL);
	assert_int_equal(pgw_ctx_canonical(f->ctx, 0x01ffffffffffffffULL),
			 0xffffffffffffffffULL);
	/* 4-level's non-canonical hole is ordinary address space here. */
	assert_int_equal(pgw_translate(f->ctx, 0x0000800000200000ULL, 0, &r,
				       &flt, NULL), 0);
	assert_int_equal(r.out_pa, 0x600000);
	/* The first upper-half address is canonical and walks PML5[256]. */
	assert_int_equal(pgw_translate(f->ctx, 0xff00000000000000ULL, 0, &r,
				       &flt, NULL), PGW_ENOTMAPPED);
	assert_int_equal(flt.out_reason, PGW_FAULT_NOT_PRESENT);
	assert_int_equal(flt.out_level, 2);
	assert_int_equal(flt.out_index, 0);
}

static void test_x86_5l__invalid_ps_in_pml5_and_pml4(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;
	uint64_t e;

	map_three(f);
	/* PML5[2] = the PML4 of PML5[0] with PS set: PS is reserved */
	e = ptb_get(&f->b, f->root, 8);
	ptb_put(&f->b, f->root + 2 * 8, e | PS, 8);
	/* PML5[256]→PML4[1] = PML4[0]'s PDPT with PS set: reserved too */
	uint64_t pml4 = ptb_get(&f->b, f->root + 256 * 8, 8) & ~0xfffULL;
	e = ptb_get(&f->b, pml4, 8);
	ptb_put(&f->b, pml4 + 8, e | PS, 8);
	ctx_5l(f);
	assert_int_equal(pgw_translate(f->ctx, 0x0002000000200000ULL, 0, &r,
				       &flt, NULL), PGW_ERSVD);
	assert_int_equal(flt.out_level, 0);
	assert_string_equal(flt.out_level_name, "PML5");
	assert_int_equal(flt.out_index, 2);
	assert_int_equal(flt.out_rsvd, PS);
	assert_int_equal(pgw_translate(f->ctx, 0xff00008040000000ULL, 0, &r,
				       &flt, NULL), PGW_ERSVD);
	assert_int_equal(flt.out_level, 1);
	assert_string_equal(flt.out_level_name, "PML4");
	assert_int_equal(flt.out_rsvd, PS);
	/* The unmodified siblings still translate. */
	assert_int_equal(pgw_translate(f->ctx, 0xff00000040000000ULL, 0, &r,
				       &flt, NULL), 0);
	assert_int_equal(r.out_pa, 0x80000000ULL);
}

static void test_x86_5l__invalid_1g_low_bits_reserved(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	/* PML5[0]→PML4[0]→PDPT[3] 1G with bit 29 set (below the 1G frame) */
	ptb_map(&f->b, M5, f->root, 0xc0000000ULL, 2,
		0xc0000000ULL | (1ULL << 29) | P | PS, P | W);
	ctx_5l(f);
	assert_int_equal(pgw_translate(f->ctx, 0xc0000000ULL, 0, &r, &flt,
				       NULL), PGW_ERSVD);
	assert_int_equal(flt.out_level, 2);
	assert_int_equal(flt.out_rsvd, 1ULL << 29);
}

struct seen {
	unsigned leaves, holes0;
	uint64_t va[8], size[8], pa[8];
	uint64_t hs[8], he[8];
};

static int on_leaf(const struct pgw_leaf *l, void *payload)
{
	struct seen *s = payload;

	if (s->leaves < 8) {
		s->va[s->leaves] = l->va;
		s->size[s->leaves] = l->size;
		s->pa[s->leaves] = l->pa;
	}
	s->leaves++;
	return 0;
}

static int on_hole(uint64_t start, uint64_t end, int level, void *payload)
{
	struct seen *s = payload;

	if (level != 0)
		return 0;
	if (s->holes0 < 8) {
		s->hs[s->holes0] = start;
		s->he[s->holes0] = end;
	}
	s->holes0++;
	return 0;
}

static void test_x86_5l__walk_both_halves_in_canonical_order(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_walk_ops ops = { .leaf = on_leaf, .hole = on_hole };
	struct pgw_walk_filter flt = PGW_WALK_FILTER_INIT;
	struct seen s = { 0 };

	map_three(f);
	/* PML5[511]→PML4[511]→PDPT[511]→PD[511]→PT[511] 4K: the last page */
	ptb_map(&f->b, M5, f->root, 0xfffffffffffff000ULL, 4, 0x7000 | P,
		P | W);
	ctx_5l(f);
	assert_int_equal(pgw_walk(f->ctx, NULL, &ops, &s), 0);
	assert_int_equal(s.leaves, 4);
	assert_int_equal(s.va[0], 0x0000800000200000ULL);
	assert_int_equal(s.size[0], 2 << 20);
	assert_int_equal(s.pa[0], 0x600000);
	assert_int_equal(s.va[1], 0x00fffffffffff000ULL);
	assert_int_equal(s.size[1], 4096);
	assert_int_equal(s.va[2], 0xff00000040000000ULL);
	assert_int_equal(s.size[2], 1 << 30);
	assert_int_equal(s.pa[2], 0x80000000ULL);
	assert_int_equal(s.va[3], 0xfffffffffffff000ULL);
	assert_int_equal(s.pa[3], 0x7000);
	/* PML5-level holes: PML5[1..254] and PML5[257..510]; PML5[255] and
	 * PML5[256] are adjacent in the table across the canonical gap. */
	assert_int_equal(s.holes0, 2);
	assert_int_equal(s.hs[0], 0x0001000000000000ULL);
	assert_int_equal(s.he[0], 0x00ff000000000000ULL);
	assert_int_equal(s.hs[1], 0xff01000000000000ULL);
	assert_int_equal(s.he[1], 0xffff000000000000ULL);

	/* A filter starting in the non-canonical gap clamps to the upper
	 * half; one ending in it clamps to the lower half. */
	memset(&s, 0, sizeof(s));
	flt.start = 0x4000000000000000ULL;
	assert_int_equal(pgw_walk(f->ctx, &flt, &ops, &s), 0);
	assert_int_equal(s.leaves, 2);
	assert_int_equal(s.va[0], 0xff00000040000000ULL);
	assert_int_equal(s.va[1], 0xfffffffffffff000ULL);
	memset(&s, 0, sizeof(s));
	flt.start = 0x0000800000000000ULL;
	flt.last = 0x4000000000000000ULL;
	assert_int_equal(pgw_walk(f->ctx, &flt, &ops, &s), 0);
	assert_int_equal(s.leaves, 2);
	assert_int_equal(s.va[0], 0x0000800000200000ULL);
	assert_int_equal(s.va[1], 0x00fffffffffff000ULL);
	/* A filter wholly inside the gap finds nothing. */
	memset(&s, 0, sizeof(s));
	flt.start = 0x0100000000000000ULL;
	flt.last = 0xfeffffffffffffffULL;
	assert_int_equal(pgw_walk(f->ctx, &flt, &ops, &s), 0);
	assert_int_equal(s.leaves, 0);
	assert_int_equal(s.holes0, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(n) cmocka_unit_test_setup_teardown(n, ptb_fx_setup_8m, ptb_fx_teardown)
		T(test_x86_5l__leaves_of_every_size),
		T(test_x86_5l__trace_names_five_levels),
		T(test_x86_5l__canonical_by_bit_56),
		T(test_x86_5l__invalid_ps_in_pml5_and_pml4),
		T(test_x86_5l__invalid_1g_low_bits_reserved),
		T(test_x86_5l__walk_both_halves_in_canonical_order),
	};

	return cmocka_run_group_tests_name("x86_5l", tests, NULL, NULL);
}
