/*
 * Nested paging: EPT (4- and 5-level) and AMD NPT contexts on their own, and
 * 2-D walks where a 4-level guest's tables live at guest-physical addresses
 * that the nested tables map elsewhere in host memory (GVA→GPA→HPA, every
 * guest table fetch translated, permissions intersected, size = min).
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ptbuilder.h"

/* x86 / NPT entry bits */
#define P  0x1ULL
#define W  0x2ULL
#define U  0x4ULL
#define PS 0x80ULL
#define NX (1ULL << 63)
/* EPT entry bits (SDM 3C 29.3.2) */
#define ER 0x1ULL
#define EW 0x2ULL
#define EX 0x4ULL
#define EMT(t) ((uint64_t)(t) << 3)
#define EWB EMT(6)
#define ERWX (ER | EW | EX)

#define PERM_RWXU (PGW_PERM_R | PGW_PERM_W | PGW_PERM_X | PGW_PERM_U)

/*
 * Host memory layout (16 MiB):
 *   0x001000…      nested tables (EPT or NPT)
 *   0x800000…      GPA [0, 2M) in 4K nested pages, RWX (guest tables here)
 *   0xc00000…      GPA [2M, 4M) as one 2M nested page, read-only
 *   0xe00000       GPA 0x400000 as one 4K nested page (NPT: U clear)
 * Guest (4-level, tables allocated in GPA [0x1000, 2M)):
 *   GVA 0x1000          → GPA 0x201000  4K
 *   GVA 0x3000          → GPA 0x400000  4K
 *   GVA 0x600000        → GPA 0x0       2M
 *   GVA 0x80000000      → GPA 0x0       1G
 *   GVA 0x8000000000    → PML4[1] = PDPT at GPA 0x500000, not in the
 *                         nested tables
 */
#define HPA_LOW   0x800000ULL
#define HPA_2M    0xc00000ULL
#define HPA_LONE  0xe00000ULL

struct fx {
	struct ptb host;   /* host physical memory */
	struct ptb gview;  /* GPA [0, 2M) seen at host.mem + HPA_LOW */
	uint64_t nroot;    /* EPTP / nCR3 (table address) */
	uint64_t groot;    /* guest CR3 (a GPA) */
	pgw_ctx *h, *g;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(ptb_init(&f->host, 16 << 20), 0);
	f->nroot = ptb_page(&f->host);
	f->gview.mem = f->host.mem + HPA_LOW;
	f->gview.size = 2 << 20;
	f->gview.next = 0x1000;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	pgw_ctx_free(f->g);
	pgw_ctx_free(f->h);
	ptb_fini(&f->host);
	free(f);
	return 0;
}

static bool is_ept(enum pgw_mode m)
{
	return m == PGW_MODE_EPT4 || m == PGW_MODE_EPT5;
}

/* Nested tables for the layout above. */
static void build_nested(struct fx *f, enum pgw_mode m)
{
	uint64_t tf = is_ept(m) ? ERWX : P | W | U;
	uint64_t leaf4k = is_ept(m) ? ERWX | EWB : P | W | U;

	/* N-PML4[0]→N-PDPT[0]→N-PD[0]→N-PT[0..511]: GPA [0, 2M) 4K each */
	for (uint64_t gpa = 0; gpa < (2 << 20); gpa += 4096)
		ptb_map(&f->host, m, f->nroot, gpa, 3, (HPA_LOW + gpa) | leaf4k,
			tf);
	/* N-PML4[0]→N-PDPT[0]→N-PD[1]: GPA [2M, 4M) one 2M page, read-only
	 * (and not executable) */
	ptb_map(&f->host, m, f->nroot, 2 << 20, 2,
		HPA_2M | PS | (is_ept(m) ? ER | EWB : P | U | NX), tf);
	/* N-PML4[0]→N-PDPT[0]→N-PD[2]→N-PT[0]: GPA 0x400000; for NPT a
	 * supervisor page, which nested (user) accesses cannot use */
	ptb_map(&f->host, m, f->nroot, 0x400000, 3,
		HPA_LONE | (is_ept(m) ? ERWX | EWB : P | W), tf);
}

static void build_guest(struct fx *f)
{
	const enum pgw_mode g = PGW_MODE_X86_4L;
	uint64_t tf = P | W | U;

	f->groot = ptb_page(&f->gview);
	/* PML4[0]→PDPT[0]→PD[0]→PT[1] = 4K at GPA 0x201000 */
	ptb_map(&f->gview, g, f->groot, 0x1000, 3, 0x201000 | P | W | U, tf);
	/* PML4[0]→PDPT[0]→PD[0]→PT[3] = 4K at GPA 0x400000 */
	ptb_map(&f->gview, g, f->groot, 0x3000, 3, 0x400000 | P | W | U, tf);
	/* PML4[0]→PDPT[0]→PD[3] = 2M at GPA 0 */
	ptb_map(&f->gview, g, f->groot, 0x600000, 2, 0 | P | W | U | PS, tf);
	/* PML4[0]→PDPT[2] = 1G at GPA 0 */
	ptb_map(&f->gview, g, f->groot, 0x80000000ULL, 1, P | W | U | PS, tf);
	/* PML4[1] = a PDPT at GPA 0x500000 that has no nested mapping */
	ptb_put(&f->gview, f->groot + 8, 0x500000 | P | W | U, 8);
}

static void make_2d(struct fx *f, enum pgw_mode m)
{
	struct pgw_x86_regs r = PGW_X86_REGS_INIT;
	char err[128];
	uint64_t root = f->nroot;

	build_nested(f, m);
	build_guest(f);
	if (m == PGW_MODE_EPT4)
		root |= 3 << 3 | 6;  /* walk length 4, WB */
	assert_int_equal(pgw_ctx_new_nested(&f->h, m, root, 0, 1, &ptb_mem_ops,
					    &f->host, err, sizeof(err)), 0);
	r.cr0 = PGW_CR0_PG | PGW_CR0_WP;
	r.cr3 = f->groot;
	r.cr4 = PGW_CR4_PAE;
	r.efer = PGW_EFER_LME | PGW_EFER_LMA | PGW_EFER_NXE;
	/* The guest's memory ops read host memory: every GPA must go
	 * through the nested stage first. */
	assert_int_equal(pgw_ctx_new_x86(&f->g, &r, &ptb_mem_ops, &f->host,
					 err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_set_nested(f->g, f->h), 0);
	assert_ptr_equal(pgw_ctx_nested(f->g), f->h);
}

/* ---- EPT / NPT on their own --------------------------------------- */

static pgw_ctx *nested_only(struct fx *f, enum pgw_mode m, uint64_t root,
			    int nxe)
{
	char err[128];

	pgw_ctx_free(f->h);
	f->h = NULL;
	assert_int_equal(pgw_ctx_new_nested(&f->h, m, root, 0, nxe,
					    &ptb_mem_ops, &f->host, err,
					    sizeof(err)), 0);
	assert_int_equal(pgw_ctx_mode(f->h), m);
	return f->h;
}

static void test_nested__ept4_leaves_and_rwx(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	const enum pgw_mode m = PGW_MODE_EPT4;

	/* EPT PML4[0]→PDPT[0]→PD[0]→PT[5] = 4K RWX at 0x105000 */
	ptb_map(&f->host, m, f->nroot, 0x5000, 3, 0x105000 | ERWX | EWB, ERWX);
	/* EPT PML4[0]→PDPT[0]→PD[1] = 2M R+X at 0x400000 */
	ptb_map(&f->host, m, f->nroot, 0x200000, 2, 0x400000 | ER | EX | PS,
		ERWX);
	/* EPT PML4[0]→PDPT[1] = 1G read-only at 0x80000000 */
	ptb_map(&f->host, m, f->nroot, 0x40000000, 1,
		0x80000000ULL | ER | PS | EWB, ERWX);
	/* EPT PML4[0]→PDPT[0]→PD[0]→PT[6] = execute-only 4K */
	ptb_map(&f->host, m, f->nroot, 0x6000, 3, 0x106000 | EX | EWB, ERWX);
	/* EPT PML4[0]→PDPT[0]→PD[0]→PT[7] = write+execute only through a
	 * read-only PD entry: W is AND-ed away */
	nested_only(f, m, f->nroot | 3 << 3, 0);
	assert_int_equal(pgw_translate(f->h, 0x5abc, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x105abc);
	assert_int_equal(r.out_page_size, 4096);
	assert_int_equal(r.out_level, 3);
	assert_int_equal(r.out_perms, PERM_RWXU);
	assert_int_equal(pgw_translate(f->h, 0x2fffff, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x4fffff);
	assert_int_equal(r.out_page_size, 2 << 20);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_X | PGW_PERM_U);
	assert_int_equal(pgw_translate(f->h, 0x40000123, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x80000123ULL);
	assert_int_equal(r.out_page_size, 1 << 30);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_U);
	/* Execute-only is present (not a misconfiguration). */
	assert_int_equal(pgw_translate(f->h, 0x6000, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, PGW_PERM_X | PGW_PERM_U);
	/* An entry with no R, W or X is not present. */
	ptb_map(&f->host, m, f->nroot, 0x7000, 3, 0x107000 | EWB, ERWX);
	pgw_ctx_invalidate(f->h);
	struct pgw_fault flt;
	assert_int_equal(pgw_translate(f->h, 0x7000, 0, &r, &flt, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(flt.out_level, 3);
	assert_string_equal(flt.out_level_name, "EPT PT");
}

static void test_nested__invalid_ept_misconfigurations(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;
	const enum pgw_mode m = PGW_MODE_EPT4;
	static const unsigned bad_mt[] = { 2, 3, 7 };

	/* EPT PML4[0]→PDPT[0]→PD[0]→PT[1] = write without read */
	ptb_map(&f->host, m, f->nroot, 0x1000, 3, 0x101000 | EW | EWB, ERWX);
	/* EPT PML4[0]→PDPT[0]→PD[0]→PT[2..4] = memory types 2, 3, 7 */
	for (unsigned i = 0; i < 3; i++)
		ptb_map(&f->host, m, f->nroot, 0x2000 + i * 0x1000, 3,
			0x102000 | ERWX | EMT(bad_mt[i]), ERWX);
	/* EPT PML4[0]→PDPT[0]→PD[0]→PT[8..12] = memory types 0,1,4,5,6 */
	for (unsigned i = 0, mt = 0; mt < 7; mt++) {
		if (mt == 2 || mt == 3)
			continue;
		ptb_map(&f->host, m, f->nroot, 0x8000 + i++ * 0x1000, 3,
			0x108000 | ER | EMT(mt), ERWX);
	}
	/* EPT PML4[0]→PDPT[0]→PD[1] = 2M with bit 12: reserved in EPT
	 * (there is no PAT bit) */
	ptb_map(&f->host, m, f->nroot, 0x200000, 2,
		0x400000 | (1ULL << 12) | ER | PS | EWB, ERWX);
	/* EPT PML4[0]→PDPT[2] = table pointer carrying W without R */
	ptb_map(&f->host, m, f->nroot, 0x80000000ULL, 3, 0x5000 | ERWX | EWB,
		ERWX);
	uint64_t e = ptb_get(&f->host, ptb_entry_pa(&f->host, m, f->nroot,
						    0x80000000ULL, 1), 8);
	ptb_put(&f->host, ptb_entry_pa(&f->host, m, f->nroot, 0x80000000ULL,
				       1), (e & ~ERWX) | EW, 8);
	/* EPT PML4[1] = table pointer with a memory type (bits 7:3 are
	 * reserved in non-leaf entries) */
	ptb_put(&f->host, f->nroot + 8,
		(ptb_get(&f->host, f->nroot, 8) & ~0xfffULL) | ERWX | EWB, 8);
	nested_only(f, m, f->nroot, 0);

	assert_int_equal(pgw_translate(f->h, 0x1000, 0, &r, &flt, NULL),
			 PGW_ERSVD);
	assert_int_equal(flt.out_reason, PGW_FAULT_RESERVED);
	assert_int_equal(flt.out_level, 3);
	assert_int_equal(flt.out_rsvd, EW);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(pgw_translate(f->h, 0x2000 + i * 0x1000, 0, &r,
					       &flt, NULL), PGW_ERSVD);
		assert_int_equal(flt.out_reason, PGW_FAULT_RESERVED);
		assert_int_equal(flt.out_rsvd, EMT(7));
	}
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(pgw_translate(f->h, 0x8000 + i * 0x1000, 0, &r,
					       &flt, NULL), 0);
		assert_int_equal(r.out_pa, 0x108000);
	}
	assert_int_equal(pgw_translate(f->h, 0x200000, 0, &r, &flt, NULL),
			 PGW_ERSVD);
	assert_int_equal(flt.out_level, 2);
	assert_int_equal(flt.out_rsvd, 1ULL << 12);
	assert_int_equal(pgw_translate(f->h, 0x80005000ULL, 0, &r, &flt, NULL),
			 PGW_ERSVD);
	assert_int_equal(flt.out_level, 1);
	assert_int_equal(flt.out_rsvd, EW);
	assert_int_equal(pgw_translate(f->h, 0x8000000000ULL, 0, &r, &flt,
				       NULL), PGW_ERSVD);
	assert_int_equal(flt.out_level, 0);
	assert_int_equal(flt.out_rsvd, EWB);
}

static void test_nested__invalid_eptp_walk_length(void **state)
{
	struct fx *f = *state;
	pgw_ctx *c = NULL;
	char err[128] = "";

	/* EPTP bits 5:3 = walk length - 1: 4 levels for EPT4, 5 for EPT5. */
	assert_int_equal(pgw_ctx_new_nested(&c, PGW_MODE_EPT4,
					    f->nroot | 4 << 3, 0, 0,
					    &ptb_mem_ops, &f->host, err,
					    sizeof(err)), PGW_EINVAL);
	assert_null(c);
	assert_non_null(strstr(err, "walk length 5"));
	assert_int_equal(pgw_ctx_new_nested(&c, PGW_MODE_EPT5,
					    f->nroot | 3 << 3, 0, 0,
					    &ptb_mem_ops, &f->host, err,
					    sizeof(err)), PGW_EINVAL);
	assert_non_null(strstr(err, "walk length 4"));
	assert_int_equal(pgw_ctx_new_nested(&c, PGW_MODE_EPT4,
					    f->nroot | 1 << 3, 0, 0,
					    &ptb_mem_ops, &f->host, err,
					    sizeof(err)), PGW_EINVAL);
	/* Matching lengths, or a bare table address, are accepted. */
	assert_int_equal(pgw_ctx_new_nested(&c, PGW_MODE_EPT5,
					    f->nroot | 4 << 3 | 6, 0, 0,
					    &ptb_mem_ops, &f->host, err,
					    sizeof(err)), 0);
	pgw_ctx_free(c);
	assert_int_equal(pgw_ctx_new_nested(&c, PGW_MODE_EPT4, f->nroot, 0, 0,
					    &ptb_mem_ops, &f->host, err,
					    sizeof(err)), 0);
	pgw_ctx_free(c);
	/* x86 modes are not nested modes. */
	c = NULL;
	assert_int_equal(pgw_ctx_new_nested(&c, PGW_MODE_X86_4L, f->nroot, 0,
					    0, &ptb_mem_ops, &f->host, err,
					    sizeof(err)), PGW_EINVAL);
	assert_null(c);
}

static void test_nested__ept5_translates_above_48_bits(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_trace t;
	const enum pgw_mode m = PGW_MODE_EPT5;

	/* EPT PML5[1]→PML4[0]→PDPT[0]→PD[0]→PT[1] = 4K at 0x9000 */
	ptb_map(&f->host, m, f->nroot, 0x1000000001000ULL, 4,
		0x9000 | ER | EW | EWB, ERWX);
	/* EPT PML5[0]→PML4[0]→PDPT[3] = 1G at 1 GiB */
	ptb_map(&f->host, m, f->nroot, 0xc0000000ULL, 2,
		0x40000000ULL | ERWX | PS | EWB, ERWX);
	nested_only(f, m, f->nroot | 4 << 3 | 6, 0);
	assert_int_equal(pgw_ctx_levels(f->h), 5);
	assert_int_equal(pgw_translate(f->h, 0x1000000001234ULL, 0, &r, NULL,
				       &t), 0);
	assert_int_equal(r.out_pa, 0x9234);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W | PGW_PERM_U);
	assert_int_equal(t.n, 5);
	assert_string_equal(t.step[0].level_name, "EPT PML5");
	assert_int_equal(t.step[0].index, 1);
	assert_string_equal(t.step[4].level_name, "EPT PT");
	assert_int_equal(pgw_translate(f->h, 0xc0000042ULL, 0, &r, NULL, NULL),
			 0);
	assert_int_equal(r.out_pa, 0x40000042ULL);
	assert_int_equal(r.out_page_size, 1 << 30);
	/* Inputs are GPAs, not canonical addresses: bit 57+ is out of range. */
	struct pgw_fault flt;
	assert_int_equal(pgw_translate(f->h, 0xfe00000000001000ULL, 0, &r,
				       &flt, NULL), PGW_ENOTMAPPED);
	assert_int_equal(flt.out_reason, PGW_FAULT_NONCANONICAL);
}

static void test_nested__npt_long_mode_format(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;
	const enum pgw_mode m = PGW_MODE_NPT4;

	/* NPT PML4[0]→PDPT[0]→PD[0]→PT[1] = 4K user RW NX at 0x5000 */
	ptb_map(&f->host, m, f->nroot, 0x1000, 3, 0x5000 | P | W | U | NX,
		P | W | U);
	/* NPT PML4[0]→PDPT[0]→PD[1] = 2M user read-only at 0x400000 */
	ptb_map(&f->host, m, f->nroot, 0x200000, 2, 0x400000 | P | U | PS,
		P | W | U);
	nested_only(f, m, f->nroot, 1);
	assert_int_equal(pgw_translate(f->h, 0x1010, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x5010);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W | PGW_PERM_U);
	assert_int_equal(pgw_translate(f->h, 0x3fffff, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x5fffff);
	assert_int_equal(r.out_page_size, 2 << 20);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_X | PGW_PERM_U);
	/* Without the host's EFER.NXE, NX is a reserved bit. */
	nested_only(f, m, f->nroot, 0);
	assert_int_equal(pgw_translate(f->h, 0x1010, 0, &r, &flt, NULL),
			 PGW_ERSVD);
	assert_int_equal(flt.out_rsvd, NX);
	assert_string_equal(flt.out_level_name, "NPT PT");
}

static void test_nested__set_nested_refuses_bad_pairs(void **state)
{
	struct fx *f = *state;
	struct pgw_x86_regs r = PGW_X86_REGS_INIT;
	pgw_ctx *x = NULL, *y = NULL;
	char err[128];

	make_2d(f, PGW_MODE_EPT4);
	r.cr0 = PGW_CR0_PG;
	r.cr3 = f->groot;
	r.cr4 = PGW_CR4_PAE;
	r.efer = PGW_EFER_LMA;
	assert_int_equal(pgw_ctx_new_x86(&x, &r, &ptb_mem_ops, &f->host, err,
					 sizeof(err)), 0);
	assert_int_equal(pgw_ctx_new_x86(&y, &r, &ptb_mem_ops, &f->host, err,
					 sizeof(err)), 0);
	/* An x86 context is not a nested stage. */
	assert_int_equal(pgw_ctx_set_nested(x, y), PGW_EINVAL);
	/* Nor is a context itself, nor one that is already a guest. */
	assert_int_equal(pgw_ctx_set_nested(x, x), PGW_EINVAL);
	assert_int_equal(pgw_ctx_set_nested(x, f->g), PGW_EINVAL);
	assert_int_equal(pgw_ctx_set_nested(x, f->h), 0);
	assert_int_equal(pgw_ctx_set_nested(x, NULL), 0);
	assert_null(pgw_ctx_nested(x));
	pgw_ctx_free(y);
	pgw_ctx_free(x);
}

/* ---- 2-D walks ----------------------------------------------------- */

static void check_2d_basic(struct fx *f)
{
	struct pgw_result r;

	/* GVA 0x1abc → GPA 0x201abc (guest 4K) → HPA 0xc01abc (nested 2M):
	 * size 4K; guest RWXU ∩ nested read-only */
	assert_int_equal(pgw_translate(f->g, 0x1abc, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_gpa, 0x201abc);
	assert_int_equal(r.out_pa, HPA_2M + 0x1abc);
	assert_int_equal(r.out_page_size, 4096);
	assert_int_equal(r.out_level, 3);
	assert_int_equal(r.out_entry, 0x201000 | P | W | U);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_U);
	/* GVA 0x603456 → GPA 0x3456 (guest 2M) → HPA 0x803456 (nested 4K):
	 * size 4K */
	assert_int_equal(pgw_translate(f->g, 0x603456, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_gpa, 0x3456);
	assert_int_equal(r.out_pa, HPA_LOW + 0x3456);
	assert_int_equal(r.out_page_size, 4096);
	assert_int_equal(r.out_level, 2);
	assert_int_equal(r.out_perms, PERM_RWXU);
	/* GVA 0x80234567 → GPA 0x234567 (guest 1G) → nested 2M: size 2M */
	assert_int_equal(pgw_translate(f->g, 0x80234567ULL, 0, &r, NULL, NULL),
			 0);
	assert_int_equal(r.out_gpa, 0x234567);
	assert_int_equal(r.out_pa, HPA_2M + 0x34567);
	assert_int_equal(r.out_page_size, 2 << 20);
	assert_int_equal(r.out_level, 1);
	/* Checked accesses use the intersection. */
	assert_int_equal(pgw_translate(f->g, 0x1abc, PGW_ACC_READ | PGW_ACC_USER,
				       &r, NULL, NULL), 0);
	assert_int_equal(pgw_translate(f->g, 0x603456, PGW_ACC_WRITE |
				       PGW_ACC_EXEC | PGW_ACC_USER, &r, NULL,
				       NULL), 0);
}

static void test_nested__ept_2d_gva_gpa_hpa(void **state)
{
	struct fx *f = *state;

	make_2d(f, PGW_MODE_EPT4);
	check_2d_basic(f);
}

static void test_nested__npt_2d_gva_gpa_hpa(void **state)
{
	struct fx *f = *state;

	make_2d(f, PGW_MODE_NPT4);
	check_2d_basic(f);
}

static void check_2d_trace(struct fx *f, const char *nested_pt_name)
{
	struct pgw_result r;
	struct pgw_trace t;
	/* GVA 0x1000: PML4[0], PDPT[0], PD[0], PT[1] */
	static const unsigned gidx[4] = { 0, 0, 0, 1 };
	uint64_t gtable = f->groot;

	assert_int_equal(pgw_translate(f->g, 0x1abc, 0, &r, NULL, &t), 0);
	/* Each of the 4 guest tables needs a 4-step nested walk first, then
	 * the final GPA 0x201abc a 3-step one (nested 2M). */
	assert_int_equal(t.n, 4 * (4 + 1) + 3);
	for (unsigned l = 0; l < 4; l++) {
		const struct pgw_step *g = &t.step[l * 5 + 4];

		for (unsigned k = 0; k < 4; k++) {
			const struct pgw_step *n = &t.step[l * 5 + k];

			assert_int_equal(n->stage, PGW_STAGE_NESTED);
			assert_int_equal(n->level, (int)k);
			assert_int_equal(n->leaf, k == 3);
		}
		/* The nested leaf translating this guest table's GPA. */
		assert_string_equal(t.step[l * 5 + 3].level_name,
				    nested_pt_name);
		assert_int_equal(t.step[l * 5 + 3].index, gtable >> 12);
		assert_int_equal(t.step[l * 5 + 3].entry & ~0xfffULL,
				 HPA_LOW + gtable);
		assert_int_equal(g->stage, PGW_STAGE_GUEST);
		assert_int_equal(g->level, (int)l);
		assert_int_equal(g->index, gidx[l]);
		assert_int_equal(g->table, gtable);   /* a GPA */
		assert_int_equal(g->entry_addr, HPA_LOW + gtable + gidx[l] * 8);
		assert_int_equal(g->leaf, l == 3);
		gtable = g->entry & 0x000ffffffffff000ULL;
	}
	for (unsigned k = 20; k < 23; k++)
		assert_int_equal(t.step[k].stage, PGW_STAGE_NESTED);
	assert_true(t.step[22].leaf);
	assert_int_equal(t.step[22].index, 1);  /* N-PD[1]: GPA 2M..4M */
	assert_int_equal(r.out_pa, HPA_2M + 0x1abc);
}

static void test_nested__ept_2d_every_table_fetch_is_translated(void **state)
{
	struct fx *f = *state;

	make_2d(f, PGW_MODE_EPT4);
	check_2d_trace(f, "EPT PT");
}

static void test_nested__npt_2d_every_table_fetch_is_translated(void **state)
{
	struct fx *f = *state;

	make_2d(f, PGW_MODE_NPT4);
	check_2d_trace(f, "NPT PT");
}

static void check_2d_nested_faults(struct fx *f, const char *pd_name)
{
	struct pgw_result r;
	struct pgw_fault flt;

	/* The final GPA 0x10000000 (guest 1G page at offset 256M) has no
	 * nested mapping: N-PML4[0]→N-PDPT[0]→N-PD[128] */
	assert_int_equal(pgw_translate(f->g, 0x90000000ULL, 0, &r, &flt, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(flt.out_reason, PGW_FAULT_NOT_PRESENT);
	assert_int_equal(flt.out_stage, PGW_STAGE_NESTED);
	assert_int_equal(flt.out_level, 2);
	assert_string_equal(flt.out_level_name, pd_name);
	assert_int_equal(flt.out_index, 128);
	assert_int_equal(flt.out_addr, 0x10000000ULL);
	/* The guest PDPT at GPA 0x500000 has no nested mapping: the fault
	 * happens while fetching a guest table, at N-PD[2]→N-PT[256]. */
	assert_int_equal(pgw_translate(f->g, 0x8000001000ULL, 0, &r, &flt,
				       NULL), PGW_ENOTMAPPED);
	assert_int_equal(flt.out_reason, PGW_FAULT_NOT_PRESENT);
	assert_int_equal(flt.out_stage, PGW_STAGE_NESTED);
	assert_int_equal(flt.out_level, 3);
	assert_int_equal(flt.out_index, 256);
	assert_int_equal(flt.out_addr, 0x500000);
	/* Guest-stage faults stay guest faults. */
	assert_int_equal(pgw_translate(f->g, 0x2000, 0, &r, &flt, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(flt.out_stage, PGW_STAGE_GUEST);
	assert_int_equal(flt.out_level, 3);
	assert_int_equal(flt.out_addr, 0x2000);
	/* A write to the nested read-only page is refused by the nested
	 * stage (EPT violation / nested page fault), not by the guest. */
	assert_int_equal(pgw_translate(f->g, 0x1abc, PGW_ACC_WRITE |
				       PGW_ACC_USER, &r, &flt, NULL),
			 PGW_EACCES);
	assert_int_equal(flt.out_reason, PGW_FAULT_ACCESS);
	assert_int_equal(flt.out_stage, PGW_STAGE_NESTED);
	assert_int_equal(flt.out_addr, 0x201abc);
	assert_int_equal(pgw_translate(f->g, 0x1abc, PGW_ACC_EXEC, &r, &flt,
				       NULL), PGW_EACCES);
	assert_int_equal(flt.out_stage, PGW_STAGE_NESTED);
}

static void test_nested__ept_2d_nested_faults(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	make_2d(f, PGW_MODE_EPT4);
	check_2d_nested_faults(f, "EPT PD");
	/* GVA 0x3000 → GPA 0x400000 is RWX in the EPT. */
	assert_int_equal(pgw_translate(f->g, 0x3010, PGW_ACC_WRITE |
				       PGW_ACC_USER, &r, &flt, NULL), 0);
	assert_int_equal(r.out_pa, HPA_LONE + 0x10);
	/* A nested misconfiguration is a nested RESERVED fault. */
	uint64_t epa = ptb_entry_pa(&f->host, PGW_MODE_EPT4, f->nroot,
				    0x400000, 3);
	/* The guest's CR0.WP does not apply to the nested stage: with WP=0
	 * a supervisor write to a guest-writable page that the EPT maps
	 * read-only is still an EPT violation. */
	struct pgw_x86_regs regs = PGW_X86_REGS_INIT;
	pgw_ctx *nowp = NULL;
	char err[64];

	regs.cr0 = PGW_CR0_PG;
	regs.cr3 = f->groot;
	regs.cr4 = PGW_CR4_PAE;
	regs.efer = PGW_EFER_LMA | PGW_EFER_NXE;
	assert_int_equal(pgw_ctx_new_x86(&nowp, &regs, &ptb_mem_ops, &f->host,
					 err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_set_nested(nowp, f->h), 0);
	assert_int_equal(pgw_translate(nowp, 0x1abc, PGW_ACC_WRITE, &r, &flt,
				       NULL), PGW_EACCES);
	assert_int_equal(flt.out_stage, PGW_STAGE_NESTED);
	assert_string_equal(flt.out_level_name, "EPT PD");
	assert_int_equal(flt.out_entry, HPA_2M | ER | PS | EWB);
	pgw_ctx_free(nowp);

	ptb_put(&f->host, epa, HPA_LONE | ERWX | EMT(2), 8);
	pgw_ctx_invalidate(f->g);
	assert_int_equal(pgw_translate(f->g, 0x3010, 0, &r, &flt, NULL),
			 PGW_ERSVD);
	assert_int_equal(flt.out_reason, PGW_FAULT_RESERVED);
	assert_int_equal(flt.out_stage, PGW_STAGE_NESTED);
	assert_int_equal(flt.out_addr, 0x400010);
}

static void test_nested__npt_2d_nested_faults_and_user_bit(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	make_2d(f, PGW_MODE_NPT4);
	check_2d_nested_faults(f, "NPT PD");
	/* GVA 0x3000 → GPA 0x400000 is a supervisor NPT page: nested
	 * accesses are user accesses (APM 15.25.5), so nothing is allowed,
	 * and any checked access is a nested fault. */
	assert_int_equal(pgw_translate(f->g, 0x3010, 0, &r, &flt, NULL), 0);
	assert_int_equal(r.out_pa, HPA_LONE + 0x10);
	assert_int_equal(r.out_perms & (PGW_PERM_R | PGW_PERM_W | PGW_PERM_X),
			 0);
	assert_int_equal(pgw_translate(f->g, 0x3010, PGW_ACC_READ, &r, &flt,
				       NULL), PGW_EACCES);
	assert_int_equal(flt.out_stage, PGW_STAGE_NESTED);
	assert_int_equal(flt.out_addr, 0x400010);
}

struct seen {
	unsigned leaves, faults, nested_faults;
	uint64_t va[4], pa[4], gpa[4], size[4];
	uint64_t last_va, last_pa, last_size;
	uint64_t fs[4], fe[4];
	uint64_t last_fs, last_fe;
	struct pgw_fault f0, flast;
};

static int on_leaf(const struct pgw_leaf *l, void *payload)
{
	struct seen *s = payload;

	if (s->leaves < 4) {
		s->va[s->leaves] = l->va;
		s->pa[s->leaves] = l->pa;
		s->gpa[s->leaves] = l->gpa;
		s->size[s->leaves] = l->size;
	}
	s->last_va = l->va;
	s->last_pa = l->pa;
	s->last_size = l->size;
	s->leaves++;
	return 0;
}

static int on_fault(uint64_t start, uint64_t end, const struct pgw_fault *f,
		    void *payload)
{
	struct seen *s = payload;

	if (s->faults < 4) {
		s->fs[s->faults] = start;
		s->fe[s->faults] = end;
	}
	if (s->faults == 0)
		s->f0 = *f;
	s->flast = *f;
	s->last_fs = start;
	s->last_fe = end;
	if (f->out_stage == PGW_STAGE_NESTED)
		s->nested_faults++;
	s->faults++;
	return 0;
}

static void test_nested__walk_splits_guest_pages_at_host_pages(void **state)
{
	struct fx *f = *state;
	struct pgw_walk_ops ops = { .leaf = on_leaf, .fault = on_fault };
	struct pgw_walk_filter flt = PGW_WALK_FILTER_INIT;
	struct seen s;

	make_2d(f, PGW_MODE_EPT4);
	/* Guest 2M at GVA 0x600000 over 4K nested pages: 512 leaves. */
	memset(&s, 0, sizeof(s));
	flt.start = 0x600000;
	flt.last = 0x7fffff;
	assert_int_equal(pgw_walk(f->g, &flt, &ops, &s), 0);
	assert_int_equal(s.leaves, 512);
	assert_int_equal(s.faults, 0);
	assert_int_equal(s.va[1], 0x601000);
	assert_int_equal(s.gpa[1], 0x1000);
	assert_int_equal(s.pa[1], HPA_LOW + 0x1000);
	assert_int_equal(s.size[1], 4096);
	assert_int_equal(s.last_va, 0x7ff000);
	assert_int_equal(s.last_pa, HPA_LOW + 0x1ff000);

	/* Guest 1G at GVA 0x80000000: 512 4K pieces, one 2M piece, a 4K
	 * piece at GPA 0x400000, then nested holes. */
	memset(&s, 0, sizeof(s));
	flt.start = 0x80000000ULL;
	flt.last = 0xbfffffffULL;
	assert_int_equal(pgw_walk(f->g, &flt, &ops, &s), 0);
	assert_int_equal(s.leaves, 512 + 1 + 1);
	assert_int_equal(s.last_va, 0x80400000ULL);
	assert_int_equal(s.last_pa, HPA_LONE);
	assert_int_equal(s.last_size, 4096);
	/* GPA 0x401000..0x5fffff: N-PT[1..511] under N-PD[2], one fault
	 * each; then N-PD[3..511], one fault per 2M. */
	assert_int_equal(s.faults, 511 + 509);
	assert_int_equal(s.nested_faults, s.faults);
	assert_int_equal(s.fs[0], 0x80401000ULL);
	assert_int_equal(s.fe[0], 0x80402000ULL);
	assert_int_equal(s.f0.out_reason, PGW_FAULT_NOT_PRESENT);
	assert_int_equal(s.f0.out_addr, 0x401000);

	/* The 2M piece keeps the nested page size. */
	memset(&s, 0, sizeof(s));
	flt.start = 0x80200000ULL;
	flt.last = 0x803fffffULL;
	assert_int_equal(pgw_walk(f->g, &flt, &ops, &s), 0);
	assert_int_equal(s.leaves, 1);
	assert_int_equal(s.size[0], 2 << 20);
	assert_int_equal(s.pa[0], HPA_2M);
	assert_int_equal(s.gpa[0], 0x200000);
}

static void test_nested__walk_reports_nested_table_fetch_fault(void **state)
{
	struct fx *f = *state;
	struct pgw_walk_ops ops = { .leaf = on_leaf, .fault = on_fault };
	struct pgw_walk_filter flt = PGW_WALK_FILTER_INIT;
	struct seen s;

	make_2d(f, PGW_MODE_EPT4);
	/* PML4[1]'s PDPT at GPA 0x500000 cannot be fetched. */
	memset(&s, 0, sizeof(s));
	flt.start = 0x8000000000ULL;
	flt.last = 0x8000ffffffULL;
	assert_int_equal(pgw_walk(f->g, &flt, &ops, &s), 0);
	assert_int_equal(s.leaves, 0);
	assert_int_equal(s.faults, 1);
	assert_int_equal(s.fs[0], 0x8000000000ULL);
	assert_int_equal(s.fe[0], 0x8040000000ULL);
	assert_int_equal(s.f0.out_stage, PGW_STAGE_NESTED);
	assert_int_equal(s.f0.out_reason, PGW_FAULT_NOT_PRESENT);
	/* Described like pgw_translate does: the nested level, the GPA. */
	assert_int_equal(s.f0.out_level, 3);
	assert_string_equal(s.f0.out_level_name, "EPT PT");
	assert_int_equal(s.f0.out_index, 256);
	assert_int_equal(s.f0.out_addr, 0x500000);

	/* A whole walk carries on past it and sees all four guest leaves'
	 * pieces. */
	memset(&s, 0, sizeof(s));
	assert_int_equal(pgw_walk(f->g, NULL, &ops, &s), 0);
	assert_int_equal(s.va[0], 0x1000);
	assert_int_equal(s.pa[0], HPA_2M + 0x1000);
	assert_int_equal(s.va[1], 0x3000);
	assert_int_equal(s.va[2], 0x600000);
	assert_int_equal(s.leaves, 2 + 512 + 514);
	assert_int_equal(s.faults, 1020 + 1);
}

static void test_nested__splitting_is_charged_to_the_walk_budget(void **state)
{
	struct fx *f = *state;
	struct pgw_walk_ops ops = { .leaf = on_leaf, .fault = on_fault };
	struct pgw_walk_filter flt = PGW_WALK_FILTER_INIT;
	struct seen s;

	make_2d(f, PGW_MODE_EPT4);
	/* The guest 1G page splits into 1534 nested pieces (see above);
	 * every 512th costs one table. Two tables reach the 1G leaf, so a
	 * budget of 3 pays for the first 1023 pieces and not the 1024th. */
	pgw_ctx_set_walk_budget(f->g, 3);
	memset(&s, 0, sizeof(s));
	flt.start = 0x80000000ULL;
	flt.last = 0xbfffffffULL;
	assert_int_equal(pgw_walk(f->g, &flt, &ops, &s), PGW_ELIMIT);
	assert_int_equal(s.leaves + s.faults, 1023 + 1);
	assert_int_equal(s.flast.out_reason, PGW_FAULT_LOOP);
	assert_int_equal(s.flast.out_level, 1);
	/* The rest of the guest page is reported, not silently dropped. */
	assert_int_equal(s.last_fe, 0xc0000000ULL);
	assert_true(s.last_fs > 0x80400000ULL);

	/* With room to spare the same walk completes. */
	pgw_ctx_set_walk_budget(f->g, 8);
	memset(&s, 0, sizeof(s));
	assert_int_equal(pgw_walk(f->g, &flt, &ops, &s), 0);
	assert_int_equal(s.leaves, 512 + 1 + 1);
	assert_int_equal(s.faults, 511 + 509);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(n) cmocka_unit_test_setup_teardown(n, setup, teardown)
		T(test_nested__ept4_leaves_and_rwx),
		T(test_nested__invalid_ept_misconfigurations),
		T(test_nested__invalid_eptp_walk_length),
		T(test_nested__ept5_translates_above_48_bits),
		T(test_nested__npt_long_mode_format),
		T(test_nested__set_nested_refuses_bad_pairs),
		T(test_nested__ept_2d_gva_gpa_hpa),
		T(test_nested__npt_2d_gva_gpa_hpa),
		T(test_nested__ept_2d_every_table_fetch_is_translated),
		T(test_nested__npt_2d_every_table_fetch_is_translated),
		T(test_nested__ept_2d_nested_faults),
		T(test_nested__npt_2d_nested_faults_and_user_bit),
		T(test_nested__walk_splits_guest_pages_at_host_pages),
		T(test_nested__walk_reports_nested_table_fetch_fault),
		T(test_nested__splitting_is_charged_to_the_walk_budget),
	};

	return cmocka_run_group_tests_name("nested", tests, NULL, NULL);
}
