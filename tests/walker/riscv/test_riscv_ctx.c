/*
 * RISC-V contexts: the mode satp.MODE selects, the refusals (reserved and
 * custom MODE values, XLEN, privilege, version), Bare as no translation,
 * mode names and input spans of every RISC-V mode.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "rvmem.h"

static struct rvmem mem;

static int try_satp(uint64_t satp, unsigned xlen, unsigned priv, char *err,
		    pgw_ctx **out)
{
	struct pgw_riscv_regs r = PGW_RISCV_REGS_INIT;

	r.satp = satp;
	r.xlen = xlen;
	r.priv = priv;
	*out = NULL;
	return pgw_ctx_new_riscv(out, &r, &rvmem_ops, &mem, err, 160);
}

static void test_riscv_ctx__modes_from_satp(void **state)
{
	static const struct { uint64_t satp; enum pgw_mode mode; } ok[] = {
		{ 0, PGW_MODE_NONE },
		{ 8ULL << 60 | 1, PGW_MODE_RISCV_SV39 },
		{ 9ULL << 60 | 1, PGW_MODE_RISCV_SV48 },
		{ 10ULL << 60 | 1, PGW_MODE_RISCV_SV57 },
	};
	char err[160];
	pgw_ctx *c;

	(void)state;
	for (unsigned i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(try_satp(ok[i].satp, 64, PGW_RISCV_PRIV_S, err,
					  &c), 0);
		assert_int_equal(pgw_ctx_mode(c), ok[i].mode);
		pgw_ctx_free(c);
	}
	assert_int_equal(try_satp(1ULL << 31, 32, PGW_RISCV_PRIV_U, err, &c),
			 0);
	assert_int_equal(pgw_ctx_mode(c), PGW_MODE_RISCV_SV32);
	pgw_ctx_free(c);
}

static void test_riscv_ctx__refusals(void **state)
{
	struct pgw_riscv_regs r = PGW_RISCV_REGS_INIT;
	char err[160];
	pgw_ctx *c;

	(void)state;
	assert_int_equal(try_satp(11ULL << 60, 64, 1, err, &c), PGW_EINVAL);
	assert_null(c);
	assert_string_equal(err, "satp MODE 11 is not supported (0 Bare, 8 "
			    "Sv39, 9 Sv48, 10 Sv57; 11 is reserved for Sv64)");
	assert_int_equal(try_satp(1ULL << 60, 64, 1, err, &c), PGW_EINVAL);
	assert_string_equal(err, "satp MODE 1 is not supported (0 Bare, 8 "
			    "Sv39, 9 Sv48, 10 Sv57; 1-7 are reserved)");
	assert_int_equal(try_satp(15ULL << 60, 64, 1, err, &c), PGW_EINVAL);
	assert_string_equal(err, "satp MODE 15 is not supported (0 Bare, 8 "
			    "Sv39, 9 Sv48, 10 Sv57; 12-15 are custom)");
	assert_int_equal(try_satp(0, 128, 1, err, &c), PGW_EINVAL);
	assert_string_equal(err, "XLEN 128 is not 32 or 64");
	assert_int_equal(try_satp(0, 64, 2, err, &c), PGW_EINVAL);
	assert_string_equal(err, "privilege 2 is not U (0), S (1) or M (3)");
	r.version = 0;
	assert_int_equal(pgw_ctx_new_riscv(&c, &r, &rvmem_ops, &mem, err,
					   sizeof(err)), PGW_EINVAL);
	assert_string_equal(err, "bad arguments");
	r.version = PGW_RISCV_REGS_VERSION;
	assert_int_equal(pgw_ctx_new_riscv(&c, &r, NULL, &mem, err,
					   sizeof(err)), PGW_EINVAL);
	assert_string_equal(err, "no physical memory read callback");
}

static void test_riscv_ctx__bare_is_identity(void **state)
{
	struct rvtext t = { 0 };
	struct pgw_result r;
	char err[160];
	pgw_ctx *c;

	(void)state;
	assert_int_equal(try_satp(0x1234, 64, PGW_RISCV_PRIV_S, err, &c), 0);
	assert_int_equal(pgw_ctx_levels(c), 0);
	/* 56 physical address bits pass through (4.4.1). */
	assert_int_equal(pgw_translate(c, 0x00ffffffffffffffULL, 0, &r, NULL,
				       NULL), 0);
	assert_int_equal(r.out_pa, 0x00ffffffffffffffULL);
	assert_int_equal(pgw_view_pg(c, NULL, rvtext_write, &t), 0);
	assert_string_equal(t.s, "PG disabled: virtual addresses are "
			    "physical\n");
	rvtext_clear(&t);
	assert_int_equal(pgw_view_tlb(c, rvtext_write, &t), 0);
	assert_string_equal(t.s, "PG disabled\n");
	pgw_ctx_free(c);
	free(t.s);
}

static void test_riscv_ctx__names_and_spans(void **state)
{
	static const struct {
		enum pgw_mode mode;
		const char *name;
		int nspans;
		uint64_t end0, start1;
	} m[] = {
		{ PGW_MODE_RISCV_SV32, "Sv32", 1, 1ULL << 32, 0 },
		{ PGW_MODE_RISCV_SV39, "Sv39", 2, 1ULL << 38,
		  0xffffffc000000000ULL },
		{ PGW_MODE_RISCV_SV48, "Sv48", 2, 1ULL << 47,
		  0xffff800000000000ULL },
		{ PGW_MODE_RISCV_SV57, "Sv57", 2, 1ULL << 56,
		  0xff00000000000000ULL },
		{ PGW_MODE_RISCV_SV39X4, "Sv39x4", 1, 1ULL << 41, 0 },
		{ PGW_MODE_RISCV_SV48X4, "Sv48x4", 1, 1ULL << 50, 0 },
		{ PGW_MODE_RISCV_SV57X4, "Sv57x4", 1, 1ULL << 59, 0 },
	};
	uint64_t sp[2][2];

	(void)state;
	for (unsigned i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		assert_string_equal(pgw_mode_name(m[i].mode), m[i].name);
		assert_int_equal(pgw_mode_va_spans(m[i].mode, sp), m[i].nspans);
		assert_int_equal(sp[0][0], 0);
		assert_int_equal(sp[0][1], m[i].end0);
		if (m[i].nspans == 2) {
			assert_int_equal(sp[1][0], m[i].start1);
			assert_int_equal(sp[1][1], 0);
		}
	}
}

static int setup(void **state)
{
	(void)state;
	rvmem_add(&mem, 0, 0x10000);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rvmem_free(&mem);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_riscv_ctx__modes_from_satp),
		cmocka_unit_test(test_riscv_ctx__refusals),
		cmocka_unit_test(test_riscv_ctx__bare_is_identity),
		cmocka_unit_test(test_riscv_ctx__names_and_spans),
	};

	return cmocka_run_group_tests_name("test_riscv_ctx", tests, setup,
					   teardown);
}
