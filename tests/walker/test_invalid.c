/*
 * Hostile or broken tables, per format: self-referencing entries (and a
 * legitimate Windows-style self-map), tables that alias each other without
 * end (bounded by the walk budget), tables outside memory and reserved-bit
 * entries met during range walks, and absurd CR3 values.
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
#define PS 0x80ULL
#define NX (1ULL << 63)

#define FAR_AWAY 0x7f000000000ULL   /* far past the fake memory */

static pgw_ctx *ctx_mode(struct ptb_fx *f, enum pgw_mode m, uint64_t cr3,
			 const struct pgw_mem_ops *ops)
{
	struct pgw_x86_regs r = PGW_X86_REGS_INIT;
	char err[128];

	r.cr0 = PGW_CR0_PG;
	r.cr3 = cr3;
	switch (m) {
	case PGW_MODE_X86_32:
		r.cr4 = PGW_CR4_PSE;
		break;
	case PGW_MODE_X86_PAE:
		r.cr4 = PGW_CR4_PAE;
		r.efer = PGW_EFER_NXE;
		break;
	case PGW_MODE_X86_5L:
		r.cr4 = PGW_CR4_PAE | PGW_CR4_LA57;
		r.efer = PGW_EFER_LMA | PGW_EFER_NXE;
		break;
	default:
		r.cr4 = PGW_CR4_PAE;
		r.efer = PGW_EFER_LMA | PGW_EFER_NXE;
		break;
	}
	pgw_ctx_free(f->ctx);
	f->ctx = NULL;
	assert_int_equal(pgw_ctx_new_x86(&f->ctx, &r, ops ? ops : &ptb_mem_ops,
					 &f->b, err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_mode(f->ctx), m);
	return f->ctx;
}

struct seen {
	unsigned leaves, faults, loops;
	uint64_t va[8], pa[8];
	uint64_t fs[8], fe[8];
	struct pgw_fault f[8];
	int stop_on_fault;  /* value the fault callback returns */
};

static int on_leaf(const struct pgw_leaf *l, void *payload)
{
	struct seen *s = payload;

	if (s->leaves < 8) {
		s->va[s->leaves] = l->va;
		s->pa[s->leaves] = l->pa;
	}
	s->leaves++;
	return 0;
}

static int on_fault(uint64_t start, uint64_t end, const struct pgw_fault *f,
		    void *payload)
{
	struct seen *s = payload;

	if (s->faults < 8) {
		s->fs[s->faults] = start;
		s->fe[s->faults] = end;
		s->f[s->faults] = *f;
	}
	if (f->out_reason == PGW_FAULT_LOOP)
		s->loops++;
	s->faults++;
	return s->stop_on_fault;
}

static const struct pgw_walk_ops all_ops = { .leaf = on_leaf,
					     .fault = on_fault };

/* ---- self-references ----------------------------------------------- */

#define SELF 493ULL  /* the PML4 slot Windows uses for its self-map */

static uint64_t self_va(unsigned a, unsigned b, unsigned c, unsigned d)
{
	uint64_t va = (uint64_t)a << 39 | (uint64_t)b << 30 |
		      (uint64_t)c << 21 | (uint64_t)d << 12;

	return va & (1ULL << 47) ? va | 0xffff000000000000ULL : va;
}

static void test_invalid__windows_self_map_translates(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;
	struct seen s = { 0 };
	uint64_t pdpt, pd, pt;

	/* PML4[0]→PDPT[0]→PD[0]→PT[1] = 4K at 0x5000 */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x1000, 3, 0x5000 | P | W,
		P | W);
	pdpt = ptb_get(&f->b, f->root, 8) & ~0xfffULL;
	pd = ptb_get(&f->b, pdpt, 8) & ~0xfffULL;
	pt = ptb_get(&f->b, pd, 8) & ~0xfffULL;
	/* PML4[493] = the PML4 itself (supervisor, NX) */
	ptb_put(&f->b, f->root + SELF * 8, f->root | P | W | NX, 8);
	ctx_mode(f, PGW_MODE_X86_4L, f->root, NULL);

	/* The PML4 seen as a page: 0xfffff6fb7dbed000 */
	assert_int_equal(self_va(SELF, SELF, SELF, SELF),
			 0xfffff6fb7dbed000ULL);
	assert_int_equal(pgw_translate(f->ctx, 0xfffff6fb7dbed000ULL +
				       SELF * 8, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, f->root + SELF * 8);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W);
	/* The PTE of VA 0x1000, through PML4[493]→[0]→[0]→[0] */
	assert_int_equal(pgw_translate(f->ctx, self_va(SELF, 0, 0, 0) + 8, 0,
				       &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, pt + 8);
	/* The PDE and PDPTE above it */
	assert_int_equal(pgw_translate(f->ctx, self_va(SELF, SELF, 0, 0), 0,
				       &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, pd);
	assert_int_equal(pgw_translate(f->ctx, self_va(SELF, SELF, SELF, 0), 0,
				       &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, pdpt);
	/* The ordinary mapping is unaffected. */
	assert_int_equal(pgw_translate(f->ctx, 0x1010, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x5010);

	/* A range walk sees the self-map as four table pages, in order. */
	assert_int_equal(pgw_walk(f->ctx, NULL, &all_ops, &s), 0);
	assert_int_equal(s.faults, 0);
	assert_int_equal(s.leaves, 5);
	assert_int_equal(s.va[0], 0x1000);
	assert_int_equal(s.pa[0], 0x5000);
	assert_int_equal(s.va[1], self_va(SELF, 0, 0, 0));
	assert_int_equal(s.pa[1], pt);
	assert_int_equal(s.va[2], self_va(SELF, SELF, 0, 0));
	assert_int_equal(s.pa[2], pd);
	assert_int_equal(s.va[3], self_va(SELF, SELF, SELF, 0));
	assert_int_equal(s.pa[3], pdpt);
	assert_int_equal(s.va[4], 0xfffff6fb7dbed000ULL);
	assert_int_equal(s.pa[4], f->root);
}

static void test_invalid__self_referencing_pde_32bit(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;
	struct seen s = { 0 };

	/* PD[768] = the PD itself (the classic 32-bit recursive slot): PD
	 * entry i is then visible at 0xc0000000 + i * 4 (as PT) ... */
	ptb_put(&f->b, f->root + 768 * 4, f->root | P | W, 4);
	/* PD[1]→PT[0] = 4K at 0x6000 */
	ptb_map(&f->b, PGW_MODE_X86_32, f->root, 0x400000, 1, 0x6000 | P,
		P | W);
	ctx_mode(f, PGW_MODE_X86_32, f->root, NULL);
	/* ... and the PD itself at 0xc0300000 (PD[768]→PD[768]). */
	assert_int_equal(pgw_translate(f->ctx, 0xc0300000 + 768 * 4, 0, &r,
				       NULL, NULL), 0);
	assert_int_equal(r.out_pa, f->root + 768 * 4);
	uint64_t pt = ptb_get(&f->b, f->root + 4, 4) & ~0xfffULL;
	assert_int_equal(pgw_translate(f->ctx, 0xc0001000, 0, &r, NULL, NULL),
			 0);
	assert_int_equal(r.out_pa, pt);
	/* Walk: the 4K page, then two self-map pages (PT of PD[1], PD). */
	assert_int_equal(pgw_walk(f->ctx, NULL, &all_ops, &s), 0);
	assert_int_equal(s.leaves, 3);
	assert_int_equal(s.va[0], 0x400000);
	assert_int_equal(s.va[1], 0xc0001000);
	assert_int_equal(s.pa[1], pt);
	assert_int_equal(s.va[2], 0xc0300000);
	assert_int_equal(s.pa[2], f->root);
}

/* ---- aliasing without end ------------------------------------------ */

static void alias_all(struct ptb_fx *f, unsigned n, unsigned esize)
{
	for (unsigned i = 0; i < n; i++)
		ptb_put(&f->b, f->root + (uint64_t)i * esize,
			f->root | P | W, esize);
}

static void test_invalid__aliasing_4l_bounded_with_loop_fault(void **state)
{
	struct ptb_fx *f = *state;
	struct seen s = { 0 };

	/* Every PML4 entry points at the PML4: 512^4 pages of aliases. */
	alias_all(f, 512, 8);
	ctx_mode(f, PGW_MODE_X86_4L, f->root, NULL);
	pgw_ctx_set_walk_budget(f->ctx, 50);
	assert_int_equal(pgw_walk(f->ctx, NULL, &all_ops, &s), PGW_ELIMIT);
	/* 50 tables: the PML4, one PDPT, one PD, then 47 PTs. */
	assert_int_equal(s.leaves, 47 * 512);
	assert_int_equal(s.loops, 1);
	assert_int_equal(s.faults, 1);
	assert_int_equal(s.f[0].out_reason, PGW_FAULT_LOOP);
	assert_int_equal(s.f[0].out_level, 3);
	assert_string_equal(s.f[0].out_level_name, "PT");
	assert_int_equal(s.f[0].out_table, f->root);
	/* The span is the PT that was not walked: PD[47]. */
	assert_int_equal(s.fs[0], 47ULL << 21);
	assert_int_equal(s.fe[0], 48ULL << 21);
	assert_int_equal(s.f[0].out_addr, 47ULL << 21);

	/* A positive value from the fault callback is returned instead. */
	memset(&s, 0, sizeof(s));
	s.stop_on_fault = 7;
	assert_int_equal(pgw_walk(f->ctx, NULL, &all_ops, &s), 7);
	assert_int_equal(s.loops, 1);

	/* The budget is per walk, and 0 restores the (large) default: a
	 * filtered walk of 2 PTs fits either way. */
	struct pgw_walk_filter flt = PGW_WALK_FILTER_INIT;
	memset(&s, 0, sizeof(s));
	flt.last = (2ULL << 21) - 1;
	pgw_ctx_set_walk_budget(f->ctx, 0);
	assert_int_equal(pgw_walk(f->ctx, &flt, &all_ops, &s), 0);
	assert_int_equal(s.leaves, 1024);
	assert_int_equal(s.faults, 0);
}

static void test_invalid__aliasing_32bit_and_5l_bounded(void **state)
{
	struct ptb_fx *f = *state;
	struct seen s = { 0 };

	/* 32-bit: every PDE points at the PD, i.e. 1024 PTs of 1024. */
	alias_all(f, 1024, 4);
	ctx_mode(f, PGW_MODE_X86_32, f->root, NULL);
	pgw_ctx_set_walk_budget(f->ctx, 10);
	assert_int_equal(pgw_walk(f->ctx, NULL, &all_ops, &s), PGW_ELIMIT);
	assert_int_equal(s.leaves, 9 * 1024);
	assert_int_equal(s.loops, 1);
	assert_int_equal(s.fs[0], 9ULL << 22);
	assert_int_equal(s.fe[0], 10ULL << 22);

	/* 5-level: every PML5 entry points at the PML5. */
	memset(f->b.mem + f->root, 0, 4096);
	memset(&s, 0, sizeof(s));
	alias_all(f, 512, 8);
	ctx_mode(f, PGW_MODE_X86_5L, f->root, NULL);
	pgw_ctx_set_walk_budget(f->ctx, 10);
	assert_int_equal(pgw_walk(f->ctx, NULL, &all_ops, &s), PGW_ELIMIT);
	assert_int_equal(s.leaves, 6 * 512);
	assert_int_equal(s.loops, 1);
	assert_string_equal(s.f[0].out_level_name, "PT");
}

static void test_invalid__aliasing_pae_bounded(void **state)
{
	struct ptb_fx *f = *state;
	struct seen s = { 0 };
	uint64_t pd = ptb_page(&f->b);

	/* PDPTE0..3 → one PD whose every entry points back at that PD. */
	for (unsigned i = 0; i < 4; i++)
		ptb_put(&f->b, f->root + i * 8, pd | P, 8);
	for (unsigned i = 0; i < 512; i++)
		ptb_put(&f->b, pd + i * 8, pd | P | W, 8);
	ctx_mode(f, PGW_MODE_X86_PAE, f->root, NULL);
	pgw_ctx_set_walk_budget(f->ctx, 20);
	assert_int_equal(pgw_walk(f->ctx, NULL, &all_ops, &s), PGW_ELIMIT);
	/* The PDPT, one PD, 18 PTs. */
	assert_int_equal(s.leaves, 18 * 512);
	assert_int_equal(s.loops, 1);
	/* Single translations through the loop are finite. */
	struct pgw_result r;
	assert_int_equal(pgw_translate(f->ctx, 0xc0345678, 0, &r, NULL, NULL),
			 0);
	assert_int_equal(r.out_pa, pd | 0x678);
}

/* ---- tables outside memory, reserved bits, in range walks ---------- */

static void test_invalid__tables_outside_memory_in_range_walk(void **state)
{
	struct ptb_fx *f = *state;
	const struct pgw_mem_ops *mops[] = { &ptb_mem_ops, &ptb_mem_ops_copy };

	/* PML4[0]→PDPT[0]→PD[0] = a PT far outside memory */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0, 2, FAR_AWAY | P | W,
		P | W);
	/* PML4[0]→PDPT[0]→PD[1]→PT[1] = 4K at 0x5000 */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x201000, 3, 0x5000 | P,
		P | W);
	/* PML4[1] = a PDPT far outside memory */
	ptb_put(&f->b, f->root + 8, (FAR_AWAY + 0x1000) | P | W, 8);
	/* PML4[2]→PDPT[0]→PD[0]→PT[0] = 4K at 0x6000 */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x10000000000ULL, 3,
		0x6000 | P, P | W);
	for (unsigned i = 0; i < 2; i++) {
		struct seen s = { 0 };

		ctx_mode(f, PGW_MODE_X86_4L, f->root, mops[i]);
		assert_int_equal(pgw_walk(f->ctx, NULL, &all_ops, &s), 0);
		assert_int_equal(s.faults, 2);
		assert_int_equal(s.fs[0], 0);
		assert_int_equal(s.fe[0], 0x200000);
		assert_int_equal(s.f[0].out_reason, PGW_FAULT_BAD_TABLE);
		assert_int_equal(s.f[0].out_stage, PGW_STAGE_GUEST);
		assert_int_equal(s.f[0].out_level, 3);
		assert_int_equal(s.f[0].out_table, FAR_AWAY);
		assert_int_equal(s.fs[1], 0x8000000000ULL);
		assert_int_equal(s.fe[1], 0x10000000000ULL);
		assert_int_equal(s.f[1].out_level, 1);
		assert_int_equal(s.f[1].out_table, FAR_AWAY + 0x1000);
		/* The walk went on past both. */
		assert_int_equal(s.leaves, 2);
		assert_int_equal(s.va[0], 0x201000);
		assert_int_equal(s.va[1], 0x10000000000ULL);
	}
	/* Without a fault callback the spans are skipped silently. */
	struct pgw_walk_ops leaves_only = { .leaf = on_leaf };
	struct seen s = { 0 };
	assert_int_equal(pgw_walk(f->ctx, NULL, &leaves_only, &s), 0);
	assert_int_equal(s.leaves, 2);
}

static void test_invalid__reserved_entries_skipped_4l(void **state)
{
	struct ptb_fx *f = *state;
	struct seen s = { 0 };

	/* PML4[0]→PDPT[0]→PD[0] = 2M with bit 13 set (reserved) */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0, 2,
		0x200000 | (1ULL << 13) | P | PS, P | W);
	/* PML4[0]→PDPT[0]→PD[1] = 2M, fine */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x200000, 2,
		0x400000 | P | PS, P | W);
	/* PML4[0]→PDPT[1] = table pointer with bit 51 set (MAXPHYADDR 40) */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x40000000, 3, 0x7000 | P,
		P | W);
	uint64_t epa = ptb_entry_pa(&f->b, PGW_MODE_X86_4L, f->root,
				    0x40000000, 1);
	ptb_put(&f->b, epa, ptb_get(&f->b, epa, 8) | (1ULL << 51), 8);
	{
		struct pgw_x86_regs r = PGW_X86_REGS_INIT;
		char err[64];

		r.cr0 = PGW_CR0_PG;
		r.cr3 = f->root;
		r.cr4 = PGW_CR4_PAE;
		r.efer = PGW_EFER_LMA | PGW_EFER_NXE;
		r.maxphyaddr = 40;
		assert_int_equal(pgw_ctx_new_x86(&f->ctx, &r, &ptb_mem_ops,
						 &f->b, err, sizeof(err)), 0);
	}
	assert_int_equal(pgw_walk(f->ctx, NULL, &all_ops, &s), 0);
	assert_int_equal(s.faults, 2);
	assert_int_equal(s.fs[0], 0);
	assert_int_equal(s.fe[0], 0x200000);
	assert_int_equal(s.f[0].out_reason, PGW_FAULT_RESERVED);
	assert_int_equal(s.f[0].out_level, 2);
	assert_int_equal(s.f[0].out_rsvd, 1ULL << 13);
	assert_int_equal(s.fs[1], 0x40000000);
	assert_int_equal(s.fe[1], 0x80000000);
	assert_int_equal(s.f[1].out_level, 1);
	assert_int_equal(s.f[1].out_rsvd, 1ULL << 51);
	assert_int_equal(s.leaves, 1);
	assert_int_equal(s.va[0], 0x200000);
}

static void test_invalid__reserved_entries_skipped_32bit(void **state)
{
	struct ptb_fx *f = *state;
	struct seen s = { 0 };

	/* PD[0] = 4M with bit 21 set; PD[1] = 4M, fine */
	ptb_put(&f->b, f->root, 0x800000 | (1ULL << 21) | P | PS, 4);
	ptb_put(&f->b, f->root + 4, 0xc00000 | P | PS, 4);
	ctx_mode(f, PGW_MODE_X86_32, f->root, NULL);
	assert_int_equal(pgw_walk(f->ctx, NULL, &all_ops, &s), 0);
	assert_int_equal(s.faults, 1);
	assert_int_equal(s.fs[0], 0);
	assert_int_equal(s.fe[0], 0x400000);
	assert_int_equal(s.f[0].out_rsvd, 1ULL << 21);
	assert_int_equal(s.leaves, 1);
	assert_int_equal(s.va[0], 0x400000);
	assert_int_equal(s.pa[0], 0xc00000);
}

static void test_invalid__reserved_entries_skipped_pae(void **state)
{
	struct ptb_fx *f = *state;
	struct seen s = { 0 };

	/* PDPT[0]→PD[0] = 2M, fine; PDPTE1 = same PD with bit 63 set, which
	 * is reserved in a PDPTE; PDPT[2]→PD[0]→PT[0] with bit 62 (reserved).
	 * (PDPTE bits 8:5/2:1 are checked at CR3 load only: see test_x86_pae.) */
	ptb_map(&f->b, PGW_MODE_X86_PAE, f->root, 0, 1, 0x200000 | P | PS, 0);
	ptb_put(&f->b, f->root + 8, ptb_get(&f->b, f->root, 8) | (1ULL << 63), 8);
	ptb_map(&f->b, PGW_MODE_X86_PAE, f->root, 0x80000000, 2,
		0x6000 | P | (1ULL << 62), P | W);
	ctx_mode(f, PGW_MODE_X86_PAE, f->root, NULL);
	assert_int_equal(pgw_walk(f->ctx, NULL, &all_ops, &s), 0);
	assert_int_equal(s.faults, 2);
	assert_int_equal(s.fs[0], 0x40000000);
	assert_int_equal(s.fe[0], 0x80000000);
	assert_string_equal(s.f[0].out_level_name, "PDPT");
	assert_int_equal(s.f[0].out_rsvd, 1ULL << 63);
	assert_int_equal(s.fs[1], 0x80000000);
	assert_int_equal(s.fe[1], 0x80001000);
	assert_int_equal(s.f[1].out_rsvd, 1ULL << 62);
	assert_int_equal(s.leaves, 1);
	assert_int_equal(s.va[0], 0);
}

static void test_invalid__reserved_entries_skipped_ept(void **state)
{
	struct ptb_fx *f = *state;
	struct seen s = { 0 };
	pgw_ctx *ept = NULL;
	char err[64];

	/* EPT PML4[0]→PDPT[0]→PD[0]→PT[0] = write-only (misconfigured);
	 * PT[1] = RWX, fine */
	ptb_map(&f->b, PGW_MODE_EPT4, f->root, 0, 3, 0x5000 | 0x2 | 0x30, 7);
	ptb_map(&f->b, PGW_MODE_EPT4, f->root, 0x1000, 3, 0x6000 | 0x7 | 0x30,
		7);
	assert_int_equal(pgw_ctx_new_nested(&ept, PGW_MODE_EPT4, f->root, 0, 0,
					    &ptb_mem_ops, &f->b, err,
					    sizeof(err)), 0);
	assert_int_equal(pgw_walk(ept, NULL, &all_ops, &s), 0);
	assert_int_equal(s.faults, 1);
	assert_int_equal(s.fs[0], 0);
	assert_int_equal(s.fe[0], 0x1000);
	assert_int_equal(s.f[0].out_reason, PGW_FAULT_RESERVED);
	assert_int_equal(s.leaves, 1);
	assert_int_equal(s.va[0], 0x1000);
	assert_int_equal(s.pa[0], 0x6000);
	pgw_ctx_free(ept);
}

/* ---- absurd CR3 ---------------------------------------------------- */

static void test_invalid__absurd_cr3(void **state)
{
	struct ptb_fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;
	struct seen s = { 0 };
	static const struct {
		enum pgw_mode mode;
		uint64_t cr3, root;
	} cases[] = {
		/* all ones: the root is clipped to the mode's address bits */
		{ PGW_MODE_X86_32, ~0ULL, 0xfffff000ULL },
		{ PGW_MODE_X86_PAE, ~0ULL, 0xffffffe0ULL },
		{ PGW_MODE_X86_4L, ~0ULL, 0x000ffffffffff000ULL },
		{ PGW_MODE_X86_5L, ~0ULL, 0x000ffffffffff000ULL },
		/* just past the end of memory */
		{ PGW_MODE_X86_4L, 8 << 20, 8 << 20 },
		{ PGW_MODE_X86_PAE, (8 << 20) + 0x7f0, (8 << 20) + 0x7e0 },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ctx_mode(f, cases[i].mode, cases[i].cr3, &ptb_mem_ops_copy);
		assert_int_equal(pgw_translate(f->ctx, 0x1000, 0, &r, &flt,
					       NULL), PGW_EIO);
		assert_int_equal(flt.out_reason, PGW_FAULT_BAD_TABLE);
		assert_int_equal(flt.out_level, 0);
		assert_int_equal(flt.out_table, cases[i].root);
		memset(&s, 0, sizeof(s));
		assert_int_equal(pgw_walk(f->ctx, NULL, &all_ops, &s), 0);
		assert_int_equal(s.faults, 1);
		assert_int_equal(s.leaves, 0);
		assert_int_equal(s.f[0].out_level, 0);
		assert_int_equal(s.fs[0], 0);
		if (cases[i].mode == PGW_MODE_X86_32 ||
		    cases[i].mode == PGW_MODE_X86_PAE)
			assert_int_equal(s.fe[0], 0x100000000ULL);
		else
			assert_int_equal(s.fe[0], 0);  /* top of the space */
	}
	/* A PAE CR3 rounded down into the last 32 bytes of memory is a
	 * readable (empty) PDPT. */
	ctx_mode(f, PGW_MODE_X86_PAE, (8 << 20) - 0x10, &ptb_mem_ops_copy);
	assert_int_equal(pgw_translate(f->ctx, 0x1000, 0, &r, &flt, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(flt.out_table, (8 << 20) - 0x20);
	/* CR3 = 0: a root of zeroes, nothing present. */
	ctx_mode(f, PGW_MODE_X86_4L, 0, NULL);
	assert_int_equal(pgw_translate(f->ctx, 0x1000, 0, &r, &flt, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(flt.out_level, 0);
	/* An EPTP of all ones names an impossible walk length. */
	pgw_ctx *ept = NULL;
	char err[96];
	assert_int_equal(pgw_ctx_new_nested(&ept, PGW_MODE_EPT4, ~0ULL, 0, 0,
					    &ptb_mem_ops, &f->b, err,
					    sizeof(err)), PGW_EINVAL);
	assert_null(ept);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(n) cmocka_unit_test_setup_teardown(n, ptb_fx_setup_8m, ptb_fx_teardown)
		T(test_invalid__windows_self_map_translates),
		T(test_invalid__self_referencing_pde_32bit),
		T(test_invalid__aliasing_4l_bounded_with_loop_fault),
		T(test_invalid__aliasing_32bit_and_5l_bounded),
		T(test_invalid__aliasing_pae_bounded),
		T(test_invalid__tables_outside_memory_in_range_walk),
		T(test_invalid__reserved_entries_skipped_4l),
		T(test_invalid__reserved_entries_skipped_32bit),
		T(test_invalid__reserved_entries_skipped_pae),
		T(test_invalid__reserved_entries_skipped_ept),
		T(test_invalid__absurd_cr3),
	};

	return cmocka_run_group_tests_name("invalid", tests, NULL, NULL);
}
