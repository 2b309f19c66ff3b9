/*
 * Memory and physical-mode tests for libgdb-remote (stub/cmd_mem.c,
 * cmd_query.c): m/x reads (full, short, unmapped, capped to PacketSize),
 * M/X writes with and without write_memory, Qqemu.PhyMemMode set/get.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harness.h"

static const char *reply(struct harness *h, const char *pkt)
{
	h_send(h, pkt);
	return h_payload(h_take(h));
}

static void test_mem__m_reads_hex(void **state)
{
	struct harness *h = *state;

	assert_string_equal(reply(h, "m1000,4"), "00010203");
	assert_string_equal(reply(h, "m10fe,2"), "feff");
	assert_int_equal(h->fx.last_flags, 0);
	/* Upper-case hex digits in arguments are fine. */
	assert_string_equal(reply(h, "m100A,1"), "0a");
}

static void test_mem__m_short_read_gives_short_reply(void **state)
{
	struct harness *h = *state;

	/* 0x2ffe, 0x2fff exist; 0x3000 does not */
	assert_string_equal(reply(h, "m2ffe,8"), "f5fc");
}

static void test_mem__m_unmapped_is_E14(void **state)
{
	struct harness *h = *state;

	assert_string_equal(reply(h, "m0,4"), "E14");
	assert_string_equal(reply(h, "m3000,1"), "E14");
	assert_string_equal(reply(h, "mffffffffffffffff,10"), "E14");
}

static void test_mem__m_malformed_is_E22(void **state)
{
	struct harness *h = *state;

	assert_string_equal(reply(h, "m1000"), "E22");
	assert_string_equal(reply(h, "m,4"), "E22");
	assert_string_equal(reply(h, "mzz,4"), "E22");
	assert_string_equal(reply(h, "m1000,4x"), "E22");
	assert_string_equal(reply(h, "m10000000000000000,4"), "E22");
	/* the connection survives */
	assert_string_equal(reply(h, "m1000,1"), "00");
}

static void test_mem__m_capped_to_packet_size(void **state)
{
	struct harness *h = *state;
	const char *r = reply(h, "m1200,ffff");
	char want[8];
	size_t i;

	/* PacketSize 4096: at most 2048 bytes as hex */
	assert_int_equal(h_payload_len, 4096);
	for (i = 0; i < 2048; i += 511) {
		snprintf(want, sizeof(want), "%02x",
		         h->fx.vmem[0x200 + i]);
		assert_memory_equal(r + 2 * i, want, 2);
	}
}

static void test_mem__x_binary_reads(void **state)
{
	struct harness *h = *state;

	assert_string_equal(reply(h, "x1041,3"), "bABC");
	/* short: 2 bytes 0xf5 0xfc */
	reply(h, "x2ffe,8");
	assert_int_equal(h_payload_len, 3);
	assert_string_equal(reply(h, "x2ffe,8"), "b\xf5\xfc");
	assert_string_equal(reply(h, "x0,4"), "E14");
	assert_string_equal(reply(h, "x1000,0"), "b");
	assert_string_equal(reply(h, "x1000"), "E22");
}

static void test_mem__x_capped_with_escapes(void **state)
{
	struct harness *h = h_new(&fixture_ops_readonly, 256, 1);
	const char *r;

	(void)state;
	/* 0x1000.. holds 0..255: 4 bytes need escapes, so 255 bytes read
	 * cannot all fit 255 payload bytes after the 'b'. */
	r = reply(h, "x1000,100");
	assert_int_equal(r[0], 'b');
	assert_true(h_payload_len <= 256);
	assert_int_equal(h_payload_len, 256);
	/* 0x23 '#' is the first escaped byte, at payload offset 1 + 0x23 */
	assert_memory_equal(r + 1 + 0x23, "}\x03}\x04", 4);
	h_free(h);
}

static void test_mem__writes_refused_without_write_op(void **state)
{
	struct harness *h = *state;

	assert_string_equal(reply(h, "M1000,2:abcd"), "E30");
	assert_string_equal(reply(h, "X1000,2:ab"), "E30");
	/* the X probe GDB sends is refused too */
	assert_string_equal(reply(h, "X1000,0:"), "E30");
	assert_int_equal(h->fx.vmem[0], 0);
	/* malformed is still reported as such */
	assert_string_equal(reply(h, "M1000,2:abc"), "E22");
	assert_string_equal(reply(h, "M1000,2"), "E22");
}

static void test_mem__writes_with_write_op(void **state)
{
	struct harness *h = *state;

	assert_string_equal(reply(h, "M1000,2:abcd"), "OK");
	assert_memory_equal(h->fx.vmem, "\xab\xcd", 2);
	assert_string_equal(reply(h, "X1002,2:xy"), "OK");
	assert_memory_equal(h->fx.vmem + 2, "xy", 2);
	assert_string_equal(reply(h, "X1000,0:"), "OK");
	assert_string_equal(reply(h, "M0,1:00"), "E14");
	assert_string_equal(reply(h, "M2fff,2:0000"), "E14");
	assert_string_equal(reply(h, "M1000,2:abzz"), "E22");
}

static void test_mem__phymemmode_set_get_invalid(void **state)
{
	struct harness *h = *state;

	assert_string_equal(reply(h, "qqemu.PhyMemMode"), "0");
	assert_int_equal(gdbr_server_mem_flags(h->s), 0);
	assert_string_equal(reply(h, "Qqemu.PhyMemMode:1"), "OK");
	assert_string_equal(reply(h, "qqemu.PhyMemMode"), "1");
	assert_int_equal(gdbr_server_mem_flags(h->s), GDBR_MEM_PHYS);
	/* physical memory: 0xa5 ^ offset */
	assert_string_equal(reply(h, "m0,2"), "a5a4");
	assert_int_equal(h->fx.last_flags, GDBR_MEM_PHYS);
	assert_string_equal(reply(h, "x1,1"), "b\xa4");
	assert_string_equal(reply(h, "m1000,1"), "E14");
	/* invalid values leave the mode alone */
	assert_string_equal(reply(h, "Qqemu.PhyMemMode:2"), "E22");
	assert_string_equal(reply(h, "Qqemu.PhyMemMode:"), "E22");
	assert_string_equal(reply(h, "Qqemu.PhyMemMode:10"), "E22");
	assert_string_equal(reply(h, "qqemu.PhyMemMode"), "1");
	assert_string_equal(reply(h, "Qqemu.PhyMemMode:0"), "OK");
	assert_string_equal(reply(h, "qqemu.PhyMemMode"), "0");
	assert_string_equal(reply(h, "m1000,1"), "00");
	assert_int_equal(h->fx.last_flags, 0);
}

static void test_mem__phymemmode_applies_to_writes(void **state)
{
	struct harness *h = *state;

	reply(h, "Qqemu.PhyMemMode:1");
	assert_string_equal(reply(h, "M10,1:77"), "OK");
	assert_int_equal(h->fx.pmem[0x10], 0x77);
	assert_int_equal(h->fx.last_flags, GDBR_MEM_PHYS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define RO(f) cmocka_unit_test_setup_teardown(f, cmocka_setup_readonly, \
                                              cmocka_teardown)
#define RW(f) cmocka_unit_test_setup_teardown(f, cmocka_setup_full, \
                                              cmocka_teardown)
		RO(test_mem__m_reads_hex),
		RO(test_mem__m_short_read_gives_short_reply),
		RO(test_mem__m_unmapped_is_E14),
		RO(test_mem__m_malformed_is_E22),
		RO(test_mem__m_capped_to_packet_size),
		RO(test_mem__x_binary_reads),
		cmocka_unit_test(test_mem__x_capped_with_escapes),
		RO(test_mem__writes_refused_without_write_op),
		RW(test_mem__writes_with_write_op),
		RO(test_mem__phymemmode_set_get_invalid),
		RW(test_mem__phymemmode_applies_to_writes),
#undef RO
#undef RW
	};

	return cmocka_run_group_tests_name("stub/mem", tests, NULL, NULL);
}
