/*
 * Dispatcher tests for libgdb-remote (stub/server.c, cmd_query.c,
 * cmd_thread.c, cmd_regs.c, cmd_run.c): qSupported per ops present,
 * threads, registers, run control states, detach/kill/reset, config checks.
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
#include "pgwalk.h"

static const char *reply(struct harness *h, const char *pkt)
{
	h_send(h, pkt);
	return h_payload(h_take(h));
}

static void test_server__qsupported_full(void **state)
{
	struct harness *h = *state;

	assert_string_equal(reply(h, "qSupported:multiprocess+;swbreak+;xmlRegisters=i386"),
	    "PacketSize=1000;QStartNoAckMode+;binary-upload+;"
	    "qXfer:features:read+;qXfer:memory-map:read+");
	assert_string_equal(reply(h, "qSupported"),
	    "PacketSize=1000;QStartNoAckMode+;binary-upload+;"
	    "qXfer:features:read+;qXfer:memory-map:read+");
}

static void test_server__qsupported_minimal_target(void **state)
{
	struct gdbr_target_ops ops = { 0 };
	struct harness *h;

	(void)state;
	ops.read_register = fixture_ops_readonly.read_register;
	ops.read_memory = fixture_ops_readonly.read_memory;
	/* 512 bytes: too small for x86-64's g, so no tdesc either. */
	h = h_new(&ops, 512, 1);
	assert_string_equal(reply(h, "qSupported:swbreak+"),
	    "PacketSize=200;QStartNoAckMode+;binary-upload+");
	/* Unadvertised features answer empty, not an error. */
	assert_string_equal(reply(h, "qXfer:memory-map:read::0,100"), "");
	assert_string_equal(reply(h, "qXfer:features:read:target.xml:0,100"), "");
	assert_string_equal(reply(h, "qRcmd,6563686f"), "");
	/* Without a tdesc the register packets cannot be answered. */
	assert_string_equal(reply(h, "g"), "E01");
	/* No thread_count: one thread. */
	assert_string_equal(reply(h, "qfThreadInfo"), "m1");
	h_free(h);
}

static const char *my_xml(const char *annex, size_t *len, void *payload)
{
	(void)payload;
	if (strcmp(annex, "target.xml") != 0)
		return NULL;
	*len = 9;
	return "<target/>";
}

static void test_server__qsupported_target_xml_op_only(void **state)
{
	struct gdbr_target_ops ops = fixture_ops_readonly;
	struct harness *h;

	(void)state;
	ops.memory_map = NULL;
	ops.target_xml = my_xml;
	h = h_new(&ops, 512, 1);
	assert_string_equal(reply(h, "qSupported"),
	    "PacketSize=200;QStartNoAckMode+;binary-upload+;"
	    "qXfer:features:read+");
	assert_string_equal(reply(h, "qXfer:features:read:target.xml:0,100"),
	                    "l<target/>");
	assert_string_equal(reply(h, "qXfer:features:read:other.xml:0,100"),
	                    "E00");
	h_free(h);
}

static void test_server__unknown_and_simple_queries(void **state)
{
	struct harness *h = *state;

	assert_string_equal(h_take(h), "");
	h_send(h, "vMustReplyEmpty");
	assert_string_equal(h_take(h), "+$#00");
	assert_string_equal(reply(h, "qFooBar"), "");
	assert_string_equal(reply(h, "Z0,1000,1"), "");
	assert_string_equal(reply(h, "qAttached"), "1");
	assert_string_equal(reply(h, "qAttached:1"), "1");
	assert_string_equal(reply(h, "qqemu.Supported"),
	                    "sstepbits;sstep;PhyMemMode");
	assert_string_equal(reply(h, "QFooBar:1"), "");
	/* Empty packet */
	h_feed_str(h, "$#00");
	assert_string_equal(h_take(h), "+$#00");
}

static void test_server__thread_list_and_current(void **state)
{
	struct harness *h = *state;

	assert_string_equal(reply(h, "qfThreadInfo"), "m1,2");
	assert_string_equal(reply(h, "qsThreadInfo"), "l");
	assert_string_equal(reply(h, "qsThreadInfo"), "l");
	assert_string_equal(reply(h, "qC"), "QC1");
	assert_string_equal(reply(h, "qThreadExtraInfo,2"), "4350552331");
	assert_string_equal(reply(h, "qThreadExtraInfo,3"), "E02");
}

static void test_server__thread_list_split_over_replies(void **state)
{
	struct harness *h = h_new(&fixture_ops_readonly, 256, 300);
	char seen[301] = { 0 };
	const char *p;
	int total = 0, packets = 0;

	(void)state;
	p = reply(h, "qfThreadInfo");
	for (;;) {
		char *tok, *save, copy[512];

		if (strcmp(p, "l") == 0)
			break;
		assert_int_equal(p[0], 'm');
		assert_true(strlen(p) <= 256);
		packets++;
		snprintf(copy, sizeof(copy), "%s", p + 1);
		for (tok = strtok_r(copy, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			long id = strtol(tok, NULL, 16);

			assert_true(id >= 1 && id <= 300);
			assert_int_equal(seen[id], 0);
			seen[id] = 1;
			total++;
		}
		p = reply(h, "qsThreadInfo");
	}
	assert_int_equal(total, 300);
	assert_true(packets >= 4);   /* ~930 chars of ids in 256-byte replies */
	h_free(h);
}

static void test_server__H_and_T(void **state)
{
	struct harness *h = *state;

	assert_string_equal(reply(h, "Hg2"), "OK");
	assert_int_equal(h->fx.selected, 2);
	assert_int_equal(gdbr_server_thread(h->s), 2);
	assert_string_equal(reply(h, "qC"), "QC2");
	assert_string_equal(reply(h, "Hg0"), "OK");     /* any: keep 2 */
	assert_string_equal(reply(h, "qC"), "QC2");
	assert_string_equal(reply(h, "Hg3"), "E02");
	assert_string_equal(reply(h, "Hg-1"), "E22");
	assert_string_equal(reply(h, "Hgzz"), "E22");
	assert_string_equal(reply(h, "qC"), "QC2");
	assert_string_equal(reply(h, "Hc-1"), "OK");
	assert_string_equal(reply(h, "Hc0"), "OK");
	assert_string_equal(reply(h, "Hc2"), "OK");
	assert_string_equal(reply(h, "Hc5"), "E02");
	assert_string_equal(reply(h, "Hx1"), "");
	assert_string_equal(reply(h, "T1"), "OK");
	assert_string_equal(reply(h, "T2"), "OK");
	assert_string_equal(reply(h, "T3"), "E02");
	assert_string_equal(reply(h, "T0"), "E02");
	assert_string_equal(reply(h, "T"), "E22");
}

/* Hex of a register value as the fixture produces it (little endian). */
static void reg_hex(char *dst, int tid, int regno)
{
	int size = gdbr_tdesc_reg_size(gdbr_tdesc_x86_64(), regno);
	uint64_t v = fixture_reg_value(tid, regno);
	int i;

	if (regno == FX_UNAVAIL_REG) {
		for (i = 0; i < size; i++)
			strcpy(dst + 2 * i, "xx");
		return;
	}
	if (regno >= GDBR_X86_64_ST0)
		v = 0;
	for (i = 0; i < size; i++)
		sprintf(dst + 2 * i, "%02x",
		        i < 8 ? (unsigned)(v >> (8 * i)) & 0xff : 0);
}

static void test_server__g_whole_register_file(void **state)
{
	struct harness *h = *state;
	static char want[2048];
	char *w = want;
	int r;

	for (r = 0; r < GDBR_X86_64_NREGS; r++) {
		reg_hex(w, 1, r);
		w += strlen(w);
	}
	assert_int_equal(strlen(want), 1216);
	assert_string_equal(reply(h, "g"), want);
	/* rip of thread 1 at offset 16 * 8 bytes */
	assert_memory_equal(want + 256, "0010000000000000", 16);
	/* thread 2 after Hg2 */
	reply(h, "Hg2");
	w = want;
	for (r = 0; r < GDBR_X86_64_NREGS; r++) {
		reg_hex(w, 2, r);
		w += strlen(w);
	}
	assert_string_equal(reply(h, "g"), want);
	assert_memory_equal(want + 256, "0011000000000000", 16);
	assert_string_equal(reply(h, "gx"), "E22");
}

static void test_server__p_single_registers(void **state)
{
	struct harness *h = *state;

	assert_string_equal(reply(h, "p10"), "0010000000000000");   /* rip */
	assert_string_equal(reply(h, "p1d"), "0010000000000000");   /* cr3 */
	assert_string_equal(reply(h, "p11"), "02020000");           /* eflags */
	assert_string_equal(reply(h, "p1a"), "xxxxxxxxxxxxxxxx");   /* k_gs_base */
	assert_string_equal(reply(h, "p41"), "00000000");           /* mxcsr */
	assert_string_equal(reply(h, "p42"), "E22");
	assert_string_equal(reply(h, "p"), "E22");
	assert_string_equal(reply(h, "p10x"), "E22");
	reply(h, "Hg2");
	assert_string_equal(reply(h, "p7"), "0220000000000000");    /* rsp */
}

static void test_server__register_writes_refused_readonly(void **state)
{
	struct harness *h = *state;
	static char g[2048];

	assert_string_equal(reply(h, "P10=0000000000000000"), "E30");
	memset(g, '0', 1216);
	g[0] = 'G';
	g[1217] = '\0';
	memset(g + 1, '0', 1216);
	assert_string_equal(reply(h, g), "E30");
	/* Malformed before read-only: wrong length. */
	assert_string_equal(reply(h, "P10=00"), "E22");
	assert_string_equal(reply(h, "G00"), "E22");
}

static void test_server__register_writes_with_op(void **state)
{
	struct harness *h = *state;
	static char g[2048];

	assert_string_equal(reply(h, "P10=1122334455667788"), "OK");
	assert_int_equal(h->fx.last_written_reg, 16);
	assert_memory_equal(h->fx.regs_written,
	                    "\x11\x22\x33\x44\x55\x66\x77\x88", 8);
	assert_string_equal(reply(h, "P10=11223344556677zz"), "E22");
	g[0] = 'G';
	memset(g + 1, '0', 1216);
	memcpy(g + 1 + 1216 - 8, "abcd0000", 8);         /* mxcsr */
	g[1217] = '\0';
	assert_string_equal(reply(h, g), "OK");
	assert_int_equal(h->fx.last_written_reg, 65);
	assert_memory_equal(h->fx.regs_written, "\xab\xcd\0\0", 4);
}

static void test_server__stop_reason_and_snapshot_continue(void **state)
{
	struct harness *h = *state;

	assert_string_equal(reply(h, "?"), "T05thread:01;");
	/* No resume op: the target cannot run, it "stops" at once. */
	assert_string_equal(reply(h, "c"), "T05thread:01;");
	assert_string_equal(reply(h, "s"), "T05thread:01;");
	assert_int_equal(gdbr_server_state(h->s), GDBR_STATE_IDLE);
	assert_int_equal(gdbr_server_report_stop(h->s, 1, 5), GDBR_EINVAL);
}

static void test_server__resume_interrupt_report_stop(void **state)
{
	struct harness *h = *state;

	h_send(h, "c");
	assert_string_equal(h_take(h), "+");
	assert_int_equal(h->fx.resumed, 1);
	assert_int_equal(gdbr_server_state(h->s), GDBR_STATE_RUNNING);
	h_feed_str(h, "\x03");
	assert_string_equal(h_take(h), "");
	assert_int_equal(h->fx.interrupted, 1);
	assert_int_equal(gdbr_server_state(h->s), GDBR_STATE_INTERRUPTED);
	/* A second Ctrl-C while waiting does nothing more. */
	h_feed_str(h, "\x03");
	assert_int_equal(h->fx.interrupted, 1);
	assert_int_equal(gdbr_server_report_stop(h->s, 3, 2), GDBR_EINVAL);
	assert_int_equal(gdbr_server_report_stop(h->s, 2, 2), 0);
	assert_string_equal(h_take(h), h_frame("T02thread:02;"));
	assert_int_equal(gdbr_server_state(h->s), GDBR_STATE_IDLE);
	assert_string_equal(reply(h, "qC"), "QC2");
	assert_string_equal(reply(h, "?"), "T05thread:02;");
	/* Step, then the target reports on its own. */
	h_send(h, "s");
	assert_string_equal(h_take(h), "+");
	assert_int_equal(gdbr_server_report_stop(h->s, 1, 5), 0);
	assert_string_equal(h_take(h), h_frame("T05thread:01;"));
}

static void test_server__detach_then_reset(void **state)
{
	struct harness *h = *state;

	reply(h, "Hg2");
	reply(h, "Qqemu.PhyMemMode:1");
	h_send(h, "QStartNoAckMode");
	h_take(h);
	assert_int_equal(h_send(h, "D"), GDBR_EDISCONNECTED);
	assert_string_equal(h_take(h), "$OK#9a");
	assert_int_equal(gdbr_server_state(h->s), GDBR_STATE_DISCONNECTED);
	assert_int_equal(h_send(h, "qC"), GDBR_EDISCONNECTED);
	assert_string_equal(h_take(h), "");
	gdbr_server_reset(h->s);
	assert_int_equal(gdbr_server_state(h->s), GDBR_STATE_IDLE);
	h_send(h, "qC");
	assert_string_equal(h_take(h), "+$QC1#c5");
	assert_string_equal(reply(h, "qqemu.PhyMemMode"), "0");
	/* "D;1" (multiprocess form) too; bytes after it are not consumed. */
	h_feed_str(h, h_frame("D;1"));
	assert_int_equal(h->last_rc, GDBR_EDISCONNECTED);
	assert_string_equal(h_take(h), "+$OK#9a");
}

static void test_server__kill_has_no_reply(void **state)
{
	struct harness *h = *state;
	char two[64];

	snprintf(two, sizeof(two), "%s", h_frame("k"));
	strcat(two, "$qC#b4");
	assert_int_equal(h_feed_str(h, two), GDBR_EDISCONNECTED);
	assert_string_equal(h_take(h), "+");
}

static int fatal_read(uint64_t addr, void *buf, size_t len, unsigned flags,
                      void *payload)
{
	(void)addr; (void)buf; (void)len; (void)flags; (void)payload;
	return GDBR_EFATAL;
}

static void test_server__fatal_target_error_drops_session(void **state)
{
	struct gdbr_target_ops ops = fixture_ops_readonly;
	struct harness *h;

	(void)state;
	ops.read_memory = fatal_read;
	h = h_new(&ops, 4096, 1);
	assert_int_equal(h_send(h, "m1000,4"), GDBR_EDISCONNECTED);
	assert_string_equal(h_take(h), "+");
	assert_string_equal(gdbr_server_errmsg(h->s), "fatal target error");
	h_free(h);
}

/*
 * A target that passes a walker error up unchanged: every libpgwalk code
 * must read as an ordinary failure (E14, the session goes on), never as
 * GDBR_EFATAL, which once shared its value with PGW_ENOMEM.
 */
static int walker_error;

static int walker_error_read(uint64_t addr, void *buf, size_t len,
                             unsigned flags, void *payload)
{
	(void)addr; (void)buf; (void)len; (void)flags; (void)payload;
	return walker_error;
}

static void test_server__walker_errors_are_not_fatal(void **state)
{
	static const int codes[] = { PGW_EINVAL, PGW_ENOTMAPPED, PGW_ERSVD,
	                             PGW_EIO, PGW_EACCES, PGW_ENOMEM,
	                             PGW_ELIMIT };
	struct gdbr_target_ops ops = fixture_ops_readonly;
	struct harness *h;

	(void)state;
	ops.read_memory = walker_error_read;
	h = h_new(&ops, 4096, 1);
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		walker_error = codes[i];
		assert_int_equal(h_send(h, "m1000,4"), 0);
		assert_string_equal(h_payload(h_take(h)), "E14");
		assert_int_equal(gdbr_server_state(h->s), GDBR_STATE_IDLE);
	}
	h_free(h);
}

/* Memory a dump left out is E61 (ENODATA) for m and x alike, not E14, and
 * the session goes on. */
static void test_server__nodata_is_E61(void **state)
{
	struct gdbr_target_ops ops = fixture_ops_readonly;
	struct harness *h;

	(void)state;
	ops.read_memory = walker_error_read;
	h = h_new(&ops, 4096, 1);
	walker_error = GDBR_ENODATA;
	assert_int_equal(h_send(h, "m1000,4"), 0);
	assert_string_equal(h_payload(h_take(h)), "E61");
	assert_int_equal(h_send(h, "x1000,4"), 0);
	assert_string_equal(h_payload(h_take(h)), "E61");
	assert_int_equal(gdbr_server_state(h->s), GDBR_STATE_IDLE);
	walker_error = -1;
	assert_int_equal(h_send(h, "m1000,4"), 0);
	assert_string_equal(h_payload(h_take(h)), "E14");
	h_free(h);
}

static int nop_write(const void *b, size_t n, void *p)
{
	(void)b; (void)n; (void)p;
	return 0;
}

static void test_server__config_validation(void **state)
{
	static const struct gdbr_conn_ops conn = { nop_write, NULL };
	static char buf[4096];
	struct gdbr_server_config cfg = GDBR_SERVER_CONFIG_INIT;
	gdbr_server *s = (gdbr_server *)&cfg;

	(void)state;
	cfg.conn = &conn;
	cfg.target = &fixture_ops_readonly;
	cfg.packet_buf = buf;
	cfg.packet_size = sizeof(buf);
	cfg.tdesc = gdbr_tdesc_x86_64();
	assert_int_equal(gdbr_server_new(&s, NULL), GDBR_EINVAL);
	assert_null(s);
	cfg.version = 99;
	assert_int_equal(gdbr_server_new(&s, &cfg), GDBR_EINVAL);
	cfg.version = GDBR_SERVER_CONFIG_VERSION;
	cfg.packet_size = 255;
	assert_int_equal(gdbr_server_new(&s, &cfg), GDBR_EINVAL);
	cfg.packet_size = 1215;          /* g of x86-64 needs 1216 */
	assert_int_equal(gdbr_server_new(&s, &cfg), GDBR_EINVAL);
	cfg.tdesc = gdbr_tdesc_i386();   /* 688 */
	assert_int_equal(gdbr_server_new(&s, &cfg), 0);
	gdbr_server_free(s);
	cfg.conn = NULL;
	assert_int_equal(gdbr_server_new(&s, &cfg), GDBR_EINVAL);
	gdbr_server_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define RO(f) cmocka_unit_test_setup_teardown(f, cmocka_setup_readonly, \
                                              cmocka_teardown)
#define RW(f) cmocka_unit_test_setup_teardown(f, cmocka_setup_full, \
                                              cmocka_teardown)
		RW(test_server__qsupported_full),
		cmocka_unit_test(test_server__qsupported_minimal_target),
		cmocka_unit_test(test_server__qsupported_target_xml_op_only),
		RO(test_server__unknown_and_simple_queries),
		RO(test_server__thread_list_and_current),
		cmocka_unit_test(test_server__thread_list_split_over_replies),
		RO(test_server__H_and_T),
		RO(test_server__g_whole_register_file),
		RO(test_server__p_single_registers),
		RO(test_server__register_writes_refused_readonly),
		RW(test_server__register_writes_with_op),
		RO(test_server__stop_reason_and_snapshot_continue),
		RW(test_server__resume_interrupt_report_stop),
		RO(test_server__detach_then_reset),
		RO(test_server__kill_has_no_reply),
		cmocka_unit_test(test_server__fatal_target_error_drops_session),
		cmocka_unit_test(test_server__walker_errors_are_not_fatal),
		cmocka_unit_test(test_server__nodata_is_E61),
		cmocka_unit_test(test_server__config_validation),
#undef RO
#undef RW
	};

	return cmocka_run_group_tests_name("stub/server", tests, NULL, NULL);
}
