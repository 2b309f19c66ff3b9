/*
 * Raw physical images: detection (content first, raw only with raw
 * options), base address, holes, the control bits each --mode sets, and
 * paging disabled without CR3.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "guest.h"
#include "mkdump.h"

#define P  0x1ULL
#define W  0x2ULL

struct fx {
	char path[64];
	uint8_t img[0x8000];
};

static void set64(uint8_t *m, uint64_t off, uint64_t v)
{
	memcpy(m + off, &v, 8);
}

/* Image at PA 0x40000: 4-level tables at +0x1000, mapping VA 0 -> +0x5000. */
static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const uint64_t b = 0x40000;

	strcpy((char *)f->img, "raw memory, no signature");
	set64(f->img, 0x1000, (b + 0x2000) | P | W); /* PML4[0] -> PDPT */
	set64(f->img, 0x2000, (b + 0x3000) | P | W); /* PML4[0]->PDPT[0] -> PD */
	set64(f->img, 0x3000, (b + 0x4000) | P | W); /* ...PD[0] -> PT */
	set64(f->img, 0x4000, (b + 0x5000) | P | W); /* ...PT[0] -> 4K */
	memcpy(f->img + 0x5000, "target", 6);
	assert_int_equal(mk_file_write(f->img, sizeof(f->img), f->path), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	unlink(f->path);
	free(f);
	return 0;
}

static guest *open_raw(struct fx *f, const char *mode, int cr3)
{
	struct guest_open_opts o = GUEST_OPEN_OPTS_INIT;
	char err[256];
	guest *g = NULL;

	o.raw_base = 0x40000;
	o.mode = mode;
	o.have_cr3 = cr3;
	o.cr3 = 0x41000;
	if (guest_open(&g, f->path, &o, err, sizeof(err)))
		fail_msg("%s", err);
	return g;
}

static enum pgw_mode mode_of(guest *g)
{
	char err[256];
	pgw_ctx *ctx;

	if (guest_cpu_ctx(g, 0, &ctx, err, sizeof(err)))
		fail_msg("%s", err);
	return pgw_ctx_mode(ctx);
}

static void test_guest_raw__needs_raw_options(void **state)
{
	struct fx *f = *state;
	struct guest_open_opts o = GUEST_OPEN_OPTS_INIT;
	char err[256];
	guest *g;

	assert_int_not_equal(guest_open(&g, f->path, NULL, err, sizeof(err)),
			     0);
	assert_non_null(strstr(err, "unrecognised format"));
	o.format = GUEST_FMT_RAW;
	assert_int_equal(guest_open(&g, f->path, &o, err, sizeof(err)), 0);
	assert_int_equal(guest_format(g), GUEST_FMT_RAW);
	guest_close(g);
	/* an explicit format the content contradicts */
	o.format = GUEST_FMT_ELF;
	assert_int_not_equal(guest_open(&g, f->path, &o, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "not an ELF file"));
	o.format = GUEST_FMT_KDUMP;
	assert_int_not_equal(guest_open(&g, f->path, &o, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "not a kdump"));
}

static void test_guest_raw__base_and_holes(void **state)
{
	struct fx *f = *state;
	guest *g = open_raw(f, NULL, 0);
	uint8_t buf[16];

	assert_int_equal(guest_ncpus(g), 1);
	assert_int_equal(guest_phys_read(g, 0x45000, buf, 6), 6);
	assert_memory_equal(buf, "target", 6);
	assert_int_equal(guest_phys_read(g, 0x3fff0, buf, 16), 0);
	assert_int_equal(guest_phys_read(g, 0x47ff8, buf, 16), 8);
	assert_true(guest_phys_is_ram(g, 0x40000, 0x8000));
	assert_false(guest_phys_is_ram(g, 0x40000, 0x8001));
	/* without CR3 there is nothing to walk: paging is off */
	assert_int_equal(mode_of(g), PGW_MODE_NONE);
	guest_close(g);
	g = open_raw(f, "4level", 0);
	assert_int_equal(mode_of(g), PGW_MODE_NONE);
	guest_close(g);
}

static void test_guest_raw__modes_set_the_usual_bits(void **state)
{
	static const struct {
		const char *mode;
		enum pgw_mode want;
		uint64_t cr4, efer;
	} t[] = {
		{ "32", PGW_MODE_X86_32, PGW_CR4_PSE, 0 },
		{ "pae", PGW_MODE_X86_PAE, PGW_CR4_PSE | PGW_CR4_PAE,
		  PGW_EFER_NXE },
		{ "4level", PGW_MODE_X86_4L, PGW_CR4_PSE | PGW_CR4_PAE,
		  PGW_EFER_NXE | PGW_EFER_LME | PGW_EFER_LMA },
		{ "5level", PGW_MODE_X86_5L,
		  PGW_CR4_PSE | PGW_CR4_PAE | PGW_CR4_LA57,
		  PGW_EFER_NXE | PGW_EFER_LME | PGW_EFER_LMA },
	};
	struct fx *f = *state;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		guest *g = open_raw(f, t[i].mode, 1);
		const struct guest_x86_cpu *c = guest_x86_cpu(g, 0);

		assert_int_equal(c->cr0, PGW_CR0_PG | 1);
		assert_int_equal(c->cr3, 0x41000);
		assert_int_equal(c->cr4, t[i].cr4);
		assert_int_equal(c->efer, t[i].efer);
		assert_int_equal(mode_of(g), t[i].want);
		guest_close(g);
	}
}

static void test_guest_raw__4level_translates(void **state)
{
	struct fx *f = *state;
	guest *g = open_raw(f, "4level", 1);
	struct pgw_result res;
	struct pgw_fault flt;
	char err[256];
	pgw_ctx *ctx;

	assert_int_equal(guest_cpu_ctx(g, 0, &ctx, err, sizeof(err)), 0);
	assert_int_equal(pgw_translate(ctx, 0x3, 0, &res, &flt, NULL), 0);
	assert_int_equal(res.out_pa, 0x45003);
	assert_int_equal(pgw_translate(ctx, 0x1000, 0, &res, &flt, NULL),
			 PGW_ENOTMAPPED);
	guest_close(g);
}

/* A raw image holds no register: each one reads 0 unless an option gave
 * it, and says where its value came from. */
static void test_guest_raw__registers_given_or_zero(void **state)
{
	struct fx *f = *state;
	const struct guest_reg_value regs[] = {
		{ "rip", 0xffffffff81000000ull }, { "xmm3", 7 },
	};
	struct guest_open_opts o = GUEST_OPEN_OPTS_INIT;
	char err[256];
	guest *g = NULL;
	uint64_t v = 1;

	o.raw_base = 0x40000;
	o.mode = "4level";
	o.have_cr3 = 1;
	o.cr3 = 0x41000;
	o.regs = regs;
	o.nregs = 2;
	if (guest_open(&g, f->path, &o, err, sizeof(err)))
		fail_msg("%s", err);
	assert_int_equal(guest_reg_read(g, 0, guest_reg_id(g, "rip"), &v),
			 GUEST_REG_GIVEN);
	assert_true(v == 0xffffffff81000000ull);
	assert_true(guest_x86_cpu(g, 0)->rip == 0xffffffff81000000ull);
	assert_int_equal(guest_reg_read(g, 0, guest_reg_id(g, "xmm3"), &v),
			 GUEST_REG_GIVEN);
	assert_true(v == 7);
	assert_int_equal(guest_reg_read(g, 0, guest_reg_id(g, "cr3"), &v),
			 GUEST_REG_GIVEN);
	assert_true(v == 0x41000);
	assert_int_equal(guest_reg_read(g, 0, guest_reg_id(g, "cr4"), &v),
			 GUEST_REG_MODE);
	assert_int_equal(guest_reg_read(g, 0, guest_reg_id(g, "rsp"), &v),
			 GUEST_REG_ZERO);
	assert_true(v == 0);
	assert_int_equal(guest_reg_read(g, 0, guest_reg_id(g, "cr2"), &v),
			 GUEST_REG_ZERO);
	/* The description's numbering: rip is GDB's register 16. */
	assert_int_equal(guest_reg_id(g, "rip"), 16);
	assert_int_equal(guest_reg_count(g), 66);
	guest_close(g);

	/* An unknown name fails the open and names the register. */
	o.nregs = 1;
	o.regs = (const struct guest_reg_value[]){ { "pc", 1 } };
	assert_int_not_equal(guest_open(&g, f->path, &o, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "'pc'"));
}

static void test_guest_raw__invalid_empty_and_missing(void **state)
{
	struct guest_open_opts o = GUEST_OPEN_OPTS_INIT;
	char path[64], err[256];
	guest *g;

	(void)state;
	o.format = GUEST_FMT_RAW;
	assert_int_equal(mk_file_write("", 0, path), 0);
	assert_int_not_equal(guest_open(&g, path, &o, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "empty"));
	unlink(path);
	assert_int_not_equal(guest_open(&g, path, &o, err, sizeof(err)), 0);
	assert_non_null(strstr(err, path));
	o.version = 99;
	assert_int_not_equal(guest_open(&g, path, &o, err, sizeof(err)), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_guest_raw__needs_raw_options,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_guest_raw__base_and_holes,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_guest_raw__modes_set_the_usual_bits, setup,
			teardown),
		cmocka_unit_test_setup_teardown(test_guest_raw__4level_translates,
						setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_guest_raw__registers_given_or_zero, setup,
			teardown),
		cmocka_unit_test(test_guest_raw__invalid_empty_and_missing),
	};

	return cmocka_run_group_tests_name("guest_raw", tests, NULL, NULL);
}
