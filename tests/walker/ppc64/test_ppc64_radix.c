/*
 * ppc64 radix (Power ISA 3.0B Book III): the partition table from PTCR,
 * the process table and its PRTEs, quadrants 0 (PIDR) and 3 (PID 0),
 * every supported root size and leaf size (4K, 64K, 2M, 1G), every fault
 * (not present at each level, reserved PTE and PDE bits, NLS and NLB, a
 * leaf at the root, a pointer at the last level, quadrants 1 and 2, EA
 * bits beyond the tree, an unusable PRTE, a table outside memory), EAA
 * access checks, the constructor's refusals, and the views.
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
 * Real memory [0, 32M):
 *   0x10000  partition table (PTCR PATS 0: 4K, 256 LPIDs)
 *            PATE[0] = HR | the kernel tree | process table 0x20000
 *   0x20000  process table (PRTS 0: 4K, 256 PIDs)
 *            PRTE[0] kernel tree, 52-bit, 13-9-9-9 (4K pages)
 *            PRTE[5] user tree,   52-bit, 13-9-9-5 (64K pages)
 *            PRTE[6] 0 (no tree)
 *   0x100000 and up: the trees' tables.
 * Kernel tree (quadrant 3, EA 0xc...):
 *   L1[0]→L2[0]       1G  0x40000000  P r w  R C   (linear map)
 *   L1[0]→L2[1]→L3[0] 2M  0x80200000  P r x  R     (text)
 *   L1[0]→L2[2]       1G at 0x40200000: RPN below 1G  reserved
 *   L1[0]→L2[3]       PDE with NLS 5 (the tree's L3 has 9)  reserved
 *   L1[0]→L2[4]       PDE whose NLB is not 4K aligned      reserved
 *   L1[1]             a leaf at the root                   reserved L
 *   L1[2]             not present
 *   L1[3]             PDE → table 0x7fff0000000 (outside memory)
 *   L1[16]→L2[0]→L3[0]→L4[1]  4K 0x12345000 P r w R C, ATT 2 (I/O)
 *                      L4[3]  4K with reserved bit 6 (ISA 57)
 *                      L4[4]  a PDE at the last level      reserved L
 * User tree (quadrant 0, PID 5):
 *   L4 of 0x10000     64K 0x2340000  r w  R C
 *   L4 of 0x20000     64K 0x2350000  r x  R
 *   L3 of 0x200000    2M  0x600000   r
 */
#define PATB 0x10000ULL
#define PRTB 0x20000ULL
#define PTCR (PATB | 0)
#define KBASE 0xc000000000000000ULL

struct fx {
	struct rxmem m;
	struct rx_geo g4k, g64k;
	uint64_t kroot, uroot;
	pgw_ctx *c;
	struct rxtext t;
};

static void build(struct fx *f)
{
	const struct rx_geo *g = &f->g4k;

	rxmem_init(&f->m, 32 << 20, 0x100000);
	f->g4k = rx_geo(52, 13, 9);
	f->g64k = rx_geo(52, 13, 5);
	f->kroot = rxmem_alloc(&f->m, 8 << 13);
	f->uroot = rxmem_alloc(&f->m, 8 << 13);
	rxmem_put(&f->m, PATB, RX_HR | rx_tree(f->kroot, 52, 13));
	rxmem_put(&f->m, PATB + 8, PRTB | 0);
	rxmem_put(&f->m, PRTB + 0 * 16, rx_tree(f->kroot, 52, 13));
	rxmem_put(&f->m, PRTB + 5 * 16, rx_tree(f->uroot, 52, 13));
	/* kernel */
	rx_map(&f->m, g, f->kroot, KBASE, 1,
	       RX_V | RX_L | 0x40000000 | RX_R | RX_C | RX_P | RX_RD | RX_WR);
	rx_map(&f->m, g, f->kroot, KBASE + 0x40000000, 2,
	       RX_V | RX_L | 0x80200000 | RX_R | RX_P | RX_RD | RX_EX);
	rx_map(&f->m, g, f->kroot, KBASE + 0x80000000, 1,
	       RX_V | RX_L | 0x40200000 | RX_P | RX_RD);
	rx_map(&f->m, g, f->kroot, KBASE + 0xc0000000, 1,
	       rx_pde(rxmem_alloc(&f->m, 4096), 5));
	rx_map(&f->m, g, f->kroot, KBASE + 0x100000000, 1,
	       rx_pde(rxmem_alloc(&f->m, 4096) + 0x100, 9));
	rx_map(&f->m, g, f->kroot, KBASE + (1ULL << 39), 0,
	       RX_V | RX_L | RX_P | RX_RD);
	rx_map(&f->m, g, f->kroot, KBASE + (3ULL << 39), 0,
	       rx_pde(0x7fff0000000ULL, 9));
	rx_map(&f->m, g, f->kroot, KBASE + (16ULL << 39) + 0x1000, 3,
	       RX_V | RX_L | 0x12345000 | RX_R | RX_C | (2 << 4) | RX_P |
	       RX_RD | RX_WR);
	rx_map(&f->m, g, f->kroot, KBASE + (16ULL << 39) + 0x3000, 3,
	       RX_V | RX_L | 0x12347000 | (1ULL << 6) | RX_P | RX_RD);
	rx_map(&f->m, g, f->kroot, KBASE + (16ULL << 39) + 0x4000, 3,
	       rx_pde(0x5000, 9));
	/* user */
	g = &f->g64k;
	rx_map(&f->m, g, f->uroot, 0x10000, 3,
	       RX_V | RX_L | 0x2340000 | RX_R | RX_C | RX_RD | RX_WR);
	rx_map(&f->m, g, f->uroot, 0x20000, 3,
	       RX_V | RX_L | 0x2350000 | RX_R | RX_RD | RX_EX);
	rx_map(&f->m, g, f->uroot, 0x200000, 2,
	       RX_V | RX_L | 0x600000 | RX_RD);
}

static int ctx_lpidr(struct fx *f, uint64_t pidr, uint64_t msr,
		     uint64_t lpidr)
{
	struct pgw_ppc64_radix_regs r = PGW_PPC64_RADIX_REGS_INIT;
	char err[200];

	pgw_ctx_free(f->c);
	f->c = NULL;
	r.ptcr = PTCR;
	r.pidr = pidr;
	r.msr = msr;
	r.lpidr = lpidr;
	return pgw_ctx_new_ppc64_radix(&f->c, &r, &rxmem_ops, &f->m, err,
				       sizeof(err));
}

static int ctx_of(struct fx *f, uint64_t pidr, uint64_t msr)
{
	return ctx_lpidr(f, pidr, msr, 0);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	build(f);
	if (ctx_of(f, 5, PGW_PPC64_MSR_HV) < 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	pgw_ctx_free(f->c);
	free(f->m.buf);
	free(f);
	return 0;
}

static void ok(pgw_ctx *c, uint64_t ea, uint64_t pa, uint64_t size,
	       unsigned perms, int level)
{
	struct pgw_result r;
	struct pgw_fault fl;

	if (pgw_translate(c, ea, 0, &r, &fl, NULL) != 0)
		fail_msg("0x%llx: %s at level %d (entry 0x%llx, table 0x%llx)",
			 (unsigned long long)ea,
			 pgw_fault_reason_name(fl.out_reason), fl.out_level,
			 (unsigned long long)fl.out_entry,
			 (unsigned long long)fl.out_table);
	assert_int_equal(r.out_pa, pa);
	assert_int_equal(r.out_gpa, pa);
	assert_int_equal(r.out_page_size, size);
	assert_int_equal(r.out_perms, perms);
	assert_int_equal(r.out_level, level);
}

static void bad(pgw_ctx *c, uint64_t ea, int rc, enum pgw_fault_reason why,
		int level, uint64_t rsvd)
{
	struct pgw_result r;
	struct pgw_fault fl;

	assert_int_equal(pgw_translate(c, ea, 0, &r, &fl, NULL), rc);
	assert_int_equal(fl.out_reason, why);
	assert_int_equal(fl.out_level, level);
	if (why == PGW_FAULT_RESERVED)
		assert_int_equal(fl.out_rsvd, rsvd);
}

#define RW (PGW_PERM_R | PGW_PERM_W)
#define RX (PGW_PERM_R | PGW_PERM_X)
#define U PGW_PERM_U

static int collect(const struct pgw_mapping *m, void *payload)
{
	struct pgw_mapping *got = payload;
	unsigned i = 0;

	while (i < 7 && got[i].size)
		i++;
	got[i] = *m;
	return 0;
}

/* Quadrant 3 (PID 0): 1G, 2M and 4K leaves keep the EA's offset. */
static void test_ppc64_radix__quadrant3_leaves(void **state)
{
	struct fx *f = *state;

	ok(f->c, KBASE + 0x12345678, 0x52345678, 1 << 30, RW, 1);
	ok(f->c, KBASE + 0x40012345, 0x80212345, 2 << 20, RX, 2);
	ok(f->c, KBASE + (16ULL << 39) + 0x1abc, 0x12345abc, 4096, RW, 3);
	assert_int_equal(pgw_ctx_levels(f->c), 4);
	assert_string_equal(pgw_ctx_level_name(f->c, 0), "L1");
	assert_int_equal(pgw_ctx_mode(f->c), PGW_MODE_PPC64_RADIX);
	/* The copying path (no map()) answers the same. */
	pgw_ctx_free(f->c);
	{
		struct pgw_ppc64_radix_regs r = PGW_PPC64_RADIX_REGS_INIT;

		r.ptcr = PTCR;
		r.pidr = 5;
		r.msr = PGW_PPC64_MSR_HV;
		assert_int_equal(pgw_ctx_new_ppc64_radix(&f->c, &r,
							 &rxmem_ops_copy,
							 &f->m, NULL, 0), 0);
	}
	ok(f->c, KBASE + 0x40012345, 0x80212345, 2 << 20, RX, 2);
	ok(f->c, KBASE + (16ULL << 39) + 0x1abc, 0x12345abc, 4096, RW, 3);
	ok(f->c, 0x10004, 0x2340004, 64 << 10, RW | U, 3);
}

/* Quadrant 0 uses PRTE[PIDR]: a 64K tree found from its first page
 * table; PIDR 0 gives quadrant 0 the kernel's tree. */
static void test_ppc64_radix__quadrant0_pid(void **state)
{
	struct fx *f = *state;

	ok(f->c, 0x10004, 0x2340004, 64 << 10, RW | U, 3);
	ok(f->c, 0x2fff8, 0x235fff8, 64 << 10, RX | U, 3);
	ok(f->c, 0x234567, 0x634567, 2 << 20, PGW_PERM_R | U, 2);
	bad(f->c, 0x30000, PGW_ENOTMAPPED, PGW_FAULT_NOT_PRESENT, 3, 0);
	assert_int_equal(ctx_of(f, 0, PGW_PPC64_MSR_HV), 0);
	ok(f->c, 0x12345678, 0x52345678, 1 << 30, RW, 1);
	/* The page size given instead of found. */
	pgw_ctx_free(f->c);
	{
		struct pgw_ppc64_radix_regs r = PGW_PPC64_RADIX_REGS_INIT;

		r.ptcr = PTCR;
		r.pidr = 5;
		r.page_shift = 16;
		assert_int_equal(pgw_ctx_new_ppc64_radix(&f->c, &r, &rxmem_ops,
							 &f->m, NULL, 0), 0);
	}
	ok(f->c, 0x10004, 0x2340004, 64 << 10, RW | U, 3);
}

/* Every fault names its level and reason. */
static void test_ppc64_radix__faults(void **state)
{
	struct fx *f = *state;
	uint64_t k16 = KBASE + (16ULL << 39);
	struct pgw_result r;
	struct pgw_fault fl;

	bad(f->c, k16 + 0x2000, PGW_ENOTMAPPED, PGW_FAULT_NOT_PRESENT, 3, 0);
	bad(f->c, KBASE + (2ULL << 39), PGW_ENOTMAPPED, PGW_FAULT_NOT_PRESENT,
	    0, 0);
	bad(f->c, KBASE + (16ULL << 39) + (1ULL << 30), PGW_ENOTMAPPED,
	    PGW_FAULT_NOT_PRESENT, 1, 0);
	bad(f->c, k16 + 0x3000, PGW_ERSVD, PGW_FAULT_RESERVED, 3, 1ULL << 6);
	bad(f->c, KBASE + 0x80000000, PGW_ERSVD, PGW_FAULT_RESERVED, 1,
	    0x200000);
	bad(f->c, KBASE + 0xc0000000, PGW_ERSVD, PGW_FAULT_RESERVED, 1, 5);
	bad(f->c, KBASE + 0x100000000, PGW_ERSVD, PGW_FAULT_RESERVED, 1,
	    0x100);
	bad(f->c, KBASE + (1ULL << 39), PGW_ERSVD, PGW_FAULT_RESERVED, 0, RX_L);
	bad(f->c, k16 + 0x4000, PGW_ERSVD, PGW_FAULT_RESERVED, 3, RX_L);
	bad(f->c, KBASE + (3ULL << 39), PGW_EIO, PGW_FAULT_BAD_TABLE, 1, 0);
	/* EA bits between the tree and bit 61. */
	bad(f->c, KBASE | (1ULL << 52), PGW_ENOTMAPPED,
	    PGW_FAULT_NONCANONICAL, -1, 0);
	bad(f->c, 1ULL << 52, PGW_ENOTMAPPED, PGW_FAULT_NONCANONICAL, -1, 0);
	/* The level's name comes with it. */
	assert_int_equal(pgw_translate(f->c, k16 + 0x3000, 0, &r, &fl, NULL),
			 PGW_ERSVD);
	assert_string_equal(fl.out_level_name, "L4");
	assert_int_equal(fl.out_entry, RX_V | RX_L | 0x12347000 | (1ULL << 6) |
					RX_P | RX_RD);
}

/* Quadrants 1 and 2 (Power ISA 3.0 Book III 6.7.10.1): in hypervisor
 * state with LPIDR 0, the hypervisor's own (quadrant 0's tree with PIDR,
 * quadrant 3's with PID 0); with another LPIDR a guest's, and outside
 * hypervisor state none: both fault then. */
static void test_ppc64_radix__quadrants_1_and_2(void **state)
{
	struct fx *f = *state;
	uint64_t k = KBASE + (16ULL << 39) + 0x1abc;

	ok(f->c, 0x4000000000010004ULL, 0x2340004, 0x10000, RW | U, 3);
	ok(f->c, 0x8000000000000000ULL | (k & ~(3ULL << 62)), 0x12345abc,
	   0x1000, RW, 3);
	for (int i = 0; i < 2; i++) {
		if (i == 0)
			assert_int_equal(ctx_lpidr(f, 5, PGW_PPC64_MSR_HV, 1),
					 0);
		else
			assert_int_equal(ctx_of(f, 5, 0), 0);
		bad(f->c, 0x4000000000010004ULL, PGW_ENOTMAPPED,
		    PGW_FAULT_NONCANONICAL, -1, 0);
		bad(f->c, 0x8000000000000000ULL, PGW_ENOTMAPPED,
		    PGW_FAULT_NONCANONICAL, -1, 0);
		ok(f->c, 0x10004, 0x2340004, 0x10000, RW | U, 3);
		ok(f->c, k, 0x12345abc, 0x1000, RW, 3);
	}
}

/* A PID with no tree, or beyond the process table: the quadrant faults
 * with the PRTE's reason, and the other quadrant still translates. */
static void test_ppc64_radix__unusable_prte(void **state)
{
	struct fx *f = *state;

	assert_int_equal(ctx_of(f, 6, PGW_PPC64_MSR_HV), 0);
	bad(f->c, 0x10000, PGW_ENOTMAPPED, PGW_FAULT_BAD_PRTE, -1, 0);
	ok(f->c, KBASE + 0x12345678, 0x52345678, 1 << 30, RW, 1);
	assert_int_equal(ctx_of(f, 300, PGW_PPC64_MSR_HV), 0);
	bad(f->c, 0x10000, PGW_ENOTMAPPED, PGW_FAULT_BAD_PRTE, -1, 0);
	assert_string_equal(pgw_fault_reason_name(PGW_FAULT_BAD_PRTE),
			    "process-table entry unusable");
	/* A tree no supported geometry has: 52 bits with a 2^12 root. */
	rxmem_put(&f->m, PRTB + 7 * 16, rx_tree(f->uroot, 52, 12));
	assert_int_equal(ctx_of(f, 7, PGW_PPC64_MSR_HV), 0);
	bad(f->c, 0x10000, PGW_ENOTMAPPED, PGW_FAULT_BAD_PRTE, -1, 0);
}

/* EAA: problem state needs a non-privileged page; R, W, X each. */
static void test_ppc64_radix__access(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_fault fl;
	uint64_t lin = KBASE + 0x1000, text = KBASE + 0x40000000;

	assert_int_equal(pgw_translate(f->c, lin, PGW_ACC_READ, &r, &fl, NULL), 0);
	assert_int_equal(pgw_translate(f->c, lin, PGW_ACC_WRITE, &r, &fl, NULL), 0);
	assert_int_equal(pgw_translate(f->c, lin, PGW_ACC_EXEC, &r, &fl, NULL),
			 PGW_EACCES);
	assert_int_equal(fl.out_reason, PGW_FAULT_ACCESS);
	assert_int_equal(pgw_translate(f->c, lin, PGW_ACC_READ | PGW_ACC_USER,
				       &r, &fl, NULL), PGW_EACCES);
	assert_int_equal(pgw_translate(f->c, text, PGW_ACC_EXEC, &r, &fl, NULL), 0);
	assert_int_equal(pgw_translate(f->c, text, PGW_ACC_WRITE, &r, &fl, NULL),
			 PGW_EACCES);
	assert_int_equal(pgw_translate(f->c, 0x20000, PGW_ACC_WRITE, &r, &fl,
				       NULL), PGW_EACCES);
	assert_int_equal(pgw_translate(f->c, 0x10000, PGW_ACC_WRITE |
				       PGW_ACC_USER, &r, &fl, NULL), 0);
	/* MSR[PR] = 1: every access is problem state. */
	assert_int_equal(ctx_of(f, 5, PGW_PPC64_MSR_PR), 0);
	assert_int_equal(pgw_translate(f->c, lin, PGW_ACC_READ, &r, &fl, NULL),
			 PGW_EACCES);
	assert_int_equal(pgw_translate(f->c, 0x10000, PGW_ACC_READ, &r, &fl,
				       NULL), 0);
	/* The debugger's view (access 0) shows the page anyway. */
	assert_int_equal(pgw_translate(f->c, lin, 0, &r, &fl, NULL), 0);
}

/* Root sizes (RPDS), tree sizes (RTS) and both base page sizes. */
static void test_ppc64_radix__every_root_size(void **state)
{
	static const struct { unsigned ea, rpds, nls, levels; } t[] = {
		{ 52, 4, 9, 5 }, { 52, 13, 9, 4 }, { 52, 13, 5, 4 },
		{ 52, 22, 5, 3 }, { 43, 13, 9, 3 }, { 40, 1, 9, 4 },
	};
	(void)state;
	for (unsigned i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct pgw_ppc64_radix_regs r = PGW_PPC64_RADIX_REGS_INIT;
		struct rx_geo g = rx_geo(t[i].ea, t[i].rpds, t[i].nls);
		uint64_t page = 1ULL << (21 - t[i].nls);
		uint64_t top = (1ULL << t[i].ea) - 2 * page;
		struct rxmem m;
		uint64_t root;
		pgw_ctx *c;

		rxmem_init(&m, 80 << 20, 0x100000);
		root = rxmem_alloc(&m, 8ULL << t[i].rpds);
		rxmem_put(&m, PATB, RX_HR | rx_tree(root, t[i].ea, t[i].rpds));
		rxmem_put(&m, PATB + 8, PRTB);
		rxmem_put(&m, PRTB, rx_tree(root, t[i].ea, t[i].rpds));
		/* the last page of the tree, and a 2M leaf at 2M */
		rx_map(&m, &g, root, top, g.n - 1,
		       RX_V | RX_L | 0x3000000 | RX_RD);
		rx_map(&m, &g, root, 2 << 20, g.n - 2,
		       RX_V | RX_L | 0x1e00000 | RX_RD | RX_WR);
		r.ptcr = PTCR;
		/* A 2^22-entry root is 32 MiB: more than the page-size probe
		 * reads before it finds the page table at its end. */
		r.page_shift = t[i].rpds > 13 ? 21 - t[i].nls : 0;
		assert_int_equal(pgw_ctx_new_ppc64_radix(&c, &r, &rxmem_ops, &m,
							 NULL, 0), 0);
		assert_int_equal(pgw_ctx_levels(c), t[i].levels);
		ok(c, top + 8, 0x3000008, page, PGW_PERM_R | U,
		   (int)t[i].levels - 1);
		ok(c, KBASE | (top + 8), 0x3000008, page, PGW_PERM_R | U,
		   (int)t[i].levels - 1);
		ok(c, (2 << 20) + 4, 0x1e00004, 2 << 20, RW | U,
		   (int)t[i].levels - 2);
		bad(c, 1ULL << t[i].ea, PGW_ENOTMAPPED,
		    PGW_FAULT_NONCANONICAL, -1, 0);
		pgw_ctx_free(c);
		free(m.buf);
	}
}

/* What the constructor refuses, by name. */
static void test_ppc64_radix__invalid_regs(void **state)
{
	struct fx *f = *state;
	struct pgw_ppc64_radix_regs r = PGW_PPC64_RADIX_REGS_INIT;
	pgw_ctx *c = NULL;
	char err[200];

	r.ptcr = PTCR;
	r.version = 0;
	assert_int_equal(pgw_ctx_new_ppc64_radix(&c, &r, &rxmem_ops, &f->m,
						 err, sizeof(err)), PGW_EINVAL);
	r.version = PGW_PPC64_RADIX_REGS_VERSION;
	r.lpcr = 1;  /* HR clear */
	assert_int_equal(pgw_ctx_new_ppc64_radix(&c, &r, &rxmem_ops, &f->m,
						 err, sizeof(err)), PGW_EINVAL);
	assert_non_null(strstr(err, "LPCR 0x1 has HR = 0"));
	r.lpcr = PGW_PPC64_LPCR_HR;
	r.lpidr = 1;  /* a guest partition, MSR[HV] = 0 */
	rxmem_put(&f->m, PATB + 16, RX_HR | rx_tree(f->kroot, 52, 13));
	assert_int_equal(pgw_ctx_new_ppc64_radix(&c, &r, &rxmem_ops, &f->m,
						 err, sizeof(err)), PGW_EINVAL);
	assert_non_null(strstr(err, "LPID 1 is a guest partition"));
	r.lpidr = 2;  /* PATE[2] HR = 0: hash */
	assert_int_equal(pgw_ctx_new_ppc64_radix(&c, &r, &rxmem_ops, &f->m,
						 err, sizeof(err)), PGW_EINVAL);
	assert_non_null(strstr(err, "PATE[2] 0x0000000000000000 has HR = 0"));
	r.lpidr = 256;
	assert_int_equal(pgw_ctx_new_ppc64_radix(&c, &r, &rxmem_ops, &f->m,
						 err, sizeof(err)), PGW_EINVAL);
	assert_non_null(strstr(err, "beyond the partition table"));
	r.lpidr = 0;
	r.page_shift = 14;
	assert_int_equal(pgw_ctx_new_ppc64_radix(&c, &r, &rxmem_ops, &f->m,
						 err, sizeof(err)), PGW_EINVAL);
	r.page_shift = 0;
	r.ptcr = 0x7fff0000000ULL;  /* partition table outside memory */
	assert_int_equal(pgw_ctx_new_ppc64_radix(&c, &r, &rxmem_ops, &f->m,
						 err, sizeof(err)), PGW_EINVAL);
	assert_non_null(strstr(err, "cannot read PATE[0]"));
	r.flags = PGW_PPC64_RADIX_PATE1;
	r.pate1 = PRTB;  /* GR clear */
	assert_int_equal(pgw_ctx_new_ppc64_radix(&c, &r, &rxmem_ops, &f->m,
						 err, sizeof(err)), PGW_EINVAL);
	assert_non_null(strstr(err, "GR = 0"));
	assert_null(c);
}

/* A pseries guest: the process table it registered (PATE dword 1 with
 * GR), no PTCR. */
static void test_ppc64_radix__pseries_pate1(void **state)
{
	struct fx *f = *state;
	struct pgw_ppc64_radix_regs r = PGW_PPC64_RADIX_REGS_INIT;

	pgw_ctx_free(f->c);
	r.flags = PGW_PPC64_RADIX_PATE1;
	r.pate1 = RX_GR | PRTB | 0;
	r.pidr = 5;
	r.lpidr = 9;  /* the guest's LPID: no PATE read */
	assert_int_equal(pgw_ctx_new_ppc64_radix(&f->c, &r, &rxmem_ops, &f->m,
						 NULL, 0), 0);
	ok(f->c, KBASE + 0x40012345, 0x80212345, 2 << 20, RX, 2);
	ok(f->c, 0x10004, 0x2340004, 64 << 10, RW | U, 3);
}

/* info pg: one section per quadrant headed by its PID and geometry, the
 * levels L1..L4, the letters V L R C ATT P r w x. */
static void test_ppc64_radix__info_pg(void **state)
{
	struct fx *f = *state;

	assert_int_equal(pgw_view_pg(f->c, NULL, rxtext_write, &f->t), 0);
	assert_string_equal(f->t.s,
		"quadrant 0 (PID 5, 52-bit, 64K pages; and quadrant 1)\n"
		"VPN range               Entry         Flags            Physical page(s)\n"
		"[0000000000-0007ffffff]   L1[000]     V---------\n"
		"  [0000000000-000003ffff]   L2[000]     V---------\n"
		"    [0000000000-00000001ff]   L3[000]     V---------\n"
		"      [0000000010-000000001f]   L4[001]     VLRC--rw-- 0000002340-000000234f\n"
		"      [0000000020-000000002f]   L4[002]     VLR---r-x- 0000002350-000000235f\n"
		"    [0000000200-00000003ff]   L3[001]     VL----r--- 0000000600-00000007ff\n"
		"quadrant 3 (PID 0, 52-bit, 4K pages; and quadrant 2)\n"
		"VPN range               Entry         Flags            Physical page(s)\n"
		"[0000000000-0007ffffff]   L1[000]     V---------\n"
		"  [0000000000-000003ffff]   L2[000]     VLRC-Prw-- 0000040000-000007ffff\n"
		"  [0000040000-000007ffff]   L2[001]     V---------\n"
		"    [0000040000-00000401ff]   L3[000]     VLR--Pr-x- 0000080200-00000803ff\n"
		"[0018000000-001fffffff]   L1[003]     V---------\n"
		"[0080000000-0087ffffff]   L1[010]     V---------\n"
		"  [0080000000-008003ffff]   L2[000]     V---------\n"
		"    [0080000000-00800001ff]   L3[000]     V---------\n"
		"      [0080000001-0080000001]   L4[001]     VLRCNPrw-- 0000012345\n");
}

/* vtop: the quadrant and PID, every level, the page or the fault. */
static void test_ppc64_radix__vtop(void **state)
{
	struct fx *f = *state;

	assert_int_equal(pgw_view_vtop(f->c, KBASE + (16ULL << 39) + 0x1abc,
				       rxtext_write, &f->t), 0);
	assert_string_equal(f->t.s,
		"vtop 0xc000080000001abc (ppc64 radix)\n"
		"  region quadrant 3 (PID 0, 52-bit, 4K pages; and quadrant 2)\n"
		"  guest        L1[010] @ 0x0000000000100080 = 0x8000000000124009 V---------\n"
		"  guest        L2[000] @ 0x0000000000124000 = 0x8000000000125009 V---------\n"
		"  guest        L3[000] @ 0x0000000000125000 = 0x8000000000126009 V---------\n"
		"  guest        L4[001] @ 0x0000000000126008 = 0xc0000000123451ae VLRCNPrw-- 4K page\n"
		"0xc000080000001abc -> 0x0000000012345abc size 4K perms rw--\n");
	rxtext_clear(&f->t);
	assert_int_equal(pgw_view_vtop(f->c, 0x10004, rxtext_write, &f->t), 0);
	assert_string_equal(f->t.s,
		"vtop 0x0000000000010004 (ppc64 radix)\n"
		"  region quadrant 0 (PID 5, 52-bit, 64K pages; and quadrant 1)\n"
		"  guest        L1[000] @ 0x0000000000110000 = 0x8000000000127009 V---------\n"
		"  guest        L2[000] @ 0x0000000000127000 = 0x8000000000128009 V---------\n"
		"  guest        L3[000] @ 0x0000000000128000 = 0x8000000000129005 V---------\n"
		"  guest        L4[001] @ 0x0000000000129008 = 0xc000000002340186 VLRC--rw-- 64K page\n"
		"0x0000000000010004 -> 0x0000000002340004 size 64K perms rw-u\n");
	rxtext_clear(&f->t);
	assert_int_equal(pgw_view_vtop(f->c, KBASE + 0xc0000000, rxtext_write,
				       &f->t), 0);
	assert_string_equal(f->t.s,
		"vtop 0xc0000000c0000000 (ppc64 radix)\n"
		"  region quadrant 3 (PID 0, 52-bit, 4K pages; and quadrant 2)\n"
		"  guest        L1[000] @ 0x0000000000100000 = 0x8000000000120009 V---------\n"
		"  guest        L2[003] @ 0x0000000000120018 = 0x8000000000122005 V---------\n"
		"fault at L2[003] (table 0x120000) translating 0xc0000000c0000000: "
		"reserved bits = 0x5 (entry 0x8000000000122005)\n");
	rxtext_clear(&f->t);
	assert_int_equal(ctx_of(f, 6, PGW_PPC64_MSR_HV), 0);
	assert_int_equal(pgw_view_vtop(f->c, 0x10000, rxtext_write, &f->t), 0);
	assert_string_equal(f->t.s,
		"vtop 0x0000000000010000 (ppc64 radix)\n"
		"  region quadrant 0 (PID 6, PRTE 0x0000000000000000)\n"
		"fault translating 0x0000000000010000: process-table entry unusable\n");
}

/* info tlb and info mem in pgstub's layout, and the memory map. */
static void test_ppc64_radix__tlb_mem_map(void **state)
{
	struct fx *f = *state;
	struct pgw_mapping got[8] = { 0 };
	unsigned n = 0;

	assert_int_equal(pgw_view_tlb(f->c, rxtext_write, &f->t), 0);
	assert_string_equal(f->t.s,
		"0000000000010000: 0000000002340000 LRC--rw-\n"
		"0000000000020000: 0000000002350000 LR---r-x\n"
		"0000000000200000: 0000000000600000 L----r--\n"
		"c000000000000000: 0000000040000000 LRC-Prw-\n"
		"c000000040000000: 0000000080200000 LR--Pr-x\n"
		"c000080000001000: 0000000012345000 LRCNPrw-\n");
	rxtext_clear(&f->t);
	assert_int_equal(pgw_view_mem(f->c, rxtext_write, &f->t), 0);
	assert_string_equal(f->t.s,
		"0000000000010000-0000000000020000 0000000000010000 urw\n"
		"0000000000020000-0000000000030000 0000000000010000 ur-\n"
		"0000000000200000-0000000000400000 0000000000200000 ur-\n"
		"c000000000000000-c000000040000000 0000000040000000 -rw\n"
		"c000000040000000-c000000040200000 0000000000200000 -r-\n"
		"c000080000001000-c000080000002000 0000000000001000 -rw\n");
	assert_int_equal(pgw_mappings(f->c, NULL, NULL, NULL, collect, got), 0);
	for (; n < 8 && got[n].size; n++)
		;
	assert_int_equal(n, 6);
	assert_int_equal(got[4].va, KBASE + 0x40000000);
	assert_int_equal(got[4].pa, 0x80200000);
	assert_int_equal(got[4].size, 2 << 20);
	assert_int_equal(got[5].va, KBASE + (16ULL << 39) + 0x1000);
	assert_int_equal(got[5].perms, RW);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
		T(test_ppc64_radix__quadrant3_leaves),
		T(test_ppc64_radix__quadrant0_pid),
		T(test_ppc64_radix__quadrants_1_and_2),
		T(test_ppc64_radix__faults),
		T(test_ppc64_radix__unusable_prte),
		T(test_ppc64_radix__access),
		T(test_ppc64_radix__every_root_size),
		T(test_ppc64_radix__invalid_regs),
		T(test_ppc64_radix__pseries_pate1),
		T(test_ppc64_radix__info_pg),
		T(test_ppc64_radix__vtop),
		T(test_ppc64_radix__tlb_mem_map),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
