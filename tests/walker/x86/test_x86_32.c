/*
 * 32-bit (non-PAE) paging: 4K pages, 4M pages with CR4.PSE (and the same PDE
 * as a table pointer without it), PSE-36 high physical bits against
 * MAXPHYADDR, U/S and R/W combination, no NX, and range walks with holes.
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

#define M32 PGW_MODE_X86_32

static pgw_ctx *ctx_32(struct ptb_fx *f, uint64_t cr0_extra, uint64_t cr4,
		       uint64_t efer, unsigned maxphyaddr)
{
	struct pgw_x86_regs r = PGW_X86_REGS_INIT;
	char err[128];

	r.cr0 = PGW_CR0_PG | cr0_extra;
	r.cr3 = f->root;
	r.cr4 = cr4;
	r.efer = efer;
	r.maxphyaddr = maxphyaddr;
	pgw_ctx_free(f->ctx);
	f->ctx = NULL;
	assert_int_equal(pgw_ctx_new_x86(&f->ctx, &r, &ptb_mem_ops, &f->b, err,
					 sizeof(err)), 0);
	assert_int_equal(pgw_ctx_mode(f->ctx), PGW_MODE_X86_32);
	return f->ctx;
}

static void test_x86_32__4k_leaf_keeps_offset(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;
	struct pgw_trace t;
	uint64_t leaf;

	/* PD[1]→PT[2] = 4K page at 0x7000 */
	leaf = ptb_map(&f->b, M32, f->root, 0x402000, 1, 0x7000 | P | W | U,
		       P | W | U);
	ctx_32(f, 0, 0, 0, 0);
	assert_int_equal(pgw_translate(f->ctx, 0x402abc, 0, &r, NULL, &t), 0);
	assert_int_equal(r.out_pa, 0x7abc);
	assert_int_equal(r.out_gpa, 0x7abc);
	assert_int_equal(r.out_page_size, 4096);
	assert_int_equal(r.out_level, 1);
	assert_int_equal(r.out_entry, 0x7000 | P | W | U);
	assert_int_equal(r.out_pkey, -1);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W | PGW_PERM_X |
					      PGW_PERM_U);
	/* 4-byte entries: PD[1] sits 4 bytes into the root. */
	assert_int_equal(t.n, 2);
	assert_string_equal(t.step[0].level_name, "PD");
	assert_int_equal(t.step[0].index, 1);
	assert_int_equal(t.step[0].entry_addr, f->root + 4);
	assert_false(t.step[0].leaf);
	assert_string_equal(t.step[1].level_name, "PT");
	assert_int_equal(t.step[1].index, 2);
	assert_int_equal(t.step[1].entry_addr, leaf);
	assert_true(t.step[1].leaf);
}

static void test_x86_32__4m_leaf_with_pse(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;

	/* PD[3] 4M at 0x01000000 */
	ptb_map(&f->b, M32, f->root, 0x00c00000, 0,
		0x01000000 | P | W | PS | A | D | G, 0);
	ctx_32(f, 0, PGW_CR4_PSE, 0, 0);
	assert_int_equal(pgw_translate(f->ctx, 0x00f23456, 0, &r, NULL, NULL),
			 0);
	assert_int_equal(r.out_pa, 0x01323456);
	assert_int_equal(r.out_page_size, 4 << 20);
	assert_int_equal(r.out_level, 0);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W | PGW_PERM_X);
}

static void test_x86_32__ps_pde_is_table_without_pse(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;

	/* PD[3] = 0x400000|PS: with PSE a 4M page at 4 MiB, without PSE the
	 * PS bit is ignored and 0x400000 is a page table:
	 * PD[3]→PT[1] = 4K page at 0x9000 */
	ptb_put(&f->b, f->root + 3 * 4, 0x400000 | P | W | PS, 4);
	ptb_put(&f->b, 0x400000 + 1 * 4, 0x9000 | P | W, 4);
	ctx_32(f, 0, PGW_CR4_PSE, 0, 0);
	assert_int_equal(pgw_translate(f->ctx, 0x00c01234, 0, &r, NULL, NULL),
			 0);
	assert_int_equal(r.out_pa, 0x401234);
	assert_int_equal(r.out_page_size, 4 << 20);
	assert_int_equal(r.out_level, 0);
	ctx_32(f, 0, 0, 0, 0);
	assert_int_equal(pgw_translate(f->ctx, 0x00c01234, 0, &r, NULL, NULL),
			 0);
	assert_int_equal(r.out_pa, 0x9234);
	assert_int_equal(r.out_page_size, 4096);
	assert_int_equal(r.out_level, 1);
	/* PD[3]→PT[0] is empty in that table. */
	assert_int_equal(pgw_translate(f->ctx, 0x00c00000, 0, &r, NULL, NULL),
			 PGW_ENOTMAPPED);
}

static void test_x86_32__pse36_high_bits_maxphyaddr_40(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;

	/* PD[1] 4M at PA 0xab_00400000: PDE bits 20:13 = 0xab → PA 39:32 */
	ptb_put(&f->b, f->root + 1 * 4, 0x00400000 | (0xabULL << 13) | P | PS,
		4);
	ctx_32(f, 0, PGW_CR4_PSE, 0, 40);
	assert_int_equal(pgw_translate(f->ctx, 0x00412345, 0, &r, NULL, NULL),
			 0);
	assert_int_equal(r.out_pa, 0xab00412345ULL);
	assert_int_equal(r.out_page_size, 4 << 20);
}

static void test_x86_32__pse36_high_bits_maxphyaddr_36(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;

	/* PD[1] 4M at PA 0xb_00400000: PDE bits 16:13 = 0xb → PA 35:32 */
	ptb_put(&f->b, f->root + 1 * 4, 0x00400000 | (0xbULL << 13) | P | PS,
		4);
	ctx_32(f, 0, PGW_CR4_PSE, 0, 36);
	assert_int_equal(pgw_translate(f->ctx, 0x007fffff, 0, &r, NULL, NULL),
			 0);
	assert_int_equal(r.out_pa, 0xb007fffffULL);
}

static void test_x86_32__invalid_pse36_above_maxphyaddr(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	/* PD[1] 4M with PDE bits 20:13 = 0xab: bits 18 and 20 stand for PA
	 * bits 37 and 39, above a MAXPHYADDR of 36. */
	ptb_put(&f->b, f->root + 1 * 4, 0x00400000 | (0xabULL << 13) | P | PS,
		4);
	ctx_32(f, 0, PGW_CR4_PSE, 0, 36);
	assert_int_equal(pgw_translate(f->ctx, 0x00400000, 0, &r, &flt, NULL),
			 PGW_ERSVD);
	assert_int_equal(flt.out_reason, PGW_FAULT_RESERVED);
	assert_int_equal(flt.out_level, 0);
	assert_int_equal(flt.out_index, 1);
	assert_int_equal(flt.out_rsvd, (1ULL << 18) | (1ULL << 20));
	/* With MAXPHYADDR 32 every PSE-36 bit is reserved. */
	ctx_32(f, 0, PGW_CR4_PSE, 0, 32);
	assert_int_equal(pgw_translate(f->ctx, 0x00400000, 0, &r, &flt, NULL),
			 PGW_ERSVD);
	assert_int_equal(flt.out_rsvd, 0xabULL << 13);
}

static void test_x86_32__invalid_4m_bit21_reserved(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	/* PD[2] 4M with bit 21 set: reserved whatever MAXPHYADDR is. */
	ptb_put(&f->b, f->root + 2 * 4, 0x00800000 | (1ULL << 21) | P | PS, 4);
	ctx_32(f, 0, PGW_CR4_PSE, 0, 40);
	assert_int_equal(pgw_translate(f->ctx, 0x00812345, 0, &r, &flt, NULL),
			 PGW_ERSVD);
	assert_int_equal(flt.out_level, 0);
	assert_int_equal(flt.out_entry, 0x00800000 | (1ULL << 21) | P | PS);
	assert_int_equal(flt.out_rsvd, 1ULL << 21);
	/* Without PSE bit 21 is simply part of a table address. */
	ctx_32(f, 0, 0, 0, 40);
	assert_int_equal(pgw_translate(f->ctx, 0x00812345, 0, &r, &flt, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(flt.out_reason, PGW_FAULT_NOT_PRESENT);
	assert_int_equal(flt.out_level, 1);
	assert_int_equal(flt.out_table, 0x00a00000);
}

static void test_x86_32__us_rw_anded_across_levels(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;

	/* PD[0]→PT[1]: supervisor read-write PDE, user read-write PTE */
	ptb_map(&f->b, M32, f->root, 0x1000, 1, 0x5000 | P | W | U, P | W);
	/* PD[1]→PT[1]: user read-only PDE, user read-write PTE */
	ptb_map(&f->b, M32, f->root, 0x401000, 1, 0x6000 | P | W | U, P | U);
	/* PD[2]→PT[1]: user read-write PDE, user read-only PTE */
	ptb_map(&f->b, M32, f->root, 0x801000, 1, 0x7000 | P | U,
		P | W | U);
	ctx_32(f, PGW_CR0_WP, 0, 0, 0);
	assert_int_equal(pgw_translate(f->ctx, 0x1000, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W | PGW_PERM_X);
	assert_int_equal(pgw_translate(f->ctx, 0x401000, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_X | PGW_PERM_U);
	assert_int_equal(pgw_translate(f->ctx, 0x801000, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_X | PGW_PERM_U);
	/* Checked accesses follow the combined bits. */
	assert_int_equal(pgw_translate(f->ctx, 0x1000,
				       PGW_ACC_READ | PGW_ACC_USER, &r, NULL,
				       NULL), PGW_EACCES);
	assert_int_equal(pgw_translate(f->ctx, 0x401000,
				       PGW_ACC_WRITE | PGW_ACC_USER, &r, NULL,
				       NULL), PGW_EACCES);
	assert_int_equal(pgw_translate(f->ctx, 0x401000, PGW_ACC_WRITE, &r,
				       NULL, NULL), PGW_EACCES);
	/* Supervisor writes to read-only pages pass with CR0.WP clear. */
	ctx_32(f, 0, 0, 0, 0);
	assert_int_equal(pgw_translate(f->ctx, 0x401000, PGW_ACC_WRITE, &r,
				       NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x6000);
}

static void test_x86_32__no_nx_in_32bit(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;

	/* PD[0]→PT[3] = supervisor 4K page; 32-bit entries have no XD bit,
	 * so EFER.NXE changes nothing and the page is executable. */
	ptb_map(&f->b, M32, f->root, 0x3000, 1, 0x8000 | P, P | W);
	ctx_32(f, 0, 0, PGW_EFER_NXE, 0);
	assert_int_equal(pgw_translate(f->ctx, 0x3000, PGW_ACC_EXEC, &r, NULL,
				       NULL), 0);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_X);
	/* Entries are 4 bytes: the next entry's bit 31 is not an XD bit. */
	ptb_map(&f->b, M32, f->root, 0x4000, 1, 0x80000000ULL | P, P | W);
	ctx_32(f, 0, 0, PGW_EFER_NXE, 0);
	assert_int_equal(pgw_translate(f->ctx, 0x3000, PGW_ACC_EXEC, &r, NULL,
				       NULL), 0);
	assert_int_equal(pgw_translate(f->ctx, 0x4010, PGW_ACC_EXEC, &r, NULL,
				       NULL), 0);
	assert_int_equal(r.out_pa, 0x80000010ULL);
}

struct seen {
	unsigned leaves, holes;
	uint64_t va[8], size[8], pa[8];
	unsigned perms[8];
	uint64_t hs[8], he[8];
	int hl[8];
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

	if (s->holes < 8) {
		s->hs[s->holes] = start;
		s->he[s->holes] = end;
		s->hl[s->holes] = level;
	}
	s->holes++;
	return 0;
}

static void test_x86_32__walk_reports_leaves_and_holes(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_walk_ops ops = { .leaf = on_leaf, .hole = on_hole };
	struct pgw_walk_filter flt = PGW_WALK_FILTER_INIT;
	struct seen s = { 0 };

	/* PD[0]→PT[1] = user 4K at 0x5000 */
	ptb_map(&f->b, M32, f->root, 0x1000, 1, 0x5000 | P | U, P | W | U);
	/* PD[2] = 4M at 0x00c00000 */
	ptb_map(&f->b, M32, f->root, 0x00800000, 0, 0x00c00000 | P | W | PS, 0);
	/* PD[1023]→PT[1023] = 4K at 0x6000, the last page of the space */
	ptb_map(&f->b, M32, f->root, 0xfffff000, 1, 0x6000 | P | W, P | W);
	ctx_32(f, 0, PGW_CR4_PSE, 0, 0);
	assert_int_equal(pgw_walk(f->ctx, NULL, &ops, &s), 0);
	assert_int_equal(s.leaves, 3);
	assert_int_equal(s.va[0], 0x1000);
	assert_int_equal(s.size[0], 4096);
	assert_int_equal(s.pa[0], 0x5000);
	assert_int_equal(s.perms[0], PGW_PERM_R | PGW_PERM_X | PGW_PERM_U);
	assert_int_equal(s.va[1], 0x00800000);
	assert_int_equal(s.size[1], 4 << 20);
	assert_int_equal(s.pa[1], 0x00c00000);
	assert_int_equal(s.perms[1], PGW_PERM_R | PGW_PERM_W | PGW_PERM_X);
	assert_int_equal(s.va[2], 0xfffff000);
	assert_int_equal(s.pa[2], 0x6000);
	assert_int_equal(s.holes, 5);
	/* PD[0]→PT[0] */
	assert_int_equal(s.hs[0], 0);
	assert_int_equal(s.he[0], 0x1000);
	assert_int_equal(s.hl[0], 1);
	/* PD[0]→PT[2..1023] */
	assert_int_equal(s.hs[1], 0x2000);
	assert_int_equal(s.he[1], 0x400000);
	assert_int_equal(s.hl[1], 1);
	/* PD[1] */
	assert_int_equal(s.hs[2], 0x400000);
	assert_int_equal(s.he[2], 0x800000);
	assert_int_equal(s.hl[2], 0);
	/* PD[3..1022] */
	assert_int_equal(s.hs[3], 0xc00000);
	assert_int_equal(s.he[3], 0xffc00000);
	assert_int_equal(s.hl[3], 0);
	/* PD[1023]→PT[0..1022] */
	assert_int_equal(s.hs[4], 0xffc00000);
	assert_int_equal(s.he[4], 0xfffff000);
	assert_int_equal(s.hl[4], 1);

	/* A range filter that starts inside the 4M page and ends before the
	 * last page reports only the 4M page. */
	memset(&s, 0, sizeof(s));
	flt.start = 0x00900000;
	flt.last = 0xffffefff;
	assert_int_equal(pgw_walk(f->ctx, &flt, &ops, &s), 0);
	assert_int_equal(s.leaves, 1);
	assert_int_equal(s.va[0], 0x00800000);
	/* Addresses past 4 GiB do not exist in 32-bit paging. */
	memset(&s, 0, sizeof(s));
	flt.start = 0x100000000ULL;
	flt.last = UINT64_MAX;
	assert_int_equal(pgw_walk(f->ctx, &flt, &ops, &s), 0);
	assert_int_equal(s.leaves, 0);
	assert_int_equal(s.holes, 0);
}

static void test_x86_32__invalid_va_above_4g(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	ptb_map(&f->b, M32, f->root, 0x1000, 1, 0x5000 | P, P | W);
	ctx_32(f, 0, 0, 0, 0);
	assert_int_equal(pgw_translate(f->ctx, 0x100001000ULL, 0, &r, &flt,
				       NULL), PGW_ENOTMAPPED);
	assert_int_equal(flt.out_reason, PGW_FAULT_NONCANONICAL);
	assert_int_equal(pgw_ctx_canonical(f->ctx, 0xfffff000), 0xfffff000);
	assert_int_equal(pgw_ctx_va_bits(f->ctx), 32);
}

static void test_x86_32__invalid_table_outside_memory(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	/* PD[5] points at a page table at 3 GiB, far past the 16 MiB. */
	ptb_put(&f->b, f->root + 5 * 4, 0xc0000000ULL | P | W, 4);
	ctx_32(f, 0, 0, 0, 0);
	assert_int_equal(pgw_translate(f->ctx, 0x01400000, 0, &r, &flt, NULL),
			 PGW_EIO);
	assert_int_equal(flt.out_reason, PGW_FAULT_BAD_TABLE);
	assert_int_equal(flt.out_level, 1);
	assert_int_equal(flt.out_table, 0xc0000000ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(n) cmocka_unit_test_setup_teardown(n, ptb_fx_setup_16m, ptb_fx_teardown)
		T(test_x86_32__4k_leaf_keeps_offset),
		T(test_x86_32__4m_leaf_with_pse),
		T(test_x86_32__ps_pde_is_table_without_pse),
		T(test_x86_32__pse36_high_bits_maxphyaddr_40),
		T(test_x86_32__pse36_high_bits_maxphyaddr_36),
		T(test_x86_32__invalid_pse36_above_maxphyaddr),
		T(test_x86_32__invalid_4m_bit21_reserved),
		T(test_x86_32__us_rw_anded_across_levels),
		T(test_x86_32__no_nx_in_32bit),
		T(test_x86_32__walk_reports_leaves_and_holes),
		T(test_x86_32__invalid_va_above_4g),
		T(test_x86_32__invalid_table_outside_memory),
	};

	return cmocka_run_group_tests_name("x86_32", tests, NULL, NULL);
}
