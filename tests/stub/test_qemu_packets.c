/*
 * QEMU's private packets in libgdb-remote (stub/cmd_query.c), with QEMU
 * system emulation's replies: qqemu.Supported, qqemu.sstepbits / sstep /
 * sstep=N (q and Q alike), qOffsets, PhyMemMode honoured by m and x.
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

static void test_qemu__supported_lists_system_features(void **state)
{
	struct harness *h = *state;

	assert_string_equal(reply(h, "qqemu.Supported"),
			    "sstepbits;sstep;PhyMemMode");
}

static void test_qemu__sstepbits_in_q_and_Q(void **state)
{
	struct harness *h = *state;

	assert_string_equal(reply(h, "qqemu.sstepbits"),
			    "ENABLE=1,NOIRQ=2,NOTIMER=4");
	/* gef and pwndbg detect QEMU with the Q form. */
	assert_string_equal(reply(h, "Qqemu.sstepbits"),
			    "ENABLE=1,NOIRQ=2,NOTIMER=4");
}

static void test_qemu__sstep_default_set_get(void **state)
{
	struct harness *h = *state;

	assert_string_equal(reply(h, "qqemu.sstep"), "0x7");
	assert_string_equal(reply(h, "Qqemu.sstep=1"), "OK");
	assert_string_equal(reply(h, "qqemu.sstep"), "0x1");
	assert_string_equal(reply(h, "qqemu.sstep=0x5"), "OK");
	assert_string_equal(reply(h, "Qqemu.sstep"), "0x5");
	assert_string_equal(reply(h, "Qqemu.sstep=0"), "OK");
	assert_string_equal(reply(h, "qqemu.sstep"), "0x0");
	assert_string_equal(reply(h, "Qqemu.sstep=7"), "OK");
	assert_string_equal(reply(h, "qqemu.sstep"), "0x7");
}

static void test_qemu__sstep_invalid_is_E22(void **state)
{
	struct harness *h = *state;

	assert_string_equal(reply(h, "Qqemu.sstep=zz"), "E22");
	assert_string_equal(reply(h, "Qqemu.sstep="), "E22");
	assert_string_equal(reply(h, "Qqemu.sstep=0x"), "E22");
	assert_string_equal(reply(h, "Qqemu.sstep=8"), "E22");  /* no such bit */
	assert_string_equal(reply(h, "Qqemu.sstep=1z"), "E22");
	assert_string_equal(reply(h, "Qqemu.sstep=-1"), "E22");
	assert_string_equal(reply(h, "Qqemu.sstep=11111111111111111"), "E22");
	/* Unchanged by the refusals. */
	assert_string_equal(reply(h, "qqemu.sstep"), "0x7");
	/* Unknown qemu.* packets are unsupported (empty), like QEMU. */
	assert_string_equal(reply(h, "qqemu.sstepx"), "");
	assert_string_equal(reply(h, "Qqemu.foo=1"), "");
}

static void test_qemu__qoffsets_empty_like_system_emulation(void **state)
{
	struct harness *h = *state;

	assert_string_equal(reply(h, "qOffsets"), "");
	/* and the raw bytes: an empty packet, not an error */
	h_send(h, "qOffsets");
	assert_string_equal(h_take(h), "+$#00");
}

static void test_qemu__phymemmode_bad_values_are_E22(void **state)
{
	struct harness *h = *state;

	assert_string_equal(reply(h, "Qqemu.PhyMemMode:7"), "E22");
	assert_string_equal(reply(h, "Qqemu.PhyMemMode:x"), "E22");
	assert_string_equal(reply(h, "Qqemu.PhyMemMode:01"), "E22");
	assert_string_equal(reply(h, "Qqemu.PhyMemMode:1 "), "E22");
	assert_string_equal(reply(h, "qqemu.PhyMemMode"), "0");
}

static void test_qemu__phymemmode_honoured_by_m_and_x(void **state)
{
	struct harness *h = *state;

	/* virtual view: 0x1000.. is vmem; physical 0.. is 0xa5 ^ offset */
	assert_string_equal(reply(h, "m0,1"), "E14");
	assert_string_equal(reply(h, "Qqemu.PhyMemMode:1"), "OK");
	assert_string_equal(reply(h, "m0,2"), "a5a4");
	assert_int_equal(h->fx.last_flags, GDBR_MEM_PHYS);
	assert_string_equal(reply(h, "x2,2"), "b\xa7\xa6");
	assert_int_equal(h->fx.last_flags, GDBR_MEM_PHYS);
	/* past the end of physical memory: E14, never zeros */
	assert_string_equal(reply(h, "m1000,4"), "E14");
	assert_string_equal(reply(h, "x1000,4"), "E14");
	assert_string_equal(reply(h, "mffffffffffffff00,10"), "E14");
	/* straddling the end: the backed part only */
	assert_string_equal(reply(h, "mffe,4"), "5b5a");
	assert_string_equal(reply(h, "Qqemu.PhyMemMode:0"), "OK");
	assert_string_equal(reply(h, "m0,1"), "E14");
	assert_int_equal(h->fx.last_flags, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define RO(f) cmocka_unit_test_setup_teardown(f, cmocka_setup_readonly, \
					      cmocka_teardown)
		RO(test_qemu__supported_lists_system_features),
		RO(test_qemu__sstepbits_in_q_and_Q),
		RO(test_qemu__sstep_default_set_get),
		RO(test_qemu__sstep_invalid_is_E22),
		RO(test_qemu__qoffsets_empty_like_system_emulation),
		RO(test_qemu__phymemmode_bad_values_are_E22),
		RO(test_qemu__phymemmode_honoured_by_m_and_x),
#undef RO
	};

	return cmocka_run_group_tests_name("stub/qemu_packets", tests, NULL,
					   NULL);
}
