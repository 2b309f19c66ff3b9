/*
 * Translation contexts: the mode picked from control registers, impossible
 * register states refused with a message, paging disabled as identity, mode
 * names and canonical forms, and argument checking of the entry points.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ptbuilder.h"

#define P  0x1ULL
#define W  0x2ULL

struct fx {
	struct ptb b;
	uint64_t root;
	pgw_ctx *ctx;
	char err[160];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(ptb_init(&f->b, 1 << 20), 0);
	f->root = ptb_page(&f->b);
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

/* pgw_ctx_new_x86 with the given registers; leaves the context in f->ctx
 * (NULL on failure) and the message in f->err. */
static int try_regs(struct fx *f, uint64_t cr0, uint64_t cr4, uint64_t efer,
		    unsigned maxphyaddr)
{
	struct pgw_x86_regs r = PGW_X86_REGS_INIT;
	int rc;

	r.cr0 = cr0;
	r.cr3 = f->root;
	r.cr4 = cr4;
	r.efer = efer;
	r.maxphyaddr = maxphyaddr;
	pgw_ctx_free(f->ctx);
	f->ctx = (pgw_ctx *)(uintptr_t)1;  /* must be overwritten */
	f->err[0] = 0;
	rc = pgw_ctx_new_x86(&f->ctx, &r, &ptb_mem_ops, &f->b, f->err,
			     sizeof(f->err));
	if (rc < 0)
		assert_null(f->ctx);
	return rc;
}

static void expect_refused(struct fx *f, uint64_t cr0, uint64_t cr4,
			   uint64_t efer, unsigned maxphyaddr, const char *msg)
{
	assert_int_equal(try_regs(f, cr0, cr4, efer, maxphyaddr), PGW_EINVAL);
	assert_string_equal(f->err, msg);
}

static void test_ctx__invalid_la57_without_pae(void **state)
{
	expect_refused(*state, PGW_CR0_PG, PGW_CR4_LA57, 0, 0,
		       "CR4.LA57 set without CR4.PAE");
}

static void test_ctx__invalid_la57_outside_long_mode(void **state)
{
	expect_refused(*state, PGW_CR0_PG, PGW_CR4_PAE | PGW_CR4_LA57, 0, 0,
		       "CR4.LA57 set outside long mode (EFER.LMA=0)");
	/* LME alone (without PG) is not long mode either; with PG it is. */
	expect_refused(*state, PGW_CR0_PG, PGW_CR4_PAE | PGW_CR4_LA57,
		       PGW_EFER_NXE, 0,
		       "CR4.LA57 set outside long mode (EFER.LMA=0)");
}

static void test_ctx__invalid_lma_without_pae(void **state)
{
	expect_refused(*state, PGW_CR0_PG, 0, PGW_EFER_LMA | PGW_EFER_LME, 0,
		       "long mode (EFER.LMA) requires CR4.PAE");
	expect_refused(*state, PGW_CR0_PG, PGW_CR4_LA57, PGW_EFER_LME, 0,
		       "long mode (EFER.LMA) requires CR4.PAE");
}

static void test_ctx__invalid_lma_with_paging_off(void **state)
{
	expect_refused(*state, 0, PGW_CR4_PAE, PGW_EFER_LMA | PGW_EFER_LME, 0,
		       "EFER.LMA set with paging disabled (CR0.PG=0)");
}

static void test_ctx__invalid_maxphyaddr_out_of_range(void **state)
{
	struct fx *f = *state;
	static const unsigned bad[] = { 1, 31, 53, 64, 255 };
	char want[64];
	pgw_ctx *c = NULL;

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(want, sizeof(want),
			 "MAXPHYADDR %u out of range (32..52)", bad[i]);
		expect_refused(f, PGW_CR0_PG, PGW_CR4_PAE, PGW_EFER_LMA,
			       bad[i], want);
		assert_int_equal(pgw_ctx_new_nested(&c, PGW_MODE_EPT4, f->root,
						    bad[i], 0, &ptb_mem_ops,
						    &f->b, f->err,
						    sizeof(f->err)),
				 PGW_EINVAL);
		assert_null(c);
		assert_string_equal(f->err, want);
	}
	/* The limits themselves, and 0 for "52", are fine. */
	assert_int_equal(try_regs(f, PGW_CR0_PG, PGW_CR4_PAE, PGW_EFER_LMA,
				  32), 0);
	assert_int_equal(try_regs(f, PGW_CR0_PG, PGW_CR4_PAE, PGW_EFER_LMA,
				  52), 0);
	assert_int_equal(try_regs(f, PGW_CR0_PG, PGW_CR4_PAE, PGW_EFER_LMA,
				  0), 0);
}

static void test_ctx__invalid_arguments(void **state)
{
	struct fx *f = *state;
	struct pgw_x86_regs r = PGW_X86_REGS_INIT;
	struct pgw_mem_ops no_read = { NULL, NULL };
	struct pgw_walk_filter flt = PGW_WALK_FILTER_INIT;
	struct pgw_result res;
	pgw_ctx *c = NULL;

	r.cr0 = PGW_CR0_PG;
	assert_int_equal(pgw_ctx_new_x86(&c, NULL, &ptb_mem_ops, &f->b, f->err,
					 sizeof(f->err)), PGW_EINVAL);
	assert_int_equal(pgw_ctx_new_x86(NULL, &r, &ptb_mem_ops, &f->b, f->err,
					 sizeof(f->err)), PGW_EINVAL);
	r.version = PGW_X86_REGS_VERSION + 1;
	assert_int_equal(pgw_ctx_new_x86(&c, &r, &ptb_mem_ops, &f->b, f->err,
					 sizeof(f->err)), PGW_EINVAL);
	r.version = PGW_X86_REGS_VERSION;
	assert_int_equal(pgw_ctx_new_x86(&c, &r, NULL, &f->b, f->err,
					 sizeof(f->err)), PGW_EINVAL);
	assert_string_equal(f->err, "no physical memory read callback");
	assert_int_equal(pgw_ctx_new_x86(&c, &r, &no_read, &f->b, f->err,
					 sizeof(f->err)), PGW_EINVAL);
	assert_null(c);
	/* No message buffer: still refused, nothing written anywhere. */
	r.cr4 = PGW_CR4_LA57;
	assert_int_equal(pgw_ctx_new_x86(&c, &r, &ptb_mem_ops, &f->b, NULL, 0),
			 PGW_EINVAL);
	/* A message longer than the buffer is cut, not overflowed. */
	char small[8];
	assert_int_equal(pgw_ctx_new_x86(&c, &r, &ptb_mem_ops, &f->b, small,
					 sizeof(small)), PGW_EINVAL);
	assert_string_equal(small, "CR4.LA5");
	/* Entry points reject NULL and unknown versions. */
	assert_int_equal(pgw_translate(NULL, 0, 0, &res, NULL, NULL),
			 PGW_EINVAL);
	assert_int_equal(try_regs(f, PGW_CR0_PG, 0, 0, 0), 0);
	assert_int_equal(pgw_translate(f->ctx, 0, 0, NULL, NULL, NULL),
			 PGW_EINVAL);
	assert_int_equal(pgw_walk(NULL, NULL, NULL, NULL), PGW_EINVAL);
	flt.version = 0;
	assert_int_equal(pgw_walk(f->ctx, &flt, NULL, NULL), PGW_EINVAL);
	/* Freeing NULL and invalidating NULL are no-ops. */
	pgw_ctx_free(NULL);
	pgw_ctx_invalidate(NULL);
}

static void test_ctx__mode_follows_control_registers(void **state)
{
	struct fx *f = *state;
	static const struct {
		uint64_t cr0, cr4, efer;
		enum pgw_mode mode;
		int levels;
		unsigned va_bits;
	} cases[] = {
		{ 0, 0, 0, PGW_MODE_NONE, 0, 64 },
		{ 0, PGW_CR4_PAE | PGW_CR4_LA57, PGW_EFER_LME, PGW_MODE_NONE, 0,
		  64 },
		{ PGW_CR0_PG, PGW_CR4_PSE, 0, PGW_MODE_X86_32, 2, 32 },
		{ PGW_CR0_PG, PGW_CR4_PAE, PGW_EFER_NXE, PGW_MODE_X86_PAE, 3,
		  32 },
		/* LME with PG set means long mode is active even if the
		 * snapshot lost LMA. */
		{ PGW_CR0_PG, PGW_CR4_PAE, PGW_EFER_LME, PGW_MODE_X86_4L, 4,
		  48 },
		{ PGW_CR0_PG, PGW_CR4_PAE, PGW_EFER_LMA, PGW_MODE_X86_4L, 4,
		  48 },
		{ PGW_CR0_PG, PGW_CR4_PAE | PGW_CR4_LA57,
		  PGW_EFER_LMA | PGW_EFER_LME, PGW_MODE_X86_5L, 5, 57 },
	};

	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(try_regs(f, cases[i].cr0, cases[i].cr4,
					  cases[i].efer, 0), 0);
		assert_int_equal(pgw_ctx_mode(f->ctx), cases[i].mode);
		assert_int_equal(pgw_ctx_levels(f->ctx), cases[i].levels);
		assert_int_equal(pgw_ctx_va_bits(f->ctx), cases[i].va_bits);
		assert_null(pgw_ctx_nested(f->ctx));
	}
}

static int count_any(const struct pgw_leaf *l, void *payload)
{
	++*(unsigned *)payload;
	return 0;
}

static void test_ctx__paging_disabled_is_identity(void **state)
{
	struct fx *f = *state;
	struct pgw_walk_ops ops = { .leaf = count_any };
	struct pgw_result r;
	struct pgw_trace t;
	unsigned n = 0;

	/* Garbage in the "root" must not matter. */
	memset(f->b.mem + f->root, 0xff, 4096);
	assert_int_equal(try_regs(f, PGW_CR0_WP, PGW_CR4_PAE | PGW_CR4_SMEP, 0,
				  0), 0);
	assert_int_equal(pgw_ctx_mode(f->ctx), PGW_MODE_NONE);
	assert_int_equal(pgw_translate(f->ctx, 0xdeadbeef, 0, &r, NULL, &t), 0);
	assert_int_equal(r.out_pa, 0xdeadbeef);
	assert_int_equal(r.out_gpa, 0xdeadbeef);
	assert_int_equal(r.out_page_size, 4096);
	assert_int_equal(r.out_level, -1);
	assert_int_equal(r.out_pkey, -1);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W | PGW_PERM_X |
					      PGW_PERM_U);
	assert_int_equal(t.n, 0);
	/* No page tables, no protection: every access is allowed. */
	assert_int_equal(pgw_translate(f->ctx, 0x1000, PGW_ACC_WRITE |
				       PGW_ACC_EXEC | PGW_ACC_USER, &r, NULL,
				       NULL), 0);
	assert_int_equal(r.out_pa, 0x1000);
	/* Nothing to walk. */
	assert_int_equal(pgw_walk(f->ctx, NULL, &ops, &n), 0);
	assert_int_equal(n, 0);
	assert_string_equal(pgw_ctx_level_name(f->ctx, 0), "?");
	assert_int_equal(pgw_ctx_canonical(f->ctx, 0x0000800000000000ULL),
			 0x0000800000000000ULL);
}

static void test_ctx__mode_names(void **state)
{
	/* Indexed by mode, so that a mode added anywhere in enum pgw_mode
	 * without a name here fails below instead of shifting the rest. */
	static const char *const names[PGW_MODE_COUNT] = {
		[PGW_MODE_NONE] = "paging disabled",
		[PGW_MODE_X86_32] = "32-bit",
		[PGW_MODE_X86_PAE] = "PAE",
		[PGW_MODE_X86_4L] = "4-level",
		[PGW_MODE_X86_5L] = "5-level",
		[PGW_MODE_EPT4] = "EPT 4-level",
		[PGW_MODE_EPT5] = "EPT 5-level",
		[PGW_MODE_NPT4] = "NPT 4-level",
		[PGW_MODE_NPT5] = "NPT 5-level",
		[PGW_MODE_PPC64_HASH] = "ppc64 hash",
		[PGW_MODE_RISCV_SV32] = "Sv32",
		[PGW_MODE_RISCV_SV39] = "Sv39",
		[PGW_MODE_RISCV_SV48] = "Sv48",
		[PGW_MODE_RISCV_SV57] = "Sv57",
		[PGW_MODE_RISCV_SV39X4] = "Sv39x4",
		[PGW_MODE_RISCV_SV48X4] = "Sv48x4",
		[PGW_MODE_RISCV_SV57X4] = "Sv57x4",
		[PGW_MODE_ARM64] = "VMSAv8-64",
		[PGW_MODE_ARM64_S2] = "VMSAv8-64 stage 2",
		[PGW_MODE_PPC64_RADIX] = "ppc64 radix",
		[PGW_MODE_PPC64_RADIX_PART] = "ppc64 radix partition-scoped",
	};

	(void)state;
	for (int m = 0; m < PGW_MODE_COUNT; m++) {
		assert_non_null(names[m]);
		assert_string_equal(pgw_mode_name((enum pgw_mode)m), names[m]);
	}
	assert_string_equal(pgw_mode_name(PGW_MODE_COUNT), "unknown");
	assert_string_equal(pgw_mode_name((enum pgw_mode)-1), "unknown");
}

static void test_ctx__canonical_forms(void **state)
{
	struct fx *f = *state;
	pgw_ctx *ept = NULL;

	assert_int_equal(try_regs(f, PGW_CR0_PG, PGW_CR4_PAE, PGW_EFER_LMA, 0),
			 0);
	assert_int_equal(pgw_ctx_canonical(f->ctx, 0x0000800000000000ULL),
			 0xffff800000000000ULL);
	assert_int_equal(pgw_ctx_canonical(f->ctx, 0xffff7fffffffffffULL),
			 0x00007fffffffffffULL);
	assert_int_equal(pgw_ctx_canonical(f->ctx, 0x1234000000001000ULL),
			 0x0000000000001000ULL);
	assert_int_equal(pgw_ctx_canonical(f->ctx, 0xffffffffffffffffULL),
			 0xffffffffffffffffULL);
	/* 32-bit and PAE inputs are not sign-extended. */
	assert_int_equal(try_regs(f, PGW_CR0_PG, 0, 0, 0), 0);
	assert_int_equal(pgw_ctx_canonical(f->ctx, 0x80000000ULL),
			 0x80000000ULL);
	assert_int_equal(try_regs(f, PGW_CR0_PG, PGW_CR4_PAE, 0, 0), 0);
	assert_int_equal(pgw_ctx_canonical(f->ctx, 0xffffffffULL),
			 0xffffffffULL);
	/* Nor are GPAs. */
	assert_int_equal(pgw_ctx_new_nested(&ept, PGW_MODE_EPT4, f->root, 0, 0,
					    &ptb_mem_ops, &f->b, f->err,
					    sizeof(f->err)), 0);
	assert_int_equal(pgw_ctx_canonical(ept, 0x0000800000000000ULL),
			 0x0000800000000000ULL);
	assert_string_equal(pgw_ctx_level_name(ept, 0), "EPT PML4");
	assert_string_equal(pgw_ctx_level_name(ept, 4), "?");
	assert_string_equal(pgw_ctx_level_name(ept, -1), "?");
	pgw_ctx_free(ept);
}

/* Each mode's translatable input spans, end 0 = the top of the space. */
static void test_ctx__mode_va_spans(void **state)
{
	uint64_t sp[2][2];

	(void)state;
	assert_int_equal(pgw_mode_va_spans(PGW_MODE_NONE, sp), 0);
	assert_int_equal(pgw_mode_va_spans(PGW_MODE_X86_32, sp), 1);
	assert_int_equal(sp[0][0], 0);
	assert_int_equal(sp[0][1], 1ULL << 32);
	assert_int_equal(pgw_mode_va_spans(PGW_MODE_X86_PAE, sp), 1);
	assert_int_equal(sp[0][1], 1ULL << 32);
	assert_int_equal(pgw_mode_va_spans(PGW_MODE_X86_4L, sp), 2);
	assert_int_equal(sp[0][0], 0);
	assert_int_equal(sp[0][1], 0x0000800000000000ULL);
	assert_int_equal(sp[1][0], 0xffff800000000000ULL);
	assert_int_equal(sp[1][1], 0);
	assert_int_equal(pgw_mode_va_spans(PGW_MODE_X86_5L, sp), 2);
	assert_int_equal(sp[0][1], 0x0100000000000000ULL);
	assert_int_equal(sp[1][0], 0xff00000000000000ULL);
	/* Guest-physical inputs: one span from 0, never sign-extended. */
	assert_int_equal(pgw_mode_va_spans(PGW_MODE_EPT4, sp), 1);
	assert_int_equal(sp[0][1], 1ULL << 48);
	assert_int_equal(pgw_mode_va_spans(PGW_MODE_PPC64_HASH, sp), 1);
	assert_int_equal(sp[0][0], 0);
	assert_int_equal(sp[0][1], 0);
	assert_int_equal(pgw_mode_va_spans(PGW_MODE_COUNT, sp), 0);
}

static void test_ctx__cr3_flag_bits_ignored(void **state)
{
	struct fx *f = *state;
	struct pgw_x86_regs r = PGW_X86_REGS_INIT;
	struct pgw_result res;

	/* PML4[0]→PDPT[0]→PD[0]→PT[1] = 4K at 0x9000 */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x1000, 3, 0x9000 | P,
		P | W);
	/* CR3 with a PCID (bits 11:0) and bit 63 (no-flush on MOV CR3). */
	r.cr0 = PGW_CR0_PG;
	r.cr3 = f->root | 0xabc | (1ULL << 63);
	r.cr4 = PGW_CR4_PAE | (1ULL << 17);  /* CR4.PCIDE */
	r.efer = PGW_EFER_LMA;
	assert_int_equal(pgw_ctx_new_x86(&f->ctx, &r, &ptb_mem_ops, &f->b,
					 f->err, sizeof(f->err)), 0);
	assert_int_equal(pgw_translate(f->ctx, 0x1234, 0, &res, NULL, NULL),
			 0);
	assert_int_equal(res.out_pa, 0x9234);
}

static int count_leaf(const struct pgw_leaf *l, void *payload)
{
	(void)l;
	++*(int *)payload;
	return 0;
}

struct faults {
	int n;
	uint64_t start, end;
	int reason;
};

static int note_fault(uint64_t start, uint64_t end, const struct pgw_fault *f,
		      void *payload)
{
	struct faults *x = payload;

	x->n++;
	x->start = start;
	x->end = end;
	x->reason = f->out_reason;
	return 0;
}

/* A crash dump's VMCOREINFO root maps the kernel half only: its lower half
 * (here a user page the kernel's own table happens to hold) is "root
 * unknown", never a translation; the upper half translates as usual. */
static void test_ctx__kernel_half_only(void **state)
{
	struct fx *f = *state;
	struct pgw_x86_regs r = PGW_X86_REGS_INIT;
	const uint64_t lma = PGW_EFER_LME | PGW_EFER_LMA;
	struct pgw_walk_ops ops = { .fault = note_fault };
	struct pgw_walk_ops leaves = { .leaf = count_leaf };
	struct faults x = { 0 };
	struct pgw_result res;
	struct pgw_fault fault;
	uint64_t spans[2][2];
	int n = 0;

	/* PML4[0] -> user 4K page at 0x400000; PML4[511] -> kernel page */
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0x400000, 3,
		0x5000 | P | W | 4, P | W | 4);
	ptb_map(&f->b, PGW_MODE_X86_4L, f->root, 0xffffffff81000000ULL, 3,
		0x6000 | P, P | W);
	r.cr0 = PGW_CR0_PG | PGW_CR0_WP;
	r.cr3 = f->root;
	r.cr4 = PGW_CR4_PAE;
	r.efer = lma;
	r.kernel_half_only = 1;
	assert_int_equal(pgw_ctx_new_x86(&f->ctx, &r, &ptb_mem_ops, &f->b,
					 f->err, sizeof(f->err)), 0);
	assert_int_equal(pgw_ctx_mode(f->ctx), PGW_MODE_X86_4L);
	assert_int_equal(pgw_translate(f->ctx, 0x400000, 0, &res, &fault, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(fault.out_reason, PGW_FAULT_NO_ROOT);
	assert_int_equal(fault.out_level, -1);
	assert_int_equal(pgw_translate(f->ctx, 0xffffffff81000123ULL, 0, &res,
				       &fault, NULL), 0);
	assert_int_equal(res.out_pa, 0x6123);
	/* non-canonical stays non-canonical, in either half's bit 63 */
	assert_int_equal(pgw_translate(f->ctx, 0x0000900000000000ULL, 0, &res,
				       &fault, NULL), PGW_ENOTMAPPED);
	assert_int_equal(fault.out_reason, PGW_FAULT_NONCANONICAL);
	assert_int_equal(pgw_translate(f->ctx, 0xffff000000000000ULL, 0, &res,
				       &fault, NULL), PGW_ENOTMAPPED);
	assert_int_equal(fault.out_reason, PGW_FAULT_NONCANONICAL);
	/* A walk: one fault over the lower half, the kernel page only. */
	assert_int_equal(pgw_walk(f->ctx, NULL, &ops, &x), 0);
	assert_int_equal(x.n, 1);
	assert_int_equal(x.reason, PGW_FAULT_NO_ROOT);
	assert_int_equal(x.start, 0);
	assert_int_equal(x.end, 1ULL << 47);
	assert_int_equal(pgw_walk(f->ctx, NULL, &leaves, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(pgw_ctx_va_spans(f->ctx, spans), 2);
	assert_int_equal(spans[0][0], 0);
	assert_int_equal(spans[0][1], 1ULL << 47);
	assert_int_equal(spans[1][0], 0xffff800000000000ULL);
	assert_int_equal(spans[1][1], 0);
	assert_int_equal(pgw_ctx_va_bits(f->ctx), 48);
	pgw_ctx_free(f->ctx);

	/* Without it, the same table maps the user page. */
	r.kernel_half_only = 0;
	assert_int_equal(pgw_ctx_new_x86(&f->ctx, &r, &ptb_mem_ops, &f->b,
					 f->err, sizeof(f->err)), 0);
	assert_int_equal(pgw_translate(f->ctx, 0x400000, 0, &res, &fault, NULL),
			 0);
	pgw_ctx_free(f->ctx);
	/* Version 1 callers end before the field: it is not read. */
	r.version = 1;
	r.kernel_half_only = 1;
	assert_int_equal(pgw_ctx_new_x86(&f->ctx, &r, &ptb_mem_ops, &f->b,
					 f->err, sizeof(f->err)), 0);
	assert_int_equal(pgw_translate(f->ctx, 0x400000, 0, &res, &fault, NULL),
			 0);
	pgw_ctx_free(f->ctx);
	f->ctx = NULL;
	/* Only IA-32e has halves to tell apart. */
	r.version = PGW_X86_REGS_VERSION;
	r.efer = 0;
	assert_int_equal(pgw_ctx_new_x86(&f->ctx, &r, &ptb_mem_ops, &f->b,
					 f->err, sizeof(f->err)), PGW_EINVAL);
	assert_non_null(strstr(f->err, "IA-32e"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(n) cmocka_unit_test_setup_teardown(n, setup, teardown)
		T(test_ctx__invalid_la57_without_pae),
		T(test_ctx__invalid_la57_outside_long_mode),
		T(test_ctx__invalid_lma_without_pae),
		T(test_ctx__invalid_lma_with_paging_off),
		T(test_ctx__invalid_maxphyaddr_out_of_range),
		T(test_ctx__invalid_arguments),
		T(test_ctx__mode_follows_control_registers),
		T(test_ctx__paging_disabled_is_identity),
		T(test_ctx__mode_names),
		T(test_ctx__canonical_forms),
		T(test_ctx__cr3_flag_bits_ignored),
		T(test_ctx__mode_va_spans),
		T(test_ctx__kernel_half_only),
	};

	return cmocka_run_group_tests_name("ctx", tests, NULL, NULL);
}
