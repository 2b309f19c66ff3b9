/*
 * Checked translations (pgw_translate with PGW_ACC_*): user/supervisor,
 * writes and CR0.WP, NX, SMEP, SMAP and EFLAGS.AC, protection keys (PKRU for
 * user pages, PKRS for supervisor pages), and permissions combined across
 * levels, all on IA-32e 4-level tables.
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
#define PKEY(k) ((uint64_t)(k) << 59)

#define M4 PGW_MODE_X86_4L

/* Test pages, all under PML4[0]→PDPT[0]→PD[0] unless said otherwise. */
#define USER_RW  0x1000ULL
#define USER_RO  0x2000ULL
#define SUP_RW   0x3000ULL
#define SUP_RO   0x4000ULL
#define USER_NX  0x5000ULL
#define USER_K5  0x6000ULL
#define SUP_K3   0x7000ULL
#define NX_PDPT  0x40001000ULL   /* NX only in the PDPTE */
#define SUP_PDPT 0x80001000ULL   /* U/S clear only in the PDPTE */
#define RO_PD    0xc0201000ULL   /* R/W clear only in the PDE */

#define R_ PGW_ACC_READ
#define W_ PGW_ACC_WRITE
#define X_ PGW_ACC_EXEC
#define U_ PGW_ACC_USER

struct fx {
	struct ptb b;
	uint64_t root;
	pgw_ctx *ctx;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct ptb *b;

	assert_non_null(f);
	b = &f->b;
	assert_int_equal(ptb_init(b, 8 << 20), 0);
	f->root = ptb_page(b);
	/* PML4[0]→PDPT[0]→PD[0]→PT[1..7]: one 4K page per kind */
	ptb_map(b, M4, f->root, USER_RW, 3, 0x11000 | P | W | U, P | W | U);
	ptb_map(b, M4, f->root, USER_RO, 3, 0x12000 | P | U, P | W | U);
	ptb_map(b, M4, f->root, SUP_RW, 3, 0x13000 | P | W, P | W | U);
	ptb_map(b, M4, f->root, SUP_RO, 3, 0x14000 | P, P | W | U);
	ptb_map(b, M4, f->root, USER_NX, 3, 0x15000 | P | W | U | NX,
		P | W | U);
	ptb_map(b, M4, f->root, USER_K5, 3, 0x16000 | P | W | U | PKEY(5),
		P | W | U);
	ptb_map(b, M4, f->root, SUP_K3, 3, 0x17000 | P | W | PKEY(3),
		P | W | U);
	/* PML4[0]→PDPT[1](NX)→PD[0]→PT[1]: user RW leaf */
	ptb_map(b, M4, f->root, NX_PDPT, 1, ptb_page(b) | P | W | U | NX,
		P | W | U);
	ptb_map(b, M4, f->root, NX_PDPT, 3, 0x18000 | P | W | U, P | W | U);
	/* PML4[0]→PDPT[2](supervisor)→PD[0]→PT[1]: user RW leaf */
	ptb_map(b, M4, f->root, SUP_PDPT, 1, ptb_page(b) | P | W, P | W | U);
	ptb_map(b, M4, f->root, SUP_PDPT, 3, 0x19000 | P | W | U, P | W | U);
	/* PML4[1]: PS set, reserved in a PML4E (SDM 3A 4.5.4) */
	ptb_map(b, M4, f->root, 0x8000000000ULL, 0,
		ptb_page(b) | P | W | U | PS, P | W | U);
	/* PML4[0]→PDPT[3]→PD[1](read-only)→PT[1]: user RW leaf */
	ptb_map(b, M4, f->root, RO_PD, 2, ptb_page(b) | P | U, P | W | U);
	ptb_map(b, M4, f->root, RO_PD, 3, 0x1a000 | P | W | U, P | W | U);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	pgw_ctx_free(f->ctx);
	ptb_fini(&f->b);
	free(f);
	return 0;
}

struct cpu {
	uint64_t cr0, cr4, rflags;
	uint32_t pkru, pkrs;
};

static void ctx_with(struct fx *f, struct cpu c)
{
	struct pgw_x86_regs r = PGW_X86_REGS_INIT;
	char err[128];

	r.cr0 = PGW_CR0_PG | c.cr0;
	r.cr3 = f->root;
	r.cr4 = PGW_CR4_PAE | c.cr4;
	r.efer = PGW_EFER_LME | PGW_EFER_LMA | PGW_EFER_NXE;
	r.rflags = c.rflags;
	r.pkru = c.pkru;
	r.pkrs = c.pkrs;
	pgw_ctx_free(f->ctx);
	f->ctx = NULL;
	assert_int_equal(pgw_ctx_new_x86(&f->ctx, &r, &ptb_mem_ops, &f->b, err,
					 sizeof(err)), 0);
}

/* 0 or the error of a checked translation of @va. */
static int acc(struct fx *f, uint64_t va, unsigned access)
{
	struct pgw_result r;

	return pgw_translate(f->ctx, va, access, &r, NULL, NULL);
}

static void test_access__user_vs_supervisor_pages(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	ctx_with(f, (struct cpu){ .cr0 = PGW_CR0_WP });
	assert_int_equal(acc(f, USER_RW, R_ | U_), 0);
	assert_int_equal(acc(f, USER_RW, W_ | U_), 0);
	assert_int_equal(acc(f, USER_RW, X_ | U_), 0);
	assert_int_equal(acc(f, SUP_RW, R_), 0);
	assert_int_equal(acc(f, SUP_RW, R_ | U_), PGW_EACCES);
	assert_int_equal(acc(f, SUP_RW, X_ | U_), PGW_EACCES);
	/* The fault names the leaf, the entry and the address. */
	assert_int_equal(pgw_translate(f->ctx, SUP_RW + 0x10, W_ | U_, &r,
				       &flt, NULL), PGW_EACCES);
	assert_int_equal(flt.out_reason, PGW_FAULT_ACCESS);
	assert_int_equal(flt.out_stage, PGW_STAGE_GUEST);
	assert_int_equal(flt.out_level, 3);
	assert_int_equal(flt.out_entry, 0x13000 | P | W);
	assert_int_equal(flt.out_addr, SUP_RW + 0x10);
	/* Access 0 is the debugger's view: no check at all. */
	assert_int_equal(pgw_translate(f->ctx, SUP_RO, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x14000);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_X);
}

static void test_access__writes_and_cr0_wp(void **state)
{
	struct fx *f = *state;

	/* User writes need R/W whatever CR0.WP says. */
	ctx_with(f, (struct cpu){ .cr0 = 0 });
	assert_int_equal(acc(f, USER_RO, W_ | U_), PGW_EACCES);
	assert_int_equal(acc(f, USER_RO, R_ | U_), 0);
	/* Supervisor writes to read-only pages: allowed with WP=0 ... */
	assert_int_equal(acc(f, SUP_RO, W_), 0);
	assert_int_equal(acc(f, USER_RO, W_), 0);
	/* ... refused with WP=1, on supervisor and user pages alike. */
	ctx_with(f, (struct cpu){ .cr0 = PGW_CR0_WP });
	assert_int_equal(acc(f, USER_RO, W_ | U_), PGW_EACCES);
	assert_int_equal(acc(f, SUP_RO, W_), PGW_EACCES);
	assert_int_equal(acc(f, USER_RO, W_), PGW_EACCES);
	assert_int_equal(acc(f, SUP_RO, R_), 0);
	assert_int_equal(acc(f, SUP_RW, W_), 0);
}

static void test_access__nx_with_nxe(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;

	ctx_with(f, (struct cpu){ .cr0 = PGW_CR0_WP });
	assert_int_equal(acc(f, USER_NX, X_ | U_), PGW_EACCES);
	assert_int_equal(acc(f, USER_NX, X_), PGW_EACCES);
	assert_int_equal(acc(f, USER_NX, R_ | W_ | U_), 0);
	assert_int_equal(pgw_translate(f->ctx, USER_NX, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W | PGW_PERM_U);
}

static void test_access__smep_blocks_supervisor_exec_of_user_page(void **state)
{
	struct fx *f = *state;

	ctx_with(f, (struct cpu){ .cr0 = PGW_CR0_WP });
	assert_int_equal(acc(f, USER_RW, X_), 0);
	ctx_with(f, (struct cpu){ .cr0 = PGW_CR0_WP, .cr4 = PGW_CR4_SMEP });
	assert_int_equal(acc(f, USER_RW, X_), PGW_EACCES);
	assert_int_equal(acc(f, SUP_RW, X_), 0);
	assert_int_equal(acc(f, USER_RW, X_ | U_), 0);
	/* SMEP is about fetches: supervisor data accesses still work. */
	assert_int_equal(acc(f, USER_RW, R_ | W_), 0);
	/* A page that is user only through its leaf is still user when the
	 * PDPTE is supervisor: U/S is AND-ed, so this one is supervisor. */
	assert_int_equal(acc(f, SUP_PDPT, X_), 0);
}

static void test_access__smap_and_eflags_ac(void **state)
{
	struct fx *f = *state;

	ctx_with(f, (struct cpu){ .cr0 = PGW_CR0_WP, .cr4 = PGW_CR4_SMAP });
	assert_int_equal(acc(f, USER_RW, R_), PGW_EACCES);
	assert_int_equal(acc(f, USER_RW, W_), PGW_EACCES);
	assert_int_equal(acc(f, SUP_RW, R_ | W_), 0);
	/* SMAP is about data: supervisor fetches from user pages pass (that
	 * is SMEP's business). */
	assert_int_equal(acc(f, USER_RW, X_), 0);
	/* User accesses are not affected. */
	assert_int_equal(acc(f, USER_RW, R_ | W_ | U_), 0);
	/* EFLAGS.AC=1 (stac) lifts SMAP for explicit accesses. */
	ctx_with(f, (struct cpu){ .cr0 = PGW_CR0_WP, .cr4 = PGW_CR4_SMAP,
				  .rflags = PGW_RFLAGS_AC });
	assert_int_equal(acc(f, USER_RW, R_), 0);
	assert_int_equal(acc(f, USER_RW, W_), 0);
	/* ... but not R/W: a read-only user page stays read-only (WP=1). */
	assert_int_equal(acc(f, USER_RO, W_), PGW_EACCES);
}

static void test_access__pke_pkru_for_user_pages(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	const uint32_t ad5 = 1u << 10, wd5 = 1u << 11;

	/* Without PKE/PKS the key is not even reported. */
	ctx_with(f, (struct cpu){ .cr0 = PGW_CR0_WP, .pkru = ad5 });
	assert_int_equal(pgw_translate(f->ctx, USER_K5, R_ | U_, &r, NULL,
				       NULL), 0);
	assert_int_equal(r.out_pkey, -1);

	/* PKRU.AD5: no data access to key-5 user pages, fetches still OK. */
	ctx_with(f, (struct cpu){ .cr0 = PGW_CR0_WP, .cr4 = PGW_CR4_PKE,
				  .pkru = ad5 });
	assert_int_equal(pgw_translate(f->ctx, USER_K5, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pkey, 5);
	assert_int_equal(acc(f, USER_K5, R_ | U_), PGW_EACCES);
	assert_int_equal(acc(f, USER_K5, W_ | U_), PGW_EACCES);
	assert_int_equal(acc(f, USER_K5, X_ | U_), 0);
	/* Supervisor data accesses to user pages honour PKRU too. */
	assert_int_equal(acc(f, USER_K5, R_), PGW_EACCES);
	/* Key 0 pages are untouched. */
	assert_int_equal(acc(f, USER_RW, R_ | W_ | U_), 0);

	/* PKRU.WD5: reads pass, user writes fail; supervisor writes fail
	 * with CR0.WP=1 only. */
	ctx_with(f, (struct cpu){ .cr0 = PGW_CR0_WP, .cr4 = PGW_CR4_PKE,
				  .pkru = wd5 });
	assert_int_equal(acc(f, USER_K5, R_ | U_), 0);
	assert_int_equal(acc(f, USER_K5, W_ | U_), PGW_EACCES);
	assert_int_equal(acc(f, USER_K5, W_), PGW_EACCES);
	ctx_with(f, (struct cpu){ .cr4 = PGW_CR4_PKE, .pkru = wd5 });
	assert_int_equal(acc(f, USER_K5, W_ | U_), PGW_EACCES);
	assert_int_equal(acc(f, USER_K5, W_), 0);

	/* PKRU does not govern supervisor pages (key 3 here). */
	ctx_with(f, (struct cpu){ .cr0 = PGW_CR0_WP, .cr4 = PGW_CR4_PKE,
				  .pkru = 3u << 6 });
	assert_int_equal(acc(f, SUP_K3, R_ | W_), 0);
}

static void test_access__pks_pkrs_for_supervisor_pages(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	const uint32_t ad3 = 1u << 6, wd3 = 1u << 7;

	ctx_with(f, (struct cpu){ .cr0 = PGW_CR0_WP, .cr4 = PGW_CR4_PKS,
				  .pkrs = ad3 });
	assert_int_equal(pgw_translate(f->ctx, SUP_K3, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pkey, 3);
	assert_int_equal(acc(f, SUP_K3, R_), PGW_EACCES);
	assert_int_equal(acc(f, SUP_K3, W_), PGW_EACCES);
	assert_int_equal(acc(f, SUP_K3, X_), 0);
	assert_int_equal(acc(f, SUP_RW, R_ | W_), 0);

	/* PKRS.WD3: writes refused with CR0.WP=1, allowed with WP=0. */
	ctx_with(f, (struct cpu){ .cr0 = PGW_CR0_WP, .cr4 = PGW_CR4_PKS,
				  .pkrs = wd3 });
	assert_int_equal(acc(f, SUP_K3, R_), 0);
	assert_int_equal(acc(f, SUP_K3, W_), PGW_EACCES);
	ctx_with(f, (struct cpu){ .cr4 = PGW_CR4_PKS, .pkrs = wd3 });
	assert_int_equal(acc(f, SUP_K3, W_), 0);

	/* PKRS does not govern user pages, even for supervisor accesses. */
	ctx_with(f, (struct cpu){ .cr0 = PGW_CR0_WP, .cr4 = PGW_CR4_PKS,
				  .pkrs = 1u << 10 });
	assert_int_equal(acc(f, USER_K5, R_ | W_ | U_), 0);
	assert_int_equal(acc(f, USER_K5, R_ | W_), 0);
}

static void test_access__permissions_combined_across_levels(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;

	ctx_with(f, (struct cpu){ .cr0 = PGW_CR0_WP });
	/* NX only in the PDPTE: the 4K leaf is not executable. */
	assert_int_equal(pgw_translate(f->ctx, NX_PDPT, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x18000);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W | PGW_PERM_U);
	assert_int_equal(acc(f, NX_PDPT, X_ | U_), PGW_EACCES);
	assert_int_equal(acc(f, NX_PDPT, X_), PGW_EACCES);
	assert_int_equal(acc(f, NX_PDPT, W_ | U_), 0);
	/* U/S clear only in the PDPTE: the page is supervisor. */
	assert_int_equal(pgw_translate(f->ctx, SUP_PDPT, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W | PGW_PERM_X);
	assert_int_equal(acc(f, SUP_PDPT, R_ | U_), PGW_EACCES);
	assert_int_equal(acc(f, SUP_PDPT, W_), 0);
	/* R/W clear only in the PDE: the page is read-only. */
	assert_int_equal(pgw_translate(f->ctx, RO_PD, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_X | PGW_PERM_U);
	assert_int_equal(acc(f, RO_PD, W_ | U_), PGW_EACCES);
	assert_int_equal(acc(f, RO_PD, W_), PGW_EACCES);
	assert_int_equal(acc(f, RO_PD, R_ | X_ | U_), 0);
	/* The TLB keeps the combined permissions: ask again, cached. */
	assert_int_equal(acc(f, NX_PDPT + 8, X_), PGW_EACCES);
	assert_int_equal(acc(f, RO_PD + 8, W_), PGW_EACCES);
}

static void test_access__not_present_beats_access_check(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	ctx_with(f, (struct cpu){ .cr0 = PGW_CR0_WP });
	/* PML4[0]→PDPT[0]→PD[0]→PT[8]: empty */
	assert_int_equal(pgw_translate(f->ctx, 0x8000, R_ | U_, &r, &flt, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(flt.out_reason, PGW_FAULT_NOT_PRESENT);
	assert_int_equal(flt.out_level, 3);
}

/* pgw_access() of @va: its return value; *a filled. */
static int why(struct fx *f, uint64_t va, unsigned access,
	       struct pgw_access *a)
{
	memset(a, 0xa5, sizeof(*a));
	a->version = PGW_ACCESS_VERSION;
	return pgw_access(f->ctx, va, access, a);
}

/* Each rule of SDM 3A 4.6 named, with the #PF error code of 4.7 the CPU
 * pushes for it (P 1, W/R 2, U/S 4, RSVD 8, I/D 0x10, PK 0x20). */
static void test_access__reasons_and_pf_error_codes(void **state)
{
	struct fx *f = *state;
	struct pgw_access a;
	static const struct {
		uint64_t cr4;
		uint32_t pkru;
		uint64_t va;
		unsigned access;
		int rc;
		enum pgw_deny deny;
		uint64_t code;
	} cases[] = {
		{ 0, 0, SUP_RW, R_ | U_, PGW_EACCES, PGW_DENY_USER, 0x5 },
		{ 0, 0, USER_RO, W_ | U_, PGW_EACCES, PGW_DENY_WRITE, 0x7 },
		{ 0, 0, SUP_RO, W_, PGW_EACCES, PGW_DENY_WRITE, 0x3 },
		{ 0, 0, USER_NX, X_ | U_, PGW_EACCES, PGW_DENY_EXEC, 0x15 },
		{ 0, 0, NX_PDPT, X_, PGW_EACCES, PGW_DENY_EXEC, 0x11 },
		{ PGW_CR4_SMEP, 0, USER_RW, X_, PGW_EACCES, PGW_DENY_SMEP,
		  0x11 },
		{ PGW_CR4_SMAP, 0, USER_RW, R_, PGW_EACCES, PGW_DENY_SMAP,
		  0x1 },
		{ PGW_CR4_PKE, 2u << 10, USER_K5, W_ | U_, PGW_EACCES,
		  PGW_DENY_PKEY, 0x27 },
		{ 0, 0, 0x8000, R_ | U_, PGW_ENOTMAPPED, PGW_DENY_NONE, 0x4 },
		{ 0, 0, 0x8000, W_, PGW_ENOTMAPPED, PGW_DENY_NONE, 0x2 },
		{ 0, 0, 0x8000, X_ | U_, PGW_ENOTMAPPED, PGW_DENY_NONE, 0x14 },
		{ 0, 0, 0x8000000000ULL, R_ | U_, PGW_ERSVD, PGW_DENY_NONE,
		  0xd },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		ctx_with(f, (struct cpu){ .cr0 = PGW_CR0_WP,
					  .cr4 = cases[i].cr4,
					  .pkru = cases[i].pkru });
		assert_int_equal(why(f, cases[i].va, cases[i].access, &a),
				 cases[i].rc);
		assert_int_equal(a.out_rc, cases[i].rc);
		assert_int_equal(a.out_deny, cases[i].deny);
		assert_true(a.out_code_valid);
		assert_int_equal(a.out_code, cases[i].code);
		/* A denied page is still mapped; the fault names its leaf. */
		assert_int_equal(a.out_mapped, cases[i].rc == PGW_EACCES);
		if (cases[i].rc == PGW_EACCES)
			assert_int_equal(a.out_fault.out_reason,
					 PGW_FAULT_ACCESS);
	}
	/* Allowed: the page, no denial, no code. */
	ctx_with(f, (struct cpu){ .cr0 = PGW_CR0_WP });
	assert_int_equal(why(f, USER_RW + 0x44, W_ | U_, &a), 0);
	assert_true(a.out_mapped);
	assert_int_equal(a.out_result.out_pa, 0x11044);
	assert_int_equal(a.out_deny, PGW_DENY_NONE);
	assert_false(a.out_code_valid);
	/* The caller's version, one kind at least, no unknown bits. */
	a.version = 0;
	assert_int_equal(pgw_access(f->ctx, USER_RW, R_, &a), PGW_EINVAL);
	assert_int_equal(why(f, USER_RW, U_, &a), PGW_EINVAL);
	assert_int_equal(why(f, USER_RW, R_ | 0x100, &a), PGW_EINVAL);
	assert_string_equal(pgw_deny_name(PGW_DENY_SMAP),
			    "supervisor data access to a user page (SMAP, "
			    "EFLAGS.AC clear)");
	assert_string_equal(pgw_deny_name(PGW_DENY_NONE), "allowed");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(n) cmocka_unit_test_setup_teardown(n, setup, teardown)
		T(test_access__user_vs_supervisor_pages),
		T(test_access__writes_and_cr0_wp),
		T(test_access__nx_with_nxe),
		T(test_access__smep_blocks_supervisor_exec_of_user_page),
		T(test_access__smap_and_eflags_ac),
		T(test_access__pke_pkru_for_user_pages),
		T(test_access__pks_pkrs_for_supervisor_pages),
		T(test_access__permissions_combined_across_levels),
		T(test_access__not_present_beats_access_check),
		T(test_access__reasons_and_pf_error_codes),
	};

	return cmocka_run_group_tests_name("access", tests, NULL, NULL);
}
