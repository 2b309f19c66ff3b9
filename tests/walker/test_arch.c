/*
 * The arch interface (walker/arch.h, walker/arch.c): every mode has one
 * registered format, every arch supplies what the core calls, and the
 * core's decode masks carry a format unlike x86 (RISC-V Sv39: leaves by
 * R|W|X, frames shifted in the entry, pointers that grant nothing), in
 * either byte order, through translation, the range walk and info tlb.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "walker_priv.h"

static void test_arch__every_mode_has_one_format(void **state)
{
	(void)state;
	for (int i = PGW_MODE_NONE + 1; i < PGW_MODE_COUNT; i++) {
		enum pgw_mode mode = (enum pgw_mode)i;
		const struct pgw_format *f = pgw__format(mode);
		int found = 0;

		assert_non_null(f);
		assert_int_equal(f->mode, mode);
		for (const struct pgw_arch *const *a = pgw__arches; *a; a++)
			for (const struct pgw_format *const *g = (*a)->formats;
			     *g; g++)
				if ((*g)->mode == mode) {
					assert_ptr_equal(*g, f);
					assert_ptr_equal(f->arch, *a);
					found++;
				}
		assert_int_equal(found, 1);
	}
}

static void test_arch__arches_supply_what_the_core_calls(void **state)
{
	(void)state;
	for (const struct pgw_arch *const *a = pgw__arches; *a; a++) {
		const struct pgw_arch *arch = *a;

		assert_non_null(arch->name);
		assert_non_null(arch->regs);
		assert_non_null(arch->root_reg);
		assert_non_null(arch->faults);
		for (const enum pgw_fault_reason *r = arch->faults; *r; r++)
			assert_string_not_equal(pgw_fault_reason_name(*r),
						"unknown");
		for (const struct pgw_format *const *f = arch->formats; *f;
		     f++) {
			assert_non_null((*f)->name);
			for (unsigned i = 0; i < (*f)->nlevels; i++)
				assert_non_null((*f)->lv[i].name);
			if ((*f)->stage2)
				assert_non_null(arch->new_stage2);
		}
		if (arch->translate) {
			/* Not a radix walk: every method is its own. */
			assert_non_null(arch->walk);
			assert_non_null(arch->view_pg);
			assert_non_null(arch->view_vtop);
			assert_non_null(arch->view_tlb);
			continue;
		}
		assert_non_null(arch->derive);
		assert_non_null(arch->access_ok);
		assert_non_null(arch->flag_letters);
		assert_non_null(arch->flag_key);
	}
}

/* RISC-V Sv39 (Privileged ISA 10.3.1 / 10.4): V R W X U G A D in bits
 * 0..7, PPN in bits 53:10 holding PA bits 55:12. */
#define SV_V (1ULL << 0)
#define SV_R (1ULL << 1)
#define SV_W (1ULL << 2)
#define SV_X (1ULL << 3)
#define SV_U (1ULL << 4)
#define SV_A (1ULL << 6)
#define SV_D (1ULL << 7)
#define SV_PTE(pa) (((pa) >> 12) << 10)

static void sv39_derive(pgw_ctx *c)
{
	for (unsigned i = 0; i < c->fmt->nlevels; i++) {
		unsigned shift = c->fmt->lv[i].shift;
		struct pgw_decode *m = &c->m[i];

		*m = (struct pgw_decode){
			.present = SV_V,
			.leaf = SV_R | SV_W | SV_X,
			.addr = pgw__bits(53, 10),
			.addr_shift = 2,
			/* D, A, U are reserved in a pointer; a superpage's
			 * PPN bits below its size must be zero. */
			.rsvd_table = SV_D | SV_A | SV_U | pgw__bits(63, 54),
			.rsvd_leaf = pgw__bits(63, 54) |
				     (shift > 12 ? pgw__bits(shift - 3, 10) : 0),
			.perm = {
				[0] = { .always = PGW_PERM_ALL },
				[1] = { .mask = { SV_R, SV_W, SV_X, SV_U } },
			},
		};
	}
}

static bool sv39_access_ok(const pgw_ctx *c, unsigned perms, int pkey,
			   unsigned access)
{
	unsigned need = ((access & PGW_ACC_READ) ? PGW_PERM_R : 0) |
			((access & PGW_ACC_WRITE) ? PGW_PERM_W : 0) |
			((access & PGW_ACC_EXEC) ? PGW_PERM_X : 0);

	(void)c;
	(void)pkey;
	return (perms & need) == need;
}

static const struct pgw_arch sv39_arch = {
	.name = "sv39 (test)",
	.regs = "satp",
	.root_reg = "satp",
	.derive = sv39_derive,
	.access_ok = sv39_access_ok,
};

#define SV39_FORMAT(be) {                                               \
	.mode = PGW_MODE_COUNT, .name = "Sv39", .arch = &sv39_arch,     \
	.nlevels = 3, .entry_size = 8, .va_bits = 39, .canonical = true,\
	.big_endian = (be),                                             \
	.lv = {                                                         \
		{ "VPN2", 30, 9, PGW_LEAF_MAYBE, 0 },                   \
		{ "VPN1", 21, 9, PGW_LEAF_MAYBE, 0 },                   \
		{ "VPN0", 12, 9, PGW_LEAF_ALWAYS, 0 },                  \
	},                                                              \
}
static const struct pgw_format sv39_le = SV39_FORMAT(false);
static const struct pgw_format sv39_be = SV39_FORMAT(true);

#define MEM_SIZE (4u << 20)

struct sv_fx {
	unsigned char *mem;
	bool be;
	pgw_ctx *c;
};

static int mem_read(uint64_t pa, void *buf, size_t len, void *payload)
{
	struct sv_fx *f = payload;

	if (pa > MEM_SIZE || len > MEM_SIZE - pa)
		return -1;
	memcpy(buf, f->mem + pa, len);
	return 0;
}

static const void *mem_map(uint64_t pa, size_t len, void *payload)
{
	struct sv_fx *f = payload;

	return pa > MEM_SIZE || len > MEM_SIZE - pa ? NULL : f->mem + pa;
}

static const struct pgw_mem_ops sv_mem = { .read = mem_read, .map = mem_map };

static void put(struct sv_fx *f, uint64_t pa, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		f->mem[pa + (unsigned)i] =
			(unsigned char)(v >> (f->be ? 56 - 8 * i : 8 * i));
}

/*
 * VPN2 table at 0x1000:
 *   VPN2[1] -> VPN1 table at 0x2000 (a pointer: V only)
 *     VPN1[1] -> VPN0 table at 0x3000
 *       VPN0[1] = 4K page at PA 0x8000, R W U
 *     VPN1[2] = 2M page at PA 0x200000, R X
 *     VPN1[3] = pointer with U set: reserved
 */
static void sv_build(struct sv_fx *f, bool be)
{
	char err[128];

	f->mem = calloc(1, MEM_SIZE);
	assert_non_null(f->mem);
	f->be = be;
	put(f, 0x1000 + 1 * 8, SV_PTE(0x2000) | SV_V);
	put(f, 0x2000 + 1 * 8, SV_PTE(0x3000) | SV_V);
	put(f, 0x3000 + 1 * 8, SV_PTE(0x8000) | SV_V | SV_R | SV_W | SV_U);
	put(f, 0x2000 + 2 * 8, SV_PTE(0x200000) | SV_V | SV_R | SV_X);
	put(f, 0x2000 + 3 * 8, SV_PTE(0x3000) | SV_V | SV_U);
	assert_int_equal(pgw__ctx_alloc(&f->c, &sv39_arch, &sv_mem, f, 0,
					err, sizeof(err)), 0);
	f->c->fmt = be ? &sv39_be : &sv39_le;
	f->c->root = 0x1000;
	pgw__derive(f->c);
}

static void sv_free(struct sv_fx *f)
{
	pgw_ctx_free(f->c);
	free(f->mem);
}

struct leaves {
	unsigned n;
	struct pgw_leaf l[4];
};

static int on_leaf(const struct pgw_leaf *l, void *payload)
{
	struct leaves *v = payload;

	if (v->n < 4)
		v->l[v->n] = *l;
	v->n++;
	return 0;
}

static int collect(const char *buf, size_t n, void *payload)
{
	char *out = payload;
	size_t have = strlen(out);

	if (have + n < 256) {
		memcpy(out + have, buf, n);
		out[have + n] = 0;
	}
	return 0;
}

static void sv39_checks(bool be)
{
	char text[256] = "";
	struct pgw_walk_ops ops = { .leaf = on_leaf };
	struct leaves v = { 0 };
	struct pgw_result r;
	struct pgw_fault f;
	struct sv_fx fx;

	sv_build(&fx, be);
	/* Twice: the second answer comes from the caches. */
	for (int pass = 0; pass < 2; pass++) {
		assert_int_equal(pgw_translate(fx.c, 0x40201abcULL, 0, &r,
					       &f, NULL), 0);
		assert_int_equal(r.out_pa, 0x8abc);
		assert_int_equal(r.out_page_size, 4096);
		assert_int_equal(r.out_level, 2);
		/* The pointers above grant everything: only the leaf's
		 * R, W, U count. */
		assert_int_equal(r.out_perms,
				 PGW_PERM_R | PGW_PERM_W | PGW_PERM_U);
		assert_int_equal(r.out_pkey, -1);
	}
	assert_int_equal(pgw_translate(fx.c, 0x40401234ULL, 0, &r, &f, NULL),
			 0);
	assert_int_equal(r.out_pa, 0x201234);
	assert_int_equal(r.out_page_size, 2u << 20);
	assert_int_equal(r.out_level, 1);
	assert_int_equal(r.out_perms, PGW_PERM_R | PGW_PERM_X);
	assert_int_equal(pgw_translate(fx.c, 0x40401234ULL, PGW_ACC_WRITE, &r,
				       &f, NULL), PGW_EACCES);
	assert_int_equal(pgw_translate(fx.c, 0x40600000ULL, 0, &r, &f, NULL),
			 PGW_ERSVD);
	assert_int_equal(f.out_level, 1);
	assert_int_equal(f.out_rsvd, SV_U);
	assert_int_equal(pgw_translate(fx.c, 0x40800000ULL, 0, &r, &f, NULL),
			 PGW_ENOTMAPPED);
	assert_int_equal(f.out_reason, PGW_FAULT_NOT_PRESENT);
	assert_int_equal(f.out_level, 1);
	assert_string_equal(f.out_level_name, "VPN1");
	/* Bit 38 set: the upper half, sign-extended. */
	assert_int_equal(pgw_translate(fx.c, 0x0000004000000000ULL, 0, &r, &f,
				       NULL), PGW_ENOTMAPPED);
	assert_int_equal(f.out_reason, PGW_FAULT_NONCANONICAL);

	assert_int_equal(pgw_walk(fx.c, NULL, &ops, &v), 0);
	assert_int_equal(v.n, 2);
	assert_int_equal(v.l[0].va, 0x40201000ULL);
	assert_int_equal(v.l[0].pa, 0x8000);
	assert_int_equal(v.l[0].perms, PGW_PERM_R | PGW_PERM_W | PGW_PERM_U);
	assert_int_equal(v.l[1].va, 0x40400000ULL);
	assert_int_equal(v.l[1].pa, 0x200000);
	assert_int_equal(v.l[1].size, 2u << 20);
	assert_int_equal(v.l[1].perms, PGW_PERM_R | PGW_PERM_X);
	/* No tlb_flags: info tlb says so instead of guessing letters. */
	assert_int_equal(pgw_view_tlb(fx.c, collect, text), PGW_EINVAL);
	assert_string_equal(text, "info tlb: not available for unknown\n");
	sv_free(&fx);
}

static void test_arch__sv39_decodes_through_the_core(void **state)
{
	(void)state;
	sv39_checks(false);
}

static void test_arch__sv39_big_endian_entries(void **state)
{
	(void)state;
	sv39_checks(true);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arch__every_mode_has_one_format),
		cmocka_unit_test(test_arch__arches_supply_what_the_core_calls),
		cmocka_unit_test(test_arch__sv39_decodes_through_the_core),
		cmocka_unit_test(test_arch__sv39_big_endian_entries),
	};

	return cmocka_run_group_tests_name("test_arch", tests, NULL, NULL);
}
