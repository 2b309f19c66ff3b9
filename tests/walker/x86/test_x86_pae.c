/*
 * PAE paging: the 32-byte PDPT at a 32-byte-aligned CR3, the PDPTE registers
 * overriding memory, PDPTE reserved bits, 2M pages, NX with and without
 * EFER.NXE, bits 62:MAXPHYADDR reserved, and a PDPT at the end of memory.
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

#define MPAE PGW_MODE_X86_PAE

struct fx {
	struct ptb b;
	uint64_t root;   /* CR3: 32-byte aligned, deliberately not 4K */
	pgw_ctx *ctx;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(ptb_init(&f->b, 8 << 20), 0);
	f->root = ptb_page(&f->b) + 0x60;
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

static pgw_ctx *ctx_pae_regs(struct fx *f, struct pgw_x86_regs *r,
			     const struct pgw_mem_ops *ops)
{
	char err[128];

	r->cr0 |= PGW_CR0_PG;
	r->cr4 |= PGW_CR4_PAE;
	pgw_ctx_free(f->ctx);
	f->ctx = NULL;
	assert_int_equal(pgw_ctx_new_x86(&f->ctx, r, ops ? ops : &ptb_mem_ops,
					 &f->b, err, sizeof(err)), 0);
	assert_int_equal(pgw_ctx_mode(f->ctx), PGW_MODE_X86_PAE);
	return f->ctx;
}

static pgw_ctx *ctx_pae(struct fx *f, uint64_t efer, unsigned maxphyaddr)
{
	struct pgw_x86_regs r = PGW_X86_REGS_INIT;

	r.cr3 = f->root;
	r.efer = efer;
	r.maxphyaddr = maxphyaddr;
	return ctx_pae_regs(f, &r, NULL);
}

static void test_x86_pae__4k_leaf_pdpt_at_32_byte_cr3(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_trace t;

	/* PDPT[2]→PD[3]→PT[4] = 4K page at 0x9000; the PDPT lives at
	 * offset 0x60 of its page. */
	uint64_t leaf = ptb_map(&f->b, MPAE, f->root, 0x80604000, 2,
				0x9000 | P | W | U, P | W | U);
	ctx_pae(f, 0, 0);
	assert_int_equal(pgw_translate(f->ctx, 0x80604321, 0, &r, NULL, &t), 0);
	assert_int_equal(r.out_pa, 0x9321);
	assert_int_equal(r.out_page_size, 4096);
	assert_int_equal(r.out_level, 2);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W | PGW_PERM_X |
					      PGW_PERM_U);
	assert_int_equal(t.n, 3);
	assert_string_equal(t.step[0].level_name, "PDPT");
	assert_int_equal(t.step[0].index, 2);
	assert_int_equal(t.step[0].entry_addr, f->root + 2 * 8);
	assert_int_equal(t.step[1].index, 3);
	assert_int_equal(t.step[2].entry_addr, leaf);
	/* The bytes before CR3 in the same page are not the PDPT. */
	ptb_put(&f->b, f->root - 0x60, 0x5000 | P, 8);
	assert_int_equal(pgw_translate(f->ctx, 0x00000000, 0, &r, NULL, NULL),
			 PGW_ENOTMAPPED);
	/* The copying path reads the same 32 bytes. */
	struct pgw_x86_regs regs = PGW_X86_REGS_INIT;
	regs.cr3 = f->root;
	ctx_pae_regs(f, &regs, &ptb_mem_ops_copy);
	assert_int_equal(pgw_translate(f->ctx, 0x80604fff, 0, &r, NULL, NULL),
			 0);
	assert_int_equal(r.out_pa, 0x9fff);
}

static void test_x86_pae__pdpte_registers_override_memory(void **state)
{
	struct fx *f = *state;
	struct pgw_x86_regs regs = PGW_X86_REGS_INIT;
	struct pgw_result r;
	uint64_t pd_mem, pd_reg;

	/* Memory: PDPT[0]→PD[0]→PT[1] = 4K at 0x5000 */
	ptb_map(&f->b, MPAE, f->root, 0x1000, 2, 0x5000 | P, P | W);
	pd_mem = ptb_get(&f->b, f->root, 8) & ~0xfffULL;
	/* Registers: PDPTE0 = another PD, whose PD[0] = 2M at 0x200000 */
	pd_reg = ptb_page(&f->b);
	ptb_put(&f->b, pd_reg, 0x200000 | P | W | PS, 8);
	assert_true(pd_mem != pd_reg);

	regs.cr3 = f->root;
	regs.pdptes_valid = 1;
	regs.pdpte[0] = pd_reg | P;
	ctx_pae_regs(f, &regs, NULL);
	assert_int_equal(pgw_translate(f->ctx, 0x1234, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x201234);
	assert_int_equal(r.out_page_size, 2 << 20);
	/* PDPTE1 register not present although memory could say otherwise. */
	ptb_put(&f->b, f->root + 8, pd_mem | P, 8);
	assert_int_equal(pgw_translate(f->ctx, 0x40001000, 0, &r, NULL, NULL),
			 PGW_ENOTMAPPED);

	/* Without the registers, memory is used. */
	regs.pdptes_valid = 0;
	ctx_pae_regs(f, &regs, NULL);
	assert_int_equal(pgw_translate(f->ctx, 0x1234, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_pa, 0x5234);
}

static int first_leaf(const struct pgw_leaf *l, void *payload)
{
	*(struct pgw_leaf *)payload = *l;
	return 1;
}

static void test_x86_pae__pdpte_registers_in_range_walk(void **state)
{
	struct fx *f = *state;
	struct pgw_x86_regs regs = PGW_X86_REGS_INIT;
	struct pgw_walk_ops ops = { .leaf = first_leaf };
	struct pgw_leaf l;
	uint64_t pd_reg = ptb_page(&f->b);

	/* Memory: PDPT[0]→PD[0]→PT[1]; registers: PDPTE3→PD[511] 2M */
	ptb_map(&f->b, MPAE, f->root, 0x1000, 2, 0x5000 | P, P | W);
	ptb_put(&f->b, pd_reg + 511 * 8, 0x400000 | P | PS, 8);
	regs.cr3 = f->root;
	regs.pdptes_valid = 1;
	regs.pdpte[3] = pd_reg | P;
	ctx_pae_regs(f, &regs, NULL);
	memset(&l, 0, sizeof(l));
	assert_int_equal(pgw_walk(f->ctx, NULL, &ops, &l), 1);
	assert_int_equal(l.va, 0xffe00000);
	assert_int_equal(l.pa, 0x400000);
	assert_int_equal(l.size, 2 << 20);
}

static void test_x86_pae__invalid_pdpte_reserved_bits(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;
	struct pgw_trace t;
	static const struct {
		uint64_t bits;
		unsigned maxphy;
	} faults[] = {
		{ NX, 0 },             /* 63:M: no XD in a PDPTE */
		{ 1ULL << 36, 36 },    /* address bit above MAXPHYADDR */
		{ 1ULL << 51, 40 },
	};
	/* Reserved, but checked only when MOV to CR3 loads the PDPTE
	 * registers (SDM 3A 4.4.1): translation goes on, the trace says. */
	static const uint64_t load_only[] = { W, U, A, PS, 1ULL << 8 };

	/* PDPT[1]→PD[0]→PT[0] = 4K at 0x5000; then taint PDPTE1 */
	ptb_map(&f->b, MPAE, f->root, 0x40000000, 2, 0x5000 | P, P | W);
	uint64_t good = ptb_get(&f->b, f->root + 8, 8);

	for (unsigned i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		ptb_put(&f->b, f->root + 8, good | faults[i].bits, 8);
		ctx_pae(f, PGW_EFER_NXE, faults[i].maxphy);
		assert_int_equal(pgw_translate(f->ctx, 0x40000000, 0, &r, &flt,
					       NULL), PGW_ERSVD);
		assert_int_equal(flt.out_reason, PGW_FAULT_RESERVED);
		assert_int_equal(flt.out_level, 0);
		assert_string_equal(flt.out_level_name, "PDPT");
		assert_int_equal(flt.out_index, 1);
		assert_int_equal(flt.out_rsvd, faults[i].bits);
	}
	for (unsigned i = 0; i < sizeof(load_only) / sizeof(load_only[0]); i++) {
		ptb_put(&f->b, f->root + 8, good | load_only[i], 8);
		ctx_pae(f, PGW_EFER_NXE, 0);
		assert_int_equal(pgw_translate(f->ctx, 0x40000000, 0, &r, &flt,
					       &t), 0);
		assert_int_equal(r.out_pa, 0x5000);
		assert_int_equal(t.step[0].load_rsvd, load_only[i]);
		assert_int_equal(t.step[1].load_rsvd, 0);
	}
	/* Cache-control bits 3 and 4 are allowed. */
	ptb_put(&f->b, f->root + 8, good | 0x18, 8);
	ctx_pae(f, PGW_EFER_NXE, 0);
	assert_int_equal(pgw_translate(f->ctx, 0x40000000, 0, &r, &flt, &t),
			 0);
	assert_int_equal(r.out_pa, 0x5000);
	assert_int_equal(t.step[0].load_rsvd, 0);
}

static void test_x86_pae__2m_leaf_keeps_offset(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;

	/* PDPT[3]→PD[511] 2M at 0x7fe00000 */
	ptb_map(&f->b, MPAE, f->root, 0xffe00000, 1,
		0x7fe00000 | P | W | PS | G | A | D, 0);
	ctx_pae(f, 0, 0);
	assert_int_equal(pgw_translate(f->ctx, 0xfff12345, 0, &r, NULL, NULL),
			 0);
	assert_int_equal(r.out_pa, 0x7ff12345);
	assert_int_equal(r.out_page_size, 2 << 20);
	assert_int_equal(r.out_level, 1);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W | PGW_PERM_X);
	/* A 2M leaf above 4 GiB: PAE reaches 36+ bit physical addresses. */
	ptb_map(&f->b, MPAE, f->root, 0xffc00000, 1,
		0xf00000000ULL | 0x200000 | P | PS, 0);
	assert_int_equal(pgw_translate(f->ctx, 0xffc00001, 0, &r, NULL, NULL),
			 0);
	assert_int_equal(r.out_pa, 0xf00200001ULL);
}

static void test_x86_pae__invalid_2m_low_bits_reserved(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	/* PDPT[0]→PD[2] 2M with bit 20: between PAT (12) and the offset */
	ptb_map(&f->b, MPAE, f->root, 0x400000, 1,
		0x400000 | (1ULL << 20) | P | PS, 0);
	ctx_pae(f, 0, 0);
	assert_int_equal(pgw_translate(f->ctx, 0x400000, 0, &r, &flt, NULL),
			 PGW_ERSVD);
	assert_int_equal(flt.out_level, 1);
	assert_int_equal(flt.out_rsvd, 1ULL << 20);
	/* PAT (bit 12) of a 2M page is not reserved. */
	ptb_map(&f->b, MPAE, f->root, 0x600000, 1,
		0x600000 | (1ULL << 12) | P | PS, 0);
	assert_int_equal(pgw_translate(f->ctx, 0x600010, 0, &r, &flt, NULL), 0);
	assert_int_equal(r.out_pa, 0x600010);
}

static void test_x86_pae__nx_with_nxe(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;

	/* PDPT[0]→PD[0]→PT[1] NX 4K; PDPT[0]→PD[0]→PT[2] executable */
	ptb_map(&f->b, MPAE, f->root, 0x1000, 2, 0x5000 | P | W | NX, P | W);
	ptb_map(&f->b, MPAE, f->root, 0x2000, 2, 0x6000 | P | W, P | W);
	/* PDPT[0]→PD[1] NX PDE over PT[0] executable: NX is OR-ed down */
	ptb_map(&f->b, MPAE, f->root, 0x200000, 2, 0x7000 | P, P | W | NX);
	ctx_pae(f, PGW_EFER_NXE, 0);
	assert_int_equal(pgw_translate(f->ctx, 0x1000, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W);
	assert_int_equal(r.out_pa, 0x5000);
	assert_int_equal(pgw_translate(f->ctx, 0x1000, PGW_ACC_EXEC, &r, NULL,
				       NULL), PGW_EACCES);
	assert_int_equal(pgw_translate(f->ctx, 0x2000, PGW_ACC_EXEC, &r, NULL,
				       NULL), 0);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_W | PGW_PERM_X);
	assert_int_equal(pgw_translate(f->ctx, 0x200000, 0, &r, NULL, NULL), 0);
	assert_int_equal(r.out_perms, PGW_PERM_R);
}

static void test_x86_pae__invalid_nx_without_nxe(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	/* PDPT[0]→PD[0]→PT[1] with XD set while EFER.NXE=0 */
	ptb_map(&f->b, MPAE, f->root, 0x1000, 2, 0x5000 | P | NX, P | W);
	/* PDPT[0]→PD[1] table pointer with XD set */
	ptb_map(&f->b, MPAE, f->root, 0x200000, 2, 0x6000 | P, P | W | NX);
	ctx_pae(f, 0, 0);
	assert_int_equal(pgw_translate(f->ctx, 0x1000, 0, &r, &flt, NULL),
			 PGW_ERSVD);
	assert_int_equal(flt.out_level, 2);
	assert_int_equal(flt.out_rsvd, NX);
	assert_int_equal(pgw_translate(f->ctx, 0x200000, 0, &r, &flt, NULL),
			 PGW_ERSVD);
	assert_int_equal(flt.out_level, 1);
	assert_int_equal(flt.out_rsvd, NX);
}

static void test_x86_pae__invalid_high_bits_reserved(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_fault flt;

	/* Bits 62:M are reserved in PAE PDEs and PTEs (where IA-32e would
	 * ignore 62:52 or read a protection key). */
	ptb_map(&f->b, MPAE, f->root, 0x1000, 2, 0x5000 | P | (1ULL << 59),
		P | W);
	ptb_map(&f->b, MPAE, f->root, 0x200000, 2, 0x6000 | P,
		P | W | (1ULL << 62));
	ptb_map(&f->b, MPAE, f->root, 0x400000, 1,
		0x400000 | P | PS | (1ULL << 52), 0);
	ptb_map(&f->b, MPAE, f->root, 0x3000, 2, 0x1000000000ULL | P, P | W);
	ctx_pae(f, PGW_EFER_NXE, 0);
	assert_int_equal(pgw_translate(f->ctx, 0x1000, 0, &r, &flt, NULL),
			 PGW_ERSVD);
	assert_int_equal(flt.out_level, 2);
	assert_int_equal(flt.out_rsvd, 1ULL << 59);
	assert_int_equal(pgw_translate(f->ctx, 0x200000, 0, &r, &flt, NULL),
			 PGW_ERSVD);
	assert_int_equal(flt.out_level, 1);
	assert_int_equal(flt.out_rsvd, 1ULL << 62);
	assert_int_equal(pgw_translate(f->ctx, 0x400000, 0, &r, &flt, NULL),
			 PGW_ERSVD);
	assert_int_equal(flt.out_rsvd, 1ULL << 52);
	/* PA bit 36 is fine with 52 bits, reserved with MAXPHYADDR 36. */
	assert_int_equal(pgw_translate(f->ctx, 0x3000, 0, &r, &flt, NULL), 0);
	assert_int_equal(r.out_pa, 0x1000000000ULL);
	ctx_pae(f, PGW_EFER_NXE, 36);
	assert_int_equal(pgw_translate(f->ctx, 0x3000, 0, &r, &flt, NULL),
			 PGW_ERSVD);
	assert_int_equal(flt.out_rsvd, 1ULL << 36);
}

static void test_x86_pae__pdpt_at_end_of_memory(void **state)
{
	struct fx *f = *state;
	struct pgw_result r;
	struct pgw_walk_ops ops = { .leaf = first_leaf };
	struct pgw_leaf l;
	uint64_t pd, end;
	const struct pgw_mem_ops *mops[] = { &ptb_mem_ops, &ptb_mem_ops_copy };

	/* Rebuild memory as 1 MiB + 32 bytes: the PDPT is the last 32 bytes
	 * and its 4K page is not backed as a whole. */
	ptb_fini(&f->b);
	assert_int_equal(ptb_init(&f->b, (1 << 20) + 32), 0);
	end = 1 << 20;
	pd = ptb_page(&f->b);
	/* PDPT[3]→PD[0] 2M at 0x200000 */
	ptb_put(&f->b, end + 3 * 8, pd | P, 8);
	ptb_put(&f->b, pd, 0x200000 | P | W | PS, 8);
	f->root = end;
	for (unsigned i = 0; i < 2; i++) {
		struct pgw_x86_regs regs = PGW_X86_REGS_INIT;

		regs.cr3 = end;
		ctx_pae_regs(f, &regs, mops[i]);
		assert_int_equal(pgw_translate(f->ctx, 0xc0001234, 0, &r, NULL,
					       NULL), 0);
		assert_int_equal(r.out_pa, 0x201234);
		memset(&l, 0, sizeof(l));
		assert_int_equal(pgw_walk(f->ctx, NULL, &ops, &l), 1);
		assert_int_equal(l.va, 0xc0000000);
		assert_int_equal(l.pa, 0x200000);
	}
	/* 8 bytes further the PDPT would cross the end of memory. */
	struct pgw_x86_regs regs = PGW_X86_REGS_INIT;
	struct pgw_fault flt;

	regs.cr3 = end + 0x20;
	ctx_pae_regs(f, &regs, &ptb_mem_ops_copy);
	assert_int_equal(pgw_translate(f->ctx, 0xc0001234, 0, &r, &flt, NULL),
			 PGW_EIO);
	assert_int_equal(flt.out_reason, PGW_FAULT_BAD_TABLE);
	assert_int_equal(flt.out_level, 0);
	assert_int_equal(flt.out_table, end + 0x20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(n) cmocka_unit_test_setup_teardown(n, setup, teardown)
		T(test_x86_pae__4k_leaf_pdpt_at_32_byte_cr3),
		T(test_x86_pae__pdpte_registers_override_memory),
		T(test_x86_pae__pdpte_registers_in_range_walk),
		T(test_x86_pae__invalid_pdpte_reserved_bits),
		T(test_x86_pae__2m_leaf_keeps_offset),
		T(test_x86_pae__invalid_2m_low_bits_reserved),
		T(test_x86_pae__nx_with_nxe),
		T(test_x86_pae__invalid_nx_without_nxe),
		T(test_x86_pae__invalid_high_bits_reserved),
		T(test_x86_pae__pdpt_at_end_of_memory),
	};

	return cmocka_run_group_tests_name("x86_pae", tests, NULL, NULL);
}
