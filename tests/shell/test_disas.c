/*
 * The shell's disassembler (stub/pgstub/disas.c) on known bytes: x86-16/32/
 * 64 and ppc64 in both byte orders, undecodable bytes, a listing cut by the
 * end of readable memory, and modes this capstone lacks.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "shell/disas.h"

static char text[8192];
static size_t text_len;

static int collect(const void *buf, size_t len, void *payload)
{
	(void)payload;
	assert_true(text_len + len < sizeof(text));
	memcpy(text + text_len, buf, len);
	text_len += len;
	text[text_len] = 0;
	return 0;
}

/* Disassemble and return the text (static). */
static const char *run(enum disas_mode m, uint64_t addr, const void *b,
		       size_t len, unsigned n, int truncated, int *lines)
{
	gdbr_out *o;
	int rc;

	text_len = 0;
	text[0] = 0;
	assert_int_equal(gdbr_out_new_sink(&o, collect, NULL), 0);
	rc = disas_buf(m, addr, b, len, n, truncated, "not mapped", NULL, o);
	gdbr_out_free(o);
	if (lines)
		*lines = rc;
	return text;
}

static void test_disas__x86_64_known_bytes(void **state)
{
	/* push rbp; mov rbp, rsp; mov rax, [rip+0x10]; ret */
	static const uint8_t b[] = { 0x55, 0x48, 0x89, 0xe5, 0x48, 0x8b, 0x05,
				     0x10, 0x00, 0x00, 0x00, 0xc3 };
	int n;

	(void)state;
	assert_string_equal(run(DISAS_X86_64, 0xffffffff81000000ULL, b,
				sizeof(b), 10, 0, &n),
		"ffffffff81000000: 55                       push rbp\n"
		"ffffffff81000001: 48 89 e5                 mov rbp, rsp\n"
		"ffffffff81000004: 48 8b 05 10 00 00 00     mov rax, qword ptr [rip + 0x10]\n"
		"ffffffff8100000b: c3                       ret\n");
	assert_int_equal(n, 4);
}

/* A64 words from the recorded arm64 guest's kernel entry, little endian;
 * a word that is no instruction is "bad" and the listing goes on by 4. */
static void test_disas__arm64_known_words(void **state)
{
	static const uint8_t b[] = {
		0x03, 0x00, 0x00, 0x14,   /* b .+12 */
		0x7e, 0xd0, 0x3b, 0xd5,   /* mrs x30, tpidrro_el0 */
		0xff, 0x43, 0x05, 0xd1,   /* sub sp, sp, #0x150 */
		0x00, 0x00, 0x00, 0x00,   /* udf (capstone 4: none) */
		0xc0, 0x03, 0x5f, 0xd6,   /* ret */
	};
	enum disas_mode m;
	const char *t;
	char why[128];
	int n;

	(void)state;
	assert_int_equal(disas_mode_parse("arm64", &m), 0);
	assert_int_equal(m, DISAS_ARM64);
	assert_int_equal(disas_mode_parse("aarch64", &m), 0);
	assert_int_equal(m, DISAS_ARM64);
	assert_int_equal(disas_supported(DISAS_ARM64, why, sizeof(why)), 1);
	t = run(DISAS_ARM64, 0xffffa093f3610c80ULL, b, sizeof(b), 10, 0, &n);
	assert_non_null(strstr(t,
		"ffffa093f3610c80: 03 00 00 14              b #0xffffa093f3610c8c\n"
		"ffffa093f3610c84: 7e d0 3b d5              mrs x30, tpidrro_el0\n"
		"ffffa093f3610c88: ff 43 05 d1              sub sp, sp, #0x150\n"
		"ffffa093f3610c8c: 00 00 00 00"));
	assert_non_null(strstr(t,
		"ffffa093f3610c90: c0 03 5f d6              ret\n"));
	assert_int_equal(n, 5);
}

static void test_disas__count_limits_the_listing(void **state)
{
	static const uint8_t b[] = { 0x90, 0x90, 0x90, 0x90 };
	int n;

	(void)state;
	assert_string_equal(run(DISAS_X86_64, 0x1000, b, sizeof(b), 2, 0, &n),
		"0000000000001000: 90                       nop\n"
		"0000000000001001: 90                       nop\n");
	assert_int_equal(n, 2);
}

static void test_disas__x86_32_and_16_decode_differently(void **state)
{
	/* b8 01 00 00 00: mov eax, 1 in 32-bit; mov ax, 1 + add [bx+si], al
	 * in 16-bit. */
	static const uint8_t b[] = { 0xb8, 0x01, 0x00, 0x00, 0x00 };

	(void)state;
	assert_string_equal(run(DISAS_X86_32, 0xc0001000, b, sizeof(b), 1, 0,
				NULL),
		"c0001000: b8 01 00 00 00" "           mov eax, 1\n");
	assert_string_equal(run(DISAS_X86_16, 0x7c00, b, sizeof(b), 2, 0, NULL),
		"00007c00: b8 01 00" "                 mov ax, 1\n"
		"00007c03: 00 00" "                    add byte ptr [bx + si], al\n");
}

static void test_disas__ppc64_both_byte_orders(void **state)
{
	/* nop (ori 0,0,0) = 0x60000000, blr = 0x4e800020. */
	static const uint8_t be[] = { 0x60, 0x00, 0x00, 0x00,
				      0x4e, 0x80, 0x00, 0x20 };
	static const uint8_t le[] = { 0x00, 0x00, 0x00, 0x60,
				      0x20, 0x00, 0x80, 0x4e };

	(void)state;
	assert_string_equal(run(DISAS_PPC64, 0xc000000000000000ULL, be,
				sizeof(be), 4, 0, NULL),
		"c000000000000000: 60 00 00 00              nop\n"
		"c000000000000004: 4e 80 00 20              blr\n");
	assert_string_equal(run(DISAS_PPC64LE, 0xc000000000000000ULL, le,
				sizeof(le), 4, 0, NULL),
		"c000000000000000: 00 00 00 60              nop\n"
		"c000000000000004: 20 00 80 4e              blr\n");
}

static void test_disas__garbage_prints_bad_and_goes_on(void **state)
{
	/* 0x06 (push es) does not exist in 64-bit mode; then a nop. */
	static const uint8_t b[] = { 0x06, 0x90 };
	int n;

	(void)state;
	assert_string_equal(run(DISAS_X86_64, 0x2000, b, sizeof(b), 5, 0, &n),
		"0000000000002000: 06                       (bad)\n"
		"0000000000002001: 90                       nop\n");
	assert_int_equal(n, 2);
}

static void test_disas__cut_by_unmapped_page_stops_cleanly(void **state)
{
	/* mov eax, imm32 whose last bytes lie on the next, unmapped page. */
	static const uint8_t b[] = { 0x90, 0xb8, 0x01 };
	int n;

	(void)state;
	assert_string_equal(run(DISAS_X86_64, 0x402ffd, b, sizeof(b), 5, 1, &n),
		"0000000000402ffd: 90                       nop\n"
		"0000000000402ffe: cannot read memory (not mapped) after 2 bytes\n");
	assert_int_equal(n, 1);
	/* Nothing readable at all. */
	assert_string_equal(run(DISAS_X86_64, 0x1000, b, 0, 5, 1, &n),
		"0000000000001000: cannot read memory (not mapped)\n");
	assert_int_equal(n, 0);
}

static void test_disas__invalid_modes_give_one_line(void **state)
{
	static const uint8_t b[] = { 0x90 };
	enum disas_mode m;
	char why[128];
	int n;

	(void)state;
	assert_int_equal(disas_mode_parse("riscv64", &m), 0);
	assert_int_equal(m, DISAS_RISCV64);
	assert_int_equal(disas_mode_parse("vax", &m), -1);
	assert_int_equal(disas_mode_parse("ppc64le", &m), 0);
	assert_int_equal(m, DISAS_PPC64LE);
	/* capstone 4 has no RISC-V: one clear line, an error status. */
	if (!disas_supported(DISAS_RISCV64, why, sizeof(why))) {
		assert_non_null(strstr(why, "cannot disassemble riscv64"));
		run(DISAS_RISCV64, 0, b, 1, 1, 0, &n);
		assert_int_equal(n, -1);
		assert_non_null(strstr(text, "disas: capstone "));
		assert_non_null(strstr(text, "cannot disassemble riscv64\n"));
		assert_ptr_equal(strchr(text, '\n'), text + text_len - 1);
	}
	run(DISAS_AUTO, 0, b, 1, 1, 0, &n);
	assert_int_equal(n, -1);
	assert_string_equal(text, "disas: no disassembler mode chosen\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disas__x86_64_known_bytes),
		cmocka_unit_test(test_disas__arm64_known_words),
		cmocka_unit_test(test_disas__count_limits_the_listing),
		cmocka_unit_test(test_disas__x86_32_and_16_decode_differently),
		cmocka_unit_test(test_disas__ppc64_both_byte_orders),
		cmocka_unit_test(test_disas__garbage_prints_bad_and_goes_on),
		cmocka_unit_test(test_disas__cut_by_unmapped_page_stops_cleanly),
		cmocka_unit_test(test_disas__invalid_modes_give_one_line),
	};

	return cmocka_run_group_tests_name("shell/disas", tests, NULL, NULL);
}
