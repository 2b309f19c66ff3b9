/*
 * qXfer and qRcmd tests for libgdb-remote (stub/cmd_xfer.c, cmd_rcmd.c,
 * out.c): target.xml and memory-map windows (m/l, offsets past the end,
 * kept documents), monitor output streamed as several O packets then OK/E.
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

static const char *xfer(struct harness *h, const char *obj, const char *annex,
                        size_t off, size_t len)
{
	char pkt[128];

	snprintf(pkt, sizeof(pkt), "qXfer:%s:read:%s:%zx,%zx", obj, annex,
	         off, len);
	return reply(h, pkt);
}

static void test_xfer__features_whole_document(void **state)
{
	/* The x86-64 XML (about 5.5 KB) fits one 8 KB packet. */
	struct harness *h = h_new(&fixture_ops_readonly, 8192, 1);
	size_t len;
	const char *xml = gdbr_tdesc_xml(gdbr_tdesc_x86_64(), "target.xml", &len);
	static char want[8192];
	const char *r;

	(void)state;
	assert_true(len < sizeof(want) - 1);
	want[0] = 'l';
	memcpy(want + 1, xml, len + 1);
	assert_string_equal(xfer(h, "features", "target.xml", 0, 0x1fff), want);
	/* With the 4 KB packets of the default harness: two windows. */
	h_free(h);
	h = h_new(&fixture_ops_readonly, 4096, 1);
	r = xfer(h, "features", "target.xml", 0, 0xfff);
	assert_int_equal(r[0], 'm');
	assert_int_equal(h_payload_len, 4096);
	r = xfer(h, "features", "target.xml", 4095, 0xfff);
	assert_int_equal(r[0], 'l');
	assert_string_equal(r + 1, xml + 4095);
	h_free(h);
}

static void test_xfer__features_windows(void **state)
{
	struct harness *h = *state;
	size_t len, off;
	const char *xml = gdbr_tdesc_xml(gdbr_tdesc_x86_64(), "target.xml", &len);
	static char got[8192];
	const char *r;

	r = xfer(h, "features", "target.xml", 0, 0x10);
	assert_int_equal(r[0], 'm');
	assert_int_equal(h_payload_len, 1 + 0x10);
	assert_memory_equal(r + 1, xml, 0x10);
	/* Reassemble in 100-byte windows as GDB would. */
	for (off = 0;;) {
		r = xfer(h, "features", "target.xml", off, 100);
		memcpy(got + off, r + 1, h_payload_len - 1);
		off += h_payload_len - 1;
		if (r[0] == 'l')
			break;
		assert_int_equal(r[0], 'm');
		assert_int_equal(h_payload_len, 101);
	}
	assert_int_equal(off, len);
	assert_memory_equal(got, xml, len);
	/* Last 5 bytes: 'l' because nothing follows. */
	r = xfer(h, "features", "target.xml", len - 5, 100);
	assert_int_equal(r[0], 'l');
	assert_string_equal(r + 1, xml + len - 5);
	/* Exactly at the end, and past it: empty 'l'. */
	assert_string_equal(xfer(h, "features", "target.xml", len, 100), "l");
	assert_string_equal(xfer(h, "features", "target.xml", len + 1000, 100),
	                    "l");
}

static void test_xfer__features_errors(void **state)
{
	struct harness *h = *state;

	assert_string_equal(xfer(h, "features", "nope.xml", 0, 100), "E00");
	assert_string_equal(reply(h, "qXfer:features:read:target.xml:0"), "E00");
	assert_string_equal(reply(h, "qXfer:features:read:target.xml"), "E00");
	assert_string_equal(reply(h, "qXfer:features:read:target.xml:zz,1"),
	                    "E00");
	assert_string_equal(reply(h, "qXfer:features:write:target.xml:0:abc"),
	                    "");
	assert_string_equal(reply(h, "qXfer:libraries:read::0,100"), "");
	assert_string_equal(reply(h, "qXfer:"), "E00");
}

static void test_xfer__memory_map_windows_and_caching(void **state)
{
	struct harness *h = *state;
	static const char doc[] =
		"<?xml version=\"1.0\"?>\n"
		"<!DOCTYPE memory-map PUBLIC \"+//IDN gnu.org//DTD GDB Memory Map V1.0//EN\"\n"
		"  \"http://sourceware.org/gdb/gdb-memory-map.dtd\">\n"
		"<memory-map>\n"
		"  <memory type=\"ram\" start=\"0x1000\" length=\"0x2000\"/>\n"
		"</memory-map>\n";
	static char want[512];
	const char *r;

	r = xfer(h, "memory-map", "", 0, 0x20);
	assert_int_equal(h->fx.memmap_calls, 1);
	want[0] = 'm';
	memcpy(want + 1, doc, 0x20);
	want[0x21] = '\0';
	assert_string_equal(r, want);
	/* A later window comes from the kept copy. */
	r = xfer(h, "memory-map", "", 0x20, 0x1000);
	assert_int_equal(h->fx.memmap_calls, 1);
	want[0] = 'l';
	strcpy(want + 1, doc + 0x20);
	assert_string_equal(r, want);
	assert_string_equal(xfer(h, "memory-map", "", sizeof(doc) + 10, 10), "l");
	assert_int_equal(h->fx.memmap_calls, 1);
	/* Offset 0 again: regenerated. */
	want[0] = 'l';
	strcpy(want + 1, doc);
	assert_string_equal(xfer(h, "memory-map", "", 0, 0x1000), want);
	assert_int_equal(h->fx.memmap_calls, 2);
	/* memory-map takes no annex */
	assert_string_equal(xfer(h, "memory-map", "x", 0, 0x10), "E00");
}

static void test_xfer__memory_map_not_advertised_without_op(void **state)
{
	struct gdbr_target_ops ops = fixture_ops_readonly;
	struct harness *h;

	(void)state;
	ops.memory_map = NULL;
	h = h_new(&ops, 4096, 1);
	assert_string_equal(reply(h, "qSupported"),
	    "PacketSize=1000;QStartNoAckMode+;binary-upload+;"
	    "qXfer:features:read+");
	assert_string_equal(xfer(h, "memory-map", "", 0, 0x100), "");
	h_free(h);
}

static void hex_of(char *dst, const char *text)
{
	while (*text) {
		sprintf(dst, "%02x", (unsigned char)*text++);
		dst += 2;
	}
}

static void send_monitor(struct harness *h, const char *cmd)
{
	char pkt[256] = "qRcmd,";

	hex_of(pkt + 6, cmd);
	h_send(h, pkt);
}

static void test_rcmd__short_output_then_ok(void **state)
{
	struct harness *h = *state;
	const char *out, *cur;
	char want[64] = "O";

	send_monitor(h, "echo hi");
	out = h_take(h);
	cur = out;
	hex_of(want + 1, "hi\n");
	assert_string_equal(h_next_payload(&cur), want);
	assert_string_equal(h_next_payload(&cur), "OK");
	assert_null(h_next_payload(&cur));
	/* exact bytes of the first packet: "+$O68690a#.." */
	assert_memory_equal(out, "+$O68690a#", 10);
}

static void test_rcmd__long_output_split_into_O_packets(void **state)
{
	struct harness *h = *state;
	static char text[16384], got[16384];
	const char *cur, *p;
	size_t tl = 0, gl = 0;
	int i, packets = 0;

	for (i = 0; i < 400; i++)
		tl += (size_t)sprintf(text + tl, "line %04d abcdefghijklmnop\n", i);
	send_monitor(h, "long 400");
	cur = h_take(h);
	while ((p = h_next_payload(&cur)) && p[0] == 'O' && strcmp(p, "OK")) {
		size_t n = strlen(p + 1) / 2, k;

		/* PacketSize 4096: 'O' + at most 2047 bytes of text */
		assert_true(strlen(p) <= 4096);
		for (k = 0; k < n; k++) {
			unsigned v;

			sscanf(p + 1 + 2 * k, "%2x", &v);
			got[gl++] = (char)v;
		}
		packets++;
	}
	assert_non_null(p);
	assert_string_equal(p, "OK");
	assert_null(h_next_payload(&cur));
	assert_int_equal(tl, 400 * 27);
	assert_int_equal(packets, 6);   /* 10800 bytes / 2047 */
	assert_int_equal(gl, tl);
	assert_memory_equal(got, text, tl);
}

static void test_rcmd__failing_command_E_after_output(void **state)
{
	struct harness *h = *state;
	const char *cur;
	char want[64] = "O";

	send_monitor(h, "fail");
	cur = h_take(h);
	hex_of(want + 1, "failing\n");
	assert_string_equal(h_next_payload(&cur), want);
	assert_string_equal(h_next_payload(&cur), "E01");
	assert_null(h_next_payload(&cur));
}

static void test_rcmd__follows_selected_thread(void **state)
{
	struct harness *h = *state;
	const char *cur;
	char want[64] = "O";

	reply(h, "Hg2");
	send_monitor(h, "cpu");
	cur = h_take(h);
	hex_of(want + 1, "cpu 1\n");
	assert_string_equal(h_next_payload(&cur), want);
	assert_string_equal(h_next_payload(&cur), "OK");
}

static void test_rcmd__bad_hex_and_no_output(void **state)
{
	struct harness *h = *state;

	assert_string_equal(reply(h, "qRcmd,6"), "E22");
	assert_string_equal(reply(h, "qRcmd,zz"), "E22");
	assert_string_equal(reply(h, "qRcmd,6500"), "E22");  /* embedded NUL */
	/* "long 0": no output at all, only OK */
	send_monitor(h, "long 0");
	assert_string_equal(h_take(h), "+$OK#9a");
}

static void test_rcmd__small_packet_size(void **state)
{
	struct harness *h = h_new(&fixture_ops_readonly, 256, 1);
	const char *cur, *p;
	int packets = 0;

	(void)state;
	send_monitor(h, "long 20");     /* 540 bytes, 127 per O packet */
	cur = h_take(h);
	while ((p = h_next_payload(&cur)) && strcmp(p, "OK")) {
		assert_int_equal(p[0], 'O');
		assert_true(h_payload_len <= 255);
		packets++;
	}
	assert_non_null(p);
	assert_int_equal(packets, 5);
	h_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define RO(f) cmocka_unit_test_setup_teardown(f, cmocka_setup_readonly, \
                                              cmocka_teardown)
		cmocka_unit_test(test_xfer__features_whole_document),
		RO(test_xfer__features_windows),
		RO(test_xfer__features_errors),
		RO(test_xfer__memory_map_windows_and_caching),
		cmocka_unit_test(test_xfer__memory_map_not_advertised_without_op),
		RO(test_rcmd__short_output_then_ok),
		RO(test_rcmd__long_output_split_into_O_packets),
		RO(test_rcmd__failing_command_E_after_output),
		RO(test_rcmd__follows_selected_thread),
		RO(test_rcmd__bad_hex_and_no_output),
		cmocka_unit_test(test_rcmd__small_packet_size),
#undef RO
	};

	return cmocka_run_group_tests_name("stub/xfer", tests, NULL, NULL);
}
