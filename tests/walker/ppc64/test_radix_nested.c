/*
 * Nested radix (Power ISA 3.0B Book III, partition-scoped translation): a
 * guest partition's process table, PRTEs and tree tables are at guest
 * real addresses, each fetched through the partition-scoped tree of its
 * LPID, and the guest's real address of a page goes through it too: EA ->
 * guest real -> host real, with permissions intersected, the smaller page
 * size, and faults of either stage.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rxmem.h"

/*
 * Host real memory [0, 32M):
 *   0x10000   partition table: PATE[1] = HR | partition tree (52-bit,
 *             13-9-9-9), dword 1 = GR | guest process table at guest
 *             real 0x10000; PATE[2] = HR clear (a hash guest)
 *   0x100000+ the partition tree:
 *             P L1[0]→P L2[0]→P L3[0..3]   2M  GPA [0, 8M) → HPA [16M, 24M),
 *                                           r w x, not privileged
 *             P L1[0]→P L2[0]→P L3[4]→P L4[0]  4K  GPA 0x800000 → 0x1900000 r
 * Guest real memory [0, 8M) = host real [16M, 24M):
 *   0x10000   guest process table: PRTE[0] kernel tree (13-9-9-9),
 *             PRTE[3] user tree (13-9-9-5)
 *   0x100000+ the guest's tables
 *   kernel: EA 0xc000000000001000  4K  GPA 0x345000   P r w
 *           EA 0xc000000000200000  2M  GPA 0x800000   P r w x (host: 4K r)
 *           EA 0xc000000000400000  4K  GPA 0xa00000   (no partition mapping)
 *           EA 0xc000008000000000  L1[1] → table at GPA 0xc00000 (unmapped)
 *   user (PID 3): EA 0x10000  64K  GPA 0x400000  r w
 */
#define PATB 0x10000ULL
#define PTCR (PATB | 0)
#define GPRTB 0x10000ULL
#define HOST_OF_GUEST (16ULL << 20)
#define KBASE 0xc000000000000000ULL

struct fx {
	struct rxmem m, gm;       /* host real; guest real (inside m) */
	pgw_ctx *part, *c;
	struct rxtext t;
};

static int setup(void **state)
{
	struct pgw_ppc64_radix_regs r = PGW_PPC64_RADIX_REGS_INIT;
	struct fx *f = calloc(1, sizeof(*f));
	struct rx_geo g4k = rx_geo(52, 13, 9), g64k = rx_geo(52, 13, 5);
	uint64_t proot, kroot, uroot;
	char err[200];

	if (!f)
		return -1;
	rxmem_init(&f->m, 32 << 20, 0x100000);
	f->gm = (struct rxmem){ .buf = f->m.buf + HOST_OF_GUEST,
				.size = 8 << 20, .next = 0x100000 };
	proot = rxmem_alloc(&f->m, 8 << 13);
	rxmem_put(&f->m, PATB + 16, RX_HR | rx_tree(proot, 52, 13));
	rxmem_put(&f->m, PATB + 24, RX_GR | GPRTB | 0);
	for (uint64_t gpa = 0; gpa < (8 << 20); gpa += 2 << 20)
		rx_map(&f->m, &g4k, proot, gpa, 2,
		       RX_V | RX_L | (HOST_OF_GUEST + gpa) | RX_R | RX_C |
		       RX_RD | RX_WR | RX_EX);
	rx_map(&f->m, &g4k, proot, 0x800000, 3,
	       RX_V | RX_L | 0x1900000 | RX_R | RX_RD);
	/* the guest */
	kroot = rxmem_alloc(&f->gm, 8 << 13);
	uroot = rxmem_alloc(&f->gm, 8 << 13);
	rxmem_put(&f->gm, GPRTB, rx_tree(kroot, 52, 13));
	rxmem_put(&f->gm, GPRTB + 3 * 16, rx_tree(uroot, 52, 13));
	rx_map(&f->gm, &g4k, kroot, KBASE + 0x1000, 3,
	       RX_V | RX_L | 0x345000 | RX_R | RX_C | RX_P | RX_RD | RX_WR);
	rx_map(&f->gm, &g4k, kroot, KBASE + 0x200000, 2,
	       RX_V | RX_L | 0x800000 | RX_R | RX_C | RX_P | RX_RD | RX_WR |
	       RX_EX);
	rx_map(&f->gm, &g4k, kroot, KBASE + 0x400000, 3,
	       RX_V | RX_L | 0xa00000 | RX_R | RX_P | RX_RD);
	rx_map(&f->gm, &g4k, kroot, KBASE + (1ULL << 39), 0,
	       rx_pde(0xc00000, 9));
	rx_map(&f->gm, &g64k, uroot, 0x10000, 3,
	       RX_V | RX_L | 0x400000 | RX_R | RX_C | RX_RD | RX_WR);
	if (pgw_ctx_new_ppc64_radix_part(&f->part, PTCR, 1, 0, &rxmem_ops,
					 &f->m, err, sizeof(err)) < 0)
		return -1;
	r.ptcr = PTCR;
	r.lpidr = 1;
	r.pidr = 3;
	if (pgw_ctx_new_ppc64_radix_nested(&f->c, &r, f->part, &rxmem_ops,
					   &f->m, err, sizeof(err)) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	pgw_ctx_free(f->c);
	pgw_ctx_free(f->part);
	free(f->m.buf);
	free(f);
	return 0;
}

#define RW (PGW_PERM_R | PGW_PERM_W)
#define RWX (RW | PGW_PERM_X)
#define U PGW_PERM_U

static void ok(pgw_ctx *c, uint64_t ea, uint64_t gpa, uint64_t pa,
	       uint64_t size, unsigned perms)
{
	struct pgw_result r;
	struct pgw_fault fl;

	if (pgw_translate(c, ea, 0, &r, &fl, NULL) != 0)
		fail_msg("0x%llx: %s at level %d stage %d",
			 (unsigned long long)ea,
			 pgw_fault_reason_name(fl.out_reason), fl.out_level,
			 fl.out_stage);
	assert_int_equal(r.out_gpa, gpa);
	assert_int_equal(r.out_pa, pa);
	assert_int_equal(r.out_page_size, size);
	assert_int_equal(r.out_perms, perms);
}

/* EA -> guest real -> host real, in both quadrants. */
static void test_radix_nested__composes(void **state)
{
	struct fx *f = *state;

	assert_ptr_equal(pgw_ctx_nested(f->c), f->part);
	assert_int_equal(pgw_ctx_mode(f->part), PGW_MODE_PPC64_RADIX_PART);
	ok(f->c, KBASE + 0x1234, 0x345234, 0x1345234, 4096, RW);
	/* A guest 2M page over a host 4K read-only page: 4K, r only. */
	ok(f->c, KBASE + 0x200010, 0x800010, 0x1900010, 4096, PGW_PERM_R);
	ok(f->c, 0x10008, 0x400008, 0x1400008, 64 << 10, RW | U);
	/* The partition-scoped tree on its own: guest real -> host real. */
	ok(f->part, 0x345234, 0x1345234, 0x1345234, 2 << 20, RWX | U);
}

/* Faults of the partition-scoped stage: on the guest's page, and on a
 * guest table fetch; and the guest's own. */
static void test_radix_nested__faults(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_fault fl;

	assert_int_equal(pgw_translate(f->c, KBASE + 0x400000, 0, &r, &fl,
				       NULL), PGW_ENOTMAPPED);
	assert_int_equal(fl.out_stage, PGW_STAGE_NESTED);
	assert_int_equal(fl.out_reason, PGW_FAULT_NOT_PRESENT);
	assert_string_equal(fl.out_level_name, "P L3");
	assert_int_equal(fl.out_addr, 0xa00000);
	assert_int_equal(pgw_translate(f->c, KBASE + (1ULL << 39), 0, &r, &fl,
				       NULL), PGW_ENOTMAPPED);
	assert_int_equal(fl.out_stage, PGW_STAGE_NESTED);
	assert_int_equal(fl.out_addr, 0xc00000);
	assert_int_equal(pgw_translate(f->c, KBASE + 0x600000, 0, &r, &fl,
				       NULL), PGW_ENOTMAPPED);
	assert_int_equal(fl.out_stage, PGW_STAGE_GUEST);
	assert_string_equal(fl.out_level_name, "L3");
	/* A store the guest allows and the partition refuses. */
	assert_int_equal(pgw_translate(f->c, KBASE + 0x200000, PGW_ACC_WRITE,
				       &r, &fl, NULL), PGW_EACCES);
	assert_int_equal(fl.out_stage, PGW_STAGE_NESTED);
	assert_int_equal(pgw_translate(f->c, KBASE + 0x200000, PGW_ACC_READ,
				       &r, &fl, NULL), 0);
	/* A store the guest itself refuses: the guest's fault first. */
	assert_int_equal(pgw_translate(f->c, 0x10000, PGW_ACC_EXEC, &r, &fl,
				       NULL), PGW_EACCES);
	assert_int_equal(fl.out_stage, PGW_STAGE_GUEST);
}

/* vtop interleaves both stages: each guest table fetch and the page's
 * guest real address go through the partition-scoped levels. */
static void test_radix_nested__vtop(void **state)
{
	struct fx *f = *state;

	assert_int_equal(pgw_view_vtop(f->c, 0x10008, rxtext_write, &f->t), 0);
	assert_string_equal(f->t.s,
		"vtop 0x0000000000010008 (ppc64 radix, nested ppc64 radix partition-scoped)\n"
		"  region quadrant 0 (PID 3, 52-bit, 64K pages)\n"
		"  nested     P L1[000] @ 0x0000000000100000 = 0x8000000000110009 V---------\n"
		"  nested     P L2[000] @ 0x0000000000110000 = 0x8000000000111009 V---------\n"
		"  nested     P L3[000] @ 0x0000000000111000 = 0xc000000001000187 VLRC--rwx- 2M page\n"
		"  guest        L1[000] @ 0x0000000001110000 = 0x8000000000124009 V---------\n"
		"  nested     P L1[000] @ 0x0000000000100000 = 0x8000000000110009 V---------\n"
		"  nested     P L2[000] @ 0x0000000000110000 = 0x8000000000111009 V---------\n"
		"  nested     P L3[000] @ 0x0000000000111000 = 0xc000000001000187 VLRC--rwx- 2M page\n"
		"  guest        L2[000] @ 0x0000000001124000 = 0x8000000000125009 V---------\n"
		"  nested     P L1[000] @ 0x0000000000100000 = 0x8000000000110009 V---------\n"
		"  nested     P L2[000] @ 0x0000000000110000 = 0x8000000000111009 V---------\n"
		"  nested     P L3[000] @ 0x0000000000111000 = 0xc000000001000187 VLRC--rwx- 2M page\n"
		"  guest        L3[000] @ 0x0000000001125000 = 0x8000000000126005 V---------\n"
		"  nested     P L1[000] @ 0x0000000000100000 = 0x8000000000110009 V---------\n"
		"  nested     P L2[000] @ 0x0000000000110000 = 0x8000000000111009 V---------\n"
		"  nested     P L3[000] @ 0x0000000000111000 = 0xc000000001000187 VLRC--rwx- 2M page\n"
		"  guest        L4[001] @ 0x0000000001126008 = 0xc000000000400186 VLRC--rw-- 64K page\n"
		"  nested     P L1[000] @ 0x0000000000100000 = 0x8000000000110009 V---------\n"
		"  nested     P L2[000] @ 0x0000000000110000 = 0x8000000000111009 V---------\n"
		"  nested     P L3[002] @ 0x0000000000111010 = 0xc000000001400187 VLRC--rwx- 2M page\n"
		"0x0000000000010008 -> gpa 0x0000000000400008 -> 0x0000000001400008 size 64K perms rw-u\n");
}

/* info pg: the guest's quadrants, then the partition-scoped tree. */
static void test_radix_nested__info_pg(void **state)
{
	struct fx *f = *state;

	assert_int_equal(pgw_view_pg(f->c, NULL, rxtext_write, &f->t), 0);
	assert_non_null(strstr(f->t.s, "Info pg, guest mode (ppc64 radix)\n"
				       "quadrant 0 (PID 3, 52-bit, 64K pages)\n"));
	assert_non_null(strstr(f->t.s, "quadrant 3 (PID 0, 52-bit, 4K pages)\n"));
	assert_non_null(strstr(f->t.s, "Info pg, host mode (ppc64 radix "
				       "partition-scoped)\n"));
	assert_non_null(strstr(f->t.s, "L4[001]     VLRC--rw-- 0000000400-000000040f\n"));
	assert_non_null(strstr(f->t.s, "L3[000-003] VLRC--rwx- 0000001000-00000017ff\n"));
	assert_non_null(strstr(f->t.s, "L4[000]     VLR---r--- 0000001900\n"));
}

/* The same partition-scoped tree from pgw_ctx_new_nested() and PATE
 * doubleword 0; what the constructors refuse. */
static void test_radix_nested__constructors(void **state)
{
	struct fx *f = *state;
	struct pgw_ppc64_radix_regs r = PGW_PPC64_RADIX_REGS_INIT;
	uint64_t pate0 = rxmem_get(&f->m, PATB + 16);
	pgw_ctx *p = NULL, *g = NULL;
	char err[200];

	assert_int_equal(pgw_ctx_new_nested(&p, PGW_MODE_PPC64_RADIX_PART,
					    pate0, 0, 0, &rxmem_ops, &f->m,
					    err, sizeof(err)), 0);
	ok(p, 0x345234, 0x1345234, 0x1345234, 2 << 20, RWX | U);
	pgw_ctx_free(p);
	p = NULL;
	assert_int_equal(pgw_ctx_new_nested(&p, PGW_MODE_PPC64_RADIX_PART,
					    0, 0, 0, &rxmem_ops, &f->m,
					    err, sizeof(err)), PGW_EINVAL);
	assert_non_null(strstr(err, "names no supported radix tree"));
	assert_int_equal(pgw_ctx_new_ppc64_radix_part(&p, PTCR, 2, 0,
						      &rxmem_ops, &f->m, err,
						      sizeof(err)), PGW_EINVAL);
	assert_non_null(strstr(err, "PATE[2] 0x0000000000000000 has HR = 0"));
	/* Nesting in a process-scoped context is refused. */
	r.ptcr = PTCR;
	r.lpidr = 1;
	assert_int_equal(pgw_ctx_new_ppc64_radix_nested(&g, &r, f->c,
							&rxmem_ops, &f->m,
							err, sizeof(err)),
			 PGW_EINVAL);
	assert_non_null(strstr(err, "not a partition-scoped radix context"));
	assert_null(g);
	assert_null(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_radix_nested__composes),
		T(test_radix_nested__faults),
		T(test_radix_nested__vtop),
		T(test_radix_nested__info_pg),
		T(test_radix_nested__constructors),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
